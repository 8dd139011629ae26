"""The ``upt`` command: one subcommand per job, each a module with add_arguments() and run()."""

from __future__ import annotations

import argparse
import importlib
import sys

from runtime.entry import configure_logging, run_module
from runtime.flags import command_parser

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
    return run_module(module, sub_parser, argv[1:], tolerant=False)


if __name__ == "__main__":
    sys.exit(main())
