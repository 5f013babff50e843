"""Observables of one receptive field on the ring, and the geometry of the ring
(docs/physics.md §5): place-field centre and width, order parameters, distances, unwrapping.
The functions take one weight column w_i (a profile over the N sites of the ring).

A profile containing NaN (a hidden unit a cube pads for a smaller M) has NaN observables.
"""

import numpy as np
import xarray as xr

#: ``peak_center``: a profile whose first Fourier mode |Σ_i w_i e^{2πi·i/N}| is below this
#: fraction of Σ_i |w_i| has no circular mean (flat, all zero, or symmetric about two
#: opposite points); round-off of the sum is ~N·1e-16 of Σ|w_i|, far below it
FLAT_TOLERANCE = 1e-9


def orient(profile):
    """The profile with its sign chosen so that its largest-magnitude entry is positive.

    With zero fields and ±1 hidden units the likelihood is invariant under w → −w, so a
    place field is a peak of either sign; the observables describe the positive one
    (docs/physics.md §5.1).
    """
    profile = np.asarray(profile, dtype=np.float64)
    magnitude = np.abs(profile)
    if not np.isfinite(magnitude).any():
        return profile
    return profile if profile[np.nanargmax(magnitude)] >= 0 else -profile


def peak_center(profile):
    """Circular mean position of a receptive field on the ring, in sites, in [0, N).

    x = N/(2π) · arg R with R = Σ_i w_i e^{2πi·i/N}, for the oriented profile (docs/physics.md
    §5.2).  NaN for a profile with no centre: |R| ≤ ``FLAT_TOLERANCE`` · Σ_i |w_i| (a flat or
    all-zero profile has R = 0 up to round-off), or a profile containing NaN.
    """
    profile = orient(profile)
    if not np.isfinite(profile).all():
        return np.nan
    n_sites = len(profile)
    phases = np.exp(2j * np.pi * np.arange(n_sites) / n_sites)
    resultant = np.dot(profile, phases)
    if not abs(resultant) > FLAT_TOLERANCE * np.sum(np.abs(profile)):
        return np.nan
    center = (np.angle(resultant) * n_sites / (2 * np.pi)) % n_sites
    # a peak at site 0 has an angle of order −1e-17: its remainder rounds up to N itself
    return float(center) if center < n_sites else 0.0


#: ``is_localised``: fewest consecutive sites above half maximum in the main peak (a FWHM of
#: about two lattice spacings; a narrower "peak" is a single-site spike, as in noise)
MIN_PEAK_SITES = 3
#: ``is_localised``: the main peak's least share of the profile's excess above half maximum
MIN_PEAK_SHARE = 0.5


def main_peak(profile):
    """Mask of the main peak of the oriented profile: the arc of consecutive sites of the
    ring above half the maximum, max_i w_i / 2, that holds the maximum (all False if the
    maximum is not positive or the profile contains NaN)."""
    profile = orient(profile)
    n_sites = len(profile)
    mask = np.zeros(n_sites, dtype=bool)
    if not np.isfinite(profile).all() or not np.max(profile) > 0:
        return mask
    above = profile > np.max(profile) / 2.0
    if above.all():
        return above
    # from the maximum, step each way round the ring until a site at or below half maximum
    top = int(np.argmax(profile))
    for step in (1, -1):
        site = top
        while above[site % n_sites]:
            mask[site % n_sites] = True
            site += step
    return mask


def is_localised(profile):
    """Whether the oriented profile has a localised peak, whose width is a place field's
    (docs/physics.md §5.3).  With h = max_i w_i > 0 and the excess above half maximum
    e_i = max(w_i − h/2, 0), the main peak (``main_peak``: the arc of consecutive sites
    above h/2 around the maximum) must

    - leave some site of the ring at or below h/2 (a flat profile has no half-maximum
      crossing);
    - span at least ``MIN_PEAK_SITES`` = 3 sites, i.e. a FWHM of about two lattice spacings
      or more: a single-site spike (what the maximum of i.i.d. noise is, 84 % of the time
      on 100 sites) has no width to speak of;
    - hold more than ``MIN_PEAK_SHARE`` = 1/2 of Σ_i e_i: other regions may rise above h/2
      (noise on a trained field, or the smaller bump a unit carries where another unit's
      field sits) as long as the main peak dominates them; a unit with two bumps of equal
      size, or noise whose sites above h/2 are scattered over the ring, fails.

    On i.i.d. Gaussian noise of 100 sites 0.36 % of profiles pass (71 of 20 000 seeds); trained
    place fields of the default sweep pass at the last epoch (docs/physics.md §5.3).
    """
    profile = orient(profile)
    peak = main_peak(profile)
    if not peak.any() or peak.all() or peak.sum() < MIN_PEAK_SITES:
        return False
    excess = np.clip(profile - np.max(profile) / 2.0, 0.0, None)
    return bool(np.sum(excess[peak]) > MIN_PEAK_SHARE * np.sum(excess))


def peak_width(profile):
    """Full width at half maximum of the main peak, in sites (HTCM20 Fig. 3b measures the
    peak's width; docs/physics.md §5.3).

    A cubic spline through w_i − max(w)/2 (profile rolled so the peak sits mid-ring); the
    width is the distance between the spline's roots on either side of the peak.  NaN if the
    profile has no localised peak (``is_localised``: a main peak of at least 3 sites above
    half maximum that holds most of the profile's excess above half maximum), or if the
    spline has no root on one side of the peak.
    """
    profile = orient(profile)
    if not is_localised(profile):
        return np.nan
    n_sites = len(profile)
    peak = int(np.argmax(profile))
    rolled = np.roll(profile, n_sites // 2 - peak)
    left, right = spline_crossings(rolled - rolled.max() / 2.0, n_sites // 2)
    return float(right - left)


def spline_crossings(values, middle):
    """The roots of the not-a-knot cubic spline through ``values`` at x = 0, 1, ..., n − 1
    (``scipy.interpolate.CubicSpline``'s default) nearest ``middle`` on either side: the
    largest root < middle and the smallest root > middle (NaN where there is none).

    Solved here (a linear system for the slopes, then each piece's cubic, from ``middle``
    outwards) rather than with scipy.interpolate, whose import alone costs a short training job
    ~0.5 s; tests/test_observables.py checks it against CubicSpline."""
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    if n < 4:  # (not-a-knot needs 4 knots; never a ring)
        from scipy.interpolate import CubicSpline

        roots = CubicSpline(np.arange(n, dtype=np.float64), values).roots(extrapolate=False)
        left, right = roots[roots < middle], roots[roots > middle]
        return (left.max() if len(left) else np.nan, right.min() if len(right) else np.nan)
    slopes = _not_a_knot_slopes(values)

    def roots(k):  # roots of the piece on [k, k + 1]
        m = values[k + 1] - values[k]
        c3 = slopes[k] + slopes[k + 1] - 2.0 * m
        c2 = 3.0 * m - 2.0 * slopes[k] - slopes[k + 1]
        if _no_sign_change(values[k], slopes[k], c2, c3):
            return np.empty(0)
        t = np.roots([c3, c2, slopes[k], values[k]])
        t = t.real[np.abs(t.imag) <= 1e-9 * np.maximum(1.0, np.abs(t.real))]
        return k + t[(t >= 0.0) & (t <= 1.0)]

    left = right = np.nan
    for k in range(min(middle, n - 1) - 1, -1, -1):
        found = [x for x in roots(k) if x < middle]
        if found:
            left = max(found)
            break
    for k in range(max(middle, 0), n - 1):
        found = [x for x in roots(k) if x > middle]
        if found:
            right = min(found)
            break
    return left, right


def _no_sign_change(c0, c1, c2, c3):
    """Whether p(t) = c0 + c1 t + c2 t² + c3 t³ keeps one strict sign on [0, 1]: its values at
    0, 1 and its critical points inside (a cheap test that spares most pieces a root solve)."""
    points = [0.0, 1.0]
    if c3 != 0.0:
        discriminant = c2 * c2 - 3.0 * c3 * c1
        if discriminant >= 0.0:
            root = np.sqrt(discriminant)
            points += [(-c2 + root) / (3.0 * c3), (-c2 - root) / (3.0 * c3)]
    elif c2 != 0.0:
        points.append(-c1 / (2.0 * c2))
    values = [c0 + t * (c1 + t * (c2 + t * c3)) for t in points if 0.0 <= t <= 1.0]
    return min(values) > 0.0 or max(values) < 0.0


def _not_a_knot_slopes(values):
    """First derivatives at the knots of the not-a-knot cubic spline through ``values`` at unit
    spacing: s_{i−1} + 4 s_i + s_{i+1} = 3 (y_{i+1} − y_{i−1}) inside, and a continuous third
    derivative at the second and the second-last knot (first row s_0 + 2 s_1, last row
    2 s_{n−2} + s_{n−1}): a tridiagonal system, solved by elimination (Thomas; no LAPACK call,
    whose threads cost more than the solve)."""
    n = len(values)
    step = np.diff(values)
    lower = np.ones(n)  # lower[i]: coefficient of s_{i−1} in row i
    diagonal = np.full(n, 4.0)
    upper = np.ones(n)  # upper[i]: coefficient of s_{i+1} in row i
    rhs = np.empty(n)
    rhs[1:-1] = 3.0 * (values[2:] - values[:-2])
    diagonal[0], upper[0], rhs[0] = 1.0, 2.0, (5.0 * step[0] + step[1]) / 2.0
    lower[-1], diagonal[-1], rhs[-1] = 2.0, 1.0, (step[-2] + 5.0 * step[-1]) / 2.0
    for i in range(1, n):
        factor = lower[i] / diagonal[i - 1]
        diagonal[i] -= factor * upper[i - 1]
        rhs[i] -= factor * rhs[i - 1]
    slopes = np.empty(n)
    slopes[-1] = rhs[-1] / diagonal[-1]
    for i in range(n - 2, -1, -1):
        slopes[i] = (rhs[i] - upper[i] * slopes[i + 1]) / diagonal[i]
    return slopes


def order_parameter(profile):
    """W = |Σ_i w_i|, the empirical order parameter of HTCM20 eq. 11: large for a place
    field, → 0 when the RBM overfits (docs/physics.md §5.4)."""
    return float(abs(np.sum(profile)))


def weight_max(profile):
    """max_i |w_i|: an order parameter that does not cancel between bumps of opposite sign
    (docs/physics.md §5.4)."""
    return float(np.max(np.abs(profile)))


def low_mode_fraction(profile, max_wavenumber=2):
    """Fraction of |w|² in the Fourier modes |k| ≤ ``max_wavenumber`` of the ring
    (docs/physics.md §5.5): Σ_{|k| ≤ K} |ŵ_k|² / (N Σ_i w_i²), ŵ_k = Σ_i w_i e^{−2πi·ik/N},
    each of the N modes k = −⌈N/2⌉+1, ..., ⌊N/2⌋ counted once (for even N the Nyquist mode
    k = N/2 is its own mirror image), so that K ≥ N/2 gives 1 (Parseval).

    Those modes are the top eigenvectors of any translation-invariant correlation matrix on the
    ring (the Ising population eigenvalues (1−t²)/(1−2t cos k+t²) decrease with |k|), so this is
    the weights' overlap with the data's leading principal components in the large-sample
    limit: ≈ (2·max_wavenumber+1)/N for weights that fit noise, → 1 for a smooth place field.
    It does not cancel between bumps of opposite sign, unlike W = |Σ_i w_i|.
    """
    profile = np.asarray(profile, dtype=np.float64)
    n_sites = len(profile)
    power = np.abs(np.fft.rfft(profile)) ** 2  # k = 0, ..., ⌊N/2⌋
    total = n_sites * np.sum(profile**2)  # Parseval: Σ_k |ŵ_k|² over all N modes = N Σ w²
    if not total > 0.0:
        return np.nan
    # every 0 < k < N/2 stands for the pair ±k; k = 0 and (even N) k = N/2 for one mode
    multiplicity = np.full(len(power), 2.0)
    multiplicity[0] = 1.0
    if n_sites % 2 == 0:
        multiplicity[-1] = 1.0
    low = np.sum((multiplicity * power)[: max_wavenumber + 1])
    return float(low / total)


# -- ring geometry: the one home of positions on the ring of N sites -------------------------
def ring_distance(a, b, n_sites):
    """Distance between positions ``a`` and ``b`` on a ring of ``n_sites`` sites, in [0, N/2]:
    |((a − b + N/2) mod N) − N/2| (docs/physics.md §5.7)."""
    return np.abs((np.asarray(a) - np.asarray(b) + n_sites / 2) % n_sites - n_sites / 2)


def unwrap_centers(centers, n_sites, axis=-1):
    """Centre trajectories made continuous across the periodic boundary: consecutive positions
    along ``axis`` are joined by their shortest way round the ring (± N jumps removed; a step
    of more than N/2 is taken as a crossing of the boundary, docs/physics.md §5.7).  NaN
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
    two hidden units each unit's weights can carry a smaller bump where the other's peak is;
    docs/physics.md §5.8).
    """
    profile = orient(profile)
    n = len(profile)
    top = int(np.nanargmax(profile))
    offsets = np.arange(-half_window, half_window + 1)
    weights = np.clip(profile[(top + offsets) % n], 0.0, None)
    shift = float(np.dot(weights, offsets) / weights.sum()) if weights.sum() > 0 else 0.0
    return np.roll(profile, n // 2 - int(round(top + shift)) % n)
