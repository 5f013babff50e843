"""Figures of the xy_fields study: XY samples as angles (HTCM20 Fig. 8), one unit's receptive
field over site × state, its angular modulation, the cosine at its peak, the period and phase
of the per-site cosine fit (Fig. 9a-e), and several units spread in space and in angle
(Fig. 10)."""

import json

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ..io import sweep_dims
from .common import save

ANGLES = "twilight"  # a cyclic colour map: state 0 and q − 1 are neighbours


def samples(inputs, output, n_shown=100, n_arrows=6, arrow_sites=40):
    """Fig. 8: training configurations as angles 2πσ_i/q (rows samples, columns sites, a cyclic
    colour map), and a few of them as arrows on the first sites."""
    figure, axes = plt.subplots(2, len(inputs), figsize=(3.6 * len(inputs), 5.4), squeeze=False,
                                layout="constrained", gridspec_kw={"height_ratios": [2.2, 1]})
    for column, path in enumerate(inputs):
        with xr.open_dataset(path) as dataset:
            configurations = dataset["train"].values[:n_shown]
            attrs = dataset.attrs
        q = int(attrs["q"])
        couplings = attrs.get("couplings")
        title = f"β = {attrs['beta']:g}, q = {q}, {attrs.get('kernel', 'cosine')}"
        if couplings is not None:
            title += f"\nJ = {json.dumps(np.atleast_1d(couplings).tolist())}"
        axis = axes[0, column]
        image = axis.imshow(configurations, cmap=ANGLES, vmin=-0.5, vmax=q - 0.5, aspect="auto",
                            interpolation="nearest")
        axis.set(title=title, xlabel="site i", ylabel="sample")
        bar = figure.colorbar(image, ax=axis, shrink=0.8, ticks=[0, q // 2, q - 1])
        bar.set_label("state σ (angle 2πσ/q)")
        axis = axes[1, column]
        sites = np.arange(min(arrow_sites, configurations.shape[1]))
        for row in range(min(n_arrows, len(configurations))):
            angle = 2 * np.pi * configurations[row, sites] / q
            axis.quiver(sites, np.full(len(sites), row), np.cos(angle), np.sin(angle),
                        angles="uv", pivot="middle", scale=1.0, scale_units="x", width=0.005,
                        headwidth=4, headlength=4)
        axis.set(xlim=(-1, len(sites)), ylim=(-0.8, n_arrows - 0.2), xlabel="site i",
                 ylabel="sample", yticks=range(n_arrows))
    save(figure, output)


def _runs(fields, n_hidden=None):
    """(label, run) for the first seed of each sweep point of the ``xy_fields`` aggregate;
    with ``n_hidden`` only the points whose RBM has that many units (``min`` or ``max``: the
    fewest or most); each run keeps its own units only."""
    if "seed" in fields.dims:
        fields = fields.isel(seed=0)
    present = np.isfinite(fields["weights"]).all(["visible", "state"]).sum("hidden")
    dims = [dim for dim in sweep_dims(fields) if dim not in ("gap", "seed")]
    stacked = fields.stack(point=dims) if dims else fields.expand_dims(point=[0])
    counts = (present.stack(point=dims) if dims else present.expand_dims(point=[0])).values
    if n_hidden is not None:
        target = counts.min() if n_hidden == "min" else counts.max()
        keep = np.flatnonzero(counts == target)
    else:
        keep = np.arange(len(counts))
    runs = []
    for index in keep:
        run = stacked.isel(point=index)
        label = ", ".join(f"{dim} = {run[dim].values}" for dim in dims) if dims else ""
        runs.append((label, run.isel(hidden=slice(0, int(counts[index])))))
    return runs


def receptive_field(inputs, output):
    """Fig. 9a-e, one row per one-unit run (e.g. a double-well and a ±1 hidden unit), first
    seed, last epoch: (a-b) the weights over site × state (oriented, zero-sum gauge); (c) the
    angular modulation |Σ_v w_iv e^{2πiv/q}| and eq. 16 as printed, |Σ_v w_iv| (0 in the
    zero-sum gauge); (d) the weights of the peak site over the states with the fitted cosine;
    (e) the period and phase of the per-site cosine fit, the field's sites shaded."""
    with xr.open_dataset(inputs[0]) as fields:
        q = int(fields.sizes["state"])
        runs = _runs(fields, "min")
        figure, axes = plt.subplots(len(runs), 5, figsize=(17, 2.9 * len(runs)), squeeze=False,
                                    layout="constrained",
                                    gridspec_kw={"width_ratios": [1.6, 1.2, 1, 1.2, 1.2]})
        for row, (label, run) in zip(axes, runs):
            unit = run.isel(hidden=0)
            sites = unit["visible"].values
            w = unit["weights"].transpose("visible", "state").values
            limit = float(np.abs(w).max())
            image = row[0].imshow(w.T, aspect="auto", origin="lower", cmap="RdBu_r",
                                  vmin=-limit, vmax=limit, interpolation="nearest")
            row[0].set(title=label, xlabel="site i", ylabel="state v")
            figure.colorbar(image, ax=row[0], shrink=0.9)
            row[1].plot(sites, unit["angular_modulation"], "-", color="C0",
                        label="$|\\sum_v w_{iv} e^{2\\pi i v/q}|$")
            row[1].plot(sites, unit["angular_sum"], ":", color="C3",
                        label="$|\\sum_v w_{iv}|$ (eq. 16)")
            row[1].set(xlabel="site i", ylabel="angular modulation")
            row[1].legend(fontsize=6)
            site = int(np.argmax(unit["site_norm"].values))
            period, phase, amplitude = (float(unit[f"cosine_{name}"][site])
                                        for name in ("period", "phase", "amplitude"))
            v = np.linspace(0, q - 1, 200)
            offset = w[site].mean() - np.mean(amplitude * np.cos(2 * np.pi * np.arange(q)
                                                                  / period - phase))
            row[2].plot(np.arange(q), w[site], "o", color="k", ms=4, label="weights")
            row[2].plot(v, amplitude * np.cos(2 * np.pi * v / period - phase) + offset, "-",
                        color="C3", label=f"cosine fit, T = {period:.2f}")
            row[2].set(title=f"site {site}", xlabel="state v", ylabel="$w_{iv}$")
            row[2].legend(fontsize=6)
            norm = unit["site_norm"].values
            field = norm > 0.5 * norm.max()
            for axis, name, ylabel, limits in ((row[3], "cosine_period", "period T (states)",
                                                (0, 2.1 * q)),
                                               (row[4], "cosine_phase", "phase ψ (rad)",
                                                (-np.pi, np.pi))):
                axis.fill_between(sites, 0, 1, where=field, color="0.88", step="mid",
                                  transform=axis.get_xaxis_transform(), label="field")
                axis.plot(sites, unit[name], ".", color="k", ms=3)
                axis.set(xlabel="site i", ylabel=ylabel, ylim=limits)
            row[3].axhline(q, color="C3", lw=0.8, label=f"q = {q}")
            row[3].legend(fontsize=6)
    save(figure, output)


def several_units(inputs, output):
    """Fig. 10: the run with the most units, first seed, last epoch: each unit's spatial
    profile ‖u_i‖, its weights at its peak site over the states, its centre on the ring and its
    phase in angle (as 2φ: w ≡ −w); and for every run with several units the gaps between
    neighbouring centres and phases over the even gap, with their coefficient of variation."""
    with xr.open_dataset(inputs[0]) as fields:
        label, run = _runs(fields, "max")[0]
        n_units = run.sizes["hidden"]
        n_visible, q = run.sizes["visible"], run.sizes["state"]
        figure = plt.figure(figsize=(15, 3.3), layout="constrained")
        grid = figure.add_gridspec(1, 6, width_ratios=[1.3, 1, 0.8, 0.8, 1, 1])
        profile_axis, angle_axis = figure.add_subplot(grid[0]), figure.add_subplot(grid[1])
        space_polar = figure.add_subplot(grid[2], projection="polar")
        phase_polar = figure.add_subplot(grid[3], projection="polar")
        colors = plt.cm.viridis(np.linspace(0, 0.9, n_units))
        for unit, color in zip(range(n_units), colors):
            one = run.isel(hidden=unit)
            profile_axis.plot(one["visible"], one["site_norm"], color=color, label=f"unit {unit}")
            rows = one["weights"].transpose("visible", "state").values
            angle_axis.plot(np.arange(q), rows[int(np.argmax(one["site_norm"].values))], "o-",
                            ms=3, color=color)
            center, phase = float(one["peak_center"]), float(one["angular_phase"])
            space_polar.plot([2 * np.pi * center / n_visible] * 2, [0, 1], color=color, lw=2)
            phase_polar.plot([2 * phase] * 2, [0, 1], color=color, lw=2)
        profile_axis.set(xlabel="site i", ylabel="‖$w_{i·}$ − mean‖", title=label)
        profile_axis.legend(fontsize=6)
        angle_axis.set(xlabel="state v", ylabel="$w_{iv}$ at the unit's peak site")
        space_polar.set_title("centres (2πx/N)", fontsize=8)
        phase_polar.set_title("phases (2φ: w ≡ −w)", fontsize=8)
        for axis in (space_polar, phase_polar):
            axis.set(yticks=[], xticklabels=[])
        several = fields["space_gap_even"].notnull()
        for index, (stem, title) in enumerate((("space", "gaps of the centres"),
                                               ("phase", "gaps of the phases (mod π)"))):
            axis = figure.add_subplot(grid[4 + index])
            gaps = (fields[f"{stem}_gaps"] / fields[f"{stem}_gap_even"]).where(several)
            flat = gaps.stack(run=[d for d in gaps.dims if d != "gap"]).dropna("run", how="all")
            for column in range(flat.sizes["run"]):
                values = flat.isel(run=column).values
                axis.plot(np.full(len(values), column), values, "o", ms=3, color="C0")
            cv = float(fields[f"{stem}_gap_cv"].where(several).mean())
            random = float(fields["gap_cv_random"].where(several).mean())
            axis.axhline(1.0, color="k", lw=0.8)
            axis.set(title=f"{title}\nCV {cv:.2f} (random {random:.2f})", xlabel="run",
                     ylabel="gap / even gap", ylim=(0, None))
            axis.title.set_fontsize(8)
    save(figure, output)
