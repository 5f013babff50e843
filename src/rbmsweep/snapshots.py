"""The epochs at which a run records its weights (docs/physics.md §4): 0, the last epoch,
log-spaced epochs (the fast early dynamics) and evenly spaced ones (the slow drift), merged.

One home for the grid: ``rbmsweep.training`` records on it and ``rbmsweep.cost`` counts it.
"""

import numpy as np


def snapshot_epochs(epochs, n_log, n_linear):
    """0, ``epochs``, ``n_log`` log-spaced and ``n_linear`` evenly spaced epochs up to
    ``epochs`` (rounded to integers), sorted and without repeats."""
    log_grid = np.geomspace(1, max(epochs, 1), n_log) if n_log > 0 else []
    linear_grid = np.linspace(0, epochs, n_linear + 1) if n_linear > 0 else []
    grid = np.concatenate([[0, epochs], np.round(log_grid), np.round(linear_grid)])
    return np.unique(grid.astype(np.int64))


def resolve(snapshots, epochs):
    """The snapshot epochs of a run: ``snapshots`` is a mapping ``{"log": n, "linear": n}``
    (``snapshot_epochs``) or an explicit list of epochs in [0, ``epochs``]."""
    if isinstance(snapshots, dict):
        unknown = set(snapshots) - {"log", "linear"}
        if unknown or len(snapshots) != 2:
            raise ValueError(f"snapshots: {snapshots!r} is not allowed; give both 'log' and "
                             "'linear' (numbers of epochs), or a list of epochs")
        return snapshot_epochs(epochs, int(snapshots["log"]), int(snapshots["linear"]))
    grid = np.unique(np.asarray(snapshots, dtype=np.int64))
    if grid.size == 0 or grid.min() < 0 or grid.max() > epochs:
        raise ValueError(f"snapshots: epochs must lie in [0, {epochs}], got {grid.tolist()}")
    return grid
