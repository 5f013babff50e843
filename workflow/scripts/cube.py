# Combine every run of a study into its cube (rbmsweep.io.combine_runs): the run files of a
# study that trains; for one that only looks at its data, its runs computed here first.
import logging

from rbmsweep import io, studies
from rbmsweep.config import specs_from_json

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
sources = list(snakemake.input)
if snakemake.params.jobs:
    sources = []
    for runs, data_files in snakemake.params.jobs:
        labelled = []
        for spec, data_file in zip(specs_from_json(runs), data_files):
            samples, test = io.read_samples(data_file)
            labelled.append(studies.run(spec, samples, test))
        sources.append(io.combine_job(labelled))
cube = io.combine_runs(sources)
logging.info("combined %d runs: %s", len(sources), dict(cube.sizes))
io.write_netcdf(cube, snakemake.output[0])
