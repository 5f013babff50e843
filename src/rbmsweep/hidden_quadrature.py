"""Quadrature over one or two real hidden units: log Z = log ∫ dh f(h) (docs/physics.md §12.3).

f(h) = exp(Σ_μ (−U_μ(h_μ) + c_μ h_μ) + Σ_i Γ_v(x_i(h))) is the visible layer summed out
(``kernels.general_partition.log_hidden_integrand``).  The rule:

1. **Where the mass is.**  Γ_v grows at most linearly in h for discrete visible units
   (Γ_v(x_i) ≤ log S + max_a |x_ia|) and quadratically for Gaussian ones, so
   log f(h) ≤ C + Σ_μ (−κ h_μ²/2 + A_μ |h_μ|) with κ the smallest curvature of the potentials
   (less σ_v² s_max(W)² for Gaussian visible units) and A_μ the slopes (``_bound``).  Outside
   the box |h_μ| ≤ L_μ where that bound is ``DEPTH`` below log f(0) the integrand is
   negligible (< e^{−DEPTH} of the integral).
2. **Window.**  log f on a coarse grid of step ½κ^{−1/2} over the box; keep the cells whose
   corners reach within ``DEPTH`` + 1 of the coarse maximum, plus one cell each side.
   Since log f + κ|h|²/2 is convex (Γ_v is convex), log f exceeds the larger of a cell's
   corners by at most κ δ²/2 = 1/8 inside it: no mass is missed.
3. **Gauss–Legendre** with ``NODES`` nodes per panel (a tensor product in two dimensions) on
   panels of width κ^{−1/2} over the window, with a panel edge at h_μ = 0 (the kink of the
   double well), then again with panels half as wide; the difference is the accuracy
   estimate.  Panels are halved until it is below ``TOLERANCE`` (at most ``MAX_HALVINGS``
   times), else a ValueError says so.
"""

import numpy as np
from scipy.special import logsumexp

from .kernels.general_partition import log_hidden_integrand
from .kernels.unit_functions import DOUBLE_WELL, GAUSSIAN, POTTS

#: nodes per panel and dimension
NODES = 16
#: how far below the top (in log f) the integrand is neglected
DEPTH = 60.0
#: target accuracy of log Z (absolute)
TOLERANCE = 1e-10
MAX_HALVINGS = 4
#: the most hidden units integrated over
MAX_REAL_HIDDEN = 2


def log_integrand(rbm, points):
    """log f(h) at ``points`` (P, M)."""
    out = np.empty(len(points))
    log_hidden_integrand(np.ascontiguousarray(points, dtype=np.float64), rbm.weights3,
                         rbm.fields2, rbm.hidden_fields, rbm.visible.code,
                         rbm.visible.variance, rbm.hidden.code, rbm.hidden.variance,
                         rbm.hidden.theta, out)
    return out


def _bound(rbm):
    """(C, κ, A) with log f(h) ≤ C + Σ_μ (−κ h_μ²/2 + A_μ |h_μ|) (docs/physics.md §12.3)."""
    w, g = rbm.weights3, rbm.fields2  # (N, M, S), (N, S)
    kappa = 1.0 / rbm.hidden.variance if rbm.hidden.code == GAUSSIAN else 1.0
    slopes = np.abs(rbm.hidden_fields).astype(np.float64)
    if rbm.hidden.code == DOUBLE_WELL:
        slopes = slopes + max(-rbm.hidden.theta, 0.0)
    if rbm.visible.code == GAUSSIAN:
        s2 = rbm.visible.variance
        matrix = w[:, :, 0]
        kappa = kappa - s2 * np.linalg.norm(matrix, 2) ** 2
        if kappa <= 0:
            raise ValueError("the hidden integral diverges: the model is not normalisable "
                             "(docs/physics.md §12.4)")
        slopes = slopes + s2 * np.abs(matrix.T @ g[:, 0])
        constant = 0.5 * s2 * np.sum(g**2) + rbm.n_visible * 0.5 * np.log(2 * np.pi * s2)
    else:
        slopes = slopes + np.abs(w).max(axis=2).sum(axis=0)
        n_values = rbm.visible.q if rbm.visible.code == POTTS else 2
        constant = np.sum(np.log(n_values) + np.abs(g).max(axis=1))
    return constant, kappa, slopes


def _box(rbm):
    """Half-widths L_μ of the box outside which f is negligible, and κ."""
    constant, kappa, slopes = _bound(rbm)
    reference = log_integrand(rbm, np.zeros((1, rbm.n_hidden)))[0]
    peaks = slopes**2 / (2 * kappa)  # max of −κh²/2 + A|h|
    reach = reference - DEPTH - constant - (peaks.sum() - peaks)  # per dimension
    # −κL²/2 + A L = reach  (reach < A²/2κ always: f(0) is below the bound's top)
    half_widths = (slopes + np.sqrt(np.maximum(slopes**2 - 2 * kappa * reach, 0.0))) / kappa
    return np.maximum(half_widths, 1.0 / np.sqrt(kappa)), kappa


def _grid(low, high, step):
    """Points from low to high (inclusive) on a lattice of ``step`` that contains 0."""
    return step * np.arange(np.floor(low / step), np.ceil(high / step) + 1)


def _window(rbm):
    """Per dimension, the (low, high) interval that holds the mass, and κ."""
    half_widths, kappa = _box(rbm)
    step = 0.5 / np.sqrt(kappa)
    axes = [_grid(-L, L, step) for L in half_widths]
    mesh = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, rbm.n_hidden)
    values = log_integrand(rbm, mesh).reshape([len(a) for a in axes])
    keep = values >= values.max() - DEPTH - 1.0
    window = []
    for mu, axis in enumerate(axes):
        other = tuple(k for k in range(rbm.n_hidden) if k != mu)
        index = np.flatnonzero(keep.any(axis=other) if other else keep)
        low = axis[max(index[0] - 1, 0)] - step
        high = axis[min(index[-1] + 1, len(axis) - 1)] + step
        window.append((low, high))
    return window, kappa


def _panel_nodes(low, high, width):
    """Gauss–Legendre nodes and log weights on [low, high], panels of ``width`` aligned on 0."""
    edges = _grid(low, high, width)
    x, w = np.polynomial.legendre.leggauss(NODES)
    left, right = edges[:-1, None], edges[1:, None]
    nodes = (0.5 * (right - left) * x + 0.5 * (right + left)).ravel()
    weights = (0.5 * (right - left) * w).ravel()
    return nodes, np.log(weights)


def _rule(window, width):
    axes = [_panel_nodes(low, high, width) for low, high in window]
    points = np.stack(np.meshgrid(*[a[0] for a in axes], indexing="ij"), -1)
    log_weights = sum(np.meshgrid(*[a[1] for a in axes], indexing="ij"))
    return points.reshape(-1, len(window)), log_weights.ravel()


def quadrature(rbm):
    """(points (P, M), log weights (P,), log f at the points, accuracy):
    ∫ dh f(h) ≈ Σ_p e^{log w_p} f(h_p) by the finest rule of the module docstring; the accuracy
    is the change of log Z at the last halving of the panels."""
    if not rbm.hidden.real or rbm.n_hidden > MAX_REAL_HIDDEN:
        raise ValueError(f"quadrature over the hidden units needs at most {MAX_REAL_HIDDEN} "
                         f"real hidden units; this RBM has {rbm.n_hidden} {rbm.hidden.name}")
    window, kappa = _window(rbm)
    width = 1.0 / np.sqrt(kappa)
    points, log_weights = _rule(window, width)
    log_z = logsumexp(log_integrand(rbm, points) + log_weights)
    for _ in range(MAX_HALVINGS):
        width /= 2
        points, log_weights = _rule(window, width)
        values = log_integrand(rbm, points)
        finer = logsumexp(values + log_weights)
        change = abs(finer - log_z)
        log_z = finer
        if change <= TOLERANCE * max(1.0, abs(log_z)):
            return points, log_weights, values, change
    raise ValueError(f"the quadrature over the hidden units did not converge: log Z changed by "
                     f"{change:.2e} at the last halving of the panels")


def log_partition(rbm):
    """(log Z, accuracy) by ``quadrature``."""
    _, log_weights, values, accuracy = quadrature(rbm)
    return logsumexp(values + log_weights), accuracy
