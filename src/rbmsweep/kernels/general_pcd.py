"""Training epochs and Gibbs sampling for every pair of unit types (docs/physics.md §12.5).

Visible units spin, bernoulli, gaussian or potts; hidden units spin, bernoulli, gaussian or
double_well (codes in ``unit_functions``).  The binary × binary pairs train on ``pcd`` (faster,
with tables that only binary layers allow); ``rbmsweep.training`` dispatches.  The algorithm is
``gibbs.train_epoch_reference``'s (docs/physics.md §4): stochastic gradient ascent, mini-batches
in the epoch's order, the model term from persistent chains (PCD-k) or chains restarted at the
mini-batch (CD-k), Rao–Blackwellised with the hidden units' means Γ'(I_μ):

    Δw_iμ(a) = ν (⟨φ_ia(v) Γ'(I_μ)⟩_batch − ⟨φ_ia(v) Γ'(I_μ)⟩_chains),
    Δg_i(a)  = ν (⟨φ_ia(v)⟩_batch − ⟨φ_ia(v)⟩_chains),  Δc_μ = ν (⟨Γ'(I_μ)⟩_batch − ⟨Γ'(I_μ)⟩_chains),

with φ_ia(v) = δ(v_i, a) for Potts sites (then Δw and Δg are projected on Σ_a = 0: the zero-sum
gauge, docs/physics.md §12.1) and φ_i(v) = v_i otherwise.

Arrays: ``weights`` (N, M, S) and ``visible_fields`` (N, S) with S = q for Potts units and
S = 1 otherwise (a view of the (N, M) and (N,) arrays); ``data`` and ``chains`` int8 (states or
±1/0-1 values) or float64 (Gaussian units).  The kernel keeps transposed copies
(``potts_units``: every loop over the sites is contiguous).

Draws: every chain owns one xoshiro256+ stream (a row of ``chain_states``) and, per sweep,
draws its hidden units in order (``real_units.sample``: one uniform for a binary unit, two per
normal, a rejection loop for the double well), then its visible units in site order: one
uniform per site (binary: high when u < P(high); Potts: ``potts_units.sample_sites``) or, for
Gaussian sites, one Box–Muller pair per two sites (sites 2k, 2k+1 get r cos 2πu₂, r sin 2πu₂,
r = √(−2 log(1 − u₁))).  So a chain's draws depend only on its stream; the chains of a
mini-batch run in blocks on threads (``prange``), and the gradient is summed afterwards in
chain order: the parameters are bitwise the same for any number of threads or blocks.

A mini-batch whose gradient is not finite (the chains ran away: a Gaussian–Gaussian model that
is no longer normalisable, docs/physics.md §12.4) stops the epoch before its update, and the
kernel returns −(b + 1) for mini-batch b; otherwise the number of updates.
"""

import math

import numpy as np
from numba import njit, prange

from . import potts_units, real_units
from .random import uniform_from_bits, xoshiro_step
from .unit_functions import GAUSSIAN, POTTS, high_probability_scale, unit_levels
from .vecmath import sigmoid

_TWO_PI = 2.0 * math.pi


@njit(inline="always")
def transpose(weights, visible_fields, weights_t, fields_t):
    """weights_t[μ, a, i] = weights[i, μ, a], fields_t[a, i] = visible_fields[i, a]."""
    n_visible, n_hidden, n_states = weights.shape
    for mu in range(n_hidden):
        for a in range(n_states):
            for i in range(n_visible):
                weights_t[mu, a, i] = weights[i, mu, a]
    for a in range(n_states):
        for i in range(n_visible):
            fields_t[a, i] = visible_fields[i, a]


@njit(inline="always")
def hidden_inputs(row, weights_t, hidden_fields, visible_code, out):
    """out[μ] = I_μ = c_μ + Σ_i φ_i(v) · w_iμ for one configuration ``row``."""
    if visible_code == POTTS:
        potts_units.hidden_inputs(row, weights_t, hidden_fields, out)
        return
    n_hidden, _, n_visible = weights_t.shape
    for mu in range(n_hidden):
        total = hidden_fields[mu]
        for i in range(n_visible):
            total += row[i] * weights_t[mu, 0, i]
        out[mu] = total


@njit(error_model="numpy")
def sample_visible(row, x, top, threshold, state, visible_code, visible_variance):
    """Draw one chain's visible units from their inputs ``x`` (S, N) (overwritten)."""
    n_visible = x.shape[1]
    if visible_code == POTTS:
        potts_units.sample_sites(x, top, threshold, row, state)
        return
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    if visible_code == GAUSSIAN:
        spread = math.sqrt(visible_variance)
        for i in range(0, n_visible, 2):
            r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
            radius = math.sqrt(-2.0 * math.log(1.0 - uniform_from_bits(r)))
            r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
            angle = _TWO_PI * uniform_from_bits(r)
            row[i] = visible_variance * x[0, i] + spread * radius * math.cos(angle)
            if i + 1 < n_visible:
                row[i + 1] = (visible_variance * x[0, i + 1]
                              + spread * radius * math.sin(angle))
    else:
        low, step = unit_levels(visible_code)
        scale = high_probability_scale(visible_code)
        for i in range(n_visible):
            top[i] = sigmoid(scale * x[0, i])
        for i in range(n_visible):
            r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
            row[i] = low + step * (uniform_from_bits(r) < top[i])
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


@njit(error_model="numpy")
def chain_sweeps(row, hidden, inputs, state, weights_t, fields_t, hidden_fields, visible_code,
                 visible_variance, hidden_code, hidden_variance, theta, n_steps, x, top,
                 threshold):
    """``n_steps`` Gibbs sweeps h ~ p(h | v), v ~ p(v | h) of one chain, in place."""
    for _ in range(n_steps):
        hidden_inputs(row, weights_t, hidden_fields, visible_code, inputs)
        for mu in range(hidden.shape[0]):
            hidden[mu] = real_units.sample(hidden_code, inputs[mu], hidden_variance, theta,
                                           state)
        potts_units.site_inputs(hidden, weights_t, fields_t, x)
        sample_visible(row, x, top, threshold, state, visible_code, visible_variance)


@njit(error_model="numpy")
def _accumulate(row, weight, weights_t, hidden_fields, visible_code, hidden_code,
                hidden_variance, theta, inputs, grad_w, grad_g, grad_c):
    """Add weight · (φ(v) Γ'(I), φ(v), Γ'(I)) of configuration ``row`` to the gradient
    (HTCM20 eq. 6; docs/physics.md §3.6, §12.3)."""
    hidden_inputs(row, weights_t, hidden_fields, visible_code, inputs)
    n_hidden, _, n_visible = weights_t.shape
    for mu in range(n_hidden):
        inputs[mu] = weight * real_units.mean(hidden_code, inputs[mu], hidden_variance, theta)
        grad_c[mu] += inputs[mu]
    if visible_code == POTTS:
        for i in range(n_visible):
            a = np.int64(row[i])
            grad_g[a, i] += weight
            for mu in range(n_hidden):
                grad_w[mu, a, i] += inputs[mu]
    else:
        for i in range(n_visible):
            vi = row[i]
            grad_g[0, i] += weight * vi
            for mu in range(n_hidden):
                grad_w[mu, 0, i] += vi * inputs[mu]


@njit(inline="always")
def _zero_sum(grad):
    """Project every site's gradient on Σ_a = 0 (the zero-sum gauge, docs/physics.md §12.1),
    grad (..., S, N)."""
    flat = grad.reshape((-1, grad.shape[-2], grad.shape[-1]))
    n_states = flat.shape[1]
    for k in range(flat.shape[0]):
        for i in range(flat.shape[2]):
            total = 0.0
            for a in range(n_states):
                total += flat[k, a, i]
            total /= n_states
            for a in range(n_states):
                flat[k, a, i] -= total


@njit(error_model="numpy")
def _clear(array):
    flat = array.reshape(-1)
    for k in range(flat.shape[0]):
        flat[k] = 0.0


@njit(inline="always")
def _all_finite(array):
    for value in array.reshape(-1):
        if not np.isfinite(value):
            return False
    return True


@njit(inline="always")
def _epoch(data, order, weights, visible_fields, hidden_fields, chains, chain_states,
           visible_code, visible_variance, hidden_code, hidden_variance, theta, learning_rate,
           batch_size, gibbs_steps, persistent, learn_visible_fields, learn_hidden_fields,
           n_blocks):
    n_samples, n_visible = data.shape
    n_hidden, n_states = weights.shape[1], weights.shape[2]
    n_chains = chains.shape[0]
    n_batches = (n_samples + batch_size - 1) // batch_size
    weights_t = np.empty((n_hidden, n_states, n_visible))
    fields_t = np.empty((n_states, n_visible))
    transpose(weights, visible_fields, weights_t, fields_t)
    hidden = np.empty((n_chains, n_hidden))
    inputs = np.empty((n_chains, n_hidden))
    n_blocks = max(1, min(n_blocks, n_chains))
    x = np.empty((n_blocks, n_states, n_visible))
    top = np.empty((n_blocks, n_visible))
    threshold = np.empty((n_blocks, n_visible))
    grad_w = np.empty((n_hidden, n_states, n_visible))
    grad_g = np.empty((n_states, n_visible))
    grad_c = np.empty(n_hidden)
    scratch = np.empty(n_hidden)
    for b in range(n_batches):
        start = b * batch_size
        stop = min(start + batch_size, n_samples)
        n_rows = stop - start
        n_active = n_chains if persistent else min(n_chains, n_rows)
        if not persistent:  # CD: the chains restart at the mini-batch
            for j in range(n_active):
                for i in range(n_visible):
                    chains[j, i] = data[order[start + j], i]
        blocks = min(n_blocks, n_active)
        for blk in prange(blocks):
            for j in range(blk * n_active // blocks, (blk + 1) * n_active // blocks):
                chain_sweeps(chains[j], hidden[j], inputs[j], chain_states[j], weights_t,
                             fields_t, hidden_fields, visible_code, visible_variance,
                             hidden_code, hidden_variance, theta, gibbs_steps, x[blk],
                             top[blk], threshold[blk])
        _clear(grad_w)  # (not grad_w[...] = 0: in the parallel kernel that is a parallel region)
        _clear(grad_g)
        _clear(grad_c)
        for s in range(n_rows):
            _accumulate(data[order[start + s]], 1.0 / n_rows, weights_t, hidden_fields,
                        visible_code, hidden_code, hidden_variance, theta, scratch, grad_w,
                        grad_g, grad_c)
        for j in range(n_active):
            _accumulate(chains[j], -1.0 / n_active, weights_t, hidden_fields, visible_code,
                        hidden_code, hidden_variance, theta, scratch, grad_w, grad_g, grad_c)
        if not (_all_finite(grad_w) and _all_finite(grad_g) and _all_finite(grad_c)):
            return -(b + 1)
        if visible_code == POTTS:
            _zero_sum(grad_w)
            _zero_sum(grad_g)
        for i in range(n_visible):
            for mu in range(n_hidden):
                for a in range(n_states):
                    weights[i, mu, a] += learning_rate * grad_w[mu, a, i]
        if learn_visible_fields:
            for i in range(n_visible):
                for a in range(n_states):
                    visible_fields[i, a] += learning_rate * grad_g[a, i]
        if learn_hidden_fields:
            for mu in range(n_hidden):
                hidden_fields[mu] += learning_rate * grad_c[mu]
        transpose(weights, visible_fields, weights_t, fields_t)
    return n_batches


@njit(cache=True, error_model="numpy")
def train_epoch_serial(data, order, weights, visible_fields, hidden_fields, chains,
                       chain_states, visible_code, visible_variance, hidden_code,
                       hidden_variance, theta, learning_rate, batch_size, gibbs_steps,
                       persistent, learn_visible_fields, learn_hidden_fields, n_blocks=1):
    """One epoch in place, on one thread (module docstring); returns the number of updates,
    or −(b + 1) if mini-batch b's gradient was not finite (its update not applied)."""
    return _epoch(data, order, weights, visible_fields, hidden_fields, chains, chain_states,
                  visible_code, visible_variance, hidden_code, hidden_variance, theta,
                  learning_rate, batch_size, gibbs_steps, persistent, learn_visible_fields,
                  learn_hidden_fields, n_blocks)


@njit(cache=True, error_model="numpy", parallel=True)
def train_epoch_parallel(data, order, weights, visible_fields, hidden_fields, chains,
                         chain_states, visible_code, visible_variance, hidden_code,
                         hidden_variance, theta, learning_rate, batch_size, gibbs_steps,
                         persistent, learn_visible_fields, learn_hidden_fields, n_blocks):
    """``train_epoch_serial`` with the chains of each mini-batch in ``n_blocks`` blocks on
    numba's threads: bitwise the same result."""
    return _epoch(data, order, weights, visible_fields, hidden_fields, chains, chain_states,
                  visible_code, visible_variance, hidden_code, hidden_variance, theta,
                  learning_rate, batch_size, gibbs_steps, persistent, learn_visible_fields,
                  learn_hidden_fields, n_blocks)


@njit(cache=True, error_model="numpy")
def gibbs_sample(chains, chain_states, weights, visible_fields, hidden_fields, visible_code,
                 visible_variance, hidden_code, hidden_variance, theta, n_steps):
    """Run every chain (a row of ``chains``) ``n_steps`` Gibbs sweeps in place, with the draws
    of the training epochs."""
    n_chains, n_visible = chains.shape
    n_hidden, n_states = weights.shape[1], weights.shape[2]
    weights_t = np.empty((n_hidden, n_states, n_visible))
    fields_t = np.empty((n_states, n_visible))
    transpose(weights, visible_fields, weights_t, fields_t)
    hidden = np.empty(n_hidden)
    inputs = np.empty(n_hidden)
    x = np.empty((n_states, n_visible))
    top = np.empty(n_visible)
    threshold = np.empty(n_visible)
    for j in range(n_chains):
        chain_sweeps(chains[j], hidden, inputs, chain_states[j], weights_t, fields_t,
                     hidden_fields, visible_code, visible_variance, hidden_code,
                     hidden_variance, theta, n_steps, x, top, threshold)
