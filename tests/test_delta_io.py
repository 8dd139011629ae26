"""Delta write helpers that the ingest's exactly-once guarantee rests on."""

from __future__ import annotations

from datetime import datetime

import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType, TimestampType

from storage import delta_io

STORED = StructType(
    [
        StructField("domain", StringType()),
        StructField("accp_object_id", StringType()),
        StructField("traveller_id", StringType()),
        StructField("last_updated_ts", TimestampType()),
        StructField("source_file", StringType()),
        StructField("line_number", LongType()),
        StructField("record_hash", StringType()),
        StructField("first_name", StringType()),
    ]
)


def test_two_batches_that_both_find_a_table_new_insert_its_records_once(spark, tmp_path):
    """Two first ingests of one domain can both be told the table is new; the second must not
    add the rows again (a blind append did: 14 rows of 7 in the two-ingests e2e test)."""
    path = str(tmp_path / "pax_profile")
    schema, created = delta_io.ensure_table(spark, path, STORED)
    assert created
    at = datetime(2024, 1, 1, 10)
    source = spark.createDataFrame(
        [("d", "o1", "t1", at, "f1", 1, "h1", "Ann"), ("d", "o2", "t2", at, "f1", 2, "h2", "Bob")], STORED
    ).withColumn("ingest_mode", F.lit("full"))
    columns = [f.name for f in schema.fields]
    first = delta_io.merge_records(spark, source, path, "d", "pax_profile", columns, target_is_new=True)
    second = delta_io.merge_records(spark, source, path, "d", "pax_profile", columns, target_is_new=True)
    assert int(first["numTargetRowsInserted"]) == 2 and int(second.get("numTargetRowsInserted", 0)) == 0
    rows = spark.read.format("delta").load(path).select("traveller_id", "first_name").collect()
    assert sorted(tuple(r) for r in rows) == [("t1", "Ann"), ("t2", "Bob")]


class ConcurrentAppendException(Exception):
    """Stands in for Delta's exception of the same name (what a lost commit race raises)."""


def test_a_merge_that_loses_a_commit_race_runs_again_as_a_full_merge(spark, tmp_path, monkeypatch):
    """Two ingests of one domain each losing a different table's race both stopped; now the loser
    runs its MERGE again on the winner's table, and rows both carried are written once."""
    path = str(tmp_path / "pax_profile")
    schema, _ = delta_io.ensure_table(spark, path, STORED)
    at = datetime(2024, 1, 1, 10)
    source = (
        spark.createDataFrame([("d", "o1", "t1", at, "f1", 1, "h1", "Ann")], STORED)
        .withColumn("ingest_mode", F.lit("full"))
        .withColumn("partial_fields", F.array().cast("array<string>"))
    )
    columns = [f.name for f in schema.fields]
    real, calls = delta_io._merge_records_once, []

    def racing(spark_, source_, path_, domain, object_type, stored, target_is_new):
        calls.append(target_is_new)
        if len(calls) == 1:  # the other run commits the same rows first, then this commit fails
            real(spark_, source_, path_, domain, object_type, stored, True)
            raise ConcurrentAppendException("[DELTA_CONCURRENT_APPEND] Files were added by a concurrent update")
        return real(spark_, source_, path_, domain, object_type, stored, target_is_new)

    monkeypatch.setattr(delta_io, "_merge_records_once", racing)
    delta_io.merge_records(spark, source, path, "d", "pax_profile", columns, target_is_new=True)
    assert calls == [True, False]
    assert spark.read.format("delta").load(path).count() == 1

    monkeypatch.setattr(delta_io, "_merge_records_once", lambda *a: (_ for _ in ()).throw(ValueError("bad")))
    with pytest.raises(ValueError):  # an error that is not a commit race is not retried away
        delta_io.merge_records(spark, source, path, "d", "pax_profile", columns)
