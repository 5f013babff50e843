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
from .base import Claim, Figure, Outcome, run_parameter, training_run

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


# -- the claims (docs/physics.md §16.5, §17.5) ---------------------------------------------------
#: a learned singular value has reached its fixed point within this relative error
FIXED_POINT_TOLERANCE = 0.10
#: a sub-threshold mode has decayed when it is below this fraction of the smallest fixed point
DECAYED_FRACTION = 0.01
#: measured and predicted emergence times agree within this relative error
EMERGENCE_TOLERANCE = 0.10


def _nanmean(values, axis=0):
    """``np.nanmean`` without the warning for an all-NaN slice (NaN there)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=axis)


def _runs(data, core):
    """``data`` (a DataArray) as a 2-D array (run, ``core``): every other dimension (seed,
    swept parameters) flattened into runs."""
    others = [dim for dim in data.dims if dim != core]
    return data.transpose(*others, core).values.reshape(-1, data.sizes[core])


def check_fixed_points(aggregates):
    """Every above-threshold mode of every run within 10 % of its fixed point."""
    modes = aggregates["modes"]
    final = _runs(modes["final_singular_value"], "mode")
    predicted = _runs(modes["predicted_singular_value"], "mode")
    above = predicted > 0
    if not above.any():
        return Outcome("no mode of the data above threshold (lambda > sigma_v^2)", None)
    error = np.abs(final[above] / predicted[above] - 1)
    per_mode = np.abs(final / np.where(above, predicted, np.nan) - 1)
    count = int(above.sum(axis=1).max())
    worst = np.nanmax(per_mode[:, :count], axis=0)
    return Outcome(
        f"{count} modes above threshold, {final.shape[0]} runs: |learned / fixed point - 1| "
        f"= {100 * error.min():.1f}-{100 * error.max():.1f}% (worst per mode "
        + ", ".join(f"{100 * value:.1f}%" for value in worst) + "); learned "
        + ", ".join(f"{value:.3f}" for value in _nanmean(np.where(above, final, np.nan),
                                                             axis=0)[:count])
        + " against " + ", ".join(f"{value:.3f}" for value in
                                  _nanmean(np.where(above, predicted, np.nan), axis=0)[:count])
        + " (means over runs)", bool(np.all(error <= FIXED_POINT_TOLERANCE)))


def check_subthreshold(aggregates):
    """The modes whose data variance is below σ_v² decay: every learned singular value with a
    zero fixed point below 1 % of the smallest nonzero fixed point of its run."""
    modes = aggregates["modes"]
    final = _runs(modes["final_singular_value"], "mode")
    predicted = _runs(modes["predicted_singular_value"], "mode")
    below = predicted == 0
    if not below.any():
        return Outcome("every mode of the model is above threshold", None)
    if not (predicted > 0).any(axis=1).all():
        return Outcome("a run has no mode above threshold to compare with", None)
    smallest = np.where(predicted > 0, predicted, np.inf).min(axis=1)
    ratio = np.where(below, final, 0.0).max(axis=1) / smallest
    return Outcome(
        f"{int(below.sum(axis=1).max())} sub-threshold modes: largest learned singular value "
        f"{np.where(below, final, 0).max():.2g} = {ratio.max():.2g} x the smallest fixed point "
        f"({smallest.min():.3f})", bool(np.all(ratio <= DECAYED_FRACTION)))


def _above_threshold(modes):
    """(variance, emergence, theory) per run over the above-threshold components, as 2-D
    arrays with NaN for the components below threshold."""
    above = _runs(modes["fixed_point"], "component") > 0
    return tuple(np.where(above, _runs(modes[name], "component"), np.nan)
                 for name in ("data_variance", "emergence_time", "emergence_time_theory"))


def check_emergence_order(aggregates):
    """In every run, the above-threshold modes emerge in decreasing order of their variance
    (a mode that never emerges counts as emerging after the training)."""
    modes = aggregates["modes"]
    variance, emergence, _ = _above_threshold(modes)
    orders, emerged = [], []
    for var, time in zip(variance, emergence):
        keep = np.isfinite(var)
        var, time = var[keep], time[keep]
        emerged.append(int(np.isfinite(time).sum()))
        order = np.argsort(-var)
        time = time[order]
        finite = time[np.isfinite(time)]
        # the emerged modes first (those that never emerge come after the training), in order
        first = np.isfinite(time[:finite.size]).all()
        orders.append(bool(first and np.all(np.diff(finite) > 0)))
    if max(emerged, default=0) < 2:
        return Outcome(f"fewer than 2 modes reach {modes.attrs.get('emergence_fraction', 0.5)} "
                       "of their fixed point within the training", None)
    correlation = modes["emergence_order_correlation"].values.ravel()
    times = _nanmean(emergence, axis=0)
    return Outcome(
        f"{sum(orders)} of {len(orders)} runs in the order of the variances (modes emerged: "
        f"{min(emerged)}-{max(emerged)}); mean emergence times "
        + ", ".join(f"{value:.2f}" for value in times[np.isfinite(times)])
        + " for variances " + ", ".join(f"{value:.2f}" for value in
                                         _nanmean(variance, axis=0)[np.isfinite(times)])
        + f"; rank correlation {np.nanmin(correlation):.2f} to {np.nanmax(correlation):.2f}",
        bool(all(orders)))


def check_emergence_times(aggregates):
    """(Beyond the paper) every emerged mode's measured emergence time within 10 % of the mode
    equation's."""
    modes = aggregates["modes"]
    _, emergence, theory_time = _above_threshold(modes)
    both = np.isfinite(emergence) & np.isfinite(theory_time)
    if not both.any():
        return Outcome("no mode emerges within the training (measured and predicted)", None)
    missing = int((np.isfinite(emergence) != np.isfinite(theory_time)).sum())
    error = np.abs(emergence[both] / theory_time[both] - 1)
    mean_measured = _nanmean(np.where(both, emergence, np.nan), axis=0)
    mean_theory = _nanmean(np.where(both, theory_time, np.nan), axis=0)
    shown = np.isfinite(mean_measured)
    return Outcome(
        "measured " + "/".join(f"{value:.2f}" for value in mean_measured[shown]) + " against "
        + "/".join(f"{value:.2f}" for value in mean_theory[shown])
        + f" (means over runs); |measured / predicted - 1| = {100 * error.min():.1f}-"
        f"{100 * error.max():.1f}%" + (f"; {missing} modes emerge in only one of the two"
                                       if missing else ""),
        bool(np.all(error <= EMERGENCE_TOLERANCE) and missing == 0))


CLAIMS = (
    Claim("the learned singular values reach the fixed points of the mode equation, set by the "
          "data's principal variances", "DFF mode equation, fixed point",
          "w_alpha^2 = (1 - sigma_v^2/<s_alpha^2>)/(sigma_v^2 sigma_h^2) for <s_alpha^2> > "
          "sigma_v^2", "every mode above threshold of every run within 10% (the stochastic "
          "gradient's spread; docs/physics.md §16.5)", ("modes",), check_fixed_points),
    Claim("the modes whose data variance is below sigma_v^2 are not learned: their singular "
          "values decay to 0", "DFF mode equation", "w_alpha -> 0 for <s_alpha^2> < sigma_v^2",
          "every sub-threshold singular value below 1% of the run's smallest fixed point",
          ("modes",), check_subthreshold),
    Claim("the modes are learned one by one, in decreasing order of their data variance",
          "DFF mode equation; F17 §II.C", "the larger <s_alpha^2>, the faster the growth",
          "in every run the times at which the above-threshold modes reach half their fixed "
          "point increase strictly as the variance decreases (rank correlation -1)",
          ("modes",), check_emergence_order),
    Claim("(beyond the paper) the emergence times follow the decoupled mode equation "
          "integrated from the measured start", "docs/physics.md §16.5", "",
          "every emerged mode of every run within 10% of the equation's time", ("modes",),
          check_emergence_times),
)
