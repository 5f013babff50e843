"""What a sweep costs: compute time, memory and threads of every job, from the problem size.

One model serves two ends: the resources each job asks a batch scheduler for (the workflow's
``resources:`` functions in ``workflow/rules/common.smk`` call ``job_resources``), and
``rbmsweep estimate CONFIG``, the core-hours of every study of a config.  It computes from
the runs' sizes (``rbmsweep.config.RunSpec``) and constants measured once
(``benchmarks/bench_rates.py`` measures them on any machine); it runs nothing.

The model (docs/physics.md §4).  An epoch of PCD-k or CD-k makes ``ceil(n_samples / batch_size)``
updates; each runs k Gibbs sweeps of ``n_chains`` chains (default: ``batch_size``) over the N
visible units.  The work of a run is counted in visible-spin updates,

    U = epochs × ceil(n_samples / batch_size) × n_chains × gibbs_steps × N,

and costs ``U × (1 + HIDDEN_COST × (M − 1)) / SPIN_RATE`` seconds on one core, plus the exact
log-likelihood at every snapshot (when it is computed: ``min(N, M) ≤ 20``), plus the fixed
start-up of a job.  The rates are constants measured on the reference machine (see
``SPIN_RATE``); ``python benchmarks/bench_rates.py`` measures this machine's, to pass as
``rbmsweep estimate --rate``.

Runs that only look at their data (``TRAINS = False`` kinds, the spectrum study) cost one
correlation matrix and one eigendecomposition; sampling a data set costs
``(n_samples + n_test) × N / SAMPLER_RATE``, and a run on fresh data (``train.fresh_data``)
samples ``epochs × n_samples × N`` spins besides its training.
"""

import argparse
import functools
import math

#: Visible-spin updates per second on one core for M = 1 hidden unit, with the kernels of
#: kernels/pcd.py (N = 100, PCD-20).  Measured with ``benchmarks/bench_rates.py`` (two
#: epochs of the real ``train`` after a warm-up) and by timing
#: single epochs, on the reference machine, a 2-core x86-64 VM shared with other work (load
#: 3-5): 1.2-2.4e8 for batch 10 and 100 and 10^4 to 10^6 samples.  Re-measure on a cluster's
#: nodes (``benchmarks/bench_rates.py`` there, then ``--rate``) if they differ much.
SPIN_RATE = 1.5e8
#: Extra cost of each hidden unit beyond the first, relative to one (same measurement,
#: M = 1 vs M = 32: 0.09-0.11; timed separately at M = 3, 16, 25, 100: 0.10-0.14).
HIDDEN_COST = 0.1
#: Multiply-adds per second of the exact log-likelihood (numpy/numba over 2^min(N, M) states).
LL_RATE = 5e8
#: Multiply-adds per second of annealed importance sampling (kernels.ais: 3 N M per chain and
#: temperature, scalar numba loops; measured 1.3e9 at N = 64, M = 12) and of the mean-field
#: iteration (kernels.mean_field: matrix products; 3.4e9 at N = 64, M = 16, 20 chains).
AIS_RATE = 1e9
MEAN_FIELD_RATE = 3e9
#: Share of ``tap_iterations`` a mean-field update runs on average (a few early in training,
#: up to the limit once the weights are large: benchmarks/bench_digits.py).
MEAN_FIELD_ITERATIONS = 0.5
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

def n_snapshots(run):
    """Number of recorded epochs of a run (``rbmsweep.snapshots``)."""
    snapshots = run.train.snapshots
    key = tuple(sorted(snapshots.items())) if isinstance(snapshots, dict) else tuple(snapshots)
    return _n_snapshots(key, run.train.epochs)


@functools.lru_cache(maxsize=4096)
def _n_snapshots(key, epochs):
    from .snapshots import resolve

    snapshots = dict(key) if key and isinstance(key[0], tuple) else list(key)
    return len(resolve(snapshots, epochs))


def spin_updates(run):
    """Visible-spin updates of one training run (the U of the module docstring)."""
    batch = run.train.batch_size
    n_chains = run.train.n_chains or batch
    updates = math.ceil(run.data.n_samples / batch)
    # a Potts site draws from q states: counted as q updates (docs/physics.md §12.5)
    states = run.data.q if run.rbm.visible == "potts" else 1
    return (run.train.epochs * updates * n_chains * run.train.gibbs_steps * run.data.n_visible
            * states)


def _exact_log_likelihood(run):
    """Whether the run computes its exact log-likelihood (``rbmsweep.likelihood``)."""
    from .likelihood import exact_methods_for  # (imports numba: only when a size is computed)

    return bool(run.train.log_likelihood and run.data.n_visible and exact_methods_for(
        run.rbm.visible, run.rbm.hidden, run.data.n_visible, run.rbm.n_hidden, run.data.q))


def run_seconds(run, trains, spin_rate=SPIN_RATE, hidden_cost=HIDDEN_COST):
    """Compute seconds of one run on one core (no start-up); ``trains``: whether the run's
    kind trains an RBM (``rbmsweep.studies.KINDS[kind].TRAINS``)."""
    n_visible, n_samples = run.data.n_visible, run.data.n_samples
    if not trains:
        # correlation matrix (n N^2 multiply-adds) and its eigendecomposition (~10 N^3)
        return (n_samples * n_visible**2 + 10 * n_visible**3) / LL_RATE
    n_hidden = run.rbm.n_hidden
    if run.train.algorithm in ("tap", "mean_field"):
        # per update: the iterations, each three layer maps of (order) products, chains x N x M
        order = 1 if run.train.algorithm == "mean_field" else run.train.tap_order
        n_chains = run.train.n_chains or run.train.batch_size
        updates = run.train.epochs * math.ceil(n_samples / run.train.batch_size)
        per_update = (MEAN_FIELD_ITERATIONS * run.train.tap_iterations * 3 * order + 2) * (
            n_chains * n_visible * n_hidden)
        seconds = updates * per_update / MEAN_FIELD_RATE
    else:
        seconds = spin_updates(run) * (1 + hidden_cost * (n_hidden - 1)) / spin_rate
    if run.train.fresh_data:  # a fresh training set at every epoch (rbmsweep.data.fresh)
        seconds += run.train.epochs * n_samples * n_visible / SAMPLER_RATE
    if _exact_log_likelihood(run):
        enumerated = 2 ** min(n_visible, n_hidden)
        rows = [n_samples, run.data.n_test]
        if run.train.log_likelihood_samples is not None:  # a subsample (rbmsweep.subsample)
            rows = [min(n, run.train.log_likelihood_samples) for n in rows]
        per_snapshot = (enumerated * max(n_visible, n_hidden) + sum(rows) * n_visible * n_hidden)
        seconds += n_snapshots(run) * per_snapshot / LL_RATE
    elif run.train.log_likelihood is True and run.rbm.visible in ("spin", "bernoulli") and (
            run.rbm.hidden in ("spin", "bernoulli")):
        # forward and reverse AIS (docs/physics.md §15)
        temperatures = run.train.ais["temperatures"]
        count = temperatures if isinstance(temperatures, int) else len(temperatures)
        per_snapshot = 2 * run.train.ais["chains"] * count * 3 * n_visible * n_hidden
        seconds += n_snapshots(run) * per_snapshot / AIS_RATE
    return seconds


def run_memory_mb(run, trains):
    """Peak memory of one run: the loaded libraries and the compiler, the data (int8, with
    work copies of a mini-batch), the weight snapshots and observables, the exact
    log-likelihood's arrays, with a margin of 1.5.  (Measured: 286 MB for 2 x 10^5 samples
    of N = 100 and M = 3 with a warm cache; the model asks 893 MB, counting the compiler.)"""
    n_visible, n_configs = run.data.n_visible, run.data.n_samples + run.data.n_test
    data_bytes = 3 * n_configs * n_visible
    if trains:
        n_hidden = run.rbm.n_hidden
        work_bytes = 4 * 8 * n_snapshots(run) * n_visible * (n_hidden + 2)
        work_bytes += 16 * (run.train.n_chains or run.train.batch_size) * n_visible
        if _exact_log_likelihood(run):
            # free energies of every configuration, the enumerated states in blocks
            work_bytes += 8 * n_configs + 8 * 2 ** min(n_visible, n_hidden, 16) * n_visible
        compiler = COMPILE_MB
    else:
        work_bytes = 3 * 8 * n_visible**2 + 8 * n_configs * n_visible  # float copy for C_ij
        compiler = 0
    return BASE_MB + compiler + 1.5 * (data_bytes + work_bytes) / 1e6


def dataset_seconds(data):
    """Sampling one data set (``rbmsweep.config.DataSpec``)."""
    return (data.n_samples + data.n_test) * data.n_visible / SAMPLER_RATE


def dataset_memory_mb(data):
    """The configurations (int8) and the sampler's work arrays (measured: 290 MB for
    2 x 10^5 samples of N = 100)."""
    return BASE_MB + 1.5 * 3 * (data.n_samples + data.n_test) * data.n_visible / 1e6


def job_threads(runs):
    """CPU cores for a job: one.  A run is a sequential chain of updates, the persistent chains
    of a mini-batch are too few (the paper's batch 10) for threads to pay, and a sweep gets its
    parallelism from its many runs.  (``train`` gives the same numbers for any number of
    threads.)"""
    return 1


def job_resources(runs, trains, attempt=1):
    """Resources for the scheduler of a job that computes ``runs`` one after the other:
    ``runtime`` (minutes), ``mem_mb``, ``threads``; more time and memory on each retry."""
    compute = sum(run_seconds(run, trains) for run in runs)
    seconds = START_SECONDS * len(runs) + COMPILE_SECONDS + SAFETY * compute
    return {
        "runtime": max(2, math.ceil(seconds / 60)) * attempt,
        "mem_mb": math.ceil(max(run_memory_mb(run, trains) for run in runs)
                            * (1 + 0.5 * (attempt - 1))),
        "threads": job_threads(runs),
    }


#: Jobs that ask for at most this many minutes go into the group ``short_runs`` (the SLURM
#: profile submits up to 24 of them together, one after the other); longer ones go alone.
SHORT_JOB_MINUTES = 5


def job_group(runs, trains):
    """The job group of a run job: ``short_runs`` or none (see ``SHORT_JOB_MINUTES``)."""
    return group_of_runtime(job_resources(runs, trains)["runtime"])


def group_of_runtime(minutes):
    """``short_runs`` for a job that asks for at most ``SHORT_JOB_MINUTES``, else none."""
    return "short_runs" if minutes <= SHORT_JOB_MINUTES else None


#: Studies of at most this many jobs have their cube computed in the submission of their
#: aggregates and figures (group ``aggregate``).  Larger cubes go alone: snakemake checks a
#: grouped job's readiness over all its inputs each time one of them is made, which costs
#: ~runs^2 (minutes of the main process at 10^4 runs).
MAX_GROUPED_CUBE_JOBS = 1000


def cube_group(n_jobs):
    return "aggregate" if n_jobs <= MAX_GROUPED_CUBE_JOBS else None


def study_resources(runs, trains, attempt=1):
    """The cube of a study and what derives from it: every run's file opened and combined,
    the cube (padded to the largest N and M of the study) in memory a few times over."""
    n_visible = max(run.data.n_visible for run in runs)
    if trains:
        width = max(n_snapshots(run) for run in runs) * n_visible * (
            max(run.rbm.n_hidden for run in runs) + 2)
    else:
        width = 2 * n_visible
    cube_mb = 8 * len(runs) * width / 1e6
    seconds = START_SECONDS + 0.05 * len(runs)  # opening and combining a file: ~10-50 ms
    return {"runtime": max(2, math.ceil(SAFETY * seconds / 60)) * attempt,
            "mem_mb": math.ceil((BASE_MB + 4 * cube_mb + 0.05 * len(runs))
                                * (1 + 0.5 * (attempt - 1)))}


def dataset_resources(data, attempt=1):
    """Resources of a job that samples the data sets ``data`` (one ``DataSpec`` or several,
    one after the other)."""
    members = data if isinstance(data, (list, tuple)) else [data]
    seconds = START_SECONDS + COMPILE_SECONDS + SAFETY * sum(
        dataset_seconds(member) + WRITE_SECONDS for member in members)
    return {"runtime": max(1, math.ceil(seconds / 60)) * attempt,
            "mem_mb": math.ceil(max(dataset_memory_mb(member) for member in members)
                                * (1 + 0.5 * (attempt - 1)))}


#: Seconds to write one data set's file besides sampling it (netCDF, compression; measured
#: ~5-20 ms for 10^3-10^4 samples of N = 100).
WRITE_SECONDS = 0.02
#: Work a batch of data sets is filled up to, in seconds (``batch_datasets``): a job process
#: costs ~1-2 s before it computes anything (interpreter, numpy, numba, netCDF), so small data
#: sets go out together until a job holds this much.
BATCH_SECONDS = 10.0


def batch_datasets(datasets, seconds=BATCH_SECONDS):
    """The data sets of a sweep (``{id: DataSpec}``, in a fixed order) in consecutive batches of
    at most ``seconds`` of estimated work each (``dataset_seconds`` plus writing), a data set
    that alone exceeds it in a batch of its own: ``[[id, ...], ...]``.  A pure function of the
    data sets, so every process that reads the same config (the workflow, its jobs on a cluster)
    forms the same batches."""
    batches, current, load = [], [], 0.0
    for dataset_id, data in datasets.items():
        work = dataset_seconds(data) + WRITE_SECONDS
        if current and load + work > seconds:
            batches.append(current)
            current, load = [], 0.0
        current.append(dataset_id)
        load += work
    if current:
        batches.append(current)
    return batches


# -------------------------------------------------------------------------- the estimate
def _hours(seconds):
    return seconds / 3600


def study_rows(config, kinds, spin_rate=SPIN_RATE, hidden_cost=HIDDEN_COST):
    """One row per study of a validated config: runs, visible-spin updates, core-hours of
    compute, the longest run and the largest memory, and the core-hours of sampling its data
    sets.  ``kinds``: the study kinds (``rbmsweep.studies.KINDS``)."""
    from . import config as sweep

    rows = []
    for study, spec in config["studies"].items():
        runs = sweep.expand(study, spec)
        trains = kinds[sweep.study_kind(study, spec)].TRAINS
        n_jobs = len(sweep.group_jobs(spec, runs))  # a job of several seeds starts once
        seconds = [run_seconds(run, trains, spin_rate, hidden_cost) for run in runs]
        datasets = {run.data.id: run.data for run in runs}
        rows.append({
            "study": study,
            "runs": len(runs),
            "jobs": n_jobs,
            "datasets": len(datasets),
            "spin_updates": sum(spin_updates(run) for run in runs) if trains else 0,
            "core_hours": _hours(sum(seconds) + START_SECONDS * n_jobs),
            "data_core_hours": _hours(sum(dataset_seconds(d) + START_SECONDS
                                          for d in datasets.values())),
            "longest_run_hours": _hours(max(seconds)),
            "max_mem_mb": max(run_memory_mb(run, trains) for run in runs),
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
    from .validation import load
    from .studies import KINDS

    config = load(args.config, KINDS)
    spin_rate, hidden_cost, source = SPIN_RATE, HIDDEN_COST, "rbmsweep.cost.SPIN_RATE, reference machine"
    if args.rate:
        spin_rate, source = args.rate, "--rate"
    if args.hidden_cost is not None:
        hidden_cost = args.hidden_cost
    rows = study_rows(config, KINDS, spin_rate, hidden_cost)
    print(format_table(rows, spin_rate, hidden_cost, source))


def add_estimate_command(commands):
    """Register ``rbmsweep estimate`` on the CLI's subparsers."""
    estimate = commands.add_parser(
        "estimate", help="core-hours per study of a config (rbmsweep.cost)",
        description="Core-hours of every study of a config, from the problem sizes and the "
                    "measured speed of the kernels (rbmsweep.cost).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    estimate.add_argument("config", help="a config file, e.g. config/paper.yaml")
    estimate.add_argument("--rate", type=float, default=None,
                          help="visible-spin updates per second per core at M = 1 "
                               "(python benchmarks/bench_rates.py measures this machine's)")
    estimate.add_argument("--hidden-cost", type=float, default=None,
                          help="extra cost of each hidden unit beyond the first, relative to "
                               "one (bench_rates.py measures it too)")
    estimate.set_defaults(function=command_estimate)
    return estimate
