"""Figures of the diffusion study, from ``diffusion.nc``: centre trajectories (Figs. 5a, 6),
mean-square displacement with its fit (Fig. 5b), pair distances of several centres, and D
against the SGA noise and the number of training samples."""

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .common import save

#: the variables whose dims are the sweep axes (plus estimator)
_SWEPT = "diffusion_coefficient"


def sweep_points(result):
    """(label, selection) for every sweep point of ``diffusion.nc``, in cube order."""
    axes = [dim for dim in result[_SWEPT].dims if dim != "estimator"]
    if not axes:
        return [("", {})]
    stacked = result[_SWEPT].stack(point=axes)["point"].values
    points = []
    for values in stacked:
        values = values if isinstance(values, tuple) else (values,)
        selection = dict(zip(axes, values))
        points.append((", ".join(f"{k}={_short(v)}" for k, v in selection.items()), selection))
    return points


def _short(value):
    return f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)


def _grid(n_panels, width=3.4, height=2.6, columns=4):
    columns = min(columns, max(n_panels, 1))
    rows = int(np.ceil(max(n_panels, 1) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows),
                                squeeze=False, layout="constrained")
    for axis in axes.flat[n_panels:]:
        axis.set_axis_off()
    return figure, axes.flat


def trajectories(inputs, output, max_panels=12):
    """Unwrapped centre of every hidden unit of every run vs epoch, one panel per sweep point
    (Fig. 5a for one unit, Fig. 6 for three: the units of a run share a colour)."""
    with xr.open_dataset(inputs[0]) as result:
        points = sweep_points(result)[:max_panels]
        figure, axes = _grid(len(points))
        start = result.attrs["fit_start_epoch"]
        for axis, (label, selection) in zip(axes, points):
            center = result["center"].sel(selection)
            colors = plt.cm.tab10(np.arange(center.sizes["seed"]) % 10)
            for color, seed in zip(colors, center["seed"].values):
                for hidden in center["hidden"].values:
                    track = center.sel(seed=seed, hidden=hidden)
                    if np.isfinite(track).any():
                        axis.plot(track["epoch"], track, color=color, lw=0.8)
            axis.axvspan(0, start, color="0.9", zorder=-1)
            axis.set(title=label, xlabel="epoch", ylabel="centre (sites, unwrapped)")
            axis.title.set_fontsize(7)
        figure.suptitle(f"place-field centres (N = {result.attrs['n_visible']}); grey: transient "
                        "before the fit")
    save(figure, output)


def msd(inputs, output):
    """MSD since the end of the transient, mean ± s.e. over runs, with the fit 2 D τ + c
    (Fig. 5b), on log-log axes (free diffusion and trapping differ by orders of magnitude);
    one panel per number of hidden units."""
    with xr.open_dataset(inputs[0]) as result:
        points = sweep_points(result)
        groups = {}
        for label, selection in points:
            groups.setdefault(selection.get("n_hidden"), []).append((label, selection))
        figure, axes = _grid(len(groups), width=4.2, height=3.2, columns=3)
        for axis, (n_hidden, members) in zip(axes, groups.items()):
            colors = plt.cm.viridis(np.linspace(0, 0.9, len(members)))
            for color, (label, selection) in zip(colors, members):
                entry = result.sel(selection).isel(lag=slice(1, None))  # lag 0: MSD = 0
                lag = entry["lag"].values
                axis.errorbar(lag, entry["msd"], entry["msd_stderr"], color=color, lw=1, ms=2,
                              fmt="o-", capsize=1.5)
                fit = entry.sel(estimator="ensemble")
                d, err = float(fit["diffusion_coefficient"]), float(fit["diffusion_coefficient_stderr"])
                axis.plot(lag, 2 * d * lag + float(fit["msd_intercept"]), "--", color=color,
                          label=f"{label}: D = {d:.3g} ± {err:.2g}")
            axis.set(xlabel=f"epochs since epoch {result.attrs['fit_start_epoch']}",
                     ylabel="MSD (sites²)", title=f"M = {n_hidden}" if n_hidden else "",
                     xscale="log", yscale="log")
            axis.legend(fontsize=5)
        figure.suptitle("mean-square displacement of the centres; dashed: MSD = 2 D t + c")
    save(figure, output)


def pair_distances(inputs, output):
    """Ring distance between the centres of each pair of hidden units vs epoch (several
    units: they move together), with the spread against the distance travelled."""
    with xr.open_dataset(inputs[0]) as result:
        points = [(label, selection) for label, selection in sweep_points(result)
                  if np.isfinite(result["pair_distance"].sel(selection)).any()]
        if not points:
            figure, axis = plt.subplots(figsize=(4, 1.5))
            axis.text(0.5, 0.5, "no sweep point has more than one hidden unit", ha="center")
            axis.set_axis_off()
            save(figure, output)
            return
        figure, axes = _grid(len(points))
        for axis, (label, selection) in zip(axes, points):
            entry = result.sel(selection)
            seed = entry["seed"].values[0]
            for pair in entry["pair"].values:
                axis.plot(entry["epoch"], entry["pair_distance"].sel(seed=seed, pair=pair),
                          lw=0.8, label=f"units {pair}")
            axis.axhline(result.attrs["n_visible"] / 3, color="0.6", ls=":", lw=0.8)
            axis.set(title=f"{label}\nspread {float(entry['pair_distance_spread']):.2g} vs rms "
                           f"displacement {float(entry['rms_displacement']):.3g} sites",
                     xlabel="epoch", ylabel="distance (sites)", ylim=(0, result.attrs["n_visible"] / 2))
            axis.title.set_fontsize(7)
            axis.legend(fontsize=6)
        figure.suptitle("distances between place-field centres (first seed; dotted: N/3)")
    save(figure, output)


def _d_against(inputs, output, x_name, x_label, group_name):
    """D per unit learning time (left) and per epoch (right) against ``x_name``, one line per
    value of ``group_name`` and number of hidden units; filled: ensemble MSD fit, open:
    time-averaged."""
    with xr.open_dataset(inputs[0]) as result:
        rows = []
        for label, selection in sweep_points(result):
            entry = result.sel(selection)
            for estimator in ("ensemble", "time_averaged"):
                fit = entry.sel(estimator=estimator)
                rows.append({
                    "x": float(entry[x_name]), "group": float(entry[group_name]),
                    "n_hidden": selection.get("n_hidden", 1), "estimator": estimator,
                    "per_time": float(fit["diffusion_per_learning_time"]),
                    "per_time_err": float(fit["diffusion_per_learning_time_stderr"]),
                    "per_epoch": float(fit["diffusion_coefficient"]),
                    "per_epoch_err": float(fit["diffusion_coefficient_stderr"]),
                })
    figure, axes = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    groups = sorted({(r["n_hidden"], r["group"]) for r in rows})
    colors = dict(zip(groups, plt.cm.viridis(np.linspace(0, 0.9, len(groups)))))
    for axis, key, ylabel in ((axes[0], "per_time", "D per unit learning time (sites²)"),
                              (axes[1], "per_epoch", "D (sites² / epoch)")):
        for (n_hidden, group) in groups:
            for estimator, fill in (("ensemble", None), ("time_averaged", "none")):
                line = sorted((r for r in rows if (r["n_hidden"], r["group"]) == (n_hidden, group)
                               and r["estimator"] == estimator and r[key] > 0), key=lambda r: r["x"])
                if not line:
                    continue
                axis.errorbar([r["x"] for r in line], [r[key] for r in line],
                              [r[f"{key}_err"] for r in line], fmt="o-" if fill is None else "s:",
                              mfc=fill, color=colors[(n_hidden, group)], capsize=2, ms=4, lw=0.8,
                              label=f"M={n_hidden}, {group_name}={group:g}"
                              if estimator == "ensemble" else None)
        axis.set(xscale="log", yscale="log", xlabel=x_label, ylabel=ylabel)
    xs = np.array(sorted({r["x"] for r in rows}))
    ys = np.array([r["per_time"] for r in rows if r["per_time"] > 0])
    if x_name == "noise_temperature" and len(xs) > 1 and len(ys):
        reference = np.exp(np.mean(np.log(ys))) * xs / np.exp(np.mean(np.log(xs)))
        axes[0].plot(xs, reference, color="0.5", ls="--", lw=0.8, label="∝ ν / batch")
    axes[0].legend(fontsize=6)
    figure.suptitle("diffusion coefficient (filled: MSD since the transient, open: time-averaged;"
                    " non-positive D not shown)", fontsize=8)
    save(figure, output)


def diffusion_vs_noise(inputs, output):
    _d_against(inputs, output, "noise_temperature", "SGA noise ν / batch size",
               "training_samples")


def diffusion_vs_samples(inputs, output):
    _d_against(inputs, output, "training_samples", "number of training samples",
               "noise_temperature")
