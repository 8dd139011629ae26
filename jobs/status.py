"""`upt status`: the UPT settings screen in a terminal (objects, profiles, errors, jobs, freshness).

    upt status --domain demo [--warehouse PATH] [--json]

Every number is a Spark aggregate over the domain's rows; only the small results reach the driver.
"""

from __future__ import annotations

import argparse
import json
import sys

from quality.status import format_text, gather_status
from runtime.config import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    spark = build_spark(settings, app_name=f"upt-status-{args.domain}")
    status = gather_status(spark, settings, args.domain)
    print(json.dumps(status, sort_keys=True, default=str) if args.json else format_text(status))
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.status"))
