"""The small-β study: its theory matches the closed form and the lattice equation, and its
trained-weight analysis undoes the rescaling w → w/√β exactly when the "trained" weights are
the theory's profile (shifted, of either sign, times √β)."""

import numpy as np
import pytest
import xarray as xr

from rbmsweep import theory
from rbmsweep.observables import center_on_peak, peak_width
from rbmsweep.studies import small_beta as study

N_SITES = 40


@pytest.fixture(scope="module")
def lattice_profile():
    return center_on_peak(theory.lattice_one_unit(N_SITES)[1][-1])


def test_centred_puts_the_peak_mid_ring_whatever_its_sign_and_place(lattice_profile):
    assert np.argmax(lattice_profile) == N_SITES // 2
    for shift in (0, 7, 31):
        for sign in (1, -1):
            moved = sign * np.roll(lattice_profile, shift)
            np.testing.assert_allclose(center_on_peak(moved), lattice_profile, atol=1e-12)


def test_theory_outputs_match_the_closed_form_and_the_lattice(lattice_profile):
    """Continuum on the fine grid = closed form (eqs. 43-44) in b, height and FWHM; the
    lattice equation (36) is its own stationary point, with b ≈ 2.40 and height ≈ 0.92."""
    profiles = study.theory_profiles(N_SITES)
    x, continuum = profiles["x"].values, profiles["profile_continuum"].values
    dx = theory.small_beta.CONTINUUM_DX
    np.testing.assert_array_equal(profiles["profile_lattice"], lattice_profile)
    assert float(np.sum(continuum**2) * dx) == pytest.approx(theory.stationary_b(), rel=2e-3)
    assert continuum.max() == pytest.approx(theory.profile_height(), rel=2e-3)
    assert peak_width(continuum) * dx == pytest.approx(theory.profile_fwhm(), rel=5e-3)
    np.testing.assert_allclose(continuum, theory.stationary_profile(x), atol=5e-3)
    assert np.linalg.norm(theory.one_unit_rhs(lattice_profile)) < 1e-6
    assert np.sum(lattice_profile**2) == pytest.approx(2.40, abs=0.01)
    assert lattice_profile.max() == pytest.approx(0.92, abs=0.01)


def test_two_peaks_started_together_repel(lattice_profile):
    """Eqs. 49-50: one-unit peaks started 1-5 sites apart end about two widths apart (short
    range repulsion); started well apart, they stay where they are."""
    times, runs = theory.repulsion(N_SITES, lattice_profile, separations=(2, 5, 12), t_max=300.0,
                                   n_times=7)
    separation = study.centre_distance(xr.DataArray(runs, dims=("start", "time", "site", "unit")))
    assert separation.dims == ("start", "time")
    separation = separation.values
    width = peak_width(lattice_profile)
    assert np.all(separation[:2, -1] > 1.5 * width)
    assert np.all(separation[:2, -1] > separation[:2, 0] + 1)
    assert separation[2, -1] == pytest.approx(12, abs=1)


def test_trained_weights_that_are_the_theory_are_recognised(lattice_profile):
    """A fake cube whose weights are √β times the lattice profile, at random places and signs,
    growing from small values: the aggregate's rescaled, centred, averaged profile is the
    lattice profile, with its b, height and FWHM."""
    rng = np.random.default_rng(0)
    betas, epochs, n_seeds, n_hidden = [0.1, 0.3], np.arange(12), 3, 2
    weights = np.empty((len(betas), n_seeds, len(epochs), N_SITES, n_hidden))
    for b, beta in enumerate(betas):
        for s in range(n_seeds):
            for h in range(n_hidden):
                profile = rng.choice([-1, 1]) * np.roll(lattice_profile, rng.integers(N_SITES))
                growth = np.minimum(1.0, 0.01 * 2.0 ** epochs)[:, None]
                weights[b, s, :, :, h] = np.sqrt(beta) * growth * profile
    cube = xr.Dataset(
        {"weights": (("beta", "seed", "epoch", "visible", "hidden"), weights),
},
        coords={"beta": betas, "seed": np.arange(n_seeds), "epoch": epochs,
                "visible": np.arange(N_SITES), "hidden": np.arange(n_hidden),
                # the run parameters every run carries: rescaled time per epoch beta x 1
                "learning_rate": 1.0, "updates_per_epoch": 1})
    result = study.small_beta(cube, transient_epochs=8)
    for beta in betas:
        entry = result.sel(beta=beta)
        np.testing.assert_allclose(entry["profile_trained"], lattice_profile, atol=1e-9)
        np.testing.assert_allclose(entry["profile_trained_std"], 0.0, atol=1e-9)
        assert float(entry["height_trained"]) == pytest.approx(float(result["height_lattice"]))
        assert float(entry["b_trained_stationary"]) == pytest.approx(float(result["b_lattice"]))
        assert float(entry["fwhm_trained"]) == pytest.approx(float(result["fwhm_lattice"]))
        assert float(entry["b_trained"].isel(epoch=-1)) == pytest.approx(float(result["b_lattice"]))
    assert float(result["b_closed_form"]) == pytest.approx(8 - 4 * np.sqrt(2), rel=1e-3)
