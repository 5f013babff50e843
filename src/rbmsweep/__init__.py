"""rbmsweep: sweeps of Restricted Boltzmann Machines trained on spin-chain data.

    from rbmsweep import data, RBM, train
"""

from importlib.metadata import PackageNotFoundError, version

from . import data
from .rbm import RBM
from .train import train

try:
    __version__ = version("rbmsweep")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["RBM", "data", "train", "__version__"]
