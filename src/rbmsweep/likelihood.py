"""The log-likelihood of an RBM and which estimator produced it (docs/physics.md §3.5, §12.3).

``log_likelihood(rbm, v, method)`` returns a ``LogLikelihood``: a float (the mean log P(v) per
sample) that also carries ``method`` (a key of ``METHODS``), ``description``, ``lower`` and
``upper`` (a bracket of the value: equal to it for exact methods) and ``log_z``.

Exact methods (``exact_methods`` lists those that apply, ``exact_method`` picks the cheapest):

* ``enumeration_hidden``: binary hidden units, M ≤ 20: log Z = log Σ_h f(h) over the 2^M
  hidden states, any visible units (``kernels.partition`` for binary visible units,
  ``kernels.general_partition`` otherwise);
* ``enumeration_visible``: discrete visible units with at most 2^20 configurations:
  log Z = log Σ_v e^{−F(v)}, any hidden units;
* ``quadrature_hidden``: one or two real hidden units: log Z = log ∫ dh f(h)
  (``rbmsweep.hidden_quadrature``);
* ``closed_form``: Gaussian visible and hidden units (the Gaussian integral, §12.3).

``method="ais"`` is annealed importance sampling with a bracket (docs/physics.md §15,
``rbmsweep.ais``): forward AIS for the value, reverse AIS for the bracket, binary units only.
``method="auto"`` is the cheapest exact method, else "ais".  ``snapshot_method`` is the
estimator a training run records at its snapshots: an exact method, else "ais" for binary units,
else none.
"""

import itertools

import numpy as np
from scipy.special import expit, logsumexp, softmax

from . import hidden_quadrature
from .kernels.general_partition import log_partition_binary_hidden
from .kernels.partition import log_partition_over_hidden
from .kernels.unit_functions import BERNOULLI, GAUSSIAN, POTTS, SPIN

#: the most states an exact sum enumerates
MAX_ENUMERATED_STATES = 1 << 20
#: the most binary hidden units enumerated (2^20 states)
MAX_ENUMERATED_UNITS = 20

METHODS = {
    "enumeration_hidden": "exact: sum over the 2^M hidden states",
    "enumeration_visible": "exact: sum over every visible configuration",
    "quadrature_hidden": "exact: Gauss-Legendre quadrature over the real hidden units "
                         "(docs/physics.md §12.3)",
    "closed_form": "exact: Gaussian integral (Gaussian visible and hidden units)",
    "ais": "annealed importance sampling: value from forward AIS, bracket from reverse and "
           "forward AIS at two standard errors (docs/physics.md §15)",
}
#: codes of the run variable ``log_likelihood_method`` (CF flag_values / flag_meanings)
METHOD_FLAGS = {"not_computed": 0, "exact": 1, "ais": 2}
#: the default AIS settings (the schema's ``train.ais``)
DEFAULT_AIS = {"chains": 100, "temperatures": 1000}
EXACT_METHODS = ("enumeration_hidden", "enumeration_visible", "quadrature_hidden", "closed_form")


class LogLikelihood(float):
    """A mean log-likelihood (a float) with the estimator that produced it: ``method``,
    ``description``, the bracket ``lower`` ≤ value ≤ ``upper`` (equal to the value for exact
    methods), ``log_z`` and, for quadrature, its ``accuracy`` (absolute, in nats)."""

    def __new__(cls, value, method, lower=None, upper=None, log_z=None, accuracy=0.0):
        self = super().__new__(cls, value)
        self.method = method
        self.lower = float(value) if lower is None else float(lower)
        self.upper = float(value) if upper is None else float(upper)
        self.log_z = log_z
        self.accuracy = float(accuracy)
        return self

    @property
    def description(self):
        return METHODS[self.method]

    def __repr__(self):
        return f"LogLikelihood({float(self)!r}, method={self.method!r})"


def _n_configurations(rbm):
    if rbm.visible.real:
        return None
    return rbm.visible.n_states ** rbm.n_visible


def exact_methods_for(visible, hidden, n_visible, n_hidden, q=None):
    """The exact methods for unit types ``visible`` and ``hidden`` (names) and layer sizes,
    cheapest first (cost: terms × work per term); ``q`` for potts units."""
    costs = {}
    n, m = n_visible, n_hidden
    s = q if visible == "potts" else 1
    real_hidden = hidden in ("gaussian", "double_well")
    if not real_hidden and m <= MAX_ENUMERATED_UNITS:
        costs["enumeration_hidden"] = 2.0**m * n * s
    if visible != "gaussian" and (2 if s == 1 else s) ** n <= MAX_ENUMERATED_STATES:
        costs["enumeration_visible"] = float((2 if s == 1 else s) ** n) * n * m
    if real_hidden and m <= hidden_quadrature.MAX_REAL_HIDDEN:
        costs["quadrature_hidden"] = 3 * 500.0**m * n * s
    if visible == "gaussian" and hidden == "gaussian":
        costs["closed_form"] = float(n) ** 3 + n * n * m
    return sorted(costs, key=costs.get)


def exact_methods(rbm):
    """The exact methods that apply to ``rbm``, cheapest first."""
    return exact_methods_for(rbm.visible.name, rbm.hidden.name, rbm.n_visible, rbm.n_hidden,
                             rbm.q)


def exact_method(rbm):
    """The cheapest exact method for ``rbm``, or None."""
    methods = exact_methods(rbm)
    return methods[0] if methods else None


# -- log Z ------------------------------------------------------------------------------------------
def _visible_configurations(rbm, chunk=1 << 16):
    """Every visible configuration, in chunks (rows: configurations, int8)."""
    values = np.array(rbm.visible.values, dtype=np.int8)
    total = _n_configurations(rbm)
    shape = (rbm.visible.n_states,) * rbm.n_visible
    for start in range(0, total, chunk):
        digits = np.unravel_index(np.arange(start, min(start + chunk, total)), shape)
        yield np.ascontiguousarray(values[np.stack(digits, axis=1)])


def _hidden_states(rbm):
    return np.array(list(itertools.product(rbm.hidden.values, repeat=rbm.n_hidden)),
                    dtype=np.float64)


def _closed_form(rbm):
    """(A, b, constant): −F(v) = −½ vᵀAv + bᵀv + constant for Gaussian × Gaussian units,
    A = I/σ_v² − σ_h² W Wᵀ, b = g + σ_h² W c ([DFF]; docs/physics.md §12.3, ``closed_form``)."""
    w, s2v, s2h = rbm.weights, rbm.visible.variance, rbm.hidden.variance
    precision = np.eye(rbm.n_visible) / s2v - s2h * w @ w.T
    linear = rbm.visible_fields + s2h * w @ rbm.hidden_fields
    constant = (0.5 * s2h * rbm.hidden_fields @ rbm.hidden_fields
                + 0.5 * rbm.n_hidden * np.log(2 * np.pi * s2h))
    return precision, linear, constant


def log_partition(rbm, method=None):
    """(log Z, accuracy) by ``method`` (default: the cheapest exact one); raises ValueError when
    none applies or the model is not normalisable."""
    rbm.check_normalisable()
    method = method or exact_method(rbm)
    if method not in exact_methods(rbm):
        raise ValueError(
            f"exact log Z: method {method!r} does not apply to this RBM (n_visible="
            f"{rbm.n_visible}, n_hidden={rbm.n_hidden}, {rbm.visible.name} visible, "
            f"{rbm.hidden.name} hidden units); exact methods that do: "
            f"{', '.join(exact_methods(rbm)) or 'none'}")
    binary = not rbm.visible.real and rbm.visible.code != POTTS and not rbm.hidden.real
    if method == "enumeration_hidden":
        if binary:
            return log_partition_over_hidden(rbm.weights, rbm.visible_fields, rbm.hidden_fields,
                                             rbm.visible.code, rbm.hidden.code), 0.0
        return log_partition_binary_hidden(rbm.weights3, rbm.fields2, rbm.hidden_fields,
                                           rbm.visible.code, rbm.visible.variance,
                                           rbm.hidden.code), 0.0
    if method == "enumeration_visible":
        if binary:  # the same Gray-code sum with the layers' roles exchanged
            return log_partition_over_hidden(
                np.ascontiguousarray(rbm.weights.T), rbm.hidden_fields, rbm.visible_fields,
                rbm.hidden.code, rbm.visible.code), 0.0
        terms = [logsumexp(rbm.negative_free_energy(v)) for v in _visible_configurations(rbm)]
        return float(logsumexp(terms)), 0.0
    if method == "quadrature_hidden":
        return hidden_quadrature.log_partition(rbm)
    precision, linear, constant = _closed_form(rbm)
    _, log_det = np.linalg.slogdet(precision)
    return (0.5 * rbm.n_visible * np.log(2 * np.pi) - 0.5 * log_det
            + 0.5 * linear @ np.linalg.solve(precision, linear) + constant), 0.0


def snapshot_method(rbm):
    """The estimator of a run's snapshots: the cheapest exact method, else "ais" for spin and
    bernoulli units, else None (not computed)."""
    best = exact_method(rbm)
    if best is None and {rbm.visible.name, rbm.hidden.name} <= {"spin", "bernoulli"}:
        return "ais"
    return best


def ais_log_likelihood(rbm, v, chains=100, temperatures=1000, seed=0, data=None,
                       bracket=None):
    """Mean log P(v) by annealed importance sampling (docs/physics.md §15): the value from
    forward AIS, ``lower`` and ``upper`` from reverse and forward AIS at two standard errors
    (``rbmsweep.ais.log_partition_bracket``; ``data`` for the base model's fields and the
    reverse chains' start, default ``v``), or from a precomputed ``bracket``."""
    from . import ais

    if bracket is None:
        bracket = ais.log_partition_bracket(rbm, chains, temperatures, seed=seed,
                                            data=v if data is None else data)
    mean = float(np.mean(rbm.negative_free_energy(v)))
    return LogLikelihood(mean - bracket.forward, "ais", lower=mean - bracket.upper,
                         upper=mean - bracket.lower, log_z=bracket.forward)


def log_likelihood(rbm, v, method="auto", log_z=None):
    """Mean log P(v) over the rows of ``v`` as a ``LogLikelihood``.  ``method``: "auto" (the
    cheapest exact method, else "ais"), "exact" (the cheapest exact method, else an error), a
    key of ``METHODS``, or "ais".  ``log_z``: a precomputed exact log Z (float) to reuse."""
    if method not in ("auto", "exact", *METHODS):
        raise ValueError(f"method: {method!r} is not allowed; allowed: auto, exact, "
                         f"{', '.join(METHODS)}")
    if method in ("auto", "exact"):
        best = exact_method(rbm)
        if best is None and method == "exact":
            raise ValueError(
                f"no exact log-likelihood for this RBM (n_visible={rbm.n_visible}, "
                f"n_hidden={rbm.n_hidden}, {rbm.visible.name} visible, {rbm.hidden.name} "
                "hidden units): enumeration needs ≤ 2^20 states of a layer, quadrature ≤ 2 "
                "real hidden units")
        method = best or "ais"
    if method == "ais":
        return ais_log_likelihood(rbm, v)
    accuracy = 0.0
    if log_z is None:
        log_z, accuracy = log_partition(rbm, method)
    value = float(np.mean(rbm.negative_free_energy(v)) - log_z)
    return LogLikelihood(value, method, log_z=float(log_z), accuracy=accuracy)


# -- the exact gradient -----------------------------------------------------------------------------
def _visible_means(rbm, hidden):
    """E[φ(v) | h] at hidden configurations ``hidden`` (P, M): (P, N, S) (docs/physics.md §12.3)."""
    x = rbm.fields2[None] + np.einsum("pm,ims->pis", hidden, rbm.weights3)
    code = rbm.visible.code
    if code == POTTS:
        return softmax(x, axis=-1)
    if code == GAUSSIAN:
        return rbm.visible.variance * x
    return np.tanh(x) if code == SPIN else expit(x)


def _phi(rbm, v):
    """φ(v): one-hot (n, N, q) for Potts sites, v itself (n, N, 1) otherwise."""
    if rbm.visible.code == POTTS:
        return np.eye(rbm.visible.q)[np.asarray(v, dtype=np.int64)]
    return np.asarray(v, dtype=np.float64)[:, :, None]


def _model_moments(rbm, method):
    """(⟨φ_ia h_μ⟩ as (N, M, S), ⟨φ⟩ as (N, S), ⟨h⟩ as (M,)) under the model, exactly."""
    if method == "closed_form":
        precision, linear, _ = _closed_form(rbm)
        covariance = np.linalg.inv(precision)
        mean_v = covariance @ linear
        s2h, w, c = rbm.hidden.variance, rbm.weights, rbm.hidden_fields
        second = s2h * ((covariance + np.outer(mean_v, mean_v)) @ w + np.outer(mean_v, c))
        return second[:, :, None], mean_v[:, None], s2h * (c + w.T @ mean_v)
    if method == "enumeration_visible":
        v = np.concatenate(list(_visible_configurations(rbm)))
        prob = softmax(rbm.negative_free_energy(v))
        phi = _phi(rbm, v)
        means = rbm.hidden.mean(rbm.hidden_inputs(v))
        return (np.einsum("p,pis,pm->ims", prob, phi, means), np.einsum("p,pis->is", prob, phi),
                prob @ means)
    if method == "enumeration_hidden":
        points = _hidden_states(rbm)
        log_prob = hidden_quadrature.log_integrand(rbm, points)
    else:
        points, log_weights, values, _ = hidden_quadrature.quadrature(rbm)
        log_prob = values + log_weights
    prob = softmax(log_prob)
    means = _visible_means(rbm, points)
    return (np.einsum("p,pis,pm->ims", prob, means, points),
            np.einsum("p,pis->is", prob, means), prob @ points)


def exact_gradient(rbm, v):
    """Exact gradient of the mean log-likelihood (HTCM20 eq. 6; docs/physics.md §3.6, §12.3):
    (∂/∂w, ∂/∂g, ∂/∂c) = data moments − model moments, shaped like the parameters.  For Potts
    units this is the gradient in every coordinate w_iμ(a); training applies its projection
    on the zero-sum gauge."""
    rbm.check_normalisable()
    method = exact_method(rbm)
    if method is None:
        raise ValueError("exact gradient: no exact method applies to this RBM")
    v = rbm._as_configurations(v)
    phi = _phi(rbm, v)
    hidden_mean = rbm.hidden.mean(rbm.hidden_inputs(v))
    data_w = np.einsum("nis,nm->ims", phi, hidden_mean) / len(v)
    model_w, model_g, model_c = _model_moments(rbm, method)
    shape_w, shape_g = rbm.weights.shape, rbm.visible_fields.shape
    return ((data_w - model_w).reshape(shape_w), (phi.mean(0) - model_g).reshape(shape_g),
            hidden_mean.mean(0) - model_c)
