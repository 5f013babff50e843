"""Observables of Potts receptive fields (HTCM20 §IV, Figs. 9-11; docs/physics.md §13.2).

One hidden unit's weights are an (N, q) array ``w[i, v]``: site i, Potts state (angle
2πv/q) v.  Adding a constant to a site's q weights, w_iv → w_iv + c_i, changes no
probability of the RBM (the visible unit takes exactly one state), so only the centred rows
``u_iv = w_iv − (1/q) Σ_v' w_iv'`` (the zero-sum gauge) carry meaning; every observable here
but eq. 16's ``angular_sum`` depends on them only.  With zero fields and a hidden unit
symmetric under h → −h, w and −w are the same model: ``orient`` fixes the sign.

Functions take weights with the sites and states as the last two axes, ``(..., N, q)``, and
reduce them (numpy, vectorised over the leading axes); ``add_potts_observables`` maps them
over every snapshot and hidden unit of a run with xarray.
"""

import numpy as np

from .ring import peak_center, peak_width

#: ``cosine_fit``: the frequencies tried, in cycles per state, f = 1/period: from a period of
#: twice the q states down to the period of 2 states (Nyquist), on a grid, then refined
FIT_GRID = 400
#: ``cosine_fit``: golden-section steps between the best grid point's neighbours (each shrinks
#: the bracket by 0.618: 40 steps resolve the frequency to ~1e-11 of the grid's span)
GOLDEN_STEPS = 40


def centred(weights):
    """u_iv = w_iv − mean_v w_iv: the weights in the zero-sum gauge."""
    weights = np.asarray(weights, dtype=np.float64)
    return weights - weights.mean(axis=-1, keepdims=True)


def angular_fourier(weights):
    """c_i = Σ_v w_iv e^{2πiv/q}, the first angular Fourier coefficient of each site (complex,
    shape (..., N)); gauge invariant (Σ_v e^{2πiv/q} = 0).  For w_iv = a + A cos(2πv/q − φ),
    c_i = (q A / 2) e^{iφ}."""
    weights = np.asarray(weights, dtype=np.float64)
    q = weights.shape[-1]
    return weights @ np.exp(2j * np.pi * np.arange(q) / q)


def angular_modulation(weights):
    """|Σ_v w_iv e^{2πiv/q}| per site: the angular modulation as a Fourier amplitude
    (docs/physics.md §13.2; HTCM20 eq. 16's purpose, in a form that survives the gauge)."""
    return np.abs(angular_fourier(weights))


def angular_sum(weights):
    """|Σ_v w_iv| per site, HTCM20 eq. 16 as printed.  It is not gauge invariant: in the
    zero-sum gauge it is 0 at every site (up to round-off)."""
    return np.abs(np.asarray(weights, dtype=np.float64).sum(axis=-1))


def site_norm(weights):
    """‖u_i‖ = (Σ_v u_iv²)^½ per site: how strongly the unit looks at site i, whatever the
    shape of its angular profile; the spatial profile of the receptive field."""
    return np.sqrt(np.sum(centred(weights) ** 2, axis=-1))


def spatial_modulation(weights):
    """Σ_i w_iv per state v, HTCM20 eq. 17 (shape (..., q)): flat in v unless the unit has
    learned the angular correlations."""
    return np.asarray(weights, dtype=np.float64).sum(axis=-2)


def orient(weights):
    """The weights with their sign chosen so that the unit's phase, arg Σ_i c_i, lies in
    [0, π) (docs/physics.md §13.2): w and −w are the same model for a symmetric hidden unit,
    and their phases differ by π."""
    weights = np.asarray(weights, dtype=np.float64)
    phase = np.angle(angular_fourier(weights).sum(axis=-1)) % (2 * np.pi)
    return np.where((phase >= np.pi)[..., None, None], -weights, weights)


def angular_phase(weights):
    """The unit's phase in angle, arg Σ_i c_i of the oriented weights, in [0, π) radians: the
    angle 2πv/q at which the sites of its field, weighted by their amplitude, peak.  Defined
    modulo π, since w and −w are the same model; NaN for weights without angular structure."""
    total = angular_fourier(weights).sum(axis=-1)
    scale = np.sum(np.abs(angular_fourier(weights)), axis=-1)
    phase = np.angle(total) % np.pi
    return np.where(np.abs(total) > 1e-12 * scale, phase, np.nan)


def spatial_order(weights):
    """|Σ_i ‖u_i‖ e^{2πi·i/N}| / Σ_i ‖u_i‖ ∈ [0, 1]: how localised in space the unit's field
    is (the resultant length of its spatial profile on the ring): 0 for a uniform profile,
    ~1/√(2(q−1)N) for random weights, → 1 for a field a few sites wide."""
    norm = site_norm(weights)
    n = norm.shape[-1]
    resultant = np.abs(norm @ np.exp(2j * np.pi * np.arange(n) / n))
    total = norm.sum(axis=-1)
    return np.where(total > 0, resultant / np.where(total > 0, total, 1.0), np.nan)


def angular_order(weights):
    """‖Σ_i u_i‖ / Σ_i ‖u_i‖ ∈ [0, 1]: how coherent the angular profiles of the sites are
    (the norm of the centred spatial modulation, eq. 17, over its largest possible value):
    1 when every site has the same angular profile (up to its amplitude), ~1/√N for random
    weights."""
    u = centred(weights)
    total = np.sqrt(np.sum(u**2, axis=-1)).sum(axis=-1)
    coherent = np.sqrt(np.sum(u.sum(axis=-2) ** 2, axis=-1))
    return np.where(total > 0, coherent / np.where(total > 0, total, 1.0), np.nan)


def place_field_center(weights):
    """Centre of the field in space, in sites: the circular mean of ‖u_i‖
    (``observables.peak_center``; NaN for a flat profile)."""
    return peak_center(site_norm(weights))


def place_field_width(weights):
    """FWHM of the field in space, in sites, of ‖u_i‖ minus its median over the ring (the
    level of the sites outside the field): ``observables.peak_width``, NaN without a
    localised peak."""
    norm = site_norm(weights)
    return peak_width(norm - np.median(norm))


#: rows of ``cosine_fit`` processed at once (bounds the memory of the frequency scans)
FIT_CHUNK = 256


def _design(frequencies, q):
    """Columns 1, cos(2πfv), sin(2πfv) for an array of frequencies: shape (..., q, 3)."""
    angle = 2 * np.pi * np.asarray(frequencies)[..., None] * np.arange(q)
    return np.stack([np.ones_like(angle), np.cos(angle), np.sin(angle)], axis=-1)


def _solve(design, rows):
    """Least-squares coefficients (..., 3) of ``rows`` (..., q) on designs (..., q, 3), by the
    normal equations with a vanishing ridge (at f = 1/2 the sine column is 0: its coefficient
    comes out 0)."""
    gram = np.swapaxes(design, -1, -2) @ design
    gram += 1e-12 * np.trace(gram, axis1=-2, axis2=-1)[..., None, None] * np.eye(3)
    rhs = np.swapaxes(design, -1, -2) @ rows[..., None]
    return np.linalg.solve(gram, rhs)[..., 0]


def _residual(frequency, rows):
    """Coefficients (S, 3) and residual sums of squares (S,) of each row at its frequency."""
    design = _design(frequency, rows.shape[1])  # (S, q, 3)
    coefficients = _solve(design, rows)
    fitted = (design @ coefficients[..., None])[..., 0]
    return coefficients, np.sum((rows - fitted) ** 2, axis=1)


def _fit_rows(rows, grid):
    """The best frequency of each row (S, q), its coefficients (S, 3) and residual (S,): the
    residual sum of squares on the grid (one projection per frequency, shared by the rows),
    then a golden-section search between the best grid point's neighbours."""
    q = rows.shape[1]
    coarse = _design(grid, q)  # (F, q, 3)
    gram = np.swapaxes(coarse, -1, -2) @ coarse
    gram += 1e-12 * np.trace(gram, axis1=-2, axis2=-1)[:, None, None] * np.eye(3)
    hat = coarse @ np.linalg.solve(gram, np.swapaxes(coarse, -1, -2))  # (F, q, q)
    explained = np.einsum("fsq,sq->sf", np.matmul(rows[None], hat), rows)
    residual = np.sum(rows**2, axis=1)[:, None] - explained
    best = np.argmin(residual, axis=1)
    low = grid[np.maximum(best - 1, 0)]
    high = grid[np.minimum(best + 1, len(grid) - 1)]
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    inner_low, inner_high = high - ratio * (high - low), low + ratio * (high - low)
    value_low, value_high = _residual(inner_low, rows)[1], _residual(inner_high, rows)[1]
    for _ in range(GOLDEN_STEPS):
        left = value_low <= value_high  # the minimum is in [low, inner_high]
        high = np.where(left, inner_high, high)
        low = np.where(left, low, inner_low)
        moved = np.where(left, high - ratio * (high - low), low + ratio * (high - low))
        value = _residual(moved, rows)[1]
        inner_high, value_high, inner_low, value_low = (
            np.where(left, inner_low, moved), np.where(left, value_low, value),
            np.where(left, moved, inner_high), np.where(left, value, value_high))
    frequency = 0.5 * (low + high)
    coefficients, residual = _residual(frequency, rows)
    return frequency, coefficients, residual


def cosine_fit(weights):
    """Least-squares fit of each site's row, w_iv ≈ a_i + A_i cos(2π v / T_i − ψ_i), with a free
    period T_i (HTCM20 Fig. 9e; docs/physics.md §13.2).

    For each frequency f = 1/T the fit is linear in (a, A cos ψ, A sin ψ); f is scanned on a
    grid of ``FIT_GRID`` values over [1/(2q), 1/2] (periods from 2q down to 2 states), the
    best one refined by a golden-section search between its two neighbours.  Returns a dict
    of arrays of shape (..., N): ``period`` T (states), ``phase`` ψ in (−π, π] (radians; for
    T = q the angle at which the site's weights peak), ``amplitude`` A ≥ 0, and ``r2``, the
    fraction of the row's variance over states that the fit explains (NaN for a flat row)."""
    weights = np.asarray(weights, dtype=np.float64)
    shape, q = weights.shape[:-1], weights.shape[-1]
    rows = weights.reshape(-1, q)
    grid = np.linspace(1.0 / (2 * q), 0.5, FIT_GRID)
    frequency = np.empty(len(rows))
    coefficients = np.empty((len(rows), 3))
    residual = np.empty(len(rows))
    for start in range(0, len(rows), FIT_CHUNK):
        chunk = slice(start, start + FIT_CHUNK)
        frequency[chunk], coefficients[chunk], residual[chunk] = _fit_rows(rows[chunk], grid)
    _, a_cos, a_sin = coefficients.T
    variance = np.sum((rows - rows.mean(axis=1, keepdims=True)) ** 2, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r2 = np.where(variance > 0, 1.0 - residual / variance, np.nan)
    out = {"period": 1.0 / frequency, "phase": np.arctan2(a_sin, a_cos),
           "amplitude": np.hypot(a_cos, a_sin), "r2": r2}
    flat = ~(variance > 0)
    for name in ("period", "phase", "amplitude"):
        out[name] = np.where(flat, np.nan, out[name])
    return {name: value.reshape(shape) for name, value in out.items()}


# -- a run's snapshots ------------------------------------------------------------------------
#: observables of one unit's oriented weights: name -> (function, output dim, long_name, units)
UNIT_OBSERVABLES = {
    "angular_modulation": (angular_modulation, "visible",
                           "angular modulation |sum_v w_iv exp(2 pi i v/q)| (Fourier amplitude)",
                           "1"),
    "angular_sum": (angular_sum, "visible", "|sum_v w_iv| (HTCM20 eq. 16 as printed)", "1"),
    "site_norm": (site_norm, "visible", "spatial profile ||w_i - mean_v w_i|| of the field", "1"),
    "spatial_modulation": (lambda w: spatial_modulation(centred(w)), "state",
                           "spatial modulation sum_i w_iv in the zero-sum gauge (HTCM20 eq. 17)",
                           "1"),
    "peak_center": (lambda w: _per_unit(place_field_center, w), None,
                    "centre of the field in space (circular mean of the spatial profile)",
                    "site"),
    "peak_width": (lambda w: _per_unit(place_field_width, w), None,
                   "FWHM of the field in space (spatial profile minus its median)", "site"),
    "angular_phase": (angular_phase, None, "phase of the unit in angle, arg sum_i c_i, modulo pi",
                      "rad"),
    "spatial_order": (spatial_order, None, "spatial localisation |sum_i ||u_i|| e^(2 pi i i/N)| / "
                                           "sum_i ||u_i||", "1"),
    "angular_order": (angular_order, None, "angular coherence ||sum_i u_i|| / sum_i ||u_i||",
                      "1"),
    "weight_max": (lambda w: np.max(np.abs(centred(w)), axis=(-1, -2)), None,
                   "largest weight magnitude max_iv |w_iv - mean_v w_iv|", "1"),
}
#: the per-site cosine fit (``cosine_fit``), each of its outputs as ``cosine_<name>``
FIT_OBSERVABLES = {
    "period": ("period T of the cosine fit w_iv ~ a + A cos(2 pi v/T - psi)", "state"),
    "phase": ("phase psi of the cosine fit", "rad"),
    "amplitude": ("amplitude A of the cosine fit", "1"),
    "r2": ("fraction of the site's variance over states explained by the cosine fit", "1"),
}


def _per_unit(function, weights):
    """A function of one unit's (N, q) weights over leading axes."""
    weights = np.asarray(weights, dtype=np.float64)
    flat = weights.reshape(-1, *weights.shape[-2:])
    return np.array([function(w) for w in flat]).reshape(weights.shape[:-2])


def add_potts_observables(run):
    """Add the observables of every snapshot of a run with Potts visible units (weights
    (epoch, visible, hidden, state)) to it, per (epoch, hidden): those of ``UNIT_OBSERVABLES``
    and the per-site cosine fit, of each unit's weights oriented by ``orient``; and the
    singular values of each snapshot's centred weights as an (N q) × M matrix, per (epoch,
    mode).  Returns the run with the ``mode`` coordinate."""
    import xarray as xr

    weights = run["weights"].transpose(..., "visible", "state")
    oriented = xr.apply_ufunc(orient, weights, input_core_dims=[["visible", "state"]],
                              output_core_dims=[["visible", "state"]])
    gauge = run.attrs.get("gauge", "as stored by the training")
    for name, (function, dim, long_name, units) in UNIT_OBSERVABLES.items():
        values = xr.apply_ufunc(function, oriented, input_core_dims=[["visible", "state"]],
                                output_core_dims=[[dim] if dim else []])
        attrs = {"long_name": long_name, "units": units}
        if name == "angular_sum":
            attrs["gauge"] = (f"weights {gauge}; in the zero-sum gauge (sum_v w_iv = 0) this is "
                              "0 at every site: see angular_modulation")
        run[name] = values.transpose("epoch", "hidden", *([dim] if dim else [])).assign_attrs(
            attrs)
    fit = cosine_fit(oriented.transpose("epoch", "hidden", "visible", "state").values)
    for name, (long_name, units) in FIT_OBSERVABLES.items():
        run[f"cosine_{name}"] = (("epoch", "hidden", "visible"), fit[name],
                                 {"long_name": long_name, "units": units})
    matrix = centred(weights.transpose("epoch", "visible", "state", "hidden").values)
    shape = matrix.shape
    singular = np.linalg.svd(matrix.reshape(shape[0], shape[1] * shape[2], shape[3]),
                             compute_uv=False)
    run["singular_values"] = (("epoch", "mode"), singular, {
        "long_name": "singular values of the centred weights as an (N q) x M matrix",
        "units": "1"})
    return run.assign_coords(mode=np.arange(singular.shape[1]))


# -- several units ----------------------------------------------------------------------------
def circular_gaps(positions, period):
    """Gaps between consecutive positions on a circle of circumference ``period``, sorted
    round the circle (the last gap closes it): ``positions`` (..., M) → (..., M), summing to
    ``period``; NaN throughout if a position is NaN.  For M points spread evenly every gap
    is period / M; for M independent uniform points the gaps' coefficient of variation is
    √((M − 1)/(M + 1)) (the spacings of a uniform sample are Dirichlet(1, ..., 1))."""
    positions = np.sort(np.mod(np.asarray(positions, dtype=np.float64), period), axis=-1)
    closing = positions[..., :1] + period - positions[..., -1:]
    gaps = np.concatenate([np.diff(positions, axis=-1), closing], axis=-1)
    return np.where(np.isnan(positions).any(axis=-1, keepdims=True), np.nan, gaps)
