"""Pairwise precision, recall and F1 of identity resolution against a ground-truth file.

    upt evaluate --domain D --truth FILE [--thresholds 0.5,0.8,0.9,0.95,0.99] [--chart PATH]

What is scored, the truth file and the two scopes: ``quality.evaluation``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from quality.evaluation import DEFAULT_THRESHOLDS, blocking_row, chart_html, evaluate
from runtime.config import load_matching_conf, load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    parser.add_argument("--truth", required=True, help="CSV with source_traveller_id (or traveller_id), person_id")
    parser.add_argument("--thresholds", help="comma-separated match probabilities (default: conf threshold and more)")
    parser.add_argument("--chart", help="precision-recall HTML (default <warehouse>/matching/evaluation-<domain>.html)")
    parser.add_argument(
        "--scope",
        choices=("both", "all", "identified"),
        default="both",
        help="all travellers, only those whose profile carries an identity attribute (name, dob, email, phone, "
        "loyalty id: anonymous sessions cannot be matched by any), or both (default)",
    )
    parser.add_argument("--identified-only", action="store_true", help="same as --scope identified")
    parser.add_argument(
        "--blocking-recall",
        action="store_true",
        help="also print the share of true pairs the conf's blocking rules let reach comparison (method blocking)",
    )


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    default = float(load_matching_conf(settings).get("threshold", 0.5))
    thresholds = (
        [float(t) for t in args.thresholds.split(",")] if args.thresholds else sorted({default, *DEFAULT_THRESHOLDS})
    )
    spark = build_spark(settings, app_name=f"upt-evaluate-{args.domain}")
    scope = "identified" if args.identified_only else args.scope
    scopes = ("all", "identified") if scope == "both" else (scope,)
    rows = [
        row
        for name in scopes
        for row in evaluate(spark, settings, args.domain, args.truth, thresholds, name == "identified")
    ]
    for row in rows:
        row["default"] = row["threshold"] == default
        print(json.dumps(row, sort_keys=True))
    if args.blocking_recall:
        for name in scopes:
            print(
                json.dumps(blocking_row(spark, settings, args.domain, args.truth, name == "identified"), sort_keys=True)
            )
    chart = args.chart or f"{settings.table_path('matching', 'evaluation')}-{args.domain}.html"
    if "://" not in chart:
        Path(chart).parent.mkdir(parents=True, exist_ok=True)
        Path(chart).write_text(chart_html(rows, f"Pairwise precision / recall, domain {args.domain}"))
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.evaluate"))
