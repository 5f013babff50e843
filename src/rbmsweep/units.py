"""Unit types of the RBM layers: what values a unit takes and its cumulant function.

For a unit with potential ``U`` the cumulant (log Laplace transform) is
``Γ(I) = log Σ_h exp(−U(h) + h I)`` and its derivative ``Γ'(I)`` is the unit's mean given its
input ``I`` (HTCM20 §II.1, the marginal below eq. 3; docs/physics.md §3.2).  Binary units carry
their field inside ``I``.

Names: ``spin`` is ±1 (what HTCM20 calls "Bernoulli" hidden units), ``bernoulli`` is {0, 1}
(the machine-learning convention, as in scikit-learn's ``BernoulliRBM``).  Each unit has an
integer ``code`` that the numba kernels dispatch on (``rbmsweep.kernels.unit_functions``).
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, log_expit

from .kernels.unit_functions import BERNOULLI, SPIN


def _log_two_cosh(x):
    """log(e^x + e^−x) without overflow."""
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax))


@dataclass(frozen=True)
class BinaryUnit:
    name: str
    code: int
    values: tuple  # the two values the unit takes, low first

    def cumulant(self, x):
        """Γ(x) = log Σ_{h ∈ values} e^{h x}."""
        x = np.asarray(x, dtype=np.float64)
        if self.code == SPIN:
            return _log_two_cosh(x)
        return -log_expit(-x)  # log(1 + e^x), stable for both signs

    def mean(self, x):
        """Γ'(x): the mean of the unit given its input."""
        x = np.asarray(x, dtype=np.float64)
        if self.code == SPIN:
            return np.tanh(x)
        return expit(x)

    @property
    def n_states(self):
        return len(self.values)


SPIN_UNIT = BinaryUnit("spin", SPIN, (-1, 1))
BERNOULLI_UNIT = BinaryUnit("bernoulli", BERNOULLI, (0, 1))

#: Unit types by the name used in configs and in ``RBM(visible=..., hidden=...)``.
VISIBLE_UNITS = {unit.name: unit for unit in (SPIN_UNIT, BERNOULLI_UNIT)}
HIDDEN_UNITS = {unit.name: unit for unit in (SPIN_UNIT, BERNOULLI_UNIT)}


def get_unit(name, layer):
    """The unit type called ``name`` for ``layer`` ('visible' or 'hidden'), or a clear error."""
    table = VISIBLE_UNITS if layer == "visible" else HIDDEN_UNITS
    try:
        return table[name]
    except KeyError:
        raise ValueError(
            f"{layer}: unknown unit type {name!r}; allowed: {', '.join(sorted(table))}"
        ) from None
