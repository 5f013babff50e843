"""The ``rbmsweep`` command that the workflow's rules call (and users may call by hand).

    rbmsweep data  --spec JSON --out data.nc           sample one dataset
    rbmsweep train --spec JSON --data data.nc --out run.nc
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


def command_train(args):
    from . import io
    from .rbm import RBM
    from .train import train

    spec = json.loads(args.spec)
    logging.getLogger("rbmsweep.train").info("run %s/%s", spec["study"], spec["run_id"])
    samples, test = io.read_samples(args.data)
    rbm_args = dict(spec["rbm"])
    rbm = RBM(n_visible=samples.shape[1], seed=spec["seed"], **rbm_args)
    run = train(rbm, samples, test=test if len(test) else None, seed=spec["seed"], **spec["train"])
    io.write_netcdf(io.label_run(run, spec), args.out)


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
    train = commands.add_parser("train", help="train one run")
    train.add_argument("--spec", required=True, help="the run as JSON (rbmsweep.config)")
    train.add_argument("--data", required=True, help="dataset file of the run")
    train.add_argument("--out", required=True)
    train.set_defaults(function=command_train)
    runs = commands.add_parser("runs", help="list the runs a config defines")
    runs.add_argument("config")
    runs.set_defaults(function=command_runs)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    _setup_logging()
    args.function(args)


if __name__ == "__main__":
    main()
