"""XY data (docs/physics.md §13.1): the exact ring sampler with both angular kernels and the
Monte Carlo sampler with longer-range couplings, against transfer matrices and enumeration."""

import itertools

import numba
import numpy as np
import pytest
from scipy import stats

from rbmsweep import data, io
from rbmsweep.data import mcmc


def kernel_values(kernel, q):
    d = np.arange(q)
    if kernel == "cosine":
        return np.cos(2 * np.pi * d / q)
    return (np.minimum(d, q - d) <= 1).astype(float)  # short_range, written out here


def transfer_pair_law(n, q, beta, kernel, r):
    """P(σ_i = a, σ_{i+r} = b) on a ring of n sites, from the transfer matrix
    T(a, b) = exp(β K(b − a)): T^r(a, b) T^(n−r)(b, a) / Tr T^n."""
    k = kernel_values(kernel, q)
    t = np.exp(beta * k[(np.arange(q)[None, :] - np.arange(q)[:, None]) % q])
    forward = np.linalg.matrix_power(t, r)
    back = np.linalg.matrix_power(t, n - r)
    return forward * back.T / np.trace(np.linalg.matrix_power(t, n))


def pair_fractions(samples, q, r):
    """Per sample, the fraction of sites i with (σ_i, σ_{i+r}) = (a, b): (n_samples, q, q)."""
    s = samples.astype(np.int64)
    codes = s * q + np.roll(s, -r, axis=1)
    counts = np.stack([np.bincount(row, minlength=q * q) for row in codes])
    return counts.reshape(-1, q, q) / s.shape[1]


def z_scores(samples, q, r, expected, inflation=1.0):
    f = pair_fractions(samples, q, r)
    error = f.std(axis=0, ddof=1) / np.sqrt(len(f)) * np.sqrt(inflation)
    return (f.mean(axis=0) - expected) / np.maximum(error, 1e-12)


@pytest.mark.parametrize("kernel", ["cosine", "short_range"])
def test_exact_xy_data_single_site_and_pairs_equal_the_transfer_matrix(kernel):
    n, q, beta = 7, 5, 1.2
    train, _ = data.make_dataset("xy", 40_000, 0, 3, n_visible=n, beta=beta, q=q, kernel=kernel)
    for r in (0, 1, 2, 3):
        exact = transfer_pair_law(n, q, beta, kernel, r)
        if r == 0:  # the single-site law: uniform, by the rotation symmetry
            np.testing.assert_allclose(np.diag(exact), 1 / q, atol=1e-12)
        assert np.abs(z_scores(train, q, r, exact)).max() < 5, (kernel, r)
    # and the statistic sees a wrong kernel: the other kernel's pair law is far off
    other = "short_range" if kernel == "cosine" else "cosine"
    assert np.abs(z_scores(train, q, 1, transfer_pair_law(n, q, beta, other, 1))).max() > 10


@pytest.mark.parametrize("kernel", ["cosine", "short_range"])
def test_monte_carlo_with_j1_only_equals_the_exact_sampler(kernel):
    n, q, beta = 12, 6, 1.5
    common = dict(n_visible=n, beta=beta, q=q, kernel=kernel)
    exact, _ = data.make_dataset("xy", 20_000, 0, 4, **common)
    chains, _, info = data.make_dataset("xy", 20_000, 0, 4, couplings=[1.0], diagnostics=True,
                                        **common)
    assert info["sampler"].startswith("heat-bath Monte Carlo")
    tau = max(1.0, info["mcmc_autocorrelation_time_samples"])
    for r in (1, 2, 4):
        law = transfer_pair_law(n, q, beta, kernel, r)
        assert np.abs(z_scores(chains, q, r, law, tau)).max() < 5, (kernel, r)
        # the two samplers against each other (two-sample z of the mean pair fractions)
        a, b = pair_fractions(exact, q, r), pair_fractions(chains, q, r)
        error = np.sqrt(a.var(0, ddof=1) / len(a) + tau * b.var(0, ddof=1) / len(b))
        assert np.abs((a.mean(0) - b.mean(0)) / np.maximum(error, 1e-12)).max() < 5


def enumerated_log_weights(n, q, beta, couplings, kernel):
    k = kernel_values(kernel, q)
    configurations = np.array(list(itertools.product(range(q), repeat=n)))
    log_weights = np.zeros(len(configurations))
    for r, coupling in enumerate(couplings, start=1):
        d = (np.roll(configurations, -r, axis=1) - configurations) % q
        log_weights += beta * coupling * k[d].sum(axis=1)
    return configurations, log_weights


@pytest.mark.parametrize("q, kernel, couplings", [(4, "cosine", [1.0, 0.6]),
                                                  (5, "short_range", [0.7, -0.5])])
def test_monte_carlo_with_longer_range_couplings_equals_enumeration(q, kernel, couplings):
    n, beta, n_samples = 5, 1.3, 60_000
    samples, info = data.mcmc_chain(n, q, beta, n_samples, seed=5, couplings=couplings,
                                    kernel=data.CONFIG_KERNELS[kernel])
    configurations, log_weights = enumerated_log_weights(n, q, beta, couplings, kernel)
    expected = np.exp(log_weights - log_weights.max())
    expected *= n_samples / expected.sum()
    codes = samples.astype(np.int64) @ q ** np.arange(n - 1, -1, -1)
    observed = np.bincount(codes, minlength=q**n)
    assert np.array_equal(configurations @ q ** np.arange(n - 1, -1, -1), np.arange(q**n))
    assert stats.chisquare(observed, expected).pvalue > 1e-3
    # the chains' pair statistics see the second coupling: J1 alone would be far off
    _, j1_weights = enumerated_log_weights(n, q, beta, couplings[:1], kernel)
    j1 = np.exp(j1_weights - j1_weights.max())
    assert stats.chisquare(observed, j1 * n_samples / j1.sum()).pvalue < 1e-10
    assert info["mcmc_burn_in_sweeps"] >= mcmc.MIN_BURN_IN
    assert info["mcmc_burn_in_sweeps"] >= mcmc.BURN_IN_TAUS * info[
        "mcmc_autocorrelation_time_sweeps"]


@pytest.mark.parametrize("phi", [0.0, 0.5, 0.9])
def test_autocorrelation_time_of_an_autoregressive_series(phi):
    """x_t = φ x_{t−1} + ε_t has ρ(t) = φ^t and τ = 1 + 2 Σ φ^t = (1 + φ)/(1 − φ)."""
    rng = np.random.default_rng(0)
    chains, length = 16, 20_000
    x = np.empty((chains, length))
    x[:, 0] = rng.normal(size=chains) / np.sqrt(1 - phi**2)
    noise = rng.normal(size=(chains, length))
    for t in range(1, length):
        x[:, t] = phi * x[:, t - 1] + noise[:, t]
    tau, window = data.autocorrelation_time(x)
    assert tau == pytest.approx((1 + phi) / (1 - phi), rel=0.05)
    assert window >= mcmc.WINDOW_C * tau
    assert data.autocorrelation_time(np.ones((2, 50))) == (1.0, 0)


def test_monte_carlo_is_deterministic_for_any_thread_count(tmp_path):
    args = dict(n_visible=20, q=7, beta=1.0, n_samples=700, seed=9, couplings=[1.0, 0.3])
    previous = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one, info_one = data.mcmc_chain(**args)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two, info_two = data.mcmc_chain(**args)
    finally:
        numba.set_num_threads(previous)
    np.testing.assert_array_equal(one, two)
    assert info_one == info_two
    assert one.dtype == np.int8 and one.shape == (700, 20) and set(np.unique(one)) <= set(range(7))
    other, _ = data.mcmc_chain(**{**args, "seed": 10})
    assert not np.array_equal(one, other)


def test_the_data_file_records_the_sampler_and_its_autocorrelation(tmp_path):
    spec = dict(model="xy", n_visible=16, beta=1.5, q=5, kernel="cosine", couplings=[1.0, 0.5],
                n_samples=300, n_test=50, seed=0)
    train, test, info = data.make_dataset(**spec, diagnostics=True)
    io.write_samples(train, test, tmp_path / "d.nc", spec, info)
    import xarray as xr

    with xr.open_dataset(tmp_path / "d.nc") as stored:
        assert stored.attrs["mcmc_burn_in_sweeps"] == info["mcmc_burn_in_sweeps"]
        assert stored.attrs["mcmc_autocorrelation_time_sweeps"] == pytest.approx(
            info["mcmc_autocorrelation_time_sweeps"])
        assert np.isfinite(stored.attrs["mcmc_autocorrelation_time_samples"])
        assert stored.attrs["mcmc_autocorrelation_time_samples"] == pytest.approx(
            info["mcmc_autocorrelation_time_samples"])
        assert list(stored.attrs["couplings"]) == [1.0, 0.5]
        np.testing.assert_array_equal(stored["train"].values, train)
    # train and test come from different chains
    assert not np.array_equal(train[:50], test)


@pytest.mark.parametrize("couplings, message", [
    ([1.0, float("nan")], r"couplings\[1\]: nan is not allowed; it must be a finite number"),
    ([1.0, "x"], r"couplings\[1\]: 'x' is not allowed"),
    ([1.0] * 8, r"a ring of 16 sites takes 1 to 7 couplings"),
    ([], r"a ring of 16 sites takes 1 to 7 couplings"),
    ("1.0", r"it must be a list of numbers"),
])
def test_bad_couplings_are_refused(couplings, message):
    with pytest.raises(ValueError, match=message):
        data.make_dataset("xy", 10, 0, 0, n_visible=16, beta=1.0, q=5, couplings=couplings)


def test_unknown_kernel_is_refused():
    with pytest.raises(ValueError, match="data.kernel: 'gauss' is not allowed; allowed: cosine, "
                                         "short_range"):
        data.make_dataset("xy", 10, 0, 0, n_visible=16, beta=1.0, q=5, kernel="gauss")
