"""Delta table I/O: create from a schema, converge records with MERGE, insert-only appends.

Every write here can be replayed: MERGE on business keys decides by content and timestamps, so a
micro-batch that runs twice (crash before the checkpoint commit) leaves the same table.
"""

from __future__ import annotations

import json
import time

from delta.tables import DeltaTable
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from lifecycle.concurrency import is_concurrent_conflict

# How long a job that lost the race to create a table waits for the winner's version 0.
FIRST_COMMIT_WAIT_SECONDS = 60.0
RECORD_KEY = ("domain", "accp_object_id", "traveller_id")
# File statistics of an ACCP table: its keys (MERGE), its timestamp, and the lineage that the gold
# build (ingested_at) and per-run lookups (run_id) filter on. Delta's default (the first 32
# columns) spent 10-20% of a wide table's write on min/max of fields nobody filters on.
RECORD_STATS_COLUMNS = ("traveller_id", "accp_object_id", "last_updated_ts", "ingested_at", "run_id")
# Tries of one idempotent MERGE that lost a commit race (Delta's advice: retry the operation).
MERGE_ATTEMPTS = 3


def equals(column: str, value) -> Column:
    """``column = value`` as a Column: the value travels as a literal, never as SQL text."""
    return F.col(column) == F.lit(value)


def keys_match(
    keys: tuple[str, ...] | list[str], null_safe: bool = False, target: str = "t", source: str = "s"
) -> Column:
    """``t.k = s.k AND ...`` (``<=>`` when ``null_safe``) for a MERGE condition."""
    condition = None
    for key in keys:
        left, right = F.col(f"{target}.`{key}`"), F.col(f"{source}.`{key}`")
        term = left.eqNullSafe(right) if null_safe else left == right
        condition = term if condition is None else condition & term
    return condition


def merge_condition(domain: str, keys: tuple[str, ...] | list[str], null_safe: bool = False) -> Column:
    """The usual MERGE condition: the target's rows of ``domain`` whose ``keys`` equal the source's."""
    same_domain = equals("t.domain", domain)
    return same_domain & keys_match(keys, null_safe) if keys else same_domain


def overwrite_where(
    df: DataFrame,
    path: str,
    condition: Column,
    partition_by: tuple[str, ...] = (),
    merge_schema: bool = False,
) -> None:
    """Atomically replace the rows matching ``condition`` by ``df`` (Delta's replaceWhere, one commit).

    The condition is a Column (DataFrameWriterV2.overwrite), so no value is written into SQL text;
    the path is only quoted as an identifier. A table that does not exist yet is created.
    """
    spark = df.sparkSession
    if not table_exists(spark, path):
        df.write.format("delta").mode("overwrite").partitionBy(*partition_by).save(path)
        return
    writer = df.writeTo(path_identifier(path))
    if merge_schema:
        writer = writer.option("mergeSchema", "true")
    writer.overwrite(condition)


def path_identifier(path: str) -> str:
    """``delta.`<path>``` with the path quoted as an identifier (a backtick doubled)."""
    return "delta.`" + path.replace("`", "``") + "`"


def partition_filter(column: str, value: str) -> str:
    """A partition predicate for the one Delta API that only takes text (``optimize().where``).

    The value must be a valid domain name (letters, digits, _ and -: nothing SQL can read as syntax);
    anything else is refused here rather than quoted.
    """
    from runtime.inputs import check_domain, check_name

    check_name(column, "partition column")
    check_domain(value, "partition value")
    return f"{column} = '{value}'"


def table_exists(spark: SparkSession, path: str) -> bool:
    return DeltaTable.isDeltaTable(spark, path)


def ensure_table(
    spark: SparkSession,
    path: str,
    schema: StructType,
    partition_by: tuple[str, ...] = ("domain",),
    stats_columns: tuple[str, ...] = (),
) -> tuple[StructType, bool]:
    """Create an empty Delta table at ``path`` unless one exists; add columns the schema gained.

    ``stats_columns`` (when given) are the only columns Delta keeps file statistics for.
    Returns the table's schema and whether this call created it (so the caller knows it is empty).
    """
    if not table_exists(spark, path):
        builder = DeltaTable.createIfNotExists(spark).location(path).addColumns(schema).partitionedBy(*partition_by)
        if stats_columns:
            builder = builder.property("delta.dataSkippingStatsColumns", ",".join(stats_columns))
        try:
            builder.execute()
            return schema, True
        except Exception as exc:
            # Two jobs creating one table at once (two domains' first runs): the loser either fails
            # its commit of version 0 or finds the winner's `_delta_log` before version 0 is in it
            # (DELTA_TABLE_NOT_FOUND). The table the winner makes is the one we wanted: wait for it.
            if not (is_concurrent_conflict(exc) or "DELTA_TABLE_NOT_FOUND" in str(exc)):
                raise
            if not wait_for_first_commit(spark, path):
                if not clear_empty_log(spark, path):
                    raise
                return ensure_table(spark, path, schema, partition_by, stats_columns)  # a crash's leftover
    current = spark.read.format("delta").load(path).schema
    missing = [f for f in schema.fields if f.name not in set(current.fieldNames())]
    if not missing:
        return current, False
    spark.createDataFrame([], StructType(missing + [f for f in schema.fields if f.name in partition_by])).write.format(
        "delta"
    ).mode("append").option("mergeSchema", "true").save(path)
    return StructType(current.fields + missing), False


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
    target_is_new: bool = False,
) -> dict:
    """Upsert ACCP records: newer ``last_updated`` wins; ties go to the later source line.

    ``source`` also carries ``ingest_mode`` and ``partial_fields``: a ``partial`` row overwrites only
    the listed ``<object_type>.<field>`` columns (or all with ``<object_type>.*``) of an existing row.
    Equal timestamps with equal content change nothing, so replays leave the table as it is.
    A table created by this very batch is empty, so its rows go in by an insert-only MERGE (no
    update clauses to evaluate). Not a blind append: two first ingests of one domain both find
    the table new (the loser's ``createIfNotExists`` finds the winner's table and returns quietly),
    and two blind appends never conflict, so both batches' rows went in (measured: 14 rows of 7 in
    the two-ingests test). A MERGE reads the domain's partition, so the second commit fails with
    ``ConcurrentAppendException``; the MERGE decides by keys and content, so it is simply run again
    on the table the other run committed (as a full MERGE: the table is no longer empty). Without
    the retry, two ingests that each lost a different table both stopped and neither finished.
    """
    for attempt in range(1, MERGE_ATTEMPTS + 1):
        try:
            return _merge_records_once(spark, source, path, domain, object_type, stored_columns, target_is_new)
        except Exception as exc:
            if attempt == MERGE_ATTEMPTS or not is_concurrent_conflict(exc):
                raise
            target_is_new = False
    raise AssertionError("unreachable")


def _merge_records_once(
    spark: SparkSession,
    source: DataFrame,
    path: str,
    domain: str,
    object_type: str,
    stored_columns: list[str],
    target_is_new: bool,
) -> dict:
    order = [F.col("last_updated_ts").desc(), F.col("source_file").desc(), F.col("line_number").desc()]
    source = latest_per_key(source, RECORD_KEY, order)
    key_match = merge_condition(domain, RECORD_KEY, null_safe=True)
    all_set = {c: F.col(f"s.`{c}`") for c in stored_columns}
    if target_is_new:
        before = latest_version(spark, path)
        target = DeltaTable.forPath(spark, path).alias("t")
        target.merge(source.alias("s"), key_match).whenNotMatchedInsert(values=all_set).execute()
        return operation_metrics_since(spark, path, before)
    newer = (
        "s.last_updated_ts > t.last_updated_ts OR (s.last_updated_ts = t.last_updated_ts "
        "AND s.record_hash <> t.record_hash AND (s.source_file > t.source_file "
        "OR (s.source_file = t.source_file AND s.line_number > t.line_number)))"
    )
    fixed = set(RECORD_KEY) | {"object_type"}
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
    before = latest_version(spark, path)
    (
        DeltaTable.forPath(spark, path)
        .alias("t")
        .merge(source.alias("s"), key_match)
        .whenMatchedUpdate(condition="s.ingest_mode = 'partial'", set=partial_set)
        .whenMatchedUpdate(condition=f"s.ingest_mode <> 'partial' AND ({newer})", set=all_set)
        .whenNotMatchedInsert(values=all_set)
        .execute()
    )
    return operation_metrics_since(spark, path, before)


def insert_new(spark: SparkSession, source: DataFrame, path: str, key: tuple[str, ...], domain: str) -> dict:
    """Insert rows whose key is not in the table yet (error rows, merge requests, envelope uids).

    An insert-only MERGE that lost a commit race is run again: the rows the other run inserted
    now match and are skipped.
    """
    condition = merge_condition(domain, key, null_safe=True)
    source = source.dropDuplicates(list(key))
    for attempt in range(1, MERGE_ATTEMPTS + 1):
        before = latest_version(spark, path)
        try:
            target = DeltaTable.forPath(spark, path).alias("t")
            target.merge(source.alias("s"), condition).whenNotMatchedInsertAll().execute()
            return operation_metrics_since(spark, path, before)
        except Exception as exc:
            if attempt == MERGE_ATTEMPTS or not is_concurrent_conflict(exc):
                raise
    raise AssertionError("unreachable")


def wait_for_first_commit(spark: SparkSession, path: str, seconds: float | None = None) -> bool:
    """True once ``path`` has a committed version; polls the log listing for up to ``seconds``."""
    deadline = time.monotonic() + (FIRST_COMMIT_WAIT_SECONDS if seconds is None else seconds)
    while latest_version(spark, path) < 0:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.5)
    return True


def clear_empty_log(spark: SparkSession, path: str) -> bool:
    """Remove a ``_delta_log`` folder that holds no file at all (a crash between its creation and
    version 0). Delta refuses to create a table over it, so without this the table stays wedged."""
    jvm = spark.sparkContext._jvm
    log_dir = jvm.org.apache.hadoop.fs.Path(f"{path.rstrip('/')}/_delta_log")
    fs = log_dir.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not fs.exists(log_dir) or len(fs.listStatus(log_dir)) > 0:
        return False
    return bool(fs.delete(log_dir, False))


def latest_version(spark: SparkSession, path: str) -> int:
    """Newest commit number, from a listing of ``_delta_log`` (no Spark job)."""
    jvm = spark.sparkContext._jvm
    log_dir = jvm.org.apache.hadoop.fs.Path(f"{path.rstrip('/')}/_delta_log")
    fs = log_dir.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not fs.exists(log_dir):
        return -1
    names = [status.getPath().getName() for status in fs.listStatus(log_dir)]
    versions = [int(n[:-5]) for n in names if n.endswith(".json") and n[:-5].isdigit()]
    return max(versions, default=-1)


def operation_metrics_since(spark: SparkSession, path: str, before: int) -> dict:
    """Metrics of the commit made after version ``before``; empty when nothing was committed.

    A MERGE that changes nothing may not commit, so "the last commit" could be an older one.
    """
    latest = latest_version(spark, path)
    return commit_metrics(spark, path, latest) if latest > before else {}


def commit_metrics(spark: SparkSession, path: str, version: int) -> dict:
    """``operationMetrics`` of one commit, read from its ``_delta_log`` JSON file on the driver.

    ``DeltaTable.history`` would run a Spark job over the log for the same small map; a batch
    writes a dozen tables, so reading the one commit file directly saves a job per write.
    """
    jvm = spark.sparkContext._jvm
    commit = jvm.org.apache.hadoop.fs.Path(f"{path.rstrip('/')}/_delta_log/{version:020d}.json")
    fs = commit.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    stream = fs.open(commit)
    try:
        text = jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8")
    finally:
        stream.close()
    for line in text.splitlines():
        action = json.loads(line) if line.strip() else {}
        if "commitInfo" in action:
            return {k: str(v) for k, v in (action["commitInfo"].get("operationMetrics") or {}).items()}
    return {}


def last_operation_metrics(spark: SparkSession, path: str) -> dict:
    """Metrics of the newest commit (callers that know the version before should prefer
    ``operation_metrics_since``: a MERGE that changes nothing may not commit at all)."""
    row = DeltaTable.forPath(spark, path).history(1).select("operationMetrics").first()
    return dict(row["operationMetrics"] or {}) if row else {}


def table_names(spark: SparkSession, settings, layer: str) -> list[str]:
    """Delta tables directly under ``<warehouse>/<layer>`` (listed through Hadoop, so s3:// works)."""
    jvm = spark.sparkContext._jvm
    root = jvm.org.apache.hadoop.fs.Path(f"{settings.warehouse.rstrip('/')}/{layer}")
    fs = root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not fs.exists(root):
        return []
    return sorted(status.getPath().getName() for status in fs.listStatus(root) if status.isDirectory())
