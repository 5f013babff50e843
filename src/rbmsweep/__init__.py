"""rbmsweep: sweeps of Restricted Boltzmann Machines trained on spin-chain data.

    from rbmsweep import data, RBM, train

Submodules and the names above are imported on first use, so that a workflow job (the
``rbmsweep`` command) pays only for the modules it needs.
"""

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rbmsweep")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

_LAZY = {"RBM": ("rbmsweep.rbm", "RBM"), "train": ("rbmsweep.training", "train")}
_SUBMODULES = {"data", "io", "theory", "observables", "studies", "plots", "config", "units", "rbm",
               "training", "checkpoint", "cost", "kernels", "cli"}

__all__ = ["RBM", "data", "train", "__version__"]


def __getattr__(name):
    if name in _LAZY:
        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    if name in _SUBMODULES:
        return importlib.import_module(f"rbmsweep.{name}")
    raise AttributeError(f"module 'rbmsweep' has no attribute {name!r}")
