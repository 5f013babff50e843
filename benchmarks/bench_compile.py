"""First run on a new machine: how long numba takes to compile the kernels into an empty cache,
and how long a later process takes to load them from it.

Each measurement is a fresh process with ``NUMBA_CACHE_DIR`` pointing at a new, empty folder
(compile), then a second process on the same folder (load), both timing their imports and one
short ``train`` call as a place-cell training job makes it (spin PCD-20, N = 100, M = 3, the
exact log-likelihood and the observables at the snapshots; Potts q = 10 × one double-well
unit with its exact log-likelihood, the general kernels of docs/physics.md §12.5), or one data
set; wall and CPU
seconds (compilation is single-threaded: CPU seconds do not grow with the machine's load), peak
RSS from ``os.wait4``.

    python benchmarks/bench_compile.py            # the table (~1 min)
    python benchmarks/bench_compile.py --small    # CI: one small kernel, checks the outputs
"""

import argparse
import os
import subprocess
import sys
import tempfile

# what a place-cell training job runs: a train() call with the default snapshots, exact
# log-likelihood of train and test data, and the observables (spin, M = 3, PCD-20)
TRAIN = """
import time, numpy as np
started, cpu = time.perf_counter(), time.process_time()
from rbmsweep import RBM
from rbmsweep.training import train
v = np.where(np.random.default_rng(0).random((200, 100)) < 0.5, 1, -1).astype(np.int8)
train(RBM(100, 3, visible="spin", hidden="spin", seed=0), v, test=v[:50], gibbs_steps=20,
      batch_size=10, epochs=1, threads=1)
print(time.perf_counter() - started, time.process_time() - cpu)
"""

POTTS = """
import time, numpy as np
started, cpu = time.perf_counter(), time.process_time()
from rbmsweep import RBM
from rbmsweep.training import train
v = np.random.default_rng(0).integers(0, 10, (200, 100)).astype(np.int8)
train(RBM(100, 1, visible="potts", q=10, hidden="double_well", theta=-2.0, seed=0), v,
      gibbs_steps=20, batch_size=10, epochs=1, snapshots=[0, 1], threads=1)
print(time.perf_counter() - started, time.process_time() - cpu)
"""

DATA = """
import time
started, cpu = time.perf_counter(), time.process_time()
from rbmsweep import data
data.ising_chain(n_visible=100, beta=1.0, n_samples=1000, seed=0)
print(time.perf_counter() - started, time.process_time() - cpu)
"""

SMALL = """
import time, numpy as np
started, cpu = time.perf_counter(), time.process_time()
from rbmsweep.kernels import vecmath
out = np.empty(4)
vecmath.sigmoid_array(np.zeros(4), out)
assert (out == 0.5).all()
print(time.perf_counter() - started, time.process_time() - cpu)
"""


def timed(code, cache):
    """(wall seconds, CPU seconds) the snippet reports (imports included), and the process's
    peak RSS in MB."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    process = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    out, err = process.stdout.read(), process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(err[-3000:])
    wall, cpu = out.split()[-2:]
    return float(wall), float(cpu), usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="CI: one small kernel")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    cases = [("vecmath.sigmoid_array", SMALL)] if args.small else [
        ("a training job (train() of a place-cell run)", TRAIN),
        ("a Potts × double-well train()", POTTS), ("a data job (data.ising_chain)", DATA)]
    print(f"{'first call, imports included':<46}{'empty cache s':>14}{'CPU s':>7}{'RSS MB':>8}"
          f"{'cached s':>10}{'CPU s':>7}{'RSS MB':>8}")
    rows = []
    for name, code in cases:
        with tempfile.TemporaryDirectory() as cache:
            compile_s, compile_cpu, compile_rss = timed(code, cache)
            load_s, load_cpu, load_rss = timed(code, cache)
        print(f"{name:<46}{compile_s:>14.1f}{compile_cpu:>7.1f}{compile_rss:>8.0f}"
              f"{load_s:>10.2f}{load_cpu:>7.2f}{load_rss:>8.0f}")
        assert compile_s > 0 and load_s > 0
        rows.append({"case": name, "compile_s": compile_s, "compile_cpu_s": compile_cpu,
                     "compile_mb": compile_rss, "load_s": load_s, "load_cpu_s": load_cpu})
    if args.json:
        import json

        with open(args.json, "w") as handle:
            json.dump(rows, handle)
    if args.small:
        print("bench_compile --small: outputs OK")


if __name__ == "__main__":
    sys.exit(main())
