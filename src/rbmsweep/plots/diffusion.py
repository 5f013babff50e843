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


def _msd_variable(result):
    """The MSD drawn: of the translation-mode coordinate (time-averaged, its lag axis
    ``window_lag``) when the cube had weights, else the paper's (``lag``)."""
    if "msd_translation_mode" in result and np.isfinite(result["msd_translation_mode"]).any():
        return "msd_translation_mode", "window_lag", "translation_mode"
    return "msd", "lag", "ensemble"


def msd(inputs, output):
    """MSD of the centres, mean ± s.e. over runs, with the fit 2 D τ + c (Fig. 5b), on log-log
    axes (free diffusion and trapping differ by orders of magnitude); one panel per number of
    hidden units and, when it is swept, finite against fresh data side by side (Fig. 5's two
    regimes)."""
    with xr.open_dataset(inputs[0]) as result:
        name, lag_dim, estimator = _msd_variable(result)
        groups = {}
        for label, selection in sweep_points(result):
            key = (selection.get("n_hidden"), selection.get("fresh_data"))
            groups.setdefault(key, []).append((label, selection))
        figure, axes = _grid(len(groups), width=4.2, height=3.2, columns=4)
        for axis, ((n_hidden, fresh), members) in zip(axes, groups.items()):
            colors = plt.cm.viridis(np.linspace(0, 0.9, len(members)))
            for color, (label, selection) in zip(colors, members):
                entry = result.sel(selection).isel({lag_dim: slice(1, None)})  # lag 0: MSD = 0
                lag = entry[lag_dim].values
                axis.errorbar(lag, entry[name], entry[f"{name}_stderr"], color=color, lw=1, ms=2,
                              fmt="o-", capsize=1.5)
                fit = entry.sel(estimator=estimator)
                d, err = (float(fit["diffusion_coefficient"]),
                          float(fit["diffusion_coefficient_stderr"]))
                axis.plot(lag, 2 * d * lag + float(fit["msd_intercept"]), "--", color=color,
                          label=f"{label}: D = {d:.3g} ± {err:.2g}")
            title = " ".join(part for part in (
                f"M = {n_hidden}" if n_hidden is not None else "",
                {True: "fresh data every epoch", False: "one finite data set"}.get(
                    None if fresh is None else bool(fresh), "")) if part)
            axis.set(xlabel="lag (epochs)", ylabel="MSD (sites²)", title=title,
                     xscale="log", yscale="log")
            axis.legend(fontsize=5)
        what = ("coordinate along the translation mode, time-averaged" if estimator
                == "translation_mode" else "circular-mean centre since the transient")
        figure.suptitle(f"mean-square displacement ({what}); dashed: MSD = 2 D t + c")
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


def _points(result, estimator="translation_mode"):
    """One row per sweep point: its label, selection, D per epoch / update / learning time with
    errors, and the Langevin predictions."""
    rows = []
    for label, selection in sweep_points(result):
        entry = result.sel(selection)
        fit = entry.sel(estimator=estimator)
        row = {"label": label, "selection": selection,
               "n_hidden": selection.get("n_hidden", 1),
               "fresh": selection.get("fresh_data"),
               "noise": float(entry["noise_temperature"]),
               "samples": float(entry["training_samples"])}
        for key, variable in (("epoch", "diffusion_coefficient"),
                              ("update", "diffusion_per_update"),
                              ("time", "diffusion_per_learning_time")):
            row[key] = float(fit[variable])
            row[f"{key}_err"] = float(fit[f"{variable}_stderr"])
        for prediction in ("unit", "rigid"):
            row[f"predicted_{prediction}"] = float(
                entry["diffusion_predicted_per_learning_time"].sel(prediction=prediction))
            row[f"predicted_{prediction}_update"] = float(
                entry["diffusion_predicted_per_update"].sel(prediction=prediction))
        rows.append(row)
    return rows


def _first(array):
    """The value of a 0-d array, else its first element along every dimension."""
    return float(array if array.ndim == 0 else array.isel({dim: 0 for dim in array.dims}))


def diffusion_vs_noise(inputs, output):
    """D per unit learning time against the SGA noise ν/B (the law D(ν/B)): measured (the
    translation-mode estimator, filled; the paper's MSD, open) and the Langevin prediction
    (lines), with the fitted exponents."""
    with xr.open_dataset(inputs[0]) as result:
        rows = {estimator: _points(result, estimator)
                for estimator in ("translation_mode", "ensemble")}
        exponent = result["noise_exponent"]
        predicted_exponent = result["noise_exponent_predicted"]
        figure, axis = plt.subplots(figsize=(5.4, 3.8), layout="constrained")
        groups = sorted({(r["n_hidden"], r["samples"], str(r["fresh"]))
                         for r in rows["translation_mode"]})
        colors = dict(zip(groups, plt.cm.viridis(np.linspace(0, 0.9, len(groups)))))
        for group in groups:
            color = colors[group]
            selection = {key: value for key, value in zip(("n_hidden", "samples", "fresh"), group)}
            for estimator, fill in (("translation_mode", None), ("ensemble", "none")):
                line = sorted((r for r in rows[estimator]
                               if (r["n_hidden"], r["samples"], str(r["fresh"])) == group
                               and r["time"] > 0), key=lambda r: r["noise"])
                if not line:
                    continue
                where = {"n_hidden": selection["n_hidden"]} if "n_hidden" in exponent.dims else {}
                p = _first(exponent.sel(estimator=estimator, **where))
                p_err = _first(result["noise_exponent_stderr"].sel(estimator=estimator, **where))
                axis.errorbar([r["noise"] for r in line], [r["time"] for r in line],
                              [r["time_err"] for r in line], fmt="o" if fill is None else "s",
                              mfc=fill, color=color, capsize=2, ms=4, lw=0.8,
                              label=f"M={selection['n_hidden']} {estimator}: exponent "
                                    f"{p:.2f} ± {p_err:.2f}")
            line = sorted((r for r in rows["translation_mode"]
                           if (r["n_hidden"], r["samples"], str(r["fresh"])) == group),
                          key=lambda r: r["noise"])
            where = {"n_hidden": selection["n_hidden"]} if "n_hidden" in predicted_exponent.dims else {}
            q = _first(predicted_exponent.sel(prediction="unit", **where))
            axis.plot([r["noise"] for r in line], [r["predicted_unit"] for r in line], "-",
                      color=color, lw=1, label=f"Langevin prediction: exponent {q:.2f}")
        axis.set(xscale="log", yscale="log", xlabel="SGA noise ν / B",
                 ylabel="D per unit learning time (sites²)")
        axis.legend(fontsize=5)
        axis.set_title("D(ν/B): filled, translation mode; open, the paper's MSD; lines, "
                       "ν² e·C·e / (2B|∂w/∂x₀|²)", fontsize=7)
    save(figure, output)


def diffusion_vs_samples(inputs, output):
    """D per update against the number of training samples: one finite data set (pinned at
    few samples, activated) against a fresh data set at every epoch (free), with the Langevin
    prediction (Fig. 5's two regimes)."""
    with xr.open_dataset(inputs[0]) as result:
        rows = _points(result)
        figure, axis = plt.subplots(figsize=(5.2, 3.8), layout="constrained")
        groups = sorted({(r["n_hidden"], r["noise"], str(r["fresh"])) for r in rows})
        colors = plt.cm.tab10(np.arange(len(groups)) % 10)
        for color, group in zip(colors, groups):
            line = sorted((r for r in rows if (r["n_hidden"], r["noise"], str(r["fresh"]))
                           == group), key=lambda r: r["samples"])
            kind = {"True": "fresh data every epoch", "False": "one finite data set"}.get(
                group[2], "")
            shown = [r for r in line if r["update"] > 0]
            axis.errorbar([r["samples"] for r in shown], [r["update"] for r in shown],
                          [r["update_err"] for r in shown], fmt="o-", color=color, capsize=2,
                          ms=4, lw=1, label=f"M={group[0]}, ν/B={group[1]:g} {kind}")
            axis.plot([r["samples"] for r in line], [r["predicted_unit_update"] for r in line],
                      ":", color=color, lw=0.8)
        axis.set(xscale="log", yscale="log", xlabel="training samples (per epoch)",
                 ylabel="D per update (sites²)")
        axis.legend(fontsize=6)
        axis.set_title("finite data pin the field; fresh data let it diffuse (dotted: the "
                       "Langevin prediction)", fontsize=7)
    save(figure, output)


def prediction(inputs, output):
    """Measured D (translation-mode estimator, ± s.e.) against the Langevin prediction for
    every sweep point: units diffusing alone (filled) and as one rigid pattern (open)."""
    with xr.open_dataset(inputs[0]) as result:
        rows = [r for r in _points(result) if np.isfinite(r["predicted_unit"])]
        figure, axis = plt.subplots(figsize=(4.6, 4.0), layout="constrained")
        if not rows:
            axis.text(0.5, 0.5, result.attrs.get("prediction", "no prediction"), ha="center",
                      wrap=True)
            axis.set_axis_off()
            save(figure, output)
            return
        colors = plt.cm.viridis(np.linspace(0, 0.9, len(rows)))
        values = []
        for color, r in zip(colors, rows):
            axis.errorbar(r["predicted_unit"], r["time"], r["time_err"], fmt="o", color=color,
                          ms=5, capsize=2, label=r["label"])
            if r["n_hidden"] > 1:
                axis.errorbar(r["predicted_rigid"], r["time"], r["time_err"], fmt="o", mfc="none",
                              color=color, ms=5, capsize=2)
                values.append(r["predicted_rigid"])
            values += [r["predicted_unit"], r["time"]]
        values = np.array([v for v in values if v > 0])
        span = np.array([values.min() / 2, values.max() * 2])
        axis.plot(span, span, "k-", lw=0.8)
        axis.set(xscale="log", yscale="log", xlabel="predicted D per learning time (sites²)",
                 ylabel="measured D per learning time (sites²)")
        axis.legend(fontsize=5)
        axis.set_title("Langevin prediction ν e·C·e/(2B|∂w/∂x₀|²) per learning time\n"
                       "(filled: units alone, open: rigid pattern)", fontsize=7)
    save(figure, output)
