# Grid helpers: the config expanded into data sets, jobs and outputs (the logic is in
# rbmsweep.config, rbmsweep.studies and rbmsweep.cost; nothing here computes physics).
import functools
import json
import os
import subprocess
import sys
from pathlib import Path

from rbmsweep import config as sweep
from rbmsweep import cost, studies, validation
from snakemake.exceptions import WorkflowError


def validate_config(config, workflow):
    """The studies of a --configfile replace the default's; then rbmsweep.validation.validate
    (schema and cross-key checks): one line per problem, all at once, before any job."""
    given = workflow.config_settings.overwrite_config or {}
    if "studies" in given:
        config["studies"] = given["studies"]
    try:
        validation.validate(config, studies.KINDS)
    except validation.ConfigError as error:
        raise WorkflowError(str(error)) from None
    global JOBS, DATASETS, KIND, DATA_BATCHES
    JOBS = sweep.all_jobs(config)
    DATASETS = sweep.all_datasets(config)
    DATA_BATCHES = cost.batch_datasets(DATASETS)
    KIND = {
        name: sweep.study_kind(name, study) for name, study in config["studies"].items()
    }


wildcard_constraints:
    study="[A-Za-z][A-Za-z0-9_]*",
    dataset=".+",
    job=".+",
    aggregate="|".join(
        sorted({n for k in studies.KINDS.values() for n in k.AGGREGATES})
    ),
    figure="|".join(sorted({n for k in studies.KINDS.values() for n in k.FIGURES})),


def dataset_file(dataset_id):
    return f"results/data/{dataset_id}/data.nc"


def job_runs(wildcards):
    return JOBS[wildcards.study][wildcards.job]


def trains(study):
    return studies.KINDS[KIND[study]].TRAINS


@functools.lru_cache(maxsize=None)
def _job_json(study, job):
    return sweep.jobs_to_json(JOBS[study][job])


def job_spec(wildcards):
    """The job's runs as JSON, for `rbmsweep run --spec`."""
    return _job_json(wildcards.study, wildcards.job)


def job_data(wildcards):
    return [dataset_file(run.data.id) for run in job_runs(wildcards)]


def dataset_inputs(dataset_ids):
    """The files data sets of `model: file` are read from: changing one makes it again."""
    return sorted(
        {DATASETS[i].path for i in dataset_ids if DATASETS[i].model == "file"}
    )


class DataSpecs:
    """The arguments of a batch's data sets, as the JSON list `rbmsweep data --spec` reads.
    A rule parameter of a type Snakemake does not record, so that which batch a data set is
    made in never reruns it: its file's path already names every argument."""

    def __init__(self, dataset_ids):
        self.text = json.dumps([DATASETS[i].arguments() for i in dataset_ids])

    def __str__(self):
        return self.text


def missing_datasets(batch):
    """The data sets of a batch whose file does not exist yet: only those are (re)made, so that
    a data set is never sampled again because the batches changed with the config."""
    return [i for i in batch if not Path(dataset_file(i)).exists()]


def batch_runtime(dataset_ids):
    return lambda wildcards, attempt: cost.dataset_resources(
        [DATASETS[i] for i in dataset_ids], attempt
    )["runtime"]


def batch_memory_mb(dataset_ids):
    return lambda wildcards, attempt: cost.dataset_resources(
        [DATASETS[i] for i in dataset_ids], attempt
    )["mem_mb"]


def study_runs(study):
    return [run for job in JOBS[study].values() for run in job]


def study_run_files(wildcards):
    """The cube's inputs: the run files of a study that trains; the data sets of one that only
    looks at its data, whose runs (a spectrum: milliseconds) the cube job computes itself
    rather than one job process each (study_jobs_in_cube)."""
    study = wildcards.study
    if not trains(study):
        return sorted({dataset_file(run.data.id) for run in study_runs(study)})
    return [f"results/{study}/runs/{job}/run.nc" for job in JOBS[study]]


def study_jobs_in_cube(wildcards):
    """The jobs the cube job computes (a study that does not train; see study_run_files), as
    [(runs as JSON, their data files)]; none for a study that trains."""
    if trains(wildcards.study):
        return []
    return [
        (sweep.jobs_to_json(runs), [dataset_file(run.data.id) for run in runs])
        for runs in JOBS[wildcards.study].values()
    ]


def study_first_seed_datasets(study):
    """One data set per data setting of the study (that of the first seed)."""
    runs = study_runs(study)
    first_seed = min(run.seed for run in runs)
    return sorted({dataset_file(run.data.id) for run in runs if run.seed == first_seed})


def study_analysis(wildcards):
    return config["studies"][wildcards.study].get("analysis", {})


# Aggregates and figures: each study kind's tables (rbmsweep.studies.<kind>.AGGREGATES,
# FIGURES) say what a figure is drawn from and by which function of rbmsweep.plots; its caption
# is workflow/report/<figure>.rst.
def studies_of(kind):
    """A wildcard constraint matching exactly the studies of a kind."""
    return "|".join(sorted(study for study, k in KIND.items() if k == kind))


def aggregate_outputs(kind):
    return [f"results/{{study}}/{name}.nc" for name in studies.KINDS[kind].AGGREGATES]


def figure_outputs(kind):
    return [figure_file(name) for name in studies.KINDS[kind].FIGURES]


def figure_file(name):
    """A figure of the report, with its caption workflow/report/<name>.rst."""
    return report(
        f"results/{{study}}/figures/{name}.png",
        caption=f"../report/{name}.rst",
        category="{study}",
        labels={"figure": name},
    )


def figure_datasets(wildcards):
    """The data set files a study's figures are drawn from (none for most kinds)."""
    figures = studies.KINDS[KIND[wildcards.study]].FIGURES.values()
    if any(figure.source == "datasets" for figure in figures):
        return study_first_seed_datasets(wildcards.study)
    return []


def figure_table(wildcards):
    """Each figure of the study: (plotting function, its input files, its output file)."""
    study = wildcards.study
    table = []
    for name, figure in studies.KINDS[KIND[study]].FIGURES.items():
        if figure.source == "datasets":
            inputs = study_first_seed_datasets(study)
        else:
            inputs = [f"results/{study}/{figure.source}.nc"]
        table.append((figure.draw, inputs, f"results/{study}/figures/{name}.png"))
    return table


# Resources from the problem size (rbmsweep.cost; `rbmsweep estimate CONFIG` sums them up):
# wall time, memory and threads of each job, more time and memory on each retry, and the
# group that the SLURM profile bundles into few submissions (groups are ignored locally).
@functools.lru_cache(maxsize=None)
def _job_resources(study, job, attempt):
    # (once per job and attempt: a DAG of 10^4 jobs asks for each resource several times)
    return cost.job_resources(JOBS[study][job], trains(study), attempt)


def job_runtime(wildcards, attempt):
    return _job_resources(wildcards.study, wildcards.job, attempt)["runtime"]


def job_memory_mb(wildcards, attempt):
    return _job_resources(wildcards.study, wildcards.job, attempt)["mem_mb"]


def job_threads(wildcards):
    return _job_resources(wildcards.study, wildcards.job, 1)["threads"]


def job_group(wildcards):
    runtime = _job_resources(wildcards.study, wildcards.job, 1)["runtime"]
    return cost.group_of_runtime(runtime)


def study_runtime(wildcards, attempt):
    runs = study_runs(wildcards.study)
    return cost.study_resources(runs, trains(wildcards.study), attempt)["runtime"]


def study_memory_mb(wildcards, attempt):
    runs = study_runs(wildcards.study)
    return cost.study_resources(runs, trains(wildcards.study), attempt)["mem_mb"]


def cube_group(wildcards):
    return cost.cube_group(len(JOBS[wildcards.study]))


def aggregate_files(wildcards=None):
    """Every aggregate of every study (the inputs of the reproduction table)."""
    return [
        f"results/{study}/{name}.nc"
        for study, kind in KIND.items()
        for name in studies.KINDS[kind].AGGREGATES
    ]


# numba's compiled kernels: one cache for the sweep, warmed once before any job (onstart in the
# Snakefile: rbmsweep.warm).  Local jobs read it in place; a SLURM job copies it into its own
# temporary directory first (numba's cache is not safe on a file system shared between nodes),
# so it starts warm.  $NUMBA_CACHE_DIR if set, else the user's cache folder (on clusters usually
# a shared home: the submitting host warms it, the nodes copy it).
NUMBA_CACHE = os.environ.get("NUMBA_CACHE_DIR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "rbmsweep"
    / "numba-cache"
)
# the shell commands' first line: which cache a job uses, and its threads
NUMBA_SETUP = (
    'if [ -n "${{SLURM_JOB_ID:-}}" ]; then'
    " export NUMBA_CACHE_DIR={resources.tmpdir:q}/numba-cache;"
    ' mkdir -p "$NUMBA_CACHE_DIR" && cp -r {params.numba_cache:q}/. "$NUMBA_CACHE_DIR"/ 2>/dev/null;'
    " else export NUMBA_CACHE_DIR={params.numba_cache:q}; fi;"
    " export NUMBA_NUM_THREADS={threads}; "
)


def warm_kernels():
    """Compile the kernels of the training jobs about to run into NUMBA_CACHE, once, before they
    start (rbmsweep.warm: one tiny run per distinct kind of run)."""
    from rbmsweep import warm

    distinct = {}
    for job in workflow.dag.needrun_jobs():
        if job.rule.name == "run_job":
            for run in JOBS[job.wildcards.study][job.wildcards.job]:
                distinct.setdefault(warm.signature(run), run)
    if not distinct:
        return
    print(
        f"Warming numba's cache {NUMBA_CACHE} ({len(distinct)} kinds of run)",
        flush=True,
    )
    command = [sys.executable, "-m", "rbmsweep.cli", "warm"]
    command += ["--spec", sweep.jobs_to_json(list(distinct.values()))]
    subprocess.run(
        command, env={**os.environ, "NUMBA_CACHE_DIR": NUMBA_CACHE}, check=False
    )


def needs_run_job(wildcards):
    """Only studies that train have run jobs (study_run_files)."""
    if not trains(wildcards.study):
        raise WorkflowError(
            f"study {wildcards.study} does not train: its runs are computed with its cube"
        )
    return job_data(wildcards)


def final_outputs():
    """Every file of every study (rbmsweep.studies.outputs of its kind), and the
    reproduction table of their claims."""
    return [
        f"results/{study}/{name}"
        for study, kind in KIND.items()
        for name in studies.outputs(kind)
    ] + ["results/reproduction.md", "results/reproduction.html"]
