"""The Langevin prediction of the diffusion coefficient (docs/physics.md §17.2) against a
synthetic stochastic-gradient walk in a known translation-invariant potential, and the
translation-mode tools it is built from (rbmsweep.observables.translation)."""

import numpy as np
import pytest

from rbmsweep import theory
from rbmsweep.observables import orient, peak_center, unwrap_centers
from rbmsweep.observables.translation import (aligned_mean_profile, matched_center,
                                              shift_profile, translation_mode)
from rbmsweep.studies.langevin import model_samples

N_SITES = 64


def bump(n_sites=N_SITES, center=20.3, width=4.0):
    x = np.arange(n_sites)
    distance = (x - center + n_sites / 2) % n_sites - n_sites / 2
    return 1.0 / np.cosh(distance / width)


def test_shift_is_a_roll_for_whole_sites_and_moves_the_circular_mean_exactly():
    profile = bump()
    np.testing.assert_allclose(shift_profile(profile, 7), np.roll(profile, 7), atol=1e-12)
    moved = shift_profile(profile, 3.37)
    assert abs(peak_center(moved) - (peak_center(profile) + 3.37)) < 1e-9


def test_translation_mode_is_the_derivative_of_the_shift():
    profile = bump()
    h = 1e-5
    numeric = (shift_profile(profile, h) - shift_profile(profile, -h)) / (2 * h)
    np.testing.assert_allclose(translation_mode(profile), numeric, atol=1e-8)
    # a cosine's: d/dx0 cos(2π(i − x0)/N) = (2π/N) sin(2π(i − x0)/N)
    i = np.arange(N_SITES)
    np.testing.assert_allclose(translation_mode(np.cos(2 * np.pi * i / N_SITES)),
                               2 * np.pi / N_SITES * np.sin(2 * np.pi * i / N_SITES), atol=1e-12)


def test_matched_center_recovers_the_shift_of_a_noisy_profile():
    template = bump(center=0.0)
    rng = np.random.default_rng(0)
    for shift in (0.0, 13.6, 40.25, 63.9):
        exact = shift_profile(template, shift)
        assert abs((matched_center(exact, template) - shift + 32) % 64 - 32) < 1e-8
        noisy = exact + 0.05 * rng.normal(size=N_SITES)
        assert abs((matched_center(noisy, template) - shift + 32) % 64 - 32) < 0.3
    assert np.isnan(matched_center(np.full(N_SITES, np.nan), template))
    profiles = [shift_profile(template, s) for s in (3.0, 17.5, 50.2)]
    # exact but for the Nyquist mode of an even ring, which no fractional shift keeps real
    # (the bump's is 1e-6 of its height)
    nyquist = abs(np.fft.fft(template)[N_SITES // 2]) / N_SITES
    np.testing.assert_allclose(aligned_mean_profile(profiles, [3.0, 17.5, 50.2]), template,
                               atol=1e-12 + 2 * nyquist)


def test_exact_model_samples_have_the_rbm_moments():
    rng = np.random.default_rng(1)
    weights = rng.normal(0, 0.5, size=(6, 2))
    fields, hidden = rng.normal(0, 0.3, size=6), rng.normal(0, 0.3, size=2)
    samples = model_samples(weights, fields, hidden, "spin", "spin", 200_000, seed=3)
    # the same moments by enumerating all 2^6 × 2^2 configurations
    v = np.array(np.meshgrid(*[[-1.0, 1.0]] * 6)).reshape(6, -1).T
    h = np.array(np.meshgrid(*[[-1.0, 1.0]] * 2)).reshape(2, -1).T
    energy = (v @ weights) @ h.T + (v @ fields)[:, None] + (h @ hidden)[None, :]
    p = np.exp(energy - energy.max())
    p_v = (p / p.sum()).sum(axis=1)
    np.testing.assert_allclose(samples.mean(0), p_v @ v, atol=0.01)
    np.testing.assert_allclose(samples.T @ samples / len(samples), (v * p_v[:, None]).T @ v,
                               atol=0.01)


WALK_SITES = 32


def langevin_walk(n_walkers=400, n_steps=16_000, learning_rate=0.05, batch_size=4, n_chains=2,
                  stiffness=6.0, amplitude=1.0, record_every=50, seed=0, n_sites=WALK_SITES):
    """Stochastic gradient ascent w += ν (F(w) + mean of B data gradients − mean of n_c chain
    gradients) in a potential whose minima are the cosines A cos(2π(i − x)/N), every x: F pulls
    w back onto the nearest one (F = −κ (w − A cos(2π(i − x(w))/N)), x(w) the phase of the
    first harmonic), so that only the noise moves x.  The per-sample gradients are Gaussian with
    circulant covariances (the data's an Ising-like t^|r|, the chains' 0.5 t'^|r|); the mean of
    B of them is drawn as one Gaussian of covariance C/B (the same law)."""
    rng = np.random.default_rng(seed)
    i = np.arange(n_sites)
    r = np.minimum(i, n_sites - i)
    data_covariance = 0.6 ** r[np.subtract.outer(i, i) % n_sites]
    chain_covariance = 0.5 * 0.3 ** r[np.subtract.outer(i, i) % n_sites]
    data_root, chain_root = np.linalg.cholesky(data_covariance), np.linalg.cholesky(chain_covariance)
    # one draw of the update's noise: data mean minus chain mean
    noise_root = np.linalg.cholesky(data_covariance / batch_size + chain_covariance / n_chains)
    start = rng.uniform(0, n_sites, size=n_walkers)
    w = amplitude * np.cos(2 * np.pi * (i[None, :] - start[:, None]) / n_sites)
    phases = np.exp(2j * np.pi * i / n_sites)
    centers, snapshots = [], []
    for step in range(n_steps):
        x = np.angle(w @ phases) * n_sites / (2 * np.pi)
        force = -stiffness * (w - amplitude * np.cos(2 * np.pi * (i - x[:, None]) / n_sites))
        noise = rng.normal(size=(n_walkers, n_sites)) @ noise_root.T
        w = w + learning_rate * (force + noise)
        if step % record_every == 0:
            centers.append(x % n_sites)
            snapshots.append(w[:4].copy())
    samples = {"data": rng.normal(size=(20_000, n_sites)) @ data_root.T,
               "chains": rng.normal(size=(20_000, n_sites)) @ chain_root.T}
    return np.array(centers).T, np.array(snapshots), samples


@pytest.mark.slow
def test_langevin_prediction_recovers_the_diffusion_of_a_synthetic_walk():
    from threadpoolctl import threadpool_limits

    learning_rate, batch_size, n_chains, every = 0.05, 4, 2, 50
    with threadpool_limits(limits=1, user_api="blas"):  # small products: threads only cost
        centers, snapshots, samples = langevin_walk(learning_rate=learning_rate,
                                                    batch_size=batch_size, n_chains=n_chains,
                                                    record_every=every)
    # measured: the increments of the unwrapped centres over lags of 1-20 records
    track = unwrap_centers(centers, WALK_SITES)
    lags = np.arange(1, 21)
    msd = np.array([np.mean((track[:, lag:] - track[:, :-lag]) ** 2) for lag in lags])
    slope = np.polyfit(lags * every, msd, 1)[0]
    measured = slope / 2
    per_walker = [np.polyfit(lags * every, [np.mean((t[lag:] - t[:-lag]) ** 2) for lag in lags],
                             1)[0] / 2 for t in track]
    stderr = np.std(per_walker, ddof=1) / np.sqrt(len(per_walker))
    # predicted, as the study does it: template from aligned snapshots, its tangent, the
    # variances of the per-sample gradients along it, then ν² (…) / (2 |t|²)
    profiles = np.array([orient(p) for p in snapshots.reshape(-1, WALK_SITES)])
    template = aligned_mean_profile(profiles, [peak_center(p) for p in profiles])
    tangent = translation_mode(template)
    norm2 = tangent @ tangent
    unit = tangent / np.sqrt(norm2)
    predicted = theory.langevin_diffusion(learning_rate, norm2, np.var(samples["data"] @ unit),
                                          batch_size, np.var(samples["chains"] @ unit), n_chains)
    # the exact value for the cosine manifold of amplitude 1: |t|² = 2π²/N
    assert abs(norm2 / (2 * np.pi**2 / WALK_SITES) - 1) < 0.02
    assert stderr < 0.05 * measured
    assert abs(measured - predicted) < 3 * stderr + 0.03 * predicted, (measured, predicted, stderr)
    # and it is not a coincidence of the noise level: a walk with 4x the batch diffuses 4x less
    assert predicted == pytest.approx(4 * theory.langevin_diffusion(
        learning_rate, norm2, np.var(samples["data"] @ unit), 4 * batch_size,
        np.var(samples["chains"] @ unit), 4 * n_chains))
