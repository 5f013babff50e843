"""Learning dynamics of the Gaussian-Gaussian RBM, mode by mode (docs/physics.md §10).

With Gaussian visible (variance ``sigma_v^2``) and hidden (variance ``sigma_h^2``) units and
the weights written in their SVD basis, ``w_ij = sum_alpha u_i^alpha w_alpha v_j^alpha``, the
likelihood gradient decouples into one equation per singular value ``w_alpha`` (Decelle,
Fissore, Furtlehner, "Thermodynamics properties of restricted Boltzmann machines", cited as
[DFF] in docs/physics.md).
"""

from __future__ import annotations

import numpy as np


def gaussian_mode_rhs(w, data_variance, sigma_v=1.0, sigma_h=1.0):
    """Learning dynamics of one SVD mode of a Gaussian-Gaussian RBM ([DFF];
    docs/physics.md §10):
    ``dw/dt = w sigma_h^2 (<s^2>_data - sigma_v^2 / (1 - sigma_v^2 sigma_h^2 w^2))``.

    ``data_variance`` is ``<s_alpha^2>_data``, the data variance along the mode.  The model
    is normalisable only for ``sigma_v^2 sigma_h^2 w^2 < 1``.  Vectorised (every argument).
    """
    w = np.asarray(w, dtype=float)
    sv2, sh2 = np.asarray(sigma_v, dtype=float) ** 2, np.asarray(sigma_h, dtype=float) ** 2
    return w * sh2 * (np.asarray(data_variance, dtype=float) - sv2 / (1.0 - sv2 * sh2 * w**2))


def gaussian_mode_fixed_point(data_variance, sigma_v=1.0, sigma_h=1.0):
    """Stable fixed point ``|w|`` of :func:`gaussian_mode_rhs` (docs/physics.md §10):
    ``w^2 = (1 - sigma_v^2 / <s^2>) / (sigma_v^2 sigma_h^2)`` for modes whose data variance
    exceeds ``sigma_v^2``, else 0 (the mode decays).  Vectorised (every argument)."""
    s2 = np.asarray(data_variance, dtype=float)
    sv2, sh2 = np.asarray(sigma_v, dtype=float) ** 2, np.asarray(sigma_h, dtype=float) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        w2 = (1.0 - sv2 / s2) / (sv2 * sh2)
    return np.sqrt(np.where(s2 > sv2, w2, 0.0))[()]


def integrate_gaussian_modes(w0, data_variance, times, sigma_v=1.0, sigma_h=1.0):
    """Trajectories of the singular values under :func:`gaussian_mode_rhs`, each mode from its
    own start ``w0[alpha]`` with its data variance ``data_variance[alpha]``, at ``times``
    (learning time t = learning rate x updates; ``times[0]`` is the start).  Returns an array
    (len(times), modes); a mode that reaches the edge of normalisability
    (sigma_v^2 sigma_h^2 w^2 = 1) is NaN from then on.  scipy's LSODA with rtol 1e-10."""
    from scipy.integrate import solve_ivp

    w0 = np.atleast_1d(np.asarray(w0, dtype=float))
    s2 = np.broadcast_to(np.asarray(data_variance, dtype=float), w0.shape)
    times = np.asarray(times, dtype=float)
    limit = 1.0 / (float(sigma_v) * float(sigma_h))
    out = np.full((len(times), len(w0)), np.nan)
    for alpha, (start, variance) in enumerate(zip(w0, s2)):
        if not (np.isfinite(start) and abs(start) < limit):
            continue

        def edge(t, w, *_):
            return limit * (1 - 1e-9) - abs(w[0])

        edge.terminal = True
        solution = solve_ivp(lambda t, w: gaussian_mode_rhs(w, variance, sigma_v, sigma_h),
                             (times[0], times[-1]), [start], t_eval=times, method="LSODA",
                             rtol=1e-10, atol=1e-14, events=edge)
        out[:len(solution.t), alpha] = solution.y[0]
    return out


def gaussian_optimal_log_likelihood(data_variance, n_hidden, sigma_v=1.0):
    """The largest mean log-likelihood a zero-field Gaussian-Gaussian RBM with ``n_hidden``
    hidden units reaches on data whose second-moment matrix has eigenvalues ``data_variance``
    (docs/physics.md §16.5): at the fixed points the model's covariance has eigenvalue
    max(<s_alpha^2>, sigma_v^2) along the top ``n_hidden`` data directions and sigma_v^2
    elsewhere, and
    ``L = -1/2 sum_alpha [log(2 pi lambda_alpha) + <s_alpha^2> / lambda_alpha]``.
    (Independent of sigma_h, which only rescales the weights.)"""
    s2 = np.sort(np.asarray(data_variance, dtype=float))[::-1]
    sv2 = float(sigma_v) ** 2
    lam = np.full_like(s2, sv2)
    top = s2[:int(n_hidden)]
    lam[:int(n_hidden)] = np.maximum(top, sv2)
    return float(-0.5 * np.sum(np.log(2 * np.pi * lam) + s2 / lam))
