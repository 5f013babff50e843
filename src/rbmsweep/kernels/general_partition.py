"""Exact free energies and log Z pieces for every pair of unit types (docs/physics.md §12.3).

Conventions of ``general_pcd``: weights (N, M, S), visible fields (N, S), S = q for Potts
sites and 1 otherwise.  Summing e^{−E} over one layer gives the other layer's cumulants:

* over the visible layer, the free energy of a hidden configuration h,
  log f(h) = Σ_μ (−U_μ(h_μ) + c_μ h_μ) + Σ_i Γ_v(x_i(h)),  x_ia(h) = g_i(a) + Σ_μ w_iμ(a) h_μ,
  with Γ_v the visible cumulant (``visible_cumulant``: log Σ_a e^{x_ia} for Potts,
  log 2cosh / log(1 + e^x) for binary, σ² x²/2 + ½ log 2πσ² for Gaussian units);
  log Z = log Σ_h f(h) for binary hidden units (``log_partition_binary_hidden``, Gray code) and
  log ∫ dh f(h) for real ones (``log_hidden_integrand`` at quadrature nodes,
  ``rbmsweep.hidden_quadrature``);
* over the hidden layer, −F(v) = Σ_i ψ_i(v_i) + Σ_μ Γ_h(I_μ(v)) (``negative_free_energies``),
  ψ_i(v) = g_i(v) (Potts), g_i v (binary), g_i v − v²/(2σ_v²) (Gaussian).
"""

import math

import numpy as np
from numba import njit

from . import real_units
from .general_pcd import hidden_inputs, transpose
from .potts_units import site_cumulant, site_inputs
from .unit_functions import GAUSSIAN, POTTS, unit_cumulant, unit_levels

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


@njit(inline="always")
def visible_cumulant(code, variance, x, i):
    """Γ_v of site i with inputs x[:, i]."""
    if code == POTTS:
        return site_cumulant(x, i)
    if code == GAUSSIAN:
        return 0.5 * variance * x[0, i] * x[0, i] + _HALF_LOG_2PI + 0.5 * math.log(variance)
    return unit_cumulant(code, x[0, i])


@njit(inline="always")
def _layer_sum(x, code, variance):
    total = 0.0
    for i in range(x.shape[1]):
        total += visible_cumulant(code, variance, x, i)
    return total


@njit(cache=True)
def log_partition_binary_hidden(weights, visible_fields, hidden_fields, visible_code,
                                visible_variance, hidden_code):
    """log Z = log Σ_h exp(c·h + Σ_i Γ_v(x_i(h))) over the 2^M states of binary hidden units,
    in Gray-code order (one column of inputs changed per state) with a running log-sum-exp."""
    n_visible, n_hidden, n_states = weights.shape
    weights_t = np.empty((n_hidden, n_states, n_visible))
    fields_t = np.empty((n_states, n_visible))
    transpose(weights, visible_fields, weights_t, fields_t)
    low, step = unit_levels(hidden_code)
    hidden = np.full(n_hidden, low)
    x = np.empty((n_states, n_visible))
    site_inputs(hidden, weights_t, fields_t, x)
    bias = 0.0
    for mu in range(n_hidden):
        bias += hidden_fields[mu] * low
    running_max = -np.inf
    running_sum = 0.0
    for k in range(1 << n_hidden):
        if k > 0:
            mu = 0
            while not (k >> mu) & 1:
                mu += 1
            delta = step if hidden[mu] == low else -step
            hidden[mu] += delta
            bias += delta * hidden_fields[mu]
            for a in range(n_states):
                for i in range(n_visible):
                    x[a, i] += delta * weights_t[mu, a, i]
        term = bias + _layer_sum(x, visible_code, visible_variance)
        if term > running_max:
            running_sum = running_sum * np.exp(running_max - term) + 1.0
            running_max = term
        else:
            running_sum += np.exp(term - running_max)
    return running_max + np.log(running_sum)


@njit(cache=True)
def log_hidden_integrand(points, weights, visible_fields, hidden_fields, visible_code,
                         visible_variance, hidden_code, hidden_variance, theta, out):
    """out[p] = log f(h) at the real hidden configurations ``points[p]`` (P, M)
    (docs/physics.md §12.3, ``quadrature_hidden``)."""
    n_visible, n_hidden, n_states = weights.shape
    weights_t = np.empty((n_hidden, n_states, n_visible))
    fields_t = np.empty((n_states, n_visible))
    transpose(weights, visible_fields, weights_t, fields_t)
    x = np.empty((n_states, n_visible))
    for p in range(points.shape[0]):
        hidden = points[p]
        total = 0.0
        for mu in range(n_hidden):
            total += (real_units.minus_potential(hidden_code, hidden[mu], hidden_variance, theta)
                      + hidden_fields[mu] * hidden[mu])
        site_inputs(hidden, weights_t, fields_t, x)
        out[p] = total + _layer_sum(x, visible_code, visible_variance)


@njit(cache=True)
def negative_free_energies(data, weights, visible_fields, hidden_fields, visible_code,
                           visible_variance, hidden_code, hidden_variance, theta):
    """−F(v) = Σ_i ψ_i(v_i) + Σ_μ Γ_h(I_μ(v)) for each row of ``data`` (HTCM20, below eq. 3;
    docs/physics.md §3.4, §12.3)."""
    n_samples, n_visible = data.shape
    n_hidden, n_states = weights.shape[1], weights.shape[2]
    weights_t = np.empty((n_hidden, n_states, n_visible))
    fields_t = np.empty((n_states, n_visible))
    transpose(weights, visible_fields, weights_t, fields_t)
    inputs = np.empty(n_hidden)
    out = np.empty(n_samples)
    for s in range(n_samples):
        row = data[s]
        hidden_inputs(row, weights_t, hidden_fields, visible_code, inputs)
        total = 0.0
        for i in range(n_visible):
            if visible_code == POTTS:
                total += fields_t[np.int64(row[i]), i]
            elif visible_code == GAUSSIAN:
                total += fields_t[0, i] * row[i] - 0.5 * row[i] * row[i] / visible_variance
            else:
                total += fields_t[0, i] * row[i]
        for mu in range(n_hidden):
            total += real_units.cumulant(hidden_code, inputs[mu], hidden_variance, theta)
        out[s] = total
    return out
