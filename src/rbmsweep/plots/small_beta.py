"""Figures of the small-β study, from ``small_beta.nc``: the theory profiles (Fig. 14) and the
theory against trained weights rescaled by √β."""

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .common import save


def theory_profiles(inputs, output):
    """(a) one unit: eq. 36 on the ring, the continuum equation on a fine grid, the closed
    form eq. 43; (b) two units, eqs. 49-50; (c) two peaks started close together repel."""
    with xr.open_dataset(inputs[0]) as result:
        figure, axes = plt.subplots(1, 3, figsize=(12, 3.3), layout="constrained")
        axis = axes[0]
        axis.plot(result["offset"], result["profile_lattice"], "o-", ms=3,
                  label=f"lattice eq. 36, N = {result.attrs['n_visible']}: b = "
                        f"{float(result['b_lattice']):.3f}, height {float(result['height_lattice']):.3f}")
        axis.plot(result["x"], result["profile_continuum"], "-", lw=2.5, alpha=0.5,
                  label=f"continuum, dx = 0.1: b = {float(result['b_continuum']):.4f}, height "
                        f"{float(result['height_continuum']):.3f}")
        axis.plot(result["x"], result["profile_closed_form"], "k--", lw=1,
                  label=f"√(2(b−2))/cosh(x√(b−2)), b = 8−4√2 = {float(result['b_closed_form']):.4f}")
        axis.set(xlim=(-12, 12), xlabel="x − peak (sites)", ylabel="w / √β",
                 title="(a) one hidden unit, stationary")
        axis.legend(fontsize=6)
        axis = axes[1]
        for unit in result["unit"].values:
            axis.plot(result["site"], result["profiles_two_units"].sel(unit=unit), "o-", ms=2,
                      label=f"unit {unit}")
        axis.set(xlabel="site i", ylabel="w / √β", title="(b) two hidden units, eqs. 49-50")
        axis.legend(fontsize=6)
        axis = axes[2]
        for start in result["start_separation"].values:
            axis.plot(result["repulsion_time"], result["separation"].sel(start_separation=start),
                      label=f"start {start} sites")
        axis.axhline(float(result["fwhm_lattice"]), color="0.5", ls=":", lw=0.8,
                     label="one-unit FWHM")
        axis.set(xlabel="rescaled time β t", ylabel="distance between centres (sites)",
                 title="(c) two peaks repel", ylim=(0, None))
        axis.legend(fontsize=6)
        figure.suptitle("small-β learning dynamics (paper §V.2, Fig. 14)")
    save(figure, output)


def theory_vs_weights(inputs, output):
    """Trained receptive fields / √β (mean ± sd of the centred profiles after the transient)
    against the lattice theory of the same N, one column per sweep point; below, b = Σ w²/β
    against rescaled time β t, with eq. 36 from the same initial amplitude."""
    with xr.open_dataset(inputs[0]) as result:
        axes_names = [dim for dim in result["height_trained"].dims]
        stacked = result.stack(point=axes_names) if axes_names else result.expand_dims(point=[0])
        n = stacked.sizes["point"]
        figure, axes = plt.subplots(2, n, figsize=(3.4 * n, 5.6), squeeze=False,
                                 layout="constrained")
        for k in range(n):
            entry = stacked.isel(point=k)
            label = ", ".join(f"{d}={_short(entry[d].values)}" for d in axes_names)
            axis = axes[0, k]
            mean, spread = entry["profile_trained"], entry["profile_trained_std"]
            axis.fill_between(entry["offset"], mean - spread, mean + spread, color="C0", alpha=0.25)
            axis.plot(entry["offset"], mean, "o", ms=4, mfc="none", color="C0", zorder=3,
                      label=f"trained: height {float(entry['height_trained']):.2f}, "
                            f"b {float(entry['b_trained_stationary']):.2f}")
            axis.plot(entry["offset"], entry["profile_lattice"], "k-", lw=1,
                      label=f"eq. 36: height {float(entry['height_lattice']):.2f}, "
                            f"b {float(entry['b_lattice']):.2f}")
            axis.plot(entry["x"], entry["profile_closed_form"], "k:", lw=1, label="eq. 43")
            axis.set(xlim=(-12, 12), title=label, xlabel="site − peak", ylabel="w / √β")
            axis.title.set_fontsize(8)
            axis.legend(fontsize=6)
            axis = axes[1, k]
            axis.plot(entry["rescaled_time"], entry["b_trained"], "o-", ms=3, label="trained")
            axis.plot(entry["time"], entry["b_theory"], "k-", lw=1, label="eq. 36")
            axis.axhline(float(entry["b_closed_form"]), color="0.5", ls=":", lw=0.8)
            axis.set(xlabel="rescaled time β × ν × updates", ylabel="b = Σ w² / β",
                     xlim=(0, float(entry["rescaled_time"].max()) * 1.05))
            axis.legend(fontsize=6)
        figure.suptitle("trained weights rescaled by √β vs the small-β theory")
    save(figure, output)


def _short(value):
    value = value.item() if hasattr(value, "item") else value
    return f"{value:g}" if isinstance(value, float) else str(value)
