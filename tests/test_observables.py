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
