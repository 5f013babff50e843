"""Tests of rbmsweep.data: the exact Ising / Potts ring samplers and the other data sources."""

import itertools

import numba
import numpy as np
import pytest
from scipy import stats

from rbmsweep import data, theory
from rbmsweep.config import alpha_to_n_samples
from rbmsweep.data import rings


# --------------------------------------------------------------------------- helpers
def exact_corr(r, beta, n):
    t = np.tanh(beta)
    r = np.asarray(r, dtype=float)
    return (t**r + t ** (n - r)) / (1 + t**n)


def chi2_pvalue(samples, log_weight, q):
    """Chi-square goodness of fit of the configuration counts to exp(log_weight), by enumeration.
    Configurations expected fewer than 5 times are pooled into one bin."""
    n = samples.shape[1]
    codes = np.zeros(samples.shape[0], dtype=np.int64)
    for i in range(n):
        codes = codes * q + samples[:, i]
    counts = np.bincount(codes, minlength=q**n)
    confs = np.array(list(itertools.product(range(q), repeat=n)))
    lw = np.array([log_weight(c) for c in confs])
    w = np.exp(lw - lw.max())
    expected = w / w.sum() * samples.shape[0]
    small = expected < 5
    obs = np.append(counts[~small], counts[small].sum())
    exp = np.append(expected[~small], expected[small].sum())
    if exp[-1] == 0:
        assert obs[-1] == 0
        obs, exp = obs[:-1], exp[:-1]
    return stats.chisquare(obs, exp).pvalue


def ising_log_weight(beta):
    def lw(bits):  # bits 0/1 → spins +1/−1
        v = 1 - 2 * bits
        return beta * np.sum(v * np.roll(v, -1))

    return lw


def potts_log_weight(beta, kernel, q):
    def lw(sig):
        return beta * np.sum(kernel[(np.roll(sig, -1) - sig) % q])

    return lw


def transfer_mean_cos(n, q, beta, kernel):
    """⟨cos(2π(σ_{i+1} − σ_i)/q)⟩ on a ring, from the transfer matrix."""
    d = (np.arange(q)[None, :] - np.arange(q)[:, None]) % q
    tm = np.exp(beta * (kernel[d] - kernel.max()))
    tc = tm * np.cos(2 * np.pi * d / q)
    return np.trace(np.linalg.matrix_power(tm, n - 1) @ tc) / np.trace(np.linalg.matrix_power(tm, n))


def ring_correlations(v):
    """Per-sample circular autocorrelation (1/N) Σ_i v_i v_{i+r}, r = 0..N-1 (by FFT)."""
    n = v.shape[1]
    f = np.fft.rfft(v.astype(np.float64), axis=1)
    return np.fft.irfft(np.abs(f) ** 2, n=n, axis=1) / n


def spins_to_bits(v):
    return ((1 - v) // 2).astype(np.int64)


# --------------------------------------------------------------------------- Ising
@pytest.mark.parametrize(
    "n, beta, n_samples",
    [(100, 1.0, 20_000), (6, 1.0, 50_000), (40, 0.3, 20_000), (131, 2.0, 20_000), (7, -0.7, 50_000)],
)
def test_ising_correlations_match_exact(n, beta, n_samples):
    v = data.ising_chain(n_visible=n, beta=beta, n_samples=n_samples, seed=1)
    per_sample = ring_correlations(v)  # (n_samples, n): each sample's average over the ring
    r = np.arange(1, n // 2 + 1)
    mean = per_sample[:, r].mean(axis=0)
    se = per_sample[:, r].std(axis=0, ddof=1) / np.sqrt(n_samples)
    expected = exact_corr(r, beta, n)
    bad = np.abs(mean - expected) > 4.5 * se + 1e-12
    assert not bad.any(), (r[bad], mean[bad], expected[bad], se[bad])
    emp = data.ising_correlations(v, n // 2)
    assert emp[0] == 1.0
    np.testing.assert_allclose(emp[1:], mean, atol=1e-9)


def test_ising_small_ring_t_to_the_n_correction_is_visible():
    # N = 6, β = 1: C(3) = 2 t^3 / (1 + t^6) ≈ 0.741, not t^3 ≈ 0.442
    v = data.ising_chain(6, 1.0, 50_000, seed=2)
    c3 = data.ising_correlations(v, 3)[3]
    assert abs(c3 - exact_corr(3, 1.0, 6)) < 0.01
    assert abs(c3 - np.tanh(1.0) ** 3) > 0.2


def test_ising_exact_distribution_n6():
    v = data.ising_chain(6, 1.0, 100_000, seed=3)
    assert chi2_pvalue(spins_to_bits(v), ising_log_weight(1.0), 2) > 1e-3


@pytest.mark.parametrize(
    "n, beta, ms",
    [(6, 1.0, [0, 1, 3, 6]), (5, -3.0, [0, 2, 5]), (7, 0.0, [0, 7]), (5, 2.5, [0, 4])],
)
def test_ising_every_sampling_path_is_exact(n, beta, ms):
    # M = 0: whole-chain rejection; M = N: purely sequential; in between: both.
    # The anti-ferromagnetic odd ring (β = −3, N = 5) is frustrated: rejection accepts ~1%.
    for m in ms:
        v = rings._sample_ising(n, beta, 60_000, 4, m=m)
        assert chi2_pvalue(spins_to_bits(v), ising_log_weight(beta), 2) > 1e-3, m


@pytest.mark.parametrize("n, m", [(70, 6), (70, 0), (130, 2), (130, 66), (64, 0), (65, 1)])
def test_ising_multiword_paths(n, m):
    # part A spans one, two or three 64-bit words, part B the rest
    beta = 0.8
    v = rings._sample_ising(n, beta, 20_000, 5, m=m)
    per_sample = ring_correlations(v)
    r = np.arange(1, n // 2 + 1)
    se = per_sample[:, r].std(axis=0, ddof=1) / np.sqrt(len(v))
    bad = np.abs(per_sample[:, r].mean(axis=0) - exact_corr(r, beta, n)) > 4.5 * se
    assert not bad.any(), r[bad]


@pytest.mark.parametrize("n, beta", [(100, 1.0), (7, 0.5)])
def test_ising_magnetisation_symmetric(n, beta):
    v = data.ising_chain(n, beta, 50_000, seed=6)
    m = v.sum(axis=1, dtype=np.int64)
    se = m.std(ddof=1) / np.sqrt(len(m))
    assert abs(m.mean()) < 4 * se
    values, counts = np.unique(m, return_counts=True)
    hist = dict(zip(values.tolist(), counts.tolist()))
    pairs = [(hist.get(k, 0), hist.get(-k, 0)) for k in values if k > 0]
    pairs = [(a, b) for a, b in pairs if a + b >= 10]
    stat = sum((a - b) ** 2 / (a + b) for a, b in pairs)
    assert stats.chi2.sf(stat, len(pairs)) > 1e-3


def test_ising_beta_zero_is_uniform():
    v = data.ising_chain(50, 0.0, 40_000, seed=7)
    x = v.astype(np.float64)
    se = 1 / np.sqrt(v.size)
    assert abs(x.mean()) < 4 * se
    assert abs(data.ising_correlations(v, 1)[1]) < 4 * se
    # every site is an unbiased coin
    assert np.all(np.abs(x.mean(axis=0)) < 4.5 / np.sqrt(v.shape[0]))


@pytest.mark.parametrize("beta", [5.0, 20.0, 1e3])
def test_ising_large_beta_all_equal(beta):
    with np.errstate(all="raise"):
        v = data.ising_chain(100, beta, 2_000, seed=8)
    all_equal = np.all(v == v[:, :1], axis=1)
    assert all_equal.mean() > (0.95 if beta == 5.0 else 0.999)
    assert 0.4 < (v[:, 0] == 1).mean() < 0.6  # both ground states


@pytest.mark.parametrize("n", [10, 11])
def test_ising_antiferromagnet(n):
    v = data.ising_chain(n, -20.0, 2_000, seed=9)
    unsatisfied = (v == np.roll(v, -1, axis=1)).sum(axis=1)
    # even ring: perfect Néel order; odd ring: exactly one frustrated bond, anywhere
    assert np.all(unsatisfied == (n % 2))
    if n % 2:
        where = np.argmax(v == np.roll(v, -1, axis=1), axis=1)
        counts = np.bincount(where, minlength=n)
        assert stats.chisquare(counts).pvalue > 1e-3


# --------------------------------------------------------------------------- Potts / XY
def test_potts_exact_distribution_n4_q3():
    q, beta = 3, 1.0
    s = data.xy_chain(n_visible=4, q=q, beta=beta, n_samples=100_000, seed=10)
    kernel = data.angular_kernel("cos", q)
    assert chi2_pvalue(s.astype(np.int64), potts_log_weight(beta, kernel, q), q) > 1e-3


@pytest.mark.parametrize(
    "n, q, beta, kernel, ms",
    [
        (4, 3, 1.0, "cos", [0, 2, 4]),
        (5, 4, 2.0, "cos", [0, 3, 5]),
        (4, 3, 0.7, [0.3, 1.0, -0.5], [0, 1, 4]),  # chiral kernel
        (3, 5, 1.0, "nearest", [0, 3]),
        (4, 4, 1.5, "delta", [0, 2]),
    ],
)
def test_potts_every_sampling_path_is_exact(n, q, beta, kernel, ms):
    k = data.angular_kernel(kernel, q)
    for m in ms:
        s = rings._sample_potts(n, q, beta, 60_000, 11, k, m=m)
        assert chi2_pvalue(s.astype(np.int64), potts_log_weight(beta, k, q), q) > 1e-3, m


@pytest.mark.parametrize(
    "n, q, beta, n_samples", [(4, 3, 1.0, 50_000), (100, 10, 1.5, 10_000), (100, 10, 20.0, 5_000), (12, 7, 0.5, 20_000)]
)
def test_potts_mean_cos_matches_transfer_matrix(n, q, beta, n_samples):
    s = data.xy_chain(n, q, beta, n_samples, seed=12).astype(np.int64)
    c = np.cos(2 * np.pi * (s - np.roll(s, -1, axis=1)) / q).mean(axis=1)
    se = c.std(ddof=1) / np.sqrt(n_samples)
    expected = transfer_mean_cos(n, q, beta, data.angular_kernel("cos", q))
    assert abs(c.mean() - expected) <= 4.5 * se + 1e-12


def test_potts_beta_zero_is_uniform():
    q = 10
    s = data.xy_chain(30, q, 0.0, 20_000, seed=13).astype(np.int64)
    assert stats.chisquare(np.bincount(s.ravel(), minlength=q)).pvalue > 1e-3
    d = (np.roll(s, -1, axis=1) - s) % q
    assert stats.chisquare(np.bincount(d.ravel(), minlength=q)).pvalue > 1e-3


def test_potts_large_beta_all_equal():
    with np.errstate(all="raise"):
        s = data.potts_chain(100, 3, 20.0, 2_000, seed=14)
    assert np.all(s == s[:, :1], axis=1).mean() > 0.999
    assert stats.chisquare(np.bincount(s[:, 0], minlength=3)).pvalue > 1e-3


def test_potts_kernels():
    q = 6
    np.testing.assert_allclose(data.angular_kernel("cos", q), np.cos(2 * np.pi * np.arange(q) / q))
    np.testing.assert_array_equal(data.angular_kernel("delta", q), [1, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(data.angular_kernel("nearest", q), [1, 1, 0, 0, 0, 1])
    a = data.potts_chain(20, q, 1.0, 100, seed=0, kernel="nearest")
    b = data.potts_chain(20, q, 1.0, 100, seed=0, kernel=data.angular_kernel("nearest", q))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        data.xy_chain(20, q, 1.0, 100, seed=0), data.potts_chain(20, q, 1.0, 100, seed=0)
    )
    with pytest.raises(ValueError, match="kernel"):
        data.potts_chain(20, q, 1.0, 10, seed=0, kernel=[1.0, 0.0])
    with pytest.raises(ValueError, match="kernel"):
        data.potts_chain(20, q, 1.0, 10, seed=0, kernel="gaussian")


# --------------------------------------------------------------------------- common contract
@pytest.mark.parametrize(
    "make, allowed",
    [
        (lambda **kw: data.ising_chain(n_visible=37, beta=1.0, **kw), {-1, 1}),
        (lambda **kw: data.xy_chain(n_visible=37, q=10, beta=1.5, **kw), set(range(10))),
        (lambda **kw: data.potts_chain(n_visible=37, q=127, beta=3.0, **kw), set(range(127))),
    ],
)
def test_dtype_shape_values_and_seeds(make, allowed):
    a = make(n_samples=3000, seed=0)
    assert a.dtype == np.int8 and a.shape == (3000, 37) and a.flags.c_contiguous
    assert set(np.unique(a).tolist()) <= allowed
    np.testing.assert_array_equal(a, make(n_samples=3000, seed=0))
    assert not np.array_equal(a, make(n_samples=3000, seed=1))
    assert not np.array_equal(a, make(n_samples=3000, seed=(0, 1)))
    # blocks of samples have their own streams: a smaller data set is a prefix of a larger one
    np.testing.assert_array_equal(a[:1000], make(n_samples=1000, seed=0))
    np.testing.assert_array_equal(a, make(n_samples=3000, seed=0, parallel=True))


def test_parallel_identical_across_thread_counts():
    saved = numba.get_num_threads()
    try:
        results = []
        for threads in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(threads)
            results.append(
                (
                    data.ising_chain(100, 1.0, 5_000, seed=21, parallel=True),
                    data.xy_chain(100, 10, 1.5, 5_000, seed=21, parallel=True),
                )
            )
    finally:
        numba.set_num_threads(saved)
    for a, b in zip(results[0], results[1]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(results[0][0], data.ising_chain(100, 1.0, 5_000, seed=21))
    np.testing.assert_array_equal(results[0][1], data.xy_chain(100, 10, 1.5, 5_000, seed=21))


@pytest.mark.parametrize(
    "call, name, value",
    [
        (lambda: data.ising_chain(1, 1.0, 10, 0), "n_visible", "1"),
        (lambda: data.ising_chain(10, 1.0, 0, 0), "n_samples", "0"),
        (lambda: data.ising_chain(10, 1.0, -5, 0), "n_samples", "-5"),
        (lambda: data.ising_chain(10, float("nan"), 10, 0), "beta", "nan"),
        (lambda: data.ising_chain(10, float("inf"), 10, 0), "beta", "inf"),
        (lambda: data.ising_chain(10, 1.0, 10.5, 0), "n_samples", "10.5"),
        (lambda: data.ising_chain(10, 1.0, "10", 0), "n_samples", "10"),
        (lambda: data.ising_chain(10, 1.0, 10, -1), "seed", "-1"),
        (lambda: data.xy_chain(10, 1, 1.0, 10, 0), "q", "1"),
        (lambda: data.xy_chain(10, 128, 1.0, 10, 0), "q", "128"),
        (lambda: data.xy_chain(1, 10, 1.0, 10, 0), "n_visible", "1"),
        (lambda: data.xy_chain(10, 10, float("nan"), 10, 0), "beta", "nan"),
        (lambda: data.xy_chain(10, 10, 1.0, 0, 0), "n_samples", "0"),
        (lambda: alpha_to_n_samples(10, 100.0), "alpha", "100"),
        (lambda: alpha_to_n_samples(10, 0.0), "alpha", "0"),
        (lambda: data.ising_correlations(np.ones((3, 5), np.int8), 5), "max_distance", "5"),
    ],
)
def test_bad_arguments(call, name, value):
    with pytest.raises(ValueError) as info:
        call()
    assert name in str(info.value) and value in str(info.value)


# --------------------------------------------------------------------------- helpers of the API
def test_theory_ising_correlation_by_enumeration():
    """The exact ring correlation the samplers are checked against (rbmsweep.theory.ising)."""
    for n, beta in [(6, 1.0), (5, -1.3), (4, 0.0), (7, 2.0)]:
        confs = np.array(list(itertools.product([1, -1], repeat=n)))
        w = np.exp(beta * (confs * np.roll(confs, -1, axis=1)).sum(axis=1))
        w /= w.sum()
        for r in range(n + 1):
            brute = (w * (confs[:, 0] * confs[:, r % n])).sum()
            assert abs(theory.ising_correlation(r, beta, n) - brute) < 1e-12, (n, beta, r)
    np.testing.assert_allclose(theory.ising_correlation(np.arange(5), 1.0, 100), exact_corr(np.arange(5), 1.0, 100))
    # no cancellation: anti-ferromagnetic odd ring at large |β|
    c = theory.ising_correlation(1, -30.0, 5)
    assert np.isfinite(c) and abs(c - (-0.6)) < 1e-9  # one frustrated bond among 5
    np.testing.assert_allclose(theory.ising_correlation([0, 1, 2], -1e3, 5), [1, -0.6, 0.2])
    np.testing.assert_allclose(theory.ising_correlation([0, 1, 2], 1e3, 5), [1, 1, 1])


def test_ising_correlations_small_input():
    v = np.array([[1, 1, -1, -1], [1, -1, 1, -1]], dtype=np.int8)
    np.testing.assert_allclose(data.ising_correlations(v, 2), [1.0, -0.5, 0.0])
    with pytest.raises(ValueError):
        data.ising_correlations(np.array([[0, 1, 1]]), 1)


def test_integral_floats_accepted():
    np.testing.assert_array_equal(data.ising_chain(10.0, 1.0, 1e3, 0), data.ising_chain(10, 1.0, 1000, 0))


def test_alpha_to_n_samples():
    assert alpha_to_n_samples(100, 0.01) == 10_000
    assert alpha_to_n_samples(20, 0.5) == 40
    assert alpha_to_n_samples(100, 1e-4) == 1_000_000


def test_load_samples(tmp_path):
    v = data.ising_chain(12, 1.0, 50, seed=0)
    np.savez(tmp_path / "a.npz", samples=v)
    np.savez(tmp_path / "b.npz", v=v.astype(np.int64))
    np.testing.assert_array_equal(data.load_samples(tmp_path / "a.npz"), v)
    b = data.load_samples(tmp_path / "b.npz", visible="spin")
    assert b.dtype == np.int8 and b.flags.c_contiguous
    np.testing.assert_array_equal(b, v)
    with pytest.raises(ValueError, match="bernoulli"):
        data.load_samples(tmp_path / "a.npz", visible="bernoulli")
    np.savez(tmp_path / "c.npz", other=v)
    with pytest.raises(ValueError, match="samples"):
        data.load_samples(tmp_path / "c.npz")
    np.savez(tmp_path / "d.npz", samples=v * 0.5)
    with pytest.raises(ValueError, match="integer"):
        data.load_samples(tmp_path / "d.npz")
    s = data.xy_chain(12, 5, 1.0, 50, seed=0)
    np.savez(tmp_path / "e.npz", samples=s)
    with pytest.raises(ValueError, match="0..2"):
        data.load_samples(tmp_path / "e.npz", visible="potts", q=3)
    np.testing.assert_array_equal(data.load_samples(tmp_path / "e.npz", visible="potts", q=5), s)
    xr = pytest.importorskip("xarray")
    xr.Dataset({"samples": (("sample", "visible"), s)}).to_netcdf(tmp_path / "f.nc")
    np.testing.assert_array_equal(data.load_samples(tmp_path / "f.nc"), s)
    xr.Dataset({"x": (("sample", "visible"), s)}).to_netcdf(tmp_path / "g.nc")
    with pytest.raises(ValueError, match="samples"):
        data.load_samples(tmp_path / "g.nc")


def test_digits():
    pytest.importorskip("sklearn")
    d = data.digits()
    assert d.dtype == np.int8 and d.shape == (1797, 64) and d.flags.c_contiguous
    assert set(np.unique(d).tolist()) == {0, 1}
    assert 0.2 < d.mean() < 0.5
    a, la = data.digits(seed=0, return_labels=True)
    b = data.digits(seed=0)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, d)
    assert sorted(map(tuple, a.tolist())) == sorted(map(tuple, d.tolist()))
    assert set(la.tolist()) == set(range(10))


# --------------------------------------------------------------------------- digits, files, clusters
def test_digits_threshold_and_split():
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_digits

    intensities = load_digits().data
    for threshold in (1, 8, 15):
        np.testing.assert_array_equal(data.digits(threshold=threshold),
                                      (intensities >= threshold).astype(np.int8))
    train, test = data.make_dataset("digits", 1000, 500, seed=3, threshold=8, n_visible=64)
    assert train.shape == (1000, 64) and test.shape == (500, 64) and train.dtype == np.int8
    # train and test are disjoint images of the set (as multisets of rows: no row twice)
    rows = {tuple(row) for row in data.digits().tolist()}
    assert all(tuple(row) in rows for row in train.tolist() + test.tolist())
    again, _ = data.make_dataset("digits", 1000, 500, seed=3, threshold=8)
    np.testing.assert_array_equal(train, again)
    other, _ = data.make_dataset("digits", 1000, 500, seed=4, threshold=8)
    assert not np.array_equal(train, other)
    with pytest.raises(ValueError, match="more than the 1797"):
        data.make_dataset("digits", 1500, 500, seed=0)


def test_digits_split_uses_every_image_once():
    pytest.importorskip("sklearn")
    from rbmsweep.data.files import split

    rows = np.arange(1797)[:, None]
    train, test = split(rows, 1297, 500, seed=7)
    assert sorted(np.concatenate([train, test]).ravel().tolist()) == list(range(1797))


def test_file_model_splits_the_file_by_seed(tmp_path):
    v = data.ising_chain(12, 1.0, 300, seed=0)
    np.savez(tmp_path / "a.npz", samples=v)
    train, test = data.make_dataset("file", 200, 100, seed=1, path=str(tmp_path / "a.npz"),
                                    n_visible=12)
    assert train.dtype == np.int8 and train.shape == (200, 12) and test.shape == (100, 12)
    assert sorted(map(tuple, np.concatenate([train, test]).tolist())) == sorted(
        map(tuple, v.tolist()))
    real = np.random.default_rng(0).normal(size=(50, 7))
    np.savez(tmp_path / "real.npz", samples=real)
    train, test = data.make_dataset("file", 30, 20, seed=0, path=str(tmp_path / "real.npz"))
    assert train.dtype == np.float64
    assert sorted(map(tuple, np.concatenate([train, test]).tolist())) == sorted(
        map(tuple, real.tolist()))
    with pytest.raises(ValueError, match="more than the 50"):
        data.make_dataset("file", 40, 20, seed=0, path=str(tmp_path / "real.npz"))
    np.savez(tmp_path / "bad.npz", samples=np.array([[0.0, np.inf]]))
    with pytest.raises(ValueError, match="finite"):
        data.load_samples(tmp_path / "bad.npz", visible="gaussian")
    np.savez(tmp_path / "flat.npz", samples=np.zeros(10))
    with pytest.raises(ValueError, match="2-D"):
        data.load_samples(tmp_path / "flat.npz")


def test_clusters_have_the_stated_principal_variances():
    keys = dict(n_clusters=11, latent_dim=5, cluster_std=0.5, noise_std=0.1)
    expected = data.principal_variances(100, **keys)
    np.testing.assert_allclose(expected[:6], [2.76, 2.26, 1.76, 1.26, 0.76, 0.01])
    # the defaults straddle sigma_v^2 = 1: some principal variances above, the others below
    assert 0 < np.sum(expected > 1) < 5
    train, test = data.make_dataset("clusters", 22_000, 1100, seed=2, n_visible=100, **keys)
    assert train.dtype == np.float64 and train.shape == (22_000, 100) and test.shape == (1100, 100)
    measured = np.sort(np.linalg.eigvalsh(train.T @ train / len(train)))[::-1]
    # sampling error of a variance estimated from n points: ~ sqrt(2/n) relative (+ noise)
    np.testing.assert_allclose(measured[:5], expected[:5], rtol=0.04)
    assert np.all(np.abs(measured[5:] - 0.01) < 0.003)
    assert np.abs(train.mean(axis=0)).max() < 0.05  # zero-mean mixture
    # train and test share the geometry (the subspace), not the points
    q, centres = data.cluster_geometry(100, 11, 5, seed=2)
    outside = test - (test @ q) @ q.T
    assert np.sqrt(np.mean(outside**2)) < 0.11  # only the isotropic noise leaves the subspace
    assert not np.array_equal(train[:1100], test)
    # exactly K centres with zero mean and second moment diag(lambda)
    np.testing.assert_allclose(centres.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(centres.T @ centres / 11, np.diag(expected[:5] - 0.26), atol=1e-12)
    labels = data.clusters(100, 110, seed=2, part=0, return_labels=True, **keys)[1]
    assert np.all(np.bincount(labels) == 10)


def test_real_valued_data_round_trip_through_the_data_file(tmp_path):
    from rbmsweep import io

    train = np.random.default_rng(0).normal(size=(20, 6))
    test = np.random.default_rng(1).normal(size=(5, 6))
    io.write_samples(train, test, tmp_path / "real.nc", {"model": "clusters"})
    back_train, back_test = io.read_samples(tmp_path / "real.nc")
    assert back_train.dtype == np.float64
    np.testing.assert_array_equal(back_train, train)
    np.testing.assert_array_equal(back_test, test)
    spins = data.ising_chain(6, 1.0, 20, seed=0)
    io.write_samples(spins, spins[:3], tmp_path / "spins.nc", {"model": "ising"})
    assert io.read_samples(tmp_path / "spins.nc")[0].dtype == np.int8
