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
from .base import Figure, final_rbm, training_run

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
                     sweep=",".join(dim for dim in sweep_dims(cube) if dim != "seed"))
    return out


AGGREGATES = {"algorithms": algorithms}

FIGURES = {
    "log_likelihood_bracket": Figure("cube", "training_algorithms:log_likelihood_bracket"),
    "weight_histograms": Figure("cube", "training_algorithms:weight_histograms"),  # Fig. 2a-c
    "features": Figure("cube", "training_algorithms:features"),                    # Fig. 2d-e
    "model_samples": Figure("cube", "training_algorithms:model_samples"),          # Fig. 2f-h
}
