"""Data spectra and the eigenvalue crossover (HTCM20 Figs. 12-13; docs/physics.md §11.2).

A run measures its training data only: the eigenvalues of C_ij = ⟨v_i v_j⟩_data, the top one
and the overlap of its eigenvector with the uniform vector.  ``crossover`` puts the
measurements over (β, α, seed) beside every prediction of ``rbmsweep.theory``.
"""

import numpy as np
import xarray as xr

from .. import theory
from .base import Claim, Figure, Outcome

TRAINS = False
MODELS = ("ising",)

#: points of the finite-N prediction's curve over alpha, and the alpha it reaches at least
CURVE_POINTS = 40
CURVE_ALPHA_MAX = 2.0


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
    Ising population band from the Silverstein equation (N → ∞), the finite-N prediction
    (``theory.ising_top_eigenvalue``, docs/physics.md §17.3) with the measured mean's deviation
    from it, and the crossover lines
    β_c = log(1+√α) (eq. 26) and the single-spike BBP threshold β = ½ log(1+√α)."""
    if "beta" not in cube.dims or "alpha" not in cube.dims:
        raise ValueError("crossover: the spectrum study must sweep data.beta and data.alpha")
    n_visible = int(cube.sizes["rank"])
    beta = cube["beta"].values
    alpha = cube["alpha"].values
    signal = theory.ising_signal_eigenvalue(beta, n_visible)
    silverstein = np.array([[theory.top_sample_eigenvalue(
        theory.ising_population_eigenvalues(b, n_visible), a) for a in alpha] for b in beta])
    # the finite-N prediction at the data sets' own ratio N / n (n = round(N / alpha))
    samples = cube["n_samples"].broadcast_like(cube["top_eigenvalue"])
    samples = samples.isel(seed=0).transpose("beta", "alpha").values
    finite = np.array([theory.ising_top_eigenvalue(b, n_visible / samples[i], n_visible)
                       for i, b in enumerate(beta)])
    # and as a curve over alpha, for the figure
    curve_alpha = np.geomspace(alpha.min(), max(alpha.max(), CURVE_ALPHA_MAX), CURVE_POINTS)
    curve = np.array([theory.ising_top_eigenvalue(b, curve_alpha, n_visible) for b in beta])
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
            "finite_size_top_eigenvalue": (("beta", "alpha"), finite),
            "finite_size_curve": (("beta", "alpha_curve"), curve),
            "crossover_beta_paper": ("alpha", theory.crossover_beta_paper(alpha)),
            "bbp_threshold_beta": ("alpha", theory.bbp_threshold_beta(alpha)),
        },
        attrs={"description": "top eigenvalue of the data correlation matrix vs predictions "
                              "(paper Fig. 12)", "n_visible": n_visible},
    )
    out = out.assign_coords(alpha_curve=("alpha_curve", curve_alpha, {
        "long_name": "alpha = N / samples of the prediction curve", "units": "1"}))
    out["finite_size_deviation"] = out["top_eigenvalue_mean"] / out["finite_size_top_eigenvalue"] - 1
    out["finite_size_deviation_stderr"] = (out["top_eigenvalue_std"] / np.sqrt(
        cube["top_eigenvalue"].count("seed")) / out["finite_size_top_eigenvalue"])
    long_names = {
        "top_eigenvalue_mean": "top eigenvalue, mean over data seeds",
        "top_eigenvalue_std": "top eigenvalue, standard deviation over data seeds",
        "top_uniform_overlap_mean": "top-eigenvector overlap with the uniform vector, mean over seeds",
        "top_uniform_overlap_std": "top-eigenvector overlap, standard deviation over seeds",
        "marchenko_pastur_edge": "Marchenko-Pastur upper edge (1+sqrt(alpha))^2 (eq. 24)",
        "signal_eigenvalue": "Ising signal eigenvalue sum_r C(r), finite N (eq. 25)",
        "bbp_top_eigenvalue": "BBP top sample eigenvalue for a single spike at the signal eigenvalue",
        "silverstein_top_eigenvalue": "top sample eigenvalue for the Ising population band "
                                      "(Marchenko-Pastur/Silverstein equation, N -> infinity)",
        "finite_size_top_eigenvalue": "mean top eigenvalue at finite N: outlier or bulk edge "
                                      "with its Tracy-Widom shift, Ising fourth moments "
                                      "(docs/physics.md 17.3)",
        "finite_size_curve": "the finite-N prediction on a fine grid of alpha",
        "finite_size_deviation": "measured mean / finite-N prediction - 1",
        "finite_size_deviation_stderr": "standard error of that deviation over data seeds",
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


def check_noise_edge(aggregates):
    """At β = 0 the top eigenvalue is the noise edge: the finite-N edge of (1+√α)²."""
    crossover = aggregates["crossover"]
    if 0.0 not in crossover["beta"].values:
        return Outcome("no beta = 0 in the study", None)
    entry = crossover.sel(beta=0.0)
    deviation = entry["finite_size_deviation"].values
    stderr = entry["finite_size_deviation_stderr"].values
    ratio = (entry["top_eigenvalue_mean"] / entry["marchenko_pastur_edge"]).values
    worst = int(np.nanargmax(np.abs(deviation)))
    measured = (f"measured / (1+sqrt(alpha))^2 = {ratio.min():.2f}-{ratio.max():.2f} over alpha "
                f"{crossover['alpha'].values.min():g}-{crossover['alpha'].values.max():g}; "
                f"within {100 * abs(deviation[worst]):.1f}% ± {100 * stderr[worst]:.1f}% of its "
                f"finite-N value (N = {crossover.attrs['n_visible']})")
    return Outcome(measured, bool(np.all(np.abs(deviation) <= 0.03 + 2 * stderr)))


def check_signal(aggregates):
    """Deep in the signal phase (largest β, smallest α) the top eigenvalue is Λ_Ising."""
    crossover = aggregates["crossover"]
    entry = crossover.sel(beta=crossover["beta"].max(), alpha=crossover["alpha"].min())
    beta, alpha = float(entry["beta"]), float(entry["alpha"])
    if not float(entry["signal_eigenvalue"]) >= 1.5 * float(entry["marchenko_pastur_edge"]):
        return Outcome(f"beta {beta:g}, alpha {alpha:g} is not deep in the signal phase", None)
    measured, signal = float(entry["top_eigenvalue_mean"]), float(entry["signal_eigenvalue"])
    error = float(entry["top_eigenvalue_std"])
    return Outcome(f"{measured:.3f} ± {error:.3f} against Lambda_Ising = {signal:.3f} "
                   f"(beta {beta:g}, alpha {alpha:g})", bool(abs(measured / signal - 1) <= 0.05))


def check_finite_size(aggregates):
    """(Beyond the paper) the finite-N theory within 3 % of every measured mean."""
    crossover = aggregates["crossover"]
    deviation = crossover["finite_size_deviation"]
    worst = abs(deviation).max()
    where = deviation.where(abs(deviation) == worst, drop=True)
    beta, alpha = float(where["beta"].values[0]), float(where["alpha"].values[0])
    stderr = float(crossover["finite_size_deviation_stderr"].sel(beta=beta, alpha=alpha))
    within = abs(deviation) <= 0.03 + 2 * crossover["finite_size_deviation_stderr"]
    return Outcome(f"largest |measured / predicted - 1| = {100 * float(worst):.1f}% ± "
                   f"{100 * stderr:.1f}% (beta {beta:g}, alpha {alpha:g}; N = "
                   f"{crossover.attrs['n_visible']}); {int(within.sum())} of {within.size} "
                   "points within 3% + 2 s.e.", bool(within.all()))


CLAIMS = (
    Claim("with independent spins (beta = 0) the top eigenvalue of the data's correlation "
          "matrix sits on the noise edge", "HTCM20 Fig. 12a, eq. 24", "(1+sqrt(alpha))^2",
          "within 3% (+ 2 s.e.) of the finite-N edge (the Tracy-Widom-shifted (1+sqrt(alpha))^2"
          ", docs/physics.md §17.3) at every alpha", ("crossover",), check_noise_edge),
    Claim("deep in the signal phase the top eigenvalue is the Ising signal eigenvalue",
          "HTCM20 Fig. 12a, eq. 25", "Lambda_Ising = e^(2 beta) (1 - t^N)/(1 + t^N)",
          "within 5% at the largest beta and smallest alpha", ("crossover",), check_signal),
    Claim("(beyond the paper) the finite-N prediction of the top eigenvalue: outliers, "
          "Tracy-Widom-shifted edge, Ising fourth moments", "docs/physics.md §17.3", "",
          "every (beta, alpha) within 3% (+ 2 s.e. of the measured mean)", ("crossover",),
          check_finite_size),
)
