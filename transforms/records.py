"""What every ACCP record carries besides its own fields, and how a transform finishes a record."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from transforms.values import last_updated_partition, nz, parse_timestamp

# Columns the ingest job puts on every parsed line; transforms carry them through to every record.
LINEAGE_COLUMNS = (
    "domain",
    "run_id",
    "source_file",
    "line_number",
    "ingested_at",
    "ingest_mode",
    "partial_fields",
)
# Set by the ingest job: the envelope timestamp, else the run's own time (deterministic per run).
FALLBACK_TS = "fallback_ts"
# Optional input column: the line's business object as JSON text (``to_json(data)``), where an id
# is generated from the whole object (each module's ``object_json_needed``); null elsewhere.
OBJECT_JSON = "object_json"
# Columns the ingest job adds to every record after the transform (Delta bookkeeping).
RECORD_META_COLUMNS = (
    "object_type",
    "model_version",
    "last_updated",
    "last_updated_ts",
    "last_updated_partition",
    "tx_id",
)


def object_json(df: DataFrame) -> Column:
    """The whole business object as JSON: the ``OBJECT_JSON`` column when given, else ``to_json(data)``.

    Spark cannot prune the nested fields of a struct under ``to_json``, so computed in a table's
    query it made that query read every field of ``data`` (the email_history query of pax_profile
    read its whole schema instead of the emails). The ingest stages it once with the checks.
    """
    return F.col(OBJECT_JSON) if OBJECT_JSON in df.columns else F.to_json(F.col("data"))


def object_json_where(needed: Column) -> Column:
    """The ``OBJECT_JSON`` column a caller stages: ``to_json(data)`` where ``needed``, else null."""
    return F.when(needed, F.to_json(F.col("data"))).alias(OBJECT_JSON)


def with_record_meta(df: DataFrame, object_type: str, model_version: Column, last_updated: Column) -> DataFrame:
    """Add object_type, model_version, last_updated (+ typed and partition forms) and tx_id.

    A missing or empty ``last_updated`` falls back to ``fallback_ts`` (envelope time or run time)
    rather than the wall clock, so a rerun writes the same value.
    """
    chosen = F.when(nz(last_updated) != "", last_updated).otherwise(F.col(FALLBACK_TS))
    # One withColumns call: each withColumn re-analyses the plan, which is costly for wide records.
    return df.withColumns(
        {
            "object_type": F.lit(object_type),
            "model_version": nz(model_version),
            "last_updated": chosen,
            "last_updated_ts": parse_timestamp(chosen),
            "last_updated_partition": last_updated_partition(chosen),
            "tx_id": F.col("run_id"),
        }
    )


def select_record(df: DataFrame, fields: list[str]) -> DataFrame:
    """The schema contract of a record table: lineage, meta, then the object's own fields in order."""
    own = [f for f in fields if f not in RECORD_META_COLUMNS and f not in LINEAGE_COLUMNS]
    return df.select(*LINEAGE_COLUMNS, *RECORD_META_COLUMNS, *own)
