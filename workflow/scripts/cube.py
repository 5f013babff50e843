# Combine every run of a study into its cube (rbmsweep.io.combine_runs).
import logging

from rbmsweep import io

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
cube = io.combine_runs(snakemake.input)
logging.info("combined %d runs: %s", len(snakemake.input), dict(cube.sizes))
io.write_netcdf(cube, snakemake.output[0])
