"""`upt maintain`: hourly housekeeping of a domain (lifecycle.maintenance).

    upt maintain --domain D [--warehouse PATH] [--no-vacuum] [--glue-sync]

OPTIMIZE/Z-order and VACUUM every table's domain partition, purge expired ingestion errors and,
with ``--glue-sync``, re-register the tables in Glue. Prints what it did as JSON and logs a
``maintain`` job run.
"""

from __future__ import annotations

import argparse
import json
import sys

from lifecycle.maintenance import maintain
from runtime.config import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    parser.add_argument("--no-vacuum", action="store_true", help="skip VACUUM")
    parser.add_argument("--glue-sync", action="store_true", help="re-register the tables in Glue afterwards")


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    spark = build_spark(settings, app_name=f"upt-maintain-{args.domain}")
    print(json.dumps(maintain(spark, settings, args.domain, not args.no_vacuum, args.glue_sync), sort_keys=True))
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.maintain"))
