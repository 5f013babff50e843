"""Study kinds: what one run of each kind computes, what its cube reduces to, which files
it makes.

One module per kind.  Each defines ``TRAINS`` (whether its runs train RBMs or only look at
data), ``OUTPUTS`` (files under ``results/<study>/`` that ``rule all`` asks for) and
``run(spec, samples, test)`` (one job: the run's dataset), plus the aggregate functions the
workflow's scripts call.  ``rbmsweep.config`` reads the registry to validate a study's kind.
"""

from . import diffusion, place_cells, retarded_learning, small_beta, spectrum
from .base import sweep_dims

KINDS = {
    "place_cells": place_cells,
    "spectrum": spectrum,
    "retarded_learning": retarded_learning,
    "diffusion": diffusion,
    "small_beta": small_beta,
}


#: aggregates by output file stem (``results/<study>/<stem>.nc``), each a function of the cube
AGGREGATES = {
    "widths": place_cells.place_field_widths,
    "crossover": spectrum.crossover,
    "phase_diagram": retarded_learning.phase_diagram,
    "diffusion": diffusion.diffusion,
    "small_beta": small_beta.small_beta,
}


def aggregate(name, cube):
    """The aggregate ``name`` of a study's cube."""
    try:
        function = AGGREGATES[name]
    except KeyError:
        raise ValueError(f"aggregate {name!r} is unknown; known: {', '.join(AGGREGATES)}") from None
    return function(cube)


def run(spec, samples, test):
    """The dataset of one run of any kind (dispatch on ``spec["kind"]``)."""
    return KINDS[spec["kind"]].run(spec, samples, test)


__all__ = ["AGGREGATES", "KINDS", "aggregate", "run", "sweep_dims"]
