"""What a sweep costs: compute time, memory and threads of every job, from the problem size.

One model serves two ends: the resources each job asks a batch scheduler for (the workflow's
``resources:`` functions in ``workflow/rules/common.smk`` call ``job_resources``), and
``rbmsweep estimate CONFIG``, the core-hours of every study of a config.

The model (DESIGN §3.3).  An epoch of PCD-k or CD-k makes ``ceil(n_samples / batch_size)``
updates; each runs k Gibbs sweeps of ``n_chains`` chains (default: ``batch_size``) over the N
visible units.  The work of a run is counted in visible-spin updates,

    U = epochs × ceil(n_samples / batch_size) × n_chains × gibbs_steps × N,

and costs ``U × (1 + HIDDEN_COST × (M − 1)) / SPIN_RATE`` seconds on one core, plus the exact
log-likelihood at every snapshot (when it is computed: ``min(N, M) ≤ 20``), plus the fixed
start-up of a job.  The rates are constants measured on the reference machine (see
``SPIN_RATE``); ``rbmsweep estimate --measure`` times this machine instead.

Runs that only look at their data (``TRAINS = False`` kinds, the spectrum study) cost one
correlation matrix and one eigendecomposition; sampling a data set costs
``(n_samples + n_test) × N / SAMPLER_RATE``.
"""

import argparse
import math
import sys
import time

#: Visible-spin updates per second on one core for M = 1 hidden unit, with the kernels of
#: kernels/pcd.py (N = 100, PCD-20).  Measured with ``rbmsweep estimate --measure``
#: (``measure_rates`` below: two epochs of the real ``train`` after a warm-up) and by timing
#: single epochs, on the reference machine, a 2-core x86-64 VM shared with other work (load
#: 3-5): 1.2-2.4e8 for batch 10 and 100 and 10^4 to 10^6 samples.  Re-measure on a cluster's
#: nodes (``--measure`` there, or ``--rate``) if they differ much.
SPIN_RATE = 1.5e8
#: Extra cost of each hidden unit beyond the first, relative to one (same measurement,
#: M = 1 vs M = 32: 0.09-0.11; timed separately at M = 3, 16, 25, 100: 0.10-0.14).
HIDDEN_COST = 0.1
#: Multiply-adds per second of the exact log-likelihood (numpy/numba over 2^min(N, M) states).
LL_RATE = 5e8
#: Spins per second of the exact data samplers (benchmarks/bench_samplers.py).
SAMPLER_RATE = 1e8
#: Seconds a job spends before and after its compute: interpreter, imports, reading the data,
#: writing NetCDF (measured: ~5 s, `rbmsweep run` with a warm numba cache).  A SLURM job adds
#: snakemake's own start-up, ~7-16 s.
START_SECONDS = 5.0
#: Compiling the training kernels into an empty numba cache: ~30 s on an idle reference
#: machine (benchmarks/bench_compile.py), up to ~2 min under load; budgeted at the high end
#: (once per SLURM job: the profile gives every job its own cache, which the runs grouped
#: into that job share).
COMPILE_SECONDS = 120.0
#: Requested wall time = SAFETY x estimated compute + start-up and compilation; each retry
#: multiplies it by the attempt number.
SAFETY = 3.0
#: Memory of the interpreter with numpy, numba, xarray and netCDF loaded (peak RSS of a warm
#: `rbmsweep run`: ~260 MB), and what compiling the training kernels adds (peak ~740 MB).
BASE_MB = 300
COMPILE_MB = 500

#: Hidden layers up to this size get the exact log-likelihood (rbmsweep.rbm).
MAX_ENUMERATED_UNITS = 20

#: Defaults of the Python API, used where a config leaves a key out (the workflow's schema
#: fills the same defaults in before any job).
TRAIN_DEFAULTS = {"algorithm": "pcd", "gibbs_steps": 20, "batch_size": 10, "epochs": 100,
                  "log_likelihood": True}
RBM_DEFAULTS = {"n_hidden": 1}


def _train(run):
    return {**TRAIN_DEFAULTS, **run.get("train", {})}


def _n_hidden(run):
    return int({**RBM_DEFAULTS, **run.get("rbm", {})}["n_hidden"])


def n_snapshots(run):
    """Number of recorded epochs of a run (``rbmsweep.training.snapshot_epochs``)."""
    train = _train(run)
    epochs = int(train["epochs"])
    grid = train.get("snapshots") or {}
    if isinstance(grid, list):
        return len(set(grid))
    n_log, n_linear = grid.get("log", 16), grid.get("linear", 10)
    epochs_set = {0, epochs}
    if n_log > 0:
        epochs_set |= {round(epochs ** (i / max(n_log - 1, 1))) for i in range(n_log)}
    if n_linear > 0:
        epochs_set |= {round(epochs * i / n_linear) for i in range(n_linear + 1)}
    return len(epochs_set)


def spin_updates(run):
    """Visible-spin updates of one training run (the U of the module docstring)."""
    train, data = _train(run), run["data"]
    batch = int(train["batch_size"])
    n_chains = int(train.get("n_chains") or batch)
    updates = math.ceil(data["n_samples"] / batch)
    return int(train["epochs"]) * updates * n_chains * int(train["gibbs_steps"]) * data["n_visible"]


def trains(run):
    from .studies import KINDS

    return KINDS[run["kind"]].TRAINS if "kind" in run else True


def run_seconds(run, spin_rate=SPIN_RATE, hidden_cost=HIDDEN_COST):
    """Compute seconds of one run on one core (no start-up)."""
    data = run["data"]
    n_visible, n_samples = data["n_visible"], data["n_samples"]
    if not trains(run):
        # correlation matrix (n N^2 multiply-adds) and its eigendecomposition (~10 N^3)
        return (n_samples * n_visible**2 + 10 * n_visible**3) / LL_RATE
    n_hidden = _n_hidden(run)
    seconds = spin_updates(run) * (1 + hidden_cost * (n_hidden - 1)) / spin_rate
    if _train(run)["log_likelihood"] and min(n_visible, n_hidden) <= MAX_ENUMERATED_UNITS:
        enumerated = 2 ** min(n_visible, n_hidden)
        per_snapshot = (enumerated * max(n_visible, n_hidden)
                        + (n_samples + data.get("n_test", 0)) * n_visible * n_hidden)
        seconds += n_snapshots(run) * per_snapshot / LL_RATE
    return seconds


def run_memory_mb(run):
    """Peak memory of one run: the loaded libraries and the compiler, the data (int8, with
    work copies of a mini-batch), the weight snapshots and observables, the exact
    log-likelihood's arrays, with a margin of 1.5.  (Measured: 286 MB for 2 x 10^5 samples
    of N = 100 and M = 3 with a warm cache; the model asks 893 MB, counting the compiler.)"""
    data = run["data"]
    n_visible, n_configs = data["n_visible"], data["n_samples"] + data.get("n_test", 0)
    data_bytes = 3 * n_configs * n_visible
    if trains(run):
        n_hidden = _n_hidden(run)
        train = _train(run)
        work_bytes = 4 * 8 * n_snapshots(run) * n_visible * (n_hidden + 2)
        work_bytes += 16 * int(train.get("n_chains") or train["batch_size"]) * n_visible
        if train["log_likelihood"] and min(n_visible, n_hidden) <= MAX_ENUMERATED_UNITS:
            # free energies of every configuration, the enumerated states in blocks
            work_bytes += 8 * n_configs + 8 * 2 ** min(n_visible, n_hidden, 16) * n_visible
        compiler = COMPILE_MB
    else:
        work_bytes = 3 * 8 * n_visible**2 + 8 * n_configs * n_visible  # float copy for C_ij
        compiler = 0
    return BASE_MB + compiler + 1.5 * (data_bytes + work_bytes) / 1e6


def dataset_seconds(data_args):
    return (data_args["n_samples"] + data_args.get("n_test", 0)) * data_args["n_visible"] \
        / SAMPLER_RATE


def dataset_memory_mb(data_args):
    """The configurations (int8) and the sampler's work arrays (measured: 290 MB for
    2 x 10^5 samples of N = 100)."""
    n_values = (data_args["n_samples"] + data_args.get("n_test", 0)) * data_args["n_visible"]
    return BASE_MB + 1.5 * 3 * n_values / 1e6


def job_threads(runs):
    """CPU cores for a job: what its runs' ``train.threads`` ask for, else one.  One by
    default: a run is a sequential chain of updates, the persistent chains of a mini-batch are
    too few (the paper's batch 10) for threads to pay, and a sweep gets its parallelism from
    its many runs.  (``train`` gives the same numbers for any number of threads.)"""
    return max(int(run.get("train", {}).get("threads", 1)) for run in runs)


def job_resources(runs, attempt=1):
    """Resources for the scheduler of a job that computes ``runs`` one after the other:
    ``runtime`` (minutes), ``mem_mb``, ``threads``; more time and memory on each retry."""
    compute = sum(run_seconds(run) for run in runs)
    seconds = START_SECONDS * len(runs) + COMPILE_SECONDS + SAFETY * compute
    return {
        "runtime": max(2, math.ceil(seconds / 60)) * attempt,
        "mem_mb": math.ceil(max(run_memory_mb(run) for run in runs) * (1 + 0.5 * (attempt - 1))),
        "threads": job_threads(runs),
    }


#: Jobs that ask for at most this many minutes go into the group ``short_runs`` (the SLURM
#: profile submits up to 24 of them together, one after the other); longer ones go alone.
SHORT_JOB_MINUTES = 5


def job_group(runs):
    """The job group of a run job: ``short_runs`` or none (see ``SHORT_JOB_MINUTES``)."""
    return "short_runs" if job_resources(runs)["runtime"] <= SHORT_JOB_MINUTES else None


#: Studies of at most this many jobs have their cube computed in the submission of their
#: aggregates and figures (group ``aggregate``).  Larger cubes go alone: snakemake checks a
#: grouped job's readiness over all its inputs each time one of them is made, which costs
#: ~runs^2 (minutes of the main process at 10^4 runs).
MAX_GROUPED_CUBE_JOBS = 1000


def cube_group(n_jobs):
    return "aggregate" if n_jobs <= MAX_GROUPED_CUBE_JOBS else None


def study_resources(runs, attempt=1):
    """The cube of a study and what derives from it: every run's file opened and combined,
    the cube (padded to the largest N and M of the study) in memory a few times over."""
    n_visible = max(run["data"]["n_visible"] for run in runs)
    if any(trains(run) for run in runs):
        width = max(n_snapshots(run) for run in runs) * n_visible * (
            max(_n_hidden(run) for run in runs) + 2)
    else:
        width = 2 * n_visible
    cube_mb = 8 * len(runs) * width / 1e6
    seconds = START_SECONDS + 0.05 * len(runs)  # opening and combining a file: ~10-50 ms
    return {"runtime": max(2, math.ceil(SAFETY * seconds / 60)) * attempt,
            "mem_mb": math.ceil((BASE_MB + 4 * cube_mb + 0.05 * len(runs))
                                * (1 + 0.5 * (attempt - 1)))}


def dataset_resources(data_args, attempt=1):
    seconds = START_SECONDS + COMPILE_SECONDS + SAFETY * dataset_seconds(data_args)
    return {"runtime": max(1, math.ceil(seconds / 60)) * attempt,
            "mem_mb": math.ceil(dataset_memory_mb(data_args) * (1 + 0.5 * (attempt - 1)))}


# -------------------------------------------------------------------------- the estimate
def measure_rates(n_visible=100, n_samples=10_000, epochs=2, gibbs_steps=20, batch_size=10):
    """(spin_rate, hidden_cost) of this machine: a few epochs of ``train`` at M = 1 and 32,
    after one epoch to compile or load the kernels (paper settings otherwise; one thread, no
    log-likelihood).  A few seconds."""
    import logging

    from . import data
    from .rbm import RBM
    from .training import train

    logging.getLogger("rbmsweep.train").setLevel(logging.WARNING)
    v = data.ising_chain(n_visible=n_visible, beta=1.0, n_samples=n_samples, seed=0)
    seconds = {}
    for n_hidden in (1, 32):
        settings = dict(algorithm="pcd", gibbs_steps=gibbs_steps, learning_rate=1e-3,
                        batch_size=batch_size, seed=0, log_likelihood=False)
        rbm = RBM(n_visible=n_visible, n_hidden=n_hidden, seed=0)
        train(rbm, v, epochs=1, snapshots=[0, 1], **settings)  # compile, warm up
        started = time.perf_counter()
        train(rbm, v, epochs=epochs, snapshots=[0, epochs], **settings)
        seconds[n_hidden] = time.perf_counter() - started
    updates = spin_updates({"data": {"n_visible": n_visible, "n_samples": n_samples},
                            "train": {"epochs": epochs, "gibbs_steps": gibbs_steps,
                                      "batch_size": batch_size}})
    spin_rate = updates / seconds[1]
    hidden_cost = max(0.0, (seconds[32] / seconds[1] - 1) / 31)
    return spin_rate, hidden_cost


def _hours(seconds):
    return seconds / 3600


def study_rows(config, spin_rate=SPIN_RATE, hidden_cost=HIDDEN_COST):
    """One row per study: runs, visible-spin updates, core-hours of compute, the longest run
    and the largest memory, and the core-hours of sampling its data sets."""
    from . import config as sweep

    sweep.check_config(config)
    rows = []
    for study, spec in config["studies"].items():
        runs = sweep.expand_study(study, spec)
        # jobs of several seeds (``seeds_per_job``) pay the start-up once
        n_jobs = math.ceil(len(runs) / spec.get("seeds_per_job", 1))
        seconds = [run_seconds(run, spin_rate, hidden_cost) for run in runs]
        datasets = {run["dataset_id"]: run["data"] for run in runs}
        rows.append({
            "study": study,
            "runs": len(runs),
            "jobs": n_jobs,
            "datasets": len(datasets),
            "spin_updates": sum(spin_updates(run) for run in runs if trains(run)),
            "core_hours": _hours(sum(seconds) + START_SECONDS * n_jobs),
            "data_core_hours": _hours(sum(dataset_seconds(d) + START_SECONDS
                                          for d in datasets.values())),
            "longest_run_hours": _hours(max(seconds)),
            "max_mem_mb": max(run_memory_mb(run) for run in runs),
        })
    return rows


def format_table(rows, spin_rate, hidden_cost, source):
    header = (f"{'study':<26} {'runs':>6} {'jobs':>6} {'datasets':>8} {'spin updates':>13} "
              f"{'core-hours':>10} {'longest run':>11} {'memory':>8}")
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['study']:<26} {row['runs']:>6} {row['jobs']:>6} {row['datasets']:>8} "
            f"{row['spin_updates']:>13.2e} {row['core_hours'] + row['data_core_hours']:>10.1f} "
            f"{_duration(row['longest_run_hours']):>11} {row['max_mem_mb']:>6.0f}MB")
    total = sum(row["core_hours"] + row["data_core_hours"] for row in rows)
    lines.append("-" * len(header))
    lines.append(f"{'total':<26} {sum(r['runs'] for r in rows):>6} "
                 f"{sum(r['jobs'] for r in rows):>6} "
                 f"{sum(r['datasets'] for r in rows):>8} "
                 f"{sum(r['spin_updates'] for r in rows):>13.2e} {total:>10.1f}")
    lines.append("")
    lines.append(f"rate: {spin_rate:.3g} visible-spin updates/s per core at M = 1, "
                 f"+{hidden_cost:.3g} per extra hidden unit ({source}).")
    lines.append("core-hours: compute and start-up of every job on one core.  Each SLURM "
                 "submission adds snakemake's start-up (~10 s) and, for training, the kernels' "
                 "compilation into its own numba cache (0.5-2 min; ~30 s on an idle node).")
    return "\n".join(lines)


def _duration(hours):
    if hours < 1 / 60:
        return f"{hours * 3600:.0f} s"
    if hours < 1:
        return f"{hours * 60:.1f} min"
    return f"{hours:.1f} h"


def command_estimate(args):
    import yaml

    with open(args.config) as handle:
        config = yaml.safe_load(handle)
    spin_rate, hidden_cost, source = SPIN_RATE, HIDDEN_COST, "rbmsweep.cost.SPIN_RATE, reference machine"
    if args.measure:
        spin_rate, hidden_cost = measure_rates()
        source = "measured on this machine just now"
    if args.rate:
        spin_rate, source = args.rate, "--rate"
    rows = study_rows(config, spin_rate, hidden_cost)
    print(format_table(rows, spin_rate, hidden_cost, source))


def add_estimate_command(commands):
    """Register ``rbmsweep estimate`` on the CLI's subparsers."""
    estimate = commands.add_parser(
        "estimate", help="core-hours per study of a config (rbmsweep.cost)",
        description="Core-hours of every study of a config, from the problem sizes and the "
                    "measured speed of the kernels (rbmsweep.cost).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    estimate.add_argument("config", help="a config file, e.g. config/paper.yaml")
    estimate.add_argument("--measure", action="store_true",
                          help="time the training kernels on this machine (~10 s) instead of "
                               "using the reference machine's rate")
    estimate.add_argument("--rate", type=float, default=None,
                          help="visible-spin updates per second per core at M = 1")
    estimate.set_defaults(function=command_estimate)
    return estimate


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(prog="python -m rbmsweep.cost")
    add_estimate_command(parser.add_subparsers(dest="command", required=True))
    arguments = parser.parse_args(sys.argv[1:])
    arguments.function(arguments)
