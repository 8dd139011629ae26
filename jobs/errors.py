"""`upt errors`: list ingestion errors by type, and replay stored raw lines (UPT's error queues).

    upt errors --domain D [--type T] [--since YYYY-MM-DD] [--all] [--json]
    upt errors replay --domain D [--type T | --ids ID ...] [--since YYYY-MM-DD] [--from-source]

Replay re-ingests the stored ``raw_line`` of each open error (fix it in the table after a bad
export, or pass ``--from-source`` to re-read the line from its landing file after fixing it there)
through the ingest's own batch (``jobs.ingest_batch.BatchProcessor``), at its original file and line
number, so lineage and keys are those of the original. Lines that now pass are marked
``resolved = 'replayed <run_id>'``; lines that fail again stay open. Nothing is deleted here
(expired errors are purged by `upt maintain`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from jobs import runs
from jobs.config import Settings, load_settings
from jobs.delta_io import merge_condition, table_exists
from jobs.ingest_batch import BatchProcessor, RunCounters, prepare_tables
from jobs.staging import delete_path
from quality.frames import error_id, errors_summary, replay_lines
from transforms.lines import LINE_SEPARATOR, number_lines, raw_line_columns
from transforms.registry import BUSINESS_OBJECTS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", default="list", choices=("list", "replay"))
    parser.add_argument("--domain", required=True)
    parser.add_argument("--env", default="local", choices=("local", "emr", "glue"))
    parser.add_argument("--warehouse", help="warehouse root (local path or s3://); overrides conf")
    parser.add_argument("--type", help="only this error type (e.g. malformed_json)")
    parser.add_argument("--since", help="only errors recorded on or after YYYY-MM-DD")
    parser.add_argument("--ids", nargs="+", help="replay only these error ids (as listed by `upt errors`)")
    parser.add_argument("--all", action="store_true", help="list resolved errors too")
    parser.add_argument("--from-source", action="store_true", help="replay the landing file's current line")
    parser.add_argument("--json", action="store_true")


@dataclass(frozen=True)
class _ScratchErrorSettings(Settings):
    """Settings whose ``ops/ingestion_errors`` is a scratch table: a replay's new rejects land there."""

    errors_path: str = ""

    def table_path(self, layer: str, table: str) -> str:
        if (layer, table) == ("ops", "ingestion_errors"):
            return self.errors_path
        return super().table_path(layer, table)


def errors_path(settings: Settings) -> str:
    return settings.table_path("ops", "ingestion_errors")


def select_errors(
    spark: SparkSession,
    settings: Settings,
    domain: str,
    error_type: str | None = None,
    since: str | None = None,
    ids: list[str] | None = None,
    open_only: bool = True,
) -> DataFrame | None:
    path = errors_path(settings)
    if not table_exists(spark, path):
        return None
    df = spark.read.format("delta").load(path).where(F.col("domain") == domain)
    if open_only:
        df = df.where(F.col("resolved").isNull())
    if error_type:
        df = df.where(F.col("error_type") == error_type)
    if since:
        df = df.where(F.col("error_at") >= F.to_timestamp(F.lit(since)))
    if ids:
        df = df.where(error_id().isin(*ids))
    return df


def with_source_lines(spark: SparkSession, errors: DataFrame) -> DataFrame:
    """Errors whose ``raw_line`` is replaced by the current text of that line in its landing file."""
    files = [r["source_file"] for r in errors.select("source_file").distinct().collect()]  # file names only
    if not files:
        return errors
    text = spark.read.format("text").option("lineSep", LINE_SEPARATOR).load(files).select(*raw_line_columns(F.lit("")))
    current = number_lines(text).select("source_file", "line_number", F.col("line").alias("current_line"))
    return (
        errors.join(current, ["source_file", "line_number"], "left")
        .withColumn("raw_line", F.coalesce("current_line", "raw_line"))
        .drop("current_line")
    )


def replay(
    spark: SparkSession,
    settings: Settings,
    domain: str,
    error_type: str | None = None,
    ids: list[str] | None = None,
    since: str | None = None,
    from_source: bool = False,
) -> dict:
    """Re-ingest open errors; returns the job_runs row plus ``resolved`` and ``still_failing`` counts."""
    started = runs.utc_now()
    clock = time.monotonic()
    run_id = runs.new_run_id("replay", started)
    counters = RunCounters()
    scratch = f"{settings.warehouse.rstrip('/')}/ops/_replay/{run_id}"
    status, error, resolved, still_failing, selected = "succeeded", None, 0, 0, 0
    try:
        errors = select_errors(spark, settings, domain, error_type, since, ids)
        if errors is not None:
            errors = (with_source_lines(spark, errors) if from_source else errors).localCheckpoint()
            selected = errors.count()
        if selected:
            scratch_settings = _ScratchErrorSettings(env=settings.env, raw=settings.raw, errors_path=scratch)
            prepare_tables(spark, scratch_settings)
            processor = BatchProcessor(
                spark, scratch_settings, domain, run_id, started, counters, objects_key=f"replay-{run_id}"
            )
            processor.process_lines(replay_lines(errors, BUSINESS_OBJECTS), 0)
            failing = spark.read.format("delta").load(scratch).select("source_file", "line_number")
            passed = errors.select("domain", "source_file", "line_number").join(
                failing, ["source_file", "line_number"], "left_anti"
            )
            still_failing = selected - passed.count()
            target = DeltaTable.forPath(spark, errors_path(settings))
            target.alias("t").merge(
                passed.alias("s"),
                merge_condition(domain, ("domain", "source_file", "line_number")) & F.col("t.resolved").isNull(),
            ).whenMatchedUpdate(set={"resolved": F.lit(f"replayed {run_id}")}).execute()
            resolved = selected - still_failing
    except Exception as exc:  # logged in job_runs, then re-raised
        status, error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        delete_path(spark, scratch)
        row = {
            "job": "replay",
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
            "written": {**counters.written, "errors_resolved": resolved},
            "objects": [error_type] if error_type else [],
            "duration_s": time.monotonic() - clock,
            "error_message": error,
        }
        runs.record_run(spark, settings, row)
    return {**row, "selected": selected, "resolved": resolved, "still_failing": still_failing}


def list_errors(spark: SparkSession, settings: Settings, args: argparse.Namespace) -> list[dict]:
    errors = select_errors(spark, settings, args.domain, args.type, args.since, args.ids, open_only=not args.all)
    if errors is None:
        return []
    groups = []
    for row in errors_summary(errors).collect():  # one row per (type, object): a small result
        groups.append(
            {
                "error_type": row["error_type"],
                "business_object": row["business_object"],
                "count": int(row["count"]),
                "open": int(row["open"] or 0),
                "last_error_at": row["last_error_at"].isoformat() if row["last_error_at"] else None,
                "samples": [
                    {"id": s["id"], "message": s["message"], "raw_line": (s["raw_line"] or "")[:300]}
                    for s in row["samples"]
                ],
            }
        )
    return groups


def run(args: argparse.Namespace) -> int:
    from jobs.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    spark = build_spark(settings, app_name=f"upt-errors-{args.domain}")
    if args.action == "replay":
        if args.type and args.ids:
            print("give --type or --ids, not both", file=sys.stderr)
            return 2
        result = replay(spark, settings, args.domain, args.type, args.ids, args.since, args.from_source)
        print(json.dumps(result, sort_keys=True, default=str))
        return 0 if result["status"] == "succeeded" else 1
    groups = list_errors(spark, settings, args)
    if args.json:
        print(json.dumps(groups, sort_keys=True))
        return 0
    print(f"{sum(g['count'] for g in groups)} errors in domain {args.domain}")
    for g in groups:
        print(f"{g['error_type']:<22} {g['business_object'] or '-':<28} {g['count']:>8,d}  (open {g['open']})")
        for s in g["samples"]:
            print(f"    {s['id']}  {s['message']}\n        {s['raw_line'][:160]}")
    return 0


if __name__ == "__main__":
    from jobs.cli import run_job

    sys.exit(run_job("jobs.errors"))
