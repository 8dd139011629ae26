"""Per-batch scratch space: parsed business objects written once as Parquet, read by every table.

An object feeds up to six ACCP tables. Re-parsing its JSON for each of them repeats the costliest
step of the ingest; Spark's in-memory cache of a wide nested struct costs more than the parse; a
Parquet file written once (as the baseline writes its Delta files) is read back with only the
columns each table needs (nested schema pruning).

The folder is per domain, set of objects, micro-batch and run: two ingests of one domain started
together both run batch 0 until one of them loses the race to commit it, and with a shared folder
the loser's overwrite and clean-up emptied the winner's staged objects under it (measured: the
winner committed 1 of 10 pax profiles and the batch as done). It is removed when the batch ends; a
killed run's folder is never read again and goes with `upt domain delete`.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession

from runtime.config import Settings


class BatchStaging:
    """Parquet folders of one micro-batch under ``ingest.staging`` (default ``<warehouse>/_staging``)."""

    def __init__(
        self, spark: SparkSession, settings: Settings, domain: str, objects_key: str, batch_id: int, run_id: str
    ) -> None:
        self.spark = spark
        self.root = f"{settings.staging_root}/ingest/{domain}/{objects_key}/batch={batch_id}/{run_id}"

    def write(self, df: DataFrame, name: str) -> DataFrame:
        """Write ``df`` to ``<root>/<name>`` and return a reader of it."""
        path = f"{self.root}/{name}"
        # Written once and read a few times in the same batch: dictionary encoding (hashing every
        # string on write, decoding it on each read) costs more than it saves here.
        df.write.mode("overwrite").option("parquet.enable.dictionary", "false").parquet(path)
        return self.spark.read.parquet(path)

    def remove(self) -> None:
        delete_path(self.spark, self.root)


def delete_path(spark: SparkSession, path: str) -> None:
    """Delete a folder through the Hadoop FS API (local paths, HDFS and S3 alike)."""
    jvm = spark.sparkContext._jvm
    target = jvm.org.apache.hadoop.fs.Path(path)
    fs = target.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if fs.exists(target):
        fs.delete(target, True)
