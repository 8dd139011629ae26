"""Input frames for transform tests: inline JSON lines parsed the way the ingest job parses them."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from transforms.reasons import messages, stored_type
from transforms.records import FALLBACK_TS
from transforms.schemas import SCHEMAS

DOMAIN = "test_domain"
RUN_ID = "run-1"
SOURCE_FILE = "test.jsonl"
INGESTED_AT = "2024-01-01T00:00:00.000000Z"
FALLBACK = "2024-01-01T00:00:00.000000Z"


def bo_frame(spark: SparkSession, bo: str, lines: list[str]) -> DataFrame:
    """One row per JSON line: ``data`` (parsed with ``SCHEMAS[bo]``), literal lineage columns and ``fallback_ts``.

    ``line_number`` is the 1-based position of the line in ``lines``.
    """
    raw = spark.createDataFrame([(i + 1, line) for i, line in enumerate(lines)], "line_number long, raw string")
    return raw.select(
        F.from_json("raw", SCHEMAS[bo]).alias("data"),
        F.lit(DOMAIN).alias("domain"),
        F.lit(RUN_ID).alias("run_id"),
        F.lit(SOURCE_FILE).alias("source_file"),
        F.col("line_number"),
        F.lit(INGESTED_AT).alias("ingested_at"),
        F.lit("").alias("ingest_mode"),
        F.array().cast("array<string>").alias("partial_fields"),
        F.lit(FALLBACK).alias(FALLBACK_TS),
    )


def reasons_by_line(df: DataFrame, reasons: Column) -> DataFrame:
    """``line_number``, the messages of ``reasons`` and the error type their codes give (null: none).

    The reasons are one column first, as the ingest computes them (``_reasons``): deriving both
    outputs from the expression itself planned and ran every check twice (a clickstream test 20-30 s).
    """
    reasons_col = F.col("_reasons")
    return df.select("line_number", reasons.alias("_reasons")).select(
        "line_number", messages(reasons_col).alias("reasons"), stored_type(reasons_col).alias("error_type")
    )
