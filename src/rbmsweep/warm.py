"""Warm numba's cache before a sweep's jobs start (docs/physics.md §18).

Every process that calls a kernel loads it from numba's on-disk cache, or compiles it into the
cache when it is not there (several seconds).  The workflow calls ``rbmsweep warm`` once, on the
machine that runs Snakemake, before any job (the Snakefile's ``onstart``): it runs one tiny
version of each distinct kind of run the sweep will run — the same study kind, data model, unit
types, algorithm and way of sweeping, on a few samples for one epoch — so that every kernel a
job needs is compiled once, here, and not by two jobs at once on a fresh machine or in every
SLURM job (which start from a copy of this cache).  Warming an already warm cache costs about a
second; a run that fails here only leaves its kernels to the jobs, which compile them as before.
"""

import dataclasses
import logging
import time

log = logging.getLogger("rbmsweep.warm")


def signature(spec):
    """What decides which kernels a run compiles: its kind, data model and size class, unit
    types, algorithm and the knobs that select kernel variants (hidden units, chains and steps:
    ``kernels.pcd.sweep_kind``; exact likelihood or not).  Runs with equal signatures compile
    the same kernels."""
    values = [spec.kind, spec.data.model, spec.data.n_visible, spec.data.q, spec.data.kernel]
    if spec.rbm is not None and spec.train is not None:
        rbm, train = dataclasses.asdict(spec.rbm), dataclasses.asdict(spec.train)
        train.pop("epochs"), train.pop("snapshots"), train.pop("learning_rate")
        rbm.pop("init_std")
        values += [sorted(rbm.items()), sorted((k, str(v)) for k, v in train.items())]
    return repr(values)


def tiny(spec):
    """The run ``spec`` on a few samples for one epoch: same kernels, a fraction of a second."""
    chains = 1
    if spec.train is not None:
        chains = max(spec.train.batch_size, spec.train.n_chains or 0)
    data = dataclasses.replace(spec.data, n_samples=max(chains, 8), n_test=4)
    changes = {"data": data}
    if spec.train is not None:
        changes["train"] = dataclasses.replace(spec.train, epochs=1, snapshots=[0, 1])
    return dataclasses.replace(spec, **changes)


def warm(specs):
    """Run one tiny version of every distinct signature among ``specs`` (``RunSpec``); returns
    the number of signatures warmed and the number that failed (logged)."""
    from . import data, studies

    distinct = {}
    for spec in specs:
        distinct.setdefault(signature(spec), spec)
    failed = 0
    for key, spec in distinct.items():
        started = time.perf_counter()
        try:
            small = tiny(spec)
            train, test = data.make_dataset(**small.data.arguments())
            studies.run(small, train, test, threads=1)  # as the rules run them
        except Exception as error:  # the jobs compile what this could not
            failed += 1
            log.warning("could not warm %s/%s: %s: %s", spec.study, spec.run_id,
                        type(error).__name__, error)
            continue
        log.info("warm: %s/%s in %.1f s", spec.study, spec.run_id,
                 time.perf_counter() - started)
    return len(distinct), failed
