"""Exact partition function and free energies of a binary RBM (docs/physics.md §3).

E(v, h) = −Σ_iμ w_iμ v_i h_μ − Σ_i g_i v_i − Σ_μ c_μ h_μ; summing e^{−E} over one layer gives
the other layer's cumulants Γ (``unit_functions.unit_cumulant``), so
log Z = log Σ_h exp(Σ_μ c_μ h_μ + Σ_i Γ_v(g_i + Σ_μ w_iμ h_μ)) needs only the 2^M states of
the hidden layer; with the layers' roles exchanged (transposed weights, fields and codes
swapped) the same kernel enumerates the visible layer instead (``rbmsweep.rbm.RBM.log_partition``
picks the smaller layer).
"""

import numpy as np
from numba import njit

from .unit_functions import SPIN, unit_cumulant, unit_levels
from .vecmath import exp


@njit(cache=True)
def log_partition_over_hidden(weights, visible_fields, hidden_fields, visible_code, hidden_code):
    """log Z by enumerating the 2^M hidden states (Gray code: one column added per state;
    docs/physics.md §3.5).

    log Z = log Σ_h exp(Σ_μ c_μ h_μ + Σ_i Γ_v(g_i + Σ_μ w_iμ h_μ)), summed with a running
    log-sum-exp.  Cost 2^M · N.
    """
    n_visible, n_hidden = weights.shape
    low, step = unit_levels(hidden_code)
    hidden = np.full(n_hidden, low)
    field = visible_fields.copy()
    bias = 0.0
    for mu in range(n_hidden):
        bias += hidden_fields[mu] * low
        for i in range(n_visible):
            field[i] += weights[i, mu] * low
    running_max = -np.inf
    running_sum = 0.0
    n_states = 1 << n_hidden
    for k in range(n_states):
        if k > 0:
            # Gray code: state k differs from state k−1 in the lowest set bit of k
            mu = 0
            while not (k >> mu) & 1:
                mu += 1
            sign = 1.0 if hidden[mu] == low else -1.0
            hidden[mu] += sign * step
            bias += sign * step * hidden_fields[mu]
            for i in range(n_visible):
                field[i] += sign * step * weights[i, mu]
        term = bias
        for i in range(n_visible):
            term += unit_cumulant(visible_code, field[i])
        if term > running_max:
            running_sum = running_sum * np.exp(running_max - term) + 1.0
            running_max = term
        else:
            running_sum += np.exp(term - running_max)
    return running_max + np.log(running_sum)


#: rows of data converted to float64 at a time in ``negative_free_energies`` (a block and its
#: product stay in the L2 cache)
FREE_ENERGY_BLOCK = 1024


@njit(cache=True, error_model="numpy")
def negative_free_energies(data, weights, visible_fields, hidden_fields, visible_code, hidden_code):
    """−F(v) = Σ_i g_i v_i + Σ_μ Γ_h(c_μ + Σ_i v_i w_iμ) for each row (log P(v) = −F(v) − log Z).

    Vectorised (docs/physics.md §18.4): blocks of rows as float64 times [W | g] through BLAS
    (the hidden inputs and the field term in one product), then the cumulants of a row in one
    logarithm, Σ_μ Γ(x_μ) = Σ_μ a_μ + log Π_μ (1 + e^{b_μ}) with a = |x|, b = −2|x| (spin:
    Γ = log 2cosh x) or a = (x + |x|)/2 = max(x, 0), b = −|x| (Bernoulli: Γ = log(1 + e^x));
    every factor lies in (1, 2], so the product cannot overflow (rows of more than 512 hidden
    units take one logarithm per 512), and the exponentials (``vecmath.exp``) vectorise across
    rows."""
    n_samples, n_visible = data.shape
    n_hidden = weights.shape[1]
    out = np.empty(n_samples)
    factors = np.empty((n_visible, n_hidden + 1))
    for i in range(n_visible):
        for mu in range(n_hidden):
            factors[i, mu] = weights[i, mu]
        factors[i, n_hidden] = visible_fields[i]
    # a = abs_part |x| + x_part x, b = −exp_part |x| (see above)
    abs_part, x_part, exp_part = (1.0, 0.0, 2.0) if hidden_code == SPIN else (0.5, 0.5, 1.0)
    block = min(FREE_ENERGY_BLOCK, max(n_samples, 1))
    rows = np.empty((block, n_visible))
    products = np.empty((block, n_hidden + 1))
    linear = np.empty(block)
    product = np.empty(block)
    for start in range(0, n_samples, block):
        n = min(block, n_samples - start)
        for s in range(n):
            for i in range(n_visible):
                rows[s, i] = data[start + s, i]
        np.dot(rows[:n], factors, products[:n])
        for s in range(n):
            linear[s] = products[s, n_hidden]
            product[s] = 1.0
        for mu in range(n_hidden):
            if mu > 0 and mu % 512 == 0:  # keep the product far from overflow
                for s in range(n):
                    linear[s] += np.log(product[s])
                    product[s] = 1.0
            c = hidden_fields[mu]
            for s in range(n):
                x = products[s, mu] + c
                linear[s] += abs_part * abs(x) + x_part * x
                product[s] *= 1.0 + exp(-exp_part * abs(x))
        for s in range(n):
            out[start + s] = linear[s] + np.log(product[s])
    return out
