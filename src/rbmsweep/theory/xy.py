"""Correlations and covariance spectrum of the discretised XY (q-state clock / Potts) ring
(docs/physics.md §8).

``P(s) ∝ exp(beta sum_i cos(2 pi (s_i - s_{i+1}) / q))``, ``s_i = 0..q-1`` on a ring of
``N`` sites (HTCM20 eqs. 13-14).  The data are one-hot encoded, centred and scaled to unit
variance, ``x_{i,v} = ([s_i = v] - 1/q) q / sqrt(q - 1)``, so correlation matrices are
``(N q) x (N q)``, indexed ``i * q + v`` (site-major, the row-major flattening of an
``(N, q)`` array, matching weights of shape ``(N, n_hidden, q)``).

``alpha`` here is the paper's ``N / n_samples``; the one-hot matrix has ratio
``N q / n_samples``, which is what the random-matrix functions take.
"""

from __future__ import annotations

import numpy as np

from .random_matrix import clean_spectrum, marchenko_pastur_edges


def xy_lambdas(beta, q):
    """Transfer-matrix eigenvalues of the Potts/XY ring (HTCM20 eq. 28;
    docs/physics.md §8.1):
    ``lambda_p = sum_{v=0}^{q-1} exp(beta cos(2 pi v/q)) cos(2 pi v p/q)``, ``p = 0..q-1``.

    The transfer matrix ``T(s, s') = exp(beta cos(2 pi (s - s')/q))`` is circulant with
    Fourier eigenvectors; ``lambda_p = lambda_{q-p}``, all positive for ``beta > 0``
    (``lambda_p = q sum_{n = p mod q} I_n(beta)``).
    """
    q = int(q)
    v = np.arange(q)
    kernel = np.exp(float(beta) * np.cos(2.0 * np.pi * v / q))
    return np.cos(2.0 * np.pi * np.outer(np.arange(q), v) / q) @ kernel


def xy_correlation(r, p_diff, beta, q, n_visible=None):
    """Normalised one-hot correlation of the Potts/XY ring (HTCM20 eq. 27;
    docs/physics.md §8.1).

    ``C(r, d) = <x_{i,v} x_{i+r,v'}>`` for the one-hot, centred, unit-diagonal encoding
    ``x_{i,v} = ([s_i = v] - 1/q) * q / sqrt(q - 1)``, with ``r`` the site distance and
    ``p_diff = d = v - v'`` the Potts-state difference (mod q).

    ``n_visible=None``: infinite chain, the paper's
    ``(1/(q-1)) sum_{p=1}^{q-1} rho_p^|r| cos(2 pi p d / q)``, ``rho_p = lambda_p/lambda_0``.

    Finite ring of ``N`` sites (derived from the transfer matrix,
    ``P(s_i = v, s_{i+r} = v') = T^r(v,v') T^(N-r)(v',v) / Tr T^N``):
    ``C(r, d) = sum_{p != p'} rho_p^r rho_{p'}^(N-r) cos(2 pi (p - p') d / q)
    / ((q - 1) sum_p rho_p^N)``, ``r = 0..N-1``.  For ``q = 2`` this is the Ising
    ``(t^r + t^(N-r))/(1 + t^N) (-1)^d``; for ``q > 2`` it is *not* simply
    ``(rho_p^r + rho_p^(N-r))/(1 + rho_p^N)`` summed over p: the denominator mixes all p
    and the cross terms ``p, p' >= 1`` survive (both are O(rho_1^N)).
    Vectorised (broadcasts ``r`` against ``p_diff``).
    """
    q = int(q)
    rho = xy_lambdas(beta, q)
    rho = rho / rho[0]
    r = np.abs(np.asarray(r))
    d = np.asarray(p_diff)
    if n_visible is None or np.isinf(n_visible):
        p = np.arange(1, q)
        rr = r[..., None].astype(float)
        terms = rho[1:] ** rr * np.cos(2.0 * np.pi * p * d[..., None] / q)
        return terms.sum(axis=-1) / (q - 1)
    n = int(n_visible)
    r = np.mod(r, n).astype(float)
    rr, dd = np.broadcast_arrays(r, d)
    p = np.arange(q)
    a = rho ** rr[..., None]  # rho_p^r, shape (..., q)
    b = rho ** (n - rr[..., None])  # rho_p'^(N-r)
    cos = np.cos(2.0 * np.pi * (p[:, None] - p[None, :]) * dd[..., None, None] / q)
    full = np.einsum("...p,...s,...ps->...", a, b, cos)
    diag = np.sum(a * b, axis=-1)  # the p = p' terms: rho_p^N
    return (full - diag) / ((q - 1) * np.sum(rho**n))


def xy_correlation_matrix(n_visible, beta, q):
    """Exact ``(N q) x (N q)`` one-hot correlation matrix of the periodic Potts/XY ring
    (finite-N form of HTCM20 eq. 27, :func:`xy_correlation`; docs/physics.md §8.1).

    Index ``i * q + v`` (site-major).  Unit diagonal; ``-1/(q-1)`` between two states of the
    same site; rank ``N (q - 1)`` (each site's centred one-hot vector sums to 0).
    """
    n, q = int(n_visible), int(q)
    table = xy_correlation(np.arange(n)[:, None], np.arange(q)[None, :], beta, q, n)  # (r, d)
    i = np.arange(n)
    v = np.arange(q)
    r = np.mod(i[None, :] - i[:, None], n)  # (i, j)
    d = np.mod(v[:, None] - v[None, :], q)  # (v, v'): d = v - v'
    full = table[r[:, None, :, None], d[None, :, None, :]]  # (i, v, j, v')
    return full.reshape(n * q, n * q)


def xy_population_eigenvalues(beta, q, n_visible):
    """Eigenvalues of the finite-ring Potts/XY correlation matrix (docs/physics.md §8.2),
    as an ``(N, q)`` array indexed by the spatial wave number ``j`` and angular mode ``p``.

    The matrix depends on ``(j - i mod N, v - v' mod q)`` only (doubly circulant), so its
    eigenvalues are the 2D FFT of the table ``C(r, d)``; the top is at ``(j, p) = (0, 1)``
    and ``(0, q-1)`` for ``beta > 0`` (HTCM20 eq. 29 as ``N -> inf``).  Flatten it for
    :func:`~rbmsweep.theory.random_matrix.top_sample_eigenvalue` (with
    ``alpha = N q / n_samples``).

    Exact structure imposed on the FFT's round-off, so that the spectrum is a clean
    covariance spectrum: the ``p = 0`` column is exactly 0 (each site's centred one-hot
    vector sums to zero); ``C`` is even in ``r`` and in ``d``, so the degenerate partners
    ``(j, p)``, ``(N-j, p)``, ``(j, q-p)`` are averaged to one value; and what is left
    within ``ROUNDOFF`` of 0 (relative to the top) is 0 (see
    :func:`~rbmsweep.theory.random_matrix.clean_spectrum`).
    """
    n, q = int(n_visible), int(q)
    table = xy_correlation(np.arange(n)[:, None], np.arange(q)[None, :], beta, q, n)
    eigenvalues = np.fft.fft2(table).real
    mirror = (-np.arange(n)) % n, (-np.arange(q)) % q  # j -> N - j, p -> q - p
    eigenvalues = 0.5 * (eigenvalues + eigenvalues[mirror[0], :])
    eigenvalues = 0.5 * (eigenvalues + eigenvalues[:, mirror[1]])
    eigenvalues[:, 0] = 0.0
    return clean_spectrum(eigenvalues)


def xy_signal_eigenvalue(beta, q, n_visible=None):
    """XY 'signal' eigenvalue ``Lambda_XY = q/(q-1) (lambda_0 + lambda_1)/(lambda_0 - lambda_1)``
    (HTCM20 eq. 29; docs/physics.md §8.2): top eigenvalue of the infinite-chain correlation
    matrix, doubly degenerate (modes ``cos, sin(2 pi v/q)``, uniform in space).

    ``n_visible`` finite: the exact top eigenvalue of the ring's matrix (via
    :func:`xy_population_eigenvalues`).  Vectorised over beta only for ``n_visible=None``.
    """
    if n_visible is not None and not np.isinf(n_visible):
        return float(np.max(xy_population_eigenvalues(beta, q, n_visible)))
    q = int(q)
    beta = np.asarray(beta, dtype=float)
    out = np.empty(beta.shape)
    for idx, b in np.ndenumerate(beta):
        lam = xy_lambdas(b, q)
        out[idx] = q / (q - 1.0) * (lam[0] + lam[1]) / (lam[0] - lam[1])
    return out[()]


def xy_noise_edge_paper(alpha, q):
    """XY 'noise' eigenvalue as printed in the paper (HTCM20 eq. 30;
    docs/physics.md §8.3): ``q/(q-1) + (1 + sqrt(alpha q))**2``, ``alpha = N / n_samples``.
    Vectorised.

    See :func:`xy_noise_edge_mp` for what independent (beta = 0) Potts data actually give.
    """
    alpha = np.asarray(alpha, dtype=float)
    return q / (q - 1.0) + (1.0 + np.sqrt(alpha * q)) ** 2


def xy_noise_edge_mp(alpha, q):
    """Marchenko-Pastur edge for independent Potts sites (docs/physics.md §8.3):
    ``q/(q-1) * (1 + sqrt(alpha (q-1)))**2``, ``alpha = N / n_samples``.

    At beta = 0 the population matrix is block diagonal with blocks ``(q I - J)/(q-1)``:
    eigenvalue ``q/(q-1)`` on an ``N (q-1)``-dimensional space and 0 on the rest, hence a
    scaled MP law with ratio ``alpha (q-1)``.  Vectorised.
    """
    alpha = np.asarray(alpha, dtype=float)
    return q / (q - 1.0) * marchenko_pastur_edges(alpha * (q - 1.0))[1]



def xy_noise_top_eigenvalue(alpha, q, n_visible):
    """Mean top eigenvalue of the one-hot correlation matrix of independent Potts sites
    (beta = 0) at finite size (docs/physics.md §8.3, §17.3), ``alpha = N / n_samples``:
    the Marchenko-Pastur edge of ``xy_noise_edge_mp`` at finite N, shifted by the mean of its
    Tracy-Widom fluctuations, with the non-Gaussian correction for a sample's fixed norm.

    The population is ``q/(q-1)`` on ``D = N (q-1)`` dimensions (the rest is 0 and drops
    out): ratio ``D / n = alpha (q-1)``.  Every one-hot sample has |x|² = N q exactly, where
    Gaussian data would have Var(|x|²) = 2 D (q/(q-1))²; as for ±1 spins (§17.3) that moves
    the edge down by 2 D τ² u / (n² (u - τ)²), τ = q/(q-1).  Vectorised over alpha."""
    from .finite_size import finite_size_top_eigenvalue, gaussian_fourth_moments

    q, n_visible = int(q), int(n_visible)
    dimension, tau = n_visible * (q - 1), q / (q - 1.0)
    population = np.full(dimension, tau)
    # the data's Cov(y_j², y_k²): the Gaussian's minus what makes Var(Σ_j y_j²) = 0
    moments = gaussian_fourth_moments(population) - 2 * tau**2 / dimension
    alpha = np.asarray(alpha, dtype=float)
    return finite_size_top_eigenvalue(population, alpha * (q - 1), fourth_moments=moments)
