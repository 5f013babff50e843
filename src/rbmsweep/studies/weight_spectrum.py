"""The singular-value decomposition of the weights along training ([F17] §II-III, Figs. 3-5;
docs/physics.md §16.2-16.3): the singular values against the Marchenko–Pastur bulk of the
initial weights, the outliers that leave it, T_eff, the left singular vectors against the
data's principal components, and the cutoff of the log-log rank plot.

A run trains (``base.training_run``; every run carries the weight spectrum,
``observables.weight_spectrum.add_weight_spectrum``) and adds the overlaps of its left
singular vectors with the principal directions of its (centred) training data.
``spectrum_dynamics`` reduces the cube over seeds.
"""

import numpy as np
import xarray as xr

from ..observables.weight_spectrum import add_principal_overlaps
from .base import Claim, Figure, Outcome, seed_stderr, training_run

TRAINS = True
#: principal components compared with the left singular vectors
N_COMPONENTS = 10


def run(spec, samples, test, **options):
    """Train, then the overlaps of the left singular vectors with the principal directions of
    the centred training data."""
    return add_principal_overlaps(training_run(spec, samples, test, **options), samples,
                                  n_components=N_COMPONENTS, centre=True)


def spectrum_dynamics(cube):
    """Per snapshot, mean and spread over seeds of the number of singular values above the
    initial Marchenko–Pastur edge, of T_eff and of the rank-plot cutoff; the overlap of each
    of the first left singular vectors with the principal direction of the same rank, and
    its largest overlap with any of the first ``N_COMPONENTS``."""
    seeds = [dim for dim in ("seed",) if dim in cube.dims]
    ddof = 1 if cube.sizes.get("seed", 1) > 1 else 0
    out = xr.Dataset()
    for name in ("n_above_marchenko_pastur", "effective_temperature", "rank_cutoff"):
        values = cube[name]
        out[f"{name}_mean"] = values.mean(seeds).assign_attrs(
            long_name=f"{values.attrs['long_name']}, mean over seeds", units=values.attrs["units"])
        out[f"{name}_std"] = values.std(seeds, ddof=ddof).assign_attrs(
            long_name=f"{values.attrs['long_name']}, standard deviation over seeds",
            units=values.attrs["units"])
    count = min(N_COMPONENTS, cube.sizes["mode"], cube.sizes["component"])
    overlap = cube["principal_overlap"].isel(mode=slice(0, count), component=slice(0, count))
    same_rank = xr.apply_ufunc(np.diagonal, overlap, input_core_dims=[["mode", "component"]],
                               output_core_dims=[["mode"]], kwargs={"axis1": -2, "axis2": -1})
    out["same_rank_overlap"] = same_rank.mean(seeds).assign_attrs(
        long_name="|u_alpha . e_alpha|: left singular vector against the principal direction of "
                  "the same rank, mean over seeds", units="1")
    out["best_overlap"] = overlap.max("component").mean(seeds).assign_attrs(
        long_name="largest |u_alpha . e_beta| over the first principal directions, mean over "
                  "seeds", units="1")
    for name in ("marchenko_pastur_lower", "marchenko_pastur_upper"):
        out[name] = cube[name].max(seeds).assign_attrs(cube[name].attrs)
    out.attrs.update(description="weight spectrum along training ([F17] Figs. 3-5)",
                     n_seeds=int(cube.sizes.get("seed", 1)))
    return out


AGGREGATES = {"spectrum_dynamics": spectrum_dynamics}

FIGURES = {
    "singular_value_histograms": Figure("cube", "weight_spectrum:singular_value_histograms"),
    "singular_vectors": Figure("cube", "weight_spectrum:singular_vectors"),          # Fig. 4
    "rank_plot": Figure("cube", "weight_spectrum:rank_plot"),                        # Fig. 5
    "spectrum_dynamics": Figure("spectrum_dynamics", "weight_spectrum:dynamics"),
}


# -- the claims (docs/physics.md §16.2-16.3, §17.5) ---------------------------------------------
#: outliers the training must pull out of the bulk by its end
MIN_OUTLIERS = 3
#: the early left singular vectors are the principal directions: mean best overlap of the
#: first OVERLAP_MODES at least this
EARLY_OVERLAP = 0.7
OVERLAP_MODES = 3
#: T_eff falls at least by this factor, and then changes by less than LEVEL_CHANGE over the
#: last third of the training
T_EFF_DROP = 10.0
LEVEL_CHANGE = 0.2


def _series(dynamics, name):
    """``name`` over the snapshots (one sweep point: the study's only one; a study sweeping
    more takes its first), with the epochs."""
    data = dynamics[name]
    extra = {dim: 0 for dim in data.dims if dim not in ("epoch", "mode")}
    data = data.isel(extra)
    return data["epoch"].values, data.values


def check_outliers(aggregates):
    """The number of singular values above the initial Marchenko–Pastur edge (mean over
    seeds): at most 1 at the start (the Tracy–Widom fluctuation), at least 3 at the end, never
    down by more than 1 between snapshots, through at least 3 distinct values."""
    dynamics = aggregates["spectrum_dynamics"]
    epochs, count = _series(dynamics, "n_above_marchenko_pastur_mean")
    if len(epochs) < 3 or epochs[0] != 0:
        return Outcome("no initial snapshot, or fewer than 3 snapshots", None)
    steps = np.diff(count)
    passed = (count[0] <= 1 and count[-1] >= MIN_OUTLIERS and np.all(steps >= -1)
              and len(np.unique(count)) >= 3)
    path = ", ".join(f"{value:g}" for value in count)
    return Outcome(f"outliers above the initial edge (mean over seeds) at epochs "
                   f"{', '.join(str(int(e)) for e in epochs)}: {path}", bool(passed))


def check_singular_vectors(aggregates):
    """At the first trained snapshot the first left singular vectors are the data's principal
    directions (mean best overlap of the first 3 ≥ 0.7); at the last snapshot less so."""
    dynamics = aggregates["spectrum_dynamics"]
    epochs, best = _series(dynamics, "best_overlap")
    _, same = _series(dynamics, "same_rank_overlap")
    trained = np.flatnonzero(epochs > 0)
    count = min(OVERLAP_MODES, best.shape[-1])
    if trained.size < 2:
        return Outcome("fewer than two trained snapshots", None)
    early, late = best[trained[0], :count].mean(), best[-1, :count].mean()
    means = best[:, :count].mean(axis=1)
    peak = int(np.nanargmax(means))
    return Outcome(
        f"first {count} left singular vectors, best overlap with a principal direction "
        f"(mean): {early:.2f} at epoch {int(epochs[trained[0]])} ("
        + ", ".join(f"{value:.2f}" for value in best[trained[0], :count]) + "; same rank "
        + ", ".join(f"{value:.2f}" for value in same[trained[0], :count])
        + f"), {late:.2f} at epoch {int(epochs[-1])}; highest {means[peak]:.2f} at epoch "
        f"{int(epochs[peak])}", bool(early >= EARLY_OVERLAP and late < early))


def check_cutoff(aggregates):
    """The rank-plot cutoff rises over the training (last trained snapshot above the first by
    more than 2 s.e.), less over the second half of the epochs than over the first."""
    dynamics = aggregates["spectrum_dynamics"]
    epochs, cutoff = _series(dynamics, "rank_cutoff_mean")
    _, spread = _series(dynamics, "rank_cutoff_std")
    trained = np.flatnonzero((epochs > 0) & np.isfinite(cutoff))
    if trained.size < 3:
        return Outcome("fewer than three trained snapshots with a cutoff", None)
    first, last = trained[0], trained[-1]
    middle = trained[np.argmin(np.abs(epochs[trained] - (epochs[first] + epochs[last]) / 2))]
    rise = cutoff[last] - cutoff[first]
    error = float(np.hypot(seed_stderr(dynamics, spread[first]),
                           seed_stderr(dynamics, spread[last])))
    early, late = cutoff[middle] - cutoff[first], cutoff[last] - cutoff[middle]
    return Outcome(
        f"cutoff rank {cutoff[first]:.1f} (epoch {int(epochs[first])}), {cutoff[middle]:.1f} "
        f"(epoch {int(epochs[middle])}), {cutoff[last]:.1f} (epoch {int(epochs[last])}): rise "
        f"{rise:.1f} ± {error:.1f}, {early:.1f} in the first half, {late:.1f} in the second "
        "(all snapshots: " + ", ".join(f"{value:g}" for value in cutoff[trained]) + ")"
        + ("" if dynamics.attrs.get("n_seeds") else "; n_seeds unknown: s.e. = seed spread"),
        bool(rise > 2 * error and late < early))


def check_temperature(aggregates):
    """T_eff = 1/Var(W) falls at least 10× from the start and changes by less than 20 % over
    the last third of the training."""
    dynamics = aggregates["spectrum_dynamics"]
    epochs, temperature = _series(dynamics, "effective_temperature_mean")
    if len(epochs) < 3 or epochs[0] != 0:
        return Outcome("no initial snapshot, or fewer than 3 snapshots", None)
    start = np.flatnonzero(epochs >= epochs[-1] * 2 / 3)[0]
    if start == len(epochs) - 1:
        return Outcome("one snapshot in the last third of the training", None)
    drop = temperature[0] / temperature[-1]
    change = abs(temperature[-1] / temperature[start] - 1)
    return Outcome(
        f"T_eff {temperature[0]:.3g} (epoch 0) -> {temperature[start]:.3g} (epoch "
        f"{int(epochs[start])}) -> {temperature[-1]:.3g} (epoch {int(epochs[-1])}): drop "
        f"x{drop:.3g}, last-third change {100 * change:.0f}%",
        bool(drop >= T_EFF_DROP and change < LEVEL_CHANGE))


CLAIMS = (
    Claim("the initial singular values fill the Marchenko-Pastur bulk; training pulls them out "
          "of it one after another", "F17 Fig. 3", "all below the edge at the start, outliers "
          "leave the bulk during training", "mean number above the initial edge <= 1 at epoch "
          "0 (Tracy-Widom), >= 3 at the end, never down by more than 1 between snapshots, "
          "through >= 3 distinct values", ("spectrum_dynamics",), check_outliers),
    Claim("early in training the left singular vectors of W are the principal directions of "
          "the data; later the similarity is lost", "F17 Fig. 4, §II.D",
          "very similar in the first epochs, not comparable later",
          "mean best |u_alpha . e_beta| of the first 3 modes >= 0.7 at the first trained "
          "snapshot, and lower at the last", ("spectrum_dynamics",), check_singular_vectors),
    Claim("the cutoff of the log-log rank plot increases with the epochs, ever more slowly",
          "F17 Fig. 5", "cutoff increasing with the epochs, very slowly after long training",
          "last cutoff above the first trained snapshot's by > 2 s.e., with less rise over the "
          "second half of the epochs than over the first", ("spectrum_dynamics",),
          check_cutoff),
    Claim("T_eff = 1/Var(W) falls during training and then converges to a low value",
          "F17 eq. 18, §I.C", "converges after about 20 epochs (MNIST)",
          "at least 10x below its start at the end, and within 20% over the last third of the "
          "epochs", ("spectrum_dynamics",), check_temperature),
)
