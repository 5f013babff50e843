"""Figure of the xy_diffusion study: the fields' trajectories in space and in angle, and their
mean-square displacements with the fitted lines."""

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ..io import sweep_dims
from .common import save


def diffusion(inputs, output):
    """One row per sweep point (e.g. finite and fresh data): the centre on the ring and the
    phase in angle of every unit of every run along the epochs (unwrapped), and both MSDs since
    the end of the transient with the lines 2 D τ + c."""
    with xr.open_dataset(inputs[0]) as result:
        axes_names = [dim for dim in sweep_dims(result["D_space"])]
        stacked = result.stack(point=axes_names) if axes_names else result.expand_dims(point=[0])
        rows = stacked.sizes["point"]
        figure, axes = plt.subplots(rows, 4, figsize=(14, 2.8 * rows), squeeze=False,
                                    layout="constrained")
        for row, index in zip(axes, range(rows)):
            point = stacked.isel(point=index)
            label = ", ".join(f"{dim} = {point[dim].values}" for dim in axes_names)
            for column, (direction, units) in enumerate((("space", "site"), ("angle", "rad"))):
                trajectory = point[f"{direction}_trajectory"]
                axis = row[column]
                for seed in trajectory["seed"].values:
                    for hidden in trajectory["hidden"].values:
                        values = trajectory.sel(seed=seed, hidden=hidden)
                        if np.isfinite(values).any():
                            axis.plot(values["epoch"], values, "-", lw=0.8)
                axis.axvline(result.attrs["fit_start_epoch"], color="0.6", ls=":", lw=0.8)
                axis.set(xlabel="epoch", ylabel=f"{direction} ({units})",
                         title=f"{label}\n{direction} trajectories".strip())
                axis.title.set_fontsize(8)
                msd = point[f"msd_{direction}"]
                d, error = float(point[f"D_{direction}"]), float(point[f"D_{direction}_stderr"])
                intercept = float(point[f"intercept_{direction}"])
                axis = row[2 + column]
                axis.plot(msd["lag"], msd, "o", ms=3, color="k", label="MSD")
                if np.isfinite(d):
                    axis.plot(msd["lag"], 2 * d * msd["lag"] + intercept, "-", color="C3",
                              label=f"D = {d:.3g} ± {error:.2g} {units}²/epoch")
                name = f"D_{direction}_time_averaged"
                if name in point and np.isfinite(float(point[name])):
                    axis.plot([], [], " ", label=f"time-averaged: {float(point[name]):.3g} ± "
                                                 f"{float(point[name + '_stderr']):.2g}")
                axis.set(xlabel="lag (epochs)", ylabel=f"MSD ({units}²)",
                         title=f"MSD in {direction}")
                axis.legend(fontsize=6)
    save(figure, output)
