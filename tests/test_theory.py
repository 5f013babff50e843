"""Tests of rbmsweep.theory (docs/physics.md §6-10).

Reference values are either closed forms (published or derived in the docstrings) or
independent brute-force computations (enumeration of all configurations, dense
eigensolvers, Monte Carlo).  The whole file runs in a few seconds.
"""

import itertools

import numpy as np
import pytest
from scipy import integrate, optimize

from rbmsweep import theory as th
from rbmsweep.theory import small_beta as sb

# ----------------------------------------------------------------------------------------
# helpers (independent of the module)
# ----------------------------------------------------------------------------------------


def brute_force_ising_correlation(n, beta):
    """<v_i v_j> by enumerating all 2^n configurations of the periodic ring."""
    v = np.array(list(itertools.product([-1, 1], repeat=n)), dtype=float)
    energy = beta * np.sum(v * np.roll(v, -1, axis=1), axis=1)
    p = np.exp(energy - energy.max())
    p /= p.sum()
    return (v * p[:, None]).T @ v


def brute_force_xy_correlation(n, beta, q):
    """One-hot, centred, unit-diagonal correlation by enumeration, index i*q+v."""
    s = np.array(list(itertools.product(range(q), repeat=n)))
    energy = beta * np.sum(np.cos(2 * np.pi * (s - np.roll(s, -1, axis=1)) / q), axis=1)
    p = np.exp(energy - energy.max())
    p /= p.sum()
    onehot = (s[:, :, None] == np.arange(q)).reshape(len(s), n * q).astype(float)
    mean = p @ onehot
    cov = (onehot * p[:, None]).T @ onehot - np.outer(mean, mean)
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


def peak_centre(w):
    """Circular mean of a peaked profile on the ring, sign fixed positive."""
    n = len(w)
    sign = np.sign(w[np.argmax(np.abs(w))])
    z = np.sum(sign * w * np.exp(2j * np.pi * np.arange(n) / n))
    return (np.angle(z) * n / (2 * np.pi)) % n


def ring_distance(a, b, n):
    d = abs(a - b) % n
    return min(d, n - d)


def lattice_fwhm(w):
    """FWHM of a single positive peak by linear interpolation of the half-height crossings."""
    w = np.roll(w, len(w) // 2 - np.argmax(w))
    half = w.max() / 2
    i = np.argmax(w)
    left = i
    while w[left - 1] > half:
        left -= 1
    right = i
    while w[right + 1] > half:
        right += 1
    xl = left - 1 + (half - w[left - 1]) / (w[left] - w[left - 1])
    xr = right + (w[right] - half) / (w[right] - w[right + 1])
    return xr - xl


# ----------------------------------------------------------------------------------------
# Marchenko-Pastur, BBP
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.1, 0.5, 2.0])
def test_marchenko_pastur_density_normalisation(alpha):
    lo, hi = th.marchenko_pastur_edges(alpha)
    mass, _ = integrate.quad(th.marchenko_pastur_density, lo, hi, args=(alpha,), limit=200)
    assert mass == pytest.approx(min(1.0, 1.0 / alpha), rel=1e-6)
    mean, _ = integrate.quad(lambda x: x * th.marchenko_pastur_density(x, alpha), lo, hi)
    assert mean == pytest.approx(1.0, rel=1e-6)  # tr(S)/N = 1 (zero atom adds nothing)
    assert th.marchenko_pastur_density(hi * 1.01, alpha) == 0.0


def test_bbp_continuous_at_threshold():
    alpha = np.array([0.1, 0.5, 1.0, 3.0])
    thr = 1 + np.sqrt(alpha)
    np.testing.assert_allclose(th.bbp_top_eigenvalue(thr * (1 + 1e-9), alpha), thr**2, rtol=1e-7)
    np.testing.assert_allclose(th.bbp_top_eigenvalue(thr * 0.9, alpha), thr**2)
    # BBP threshold in beta: the infinite-chain signal eigenvalue equals 1 + sqrt(alpha)
    np.testing.assert_allclose(np.exp(2 * th.bbp_threshold_beta(alpha)), thr)
    np.testing.assert_allclose(np.exp(2 * th.crossover_beta_paper(alpha)), thr**2)


# ----------------------------------------------------------------------------------------
# Ising correlations and spectrum
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [0.1, 0.5, 1.0, -0.7])
def test_ising_correlation_matrix_brute_force(beta):
    np.testing.assert_allclose(
        th.ising_correlation_matrix(8, beta), brute_force_ising_correlation(8, beta), atol=1e-12
    )


def test_ising_correlation_length():
    assert th.ising_correlation_length(1.0) == pytest.approx(3.67, abs=0.005)  # 1 / ln coth 1
    assert th.ising_correlation_length(0.0) == 0.0
    r = np.arange(1, 6)
    np.testing.assert_allclose(
        th.ising_correlation(r, 0.8), np.exp(-r / th.ising_correlation_length(0.8)), rtol=1e-12
    )


@pytest.mark.parametrize("beta", [0.05, 0.3, 1.0, 2.0])
@pytest.mark.parametrize("n", [5, 20, 100])
def test_ising_signal_eigenvalue_is_top_eigenvalue(beta, n):
    top = np.linalg.eigvalsh(th.ising_correlation_matrix(n, beta))[-1]
    assert th.ising_signal_eigenvalue(beta, n) == pytest.approx(top, rel=1e-10)
    # the sum over r of C(r), i.e. the closed form of eq. 25 with (1 + t)/(1 - t)
    t = np.tanh(beta)
    assert th.ising_signal_eigenvalue(beta, n) == pytest.approx(
        (1 + t) / (1 - t) * (1 - t**n) / (1 + t**n), rel=1e-9
    )
    assert th.ising_signal_eigenvalue(beta) == pytest.approx(np.exp(2 * beta))


@pytest.mark.parametrize("beta", [0.3, 1.0])
def test_ising_population_eigenvalues(beta):
    n = 64
    exact = th.ising_population_eigenvalues(beta, n)
    np.testing.assert_allclose(
        np.sort(exact), np.linalg.eigvalsh(th.ising_correlation_matrix(n, beta)), atol=1e-11
    )
    # closed form of the circulant's eigenvalues (theory.ising_population_eigenvalues doc)
    t = np.tanh(beta)
    k = 2 * np.pi * np.arange(n) / n
    closed = (1 - t**2) / (1 - 2 * t * np.cos(k) + t**2) * (1 - t**n) / (1 + t**n)
    np.testing.assert_allclose(exact, closed, rtol=1e-11)
    # the N -> inf formula approaches the exact eigenvalues as N grows: the largest
    # difference is at k = 0, exp(2 beta) * 2 t^N / (1 + t^N)
    for size in [4, 8, 16, 32, 64]:
        diff = th.ising_population_eigenvalues(beta, size, exact=False) - (
            th.ising_population_eigenvalues(beta, size)
        )
        bound = np.exp(2 * beta) * 2 * t**size / (1 + t**size)
        assert np.max(np.abs(diff)) == pytest.approx(bound, rel=1e-8, abs=1e-13)


# ----------------------------------------------------------------------------------------
# Silverstein equation
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.05, 0.3, 1.0, 2.5])
def test_silverstein_identity_population_gives_mp_edge(alpha):
    lo, hi = th.marchenko_pastur_edges(alpha)
    assert th.top_sample_eigenvalue(np.ones(10), alpha) == pytest.approx(hi, rel=1e-10)
    (comp,) = th.sample_spectrum_support(np.ones(10), alpha)
    assert comp[0] == pytest.approx(lo, abs=1e-10)
    assert comp[1] == pytest.approx(hi, rel=1e-10)
    assert comp[2] == pytest.approx(min(1, 1 / alpha))


def test_silverstein_scaled_and_vectorised():
    alpha = np.array([0.2, 0.7])
    np.testing.assert_allclose(
        th.top_sample_eigenvalue(np.full(7, 2.5), alpha),
        2.5 * (1 + np.sqrt(alpha)) ** 2,
        rtol=1e-10,
    )


@pytest.mark.parametrize("spike, alpha", [(3.0, 0.5), (2.5, 1.0), (10.0, 2.0)])
def test_silverstein_single_spike_converges_to_bbp(spike, alpha):
    """A spike of weight w over unit eigenvalues: its cluster's right edge exceeds the BBP
    value by O(sqrt(w)) (the cluster has width ~ sqrt(w)); check the limit and the rate."""
    bbp = th.bbp_top_eigenvalue(spike, alpha)
    assert spike > 1 + np.sqrt(alpha)
    excess = []
    for w in [1e-4, 1e-6, 1e-8, 1e-10]:
        top = th.top_sample_eigenvalue([spike, 1.0], alpha, weights=[w, 1 - w])
        excess.append(top / bbp - 1)
    excess = np.array(excess)
    assert np.all(excess > 0)
    # sqrt(w) scaling: each factor 100 in w divides the excess by 10 (to 2 %)
    np.testing.assert_allclose(excess[:-1] / excess[1:], 10.0, rtol=0.02)
    assert excess[-1] < 1e-4  # w = 1e-10: within 1e-4 of BBP, i.e. O(sqrt(w))
    # the bulk option ignores the outlier cluster
    assert th.top_sample_eigenvalue(
        [spike, 1.0], alpha, weights=[1e-6, 1 - 1e-6], outliers="bulk"
    ) == pytest.approx((1 + np.sqrt(alpha)) ** 2, rel=1e-5)
    comps = th.sample_spectrum_support([spike, 1.0], alpha, weights=[1e-6, 1 - 1e-6])
    assert len(comps) == 2 and comps[-1][2] == pytest.approx(1e-6)
    # N-1 unit eigenvalues and one spike, equal weights, N = 10^6: excess O(N^-1/2)
    pop = np.ones(1_000_000)
    pop[0] = spike
    assert th.top_sample_eigenvalue(pop, alpha) == pytest.approx(bbp, rel=3e-3)


@pytest.mark.parametrize("alpha", [0.25, 1.0])
def test_silverstein_spike_below_threshold_gives_bulk_edge(alpha):
    spike = 0.9 * (1 + np.sqrt(alpha))
    top = th.top_sample_eigenvalue([spike, 1.0], alpha, weights=[1e-8, 1 - 1e-8])
    assert top == pytest.approx((1 + np.sqrt(alpha)) ** 2, rel=1e-6)
    assert len(th.sample_spectrum_support([spike, 1.0], alpha, weights=[1e-8, 1 - 1e-8])) == 1


def test_silverstein_separated_population_clusters():
    """Two well separated population eigenvalues at small alpha: two components, each with
    half the weight and the edges of a scaled MP law at ratio alpha/2 (exact in this limit
    only approximately, so compare loosely)."""
    comps = th.sample_spectrum_support([1.0, 10.0], 0.01)
    assert len(comps) == 2
    assert [c[2] for c in comps] == pytest.approx([0.5, 0.5])
    for (lo, hi, _), tau in zip(comps, [1.0, 10.0]):
        assert lo == pytest.approx(tau * (1 - np.sqrt(0.005)) ** 2, rel=0.02)
        assert hi == pytest.approx(tau * (1 + np.sqrt(0.005)) ** 2, rel=0.02)
    top = th.top_sample_eigenvalue([1.0, 10.0], 0.01)
    assert top == comps[1][1]
    assert th.top_sample_eigenvalue([1.0, 10.0], 0.01, outliers="bulk", min_weight=0.4) == top
    assert np.isnan(th.top_sample_eigenvalue([1.0, 10.0], 0.01, outliers="bulk", min_weight=0.6))


def test_sample_spectrum_density():
    for alpha in [0.3, 2.0]:
        x = np.linspace(0.0, 7.0, 29)
        np.testing.assert_allclose(
            th.sample_spectrum_density(np.ones(3), alpha, x),
            th.marchenko_pastur_density(x, alpha),
            atol=1e-6,
        )
    # an Ising band: unit mass, support ending at top_sample_eigenvalue
    pop = th.ising_population_eigenvalues(0.5, 40)
    x = np.linspace(0.0, 6.0, 1201)
    rho = th.sample_spectrum_density(pop, 0.5, x)
    assert np.trapezoid(rho, x) == pytest.approx(1.0, abs=2e-3)
    assert x[rho > 1e-6].max() == pytest.approx(th.top_sample_eigenvalue(pop, 0.5), abs=0.01)


def test_top_sample_eigenvalue_monte_carlo_ising():
    """Gaussian data with the Ising population covariance, N = 400, alpha = 0.5, beta = 0.3.

    Prediction 3.55; MP edge 2.91 and BBP-with-the-signal-eigenvalue 2.93 are both far off
    (the band, not one spike, sets the edge).  The finite-N top eigenvalue sits below the
    edge by the Tracy-Widom shift, about -1.2 sigma_TW with sigma_TW ~ N^(-2/3) (measured:
    -0.07 at N = 400, -0.03 at N = 1000), so the tolerance is 4 %.
    """
    n_visible, alpha, beta = 400, 0.5, 0.3
    n_samples = int(n_visible / alpha)
    chol = np.linalg.cholesky(th.ising_correlation_matrix(n_visible, beta))
    rng = np.random.default_rng(0)
    tops = []
    for _ in range(4):
        x = rng.standard_normal((n_samples, n_visible)) @ chol.T
        tops.append(np.linalg.eigvalsh(x.T @ x / n_samples)[-1])
    measured = np.mean(tops)
    pop = th.ising_population_eigenvalues(beta, n_visible)
    predicted = th.top_sample_eigenvalue(pop, alpha)
    assert measured == pytest.approx(predicted, rel=0.04)
    assert measured < predicted  # the Tracy-Widom mean shift is negative
    mp = th.marchenko_pastur_edges(alpha)[1]
    bbp = th.bbp_top_eigenvalue(th.ising_signal_eigenvalue(beta, n_visible), alpha)
    assert abs(measured - mp) > 0.15 * measured and abs(measured - bbp) > 0.15 * measured
    # the infinite-N band gives the same curve (the finite-N factor is 1 - O(t^N))
    pop_inf = th.ising_population_eigenvalues(beta, 4000, exact=False)
    assert th.top_sample_eigenvalue(pop_inf, alpha) == pytest.approx(predicted, rel=1e-4)


# ----------------------------------------------------------------------------------------
# XY / Potts
# ----------------------------------------------------------------------------------------


def test_xy_lambdas():
    beta, q = 1.3, 7
    lam = th.xy_lambdas(beta, q)
    kernel = np.exp(beta * np.cos(2 * np.pi * np.arange(q) / q))
    transfer = kernel[(np.arange(q)[:, None] - np.arange(q)[None, :]) % q]
    np.testing.assert_allclose(np.sort(lam), np.linalg.eigvalsh(transfer), rtol=1e-12)
    assert np.all(lam > 0) and np.argmax(lam) == 0


@pytest.mark.parametrize("n, q, beta", [(4, 3, 1.0), (4, 3, 0.3), (5, 4, 1.5), (3, 5, 2.0)])
def test_xy_correlation_matrix_brute_force(n, q, beta):
    np.testing.assert_allclose(
        th.xy_correlation_matrix(n, beta, q), brute_force_xy_correlation(n, beta, q), atol=1e-12
    )


def test_xy_correlation_limits():
    # q = 2 Potts is the Ising ring with the same beta: C = C_ising(r) (-1)^(v - v')
    n, beta = 9, 0.7
    c = th.xy_correlation_matrix(n, beta, 2).reshape(n, 2, n, 2)
    ising = th.ising_correlation_matrix(n, beta)
    np.testing.assert_allclose(c[:, 0, :, 0], ising, atol=1e-13)
    np.testing.assert_allclose(c[:, 0, :, 1], -ising, atol=1e-13)
    # a long ring approaches the paper's infinite-chain form (eq. 27)
    r, d = np.arange(6)[:, None], np.arange(5)[None, :]
    np.testing.assert_allclose(
        th.xy_correlation(r, d, 1.0, 5, n_visible=200), th.xy_correlation(r, d, 1.0, 5), atol=1e-12
    )


def test_xy_signal_eigenvalue_is_top_eigenvalue():
    beta, q, n = 1.5, 5, 60
    evals = np.linalg.eigvalsh(th.xy_correlation_matrix(n, beta, q))
    lam = th.xy_lambdas(beta, q)
    finite_size = (lam[1] / lam[0]) ** n  # corrections are O(rho_1^N), here ~1e-3
    assert evals[-1] == pytest.approx(th.xy_signal_eigenvalue(beta, q), rel=10 * finite_size)
    assert evals[-1] == pytest.approx(evals[-2], rel=1e-10)  # doubly degenerate
    assert th.xy_signal_eigenvalue(beta, q, n_visible=n) == pytest.approx(evals[-1], rel=1e-10)
    assert th.xy_signal_eigenvalue(beta, q, n_visible=600) == pytest.approx(
        th.xy_signal_eigenvalue(beta, q), rel=1e-12
    )
    pop = th.xy_population_eigenvalues(beta, q, n)
    np.testing.assert_allclose(np.sort(pop.ravel()), evals, atol=1e-10)
    np.testing.assert_allclose(pop[:, 0], 0.0, atol=1e-10)  # centred one-hot: rank N(q-1)


def test_xy_noise_edge_at_beta_zero_follows_mp():
    """Independent uniform Potts sites (beta = 0), N = 100, q = 5, 1000 samples (alpha = 0.1):
    the top eigenvalue of the empirical correlation (one-hot, centred, unit diagonal) follows
    q/(q-1) (1 + sqrt(alpha (q-1)))^2 = 3.33, not the printed q/(q-1) + (1 + sqrt(alpha q))^2
    = 4.16.  Tolerance 4 %: Tracy-Widom shift and the empirical normalisation."""
    n, q, n_samples = 100, 5, 1000
    alpha = n / n_samples
    rng = np.random.default_rng(1)
    tops = []
    for _ in range(3):
        s = rng.integers(0, q, size=(n_samples, n))
        x = (s[:, :, None] == np.arange(q)).reshape(n_samples, n * q).astype(float)
        x -= x.mean(axis=0)
        cov = x.T @ x / n_samples
        sd = np.sqrt(np.diag(cov))
        tops.append(np.linalg.eigvalsh(cov / np.outer(sd, sd))[-1])
    measured = np.mean(tops)
    assert measured == pytest.approx(th.xy_noise_edge_mp(alpha, q), rel=0.04)
    assert abs(measured - th.xy_noise_edge_paper(alpha, q)) > 0.15 * measured
    # the Silverstein solver with the beta = 0 population says the same
    pop = np.concatenate([np.full(n * (q - 1), q / (q - 1)), np.zeros(n)])
    assert th.top_sample_eigenvalue(pop, n * q / n_samples) == pytest.approx(
        th.xy_noise_edge_mp(alpha, q), rel=1e-10
    )


@pytest.mark.parametrize("beta, q, n", [(0.0, 3, 10), (0.0, 10, 20), (0.3, 5, 20), (1.0, 5, 20),
                                        (1.5, 10, 30)])
def test_xy_population_spectrum_goes_into_the_silverstein_solver(beta, q, n):
    """The 2D FFT leaves round-off where eigenvalues are exactly 0 (the p = 0 modes, measured
    down to -2e-15) and between degenerate partners; fed to top_sample_eigenvalue that used
    to raise ("population eigenvalues must be >= 0"), and positive round-off made
    sample_spectrum_support report a spurious component near 1e-16.  Reference: the dense
    spectrum of xy_correlation_matrix with its N zero modes set to 0 here."""
    pop = th.xy_population_eigenvalues(beta, q, n)
    dense = np.linalg.eigvalsh(th.xy_correlation_matrix(n, beta, q))
    np.testing.assert_allclose(np.sort(pop.ravel()), dense, atol=1e-10)
    assert np.all(pop[:, 0] == 0.0) and np.all(pop[:, 1:] > 0.0)
    reference = np.concatenate([np.zeros(n), dense[n:]])  # rank N (q - 1)
    n_samples = 1000
    alpha = n * q / n_samples  # the one-hot matrix's ratio
    top = th.top_sample_eigenvalue(pop.ravel(), alpha)
    assert top == pytest.approx(th.top_sample_eigenvalue(reference, alpha), rel=1e-10)
    components = th.sample_spectrum_support(pop.ravel(), alpha)
    assert sum(c[2] for c in components) == pytest.approx((q - 1) / q)  # zero modes: the atom
    assert components[0][0] > 0.1  # no component made of round-off
    if beta == 0.0:  # one eigenvalue q/(q-1) of weight (q-1)/q: a scaled MP law
        assert top == pytest.approx(th.xy_noise_edge_mp(n / n_samples, q), rel=1e-10)


def test_population_spectrum_that_is_not_a_covariance_raises():
    with pytest.raises(ValueError, match=">= 0"):
        th.top_sample_eigenvalue([2.0, 1.0, -1e-3], 0.5)
    with pytest.raises(ValueError, match="finite"):
        th.top_sample_eigenvalue([2.0, np.nan], 0.5)


# ----------------------------------------------------------------------------------------
# small-beta dynamics
# ----------------------------------------------------------------------------------------


def test_rhs_definitions():
    rng = np.random.default_rng(3)
    w = rng.standard_normal((12, 2))
    # eqs. 49-50 written term by term
    expected = np.empty_like(w)
    for mu, nu in [(0, 1), (1, 0)]:
        a, b = w[:, mu], w[:, nu]
        expected[:, mu] = (
            np.roll(a, -1) + np.roll(a, 1) - a * np.sum(a**2) + a**3 + a * b**2 - b * np.sum(a * b)
        )
    np.testing.assert_allclose(th.two_unit_rhs(w), expected, rtol=1e-12)
    # eq. 36 is the M = 1 case, and a zero second unit decouples
    one = th.one_unit_rhs(w[:, 0])
    a = w[:, 0]
    np.testing.assert_allclose(
        one, np.roll(a, -1) + np.roll(a, 1) - a * np.sum(a**2) + a**3, rtol=1e-12
    )
    w0 = w.copy()
    w0[:, 1] = 0
    np.testing.assert_allclose(th.two_unit_rhs(w0)[:, 0], th.one_unit_rhs(w0[:, 0]), rtol=1e-12)
    # M units: pairwise sum of the two-unit couplings
    w3 = rng.standard_normal((10, 3))
    rhs3 = th.small_beta_rhs(w3)
    for mu in range(3):
        a = w3[:, mu]
        exp = np.roll(a, -1) + np.roll(a, 1) - a * np.sum(a**2) + a**3
        for nu in set(range(3)) - {mu}:
            b = w3[:, nu]
            exp = exp + a * b**2 - b * np.sum(a * b)
        np.testing.assert_allclose(rhs3[:, mu], exp, rtol=1e-12)
    # continuum with dx = 1 is the lattice equation; dx != 1 matches its definition
    np.testing.assert_allclose(th.continuum_rhs(a, 1.0), th.one_unit_rhs(a), rtol=1e-12)
    dx = 0.3
    lap = (np.roll(a, 1) + np.roll(a, -1) - 2 * a) / dx**2
    np.testing.assert_allclose(
        th.continuum_rhs(a, dx), lap + (2 - dx * np.sum(a**2)) * a + a**3, rtol=1e-12
    )
    np.testing.assert_allclose(
        th.continuum_rhs(w3[:, :1], dx)[:, 0], th.continuum_rhs(w3[:, 0], dx), rtol=1e-12
    )
    np.testing.assert_allclose(th.continuum_rhs(w3, 1.0), th.small_beta_rhs(w3), rtol=1e-12)


@pytest.mark.parametrize("m, h", [(1, 0.1), (2, 1.0), (3, 0.5)])
def test_integrator_jacobian_and_augmented_rhs(m, h):
    """The integrator carries G = h W^T W as state: on that manifold its W equation is
    continuum_rhs, and its sparse Jacobian matches finite differences (also off it)."""
    from scipy import sparse

    n = 9
    rng = np.random.default_rng(4)
    w = rng.standard_normal((n, m))
    on = np.concatenate([w.ravel(), (h * w.T @ w).ravel()])
    np.testing.assert_allclose(
        sb._augmented_rhs(on, n, m, h)[: n * m], th.continuum_rhs(w, h).ravel(), rtol=1e-12
    )
    wdot = th.continuum_rhs(w, h)  # and G follows d(h W^T W)/dt
    np.testing.assert_allclose(
        sb._augmented_rhs(on, n, m, h)[n * m :], (h * (wdot.T @ w + w.T @ wdot)).ravel(), rtol=1e-10
    )
    y = on + np.concatenate([np.zeros(n * m), 0.1 * rng.standard_normal(m * m)])
    lap = np.roll(np.eye(n), 1, axis=1) + np.roll(np.eye(n), -1, axis=1) - 2 * np.eye(n)
    lap_kron = sparse.csr_matrix(np.kron(lap / h**2, np.eye(m)))
    jac = sb._augmented_jacobian(y, n, m, h, lap_kron).toarray()
    step = 1e-6
    fd = np.empty_like(jac)
    for k in range(len(y)):
        e = np.zeros(len(y))
        e[k] = step
        fd[:, k] = (sb._augmented_rhs(y + e, n, m, h) - sb._augmented_rhs(y - e, n, m, h)) / (
            2 * step
        )
    np.testing.assert_allclose(jac, fd, atol=1e-7 * np.abs(jac).max())


def test_stationary_profile_closed_form():
    b = th.stationary_b()
    assert b == pytest.approx(4 * np.sqrt(b - 2), rel=1e-14)  # eq. 44, b = 4 sqrt(b - 2)
    assert b == pytest.approx(2.3431, abs=1e-4)
    x = np.linspace(-40, 40, 80001)
    w = th.stationary_profile(x)
    assert np.trapezoid(w**2, x) == pytest.approx(b, rel=1e-9)  # b = int w^2 (eq. 38)
    assert th.profile_height() == pytest.approx(w.max(), rel=1e-12)
    assert th.profile_height() == pytest.approx(2 * np.sqrt(2) - 2, rel=1e-12)
    above = x[w >= w.max() / 2]
    assert above[-1] - above[0] == pytest.approx(th.profile_fwhm(), abs=2e-3)
    # it solves the stationary equation w'' + (2 - b) w + w^3 = 0
    dx = x[1] - x[0]
    resid = th.continuum_rhs(w, dx)
    assert np.max(np.abs(resid[1:-1])) < 1e-6


def lattice_rhs(w):
    """Eq. 36 written out: dw_i/dt = w_{i+1} + w_{i-1} - w_i sum_k w_k^2 + w_i^3."""
    return np.roll(w, 1) + np.roll(w, -1) - w * np.sum(w**2) + w**3


def test_continuum_settles_on_closed_form_to_second_order_in_dx():
    """Eqs. 37-38 on a ring of length 40 from small random weights, at dx = 0.1 (the study's
    grid) and 0.05, against the closed form eq. 43 centred on the peak's circular mean.  The
    3-point Laplacian's truncation error (dx^2/12) d4w/dx4 makes the stationary grid profile
    differ from the closed form by O(dx^2): measured max |w - closed form| = 0.051 dx^2 at
    dx = 0.2, 0.1, 0.05 and b - (8 - 4 sqrt 2) = 0.032 dx^2 (the ring's finite length adds
    only ~ 2 w(0) exp(-(2 - sqrt 2) 20) ~ 1e-5).  Asserted: second order (the error ratio
    between the two grids is 4) with those coefficients to 20 %."""
    length, errors = 40.0, []
    for n in (400, 800):
        dx = length / n
        t, w = th.integrate_small_beta(n, dx=dx, continuum=True, t_max=500.0, n_times=2, seed=0)
        final = w[-1]
        assert t[-1] == 500.0 and w.shape == (2, n)
        assert np.linalg.norm(th.continuum_rhs(final, dx)) < 1e-8  # stationary
        final = np.sign(final[np.argmax(np.abs(final))]) * final
        x = (np.arange(n) - peak_centre(final)) * dx
        x = (x + length / 2) % length - length / 2
        errors.append(np.max(np.abs(final - th.stationary_profile(x))))
        assert errors[-1] < 1.2 * 0.051 * dx**2
        assert abs(dx * np.sum(final**2) - th.stationary_b()) < 1.2 * 0.032 * dx**2
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.05)


def test_lattice_settles_on_the_stationary_peak_of_eq_36():
    """Eq. 36 on N = 100 sites from small random weights, against (1) an independent
    integration of the lattice ODE written above, explicit DOP853 at rtol 1e-12 from the same
    start: integrate_small_beta runs implicit BDF at rtol 1e-8, atol 1e-11, measured 9e-9 from
    it along the whole trajectory, so 1e-7; and (2) the root of the stationary condition
    found by scipy.optimize.root from the closed form eq. 43 placed on the peak's site."""
    n, seed, t_max = 100, 1, 500.0
    t, w = th.integrate_small_beta(n, t_max=t_max, n_times=3, seed=seed)
    w0 = 0.01 * np.random.default_rng(seed).standard_normal(n)
    reference = integrate.solve_ivp(lambda _t, y: lattice_rhs(y), (0.0, t_max), w0,
                                    method="DOP853", t_eval=t, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(w, reference.y.T, atol=1e-7)
    final = w[-1] * np.sign(w[-1][np.argmax(np.abs(w[-1]))])
    x = (np.arange(n) - np.argmax(final) + n // 2) % n - n // 2
    stationary = optimize.root(lattice_rhs, th.stationary_profile(x))
    assert stationary.success
    np.testing.assert_allclose(final, stationary.x, atol=1e-7)
    assert np.sum(final > final.max() / 2) < 10  # localised: a place field, not uniform


def test_two_units_form_separate_peaks():
    """Eqs. 49-50, N = 100: two peaks form and settle without merging.  Measured final
    separations for seeds 0-3: 18.9, 28.4, 47.7, 24.1 sites (any separation above ~ a peak
    width is stationary on the lattice, as the paper says).  Assert > 2 FWHM."""
    n = 100
    t, w = th.integrate_small_beta(n, n_units=2, t_max=800.0, n_times=5, seed=0)
    final = w[-1]
    assert w.shape == (5, n, 2)
    assert np.linalg.norm(th.two_unit_rhs(final)) < 1e-6
    widths = []
    for mu in range(2):
        u = final[:, mu] * np.sign(final[np.argmax(np.abs(final[:, mu])), mu])
        assert np.sum(u**2) == pytest.approx(th.stationary_b(), rel=0.05)
        assert u.max() > 0.6
        widths.append(lattice_fwhm(u))
    centres = [peak_centre(final[:, mu]) for mu in range(2)]
    separation = ring_distance(centres[0], centres[1], n)
    assert separation > 2 * max(widths)
    overlap = abs(final[:, 0] @ final[:, 1]) / np.sum(final[:, 0] ** 2)
    assert overlap < 1e-2


def test_integrate_small_beta_reproducible_and_seeded():
    a = th.integrate_small_beta(20, t_max=5.0, n_times=3, seed=7)[1]
    b = th.integrate_small_beta(20, t_max=5.0, n_times=3, seed=7)[1]
    c = th.integrate_small_beta(20, t_max=5.0, n_times=3, seed=8)[1]
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    w0 = 0.01 * np.random.default_rng(7).standard_normal(20)
    np.testing.assert_allclose(a[0], w0, rtol=1e-12)


# ----------------------------------------------------------------------------------------
# Gaussian-Gaussian RBM modes
# ----------------------------------------------------------------------------------------


def test_gaussian_mode_dynamics():
    s2 = np.array([0.5, 0.9, 2.0, 4.0])
    sigma_v, sigma_h = 1.0, 0.8
    fixed = th.gaussian_mode_fixed_point(s2, sigma_v, sigma_h)
    assert fixed[0] == 0.0 and fixed[1] == 0.0
    np.testing.assert_allclose(
        th.gaussian_mode_rhs(fixed[2:], s2[2:], sigma_v, sigma_h), 0.0, atol=1e-12
    )
    sol = integrate.solve_ivp(
        lambda t, w: th.gaussian_mode_rhs(w, s2, sigma_v, sigma_h),
        (0, 200),
        np.full(4, 0.01),
        rtol=1e-10,
        atol=1e-12,
    )
    np.testing.assert_allclose(sol.y[:, -1], fixed, atol=1e-6)
