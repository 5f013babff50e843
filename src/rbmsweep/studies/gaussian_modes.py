"""The Gaussian–Gaussian RBM learned, mode by mode, against its solvable dynamics ([DFF];
docs/physics.md §10, §16.5).

A run trains an RBM with Gaussian visible and hidden units (zero fields) and adds the
eigen-decomposition of its training data's second-moment matrix ⟨v vᵀ⟩: the principal variances
⟨s_α²⟩ and directions e_α.  ``modes`` compares, per run:

* the learned singular values (last snapshot, in decreasing order) with the fixed points
  w_α = √((1 − σ_v²/⟨s_α²⟩)/(σ_v² σ_h²)) of the modes above threshold and 0 below
  (``theory.gaussian_mode_fixed_point``);
* the measured mode amplitudes r_α(t) = |e_αᵀ W(t)| with the mode equation
  dw_α/dt = w_α σ_h² (⟨s_α²⟩ − σ_v²/(1 − σ_v² σ_h² w_α²)) integrated from the measured start
  r_α(0) (``theory.integrate_gaussian_modes``), t = learning rate × updates;
* when each mode emerges (r_α reaches half its fixed point), measured and predicted, and the
  rank correlation of the emergence order with the data variances;
* the final exact (closed-form) log-likelihood of the training data with the largest one the
  model can reach (``theory.gaussian_optimal_log_likelihood``).
"""

import numpy as np
import xarray as xr

from .. import theory
from ..observables.weight_spectrum import add_principal_overlaps
from .base import Figure, run_parameter, training_run

TRAINS = True
#: the data's principal directions followed (at most n_hidden of them)
N_MODES = 8
#: a mode has emerged when its amplitude reaches this fraction of its fixed point
EMERGENCE_FRACTION = 0.5


def run(spec, samples, test, **options):
    """Train, then the principal variances and directions of the data's second moment."""
    return add_principal_overlaps(training_run(spec, samples, test, **options), samples,
                                  n_components=N_MODES, centre=False)


def crossing_time(times, values, level):
    """The first time ``values`` (over increasing ``times``) reaches ``level``, linearly
    interpolated between snapshots; NaN if it never does or ``level`` is not positive."""
    times, values = np.asarray(times, dtype=float), np.asarray(values, dtype=float)
    if not (np.isfinite(level) and level > 0):
        return np.nan
    above = np.flatnonzero(np.isfinite(values) & (values >= level))
    if above.size == 0:
        return np.nan
    k = above[0]
    if k == 0:
        return times[0]
    t0, t1, v0, v1 = times[k - 1], times[k], values[k - 1], values[k]
    return t0 + (level - v0) * (t1 - t0) / (v1 - v0)


def _spearman(x, y):
    good = np.isfinite(x) & np.isfinite(y)
    if good.sum() < 2:
        return np.nan
    from scipy.stats import spearmanr

    return float(spearmanr(x[good], y[good]).statistic)


def modes(cube):
    """Measured modes against the Gaussian–Gaussian theory (module docstring), per run."""
    weights = cube["weights"]
    count = min(N_MODES, cube.sizes["hidden"], cube.sizes["component"])
    variance = cube["data_principal_variance"].isel(component=slice(0, count))
    directions = cube["data_principal_direction"].isel(component=slice(0, count))
    like = weights.isel(epoch=0, visible=0, hidden=0, drop=True)
    sigma_v = np.sqrt(run_parameter(cube, "visible_variance", like))
    sigma_h = np.sqrt(run_parameter(cube, "hidden_variance", like))
    rate = run_parameter(cube, "learning_rate", like)
    updates = run_parameter(cube, "updates_per_epoch", like)
    time = (rate * updates * cube["epoch"]).transpose(*like.dims, "epoch")

    amplitude = np.sqrt((xr.dot(directions, weights, dim="visible") ** 2).sum("hidden"))
    amplitude = amplitude.transpose(*like.dims, "epoch", "component")
    fixed = xr.apply_ufunc(theory.gaussian_mode_fixed_point, variance, sigma_v, sigma_h)
    theory_amplitude = xr.apply_ufunc(
        lambda start, s2, t, sv, sh: theory.integrate_gaussian_modes(start, s2, t, sv, sh),
        amplitude.isel(epoch=0), variance, time, sigma_v, sigma_h,
        input_core_dims=[["component"], ["component"], ["epoch"], [], []],
        output_core_dims=[["epoch", "component"]], vectorize=True)

    final = cube["singular_values"].isel(epoch=-1)
    predicted = xr.apply_ufunc(
        lambda w, n: np.pad(np.sort(w)[::-1], (0, max(0, n - len(w))))[:n], fixed,
        kwargs={"n": cube.sizes["mode"]}, input_core_dims=[["component"]],
        output_core_dims=[["mode"]], vectorize=True).assign_coords(mode=cube["mode"])
    above = fixed > 0
    level = EMERGENCE_FRACTION * fixed
    kwargs = dict(input_core_dims=[["epoch"], ["epoch"], []], vectorize=True)
    emergence = xr.apply_ufunc(crossing_time, time, amplitude, level, **kwargs)
    emergence_theory = xr.apply_ufunc(crossing_time, time, theory_amplitude, level, **kwargs)
    order = xr.apply_ufunc(_spearman, emergence.where(above), variance,
                           input_core_dims=[["component"], ["component"]], vectorize=True)
    out = xr.Dataset({
        "data_variance": variance.assign_attrs(
            long_name="principal variance <s_alpha^2> of the data (second moment)", units="1"),
        "fixed_point": fixed.assign_attrs(
            long_name="fixed point w_alpha of the mode equation (0 below threshold)",
            units="1"),
        "amplitude": amplitude.assign_attrs(
            long_name="measured mode amplitude |e_alpha^T W| along training", units="1"),
        "theory_amplitude": theory_amplitude.assign_attrs(
            long_name="mode equation integrated from the measured start", units="1"),
        "learning_time": time.assign_attrs(
            long_name="learning time t = learning rate x updates", units="1"),
        "final_singular_value": final.assign_attrs(
            long_name="singular values of W at the last snapshot", units="1"),
        "predicted_singular_value": predicted.assign_attrs(
            long_name="fixed points in decreasing order (0 for sub-threshold modes)",
            units="1"),
        "singular_value_error": (final - predicted).assign_attrs(
            long_name="learned minus predicted singular value", units="1"),
        "emergence_time": emergence.where(above).assign_attrs(
            long_name=f"learning time at which a mode reaches {EMERGENCE_FRACTION} of its "
                      "fixed point, measured", units="1"),
        "emergence_time_theory": emergence_theory.where(above).assign_attrs(
            long_name=f"learning time at which a mode reaches {EMERGENCE_FRACTION} of its "
                      "fixed point, mode equation", units="1"),
        "emergence_order_correlation": order.assign_attrs(
            long_name="Spearman correlation of the measured emergence times with the data "
                      "variances (-1: the larger the variance, the earlier)", units="1"),
    })
    if "log_likelihood_train" in cube:
        optimum = xr.apply_ufunc(
            lambda s2, sv, m: theory.gaussian_optimal_log_likelihood(s2, m, sv),
            cube["data_principal_variance"], sigma_v, cube.sizes["hidden"],
            input_core_dims=[["component"], [], []], vectorize=True)
        out["final_log_likelihood"] = cube["log_likelihood_train"].isel(epoch=-1).assign_attrs(
            long_name="exact log-likelihood of the training data, last snapshot", units="nat")
        out["optimal_log_likelihood"] = optimum.assign_attrs(
            long_name="largest log-likelihood of the model on these data (all modes at their "
                      "fixed points)", units="nat")
    out.attrs.update(description="Gaussian-Gaussian RBM: learned modes against the mode "
                                 "equation ([DFF]; docs/physics.md §16.5)",
                     emergence_fraction=EMERGENCE_FRACTION)
    return out


AGGREGATES = {"modes": modes}

FIGURES = {
    "fixed_points": Figure("modes", "gaussian_modes:fixed_points"),
    "mode_trajectories": Figure("modes", "gaussian_modes:mode_trajectories"),
    "emergence_order": Figure("modes", "gaussian_modes:emergence_order"),
}
