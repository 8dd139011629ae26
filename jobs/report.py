"""`upt report`: the status of a domain as one self-contained HTML page with charts.

    upt report --domain demo --out report.html [--warehouse PATH]

Charts: objects per landing day, ingestion errors per type, profile merges per resolve run and the
match score histogram (when `upt match` has written ``matching/profile_matches``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quality.charts import build_report
from runtime.config import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    parser.add_argument("--out", required=True, help="HTML file to write")


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    spark = build_spark(settings, app_name=f"upt-report-{args.domain}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(build_report(spark, settings, args.domain), encoding="utf-8")
    print(f"report written to {out.resolve()}")
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.report"))
