"""Binary units for the kernels: the integer codes of every unit type, and per-unit math of the
binary ones.

A unit type is an integer code that the kernels dispatch on: ``SPIN`` takes the values ±1,
``BERNOULLI`` the values {0, 1} (``rbmsweep.units`` names them for users); ``GAUSSIAN`` and
``DOUBLE_WELL`` (real values; their math in ``real_units``) and ``POTTS`` (q states, visible
only; ``potts_units``) are dispatched on by ``general_pcd`` and ``general_partition``.  For a unit with
input x, the cumulant Γ(x) = log Σ_h e^{h x} over its two values, its derivative Γ'(x) (the
unit's mean given x), and a draw from P(h | x) ∝ e^{h x} (docs/physics.md §3).  Also the
inputs I_μ = c_μ + Σ_i v_i w_iμ that a visible configuration gives the hidden units.

Conventions: ``weights`` is ``(n_visible, n_hidden)`` float64, fields are float64 vectors,
configurations are int8 rows.
"""

import numpy as np
from numba import njit

from .random import uniform

SPIN = 0
BERNOULLI = 1
GAUSSIAN = 2
DOUBLE_WELL = 3
POTTS = 4


@njit(inline="always")
def unit_levels(code):
    """(low value, high − low) of a binary unit: spin (−1, 2), Bernoulli (0, 1)."""
    if code == SPIN:
        return -1.0, 2.0
    return 0.0, 1.0


@njit(inline="always")
def high_probability_scale(code):
    """P(unit high | input x) = σ(scale·x): σ(2x) for a spin, σ(x) for a Bernoulli unit
    (HTCM20 eq. 3; docs/physics.md §3.2)."""
    return 2.0 if code == SPIN else 1.0


@njit(inline="always")
def sigmoid(x):
    """1 / (1 + e^−x).  Branchless (a branch on the sign mispredicts half the time on random
    inputs); e^−x = inf gives exactly 0, e^−x = 0 exactly 1."""
    return 1.0 / (1.0 + np.exp(-x))


@njit(inline="always")
def log_one_plus_exp(x):
    """log(1 + e^x) without overflow."""
    if x > 0.0:
        return x + np.log1p(np.exp(-x))
    return np.log1p(np.exp(x))


@njit(inline="always")
def unit_cumulant(code, x):
    """Γ(x) = log Σ_h e^{h x} over the unit's values: log 2cosh x (spin), log(1+e^x) (Bernoulli)
    (HTCM20, below eq. 3; docs/physics.md §3.2)."""
    if code == SPIN:
        ax = abs(x)
        return ax + np.log1p(np.exp(-2.0 * ax))
    return log_one_plus_exp(x)


@njit(inline="always")
def unit_mean(code, x):
    """Γ'(x): tanh x (spin), sigmoid x (Bernoulli) (docs/physics.md §3.2)."""
    if code == SPIN:
        return np.tanh(x)
    return sigmoid(x)


@njit(inline="always")
def unit_sample(code, x, state):
    """Draw a unit given its input x: +1/−1 with P(+1) = σ(2x) (spin), 1/0 with P(1) = σ(x)
    (docs/physics.md §3.2–3.3)."""
    u = uniform(state)
    if code == SPIN:
        return 1 if u < sigmoid(2.0 * x) else -1
    return 1 if u < sigmoid(x) else 0


@njit(inline="always")
def hidden_inputs(row, weights, hidden_fields, out):
    """out[μ] = I_μ = c_μ + Σ_i v_i w_iμ for one visible configuration ``row`` (docs/physics.md
    §3.2)."""
    n_visible, n_hidden = weights.shape
    for mu in range(n_hidden):
        out[mu] = hidden_fields[mu]
    for i in range(n_visible):
        vi = row[i]
        if vi != 0:
            for mu in range(n_hidden):
                out[mu] += vi * weights[i, mu]
