"""Data that are not sampled here: a user's file, and scikit-learn's 8×8 digits, each split
into training and test configurations by a seed (docs/physics.md §2.4).

File layout (``model: file``, config/README.md): an ``.npz`` archive with one array
``samples`` (or ``v``), an ``.npy`` array, or a NetCDF file with a variable ``samples`` whose
first dimension is the sample; shape ``(n_rows, n_visible)``.  Values: ±1 (spin), 0/1
(bernoulli), 0..q−1 (potts) or finite reals (gaussian visible units).
"""

import os
from functools import lru_cache

import numpy as np

from .checks import check_int, check_seed

#: values each visible unit type allows in a file (potts: 0..q−1, gaussian: finite reals)
BINARY_VALUES = {"spin": {-1, 1}, "bernoulli": {0, 1}}
#: unit types ``load_samples`` checks values for
FILE_VISIBLE = ("spin", "bernoulli", "potts", "gaussian")


def _check_values(x, visible, q, where):
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(f"{where}: samples must be a non-empty 2-D array (samples × visible "
                         f"units), got shape {x.shape}")
    if visible == "gaussian":
        if x.dtype == np.bool_ or not (np.issubdtype(x.dtype, np.integer)
                                       or np.issubdtype(x.dtype, np.floating)):
            raise ValueError(f"{where}: gaussian samples must be real numbers, got dtype {x.dtype}")
        x = np.ascontiguousarray(x, dtype=np.float64)
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{where}: gaussian samples must be finite, got "
                             f"{int(np.sum(~np.isfinite(x)))} NaN or infinite values")
        return x
    if x.dtype == np.bool_:
        x = x.astype(np.int8)
    elif np.issubdtype(x.dtype, np.floating):
        if not np.all(np.isfinite(x)) or not np.all(x == np.round(x)):
            raise ValueError(f"{where}: samples must have integer values (or use gaussian "
                             "visible units for real values), got non-integers")
    elif not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"{where}: samples must be integer, got dtype {x.dtype}")
    values = np.unique(x)
    vals = set(values.tolist())
    if visible is None:
        if not (vals <= BINARY_VALUES["spin"] or vals <= BINARY_VALUES["bernoulli"]
                or (values.min() >= 0 and values.max() <= 126)):
            raise ValueError(
                f"{where}: values must be ±1 (spin), 0/1 (bernoulli) or 0..q-1 (potts, q ≤ 127), "
                f"got {values[:10].tolist()}"
            )
    elif visible in BINARY_VALUES:
        if not vals <= BINARY_VALUES[visible]:
            raise ValueError(f"{where}: {visible} samples must be in "
                             f"{sorted(BINARY_VALUES[visible])}, got {values[:10].tolist()}")
    elif visible == "potts":
        q = 127 if q is None else check_int("q", q, 2, 127)
        if values.min() < 0 or values.max() >= q:
            raise ValueError(f"{where}: potts samples must be in 0..{q - 1}, got {values[:10].tolist()}")
    else:
        raise ValueError(f"visible must be None or one of {', '.join(FILE_VISIBLE)}, "
                         f"got {visible!r}")
    return np.ascontiguousarray(x, dtype=np.int8)


def _read_array(path):
    ext = os.path.splitext(path)[1].lower()
    if ext == ".npz":
        with np.load(path, allow_pickle=False) as f:
            for name in ("samples", "v"):
                if name in f.files:
                    return f[name]
            raise ValueError(f"{path}: no array named 'samples' or 'v' (found {f.files})")
    if ext == ".npy":
        return np.load(path, allow_pickle=False)
    if ext in (".nc", ".nc4", ".cdf", ".netcdf"):
        import xarray as xr

        with xr.open_dataset(path) as ds:
            if "samples" not in ds.variables:
                raise ValueError(f"{path}: no variable 'samples' (found {list(ds.variables)})")
            return ds["samples"].values
    raise ValueError(f"{path}: unknown file type {ext!r} (expected .npz, .npy or .nc)")


def load_samples(path, visible=None, q=None):
    """Load a user's data set as a C-contiguous array (n_samples, n_visible): int8 for
    discrete units, float64 for ``visible="gaussian"``.

    ``.npz``: an array named ``samples`` (or ``v``); ``.npy``: the array itself; NetCDF
    (``.nc``, ``.nc4``, ``.cdf``): a variable ``samples`` whose first dimension is the sample.
    Discrete values must be integers (bool and integral floats are accepted); with ``visible`` =
    ``"spin"`` they must be ±1, ``"bernoulli"`` 0/1, ``"potts"`` 0..q-1 (q ≤ 127); with
    ``visible=None`` any of those families is accepted.  ``"gaussian"``: finite reals.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ValueError(f"{path}: no such file")
    return _check_values(np.asarray(_read_array(path)), visible, q, path)


@lru_cache(maxsize=64)
def _file_summary(path, mtime, visible):
    if visible is None and is_real_valued(path):
        visible = "gaussian"
    return load_samples(path, visible).shape


def file_shape(path, visible=None):
    """(rows, n_visible) of a data file whose values fit ``visible`` (``None``: any discrete
    family, or real values) — a ``ValueError`` naming the file and what is wrong otherwise;
    cached by the file's modification time, because the config reads it each time it expands
    a study."""
    path = os.path.abspath(os.fspath(path))
    if not os.path.exists(path):
        raise ValueError(f"{path}: no such file")
    return _file_summary(path, os.path.getmtime(path), visible)


def split(v, n_samples, n_test, seed, where="data"):
    """(train, test): the rows of ``v`` shuffled by ``seed`` (numpy's ``default_rng``), the
    first ``n_samples`` for training and the next ``n_test`` for testing."""
    n_samples, n_test = check_int("n_samples", n_samples, 1), check_int("n_test", n_test, 0)
    if n_samples + n_test > len(v):
        raise ValueError(f"{where}: n_samples + n_test = {n_samples} + {n_test} is more than the "
                         f"{len(v)} configurations available")
    order = np.random.default_rng(check_seed(seed)).permutation(len(v))
    return (np.ascontiguousarray(v[order[:n_samples]]),
            np.ascontiguousarray(v[order[n_samples:n_samples + n_test]]))


def is_real_valued(path):
    """Whether a data file holds real values (floats that are not all integers): data for
    gaussian visible units, stored as float64."""
    x = np.asarray(_read_array(os.fspath(path)))
    return bool(np.issubdtype(x.dtype, np.floating) and not (
        np.all(np.isfinite(x)) and np.all(x == np.round(x))))


def file_samples(path, n_samples, n_test, seed, visible=None):
    """(train, test) of a user's file (``model: file``): ``load_samples`` then ``split``;
    ``visible=None``: discrete (int8) unless the file holds real values (float64)."""
    if visible is None and is_real_valued(path):
        visible = "gaussian"
    return split(load_samples(path, visible), n_samples, n_test, seed, where=os.fspath(path))


#: configurations in scikit-learn's digits
N_DIGITS = 1797


def digits(seed=None, *, threshold=8, return_labels=False):
    """scikit-learn's 8×8 digits (1797 images, shipped with sklearn), binarised to {0, 1} int8.

    A pixel is 1 when its intensity (0..16) is at least ``threshold`` (default 8, half the
    maximum).  Shape (1797, 64).  ``seed``: if given, the rows are shuffled by
    ``np.random.default_rng(seed)``.  ``return_labels=True`` also returns the digit labels
    (same order).
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "data.digits needs scikit-learn (pip install scikit-learn, or the 'test' extra)"
        ) from exc
    if not 0 <= threshold <= 16:
        raise ValueError(f"threshold: {threshold!r} is not allowed; it must be in [0, 16]")
    bunch = load_digits()
    v = (bunch.data >= threshold).astype(np.int8)
    labels = bunch.target.astype(np.int64)
    if seed is not None:
        perm = np.random.default_rng(check_seed(seed)).permutation(v.shape[0])
        v, labels = v[perm], labels[perm]
    v = np.ascontiguousarray(v)
    return (v, labels) if return_labels else v


def digit_samples(n_samples, n_test, seed, threshold=8):
    """(train, test) of the binarised digits (``model: digits``): ``digits(threshold=...)``
    then ``split`` by ``seed``; the two never share an image."""
    return split(digits(threshold=threshold), n_samples, n_test, seed, where="digits")
