# Place-field width vs correlation length, with its linear fit (Fig. 3b; rbmsweep.studies).
import logging

import xarray as xr

from rbmsweep import io
from rbmsweep.studies import place_cells

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
with xr.open_dataset(snakemake.input[0]) as cube:
    widths = place_cells.place_field_widths(cube)
logging.info("fit: %s", widths[["slope", "intercept"]].to_dict(data="list")["data_vars"])
io.write_netcdf(widths, snakemake.output[0])
