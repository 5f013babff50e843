rule sample_data:
    input:
        dataset_input,
    output:
        "results/data/{dataset}/data.nc",
    log:
        "logs/data/{dataset}.log",
    group:
        "data"
    resources:
        mem_mb=dataset_memory_mb,
        runtime=dataset_runtime,
    params:
        spec=dataset_spec,
    shell:
        "export NUMBA_CACHE_DIR={resources.tmpdir:q}/numba-cache NUMBA_NUM_THREADS={threads}; "
        'echo "host $(hostname) NUMBA_CACHE_DIR=$NUMBA_CACHE_DIR" > {log:q}; '
        "rbmsweep data --spec {params.spec:q} --out {output:q} >> {log:q} 2>&1"
