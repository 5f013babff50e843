"""Observables of trained weights (DESIGN §3.4): place-field centre and width, order
parameters, singular values.  Functions take plain arrays; ``add_observables`` maps them over
a run's snapshots in an ``xarray.Dataset``.
"""

import numpy as np
import xarray as xr
from scipy.interpolate import CubicSpline


def orient(profile):
    """The profile with its sign chosen so that its largest-magnitude entry is positive.

    With zero fields and ±1 hidden units the likelihood is invariant under w → −w, so a
    place field is a peak of either sign; the observables describe the positive one.
    """
    profile = np.asarray(profile, dtype=np.float64)
    magnitude = np.abs(profile)
    if not np.isfinite(magnitude).any():
        return profile
    return profile if profile[np.nanargmax(magnitude)] >= 0 else -profile


def peak_center(profile):
    """Circular mean position of a receptive field on the ring, in sites, in [0, N).

    The angle of Σ_i w_i e^{2πi·i/N} (DESIGN §3.4), for the oriented profile.
    """
    profile = orient(profile)
    n_sites = len(profile)
    phases = np.exp(2j * np.pi * np.arange(n_sites) / n_sites)
    resultant = np.dot(profile, phases)
    if abs(resultant) == 0.0:
        return np.nan
    return (np.angle(resultant) * n_sites / (2 * np.pi)) % n_sites


def peak_width(profile):
    """Full width at half maximum of the main peak, in sites (the paper's Fig. 3b method).

    A cubic spline through w_i − max(w)/2 (profile rolled so the peak sits mid-ring); the
    width is the distance between the spline's roots on either side of the peak.  NaN if
    the profile never falls below half its maximum on one side (no localised peak).
    """
    profile = orient(profile)
    n_sites = len(profile)
    peak = int(np.argmax(profile))
    shift = n_sites // 2 - peak
    rolled = np.roll(profile, shift)
    sites = np.arange(n_sites, dtype=np.float64)
    spline = CubicSpline(sites, rolled - rolled.max() / 2.0)
    roots = spline.roots(extrapolate=False)
    middle = n_sites // 2
    left = roots[roots < middle]
    right = roots[roots > middle]
    if len(left) == 0 or len(right) == 0:
        return np.nan
    return float(right.min() - left.max())


def order_parameter(profile):
    """W = |Σ_i w_i| (paper eq. 11/12): large for a place field, → 0 when the RBM overfits."""
    return float(abs(np.sum(profile)))


def weight_max(profile):
    """max_i |w_i|: an order parameter that does not cancel between bumps of opposite sign."""
    return float(np.max(np.abs(profile)))


def low_mode_fraction(profile, max_wavenumber=2):
    """Fraction of |w|² in the Fourier modes |k| ≤ ``max_wavenumber`` of the ring.

    Those modes are the top eigenvectors of any translation-invariant correlation matrix on the
    ring (the Ising population eigenvalues (1−t²)/(1−2t cos k+t²) decrease with |k|), so this is
    the weights' overlap with the data's leading principal components in the large-sample
    limit: ≈ (2·max_wavenumber+1)/N for weights that fit noise, → 1 for a smooth place field.
    It does not cancel between bumps of opposite sign, unlike W = |Σ_i w_i|.
    """
    profile = np.asarray(profile, dtype=np.float64)
    power = np.abs(np.fft.rfft(profile)) ** 2
    total = len(profile) * np.sum(profile**2)  # Parseval: Σ|F_k|² over all k = N Σ w²
    if total == 0.0:
        return np.nan
    low = power[0] + 2.0 * np.sum(power[1:max_wavenumber + 1])
    return float(low / total)


# -- ring geometry: the one home of positions on the ring of N sites -------------------------
def ring_distance(a, b, n_sites):
    """Distance between positions ``a`` and ``b`` on a ring of ``n_sites`` sites, in [0, N/2]."""
    return np.abs((np.asarray(a) - np.asarray(b) + n_sites / 2) % n_sites - n_sites / 2)


def unwrap_centers(centers, n_sites, axis=-1):
    """Centre trajectories made continuous across the periodic boundary: consecutive positions
    along ``axis`` are joined by their shortest way round the ring (± N jumps removed).  NaN
    positions (no peak) stay NaN and are stepped over."""
    centers = np.moveaxis(np.asarray(centers, dtype=np.float64), axis, -1)
    out = np.full(centers.shape, np.nan)
    flat_in = centers.reshape(-1, centers.shape[-1])
    flat_out = out.reshape(-1, centers.shape[-1])
    for row_in, row_out in zip(flat_in, flat_out):
        good = np.isfinite(row_in)
        if good.any():
            row_out[good] = np.unwrap(row_in[good], period=n_sites)
    return np.moveaxis(out, -1, axis)


def center_on_peak(profile, half_window=3):
    """The oriented profile (peak positive) rolled so that its main peak sits at index N // 2.

    The peak's centre is the weighted mean position of the sites within ``half_window`` of
    the maximum (rounded to a site): steadier than the maximum of a noisy trained profile,
    and, unlike the circular mean over the whole ring, not pulled towards a second bump (with
    two hidden units each unit's weights can carry a smaller bump where the other's peak is).
    """
    profile = orient(profile)
    n = len(profile)
    top = int(np.nanargmax(profile))
    offsets = np.arange(-half_window, half_window + 1)
    weights = np.clip(profile[(top + offsets) % n], 0.0, None)
    shift = float(np.dot(weights, offsets) / weights.sum()) if weights.sum() > 0 else 0.0
    return np.roll(profile, n // 2 - int(round(top + shift)) % n)


#: per-hidden-unit observables: name -> (function of one weight column, long_name, units)
PROFILE_OBSERVABLES = {
    "peak_center": (peak_center, "place-field centre (circular mean on the ring)", "site"),
    "peak_width": (peak_width, "place-field full width at half maximum (cubic spline)", "site"),
    "order_parameter": (order_parameter, "order parameter W = |sum_i w_i|", "1"),
    "weight_max": (weight_max, "largest weight magnitude max_i |w_i|", "1"),
    "low_mode_fraction": (low_mode_fraction,
                          "fraction of |w|^2 in the ring's Fourier modes |k| <= 2", "1"),
}


def add_observables(run):
    """Add the DESIGN §3.4 observables of every snapshot to a run dataset (in place, returned)."""
    weights = run["weights"].transpose("epoch", "visible", "hidden").values
    n_epochs, _, n_hidden = weights.shape
    for name, (function, long_name, units) in PROFILE_OBSERVABLES.items():
        values = np.array([[function(weights[e, :, mu]) for mu in range(n_hidden)]
                           for e in range(n_epochs)])
        run[name] = (("epoch", "hidden"), values, {"long_name": long_name, "units": units})
    singular = np.linalg.svd(weights, compute_uv=False)  # (epoch, mode)
    run["singular_values"] = xr.DataArray(
        singular, dims=("epoch", "mode"),
        attrs={"long_name": "singular values of the weight matrix", "units": "1"})
    run = run.assign_coords(mode=np.arange(singular.shape[1]))
    return run
