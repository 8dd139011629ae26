"""Look up unified profiles in ``gold/traveller``: ``upt search`` and ``upt show``.

    upt search --domain demo --last-name lee [--email E] [--phone P] [--traveller-id T] [--profile-id C] [--json]
    upt show   --domain demo --profile C [--json]

Exact match as UPT's search (publishing.lookup). Merged-away profiles are left out unless asked for.
"""

from __future__ import annotations

import argparse
import json
import sys

from publishing.lookup import (
    SUMMARY_COLUMNS,
    find_profiles,
    format_profile,
    format_table,
    profile_detail,
    read_gold,
    search_condition,
)
from runtime.config import load_settings


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
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    return build_spark(settings, app_name=f"upt-search-{args.domain}"), settings


def search(args: argparse.Namespace) -> int:
    if not any((args.last_name, args.email, args.phone, args.traveller_id, args.profile_id)):
        print("give at least one of --last-name, --email, --phone, --traveller-id, --profile-id", file=sys.stderr)
        return 2
    spark, settings = _session(args)  # before any Column is built: a fresh process has no session yet
    condition = search_condition(args.last_name, args.email, args.phone, args.traveller_id, args.profile_id)
    gold = read_gold(spark, settings, args.domain)
    if gold is None:
        print(f"no gold/traveller table under {settings.warehouse}", file=sys.stderr)
        return 1
    rows = find_profiles(gold, condition, args.include_merged, args.limit)
    if args.json:
        print(json.dumps({"domain": args.domain, "count": len(rows), "profiles": rows}, sort_keys=True))
    else:
        print(format_table(rows, SUMMARY_COLUMNS))
        print(f"{len(rows)} profile(s)")
    return 0


def show(args: argparse.Namespace) -> int:
    spark, settings = _session(args)
    detail = profile_detail(spark, settings, args.domain, args.profile)
    if detail is None:
        print(f"profile {args.profile} not found in domain {args.domain}", file=sys.stderr)
        return 1
    profile, objects, history = detail
    if args.json:
        print(json.dumps({"profile": profile, "objects": objects, "merges": history}, sort_keys=True))
        return 0
    print(format_profile(args.profile, args.domain, profile, objects, history))
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.search"))
