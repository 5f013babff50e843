"""Real-valued units for the kernels: Gaussian and double-well potentials (docs/physics.md §12.2).

A real unit h with potential U(h) and input I has the conditional law p(h | I) ∝ e^{−U(h) + h I}
and the cumulant Γ(I) = log ∫ dh e^{−U(h) + h I}, whose derivative Γ'(I) is its mean:

* ``GAUSSIAN``, U(h) = h² / (2 s2) (s2 the variance): Γ(I) = s2 I²/2 + ½ log(2π s2),
  Γ'(I) = s2 I, p(h | I) = N(s2 I, s2);
* ``DOUBLE_WELL``, U(h) = h²/2 + θ |h| (HTCM20 §II.1; θ < 0 two wells, θ = 0 Gaussian): on
  each half-line the law is a Gaussian of unit variance truncated at 0, centred at
  a₊ = I − θ (h > 0) and at −a₋, a₋ = −I − θ (h < 0), so

      Γ(I) = ½ log 2π + log(e^{L₊} + e^{L₋}),   L± = a±²/2 + log Φ(a±),
      Γ'(I) = π₊ m(a₊) − π₋ m(a₋),   π± = e^{L±} / (e^{L₊} + e^{L₋}),
      m(a) = E[X | X > 0], X ~ N(a, 1),  = a + φ(a)/Φ(a),

  and a draw picks the half-line with probability π₊ and then the truncated Gaussian.

Stability: log Φ (``log_ndtr``) from erfc where it does not underflow and from its asymptotic
series below −20 (the pieces of ``scipy.special.log_ndtr``); m(a) from the same series below
−20, without the cancellation of a + φ/Φ; the two half-lines combined by log-sum-exp.  Γ and
Γ' are finite for every finite input (tests/test_units.py goes to |I| = 10^3).

Draws (every one from the unit's xoshiro stream, ``random.uniform``): a standard normal by
Box–Muller from two uniforms (cosine branch); a standard normal truncated to [b, ∞) by
rejection from the normal for b ≤ 0 (acceptance ≥ 1/2) and from the exponential proposal of
C. P. Robert, "Simulation of truncated normal variables", Stat. Comput. 5 (1995) 121, for
b > 0 (rate λ = (b + √(b²+4))/2, acceptance ≥ 0.76).  Both are exact.
"""

import math

import numpy as np
from numba import njit

from .random import uniform
from .unit_functions import DOUBLE_WELL, GAUSSIAN, SPIN, unit_cumulant, unit_mean, unit_sample

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT1_2 = 1.0 / math.sqrt(2.0)
_TWO_PI = 2.0 * math.pi
#: below this, log Φ and m(a) come from the asymptotic series (10 terms: error < 1e-17)
_ASYMPTOTIC = -20.0


@njit(inline="always")
def _tail_series(x):
    """T(x) = Σ_{k=1}^{10} (−1)^{k+1} (2k−1)!! / x^{2k}, so that for x → −∞
    Φ(x) = φ(x)/(−x) · (1 − T(x)) (Abramowitz & Stegun 26.2.12)."""
    z = 1.0 / (x * x)
    total = 0.0
    term = 1.0
    sign = 1.0
    for k in range(1, 11):
        term *= (2 * k - 1) * z
        total += sign * term
        sign = -sign
    return total


@njit(inline="always")
def log_ndtr(x):
    """log Φ(x), the log of the standard normal distribution function, for every finite x."""
    if x > 0.0:
        return math.log1p(-0.5 * math.erfc(x * _SQRT1_2))
    if x > _ASYMPTOTIC:
        return math.log(0.5 * math.erfc(-x * _SQRT1_2))
    return -0.5 * x * x - math.log(-x) - _HALF_LOG_2PI + math.log1p(-_tail_series(x))


@njit(inline="always")
def truncated_mean(a):
    """m(a) = E[X | X > 0] for X ~ N(a, 1), = a + φ(a)/Φ(a) (> 0 for every a; docs/physics.md
    §12.2)."""
    if a > _ASYMPTOTIC:
        return a + math.exp(-0.5 * a * a - _HALF_LOG_2PI - log_ndtr(a))
    t = _tail_series(a)
    return -a * t / (1.0 - t)


@njit(inline="always")
def _half_lines(x, theta):
    """(a₊, a₋, L₊, L₋) of the double well at input x (a± = ±x − θ, L± = a±²/2 + log Φ(a±);
    docs/physics.md §12.2)."""
    a_plus = x - theta
    a_minus = -x - theta
    return (a_plus, a_minus, 0.5 * a_plus * a_plus + log_ndtr(a_plus),
            0.5 * a_minus * a_minus + log_ndtr(a_minus))


@njit(inline="always")
def double_well_cumulant(x, theta):
    """Γ(x) = log ∫ dh exp(−h²/2 − θ|h| + h x) (docs/physics.md §12.2)."""
    _, _, l_plus, l_minus = _half_lines(x, theta)
    high = max(l_plus, l_minus)
    return _HALF_LOG_2PI + high + math.log1p(math.exp(-abs(l_plus - l_minus)))


@njit(inline="always")
def double_well_mean(x, theta):
    """Γ'(x): the mean of h given its input x, π₊ m(a₊) − π₋ m(a₋) (docs/physics.md §12.2)."""
    a_plus, a_minus, l_plus, l_minus = _half_lines(x, theta)
    p_plus = 1.0 / (1.0 + math.exp(l_minus - l_plus))
    return p_plus * truncated_mean(a_plus) - (1.0 - p_plus) * truncated_mean(a_minus)


@njit(inline="always")
def standard_normal(state):
    """One N(0, 1) draw by Box–Muller from two uniforms of the stream (cosine branch)."""
    u1 = uniform(state)
    u2 = uniform(state)
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(_TWO_PI * u2)


@njit
def truncated_standard_normal(b, state):
    """X ~ N(0, 1) conditioned on X ≥ b, exactly: rejection from the normal (b ≤ 0) or from
    b + Exp(λ) with acceptance exp(−(x − λ)²/2) (b > 0; Robert 1995)."""
    if b <= 0.0:
        while True:
            z = standard_normal(state)
            if z >= b:
                return z
    rate = 0.5 * (b + math.sqrt(b * b + 4.0))
    while True:
        x = b - math.log(1.0 - uniform(state)) / rate
        d = x - rate
        if uniform(state) < math.exp(-0.5 * d * d):
            return x


@njit
def double_well_sample(x, theta, state):
    """h ~ p(h | x) ∝ exp(−h²/2 − θ|h| + h x): the half-line (one uniform), then the
    truncated Gaussian on it (docs/physics.md §12.2, exact sampling)."""
    a_plus, a_minus, l_plus, l_minus = _half_lines(x, theta)
    p_plus = 1.0 / (1.0 + math.exp(l_minus - l_plus))
    if uniform(state) < p_plus:
        return a_plus + truncated_standard_normal(-a_plus, state)
    return -(a_minus + truncated_standard_normal(-a_minus, state))


# -- every hidden unit type, by code --------------------------------------------------------------

@njit(inline="always")
def cumulant(code, x, variance, theta):
    """Γ(x) of a unit of type ``code`` (binary, Gaussian of variance ``variance``, double well
    with ``theta``)."""
    if code == GAUSSIAN:
        return 0.5 * variance * x * x + _HALF_LOG_2PI + 0.5 * math.log(variance)
    if code == DOUBLE_WELL:
        return double_well_cumulant(x, theta)
    return unit_cumulant(code, x)


@njit(inline="always")
def mean(code, x, variance, theta):
    """Γ'(x), the unit's mean given its input."""
    if code == GAUSSIAN:
        return variance * x
    if code == DOUBLE_WELL:
        return double_well_mean(x, theta)
    return unit_mean(code, x)


@njit(inline="always")
def sample(code, x, variance, theta, state):
    """A draw of the unit given its input, from ``state`` (binary units: one uniform, as
    ``unit_functions.unit_sample``)."""
    if code == GAUSSIAN:
        return variance * x + math.sqrt(variance) * standard_normal(state)
    if code == DOUBLE_WELL:
        return double_well_sample(x, theta, state)
    return np.float64(unit_sample(code, x, state))


@njit(inline="always")
def minus_potential(code, h, variance, theta):
    """−U(h) without the field: −h²/(2 variance) (Gaussian), −h²/2 − θ|h| (double well),
    0 (binary units: their only potential is the field)."""
    if code == GAUSSIAN:
        return -0.5 * h * h / variance
    if code == DOUBLE_WELL:
        return -0.5 * h * h - theta * abs(h)
    return 0.0


@njit(cache=True)
def cumulant_array(code, x, variance, theta, out):
    """out[k] = Γ(x[k]) (for tests and the Python side)."""
    for k in range(x.shape[0]):
        out[k] = cumulant(code, x[k], variance, theta)


@njit(cache=True)
def mean_array(code, x, variance, theta, out):
    """out[k] = Γ'(x[k])."""
    for k in range(x.shape[0]):
        out[k] = mean(code, x[k], variance, theta)


@njit(cache=True)
def sample_array(code, x, variance, theta, state, out):
    """out[k] ~ p(h | x[k]), in order, from one stream (for tests)."""
    for k in range(x.shape[0]):
        out[k] = sample(code, x[k], variance, theta, state)


@njit(cache=True)
def log_ndtr_array(x, out):
    for k in range(x.shape[0]):
        out[k] = log_ndtr(x[k])


__all__ = ["SPIN", "GAUSSIAN", "DOUBLE_WELL", "log_ndtr", "truncated_mean",
           "double_well_cumulant", "double_well_mean", "double_well_sample", "standard_normal",
           "truncated_standard_normal", "cumulant", "mean", "sample", "minus_potential"]
