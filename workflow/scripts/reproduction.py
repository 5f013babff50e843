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
sections = {study: (kind, snakemake.params.studies[study])
            for study, kind in snakemake.params.kinds.items()}
for path, write in ((snakemake.output.markdown, reproduction.markdown),
                    (snakemake.output.page, reproduction.html_page)):
    text = write(rows, configfile, sections)
    with io.atomic_path(path) as temporary:
        Path(temporary).write_text(text)
logging.info("%d claims: %s", len(rows), [row["status"] for row in rows])
