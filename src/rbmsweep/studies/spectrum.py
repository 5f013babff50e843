"""Data spectra and the eigenvalue crossover (HTCM20 Figs. 12-13; docs/physics.md §11.2).

A run measures its training data only: the eigenvalues of C_ij = ⟨v_i v_j⟩_data, the top one
and the overlap of its eigenvector with the uniform vector.  ``crossover`` puts the
measurements over (β, α, seed) beside every prediction of ``rbmsweep.theory``.
"""

import numpy as np
import xarray as xr

from .. import theory
from .base import Figure

TRAINS = False
MODELS = ("ising",)


def correlation_spectrum(samples):
    """Eigenvalues (descending) and eigenvectors of C_ij = ⟨v_i v_j⟩_data (HTCM20 eq. 23)."""
    samples = np.asarray(samples, dtype=np.float64)
    correlation = samples.T @ samples / len(samples)
    eigenvalues, eigenvectors = np.linalg.eigh(correlation)
    return eigenvalues[::-1], eigenvectors[:, ::-1]


def run(spec, samples, test, **options):
    """The spectrum of one data set (no training)."""
    eigenvalues, eigenvectors = correlation_spectrum(samples)
    n_visible = samples.shape[1]
    uniform_overlap = abs(eigenvectors[:, 0].sum()) / np.sqrt(n_visible)
    return xr.Dataset(
        {
            "eigenvalues": ("rank", eigenvalues, {
                "long_name": "eigenvalues of the empirical correlation matrix <v_i v_j>, descending",
                "units": "1"}),
            "top_eigenvalue": ((), eigenvalues[0], {
                "long_name": "largest eigenvalue of the empirical correlation matrix", "units": "1"}),
            "top_uniform_overlap": ((), uniform_overlap, {
                "long_name": "|overlap| of the top eigenvector with the uniform vector", "units": "1"}),
            "n_samples": ((), len(samples), {"long_name": "number of training samples"}),
        },
        coords={"rank": ("rank", np.arange(n_visible), {"long_name": "eigenvalue rank"})},
    )


def crossover(cube):
    """Measured top eigenvalue and overlap over (β, α, seed), with the predictions: the
    Marchenko-Pastur edge (1+√α)² (HTCM20 eq. 24), the finite-N Ising signal eigenvalue (eq. 25),
    the BBP top eigenvalue for that single spike, the top sample eigenvalue of the whole
    Ising population band from the Silverstein equation, and the crossover lines
    β_c = log(1+√α) (eq. 26) and the single-spike BBP threshold β = ½ log(1+√α)."""
    if "beta" not in cube.dims or "alpha" not in cube.dims:
        raise ValueError("crossover: the spectrum study must sweep data.beta and data.alpha")
    n_visible = int(cube.sizes["rank"])
    beta = cube["beta"].values
    alpha = cube["alpha"].values
    signal = theory.ising_signal_eigenvalue(beta, n_visible)
    silverstein = np.array([[theory.top_sample_eigenvalue(
        theory.ising_population_eigenvalues(b, n_visible), a) for a in alpha] for b in beta])
    out = xr.Dataset(
        {
            "top_eigenvalue": cube["top_eigenvalue"],
            "top_eigenvalue_mean": cube["top_eigenvalue"].mean("seed"),
            "top_eigenvalue_std": cube["top_eigenvalue"].std("seed", ddof=1),
            "top_uniform_overlap": cube["top_uniform_overlap"],
            "top_uniform_overlap_mean": cube["top_uniform_overlap"].mean("seed"),
            "top_uniform_overlap_std": cube["top_uniform_overlap"].std("seed", ddof=1),
            "marchenko_pastur_edge": ("alpha", theory.marchenko_pastur_edges(alpha)[1]),
            "signal_eigenvalue": ("beta", signal),
            "bbp_top_eigenvalue": (("beta", "alpha"),
                                   theory.bbp_top_eigenvalue(signal[:, None], alpha[None, :])),
            "silverstein_top_eigenvalue": (("beta", "alpha"), silverstein),
            "crossover_beta_paper": ("alpha", theory.crossover_beta_paper(alpha)),
            "bbp_threshold_beta": ("alpha", theory.bbp_threshold_beta(alpha)),
        },
        attrs={"description": "top eigenvalue of the data correlation matrix vs predictions "
                              "(paper Fig. 12)", "n_visible": n_visible},
    )
    long_names = {
        "top_eigenvalue_mean": "top eigenvalue, mean over data seeds",
        "top_eigenvalue_std": "top eigenvalue, standard deviation over data seeds",
        "top_uniform_overlap_mean": "top-eigenvector overlap with the uniform vector, mean over seeds",
        "top_uniform_overlap_std": "top-eigenvector overlap, standard deviation over seeds",
        "marchenko_pastur_edge": "Marchenko-Pastur upper edge (1+sqrt(alpha))^2 (eq. 24)",
        "signal_eigenvalue": "Ising signal eigenvalue sum_r C(r), finite N (eq. 25)",
        "bbp_top_eigenvalue": "BBP top sample eigenvalue for a single spike at the signal eigenvalue",
        "silverstein_top_eigenvalue": "top sample eigenvalue for the Ising population band "
                                      "(Marchenko-Pastur/Silverstein equation)",
        "crossover_beta_paper": "paper's crossover beta_c = log(1+sqrt(alpha)) (eq. 26)",
        "bbp_threshold_beta": "single-spike BBP threshold beta = log(1+sqrt(alpha))/2",
    }
    for name, long_name in long_names.items():
        out[name].attrs.update(long_name=long_name, units="1")
    return out


AGGREGATES = {"crossover": crossover}

FIGURES = {
    "samples": Figure("datasets", "data:samples"),
    "top_eigenvalue": Figure("crossover", "spectrum:top_eigenvalue"),  # Fig. 12a
    "top_overlap": Figure("crossover", "spectrum:top_overlap"),  # Fig. 12c
    "spectrum_histogram": Figure("cube", "spectrum:spectrum_histogram"),
}
