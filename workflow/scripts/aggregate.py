# Reduce a study's cube to the aggregate named by the output file's stem (rbmsweep.studies).
import logging
from pathlib import Path

import xarray as xr

from rbmsweep import io, studies

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
name = Path(snakemake.output[0]).stem
with xr.open_dataset(snakemake.input[0]) as cube:
    result = studies.aggregate(name, cube)
logging.info("%s: %s", name, dict(result.sizes))
io.write_netcdf(result, snakemake.output[0])
