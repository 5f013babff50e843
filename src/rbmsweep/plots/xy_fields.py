"""Figures of the xy_fields study: XY samples as angles (HTCM20 Fig. 8), one unit's receptive
field over site × state, its angular modulation, the cosine at its peak, the period and phase
of the per-site cosine fit (Fig. 9a-e), and several units spread in space and in angle
(Fig. 10)."""

import json

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ..io import sweep_dims
from ..observables.potts import centred, orient
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


def _runs(cube, n_hidden=None):
    """(label, run at the last epoch) for the first seed of each sweep point; with ``n_hidden``
    only the points whose RBM has that many units (``min`` or ``max``: the fewest or most)."""
    last = cube.isel(epoch=-1)
    if "seed" in last.dims:
        last = last.isel(seed=0)
    present = np.isfinite(last["weights"]).all(["visible", "state"]).sum("hidden")
    dims = [dim for dim in sweep_dims(last) if dim != "seed"]
    stacked = last.stack(point=dims) if dims else last.expand_dims(point=[0])
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


def _field_mask(run, unit=0):
    norm = run["site_norm"].isel(hidden=unit).values
    return norm > 0.5 * np.nanmax(norm)


def weights(inputs, output):
    """Fig. 9a-b: one unit's weights over site × state (oriented, zero-sum gauge) at the last
    epoch, for each one-unit run (e.g. a double-well and a ±1 hidden unit)."""
    with xr.open_dataset(inputs[0]) as cube:
        runs = _runs(cube, "min")
        figure, axes = plt.subplots(len(runs), 1, figsize=(6.5, 2.4 * len(runs)), squeeze=False,
                                    layout="constrained")
        for axis, (label, run) in zip(axes[:, 0], runs):
            w = centred(orient(run["weights"].isel(hidden=0).transpose("visible", "state")))
            limit = float(np.abs(w).max())
            image = axis.imshow(w.T, aspect="auto", origin="lower", cmap="RdBu_r", vmin=-limit,
                                vmax=limit, interpolation="nearest")
            axis.set(title=label, xlabel="site i", ylabel="state v")
            figure.colorbar(image, ax=axis, label="$w_{iv}$ − mean$_v$", shrink=0.9)
    save(figure, output)


def angular_modulation(inputs, output):
    """Fig. 9c: the angular modulation of each site, |Σ_v w_iv e^{2πiv/q}|, and HTCM20 eq. 16
    as printed, |Σ_v w_iv| (0 in the zero-sum gauge)."""
    with xr.open_dataset(inputs[0]) as cube:
        runs = _runs(cube, "min")
        figure, axis = plt.subplots(figsize=(5.5, 3.2), layout="constrained")
        for color, (label, run) in zip(plt.cm.tab10.colors, runs):
            unit = run.isel(hidden=0)
            axis.plot(unit["visible"], unit["angular_modulation"], "-", color=color,
                      label=f"{label}: Fourier amplitude")
            axis.plot(unit["visible"], unit["angular_sum"], ":", color=color,
                      label=f"{label}: eq. 16 as printed")
        axis.set(xlabel="site i", ylabel="angular modulation")
        axis.legend(fontsize=6)
    save(figure, output)


def cosine_at_peak(inputs, output):
    """Fig. 9d: the weights of the peak site (largest ‖u_i‖) over the states, with the fitted
    cosine a + A cos(2πv/T − ψ)."""
    with xr.open_dataset(inputs[0]) as cube:
        runs = _runs(cube, "min")
        figure, axes = plt.subplots(1, len(runs), figsize=(3.4 * len(runs), 2.9), squeeze=False,
                                    layout="constrained")
        for axis, (label, run) in zip(axes[0], runs):
            unit = run.isel(hidden=0)
            site = int(np.argmax(unit["site_norm"].values))
            row = centred(orient(unit["weights"].transpose("visible", "state").values))[site]
            q = len(row)
            period, phase, amplitude = (float(unit[f"cosine_{name}"][site])
                                        for name in ("period", "phase", "amplitude"))
            v = np.linspace(0, q - 1, 200)
            curve = amplitude * np.cos(2 * np.pi * v / period - phase)
            offset = row.mean() - np.mean(amplitude * np.cos(2 * np.pi * np.arange(q) / period
                                                             - phase))
            axis.plot(np.arange(q), row, "o", color="k", ms=4, label="weights")
            axis.plot(v, curve + offset, "-", color="C3",
                      label=f"cosine fit, T = {period:.2f}")
            axis.set(title=f"{label}\nsite {site}", xlabel="state v", ylabel="$w_{iv}$")
            axis.legend(fontsize=6)
    save(figure, output)


def period_phase(inputs, output):
    """Fig. 9e: period and phase of the per-site cosine fit vs site; the field's sites (‖u_i‖
    above half its maximum) shaded."""
    with xr.open_dataset(inputs[0]) as cube:
        q = int(cube.sizes["state"])
        runs = _runs(cube, "min")
        figure, axes = plt.subplots(2, len(runs), figsize=(3.8 * len(runs), 4.6), squeeze=False,
                                    sharex=True, layout="constrained")
        for column, (label, run) in enumerate(runs):
            unit = run.isel(hidden=0)
            field = _field_mask(run)
            sites = unit["visible"].values
            for row, (name, ylabel) in enumerate((("cosine_period", "period T (states)"),
                                                  ("cosine_phase", "phase ψ (rad)"))):
                axis = axes[row, column]
                axis.fill_between(sites, 0, 1, where=field, color="0.9",
                                  transform=axis.get_xaxis_transform(), label="field")
                axis.plot(sites, unit[name], ".", color="k", ms=3)
                axis.set(ylabel=ylabel)
            axes[0, column].axhline(q, color="C3", lw=0.8, label=f"q = {q}")
            axes[0, column].set(ylim=(0, 2.1 * q), title=label)
            axes[1, column].set(ylim=(-np.pi, np.pi), xlabel="site i")
            axes[0, column].legend(fontsize=6)
    save(figure, output)


def several_units(inputs, output):
    """Fig. 10: the run with the most units: each unit's spatial profile ‖u_i‖, its weights at
    its peak site over the states, and the units' centres on the ring and phases in angle."""
    with xr.open_dataset(inputs[0]) as cube:
        label, run = _runs(cube, "max")[0]
        n_units = run.sizes["hidden"]
        n_visible, q = run.sizes["visible"], run.sizes["state"]
        figure = plt.figure(figsize=(11, 3.2), layout="constrained")
        profile_axis = figure.add_subplot(1, 4, 1)
        angle_axis = figure.add_subplot(1, 4, 2)
        space_polar = figure.add_subplot(1, 4, 3, projection="polar")
        phase_polar = figure.add_subplot(1, 4, 4, projection="polar")
        colors = plt.cm.viridis(np.linspace(0, 0.9, n_units))
        for unit, color in zip(range(n_units), colors):
            one = run.isel(hidden=unit)
            profile_axis.plot(one["visible"], one["site_norm"], color=color, label=f"unit {unit}")
            rows = centred(orient(one["weights"].transpose("visible", "state").values))
            angle_axis.plot(np.arange(q), rows[int(np.argmax(one["site_norm"].values))], "o-", ms=3,
                            color=color)
            center, phase = float(one["peak_center"]), float(one["angular_phase"])
            space_polar.plot([2 * np.pi * center / n_visible] * 2, [0, 1], color=color, lw=2)
            phase_polar.plot([2 * phase] * 2, [0, 1], color=color, lw=2)
        profile_axis.set(xlabel="site i", ylabel="‖$w_{i·}$ − mean‖", title=label)
        profile_axis.legend(fontsize=6)
        angle_axis.set(xlabel="state v", ylabel="$w_{iv}$ at the unit's peak site")
        space_polar.set(title="centres (angle 2πx/N)", yticks=[])
        phase_polar.set(title="phases (2φ: w ≡ −w)", yticks=[])
    save(figure, output)


def spacings(inputs, output):
    """Fig. 10, measured: the gaps between neighbouring units' centres on the ring and between
    their phases (mod π), over the even gap, for every run with several units."""
    with xr.open_dataset(inputs[0]) as fields:
        figure, axes = plt.subplots(1, 2, figsize=(8, 3.2), layout="constrained")
        several = fields["space_gap_even"].notnull()
        for axis, stem, title in ((axes[0], "space", "centres in space"),
                                  (axes[1], "phase", "phases in angle (mod π)")):
            gaps = (fields[f"{stem}_gaps"] / fields[f"{stem}_gap_even"]).where(several)
            flat = gaps.stack(run=[d for d in gaps.dims if d != "gap"]).dropna("run", how="all")
            for index in range(flat.sizes["run"]):
                values = flat.isel(run=index).values
                axis.plot(np.full(len(values), index), values, "o", ms=3, color="C0")
            cv = fields[f"{stem}_gap_cv"].where(several)
            random = fields["gap_cv_random"].where(several)
            axis.axhline(1.0, color="k", lw=0.8)
            axis.set(title=f"{title}: CV {float(cv.mean()):.2f} (random {float(random.mean()):.2f})",
                     xlabel="run", ylabel="gap / even gap", ylim=(0, None))
    save(figure, output)
