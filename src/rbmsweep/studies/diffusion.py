"""Diffusion of the place fields (HTCM20 §III.3, Figs. 5-6; docs/physics.md §11.4): after
the field has formed, its centre wanders along the ring; with many training samples the motion
is free diffusion, with fewer the data's inhomogeneities trap it.

From the peak centres of every snapshot (``rbmsweep.observables.peak_center``, circular mean
on the ring):

- trajectories unwrapped across the periodic boundary (``unwrap_centers``: a jump of more
  than N/2 between snapshots is taken as a crossing);
- the mean-square displacement over runs, ``MSD(τ) = ⟨(x(t0 + τ) − x(t0))²⟩``, from the first
  snapshot ``t0`` after a transient (the paper drops 20 epochs);
- the diffusion coefficient from the least-squares line ``MSD = 2 D τ + c`` (the intercept
  absorbs the noise of the centre estimate), with the standard error over runs: the fit is
  linear in the MSD, so D is the mean of the per-run slopes and its error their standard
  error (independent runs; the hidden units of one run are averaged first, as they are not
  independent).  The error is an unbiased estimate of D's scatter, but one run's slope is
  a skewed quantity, so with few runs the ±1 error bar covers the true D less often than a
  Gaussian's would (on synthetic walks: ≈ 57 % of the time for 10 runs, 67 % for 40);
- the same fit on the time-averaged MSD (every window of τ epochs after the transient, up
  to a quarter of the fitted span but at least 2, averaged over windows, then runs): each
  run then gives many independent increments, so for a free walk this D is several times
  more precise, and its error bars have Gaussian coverage;
- for several hidden units, the ring distance between every pair of centres over time, and
  its spread, to compare with how far the centres travel (Fig. 6: they move together);
- D per epoch, per update and per unit of learning time ``t = ν × updates`` (the time of
  the gradient flow dw/dt = ⟨∂ log L⟩): stochastic gradient ascent is a Langevin dynamics
  of temperature ∝ ν / batch (the paper's noise amplitude √(ν / batch)), so free diffusion
  along the ring gives D per unit learning time ∝ ν / batch.

Everything is computed on the cube's own dims (sweep axes, ``seed``, ``hidden``, ``epoch``)
with xarray: no stacking of sweep points.
"""

import numpy as np
import xarray as xr

from ..observables import ring_distance, unwrap_centers
from ..io import sweep_dims
from .base import Figure, run_parameter, training_run

TRAINS = True

#: epochs dropped before the fit when the config says nothing (the paper's choice)
TRANSIENT_EPOCHS = 20


run = training_run


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


# -- the aggregate ------------------------------------------------------------------------------
#: the two fits of D: the paper's (MSD from the end of the transient) and the time-averaged one
ESTIMATORS = ("ensemble", "time_averaged")


def diffusion(cube, transient_epochs=TRANSIENT_EPOCHS):
    """``diffusion.nc`` of a study's cube: trajectories, MSD, D with its standard error over
    runs (both estimators), D per update and per learning time, pair distances of the
    centres; over the sweep axes other than ``seed`` (e.g. ``n_samples``, ``learning_rate``,
    ``batch_size``, ``n_hidden``).  docs/physics.md §11.4."""
    n_sites = cube.sizes["visible"]
    epochs = cube["epoch"].values
    start = transient_start(epochs, transient_epochs)
    axes = [dim for dim in sweep_dims(cube) if dim != "seed"]
    center = unwrapped(cube["peak_center"], n_sites).transpose(*axes, "seed", "hidden", "epoch")
    after = center.isel(epoch=slice(start, None))

    # the MSD since the end of the transient; windows up to a quarter of the span (at least 2
    # lags, for a line), if the snapshots are evenly spaced
    squared = {"ensemble": squared_displacements(center, start)}
    n_lags = squared["ensemble"].sizes["lag"]
    if len(np.unique(np.diff(epochs[start:]))) == 1:
        max_window = min(max(2, (n_lags - 1) // 4), n_lags - 1)
        squared["time_averaged"] = time_averaged_squared_displacements(center, start, max_window)
    else:  # no fixed lag per window: no time-averaged estimator
        squared["time_averaged"] = xr.full_like(
            squared["ensemble"].isel(lag=0, drop=True), np.nan).expand_dims(window_lag=[0], axis=-1)
    fits = xr.concat([fit_diffusion(squared[name], dim) for name, dim in
                      (("ensemble", "lag"), ("time_averaged", "window_lag"))],
                     dim=xr.DataArray(list(ESTIMATORS), dims="estimator"))
    fits = fits.transpose(*axes, "estimator", ...)
    msd = {name: values.mean("seed") for name, values in squared.items()}
    msd_stderr = {name: standard_error(values, "seed") for name, values in squared.items()}

    distance = pair_distances(center, n_sites).transpose(*axes, "seed", "pair", "epoch")
    pair_std = distance.isel(epoch=slice(start, None)).std("epoch")
    template = center.isel(seed=0, hidden=0, epoch=0, drop=True)
    updates, learning_rate, batch_size, n_samples = (
        run_parameter(cube, name, template) for name in
        ("updates_per_epoch", "learning_rate", "batch_size", "n_samples"))
    learning_time = learning_rate * updates
    temperature = learning_rate / batch_size

    def variable(values, long_name, units):
        return values.assign_attrs(long_name=long_name, units=units)

    d_units = "site^2/epoch"
    out = xr.Dataset({
        "center": variable(center, "place-field centre, unwrapped across the periodic boundary",
                           "site"),
        "msd": variable(msd["ensemble"], "mean-square displacement of the centres since the end "
                        "of the transient, mean over runs and hidden units", "site^2"),
        "msd_stderr": variable(msd_stderr["ensemble"], "standard error of the MSD over runs",
                               "site^2"),
        "msd_time_averaged": variable(msd["time_averaged"], "time-averaged MSD: over every "
                                      "window after the transient, then runs and hidden units",
                                      "site^2"),
        "msd_time_averaged_stderr": variable(msd_stderr["time_averaged"], "standard error of "
                                             "the time-averaged MSD over runs", "site^2"),
        "diffusion_coefficient": variable(fits["D"], "diffusion coefficient D from the fit "
                                          "MSD = 2 D lag + c, mean of the per-run fits", d_units),
        "diffusion_coefficient_stderr": variable(fits["D_stderr"], "standard error of D over runs",
                                                 d_units),
        "diffusion_coefficient_run": variable(fits["D_runs"], "D of each run (its hidden units "
                                              "averaged)", d_units),
        "msd_intercept": variable(fits["intercept"], "intercept c of the MSD fit (noise of the "
                                  "centre estimate)", "site^2"),
        "n_runs": variable(fits["n_runs"], "number of runs with a finite D", "1"),
        "updates_per_epoch": variable(updates, "parameter updates per epoch", "1"),
        "learning_time_per_epoch": variable(learning_time, "learning time per epoch, "
                                            "learning_rate x updates", "1"),
        "training_samples": variable(n_samples, "number of training samples", "1"),
        "noise_temperature": variable(temperature, "SGA noise temperature learning_rate / "
                                      "batch_size", "1"),
        "diffusion_per_update": variable(fits["D"] / updates, "D per parameter update", "site^2"),
        "diffusion_per_learning_time": variable(fits["D"] / learning_time, "D per unit learning "
                                                "time t = learning_rate x updates", "site^2"),
        "diffusion_per_learning_time_stderr": variable(
            fits["D_stderr"] / learning_time, "standard error of D per unit learning time",
            "site^2"),
        "rms_displacement": variable(np.sqrt(msd["ensemble"].isel(lag=-1, drop=True)),
                                     "root-mean-square displacement at the last lag", "site"),
        "max_step": variable(
            abs(after.diff("epoch")).max(["seed", "hidden", "epoch"]),
            "largest move of a centre between consecutive snapshots after the transient (near "
            "N/2 the unwrapping may take a crossing for a step back: snapshots too sparse for "
            "this D)", "site"),
        "pair_distance": variable(distance, "ring distance between the centres of a pair of "
                                  "hidden units", "site"),
        "pair_distance_mean": variable(distance.isel(epoch=slice(start, None)).mean("epoch"),
                                       "pair distance, mean over the snapshots after the "
                                       "transient", "site"),
        "pair_distance_std": variable(pair_std, "pair distance, standard deviation over the "
                                      "snapshots after the transient (small when the centres "
                                      "move together)", "site"),
        "pair_distance_spread": variable(pair_std.mean(["seed", "pair"]), "pair-distance "
                                         "standard deviation, mean over runs and pairs; compare "
                                         "with rms_displacement", "site"),
    })
    coordinate_attrs = {
        "estimator": {"long_name": "MSD since the end of the transient (the paper's), or "
                                   "time-averaged over windows"},
        "seed": {"long_name": "run seed"},
        "hidden": {"long_name": "hidden unit"},
        "epoch": {"long_name": "training epoch", "units": "epoch"},
        "lag": {"long_name": "epochs since the end of the transient", "units": "epoch"},
        "window_lag": {"long_name": "window length", "units": "epoch"},
        "pair": {"long_name": "pair of hidden units"},
    }
    for name, attrs in coordinate_attrs.items():
        out[name].attrs = attrs
    for dim in axes:
        out[dim].attrs = dict(cube[dim].attrs)
    out.attrs.update(
        description="place-field diffusion (paper Figs. 5-6)", n_visible=n_sites,
        transient_epochs=int(transient_epochs), fit_start_epoch=int(epochs[start]),
        fit="MSD(lag) = 2 D lag + c, least squares over lag > 0, per run; D = mean over runs, "
            "stderr = std / sqrt(runs)")
    return out


AGGREGATES = {"diffusion": diffusion}

FIGURES = {
    "trajectories": Figure("diffusion", "diffusion:trajectories"),  # Figs. 5a, 6
    "msd": Figure("diffusion", "diffusion:msd"),  # Fig. 5b
    "pair_distances": Figure("diffusion", "diffusion:pair_distances"),  # Fig. 6
    "diffusion_vs_noise": Figure("diffusion", "diffusion:diffusion_vs_noise"),
    "diffusion_vs_samples": Figure("diffusion", "diffusion:diffusion_vs_samples"),
}
