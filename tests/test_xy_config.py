"""Bad xy input stopped at config validation, naming the key, the value and what is allowed
(the schema's own checks of q, kernel and couplings are in tests/test_config.py)."""

import copy

import pytest

from rbmsweep import studies
from rbmsweep.config import all_runs
from rbmsweep.validation import ConfigError, validate

XY = {"studies": {"fields": {
    "kind": "xy_fields",
    "data": {"model": "xy", "n_visible": 12, "q": 5, "beta": 1.5, "n_samples": 200},
    "rbm": {"visible": "potts", "hidden": "spin"},
    "train": {"batch_size": 10, "epochs": 2},
}}}


def problems(cfg):
    with pytest.raises(ConfigError) as error:
        validate(copy.deepcopy(cfg), studies.KINDS)
    return error.value.problems


def with_data(**values):
    cfg = copy.deepcopy(XY)
    cfg["studies"]["fields"]["data"].update(values)
    return cfg


def test_a_good_xy_study_expands():
    cfg = with_data(couplings=[[1.0], [1.0, 0.5]], kernel=["cosine", "short_range"])
    runs = all_runs(validate(copy.deepcopy(cfg), studies.KINDS))["fields"]
    assert {(run.data.couplings, run.data.kernel) for run in runs.values()} == {
        ((1.0,), "cosine"), ((1.0, 0.5), "cosine"), ((1.0,), "short_range"),
        ((1.0, 0.5), "short_range")}
    assert "couplings~1.0,0.5" in next(iter(runs.values())).data.id or any(
        "couplings~1.0,0.5" in run.data.id for run in runs.values())


@pytest.mark.parametrize("values, expected", [
    ({"couplings": [1.0] * 6}, "studies.fields.data.couplings: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0] is "
                               "not allowed; a ring of n_visible = 12 sites takes at most 5 "
                               "couplings (distances r < N/2)"),
    ({"couplings": [[1.0], [1.0] * 6]}, "studies.fields.data.couplings[1]: [1.0, 1.0, 1.0, 1.0, "
                                        "1.0, 1.0] is not allowed; a ring of n_visible = 12"),
    ({"couplings": [[1.0], 0.5]}, "studies.fields.data.couplings: [[1.0], 0.5] is not allowed; "
                                  "give a list of numbers [J1, J2, ...] or a list of such lists"),
    ({"couplings": [1.0, float("inf")]}, "studies.fields.data.couplings: Infinity is not allowed; "
                                         "it must be a finite number"),
    ({"couplings": [1.0, "strong"]}, "studies.fields.data.couplings[1]: 'strong' is not allowed; "
                                     "it must be a number or a list"),
    ({"couplings": 1.0}, "studies.fields.data.couplings: 1.0 is not allowed; it must be a list"),
    ({"kernel": "gaussian"}, "studies.fields.data.kernel: 'gaussian' is not allowed; allowed: "
                             "cosine, short_range"),
    ({"kernel": ["cosine", "delta"]}, "studies.fields.data.kernel[1]: 'delta' is not allowed; "
                                      "allowed: cosine, short_range"),
    ({"q": 1}, "studies.fields.data.q: 1 is not allowed; it must be ≥ 2"),
    ({"q": 200}, "studies.fields.data.q: 200 is not allowed; it must be ≤ 127"),
])
def test_bad_xy_data_are_refused(values, expected):
    found = problems(with_data(**values))
    assert any(problem.startswith(expected) for problem in found), found


def test_the_xy_kinds_take_xy_data_and_the_spectrum_kind_ising_data():
    cfg = copy.deepcopy(XY)
    cfg["studies"]["fields"]["data"] = {"model": "ising", "n_visible": 12, "beta": 1.0,
                                        "n_samples": 200}
    cfg["studies"]["fields"]["rbm"]["visible"] = "spin"
    assert problems(cfg) == ["studies.fields.data.model: 'ising' is not allowed; a study of kind "
                             "xy_fields takes data of model xy"]
    spectrum = {"studies": {"s": {"kind": "spectrum", "data": {
        "model": "xy", "n_visible": 12, "q": 5, "beta": 1.0, "alpha": 0.1}}}}
    assert problems(spectrum) == ["studies.s.data.model: 'xy' is not allowed; a study of kind "
                                  "spectrum takes data of model ising"]


def test_spin_units_with_xy_data_and_theta_for_spin_units_are_refused():
    cfg = copy.deepcopy(XY)
    cfg["studies"]["fields"]["rbm"].update(visible="spin", theta=-2.0)
    found = problems(cfg)
    assert ("studies.fields.rbm.visible: 'spin' is not allowed; data of model xy need visible "
            "units: potts") in found
    assert any(p.startswith("studies.fields.rbm.theta: -2.0 is not allowed; only hidden "
                            "double_well units take it") for p in found)
    cfg["studies"]["fields"]["rbm"].update(visible="potts", theta="deep")
    assert any(p.startswith("studies.fields.rbm.theta: 'deep' is not allowed; it must be a "
                            "number") for p in problems(cfg))
