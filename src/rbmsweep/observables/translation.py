"""The translation mode of a profile on the ring (docs/physics.md §17.2): shifting a profile
by any real number of sites, its derivative with respect to the shift, and the centre that
best matches a template — the coordinate along the translation mode.

A profile w_i on N sites is shifted by x (w_i → w(i − x)) through its Fourier series,
ŵ_k → ŵ_k e^{−2πi k x/N}: exact for the band-limited interpolation of the profile, the same
interpolation in which the circular-mean centre (§5.2) moves by exactly x.  (On an even ring
the Nyquist mode k = N/2 cannot be moved by a fraction of a site and stay real: its share of
the profile, tiny for a smooth field, is not kept exactly.)  The derivative
∂w/∂x₀ of a profile w(i − x₀) is the spectral derivative −IFFT(2πi k/N · ŵ_k) (k the signed
wave number, the Nyquist mode of an even N dropped: its derivative is not real).
"""

import numpy as np

from .ring import FLAT_TOLERANCE


def _wave_numbers(n_sites):
    return np.fft.fftfreq(n_sites, d=1.0 / n_sites)  # 0, 1, ..., -1 (signed)


def shift_profile(profile, shift):
    """``profile`` (…, N) moved by ``shift`` sites along the ring: w_i → w(i − shift), by its
    Fourier series (exact for integer shifts; band-limited interpolation in between)."""
    profile = np.asarray(profile, dtype=float)
    n_sites = profile.shape[-1]
    k = _wave_numbers(n_sites)
    phase = np.exp(-2j * np.pi * k * np.asarray(shift, dtype=float)[..., None] / n_sites)
    return np.fft.ifft(np.fft.fft(profile, axis=-1) * phase, axis=-1).real


def translation_mode(profile):
    """∂w/∂x₀ of the profile moved by x₀, at x₀ = 0: the spectral derivative −w′ (…, N)."""
    profile = np.asarray(profile, dtype=float)
    n_sites = profile.shape[-1]
    k = _wave_numbers(n_sites)
    if n_sites % 2 == 0:
        k[n_sites // 2] = 0.0
    return np.fft.ifft(np.fft.fft(profile, axis=-1) * (-2j * np.pi * k / n_sites),
                       axis=-1).real


def matched_center(profile, template, guess=None, iterations=30):
    """The shift x ∈ [0, N) that maximises the overlap Σ_i w_i t(i − x) of ``profile`` w with
    ``template`` t (both length N): the coordinate of w along the template's translation mode
    (at the optimum, w is orthogonal to ∂t(i − x)/∂x).  The best integer shift by FFT
    cross-correlation (or ``guess``), then Newton's method on the overlap's Fourier series;
    NaN if the profile or the template is not finite, or the overlap does not depend on the
    shift (a flat profile; ``ring.FLAT_TOLERANCE``)."""
    w = np.asarray(profile, dtype=float)
    t = np.asarray(template, dtype=float)
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(t))) or not np.any(t):
        return np.nan
    n_sites = w.size
    k = _wave_numbers(n_sites)
    spectrum = np.fft.fft(w) * np.conj(np.fft.fft(t)) / n_sites  # overlap(x) = Σ_k s_k e^{2πikx/N}
    overlap = np.fft.ifft(spectrum).real * n_sites
    if not np.ptp(overlap) > FLAT_TOLERANCE * np.sum(np.abs(w)) * np.max(np.abs(t)):
        return np.nan  # a flat profile (or all zero): no shift is better than another
    x = float(np.argmax(overlap)) if guess is None or not np.isfinite(guess) else float(guess)
    omega = 2j * np.pi * k / n_sites
    for _ in range(iterations):
        phase = spectrum * np.exp(omega * x)
        first = float(np.sum(phase * omega).real)
        second = float(np.sum(phase * omega**2).real)
        if second >= 0:  # not at a maximum: back to the best integer shift
            x = float(np.argmax(overlap))
            break
        step = first / second
        x -= step
        if abs(step) < 1e-12:
            break
    return x % n_sites


def aligned_mean_profile(profiles, centers):
    """The mean of ``profiles`` (…, N) each moved so that its centre ``centers`` (…) is at 0
    (``shift_profile``); profiles with a NaN are left out.  NaN (N) if none is left."""
    profiles = np.asarray(profiles, dtype=float).reshape(-1, np.shape(profiles)[-1])
    centers = np.asarray(centers, dtype=float).ravel()
    good = np.all(np.isfinite(profiles), axis=1) & np.isfinite(centers)
    if not good.any():
        return np.full(profiles.shape[-1], np.nan)
    return shift_profile(profiles[good], -centers[good]).mean(axis=0)
