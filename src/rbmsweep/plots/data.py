"""Figures of the data sets themselves: sample configurations (HTCM20 Fig. 2)."""

import matplotlib.pyplot as plt
import xarray as xr

from .common import save


def samples(inputs, output, n_shown=60):
    """Sample configurations of each dataset (paper Fig. 2): rows are samples, columns sites."""
    figure, axes = plt.subplots(1, len(inputs), figsize=(2.6 * len(inputs), 3), squeeze=False)
    for axis, path in zip(axes[0], inputs):
        with xr.open_dataset(path) as dataset:
            configurations = dataset["train"].values[:n_shown]
            title = f"β = {dataset.attrs['beta']:g}"
        axis.imshow(configurations, cmap="gray_r", aspect="auto", interpolation="nearest")
        axis.set(title=title, xlabel="site i", ylabel="sample" if axis is axes[0, 0] else "")
    figure.suptitle("training configurations (black = +1)")
    save(figure, output)
