"""The workflow end to end on a tiny config, in temporary folders: it runs, the cube opens
with xarray with the contracted variables, reruns do nothing, and the result does not
depend on the number of cores."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

ROOT = Path(__file__).resolve().parents[1]

TINY = {
    "studies": {
        "place_cells": {
            "data": {"model": "ising", "n_visible": 24, "beta": [0.5, 1.5], "n_samples": 300,
                     "n_test": 100},
            "rbm": {"n_hidden": 1},
            "train": {"gibbs_steps": 5, "learning_rate": 0.02, "batch_size": 10, "epochs": 6},
            "seeds": 2,
        }
    }
}


def snakemake(workdir, *args):
    config = workdir / "config.yaml"
    config.write_text(yaml.safe_dump(TINY))
    command = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--configfile",
               str(config), "-d", str(workdir), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("two_cores")
    result = snakemake(workdir, "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


def test_cube_has_the_contracted_variables(finished):
    cube = xr.open_dataset(finished / "results/place_cells/cube.nc")
    assert set(cube.dims) >= {"beta", "seed", "epoch", "visible", "hidden", "mode"}
    assert cube.sizes["beta"] == 2 and cube.sizes["seed"] == 2 and cube.sizes["visible"] == 24
    for name in ("weights", "peak_center", "peak_width", "order_parameter", "singular_values",
                 "log_likelihood_train", "log_likelihood_test"):
        assert name in cube and cube[name].attrs.get("long_name"), name
    assert cube["beta"].attrs["long_name"]
    assert np.all(np.isfinite(cube["log_likelihood_test"].values))
    assert len(cube.attrs["git_commit"]) >= 7 and "numba" in cube.attrs["software_versions"]
    run = xr.open_dataset(next((finished / "results/place_cells/runs").rglob("run.nc")))
    assert '"study": "place_cells"' in run.attrs["config"] and "seed" in run.attrs
    widths = xr.open_dataset(finished / "results/place_cells/widths.nc")
    assert {"slope", "intercept", "width_mean"} <= set(widths.data_vars)


def test_every_figure_and_log_is_written(finished):
    for name in ("samples", "weights", "width_vs_xi", "log_likelihood"):
        assert (finished / f"results/place_cells/figures/{name}.png").stat().st_size > 5000
    train_logs = list((finished / "logs/place_cells/runs").rglob("*.log"))
    assert len(train_logs) == 4
    assert "log-likelihood train" in train_logs[0].read_text()
    assert not list(finished.rglob("*.tmp"))  # no half-written file left behind


def test_rerun_has_nothing_to_do(finished):
    result = snakemake(finished, "-n", "--cores", "1")
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def test_report_contains_every_figure(finished):
    result = snakemake(finished, "--report", str(finished / "report.html"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert (finished / "report.html").stat().st_size > 10_000


def test_one_core_gives_the_identical_cube(finished, tmp_path):
    result = snakemake(tmp_path, "--cores", "1")
    assert result.returncode == 0, result.stderr[-3000:]
    two = xr.open_dataset(finished / "results/place_cells/cube.nc")
    one = xr.open_dataset(tmp_path / "results/place_cells/cube.nc")
    xr.testing.assert_identical(one.drop_attrs(), two.drop_attrs())
