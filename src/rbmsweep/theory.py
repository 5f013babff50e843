"""Closed-form and numerical theory to overlay on the measurements.

Everything here depends only on numpy and scipy (DESIGN section 2: ``theory`` needs
nothing else of the package).  Section references are to ``/work/shared/DESIGN.md``.

Equation numbers
----------------
DESIGN section 3.5 numbers the equations as in the published version of the paper
(Harsh, Tubiana, Cocco, Monasson, J. Phys. A 53 (2020) 174002).  The text copy in
``seeds/001_…`` is numbered one lower from eq. 24 on (its eq. 24 is the MP edge that
DESIGN calls eq. 25, its eq. 36 is DESIGN's eq. 37, its eqs. 49-50 are DESIGN's
eqs. 50-51, ...).  Docstrings below quote both as ``DESIGN eq. N (seed text eq. N-1)``.

Conventions
-----------
* ``alpha`` is always the ratio (dimension of the data vector) / (number of samples).
  For Ising data the dimension is ``n_visible`` (the paper's r = N / n_samples).  For the
  one-hot Potts/XY data of DESIGN 3.4 the covariance matrix is ``(N q) x (N q)``; the
  functions ``xy_noise_edge_*`` take the paper's ``alpha = N / n_samples`` and put the q in
  themselves, while the generic random-matrix functions (``top_sample_eigenvalue``, ...)
  take the ratio of the matrix they describe, i.e. ``N q / n_samples``.
* Potts/XY correlation matrices are indexed ``i * q + v`` (site-major), i.e. the row-major
  flattening of an ``(n_visible, q)`` array, matching weights of shape
  ``(n_visible, n_hidden, q)``.
* Small-beta weights are arrays of shape ``(n_sites,)`` (one unit) or
  ``(n_sites, n_units)``.
"""

from __future__ import annotations

import numpy as np
from scipy import integrate, optimize, sparse

__all__ = [
    # random matrices
    "marchenko_pastur_edges",
    "marchenko_pastur_density",
    "bbp_top_eigenvalue",
    "silverstein_x",
    "sample_spectrum_support",
    "top_sample_eigenvalue",
    "sample_spectrum_density",
    # Ising
    "ising_correlation",
    "ising_correlation_matrix",
    "ising_correlation_length",
    "ising_signal_eigenvalue",
    "ising_population_eigenvalues",
    "crossover_beta_paper",
    "bbp_threshold_beta",
    # XY / Potts
    "xy_lambdas",
    "xy_correlation",
    "xy_correlation_matrix",
    "xy_population_eigenvalues",
    "xy_signal_eigenvalue",
    "xy_noise_edge_paper",
    "xy_noise_edge_mp",
    # small-beta dynamics
    "small_beta_rhs",
    "one_unit_rhs",
    "two_unit_rhs",
    "continuum_rhs",
    "integrate_small_beta",
    "stationary_b",
    "stationary_profile",
    "profile_height",
    "profile_fwhm",
    # Gaussian-Gaussian RBM
    "gaussian_mode_rhs",
    "gaussian_mode_fixed_point",
]


# ----------------------------------------------------------------------------------------
# Marchenko-Pastur and spiked models
# ----------------------------------------------------------------------------------------


def marchenko_pastur_edges(alpha):
    """Edges of the Marchenko-Pastur law for unit-variance noise (DESIGN 3.5, eq. 25;
    seed text eq. 24): ``((1 - sqrt(alpha))**2, (1 + sqrt(alpha))**2)``.

    ``alpha = N / n_samples`` (dimension over sample count).  Vectorised over ``alpha``.
    For ``alpha > 1`` the lower edge bounds the continuous part; there is also an atom
    at 0 (see :func:`marchenko_pastur_density`).
    """
    s = np.sqrt(np.asarray(alpha, dtype=float))
    return (1.0 - s) ** 2, (1.0 + s) ** 2


def marchenko_pastur_density(x, alpha):
    """Continuous part of the Marchenko-Pastur density (DESIGN 3.5, eq. 25 gives its edge).

    ``rho(x) = sqrt((x_+ - x)(x - x_-)) / (2 pi alpha x)`` on ``[x_-, x_+]``, 0 elsewhere,
    for the eigenvalues of ``X^T X / n`` with ``X`` an ``n x N`` matrix of i.i.d.
    unit-variance entries and ``alpha = N / n``.  Its integral is ``min(1, 1/alpha)``:
    when ``alpha > 1`` the law also has an atom at ``x = 0`` of weight ``1 - 1/alpha``
    (the ``N - n`` zero eigenvalues), which this function does not include.
    Vectorised (broadcasts ``x`` against ``alpha``).
    """
    x = np.asarray(x, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    lo, hi = marchenko_pastur_edges(alpha)
    inside = (x > lo) & (x < hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.sqrt(np.clip((hi - x) * (x - lo), 0.0, None)) / (2.0 * np.pi * alpha * x)
    return np.where(inside, rho, 0.0)


def bbp_top_eigenvalue(spike, alpha):
    """Top sample eigenvalue for a single population spike over a unit bulk (BBP transition;
    DESIGN 3.5, the single-spike threshold next to eq. 27).

    ``spike * (1 + alpha / (spike - 1))`` when ``spike > 1 + sqrt(alpha)`` (an outlier
    leaves the bulk), else the Marchenko-Pastur edge ``(1 + sqrt(alpha))**2``.  The two
    branches join continuously at the threshold.  Vectorised.
    """
    spike = np.asarray(spike, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    edge = (1.0 + np.sqrt(alpha)) ** 2
    above = spike > 1.0 + np.sqrt(alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        outlier = spike * (1.0 + alpha / (spike - 1.0))
    return np.where(above, outlier, edge)


def _population(population_eigenvalues, weights):
    """Distinct positive population eigenvalues (ascending) and their summed weights.

    Weights are normalised over the whole population, so they sum to ``w_+ <= 1`` when
    some eigenvalues are 0 (those do not enter the Silverstein equation).
    """
    tau = np.asarray(population_eigenvalues, dtype=float).ravel()
    if weights is None:
        w = np.full(tau.shape, 1.0 / tau.size)
    else:
        w = np.asarray(weights, dtype=float).ravel()
        if w.shape != tau.shape:
            raise ValueError("weights must have the shape of population_eigenvalues")
        if np.any(w < 0) or w.sum() <= 0:
            raise ValueError("weights must be non-negative with a positive sum")
        w = w / w.sum()
    if np.any(tau < 0):
        raise ValueError("population eigenvalues must be >= 0 (a covariance spectrum)")
    keep = (w > 0) & (tau > 0)  # zero eigenvalues do not enter x(m); their weight does
    order = np.argsort(tau[keep])
    t, ww = tau[keep][order], w[keep][order]
    if t.size == 0:
        raise ValueError("population has no positive eigenvalue")
    # merge (numerically) degenerate eigenvalues: circulant spectra come in pairs
    scale = t[-1]
    new = np.concatenate([[True], np.diff(t) > 1e-12 * scale])
    groups = np.cumsum(new) - 1
    t_u = np.zeros(groups[-1] + 1)
    w_u = np.zeros(groups[-1] + 1)
    np.add.at(w_u, groups, ww)
    np.add.at(t_u, groups, ww * t)
    t_u /= w_u
    return t_u, w_u


def silverstein_x(u, population_eigenvalues, alpha, weights=None):
    """Silverstein-Choi inverse map, in the variable ``u = -1/m`` (DESIGN 3.5, Ising bullet).

    For a sample covariance ``S = X^T X / n`` of data with population covariance of
    spectrum ``H = sum_j w_j delta(tau_j)`` and ``alpha = N / n``, the Stieltjes transform
    ``m`` of the companion matrix ``X X^T / n`` satisfies
    ``x(m) = -1/m + alpha sum_j w_j tau_j / (1 + tau_j m)``.  With ``u = -1/m`` this is the
    spiked-model function ``psi(u) = u (1 + alpha sum_j w_j tau_j / (u - tau_j))``, whose
    value at ``u = spike`` is the BBP outlier location.  Real ``x`` with ``dx/du > 0``
    lies outside the support of the limiting sample spectrum (Silverstein & Choi 1995).
    Vectorised over ``u``.
    """
    t, w = _population(population_eigenvalues, weights)
    u = np.asarray(u, dtype=float)
    return u * (1.0 + alpha * np.sum(w * t / (u[..., None] - t), axis=-1))


def _bisect(fun, lo, hi, increasing, n_iter=200):
    """Vectorised bisection for the root of a monotone function on [lo, hi]."""
    lo = np.array(lo, dtype=float, copy=True)
    hi = np.array(hi, dtype=float, copy=True)
    for _ in range(n_iter):
        mid = 0.5 * (lo + hi)
        f = fun(mid)
        go_right = (f < 0) if increasing else (f > 0)
        lo = np.where(go_right, mid, lo)
        hi = np.where(go_right, hi, mid)
        if np.all((hi - lo) <= 4 * np.finfo(float).eps * np.maximum(np.abs(hi), np.abs(lo))):
            break
    return 0.5 * (lo + hi)


def _top_edge(t, w, alpha):
    """Right edge of the support: root u* > tau_max of alpha f(u) = 1, value psi(u*)."""
    tmax, wmax = t[-1], w[-1]
    gap = tmax - t  # >= 0, exact 0 for the top eigenvalue (avoids cancellation)

    def g(log_delta):  # alpha f(tau_max + delta) - 1, decreasing in delta
        d = np.exp(log_delta)
        return alpha * np.sum(w * (t / (d + gap)) ** 2) - 1.0

    # alpha f >= alpha wmax tmax^2/d^2 and <= alpha tmax^2/d^2: root within these bounds
    lo = np.log(tmax * np.sqrt(alpha * wmax)) - 1e-9
    hi = np.log(tmax * np.sqrt(alpha)) + 1e-9
    log_d = optimize.brentq(g, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    d = np.exp(log_d)
    u = tmax + d
    return u * (1.0 + alpha * np.sum(w * t / (d + gap))), u


def sample_spectrum_support(population_eigenvalues, alpha, weights=None):
    """Support of the limiting sample spectrum: list of ``(lower, upper, weight)`` components.

    Solves the Marchenko-Pastur/Silverstein equation (DESIGN 3.5, Ising bullet) for a
    discrete population spectrum ``H = sum_j w_j delta(tau_j)`` (equal weights unless
    given) at ``alpha = N / n`` (dimension of the population matrix over sample count).
    Uses the Silverstein-Choi characterisation in ``u = -1/m``: ``psi(u)`` of
    :func:`silverstein_x` has ``dpsi/du = 1 - alpha f(u)`` with
    ``f(u) = sum_j w_j tau_j^2 / (u - tau_j)^2`` convex between consecutive poles, so each
    gap between components is the image of the (unique) interval between two poles where
    ``alpha f < 1``; the right edge of the support is ``psi(u*)``, ``u* > tau_max`` the root
    of ``alpha f = 1``.

    Each component's weight is the fraction of the ``N`` sample eigenvalues it holds
    (Bai-Silverstein exact separation: the population eigenvalues whose poles lie
    between the two bounding gaps).  The weights sum to ``min(w_+, 1/alpha)``, ``w_+`` the
    weight of the positive population eigenvalues (1 unless some are 0); the remainder is
    the atom at 0 (``alpha > 1`` or zero population eigenvalues), not listed.

    A discrete population makes every sufficiently isolated eigenvalue its own small
    component: an isolated spike of weight ``w`` gives a component of width
    ``O(sqrt(w))`` around its BBP location ``psi(spike)``, which shrinks to that point as
    ``w -> 0`` (``N -> inf``).
    """
    t, w = _population(population_eigenvalues, weights)
    alpha = float(alpha)
    if alpha <= 0:
        raise ValueError("alpha must be > 0")
    w_pos = float(w.sum())  # < 1 when some population eigenvalues are 0

    def f(u):
        return np.sum(w * t**2 / (u[..., None] - t) ** 2, axis=-1)

    def fprime(u):
        return 2.0 * np.sum(w * t**2 / (t - u[..., None]) ** 3, axis=-1)

    def psi(u):
        return u * (1.0 + alpha * np.sum(w * t / (u[..., None] - t), axis=-1))

    def h(u):
        return alpha * f(u) - 1.0

    # gaps: between consecutive poles a < b, f is convex and -> +inf at both ends; a gap
    # exists iff alpha * min f < 1 (all intervals at once, vectorised bisection)
    gaps = []  # (x_low, x_high, u_min) of each gap
    if t.size > 1:
        a, b = t[:-1], t[1:]
        with np.errstate(divide="ignore", invalid="ignore"):
            umin = _bisect(fprime, a, b, increasing=True)
            has_gap = h(umin) < 0.0
            if np.any(has_gap):
                a_, b_, um = a[has_gap], b[has_gap], umin[has_gap]
                u_left = _bisect(h, a_, um, increasing=False)
                u_right = _bisect(h, um, b_, increasing=True)
                gaps = list(zip(psi(u_left), psi(u_right), um))
    top, _ = _top_edge(t, w, alpha)
    # lower edge of the lowest component
    if abs(alpha * w_pos - 1.0) < 1e-10:
        bottom = 0.0  # square case: the support touches 0
    elif alpha * w_pos < 1.0:
        # root of alpha f = 1 on (0, tau_min): f increases from w_pos to +inf
        u0 = _bisect(h, np.array([0.0]), np.array([t[0]]), increasing=True)
        bottom = float(psi(u0)[0])
    elif alpha * w_pos > 1.0:
        # more dimensions than samples: the lower edge comes from m > 0, i.e. u < 0, where
        # f increases from 0 (u -> -inf) to w_pos (u = 0)
        def h_neg(log_s):
            return alpha * f(np.array([-np.exp(log_s)]))[0] - 1.0

        lo = np.log(1e-12 * t[0])
        hi = np.log(2.0 * t[-1] * np.sqrt(alpha * w_pos))  # alpha f < 1 beyond this
        u0 = -np.exp(optimize.brentq(h_neg, lo, hi, xtol=1e-14))
        bottom = float(psi(np.array([u0]))[0])
    # components from the top down; exact separation: the sample eigenvalues above a gap
    # are as many as the population eigenvalues whose poles lie above it
    comps = []
    upper = top
    mass_above = 0.0
    for x_low, x_high, um in sorted(gaps, key=lambda g: -g[0]):
        mass = float(np.sum(w[t > um]))
        comps.append((float(x_high), float(upper), mass - mass_above))
        mass_above = mass
        upper = x_low
    comps.append((bottom, float(upper), min(w_pos, 1.0 / alpha) - mass_above))
    return comps[::-1]


def top_sample_eigenvalue(
    population_eigenvalues, alpha, weights=None, outliers="separate", min_weight=0.1
):
    """Predicted largest eigenvalue of a sample covariance matrix: the Marchenko-Pastur /
    Silverstein curve of DESIGN 3.5 (Ising bullet, "the full predicted curve").

    Parameters
    ----------
    population_eigenvalues : array
        Spectrum of the population covariance (a discrete measure; equal weights unless
        ``weights`` is given).  Zero eigenvalues are allowed (e.g. one-hot Potts data).
    alpha : float or array
        ``N / n_samples`` with ``N`` the dimension of the population matrix (``len`` of
        ``population_eigenvalues`` for equal weights).  Vectorised over ``alpha``.
    outliers : {"separate", "bulk"}
        ``"separate"`` (default): right edge of the whole support, computed with the
        measure as given.  An isolated population eigenvalue makes its own small support
        component (an outlier cluster of weight ``w``); its right edge converges to the BBP
        value ``psi(tau) = tau (1 + alpha sum_j w_j tau_j / (tau - tau_j))`` as ``w -> 0``,
        with an ``O(sqrt(w))`` excess.  For a single spike ``l`` over unit eigenvalues and
        ``w -> 0`` this is :func:`bbp_top_eigenvalue`; for a continuous band (e.g. the Ising
        spectrum at large N) it is the ordinary soft edge.
        ``"bulk"``: right edge of the topmost support component holding at least
        ``min_weight`` of the eigenvalues, i.e. ignoring outlier clusters (for a spike over
        unit eigenvalues this is ``(1 + sqrt(alpha))**2`` whatever the spike).  NaN when
        no component is that heavy (at small ``alpha`` a discrete population is resolved
        into many small clusters and there is no bulk).
    min_weight : float
        Weight threshold of a bulk component for ``outliers="bulk"``.

    Method: :func:`sample_spectrum_support` / Silverstein-Choi.  On ``m in (-1/tau_max, 0)``
    the function ``x(m) = -1/m + alpha sum_j w_j tau_j / (1 + tau_j m)`` is convex and goes
    to ``+inf`` at both ends; its minimum is the right edge of the support.  It is found as
    the root of ``dx/dm = 0``, written in ``u = -1/m - tau_max > 0`` on a log scale so that
    roots extremely close to the pole (tiny spike weights) are resolved.
    """
    if outliers not in ("separate", "bulk"):
        raise ValueError('outliers must be "separate" or "bulk"')
    alpha_arr = np.asarray(alpha, dtype=float)
    t, w = _population(population_eigenvalues, weights)
    out = np.empty(alpha_arr.shape)
    for idx, a in np.ndenumerate(alpha_arr):
        if a <= 0:
            out[idx] = t[-1]
        elif outliers == "separate":
            out[idx] = _top_edge(t, w, a)[0]
        else:
            heavy = [c for c in sample_spectrum_support(t, a, weights=w) if c[2] >= min_weight]
            out[idx] = heavy[-1][1] if heavy else np.nan
    return out[()] if out.ndim == 0 else out


def sample_spectrum_density(population_eigenvalues, alpha, x, weights=None, eta=1e-10):
    """Limiting density of the sample-covariance eigenvalues (DESIGN 3.5, Ising bullet).

    Solves the Marchenko-Pastur/Silverstein equation
    ``z = -1/m_ + alpha sum_j w_j tau_j / (1 + tau_j m_)`` for the companion Stieltjes
    transform ``m_(z)`` (of ``X X^T / n``) at ``z = x + i eta``: fixed-point iteration at
    large ``eta``, then Newton's method continued down to ``eta`` (with a fixed-point
    fallback wherever Newton leaves the upper half plane).  The ``N x N`` matrix's
    transform is ``m = (m_ + (1 - alpha)/z) / alpha`` and the returned density is
    ``Im m / pi`` minus the Lorentzian of the atom at 0 (weight ``1 - min(w_+, 1/alpha)``,
    ``w_+`` the weight of positive population eigenvalues): the continuous part, which
    integrates to ``min(w_+, 1/alpha)``.  ``alpha = N / n``.  Vectorised over ``x``.
    Cost ~ ``len(x) * len(population)`` per iteration: use :func:`sample_spectrum_support`
    or :func:`top_sample_eigenvalue` for edges.
    """
    t, w = _population(population_eigenvalues, weights)
    x = np.asarray(x, dtype=float)
    xs = x.ravel()
    alpha = float(alpha)
    atom = 1.0 - min(float(w.sum()), 1.0 / alpha)

    wt, wt2 = alpha * w * t, alpha * w * t**2

    def G(m):  # alpha sum_j w_j tau_j / (1 + tau_j m)
        return (1.0 / (1.0 + t * m[:, None])) @ wt

    def G_dG(m):
        r = 1.0 / (1.0 + t * m[:, None])
        return r @ wt, -((r * r) @ wt2)

    etas = np.geomspace(max(10.0 * (t[-1] + 1.0) * (1.0 + alpha), 1.0), eta, 25)
    z = xs + 1j * etas[0]
    m = -1.0 / z
    for _ in range(100):  # contraction for large eta: m = 1 / (-z + G(m))
        m = 1.0 / (-z + G(m))
    for e in etas[1:]:
        z = xs + 1j * e
        m_prev = m.copy()
        active = np.ones(m.shape, bool)
        for _ in range(30):
            ma = m[active]
            g, dg = G_dG(ma)
            step = (-1.0 / ma + g - z[active]) / (1.0 / ma**2 + dg)
            m[active] = ma - step
            done = np.abs(step) <= 1e-13 * np.abs(ma)
            idx = np.flatnonzero(active)
            active[idx[done]] = False
            if not active.any():
                break
        bad = ~np.isfinite(m) | (m.imag < 0) | active
        if np.any(bad):
            mb, zb = m_prev[bad], z[bad]
            for _ in range(2000):
                mb = 1.0 / (-zb + G(mb))
            m[bad] = mb
    z = xs + 1j * eta
    m_n = (m + (1.0 - alpha) / z) / alpha
    rho = (m_n.imag - atom * eta / (xs**2 + eta**2)) / np.pi
    return np.clip(rho, 0.0, None).reshape(x.shape)


# ----------------------------------------------------------------------------------------
# Ising ring
# ----------------------------------------------------------------------------------------


def ising_correlation(r, beta, n_visible=None):
    """Spin correlation ``<v_i v_{i+r}>`` on the Ising ring (DESIGN 3.1; paper eq. 9).

    ``(t^r + t^(N-r)) / (1 + t^N)`` with ``t = tanh(beta)`` and ``r`` taken modulo ``N``;
    ``n_visible=None`` (or ``inf``) gives the infinite-chain ``t^|r|``.  Vectorised
    (broadcasts ``r`` against ``beta``); valid for negative (antiferromagnetic) beta too.
    """
    r = np.abs(np.asarray(r))
    t = np.tanh(np.asarray(beta, dtype=float))
    if n_visible is None or np.isinf(n_visible):
        return t ** r.astype(float)
    n = int(n_visible)
    r = np.mod(r, n).astype(float)
    return (t**r + t ** (n - r)) / (1.0 + t**n)


def ising_correlation_matrix(n_visible, beta):
    """Exact ``N x N`` correlation matrix of the periodic Ising ring (DESIGN 3.1; paper eq. 9).

    Circulant: ``C_ij = ising_correlation(j - i, beta, N)``, unit diagonal.
    """
    n = int(n_visible)
    idx = np.arange(n)
    return ising_correlation(idx[None, :] - idx[:, None], beta, n)


def ising_correlation_length(beta):
    """Correlation length ``xi = 1 / ln coth|beta|`` (DESIGN 3.1; ``xi(1) = 3.67``).

    Defined by ``<v_0 v_r> = t^r = sign(t)^r exp(-r / xi)`` (infinite chain).  At ``beta = 0``
    the spins are independent and ``coth 0 = inf``, so ``xi = 0`` (returned, not inf);
    ``xi -> inf`` as ``|beta| -> inf``.  Vectorised.
    """
    t = np.abs(np.tanh(np.asarray(beta, dtype=float)))
    with np.errstate(divide="ignore"):
        xi = -1.0 / np.log(t)
    return np.where(t == 0.0, 0.0, xi)[()]


def ising_signal_eigenvalue(beta, n_visible=None):
    """Ising 'signal' eigenvalue ``Lambda_Ising = sum_r C(r)`` (DESIGN 3.5 eq. 26; seed text
    eq. 25): ``(1+t)/(1-t) * (1 - t^N)/(1 + t^N)``, ``t = tanh(beta)``.

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
    ``j = 0..N-1`` (wave number ``k = 2 pi j / N``) (DESIGN 3.5, Ising bullet).

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
    """The paper's crossover ``beta_c(alpha) = log(1 + sqrt(alpha))`` (DESIGN 3.5 eq. 27;
    seed text eq. 26): where the infinite-chain signal eigenvalue ``exp(2 beta)`` equals
    the MP edge ``(1 + sqrt(alpha))**2``.  Vectorised."""
    return np.log1p(np.sqrt(np.asarray(alpha, dtype=float)))


def bbp_threshold_beta(alpha):
    """Single-spike BBP threshold in beta: ``exp(2 beta) = 1 + sqrt(alpha)``, i.e.
    ``beta = log(1 + sqrt(alpha)) / 2`` (DESIGN 3.5, next to eq. 27).  Vectorised."""
    return 0.5 * np.log1p(np.sqrt(np.asarray(alpha, dtype=float)))


# ----------------------------------------------------------------------------------------
# Discretised XY = Potts ring
# ----------------------------------------------------------------------------------------


def xy_lambdas(beta, q):
    """Transfer-matrix eigenvalues of the Potts/XY ring (DESIGN 3.5 eq. 29; seed text eq. 28):
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
    """Normalised one-hot correlation of the Potts/XY ring (DESIGN 3.5 eq. 28; seed text eq. 27).

    ``C(r, d) = <x_{i,v} x_{i+r,v'}>`` for the one-hot, centred, unit-diagonal encoding of
    DESIGN 3.4 (``x_{i,v} = ([s_i = v] - 1/q) * q / sqrt(q - 1)``), with ``r`` the site
    distance and ``p_diff = d = v - v'`` the Potts-state difference (mod q).

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
    (DESIGN 3.5 eq. 28, finite-N form of :func:`xy_correlation`; encoding of DESIGN 3.4).

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
    """Eigenvalues of the finite-ring Potts/XY correlation matrix (DESIGN 3.5 eqs. 28-29),
    as an ``(N, q)`` array indexed by the spatial wave number ``j`` and angular mode ``p``.

    The matrix depends on ``(j - i mod N, v - v' mod q)`` only (doubly circulant), so its
    eigenvalues are the 2D FFT of the table ``C(r, d)``.  The ``p = 0`` column is 0 (the
    centred one-hot vector of a site sums to zero); the top is at ``(j, p) = (0, 1)`` and
    ``(0, q-1)`` for ``beta > 0``.  Flatten it for :func:`top_sample_eigenvalue` (with
    ``alpha = N q / n_samples``).
    """
    n, q = int(n_visible), int(q)
    table = xy_correlation(np.arange(n)[:, None], np.arange(q)[None, :], beta, q, n)
    return np.fft.fft2(table).real


def xy_signal_eigenvalue(beta, q, n_visible=None):
    """XY 'signal' eigenvalue ``Lambda_XY = q/(q-1) (lambda_0 + lambda_1)/(lambda_0 - lambda_1)``
    (DESIGN 3.5 eq. 30; seed text eq. 29): top eigenvalue of the infinite-chain correlation
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
    """XY 'noise' eigenvalue as printed in the paper (DESIGN 3.5 eq. 31; seed text eq. 30):
    ``q/(q-1) + (1 + sqrt(alpha q))**2``, ``alpha = N / n_samples``.  Vectorised.

    See :func:`xy_noise_edge_mp` for what independent (beta = 0) Potts data actually give.
    """
    alpha = np.asarray(alpha, dtype=float)
    return q / (q - 1.0) + (1.0 + np.sqrt(alpha * q)) ** 2


def xy_noise_edge_mp(alpha, q):
    """Marchenko-Pastur edge for independent Potts sites (DESIGN 3.5, XY bullet):
    ``q/(q-1) * (1 + sqrt(alpha (q-1)))**2``, ``alpha = N / n_samples``.

    At beta = 0 the population matrix is block diagonal with blocks ``(q I - J)/(q-1)``:
    eigenvalue ``q/(q-1)`` on an ``N (q-1)``-dimensional space and 0 on the rest, hence a
    scaled MP law with ratio ``alpha (q-1)``.  Vectorised.
    """
    alpha = np.asarray(alpha, dtype=float)
    return q / (q - 1.0) * (1.0 + np.sqrt(alpha * (q - 1.0))) ** 2


# ----------------------------------------------------------------------------------------
# Small-beta learning dynamics (DESIGN 3.5, eqs. 37-51)
# ----------------------------------------------------------------------------------------


def small_beta_rhs(w):
    """Small-beta learning dynamics of ``M`` hidden units on a ring, lattice form
    (DESIGN 3.5 eqs. 37 and 50-51; seed text eqs. 36 and 49-50).

    ``dw_{i mu}/dt = w_{i+1,mu} + w_{i-1,mu} - w_{i mu} sum_k w_{k mu}^2 + w_{i mu}^3
    + sum_{nu != mu} [w_{i mu} w_{i nu}^2 - w_{i nu} sum_k w_{k mu} w_{k nu}]``,
    i.e. in matrix form ``dW/dt = A W - W (W^T W) + W * sum_nu W_{. nu}^2`` with ``A`` the
    ring's adjacency matrix.  For ``M = 1`` it is eq. 37, for ``M = 2`` eqs. 50-51.  The
    ``M``-unit form follows from the same third-order expansion: the model term
    ``<v_i sinh I_mu prod_{nu != mu} cosh I_nu> / <prod_nu cosh I_nu>`` only couples units
    pairwise at order ``w^3``.  ``w``: shape ``(N,)`` or ``(N, M)``.
    """
    w = np.asarray(w, dtype=float)
    if w.ndim == 1:
        return np.roll(w, 1) + np.roll(w, -1) - w * np.dot(w, w) + w**3
    gram = w.T @ w
    return (
        np.roll(w, 1, axis=0)
        + np.roll(w, -1, axis=0)
        - w @ gram
        + w * np.sum(w**2, axis=1, keepdims=True)
    )


def one_unit_rhs(w):
    """Eq. 37 of DESIGN 3.5 (seed text eq. 36), one hidden unit on a ring of ``N = len(w)``
    sites: ``dw_i/dt = w_{i+1} + w_{i-1} - w_i sum_k w_k^2 + w_i^3``."""
    w = np.asarray(w, dtype=float)
    if w.ndim != 1:
        raise ValueError("one_unit_rhs takes a 1-D weight vector")
    return small_beta_rhs(w)


def two_unit_rhs(w):
    """Eqs. 50-51 of DESIGN 3.5 (seed text eqs. 49-50), two hidden units, ``w`` of shape
    ``(N, 2)``: ``dw_i1/dt = w_{i+1,1} + w_{i-1,1} - w_i1 sum_k w_k1^2 + w_i1^3
    + w_i1 w_i2^2 - w_i2 sum_k w_k1 w_k2`` and 1 <-> 2."""
    w = np.asarray(w, dtype=float)
    if w.ndim != 2 or w.shape[1] != 2:
        raise ValueError("two_unit_rhs takes weights of shape (N, 2)")
    return small_beta_rhs(w)


def continuum_rhs(w, dx):
    """Continuum small-beta dynamics on a periodic grid (DESIGN 3.5 eqs. 38-39; seed text
    eqs. 37-38): ``dw/dt = d2w/dx2 + (2 - b) w + w^3``, ``b = int w^2 dx``, with the
    3-point Laplacian and ``b = dx sum_i w_i^2``.

    ``w`` of shape ``(N, M)`` gives the ``M``-unit version (seed text eqs. 51-52), with the
    couplings of :func:`small_beta_rhs` and sums over sites replaced by integrals:
    ``dW/dt = W'' + 2 W - W (dx W^T W) + W * sum_nu W_{. nu}^2``.
    With ``dx = 1`` this is exactly the lattice equation (37): the continuum equation is its
    long-wavelength form, ``x`` measured in lattice spacings.
    """
    w = np.asarray(w, dtype=float)
    lap = (np.roll(w, 1, axis=0) + np.roll(w, -1, axis=0) - 2.0 * w) / dx**2
    if w.ndim == 1:
        return lap + (2.0 - dx * np.dot(w, w)) * w + w**3
    return lap + 2.0 * w - dx * (w @ (w.T @ w)) + w * np.sum(w**2, axis=1, keepdims=True)


_GRAM_RELAXATION = 1e-2  # epsilon of the auxiliary Gram-matrix equation (see below)


def _gram_blocks(v, n, m):
    """Sparse (m*m, n*m) matrices R1, R2 with (R1 x)_{kl} = sum_i x_{ik} v_{il} and
    (R2 x)_{kl} = sum_i v_{ik} x_{il}, for x flattened as i*m + mu."""
    i, k, l = np.meshgrid(np.arange(n), np.arange(m), np.arange(m), indexing="ij")
    rows = (k * m + l).ravel()
    r1 = sparse.csr_matrix((v[i, l].ravel(), (rows, (i * m + k).ravel())), shape=(m * m, n * m))
    r2 = sparse.csr_matrix((v[i, k].ravel(), (rows, (i * m + l).ravel())), shape=(m * m, n * m))
    return r1, r2


def _augmented_rhs(y, n, m, h, eps=_GRAM_RELAXATION):
    """Small-beta dynamics with the Gram matrix ``G = h W^T W`` carried as extra state.

    ``dW/dt = lap_h W + 2 W - W G + W * sum_nu W_{. nu}^2`` (= :func:`continuum_rhs`, and
    :func:`small_beta_rhs` for ``h = 1``, when ``G = h W^T W``) and
    ``dG/dt = h (dW^T W + W^T dW) - (G - h W^T W) / eps``.  The manifold ``G = h W^T W`` is
    invariant and attracting (deviations decay as ``exp(-t/eps)``), so on it the dynamics is
    exactly the original one; the point is that the Jacobian becomes sparse (an arrow), so
    implicit steps cost O(N) instead of a dense LU.
    """
    w = y[: n * m].reshape(n, m)
    g = y[n * m :].reshape(m, m)
    lap = (np.roll(w, 1, axis=0) + np.roll(w, -1, axis=0) - 2.0 * w) / h**2
    wdot = lap + 2.0 * w - w @ g + w * np.sum(w**2, axis=1, keepdims=True)
    gdot = h * (wdot.T @ w + w.T @ wdot) - (g - h * (w.T @ w)) / eps
    return np.concatenate([wdot.ravel(), gdot.ravel()])


def _augmented_jacobian(y, n, m, h, lap_kron, eps=_GRAM_RELAXATION):
    """Sparse Jacobian of :func:`_augmented_rhs` (``lap_kron = kron(lap_h, I_m)``, sparse)."""
    w = y[: n * m].reshape(n, m)
    g = y[n * m :].reshape(m, m)
    s = np.sum(w**2, axis=1)
    # d(dW_i)/d(W_i): (2 + s_i) I - G^T + 2 w_i w_i^T, block diagonal over sites
    blocks = (2.0 + s)[:, None, None] * np.eye(m) - g.T[None] + 2.0 * w[:, :, None] * w[:, None, :]
    j_ww = (
        lap_kron + sparse.block_diag(list(blocks), format="csr")
        if m > 1
        else (lap_kron + sparse.diags(blocks[:, 0, 0]))
    )
    # d(dW_{i mu})/d(G_{k l}) = -W_{i k} delta_{l mu}
    i, mu, k = np.meshgrid(np.arange(n), np.arange(m), np.arange(m), indexing="ij")
    j_wg = sparse.csr_matrix(
        (-w[i, k].ravel(), ((i * m + mu).ravel(), (k * m + mu).ravel())), shape=(n * m, m * m)
    )
    r1, r2 = _gram_blocks(w, n, m)
    r = r1 + r2
    wdot = _augmented_rhs(y, n, m, h, eps)[: n * m].reshape(n, m)
    d1, d2 = _gram_blocks(wdot, n, m)
    j_gw = h * (r @ j_ww + r / eps + d1 + d2)
    j_gg = h * (r @ j_wg) - sparse.identity(m * m) / eps
    return sparse.bmat([[j_ww, j_wg], [j_gw, j_gg]], format="csc")


def integrate_small_beta(
    n_sites,
    n_units=1,
    t_max=None,
    init_std=0.01,
    seed=0,
    dx=1.0,
    continuum=False,
    n_times=201,
    w0=None,
    rtol=1e-8,
    atol=1e-11,
):
    """Integrate the small-beta learning dynamics (DESIGN 3.5 eqs. 37-39, 50-51).

    ``continuum=False``: lattice equations (37) / (50-51) (:func:`small_beta_rhs`) on a
    ring of ``n_sites`` sites (``dx`` ignored).  ``continuum=True``: the PDE (38-39)
    (:func:`continuum_rhs`) on a periodic grid of ``n_sites`` points of spacing ``dx``
    (ring length ``L = n_sites * dx``).  ``n_units`` hidden units (pairwise couplings of
    :func:`small_beta_rhs`).

    Initial weights ``init_std * rng.standard_normal((n_sites, n_units))`` with
    ``rng = numpy.random.default_rng(seed)`` (or ``w0`` if given).  Integrated with
    ``scipy.integrate.solve_ivp``, implicit BDF (the Laplacian at ``dx = 0.1`` makes the
    PDE stiff).  The non-local term would make the Jacobian dense; instead the Gram matrix
    ``G = dx W^T W`` is carried as extra state relaxing onto its definition (see
    ``_augmented_rhs``), which leaves the dynamics unchanged and the Jacobian sparse, so
    each step costs O(N) and no threaded dense LAPACK is involved.  Default
    ``t_max = 1000``: one unit settles by ``t ~ 200`` (N = 100 or L = 40), two units by
    ``t ~ 600`` (N = 100).  Times are in the rescaled units of eq. 37 (learning time times
    beta).

    Returns ``(times, weights)``: ``times`` shape ``(n_times,)`` linearly spaced on
    ``[0, t_max]``; ``weights`` shape ``(n_times, n_sites)`` for one unit, else
    ``(n_times, n_sites, n_units)``.
    """
    n, m = int(n_sites), int(n_units)
    if n < 3 or m < 1:
        raise ValueError("need n_sites >= 3 and n_units >= 1")
    if t_max is None:
        t_max = 1000.0
    h = float(dx) if continuum else 1.0
    if w0 is None:
        rng = np.random.default_rng(seed)
        w0 = init_std * rng.standard_normal((n, m))
    w0 = np.asarray(w0, dtype=float).reshape(n, m)
    y0 = np.concatenate([w0.ravel(), (h * (w0.T @ w0)).ravel()])

    lap = sparse.diags([1.0, -2.0, 1.0], [-1, 0, 1], shape=(n, n), format="lil")
    lap[0, n - 1] = 1.0
    lap[n - 1, 0] = 1.0
    lap_kron = sparse.kron(lap.tocsr() / h**2, sparse.identity(m), format="csr")

    times = np.linspace(0.0, float(t_max), int(n_times))
    sol = integrate.solve_ivp(
        lambda _t, y: _augmented_rhs(y, n, m, h),
        (0.0, float(t_max)),
        y0,
        method="BDF",
        t_eval=times,
        jac=lambda _t, y: _augmented_jacobian(y, n, m, h, lap_kron),
        rtol=rtol,
        atol=atol,
    )
    if not sol.success:  # pragma: no cover - numerical failure is reported, not hidden
        raise RuntimeError(f"small-beta integration failed: {sol.message}")
    weights = sol.y[: n * m].T.reshape(len(sol.t), n, m)
    if m == 1:
        weights = weights[:, :, 0]
    return sol.t, weights


def stationary_b():
    """Stable stationary value of ``b = int w^2`` (DESIGN 3.5 eq. 44; seed text eqs. 43-44).

    ``b = 4 sqrt(b - 2)`` has roots ``8 +- 4 sqrt(2)``; the stable one is
    ``8 - 4 sqrt(2) = 2.3431...``.
    """
    return 8.0 - 4.0 * np.sqrt(2.0)


def stationary_profile(x, b=None):
    """Stationary receptive field of the continuum equation (DESIGN 3.5 eq. 44; seed text
    eq. 43): ``w(x) = sqrt(2 (b - 2)) / cosh(x sqrt(b - 2))``, centred at 0,
    ``b = stationary_b()`` by default (then ``w = (2 sqrt 2 - 2) / cosh((2 - sqrt 2) x)``).
    Vectorised over ``x``."""
    b = stationary_b() if b is None else float(b)
    k = np.sqrt(b - 2.0)
    return np.sqrt(2.0 * (b - 2.0)) / np.cosh(np.asarray(x, dtype=float) * k)


def profile_height(b=None):
    """Peak height ``sqrt(2 (b - 2))`` of :func:`stationary_profile` (DESIGN 3.5 eq. 44);
    ``2 sqrt(2) - 2 = 0.8284`` for the stable ``b``."""
    b = stationary_b() if b is None else float(b)
    return np.sqrt(2.0 * (b - 2.0))


def profile_fwhm(b=None):
    """Full width at half maximum of :func:`stationary_profile` (DESIGN 3.5 eq. 44):
    ``2 arccosh(2) / sqrt(b - 2)`` (= 4.496 lattice spacings for the stable ``b``)."""
    b = stationary_b() if b is None else float(b)
    return 2.0 * np.arccosh(2.0) / np.sqrt(b - 2.0)


# ----------------------------------------------------------------------------------------
# Gaussian-Gaussian RBM (seed 002)
# ----------------------------------------------------------------------------------------


def gaussian_mode_rhs(w, data_variance, sigma_v=1.0, sigma_h=1.0):
    """Learning dynamics of one SVD mode of a Gaussian-Gaussian RBM (DESIGN 3.5, last bullet;
    seed 002): ``dw/dt = w sigma_h^2 (<s^2>_data - sigma_v^2 / (1 - sigma_v^2 sigma_h^2 w^2))``.

    ``data_variance`` is ``<s_alpha^2>_data``, the data variance along the mode.  The model
    is normalisable only for ``sigma_v^2 sigma_h^2 w^2 < 1``.  Vectorised.
    """
    w = np.asarray(w, dtype=float)
    sv2, sh2 = float(sigma_v) ** 2, float(sigma_h) ** 2
    return w * sh2 * (np.asarray(data_variance, dtype=float) - sv2 / (1.0 - sv2 * sh2 * w**2))


def gaussian_mode_fixed_point(data_variance, sigma_v=1.0, sigma_h=1.0):
    """Stable fixed point ``|w|`` of :func:`gaussian_mode_rhs` (DESIGN 3.5, last bullet):
    ``w^2 = (1 - sigma_v^2 / <s^2>) / (sigma_v^2 sigma_h^2)`` for modes whose data variance
    exceeds ``sigma_v^2``, else 0 (the mode decays).  Vectorised."""
    s2 = np.asarray(data_variance, dtype=float)
    sv2, sh2 = float(sigma_v) ** 2, float(sigma_h) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        w2 = (1.0 - sv2 / s2) / (sv2 * sh2)
    return np.sqrt(np.where(s2 > sv2, w2, 0.0))[()]
