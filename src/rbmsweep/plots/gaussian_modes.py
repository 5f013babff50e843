"""Figures of the Gaussian–Gaussian study ([DFF]): learned singular values against the fixed
points, mode trajectories against the mode equation, emergence time against data variance."""

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ..io import sweep_dims
from .common import save


def _points(result):
    """(label, selection) of every sweep point but the seed."""
    dims = [dim for dim in sweep_dims(result) if dim not in ("seed", "component")]
    if not dims:
        return [("", {})]
    frame = result[dims].to_dataframe().reset_index()[dims].drop_duplicates()
    return [(", ".join(f"{dim}={row[dim]}" for dim in dims), dict(row))
            for _, row in frame.iterrows()]


def _panels(result, width, height):
    """A row of panels, one per sweep point (:func:`_points`), each ``width`` × ``height``
    inches: the figure and (axis, label, the point's data) of every panel."""
    points = _points(result)
    figure, axes = plt.subplots(1, len(points), figsize=(width * len(points), height),
                                squeeze=False)
    return figure, [(axis, label, result.sel(where))
                    for axis, (label, where) in zip(axes[0], points)]


def fixed_points(inputs, output):
    """Learned singular values (last snapshot, every seed) against the fixed points, mode by
    mode, with the data variances: the modes above σ_v² reach their fixed point, the others
    decay to 0."""
    with xr.open_dataset(inputs[0]) as result:
        figure, panels = _panels(result, 4.2, 3.2)
        for axis, label, point in panels:
            final = point["final_singular_value"]
            predicted = point["predicted_singular_value"]
            if "seed" in final.dims:
                for seed in final["seed"].values:
                    axis.plot(final["mode"] + 1, final.sel(seed=seed), "o", color="C0", ms=4,
                              alpha=0.6, label="learned" if seed == final["seed"][0] else None)
                predicted = predicted.isel(seed=0)
            else:
                axis.plot(final["mode"] + 1, final, "o", color="C0", ms=4, label="learned")
            # [DFF] mode equation's stable fixed point (docs/physics.md §10)
            axis.plot(predicted["mode"] + 1, predicted, "k_", ms=14, mew=2,
                      label="fixed point √((1 − σ_v²/⟨s²⟩)/(σ_v² σ_h²))")
            axis.set(xlabel="mode α (decreasing)", ylabel="singular value", title=label or None)
            twin = axis.twinx()
            variance = point["data_variance"]
            if "seed" in variance.dims:
                variance = variance.mean("seed")
            twin.plot(variance["component"] + 1, variance, "s:", color="C3", ms=3)
            twin.set_ylabel("data variance ⟨s_α²⟩", color="C3")
            axis.legend(fontsize=6)
    save(figure, output)


def mode_trajectories(inputs, output):
    """Mode amplitudes |e_αᵀ W(t)| against the learning time (first seed), with the mode
    equation integrated from the measured start (lines) and the fixed points (dotted)."""
    with xr.open_dataset(inputs[0]) as result:
        figure, panels = _panels(result, 4.4, 3.3)
        for axis, label, point in panels:
            if "seed" in point.dims:
                point = point.isel(seed=0)
            time = point["learning_time"].values
            shown = time > 0
            for component in point["component"].values:
                color = f"C{component % 10}"
                entry = point.sel(component=component)
                axis.plot(time[shown], entry["amplitude"].values[shown], "o", ms=3, color=color,
                          label=f"α={component + 1}, ⟨s²⟩={float(entry['data_variance']):.2f}")
                axis.plot(time[shown], entry["theory_amplitude"].values[shown], "-", color=color,
                          lw=1)
                if float(entry["fixed_point"]) > 0:
                    axis.axhline(float(entry["fixed_point"]), color=color, ls=":", lw=0.8)
            # the sub-threshold modes' equation decays exponentially: show down to 10^-3
            axis.set(xscale="log", yscale="log", xlabel="learning time t = ν × updates",
                     ylabel="mode amplitude |e_αᵀ W|", title=label or None, ylim=(1e-3, 2.0))
            axis.legend(fontsize=5, ncol=2)
    save(figure, output)


def emergence_order(inputs, output):
    """The learning time at which each mode above threshold reaches half its fixed point,
    against its data variance: measured (every seed) and from the mode equation."""
    with xr.open_dataset(inputs[0]) as result:
        figure, axis = plt.subplots(figsize=(4.4, 3.3))
        for index, (label, where) in enumerate(_points(result)):
            point = result.sel(where)
            variance = point["data_variance"].values.ravel()
            axis.plot(variance, point["emergence_time"].values.ravel(), "o", ms=4,
                      color=f"C{index}", alpha=0.7, label=f"measured {label}".strip())
            order = np.argsort(variance)
            axis.plot(variance[order], point["emergence_time_theory"].values.ravel()[order],
                      "x", color=f"C{index}", label=f"mode equation {label}".strip())
            rho = float(np.nanmean(point["emergence_order_correlation"].values))
            axis.text(0.98, 0.95 - 0.08 * index, f"Spearman ρ = {rho:.2f}", ha="right",
                      transform=axis.transAxes, fontsize=7, color=f"C{index}")
        axis.set(xlabel="data variance ⟨s_α²⟩", ylabel="emergence time (ν × updates)",
                 yscale="log")
        axis.legend(fontsize=6)
    save(figure, output)
