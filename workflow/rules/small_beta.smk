# Small-beta theory (paper Fig. 14) and trained weights rescaled by sqrt(beta).


rule small_beta_theory:
    input:
        "results/{study}/cube.nc",
    output:
        "results/{study}/small_beta.nc",
    log:
        "logs/{study}/small_beta.log",
    group:
        "aggregate"
    resources:
        mem_mb=study_memory_mb,
        runtime=study_runtime,
    params:
        kind=lambda wildcards: KIND[wildcards.study],
        analysis=lambda wildcards: config["studies"][wildcards.study].get(
            "analysis", {}
        ),
    script:
        "../scripts/analysis.py"


rule figure_theory_profiles:
    input:
        "results/{study}/small_beta.nc",
    output:
        report(
            "results/{study}/figures/theory_profiles.png",
            caption="../report/theory_profiles.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/theory_profiles.log",
    group:
        "aggregate"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure.py"


rule figure_theory_vs_weights:
    input:
        "results/{study}/small_beta.nc",
    output:
        report(
            "results/{study}/figures/theory_vs_weights.png",
            caption="../report/theory_vs_weights.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/theory_vs_weights.log",
    group:
        "aggregate"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure.py"
