"""List probable duplicate profiles waiting for review, best first.

    upt matches --domain D [--profile P] [--min-probability X] [--limit N] [--json]
    upt matches --domain D --explain --profile P [--other Q]

Reads ``matching/profile_matches`` (written by ``upt match``); accept one with
``upt merge --domain D --profile <source> --into <target>``. ``--explain`` rescored one pair (P and
Q, default P's best stored match) with the stored model and prints its waterfall: the prior, then
each comparison's level and weight (matching.explain).
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
    parser.add_argument("--explain", action="store_true", help="print the waterfall of one pair (needs --profile)")
    parser.add_argument("--other", help="with --explain: the other profile (default: the best stored match)")


def run(args: argparse.Namespace) -> int:
    from jobs.delta_io import table_exists
    from jobs.spark import build_spark

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


def explain(spark, settings, domain: str, profile: str, other: str | None, matches, as_json: bool = False) -> int:
    """Rescore (profile, other) with the newest stored model and print its waterfall."""
    from splink import Linker

    from jobs.match import ModelStore, _cleanup, splink_api
    from matching.explain import format_waterfall, waterfall
    from matching.profile_features import FEATURE_COLUMNS, identified

    latest = ModelStore(settings, domain).latest()
    if latest is None:
        print("no stored model: run `upt match` first", file=sys.stderr)
        return 1
    version, model = latest
    if other is None:
        mine = matches.where((F.col("source_profile_id") == profile) | (F.col("target_profile_id") == profile))
        best = mine.orderBy(F.col("match_probability").desc()).limit(1).collect()
        if not best:
            print(f"profile {profile} has no stored match: name the other profile with --other", file=sys.stderr)
            return 1
        other = (
            best[0]["target_profile_id"] if best[0]["source_profile_id"] == profile else best[0]["source_profile_id"]
        )
    features = spark.read.format("delta").load(settings.table_path("matching", "profile_features"))
    features = identified(features.where(F.col("domain") == domain))
    features = features.select(*[c for c in FEATURE_COLUMNS if c in features.columns])
    model = {**model, "retain_intermediate_calculation_columns": True, "retain_matching_columns": True}
    db_api, checkpoints = splink_api(spark, settings, f"explain-{version}")
    try:
        linker = Linker(db_api.register(features), model, log_level=None)
        # Term frequencies from the whole domain, as when the pair was scored.
        for column in linker._settings_obj._term_frequency_columns:
            linker.table_management.compute_tf_table(column.input_name)
        left = db_api.register(features.where(F.col("profile_id") == profile))
        right = db_api.register(features.where(F.col("profile_id") == other))
        rows = linker.inference.score_pair(left, right).as_spark_dataframe().collect()
    finally:
        _cleanup(checkpoints)
    if not rows:
        print(f"profile {profile} or {other} has no identity features in domain {domain}", file=sys.stderr)
        return 1
    row = rows[0].asDict()
    steps = waterfall(model, row)
    if as_json:
        print(json.dumps({"source": profile, "target": other, "model_version": version, "steps": steps}))
    else:
        print(format_waterfall(steps, profile, other, float(row["match_probability"])))
    return 0


if __name__ == "__main__":
    from jobs.cli import run_job

    sys.exit(run_job("jobs.matches"))
