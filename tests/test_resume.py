"""Long training that survives interruption (issue 5, item 1): the checkpoint file format, and a
real kill-and-resume — a training process SIGKILLed mid-way and started again ends with
results bitwise identical to an uninterrupted run with the same seed."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import xarray as xr

from rbmsweep import checkpoint
from rbmsweep.config import expand

# One run, long enough (about 20 epochs of ~0.1-0.3 s) to be killed in the middle.
STUDY = {
    "data": {"model": "ising", "n_visible": 48, "beta": 1.0, "n_samples": 4000, "n_test": 200},
    "rbm": {"n_hidden": 2},
    "train": {"gibbs_steps": 10, "learning_rate": 0.05, "batch_size": 20, "epochs": 24,
              "snapshots": {"log": 4, "linear": 6}},
    "seeds": [3],
}


def cli(*args):
    return [sys.executable, "-m", "rbmsweep.cli", *args]


@pytest.fixture(scope="module", params=[False, True], ids=["fixed_data", "fresh_data"])
def job(tmp_path_factory, request):
    """The run's spec (saving a checkpoint after every epoch) and its dataset file; with fresh
    data every epoch draws its own training set (rbmsweep.data.FreshData)."""
    folder = tmp_path_factory.mktemp("resume")
    study = {**STUDY, "train": {**STUDY["train"], "fresh_data": request.param}}
    (spec,) = expand("resume", {"kind": "place_cells", **study})
    data = folder / "data.nc"
    subprocess.run(cli("data", "--spec", json.dumps(spec.data.arguments()), "--out",
                       str(data)), check=True, capture_output=True, timeout=300)
    return folder, spec.to_json(), data


def saved_epoch(path):
    try:
        with np.load(path) as archive:
            return int(archive["epoch"])
    except (OSError, ValueError, KeyError):  # not there yet
        return None


def test_killed_run_resumes_to_the_uninterrupted_result(job):
    folder, spec, data = job
    reference, resumed = folder / "reference.nc", folder / "resumed.nc"
    ckpt = folder / "run.ckpt.npz"
    subprocess.run(cli("train", "--spec", spec, "--data", str(data),
                       "--out", str(reference)), check=True, capture_output=True, timeout=600)

    command = cli("train", "--spec", spec, "--data", str(data), "--out",
                  str(resumed), "--checkpoint", str(ckpt), "--checkpoint-epochs", "1")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while (saved_epoch(ckpt) or 0) < 3:  # killed once a few epochs are saved
        assert process.poll() is None, process.stderr.read().decode()[-3000:]
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    process.stderr.close()
    interrupted_at = saved_epoch(ckpt)
    assert process.returncode == -signal.SIGKILL
    assert 3 <= interrupted_at < STUDY["train"]["epochs"], "the kill came too late to test resume"
    assert not resumed.exists()  # no output from the killed job, not even a partial one

    finished = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert f"after epoch {interrupted_at}" in finished.stderr  # it did resume, not restart
    assert not ckpt.exists()  # removed on success
    assert not list(folder.glob("*.tmp"))

    with xr.open_dataset(reference) as a, xr.open_dataset(resumed) as b:
        np.testing.assert_array_equal(a["weights"].values, b["weights"].values)  # bitwise
        xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())  # every snapshot, observable


# -- the file format ---------------------------------------------------------------------------
def state(epoch=7, n_records=3, seed=0):
    rng = np.random.default_rng(seed)
    records = [{"weights": rng.normal(size=(5, 2)), "ll_train": float(rng.normal()),
                "ll_test": np.nan} for _ in range(n_records)]
    return checkpoint.TrainingState(
        epoch=epoch, weights=rng.normal(size=(5, 2)), visible_fields=np.zeros(5),
        hidden_fields=rng.normal(size=2), chains=rng.choice([-1, 1], size=(4, 5)).astype(np.int8),
        chain_states=rng.integers(0, 2**63, size=(4, 4), dtype=np.uint64), records=records,
        elapsed_seconds=12.5)


def test_round_trip_is_exact(tmp_path):
    digests = checkpoint.fingerprint(seed=1, data=np.arange(6, dtype=np.int8))
    saved = state()
    checkpoint.save(tmp_path / "c.npz", saved, digests)
    loaded = checkpoint.load(tmp_path / "c.npz", digests)
    assert loaded.epoch == 7 and loaded.elapsed_seconds == 12.5
    for name in ("weights", "visible_fields", "hidden_fields", "chains", "chain_states"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(saved, name))
        assert getattr(loaded, name).dtype == getattr(saved, name).dtype
    assert len(loaded.records) == 3
    for a, b in zip(loaded.records, saved.records):
        np.testing.assert_array_equal(a["weights"], b["weights"])
        assert a["ll_train"] == b["ll_train"] and np.isnan(a["ll_test"])
    empty = state(n_records=0)
    checkpoint.save(tmp_path / "e.npz", empty, digests)
    assert checkpoint.load(tmp_path / "e.npz", digests).records == []
    assert checkpoint.load(tmp_path / "absent.npz", digests) is None


def test_checkpoint_of_other_arguments_is_refused(tmp_path):
    data = np.arange(6, dtype=np.int8)
    checkpoint.save(tmp_path / "c.npz", state(), checkpoint.fingerprint(seed=1, data=data))
    with pytest.raises(checkpoint.StaleCheckpointError, match=r"differ: seed\)"):
        checkpoint.load(tmp_path / "c.npz", checkpoint.fingerprint(seed=2, data=data))
    other = data.copy()
    other[0] = 1
    with pytest.raises(checkpoint.StaleCheckpointError, match=r"differ: data\)"):
        checkpoint.load(tmp_path / "c.npz", checkpoint.fingerprint(seed=1, data=other))


def test_fingerprint_sees_the_initial_rbm():
    from rbmsweep import RBM

    assert checkpoint.fingerprint(rbm=RBM(5, 2, seed=0)) == checkpoint.fingerprint(rbm=RBM(5, 2, seed=0))
    assert checkpoint.fingerprint(rbm=RBM(5, 2, seed=0)) != checkpoint.fingerprint(rbm=RBM(5, 2, seed=1))
    assert checkpoint.fingerprint(rbm=RBM(5, 2, hidden="spin")) != checkpoint.fingerprint(
        rbm=RBM(5, 2, hidden="bernoulli"))


def test_failed_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path, digests = tmp_path / "c.npz", checkpoint.fingerprint(seed=1)
    checkpoint.save(path, state(epoch=4), digests)

    def dies_halfway(handle, **arrays):
        handle.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", dies_halfway)
    with pytest.raises(KeyboardInterrupt):
        checkpoint.save(path, state(epoch=5), digests)
    monkeypatch.undo()
    assert checkpoint.load(path, digests).epoch == 4
    assert not list(tmp_path.glob("*.tmp"))


def test_orphaned_temporary_of_a_killed_save_is_cleaned(tmp_path):
    path, digests = tmp_path / "c.npz", checkpoint.fingerprint(seed=1)
    checkpoint.save(path, state(epoch=4), digests)
    orphan = tmp_path / ".c.npz.abc123.tmp"  # what a SIGKILL during a save leaves
    orphan.write_bytes(b"PK partial")
    assert checkpoint.load(path, digests).epoch == 4
    assert not orphan.exists()
    checkpoint.remove(path)
    assert not path.exists()


def test_schedule():
    every_three = checkpoint.Schedule.from_spec({"epochs": 3})
    assert [e for e in range(1, 10) if every_three.due(e)] == [3, 6, 9]
    always = checkpoint.Schedule.from_spec(0)
    assert all(always.due(e) for e in range(1, 4))
    rarely = checkpoint.Schedule.from_spec(3600)
    assert not rarely.due(1)
    assert checkpoint.Schedule.from_spec(None).seconds == checkpoint.DEFAULT_EVERY_SECONDS
    with pytest.raises(ValueError, match="checkpoint_every"):
        checkpoint.Schedule.from_spec({"epoch": 3})
    with pytest.raises(ValueError, match="checkpoint_every"):
        checkpoint.Schedule.from_spec({"epochs": 0})


def test_each_run_of_a_job_gets_its_own_file():
    assert str(checkpoint.run_path("r/ck.npz", seed=4)) == "r/ck.npz"
    assert str(checkpoint.run_path("r/ck.npz", seed=4, n_runs=2)) == "r/ck.seed~4.npz"
