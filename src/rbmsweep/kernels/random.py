"""The kernels' random-number streams: xoshiro256+, small, fast and checkpointable.

One step of the generator, ``xoshiro_step``, works on the four 64-bit words of a state held in
scalars (which the compiler keeps in registers); every kernel draws through it, either
directly (``pcd``, ``sampling``: the state is loaded once per block of work and stored back at
the end) or through ``next_u64`` (one stream as a row of a ``uint64`` array).

Each stream is a row of a ``uint64`` array of shape ``(n_streams, 4)``.  Kernels draw from
the stream that belongs to the unit of work (a persistent chain, a block of samples), never
from a per-thread stream, so results do not depend on how many threads run them.  The state
is a plain array, so it can be saved in a checkpoint and restored bit for bit
(docs/physics.md §4).

Binary units draw 32-bit uniforms, two per output (``halves``): the high word, then the low
word folded with the high one (``(r ^ r >> 32) mod 2^32``: xoshiro256+'s lowest bits are
linear, the fold gives every bit of the second half the quality of a high bit).  A unit is high
when its half u satisfies ``u < P · 2^32`` (``below``), i.e. ``u < ceil(P 2^32)``: every
probability is resolved to 2^-32 ≈ 2.3e-10 — a probability is used as the next multiple of
2^-32 above it, so P < 2^-32 acts as 2^-32 and P = 0 and 1 stay exact (docs/physics.md §4.1).
The other kernels (ring samplers, uniforms) keep 53 or more bits per draw.

Reference: D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators", ACM Trans.
Math. Softw. 47 (2021) 36: xoshiro256+ is s0 + s3 as output, then the linear update below.
"""

import numpy as np
from numba import njit

_DOUBLE_UNIT = 1.0 / 9007199254740992.0  # 2^-53
_U11 = np.uint64(11)
_U17 = np.uint64(17)
_U19 = np.uint64(19)
_U45 = np.uint64(45)
_U32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
#: 2^32: a 32-bit uniform u makes a unit high when u < P · TWO32
TWO32 = 4294967296.0


def seed_streams(seed, n_streams):
    """States for ``n_streams`` independent streams, derived from ``seed`` by numpy's SeedSequence.

    ``seed`` may be an int or a tuple of ints (e.g. ``(run_seed, purpose)``), so that
    different uses of one run seed get unrelated streams.
    """
    entropy = list(seed) if isinstance(seed, (tuple, list)) else int(seed)
    words = np.random.SeedSequence(entropy).generate_state(4 * n_streams, dtype=np.uint64)
    states = words.reshape(n_streams, 4).copy()
    # xoshiro's only bad state is all zeros; SeedSequence output is never that in practice,
    # but make it impossible.
    states[np.all(states == 0, axis=1), 0] = np.uint64(0x9E3779B97F4A7C15)
    return states


@njit(inline="always")
def xoshiro_step(s0, s1, s2, s3):
    """One xoshiro256+ step on a state held in four uint64 scalars: (64 random bits, s0, s1,
    s2, s3 of the new state).  Callers keep the words in local variables across draws:
    ``r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)``."""
    result = s0 + s3
    t = s1 << _U17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << _U45) | (s3 >> _U19)
    return result, s0, s1, s2, s3


@njit(inline="always")
def next_u64(state):
    """Advance one stream (a length-4 uint64 array view) and return 64 random bits."""
    result, s0, s1, s2, s3 = xoshiro_step(state[0], state[1], state[2], state[3])
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return result


@njit(inline="always")
def uniform_from_bits(r):
    """A double uniform on [0, 1) from the top 53 of 64 random bits, (r >> 11) · 2^-53
    (xoshiro256+'s lowest bits are its weakest)."""
    return np.float64(r >> _U11) * _DOUBLE_UNIT


@njit(inline="always")
def uniform(state):
    """A double uniform on [0, 1) from one stream (``uniform_from_bits`` of its next draw)."""
    return uniform_from_bits(next_u64(state))


@njit(cache=True)
def fill_uniform(state, out):
    """Fill ``out`` with uniforms from one stream (for tests and benchmarks of the raw rate)."""
    for i in range(out.shape[0]):
        out[i] = uniform(state)


@njit(inline="always")
def halves(r):
    """The two 32-bit uniforms of one 64-bit output: (high word, low word folded with the high
    one); a binary unit's draw, first the high one, then the low one."""
    high = r >> _U32
    return high, (r ^ high) & _LOW32


@njit(inline="always")
def below(u, scaled_probability):
    """Whether the 32-bit uniform ``u`` makes a unit of probability P high, given
    ``scaled_probability`` = P · 2^32: ``u < ceil(P 2^32)``, exact in float64."""
    return np.float64(u) < scaled_probability


@njit(inline="always")
def threshold(probability):
    """ceil(P · 2^32) as an integer: ``u < threshold(P)`` ⇔ ``below(u, P · 2^32)``."""
    return np.uint64(np.int64(np.ceil(probability * TWO32)))


@njit(cache=True)
def fill_halves(state, out):
    """Fill ``out`` (even length) with the 32-bit uniforms of one stream, two per output, as
    the binary units draw them (for tests)."""
    for i in range(0, out.shape[0], 2):
        out[i], out[i + 1] = halves(next_u64(state))
