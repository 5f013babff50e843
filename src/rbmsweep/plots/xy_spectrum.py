"""Figures of the xy_spectrum study (HTCM20 Fig. 13): top eigenvalue vs α against every
prediction, the top eigenvectors' overlap with the angular Fourier modes, and the top
eigenvector over site × state."""

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .common import save


def _panels(count, width=3.2, height=2.7, columns=3):
    columns = min(columns, count)
    rows = int(np.ceil(count / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows),
                                squeeze=False, layout="constrained")
    for axis in axes.ravel()[count:]:
        axis.set_visible(False)
    return figure, axes.ravel()


def top_eigenvalue(inputs, output):
    """Fig. 13a: measured top eigenvalue vs α for each β, with Λ_XY (eq. 29), the printed noise
    edge (eq. 30), the Marchenko-Pastur form and the Silverstein prediction."""
    with xr.open_dataset(inputs[0]) as crossover:
        alpha = crossover["alpha"].values
        grid = np.geomspace(alpha.min(), alpha.max(), 200)
        q = int(crossover.attrs["q"])
        figure, axes = _panels(crossover.sizes["beta"])
        for axis, beta in zip(axes, crossover["beta"].values):
            entry = crossover.sel(beta=beta)
            axis.errorbar(alpha, entry["top_eigenvalue_mean"], entry["top_eigenvalue_std"],
                          fmt="o", color="k", ms=3, capsize=2, label="measured", zorder=3)
            axis.plot(grid, q / (q - 1) + (1 + np.sqrt(grid * q)) ** 2, "--", color="C3",
                      label="noise edge as printed (eq. 30)")
            axis.plot(grid, q / (q - 1) * (1 + np.sqrt(grid * (q - 1))) ** 2, "--", color="0.4",
                      label="Marchenko–Pastur $\\frac{q}{q-1}(1+\\sqrt{\\alpha(q-1)})^2$")
            axis.plot(alpha, entry["silverstein_top_eigenvalue"], "-", color="C0",
                      label="XY population (Silverstein)")
            axis.axhline(float(entry["signal_eigenvalue"]), ls=":", color="C2",
                         label="$\\Lambda_{XY}$ (eq. 29)")
            axis.set(xscale="log", yscale="log", title=f"β = {beta:g}, q = {q}",
                     xlabel="α = N / samples", ylabel="top eigenvalue")
        axes[0].legend(fontsize=6)
    save(figure, output)


def top_overlap(inputs, output):
    """Fig. 13b: overlap of the top eigenvector (and of the top two) with the span of
    cos(2πv/q), sin(2πv/q), uniform in space."""
    with xr.open_dataset(inputs[0]) as crossover:
        figure, axis = plt.subplots(figsize=(4.4, 3.3), layout="constrained")
        alpha = crossover["alpha"].values
        colors = plt.cm.viridis(np.linspace(0, 0.9, crossover.sizes["beta"]))
        for color, beta in zip(colors, crossover["beta"].values):
            entry = crossover.sel(beta=beta)
            axis.errorbar(alpha, entry["top_fourier_overlap_mean"],
                          entry["top_fourier_overlap_std"], fmt="o-", ms=3, capsize=2,
                          color=color, label=f"β = {beta:g}, top")
            axis.plot(alpha, entry["top2_fourier_overlap_mean"], "s:", ms=2, color=color,
                      label=f"β = {beta:g}, top two")
        axis.set(xscale="log", xlabel="α = N / samples", ylim=(0, 1.05),
                 ylabel="overlap with cos, sin(2πv/q)")
        axis.legend(fontsize=6)
    save(figure, output)


def top_eigenvector(inputs, output):
    """Fig. 13c: the top eigenvector over site × state, at the largest β, for the smallest and
    the largest α (first seed), with its mean angular profile over the sites."""
    with xr.open_dataset(inputs[0]) as cube:
        beta = cube["beta"].values.max()
        alphas = [cube["alpha"].values.min(), cube["alpha"].values.max()]
        figure, axes = plt.subplots(1, 3, figsize=(10, 3), layout="constrained",
                                    gridspec_kw={"width_ratios": [1, 1, 0.8]})
        for axis, alpha in zip(axes[:2], alphas):
            vector = cube["top_eigenvector"].sel(beta=beta, alpha=alpha).isel(seed=0)
            limit = float(np.abs(vector).max())
            image = axis.imshow(vector.transpose("state", "visible"), aspect="auto",
                                cmap="RdBu_r", vmin=-limit, vmax=limit, origin="lower",
                                interpolation="nearest")
            axis.set(title=f"β = {beta:g}, α = {alpha:g}", xlabel="site i", ylabel="state v")
            figure.colorbar(image, ax=axis, shrink=0.8)
            axes[2].plot(vector["state"], vector.mean("visible"), "o-", ms=3,
                         label=f"α = {alpha:g}")
        axes[2].set(xlabel="state v", ylabel="mean over sites", title="angular profile")
        axes[2].legend(fontsize=6)
    save(figure, output)
