"""Names and schemas of the project's own (non-ACCP) tables."""

from __future__ import annotations

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DoubleType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)


def _schema(*fields: tuple[str, object]) -> StructType:
    return StructType([StructField(name, data_type, True) for name, data_type in fields])


INGESTION_ERRORS = _schema(
    ("domain", StringType()),
    ("business_object", StringType()),
    ("error_type", StringType()),
    ("message", StringType()),
    ("raw_line", StringType()),
    ("source_file", StringType()),
    ("line_number", LongType()),
    ("run_id", StringType()),
    ("error_at", TimestampType()),
    ("expires_at", TimestampType()),
    ("resolved", StringType()),
)
ERROR_KEY = ("domain", "source_file", "line_number")

MERGE_REQUESTS = _schema(
    ("domain", StringType()),
    ("source_traveller_id", StringType()),
    ("target_traveller_id", StringType()),
    ("requested_at", StringType()),
    ("uid", StringType()),
    ("source_file", StringType()),
    ("line_number", LongType()),
    ("run_id", StringType()),
)
MERGE_REQUEST_KEY = ("domain", "source_file", "line_number", "source_traveller_id")

ENVELOPE_UIDS = _schema(
    ("domain", StringType()),
    ("uid", StringType()),
    ("source_file", StringType()),
    ("line_number", LongType()),
    ("run_id", StringType()),
)
ENVELOPE_UID_KEY = ("domain", "uid")

JOB_RUNS = _schema(
    ("job", StringType()),
    ("domain", StringType()),
    ("run_id", StringType()),
    ("started_at", TimestampType()),
    ("ended_at", TimestampType()),
    ("status", StringType()),
    ("lines_read", LongType()),
    ("lines_accepted", LongType()),
    ("lines_rejected", LongType()),
    ("duplicates", LongType()),
    ("files_read", LongType()),
    ("rejected_by_type", MapType(StringType(), LongType())),
    ("written", MapType(StringType(), LongType())),
    ("objects", ArrayType(StringType())),
    ("duration_s", DoubleType()),
    ("error_message", StringType()),
    ("stage_time_s", DoubleType()),
)

# One row per expectation checked by a validation run (`upt validate`, or the hook after ingest/resolve).
VALIDATION_RESULTS = _schema(
    ("domain", StringType()),
    ("run_id", StringType()),
    ("job", StringType()),
    ("validation_run_id", StringType()),
    ("table", StringType()),
    ("expectation", StringType()),
    ("rule", StringType()),
    ("severity", StringType()),
    ("column", StringType()),
    ("success", BooleanType()),
    ("element_count", LongType()),
    ("unexpected_count", LongType()),
    ("unexpected_percent", DoubleType()),
    ("sample", ArrayType(StringType())),
    ("message", StringType()),
    ("validated_at", TimestampType()),
)
VALIDATION_KEY = ("domain", "run_id", "table", "expectation")
