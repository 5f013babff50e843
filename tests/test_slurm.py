"""The workflow on a real SLURM cluster through workflow/profiles/slurm (issue 6).

A single-node SLURM cluster on this machine (tests/slurm/setup_cluster.sh, idempotent: a
fraction of a second when it is already up) runs a tiny sweep through the SLURM profile.  While
it runs, the job that trains the RBMs is killed with ``scancel``; the profile's retries submit it
again, and the cube must come out numerically identical to the one of ``snakemake --cores 2``.
Checked on the way: jobs are grouped (the data sets, the runs and the aggregates each go out as
one submission), every job compiles into a numba cache under its own SLURM temporary directory,
and the resources come from the rules (computed from the problem size).  The local run goes
beside the SLURM one, at the same time.  Most of the few minutes this takes are the training
kernels' compilation in the SLURM job's fresh numba cache, and the plugin's status polling.
The last two tests (the cost model, `rbmsweep estimate`) need no cluster.

Skips, with the reason, only where the machine cannot host the cluster (not root, no apt-get)
or the plugin is missing (pip install -e ".[slurm]").  With RBMSWEEP_REQUIRE_SLURM=1 (set by
.ci/run once the cluster is up) every skip is a failure instead.
"""

import dataclasses
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

ROOT = Path(__file__).resolve().parents[1]
SETUP = ROOT / "tests" / "slurm" / "setup_cluster.sh"
PROFILE = ROOT / "workflow" / "profiles" / "slurm"

#: 2 beta x 2 seeds (2 seeds per job, one data set per beta): 2 data sets, 2 jobs of 2 runs of
#: a few seconds each, and of the study's outputs the cube and the place-field widths (the
#: figures are test_workflow's business; here they would only add submissions).
TINY = {
    "studies": {
        "place_cells": {
            "data": {"model": "ising", "n_visible": 24, "beta": [0.5, 1.5], "n_samples": 300,
                     "n_test": 100, "seed": 0},
            "rbm": {"n_hidden": 1},
            "train": {"gibbs_steps": 5, "learning_rate": 0.02, "batch_size": 10, "epochs": 6},
            "seeds": 2,
            "seeds_per_job": 2,
        }
    }
}
TARGETS = ["results/place_cells/cube.nc", "results/place_cells/widths.nc"]

#: Overrides for the test cluster: it has no accounting database (status from squeue), and
#: we poll fast.
TEST_CLUSTER_FLAGS = [
    "--slurm-status-command", "squeue",
    "--seconds-between-status-checks", "2",
    "--slurm-init-seconds-before-status-checks", "2",
    "--latency-wait", "10",
]


def _skip(reason):
    if os.environ.get("RBMSWEEP_REQUIRE_SLURM") == "1":
        pytest.fail(f"RBMSWEEP_REQUIRE_SLURM=1 but the SLURM test cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def cluster():
    """Bring the test cluster up (or check that it is up)."""
    if os.name != "posix" or os.geteuid() != 0:
        _skip("needs root: tests/slurm/setup_cluster.sh installs SLURM and starts its daemons")
    if shutil.which("apt-get") is None and shutil.which("slurmctld") is None:
        _skip("needs apt-get to install SLURM (slurmctld, slurmd, munge); none on this machine")
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        _skip("snakemake-executor-plugin-slurm is not installed: pip install -e '.[slurm]'")
    result = subprocess.run(["bash", str(SETUP)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, (
        f"setup_cluster.sh failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    assert "SLURM ready" in result.stdout
    return result.stdout.strip().splitlines()[-1]


def snakemake(workdir, *args, timeout=600):
    config = workdir / "config.yaml"
    config.write_text(yaml.safe_dump(TINY))
    command = ["timeout", "-k", "30", str(timeout), sys.executable, "-m", "snakemake",
               "-s", str(ROOT / "Snakefile"), "--configfile", str(config), "-d", str(workdir),
               *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=workdir)


def squeue(workdir):
    """Our jobs in the queue: (job id, state, comment), the comment names the rule/group."""
    out = subprocess.run(["squeue", "-h", "-o", "%i|%T|%k|%Z"], capture_output=True, text=True,
                         timeout=30).stdout
    rows = [line.split("|") for line in out.splitlines() if line.count("|") == 3]
    return [(job, state, comment) for job, state, comment, cwd in rows
            if Path(cwd).resolve() == workdir.resolve()]


def kill_first_running_run_job(workdir, deadline, killed):
    """scancel the submission that trains the runs as soon as it is running."""
    while time.time() < deadline and not killed:
        for job, state, comment in squeue(workdir):
            if "run_job" in comment and state == "RUNNING":
                time.sleep(1.0)  # let it get under way
                subprocess.run(["scancel", job], check=True, timeout=30)
                killed.append(job)
                return
        time.sleep(0.3)


@pytest.fixture(scope="module")
def runs(cluster, tmp_path_factory):
    """The tiny sweep through the SLURM profile, with the runs' job scancelled once, and
    beside it (at the same time, to save time) the same sweep with `snakemake --cores 2`."""
    local_dir, slurm_dir = tmp_path_factory.mktemp("local"), tmp_path_factory.mktemp("slurm")
    started = time.time()
    slurm = snakemake(slurm_dir, "--workflow-profile", str(PROFILE), *TEST_CLUSTER_FLAGS,
                      *TARGETS)
    local = snakemake(local_dir, "--cores", "2", *TARGETS)
    killed = []
    killer = threading.Thread(target=kill_first_running_run_job,
                              args=(slurm_dir, started + 400, killed), daemon=True)
    killer.start()
    local_output, _ = local.communicate(timeout=900)
    output, _ = slurm.communicate(timeout=900)
    killer.join(timeout=5)
    elapsed = time.time() - started
    (slurm_dir / "snakemake.out").write_text(output)
    job_ids = re.findall(r"submitted with SLURM jobid (\d+)", output)
    assert local.returncode == 0, local_output[-3000:]
    yield {"workdir": slurm_dir, "local": local_dir, "output": output,
           "returncode": slurm.returncode, "killed": killed, "job_ids": job_ids,
           "elapsed": elapsed}
    # nothing of ours left in the queue (after a timeout), and the per-job temporary
    # directories (numba caches) the profile made in this node's /tmp
    for job, _, _ in squeue(slurm_dir):
        subprocess.run(["scancel", job], timeout=30)
    for job in job_ids:
        shutil.rmtree(Path(os.environ.get("TMPDIR", "/tmp")) / f"rbmsweep-slurm-{job}",
                      ignore_errors=True)


def _explain(run):
    logs = sorted((run["workdir"] / ".snakemake" / "slurm_logs").rglob("*.log"))
    tails = "\n".join(f"--- {log}\n{log.read_text()[-1500:]}" for log in logs[-4:])
    return f"{run['output'][-4000:]}\n{tails}"


@pytest.mark.slurm
@pytest.mark.slow
def test_slurm_sweep_survives_a_killed_job(runs):
    assert runs["returncode"] == 0, _explain(runs)
    assert runs["killed"], "the runs' job was never seen running, so never killed"
    output = runs["output"]
    assert re.search(r"Trying to restart job|[Rr]estart", output), _explain(runs)
    print(f"SLURM sweep: {runs['elapsed']:.0f} s, {len(runs['job_ids'])} submissions,"
          f" killed job {runs['killed'][0]}")


@pytest.mark.slurm
@pytest.mark.slow
def test_slurm_cube_is_identical_to_local(runs):
    assert runs["returncode"] == 0, _explain(runs)
    for name in ("cube.nc", "widths.nc"):
        local = xr.open_dataset(runs["local"] / "results/place_cells" / name).drop_attrs()
        slurm = xr.open_dataset(runs["workdir"] / "results/place_cells" / name).drop_attrs()
        xr.testing.assert_identical(slurm, local)
        for variable in local.data_vars:  # bitwise, NaNs in the same places
            np.testing.assert_array_equal(slurm[variable].values, local[variable].values)


@pytest.mark.slurm
@pytest.mark.slow
def test_jobs_are_grouped_and_sized_from_the_problem(runs):
    """2 data sets (one batch), 2 run jobs, cube and outputs: 3 submissions (+1 retry)."""
    assert runs["returncode"] == 0, _explain(runs)
    submissions = len(runs["job_ids"])
    assert submissions <= 4, _explain(runs)
    # "... submitted with SLURM jobid 22 (log: .../slurm_logs/group_data_sample_data/22.log)"
    folders = set(re.findall(r"slurm_logs/(\w+)/", runs["output"]))
    for group in ("data", "short_runs", "aggregate"):
        assert any(folder.startswith(f"group_{group}_") for folder in folders), folders
    # the runs' resources are the cost model's, not a fixed guess
    from rbmsweep import config as sweep, cost

    study = TINY["studies"]["place_cells"]
    job = next(iter(sweep.group_jobs(study, sweep.expand("place_cells", study)).values()))
    expected = cost.job_resources(job, trains=True)
    printed = re.search(r"rule run_job:.*?resources: ([^\n]*)", runs["output"], re.S).group(1)
    assert f"mem_mb={expected['mem_mb']}," in printed, (printed, expected)
    assert f"runtime={expected['runtime']}" in printed, (printed, expected)


@pytest.mark.slurm
@pytest.mark.slow
def test_every_job_has_its_own_numba_cache(runs):
    assert runs["returncode"] == 0, _explain(runs)
    workdir = runs["workdir"]
    run_logs = list((workdir / "logs/place_cells/runs").rglob("*.log"))
    logs = run_logs + list((workdir / "logs/data").rglob("*.log"))
    assert len(logs) == 3  # 2 run jobs, and both data sets in one batch
    caches = set()
    for log in logs:
        match = re.search(r"NUMBA_CACHE_DIR=(\S+)", log.read_text())
        assert match, log
        caches.add(match.group(1))
        assert re.fullmatch(r".*/rbmsweep-slurm-\d+/numba-cache", match.group(1)), match.group(1)
        job = re.search(r"rbmsweep-slurm-(\d+)", match.group(1)).group(1)
        assert job in runs["job_ids"], (job, runs["job_ids"])
    # the grouped runs share their submission's cache; data and runs are different jobs
    assert len(caches) >= 2
    # ... and each started from a copy of the cache the submitting host warmed (onstart):
    # the training job loaded every kernel, compiled none
    for log in run_logs:
        text = log.read_text()
        loaded = re.search(r"numba kernels: (\d+) loaded from the cache, (\d+) compiled", text)
        assert loaded and int(loaded.group(1)) > 0 and loaded.group(2) == "0", text[-2000:]
        first = re.search(r"epoch 0/\d+ .*elapsed ([0-9.]+) s", text)
        print(f"{log.name}: first snapshot after {first.group(1)} s of training")


# -- without the cluster: the cost model behind the resources, and the paper config's estimate

def paper_runs():
    from rbmsweep import config as sweep

    with open(ROOT / "config" / "paper.yaml") as handle:
        config = yaml.safe_load(handle)
    return config, [run for name, study in config["studies"].items()
                    for run in sweep.expand(name, study)]


def test_resources_grow_with_the_problem_and_the_attempt():
    from rbmsweep import cost

    config, runs = paper_runs()
    by_m = {}
    for run in runs:
        if run.study == "place_cells" and run.seed == 0:
            by_m[run.rbm.n_hidden] = cost.job_resources([run], trains=True)
    sizes = sorted(by_m)
    assert sizes == [1, 3, 25, 100]
    assert [by_m[m]["runtime"] for m in sizes] == sorted(by_m[m]["runtime"] for m in sizes)
    assert by_m[100]["runtime"] > by_m[1]["runtime"]
    first = cost.job_resources([runs[0]], trains=True)
    retry = cost.job_resources([runs[0]], trains=True, attempt=2)
    assert retry["runtime"] == 2 * first["runtime"] and retry["mem_mb"] > first["mem_mb"]
    # more samples, more memory; a study's cube needs more than one run
    small = dataclasses.replace(runs[0], data=dataclasses.replace(runs[0].data, n_samples=1000))
    large = dataclasses.replace(runs[0],
                                data=dataclasses.replace(runs[0].data, n_samples=1_000_000))
    assert cost.run_memory_mb(large, trains=True) > cost.run_memory_mb(small, trains=True) + 100
    assert cost.job_group([small], trains=True) == "short_runs"


def test_estimate_lists_every_study_of_the_paper_config():
    config, _ = paper_runs()
    result = subprocess.run([sys.executable, "-m", "rbmsweep.cli", "estimate",
                             str(ROOT / "config" / "paper.yaml")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    for study in config["studies"]:
        row = next(line for line in lines if line.split()[:1] == [study])
        assert float(row.split()[5]) > 0  # core-hours
    assert any(line.startswith("total") for line in lines)
