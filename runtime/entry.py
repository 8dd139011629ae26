"""How a job process starts: JSON logging, then one job module's arguments, checks and run().

Shared by the ``upt`` dispatcher (jobs/cli.py), spark-submit of a single job file and the Glue
entry script, so every way of starting a job logs and validates the same way.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from types import ModuleType

from runtime.flags import command_parser
from runtime.inputs import InputError, validate_args


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line; a message that is itself JSON is embedded, not quoted."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        try:
            body = json.loads(message)
        except ValueError:
            body = None
        entry = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name}
        entry.update(body if isinstance(body, dict) else {"msg": message})
        return json.dumps(entry, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("py4j").setLevel(logging.WARNING)


def run_module(module: ModuleType, parser: argparse.ArgumentParser, argv: list[str], tolerant: bool) -> int:
    """Parse, validate and run one job module; an invalid value is a usage error (exit 2) either way."""
    args = parse_job_args(module, parser, argv, tolerant)
    try:
        return int(module.run(args) or 0)
    except InputError as exc:  # a value the job found invalid (an unknown domain): same clear error
        parser.error(str(exc))


def parse_job_args(
    module: ModuleType, parser: argparse.ArgumentParser, argv: list[str], tolerant: bool
) -> argparse.Namespace:
    """The job's arguments, every named value validated before Spark starts (usage error, exit 2)."""
    module.add_arguments(parser)
    if tolerant:
        args, unknown = parser.parse_known_args(argv)
        if unknown:
            logging.getLogger("upt").warning("ignoring arguments %s", unknown)
    else:
        args = parser.parse_args(argv)
    try:
        validate_args(args)
    except InputError as exc:
        parser.error(str(exc))
    return args


def run_job(module_name: str, argv: list[str] | None = None) -> int:
    """spark-submit entry: like ``upt <job>`` but tolerant of arguments the platform adds.

    Glue passes ``--JOB_NAME``, ``--JOB_RUN_ID`` and friends to every script; they are logged and
    ignored instead of failing the run.
    """
    configure_logging()
    module = importlib.import_module(module_name)
    parser = command_parser(module_name.rsplit(".", 1)[-1], module.__doc__)
    return run_module(module, parser, sys.argv[1:] if argv is None else argv, tolerant=True)
