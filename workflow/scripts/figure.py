# Draw the figure named by the output file's stem (rbmsweep.plots.FIGURES).
import logging
from pathlib import Path

from rbmsweep import plots

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
name = Path(snakemake.output[0]).stem
plots.draw(name, list(snakemake.input), snakemake.output[0])
logging.info("drew %s from %d input files", name, len(snakemake.input))
