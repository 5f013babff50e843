"""Figures of the spectrum study: top eigenvalue vs α against every prediction (Fig. 12a),
top-eigenvector overlap (Fig. 12c), eigenvalue histograms against Marchenko-Pastur."""

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .. import theory
from .common import save


def _panels(count, width=3.0, height=2.6, columns=3):
    columns = min(columns, count)
    rows = int(np.ceil(count / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows),
                                squeeze=False)
    for axis in axes.ravel()[count:]:
        axis.set_visible(False)
    return figure, axes.ravel()


def top_eigenvalue(inputs, output):
    with xr.open_dataset(inputs[0]) as crossover:
        alpha = crossover["alpha"].values
        figure, axes = _panels(crossover.sizes["beta"])
        figure.set_layout_engine("constrained")
        for axis, beta in zip(axes, crossover["beta"].values):
            entry = crossover.sel(beta=beta)
            axis.errorbar(alpha, entry["top_eigenvalue_mean"], entry["top_eigenvalue_std"],
                          fmt="o", color="k", ms=3, capsize=2, label="measured")
            axis.plot(alpha, entry["marchenko_pastur_edge"], "--", color="0.5",
                      label="MP edge $(1+\\sqrt{\\alpha})^2$")
            axis.plot(alpha, entry["silverstein_top_eigenvalue"], "-", color="C0",
                      label="Ising band, N → ∞ (Silverstein)")
            if "finite_size_curve" in entry:
                axis.plot(entry["alpha_curve"], entry["finite_size_curve"], "-", color="C1",
                          lw=1.6, label=f"finite N = {crossover.attrs['n_visible']} (§17.3)")
            axis.plot(alpha, entry["bbp_top_eigenvalue"], "-.", color="C3",
                      label="single spike (BBP)")
            axis.axhline(float(entry["signal_eigenvalue"]), ls=":", color="C2",
                         label="$\\Lambda_{Ising}$")
            axis.set(xscale="log", title=f"β = {beta:g}", xlabel="α = N / samples",
                     ylabel="top eigenvalue", xlim=(alpha.min() / 1.3, max(
                         alpha.max(), float(crossover["alpha_curve"].max())
                         if "alpha_curve" in crossover else 0.0) * 1.3))
        axes[0].legend(fontsize=6)
    save(figure, output)


def top_overlap(inputs, output):
    with xr.open_dataset(inputs[0]) as crossover:
        figure, axis = plt.subplots(figsize=(4.2, 3.2))
        alpha = crossover["alpha"].values
        colors = plt.cm.viridis(np.linspace(0, 0.9, crossover.sizes["beta"]))
        for color, beta in zip(colors, crossover["beta"].values):
            entry = crossover.sel(beta=beta)
            axis.errorbar(alpha, entry["top_uniform_overlap_mean"], entry["top_uniform_overlap_std"],
                          fmt="o-", ms=3, capsize=2, color=color, label=f"β = {beta:g}")
        axis.set(xscale="log", xlabel="α = N / samples", ylabel="|top eigenvector · uniform|",
                 ylim=(0, 1.05))
        axis.legend(fontsize=6)
    save(figure, output)


def _pick(values, count):
    index = np.unique(np.linspace(0, len(values) - 1, count).round().astype(int))
    return values[index]


def spectrum_histogram(inputs, output):
    with xr.open_dataset(inputs[0]) as cube:
        betas = _pick(cube["beta"].values, 3)
        alphas = _pick(cube["alpha"].values, 2)
        figure, axes = plt.subplots(len(alphas), len(betas), figsize=(3 * len(betas), 2.4 * len(alphas)),
                                    squeeze=False)
        for row, alpha in enumerate(alphas):
            for column, beta in enumerate(betas):
                axis = axes[row, column]
                values = cube["eigenvalues"].sel(beta=beta, alpha=alpha).values.ravel()
                values = values[np.isfinite(values)]
                axis.hist(values, bins=40, density=True, color="C0", alpha=0.6, label="data")
                grid = np.linspace(1e-3, max(values.max(), theory.marchenko_pastur_edges(alpha)[1]) * 1.05, 400)
                # the continuous MP part carries weight min(1, 1/α) of the eigenvalues
                axis.plot(grid, theory.marchenko_pastur_density(grid, alpha), "k-", lw=1,
                          label="Marchenko–Pastur")
                axis.axvline(theory.marchenko_pastur_edges(alpha)[1], color="k", ls="--", lw=0.8)
                axis.set(title=f"β = {beta:g}, α = {alpha:g}", xlabel="eigenvalue", yscale="log")
        axes[0, 0].legend(fontsize=6)
    save(figure, output)
