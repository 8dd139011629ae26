"""A write-ahead plan for jobs that commit several Delta tables one after another.

A job computes every table's changes first and writes them here (Parquet, then a ``_PLAN_COMPLETE``
marker); then it applies them table by table (each apply idempotent) and clears the plan. A crash
before the marker leaves nothing committed (the partial plan is discarded); a crash after it
leaves a complete plan that the next run applies before doing its own work, so a rerun ends with
the same tables as one clean run. ``crash_point`` is the fault-injection hook the tests use.
"""

from __future__ import annotations

import logging
import os

from pyspark.sql import DataFrame, SparkSession

from lifecycle import warehouse
from runtime.config import Settings

log = logging.getLogger(__name__)
MARKER = "_PLAN_COMPLETE"


def crash_point(settings: Settings, name: str) -> None:
    """Fault injection: end the process at once (no cleanup, no job_runs row) at ``faults.crash_at``."""
    if settings.get("faults.crash_at") == name:
        log.error('{"event": "injected_crash", "at": "%s"}', name)
        os._exit(97)


class Journal:
    def __init__(self, spark: SparkSession, settings: Settings, job: str, domain: str):
        self.spark = spark
        self.root = f"{settings.warehouse.rstrip('/')}/_journal/{job}/{domain}"

    def _exists(self, path: str) -> bool:
        fs, target = warehouse._fs(self.spark, path)
        return bool(fs.exists(target))

    def pending(self) -> dict[str, DataFrame] | None:
        """The complete plan a crashed run left, or None (a partial plan is discarded)."""
        if not self._exists(self.root):
            return None
        if not self._exists(f"{self.root}/{MARKER}"):
            self.clear()
            return None
        return {
            name: self.spark.read.parquet(f"{self.root}/{name}") for name in warehouse.list_dirs(self.spark, self.root)
        }

    def write(self, parts: dict[str, DataFrame]) -> dict[str, DataFrame]:
        self.clear()
        for name, df in parts.items():
            df.write.mode("overwrite").parquet(f"{self.root}/{name}")
        fs, marker = warehouse._fs(self.spark, f"{self.root}/{MARKER}")
        fs.create(marker, True).close()
        return self.pending() or {}

    def clear(self) -> None:
        warehouse.remove(self.spark, self.root)
