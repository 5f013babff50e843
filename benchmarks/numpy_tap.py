"""The extended mean-field (TAP) training epoch of ``rbmsweep.kernels.mean_field`` written in
plain vectorised numpy, for the speed comparison of benchmarks/bench_digits.py (does numba pay
for this algorithm?).  Same algorithm, same order of operations: the damped layer-by-layer
fixed-point iteration of the persistent magnetisations to a residual or an iteration limit,
then the update (docs/physics.md §14)."""

import numpy as np
from scipy.special import expit


def _layer(m_self, m_other, coupling, coupling2, coupling3, fields, order):
    """f(m_self; m_other) for every chain; ``coupling`` is (other, self)."""
    x = fields + m_other @ coupling
    var = m_other - m_other**2
    if order >= 2:
        x = x - (m_self - 0.5) * (var @ coupling2)
    if order >= 3:
        x = x + (2.0 / 3.0) * (0.5 - 3.0 * m_self + 3.0 * m_self**2) * (
            (var * (0.5 - m_other)) @ coupling3)
    return expit(x)


def fixed_point(weights, a, b, m_v, m_h, order, damping, max_iterations, tolerance):
    w2, w3 = weights**2, weights**3
    wt, w2t, w3t = weights.T, w2.T, w3.T
    iterations = 0
    while True:
        f_v = _layer(m_v, m_h, wt, w2t, w3t, a, order)
        f_h = _layer(m_h, m_v, weights, w2, w3, b, order)
        residual = max(np.abs(f_v - m_v).max(), np.abs(f_h - m_h).max())
        if residual <= tolerance or iterations >= max_iterations:
            return m_v, m_h, iterations, residual
        m_v = damping * m_v + (1 - damping) * f_v
        m_h = damping * m_h + (1 - damping) * _layer(m_h, m_v, weights, w2, w3, b, order)
        iterations += 1


def train_epoch(data, order_of_rows, weights, a, b, m_v, m_h, learning_rate, batch_size,
                tap_order, damping, max_iterations, tolerance, learn_fields):
    """One epoch in place on ``weights``, ``a``, ``b``; returns the new (m_v, m_h)."""
    n_chains = len(m_v)
    for start in range(0, len(data), batch_size):
        x = data[order_of_rows[start:start + batch_size]].astype(np.float64)
        hidden = expit(x @ weights + b)
        m_v, m_h, _, _ = fixed_point(weights, a, b, m_v, m_h, tap_order, damping,
                                     max_iterations, tolerance)
        var_v, var_h = m_v - m_v**2, m_h - m_h**2
        model = m_v.T @ m_h
        if tap_order >= 2:
            model += weights * (var_v.T @ var_h)
        if tap_order >= 3:
            model += 2 * weights**2 * ((var_v * (0.5 - m_v)).T @ (var_h * (0.5 - m_h)))
        grad_w = x.T @ hidden / len(x) - model / n_chains
        grad_a = x.mean(0) - m_v.mean(0)
        grad_b = hidden.mean(0) - m_h.mean(0)
        weights += learning_rate * grad_w
        if learn_fields:
            a += learning_rate * grad_a
            b += learning_rate * grad_b
    return m_v, m_h
