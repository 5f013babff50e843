# Data sets, sampled in batches of ~10 s of work (rbmsweep.cost.batch_datasets): one job per
# batch instead of one process per data set.  A data set's file is results/data/<id>/data.nc
# whatever its batch, shared by every run and study that uses it; a batch makes only its data
# sets that do not exist yet (common.smk: missing_datasets), so changing the config never
# samples an existing data set again.
for index, batch in enumerate(DATA_BATCHES):
    missing = missing_datasets(batch)
    if not missing:
        continue

    rule:
        name:
            f"sample_data_{index}"
        input:
            dataset_inputs(missing),
        output:
            [dataset_file(dataset_id) for dataset_id in missing],
        log:
            f"logs/data/batch_{index}.log",
        group:
            "data"
        resources:
            mem_mb=batch_memory_mb(missing),
            runtime=batch_runtime(missing),
        params:
            specs=DataSpecs(missing),
            numba_cache=NUMBA_CACHE,
        shell:
            NUMBA_SETUP
            + 'echo "host $(hostname) NUMBA_CACHE_DIR=$NUMBA_CACHE_DIR" > {log:q}; '
            "rbmsweep data --spec {params.specs:q} --out {output:q} >> {log:q} 2>&1"
