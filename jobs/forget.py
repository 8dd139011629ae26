"""``upt forget``: erase one person from every table of a domain (logic in lifecycle/erasure.py).

upt forget --domain D (--traveller-id T [T ...] | --profile-id P | --email E) [--vacuum]
"""

from __future__ import annotations

import argparse
import json
import sys

from runtime.config import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--traveller-id", nargs="+", help="traveller id(s) of the person")
    who.add_argument("--profile-id", help="unified profile id (connectId) of the person")
    who.add_argument("--email", help="an email address of the person")
    parser.add_argument("--vacuum", action="store_true", help="VACUUM the touched tables (after the retention)")


def run(args: argparse.Namespace) -> int:
    from lifecycle.erasure import forget
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    spark = build_spark(settings, app_name="upt-forget")
    row = forget(spark, settings, args.domain, args.traveller_id, args.profile_id, args.email, args.vacuum)
    print(json.dumps(row, default=str, sort_keys=True))  # counts only: no personal value
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.forget"))
