"""The Gibbs sweeps of the chains within one update of ``kernels.pcd``: per-update tables of
the visible units' thresholds and of the hidden inputs' group sums, and the sweeps that use them.

Draws (docs/physics.md §4.1): a chain's sweep draws its hidden units, then its visible units,
each phase from 32-bit uniforms taken two per xoshiro256+ output (``random.halves``): units
2m and 2m+1 of a phase share output m (high half, then low half; with an odd count the last
low half is left unused).  A unit of probability P is high when ``u < ceil(P 2^32)``.

The weights are fixed during an update, so

* when the hidden layer has few configurations (``2^M``, M ≤ ``pcd.MAX_TABLE_HIDDEN``), a
  visible unit's threshold ``ceil(P(v_i high | h) 2^32)`` for every hidden configuration is
  computed once per update (``fill_table``): a visible update is then half a draw, one integer
  compare against the table;
* for M ≤ ``pcd.MAX_FUSED_HIDDEN`` the next sweep's hidden inputs are summed while the visible
  units are drawn, by one lookup per 4 visible units in a table of partial sums
  (``fill_group_sums``), and a chain's xoshiro state stays in registers (``fused_sweep``).

Every draw is the reference's (``gibbs.train_epoch_reference``), in the same order from the
same stream.
"""

import numpy as np
from numba import njit

from .random import TWO32, below, halves, threshold, xoshiro_step
from .unit_functions import high_probability_scale, unit_levels
from .vecmath import sigmoid


# -- per-update tables --------------------------------------------------------------------------

@njit(error_model="numpy")
def fill_table(table, weights, visible_fields, visible_code, hidden_code, field):
    """table[c, i] = ceil(P(v_i high | h = configuration c) · 2^32), bit μ of c = [h_μ high].

    A 32-bit uniform u makes v_i high when ``u < table[c, i]`` (``random.threshold``).
    ``field`` is float64 scratch shaped like ``table``: the inputs g_i + Σ_μ w_iμ h_μ,
    configuration c from c without its lowest set bit (one pass each), then all the sigmoids
    in one flat loop."""
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
        flat_table[t] = threshold(sigmoid(scale * flat_field[t]))


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
    """prob = P(h high | inputs) · 2^32 for chains j0..j1−1 (what ``random.below`` compares
    with): one flat loop, so it vectorizes."""
    n_hidden = inputs.shape[1]
    scale = high_probability_scale(hidden_code)
    flat_inputs = inputs.reshape(-1)
    flat_prob = prob.reshape(-1)
    for t in range(j0 * n_hidden, j1 * n_hidden):
        flat_prob[t] = sigmoid(scale * flat_inputs[t]) * TWO32


@njit(inline="always")
def fused_sweep(inputs, prob, j, state, table, sums, packed, fields, n_hidden):
    """One sweep of chain j (M ≤ 4): hidden units from ``prob[j]``, then the visible units.

    Per pair of visible units: one xoshiro step, two compares against the table row of the
    hidden configuration; per group of 4, the pattern (stored in ``packed``) and one lookup in
    ``sums`` per hidden unit, which sums the next sweep's hidden inputs (into ``inputs[j]``).
    ``fields``: the hidden fields zero-padded to 4; unused accumulators add zeros."""
    n_visible = table.shape[1]
    n_full = n_visible >> 2
    n_groups = sums.shape[0]
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    config = 0
    for mu in range(0, n_hidden, 2):
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        first, second = halves(r)
        config |= np.int64(below(first, prob[j, mu])) << mu
        if mu + 1 < n_hidden:
            config |= np.int64(below(second, prob[j, mu + 1])) << (mu + 1)
    a0 = fields[0]
    a1 = fields[1]
    a2 = fields[2]
    a3 = fields[3]
    # (table[config, i], not a row view: a view costs a reference count per sweep)
    for g in range(n_full):
        i0 = 4 * g
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        first, second = halves(r)
        p = 2 * np.int64(first < table[config, i0]) + np.int64(second < table[config, i0 + 1])
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        first, second = halves(r)
        p = 4 * p + 2 * np.int64(first < table[config, i0 + 2]) + np.int64(
            second < table[config, i0 + 3])
        packed[g] = p
        a0 += sums[g, p, 0]
        if n_hidden > 1:
            a1 += sums[g, p, 1]
            a2 += sums[g, p, 2]
            a3 += sums[g, p, 3]
    if n_full < n_groups:
        p = 0
        second = np.uint64(0)
        for i in range(4 * n_full, n_visible):
            if (i & 1) == 0:
                r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
                first, second = halves(r)
                p = 2 * p + np.int64(first < table[config, i])
            else:
                p = 2 * p + np.int64(second < table[config, i])
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
        for j in range(j0, j1):
            fused_sweep(inputs, prob, j, states[j], table, sums, packed[j], fields, n_hidden)
    for j in range(j0, j1):
        unpack(x[j], packed[j], visible_code)


@njit(error_model="numpy")
def sample_hidden(prob, hidden, configs, state, j, hidden_code):
    """Draw chain j's hidden units (in unit order, two per xoshiro output) from ``prob[j]``
    (probabilities · 2^32)."""
    low_h, step_h = unit_levels(hidden_code)
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    config = 0
    second = np.uint64(0)
    for mu in range(prob.shape[1]):
        if (mu & 1) == 0:
            r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
            first, second = halves(r)
            high = below(first, prob[j, mu])
        else:
            high = below(second, prob[j, mu])
        hidden[j, mu] = low_h + step_h * high
        config |= np.int64(high) << mu
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    configs[j] = config


@njit(error_model="numpy")
def sample_visible_table(x, table, config, state, visible_code):
    """Draw one chain's visible units (two per xoshiro output) from the threshold row of its
    hidden configuration."""
    low_v, step_v = unit_levels(visible_code)
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    n_visible = x.shape[0]
    for i in range(0, n_visible - 1, 2):
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        first, second = halves(r)
        x[i] = low_v + step_v * (first < table[config, i])
        x[i + 1] = low_v + step_v * (second < table[config, i + 1])
    if n_visible & 1:
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        first, second = halves(r)
        x[n_visible - 1] = low_v + step_v * (first < table[config, n_visible - 1])
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


@njit(error_model="numpy")
def sample_visible_direct(x, field, visible_fields, state, visible_code):
    """Draw one chain's visible units (two per xoshiro output) from their inputs ``field``
    (overwritten with their probabilities · 2^32)."""
    low_v, step_v = unit_levels(visible_code)
    scale = high_probability_scale(visible_code)
    n_visible = x.shape[0]
    for i in range(n_visible):  # probabilities first, in a loop that vectorizes
        field[i] = sigmoid(scale * (field[i] + visible_fields[i])) * TWO32
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for i in range(0, n_visible - 1, 2):
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        first, second = halves(r)
        x[i] = low_v + step_v * below(first, field[i])
        x[i + 1] = low_v + step_v * below(second, field[i + 1])
    if n_visible & 1:
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        first, second = halves(r)
        x[n_visible - 1] = low_v + step_v * below(first, field[n_visible - 1])
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
