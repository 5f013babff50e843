"""Every benchmark of issue 4 in one command, one table each: training (bench_training.py),
Potts training against numpy (bench_potts.py),
the exact data samplers (bench_samplers.py), peak memory of a 10^6-sample job
(bench_memory.py), the share of a 100-run sweep's wall time spent computing
(bench_sweep.py), the kernels' compilation into an empty cache (bench_compile.py) and
the rates rbmsweep.cost budgets with (bench_rates.py).

    python benchmarks/run_all.py            # the tables (~15 minutes on 2 cores)
    python benchmarks/run_all.py --small    # CI: tiny sizes, checks outputs, no timings
    python benchmarks/run_all.py --repeats 3 --mnist-samples 6000   # quicker

Extra options go to bench_training.py (``--repeats``, ``--mnist-samples``, ``--no-threads``).
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(script, args):
    print(f"\n== {script} {' '.join(args)}".rstrip(), flush=True)
    return subprocess.run([sys.executable, str(HERE / script), *args]).returncode


def main(argv):
    small = "--small" in argv
    failed = run("bench_training.py", argv)
    for script in ("bench_potts.py", "bench_samplers.py", "bench_memory.py", "bench_sweep.py",
                   "bench_compile.py", "bench_rates.py"):
        failed |= run(script, ["--small"] if small else [])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
