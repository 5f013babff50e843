"""Trajectories of place-field centres and their mean-square displacement (docs/physics.md
§11.4, §17.2): the estimators of the diffusion kind (``rbmsweep.studies.diffusion``), on the
cube's own dims with xarray.

- ``unwrapped``: circular-mean centres made continuous across the periodic boundary;
- ``translation_mode_centers``: the coordinate of each profile along its own translation mode
  (template matching against the run's mean aligned profile, ``observables.translation``);
- ``squared_displacements`` (since the end of the transient) and
  ``time_averaged_squared_displacements`` (over every window), ``fit_diffusion`` (the line
  MSD = 2 D τ + c per run, D ± standard error over runs), ``pair_distances``;
- ``power_law``: the exponent of D against the SGA noise ν/B.
"""

import numpy as np
import xarray as xr

from ..observables import orient, ring_distance, unwrap_centers
from ..observables.translation import aligned_mean_profile, matched_center

# -- trajectories -------------------------------------------------------------------------------
def transient_start(epochs, transient_epochs):
    """Index of the first snapshot at or after ``transient_epochs``."""
    later = np.flatnonzero(np.asarray(epochs) >= transient_epochs)
    if len(later) < 3:
        raise ValueError(
            f"analysis.transient_epochs: {transient_epochs} leaves {len(later)} snapshots; the "
            f"fit needs at least 3 (snapshot epochs {np.asarray(epochs).tolist()})")
    return int(later[0])


def unwrapped(centers, n_sites):
    """Centre trajectories (any dims with ``epoch``) unwrapped along ``epoch``
    (``rbmsweep.observables.unwrap_centers``; docs/physics.md §5.7)."""
    return xr.apply_ufunc(unwrap_centers, centers, kwargs={"n_sites": n_sites},
                          input_core_dims=[["epoch"]], output_core_dims=[["epoch"]])


# -- MSD and D ----------------------------------------------------------------------------------
def squared_displacements(trajectories, start):
    """(x(t0 + τ) − x(t0))² from snapshot index ``start`` on, mean over the hidden units
    (NaN units skipped): ``trajectories`` (…, hidden, epoch) unwrapped → (…, lag), the lag
    τ in epochs since t0 = ``epoch[start]`` (docs/physics.md §11.4)."""
    after = trajectories.isel(epoch=slice(start, None))
    lags = after["epoch"].values - after["epoch"].values[0]
    squared = ((after - after.isel(epoch=0)) ** 2).mean("hidden")
    return squared.rename(epoch="lag").assign_coords(lag=lags)


def time_averaged_squared_displacements(trajectories, start, max_window):
    """Squared displacement over every window of ``τ`` snapshots after ``start``, mean over
    the windows and the hidden units: (…, hidden, epoch) → (…, window_lag), τ = 0..max_window
    snapshots, the window_lag in epochs (the snapshots must be evenly spaced;
    docs/physics.md §11.4)."""
    after = trajectories.isel(epoch=slice(start, None))
    spacing = after["epoch"].values[1] - after["epoch"].values[0]
    windows = [((after.shift(epoch=-tau) - after) ** 2).mean(["hidden", "epoch"])
               for tau in range(max_window + 1)]
    return xr.concat(windows, dim="window_lag").transpose(..., "window_lag").assign_coords(
        window_lag=np.arange(max_window + 1) * spacing)


def fit_diffusion(squared, dim="lag"):
    """D from squared displacements (…, seed, ``dim``) (each run's own mean over its hidden
    units), by the least-squares line MSD(τ) = 2 D τ + c over the lags τ > 0 of each run
    (``DataArray.polyfit``; a run with fewer than 2 finite lags has no D).

    Returns a Dataset over the other dims: ``D`` (mean over runs of the per-run D = slope / 2,
    equal to the fit of the run-averaged MSD when no run has gaps), ``D_stderr`` (standard
    error over runs, NaN for a single run), ``intercept`` (mean of the per-run c),
    ``D_runs`` (per run) and ``n_runs`` (runs with a finite D); docs/physics.md §11.4.
    """
    fitted = squared.sel({dim: squared[dim] > 0})
    if fitted.sizes[dim] >= 2:
        fitted = fitted.where(fitted.count(dim) >= 2)
        coefficients = fitted.polyfit(dim, deg=1, skipna=True)["polyfit_coefficients"]
        slope, intercept = (coefficients.sel(degree=degree, drop=True) for degree in (1, 0))
    else:  # no line through fewer than 2 lags
        slope = intercept = xr.full_like(squared.isel({dim: 0}, drop=True), np.nan)
    d_runs = slope / 2.0
    n_runs = d_runs.count("seed")
    return xr.Dataset({
        "D": d_runs.mean("seed"),
        "D_stderr": standard_error(d_runs, "seed"),
        "intercept": intercept.where(d_runs.notnull()).mean("seed"),
        "D_runs": d_runs,
        "n_runs": n_runs,
    })


def standard_error(values, dim):
    """Standard error of the mean along ``dim``, std (ddof 1) / √count over the finite values;
    NaN where fewer than 2."""
    count = values.count(dim)
    return (values.std(dim, ddof=1) / np.sqrt(count)).where(count > 1)


def pair_distances(trajectories, n_sites):
    """Ring distance between every pair of hidden units: (…, hidden, epoch) → (…, pair,
    epoch), pairs (0,1), (0,2), ..., (1,2), ... labelled "0-1", ...; a single ``pair`` "none"
    of NaN if there is one hidden unit (docs/physics.md §11.4)."""
    n_hidden = trajectories.sizes["hidden"]
    pairs = [(a, b) for a in range(n_hidden) for b in range(a + 1, n_hidden)]
    if not pairs:
        nan = xr.full_like(trajectories.isel(hidden=0, drop=True), np.nan)
        return nan.expand_dims(pair=["none"], axis=-2)
    distances = [xr.apply_ufunc(ring_distance, trajectories.isel(hidden=a, drop=True),
                                trajectories.isel(hidden=b, drop=True),
                                kwargs={"n_sites": n_sites})
                 for a, b in pairs]
    return xr.concat(distances, dim="pair").assign_coords(pair=[f"{a}-{b}" for a, b in pairs])


# -- the coordinate along the translation mode --------------------------------------------------
def _unit_translation_mode(profiles, centers, start):
    """One unit's snapshots (epoch, visible) and circular-mean centres (epoch): its template
    (the mean of the oriented profiles from ``start`` on, each moved to centre 0) and the
    matched centre of every snapshot from ``start`` on (NaN before)."""
    oriented = np.array([orient(profile) for profile in profiles])
    template = aligned_mean_profile(oriented[start:], centers[start:])
    matched = np.full(len(profiles), np.nan)
    if np.all(np.isfinite(template)):
        matched[start:] = [matched_center(profile, template) for profile in oriented[start:]]
    return matched, template


def translation_mode_centers(weights, centers, start):
    """The coordinate of every profile along its translation mode (docs/physics.md §17.2):
    per run and hidden unit a template, the mean of its oriented profiles from snapshot
    ``start`` on, each moved so that its circular-mean centre is at 0
    (``observables.translation.aligned_mean_profile``); then at every snapshot from ``start``
    on the shift that best matches the template (``matched_center``), NaN before.

    Unlike the circular mean, which a broad, slowly relaxing background of the profile (the
    ring's long-wavelength modes) moves as much as the field itself, this coordinate moves
    only when the field moves.  ``weights`` (…, epoch, visible, hidden), ``centers``
    (…, hidden, epoch) → (centres (…, hidden, epoch), unwrapped; templates (…, hidden,
    visible))."""
    n_sites = weights.sizes["visible"]
    matched, templates = xr.apply_ufunc(
        _unit_translation_mode, weights, centers, kwargs={"start": start},
        input_core_dims=[["epoch", "visible"], ["epoch"]],
        output_core_dims=[["epoch"], ["visible"]], vectorize=True)
    return unwrapped(matched, n_sites), templates


# -- the law D(ν/B) -----------------------------------------------------------------------------
def _power_law(x, y, error):
    """Weighted least-squares line log y = a + p log x over the points with finite y > 0 and a
    finite error: (p, its standard error, a).  The weights are 1/σ² of log y (σ = error/y);
    the standard error is scaled by the fit's reduced χ² when it exceeds 1 (scatter beyond the
    stated errors).  NaN when fewer than 3 distinct x remain."""
    good = np.isfinite(x) & np.isfinite(y) & (y > 0) & np.isfinite(error) & (error > 0)
    if np.unique(x[good]).size < 3:
        return np.nan, np.nan, np.nan
    log_x, log_y, sigma = np.log(x[good]), np.log(y[good]), error[good] / y[good]
    design = np.stack([log_x, np.ones_like(log_x)], axis=1) / sigma[:, None]
    target = log_y / sigma
    coefficients, *_ = np.linalg.lstsq(design, target, rcond=None)
    covariance = np.linalg.inv(design.T @ design)
    dof = good.sum() - 2
    chi2 = float(np.sum((design @ coefficients - target) ** 2)) / dof if dof > 0 else 1.0
    scale = max(chi2, 1.0)
    return coefficients[0], float(np.sqrt(covariance[0, 0] * scale)), coefficients[1]


def power_law(values, errors, x, dims):
    """The exponent p of values ∝ x^p over the dims ``dims`` (e.g. the SGA noise ν/B over
    ``learning_rate`` and ``batch_size``), with its standard error, per value of the other
    dims (docs/physics.md §17.2): a Dataset of ``exponent``, ``exponent_stderr``,
    ``prefactor`` (e^a)."""
    dims = [dim for dim in dims if dim in values.dims]
    if not dims:
        nan = xr.full_like(values, np.nan, dtype=float)
        return xr.Dataset({"exponent": nan, "exponent_stderr": nan, "prefactor": nan})
    stacked = [array.broadcast_like(values).stack(noise=dims) for array in (x, values, errors)]
    exponent, stderr, intercept = xr.apply_ufunc(
        _power_law, *stacked, input_core_dims=[["noise"]] * 3, output_core_dims=[[], [], []],
        vectorize=True)
    return xr.Dataset({"exponent": exponent, "exponent_stderr": stderr,
                       "prefactor": np.exp(intercept)})
