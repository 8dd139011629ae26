"""Look up unified profiles in ``gold/traveller``, as UPT's search does.

Exact match: names and emails compared case-insensitively (trimmed, lower case), phones on their
digits, ids as given. The matching rows are a lookup result, so collecting them (at most ``limit``)
is fine.
"""

from __future__ import annotations

import json
from datetime import datetime

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from runtime.config import Settings
from storage.delta_io import table_exists
from transforms.traveller_schema import RECORD_ARRAYS

SUMMARY_COLUMNS = (
    "connectId",
    "firstName",
    "lastName",
    "personalEmailAddress",
    "phoneNumber",
    "lastUpdated",
    "mergedIn",
)


def _norm_text(col: Column) -> Column:
    return F.lower(F.trim(col))


def _digits(col: Column) -> Column:
    return F.regexp_replace(col, r"[^0-9]", "")


def search_condition(
    last_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    traveller_id: str | None = None,
    profile_id: str | None = None,
) -> Column | None:
    """AND of the given criteria; None when no criterion was given."""
    conditions = []
    if last_name:
        conditions.append(_norm_text(F.col("lastName")) == last_name.strip().lower())
    if email:
        wanted = email.strip().lower()
        conditions.append(
            (_norm_text(F.col("personalEmailAddress")) == wanted)
            | (_norm_text(F.col("businessEmailAddress")) == wanted)
            | F.exists("emailHistoryRecords", lambda r: _norm_text(r["address"]) == wanted)
        )
    if phone:
        wanted = "".join(ch for ch in phone if ch.isdigit())
        phones = [F.col(c) for c in ("phoneNumber", "mobilePhoneNumber", "homePhoneNumber", "businessPhoneNumber")]
        conditions.append(
            F.greatest(*[F.coalesce(_digits(p) == wanted, F.lit(False)) for p in phones])
            | F.exists("phoneHistoryRecords", lambda r: _digits(r["number"]) == wanted)
        )
    if traveller_id:
        conditions.append(F.array_contains("travellerIds", traveller_id))
    if profile_id:
        conditions.append(F.col("connectId") == profile_id)
    if not conditions:
        return None
    result = conditions[0]
    for condition in conditions[1:]:
        result = result & condition
    return F.coalesce(result, F.lit(False))


def plain(value):
    """Rows to JSON-friendly values (Row -> dict, datetimes -> ISO strings)."""
    if hasattr(value, "asDict"):
        return {k: plain(v) for k, v in value.asDict().items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def format_table(rows: list[dict], columns: tuple[str, ...]) -> str:
    widths = {c: max([len(c)] + [len(str(r.get(c) or "")) for r in rows]) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines.append("  ".join("-" * widths[c] for c in columns))
    lines += ["  ".join(str(r.get(c) or "").ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def read_gold(spark: SparkSession, settings: Settings, domain: str) -> DataFrame | None:
    path = settings.table_path("gold", "traveller")
    if not table_exists(spark, path):
        return None
    return spark.read.format("delta").load(path).where(F.col("domain") == domain)


def find_profiles(gold: DataFrame, condition: Column, include_merged: bool, limit: int) -> list[dict]:
    """Summary rows of the profiles matching ``condition``, by connectId, at most ``limit``."""
    found = gold.where(condition)
    if not include_merged:
        found = found.where(F.col("mergedIn").isNull())
    rows = found.select(*SUMMARY_COLUMNS, "travellerIds").orderBy("connectId").limit(limit).collect()
    return [plain(r) for r in rows]


def profile_detail(spark: SparkSession, settings: Settings, domain: str, profile_id: str) -> tuple | None:
    """(profile fields, ACCP objects by record array, merge history) of one profile; None if absent."""
    gold = read_gold(spark, settings, domain)
    row = gold.where(F.col("connectId") == profile_id).first() if gold is not None else None
    if row is None:
        return None
    profile = plain(row)
    objects = {column: profile.pop(column) or [] for column in RECORD_ARRAYS}
    merges_path = settings.table_path("identity", "profile_merges")
    history = []
    if table_exists(spark, merges_path):
        merges = spark.read.format("delta").load(merges_path).where(F.col("domain") == domain)
        merges = merges.where((F.col("from_profile_id") == profile_id) | (F.col("to_profile_id") == profile_id))
        history = [plain(r) for r in merges.orderBy("merged_at").limit(1000).collect()]
    return profile, objects, history


def format_profile(profile_id: str, domain: str, profile: dict, objects: dict, history: list[dict]) -> str:
    """The text ``upt show`` prints: non-empty fields, each record array, then the merge history."""
    lines = []
    lines.append(f"profile {profile_id} (domain {domain})")
    for key, value in profile.items():
        if value not in (None, "", [], {}):
            lines.append(f"  {key:<28} {json.dumps(value) if isinstance(value, dict | list) else value}")
    for column, items in objects.items():
        if items:
            lines.append(f"{column} ({len(items)}):")
            for item in items:
                lines.append("  " + json.dumps({k: v for k, v in item.items() if v not in (None, "")}, sort_keys=True))
    lines.append(f"merge history ({len(history)}):")
    for merge in history:
        lines.append(
            f"  {merge['merged_at']}  {merge['from_profile_id']} -> {merge['to_profile_id']}  ({merge['reason']}, {merge['run_id']})"
        )
    return "\n".join(lines)
