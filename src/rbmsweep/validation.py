"""Is a config allowed?  Every problem at once, one line each naming the key path, the value
and what is allowed, before any job: the schema's (``rbmsweep.schema``: types, ranges, allowed
values, unknown keys), then the relations between keys that a schema cannot express (which keys
a data model takes, which visible units its values allow, which keys a unit type takes, what an
algorithm needs, whether the batches fit the data, whether a Gaussian RBM starts normalisable).
"""

import inspect
import itertools
import math

from .config import (MODEL_KEYS, SECTIONS, UNIT_KEYS, alpha_to_n_samples, expand,
                     study_kind)
from .schema import problem as _problem
from .schema import schema_problems

#: the data keys each data model requires
MODEL_REQUIRES = {"ising": ("n_visible", "beta"), "xy": ("n_visible", "beta", "q"),
                  "digits": (), "file": ("path",), "clusters": ("n_visible",)}
#: visible units each data model's values allow
MODEL_VISIBLE = {"ising": ("spin", "bernoulli"), "xy": ("potts",), "digits": ("bernoulli",),
                 "file": ("spin", "bernoulli", "potts", "gaussian"), "clusters": ("gaussian",)}
#: training algorithms that need bernoulli units on both layers (extended mean field)
MEAN_FIELD_ALGORITHMS = ("tap", "mean_field")


class ConfigError(ValueError):
    """A config that is not allowed: ``problems`` lists every problem, one line each, naming
    the key path, the value and what is allowed."""

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        count = len(self.problems)
        super().__init__(
            f"the config has {count} problem{'s' if count > 1 else ''}:\n  "
            + "\n  ".join(self.problems))


def validate(config, kinds):
    """Check a config (a dict, as read from YAML) and return it; raise ``ConfigError`` listing
    every problem: the schema's (types, ranges, allowed values, unknown keys), then the
    relations between keys that a schema cannot express.  ``kinds`` maps each study kind to
    its module (``rbmsweep.studies.KINDS``; only its ``TRAINS`` flag is read)."""
    problems = schema_problems(config)
    studies = config.get("studies") if isinstance(config, dict) else None
    for name, study in (studies.items() if isinstance(studies, dict) else []):
        # relations between keys, for the studies whose values each pass the schema
        if not any(p.startswith(f"studies.{name}.") or p.startswith(f"studies.{name}:")
                   for p in problems) and isinstance(study, dict):
            problems += _study_problems(name, study, kinds)
    if problems:
        raise ConfigError(problems)
    return config


def _study_problems(name, study, kinds):
    prefix = f"studies.{name}"
    kind = study_kind(name, study)
    if kind not in kinds:
        return [_problem(f"{prefix}.kind", study.get("kind", name),
                         f"allowed: {', '.join(kinds)} (the kind defaults to the study's name)")]
    problems = []
    module = kinds[kind]
    if not module.TRAINS:
        problems += [_problem(f"{prefix}.{section}", study[section],
                              f"a study of kind {kind} trains nothing: leave out rbm and train")
                     for section in ("rbm", "train") if section in study]
    options = {name for function in getattr(module, "AGGREGATES", {}).values()
               for name in list(inspect.signature(function).parameters)[1:]}
    for key, value in study.get("analysis", {}).items():
        if key not in options:
            problems.append(_problem(f"{prefix}.analysis.{key}", value,
                                     f"the aggregates of kind {kind} take "
                                     + (f"only: {', '.join(sorted(options))}" if options
                                        else "no analysis option")))
    data = study["data"]
    model = data["model"]
    common = ("model", "n_samples", "alpha", "n_test", "seed")
    for key, value in data.items():
        if key not in common and key not in MODEL_KEYS[model]:
            problems.append(_problem(f"{prefix}.data.{key}", value,
                                     f"data of model {model} take only: "
                                     f"{', '.join(MODEL_KEYS[model] + common)}"))
    for key in MODEL_REQUIRES[model]:
        if key not in data:
            problems.append(f"{prefix}.data.{key}: is missing; data of model {model} need it")
    if ("alpha" in data) == ("n_samples" in data):
        problems.append(_problem(f"{prefix}.data", sorted(data),
                                 "give exactly one of n_samples and alpha (= n_visible / n_samples)"))
    elif "alpha" in data and "n_visible" not in MODEL_KEYS[model]:
        problems.append(_problem(f"{prefix}.data.alpha", data["alpha"],
                                 f"data of model {model} take n_samples, not alpha"))
    for section in SECTIONS:
        for key, value in study.get(section, {}).items():
            for item in _flat(value):
                if isinstance(item, float) and not math.isfinite(item):
                    problems.append(_problem(f"{prefix}.{section}.{key}", item,
                                             "it must be a finite number"))
    if problems:
        return problems
    for n_visible, alpha in itertools.product(_as_list(data.get("n_visible", [])),
                                              _as_list(data.get("alpha", []))):
        try:
            alpha_to_n_samples(n_visible, alpha)
        except ValueError as error:
            problems.append(f"{prefix}.data.{error}")
    if problems or not module.TRAINS:
        return problems
    return _run_problems(prefix, study, expand(name, study))


def _run_problems(prefix, study, runs):
    """Relations between a study's keys that hold run by run (unit types against the data
    model and the algorithm, keys a unit type does not take), each problem once."""
    problems = []
    rbm = study.get("rbm", {})
    for key, value in rbm.items():
        owners = [unit for unit, keys in UNIT_KEYS.items() if key in keys]
        if owners and not any(getattr(run.rbm, layer) == unit for run in runs
                              for layer, unit in owners):
            units = " or ".join(f"{layer} {unit}" for layer, unit in owners)
            problems.append(_problem(f"{prefix}.rbm.{key}", value,
                                     f"only {units} units take it"))
    train = study.get("train", {})
    if "tap_order" in train and not any(run.train.algorithm == "tap" for run in runs):
        problems.append(_problem(f"{prefix}.train.tap_order", train["tap_order"],
                                 "only algorithm tap takes it"))
    for run in runs:
        model, visible, hidden = run.data.model, run.rbm.visible, run.rbm.hidden
        if visible not in MODEL_VISIBLE[model]:
            problems.append(_problem(f"{prefix}.rbm.visible", visible,
                                     f"data of model {model} need visible units: "
                                     f"{', '.join(MODEL_VISIBLE[model])}"))
        if run.train.algorithm in MEAN_FIELD_ALGORITHMS and (visible, hidden) != (
                "bernoulli", "bernoulli"):
            problems.append(_problem(f"{prefix}.train.algorithm", run.train.algorithm,
                                     "extended mean-field training needs bernoulli visible and "
                                     f"hidden units (this run has {visible} and {hidden})"))
        problem = _initial_normalisability(prefix, run)
        if problem:
            problems.append(problem)
        if run.rbm.visible_bias_init == "data" and run.rbm.zero_fields:
            problems.append(_problem(f"{prefix}.rbm.visible_bias_init", "data",
                                     "it needs zero_fields: false (the fields are learned)"))
        if run.train.fresh_data and model not in ("ising", "xy"):
            problems.append(_problem(f"{prefix}.train.fresh_data", True,
                                     f"data of model {model} cannot be drawn afresh: only ising "
                                     "and xy data"))
        if run.train.batch_size > run.data.n_samples:
            problems.append(_problem(f"{prefix}.train.batch_size", run.train.batch_size,
                                     f"it must be at most the number of training samples "
                                     f"({run.data.n_samples} for run {run.run_id})"))
    # one line per problem: the first run that shows it names it
    seen, unique = set(), []
    for problem in problems:
        key = problem.split(" for run ")[0]
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def _initial_normalisability(prefix, run):
    """Gaussian visible with real hidden units need σ_v² σ_h² s_max(W)² < 1 (docs/physics.md
    §12.4); the initial weights' largest singular value is about init_std (√N + √M)
    (the Marchenko–Pastur edge), so a config whose typical initial RBM is not normalisable is
    refused here rather than by every job."""
    rbm, n_visible = run.rbm, run.data.n_visible
    if rbm.visible != "gaussian" or rbm.hidden not in ("gaussian", "double_well") or not n_visible:
        return None
    variance = (rbm.visible_variance or 1.0) * (
        (rbm.hidden_variance or 1.0) if rbm.hidden == "gaussian" else 1.0)
    top = rbm.init_std * (n_visible**0.5 + rbm.n_hidden**0.5)
    if variance * top**2 < 1:
        return None
    return _problem(f"{prefix}.rbm.init_std", rbm.init_std,
                    f"the initial weights' largest singular value ≈ init_std (√N + √M) = "
                    f"{top:.3g} makes the Gaussian RBM not normalisable (σ_v² σ_h² s_max² = "
                    f"{variance * top**2:.3g} ≥ 1; for run {run.run_id})")


def _flat(value):
    """Every number of a value that may be a list, or a list of lists."""
    for item in value if isinstance(value, list) else [value]:
        yield from (_flat(item) if isinstance(item, list) else [item])


def _as_list(value):
    return value if isinstance(value, list) else [value]


def load(path, kinds):
    """A config file, validated (``validate``)."""
    import yaml

    with open(path) as handle:
        return validate(yaml.safe_load(handle), kinds)
