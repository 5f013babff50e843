"""The Gibbs sweeps of the chains within one update of ``kernels.pcd``: per-update tables of
the visible units' thresholds and of the hidden inputs' group sums, and the sweeps that use them.

The weights are fixed during an update, so

* when the hidden layer has few configurations (``2^M``, M ≤ ``pcd.MAX_TABLE_HIDDEN``), a
  visible unit's high-probability for every hidden configuration is computed once per update as
  an integer threshold ``ceil(P(v_i high | h) 2^53)`` (``fill_table``): a visible update is then
  one draw, one shift and one integer compare against the table;
* for M ≤ ``pcd.MAX_FUSED_HIDDEN`` the next sweep's hidden inputs are summed while the visible
  units are drawn, by one lookup per 4 visible units in a table of partial sums
  (``fill_group_sums``), and a chain's xoshiro state stays in registers (``fused_sweep``; two
  chains interleaved in ``fused_sweep_pair``, which repeats the single-chain code on purpose:
  the two streams' steps interleave instruction by instruction).

Every draw is the reference's (``gibbs.train_epoch_reference``), in the same order from the
same stream (docs/physics.md §4.1).
"""

import numpy as np
from numba import njit

from .random import uniform_from_bits, xoshiro_step
from .unit_functions import high_probability_scale, unit_levels
from .vecmath import sigmoid

_U11 = np.uint64(11)
_TWO53 = 9007199254740992.0


# -- per-update tables --------------------------------------------------------------------------

@njit(error_model="numpy")
def fill_table(table, weights, visible_fields, visible_code, hidden_code, field):
    """table[c, i] = ceil(P(v_i high | h = configuration c) · 2^53), bit μ of c = [h_μ high].

    ``(r >> 11) < table[c, i]`` ⇔ ``(r >> 11) 2^-53 < P``: the product by 2^53 is exact and
    the left side is an integer.  ``field`` is float64 scratch shaped like ``table``: the
    inputs g_i + Σ_μ w_iμ h_μ, configuration c from c without its lowest set bit (one pass
    each), then all the sigmoids in one flat loop."""
    n_visible, n_hidden = weights.shape
    low_h, step_h = unit_levels(hidden_code)
    for i in range(n_visible):
        field[0, i] = visible_fields[i]
    for mu in range(n_hidden):
        for i in range(n_visible):
            field[0, i] += weights[i, mu] * low_h
    for c in range(1, table.shape[0]):
        mu = 0
        while not (c >> mu) & 1:
            mu += 1
        for i in range(n_visible):
            field[c, i] = field[c & (c - 1), i] + weights[i, mu] * step_h
    scale = high_probability_scale(visible_code)
    flat_field = field.reshape(-1)
    flat_table = table.reshape(-1)
    for t in range(flat_table.shape[0]):
        flat_table[t] = np.uint64(np.int64(np.ceil(sigmoid(scale * flat_field[t]) * _TWO53)))


@njit(error_model="numpy")
def fill_group_sums(sums, weights, n_hidden, visible_code):
    """sums[g, p, μ] = Σ_t v_t w_{4g+t, μ} over the visible units t of group g (4, fewer in the
    last group), where v_t is the level coded by bit (n_g − 1 − t) of the pattern p.

    A chain's hidden inputs are then c_μ + Σ_g sums[g, p_g, μ]: one lookup per 4 visible units
    instead of 4 multiply-adds per hidden unit.  Built by doubling: patterns with the bit of
    unit t set are those without it, plus (high − low)·w_t, lowest bit first."""
    low_v, step_v = unit_levels(visible_code)
    n_visible = weights.shape[0]
    for g in range(sums.shape[0]):
        i0 = 4 * g
        n_units = min(4, n_visible - i0)
        for mu in range(n_hidden):
            base = 0.0
            for t in range(n_units):
                base += low_v * weights[i0 + t, mu]
            sums[g, 0, mu] = base
        for k in range(n_units):  # bit k codes unit t = n_units − 1 − k
            t = n_units - 1 - k
            bit = 1 << k
            for p in range(bit):
                for mu in range(n_hidden):
                    sums[g, p + bit, mu] = sums[g, p, mu] + step_v * weights[i0 + t, mu]


# -- sampling -----------------------------------------------------------------------------------

@njit(inline="always")
def hidden_probabilities(inputs, prob, j0, j1, hidden_code):
    """prob = P(h high | inputs) for chains j0..j1−1: one flat loop, so it vectorizes."""
    n_hidden = inputs.shape[1]
    scale = high_probability_scale(hidden_code)
    flat_inputs = inputs.reshape(-1)
    flat_prob = prob.reshape(-1)
    for t in range(j0 * n_hidden, j1 * n_hidden):
        flat_prob[t] = sigmoid(scale * flat_inputs[t])


@njit(inline="always")
def fused_sweep(inputs, prob, j, state, table, sums, packed, fields, n_hidden):
    """One sweep of chain j (M ≤ 4): hidden units from ``prob[j]``, then the visible units.

    Per visible unit: one draw, one compare against the table row of the hidden configuration,
    one bit appended to the 4-unit group pattern (stored in ``packed``); per group, one lookup in
    ``sums`` per hidden unit, which sums the next sweep's hidden inputs (into ``inputs[j]``).
    ``fields``: the hidden fields zero-padded to 4; unused accumulators add zeros."""
    n_visible = table.shape[1]
    n_full = n_visible >> 2
    n_groups = sums.shape[0]
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    config = 0
    for mu in range(n_hidden):
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        config |= np.int64(uniform_from_bits(r) < prob[j, mu]) << mu
    a0 = fields[0]
    a1 = fields[1]
    a2 = fields[2]
    a3 = fields[3]
    # (table[config, i], not a row view: a view costs a reference count per sweep)
    for g in range(n_full):
        i0 = 4 * g
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        p = np.int64((r >> _U11) < table[config, i0])
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        p = 2 * p + np.int64((r >> _U11) < table[config, i0 + 1])
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        p = 2 * p + np.int64((r >> _U11) < table[config, i0 + 2])
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        p = 2 * p + np.int64((r >> _U11) < table[config, i0 + 3])
        packed[g] = p
        a0 += sums[g, p, 0]
        if n_hidden > 1:
            a1 += sums[g, p, 1]
            a2 += sums[g, p, 2]
            a3 += sums[g, p, 3]
    if n_full < n_groups:
        p = 0
        for i in range(4 * n_full, n_visible):
            r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
            p = 2 * p + np.int64((r >> _U11) < table[config, i])
        packed[n_full] = p
        a0 += sums[n_full, p, 0]
        a1 += sums[n_full, p, 1]
        a2 += sums[n_full, p, 2]
        a3 += sums[n_full, p, 3]
    inputs[j, 0] = a0
    if n_hidden > 1:
        inputs[j, 1] = a1
    if n_hidden > 2:
        inputs[j, 2] = a2
    if n_hidden > 3:
        inputs[j, 3] = a3
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


@njit(inline="always")
def fused_sweep_pair(inputs, prob, j, state_a, state_b, table, sums, packed_a, packed_b,
                      fields, n_hidden):
    """``fused_sweep`` of chains j and j+1 interleaved, draw by draw: the two streams are
    independent, so the core overlaps their dependency chains (~1.3× the throughput of one
    chain at a time; the same draws, sums and results)."""
    n_visible = table.shape[1]
    n_full = n_visible >> 2
    n_groups = sums.shape[0]
    a0, a1, a2, a3 = state_a[0], state_a[1], state_a[2], state_a[3]
    b0, b1, b2, b3 = state_b[0], state_b[1], state_b[2], state_b[3]
    config_a = 0
    config_b = 0
    for mu in range(n_hidden):
        r, a0, a1, a2, a3 = xoshiro_step(a0, a1, a2, a3)
        config_a |= np.int64(uniform_from_bits(r) < prob[j, mu]) << mu
        r, b0, b1, b2, b3 = xoshiro_step(b0, b1, b2, b3)
        config_b |= np.int64(uniform_from_bits(r) < prob[j + 1, mu]) << mu
    ha0 = fields[0]
    ha1 = fields[1]
    ha2 = fields[2]
    ha3 = fields[3]
    hb0 = fields[0]
    hb1 = fields[1]
    hb2 = fields[2]
    hb3 = fields[3]
    for g in range(n_full):
        i0 = 4 * g
        r, a0, a1, a2, a3 = xoshiro_step(a0, a1, a2, a3)
        p = np.int64((r >> _U11) < table[config_a, i0])
        r, b0, b1, b2, b3 = xoshiro_step(b0, b1, b2, b3)
        q = np.int64((r >> _U11) < table[config_b, i0])
        r, a0, a1, a2, a3 = xoshiro_step(a0, a1, a2, a3)
        p = 2 * p + np.int64((r >> _U11) < table[config_a, i0 + 1])
        r, b0, b1, b2, b3 = xoshiro_step(b0, b1, b2, b3)
        q = 2 * q + np.int64((r >> _U11) < table[config_b, i0 + 1])
        r, a0, a1, a2, a3 = xoshiro_step(a0, a1, a2, a3)
        p = 2 * p + np.int64((r >> _U11) < table[config_a, i0 + 2])
        r, b0, b1, b2, b3 = xoshiro_step(b0, b1, b2, b3)
        q = 2 * q + np.int64((r >> _U11) < table[config_b, i0 + 2])
        r, a0, a1, a2, a3 = xoshiro_step(a0, a1, a2, a3)
        p = 2 * p + np.int64((r >> _U11) < table[config_a, i0 + 3])
        r, b0, b1, b2, b3 = xoshiro_step(b0, b1, b2, b3)
        q = 2 * q + np.int64((r >> _U11) < table[config_b, i0 + 3])
        packed_a[g] = p
        packed_b[g] = q
        ha0 += sums[g, p, 0]
        hb0 += sums[g, q, 0]
        if n_hidden > 1:
            ha1 += sums[g, p, 1]
            ha2 += sums[g, p, 2]
            ha3 += sums[g, p, 3]
            hb1 += sums[g, q, 1]
            hb2 += sums[g, q, 2]
            hb3 += sums[g, q, 3]
    if n_full < n_groups:
        p = 0
        q = 0
        for i in range(4 * n_full, n_visible):
            r, a0, a1, a2, a3 = xoshiro_step(a0, a1, a2, a3)
            p = 2 * p + np.int64((r >> _U11) < table[config_a, i])
            r, b0, b1, b2, b3 = xoshiro_step(b0, b1, b2, b3)
            q = 2 * q + np.int64((r >> _U11) < table[config_b, i])
        packed_a[n_full] = p
        packed_b[n_full] = q
        ha0 += sums[n_full, p, 0]
        ha1 += sums[n_full, p, 1]
        ha2 += sums[n_full, p, 2]
        ha3 += sums[n_full, p, 3]
        hb0 += sums[n_full, q, 0]
        hb1 += sums[n_full, q, 1]
        hb2 += sums[n_full, q, 2]
        hb3 += sums[n_full, q, 3]
    inputs[j, 0] = ha0
    inputs[j + 1, 0] = hb0
    if n_hidden > 1:
        inputs[j, 1] = ha1
        inputs[j + 1, 1] = hb1
    if n_hidden > 2:
        inputs[j, 2] = ha2
        inputs[j + 1, 2] = hb2
    if n_hidden > 3:
        inputs[j, 3] = ha3
        inputs[j + 1, 3] = hb3
    state_a[0], state_a[1], state_a[2], state_a[3] = a0, a1, a2, a3
    state_b[0], state_b[1], state_b[2], state_b[3] = b0, b1, b2, b3


@njit(inline="always")
def unpack(x, packed, visible_code):
    """The visible configuration from its 4-unit group patterns."""
    low_v, step_v = unit_levels(visible_code)
    n_visible = x.shape[0]
    n_full = n_visible >> 2
    for g in range(n_full):
        p = packed[g]
        i0 = 4 * g
        x[i0] = low_v + step_v * (p >> 3)
        x[i0 + 1] = low_v + step_v * ((p >> 2) & 1)
        x[i0 + 2] = low_v + step_v * ((p >> 1) & 1)
        x[i0 + 3] = low_v + step_v * (p & 1)
    if n_full < packed.shape[0]:
        p = packed[n_full]
        n_units = n_visible - 4 * n_full
        for t in range(n_units):
            x[4 * n_full + t] = low_v + step_v * ((p >> (n_units - 1 - t)) & 1)


@njit(error_model="numpy")
def fused_block(x, inputs, prob, j0, j1, states, table, sums, packed, fields, n_hidden,
                 visible_code, hidden_code, n_steps):
    """k sweeps of chains j0..j1−1, sweep by sweep so that the hidden probabilities of the
    whole block come from one vectorized loop; ``inputs`` on entry from the matrix product."""
    for _ in range(n_steps):
        hidden_probabilities(inputs, prob, j0, j1, hidden_code)
        for j in range(j0, j1 - 1, 2):
            fused_sweep_pair(inputs, prob, j, states[j], states[j + 1], table, sums,
                              packed[j], packed[j + 1], fields, n_hidden)
        if (j1 - j0) % 2:
            fused_sweep(inputs, prob, j1 - 1, states[j1 - 1], table, sums, packed[j1 - 1],
                         fields, n_hidden)
    for j in range(j0, j1):
        unpack(x[j], packed[j], visible_code)


@njit(error_model="numpy")
def sample_hidden(prob, hidden, configs, state, j, hidden_code):
    """Draw chain j's hidden units (one draw per unit, in unit order) from ``prob[j]``."""
    low_h, step_h = unit_levels(hidden_code)
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    config = 0
    for mu in range(prob.shape[1]):
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        high = uniform_from_bits(r) < prob[j, mu]
        hidden[j, mu] = low_h + step_h * high
        config |= np.int64(high) << mu
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    configs[j] = config


@njit(error_model="numpy")
def sample_visible_table(x, table, config, state, visible_code):
    """Draw one chain's visible units from the threshold row of its hidden configuration."""
    low_v, step_v = unit_levels(visible_code)
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for i in range(x.shape[0]):
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        x[i] = low_v + step_v * ((r >> _U11) < table[config, i])
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


@njit(error_model="numpy")
def sample_visible_direct(x, field, visible_fields, state, visible_code):
    """Draw one chain's visible units from their inputs ``field`` (overwritten)."""
    low_v, step_v = unit_levels(visible_code)
    scale = high_probability_scale(visible_code)
    n_visible = x.shape[0]
    for i in range(n_visible):  # probabilities first, in a loop that vectorizes
        field[i] = sigmoid(scale * (field[i] + visible_fields[i]))
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for i in range(n_visible):
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        x[i] = low_v + step_v * (uniform_from_bits(r) < field[i])
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
