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
    is normalisable only for ``sigma_v^2 sigma_h^2 w^2 < 1``.  Vectorised.
    """
    w = np.asarray(w, dtype=float)
    sv2, sh2 = float(sigma_v) ** 2, float(sigma_h) ** 2
    return w * sh2 * (np.asarray(data_variance, dtype=float) - sv2 / (1.0 - sv2 * sh2 * w**2))


def gaussian_mode_fixed_point(data_variance, sigma_v=1.0, sigma_h=1.0):
    """Stable fixed point ``|w|`` of :func:`gaussian_mode_rhs` (docs/physics.md §10):
    ``w^2 = (1 - sigma_v^2 / <s^2>) / (sigma_v^2 sigma_h^2)`` for modes whose data variance
    exceeds ``sigma_v^2``, else 0 (the mode decays).  Vectorised."""
    s2 = np.asarray(data_variance, dtype=float)
    sv2, sh2 = float(sigma_v) ** 2, float(sigma_h) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        w2 = (1.0 - sv2 / s2) / (sv2 * sh2)
    return np.sqrt(np.where(s2 > sv2, w2, 0.0))[()]
