"""What every study kind shares: the sweep dims of a cube, and the job of one training run."""

import numpy as np

from ..io import RUN_DIMS


def sweep_dims(cube):
    """The sweep axes of a cube (everything but the per-run dims), in cube order."""
    return [dim for dim in cube.dims if dim not in RUN_DIMS]


def unstack_points(out, axes, cube):
    """``out``, computed along a stacked ``point`` dim (``cube.stack(point=axes)``, or one
    point when there is no sweep axis), back on the sweep axes with the cube's attrs."""
    if not axes:
        return out.isel(point=0, drop=True)
    out = out.unstack("point").transpose(*axes, ...)
    for dim in axes:
        out[dim].attrs.update(cube[dim].attrs)
    return out


def correlation_spectrum(samples):
    """Eigenvalues (descending) and eigenvectors of C_ij = ⟨v_i v_j⟩_data (DESIGN §3.4)."""
    samples = np.asarray(samples, dtype=np.float64)
    correlation = samples.T @ samples / len(samples)
    eigenvalues, eigenvectors = np.linalg.eigh(correlation)
    return eigenvalues[::-1], eigenvectors[:, ::-1]


def training_run(spec, samples, test):
    """Train the RBM of one run (``spec`` from ``rbmsweep.config``) and return its dataset."""
    from ..rbm import RBM
    from ..training import train

    rbm = RBM(n_visible=samples.shape[1], seed=spec["seed"], **spec["rbm"])
    return train(rbm, samples, test=test if len(test) else None, seed=spec["seed"], **spec["train"])
