"""Place-cell study (paper Figs. 2-4): receptive fields and their width vs correlation length,
how several fields tile the ring, and the claims of the paper they check (``CLAIMS``)."""

import numpy as np
import xarray as xr

from .. import theory
from ..io import RUN_DIMS
from .base import Claim, Figure, Outcome, training_run

TRAINS = True
run = training_run


def place_field_widths(cube):
    """FWHM of the place fields vs the data's correlation length ξ, with a linear fit
    width = slope · ξ + intercept (paper Fig. 3b; ξ = 1/ln coth β, docs/physics.md §11.1).

    Widths are those of every hidden unit at the last epoch; the fit is over all runs and
    units with a finite width, separately for each value of the other sweep axes
    (e.g. ``n_hidden``), with standard errors from the least-squares covariance.
    """
    from scipy.stats import linregress  # scipy.stats is slow to import: only here

    if "beta" not in cube.dims:
        raise ValueError("place_field_widths: the study must sweep data.beta (a list of values)")
    widths = cube["peak_width"].isel(epoch=-1)
    other = [dim for dim in cube.dims if dim not in RUN_DIMS if dim not in ("beta", "seed")]
    stacked = widths.stack(group=other) if other else widths.expand_dims(group=[0])
    xi = theory.ising_correlation_length(cube["beta"].values)
    results = []
    for label in stacked["group"].values:
        sample = stacked.sel(group=label)
        mean = sample.mean(dim=[d for d in sample.dims if d != "beta"], skipna=True)
        count = sample.count(dim=[d for d in sample.dims if d != "beta"])
        std = sample.std(dim=[d for d in sample.dims if d != "beta"], skipna=True, ddof=1)
        x = np.broadcast_to(xi[:, None], (len(xi), sample.size // len(xi))).ravel()
        y = sample.transpose("beta", ...).values.reshape(len(xi), -1).ravel()
        good = np.isfinite(x) & np.isfinite(y)
        if np.unique(x[good]).size >= 2 and good.sum() >= 3:
            fit = linregress(x[good], y[good])
            slope, intercept = fit.slope, fit.intercept
            slope_err, intercept_err = fit.stderr, fit.intercept_stderr
        else:
            slope = intercept = slope_err = intercept_err = np.nan
        results.append(xr.Dataset({
            "width_mean": ("beta", mean.values), "width_std": ("beta", std.values),
            "n_widths": ("beta", count.values), "slope": slope, "slope_stderr": slope_err,
            "intercept": intercept, "intercept_stderr": intercept_err,
        }))
    out = xr.concat(results, dim="group").assign_coords(group=stacked["group"])
    out = out.unstack("group") if other else out.isel(group=0, drop=True)
    out = out.assign_coords(beta=cube["beta"].values, xi=("beta", xi))
    attrs = {
        "width_mean": ("mean place-field FWHM over runs and hidden units", "site"),
        "width_std": ("standard deviation of the FWHM over runs and hidden units", "site"),
        "n_widths": ("number of finite FWHM values", "1"),
        "slope": ("slope of the linear fit FWHM = slope * xi + intercept", "1"),
        "slope_stderr": ("standard error of the slope", "1"),
        "intercept": ("intercept of the linear fit", "site"),
        "intercept_stderr": ("standard error of the intercept", "site"),
        "xi": ("correlation length xi = 1 / ln coth beta", "site"),
        "beta": ("inverse temperature beta", "1"),
    }
    for name, (long_name, units) in attrs.items():
        out[name].attrs.update(long_name=long_name, units=units)
    out.attrs.update(description="place-field width vs correlation length (paper Fig. 3b)",
                     epoch=int(cube["epoch"].values[-1]))
    return out


def _gap_ratios(centers, n_sites):
    """Smallest gap between neighbouring centres on the ring over the even spacing N/M, for
    one run's M centres (NaN units left out; NaN for fewer than 2 centres)."""
    centers = np.sort(np.asarray(centers, dtype=float)[np.isfinite(centers)] % n_sites)
    if centers.size < 2:
        return np.nan
    gaps = np.diff(np.append(centers, centers[0] + n_sites))
    return float(gaps.min() / (n_sites / centers.size))


def tiling(cube):
    """How the fields of several hidden units tile the ring (HTCM20 Fig. 4; docs/physics.md
    §17.5): per run at the last epoch, the smallest gap between neighbouring centres over the
    even spacing N/M (1: evenly spaced, 0: two fields on top of each other), and its mean and
    count over runs (and over β) for each number of hidden units."""
    n_sites = cube.sizes["visible"]
    centers = cube["peak_center"].isel(epoch=-1)
    ratio = xr.apply_ufunc(_gap_ratios, centers, kwargs={"n_sites": n_sites},
                           input_core_dims=[["hidden"]], vectorize=True)
    over = [dim for dim in ratio.dims if dim != "n_hidden"]
    out = xr.Dataset({
        "smallest_gap_ratio": ratio.assign_attrs(
            long_name="smallest gap between neighbouring centres / (N / M), per run",
            units="1"),
        "smallest_gap_ratio_mean": ratio.mean(over).assign_attrs(
            long_name="smallest gap / (N / M), mean over runs", units="1"),
        "n_runs": ratio.count(over).assign_attrs(long_name="runs with two or more centres",
                                                 units="1"),
    })
    out.attrs.update(description="tiling of the ring by several place fields (paper Fig. 4)",
                     n_visible=n_sites, epoch=int(cube["epoch"].values[-1]))
    return out


AGGREGATES = {"widths": place_field_widths, "tiling": tiling}


def _select_one(dataset, dim, value):
    """The dataset at ``dim`` = value if it has that dim (and value), else itself."""
    if dim in dataset.dims:
        if value not in dataset[dim].values:
            return None
        return dataset.sel({dim: value})
    return dataset


def check_width_line(aggregates):
    widths = _select_one(aggregates["widths"], "n_hidden", 1)
    if widths is None or not np.isfinite(float(widths["slope"])):
        return Outcome("no width-vs-xi line (needs n_hidden 1 and several beta)", None)
    slope, slope_err = float(widths["slope"]), float(widths["slope_stderr"])
    intercept, intercept_err = float(widths["intercept"]), float(widths["intercept_stderr"])
    measured = (f"slope {slope:.2f} ± {slope_err:.2f}, intercept {intercept:.1f} ± "
                f"{intercept_err:.1f} sites (M = 1, xi = {float(widths['xi'].min()):.1f}-"
                f"{float(widths['xi'].max()):.1f})")
    return Outcome(measured, bool(slope > 2 * slope_err and intercept > 0))


def check_tiling(aggregates):
    tiles = _select_one(aggregates["tiling"], "n_hidden", 3)
    if tiles is None or not int(tiles["n_runs"]) or "n_hidden" not in aggregates["tiling"].dims:
        return Outcome("no runs with M = 3", None)
    ratio = float(tiles["smallest_gap_ratio_mean"])
    per_run = tiles["smallest_gap_ratio"].values.ravel()
    per_run = per_run[np.isfinite(per_run)]
    measured = (f"smallest gap between neighbouring centres {ratio:.2f} x N/3, mean over "
                f"{per_run.size} runs (least {per_run.min():.2f})")
    return Outcome(measured, bool(ratio >= 0.5))


CLAIMS = (
    Claim("the place-field width grows linearly with the correlation length xi, with a "
          "positive intercept", "HTCM20 Fig. 3b", "width ∝ xi, intercept > 0",
          "slope > 2 standard errors and intercept > 0 (one hidden unit)", ("widths",),
          check_width_line),
    Claim("three hidden units put their fields at different places, tiling the ring",
          "HTCM20 Fig. 4", "fields spread over the ring",
          "smallest gap between neighbouring centres ≥ 0.5 N/3 on average", ("tiling",),
          check_tiling),
)

FIGURES = {
    "samples": Figure("datasets", "data:samples"),            # Fig. 2
    "weights": Figure("cube", "place_cells:weights"),         # Figs. 3a, 4
    "width_vs_xi": Figure("widths", "place_cells:width_vs_xi"),  # Fig. 3b
    "log_likelihood": Figure("cube", "place_cells:log_likelihood"),
}
