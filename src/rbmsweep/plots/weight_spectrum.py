"""Figures of the weight-spectrum study ([F17] Figs. 3-5): singular-value histograms against
the Marchenko–Pastur bulk of the initial weights, left singular vectors against the data's
principal components, the log-log rank plot with its cutoff, and their dynamics."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter
import xarray as xr

from .. import theory
from ..io import sweep_dims
from .common import save
from .training_algorithms import image_shape


def _first_point(cube):
    """The cube at the first value of every sweep axis but the seed (and its label)."""
    where = {dim: cube[dim].values[0] for dim in sweep_dims(cube) if dim != "seed"}
    label = ", ".join(f"{dim}={value}" for dim, value in where.items() if cube.sizes[dim] > 1)
    return cube.sel(where), label


def _epochs(cube, count=4):
    """Up to ``count`` snapshot epochs, 0 and the last included, spread on a log scale."""
    epochs = cube["epoch"].values
    if len(epochs) <= count:
        return epochs
    targets = np.geomspace(1, epochs[-1], count - 1)
    picked = [epochs[0]] + [epochs[np.argmin(np.abs(epochs - t))] for t in targets]
    return np.unique(picked)


def marchenko_pastur_counts(edges, sigma, n_rows, n_cols):
    """Expected number of the initial weights' min(n_rows, n_cols) singular values in each bin
    of ``edges``: the Marchenko–Pastur law of s² / (σ² max(n_rows, n_cols)), ratio
    min / max (docs/physics.md §16.2)."""
    n, m = max(n_rows, n_cols), min(n_rows, n_cols)
    kappa = m / n
    lower, upper = theory.singular_value_edges(sigma, n_rows, n_cols)
    grid = np.linspace(lower, upper, 4001)
    density = theory.marchenko_pastur_density(grid**2 / (sigma**2 * n), kappa) * (
        2 * grid / (sigma**2 * n))
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (density[1:] + density[:-1]) * np.diff(grid))])
    cdf /= cdf[-1]
    return m * np.diff(np.interp(edges, grid, cdf, left=0.0, right=1.0))


def singular_value_histograms(inputs, output):
    """Singular values (pooled over seeds) at a few epochs, log-spaced bins, against the
    Marchenko–Pastur counts of the initial weights and its upper edge ([F17] Fig. 3)."""
    with xr.open_dataset(inputs[0]) as cube:
        point, label = _first_point(cube)
        epochs = _epochs(point)
        sigma = float(point["init_std"].max()) if "init_std" in point.coords else np.nan
        n_rows, n_cols = point.sizes["visible"], point.sizes["hidden"]
        upper = float(point["marchenko_pastur_upper"].max())
        values = point["singular_values"]
        positive = values.values[np.isfinite(values.values) & (values.values > 0)]
        edges = np.geomspace(positive.min() * 0.8, positive.max() * 1.25, 50)
        n_seeds = point.sizes.get("seed", 1)
        figure, axes = plt.subplots(1, len(epochs), figsize=(2.8 * len(epochs), 2.6),
                                    squeeze=False, sharey=True)
        for axis, epoch in zip(axes[0], epochs):
            data = values.sel(epoch=epoch).values.ravel()
            axis.hist(data[np.isfinite(data)], bins=edges, color="C0", alpha=0.7,
                      label="singular values")
            if np.isfinite(sigma) and sigma > 0:
                expected = n_seeds * marchenko_pastur_counts(edges, sigma, n_rows, n_cols)
                axis.stairs(expected, edges, color="k", lw=1, label="MP, initial W")
            axis.axvline(upper, color="k", ls="--", lw=0.8)
            above = int((data > upper).sum())
            axis.set(xscale="log", title=f"epoch {epoch}: {above} above the edge",
                     xlabel="singular value")
            axis.xaxis.set_minor_formatter(NullFormatter())
        axes[0, 0].set_ylabel(f"count ({n_seeds} seeds)")
        axes[0, 0].legend(fontsize=6)
        figure.suptitle(label, fontsize=8)
    save(figure, output)


def singular_vectors(inputs, output, n_shown=8):
    """The data's first principal directions and the first left singular vectors of W at an
    early and at the last snapshot, as pictures, and their overlaps |u_α · e_β| ([F17] Fig. 4;
    first seed)."""
    with xr.open_dataset(inputs[0]) as cube:
        point, label = _first_point(cube)
        if "seed" in point.dims:
            point = point.isel(seed=0)
        shape = image_shape(point.sizes["visible"])
        epochs = point["epoch"].values
        early = epochs[np.argmin(np.abs(epochs - 1))] if len(epochs) > 1 else epochs[0]
        last = epochs[-1]
        count = min(n_shown, point.sizes["mode"])
        rows = [("principal directions of the data",
                 point["data_principal_direction"].values[:, :count].T)]
        for epoch in (early, last):
            rows.append((f"left singular vectors, epoch {epoch}",
                         point["left_singular_vectors"].sel(epoch=epoch).values[:, :count].T))
        figure = plt.figure(figsize=(0.9 * count + 3.6, 0.95 * len(rows) + 0.4))
        grid = figure.add_gridspec(len(rows), count + 2, width_ratios=[1] * count + [0.3, 2.6])
        for r, (title, vectors) in enumerate(rows):
            for c, vector in enumerate(vectors):
                axis = figure.add_subplot(grid[r, c])
                limit = np.nanmax(np.abs(vector)) or 1.0
                axis.imshow(vector.reshape(shape), cmap="RdBu_r", vmin=-limit, vmax=limit,
                            interpolation="nearest", aspect="equal" if shape[0] > 1 else "auto")
                axis.set_axis_off()
                if c == 0:
                    axis.set_title(title, fontsize=6, loc="left")
        axis = figure.add_subplot(grid[:, -1])
        overlap = point["principal_overlap"].sel(epoch=early).values[:count, :count]
        image = axis.imshow(overlap, vmin=0, vmax=1, cmap="viridis")
        axis.set(title=f"|u_α · e_β|, epoch {early}", xlabel="principal direction β",
                 ylabel="singular vector α")
        figure.colorbar(image, ax=axis, shrink=0.7)
        figure.suptitle(label, fontsize=8)
    save(figure, output)


def rank_plot(inputs, output):
    """Singular values against their rank on log-log axes at every snapshot, with the cutoff
    of the two-segment fit (dotted) and the initial Marchenko–Pastur edge ([F17] Fig. 5;
    first seed)."""
    with xr.open_dataset(inputs[0]) as cube:
        point, label = _first_point(cube)
        if "seed" in point.dims:
            point = point.isel(seed=0)
        epochs = point["epoch"].values
        colors = plt.cm.viridis(np.linspace(0, 0.95, len(epochs)))
        figure, axis = plt.subplots(figsize=(4.6, 3.4))
        for color, epoch in zip(colors, epochs):
            values = np.sort(point["singular_values"].sel(epoch=epoch).values)[::-1]
            values = values[np.isfinite(values) & (values > 0)]
            axis.plot(np.arange(1, len(values) + 1), values, "-", color=color, lw=1,
                      label=f"epoch {epoch}" if epoch in (epochs[0], epochs[-1]) else None)
            cutoff = float(point["rank_cutoff"].sel(epoch=epoch))
            if np.isfinite(cutoff):
                axis.plot([cutoff], [values[int(cutoff) - 1]], "o", color=color, ms=3)
        axis.axhline(float(point["marchenko_pastur_upper"]), color="k", ls="--", lw=0.8,
                     label="MP edge of the initial W")
        axis.set(xscale="log", yscale="log", xlabel="rank k", ylabel="singular value σ_k",
                 title=label or None)
        axis.legend(fontsize=6)
    save(figure, output)


def dynamics(inputs, output):
    """Outliers above the Marchenko–Pastur edge, T_eff, the rank cutoff and the overlaps of
    the first left singular vectors with the principal directions, against the epoch."""
    with xr.open_dataset(inputs[0]) as result:
        where = {dim: result[dim].values[0] for dim in result.dims
                 if dim not in ("epoch", "mode")}
        point = result.sel(where)
        epochs = point["epoch"].values
        shown = epochs > 0
        figure, axes = plt.subplots(1, 4, figsize=(12, 2.8))
        for axis, name, title in zip(axes, ("n_above_marchenko_pastur", "effective_temperature",
                                            "rank_cutoff"),
                                     ("singular values above the MP edge", "T_eff = 1 / Var(W)",
                                      "rank-plot cutoff")):
            axis.errorbar(epochs[shown], point[f"{name}_mean"].values[shown],
                          point[f"{name}_std"].values[shown], fmt="o-", ms=3, capsize=2)
            axis.set(xscale="log", xlabel="epoch", title=title)
        axes[1].set_yscale("log")
        overlap = point["same_rank_overlap"]
        for mode in range(min(5, overlap.sizes["mode"])):
            axes[3].plot(epochs[shown], overlap.isel(mode=mode).values[shown], "o-", ms=3,
                         label=f"α = {mode + 1}")
        axes[3].set(xscale="log", xlabel="epoch", ylim=(0, 1.05), title="|u_α · e_α|")
        axes[3].legend(fontsize=6)
    save(figure, output)
