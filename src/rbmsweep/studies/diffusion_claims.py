"""The claims of HTCM20 about the diffusion of place fields (Figs. 5-6) that a diffusion study
checks on its ``diffusion.nc`` (docs/physics.md §17.5): the ``CLAIMS`` table of the diffusion
kind (``rbmsweep.studies.diffusion`` re-exports it), a row of the reproduction table each."""

import numpy as np

from .base import Claim, Outcome


# -- the paper's claims -------------------------------------------------------------------------
def _points(result, **where):
    """(label, selection, entry at the translation-mode estimator) of every sweep point whose
    coordinates match ``where`` (a sweep axis or a scalar coordinate)."""
    axes = [dim for dim in result["diffusion_coefficient"].dims if dim != "estimator"]
    stacked = result["diffusion_coefficient"].isel(estimator=0).stack(point=axes) if axes \
        else None
    points = [()] if stacked is None else stacked["point"].values
    out = []
    for values in points:
        values = values if isinstance(values, tuple) else (values,)
        selection = dict(zip(axes, values))
        entry = result.sel(selection)
        if all(np.all(entry[key].values == value) for key, value in where.items()):
            label = ", ".join(f"{key}={value:g}" if isinstance(value, float) else
                              f"{key}={value}" for key, value in selection.items())
            out.append((label, selection, entry.sel(estimator="translation_mode")))
    return out


def _fresh(result):
    return "fresh_data" in result.coords and bool(np.any(result["fresh_data"].values))


def check_linear_msd(aggregates):
    """With fresh data: the MSD linear at every point (the slopes over the first and second
    half of the lags within a factor 2), D > 0 everywhere, and resolved (relative error ≤ 30 %)
    for every number of hidden units, at its best-resolved point."""
    result = aggregates["diffusion"]
    if not _fresh(result):
        return Outcome("no runs with fresh data", None)
    rows, linear, resolved = [], [], {}
    for label, selection, entry in _points(result, fresh_data=True):
        d, err = float(entry["diffusion_coefficient"]), float(entry["diffusion_coefficient_stderr"])
        msd = entry["msd_translation_mode"].values
        lags = entry["window_lag"].values
        half = len(lags) // 2
        early = np.polyfit(lags[1:half + 1], msd[1:half + 1], 1)[0] if half >= 2 else np.nan
        late = np.polyfit(lags[half:], msd[half:], 1)[0] if len(lags) - half >= 2 else np.nan
        ratio = late / early if early > 0 else np.nan
        rows.append(f"{label}: D = {d:.3g} ± {err:.2g} sites²/epoch, late/early slope "
                    f"{ratio:.2f}")
        linear.append(d > 0 and 0.5 <= ratio <= 2.0)
        units = int(entry["n_hidden"]) if "n_hidden" in entry.coords else 1
        resolved[units] = resolved.get(units, False) or bool(d > 0 and err <= 0.3 * d)
    return Outcome("; ".join(rows), bool(all(linear) and all(resolved.values())))


def check_together(aggregates):
    """Several centres keep their distances: the spread of the pair distances far below the
    distance they travel (independent walkers would give ≈ 0.58 of it)."""
    result = aggregates["diffusion"]
    rows, good = [], []
    for label, _, entry in _points(result):
        if "n_hidden" in entry.coords and int(entry["n_hidden"]) < 2:
            continue
        spread, travelled = float(entry["pair_distance_spread"]), float(entry["rms_displacement"])
        if not (np.isfinite(spread) and np.isfinite(travelled)):
            continue
        rows.append(f"{label}: pair-distance spread {spread:.2g} vs rms displacement "
                    f"{travelled:.3g} sites (ratio {spread / travelled:.2f})")
        good.append(spread < 0.3 * travelled)
    if not rows:
        return Outcome("no runs with several hidden units", None)
    return Outcome("; ".join(rows), bool(all(good)))


def check_pinning(aggregates):
    """A finite data set pins the field (D far below the fresh-data value); as it grows D
    approaches the free value."""
    result = aggregates["diffusion"]
    if "fresh_ratio" not in result:
        return Outcome("the study does not sweep fresh_data: [false, true]", None)
    ratio = result["fresh_ratio"].sel(estimator="translation_mode")
    error = result["fresh_ratio_stderr"].sel(estimator="translation_mode")
    if "n_samples" not in ratio.dims or ratio.sizes["n_samples"] < 2:
        return Outcome("the study does not sweep n_samples", None)
    ratio, error = (values.isel({dim: 0 for dim in values.dims if dim != "n_samples"})
                    for values in (ratio, error))
    samples = ratio["n_samples"].values
    text = ", ".join(f"{int(n)}: {float(r):.2f} ± {float(e):.2f}"
                     for n, r, e in zip(samples, ratio.values, error.values))
    pinned = float(ratio.isel(n_samples=0)) < 0.3
    freed = float(ratio.isel(n_samples=-1)) + 2 * float(error.isel(n_samples=-1)) >= 0.5
    return Outcome(f"D(finite) / D(fresh) by samples: {text}", bool(pinned and freed))


def check_prediction(aggregates):
    """(Beyond the paper) the Langevin prediction within 30 % (or 2 s.e.) where the noise is
    weak (ν/B ≤ 0.002) and the data fresh."""
    result = aggregates["diffusion"]
    if not _fresh(result):
        return Outcome("no runs with fresh data", None)
    rows, good = [], []
    for label, selection, entry in _points(result, fresh_data=True):
        if float(entry["noise_temperature"]) > 0.002:
            continue
        d, err = float(entry["diffusion_coefficient"]), float(entry["diffusion_coefficient_stderr"])
        predicted = result["diffusion_predicted"].sel(selection)
        unit, rigid = (float(predicted.sel(prediction=name)) for name in ("unit", "rigid"))
        rows.append(f"{label}: measured {d:.3g} ± {err:.2g}, predicted {unit:.3g} (units alone)"
                    + (f", {rigid:.3g} (rigid)" if abs(rigid - unit) > 1e-12 * unit else ""))
        good.append(abs(d - unit) <= max(0.3 * unit, 2 * err))
    if not rows:
        return Outcome("no fresh-data runs with nu/B ≤ 0.002", None)
    return Outcome("; ".join(rows), bool(all(good)))


def check_noise_law(aggregates):
    """(Beyond the paper) the exponent of D(ν/B) against the Langevin prediction's."""
    result = aggregates["diffusion"]
    exponent = result["noise_exponent"].sel(estimator="translation_mode")
    if not np.isfinite(exponent).any():
        return Outcome("the study does not sweep the noise nu/B over 3 or more values", None)
    error = result["noise_exponent_stderr"].sel(estimator="translation_mode")
    predicted = result["noise_exponent_predicted"].sel(prediction="unit")
    rows, good = [], []
    for index in np.ndindex(exponent.shape):
        p, e, q = (float(values.values[index]) for values in (exponent, error, predicted))
        if np.isfinite(p):
            rows.append(f"exponent {p:.2f} ± {e:.2f}, Langevin {q:.2f}")
            good.append(abs(p - q) <= 2 * e)
    return Outcome("; ".join(rows), bool(all(good)))


CLAIMS = (
    Claim("with very many data the centre of a place field diffuses: its MSD grows linearly "
          "with training time after the transient", "HTCM20 Fig. 5b", "MSD ∝ t",
          "fresh data at every epoch: the MSD's slope over the later lags within 0.5-2 of the "
          "earlier's and D > 0 at every point, and D resolved (relative error ≤ 30%) for every "
          "number of hidden units",
          ("diffusion",), check_linear_msd),
    Claim("the centres of three hidden units move together, keeping their distances",
          "HTCM20 Fig. 6", "constant distances",
          "pair-distance spread < 0.3 x the rms displacement (independent walkers: ≈ 0.58)",
          ("diffusion",), check_together),
    Claim("with fewer data the diffusion is activated: the field is pinned by the data set's "
          "inhomogeneities, and free with very many data", "HTCM20 Fig. 5, §III.3",
          "activated for intermediate numbers of data, pure diffusion for 10^6",
          "D(finite) / D(fresh) < 0.3 at the fewest samples and ≥ 0.5 (within 2 s.e.) at the "
          "most", ("diffusion",), check_pinning),
    Claim("(beyond the paper) D = nu² e.C.e / (2B |dw/dx0|²) per update, from the gradient "
          "noise at the learned profile", "docs/physics.md §17.2", "",
          "within 30% (or 2 s.e.) at nu/B ≤ 0.002 with fresh data", ("diffusion",),
          check_prediction),
    Claim("(beyond the paper) the law D(nu/B): D per learning time ∝ (nu/B)^p", "docs/physics.md "
          "§17.2", "", "fitted p within 2 s.e. of the Langevin prediction's", ("diffusion",),
          check_noise_law),
)
