"""Exact log-likelihoods of RBMs with Potts, Gaussian and double-well units against brute force
written here (sums over every visible state, adaptive quadrature over h, scipy's nquad over
the Gaussian layers), the exact gradient against finite differences, the estimator's name,
and the normalisability condition."""

import itertools

import numpy as np
import pytest
from scipy import integrate
from scipy.special import logsumexp

from rbmsweep import RBM, likelihood
from rbmsweep.rbm import NotNormalisableError


def random_rbm(n_visible, n_hidden, visible, hidden, seed, scale=0.7, **units):
    rbm = RBM(n_visible, n_hidden, visible=visible, hidden=hidden, zero_fields=False,
              init_std=scale, seed=seed, **units)
    rng = np.random.default_rng(seed + 100)
    rbm.visible_fields = rng.normal(0, 0.5, rbm.visible_fields.shape)
    rbm.hidden_fields = rng.normal(0, 0.5, n_hidden)
    rbm.apply_gauge()
    return rbm


def site_terms(rbm, v):
    """Σ_i ψ_i(v_i) and the hidden inputs I(v), straight from the energy's definition."""
    v = np.asarray(v)
    if rbm.q is not None:
        psi = sum(rbm.visible_fields[i, v[i]] for i in range(rbm.n_visible))
        inputs = rbm.hidden_fields + sum(rbm.weights[i, :, v[i]] for i in range(rbm.n_visible))
    else:
        psi = rbm.visible_fields @ v
        if rbm.visible.name == "gaussian":
            psi = psi - v @ v / (2 * rbm.visible.variance)
        inputs = rbm.hidden_fields + v @ rbm.weights
    return psi, inputs


def minus_potential(rbm, h):
    if rbm.hidden.name == "gaussian":
        return -0.5 * np.sum(h**2) / rbm.hidden.variance
    if rbm.hidden.name == "double_well":
        return -0.5 * np.sum(h**2) - rbm.hidden.theta * np.sum(np.abs(h))
    return 0.0


def brute_minus_free_energy(rbm, v):
    """log Σ_h e^{−E(v,h)}: a sum over binary h, adaptive quadrature over one or two real h."""
    psi, inputs = site_terms(rbm, v)
    if not rbm.hidden.real:
        states = np.array(list(itertools.product(rbm.hidden.values, repeat=rbm.n_hidden)))
        return psi + logsumexp(states @ inputs)
    total = 0.0
    for mu in range(rbm.n_hidden):  # real hidden units factorise given v
        def density(h, x=inputs[mu]):
            return np.exp(minus_potential(rbm, np.array([h])) + h * x - shift)
        shift = 0.5 * (abs(inputs[mu]) + 3.0) ** 2 * max(rbm.hidden.variance, 1.0)
        z = sum(integrate.quad(density, low, high, epsabs=0, epsrel=1e-13, limit=200)[0]
                for low, high in ((-np.inf, 0.0), (0.0, np.inf)))
        total += np.log(z) + shift
    return psi + total


def brute_log_probabilities(rbm):
    """log P(v) for every visible configuration (discrete visible units)."""
    configurations = np.array(list(itertools.product(rbm.visible.values,
                                                     repeat=rbm.n_visible)))
    minus_f = np.array([brute_minus_free_energy(rbm, v) for v in configurations])
    return configurations.astype(np.int8), minus_f - logsumexp(minus_f)


CASES = [  # (visible, hidden, N, M, extra unit keys)
    ("potts", "spin", 4, 2, {"q": 3}),
    ("potts", "bernoulli", 3, 3, {"q": 4}),
    ("potts", "double_well", 3, 1, {"q": 3, "theta": -2.0}),
    ("potts", "double_well", 3, 2, {"q": 3, "theta": 0.5}),
    ("potts", "gaussian", 3, 2, {"q": 3, "hidden_variance": 0.6}),
    ("spin", "double_well", 5, 1, {"theta": -1.0}),
    ("bernoulli", "gaussian", 4, 2, {"hidden_variance": 1.5}),
]


@pytest.mark.parametrize("visible,hidden,n_visible,n_hidden,units", CASES,
                         ids=[f"{c[0]}-{c[1]}-M{c[3]}" for c in CASES])
def test_exact_log_likelihood_equals_brute_force(visible, hidden, n_visible, n_hidden, units):
    rbm = random_rbm(n_visible, n_hidden, visible, hidden, seed=n_visible + n_hidden, **units)
    configurations, log_p = brute_log_probabilities(rbm)
    assert np.isclose(logsumexp(log_p), 0.0)
    sample = configurations[::3]
    expected = np.mean(log_p[::3])
    methods = likelihood.exact_methods(rbm)
    assert len(methods) >= 1
    for method in methods:  # every exact method that applies gives the same number
        value = rbm.log_likelihood(sample, method=method)
        assert value.method == method and value.description.startswith("exact")
        assert value == pytest.approx(expected, abs=1e-9), method
        assert value.lower == value.upper == float(value)
    np.testing.assert_allclose(rbm.negative_free_energy(configurations),
                               [brute_minus_free_energy(rbm, v) for v in configurations],
                               rtol=0, atol=1e-9)


def test_large_trained_like_weights_quadrature_matches_visible_enumeration():
    """A double-well unit with large, structured weights (inputs of order 50): the quadrature's
    window must follow the mass far from h = 0."""
    rbm = random_rbm(4, 1, "potts", "double_well", seed=3, scale=0.1, q=5, theta=-3.0)
    rbm.weights[:, 0, :] += 12.0 * np.cos(2 * np.pi * np.arange(5) / 5)
    rbm.apply_gauge()
    enumerated = rbm.log_partition("enumeration_visible")
    integrated, accuracy = likelihood.log_partition(rbm, "quadrature_hidden")
    assert integrated == pytest.approx(enumerated, abs=1e-9)
    assert accuracy < 1e-9


def minus_energy(rbm, v, h):
    """−E(v, h) of Gaussian visible units, from the energy's definition."""
    psi, inputs = site_terms(rbm, v)
    return psi + minus_potential(rbm, h) + h @ inputs


def joint_log_partition(rbm, bound=30.0):
    """log ∫∫ dv dh e^{−E(v,h)} by scipy's nquad: over every dimension when there are two
    (split at h = 0, the double well's kink); otherwise one layer is done by hand — a sum over
    ±1 h, the Gaussian integral over Gaussian h (∫ dh e^{−h²/2σ² + h I} =
    √(2πσ²) e^{σ² I²/2}), or over v for double-well h — and nquad does the rest."""
    n, m = rbm.n_visible, rbm.n_hidden
    options = {"epsabs": 0, "epsrel": 1e-11}
    kink = dict(options, points=[0.0])
    if n + m == 2 and rbm.hidden.real:
        shift = minus_energy(rbm, np.zeros(n), np.zeros(m))
        value = integrate.nquad(
            lambda v, h: np.exp(minus_energy(rbm, np.array([v]), np.array([h])) - shift),
            [(-bound, bound)] * 2, opts=[options, kink])[0]
        return np.log(value) + shift
    if rbm.hidden.name == "double_well":  # v by hand: ∫ dv e^{−v²/2σ² + v x} = √(2πσ²) e^{σ²x²/2}
        s2 = rbm.visible.variance
        def log_f(h):
            x = rbm.visible_fields + rbm.weights @ h
            return (minus_potential(rbm, h) + rbm.hidden_fields @ h + 0.5 * s2 * x @ x
                    + 0.5 * n * np.log(2 * np.pi * s2))
        shift = log_f(np.zeros(m))
        value = integrate.nquad(lambda *h: np.exp(log_f(np.array(h)) - shift),
                                [(-bound, bound)] * m, opts=[kink] * m)[0]
        return np.log(value) + shift
    if rbm.hidden.name == "gaussian":
        s2 = rbm.hidden.variance
        def log_f(v):
            psi, inputs = site_terms(rbm, v)
            return psi + 0.5 * s2 * inputs @ inputs + 0.5 * m * np.log(2 * np.pi * s2)
    else:  # spin: Σ_{h = ±1} e^{h I} = e^I + e^{−I} per unit
        def log_f(v):
            psi, inputs = site_terms(rbm, v)
            return psi + np.sum(np.logaddexp(inputs, -inputs))
    shift = log_f(np.zeros(n))
    value = integrate.nquad(lambda *v: np.exp(log_f(np.array(v)) - shift),
                            [(-bound, bound)] * n, opts=[options] * n)[0]
    return np.log(value) + shift


@pytest.mark.parametrize("visible_variance,hidden,n_visible,n_hidden", [
    (0.8, "gaussian", 1, 1), (0.8, "gaussian", 2, 2), (1.3, "spin", 2, 2),
    (0.7, "double_well", 1, 1), (0.5, "double_well", 3, 1), (0.5, "double_well", 3, 2)])
def test_gaussian_visible_log_partition_equals_numerical_integration(visible_variance, hidden,
                                                                     n_visible, n_hidden):
    """log Z of Gaussian visible units — the closed form (× Gaussian hidden), the sum over h
    (× spin), the quadrature over h (× double well) — against nquad in 1-2 dimensions
    (``joint_log_partition``: all of (v, h) for N = M = 1)."""
    rbm = random_rbm(n_visible, n_hidden, "gaussian", hidden, seed=n_visible, scale=0.35,
                     visible_variance=visible_variance, hidden_variance=1.3, theta=-1.5)
    assert rbm.normalisation_margin() > 0.1
    expected = {"gaussian": "closed_form", "spin": "enumeration_hidden",
                "double_well": "quadrature_hidden"}[hidden]
    assert likelihood.exact_method(rbm) == expected
    # (v given h has variance σ_v² for binary h: ±12 is far enough, and keeps nquad fast)
    bound = 12.0 if hidden == "spin" else 30.0
    assert rbm.log_partition() == pytest.approx(joint_log_partition(rbm, bound), abs=1e-8)
    v = np.random.default_rng(0).normal(size=(5, n_visible))
    ll = rbm.log_likelihood(v)
    assert ll.method == expected
    reference = np.mean([brute_minus_free_energy(rbm, row) for row in v])
    assert ll == pytest.approx(reference - rbm.log_partition(), abs=1e-9)


GRADIENT_CASES = CASES[:1] + CASES[2:5] + [
    ("gaussian", "gaussian", 3, 2, {"visible_variance": 0.8, "hidden_variance": 1.2}),
    ("gaussian", "spin", 3, 2, {"visible_variance": 1.3}),
    ("gaussian", "double_well", 3, 1, {"theta": -1.0}),
    ("spin", "double_well", 5, 1, {"theta": -1.0}),
]


@pytest.mark.parametrize("visible,hidden,n_visible,n_hidden,units", GRADIENT_CASES,
                         ids=[f"{c[0]}-{c[1]}-M{c[3]}" for c in GRADIENT_CASES])
def test_exact_gradient_matches_finite_differences(visible, hidden, n_visible, n_hidden, units):
    rbm = random_rbm(n_visible, n_hidden, visible, hidden, seed=11, scale=0.3, **units)
    data = rbm._random_configurations(30, seed=1)
    grad_w, grad_g, grad_c = rbm.exact_gradient(data)
    step = 1e-5

    def numeric(array, index):
        saved = array[index]
        array[index] = saved + step
        up = float(rbm.log_likelihood(data, method="exact"))
        array[index] = saved - step
        down = float(rbm.log_likelihood(data, method="exact"))
        array[index] = saved
        return (up - down) / (2 * step)

    for grad, array in ((grad_w, rbm.weights), (grad_g, rbm.visible_fields),
                        (grad_c, rbm.hidden_fields)):
        assert grad.shape == array.shape
        for index in itertools.product(*map(range, array.shape)):
            assert grad[index] == pytest.approx(numeric(array, index), abs=2e-7), index


def test_potts_weights_are_in_the_zero_sum_gauge():
    rbm = RBM(6, 2, visible="potts", q=5, hidden="double_well", init_std=0.3, seed=0)
    assert rbm.weights.shape == (6, 2, 5) and rbm.visible_fields.shape == (6, 5)
    np.testing.assert_allclose(rbm.weights.sum(axis=-1), 0, atol=1e-15)
    assert rbm.gauge == "zero_sum"


def test_not_normalisable_is_a_clear_error():
    rbm = RBM(3, 1, visible="gaussian", hidden="gaussian", init_std=0.0, seed=0)
    rbm.weights[:] = 1.0  # s_max² = 3 > 1
    with pytest.raises(NotNormalisableError, match=r"σ_v² σ_h² s_max\(W\)² = 3 ≥ 1"):
        rbm.log_partition()
    with pytest.raises(NotNormalisableError):
        rbm.sample(2)
    with pytest.raises(NotNormalisableError):
        RBM(2, 1, visible="gaussian", hidden="double_well", init_std=50.0, seed=0)


def test_method_names_and_what_is_not_there():
    rbm = RBM(30, 25, visible="potts", q=4, hidden="spin", seed=0)  # 2^25 and 4^30 states
    assert likelihood.exact_method(rbm) is None and not rbm.log_likelihood_is_exact
    v = rbm._random_configurations(3, seed=0)
    with pytest.raises(NotImplementedError, match="annealed importance sampling"):
        rbm.log_likelihood(v)  # auto → ais
    with pytest.raises(ValueError, match="no exact log-likelihood"):
        rbm.log_likelihood(v, method="exact")
    with pytest.raises(ValueError, match="method: 'tap' is not allowed"):
        rbm.log_likelihood(v, method="tap")
    small = RBM(5, 3, visible="potts", q=3, seed=0)
    with pytest.raises(ValueError, match="does not apply"):
        small.log_likelihood(small._random_configurations(2, 0), method="quadrature_hidden")
    with pytest.raises(ValueError, match=r"visible_fields: shape \(5,\) is not allowed"):
        RBM(5, 3, visible="potts", q=3, zero_fields=False, visible_fields=np.zeros(5))
    with pytest.raises(ValueError, match=r"potts visible units take values 0…2"):
        small.log_likelihood(np.full((2, 5), 3))
