"""Differentiated retarded-learning transitions of XY data (HTCM20 §IV.3, Fig. 11, and its
"not shown" variants; docs/physics.md §13.5).

One hidden unit is trained over a range of α = N / samples (and, for the variants, over the
angular kernel and the spatial couplings).  Two order parameters of its weights at the last
epoch (``rbmsweep.observables.potts``): the angular order, how coherent the sites' angular
profiles are (the spatial modulation of eq. 17 is flat without it), and the spatial order, how
localised the field is on the ring (the angular modulation of eq. 16 is flat without it).
Each falls from its ordered value to its noise floor as α grows; ``xy_transitions`` locates
each fall at the midpoint of a sigmoid fitted in log α, with an error from the seeds
(jackknife), separately for every value of the other sweep axes.  ``CLAIMS``: for the
paper's data (cosine kernel, nearest-neighbour couplings) both transitions, the angular one at
the larger α, near the spectral crossover; for frustrated couplings (a negative J_r, beyond
the paper) the spatial transition without angular order.
"""

import numpy as np
import xarray as xr

from .. import theory
from .base import Claim, Figure, Outcome, sweep_points, training_run

TRAINS = True
MODELS = ("xy",)
run = training_run

#: the order parameters whose transitions are located
ORDER_PARAMETERS = {"angular_order": "angular", "spatial_order": "spatial"}
#: a fitted sigmoid whose height (ordered minus noise value) is below this is no transition
MIN_HEIGHT = 0.1


def sigmoid(log_alpha, low, high, center, width):
    """low + (high − low) / (1 + exp((log10 α − center) / width)): ``high`` at small α,
    ``low`` at large α, the midpoint at log10 α = ``center``."""
    with np.errstate(over="ignore"):
        return low + (high - low) / (1.0 + np.exp((log_alpha - center) / width))


def fit_transition(log_alpha, values):
    """Least-squares sigmoid through the points (log10 α, value) (NaN values skipped):
    (center, width, low, high), or NaN for each when the fit fails or the fall is below
    ``MIN_HEIGHT`` (then there is no transition in the range)."""
    from scipy.optimize import curve_fit

    x, y = np.asarray(log_alpha, float).ravel(), np.asarray(values, float).ravel()
    good = np.isfinite(x) & np.isfinite(y)
    x, y = x[good], y[good]
    failed = np.full(4, np.nan)
    if np.unique(x).size < 3:
        return failed
    means = np.array([y[x == value].mean() for value in np.unique(x)])
    start = [max(means.min(), 0.0), min(means.max(), 1.0), 0.5 * (x.min() + x.max()), 0.25 * np.ptp(x) + 0.05]
    # both order parameters lie in [0, 1]
    bounds = ([0.0, 0.0, x.min() - 1.0, 0.01], [1.0, 1.0, x.max() + 1.0, 2.0 * np.ptp(x)])
    try:
        (low, high, center, width), _ = curve_fit(sigmoid, x, y, p0=start, bounds=bounds,
                                                  maxfev=20_000)
    except (RuntimeError, ValueError):
        return failed
    if high - low < MIN_HEIGHT or not x.min() <= center <= x.max():
        return failed
    return np.array([center, width, low, high])


def _transition(log_alpha, values):
    """(center, its jackknife error over seeds, width, low, high) of values (alpha, seed)."""
    fit = fit_transition(np.broadcast_to(log_alpha[:, None], values.shape), values)
    n_seeds = values.shape[1]
    error = np.nan
    if np.isfinite(fit[0]) and n_seeds >= 2:
        centers = np.array([fit_transition(np.broadcast_to(log_alpha[:, None],
                                                           (len(log_alpha), n_seeds - 1)),
                                           np.delete(values, seed, axis=1))[0]
                            for seed in range(n_seeds)])
        if np.isfinite(centers).all():
            error = np.sqrt((n_seeds - 1) / n_seeds * np.sum((centers - centers.mean()) ** 2))
    return np.array([fit[0], error, fit[1], fit[2], fit[3]])


def xy_transitions(cube):
    """Both order parameters at the last epoch over (α, seed), their mean and spread, each
    transition's α (midpoint of the sigmoid fitted in log10 α, jackknife error over seeds),
    the unit's spatial and angular modulation profiles of the first seed, and the α at which
    the data's signal eigenvalue Λ_XY meets the noise edges (docs/physics.md §13.5)."""
    if "alpha" not in cube.dims:
        raise ValueError("xy_transitions: the study must sweep data.alpha")
    last = cube.isel(epoch=-1)
    if "hidden" in last.dims:
        last = last.isel(hidden=0)
    alpha = cube["alpha"].values
    log_alpha = np.log10(alpha)
    grid = xr.DataArray(np.geomspace(alpha.min(), alpha.max(), 200), dims="alpha_grid",
                        attrs={"long_name": "alpha of the fitted curves", "units": "1"})
    grid = grid.assign_coords(alpha_grid=grid)
    out = xr.Dataset(attrs={
        "description": "differentiated transitions of one hidden unit on XY data (paper Fig. 11)",
        "epoch": int(cube["epoch"].values[-1]),
        "method": "midpoint of the sigmoid low + (high-low)/(1+exp((log10 alpha - c)/w)) "
                  "fitted to every (alpha, seed) point; error: jackknife over seeds"})
    for name, direction in ORDER_PARAMETERS.items():
        values = last[name]
        long_name = values.attrs.get("long_name", name)
        out[name] = values
        out[f"{name}_mean"] = values.mean("seed").assign_attrs(
            long_name=f"{long_name}, mean over seeds", units="1")
        out[f"{name}_std"] = values.std("seed", ddof=1).assign_attrs(
            long_name=f"{long_name}, standard deviation over seeds", units="1")
        fit = xr.apply_ufunc(_transition, xr.DataArray(log_alpha, dims="alpha"),
                             values.transpose(..., "alpha", "seed"),
                             input_core_dims=[["alpha"], ["alpha", "seed"]],
                             output_core_dims=[["item"]], vectorize=True)
        for index, (item, long, units) in enumerate((
                ("log10_alpha", "log10 alpha at the midpoint of the fitted sigmoid", "1"),
                ("log10_alpha_error", "jackknife error of log10 alpha over seeds", "1"),
                ("width", "width of the sigmoid in log10 alpha", "1"),
                ("low", "fitted value at large alpha (noise)", "1"),
                ("high", "fitted value at small alpha (ordered)", "1"))):
            out[f"{direction}_transition_{item}"] = fit.isel(item=index, drop=True).assign_attrs(
                long_name=f"{direction} transition: {long} (NaN: no transition in the range)",
                units=units)
        out[f"{direction}_transition_alpha"] = (
            10.0 ** out[f"{direction}_transition_log10_alpha"]).assign_attrs(
            long_name=f"alpha of the {direction} transition", units="1")
        parameters = [out[f"{direction}_transition_{item}"]
                      for item in ("low", "high", "log10_alpha", "width")]
        out[f"{direction}_transition_curve"] = sigmoid(np.log10(grid), *parameters).assign_attrs(
            long_name=f"the fitted sigmoid of the {direction} order", units="1")
    first = last.isel(seed=0)
    out["spatial_modulation"] = first["spatial_modulation"]
    out["angular_modulation"] = first["angular_modulation"]
    out = out.merge(_spectral_crossovers(cube))
    return out


def _crossings(beta, kernel, couplings, q, n_visible):
    """(α where Λ_XY meets the printed noise edge, α where it meets the Marchenko-Pastur form)
    for one data setting; NaN for a kernel or couplings the theory does not cover."""
    couplings = [float(value) for value in str(couplings).split(",") if value]
    if kernel != "cosine" or len(couplings) > 1:
        return np.nan, np.nan
    signal = theory.xy_signal_eigenvalue(beta * (couplings[0] if couplings else 1.0), q,
                                         n_visible)
    paper = (np.sqrt(max(signal - q / (q - 1), 0.0)) - 1) ** 2 / q
    mp = (np.sqrt(signal * (q - 1) / q) - 1) ** 2 / (q - 1)
    # below the noise at every alpha: no crossing
    return (paper if signal > q / (q - 1) + 1 else np.nan,
            mp if signal > q / (q - 1) else np.nan)


def _spectral_crossovers(cube):
    """α at which the data's signal eigenvalue Λ_XY (eq. 29, the ring's top population
    eigenvalue) equals the noise edge as printed (eq. 30) and the Marchenko-Pastur form, for
    each data setting: defined for the cosine kernel with nearest-neighbour couplings (the
    theory's case; β J1 for a single coupling J1), NaN otherwise."""
    q, n_visible = int(cube["q"]), int(cube.sizes["visible"])
    settings = [cube[name].reset_coords(drop=True) if name in cube.coords
                else xr.DataArray(default)
                for name, default in (("beta", np.nan), ("kernel", "cosine"), ("couplings", ""))]
    paper, mp = xr.apply_ufunc(_crossings, *xr.broadcast(*settings),
                               kwargs={"q": q, "n_visible": n_visible},
                               output_core_dims=[[], []], vectorize=True)
    note = "NaN where the theory does not apply (kernel not cosine, couplings beyond J1)"
    return xr.Dataset({
        "alpha_signal_meets_paper_edge": paper.assign_attrs(
            long_name="alpha where Lambda_XY = q/(q-1) + (1+sqrt(alpha q))^2", units="1",
            note=note),
        "alpha_signal_meets_mp_edge": mp.assign_attrs(
            long_name="alpha where Lambda_XY = q/(q-1) (1+sqrt(alpha (q-1)))^2", units="1",
            note=note)})


AGGREGATES = {"xy_transitions": xy_transitions}

FIGURES = {
    "xy_modulations": Figure("xy_transitions", "xy_transitions:modulations"),  # Fig. 11a-b
    "xy_order_vs_alpha": Figure("xy_transitions", "xy_transitions:order_vs_alpha"),  # Fig. 11
}



# -- claims ------------------------------------------------------------------------------------
def _couplings(entry):
    """The spatial couplings J_r of a sweep point (J1 = 1 alone when the config has none)."""
    if "couplings" not in entry.coords:
        return (1.0,)
    return tuple(float(value) for value in str(entry["couplings"].values).split(",") if value)


def _cases(result):
    """(label, entry, case) of every sweep point (the axes of the located transitions): case
    ``"paper"`` for the cosine kernel with a single coupling J1 > 0 (HTCM20 Fig. 11's data),
    ``"frustrated"`` for longer-range couplings with a negative J_r (competing signs), None
    otherwise."""
    template = result["angular_transition_log10_alpha"]
    out = []
    for label, selection in sweep_points(template, list(template.dims)):
        entry = result.sel(selection) if selection else result
        kernel = str(entry["kernel"].values) if "kernel" in entry.coords else "cosine"
        couplings = _couplings(entry)
        case = ("frustrated" if len(couplings) > 1 and any(value < 0 for value in couplings)
                else "paper" if kernel == "cosine" and len(couplings) == 1 else None)
        out.append((label, entry, case))
    return out


def _located(entry, direction):
    """(log10 α, its jackknife error) of a transition (NaN when none in the range)."""
    return (float(entry[f"{direction}_transition_log10_alpha"]),
            float(entry[f"{direction}_transition_log10_alpha_error"]))


def _text(label, entry):
    parts = [f"{direction} at log10 alpha = {center:.2f} ± {error:.2f}"
             if np.isfinite(center) else f"no {direction} transition"
             for direction in ORDER_PARAMETERS.values()
             for center, error in [_located(entry, direction)]]
    return (f"{label}: " if label else "") + ", ".join(parts)


def _not_paper(result):
    couplings = {str(entry["couplings"].values) for _, entry, _ in _cases(result)
                 if "couplings" in entry.coords}
    return Outcome("not the paper's data (cosine kernel, nearest-neighbour couplings)"
                   + (f": couplings {', '.join(sorted(couplings))}" if couplings else ""), None)


def check_both(aggregates):
    """Paper's data: both order parameters fall from ordered to noise inside the α range."""
    result = aggregates["xy_transitions"]
    rows, good = [], []
    for label, entry, case in _cases(result):
        if case == "paper":
            rows.append(_text(label, entry))
            good.append(all(np.isfinite(_located(entry, direction)[0])
                            for direction in ORDER_PARAMETERS.values()))
    if not rows:
        return _not_paper(result)
    return Outcome("; ".join(rows), bool(all(good)))


def check_order(aggregates):
    """Paper's data: the angular transition at the larger α, by more than 2 combined
    jackknife errors."""
    result = aggregates["xy_transitions"]
    rows, good = [], []
    for label, entry, case in _cases(result):
        if case != "paper":
            continue
        (angular, angular_error), (spatial, spatial_error) = (
            _located(entry, direction) for direction in ("angular", "spatial"))
        error = np.hypot(angular_error, spatial_error)
        if not (np.isfinite(angular) and np.isfinite(spatial)):
            rows.append(_text(label, entry) + " (not both located)")
            continue
        rows.append(_text(label, entry) + f": angular - spatial = {angular - spatial:.2f} ± "
                    f"{error:.2f}")
        if np.isfinite(error):
            good.append(bool(angular - spatial > 2 * error))
    if not rows:
        return _not_paper(result)
    if not good:
        return Outcome("; ".join(rows) + " (no error: both transitions and ≥ 2 seeds needed)",
                       None)
    return Outcome("; ".join(rows), bool(all(good)))


def check_crossover(aggregates):
    """Paper's data: the first transition (the larger α) within half a decade of the α where
    Λ_XY meets the Marchenko-Pastur noise edge of one-hot data."""
    result = aggregates["xy_transitions"]
    rows, good = [], []
    for label, entry, case in _cases(result):
        crossing = float(entry["alpha_signal_meets_mp_edge"])
        if case != "paper" or not np.isfinite(crossing):
            continue
        centers = [_located(entry, direction) for direction in ("angular", "spatial")]
        located = [(center, error) for center, error in centers if np.isfinite(center)]
        if not located:
            rows.append(_text(label, entry))
            good.append(False)
            continue
        first, error = max(located)
        rows.append((f"{label}: " if label else "") + f"first transition at log10 alpha = "
                    f"{first:.2f} ± {error:.2f}; Lambda_XY meets the MP edge at "
                    f"{np.log10(crossing):.2f} (the printed edge at "
                    f"{np.log10(float(entry['alpha_signal_meets_paper_edge'])):.2f})")
        good.append(bool(abs(first - np.log10(crossing)) <= 0.5))
    if not rows:
        return _not_paper(result)
    return Outcome("; ".join(rows), bool(all(good)))


def check_frustrated(aggregates):
    """(Beyond the paper) frustrated couplings: the spatial transition located, and no
    angular order: either no angular transition with the angular order ≤ 2/√N (twice the
    floor of random weights) at every α, or an angular transition below the spatial one by
    more than 2 combined errors."""
    result = aggregates["xy_transitions"]
    rows, good = [], []
    for label, entry, case in _cases(result):
        if case != "frustrated":
            continue
        floor = 1 / np.sqrt(float(entry["n_visible"]))
        (angular, angular_error), (spatial, spatial_error) = (
            _located(entry, direction) for direction in ("angular", "spatial"))
        largest = float(entry["angular_order_mean"].max())
        rows.append(_text(label, entry) + f"; angular order ≤ {largest:.2f} (1/sqrt(N) = "
                    f"{floor:.2f})")
        if not np.isfinite(spatial):
            good.append(False)
        elif not np.isfinite(angular):
            good.append(bool(largest <= 2 * floor))
        else:
            good.append(bool(spatial - angular > 2 * np.hypot(angular_error, spatial_error)))
    if not rows:
        return Outcome("no frustrated couplings (no negative J_r) in the study", None)
    return Outcome("; ".join(rows), bool(all(good)))


CLAIMS = (
    Claim("retarded learning in both directions: the unit's angular and spatial order each "
          "vanish above a critical alpha (too few data)", "HTCM20 Fig. 11",
          "no modulation at large alpha; angular, then also spatial modulation as alpha "
          "decreases", "paper's data (cosine kernel, J1 only): both sigmoid midpoints located "
          "inside the swept alpha range (a fall ≥ 0.1)", ("xy_transitions",), check_both),
    Claim("differentiated transitions: the angular symmetry breaks first, at a larger alpha "
          "than the spatial one", "HTCM20 Fig. 11, §IV.3",
          "angular place field without spatial localisation at intermediate alpha",
          "paper's data: log10 alpha (angular) - log10 alpha (spatial) > 2 combined jackknife "
          "errors", ("xy_transitions",), check_order),
    Claim("the first transition happens where the data's signal eigenvalue Lambda_XY meets "
          "the noise edge", "HTCM20 §V.1.3, eqs. 29-30",
          "the first retarded-learning transition is in the range of the spectral crossover",
          "paper's data: the larger transition alpha within half a decade of where Lambda_XY "
          "(the ring's) equals the one-hot Marchenko-Pastur edge q/(q-1)(1+sqrt(alpha(q-1)))^2",
          ("xy_transitions",), check_crossover),
    Claim("(beyond the paper) frustrated couplings (a negative J_r) make the field localise in "
          "space without angular order: the order of the transitions flips",
          "docs/physics.md §13.7", "positional before angular ordering in some variants (not "
          "shown, §IV.3)", "spatial transition located; no angular transition and angular "
          "order ≤ 2/sqrt(N) at every alpha, or the angular one below the spatial by > 2 "
          "combined errors", ("xy_transitions",), check_frustrated),
)
