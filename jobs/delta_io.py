"""Delta table I/O: create from a schema, converge records with MERGE, insert-only appends.

Every write here can be replayed: MERGE on business keys decides by content and timestamps, so a
micro-batch that runs twice (crash before the checkpoint commit) leaves the same table.
"""

from __future__ import annotations

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

RECORD_KEY = ("domain", "accp_object_id", "traveller_id")


def table_exists(spark: SparkSession, path: str) -> bool:
    return DeltaTable.isDeltaTable(spark, path)


def ensure_table(
    spark: SparkSession, path: str, schema: StructType, partition_by: tuple[str, ...] = ("domain",)
) -> None:
    """Create an empty Delta table at ``path`` unless one exists; add columns the schema gained."""
    if not table_exists(spark, path):
        spark.createDataFrame([], schema).write.format("delta").partitionBy(*partition_by).mode("ignore").save(path)
        return
    existing = {f.name for f in spark.read.format("delta").load(path).schema.fields}
    missing = [f for f in schema.fields if f.name not in existing]
    if missing:
        spark.createDataFrame(
            [], StructType(missing + [f for f in schema.fields if f.name in partition_by])
        ).write.format("delta").mode("append").option("mergeSchema", "true").save(path)


def align(df: DataFrame, schema: StructType, keep: tuple[str, ...] = ()) -> DataFrame:
    """Columns of ``schema`` in its order (then ``keep``); columns ``df`` lacks become typed nulls."""
    present = set(df.columns)
    return df.select(
        *[(F.col(f.name) if f.name in present else F.lit(None)).cast(f.dataType).alias(f.name) for f in schema.fields],
        *keep,
    )


def latest_per_key(df: DataFrame, key: tuple[str, ...], order: list) -> DataFrame:
    """One row per key: the first by ``order`` (MERGE needs at most one source row per target row)."""
    window = Window.partitionBy(*key).orderBy(*order)
    return df.withColumn("_rank", F.row_number().over(window)).where("_rank = 1").drop("_rank")


def merge_records(
    spark: SparkSession,
    source: DataFrame,
    path: str,
    domain: str,
    object_type: str,
    stored_columns: list[str],
) -> dict:
    """Upsert ACCP records: newer ``last_updated`` wins; ties go to the later source line.

    ``source`` also carries ``ingest_mode`` and ``partial_fields``: a ``partial`` row overwrites only
    the listed ``<object_type>.<field>`` columns (or all with ``<object_type>.*``) of an existing row.
    Equal timestamps with equal content change nothing, so replays leave the table as it is.
    """
    order = [F.col("last_updated_ts").desc(), F.col("source_file").desc(), F.col("line_number").desc()]
    source = latest_per_key(source, RECORD_KEY, order)
    key_match = " AND ".join([f"t.domain = '{domain}'"] + [f"t.{k} <=> s.{k}" for k in RECORD_KEY])
    newer = (
        "s.last_updated_ts > t.last_updated_ts OR (s.last_updated_ts = t.last_updated_ts "
        "AND s.record_hash <> t.record_hash AND (s.source_file > t.source_file "
        "OR (s.source_file = t.source_file AND s.line_number > t.line_number)))"
    )
    fixed = set(RECORD_KEY) | {"object_type"}
    all_set = {c: F.col(f"s.`{c}`") for c in stored_columns}
    partial_set = {
        c: (
            F.col(f"s.`{c}`")
            if c in ("run_id", "tx_id", "source_file", "line_number", "ingested_at")
            else F.when(
                F.array_contains(F.col("s.partial_fields"), f"{object_type}.*")
                | F.array_contains(F.col("s.partial_fields"), f"{object_type}.{c}"),
                F.col(f"s.`{c}`"),
            ).otherwise(F.col(f"t.`{c}`"))
        )
        for c in stored_columns
        if c not in fixed
    }
    (
        DeltaTable.forPath(spark, path)
        .alias("t")
        .merge(source.alias("s"), key_match)
        .whenMatchedUpdate(condition="s.ingest_mode = 'partial'", set=partial_set)
        .whenMatchedUpdate(condition=f"s.ingest_mode <> 'partial' AND ({newer})", set=all_set)
        .whenNotMatchedInsert(values=all_set)
        .execute()
    )
    return last_operation_metrics(spark, path)


def insert_new(spark: SparkSession, source: DataFrame, path: str, key: tuple[str, ...], domain: str) -> dict:
    """Insert rows whose key is not in the table yet (error rows, merge requests, envelope uids)."""
    condition = " AND ".join([f"t.domain = '{domain}'"] + [f"t.{k} <=> s.{k}" for k in key])
    source = source.dropDuplicates(list(key))
    DeltaTable.forPath(spark, path).alias("t").merge(source.alias("s"), condition).whenNotMatchedInsertAll().execute()
    return last_operation_metrics(spark, path)


def last_operation_metrics(spark: SparkSession, path: str) -> dict:
    row = DeltaTable.forPath(spark, path).history(1).select("operationMetrics").first()
    return dict(row["operationMetrics"] or {}) if row else {}
