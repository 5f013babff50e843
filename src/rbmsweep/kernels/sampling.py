"""Exact samplers of the 1D Ising and Potts (discretised XY) rings: numba kernels.

Plain functions over arrays; the tables they read are built by ``rbmsweep.data``.

Method (docs/physics.md §2).  On a ring of N sites the N "differences" ``d_i = σ_{i+1} − σ_i mod q``
(for Ising, q = 2 and d_i = [v_i ≠ v_{i+1}]) are i.i.d. with a law ``P(d)``, conditioned on
``Σ_i d_i ≡ 0 (mod q)``; ``σ_1`` is uniform and independent of them.  The kernels sample that
conditioned law exactly, in two parts:

* part A, the first ``n_a = N − M`` differences, is drawn i.i.d. from ``P`` and accepted with
  probability ``acc[r] = Z_M(r) / max_r' Z_M(r')``, where ``r = −Σ_A d mod q`` is the residue
  the remaining M differences must make and ``Z_m(r)`` the probability that m i.i.d.
  differences sum to r mod q;
* part B, the last M differences, is drawn sequentially from the exact conditionals
  ``P(d_i = d | m left, residue r needed) = P(d) Z_{m−1}(r − d) / Z_m(r)``.

Accepted part-A draws are distributed as ``P(A) Z_M(−s_A)``, which is the marginal of A under
the conditioned law, and part B is then drawn from the conditional law of B given A, so the
pair is exact for every M.  M = 0 is plain rejection of the whole chain, M = N is purely
sequential (no rejection).  The last difference is forced by the constraint and never
influences a site, so it is not drawn.

Probabilities are resolved to 2**-62 (draws are 64 random bits ``>> 2`` compared with integer
thresholds ``round(p * 2**62)``, so probabilities 0 and 1 are exact), and to 2**-64 in
the bit-parallel Bernoulli generator of the Ising part A.

Determinism: every block of ``block`` consecutive samples owns one stream (a row of
``states``); the parallel and serial kernels run the same per-block code, so the output does
not depend on the number of threads.  A block loads its stream's four words into scalars once,
draws with ``random.xoshiro_step`` and stores them back at the end: the compiler cannot keep
an array-held state in registers next to the int8 stores to the output (that costs about a
third of the speed).
"""

import numpy as np
from numba import njit, prange

from .random import xoshiro_step

ONE62 = np.int64(1) << np.int64(62)
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_ONE = np.uint64(1)
_ZERO = np.uint64(0)


@njit
def _bernoulli_word(p64, s0, s1, s2, s3):
    """64 independent bits, each 1 with probability ``p64 / 2**64`` exactly: (bits, new state).

    Lane k compares the binary fraction U_k = 0.u1u2u3... (bit k of successive words) with
    p = 0.p1p2p3... from the most significant bit down, and is decided at the first bit where
    they differ (U_k < p → 1).  Every lane is undecided with probability 1/2 per word, so about
    7.3 words make 64 bits, whatever p.  Lanes equal to p on all 64 bits give 0 (U ≥ p).
    Words are folded (``w ^ w >> 32``) so that no lane sees only xoshiro256+'s weak low bits.
    """
    undecided = _ALL
    result = _ZERO
    for j in range(63, -1, -1):
        w, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        w ^= w >> np.uint64(32)
        if (p64 >> np.uint64(j)) & _ONE:
            result |= undecided & ~w
            undecided &= w
        else:
            undecided &= ~w
        if undecided == _ZERO:
            break
    return result, s0, s1, s2, s3


@njit
def _prefix_xor(x):
    """Bit k of the result is the XOR of bits 0..k of x."""
    x ^= x << np.uint64(1)
    x ^= x << np.uint64(2)
    x ^= x << np.uint64(4)
    x ^= x << np.uint64(8)
    x ^= x << np.uint64(16)
    x ^= x << np.uint64(32)
    return x


@njit
def _parity(x):
    x ^= x >> np.uint64(32)
    x ^= x >> np.uint64(16)
    x ^= x >> np.uint64(8)
    x ^= x >> np.uint64(4)
    x ^= x >> np.uint64(2)
    x ^= x >> np.uint64(1)
    return np.int64(x & _ONE)


@njit
def _ising_block(out, start, stop, state, p64, invert, n_a, acc62, seq62, scratch):
    """Rows ``start..stop-1`` of ``out`` (int8 ±1) from one stream.

    p64, invert: part-A bonds are ``bernoulli(p64 / 2**64) ^ invert`` (invert is all ones when
    the flip probability exceeds 1/2, so that p64 encodes the rarer outcome).
    acc62[r]: acceptance threshold of part A whose bond parity is r.
    seq62[m, r]: threshold of P(bond = 1 | m bonds left, their parity must be r).
    scratch: uint64 work array of at least ceil(n_a / 64) words.
    """
    n = out.shape[1]
    n_words = (n_a + 63) >> 6
    last_a = min(n_a, n - 1)  # part A fixes sites 0..last_a
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for k in range(start, stop):
        # Part A: n_a i.i.d. bonds, accepted according to their parity.
        while True:
            acc = _ZERO
            for c in range(n_words):
                w, s0, s1, s2, s3 = _bernoulli_word(p64, s0, s1, s2, s3)
                w ^= invert
                nb = n_a - 64 * c
                if nb < 64:
                    w &= (_ONE << np.uint64(nb)) - _ONE
                scratch[c] = w
                acc ^= w
            parity = _parity(acc)
            a = acc62[parity]
            if a >= ONE62:
                break
            if a > 0:
                u, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
                if np.int64(u >> np.uint64(2)) < a:
                    break
        # Site 0 uniform; site j+1 flips from site j where bond j is 1.
        u, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
        carry = _ALL if (u >> np.uint64(63)) else _ZERO
        for c in range(n_words):  # word c of bonds fixes sites 64c..64c+63
            x = _prefix_xor(scratch[c])
            y = (x << _ONE) ^ carry
            base = 64 * c
            lim = min(64, last_a + 1 - base)
            for j in range(lim):
                out[k, base + j] = np.int8(1 - 2 * np.int64((y >> np.uint64(j)) & _ONE))
            if (x >> np.uint64(63)) & _ONE:
                carry = ~carry
        bit = np.int64(carry & _ONE)  # site n_a (not yet written when n_a is a multiple of 64)
        if n_a < n:
            out[k, n_a] = np.int8(1 - 2 * bit)
        # Part B: bonds n_a..n-2 from the exact conditionals (bond n-1 is forced and unused).
        r = parity  # parity the remaining bonds must have for an even total
        for i in range(n_a, n - 1):
            u, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
            b = np.int64(np.int64(u >> np.uint64(2)) < seq62[n - i, r])
            r ^= b
            bit ^= b
            out[k, i + 1] = np.int8(1 - 2 * bit)
    state[0] = s0
    state[1] = s1
    state[2] = s2
    state[3] = s3


@njit(cache=True)
def ising_serial(out, states, block, p64, invert, n_a, acc62, seq62):
    """Fill ``out`` (n_samples, N) int8; block b = rows [b*block, (b+1)*block) uses states[b]."""
    n_blocks = states.shape[0]
    scratch = np.empty(max(1, (n_a + 63) >> 6), dtype=np.uint64)
    for b in range(n_blocks):
        start = b * block
        stop = min(start + block, out.shape[0])
        _ising_block(out, start, stop, states[b], p64, invert, n_a, acc62, seq62, scratch)


@njit(cache=True, parallel=True)
def ising_parallel(out, states, block, p64, invert, n_a, acc62, seq62):
    """As :func:`ising_serial`, blocks spread over threads (same output)."""
    n_blocks = states.shape[0]
    for b in prange(n_blocks):
        scratch = np.empty(max(1, (n_a + 63) >> 6), dtype=np.uint64)
        start = b * block
        stop = min(start + block, out.shape[0])
        _ising_block(out, start, stop, states[b], p64, invert, n_a, acc62, seq62, scratch)


GUIDE_BITS = 8  # guide tables have 2**GUIDE_BITS entries per law


@njit
def _inverse_cdf(x, thresholds, guide):
    """The d with ``thresholds[d-1] <= x < thresholds[d]`` (the number of thresholds <= x).

    ``thresholds``: q cumulative thresholds, the last one 2**62 (a sentinel above every draw).
    ``guide[g]``: the number of thresholds <= g * 2**(62 - GUIDE_BITS), where the scan starts
    (indexed search: about one comparison per draw).
    """
    d = np.int64(guide[x >> np.int64(62 - GUIDE_BITS)])
    while x >= thresholds[d]:
        d += 1
    return d


GROUP = 16  # rows whose part B is interleaved (see _potts_block)


@njit
def _potts_block(out, start, stop, state, q, base62, base_guide, n_a, acc62, cond62, cond_guide):
    """Rows ``start..stop-1`` of ``out`` (int8 in 0..q-1) from one stream.

    base62, base_guide: the law P(d) (thresholds of P(d' <= d), sentinel last; guide table).
    acc62[r]: acceptance threshold of part A when the remaining differences must sum to r.
    cond62[m, r], cond_guide[m, r]: the law of d given m differences left and residue r needed.

    Rows are made in groups of GROUP: part A row by row, then part B column by column over
    the group, so that consecutive draws do not wait on each other (a row's next table row
    depends on its last draw).  A group is always made whole (extra rows are discarded), so
    the draws of a row do not depend on how many rows were asked for.  The stream's state is
    held in scalars (``random.xoshiro_step``) so that the compiler keeps it in registers.
    """
    n = out.shape[1]
    n_a_sites = min(n_a, n - 1)
    buf = np.empty((GROUP, n), dtype=np.int8)
    res = np.empty(GROUP, dtype=np.int64)  # residue each row's remaining differences must make
    cur = np.empty(GROUP, dtype=np.int64)  # each row's last site
    nq = np.uint64(q)
    lemire = (np.uint64(1 << 32) - nq) % nq  # = 2**32 mod q
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for g0 in range(start, stop, GROUP):
        for kk in range(GROUP):
            # Part A: n_a i.i.d. differences, accepted according to the residue they leave.
            while True:
                while True:  # first site: exactly uniform in 0..q-1 (Lemire, 32 bits)
                    u, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
                    prod = (u >> np.uint64(32)) * nq
                    if (prod & np.uint64(0xFFFFFFFF)) >= lemire:
                        break
                first = np.int64(prod >> np.uint64(32))
                sig = first
                buf[kk, 0] = np.int8(sig)
                for i in range(n_a_sites):
                    u, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
                    sig += _inverse_cdf(np.int64(u >> np.uint64(2)), base62, base_guide)
                    if sig >= q:
                        sig -= q
                    buf[kk, i + 1] = np.int8(sig)
                total = sig
                if n_a == n:  # pure rejection: the closing difference decides too
                    u, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
                    total += _inverse_cdf(np.int64(u >> np.uint64(2)), base62, base_guide)
                    if total >= q:
                        total -= q
                r = first - total
                if r < 0:
                    r += q
                a = acc62[r]
                if a >= ONE62:
                    break
                if a > 0:
                    u, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
                    if np.int64(u >> np.uint64(2)) < a:
                        break
            res[kk] = r
            cur[kk] = sig
        # Part B: differences n_a..n-2 from the exact conditionals.
        for i in range(n_a, n - 1):
            m = n - i
            for kk in range(GROUP):
                r = res[kk]
                u, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
                d = _inverse_cdf(np.int64(u >> np.uint64(2)), cond62[m, r], cond_guide[m, r])
                r -= d
                if r < 0:
                    r += q
                res[kk] = r
                sig = cur[kk] + d
                if sig >= q:
                    sig -= q
                cur[kk] = sig
                buf[kk, i + 1] = np.int8(sig)
        for kk in range(min(GROUP, stop - g0)):
            for j in range(n):
                out[g0 + kk, j] = buf[kk, j]
    state[0] = s0
    state[1] = s1
    state[2] = s2
    state[3] = s3


@njit(cache=True)
def potts_serial(out, states, block, q, base62, base_guide, n_a, acc62, cond62, cond_guide):
    """Fill ``out`` (n_samples, N) int8 in 0..q-1; block b uses states[b]."""
    for b in range(states.shape[0]):
        start = b * block
        stop = min(start + block, out.shape[0])
        _potts_block(out, start, stop, states[b], q, base62, base_guide, n_a, acc62, cond62, cond_guide)


@njit(cache=True, parallel=True)
def potts_parallel(out, states, block, q, base62, base_guide, n_a, acc62, cond62, cond_guide):
    """As :func:`potts_serial`, blocks spread over threads (same output)."""
    for b in prange(states.shape[0]):
        start = b * block
        stop = min(start + block, out.shape[0])
        _potts_block(out, start, stop, states[b], q, base62, base_guide, n_a, acc62, cond62, cond_guide)
