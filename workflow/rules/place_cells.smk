# Place-cell study (paper Figs. 2-4): widths vs correlation length, receptive fields.


rule place_field_widths:
    input:
        "results/{study}/cube.nc",
    output:
        "results/{study}/widths.nc",
    log:
        "logs/{study}/widths.log",
    group:
        "aggregate"
    resources:
        mem_mb=study_memory_mb,
        runtime=study_runtime,
    script:
        "../scripts/aggregate.py"


rule figure_weights:
    input:
        "results/{study}/cube.nc",
    output:
        report(
            "results/{study}/figures/weights.png",
            caption="../report/weights.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/weights.log",
    group:
        "aggregate"
    script:
        "../scripts/figure.py"


rule figure_width_vs_xi:
    input:
        "results/{study}/widths.nc",
    output:
        report(
            "results/{study}/figures/width_vs_xi.png",
            caption="../report/width_vs_xi.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/width_vs_xi.log",
    group:
        "aggregate"
    script:
        "../scripts/figure.py"


rule figure_log_likelihood:
    input:
        "results/{study}/cube.nc",
    output:
        report(
            "results/{study}/figures/log_likelihood.png",
            caption="../report/log_likelihood.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/log_likelihood.log",
    group:
        "aggregate"
    script:
        "../scripts/figure.py"
