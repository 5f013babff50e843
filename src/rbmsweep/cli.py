"""The ``rbmsweep`` command that the workflow's rules call (and users may call by hand).

    rbmsweep data  --spec JSON --out data.nc           sample one dataset (or several: a JSON
                                                        list and one --out file each)
    rbmsweep run   --spec JSON --data data.nc --out run.nc   one run (train, or measure data)
    rbmsweep runs  config.yaml                          list the runs a config defines
    rbmsweep warm  --spec JSON                          compile the kernels of these runs

``--spec`` is one run or a list of runs (``rbmsweep.config.RunSpec``), or a data set
(``DataSpec``), as JSON; the rules pass it as
JSON so that a job needs nothing but its own arguments.
"""

import argparse
import json
import logging
import sys
import time



def _setup_logging():
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")


def command_data(args):
    from . import data, io

    specs = json.loads(args.spec)
    specs = specs if isinstance(specs, list) else [specs]
    if len(specs) != len(args.out):
        raise SystemExit(f"rbmsweep data: {len(specs)} data sets but {len(args.out)} output files")
    for spec, out in zip(specs, args.out):
        started = time.perf_counter()
        train, test, info = data.make_dataset(**spec, diagnostics=True)
        io.write_samples(train, test, out, spec, info)
        logging.getLogger("rbmsweep.data").info(
            "sampled %d + %d configurations of %s in %.2f s (%s)", len(train), len(test), spec,
            time.perf_counter() - started, info)


def command_run(args):
    from . import checkpoint, io, studies
    from .config import specs_from_json

    specs = specs_from_json(args.spec)
    if len(specs) != len(args.data):
        raise SystemExit(f"rbmsweep run: {len(specs)} runs but {len(args.data)} data files")
    labelled = []
    for spec, data_file in zip(specs, args.data):
        logging.getLogger("rbmsweep.run").info("run %s/%s (%s)", spec.study, spec.run_id,
                                               spec.kind)
        samples, test = io.read_samples(data_file)
        options = {} if args.threads is None else {"threads": args.threads}
        if args.checkpoint is not None:
            options["checkpoint"] = checkpoint.run_path(args.checkpoint, spec.seed, len(specs))
            if args.checkpoint_epochs is not None:
                options["checkpoint_every"] = {"epochs": args.checkpoint_epochs}
            elif args.checkpoint_seconds is not None:
                options["checkpoint_every"] = args.checkpoint_seconds
        labelled.append(studies.run(spec, samples, test, **options))
    io.write_netcdf(io.combine_job(labelled), args.out)
    if "rbmsweep.kernels" in sys.modules:
        from .kernels.loading import cache_statistics

        loaded, compiled = cache_statistics()
        logging.getLogger("rbmsweep.run").info(
            "numba kernels: %d loaded from the cache, %d compiled", loaded, compiled)


def command_warm(args):
    from .config import specs_from_json
    from .warm import warm

    count, failed = warm(specs_from_json(args.spec))
    logging.getLogger("rbmsweep.warm").info("warmed %d kinds of run (%d failed)", count, failed)


def command_runs(args):
    from .config import all_runs
    from .validation import load
    from .studies import KINDS

    for study, runs in all_runs(load(args.config, KINDS)).items():
        for run_id in runs:
            print(f"{study}\t{run_id}")


def build_parser():
    parser = argparse.ArgumentParser(prog="rbmsweep", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    data = commands.add_parser("data", help="sample one dataset, or several")
    data.add_argument("--spec", required=True,
                      help="data arguments as JSON, or a list of them (one per --out file)")
    data.add_argument("--out", required=True, nargs="+")
    data.set_defaults(function=command_data)
    run = commands.add_parser("run", aliases=["train"],
                              help="one run of a study: train an RBM, or measure its data")
    run.add_argument("--spec", required=True,
                     help="the run, or a list of runs, as JSON (rbmsweep.config)")
    run.add_argument("--data", required=True, nargs="+", help="dataset file of each run")
    run.add_argument("--out", required=True)
    run.add_argument("--threads", type=int, metavar="N",
                     help="cores a training run may use (default: every core this process may "
                          "run on); the result does not depend on it")
    run.add_argument("--checkpoint", metavar="PATH",
                     help="checkpoint file of a long training: resume from it if present, save "
                          "the state there regularly, delete it on success (one file per seed "
                          "beside PATH when the job has several runs)")
    run.add_argument("--checkpoint-seconds", type=float, metavar="S",
                     help="save the checkpoint every S seconds of wall time (default 300)")
    run.add_argument("--checkpoint-epochs", type=int, metavar="K",
                     help="save the checkpoint after every K epochs instead")
    run.set_defaults(function=command_run)
    warm = commands.add_parser("warm", help="compile the kernels of the given runs into numba's "
                                            "cache (rbmsweep.warm)")
    warm.add_argument("--spec", required=True, help="runs as JSON (rbmsweep.config)")
    warm.set_defaults(function=command_warm)
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
