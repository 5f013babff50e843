"""Unit types of the RBM layers: what values a unit takes, its cumulant and its mean.

For a unit with potential ``U`` the cumulant (log Laplace transform) is
``Γ(I) = log Σ_h exp(−U(h) + h I)`` (an integral for real units) and its derivative ``Γ'(I)`` is
the unit's mean given its input ``I`` (HTCM20 §II.1, the marginal below eq. 3; docs/physics.md
§3.2 and §12).  Binary units carry their field inside ``I``.

Names: ``spin`` is ±1 (what HTCM20 calls "Bernoulli" hidden units), ``bernoulli`` is {0, 1}
(the machine-learning convention, as in scikit-learn's ``BernoulliRBM``), ``potts`` has q
states 0…q−1 (visible only; its input is a vector of q values), ``gaussian`` is real with
U(h) = h²/(2σ²), ``double_well`` is real with U(h) = h²/2 + θ|h| (hidden only).  Each unit has
an integer ``code`` that the numba kernels dispatch on (``rbmsweep.kernels.unit_functions``);
the kernels' versions of these functions are ``kernels.real_units`` and
``kernels.potts_units``, checked against these in tests/test_units.py.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, log_expit, log_ndtr, logsumexp, softmax

from .kernels.unit_functions import BERNOULLI, DOUBLE_WELL, GAUSSIAN, POTTS, SPIN

HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)
#: Potts units: the most states an int8 configuration can hold
MAX_STATES = 127


def _log_two_cosh(x):
    """log(e^x + e^−x) without overflow."""
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax))


@dataclass(frozen=True)
class BinaryUnit:
    name: str
    code: int
    values: tuple  # the two values the unit takes, low first
    real = False
    variance = 1.0
    theta = 0.0

    def cumulant(self, x):
        """Γ(x) = log Σ_{h ∈ values} e^{h x} (HTCM20, below eq. 3; docs/physics.md §3.2)."""
        x = np.asarray(x, dtype=np.float64)
        if self.code == SPIN:
            return _log_two_cosh(x)
        return -log_expit(-x)  # log(1 + e^x), stable for both signs

    def mean(self, x):
        """Γ'(x): the mean of the unit given its input (docs/physics.md §3.2)."""
        x = np.asarray(x, dtype=np.float64)
        if self.code == SPIN:
            return np.tanh(x)
        return expit(x)

    @property
    def n_states(self):
        return len(self.values)


@dataclass(frozen=True)
class PottsUnit:
    """A visible site with q states 0…q−1; its input x is a vector over the states (last
    axis), P(v = a | x) = softmax(x)_a."""

    q: int
    name = "potts"
    code = POTTS
    real = False
    variance = 1.0
    theta = 0.0

    def __post_init__(self):
        if int(self.q) != self.q or not 2 <= self.q <= MAX_STATES:
            raise ValueError(f"q: {self.q!r} is not allowed; potts units need an integer "
                             f"2 ≤ q ≤ {MAX_STATES}")

    @property
    def values(self):
        return tuple(range(self.q))

    @property
    def n_states(self):
        return self.q

    def cumulant(self, x):
        """Γ(x) = log Σ_a e^{x_a} over the last axis (docs/physics.md §12.1)."""
        return logsumexp(np.asarray(x, dtype=np.float64), axis=-1)

    def mean(self, x):
        """P(v = a | x) for every state a (the mean of the one-hot vector), last axis
        (docs/physics.md §12.1)."""
        return softmax(np.asarray(x, dtype=np.float64), axis=-1)


@dataclass(frozen=True)
class GaussianUnit:
    """A real unit with U(h) = h²/(2σ²): p(h | I) = N(σ² I, σ²)."""

    variance: float = 1.0
    name = "gaussian"
    code = GAUSSIAN
    real = True
    theta = 0.0
    values = None
    n_states = None

    def __post_init__(self):
        if not (np.isfinite(self.variance) and self.variance > 0):
            raise ValueError(f"variance: {self.variance!r} is not allowed; it must be a "
                             "finite number > 0")

    def cumulant(self, x):
        """Γ(x) = σ² x²/2 + ½ log(2π σ²) (docs/physics.md §12.2)."""
        x = np.asarray(x, dtype=np.float64)
        return 0.5 * self.variance * x**2 + HALF_LOG_2PI + 0.5 * np.log(self.variance)

    def mean(self, x):
        return self.variance * np.asarray(x, dtype=np.float64)

    def minus_potential(self, h):
        return -0.5 * np.asarray(h, dtype=np.float64) ** 2 / self.variance


def truncated_mean(a):
    """E[X | X > 0] for X ~ N(a, 1): a + φ(a)/Φ(a) (docs/physics.md §12.2)."""
    a = np.asarray(a, dtype=np.float64)
    return a + np.exp(-0.5 * a**2 - HALF_LOG_2PI - log_ndtr(a))


@dataclass(frozen=True)
class DoubleWellUnit:
    """A real hidden unit with U(h) = h²/2 + θ|h| (θ < 0: two wells at ±|θ|; θ = 0: Gaussian
    of unit variance).  p(h | I) is a mixture of two Gaussians truncated at 0, centred at
    I − θ (h > 0) and at I + θ (h < 0)."""

    theta: float = 0.0
    name = "double_well"
    code = DOUBLE_WELL
    real = True
    variance = 1.0
    values = None
    n_states = None

    def __post_init__(self):
        if not np.isfinite(self.theta):
            raise ValueError(f"theta: {self.theta!r} is not allowed; it must be a finite number")

    def _half_lines(self, x):
        x = np.asarray(x, dtype=np.float64)
        a_plus, a_minus = x - self.theta, -x - self.theta
        return (a_plus, a_minus, 0.5 * a_plus**2 + log_ndtr(a_plus),
                0.5 * a_minus**2 + log_ndtr(a_minus))

    def cumulant(self, x):
        """Γ(x) = ½ log 2π + log(e^{L₊} + e^{L₋}), L± = a±²/2 + log Φ(a±) (docs/physics.md
        §12.2)."""
        _, _, l_plus, l_minus = self._half_lines(x)
        return HALF_LOG_2PI + np.logaddexp(l_plus, l_minus)

    def mean(self, x):
        """Γ'(x) = π₊ m(a₊) − π₋ m(a₋) (docs/physics.md §12.2)."""
        a_plus, a_minus, l_plus, l_minus = self._half_lines(x)
        p_plus = expit(l_plus - l_minus)
        return p_plus * truncated_mean(a_plus) - (1.0 - p_plus) * truncated_mean(a_minus)

    def minus_potential(self, h):
        h = np.asarray(h, dtype=np.float64)
        return -0.5 * h**2 - self.theta * np.abs(h)


SPIN_UNIT = BinaryUnit("spin", SPIN, (-1, 1))
BERNOULLI_UNIT = BinaryUnit("bernoulli", BERNOULLI, (0, 1))

#: Unit types by the name used in configs and in ``RBM(visible=..., hidden=...)``.
VISIBLE_UNITS = ("spin", "bernoulli", "potts", "gaussian")
HIDDEN_UNITS = ("spin", "bernoulli", "gaussian", "double_well")


def get_unit(name, layer, q=None, variance=1.0, theta=0.0):
    """The unit type called ``name`` for ``layer`` ('visible' or 'hidden'), with its
    parameters (``q`` for potts, ``variance`` for gaussian, ``theta`` for double_well), or a
    clear error."""
    allowed = VISIBLE_UNITS if layer == "visible" else HIDDEN_UNITS
    if name not in allowed:
        raise ValueError(f"{layer}: unknown unit type {name!r}; allowed: {', '.join(allowed)}")
    if name == "spin":
        return SPIN_UNIT
    if name == "bernoulli":
        return BERNOULLI_UNIT
    if name == "potts":
        if q is None:
            raise ValueError("q: potts visible units need the number of states q "
                             f"(2 ≤ q ≤ {MAX_STATES})")
        return PottsUnit(int(q) if float(q).is_integer() else q)
    if name == "gaussian":
        try:
            return GaussianUnit(float(variance))
        except ValueError as error:
            raise ValueError(f"{layer}_{error}") from None
    return DoubleWellUnit(float(theta))
