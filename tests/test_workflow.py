"""The workflow end to end on .test/config.yaml (every study kind, tiny), in temporary folders:
every output of every study is made, the cube opens with xarray with the contracted variables,
reruns do nothing, the report builds without a reStructuredText error, and the result does not
depend on the number of cores."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

from rbmsweep import studies
from rbmsweep.config import study_kind

ROOT = Path(__file__).resolve().parents[1]
TEST_CONFIG = ROOT / ".test" / "config.yaml"

pytestmark = pytest.mark.slow


def snakemake(workdir, *args):
    command = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--configfile",
               str(TEST_CONFIG), "-d", str(workdir), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=1200)


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("two_cores")
    result = snakemake(workdir, "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


def test_every_output_of_every_study_is_made(finished):
    config = yaml.safe_load(TEST_CONFIG.read_text())
    assert {study_kind(name, study) for name, study in config["studies"].items()} == set(
        studies.KINDS), ".test/config.yaml must have a study of every kind"
    for name, study in config["studies"].items():
        for output in studies.outputs(study_kind(name, study)):
            path = finished / "results" / name / output
            assert path.exists(), path
            if path.suffix == ".png":
                assert path.stat().st_size > 5000, path
    assert not list(finished.rglob("*.tmp"))  # no half-written file left behind
    # the reproduction table: a section per study, a row per claim of its kind, no ERROR
    table = (finished / "results" / "reproduction.md").read_text()
    for name, study in config["studies"].items():
        assert f"## {name} (kind {study_kind(name, study)})" in table
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line
            and not line.startswith("| claim")]
    assert len(rows) == sum(len(studies.claims(study_kind(name, study)))
                            for name, study in config["studies"].items())
    assert "ERROR" not in table
    assert (finished / "results" / "reproduction.html").stat().st_size > 1000


def test_cube_has_the_contracted_variables(finished):
    cube = xr.open_dataset(finished / "results/place_cells/cube.nc")
    assert set(cube.dims) >= {"beta", "n_hidden", "seed", "epoch", "visible", "hidden", "mode"}
    assert cube.sizes["beta"] == 2 and cube.sizes["seed"] == 2 and cube.sizes["visible"] == 24
    for name in ("weights", "peak_center", "peak_width", "order_parameter", "singular_values",
                 "log_likelihood_train", "log_likelihood_test"):
        assert name in cube and cube[name].attrs.get("long_name"), name
    assert cube["beta"].attrs["long_name"]
    # every run parameter is a coordinate, under its config name
    assert float(cube["learning_rate"]) == 0.02 and int(cube["gibbs_steps"]) == 5
    assert int(cube["updates_per_epoch"]) == 30  # 300 samples in batches of 10
    assert np.all(np.isfinite(cube["log_likelihood_test"].values))
    assert len(cube.attrs["git_commit"]) >= 7 and "numba" in cube.attrs["software_versions"]
    run = xr.open_dataset(next((finished / "results/place_cells/runs").rglob("run.nc")))
    assert '"study": "place_cells"' in run.attrs["config"] and "seed" in run.attrs
    widths = xr.open_dataset(finished / "results/place_cells/widths.nc")
    assert {"slope", "intercept", "width_mean"} <= set(widths.data_vars)
    train_logs = list((finished / "logs/place_cells/runs").rglob("*.log"))
    assert len(train_logs) == 8
    assert "log-likelihood train" in train_logs[0].read_text()


def test_aggregates_of_the_other_kinds(finished):
    with xr.open_dataset(finished / "results/diffusion/diffusion.nc") as result:
        assert result["diffusion_coefficient"].dims == ("n_hidden", "fresh_data", "estimator")
        assert np.isfinite(result["diffusion_coefficient"]).all()
        assert np.isfinite(result["diffusion_predicted"]).all()  # the Langevin prediction
        assert result["fresh_ratio"].dims == ("n_hidden", "estimator")  # finite over fresh
        assert result.attrs["transient_epochs"] == 2
        assert np.isfinite(result["pair_distance_spread"].sel(n_hidden=3)).all()
        assert result["diffusion_coefficient"].attrs["units"] == "site^2/epoch"
        np.testing.assert_allclose(result["noise_temperature"], 0.1 / 10)
    with xr.open_dataset(finished / "results/small_beta/small_beta.nc") as result:
        assert np.isfinite(result["height_trained"]).all()
        assert float(result["b_closed_form"]) == pytest.approx(8 - 4 * np.sqrt(2), rel=1e-3)
    with xr.open_dataset(finished / "results/diffusion_noise/diffusion.nc") as result:
        assert result["noise_exponent"].dims == ("estimator",)  # the law D(nu/B)
        assert np.isfinite(result["noise_exponent_predicted"]).all()
    with xr.open_dataset(finished / "results/spectrum/crossover.nc") as result:
        assert result["top_eigenvalue_mean"].dims == ("beta", "alpha")
        assert np.isfinite(result["finite_size_top_eigenvalue"]).all()
    with xr.open_dataset(finished / "results/retarded_learning/phase_diagram.nc") as result:
        assert result["order_parameter_mean"].dims == ("beta", "alpha")
        assert result.attrs["boundary_axis"] == "beta"
        assert result["order_parameter_boundary_beta"].dims == ("alpha",)


def test_rerun_has_nothing_to_do(finished):
    result = snakemake(finished, "-n", "--cores", "1")
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def test_report_builds_every_caption_without_error(finished):
    report = finished / "report.html"
    result = snakemake(finished, "--report", str(report))
    assert result.returncode == 0, result.stderr[-3000:]
    html = report.read_text(errors="replace")
    assert report.stat().st_size > 10_000
    # docutils writes its errors into the caption (e.g. |w| read as a substitution reference)
    for error in ("System Message", "Undefined substitution", "Unknown target name"):
        assert error not in html, error
    assert "Receptive fields" in html  # a caption's text made it into the report


def test_one_core_gives_the_identical_cube(finished, tmp_path):
    result = snakemake(tmp_path, "--cores", "1", "results/place_cells/cube.nc")
    assert result.returncode == 0, result.stderr[-3000:]
    two = xr.open_dataset(finished / "results/place_cells/cube.nc")
    one = xr.open_dataset(tmp_path / "results/place_cells/cube.nc")
    xr.testing.assert_identical(one.drop_attrs(), two.drop_attrs())
