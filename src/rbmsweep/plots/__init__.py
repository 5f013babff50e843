"""Figures, drawn from cubes, aggregates and data set files (never by training).

One module per study kind (and ``data`` for the data sets); each figure is a function
``f(inputs, output)`` of the input files and the PNG to write.  The study kinds' ``FIGURES``
tables (``rbmsweep.studies``) name them as ``"module:function"``; ``draw`` calls one.
"""

import importlib


def draw(function, inputs, output):
    """Draw the figure ``function`` (``"module:function"`` in this package) from the files
    ``inputs`` into ``output``."""
    module_name, _, name = function.partition(":")
    module = importlib.import_module(f"{__name__}.{module_name}")
    try:
        draw_function = getattr(module, name)
    except AttributeError:
        raise ValueError(f"plotting function {function!r} does not exist") from None
    draw_function(list(inputs), output)
