"""The benchmarks cannot rot: ``run_all.py --small`` runs every benchmark's code on tiny sizes
and checks its outputs (never its timings), and prints the one summary table."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmarks_small_mode_runs():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--small"],
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    for bench in ("training", "potts", "samplers", "memory", "sweep", "compile", "defaults",
                  "cube", "default_sweep", "digits"):
        assert f"bench_{bench} --small: outputs OK" in result.stdout, bench
    summary = result.stdout.split("== summary")[-1]
    for figure in ("tiny spectrum sweep", "compile", "scikit-learn", "observables", "DAG of 100",
                   "cube of 40", "sampler"):
        assert figure in summary, figure
