"""Unit tests of the safety helpers: Column conditions, partition replace, erasure conditions, the plan journal."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from lifecycle.erasure import row_condition
from lifecycle.journal import MARKER, Journal
from runtime.config import load_settings
from storage.delta_io import equals, merge_condition, overwrite_where


def test_overwrite_where_replaces_only_the_matching_rows_and_treats_values_as_data(spark, tmp_path):
    path = str(tmp_path / "t")
    schema = "domain string, name string, v int"
    hostile = "a' OR '1'='1"
    spark.createDataFrame([("a", "x", 1), ("b", "x", 2), (hostile, "x", 3)], schema).write.format("delta").partitionBy(
        "domain"
    ).save(path)
    overwrite_where(spark.createDataFrame([("a", "x", 10)], schema), path, equals("domain", "a"))
    overwrite_where(spark.createDataFrame([], schema), path, equals("domain", hostile))
    rows = sorted(tuple(r) for r in spark.read.format("delta").load(path).collect())
    assert rows == [("a", "x", 10), ("b", "x", 2)]


def test_merge_condition_matches_keys_within_the_domain_only(spark):
    t = spark.createDataFrame([("d", "k1"), ("e", "k1")], "domain string, k string").alias("t")
    s = spark.createDataFrame([("d", "k1")], "domain string, k string").alias("s")
    joined = t.join(s, merge_condition("d", ("k",)))
    assert [r[0] for r in joined.select("t.domain").collect()] == ["d"]


def test_erasure_condition_finds_the_persons_rows_by_any_id_column_and_raw_line(spark):
    df = spark.createDataFrame(
        [
            ("T1", None, None, None),
            ("T2", "P9", None, None),
            (None, None, ["T1", "T3"], None),
            (None, None, None, '{"id":"T1","email":"x@y.com"}'),
            (None, None, None, '{"id":"T10"}'),
            ("T4", "P1", None, None),
        ],
        "traveller_id string, profile_id string, traveller_ids array<string>, raw_line string",
    )
    condition = row_condition(df.columns, {"T1"}, {"P1"}, None)
    kept = sorted(str(r) for r in df.where(~F.coalesce(condition, F.lit(False))).collect())
    assert len(kept) == 2 and all("T2" in r or "T10" in r for r in kept)


def test_journal_returns_a_complete_plan_and_discards_a_partial_one(spark, tmp_path):
    settings = load_settings("local", {"warehouse": str(tmp_path)})
    journal = Journal(spark, settings, "resolve", "d")
    assert journal.pending() is None
    plan = journal.write({"a": spark.range(3), "b": spark.range(0)})
    assert {k: v.count() for k, v in plan.items()} == {"a": 3, "b": 0}
    (tmp_path / "_journal" / "resolve" / "d" / MARKER).unlink()  # a crash while writing the plan
    assert journal.pending() is None and not (tmp_path / "_journal" / "resolve" / "d").exists()


def test_a_commit_race_is_recognised_through_the_exception_chain():
    from lifecycle.concurrency import is_concurrent_conflict

    def raise_in_finally():
        try:
            raise RuntimeError("io.delta.exceptions.ConcurrentAppendException: files were added")
        finally:
            raise ValueError("job_runs row not written")  # noqa: B012 - the case under test

    with pytest.raises(ValueError) as caught:
        raise_in_finally()
    assert is_concurrent_conflict(caught.value)
    assert not is_concurrent_conflict(ValueError("a bad value"))
    assert not is_concurrent_conflict(None)


def test_two_creators_of_one_table_both_go_on_with_it(spark, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from storage.delta_io import ensure_table

    path = str(tmp_path / "ops_table")
    schema = StructType([StructField("domain", StringType()), StructField("value", StringType())])
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: ensure_table(spark, path, schema), range(2)))
    assert [r[0].fieldNames() for r in results] == [["domain", "value"]] * 2
    assert spark.read.format("delta").load(path).count() == 0


def test_a_log_folder_without_version_0_is_waited_for_then_cleared(spark, tmp_path, monkeypatch):
    """A crash between creating `_delta_log` and committing version 0 must not wedge the table."""
    import storage.delta_io as delta_io

    monkeypatch.setattr(delta_io, "FIRST_COMMIT_WAIT_SECONDS", 0.0)
    path = tmp_path / "ops_table"
    (path / "_delta_log").mkdir(parents=True)
    schema = StructType([StructField("domain", StringType()), StructField("value", StringType())])
    found, created = delta_io.ensure_table(spark, str(path), schema)
    assert (found.fieldNames(), created) == (["domain", "value"], True)
    assert delta_io.latest_version(spark, str(path)) == 0


def test_a_creator_that_finds_the_winners_log_before_version_0_goes_on_with_the_winners_table(spark, tmp_path):
    import threading

    import storage.delta_io as delta_io

    path = tmp_path / "ops_table"
    (path / "_delta_log").mkdir(parents=True)  # the winner has made the folder, not yet version 0
    schema = StructType([StructField("domain", StringType()), StructField("value", StringType())])
    winner = spark.createDataFrame([], "domain string, value string, extra string")
    late_commit = threading.Timer(3.0, lambda: winner.write.format("delta").partitionBy("domain").save(str(path)))
    late_commit.start()
    try:
        found, created = delta_io.ensure_table(spark, str(path), schema)
    finally:
        late_commit.join()
    assert (found.fieldNames(), created) == (["domain", "value", "extra"], False)
