"""Small-β theory of the receptive field (paper §V.2, Fig. 14; DESIGN §3.5) and its test on
trained RBMs.

At small β the learning dynamics of ±1 hidden units with zero fields reduces, after the
rescaling w → w/√β and t → β t (t = learning_rate × updates), to the parameter-free eq. 37
(one unit) and eqs. 50-51 (two units): to third order in w, ⟨v_i tanh I⟩_data =
w_i + β (w_{i+1} + w_{i−1}) − w_i Σ_k w_k² + ⅔ w_i³ and ⟨v_i tanh I⟩_model = tanh w_i.

- Theory (``rbmsweep.theory``): eq. 37 on the study's ring of N sites, integrated from small
  random weights, settles on a stationary peak (lattice b ≈ 2.40, height ≈ 0.92 at N = 100);
  the continuum equation (38-39) on a fine grid settles on the closed form eq. 44,
  √(2(b−2))/cosh(x√(b−2)) with b = 8 − 4√2 (height 0.828); two units (eqs. 50-51) form
  two peaks that repel at short range: started on top of each other they separate to about
  two peak widths and stay there.
- Trained RBMs at small β: the weights divided by √β, each unit's profile centred on its
  peak and averaged over the snapshots after a transient, hidden units and seeds, against
  the lattice profile of the same N; and b = Σ_i (w_i/√β)² against rescaled time β t.
"""

import math

import numpy as np
import xarray as xr

from .. import theory
from ..observables import center_on_peak, orient, peak_center, peak_width, ring_distance
from ..io import sweep_dims
from .base import Figure, training_run, unstack_points

TRAINS = True

#: epochs before the trained profiles are taken as stationary, when the config says nothing
TRANSIENT_EPOCHS = 10
#: continuum grid of the theory (DESIGN §3.5: spacing 0.1, ring length 40)
CONTINUUM_DX, CONTINUUM_POINTS = 0.1, 400
#: starting separations (sites) of the two-unit repulsion experiment
START_SEPARATIONS = (1, 2, 3, 5, 8)
#: rescaled time of the theory integrations (one unit settles by ~40, two by ~600 at N = 100)
THEORY_TIME = 1000.0


def run(spec, samples, test, **options):
    """A training run, plus β and the rescaled time β × learning_rate × updates per epoch."""
    dataset = training_run(spec, samples, test, **options)
    beta = spec.data.beta
    learning_rate = spec.train.learning_rate
    updates = math.ceil(len(samples) / spec.train.batch_size)
    dataset["inverse_temperature"] = ((), beta, {"long_name": "inverse temperature beta of the data",
                                                 "units": "1"})
    dataset["rescaled_time_per_epoch"] = ((), beta * learning_rate * updates, {
        "long_name": "rescaled learning time per epoch, beta x learning_rate x updates",
        "units": "1"})
    return dataset


# -- theory -------------------------------------------------------------------------------------
def lattice_one_unit(n_sites, seed=0, init_std=0.01, t_max=THEORY_TIME, n_times=201):
    """Eq. 37 on a ring of ``n_sites`` from small random weights: (times, b(t), centred profile
    at ``t_max``, the stationary one for the default ``t_max``)."""
    times, weights = theory.integrate_small_beta(n_sites, t_max=t_max, n_times=n_times,
                                                 init_std=init_std, seed=seed)
    return times, np.sum(weights**2, axis=1), center_on_peak(weights[-1])


def continuum_one_unit(seed=0):
    """The continuum equation (38-39) on the fine grid: (x, stationary centred profile)."""
    _, weights = theory.integrate_small_beta(CONTINUUM_POINTS, dx=CONTINUUM_DX, continuum=True,
                                             t_max=500.0, n_times=2, seed=seed)
    x = (np.arange(CONTINUUM_POINTS) - CONTINUUM_POINTS // 2) * CONTINUUM_DX
    return x, center_on_peak(weights[-1])


def lattice_two_units(n_sites, seed=0):
    """Eqs. 50-51 from small random weights: the stationary (n_sites, 2) profiles."""
    _, weights = theory.integrate_small_beta(n_sites, n_units=2, t_max=THEORY_TIME, n_times=2,
                                             seed=seed)
    final = weights[-1]
    return np.stack([orient(final[:, mu]) for mu in range(2)], axis=1)


def repulsion(n_sites, one_unit_profile, separations=START_SEPARATIONS, t_max=300.0, n_times=151):
    """Two units started as the one-unit stationary peak at ``separations`` sites from each
    other (eqs. 50-51): the separation of their centres over time, (separation, time)."""
    out = np.empty((len(separations), n_times))
    for k, separation in enumerate(separations):
        w0 = np.stack([np.roll(one_unit_profile, -(separation // 2)),
                       np.roll(one_unit_profile, separation - separation // 2)], axis=1)
        times, weights = theory.integrate_small_beta(n_sites, n_units=2, t_max=t_max,
                                                     n_times=n_times, w0=w0)
        out[k] = [ring_distance(peak_center(w[:, 0]), peak_center(w[:, 1]), n_sites)
                  for w in weights]
    return times, out


# -- trained weights ----------------------------------------------------------------------------
def rescaled_profiles(weights, beta):
    """Each unit's profile w/√β, centred: (…, visible) → same shape, peak at N // 2."""
    flat = np.asarray(weights, dtype=np.float64).reshape(-1, weights.shape[-1]) / np.sqrt(beta)
    out = np.full_like(flat, np.nan)
    for k, profile in enumerate(flat):
        if np.isfinite(profile).all():
            out[k] = center_on_peak(profile)
    return out.reshape(weights.shape)


def _point_scalar(cube, name, axes):
    values = cube[name].max("seed")
    if axes:
        template = cube["weights"].isel(seed=0, epoch=0, hidden=0, visible=0)
        return values.broadcast_like(template).stack(point=axes).transpose("point").values
    return np.array([float(values)])


def small_beta(cube, transient_epochs=TRANSIENT_EPOCHS):
    """``small_beta.nc``: the theory of Fig. 14 on the cube's ring, and the trained profiles
    rescaled by √β, with b, height and FWHM of each."""
    n_sites = cube.sizes["visible"]
    offsets = np.arange(n_sites) - n_sites // 2
    _, _, lattice = lattice_one_unit(n_sites)
    x, continuum = continuum_one_unit()
    two = lattice_two_units(n_sites)
    repulsion_times, separations = repulsion(n_sites, lattice)
    closed_form = theory.stationary_profile(x)

    epochs = cube["epoch"].values
    late = epochs >= transient_epochs
    if not late.any():
        raise ValueError(f"analysis.transient_epochs: {transient_epochs} leaves no snapshot "
                         f"(last epoch {epochs[-1]})")
    axes = [dim for dim in sweep_dims(cube) if dim != "seed"]
    weights = cube["weights"]
    stacked = weights.stack(point=axes) if axes else weights.expand_dims(point=[0])
    stacked = stacked.transpose("point", "seed", "epoch", "hidden", "visible")
    betas = _point_scalar(cube, "inverse_temperature", axes)
    time_per_epoch = _point_scalar(cube, "rescaled_time_per_epoch", axes)
    n_points = stacked.sizes["point"]
    times = np.linspace(0.0, np.nanmax(time_per_epoch) * epochs[-1], 201)  # of the runs

    mean = np.full((n_points, n_sites), np.nan)
    spread = np.full_like(mean, np.nan)
    b_trained = np.full((n_points, len(epochs)), np.nan)
    b_theory = np.full((n_points, len(times)), np.nan)
    for p in range(n_points):
        values = stacked.isel(point=p).values  # (seed, epoch, hidden, visible)
        profiles = rescaled_profiles(values[:, late], betas[p])
        flat = profiles.reshape(-1, n_sites)
        flat = flat[np.isfinite(flat).all(axis=1)]
        if len(flat):
            mean[p] = flat.mean(axis=0)
            spread[p] = flat.std(axis=0)
        squares = np.sum(values**2, axis=-1) / betas[p]  # (seed, epoch, hidden)
        with np.errstate(invalid="ignore"):
            b_trained[p] = np.nanmean(squares, axis=(0, 2))
        # the theory from the trained runs' initial amplitude (epoch 0), rescaled the same way
        start = np.nanstd(values[:, 0]) / np.sqrt(betas[p])
        if np.isfinite(start) and start > 0 and times[-1] > 0:
            b_theory[p] = lattice_one_unit(n_sites, init_std=start, t_max=times[-1])[1]

    def shape_of(profile, spacing=1.0):
        """(b, height, FWHM) of a centred profile on a grid of ``spacing`` sites."""
        return (float(np.sum(profile**2) * spacing), float(np.max(profile)),
                float(peak_width(profile) * spacing) if np.isfinite(profile).all() else np.nan)

    trained_shape = np.array([shape_of(profile) for profile in mean])
    out = xr.Dataset(
        {
            "profile_trained": (("point", "offset"), mean, {
                "long_name": "trained receptive field w/sqrt(beta), centred on its peak, mean "
                             "over late snapshots, hidden units and seeds", "units": "1"}),
            "profile_trained_std": (("point", "offset"), spread, {
                "long_name": "standard deviation of the centred rescaled profiles",
                "units": "1"}),
            "b_trained": (("point", "epoch"), b_trained, {
                "long_name": "b = sum_i (w_i/sqrt(beta))^2, mean over hidden units and seeds",
                "units": "1"}),
            "rescaled_time": (("point", "epoch"), time_per_epoch[:, None] * epochs[None, :], {
                "long_name": "rescaled learning time beta x learning_rate x updates",
                "units": "1"}),
            "b_theory": (("point", "time"), b_theory, {
                "long_name": "b(t) of eq. 37 from the trained runs' initial amplitude",
                "units": "1"}),
            "inverse_temperature": ("point", betas, {"long_name": "inverse temperature beta",
                                                     "units": "1"}),
            "b_trained_stationary": ("point", trained_shape[:, 0], {
                "long_name": "b of the mean trained profile", "units": "1"}),
            "height_trained": ("point", trained_shape[:, 1], {
                "long_name": "peak height of the mean trained profile", "units": "1"}),
            "fwhm_trained": ("point", trained_shape[:, 2], {
                "long_name": "FWHM of the mean trained profile (cubic spline)", "units": "site"}),
            "profile_lattice": ("offset", lattice, {
                "long_name": "stationary profile of eq. 37 (lattice, one unit)", "units": "1"}),
            "profiles_two_units": (("site", "unit"), two, {
                "long_name": "stationary profiles of eqs. 50-51 (two units)", "units": "1"}),
            "profile_continuum": ("x", continuum, {
                "long_name": "stationary profile of the continuum equation (38-39), grid "
                             f"spacing {CONTINUUM_DX}", "units": "1"}),
            "profile_closed_form": ("x", closed_form, {
                "long_name": "closed form sqrt(2(b-2))/cosh(x sqrt(b-2)), b = 8 - 4 sqrt 2 "
                             "(eq. 44)", "units": "1"}),
            "separation": (("start_separation", "repulsion_time"), separations, {
                "long_name": "distance between the two units' centres (eqs. 50-51), started "
                             "as one-unit peaks start_separation apart", "units": "site"}),
        },
        coords={
            "point": stacked["point"],
            "offset": ("offset", offsets, {"long_name": "site minus peak site", "units": "site"}),
            "site": ("site", np.arange(n_sites), {"long_name": "site of the ring", "units": "site"}),
            "epoch": ("epoch", epochs, {"long_name": "training epoch", "units": "epoch"}),
            "time": ("time", times, {"long_name": "rescaled learning time", "units": "1"}),
            "x": ("x", x, {"long_name": "position minus peak position", "units": "site"}),
            "unit": ("unit", [0, 1], {"long_name": "hidden unit of the two-unit theory"}),
            "start_separation": ("start_separation", list(START_SEPARATIONS), {
                "long_name": "initial distance between the two peaks", "units": "site"}),
            "repulsion_time": ("repulsion_time", repulsion_times, {
                "long_name": "rescaled learning time", "units": "1"}),
        },
    )
    for name, profile, spacing, where in (("lattice", lattice, 1.0, "eq. 37 on the ring"),
                                          ("continuum", continuum, CONTINUUM_DX, "eqs. 38-39"),
                                          ("closed_form", closed_form, CONTINUUM_DX, "eq. 44")):
        b, height, fwhm = shape_of(profile, spacing)
        out[f"b_{name}"] = ((), b, {"long_name": f"b = integral of w^2, {where}", "units": "1"})
        out[f"height_{name}"] = ((), height, {"long_name": f"peak height, {where}", "units": "1"})
        out[f"fwhm_{name}"] = ((), fwhm, {"long_name": f"FWHM, {where}", "units": "site"})
    out = unstack_points(out, axes, cube)
    out.attrs.update(description="small-beta theory (paper Fig. 14) and trained weights / sqrt(beta)",
                     n_visible=n_sites, transient_epochs=int(transient_epochs),
                     b_stationary_closed_form=float(theory.stationary_b()))
    return out


AGGREGATES = {"small_beta": small_beta}

FIGURES = {
    "theory_profiles": Figure("small_beta", "small_beta:theory_profiles"),  # Fig. 14
    "theory_vs_weights": Figure("small_beta", "small_beta:theory_vs_weights"),
}
