"""A training run's snapshots as an ``xarray.Dataset`` (docs/physics.md §4, §12).

``snapshot(rbm, epoch, v, test, method)`` records the parameters of one snapshot and the
log-likelihoods of the train and test data by the exact ``method`` (``rbmsweep.likelihood``;
None: not computed); ``history(records, rbm, ...)`` stacks the snapshots into the run's
dataset: dimensions (epoch, visible, hidden), plus ``state`` (0…q−1) for Potts units.
"""

import numpy as np
import xarray as xr

from .likelihood import METHODS
from .subsample import mean_and_standard_error


def snapshot(rbm, epoch, v, test, method, subsample=None):
    """One record: the parameters at ``epoch`` and the mean log-likelihoods (NaN when
    ``method`` is None or there is no test data).  ``subsample``: None (every configuration),
    or the rows to evaluate, ``{"ll_train": rows, "ll_test": rows}`` (``rbmsweep.subsample``;
    rows None: all), and the record gets the standard errors ``ll_train_se``, ``ll_test_se``."""
    entry = {"epoch": int(epoch), "weights": rbm.weights.copy(),
             "visible_fields": rbm.visible_fields.copy(),
             "hidden_fields": rbm.hidden_fields.copy(), "ll_train": np.nan, "ll_test": np.nan}
    if subsample is not None:
        entry.update(ll_train_se=np.nan, ll_test_se=np.nan)
    if method is not None:
        log_z = rbm.log_partition(method)
        for name, data in (("ll_train", v), ("ll_test", test)):
            if data is None:
                continue
            if subsample is None:
                entry[name] = float(rbm.log_likelihood(data, method=method, log_z=log_z))
                continue
            rows = subsample.get(name)
            values = rbm.negative_free_energy(data if rows is None else data[rows]) - log_z
            entry[name], entry[name + "_se"] = mean_and_standard_error(values, len(data))
    return entry


def _likelihood_attrs(which, method):
    return {"long_name": f"mean log-likelihood of the {which} data", "units": "nat",
            "method": method or "not computed",
            "estimator": METHODS[method] if method else "not computed"}


def history(records, rbm, method, attrs):
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
        "log_likelihood_train": ("epoch", [r["ll_train"] for r in records],
                                 _likelihood_attrs("training", method)),
        "log_likelihood_test": ("epoch", [r["ll_test"] for r in records],
                                _likelihood_attrs("test", method)),
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
