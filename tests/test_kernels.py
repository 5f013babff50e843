"""The fast training kernels (rbmsweep.kernels.pcd) against the reference kernel, the exact
expected gradient and an independent numpy implementation; determinism and threads."""

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest
from numba import njit
from scipy.special import expit

from rbmsweep import RBM, data, train
from rbmsweep.kernels import gibbs, pcd, vecmath
from rbmsweep.kernels.unit_functions import BERNOULLI, SPIN
from rbmsweep.kernels.random import (fill_halves, fill_uniform, next_u64, seed_streams,
                                     xoshiro_step)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import numpy_pcd  # noqa: E402  (the plain numpy implementation of the same algorithm)

CODES = {"spin": SPIN, "bernoulli": BERNOULLI}
LEVELS = {SPIN: (-1, 1), BERNOULLI: (0, 1)}


# -- the random-number stream ---------------------------------------------------------------------

MASK64 = (1 << 64) - 1


def xoshiro256plus_reference(state, n):
    """n outputs of xoshiro256+ from ``state`` (four ints), in plain Python integers, as in
    Blackman & Vigna's C reference ``next()``."""
    s = [int(w) for w in state]
    out = []
    for _ in range(n):
        out.append((s[0] + s[3]) & MASK64)
        t = (s[1] << 17) & MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = ((s[3] << 45) | (s[3] >> 19)) & MASK64
    return out, s


def halves_reference(r):
    """The two 32-bit uniforms of one output: the high word, the low word xor the high word."""
    return r >> 32, (r ^ (r >> 32)) & 0xFFFFFFFF


@njit
def _draws_in_registers(state, n):
    out = np.empty(n, dtype=np.uint64)
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for i in range(n):
        out[i], s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return out


@njit
def _draws_from_array(state, n):
    out = np.empty(n, dtype=np.uint64)
    for i in range(n):
        out[i] = next_u64(state)
    return out


def test_streams_are_xoshiro256plus():
    """Both forms of the step (scalars in registers, an array row) and the uniforms give the
    published generator's sequence bit for bit, and leave the same state behind."""
    start = seed_streams(123, 3)
    n = 1000
    expected, final = xoshiro256plus_reference(start[1], n)
    for draws in (_draws_in_registers, _draws_from_array):
        state = start[1].copy()
        assert draws(state, n).tolist() == expected
        assert state.tolist() == final
    state = start[1].copy()
    uniforms = np.empty(n)
    fill_uniform(state, uniforms)
    np.testing.assert_array_equal(uniforms, [(r >> 11) * 2.0 ** -53 for r in expected])
    assert 0.0 <= uniforms.min() and uniforms.max() < 1.0
    state = start[1].copy()
    words = np.empty(2 * n, dtype=np.uint64)
    fill_halves(state, words)  # the binary units' 32-bit uniforms, two per output
    assert words.tolist() == [u for r in expected for u in halves_reference(r)]
    assert words.max() < 2**32


@pytest.mark.parametrize("visible,hidden", [("spin", "spin"), ("bernoulli", "spin")])
def test_gibbs_sampler_draws_two_32_bit_uniforms_per_output(visible, hidden):
    """The reference sampler against a plain-Python Gibbs sampler on the published generator:
    per layer, units 2m and 2m+1 take the halves of output m (an odd last unit the high half),
    and a unit of probability P is high when its uniform u < P 2^32."""
    vc, hc = CODES[visible], CODES[hidden]
    rng = np.random.default_rng(5)
    n_visible, n_hidden, n_steps = 5, 3, 4  # odd layers: a half is left unused in each
    w = rng.normal(0, 1.0, (n_visible, n_hidden))
    g, c = rng.normal(0, 0.5, n_visible), rng.normal(0, 0.5, n_hidden)
    chain = np.array([LEVELS[vc][k % 2] for k in range(n_visible)], dtype=np.int8)
    states = seed_streams(11, 1)
    s = [int(x) for x in states[0]]

    def layer(inputs, code):
        nonlocal s
        scale = 2.0 if code == SPIN else 1.0
        out = []
        for k, x in enumerate(inputs):
            if k % 2 == 0:
                (r,), s = xoshiro256plus_reference(s, 1)
                pair = halves_reference(r)
            high = pair[k % 2] < expit(scale * x) * 2.0 ** 32
            out.append(LEVELS[code][int(high)])
        return np.array(out, dtype=np.float64)

    expected = chain.astype(np.float64)
    for _ in range(n_steps):
        h = layer(c + expected @ w, hc)
        expected = layer(g + w @ h, vc)
    chains = chain[None].copy()
    gibbs.gibbs_sample(chains, states, w, g, c, vc, hc, n_steps)
    np.testing.assert_array_equal(chains[0], expected)
    assert states[0].tolist() == s


# -- vectorizable elementary functions ------------------------------------------------------------

def test_exp_sigmoid_tanh_match_libm():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-760, 720, 200_000), rng.uniform(-3, 3, 200_000),
                        rng.uniform(-1e-8, 1e-8, 1000),
                        [0.0, -0.0, 1e-300, -745.1, -745.2, -708.4, 709.78, 709.79, 710.0,
                         -800.0, 800.0, np.log(2) / 2, -np.log(2) / 2]])
    out = np.empty_like(x)
    vecmath.exp_array(x, out)
    with np.errstate(over="ignore"):
        expected = np.exp(x)
    finite = np.isfinite(expected) & (expected > 0)
    ulps = np.abs(out[finite] - expected[finite]) / np.spacing(expected[finite])
    assert ulps.max() <= 2
    np.testing.assert_array_equal(out[~finite], expected[~finite])  # exact 0 and inf
    vecmath.sigmoid_array(x, out)
    np.testing.assert_allclose(out, expit(x), rtol=1e-15, atol=3e-16)
    assert out[x == 800.0][0] == 1.0 and out[x == -800.0][0] == 0.0
    vecmath.tanh_array(x, out)
    np.testing.assert_allclose(out, np.tanh(x), rtol=0, atol=5e-16)


# -- fast kernels against the reference kernel, draw for draw -------------------------------------

def problem(n_visible, n_hidden, n_samples, n_chains, visible, hidden, seed=0, scale=0.3):
    """Random data, parameters and chains for one epoch."""
    rng = np.random.default_rng(seed)
    low, high = LEVELS[visible]
    v = np.where(rng.random((n_samples, n_visible)) < 0.5, high, low).astype(np.int8)
    return dict(
        data=v, order=rng.permutation(n_samples),
        weights=rng.normal(0, scale, (n_visible, n_hidden)),
        visible_fields=rng.normal(0, 0.3, n_visible), hidden_fields=rng.normal(0, 0.3, n_hidden),
        chains=v[rng.integers(0, n_samples, n_chains)].copy(),
        chain_states=seed_streams(seed + 1, n_chains))


def run_epoch(kernel, prob, visible, hidden, learning_rate, batch_size, gibbs_steps,
              persistent, learn, *extra):
    p = {name: value.copy() for name, value in prob.items()}
    kernel(p["data"], p["order"], p["weights"], p["visible_fields"], p["hidden_fields"],
           p["chains"], p["chain_states"], visible, hidden, learning_rate, batch_size,
           gibbs_steps, persistent, learn, learn, *extra)
    return p


# (n_visible, n_hidden, n_samples, batch_size, n_chains, gibbs_steps, persistent): every path
# of pcd._epoch — fused (M ≤ 4), table (M ≤ 12), direct — a last short batch, N % 4 ≠ 0,
# more or fewer chains than the batch, CD
CASES = [
    (20, 1, 200, 10, 10, 5, True),
    (23, 3, 205, 10, 10, 3, True),
    (21, 4, 210, 20, 7, 2, True),
    (20, 2, 205, 10, 13, 2, False),
    (22, 7, 200, 10, 10, 3, True),
    (30, 20, 200, 10, 10, 2, True),
    (19, 6, 200, 10, 7, 2, False),
]


@pytest.mark.parametrize("visible,hidden", list(itertools.product(CODES, CODES)))
@pytest.mark.parametrize("case", CASES, ids=lambda c: "N{}-M{}-B{}-chains{}-k{}-{}".format(
    c[0], c[1], c[3], c[4], c[5], "pcd" if c[6] else "cd"))
def test_fast_epoch_draws_what_the_reference_draws(case, visible, hidden):
    n_visible, n_hidden, n_samples, batch_size, n_chains, k, persistent = case
    vc, hc = CODES[visible], CODES[hidden]
    prob = problem(n_visible, n_hidden, n_samples, n_chains, vc, hc)
    args = (vc, hc, 0.05, batch_size, k, persistent, True)
    reference = run_epoch(gibbs.train_epoch_reference, prob, *args)
    fast = run_epoch(pcd.train_epoch_serial, prob, *args)
    # the same draws from the same streams: identical chains and stream states ...
    np.testing.assert_array_equal(fast["chains"], reference["chains"])
    np.testing.assert_array_equal(fast["chain_states"], reference["chain_states"])
    # ... and parameters equal up to the order of floating-point sums
    for name in ("weights", "visible_fields", "hidden_fields"):
        np.testing.assert_allclose(fast[name], reference[name], rtol=0, atol=1e-12)
    # threads: any split of the chains into blocks gives bitwise the same epoch
    for n_blocks in (1, 2, 3):
        parallel = run_epoch(pcd.train_epoch_parallel, prob, *args, n_blocks)
        for name in fast:
            np.testing.assert_array_equal(parallel[name], fast[name])


# -- the gradient in expectation --------------------------------------------------------------------

def configurations(n, code):
    return np.array(list(itertools.product(LEVELS[code], repeat=n)), dtype=np.float64)


def conditional(inputs, code, states):
    """P(layer = each configuration in ``states`` | inputs), rows: inputs, columns: states."""
    p_high = expit(2 * inputs) if code == SPIN else expit(inputs)  # (n, units)
    high = states == LEVELS[code][1]  # (configurations, units)
    return np.prod(np.where(high[None], p_high[:, None], 1 - p_high[:, None]), axis=2)


def exact_update(prob, batch_size, n_chains, vc, hc, k, persistent):
    """Mean and standard deviation of one update's gradient estimate (w, g, c), by enumerating
    the k-step Gibbs transition from each chain's start."""
    w, g, c = prob["weights"], prob["visible_fields"], prob["hidden_fields"]
    n_visible, n_hidden = w.shape
    batch = prob["data"][prob["order"][:batch_size]].astype(np.float64)
    starts = (prob["chains"] if persistent else batch[:n_chains]).astype(np.float64)
    visible, hidden = configurations(n_visible, vc), configurations(n_hidden, hc)
    to_hidden = conditional(visible @ w + c, hc, hidden)  # p(h | v)
    to_visible = conditional(hidden @ w.T + g, vc, visible)  # p(v' | h)
    step = np.linalg.matrix_power(to_hidden @ to_visible, k)  # p(v after k sweeps | v)
    index = ((starts == LEVELS[vc][1]) * 2 ** np.arange(n_visible - 1, -1, -1)).sum(1)
    law = step[index.astype(int)]  # (chains, configurations)
    means = numpy_pcd.unit_mean(hc, visible @ w + c)
    # per configuration: the chain's contribution to each gradient (w | g | c), flattened
    terms = np.concatenate([(visible[:, :, None] * means[:, None, :]).reshape(len(visible), -1),
                            visible, means], axis=1)
    chain_mean = law @ terms
    chain_var = law @ terms ** 2 - chain_mean ** 2
    data_means = numpy_pcd.unit_mean(hc, batch @ w + c)
    data_term = np.concatenate([(batch.T @ data_means / len(batch)).ravel(), batch.mean(0),
                                data_means.mean(0)])
    n = len(starts)
    return data_term - chain_mean.mean(0), np.sqrt(chain_var.sum(0)) / n


def gradient_estimate(kernel, prob, vc, hc, batch_size, k, persistent, *extra):
    """One update with learning rate 1 from ``prob``: the kernel's gradient estimate."""
    p = {name: value.copy() for name, value in prob.items()}
    batch = p["data"][p["order"][:batch_size]]  # an epoch of one mini-batch
    before = np.concatenate([p["weights"].ravel(), p["visible_fields"], p["hidden_fields"]])
    kernel(batch, np.arange(batch_size), p["weights"], p["visible_fields"], p["hidden_fields"],
           p["chains"], p["chain_states"], vc, hc, 1.0, batch_size, k, persistent, True, True,
           *extra)
    after = np.concatenate([p["weights"].ravel(), p["visible_fields"], p["hidden_fields"]])
    return after - before


def float32_kernel(data_, order, weights, *rest):
    """The fast kernel with float32 matrix products (``train(precision="float32")``)."""
    pcd.train_epoch_serial(data_, order, weights, *rest, 1, weights.astype(np.float32))


def numpy_kernel(data_, order, weights, visible_fields, hidden_fields, chains, states, vc, hc,
                 learning_rate, batch_size, k, persistent, learn_v, learn_h):
    rng = np.random.default_rng(int(states[0, 0] % 2**32))
    numpy_pcd.train_epoch(data_, order, weights, visible_fields, hidden_fields, chains, rng, vc,
                          hc, learning_rate, batch_size, k, persistent, learn_v)


@pytest.mark.parametrize("visible,hidden", [("spin", "spin"), ("bernoulli", "bernoulli"),
                                            ("spin", "bernoulli")])
@pytest.mark.parametrize("n_hidden,k,persistent", [(1, 3, True), (3, 2, True), (6, 2, True),
                                                   (13, 1, True), (2, 2, False)])
def test_gradient_estimate_agrees_in_expectation(visible, hidden, n_hidden, k, persistent):
    """Fast kernel (float64 and float32 products), reference kernel and numpy implementation:
    one update's gradient estimate, averaged over 6000 chains, within 5 standard deviations of
    its exact expectation, and fast and numpy within 5 standard deviations of each other."""
    vc, hc = CODES[visible], CODES[hidden]
    n_visible, n_chains = 5, 6000
    batch_size = n_chains if not persistent else 40
    prob = problem(n_visible, n_hidden, max(batch_size, 200), n_chains, vc, hc, seed=n_hidden,
                   scale=0.6)
    # few distinct starting configurations, so that the exact law is cheap and not trivial
    prob["chains"] = prob["chains"][np.arange(n_chains) % 3]
    mean, sd = exact_update(prob, batch_size, n_chains, vc, hc, k, persistent)
    estimates = {name: gradient_estimate(kernel, prob, vc, hc, batch_size, k, persistent)
                 for name, kernel in (("fast", pcd.train_epoch_serial),
                                      ("fast float32", float32_kernel),
                                      ("reference", gibbs.train_epoch_reference),
                                      ("numpy", numpy_kernel))}
    informative = sd > 1e-12  # terms the chains do not move (e.g. g_i of a frozen unit)
    for name, estimate in estimates.items():
        z = (estimate - mean)[informative] / sd[informative]
        assert np.abs(z).max() < 5, (name, np.abs(z).max())
        np.testing.assert_allclose(estimate[~informative], mean[~informative],
                                   atol=1e-6 if "32" in name else 1e-10)
    z = (estimates["fast"] - estimates["numpy"])[informative] / (np.sqrt(2) * sd[informative])
    assert np.abs(z).max() < 5


# -- determinism and threads, through train() --------------------------------------------------------

def trained_weights(n_visible, n_hidden, visible, hidden, threads, seed=3, batch_size=20,
                    gibbs_steps=5, n_samples=400, epochs=2, precision="float64"):
    v = data.ising_chain(n_visible=n_visible, beta=1.0, n_samples=n_samples, seed=0)
    if visible == "bernoulli":
        v = ((v + 1) // 2).astype(np.int8)
    rbm = RBM(n_visible, n_hidden, visible=visible, hidden=hidden,
              zero_fields=visible == "spin", init_std=0.05, seed=seed)
    train(rbm, v, gibbs_steps=gibbs_steps, learning_rate=0.02, batch_size=batch_size,
          epochs=epochs, seed=seed, threads=threads, log_likelihood=False, snapshots=[0, epochs],
          precision=precision)
    return rbm.weights, rbm.visible_fields, rbm.hidden_fields


@pytest.mark.parametrize("n_visible,n_hidden,visible,hidden,batch_size", [
    (100, 1, "spin", "spin", 10),  # the paper's case: fused sweeps
    (100, 3, "bernoulli", "bernoulli", 100),  # 100 chains × 3 sweeps: parallel blocks
    (60, 8, "spin", "bernoulli", 20),  # threshold table
    (300, 100, "bernoulli", "bernoulli", 100),  # large products: split across threads
])
def test_same_seed_same_weights_whatever_the_threads(n_visible, n_hidden, visible, hidden,
                                                     batch_size):
    one = trained_weights(n_visible, n_hidden, visible, hidden, threads=1,
                          batch_size=batch_size)
    for threads in (1, 2):
        again = trained_weights(n_visible, n_hidden, visible, hidden, threads=threads,
                                batch_size=batch_size)
        for a, b in zip(one, again):
            np.testing.assert_array_equal(a, b)
    other = trained_weights(n_visible, n_hidden, visible, hidden, threads=1, seed=4,
                            batch_size=batch_size)
    assert not np.array_equal(one[0], other[0])


def test_float32_products_stay_close_to_float64():
    """float32 matrix products change the weights by float32 rounding, ~1e-6 of their size,
    after 2 epochs (the draws stay the same unless one falls within rounding of its threshold),
    and are deterministic across thread counts too."""
    args = (300, 100, "bernoulli", "bernoulli")
    double = trained_weights(*args, threads=1, batch_size=100)
    single = trained_weights(*args, threads=1, batch_size=100, precision="float32")
    scale = np.abs(double[0]).max()
    assert np.abs(single[0] - double[0]).max() < 1e-4 * scale
    assert not np.array_equal(single[0], double[0])
    again = trained_weights(*args, threads=2, batch_size=100, precision="float32")
    np.testing.assert_array_equal(single[0], again[0])


def test_threads_must_be_a_positive_integer():
    v = data.ising_chain(n_visible=10, beta=1.0, n_samples=50, seed=0)
    with pytest.raises(ValueError, match="threads"):
        train(RBM(10, 1), v, batch_size=10, epochs=1, threads=0)


def test_training_keeps_int8_data_without_copies():
    v = data.ising_chain(n_visible=30, beta=1.0, n_samples=100, seed=0)
    rbm = RBM(30, 1)
    assert rbm._as_configurations(v) is v  # int8, C-contiguous: used in place
    bad = v.copy()
    bad[-1, -1] = 0
    with pytest.raises(ValueError, match="take values"):
        rbm._as_configurations(bad)


def test_precision_auto_takes_float32_products_only_for_large_binary_models():
    # float32 products from N·M = FLOAT32_MIN_SIZE on, for PCD and CD of binary units only;
    # the run says which precision it used, and "auto" gives the very weights of that choice
    from rbmsweep.training import FLOAT32_MIN_SIZE

    v = (data.ising_chain(n_visible=100, beta=1.0, n_samples=40, seed=0) > 0).astype(np.int8)
    hidden = FLOAT32_MIN_SIZE // 100
    cases = ((hidden, "pcd", "float32"), (hidden - 1, "pcd", "float64"),
             (hidden, "tap", "float64"))
    for n_hidden, algorithm, expected in cases:
        runs = {}
        for precision in ("auto", expected):
            rbm = RBM(100, n_hidden, visible="bernoulli", hidden="bernoulli", seed=1)
            runs[precision] = train(rbm, v, algorithm=algorithm, gibbs_steps=1, batch_size=20,
                                    epochs=1, log_likelihood=False, snapshots=[1],
                                    precision=precision, threads=1)
        assert runs["auto"].attrs["precision"] == expected, (n_hidden, algorithm)
        np.testing.assert_array_equal(runs["auto"]["weights"], runs[expected]["weights"])
