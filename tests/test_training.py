"""Training end to end on Ising data: place fields where the paper finds them, none without
correlations, reproducibility, and no silent NaN at extreme settings."""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

from rbmsweep import RBM, data, train

SETTINGS = dict(algorithm="pcd", gibbs_steps=10, learning_rate=0.01, batch_size=10, epochs=30,
                log_likelihood=False, snapshots=[0, 30])


def final_observables(beta, seed):
    v = data.ising_chain(n_visible=100, beta=beta, n_samples=3000, seed=seed)
    rbm = RBM(n_visible=100, n_hidden=1, visible="spin", hidden="spin", zero_fields=True,
              init_std=0.01, seed=seed)
    run = train(rbm, v, seed=seed, **SETTINGS).isel(epoch=-1, hidden=0)
    return {name: float(run[name]) for name in ("order_parameter", "peak_width", "weight_max")}


@pytest.fixture(scope="module")
def ordered():
    return [final_observables(1.0, seed) for seed in range(3)]


@pytest.fixture(scope="module")
def uncorrelated():
    return [final_observables(0.0, seed) for seed in range(3)]


def test_beta_one_gives_a_localised_place_field(ordered):
    # The paper (HTCM20 Fig. 3b) gives FWHM ≈ 12 sites at β = 1 (ξ = 3.67) for ±1 hidden
    # units; the order parameter is O(10).
    widths = [run["peak_width"] for run in ordered]
    assert all(np.isfinite(widths))
    assert 8 < np.mean(widths) < 20
    assert min(run["order_parameter"] for run in ordered) > 8
    assert min(run["weight_max"] for run in ordered) > 0.5


def test_uncorrelated_data_give_no_place_field(ordered, uncorrelated):
    # β = 0 is far below the retarded-learning threshold: the weights stay small and overfit
    assert max(run["order_parameter"] for run in uncorrelated) < 1.5
    assert max(run["weight_max"] for run in uncorrelated) < 0.5 * min(
        run["weight_max"] for run in ordered)


def test_same_seed_gives_identical_weights_and_other_seed_does_not():
    v = data.ising_chain(n_visible=20, beta=1.0, n_samples=300, seed=0)

    def weights(seed):
        rbm = RBM(20, 2, seed=seed)
        train(rbm, v, seed=seed, gibbs_steps=5, learning_rate=0.01, batch_size=10, epochs=3)
        return rbm.weights

    np.testing.assert_array_equal(weights(4), weights(4))
    assert not np.array_equal(weights(4), weights(5))


@pytest.mark.parametrize("algorithm", ["pcd", "cd"])
@pytest.mark.parametrize("hidden", ["spin", "bernoulli"])
def test_extreme_settings_give_finite_numbers(algorithm, hidden):
    v = data.ising_chain(n_visible=30, beta=5.0, n_samples=200, seed=0)
    rbm = RBM(30, 3, hidden=hidden, zero_fields=False, init_std=10.0, seed=0)
    run = train(rbm, v, test=v[:50], algorithm=algorithm, gibbs_steps=2, learning_rate=1.0,
                batch_size=10, epochs=5)
    for name in ("weights", "visible_fields", "hidden_fields", "log_likelihood_train",
                 "log_likelihood_test", "order_parameter", "weight_max", "singular_values"):
        assert np.all(np.isfinite(run[name].values)), name


def brute_force_log_likelihood(weights, visible_fields, hidden_fields, visible_values,
                               hidden_values, v):
    """Mean log P(v) over the rows of v, from e^{−E(v,h)} summed over every pair (v, h):
    E(v, h) = −v·W·h − g·v − c·h."""
    n_visible, n_hidden = weights.shape
    every_v = np.array(list(itertools.product(visible_values, repeat=n_visible)), float)
    every_h = np.array(list(itertools.product(hidden_values, repeat=n_hidden)), float)

    def minus_energy(x):
        return x @ weights @ every_h.T + (x @ visible_fields)[:, None] + every_h @ hidden_fields

    log_z = logsumexp(minus_energy(every_v))
    return float(np.mean(logsumexp(minus_energy(v.astype(float)), axis=1)) - log_z)


@pytest.mark.parametrize("visible,hidden", [("spin", "spin"), ("bernoulli", "spin"),
                                            ("spin", "bernoulli")])
@pytest.mark.parametrize("algorithm,init_std,learning_rate", [("pcd", 0.1, 0.05),
                                                              ("cd", 10.0, 1.0)])
def test_log_likelihood_history_is_exact(visible, hidden, algorithm, init_std, learning_rate):
    # every snapshot's log_likelihood_train/test equals the brute-force log-likelihood of that
    # snapshot's parameters (fields learned; large weights on the second setting)
    v = data.ising_chain(n_visible=9, beta=1.0, n_samples=400, seed=1)
    if visible == "bernoulli":
        v = ((v + 1) // 2).astype(np.int8)
    train_v, test_v = v[:300], v[300:]
    rbm = RBM(9, 3, visible=visible, hidden=hidden, zero_fields=False, init_std=init_std, seed=2)
    run = train(rbm, train_v, test=test_v, algorithm=algorithm, gibbs_steps=2,
                learning_rate=learning_rate, batch_size=20, epochs=6, seed=3,
                snapshots=[0, 1, 3, 6])
    assert run["log_likelihood_train"].attrs["method"] == "enumeration_hidden"  # 2^3 states
    values = (rbm.visible.values, rbm.hidden.values)
    for epoch in run["epoch"].values:
        snap = run.sel(epoch=epoch)
        params = (snap["weights"].values, snap["visible_fields"].values,
                  snap["hidden_fields"].values)
        for name, x in (("log_likelihood_train", train_v), ("log_likelihood_test", test_v)):
            expected = brute_force_log_likelihood(*params, *values, x)
            assert np.isclose(float(snap[name]), expected, rtol=1e-11, atol=1e-11), (name, epoch)
    assert not np.array_equal(run["weights"].values[0], run["weights"].values[-1])


def test_bad_training_arguments_are_named():
    v = data.ising_chain(n_visible=10, beta=1.0, n_samples=50, seed=0)
    with pytest.raises(ValueError, match="batch_size: 100 is larger than the 50"):
        train(RBM(10, 1), v, batch_size=100)
    with pytest.raises(ValueError, match="algorithm: 'tap'"):
        train(RBM(10, 1), v, algorithm="tap")
    with pytest.raises(ValueError, match="learning_rate"):
        train(RBM(10, 1), v, learning_rate=float("nan"))


def test_threads_default_to_the_cores_the_process_may_use(monkeypatch):
    """train() without ``threads`` runs on every core the process may use (its CPU affinity),
    and an explicit value wins; the weights are the same either way."""
    from rbmsweep import training

    seen = []
    original = training.epoch_threads

    def spy(threads, *args):
        seen.append(threads)
        return original(threads, *args)

    monkeypatch.setattr(training, "epoch_threads", spy)
    monkeypatch.setattr(training.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    v = data.ising_chain(n_visible=20, beta=1.0, n_samples=100, seed=0)
    default, explicit = RBM(20, 1, seed=1), RBM(20, 1, seed=1)
    train(default, v, batch_size=10, epochs=1, log_likelihood=False)
    train(explicit, v, batch_size=10, epochs=1, log_likelihood=False, threads=1)
    assert seen == [3, 1]
    np.testing.assert_array_equal(default.weights, explicit.weights)
