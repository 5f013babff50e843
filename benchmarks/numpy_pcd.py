"""The training algorithm of rbmsweep in plain numpy: the peer of the benchmark and the
independent reference of tests/test_kernels.py.

One epoch of stochastic gradient ascent on the log-likelihood of a binary RBM, with a fixed
learning rate and batch size, mini-batches in the order given, and the model term from
persistent chains (PCD-k) or from chains restarted at the mini-batch (CD-k), docs/physics.md §4:

    Δw_iμ = ν (⟨v_i Γ'(I_μ)⟩_batch − ⟨v_i Γ'(I_μ)⟩_chains),  I_μ = c_μ + Σ_i v_i w_iμ,
    Δg_i  = ν (⟨v_i⟩_batch − ⟨v_i⟩_chains),  Δc_μ = ν (⟨Γ'(I_μ)⟩_batch − ⟨Γ'(I_μ)⟩_chains),

where each of the k Gibbs sweeps draws h ~ p(h | v) then v ~ p(v | h).  Written the obvious
way, vectorized over the chains, with numpy's own random generator — so it shares nothing
with the numba kernels but the algorithm.
"""

import numpy as np
from scipy.special import expit

SPIN, BERNOULLI = 0, 1  # the unit codes of rbmsweep.kernels.unit_functions


def _levels(code):
    return (-1.0, 1.0) if code == SPIN else (0.0, 1.0)


def unit_mean(code, x):
    """Γ'(x): tanh x for a ±1 unit, σ(x) for a {0, 1} unit."""
    return np.tanh(x) if code == SPIN else expit(x)


def unit_sample(code, x, rng):
    """Units with inputs x: high with probability σ(2x) (spin) or σ(x) (Bernoulli)."""
    low, high = _levels(code)
    p = expit(2.0 * x) if code == SPIN else expit(x)
    return np.where(rng.random(x.shape) < p, high, low)


def train_epoch(data, order, weights, visible_fields, hidden_fields, chains, rng, visible_code,
                hidden_code, learning_rate, batch_size, gibbs_steps, persistent=True,
                learn_fields=False):
    """One epoch, in place on ``weights``, the fields and ``chains`` (int8, one row per chain)."""
    n_samples = len(data)
    for start in range(0, n_samples, batch_size):
        batch = data[order[start:start + batch_size]].astype(np.float64)
        if persistent:
            model = chains.astype(np.float64)
        else:
            model = batch[:len(chains)].copy()
        for _ in range(gibbs_steps):
            hidden = unit_sample(hidden_code, model @ weights + hidden_fields, rng)
            model = unit_sample(visible_code, hidden @ weights.T + visible_fields, rng)
        data_means = unit_mean(hidden_code, batch @ weights + hidden_fields)
        model_means = unit_mean(hidden_code, model @ weights + hidden_fields)
        weights += learning_rate * (batch.T @ data_means / len(batch)
                                    - model.T @ model_means / len(model))
        if learn_fields:
            visible_fields += learning_rate * (batch.mean(0) - model.mean(0))
            hidden_fields += learning_rate * (data_means.mean(0) - model_means.mean(0))
        if persistent:
            chains[:] = model.astype(np.int8)
        else:
            chains[:len(model)] = model.astype(np.int8)
