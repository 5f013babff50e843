# Draw a figure with the plotting function its study kind's table names (rbmsweep.plots).
import logging

from rbmsweep import plots

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
plots.draw(snakemake.params.draw, snakemake.input, snakemake.output[0])
logging.info("drew %s from %d input files", snakemake.params.draw, len(snakemake.input))
