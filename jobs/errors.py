"""`upt errors`: list ingestion errors by type, and replay stored raw lines (UPT's error queues).

    upt errors --domain D [--type T] [--since YYYY-MM-DD] [--all] [--json]
    upt errors replay --domain D [--type T | --ids ID ...] [--since YYYY-MM-DD] [--from-source]

Replay re-ingests the stored ``raw_line`` of each open error (fix it in the table after a bad
export, or pass ``--from-source`` to re-read the line from its landing file after fixing it there)
through the ingest's own batch (``ingestion.batch.BatchProcessor``), at its original file and line
number, so lineage and keys are those of the original. Lines that now pass are marked
``resolved = 'replayed <run_id>'``; lines that fail again stay open. Nothing is deleted here
(expired errors are purged by `upt maintain`).
"""

from __future__ import annotations

import argparse
import json
import sys

from ingestion.errors import format_groups, list_errors, replay
from runtime.config import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", default="list", choices=("list", "replay"))
    parser.add_argument("--domain", required=True)
    parser.add_argument("--type", help="only this error type (e.g. malformed_json)")
    parser.add_argument("--since", help="only errors recorded on or after YYYY-MM-DD")
    parser.add_argument("--ids", nargs="+", help="replay only these error ids (as listed by `upt errors`)")
    parser.add_argument("--all", action="store_true", help="list resolved errors too")
    parser.add_argument("--from-source", action="store_true", help="replay the landing file's current line")
    parser.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    spark = build_spark(settings, app_name=f"upt-errors-{args.domain}")
    if args.action == "replay":
        if args.type and args.ids:
            print("give --type or --ids, not both", file=sys.stderr)
            return 2
        result = replay(spark, settings, args.domain, args.type, args.ids, args.since, args.from_source)
        print(json.dumps(result, sort_keys=True, default=str))
        return 0 if result["status"] == "succeeded" else 1
    groups = list_errors(spark, settings, args.domain, args.type, args.since, args.ids, include_resolved=args.all)
    print(json.dumps(groups, sort_keys=True) if args.json else format_groups(groups, args.domain))
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.errors"))
