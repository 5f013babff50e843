"""Extended mean-field (TAP) training: the magnetisations solve the fixed-point equations to the
residual they report; the free energy approaches the exact one (enumeration) at the order the
weak-coupling expansion says; the training step is the likelihood gradient with the model term
from the TAP free energy; training on digits raises the exact test log-likelihood."""

import numpy as np
import pytest
from scipy.special import expit

from rbmsweep import RBM, data, train
from rbmsweep import mean_field as mf


def small_rbm(n_visible=8, n_hidden=5, scale=1.0, seed=1):
    rng = np.random.default_rng(seed)
    rbm = RBM(n_visible, n_hidden, visible="bernoulli", hidden="bernoulli", zero_fields=False,
              visible_fields=rng.normal(0, 1, n_visible))
    rbm.hidden_fields = rng.normal(0, 1, n_hidden)
    rbm.weights = scale * rng.normal(0, 1, (n_visible, n_hidden))
    return rbm


def tap_map(rbm, m_v, m_h, order):
    """The TAP equations written out here from docs/physics.md §14.1 (the stationarity of the
    Gabrié-Tramel-Krzakala free energy to third order), both layers from the same state."""
    w, a, b = rbm.weights, rbm.visible_fields, rbm.hidden_fields

    def one(m, m_other, coupling, fields):
        x = fields + m_other @ coupling.T
        var = m_other * (1 - m_other)
        if order >= 2:
            x = x - (m - 0.5) * (var @ (coupling**2).T)
        if order >= 3:
            x = x + (2 / 3) * (0.5 - 3 * m + 3 * m**2) * ((var * (0.5 - m_other)) @ (coupling**3).T)
        return expit(x)

    return one(m_v, m_h, w, a), one(m_h, m_v, w.T, b)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_magnetisations_satisfy_the_fixed_point_equations_to_the_stated_residual(order):
    rbm = small_rbm(scale=0.4)
    starts = np.random.default_rng(0).random((6, rbm.n_visible))
    for tolerance in (1e-4, 1e-10):
        m_v, m_h, iterations, residual = mf.fixed_point(
            rbm, order, starts, expit(starts @ rbm.weights), tolerance=tolerance,
            max_iterations=10_000)
        f_v, f_h = tap_map(rbm, m_v, m_h, order)
        measured = max(np.abs(f_v - m_v).max(), np.abs(f_h - m_h).max())
        assert np.isclose(measured, residual, rtol=1e-9, atol=1e-15)
        assert residual <= tolerance and iterations > 0
    # with too few iterations it says so: the residual it reports is the one it has
    m_v, m_h, iterations, residual = mf.fixed_point(rbm, order, starts,
                                                    expit(starts @ rbm.weights),
                                                    max_iterations=2, tolerance=1e-12)
    f_v, f_h = tap_map(rbm, m_v, m_h, order)
    assert iterations == 2 and residual > 1e-12
    assert np.isclose(max(np.abs(f_v - m_v).max(), np.abs(f_h - m_h).max()), residual)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_weak_coupling_error_shrinks_at_the_order_of_the_expansion(order):
    """log Z − Γ_TAP = O(ε^(order+1)) for couplings ε W: naive mean field misses the ε² term,
    second order the ε³ term, third order the ε⁴ terms (4-cycles and W⁴ corrections)."""
    eps = 0.05 * 2.0 ** -np.arange(4)
    errors = []
    for scale in eps:
        rbm = small_rbm(scale=scale)
        errors.append(abs(mf.tap_log_partition(rbm, order, tolerance=1e-13) - rbm.log_partition()))
    slope = np.polyfit(np.log(eps), np.log(errors), 1)[0]
    assert abs(slope - (order + 1)) < 0.3, (order, slope, errors)
    assert errors[-1] < 1e-3


def test_tap_step_is_the_gradient_with_the_tap_model_term():
    """One update of TAP-2 training on a full batch, against the data term computed here and
    the model term as the numerical derivative of Γ at its fixed point (total = partial
    derivative at a stationary point)."""
    rbm = small_rbm(n_visible=6, n_hidden=4, scale=0.5, seed=3)
    v = (np.random.default_rng(5).random((40, 6)) < 0.4).astype(np.int8)
    w0, a0, b0 = rbm.weights.copy(), rbm.visible_fields.copy(), rbm.hidden_fields.copy()
    rate = 1e-3
    train(rbm, v, algorithm="tap", tap_order=2, learning_rate=rate, batch_size=40, epochs=1,
          n_chains=1, tap_iterations=100_000, tap_tolerance=1e-13, tap_damping=0.0,
          log_likelihood=False, snapshots=[0, 1])
    hidden = expit(v @ w0 + b0)
    data_w = v.T @ hidden / len(v)

    def log_z_tap(weights):
        probe = small_rbm(n_visible=6, n_hidden=4, seed=3)
        probe.weights, probe.visible_fields, probe.hidden_fields = weights, a0, b0
        return mf.tap_log_partition(probe, 2, tolerance=1e-13)

    step = 1e-6
    model_w = np.zeros_like(w0)
    for index in np.ndindex(w0.shape):
        plus, minus = w0.copy(), w0.copy()
        plus[index] += step
        minus[index] -= step
        model_w[index] = (log_z_tap(plus) - log_z_tap(minus)) / (2 * step)
    np.testing.assert_allclose((rbm.weights - w0) / rate, data_w - model_w, atol=2e-6)
    assert not np.allclose(model_w, 0)


@pytest.fixture(scope="module")
def digits_split():
    return data.files.digit_samples(1000, 400, seed=0)


@pytest.mark.parametrize("algorithm,order", [("tap", 2), ("tap", 3), ("mean_field", None)])
def test_mean_field_training_on_digits_raises_the_exact_test_likelihood(digits_split, algorithm,
                                                                       order):
    train_v, test_v = digits_split
    rbm = RBM(64, 12, visible="bernoulli", hidden="bernoulli", zero_fields=False,
              visible_bias_init="data", init_std=0.01, seed=0)
    extra = {} if order is None else {"tap_order": order}
    run = train(rbm, train_v, test=test_v, algorithm=algorithm, learning_rate=0.1,
                batch_size=20, epochs=8, snapshots=[0, 8], seed=0, **extra)
    ll = run["log_likelihood_test"].values
    assert ll[-1] > ll[0] + 2.0, ll
    assert int(run["log_likelihood_method"]) == 1  # exact: 12 hidden units are enumerated
    iterations, residual = run["mean_field_iterations"], run["mean_field_residual"]
    assert iterations.sizes["training_epoch"] == 8 and np.all(iterations >= 0)
    # an epoch either converged every update or ran out of iterations
    unconverged = run["mean_field_unconverged"]
    # every update converged (to the default tap_tolerance) or the epoch says how many did not
    assert np.all((residual <= 1e-5) == (unconverged == 0))
    assert np.all((iterations <= 100) & (unconverged >= 0) & (unconverged <= 1))


def test_visible_bias_from_data_is_the_log_odds_of_the_frequencies(digits_split):
    train_v, _ = digits_split
    rbm = RBM(64, 2, visible="bernoulli", hidden="bernoulli", zero_fields=False,
              visible_bias_init="data")
    run = train(rbm, train_v, epochs=1, snapshots=[0], log_likelihood=False)
    p = np.clip(train_v.mean(axis=0), 1e-3, 1 - 1e-3)
    np.testing.assert_allclose(run["visible_fields"].isel(epoch=0), np.log(p / (1 - p)))
    # an independent-unit model with those fields reproduces the frequencies
    np.testing.assert_allclose(expit(run["visible_fields"].values[0])[train_v.mean(0) > 0.01],
                               train_v.mean(0)[train_v.mean(0) > 0.01], atol=1e-12)
    with pytest.raises(ValueError, match="zero_fields"):
        RBM(64, 2, visible="bernoulli", hidden="bernoulli", visible_bias_init="data")


def test_mean_field_training_resumes_bitwise(tmp_path, digits_split, monkeypatch):
    """Killed after epoch 2 and resumed from its checkpoint (magnetisations and per-epoch
    statistics included), a TAP run ends bitwise where an uninterrupted one does."""
    from rbmsweep import checkpoint

    train_v, _ = digits_split
    settings = dict(algorithm="tap", tap_order=3, learning_rate=0.05, batch_size=50, epochs=4,
                    snapshots=[0, 2, 4], seed=1, log_likelihood=False)

    def fresh():
        return RBM(64, 6, visible="bernoulli", hidden="bernoulli", zero_fields=False, seed=1)

    whole = train(fresh(), train_v, **settings)
    path = tmp_path / "state.npz"
    original = checkpoint.Checkpointer.save

    def save_then_stop(self, epoch, *args, **kwargs):
        original(self, epoch, *args, **kwargs)
        if epoch == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint.Checkpointer, "save", save_then_stop)
    with pytest.raises(KeyboardInterrupt):
        train(fresh(), train_v, checkpoint=path, checkpoint_every={"epochs": 1}, **settings)
    monkeypatch.setattr(checkpoint.Checkpointer, "save", original)
    assert path.exists()
    resumed = train(fresh(), train_v, checkpoint=path, checkpoint_every={"epochs": 1}, **settings)
    np.testing.assert_array_equal(resumed["weights"], whole["weights"])
    np.testing.assert_array_equal(resumed["mean_field_residual"], whole["mean_field_residual"])
    np.testing.assert_array_equal(resumed["mean_field_iterations"], whole["mean_field_iterations"])
