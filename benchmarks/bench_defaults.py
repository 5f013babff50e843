"""What a user gets: ``train()`` with its defaults against scikit-learn's ``BernoulliRBM`` with
its defaults, end to end, and what the snapshot observables cost.

Defaults on both sides: ours ``train(rbm, v, ...)`` with only the problem given (units, M,
batch, learning rate, epochs; threads, precision, snapshots, the exact log-likelihood and the
observables at their defaults), scikit-learn ``BernoulliRBM(n_components, batch_size,
learning_rate, n_iter).fit(x)`` (BLAS with its own default threads).  Times are whole calls,
ours with everything it records, timed back to back repeat by repeat (this machine's speed
drifts); the ratio is the median of per-repeat ratios.

The observables' share, for every benchmark case (spin PCD-20 as well): what one snapshot
costs (the exact log-likelihood of train and test data, the observables of the weights) and one
epoch costs, and from them the share of a default train() call, 100 epochs with the default
snapshot grid (23 snapshots): 23 × snapshot / (100 × epoch).

    python benchmarks/bench_defaults.py            # the table (several minutes)
    python benchmarks/bench_defaults.py --small    # CI: tiny sizes, checks the outputs only
"""

import argparse
import json
import logging
import time

import numpy as np

from rbmsweep import RBM, data
from rbmsweep.snapshots import snapshot_epochs
from rbmsweep.training import train

logging.getLogger("rbmsweep.train").setLevel(logging.WARNING)

#: (name, N, M, samples, batch, learning rate, epochs for the scikit-learn comparison, goal)
PEER_CASES = [("Bernoulli PCD-1 N=100 M=3 B=100, 1e5 samples", 100, 3, 100_000, 100, 0.1, 5, 4.0),
              ("Bernoulli PCD-1 N=784 M=500 B=100, 6e4 samples", 784, 500, 60_000, 100, 0.01, 1,
               1.5)]
#: (name, visible/hidden units, N, M, samples, batch, k)
SPIN_CASES = [(f"spin PCD-20 N=100 M={m} B={b}, 1e4 samples", "spin", 100, m, 10_000, b, 20)
              for m in (1, 3) for b in (10, 100)]


def binary_data(n_samples, n_visible, case):
    if n_visible == 100:
        return ((data.ising_chain(n_visible, 1.0, n_samples, seed=0) + 1) // 2).astype(np.int8)
    return (np.random.default_rng(0).random((n_samples, n_visible)) < 0.2).astype(np.int8)


def ours(v, n_hidden, batch, rate, epochs, units="bernoulli", k=1, observables=True, test=None):
    rbm = RBM(v.shape[1], n_hidden, visible=units, hidden=units, zero_fields=units == "spin",
              seed=0)
    extra = {} if observables else {"log_likelihood": False, "snapshots": [0, epochs]}
    started = time.perf_counter()
    train(rbm, v, gibbs_steps=k, learning_rate=rate, batch_size=batch, epochs=epochs, test=test,
          **extra)
    return time.perf_counter() - started


def sklearn(x, n_hidden, batch, rate, epochs):
    from sklearn.neural_network import BernoulliRBM

    model = BernoulliRBM(n_components=n_hidden, batch_size=batch, learning_rate=rate,
                         n_iter=epochs, random_state=0)
    started = time.perf_counter()
    model.fit(x)
    return time.perf_counter() - started


def paired(pairs, repeats):
    """Time each (a, b) pair of callables back to back ``repeats`` times after a warm-up:
    medians of a and b, and the median of the per-repeat ratios b / a."""
    for a, b in pairs:
        a(), b()
    a_times, b_times = [], []
    for _ in range(repeats):
        for a, b in pairs:
            a_times.append(a())
            b_times.append(b())
    a_times, b_times = np.array(a_times), np.array(b_times)
    return float(np.median(a_times)), float(np.median(b_times)), float(
        np.median(b_times / a_times))


def measure(repeats, small=False):
    rows = []
    for name, n, m, samples, batch, rate, epochs, goal in PEER_CASES:
        if small:
            n, m, samples, epochs = min(n, 30), min(m, 12), 400, 1
        v = binary_data(samples, n, name)
        x = v.astype(np.float64)
        reps = repeats if n == 100 else max(1, min(repeats, 3))
        t_ours, t_peer, ratio = paired(
            [(lambda: ours(v, m, batch, rate, epochs),
              lambda: sklearn(x, m, batch, rate, epochs))], reps)
        rows.append({"case": name + f", {epochs} epochs, defaults", "ours_s": t_ours,
                     "peer": "scikit-learn", "peer_s": t_peer, "ratio": ratio,
                     "goal": f">= {goal}x", "ok": ratio >= goal})
    for name, n, m, samples, batch, rate, _, _ in PEER_CASES:
        if small:
            n, m = min(n, 30), min(m, 12)
        rows.append(share_row(name, binary_data(min(samples, 400) if small else samples, n,
                                                name), m, batch, rate, "bernoulli", 1,
                              2 if small else (5 if n == 100 else 1), repeats, small))
    for name, units, n, m, samples, batch, k in SPIN_CASES:
        v = data.ising_chain(n, 1.0, 400 if small else samples, seed=0)
        rows.append(share_row(name, v, m, batch, 1e-3, units, 2 if small else k,
                              2 if small else 10, repeats, small))
    return rows


def share_row(name, v, m, batch, rate, units, k, epochs, repeats, small):
    """The observables' share of a default train() call (100 epochs, the default snapshot grid),
    from two calls of ``epochs`` epochs timed back to back: without observables (no likelihood,
    one snapshot) and with them at every epoch (likelihood of train and test data, observables):
    their difference is ``epochs`` snapshots, the first is ``epochs`` epochs."""
    test = v[: len(v) // 10]

    def timed(observables):
        rbm = RBM(v.shape[1], m, visible=units, hidden=units, zero_fields=units == "spin", seed=0)
        extra = dict(snapshots=list(range(epochs + 1))) if observables else dict(
            log_likelihood=False, snapshots=[epochs])
        started = time.perf_counter()
        train(rbm, v, gibbs_steps=k, learning_rate=rate, batch_size=batch, epochs=epochs,
              test=test, **extra)
        return time.perf_counter() - started

    bare, full, _ = paired([(lambda: timed(False), lambda: timed(True))],
                           1 if small or v.shape[1] > 100 else max(1, min(repeats, 3)))
    per_snapshot = max(full - bare, 0.0) / epochs
    per_epoch = bare / epochs
    grid = len(snapshot_epochs(100, 16, 10))
    share = grid * per_snapshot / (100 * per_epoch)
    return {"case": f"{name}: observables, default grid", "ours_s": per_snapshot,
            "peer": "per epoch", "peer_s": per_epoch, "ratio": share, "goal": "<= 10%",
            "ok": share <= 0.10, "share": True}


def print_rows(rows):
    print(f"{'case':<66} {'ours s':>8} {'peer':<13} {'peer s':>8} {'ratio':>8} {'goal':>8}")
    for row in rows:
        ratio = f"{100 * row['ratio']:.1f}%" if row.get("share") else f"{row['ratio']:.2f}x"
        print(f"{row['case']:<66} {row['ours_s']:>8.3f} {row['peer']:<13} {row['peer_s']:>8.3f} "
              f"{ratio:>8} {row['goal']:>8} {'ok' if row['ok'] else 'NOT MET'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="tiny sizes; check outputs only")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    rows = measure(args.repeats, args.small)
    print_rows(rows)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle)
    if args.small:
        # (a snapshot's cost is a difference of two timings: 0 when noise hides it)
        assert all(row["peer_s"] > 0 and (row["ours_s"] >= 0 if row.get("share")
                                          else row["ours_s"] > 0) for row in rows), rows
        print("bench_defaults --small: outputs OK")


if __name__ == "__main__":
    main()
