"""Retarded learning (paper Fig. 7): the order parameter after training one ±1 hidden unit
over a grid of (β, α), with the crossover lines of the data spectrum."""

import xarray as xr

from .. import theory
from .base import Figure, training_run

TRAINS = True
run = training_run

#: order parameters summarised over seeds (and hidden units)
ORDER_PARAMETERS = ("order_parameter", "weight_max", "low_mode_fraction")


def phase_diagram(cube):
    """Mean and standard deviation over seeds and hidden units of each order parameter at the
    last epoch, on the (β, α) grid, with β_c = log(1+√α) (HTCM20 eq. 26) and the single-spike BBP
    threshold ½ log(1+√α) for comparison."""
    missing = [dim for dim in ("beta", "alpha") if dim not in cube.dims]
    if missing:
        raise ValueError(f"phase_diagram: the study must sweep data.{' and data.'.join(missing)}")
    last = cube.isel(epoch=-1)
    reduce_over = [dim for dim in ("seed", "hidden") if dim in last.dims]
    out = xr.Dataset(attrs={"description": "retarded-learning phase diagram (paper Fig. 7)",
                            "epoch": int(cube["epoch"].values[-1])})
    for name in ORDER_PARAMETERS:
        long_name = last[name].attrs.get("long_name", name)
        out[f"{name}_mean"] = last[name].mean(reduce_over)
        out[f"{name}_mean"].attrs = {"long_name": f"{long_name}, mean over runs", "units": "1"}
        out[f"{name}_std"] = last[name].std(reduce_over, ddof=1)
        out[f"{name}_std"].attrs = {"long_name": f"{long_name}, std over runs", "units": "1"}
        out[f"{name}_runs"] = last[name].count(reduce_over)
    alpha = cube["alpha"].values
    out["crossover_beta_paper"] = ("alpha", theory.crossover_beta_paper(alpha),
                                   {"long_name": "beta_c = log(1+sqrt(alpha)) (eq. 26)"})
    out["bbp_threshold_beta"] = ("alpha", theory.bbp_threshold_beta(alpha),
                                 {"long_name": "single-spike BBP threshold log(1+sqrt(alpha))/2"})
    return out


AGGREGATES = {"phase_diagram": phase_diagram}

FIGURES = {
    "phase_diagram": Figure("phase_diagram", "retarded_learning:phase_diagram"),
    "order_vs_beta": Figure("phase_diagram", "retarded_learning:order_vs_beta"),  # Fig. 7a
    "order_vs_alpha": Figure("phase_diagram", "retarded_learning:order_vs_alpha"),  # Fig. 7b
}
