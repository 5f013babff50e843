"""Potts training speed: rbmsweep's general epoch kernel (``kernels.general_pcd``) against
``numpy_potts_pcd.py``, the same algorithm in plain numpy.

    python benchmarks/bench_potts.py              # the table (about a minute)
    python benchmarks/bench_potts.py --small      # CI: tiny sizes, checks outputs only

Settings (HTCM20 Fig. 9): discretised XY data, q = 10, N = 100, β = 1.5; one double-well hidden
unit (θ = −2) or one ±1 unit (Fig. 9b), zero fields, PCD-20, batch 100 (100 persistent chains),
ν = 0.01; 10^4 samples per epoch (100 updates; the paper's 10^5 samples take ten times as
long).  Goal (issue 11): ours ≥ 5× the numpy version.

What is timed: one epoch of each (shuffle included), ours as ``train`` runs it, each repeat
timing ours and numpy back to back; the table gives medians and the median of the per-repeat
ratios.  Site updates/s counts the Potts sites drawn: updates × chains × k × N per epoch (each
draw is one categorical over q = 10 states).  BLAS on one thread for both.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy_potts_pcd  # noqa: E402
from bench_training import blas_threads, paired_ratio  # noqa: E402

from rbmsweep import RBM, data  # noqa: E402
from rbmsweep.kernels import general_pcd  # noqa: E402
from rbmsweep.kernels.random import seed_streams  # noqa: E402
from rbmsweep.rbm import STREAM_CHAINS, STREAM_SHUFFLE  # noqa: E402
from rbmsweep.training import _threads, epoch_threads  # noqa: E402

THETA = -2.0


class Ours:
    """A Potts RBM, its chains and streams, set up as ``train`` does; ``epoch()`` times one."""

    def __init__(self, v, q, hidden, gibbs_steps, batch_size, learning_rate, threads=1,
                 seed=0):
        self.v = v
        self.rbm = RBM(v.shape[1], 1, visible="potts", q=q, hidden=hidden, theta=THETA,
                       init_std=0.01, seed=seed)
        rng = np.random.default_rng([seed, STREAM_CHAINS])
        self.chains = v[rng.integers(0, len(v), size=batch_size)].copy()
        self.states = seed_streams((seed, STREAM_CHAINS), batch_size)
        self.k, self.batch_size, self.learning_rate = gibbs_steps, batch_size, learning_rate
        self.threads = epoch_threads(threads, batch_size, gibbs_steps, v.shape[1] * q, 1,
                                     batch_size)
        self.seed, self.n_epochs = seed, 0

    def epoch(self):
        rbm = self.rbm
        with _threads(self.threads) as n_threads:
            kernel = (general_pcd.train_epoch_serial if n_threads == 1
                      else general_pcd.train_epoch_parallel)
            t = time.perf_counter()
            self.n_epochs += 1
            order = np.random.default_rng([self.seed, STREAM_SHUFFLE, self.n_epochs]).permutation(
                len(self.v))
            done = kernel(self.v, order, rbm.weights3, rbm.fields2, rbm.hidden_fields,
                          self.chains, self.states, rbm.visible.code, rbm.visible.variance,
                          rbm.hidden.code, rbm.hidden.variance, rbm.hidden.theta,
                          self.learning_rate, self.batch_size, self.k, True, False, False,
                          n_threads)
            elapsed = time.perf_counter() - t
        assert done > 0
        return elapsed


class NumpyPeer:
    def __init__(self, v, q, hidden, gibbs_steps, batch_size, learning_rate, seed=0):
        rng = np.random.default_rng(seed)
        self.v, self.rng, self.hidden = v, rng, hidden
        self.weights = rng.normal(0, 0.01, (v.shape[1], 1, q))
        self.weights -= self.weights.mean(axis=-1, keepdims=True)
        self.visible_fields = np.zeros((v.shape[1], q))
        self.hidden_fields = np.zeros(1)
        self.chains = v[rng.integers(0, len(v), size=batch_size)].copy()
        self.args = (learning_rate, batch_size, gibbs_steps)

    def epoch(self):
        with blas_threads(1):
            t = time.perf_counter()
            order = self.rng.permutation(len(self.v))
            numpy_potts_pcd.train_epoch(self.v, order, self.weights, self.visible_fields,
                                        self.hidden_fields, self.chains, self.rng, self.hidden,
                                        *self.args, theta=THETA)
            return time.perf_counter() - t


def medians(runners, repeats):
    for runner in runners:
        runner.epoch()  # warm-up (compilation)
    times = [[] for _ in runners]
    for _ in range(repeats):
        for runner, sink in zip(runners, times):
            sink.append(runner.epoch())
    return [np.array(t) for t in times]


def table(args):
    q, n_visible, k, batch = 10, 100, 20, 100
    v = data.xy_chain(n_visible=n_visible, q=q, beta=1.5, n_samples=args.samples, seed=0)
    draws = -(-len(v) // batch) * batch * k * n_visible
    print(f"Potts PCD-{k}: q = {q}, N = {n_visible}, M = 1, batch {batch}, {len(v)} XY samples "
          f"(β = 1.5), zero fields; medians of {args.repeats} epochs, times in s")
    head = (f"{'hidden unit':<24} {'ours s':>8} {'numpy s':>8} {'ratio':>7} {'goal':>6} "
            f"{'':>5} {'site updates/s':>15} {'ours 2 thr s':>13}")
    print(head)
    print("-" * len(head))
    for hidden in ("double_well", "spin"):
        setting = dict(q=q, hidden=hidden, gibbs_steps=k, batch_size=batch, learning_rate=0.01)
        ours, peer = Ours(v, **setting), NumpyPeer(v, **setting)
        runners = [ours, peer]
        if args.threads:
            runners.append(Ours(v, **setting, threads=2))
        times = medians(runners, args.repeats)
        ratio = paired_ratio(times[1], times[0])
        two = f"{np.median(times[2]):>13.3f}" if args.threads else ""
        print(f"{hidden + (' θ = %g' % THETA if hidden == 'double_well' else ''):<24} "
              f"{np.median(times[0]):>8.3f} {np.median(times[1]):>8.3f} {ratio:>7.1f} "
              f"{'≥ 5':>6} {'ok' if ratio >= 5 else 'MISS':>5} "
              f"{draws / np.median(times[0]):>15.3g} {two}")


def small():
    """Tiny sizes: both implementations train, threads do not change ours.  No timings."""
    v = data.xy_chain(n_visible=12, q=5, beta=1.5, n_samples=120, seed=0)
    for hidden in ("double_well", "spin"):
        setting = dict(q=5, hidden=hidden, gibbs_steps=3, batch_size=20, learning_rate=0.05)
        runs = [Ours(v, **setting, threads=t) for t in (1, 2)]
        for run in runs:
            run.threads = 2 if run is runs[1] else 1  # force the parallel kernel once
            before = run.rbm.weights.copy()
            assert run.epoch() > 0
            weights = run.rbm.weights
            assert np.all(np.isfinite(weights)) and not np.array_equal(before, weights)
            np.testing.assert_allclose(weights.sum(axis=-1), 0, atol=1e-12)
            assert run.chains.min() >= 0 and run.chains.max() < 5
        np.testing.assert_array_equal(runs[0].rbm.weights, runs[1].rbm.weights)
        peer = NumpyPeer(v, **setting)
        before = peer.weights.copy()
        assert peer.epoch() > 0 and not np.array_equal(before, peer.weights)
        np.testing.assert_allclose(peer.weights.sum(axis=-1), 0, atol=1e-12)
    print("bench_potts --small: outputs OK")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", action="store_true", help="CI mode: check outputs only")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--no-threads", dest="threads", action="store_false",
                    help="skip the threads=2 runs")
    args = ap.parse_args(argv)
    if args.small:
        small()
    else:
        table(args)


if __name__ == "__main__":
    main()
