"""Unlimited data: a fresh exact training set at every epoch (docs/physics.md §17.1).

``FreshData(model, n_samples, seed, **keys)`` is a callable ``epoch -> configurations``: the
training set of epoch ``e`` is ``make_dataset(model, n_samples, 0, seed_e, **keys)``, the very
code path that makes the sweep's data sets, with ``seed_e`` derived from (data seed, epoch)
through numpy's ``SeedSequence`` (a 63-bit integer, unrelated to the small data seeds and to
every other epoch's).  So a run on fresh data is deterministic and needs no data state to
resume: epoch e's set is a function of (seed, e) alone.  Only data models that can be drawn
again (``REDRAWABLE_MODELS``: the exact ring samplers) are accepted; a data set read from a
file or scikit-learn's digits cannot be redrawn, and asking for it raises.

``train(rbm, v, fresh_data=FreshData(...))`` trains epoch e on ``FreshData(...)(e)``, e = 1, 2,
...; ``v`` is then only where the persistent chains start and the log-likelihood's training
data.  ``train`` also takes any callable ``epoch -> array`` of the shape of ``v``, or the data
spec as a dict (``FreshData.from_spec``), which is what the workflow passes.
"""

import dataclasses
import zlib

import numpy as np

from ..config import REDRAWABLE_MODELS

#: purpose tag of the fresh data sets' seeds (unrelated to every other use of a data seed)
_PURPOSE_FRESH = zlib.crc32(b"rbmsweep.data.fresh")


def epoch_seed(seed, epoch):
    """The seed of epoch ``epoch``'s fresh training set, from the data seed: 63 bits of numpy's
    ``SeedSequence((seed, purpose, epoch))``."""
    state = np.random.SeedSequence([int(seed), _PURPOSE_FRESH, int(epoch)]).generate_state(
        1, np.uint64)[0]
    return int(state >> np.uint64(1))


@dataclasses.dataclass(frozen=True)
class FreshData:
    """A fresh exact training set of ``n_samples`` configurations at every epoch.

    ``model`` and ``keys`` are those of ``rbmsweep.data.make_dataset`` (e.g. ``n_visible`` and
    ``beta`` for ising); ``seed`` is the data seed.  Calling it with an epoch returns that
    epoch's configurations (int8, ``(n_samples, n_visible)``).
    """

    model: str
    n_samples: int
    seed: int
    keys: tuple = ()

    def __init__(self, model, n_samples, seed, **keys):
        if model not in REDRAWABLE_MODELS:
            raise ValueError(
                f"fresh_data: data of model {model!r} cannot be drawn afresh (a fixed data set); "
                f"only {', '.join(REDRAWABLE_MODELS)} data can")
        if isinstance(n_samples, bool) or int(n_samples) != n_samples or n_samples < 1:
            raise ValueError(f"fresh_data: n_samples {n_samples!r} is not allowed; it must be an "
                             "integer ≥ 1")
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "n_samples", int(n_samples))
        object.__setattr__(self, "seed", int(seed))
        object.__setattr__(self, "keys", tuple(sorted(
            (key, tuple(value) if isinstance(value, list) else value)
            for key, value in keys.items() if value is not None)))

    @classmethod
    def from_spec(cls, spec):
        """From a data spec: ``rbmsweep.config.DataSpec`` or the dict of its ``arguments()``
        (``n_test`` is ignored: fresh sets are training sets)."""
        values = dict(spec.arguments() if hasattr(spec, "arguments") else spec)
        values.pop("n_test", None)
        try:
            model, n_samples, seed = (values.pop(key) for key in ("model", "n_samples", "seed"))
        except KeyError as missing:
            raise ValueError(f"fresh_data: the data spec needs {missing.args[0]!r} (with model, "
                             "n_samples, seed and the model's keys)") from None
        return cls(model, n_samples, seed, **values)

    def __call__(self, epoch):
        from . import make_dataset

        train, _ = make_dataset(self.model, self.n_samples, 0, epoch_seed(self.seed, epoch),
                                **dict(self.keys))
        return train

    def describe(self):
        """What determines the data sets, as a JSON-able dict (checkpoints and run attributes)."""
        return {"model": self.model, "n_samples": self.n_samples, "seed": self.seed,
                **{key: list(value) if isinstance(value, tuple) else value
                   for key, value in self.keys}}


def resolve(fresh_data):
    """``train``'s ``fresh_data`` as ``None`` (off) or a callable ``epoch -> configurations``:
    ``False``/``None`` is off, a callable is used as it is, a dict is a data spec
    (``FreshData.from_spec``); ``True`` alone does not say what to draw and raises."""
    if fresh_data is None or fresh_data is False:
        return None
    if fresh_data is True:
        raise ValueError(
            "fresh_data: True does not say which data to draw; pass "
            "rbmsweep.data.FreshData(model, n_samples, seed, **keys), the data spec as a dict, "
            "or a callable epoch -> configurations")
    if isinstance(fresh_data, dict):
        return FreshData.from_spec(fresh_data)
    if callable(fresh_data):
        return fresh_data
    raise ValueError(f"fresh_data: {fresh_data!r} is not allowed; allowed: False, a "
                     "FreshData, a data spec (dict) or a callable epoch -> configurations")


def describe(sampler):
    """A JSON-able description of a resolved sampler (``FreshData.describe``, else the
    callable's qualified name: a plain callable cannot be checked beyond its name)."""
    if hasattr(sampler, "describe"):
        return sampler.describe()
    return {"callable": f"{getattr(sampler, '__module__', '?')}."
                        f"{getattr(sampler, '__qualname__', type(sampler).__name__)}"}
