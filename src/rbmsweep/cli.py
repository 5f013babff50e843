"""The ``rbmsweep`` command that the workflow's rules call (and users may call by hand).

    rbmsweep data  --spec JSON --out data.nc           sample one dataset
    rbmsweep run   --spec JSON --data data.nc --out run.nc   one run (train, or measure data)
    rbmsweep runs  config.yaml                          list the runs a config defines

``--spec`` is one run (or dataset) as produced by ``rbmsweep.config``; the rules pass it as
JSON so that a job needs nothing but its own arguments.
"""

import argparse
import json
import logging
import sys
import time

import numpy as np


def _setup_logging():
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")


def make_dataset(data_args):
    """(train, test) configurations for the data arguments of a run (DESIGN §3.1)."""
    from . import data

    if data_args["model"] != "ising":
        raise ValueError(f"data.model: {data_args['model']!r} is not allowed; allowed: ising")
    common = dict(n_visible=data_args["n_visible"], beta=data_args["beta"])
    seed = data_args["seed"]
    # distinct streams for train and test: the samplers' outputs for one seed are nested
    train = data.ising_chain(n_samples=data_args["n_samples"], seed=(seed, 0), **common)
    test = data.ising_chain(n_samples=max(data_args["n_test"], 0), seed=(seed, 1), **common) \
        if data_args["n_test"] > 0 else np.empty((0, data_args["n_visible"]), np.int8)
    return train, test


def command_data(args):
    from . import io

    spec = json.loads(args.spec)
    started = time.perf_counter()
    train, test = make_dataset(spec)
    io.write_samples(train, test, args.out, spec)
    logging.getLogger("rbmsweep.data").info(
        "sampled %d + %d configurations of %s in %.2f s", len(train), len(test), spec,
        time.perf_counter() - started)


def command_run(args):
    import xarray as xr

    from . import checkpoint, io, studies

    specs = json.loads(args.spec)
    specs = specs if isinstance(specs, list) else [specs]
    if len(specs) != len(args.data):
        raise SystemExit(f"rbmsweep run: {len(specs)} runs but {len(args.data)} data files")
    labelled = []
    for spec, data_file in zip(specs, args.data):
        logging.getLogger("rbmsweep.run").info("run %s/%s (%s)", spec["study"], spec["run_id"],
                                               spec["kind"])
        samples, test = io.read_samples(data_file)
        runnable = spec if args.checkpoint is None else checkpoint.attach(
            spec, args.checkpoint, len(specs))
        labelled.append(io.label_run(studies.run(runnable, samples, test), spec))
    io.write_netcdf(io.combine_job(labelled), args.out)


def command_runs(args):
    import yaml

    from .config import all_runs, check_config

    with open(args.config) as handle:
        config = yaml.safe_load(handle)
    check_config(config)
    for study, runs in all_runs(config).items():
        for run_id in runs:
            print(f"{study}\t{run_id}")


def build_parser():
    parser = argparse.ArgumentParser(prog="rbmsweep", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    data = commands.add_parser("data", help="sample one dataset")
    data.add_argument("--spec", required=True, help="data arguments as JSON")
    data.add_argument("--out", required=True)
    data.set_defaults(function=command_data)
    run = commands.add_parser("run", aliases=["train"],
                              help="one run of a study: train an RBM, or measure its data")
    run.add_argument("--spec", required=True,
                     help="the run, or a list of runs, as JSON (rbmsweep.config)")
    run.add_argument("--data", required=True, nargs="+", help="dataset file of each run")
    run.add_argument("--out", required=True)
    run.add_argument("--checkpoint", metavar="PATH",
                     help="checkpoint file of a long training: resume from it if present, save "
                          "the state there regularly, delete it on success (one file per seed "
                          "beside PATH when the job has several runs)")
    run.set_defaults(function=command_run)
    runs = commands.add_parser("runs", help="list the runs a config defines")
    runs.add_argument("config")
    runs.set_defaults(function=command_runs)
    from .cost import add_estimate_command  # rbmsweep estimate CONFIG: core-hours per study

    add_estimate_command(commands)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    _setup_logging()
    args.function(args)


if __name__ == "__main__":
    main()
