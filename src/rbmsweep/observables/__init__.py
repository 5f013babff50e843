"""Observables of trained weights, per snapshot of a run (docs/physics.md §5, §16).

``ring``: the receptive field of one hidden unit on the ring (centre, width, order parameters)
and the ring's geometry; ``translation``: moving a profile along the ring, its translation mode
and the centre that matches a template (§17.2); ``potts``: the receptive fields of Potts visible
units (weights with a ``state`` dim: angular and spatial modulations, the per-site cosine fit,
centre and phase, order parameters; docs/physics.md §13.2); ``weight_spectrum``: the singular
values of the weights against the Marchenko–Pastur bulk of their initial values, T_eff, the
rank-plot cutoff, and the overlaps of the left singular vectors with the data's principal
directions. ``add_observables`` maps the per-unit observables over every snapshot and hidden
unit of a run with xarray, and adds the weight spectrum of each snapshot.
"""

import numpy as np
import xarray as xr

from .weight_spectrum import add_principal_overlaps, add_weight_spectrum
from .ring import (FLAT_TOLERANCE, MIN_PEAK_SHARE, MIN_PEAK_SITES, center_on_peak, is_localised,
                   low_mode_fraction, main_peak, order_parameter, orient, peak_center,
                   peak_width, ring_distance, unwrap_centers, weight_max)

__all__ = ["add_principal_overlaps", "add_weight_spectrum", "FLAT_TOLERANCE", "MIN_PEAK_SHARE", "MIN_PEAK_SITES", "PROFILE_OBSERVABLES",
           "add_observables", "center_on_peak", "is_localised", "low_mode_fraction",
           "main_peak", "order_parameter", "orient", "peak_center", "peak_width",
           "ring_distance", "unwrap_centers", "weight_max"]


#: per-hidden-unit observables: name -> (function of one weight column, long_name, units)
PROFILE_OBSERVABLES = {
    "peak_center": (peak_center, "place-field centre (circular mean on the ring)", "site"),
    "peak_width": (peak_width, "place-field full width at half maximum (cubic spline)", "site"),
    "order_parameter": (order_parameter, "order parameter W = |sum_i w_i|", "1"),
    "weight_max": (weight_max, "largest weight magnitude max_i |w_i|", "1"),
    "low_mode_fraction": (low_mode_fraction,
                          "fraction of |w|^2 in the ring's Fourier modes |k| <= 2", "1"),
}


def add_observables(run):
    """Add the observables of every snapshot to a run dataset (docs/physics.md §5): those of
    ``PROFILE_OBSERVABLES`` per (epoch, hidden), mapped over the weight columns with
    ``xr.apply_ufunc``, the singular values of each snapshot's weight matrix per (epoch,
    mode), and what ``weight_spectrum.add_weight_spectrum`` derives from them.  Adds the
    variables to ``run`` and returns it with the ``mode`` coordinate.  Weights with a
    ``state`` dim (Potts visible units) get the observables of ``potts.add_potts_observables``
    (which include the singular values of the (N q) × M matrix of their zero-sum-gauge
    weights) instead of the ring profiles."""
    if "state" in run["weights"].dims:
        from .potts import add_potts_observables

        return add_weight_spectrum(add_potts_observables(run))
    weights = run["weights"]  # (epoch, visible, hidden)
    for name, (function, long_name, units) in PROFILE_OBSERVABLES.items():
        values = xr.apply_ufunc(function, weights, input_core_dims=[["visible"]],
                                vectorize=True, output_dtypes=[np.float64])
        run[name] = values.transpose("epoch", "hidden").assign_attrs(long_name=long_name,
                                                                     units=units)
    singular = xr.apply_ufunc(
        lambda matrix: np.linalg.svd(matrix, compute_uv=False), weights,
        input_core_dims=[["visible", "hidden"]], output_core_dims=[["mode"]])
    run["singular_values"] = singular.transpose("epoch", "mode").assign_attrs(
        long_name="singular values of the weight matrix", units="1")
    run = run.assign_coords(mode=np.arange(run.sizes["mode"]))
    return add_weight_spectrum(run)
