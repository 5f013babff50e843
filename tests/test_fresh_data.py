"""Training on unlimited data (train(fresh_data=...), rbmsweep.data.FreshData): every epoch
trains on its own exact data set, drawn from (data seed, epoch), so that runs are
deterministic and resumable (the kill-and-resume test is tests/test_resume.py's, run with
fresh data too); data that cannot be redrawn are refused."""

import numpy as np
import pytest

from rbmsweep import RBM, data, theory, train
from rbmsweep.config import expand
from rbmsweep.validation import ConfigError, validate
from rbmsweep.data import FreshData
from rbmsweep.studies import KINDS

ISING = dict(n_visible=24, beta=0.8)
SETTINGS = dict(gibbs_steps=5, learning_rate=0.05, batch_size=10, epochs=4,
                log_likelihood=False, snapshots=[0, 2, 4])


def fresh(seed=3, n_samples=200):
    return FreshData("ising", n_samples, seed, **ISING)


def test_each_epoch_draws_its_own_exact_data_set():
    sampler = fresh(n_samples=4000)
    sets = [sampler(epoch) for epoch in range(1, 7)]
    for a in range(len(sets)):
        assert sets[a].dtype == np.int8 and sets[a].shape == (4000, 24)
        for b in range(a + 1, len(sets)):
            assert (sets[a] != sets[b]).any(axis=1).mean() > 0.99  # other samples, not a shuffle
    np.testing.assert_array_equal(sampler(3), fresh(n_samples=4000)(3))  # a function of (seed, e)
    assert not np.array_equal(sampler(3), fresh(seed=4, n_samples=4000)(3))
    # and the very data set of the sweep's data path is not among them
    train_set, _ = data.make_dataset("ising", 4000, 0, 3, **ISING)
    assert all((train_set != s).any(axis=1).mean() > 0.99 for s in sets)
    # every set has the exact correlations of the ring, C(r) = (t^r + t^(N-r)) / (1 + t^N):
    # per set, C(r) averaged over the 24 sites has a standard error below 0.02 at 4000 samples
    exact = theory.ising_correlation(np.arange(6), ISING["beta"], ISING["n_visible"])
    for samples in sets:
        measured = data.ising_correlations(samples, 5)
        assert np.abs(measured - exact).max() < 0.03, (measured, exact)
    pooled = data.ising_correlations(np.concatenate(sets), 5)
    assert np.abs(pooled - exact).max() < 0.012


def test_training_asks_for_every_epoch_once_in_order():
    v = data.ising_chain(seed=0, n_samples=200, **ISING)
    asked = []

    def sampler(epoch):
        asked.append(epoch)
        return fresh()(epoch)

    run = train(RBM(24, 1, seed=1), v, seed=1, fresh_data=sampler, **SETTINGS)
    assert asked == [1, 2, 3, 4]
    assert run.attrs["fresh_data"].startswith('{"callable"')


def test_same_seed_gives_bitwise_the_same_run_and_fresh_data_change_it():
    v = data.ising_chain(seed=0, n_samples=200, **ISING)

    def weights(fresh_data, seed=1):
        rbm = RBM(24, 2, seed=seed)
        train(rbm, v, seed=seed, fresh_data=fresh_data, **SETTINGS)
        return rbm.weights

    np.testing.assert_array_equal(weights(fresh()), weights(fresh()))
    # the spec as a dict is the same sampler as FreshData
    spec = {"model": "ising", "n_samples": 200, "n_test": 50, "seed": 3, **ISING}
    np.testing.assert_array_equal(weights(fresh()), weights(spec))
    assert not np.array_equal(weights(fresh()), weights(False))
    assert not np.array_equal(weights(fresh()), weights(fresh(seed=4)))


def test_the_workflow_run_trains_on_fresh_data():
    (spec,) = expand("d", {"kind": "diffusion", "data": {"model": "ising", "n_samples": 200,
                                                        "n_test": 0, **ISING},
                           "train": {**SETTINGS, "fresh_data": True, "snapshots": {"log": 0,
                                                                                   "linear": 4}},
                           "seeds": [2]})
    samples, _ = data.make_dataset(**spec.data.arguments())
    run = KINDS["diffusion"].run(spec, samples, np.empty((0, 24), np.int8))
    rbm = RBM(24, 1, seed=2)
    expected = train(rbm, samples, seed=2, fresh_data=FreshData.from_spec(spec.data),
                     **{**SETTINGS, "snapshots": {"log": 0, "linear": 4}})
    np.testing.assert_array_equal(run["weights"].values, expected["weights"].values)
    assert '"model": "ising"' in run.attrs["fresh_data"]


def test_data_that_cannot_be_redrawn_are_refused():
    v = data.ising_chain(seed=0, n_samples=200, **ISING)
    for model in ("digits", "file", "clusters"):
        with pytest.raises(ValueError, match=f"fresh_data: data of model '{model}' cannot be"):
            FreshData(model, 100, 0)
        with pytest.raises(ValueError, match="cannot be drawn afresh"):
            train(RBM(24, 1), v, fresh_data={"model": model, "n_samples": 100, "seed": 0},
                  **SETTINGS)
    with pytest.raises(ValueError, match="True does not say which data"):
        train(RBM(24, 1), v, fresh_data=True, **SETTINGS)
    with pytest.raises(ValueError, match="epoch 1's data have shape"):
        train(RBM(24, 1), v, fresh_data=lambda epoch: v[:100], **SETTINGS)
    with pytest.raises(ValueError, match="needs 'seed'"):
        train(RBM(24, 1), v, fresh_data={"model": "ising", "n_samples": 200, **ISING},
              **SETTINGS)
    # and in a config, before any job
    with pytest.raises(ConfigError, match="fresh_data: true is not allowed; data of model digits"):
        validate({"studies": {"d": {"kind": "place_cells", "data": {"model": "digits",
                                                                     "n_samples": 100},
                                    "rbm": {"visible": "bernoulli"},
                                    "train": {"fresh_data": True}}}}, KINDS)
