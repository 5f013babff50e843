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


rule place_field_widths:
    input:
        "results/{study}/cube.nc",
    output:
        "results/{study}/widths.nc",
    log:
        "logs/{study}/widths.log",
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/widths.py"
