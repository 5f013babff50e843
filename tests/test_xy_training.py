"""A trained Potts RBM on XY data (HTCM20 Fig. 9): one double-well hidden unit learns a field
localised in space with the data's period q in angle from correlated data (β = 1.5), and
nothing from independent data (β = 0)."""

import numpy as np
import pytest

from rbmsweep import RBM, data, train
from rbmsweep.studies.xy_fields import _field_summary

N, Q = 40, 10


def trained_unit(beta, seed=0):
    samples, _ = data.make_dataset("xy", 5000, 0, seed, n_visible=N, beta=beta, q=Q)
    rbm = RBM(n_visible=N, n_hidden=1, visible="potts", hidden="double_well", theta=-2.0, q=Q,
              init_std=0.01, seed=seed)
    run = train(rbm, samples, algorithm="pcd", gibbs_steps=10, learning_rate=0.05,
                batch_size=50, epochs=20, seed=seed, snapshots=[0, 20], log_likelihood=False)
    return run.isel(epoch=-1, hidden=0)


@pytest.fixture(scope="module")
def correlated():
    return trained_unit(1.5)


@pytest.fixture(scope="module")
def independent():
    return trained_unit(0.0)


def test_correlated_data_give_a_field_localised_in_space_with_period_q(correlated):
    unit = correlated
    # localised: far above the noise floor of random weights, 1/sqrt(2 (q-1) N) = 0.04
    assert float(unit["spatial_order"]) > 0.25
    width = float(unit["peak_width"])
    assert 2 < width < N / 3
    # the peak sits where the spatial profile is largest, and the profile falls off around it
    norm = unit["site_norm"].values
    center = float(unit["peak_center"])
    distance = np.abs((np.arange(N) - center + N / 2) % N - N / 2)
    assert norm[distance < width / 2].mean() > 3 * norm[distance > 2 * width].mean()
    # a cosine of period q in angle over the field, with one phase
    period, _, _, share, spread = _field_summary(norm, unit["cosine_period"].values,
                                                 unit["cosine_phase"].values, Q)
    assert period == pytest.approx(Q, rel=0.1)
    assert share >= 0.6
    assert spread < 0.5
    assert float(unit["angular_order"]) > 0.6
    # eq. 16 as printed is zero in the zero-sum gauge the training keeps
    assert float(unit["angular_sum"].max()) < 1e-9 * float(unit["angular_modulation"].max())


def test_independent_data_give_no_field(independent):
    unit = independent
    assert float(unit["spatial_order"]) < 3 / np.sqrt(2 * (Q - 1) * N)
    assert float(unit["angular_order"]) < 2 / np.sqrt(N)
    _, _, _, share, _ = _field_summary(unit["site_norm"].values, unit["cosine_period"].values,
                                       unit["cosine_phase"].values, Q)
    assert share < 0.3
