"""The singular-value decomposition of the weights along training ([F17] §II-III, Figs. 3-5;
docs/physics.md §16.2-16.3): the singular values against the Marchenko–Pastur bulk of the
initial weights, the outliers that leave it, T_eff, the left singular vectors against the
data's principal components, and the cutoff of the log-log rank plot.

A run trains (``base.training_run``; every run carries the weight spectrum,
``observables.weight_spectrum.add_weight_spectrum``) and adds the overlaps of its left
singular vectors with the principal directions of its (centred) training data.
``spectrum_dynamics`` reduces the cube over seeds.
"""

import numpy as np
import xarray as xr

from ..observables.weight_spectrum import add_principal_overlaps
from .base import Figure, training_run

TRAINS = True
#: principal components compared with the left singular vectors
N_COMPONENTS = 10


def run(spec, samples, test, **options):
    """Train, then the overlaps of the left singular vectors with the principal directions of
    the centred training data."""
    return add_principal_overlaps(training_run(spec, samples, test, **options), samples,
                                  n_components=N_COMPONENTS, centre=True)


def spectrum_dynamics(cube):
    """Per snapshot, mean and spread over seeds of the number of singular values above the
    initial Marchenko–Pastur edge, of T_eff and of the rank-plot cutoff; the overlap of each
    of the first left singular vectors with the principal direction of the same rank, and
    its largest overlap with any of the first ``N_COMPONENTS``."""
    seeds = [dim for dim in ("seed",) if dim in cube.dims]
    ddof = 1 if cube.sizes.get("seed", 1) > 1 else 0
    out = xr.Dataset()
    for name in ("n_above_marchenko_pastur", "effective_temperature", "rank_cutoff"):
        values = cube[name]
        out[f"{name}_mean"] = values.mean(seeds).assign_attrs(
            long_name=f"{values.attrs['long_name']}, mean over seeds", units=values.attrs["units"])
        out[f"{name}_std"] = values.std(seeds, ddof=ddof).assign_attrs(
            long_name=f"{values.attrs['long_name']}, standard deviation over seeds",
            units=values.attrs["units"])
    count = min(N_COMPONENTS, cube.sizes["mode"], cube.sizes["component"])
    overlap = cube["principal_overlap"].isel(mode=slice(0, count), component=slice(0, count))
    same_rank = xr.apply_ufunc(np.diagonal, overlap, input_core_dims=[["mode", "component"]],
                               output_core_dims=[["mode"]], kwargs={"axis1": -2, "axis2": -1})
    out["same_rank_overlap"] = same_rank.mean(seeds).assign_attrs(
        long_name="|u_alpha . e_alpha|: left singular vector against the principal direction of "
                  "the same rank, mean over seeds", units="1")
    out["best_overlap"] = overlap.max("component").mean(seeds).assign_attrs(
        long_name="largest |u_alpha . e_beta| over the first principal directions, mean over "
                  "seeds", units="1")
    for name in ("marchenko_pastur_lower", "marchenko_pastur_upper"):
        out[name] = cube[name].max(seeds).assign_attrs(cube[name].attrs)
    out.attrs.update(description="weight spectrum along training ([F17] Figs. 3-5)")
    return out


AGGREGATES = {"spectrum_dynamics": spectrum_dynamics}

FIGURES = {
    "singular_value_histograms": Figure("cube", "weight_spectrum:singular_value_histograms"),
    "singular_vectors": Figure("cube", "weight_spectrum:singular_vectors"),          # Fig. 4
    "rank_plot": Figure("cube", "weight_spectrum:rank_plot"),                        # Fig. 5
    "spectrum_dynamics": Figure("spectrum_dynamics", "weight_spectrum:dynamics"),
}
