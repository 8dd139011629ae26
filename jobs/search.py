"""Look up unified profiles in ``gold/traveller``: ``upt search`` and ``upt show``.

    upt search --domain demo --last-name lee [--email E] [--phone P] [--traveller-id T] [--profile-id C] [--json]
    upt show   --domain demo --profile C [--json]

Exact match as UPT's search: names and emails compared case-insensitively (trimmed, lower case),
phones on their digits, ids as given. Merged-away profiles are left out unless asked for. The
matching rows are a lookup result, so collecting them (at most ``--limit``) is fine.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from jobs.config import load_settings
from jobs.delta_io import table_exists
from transforms.traveller_schema import RECORD_ARRAYS

SUMMARY_COLUMNS = (
    "connectId",
    "firstName",
    "lastName",
    "personalEmailAddress",
    "phoneNumber",
    "lastUpdated",
    "mergedIn",
)


def _norm_text(col: Column) -> Column:
    return F.lower(F.trim(col))


def _digits(col: Column) -> Column:
    return F.regexp_replace(col, r"[^0-9]", "")


def search_condition(args: argparse.Namespace) -> Column | None:
    """AND of the given criteria; None when no criterion was given."""
    conditions = []
    if args.last_name:
        conditions.append(_norm_text(F.col("lastName")) == args.last_name.strip().lower())
    if args.email:
        wanted = args.email.strip().lower()
        conditions.append(
            (_norm_text(F.col("personalEmailAddress")) == wanted)
            | (_norm_text(F.col("businessEmailAddress")) == wanted)
            | F.exists("emailHistoryRecords", lambda r: _norm_text(r["address"]) == wanted)
        )
    if args.phone:
        wanted = "".join(ch for ch in args.phone if ch.isdigit())
        phones = [F.col(c) for c in ("phoneNumber", "mobilePhoneNumber", "homePhoneNumber", "businessPhoneNumber")]
        conditions.append(
            F.greatest(*[F.coalesce(_digits(p) == wanted, F.lit(False)) for p in phones])
            | F.exists("phoneHistoryRecords", lambda r: _digits(r["number"]) == wanted)
        )
    if args.traveller_id:
        conditions.append(F.array_contains("travellerIds", args.traveller_id))
    if args.profile_id:
        conditions.append(F.col("connectId") == args.profile_id)
    if not conditions:
        return None
    result = conditions[0]
    for condition in conditions[1:]:
        result = result & condition
    return F.coalesce(result, F.lit(False))


def _plain(value):
    """Rows to JSON-friendly values (Row -> dict, datetimes -> ISO strings)."""
    if hasattr(value, "asDict"):
        return {k: _plain(v) for k, v in value.asDict().items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def format_table(rows: list[dict], columns: tuple[str, ...]) -> str:
    widths = {c: max([len(c)] + [len(str(r.get(c) or "")) for r in rows]) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines.append("  ".join("-" * widths[c] for c in columns))
    lines += ["  ".join(str(r.get(c) or "").ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def _gold(spark, settings, domain: str) -> DataFrame | None:
    path = settings.table_path("gold", "traveller")
    if not table_exists(spark, path):
        return None
    return spark.read.format("delta").load(path).where(F.col("domain") == domain)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    if parser.prog.endswith("show"):
        parser.add_argument("--profile", required=True, help="connectId (profile id)")
        return
    parser.add_argument("--last-name")
    parser.add_argument("--email")
    parser.add_argument("--phone")
    parser.add_argument("--traveller-id")
    parser.add_argument("--profile-id")
    parser.add_argument("--include-merged", action="store_true", help="also list merged-away profiles")
    parser.add_argument("--limit", type=int, default=50)


def run(args: argparse.Namespace) -> int:
    return show(args) if hasattr(args, "profile") else search(args)


def _session(args: argparse.Namespace):
    from jobs.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    return build_spark(settings, app_name=f"upt-search-{args.domain}"), settings


def search(args: argparse.Namespace) -> int:
    if not any((args.last_name, args.email, args.phone, args.traveller_id, args.profile_id)):
        print("give at least one of --last-name, --email, --phone, --traveller-id, --profile-id", file=sys.stderr)
        return 2
    spark, settings = _session(args)  # before any Column is built: a fresh process has no session yet
    condition = search_condition(args)
    gold = _gold(spark, settings, args.domain)
    if gold is None:
        print(f"no gold/traveller table under {settings.warehouse}", file=sys.stderr)
        return 1
    found = gold.where(condition)
    if not args.include_merged:
        found = found.where(F.col("mergedIn").isNull())
    rows = [
        _plain(r)
        for r in found.select(*SUMMARY_COLUMNS, "travellerIds").orderBy("connectId").limit(args.limit).collect()
    ]
    if args.json:
        print(json.dumps({"domain": args.domain, "count": len(rows), "profiles": rows}, sort_keys=True))
    else:
        print(format_table(rows, SUMMARY_COLUMNS))
        print(f"{len(rows)} profile(s)")
    return 0


def show(args: argparse.Namespace) -> int:
    spark, settings = _session(args)
    gold = _gold(spark, settings, args.domain)
    row = gold.where(F.col("connectId") == args.profile).first() if gold is not None else None
    if row is None:
        print(f"profile {args.profile} not found in domain {args.domain}", file=sys.stderr)
        return 1
    profile = _plain(row)
    objects = {column: profile.pop(column) or [] for column in RECORD_ARRAYS}
    merges_path = settings.table_path("identity", "profile_merges")
    history = []
    if table_exists(spark, merges_path):
        merges = spark.read.format("delta").load(merges_path).where(F.col("domain") == args.domain)
        merges = merges.where((F.col("from_profile_id") == args.profile) | (F.col("to_profile_id") == args.profile))
        history = [_plain(r) for r in merges.orderBy("merged_at").limit(1000).collect()]
    if args.json:
        print(json.dumps({"profile": profile, "objects": objects, "merges": history}, sort_keys=True))
        return 0
    print(f"profile {args.profile} (domain {args.domain})")
    for key, value in profile.items():
        if value not in (None, "", [], {}):
            print(f"  {key:<28} {json.dumps(value) if isinstance(value, dict | list) else value}")
    for column, items in objects.items():
        if items:
            print(f"{column} ({len(items)}):")
            for item in items:
                print("  " + json.dumps({k: v for k, v in item.items() if v not in (None, "")}, sort_keys=True))
    print(f"merge history ({len(history)}):")
    for merge in history:
        print(
            f"  {merge['merged_at']}  {merge['from_profile_id']} -> {merge['to_profile_id']}  ({merge['reason']}, {merge['run_id']})"
        )
    return 0


if __name__ == "__main__":
    from jobs.cli import run_job

    sys.exit(run_job("jobs.search"))
