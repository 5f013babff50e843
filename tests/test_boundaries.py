"""Measured phase boundaries (docs/physics.md §17.4): the logistic-step extraction recovers a
known threshold from synthetic order-parameter data, with an error bar that covers it, along β
and along log α; a flat order parameter has no boundary; the phase-diagram aggregate carries
the boundaries beside the crossover lines."""

import numpy as np
import pytest
import xarray as xr

from rbmsweep import theory
from rbmsweep.studies import retarded_learning
from rbmsweep.studies.boundaries import boundary

BETA = np.array([0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0])


def synthetic(threshold, width=0.05, seeds=4, noise=0.15, seed=0, grid=BETA, floor=0.2,
              field=6.0, growth=1.0):
    """An order parameter over (beta, seed, hidden): the noise level ``floor`` below the
    threshold, a field's level above, which keeps growing slowly (as W grows with the
    correlation length), times log-normal seed-to-seed scatter."""
    rng = np.random.default_rng(seed)
    step = 0.5 * (1 + np.tanh((grid - threshold) / (2 * width)))
    level = np.exp(np.log(floor) + step * (np.log(field) - np.log(floor)) + growth * grid * step)
    values = level[:, None, None] * np.exp(noise * rng.normal(size=(grid.size, seeds, 1)))
    return xr.DataArray(values, dims=("beta", "seed", "hidden"),
                        coords={"beta": grid, "seed": np.arange(seeds)})


@pytest.mark.parametrize("threshold", [0.15, 0.3, 0.55])
def test_a_known_threshold_is_recovered_within_its_error(threshold):
    covered = 0
    for repeat in range(20):
        result = boundary(synthetic(threshold, seed=repeat, growth=0.0), "beta")
        middle, error = float(result["midpoint"]), float(result["midpoint_stderr"])
        assert abs(middle - threshold) < 0.06
        covered += abs(middle - threshold) <= 2 * error
    assert covered >= 15  # the jackknife error is an honest error bar


def test_continued_growth_moves_the_midpoint_little():
    # log W keeps growing after the step (W ∝ xi): the plateaus are the grid's ends
    result = boundary(synthetic(0.3, growth=1.0, noise=0.05), "beta")
    assert abs(float(result["midpoint"]) - 0.3) < 0.08


def test_no_rise_no_boundary():
    flat = synthetic(0.3, field=0.2, growth=0.0)
    result = boundary(flat, "beta")
    assert np.isnan(float(result["midpoint"]))
    assert float(result["rise"]) < 3 * float(result["rise_stderr"])


def test_boundary_along_log_alpha():
    alpha = np.array([0.01, 0.05, 0.2, 0.5, 1.0, 2.0])
    rng = np.random.default_rng(3)
    true = 0.3
    step = 0.5 * (1 - np.tanh((np.log(alpha) - np.log(true)) / 0.4))  # learns at small alpha
    values = np.exp(np.log(0.2) + step * np.log(30.0))[:, None, None] * np.exp(
        0.1 * rng.normal(size=(alpha.size, 3, 1)))
    data = xr.DataArray(values, dims=("alpha", "seed", "hidden"), coords={"alpha": alpha})
    result = boundary(data, "alpha", log=True)
    assert abs(np.log(float(result["midpoint"]) / true)) < 0.3
    assert float(result["midpoint_stderr"]) > 0


def test_phase_diagram_carries_the_boundaries_and_the_lines():
    alphas = [0.02, 0.2, 1.0]
    thresholds = theory.crossover_beta_paper(alphas)  # synthetic runs that follow eq. 26
    arrays = []
    for alpha, threshold in zip(alphas, thresholds):
        arrays.append(synthetic(threshold, seed=int(100 * alpha), growth=0.0))
    order = xr.concat(arrays, dim=xr.DataArray(alphas, dims="alpha")).expand_dims(
        epoch=[50]).transpose("beta", "alpha", "seed", "epoch", "hidden")
    cube = xr.Dataset({"order_parameter": order, "weight_max": order / 10,
                       "low_mode_fraction": order / order.max()},
                      coords={"visible": np.arange(50)})
    result = retarded_learning.phase_diagram(cube)
    measured = result["order_parameter_boundary_beta"].values
    assert np.all(np.abs(measured - thresholds) < 0.08), (measured, thresholds)
    assert np.all(result["order_parameter_boundary_beta_stderr"].values > 0)
    np.testing.assert_allclose(result["crossover_beta_paper"], np.log1p(np.sqrt(alphas)))
    departure = result["noise_edge_departure_beta"].values
    assert np.all(np.diff(departure) > 0)  # more noise, later departure
    assert np.all(departure < result["crossover_beta_paper"].values)
    assert result.attrs["boundary_axis"] == "beta"
    for claim in retarded_learning.CLAIMS:
        outcome = claim.check({"phase_diagram": result})
        assert outcome.passed is True, (claim.claim, outcome)
