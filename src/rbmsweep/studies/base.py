"""What every study kind shares: the figure table's entries, one training run, and the labels
that let runs combine into a cube.

A study kind is a module of this package with

- ``TRAINS``: whether its runs train RBMs (or only look at their data);
- ``MODELS`` (optional): the data models its studies take (any when absent);
- ``check(prefix, study)`` (optional): what else it asks of a study's config, as problems in
  the words of ``rbmsweep.schema.problem`` (checked at validation, before any job);
- ``run(spec, samples, test, **options)``: one run (a ``rbmsweep.config.RunSpec``) as an
  ``xarray.Dataset``; ``options`` are how to train, not what (``checkpoint``,
  ``checkpoint_every``, ``threads``: they do not change the result), ignored by kinds that do
  not train;
- ``AGGREGATES``: ``results/<study>/<name>.nc`` computed from the study's cube, by name;
- ``FIGURES``: ``results/<study>/figures/<name>.png``, by name: what each is drawn from and
  the plotting function that draws it (``Figure``);
- ``CLAIMS`` (optional): the paper's claims that a study of the kind can check, as ``Claim``
  entries (``rbmsweep.reproduction`` evaluates them into ``results/reproduction.md``).

Adding a row to the reproduction table is adding a ``Claim`` to the kind's ``CLAIMS``: the
claim in words, the figure, the paper's value where it gives one, the aggregates it reads and a
``check(aggregates) -> Outcome`` that returns what was measured and whether it passes
(``passed=None`` when the study does not measure it, e.g. a diffusion study without fresh data
for a fresh-data claim; the reason goes in ``measured``).  ``aggregates`` maps each name of
``needs`` to the study's opened aggregate (an ``xarray.Dataset``).  A check reads the
aggregates only, never the cube, and never raises for a study it does not apply to.
"""

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class Figure:
    """One figure of a study kind: ``source`` is what it is drawn from, ``"cube"``,
    ``"datasets"`` (one data set per data setting, those of the first seed) or the name of
    one of the kind's aggregates; ``draw`` is the plotting function, ``"module:function"`` in
    ``rbmsweep.plots`` (imported only when the figure is drawn)."""

    source: str
    draw: str


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a claim's check found: ``measured`` in words (with numbers and errors) and
    ``passed`` (True, False, or None when the study does not measure the claim)."""

    measured: str
    passed: bool | None


@dataclasses.dataclass(frozen=True)
class Claim:
    """One claim of a paper that a study kind can check (a row of the reproduction table):
    ``claim`` in words, ``figure`` (e.g. "HTCM20 Fig. 5b"), ``paper`` (the paper's value or
    statement, "" where it gives none), ``needs`` (the kind's aggregates it reads) and
    ``check(aggregates) -> Outcome``; ``criterion`` says in words when it passes."""

    claim: str
    figure: str
    paper: str
    criterion: str
    needs: tuple
    check: object


def training_run(spec, samples, test, **options):
    """Train the RBM of one run and return its dataset (``rbmsweep.training.train``;
    ``options``: its ``checkpoint``, ``checkpoint_every`` and ``threads``).  With
    ``train.fresh_data`` every epoch trains on a fresh set of the run's data model
    (``rbmsweep.data.FreshData``)."""
    from ..rbm import RBM
    from ..training import train

    arguments = spec.train.arguments()
    if arguments.get("fresh_data"):  # unlimited data: a fresh set of the run's data model
        arguments["fresh_data"] = spec.data.arguments()
    # potts units take their number of states from the data's
    states = {"q": spec.data.q} if spec.rbm.visible == "potts" else {}
    rbm = RBM(n_visible=samples.shape[1], seed=spec.seed, **states, **spec.rbm.arguments())
    return train(rbm, samples, test=test if len(test) else None, seed=spec.seed,
                 **options, **arguments)


def final_rbm(run, spec, epoch=-1):
    """The RBM of a run's snapshot (default the last), before ``label_run``: the run's unit
    types and parameters, with that snapshot's weights and fields."""
    from ..rbm import RBM

    rbm = RBM(n_visible=run.sizes["visible"], seed=spec.seed, **spec.rbm.arguments())
    snap = run.isel(epoch=epoch)
    rbm.weights = np.array(snap["weights"].values, dtype=np.float64)
    rbm.visible_fields = np.array(snap["visible_fields"].values, dtype=np.float64)
    rbm.hidden_fields = np.array(snap["hidden_fields"].values, dtype=np.float64)
    return rbm


def label_run(run, spec, trains):
    """A run's dataset with its parameters as coordinates (``RunSpec.coordinates``: the swept
    values as length-1 dimensions, in config order, the others as scalars; only the data's when
    the run does not train) and the attributes that say what made it."""
    import json

    from ..io import provenance

    swept, fixed = spec.coordinates(("data", "rbm", "train") if trains else ("data",))
    for name, (value, attrs) in reversed(swept.items()):  # expand_dims prepends
        run = run.expand_dims({name: [value]})
        run[name].attrs.update(attrs)
    for name, (value, attrs) in fixed.items():
        run = run.assign_coords({name: ((), value, attrs)})
    run.attrs.update({
        "study": spec.study, "kind": spec.kind, "run_id": spec.run_id, "seed": spec.seed,
        "config": json.dumps(spec.to_dict()), **provenance(),
    })
    return run


def run_parameter(cube, name, like):
    """A run parameter of a cube as a float array over the sweep axes of ``like``: a
    coordinate of every run (``beta``, ``learning_rate``, ``updates_per_epoch``, ...), swept
    or scalar (``label_run``)."""
    return cube[name].reset_coords(drop=True).astype("float64").broadcast_like(like)


def sweep_points(template, axes):
    """``(label, selection)`` of every point of ``template`` over its dims ``axes`` (all of
    them, or some: the rest stay in the entry), in stacking order: ``selection`` maps each axis
    to its value, ``label`` is ``"axis=value, ..."``; one point ``("", {})`` without axes."""
    if not axes:
        return [("", {})]
    out = []
    for values in template.stack(point=axes)["point"].values:
        values = values if isinstance(values, tuple) else (values,)
        selection = dict(zip(axes, values))
        out.append((", ".join(f"{key}={value}" for key, value in selection.items()), selection))
    return out


def seed_stderr(aggregate, std):
    """The standard error of a mean over seeds from their spread, std / sqrt(n_seeds) with
    ``n_seeds`` the aggregate's attribute; the spread itself (an upper bound) when the
    aggregate does not say how many seeds it averages."""
    seeds = aggregate.attrs.get("n_seeds")
    return std / np.sqrt(seeds) if seeds else std
