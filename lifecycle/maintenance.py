"""Hourly housekeeping of a domain (UPT's partition-synchronisation lambda).

1. OPTIMIZE every Delta table's domain partition: Z-order by the lookup columns of conf
   ``maintenance.zorder`` (glob on ``<layer>/<table>``), plain compaction elsewhere.
2. VACUUM with ``maintenance.vacuum_retention_hours``, never below Delta's 168 h safety default
   unless ``maintenance.allow_short_retention`` is true.
3. Purge ingestion errors whose ``expires_at`` (errorTTL) has passed.
4. With ``maintenance.glue_sync`` (or ``glue_sync``), re-register the tables in Glue.
Content never changes: OPTIMIZE only rewrites files, VACUUM only removes files no current version
references.
"""

from __future__ import annotations

import json
import logging
from fnmatch import fnmatch

from delta.tables import DeltaTable
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from publishing.catalog import publish
from runtime import runs
from runtime.config import LAYERS, Settings
from storage.delta_io import latest_version, operation_metrics_since, partition_filter, table_exists, table_names

log = logging.getLogger("upt.maintain")
DELTA_MIN_RETENTION_HOURS = 168


def zorder_columns(settings: Settings, name: str, columns: list[str]) -> list[str]:
    """Lookup columns for ``<layer>/<table>`` from conf (first matching glob), limited to existing ones."""
    for pattern, wanted in (settings.get("maintenance.zorder", {}) or {}).items():
        if fnmatch(name, pattern):
            return [c for c in wanted if c in columns]
    return []


def retention_hours(settings: Settings) -> tuple[float, bool]:
    """(hours to use, whether Delta's retention check must be lifted for them)."""
    hours = float(settings.get("maintenance.vacuum_retention_hours", DELTA_MIN_RETENTION_HOURS))
    short_ok = settings.flag("maintenance.allow_short_retention")
    if hours < DELTA_MIN_RETENTION_HOURS and not short_ok:
        log.warning(json.dumps({"event": "retention_raised", "configured": hours, "used": DELTA_MIN_RETENTION_HOURS}))
        return float(DELTA_MIN_RETENTION_HOURS), False
    return hours, hours < DELTA_MIN_RETENTION_HOURS


def file_count(spark: SparkSession, path: str) -> int:
    return int(DeltaTable.forPath(spark, path).detail().select("numFiles").first()["numFiles"])


def optimize(spark: SparkSession, settings: Settings, layer: str, table: str, domain: str) -> dict:
    path = settings.table_path(layer, table)
    delta = DeltaTable.forPath(spark, path)
    detail = delta.detail().select("numFiles", "partitionColumns").first()
    columns = spark.read.format("delta").load(path).columns
    builder = delta.optimize()
    if "domain" in (detail["partitionColumns"] or []):
        builder = builder.where(partition_filter("domain", domain))
    zorder = zorder_columns(settings, f"{layer}/{table}", columns)
    metrics = (builder.executeZOrderBy(*zorder) if zorder else builder.executeCompaction()).select("metrics").first()
    m = metrics["metrics"].asDict() if metrics else {}
    return {
        "files_before": int(detail["numFiles"]),
        "files_added": int(m.get("numFilesAdded") or 0),
        "files_removed": int(m.get("numFilesRemoved") or 0),
        "zorder": zorder,
    }


def vacuum(spark: SparkSession, path: str, hours: float, lift_check: bool) -> int:
    """VACUUM one table; returns the number of files deleted."""
    key = "spark.databricks.delta.retentionDurationCheck.enabled"
    before = latest_version(spark, path)
    if lift_check:
        spark.conf.set(key, "false")
    try:
        DeltaTable.forPath(spark, path).vacuum(hours)
    finally:
        if lift_check:
            spark.conf.unset(key)
    return int(operation_metrics_since(spark, path, before).get("numDeletedFiles", 0) or 0)


def purge_expired_errors(spark: SparkSession, settings: Settings, domain: str, now) -> int:
    """Delete the domain's ingestion errors past their ``expires_at`` (errorTTL); returns rows deleted."""
    path = settings.table_path("ops", "ingestion_errors")
    if not table_exists(spark, path):
        return 0
    before = latest_version(spark, path)
    DeltaTable.forPath(spark, path).delete((F.col("domain") == domain) & (F.col("expires_at") < F.lit(now)))
    return int(operation_metrics_since(spark, path, before).get("numDeletedRows", 0) or 0)


def maintain(
    spark: SparkSession, settings: Settings, domain: str, do_vacuum: bool = True, glue_sync: bool = False
) -> dict:
    """One housekeeping run of ``domain``, logged as a ``maintain`` job run; returns what it did."""
    hours, lift_check = retention_hours(settings)
    report: dict = {"tables": {}, "vacuum_retention_hours": hours if do_vacuum else None}
    with runs.tracked_run(settings, spark, "maintain", domain) as run:
        run.written["errors_purged"] = 0
        report["errors_purged"] = purge_expired_errors(spark, settings, domain, run.started_at)
        run.written["errors_purged"] = int(report["errors_purged"])
        for layer in LAYERS:
            for table in table_names(spark, settings, layer):
                path = settings.table_path(layer, table)
                if table.startswith("_") or not table_exists(spark, path):
                    continue
                done = optimize(spark, settings, layer, table, domain)
                if do_vacuum:
                    done["vacuumed_files"] = vacuum(spark, path, hours, lift_check)
                report["tables"][f"{layer}/{table}"] = done
                run.written[f"files_removed:{layer}/{table}"] = done["files_removed"]
                run.objects = sorted(report["tables"])
        if glue_sync or settings.flag("maintenance.glue_sync"):
            report["glue"] = publish(settings, domain, "glue", out=lambda _line: None)["tables"]
    return {"run_id": run.run_id, "domain": domain, **report}
