# Place-field diffusion (paper Figs. 5-6): trajectories, MSD and D over the sweep axes.


rule diffusion_coefficients:
    input:
        "results/{study}/cube.nc",
    output:
        "results/{study}/diffusion.nc",
    log:
        "logs/{study}/diffusion.log",
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


rule figure_trajectories:
    input:
        "results/{study}/diffusion.nc",
    output:
        report(
            "results/{study}/figures/trajectories.png",
            caption="../report/trajectories.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/trajectories.log",
    group:
        "aggregate"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure.py"


rule figure_msd:
    input:
        "results/{study}/diffusion.nc",
    output:
        report(
            "results/{study}/figures/msd.png",
            caption="../report/msd.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/msd.log",
    group:
        "aggregate"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure.py"


rule figure_pair_distances:
    input:
        "results/{study}/diffusion.nc",
    output:
        report(
            "results/{study}/figures/pair_distances.png",
            caption="../report/pair_distances.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/pair_distances.log",
    group:
        "aggregate"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure.py"


rule figure_diffusion_vs_noise:
    input:
        "results/{study}/diffusion.nc",
    output:
        report(
            "results/{study}/figures/diffusion_vs_noise.png",
            caption="../report/diffusion_vs_noise.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/diffusion_vs_noise.log",
    group:
        "aggregate"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure.py"


rule figure_diffusion_vs_samples:
    input:
        "results/{study}/diffusion.nc",
    output:
        report(
            "results/{study}/figures/diffusion_vs_samples.png",
            caption="../report/diffusion_vs_samples.rst",
            category="{study}",
        ),
    log:
        "logs/{study}/figures/diffusion_vs_samples.log",
    group:
        "aggregate"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure.py"
