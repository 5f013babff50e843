"""Fast training epochs for binary RBMs: the algorithm of ``gibbs.train_epoch_reference``
(stochastic gradient ascent, PCD-k or CD-k, fixed learning rate and batch size), rearranged
for speed.  A whole epoch runs here, with no Python per mini-batch.

Same as the reference, draw for draw: every chain owns one xoshiro256+ stream (a row of
``chain_states``) and consumes it in the same order — per sweep, the hidden units, then the
visible units, two 32-bit uniforms per output (``random.halves``) — and a uniform u makes a
unit high exactly when the reference's ``u < P 2^32`` holds.  Draws come from
``random.xoshiro_step`` on the four state words held in local variables (registers), loaded
from ``chain_states`` when a chain's sweep (or half-sweep) starts and stored back when it
ends.  Only the order of floating-point sums differs (BLAS, partial sums), so the weights agree
with the reference to rounding, ~1e-15, unless a threshold ceil(P 2^32) falls within rounding
of an integer and the draw hits it (odds ~1e-16 per draw).  tests/test_kernels.py checks
this, and the gradient against a plain numpy implementation.

Where the time goes and what is done about it:

* matrix products over all chains and the whole mini-batch at once, through BLAS (``np.dot``):
  hidden inputs ``[chains; batch] @ W`` and the gradient ``[chains; batch]^T @ [means | 1]``
  (the last column gives the visible-field gradient in the same product);
* visible units, when the hidden layer has few configurations (``2^M``, M ≤ 12): once per
  update a table of integer thresholds ``ceil(P(v_i high | h) 2^32)`` for every hidden
  configuration, so a visible update is half a draw and one integer compare — no sigmoid,
  no branch;
* M ≤ 4 (the paper's settings): the sweeps of each chain run with its xoshiro state in
  registers, and the next sweep's hidden inputs are summed while the visible units are drawn,
  by one table lookup per 4 visible units (``fill_group_sums``), because the weights are fixed
  during an update;
* sigmoids and tanh from ``vecmath``, evaluated in vectorized loops over all chains;
* on request (``work_weights`` float32, ``train(precision="float32")``), the matrix products in
  float32, twice as fast where they dominate (N·M large); parameters, sums and probabilities
  stay float64;
* threads: the chains are split into blocks that run in parallel (``prange``), and so are
  large matrix products, by blocks of rows fixed by their shape (``_dot_body``).  A chain's
  result depends only on its own stream, and every sum has a fixed order, so the weights are bitwise
  the same for any number of threads — provided BLAS itself runs on one thread (``train``
  sees to it): multithreaded OpenBLAS changes the order of terms with its thread count.

The epoch is written once (``_epoch_code``) and compiled per way of sweeping the chains
(``sweep_kind``: fused for M ≤ 4, threshold table for M ≤ 12, direct) and per threading: serial,
and ``parallel=True`` (its ``prange`` loops on numba's threads; the serial one avoids the thread
pool's few µs per parallel region).  ``train_epoch_serial`` and ``train_epoch_parallel`` pick
the variant in Python, so a run compiles only the one it uses (docs/physics.md §18: ~2× less
compilation than one kernel with every path).  Compiled with ``error_model="numpy"``: numba's
default zero-division check is a branch that stops loops from vectorizing.  Only tiny helpers
and the sweeps are inlined by numba (``inline="always"`` copies the callee's IR into each
caller: inlining the whole epoch into wrappers made the first compile much longer); the rest
are ordinary compiled functions.
"""

import numpy as np
from numba import njit, prange

from .chain_sweeps import (fill_group_sums, fill_table, fused_block, hidden_probabilities,
                           sample_hidden, sample_visible_direct, sample_visible_table)
from .unit_functions import SPIN
from .vecmath import sigmoid, tanh

#: Largest hidden layer for which visible units are drawn from a threshold table (2^12 rows).
MAX_TABLE_HIDDEN = 12
#: Largest hidden layer for the fused sweeps (one register accumulator per hidden unit).
MAX_FUSED_HIDDEN = 4
#: Matrix products of at least this many multiply-adds are split into row blocks (``_dot``).
BLOCK_WORK = 1 << 22
_MAX_BLOCKS = 2  # each block repacks the other factor: enough for 2 cores, little overhead

@njit(error_model="numpy")
def _unit_means(inputs, out, n, hidden_code):
    """out[t] = Γ'(inputs.flat[t]) for t < n: tanh (spin), sigmoid (Bernoulli); flat loops,
    one per unit type, so that they vectorize."""
    flat = inputs.reshape(-1)
    if hidden_code == SPIN:
        for t in range(n):
            out[t] = tanh(flat[t])
    else:
        for t in range(n):
            out[t] = sigmoid(flat[t])


@njit(error_model="numpy")
def _copy_weights(weights, work_weights):
    for i in range(weights.shape[0]):
        for mu in range(weights.shape[1]):
            work_weights[i, mu] = weights[i, mu]


@njit(inline="always")
def _row_blocks(rows, inner, cols):
    """Into how many blocks of rows a product is split (run in parallel, one single-threaded
    BLAS call each).  A function of the shape only: multithreaded BLAS may change the order of
    a dot product's terms with the number of threads (OpenBLAS does), a fixed split does not."""
    if rows * inner * cols < BLOCK_WORK:
        return 1
    return min(_MAX_BLOCKS, max(1, rows // 16))


def _dot_body(a, b, out):
    """out = a @ b (C-contiguous ``a`` and ``out``), by blocks of rows of ``a`` (``_row_blocks``):
    compiled twice, ``_dot_serial`` (the blocks one after the other) and ``_dot_parallel``
    (``parallel=True``: the blocks on numba's threads); the same numbers either way."""
    rows = a.shape[0]
    n_blocks = _row_blocks(rows, a.shape[1], b.shape[1])
    if n_blocks == 1:
        np.dot(a, b, out)
    else:
        for k in prange(n_blocks):
            start = k * rows // n_blocks
            stop = (k + 1) * rows // n_blocks
            np.dot(a[start:stop], b, out[start:stop])


_dot_serial = njit(error_model="numpy")(_dot_body)
_dot_parallel = njit(error_model="numpy", parallel=True)(_dot_body)


@njit(inline="always")
def _dot(a, b, out, parallel):
    """``_dot_parallel`` or ``_dot_serial``; ``parallel`` is a compile-time constant of the
    epoch variant, so only one of them is compiled into it."""
    if parallel:
        _dot_parallel(a, b, out)
    else:
        _dot_serial(a, b, out)


@njit(inline="always")
def _hidden_inputs(x, weights, hidden_fields, inputs, n_rows, parallel):
    """inputs[:n] = x[:n] @ W + c, through BLAS."""
    _dot(x[:n_rows], weights, inputs[:n_rows], parallel)
    for t in range(n_rows):
        for mu in range(weights.shape[1]):
            inputs[t, mu] += hidden_fields[mu]


# -- the Gibbs sweeps of one update, two ways ----------------------------------------------------
# Each takes the chains in rows [0, n_active) of x and their hidden inputs in ``inputs`` (from
# the matrix product), runs k sweeps and leaves the chains' new hidden inputs in ``inputs``.
# Inlined into the epoch, so that their prange loops run on threads in the parallel variant.

@njit(inline="always")
def _fused_sweeps(x, inputs, prob, table, table_field, sums, packed, padded_fields, weights,
                  visible_fields, hidden_fields, chain_states, visible_code, hidden_code,
                  gibbs_steps, n_active, n_blocks):
    n_hidden = weights.shape[1]
    fill_table(table, weights, visible_fields, visible_code, hidden_code, table_field)
    fill_group_sums(sums, weights, n_hidden, visible_code)
    for mu in range(n_hidden):
        padded_fields[mu] = hidden_fields[mu]
    blocks = min(n_blocks, n_active)
    for blk in prange(blocks):
        fused_block(x, inputs, prob, blk * n_active // blocks, (blk + 1) * n_active // blocks,
                    chain_states, table, sums, packed, padded_fields, n_hidden, visible_code,
                    hidden_code, gibbs_steps)


@njit(inline="always")
def _stepwise_sweeps(x, inputs, prob, hidden, configs, field, table, table_field, weights,
                     work_weights, visible_fields, hidden_fields, chain_states, visible_code,
                     hidden_code, gibbs_steps, n_active, use_table, parallel):
    if use_table:
        fill_table(table, weights, visible_fields, visible_code, hidden_code, table_field)
    for step in range(gibbs_steps):
        if step > 0:
            _hidden_inputs(x, work_weights, hidden_fields, inputs, n_active, parallel)
        hidden_probabilities(inputs, prob, 0, n_active, hidden_code)
        for j in prange(n_active):
            sample_hidden(prob, hidden, configs, chain_states[j], j, hidden_code)
        if use_table:
            for j in prange(n_active):
                sample_visible_table(x[j], table, configs[j], chain_states[j], visible_code)
        else:
            _dot(hidden[:n_active], work_weights.T, field[:n_active], parallel)
            for j in prange(n_active):
                sample_visible_direct(x[j], field[j], visible_fields, chain_states[j],
                                      visible_code)
    _hidden_inputs(x, work_weights, hidden_fields, inputs, n_active, parallel)


# -- the epoch ----------------------------------------------------------------------------------

def _epoch_code(parallel, how):
    """The epoch, written once; ``parallel`` and ``how`` ("fused", "table" or "direct": the
    chains' sweeps) are constants of the compiled variant, so that each compiles only its own
    branches (and numba caches each variant under its own key)."""
    fused = how == "fused"
    use_table = how != "direct"

    def epoch(data, order, weights, visible_fields, hidden_fields, chains, chain_states,
              visible_code, hidden_code, learning_rate, batch_size, gibbs_steps, persistent,
              learn_visible_fields, learn_hidden_fields, n_blocks, work_weights):
        # work_weights: the weights as the matrix products see them — ``weights`` itself
        # (float64), or a float32 copy refreshed after every update (the parameters
        # themselves stay float64)
        single = work_weights.itemsize != weights.itemsize
        dtype = work_weights.dtype
        n_samples, n_visible = data.shape
        n_hidden = weights.shape[1]
        n_chains = chains.shape[0]
        n_batches = (n_samples + batch_size - 1) // batch_size

        # x: chains in rows [0, n_chains), the mini-batch below them, as the products see them
        x = np.empty((n_chains + batch_size, n_visible), dtype)
        for j in range(n_chains):
            for i in range(n_visible):
                x[j, i] = chains[j, i]
        inputs = np.empty((n_chains + batch_size, n_hidden), dtype)
        prob = np.empty((n_chains, n_hidden))
        # gradient: one product x^T @ means; the extra column (the rows' weights) gives the
        # visible-field gradient
        means = np.empty((n_chains + batch_size, n_hidden + 1), dtype)
        gradient = np.empty((n_visible, n_hidden + 1), dtype)
        table = np.empty((1 << n_hidden if use_table else 1, n_visible), dtype=np.uint64)
        table_field = np.empty(table.shape)
        field = np.empty((n_chains, n_visible), dtype)
        hidden = np.empty((n_chains, n_hidden), dtype)
        configs = np.zeros(n_chains, dtype=np.int64)
        n_groups = (n_visible + 3) // 4
        sums = np.zeros((n_groups if fused else 1, 16, 4))
        packed = np.zeros((n_chains if fused else 1, n_groups), dtype=np.int64)
        padded_fields = np.zeros(4)
        prob_flat_scratch = np.empty((n_chains + batch_size) * n_hidden)
        if single:
            _copy_weights(weights, work_weights)

        for b in range(n_batches):
            start = b * batch_size
            stop = min(start + batch_size, n_samples)
            n_rows = stop - start
            n_active = n_chains if persistent else min(n_chains, n_rows)
            n_total = n_chains + n_rows

            for s in range(n_rows):
                row = data[order[start + s]]
                for i in range(n_visible):
                    x[n_chains + s, i] = row[i]
            if not persistent:  # CD: chains restart at the mini-batch
                for j in range(n_active):
                    for i in range(n_visible):
                        x[j, i] = x[n_chains + j, i]

            _hidden_inputs(x, work_weights, hidden_fields, inputs, n_total, parallel)
            if fused:
                _fused_sweeps(x, inputs, prob, table, table_field, sums, packed, padded_fields,
                              weights, visible_fields, hidden_fields, chain_states, visible_code,
                              hidden_code, gibbs_steps, n_active, n_blocks)
            else:
                _stepwise_sweeps(x, inputs, prob, hidden, configs, field, table, table_field,
                                 weights, work_weights, visible_fields, hidden_fields,
                                 chain_states, visible_code, hidden_code, gibbs_steps, n_active,
                                 use_table, parallel)

            # ⟨v Γ'(I)⟩_batch − ⟨v Γ'(I)⟩_chains as one product; unused CD chains weigh 0
            batch_weight = 1.0 / n_rows
            chain_weight = 1.0 / n_active
            for t in range(n_total):
                if t < n_chains:
                    means[t, n_hidden] = -chain_weight if t < n_active else 0.0
                else:
                    means[t, n_hidden] = batch_weight
            _unit_means(inputs, prob_flat_scratch, n_total * n_hidden, hidden_code)
            for t in range(n_total):
                for mu in range(n_hidden):
                    means[t, mu] = prob_flat_scratch[t * n_hidden + mu] * means[t, n_hidden]
            if _row_blocks(n_visible, n_total, n_hidden + 1) == 1:
                np.dot(x[:n_total].T, means[:n_total], gradient)
            else:  # blocks of visible units need the rows of x^T contiguous
                _dot(np.ascontiguousarray(x[:n_total].T), means[:n_total], gradient, parallel)
            for i in range(n_visible):
                for mu in range(n_hidden):
                    weights[i, mu] += learning_rate * gradient[i, mu]
            if learn_visible_fields:
                for i in range(n_visible):
                    visible_fields[i] += learning_rate * gradient[i, n_hidden]
            if learn_hidden_fields:
                for mu in range(n_hidden):
                    g = 0.0
                    for t in range(n_total):
                        g += means[t, mu]
                    hidden_fields[mu] += learning_rate * g
            if single:
                _copy_weights(weights, work_weights)

        for j in range(n_chains):
            for i in range(n_visible):
                chains[j, i] = np.int8(x[j, i])
        return n_batches
    return epoch


#: the compiled epochs, by (parallel, how); each is cached on disk (cache=True) under its own key
_KERNELS = {(parallel, how): njit(cache=True, error_model="numpy", parallel=parallel)(
    _epoch_code(parallel, how)) for parallel in (False, True) for how in ("fused", "table", "direct")}


def sweep_kind(n_hidden, n_chains, gibbs_steps):
    """How an epoch sweeps its chains: "fused" (M ≤ ``MAX_FUSED_HIDDEN``), "table" (a threshold
    table: M ≤ ``MAX_TABLE_HIDDEN`` and its 2^M rows cost less than the sigmoids they replace)
    or "direct"."""
    if n_hidden > MAX_TABLE_HIDDEN or (1 << n_hidden) > n_chains * gibbs_steps:
        return "direct"
    return "fused" if n_hidden <= MAX_FUSED_HIDDEN else "table"


def _run(parallel, data, order, weights, visible_fields, hidden_fields, chains, chain_states,
         visible_code, hidden_code, learning_rate, batch_size, gibbs_steps, persistent,
         learn_visible_fields, learn_hidden_fields, n_blocks, work_weights):
    kernel = _KERNELS[bool(parallel), sweep_kind(weights.shape[1], chains.shape[0], gibbs_steps)]
    return kernel(data, order, weights, visible_fields, hidden_fields, chains, chain_states,
                  visible_code, hidden_code, float(learning_rate), int(batch_size),
                  int(gibbs_steps), bool(persistent), bool(learn_visible_fields),
                  bool(learn_hidden_fields), int(n_blocks),
                  weights if work_weights is None else work_weights)


def train_epoch_serial(data, order, weights, visible_fields, hidden_fields, chains, chain_states,
                       visible_code, hidden_code, learning_rate, batch_size, gibbs_steps,
                       persistent, learn_visible_fields, learn_hidden_fields, n_blocks=1,
                       work_weights=None):
    """One epoch in place, on one thread (BLAS threads are the caller's business).

    Arguments and result as ``gibbs.train_epoch_reference``; ``n_blocks`` (blocks of chains
    swept together) changes the speed only, never the result.  ``work_weights``: a float32
    array shaped like ``weights`` makes the matrix products float32 (the parameters, sums and
    probabilities stay float64); by default they are float64.
    """
    return _run(False, data, order, weights, visible_fields, hidden_fields, chains,
                chain_states, visible_code, hidden_code, learning_rate, batch_size, gibbs_steps,
                persistent, learn_visible_fields, learn_hidden_fields, n_blocks, work_weights)


def train_epoch_parallel(data, order, weights, visible_fields, hidden_fields, chains,
                         chain_states, visible_code, hidden_code, learning_rate, batch_size,
                         gibbs_steps, persistent, learn_visible_fields, learn_hidden_fields,
                         n_blocks, work_weights=None):
    """One epoch in place, the chains of each mini-batch split into ``n_blocks`` blocks that
    run on numba's threads (``numba.set_num_threads``; give one block per thread), and large
    matrix products by blocks of rows; bitwise the same result as ``train_epoch_serial``."""
    return _run(True, data, order, weights, visible_fields, hidden_fields, chains,
                chain_states, visible_code, hidden_code, learning_rate, batch_size, gibbs_steps,
                persistent, learn_visible_fields, learn_hidden_fields, n_blocks, work_weights)
