"""How long the workflow takes to build its DAG and start, for a sweep of many runs.

    python benchmarks/bench_dag.py                    # 10^4 runs: `snakemake -n`, and time to start
    python benchmarks/bench_dag.py --runs 1000 --no-start
    python benchmarks/bench_dag.py --profile slurm     # the dry run through the SLURM profile

The config (written to a temporary folder, with the results) is one place-cell study of
``--runs`` runs: 10 values of beta x 10 of n_hidden x runs/100 seeds, so 10 runs share each
data set (runs/10 data sets), plus one cube and its figures.  Reported:

- ``snakemake -n``: wall time of the whole dry run (parse the config, expand the sweep, build
  and check the DAG, then print every job with its resources and shell command, and the
  summary);
- ``snakemake -n -q``: the same without printing every job (the DAG alone);
- time to start: a real local run (``--cores 1``) until its first job starts, then stopped.

Times depend on the machine and its load; run it on an idle one.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def sweep_config(n_runs):
    if n_runs % 100:
        raise SystemExit("--runs must be a multiple of 100")
    return {"studies": {"place_cells": {
        "data": {"model": "ising", "n_visible": 100,
                 "beta": [round(0.2 * i, 1) for i in range(1, 11)],
                 "n_samples": 1000, "n_test": 100},
        "rbm": {"n_hidden": list(range(1, 11))},
        "train": {"gibbs_steps": 5, "epochs": 10},
        "seeds": n_runs // 100,
    }}}


def base_command(workdir, profile):
    command = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"),
               "--configfile", str(workdir / "config.yaml"), "-d", str(workdir)]
    if profile:
        command += ["--workflow-profile", str(ROOT / "workflow" / "profiles" / profile)]
    return command


def dry_run(workdir, profile, quiet):
    command = base_command(workdir, profile) + ["-n"] + (["-q"] if quiet else [])
    if profile == "default":
        command += ["--cores", "1"]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=workdir)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"snakemake -n failed:\n{result.stderr[-3000:]}")
    total = re.search(r"^total\s+(\d+)", result.stdout + result.stderr, re.M)
    return elapsed, int(total.group(1)) if total else None


def time_to_start(workdir):
    """A real local run, stopped as soon as its first job has started."""
    command = base_command(workdir, "default") + ["--cores", "1"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, cwd=workdir, start_new_session=True)
    elapsed = None
    for line in process.stdout:
        if re.match(r"^(local)?rule \w+:", line):
            elapsed = time.perf_counter() - started
            break
    os.killpg(process.pid, signal.SIGKILL)  # snakemake and its job: the folder is thrown away
    process.wait()
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--profile", choices=["default", "slurm"], default="default",
                        help="workflow profile of the dry run")
    parser.add_argument("--no-start", action="store_true", help="skip the time-to-start run")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    rows = []

    with tempfile.TemporaryDirectory(prefix="bench_dag.") as folder:
        workdir = Path(folder)
        (workdir / "config.yaml").write_text(yaml.safe_dump(sweep_config(args.runs)))
        n_jobs = None
        for quiet in (False, True):
            seconds, jobs = dry_run(workdir, args.profile, quiet)
            n_jobs = jobs or n_jobs
            print(f"{args.runs} runs, {n_jobs} jobs: snakemake -n{' -q' if quiet else ''} "
                  f"({args.profile} profile) {seconds:.1f} s", flush=True)
            rows.append({"runs": args.runs, "jobs": n_jobs, "quiet": quiet, "seconds": seconds})
        if not args.no_start:
            start = time_to_start(workdir)
            print(f"{args.runs} runs: first job started after "
                  + (f"{start:.1f} s" if start is not None else "(never)"))
            rows.append({"runs": args.runs, "start": start})
    if args.json:
        import json

        Path(args.json).write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
