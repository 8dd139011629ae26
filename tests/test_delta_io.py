"""Delta write helpers that the ingest's exactly-once guarantee rests on."""

from __future__ import annotations

from datetime import datetime

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
