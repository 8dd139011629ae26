"""The one ``ops/job_runs`` wrapper: a row per run, failed runs re-raised and logged as failed."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from runtime.runs import tracked_run


def _row(spark, settings, run_id: str):
    runs = spark.read.format("delta").load(settings.table_path("ops", "job_runs"))
    return runs.where(F.col("run_id") == run_id).collect()


def test_tracked_run_logs_what_the_body_wrote(spark, settings):
    with tracked_run(settings, spark, "unit", "runs_ok") as run:
        run.written["rows"] = 3
        run.objects = ["a/b"]
    rows = _row(spark, settings, run.run_id)
    assert len(rows) == 1
    assert rows[0]["job"] == "unit" and rows[0]["domain"] == "runs_ok"
    assert rows[0]["status"] == "succeeded" and rows[0]["error_message"] is None
    assert rows[0]["written"] == {"rows": 3} and rows[0]["objects"] == ["a/b"]
    assert run.run_id.startswith("unit-") and run.row["ended_at"] >= run.row["started_at"]


def test_tracked_run_logs_and_reraises_a_failure(spark, settings):
    with pytest.raises(ValueError, match="boom"):
        with tracked_run(settings, spark, "unit", "runs_failed") as run:
            run.written["rows"] = 1
            run.fail("a blocking check")  # an exception replaces the job's own message
            raise ValueError("boom")
    (row,) = _row(spark, settings, run.run_id)
    assert row["status"] == "failed"
    assert row["error_message"] == "ValueError: boom"
    assert row["written"] == {"rows": 1}


def test_tracked_run_fail_without_exception(spark, settings):
    with tracked_run(settings, spark, "unit", "runs_blocking") as run:
        run.fail("x" * 3000)
    (row,) = _row(spark, settings, run.run_id)
    assert row["status"] == "failed" and len(row["error_message"]) == 2000


def test_tracked_run_adds_counters_as_they_stand_when_the_run_ends(spark, settings):
    from ingestion.batch import RunCounters

    counters = RunCounters()
    with pytest.raises(RuntimeError):
        with tracked_run(settings, spark, "unit", "runs_counted") as run:
            run.counters = counters
            counters.lines_read, counters.lines_rejected, counters.files_read = 5, 2, 1
            counters.add(counters.written, "pax_profile", 3)
            run.written["errors_resolved"] = 1
            raise RuntimeError("after the counts")
    (row,) = _row(spark, settings, run.run_id)
    assert (row["lines_read"], row["lines_accepted"], row["lines_rejected"], row["files_read"]) == (5, 3, 2, 1)
    assert row["written"] == {"pax_profile": 3, "errors_resolved": 1}
    assert row["status"] == "failed" and row["error_message"] == "RuntimeError: after the counts"
