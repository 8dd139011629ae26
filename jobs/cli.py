"""The ``upt`` command: one subcommand per job, each a module with add_arguments() and run()."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys

from jobs.flags import command_parser
from jobs.inputs import InputError, validate_args

# subcommand -> (module, one-line help). Modules are imported lazily so `upt --help` stays fast.
COMMANDS = {
    "generate": ("jobs.generate", "write synthetic travel data into a landing zone"),
    "ingest": ("jobs.ingest", "ingest new landing files into the ACCP Delta tables"),
    "summary": ("jobs.summary", "print row counts of a domain's tables and its last runs"),
    "doctor": ("jobs.doctor", "check Spark, Delta and storage with a tiny write and read"),
    "resolve": ("jobs.resolve", "resolve traveller ids into unified profiles (rules, components, stable ids)"),
    "merge": ("jobs.merge", "manually merge one profile into another"),
    "unmerge": ("jobs.unmerge", "undo a manual or automatic merge of a profile"),
    "gold": ("jobs.gold", "rebuild the touched profiles of the traveller 360 table gold/traveller"),
    "publish": ("jobs.publish", "register the Delta tables in the Glue Data Catalog; print Athena/Trino DDL"),
    "search": ("jobs.search", "find unified profiles by last name, email, phone or id"),
    "show": ("jobs.search", "print one profile with its ACCP objects and merge history"),
    "match": ("jobs.match", "weekly Splink matching of profiles (train, run, export to DynamoDB)"),
    "matches": ("jobs.matches", "list probable duplicate profiles for review, best first"),
    "evaluate": ("jobs.evaluate", "pairwise precision/recall/F1 of rules and matches against a truth file"),
    "validate": ("jobs.validate", "check the rows a run wrote against the expectation suites (GX), Data Docs"),
    "status": ("jobs.status", "objects, profiles, ingestion/validation errors, last jobs and freshness"),
    "report": ("jobs.report", "write the domain status as a self-contained HTML page with charts"),
    "errors": ("jobs.errors", "list ingestion errors by type, or replay them (`upt errors replay`)"),
    "maintain": ("jobs.maintain", "OPTIMIZE/Z-order, VACUUM, purge expired errors, Glue sync"),
    "domain": ("jobs.domain", "create, list or delete a domain (ops/domains)"),
    "forget": ("jobs.forget", "erase one person (traveller id, profile id or email) from every table"),
}


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="upt", description="Traveller-identity lakehouse jobs (UPT on Delta Lake).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    configure_logging()
    if not argv or argv[0] not in COMMANDS:
        build_parser().parse_args(argv)  # prints help or the usage error and exits
        return 2
    # Only the chosen command's module is imported, so `upt generate` never loads Spark.
    command = argv[0]
    module_name, help_text = COMMANDS[command]
    module = importlib.import_module(module_name)
    sub_parser = command_parser(f"upt {command}", help_text)
    module.add_arguments(sub_parser)
    args = sub_parser.parse_args(argv[1:])
    try:
        validate_args(args)  # every named value, once, before the job (and Spark) starts
    except InputError as exc:
        sub_parser.error(str(exc))  # usage, the message naming the flag, exit code 2
    try:
        return int(module.run(args) or 0)
    except InputError as exc:  # a value the job found invalid (an unknown domain): same clear error
        sub_parser.error(str(exc))


def run_job(module_name: str, argv: list[str] | None = None) -> int:
    """spark-submit entry: like ``upt <job>`` but tolerant of arguments the platform adds.

    Glue passes ``--JOB_NAME``, ``--JOB_RUN_ID`` and friends to every script; they are logged and
    ignored instead of failing the run.
    """
    configure_logging()
    module = importlib.import_module(module_name)
    parser = command_parser(module_name.rsplit(".", 1)[-1], module.__doc__)
    module.add_arguments(parser)
    args, unknown = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if unknown:
        logging.getLogger("upt").warning("ignoring arguments %s", unknown)
    try:
        validate_args(args)
    except InputError as exc:
        parser.error(str(exc))
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
