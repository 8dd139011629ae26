"""Ingest throughput against a baseline in the same process on the same files.

    make bench-ingest N=200000

Baseline: ``spark.read.json`` of every landing file (schema inference off: the same explicit
schemas as ingest) plus a Delta append per business object. Both figures are input lines per
second of wall time; the ratio is what to watch, since these machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from datagen import Options, generate
from ingestion.run import ingest
from runtime.config import load_settings
from runtime.entry import configure_logging
from runtime.spark import build_spark
from transforms.schemas import SCHEMAS


def count_lines(root: Path, domain: str) -> int:
    return sum(sum(1 for line in f.open("rb") if line.strip()) for f in root.glob(f"*/{domain}/**/*.jsonl"))


def baseline(spark, landing: Path, warehouse: Path, domain: str) -> float:
    started = time.perf_counter()
    for business_object, schema in SCHEMAS.items():
        folder = landing / business_object / domain
        if not folder.exists():
            continue
        df = spark.read.schema(schema).option("recursiveFileLookup", "true").json(str(folder))
        df.write.format("delta").mode("append").save(str(warehouse / "baseline" / business_object))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--travelers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", help="keep data here (default: a temporary folder, removed after)")
    parser.add_argument("--skip-baseline", action="store_true", help="time only upt ingest (while iterating)")
    parser.add_argument("--driver-memory", help="Spark driver heap for both runs (default: conf, 4g locally)")
    args = parser.parse_args()
    configure_logging()  # the ingest's JSON phase lines (object_checked, table_merged, ...) on stderr

    work = Path(args.workdir or tempfile.mkdtemp(prefix="upt-bench-"))
    landing, domain = work / "landing", "bench"
    if not landing.exists():
        generate(Options(out=str(landing), domain=domain, travellers=args.travelers, seed=args.seed))
    lines = count_lines(landing, domain)
    # A reused workdir keeps the generated files, never the tables: both runs must start empty.
    shutil.rmtree(work / "warehouse", ignore_errors=True)
    settings = load_settings(
        "local",
        {
            "warehouse": str(work / "warehouse"),
            "landing": str(landing),
            "spark.conf.spark.driver.memory": args.driver_memory,
        },
    )
    spark = build_spark(settings, app_name="upt-bench-ingest")

    base_s = None if args.skip_baseline else baseline(spark, landing, work / "warehouse", domain)
    started = time.perf_counter()
    row = ingest(spark, settings, domain)
    ingest_s = time.perf_counter() - started
    assert row["lines_read"] == lines, (row["lines_read"], lines)

    result = {
        "travelers": args.travelers,
        "driver_memory": settings.get("spark.conf", {}).get("spark.driver.memory"),
        "input_lines": lines,
        "baseline_lines_per_s": round(lines / base_s, 1) if base_s else None,
        "ingest_lines_per_s": round(lines / ingest_s, 1),
        "ratio": round(base_s / ingest_s, 3) if base_s else None,
        "baseline_s": round(base_s, 1) if base_s else None,
        "ingest_s": round(ingest_s, 1),
    }
    print(json.dumps(result))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
