"""The Gaussian–Gaussian study: its aggregate on synthetic cubes made by the exact gradient
ascent of the closed-form log-likelihood (written here: ∂L/∂W = σ_h² (C − Σ) W, Σ the model's
covariance), where the mode equation is the exact continuous-time limit: the learned singular
values reach the fixed points, sub-threshold modes decay, trajectories follow the integrated
mode equation, modes emerge in the order of their variances; the closed-form likelihood of the
fixed point is the optimum; the theory's integration against its own closed-form fixed point."""

import numpy as np
import pytest
import xarray as xr

from rbmsweep import data, theory
from rbmsweep.observables import add_observables
from rbmsweep.observables.weight_spectrum import add_principal_overlaps
from rbmsweep.studies import gaussian_modes


def closed_form_log_likelihood(weights, second_moment, sigma_v, sigma_h):
    """Mean log N(v; 0, Σ) over data of second moment C, Σ⁻¹ = I/σ_v² − σ_h² W Wᵀ."""
    n = len(second_moment)
    precision = np.eye(n) / sigma_v**2 - sigma_h**2 * weights @ weights.T
    sign, log_det = np.linalg.slogdet(precision)
    assert sign > 0
    return 0.5 * log_det - 0.5 * np.trace(precision @ second_moment) - 0.5 * n * np.log(2 * np.pi)


def synthetic_run(seed, sigma_v=1.0, sigma_h=1.0, n_hidden=20, rate=0.01, updates=100,
                  epochs=60, init_std=0.01):
    """A run as ``gaussian_modes.run`` makes it, trained by exact gradient ascent of the
    closed-form log-likelihood on clusters data (N = 30, d = 5)."""
    samples, _ = data.make_dataset("clusters", 6000, 0, seed=seed, n_visible=30, n_clusters=11,
                                   latent_dim=5, cluster_std=0.5, noise_std=0.1)
    second = samples.T @ samples / len(samples)
    weights = np.random.default_rng(seed).normal(0, init_std, (30, n_hidden))
    snapshots, records = [0, 1, 2, 3, 5, 8, 12, 20, 30, 45, 60], []
    for epoch in range(epochs + 1):
        if epoch in snapshots:
            records.append((weights.copy(), closed_form_log_likelihood(weights, second, sigma_v,
                                                                       sigma_h)))
        for _ in range(updates if epoch < epochs else 0):
            covariance = np.linalg.inv(np.eye(30) / sigma_v**2 - sigma_h**2 * weights @ weights.T)
            weights = weights + rate * sigma_h**2 * (second - covariance) @ weights
    run = xr.Dataset({
        "weights": (("epoch", "visible", "hidden"), np.stack([w for w, _ in records])),
        "log_likelihood_train": ("epoch", [ll for _, ll in records]),
    }, coords={"epoch": snapshots, "visible": np.arange(30), "hidden": np.arange(n_hidden)},
        attrs={"init_std": init_std})
    run = add_principal_overlaps(add_observables(run), samples, n_components=8, centre=False)
    run = run.assign_coords(learning_rate=rate, updates_per_epoch=updates,
                            visible_variance=sigma_v**2, hidden_variance=sigma_h**2)
    return run.expand_dims(seed=[seed]), second


@pytest.fixture(scope="module")
def result():
    runs = [synthetic_run(seed)[0] for seed in range(2)]
    return gaussian_modes.modes(xr.concat(runs, "seed"))


def test_learned_singular_values_reach_the_fixed_points_and_sub_threshold_modes_decay(result):
    fixed = result["fixed_point"]
    above = fixed > 0
    assert int(above.sum("component").isel(seed=0)) == 4  # 2.76, 2.26, 1.76, 1.26 of 2.76...0.01
    error = abs(result["singular_value_error"])
    predicted = result["predicted_singular_value"]
    # modes above threshold within 1 % (a finite run: the slowest has rate 0.26 per unit time)
    assert float((error / predicted).where(predicted > 0).max()) < 0.01
    # the others decayed from their start (~0.03) by more than an order of magnitude
    assert float(result["final_singular_value"].where(predicted == 0).max()) < 3e-3


def test_trajectories_follow_the_mode_equation_from_the_measured_start(result):
    measured, predicted = result["amplitude"], result["theory_amplitude"]
    fixed = result["fixed_point"]
    relevant = (fixed > 0) & (measured > 0.05)
    relative = abs(measured - predicted) / predicted
    # the mode equation neglects the couplings of the modes through the initial overlaps of
    # their hidden vectors (random, ~1/sqrt(M)): at M = 20 they cost a few per cent mid-way
    assert float(relative.where(relevant).max()) < 0.07
    assert float(relative.where(relevant).isel(epoch=-1).max()) < 1e-3
    # sub-threshold modes decay as the equation says (exponentially at rate σ_h² (σ_v² − ⟨s²⟩))
    assert float(abs(predicted).where(fixed == 0).isel(epoch=-1).max()) < 1e-3
    assert float(measured.where(fixed == 0).isel(epoch=-1).max()) < 1e-3


def test_modes_emerge_in_the_order_of_their_variances(result):
    np.testing.assert_allclose(result["emergence_order_correlation"], -1.0)
    measured, theory_time = result["emergence_time"], result["emergence_time_theory"]
    good = np.isfinite(measured) & np.isfinite(theory_time)
    assert int(good.sum()) == 8
    assert float((abs(measured - theory_time) / theory_time).where(good).max()) < 0.05


def test_the_fixed_point_is_the_closed_form_optimum(result):
    gap = result["optimal_log_likelihood"] - result["final_log_likelihood"]
    assert np.all(gap >= -1e-9) and float(gap.max()) < 1e-3


def test_closed_form_optimum_against_the_likelihood_of_the_fixed_point_weights():
    """theory.gaussian_optimal_log_likelihood against the closed form evaluated at weights
    built from the fixed points (another σ_h: it drops out)."""
    rng = np.random.default_rng(0)
    basis, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    variances = np.array([3.0, 2.0, 1.5, 0.8, 0.5, 0.2])
    second = basis @ np.diag(variances) @ basis.T
    sigma_v, sigma_h, n_hidden = 1.1, 0.7, 3
    fixed = theory.gaussian_mode_fixed_point(variances[:n_hidden], sigma_v, sigma_h)
    weights = basis[:, :n_hidden] * fixed
    expected = closed_form_log_likelihood(weights, second, sigma_v, sigma_h)
    assert np.isclose(theory.gaussian_optimal_log_likelihood(variances, n_hidden, sigma_v),
                      expected, rtol=1e-12)


def test_integration_reaches_the_fixed_point_and_stops_at_the_normalisability_edge():
    times = np.linspace(0, 80, 41)
    variances = np.array([3.0, 2.0, 0.7])
    paths = theory.integrate_gaussian_modes([0.01, 0.01, 0.01], variances, times, 1.2, 0.8)
    np.testing.assert_allclose(paths[-1], theory.gaussian_mode_fixed_point(variances, 1.2, 0.8),
                               atol=1e-6)
    beyond = theory.integrate_gaussian_modes([2.0], [3.0], times, 1.0, 1.0)
    assert np.all(np.isnan(beyond))  # |w| ≥ 1 / (σ_v σ_h): not normalisable from the start


def test_crossing_time():
    times = np.array([0.0, 1.0, 2.0, 4.0])
    assert gaussian_modes.crossing_time(times, [0.1, 0.2, 0.6, 1.0], 0.4) == pytest.approx(1.5)
    assert gaussian_modes.crossing_time(times, [0.5, 0.6, 0.7, 0.8], 0.4) == 0.0
    assert np.isnan(gaussian_modes.crossing_time(times, [0.1, 0.2, 0.3, 0.3], 0.4))
    assert np.isnan(gaussian_modes.crossing_time(times, [0.1, 0.2, 0.3, 0.3], 0.0))


def test_trained_gaussian_rbm_reaches_the_analytic_singular_values():
    """PCD training of Gaussian visible and hidden units (rbmsweep.train, the units' own
    kernels) on clusters data, through the study's run and aggregate: the singular values of
    the modes above threshold within 8 % of the fixed points (stochastic gradient: measured
    0.1-6 %), the others below 0.01 (from 0.03), the modes emerge in the order of their
    variances, and the exact (closed-form) training log-likelihood ends within 0.05 nat of the
    largest the model can reach."""
    from rbmsweep import config, studies
    from rbmsweep.validation import validate

    cfg = {"studies": {"g": {
        "kind": "gaussian_modes",
        "data": {"model": "clusters", "n_visible": 30, "n_samples": 1000, "n_test": 200},
        "rbm": {"n_hidden": 10, "visible": "gaussian", "hidden": "gaussian",
                "zero_fields": True, "init_std": 0.01},
        "train": {"algorithm": "pcd", "gibbs_steps": 5, "learning_rate": 0.01,
                  "batch_size": 20, "epochs": 40, "snapshots": {"log": 8, "linear": 4}},
        "seeds": 3}}}
    validate(cfg, studies.KINDS)
    runs = []
    for spec in config.all_runs(cfg)["g"].values():
        train_v, test_v = data.make_dataset(**spec.data.arguments())
        runs.append(studies.run(spec, train_v, test_v))
    result = gaussian_modes.modes(xr.combine_by_coords(runs, combine_attrs="drop_conflicts"))
    predicted = result["predicted_singular_value"]
    assert int((predicted > 0).sum("mode").min()) == 4
    relative = abs(result["singular_value_error"]) / predicted
    assert float(relative.where(predicted > 0).max()) < 0.08
    assert float(result["final_singular_value"].where(predicted == 0).max()) < 0.01
    np.testing.assert_allclose(result["emergence_order_correlation"], -1.0)
    gap = result["optimal_log_likelihood"] - result["final_log_likelihood"]
    assert np.all(gap > -0.01) and float(gap.max()) < 0.05


# -- the claims ([DFF]; docs/physics.md §16.5) ----------------------------------------------------
def test_claims_pass_on_exact_gradient_flow_and_fail_when_perturbed(result):
    fixed, decay, order, times = gaussian_modes.CLAIMS
    for claim in gaussian_modes.CLAIMS:
        assert claim.check({"modes": result}).passed is True, claim.claim
    # a learned singular value 15% off its fixed point
    off = result.copy(deep=True)
    off["final_singular_value"][dict(seed=1, mode=2)] *= 1.15
    assert fixed.check({"modes": off}).passed is False
    # a sub-threshold mode left at 5% of the smallest fixed point
    stuck = result.copy(deep=True)
    smallest = float(result["fixed_point"].where(result["fixed_point"] > 0).min())
    stuck["final_singular_value"][dict(seed=0, mode=6)] = 0.05 * smallest
    assert decay.check({"modes": stuck}).passed is False
    # the second and third modes emerging in swapped order
    swapped = result.copy(deep=True)
    second, third = (float(result["emergence_time"][dict(seed=0, component=k)]) for k in (1, 2))
    swapped["emergence_time"][dict(seed=0, component=1)] = third
    swapped["emergence_time"][dict(seed=0, component=2)] = second
    assert order.check({"modes": swapped}).passed is False
    # a mode that never emerges while a smaller one does
    missing = result.copy(deep=True)
    missing["emergence_time"][dict(seed=1, component=1)] = np.nan
    assert order.check({"modes": missing}).passed is False
    assert times.check({"modes": missing}).passed is False
    # a measured emergence time 20% late
    late = result.copy(deep=True)
    late["emergence_time"][dict(seed=0, component=3)] *= 1.2
    assert times.check({"modes": late}).passed is False


def test_claims_not_applicable():
    fixed, decay, order, times = gaussian_modes.CLAIMS
    # data with every variance below sigma_v^2: nothing above threshold, nothing emerges
    modes = xr.Dataset({
        "data_variance": (("seed", "component"), [[0.8, 0.5]]),
        "fixed_point": (("seed", "component"), [[0.0, 0.0]]),
        "final_singular_value": (("seed", "mode"), [[1e-5, 1e-6, 1e-7]]),
        "predicted_singular_value": (("seed", "mode"), [[0.0, 0.0, 0.0]]),
        "emergence_time": (("seed", "component"), [[np.nan, np.nan]]),
        "emergence_time_theory": (("seed", "component"), [[np.nan, np.nan]]),
        "emergence_order_correlation": ("seed", [np.nan]),
    }, coords={"seed": [0], "component": [0, 1], "mode": [0, 1, 2]})
    assert fixed.check({"modes": modes}).passed is None
    assert decay.check({"modes": modes}).passed is None
    assert order.check({"modes": modes}).passed is None
    assert times.check({"modes": modes}).passed is None
    # one mode above threshold that emerges: no order to check, but its time is
    one = modes.copy(deep=True)
    one["data_variance"][0, 0], one["fixed_point"][0, 0] = 2.0, 0.7
    one["predicted_singular_value"][0, 0], one["final_singular_value"][0, 0] = 0.7, 0.69
    one["emergence_time"][0, 0], one["emergence_time_theory"][0, 0] = 1.3, 1.25
    assert order.check({"modes": one}).passed is None
    assert times.check({"modes": one}).passed is True
    assert fixed.check({"modes": one}).passed is True
    assert decay.check({"modes": one}).passed is True
