"""Observables of trained weights, per snapshot of a run (docs/physics.md §5).

``ring``: the receptive field of one hidden unit on the ring (centre, width, order parameters)
and the ring's geometry; ``add_observables`` maps the per-unit observables over every snapshot
and hidden unit of a run with xarray, and adds the singular values of each snapshot's weights.
"""

import numpy as np
import xarray as xr

from .ring import (FLAT_TOLERANCE, MIN_PEAK_SHARE, MIN_PEAK_SITES, center_on_peak, is_localised,
                   low_mode_fraction, main_peak, order_parameter, orient, peak_center,
                   peak_width, ring_distance, unwrap_centers, weight_max)

__all__ = ["FLAT_TOLERANCE", "MIN_PEAK_SHARE", "MIN_PEAK_SITES", "PROFILE_OBSERVABLES",
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
    ``xr.apply_ufunc``, and the singular values of each snapshot's weight matrix per (epoch,
    mode).  Adds the variables to ``run`` and returns it with the ``mode`` coordinate.

    Potts weights (a ``state`` dimension, docs/physics.md §12.1): only the singular values, of
    the (N·q, M) matrix with rows (site, state) — in the zero-sum gauge of the run — and none
    of the ring profiles, which assume one weight per site."""
    weights = run["weights"]  # (epoch, visible, hidden[, state])
    potts = "state" in weights.dims
    if potts:
        weights = weights.stack(row=("visible", "state")).reset_index("row", drop=True)
        rows = "row"
    else:
        rows = "visible"
        for name, (function, long_name, units) in PROFILE_OBSERVABLES.items():
            values = xr.apply_ufunc(function, weights, input_core_dims=[["visible"]],
                                    vectorize=True, output_dtypes=[np.float64])
            run[name] = values.transpose("epoch", "hidden").assign_attrs(long_name=long_name,
                                                                         units=units)
    singular = xr.apply_ufunc(
        lambda matrix: np.linalg.svd(matrix, compute_uv=False), weights,
        input_core_dims=[[rows, "hidden"]], output_core_dims=[["mode"]])
    long_name = "singular values of the weight matrix"
    if potts:
        long_name += " (rows: site and state, zero-sum gauge)"
    run["singular_values"] = singular.transpose("epoch", "mode").assign_attrs(
        long_name=long_name, units="1")
    return run.assign_coords(mode=np.arange(run.sizes["mode"]))
