"""The general training kernel (rbmsweep.kernels.general_pcd) for Potts, Gaussian and
double-well units: draw for draw against a plain-Python transcription of its documented
algorithm, bitwise the same for any thread count, its Gibbs sampler against the exact
distribution, training that learns on XY data, stops cleanly when the model leaves the
normalisable region, and resumes from checkpoints."""

import itertools
import math

import numpy as np
import pytest
from scipy.special import log_ndtr, logsumexp

from rbmsweep import RBM, data, train
from rbmsweep.kernels import general_pcd
from rbmsweep.kernels.random import seed_streams
from rbmsweep.kernels.unit_functions import BERNOULLI, DOUBLE_WELL, GAUSSIAN, POTTS, SPIN
from rbmsweep.training import epoch_threads
from rbmsweep.units import get_unit

MASK64 = (1 << 64) - 1
CODES = {"spin": SPIN, "bernoulli": BERNOULLI, "gaussian": GAUSSIAN, "potts": POTTS,
         "double_well": DOUBLE_WELL}


class Stream:
    """xoshiro256+ in Python integers (Blackman & Vigna's reference ``next()``)."""

    def __init__(self, words):
        self.s = [int(w) for w in words]

    def uniform(self):
        s = self.s
        out = (s[0] + s[3]) & MASK64
        t = (s[1] << 17) & MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = ((s[3] << 45) | (s[3] >> 19)) & MASK64
        return (out >> 11) * 2.0**-53

    def normal(self):
        """Box–Muller, cosine branch."""
        u1, u2 = self.uniform(), self.uniform()
        return math.sqrt(-2 * math.log(1 - u1)) * math.cos(2 * math.pi * u2)


def sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x > -700 else 0.0


def truncated_normal(b, stream):
    if b <= 0:
        while True:
            z = stream.normal()
            if z >= b:
                return z
    rate = (b + math.sqrt(b * b + 4)) / 2
    while True:
        x = b - math.log(1 - stream.uniform()) / rate
        if stream.uniform() < math.exp(-0.5 * (x - rate) ** 2):
            return x


def draw_hidden(unit, x, stream):
    if unit.name == "spin":
        return 1.0 if stream.uniform() < sigmoid(2 * x) else -1.0
    if unit.name == "bernoulli":
        return 1.0 if stream.uniform() < sigmoid(x) else 0.0
    if unit.name == "gaussian":
        return unit.variance * x + math.sqrt(unit.variance) * stream.normal()
    a_plus, a_minus = x - unit.theta, -x - unit.theta
    l_plus = a_plus**2 / 2 + log_ndtr(a_plus)
    l_minus = a_minus**2 / 2 + log_ndtr(a_minus)
    if stream.uniform() < 1 / (1 + math.exp(l_minus - l_plus)):
        return a_plus + truncated_normal(-a_plus, stream)
    return -(a_minus + truncated_normal(-a_minus, stream))


def draw_visible(unit, x, stream):
    """x: (N, S) inputs; one configuration drawn site by site as the kernel documents."""
    n = len(x)
    out = np.empty(n)
    if unit.name == "potts":
        e = np.exp(np.maximum(x - x.max(axis=1, keepdims=True), -708.0))
        cumulative = np.cumsum(e, axis=1)
        for i in range(n):
            threshold = stream.uniform() * cumulative[i, -1]
            out[i] = np.sum(cumulative[i, :-1] <= threshold)
    elif unit.name == "gaussian":
        for i in range(0, n, 2):
            radius = math.sqrt(-2 * math.log(1 - stream.uniform()))
            angle = 2 * math.pi * stream.uniform()
            out[i] = unit.variance * x[i, 0] + math.sqrt(unit.variance) * radius * math.cos(angle)
            if i + 1 < n:
                out[i + 1] = (unit.variance * x[i + 1, 0]
                              + math.sqrt(unit.variance) * radius * math.sin(angle))
    else:
        low, high, scale = (-1, 1, 2) if unit.name == "spin" else (0, 1, 1)
        p = [sigmoid(scale * x[i, 0]) for i in range(n)]
        for i in range(n):
            out[i] = high if stream.uniform() < p[i] else low
    return out


def phi(visible, v):
    return np.eye(visible.q)[v.astype(int)] if visible.name == "potts" else v[:, None]


def reference_epoch(p, visible, hidden, learning_rate, batch_size, k, persistent, learn):
    """One epoch of docs/physics.md §4 / §12.5, written plainly: the model term from the
    chains after k sweeps, Rao–Blackwellised, Potts gradients projected on Σ_a = 0."""
    w, g, c = p["weights"], p["visible_fields"], p["hidden_fields"]  # (N, M, S), (N, S), (M,)
    chains, data_, order = p["chains"], p["data"], p["order"]
    streams = [Stream(row) for row in p["chain_states"]]
    n_samples, n_hidden = len(data_), w.shape[1]

    def inputs_of(v):
        return c + np.einsum("is,ims->m", phi(visible, v), w)

    for start in range(0, n_samples, batch_size):
        rows = data_[order[start:start + batch_size]].astype(float)
        n_active = len(chains) if persistent else min(len(chains), len(rows))
        if not persistent:
            chains[:n_active] = rows[:n_active]
        for j in range(n_active):
            v = chains[j].astype(float)
            for _ in range(k):
                inputs = inputs_of(v)
                h = np.array([draw_hidden(hidden, inputs[mu], streams[j])
                              for mu in range(n_hidden)])
                v = draw_visible(visible, g + np.einsum("m,ims->is", h, w), streams[j])
            chains[j] = v
        grad_w, grad_g, grad_c = np.zeros_like(w), np.zeros_like(g), np.zeros_like(c)
        for configurations, sign in ((rows, 1.0), (chains[:n_active].astype(float), -1.0)):
            for v in configurations:
                means = hidden.mean(inputs_of(v)) * sign / len(configurations)
                grad_w += np.einsum("is,m->ims", phi(visible, v), means)
                grad_g += sign * phi(visible, v) / len(configurations)
                grad_c += means
        if visible.name == "potts":
            grad_w -= grad_w.mean(axis=2, keepdims=True)
            grad_g -= grad_g.mean(axis=1, keepdims=True)
        w += learning_rate * grad_w
        if learn:
            g += learning_rate * grad_g
            c += learning_rate * grad_c
    p["chain_states"][:] = np.array([s.s for s in streams], dtype=np.uint64)


def problem(visible, hidden, n_visible, n_hidden, n_samples, n_chains, seed=0, scale=0.4):
    rng = np.random.default_rng(seed)
    states = visible.q if visible.name == "potts" else 1
    if visible.name == "potts":
        v = rng.integers(0, visible.q, (n_samples, n_visible)).astype(np.int8)
    elif visible.name == "gaussian":
        v = rng.normal(0, 1.2, (n_samples, n_visible))
    else:
        v = rng.choice(np.array(visible.values, dtype=np.int8), (n_samples, n_visible))
    w = rng.normal(0, scale, (n_visible, n_hidden, states))
    if visible.name == "potts":
        w -= w.mean(axis=2, keepdims=True)
    return dict(data=v, order=rng.permutation(n_samples), weights=w,
                visible_fields=rng.normal(0, 0.3, (n_visible, states)),
                hidden_fields=rng.normal(0, 0.3, n_hidden),
                chains=v[rng.integers(0, n_samples, n_chains)].copy(),
                chain_states=seed_streams(seed + 1, n_chains))


def run_kernel(kernel, p, visible, hidden, *args, n_blocks=1):
    p = {name: value.copy() for name, value in p.items()}
    done = kernel(p["data"], p["order"], p["weights"], p["visible_fields"], p["hidden_fields"],
                  p["chains"], p["chain_states"], visible.code, visible.variance, hidden.code,
                  hidden.variance, hidden.theta, *args, n_blocks)
    return p, done


PAIRS = [("potts", "spin"), ("potts", "bernoulli"), ("potts", "double_well"),
         ("potts", "gaussian"), ("spin", "double_well"), ("bernoulli", "gaussian"),
         ("gaussian", "spin"), ("gaussian", "gaussian"), ("gaussian", "double_well")]
#: (N, M, n_samples, batch, chains, k, persistent, learn fields)
SETTINGS = [(7, 2, 23, 10, 4, 3, True, True), (6, 1, 20, 8, 10, 2, False, False)]


def units_of(visible, hidden):
    return (get_unit(visible, "visible", q=4, variance=0.7),
            get_unit(hidden, "hidden", variance=0.8, theta=-1.5))


@pytest.mark.parametrize("setting", SETTINGS, ids=["pcd-fields", "cd-more-chains"])
@pytest.mark.parametrize("visible_name,hidden_name", PAIRS)
def test_kernel_draws_what_the_reference_draws(visible_name, hidden_name, setting):
    n_visible, n_hidden, n_samples, batch, n_chains, k, persistent, learn = setting
    visible, hidden = units_of(visible_name, hidden_name)
    scale = 0.15 if visible_name == "gaussian" else 0.4
    prob = problem(visible, hidden, n_visible, n_hidden, n_samples, n_chains, scale=scale)
    args = (0.05, batch, k, persistent, learn, learn)
    fast, done = run_kernel(general_pcd.train_epoch_serial, prob, visible, hidden, *args)
    assert done == -(-n_samples // batch)
    reference = {name: value.copy() for name, value in prob.items()}
    reference_epoch(reference, visible, hidden, 0.05, batch, k, persistent, learn)
    np.testing.assert_array_equal(fast["chain_states"], reference["chain_states"])
    if visible_name == "gaussian":
        np.testing.assert_allclose(fast["chains"], reference["chains"], rtol=0, atol=1e-12)
    else:
        np.testing.assert_array_equal(fast["chains"], reference["chains"])
    for name in ("weights", "visible_fields", "hidden_fields"):
        np.testing.assert_allclose(fast[name], reference[name], rtol=0, atol=1e-11)
    assert not np.array_equal(fast["weights"], prob["weights"])
    for n_blocks in (2, 3):  # any split of the chains over threads: bitwise the same
        parallel, _ = run_kernel(general_pcd.train_epoch_parallel, prob, visible, hidden,
                                 *args, n_blocks=n_blocks)
        for name in fast:
            np.testing.assert_array_equal(parallel[name], fast[name])


def train_once(visible, hidden, threads, seed=3, **units):
    if visible == "potts":
        v = data.xy_chain(n_visible=50, q=10, beta=1.5, n_samples=400, seed=0)
    else:
        v = np.random.default_rng(0).normal(0, 1.0, (400, 50))
    rbm = RBM(50, 2, visible=visible, hidden=hidden, zero_fields=False, init_std=0.02,
              seed=seed, **units)
    # 20 chains × 50 sweeps × 50 sites (× q): enough work per update for train() to use the
    # threads it is given (training.PARALLEL_MIN_DRAWS)
    assert epoch_threads(threads, 20, 50, 50 * rbm.n_states, 2, 20) == threads
    run = train(rbm, v, gibbs_steps=50, learning_rate=0.01, batch_size=20, epochs=2, seed=seed,
                threads=threads, log_likelihood=False, snapshots=[0, 2])
    assert run.attrs["stop_reason"] == ""
    return rbm.weights, rbm.visible_fields, rbm.hidden_fields


@pytest.mark.parametrize("visible,hidden,units", [
    ("potts", "double_well", {"q": 10, "theta": -2.0}), ("potts", "spin", {"q": 10}),
    ("gaussian", "gaussian", {"visible_variance": 0.5, "hidden_variance": 0.5})])
def test_same_seed_same_weights_for_one_and_two_threads(visible, hidden, units):
    one = train_once(visible, hidden, threads=1, **units)
    two = train_once(visible, hidden, threads=2, **units)
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)
    other = train_once(visible, hidden, threads=1, seed=4, **units)
    assert not np.array_equal(one[0], other[0])


@pytest.mark.parametrize("hidden,units", [("double_well", {"theta": -1.5}),
                                          ("gaussian", {"hidden_variance": 0.7})])
def test_gibbs_sampler_reaches_the_exact_distribution(hidden, units):
    """A Potts RBM (3 sites, q = 3) with real hidden units: chi-square of 30000 chains against
    the exact P(v) (enumeration, checked in tests/test_likelihood.py)."""
    rbm = RBM(3, 2 if hidden == "gaussian" else 1, visible="potts", q=3, hidden=hidden,
              zero_fields=False, init_std=0.6, seed=1, **units)
    rbm.visible_fields = np.random.default_rng(2).normal(0, 0.5, (3, 3))
    rbm.apply_gauge()
    configurations = np.array(list(itertools.product(range(3), repeat=3)), dtype=np.int8)
    log_p = rbm.negative_free_energy(configurations) - rbm.log_partition()
    assert np.isclose(logsumexp(log_p), 0)
    samples = rbm.sample(30_000, n_steps=50, seed=5)
    observed = np.bincount(samples.astype(int) @ np.array([9, 3, 1]), minlength=27)
    expected = np.exp(log_p) * len(samples)
    chi2 = np.sum((observed - expected) ** 2 / expected)
    assert chi2 < 26 + 5 * np.sqrt(2 * 26)


def angular_profile(weights):
    """|Σ_a w_i(a) e^{2πia/q}| per site (the angular Fourier amplitude; the zero-sum gauge
    removes the a-independent part)."""
    q = weights.shape[-1]
    return np.abs(weights @ np.exp(2j * np.pi * np.arange(q) / q))


def localisation(weights, window):
    """Largest share of Σ_i |ŵ_i|² within ``window`` consecutive sites of the ring."""
    power = angular_profile(weights) ** 2
    n = len(power)
    shares = [power[np.arange(s, s + window) % n].sum() for s in range(n)]
    return max(shares) / power.sum()


def test_potts_double_well_rbm_learns_a_localised_field_on_xy_data():
    """HTCM20 §IV (Fig. 9a) in small: N = 30 sites, q = 10, β = 1.5, one double-well unit.
    The learned field concentrates in space (over half the angular power within a quarter of
    the ring: 0.25 for a flat profile, ~0.35 for the random initial weights) and has period q
    in angle at its peak (a cosine explains > 90 % of the peak site's weights)."""
    n, q = 30, 10
    v = data.xy_chain(n_visible=n, q=q, beta=1.5, n_samples=3000, seed=0)
    rbm = RBM(n, 1, visible="potts", q=q, hidden="double_well", theta=-2.0, init_std=0.01,
              seed=0)
    run = train(rbm, v, gibbs_steps=10, learning_rate=0.05, batch_size=50, epochs=15, seed=0,
                log_likelihood=False, snapshots=[0, 15])
    assert run.weights.dims == ("epoch", "visible", "hidden", "state")
    assert run.visible_fields.dims == ("epoch", "visible", "state")
    assert run.state.values.tolist() == list(range(q))
    assert run.weights.attrs["gauge"] == run.attrs["gauge"] == "zero_sum"
    assert run.singular_values.sizes["mode"] == 1
    initial = run.weights.isel(epoch=0, hidden=0).values
    final = run.weights.isel(epoch=-1, hidden=0).values
    assert localisation(initial, n // 4) < 0.45
    assert localisation(final, n // 4) > 0.5
    assert angular_profile(final).max() > 10 * angular_profile(initial).max()
    peak = final[np.argmax(angular_profile(final))]
    basis = np.stack([np.cos(2 * np.pi * np.arange(q) / q), np.sin(2 * np.pi * np.arange(q) / q)])
    fit = basis.T @ np.linalg.lstsq(basis.T, peak, rcond=None)[0]
    assert 1 - np.sum((peak - fit) ** 2) / np.sum(peak**2) > 0.9


def test_training_stops_cleanly_when_the_model_is_no_longer_normalisable():
    """Gaussian–Gaussian RBM pushed by a large learning rate past σ_v² σ_h² s_max² = 1: the run
    stops at the last normalisable epoch, says why, and has no NaN."""
    v = np.random.default_rng(0).normal(0, 3.0, (200, 4))
    rbm = RBM(4, 1, visible="gaussian", hidden="gaussian", init_std=0.1, seed=0)
    run = train(rbm, v, test=v[:20], gibbs_steps=2, learning_rate=0.5, batch_size=20,
                epochs=30, seed=0, snapshots={"log": 0, "linear": 30})
    reason = run.attrs["stop_reason"]
    assert "normalisable" in reason or "not finite" in reason
    assert run.epoch.values[-1] < 30
    for name in ("weights", "log_likelihood_train", "log_likelihood_test", "singular_values"):
        assert np.all(np.isfinite(run[name].values)), name
    assert rbm.normalisation_margin() > 0
    assert run.log_likelihood_train.attrs["method"] == "closed_form"


@pytest.mark.parametrize("visible,hidden,units", [
    ("potts", "double_well", {"q": 5, "theta": -1.0}),
    ("gaussian", "spin", {"visible_variance": 0.5})])
def test_checkpoint_resumes_bitwise(tmp_path, visible, hidden, units, monkeypatch):
    """A run interrupted after epoch 3 and started again ends bitwise where an uninterrupted
    run does (float64 chains for Gaussian units included)."""
    from rbmsweep.checkpoint import Checkpointer

    if visible == "potts":
        v = data.xy_chain(n_visible=12, q=5, beta=1.0, n_samples=200, seed=0)
    else:
        v = np.random.default_rng(1).normal(0, 1, (200, 12))

    def run(**options):
        rbm = RBM(12, 2, visible=visible, hidden=hidden, zero_fields=False, init_std=0.05,
                  seed=0, **units)
        return train(rbm, v, gibbs_steps=3, learning_rate=0.02, batch_size=20, epochs=6,
                     seed=0, snapshots=[0, 2, 4, 6], **options)

    whole = run()
    path = tmp_path / "checkpoint.npz"
    save = Checkpointer.save

    def interrupt(self, epoch, *args):
        save(self, epoch, *args)
        if epoch == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(Checkpointer, "save", interrupt)
    with pytest.raises(KeyboardInterrupt):
        run(checkpoint=path, checkpoint_every={"epochs": 1})
    monkeypatch.setattr(Checkpointer, "save", save)
    assert path.exists()
    resumed = run(checkpoint=path, checkpoint_every={"epochs": 1})
    assert not path.exists()
    for name in ("weights", "visible_fields", "hidden_fields", "log_likelihood_train"):
        np.testing.assert_array_equal(resumed[name].values, whole[name].values)
