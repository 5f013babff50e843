"""The weight spectrum along training: the initial weights' singular values follow
Marchenko–Pastur (edges within a finite-size tolerance, the whole distribution by a KS test),
T_eff, the rank-plot cutoff on spectra with a known break, overlaps with known principal
directions, and the observables in a training run."""

import numpy as np
import pytest
from scipy import integrate, stats

from rbmsweep import RBM, data, theory, train
from rbmsweep.observables import weight_spectrum as ws


@pytest.mark.parametrize("n_visible,n_hidden", [(400, 100), (300, 300), (100, 400)])
def test_initial_singular_values_follow_marchenko_pastur(n_visible, n_hidden):
    sigma = 0.01
    weights = RBM(n_visible, n_hidden, init_std=sigma, seed=3).weights
    singular = np.linalg.svd(weights, compute_uv=False)
    lower, upper = theory.singular_value_edges(sigma, n_visible, n_hidden)
    # edges: the extreme singular values deviate by O(n^(-2/3)) (Tracy-Widom); 3% at n >= 100
    assert abs(singular.max() / upper - 1) < 0.03
    if lower > 0:
        assert abs(singular.min() / lower - 1) < 0.05
    else:
        assert singular.min() < 0.1 * upper
    # the whole law: x = s^2 / (sigma^2 n) is Marchenko-Pastur with ratio kappa = min / max
    n, m = max(n_visible, n_hidden), min(n_visible, n_hidden)
    kappa = m / n
    x = singular**2 / (sigma**2 * n)

    def cdf(point):
        lo, _ = theory.marchenko_pastur_edges(kappa)
        return integrate.quad(lambda t: theory.marchenko_pastur_density(t, kappa),
                              lo, point, limit=200)[0] if point > lo else 0.0

    assert stats.kstest(x, np.vectorize(cdf)).pvalue > 1e-3


def test_singular_value_edges_are_those_of_the_eigenvalues():
    lower, upper = theory.singular_value_edges(0.5, 200, 50)
    lo, hi = theory.marchenko_pastur_edges(50 / 200)
    assert np.isclose(lower, 0.5 * np.sqrt(200 * lo)) and np.isclose(upper, 0.5 * np.sqrt(200 * hi))
    assert np.isclose(upper, 0.5 * (np.sqrt(200) + np.sqrt(50)))
    assert theory.singular_value_edges(0.5, 50, 200) == (lower, upper)


def test_effective_temperature():
    weights = np.random.default_rng(0).normal(0.3, 2.0, (50, 40))
    assert np.isclose(ws.effective_temperature(weights), 1 / np.var(weights))
    assert np.isnan(ws.effective_temperature(np.array([[np.nan, 1.0]])))


@pytest.mark.parametrize("head", [4, 10, 25])
def test_rank_cutoff_finds_the_onset_of_the_linear_tail(head):
    """A head of comparable singular values, then a steep tail, straight on the log-log plot
    ([F17] Fig. 5: "a cutoff is highlighted by the onset of the linear behaviour"): the
    two-segment fit starts the tail at rank head + 1."""
    ranks = np.arange(1, 61)
    values = np.where(ranks <= head, 10.0 * ranks ** -0.2,
                      10.0 * head ** -0.2 * (ranks / head) ** -4.0)
    noisy = values * np.exp(np.random.default_rng(head).normal(0, 0.02, len(values)))
    assert abs(ws.rank_cutoff(noisy) - (head + 1)) <= 1
    assert np.isnan(ws.rank_cutoff(values[:4]))
    assert np.isnan(ws.rank_cutoff(np.array([3.0, 2.0, 1.0, np.nan, 0.5, 0.4])))


def test_overlaps_with_the_data_principal_directions():
    """Weights made of the data's top principal directions (rotated in hidden space) overlap
    them one to one; the principal components are those of numpy's covariance."""
    rng = np.random.default_rng(1)
    scales = np.array([5.0, 3.0, 2.0, 1.0] + [0.2] * 16)
    basis, _ = np.linalg.qr(rng.normal(size=(20, 20)))
    samples = (rng.normal(size=(20_000, 20)) * scales) @ basis.T + 3.0
    variances, directions = ws.principal_components(samples)
    np.testing.assert_allclose(variances, np.sort(np.linalg.eigvalsh(np.cov(samples.T, bias=True)))[::-1],
                               rtol=1e-10)
    rotation, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    weights = directions[:, :4] @ np.diag([4.0, 3.0, 2.0, 1.0]) @ rotation
    import xarray as xr

    run = xr.Dataset({"weights": (("epoch", "visible", "hidden"), weights[None])},
                     coords={"epoch": [0]})
    run = run.assign_coords(mode=np.arange(4))
    run = ws.add_principal_overlaps(run, samples, n_components=4)
    overlap = run["principal_overlap"].isel(epoch=0).values[:4, :4]
    np.testing.assert_allclose(overlap, np.eye(4), atol=1e-10)
    # and against the population directions the sample ones are close
    assert np.all(np.abs(np.sum(directions[:, :4] * basis[:, :4], axis=0)) > 0.99)


def test_training_run_carries_the_weight_spectrum():
    train_v, _ = data.files.digit_samples(500, 0, seed=0)
    rbm = RBM(64, 32, visible="bernoulli", hidden="bernoulli", zero_fields=False,
              visible_bias_init="data", init_std=0.01, seed=0)
    run = train(rbm, train_v, algorithm="pcd", gibbs_steps=2, learning_rate=0.1, batch_size=20,
                epochs=5, snapshots=[0, 5], seed=0, log_likelihood=False)
    lower, upper = theory.singular_value_edges(0.01, 64, 32)
    assert np.isclose(float(run["marchenko_pastur_upper"]), upper)
    assert np.isclose(float(run["marchenko_pastur_lower"]), lower)
    above = run["n_above_marchenko_pastur"].values
    assert above[0] <= 1 and above[-1] >= 3  # learning pulls outliers out of the bulk
    t_eff = run["effective_temperature"].values
    assert np.isclose(t_eff[0], 1 / np.var(run["weights"].values[0]))
    assert t_eff[-1] < t_eff[0]
    assert np.isfinite(run["rank_cutoff"].values[-1])
