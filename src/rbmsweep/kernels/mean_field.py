"""Extended mean-field (TAP) training of Bernoulli–Bernoulli RBMs (docs/physics.md §14).

The log-partition function is approximated by the weak-coupling (Plefka / Georges–Yedidia)
expansion of the Gibbs free energy of the {0,1} units, stationary in the magnetisations
(Gabrié, Tramel, Krzakala 2015; [F17] eqs. 13–17):

    Γ(m_v, m_h) = S(m_v) + S(m_h) + Σ a_i m_i + Σ b_j m_j + Σ W_ij m_i m_j              (order 1)
                + ½ Σ W_ij² (m_i − m_i²)(m_j − m_j²)                                    (order 2)
                + ⅔ Σ W_ij³ (m_i − m_i²)(½ − m_i)(m_j − m_j²)(½ − m_j)                  (order 3)

with S(m) = −Σ m log m + (1 − m) log(1 − m); log Z ≈ Γ at a stationary point, where

    m_i = sigm(a_i + Σ_j W_ij m_j − (m_i − ½) Σ_j W_ij² (m_j − m_j²)
               + ⅔ (½ − 3 m_i + 3 m_i²) Σ_j W_ij³ (m_j − m_j²)(½ − m_j))

and the same with the layers exchanged.  (Seed [F17]'s eq. 15 prints w_ij where w_ij² belongs.)
The gradient of Γ at the stationary point is its partial derivative,
∂Γ/∂W_ij = m_i m_j + W_ij v_i v_j + 2 W_ij² g_i g_j (v = m − m², g = v (½ − m)), ∂Γ/∂a_i = m_i,
∂Γ/∂b_j = m_j: it replaces the model term of the likelihood gradient.

The magnetisations of ``n_chains`` persistent sets (rows of ``m_v``, ``m_h``) are iterated
to the fixed point by damped steps, m ← λ m + (1 − λ) f(m), the visible layer first and then
the hidden layer from the new visible one (both from the same state would oscillate with
period 2 on the bipartite graph), until the residual
max |f(m) − m| over every chain and unit is at most ``tolerance`` or ``max_iterations``
steps are done; they are carried over to the next update (persistent, like PCD's chains).
Nothing here is random.
"""

import numpy as np
from numba import njit

from .vecmath import sigmoid


@njit(error_model="numpy")
def _layer_update(m_self, m_other, weights_t, w2_t, w3_t, fields, order, out):
    """out = f(m_self; m_other): the mean-field map of one layer for every chain, through BLAS
    (the TAP equations, [F17] eqs. 15–16; docs/physics.md §14.1).

    ``weights_t`` etc. are the couplings as (other layer, this layer) matrices, so that
    ``m_other @ weights_t`` is Σ_j W_ij m_j for every chain."""
    n_chains, n_units = m_self.shape
    inputs = np.dot(m_other, weights_t)
    var = m_other - m_other * m_other
    second = np.dot(var, w2_t) if order >= 2 else inputs
    third = np.dot(var * (0.5 - m_other), w3_t) if order >= 3 else inputs
    for c in range(n_chains):
        for i in range(n_units):
            x = fields[i] + inputs[c, i]
            m = m_self[c, i]
            if order >= 2:
                x -= (m - 0.5) * second[c, i]
                if order >= 3:
                    x += (2.0 / 3.0) * (0.5 - 3.0 * m + 3.0 * m * m) * third[c, i]
            out[c, i] = sigmoid(x)


@njit(cache=True, error_model="numpy")
def fixed_point(weights, visible_fields, hidden_fields, m_v, m_h, order, damping,
                max_iterations, tolerance):
    """Iterate the magnetisations ``m_v`` (chains × N) and ``m_h`` (chains × M) in place
    towards the stationary point of Γ at ``order`` (1: naive mean field, 2, 3: TAP).

    Returns (iterations done, residual max |f(m) − m| at the returned magnetisations)."""
    weights_t = np.ascontiguousarray(weights.T)
    w2 = weights * weights
    w3 = w2 * weights
    w2_t = np.ascontiguousarray(w2.T)
    w3_t = np.ascontiguousarray(w3.T)
    f_v = np.empty_like(m_v)
    f_h = np.empty_like(m_h)
    iterations = 0
    residual = np.inf
    while True:
        # the map of both layers at the current state, and its residual there
        _layer_update(m_v, m_h, weights_t, w2_t, w3_t, visible_fields, order, f_v)
        _layer_update(m_h, m_v, weights, w2, w3, hidden_fields, order, f_h)
        residual = 0.0
        for c in range(m_v.shape[0]):
            for i in range(m_v.shape[1]):
                residual = max(residual, abs(f_v[c, i] - m_v[c, i]))
            for j in range(m_h.shape[1]):
                residual = max(residual, abs(f_h[c, j] - m_h[c, j]))
        if residual <= tolerance or iterations >= max_iterations:
            return iterations, residual
        # one damped step, layer by layer (the hidden layer sees the new visible one: updating
        # both from the same state oscillates with period 2 on a bipartite graph)
        for c in range(m_v.shape[0]):
            for i in range(m_v.shape[1]):
                m_v[c, i] = damping * m_v[c, i] + (1.0 - damping) * f_v[c, i]
        _layer_update(m_h, m_v, weights, w2, w3, hidden_fields, order, f_h)
        for c in range(m_h.shape[0]):
            for j in range(m_h.shape[1]):
                m_h[c, j] = damping * m_h[c, j] + (1.0 - damping) * f_h[c, j]
        iterations += 1


@njit(cache=True, error_model="numpy")
def train_epoch_mean_field(data, order_of_rows, weights, visible_fields, hidden_fields, m_v, m_h,
                           learning_rate, batch_size, tap_order, damping, max_iterations,
                           tolerance, learn_visible_fields, learn_hidden_fields, statistics):
    """One epoch of extended mean-field training in place (docs/physics.md §14).

    Mini-batches are consecutive slices of ``order_of_rows`` (the epoch's shuffle), as in
    ``gibbs.train_epoch_reference``.  Per update: the data term ⟨v_i sigm(I_j)⟩_batch; the
    persistent magnetisations iterated to the fixed point of order ``tap_order`` with the
    current parameters (``fixed_point``); the model term ∂Γ/∂θ averaged over the chains; one
    step of size ``learning_rate``.  ``statistics[b]`` receives (iterations, final residual)
    of update b.  Returns the number of updates."""
    n_samples, n_visible = data.shape
    n_hidden = weights.shape[1]
    n_chains = m_v.shape[0]
    n_batches = (n_samples + batch_size - 1) // batch_size
    batch = np.empty((batch_size, n_visible))
    for b in range(n_batches):
        start = b * batch_size
        stop = min(start + batch_size, n_samples)
        n_rows = stop - start
        for s in range(n_rows):
            row = data[order_of_rows[start + s]]
            for i in range(n_visible):
                batch[s, i] = row[i]
        x = batch[:n_rows]
        hidden_mean = np.dot(x, weights)
        for s in range(n_rows):
            for j in range(n_hidden):
                hidden_mean[s, j] = sigmoid(hidden_mean[s, j] + hidden_fields[j])
        # data term
        gradient = np.dot(x.T, hidden_mean) / n_rows
        grad_v = np.zeros(n_visible)
        grad_h = np.zeros(n_hidden)
        for s in range(n_rows):
            for i in range(n_visible):
                grad_v[i] += x[s, i] / n_rows
            for j in range(n_hidden):
                grad_h[j] += hidden_mean[s, j] / n_rows
        # model term at the fixed point of the persistent magnetisations
        iterations, residual = fixed_point(weights, visible_fields, hidden_fields, m_v, m_h,
                                           tap_order, damping, max_iterations, tolerance)
        statistics[b, 0] = iterations
        statistics[b, 1] = residual
        gradient -= np.dot(m_v.T, m_h) / n_chains
        if tap_order >= 2:
            var_v = m_v - m_v * m_v
            var_h = m_h - m_h * m_h
            second = np.dot(var_v.T, var_h) / n_chains
            third = second
            if tap_order >= 3:
                third = np.dot((var_v * (0.5 - m_v)).T, var_h * (0.5 - m_h)) / n_chains
            for i in range(n_visible):
                for j in range(n_hidden):
                    w = weights[i, j]
                    gradient[i, j] -= w * second[i, j]
                    if tap_order >= 3:
                        gradient[i, j] -= 2.0 * w * w * third[i, j]
        for c in range(n_chains):
            for i in range(n_visible):
                grad_v[i] -= m_v[c, i] / n_chains
            for j in range(n_hidden):
                grad_h[j] -= m_h[c, j] / n_chains
        for i in range(n_visible):
            for j in range(n_hidden):
                weights[i, j] += learning_rate * gradient[i, j]
        if learn_visible_fields:
            for i in range(n_visible):
                visible_fields[i] += learning_rate * grad_v[i]
        if learn_hidden_fields:
            for j in range(n_hidden):
                hidden_fields[j] += learning_rate * grad_h[j]
    return n_batches
