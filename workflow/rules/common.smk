# Grid helpers: the config expanded into data sets, jobs and outputs (the logic is in
# rbmsweep.config, rbmsweep.studies and rbmsweep.cost; nothing here computes physics).
import json
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
    global JOBS, DATASETS, KIND
    JOBS = sweep.all_jobs(config)
    DATASETS = sweep.all_datasets(config)
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


def job_spec(wildcards):
    """The job's runs as JSON, for `rbmsweep run --spec`."""
    return sweep.jobs_to_json(job_runs(wildcards))


def job_data(wildcards):
    return [dataset_file(run.data.id) for run in job_runs(wildcards)]


def dataset_spec(wildcards):
    return json.dumps(DATASETS[wildcards.dataset].arguments())


def study_runs(study):
    return [run for job in JOBS[study].values() for run in job]


def study_run_files(wildcards):
    return [
        f"results/{wildcards.study}/runs/{job}/run.nc" for job in JOBS[wildcards.study]
    ]


def study_first_seed_datasets(study):
    """One data set per data setting of the study (that of the first seed)."""
    runs = study_runs(study)
    first_seed = min(run.seed for run in runs)
    return sorted({dataset_file(run.data.id) for run in runs if run.seed == first_seed})


def study_analysis(wildcards):
    return config["studies"][wildcards.study].get("analysis", {})


# Figures: each study kind's table (rbmsweep.studies.<kind>.FIGURES) says what a figure is
# drawn from and by which function of rbmsweep.plots; its caption is
# workflow/report/<figure>.rst.
def figure_entry(wildcards):
    return studies.figure(KIND[wildcards.study], wildcards.figure)


def figure_input(wildcards):
    source = figure_entry(wildcards).source
    if source == "datasets":
        return study_first_seed_datasets(wildcards.study)
    return f"results/{wildcards.study}/{source}.nc"


def figure_function(wildcards):
    return figure_entry(wildcards).draw


def figure_caption(wildcards):
    from jinja2 import Template

    text = Path(
        workflow.basedir, "workflow", "report", f"{wildcards.figure}.rst"
    ).read_text()
    return Template(text).render(snakemake={"wildcards": wildcards})


# Resources from the problem size (rbmsweep.cost; `rbmsweep estimate CONFIG` sums them up):
# wall time, memory and threads of each job, more time and memory on each retry, and the
# group that the SLURM profile bundles into few submissions (groups are ignored locally).
def job_runtime(wildcards, attempt):
    return cost.job_resources(job_runs(wildcards), trains(wildcards.study), attempt)[
        "runtime"
    ]


def job_memory_mb(wildcards, attempt):
    return cost.job_resources(job_runs(wildcards), trains(wildcards.study), attempt)[
        "mem_mb"
    ]


def job_threads(wildcards):
    return cost.job_threads(job_runs(wildcards))


def job_group(wildcards):
    return cost.job_group(job_runs(wildcards), trains(wildcards.study))


def dataset_runtime(wildcards, attempt):
    return cost.dataset_resources(DATASETS[wildcards.dataset], attempt)["runtime"]


def dataset_memory_mb(wildcards, attempt):
    return cost.dataset_resources(DATASETS[wildcards.dataset], attempt)["mem_mb"]


def study_runtime(wildcards, attempt):
    runs = study_runs(wildcards.study)
    return cost.study_resources(runs, trains(wildcards.study), attempt)["runtime"]


def study_memory_mb(wildcards, attempt):
    runs = study_runs(wildcards.study)
    return cost.study_resources(runs, trains(wildcards.study), attempt)["mem_mb"]


def cube_group(wildcards):
    return cost.cube_group(len(JOBS[wildcards.study]))


def final_outputs():
    """Every file of every study (rbmsweep.studies.outputs of its kind)."""
    return [
        f"results/{study}/{name}"
        for study, kind in KIND.items()
        for name in studies.outputs(kind)
    ]
