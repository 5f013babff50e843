"""Shared plotting helpers: the Agg backend, the seaborn theme, atomic PNG writes, facets."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import seaborn as sns  # noqa: E402
import xarray as xr  # noqa: E402

from ..io import atomic_path, sweep_dims  # noqa: E402

sns.set_theme(style="ticks", context="paper")


def save(figure, output):
    with atomic_path(output) as temporary:
        figure.savefig(temporary, dpi=130, bbox_inches="tight", format="png")
    plt.close(figure)


def facets(cube, keep=("seed",)):
    """Up to two sweep dims for hue/rows and columns; the others are fixed at their first
    value (returned as a title suffix) so that any sweep draws something sensible."""
    dims = [dim for dim in sweep_dims(cube) if dim not in keep and cube.sizes[dim] > 1]
    fixed = {dim: cube[dim].values[0] for dim in dims[2:]}
    suffix = ", ".join(f"{dim}={value}" for dim, value in fixed.items())
    return (dims + [None, None])[:2], fixed, suffix


