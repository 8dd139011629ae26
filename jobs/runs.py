"""Run ids and the ``ops/job_runs`` log every job appends to."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pyspark.sql import SparkSession

from jobs import tables
from jobs.config import Settings


def new_run_id(job: str, started_at: datetime) -> str:
    return f"{job}-{started_at.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_run(spark: SparkSession, settings: Settings, row: dict) -> None:
    """Append one row to ``ops/job_runs`` (a run is logged once, at its end, so append is safe)."""
    values = {f.name: row.get(f.name) for f in tables.JOB_RUNS.fields}
    spark.createDataFrame([values], tables.JOB_RUNS).write.format("delta").mode("append").partitionBy("domain").save(
        settings.table_path("ops", "job_runs")
    )
