"""Extended mean-field (TAP) free energy of a Bernoulli–Bernoulli RBM: the magnetisations at
its stationary point and the approximation of log Z it gives (docs/physics.md §14).

``kernels.mean_field`` has the fixed-point iteration and the training epoch; this module is the
Python side: ``fixed_point`` for an ``RBM``, ``tap_potential`` (Γ of Gabrié–Tramel–Krzakala
2015 to order 1, 2 or 3; [F17] eq. 13) and ``tap_log_partition`` (Γ at the fixed point, ≈ log Z).
"""

import numpy as np
from scipy.special import expit, xlogy

from .kernels import mean_field as kernel

#: orders of the expansion: 1 naive mean field, 2 and 3 TAP
ORDERS = (1, 2, 3)
#: training algorithms of this module and the order each means (``tap`` takes ``tap_order``)
ALGORITHM_ORDERS = {"mean_field": 1, "tap": None}


def _check(rbm, order):
    if (rbm.visible.name, rbm.hidden.name) != ("bernoulli", "bernoulli"):
        raise ValueError("extended mean field needs bernoulli visible and hidden units; this "
                         f"RBM has {rbm.visible.name} and {rbm.hidden.name}")
    if order not in ORDERS:
        raise ValueError(f"tap_order: {order!r} is not allowed; allowed: 1, 2, 3")


def _entropy(m):
    return -(xlogy(m, m) + xlogy(1.0 - m, 1.0 - m)).sum(axis=-1)


def tap_potential(rbm, m_v, m_h, order=2):
    """Γ(m_v, m_h) of the module docstring of ``kernels.mean_field`` per chain (rows): the
    negative Gibbs free energy to ``order`` in the couplings; at a stationary point ≈ log Z
    ([F17] eq. 13; docs/physics.md §14.1)."""
    _check(rbm, order)
    m_v, m_h = np.atleast_2d(m_v).astype(float), np.atleast_2d(m_h).astype(float)
    w = rbm.weights
    value = (_entropy(m_v) + _entropy(m_h) + m_v @ rbm.visible_fields + m_h @ rbm.hidden_fields
             + np.einsum("ci,ij,cj->c", m_v, w, m_h))
    var_v, var_h = m_v - m_v**2, m_h - m_h**2
    if order >= 2:
        value += 0.5 * np.einsum("ci,ij,cj->c", var_v, w**2, var_h)
    if order >= 3:
        value += (2.0 / 3.0) * np.einsum("ci,ij,cj->c", var_v * (0.5 - m_v), w**3,
                                         var_h * (0.5 - m_h))
    return value


def fixed_point(rbm, order=2, m_v=None, m_h=None, damping=0.5, max_iterations=1000,
                tolerance=1e-10):
    """Magnetisations at the stationary point of Γ (damped iteration, ``kernels.mean_field``),
    started from ``m_v``, ``m_h`` (rows are chains; default one chain at the independent-unit
    means sigm(a), sigm(b)).  Returns (m_v, m_h, iterations, residual).  [F17] eqs. 15–16;
    docs/physics.md §14.2."""
    _check(rbm, order)
    m_v = np.atleast_2d(expit(rbm.visible_fields) if m_v is None else m_v).astype(float)
    m_h = np.atleast_2d(expit(rbm.hidden_fields) if m_h is None else m_h).astype(float)
    m_v, m_h = np.ascontiguousarray(m_v), np.ascontiguousarray(m_h)
    iterations, residual = kernel.fixed_point(rbm.weights, rbm.visible_fields, rbm.hidden_fields,
                                              m_v, m_h, int(order), float(damping),
                                              int(max_iterations), float(tolerance))
    return m_v, m_h, int(iterations), float(residual)


def tap_log_partition(rbm, order=2, **options):
    """The mean-field approximation of log Z: Γ at the fixed point reached from the
    independent-unit means (``fixed_point``; ``options`` go to it).  Raises if the iteration
    did not converge to its tolerance."""
    m_v, m_h, iterations, residual = fixed_point(rbm, order, **options)
    tolerance = options.get("tolerance", 1e-10)
    if not residual <= tolerance:
        raise FloatingPointError(f"the mean-field iteration did not converge: residual "
                                 f"{residual:.3g} after {iterations} iterations")
    return float(tap_potential(rbm, m_v, m_h, order)[0])


class PersistentMagnetisations:
    """The state of extended mean-field training (``train(algorithm="tap" | "mean_field")``):
    ``n_chains`` persistent sets of magnetisations (``state``: chains × (N + M), the visible
    then the hidden ones; started at the chains' data points and the hidden means they give),
    and per epoch the mean number of iterations per update, the largest final residual and the
    fraction of updates whose iteration stopped above the tolerance (``statistics``,
    epochs × 3).  Both are what a checkpoint saves (``state`` as the chains,
    ``extra()``)."""

    def __init__(self, rbm, starts, epochs, order=2, damping=0.2, max_iterations=100,
                 tolerance=1e-5):
        _check(rbm, order)
        if not 0 <= damping < 1:
            raise ValueError(f"tap_damping: {damping!r} is not allowed; it must be in [0, 1)")
        if int(max_iterations) != max_iterations or max_iterations < 1:
            raise ValueError(f"tap_iterations: {max_iterations!r} is not allowed; it must be "
                             "an integer ≥ 1")
        if not (np.isfinite(tolerance) and tolerance > 0):
            raise ValueError(f"tap_tolerance: {tolerance!r} is not allowed; it must be > 0")
        self.order, self.damping = int(order), float(damping)
        self.max_iterations, self.tolerance = int(max_iterations), float(tolerance)
        n_visible = rbm.n_visible
        self.state = np.empty((len(starts), n_visible + rbm.n_hidden))
        self.state[:, :n_visible] = starts
        self.state[:, n_visible:] = expit(starts @ rbm.weights + rbm.hidden_fields)
        self.n_visible = n_visible
        self.statistics = np.full((int(epochs), 3), np.nan)

    def settings(self):
        return {"tap_order": self.order, "tap_damping": self.damping,
                "tap_iterations": self.max_iterations, "tap_tolerance": self.tolerance}

    def extra(self):
        return {"mean_field_statistics": self.statistics}

    def epoch(self, epoch, v, order_of_rows, rbm, learning_rate, batch_size, learn_fields):
        """One epoch (``kernels.mean_field.train_epoch_mean_field``), its statistics kept."""
        m_v = np.ascontiguousarray(self.state[:, :self.n_visible])
        m_h = np.ascontiguousarray(self.state[:, self.n_visible:])
        per_update = np.empty((-(-len(v) // batch_size), 2))
        kernel.train_epoch_mean_field(v, order_of_rows, rbm.weights, rbm.visible_fields,
                                      rbm.hidden_fields, m_v, m_h, learning_rate, batch_size,
                                      self.order, self.damping, self.max_iterations,
                                      self.tolerance, learn_fields, learn_fields, per_update)
        self.state[:, :self.n_visible], self.state[:, self.n_visible:] = m_v, m_h
        self.statistics[epoch - 1] = (per_update[:, 0].mean(), per_update[:, 1].max(),
                                      np.mean(per_update[:, 1] > self.tolerance))

    def run_variables(self):
        """The statistics as run variables over ``training_epoch`` (1 … epochs)."""
        import xarray as xr

        epochs = np.arange(1, len(self.statistics) + 1)
        return xr.Dataset({
            "mean_field_iterations": ("training_epoch", self.statistics[:, 0], {
                "long_name": "mean fixed-point iterations per update", "units": "1"}),
            "mean_field_residual": ("training_epoch", self.statistics[:, 1], {
                "long_name": "largest final residual max |m - f(m)| of the epoch's updates",
                "units": "1"}),
            "mean_field_unconverged": ("training_epoch", self.statistics[:, 2], {
                "long_name": "fraction of the epoch's updates whose iteration stopped at "
                             "tap_iterations above tap_tolerance", "units": "1"}),
        }, coords={"training_epoch": ("training_epoch", epochs,
                                      {"long_name": "training epoch", "units": "epoch"})})
