# Grid helpers: the config expanded into datasets and runs (all logic in rbmsweep.config).
import json

from rbmsweep.config import all_datasets, all_jobs, check_config, study_kind
from rbmsweep import cost
from rbmsweep.studies import KINDS

check_config(config)
JOBS = all_jobs(config)
DATASETS = all_datasets(config)
KIND = {study: study_kind(study, spec) for study, spec in config["studies"].items()}


wildcard_constraints:
    study="[A-Za-z][A-Za-z0-9_]*",
    dataset=".+",
    job=".+",


def dataset_file(dataset_id):
    return f"results/data/{dataset_id}/data.nc"


def job_spec(wildcards):
    """The job's runs as JSON, for `rbmsweep run --spec`."""
    return json.dumps(JOBS[wildcards.study][wildcards.job])


def job_data(wildcards):
    return [dataset_file(run["dataset_id"]) for run in JOBS[wildcards.study][wildcards.job]]


def dataset_spec(wildcards):
    return json.dumps(DATASETS[wildcards.dataset])


def study_run_files(wildcards):
    return [
        f"results/{wildcards.study}/runs/{job}/run.nc" for job in JOBS[wildcards.study]
    ]


def study_first_seed_datasets(wildcards):
    """One dataset per data setting of the study (that of the first seed), for Fig. 2."""
    runs = [run for job in JOBS[wildcards.study].values() for run in job]
    first_seed = min(run["seed"] for run in runs)
    ids = {run["dataset_id"] for run in runs if run["seed"] == first_seed}
    return [dataset_file(dataset_id) for dataset_id in sorted(ids)]


# Resources from the problem size (rbmsweep.cost; `rbmsweep estimate CONFIG` sums them up):
# wall time, memory and threads of each job, more time and memory on each retry, and the
# group that the SLURM profile bundles into few submissions (groups are ignored locally).
def job_runtime(wildcards, attempt):
    return cost.job_resources(JOBS[wildcards.study][wildcards.job], attempt)["runtime"]


def job_memory_mb(wildcards, attempt):
    return cost.job_resources(JOBS[wildcards.study][wildcards.job], attempt)["mem_mb"]


def job_threads(wildcards):
    return cost.job_threads(JOBS[wildcards.study][wildcards.job])


def job_group(wildcards):
    return cost.job_group(JOBS[wildcards.study][wildcards.job])


def dataset_runtime(wildcards, attempt):
    return cost.dataset_resources(DATASETS[wildcards.dataset], attempt)["runtime"]


def dataset_memory_mb(wildcards, attempt):
    return cost.dataset_resources(DATASETS[wildcards.dataset], attempt)["mem_mb"]


def study_runs(study):
    return [run for job in JOBS[study].values() for run in job]


def study_runtime(wildcards, attempt):
    return cost.study_resources(study_runs(wildcards.study), attempt)["runtime"]


def study_memory_mb(wildcards, attempt):
    return cost.study_resources(study_runs(wildcards.study), attempt)["mem_mb"]


def cube_group(wildcards):
    return cost.cube_group(len(JOBS[wildcards.study]))


def final_outputs():
    """Every file of every study (each kind lists its own in rbmsweep.studies)."""
    return [
        f"results/{study}/{name}"
        for study, kind in KIND.items()
        for name in KINDS[kind].OUTPUTS
    ]
