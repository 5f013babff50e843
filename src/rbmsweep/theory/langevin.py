"""Diffusion along a zero mode of stochastic gradient ascent (docs/physics.md §17.2).

Stochastic gradient ascent with learning rate ν and mini-batch B updates the weights by
ν (g(w) + η), η the mini-batch noise, of covariance C_data/B + C_chains/n_c: the per-sample
covariances of the gradient's data term and of its persistent chains' term, each averaged
over B samples and n_c chains.  When the log-likelihood is invariant under translations of
the place field along the ring, the learned profiles w(x₀) form a line of fixed points with
tangent t = ∂w/∂x₀ along which g has no component.  Projecting one update on it moves the
centre by δx₀ = ν t·η / |t|², a random walk of variance ν² tᵀ Cov(η) t / |t|⁴ per update:

    D = ν² eᵀ(C_data/B + C_chains/n_c)e / (2 |t|²)    per update,  e = t/|t|,

so that ⟨(x₀(τ) − x₀(0))²⟩ = 2 D τ after τ updates.  Per epoch it is D × updates per epoch;
per unit learning time t = ν × updates it is ν eᵀ(…)e / (2|t|²): proportional to ν/B at a
fixed profile and chains-per-batch ratio.
"""

import numpy as np


def langevin_diffusion(learning_rate, tangent_norm2, data_variance, batch_size,
                       chain_variance=0.0, n_chains=None):
    """D per update = ν² (Var_data/B + Var_chains/n_c) / (2 |t|²) (docs/physics.md §17.2):
    ``data_variance`` and ``chain_variance`` are the variances of the per-sample gradients'
    projections e·g on the unit tangent e = t/|t|, ``tangent_norm2`` = |t|² = |∂w/∂x₀|²,
    ``n_chains`` defaults to ``batch_size``.  Vectorised."""
    batch = np.asarray(batch_size, dtype=float)
    chains = batch if n_chains is None else np.asarray(n_chains, dtype=float)
    noise = np.asarray(data_variance, dtype=float) / batch + np.asarray(
        chain_variance, dtype=float) / chains
    return np.asarray(learning_rate, dtype=float) ** 2 * noise / (
        2.0 * np.asarray(tangent_norm2, dtype=float))
