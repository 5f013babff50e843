"""Real-valued and Potts units: cumulants and means against quadrature, samplers against the
exact conditional laws (KS and chi-square tests), stability at large inputs."""

import numpy as np
import pytest
from numba import njit
from scipy import integrate, stats
from scipy.special import log_ndtr, logsumexp, softmax

from rbmsweep.kernels import real_units
from rbmsweep.kernels.random import seed_streams
from rbmsweep.kernels.unit_functions import DOUBLE_WELL, GAUSSIAN
from rbmsweep.units import DoubleWellUnit, GaussianUnit, PottsUnit, get_unit

THETAS = [0.0, -3.0, -1.0, 1.5]
INPUTS = [0.0, 0.8, -2.5, 6.0]


def quadrature_moments(minus_potential, x, centre=0.0):
    """(log Z, mean) of p(h) ∝ exp(−U(h) + h x) by adaptive quadrature, split at 0 (the double
    well's kink) and at the mode; the exponent is shifted by its value at ``centre``."""
    shift = minus_potential(centre) + centre * x

    def density(h):
        return np.exp(minus_potential(h) + h * x - shift)

    edges = sorted({-np.inf, 0.0, centre, np.inf})
    z = m = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        z += integrate.quad(density, low, high, epsabs=0, epsrel=1e-13, limit=200)[0]
        m += integrate.quad(lambda h: h * density(h), low, high, epsabs=0, epsrel=1e-13,
                            limit=200)[0]
    return np.log(z) + shift, m / z


def double_well_mode(theta, x):
    """The larger of the two local modes of −h²/2 − θ|h| + h x (the positive one if x ≥ 0)."""
    return x - theta if x >= 0 else x + theta


@pytest.mark.parametrize("theta", THETAS)
@pytest.mark.parametrize("x", INPUTS + [50.0, -50.0, 300.0])
def test_double_well_cumulant_and_mean_equal_quadrature(theta, x):
    unit = DoubleWellUnit(theta)
    log_z, mean = quadrature_moments(unit.minus_potential, x, double_well_mode(theta, x))
    assert unit.cumulant(x) == pytest.approx(log_z, rel=1e-12, abs=1e-12)
    assert unit.mean(x) == pytest.approx(mean, rel=1e-9, abs=1e-11)
    # the numba kernels: the same values
    arr, out = np.array([x]), np.empty(1)
    real_units.cumulant_array(DOUBLE_WELL, arr, 1.0, theta, out)
    assert out[0] == pytest.approx(log_z, rel=1e-12, abs=1e-12)
    real_units.mean_array(DOUBLE_WELL, arr, 1.0, theta, out)
    assert out[0] == pytest.approx(mean, rel=1e-9, abs=1e-11)


@pytest.mark.parametrize("variance", [0.3, 1.0, 2.5])
@pytest.mark.parametrize("x", [0.0, 1.7, -4.0, 50.0])
def test_gaussian_cumulant_and_mean_equal_quadrature(variance, x):
    unit = GaussianUnit(variance)
    log_z, mean = quadrature_moments(unit.minus_potential, x, variance * x)
    assert unit.cumulant(x) == pytest.approx(log_z, rel=1e-12)
    assert unit.mean(x) == pytest.approx(mean, rel=1e-10, abs=1e-12)
    out = np.empty(1)
    real_units.cumulant_array(GAUSSIAN, np.array([x]), variance, 0.0, out)
    assert out[0] == pytest.approx(log_z, rel=1e-12)


def test_large_inputs_stay_finite_and_follow_their_asymptotes():
    """|x| up to 10^3: Γ(x) → (|x| − θ)²/2 + ½ log 2π and Γ'(x) → x − θ sign(x) (the one
    well that matters, a full Gaussian); no overflow, no NaN, in numpy and numba."""
    x = np.array([-1e3, -300.0, -50.0, -20.0, 20.0, 50.0, 300.0, 1e3])
    for theta in THETAS:
        unit = DoubleWellUnit(theta)
        expected = 0.5 * (np.abs(x) - theta) ** 2 + 0.5 * np.log(2 * np.pi)
        np.testing.assert_allclose(unit.cumulant(x), expected, rtol=1e-14)
        np.testing.assert_allclose(unit.mean(x), x - theta * np.sign(x), rtol=1e-13)
        out = np.empty_like(x)
        real_units.cumulant_array(DOUBLE_WELL, x, 1.0, theta, out)
        np.testing.assert_allclose(out, expected, rtol=1e-14)
        real_units.mean_array(DOUBLE_WELL, x, 1.0, theta, out)
        np.testing.assert_allclose(out, x - theta * np.sign(x), rtol=1e-13)


def test_log_ndtr_and_truncated_mean_in_the_far_tail():
    x = np.concatenate([np.linspace(-200, 30, 4601), [-1e4, -20.0, -19.999999, 0.0]])
    out = np.empty_like(x)
    real_units.log_ndtr_array(x, out)
    # scipy's and ours are both within ~3e-14 of the truth (erfc's accuracy near x ~ 3)
    np.testing.assert_allclose(out, log_ndtr(x), rtol=1e-12, atol=1e-300)
    # E[X | X > 0], X ~ N(a, 1), against quadrature, into the asymptotic branch (a < −20)
    for a in (-60.0, -25.0, -20.5, -19.5, -3.0, 0.0, 4.0):
        weight = lambda h, a=a: np.exp(-0.5 * (h - a) ** 2 + 0.5 * a * a)  # noqa: E731
        z = integrate.quad(weight, 0, np.inf, epsabs=0, epsrel=1e-13)[0]
        m = integrate.quad(lambda h: h * weight(h), 0, np.inf, epsabs=0, epsrel=1e-13)[0] / z
        assert real_units.truncated_mean(a) == pytest.approx(m, rel=1e-10)


def conditional_cdf(theta, x):
    """The CDF of p(h | x) ∝ exp(−h²/2 − θ|h| + h x), exactly: the two truncated Gaussians with
    weights from the quadrature's integrals."""
    a_plus, a_minus = x - theta, -x - theta
    l_plus = 0.5 * a_plus**2 + log_ndtr(a_plus)
    l_minus = 0.5 * a_minus**2 + log_ndtr(a_minus)
    p_plus = 1.0 / (1.0 + np.exp(l_minus - l_plus))

    def cdf(h):
        h = np.asarray(h, dtype=float)
        # negative side: −h ~ N(a₋, 1) truncated to > 0
        neg = np.where(h < 0, stats.truncnorm.sf(-h, -a_minus, np.inf, loc=a_minus), 1.0)
        pos = np.where(h > 0, stats.truncnorm.cdf(h, -a_plus, np.inf, loc=a_plus), 0.0)
        return (1 - p_plus) * neg + p_plus * pos
    return cdf, p_plus


@pytest.mark.parametrize("theta", THETAS)
@pytest.mark.parametrize("x", INPUTS)
def test_double_well_sampler_follows_the_conditional_law(theta, x):
    """KS test of 20000 draws against the exact CDF, which is itself checked against the
    quadrature of the density at a few points."""
    cdf, p_plus = conditional_cdf(theta, x)
    unit = DoubleWellUnit(theta)
    log_z = unit.cumulant(x)
    for h in (-1.0, 0.0, 0.7):
        mass = integrate.quad(lambda t: np.exp(unit.minus_potential(t) + t * x - log_z),
                              -np.inf, min(h, 0.0), epsabs=0, epsrel=1e-12)[0]
        if h > 0:
            mass += integrate.quad(lambda t: np.exp(unit.minus_potential(t) + t * x - log_z),
                                   0.0, h, epsabs=0, epsrel=1e-12)[0]
        assert cdf(h) == pytest.approx(mass, abs=1e-10)
    draws = np.empty(20_000)
    real_units.sample_array(DOUBLE_WELL, np.full(draws.size, x), 1.0, theta,
                            seed_streams((7, THETAS.index(theta), INPUTS.index(x)), 1)[0], draws)
    assert stats.kstest(draws, cdf).pvalue > 1e-3
    assert np.mean(draws) == pytest.approx(unit.mean(x), abs=5 * np.std(draws) / 141)


@pytest.mark.parametrize("variance", [0.5, 2.0])
def test_gaussian_sampler(variance):
    draws = np.empty(20_000)
    real_units.sample_array(GAUSSIAN, np.full(draws.size, 1.3), variance, 0.0,
                            seed_streams(3, 1)[0], draws)
    law = stats.norm(loc=variance * 1.3, scale=np.sqrt(variance))
    assert stats.kstest(draws, law.cdf).pvalue > 1e-3


@pytest.mark.parametrize("b", [-2.0, 0.0, 0.3, 2.0, 8.0, 40.0])
def test_truncated_normal_sampler(b):
    @njit
    def draw(b, state, out):
        for k in range(out.shape[0]):
            out[k] = real_units.truncated_standard_normal(b, state)

    out = np.empty(20_000)
    draw(b, seed_streams(11, 1)[0], out)
    assert out.min() >= b
    assert stats.kstest(out, stats.truncnorm(b, np.inf).cdf).pvalue > 1e-3


def test_potts_unit_and_bad_parameters():
    unit = PottsUnit(4)
    x = np.array([[0.1, 2.0, -1.0, 700.0], [-800.0, 0.0, 0.0, 0.0]])
    np.testing.assert_allclose(unit.cumulant(x), logsumexp(x, axis=-1))
    np.testing.assert_allclose(unit.mean(x), softmax(x, axis=-1))
    for q in (1, 128, 2.5):
        with pytest.raises(ValueError, match="q: .* is not allowed"):
            PottsUnit(q)
    with pytest.raises(ValueError, match="q: potts visible units need"):
        get_unit("potts", "visible")
    with pytest.raises(ValueError, match="hidden: unknown unit type 'potts'"):
        get_unit("potts", "hidden")
    with pytest.raises(ValueError, match="visible: unknown unit type 'double_well'"):
        get_unit("double_well", "visible")
    with pytest.raises(ValueError, match="hidden_variance: 0.0 is not allowed"):
        get_unit("gaussian", "hidden", variance=0.0)
    with pytest.raises(ValueError, match="theta: nan is not allowed"):
        get_unit("double_well", "hidden", theta=float("nan"))
