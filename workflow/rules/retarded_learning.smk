# Retarded learning (paper Fig. 7): order parameters over (beta, alpha).


rule phase_diagram:
    input:
        "results/{study}/cube.nc",
    output:
        "results/{study}/phase_diagram.nc",
    log:
        "logs/{study}/phase_diagram.log",
    group:
        "aggregate"
    resources:
        mem_mb=study_memory_mb,
        runtime=study_runtime,
    script:
        "../scripts/aggregate.py"


rule figure_phase_diagram:
    input:
        "results/{study}/phase_diagram.nc",
    output:
        report(
            "results/{study}/figures/phase_diagram.png",
            caption="../report/phase_diagram.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/phase_diagram.log",
    group:
        "aggregate"
    script:
        "../scripts/figure.py"


rule figure_order_vs_beta:
    input:
        "results/{study}/phase_diagram.nc",
    output:
        report(
            "results/{study}/figures/order_vs_beta.png",
            caption="../report/order_vs_beta.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/order_vs_beta.log",
    group:
        "aggregate"
    script:
        "../scripts/figure.py"


rule figure_order_vs_alpha:
    input:
        "results/{study}/phase_diagram.nc",
    output:
        report(
            "results/{study}/figures/order_vs_alpha.png",
            caption="../report/order_vs_alpha.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/order_vs_alpha.log",
    group:
        "aggregate"
    script:
        "../scripts/figure.py"
