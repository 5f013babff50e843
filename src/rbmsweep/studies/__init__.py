"""Study kinds: what each kind of study computes from its cube, and which files it makes.

One module per kind.  Each defines ``TRAINS`` (whether its runs train RBMs or only look at
data) and ``OUTPUTS`` (files under ``results/<study>/`` that ``snakemake`` builds for it), plus
the aggregate functions the workflow's scripts call.  ``rbmsweep.config`` reads the registry
to validate a study's kind; the workflow's ``rule all`` reads ``OUTPUTS``.
"""

from ..io import RUN_DIMS
from . import place_cells

KINDS = {"place_cells": place_cells}


def sweep_dims(cube):
    """The sweep axes of a cube (everything but the per-run dims), in cube order."""
    return [dim for dim in cube.dims if dim not in RUN_DIMS]


def final(cube):
    """The cube at each run's last snapshot."""
    return cube.isel(epoch=-1)
