"""The sweep: from a validated config to the list of datasets and runs, with their paths.

A study's ``data``, ``rbm`` and ``train`` sections hold the argument names of the Python API
(DESIGN §5); every list-valued entry is a sweep axis and the runs are the cartesian product,
times the seeds.  Paths are readable ``key~value`` segments (Snakemake Paramspace style):

- a dataset: ``data/model~ising/n_visible~100/beta~1.0/n_samples~10000/n_test~1000/seed~0``,
  shared by every run of every study that uses the same data parameters and data seed;
- a run: ``<study>/runs/beta~1.0/n_hidden~3/seed~0`` (only the swept keys, then the seed).

A job computes one or more runs: ``seeds_per_job`` (a study key, default 1) puts that many
seeds of one sweep point in one job and one file, ``.../n_hidden~3/seed~0+1+2/run.nc``, so
that sweeps of many tiny runs are not dominated by process start-up.

The JSON schema (``workflow/schemas/config.schema.yaml``) checks each value on its own;
``check_config`` checks what a schema cannot: relations between keys.
"""

import itertools
import math


from .studies import KINDS

SECTIONS = ("data", "rbm", "train")

#: data keys in the order they appear in a dataset path
DATA_KEYS = ("model", "n_visible", "beta", "n_samples", "n_test", "seed")

#: config keys whose list value is a single setting, not a sweep axis
NOT_SWEPT = {("train", "snapshots")}


class ConfigError(ValueError):
    """A config value that is not allowed; the message names the key, value and what is allowed."""


def _error(key, value, allowed):
    return ConfigError(f"config key {key}: value {value!r} is not allowed; {allowed}")


def study_kind(name, study):
    kind = study.get("kind", name)
    if kind not in KINDS:
        raise _error(f"studies.{name}.kind", study.get("kind"),
                     f"give one of: {', '.join(KINDS)} (it defaults to the study's name)")
    return kind


def seeds_of(study):
    seeds = study.get("seeds", 1)
    return list(range(seeds)) if isinstance(seeds, int) else list(seeds)


def sweep_axes(study):
    """The swept keys of a study, as ``(section, key, values)`` in config order."""
    axes = []
    for section in SECTIONS:
        for key, value in study.get(section, {}).items():
            if isinstance(value, list) and (section, key) not in NOT_SWEPT:
                axes.append((section, key, value))
    return axes


def format_value(value):
    """A value as it appears in a path segment and a coordinate label."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    return str(value)


def _n_samples(name, data):
    if "alpha" in data:
        n = round(data["n_visible"] / data["alpha"])
        if n < 1:
            raise _error(f"studies.{name}.data.alpha", data["alpha"],
                         f"alpha = n_visible / n_samples must leave at least one sample "
                         f"(n_visible = {data['n_visible']})")
        return n
    return data["n_samples"]


def expand_study(name, study):
    """Every run of a study as a dict: its id, dataset id, the full data/rbm/train arguments,
    the run seed and the swept values (``sweep``, including ``seed``)."""
    kind = study_kind(name, study)
    axes = sweep_axes(study)
    runs = []
    for values in itertools.product(*(axis[2] for axis in axes)):
        for seed in seeds_of(study):
            sections = {section: dict(study.get(section, {})) for section in SECTIONS}
            sweep = {}
            for (section, key, _), value in zip(axes, values):
                sections[section][key] = value
                sweep[key] = value
            sweep["seed"] = seed
            data = sections["data"]
            data_args = {
                "model": data["model"], "n_visible": data["n_visible"], "beta": float(data["beta"]),
                "n_samples": _n_samples(name, data), "n_test": data.get("n_test", 1000),
                "seed": data.get("seed", seed),
            }
            point = "/".join(f"{key}~{format_value(value)}" for key, value in sweep.items()
                             if key != "seed")
            run_id = f"{point}/seed~{seed}".lstrip("/")
            runs.append({
                "study": name, "kind": kind, "run_id": run_id, "point": point, "seed": seed,
                "dataset_id": dataset_id(data_args), "data": data_args,
                "rbm": sections["rbm"], "train": sections["train"], "sweep": sweep,
            })
    return runs


def group_jobs(study, runs):
    """Runs grouped into jobs of ``seeds_per_job`` consecutive seeds of one sweep point, by
    job id (``<point>/seed~0+1+2``)."""
    size = study.get("seeds_per_job", 1)
    by_point = {}
    for run in runs:
        by_point.setdefault(run["point"], []).append(run)
    jobs = {}
    for point, point_runs in by_point.items():
        for start in range(0, len(point_runs), size):
            chunk = point_runs[start:start + size]
            seeds = "+".join(str(run["seed"]) for run in chunk)
            jobs[f"{point}/seed~{seeds}".lstrip("/")] = chunk
    return jobs


def dataset_id(data_args):
    return "/".join(f"{key}~{format_value(data_args[key])}" for key in DATA_KEYS)


def check_config(config):
    """Relations between keys that the schema cannot express; raises ``ConfigError``."""
    for name, study in config["studies"].items():
        study_kind(name, study)
        data = study["data"]
        prefix = f"studies.{name}"
        if ("alpha" in data) == ("n_samples" in data):
            raise _error(f"{prefix}.data", sorted(data),
                         "give exactly one of n_samples and alpha (= n_visible / n_samples)")
        seeds = seeds_of(study)
        if len(set(seeds)) != len(seeds):
            raise _error(f"{prefix}.seeds", study["seeds"], "seeds must be distinct")
        for section in SECTIONS:
            for key, value in study.get(section, {}).items():
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, float) and not math.isfinite(item):
                        raise _error(f"{prefix}.{section}.{key}", item, "it must be a finite number")
        if not KINDS[study_kind(name, study)].TRAINS:
            continue
        for run in expand_study(name, study):
            n_samples = run["data"]["n_samples"]
            batch_size = run["train"].get("batch_size", 10)
            if batch_size > n_samples:
                raise _error(f"{prefix}.train.batch_size", batch_size,
                             f"it must be at most the number of training samples "
                             f"({n_samples} for run {run['run_id']})")
    return config


def all_runs(config):
    """Runs of every study, by study name then run id."""
    return {name: {run["run_id"]: run for run in expand_study(name, study)}
            for name, study in config["studies"].items()}


def all_jobs(config):
    """Jobs of every study (lists of runs), by study name then job id."""
    return {name: group_jobs(study, expand_study(name, study))
            for name, study in config["studies"].items()}


def all_datasets(config):
    """Data arguments of every dataset any study uses, by dataset id."""
    datasets = {}
    for runs in all_runs(config).values():
        for run in runs.values():
            datasets[run["dataset_id"]] = run["data"]
    return datasets
