"""A training run's snapshots as an ``xarray.Dataset`` (docs/physics.md §4, §12).

``snapshot(rbm, epoch, v, test, method)`` records the parameters of one snapshot and the
log-likelihoods of the train and test data by ``method`` (``rbmsweep.likelihood``: an exact
method, "ais" for a bracket by annealed importance sampling, docs/physics.md §15; None: not
computed), each with its lower and upper estimates (equal to it when exact), and log Z;
``history(records, rbm, ...)`` stacks the snapshots into the run's dataset: dimensions (epoch,
visible, hidden), plus ``state`` (0…q−1) for Potts units.
"""

import numpy as np
import xarray as xr

from .likelihood import DEFAULT_AIS, METHOD_FLAGS, METHODS, ais_log_likelihood
from .subsample import mean_and_standard_error

#: the log-likelihood variables of a run: name -> (record key, long_name)
LIKELIHOOD_VARIABLES = {
    "log_likelihood_train": ("ll_train", "mean log-likelihood of the training data"),
    "log_likelihood_train_lower": ("ll_train_lower",
                                   "lower estimate of the training data's mean log-likelihood"),
    "log_likelihood_train_upper": ("ll_train_upper",
                                   "upper estimate of the training data's mean log-likelihood"),
    "log_likelihood_test": ("ll_test", "mean log-likelihood of the test data"),
    "log_likelihood_test_lower": ("ll_test_lower",
                                  "lower estimate of the test data's mean log-likelihood"),
    "log_likelihood_test_upper": ("ll_test_upper",
                                  "upper estimate of the test data's mean log-likelihood"),
    "log_partition": ("log_partition", "log partition function log Z"),
    "log_partition_lower": ("log_partition_lower", "lower estimate of log Z"),
    "log_partition_upper": ("log_partition_upper", "upper estimate of log Z"),
}


def snapshot(rbm, epoch, v, test, method, ais=None, seed=(0,), subsample=None):
    """One record: the parameters at ``epoch`` and the mean log-likelihoods with their lower
    and upper estimates, and log Z (NaN when ``method`` is None or there is no test data).
    "ais": one bracket of log Z per snapshot (``ais`` = {chains, temperatures}, draws from the
    streams of ``seed``), the training data as the reverse chains' start.  ``subsample``: None
    (every configuration), or the rows to evaluate, ``{"ll_train": rows, "ll_test": rows}``
    (``rbmsweep.subsample``; rows None: all), and the record gets the standard errors
    ``ll_train_se``, ``ll_test_se``."""
    entry = {"epoch": int(epoch), "weights": rbm.weights.copy(),
             "visible_fields": rbm.visible_fields.copy(),
             "hidden_fields": rbm.hidden_fields.copy(),
             **{key: np.nan for key, _ in LIKELIHOOD_VARIABLES.values()}}
    if subsample is not None:
        entry.update(ll_train_se=np.nan, ll_test_se=np.nan)
    if method is None:
        return entry
    if method == "ais":
        from .ais import log_partition_bracket

        settings = {**DEFAULT_AIS, **(ais or {})}
        bracket = log_partition_bracket(rbm, settings["chains"], settings["temperatures"],
                                        seed=seed, data=v)
        log_z = (bracket.forward, bracket.lower, bracket.upper)

        def estimate(x):
            return ais_log_likelihood(rbm, x, bracket=bracket)
    else:
        value = rbm.log_partition(method)
        log_z = (value, value, value)

        def estimate(x):
            return rbm.log_likelihood(x, method=method, log_z=value)
    entry.update(log_partition=log_z[0], log_partition_lower=log_z[1],
                 log_partition_upper=log_z[2])
    for name, x in (("ll_train", v), ("ll_test", test)):
        if x is None or not len(x):
            continue
        rows = None if subsample is None else subsample.get(name)
        part = x if rows is None else x[rows]
        result = estimate(part)
        entry.update({name: float(result), f"{name}_lower": result.lower,
                      f"{name}_upper": result.upper})
        if subsample is not None:  # the standard error of the subsample's mean of −F
            entry[f"{name}_se"] = mean_and_standard_error(rbm.negative_free_energy(part),
                                                          len(x))[1]
    return entry


def _likelihood_attrs(long_name, method, ais):
    estimator = METHODS[method] if method else "not computed"
    if method == "ais":
        settings = {**DEFAULT_AIS, **(ais or {})}
        count = settings["temperatures"]
        count = count if np.ndim(count) == 0 else len(count)
        estimator += f"; {settings['chains']} chains each, {count} inverse temperatures"
    return {"long_name": long_name, "units": "nat", "method": method or "not computed",
            "estimator": estimator}


def history(records, rbm, method, ais, attrs):
    """The run dataset of ``records`` (``snapshot``), with ``attrs`` as global attributes."""
    potts = rbm.q is not None
    state = ("state",) if potts else ()
    data_vars = {
        "weights": (("epoch", "visible", "hidden") + state,
                    np.stack([r["weights"] for r in records]),
                    {"long_name": "weights w_i,mu" + ("(state)" if potts else ""), "units": "1",
                     "gauge": rbm.gauge}),
        "visible_fields": (("epoch", "visible") + state,
                           np.stack([r["visible_fields"] for r in records]),
                           {"long_name": "visible fields g_i" + ("(state)" if potts else ""),
                            "units": "1", "gauge": rbm.gauge}),
        "hidden_fields": (("epoch", "hidden"), np.stack([r["hidden_fields"] for r in records]),
                          {"long_name": "hidden fields c_mu", "units": "1"}),
        **{name: ("epoch", [r[key] for r in records], _likelihood_attrs(long_name, method, ais))
           for name, (key, long_name) in LIKELIHOOD_VARIABLES.items()},
        "log_likelihood_method": ((), METHOD_FLAGS[
            "not_computed" if method is None else "ais" if method == "ais" else "exact"], {
            "long_name": "estimator of the log-likelihood",
            "flag_values": list(METHOD_FLAGS.values()), "flag_meanings": " ".join(METHOD_FLAGS)}),
    }
    if records and "ll_train_se" in records[0]:  # a subsample (rbmsweep.subsample)
        for part in ("train", "test"):
            data_vars[f"log_likelihood_{part}_se"] = (
                "epoch", [r[f"ll_{part}_se"] for r in records],
                {"long_name": f"standard error of log_likelihood_{part} (a random subsample "
                              f"of {attrs.get('log_likelihood_samples')} configurations)",
                 "units": "nat"})
    coords = {
        "epoch": ("epoch", [r["epoch"] for r in records],
                  {"long_name": "training epoch", "units": "epoch"}),
        "visible": ("visible", np.arange(rbm.n_visible), {"long_name": "visible unit (site)"}),
        "hidden": ("hidden", np.arange(rbm.n_hidden), {"long_name": "hidden unit"}),
    }
    if potts:
        coords["state"] = ("state", np.arange(rbm.q), {"long_name": "Potts state of a site"})
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def unit_attrs(rbm):
    """The unit types and their parameters, as run attributes."""
    attrs = {"visible": rbm.visible.name, "hidden": rbm.hidden.name,
             "zero_fields": int(rbm.zero_fields), "gauge": rbm.gauge}
    if rbm.q is not None:
        attrs["q"] = rbm.q
    if rbm.hidden.name == "double_well":
        attrs["theta"] = rbm.theta
    if rbm.visible.name == "gaussian":
        attrs["visible_variance"] = rbm.visible_variance
    if rbm.hidden.name == "gaussian":
        attrs["hidden_variance"] = rbm.hidden_variance
    return attrs
