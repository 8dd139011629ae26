"""Ingestion errors (``ops/ingestion_errors``, UPT's error queues): grouped listings and replays.

A replay re-ingests the stored ``raw_line`` of each open error (or, with ``from_source``, the line's
current text in its landing file) through the ingest's own batch (``ingestion.batch.BatchProcessor``)
at its original file and line number, so lineage and keys are those of the original. Lines that now
pass are marked ``resolved = 'replayed <run_id>'``; lines that fail again stay open, and their new
rejects go to a scratch table, not to the errors table. Nothing is deleted here.
"""

from __future__ import annotations

from dataclasses import dataclass

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from ingestion.batch import BatchProcessor, RunCounters, prepare_tables
from ingestion.staging import delete_path
from quality.frames import error_id, errors_summary, replay_lines
from runtime import runs
from runtime.config import Settings
from storage.delta_io import merge_condition, table_exists
from transforms.lines import LINE_SEPARATOR, number_lines, raw_line_columns
from transforms.registry import BUSINESS_OBJECTS


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
    counters = RunCounters()
    resolved, still_failing, selected = 0, 0, 0
    with runs.tracked_run(settings, spark, "replay", domain) as run:
        run.objects, run.counters = ([error_type] if error_type else []), counters
        run_id = run.run_id
        scratch = f"{settings.warehouse.rstrip('/')}/ops/_replay/{run_id}"
        try:
            errors = select_errors(spark, settings, domain, error_type, since, ids)
            if errors is not None:
                errors = (with_source_lines(spark, errors) if from_source else errors).localCheckpoint()
                selected = errors.count()
            if selected:
                scratch_settings = _ScratchErrorSettings(env=settings.env, raw=settings.raw, errors_path=scratch)
                prepare_tables(spark, scratch_settings)
                # Staging is per run already (ingestion/staging.py): "replay" only names the folder.
                processor = BatchProcessor(
                    spark, scratch_settings, domain, run_id, run.started_at, counters, objects_key="replay"
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
        finally:
            delete_path(spark, scratch)
            run.written["errors_resolved"] = resolved
    return {**run.row, "selected": selected, "resolved": resolved, "still_failing": still_failing}


def list_errors(
    spark: SparkSession,
    settings: Settings,
    domain: str,
    error_type: str | None = None,
    since: str | None = None,
    ids: list[str] | None = None,
    include_resolved: bool = False,
) -> list[dict]:
    """Errors grouped by type and business object, with counts and a few samples each."""
    errors = select_errors(spark, settings, domain, error_type, since, ids, open_only=not include_resolved)
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


def format_groups(groups: list[dict], domain: str) -> str:
    """The text listing of ``upt errors``: a total, one line per group, its samples indented."""
    out = [f"{sum(g['count'] for g in groups)} errors in domain {domain}"]
    for g in groups:
        out.append(f"{g['error_type']:<22} {g['business_object'] or '-':<28} {g['count']:>8,d}  (open {g['open']})")
        for s in g["samples"]:
            out.append(f"    {s['id']}  {s['message']}\n        {s['raw_line'][:160]}")
    return "\n".join(out)
