"""The weight spectrum along training: the initial weights' singular values follow
Marchenko–Pastur (edges within a finite-size tolerance, the whole distribution by a KS test),
T_eff, the rank-plot cutoff on spectra with a known break, overlaps with known principal
directions, the observables in a training run, and the study's claims ([F17] Figs. 3-5) on
synthetic aggregates."""

import numpy as np
import pytest
import xarray as xr
from scipy import integrate, stats

from rbmsweep import RBM, data, theory, train
from rbmsweep.observables import weight_spectrum as ws
from rbmsweep.studies.weight_spectrum import CLAIMS


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


# -- the claims ([F17] Figs. 3-5) on synthetic spectrum_dynamics aggregates ----------------------
def dynamics(outliers=(0, 2, 4, 6, 8, 9), overlap_early=0.9, overlap_late=0.6,
             cutoff=(20, 3, 5, 7, 8, 8.5), cutoff_std=0.5, temperature=(1e4, 50, 20, 12, 10, 9.5),
             epochs=(0, 1, 3, 10, 20, 30), n_seeds=2):
    """A spectrum_dynamics aggregate (the variables ``spectrum_dynamics`` writes) with the
    given series over the snapshots; the best overlaps of the first modes ``overlap_early`` at
    the first trained snapshot and ``overlap_late`` at the last (0.8 between)."""
    count = len(epochs)
    best = np.full((count, 10), 0.8)
    best[0], best[1], best[-1] = 0.2, overlap_early, overlap_late
    series = {"n_above_marchenko_pastur": outliers, "rank_cutoff": cutoff,
              "effective_temperature": temperature}
    variables = {f"{name}_mean": ("epoch", np.asarray(values, float))
                 for name, values in series.items()}
    variables.update({f"{name}_std": ("epoch", np.full(count, cutoff_std))
                      for name in series})
    variables["best_overlap"] = (("epoch", "mode"), best)
    variables["same_rank_overlap"] = (("epoch", "mode"), best * 0.9)
    out = xr.Dataset(variables, coords={"epoch": list(epochs), "mode": np.arange(10)},
                     attrs={"n_seeds": n_seeds})
    return {"spectrum_dynamics": out}


def test_outliers_leave_the_bulk_one_after_another():
    outliers = CLAIMS[0]
    assert outliers.check(dynamics()).passed is True
    assert outliers.check(dynamics(outliers=(3, 4, 5, 6, 7, 8))).passed is False  # at the start
    assert outliers.check(dynamics(outliers=(0, 9, 9, 9, 9, 9))).passed is False  # all at once
    assert outliers.check(dynamics(outliers=(0, 1, 2, 2, 2, 2))).passed is False  # too few
    assert outliers.check(dynamics(outliers=(0, 2, 6, 3, 8, 9))).passed is False  # back in
    assert outliers.check(dynamics(epochs=(1, 2, 3, 10, 20, 30))).passed is None  # no start


def test_singular_vectors_are_the_principal_directions_early():
    vectors = CLAIMS[1]
    assert vectors.check(dynamics()).passed is True
    assert vectors.check(dynamics(overlap_early=0.5)).passed is False  # not aligned early
    assert vectors.check(dynamics(overlap_late=0.95)).passed is False  # never lost
    assert vectors.check(dynamics(outliers=(0, 1), cutoff=(1, 2), temperature=(1, 2),
                                  epochs=(0, 1))).passed is None


def test_rank_cutoff_rises_ever_more_slowly():
    cutoff = CLAIMS[2]
    assert cutoff.check(dynamics()).passed is True  # 3 -> 8.5, 4 of it by epoch 10
    assert cutoff.check(dynamics(cutoff_std=4.0)).passed is False  # not resolved
    assert cutoff.check(dynamics(cutoff=(20, 23, 15, 4, 4.5, 7))).passed is False  # falls
    assert cutoff.check(dynamics(cutoff=(20, 3, 3.5, 4, 6, 9))).passed is False  # speeds up
    assert cutoff.check(dynamics(cutoff=(20, 3, np.nan, np.nan, np.nan, 9))).passed is None


def test_effective_temperature_falls_and_levels_off():
    temperature = CLAIMS[3]
    assert temperature.check(dynamics()).passed is True  # 10 -> 9.5 over the last third
    assert temperature.check(dynamics(temperature=(1e4, 50, 20, 15, 13, 8))).passed is False
    assert temperature.check(dynamics(temperature=(1e4, 5e3, 3e3, 2e3, 1.5e3, 1.4e3))
                             ).passed is False  # not 10x below the start
