"""The training rates that ``rbmsweep.cost`` budgets with: visible-spin updates per second on
one core at M = 1, and the extra cost of each hidden unit beyond the first, measured on this
machine with the real ``train`` (spin PCD-20, N = 100, batch 10, no log-likelihood), after one
epoch that compiles or loads the kernels.

    python benchmarks/bench_rates.py            # ~20 s; prints both, and the estimate flags
    python benchmarks/bench_rates.py --small    # CI: tiny sizes, checks the outputs

Then ``rbmsweep estimate CONFIG --rate R --hidden-cost C`` budgets a sweep for this machine.
"""

import argparse
import logging
import math
import time

from rbmsweep import RBM, data
from rbmsweep.training import train


def measure_rates(n_visible=100, n_samples=10_000, epochs=2, gibbs_steps=20, batch_size=10,
                  wide=32):
    """(spin_rate, hidden_cost): ``epochs`` epochs of ``train`` at M = 1 and M = ``wide``."""
    logging.getLogger("rbmsweep.train").setLevel(logging.WARNING)
    v = data.ising_chain(n_visible=n_visible, beta=1.0, n_samples=n_samples, seed=0)
    seconds = {}
    for n_hidden in (1, wide):
        settings = dict(algorithm="pcd", gibbs_steps=gibbs_steps, learning_rate=1e-3,
                        batch_size=batch_size, seed=0, log_likelihood=False)
        rbm = RBM(n_visible=n_visible, n_hidden=n_hidden, seed=0)
        train(rbm, v, epochs=1, snapshots=[0, 1], **settings)  # compile or load, warm up
        started = time.perf_counter()
        train(rbm, v, epochs=epochs, snapshots=[0, epochs], **settings)
        seconds[n_hidden] = time.perf_counter() - started
    updates = epochs * math.ceil(n_samples / batch_size) * batch_size * gibbs_steps * n_visible
    spin_rate = updates / seconds[1]
    hidden_cost = max(0.0, (seconds[wide] / seconds[1] - 1) / (wide - 1))
    return spin_rate, hidden_cost


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="tiny sizes, for the tests")
    args = parser.parse_args()
    sizes = dict(n_visible=20, n_samples=200, epochs=1, gibbs_steps=2, wide=4) if args.small \
        else {}
    spin_rate, hidden_cost = measure_rates(**sizes)
    assert spin_rate > 0 and math.isfinite(spin_rate) and hidden_cost >= 0
    print(f"| visible-spin updates per second at M = 1 | {spin_rate:.3g} |")
    print(f"| extra cost per hidden unit beyond the first | {hidden_cost:.3g} |")
    print(f"\nrbmsweep estimate CONFIG --rate {spin_rate:.3g} --hidden-cost {hidden_cost:.3g}")


if __name__ == "__main__":
    main()
