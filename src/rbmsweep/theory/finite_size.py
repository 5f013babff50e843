"""The top eigenvalue of a sample covariance matrix at finite size (docs/physics.md §17.3).

For N-dimensional data with population covariance eigenvalues τ_1 ≥ … ≥ τ_N and n = N/α
samples, the mean of the largest eigenvalue of S = XᵀX/n is predicted as the larger of

- the **outliers**: a population eigenvalue τ_k isolated from the rest R of the population
  (BBP at finite N: α f_R(τ_k) < 1, f_R(u) = (1/N) Σ_{j∈R} τ_j² / (u − τ_j)²) gives a sample
  eigenvalue near ψ_R(τ_k) = τ_k (1 + α (1/N) Σ_{j∈R} τ_j / (τ_k − τ_j)) (Baik & Silverstein
  2006; for one spike over unit eigenvalues it is ℓ (1 + α/(ℓ − 1)), §6.2);
- the **bulk edge** of what is left, shifted by the mean of its Tracy–Widom fluctuations: the
  edge μ = ψ(u*) of the finite population's Marchenko–Pastur/Silverstein law (u* > τ_max the
  root of α f(u) = 1, §6.3) and its scale
  σ = u* n^(−2/3) (1 + α (1/N) Σ_j (τ_j/(u* − τ_j))³)^(1/3) (El Karoui 2007, Theorem 1 with
  c₀ = 1/u*), so that E λ_max ≈ μ + E[TW₁] σ with E[TW₁] = −1.2065 (real data).

Both are exact for Gaussian data to the orders kept.  Data that are not Gaussian (±1 spins:
every sample has the norm √N, and the Ising magnetisation has a bounded law) differ at order
1/n through the covariances of the squared mode amplitudes y_j² = (u_j·x)²
(``fourth_moments``): the corrections of §17.3 (``edge_correction``,
``outlier_correction``) move the edge and the outliers by their difference to a Gaussian's.

Peeling the population from the top (an isolated eigenvalue, or a degenerate group of them,
is removed and the test repeated on the rest) finds every outlier; the bulk is what remains.
Everything takes ``alpha = N / n``, N the number of population eigenvalues given.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from .random_matrix import ROUNDOFF, clean_spectrum

#: Mean and standard deviation of the Tracy–Widom law of the GOE (β = 1), the law of the top
#: eigenvalue of real sample covariance matrices (Tracy & Widom 1996; Bornemann 2010's values).
TW1_MEAN = -1.2065335745820
TW1_STD = 1.2679767502

#: Ma (2012)'s finite-size substitution n → n − ½, N → N − ½ in the edge's centring and scale
#: (exact to O(n^(-2/3)) for the white Wishart case; 0 turns it off)
HALF = 0.5


def gaussian_fourth_moments(population):
    """Cov(y_j², y_k²) of Gaussian data in the population's (real) eigenbasis: 2 τ_j² δ_jk
    (docs/physics.md §17.3)."""
    tau = np.asarray(population, dtype=float)
    return np.diag(2.0 * tau**2)


def circulant_gaussian_fourth_moments(population):
    """Cov(|F_k|², |F_k'|²) of Gaussian data with a circulant covariance, in its complex
    Fourier modes k = 0..N−1 (``population`` in that order): τ_k² (δ_kk' + δ_k,N−k') — |F_k|²
    and |F_N−k|² are one number for real data, and the real modes k = 0, N/2 get 2 τ_k²
    (docs/physics.md §17.3)."""
    tau = np.asarray(population, dtype=float)
    n = tau.size
    k = np.arange(n)
    return tau[:, None] ** 2 * ((k[:, None] == k[None, :]).astype(float)
                                + (k[:, None] == (-k[None, :]) % n))


def _groups(tau):
    """Indices of the population in descending order, split into degenerate groups."""
    order = np.argsort(-tau, kind="stable")
    sorted_tau = tau[order]
    new = np.concatenate([[True], -np.diff(sorted_tau) > ROUNDOFF * sorted_tau[0]])
    return np.split(order, np.flatnonzero(new)[1:])


def half_sizes(alpha, n_population):
    """Ma (2012)'s substitution n → n − ½, N → N − ½ (``HALF``), which makes the real white
    Wishart's Tracy–Widom description accurate to O(n^(-2/3)), as (shrink, α'): a formula for
    S = XᵀX/n evaluated at ratio α' = (N − ½)/(n − ½), times shrink = (n − ½)/n
    (docs/physics.md §17.3)."""
    n_samples = n_population / alpha
    shrink = (n_samples - HALF) / n_samples
    return shrink, alpha * (n_population - HALF) / (n_population * shrink)


def outlier_location(spike, rest, alpha, n_population):
    """ψ_R(ℓ) = ℓ (1 + α (1/N) Σ_{j∈R} τ_j / (ℓ − τ_j)): where a population eigenvalue ℓ
    isolated above the eigenvalues ``rest`` puts its sample eigenvalue (docs/physics.md §17.3),
    N = ``n_population`` the dimension.  For one spike over N − 1 unit eigenvalues and N → ∞
    it is the BBP value ℓ (1 + α/(ℓ − 1))."""
    rest = np.asarray(rest, dtype=float)
    return spike * (1.0 + alpha * np.sum(rest / (spike - rest)) / n_population)


def outlier_slope(spike, rest, alpha, n_population):
    """ψ_R'(ℓ) = 1 − α (1/N) Σ_{j∈R} τ_j² / (ℓ − τ_j)²: positive when ℓ is isolated (BBP;
    docs/physics.md §6.3, §17.3)."""
    rest = np.asarray(rest, dtype=float)
    return 1.0 - alpha * np.sum((rest / (spike - rest)) ** 2) / n_population


def _edge_root(tau, alpha, n_population):
    """u* > τ_max with α (1/N) Σ_j (τ_j/(u* − τ_j))² = 1 (§6.3), and the ratios τ_j/(u* − τ_j)."""
    top = tau.max()
    gap = top - tau  # exact 0 for the top eigenvalue

    def excess(log_d):  # α f(τ_max + d) − 1, decreasing in d
        return alpha * np.sum((tau / (np.exp(log_d) + gap)) ** 2) / n_population - 1.0

    positive = tau[tau > 0]
    lo = np.log(top * np.sqrt(alpha / n_population)) - 1e-9  # the top term alone
    hi = np.log(top * np.sqrt(alpha * positive.size / n_population)) + 1e-9  # all as large
    d = np.exp(optimize.brentq(excess, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps))
    return top + d, tau / (d + gap)


def edge_location_and_scale(population, alpha, n_population=None):
    """Centring μ, scale σ and root u* of the top eigenvalue's Tracy–Widom fluctuations for
    the population eigenvalues ``population`` (each of weight 1/N, N = ``n_population``,
    default their number) and n = N/α samples (El Karoui 2007; docs/physics.md §17.3):

        α (1/N) Σ_j (τ_j/(u − τ_j))² = 1,  u > τ_max;
        μ = u (1 + α (1/N) Σ_j τ_j/(u − τ_j)),
        σ = u n^(−2/3) (1 + α (1/N) Σ_j (τ_j/(u − τ_j))³)^(1/3).

    μ is the right edge of the finite population's Marchenko–Pastur/Silverstein law
    (``random_matrix.top_sample_eigenvalue`` with the same weights).  Returns (μ, σ, u*).
    """
    tau = clean_spectrum(population).ravel()
    n_pop = tau.size if n_population is None else int(n_population)
    alpha = float(alpha)
    if not alpha > 0:
        raise ValueError(f"alpha: {alpha!r} is not allowed; it must be > 0")
    u, ratio = _edge_root(tau, alpha, n_pop)
    n_samples = n_pop / alpha
    shrink, alpha_half = half_sizes(alpha, n_pop)
    u, ratio = _edge_root(tau, alpha_half, n_pop)
    mu = shrink * u * (1.0 + alpha_half * np.sum(ratio) / n_pop)
    sigma = shrink * u * (n_samples - HALF) ** (-2.0 / 3.0) * (
        1.0 + alpha_half * np.sum(ratio**3) / n_pop) ** (1 / 3)
    return mu, sigma, u


def edge_correction(bulk, u, n_samples, excess):
    """Shift of the bulk edge for non-Gaussian data (docs/physics.md §17.3):
    δ = bᵀ E b / u with b_j = (1/n) u/(u − τ_j) over the bulk's modes and E their excess
    Cov(y_j², y_k²) over a Gaussian's (``excess``, a matrix over the bulk's modes).  For ±1
    spins at β = 0 it is −2uN/(n²(u − 1)²): the norm of every sample is √N."""
    b = u / (u - np.asarray(bulk, dtype=float)) / n_samples
    return float(b @ excess @ b) / u


def outlier_correction(spike, rest, alpha, n_population, cross):
    """Shift of an outlier for non-Gaussian data (docs/physics.md §17.3):
    δ = (ℓ ψ'(ℓ)/λ) (1/n) Σ_{j∈S, k∈R} ℓ/(λ(ℓ − τ_k)) Cov(y_j², y_k²), λ = ψ(ℓ) the outlier,
    S the spike's modes and R the rest (``cross``: the covariances, rows S, columns R; 0 for
    Gaussian data).  It is the first-order effect of the correlation between the squared
    amplitude along the spike and the quadratic form of the rest in the outlier's equation."""
    rest = np.asarray(rest, dtype=float)
    location = outlier_location(spike, rest, alpha, n_population)
    n_samples = n_population / alpha
    weights = spike / (location * (spike - rest))
    shift = float(np.sum(np.asarray(cross) @ weights)) / n_samples
    return spike * outlier_slope(spike, rest, alpha, n_population) / location * shift


def top_eigenvalue_parts(population, alpha, fourth_moments=None, gaussian_moments=None):
    """The outliers and the bulk edge of the finite-N prediction at one α
    (docs/physics.md §17.3): ``(outliers, edge)``, ``outliers`` a list of (τ, multiplicity,
    location) from the top, ``edge`` = (μ, σ) of the bulk (None when every eigenvalue is an
    outlier).  Locations and μ include the non-Gaussian corrections when ``fourth_moments``
    (the data's Cov(y_j², y_k²), in the population's order) is given; ``gaussian_moments`` is
    the Gaussian reference in the same basis (default ``gaussian_fourth_moments``)."""
    tau = clean_spectrum(population).ravel()
    n_population = tau.size
    n_samples = n_population / alpha
    excess = None
    if fourth_moments is not None:
        reference = (gaussian_fourth_moments(tau) if gaussian_moments is None
                     else np.asarray(gaussian_moments, dtype=float))
        data_moments = np.asarray(fourth_moments, dtype=float)
        excess = data_moments - reference
    groups = _groups(tau)
    shrink, alpha_half = half_sizes(alpha, n_population)
    outliers = []
    for k, group in enumerate(groups):
        rest_index = np.concatenate(groups[k + 1:]) if k + 1 < len(groups) else np.empty(0, int)
        spike = tau[group[0]]
        rest = tau[rest_index]
        if rest.size == 0 or spike <= 0 or outlier_slope(spike, rest, alpha_half,
                                                         n_population) <= 0:
            bulk_index = np.concatenate(groups[k:])
            mu, sigma, u = edge_location_and_scale(tau[bulk_index], alpha, n_population)
            if excess is not None:
                mu += edge_correction(tau[bulk_index], u, n_samples,
                                      excess[np.ix_(bulk_index, bulk_index)])
            return outliers, (mu, sigma)
        location = shrink * outlier_location(spike, rest, alpha_half, n_population)
        if fourth_moments is not None:
            # one real direction of a degenerate group (all alike by symmetry)
            location += outlier_correction(spike, rest, alpha, n_population,
                                           data_moments[np.ix_(group[:1], rest_index)])
        outliers.append((float(spike), len(group), float(location)))
    return outliers, None


def finite_size_top_eigenvalue(population, alpha, fourth_moments=None, gaussian_moments=None,
                               fluctuations=True):
    """Predicted mean of the largest sample eigenvalue at finite N (docs/physics.md §17.3):
    the larger of the top outlier's location and the bulk's Tracy–Widom-shifted edge
    μ + E[TW₁] σ (``fluctuations=False``: the edge μ itself).  ``population``: the N
    population eigenvalues (equal weights); ``alpha`` = N / n, vectorised;
    ``fourth_moments``/``gaussian_moments``: see ``top_eigenvalue_parts`` (None: Gaussian
    data)."""
    alpha_arr = np.asarray(alpha, dtype=float)
    out = np.empty(alpha_arr.shape)
    for index, a in np.ndenumerate(alpha_arr):
        if not a > 0:
            raise ValueError(f"alpha: {a!r} is not allowed; it must be > 0")
        outliers, edge = top_eigenvalue_parts(population, a, fourth_moments, gaussian_moments)
        candidates = [location for _, _, location in outliers]
        if edge is not None:
            candidates.append(edge[0] + (TW1_MEAN * edge[1] if fluctuations else 0.0))
        out[index] = max(candidates)
    return out[()] if out.ndim == 0 else out
