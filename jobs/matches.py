"""List probable duplicate profiles waiting for review, best first.

    upt matches --domain D [--profile P] [--min-probability X] [--limit N] [--json]
    upt matches --domain D --explain --profile P [--other Q]

Reads ``matching/profile_matches`` (written by ``upt match``); accept one with
``upt merge --domain D --profile <source> --into <target>``. ``--explain`` rescores one pair (P and
Q, default P's best stored match) with the stored model and prints its waterfall: the prior, then
each comparison's level and weight (matching.explain).
"""

from __future__ import annotations

import argparse
import json
import sys

from pyspark.sql import functions as F

from matching.explain import format_waterfall
from matching.model.review import ExplainError, best_matches, explain_pair
from runtime.config import load_matching_conf, load_settings
from storage.delta_io import table_exists


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    parser.add_argument("--profile", help="only the matches of this profile id")
    parser.add_argument("--min-probability", type=float, help="default: the conf threshold")
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--explain", action="store_true", help="print the waterfall of one pair (needs --profile)")
    parser.add_argument("--other", help="with --explain: the other profile (default: the best stored match)")


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    floor = args.min_probability
    if floor is None:
        floor = float(load_matching_conf(settings).get("threshold", 0.5))
    if args.explain and not args.profile:
        print("upt matches --explain needs --profile P", file=sys.stderr)
        return 2
    spark = build_spark(settings, app_name=f"upt-matches-{args.domain}")
    path = settings.table_path("matching", "profile_matches")
    if not table_exists(spark, path):
        print("no matches yet: run `upt match` first", file=sys.stderr)
        return 1
    matches = spark.read.format("delta").load(path).where(F.col("domain") == args.domain)
    if args.explain:
        return explain(spark, settings, args.domain, args.profile, args.other, matches, args.json)
    for record in best_matches(matches, floor, args.profile, args.limit):
        if args.json:
            print(json.dumps(record))
        else:
            print(
                f"{record['match_probability']:.4f}  {record['match_weight']:7.2f}  "
                f"{record['source_profile_id']}  {record['target_profile_id']}"
            )
    return 0


def explain(spark, settings, domain: str, profile: str, other: str | None, matches, as_json: bool = False) -> int:
    """Print the waterfall of (profile, other) rescored with the newest stored model."""
    try:
        pair = explain_pair(spark, settings, domain, profile, other, matches)
    except ExplainError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    other, steps = pair["other"], pair["steps"]
    if as_json:
        print(json.dumps({"source": profile, "target": other, "model_version": pair["model_version"], "steps": steps}))
    else:
        print(format_waterfall(steps, profile, other, pair["match_probability"]))
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.matches"))
