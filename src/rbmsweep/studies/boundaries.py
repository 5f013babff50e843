"""Where an order parameter rises along a sweep axis: the measured phase boundary of the
retarded-learning transition (docs/physics.md §17.4) — a helper of the retarded_learning
kind, not a kind.

Along the axis x (β at fixed α, or log α at fixed β), the logarithm of an order parameter goes
from the noise level of an overfitting RBM to the level of a place field, and keeps growing
slowly as the field widens with the correlation length.  The runs' values are fitted by the
logistic step

    log y(x) = low + (high − low) / (1 + exp(−(x − x_mid) / width)),

with ``low`` and ``high`` the mean log y at the first and last grid points and (x_mid, width)
fitted by least squares over all runs (``scipy.optimize.curve_fit``): the boundary is the
midpoint x_mid, where log y is halfway between the two plateaus.  Its error is the jackknife
over the runs' seeds (the fit repeated leaving out one seed at a time: s.e.² = (n − 1)/n
Σ (x_mid,i − mean)²), so that it is the spread between data sets that sets it.  A step needs at
least 5 points along x and 2 seeds; one whose rise high − low is not ``MIN_RISE`` standard
errors above zero has no midpoint (NaN): the order parameter did not rise within the grid.
"""

import numpy as np
import xarray as xr
from scipy import optimize

#: a rise must exceed this many standard errors of the points' means
MIN_RISE = 3.0
#: fewest grid points along the axis and fewest seeds
MIN_POINTS = 5
MIN_SEEDS = 2


def logistic_step(x, low, high, mid, width):
    """low + (high − low) / (1 + exp(−(x − mid)/width)), without overflow."""
    return low + (high - low) * 0.5 * (1.0 + np.tanh((np.asarray(x) - mid) / (2.0 * width)))


def _fit(x, y):
    """(low, high, mid, width) of the logistic step through the points (x, y): low and high
    the mean y at the first and last grid points, mid and width fitted; NaN if it fails."""
    good = np.isfinite(x) & np.isfinite(y)
    x, y = x[good], y[good]
    grid = np.unique(x)
    if grid.size < MIN_POINTS:
        return np.full(4, np.nan)
    low, high = y[x == grid[0]].mean(), y[x == grid[-1]].mean()
    span = grid[-1] - grid[0]
    means = np.array([y[x == value].mean() for value in grid])
    above = np.flatnonzero((means - 0.5 * (low + high)) * np.sign(high - low) >= 0)
    guess = grid[above[0]] if above.size else grid[len(grid) // 2]

    def step(x, mid, width):
        return logistic_step(x, low, high, mid, width)

    try:
        (mid, width), _ = optimize.curve_fit(
            step, x, y, p0=[guess, span / 10], bounds=([grid[0], span / 200], [grid[-1], span]),
            maxfev=20_000)
    except (RuntimeError, ValueError):
        return np.full(4, np.nan)
    return np.array([low, high, mid, width])


def step_midpoint(x, y, seed_index):
    """Midpoint of the step along x of the runs' values y (flat arrays; ``seed_index`` the run
    of each point), its jackknife standard error over seeds, and the fitted rise high − low
    with its standard error (of the rise, from the points' scatter about their means).
    Returns (mid, mid_stderr, rise, rise_stderr); NaN mid when the rise is not significant."""
    parameters = _fit(x, y)
    seeds = np.unique(seed_index[np.isfinite(y)])
    grid = np.unique(x[np.isfinite(y)])
    if not np.all(np.isfinite(parameters)) or seeds.size < MIN_SEEDS:
        return np.nan, np.nan, np.nan, np.nan
    low, high, mid, _ = parameters
    ends = [y[(x == value) & np.isfinite(y)] for value in (grid[0], grid[-1])]
    rise_stderr = float(np.sqrt(sum(np.var(end, ddof=1) / end.size if end.size > 1 else 0.0
                                    for end in ends)))
    rise = high - low
    if not abs(rise) > MIN_RISE * rise_stderr:
        return np.nan, np.nan, rise, rise_stderr
    jackknife = np.array([_fit(x[seed_index != seed], y[seed_index != seed])[2]
                          for seed in seeds])
    jackknife = jackknife[np.isfinite(jackknife)]
    n = jackknife.size
    stderr = np.sqrt((n - 1) / n * np.sum((jackknife - jackknife.mean()) ** 2)) if n > 1 else np.nan
    return mid, stderr, rise, rise_stderr


def _midpoint_over(values, coordinate, seeds):
    """``step_midpoint`` for values (axis, seed, …) flattened, x repeated over the rest."""
    x = np.broadcast_to(coordinate.reshape(-1, *[1] * (values.ndim - 1)), values.shape).ravel()
    seed_index = np.broadcast_to(seeds.reshape(1, -1, *[1] * (values.ndim - 2)),
                                 values.shape).ravel()
    return step_midpoint(x, values.ravel(), seed_index)


def boundary(values, axis, log=False):
    """Where ``values`` (a positive order parameter: a DataArray with dims ``axis``, ``seed``
    and possibly ``hidden``, pooled) rises along ``axis``, per value of its remaining sweep dims
    (docs/physics.md §17.4): the logistic step of log(values), a Dataset of ``midpoint``,
    ``midpoint_stderr``, ``rise`` (of log y) and ``rise_stderr``.  ``log``: fit along
    log(axis) and return the midpoint in the axis' units (its error propagated)."""
    values = np.log(values.where(values > 0))
    pooled = ["hidden"] if "hidden" in values.dims else []  # the units of a run, together
    other = [dim for dim in values.dims if dim not in (axis, "seed", *pooled)]
    ordered = values.transpose(*other, axis, "seed", *pooled)
    coordinate = np.asarray(values[axis].values, dtype=float)
    coordinate = np.log(coordinate) if log else coordinate
    seeds = np.arange(values.sizes["seed"])
    mid, stderr, rise, rise_stderr = xr.apply_ufunc(
        _midpoint_over, ordered, kwargs={"coordinate": coordinate, "seeds": seeds},
        input_core_dims=[[axis, "seed", *pooled]], output_core_dims=[[], [], [], []],
        vectorize=True)
    if log:
        mid, stderr = np.exp(mid), np.exp(mid) * stderr
    return xr.Dataset({"midpoint": mid, "midpoint_stderr": stderr, "rise": rise,
                       "rise_stderr": rise_stderr})
