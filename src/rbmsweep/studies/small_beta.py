"""Small-β theory of the receptive field (HTCM20 §V.2, Fig. 14; docs/physics.md §9) and its
test on trained RBMs (docs/physics.md §11.5).

At small β the learning dynamics of ±1 hidden units with zero fields reduces, after the
rescaling w → w/√β and t → β t (t = learning_rate × updates), to the parameter-free lattice
equation HTCM20 eq. 36, dw_i/dt = w_{i+1} + w_{i−1} − w_i Σ_k w_k² + w_i³ (one unit), and
eqs. 49-50 (two units).

- Theory (``rbmsweep.theory.small_beta`` integrates, this module only places the peaks on the
  ring with ``rbmsweep.observables``): eq. 36 on the study's ring of N sites, integrated from
  small random weights, settles on a stationary peak (lattice b ≈ 2.40, height ≈ 0.92 at
  N = 100); the continuum equation (eqs. 37-38) on a fine grid settles on the closed form
  eq. 43, √(2(b−2))/cosh(x√(b−2)), with b = 8 − 4√2 from eq. 44 (height 0.828); two units
  (eqs. 49-50) form two peaks that repel at short range: started on top of each other they
  separate to about two peak widths and stay there.
- Trained RBMs at small β: the weights divided by √β, each unit's profile centred on its
  peak and averaged over the snapshots after a transient, hidden units and seeds, against
  the lattice profile of the same N; and b = Σ_i (w_i/√β)² against rescaled time β t.
"""

import numpy as np
import xarray as xr

from .. import theory
from ..observables import center_on_peak, orient, peak_center, peak_width, ring_distance
from ..io import sweep_dims
from .base import Claim, Figure, Outcome, run_parameter, training_run

TRAINS = True

#: epochs before the trained profiles are taken as stationary, when the config says nothing
TRANSIENT_EPOCHS = 10


run = training_run


# -- geometry on the ring of one profile, NaN-aware (a hidden unit a run does not have is NaN) --
def _centred(profile):
    """``observables.center_on_peak`` of a profile, all NaN if the profile has a NaN."""
    if not np.isfinite(profile).all():
        return np.full(profile.shape, np.nan)
    return center_on_peak(profile)


def _width(profile):
    """``observables.peak_width`` of a profile, NaN if the profile has a NaN."""
    return peak_width(profile) if np.isfinite(profile).all() else np.nan


def profile_shape(profile, dim, spacing=1.0):
    """(b, height, FWHM) of centred profiles along ``dim``, on a grid of ``spacing`` sites:
    b = spacing × Σ w², the maximum, and the cubic-spline FWHM × spacing (NaN for a profile
    with a NaN)."""
    b = (profile**2).sum(dim, skipna=False) * spacing
    height = profile.max(dim, skipna=False)
    fwhm = xr.apply_ufunc(_width, profile, input_core_dims=[[dim]], vectorize=True) * spacing
    return b, height, fwhm


def centre_distance(weights, site="site", unit="unit"):
    """Distance on the ring between the centres (``observables.peak_center``) of the two
    units' profiles of ``weights`` (a DataArray with dims ``site`` and ``unit`` of size 2)."""
    centres = xr.apply_ufunc(peak_center, weights, input_core_dims=[[site]], vectorize=True)
    return xr.apply_ufunc(ring_distance, centres.isel({unit: 0}, drop=True),
                          centres.isel({unit: 1}, drop=True), weights.sizes[site])


# -- theory -------------------------------------------------------------------------------------
def theory_profiles(n_sites):
    """The theory of Fig. 14 on a ring of ``n_sites``: one-unit profiles (lattice eq. 36,
    continuum eqs. 37-38, closed form eq. 43) centred on their peak, the two-unit stationary
    profiles (eqs. 49-50), and the repulsion of two peaks started close together."""
    small_beta = theory.small_beta
    offsets = np.arange(n_sites) - n_sites // 2
    lattice = center_on_peak(small_beta.lattice_one_unit(n_sites)[1][-1])
    dx, n_points = small_beta.CONTINUUM_DX, small_beta.CONTINUUM_POINTS
    x = (np.arange(n_points) - n_points // 2) * dx
    continuum = center_on_peak(small_beta.continuum_one_unit()[1][-1])
    two = xr.DataArray(small_beta.lattice_two_units(n_sites)[1][-1], dims=("site", "unit"))
    two = xr.apply_ufunc(orient, two, input_core_dims=[["site"]], output_core_dims=[["site"]],
                         vectorize=True).transpose("site", "unit")
    repulsion_times, runs = small_beta.repulsion(n_sites, lattice)
    separation = centre_distance(xr.DataArray(
        runs, dims=("start_separation", "repulsion_time", "site", "unit")))
    out = xr.Dataset(
        {
            "profile_lattice": ("offset", lattice, {
                "long_name": "stationary profile of eq. 36 (lattice, one unit)", "units": "1"}),
            "profiles_two_units": (("site", "unit"), two.values, {
                "long_name": "stationary profiles of eqs. 49-50 (two units)", "units": "1"}),
            "profile_continuum": ("x", continuum, {
                "long_name": "stationary profile of the continuum equation (eqs. 37-38), grid "
                             f"spacing {dx}", "units": "1"}),
            "profile_closed_form": ("x", theory.stationary_profile(x), {
                "long_name": "closed form sqrt(2(b-2))/cosh(x sqrt(b-2)), b = 8 - 4 sqrt 2 "
                             "(eqs. 43-44)", "units": "1"}),
            "separation": (("start_separation", "repulsion_time"), separation.values, {
                "long_name": "distance between the two units' centres (eqs. 49-50), started "
                             "as one-unit peaks start_separation apart", "units": "site"}),
        },
        coords={
            "offset": ("offset", offsets, {"long_name": "site minus peak site", "units": "site"}),
            "site": ("site", np.arange(n_sites), {"long_name": "site of the ring", "units": "site"}),
            "x": ("x", x, {"long_name": "position minus peak position", "units": "site"}),
            "unit": ("unit", [0, 1], {"long_name": "hidden unit of the two-unit theory"}),
            "start_separation": ("start_separation", list(small_beta.START_SEPARATIONS), {
                "long_name": "initial distance between the two peaks", "units": "site"}),
            "repulsion_time": ("repulsion_time", repulsion_times, {
                "long_name": "rescaled learning time", "units": "1"}),
        },
    )
    for name, dim, spacing, where in (("lattice", "offset", 1.0, "eq. 36 on the ring"),
                                      ("continuum", "x", dx, "eqs. 37-38"),
                                      ("closed_form", "x", dx, "eq. 43")):
        b, height, fwhm = profile_shape(out[f"profile_{name}"], dim, spacing)
        out[f"b_{name}"] = b.assign_attrs(long_name=f"b = integral of w^2, {where}", units="1")
        out[f"height_{name}"] = height.assign_attrs(long_name=f"peak height, {where}", units="1")
        out[f"fwhm_{name}"] = fwhm.assign_attrs(long_name=f"FWHM, {where}", units="site")
    return out


# -- trained weights ----------------------------------------------------------------------------
def trained_profiles(cube, transient_epochs=TRANSIENT_EPOCHS, n_times=201):
    """The trained weights rescaled by √β on the cube's sweep axes (seeds pooled): the mean and
    spread of the centred profiles after ``transient_epochs``, their b, height and FWHM, and
    b = Σ_i (w_i/√β)² along training against eq. 36 started from the runs' initial amplitude."""
    point = cube["weights"].isel(seed=0, epoch=0, hidden=0, visible=0, drop=True)
    point = point.reset_coords(drop=True)  # the sweep axes
    beta = run_parameter(cube, "beta", point)
    # the rescaled learning time per epoch, beta x learning_rate x updates
    time_per_epoch = beta * run_parameter(cube, "learning_rate", point) * run_parameter(
        cube, "updates_per_epoch", point)
    cube = cube.reset_coords(drop=True)
    epochs = cube["epoch"].values
    if not (epochs >= transient_epochs).any():
        raise ValueError(f"analysis.transient_epochs: {transient_epochs} leaves no snapshot "
                         f"(last epoch {epochs[-1]})")
    weights = cube["weights"]
    n_sites = cube.sizes["visible"]
    times = np.linspace(0.0, float(time_per_epoch.max()) * epochs[-1], n_times)  # of the runs
    units = ("seed", "epoch", "hidden")

    late = (weights / np.sqrt(beta)).sel(epoch=cube["epoch"] >= transient_epochs)
    centred = xr.apply_ufunc(_centred, late, input_core_dims=[["visible"]],
                             output_core_dims=[["offset"]], vectorize=True)
    profile = centred.mean(units)  # every profile is whole or all NaN: mean of the whole ones
    b_stationary, height, fwhm = profile_shape(profile, "offset")

    def b_of_eq_36(start):
        """b(t) of eq. 36 from random weights of amplitude ``start`` (NaN without one)."""
        if not (np.isfinite(start) and start > 0 and times[-1] > 0):
            return np.full(len(times), np.nan)
        _, w = theory.lattice_one_unit(n_sites, init_std=start, t_max=times[-1],
                                       n_times=len(times))
        return np.sum(w**2, axis=1)

    start = weights.isel(epoch=0).std(("seed", "hidden", "visible")) / np.sqrt(beta)
    b_theory = xr.apply_ufunc(b_of_eq_36, start, output_core_dims=[["time"]], vectorize=True)
    return xr.Dataset(
        {
            "profile_trained": profile.assign_attrs(
                long_name="trained receptive field w/sqrt(beta), centred on its peak, mean "
                          "over late snapshots, hidden units and seeds", units="1"),
            "profile_trained_std": centred.std(units).assign_attrs(
                long_name="standard deviation of the centred rescaled profiles", units="1"),
            "b_trained": ((weights**2).sum("visible", skipna=False) / beta).mean(
                ("seed", "hidden")).assign_attrs(
                long_name="b = sum_i (w_i/sqrt(beta))^2, mean over hidden units and seeds",
                units="1"),
            "rescaled_time": (time_per_epoch * cube["epoch"]).assign_attrs(
                long_name="rescaled learning time beta x learning_rate x updates", units="1"),
            "b_theory": b_theory.assign_attrs(
                long_name="b(t) of eq. 36 from the trained runs' initial amplitude", units="1"),
            "b_trained_stationary": b_stationary.assign_attrs(
                long_name="b of the mean trained profile", units="1"),
            "height_trained": height.assign_attrs(
                long_name="peak height of the mean trained profile", units="1"),
            "fwhm_trained": fwhm.assign_attrs(
                long_name="FWHM of the mean trained profile (cubic spline)", units="site"),
        },
        coords={
            "offset": ("offset", np.arange(n_sites) - n_sites // 2, {
                "long_name": "site minus peak site", "units": "site"}),
            "epoch": ("epoch", epochs, {"long_name": "training epoch", "units": "epoch"}),
            "time": ("time", times, {"long_name": "rescaled learning time", "units": "1"}),
        },
    )


def small_beta(cube, transient_epochs=TRANSIENT_EPOCHS):
    """``small_beta.nc``: the theory of Fig. 14 on the cube's ring, and the trained profiles
    rescaled by √β, with b, height and FWHM of each (docs/physics.md §11.5)."""
    n_sites = cube.sizes["visible"]
    out = xr.merge([trained_profiles(cube, transient_epochs), theory_profiles(n_sites)],
                   combine_attrs="drop_conflicts")
    out = out.transpose(*[dim for dim in sweep_dims(cube) if dim != "seed"], ...)
    out.attrs.update(description="small-beta theory (paper Fig. 14) and trained weights / sqrt(beta)",
                     n_visible=n_sites, transient_epochs=int(transient_epochs),
                     b_stationary_closed_form=float(theory.stationary_b()))
    return out


AGGREGATES = {"small_beta": small_beta}

FIGURES = {
    "theory_profiles": Figure("small_beta", "small_beta:theory_profiles"),  # Fig. 14
    "theory_vs_weights": Figure("small_beta", "small_beta:theory_vs_weights"),
}


def check_profile(aggregates):
    """The trained profile / √β has the b and height of the stationary peak of eq. 36."""
    result = aggregates["small_beta"]
    b, height = result["b_trained_stationary"], result["height_trained"]
    if "n_hidden" in b.dims:
        if 1 not in b["n_hidden"].values:
            return Outcome("no runs with one hidden unit", None)
        b, height = b.sel(n_hidden=1), height.sel(n_hidden=1)
    b, height = (values.mean() for values in (b, height))  # over any other axis
    b_lattice, h_lattice = float(result["b_lattice"]), float(result["height_lattice"])
    b_closed, h_closed = float(result["b_closed_form"]), float(result["height_closed_form"])
    measured = (f"b {float(b):.2f} vs {b_lattice:.2f} (lattice eq. 36), {b_closed:.2f} (eq. 43); "
                f"height {float(height):.2f} vs {h_lattice:.2f}, {h_closed:.2f}")
    return Outcome(measured, bool(abs(float(b) / b_lattice - 1) <= 0.25
                                  and abs(float(height) / h_lattice - 1) <= 0.25))


CLAIMS = (
    Claim("at small beta the learned field, divided by sqrt(beta), is the stationary peak of "
          "the parameter-free equation", "HTCM20 Fig. 14, eqs. 36, 43-44",
          "b = 8 - 4 sqrt 2 = 2.34, height 2 sqrt 2 - 2 = 0.83 (continuum); the lattice's on "
          "the study's ring", "b and height of the mean trained profile within 25% of the "
          "lattice peak of eq. 36 (one hidden unit)", ("small_beta",), check_profile),
)
