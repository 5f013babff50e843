"""A small, fast, checkpointable random-number stream for the kernels: xoshiro256+.

Each stream is a row of a ``uint64`` array of shape ``(n_streams, 4)``.  Kernels draw from
the stream that belongs to the unit of work (a persistent chain, a block of samples), never
from a per-thread stream, so results do not depend on how many threads run them.  The state
is a plain array, so it can be saved in a checkpoint and restored bit for bit.

Reference: Blackman & Vigna, "Scrambled linear pseudorandom number generators" (2018).
"""

import numpy as np
from numba import njit

_DOUBLE_UNIT = 1.0 / 9007199254740992.0  # 2**-53


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
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(inline="always")
def next_u64(state):
    """Advance one stream (a length-4 uint64 array view) and return 64 random bits."""
    s0 = state[0]
    s1 = state[1]
    s2 = state[2] ^ s0
    s3 = state[3] ^ s1
    result = s0 + state[3]
    t = s1 << np.uint64(17)
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    state[0] = s0
    state[1] = s1
    state[2] = s2
    state[3] = s3
    return result


@njit(inline="always")
def uniform(state):
    """A double uniform on [0, 1) from the top 53 bits (xoshiro256+'s low bits are weaker)."""
    return np.float64(next_u64(state) >> np.uint64(11)) * _DOUBLE_UNIT


@njit(inline="always")
def standard_normal(state):
    """One standard normal deviate (Box–Muller; the second deviate is dropped for simplicity)."""
    u1 = 1.0 - uniform(state)  # in (0, 1]: log is finite
    u2 = uniform(state)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


@njit(cache=True)
def fill_uniform(state, out):
    """Fill ``out`` with uniforms from one stream (for tests and benchmarks of the raw rate)."""
    for i in range(out.shape[0]):
        out[i] = uniform(state)
