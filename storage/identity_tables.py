"""Schemas, paths and readers of the identity tables written by resolve, merge and unmerge."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, BooleanType, StringType, StructField, StructType, TimestampType

from runtime.config import Settings
from storage.delta_io import ensure_table, table_exists
from transforms.registry import ACCP_OBJECT_TYPES


def _schema(*fields: tuple[str, object]) -> StructType:
    return StructType([StructField(name, data_type, True) for name, data_type in fields])


# traveller id -> profile id (UPT's connect id); `rule` is how the traveller joined its profile.
TRAVELLER_PROFILES = _schema(
    ("domain", StringType()),
    ("traveller_id", StringType()),
    ("profile_id", StringType()),
    ("rule", StringType()),
    ("updated_at", TimestampType()),
    ("run_id", StringType()),
)
# Every profile id ever issued, with its creation time (the survivor rule needs it) and status.
PROFILES = _schema(
    ("domain", StringType()),
    ("profile_id", StringType()),
    ("created_at", TimestampType()),
    ("status", StringType()),
    ("merged_into", StringType()),
    ("updated_at", TimestampType()),
    ("run_id", StringType()),
)
# Absorbed profiles (reason: rule name, manual, auto-match) and unmerges (reason unmerge).
PROFILE_MERGES = _schema(
    ("domain", StringType()),
    ("from_profile_id", StringType()),
    ("to_profile_id", StringType()),
    ("reason", StringType()),
    ("run_id", StringType()),
    ("merged_at", TimestampType()),
    ("traveller_ids", ArrayType(StringType())),
    ("undone_at", TimestampType()),
)
# Manual links (upt merge, envelope mode=merge): edges every resolve run adds to the graph.
MANUAL_LINKS = _schema(
    ("domain", StringType()),
    ("link_id", StringType()),
    ("source_traveller_id", StringType()),
    ("target_traveller_id", StringType()),
    ("from_profile_id", StringType()),
    ("to_profile_id", StringType()),
    ("origin", StringType()),
    ("created_at", TimestampType()),
    ("active", BooleanType()),
)
# Written by unmerge: travellers in different split groups are never linked again by rules.
PROFILE_SPLITS = _schema(
    ("domain", StringType()),
    ("traveller_id", StringType()),
    ("split_group", StringType()),
    ("created_at", TimestampType()),
    ("run_id", StringType()),
)

TABLES = {
    "traveller_profiles": TRAVELLER_PROFILES,
    "profiles": PROFILES,
    "profile_merges": PROFILE_MERGES,
    "manual_links": MANUAL_LINKS,
    "profile_splits": PROFILE_SPLITS,
}


def path(settings: Settings, table: str) -> str:
    return settings.table_path("identity", table)


def ensure_identity_tables(spark: SparkSession, settings: Settings) -> None:
    for name, schema in TABLES.items():
        ensure_table(spark, path(settings, name), schema)


def read_identity(spark: SparkSession, settings: Settings, table: str, domain: str) -> DataFrame:
    return spark.read.format("delta").load(path(settings, table)).where(F.col("domain") == domain)


def accp_tables(spark: SparkSession, settings: Settings, domain: str) -> dict[str, DataFrame]:
    """The domain's rows of every ACCP table that exists."""
    tables = {}
    for object_type in ACCP_OBJECT_TYPES:
        table_path = settings.table_path("accp", object_type)
        if table_exists(spark, table_path):
            tables[object_type] = spark.read.format("delta").load(table_path).where(F.col("domain") == domain)
    return tables
