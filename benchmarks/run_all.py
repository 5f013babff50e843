"""Every speed benchmark of issue 4 in one command: training (bench_training.py) and the exact
data samplers (bench_samplers.py), one table each.

    python benchmarks/run_all.py            # the tables (several minutes on 2 cores)
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
    failed |= run("bench_samplers.py", ["--small"] if small else [])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
