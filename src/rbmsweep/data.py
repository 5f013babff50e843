"""Training data for the RBMs: exact samples of 1D Ising and Potts/XY rings, user files, digits.

The ring samplers are exact (no MCMC, no burn-in; DESIGN §3.1).  On a ring of N sites the N
differences between neighbours, ``d_i = σ_{i+1} − σ_i mod q`` (σ_{N+1} = σ_1), are i.i.d. with
``P(d) ∝ exp(β K(d))`` conditioned on ``Σ_i d_i ≡ 0 mod q``, and σ_1 is uniform; the Ising ring is
the case q = 2, ``K(d) = cos(π d) = ±1``.  The conditioning is sampled exactly by a mix of
rejection and sequential conditional draws (see :mod:`rbmsweep.kernels.sampling`), chosen so that
every (N, β, kernel) works, including β = 0, very large β and anti-ferromagnetic rings.

Every sampler returns a C-contiguous ``int8`` array of shape ``(n_samples, n_visible)``.  The
output depends only on the arguments (bitwise identical whatever the number of threads), and for
a fixed seed a smaller ``n_samples`` gives the first rows of a larger one (samples are made in
blocks of 1024, block b from stream b of the seed).
"""

import math
import numbers
import os
import zlib

import numpy as np

from rbmsweep.kernels import sampling as _k
from rbmsweep.kernels.random import seed_streams

__all__ = [
    "ising_chain",
    "xy_chain",
    "potts_chain",
    "angular_kernel",
    "ising_correlations",
    "alpha_to_n_samples",
    "load_samples",
    "digits",
    "KERNELS",
]

BLOCK = 1024  # samples per random stream (fixed: the output must not depend on threads)
_TABLE_BYTES = 16 << 20  # cap on the conditional tables
_MIN_ACCEPTANCE = 1e-4

# Purpose tags, so that data drawn with seed s and other uses of s (weight init, PCD chains)
# get unrelated streams.
_PURPOSE_ISING = zlib.crc32(b"rbmsweep.data.ising_chain")
_PURPOSE_POTTS = zlib.crc32(b"rbmsweep.data.potts_chain")

KERNELS = ("cos", "delta", "nearest")


# --------------------------------------------------------------------------- argument checks
def _check_int(name, value, minimum, maximum=None):
    """An int (integral floats such as 1e4 are accepted), within [minimum, maximum]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if not isinstance(value, numbers.Integral):
        if not (math.isfinite(value) and float(value).is_integer()):
            raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        allowed = f">= {minimum}" if maximum is None else f"in {minimum}..{maximum}"
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return value


def _check_beta(beta):
    if isinstance(beta, (bool, np.bool_)) or not isinstance(beta, numbers.Real):
        raise ValueError(f"beta must be a real number, got {beta!r}")
    beta = float(beta)
    if not math.isfinite(beta):
        raise ValueError(f"beta must be finite, got {beta!r}")
    return beta


def _check_seed(seed):
    if isinstance(seed, (tuple, list)):
        return tuple(_check_int("seed", s, 0) for s in seed)
    return _check_int("seed", seed, 0)


# --------------------------------------------------------------------------- tables
def _to62(p):
    """Probabilities (array, in [0, 1]) → int64 thresholds round(p * 2**62), exact at 0 and 1."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    return np.minimum(np.rint(p * float(_k.ONE62)), float(_k.ONE62)).astype(np.int64)


def _cum62(w):
    """Unnormalised weights (..., q) → thresholds (..., q) of the cumulative law P(d' ≤ d).

    The last threshold is 2**62, a sentinel above every draw.  Rows of zero total weight
    (unreachable conditionals) give the uniform law.
    """
    w = np.asarray(w, dtype=np.float64)
    q = w.shape[-1]
    tot = w.sum(axis=-1, keepdims=True)
    w = np.where(tot > 0, w, 1.0)
    c = np.cumsum(w, axis=-1) / w.sum(axis=-1, keepdims=True)
    t = np.maximum.accumulate(_to62(c), axis=-1)
    t[..., q - 1] = _k.ONE62
    return t


def _guide(t):
    """Guide tables (..., 2**GUIDE_BITS) int8: number of thresholds <= g * 2**(62 - GUIDE_BITS)."""
    n_g = 1 << _k.GUIDE_BITS
    rows = t.reshape(-1, t.shape[-1])
    # threshold t counts for every bucket g with g * 2**shift >= t, i.e. g >= ceil(t / 2**shift)
    shift = 62 - _k.GUIDE_BITS
    first = np.minimum((rows + ((1 << shift) - 1)) >> shift, n_g)
    hist = np.zeros((rows.shape[0], n_g + 1), dtype=np.int64)
    np.add.at(hist, (np.repeat(np.arange(rows.shape[0]), rows.shape[1]), first.ravel()), 1)
    g = np.cumsum(hist, axis=1)[:, :n_g].astype(np.int8)
    return g.reshape(t.shape[:-1] + (n_g,))


def _circulant(p):
    """C[r, r'] = p[(r' − r) mod q], so that (Z_m)[r'] = Σ_r Z_{m−1}[r] C[r, r']."""
    q = p.shape[0]
    idx = (np.arange(q)[None, :] - np.arange(q)[:, None]) % q
    return p[idx]


def _conv(a, p):
    """Circular convolution mod q: (a * p)[r] = Σ_d a[r − d] p[d]."""
    return a @ _circulant(p)


def _residue_laws(p, m_max):
    """Z[m, r] = P(sum of m i.i.d. differences ≡ r mod q), m = 0..m_max (sums of positive terms)."""
    q = p.shape[0]
    c = _circulant(p)
    z = np.zeros((m_max + 1, q))
    z[0, 0] = 1.0
    for m in range(1, m_max + 1):
        z[m] = z[m - 1] @ c
    return z


def _residue_law_power(p, n):
    """Z_n by repeated squaring (for n beyond the tabulated range)."""
    q = p.shape[0]
    result = np.zeros(q)
    result[0] = 1.0
    base = p.copy()
    while n:
        if n & 1:
            result = _conv(result, base)
        n >>= 1
        if n:
            base = _conv(base, base)
    return result


def _plan(p, n, part_a_cost, part_b_cost, bytes_per_m, m=None):
    """Choose M, the number of differences drawn from the exact conditionals (the rest, part A,
    is drawn i.i.d. and accepted or rejected as a whole; see kernels/sampling.py).

    ``part_a_cost(n_a)``: cost of one part-A attempt of n_a differences; ``part_b_cost``: cost
    of one conditional draw.  M minimises the expected cost, within a memory cap on the tables;
    ``m`` forces it (tests use this to exercise every path).
    Returns (M, acc62[q], Z[0..M, q]).
    """
    q = p.shape[0]
    m_cap = max(1, min(n, _TABLE_BYTES // bytes_per_m))
    if m is not None:
        m_cap = m
    z = _residue_laws(p, m_cap)
    z_n0 = z[n, 0] if n <= m_cap else _residue_law_power(p, n)[0]
    ms = np.arange(0 if m is None else m, m_cap + 1)
    acc = z_n0 / z[ms].max(axis=1)
    acc[ms == n] = 1.0
    with np.errstate(divide="ignore"):
        cost = np.where(acc > 0, part_a_cost(n - ms) / acc + part_b_cost * ms, np.inf)
    best = int(np.argmin(cost))
    if not acc[best] >= _MIN_ACCEPTANCE:
        raise ValueError(
            f"with n_visible = {n} this (beta, kernel) makes the ring constraint too improbable "
            f"to sample exactly (acceptance {acc[best]:.3g} with tables of {m_cap} steps)"
        )
    m = int(ms[best])
    if m == n:  # part A is empty: nothing to accept or reject
        acc62 = np.zeros(q, dtype=np.int64)
        acc62[0] = _k.ONE62
    else:
        acc62 = _to62(z[m] / z[m].max())
    return m, acc62, z[: m + 1]


def _conditionals(p, z, m):
    """Weights (m+1, q, q): [m', r, d] ∝ P(d) Z_{m'−1}(r − d), the law of the next difference
    when m' differences are left and they must sum to r (rows m' = 0, 1 are unused: P)."""
    q = p.shape[0]
    w = np.empty((m + 1, q, q))
    w[:2] = p
    if m >= 2:
        idx = (np.arange(q)[:, None] - np.arange(q)[None, :]) % q  # r − d
        w[2:] = p[None, None, :] * z[1:m][:, idx]
    return w


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

    m, acc62, z = _plan(p, n, part_a_cost, 1.5, bytes_per_m=16, m=m)
    w = _conditionals(p, z, m)
    tot = w.sum(axis=-1)
    # P(bond = 1 | m left, parity r needed); unreachable rows (zero weight) get p.
    seq62 = _to62(np.where(tot > 0, w[:, :, 1] / np.where(tot > 0, tot, 1.0), p[1]))
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
    n = _check_int("n_visible", n_visible, 2)
    beta = _check_beta(beta)
    n_samples = _check_int("n_samples", n_samples, 1)
    seed = _check_seed(seed)
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
    m, acc62, z = _plan(p, n, lambda n_a: np.asarray(n_a, dtype=np.float64), 1.5, bytes_per_m, m=m)
    cond62 = _cum62(_conditionals(p, z, m))
    base62 = _cum62(p)
    return (q, base62, _guide(base62), n - m, acc62, cond62, _guide(cond62))


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
    n = _check_int("n_visible", n_visible, 2)
    q = _check_int("q", q, 2, 127)
    beta = _check_beta(beta)
    n_samples = _check_int("n_samples", n_samples, 1)
    seed = _check_seed(seed)
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
    max_distance = _check_int("max_distance", max_distance, 0, n - 1)
    if not np.all(np.abs(v) == 1):
        raise ValueError("v must contain only -1 and +1")
    x = v.astype(np.int8, copy=False)
    out = np.empty(max_distance + 1)
    for r in range(max_distance + 1):
        prod = x * np.roll(x, -r, axis=1)
        out[r] = prod.sum(dtype=np.int64) / prod.size
    return out


# --------------------------------------------------------------------------- other data
def alpha_to_n_samples(n_visible, alpha):
    """Number of training samples for ``α = n_visible / n_samples``: ``round(n_visible / α)``."""
    n = _check_int("n_visible", n_visible, 1)
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, numbers.Real):
        raise ValueError(f"alpha must be a positive real number, got {alpha!r}")
    a = float(alpha)
    if not (math.isfinite(a) and a > 0):
        raise ValueError(f"alpha must be positive and finite, got {alpha!r}")
    n_samples = int(round(n / a))
    if n_samples < 1:
        raise ValueError(
            f"alpha = {alpha!r} with n_visible = {n} gives round({n}/{alpha!r}) = 0 samples; "
            f"alpha must be below {2 * n} here"
        )
    return n_samples


def _check_values(x, visible, q, where):
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(f"{where}: samples must be a non-empty 2-D array, got shape {x.shape}")
    if x.dtype == np.bool_:
        x = x.astype(np.int8)
    elif np.issubdtype(x.dtype, np.floating):
        if not np.all(np.isfinite(x)) or not np.all(x == np.round(x)):
            raise ValueError(f"{where}: samples must have integer values, got non-integers")
    elif not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"{where}: samples must be integer, got dtype {x.dtype}")
    values = np.unique(x)
    kinds = {"spin": {-1, 1}, "bernoulli": {0, 1}}
    vals = set(values.tolist())
    if visible is None:
        if vals <= kinds["spin"] or vals <= kinds["bernoulli"]:
            pass
        elif values.min() >= 0 and values.max() <= 126:
            pass
        else:
            raise ValueError(
                f"{where}: values must be ±1 (spin), 0/1 (bernoulli) or 0..q-1 (potts, q ≤ 127), "
                f"got {values[:10].tolist()}"
            )
    elif visible in kinds:
        if not vals <= kinds[visible]:
            raise ValueError(f"{where}: {visible} samples must be in {sorted(kinds[visible])}, got {values[:10].tolist()}")
    elif visible == "potts":
        if q is None:
            raise ValueError("q is required when visible='potts'")
        q = _check_int("q", q, 2, 127)
        if values.min() < 0 or values.max() >= q:
            raise ValueError(f"{where}: potts samples must be in 0..{q - 1}, got {values[:10].tolist()}")
    else:
        raise ValueError(f"visible must be None, 'spin', 'bernoulli' or 'potts', got {visible!r}")
    return np.ascontiguousarray(x, dtype=np.int8)


def load_samples(path, visible=None, q=None):
    """Load a user's data set as a C-contiguous int8 array (n_samples, n_visible).

    ``.npz``: an array named ``samples`` (or ``v``); ``.npy``: the array itself; NetCDF
    (``.nc``, ``.nc4``, ``.cdf``): a variable ``samples`` whose first dimension is the sample.
    Values must be integers (bool and integral floats are accepted); with ``visible`` =
    ``"spin"`` they must be ±1, ``"bernoulli"`` 0/1, ``"potts"`` 0..q-1; with ``visible=None``
    any of those families is accepted.
    """
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext == ".npz":
        with np.load(path, allow_pickle=False) as f:
            for name in ("samples", "v"):
                if name in f.files:
                    x = f[name]
                    break
            else:
                raise ValueError(f"{path}: no array named 'samples' or 'v' (found {f.files})")
    elif ext == ".npy":
        x = np.load(path, allow_pickle=False)
    elif ext in (".nc", ".nc4", ".cdf", ".netcdf"):
        import xarray as xr

        with xr.open_dataset(path) as ds:
            if "samples" not in ds.variables:
                raise ValueError(f"{path}: no variable 'samples' (found {list(ds.variables)})")
            x = ds["samples"].values
    else:
        raise ValueError(f"{path}: unknown file type {ext!r} (expected .npz, .npy or .nc)")
    return _check_values(np.asarray(x), visible, q, path)


def digits(seed=None, *, return_labels=False):
    """scikit-learn's 8×8 digits (1797 images, shipped with sklearn), binarised to {0, 1} int8.

    A pixel is 1 when its intensity is at least half the maximum (≥ 8 of 16).  Shape
    (1797, 64).  ``seed``: if given, the rows are shuffled by ``np.random.default_rng(seed)``.
    ``return_labels=True`` also returns the digit labels (same order).
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "data.digits needs scikit-learn (pip install scikit-learn, or the 'test' extra)"
        ) from exc
    bunch = load_digits()
    x = bunch.data
    v = (x >= x.max() / 2.0).astype(np.int8)
    labels = bunch.target.astype(np.int64)
    if seed is not None:
        perm = np.random.default_rng(_check_seed(seed)).permutation(v.shape[0])
        v, labels = v[perm], labels[perm]
    v = np.ascontiguousarray(v)
    return (v, labels) if return_labels else v


#: the data models a study's ``data.model`` may name, by the sampler that draws them
MODELS = ("ising",)


def make_dataset(model, n_visible, beta, n_samples, n_test, seed):
    """(train, test) configurations of one data set of the sweep (``rbmsweep.config.DataSpec``
    as keyword arguments): independent streams for the two, derived from ``seed``."""
    if model not in MODELS:
        raise ValueError(f"data.model: {model!r} is not allowed; allowed: {', '.join(MODELS)}")
    common = dict(n_visible=n_visible, beta=beta)
    # distinct streams for train and test: the samplers' outputs for one seed are nested
    train = ising_chain(n_samples=n_samples, seed=(seed, 0), **common)
    test = (ising_chain(n_samples=n_test, seed=(seed, 1), **common) if n_test > 0
            else np.empty((0, n_visible), np.int8))
    return train, test
