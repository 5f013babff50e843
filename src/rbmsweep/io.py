"""Files: NetCDF datasets, runs and cubes, written atomically, with provenance.

Only this module knows file formats.  Every write goes to a temporary file in the target's
folder, then ``os.replace`` moves it into place, so a killed job never leaves a half-written
output that Snakemake (or a reader) would take for a finished one.
"""

import functools
import json
import os
import platform
import subprocess
import tempfile
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

_DEPENDENCIES = ("numpy", "numba", "scipy", "xarray", "netCDF4", "pandas", "snakemake")


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; on success move it onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        yield temporary
        # mkstemp makes the file owner-only; give it the permissions a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_netcdf(dataset, path):
    """Write ``dataset`` to ``path`` atomically (NetCDF4, compressed float variables)."""
    encoding = {name: {"zlib": True, "complevel": 1} for name, variable in dataset.data_vars.items()
                if variable.dtype.kind in "fiu"}
    with atomic_path(path) as temporary:
        dataset.to_netcdf(temporary, engine="netcdf4", encoding=encoding)


def git_commit():
    """The commit of the source tree the package runs from, or 'unknown'."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent,
                             capture_output=True, text=True, timeout=10)
        commit = out.stdout.strip()
        if out.returncode == 0 and commit:
            dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                   cwd=Path(__file__).parent, capture_output=True, text=True,
                                   timeout=10).stdout.strip()
            return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return "unknown"


def provenance():
    """Global attributes naming the software that made a file (computed once per process: a
    job that writes many files asks git once)."""
    return dict(_provenance())


@functools.lru_cache(maxsize=1)
def _provenance():
    versions = {"python": platform.python_version()}
    for name in ("rbmsweep",) + _DEPENDENCIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return {"software_versions": json.dumps(versions), "git_commit": git_commit()}


# -- datasets --------------------------------------------------------------------------------
def write_samples(train, test, path, data_args, attributes=None):
    """Training and test configurations of one dataset, with the arguments that made
    them (a mapping, ``rbmsweep.config.DataSpec`` as a dict) as attributes of the same names,
    and ``attributes`` (numbers and strings: how the sampler made them, e.g. the burn-in and
    autocorrelation times of Monte Carlo data, ``rbmsweep.data.make_dataset``).
    Discrete data (spin, bernoulli, potts values) are stored as int8, real-valued data (for
    gaussian visible units) as float64.  Written with netCDF4 directly (no xarray import: data
    jobs are many and short); ``xr.open_dataset`` reads it like any other file."""
    import netCDF4

    real = np.issubdtype(np.asarray(train).dtype, np.floating)
    storage = "f8" if real else "i1"

    with atomic_path(path) as temporary:
        with netCDF4.Dataset(temporary, "w") as dataset:
            dataset.createDimension("sample", train.shape[0])
            dataset.createDimension("test_sample", test.shape[0])
            dataset.createDimension("visible", train.shape[1])
            visible = dataset.createVariable("visible", "i8", ("visible",))
            visible[:] = np.arange(train.shape[1])
            visible.long_name = "visible unit (site)"
            for name, values, dims, long_name in (
                    ("train", train, ("sample", "visible"), "training configurations"),
                    ("test", test, ("test_sample", "visible"), "held-out test configurations")):
                variable = dataset.createVariable(name, storage, dims, zlib=True, complevel=1)
                variable[:] = values
                variable.long_name = long_name
            dataset.setncatts({"data_args": json.dumps(data_args), **data_args,
                               **(attributes or {}), **provenance()})


def read_samples(path):
    """(train, test) arrays of a dataset file: int8 for discrete data, float64 for real-valued
    data (``write_samples``)."""
    import netCDF4

    with netCDF4.Dataset(path) as dataset:
        dataset.set_auto_mask(False)
        dtype = np.float64 if dataset["train"].dtype.kind == "f" else np.int8
        return (np.ascontiguousarray(dataset["train"][:], dtype=dtype),
                np.ascontiguousarray(dataset["test"][:], dtype=dtype))


# -- runs and cubes --------------------------------------------------------------------------
def combine_job(runs):
    """The runs of one job (labelled by ``rbmsweep.studies.label_run``) as one dataset, with
    the per-run attributes kept as JSON lists."""
    import xarray as xr

    job = runs[0].copy() if len(runs) == 1 else xr.combine_by_coords(
        runs, data_vars="all", coords="different", compat="no_conflicts", join="outer",
        combine_attrs="drop_conflicts")  # xarray's defaults today, stated: they will change
    job.attrs["run_ids"] = json.dumps([run.attrs["run_id"] for run in runs])
    job.attrs["train_seconds_per_run"] = json.dumps([run.attrs.get("train_seconds", 0.0)
                                                     for run in runs])
    return job


#: dims inside one run (everything else in a run file is a length-1 sweep dim)
RUN_DIMS = ("epoch", "visible", "hidden", "mode", "state", "rank", "training_epoch", "component",
            "model_sample")


def sweep_dims(cube):
    """The sweep axes of a run or cube (every dim but the per-run ones), in their order."""
    return [dim for dim in cube.dims if dim not in RUN_DIMS]


def combine_runs(paths):
    """One cube from many run files (or job datasets): ``xr.combine_by_coords`` along the sweep
    dimensions.

    Runs of different sizes (a sweep over n_hidden, n_visible or epochs) are first put on the
    union of their run coordinates, padded with NaN, so that only the sweep dims are combined.
    """
    import xarray as xr

    runs = [path if isinstance(path, xr.Dataset) else xr.load_dataset(path) for path in paths]
    per_run = {"run_id", "config", "seed", "train_seconds", "run_ids", "train_seconds_per_run"}
    union = {}
    for run in runs:
        for key in per_run:
            run.attrs.pop(key, None)
        for dim in RUN_DIMS:
            if dim in run.coords:
                union.setdefault(dim, set()).update(run[dim].values.tolist())
    union = {dim: np.array(sorted(values)) for dim, values in union.items()}
    runs = [run.reindex({dim: values for dim, values in union.items() if dim in run.dims})
            for run in runs]
    # the attributes every run shares (runs of different algorithms carry different ones,
    # which combine_by_coords would not always drop)
    shared = {key: value for key, value in runs[0].attrs.items()
              if all(key in run.attrs and np.array_equal(run.attrs[key], value) for run in runs)}
    cube = xr.combine_by_coords(runs, data_vars="all", coords="different", compat="no_conflicts",
                                join="outer", combine_attrs="drop_conflicts")
    cube.attrs = {**shared, "n_runs": len(runs)}
    for variable in cube.variables.values():
        # a run file's encoding (e.g. the width of its strings: 'cd' then 'pcd') is not the cube's
        variable.encoding = {}
    return cube
