"""The RBM's exact quantities against brute-force enumeration and finite differences."""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

from rbmsweep import RBM

UNIT_PAIRS = [("spin", "spin"), ("spin", "bernoulli"), ("bernoulli", "bernoulli"),
              ("bernoulli", "spin")]


def random_rbm(n_visible, n_hidden, visible, hidden, seed, scale=0.7, fields=True):
    rbm = RBM(n_visible, n_hidden, visible=visible, hidden=hidden, zero_fields=not fields,
              init_std=scale, seed=seed)
    if fields:
        rng = np.random.default_rng(seed + 100)
        rbm.visible_fields = rng.normal(0, 0.5, n_visible)
        rbm.hidden_fields = rng.normal(0, 0.5, n_hidden)
    return rbm


def brute_force_minus_energies(rbm):
    """All visible configurations and −E(v, h) for every pair (v, h), straight from the energy
    E(v, h) = −v·W·h − g·v − c·h (rows: v, columns: h)."""
    visible = np.array(list(itertools.product(rbm.visible.values, repeat=rbm.n_visible)), float)
    hidden = np.array(list(itertools.product(rbm.hidden.values, repeat=rbm.n_hidden)), float)
    minus_energy = (visible @ rbm.weights @ hidden.T + (visible @ rbm.visible_fields)[:, None]
                    + (hidden @ rbm.hidden_fields)[None, :])
    return visible.astype(np.int8), minus_energy


def brute_force_log_probabilities(rbm):
    """log P(v) for every visible configuration, from the joint energy over all (v, h)."""
    visible, minus_energy = brute_force_minus_energies(rbm)
    return visible, logsumexp(minus_energy, axis=1) - logsumexp(minus_energy)


@pytest.mark.parametrize("visible,hidden", UNIT_PAIRS)
@pytest.mark.parametrize("n_hidden", [1, 3])
def test_log_likelihood_equals_brute_force(visible, hidden, n_hidden):
    rbm = random_rbm(7, n_hidden, visible, hidden, seed=n_hidden)
    configurations, log_p = brute_force_log_probabilities(rbm)
    assert np.isclose(logsumexp(log_p), 0.0)  # the brute force itself is normalised
    ours = np.array([rbm.log_likelihood(c[None, :]) for c in configurations])
    np.testing.assert_allclose(ours, log_p, rtol=0, atol=1e-10)


@pytest.mark.parametrize("visible,hidden", UNIT_PAIRS)
@pytest.mark.parametrize("n_visible,n_hidden", [(6, 3), (5, 5), (4, 9)],
                         ids=["enumerates-hidden", "equal-layers", "enumerates-visible"])
def test_log_partition_and_free_energy_equal_the_sum_over_all_states(visible, hidden, n_visible,
                                                                     n_hidden):
    # log_partition enumerates the smaller layer: the hidden one for (6, 3) and (5, 5), the
    # visible one (layers' roles exchanged) for (4, 9); the brute force sums e^{−E(v,h)} over
    # every pair (v, h)
    rbm = random_rbm(n_visible, n_hidden, visible, hidden, seed=n_visible + 10 * n_hidden)
    configurations, minus_energy = brute_force_minus_energies(rbm)
    assert np.isclose(rbm.log_partition(), logsumexp(minus_energy), rtol=0, atol=1e-11)
    np.testing.assert_allclose(rbm.negative_free_energy(configurations),
                               logsumexp(minus_energy, axis=1), rtol=0, atol=1e-11)


@pytest.mark.parametrize("visible,hidden", UNIT_PAIRS)
def test_exact_gradient_matches_finite_differences(visible, hidden):
    rbm = random_rbm(6, 2, visible, hidden, seed=7)
    data = rbm._random_configurations(40, seed=1)
    grad_w, grad_v, grad_h = rbm.exact_gradient(data)
    step = 1e-6

    def numeric(array, index):
        saved = array[index]
        array[index] = saved + step
        up = rbm.log_likelihood(data)
        array[index] = saved - step
        down = rbm.log_likelihood(data)
        array[index] = saved
        return (up - down) / (2 * step)

    for index in itertools.product(range(6), range(2)):
        assert np.isclose(grad_w[index], numeric(rbm.weights, index), atol=1e-7)
    for i in range(6):
        assert np.isclose(grad_v[i], numeric(rbm.visible_fields, i), atol=1e-7)
    for mu in range(2):
        assert np.isclose(grad_h[mu], numeric(rbm.hidden_fields, mu), atol=1e-7)


def test_gibbs_sampler_reaches_the_exact_distribution():
    rbm = random_rbm(5, 2, "spin", "spin", seed=3, scale=0.6)
    configurations, log_p = brute_force_log_probabilities(rbm)
    samples = rbm.sample(40_000, n_steps=300, seed=5)  # this RBM mixes slowly: 30 sweeps are not enough
    index = ((samples + 1) // 2).astype(int) @ (2 ** np.arange(4, -1, -1))
    observed = np.bincount(index, minlength=32)
    expected = np.exp(log_p) * len(samples)
    chi2 = np.sum((observed - expected) ** 2 / expected)
    assert chi2 < 31 + 5 * np.sqrt(2 * 31)  # 31 degrees of freedom, ~5 sigma


@pytest.mark.parametrize("visible,hidden", UNIT_PAIRS)
def test_extreme_weights_give_the_exact_log_likelihood(visible, hidden):
    """Weights of hundreds: every exponential overflows unless log-sum-exp is stable; the
    kernel's value must still be the brute force's (itself a stable logsumexp)."""
    rbm = random_rbm(8, 2, visible, hidden, seed=0, scale=300.0)
    configurations, log_p = brute_force_log_probabilities(rbm)
    data = rbm._random_configurations(10, seed=0)
    index = {tuple(row): k for k, row in enumerate(configurations.tolist())}
    expected = np.mean([log_p[index[tuple(row)]] for row in data.tolist()])
    assert abs(expected) > 100  # the test is about large magnitudes
    assert rbm.log_likelihood(data) == pytest.approx(expected, rel=1e-12)


def test_bad_arguments_name_the_key():
    with pytest.raises(ValueError, match="n_hidden"):
        RBM(10, 0)
    with pytest.raises(ValueError, match="hidden: unknown unit type 'gauss'"):
        RBM(10, 1, hidden="gauss")
