# rbmsweep: sweeps of RBMs trained on spin-chain data, from config to NetCDF cubes and figures.
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/place_cells.smk"
include: "workflow/rules/spectrum.smk"
include: "workflow/rules/retarded_learning.smk"
include: "workflow/rules/diffusion.smk"
include: "workflow/rules/small_beta.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
