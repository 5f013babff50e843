"""Memory: a training job's peak resident memory against the size of its data set.

Samples an Ising data set of 10^6 configurations of N = 100 spins (int8: 100 MB) with
``rbmsweep data`` and trains one run on it with ``rbmsweep run`` (the commands the workflow's
jobs run: a diffusion-study run, M = 1, PCD-20, batch 10, one epoch), each in a process of
its own, and prints each process's peak RSS (``os.wait4``).  A baseline run on a data set of
1000 configurations gives what the interpreter, the libraries and the compiled kernels take,
so that "peak − baseline" is what the data set costs.  The kernels are compiled (and cached)
by the baseline run before anything is measured.

    python benchmarks/bench_memory.py            # the table (10^6 samples, ~1 min)
    python benchmarks/bench_memory.py --small    # CI: 10^4 samples, checks the outputs only
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from rbmsweep.config import all_jobs, jobs_to_json
from rbmsweep.io import read_samples


def study(n_samples):
    return {"studies": {"memory": {
        "kind": "diffusion",
        "data": {"model": "ising", "n_visible": 100, "beta": 1.0, "n_samples": n_samples,
                 "n_test": 0},
        "rbm": {"n_hidden": 1},
        "train": {"gibbs_steps": 20, "learning_rate": 0.1, "batch_size": 10, "epochs": 1},
        "seeds": 1}}}


def peak_rss_mb(command):
    """Run ``command``; its peak resident set size in MB (Linux: ru_maxrss in KB)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    stderr = process.stderr.read().decode()
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return usage.ru_maxrss / 1024


def measure(n_samples, folder):
    (runs,) = all_jobs(study(n_samples))["memory"].values()
    spec = runs[0]
    data_file, run_file = folder / f"data{n_samples}.nc", folder / f"run{n_samples}.nc"
    data_peak = peak_rss_mb(["rbmsweep", "data", "--spec",
                             json.dumps(spec.data.arguments()), "--out", str(data_file)])
    run_peak = peak_rss_mb(["rbmsweep", "run", "--spec", jobs_to_json(runs), "--data",
                            str(data_file), "--out", str(run_file)])
    train, _ = read_samples(data_file)
    assert train.shape == (n_samples, 100) and train.dtype == np.int8
    assert set(np.unique(train)) == {-1, 1}
    assert run_file.exists()
    return {"samples": n_samples, "data_mb": train.nbytes / 2**20, "data_rss": data_peak,
            "run_rss": run_peak}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="CI: 10^4 samples, no table claims")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        baseline = measure(1000, folder)
        result = measure(10**4 if args.small else 10**6, folder)
    print(f"\n{'samples':>9} {'data MB':>8} {'data job RSS MB':>16} {'run job RSS MB':>15} "
          f"{'run − baseline':>15} {'÷ data':>7}")
    for row in (baseline, result):
        extra = row["run_rss"] - baseline["run_rss"]
        print(f"{row['samples']:>9} {row['data_mb']:>8.1f} {row['data_rss']:>16.0f} "
              f"{row['run_rss']:>15.0f} {extra:>15.0f} {extra / row['data_mb']:>7.2f}")
    print("\nbaseline: the same job on 1000 samples (interpreter, numpy/xarray/numba, kernels)")
    if args.json:
        import json

        Path(args.json).write_text(json.dumps([baseline, result]))
    if args.small:
        assert result["run_rss"] > 0 and result["data_rss"] > 0
        print("bench_memory --small: outputs OK")


if __name__ == "__main__":
    sys.exit(main())
