# Reduce a study's cube to the aggregate named by the output file's stem, with the options of
# the study's `analysis` section (rbmsweep.studies.<kind>.AGGREGATES).
import logging
from pathlib import Path

import xarray as xr

from rbmsweep import io, studies

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
name = Path(snakemake.output[0]).stem
options = dict(snakemake.params.analysis)
with xr.open_dataset(snakemake.input[0]) as cube:
    result = studies.aggregate(snakemake.params.kind, name, cube, **options)
logging.info("%s %s: %s", name, options, dict(result.sizes))
io.write_netcdf(result, snakemake.output[0])
