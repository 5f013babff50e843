"""The spectrum of the weight matrix along training ([F17] §II; docs/physics.md §16).

Per snapshot: every singular value (``add_observables``), the number above the
Marchenko–Pastur bulk of the initial weights (edges σ(√N ∓ √M) for i.i.d. entries of standard
deviation σ = ``init_std``, ``theory.singular_value_edges``), the effective temperature
T_eff = 1 / Var(W) ([F17] eq. 18), and the cutoff of the log-log rank plot ([F17] Fig. 5):
the rank at which a two-segment line fits log σ_k against log k best.

With the training data (``add_principal_overlaps``, called by the studies that want it): the
data's principal variances and directions, and the overlaps |u_α · e_β| of the left singular
vectors u_α of W with the principal directions e_β ([F17] Fig. 4).
"""

import numpy as np
import xarray as xr

from .. import theory

#: the rank plot's cutoff needs at least this many positive singular values
MIN_RANKS = 5
#: singular values below this fraction of the largest are zero (round-off)
ZERO_SINGULAR = 1e-12


def effective_temperature(weights):
    """T_eff = 1 / Var(W) over all entries ([F17] eq. 18); NaN for a matrix with NaN."""
    weights = np.asarray(weights, dtype=float)
    if not np.all(np.isfinite(weights)):
        return np.nan
    variance = weights.var()
    return 1.0 / variance if variance > 0 else np.inf


def rank_cutoff(singular_values):
    """The cutoff of the log-log rank plot ([F17] Fig. 5): singular values in decreasing
    order, log σ_k against log k (k = 1, 2, …), fitted by two straight segments, a head
    [1, k_c) and a tail [k_c, K], each with at least two points; k_c minimises the summed
    squared residuals.  Returns k_c, the rank where the tail begins (NaN with fewer than
    ``MIN_RANKS`` positive singular values or any NaN)."""
    values = np.sort(np.asarray(singular_values, dtype=float))[::-1]
    if not np.all(np.isfinite(values)) or values.size == 0:
        return np.nan
    values = values[values > ZERO_SINGULAR * values[0]]
    if len(values) < MIN_RANKS:
        return np.nan
    x, y = np.log(np.arange(1, len(values) + 1)), np.log(values)
    best, cutoff = np.inf, np.nan
    for split in range(2, len(values) - 1):
        residual = 0.0
        for part in (slice(0, split), slice(split, None)):
            coefficients = np.polyfit(x[part], y[part], 1)
            residual += np.sum((np.polyval(coefficients, x[part]) - y[part]) ** 2)
        if residual < best:
            best, cutoff = residual, split + 1  # 1-based rank of the tail's first value
    return float(cutoff)


def principal_components(data, centre=True):
    """(variances, directions): the eigenvalues in decreasing order and the eigenvectors
    (columns, each oriented so that its largest-magnitude entry is positive) of the data's
    covariance (``centre``) or second-moment matrix ⟨v vᵀ⟩."""
    x = np.asarray(data, dtype=float)
    if centre:
        x = x - x.mean(axis=0)
    values, vectors = np.linalg.eigh(x.T @ x / len(x))
    order = np.argsort(values)[::-1]
    return np.clip(values[order], 0.0, None), _oriented(vectors[:, order])


def _oriented(columns):
    signs = np.sign(columns[np.argmax(np.abs(columns), axis=0), np.arange(columns.shape[1])])
    return columns * np.where(signs == 0, 1.0, signs)


def left_singular_vectors(weights):
    """The left singular vectors of W (columns, decreasing singular value), oriented as
    ``principal_components``' directions."""
    u, _, _ = np.linalg.svd(np.asarray(weights, dtype=float), full_matrices=False)
    return _oriented(u)


def add_weight_spectrum(run):
    """Add to a run (with ``singular_values`` over (epoch, mode)) the Marchenko–Pastur edges of
    its initial weights (``init_std`` from the run's attributes), the number of singular
    values above the upper edge, T_eff and the rank-plot cutoff, per snapshot."""
    # Potts weights (a state dimension) are the (N q, M) matrix of their singular values
    weight_dims = [dim for dim in run["weights"].dims if dim != "epoch"]
    n_rows = run.sizes["visible"] * run.sizes.get("state", 1)
    sigma = run.attrs.get("init_std", np.nan)
    lower, upper = theory.singular_value_edges(sigma, n_rows, run.sizes["hidden"])
    run["marchenko_pastur_lower"] = ((), float(lower), {
        "long_name": "lower Marchenko-Pastur edge of the initial weights' singular values",
        "units": "1"})
    run["marchenko_pastur_upper"] = ((), float(upper), {
        "long_name": "upper Marchenko-Pastur edge of the initial weights' singular values",
        "units": "1"})
    singular = run["singular_values"]
    run["n_above_marchenko_pastur"] = (singular > upper).sum("mode").where(
        np.isfinite(upper)).assign_attrs(
        long_name="singular values above the initial weights' Marchenko-Pastur edge",
        units="1")
    run["effective_temperature"] = xr.apply_ufunc(
        effective_temperature, run["weights"], input_core_dims=[weight_dims],
        vectorize=True).assign_attrs(long_name="effective temperature 1 / Var(W)", units="1")
    run["rank_cutoff"] = xr.apply_ufunc(
        rank_cutoff, singular, input_core_dims=[["mode"]], vectorize=True).assign_attrs(
        long_name="cutoff rank of the log-log singular-value plot (two-segment fit)",
        units="1")
    return run


def add_principal_overlaps(run, data, n_components=10, centre=True):
    """Add the data's principal variances and directions (over ``component``), every
    snapshot's left singular vectors (epoch, visible, mode) and the overlaps
    |u_α · e_β| of the first ``n_components`` of each (epoch, mode, component)."""
    variances, directions = principal_components(data, centre)
    count = min(n_components, run.sizes["mode"], len(variances))
    component = np.arange(len(variances))
    run = run.assign_coords(component=("component", component,
                                       {"long_name": "principal component of the data"}))
    what = "covariance" if centre else "second moment"
    run["data_principal_variance"] = ("component", variances, {
        "long_name": f"eigenvalues of the training data's {what} matrix", "units": "1"})
    run["data_principal_direction"] = (("visible", "component"), directions, {
        "long_name": f"eigenvectors of the training data's {what} matrix", "units": "1"})
    vectors = np.stack([left_singular_vectors(w) for w in run["weights"].values])
    run["left_singular_vectors"] = (("epoch", "visible", "mode"), vectors, {
        "long_name": "left singular vectors of the weight matrix", "units": "1"})
    overlaps = np.full((run.sizes["epoch"], run.sizes["mode"], len(variances)), np.nan)
    overlaps[:, :count, :count] = np.abs(np.einsum("evm,vc->emc", vectors[:, :, :count],
                                                   directions[:, :count]))
    run["principal_overlap"] = (("epoch", "mode", "component"), overlaps, {
        "long_name": "overlap |u_alpha . e_beta| of left singular vectors and principal "
                     "directions of the data", "units": "1"})
    return run
