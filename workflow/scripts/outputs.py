# A study's aggregates (rbmsweep.studies.<kind>.AGGREGATES, with the options of its `analysis`
# section), then its figures (FIGURES: rbmsweep.plots), in one process.
import logging
import time
from pathlib import Path

import xarray as xr

from rbmsweep import io, plots, studies

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
options = dict(snakemake.params.analysis)
with xr.open_dataset(snakemake.input.cube) as cube:
    for path in snakemake.output.aggregates:
        started = time.perf_counter()
        name = Path(path).stem
        result = studies.aggregate(snakemake.params.kind, name, cube, **options)
        io.write_netcdf(result, path)
        logging.info("%s %s: %s in %.2f s", name, options, dict(result.sizes),
                     time.perf_counter() - started)
for draw, inputs, output in snakemake.params.figures:
    started = time.perf_counter()
    plots.draw(draw, inputs, output)
    logging.info("drew %s from %d input files in %.2f s", draw, len(inputs),
                 time.perf_counter() - started)
