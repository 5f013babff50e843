"""Figures of the place-cell study: receptive fields (Figs. 3a, 4), width vs correlation
length (Fig. 3b), log-likelihood along training."""

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
import xarray as xr

from ..observables import orient
from .common import facets, save


def weights(inputs, output):
    """Receptive fields w_iμ of every hidden unit at the last epoch, first seed (Figs. 3a, 4)."""
    with xr.open_dataset(inputs[0]) as cube:
        (row, col), fixed, suffix = facets(cube)
        last = cube["weights"].isel(epoch=-1).sel(fixed)
        if "seed" in last.dims:
            last = last.isel(seed=0)
        # w -> -w is a symmetry with zero fields and ±1 hidden units: show peaks upward
        last = xr.apply_ufunc(orient, last, input_core_dims=[["visible"]],
                              output_core_dims=[["visible"]], vectorize=True).rename("weights")
        frame = last.to_dataframe().reset_index().dropna(subset=["weights"])
    grid = sns.relplot(frame, x="visible", y="weights", hue="hidden", row=row, col=col,
                       kind="line", palette="viridis", height=2.2, aspect=1.6,
                       facet_kws={"sharey": False})
    grid.set_axis_labels("site i", "weight w_iμ")
    grid.figure.suptitle(f"receptive fields at the last epoch {suffix}".strip(), y=1.02)
    save(grid.figure, output)


def width_vs_xi(inputs, output):
    """Place-field FWHM vs correlation length with its linear fit (Fig. 3b)."""
    with xr.open_dataset(inputs[0]) as widths:
        figure, axis = plt.subplots(figsize=(4.2, 3.2))
        extra = [dim for dim in widths["width_mean"].dims if dim != "beta"]
        stacked = widths.stack(group=extra) if extra else widths.expand_dims(group=[""])
        xi = widths["xi"].values
        for label in stacked["group"].values:
            entry = stacked.sel(group=label)
            name = ", ".join(f"{d}={v}" for d, v in zip(extra, np.atleast_1d(label))) if extra else ""
            axis.errorbar(xi, entry["width_mean"], entry["width_std"], fmt="o", capsize=3,
                          label=f"{name} measured".strip())
            slope, intercept = float(entry["slope"]), float(entry["intercept"])
            if np.isfinite(slope):
                grid = np.linspace(0, xi.max() * 1.05, 50)
                axis.plot(grid, slope * grid + intercept, "--",
                          label=f"fit {slope:.2f} ξ + {intercept:.2f}")
        axis.set(xlabel="correlation length ξ = 1/ln coth β", ylabel="FWHM (sites)", xlim=(0, None),
                 ylim=(0, None))
        axis.legend(fontsize=7)
    save(figure, output)


def log_likelihood(inputs, output):
    """Mean log-likelihood of train and test data vs epoch, mean ± s.e. over seeds."""
    with xr.open_dataset(inputs[0]) as cube:
        (hue, col), fixed, suffix = facets(cube)
        subset = cube[["log_likelihood_train", "log_likelihood_test"]].sel(fixed)
        subset = subset.rename(log_likelihood_train="train", log_likelihood_test="test")
        frame = subset.to_dataframe().reset_index().melt(
            id_vars=[d for d in subset.dims], value_vars=["train", "test"], var_name="data",
            value_name="log-likelihood").dropna()
    if frame.empty:
        figure, axis = plt.subplots(figsize=(4, 2))
        axis.text(0.5, 0.5, "log-likelihood not computed (n_hidden > 20)", ha="center")
        axis.set_axis_off()
        save(figure, output)
        return
    frame = frame[frame["epoch"] > 0]
    grid = sns.relplot(frame, x="epoch", y="log-likelihood", hue=hue, style="data", col=col,
                       kind="line", errorbar="se", height=2.6, aspect=1.3,
                       palette="viridis" if hue else None, facet_kws={"sharey": False})
    grid.set(xscale="log")
    grid.figure.suptitle(f"exact log-likelihood per sample {suffix}".strip(), y=1.03)
    save(grid.figure, output)
