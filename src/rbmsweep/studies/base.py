"""What every study kind shares: the figure table's entries, one training run, and the labels
that let runs combine into a cube.

A study kind is a module of this package with

- ``TRAINS``: whether its runs train RBMs (or only look at their data);
- ``run(spec, samples, test, **options)``: one run (a ``rbmsweep.config.RunSpec``) as an
  ``xarray.Dataset``; ``options`` are how to train, not what (``checkpoint``,
  ``checkpoint_every``, ``threads``: they do not change the result), ignored by kinds that do
  not train;
- ``AGGREGATES``: ``results/<study>/<name>.nc`` computed from the study's cube, by name;
- ``FIGURES``: ``results/<study>/figures/<name>.png``, by name: what each is drawn from and
  the plotting function that draws it (``Figure``).
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Figure:
    """One figure of a study kind: ``source`` is what it is drawn from, ``"cube"``,
    ``"datasets"`` (one data set per data setting, those of the first seed) or the name of
    one of the kind's aggregates; ``draw`` is the plotting function, ``"module:function"`` in
    ``rbmsweep.plots`` (imported only when the figure is drawn)."""

    source: str
    draw: str


def training_run(spec, samples, test, **options):
    """Train the RBM of one run and return its dataset (``rbmsweep.training.train``;
    ``options``: its ``checkpoint``, ``checkpoint_every`` and ``threads``)."""
    from ..rbm import RBM
    from ..training import train

    # potts units take their number of states from the data's
    states = {"q": spec.data.q} if spec.rbm.visible == "potts" else {}
    rbm = RBM(n_visible=samples.shape[1], seed=spec.seed, **states, **spec.rbm.arguments())
    return train(rbm, samples, test=test if len(test) else None, seed=spec.seed,
                 **options, **spec.train.arguments())


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
