"""Gaussian clusters in a low-dimensional subspace embedded in N dimensions (Decelle, Fissore,
Furtlehner's synthetic set: 11 clusters in d = 5 embedded in d = 100; docs/physics.md §16.1).

The geometry of a data set comes from its seed alone (``cluster_geometry``): an orthonormal
embedding ``Q`` (N × d, ``latent_dim`` = d) and ``n_clusters`` = K centres in the latent space,
made to have zero mean and second moment exactly ``diag(λ_0, ..., λ_{d−1})`` over the clusters,

    λ_a = CENTRE_VARIANCE · (d − a) / d,      a = 0 … d − 1

(if K ≤ d the centres span only K − 1 latent axes; the others get λ_a = 0).  A configuration is

    x = Q (c_k + cluster_std · ε) + noise_std · η,     ε ~ N(0, I_d),  η ~ N(0, I_N),

with every cluster k used equally often (labels a shuffled balanced sequence).  The mixture has
zero mean, and its principal variances (the eigenvalues of ⟨x xᵀ⟩) are exactly
``principal_variances``: λ_a + cluster_std² + noise_std² along the d embedded axes and
noise_std² along the N − d others.  With the defaults (K = 11, d = 5, cluster_std = 0.5,
noise_std = 0.1): 2.76, 2.26, 1.76, 1.26, 0.76 and 0.01, so that for Gaussian visible units of
variance σ_v² = 1 four modes are above threshold and the others are not (docs/physics.md §16.5).
"""

import numpy as np

from .checks import check_int, check_seed

#: largest variance of the centres along a latent axis (λ_0); the others decrease linearly
CENTRE_VARIANCE = 2.5


def centre_variances(latent_dim, n_clusters):
    """λ_a, the centres' variance along latent axis a (0 beyond the K − 1 axes they span)."""
    d = check_int("latent_dim", latent_dim, 1)
    k = check_int("n_clusters", n_clusters, 1)
    lam = CENTRE_VARIANCE * (d - np.arange(d)) / d
    lam[min(d, k - 1):] = 0.0
    return lam


def principal_variances(n_visible, n_clusters, latent_dim, cluster_std, noise_std):
    """The data's principal variances in decreasing order (length ``n_visible``): the
    eigenvalues of the mixture's second moment ⟨x xᵀ⟩ (= its covariance: the mean is 0)."""
    values = np.full(int(n_visible), float(noise_std) ** 2)
    values[:int(latent_dim)] += centre_variances(latent_dim, n_clusters) + float(cluster_std) ** 2
    return np.sort(values)[::-1]


def cluster_geometry(n_visible, n_clusters, latent_dim, seed):
    """(Q, centres): the orthonormal embedding (n_visible × latent_dim) and the centres
    (n_clusters × latent_dim) of a data set with this seed (module docstring)."""
    n_visible = check_int("n_visible", n_visible, 2)
    d = check_int("latent_dim", latent_dim, 1)
    k = check_int("n_clusters", n_clusters, 1)
    if d > n_visible:
        raise ValueError(f"latent_dim: {d} is not allowed; it must be at most n_visible = {n_visible}")
    rng = np.random.default_rng([*np.atleast_1d(check_seed(seed)), 0])
    q, _ = np.linalg.qr(rng.standard_normal((n_visible, d)))
    xi = rng.standard_normal((k, d))
    xi -= xi.mean(axis=0)
    centres = np.zeros((k, d))
    span = min(d, k - 1)
    if span > 0:
        # columns orthonormal over the clusters, and orthogonal to the constant vector
        # because the columns of xi are centred
        basis, _ = np.linalg.qr(xi[:, :span])
        centres[:, :span] = np.sqrt(k) * basis[:, :span] * np.sqrt(
            centre_variances(d, k)[:span])
    return q, centres


def clusters(n_visible, n_samples, seed, n_clusters=11, latent_dim=5, cluster_std=0.5,
             noise_std=0.1, part=0, return_labels=False):
    """``n_samples`` configurations (float64, n_samples × n_visible) of the clusters data set
    of ``seed`` (module docstring).  ``part`` picks an independent stream of points with the
    same geometry (0: training, 1: test data)."""
    n_samples = check_int("n_samples", n_samples, 0)
    if not (np.isfinite(cluster_std) and cluster_std > 0):
        raise ValueError(f"cluster_std: {cluster_std!r} is not allowed; it must be > 0")
    if not (np.isfinite(noise_std) and noise_std >= 0):
        raise ValueError(f"noise_std: {noise_std!r} is not allowed; it must be ≥ 0")
    q, centres = cluster_geometry(n_visible, n_clusters, latent_dim, seed)
    rng = np.random.default_rng([*np.atleast_1d(check_seed(seed)), 1 + int(part)])
    labels = rng.permutation(np.arange(n_samples) % len(centres))
    latent = centres[labels] + cluster_std * rng.standard_normal((n_samples, q.shape[1]))
    x = latent @ q.T + noise_std * rng.standard_normal((n_samples, q.shape[0]))
    x = np.ascontiguousarray(x)
    return (x, labels) if return_labels else x
