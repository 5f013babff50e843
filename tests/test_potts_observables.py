"""Observables of Potts receptive fields (docs/physics.md §13.2) on hand-made weights whose
centre, period and phase are known."""

import numpy as np
import pytest
import xarray as xr
from scipy.optimize import curve_fit

from rbmsweep.observables import add_observables
from rbmsweep.observables import potts

N, Q = 60, 10


def field(center=20.0, width=4.0, period=Q, phase=1.0, amplitude=0.5, offsets=None, n=N, q=Q):
    """A cosine of the given period and phase over the states, under a Gaussian envelope in
    space centred at ``center`` (on the ring), plus a per-site constant (a gauge)."""
    sites = np.arange(n)
    distance = (sites - center + n / 2) % n - n / 2
    envelope = np.exp(-0.5 * (distance / width) ** 2)
    rows = amplitude * np.cos(2 * np.pi * np.arange(q) / period - phase)
    w = envelope[:, None] * rows[None, :]
    if offsets is not None:
        w = w + offsets[:, None]
    return w, envelope


def test_angular_and_spatial_modulations_equal_their_definitions():
    offsets = np.random.default_rng(0).normal(size=N)
    w, envelope = field(phase=0.7, offsets=offsets)
    # first Fourier coefficient of A cos(2πv/q − φ) is q A / 2 e^{iφ}: amplitude q A/2 × envelope
    np.testing.assert_allclose(potts.angular_modulation(w), Q * 0.5 / 2 * envelope, atol=1e-12)
    np.testing.assert_allclose(np.angle(potts.angular_fourier(w)[20]), 0.7, atol=1e-12)
    # eq. 16 as printed sees the gauge: |Σ_v w_iv| = q |offset_i| here, 0 in the zero-sum gauge
    np.testing.assert_allclose(potts.angular_sum(w), Q * np.abs(offsets), atol=1e-12)
    np.testing.assert_allclose(potts.angular_sum(potts.centred(w)), 0.0, atol=1e-12)
    # eq. 17: Σ_i w_iv, by a loop
    expected = np.array([sum(w[i, v] for i in range(N)) for v in range(Q)])
    np.testing.assert_allclose(potts.spatial_modulation(w), expected, atol=1e-12)
    # gauge invariance of everything else
    for function in (potts.angular_modulation, potts.site_norm, potts.spatial_order,
                     potts.angular_order, potts.angular_phase, potts.place_field_center):
        np.testing.assert_allclose(function(w), function(w - offsets[:, None]), atol=1e-12)


@pytest.mark.parametrize("period, phase", [(Q, 1.0), (Q, -2.5), (7.3, 0.4), (4.0, 2.0)])
def test_the_cosine_fit_recovers_period_and_phase(period, phase):
    w, envelope = field(period=period, phase=phase, offsets=np.linspace(-1, 1, N))
    fit = potts.cosine_fit(w)
    inside = envelope > 0.05
    np.testing.assert_allclose(fit["period"][inside], period, rtol=1e-4)
    wrapped = np.angle(np.exp(1j * (fit["phase"][inside] - phase)))
    np.testing.assert_allclose(wrapped, 0.0, atol=1e-4)
    np.testing.assert_allclose(fit["amplitude"][inside], 0.5 * envelope[inside], rtol=1e-4)
    assert np.all(fit["r2"][inside] > 1 - 1e-8)
    # with noise, against scipy's nonlinear least squares from the truth
    rng = np.random.default_rng(1)
    noisy = w + 0.02 * rng.normal(size=w.shape)
    fit = potts.cosine_fit(noisy)
    v = np.arange(Q)
    for site in np.flatnonzero(envelope > 0.5):
        def model(x, a, amplitude, frequency, psi):
            return a + amplitude * np.cos(2 * np.pi * frequency * x - psi)

        (a, amplitude, frequency, psi), _ = curve_fit(
            model, v, noisy[site], p0=[0, 0.5 * envelope[site], 1 / period, phase])
        assert fit["period"][site] == pytest.approx(1 / frequency, rel=2e-3)
        assert np.angle(np.exp(1j * (fit["phase"][site] - psi))) == pytest.approx(0, abs=2e-3)


def test_a_flat_row_has_no_fit():
    fit = potts.cosine_fit(np.ones((3, Q)))
    assert np.isnan(fit["period"]).all() and np.isnan(fit["r2"]).all()
    nyquist = potts.cosine_fit(np.cos(np.pi * np.arange(Q))[None])
    assert nyquist["period"][0] == pytest.approx(2.0, rel=1e-3)


def test_centre_phase_and_orientation():
    w, _ = field(center=47.3, phase=2.0)
    assert potts.place_field_center(w) == pytest.approx(47.3, abs=1e-6)
    # the phase is defined modulo π: 2.0 as given, and −w has the same one
    assert potts.angular_phase(w) == pytest.approx(2.0, abs=1e-12)
    assert potts.angular_phase(-w) == pytest.approx(2.0, abs=1e-12)
    w4, _ = field(phase=4.0)
    assert potts.angular_phase(w4) == pytest.approx(4.0 - np.pi, abs=1e-12)
    oriented = potts.orient(w4)
    np.testing.assert_allclose(oriented, -w4)
    assert np.angle(potts.angular_fourier(oriented).sum()) % (2 * np.pi) < np.pi
    assert potts.place_field_width(w) == pytest.approx(2 * np.sqrt(2 * np.log(2)) * 4.0, rel=0.03)


def test_order_parameters_separate_the_three_phases():
    rng = np.random.default_rng(2)
    noise = 0.01 * rng.normal(size=(200, N, Q))
    localised, _ = field(width=3.0)
    uniform = np.broadcast_to(0.05 * np.cos(2 * np.pi * np.arange(Q) / Q - 1.0), (N, Q))
    # random weights: both at their noise floors ~1/√N (angle) and ~1/√(2(q−1)N) (space)
    assert potts.angular_order(noise).mean() == pytest.approx(1 / np.sqrt(N), rel=0.15)
    assert potts.spatial_order(noise).mean() < 3 / np.sqrt(2 * (Q - 1) * N)
    # angular order without localisation: every site has the same profile
    assert potts.angular_order(uniform) == pytest.approx(1.0)
    assert potts.spatial_order(uniform) == pytest.approx(0.0, abs=1e-12)
    # a localised field with one phase: both
    assert potts.angular_order(localised) == pytest.approx(1.0)
    assert potts.spatial_order(localised) > 0.8
    # localised but with a different phase at every site: space only
    scrambled = np.stack([np.roll(row, k) for k, row in enumerate(localised)])
    assert potts.spatial_order(scrambled) == pytest.approx(potts.spatial_order(localised))
    assert potts.angular_order(scrambled) < 0.4


def test_add_observables_dispatches_on_the_state_dim():
    w1, _ = field(center=10.0, phase=0.5)
    w2, _ = field(center=40.0, phase=2.0)
    w3, _ = field(center=30.0, phase=2.0, period=7.0)
    weights = np.stack([np.stack([w1, w2, w3], axis=1)] * 3)  # (epoch, visible, hidden, state)
    run = xr.Dataset({"weights": (("epoch", "visible", "hidden", "state"), weights)},
                     coords={"epoch": [0, 1, 2], "visible": np.arange(N), "hidden": [0, 1, 2],
                             "state": np.arange(Q)})
    run = add_observables(run)
    np.testing.assert_allclose(run["peak_center"].isel(epoch=-1), [10.0, 40.0, 30.0], atol=1e-6)
    np.testing.assert_allclose(run["angular_phase"].isel(epoch=-1, hidden=[0, 1]), [0.5, 2.0],
                               atol=1e-12)
    np.testing.assert_allclose(run["cosine_period"].sel(epoch=2, hidden=2, visible=30), 7.0,
                               rtol=1e-6)
    assert run["spatial_modulation"].dims == ("epoch", "hidden", "state")
    assert run["angular_modulation"].dims == ("epoch", "hidden", "visible")
    assert run["singular_values"].dims == ("epoch", "mode") and run.sizes["mode"] == 3
    for name in run.data_vars:
        if name != "weights":
            assert "long_name" in run[name].attrs and "units" in run[name].attrs, name
    assert "zero-sum gauge" in run["angular_sum"].attrs["gauge"]
