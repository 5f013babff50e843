"""Place-cell study (paper Figs. 2-4): receptive fields and their width vs correlation length."""

import numpy as np
import xarray as xr

from .. import theory
from ..io import RUN_DIMS
from .base import Figure, training_run

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


AGGREGATES = {"widths": place_field_widths}

FIGURES = {
    "samples": Figure("datasets", "data:samples"),            # Fig. 2
    "weights": Figure("cube", "place_cells:weights"),         # Figs. 3a, 4
    "width_vs_xi": Figure("widths", "place_cells:width_vs_xi"),  # Fig. 3b
    "log_likelihood": Figure("cube", "place_cells:log_likelihood"),
}
