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
    script:
        "../scripts/figure.py"
