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

- the coordinate of each field along its translation mode (template matching, docs/physics.md
  §17.2): its time-averaged MSD is linear from the first lag, where the circular-mean centre's
  is not (the ring's slow long-wavelength modes move it too);
- the Langevin prediction D = ν² e·C·e / (2B |∂w/∂x₀|²) per update from the gradient noise at
  the learned profile (``studies.langevin``), for units alone and for a rigid pattern;
- the law D(ν/B) (its exponent) when the study sweeps the learning rate or the batch size, and
  D with a finite data set over D with fresh data when it sweeps ``fresh_data``;
- ``CLAIMS``: what HTCM20 says about diffusion (Figs. 5-6), checked on ``diffusion.nc``.

Everything is computed on the cube's own dims (sweep axes, ``seed``, ``hidden``, ``epoch``)
with xarray: no stacking of sweep points.  The estimators are in ``studies.msd``.
"""

import numpy as np
import xarray as xr

from ..io import sweep_dims
from .base import Figure, run_parameter, training_run
from .langevin import QUANTITIES, predicted_diffusion
from .msd import (fit_diffusion, pair_distances, power_law, squared_displacements,
                  standard_error, time_averaged_squared_displacements, transient_start,
                  translation_mode_centers, unwrapped)

TRAINS = True

#: epochs dropped before the fit when the config says nothing (the paper's choice)
TRANSIENT_EPOCHS = 20


run = training_run


# -- the aggregate ------------------------------------------------------------------------------
#: the fits of D: the paper's (circular-mean centre, MSD from the end of the transient), the
#: same centre time-averaged over windows, and the coordinate along the translation mode
#: time-averaged over windows (docs/physics.md §17.2)
ESTIMATORS = ("ensemble", "time_averaged", "translation_mode")
#: the Langevin predictions: every unit diffusing alone, or the units moving as one pattern
PREDICTIONS = ("unit", "rigid")
#: the sweep axes that set the SGA noise ν/B
NOISE_AXES = ("learning_rate", "batch_size")


def _squared(center, start, epochs, dims):
    """Per-run squared displacements of every estimator (``ESTIMATORS``), by name."""
    ensemble = squared_displacements(center["ensemble"], start)
    n_lags = ensemble.sizes["lag"]
    squared = {"ensemble": ensemble}
    for name in ("time_averaged", "translation_mode"):
        if len(np.unique(np.diff(epochs[start:]))) == 1:
            # windows up to a quarter of the span (at least 2 lags, for a line)
            max_window = min(max(2, (n_lags - 1) // 4), n_lags - 1)
            squared[name] = time_averaged_squared_displacements(center[name], start, max_window)
        else:  # no fixed lag per window: no time-averaged estimator
            squared[name] = xr.full_like(ensemble.isel(lag=0, drop=True), np.nan).expand_dims(
                window_lag=[0], axis=-1)
    return squared


def diffusion(cube, transient_epochs=TRANSIENT_EPOCHS):
    """``diffusion.nc`` of a study's cube: trajectories, MSD, D with its standard error over
    runs (three estimators), D per update and per learning time, its Langevin prediction, the
    law D(ν/B) when the SGA noise is swept, finite against fresh data when ``fresh_data`` is
    swept, pair distances of the centres; over the sweep axes other than ``seed`` (e.g.
    ``n_samples``, ``learning_rate``, ``batch_size``, ``n_hidden``, ``fresh_data``).
    docs/physics.md §11.4 and §17.2."""
    n_sites = cube.sizes["visible"]
    epochs = cube["epoch"].values
    start = transient_start(epochs, transient_epochs)
    axes = [dim for dim in sweep_dims(cube) if dim != "seed"]
    order = (*axes, "seed", "hidden", "epoch")
    center = {"ensemble": unwrapped(cube["peak_center"], n_sites).transpose(*order)}
    center["time_averaged"] = center["ensemble"]
    templates = None
    if "weights" in cube:
        center["translation_mode"], templates = translation_mode_centers(
            cube["weights"].transpose(*axes, "seed", "hidden", "epoch", "visible"),
            cube["peak_center"].transpose(*order), start)
        center["translation_mode"] = center["translation_mode"].transpose(*order)
    else:  # no weights, no translation mode
        center["translation_mode"] = xr.full_like(center["ensemble"], np.nan)
    after = center["ensemble"].isel(epoch=slice(start, None))
    squared = _squared(center, start, epochs, axes)
    fits = xr.concat([fit_diffusion(squared[name], "lag" if name == "ensemble" else "window_lag")
                      for name in ESTIMATORS],
                     dim=xr.DataArray(list(ESTIMATORS), dims="estimator"))
    fits = fits.transpose(*axes, "estimator", ...)
    msd = {name: values.mean("seed") for name, values in squared.items()}
    msd_stderr = {name: standard_error(values, "seed") for name, values in squared.items()}

    distance = pair_distances(center["ensemble"], n_sites).transpose(*axes, "seed", "pair",
                                                                     "epoch")
    pair_std = distance.isel(epoch=slice(start, None)).std("epoch")
    template = center["ensemble"].isel(seed=0, hidden=0, epoch=0, drop=True)
    updates, learning_rate, batch_size, n_samples = (
        run_parameter(cube, name, template) for name in
        ("updates_per_epoch", "learning_rate", "batch_size", "n_samples"))
    learning_time = learning_rate * updates
    temperature = learning_rate / batch_size
    per_time = fits["D"] / learning_time
    per_time_stderr = fits["D_stderr"] / learning_time

    if templates is not None:
        prediction = predicted_diffusion(cube, templates, center["translation_mode"], start, axes)
    else:
        nan = xr.full_like(template, np.nan, dtype=float)
        prediction = xr.Dataset({name: nan for name in QUANTITIES},
                                attrs={"prediction": "the cube has no weights"})
    predicted = xr.concat([prediction[name] for name in PREDICTIONS],
                          dim=xr.DataArray(list(PREDICTIONS), dims="prediction"))
    predicted_per_time = predicted / learning_rate
    law = power_law(per_time, per_time_stderr, temperature, NOISE_AXES)
    law_predicted = power_law(predicted_per_time, 0.01 * predicted_per_time, temperature,
                              NOISE_AXES)

    def variable(values, long_name, units):
        return values.assign_attrs(long_name=long_name, units=units)

    d_units = "site^2/epoch"
    out = xr.Dataset({
        "center": variable(center["ensemble"], "place-field centre (circular mean), unwrapped "
                           "across the periodic boundary", "site"),
        "center_translation_mode": variable(center["translation_mode"], "coordinate along the "
                                            "translation mode (template matching), unwrapped; "
                                            "from the end of the transient", "site"),
        "msd": variable(msd["ensemble"], "mean-square displacement of the centres since the end "
                        "of the transient, mean over runs and hidden units", "site^2"),
        "msd_stderr": variable(msd_stderr["ensemble"], "standard error of the MSD over runs",
                               "site^2"),
        "msd_time_averaged": variable(msd["time_averaged"], "time-averaged MSD: over every "
                                      "window after the transient, then runs and hidden units",
                                      "site^2"),
        "msd_time_averaged_stderr": variable(msd_stderr["time_averaged"], "standard error of "
                                             "the time-averaged MSD over runs", "site^2"),
        "msd_translation_mode": variable(msd["translation_mode"], "time-averaged MSD of the "
                                         "coordinate along the translation mode", "site^2"),
        "msd_translation_mode_stderr": variable(msd_stderr["translation_mode"], "standard "
                                                "error of the translation-mode MSD", "site^2"),
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
        "training_samples": variable(n_samples, "number of training samples (per epoch, with "
                                     "fresh data)", "1"),
        "noise_temperature": variable(temperature, "SGA noise temperature learning_rate / "
                                      "batch_size", "1"),
        "diffusion_per_update": variable(fits["D"] / updates, "D per parameter update", "site^2"),
        "diffusion_per_update_stderr": variable(fits["D_stderr"] / updates, "standard error of D "
                                                "per parameter update", "site^2"),
        "diffusion_per_learning_time": variable(per_time, "D per unit learning time t = "
                                                "learning_rate x updates", "site^2"),
        "diffusion_per_learning_time_stderr": variable(per_time_stderr, "standard error of D per "
                                                       "unit learning time", "site^2"),
        "diffusion_predicted": variable(predicted * updates, "Langevin prediction of D, "
                                        "nu^2 e.C.e / (2 B |dw/dx0|^2) per update times the "
                                        "updates per epoch", d_units),
        "diffusion_predicted_per_update": variable(predicted, "Langevin prediction of D per "
                                                   "parameter update", "site^2"),
        "diffusion_predicted_per_learning_time": variable(predicted_per_time, "Langevin "
                                                          "prediction of D per unit learning "
                                                          "time", "site^2"),
        "tangent_norm2": variable(prediction["tangent_norm2"], "|dw/dx0|^2 of the learned "
                                  "profile, mean over units and snapshots", "1/site^2"),
        "gradient_variance_data": variable(prediction["data_variance"], "variance of the "
                                           "per-sample data gradient along the unit tangent e",
                                           "1"),
        "gradient_variance_chains": variable(prediction["chain_variance"], "variance of the "
                                             "per-sample chains' gradient along e", "1"),
        "noise_exponent": variable(law["exponent"], "exponent p of D per learning time ~ "
                                   "(learning_rate / batch_size)^p, weighted fit", "1"),
        "noise_exponent_stderr": variable(law["exponent_stderr"], "standard error of the noise "
                                          "exponent", "1"),
        "noise_exponent_predicted": variable(law_predicted["exponent"], "the same exponent of "
                                             "the Langevin prediction", "1"),
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
    if "fresh_data" in axes and set(cube["fresh_data"].values.tolist()) == {False, True}:
        finite, fresh = (fits.sel(fresh_data=value, drop=True) for value in (False, True))
        ratio = finite["D"] / fresh["D"]
        out["fresh_ratio"] = variable(ratio, "D with the finite data set over D with fresh data "
                                      "at every epoch (same samples per epoch)", "1")
        out["fresh_ratio_stderr"] = variable(
            abs(ratio) * np.hypot(finite["D_stderr"] / finite["D"], fresh["D_stderr"] / fresh["D"]),
            "standard error of the ratio", "1")
    coordinate_attrs = {
        "estimator": {"long_name": "MSD of the circular-mean centre since the end of the "
                                   "transient (the paper's), time-averaged over windows, or of "
                                   "the translation-mode coordinate time-averaged"},
        "prediction": {"long_name": "Langevin prediction for units diffusing alone, or as one "
                                    "rigid pattern"},
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
            "stderr = std / sqrt(runs)", prediction=prediction.attrs["prediction"])
    return out


AGGREGATES = {"diffusion": diffusion}

FIGURES = {
    "trajectories": Figure("diffusion", "diffusion:trajectories"),  # Figs. 5a, 6
    "msd": Figure("diffusion", "diffusion:msd"),  # Fig. 5b
    "pair_distances": Figure("diffusion", "diffusion:pair_distances"),  # Fig. 6
    "diffusion_vs_noise": Figure("diffusion", "diffusion:diffusion_vs_noise"),
    "diffusion_vs_samples": Figure("diffusion", "diffusion:diffusion_vs_samples"),
    "diffusion_prediction": Figure("diffusion", "diffusion:prediction"),
}

# the paper's claims that a diffusion study checks (studies.diffusion_claims)
from .diffusion_claims import CLAIMS  # noqa: E402
