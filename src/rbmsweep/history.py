"""A training run's snapshots as an ``xarray.Dataset`` (docs/physics.md §4, §12).

``snapshot(rbm, epoch, v, test, method)`` records the parameters of one snapshot and the
log-likelihoods of the train and test data by the exact ``method`` (``rbmsweep.likelihood``;
None: not computed); ``history(records, rbm, ...)`` stacks the snapshots into the run's
dataset: dimensions (epoch, visible, hidden), plus ``state`` (0…q−1) for Potts units.
"""

import numpy as np
import xarray as xr

from .likelihood import METHODS


def snapshot(rbm, epoch, v, test, method):
    """One record: the parameters at ``epoch`` and the mean log-likelihoods (NaN when
    ``method`` is None or there is no test data)."""
    entry = {"epoch": int(epoch), "weights": rbm.weights.copy(),
             "visible_fields": rbm.visible_fields.copy(),
             "hidden_fields": rbm.hidden_fields.copy(), "ll_train": np.nan, "ll_test": np.nan}
    if method is not None:
        log_z = rbm.log_partition(method)
        entry["ll_train"] = float(rbm.log_likelihood(v, method=method, log_z=log_z))
        if test is not None:
            entry["ll_test"] = float(rbm.log_likelihood(test, method=method, log_z=log_z))
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
