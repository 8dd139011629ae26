"""Every Delta table of a warehouse, and file-system helpers, through Hadoop (local, hdfs://, s3://)."""

from __future__ import annotations

from pyspark.sql import SparkSession

from runtime.config import LAYERS, Settings
from storage.delta_io import table_exists


def _fs(spark: SparkSession, path: str):
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    return hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), hadoop_path


def list_dirs(spark: SparkSession, path: str) -> list[str]:
    fs, root = _fs(spark, path)
    if not fs.exists(root):
        return []
    return sorted(s.getPath().getName() for s in fs.listStatus(root) if s.isDirectory())


def remove(spark: SparkSession, path: str) -> bool:
    """Delete a folder recursively; True if it existed."""
    fs, target = _fs(spark, path)
    return bool(fs.exists(target) and fs.delete(target, True))


def delta_tables(spark: SparkSession, settings: Settings) -> dict[str, str]:
    """``layer/table`` -> path of every Delta table under the warehouse (found by listing, so a table
    added by a later feature is covered without being named here)."""
    found = {}
    for layer in LAYERS:
        root = f"{settings.warehouse.rstrip('/')}/{layer}"
        for name in list_dirs(spark, root):
            path = f"{root}/{name}"
            if table_exists(spark, path):
                found[f"{layer}/{name}"] = path
    return found


def domain_folders(settings: Settings, domain: str) -> list[str]:
    """Folders that hold a domain's state outside the tables: streaming checkpoints, batch staging,
    the Splink model and a crashed resolve's plan. The landing zone is the source's, not ours, and is left alone."""
    warehouse = settings.warehouse.rstrip("/")
    return [
        f"{settings.checkpoint_root}/ingest/{domain}",
        f"{settings.staging_root}/ingest/{domain}",
        f"{settings.table_path('matching', 'models')}/{domain}",
        f"{warehouse}/_journal/resolve/{domain}",
    ]
