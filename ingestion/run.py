"""One incremental ingest run: a streaming query over the landing files, one ``ops/job_runs`` row.

Each business object's folder is a Structured Streaming file source; the sources of one domain run
as one query with ``Trigger.AvailableNow`` and a checkpoint per domain (and set of objects) that
keeps each source's offsets, so a run reads only files no earlier run committed, and a crash is
followed by a replay of the uncommitted batch (whose writes are MERGEs).
"""

from __future__ import annotations

from pyspark.sql import SparkSession

from ingestion.batch import BatchProcessor, RunCounters, prepare_tables
from ingestion.landing import checkpoint_path, landing_files, objects_key
from runtime import runs
from runtime.config import Settings
from transforms.registry import BUSINESS_OBJECTS


def ingest(
    spark: SparkSession,
    settings: Settings,
    domain: str,
    objects: tuple[str, ...] = BUSINESS_OBJECTS,
    from_date: str | None = None,
) -> dict:
    """Run one incremental ingest for ``domain``; returns the job_runs row it logged.

    One streaming query per domain and set of objects: each trigger hands every new file of every
    object to one batch, so each ACCP table gets one MERGE per batch, not one per object.
    """
    counters = RunCounters()
    normalized_from = from_date.replace("/", "-") if from_date else None
    with runs.tracked_run(settings, spark, "ingest", domain) as run:
        run.objects, run.counters = list(objects), counters
        prepare_tables(spark, settings)
        processor = BatchProcessor(
            spark, settings, domain, run.run_id, run.started_at, counters, normalized_from, objects_key(objects)
        )
        query = (
            landing_files(spark, settings, domain, objects)
            .writeStream.foreachBatch(processor)
            .option("checkpointLocation", checkpoint_path(settings, domain, objects))
            .trigger(availableNow=True)
            .queryName(f"ingest-{domain}")
            .start()
        )
        query.awaitTermination()
    return run.row
