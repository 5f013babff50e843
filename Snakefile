# rbmsweep: sweeps of RBMs trained on spin-chain data, from config to NetCDF cubes and figures.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


include: "workflow/rules/common.smk"


# A config given with --configfile replaces the default studies (Snakemake would merge them);
# then every problem of the config is reported at once, before any job.
validate_config(config, workflow)


report: "workflow/report/workflow.rst"


include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/aggregate.smk"


onstart:
    warm_kernels()


rule all:
    default_target: True
    input:
        final_outputs(),
