# A study's cube, its aggregates and its figures; which aggregates and figures a study has is
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
    script:
        "../scripts/cube.py"


rule aggregate:
    input:
        "results/{study}/cube.nc",
    output:
        "results/{study}/{aggregate}.nc",
    log:
        "logs/{study}/{aggregate}.log",
    group:
        "aggregate"
    resources:
        mem_mb=study_memory_mb,
        runtime=study_runtime,
    params:
        kind=lambda wildcards: KIND[wildcards.study],
        analysis=study_analysis,
    script:
        "../scripts/aggregate.py"


rule figure:
    input:
        figure_input,
    output:
        report(
            "results/{study}/figures/{figure}.png",
            caption="../report/figure.rst",
            category="{study}",
            labels={"figure": "{figure}"},
        ),
    log:
        "logs/{study}/figures/{figure}.log",
    group:
        "aggregate"
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        draw=figure_function,
        caption=figure_caption,
    script:
        "../scripts/figure.py"


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
