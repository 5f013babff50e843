"""Annealed importance sampling of a binary RBM's partition function (docs/physics.md §15).

Intermediate distributions over the visible layer, from the independent base model (β = 0,
visible fields ``base_fields`` a⁰, no couplings) to the RBM (β = 1) (Salakhutdinov & Murray
2008, eqs. 11–13):

    log f_β(v) = Σ_i ((1 − β) a⁰_i + β g_i) v_i + Σ_μ Γ_h(β I_μ(v)),   I_μ = c_μ + Σ_i v_i w_iμ,

and T_β the Gibbs sweep h ~ p_β(h | v), v ~ p_β(v | h) (input β I_μ for h_μ,
(1 − β) a⁰_i + β (g_i + Σ_μ w_iμ h_μ) for v_i), which leaves f_β invariant.  Along a schedule
0 = β_0 < β_1 < … < β_K = 1 every chain accumulates

    S = Σ_{k=0}^{K−1} [log f_{β_{k+1}}(v_k) − log f_{β_k}(v_k)]

* forward (Neal 2001): v_0 an exact draw of the base, v_k = T_{β_k}(v_{k−1}); e^S is an
  unbiased estimate of Z / Z_0;
* reverse (Burda, Grosse, Salakhutdinov 2015): v_K the start state (exact samples of the RBM,
  or data), v_k = T_{β_{k+1}}(v_{k+1}); e^{−S} is an unbiased estimate of Z_0 / Z when the
  start states are exact samples of the RBM.

One xoshiro256+ stream per chain (``random``), so the result does not depend on the number of
threads.
"""

import numpy as np
from numba import njit, prange

from .unit_functions import hidden_inputs, unit_cumulant, unit_sample


@njit(inline="always")
def _increment(v, inputs, visible_fields, base_fields, beta_from, beta_to, hidden_code):
    """log f_{β_to}(v) − log f_{β_from}(v), one term of S (docs/physics.md §15.1)."""
    total = 0.0
    step = beta_to - beta_from
    for i in range(v.shape[0]):
        if v[i] != 0:
            total += step * (visible_fields[i] - base_fields[i]) * v[i]
    for mu in range(inputs.shape[0]):
        total += (unit_cumulant(hidden_code, beta_to * inputs[mu])
                  - unit_cumulant(hidden_code, beta_from * inputs[mu]))
    return total


@njit(inline="always")
def _transition(v, inputs, hidden, weights, visible_fields, base_fields, beta, state,
                visible_code, hidden_code):
    """One Gibbs sweep of T_β in place (docs/physics.md §15.1); ``inputs`` are I_μ(v) of the
    current v."""
    n_visible, n_hidden = weights.shape
    for mu in range(n_hidden):
        hidden[mu] = unit_sample(hidden_code, beta * inputs[mu], state)
    for i in range(n_visible):
        field = beta * visible_fields[i] + (1.0 - beta) * base_fields[i]
        for mu in range(n_hidden):
            field += beta * weights[i, mu] * hidden[mu]
        v[i] = unit_sample(visible_code, field, state)


@njit(inline="always")
def _chain(v, state, weights, visible_fields, hidden_fields, base_fields, betas, visible_code,
           hidden_code, reverse):
    n_visible, n_hidden = weights.shape
    inputs = np.empty(n_hidden)
    hidden = np.empty(n_hidden)
    n_steps = betas.shape[0] - 1
    total = 0.0
    if reverse:
        for k in range(n_steps - 1, -1, -1):
            hidden_inputs(v, weights, hidden_fields, inputs)
            _transition(v, inputs, hidden, weights, visible_fields, base_fields, betas[k + 1],
                        state, visible_code, hidden_code)
            hidden_inputs(v, weights, hidden_fields, inputs)
            total += _increment(v, inputs, visible_fields, base_fields, betas[k], betas[k + 1],
                                hidden_code)
    else:
        for i in range(n_visible):  # v_0: an exact draw of the base model
            v[i] = unit_sample(visible_code, base_fields[i], state)
        for k in range(n_steps):
            hidden_inputs(v, weights, hidden_fields, inputs)
            total += _increment(v, inputs, visible_fields, base_fields, betas[k], betas[k + 1],
                                hidden_code)
            if k + 1 < n_steps:
                _transition(v, inputs, hidden, weights, visible_fields, base_fields,
                            betas[k + 1], state, visible_code, hidden_code)
    return total


@njit(cache=True, parallel=True)
def anneal(chains, chain_states, weights, visible_fields, hidden_fields, base_fields, betas,
           visible_code, hidden_code, reverse, log_weights):
    """Run every chain (a row of ``chains``, int8, changed in place; with ``reverse`` its start
    state, forward it is overwritten by a draw of the base) along ``betas`` and store its S
    (module docstring) in ``log_weights``.  Chains run in parallel on numba's threads, each
    from its own stream, so the result is the same for any number of threads."""
    for c in prange(chains.shape[0]):
        log_weights[c] = _chain(chains[c], chain_states[c], weights, visible_fields,
                                hidden_fields, base_fields, betas, visible_code, hidden_code,
                                reverse)
