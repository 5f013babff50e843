"""The config: expansion into typed runs, defaults from the schema alone, and bad input stopped
at validation, before any job, with every problem named (key path, value, what is allowed)."""

import copy
import dataclasses
import inspect
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

from rbmsweep import RBM, config, studies
from rbmsweep.config import RunSpec, all_datasets, all_runs
from rbmsweep.schema import defaults, schema
from rbmsweep.validation import ConfigError, validate
from rbmsweep.training import train

ROOT = Path(__file__).resolve().parents[1]

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


def validated(cfg):
    return validate(copy.deepcopy(cfg), studies.KINDS)


def with_value(section, key, value, cfg=GOOD):
    cfg = copy.deepcopy(cfg)
    target = cfg["studies"]["place_cells"]
    if section:
        target = target.setdefault(section, {})
    target[key] = value
    return cfg


def problems_of(cfg):
    with pytest.raises(ConfigError) as error:
        validated(cfg)
    return error.value.problems


def test_good_config_expands_to_the_cartesian_product():
    runs = all_runs(validated(GOOD))["place_cells"]
    assert len(runs) == 2 * 2 * 2
    run = runs["beta~1.0/n_hidden~2/seed~1"]
    assert isinstance(run, RunSpec)
    assert (run.data.beta, run.rbm.n_hidden, run.seed) == (1.0, 2, 1)
    # data are shared by every run with the same data parameters and seed
    assert len(all_datasets(validated(GOOD))) == 2 * 2
    assert run.data.id == "model~ising/n_visible~20/beta~1.0/n_samples~200/n_test~1000/seed~1"
    # what the study leaves out comes from the schema
    assert run.train.algorithm == "pcd" and run.train.gibbs_steps == 20
    assert run.data.n_test == defaults("data")["n_test"] == 1000


def test_a_run_survives_its_json_round_trip():
    for run in all_runs(validated(GOOD))["place_cells"].values():
        assert RunSpec.from_json(run.to_json()) == run


def test_alpha_gives_the_number_of_samples():
    cfg = copy.deepcopy(GOOD)
    data = cfg["studies"]["place_cells"]["data"]
    del data["n_samples"]
    data["alpha"] = [0.1, 0.05]
    runs = all_runs(validated(cfg))["place_cells"]
    assert {run.data.n_samples for run in runs.values()} == {200, 400}
    assert all("alpha~" in run_id for run_id in runs)


def test_every_default_lives_in_the_schema_and_the_api_agrees():
    """The schema is the one home of defaults: RBM(...) and train(...) carry the same ones, and
    the typed specs have exactly the schema's keys (one name from YAML to the API)."""
    for section, function, spec in (("rbm", RBM.__init__, config.RBMSpec),
                                     ("train", train, config.TrainSpec)):
        properties = schema()["$defs"][section]["properties"]
        assert {field.name for field in dataclasses.fields(spec)} == set(properties)
        parameters = inspect.signature(function).parameters
        for key, default in defaults(section).items():
            assert key in parameters, (section, key)
            api_default = parameters[key].default
            api_default = dict(api_default) if hasattr(api_default, "keys") else api_default
            assert api_default == default, (section, key, api_default, default)


SCHEMA_ERRORS = [
    ("data", "beta", -1.0, "data.beta: -1.0 is not allowed; it must be ≥ 0"),
    ("data", "beta", "hot", "data.beta: 'hot' is not allowed; it must be a number or a list"),
    ("data", "beta", [0.5, -0.1], "data.beta[1]: -0.1 is not allowed; it must be ≥ 0"),
    ("data", "n_visible", 1, "data.n_visible: 1 is not allowed; it must be ≥ 2"),
    ("data", "n_samples", 0, "data.n_samples: 0 is not allowed; it must be ≥ 1"),
    ("train", "batch_size", -5, "train.batch_size: -5 is not allowed; it must be ≥ 1"),
    ("rbm", "n_hidden", 0, "rbm.n_hidden: 0 is not allowed; it must be ≥ 1"),
    ("rbm", "hidden", "gaussian_typo", "rbm.hidden: 'gaussian_typo' is not allowed; allowed: spin, bernoulli, gaussian, double_well"),
    ("rbm", "visible", "pots", "rbm.visible: 'pots' is not allowed; allowed: spin, bernoulli, potts, gaussian"),
    ("train", "algorithm", "sgd", "train.algorithm: 'sgd' is not allowed; allowed: pcd, cd, tap, mean_field"),
    ("data", "q", 1, "data.q: 1 is not allowed; it must be ≥ 2"),
    ("data", "q", 128, "data.q: 128 is not allowed; it must be ≤ 127"),
    ("data", "kernel", "gauss", "data.kernel: 'gauss' is not allowed; allowed: cosine, short_range"),
    ("data", "couplings", [1.0, "x"], "data.couplings[1]: 'x' is not allowed; it must be a number or a list"),
    ("rbm", "theta", "deep", "rbm.theta: 'deep' is not allowed; it must be a number or a list"),
    ("rbm", "visible_variance", 0, "rbm.visible_variance: 0 is not allowed; it must be > 0"),
    ("rbm", "hidden_variance", -1.0, "rbm.hidden_variance: -1.0 is not allowed; it must be > 0"),
    ("train", "learning_rate", 0, "train.learning_rate: 0 is not allowed; it must be > 0"),
    ("data", "colour", "red", "data.colour: unknown key; allowed here: alpha, beta, cluster_std"),
    ("train", "lerning_rate", 0.1, "train.lerning_rate: unknown key; allowed here: ais, algorithm"),
    ("train", "snapshots", {"log": 3}, "train.snapshots: 'linear' is missing; it is required"),
]


@pytest.mark.parametrize("section,key,value,expected", SCHEMA_ERRORS)
def test_schema_problems_name_the_key_path_the_value_and_what_is_allowed(section, key, value,
                                                                         expected):
    assert any(problem.startswith(f"studies.place_cells.{expected}")
               for problem in problems_of(with_value(section, key, value))), expected


def test_every_problem_is_reported_at_once():
    cfg = with_value("data", "beta", -1.0)
    cfg = with_value("rbm", "hidden", "gauss", cfg)
    cfg = with_value(None, "sedes", 3, cfg)
    cfg["studies"]["second"] = {"kind": "place_cells",
                                "data": {"model": "ising", "n_visible": 20, "beta": 1.0,
                                         "n_samples": 5},
                                "train": {"batch_size": 10}}
    problems = problems_of(cfg)
    assert len(problems) == 4, problems
    assert [p.split(":")[0] for p in problems] == [
        "studies.place_cells.sedes", "studies.place_cells.data.beta",
        "studies.place_cells.rbm.hidden", "studies.second.train.batch_size"]
    with pytest.raises(ConfigError, match=r"^the config has 4 problems:\n  studies"):
        validated(cfg)


def test_unknown_top_level_key():
    assert problems_of({**GOOD, "studeis": {}}) == [
        "studeis: unknown key; allowed here: studies"]


def test_batch_larger_than_the_data_is_rejected():
    (problem,) = problems_of(with_value("train", "batch_size", 500))
    assert re.fullmatch(r"studies\.place_cells\.train\.batch_size: 500 is not allowed; it must "
                        r"be at most the number of training samples \(200 for run .*\)", problem)


def test_nan_beta_is_rejected():
    (problem,) = problems_of(with_value("data", "beta", float("nan")))
    assert problem.startswith("studies.place_cells.data.beta: NaN is not allowed; it must be a "
                              "finite number")


def test_samples_and_alpha_are_exclusive():
    (problem,) = problems_of(with_value("data", "alpha", 0.1))
    assert "exactly one of n_samples and alpha" in problem


def test_unknown_kind_is_rejected():
    cfg = copy.deepcopy(GOOD)
    cfg["studies"]["mystery"] = cfg["studies"].pop("place_cells")
    (problem,) = problems_of(cfg)
    assert problem.startswith("studies.mystery.kind: 'mystery' is not allowed; allowed: "
                              "place_cells, spectrum")


def test_a_study_that_trains_nothing_takes_no_training_keys():
    cfg = copy.deepcopy(GOOD)
    cfg["studies"]["place_cells"]["kind"] = "spectrum"
    assert [p.split(":")[0] for p in problems_of(cfg)] == [
        "studies.place_cells.rbm", "studies.place_cells.train"]


def test_analysis_options_must_belong_to_the_kind():
    (problem,) = problems_of(with_value("analysis", "transient_epochs", 5))
    assert problem.startswith("studies.place_cells.analysis.transient_epochs: 5 is not allowed; "
                              "the aggregates of kind place_cells take no analysis option")


RELATION_ERRORS = [
    ("rbm", "visible", "potts", "rbm.visible: 'potts' is not allowed; data of model ising need "
                                "visible units: spin, bernoulli"),
    ("train", "algorithm", "tap", "train.algorithm: 'tap' is not allowed; extended mean-field "
                                  "training needs bernoulli visible and hidden units"),
    ("data", "q", 10, "data.q: 10 is not allowed; data of model ising take only: n_visible, beta"),
    ("rbm", "theta", -2.0, "rbm.theta: -2.0 is not allowed; only hidden double_well units take it"),
    ("rbm", "visible_variance", 2.0, "rbm.visible_variance: 2.0 is not allowed; only visible "
                                     "gaussian units take it"),
    ("train", "tap_order", 3, "train.tap_order: 3 is not allowed; only algorithm tap takes it"),
    ("train", "fresh_data", True, None),  # ising data can be drawn afresh: no problem
]


@pytest.mark.parametrize("section,key,value,expected", RELATION_ERRORS)
def test_keys_must_fit_the_data_model_and_the_units(section, key, value, expected):
    cfg = with_value(section, key, value)
    if expected is None:
        validated(cfg)
        return
    assert any(problem.startswith(f"studies.place_cells.{expected}")
               for problem in problems_of(cfg)), (expected, problems_of(cfg))


def test_each_data_model_takes_its_own_keys():
    xy = {"studies": {"xy": {"kind": "place_cells",
                             "data": {"model": "xy", "n_visible": 20, "beta": 1.5, "n_samples": 100},
                             "rbm": {"visible": "spin"}}}}
    problems = problems_of(xy)
    assert "studies.xy.data.q: is missing; data of model xy need it" in problems
    xy["studies"]["xy"]["data"]["q"] = 10
    assert problems_of(xy) == ["studies.xy.rbm.visible: 'spin' is not allowed; data of model xy "
                               "need visible units: potts"]
    digits = {"studies": {"d": {"kind": "place_cells",
                                "data": {"model": "digits", "alpha": 0.1, "beta": 1.0},
                                "rbm": {"visible": "bernoulli"}, "train": {"fresh_data": True}}}}
    assert sorted(p.split(":")[0] for p in problems_of(digits)) == [
        "studies.d.data.alpha", "studies.d.data.beta"]
    digits["studies"]["d"]["data"] = {"model": "digits", "n_samples": 500}
    assert problems_of(digits) == ["studies.d.train.fresh_data: true is not allowed; data of "
                                   "model digits cannot be drawn afresh: only ising and xy data"]


def test_a_gaussian_rbm_that_starts_not_normalisable_is_refused():
    study = {"kind": "place_cells",
             "data": {"model": "clusters", "n_visible": 100, "n_samples": 500},
             "rbm": {"visible": "gaussian", "hidden": "gaussian", "n_hidden": 5,
                     "init_std": 0.1, "hidden_variance": 2.0}}
    (problem,) = problems_of({"studies": {"g": study}})
    assert problem.startswith("studies.g.rbm.init_std: 0.1 is not allowed; the initial weights' "
                              "largest singular value ≈ init_std (√N + √M) = 1.22 makes the "
                              "Gaussian RBM not normalisable (σ_v² σ_h² s_max² = 2.99 ≥ 1")
    study["rbm"]["init_std"] = 0.01
    validated({"studies": {"g": study}})
    # the estimate is the initial RBM's: a drawn one of that size is not normalisable either
    rbm = RBM(100, 5, visible="gaussian", hidden="gaussian", hidden_variance=2.0,
              init_std=0.01, seed=0)
    estimate = 2.0 * (0.01 * (100**0.5 + 5**0.5)) ** 2
    assert 0.8 < (1 - rbm.normalisation_margin()) / estimate < 1.2
    with pytest.raises(ValueError, match="not normalisable"):
        RBM(100, 5, visible="gaussian", hidden="gaussian", hidden_variance=2.0, init_std=0.1)


def test_swept_unit_types_become_coordinates_that_do_not_clash_with_the_unit_dims():
    cfg = with_value("rbm", "hidden", ["spin", "bernoulli"])
    runs = list(all_runs(validated(cfg))["place_cells"].values())
    assert runs[0].point.endswith("hidden_unit~spin")
    labelled = [studies.label_run(xr.Dataset({"w": (("hidden",), np.zeros(run.rbm.n_hidden))},
                                             coords={"hidden": np.arange(run.rbm.n_hidden)}),
                                  run, trains=True) for run in runs]
    cube = xr.combine_by_coords([run.reindex(hidden=[0, 1]) for run in labelled],
                                combine_attrs="drop_conflicts")
    assert cube["hidden_unit"].values.tolist() == ["bernoulli", "spin"]
    assert cube["w"].dims == ("beta", "n_hidden", "hidden_unit", "seed", "hidden")
    assert float(cube["learning_rate"]) == defaults("train")["learning_rate"]  # scalar coord


# -- through snakemake: before any job; a user's config replaces the default studies ----------
def snakemake_dry_run(tmp_path, cfg):
    config_file = tmp_path / "mine.yaml"
    config_file.write_text(yaml.safe_dump(cfg))
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--cores", "1", "-s", str(ROOT / "Snakefile"),
         "--configfile", str(config_file), "-d", str(tmp_path)],
        capture_output=True, text=True, timeout=300)


def test_snakemake_stops_before_any_job_listing_every_problem(tmp_path):
    cfg = with_value("data", "beta", -1.0)
    cfg = with_value("train", "algorithm", "sgd", cfg)
    result = snakemake_dry_run(tmp_path, cfg)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "the config has 2 problems:" in output
    assert "studies.place_cells.data.beta: -1.0 is not allowed; it must be ≥ 0" in output
    assert ("studies.place_cells.train.algorithm: 'sgd' is not allowed; allowed: pcd, cd, tap, "
            "mean_field") in output
    assert "Job stats" not in output and not (tmp_path / "results").exists()


def test_a_given_config_replaces_the_default_studies(tmp_path):
    """``--configfile`` with one study of the user's plans that study's jobs only: none of the
    default config.yaml's studies, and nothing of a default study of the same name."""
    mine = {"studies": {"diffusion": {  # a name the default config also uses
        "kind": "place_cells",
        "data": {"model": "ising", "n_visible": 20, "beta": [0.5, 1.0], "n_samples": 100},
        "train": {"epochs": 2}, "seeds": 2}}}
    result = snakemake_dry_run(tmp_path, mine)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, re.M))
    # 2 beta x 2 seeds: 4 data sets (in one batch) and 4 runs (no seeds_per_job inherited
    # from the default), the cube, the study's aggregates and figures, the reproduction table
    assert counts == {"sample_data_0": "1", "run_job": "4", "cube": "1",
                      "outputs_place_cells": "1", "reproduction": "1", "all": "1",
                      "total": "9"}, result.stdout[-2000:]
    batch = re.search(r"rule sample_data_0:\n\s+output: ([^\n]*)", result.stdout).group(1)
    assert batch.count("results/data/model~ising/n_visible~20/") == 4
    assert "results/diffusion/widths.nc" in result.stdout
    assert not re.search(r"results/(?!diffusion/|data/|reproduction\.)", result.stdout)


# -- the data sources and the keys of the new algorithms -----------------------------------
def digits_study(**sections):
    study = {"kind": "place_cells", "data": {"model": "digits", "n_samples": 1000, "n_test": 500},
             "rbm": {"visible": "bernoulli", "hidden": "bernoulli", "zero_fields": False},
             "train": {"algorithm": "tap", "batch_size": 10}}
    for section, values in sections.items():
        study[section] = {**study.get(section, {}), **values}
    return {"studies": {"d": study}}


def test_an_ais_schedule_that_does_not_increase_is_refused():
    cfg = digits_study(train={"ais": {"chains": 50, "temperatures": [0, 0.5, 0.4, 1]}})
    assert problems_of(cfg) == [
        "studies.d.train.ais.temperatures: [0, 0.5, 0.4, 1] is not allowed; an annealing "
        "schedule must increase strictly (item 2, 0.4, follows 0.5)"]
    cfg = digits_study(train={"ais": {"temperatures": [0.1, 1]}})
    assert problems_of(cfg) == ["studies.d.train.ais.temperatures: [0.1, 1] is not allowed; an "
                                "annealing schedule must start at 0 and end at 1"]
    cfg = digits_study(train={"ais": {"temperatures": [0, 1.5]}})
    assert problems_of(cfg)[0].startswith("studies.d.train.ais.temperatures[1]: 1.5 is not "
                                          "allowed; it must be ≤ 1")
    cfg = digits_study(train={"ais": {"chains": 1}})
    assert problems_of(cfg)[0].startswith("studies.d.train.ais.chains: 1 is not allowed")
    run = next(iter(all_runs(validated(digits_study(train={"ais": {"chains": 20}})))["d"].values()))
    assert run.train.ais == {"chains": 20, "temperatures": 1000}  # the rest from the schema


def test_mean_field_keys_belong_to_mean_field_algorithms():
    run = next(iter(all_runs(validated(digits_study(train={"tap_damping": 0.3})))["d"].values()))
    assert (run.train.tap_order, run.train.tap_damping, run.train.tap_iterations) == (2, 0.3, 100)
    cfg = digits_study(train={"algorithm": "pcd", "tap_damping": 0.3})
    assert problems_of(cfg) == ["studies.d.train.tap_damping: 0.3 is not allowed; only "
                                "algorithms tap and mean_field take it"]
    pcd = next(iter(all_runs(validated(digits_study(train={"algorithm": "pcd"})))["d"].values()))
    assert pcd.train.tap_damping is None and pcd.train.tap_order is None
    assert problems_of(digits_study(train={"tap_damping": 1.0}))[0].startswith(
        "studies.d.train.tap_damping: 1.0 is not allowed; it must be < 1")
    cfg = {"studies": {"c": {"kind": "place_cells",
                             "data": {"model": "clusters", "n_visible": 10, "n_samples": 100},
                             "rbm": {"visible": "gaussian", "hidden": "gaussian",
                                     "zero_fields": False, "visible_bias_init": "data"}}}}
    assert problems_of(cfg) == ["studies.c.rbm.visible_bias_init: 'data' is not allowed; it "
                                "needs spin or bernoulli visible units (the log-odds of their "
                                "frequencies; this run has gaussian)"]
    assert problems_of(digits_study(rbm={"visible": "spin"}))[0].startswith(
        "studies.d.rbm.visible: 'spin' is not allowed; data of model digits need visible units")


def test_digits_need_enough_images():
    assert problems_of(digits_study(data={"n_samples": [1000, 1500]})) == [
        "studies.d.data.n_samples: [1000, 1500] is not allowed; n_samples + n_test = 2000 "
        "configurations are more than the 1797 the digits data have"]


def test_a_data_file_is_checked_before_any_job(tmp_path):
    good = tmp_path / "spins.npz"
    np.savez(good, samples=np.where(np.random.default_rng(0).random((300, 12)) < 0.5, -1, 1))
    cfg = {"studies": {"f": {"kind": "place_cells",
                             "data": {"model": "file", "path": str(good), "n_samples": 200,
                                      "n_test": 100}}}}
    run = next(iter(all_runs(validated(cfg))["f"].values()))
    assert run.data.n_visible == 12 and run.data.path == str(good.resolve())
    cfg["studies"]["f"]["data"]["n_samples"] = 250
    assert problems_of(cfg) == [
        "studies.f.data.n_samples: 250 is not allowed; n_samples + n_test = 350 configurations "
        "are more than the 300 the file data have"]
    cfg["studies"]["f"]["data"]["n_samples"] = 200
    cfg["studies"]["f"]["rbm"] = {"visible": "bernoulli"}
    (problem,) = problems_of(cfg)
    assert problem.startswith(f"studies.f.data.path: {str(good.resolve())!r} is not allowed; its "
                              "values do not fit bernoulli visible units")
    for name, values, expected in (("missing.npz", None, "no such file"),
                                   ("flat.npz", np.zeros(10), "2-D"),
                                   ("halves.npz", np.full((400, 3), 0.5), "integer values"),
                                   ("empty.npz", np.zeros((0, 3)), "non-empty")):
        path = tmp_path / name
        if values is not None:
            np.savez(path, samples=values)
        cfg["studies"]["f"]["data"]["path"] = str(path)
        (problem,) = problems_of(cfg)
        assert problem.startswith(f"studies.f.data.path: {str(path)!r} is not allowed; ")
        assert expected in problem, problem
    real = tmp_path / "real.npz"
    np.savez(real, samples=np.random.default_rng(0).normal(size=(400, 5)))
    cfg["studies"]["f"]["data"]["path"] = str(real)
    cfg["studies"]["f"]["rbm"] = {"visible": "gaussian", "hidden": "gaussian"}
    assert next(iter(all_runs(validated(cfg))["f"].values())).data.n_visible == 5


def test_clusters_subspace_fits_in_the_visible_layer():
    cfg = {"studies": {"c": {"kind": "place_cells",
                             "data": {"model": "clusters", "n_visible": [4, 100],
                                      "n_samples": 100},
                             "rbm": {"visible": "gaussian", "hidden": "gaussian"}}}}
    assert problems_of(cfg) == ["studies.c.data.latent_dim: 5 is not allowed; it must be at most "
                                "n_visible (4)"]
