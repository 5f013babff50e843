"""The log-likelihood on a subsample (train.log_likelihood_samples, rbmsweep.subsample): its
standard error is the spread of the estimate over subsamples, and train() records both."""

import numpy as np
import pytest

from rbmsweep import RBM, data, train
from rbmsweep.subsample import mean_and_standard_error, subsample_rows


@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.9])
def test_standard_error_is_the_spread_over_subsamples(fraction):
    """Over 3000 subsamples of a skewed population: the estimate is unbiased, its spread is the
    exact standard error of a simple random sample, sqrt((1 − k/n) S² / k) with S² the
    population's variance (ddof 1), and the reported SE² is S²'s unbiased estimate of it (a
    missing finite-population correction would be off by 1.41× at k = n/2, 3.2× at 0.9 n);
    every subsample of a run's seed is the same."""
    population = np.random.default_rng(0).gamma(0.5, size=400)  # skewed, like log P(v)
    n, k = len(population), int(fraction * len(population))
    exact = np.sqrt((1 - k / n) * np.var(population, ddof=1) / k)
    estimates, variances = [], []
    for seed in range(3000):
        rows = subsample_rows(n, k, seed, part=0)
        assert len(np.unique(rows)) == k
        estimate, se = mean_and_standard_error(population[rows], n)
        estimates.append(estimate)
        variances.append(se**2)
    assert abs(np.mean(estimates) - population.mean()) < 4 * exact / np.sqrt(3000)
    assert 0.95 < np.std(estimates) / exact < 1.05
    assert 0.93 < np.mean(variances) / exact**2 < 1.07
    np.testing.assert_array_equal(subsample_rows(400, k, 7, 0), subsample_rows(400, k, 7, 0))
    assert not np.array_equal(subsample_rows(400, k, 7, 0), subsample_rows(400, k, 7, 1))


def test_whole_sample_is_exact():
    assert subsample_rows(50, None, 0, 0) is None and subsample_rows(50, 50, 0, 0) is None
    values = np.arange(10.0)
    assert mean_and_standard_error(values, 10) == (4.5, 0.0)


def test_train_records_the_subsample_estimate_and_its_error():
    v = data.ising_chain(n_visible=30, beta=0.8, n_samples=2000, seed=0)
    test = data.ising_chain(n_visible=30, beta=0.8, n_samples=300, seed=1)
    full, part = RBM(30, 2, seed=3), RBM(30, 2, seed=3)
    settings = dict(test=test, gibbs_steps=5, learning_rate=0.02, batch_size=20, epochs=3,
                    snapshots=[0, 1, 3], seed=3)
    exact = train(full, v, **settings)
    estimated = train(part, v, log_likelihood_samples=200, **settings)
    np.testing.assert_array_equal(full.weights, part.weights)  # training itself is the same
    for name in ("train", "test"):
        se = estimated[f"log_likelihood_{name}_se"].values
        assert np.all(se > 0) and estimated[f"log_likelihood_{name}_se"].attrs["units"] == "nat"
        error = estimated[f"log_likelihood_{name}"].values - exact[f"log_likelihood_{name}"].values
        assert np.all(np.abs(error) < 4 * se), (error, se)
    assert "log_likelihood_train_se" not in exact
