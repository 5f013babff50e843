"""First run on a new machine: how long numba takes to compile the kernels into an empty cache,
and how long a later process takes to load them from it.

Each measurement is a fresh process with ``NUMBA_CACHE_DIR`` pointing at a new, empty folder
(compile), then a second process on the same folder (load), both timing one short ``train``
call (spin PCD-20, N = 100, M = 3; Potts q = 10 × one double-well unit with its exact
log-likelihood, the general kernels of docs/physics.md §12.5) or one data set; peak RSS from
``os.wait4``.

    python benchmarks/bench_compile.py            # the table (~1 min)
    python benchmarks/bench_compile.py --small    # CI: one small kernel, checks the outputs
"""

import argparse
import os
import subprocess
import sys
import tempfile

TRAIN = """
import time, numpy as np
from rbmsweep import RBM
from rbmsweep.training import train
v = np.where(np.random.default_rng(0).random((200, 100)) < 0.5, 1, -1).astype(np.int8)
started = time.perf_counter()
train(RBM(100, 3, visible="spin", hidden="spin", seed=0), v, gibbs_steps=20, batch_size=10,
      epochs=1, log_likelihood=False)
print(time.perf_counter() - started)
"""

POTTS = """
import time, numpy as np
from rbmsweep import RBM
from rbmsweep.training import train
v = np.random.default_rng(0).integers(0, 10, (200, 100)).astype(np.int8)
started = time.perf_counter()
train(RBM(100, 1, visible="potts", q=10, hidden="double_well", theta=-2.0, seed=0), v,
      gibbs_steps=20, batch_size=10, epochs=1, snapshots=[0, 1])
print(time.perf_counter() - started)
"""

DATA = """
import time
from rbmsweep import data
started = time.perf_counter()
data.ising_chain(n_visible=100, beta=1.0, n_samples=1000, seed=0)
print(time.perf_counter() - started)
"""

SMALL = """
import time, numpy as np
from rbmsweep.kernels import vecmath
started = time.perf_counter()
out = np.empty(4)
vecmath.sigmoid_array(np.zeros(4), out)
assert (out == 0.5).all()
print(time.perf_counter() - started)
"""


def timed(code, cache):
    """Seconds the snippet reports, and the process's peak RSS in MB."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    process = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    out, err = process.stdout.read(), process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(err[-3000:])
    return float(out.split()[-1]), usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="CI: one small kernel")
    args = parser.parse_args()
    cases = [("vecmath.sigmoid_array", SMALL)] if args.small else [
        ("train(): PCD-20 epoch kernel", TRAIN),
        ("train(): Potts × double well", POTTS), ("data.ising_chain sampler", DATA)]
    print(f"{'first call of':<32}{'compile s':>10}{'RSS MB':>8}{'cached s':>10}{'RSS MB':>8}")
    for name, code in cases:
        with tempfile.TemporaryDirectory() as cache:
            compile_s, compile_rss = timed(code, cache)
            load_s, load_rss = timed(code, cache)
        print(f"{name:<32}{compile_s:>10.1f}{compile_rss:>8.0f}{load_s:>10.2f}{load_rss:>8.0f}")
        assert compile_s > 0 and load_s > 0
    if args.small:
        print("bench_compile --small: outputs OK")


if __name__ == "__main__":
    sys.exit(main())
