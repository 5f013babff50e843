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
from .base import Figure, run_parameter, training_run
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
