"""Data that are not sampled here: a user's file, and scikit-learn's 8×8 digits."""

import os

import numpy as np

from .checks import check_int, check_seed


def _check_values(x, visible, q, where):
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(f"{where}: samples must be a non-empty 2-D array, got shape {x.shape}")
    if x.dtype == np.bool_:
        x = x.astype(np.int8)
    elif np.issubdtype(x.dtype, np.floating):
        if not np.all(np.isfinite(x)) or not np.all(x == np.round(x)):
            raise ValueError(f"{where}: samples must have integer values, got non-integers")
    elif not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"{where}: samples must be integer, got dtype {x.dtype}")
    values = np.unique(x)
    kinds = {"spin": {-1, 1}, "bernoulli": {0, 1}}
    vals = set(values.tolist())
    if visible is None:
        if vals <= kinds["spin"] or vals <= kinds["bernoulli"]:
            pass
        elif values.min() >= 0 and values.max() <= 126:
            pass
        else:
            raise ValueError(
                f"{where}: values must be ±1 (spin), 0/1 (bernoulli) or 0..q-1 (potts, q ≤ 127), "
                f"got {values[:10].tolist()}"
            )
    elif visible in kinds:
        if not vals <= kinds[visible]:
            raise ValueError(f"{where}: {visible} samples must be in {sorted(kinds[visible])}, got {values[:10].tolist()}")
    elif visible == "potts":
        if q is None:
            raise ValueError("q is required when visible='potts'")
        q = check_int("q", q, 2, 127)
        if values.min() < 0 or values.max() >= q:
            raise ValueError(f"{where}: potts samples must be in 0..{q - 1}, got {values[:10].tolist()}")
    else:
        raise ValueError(f"visible must be None, 'spin', 'bernoulli' or 'potts', got {visible!r}")
    return np.ascontiguousarray(x, dtype=np.int8)


def load_samples(path, visible=None, q=None):
    """Load a user's data set as a C-contiguous int8 array (n_samples, n_visible).

    ``.npz``: an array named ``samples`` (or ``v``); ``.npy``: the array itself; NetCDF
    (``.nc``, ``.nc4``, ``.cdf``): a variable ``samples`` whose first dimension is the sample.
    Values must be integers (bool and integral floats are accepted); with ``visible`` =
    ``"spin"`` they must be ±1, ``"bernoulli"`` 0/1, ``"potts"`` 0..q-1; with ``visible=None``
    any of those families is accepted.
    """
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext == ".npz":
        with np.load(path, allow_pickle=False) as f:
            for name in ("samples", "v"):
                if name in f.files:
                    x = f[name]
                    break
            else:
                raise ValueError(f"{path}: no array named 'samples' or 'v' (found {f.files})")
    elif ext == ".npy":
        x = np.load(path, allow_pickle=False)
    elif ext in (".nc", ".nc4", ".cdf", ".netcdf"):
        import xarray as xr

        with xr.open_dataset(path) as ds:
            if "samples" not in ds.variables:
                raise ValueError(f"{path}: no variable 'samples' (found {list(ds.variables)})")
            x = ds["samples"].values
    else:
        raise ValueError(f"{path}: unknown file type {ext!r} (expected .npz, .npy or .nc)")
    return _check_values(np.asarray(x), visible, q, path)


def digits(seed=None, *, return_labels=False):
    """scikit-learn's 8×8 digits (1797 images, shipped with sklearn), binarised to {0, 1} int8.

    A pixel is 1 when its intensity is at least half the maximum (≥ 8 of 16).  Shape
    (1797, 64).  ``seed``: if given, the rows are shuffled by ``np.random.default_rng(seed)``.
    ``return_labels=True`` also returns the digit labels (same order).
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "data.digits needs scikit-learn (pip install scikit-learn, or the 'test' extra)"
        ) from exc
    bunch = load_digits()
    x = bunch.data
    v = (x >= x.max() / 2.0).astype(np.int8)
    labels = bunch.target.astype(np.int64)
    if seed is not None:
        perm = np.random.default_rng(check_seed(seed)).permutation(v.shape[0])
        v, labels = v[perm], labels[perm]
    v = np.ascontiguousarray(v)
    return (v, labels) if return_labels else v
