"""Diffusion of XY receptive fields in space and in angle (beyond HTCM20 §IV.2, which saw
none "even with 1,000,000 samples"; docs/physics.md §13.6).

Runs train Potts RBMs on XY data with one snapshot per epoch (with ``train.fresh_data`` a new
exact data set every epoch, the limit of unlimited data).  ``xy_diffusion`` follows each
unit's centre on the ring (``peak_center``, period N) and its phase in angle
(``angular_phase``, defined modulo π, so period π), unwrapped along the epochs, and fits the
mean-square displacement, MSD(τ) = 2 D τ + c, in each direction, with the two estimators of
the diffusion study (``studies.diffusion``, docs/physics.md §11.4): ``ensemble``, the MSD
since the end of the transient, and ``time_averaged``, over every window of τ epochs after it
(several times more precise for a free walk); the units of a run averaged first, D's error
the standard error over runs.
"""

import numpy as np
import xarray as xr

from ..io import sweep_dims
from .base import Claim, Figure, Outcome, run_parameter, sweep_points, training_run
from .diffusion import (fit_diffusion, squared_displacements,
                        time_averaged_squared_displacements, transient_start, unwrapped)

TRAINS = True
MODELS = ("xy",)
run = training_run

#: epochs dropped before the fit when the config says nothing
TRANSIENT_EPOCHS = 5


def xy_diffusion(cube, transient_epochs=TRANSIENT_EPOCHS):
    """Trajectories, MSD and D of the fields' centres in space (site²/epoch) and of their
    phases in angle (rad²/epoch), per update too, over the sweep axes other than the seed."""
    n_sites = cube.sizes["visible"]
    start = transient_start(cube["epoch"].values, transient_epochs)
    axes = [dim for dim in sweep_dims(cube) if dim != "seed"]
    out = xr.Dataset(attrs={"description": "diffusion of XY fields in space and in angle",
                            "transient_epochs": int(transient_epochs),
                            "fit_start_epoch": int(cube["epoch"].values[start])})
    template = cube["peak_center"].isel(seed=0, hidden=0, epoch=0, drop=True)
    updates = run_parameter(cube, "updates_per_epoch", template)
    epochs = cube["epoch"].values
    n_lags = len(epochs) - start
    evenly = len(np.unique(np.diff(epochs[start:]))) == 1
    max_window = min(max(2, (n_lags - 1) // 4), n_lags - 1)
    for direction, name, period, units, long_name in (
            ("space", "peak_center", n_sites, "site", "centre of the field on the ring"),
            ("angle", "angular_phase", np.pi, "rad", "phase of the field in angle (mod pi)")):
        trajectory = unwrapped(cube[name], period).transpose(*axes, "seed", "hidden", "epoch")
        squared = squared_displacements(trajectory, start)
        out[f"{direction}_trajectory"] = trajectory.assign_attrs(
            long_name=f"{long_name}, unwrapped along the epochs", units=units)
        out[f"msd_{direction}"] = squared.mean("seed").assign_attrs(
            long_name=f"mean-square displacement ({direction}) since the end of the transient, "
                      "mean over runs", units=f"{units}^2")
        fits = {"ensemble": fit_diffusion(squared)}
        if evenly:
            fits["time_averaged"] = fit_diffusion(time_averaged_squared_displacements(
                trajectory, start, max_window), "window_lag")
        for estimator, fit in fits.items():
            suffix = "" if estimator == "ensemble" else "_time_averaged"
            what = f"({direction}, {estimator.replace('_', ' ')} MSD)"
            out[f"D_{direction}{suffix}"] = fit["D"].assign_attrs(
                long_name=f"diffusion coefficient {what}, MSD = 2 D t + c, mean over runs",
                units=f"{units}^2/epoch")
            out[f"D_{direction}{suffix}_stderr"] = fit["D_stderr"].assign_attrs(
                long_name=f"standard error of D {what} over runs", units=f"{units}^2/epoch")
            out[f"D_{direction}{suffix}_per_update"] = (fit["D"] / updates).assign_attrs(
                long_name=f"D {what} per parameter update", units=f"{units}^2/update")
            out[f"intercept_{direction}{suffix}"] = fit["intercept"].assign_attrs(
                long_name=f"intercept c of the MSD fit {what}", units=f"{units}^2")
        fit = fits["ensemble"]
    out["n_runs"] = fit["n_runs"].assign_attrs(long_name="runs with a fitted D", units="1")
    return out


AGGREGATES = {"xy_diffusion": xy_diffusion}

FIGURES = {
    "xy_diffusion": Figure("xy_diffusion", "xy_diffusion:diffusion"),
}


# -- claims ------------------------------------------------------------------------------------
def _points(result, fresh):
    """(label, entry) of every sweep point (the axes of ``D_space``) whose runs had fresh data
    (``fresh`` True) or a finite data set (False)."""
    template = result["D_space"]
    out = []
    for label, selection in sweep_points(template, list(template.dims)):
        entry = result.sel(selection) if selection else result
        is_fresh = bool(entry["fresh_data"]) if "fresh_data" in entry.coords else False
        if is_fresh == fresh:
            out.append((label, entry))
    return out


def _span(result):
    """Epochs from the end of the transient to the last snapshot (the MSD's longest lag)."""
    return float(result["lag"].max()) if "lag" in result.dims else np.nan


def _pinned(direction):
    """With a finite data set the field stays put in ``direction``: even D + 2 s.e. (the MSD
    since the end of the transient) would move it by less than a quarter period over the run,
    √(2 (D + 2 s.e.) T) < period/4."""
    units = {"space": "site", "angle": "rad"}[direction]

    def check(aggregates):
        result = aggregates["xy_diffusion"]
        points = _points(result, fresh=False)
        if not points:
            return Outcome("no runs with a finite data set", None)
        span = _span(result)
        rows, good = [], []
        for label, entry in points:
            period = float(entry["n_visible"]) if direction == "space" else np.pi
            d, err = float(entry[f"D_{direction}"]), float(entry[f"D_{direction}_stderr"])
            if not (np.isfinite(d) and np.isfinite(err)):
                continue
            reach = np.sqrt(2 * max(d + 2 * err, 0.0) * span)
            rows.append((f"{label}: " if label else "") + f"D_{direction} = {d:.3g} ± {err:.2g} "
                        f"{units}²/epoch, reach over {span:g} epochs {reach:.3g} {units} vs "
                        f"period/4 = {period / 4:.3g}")
            good.append(reach < period / 4)
        if not rows:
            return Outcome("no run with a fitted D (too few runs for an error)", None)
        return Outcome("; ".join(rows), bool(all(good)))
    return check


def check_fresh_angle(aggregates):
    """(Beyond the paper) with fresh data the phase diffuses: the time-averaged D_angle > 0
    with a relative error ≤ 30 %, and √(2 D T) at least a quarter of the period π."""
    result = aggregates["xy_diffusion"]
    points = _points(result, fresh=True)
    if not points:
        return Outcome("no runs with fresh data", None)
    if "D_angle_time_averaged" not in result:
        return Outcome("no time-averaged MSD (uneven snapshots)", None)
    span = _span(result)
    rows, good = [], []
    for label, entry in points:
        d = float(entry["D_angle_time_averaged"])
        err = float(entry["D_angle_time_averaged_stderr"])
        reach = np.sqrt(2 * max(d, 0.0) * span)
        rows.append((f"{label}: " if label else "") + f"D_angle = {d:.3g} ± {err:.2g} "
                    f"rad²/epoch (time-averaged; since the transient {float(entry['D_angle']):.3g}"
                    f" ± {float(entry['D_angle_stderr']):.2g}), reach over {span:g} epochs "
                    f"{reach:.3g} rad vs pi/4 = {np.pi / 4:.3g}")
        good.append(bool(d > 0 and err <= 0.3 * d and reach >= np.pi / 4))
    return Outcome("; ".join(rows), bool(all(good)))


CLAIMS = (
    Claim("with a finite data set the field's phase in angle does not diffuse: it stays "
          "pinned", "HTCM20 §IV.2", "no diffusion in angle, even with 10^6 samples",
          "D_angle + 2 s.e. (MSD since the transient) moves the phase by less than pi/4 over "
          "the run: sqrt(2 (D + 2 s.e.) T) < pi/4, T the longest lag",
          ("xy_diffusion",), _pinned("angle")),
    Claim("with a finite data set the field's centre on the ring does not diffuse: it stays "
          "pinned", "HTCM20 §IV.2", "no diffusion in space, even with 10^6 samples",
          "D_space + 2 s.e. (MSD since the transient) moves the centre by less than N/4 sites "
          "over the run: sqrt(2 (D + 2 s.e.) T) < N/4", ("xy_diffusion",), _pinned("space")),
    Claim("(beyond the paper) with unlimited data (a fresh data set every epoch) the phase in "
          "angle diffuses: the angular symmetry is restored dynamically", "docs/physics.md "
          "§13.6", "", "time-averaged D_angle > 0 with relative error ≤ 30%, and sqrt(2 D T) "
          "≥ pi/4 over the run", ("xy_diffusion",), check_fresh_angle),
)
