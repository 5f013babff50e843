"""Exact conditioning of i.i.d. ring differences on their sum (docs/physics.md §2.3).

On a ring the N differences between neighbours are i.i.d. with law P(d), conditioned on
Σ_i d_i ≡ 0 mod q.  The samplers (``rbmsweep.kernels.sampling``) draw the first N − M
differences i.i.d. and accept or reject them as a whole with the probability that the rest can
close the ring, then draw the last M from the exact conditional laws.  This module builds their
tables: the laws Z_m of sums of m differences mod q, the acceptance thresholds and the
conditionals, as 62-bit integer thresholds (and guide tables for the inverse-CDF draws), and
chooses M to minimise the expected cost within a memory cap.
"""

import numpy as np

from ..kernels import sampling as _k

_TABLE_BYTES = 16 << 20  # cap on the conditional tables
_MIN_ACCEPTANCE = 1e-4


def to62(p):
    """Probabilities (array, in [0, 1]) → int64 thresholds round(p * 2**62), exact at 0 and 1."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    return np.minimum(np.rint(p * float(_k.ONE62)), float(_k.ONE62)).astype(np.int64)


def cum62(w):
    """Unnormalised weights (..., q) → thresholds (..., q) of the cumulative law P(d' ≤ d).

    The last threshold is 2**62, a sentinel above every draw.  Rows of zero total weight
    (unreachable conditionals) give the uniform law.
    """
    w = np.asarray(w, dtype=np.float64)
    q = w.shape[-1]
    tot = w.sum(axis=-1, keepdims=True)
    w = np.where(tot > 0, w, 1.0)
    c = np.cumsum(w, axis=-1) / w.sum(axis=-1, keepdims=True)
    t = np.maximum.accumulate(to62(c), axis=-1)
    t[..., q - 1] = _k.ONE62
    return t


def guide(t):
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


def circulant(p):
    """C[r, r'] = p[(r' − r) mod q], so that (Z_m)[r'] = Σ_r Z_{m−1}[r] C[r, r']."""
    q = p.shape[0]
    idx = (np.arange(q)[None, :] - np.arange(q)[:, None]) % q
    return p[idx]


def conv(a, p):
    """Circular convolution mod q: (a * p)[r] = Σ_d a[r − d] p[d]."""
    return a @ circulant(p)


def residue_laws(p, m_max):
    """Z[m, r] = P(sum of m i.i.d. differences ≡ r mod q), m = 0..m_max (sums of positive terms)."""
    q = p.shape[0]
    c = circulant(p)
    z = np.zeros((m_max + 1, q))
    z[0, 0] = 1.0
    for m in range(1, m_max + 1):
        z[m] = z[m - 1] @ c
    return z


def residue_law_power(p, n):
    """Z_n by repeated squaring (for n beyond the tabulated range)."""
    q = p.shape[0]
    result = np.zeros(q)
    result[0] = 1.0
    base = p.copy()
    while n:
        if n & 1:
            result = conv(result, base)
        n >>= 1
        if n:
            base = conv(base, base)
    return result


def plan(p, n, part_a_cost, part_b_cost, bytes_per_m, m=None):
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
    z = residue_laws(p, m_cap)
    z_n0 = z[n, 0] if n <= m_cap else residue_law_power(p, n)[0]
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
        acc62 = to62(z[m] / z[m].max())
    return m, acc62, z[: m + 1]


def conditionals(p, z, m):
    """Weights (m+1, q, q): [m', r, d] ∝ P(d) Z_{m'−1}(r − d), the law of the next difference
    when m' differences are left and they must sum to r (rows m' = 0, 1 are unused: P)."""
    q = p.shape[0]
    w = np.empty((m + 1, q, q))
    w[:2] = p
    if m >= 2:
        idx = (np.arange(q)[:, None] - np.arange(q)[None, :]) % q  # r − d
        w[2:] = p[None, None, :] * z[1:m][:, idx]
    return w
