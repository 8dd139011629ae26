"""Manually merge one profile into another, then resolve (resolution.manual).

    upt merge   --domain D --profile A --into B
    upt unmerge --domain D --profile A

The merge is kept as a manual link, so later resolve runs keep it; ``upt unmerge`` undoes it.
"""

from __future__ import annotations

import argparse
import sys

from resolution.manual import merge_profiles
from runtime.config import load_settings
from runtime.runs import print_summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    parser.add_argument("--profile", required=True, help="profile id to merge (absorbed)")
    parser.add_argument("--into", required=True, help="profile id that survives")


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    spark = build_spark(settings, app_name=f"upt-merge-{args.domain}")
    try:
        print_summary(merge_profiles(spark, settings, args.domain, args.profile, args.into))
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.merge"))
