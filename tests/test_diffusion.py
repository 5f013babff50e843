"""The diffusion study (issue 5, item 2): the MSD / D estimator on synthetic random walks whose
D is known, crossing the periodic boundary; its stated uncertainty; pair distances of centres
that move together; the aggregate over sweep axes."""

import numpy as np
import pytest
import xarray as xr

from rbmsweep.observables import ring_distance, unwrap_centers
from rbmsweep.observables.translation import shift_profile
from rbmsweep.studies import diffusion as study

N_SITES = 100


def random_walks(d, n_runs, n_epochs, transient, n_hidden=1, seed=0, jitter=0.0, offsets=None):
    """Centres as the study sees them: uniformly random during the transient (no field yet),
    then a Gaussian random walk of variance 2 d per epoch, observed modulo N (so that the
    walks cross the boundary), plus independent measurement noise ``jitter`` per unit."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0, np.sqrt(2 * d), size=(n_runs, 1, n_epochs + 1))
    steps[..., : transient + 1] = 0.0
    walk = rng.uniform(0, N_SITES, size=(n_runs, 1, 1)) + np.cumsum(steps, axis=-1)
    offsets = np.zeros(n_hidden) if offsets is None else np.asarray(offsets)
    true = walk + offsets[None, :, None] + jitter * rng.normal(size=(n_runs, n_hidden, n_epochs + 1))
    observed = true % N_SITES
    observed[..., :transient] = rng.uniform(0, N_SITES, size=(n_runs, n_hidden, transient))
    return true, observed


def cube_of(observed, extra_dims=None):
    """A minimal cube: peak_center (…, seed, hidden, epoch), weights that are a bump at each
    centre (so that the translation-mode coordinate is the centre too), the ring's sites, and
    the run parameters every run carries as coordinates (rbmsweep.studies.label_run)."""
    n_runs, n_hidden, n_snapshots = observed.shape[-3:]
    dims = (*(extra_dims or {}), "seed", "hidden", "epoch")
    parameters = {"learning_rate": 0.1, "batch_size": 10, "n_samples": 1000,
                  "updates_per_epoch": 100}
    coords = {**parameters, **(extra_dims or {}), "seed": np.arange(n_runs),
              "hidden": np.arange(n_hidden), "epoch": np.arange(n_snapshots),
              "visible": np.arange(N_SITES)}
    distance = (np.arange(N_SITES) - N_SITES / 2)
    bump = shift_profile(1.0 / np.cosh(distance / 4.0), -N_SITES / 2)  # centred on site 0
    weights = shift_profile(bump, np.nan_to_num(observed))  # (…, seed, hidden, epoch, visible)
    weights[np.isnan(observed)] = 0.0  # no field, no centre
    weights = np.moveaxis(weights, -3, -1)  # (…, seed, epoch, visible, hidden)
    weight_dims = (*(extra_dims or {}), "seed", "epoch", "visible", "hidden")
    return xr.Dataset({"peak_center": (dims, observed), "weights": (weight_dims, weights)},
                      coords=coords)


def test_unwrap_undoes_the_periodic_boundary():
    true, observed = random_walks(d=30.0, n_runs=4, n_epochs=300, transient=0)
    assert np.any(np.abs(np.diff(observed, axis=-1)) > N_SITES / 2)  # it does cross
    unwrapped = unwrap_centers(observed, N_SITES)
    shift = (unwrapped - true)[..., :1]
    np.testing.assert_allclose(unwrapped - shift, true, atol=1e-9)
    np.testing.assert_allclose(shift / N_SITES, np.round(shift / N_SITES), atol=1e-9)
    strided = np.moveaxis(np.moveaxis(observed, -1, 0).copy(), 0, -1)  # a transposed cube's layout
    assert not strided.flags.c_contiguous
    np.testing.assert_array_equal(unwrap_centers(strided, N_SITES), unwrap_centers(observed, N_SITES))
    gaps = observed.copy()
    gaps[0, 0, 10:13] = np.nan  # a few snapshots without a peak are stepped over
    unwrapped = unwrap_centers(gaps, N_SITES)
    assert np.isnan(unwrapped[0, 0, 10:13]).all()
    np.testing.assert_allclose(unwrapped[0, 0, 13:] - unwrapped[0, 0, 9],
                               true[0, 0, 13:] - true[0, 0, 9], atol=1e-9)


def test_ring_distance():
    np.testing.assert_allclose(ring_distance([1, 99, 50, 210], [99, 1, 0, 5], 100),
                               [2, 2, 50, 5])


def estimate(result, estimator="ensemble"):
    entry = result.sel(estimator=estimator)
    return float(entry["diffusion_coefficient"]), float(entry["diffusion_coefficient_stderr"])


@pytest.mark.parametrize("estimator", study.ESTIMATORS)
@pytest.mark.parametrize("d", [0.5, 25.0])
def test_estimator_recovers_d_of_random_walks_within_its_uncertainty(d, estimator):
    true, observed = random_walks(d=d, n_runs=20, n_epochs=200, transient=20, seed=1)
    if d > 1:  # the walks go round the ring: the boundary matters
        walked = np.abs(true[..., -1] - true[..., 20])
        assert np.mean(walked > N_SITES / 2) > 0.5
    result = study.diffusion(cube_of(observed), transient_epochs=20)
    value, stderr = estimate(result, estimator)
    assert 0 < stderr < 0.5 * d
    assert abs(value - d) < 3 * stderr
    assert int(result["n_runs"].sel(estimator=estimator)) == 20
    lags = result["lag"].values
    assert lags[0] == 0 and result.attrs["fit_start_epoch"] == 20
    # the MSD itself follows 2 D t within its error bars
    z = (result["msd"].values[1:] - 2 * d * lags[1:]) / result["msd_stderr"].values[1:]
    assert np.mean(np.abs(z) < 2) > 0.8


def experiments(estimator, d=4.0, n_runs=10, n_experiments=400, n_epochs=80, transient=5):
    """(D̂, stated standard error) of many independent experiments of ``n_runs`` walks."""
    _, observed = random_walks(d=d, n_runs=n_runs * n_experiments, n_epochs=n_epochs,
                               transient=transient, seed=2)
    unwrapped = unwrap_centers(observed, N_SITES)
    epochs = np.arange(n_epochs + 1)
    start = study.transient_start(epochs, transient)
    trajectories = xr.DataArray(unwrapped.reshape(n_experiments, n_runs, 1, -1),
                                dims=("experiment", "seed", "hidden", "epoch"),
                                coords={"epoch": epochs})
    if estimator == "ensemble":
        squared, dim = study.squared_displacements(trajectories, start), "lag"
    else:
        window = (n_epochs - start) // 4
        squared = study.time_averaged_squared_displacements(trajectories, start, window)
        dim = "window_lag"
    fit = study.fit_diffusion(squared, dim)
    return np.array([fit["D"].values, fit["D_stderr"].values])


def test_stated_uncertainty_is_the_scatter_of_d():
    """Over many independent experiments of 10 runs, the mean squared stated error equals the
    variance of D̂ (the error is calibrated), and D̂ is unbiased — for both estimators."""
    for estimator in study.ESTIMATORS:
        estimates, errors = experiments(estimator)
        # relative sampling error of a variance from 400 skewed draws: about 10 %
        assert np.mean(errors**2) / np.var(estimates, ddof=1) == pytest.approx(1.0, abs=0.25)
        assert abs(np.mean(estimates) - 4.0) < 3 * np.std(estimates) / np.sqrt(len(estimates))


def test_time_averaged_error_bars_have_gaussian_coverage():
    """Time-averaged D: |D̂ − D| ≤ 1 (2) errors as often as a Student t with 9 degrees of
    freedom says, 0.657 (0.923); the ensemble D's per-run slopes are skewed, so its ±1 error
    bar covers less often (documented in rbmsweep.studies.diffusion), but its D is unbiased.
    And the time-averaged D is the more precise one."""
    estimates, errors = experiments("time_averaged")
    z = np.abs(estimates - 4.0) / errors
    assert 0.60 < np.mean(z <= 1) < 0.72  # 400 experiments: ±0.024 sampling error
    assert 0.88 < np.mean(z <= 2) < 0.96
    ensemble, _ = experiments("ensemble")
    assert np.std(estimates) < 0.6 * np.std(ensemble)


def test_measurement_noise_goes_into_the_intercept_not_d():
    d, jitter = 0.02, 2.0  # slow enough that the walk's own scatter does not swamp c
    _, observed = random_walks(d=d, n_runs=60, n_epochs=150, transient=10, seed=3, jitter=jitter)
    result = study.diffusion(cube_of(observed), transient_epochs=10)
    for estimator in study.ESTIMATORS:
        value, stderr = estimate(result, estimator)
        assert abs(value - d) < 3 * stderr
        # a centre known to ±jitter at both ends of a displacement: c = 2 jitter²
        intercept = float(result["msd_intercept"].sel(estimator=estimator))
        assert intercept == pytest.approx(2 * jitter**2, rel=0.2)


def test_three_centres_moving_together():
    """Fig. 6: three centres a third of the ring apart, one common random walk plus a small
    independent wobble: the pair distances stay at N/3 with a spread ≈ wobble × √2, far
    less than the distance travelled; D is the common walk's."""
    d, jitter = 10.0, 0.8
    _, observed = random_walks(d=d, n_runs=12, n_epochs=120, transient=10, n_hidden=3, seed=4,
                               jitter=jitter, offsets=[0, N_SITES / 3, 2 * N_SITES / 3])
    result = study.diffusion(cube_of(observed), transient_epochs=10)
    assert list(result["pair"].values) == ["0-1", "0-2", "1-2"]
    np.testing.assert_allclose(result["pair_distance_mean"].values, N_SITES / 3, atol=0.5)
    assert float(result["pair_distance_spread"]) == pytest.approx(jitter * np.sqrt(2), rel=0.2)
    assert float(result["rms_displacement"]) > 20 * float(result["pair_distance_spread"])
    value, stderr = estimate(result)
    assert abs(value - d) < 3 * stderr


def test_d_over_sweep_axes_and_per_learning_time():
    """Two sweep points with different D: the aggregate keeps them apart, and normalises by
    the per-run constants of the cube (updates per epoch, learning time per epoch)."""
    slow = random_walks(d=1.0, n_runs=16, n_epochs=100, transient=10, seed=5)[1]
    fast = random_walks(d=9.0, n_runs=16, n_epochs=100, transient=10, seed=6)[1]
    cube = cube_of(np.stack([slow, fast]), extra_dims={"batch_size": [100, 10]})
    cube = cube.assign_coords(updates_per_epoch=("batch_size", [50, 500]))  # 5000 samples
    result = study.diffusion(cube, transient_epochs=10)
    assert result["diffusion_coefficient"].dims == ("batch_size", "estimator")
    ensemble = result.sel(estimator="ensemble", batch_size=[100, 10])
    d = ensemble["diffusion_coefficient"].values
    assert np.all(np.abs(d - [1.0, 9.0]) < 3 * ensemble["diffusion_coefficient_stderr"].values)
    np.testing.assert_allclose(ensemble["diffusion_per_update"].values, d / [50, 500])
    np.testing.assert_allclose(ensemble["diffusion_per_learning_time"].values, d / [5, 50])
    np.testing.assert_allclose(ensemble["noise_temperature"].values, [0.001, 0.01])
    assert result["center"].dims == ("batch_size", "seed", "hidden", "epoch")


def test_too_long_a_transient_is_named():
    _, observed = random_walks(d=1.0, n_runs=3, n_epochs=10, transient=2)
    with pytest.raises(ValueError, match="analysis.transient_epochs: 20"):
        study.diffusion(cube_of(observed), transient_epochs=20)


def test_aggregate_equals_per_run_least_squares_written_out():
    """An independent computation, run by run with numpy: unwrap, square the displacement
    since the transient, average the units that have a centre, fit a line over lag > 0 with
    np.polyfit; and the time-averaged MSD window by window.  The aggregate must agree on
    MSD, per-run D, D, its standard error, intercept and run count, with a unit missing in
    one run (a smaller M padded with NaN) and a few snapshots without a centre."""
    _, observed = random_walks(d=3.0, n_runs=5, n_epochs=40, transient=4, n_hidden=3, seed=8,
                               jitter=0.5, offsets=[0, 30, 60])
    observed[1, 2, :] = np.nan          # run 1 has two units
    observed[3, 0, 10:14] = np.nan      # run 3's first unit has no centre for 4 snapshots
    result = study.diffusion(cube_of(observed), transient_epochs=4)
    unwrapped = unwrap_centers(observed, N_SITES)
    start, lags = 4, np.arange(37)
    window_lags = np.arange(10)  # a quarter of the 36 lags after the transient
    expected = {"ensemble": [], "time_averaged": []}
    for run in unwrapped:
        units = [u for u in run if np.isfinite(u).any()]
        ensemble = [np.nanmean([(u[start + t] - u[start]) ** 2 for u in units
                                if np.isfinite(u[start + t])]) for t in lags]
        windowed = [np.mean([(u[i + t] - u[i]) ** 2 for u in units for i in range(start, 41 - t)
                             if np.isfinite(u[i + t]) and np.isfinite(u[i])]) for t in window_lags]
        expected["ensemble"].append(ensemble)
        expected["time_averaged"].append(windowed)
    for name, lag_name, x in (("ensemble", "lag", lags), ("time_averaged", "window_lag", window_lags)):
        y = np.array(expected[name])
        np.testing.assert_array_equal(result[lag_name].values, x)
        msd = result["msd" if name == "ensemble" else "msd_time_averaged"].values
        np.testing.assert_allclose(msd, y.mean(axis=0), rtol=1e-12, atol=1e-12)
        slopes, intercepts = np.array([np.polyfit(x[1:], row[1:], 1) for row in y]).T
        entry = result.sel(estimator=name)
        np.testing.assert_allclose(entry["diffusion_coefficient_run"].values, slopes / 2, rtol=1e-9)
        assert float(entry["diffusion_coefficient"]) == pytest.approx(np.mean(slopes / 2), rel=1e-9)
        assert float(entry["diffusion_coefficient_stderr"]) == pytest.approx(
            np.std(slopes / 2, ddof=1) / np.sqrt(5), rel=1e-9)
        assert float(entry["msd_intercept"]) == pytest.approx(np.mean(intercepts), rel=1e-9)
        assert int(entry["n_runs"]) == 5
    assert np.isnan(result["pair_distance"].sel(seed=1, pair=["0-2", "1-2"])).all()
    assert np.isfinite(result["pair_distance"].sel(seed=1, pair="0-1")).all()


def test_runs_without_enough_lags_drop_out_quietly():
    """A run whose centres vanish after the transient has no D: it is left out of the mean,
    the count and the error; with one run left, D is that run's and its error NaN; no
    warning (mean of empty slice, degrees of freedom) escapes."""
    import warnings

    _, observed = random_walks(d=1.0, n_runs=3, n_epochs=30, transient=3, seed=9)
    observed[0, 0, 5:] = np.nan  # lags 0 and 1 only: one lag > 0, no line
    observed[1, 0, :] = np.nan   # never a centre
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = study.diffusion(cube_of(observed), transient_epochs=3)
    for estimator in study.ESTIMATORS:
        entry = result.sel(estimator=estimator)
        runs = entry["diffusion_coefficient_run"].values
        assert np.isnan(runs[:2]).all() and np.isfinite(runs[2])
        assert int(entry["n_runs"]) == 1
        assert float(entry["diffusion_coefficient"]) == runs[2]
        assert np.isnan(float(entry["diffusion_coefficient_stderr"]))
    assert np.isnan(result["msd_stderr"].values[2:]).all()  # one run at every lag > 1
    assert np.isnan(float(result["pair_distance_spread"]))  # one hidden unit: no pair
    assert list(result["pair"].values) == ["none"]


def test_uneven_snapshots_have_no_time_averaged_estimate():
    """Windows of τ snapshots are a lag of τ × spacing only when the snapshots are evenly
    spaced; otherwise the time-averaged estimator is NaN (quietly) and the ensemble one still
    fits."""
    import warnings

    _, observed = random_walks(d=2.0, n_runs=8, n_epochs=60, transient=5, seed=10)
    keep = np.r_[np.arange(0, 20), np.arange(20, 61, 4)]  # every epoch, then every 4th
    cube = cube_of(observed[..., keep]).assign_coords(epoch=keep)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = study.diffusion(cube, transient_epochs=5)
    np.testing.assert_array_equal(result["lag"].values, keep[5:] - 5)
    assert np.isnan(result["diffusion_coefficient"].sel(estimator="time_averaged"))
    assert np.isnan(result["msd_time_averaged"]).all()
    value, stderr = estimate(result)
    assert abs(value - 2.0) < 3 * stderr
