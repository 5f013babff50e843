# Data spectra and the eigenvalue crossover (paper Figs. 12-13).


rule crossover:
    input:
        "results/{study}/cube.nc",
    output:
        "results/{study}/crossover.nc",
    log:
        "logs/{study}/crossover.log",
    group:
        "aggregate"
    resources:
        mem_mb=study_memory_mb,
        runtime=study_runtime,
    script:
        "../scripts/aggregate.py"


rule figure_top_eigenvalue:
    input:
        "results/{study}/crossover.nc",
    output:
        report(
            "results/{study}/figures/top_eigenvalue.png",
            caption="../report/top_eigenvalue.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/top_eigenvalue.log",
    group:
        "aggregate"
    script:
        "../scripts/figure.py"


rule figure_top_overlap:
    input:
        "results/{study}/crossover.nc",
    output:
        report(
            "results/{study}/figures/top_overlap.png",
            caption="../report/top_overlap.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/top_overlap.log",
    group:
        "aggregate"
    script:
        "../scripts/figure.py"


rule figure_spectrum_histogram:
    input:
        "results/{study}/cube.nc",
    output:
        report(
            "results/{study}/figures/spectrum_histogram.png",
            caption="../report/spectrum_histogram.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/spectrum_histogram.log",
    group:
        "aggregate"
    script:
        "../scripts/figure.py"
