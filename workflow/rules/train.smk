rule train:
    input:
        data=run_data,
    output:
        "results/{study}/runs/{run}/run.nc",
    log:
        "logs/{study}/runs/{run}.log",
    threads: 1
    resources:
        mem_mb=run_memory_mb,
        runtime=60,
    params:
        spec=run_spec,
    shell:
        "rbmsweep train --spec {params.spec:q} --data {input.data:q} --out {output:q}"
        " > {log:q} 2>&1"
