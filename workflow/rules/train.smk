rule run_job:
    input:
        data=needs_run_job,
    output:
        "results/{study}/runs/{job}/run.nc",
    log:
        "logs/{study}/runs/{job}.log",
    group:
        job_group
    threads: job_threads
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime,
    params:
        spec=job_spec,
        # long runs save their state here and resume from it after a kill (rbmsweep.checkpoint)
        checkpoint=lambda wildcards: f"results/{wildcards.study}/runs/{wildcards.job}/checkpoint.npz",
        numba_cache=NUMBA_CACHE,
    shell:
        # numba: the sweep's warm cache (a SLURM job copies it into its own temporary
        # directory), and no more threads than the job was given
        NUMBA_SETUP
        + 'echo "host $(hostname) NUMBA_CACHE_DIR=$NUMBA_CACHE_DIR threads={threads}" > {log:q}; '
        "rbmsweep run --spec {params.spec:q} --data {input.data:q} --out {output:q}"
        " --threads {threads}"
        " --checkpoint {params.checkpoint:q}"
        " >> {log:q} 2>&1"
