"""Figures of the training-algorithms study ([F17] Fig. 2): the test log-likelihood along
training with its estimator and bracket, weight histograms, features and samples as images."""

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ..io import sweep_dims
from .common import save

METHOD_NAMES = {0: "not computed", 1: "exact", 2: "AIS bracket"}


def _groups(cube):
    """The sweep points (every sweep dim but the seed) as (label, selection) pairs."""
    dims = [dim for dim in sweep_dims(cube) if dim != "seed"]
    if not dims:
        return [("", {})]
    stacked = cube[dims].to_dataframe().reset_index()[dims].drop_duplicates()
    return [(", ".join(f"{dim}={row[dim]}" for dim in dims), dict(row))
            for _, row in stacked.iterrows()]


def image_shape(n_visible):
    """(rows, columns) to draw a visible configuration as a picture: square when N is a
    square number (8 x 8 digits), else one row."""
    side = int(round(np.sqrt(n_visible)))
    return (side, side) if side * side == n_visible else (1, n_visible)


def log_likelihood_bracket(inputs, output):
    """Mean test log-likelihood over seeds against the epoch, per sweep point, with the band
    between the mean lower and upper estimates (exact: a line)."""
    with xr.open_dataset(inputs[0]) as cube:
        figure, axis = plt.subplots(figsize=(5.2, 3.6))
        seeds = [dim for dim in ("seed",) if dim in cube.dims]
        for index, (label, where) in enumerate(_groups(cube)):
            point = cube.sel(where)
            epochs = point["epoch"].values
            value = point["log_likelihood_test"].mean(seeds).values
            lower = point["log_likelihood_test_lower"].mean(seeds).values
            upper = point["log_likelihood_test_upper"].mean(seeds).values
            method = METHOD_NAMES.get(int(point["log_likelihood_method"].max()), "?")
            keep = np.isfinite(value) & (epochs > 0)
            color = f"C{index}"
            axis.plot(epochs[keep], value[keep], "o-", ms=3, color=color,
                      label=f"{label} ({method})")
            if method == "AIS bracket":
                axis.fill_between(epochs[keep], lower[keep], upper[keep], color=color, alpha=0.25)
        axis.set(xscale="log", xlabel="epoch", ylabel="test log-likelihood per sample (nat)")
        axis.legend(fontsize=6)
    save(figure, output)


def weight_histograms(inputs, output):
    """Distribution of every weight (pooled over seeds) at the first and the last snapshot,
    per sweep point ([F17] Fig. 2a-c)."""
    with xr.open_dataset(inputs[0]) as cube:
        groups = _groups(cube)
        figure, axes = plt.subplots(1, len(groups), figsize=(3.0 * len(groups), 2.6),
                                    squeeze=False, sharey=True)
        for axis, (label, where) in zip(axes[0], groups):
            weights = cube["weights"].sel(where)
            for epoch, color in ((weights["epoch"].values[0], "0.6"),
                                 (weights["epoch"].values[-1], "C0")):
                values = weights.sel(epoch=epoch).values.ravel()
                values = values[np.isfinite(values)]
                axis.hist(values, bins=60, density=True, histtype="stepfilled", alpha=0.6,
                          color=color, label=f"epoch {epoch}")
            axis.set(title=label, xlabel="weight", yscale="log")
        axes[0, 0].set_ylabel("density")
        axes[0, 0].legend(fontsize=6)
    save(figure, output)


def _image_grid(rows, output, title):
    """Draw rows of (label, images) as a grid of pictures."""
    columns = max(len(images) for _, images in rows)
    figure, axes = plt.subplots(len(rows), columns, figsize=(0.75 * columns, 0.85 * len(rows)),
                                squeeze=False)
    for (label, images), row in zip(rows, axes):
        for axis in row:
            axis.set_axis_off()
        for axis, image in zip(row, images):
            limit = np.nanmax(np.abs(image)) or 1.0
            axis.imshow(image, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest",
                        aspect="auto" if image.shape[0] == 1 else "equal")
        row[0].set_title(label, fontsize=6, loc="left")
    figure.suptitle(title, fontsize=8)
    save(figure, output)


def features(inputs, output, n_shown=12):
    """The first hidden units' weight columns as pictures (first seed, last snapshot), one row
    per sweep point ([F17] Fig. 2d-e)."""
    with xr.open_dataset(inputs[0]) as cube:
        shape = image_shape(cube.sizes["visible"])
        rows = []
        for label, where in _groups(cube):
            weights = cube["weights"].sel(where).isel(epoch=-1)
            if "seed" in weights.dims:
                weights = weights.isel(seed=0)
            columns = weights.transpose("hidden", "visible").values[:n_shown]
            rows.append((label, [column.reshape(shape) for column in columns
                                 if np.all(np.isfinite(column))]))
    _image_grid(rows, output, "features: weight columns w_iμ (red +, blue −)")


def model_samples(inputs, output, n_shown=12):
    """Configurations drawn from each trained model (first seed), one row per sweep point
    ([F17] Fig. 2g-h)."""
    with xr.open_dataset(inputs[0]) as cube:
        shape = image_shape(cube.sizes["visible"])
        rows = []
        for label, where in _groups(cube):
            samples = cube["model_samples"].sel(where)
            if "seed" in samples.dims:
                samples = samples.isel(seed=0)
            rows.append((label, [row.reshape(shape) for row in samples.values[:n_shown]]))
    _image_grid(rows, output, "samples of the trained models (Gibbs, from random starts)")
