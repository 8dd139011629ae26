"""ISO-8601 timestamps: every valid form parses to the right UTC instant, anything else to null."""

from __future__ import annotations

from datetime import datetime

from chispa import assert_df_equality
from pyspark.sql import functions as F

from transforms.values import last_updated_partition, parse_timestamp

# text -> (UTC instant or None, last_updated_partition or None)
CASES = {
    "2024-01-02T03:04:05Z": (datetime(2024, 1, 2, 3, 4, 5), "2024-01-02-03"),
    "2024-01-02T03:04:05.123456Z": (datetime(2024, 1, 2, 3, 4, 5, 123456), "2024-01-02-03"),
    # More than six fraction digits are cut to microseconds (upstream's "unconverted data remains").
    "2024-01-02T03:04:05.123456789Z": (datetime(2024, 1, 2, 3, 4, 5, 123456), "2024-01-02-03"),
    "2024-01-02T03:04:05,5Z": (datetime(2024, 1, 2, 3, 4, 5, 500000), "2024-01-02-03"),
    "2024-01-02 03:04:05Z": (datetime(2024, 1, 2, 3, 4, 5), "2024-01-02-03"),
    "2024-01-02T03:04:05+05:30": (datetime(2024, 1, 1, 21, 34, 5), "2024-01-02-03"),
    "2024-01-02T03:04:05+0530": (datetime(2024, 1, 1, 21, 34, 5), "2024-01-02-03"),
    "2024-01-02T03:04:05+05": (datetime(2024, 1, 1, 22, 4, 5), "2024-01-02-03"),
    "2024-01-02T03:04:05-08:00": (datetime(2024, 1, 2, 11, 4, 5), "2024-01-02-03"),
    "2024-01-02T03:04:05": (datetime(2024, 1, 2, 3, 4, 5), "2024-01-02-03"),
    "2024-01-02T03:04": (datetime(2024, 1, 2, 3, 4), "2024-01-02-03"),
    "2024-1-2T3:04:05Z": (datetime(2024, 1, 2, 3, 4, 5), "2024-01-02-03"),
    "2024-01-02": (datetime(2024, 1, 2), "2024-01-02-00"),
    "20240102T030405.5+0100": (datetime(2024, 1, 2, 2, 4, 5, 500000), "2024-01-02-03"),
    "20240102": (datetime(2024, 1, 2), "2024-01-02-00"),
    "  2024-02-29T03:04:05Z  ": (datetime(2024, 2, 29, 3, 4, 5), "2024-02-29-03"),
    # Shaped like ISO-8601 but impossible: no instant, the partition still follows the text.
    "2024-13-02T03:04:05Z": (None, "2024-13-02-03"),
    "2023-02-29T03:04:05Z": (None, "2023-02-29-03"),
    "2024-01-02T24:00:00Z": (None, "2024-01-02-24"),
    "2024-01-02T23:59:60Z": (None, "2024-01-02-23"),
    "2024-01-02T03:04:05+24:00": (None, "2024-01-02-03"),
    # Not ISO-8601 at all.
    "2024-01-02T03:04:05ZZ": (None, None),
    "2024|01|02|03|04|05||Z": (None, None),
    "2024-01-02T03:4:05Z": (None, None),
    "2024-01-02t03:04:05z": (None, None),
    "garbage": (None, None),
    "": (None, None),
}


def test_parse_timestamp_and_partition_of_every_form(spark):
    texts = spark.createDataFrame([(text,) for text in CASES], "text string")
    actual = texts.select(
        "text", parse_timestamp(F.col("text")).alias("ts"), last_updated_partition(F.col("text")).alias("partition")
    )
    expected = spark.createDataFrame(
        [(text, ts, partition) for text, (ts, partition) in CASES.items()],
        "text string, ts timestamp, partition string",
    )
    assert_df_equality(actual, expected, ignore_row_order=True, ignore_nullable=True)
