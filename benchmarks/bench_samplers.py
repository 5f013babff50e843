"""Speed of the exact data samplers (rbmsweep.data) against the raw random-number rate.

    python benchmarks/bench_samplers.py            # table: spins/s per core, N = 100
    python benchmarks/bench_samplers.py --small    # CI: small sizes, checks the outputs only

The raw rate is that of ``fill_uniform`` (kernels/random.py): one xoshiro256+ double per
element written to memory.  The issue's goal is >= 1e8 spins/s per core for both samplers at
N = 100 (Ising β = 1, XY q = 10, β = 1.5, the paper's settings).  Times are the best of
``--repeats`` runs after a warm-up call (compilation excluded); the sampler times include the
Python-side table set-up, as a user's call does.
"""

import argparse
import time

import numpy as np

from rbmsweep import data, theory
from rbmsweep.kernels.random import fill_uniform, seed_streams

GOAL = 1e8


def best_time(fn, repeats):
    fn()  # warm-up / compile
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def check(name, v, allowed):
    assert v.dtype == np.int8 and v.flags.c_contiguous, name
    assert set(np.unique(v).tolist()) <= allowed, name


def small():
    """CI mode: tiny sizes, checks shapes, values and two physics numbers; the rates it
    returns (rows for the summary) are no timing claims."""
    rows = [{"sampler": name, "params": params, "mode": "serial", "small": True,
             "rate": 100 * 2_000 / best_time(sample, 1)}
            for name, params, sample in (
                ("Ising", "beta=1", lambda: data.ising_chain(100, 1.0, 2_000, seed=0)),
                ("XY q=10", "beta=1.5", lambda: data.xy_chain(100, 10, 1.5, 2_000, seed=0)))]
    v = data.ising_chain(100, 1.0, 2_000, seed=0)
    check("ising", v, {-1, 1})
    c1 = data.ising_correlations(v, 1)[1]
    assert abs(c1 - theory.ising_correlation(1, 1.0, 100)) < 0.03, c1
    s = data.xy_chain(100, 10, 1.5, 2_000, seed=0)
    check("xy", s, set(range(10)))
    assert np.array_equal(s, data.xy_chain(100, 10, 1.5, 2_000, seed=0, parallel=True))
    out = np.empty(10_000)
    fill_uniform(seed_streams(0, 1)[0].copy(), out)
    assert 0.0 <= out.min() and out.max() < 1.0
    print("bench_samplers --small: outputs OK")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", action="store_true", help="CI mode: check outputs only")
    ap.add_argument("--n-samples", type=int, default=200_000)
    ap.add_argument("--n-visible", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--parallel", action="store_true", help="also time parallel=True (all threads)")
    ap.add_argument("--json", help="also write the rows to this file")
    args = ap.parse_args()
    if args.small:
        rows = small()
    else:
        rows = full(args)
    if args.json:
        import json

        with open(args.json, "w") as handle:
            json.dump(rows, handle)


def full(args):
    """The rates at the benchmark's sizes, printed and returned as rows."""
    n, ns, reps = args.n_visible, args.n_samples, args.repeats
    spins = n * ns
    state = seed_streams(0, 1)[0].copy()
    buf = np.empty(spins)
    raw = spins / best_time(lambda: fill_uniform(state, buf), reps)

    cases = [
        ("Ising", "beta=1", lambda par: data.ising_chain(n, 1.0, ns, seed=0, parallel=par)),
        ("Ising", "beta=0.3", lambda par: data.ising_chain(n, 0.3, ns, seed=0, parallel=par)),
        ("Ising", "beta=5", lambda par: data.ising_chain(n, 5.0, ns, seed=0, parallel=par)),
        ("XY q=10", "beta=1.5", lambda par: data.xy_chain(n, 10, 1.5, ns, seed=0, parallel=par)),
        ("XY q=10", "beta=0", lambda par: data.xy_chain(n, 10, 0.0, ns, seed=0, parallel=par)),
        ("XY q=10", "beta=5", lambda par: data.xy_chain(n, 10, 5.0, ns, seed=0, parallel=par)),
        ("XY q=10", "beta=20", lambda par: data.xy_chain(n, 10, 20.0, ns, seed=0, parallel=par)),
    ]
    print(f"N = {n}, {ns} samples ({spins:.1e} spins), best of {reps}")
    print(f"{'sampler':<10} {'params':<10} {'mode':<9} {'spins/s':>10} {'/ raw RNG':>10} {'goal 1e8':>9}")
    print(f"{'fill_uniform':<21} {'serial':<9} {raw:>10.3g} {1.0:>10.2f} {'':>9}")
    modes = [False, True] if args.parallel else [False]
    rows = []
    for name, params, fn in cases:
        for par in modes:
            rate = spins / best_time(lambda: fn(par), reps)
            ok = "" if par else ("ok" if rate >= GOAL else "BELOW")
            mode = "parallel" if par else "serial"
            print(f"{name:<10} {params:<10} {mode:<9} {rate:>10.3g} {rate / raw:>10.2f} {ok:>9}")
            rows.append({"sampler": name, "params": params, "mode": mode, "rate": rate})
    return rows


if __name__ == "__main__":
    main()
