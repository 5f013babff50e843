"""Receptive fields of Potts RBMs trained on XY data (HTCM20 §IV.2, Figs. 8-10;
docs/physics.md §13.4).

Runs train RBMs with Potts visible units on XY data (``rbmsweep.studies.base.training_run``);
their observables are those of ``rbmsweep.observables.potts``.  ``xy_fields`` reduces the cube
to each unit's field at the last epoch (the oriented weights in the zero-sum gauge and their
observables, for the figures): where it sits in space and in angle, how localised it is in
each, the period and phase of the per-site cosine fit over the field; and for several units how
evenly their centres are spread on the ring and their phases in angle (Fig. 10).
``CLAIMS``: one unit's field localised in space (Fig. 9a-c) and a cosine of period q with one
phase over it (Fig. 9d-e); several units evenly spread in space and in angle (Fig. 10).
"""

import numpy as np
import xarray as xr

from ..observables.potts import centred, circular_gaps, orient
from .base import Claim, Figure, Outcome, sweep_points, training_run

TRAINS = True
MODELS = ("xy",)
run = training_run

#: ``xy_fields``: a period within this fraction of q counts as "period q" at a site
PERIOD_TOLERANCE = 0.1


def _field_summary(norm, period, phase, q):
    """Of one unit's last snapshot: the cosine fit's period and phase at the peak site
    (largest ‖u_i‖), the mean period over the field's sites (‖u_i‖ above half its maximum), the
    fraction of those whose period is q within ``PERIOD_TOLERANCE``, and the circular
    standard deviation of their phases."""
    if not np.isfinite(norm).all():
        return np.full(5, np.nan)
    peak = int(np.argmax(norm))
    field = norm > 0.5 * norm[peak]
    periods, phases = period[field], phase[field]
    good = np.isfinite(periods)
    resultant = np.abs(np.mean(np.exp(1j * phases[good]))) if good.any() else np.nan
    # circular standard deviation √(−2 ln R), R the mean resultant length (docs/physics.md §13.4)
    spread = np.sqrt(-2 * np.log(resultant)) if good.any() and resultant > 0 else np.nan
    return np.array([period[peak], phase[peak], np.nanmean(periods) if good.any() else np.nan,
                     np.mean(np.abs(periods[good] - q) < PERIOD_TOLERANCE * q)
                     if good.any() else np.nan, spread])


def _gaps(positions, present, period):
    """Gaps (hidden) between the positions of a run's units on a circle (NaN for absent units,
    and throughout when fewer than two units are present or one has no position)."""
    out = np.full(len(positions), np.nan)
    values = positions[present]
    if len(values) >= 2:
        out[:len(values)] = circular_gaps(values, period)
    return out


def xy_fields(cube):
    """Each unit's field at the last epoch, and the spacing of several units' fields in space
    and in angle (HTCM20 Figs. 9-10; docs/physics.md §13.4)."""
    last = cube.isel(epoch=-1)
    q, n_visible = int(cube.sizes["state"]), int(cube.sizes["visible"])
    out = xr.Dataset(attrs={"description": "receptive fields of Potts RBMs on XY data at the "
                                           "last epoch (paper Figs. 9-10)",
                            "epoch": int(cube["epoch"].values[-1]), "q": q,
                            "n_visible": n_visible})
    for name in ("peak_center", "peak_width", "angular_phase", "spatial_order",
                 "angular_order", "site_norm", "angular_modulation", "angular_sum",
                 "cosine_period", "cosine_phase", "cosine_amplitude", "cosine_r2"):
        out[name] = last[name]
    # the fields themselves, for the figures: oriented (phase in [0, π)), zero-sum gauge
    out["weights"] = xr.apply_ufunc(
        lambda w: centred(orient(w)), last["weights"].transpose(..., "visible", "state"),
        input_core_dims=[["visible", "state"]], output_core_dims=[["visible", "state"]]
    ).assign_attrs(long_name="weights at the last epoch, oriented, in the zero-sum gauge",
                   units="1")
    summary = xr.apply_ufunc(_field_summary, last["site_norm"], last["cosine_period"],
                             last["cosine_phase"], kwargs={"q": q},
                             input_core_dims=[["visible"]] * 3, output_core_dims=[["item"]],
                             vectorize=True)
    names = {
        "period_at_peak": ("period of the cosine fit at the peak site", "state"),
        "phase_at_peak": ("phase of the cosine fit at the peak site", "rad"),
        "field_period": ("mean period of the cosine fit over the field's sites", "state"),
        "field_period_fraction": (f"fraction of the field's sites with a period within "
                                  f"{PERIOD_TOLERANCE:g} q of q", "1"),
        "field_phase_spread": ("circular standard deviation of the fit's phase over the "
                               "field's sites", "rad"),
    }
    for index, (name, (long_name, units)) in enumerate(names.items()):
        out[name] = summary.isel(item=index, drop=True).assign_attrs(long_name=long_name,
                                                                     units=units)
    present = np.isfinite(last["weights"]).all(["visible", "state"])
    units = present.sum("hidden")
    for name, values, period, long_name, units_name in (
            ("space_gaps", last["peak_center"], n_visible,
             "gaps between the units' centres round the ring, sorted", "site"),
            ("phase_gaps", last["angular_phase"], np.pi,
             "gaps between the units' phases modulo pi, sorted", "rad")):
        gaps = xr.apply_ufunc(_gaps, values, present, kwargs={"period": period},
                              input_core_dims=[["hidden"]] * 2, output_core_dims=[["gap"]],
                              vectorize=True)
        out[name] = gaps.assign_attrs(long_name=long_name, units=units_name)
        stem = name.split("_")[0]
        out[f"{stem}_gap_mean"] = gaps.mean("gap").assign_attrs(
            long_name=f"mean gap ({stem})", units=units_name)
        out[f"{stem}_gap_cv"] = (gaps.std("gap") / gaps.mean("gap")).assign_attrs(
            long_name=f"coefficient of variation of the gaps ({stem}): 0 for even spacing",
            units="1")
        out[f"{stem}_gap_even"] = (period / units.where(units >= 2)).assign_attrs(
            long_name=f"the gap of even spacing ({stem}), period / M", units=units_name)
    # the gaps of M uniform points are Dirichlet(1, …, 1): CV √((M − 1)/(M + 1)) (physics.md §13.4)
    out["gap_cv_random"] = np.sqrt((units - 1) / (units + 1)).where(units >= 2).assign_attrs(
        long_name="coefficient of variation of the gaps of M independent uniform points, "
                  "sqrt((M-1)/(M+1))", units="1")
    return out


AGGREGATES = {"xy_fields": xy_fields}

FIGURES = {
    "xy_samples": Figure("datasets", "xy_fields:samples"),  # Fig. 8
    "xy_receptive_field": Figure("xy_fields", "xy_fields:receptive_field"),  # Fig. 9a-e
    "xy_several_units": Figure("xy_fields", "xy_fields:several_units"),  # Fig. 10
}


# -- claims ------------------------------------------------------------------------------------
#: dims of one run's units and fields (the rest are sweep axes)
UNIT_DIMS = ("seed", "hidden", "visible", "state", "gap")
#: a field counts as localised when its spatial order is this many times the random floor
LOCALISED = 3.0
#: the circular s.d. of the phase over a field below which it has "one phase" (rad)
PHASE_SPREAD = 0.5


def _groups(fields):
    """(label, entry, M, hidden unit type) of every sweep point (the sweep axes of
    ``space_gap_cv``: n_hidden, the unit type, ...)."""
    template = fields["space_gap_cv"]
    axes = [dim for dim in template.dims if dim not in UNIT_DIMS]
    out = []
    for label, selection in sweep_points(template, axes):
        entry = fields.sel(selection) if selection else fields
        units = int(entry["n_hidden"]) if "n_hidden" in entry.coords else entry.sizes["hidden"]
        kind = str(entry["hidden_unit"].values) if "hidden_unit" in entry.coords else "?"
        out.append((label or kind, entry, units, kind))
    return out


def _present(values):
    values = np.asarray(values, dtype=float).ravel()
    return values[np.isfinite(values)]


def check_localised(aggregates):
    """One unit (M = 1): every field's FWHM ≤ N/3 and its spatial order ≥ 3 × the floor of
    random weights, 1/√(2 (q − 1) N)."""
    fields = aggregates["xy_fields"]
    n_sites, q = int(fields.attrs["n_visible"]), int(fields.attrs["q"])
    floor = 1 / np.sqrt(2 * (q - 1) * n_sites)
    rows, good = [], []
    for label, entry, units, _ in _groups(fields):
        if units != 1:
            continue
        order = np.asarray(entry["spatial_order"].isel(hidden=0), dtype=float).ravel()
        width = np.asarray(entry["peak_width"].isel(hidden=0), dtype=float).ravel()
        rows.append(f"{label}: spatial order {order.min():.2f}-{order.max():.2f} (floor "
                    f"{floor:.3f}), FWHM {np.nanmin(width):.1f}-{np.nanmax(width):.1f} sites "
                    f"of {n_sites}")
        good.append(bool(np.all(order >= LOCALISED * floor)
                         and np.all(width <= n_sites / 3)))  # NaN width: no field, fails
    if not rows:
        return Outcome("no runs with one hidden unit", None)
    return Outcome("; ".join(rows), bool(all(good)))


def check_cosine(aggregates):
    """One double-well unit (the paper's Fig. 9d-e): the cosine fit's period at the peak site
    within 10 % of q, on at least half of the field's sites, and one phase over the field
    (circular s.d. < 0.5 rad)."""
    fields = aggregates["xy_fields"]
    q = int(fields.attrs["q"])
    rows, good = [], []
    for label, entry, units, kind in _groups(fields):
        if units != 1 or kind != "double_well":
            continue
        one = entry.isel(hidden=0)
        period, fraction, spread = (np.asarray(one[name], dtype=float).ravel() for name in (
            "period_at_peak", "field_period_fraction", "field_phase_spread"))
        rows.append(f"{label}: period at the peak {np.nanmin(period):.2f}-{np.nanmax(period):.2f}"
                    f" (q = {q}), on {100 * np.nanmin(fraction):.0f}-"
                    f"{100 * np.nanmax(fraction):.0f}% of the field's sites, phase spread "
                    f"{np.nanmin(spread):.2f}-{np.nanmax(spread):.2f} rad")
        good.append(bool(np.all(np.abs(period - q) <= PERIOD_TOLERANCE * q)
                         and np.all(fraction >= 0.5) and np.all(spread < PHASE_SPREAD)))
    if not rows:
        return Outcome("no runs with one double-well hidden unit", None)
    return Outcome("; ".join(rows), bool(all(good)))


def _spread(direction):
    """Several units (M ≥ 2): the gaps' coefficient of variation, mean over runs, at most half
    that of M independent uniform points, for every M and unit type."""
    def check(aggregates):
        fields = aggregates["xy_fields"]
        rows, good = [], []
        for label, entry, units, _ in _groups(fields):
            cv = _present(entry[f"{direction}_gap_cv"])
            if units < 2 or not cv.size:
                continue
            random = float(np.sqrt((units - 1) / (units + 1)))
            rows.append(f"{label}: gap CV {cv.mean():.2f} (runs {cv.min():.2f}-{cv.max():.2f}) "
                        f"vs {random:.2f} for {units} random points, 0 even")
            good.append(bool(cv.mean() <= 0.5 * random))
        if not rows:
            return Outcome("no runs with several hidden units", None)
        return Outcome("; ".join(rows), bool(all(good)))
    return check


CLAIMS = (
    Claim("one hidden unit's receptive field is localised in space (a place field on the "
          "ring), for double-well and ±1 units", "HTCM20 Fig. 9a-c",
          "strong localisation around one site; slightly weaker for a ±1 unit",
          "every one-unit run: spatial order ≥ 3 x the random floor 1/sqrt(2(q-1)N) and FWHM "
          "≤ N/3", ("xy_fields",), check_localised),
    Claim("over its field the unit's angular weights are a cosine of period q with one phase",
          "HTCM20 Fig. 9d-e", "period q over the receptive field; constant (arbitrary) phase",
          "every one-unit double-well run: the cosine fit's period at the peak within 10% of q "
          "and on ≥ half the field's sites, circular s.d. of the phase over the field < 0.5 rad",
          ("xy_fields",), check_cosine),
    Claim("several units repel: their fields are spread evenly round the ring",
          "HTCM20 Fig. 10", "receptive fields mutually separated in space",
          "gap CV between neighbouring centres, mean over runs, ≤ half that of M uniform "
          "random points (sqrt((M-1)/(M+1)) = 0.82 for M = 5), every M ≥ 2 and unit type",
          ("xy_fields",), _spread("space")),
    Claim("several units repel in angle: their phases are equally spaced (modulo pi)",
          "HTCM20 Fig. 10", "phases equi-separated by repulsion along the angle",
          "gap CV between neighbouring phases mod pi, mean over runs, ≤ half that of M uniform "
          "random points (0.82 for M = 5), every M ≥ 2 and unit type",
          ("xy_fields",), _spread("phase")),
)
