# The reproduction table: every study's claims (its kind's CLAIMS) on its aggregates
# (rbmsweep.reproduction).
import logging
from pathlib import Path

import xarray as xr

from rbmsweep import io, reproduction

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
rows = []
for study, kind in snakemake.params.kinds.items():
    files = [Path(path) for path in snakemake.input if Path(path).parent.name == study]
    aggregates = {path.stem: xr.load_dataset(path) for path in files}
    rows += reproduction.evaluate(study, kind, aggregates, snakemake.params.studies[study])
configfile = snakemake.params.configfile
for path, text in ((snakemake.output.markdown, reproduction.markdown(rows, configfile)),
                   (snakemake.output.page, reproduction.html_page(rows, configfile))):
    with io.atomic_path(path) as temporary:
        Path(temporary).write_text(text)
logging.info("%d claims: %s", len(rows), [row["status"] for row in rows])
