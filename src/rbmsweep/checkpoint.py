"""Checkpoints of a training run: the whole state, saved atomically, resumed bit for bit.

A long run (the diffusion study trains for thousands of epochs) saves its state
regularly; a job killed at any moment and started again resumes from its last checkpoint and
ends with results identical to an uninterrupted run with the same seed.  The state is
everything the next epoch depends on:

- the parameters (weights, visible and hidden fields, of any unit types), float64;
- the persistent chains (int8; float64 for Gaussian visible units) and their random-number
  streams (xoshiro256+ states, uint64, ``rbmsweep.kernels.random``);
- the last completed epoch, and the snapshot records taken so far.

The epoch shuffle is derived from ``(seed, epoch)`` (``rbmsweep.training``), so there is no
shuffle state to save.  A checkpoint carries a fingerprint of everything that determines the
run (data, initial parameters, training arguments, snapshot grid); a checkpoint of other
arguments is refused (``StaleCheckpointError`` names what differs) instead of being resumed
into a wrong result.

Files are NumPy ``.npz`` archives written through ``rbmsweep.io.atomic_path`` (temporary file,
``fsync``, ``os.replace``): a kill while saving leaves the previous checkpoint intact, never a
half-written one.  ``train(..., checkpoint=path)`` removes the file once the run succeeds.
"""

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .io import atomic_path

log = logging.getLogger("rbmsweep.checkpoint")

#: bump when the layout of the file changes; part of the fingerprint
FORMAT_VERSION = 2

#: default time between checkpoints (seconds of wall time)
DEFAULT_EVERY_SECONDS = 300.0


class StaleCheckpointError(RuntimeError):
    """A checkpoint written for other run arguments than the ones given now."""


@dataclass
class TrainingState:
    """Everything a training run needs to continue after ``epoch`` (the last completed epoch)."""

    epoch: int
    weights: np.ndarray
    visible_fields: np.ndarray
    hidden_fields: np.ndarray
    chains: np.ndarray
    chain_states: np.ndarray
    records: list = field(default_factory=list)
    elapsed_seconds: float = 0.0

    def restore(self, rbm, chains, chain_states):
        """Copy the saved parameters, chains and streams into the live arrays, in place."""
        for name, live, saved in (("weights", rbm.weights, self.weights),
                                  ("visible_fields", rbm.visible_fields, self.visible_fields),
                                  ("hidden_fields", rbm.hidden_fields, self.hidden_fields),
                                  ("chains", chains, self.chains),
                                  ("chain_states", chain_states, self.chain_states)):
            if live.shape != saved.shape or live.dtype != saved.dtype:
                raise StaleCheckpointError(
                    f"checkpoint {name}: saved {saved.dtype}{saved.shape}, "
                    f"run has {live.dtype}{live.shape}")
            live[...] = saved


# -- fingerprint -------------------------------------------------------------------------------
def _digest(value):
    """A short stable digest of an argument: arrays by dtype, shape and bytes; RBMs by their
    unit types and parameters; everything else by its JSON form."""
    from .rbm import RBM  # here: the CLI imports this module for every job, training or not

    hasher = hashlib.blake2b(digest_size=16)
    if isinstance(value, RBM):  # by its initial parameters
        hasher.update(json.dumps([value.visible.name, value.hidden.name,
                                  bool(value.zero_fields), value.q, value.visible.variance,
                                  value.hidden.variance, value.hidden.theta]).encode())
        for array in (value.weights, value.visible_fields, value.hidden_fields):
            hasher.update(_digest(array).encode())
    elif isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        hasher.update(f"{array.dtype.str}{array.shape}".encode())
        hasher.update(memoryview(array).cast("B"))
    else:
        hasher.update(json.dumps(value, sort_keys=True, default=_json_default).encode())
    return hasher.hexdigest()


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot fingerprint a {type(value).__name__}")


def fingerprint(**arguments):
    """Digest of each argument that determines a run (``None`` values included), by name.

    Pass the data, the RBM *before* training (its initial parameters) and every training
    argument that changes the result; leave out what does not (threads, checkpoint timing).
    """
    digests = {name: _digest(value) for name, value in sorted(arguments.items())}
    digests["format_version"] = str(FORMAT_VERSION)
    return digests


# -- files -------------------------------------------------------------------------------------
def _orphans(path):
    """Temporary files of interrupted saves of ``path`` (``io.atomic_path`` names)."""
    path = Path(path)
    return list(path.parent.glob(f".{path.name}.*.tmp"))


def save(path, state, digests):
    """Write ``state`` with its fingerprint ``digests`` to ``path`` atomically and durably."""
    arrays = {
        "fingerprint": np.array(json.dumps(digests, sort_keys=True)),
        "epoch": np.array(int(state.epoch)),
        "elapsed_seconds": np.array(float(state.elapsed_seconds)),
        "weights": state.weights, "visible_fields": state.visible_fields,
        "hidden_fields": state.hidden_fields,
        "chains": np.asarray(state.chains),  # int8, or float64 for Gaussian visible units
        "chain_states": np.asarray(state.chain_states, dtype=np.uint64),
    }
    keys = sorted(state.records[0]) if state.records else []
    arrays["record_keys"] = np.array(json.dumps(keys))
    for key in keys:
        arrays[f"record.{key}"] = np.stack([np.asarray(record[key]) for record in state.records])
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as handle:
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
    try:  # make the rename itself durable
        directory = os.open(Path(path).parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError:
        pass


def load(path, digests):
    """The state saved at ``path``, or ``None`` if there is none.

    Raises ``StaleCheckpointError`` if the checkpoint was written for other arguments than
    ``digests`` (a fingerprint); the message names the arguments that differ.  Leftover
    temporary files of a save that was killed are removed.
    """
    path = Path(path)
    for orphan in _orphans(path):
        orphan.unlink(missing_ok=True)
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as archive:
        saved = json.loads(str(archive["fingerprint"]))
        differ = sorted(key for key in set(saved) | set(digests) if saved.get(key) != digests.get(key))
        if differ:
            raise StaleCheckpointError(
                f"checkpoint {path} was written for other run arguments (differ: "
                f"{', '.join(differ)}); delete it to start the run afresh")
        keys = json.loads(str(archive["record_keys"]))
        columns = {key: archive[f"record.{key}"] for key in keys}
        n_records = len(next(iter(columns.values()))) if columns else 0
        records = [{key: columns[key][r].copy() if columns[key].ndim > 1 else columns[key][r]
                    for key in keys} for r in range(n_records)]
        return TrainingState(
            epoch=int(archive["epoch"]), weights=archive["weights"].copy(),
            visible_fields=archive["visible_fields"].copy(),
            hidden_fields=archive["hidden_fields"].copy(), chains=archive["chains"].copy(),
            chain_states=archive["chain_states"].copy(), records=records,
            elapsed_seconds=float(archive["elapsed_seconds"]))


def remove(path):
    """Delete the checkpoint (and any leftover temporary file of it)."""
    for stale in [Path(path), *_orphans(path)]:
        stale.unlink(missing_ok=True)


# -- when to save ------------------------------------------------------------------------------
class Schedule:
    """When to save: every ``epochs`` completed epochs, or once ``seconds`` of wall time have
    passed since the last save, whichever comes first.

    ``Schedule.from_spec(every)``: a number is seconds (``0``: after every epoch); a mapping
    ``{"epochs": k}`` and/or ``{"seconds": t}`` is explicit.
    """

    def __init__(self, epochs=None, seconds=None):
        if epochs is None and seconds is None:
            seconds = DEFAULT_EVERY_SECONDS
        if epochs is not None and (int(epochs) != epochs or epochs < 1):
            raise ValueError(f"checkpoint_every: epochs {epochs!r} is not allowed; must be an integer ≥ 1")
        if seconds is not None and not (np.isfinite(seconds) and seconds >= 0):
            raise ValueError(f"checkpoint_every: seconds {seconds!r} is not allowed; must be ≥ 0")
        self.epochs = None if epochs is None else int(epochs)
        self.seconds = None if seconds is None else float(seconds)
        self.last_save = time.monotonic()

    @classmethod
    def from_spec(cls, every):
        if isinstance(every, Schedule):
            return every
        if every is None:
            return cls()
        if isinstance(every, dict):
            unknown = set(every) - {"epochs", "seconds"}
            if unknown:
                raise ValueError(f"checkpoint_every: keys {sorted(unknown)} are not allowed; "
                                 "allowed: epochs, seconds")
            return cls(epochs=every.get("epochs"), seconds=every.get("seconds"))
        return cls(seconds=float(every))

    def due(self, epoch):
        if self.epochs is not None and epoch % self.epochs == 0:
            return True
        return self.seconds is not None and time.monotonic() - self.last_save >= self.seconds

    def saved(self):
        self.last_save = time.monotonic()


class Checkpointer:
    """The checkpoint of one training run: fingerprint, schedule, resume, save, remove.

    ``arguments`` are those of ``fingerprint``: everything that determines the run, the RBM
    given *before* training starts.
    """

    def __init__(self, path, every=None, **arguments):
        self.path = Path(path)
        self.schedule = Schedule.from_spec(every)
        self.digests = fingerprint(**arguments)

    def resume(self):
        """The saved state, or ``None`` (no checkpoint yet)."""
        state = load(self.path, self.digests)
        if state is not None:
            log.info("resuming from %s after epoch %d", self.path, state.epoch)
        return state

    def due(self, epoch):
        return self.schedule.due(epoch)

    def save(self, epoch, rbm, chains, chain_states, records, elapsed_seconds):
        save(self.path, TrainingState(
            epoch=epoch, weights=rbm.weights, visible_fields=rbm.visible_fields,
            hidden_fields=rbm.hidden_fields, chains=chains, chain_states=chain_states,
            records=records, elapsed_seconds=elapsed_seconds), self.digests)
        self.schedule.saved()
        log.info("checkpoint after epoch %d: %s", epoch, self.path)

    def remove(self):
        remove(self.path)


def run_path(path, seed, n_runs=1):
    """The checkpoint file of one run of a job: ``path``, or with several runs in one job one
    file per run, ``<stem>.seed~<seed><suffix>`` beside ``path``."""
    path = Path(path)
    return path if n_runs == 1 else path.with_name(f"{path.stem}.seed~{seed}{path.suffix}")
