"""The ``matching/*`` Delta tables: scored pairs, clusters, the features snapshot and export state."""

from __future__ import annotations

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, StringType, StructField, StructType, TimestampType

from matching.splink_settings import UNIQUE_ID
from runtime.config import Settings
from storage.delta_io import ensure_table, equals, merge_condition, overwrite_where

PROFILE_MATCHES = StructType(
    [
        StructField("domain", StringType()),
        StructField("source_profile_id", StringType()),
        StructField("target_profile_id", StringType()),
        StructField("match_probability", DoubleType()),
        StructField("match_weight", DoubleType()),
        StructField("model_version", StringType()),
        StructField("run_id", StringType()),
        StructField("computed_at", TimestampType()),
    ]
)


PROFILE_CLUSTERS = StructType(
    [
        StructField("domain", StringType()),
        StructField("profile_id", StringType()),
        StructField("cluster_id", StringType()),
        StructField("threshold", DoubleType()),
        StructField("run_id", StringType()),
    ]
)


MATCH_EXPORTS = StructType(
    [
        StructField("domain", StringType()),
        StructField("table_name", StringType()),
        StructField("pk", StringType()),
        StructField("sk", StringType()),
        StructField("score", DoubleType()),
        StructField("exported_at", TimestampType()),
    ]
)


def table_path(settings: Settings, table: str) -> str:
    return settings.table_path("matching", table)


def read_table(spark: SparkSession, settings: Settings, table: str, domain: str) -> DataFrame:
    return spark.read.format("delta").load(table_path(settings, table)).where(F.col("domain") == domain)


def features_schema(spark: SparkSession, features: DataFrame) -> StructType:
    return StructType(features.schema.fields + [StructField("model_version", StringType())])


def replace_matches(
    spark: SparkSession, settings: Settings, domain: str, new_rows: DataFrame, affected: DataFrame | None
) -> int:
    """MERGE ``new_rows`` into profile_matches and delete the other rows touching ``affected`` profiles.

    ``affected`` None means every row of the domain is replaced. Returns rows inserted, updated or deleted.
    """
    existing = read_table(spark, settings, "profile_matches", domain).select("source_profile_id", "target_profile_id")
    if affected is None:
        touched = existing
    else:
        ids = affected.select(F.col(UNIQUE_ID).alias("_id")).distinct()
        touched = existing.join(ids, F.col("source_profile_id") == F.col("_id"), "left_semi").unionByName(
            existing.join(ids, F.col("target_profile_id") == F.col("_id"), "left_semi")
        )
    stale = touched.distinct().join(new_rows, ["source_profile_id", "target_profile_id"], "left_anti")
    source = (
        new_rows.withColumn("_delete", F.lit(False))
        .unionByName(stale.withColumn("_delete", F.lit(True)), allowMissingColumns=True)
        .localCheckpoint()
    )
    count = source.count()
    if count:
        condition = merge_condition(domain, ("source_profile_id", "target_profile_id"))
        values = {c: f"s.{c}" for c in PROFILE_MATCHES.fieldNames()}
        DeltaTable.forPath(spark, table_path(settings, "profile_matches")).alias("t").merge(
            source.alias("s"), condition
        ).whenMatchedDelete(condition="s._delete").whenMatchedUpdate(set=values).whenNotMatchedInsert(
            condition="NOT s._delete", values=values
        ).execute()
    return count


def write_clusters(spark: SparkSession, settings: Settings, domain: str, db_api, threshold: float, run_id: str) -> int:
    """Splink connected-components clusters of the domain's matches at ``threshold`` (whole domain)."""
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    nodes = read_table(spark, settings, "profile_features", domain).select(UNIQUE_ID)
    edges = read_table(spark, settings, "profile_matches", domain).select(
        F.col("source_profile_id").alias(f"{UNIQUE_ID}_l"),
        F.col("target_profile_id").alias(f"{UNIQUE_ID}_r"),
        "match_probability",
    )
    clusters = cluster_pairwise_predictions_at_threshold(
        nodes, edges, db_api, UNIQUE_ID, threshold_match_probability=threshold
    ).as_spark_dataframe()
    rows = clusters.select(
        F.lit(domain).alias("domain"),
        UNIQUE_ID,
        F.col("cluster_id").cast("string").alias("cluster_id"),
        F.lit(threshold).alias("threshold"),
        F.lit(run_id).alias("run_id"),
    ).localCheckpoint()
    overwrite_where(rows, table_path(settings, "profile_clusters"), equals("domain", domain))
    return rows.count()


def ensure_matching_tables(spark: SparkSession, settings: Settings, features: DataFrame | None = None) -> None:
    ensure_table(spark, table_path(settings, "profile_matches"), PROFILE_MATCHES)
    ensure_table(spark, table_path(settings, "profile_clusters"), PROFILE_CLUSTERS)
    if features is not None:
        ensure_table(spark, table_path(settings, "profile_features"), features_schema(spark, features))
