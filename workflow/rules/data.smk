rule sample_data:
    output:
        "results/data/{dataset}/data.nc",
    log:
        "logs/data/{dataset}.log",
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        spec=dataset_spec,
    shell:
        "rbmsweep data --spec {params.spec:q} --out {output:q} > {log:q} 2>&1"
