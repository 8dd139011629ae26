"""A domain's status: objects, profiles, ingestion/validation errors, last jobs and freshness.

Every number is a Spark aggregate over the domain's rows; only the small results reach the driver.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from quality.frames import landing_day, last_runs
from runtime.config import Settings
from storage.delta_io import table_exists
from transforms.registry import ACCP_OBJECT_TYPES


def read(spark: SparkSession, settings: Settings, layer: str, table: str, domain: str) -> DataFrame | None:
    path = settings.table_path(layer, table)
    if not table_exists(spark, path):
        return None
    return spark.read.format("delta").load(path).where(F.col("domain") == domain)


def accp_frames(spark: SparkSession, settings: Settings, domain: str) -> dict[str, DataFrame]:
    frames = {t: read(spark, settings, "accp", t, domain) for t in ACCP_OBJECT_TYPES}
    return {t: df for t, df in frames.items() if df is not None}


def _iso(value) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value


def gather_status(spark: SparkSession, settings: Settings, domain: str) -> dict:
    """The status document `upt status --json` prints and `upt report` renders."""
    accp = accp_frames(spark, settings, domain)
    objects, newest_day = {}, None
    for name, df in sorted(accp.items()):
        row = landing_day(df).agg(F.count("*").alias("n"), F.max("landing_date").alias("day")).first()
        objects[name] = int(row["n"])
        if row["day"] and (newest_day is None or row["day"] > newest_day):
            newest_day = row["day"]

    profiles = read(spark, settings, "identity", "profiles", domain)
    profile_counts = {"active": 0, "merged": 0}
    if profiles is not None:
        for row in profiles.groupBy("status").count().collect():
            profile_counts[row["status"]] = int(row["count"])

    job_runs = read(spark, settings, "ops", "job_runs", domain)
    jobs = []
    last_ingest = None
    if job_runs is not None:
        for row in last_runs(job_runs).orderBy("job").collect():
            jobs.append(
                {
                    "job": row["job"],
                    "run_id": row["run_id"],
                    "status": row["status"],
                    "started_at": _iso(row["started_at"]),
                    "ended_at": _iso(row["ended_at"]),
                    "duration_s": round(row["duration_s"] or 0.0, 1),
                    "stage_time_s": row.asDict().get("stage_time_s"),
                    "error_message": row["error_message"],
                }
            )
            if row["job"] == "ingest":
                last_ingest = row

    errors = read(spark, settings, "ops", "ingestion_errors", domain)
    ingestion = {"total": 0, "open": 0, "last_run": 0, "by_type": {}}
    if errors is not None:
        last_id = last_ingest["run_id"] if last_ingest else ""
        for row in (
            errors.groupBy("error_type")
            .agg(
                F.count("*").alias("n"),
                F.sum(F.col("resolved").isNull().cast("int")).alias("open"),
                F.sum((F.col("run_id") == last_id).cast("int")).alias("last"),
            )
            .collect()
        ):
            ingestion["by_type"][row["error_type"]] = int(row["n"])
            ingestion["total"] += int(row["n"])
            ingestion["open"] += int(row["open"] or 0)
            ingestion["last_run"] += int(row["last"] or 0)

    results = read(spark, settings, "ops", "validation_results", domain)
    validation = {"last_run": 0, "total": 0, "last_run_id": None, "expectations_last_run": 0, "failures": []}
    if results is not None:
        newest = results.agg(F.max_by("validation_run_id", "validated_at").alias("v")).first()["v"]
        validation["total"] = results.where(~F.col("success")).count()
        if newest:
            last = results.where(F.col("validation_run_id") == newest)
            validation["last_run_id"] = newest
            validation["expectations_last_run"] = last.count()
            failures = (
                last.where(~F.col("success"))
                .select("table", "expectation", "severity", "unexpected_count")
                .orderBy("table", "expectation")
                .collect()
            )
            validation["last_run"] = len(failures)
            validation["failures"] = [r.asDict() for r in failures]

    return {
        "domain": domain,
        "warehouse": settings.warehouse,
        "objects": objects,
        "objects_total": sum(objects.values()),
        "profiles": profile_counts.get("active", 0),
        "profiles_merged": profile_counts.get("merged", 0),
        "ingestion_errors": ingestion,
        "validation_errors": validation,
        "jobs": jobs,
        "freshness": {
            "newest_landing_date": newest_day,
            "last_ingest_at": _iso(last_ingest["ended_at"]) if last_ingest else None,
        },
    }


def format_text(status: dict) -> str:
    ing, val = status["ingestion_errors"], status["validation_errors"]
    lines = [
        f"domain {status['domain']} ({status['warehouse']})",
        f"  NUMBER OF OBJECTS {status['objects_total']:>10,d}   NUMBER OF PROFILES {status['profiles']:>8,d}",
        f"  INGESTION ERRORS  {ing['total']:>10,d}   (last run {ing['last_run']}, open {ing['open']})",
        f"  VALIDATION ERRORS {val['total']:>10,d}   (last run {val['last_run']} of {val['expectations_last_run']})",
        f"  freshness: newest landing date {status['freshness']['newest_landing_date']}, "
        f"last ingest {status['freshness']['last_ingest_at']}",
        "objects:",
        *[f"  {name:<32} {count:>10,d}" for name, count in status["objects"].items()],
    ]
    if ing["by_type"]:
        lines += ["ingestion errors by type:", *[f"  {t:<32} {n:>10,d}" for t, n in sorted(ing["by_type"].items())]]
    if val["failures"]:
        lines += ["failed expectations (last validation):"]
        lines += [
            f"  [{f['severity']}] {f['table']} {f['expectation']}: {f['unexpected_count']}" for f in val["failures"]
        ]
    lines += ["jobs (last run):"]
    lines += [
        f"  {j['job']:<10} {j['status']:<10} {j['duration_s']:>8.1f}s  {j['started_at']}  {j['run_id']}"
        for j in status["jobs"]
    ]
    return "\n".join(lines)
