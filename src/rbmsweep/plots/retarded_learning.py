"""Figures of the retarded-learning study: the (β, α) phase diagram with the crossover lines,
order parameters vs β at fixed α (Fig. 7a) and vs α at fixed β (Fig. 7b)."""

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .. import theory
from .common import save

PANELS = {
    "order_parameter": "W = |Σ_i w_i|",
    "weight_max": "max_i |w_i|",
    "low_mode_fraction": "|w|² fraction in Fourier modes |k| ≤ 2",
}


def phase_diagram(inputs, output):
    with xr.open_dataset(inputs[0]) as diagram:
        alpha = diagram["alpha"].values
        beta = diagram["beta"].values
        figure, axes = plt.subplots(1, len(PANELS), figsize=(4.4 * len(PANELS), 3.4), squeeze=False,
                                    layout="constrained")
        for axis, (name, label) in zip(axes[0], PANELS.items()):
            mean = diagram[f"{name}_mean"].transpose("beta", "alpha").values
            mesh = axis.pcolormesh(np.arange(len(alpha) + 1) - 0.5, np.arange(len(beta) + 1) - 0.5,
                                   mean, cmap="magma", shading="flat")
            figure.colorbar(mesh, ax=axis, label=label)
            # crossover lines in index coordinates of the grid
            for line, style, text in (("crossover_beta_paper", "-", "log(1+√α)"),
                                      ("bbp_threshold_beta", "--", "½ log(1+√α)")):
                axis.plot(np.arange(len(alpha)), np.interp(diagram[line].values, beta, np.arange(len(beta))),
                          style, color="cyan", label=text)
            axis.set_xticks(np.arange(len(alpha)), [f"{a:g}" for a in alpha], rotation=45)
            axis.set_yticks(np.arange(len(beta)), [f"{b:g}" for b in beta])
            axis.set(xlabel="α = N / samples", ylabel="β")
        axes[0, 0].legend(fontsize=6, loc="upper left")
        figure.suptitle("retarded learning: order parameters after training (mean over seeds)")
    save(figure, output)


def _against(inputs, output, x, hue):
    with xr.open_dataset(inputs[0]) as diagram:
        figure, axes = plt.subplots(1, len(PANELS), figsize=(3.8 * len(PANELS), 3), squeeze=False,
                                    layout="constrained")
        hues = diagram[hue].values
        colors = plt.cm.viridis(np.linspace(0, 0.9, len(hues)))
        for axis, (name, label) in zip(axes[0], PANELS.items()):
            for color, value in zip(colors, hues):
                entry = diagram.sel({hue: value})
                axis.errorbar(diagram[x].values, entry[f"{name}_mean"], entry[f"{name}_std"], fmt="o-",
                              ms=3, capsize=2, color=color, label=f"{hue} = {value:g}")
                if x == "beta":  # the paper's crossover at this α
                    axis.axvline(float(entry["crossover_beta_paper"]), color=color, ls=":", lw=0.8)
                else:  # α at which log(1+√α) = β (HTCM20 eq. 26 solved for α)
                    axis.axvline(np.expm1(value) ** 2, color=color, ls=":", lw=0.8)
                measured = f"{name}_boundary_{x}"
                if measured in entry and np.isfinite(float(entry[measured])):
                    middle = float(entry[measured])
                    error = float(entry[f"{measured}_stderr"])
                    error = error if np.isfinite(error) else 0.0
                    axis.axvspan(middle - error, middle + error, color=color, alpha=0.25, lw=0)
                    axis.axvline(middle, color=color, lw=1.2)
            axis.set(xlabel="β" if x == "beta" else "α = N / samples", ylabel=label,
                     xscale="linear" if x == "beta" else "log")
        axes[0, 0].legend(fontsize=6)
        figure.suptitle("dotted: the paper's crossover β_c = log(1+√α); solid with band: the "
                        "measured boundary ± its jackknife error over seeds", fontsize=8)
    save(figure, output)


def order_vs_beta(inputs, output):
    _against(inputs, output, x="beta", hue="alpha")


def order_vs_alpha(inputs, output):
    _against(inputs, output, x="alpha", hue="beta")


def boundary(inputs, output):
    """The measured boundary (midpoint of the logistic step of each order parameter, ± its
    jackknife error over seeds) against the crossover lines: log(1+√α) (eq. 26), the
    single-spike BBP ½ log(1+√α), and the β at which the finite-N top eigenvalue leaves the
    noise edge (docs/physics.md §17.4)."""
    with xr.open_dataset(inputs[0]) as diagram:
        along = diagram.attrs.get("boundary_axis", "none")
        figure, axis = plt.subplots(figsize=(5.2, 3.8), layout="constrained")
        if along not in ("beta", "alpha"):
            axis.text(0.5, 0.5, "the grid has fewer than 5 values along beta and alpha:\n"
                      "no boundary measured", ha="center", va="center")
            axis.set_axis_off()
            save(figure, output)
            return
        other = "alpha" if along == "beta" else "beta"
        grid = diagram[other].values
        fine = (np.geomspace(grid.min(), grid.max(), 200) if other == "alpha" and grid.min() > 0
                else np.linspace(grid.min(), grid.max(), 200))
        for offset, (name, label) in enumerate(PANELS.items()):
            middle = diagram[f"{name}_boundary_{along}"]
            error = diagram[f"{name}_boundary_{along}_stderr"].fillna(0.0)
            shift = (1 + 0.03 * (offset - 1)) if other == "alpha" else 0.01 * (offset - 1)
            axis.errorbar(grid * shift if other == "alpha" else grid + shift, middle, error,
                          fmt="os^"[offset], ms=4, capsize=2, label=f"measured: {label}")
        if along == "beta":
            axis.plot(fine, theory.crossover_beta_paper(fine), "k-", label="log(1+√α) (eq. 26)")
            axis.plot(fine, theory.bbp_threshold_beta(fine), "k--", label="½ log(1+√α) (BBP)")
            axis.plot(grid, diagram["noise_edge_departure_beta"], "C3:", marker=".",
                      label=f"finite-N top eigenvalue leaves the noise edge (N = "
                            f"{diagram.attrs['n_visible']})")
            axis.set(xscale="log", xlabel="α = N / samples", ylabel="β")
        else:  # HTCM20 eq. 26 and the BBP threshold (docs/physics.md §7.3) solved for α
            axis.plot(fine, np.expm1(fine) ** 2, "k-", label="(e^β − 1)² (eq. 26)")
            axis.plot(fine, np.expm1(2 * fine) ** 2, "k--", label="(e^{2β} − 1)² (BBP)")
            axis.plot(grid, diagram["noise_edge_departure_alpha"], "C3:", marker=".",
                      label="finite-N top eigenvalue leaves the noise edge")
            axis.set(yscale="log", xlabel="β", ylabel="α = N / samples")
        axis.legend(fontsize=6)
        axis.set_title("where the order parameters rise (midpoint of a logistic step)",
                       fontsize=8)
    save(figure, output)
