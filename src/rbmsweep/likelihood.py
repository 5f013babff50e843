"""The log-likelihood a training run records at its snapshots, by the estimator the model
allows (docs/physics.md §3.5, §15): exact where a layer can be enumerated, otherwise bracketed
by forward and reverse annealed importance sampling (``rbmsweep.ais``).  Every value says which
estimator produced it (``METHODS``, the run's ``log_likelihood_method``), and carries a lower and
an upper estimate (equal to it when exact).
"""

import numpy as np

from . import ais

#: codes of the run variable ``log_likelihood_method`` (CF flag_values / flag_meanings)
METHODS = {"not_computed": 0, "exact": 1, "ais_bracket": 2}

#: the default AIS settings (the schema's ``train.ais``)
DEFAULT_AIS = {"chains": 100, "temperatures": 1000}


def method_for(rbm, wanted=True):
    """The estimator of a run's snapshots: "exact" (a layer of at most 20 units), "ais_bracket"
    (binary units), else "not_computed"."""
    if not wanted:
        return "not_computed"
    if rbm.log_likelihood_is_exact:
        return "exact"
    if {rbm.visible.name, rbm.hidden.name} <= {"spin", "bernoulli"}:
        return "ais_bracket"
    return "not_computed"


def estimator_description(method, settings=None):
    """In words, for the attributes of the log-likelihood variables."""
    if method == "exact":
        return "exact enumeration"
    if method == "ais_bracket":
        settings = {**DEFAULT_AIS, **(settings or {})}
        temperatures = settings["temperatures"]
        count = temperatures if np.ndim(temperatures) == 0 else len(temperatures)
        return (f"annealed importance sampling: point value from forward AIS, lower bound from "
                f"reverse AIS, each {settings['chains']} chains over {count} inverse "
                "temperatures, bounds at 2 standard errors (docs/physics.md §15)")
    return "not computed"


def snapshot(rbm, v, test, method, settings=None, seed=(0,)):
    """The log-likelihood record of one snapshot: ``ll_train``, ``ll_test`` and their
    ``_lower`` / ``_upper``, ``log_partition`` and its ``_lower`` / ``_upper`` (NaN when not
    computed or without test data).  ``seed``: the AIS draws' streams (a tuple)."""
    entry = {f"{name}{part}": np.nan for name in ("ll_train", "ll_test", "log_partition")
             for part in ("", "_lower", "_upper")}
    if method == "not_computed":
        return entry
    if method == "exact":
        log_z = rbm.log_partition()
        log_z_lower = log_z_upper = log_z
    else:
        settings = {**DEFAULT_AIS, **(settings or {})}
        bracket = ais.log_partition_bracket(rbm, settings["chains"], settings["temperatures"],
                                            seed=seed, data=v)
        log_z, log_z_lower, log_z_upper = bracket.forward, bracket.lower, bracket.upper
    entry.update(log_partition=log_z, log_partition_lower=log_z_lower,
                 log_partition_upper=log_z_upper)
    for name, configurations in (("ll_train", v), ("ll_test", test)):
        if configurations is None or len(configurations) == 0:
            continue
        mean = float(np.mean(rbm.negative_free_energy(configurations)))
        entry.update({name: mean - log_z, f"{name}_lower": mean - log_z_upper,
                      f"{name}_upper": mean - log_z_lower})
    return entry


#: the run variables of a record's entries: name -> (record key, long_name, units)
VARIABLES = {
    "log_likelihood_train": ("ll_train", "mean log-likelihood of the training data", "nat"),
    "log_likelihood_train_lower": ("ll_train_lower",
                                   "lower estimate of the training data's mean log-likelihood",
                                   "nat"),
    "log_likelihood_train_upper": ("ll_train_upper",
                                   "upper estimate of the training data's mean log-likelihood",
                                   "nat"),
    "log_likelihood_test": ("ll_test", "mean log-likelihood of the test data", "nat"),
    "log_likelihood_test_lower": ("ll_test_lower",
                                  "lower estimate of the test data's mean log-likelihood", "nat"),
    "log_likelihood_test_upper": ("ll_test_upper",
                                  "upper estimate of the test data's mean log-likelihood", "nat"),
    "log_partition": ("log_partition", "log partition function log Z", "nat"),
    "log_partition_lower": ("log_partition_lower", "lower estimate of log Z", "nat"),
    "log_partition_upper": ("log_partition_upper", "upper estimate of log Z", "nat"),
}


def run_variables(records, method, settings=None):
    """The log-likelihood variables of a run (over ``epoch``) from its snapshot records, each
    with its estimator in the attributes, and ``log_likelihood_method`` (a flag)."""
    description = estimator_description(method, settings)
    variables = {
        name: ("epoch", [record[key] for record in records],
               {"long_name": long_name, "units": units, "method": description})
        for name, (key, long_name, units) in VARIABLES.items()}
    variables["log_likelihood_method"] = ((), METHODS[method], {
        "long_name": "estimator of the log-likelihood", "method": description,
        "flag_values": list(METHODS.values()), "flag_meanings": " ".join(METHODS)})
    return variables
