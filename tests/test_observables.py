"""Place-field observables on profiles whose centre and width are known exactly."""

import numpy as np
import pytest

from rbmsweep import observables

N = 100


def bump(center, sigma, height=1.0, n=N):
    """A periodic Gaussian bump (sum over images, so it is smooth across the boundary)."""
    sites = np.arange(n)
    return height * sum(np.exp(-0.5 * ((sites - center + k * n) / sigma) ** 2) for k in (-1, 0, 1))


@pytest.mark.parametrize("center", [0.0, 3.3, 50.0, 97.6, 99.9])
def test_peak_center_is_the_bump_position_also_across_the_boundary(center):
    measured = observables.peak_center(bump(center, 4.0))
    distance = (measured - center + N / 2) % N - N / 2
    assert abs(distance) < 1e-6


@pytest.mark.parametrize("sigma", [2.0, 5.0, 9.0])
@pytest.mark.parametrize("center", [10.0, 50.3, 99.0])
def test_peak_width_is_the_gaussian_fwhm(sigma, center):
    expected = 2 * np.sqrt(2 * np.log(2)) * sigma
    assert observables.peak_width(bump(center, sigma)) == pytest.approx(expected, rel=0.01)


def test_negative_peak_is_oriented_and_measured():
    profile = -bump(30.0, 5.0, height=2.0)
    assert observables.peak_center(profile) == pytest.approx(30.0, abs=1e-6)
    assert observables.peak_width(profile) == pytest.approx(2.3548 * 5.0, rel=0.01)
    assert observables.order_parameter(profile) == pytest.approx(2.0 * 5.0 * np.sqrt(2 * np.pi), rel=1e-6)
    assert observables.weight_max(profile) == pytest.approx(2.0, rel=1e-6)


def test_profile_that_never_halves_has_no_width():
    profile = 1.0 + 0.1 * np.cos(2 * np.pi * np.arange(N) / N)
    assert np.isnan(observables.peak_width(profile))


def test_unwrap_follows_a_walk_across_the_boundary():
    true_path = np.cumsum(np.full(300, 0.7)) + 95.0  # crosses N = 100 twice
    wrapped = true_path % N
    np.testing.assert_allclose(observables.unwrap_centers(wrapped, N), true_path)


def test_low_mode_fraction_of_smooth_and_rough_profiles():
    # a pure k = 2 cosine lies entirely in the low modes; a k = 10 one not at all
    sites = np.arange(N)
    assert observables.low_mode_fraction(np.cos(2 * np.pi * 2 * sites / N)) == pytest.approx(1.0)
    assert observables.low_mode_fraction(np.cos(2 * np.pi * 10 * sites / N)) == pytest.approx(0.0, abs=1e-12)
    # white noise spreads evenly: about 5 of N modes
    noise = np.random.default_rng(0).normal(size=(200, N))
    mean = np.mean([observables.low_mode_fraction(row) for row in noise])
    assert mean == pytest.approx(5 / N, rel=0.15)
    # a broad bump is mostly low modes
    assert observables.low_mode_fraction(bump(40.0, 12.0)) > 0.9


# -- edge cases -------------------------------------------------------------------------------
def periodic(shape, center, n=N):
    """A bump ``shape(x)`` (x the offset from ``center``) summed over the ring's images."""
    sites = np.arange(n)
    return sum(shape(sites - center + k * n) for k in (-1, 0, 1))


@pytest.mark.parametrize("profile", [
    bump(0.0, 4.0),                            # symmetric about site 0: angle −0.0 or −1e-17
    -bump(0.0, 7.0),
    np.eye(N)[0],                              # a single site
    np.eye(N)[0] + 0.3 * np.eye(N)[1] + 0.3 * np.eye(N)[N - 1],
])
def test_peak_center_of_a_peak_at_site_zero_lies_in_zero_to_n(profile):
    center = observables.peak_center(profile)
    assert 0.0 <= center < N
    assert min(center, N - center) < 1e-9


@pytest.mark.parametrize("profile", [
    np.zeros(N), np.ones(N), np.full(N, -2.5), np.full(N, 1e-300),
    bump(25.0, 5.0) + bump(75.0, 5.0),         # two equal bumps half a ring apart: R = 0
    np.cos(2 * np.pi * 2 * np.arange(N) / N),  # no first harmonic
])
def test_peak_center_of_a_profile_without_first_harmonic_is_nan(profile):
    assert np.isnan(observables.peak_center(profile))


def test_peak_center_of_a_weak_but_genuine_harmonic_is_kept():
    # |R| / Σ|w| = 5e-4 / 2 here, far above the tolerance: the centre is defined and exact
    sites = np.arange(N)
    profile = 1.0 + 1e-3 * np.cos(2 * np.pi * (sites - 30.0) / N)
    assert observables.peak_center(profile) == pytest.approx(30.0, abs=1e-6)
    assert np.isnan(observables.peak_center(np.full(N, np.nan)))


def test_peak_width_of_the_zero_profile_and_a_single_spike_is_nan():
    assert np.isnan(observables.peak_width(np.zeros(N)))
    assert np.isnan(observables.peak_width(np.eye(N)[40]))       # one site: no width
    assert np.isnan(observables.peak_width(np.full(N, np.nan)))


def test_peak_width_of_noise_is_nan_for_nearly_every_seed():
    """i.i.d. Gaussian noise on 100 sites has no place field.  The criterion of
    ``is_localised`` lets 0.36 % of noise profiles through (20 000 seeds); the old width had a
    value for every one of them.  Over 2 000 seeds: at most 1 %."""
    noise = np.random.default_rng(7).normal(size=(2000, N))
    widths = np.array([observables.peak_width(row) for row in noise])
    assert np.mean(np.isfinite(widths)) < 0.01


def test_two_equal_bumps_have_no_width_but_a_dominant_one_keeps_its_own():
    sigma, fwhm = 4.0, 2 * np.sqrt(2 * np.log(2)) * 4.0
    assert np.isnan(observables.peak_width(bump(30.0, sigma) + bump(70.0, sigma)))
    # a smaller bump above half maximum elsewhere (another unit's place): the main one counts
    second = bump(30.0, sigma) + 0.6 * bump(70.0, sigma)
    assert observables.peak_width(second) == pytest.approx(fwhm, rel=0.01)


#: place-field shapes of height 1: name -> (shape(x, scale), inverse: level -> |x|)
SHAPES = {
    "sech": (lambda x, a: 1.0 / np.cosh(x / a), lambda level, a: a * np.arccosh(1.0 / level)),
    "gauss": (lambda x, s: np.exp(-0.5 * (x / s) ** 2),
              lambda level, s: s * np.sqrt(-2.0 * np.log(level))),
}


@pytest.mark.parametrize("kind, scale", [("sech", 2.0), ("sech", 4.0), ("sech", 7.0),
                                         ("gauss", 2.5), ("gauss", 5.0), ("gauss", 9.0)])
def test_peak_width_of_place_fields_with_small_noise_is_the_analytic_fwhm(kind, scale):
    """A sech or Gaussian bump of height 1 plus i.i.d. noise of s.d. ε = 0.002.

    Expected: the analytic width of the bump at half its largest lattice value h_s,
    2 x(h_s / 2) with sech(x/a) = y ⇔ x = a arccosh(1/y), exp(−x²/2σ²) = y ⇔ x = σ√(−2 ln y):
    for a peak on a site h_s = 1 and this is the FWHM, 2a arccosh 2 or 2σ√(2 ln 2); off a site the half level is lower (up to 2.7 % wider for sech(x/2) midway
    between sites).  Tolerance: the spline's interpolation error, 1e-3 of the width (3e-4
    measured without noise), plus 5 s.d. of the noise's effect (n_L + n_R − n_top)/|w'(x_½)|
    (the noise at the two crossings, and at the top, which sets the half level), whose s.d.
    is ≤ √3 ε/|w'(x_½)|.
    """
    shape, inverse = SHAPES[kind]
    fwhm = 2 * inverse(0.5, scale)
    epsilon, step = 0.002, 1e-6
    slope = 0.5 / (inverse(0.5 - step, scale) - inverse(0.5, scale)) * 2 * step  # |w'(x_½)|
    rng = np.random.default_rng(11)
    for center in (0.0, 17.4, 50.5, 99.2, 63.0):
        clean = periodic(lambda x: shape(x, scale), center)
        # on a site: the FWHM itself (the ring's images add < 1e-6 to the height)
        expected = fwhm if center == round(center) else 2 * inverse(clean.max() / 2, scale)
        tolerance = 1e-3 * expected + 5 * np.sqrt(3) * epsilon / slope
        for sign in (1, -1):
            profile = sign * (clean + epsilon * rng.normal(size=N))
            assert observables.is_localised(profile)
            assert abs(observables.peak_width(profile) - expected) < tolerance


def low_mode_fraction_direct(profile, max_wavenumber):
    """Σ_{|k| ≤ K} |ŵ_k|² / Σ_k |ŵ_k|², over the N modes k ∈ (−N/2, N/2] by the DFT sum."""
    n = len(profile)
    wavenumbers = np.arange(n) - (n - 1) // 2  # −⌈N/2⌉+1 ... ⌊N/2⌋: each mode once
    transform = np.exp(-2j * np.pi * np.outer(wavenumbers, np.arange(n)) / n) @ profile
    power = np.abs(transform) ** 2
    return np.sum(power[np.abs(wavenumbers) <= max_wavenumber]) / np.sum(power)


@pytest.mark.parametrize("n", [8, 9, 20, 21])
def test_low_mode_fraction_counts_every_mode_once(n):
    profiles = np.random.default_rng(n).normal(size=(5, n))
    for profile in profiles:
        for k in range(n // 2 + 2):
            assert observables.low_mode_fraction(profile, k) == pytest.approx(
                low_mode_fraction_direct(profile, k), rel=1e-12)
        # Parseval: all modes hold all of |w|²; for even N the Nyquist mode counts once
        assert observables.low_mode_fraction(profile, n // 2) == pytest.approx(1.0, rel=1e-12)
    nyquist = np.cos(np.pi * np.arange(n))  # (−1)^i: all in k = N/2 when N is even
    if n % 2 == 0:
        assert observables.low_mode_fraction(nyquist, n // 2) == pytest.approx(1.0, rel=1e-12)
        assert observables.low_mode_fraction(nyquist, n // 2 - 1) == pytest.approx(0.0, abs=1e-12)


def test_add_observables_maps_every_column_of_every_snapshot():
    """The xarray mapping of ``add_observables`` puts each column's observables at its own
    (epoch, hidden), whatever the order of the weights' dims; singular values per snapshot."""
    import xarray as xr

    rng = np.random.default_rng(3)
    weights = rng.normal(size=(4, N, 3)) * 0.1
    weights[:, :, 0] += bump(20.0, 4.0)[None, :]
    weights[2, :, 1] += -2 * bump(70.0, 6.0)
    run = xr.Dataset({"weights": (("epoch", "visible", "hidden"), weights)},
                     coords={"epoch": [0, 1, 5, 9], "hidden": [0, 1, 2]})
    run = observables.add_observables(run.transpose("hidden", "visible", "epoch"))
    for name, (function, long_name, units) in observables.PROFILE_OBSERVABLES.items():
        assert run[name].dims == ("epoch", "hidden")
        assert run[name].attrs == {"long_name": long_name, "units": units}
        expected = [[function(weights[e, :, m]) for m in range(3)] for e in range(4)]
        np.testing.assert_array_equal(run[name].values, expected)
    assert run["singular_values"].dims == ("epoch", "mode")
    np.testing.assert_allclose(run["singular_values"].values,
                               [np.linalg.svd(w, compute_uv=False) for w in weights], rtol=1e-12)
    np.testing.assert_array_equal(run["mode"].values, [0, 1, 2])


def test_spline_crossings_are_those_of_scipys_cubic_spline():
    """peak_width's own not-a-knot spline (no scipy.interpolate import in a training job):
    the roots nearest the middle on either side agree with CubicSpline(...).roots() on noisy
    bumps of every width, NaN where CubicSpline has no root on a side."""
    from scipy.interpolate import CubicSpline

    from rbmsweep.observables.ring import spline_crossings

    rng = np.random.default_rng(1)
    compared = 0
    for _ in range(500):
        n = int(rng.integers(8, 120))
        x = np.arange(n, dtype=np.float64)
        y = np.exp(-0.5 * ((x - n // 2) / rng.uniform(1, n / 3)) ** 2)
        y += rng.normal(0, rng.uniform(0, 0.3), n)
        values = y - y.max() / 2
        roots = CubicSpline(x, values).roots(extrapolate=False)
        left, right = roots[roots < n // 2], roots[roots > n // 2]
        expected = (left.max() if len(left) else np.nan, right.min() if len(right) else np.nan)
        got = spline_crossings(values, n // 2)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
        compared += np.isfinite(expected).sum()
    assert compared > 800
