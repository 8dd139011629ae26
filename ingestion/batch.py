"""One micro-batch of landing files -> ACCP tables, error rows and merge requests.

Called by Structured Streaming's ``foreachBatch``; every write is a MERGE or an insert of new keys,
so a batch replayed after a crash (Spark re-runs the last uncommitted batch) changes nothing twice.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce
from typing import TypeVar

from pyspark import inheritable_thread_target
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from ingestion.staging import BatchStaging
from runtime.config import Settings
from runtime.spark import interpreted_expressions
from storage import delta_io, tables
from transforms import arrow
from transforms import lines as line_rules
from transforms.reasons import messages, stored_type
from transforms.records import FALLBACK_TS, LINEAGE_COLUMNS, OBJECT_JSON, object_json_where
from transforms.registry import transform_module
from transforms.values import parse_timestamp

log = logging.getLogger(__name__)

# Lineage kept in every ACCP table; ingest_mode and partial_fields only steer the MERGE.
STORED_LINEAGE = ("domain", "run_id", "source_file", "line_number", "ingested_at")
NOT_HASHED = set(STORED_LINEAGE) | {"tx_id", "ingest_mode", "partial_fields", "record_hash"}
PROFILE_TYPES = {"pax_profile": "pax_profile", "guest_profile": "guest_profile"}
LINES_PER_PARTITION = 100_000
_T = TypeVar("_T")


@dataclass
class RunCounters:
    """Small per-run totals gathered on the driver from aggregated results (never from rows)."""

    files_read: int = 0
    lines_read: int = 0
    lines_rejected: int = 0
    duplicates: int = 0
    rejected_by_type: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)

    @property
    def lines_accepted(self) -> int:
        return self.lines_read - self.lines_rejected

    def add(self, target: dict[str, int], key: str, value: int) -> None:
        target[key] = target.get(key, 0) + int(value)

    def job_run_fields(self) -> dict:
        """The ``ops/job_runs`` columns these totals fill (ingest and replay write the same ones)."""
        return {
            "lines_read": self.lines_read,
            "lines_accepted": self.lines_accepted,
            "lines_rejected": self.lines_rejected,
            "duplicates": self.duplicates,
            "files_read": self.files_read,
            "rejected_by_type": self.rejected_by_type,
            "written": self.written,
        }


@dataclass
class CheckedObject:
    """What the checks of one business object hand back to the batch (frames are lazy)."""

    records: dict[str, DataFrame]
    errors: DataFrame | None
    rejected_by_type: dict[str, int]
    merge_requests: DataFrame | None


def own_tables(settings: Settings) -> dict[str, StructType]:
    """The ingest job's non-ACCP tables by path."""
    return {
        settings.table_path("ops", "ingestion_errors"): tables.INGESTION_ERRORS,
        settings.table_path("ops", "envelope_uids"): tables.ENVELOPE_UIDS,
        settings.table_path("identity", "merge_requests"): tables.MERGE_REQUESTS,
    }


def prepare_tables(spark: SparkSession, settings: Settings) -> None:
    """Create the ingest's own tables once per run (ACCP tables are created by their first batch)."""
    for path, schema in own_tables(settings).items():
        delta_io.ensure_table(spark, path, schema)


def has_uid() -> Column:
    return F.col("uid").isNotNull() & (F.col("uid") != "")


class BatchProcessor:
    """Holds the run's constants; ``__call__`` is the foreachBatch function."""

    def __init__(
        self,
        spark: SparkSession,
        settings: Settings,
        domain: str,
        run_id: str,
        started_at: datetime,
        counters: RunCounters,
        from_date: str | None = None,
        objects_key: str = "all",
    ) -> None:
        self.spark = spark
        self.objects_key = objects_key
        self.settings = settings
        self.domain = domain
        self.run_id = run_id
        self.started_at = started_at
        self.counters = counters
        self.from_date = from_date
        self.max_extended_data = int(settings.get("ingest.max_extended_data", 5000))
        self.concurrent_jobs = max(1, int(settings.get("ingest.concurrent_jobs", 2)))
        self.arrow_builders = arrow.builders() if settings.flag("ingest.arrow_builders", True) else {}
        self.error_ttl = timedelta(days=float(settings.get("ingest.error_ttl_days", 7)))
        self.interpreted_below_lines = int(settings.get("ingest.interpreted_below_lines", 0) or 0)
        self.interpreted = False  # whether the current batch runs without generated code

    def path(self, layer: str, table: str) -> str:
        return self.settings.table_path(layer, table)

    # ------------------------------------------------------------------ the batch
    def __call__(self, file_lines: DataFrame, batch_id: int) -> None:
        """The foreachBatch function: raw lines of the batch's new files (see ``number_lines``)."""
        self.process_lines(line_rules.number_lines(file_lines), batch_id)

    def process_lines(self, lines: DataFrame, batch_id: int) -> None:
        """One batch of numbered lines (``number_lines``'s columns); error replays start here."""
        clock = time.monotonic()
        if self.from_date:
            lines = lines.where(F.coalesce(F.col("landing_day"), F.lit("9999")) >= self.from_date)
        # A bare line is its own business object: its text is cached once (as ``line``), and only an
        # envelope's ``data`` is cached beside it.
        classified = (
            line_rules.classify_lines(lines, self.domain)
            .withColumn("fallback_ts", self._fallback_ts())
            .drop("landing_day")
            .withColumn("bo_json", F.when(F.col("is_envelope"), F.col("bo_json")))
            .cache()
        )
        cached: list[DataFrame] = [classified]
        classified = classified.withColumn("bo_json", F.coalesce(F.col("bo_json"), F.col("line")))
        self.staging = BatchStaging(self.spark, self.settings, self.domain, self.objects_key, batch_id, self.run_id)
        try:
            self._process(classified, cached)
        finally:
            for frame in cached:
                frame.unpersist()
            self.staging.remove()
        log.info(
            json.dumps(
                {
                    "event": "batch_done",
                    "domain": self.domain,
                    "run_id": self.run_id,
                    "batch_id": batch_id,
                    "seconds": round(time.monotonic() - clock, 1),
                    "lines_read": self.counters.lines_read,
                    "interpreted": self.interpreted,
                }
            )
        )

    def _fallback_ts(self) -> Column:
        """Envelope time, else midnight of the landing date, else the run's start: never the wall clock."""
        envelope_ts = F.col("envelope_ts")
        landing_day = F.col("landing_day")
        return (
            F.when(parse_timestamp(envelope_ts).isNotNull(), envelope_ts)
            .when(landing_day.isNotNull(), F.concat(landing_day, F.lit("T00:00:00.000000Z")))
            .otherwise(F.lit(self.started_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")))
        )

    def _process(self, classified: DataFrame, cached: list[DataFrame]) -> None:
        summary = (
            classified.groupBy("object_type", "error_type")
            .agg(
                F.count("*").alias("n"),
                F.sum(has_uid().cast("int")).alias("with_uid"),
                F.sum((F.col("ingest_mode") == "merge").cast("int")).alias("merges"),
                F.sum((F.col("ingest_mode") == "partial").cast("int")).alias("partials"),
                F.collect_set("source_file").alias("files"),
            )
            .collect()  # a handful of aggregate rows (and file names), not data
        )
        self.counters.files_read += len({f for row in summary for f in row["files"]})
        for row in summary:
            self.counters.lines_read += row["n"]
            if row["error_type"] is not None:
                self.counters.lines_rejected += row["n"]
                self.counters.add(self.counters.rejected_by_type, row["error_type"], row["n"])
        # Every rejected line of the batch, line-level and per object, goes in with one insert.
        errors: list[DataFrame] = []
        if any(row["error_type"] is not None for row in summary):
            errors.append(
                classified.where(F.col("error_type").isNotNull()).select(
                    F.col("object_type").alias("business_object"),
                    "error_type",
                    F.col("error_message").alias("message"),
                    "line",
                    "source_file",
                    "line_number",
                )
            )

        good_rows = [row for row in summary if row["error_type"] is None]
        self.interpreted = sum(row["n"] for row in good_rows) < self.interpreted_below_lines
        # The batch's frames belong to the streaming query's clone of the session, its writes to ours.
        with interpreted_expressions(self.spark, classified.sparkSession) if self.interpreted else nullcontext():
            self._check_and_write(classified, good_rows, errors, cached)

    def _check_and_write(
        self, classified: DataFrame, good_rows: list, errors: list[DataFrame], cached: list[DataFrame]
    ) -> None:
        """Checks of every object of the batch, then one write per table (``good_rows``: the summary's)."""
        # Tasks of about LINES_PER_PARTITION lines for every table below, however the files were split.
        accepted_lines = sum(row["n"] for row in good_rows)
        partitions = max(self.spark.sparkContext.defaultParallelism, -(-accepted_lines // LINES_PER_PARTITION))
        good = classified.where(F.col("error_type").isNull())
        if good.rdd.getNumPartitions() > partitions:
            good = good.coalesce(partitions)
        with_uids = sum(row["with_uid"] or 0 for row in good_rows) > 0
        if with_uids:
            good = self._drop_duplicate_envelopes(good).cache()
            cached.append(good)
        merging = {row["object_type"] for row in good_rows if row["merges"]}
        has_partials = any(row["partials"] for row in good_rows)

        def check(business_object: str) -> CheckedObject:
            clock = time.monotonic()
            rows = good.where(F.col("object_type") == business_object)
            result = self._process_object(rows, business_object, business_object in merging)
            log.info(
                json.dumps(
                    {
                        "event": "object_checked",
                        "object": business_object,
                        "seconds": round(time.monotonic() - clock, 1),
                    }
                )
            )
            return result

        lines_of = {row["object_type"]: row["n"] for row in good_rows}
        business_objects = sorted(lines_of, key=lambda name: (-lines_of[name], name))
        checked = self._concurrently(check, business_objects)
        records: dict[str, list[DataFrame]] = {}
        # A table's rough size (lines of its producers times its width) orders the writes below.
        weight: dict[str, int] = {}
        for business_object, result in zip(business_objects, checked, strict=True):
            for error_type, n in result.rejected_by_type.items():
                self.counters.lines_rejected += n
                self.counters.add(self.counters.rejected_by_type, error_type, n)
            if result.errors is not None:
                errors.append(result.errors)
            for object_type, frame in result.records.items():
                records.setdefault(object_type, []).append(frame)
                weight[object_type] = weight.get(object_type, 0) + lines_of[business_object] * len(frame.columns)
        requests = [result.merge_requests for result in checked if result.merge_requests is not None]
        if requests:
            delta_io.insert_new(
                self.spark,
                reduce(DataFrame.unionByName, requests),
                self.path("identity", "merge_requests"),
                tables.MERGE_REQUEST_KEY,
                self.domain,
            )
        if errors:
            clock = time.monotonic()
            self._write_errors(reduce(DataFrame.unionByName, errors))
            log.info(json.dumps({"event": "errors_written", "seconds": round(time.monotonic() - clock, 1)}))

        def write(object_type: str) -> int:
            clock = time.monotonic()
            written = self._write_records(object_type, records[object_type], has_partials)
            log.info(
                json.dumps(
                    {"event": "table_merged", "table": object_type, "seconds": round(time.monotonic() - clock, 1)}
                )
            )
            return written

        # Largest first, so that the last job to finish is a short one.
        order = sorted(records, key=lambda name: (-weight[name], name))
        for object_type, written in zip(order, self._concurrently(write, order), strict=True):
            self.counters.add(self.counters.written, object_type, written)
        if with_uids:
            self._remember_envelopes(good)

    def _concurrently(self, work: Callable[[str], _T], names: list[str]) -> list[_T]:
        """``work`` on each name, ``ingest.concurrent_jobs`` at a time, results in the order of ``names``.

        The objects' checks and the tables' writes are independent Spark jobs. Run one at a time,
        the cores idle while the driver plans, generates code and commits each of them, and during
        each job's last tasks; two at a time keep them busy. Each table has one writer, so their
        Delta commits never conflict.
        """
        if self.concurrent_jobs == 1 or len(names) < 2:
            return [work(name) for name in names]
        with ThreadPoolExecutor(max_workers=self.concurrent_jobs, thread_name_prefix="upt-ingest") as pool:
            return list(pool.map(inheritable_thread_target(work), names))

    def _drop_duplicate_envelopes(self, good: DataFrame) -> DataFrame:
        """Envelopes with a uid already ingested (in this batch or before) are skipped, once each."""
        enveloped = good.where(has_uid())
        first = delta_io.latest_per_key(enveloped, ("uid",), [F.col("source_file"), F.col("line_number")])
        seen = (
            self.spark.read.format("delta")
            .load(self.path("ops", "envelope_uids"))
            .where(F.col("domain") == self.domain)
            .select("uid", F.col("source_file").alias("seen_file"), F.col("line_number").alias("seen_line"))
        )
        is_this_line = (F.col("seen_file") == F.col("source_file")) & (F.col("seen_line") == F.col("line_number"))
        # A uid seen before is a duplicate unless it was this very line (a replayed batch).
        keep = (
            first.join(seen, "uid", "left")
            .where(F.col("seen_file").isNull() | is_this_line)
            .drop("seen_file", "seen_line")
        )
        deduped = good.where(~has_uid()).unionByName(keep)
        self.counters.duplicates += enveloped.count() - keep.count()
        return deduped

    def _remember_envelopes(self, good: DataFrame) -> None:
        uids = good.where(has_uid()).select(
            F.lit(self.domain).alias("domain"), "uid", "source_file", "line_number", F.lit(self.run_id).alias("run_id")
        )
        delta_io.insert_new(self.spark, uids, self.path("ops", "envelope_uids"), tables.ENVELOPE_UID_KEY, self.domain)

    def _process_object(
        self,
        rows: DataFrame,
        business_object: str,
        has_merges: bool,
    ) -> CheckedObject:
        module = transform_module(business_object)
        parsed = (
            line_rules.parse_business_object(rows, business_object)
            .withColumn("domain", F.lit(self.domain))
            .withColumn("run_id", F.lit(self.run_id))
            .withColumn("ingested_at", F.lit(self.started_at).cast("timestamp"))
        )
        # The reasons get their own projection: read twice below, and holding higher-order functions
        # (which Spark never shares as common subexpressions), they would be computed twice per line
        # (clickstream checks at 10k travellers: 26 s inline against 7.5 s staged).
        parsed = parsed.withColumn("_reasons", module.reject_reasons(parsed, self.max_extended_data))
        reasons = F.col("_reasons")
        reject_message = (
            F.when(F.col("json_error").isNotNull(), line_rules.json_error_message(F.col("json_error")))
            .when(F.col("null_array_message").isNotNull(), F.col("null_array_message"))
            .when(F.size(reasons) > 0, F.array_join(messages(reasons), "; "))
        )
        # Parsed once and staged as Parquet: every ACCP table of the object reads back only the
        # columns it needs instead of parsing the JSON again (see ingestion/staging.py).
        accepted_line = reject_message.isNull()
        # An id generated from the whole object needs its JSON; staged here, only where it is needed,
        # so that no table query reads every nested field of ``data`` (see records.object_json).
        needs_json = module.object_json_needed
        object_json = [object_json_where(accepted_line & needs_json(F.col("data")))] if needs_json else []
        checked = parsed.select(
            F.when(accepted_line, F.col("data")).alias("data"),
            F.when(~accepted_line, F.col("line")).alias("line"),
            reject_message.alias("reject_message"),
            reject_type(F.col("json_error"), F.col("null_array_message"), reasons).alias("reject_type"),
            *LINEAGE_COLUMNS,
            FALLBACK_TS,
            "merge_target",
            "uid",
            *object_json,
        )
        checked = self.staging.write(checked, business_object)
        rejected = checked.where(F.col("reject_message").isNotNull())
        reject_counts = rejected.groupBy("reject_type").count().collect()  # aggregate rows only
        errors = None
        if reject_counts:
            errors = rejected.select(
                F.lit(business_object).alias("business_object"),
                F.col("reject_type").alias("error_type"),
                F.col("reject_message").alias("message"),
                "line",
                "source_file",
                "line_number",
            )
        accepted = checked.where(F.col("reject_message").isNull())
        transform_input = accepted.select("data", *LINEAGE_COLUMNS, FALLBACK_TS, *([OBJECT_JSON] if needs_json else []))
        outputs = module.to_accp(transform_input)
        # Tables with an Arrow builder: the same records, without planning the native projection.
        outputs |= {name: self.arrow_builders[name](transform_input) for name in outputs if name in self.arrow_builders}
        requests = None
        if business_object in PROFILE_TYPES and has_merges:
            requests = self._merge_requests(accepted, outputs[PROFILE_TYPES[business_object]])
        return CheckedObject(
            # mode=merge asks to merge profiles; nothing of the object itself is ingested.
            records={name: frame.where(F.col("ingest_mode") != "merge") for name, frame in outputs.items()},
            errors=errors,
            rejected_by_type={row["reject_type"]: row["count"] for row in reject_counts},
            merge_requests=requests,
        )

    def _merge_requests(self, accepted: DataFrame, profiles: DataFrame) -> DataFrame:
        lines = accepted.where(F.col("ingest_mode") == "merge").select(
            "source_file", "line_number", "merge_target", "fallback_ts", "uid"
        )
        return (
            profiles.where(F.col("ingest_mode") == "merge")
            .select("source_file", "line_number", "traveller_id")
            .join(lines, ["source_file", "line_number"])
            .select(
                F.lit(self.domain).alias("domain"),
                F.col("traveller_id").alias("source_traveller_id"),
                F.col("merge_target").alias("target_traveller_id"),
                F.col("fallback_ts").alias("requested_at"),
                "uid",
                "source_file",
                "line_number",
                F.lit(self.run_id).alias("run_id"),
            )
        )

    def _write_records(self, object_type: str, frames: list[DataFrame], has_partials: bool) -> int:
        """MERGE one ACCP table's records of the batch; returns the rows inserted or updated."""
        source = frames[0]
        for frame in frames[1:]:
            source = source.unionByName(frame, allowMissingColumns=True)
        # The table holds the union of every producer's columns: created by the first batch that
        # has the type, widened when a producer with more columns shows up.
        path = self.path("accp", object_type)
        produced = StructType([f for f in source.schema.fields if f.name not in ("ingest_mode", "partial_fields")])
        schema, created = delta_io.ensure_table(
            self.spark, path, produced.add("record_hash", "string"), stats_columns=delta_io.RECORD_STATS_COLUMNS
        )
        source = source.withColumn("record_hash", record_hash(source))
        if has_partials:
            # A partial row only acts through fields named "<object_type>.<field>"; with none it is dropped.
            applies = F.exists(
                "partial_fields",
                lambda f: (F.size(F.split(f, r"\.")) == 2) & (F.split(f, r"\.")[0] == object_type),
            )
            source = source.where((F.col("ingest_mode") != "partial") | applies)
        aligned = delta_io.align(source, schema, keep=("ingest_mode", "partial_fields"))
        metrics = delta_io.merge_records(
            self.spark, aligned, path, self.domain, object_type, [f.name for f in schema.fields], created
        )
        return int(metrics.get("numTargetRowsInserted", 0)) + int(metrics.get("numTargetRowsUpdated", 0))

    def _write_errors(self, errors: DataFrame) -> None:
        error_at = F.lit(self.started_at).cast("timestamp")
        rows = errors.select(
            F.lit(self.domain).alias("domain"),
            "business_object",
            "error_type",
            "message",
            F.col("line").alias("raw_line"),
            "source_file",
            "line_number",
            F.lit(self.run_id).alias("run_id"),
            error_at.alias("error_at"),
            (error_at + F.expr(f"INTERVAL {int(self.error_ttl.total_seconds())} SECONDS")).alias("expires_at"),
            F.lit(None).cast("string").alias("resolved"),
        )
        delta_io.insert_new(self.spark, rows, self.path("ops", "ingestion_errors"), tables.ERROR_KEY, self.domain)


def record_hash(records: DataFrame) -> Column:
    """Fingerprint of what a record says (not of what the table can hold: widening keeps hashes).

    Only compared between two versions of one record (MERGE ties), so a 64-bit hash is plenty; it
    replaced a SHA-256 of the record's JSON, about a sixth of the clickstream table's write time. Spark's
    hash skips nulls, so which columns are null is hashed too.
    """
    names = [name for name in sorted(records.columns) if name not in NOT_HASHED]
    nulls = F.array(*[F.col(name).isNull() for name in names])
    return F.hex(F.xxhash64(*[F.col(name) for name in names], nulls))


def reject_type(json_error: Column, null_array_message: Column, reasons: Column) -> Column:
    """Error type of a business-object reject: the parse's JSON error, else the codes of its reasons.

    Taken from the reasons' codes (``transforms.reasons.PRIORITY``), never from their text, so a
    reworded message cannot move a line to another type. Null for a line with no reason.
    """
    return (
        F.when(json_error.isNotNull(), json_error)
        .when(null_array_message.isNotNull(), F.lit(line_rules.NULL_ARRAY))
        .when(F.size(reasons) > 0, stored_type(reasons))
    )
