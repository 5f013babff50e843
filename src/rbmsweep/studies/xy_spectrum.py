"""Spectrum of XY data (HTCM20 Fig. 13, eqs. 27-30; docs/physics.md §13.3).

A run measures its training data only: the eigenvalues of the one-hot correlation matrix,
centred and normalised, its top eigenvalue, and the overlap of the top eigenvectors with the
angular Fourier modes cos(2πv/q), sin(2πv/q) (uniform in space).  ``xy_crossover`` puts the
measurements over (β, α, seed) beside the predictions of ``rbmsweep.theory.xy``: Λ_XY
(eq. 29), the printed noise edge (eq. 30), the Marchenko-Pastur form for q-state one-hot data,
and the Silverstein top eigenvalue of the whole XY population spectrum.  ``CLAIMS``: at
β = 0 the printed noise edge (eq. 30) and, beyond the paper, the Marchenko-Pastur form at
finite N; the signal eigenvalue Λ_XY (eq. 29); the top eigenvectors' turn to the angular
Fourier modes (Fig. 13c-d).
"""

import numpy as np
import xarray as xr

from .. import theory
from .base import Claim, Figure, Outcome

TRAINS = False
MODELS = ("xy",)

#: rows of the data one-hot encoded at a time (bounds the memory of the correlation matrix)
CHUNK = 4096


def one_hot_correlation(samples, q):
    """C = Xᵀ X / n for the one-hot encoding centred at the uniform law and scaled to unit
    population variance, x_{i,v} = ([σ_i = v] − 1/q) q / √(q − 1) (docs/physics.md §8.1),
    an (N q) × (N q) matrix indexed i q + v.  From the co-occurrence counts, in chunks."""
    samples = np.asarray(samples)
    n_samples, n_visible = samples.shape
    size = n_visible * q
    counts = np.zeros((size, size))
    columns = np.arange(n_visible) * q
    for start in range(0, n_samples, CHUNK):
        block = samples[start:start + CHUNK].astype(np.int64)
        hot = np.zeros((len(block), size))
        np.put_along_axis(hot, columns + block, 1.0, axis=1)
        counts += hot.T @ hot
    frequencies = np.diag(counts) / n_samples
    moments = counts / n_samples
    centred = (moments - (frequencies[:, None] + frequencies[None, :]) / q + 1.0 / q**2)
    return centred * q**2 / (q - 1.0)


def fourier_modes(n_visible, q):
    """The unit vectors of the top population eigenspace (eq. 29): uniform in space,
    cos(2πv/q) and sin(2πv/q) in angle, shape (2, N q) (for q = 2 the sine is 0 and its row is
    0)."""
    angle = 2 * np.pi * np.arange(q) / q
    modes = np.stack([np.tile(np.cos(angle), n_visible), np.tile(np.sin(angle), n_visible)])
    norms = np.linalg.norm(modes, axis=1, keepdims=True)
    return np.where(norms > 1e-9, modes / np.where(norms > 1e-9, norms, 1.0), 0.0)


def run(spec, samples, test, **options):
    """The spectrum of one XY data set (no training)."""
    q, n_visible = int(spec.data.q), samples.shape[1]
    eigenvalues, eigenvectors = np.linalg.eigh(one_hot_correlation(samples, q))
    eigenvalues, eigenvectors = eigenvalues[::-1], eigenvectors[:, ::-1]
    projections = fourier_modes(n_visible, q) @ eigenvectors[:, :2]  # (mode, eigenvector)
    # the sign of an eigenvector is arbitrary: the one with a positive cosine overlap
    top = eigenvectors[:, 0].reshape(n_visible, q) * (-1.0 if projections[0, 0] < 0 else 1.0)
    return xr.Dataset(
        {
            "eigenvalues": ("rank", eigenvalues, {
                "long_name": "eigenvalues of the one-hot correlation matrix, descending",
                "units": "1"}),
            "top_eigenvalue": ((), eigenvalues[0], {
                "long_name": "largest eigenvalue of the one-hot correlation matrix",
                "units": "1"}),
            "top_fourier_overlap": ((), np.linalg.norm(projections[:, 0]), {
                "long_name": "overlap of the top eigenvector with the span of cos(2 pi v/q) "
                             "and sin(2 pi v/q), uniform in space", "units": "1"}),
            "top2_fourier_overlap": ((), np.linalg.norm(projections) / np.sqrt(2), {
                "long_name": "overlap of the top two eigenvectors' span with that of "
                             "cos(2 pi v/q) and sin(2 pi v/q) (root mean square)", "units": "1"}),
            "top_eigenvector": (("visible", "state"), top, {
                "long_name": "top eigenvector of the one-hot correlation matrix", "units": "1"}),
        },
        coords={"rank": ("rank", np.arange(len(eigenvalues)), {"long_name": "eigenvalue rank"}),
                "visible": ("visible", np.arange(n_visible), {"long_name": "visible unit (site)"}),
                "state": ("state", np.arange(q), {"long_name": "Potts state (angle 2 pi v/q)"})},
    )


def xy_crossover(cube):
    """Measured top eigenvalue and Fourier overlaps over (β, α, seed), with the predictions:
    Λ_XY (eq. 29) on the infinite chain and the exact top population eigenvalue of the ring,
    the noise edge as printed, q/(q−1) + (1 + √(αq))² (eq. 30), the Marchenko-Pastur form
    q/(q−1) (1 + √(α(q−1)))², and the top sample eigenvalue of the whole XY population
    spectrum (Silverstein; ratio N q / n_samples)."""
    if "beta" not in cube.dims or "alpha" not in cube.dims:
        raise ValueError("xy_crossover: the xy_spectrum study must sweep data.beta and "
                         "data.alpha")
    q, n_visible = int(cube["q"]), int(cube.sizes["visible"])
    beta, alpha = cube["beta"].values, cube["alpha"].values
    silverstein = np.array([[theory.top_sample_eigenvalue(
        theory.xy_population_eigenvalues(b, q, n_visible).ravel(), a * q) for a in alpha]
        for b in beta])
    predictions = {
        "signal_eigenvalue": ("beta", theory.xy_signal_eigenvalue(beta, q),
                              "Lambda_XY = q/(q-1) (l0+l1)/(l0-l1), infinite chain (eq. 29)"),
        "signal_eigenvalue_ring": ("beta", np.array([theory.xy_signal_eigenvalue(
            b, q, n_visible) for b in beta]), "top population eigenvalue of the ring of N sites"),
        "noise_edge_paper": ("alpha", theory.xy_noise_edge_paper(alpha, q),
                             "noise edge as printed, q/(q-1) + (1+sqrt(alpha q))^2 (eq. 30)"),
        "noise_edge_mp": ("alpha", theory.xy_noise_edge_mp(alpha, q),
                          "Marchenko-Pastur edge of one-hot data, q/(q-1) (1+sqrt(alpha (q-1)))^2"),
        "silverstein_top_eigenvalue": (("beta", "alpha"), silverstein,
                                       "top sample eigenvalue of the XY population spectrum "
                                       "(Marchenko-Pastur/Silverstein equation)"),
    }
    out = xr.Dataset(attrs={"description": "top eigenvalue of the one-hot correlation matrix of "
                                           "XY data vs predictions (paper Fig. 13)",
                            "n_visible": n_visible, "q": q})
    for name in ("top_eigenvalue", "top_fourier_overlap", "top2_fourier_overlap"):
        long_name = cube[name].attrs["long_name"]
        out[name] = cube[name]
        out[f"{name}_mean"] = cube[name].mean("seed").assign_attrs(
            long_name=f"{long_name}, mean over data seeds", units="1")
        out[f"{name}_std"] = cube[name].std("seed", ddof=1).assign_attrs(
            long_name=f"{long_name}, standard deviation over data seeds", units="1")
    for name, (dims, values, long_name) in predictions.items():
        out[name] = (dims, values, {"long_name": long_name, "units": "1"})
    out["top_eigenvector"] = cube["top_eigenvector"].isel(seed=0, drop=True).assign_attrs(
        long_name="top eigenvector of the one-hot correlation matrix (first data seed)",
        units="1")
    return out


def check(prefix, study):
    """The theory of eq. 27-30 is that of the cosine kernel with nearest-neighbour couplings."""
    from ..schema import problem

    data = study["data"]
    problems = []
    if data.get("kernel", "cosine") != "cosine":
        problems.append(problem(f"{prefix}.data.kernel", data["kernel"],
                                "a study of kind xy_spectrum takes the cosine kernel (the "
                                "theory of HTCM20 eqs. 27-30)"))
    if data.get("couplings") is not None:
        problems.append(problem(f"{prefix}.data.couplings", data["couplings"],
                                "a study of kind xy_spectrum takes nearest-neighbour rings only "
                                "(leave couplings out)"))
    return problems


AGGREGATES = {"xy_crossover": xy_crossover}

FIGURES = {
    "xy_spectrum": Figure("xy_crossover", "xy_spectrum:spectrum"),  # Fig. 13a-c
}


# -- claims ------------------------------------------------------------------------------------
def _independent(crossover):
    """The β = 0 entries, their standard errors over data seeds and the number of seeds."""
    entry = crossover.sel(beta=0.0)
    seeds = entry.sizes.get("seed", 1)
    stderr = entry["top_eigenvalue_std"] / np.sqrt(seeds)
    return entry, stderr, seeds


def _edge_check(name, formula, tolerance):
    """At β = 0 the mean top eigenvalue within ``tolerance`` (+ 2 s.e.) of ``formula``(α, q,
    N) at every α."""
    def check(aggregates):
        crossover = aggregates["xy_crossover"]
        if 0.0 not in crossover["beta"].values:
            return Outcome("no beta = 0 in the study", None)
        entry, stderr, seeds = _independent(crossover)
        if seeds < 2:
            return Outcome("one data seed: no error bar", None)
        alpha = crossover["alpha"].values
        q, n_visible = int(crossover.attrs["q"]), int(crossover.attrs["n_visible"])
        predicted = np.asarray(formula(alpha, q, n_visible), dtype=float)
        measured = entry["top_eigenvalue_mean"].values
        deviation = measured / predicted - 1
        error = stderr.values / predicted
        text = ", ".join(f"{m:.3f} ± {e:.3f} vs {p:.3f} ({100 * d:+.1f}%)" for m, e, p, d in
                         zip(measured, stderr.values, predicted, deviation))
        return Outcome(f"{name} at alpha {', '.join(f'{a:g}' for a in alpha)}: {text} "
                       f"(N = {n_visible}, q = {q})",
                       bool(np.all(np.abs(deviation) <= tolerance + 2 * error)))
    return check


def check_signal(aggregates):
    """At the largest β and smallest α, deep in the signal phase (Λ_XY ≥ 1.5 × the
    Marchenko-Pastur edge), the top eigenvalue within 5 % of the ring's Λ_XY."""
    crossover = aggregates["xy_crossover"]
    entry = crossover.sel(beta=crossover["beta"].max(), alpha=crossover["alpha"].min())
    beta, alpha = float(entry["beta"]), float(entry["alpha"])
    signal, edge = float(entry["signal_eigenvalue_ring"]), float(entry["noise_edge_mp"])
    if not signal >= 1.5 * edge:
        return Outcome(f"beta {beta:g}, alpha {alpha:g} is not deep in the signal phase "
                       f"(Lambda_XY {signal:.2f}, noise edge {edge:.2f})", None)
    measured, spread = float(entry["top_eigenvalue_mean"]), float(entry["top_eigenvalue_std"])
    return Outcome(f"{measured:.3f} (s.d. {spread:.3f}) against Lambda_XY = {signal:.3f} "
                   f"({100 * (measured / signal - 1):+.1f}%; beta {beta:g}, alpha {alpha:g})",
                   bool(abs(measured / signal - 1) <= 0.05))


def check_eigenvectors(aggregates):
    """The top two eigenvectors span the angular Fourier modes deep in the signal phase
    (overlap ≥ 0.9 at the largest β, smallest α, if Λ_XY ≥ 1.5 × the noise edge) and are
    random without correlations (overlap ≤ 0.3 at β = 0, every α)."""
    crossover = aggregates["xy_crossover"]
    overlap = crossover["top2_fourier_overlap_mean"]
    beta_max, alpha_min = float(crossover["beta"].max()), float(crossover["alpha"].min())
    entry = crossover.sel(beta=beta_max, alpha=alpha_min)
    deep = float(entry["signal_eigenvalue_ring"]) >= 1.5 * float(entry["noise_edge_mp"])
    null = 0.0 in crossover["beta"].values
    if not (deep and null):
        return Outcome("needs beta = 0 and a point deep in the signal phase (largest beta, "
                       "smallest alpha)", None)
    top = float(overlap.sel(beta=beta_max, alpha=alpha_min))
    noise = overlap.sel(beta=0.0).values
    random = np.sqrt(2 / (int(crossover.attrs["n_visible"]) * (int(crossover.attrs["q"]) - 1)))
    return Outcome(f"overlap {top:.2f} at beta {beta_max:g}, alpha {alpha_min:g}; "
                   f"{noise.min():.2f}-{noise.max():.2f} at beta 0 (random vectors about "
                   f"{random:.2f})",
                   bool(top >= 0.9 and np.all(noise <= 0.3)))


CLAIMS = (
    Claim("with independent angles (beta = 0) the top eigenvalue is the noise edge of eq. 30",
          "HTCM20 Fig. 13a, eq. 30", "q/(q-1) + (1+sqrt(alpha q))^2",
          "within 5% (+ 2 s.e.) of the printed edge at every alpha", ("xy_crossover",),
          _edge_check("measured vs printed edge",
                      lambda alpha, q, n: theory.xy_noise_edge_paper(alpha, q), 0.05)),
    Claim("(beyond the paper) at beta = 0 the top eigenvalue is the Marchenko-Pastur edge of "
          "one-hot data, q/(q-1)(1+sqrt(alpha(q-1)))^2, at its finite-N value",
          "docs/physics.md §8.3, §17.3", "",
          "within 3% (+ 2 s.e.) of the Tracy-Widom-shifted finite-N edge with the one-hot "
          "fixed-norm correction (theory.xy_noise_top_eigenvalue) at every alpha",
          ("xy_crossover",), _edge_check("measured vs finite-N MP edge",
                                         theory.xy_noise_top_eigenvalue, 0.03)),
    Claim("deep in the signal phase the top eigenvalue is the XY signal eigenvalue Lambda_XY",
          "HTCM20 Fig. 13a, eq. 29", "Lambda_XY = q/(q-1) (l0+l1)/(l0-l1)",
          "within 5% of the ring's Lambda_XY at the largest beta and smallest alpha (if "
          "Lambda_XY ≥ 1.5 x the noise edge)", ("xy_crossover",), check_signal),
    Claim("the top eigenvectors turn from random to the angular Fourier modes cos, "
          "sin(2 pi v/q) (uniform in space) as the signal emerges", "HTCM20 Fig. 13c-d",
          "small projection on cos, sin in the noise regime, close to them in the signal one",
          "top-two overlap ≥ 0.9 at the largest beta and smallest alpha (deep in the signal "
          "phase) and ≤ 0.3 at beta = 0 for every alpha", ("xy_crossover",),
          check_eigenvectors),
)
