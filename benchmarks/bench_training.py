"""Training speed: rbmsweep's epoch kernels against scikit-learn, a plain numpy implementation
of the same algorithm, and the raw random-number rate.

    python benchmarks/bench_training.py               # the table (several minutes)
    python benchmarks/bench_training.py --small       # CI: tiny sizes, checks outputs only
    python benchmarks/bench_training.py --repeats 3 --mnist-samples 6000   # quicker

Cases (issue 4's goals):

* Bernoulli {0,1} visible and hidden, PCD-1, N = 100, M = 3, batch 100, 10^5 samples, one
  epoch, fields learned — against scikit-learn's ``BernoulliRBM(n_components=3,
  batch_size=100, n_iter=1)``: goal ≥ 5× faster;
* the same at N = 784, M = 500, 6·10^4 samples (MNIST-sized, matrix-product bound): ≥ 1.2×;
* spin visible and hidden, PCD-20, N = 100, M = 1 and 3, batch 10 and 100 (the paper's
  settings, 10^4 samples, zero fields) — against ``numpy_pcd.py`` (the same algorithm in plain
  numpy) and the raw random-number rate: goal ≥ 4·10^8 visible-spin Gibbs updates per second
  per core.  The paper's own numba library (PGM) is quoted, not run: ≈ 0.65 s/epoch at the
  Fig. 3a settings (batch 10, M = 1), ≈ 3.1·10^7 updates/s.

What is timed: one epoch of the compiled kernel (``kernels.pcd``), shuffle included, as
``train`` runs it; ``train``'s fixed cost per call (checks, snapshots, observables) is printed
apart.  scikit-learn: ``fit`` on float64 data.  Each repeat times ours and the peer back to back
(same machine state); the table gives medians.  BLAS runs on one thread for everyone in the
"1 thread" columns; "2 threads" gives ours ``threads=2`` and scikit-learn's BLAS 2 threads.
Updates/s counts visible units drawn: batches × chains × k × N per epoch.

RNG bound: xoshiro256+ draws per second from one stream with its state in registers (one draw
per visible update is the least the algorithm needs); ``fill_uniform`` (a double written to
memory per draw, the samplers' yardstick) is shown too.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from numba import njit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy_pcd  # noqa: E402

from rbmsweep import RBM, data  # noqa: E402
from rbmsweep.kernels import pcd  # noqa: E402
from rbmsweep.kernels.random import fill_uniform, seed_streams, xoshiro_step  # noqa: E402
from rbmsweep.kernels.unit_functions import BERNOULLI, SPIN  # noqa: E402
from rbmsweep.rbm import STREAM_CHAINS, STREAM_SHUFFLE  # noqa: E402
from rbmsweep.training import _threads, epoch_threads, train  # noqa: E402

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

PGM_FIG3A = (0.65, 3.1e7)  # the paper's library at the Fig. 3a settings: s/epoch, updates/s


@njit(cache=True)
def _raw_draws(state, n):
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    acc = np.uint64(0)
    for _ in range(n):
        r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        acc ^= r
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return acc


def blas_threads(n):
    return threadpool_limits(limits=n, user_api="blas") if threadpool_limits else _nothing()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def rng_rates(n=50_000_000, repeats=5):
    """(raw draws/s, fill_uniform doubles/s), medians."""
    state = seed_streams(0, 1)[0].copy()
    _raw_draws(state, 10)
    buf = np.empty(n // 10)
    fill_uniform(state, buf[:10])
    raw, fill = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        _raw_draws(state, n)
        raw.append(n / (time.perf_counter() - t))
        t = time.perf_counter()
        fill_uniform(state, buf)
        fill.append(len(buf) / (time.perf_counter() - t))
    return float(np.median(raw)), float(np.median(fill))


# -- one epoch, ours and the peers ------------------------------------------------------------------

class Ours:
    """An RBM, its chains and streams, set up as ``train`` does; ``epoch()`` runs and times one."""

    def __init__(self, v, n_hidden, visible, hidden, gibbs_steps, batch_size, learning_rate,
                 threads=1, seed=0, precision="float64"):
        self.v = v
        self.precision = precision
        self.rbm = RBM(v.shape[1], n_hidden, visible=visible, hidden=hidden,
                       zero_fields=visible == "spin", init_std=0.01, seed=seed)
        rng = np.random.default_rng([seed, STREAM_CHAINS])
        self.chains = v[rng.integers(0, len(v), size=batch_size)].copy()
        self.states = seed_streams((seed, STREAM_CHAINS), batch_size)
        self.k, self.batch_size, self.learning_rate = gibbs_steps, batch_size, learning_rate
        self.threads = epoch_threads(threads, batch_size, gibbs_steps, v.shape[1], n_hidden,
                                     batch_size)  # as train() does
        self.seed, self.n_epochs = seed, 0

    def epoch(self):
        rbm = self.rbm
        learn = not rbm.zero_fields
        work = rbm.weights if self.precision == "float64" else rbm.weights.astype(np.float32)
        with _threads(self.threads) as n_threads:
            kernel = pcd.train_epoch_serial if n_threads == 1 else pcd.train_epoch_parallel
            t = time.perf_counter()
            self.n_epochs += 1
            order = np.random.default_rng([self.seed, STREAM_SHUFFLE, self.n_epochs]).permutation(
                len(self.v))
            kernel(self.v, order, rbm.weights, rbm.visible_fields, rbm.hidden_fields,
                   self.chains, self.states, rbm.visible.code, rbm.hidden.code,
                   self.learning_rate, self.batch_size, self.k, True, learn, learn, n_threads,
                   work)
            return time.perf_counter() - t


class NumpyPeer:
    def __init__(self, v, n_hidden, visible, hidden, gibbs_steps, batch_size, learning_rate,
                 seed=0):
        rng = np.random.default_rng(seed)
        self.v, self.rng = v, rng
        self.codes = (SPIN if visible == "spin" else BERNOULLI,
                      SPIN if hidden == "spin" else BERNOULLI)
        self.weights = rng.normal(0, 0.01, (v.shape[1], n_hidden))
        self.visible_fields = np.zeros(v.shape[1])
        self.hidden_fields = np.zeros(n_hidden)
        self.chains = v[rng.integers(0, len(v), size=batch_size)].copy()
        self.args = (gibbs_steps, batch_size, learning_rate)

    def epoch(self):
        k, batch_size, learning_rate = self.args
        with blas_threads(1):
            t = time.perf_counter()
            order = self.rng.permutation(len(self.v))
            numpy_pcd.train_epoch(self.v, order, self.weights, self.visible_fields,
                                  self.hidden_fields, self.chains, self.rng, *self.codes,
                                  learning_rate, batch_size, k, True,
                                  self.codes[0] == BERNOULLI)
            return time.perf_counter() - t


class SklearnPeer:
    def __init__(self, v, n_hidden, batch_size, learning_rate, threads=1):
        from sklearn.neural_network import BernoulliRBM
        self.x = v.astype(np.float64)
        self.make = lambda seed: BernoulliRBM(n_components=n_hidden, batch_size=batch_size,
                                              learning_rate=learning_rate, n_iter=1,
                                              random_state=seed)
        self.threads, self.calls = threads, 0

    def epoch(self):
        self.calls += 1
        model = self.make(self.calls)
        with blas_threads(self.threads):
            t = time.perf_counter()
            model.fit(self.x)
            return time.perf_counter() - t


def medians(runners, repeats):
    """Warm up each runner once, then time them back to back ``repeats`` times: the times of
    each runner, as arrays.  This machine's speed drifts by tens of percent over seconds, so
    runners that are compared must be timed in the same call, repeat by repeat."""
    for runner in runners:
        runner.epoch()
    times = [[] for _ in runners]
    for _ in range(repeats):
        for runner, sink in zip(runners, times):
            sink.append(runner.epoch())
    return [np.array(t) for t in times]


def paired_ratio(slow, fast):
    """Median over repeats of slow/fast, each pair timed back to back."""
    return float(np.median(np.asarray(slow) / np.asarray(fast)))


# -- the table --------------------------------------------------------------------------------------

def binary_data(n_samples, n_visible, seed=0, density=0.5):
    return (np.random.default_rng(seed).random((n_samples, n_visible)) < density).astype(np.int8)


def fmt_rate(x):
    return f"{x:.3g}"


def table(args):
    repeats = args.repeats
    raw, fill = rng_rates()
    rows, speedups, threads_used = [], [], []

    def timed(one_thread, two_threads, n):
        """Times of ours and the peer, and (with threads) of ours and the peer on 2 threads,
        all interleaved repeat by repeat; remembers the threads ours really used."""
        runners = one_thread + (two_threads if args.threads else [])
        times = medians(runners, n) + [None, None]
        if args.threads:
            threads_used.append(two_threads[0].threads)
        return times[0], times[1], times[2], times[3] if len(two_threads) > 1 else None

    def add(case, ours, peer_name, peer, goal, updates, ours2=None, peer2=None):
        """``ours``, ``peer``, ``ours2`` (threads=2), ``peer2``: times per repeat, or None."""
        ratio = paired_ratio(peer, ours)
        rate = updates / np.median(ours)
        status = ""
        if goal:
            kind, target = goal
            value = ratio if kind == "ratio" else rate
            status = "ok" if value >= target else "BELOW"
            goal_text = f"≥{target:g}×" if kind == "ratio" else f"≥{target:.0e}/s"
        else:
            goal_text = ""
        rows.append((case, np.median(ours), peer_name, np.median(peer), ratio, goal_text, status,
                     rate, rate / raw))
        if ours2 is not None:
            speedups.append((case, np.median(ours), np.median(ours2), paired_ratio(ours, ours2),
                             None if peer2 is None else np.median(peer2), threads_used.pop()))

    # 1. Bernoulli PCD-1, N=100, M=3 vs scikit-learn
    v = ((data.ising_chain(100, 1.0, 100_000, seed=0) + 1) // 2).astype(np.int8)
    setting = dict(n_hidden=3, visible="bernoulli", hidden="bernoulli", gibbs_steps=1,
                   batch_size=100, learning_rate=0.1)
    ours, peer, ours2, peer2 = timed(
        [Ours(v, **setting), SklearnPeer(v, 3, 100, 0.1)],
        [Ours(v, **setting, threads=2), SklearnPeer(v, 3, 100, 0.1, 2)], repeats)
    add("Bernoulli PCD-1 N=100 M=3 B=100, 1e5 samples", ours, "scikit-learn", peer,
        ("ratio", 5), 1000 * 100 * 1 * 100, ours2, peer2)
    # train()'s fixed cost per call, for the record
    rbm = RBM(100, 3, visible="bernoulli", hidden="bernoulli", zero_fields=False)
    t = time.perf_counter()
    train(rbm, v, gibbs_steps=1, learning_rate=0.1, batch_size=100, epochs=1,
          log_likelihood=False, snapshots=[0, 1])
    train_call = time.perf_counter() - t

    # 2. MNIST-sized
    n = args.mnist_samples
    v = binary_data(n, 784, density=0.2)
    setting = dict(n_hidden=500, visible="bernoulli", hidden="bernoulli", gibbs_steps=1,
                   batch_size=100, learning_rate=0.01)
    reps = min(repeats, 3)
    ours, peer, ours2, peer2 = timed(
        [Ours(v, **setting), SklearnPeer(v, 500, 100, 0.01)],
        [Ours(v, **setting, threads=2), SklearnPeer(v, 500, 100, 0.01, 2)], reps)
    add(f"Bernoulli PCD-1 N=784 M=500 B=100, {n:.0e} samples", ours, "scikit-learn", peer,
        ("ratio", 1.2), (n // 100) * 100 * 784, ours2, peer2)
    ours, peer, ours2, _ = timed(
        [Ours(v, **setting, precision="float32"), SklearnPeer(v, 500, 100, 0.01)],
        [Ours(v, **setting, threads=2, precision="float32")], reps)
    add("  same, precision=float32 (products only)", ours, "scikit-learn", peer,
        ("ratio", 1.2), (n // 100) * 100 * 784, ours2, None)

    # 3. the paper's settings vs numpy
    v = data.ising_chain(100, 1.0, 10_000, seed=0)
    for n_hidden in (1, 3):
        for batch_size in (10, 100):
            setting = dict(n_hidden=n_hidden, visible="spin", hidden="spin", gibbs_steps=20,
                           batch_size=batch_size, learning_rate=1e-3)
            ours, peer, ours2, _ = timed([Ours(v, **setting), NumpyPeer(v, **setting)],
                                         [Ours(v, **setting, threads=2)], repeats)
            add(f"spin PCD-20 N=100 M={n_hidden} B={batch_size}, 1e4 samples", ours,
                "numpy", peer, ("rate", 4e8), 10_000 * 20 * 100, ours2)

    print(f"RNG bound (xoshiro256+, one stream, state in registers): {raw:.3g} draws/s; "
          f"fill_uniform: {fill:.3g} doubles/s")
    print(f"medians of {repeats} epochs (MNIST-sized: {reps}); BLAS on 1 thread; times in s\n")
    head = (f"{'case':<48} {'ours s':>8} {'peer':<12} {'peer s':>8} {'ratio':>7} {'goal':>9} "
            f"{'':>5} {'updates/s':>10} {'/RNG':>5}")
    print(head)
    print("-" * len(head))
    for case, ours, peer_name, peer, ratio, goal, status, rate, fraction in rows:
        print(f"{case:<48} {ours:>8.4f} {peer_name:<12} {peer:>8.4f} {ratio:>7.1f} {goal:>9} "
              f"{status:>5} {fmt_rate(rate):>10} {fraction:>5.2f}")
    pgm_time, pgm_rate = PGM_FIG3A
    print(f"{'(paper numba library PGM, Fig. 3a = M=1 B=10; quoted)':<48} {pgm_time:>8.4f} "
          f"{'':<12} {'':>8} {'':>7} {'':>9} {'':>5} {fmt_rate(pgm_rate):>10} "
          f"{pgm_rate / raw:>5.2f}")
    print(f"\ntrain() end to end, case 1, one epoch incl. checks, snapshots, observables: "
          f"{train_call:.3f} s")
    if speedups:
        print("\nthreads=2 (ours: chains in parallel, blocked matrix products; scikit-learn: "
              "BLAS on 2 threads)")
        print(f"{'case':<48} {'ours 1':>8} {'ours 2':>8} {'speed-up':>9} {'threads':>8} "
              f"{'sklearn 2':>10}")
        for case, one, two, speedup, peer2, used in speedups:
            extra = f"{peer2:>10.4f}" if peer2 is not None else ""
            print(f"{case:<48} {one:>8.4f} {two:>8.4f} {speedup:>9.2f} {used:>8} {extra}")
        print("threads: what train() runs on when given 2 (1 when a mini-batch has too little "
              "work: training.PARALLEL_MIN_DRAWS); ratios are medians of per-repeat ratios")
    return [{"case": case, "ours_s": float(ours), "peer": peer_name, "peer_s": float(peer),
             "ratio": ratio, "goal": goal, "status": status, "rate": rate, "raw_rng": raw}
            for case, ours, peer_name, peer, ratio, goal, status, rate, _ in rows]


# -- CI mode ----------------------------------------------------------------------------------------

def small():
    """Tiny sizes; checks that every runner trains and that the kernels agree.  No timings."""
    raw, fill = rng_rates(n=100_000, repeats=1)
    assert raw > 0 and fill > 0
    v = ((data.ising_chain(20, 1.0, 400, seed=0) + 1) // 2).astype(np.int8)
    s = data.ising_chain(20, 1.0, 400, seed=0)
    for x, unit, n_hidden, k, batch_size in ((v, "bernoulli", 3, 1, 20), (v, "bernoulli", 40, 1, 20),
                                             (s, "spin", 1, 5, 10), (s, "spin", 3, 5, 10)):
        setting = dict(n_hidden=n_hidden, visible=unit, hidden=unit, gibbs_steps=k,
                       batch_size=batch_size, learning_rate=0.05)
        runs = [Ours(x, **setting, threads=t) for t in (1, 2)]
        for run in runs:
            before = run.rbm.weights.copy()
            assert run.epoch() > 0
            assert np.all(np.isfinite(run.rbm.weights)) and not np.array_equal(before,
                                                                                run.rbm.weights)
            assert np.isin(run.chains, run.rbm.visible.values).all()
        np.testing.assert_array_equal(runs[0].rbm.weights, runs[1].rbm.weights)
        peer = NumpyPeer(x, **setting)
        before = peer.weights.copy()
        assert peer.epoch() > 0 and not np.array_equal(before, peer.weights)
    try:
        assert SklearnPeer(v, 3, 20, 0.05).epoch() > 0
    except ImportError:
        print("scikit-learn not installed: its runner not checked")
    print("bench_training --small: outputs OK")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", action="store_true", help="CI mode: check outputs only")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--mnist-samples", type=int, default=60_000)
    ap.add_argument("--no-threads", dest="threads", action="store_false",
                    help="skip the threads=2 runs")
    ap.add_argument("--json", help="also write the rows to this file")
    args = ap.parse_args(argv)
    if args.small:
        small()
    else:
        rows = table(args)
        if args.json:
            import json

            with open(args.json, "w") as handle:
                json.dump(rows, handle)


if __name__ == "__main__":
    main()
