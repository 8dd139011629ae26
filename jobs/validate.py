"""Validate the rows a run wrote against the suites of ``conf/expectations`` (quality.validation).

    upt validate --domain demo [--run-id R] [--tables accp/air_booking,gold/traveller] [--no-docs]

Without ``--run-id`` the newest ingest or resolve run of the domain is validated; the exit code is
1 when an expectation whose severity is in ``quality.fail_on`` failed.
"""

from __future__ import annotations

import argparse
import json
import sys

from quality.validation import list_suites, validate
from runtime.config import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    parser.add_argument("--run-id", help="run whose rows to validate (default: the newest ingest/resolve run)")
    parser.add_argument("--tables", help="comma-separated suite tables, e.g. accp/air_booking (default: all)")
    parser.add_argument("--no-docs", action="store_true", help="skip building the Data Docs site")
    parser.add_argument("--list", action="store_true", help="print the expectations of every suite and exit")


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    if args.list:
        print("\n".join(list_suites(settings)))
        return 0
    spark = build_spark(settings, app_name=f"upt-validate-{args.domain}")
    only = tuple(t.strip() for t in args.tables.split(",")) if args.tables else None
    summary = validate(spark, settings, args.domain, args.run_id, only, docs=not args.no_docs)
    print(json.dumps(summary, sort_keys=True, default=str))
    return summary["exit_code"]


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.validate"))
