"""Splink's Spark backend for one run, with its lineage-breaking files under the warehouse."""

from __future__ import annotations

import shutil

from pyspark.sql import SparkSession

from runtime.config import Settings, is_remote


def splink_api(spark: SparkSession, settings: Settings, run_id: str):
    """SparkAPI whose lineage-breaking parquet files go under the warehouse (one folder per run)."""
    from splink import SparkAPI

    checkpoints = f"{settings.warehouse.rstrip('/')}/_checkpoints/splink/{run_id}"
    spark.sparkContext.setCheckpointDir(checkpoints)
    return SparkAPI(spark_session=spark, break_lineage_method="parquet"), checkpoints


def cleanup_checkpoints(path: str) -> None:
    """Remove a run's local checkpoint folder (remote ones are left to the bucket's lifecycle rules)."""
    if not is_remote(path):
        shutil.rmtree(path, ignore_errors=True)
