"""Numba kernels: plain functions over arrays, with explicit random-number states.

Nothing here imports the rest of the package; the Python that calls these lives in
``rbmsweep.data``, ``rbmsweep.rbm`` and ``rbmsweep.training``.
"""
