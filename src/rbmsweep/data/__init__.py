"""Training data for the RBMs: exact samples of 1D Ising and Potts/XY rings (``rings``, with the
exact conditioning in ``conditioning``), user files and digits (``files``), Gaussian clusters in
a subspace (``clusters``), and a fresh data set at every epoch for unlimited data (``fresh``).

The ring samplers are exact (no MCMC, no burn-in; docs/physics.md §2).  On a ring of N sites the N
differences between neighbours, ``d_i = σ_{i+1} − σ_i mod q`` (σ_{N+1} = σ_1), are i.i.d. with
``P(d) ∝ exp(β K(d))`` conditioned on ``Σ_i d_i ≡ 0 mod q``, and σ_1 is uniform; the Ising ring is
the case q = 2, ``K(d) = cos(π d) = ±1``.  The conditioning is sampled exactly by a mix of
rejection and sequential conditional draws (``rbmsweep.kernels.sampling``), chosen so that
every (N, β, kernel) works, including β = 0, very large β and anti-ferromagnetic rings.

Every sampler returns a C-contiguous ``int8`` array of shape ``(n_samples, n_visible)``
(real-valued data, the clusters and files for gaussian units: ``float64``).  The
output depends only on the arguments (bitwise identical whatever the number of threads), and for
a fixed seed a smaller ``n_samples`` gives the first rows of a larger one (samples are made in
blocks of 1024, block b from stream b of the seed).
"""

import numpy as np

from .clusters import cluster_geometry, clusters, principal_variances
from .files import digit_samples, digits, file_samples, file_shape, load_samples
from .fresh import FreshData
from .rings import KERNELS, angular_kernel, ising_chain, ising_correlations, potts_chain, xy_chain

__all__ = [
    "ising_chain",
    "xy_chain",
    "potts_chain",
    "angular_kernel",
    "ising_correlations",
    "load_samples",
    "digits",
    "mcmc_chain",
    "autocorrelation_time",
    "clusters",
    "cluster_geometry",
    "principal_variances",
    "file_shape",
    "make_dataset",
    "FreshData",
    "KERNELS",
    "CONFIG_KERNELS",
    "MODELS",
]


def __getattr__(name):
    """The Monte Carlo sampler's public names, imported on first use (loading its compiled
    kernels costs a data job a few tenths of a second)."""
    if name in ("mcmc_chain", "autocorrelation_time"):
        from . import mcmc

        return getattr(mcmc, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _ising(n_samples, n_test, seed, n_visible, beta):
    common = dict(n_visible=n_visible, beta=beta)
    # distinct streams for train and test: the samplers' outputs for one seed are nested
    train = ising_chain(n_samples=n_samples, seed=(seed, 0), **common)
    test = (ising_chain(n_samples=n_test, seed=(seed, 1), **common) if n_test > 0
            else np.empty((0, n_visible), np.int8))
    return train, test, {"sampler": "exact ring sampler (docs/physics.md §2)"}


#: the angular kernels a config's ``data.kernel`` names, as kernels of ``angular_kernel``
#: (docs/physics.md §13.1): ``cosine`` K(d) = cos(2πd/q) (HTCM20 eq. 14), ``short_range``
#: K(d) = 1 when the angular distance min(d, q − d) ≤ 1, else 0
CONFIG_KERNELS = {"cosine": "cos", "short_range": "nearest"}


def _xy(n_samples, n_test, seed, n_visible, beta, q, kernel="cosine", couplings=None):
    """xy data without ``couplings`` from the exact ring sampler (``potts_chain``), with
    ``couplings = [J1, J2, ...]`` from heat-bath Monte Carlo (``data.mcmc``; train and test
    chains follow one plan of burn-in and thinning); and what the sampler did."""
    if kernel not in CONFIG_KERNELS:
        raise ValueError(f"data.kernel: {kernel!r} is not allowed; allowed: "
                         f"{', '.join(CONFIG_KERNELS)}")
    kernel_values = angular_kernel(CONFIG_KERNELS[kernel], q)
    info = {"sampler": "exact ring sampler (docs/physics.md §2)"}
    if couplings is None:
        def draw(count, stream):
            return potts_chain(n_visible=n_visible, q=q, beta=beta, n_samples=count,
                               seed=(seed, stream), kernel=kernel_values)
    else:
        from . import mcmc  # its kernels load only for Monte Carlo data

        table = mcmc.coupling_table(q, beta, mcmc.check_couplings(couplings, n_visible),
                                    kernel_values)
        chain_plan = mcmc.plan(n_visible, table, seed)
        info = chain_plan.info()

        def draw(count, stream):
            samples, tau = mcmc.sample(n_visible, table, count, seed, chain_plan, stream)
            if stream == 0:
                info["mcmc_autocorrelation_time_samples"] = tau
            return samples
    # distinct streams for train and test: the samplers' outputs for one seed are nested
    train = draw(n_samples, 0)
    test = draw(n_test, 1) if n_test > 0 else np.empty((0, n_visible), np.int8)
    return train, test, info


def _digits(n_samples, n_test, seed, threshold=8, n_visible=None):
    return digit_samples(n_samples, n_test, seed, threshold=threshold)


def _file(n_samples, n_test, seed, path, n_visible=None, visible=None):
    return file_samples(path, n_samples, n_test, seed, visible=visible)


def _clusters(n_samples, n_test, seed, n_visible, **keys):
    # one geometry (embedding and centres) from the seed; independent points for train and test
    return (clusters(n_visible, n_samples, seed, part=0, **keys),
            clusters(n_visible, n_test, seed, part=1, **keys))


#: the data models a study's ``data.model`` may name, by the function that makes their data sets
MODELS = {"ising": _ising, "xy": _xy, "digits": _digits, "file": _file, "clusters": _clusters}


def make_dataset(model, n_samples, n_test, seed, *, diagnostics=False, **parameters):
    """(train, test) configurations of one data set of the sweep
    (``rbmsweep.config.DataSpec.arguments()``): independent streams (or disjoint rows) for the
    two, derived from ``seed``; ``parameters`` are the model's own keys (``n_visible`` and
    ``beta`` for ising; also ``q``, ``kernel`` and ``couplings`` for xy; ``threshold`` for
    digits; ``path`` for file; ``n_visible``, ``n_clusters``, ``latent_dim``, ``cluster_std``,
    ``noise_std`` for clusters).  ``diagnostics=True`` returns ``(train, test, info)``,
    ``info`` a dict of numbers and strings for the data file's attributes: which sampler made
    ring data, and for Monte Carlo data its burn-in, thinning and measured autocorrelation
    times (docs/physics.md §13.1)."""
    if model not in MODELS:
        raise ValueError(f"data.model: {model!r} is not allowed; allowed: {', '.join(MODELS)}")
    made = MODELS[model](n_samples, n_test, seed, **parameters)
    train, test, info = made if len(made) == 3 else (*made, {})
    return (train, test, info) if diagnostics else (train, test)
