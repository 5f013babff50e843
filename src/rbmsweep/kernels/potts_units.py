"""Potts visible units for the kernels: q states per site (docs/physics.md §12.1).

A Potts site i in state a ∈ {0 … q−1} contributes −g_i(a) − Σ_μ w_iμ(a) h_μ to the energy, so

* the hidden input is I_μ = c_μ + Σ_i w_iμ(v_i) (a lookup per site, ``hidden_inputs``);
* given h, the sites are independent with P(v_i = a | h) = e^{x_ia} / Σ_b e^{x_ib},
  x_ia = g_i(a) + Σ_μ w_iμ(a) h_μ, and their cumulant is Γ_v(x_i) = log Σ_a e^{x_ia}
  (``site_cumulant``).

The kernels keep the weights transposed, ``weights_t[μ, a, i] = w_iμ(a)`` (and the fields
``fields_t[a, i] = g_i(a)``), so that every loop over the sites runs over contiguous memory and
vectorizes.  ``sample_sites`` draws all the sites of one chain from their inputs by inverse
transform, one uniform per site: with e_ia = exp(x_ia − max_b x_ib) and the running sums
S_ia = Σ_{b ≤ a} e_ib, the state is the number of a < q − 1 with S_ia ≤ u_i S_i,q−1, a count
made with branch-free compares over all sites at once.
"""

import numpy as np
from numba import njit

from .random import uniform_from_bits, xoshiro_step
from .vecmath import exp

#: e^x below this is taken as e^−708 (the same as 0 beside the largest term, 1, and no
#: subnormal arithmetic)
_LOW = -708.0


@njit(inline="always")
def hidden_inputs(row, weights_t, hidden_fields, out):
    """out[μ] = c_μ + Σ_i w_iμ(v_i) for one Potts configuration ``row`` (int8 states;
    docs/physics.md §12.1)."""
    n_hidden, _, n_visible = weights_t.shape
    for mu in range(n_hidden):
        total = hidden_fields[mu]
        for i in range(n_visible):
            total += weights_t[mu, np.int64(row[i]), i]
        out[mu] = total


@njit(inline="always")
def site_inputs(hidden, weights_t, fields_t, x):
    """x[a, i] = g_i(a) + Σ_μ w_iμ(a) h_μ (flat loops over the sites; docs/physics.md §12.1)."""
    n_hidden, n_states, n_visible = weights_t.shape
    for a in range(n_states):
        for i in range(n_visible):
            x[a, i] = fields_t[a, i]
        for mu in range(n_hidden):
            h = hidden[mu]
            for i in range(n_visible):
                x[a, i] += h * weights_t[mu, a, i]


@njit(error_model="numpy")
def sample_sites(x, top, threshold, row, state):
    """Draw every site of one chain from its inputs ``x`` (q, N), overwritten by the running
    sums; ``top`` and ``threshold`` are scratch of length N; one uniform per site, in site
    order, from the stream ``state`` (kept in registers)."""
    n_states, n_visible = x.shape
    for i in range(n_visible):
        top[i] = x[0, i]
    for a in range(1, n_states):
        for i in range(n_visible):
            top[i] = max(top[i], x[a, i])
    for i in range(n_visible):
        x[0, i] = exp(max(x[0, i] - top[i], _LOW))
    for a in range(1, n_states):
        for i in range(n_visible):
            x[a, i] = x[a - 1, i] + exp(max(x[a, i] - top[i], _LOW))
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for i in range(n_visible):
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        threshold[i] = uniform_from_bits(r) * x[n_states - 1, i]
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    for i in range(n_visible):
        top[i] = 0.0  # the count, as a float: compares add 0 or 1
    for a in range(n_states - 1):
        for i in range(n_visible):
            top[i] += x[a, i] <= threshold[i]
    for i in range(n_visible):
        row[i] = np.int8(top[i])


@njit(inline="always")
def site_cumulant(x, i):
    """Γ_v = log Σ_a e^{x[a, i]} of site i, stable (docs/physics.md §12.1)."""
    n_states = x.shape[0]
    top = x[0, i]
    for a in range(1, n_states):
        top = max(top, x[a, i])
    total = 0.0
    for a in range(n_states):
        total += np.exp(x[a, i] - top)
    return top + np.log(total)
