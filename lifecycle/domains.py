"""Domains (UPT's domains screen): ``ops/domains`` records each one and its settings.

create records a domain (idempotent); list shows each domain's objects, profiles and last runs;
delete removes every row of the domain from every Delta table, then its checkpoints, staging and
model folders, and (with vacuum) the files that held them. Ingest refuses an unknown domain unless
``ingest.auto_create_domains`` is on.
"""

from __future__ import annotations

import getpass
from datetime import datetime

from delta.tables import DeltaTable
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, MapType, StringType, StructField, StructType, TimestampType

from lifecycle import warehouse
from lifecycle.concurrency import is_concurrent_conflict
from runtime import runs
from runtime.config import Settings
from runtime.inputs import InputError, check_domain
from storage.delta_io import ensure_table, equals, insert_new, latest_version, operation_metrics_since, table_exists

DOMAINS = StructType(
    [
        StructField("domain", StringType()),
        StructField("created_at", TimestampType()),
        StructField("created_by", StringType()),
        StructField("error_ttl_days", LongType()),
        StructField("settings", MapType(StringType(), StringType())),
    ]
)


class UnknownDomainError(InputError):
    """Ingest into a domain nobody created, with ``ingest.auto_create_domains`` off."""


def domains_path(settings: Settings) -> str:
    return settings.table_path("ops", "domains")


def user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"


def known_domains(spark: SparkSession, settings: Settings) -> list[dict]:
    path = domains_path(settings)
    if not table_exists(spark, path):
        return []
    return [r.asDict() for r in spark.read.format("delta").load(path).orderBy("domain").collect()]


def exists(spark: SparkSession, settings: Settings, domain: str) -> bool:
    path = domains_path(settings)
    return table_exists(spark, path) and bool(
        spark.read.format("delta").load(path).where(equals("domain", domain)).limit(1).count()
    )


def create(
    spark: SparkSession, settings: Settings, domain: str, error_ttl_days: int | None = None, now: datetime | None = None
) -> bool:
    """Record ``domain`` in ``ops/domains``; False when it already was (nothing changes)."""
    check_domain(domain)
    path = domains_path(settings)
    ensure_table(spark, path, DOMAINS)
    ttl = int(error_ttl_days if error_ttl_days is not None else settings.get("ingest.error_ttl_days", 7))
    row = {
        "domain": domain,
        "created_at": now or runs.utc_now(),
        "created_by": user(),
        "error_ttl_days": ttl,
        "settings": {},
    }
    metrics = insert_new(spark, spark.createDataFrame([row], DOMAINS), path, ("domain",), domain)
    return int(metrics.get("numTargetRowsInserted", 0) or 0) > 0


def require(spark: SparkSession, settings: Settings, domain: str) -> None:
    """Before an ingest: the domain must exist, or be created when ``ingest.auto_create_domains``.

    A domain that was ingested before domains were recorded (it has a checkpoint) counts as known.
    """
    if exists(spark, settings, domain):
        return
    checkpoints = warehouse.domain_folders(settings, domain)[0]
    if settings.flag("ingest.auto_create_domains") or warehouse.list_dirs(spark, checkpoints):
        try:
            create(spark, settings, domain)
        except Exception as exc:
            # Two first runs of one domain register it at once: the loser's insert conflicts with
            # the winner's row, which is the row it wanted. Anything else is a real failure.
            if not (is_concurrent_conflict(exc) and exists(spark, settings, domain)):
                raise
        return
    raise UnknownDomainError(
        f"unknown domain {domain!r}: create it first with `upt domain create {domain}` "
        "(or set ingest.auto_create_domains: true)"
    )


def summary(spark: SparkSession, settings: Settings) -> list[dict]:
    """Each recorded domain with its ACCP row counts, active profiles and newest run per job."""
    found = warehouse.delta_tables(spark, settings)
    out = []
    for row in known_domains(spark, settings):
        domain = row["domain"]
        objects = {}
        for name, path in found.items():
            if name.startswith("accp/"):
                n = spark.read.format("delta").load(path).where(equals("domain", domain)).count()
                if n:
                    objects[name.split("/", 1)[1]] = n
        profiles = 0
        if "identity/profiles" in found:
            profiles = (
                spark.read.format("delta")
                .load(found["identity/profiles"])
                .where(equals("domain", domain) & (F.col("status") == "active"))
                .count()
            )
        last_runs = {}
        if "ops/job_runs" in found:
            for r in (
                spark.read.format("delta")
                .load(found["ops/job_runs"])
                .where(equals("domain", domain))
                .groupBy("job")
                .agg(F.max_by(F.struct("ended_at", "status"), "ended_at").alias("last"))
                .collect()
            ):
                last_runs[r["job"]] = {"ended_at": r["last"]["ended_at"], "status": r["last"]["status"]}
        out.append(
            {
                "domain": domain,
                "created_at": row["created_at"],
                "error_ttl_days": row["error_ttl_days"],
                "objects": objects,
                "profiles": profiles,
                "last_runs": last_runs,
            }
        )
    return out


def delete_rows(spark: SparkSession, path: str, condition) -> int:
    """DELETE matching rows; the number deleted (0 without a commit)."""
    before = latest_version(spark, path)
    DeltaTable.forPath(spark, path).delete(condition)
    return int(operation_metrics_since(spark, path, before).get("numDeletedRows", 0) or 0)


def purge_deletion_vectors(spark: SparkSession, path: str) -> None:
    """With deletion vectors a DELETE only marks rows: rewrite the files so no current file holds them."""
    properties = DeltaTable.forPath(spark, path).detail().select("properties").first()["properties"] or {}
    # Delta writes its table properties itself, as "true"/"false" (read the same way as publishing.catalog).
    if properties.get("delta.enableDeletionVectors", "false") == "true":
        from storage.delta_io import path_identifier

        spark.sql(f"REORG TABLE {path_identifier(path)} APPLY (PURGE)")


def vacuum_tables(spark: SparkSession, settings: Settings, paths: list[str]) -> int:
    from lifecycle.maintenance import retention_hours, vacuum

    hours, lift_check = retention_hours(settings)
    return sum(vacuum(spark, path, hours, lift_check) for path in paths)


def delete(spark: SparkSession, settings: Settings, domain: str, do_vacuum: bool = False) -> dict:
    """Remove every row of ``domain`` from every Delta table, then its folders; rerunnable.

    ``ops/domains`` goes last, so a crash part-way leaves the domain listed and a rerun finishes.
    """
    check_domain(domain)
    found = warehouse.delta_tables(spark, settings)
    order = sorted(found, key=lambda name: name == "ops/domains")
    deleted: dict[str, int] = {}
    for name in order:
        path = found[name]
        if "domain" not in spark.read.format("delta").load(path).columns:
            continue
        n = delete_rows(spark, path, equals("domain", domain))
        if n:
            purge_deletion_vectors(spark, path)
            deleted[name] = n
    folders = [folder for folder in warehouse.domain_folders(settings, domain) if warehouse.remove(spark, folder)]
    vacuumed = vacuum_tables(spark, settings, [found[n] for n in deleted]) if do_vacuum else None
    return {"domain": domain, "deleted_rows": deleted, "removed_folders": folders, "vacuumed_files": vacuumed}
