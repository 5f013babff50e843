rule cube:
    input:
        study_run_files,
    output:
        "results/{study}/cube.nc",
    log:
        "logs/{study}/cube.log",
    resources:
        mem_mb=2000,
        runtime=10,
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
    script:
        "../scripts/figure.py"
