"""Annealed importance sampling: forward and reverse AIS bracket the exact log Z (enumeration)
of small RBMs trained on digits, within their error bars, on several seeds; the bracket narrows
as temperatures are added; chains combine by log-mean-exp; exact samples are exact; training
runs too large to enumerate record a bracket and say so."""

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

from rbmsweep import RBM, ais, data, train


@pytest.fixture(scope="module")
def trained():
    """Three RBMs (M = 12 and 16 hidden units) trained on binarised digits: enumeration is
    exact, the couplings are those of a real model (test log-likelihood well above the
    independent model's)."""
    train_v, test_v = data.files.digit_samples(1200, 400, seed=0)
    machines = []
    for seed, n_hidden in ((0, 12), (1, 16), (2, 16)):
        rbm = RBM(64, n_hidden, visible="bernoulli", hidden="bernoulli", zero_fields=False,
                  visible_bias_init="data", seed=seed)
        train(rbm, train_v, algorithm="pcd", gibbs_steps=5, learning_rate=0.1, batch_size=20,
              epochs=15, seed=seed, log_likelihood=False, snapshots=[0, 15])
        machines.append((rbm, train_v, test_v))
    return machines


def test_forward_and_reverse_ais_bracket_the_exact_log_z(trained):
    for index, (rbm, train_v, _) in enumerate(trained):
        exact = rbm.log_partition()
        bracket = ais.log_partition_bracket(rbm, chains=100, temperatures=1000, seed=index,
                                            data=train_v)
        assert bracket.reverse_start == "model"
        # forward underestimates, reverse overestimates, each within its error bars
        assert bracket.forward - 3 * bracket.forward_stderr <= exact, (index, bracket, exact)
        assert exact <= bracket.reverse + 3 * bracket.reverse_stderr, (index, bracket, exact)
        assert bracket.lower <= bracket.forward <= bracket.upper
        assert bracket.lower <= exact <= bracket.upper
        assert 0 < bracket.forward_stderr < 0.05 and 0 < bracket.reverse_stderr < 0.05
        # and the learned model is far from the independent base: the test means something
        base = ais.base_log_partition(rbm, ais.visible_fields_from_data(train_v, rbm.visible))
        assert exact - base > 5


def test_the_bracket_narrows_as_temperatures_are_added(trained):
    widths = []
    for temperatures in (10, 100, 1000):
        width = []
        for index, (rbm, train_v, _) in enumerate(trained):
            bracket = ais.log_partition_bracket(rbm, chains=100, temperatures=temperatures,
                                                seed=10 + index, data=train_v)
            width.append(bracket.upper - bracket.lower)
        widths.append(np.mean(width))
    assert widths[0] > widths[1] > widths[2] > 0, widths
    assert widths[2] < 0.2


def test_reverse_ais_from_data_brackets_a_model_that_fits_its_data(trained):
    rbm, train_v, _ = trained[0]
    exact = rbm.log_partition()
    bracket = ais.log_partition_bracket(rbm, chains=200, temperatures=1000, seed=3,
                                        data=train_v, reverse_start="data")
    assert bracket.reverse_start == "data"
    assert bracket.forward - 3 * bracket.forward_stderr <= exact
    assert exact <= bracket.reverse + 3 * bracket.reverse_stderr


def test_spin_units_are_bracketed_too():
    rng = np.random.default_rng(4)
    rbm = RBM(14, 10, visible="spin", hidden="spin", zero_fields=False,
              visible_fields=rng.normal(0, 0.3, 14))
    rbm.hidden_fields = rng.normal(0, 0.3, 10)
    rbm.weights = rng.normal(0, 0.25, (14, 10))
    exact = rbm.log_partition()
    bracket = ais.log_partition_bracket(rbm, chains=200, temperatures=1000, seed=0)
    assert bracket.forward - 3 * bracket.forward_stderr <= exact <= bracket.reverse + 3 * bracket.reverse_stderr
    assert bracket.upper - bracket.lower < 0.2


def test_log_mean_exp_is_the_log_of_the_mean_weight_not_the_mean_log():
    values = np.log([1.0, 3.0])
    estimate, stderr = ais.log_mean_exp(values)
    assert np.isclose(estimate, np.log(2.0))
    assert not np.isclose(estimate, values.mean())
    # delta method: std(w) / (sqrt(n) mean(w)) with the sample standard deviation
    assert np.isclose(stderr, np.std([1.0, 3.0], ddof=1) / np.sqrt(2) / 2.0)
    big = np.array([1000.0, 1000.0 + np.log(3.0)])  # no overflow
    assert np.isclose(ais.log_mean_exp(big)[0], 1000.0 + np.log(2.0))
    with pytest.raises(FloatingPointError):
        ais.log_mean_exp([0.0, np.nan])


def test_schedules():
    betas = ais.schedule(1000)
    assert len(betas) == 1000 and betas[0] == 0 and betas[-1] == 1
    assert np.all(np.diff(betas) > 0)
    # denser near beta = 1, as Salakhutdinov & Murray's
    assert np.sum(betas >= 0.9) > np.sum(betas < 0.5)
    for count in (2, 3, 5, 30):
        small = ais.schedule(count)
        assert len(small) == count and small[0] == 0 and small[-1] == 1
        assert np.all(np.diff(small) > 0)
    np.testing.assert_array_equal(ais.schedule([0, 0.3, 1]), [0, 0.3, 1])
    for bad in ([0, 0.5, 0.4, 1], [0.1, 1], [0, 0.5], [0, 0.5, 0.5, 1]):
        with pytest.raises(ValueError, match="increase strictly from 0 to 1"):
            ais.schedule(bad)


def test_exact_samples_follow_the_rbm():
    rng = np.random.default_rng(2)
    for n_visible, n_hidden in ((4, 3), (3, 5)):  # hidden or visible layer enumerated
        rbm = RBM(n_visible, n_hidden, visible="bernoulli", hidden="spin", zero_fields=False,
                  visible_fields=rng.normal(0, 1, n_visible))
        rbm.weights = rng.normal(0, 1, (n_visible, n_hidden))
        samples = ais.exact_samples(rbm, 40_000, seed=1)
        codes = samples @ (1 << np.arange(n_visible))
        counts = np.bincount(codes, minlength=2 ** n_visible)
        states = (np.arange(2 ** n_visible)[:, None] >> np.arange(n_visible)) & 1
        log_p = rbm.negative_free_energy(states.astype(np.int8))
        expected = np.exp(log_p - logsumexp(log_p)) * len(samples)
        assert stats.chisquare(counts, expected).pvalue > 1e-3


def test_same_seed_same_estimate_for_any_thread_count(trained):
    import numba

    rbm, train_v, _ = trained[0]
    previous = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = ais.log_partition_bracket(rbm, chains=20, temperatures=50, seed=5, data=train_v)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = ais.log_partition_bracket(rbm, chains=20, temperatures=50, seed=5, data=train_v)
    finally:
        numba.set_num_threads(previous)
    assert one == two


def test_a_run_too_large_to_enumerate_records_a_bracket_and_its_estimator():
    train_v, test_v = data.files.digit_samples(600, 200, seed=1)
    rbm = RBM(64, 24, visible="bernoulli", hidden="bernoulli", zero_fields=False,
              visible_bias_init="data", seed=0)
    run = train(rbm, train_v, test=test_v, algorithm="pcd", gibbs_steps=2, learning_rate=0.05,
                batch_size=20, epochs=2, snapshots=[0, 2], seed=0, log_likelihood=True,
                ais={"chains": 50, "temperatures": 300})
    assert int(run["log_likelihood_method"]) == 2
    assert run["log_likelihood_test"].attrs["method"] == "ais"
    assert "annealed importance sampling" in run["log_likelihood_test"].attrs["estimator"]
    for name in ("log_likelihood_train", "log_likelihood_test"):
        value, lower, upper = (run[name], run[f"{name}_lower"], run[f"{name}_upper"])
        assert np.all(np.isfinite(value)) and np.all(lower <= value) and np.all(value <= upper)
    assert np.all(run["log_partition_lower"] <= run["log_partition_upper"])
    # epoch 0: only the visible fields (from the data) and tiny weights; log Z nearly that of
    # independent units with those fields and free hidden units
    base = ais.base_log_partition(rbm, run["visible_fields"].values[0])
    assert abs(float(run["log_partition"][0]) - base) < 0.05


def test_by_default_a_run_too_large_to_enumerate_computes_no_log_likelihood():
    # log_likelihood="exact" (the default): no AIS, the flag says "not computed", values NaN;
    # the same model with M = 20 (2^20 hidden states) is still exact
    train_v, test_v = data.files.digit_samples(200, 50, seed=1)
    for hidden, flag in ((24, 0), (20, 1)):
        rbm = RBM(64, hidden, visible="bernoulli", hidden="bernoulli", zero_fields=False, seed=0)
        run = train(rbm, train_v, test=test_v, gibbs_steps=1, learning_rate=0.05,
                    batch_size=20, epochs=1, snapshots=[1], seed=0)
        assert int(run["log_likelihood_method"]) == flag
        assert np.all(np.isnan(run["log_likelihood_test"])) == (flag == 0)
    with pytest.raises(ValueError, match="log_likelihood: 'ais' is not allowed"):
        train(rbm, train_v, epochs=1, log_likelihood="ais")
