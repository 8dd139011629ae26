"""Incremental ingest: landing JSONL -> ACCP Delta tables, exactly once per file.

    spark-submit jobs/ingest.py --domain demo --env emr
    upt ingest --domain demo [--landing PATH] [--warehouse PATH] [--objects a,b] [--from-date YYYY/MM/DD]

Each business object's folder is a Structured Streaming file source; the sources of one domain run
as one query with ``Trigger.AvailableNow`` and a checkpoint per domain (and set of objects) that
keeps each source's offsets, so a run reads only files no earlier run committed, and a crash is
followed by a replay of the uncommitted batch (whose writes are MERGEs).
"""

from __future__ import annotations

import argparse
import sys

from ingestion.run import ingest
from lifecycle import concurrency
from lifecycle import domains as lifecycle_domains
from quality.validation import after_job
from runtime.config import load_settings
from runtime.runs import print_summary
from transforms.registry import BUSINESS_OBJECTS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True, help="ACCP domain (the landing folder under each object)")
    parser.add_argument("--landing", help="landing zone root (local path or s3://); overrides conf")
    parser.add_argument("--objects", help="comma-separated business objects (default: all seven)")
    parser.add_argument("--from-date", help="ignore landing dates before YYYY/MM/DD (UPT's partitionStartDate)")


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse, "landing": args.landing})
    objects = tuple(o.strip() for o in args.objects.split(",")) if args.objects else BUSINESS_OBJECTS
    unknown = [o for o in objects if o not in BUSINESS_OBJECTS]
    if unknown:
        print(f"unknown business objects: {', '.join(unknown)}", file=sys.stderr)
        return 2
    spark = build_spark(settings, app_name=f"upt-ingest-{args.domain}")
    try:
        lifecycle_domains.require(spark, settings, args.domain)  # unknown domain: clear error (ops/domains)
        row = ingest(spark, settings, args.domain, objects, args.from_date)
    except Exception as exc:
        if not concurrency.is_concurrent_conflict(exc):
            raise
        print(concurrency.message("ingest", args.domain), file=sys.stderr)  # a second ingest at once
        return concurrency.EXIT_CONCURRENT
    print_summary(row)
    # data-quality hook (conf quality.validate_after_jobs)
    return after_job(spark, settings, args.domain, row["run_id"])


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.ingest"))
