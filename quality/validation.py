"""Validate the rows a run wrote against the suites of ``conf/expectations`` (GX Core on Spark).

Without a run id the newest ingest or resolve run of the domain is validated. Each suite checks
only its job's rows (ACCP tables after ingest; the traveller 360, the traveller->profile map and the
referential "every ACCP traveller id has a profile" after resolve). Results are MERGEd into
``ops/validation_results`` (a rerun replaces its own rows), Data Docs are rendered under
``<warehouse>/ops/data_docs``. Data is never changed or dropped; the exit code is 1 when an
expectation whose severity is in ``quality.fail_on`` failed.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from typing import TYPE_CHECKING

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from quality.frames import traveller_coverage, written_by_run
from runtime import runs
from runtime.config import Settings, is_remote, load_expectation_documents
from storage import tables
from storage.delta_io import ensure_table, merge_condition, table_exists
from transforms.registry import ACCP_OBJECT_TYPES

if TYPE_CHECKING:
    from quality.runner import Outcome
    from quality.suites import SuiteSpec

log = logging.getLogger("upt.validate")


VALIDATED_JOBS = ("ingest", "resolve")


# Small runs are validated in few partitions: GX issues a few Spark jobs per expectation.
ROWS_PER_PARTITION = 500_000


def find_run(spark: SparkSession, settings: Settings, domain: str, run_id: str | None) -> tuple[str, str] | None:
    """(run_id, job) of the given run, or of the domain's newest ingest/resolve run."""
    path = settings.table_path("ops", "job_runs")
    if not table_exists(spark, path):
        return None
    runs_df = spark.read.format("delta").load(path).where(F.col("domain") == domain)
    runs_df = runs_df.where(F.col("run_id") == run_id) if run_id else runs_df.where(F.col("job").isin(*VALIDATED_JOBS))
    row = runs_df.orderBy(F.col("started_at").desc()).select("run_id", "job").first()
    return (row["run_id"], row["job"]) if row else None


def suite_frame(spark: SparkSession, settings: Settings, spec: SuiteSpec, domain: str, run_id: str) -> DataFrame | None:
    """The rows a suite checks, or None when its table does not exist (yet)."""
    layer, table = spec.table.split("/", 1)
    if layer == "derived" and table == "accp_traveller_ids":
        profiles_path = settings.table_path("identity", "traveller_profiles")
        accp = {
            t: spark.read.format("delta").load(settings.table_path("accp", t)).where(F.col("domain") == domain)
            for t in ACCP_OBJECT_TYPES
            if table_exists(spark, settings.table_path("accp", t))
        }
        if not accp or not table_exists(spark, profiles_path):
            return None
        profiles = spark.read.format("delta").load(profiles_path).where(F.col("domain") == domain)
        return traveller_coverage(accp, profiles)
    path = settings.table_path(layer, table)
    if not table_exists(spark, path):
        return None
    return written_by_run(spark.read.format("delta").load(path), domain, spec.run_column, run_id)


def write_results(spark: SparkSession, settings: Settings, outcomes: list[Outcome], context: dict) -> None:
    """MERGE the outcomes into ``ops/validation_results`` on (domain, run_id, table, expectation)."""
    path = settings.table_path("ops", "validation_results")
    ensure_table(spark, path, tables.VALIDATION_RESULTS)
    rows = [{**context, **outcome.__dict__} for outcome in outcomes]
    source = spark.createDataFrame(
        [{f.name: r.get(f.name) for f in tables.VALIDATION_RESULTS.fields} for r in rows], tables.VALIDATION_RESULTS
    )
    condition = merge_condition(context["domain"], tables.VALIDATION_KEY)
    (
        DeltaTable.forPath(spark, path)
        .alias("t")
        .merge(source.alias("s"), condition)
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute()
    )


def copy_docs(spark: SparkSession, local_dir: str, target: str) -> None:
    """Upload a locally built Data Docs folder to a remote warehouse through Hadoop's file system."""
    jvm = spark.sparkContext._jvm
    dest = jvm.org.apache.hadoop.fs.Path(target)
    fs = dest.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    fs.copyFromLocalFile(False, True, jvm.org.apache.hadoop.fs.Path(local_dir), dest)


def validate(
    spark: SparkSession,
    settings: Settings,
    domain: str,
    run_id: str | None = None,
    only_tables: tuple[str, ...] | None = None,
    docs: bool = True,
) -> dict:
    """Validate a run's rows; returns the summary (with ``exit_code``) and logs a ``validate`` job run."""
    # GX takes seconds to import: only when validation actually runs.
    from quality.runner import build_docs, make_context, validate_frame
    from quality.suites import applicable, checked_columns, expectations_for, suite_specs

    found = find_run(spark, settings, domain, run_id)
    if found is None and run_id is None:
        return {"domain": domain, "validated_run_id": None, "expectations": 0, "failed": 0, "exit_code": 0}
    run_id, job = found if found else (run_id, None)
    documents = load_expectation_documents()
    codes = documents.get("_codes", {})
    severities = settings.get("quality.severity", {}) or {}
    fail_on = set(settings.get("quality.fail_on", ["error"]) or [])
    specs = [s for s in suite_specs(documents) if job is None or job in s.after]
    if only_tables:
        specs = [s for s in specs if s.table in only_tables]
    docs_target = f"{settings.warehouse.rstrip('/')}/{settings.get('quality.docs_dir', 'ops/data_docs')}"
    docs_dir = tempfile.mkdtemp(prefix="upt-docs-") if is_remote(docs_target) else docs_target
    context = make_context(docs_dir if docs else None)
    outcomes: list[Outcome] = []
    skipped: dict[str, list[str]] = {}
    with runs.tracked_run(settings, spark, "validate", domain) as run:
        validation_run_id = run.run_id
        try:
            for spec in specs:
                frame = suite_frame(spark, settings, spec, domain, run_id)
                if frame is None:
                    continue
                clock_suite = time.monotonic()
                expectations, missing = applicable(expectations_for(spec, codes, severities), frame.columns)
                frame = checked_columns(frame, expectations).cache()
                try:
                    rows = frame.count()
                    if not rows:
                        continue
                    if frame.rdd.getNumPartitions() > 1 + rows // ROWS_PER_PARTITION:
                        frame.unpersist()
                        frame = frame.coalesce(1 + rows // ROWS_PER_PARTITION).cache()
                    if missing:
                        skipped[spec.table] = missing
                    outcomes += validate_frame(context, spec.name, spec.table, frame, expectations, rows)
                    log.info(
                        json.dumps(
                            {
                                "event": "suite_validated",
                                "table": spec.table,
                                "rows": rows,
                                "seconds": round(time.monotonic() - clock_suite, 1),
                            }
                        )
                    )
                finally:
                    frame.unpersist()
            if docs and outcomes:
                build_docs(context)
            if outcomes:
                write_results(
                    spark,
                    settings,
                    outcomes,
                    {
                        "domain": domain,
                        "run_id": run_id,
                        "job": job,
                        "validation_run_id": validation_run_id,
                        "validated_at": run.started_at,
                    },
                )
            if docs and outcomes and is_remote(docs_target):
                copy_docs(spark, docs_dir, docs_target)
        finally:
            if docs_dir != docs_target:
                shutil.rmtree(docs_dir, ignore_errors=True)
            failed = [o for o in outcomes if not o.success]
            blocking = [o for o in failed if o.severity in fail_on]
            if blocking:  # an exception, if any, replaces this message when the run ends
                run.fail("; ".join(f"{o.table}: {o.expectation} ({o.unexpected_count} rows)" for o in blocking))
            run.written = {"expectations": len(outcomes), "failed": len(failed), "failed_blocking": len(blocking)}
            run.objects = sorted({o.table for o in outcomes})
    summary = {
        "domain": domain,
        "validation_run_id": validation_run_id,
        "validated_run_id": run_id,
        "validated_job": job,
        "expectations": len(outcomes),
        "failed": len(failed),
        "failed_blocking": len(blocking),
        "failures": [
            {"table": o.table, "expectation": o.expectation, "severity": o.severity, "unexpected": o.unexpected_count}
            for o in failed
        ],
        "skipped_missing_columns": skipped,
        "data_docs": f"{docs_target}/index.html" if docs and outcomes else None,
        "exit_code": 1 if blocking else 0,
    }
    log.info(json.dumps({"event": "validated", **{k: v for k, v in summary.items() if k != "failures"}}))
    return summary


def after_job(spark: SparkSession, settings: Settings, domain: str, run_id: str) -> int:
    """Hook at the end of ingest and resolve: validate the run when ``quality.validate_after_jobs``."""
    if not settings.flag("quality.validate_after_jobs"):
        return 0
    # Logged (stderr), not printed: the job's own JSON summary stays the last stdout line.
    return validate(spark, settings, domain, run_id)["exit_code"]


def list_suites(settings: Settings) -> list[str]:
    """``<table> (<jobs>): [severity] expectation`` lines for every suite of conf (no Spark)."""
    from quality.suites import expectation_id, expectations_for, suite_specs

    documents = load_expectation_documents()
    lines = []
    for spec in sorted(suite_specs(documents), key=lambda s: s.table):
        lines.append(f"{spec.table} (after {', '.join(spec.after)}; rows where {spec.run_column or 'domain'} = run)")
        for expectation in expectations_for(spec, documents.get("_codes", {}), settings.get("quality.severity", {})):
            lines.append(f"  [{expectation.meta['severity']}] {expectation_id(expectation)}")
    return lines
