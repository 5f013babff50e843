"""Closed-form and numerical theory to overlay on the measurements (docs/physics.md §6-10).

One module per concept; this package depends on numpy and scipy only, never on the rest of
rbmsweep:

- :mod:`.random_matrix`: Marchenko-Pastur law, BBP transition, Silverstein equation, sample
  spectrum support, density and top eigenvalue (§6);
- :mod:`.ising`: correlations and covariance spectrum of the Ising ring (§7);
- :mod:`.xy`: the same for the discretised XY (Potts) ring, by transfer matrix (§8);
- :mod:`.finite_size`: the top sample eigenvalue at finite N: outliers, the bulk edge with its
  Tracy-Widom shift, corrections for non-Gaussian data (§17.3);
- :mod:`.langevin`: diffusion along a zero mode of stochastic gradient ascent (§17.2);
- :mod:`.small_beta`: small-β learning dynamics of HTCM20 eqs. 31-52 and its experiments (§9);
- :mod:`.gaussian_rbm`: mode dynamics of the Gaussian-Gaussian RBM (§10).

Every public function is re-exported here (``from rbmsweep import theory; theory.X``).
``alpha`` is always (dimension of the matrix) / (number of samples), except in the XY
noise edges, which take the paper's ``N / n_samples`` (see :mod:`.xy`).
"""

from .finite_size import (
    TW1_MEAN,
    TW1_STD,
    circulant_gaussian_fourth_moments,
    edge_location_and_scale,
    finite_size_top_eigenvalue,
    gaussian_fourth_moments,
    outlier_location,
    top_eigenvalue_parts,
)
from .gaussian_rbm import (gaussian_mode_fixed_point, gaussian_mode_rhs,
                           gaussian_optimal_log_likelihood, integrate_gaussian_modes)
from .ising import (
    bbp_threshold_beta,
    crossover_beta_paper,
    ising_correlation,
    ising_correlation_length,
    ising_correlation_matrix,
    ising_mode_fourth_moments,
    ising_population_eigenvalues,
    ising_top_eigenvalue,
    noise_edge_departure_beta,
    ising_signal_eigenvalue,
)
from .langevin import langevin_diffusion
from .random_matrix import (
    bbp_top_eigenvalue,
    clean_spectrum,
    marchenko_pastur_density,
    marchenko_pastur_edges,
    sample_spectrum_density,
    sample_spectrum_support,
    silverstein_x,
    singular_value_edges,
    top_sample_eigenvalue,
)
from .small_beta import (
    continuum_one_unit,
    continuum_rhs,
    integrate_small_beta,
    lattice_one_unit,
    lattice_two_units,
    one_unit_rhs,
    profile_fwhm,
    profile_height,
    repulsion,
    small_beta_rhs,
    stationary_b,
    stationary_profile,
    two_unit_rhs,
)
from .xy import (
    xy_correlation,
    xy_correlation_matrix,
    xy_lambdas,
    xy_noise_edge_mp,
    xy_noise_top_eigenvalue,
    xy_noise_edge_paper,
    xy_population_eigenvalues,
    xy_signal_eigenvalue,
)

__all__ = [
    # random matrices
    "marchenko_pastur_edges",
    "marchenko_pastur_density",
    "bbp_top_eigenvalue",
    "clean_spectrum",
    "silverstein_x",
    "sample_spectrum_support",
    "top_sample_eigenvalue",
    "sample_spectrum_density",
    "singular_value_edges",
    # finite size
    "TW1_MEAN",
    "TW1_STD",
    "edge_location_and_scale",
    "outlier_location",
    "top_eigenvalue_parts",
    "finite_size_top_eigenvalue",
    "gaussian_fourth_moments",
    "circulant_gaussian_fourth_moments",
    # Langevin
    "langevin_diffusion",
    # Ising
    "ising_correlation",
    "ising_correlation_matrix",
    "ising_correlation_length",
    "ising_signal_eigenvalue",
    "ising_population_eigenvalues",
    "ising_mode_fourth_moments",
    "ising_top_eigenvalue",
    "noise_edge_departure_beta",
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
    "xy_noise_top_eigenvalue",
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
    "lattice_one_unit",
    "continuum_one_unit",
    "lattice_two_units",
    "repulsion",
    # Gaussian-Gaussian RBM
    "gaussian_mode_rhs",
    "gaussian_mode_fixed_point",
    "integrate_gaussian_modes",
    "gaussian_optimal_log_likelihood",
]
