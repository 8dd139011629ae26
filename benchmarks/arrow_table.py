"""One ACCP table two ways in one process: the native projection against the Arrow-batched builder.

    python -m benchmarks.arrow_table [--stays 20000] [--rounds 2]

hotel_stay records (UPT's samples when ``../shared`` is there, else generated ones) are replicated
with distinct ids, parsed with the explicit schema and staged as Parquet (as the ingest stages its
checks); then ``hotel_stay_revenue_items`` is built from the staged parse and written as Parquet by
each engine in turn, alternating, in fresh DataFrames each round (round 1 is cold for both).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from pyspark.sql import functions as F

from benchmarks.upt_corpus import build_corpus, generated_records, sample_records
from runtime.config import load_settings
from runtime.spark import build_spark
from transforms import hotel_stay
from transforms.arrow import hotel_stay as arrow_hotel_stay
from transforms.schemas import SCHEMAS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stays", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[1] / ".." / "shared"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="upt-bench-arrow-"))
    shared = Path(args.shared)
    pool = [r for r in (sample_records(shared) if (shared / "upt").is_dir() else []) if r[0] == "hotel_stay"]
    pool = pool or [r for r in generated_records(work) if r[0] == "hotel_stay"]
    build_corpus(work / "landing", args.stays, pool)
    spark = build_spark(load_settings("local", {"warehouse": str(work)}), app_name="upt-bench-arrow")
    lines = spark.read.text(str(work / "landing" / "hotel_stay"), recursiveFileLookup=True)
    staged = lines.select(
        F.from_json("value", SCHEMAS["hotel_stay"]).alias("data"),
        F.lit("bench").alias("domain"),
        F.lit("run-1").alias("run_id"),
        F.lit("part-0.jsonl").alias("source_file"),
        F.monotonically_increasing_id().alias("line_number"),
        F.current_timestamp().alias("ingested_at"),
        F.lit("full").alias("ingest_mode"),
        F.array().cast("array<string>").alias("partial_fields"),
        F.lit("2024-01-01T00:00:00.000000Z").alias("fallback_ts"),
    )
    staged.write.parquet(str(work / "staged"))
    engines = {
        "native": lambda df: hotel_stay.to_accp(df)["hotel_stay_revenue_items"],
        "arrow_columnar": arrow_hotel_stay.revenue_items,
        "arrow_rows": lambda df: arrow_hotel_stay.revenue_items(df, columnar=False),
    }
    timings: dict[str, list[float]] = {name: [] for name in engines}
    rows = {}
    for round_ in range(args.rounds):
        order = list(engines) if round_ % 2 == 0 else list(reversed(engines))
        for name in order:
            out = work / f"out-{name}-{round_}"
            started = time.perf_counter()
            engines[name](spark.read.parquet(str(work / "staged"))).write.parquet(str(out))
            timings[name].append(round(time.perf_counter() - started, 2))
            rows[name] = spark.read.parquet(str(out)).count()
    assert len(set(rows.values())) == 1, rows
    print(json.dumps({"stays": args.stays, "records": rows["native"], "seconds": timings}))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
