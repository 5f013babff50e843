# Grid helpers: the config expanded into datasets and runs (all logic in rbmsweep.config).
import json

from rbmsweep.config import all_datasets, all_runs, check_config, study_kind
from rbmsweep.studies import KINDS

check_config(config)
RUNS = all_runs(config)
DATASETS = all_datasets(config)
KIND = {study: study_kind(study, spec) for study, spec in config["studies"].items()}


wildcard_constraints:
    study="[A-Za-z][A-Za-z0-9_]*",
    dataset=".+",
    run=".+",


def dataset_file(dataset_id):
    return f"results/data/{dataset_id}/data.nc"


def run_spec(wildcards):
    """The run as JSON, for `rbmsweep train --spec`."""
    return json.dumps(RUNS[wildcards.study][wildcards.run])


def run_data(wildcards):
    return dataset_file(RUNS[wildcards.study][wildcards.run]["dataset_id"])


def dataset_spec(wildcards):
    return json.dumps(DATASETS[wildcards.dataset])


def study_run_files(wildcards):
    return [
        f"results/{wildcards.study}/runs/{run}/run.nc" for run in RUNS[wildcards.study]
    ]


def study_first_seed_datasets(wildcards):
    """One dataset per data setting of the study (that of the first seed), for Fig. 2."""
    runs = RUNS[wildcards.study].values()
    first_seed = min(run["seed"] for run in runs)
    ids = {run["dataset_id"] for run in runs if run["seed"] == first_seed}
    return [dataset_file(dataset_id) for dataset_id in sorted(ids)]


def run_memory_mb(wildcards, attempt):
    """Data (int8) plus snapshots and numba/xarray overhead, more on each retry."""
    run = RUNS[wildcards.study][wildcards.run]
    n_values = (run["data"]["n_samples"] + run["data"]["n_test"]) * run["data"][
        "n_visible"
    ]
    return int(400 + 3 * n_values / 1e6) * attempt


def final_outputs():
    """Every file of every study (each kind lists its own in rbmsweep.studies)."""
    return [
        f"results/{study}/{name}"
        for study, kind in KIND.items()
        for name in KINDS[kind].OUTPUTS
    ]
