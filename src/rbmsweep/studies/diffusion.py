"""Diffusion of the place fields (paper Figs. 5-6, DESIGN §3.4 and §4): after the field has
formed, its centre wanders along the ring; with many training samples the motion is free
diffusion, with fewer the data's inhomogeneities trap it.

From the peak centres of every snapshot (``peak_center``, circular mean on the ring):

- trajectories unwrapped across the periodic boundary (a jump of more than N/2 between
  snapshots is taken as a crossing);
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
"""

import math
import warnings
from contextlib import contextmanager

import numpy as np
import xarray as xr

from ..observables import ring_distance, unwrap_centers
from ..io import sweep_dims
from .base import Figure, training_run, unstack_points

TRAINS = True

#: epochs dropped before the fit when the config says nothing (the paper's choice)
TRANSIENT_EPOCHS = 20


def run(spec, samples, test, **options):
    """A training run, plus the constants that turn epochs into updates and learning time."""
    dataset = training_run(spec, samples, test, **options)
    learning_rate = spec.train.learning_rate
    batch_size = spec.train.batch_size
    updates = math.ceil(len(samples) / batch_size)  # the last mini-batch may be shorter
    dataset["learning_time_per_epoch"] = ((), learning_rate * updates, {
        "long_name": "learning time per epoch, learning_rate x updates", "units": "1"})
    dataset["training_samples"] = ((), len(samples), {
        "long_name": "number of training samples", "units": "1"})
    dataset["noise_temperature"] = ((), learning_rate / batch_size, {
        "long_name": "SGA noise temperature learning_rate / batch_size (noise amplitude "
                     "squared)", "units": "1"})
    return dataset


# -- trajectories -------------------------------------------------------------------------------
def transient_start(epochs, transient_epochs):
    """Index of the first snapshot at or after ``transient_epochs``."""
    later = np.flatnonzero(np.asarray(epochs) >= transient_epochs)
    if len(later) < 3:
        raise ValueError(
            f"analysis.transient_epochs: {transient_epochs} leaves {len(later)} snapshots; the "
            f"fit needs at least 3 (snapshot epochs {np.asarray(epochs).tolist()})")
    return int(later[0])


# -- MSD and D ----------------------------------------------------------------------------------
def _line(x, y):
    """Least-squares slope and intercept of y = slope x + intercept over finite points."""
    good = np.isfinite(y)
    if good.sum() < 2 or np.ptp(x[good]) == 0:
        return np.nan, np.nan
    slope, intercept = np.polyfit(x[good], y[good], 1)
    return slope, intercept


def fit_diffusion(lags, squared_displacements):
    """D from squared displacements of shape ``(run, lag)`` (each run's own mean over its
    hidden units), by the least-squares line MSD(τ) = 2 D τ + c over the lags τ > 0.

    Returns a dict: ``D`` (mean over runs of the per-run D = slope / 2, equal to the fit of
    the run-averaged MSD when no run has gaps), ``D_stderr`` (standard error over runs,
    NaN for a single run), ``intercept``, ``D_runs`` (per run) and ``n_runs``.
    """
    lags = np.asarray(lags, dtype=np.float64)
    squared = np.asarray(squared_displacements, dtype=np.float64)
    fit = lags > 0
    per_run = np.array([_line(lags[fit], row[fit]) for row in squared]).reshape(-1, 2)
    d_runs, intercepts = per_run[:, 0] / 2.0, per_run[:, 1]
    good = np.isfinite(d_runs)
    n_runs = int(good.sum())
    d = float(np.mean(d_runs[good])) if n_runs else np.nan
    stderr = float(np.std(d_runs[good], ddof=1) / np.sqrt(n_runs)) if n_runs > 1 else np.nan
    intercept = float(np.mean(intercepts[good])) if n_runs else np.nan
    return {"D": d, "D_stderr": stderr, "intercept": intercept, "D_runs": d_runs,
            "n_runs": n_runs}


def squared_displacements(trajectories, start):
    """(x(t0 + τ) − x(t0))² from snapshot index ``start`` on, averaged over hidden units:
    ``trajectories`` is (seed, hidden, epoch) unwrapped; returns (seed, lag)."""
    displacement = trajectories[..., start:] - trajectories[..., start:start + 1]
    with _quiet():
        return np.nanmean(displacement**2, axis=1)


def time_averaged_squared_displacements(trajectories, start, max_lag):
    """Squared displacement over every window of ``τ`` snapshots after ``start``, averaged
    over the windows and the hidden units: (seed, hidden, epoch) → (seed, τ), τ = 0..max_lag
    (in snapshots; the snapshots must be evenly spaced)."""
    after = trajectories[..., start:]
    out = np.full((after.shape[0], max_lag + 1), np.nan)
    out[:, 0] = 0.0
    with _quiet():
        for tau in range(1, max_lag + 1):
            out[:, tau] = np.nanmean((after[..., tau:] - after[..., :-tau]) ** 2, axis=(1, 2))
    return out


@contextmanager
def _quiet():
    """Silence numpy's 'mean of empty slice' (the all-NaN hidden units of a smaller M)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        yield


def pair_distances(trajectories, n_sites):
    """Ring distance between every pair of hidden units: (seed, hidden, epoch) → (seed, pair,
    epoch), pairs (0,1), (0,2), ..., (1,2), ..."""
    n_hidden = trajectories.shape[1]
    pairs = [(a, b) for a in range(n_hidden) for b in range(a + 1, n_hidden)]
    if not pairs:
        return pairs, np.full(trajectories.shape[:1] + (0,) + trajectories.shape[2:], np.nan)
    return pairs, np.stack([ring_distance(trajectories[:, a], trajectories[:, b], n_sites)
                            for a, b in pairs], axis=1)


# -- the aggregate ------------------------------------------------------------------------------
def _point_values(cube, name, axes, n_points):
    """A per-run constant (``updates_per_epoch``, ...) at every sweep point, in the order of
    ``cube.stack(point=axes)``; NaN if the cube does not have it."""
    if name not in cube:
        return np.full(n_points, np.nan)
    values = cube[name]
    if "seed" in values.dims:
        values = values.max("seed")  # the same for every seed (NaN-skipping)
    if axes:
        return values.broadcast_like(cube["peak_center"].isel(seed=0, epoch=0, hidden=0)) \
            .stack(point=axes).transpose("point").values
    return np.full(n_points, float(values))


#: the two fits of D: the paper's (MSD from the end of the transient) and the time-averaged one
ESTIMATORS = ("ensemble", "time_averaged")


def diffusion(cube, transient_epochs=TRANSIENT_EPOCHS):
    """``diffusion.nc`` of a study's cube: trajectories, MSD, D with its standard error over
    runs (both estimators), D per update and per learning time, pair distances of the
    centres; over the sweep axes other than ``seed`` (e.g. ``n_samples``, ``learning_rate``,
    ``batch_size``, ``n_hidden``)."""
    n_sites = cube.sizes["visible"]
    epochs = cube["epoch"].values
    start = transient_start(epochs, transient_epochs)
    lags = epochs[start:] - epochs[start]
    spacing = np.unique(np.diff(lags))
    # windows up to a quarter of the span (at least 2 lags, for a line), if evenly spaced
    max_window = min(max(2, (len(lags) - 1) // 4), len(lags) - 1) if len(spacing) == 1 else 0
    window_lags = np.arange(max(max_window, 1) + 1) * (spacing[0] if len(spacing) == 1 else 0)
    axes = [dim for dim in sweep_dims(cube) if dim != "seed"]
    centers = cube["peak_center"]
    stacked = centers.stack(point=axes) if axes else centers.expand_dims(point=[0])
    stacked = stacked.transpose("point", "seed", "hidden", "epoch")
    raw = stacked.values  # (point, seed, hidden, epoch)
    n_points, n_seeds, _, n_epochs = raw.shape

    trajectories = unwrap_centers(raw, n_sites)
    with _quiet():
        steps = np.abs(np.diff(trajectories[..., start:], axis=-1))  # after the transient
        max_step = np.nanmax(steps.reshape(n_points, -1), axis=1)

    shape = (n_points, len(ESTIMATORS))
    fits = {key: np.full(shape, np.nan) for key in ("D", "D_stderr", "intercept", "n_runs")}
    d_runs = np.full(shape + (n_seeds,), np.nan)
    msd = {name: np.full((n_points, n), np.nan) for name, n in
           (("ensemble", len(lags)), ("time_averaged", len(window_lags)))}
    msd_stderr = {name: np.full_like(values, np.nan) for name, values in msd.items()}
    pairs, _ = pair_distances(raw[0], n_sites)
    distance = np.full((n_points, n_seeds, max(len(pairs), 1), n_epochs), np.nan)
    for p in range(n_points):
        squared = {"ensemble": (lags, squared_displacements(trajectories[p], start))}
        if max_window >= 1:
            squared["time_averaged"] = (window_lags, time_averaged_squared_displacements(
                trajectories[p], start, max_window))
        for e, name in enumerate(ESTIMATORS):
            if name not in squared:
                continue
            x, y = squared[name]  # y: (seed, lag)
            with _quiet():
                msd[name][p] = np.nanmean(y, axis=0)
                msd_stderr[name][p] = np.nanstd(y, axis=0, ddof=1) / np.sqrt(np.isfinite(y).sum(0))
            fit = fit_diffusion(x, y)
            for key in fits:
                fits[key][p, e] = fit[key]
            d_runs[p, e] = fit["D_runs"]
        if pairs:
            distance[p] = pair_distances(trajectories[p], n_sites)[1]
    with _quiet():
        pair_mean = np.nanmean(distance[..., start:], axis=-1)
        pair_std = np.nanstd(distance[..., start:], axis=-1)
        spread = np.nanmean(pair_std.reshape(n_points, -1), axis=1)
    updates, learning_time, temperature, n_samples = (
        _point_values(cube, name, axes, n_points) for name in
        ("updates_per_epoch", "learning_time_per_epoch", "noise_temperature", "training_samples"))

    estimator_dims = ("point", "estimator")
    d_units = "site^2/epoch"
    out = xr.Dataset(
        {
            "center": (("point", "seed", "hidden", "epoch"), trajectories, {
                "long_name": "place-field centre, unwrapped across the periodic boundary",
                "units": "site"}),
            "msd": (("point", "lag"), msd["ensemble"], {
                "long_name": "mean-square displacement of the centres since the end of the "
                             "transient, mean over runs and hidden units", "units": "site^2"}),
            "msd_stderr": (("point", "lag"), msd_stderr["ensemble"], {
                "long_name": "standard error of the MSD over runs", "units": "site^2"}),
            "msd_time_averaged": (("point", "window_lag"), msd["time_averaged"], {
                "long_name": "time-averaged MSD: over every window after the transient, then "
                             "runs and hidden units", "units": "site^2"}),
            "msd_time_averaged_stderr": (("point", "window_lag"), msd_stderr["time_averaged"], {
                "long_name": "standard error of the time-averaged MSD over runs",
                "units": "site^2"}),
            "diffusion_coefficient": (estimator_dims, fits["D"], {
                "long_name": "diffusion coefficient D from the fit MSD = 2 D lag + c, mean of "
                             "the per-run fits", "units": d_units}),
            "diffusion_coefficient_stderr": (estimator_dims, fits["D_stderr"], {
                "long_name": "standard error of D over runs", "units": d_units}),
            "diffusion_coefficient_run": (estimator_dims + ("seed",), d_runs, {
                "long_name": "D of each run (its hidden units averaged)", "units": d_units}),
            "msd_intercept": (estimator_dims, fits["intercept"], {
                "long_name": "intercept c of the MSD fit (noise of the centre estimate)",
                "units": "site^2"}),
            "n_runs": (estimator_dims, fits["n_runs"].astype(np.int64), {
                "long_name": "number of runs with a finite D", "units": "1"}),
            "updates_per_epoch": ("point", updates, {
                "long_name": "parameter updates per epoch", "units": "1"}),
            "learning_time_per_epoch": ("point", learning_time, {
                "long_name": "learning time per epoch, learning_rate x updates", "units": "1"}),
            "training_samples": ("point", n_samples, {
                "long_name": "number of training samples", "units": "1"}),
            "noise_temperature": ("point", temperature, {
                "long_name": "SGA noise temperature learning_rate / batch_size", "units": "1"}),
            "diffusion_per_update": (estimator_dims, fits["D"] / updates[:, None], {
                "long_name": "D per parameter update", "units": "site^2"}),
            "diffusion_per_learning_time": (estimator_dims, fits["D"] / learning_time[:, None], {
                "long_name": "D per unit learning time t = learning_rate x updates",
                "units": "site^2"}),
            "diffusion_per_learning_time_stderr": (
                estimator_dims, fits["D_stderr"] / learning_time[:, None], {
                    "long_name": "standard error of D per unit learning time", "units": "site^2"}),
            "rms_displacement": ("point", np.sqrt(msd["ensemble"][:, -1]), {
                "long_name": "root-mean-square displacement at the last lag", "units": "site"}),
            "max_step": ("point", max_step, {
                "long_name": "largest move of a centre between consecutive snapshots after the "
                             "transient (near N/2 the unwrapping may take a crossing for a "
                             "step back: snapshots too sparse for this D)",
                "units": "site"}),
            "pair_distance": (("point", "seed", "pair", "epoch"), distance, {
                "long_name": "ring distance between the centres of a pair of hidden units",
                "units": "site"}),
            "pair_distance_mean": (("point", "seed", "pair"), pair_mean, {
                "long_name": "pair distance, mean over the snapshots after the transient",
                "units": "site"}),
            "pair_distance_std": (("point", "seed", "pair"), pair_std, {
                "long_name": "pair distance, standard deviation over the snapshots after the "
                             "transient (small when the centres move together)", "units": "site"}),
            "pair_distance_spread": ("point", spread, {
                "long_name": "pair-distance standard deviation, mean over runs and pairs; "
                             "compare with rms_displacement", "units": "site"}),
        },
        coords={
            "point": stacked["point"],
            "estimator": ("estimator", list(ESTIMATORS), {
                "long_name": "MSD since the end of the transient (the paper's), or "
                             "time-averaged over windows"}),
            "seed": ("seed", stacked["seed"].values, {"long_name": "run seed"}),
            "hidden": ("hidden", stacked["hidden"].values, {"long_name": "hidden unit"}),
            "epoch": ("epoch", epochs, {"long_name": "training epoch", "units": "epoch"}),
            "lag": ("lag", lags, {"long_name": "epochs since the end of the transient",
                                  "units": "epoch"}),
            "window_lag": ("window_lag", window_lags, {"long_name": "window length",
                                                       "units": "epoch"}),
            "pair": ("pair", [f"{a}-{b}" for a, b in pairs] or ["none"],
                     {"long_name": "pair of hidden units"}),
        },
    )
    out = unstack_points(out, axes, cube)
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
