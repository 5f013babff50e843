"""Figures of the xy_spectrum study (HTCM20 Fig. 13): top eigenvalue vs α against every
prediction, the top eigenvectors' overlap with the angular Fourier modes, and the top
eigenvector over site × state."""

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .. import theory
from .common import save


def spectrum(inputs, output):
    """Fig. 13: (a) the measured top eigenvalue vs α for each β, with Λ_XY (eq. 29), the printed
    noise edge (eq. 30), the Marchenko-Pastur form and the Silverstein prediction; (b) the
    overlap of the top eigenvector (and of the top two) with the span of cos, sin(2πv/q),
    uniform in space; (c) the top eigenvector over site × state at the largest β for the
    smallest and largest α, and its mean over the sites."""
    with xr.open_dataset(inputs[0]) as crossover:
        alpha = crossover["alpha"].values
        grid = np.geomspace(alpha.min(), alpha.max(), 200)
        q = int(crossover.attrs["q"])
        betas = crossover["beta"].values
        columns = max(len(betas), 4)
        figure = plt.figure(figsize=(3.3 * columns, 6.0), layout="constrained")
        panels = figure.add_gridspec(2, columns)
        for column, beta in enumerate(betas):
            axis = figure.add_subplot(panels[0, column])
            entry = crossover.sel(beta=beta)
            axis.errorbar(alpha, entry["top_eigenvalue_mean"], entry["top_eigenvalue_std"],
                          fmt="o", color="k", ms=3, capsize=2, label="measured", zorder=3)
            axis.plot(grid, theory.xy_noise_edge_paper(grid, q), "--", color="C3",
                      label="noise edge as printed (eq. 30)")
            axis.plot(grid, theory.xy_noise_edge_mp(grid, q), "--", color="0.4",
                      label="Marchenko–Pastur $\\frac{q}{q-1}(1+\\sqrt{\\alpha(q-1)})^2$")
            axis.plot(alpha, entry["silverstein_top_eigenvalue"], "-", color="C0",
                      label="XY population (Silverstein)")
            axis.axhline(float(entry["signal_eigenvalue"]), ls=":", color="C2",
                         label="$\\Lambda_{XY}$ (eq. 29)")
            axis.set(xscale="log", yscale="log", title=f"(a) β = {beta:g}, q = {q}",
                     xlabel="α = N / samples", ylabel="top eigenvalue")
            if column == 0:
                axis.legend(fontsize=6)
        axis = figure.add_subplot(panels[1, 0])
        colors = plt.cm.viridis(np.linspace(0, 0.9, len(betas)))
        for color, beta in zip(colors, betas):
            entry = crossover.sel(beta=beta)
            axis.errorbar(alpha, entry["top_fourier_overlap_mean"],
                          entry["top_fourier_overlap_std"], fmt="o-", ms=3, capsize=2,
                          color=color, label=f"β = {beta:g}, top")
            axis.plot(alpha, entry["top2_fourier_overlap_mean"], "s:", ms=2, color=color,
                      label=f"β = {beta:g}, top two")
        axis.set(xscale="log", xlabel="α = N / samples", ylim=(0, 1.05),
                 ylabel="overlap with cos, sin(2πv/q)", title="(b)")
        axis.legend(fontsize=6)
        profile = figure.add_subplot(panels[1, 3])
        for column, alpha_shown in zip((1, 2), (alpha.min(), alpha.max())):
            axis = figure.add_subplot(panels[1, column])
            vector = crossover["top_eigenvector"].sel(beta=betas.max(), alpha=alpha_shown)
            limit = float(np.abs(vector).max())
            image = axis.imshow(vector.transpose("state", "visible"), aspect="auto",
                                cmap="RdBu_r", vmin=-limit, vmax=limit, origin="lower",
                                interpolation="nearest")
            axis.set(title=f"(c) β = {betas.max():g}, α = {alpha_shown:g}", xlabel="site i",
                     ylabel="state v")
            figure.colorbar(image, ax=axis, shrink=0.8)
            profile.plot(vector["state"], vector.mean("visible"), "o-", ms=3,
                         label=f"α = {alpha_shown:g}")
        profile.set(xlabel="state v", ylabel="mean over sites", title="(c) angular profile")
        profile.legend(fontsize=6)
    save(figure, output)
