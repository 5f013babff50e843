"""Gibbs sampling of a binary RBM and the reference training epoch (docs/physics.md §3–4).

Written for clarity, one chain and one unit at a time; the fast epochs of the same algorithm,
draw for draw, are in ``pcd.py``.  Every random draw comes from an explicit xoshiro256+ stream
(``random.py``), one stream per chain, so results do not depend on the number of threads.
A layer's units draw 32-bit uniforms, two per output, in unit order (``_sample_layer``:
docs/physics.md §4.1).  Conventions as in ``unit_functions.py``.
"""

import numpy as np
from numba import njit

from .random import TWO32, below, halves, next_u64
from .unit_functions import hidden_inputs, high_probability_scale, sigmoid, unit_levels, unit_mean


@njit(inline="always")
def _sample_layer(out, inputs, code, state):
    """Draw every unit of a layer given its inputs: unit k is high with probability
    P = σ(scale · input) when its 32-bit uniform u satisfies u < P 2^32; units 2m and 2m+1
    take the two halves of the stream's next output (``random.halves``), an odd last unit the
    first half only."""
    low, step = unit_levels(code)
    scale = high_probability_scale(code)
    second = np.uint64(0)
    for k in range(out.shape[0]):
        if k % 2 == 0:
            u, second = halves(next_u64(state))
        else:
            u = second
        out[k] = low + step * below(u, sigmoid(scale * inputs[k]) * TWO32)


@njit(inline="always")
def _gibbs_sweeps(chain, state, weights, visible_fields, hidden_fields, visible_code, hidden_code,
                  n_steps, inputs, hidden, field):
    """n_steps full sweeps h ~ p(h|v), v ~ p(v|h) of one chain, in place (docs/physics.md §3.3)."""
    n_visible, n_hidden = weights.shape
    for _ in range(n_steps):
        hidden_inputs(chain, weights, hidden_fields, inputs)
        _sample_layer(hidden, inputs, hidden_code, state)
        for i in range(n_visible):
            field[i] = visible_fields[i]
            for mu in range(n_hidden):
                field[i] += weights[i, mu] * hidden[mu]
        _sample_layer(chain, field, visible_code, state)


@njit(cache=True)
def gibbs_sample(chains, chain_states, weights, visible_fields, hidden_fields, visible_code,
                 hidden_code, n_steps):
    """Run every chain (a row of ``chains``) ``n_steps`` Gibbs sweeps in place."""
    n_visible, n_hidden = weights.shape
    inputs = np.empty(n_hidden)
    hidden = np.empty(n_hidden)
    field = np.empty(n_visible)
    for j in range(chains.shape[0]):
        _gibbs_sweeps(chains[j], chain_states[j], weights, visible_fields, hidden_fields,
                      visible_code, hidden_code, n_steps, inputs, hidden, field)


@njit(cache=True)
def train_epoch_reference(data, order, weights, visible_fields, hidden_fields, chains,
                          chain_states, visible_code, hidden_code, learning_rate, batch_size,
                          gibbs_steps, persistent, learn_visible_fields, learn_hidden_fields):
    """One epoch of stochastic gradient ascent on the log-likelihood, in place: the reference.

    Written for clarity, one chain and one unit at a time; ``pcd.train_epoch_serial`` /
    ``_parallel`` are the fast kernels of the same algorithm (same draws from the same streams),
    checked against this one in tests/test_kernels.py.

    Mini-batches are consecutive slices of ``order`` (the epoch's shuffle); the last one may be
    shorter.  The gradient is ⟨v_i Γ'(I_μ)⟩_batch − ⟨v_i Γ'(I_μ)⟩_chains (HTCM20 eq. 6,
    docs/physics.md §3.6), the model term from ``chains`` after ``gibbs_steps`` sweeps:
    persistent chains (PCD-k) or chains restarted at the batch (CD-k, ``persistent=False``).
    Returns the number of updates.
    """
    n_samples, n_visible = data.shape
    n_hidden = weights.shape[1]
    n_chains = chains.shape[0]
    grad_w = np.zeros((n_visible, n_hidden))
    grad_v = np.zeros(n_visible)
    grad_h = np.zeros(n_hidden)
    inputs = np.empty(n_hidden)
    hidden = np.empty(n_hidden)
    field = np.empty(n_visible)
    n_batches = (n_samples + batch_size - 1) // batch_size
    for b in range(n_batches):
        start = b * batch_size
        stop = min(start + batch_size, n_samples)
        batch_weight = 1.0 / (stop - start)
        grad_w[:, :] = 0.0
        grad_v[:] = 0.0
        grad_h[:] = 0.0
        # positive (data) term
        for s in range(start, stop):
            row = data[order[s]]
            hidden_inputs(row, weights, hidden_fields, inputs)
            for mu in range(n_hidden):
                inputs[mu] = unit_mean(hidden_code, inputs[mu]) * batch_weight
                grad_h[mu] += inputs[mu]
            for i in range(n_visible):
                vi = row[i]
                if vi != 0:
                    grad_v[i] += vi * batch_weight
                    for mu in range(n_hidden):
                        grad_w[i, mu] += vi * inputs[mu]
        # negative (model) term
        if persistent:
            n_active = n_chains
        else:
            n_active = min(n_chains, stop - start)
            for j in range(n_active):
                chains[j, :] = data[order[start + j]]
        chain_weight = 1.0 / n_active
        for j in range(n_active):
            chain = chains[j]
            _gibbs_sweeps(chain, chain_states[j], weights, visible_fields, hidden_fields,
                          visible_code, hidden_code, gibbs_steps, inputs, hidden, field)
            hidden_inputs(chain, weights, hidden_fields, inputs)
            for mu in range(n_hidden):
                inputs[mu] = unit_mean(hidden_code, inputs[mu]) * chain_weight
                grad_h[mu] -= inputs[mu]
            for i in range(n_visible):
                vi = chain[i]
                if vi != 0:
                    grad_v[i] -= vi * chain_weight
                    for mu in range(n_hidden):
                        grad_w[i, mu] -= vi * inputs[mu]
        for i in range(n_visible):
            for mu in range(n_hidden):
                weights[i, mu] += learning_rate * grad_w[i, mu]
        if learn_visible_fields:
            for i in range(n_visible):
                visible_fields[i] += learning_rate * grad_v[i]
        if learn_hidden_fields:
            for mu in range(n_hidden):
                hidden_fields[mu] += learning_rate * grad_h[mu]
    return n_batches
