"""Exact samples of 1D rings: the Ising chain (HTCM20 eq. 8) and the Potts/discretised-XY ring
(eqs. 13-14), and the empirical Ising correlations (docs/physics.md §2).

Every sampler returns a C-contiguous ``int8`` array of shape ``(n_samples, n_visible)``.  The
output depends only on the arguments (bitwise identical whatever the number of threads), and for
a fixed seed a smaller ``n_samples`` gives the first rows of a larger one (samples are made in
blocks of 1024, block b from stream b of the seed).
"""

import zlib

import numpy as np

from ..kernels import sampling as _k
from ..kernels.random import seed_streams
from .checks import check_beta, check_int, check_seed
from .conditioning import conditionals, cum62, guide, plan, to62

BLOCK = 1024  # samples per random stream (fixed: the output must not depend on threads)

# Purpose tags, so that data drawn with seed s and other uses of s (weight init, PCD chains)
# get unrelated streams.
_PURPOSE_ISING = zlib.crc32(b"rbmsweep.data.ising_chain")
_PURPOSE_POTTS = zlib.crc32(b"rbmsweep.data.potts_chain")

KERNELS = ("cos", "delta", "nearest")


def _difference_law(beta, kernel):
    """P(d) ∝ exp(β K(d)), normalised without overflow (β K shifted by its maximum)."""
    e = beta * np.asarray(kernel, dtype=np.float64)
    with np.errstate(under="ignore"):
        w = np.exp(e - e.max())
    return w / w.sum()


def angular_kernel(kernel, q):
    """The angular kernel K(d), d = 0..q-1, as a float array.

    ``kernel`` is an array of q finite values, or a name:

    - ``"cos"``: ``K(d) = cos(2π d / q)`` — the discretised XY model (paper eq. 14);
    - ``"delta"``: ``K(d) = 1 if d = 0 else 0`` — the standard Potts coupling (shortest range);
    - ``"nearest"``: ``K(d) = 1`` if the angular distance ``min(d, q − d) ≤ 1``, else 0 — a
      short-range angular coupling (equal or adjacent angles attract equally).
    """
    if isinstance(kernel, str):
        d = np.arange(q)
        if kernel == "cos":
            return np.cos(2.0 * np.pi * d / q)
        if kernel == "delta":
            return (d == 0).astype(np.float64)
        if kernel == "nearest":
            return (np.minimum(d, q - d) <= 1).astype(np.float64)
        raise ValueError(f"kernel must be one of {KERNELS} or an array of q values, got {kernel!r}")
    k = np.asarray(kernel, dtype=np.float64)
    if k.shape != (q,):
        raise ValueError(f"kernel must have q = {q} values, got shape {k.shape}")
    if not np.all(np.isfinite(k)):
        raise ValueError(f"kernel values must be finite, got {k.tolist()!r}")
    return k


def _states(seed, purpose, n_samples):
    n_blocks = -(-n_samples // BLOCK)
    entropy = (*seed, purpose) if isinstance(seed, tuple) else (seed, purpose)
    return seed_streams(entropy, n_blocks)


# --------------------------------------------------------------------------- samplers
def _ising_tables(n, beta, m=None):
    """Kernel arguments (after ``out, states, block``) of the Ising sampler."""
    p = _difference_law(beta, np.array([1.0, -1.0]))  # [P(same), P(flip)], no overflow
    invert = np.uint64(0xFFFFFFFFFFFFFFFF) if p[1] > 0.5 else np.uint64(0)
    rare = min(p[0], p[1])  # part A draws the rarer outcome and inverts if needed
    p64 = np.uint64(min(int(rare * 2.0**64), 2**64 - 1))

    def part_a_cost(n_a):  # ~7.5 draws per 64 bonds, + the word assembly and parity
        return 2.0 + 8.0 * (-(-np.asarray(n_a) // 64))

    m, acc62, z = plan(p, n, part_a_cost, 1.5, bytes_per_m=16, m=m)
    w = conditionals(p, z, m)
    tot = w.sum(axis=-1)
    # P(bond = 1 | m left, parity r needed); unreachable rows (zero weight) get p.
    seq62 = to62(np.where(tot > 0, w[:, :, 1] / np.where(tot > 0, tot, 1.0), p[1]))
    return (p64, invert, n - m, acc62, seq62)


def ising_chain(n_visible, beta, n_samples, seed, *, parallel=False):
    """Exact samples of the periodic 1D Ising chain ``P(v) ∝ exp(β Σ_i v_i v_{i+1})``.

    Returns an ``int8`` array of ±1, shape ``(n_samples, n_visible)``, C-contiguous.
    Bonds ``b_i = [v_i ≠ v_{i+1}]`` are i.i.d. Bernoulli(``p = 1/(1 + e^{2β}) = (1 − tanh β)/2``)
    conditioned on an even number of flips, and ``v_1`` is uniform.  ``beta = 0`` gives uniform
    spins; ``beta < 0`` is the anti-ferromagnet (p > 1/2; an odd ring is then frustrated, and
    the sampler stays exact).  Any finite β works (no overflow).  ``parallel=True`` spreads
    blocks of samples over numba threads; the result is identical either way.
    """
    n = check_int("n_visible", n_visible, 2)
    beta = check_beta(beta)
    n_samples = check_int("n_samples", n_samples, 1)
    seed = check_seed(seed)
    return _sample_ising(n, beta, n_samples, seed, parallel)


def _sample_ising(n, beta, n_samples, seed, parallel=False, m=None):
    with np.errstate(under="ignore"):
        args = _ising_tables(n, beta, m)
    out = np.empty((n_samples, n), dtype=np.int8)
    states = _states(seed, _PURPOSE_ISING, n_samples)
    kern = _k.ising_parallel if parallel else _k.ising_serial
    kern(out, states, BLOCK, *args)
    return out


def _potts_tables(n, q, beta, kernel_values, m=None):
    """Kernel arguments (after ``out, states, block``) of the Potts sampler."""
    p = _difference_law(beta, kernel_values)
    bytes_per_m = q * (8 * q + (1 << _k.GUIDE_BITS))
    m, acc62, z = plan(p, n, lambda n_a: np.asarray(n_a, dtype=np.float64), 1.5, bytes_per_m, m=m)
    cond62 = cum62(conditionals(p, z, m))
    base62 = cum62(p)
    return (q, base62, guide(base62), n - m, acc62, cond62, guide(cond62))


def potts_chain(n_visible, q, beta, n_samples, seed, kernel="cos", *, parallel=False):
    """Exact samples of the periodic Potts ring ``P(σ) ∝ exp(β Σ_i K(σ_{i+1} − σ_i mod q))``.

    Returns an ``int8`` array with values in ``0..q-1`` (q ≤ 127), shape
    ``(n_samples, n_visible)``.  The differences ``d_i = σ_{i+1} − σ_i mod q`` are i.i.d. with
    ``P(d) ∝ exp(β K(d))`` conditioned on ``Σ d_i ≡ 0 mod q``; ``σ_1`` is uniform.

    ``kernel`` is the angular coupling K(d), d = 0..q-1: a name (``"cos"`` — the discretised XY
    model, ``"delta"`` — standard Potts, ``"nearest"`` — a short-range angular coupling; see
    :func:`angular_kernel`) or an array of q finite values.  K need not be symmetric: with
    ``K(d) ≠ K(−d)`` the chain is chiral (``d`` is always σ_{i+1} − σ_i).  Couplings beyond
    nearest neighbours in space are not i.i.d. differences and are not handled here.
    ``parallel=True`` spreads blocks of samples over numba threads; same result.
    """
    n = check_int("n_visible", n_visible, 2)
    q = check_int("q", q, 2, 127)
    beta = check_beta(beta)
    n_samples = check_int("n_samples", n_samples, 1)
    seed = check_seed(seed)
    kernel_values = angular_kernel(kernel, q)
    return _sample_potts(n, q, beta, n_samples, seed, kernel_values, parallel)


def _sample_potts(n, q, beta, n_samples, seed, kernel_values, parallel=False, m=None):
    with np.errstate(under="ignore"):
        args = _potts_tables(n, q, beta, kernel_values, m)
    out = np.empty((n_samples, n), dtype=np.int8)
    states = _states(seed, _PURPOSE_POTTS, n_samples)
    kern = _k.potts_parallel if parallel else _k.potts_serial
    kern(out, states, BLOCK, *args)
    return out


def xy_chain(n_visible, q, beta, n_samples, seed, *, parallel=False):
    """Discretised XY ring (paper eqs. 14–15): :func:`potts_chain` with ``K(d) = cos(2π d/q)``.

    Returns ``int8`` values in ``0..q-1``, shape ``(n_samples, n_visible)``.
    """
    return potts_chain(n_visible, q, beta, n_samples, seed, kernel="cos", parallel=parallel)


# --------------------------------------------------------------------------- correlations
def ising_correlations(v, max_distance):
    """Empirical ``C(r) = ⟨v_i v_{i+r}⟩`` averaged over samples and sites i (ring), r = 0..max_distance.

    ``v``: ±1 array of shape (n_samples, N).  Returns float64 of length ``max_distance + 1``.
    """
    v = np.asarray(v)
    if v.ndim != 2:
        raise ValueError(f"v must be 2-D (n_samples, n_visible), got shape {v.shape}")
    n = v.shape[1]
    max_distance = check_int("max_distance", max_distance, 0, n - 1)
    if not np.all(np.abs(v) == 1):
        raise ValueError("v must contain only -1 and +1")
    x = v.astype(np.int8, copy=False)
    out = np.empty(max_distance + 1)
    for r in range(max_distance + 1):
        prod = x * np.roll(x, -r, axis=1)
        out[r] = prod.sum(dtype=np.int64) / prod.size
    return out
