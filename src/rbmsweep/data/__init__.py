"""Training data for the RBMs: exact samples of 1D Ising and Potts/XY rings (``rings``, with the
exact conditioning in ``conditioning``), user files and digits (``files``), and a fresh data set
at every epoch for unlimited data (``fresh``).

The ring samplers are exact (no MCMC, no burn-in; docs/physics.md §2).  On a ring of N sites the N
differences between neighbours, ``d_i = σ_{i+1} − σ_i mod q`` (σ_{N+1} = σ_1), are i.i.d. with
``P(d) ∝ exp(β K(d))`` conditioned on ``Σ_i d_i ≡ 0 mod q``, and σ_1 is uniform; the Ising ring is
the case q = 2, ``K(d) = cos(π d) = ±1``.  The conditioning is sampled exactly by a mix of
rejection and sequential conditional draws (``rbmsweep.kernels.sampling``), chosen so that
every (N, β, kernel) works, including β = 0, very large β and anti-ferromagnetic rings.

Every sampler returns a C-contiguous ``int8`` array of shape ``(n_samples, n_visible)``.  The
output depends only on the arguments (bitwise identical whatever the number of threads), and for
a fixed seed a smaller ``n_samples`` gives the first rows of a larger one (samples are made in
blocks of 1024, block b from stream b of the seed).
"""

import numpy as np

from .files import digits, load_samples
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
    "make_dataset",
    "FreshData",
    "KERNELS",
    "MODELS",
]


#: the data models a study's ``data.model`` may name, by the function that makes their data sets
MODELS = ("ising",)


def make_dataset(model, n_samples, n_test, seed, **parameters):
    """(train, test) configurations of one data set of the sweep
    (``rbmsweep.config.DataSpec.arguments()``): independent streams for the two, derived from
    ``seed``; ``parameters`` are the model's own keys (``n_visible`` and ``beta`` for ising)."""
    if model not in MODELS:
        raise ValueError(f"data.model: {model!r} is not allowed; allowed: {', '.join(MODELS)}")
    n_visible, beta = parameters["n_visible"], parameters["beta"]
    common = dict(n_visible=n_visible, beta=beta)
    # distinct streams for train and test: the samplers' outputs for one seed are nested
    train = ising_chain(n_samples=n_samples, seed=(seed, 0), **common)
    test = (ising_chain(n_samples=n_test, seed=(seed, 1), **common) if n_test > 0
            else np.empty((0, n_visible), np.int8))
    return train, test
