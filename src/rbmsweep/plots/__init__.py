"""Figures, drawn from cubes, aggregates and dataset files (never by training).

``draw(name, inputs, output)`` draws the figure ``name``; the workflow's figure rules call it
with the output file's stem as the name.  One module per study kind.
"""

from . import diffusion, place_cells, retarded_learning, small_beta, spectrum

FIGURES = {**place_cells.FIGURES, **spectrum.FIGURES, **retarded_learning.FIGURES,
           **diffusion.FIGURES, **small_beta.FIGURES}


def draw(name, inputs, output):
    try:
        function = FIGURES[name]
    except KeyError:
        raise ValueError(f"figure {name!r} is unknown; known: {', '.join(FIGURES)}") from None
    function(inputs, output)
