"""Sweep overhead: how much of a sweep's wall time is spent computing.

Runs the workflow on a sweep of 100 small training runs (10 β × 10 seeds, N = 100, 1000
samples, PCD-20, batch 10, 20 epochs: ~0.2 s of training each, a tenth of a default
place-cell run) with ``snakemake --cores 2`` in a temporary folder, once with one
run per job and once with ``seeds_per_job: 10``, and prints the wall time, the summed
training time of the runs (from each run's ``train_seconds``), and the computing share
(training core-seconds / (2 cores × wall time)).  The numba cache is warmed first, so the
numbers are those of a machine that has run rbmsweep before.

    python benchmarks/bench_sweep.py            # the table
    python benchmarks/bench_sweep.py --small    # 4 runs, checks the outputs (CI)
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xarray as xr
import yaml

ROOT = Path(__file__).resolve().parents[1]


def sweep_config(n_beta, n_seeds, seeds_per_job):
    return {"studies": {"place_cells": {
        # one data set per β, shared by its seeds (data.seed): 10 data jobs, 100 run jobs
        "data": {"model": "ising", "n_visible": 100, "n_samples": 1000, "n_test": 100, "seed": 0,
                 "beta": [round(0.3 + 0.1 * k, 2) for k in range(n_beta)]},
        "rbm": {"n_hidden": 1},
        "train": {"gibbs_steps": 20, "learning_rate": 0.01, "batch_size": 10, "epochs": 20},
        "seeds": n_seeds, "seeds_per_job": seeds_per_job}}}


def run_sweep(config, cores=2):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "config.yaml").write_text(yaml.safe_dump(config))
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--cores", str(cores),
             "--configfile", str(folder / "config.yaml"), "-d", str(folder), "-q"],
            capture_output=True, text=True)
        wall = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(result.stderr[-3000:])
        runs = list((folder / "results/place_cells/runs").rglob("run.nc"))
        train_seconds = 0.0
        n_runs = 0
        for path in runs:
            with xr.open_dataset(path) as run:
                n_runs += run.sizes["seed"]
                train_seconds += sum(json.loads(run.attrs["train_seconds_per_run"]))
        cube = xr.open_dataset(folder / "results/place_cells/cube.nc")
        assert cube.sizes["seed"] * cube.sizes["beta"] == n_runs == (
            len(config["studies"]["place_cells"]["data"]["beta"]) * config["studies"]["place_cells"]["seeds"])
        n_data = len(list((folder / "results/data").rglob("data.nc")))
        return {"jobs": len(runs), "data_jobs": n_data, "runs": n_runs, "wall_s": wall,
                "train_s": train_seconds, "share": train_seconds / (cores * wall),
                # core-seconds not spent training, per process started (data, run jobs)
                "overhead_s": (cores * wall - train_seconds) / (len(runs) + n_data)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="4 runs; check outputs only")
    args = parser.parse_args()
    n_beta, n_seeds = (2, 2) if args.small else (10, 10)
    if not args.small:
        run_sweep(sweep_config(1, 1, 1))  # warm the numba cache
    rows = [("one run per job", run_sweep(sweep_config(n_beta, n_seeds, 1))),
            (f"seeds_per_job: {n_seeds}", run_sweep(sweep_config(n_beta, n_seeds, n_seeds)))]
    print(f"{'layout':<22}{'run jobs':>9}{'data jobs':>10}{'runs':>6}{'wall s':>9}{'train s':>9}"
          f"{'compute share':>15}{'overhead s/job':>16}")
    for name, row in rows:
        print(f"{name:<22}{row['jobs']:>9}{row['data_jobs']:>10}{row['runs']:>6}{row['wall_s']:>9.1f}"
              f"{row['train_s']:>9.1f}{row['share']:>15.1%}{row['overhead_s']:>16.2f}")
    print("compute share: training core-seconds / (2 cores x wall); overhead: the other "
          "core-seconds per job (process start, imports, reading and writing files, snakemake)")
    if args.small:
        assert rows[1][1]["jobs"] * n_seeds == rows[0][1]["jobs"] == rows[0][1]["runs"]
        print("bench_sweep --small: outputs OK")


if __name__ == "__main__":
    main()
