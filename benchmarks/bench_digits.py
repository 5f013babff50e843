"""Quality and speed on binarised digits: rbmsweep's PCD, CD and extended mean-field training
against scikit-learn's ``BernoulliRBM``, every model scored by rbmsweep's exact test
log-likelihood (M ≤ 16 hidden units: enumeration of the 2^M hidden states is exact).

    python benchmarks/bench_digits.py            # the table (a few minutes)
    python benchmarks/bench_digits.py --small    # CI: tiny sizes, checks outputs only

Same data (scikit-learn's 8×8 digits binarised at intensity ≥ 8, 1297 training and 500 test
images split by the seed), hidden units, epochs, batch size and learning rate for everyone.
scikit-learn's ``BernoulliRBM`` is PCD-1 with one persistent chain per batch item, fields learned
from zero; its weights and fields are scored as an ``RBM`` of rbmsweep.  rbmsweep rows: the same
PCD-1 with the visible fields from zero and from the data's log-odds
(``visible_bias_init: data``), PCD-5, CD-1, TAP at orders 2 and 3 and naive mean field
(defaults: damping 0.2, at most 100 iterations to a residual of 1e-5; and at most 3).

A second table times one TAP-2 epoch of the compiled kernel (``kernels.mean_field``) against
the same algorithm in vectorised numpy (``numpy_tap.py``), from the same state: does numba pay?
(--small checks that the two give the same weights.)

Time: seconds per epoch of the whole ``fit`` / ``train`` call (``log_likelihood=False``, two
snapshots) divided by the epochs, after a warm-up that compiles the kernels; BLAS on one thread
for everyone; each repeat runs every row back to back; medians over repeats, and the ratio to
scikit-learn as the median of per-repeat ratios.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy_tap  # noqa: E402

from rbmsweep import RBM, train  # noqa: E402
from rbmsweep.kernels import mean_field as mean_field_kernel  # noqa: E402
from rbmsweep.data.files import digit_samples  # noqa: E402

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

ROWS = [
    ("scikit-learn BernoulliRBM (PCD-1)", None),
    ("rbmsweep PCD-1, visible fields from 0", dict(algorithm="pcd", gibbs_steps=1, init="zero")),
    ("rbmsweep PCD-1, visible fields from data", dict(algorithm="pcd", gibbs_steps=1,
                                                       init="data")),
    ("rbmsweep PCD-5, visible fields from data", dict(algorithm="pcd", gibbs_steps=5,
                                                       init="data")),
    ("rbmsweep CD-1, visible fields from data", dict(algorithm="cd", gibbs_steps=1, init="data")),
    ("rbmsweep TAP-2, visible fields from data", dict(algorithm="tap", tap_order=2, init="data")),
    ("rbmsweep TAP-3, visible fields from data", dict(algorithm="tap", tap_order=3, init="data")),
    ("rbmsweep TAP-2, at most 3 iterations", dict(algorithm="tap", tap_order=2, init="data",
                                                   tap_iterations=3)),
    ("rbmsweep mean field, visible fields from data", dict(algorithm="mean_field", init="data")),
]


def sklearn_model(train_v, n_hidden, epochs, batch_size, learning_rate, seed):
    from sklearn.neural_network import BernoulliRBM

    model = BernoulliRBM(n_components=n_hidden, learning_rate=learning_rate,
                         batch_size=batch_size, n_iter=epochs, random_state=seed)
    started = time.perf_counter()
    model.fit(train_v.astype(np.float64))
    seconds = time.perf_counter() - started
    rbm = RBM(train_v.shape[1], n_hidden, visible="bernoulli", hidden="bernoulli",
              zero_fields=False, visible_fields=model.intercept_visible_)
    rbm.hidden_fields = np.array(model.intercept_hidden_, dtype=np.float64)
    rbm.weights = np.ascontiguousarray(model.components_.T, dtype=np.float64)
    return rbm, seconds


def our_model(train_v, n_hidden, epochs, batch_size, learning_rate, seed, init, **options):
    rbm = RBM(train_v.shape[1], n_hidden, visible="bernoulli", hidden="bernoulli",
              zero_fields=False, visible_bias_init=init, init_std=0.01, seed=seed)
    started = time.perf_counter()
    train(rbm, train_v, learning_rate=learning_rate, batch_size=batch_size, epochs=epochs,
          seed=seed, log_likelihood=False, snapshots=[0, epochs], **options)
    return rbm, time.perf_counter() - started


def measure(n_hidden, epochs, batch_size, learning_rate, seeds, repeats):
    """{row: (test log-likelihoods over seeds, seconds per epoch over repeats, ratios)}."""
    results = {name: ([], [], []) for name, _ in ROWS}
    for seed in seeds:
        train_v, test_v = digit_samples(1297, 500, seed)
        for repeat in range(repeats):
            sklearn_seconds = None
            for name, options in ROWS:
                if options is None:
                    rbm, seconds = sklearn_model(train_v, n_hidden, epochs, batch_size,
                                                 learning_rate, seed)
                    sklearn_seconds = seconds
                else:
                    rbm, seconds = our_model(train_v, n_hidden, epochs, batch_size,
                                             learning_rate, seed, **options)
                lls, times, ratios = results[name]
                if repeat == 0:
                    lls.append(rbm.log_likelihood(test_v))
                times.append(seconds / epochs)
                ratios.append(sklearn_seconds / seconds)
    return results


def table(results, title):
    lines = [title, f"{'':46} {'test log-likelihood (nat)':>26} {'s / epoch':>10} "
                    f"{'vs sklearn':>10}", "-" * 96]
    for name, (lls, times, ratios) in results.items():
        spread = np.std(lls, ddof=1) if len(lls) > 1 else 0.0
        lines.append(f"{name:46} {np.mean(lls):>17.3f} ± {spread:6.3f} "
                     f"{statistics.median(times):>10.4f} {statistics.median(ratios):>9.2f}×")
    return "\n".join(lines)


def numba_against_numpy(n_hidden, batch_size, learning_rate, repeats, order=2):
    """Seconds of one TAP epoch, compiled kernel and numpy, from the same state (a model
    trained 10 epochs by PCD, magnetisations at its data points), and the largest difference of
    the weights they reach."""
    train_v, _ = digit_samples(1297, 0, 0)
    rbm, _ = our_model(train_v, n_hidden, 10, batch_size, learning_rate, 0, algorithm="pcd",
                       gibbs_steps=1, init="data")
    rows = np.random.default_rng(0).permutation(len(train_v))
    starts = train_v[:batch_size].astype(np.float64)
    settings = (order, 0.2, 100, 1e-5)
    numba_times, numpy_times = [], []
    for _ in range(repeats):
        w1, a1, b1 = rbm.weights.copy(), rbm.visible_fields.copy(), rbm.hidden_fields.copy()
        m_v, m_h = starts.copy(), 1 / (1 + np.exp(-(starts @ w1 + b1)))
        per_update = np.empty((-(-len(train_v) // batch_size), 2))
        started = time.perf_counter()
        mean_field_kernel.train_epoch_mean_field(train_v, rows, w1, a1, b1, m_v, m_h,
                                                 learning_rate, batch_size, *settings, True,
                                                 True, per_update)
        numba_times.append(time.perf_counter() - started)
        w2, a2, b2 = rbm.weights.copy(), rbm.visible_fields.copy(), rbm.hidden_fields.copy()
        m_v, m_h = starts.copy(), 1 / (1 + np.exp(-(starts @ w2 + b2)))
        started = time.perf_counter()
        numpy_tap.train_epoch(train_v, rows, w2, a2, b2, m_v, m_h, learning_rate, batch_size,
                              *settings, True)
        numpy_times.append(time.perf_counter() - started)
    return (statistics.median(numba_times), statistics.median(numpy_times),
            float(np.abs(w1 - w2).max()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="CI mode: tiny, check outputs")
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if args.small:
        args.hidden, args.epochs, args.seeds, args.repeats = 6, 2, 1, 1
    import contextlib

    limits = (threadpool_limits(limits=1, user_api="blas") if threadpool_limits
              else contextlib.nullcontext())
    with limits:
        warm_v, _ = digit_samples(200, 0, 0)  # compile every kernel before timing
        for _, options in ROWS[1:]:
            our_model(warm_v, args.hidden, 1, args.batch_size, args.learning_rate, 0, **options)
        results = measure(args.hidden, args.epochs, args.batch_size, args.learning_rate,
                          range(args.seeds), args.repeats)
        fast, slow, difference = numba_against_numpy(args.hidden, args.batch_size,
                                                     args.learning_rate, args.repeats)
    title = (f"binarised digits, M = {args.hidden}, {args.epochs} epochs, batch "
             f"{args.batch_size}, learning rate {args.learning_rate}, {args.seeds} seeds "
             f"(log-likelihood mean ± sd), {args.repeats} repeats (time medians)")
    print(table(results, title))
    print(f"\none TAP-2 epoch (1297 digits, M = {args.hidden}, batch {args.batch_size}): "
          f"numba {fast:.4f} s, numpy {slow:.4f} s, ratio {slow / fast:.2f}x; largest weight "
          f"difference {difference:.2e}")
    if args.small:
        assert difference < 1e-9, difference
        for name, (lls, times, ratios) in results.items():
            assert all(np.isfinite(lls)) and all(t > 0 for t in times), name
        print("bench_digits --small: outputs OK")


if __name__ == "__main__":
    main()
