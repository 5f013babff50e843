"""The sweep: a config validated against the schema, expanded into typed runs and datasets.

A study's ``data``, ``rbm`` and ``train`` sections hold the argument names of the Python API
(``rbmsweep.data``, ``RBM(...)``, ``train(...)``); every list-valued entry is a sweep axis and
the runs are the cartesian product, times the seeds.  The schema
(``config.schema.yaml`` beside this module) is the one home of every default: ``expand``
fills in what a study leaves out from it, and ``tests/test_config.py`` checks that the
signatures of ``RBM`` and ``train`` carry the same defaults.

- ``rbmsweep.validation.validate(config, kinds)`` checks a config first: every problem at
  once, one line each naming the key path, the value and what is allowed; before any job.
- ``expand(name, study)``: the study's runs as ``RunSpec`` (frozen), each with its ``DataSpec``,
  ``RBMSpec`` and ``TrainSpec``: what the CLI, the studies and ``rbmsweep.cost`` read.
- Paths are readable ``key~value`` segments (Snakemake Paramspace style): a dataset
  ``model~ising/n_visible~100/beta~1.0/n_samples~10000/n_test~1000/seed~0``, shared by every
  run of every study with the same data; a run ``<point>/seed~0`` (the swept keys only).
- ``group_jobs``: ``seeds_per_job`` seeds of one sweep point in one job and one file
  (``.../seed~0+1+2/run.nc``), so that sweeps of many tiny runs are not dominated by process
  start-up.
"""

import dataclasses
import itertools
import json
import math
from pathlib import Path

from .schema import defaults, parameter_attrs

SECTIONS = ("data", "rbm", "train")

#: config keys whose value is a list even as a single setting: a sweep axis only when it is a
#: list of lists (``couplings: [[1.0], [1.0, 0.5]]``); ``snapshots`` is never swept
LIST_VALUED = {("data", "couplings")}
NOT_SWEPT = {("train", "snapshots")}

#: the data keys each data model takes (besides model, n_samples or alpha, n_test and seed);
#: the others are left out of its data sets' ids and specs
MODEL_KEYS = {
    "ising": ("n_visible", "beta"),
    "xy": ("n_visible", "beta", "q", "kernel", "couplings"),
    "digits": ("threshold",),
    "file": ("path",),
    "clusters": ("n_visible", "n_clusters", "latent_dim", "cluster_std", "noise_std"),
}
#: data models of which a fresh exact data set can be drawn at every epoch (``train.fresh_data``;
#: ``rbmsweep.data.fresh``): the ring samplers, not a fixed set such as a file or the digits
REDRAWABLE_MODELS = ("ising", "xy")
#: pixels of scikit-learn's digits (8 x 8)
DIGITS_PIXELS = 64
#: rbm keys that only some unit types take: (layer, unit type) -> keys
UNIT_KEYS = {("hidden", "double_well"): ("theta",), ("visible", "gaussian"): ("visible_variance",),
             ("hidden", "gaussian"): ("hidden_variance",)}
#: training algorithms that need bernoulli units on both layers (extended mean field)
MEAN_FIELD_ALGORITHMS = ("tap", "mean_field")
#: train keys of the mean-field iteration (algorithms tap and mean_field only)
MEAN_FIELD_KEYS = ("tap_damping", "tap_iterations", "tap_tolerance")

#: keys of the rbm section whose names are run dimensions of a cube (the sites ``visible`` and
#: the units ``hidden``): as sweep coordinates they are called by these names instead
COORDINATE_NAMES = {"visible": "visible_unit", "hidden": "hidden_unit"}


# -- typed runs ---------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DataSpec:
    """The arguments of one data set (``rbmsweep.data.make_dataset``), shared by every run
    with the same values.  Keys a data model does not take are ``None`` (``MODEL_KEYS``)."""

    model: str
    n_visible: int | None
    beta: float | None
    n_samples: int
    n_test: int
    seed: int
    q: int | None = None
    kernel: str | None = None
    couplings: tuple | None = None
    threshold: float | None = None
    path: str | None = None
    n_clusters: int | None = None
    latent_dim: int | None = None
    cluster_std: float | None = None
    noise_std: float | None = None

    @property
    def id(self):
        """The data set's path below ``results/data/``: model, its keys, then the samples and
        the seed (``key~value`` segments; keys that are ``None`` left out)."""
        keys = ("model", *MODEL_KEYS[self.model], "n_samples", "n_test", "seed")
        return "/".join(f"{key}~{format_value(getattr(self, key))}" for key in keys
                        if getattr(self, key) is not None)

    def arguments(self):
        """The keyword arguments of ``rbmsweep.data.make_dataset`` (no ``None``)."""
        return {key: value for key, value in dataclasses.asdict(self).items()
                if value is not None}


@dataclasses.dataclass(frozen=True)
class RBMSpec:
    """The keyword arguments of ``RBM(...)`` (without ``n_visible`` and ``seed``, which come
    from the data and the run)."""

    n_hidden: int
    visible: str
    hidden: str
    theta: float | None
    visible_variance: float | None
    hidden_variance: float | None
    zero_fields: bool
    visible_bias_init: str
    init_std: float

    def arguments(self):
        """The keyword arguments of ``RBM(...)`` (no ``None``: those keys take the
        signature's defaults, which are the schema's)."""
        return {key: value for key, value in dataclasses.asdict(self).items()
                if value is not None}


@dataclasses.dataclass(frozen=True)
class TrainSpec:
    """The keyword arguments of ``train(...)`` (without the data and the seed)."""

    algorithm: str
    tap_order: int | None
    tap_damping: float | None
    tap_iterations: int | None
    tap_tolerance: float | None
    gibbs_steps: int
    learning_rate: float
    batch_size: int
    epochs: int
    n_chains: int | None
    fresh_data: bool
    snapshots: dict
    log_likelihood: bool | str
    ais: dict
    log_likelihood_samples: int | None = None

    def arguments(self):
        """The keyword arguments of ``train(...)`` (no ``None``)."""
        return {key: value for key, value in dataclasses.asdict(self).items()
                if value is not None}


@dataclasses.dataclass(frozen=True)
class RunSpec:
    """One run of a study: its data set, RBM and training, fully resolved (no default is
    left to any later reader), and the values it takes on the sweep axes."""

    study: str
    kind: str
    seed: int
    data: DataSpec
    rbm: RBMSpec
    train: TrainSpec
    #: the swept values in config order, as (key, value) pairs; ``seed`` last
    sweep: tuple

    @property
    def point(self):
        """The sweep point's path (every swept key but the seed)."""
        return "/".join(f"{key}~{format_value(value)}" for key, value in self.sweep
                        if key != "seed")

    @property
    def run_id(self):
        return f"{self.point}/seed~{self.seed}".lstrip("/")

    def coordinates(self, sections=SECTIONS):
        """The run's parameters as coordinates: ``(swept, fixed)``, each ``{name: (value,
        attrs)}``.  Swept values become length-1 dimensions of the run (so that runs combine
        into a cube along them), the others scalar coordinates: every parameter of the given
        sections is in the run file under one name, that of its config key (``visible`` and
        ``hidden`` unit types as ``visible_unit`` and ``hidden_unit``).  The data seed and the
        snapshot grid are left out (the first is in the ``config`` attribute, the second is the
        ``epoch`` coordinate); so are parameters that are ``None``."""
        swept_names = dict(self.sweep)
        swept, fixed = {}, {}
        for section in sections:
            values = dataclasses.asdict(getattr(self, section))
            if section == "data":
                values.pop("seed")
                if "alpha" in swept_names:
                    values["alpha"] = swept_names["alpha"]
            if section == "train":
                values.pop("snapshots")
                values.pop("ais")  # in the log-likelihood's attributes (rbmsweep.ais)
            for key, value in values.items():
                name = coordinate_name(section, key)
                if value is None:
                    continue
                value = swept_names.get(name, value)
                if isinstance(value, (list, tuple)):  # couplings: one label, "1.0,0.5"
                    value = format_value(value)
                entry = (value, parameter_attrs(section, key))
                (swept if name in swept_names else fixed)[name] = entry
        swept["seed"] = (self.seed, {"long_name": "run seed"})
        order = [name for name, _ in self.sweep]
        return {name: swept[name] for name in order if name in swept}, fixed

    def to_dict(self):
        out = dataclasses.asdict(self)
        out["sweep"] = [list(item) for item in self.sweep]
        return out

    def to_json(self):
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, values):
        return cls(study=values["study"], kind=values["kind"], seed=int(values["seed"]),
                   data=_data_spec(values["data"]), rbm=RBMSpec(**values["rbm"]),
                   train=TrainSpec(**values["train"]),
                   sweep=tuple((key, value) for key, value in values["sweep"]))

    @classmethod
    def from_json(cls, text):
        return cls.from_dict(json.loads(text))


def _data_spec(values):
    values = dict(values)
    if values.get("couplings") is not None:
        values["couplings"] = tuple(values["couplings"])
    return DataSpec(**values)


def specs_from_json(text):
    """A job's runs from the JSON the workflow passes on the command line (one or a list)."""
    values = json.loads(text)
    return [RunSpec.from_dict(item) for item in (values if isinstance(values, list) else [values])]


def jobs_to_json(runs):
    return json.dumps([run.to_dict() for run in runs])


# -- expansion ----------------------------------------------------------------------------------
def study_kind(name, study):
    """A study's kind: its ``kind`` key, else its name."""
    return study.get("kind", name)


def seeds_of(study):
    seeds = study.get("seeds", 1)
    return list(range(seeds)) if isinstance(seeds, int) else list(seeds)


def _is_swept(section, key, value):
    if not isinstance(value, list) or (section, key) in NOT_SWEPT:
        return False
    if (section, key) in LIST_VALUED:
        return all(isinstance(item, list) for item in value)
    return True


def sweep_axes(study):
    """The swept keys of a study, as ``(section, key, values)`` in config order."""
    return [(section, key, value)
            for section in SECTIONS
            for key, value in study.get(section, {}).items()
            if _is_swept(section, key, value)]


def coordinate_name(section, key):
    """The name of a swept key as a coordinate of the runs and the cube."""
    return COORDINATE_NAMES.get(key, key) if section == "rbm" else key


def format_value(value):
    """A value as it appears in a path segment and a coordinate label: a list as its items
    joined by commas, a file path as its name and a digest of the whole path."""
    if isinstance(value, (list, tuple)):
        return ",".join(format_value(item) for item in value)
    if isinstance(value, str) and "/" in value:
        import hashlib
        from pathlib import Path

        digest = hashlib.sha1(str(Path(value).resolve()).encode()).hexdigest()[:8]
        return f"{Path(value).name}-{digest}"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    return str(value)


def alpha_to_n_samples(n_visible, alpha):
    """The number of training samples for ``α = n_visible / n_samples``: ``round(N / α)``
    (HTCM20's noise ratio r; docs/physics.md §2)."""
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not (
            math.isfinite(alpha) and alpha > 0):
        raise ValueError(f"alpha: {alpha!r} is not allowed; it must be a finite number > 0")
    n_samples = round(n_visible / alpha)
    if n_samples < 1:
        raise ValueError(f"alpha: {alpha!r} is not allowed; with n_visible = {n_visible} it "
                         f"leaves no sample (round({n_visible}/{alpha!r}) = 0): it must be "
                         f"below {2 * n_visible}")
    return n_samples


def expand(name, study):
    """Every run of a study (validated), with the schema's defaults filled in."""
    axes = sweep_axes(study)
    runs = []
    for values in itertools.product(*(axis[2] for axis in axes)):
        for seed in seeds_of(study):
            sections = {section: {**defaults(section), **study.get(section, {})}
                        for section in SECTIONS}
            sweep = []
            for (section, key, _), value in zip(axes, values):
                sections[section][key] = value
                sweep.append((coordinate_name(section, key), value))
            sweep.append(("seed", seed))
            runs.append(RunSpec(
                study=name, kind=study_kind(name, study), seed=seed,
                data=_resolved_data(sections["data"], seed), rbm=_resolved_rbm(sections["rbm"]),
                train=_resolved_train(sections["train"]), sweep=tuple(sweep)))
    return runs


def _resolved_data(data, seed):
    """The data spec of one run: the model's own keys (``MODEL_KEYS``), the others ``None``;
    a file's path made absolute and its ``n_visible`` read from the file."""
    model = data["model"]
    values = {key: data.get(key) for key in MODEL_KEYS[model]}
    if model == "digits":
        values["n_visible"] = DIGITS_PIXELS
    if model == "file":
        from .data.files import file_shape

        values["path"] = str(Path(values["path"]).resolve())
        values["n_visible"] = int(file_shape(values["path"])[1])
    if values.get("beta") is not None:
        values["beta"] = float(values["beta"])
    if values.get("couplings") is not None:
        values["couplings"] = tuple(float(value) for value in values["couplings"])
    n_samples = alpha_to_n_samples(values["n_visible"], data["alpha"]) if "alpha" in data \
        else data["n_samples"]
    return DataSpec(model=model, n_visible=values.pop("n_visible", None),
                    beta=values.pop("beta", None), n_samples=int(n_samples),
                    n_test=int(data["n_test"]), seed=int(data.get("seed", seed)), **values)


def _unit_key_taken(key, rbm):
    """Whether an rbm key applies to the run's unit types (``UNIT_KEYS``)."""
    owners = [unit for unit, keys in UNIT_KEYS.items() if key in keys]
    return not owners or any(rbm[layer] == unit for layer, unit in owners)


def _resolved_rbm(rbm):
    return RBMSpec(**{field.name: rbm.get(field.name) if _unit_key_taken(field.name, rbm)
                      else None for field in dataclasses.fields(RBMSpec)})


def _resolved_train(train):
    values = {field.name: train.get(field.name) for field in dataclasses.fields(TrainSpec)}
    if values["algorithm"] != "tap":
        values["tap_order"] = None
    if values["algorithm"] not in MEAN_FIELD_ALGORITHMS:
        for key in MEAN_FIELD_KEYS:
            values[key] = None
    values["ais"] = {**defaults("train")["ais"], **(values["ais"] or {})}
    return TrainSpec(**values)


def group_jobs(study, runs):
    """Runs grouped into jobs of ``seeds_per_job`` consecutive seeds of one sweep point, by
    job id (``<point>/seed~0+1+2``)."""
    size = study.get("seeds_per_job", 1)
    by_point = {}
    for run in runs:
        by_point.setdefault(run.point, []).append(run)
    jobs = {}
    for point, point_runs in by_point.items():
        for start in range(0, len(point_runs), size):
            chunk = point_runs[start:start + size]
            seeds = "+".join(str(run.seed) for run in chunk)
            jobs[f"{point}/seed~{seeds}".lstrip("/")] = tuple(chunk)
    return jobs


# -- the whole sweep ----------------------------------------------------------------------------
def all_runs(config):
    """Runs of every study, by study name then run id."""
    return {name: {run.run_id: run for run in expand(name, study)}
            for name, study in config["studies"].items()}


def all_jobs(config):
    """Jobs of every study (tuples of runs), by study name then job id."""
    return {name: group_jobs(study, expand(name, study))
            for name, study in config["studies"].items()}


def all_datasets(config):
    """Every data set any study uses, by dataset id."""
    return {run.data.id: run.data for runs in all_runs(config).values() for run in runs.values()}
