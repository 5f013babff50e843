"""Training: stochastic gradient ascent with PCD-k or CD-k (docs/physics.md §4), or with the
extended mean-field (TAP) model term for Bernoulli units (§14), whole epochs in compiled code
(``kernels.pcd`` for binary × binary units, ``kernels.general_pcd`` for Potts, Gaussian and
double-well units, docs/physics.md §12.5, ``kernels.mean_field``), weight snapshots on a
log-spaced plus linear epoch grid (``rbmsweep.snapshots``), the log-likelihood at each by the
estimator the model allows (exact, or an AIS bracket: §15).

``train`` returns the run as an ``xarray.Dataset`` (``rbmsweep.history``): snapshots of the
parameters, the log-likelihood of train and test data with the estimator that produced it, the
observables of ``rbmsweep.observables``, and in its attributes every hyperparameter as resolved
(with the updates per epoch) and ``stop_reason`` ("" unless training had to stop early).
"""

import contextlib
import json
import logging
import math
import os
import time
from types import MappingProxyType

import numba
import numpy as np

from . import likelihood
from .checkpoint import Checkpointer
from .data import fresh as fresh_sets
from .history import history, snapshot, unit_attrs
from .kernels import general_pcd, pcd
from .kernels.random import seed_streams
from .mean_field import PersistentMagnetisations
from .observables import add_observables
from .rbm import STREAM_CHAINS, STREAM_SHUFFLE
from .snapshots import resolve as resolve_snapshots
from .subsample import subsample_rows

log = logging.getLogger("rbmsweep.train")

# Threads wait for the next mini-batch with libgomp's default policy (spin briefly, then
# sleep; spinning is throttled when threads outnumber the cores), which we leave alone:
# OMP_WAIT_POLICY=PASSIVE made every wait a sleep and wake-up, and on a 2-core VM the woken
# thread often ran on the waker's core, so threads=2 ran at 0.7-1.6x of one thread depending on
# the process; the default gives 1.7-2.0x (benchmarks/bench_training.py).

#: Below this many visible-unit draws per mini-batch (chains × k × N), an epoch runs on one
#: thread whatever ``threads`` says: the thread pool's cost per mini-batch would exceed the gain.
#: (Large matrix products, split across threads, count as well.)  Results are the same either way.
PARALLEL_MIN_DRAWS = 50_000

ALGORITHMS = ("pcd", "cd", "tap", "mean_field")
#: algorithms whose model term is the extended mean-field free energy (rbmsweep.mean_field)
MEAN_FIELD_ALGORITHMS = ("tap", "mean_field")
PRECISIONS = ("auto", "float64", "float32")
#: precision "auto": float32 matrix products for PCD/CD of binary units with N·M at least this
#: (where the products dominate the epoch: 2.0x on one core at N = 784, M = 500,
#: benchmarks/bench_training.py), float64 below it
FLOAT32_MIN_SIZE = 10_000


def epoch_threads(threads, n_chains, gibbs_steps, n_visible, n_hidden, batch_size):
    """The threads an epoch runs on: ``threads``, or 1 when a mini-batch has too little work for
    the thread pool's cost per mini-batch (fewer than ``PARALLEL_MIN_DRAWS`` visible draws, and
    matrix products too small to be split).  The result is the same either way."""
    draws = n_chains * int(gibbs_steps) * n_visible
    products = n_visible * n_hidden * (n_chains + int(batch_size))
    if draws < PARALLEL_MIN_DRAWS and products < pcd.BLOCK_WORK:
        return 1
    return int(threads)


def available_cores():
    """The cores this process may run on (its CPU affinity: a batch job's allocation, not the
    whole machine), the default of ``train(threads=...)``."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not on every platform)
        return os.cpu_count() or 1


@contextlib.contextmanager
def _threads(threads):
    """Run the block with ``threads`` numba threads and single-threaded BLAS; restore both.

    The epoch kernels give bitwise the same weights for any number of numba threads (one random
    stream per chain, sums in a fixed order, large matrix products split into row blocks fixed by
    their shape).  Multithreaded BLAS would not: OpenBLAS's order of terms changes with its
    thread count.  BLAS threads are set through threadpoolctl (installed with scikit-learn);
    without it, set OPENBLAS_NUM_THREADS=1 for results independent of the thread count.
    """
    numba_threads = min(threads, numba.config.NUMBA_NUM_THREADS)
    previous = numba.get_num_threads()
    numba.set_num_threads(numba_threads)
    try:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
            log.warning("threadpoolctl is not installed: BLAS keeps its own thread count, and "
                        "large runs may differ in the last bits with the number of cores")
            limits = contextlib.nullcontext()
        else:
            limits = threadpool_limits(limits=1, user_api="blas")
        with limits:
            yield numba_threads
    finally:
        numba.set_num_threads(previous)


def _fresh_epoch(fresh, epoch, v, rbm):
    """Epoch ``epoch``'s fresh training set (``fresh_data``), checked to have ``v``'s shape."""
    samples = rbm._as_configurations(fresh(epoch))
    if samples.shape != v.shape:
        raise ValueError(f"fresh_data: epoch {epoch}'s data have shape {samples.shape}; every "
                         f"epoch needs the shape of the training data, {v.shape}")
    return samples


def _copies(rbm, chains, chain_states):
    return (rbm.weights.copy(), rbm.visible_fields.copy(), rbm.hidden_fields.copy(),
            chains.copy(), chain_states.copy())


def _restore(saved, rbm, chains, chain_states):
    for live, copy in zip((rbm.weights, rbm.visible_fields, rbm.hidden_fields, chains,
                           chain_states), saved):
        live[...] = copy


def _raise_if_diverged(rbm, epoch, learning_rate):
    """FloatingPointError if an epoch left non-finite weights (binary and mean-field runs)."""
    if not np.all(np.isfinite(rbm.weights)):
        raise FloatingPointError(
            f"training diverged at epoch {epoch}: the weights are no longer finite "
            f"(learning_rate={learning_rate}); lower the learning rate")


def _epoch_runner(rbm, v, chains, chain_states, algorithm, learning_rate, batch_size,
                  gibbs_steps, learn_fields, n_threads, precision, magnetisations=None):
    """A function ``(order, epoch, data=v) -> stop reason`` ("" to go on) that trains one epoch
    in place on ``data``: ``kernels.pcd`` for binary × binary units, ``kernels.general_pcd`` for
    the others (docs/physics.md §4, §12.5), ``magnetisations.epoch`` for mean-field training
    (§14)."""
    persistent = algorithm == "pcd"
    if magnetisations is not None:
        def run_mean_field(order, epoch, data=v):
            magnetisations.epoch(epoch, data, order, rbm, float(learning_rate), int(batch_size),
                                 learn_fields)
            _raise_if_diverged(rbm, epoch, learning_rate)
            return ""
        return run_mean_field
    if rbm._binary:
        # float32 products: a float32 copy of the weights, refreshed by the kernel per update
        work_weights = rbm.weights if precision == "float64" else rbm.weights.astype(np.float32)
        # the serial kernel avoids the thread pool's cost per mini-batch
        kernel = pcd.train_epoch_serial if n_threads == 1 else pcd.train_epoch_parallel

        def run_binary(order, epoch, data=v):
            kernel(data, order, rbm.weights, rbm.visible_fields, rbm.hidden_fields, chains,
                   chain_states, rbm.visible.code, rbm.hidden.code, float(learning_rate),
                   int(batch_size), int(gibbs_steps), persistent, learn_fields, learn_fields,
                   n_threads, work_weights)
            _raise_if_diverged(rbm, epoch, learning_rate)
            return ""
        return run_binary
    kernel = (general_pcd.train_epoch_serial if n_threads == 1
              else general_pcd.train_epoch_parallel)

    def run_general(order, epoch, data=v):
        done = kernel(data, order, rbm.weights3, rbm.fields2, rbm.hidden_fields, chains,
                      chain_states, rbm.visible.code, rbm.visible.variance, rbm.hidden.code,
                      rbm.hidden.variance, rbm.hidden.theta, float(learning_rate),
                      int(batch_size), int(gibbs_steps), persistent, learn_fields,
                      learn_fields, n_threads)
        if done < 0:
            return (f"epoch {epoch}, update {-done}: the gradient is not finite (the Gibbs "
                    f"chains ran away; learning_rate={learning_rate}); the parameters are "
                    f"those of epoch {epoch - 1}")
        margin = rbm.normalisation_margin()
        if not margin > 0:
            return (f"epoch {epoch}: the model is no longer normalisable, σ_v² σ_h² s_max(W)² "
                    f"= {1 - margin:.6g} ≥ 1 (docs/physics.md §12.4); the parameters are "
                    f"those of epoch {epoch - 1}")
        return ""
    return run_general


#: the default snapshot grid (the schema's ``train.snapshots``), read-only
DEFAULT_SNAPSHOTS = MappingProxyType({"log": 16, "linear": 10})
#: the values of ``log_likelihood``: exact methods only (the default), AIS too, never
LOG_LIKELIHOOD = ("exact", True, False)
#: the default AIS settings (the schema's ``train.ais``), read-only
DEFAULT_AIS = MappingProxyType(likelihood.DEFAULT_AIS)
#: stream family of the snapshots' AIS draws (besides rbm.STREAM_*)
STREAM_LIKELIHOOD = 5


def train(rbm, v, algorithm="pcd", gibbs_steps=20, learning_rate=1e-3, batch_size=10,
          epochs=100, seed=0, test=None, snapshots=DEFAULT_SNAPSHOTS, n_chains=None,
          log_likelihood="exact", threads=None, precision="auto", checkpoint=None,
          checkpoint_every=None, tap_order=2, tap_damping=0.2, tap_iterations=100,
          tap_tolerance=1e-5, ais=DEFAULT_AIS, fresh_data=False, log_likelihood_samples=None):
    """Train ``rbm`` in place on configurations ``v`` and return the run's history.

    Parameters mirror the config's ``train`` section, with its defaults (the schema's; a test
    checks that they agree).  ``test`` is held-out data for ``log_likelihood_test``;
    ``snapshots`` is ``{"log": n, "linear": n}`` (``rbmsweep.snapshots``) or an explicit list
    of epochs; ``n_chains`` (``None``) defaults to ``batch_size``
    (one persistent chain per batch item, as the paper's PCD).  Randomness comes only from
    ``seed``: the epoch shuffles from (seed, epoch), the chains from their own streams.
    ``threads``: cores to use (default: every core this process may run on,
    ``available_cores()``; the chains of a mini-batch, and large matrix products, run in
    parallel); the result is bitwise the same for any value.  ``precision``: "float64", or
    "float32" for the matrix products only (twice as fast where they dominate, e.g. N·M ≳ 10^4;
    parameters, sums and probabilities stay float64; tests/test_kernels.py checks the gradient),
    or "auto" (the default): float32 for PCD and CD of binary units with N·M ≥
    ``FLOAT32_MIN_SIZE``, float64 otherwise; the run's ``precision`` attribute says which.
    ``checkpoint``: a file path; the run resumes from it if it exists (a checkpoint written
    for other arguments is refused), saves its whole state there every ``checkpoint_every``
    (seconds of wall time, default 300, or ``{"epochs": k}``) and deletes it on success; the
    result is bitwise that of an uninterrupted run (``rbmsweep.checkpoint``).
    ``algorithm`` "tap" (order ``tap_order``) or "mean_field" (order 1): the model term of the
    gradient from the extended mean-field free energy at the fixed point of ``n_chains``
    persistent magnetisations, iterated with damping ``tap_damping`` for at most
    ``tap_iterations`` steps or to the residual ``tap_tolerance`` (docs/physics.md §14); the
    run records the iterations and the final residual of every epoch.  ``log_likelihood``: at
    every snapshot, "exact" where the model allows it and not computed otherwise; True also,
    where no exact method applies (binary units), bracketed by annealed importance sampling
    with ``ais`` = {chains, temperatures} (docs/physics.md §15: its cost can be many epochs'
    for large models); False never.
    An RBM made with ``visible_bias_init="data"`` gets its visible fields from ``v`` here.
    ``fresh_data``: unlimited data (docs/physics.md §17.1).  ``False``, or what to draw a fresh
    training set from at every epoch: ``rbmsweep.data.FreshData(model, n_samples, seed,
    **keys)`` (epoch e's set from the data seed and e: deterministic and resumable), the data
    spec as a dict, or any callable ``epoch -> configurations`` of the shape of ``v``.  Epoch
    e = 1, 2, ... then trains on ``fresh_data(e)``; ``v`` is where the chains start and the
    log-likelihood's training data.  Data that cannot be redrawn (a file, the digits) raise.
    ``log_likelihood_samples``: the snapshots' log-likelihood on that many configurations of
    the train and of the test data (a random subsample fixed for the run) with its standard
    error, ``log_likelihood_train_se`` / ``_test_se`` (``rbmsweep.subsample``); None: all.

    Gaussian visible units with real hidden units can leave the normalisable region
    (docs/physics.md §12.4): then training stops at the end of the last epoch that kept the model
    normalisable (and its gradients finite), records that epoch, and says why in the run's
    ``stop_reason`` attribute; binary units whose weights stop being finite raise
    ``FloatingPointError`` (lower the learning rate).
    """
    fresh = fresh_sets.resolve(fresh_data)
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm: {algorithm!r} is not allowed; allowed: {', '.join(ALGORITHMS)}")
    if algorithm in MEAN_FIELD_ALGORITHMS and (rbm.visible.name, rbm.hidden.name) != (
            "bernoulli", "bernoulli"):
        raise ValueError(f"algorithm: {algorithm!r} is not allowed for {rbm.visible.name} "
                         f"visible and {rbm.hidden.name} hidden units; extended mean field "
                         "needs bernoulli units on both layers")
    v = rbm._as_configurations(v)
    n_samples = len(v)
    for name, value, low in (("gibbs_steps", gibbs_steps, 1), ("batch_size", batch_size, 1),
                             ("epochs", epochs, 0)):
        if int(value) != value or value < low:
            raise ValueError(f"{name}: {value!r} is not allowed; must be an integer ≥ {low}")
    if batch_size > n_samples:
        raise ValueError(f"batch_size: {batch_size} is larger than the {n_samples} training samples")
    if precision not in PRECISIONS:
        raise ValueError(f"precision: {precision!r} is not allowed; allowed: {', '.join(PRECISIONS)}")
    if precision == "auto":
        precision = "float32" if (rbm._binary and algorithm in ("pcd", "cd") and
                                  rbm.n_visible * rbm.n_hidden >= FLOAT32_MIN_SIZE) else "float64"
    if precision != "float64" and not rbm._binary:
        raise ValueError(f"precision: {precision!r} is for binary units only; "
                         f"{rbm.visible.name} × {rbm.hidden.name} units train in float64")
    if threads is None:
        threads = available_cores()
    if int(threads) != threads or threads < 1:
        raise ValueError(f"threads: {threads!r} is not allowed; must be an integer ≥ 1")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate: {learning_rate!r} is not allowed; must be a finite number > 0")
    rbm.check_normalisable()
    test = None if test is None else rbm._as_configurations(test)
    n_chains = int(batch_size if n_chains is None else n_chains)
    epoch_grid = resolve_snapshots(
        dict(snapshots) if hasattr(snapshots, "keys") else snapshots, int(epochs))
    ais = dict(ais)
    if log_likelihood not in LOG_LIKELIHOOD:
        raise ValueError(f"log_likelihood: {log_likelihood!r} is not allowed; allowed: true, "
                         "false, 'exact'")
    method = likelihood.snapshot_method(rbm) if log_likelihood else None
    if log_likelihood == "exact" and method == "ais":
        log.info("log-likelihood not computed: no exact method for this model "
                 "(log_likelihood=True brackets it by annealed importance sampling)")
        method = None
    log_likelihood = method is not None
    if rbm.visible_bias_init == "data":
        rbm.init_visible_fields(v)

    chain_rng = np.random.default_rng([int(seed), STREAM_CHAINS])
    chains = v[chain_rng.integers(0, n_samples, size=n_chains)].copy()  # start at data points
    chain_states = seed_streams((int(seed), STREAM_CHAINS), n_chains)
    learn_fields = not rbm.zero_fields
    magnetisations = None
    if algorithm in MEAN_FIELD_ALGORITHMS:
        magnetisations = PersistentMagnetisations(
            rbm, chains, int(epochs), order=1 if algorithm == "mean_field" else int(tap_order),
            damping=tap_damping, max_iterations=tap_iterations, tolerance=tap_tolerance)
        chains = magnetisations.state  # what the checkpoint saves and restores

    records = []
    started = time.perf_counter()
    checkpointer = None if checkpoint is None else Checkpointer(
        checkpoint, checkpoint_every, rbm=rbm, data=v, test=test, algorithm=algorithm,
        gibbs_steps=int(gibbs_steps), learning_rate=float(learning_rate),
        batch_size=int(batch_size), epochs=int(epochs), seed=int(seed), snapshots=epoch_grid,
        n_chains=n_chains, log_likelihood=bool(log_likelihood), precision=precision,
        mean_field=None if magnetisations is None else magnetisations.settings(),
        ais=ais if method == "ais" else None, log_likelihood_samples=log_likelihood_samples,
        **({} if fresh is None else {"fresh_data": fresh_sets.describe(fresh)}))
    state = None if checkpointer is None else checkpointer.resume()
    # the configurations the log-likelihood is evaluated on: all, or a fixed subsample
    subsample = None if log_likelihood_samples is None else {
        name: subsample_rows(len(data), log_likelihood_samples, seed, part)
        for part, (name, data) in enumerate((("ll_train", v), ("ll_test", test)))
        if data is not None}

    def record(epoch):
        entry = snapshot(rbm, epoch, v, test, method, ais,
                         seed=(int(seed), STREAM_LIKELIHOOD, int(epoch)), subsample=subsample)
        records.append(entry)
        scores = "  ".join(f"{part} {entry[key]:.5f}" for part, key in
                           (("train", "ll_train"), ("test", "ll_test")) if np.isfinite(entry[key]))
        log.info("epoch %d/%d  log-likelihood %s  elapsed %.2f s", epoch, epochs,
                 scores or "not computed", time.perf_counter() - started)

    extra = {} if magnetisations is None else magnetisations.extra()
    if state is not None:  # before the float32 copy of the weights is made
        state.restore(rbm, chains, chain_states, extra)
        records.extend(state.records)
        started -= state.elapsed_seconds
    elif epoch_grid[0] == 0:
        record(0)
    threads = epoch_threads(threads, n_chains, gibbs_steps, rbm.n_visible * rbm.n_states,
                            rbm.n_hidden, batch_size)
    stop_reason = ""
    with _threads(int(threads)) as n_threads:
        run_epoch = _epoch_runner(rbm, v, chains, chain_states, algorithm, learning_rate,
                                  batch_size, gibbs_steps, learn_fields, n_threads, precision,
                                  magnetisations)
        for epoch in range(1 if state is None else state.epoch + 1, int(epochs) + 1):
            order = np.random.default_rng([int(seed), STREAM_SHUFFLE, epoch]).permutation(n_samples)
            saved = _copies(rbm, chains, chain_states)
            epoch_data = v if fresh is None else _fresh_epoch(fresh, epoch, v, rbm)
            stop_reason = run_epoch(order, epoch, epoch_data)
            if stop_reason:  # back to the end of the last epoch, and stop there
                _restore(saved, rbm, chains, chain_states)
                log.warning("training stopped: %s", stop_reason)
                if not records or records[-1]["epoch"] != epoch - 1:
                    record(epoch - 1)
                break
            if epoch in epoch_grid:
                record(epoch)
            if checkpointer is not None and checkpointer.due(epoch):
                checkpointer.save(epoch, rbm, chains, chain_states, records,
                                  time.perf_counter() - started, extra)

    run = history(records, rbm, method, ais, attrs={
        "algorithm": algorithm, "gibbs_steps": int(gibbs_steps),
        "learning_rate": float(learning_rate), "batch_size": int(batch_size),
        "epochs": int(epochs), "n_chains": n_chains, "seed": int(seed),
        "n_samples": n_samples,
        # the last mini-batch of an epoch may be shorter
        "updates_per_epoch": math.ceil(n_samples / int(batch_size)),
        "snapshots": json.dumps(epoch_grid.tolist()),
        "log_likelihood": int(log_likelihood), "precision": precision, **unit_attrs(rbm),
        **({} if log_likelihood_samples is None else
           {"log_likelihood_samples": int(log_likelihood_samples)}),
        "stop_reason": stop_reason, "init_std": float(rbm.init_std),
        "fresh_data": "" if fresh is None else json.dumps(fresh_sets.describe(fresh)),
        # wall time is an attribute, not a variable: cubes must be reproducible
        "train_seconds": time.perf_counter() - started})
    run = run.assign_coords(updates_per_epoch=((), run.attrs["updates_per_epoch"], {
        "long_name": "parameter updates (mini-batches) per epoch", "units": "1"}))
    if magnetisations is not None:
        run = run.merge(magnetisations.run_variables())
    if checkpointer is not None:
        checkpointer.remove()
    return add_observables(run)
