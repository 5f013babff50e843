"""Monte Carlo samples of Potts / XY rings with spatial couplings beyond nearest neighbours
(docs/physics.md §13.1), with measured burn-in and autocorrelation.

``P(σ) ∝ exp(β Σ_i Σ_{r=1}^{R} J_r K(σ_{i+r} − σ_i mod q))`` on a ring of N sites: the
differences between neighbours are no longer independent, so the exact ring samplers
(``rbmsweep.data.rings``) do not apply.  Heat-bath sweeps (``rbmsweep.kernels.mcmc``) from
uniformly random starts:

1. a pilot run of ``PILOT_CHAINS`` chains records the energy, the squared magnetisation
   |Σ_i e^{2πiσ_i/q}|² / N and one component of the magnetisation after every sweep; their integrated autocorrelation time τ (``autocorrelation_time``,
   in sweeps; the largest of the three) sets the plan, and the pilot is run again, longer,
   until its burn-in is at least ``BURN_IN_TAUS`` τ and its record at least ``RECORD_TAUS`` τ;
2. the samples come from chains of ``SAMPLES_PER_CHAIN`` samples each, after a burn-in of
   ``max(MIN_BURN_IN, BURN_IN_TAUS τ)`` sweeps, ``ceil(THIN_TAUS τ)`` sweeps apart (so that
   consecutive samples of a chain are nearly independent); the autocorrelation time of the
   samples' own energy series is measured again, in samples (≈ 1 when they are independent).

Every number of the plan and of the measurement is returned (``info``) and written into the
data file's attributes.  Deterministic: one stream per chain, derived from the seed.
"""

import dataclasses
import math
import zlib

import numpy as np

from ..kernels import mcmc as _k
from ..kernels.random import seed_streams
from .checks import check_beta, check_int, check_seed

PILOT_CHAINS = 4
MIN_BURN_IN = 100  # sweeps
BURN_IN_TAUS = 20
RECORD_TAUS = 100
THIN_TAUS = 2
PILOT_SWEEPS = 1000  # the first pilot's record
MAX_PILOT_SWEEPS = 2_000_000  # per chain: beyond it the chain mixes too slowly to be sampled here
SAMPLES_PER_CHAIN = 256
WINDOW_C = 5.0  # Sokal's automatic window: the smallest W with W ≥ c τ(W)

_PURPOSE = zlib.crc32(b"rbmsweep.data.mcmc_chain")
_PILOT, _TRAIN, _TEST = 2, 0, 1  # stream families of a data set: train, test, pilot
OBSERVABLES = ("energy", "squared_magnetisation", "magnetisation_x")


def autocorrelation_time(series, c=WINDOW_C):
    """Integrated autocorrelation time ``τ = 1 + 2 Σ_{t=1}^{W} ρ(t)`` of stationary series
    (rows: independent chains of one observable), in steps of the series: n samples carry
    about n / τ independent ones.  ρ is the autocovariance averaged over chains (each about
    its own mean, by FFT) over its value at lag 0; W is the smallest window with W ≥ c τ(W)
    (Sokal's automatic windowing, A. Sokal, "Monte Carlo methods in statistical mechanics",
    1996; Madras and Sokal 1988).  Returns (τ, W); τ = 1 for a constant series and NaN when no
    window fits inside the series.  Like every such estimate it is reliable only for series
    much longer than τ (the pilot runs ask for ``RECORD_TAUS`` τ)."""
    x = np.atleast_2d(np.asarray(series, dtype=np.float64))
    length = x.shape[1]
    x = x - x.mean(axis=1, keepdims=True)
    size = 1 << int(np.ceil(np.log2(2 * length)))
    spectrum = np.fft.rfft(x, n=size, axis=1)
    covariance = np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1)[:, :length]
    covariance = covariance.mean(axis=0) / length
    if covariance[0] <= 0:
        return 1.0, 0
    rho = covariance / covariance[0]
    taus = 1.0 + 2.0 * np.cumsum(rho[1:])
    windows = np.arange(1, length)
    fits = np.nonzero(windows >= c * taus)[0]
    if fits.size == 0:
        return math.nan, length - 1
    return float(taus[fits[0]]), int(windows[fits[0]])


def coupling_table(q, beta, couplings, kernel_values):
    """``B[r−1, d] = β J_r K(d)``, shape (R, q): the log-weight of a bond at distance r whose
    difference is d."""
    j = np.asarray(couplings, dtype=np.float64)
    return float(beta) * j[:, None] * np.asarray(kernel_values, dtype=np.float64)[None, :]


def check_couplings(couplings, n_visible):
    """A list of R ≥ 1 finite numbers with R ≤ (N − 1) // 2 (every pair of sites at most r apart
    counted once on the ring), as a float array; a clear error otherwise."""
    if isinstance(couplings, (str, bytes)) or not hasattr(couplings, "__len__"):
        raise ValueError(f"couplings: {couplings!r} is not allowed; it must be a list of numbers "
                         "[J1, J2, ...]")
    values = []
    for index, value in enumerate(couplings):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)) \
                or not math.isfinite(value):
            raise ValueError(f"couplings[{index}]: {value!r} is not allowed; it must be a finite "
                             "number")
        values.append(float(value))
    largest = (n_visible - 1) // 2
    if not 1 <= len(values) <= largest:
        raise ValueError(f"couplings: {list(couplings)!r} is not allowed; a ring of {n_visible} "
                         f"sites takes 1 to {largest} couplings (distances r < N/2)")
    return np.array(values)


@dataclasses.dataclass(frozen=True)
class Plan:
    """Burn-in and thinning of the sampling chains, and what the pilot run measured."""

    burn_in: int  # sweeps
    thin: int  # sweeps between samples
    tau: float  # sweeps, the largest of the observables'
    taus: dict  # sweeps, per observable
    pilot_sweeps: int  # per pilot chain, burn-in included

    def info(self):
        return {"sampler": "heat-bath Monte Carlo (docs/physics.md §13.1)",
                "mcmc_burn_in_sweeps": self.burn_in,
                "mcmc_sweeps_between_samples": self.thin,
                "mcmc_autocorrelation_time_sweeps": self.tau,
                **{f"mcmc_autocorrelation_time_{name}_sweeps": value
                   for name, value in self.taus.items()},
                "mcmc_pilot_chains": PILOT_CHAINS, "mcmc_pilot_sweeps": self.pilot_sweeps,
                "mcmc_samples_per_chain": SAMPLES_PER_CHAIN}


def _streams(seed, family, count):
    seed = seed if isinstance(seed, tuple) else (seed,)
    return seed_streams((*seed, _PURPOSE, family), count)


def plan(n_visible, table, seed):
    """The burn-in and thinning of chains of this ring (``Plan``), from pilot runs."""
    burn_in, record = MIN_BURN_IN, PILOT_SWEEPS
    while True:
        traces = np.empty((PILOT_CHAINS, record, 3))
        _k.chains_trace(traces, _streams(seed, _PILOT, PILOT_CHAINS), n_visible, table, burn_in)
        taus = {name: autocorrelation_time(traces[:, :, k])[0]
                for k, name in enumerate(OBSERVABLES)}
        tau = max(taus.values())
        if math.isfinite(tau) and burn_in >= BURN_IN_TAUS * tau and record >= RECORD_TAUS * tau:
            break
        guess = tau if math.isfinite(tau) else record / WINDOW_C
        burn_in = max(burn_in, math.ceil(2 * BURN_IN_TAUS * guess))
        record = max(2 * record, math.ceil(2 * RECORD_TAUS * guess))
        if burn_in + record > MAX_PILOT_SWEEPS:
            raise RuntimeError(
                f"Monte Carlo: the chains of this ring mix too slowly (autocorrelation time "
                f"above {guess:.3g} sweeps); a pilot would need {burn_in + record} sweeps")
    return Plan(burn_in=max(MIN_BURN_IN, math.ceil(BURN_IN_TAUS * tau)),
                thin=max(1, math.ceil(THIN_TAUS * tau)), tau=tau, taus=taus,
                pilot_sweeps=burn_in + record)


def sample(n_visible, table, n_samples, seed, chain_plan, family=_TRAIN):
    """``n_samples`` configurations (int8) from chains that follow ``chain_plan``, and the
    autocorrelation time of their energy along each chain, in samples."""
    n_chains = -(-n_samples // SAMPLES_PER_CHAIN)
    out = np.empty((n_samples, n_visible), dtype=np.int8)
    traces = np.zeros((n_chains, SAMPLES_PER_CHAIN, 3))
    _k.chains_samples(out, _streams(seed, family, n_chains), table, chain_plan.burn_in,
                      SAMPLES_PER_CHAIN, chain_plan.thin, traces)
    full = n_samples // SAMPLES_PER_CHAIN  # chains with a whole record
    series = traces[:full, :, 0] if full else traces[:1, :n_samples, 0]
    return out, autocorrelation_time(series)[0]


def mcmc_chain(n_visible, q, beta, n_samples, seed, couplings, kernel="cos"):
    """Monte Carlo samples of ``P(σ) ∝ exp(β Σ_i Σ_r J_r K(σ_{i+r} − σ_i mod q))`` on a ring
    (``couplings = [J1, J2, ...]``, ``kernel`` as in ``rbmsweep.data.angular_kernel``).

    Returns ``(samples, info)``: int8 values in 0..q−1, shape (n_samples, n_visible), and the
    plan and measurements of the chains (burn-in, sweeps between samples, autocorrelation
    times; see the module's docstring)."""
    from .rings import angular_kernel

    n = check_int("n_visible", n_visible, 2)
    q = check_int("q", q, 2, 127)
    beta = check_beta(beta)
    n_samples = check_int("n_samples", n_samples, 1)
    seed = check_seed(seed)
    table = coupling_table(q, beta, check_couplings(couplings, n), angular_kernel(kernel, q))
    chain_plan = plan(n, table, seed)
    samples, tau_samples = sample(n, table, n_samples, seed, chain_plan)
    return samples, {**chain_plan.info(), "mcmc_autocorrelation_time_samples": tau_samples}
