"""Random-matrix theory of sample covariance matrices (docs/physics.md §6).

The Marchenko-Pastur law of pure noise (its right edge is HTCM20 eq. 24,
``Lambda_MP = (1 + sqrt(alpha))**2``), the single-spike BBP transition, and the
Marchenko-Pastur/Silverstein equation for an arbitrary discrete population spectrum, which
gives the support, the density and the top edge of the limiting sample spectrum.

``alpha`` is always (dimension of the matrix) / (number of samples).
"""

from __future__ import annotations

import numpy as np

#: Relative round-off tolerance of a population spectrum: eigenvalues with
#: ``|tau| <= ROUNDOFF * max|tau|`` are exact zeros, and eigenvalues closer than that are one.
#: Spectra computed by FFT (``ising_population_eigenvalues``, ``xy_population_eigenvalues``)
#: carry absolute errors of a few ``eps * max|tau|``: the XY modes that are exactly 0 come out
#: as up to 2.5e-15 max|tau| of either sign (rings of 10-1000 sites, q = 2-20,
#: beta = 0-5).  ``1e-12`` is far above that and far below any eigenvalue that matters: one
#: of ``1e-12 max|tau|`` moves the sample spectrum by about that much.
ROUNDOFF = 1e-12


def marchenko_pastur_edges(alpha):
    """Edges of the Marchenko-Pastur law for unit-variance noise (docs/physics.md §6.1):
    ``((1 - sqrt(alpha))**2, (1 + sqrt(alpha))**2)``; the upper one is HTCM20 eq. 24,
    ``Lambda_MP = (1 + sqrt(alpha))**2``.

    ``alpha = N / n_samples`` (dimension over sample count).  Vectorised over ``alpha``.
    For ``alpha > 1`` the lower edge bounds the continuous part; there is also an atom
    at 0 (see :func:`marchenko_pastur_density`).
    """
    s = np.sqrt(np.asarray(alpha, dtype=float))
    return (1.0 - s) ** 2, (1.0 + s) ** 2


def marchenko_pastur_density(x, alpha):
    """Continuous part of the Marchenko-Pastur density (docs/physics.md §6.1).

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


def singular_value_edges(sigma, n_rows, n_cols):
    """Edges of the Marchenko-Pastur bulk of the singular values of an ``n_rows x n_cols``
    matrix of i.i.d. entries of standard deviation ``sigma`` (docs/physics.md §16.2):
    ``sigma sqrt(n) (1 -+ sqrt(kappa))`` with ``n = max(n_rows, n_cols)`` and
    ``kappa = min / max``, i.e. ``sigma |sqrt(n_rows) -+ sqrt(n_cols)|``: the square roots of
    the Marchenko-Pastur edges of ``W^T W`` ([F17] eqs. 37-38).  Vectorised over ``sigma``."""
    n, m = max(n_rows, n_cols), min(n_rows, n_cols)
    low, high = marchenko_pastur_edges(m / n)
    scale = np.asarray(sigma, dtype=float) * np.sqrt(n)
    return scale * np.sqrt(low), scale * np.sqrt(high)


def bbp_top_eigenvalue(spike, alpha):
    """Top sample eigenvalue for a single population spike over a unit bulk (Baik, Ben Arous
    and Peche 2005, the BBP transition; docs/physics.md §6.2).

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


def clean_spectrum(eigenvalues):
    """A covariance spectrum computed with round-off, cleaned: entries within
    ``ROUNDOFF * max|eigenvalue|`` of 0 (of either sign) set to exact 0; entries below
    ``-ROUNDOFF * max|eigenvalue|`` raise (no covariance spectrum); NaN or inf raise.
    Returns a new float array of the same shape."""
    tau = np.array(eigenvalues, dtype=float)
    if tau.size == 0 or not np.all(np.isfinite(tau)):
        raise ValueError("population eigenvalues must be finite (and at least one)")
    tolerance = ROUNDOFF * np.max(np.abs(tau))
    if np.any(tau < -tolerance):
        raise ValueError(f"population eigenvalues must be >= 0 (a covariance spectrum), got "
                         f"{tau.min():.3g} with max |tau| = {np.max(np.abs(tau)):.3g}")
    tau[np.abs(tau) <= tolerance] = 0.0
    return tau


def _population(population_eigenvalues, weights):
    """Distinct positive population eigenvalues (ascending) and their summed weights.

    Weights are normalised over the whole population, so they sum to ``w_+ <= 1`` when
    some eigenvalues are 0 (those do not enter the Silverstein equation).  Round-off is
    cleaned up, not rejected: eigenvalues within ``ROUNDOFF * max|tau|`` of 0 (of either
    sign) count as exact zeros, and eigenvalues within ``ROUNDOFF * max|tau|`` of each other
    as one (degenerate pairs of a circulant's FFT spectrum).  Eigenvalues below
    ``-ROUNDOFF * max|tau|`` are no covariance spectrum and raise.
    """
    tau = clean_spectrum(population_eigenvalues).ravel()
    if weights is None:
        w = np.full(tau.shape, 1.0 / tau.size)
    else:
        w = np.asarray(weights, dtype=float).ravel()
        if w.shape != tau.shape:
            raise ValueError("weights must have the shape of population_eigenvalues")
        if np.any(w < 0) or w.sum() <= 0:
            raise ValueError("weights must be non-negative with a positive sum")
        w = w / w.sum()
    keep = (w > 0) & (tau > 0)  # zeros do not enter x(m); their weight does
    order = np.argsort(tau[keep])
    t, ww = tau[keep][order], w[keep][order]
    if t.size == 0:
        raise ValueError("population has no positive eigenvalue")
    # merge (numerically) degenerate eigenvalues: circulant spectra come in pairs
    scale = t[-1]
    new = np.concatenate([[True], np.diff(t) > ROUNDOFF * scale])
    groups = np.cumsum(new) - 1
    t_u = np.zeros(groups[-1] + 1)
    w_u = np.zeros(groups[-1] + 1)
    np.add.at(w_u, groups, ww)
    np.add.at(t_u, groups, ww * t)
    t_u /= w_u
    return t_u, w_u


def silverstein_x(u, population_eigenvalues, alpha, weights=None):
    """Silverstein-Choi inverse map, in the variable ``u = -1/m`` (docs/physics.md §6.3).

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
    """Right edge of the support: root u* > tau_max of alpha f(u) = 1, value psi(u*)
    (Silverstein & Choi 1995; docs/physics.md §6.3)."""
    tmax, wmax = t[-1], w[-1]
    gap = tmax - t  # >= 0, exact 0 for the top eigenvalue (avoids cancellation)

    def g(log_delta):  # alpha f(tau_max + delta) - 1, decreasing in delta
        d = np.exp(log_delta)
        return alpha * np.sum(w * (t / (d + gap)) ** 2) - 1.0

    # alpha f >= alpha wmax tmax^2/d^2 and <= alpha tmax^2/d^2: root within these bounds
    lo = np.log(tmax * np.sqrt(alpha * wmax)) - 1e-9
    hi = np.log(tmax * np.sqrt(alpha)) + 1e-9
    from scipy import optimize  # (imported where needed: a training job needs no scipy.optimize)

    log_d = optimize.brentq(g, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    d = np.exp(log_d)
    u = tmax + d
    return u * (1.0 + alpha * np.sum(w * t / (d + gap))), u


def sample_spectrum_support(population_eigenvalues, alpha, weights=None):
    """Support of the limiting sample spectrum: list of ``(lower, upper, weight)`` components.

    Solves the Marchenko-Pastur/Silverstein equation (docs/physics.md §6.3) for a
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
        from scipy import optimize

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
    Silverstein curve (docs/physics.md §6.4).

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
    """Limiting density of the sample-covariance eigenvalues (docs/physics.md §6.3).

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

