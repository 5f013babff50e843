"""Figures of the xy_transitions study (HTCM20 Fig. 11 and its "not shown" variants): the
spatial modulation over the states and the angular modulation over the sites for several α,
and both order parameters vs α with the two transitions marked, for every data setting."""

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .common import save

COLORS = {"angular": "C0", "spatial": "C3"}
ORDER_PARAMETERS = {"angular_order": "angular", "spatial_order": "spatial"}


def _settings(dataset):
    """(label, selection) for every value of the sweep axes besides α (kernel, couplings, β)."""
    dims = [dim for dim in dataset["angular_order_mean"].dims if dim != "alpha"]
    if not dims:
        return [("", {})]
    stacked = dataset[dims].to_dataframe().index if len(dims) > 1 else dataset[dims[0]].values
    out = []
    for values in stacked:
        values = values if isinstance(values, tuple) else (values,)
        selection = dict(zip(dims, values))
        out.append((", ".join(f"{dim} = {value}" for dim, value in selection.items()),
                    selection))
    return out


def _panels(count, width=3.6, height=2.8, columns=3, **options):
    columns = min(columns, count)
    rows = int(np.ceil(count / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows),
                                squeeze=False, layout="constrained", **options)
    for axis in axes.ravel()[count:]:
        axis.set_visible(False)
    return figure, axes.ravel()


def modulations(inputs, output):
    """Fig. 11a-b, one row per data setting (first seed), α on the vertical axis: (a) the
    spatial modulation Σ_i w_iv (eq. 17, zero-sum gauge) over the states and (b) the angular
    modulation |Σ_v w_iv e^{2πiv/q}| over the sites."""
    with xr.open_dataset(inputs[0]) as transitions:
        settings = _settings(transitions)
        alphas = transitions["alpha"].values
        figure, axes = plt.subplots(len(settings), 2, figsize=(10, 2.8 * len(settings)),
                                    squeeze=False, layout="constrained",
                                    gridspec_kw={"width_ratios": [1, 2]})
        for row, (label, selection) in zip(axes, settings):
            for axis, name, dim, xlabel, title, colors in (
                    (row[0], "spatial_modulation", "state", "state v",
                     "(a) spatial modulation $\\sum_i w_{iv}$", "RdBu_r"),
                    (row[1], "angular_modulation", "visible", "site i",
                     "(b) angular modulation $|\\sum_v w_{iv} e^{2\\pi i v/q}|$", "viridis")):
                entry = transitions[name].sel(selection).transpose("alpha", dim).values
                limit = float(np.nanmax(np.abs(entry)))
                image = axis.imshow(entry, aspect="auto", origin="lower", cmap=colors,
                                    vmin=-limit if colors == "RdBu_r" else 0, vmax=limit,
                                    interpolation="nearest")
                axis.set_yticks(range(len(alphas)), [f"{alpha:g}" for alpha in alphas])
                axis.set(xlabel=xlabel, ylabel="α = N / samples", title=f"{title}\n{label}")
                axis.title.set_fontsize(8)
                figure.colorbar(image, ax=axis, shrink=0.85)
    save(figure, output)


def order_vs_alpha(inputs, output):
    """Fig. 11, summary: angular and spatial order vs α (mean ± standard deviation over seeds),
    the fitted sigmoids, each transition's α with its error, and where Λ_XY meets the noise
    edges (cosine, nearest-neighbour data)."""
    with xr.open_dataset(inputs[0]) as transitions:
        settings = _settings(transitions)
        figure, axes = _panels(len(settings), sharey=True)
        alpha = transitions["alpha"].values
        for axis, (label, selection) in zip(axes, settings):
            entry = transitions.sel(selection)
            order = []
            for name, direction in ORDER_PARAMETERS.items():
                color = COLORS[direction]
                axis.errorbar(alpha, entry[f"{name}_mean"], entry[f"{name}_std"], fmt="o",
                              ms=3, capsize=2, color=color, label=f"{direction} order")
                center = float(entry[f"{direction}_transition_log10_alpha"])
                if not np.isfinite(center):
                    continue
                curve = entry[f"{direction}_transition_curve"]
                axis.plot(curve["alpha_grid"], curve, "-", color=color, lw=1)
                error = float(entry[f"{direction}_transition_log10_alpha_error"])
                axis.axvline(10**center, color=color, ls="--", lw=1)
                if np.isfinite(error):
                    axis.axvspan(10 ** (center - error), 10 ** (center + error), color=color,
                                 alpha=0.15, lw=0)
                order.append((center, direction))
            for name, style, text in (("alpha_signal_meets_mp_edge", ":", "Λ_XY = MP edge"),
                                      ("alpha_signal_meets_paper_edge", "-.",
                                       "Λ_XY = printed edge")):
                value = float(entry[name]) if name in entry else np.nan
                if np.isfinite(value):
                    axis.axvline(value, color="0.4", ls=style, lw=0.8, label=text)
            first = " then ".join(direction for _, direction in sorted(order, reverse=True))
            axis.set(xscale="log", title=f"{label}\n{first or 'no transition found'}".strip(),
                     xlabel="α = N / samples", ylabel="order parameter", ylim=(0, 1.05))
        axes[0].legend(fontsize=6)
    save(figure, output)
