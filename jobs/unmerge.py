"""Undo a manual or automatic merge: ``upt unmerge --domain D --profile A`` (resolution.manual)."""

from __future__ import annotations

import argparse
import sys

from resolution.manual import unmerge_profile
from runtime.config import load_settings
from runtime.runs import print_summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    parser.add_argument("--profile", required=True, help="absorbed profile id to restore")


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    spark = build_spark(settings, app_name=f"upt-unmerge-{args.domain}")
    try:
        print_summary(unmerge_profile(spark, settings, args.domain, args.profile))
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.unmerge"))
