"""Rebuild the touched profiles of the traveller 360 table ``gold/traveller`` (publishing.gold).

upt gold --domain demo            (``upt resolve`` calls build_traveller at its end)
"""

from __future__ import annotations

import argparse
import json
import sys

from publishing.gold import build_traveller
from runtime import runs
from runtime.config import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    spark = build_spark(settings, app_name=f"upt-gold-{args.domain}")
    run_id = runs.new_run_id("gold", runs.utc_now())
    print(json.dumps(build_traveller(spark, settings, args.domain, run_id), sort_keys=True))
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.gold"))
