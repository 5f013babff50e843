"""PCD-k / CD-k for Potts visible units and real-valued (Gaussian or double-well) or ±1 hidden
units in plain numpy: the peer of bench_potts.py and an independent implementation for
tests/test_general_kernels.py.

The algorithm of docs/physics.md §4 and §12: per mini-batch, k Gibbs sweeps of the chains
(h ~ p(h | v), then every site v_i ~ softmax_a(g_i(a) + Σ_μ w_iμ(a) h_μ)), the gradient

    Δw_iμ(a) = ν (⟨δ(v_i, a) Γ'(I_μ)⟩_batch − ⟨δ(v_i, a) Γ'(I_μ)⟩_chains),  I_μ = c_μ + Σ_i w_iμ(v_i),

projected on the zero-sum gauge Σ_a w_iμ(a) = 0 (fields likewise, when learned).  Written the
obvious way, vectorized over the chains, with numpy's random generator and scipy's
``log_ndtr``: it shares nothing with the numba kernels but the algorithm.  Weights (N, M, q),
visible fields (N, q), configurations int8 in 0..q−1.
"""

import numpy as np
from scipy.special import expit, log_ndtr

HALF_LOG_2PI = 0.5 * np.log(2 * np.pi)


def _half_lines(x, theta):
    a_plus, a_minus = x - theta, -x - theta
    return a_plus, a_minus, a_plus**2 / 2 + log_ndtr(a_plus), a_minus**2 / 2 + log_ndtr(a_minus)


def _truncated_mean(a):
    """E[X | X > 0], X ~ N(a, 1)."""
    return a + np.exp(-a**2 / 2 - HALF_LOG_2PI - log_ndtr(a))


def hidden_mean(kind, x, theta=0.0, variance=1.0):
    """Γ'(x) of 'spin', 'gaussian' or 'double_well' hidden units."""
    if kind == "spin":
        return np.tanh(x)
    if kind == "gaussian":
        return variance * x
    a_plus, a_minus, l_plus, l_minus = _half_lines(x, theta)
    p_plus = expit(l_plus - l_minus)
    return p_plus * _truncated_mean(a_plus) - (1 - p_plus) * _truncated_mean(a_minus)


def _truncated_normal(lower, rng):
    """Standard normals conditioned on ≥ ``lower`` (elementwise), by rejection: from the normal
    where lower ≤ 0, from lower + Exp(λ) (Robert 1995) elsewhere."""
    out = np.empty_like(lower)
    todo = np.arange(lower.size)
    while todo.size:
        b = lower[todo]
        z = rng.standard_normal(b.size)
        rate = (b + np.sqrt(b**2 + 4)) / 2
        x = b + rng.exponential(size=b.size) / np.where(b > 0, rate, 1.0)
        accept_exp = rng.random(b.size) < np.exp(-(x - rate) ** 2 / 2)
        value = np.where(b > 0, x, z)
        ok = np.where(b > 0, accept_exp, z >= b)
        out[todo[ok]] = value[ok]
        todo = todo[~ok]
    return out


def hidden_sample(kind, x, rng, theta=0.0, variance=1.0):
    """Draws of hidden units with inputs x."""
    if kind == "spin":
        return np.where(rng.random(x.shape) < expit(2 * x), 1.0, -1.0)
    if kind == "gaussian":
        return variance * x + np.sqrt(variance) * rng.standard_normal(x.shape)
    a_plus, a_minus, l_plus, l_minus = _half_lines(x, theta)
    positive = rng.random(x.shape) < expit(l_plus - l_minus)
    centre = np.where(positive, a_plus, a_minus)
    magnitude = centre + _truncated_normal(-centre.ravel(), rng).reshape(x.shape)
    return np.where(positive, magnitude, -magnitude)


def hidden_inputs(v, weights, hidden_fields):
    """I = c + Σ_i w_i(v_i), shape (n, M)."""
    sites = np.arange(weights.shape[0])
    return hidden_fields + weights[sites[None, :], :, v].sum(axis=1)


def sample_visible(h, weights, visible_fields, rng):
    """Every site of every chain from softmax_a(g_i(a) + Σ_μ w_iμ(a) h_μ), by inverse transform."""
    x = visible_fields[None] + np.einsum("nm,imq->niq", h, weights)
    p = np.exp(x - x.max(axis=-1, keepdims=True))
    cumulative = np.cumsum(p, axis=-1)
    u = rng.random(cumulative.shape[:2] + (1,)) * cumulative[..., -1:]
    return (cumulative[..., :-1] <= u).sum(axis=-1).astype(np.int8)


def _moments(v, means, q):
    one_hot = np.eye(q)[v]  # (n, N, q)
    return np.einsum("niq,nm->imq", one_hot, means) / len(v), one_hot.mean(axis=0)


def train_epoch(data, order, weights, visible_fields, hidden_fields, chains, rng, hidden,
                learning_rate, batch_size, gibbs_steps, persistent=True, learn_fields=False,
                theta=0.0, variance=1.0):
    """One epoch in place on the parameters and ``chains``; ``hidden``: 'spin', 'gaussian' or
    'double_well'."""
    q = weights.shape[2]
    unit = dict(theta=theta, variance=variance)
    for start in range(0, len(data), batch_size):
        batch = data[order[start:start + batch_size]]
        model = chains if persistent else batch[:len(chains)].copy()
        for _ in range(gibbs_steps):
            h = hidden_sample(hidden, hidden_inputs(model, weights, hidden_fields), rng, **unit)
            model = sample_visible(h, weights, visible_fields, rng)
        data_means = hidden_mean(hidden, hidden_inputs(batch, weights, hidden_fields), **unit)
        model_means = hidden_mean(hidden, hidden_inputs(model, weights, hidden_fields), **unit)
        data_w, data_g = _moments(batch, data_means, q)
        model_w, model_g = _moments(model, model_means, q)
        grad_w, grad_g = data_w - model_w, data_g - model_g
        weights += learning_rate * (grad_w - grad_w.mean(axis=-1, keepdims=True))
        if learn_fields:
            visible_fields += learning_rate * (grad_g - grad_g.mean(axis=-1, keepdims=True))
            hidden_fields += learning_rate * (data_means.mean(0) - model_means.mean(0))
        if persistent:
            chains[:] = model
        else:
            chains[:len(model)] = model
