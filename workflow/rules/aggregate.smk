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


rule figure_samples:
    input:
        study_first_seed_datasets,
    output:
        report(
            "results/{study}/figures/samples.png",
            caption="../report/samples.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/samples.log",
    group:
        "aggregate"
    script:
        "../scripts/figure.py"
