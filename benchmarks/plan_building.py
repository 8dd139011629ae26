"""Driver time to build the ingest's plans, with and without the Py4J lookup cache, in one process.

    make bench-plans

Builds (never runs) every business object's checks and ACCP projections over an empty frame of
its schema, as a batch does, alternating rounds with Py4J's own lookups and with
``runtime.py4j_lookups``. Prints seconds per round of each and their ratio: the part of a small
ingest's fixed cost that is Python talking to the JVM, not Spark running anything.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from runtime import py4j_lookups
from runtime.config import load_settings
from runtime.spark import build_spark
from transforms.records import FALLBACK_TS
from transforms.registry import BUSINESS_OBJECTS, transform_module
from transforms.schemas import SCHEMAS


def empty_object_frame(spark: SparkSession, business_object: str) -> DataFrame:
    """The columns a transform reads (``data`` and lineage), no rows: only the plan matters here."""
    lines = spark.createDataFrame([], "line_number long, raw string")
    return lines.select(
        F.from_json("raw", SCHEMAS[business_object]).alias("data"),
        F.lit("bench").alias("domain"),
        F.lit("run").alias("run_id"),
        F.lit("bench.jsonl").alias("source_file"),
        "line_number",
        F.lit("2024-01-01T00:00:00.000000Z").alias("ingested_at"),
        F.lit("").alias("ingest_mode"),
        F.array().cast("array<string>").alias("partial_fields"),
        F.lit("2024-01-01T00:00:00.000000Z").alias(FALLBACK_TS),
    )


def build_all(frames: dict[str, DataFrame]) -> int:
    """Every object's reasons and record projections, as plans; returns the number of columns built."""
    width = 0
    for business_object, frame in frames.items():
        module = transform_module(business_object)
        checked = frame.withColumn("_reasons", module.reject_reasons(frame, 5000))
        for records in module.to_accp(frame).values():
            width += len(records.columns)
        width += len(checked.columns)
    return width


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each setting (alternating)")
    args = parser.parse_args()
    spark = build_spark(load_settings("local"), app_name="upt-bench-plans")
    frames = {name: empty_object_frame(spark, name) for name in BUSINESS_OBJECTS}
    build_all(frames)  # warm both sides (JIT, Python imports) before timing either
    seconds: dict[str, list[float]] = {"py4j": [], "cached": []}
    for _ in range(args.rounds):
        for setting in ("py4j", "cached"):
            if setting == "py4j":
                py4j_lookups.uninstall()
            else:
                py4j_lookups.install()
            started = time.perf_counter()
            build_all(frames)
            seconds[setting].append(time.perf_counter() - started)
    py4j_lookups.install()
    baseline, cached = statistics.median(seconds["py4j"]), statistics.median(seconds["cached"])
    print(
        json.dumps(
            {
                "rounds": args.rounds,
                "py4j_lookups_s": round(baseline, 2),
                "cached_lookups_s": round(cached, 2),
                "ratio": round(cached / baseline, 3),
                "all_s": {k: [round(v, 2) for v in vs] for k, vs in seconds.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
