"""Receptive fields of Potts RBMs trained on XY data (HTCM20 §IV.2, Figs. 8-10;
docs/physics.md §13.4).

Runs train RBMs with Potts visible units on XY data (``rbmsweep.studies.base.training_run``);
their observables are those of ``rbmsweep.observables.potts``.  ``xy_fields`` reduces the cube
to each unit's field at the last epoch (the oriented weights in the zero-sum gauge and their
observables, for the figures): where it sits in space and in angle, how localised it is in
each, the period and phase of the per-site cosine fit over the field; and for several units how
evenly their centres are spread on the ring and their phases in angle (Fig. 10).
"""

import numpy as np
import xarray as xr

from ..observables.potts import centred, circular_gaps, orient
from .base import Figure, training_run

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
