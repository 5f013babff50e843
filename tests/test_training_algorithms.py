"""The claims of the training-algorithms study ([F17] Fig. 2; docs/physics.md §16.4): PCD, CD
and TAP compared on synthetic ``algorithms`` aggregates whose answer is known."""

import numpy as np
import xarray as xr

from rbmsweep.studies import training_algorithms as ta


def cube(test, method=1, width=0.0, spread=(0.3, 0.3), final_std=0.2, algorithms=("pcd", "tap"),
         n_hidden=(16,), seeds=3):
    """A cube whose last snapshot has test log-likelihood ``test[algorithm]`` ± ``spread``
    over the seeds (the AIS bracket ± width/2), weights of std 0.01 at the start and
    ``final_std[algorithm]`` (or for all) at the end."""
    rng = np.random.default_rng(0)
    shape = (len(n_hidden), len(algorithms), seeds, 2)
    ll = np.zeros(shape)
    weights = np.zeros(shape + (64, 16))
    for a, algorithm in enumerate(algorithms):
        offsets = np.linspace(-1, 1, seeds) * spread[a] / np.std(np.linspace(-1, 1, seeds),
                                                                  ddof=1)
        ll[:, a, :, 0] = -25.0
        ll[:, a, :, 1] = test[algorithm] + offsets
        std = final_std[algorithm] if isinstance(final_std, dict) else final_std
        for m in range(len(n_hidden)):
            for s in range(seeds):
                weights[m, a, s, 0] = 0.01 * rng.standard_normal((64, 16))
                weights[m, a, s, 1] = std * rng.standard_normal((64, 16))
    variance = weights.var(axis=(-2, -1))
    dims = ("n_hidden", "algorithm", "seed", "epoch")
    return xr.Dataset({
        "log_likelihood_test": (dims, ll, {"long_name": "test log-likelihood", "units": "nat"}),
        "log_likelihood_test_lower": (dims, ll - width / 2, {"units": "nat"}),
        "log_likelihood_test_upper": (dims, ll + width / 2, {"units": "nat"}),
        "effective_temperature": (dims, 1 / variance, {"long_name": "T_eff", "units": "1"}),
        "weights": (dims + ("visible", "hidden"), weights, {"units": "1"}),
        "log_likelihood_method": (dims[:3], np.full(shape[:3], method),
                                  {"long_name": "estimator"}),
    }, coords={"n_hidden": list(n_hidden), "algorithm": list(algorithms),
               "seed": np.arange(seeds), "epoch": [0, 20]})


def aggregate(*args, **kwargs):
    return {"algorithms": ta.algorithms(cube(*args, **kwargs))}


def test_algorithms_records_its_number_of_seeds():
    assert ta.algorithms(cube({"pcd": -21.0, "tap": -21.0}))["test_mean"].size == 4
    assert ta.algorithms(cube({"pcd": -21.0, "tap": -21.0})).attrs["n_seeds"] == 3
    # and the mean over the seeds is the value each algorithm's seeds are spread around
    mean = ta.algorithms(cube({"pcd": -20.5, "tap": -21.5}))["test_mean"]
    np.testing.assert_allclose(mean.sel(epoch=20, algorithm=["pcd", "tap"]).squeeze(),
                               [-20.5, -21.5])
    np.testing.assert_allclose(mean.sel(epoch=0), -25.0)


def test_comparable_log_likelihoods():
    comparable, falls, similar, bracket = ta.CLAIMS
    # 2.5% of 21 = 0.525 nat, + 2 s.e. of the difference (0.3/sqrt(3) each: 0.49)
    assert comparable.check(aggregate({"pcd": -20.9, "tap": -21.6})).passed is True
    assert comparable.check(aggregate({"pcd": -20.9, "tap": -22.1})).passed is False
    # a smaller spread over seeds resolves a smaller difference
    tight = aggregate({"pcd": -20.9, "tap": -21.6}, spread=(0.01, 0.01))
    assert comparable.check(tight).passed is False
    # AIS brackets: the gap between the brackets counts
    assert comparable.check(aggregate({"pcd": -20.5, "tap": -21.6}, method=2, width=0.6,
                                      spread=(0.05, 0.05))).passed is True
    assert comparable.check(aggregate({"pcd": -20.5, "tap": -22.2}, method=2, width=0.6,
                                      spread=(0.05, 0.05))).passed is False
    # a study of one algorithm, or none against PCD: n/a
    single = aggregate({"tap": -21.0}, algorithms=("tap",), spread=(0.3,))
    assert comparable.check(single).passed is None
    assert similar.check(single).passed is None


def test_effective_temperature_falls():
    _, falls, _, _ = ta.CLAIMS
    assert falls.check(aggregate({"pcd": -21.0, "tap": -21.0}, final_std=0.2)).passed is True
    # weights that grow from 0.01 to 0.02 only: T_eff falls by about 4
    outcome = falls.check(aggregate({"pcd": -21.0, "tap": -21.0}, final_std=0.02))
    assert outcome.passed is False and "drop x3.8" in outcome.measured


def test_similar_weight_distributions():
    _, _, similar, _ = ta.CLAIMS
    assert similar.check(aggregate({"pcd": -21.0, "tap": -21.0},
                                   final_std={"pcd": 0.2, "tap": 0.23})).passed is True
    assert similar.check(aggregate({"pcd": -21.0, "tap": -21.0},
                                   final_std={"pcd": 0.2, "tap": 0.3})).passed is False


def test_ais_bracket():
    *_, bracket = ta.CLAIMS
    assert bracket.check(aggregate({"pcd": -21.0, "tap": -21.0}, method=2,
                                   width=0.3)).passed is True
    assert bracket.check(aggregate({"pcd": -21.0, "tap": -21.0}, method=2,
                                   width=1.5)).passed is False
    assert bracket.check(aggregate({"pcd": -21.0, "tap": -21.0}, method=1)).passed is None
