"""Retarded learning (paper Fig. 7): the order parameters after training one ±1 hidden unit
over a grid of (β, α), where they rise (the measured boundary, docs/physics.md §17.4), and the
crossover lines of the data spectrum."""

import numpy as np
import xarray as xr

from .. import theory
from .base import Claim, Figure, Outcome, training_run
from .boundaries import MIN_POINTS, boundary

TRAINS = True
run = training_run

#: order parameters summarised over seeds (and hidden units)
ORDER_PARAMETERS = ("order_parameter", "weight_max", "low_mode_fraction")


def _departure_alpha(beta, n_visible):
    """The α at which the finite-N top eigenvalue leaves the noise edge at this β (the inverse
    of ``theory.noise_edge_departure_beta``, which grows with α), NaN outside 1e-4 … 20."""
    from scipy import optimize

    def excess(log_alpha):
        departure = theory.noise_edge_departure_beta(np.exp(log_alpha), n_visible)
        return (departure if np.isfinite(departure) else np.inf) - beta

    low, high = np.log(1e-4), np.log(20.0)
    if not excess(low) < 0 < excess(high):
        return np.nan
    return float(np.exp(optimize.brentq(excess, low, high, xtol=1e-3)))


def phase_diagram(cube):
    """Mean and standard deviation over seeds and hidden units of each order parameter at the
    last epoch on the (β, α) grid; where each rises (a logistic step fitted along β per α when β
    has at least 5 values, else along log α per β; ``boundaries.boundary``), with its jackknife
    error over seeds; beside β_c = log(1+√α) (HTCM20 eq. 26), the single-spike BBP threshold
    ½ log(1+√α) and the β at which the finite-N top eigenvalue leaves the noise edge
    (``theory.noise_edge_departure_beta``); docs/physics.md §11.3, §17.4."""
    missing = [dim for dim in ("beta", "alpha") if dim not in cube.dims]
    if missing:
        raise ValueError(f"phase_diagram: the study must sweep data.{' and data.'.join(missing)}")
    last = cube.isel(epoch=-1)
    reduce_over = [dim for dim in ("seed", "hidden") if dim in last.dims]
    out = xr.Dataset(attrs={"description": "retarded-learning phase diagram (paper Fig. 7)",
                            "epoch": int(cube["epoch"].values[-1])})
    along = ("beta" if cube.sizes["beta"] >= MIN_POINTS else
             "alpha" if cube.sizes["alpha"] >= MIN_POINTS else None)
    for name in ORDER_PARAMETERS:
        long_name = last[name].attrs.get("long_name", name)
        out[f"{name}_mean"] = last[name].mean(reduce_over)
        out[f"{name}_mean"].attrs = {"long_name": f"{long_name}, mean over runs", "units": "1"}
        out[f"{name}_std"] = last[name].std(reduce_over, ddof=1)
        out[f"{name}_std"].attrs = {"long_name": f"{long_name}, std over runs", "units": "1"}
        out[f"{name}_runs"] = last[name].count(reduce_over)
        if along is None:
            continue
        step = boundary(last[name].reset_coords(drop=True), along, log=along == "alpha")
        units = "1"
        what = ("beta at which it rises, midpoint of a logistic step in beta" if along == "beta"
                else "alpha below which it rises, midpoint of a logistic step in log alpha")
        out[f"{name}_boundary_{along}"] = step["midpoint"].assign_attrs(
            long_name=f"{long_name}: {what}", units=units)
        out[f"{name}_boundary_{along}_stderr"] = step["midpoint_stderr"].assign_attrs(
            long_name="jackknife standard error of the boundary over seeds", units=units)
        out[f"{name}_rise"] = step["rise"].assign_attrs(
            long_name=f"{long_name}: fitted rise high - low of the step", units="1")
    alpha = cube["alpha"].values
    n_visible = int(cube.sizes["visible"])
    out["crossover_beta_paper"] = ("alpha", theory.crossover_beta_paper(alpha),
                                   {"long_name": "beta_c = log(1+sqrt(alpha)) (eq. 26)",
                                    "units": "1"})
    out["bbp_threshold_beta"] = ("alpha", theory.bbp_threshold_beta(alpha),
                                 {"long_name": "single-spike BBP threshold log(1+sqrt(alpha))/2",
                                  "units": "1"})
    out["noise_edge_departure_beta"] = ("alpha", theory.noise_edge_departure_beta(
        alpha, n_visible), {"long_name": "beta at which the finite-N top eigenvalue leaves the "
                                         "noise edge by one Tracy-Widom deviation", "units": "1"})
    if along == "alpha":
        beta = cube["beta"].values
        out["crossover_alpha_paper"] = ("beta", np.expm1(beta) ** 2, {
            "long_name": "alpha_c = (e^beta - 1)^2, the inverse of eq. 26", "units": "1"})
        out["bbp_threshold_alpha"] = ("beta", np.expm1(2 * beta) ** 2, {
            "long_name": "single-spike BBP threshold alpha = (e^(2 beta) - 1)^2", "units": "1"})
        out["noise_edge_departure_alpha"] = ("beta", [_departure_alpha(b, n_visible)
                                                      for b in beta], {
            "long_name": "alpha at which the finite-N top eigenvalue leaves the noise edge",
            "units": "1"})
    out.attrs["n_visible"] = n_visible
    out.attrs["boundary_axis"] = along or "none (fewer than 5 values along beta and alpha)"
    return out


AGGREGATES = {"phase_diagram": phase_diagram}

FIGURES = {
    "phase_diagram": Figure("phase_diagram", "retarded_learning:phase_diagram"),
    "order_vs_beta": Figure("phase_diagram", "retarded_learning:order_vs_beta"),  # Fig. 7a
    "order_vs_alpha": Figure("phase_diagram", "retarded_learning:order_vs_alpha"),  # Fig. 7b
    "boundary": Figure("phase_diagram", "retarded_learning:boundary"),  # Fig. 7a, measured
}


def check_order_parameter_step(aggregates):
    """W small well below the crossover and large above it, for every α with points in both."""
    diagram = aggregates["phase_diagram"]
    lows, highs = [], []
    for alpha in diagram["alpha"].values:
        entry = diagram.sel(alpha=alpha)
        beta = entry["beta"].values
        order = entry["order_parameter_mean"].values
        below = order[beta <= float(entry["bbp_threshold_beta"])]
        above = order[beta >= 1.5 * float(entry["crossover_beta_paper"])]
        if below.size and above.size:
            lows.append(below.max())
            highs.append(above.min())
    if not lows:
        return Outcome("no alpha with beta values both below 1/2 log(1+sqrt(alpha)) and above "
                       "1.5 log(1+sqrt(alpha))", None)
    ratio = max(low / high for low, high in zip(lows, highs))
    return Outcome(f"W ≤ {max(lows):.2f} below, ≥ {min(highs):.2f} above (worst ratio "
                   f"{ratio:.2f}, {len(lows)} alpha)", bool(ratio < 0.3))


def check_boundary(aggregates):
    """The measured boundary of W in the range of the paper's crossover."""
    diagram = aggregates["phase_diagram"]
    name = "order_parameter_boundary_beta"
    if name not in diagram:
        return Outcome("no boundary along beta (fewer than 5 beta values)", None)
    rows, inside = [], []
    for alpha in diagram["alpha"].values:
        entry = diagram.sel(alpha=alpha)
        middle, error = float(entry[name]), float(entry[f"{name}_stderr"])
        paper = float(entry["crossover_beta_paper"])
        low = float(entry["bbp_threshold_beta"])
        if not np.isfinite(middle):
            rows.append(f"alpha {alpha:g}: no rise")
            continue
        rows.append(f"alpha {alpha:g}: {middle:.2f} ± {error:.2f} (paper {paper:.2f})")
        inside.append(low - 2 * error <= middle <= 1.5 * paper + 2 * error)
    if not inside:
        return Outcome("; ".join(rows), None)
    return Outcome("; ".join(rows), bool(all(inside)))


CLAIMS = (
    Claim("the order parameter W = |sum_i w_i| vanishes when the data's correlations are too "
          "weak for the number of samples and is large above the transition", "HTCM20 Fig. 7a",
          "W ≈ 0 for small beta, W > 0 for large beta",
          "max W at beta ≤ 1/2 log(1+sqrt(alpha)) < 0.3 min W at beta ≥ 1.5 log(1+sqrt(alpha))",
          ("phase_diagram",), check_order_parameter_step),
    Claim("W rises at the crossover of the data spectrum, beta_c = log(1+sqrt(alpha))",
          "HTCM20 Fig. 7a, eq. 26", "beta_c = log(1+sqrt(alpha))",
          "the measured midpoint of W's rise lies between 1/2 log(1+sqrt(alpha)) and "
          "1.5 log(1+sqrt(alpha)) (± 2 standard errors) for every alpha",
          ("phase_diagram",), check_boundary),
)
