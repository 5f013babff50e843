"""Scale: assembling the cube of a sweep of many runs — wall time and peak memory.

Trains one real place-cell run (N = 100, M = 3, 10 epochs, the default snapshot grid: the
layout of a real run file), then writes ``--runs`` copies of it as the run files of a synthetic
sweep (beta x n_hidden x seed, the coordinates changed, the numbers of one run), and assembles
their cube the way the workflow's ``cube`` rule does (``rbmsweep.io.combine_runs`` then
``write_netcdf``) in a process of its own: its wall time and peak RSS (``os.wait4``).

    python benchmarks/bench_cube.py                       # 10^3 and 10^4 runs
    python benchmarks/bench_cube.py --runs 2000           # one size
    python benchmarks/bench_cube.py --small               # CI: 40 runs, checks the cube
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ASSEMBLE = """
import sys, time
from pathlib import Path
from rbmsweep import io
paths = sorted(Path(sys.argv[1]).rglob("run.nc"))
started = time.perf_counter()
cube = io.combine_runs(paths)
io.write_netcdf(cube, sys.argv[2])
print(time.perf_counter() - started, len(paths))
"""


def template_run():
    """One labelled place-cell run (a job file of one seed), as the workflow writes it."""
    from rbmsweep import config as sweep
    from rbmsweep import data, io, studies

    study = {"data": {"model": "ising", "n_visible": 100, "beta": [1.0], "n_samples": 1000,
                      "n_test": 100},
             "rbm": {"n_hidden": [3]}, "train": {"gibbs_steps": 5, "epochs": 10}, "seeds": 1}
    (spec,) = sweep.expand("place_cells", study)
    train, test = data.make_dataset(**spec.data.arguments())
    return io.combine_job([studies.run(spec, train, test, threads=1)])


def write_runs(folder, n_runs, template):
    """``n_runs`` run files: 10 beta x 10 n_hidden x n_runs/100 seeds (each the template's
    numbers, M = 3, under new coordinates: "n_hidden" is only a label here)."""
    from rbmsweep import io

    n_seeds = max(1, n_runs // 100)
    count = 0
    for b in range(10):
        for m in range(10):
            for seed in range(n_seeds):
                if count == n_runs:
                    return count
                run = template.assign_coords(beta=[round(0.1 * (b + 1), 1)],
                                             n_hidden=[m + 1], seed=[seed])
                path = folder / f"beta~{b}" / f"n_hidden~{m}" / f"seed~{seed}" / "run.nc"
                io.write_netcdf(run, path)
                count += 1
    return count


def assemble(folder):
    """(seconds, peak RSS in MB, runs) of the cube's assembly in a fresh process."""
    out = folder / "cube.nc"
    process = subprocess.Popen([sys.executable, "-c", ASSEMBLE, str(folder / "runs"), str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    stdout, stderr = process.stdout.read(), process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(stderr[-3000:])
    seconds, n_runs = stdout.split()
    return float(seconds), usage.ru_maxrss / 1024, int(n_runs), out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--small", action="store_true", help="40 runs; check the cube")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    rows = []
    sizes = [40] if args.small else args.runs
    template = template_run()
    print(f"{'runs':>7}{'files MB':>10}{'write s':>9}{'assemble s':>12}{'peak RSS MB':>13}"
          f"{'cube MB':>9}")
    for n_runs in sizes:
        with tempfile.TemporaryDirectory(prefix="bench_cube.") as folder:
            folder = Path(folder)
            started = time.perf_counter()
            write_runs(folder / "runs", n_runs, template)
            written = time.perf_counter() - started
            size = sum(p.stat().st_size for p in (folder / "runs").rglob("run.nc")) / 1e6
            seconds, peak, counted, out = assemble(folder)
            print(f"{counted:>7}{size:>10.1f}{written:>9.1f}{seconds:>12.1f}{peak:>13.0f}"
                  f"{out.stat().st_size / 1e6:>9.1f}", flush=True)
            rows.append({"runs": counted, "files_mb": size, "seconds": seconds, "peak_mb": peak})
            if args.small:
                import xarray as xr

                with xr.open_dataset(out) as cube:
                    assert cube.sizes["beta"] * cube.sizes["n_hidden"] * cube.sizes["seed"] \
                        == counted == 40
                    np.testing.assert_array_equal(
                        cube["weights"].isel(beta=0, n_hidden=0, seed=0).values,
                        template["weights"].isel(beta=0, n_hidden=0, seed=0).values)
    if args.json:
        import json

        Path(args.json).write_text(json.dumps(rows))
    if args.small:
        print("bench_cube --small: outputs OK")


if __name__ == "__main__":
    main()
