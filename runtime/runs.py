"""Run ids and the ``ops/job_runs`` log every job appends to (plus optional CloudWatch metrics)."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from pyspark.sql import SparkSession

from lifecycle.concurrency import is_concurrent_conflict
from runtime.config import Settings
from storage import tables

log = logging.getLogger(__name__)


def new_run_id(job: str, started_at: datetime) -> str:
    return f"{job}-{started_at.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def stage_seconds(spark: SparkSession, since: datetime) -> float | None:
    """Executor run time of the Spark stages submitted since ``since`` (from Spark's status store).

    The store keeps the last ``spark.ui.retainedStages`` stages even when the UI is off; ``None``
    when it cannot be read (the number is informative, never worth failing a run for).
    """
    try:
        jvm = spark.sparkContext._jvm
        gateway = spark.sparkContext._gateway
        store = spark.sparkContext._jsc.sc().statusStore()
        stages = store.stageList(
            jvm.java.util.ArrayList(), False, False, gateway.new_array(jvm.double, 0), jvm.java.util.ArrayList()
        )
        since_ms = since.replace(tzinfo=UTC).timestamp() * 1000
        total_ms = 0
        for i in range(stages.length()):
            stage = stages.apply(i)
            submitted = stage.submissionTime()
            if submitted.isDefined() and submitted.get().getTime() >= since_ms:
                total_ms += stage.executorRunTime()
        return round(total_ms / 1000.0, 3)
    except Exception as exc:  # noqa: BLE001 - metrics only
        log.debug("stage time unavailable: %s", exc)
        return None


def put_metrics(settings: Settings, row: dict) -> None:
    """The run's numbers as CloudWatch metrics (conf ``metrics.cloudwatch``), dimensioned by job and domain."""
    import boto3

    endpoint = settings.get("metrics.endpoint") or settings.get("s3.endpoint")
    client = boto3.client("cloudwatch", endpoint_url=endpoint) if endpoint else boto3.client("cloudwatch")
    dimensions = [{"Name": "Job", "Value": row["job"]}, {"Name": "Domain", "Value": row["domain"]}]
    values = {
        "DurationSeconds": (row.get("duration_s"), "Seconds"),
        "StageSeconds": (row.get("stage_time_s"), "Seconds"),
        "LinesRead": (row.get("lines_read"), "Count"),
        "LinesRejected": (row.get("lines_rejected"), "Count"),
        "RowsWritten": (sum((row.get("written") or {}).values()), "Count"),
        "Failed": (1 if row.get("status") == "failed" else 0, "Count"),
    }
    data = [
        {"MetricName": name, "Dimensions": dimensions, "Value": float(value), "Unit": unit}
        for name, (value, unit) in values.items()
        if value is not None
    ]
    client.put_metric_data(Namespace=settings.get("metrics.namespace", "UPT/Lakehouse"), MetricData=data)


def record_run(spark: SparkSession, settings: Settings, row: dict) -> None:
    """Append one row to ``ops/job_runs`` (a run is logged once, at its end, so append is safe)."""
    if row.get("stage_time_s") is None and row.get("started_at") is not None:
        row["stage_time_s"] = stage_seconds(spark, row["started_at"])
    values = {f.name: row.get(f.name) for f in tables.JOB_RUNS.fields}
    frame = spark.createDataFrame([values], tables.JOB_RUNS)
    for attempt in range(3):
        try:
            frame.write.format("delta").mode("append").option("mergeSchema", "true").partitionBy("domain").save(
                settings.table_path("ops", "job_runs")
            )
            break
        except Exception as exc:
            # Blind appends only collide when two jobs' first runs both create the table; the
            # second attempt appends to the table the other made.
            if attempt == 2 or not is_concurrent_conflict(exc):
                raise
    if settings.flag("metrics.cloudwatch"):
        try:
            put_metrics(settings, row)
        except Exception as exc:  # noqa: BLE001 - a metrics outage must not fail the data job
            log.warning("cloudwatch metrics not sent: %s", exc)


class RunFields(Protocol):
    """Totals a job gathers while it runs (the ingest's line counts) and adds to its row at the end."""

    def job_run_fields(self) -> dict: ...


@dataclass
class TrackedRun:
    """The ``ops/job_runs`` row of a run in progress; the body fills ``written`` and ``objects``.

    ``counters``, when set, adds its fields to the row as they stand when the run ends (a failed
    run keeps what it had counted); its ``written`` comes first, the body's own ``written`` after.
    """

    job: str
    domain: str
    run_id: str
    started_at: datetime
    clock: float
    written: dict = field(default_factory=dict)
    objects: list[str] = field(default_factory=list)
    status: str = "succeeded"
    error_message: str | None = None
    counters: RunFields | None = None
    row: dict | None = None

    def fail(self, message: str) -> None:
        """Mark the run failed without an exception (a check the job itself judged blocking)."""
        self.status, self.error_message = "failed", message[:2000]

    def to_row(self) -> dict:
        counted = self.counters.job_run_fields() if self.counters is not None else {}
        return {
            "job": self.job,
            "domain": self.domain,
            "run_id": self.run_id,
            "started_at": self.started_at,
            "ended_at": utc_now(),
            "status": self.status,
            **counted,
            "written": {**counted.get("written", {}), **self.written},
            "objects": self.objects,
            "duration_s": time.monotonic() - self.clock,
            "error_message": self.error_message,
        }


@contextmanager
def tracked_run(settings: Settings, spark: SparkSession, job: str, domain: str) -> Iterator[TrackedRun]:
    """Log the body as one ``ops/job_runs`` row, written once at the end whether it succeeds or fails.

    An exception marks the row failed (its text in ``error_message``) and is re-raised for the
    orchestrator; the row the body ended with stays readable as ``run.row``.
    """
    started = utc_now()
    run = TrackedRun(job, domain, new_run_id(job, started), started, time.monotonic())
    try:
        yield run
    except Exception as exc:  # logged in job_runs, then re-raised
        run.status, run.error_message = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        run.row = run.to_row()
        record_run(spark, settings, run.row)


def print_summary(row: dict) -> None:
    """A run's row as one sorted JSON line on stdout (timestamps in ISO format)."""
    print(json.dumps({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}, sort_keys=True))
