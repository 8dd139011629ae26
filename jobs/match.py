"""Weekly probabilistic matching of profiles with Splink on Spark (matching.model).

    upt match --domain D [--full]              # score new/changed profiles (all with --full)
    upt match train --domain D                 # train a new model version and save it with charts
    upt match export --domain D --table NAME   # sync matches to UPT's DynamoDB match table

The rules of ``upt resolve`` find exact duplicates; this job scores the pairs they miss and prints
the run's summary as JSON.
"""

from __future__ import annotations

import argparse
import sys

from matching.model.export import export
from matching.model.run import match, train
from runtime.config import load_settings
from runtime.runs import print_summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", default="run", choices=("run", "train", "export"))
    parser.add_argument("--domain", required=True)
    parser.add_argument("--full", action="store_true", help="recompute every profile, not only new/changed ones")
    parser.add_argument("--table", help="DynamoDB table name (export)")
    parser.add_argument("--endpoint", help="DynamoDB endpoint URL (export); default: conf dynamodb.endpoint")
    parser.add_argument(
        "--backend", choices=("spark", "duckdb"), help="where Splink scores the pairs; overrides matching.backend"
    )


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse, "matching.backend": args.backend})
    spark = build_spark(settings, app_name=f"upt-match-{args.domain}")
    if args.action == "train":
        print_summary(train(spark, settings, args.domain))
    elif args.action == "export":
        if not args.table:
            print("upt match export needs --table NAME", file=sys.stderr)
            return 2
        print_summary(export(spark, settings, args.domain, args.table, args.endpoint))
    else:
        print_summary(match(spark, settings, args.domain, full=args.full))
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.match"))
