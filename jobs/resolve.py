"""Identity resolution: ACCP traveller ids -> stable unified profile ids (resolution.resolve).

    upt resolve --domain demo [--env local] [--warehouse PATH]

Rules of ``conf/rules.yaml`` and manual links join traveller ids; profiles are the connected
components, named with stable ids. Every write is a MERGE of the rows that changed, so a rerun with
nothing new writes nothing but its ``ops/job_runs`` row. Prints the run's row as JSON.
"""

from __future__ import annotations

import argparse
import sys

from quality.validation import after_job
from resolution.resolve import resolve
from runtime.config import load_settings
from runtime.runs import print_summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    spark = build_spark(settings, app_name=f"upt-resolve-{args.domain}")
    row = resolve(spark, settings, args.domain)
    print_summary(row)
    # data-quality hook (conf quality.validate_after_jobs)
    return after_job(spark, settings, args.domain, row["run_id"])


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.resolve"))
