"""PCD against CD against extended mean-field (TAP) training on image data ([F17] §I, Fig. 2;
docs/physics.md §16.4): the test log-likelihood along training with its estimator and bracket,
the weight distributions, the features (weight columns) and samples drawn from each model.

A run trains (``base.training_run``) and then draws ``N_MODEL_SAMPLES`` configurations from the
trained RBM by Gibbs sampling (``model_samples``), whatever the algorithm that trained it.
``algorithms`` reduces the cube over seeds, per algorithm (and any other sweep axis).
"""

import numpy as np
import xarray as xr

from ..io import sweep_dims
from .base import (Claim, Figure, Outcome, final_rbm, seed_stderr, sweep_points,
                   training_run)

TRAINS = True
#: configurations drawn from each trained model, and the Gibbs sweeps before they are taken
N_MODEL_SAMPLES = 24
SAMPLE_SWEEPS = 1000


def add_model_samples(run, spec, n_samples=N_MODEL_SAMPLES, sweeps=SAMPLE_SWEEPS):
    """``model_samples`` (model_sample, visible): independent Gibbs chains of the run's last
    snapshot, from uniformly random configurations, after ``sweeps`` sweeps."""
    rbm = final_rbm(run, spec)
    samples = rbm.sample(n_samples, n_steps=sweeps, seed=spec.seed)
    run["model_samples"] = (("model_sample", "visible"), samples, {
        "long_name": f"configurations drawn from the trained model ({sweeps} Gibbs sweeps from "
                     "random starts)", "units": "1"})
    return run.assign_coords(model_sample=np.arange(n_samples))


def run(spec, samples, test, **options):
    """Train, then draw samples from the trained model."""
    return add_model_samples(training_run(spec, samples, test, **options), spec)


def algorithms(cube):
    """Per algorithm (and every other sweep axis) and snapshot: the mean over seeds of the
    test and training log-likelihood, of the test log-likelihood's lower and upper estimates,
    its spread over seeds, the estimator, T_eff and the spread of the weights; the same at the
    last epoch as ``final_*``."""
    names = {"log_likelihood_test": "test", "log_likelihood_test_lower": "test_lower",
             "log_likelihood_test_upper": "test_upper", "log_likelihood_train": "train",
             "effective_temperature": "effective_temperature"}
    present = {name: short for name, short in names.items() if name in cube}
    seeds = [dim for dim in ("seed",) if dim in cube.dims]
    out = xr.Dataset()
    for name, short in present.items():
        values = cube[name]
        out[f"{short}_mean"] = values.mean(seeds).assign_attrs(
            long_name=f"{values.attrs.get('long_name', name)}, mean over seeds",
            units=values.attrs.get("units", "1"))
        out[f"{short}_std"] = values.std(seeds, ddof=1 if cube.sizes.get("seed", 1) > 1 else 0
                                         ).assign_attrs(
            long_name=f"{values.attrs.get('long_name', name)}, standard deviation over seeds",
            units=values.attrs.get("units", "1"))
    out["weight_std"] = cube["weights"].std(["visible", "hidden"]).mean(seeds).assign_attrs(
        long_name="standard deviation of the weights, mean over seeds", units="1")
    if "log_likelihood_method" in cube:
        out["log_likelihood_method"] = cube["log_likelihood_method"].max(seeds).assign_attrs(
            cube["log_likelihood_method"].attrs)
    for name in list(out.data_vars):
        if "epoch" in out[name].dims:
            out[f"final_{name}"] = out[name].isel(epoch=-1, drop=True).assign_attrs(
                long_name=f"{out[name].attrs['long_name']}, last epoch",
                units=out[name].attrs.get("units", "1"))
    out.attrs.update(description="training algorithms compared over seeds ([F17] Fig. 2)",
                     n_seeds=int(cube.sizes.get("seed", 1)),
                     sweep=",".join(dim for dim in sweep_dims(cube) if dim != "seed"))
    return out


AGGREGATES = {"algorithms": algorithms}

FIGURES = {
    "log_likelihood_bracket": Figure("cube", "training_algorithms:log_likelihood_bracket"),
    "weight_histograms": Figure("cube", "training_algorithms:weight_histograms"),  # Fig. 2a-c
    "features": Figure("cube", "training_algorithms:features"),                    # Fig. 2d-e
    "model_samples": Figure("cube", "training_algorithms:model_samples"),          # Fig. 2f-h
}


# -- the claims (docs/physics.md §16.4, §17.5) ---------------------------------------------------
#: "comparable" log-likelihoods: within this fraction of |log-likelihood| (+ 2 s.e.)
COMPARABLE_FRACTION = 0.025
#: training lowers T_eff at least by this factor (the weights grow from init_std)
T_EFF_DROP = 10.0
#: "very similar" weight distributions: the spreads of W within this factor of PCD's
SIMILAR_SPREAD = 1.25
#: an AIS bracket narrow enough to compare models: at most this wide (nat)
BRACKET_WIDTH = 1.0


def _points(algorithms, variable):
    """(label, entry) for every sweep point of ``variable`` (all its dims but ``epoch``)."""
    data = algorithms[variable]
    axes = [dim for dim in data.dims if dim != "epoch"]
    return [(label, algorithms.sel(selection)) for label, selection in sweep_points(data, axes)]


def _by_algorithm(algorithms):
    """The sweep points other than the algorithm (``(label, selection)``), or None when the
    study does not sweep the algorithm with PCD among them."""
    if "algorithm" not in algorithms.dims or "pcd" not in algorithms["algorithm"].values:
        return None
    others = [dim for dim in algorithms["final_weight_std"].dims if dim != "algorithm"]
    return sweep_points(algorithms["final_weight_std"].isel(algorithm=0), others)


def check_comparable(aggregates):
    """At every sweep point, each algorithm's final test log-likelihood within 2.5 % of
    |PCD's| + 2 s.e. of the difference (exact), or its AIS bracket within that of PCD's."""
    algorithms = aggregates["algorithms"]
    points = _by_algorithm(algorithms)
    if points is None:
        return Outcome("the study does not compare algorithms with PCD", None)
    if "final_test_mean" not in algorithms:
        return Outcome("no test log-likelihood in the study", None)
    rows, passed = [], []
    for label, selection in points:
        entry = algorithms.sel(selection)
        pcd = entry.sel(algorithm="pcd")
        exact = int(pcd["log_likelihood_method"]) == 1 if "log_likelihood_method" in pcd \
            else True
        for algorithm in entry["algorithm"].values:
            if algorithm == "pcd":
                continue
            other = entry.sel(algorithm=algorithm)
            value, reference = float(other["final_test_mean"]), float(pcd["final_test_mean"])
            if not (np.isfinite(value) and np.isfinite(reference)):
                continue
            error = float(np.hypot(seed_stderr(algorithms, float(other["final_test_std"])),
                                   seed_stderr(algorithms, float(pcd["final_test_std"]))))
            if exact or "final_test_lower_mean" not in entry:
                gap = abs(value - reference)
                shown = f"{value:.2f} vs {reference:.2f}"
            else:
                low, high = float(other["final_test_lower_mean"]), \
                    float(other["final_test_upper_mean"])
                plow, phigh = float(pcd["final_test_lower_mean"]), \
                    float(pcd["final_test_upper_mean"])
                gap = max(0.0, low - phigh, plow - high)
                shown = f"[{low:.2f}, {high:.2f}] vs [{plow:.2f}, {phigh:.2f}] (AIS)"
            tolerance = COMPARABLE_FRACTION * abs(reference) + 2 * error
            passed.append(gap <= tolerance)
            rows.append(f"{label + ': ' if label else ''}{algorithm} vs PCD {shown}, gap "
                        f"{gap:.2f} (allowed {tolerance:.2f})")
    if not rows:
        return Outcome("no final test log-likelihood to compare", None)
    note = "" if algorithms.attrs.get("n_seeds") else " (n_seeds unknown: s.e. = seed spread)"
    return Outcome("; ".join(rows) + note, bool(all(passed)))


def check_temperature_falls(aggregates):
    """For every algorithm and sweep point, T_eff at the last snapshot at least 10× below the
    first snapshot's (the initial weights)."""
    algorithms = aggregates["algorithms"]
    temperature = algorithms["effective_temperature_mean"]
    if "epoch" not in temperature.dims or temperature.sizes["epoch"] < 2:
        return Outcome("fewer than two snapshots", None)
    first, last = temperature.isel(epoch=0), temperature.isel(epoch=-1)
    ratio = (first / last).values.ravel()
    labels = [label for label, _ in _points(algorithms, "final_effective_temperature_mean")]
    return Outcome(
        f"T_eff from {float(first.min()):.3g}-{float(first.max()):.3g} (epoch "
        f"{int(temperature['epoch'][0])}) to {float(last.min()):.3g}-{float(last.max()):.3g} "
        f"(epoch {int(temperature['epoch'][-1])}): drop x{np.nanmin(ratio):.3g} (worst"
        + (f", {labels[int(np.nanargmin(ratio))]}" if labels[0] else "") + ")",
        bool(np.all(ratio >= T_EFF_DROP)))


def check_similar_weights(aggregates):
    """At every sweep point, each algorithm's final spread of the weights within a factor 1.25
    of PCD's."""
    algorithms = aggregates["algorithms"]
    points = _by_algorithm(algorithms)
    if points is None:
        return Outcome("the study does not compare algorithms with PCD", None)
    rows, ratios = [], []
    for label, selection in points:
        entry = algorithms.sel(selection)
        reference = float(entry["final_weight_std"].sel(algorithm="pcd"))
        for algorithm in entry["algorithm"].values:
            if algorithm == "pcd":
                continue
            ratio = float(entry["final_weight_std"].sel(algorithm=algorithm)) / reference
            ratios.append(ratio)
            rows.append(f"{label + ': ' if label else ''}{algorithm}/PCD {ratio:.2f}")
    if not rows:
        return Outcome("only PCD in the study", None)
    ratios = np.array(ratios)
    return Outcome(f"std(W) at the last snapshot: {'; '.join(rows)} (PCD "
                   f"{float(algorithms['final_weight_std'].sel(algorithm='pcd').min()):.3f}-"
                   f"{float(algorithms['final_weight_std'].sel(algorithm='pcd').max()):.3f})",
                   bool(np.all((ratios <= SIMILAR_SPREAD) & (ratios >= 1 / SIMILAR_SPREAD))))


def check_bracket(aggregates):
    """(Beyond the paper) wherever the test log-likelihood is an AIS bracket, it is at most
    1 nat wide (mean over seeds of upper - lower at the last snapshot)."""
    algorithms = aggregates["algorithms"]
    if "log_likelihood_method" not in algorithms or "final_test_lower_mean" not in algorithms:
        return Outcome("no test log-likelihood in the study", None)
    method = algorithms["log_likelihood_method"]
    ais = (method == 2).values
    if not ais.any():
        return Outcome("no AIS estimate in the study (every log-likelihood exact)", None)
    width = (algorithms["final_test_upper_mean"] - algorithms["final_test_lower_mean"]).values
    width = width[ais]
    value = algorithms["final_test_mean"].values[ais]
    return Outcome(f"{int(ais.sum())} AIS points: bracket width {width.min():.2f}-"
                   f"{width.max():.2f} nat around test log-likelihoods {value.min():.2f} to "
                   f"{value.max():.2f}", bool(np.all(width <= BRACKET_WIDTH)))


CLAIMS = (
    Claim("PCD, CD and extended mean-field (TAP) training give comparable models: their test "
          "log-likelihoods agree", "F17 Fig. 2, §I.C", "comparable results, PCD slightly "
          "preferable", "each algorithm's final test log-likelihood within 2.5% of |PCD's| "
          "(+ 2 s.e. of the difference) at every sweep point; with AIS, the brackets that "
          "close", ("algorithms",), check_comparable),
    Claim("training widens the weight distribution: T_eff = 1/Var(W) falls, whatever the "
          "algorithm", "F17 Fig. 2a-c, eq. 18", "variance of W increases, T_eff decreases",
          "T_eff at the last snapshot at least 10x below its initial value for every "
          "algorithm and sweep point", ("algorithms",), check_temperature_falls),
    Claim("the weight distributions after PCD and TAP (and CD) training are very similar",
          "F17 Fig. 2b-c", "the two distributions are very similar",
          "every algorithm's final std(W) within a factor 1.25 of PCD's at every sweep point",
          ("algorithms",), check_similar_weights),
    Claim("(beyond the paper) where no exact log Z is possible, forward and reverse AIS "
          "bracket the test log-likelihood tightly", "docs/physics.md §15.4", "",
          "upper - lower at most 1 nat at every AIS sweep point", ("algorithms",),
          check_bracket),
)
