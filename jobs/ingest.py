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
import json
import logging
import sys
import time
from functools import reduce

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from jobs import runs
from jobs.config import Settings, load_settings
from jobs.ingest_batch import BatchProcessor, RunCounters, prepare_tables
from lifecycle import concurrency
from lifecycle import domains as lifecycle_domains
from transforms.lines import LINE_SEPARATOR, raw_line_columns
from transforms.registry import BUSINESS_OBJECTS

log = logging.getLogger("upt.ingest")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True, help="ACCP domain (the landing folder under each object)")
    parser.add_argument("--env", default="local", choices=("local", "emr", "glue"))
    parser.add_argument("--landing", help="landing zone root (local path or s3://); overrides conf")
    parser.add_argument("--warehouse", help="warehouse root (local path or s3://); overrides conf")
    parser.add_argument("--objects", help="comma-separated business objects (default: all seven)")
    parser.add_argument("--from-date", help="ignore landing dates before YYYY/MM/DD (UPT's partitionStartDate)")


def objects_key(objects: tuple[str, ...]) -> str:
    """Name of the checkpoint for a set of objects: ``all``, or the sorted names joined by ``+``."""
    return "all" if set(objects) == set(BUSINESS_OBJECTS) else "+".join(sorted(objects))


def checkpoint_path(settings: Settings, domain: str, objects: tuple[str, ...]) -> str:
    root = settings.get("ingest.checkpoints", "_checkpoints")
    return f"{settings.warehouse.rstrip('/')}/{root}/ingest/{domain}/{objects_key(objects)}"


def landing_files(spark, settings: Settings, domain: str, objects: tuple[str, ...]) -> DataFrame:
    """One streaming source per business object, unioned: the raw lines of new files, with the
    file, the start of the split each line was read from (to number lines) and its folder's object.

    Each source is a glob (``<root>/<domain>/*``), so an object whose folder does not exist yet is
    simply empty instead of failing the run, and the set of sources stays fixed for the checkpoint.
    """
    sources = [
        spark.readStream.format("text")
        .option("lineSep", LINE_SEPARATOR)
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", "*.jsonl")
        .load(f"{settings.landing_root(business_object).rstrip('/')}/{domain}/*")
        .select(*raw_line_columns(F.lit(business_object)))
        for business_object in objects
    ]
    return reduce(DataFrame.unionByName, sources)


def ingest(
    spark, settings: Settings, domain: str, objects: tuple[str, ...] = BUSINESS_OBJECTS, from_date: str | None = None
) -> dict:
    """Run one incremental ingest for ``domain``; returns the job_runs row it logged.

    One streaming query per domain and set of objects: each trigger hands every new file of every
    object to one batch, so each ACCP table gets one MERGE per batch, not one per object.
    """
    started = runs.utc_now()
    clock = time.monotonic()
    run_id = runs.new_run_id("ingest", started)
    counters = RunCounters()
    status, error = "succeeded", None
    normalized_from = from_date.replace("/", "-") if from_date else None
    try:
        prepare_tables(spark, settings)
        processor = BatchProcessor(
            spark, settings, domain, run_id, started, counters, normalized_from, objects_key(objects)
        )
        query = (
            landing_files(spark, settings, domain, objects)
            .writeStream.foreachBatch(processor)
            .option("checkpointLocation", checkpoint_path(settings, domain, objects))
            .trigger(availableNow=True)
            .queryName(f"ingest-{domain}")
            .start()
        )
        query.awaitTermination()
    except Exception as exc:  # logged in job_runs, then re-raised for the orchestrator
        status, error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        row = {
            "job": "ingest",
            "domain": domain,
            "run_id": run_id,
            "started_at": started,
            "ended_at": runs.utc_now(),
            "status": status,
            "lines_read": counters.lines_read,
            "lines_accepted": counters.lines_accepted,
            "lines_rejected": counters.lines_rejected,
            "duplicates": counters.duplicates,
            "files_read": counters.files_read,
            "rejected_by_type": counters.rejected_by_type,
            "written": counters.written,
            "objects": list(objects),
            "duration_s": time.monotonic() - clock,
            "error_message": error,
        }
        runs.record_run(spark, settings, row)
    return row


def run(args: argparse.Namespace) -> int:
    from jobs.spark import build_spark

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
    summary = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
    print(json.dumps(summary, sort_keys=True))
    from jobs.validate import after_job  # data-quality hook (conf quality.validate_after_jobs)

    return after_job(spark, settings, args.domain, row["run_id"])


if __name__ == "__main__":
    from jobs.cli import run_job

    sys.exit(run_job("jobs.ingest"))
