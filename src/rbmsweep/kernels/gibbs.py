"""Numba kernels for binary RBMs: unit functions, Gibbs sampling, the reference training epoch
(the fast ones are in ``pcd.py``), and exact log-partition functions by enumeration.

Conventions: ``weights`` is ``(n_visible, n_hidden)`` float64, fields are float64 vectors,
configurations are int8 rows.  Unit types are integer codes (``SPIN`` ±1, ``BERNOULLI``
{0,1}); every random draw comes from an explicit xoshiro256+ stream (``random.py``), one
stream per persistent chain, so results do not depend on the number of threads.
"""

import numpy as np
from numba import njit

from .random import uniform

SPIN = 0
BERNOULLI = 1


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
    """Γ(x) = log Σ_h e^{h x} over the unit's values: log 2cosh x (spin), log(1+e^x) (Bernoulli)."""
    if code == SPIN:
        ax = abs(x)
        return ax + np.log1p(np.exp(-2.0 * ax))
    return log_one_plus_exp(x)


@njit(inline="always")
def unit_mean(code, x):
    """Γ'(x): tanh x (spin), sigmoid x (Bernoulli)."""
    if code == SPIN:
        return np.tanh(x)
    return sigmoid(x)


@njit(inline="always")
def unit_sample(code, x, state):
    """Draw a unit given its input x: +1/−1 with P(+1) = σ(2x) (spin), 1/0 with P(1) = σ(x)."""
    u = uniform(state)
    if code == SPIN:
        return 1 if u < sigmoid(2.0 * x) else -1
    return 1 if u < sigmoid(x) else 0


@njit(inline="always")
def _hidden_inputs(row, weights, hidden_fields, out):
    n_visible, n_hidden = weights.shape
    for mu in range(n_hidden):
        out[mu] = hidden_fields[mu]
    for i in range(n_visible):
        vi = row[i]
        if vi != 0:
            for mu in range(n_hidden):
                out[mu] += vi * weights[i, mu]


@njit(inline="always")
def _gibbs_sweeps(chain, state, weights, visible_fields, hidden_fields, visible_code, hidden_code, n_steps, inputs, hidden):
    """n_steps full sweeps h ~ p(h|v), v ~ p(v|h) of one chain, in place."""
    n_visible, n_hidden = weights.shape
    for _ in range(n_steps):
        _hidden_inputs(chain, weights, hidden_fields, inputs)
        for mu in range(n_hidden):
            hidden[mu] = unit_sample(hidden_code, inputs[mu], state)
        for i in range(n_visible):
            field = visible_fields[i]
            for mu in range(n_hidden):
                field += weights[i, mu] * hidden[mu]
            chain[i] = unit_sample(visible_code, field, state)


@njit(cache=True)
def gibbs_sample(chains, chain_states, weights, visible_fields, hidden_fields, visible_code, hidden_code, n_steps):
    """Run every chain (a row of ``chains``) ``n_steps`` Gibbs sweeps in place."""
    n_hidden = weights.shape[1]
    inputs = np.empty(n_hidden)
    hidden = np.empty(n_hidden)
    for j in range(chains.shape[0]):
        _gibbs_sweeps(chains[j], chain_states[j], weights, visible_fields, hidden_fields,
                      visible_code, hidden_code, n_steps, inputs, hidden)


@njit(cache=True)
def train_epoch_reference(data, order, weights, visible_fields, hidden_fields, chains,
                          chain_states, visible_code, hidden_code, learning_rate, batch_size,
                          gibbs_steps, persistent, learn_visible_fields, learn_hidden_fields):
    """One epoch of stochastic gradient ascent on the log-likelihood, in place: the reference.

    Written for clarity, one chain and one unit at a time; ``pcd.train_epoch_serial`` /
    ``_parallel`` are the fast kernels of the same algorithm (same draws from the same streams),
    checked against this one in tests/test_kernels.py.

    Mini-batches are consecutive slices of ``order`` (the epoch's shuffle); the last one may be
    shorter.  The gradient is ⟨v_i Γ'(I_μ)⟩_batch − ⟨v_i Γ'(I_μ)⟩_chains (DESIGN §3.3), the model
    term from ``chains`` after ``gibbs_steps`` sweeps: persistent chains (PCD-k) or chains
    restarted at the batch (CD-k, ``persistent=False``).  Returns the number of updates.
    """
    n_samples, n_visible = data.shape
    n_hidden = weights.shape[1]
    n_chains = chains.shape[0]
    grad_w = np.zeros((n_visible, n_hidden))
    grad_v = np.zeros(n_visible)
    grad_h = np.zeros(n_hidden)
    inputs = np.empty(n_hidden)
    hidden = np.empty(n_hidden)
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
            _hidden_inputs(row, weights, hidden_fields, inputs)
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
                          visible_code, hidden_code, gibbs_steps, inputs, hidden)
            _hidden_inputs(chain, weights, hidden_fields, inputs)
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


@njit(cache=True)
def log_partition_over_hidden(weights, visible_fields, hidden_fields, visible_code, hidden_code):
    """log Z by enumerating the 2^M hidden states (Gray code: one column added per state).

    log Z = log Σ_h exp(Σ_μ c_μ h_μ + Σ_i Γ_v(g_i + Σ_μ w_iμ h_μ)), summed with a running
    log-sum-exp.  Cost 2^M · N.
    """
    n_visible, n_hidden = weights.shape
    low = -1.0 if hidden_code == SPIN else 0.0
    step = 2.0 if hidden_code == SPIN else 1.0  # high value − low value
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


@njit(cache=True)
def negative_free_energies(data, weights, visible_fields, hidden_fields, visible_code, hidden_code):
    """−F(v) = Σ_i g_i v_i + Σ_μ Γ_h(c_μ + Σ_i v_i w_iμ) for each row (log P(v) = −F(v) − log Z)."""
    n_samples, n_visible = data.shape
    n_hidden = weights.shape[1]
    out = np.empty(n_samples)
    inputs = np.empty(n_hidden)
    for s in range(n_samples):
        row = data[s]
        _hidden_inputs(row, weights, hidden_fields, inputs)
        total = 0.0
        for i in range(n_visible):
            total += visible_fields[i] * row[i]
        for mu in range(n_hidden):
            total += unit_cumulant(hidden_code, inputs[mu])
        out[s] = total
    return out


@njit(cache=True)
def all_values_in(values, allowed):
    """Whether every entry of the int8 array ``values`` (C-contiguous) is one of ``allowed``.

    One pass through a 256-entry lookup table: no temporaries (``np.isin`` makes ~10 bytes of
    them per value) and ~30× faster, so validating 10^8 data values costs milliseconds."""
    table = np.zeros(256, dtype=np.bool_)
    for a in allowed:
        table[np.int64(a) + 128] = True
    flat = values.reshape(-1)
    ok = True
    for t in range(flat.shape[0]):
        ok &= table[np.int64(flat[t]) + 128]
    return ok
