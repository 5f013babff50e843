"""Heat-bath Monte Carlo of Potts / XY rings with couplings beyond nearest neighbours: numba
kernels (the Python that plans burn-in and thinning is ``rbmsweep.data.mcmc``).

The ring: σ_i ∈ {0..q−1}, i = 0..N−1, ``P(σ) ∝ exp(Σ_i Σ_{r=1}^{R} B[r−1, (σ_{i+r} − σ_i) mod q])``
with ``B[r−1, d] = β J_r K(d)`` (docs/physics.md §13.1).  A sweep visits the sites in order and
redraws each from its exact conditional law given the others (heat bath, a Gibbs sampler):
``P(σ_i = s | rest) ∝ exp(Σ_r B[r−1, (σ_{i+r} − s) mod q] + B[r−1, (s − σ_{i−r}) mod q])``.
Each single-site update leaves P invariant, so the systematic scan does too.  After every sweep
the whole configuration turns by a uniformly random angle, σ_i → σ_i + c mod q (P depends on
differences only, so this move leaves it invariant too): the direction of the magnetisation,
the chain's slowest mode in one dimension, is then new at every sweep.

One stream per chain (a row of ``states``), loaded into scalars for the chain's whole work
(``random.xoshiro_step``); chains are independent units of work, so the output does not depend
on the number of threads.  A draw from the conditional law: one uniform from the top 53 bits,
compared with the running sum of the q weights (shifted by their maximum, no overflow).
"""

import numpy as np
from numba import njit, prange

from .random import uniform_from_bits, xoshiro_step

_LEMIRE_SHIFT = np.uint64(32)


@njit
def _uniform_state(u, q):
    """A state in 0..q−1 from 64 random bits (multiply-shift on the top 32 bits; its bias,
    below q / 2^32, is far below any statistics of the samples)."""
    return np.int64(((u >> _LEMIRE_SHIFT) * np.uint64(q)) >> _LEMIRE_SHIFT)


@njit
def _sweep(sigma, table, weights, s0, s1, s2, s3):
    """One heat-bath sweep of ``sigma`` (int64, length N) in place; returns the stream."""
    n = sigma.shape[0]
    n_r, q = table.shape
    for i in range(n):
        for s in range(q):
            weights[s] = 0.0
        for r in range(1, n_r + 1):
            right = sigma[(i + r) % n]
            left = sigma[(i - r) % n]
            row = table[r - 1]
            for s in range(q):
                d_right = right - s
                if d_right < 0:
                    d_right += q
                d_left = s - left
                if d_left < 0:
                    d_left += q
                weights[s] += row[d_right] + row[d_left]
        top = weights[0]
        for s in range(1, q):
            if weights[s] > top:
                top = weights[s]
        total = 0.0
        for s in range(q):
            weights[s] = np.exp(weights[s] - top)
            total += weights[s]
        u, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        x = uniform_from_bits(u) * total
        new = q - 1  # round-off guard: x may reach the total
        acc = 0.0
        for s in range(q - 1):
            acc += weights[s]
            if x < acc:
                new = s
                break
        sigma[i] = new
    u, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
    c = _uniform_state(u, q)
    for i in range(n):
        new = sigma[i] + c
        sigma[i] = new - q if new >= q else new
    return s0, s1, s2, s3


@njit
def _observables(sigma, table, q, out):
    """Energy −log P + const = −Σ_i Σ_r B[r−1, σ_{i+r} − σ_i], the squared magnetisation
    |Σ_i e^{2πiσ_i/q}|² / N and its component along a fixed direction, Σ_i cos(2πσ_i/q)
    (turned at random by every sweep's rotation), into ``out[0:3]``."""
    n = sigma.shape[0]
    n_r = table.shape[0]
    energy = 0.0
    mx = 0.0
    my = 0.0
    for i in range(n):
        for r in range(1, n_r + 1):
            d = sigma[(i + r) % n] - sigma[i]
            if d < 0:
                d += q
            energy -= table[r - 1, d]
        angle = 2.0 * np.pi * sigma[i] / q
        mx += np.cos(angle)
        my += np.sin(angle)
    out[0] = energy
    out[1] = (mx * mx + my * my) / n
    out[2] = mx


@njit
def _chain(state, n, table, burn_in, n_out, thin, samples, trace, row0):
    """One chain from a uniformly random start: ``burn_in`` sweeps, then ``n_out`` records
    ``thin`` sweeps apart: configurations into ``samples[row0 + k]`` (if ``samples`` has rows)
    and the observables into ``trace[k]`` (if ``trace`` has rows)."""
    q = table.shape[1]
    sigma = np.empty(n, dtype=np.int64)
    weights = np.empty(q, dtype=np.float64)
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for i in range(n):
        u, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        sigma[i] = _uniform_state(u, q)
    for _ in range(burn_in):
        s0, s1, s2, s3 = _sweep(sigma, table, weights, s0, s1, s2, s3)
    for k in range(n_out):
        for _ in range(thin):
            s0, s1, s2, s3 = _sweep(sigma, table, weights, s0, s1, s2, s3)
        if samples.shape[0] > 0:
            for i in range(n):
                samples[row0 + k, i] = np.int8(sigma[i])
        if trace.shape[0] > 0:
            _observables(sigma, table, q, trace[k])
    state[0] = s0
    state[1] = s1
    state[2] = s2
    state[3] = s3


@njit(cache=True, parallel=True)
def chains_samples(out, states, table, burn_in, per_chain, thin, traces):
    """Fill ``out`` (n_samples, N) int8: chain c (stream ``states[c]``) makes rows
    ``c * per_chain ..`` (the last chain may make fewer), ``thin`` sweeps apart after
    ``burn_in`` sweeps, and records their observables in ``traces[c]`` (per_chain, 3)."""
    n_samples, n = out.shape
    for c in prange(states.shape[0]):
        row0 = c * per_chain
        count = min(per_chain, n_samples - row0)
        _chain(states[c], n, table, burn_in, count, thin, out, traces[c], row0)


@njit(cache=True, parallel=True)
def chains_trace(traces, states, n, table, burn_in):
    """Observables after every sweep of ``states.shape[0]`` chains of N sites (a pilot run):
    ``traces[c, t]`` = (energy, |m|² / N, m_x) after sweep ``burn_in + t + 1`` of chain c."""
    empty = np.empty((0, n), dtype=np.int8)
    for c in prange(states.shape[0]):
        _chain(states[c], n, table, burn_in, traces.shape[1], 1, empty, traces[c], 0)
