# A study's cube, then its aggregates and figures; which aggregates and figures a study has is
# its kind's (rbmsweep.studies.<kind>: AGGREGATES, FIGURES).


rule cube:
    input:
        study_run_files,
    output:
        "results/{study}/cube.nc",
    log:
        "logs/{study}/cube.log",
    group:
        cube_group
    resources:
        mem_mb=study_memory_mb,
        runtime=study_runtime,
    params:
        jobs=study_jobs_in_cube,
    script:
        "../scripts/cube.py"


# Every aggregate and figure of a study in one job (one process draws them all: a figure alone
# costs its job ~3 s of imports): one rule per study kind of the config, since the outputs are
# the kind's table.
for kind in sorted(set(KIND.values())):

    rule:
        name:
            f"outputs_{kind}"
        input:
            cube="results/{study}/cube.nc",
            datasets=figure_datasets,
        output:
            aggregates=aggregate_outputs(kind),
            figures=figure_outputs(kind),
        log:
            "logs/{study}/outputs.log",
        wildcard_constraints:
            study=studies_of(kind),
        group:
            "aggregate"
        resources:
            mem_mb=study_memory_mb,
            runtime=study_runtime,
        params:
            kind=kind,
            analysis=study_analysis,
            figures=figure_table,
        script:
            "../scripts/outputs.py"


rule reproduction:
    input:
        aggregate_files,
    output:
        markdown="results/reproduction.md",
        page=report(
            "results/reproduction.html",
            caption="../report/reproduction.rst",
            category="reproduction",
        ),
    log:
        "logs/reproduction.log",
    group:
        "aggregate"
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        kinds=lambda wildcards: KIND,
        studies=lambda wildcards: config["studies"],
        configfile=lambda wildcards: Path(workflow.configfiles[-1]).name,
    script:
        "../scripts/reproduction.py"
