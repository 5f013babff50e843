"""Bad input stops at validation, before any job, with a message naming key, value and rule."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from snakemake.utils import validate

from rbmsweep.config import ConfigError, all_datasets, all_runs, check_config

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = str(ROOT / "workflow" / "schemas" / "config.schema.yaml")

GOOD = {
    "studies": {
        "place_cells": {
            "data": {"model": "ising", "n_visible": 20, "beta": [0.5, 1.0], "n_samples": 200},
            "rbm": {"n_hidden": [1, 2], "visible": "spin", "hidden": "spin"},
            "train": {"batch_size": 10, "epochs": 3},
            "seeds": 2,
        }
    }
}


def validated(config):
    config = copy.deepcopy(config)
    validate(config, SCHEMA)
    return check_config(config)


def with_value(section, key, value):
    config = copy.deepcopy(GOOD)
    target = config["studies"]["place_cells"]
    if section:
        target = target.setdefault(section, {})
    target[key] = value
    return config


def test_good_config_expands_to_the_cartesian_product():
    config = validated(GOOD)
    runs = all_runs(config)["place_cells"]
    assert len(runs) == 2 * 2 * 2
    assert "beta~1.0/n_hidden~2/seed~1" in runs
    # data are shared by every run with the same data parameters and seed
    assert len(all_datasets(config)) == 2 * 2
    # defaults from the schema are filled in
    run = runs["beta~0.5/n_hidden~1/seed~0"]
    assert run["train"]["algorithm"] == "pcd" and run["train"]["gibbs_steps"] == 20
    assert run["data"]["n_test"] == 1000


def test_alpha_gives_the_number_of_samples():
    config = copy.deepcopy(GOOD)
    data = config["studies"]["place_cells"]["data"]
    del data["n_samples"]
    data["alpha"] = [0.1, 0.05]
    runs = all_runs(validated(config))["place_cells"]
    assert {run["data"]["n_samples"] for run in runs.values()} == {200, 400}
    assert all("alpha~" in run_id for run_id in runs)


SCHEMA_ERRORS = [
    ("data", "beta", -1.0, "minimum"),
    ("data", "beta", "hot", "not of type"),
    ("data", "beta", [0.5, -0.1], "minimum"),
    ("data", "n_visible", 1, "minimum"),
    ("data", "n_samples", 0, "minimum"),
    ("train", "batch_size", 0, "minimum"),
    ("train", "batch_size", -5, "minimum"),
    ("rbm", "n_hidden", 0, "minimum"),
    ("rbm", "hidden", "gaussian_typo", "is not one of"),
    ("rbm", "visible", "potts", "is not one of"),
    ("train", "algorithm", "tap", "is not one of"),
    ("train", "learning_rate", 0, "less than or equal to the minimum"),
    ("data", "colour", "red", "Additional properties"),
    ("train", "lerning_rate", 0.1, "Additional properties"),
]


@pytest.mark.parametrize("section,key,value,reason", SCHEMA_ERRORS)
def test_schema_rejects_bad_values_naming_key_and_value(section, key, value, reason):
    with pytest.raises(Exception) as error:
        validated(with_value(section, key, value))
    message = str(error.value) + str(getattr(error.value, "__cause__", ""))
    for args in getattr(error.value, "args", ()):
        message += str(args)
    assert reason in message
    assert key in message  # the offending key is named (in the path or the message)
    shown = value[-1] if isinstance(value, list) else value  # a list names its bad item
    assert repr(shown) in message or str(shown) in message


def test_unknown_top_level_and_study_keys():
    with pytest.raises(Exception, match="Additional properties"):
        validated({**GOOD, "studeis": {}})
    config = copy.deepcopy(GOOD)
    config["studies"]["place_cells"]["sedes"] = 3
    with pytest.raises(Exception, match="sedes"):
        validated(config)


def test_batch_larger_than_the_data_is_rejected():
    with pytest.raises(ConfigError, match=r"train\.batch_size: value 500 .* at most .*\(200 "):
        validated(with_value("train", "batch_size", 500))


def test_nan_beta_is_rejected():
    with pytest.raises(ConfigError, match=r"data\.beta: value nan"):
        validated(with_value("data", "beta", float("nan")))


def test_samples_and_alpha_are_exclusive():
    with pytest.raises(ConfigError, match="exactly one of n_samples and alpha"):
        validated(with_value("data", "alpha", 0.1))


def test_unknown_kind_is_rejected():
    config = copy.deepcopy(GOOD)
    config["studies"]["mystery"] = config["studies"].pop("place_cells")
    with pytest.raises(ConfigError, match="studies.mystery.kind"):
        validated(config)


@pytest.mark.parametrize("section,key,value,expected", [
    ("data", "beta", -1.0, "-1.0 is less than the minimum of 0"),
    ("train", "batch_size", 5000, "train.batch_size: value 5000"),
])
def test_snakemake_stops_before_any_job(tmp_path, section, key, value, expected):
    config_file = tmp_path / "bad.yaml"
    config_file.write_text(yaml.safe_dump(with_value(section, key, value)))
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--cores", "1", "-s", str(ROOT / "Snakefile"),
         "--configfile", str(config_file), "-d", str(tmp_path)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert expected in output
    assert "Job stats" not in output and not (tmp_path / "results").exists()
