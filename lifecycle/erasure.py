"""Erasure of one person (a data-subject request): ``upt forget``.

Who is erased: the person behind a traveller id, a profile id or an email. Identity resolution
joined every traveller id of that person into one profile, so the request covers the whole
profile: every traveller id mapped to it and every profile it absorbed. (If resolution wrongly
merged two people, both are erased: review ``upt show --profile`` first when in doubt.)

What is deleted, in every Delta table of the warehouse that has a ``domain`` column (found by
listing, so a new table is covered): rows whose traveller id columns hold one of the traveller ids,
rows whose profile id columns hold one of the profile ids, ingestion error rows whose raw line holds
a traveller id or the email, and validation samples that quote one. ``matching/match_exports`` keeps
its ids (no personal values) so the next ``upt match export`` deletes the person's DynamoDB items.

Order: the identity mapping (``identity/traveller_profiles``) goes last, so a crash part-way can be
completed by rerunning the same request (the profile is still found). The request is recorded in
``ops/erasures`` with who, when, what kind of selector and row counts per table: never the ids,
the email or a name. ``vacuum`` then removes the unreferenced files that still hold the rows (after
``maintenance.vacuum_retention_hours``; until then Delta time travel can read them).
"""

from __future__ import annotations

import uuid
from functools import reduce

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, LongType, MapType, StringType, StructField, StructType, TimestampType

from lifecycle import warehouse
from lifecycle.domains import delete_rows, purge_deletion_vectors, user, vacuum_tables
from runtime import runs
from runtime.config import Settings
from runtime.inputs import check_domain
from storage.delta_io import ensure_table, equals

ERASURES = StructType(
    [
        StructField("domain", StringType()),
        StructField("erasure_id", StringType()),
        StructField("requested_by", StringType()),
        StructField("requested_at", TimestampType()),
        StructField("ended_at", TimestampType()),
        StructField("selector", StringType()),
        StructField("travellers", LongType()),
        StructField("profiles", LongType()),
        StructField("deleted_rows", MapType(StringType(), LongType())),
        StructField("vacuumed_files", LongType()),
        StructField("status", StringType()),
    ]
)

# Columns that hold one traveller id, an array of them, one profile id or an array of them.
TRAVELLER_COLUMNS = ("traveller_id", "source_traveller_id", "target_traveller_id")
TRAVELLER_ARRAYS = ("traveller_ids", "travellerIds")
PROFILE_COLUMNS = (
    "profile_id",
    "from_profile_id",
    "to_profile_id",
    "merged_into",
    "connectId",
    "mergedIn",
    "source_profile_id",
    "target_profile_id",
)
# Kept: ids only, needed to delete the person's items from DynamoDB at the next export.
KEEP = {"matching/match_exports", "ops/erasures", "ops/domains", "ops/job_runs"}
LAST = "identity/traveller_profiles"


def _any(terms: list[Column]) -> Column | None:
    return reduce(lambda a, b: a | b, terms) if terms else None


def _email_columns(schema: StructType) -> list[str]:
    return [f.name for f in schema.fields if "email" in f.name.lower() and isinstance(f.dataType, StringType)]


def subject(
    spark: SparkSession,
    tables: dict[str, str],
    domain: str,
    traveller_ids: list[str] | None = None,
    profile_id: str | None = None,
    email: str | None = None,
) -> tuple[set[str], set[str]]:
    """The traveller ids and profile ids of the person, expanded through the identity tables."""
    travellers = set(traveller_ids or [])
    profiles = {profile_id} if profile_id else set()
    if email:
        wanted = email.strip().lower()
        for name, path in tables.items():
            if not name.startswith("accp/"):
                continue
            df = spark.read.format("delta").load(path).where(equals("domain", domain))
            hit = _any([F.lower(F.trim(F.col(c))) == F.lit(wanted) for c in _email_columns(df.schema)])
            if hit is not None and "traveller_id" in df.columns:
                travellers |= {r[0] for r in df.where(hit).select("traveller_id").distinct().collect()}
    mapping_path = tables.get(LAST)
    if mapping_path:
        mapping = spark.read.format("delta").load(mapping_path).where(equals("domain", domain))
        if travellers:
            profiles |= {
                r[0]
                for r in mapping.where(F.col("traveller_id").isin(sorted(travellers))).select("profile_id").collect()
            }
        merges_path = tables.get("identity/profile_merges")
        if profiles and merges_path:
            # Profiles the person's profile absorbed (their ids still name the person in history).
            merges = spark.read.format("delta").load(merges_path).where(equals("domain", domain))
            frontier = set(profiles)
            while frontier:
                found = {
                    r[0]
                    for r in merges.where(F.col("to_profile_id").isin(sorted(frontier)))
                    .select("from_profile_id")
                    .collect()
                }
                frontier = found - profiles
                profiles |= frontier
        if profiles:
            travellers |= {
                r[0] for r in mapping.where(F.col("profile_id").isin(sorted(profiles))).select("traveller_id").collect()
            }
    return travellers, profiles


def row_condition(columns: list[str], travellers: set[str], profiles: set[str], email: str | None) -> Column | None:
    """Rows of one table that belong to the person (None when the table holds none of the keys)."""
    t, p = sorted(travellers), sorted(profiles)
    terms = []
    if t:
        terms += [F.col(c).isin(t) for c in TRAVELLER_COLUMNS if c in columns]
        terms += [F.arrays_overlap(F.col(c), F.array(*[F.lit(x) for x in t])) for c in TRAVELLER_ARRAYS if c in columns]
    if p:
        terms += [F.col(c).isin(p) for c in PROFILE_COLUMNS if c in columns]
    if "raw_line" in columns:
        # An error row's raw line: the traveller id as a JSON string, or the email anywhere.
        needles = [f'"{x}"' for x in t] + ([email.strip().lower()] if email else [])
        terms += [F.lower(F.col("raw_line")).contains(F.lit(n.lower())) for n in needles]
    return _any(terms)


def _sample_condition(travellers: set[str], profiles: set[str], email: str | None) -> Column | None:
    needles = sorted(travellers | profiles) + ([email.strip().lower()] if email else [])
    if not needles:
        return None
    return F.exists("sample", lambda s: _any([F.lower(s).contains(F.lit(n.lower())) for n in needles]))


def record(spark: SparkSession, settings: Settings, row: dict) -> None:
    path = settings.table_path("ops", "erasures")
    ensure_table(spark, path, ERASURES)
    values = {f.name: row.get(f.name) for f in ERASURES.fields}
    spark.createDataFrame([values], ERASURES).write.format("delta").mode("append").save(path)


def forget(
    spark: SparkSession,
    settings: Settings,
    domain: str,
    traveller_ids: list[str] | None = None,
    profile_id: str | None = None,
    email: str | None = None,
    do_vacuum: bool = False,
) -> dict:
    """Erase the person from every table of ``domain``; returns the ``ops/erasures`` row."""
    check_domain(domain)
    if sum(bool(x) for x in (traveller_ids, profile_id, email)) != 1:
        raise ValueError("give exactly one of traveller ids, profile id or email")
    selector = "traveller_id" if traveller_ids else "profile_id" if profile_id else "email"
    started = runs.utc_now()
    tables = warehouse.delta_tables(spark, settings)
    travellers, profiles = subject(spark, tables, domain, traveller_ids, profile_id, email)
    deleted: dict[str, int] = {}
    status = "failed"
    vacuumed = None
    try:
        for name in sorted(tables, key=lambda n: n == LAST):
            if name in KEEP:
                continue
            path = tables[name]
            columns = spark.read.format("delta").load(path).columns
            if "domain" not in columns:
                continue
            condition = row_condition(columns, travellers, profiles, email)
            n = delete_rows(spark, path, equals("domain", domain) & condition) if condition is not None else 0
            if "sample" in columns and (cond := _sample_condition(travellers, profiles, email)) is not None:
                from delta.tables import DeltaTable

                DeltaTable.forPath(spark, path).update(
                    equals("domain", domain) & cond, {"sample": F.lit(None).cast(ArrayType(StringType()))}
                )
            if n:
                purge_deletion_vectors(spark, path)
                deleted[name] = n
        if do_vacuum:
            vacuumed = vacuum_tables(spark, settings, [tables[n] for n in deleted])
        status = "succeeded"
    finally:
        row = {
            "domain": domain,
            "erasure_id": f"erasure-{started.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}",
            "requested_by": user(),
            "requested_at": started,
            "ended_at": runs.utc_now(),
            "selector": selector,
            "travellers": len(travellers),
            "profiles": len(profiles),
            "deleted_rows": deleted,
            "vacuumed_files": vacuumed,
            "status": status,
        }
        record(spark, settings, row)
    return row
