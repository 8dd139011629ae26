"""``upt domain create|list|delete D``: the domains screen (logic in lifecycle/domains.py).

upt domain create D [--error-ttl-days N]
upt domain list [--json]
upt domain delete D --yes [--vacuum]
"""

from __future__ import annotations

import argparse
import json
import sys

from runtime.config import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("create", "list", "delete"))
    parser.add_argument("domain", nargs="?", metavar="DOMAIN", help="domain name (create, delete)")
    parser.add_argument("--error-ttl-days", type=int, help="days an ingestion error is kept (default: conf)")
    parser.add_argument("--yes", action="store_true", help="delete: confirm removing every row of the domain")
    parser.add_argument("--vacuum", action="store_true", help="delete: VACUUM the tables afterwards")
    parser.add_argument("--json", action="store_true", help="list: one JSON document")


def run(args: argparse.Namespace) -> int:
    if args.action in ("create", "delete") and not args.domain:
        print(f"upt domain {args.action}: a DOMAIN is required", file=sys.stderr)
        return 2
    if args.action == "delete" and not args.yes:
        print(
            f"upt domain delete {args.domain} removes every row of the domain from every table, its checkpoints "
            "and staging: add --yes to confirm",
            file=sys.stderr,
        )
        return 2
    from lifecycle import domains
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    spark = build_spark(settings, app_name="upt-domain")
    if args.action == "create":
        created = domains.create(spark, settings, args.domain, args.error_ttl_days)
        print(f"domain {args.domain} {'created' if created else 'already exists'}")
    elif args.action == "delete":
        print(json.dumps(domains.delete(spark, settings, args.domain, args.vacuum), default=str, sort_keys=True))
    else:
        rows = domains.summary(spark, settings)
        if args.json:
            print(json.dumps(rows, default=str, sort_keys=True))
        for row in [] if args.json else rows:
            objects = ", ".join(f"{k} {v}" for k, v in sorted(row["objects"].items())) or "no objects"
            last = ", ".join(f"{job} {r['status']} {r['ended_at']}" for job, r in sorted(row["last_runs"].items()))
            print(f"{row['domain']}: {objects}; {row['profiles']} profiles; last runs: {last or 'none'}")
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.domain"))
