"""The default sweep from a fresh clone: ``snakemake --cores 2`` on config.yaml, wall time and
job count, with an empty numba cache (compilation included), and the same for its Ising part
alone (the studies whose data model is ising).

A fresh clone of this repository's HEAD (``git clone``, so uncommitted changes are not in it)
runs in a temporary folder, with ``NUMBA_CACHE_DIR`` a new empty folder.

    python benchmarks/bench_default_sweep.py              # both sweeps (minutes)
    python benchmarks/bench_default_sweep.py --small      # CI: a 2-data-set sweep, checks outputs
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def ising_part(config):
    """The studies of a config whose data are Ising rings."""
    return {"studies": {name: study for name, study in config["studies"].items()
                        if study.get("data", {}).get("model") == "ising"}}


def sweep(config_path, label, cores=2):
    """Run the sweep of ``config_path`` in a fresh clone: {label, wall_s, jobs, studies}."""
    with tempfile.TemporaryDirectory(prefix="bench_default_sweep.") as folder:
        folder = Path(folder)
        clone = folder / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        config = yaml.safe_load(Path(config_path).read_text())
        (folder / "config.yaml").write_text(yaml.safe_dump(config))
        env = {**os.environ, "NUMBA_CACHE_DIR": str(folder / "numba-cache"),
               "PYTHONPATH": str(clone / "src")}
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "snakemake", "-s", str(clone / "Snakefile"), "--cores",
             str(cores), "--configfile", str(folder / "config.yaml"), "-d", str(clone)],
            capture_output=True, text=True, env=env)
        wall = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(result.stderr[-3000:])
        log = result.stdout + result.stderr
        jobs = re.search(r"^total\s+(\d+)", log, re.M)
        return {"label": label, "wall_s": wall, "jobs": int(jobs.group(1)) if jobs else None,
                "studies": len(config["studies"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a tiny sweep only")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    rows = []
    if args.small:  # (every kind end to end is tests/test_workflow.py's)
        tiny = {"studies": {"spectrum": {
            "data": {"model": "ising", "n_visible": 20, "beta": [0.0, 0.5], "alpha": [0.5, 1.0],
                     "n_test": 10}, "seeds": 1}}}
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
            yaml.safe_dump(tiny, handle)
        rows.append(sweep(handle.name, "tiny spectrum sweep"))
        os.unlink(handle.name)
    else:
        rows.append(sweep(ROOT / "config.yaml", "default sweep (config.yaml)"))
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
            yaml.safe_dump(ising_part(yaml.safe_load((ROOT / "config.yaml").read_text())),
                           handle)
        rows.append(sweep(handle.name, "its Ising studies alone"))
        os.unlink(handle.name)
    for row in rows:
        print(f"{row['label']:<32} {row['studies']:>3} studies {row['jobs']:>5} jobs "
              f"{row['wall_s']:>8.1f} s wall on 2 cores, empty numba cache")
    if args.json:
        Path(args.json).write_text(json.dumps(rows))
    if args.small:
        assert rows[0]["jobs"] > 0
        print("bench_default_sweep --small: outputs OK")


if __name__ == "__main__":
    main()
