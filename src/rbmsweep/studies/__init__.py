"""Study kinds: what one run of each kind computes, what its cube reduces to, which figures
it draws (``rbmsweep.studies.base`` says what a kind module holds).

Each kind is one module; ``KINDS`` is the registry.  The workflow asks each kind for its
outputs (``outputs``), runs its runs (``run``), its aggregates (``aggregate``) and its
figures (``figure``).
"""

from . import (diffusion, gaussian_modes, place_cells, retarded_learning, small_beta, spectrum,
               training_algorithms, weight_spectrum, xy_diffusion, xy_fields, xy_spectrum,
               xy_transitions)
from .base import Claim, Figure, Outcome, label_run

KINDS = {
    "place_cells": place_cells,
    "spectrum": spectrum,
    "retarded_learning": retarded_learning,
    "diffusion": diffusion,
    "small_beta": small_beta,
    "training_algorithms": training_algorithms,
    "weight_spectrum": weight_spectrum,
    "gaussian_modes": gaussian_modes,
    "xy_spectrum": xy_spectrum,
    "xy_fields": xy_fields,
    "xy_transitions": xy_transitions,
    "xy_diffusion": xy_diffusion,
}


def outputs(kind):
    """Files under ``results/<study>/`` that a study of this kind makes."""
    module = KINDS[kind]
    return (["cube.nc"] + [f"{name}.nc" for name in module.AGGREGATES]
            + [f"figures/{name}.png" for name in module.FIGURES])


def aggregate(kind, name, cube, **options):
    """The aggregate ``name`` of a study's cube, with the study's ``analysis`` options."""
    try:
        function = KINDS[kind].AGGREGATES[name]
    except KeyError:
        raise ValueError(f"aggregate {name!r} of kind {kind!r} is unknown; known: "
                         f"{', '.join(KINDS[kind].AGGREGATES)}") from None
    return function(cube, **options)


def figure(kind, name):
    """The ``Figure`` entry ``name`` of a kind's table."""
    try:
        return KINDS[kind].FIGURES[name]
    except KeyError:
        raise ValueError(f"figure {name!r} of kind {kind!r} is unknown; known: "
                         f"{', '.join(KINDS[kind].FIGURES)}") from None


def claims(kind):
    """The ``Claim`` entries of a kind (its ``CLAIMS``; none if it declares none)."""
    return tuple(getattr(KINDS[kind], "CLAIMS", ()))


def run(spec, samples, test, **options):
    """One run of any kind, labelled with its parameters (dispatch on ``spec.kind``;
    ``options``: ``checkpoint``, ``checkpoint_every`` of a training run)."""
    module = KINDS[spec.kind]
    return label_run(module.run(spec, samples, test, **options), spec, module.TRAINS)


__all__ = ["Claim", "Figure", "KINDS", "Outcome", "aggregate", "claims", "figure", "label_run",
           "outputs", "run"]
