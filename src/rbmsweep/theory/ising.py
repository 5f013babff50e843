"""Correlations and covariance spectrum of the periodic Ising ring (docs/physics.md §7).

``P(v) ∝ exp(beta sum_i v_i v_{i+1})`` on ``N`` sites, ``v_{N+1} = v_1`` (HTCM20 eq. 8).
Its correlation matrix is circulant; its eigenvalues are the population spectrum that the
random-matrix functions of :mod:`rbmsweep.theory.random_matrix` turn into sample spectra.
"""

from __future__ import annotations

import numpy as np


def ising_correlation(r, beta, n_visible=None):
    """Spin correlation ``<v_i v_{i+r}>`` on the Ising ring (HTCM20 eq. 9,
    ``<v_i v_j> = t^|i-j| = exp(-|i-j|/xi)`` for the infinite chain; docs/physics.md §7.1).

    Finite ring of ``N`` sites: ``(t^r + t^(N-r)) / (1 + t^N)``, ``t = tanh(beta)``, ``r``
    taken modulo ``N`` (transfer matrix with eigenvalues ``2 cosh beta`` and
    ``2 sinh beta``).  ``n_visible=None`` (or ``inf``): the infinite-chain ``t^|r|``.
    Vectorised (broadcasts ``r`` against ``beta``); valid for negative
    (antiferromagnetic) beta too.

    Computed without cancellation at large ``|beta|``: with ``|t| = 1 - 2 e`` and
    ``e = exp(-2|beta|)/(1 + exp(-2|beta|))``, ``log|t| = log1p(-2 e)``, and the sums
    ``1 + t^m`` of odd ``m`` on an antiferromagnetic ring are ``-expm1(m log|t|)``.  Where
    ``|t|`` rounds to 1, ``log|t|`` is kept at ``-1e-300`` so that the frustrated odd ring
    gets its limit ``(1 - |t|^(N-2r)) / (1 - |t|^N) -> (N - 2r)/N`` (one frustrated bond
    among ``N``), not ``0/0``.
    """
    r = np.abs(np.asarray(r))
    beta = np.asarray(beta, dtype=float)
    if n_visible is None or np.isinf(n_visible):
        return (np.tanh(beta) ** r.astype(float))[()]
    n = int(n_visible)
    r = np.mod(r, n)
    r, beta = np.broadcast_arrays(np.minimum(r, n - r).astype(float), beta)
    sign = np.where(beta < 0, -1.0, 1.0)
    rare = np.exp(-2.0 * np.abs(beta))
    rare = rare / (1.0 + rare)  # (1 - |t|) / 2, underflows quietly to 0
    with np.errstate(divide="ignore"):
        log_abs_t = np.minimum(np.log1p(-2.0 * rare), -1e-300)  # -inf at beta = 0

    def abs_t_power(m):  # |t|^m, m >= 0 (0^0 = 1)
        with np.errstate(invalid="ignore"):
            return np.where(m == 0, 1.0, np.exp(m * log_abs_t))

    def one_plus_t_power(m):  # 1 + t^m, m >= 0 integer-valued
        with np.errstate(invalid="ignore"):
            frustrated = (sign < 0) & (np.mod(m, 2) == 1)
            one_minus = np.where(m == 0, 0.0, -np.expm1(m * log_abs_t))
            return np.where(frustrated, one_minus, 1.0 + abs_t_power(m))

    t_power_r = np.where(np.mod(r, 2) == 1, sign, 1.0) * abs_t_power(r)
    return (t_power_r * one_plus_t_power(n - 2.0 * r) / one_plus_t_power(float(n)))[()]


def ising_correlation_matrix(n_visible, beta):
    """Exact ``N x N`` correlation matrix of the periodic Ising ring (finite-ring form of
    HTCM20 eq. 9, ``<v_i v_j> = t^|i-j|``; docs/physics.md §7.1).

    Circulant: ``C_ij = ising_correlation(j - i, beta, N)``, unit diagonal.
    """
    n = int(n_visible)
    idx = np.arange(n)
    return ising_correlation(idx[None, :] - idx[:, None], beta, n)


def ising_correlation_length(beta):
    """Correlation length ``xi = 1 / ln coth|beta|`` (HTCM20 eq. 9,
    ``<v_i v_j> = exp(-|i-j|/xi)``; docs/physics.md §7.1); ``xi(1) = 3.67``.

    Defined by ``<v_0 v_r> = t^r = sign(t)^r exp(-r / xi)`` (infinite chain).  At ``beta = 0``
    the spins are independent and ``coth 0 = inf``, so ``xi = 0`` (returned, not inf);
    ``xi -> inf`` as ``|beta| -> inf``.  Vectorised.
    """
    t = np.abs(np.tanh(np.asarray(beta, dtype=float)))
    with np.errstate(divide="ignore"):
        xi = -1.0 / np.log(t)
    return np.where(t == 0.0, 0.0, xi)[()]


def ising_signal_eigenvalue(beta, n_visible=None):
    """Ising 'signal' eigenvalue ``Lambda_Ising = sum_r C(r)`` (HTCM20 eq. 25,
    ``Lambda_Ising = (1+t)/(1-t)`` for the infinite chain; docs/physics.md §7.2); on the ring
    of ``N`` sites ``(1+t)/(1-t) * (1 - t^N)/(1 + t^N)``, ``t = tanh(beta)``.

    It is the eigenvalue of the uniform mode of the exact correlation matrix, which is the
    top eigenvalue for ``beta >= 0``.  Computed as ``exp(2 beta) (1 - t^N)/(1 + t^N)``
    (same thing, no cancellation in ``1 - t``).  ``n_visible=None`` or ``inf``: the
    ``N -> inf`` limit ``exp(2 beta)``.  Vectorised over ``beta``.
    """
    beta = np.asarray(beta, dtype=float)
    e2b = np.exp(2.0 * beta)
    if n_visible is None or np.isinf(n_visible):
        return e2b[()]
    n = int(n_visible)
    t = np.tanh(beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_abs = n * np.log(np.abs(t))
    tn = np.where(t == 0.0, 0.0, np.sign(t) ** n * np.exp(log_abs))
    one_minus_tn = np.where(t > 0, -np.expm1(log_abs), 1.0 - tn)
    return (e2b * one_minus_tn / (1.0 + tn))[()]


def ising_population_eigenvalues(beta, n_visible, exact=True):
    """Eigenvalues of the Ising ring correlation matrix, in Fourier-mode order
    ``j = 0..N-1`` (wave number ``k = 2 pi j / N``) (docs/physics.md §7.2).

    ``exact=True``: the circulant's eigenvalues, the (real) FFT of its first row.  They have
    the closed form ``(1 - t^2)/(1 - 2 t cos k + t^2) * (1 - t^N)/(1 + t^N)``.
    ``exact=False``: the ``N -> inf`` formula ``(1 - t^2)/(1 - 2 t cos k + t^2)`` sampled at
    the same ``k`` (i.e. without the factor ``(1 - t^N)/(1 + t^N)``).
    ``j = 0`` is :func:`ising_signal_eigenvalue`; ``j`` and ``N - j`` are degenerate.
    """
    n = int(n_visible)
    if exact:
        row = ising_correlation(np.arange(n), beta, n)
        return np.fft.fft(row).real
    t = np.tanh(float(beta))
    k = 2.0 * np.pi * np.arange(n) / n
    return (1.0 - t**2) / (1.0 - 2.0 * t * np.cos(k) + t**2)


def crossover_beta_paper(alpha):
    """The paper's crossover ``beta_c(alpha) = log(1 + sqrt(alpha))`` (HTCM20 eq. 26;
    docs/physics.md §7.3): where the infinite-chain signal eigenvalue ``exp(2 beta)`` (eq. 25)
    equals the MP edge ``(1 + sqrt(alpha))**2`` (eq. 24).  Vectorised."""
    return np.log1p(np.sqrt(np.asarray(alpha, dtype=float)))


def bbp_threshold_beta(alpha):
    """Single-spike BBP threshold in beta: ``exp(2 beta) = 1 + sqrt(alpha)``, i.e.
    ``beta = log(1 + sqrt(alpha)) / 2`` (docs/physics.md §7.3).  Vectorised."""
    return 0.5 * np.log1p(np.sqrt(np.asarray(alpha, dtype=float)))



def ising_mode_fourth_moments(beta, n_visible):
    """Covariances ``M[k, k'] = Cov(|F_k|², |F_k'|²)`` of the Fourier-mode powers of the Ising
    ring, ``F_k = N^(-1/2) sum_a v_a exp(-2 pi i k a / N)`` (docs/physics.md §17.3), exactly.

    ``E |F_k|²`` is the population eigenvalue of mode k (:func:`ising_population_eigenvalues`);
    these are the fourth-order statistics that the finite-size theory of the top sample
    eigenvalue needs (``theory.finite_size``).  Gaussian data with the same covariance would
    give ``tau_k² (delta_kk' + delta_k,N-k')`` (twice ``tau_k²`` for the real modes k = 0, N/2);
    ±1 spins differ, e.g. ``|F_0|² = M²/N`` (magnetisation M) has a bounded, platykurtic law.

    From the ring's 4-point function: for sites p1 ≤ p2 ≤ p3 ≤ p4,
    ``<v_p1 v_p2 v_p3 v_p4> = (t^L + t^(N-L)) / (1 + t^N)``, ``L = (p2 - p1) + (p4 - p3)`` (the
    bonds are i.i.d. flips conditioned on an even number, as for the correlation
    :func:`ising_correlation`; coinciding sites reduce it to the 2-point function).  With one
    site at 0 by translation invariance, the connected function on (b, c, d) is an N³ array
    whose 3-D FFT gives every ``M[k, k']``: O(N³ log N) operations and N³ numbers.
    """
    n = int(n_visible)
    sites = np.arange(n)
    b, c, d = np.meshgrid(sites, sites, sites, indexing="ij")
    ordered = np.sort(np.stack([np.zeros_like(b), b, c, d]), axis=0)
    length = (ordered[1] - ordered[0]) + (ordered[3] - ordered[2])
    correlation = ising_correlation(sites, beta, n)
    connected = ising_correlation(length, beta, n) - correlation[b] * correlation[np.abs(c - d)]
    del b, c, d, ordered, length
    transform = np.fft.fftn(connected)  # sum over (b, c, d) of exp(-2 pi i (p b + q c + r d)/N)
    k = sites[:, None]
    kp = sites[None, :]
    return transform[(-k) % n, kp, (-kp) % n].real / n



def ising_top_eigenvalue(beta, alpha, n_visible):
    """The finite-N prediction of the mean top eigenvalue of the correlation matrix of
    n = N/α Ising samples (docs/physics.md §17.3): ``finite_size.finite_size_top_eigenvalue``
    with the ring's population (:func:`ising_population_eigenvalues`) and its exact fourth
    moments (:func:`ising_mode_fourth_moments`).  Vectorised over ``alpha``."""
    from .finite_size import circulant_gaussian_fourth_moments, finite_size_top_eigenvalue

    population = ising_population_eigenvalues(beta, n_visible)
    return finite_size_top_eigenvalue(population, alpha, ising_mode_fourth_moments(
        beta, n_visible), circulant_gaussian_fourth_moments(population))


def noise_edge_departure_beta(alpha, n_visible, beta_max=3.0):
    """The β at which the finite-N prediction of the top eigenvalue (:func:`ising_top_eigenvalue`)
    leaves the noise edge: where it exceeds its β = 0 value by one standard deviation of the
    Tracy–Widom fluctuations of that edge, TW1_STD × σ(β = 0) (docs/physics.md §17.4).  Below it
    the top eigenvalue of n = N/α samples cannot be told from that of independent spins.  NaN if
    it does not within ``beta_max``.  Vectorised over ``alpha``."""
    from scipy import optimize

    from .finite_size import TW1_STD, top_eigenvalue_parts

    n = int(n_visible)
    out = []
    for alpha_value in np.atleast_1d(np.asarray(alpha, dtype=float)).ravel():
        noise = ising_top_eigenvalue(0.0, alpha_value, n)
        _, (_, sigma) = top_eigenvalue_parts(np.ones(n), alpha_value)
        level = noise + TW1_STD * sigma

        def excess(beta):
            return ising_top_eigenvalue(beta, alpha_value, n) - level

        out.append(optimize.brentq(excess, 0.0, beta_max, xtol=1e-4)
                   if excess(beta_max) > 0 else np.nan)
    return np.array(out).reshape(np.shape(alpha))[()]
