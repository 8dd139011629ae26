"""List probable duplicate profiles waiting for review, best first.

    upt matches --domain D [--profile P] [--min-probability X] [--limit N] [--json]

Reads ``matching/profile_matches`` (written by ``upt match``); accept one with
``upt merge --domain D --profile <source> --into <target>``.
"""

from __future__ import annotations

import argparse
import json
import sys

from pyspark.sql import functions as F

from jobs.config import load_matching_conf, load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    parser.add_argument("--profile", help="only the matches of this profile id")
    parser.add_argument("--min-probability", type=float, help="default: the conf threshold")
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--env", default="local", choices=("local", "emr", "glue"))
    parser.add_argument("--warehouse", help="warehouse root (local path or s3://); overrides conf")


def run(args: argparse.Namespace) -> int:
    from jobs.delta_io import table_exists
    from jobs.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    floor = args.min_probability
    if floor is None:
        floor = float(load_matching_conf(settings).get("threshold", 0.5))
    spark = build_spark(settings, app_name=f"upt-matches-{args.domain}")
    path = settings.table_path("matching", "profile_matches")
    if not table_exists(spark, path):
        print("no matches yet: run `upt match` first", file=sys.stderr)
        return 1
    matches = spark.read.format("delta").load(path).where(F.col("domain") == args.domain)
    matches = matches.where(F.col("match_probability") >= floor)
    if args.profile:
        matches = matches.where(
            (F.col("source_profile_id") == args.profile) | (F.col("target_profile_id") == args.profile)
        )
    rows = (
        matches.orderBy(F.col("match_probability").desc(), "source_profile_id", "target_profile_id")
        .limit(args.limit)
        .collect()
    )
    for row in rows:
        record = {
            "source_profile_id": row["source_profile_id"],
            "target_profile_id": row["target_profile_id"],
            "match_probability": round(row["match_probability"], 6),
            "match_weight": round(row["match_weight"], 3),
            "model_version": row["model_version"],
        }
        if args.json:
            print(json.dumps(record))
        else:
            print(
                f"{record['match_probability']:.4f}  {record['match_weight']:7.2f}  "
                f"{record['source_profile_id']}  {record['target_profile_id']}"
            )
    return 0


if __name__ == "__main__":
    from jobs.cli import run_job

    sys.exit(run_job("jobs.matches"))
