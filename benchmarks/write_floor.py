"""The least a batch's table writes can cost: the 14 ACCP tables written from records already built.

    make bench-write-floor WAREHOUSE=DIR [WORKDIR=DIR]

``WAREHOUSE`` is one that ``upt ingest`` wrote (for example a ``bench-ingest-upt`` run's). Its ACCP
rows are staged as Parquet, without their hash, so no transform or check is left to do. Then, each
in its own fresh process like a real run, the rows go into new tables two tables at a time (the
ingest's ``concurrent_jobs``):

* ``merge``: the ingest's own write (``storage.delta_io.merge_records``, record hash included);
* ``append``: a plain Delta append (what a write without MERGE semantics would cost).

Printed as one JSON line: the seconds of each table and of all writes, and the whole process. Any
ingest that keeps one MERGE per ACCP table costs at least the ``merge`` figure for its writes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

MODES = ("merge", "append")
CONCURRENT_WRITES = 2


def _stage(warehouse: Path, staged: Path) -> list[str]:
    from runtime.config import load_settings
    from runtime.spark import build_spark
    from storage.delta_io import table_exists
    from transforms.registry import ACCP_OBJECT_TYPES

    spark = build_spark(load_settings("local"), app_name="upt-bench-write-floor")
    written = []
    for table in ACCP_OBJECT_TYPES:
        source = str(warehouse / "accp" / table)
        if not table_exists(spark, source):
            continue
        rows = spark.read.format("delta").load(source).drop("record_hash")
        rows.write.mode("overwrite").parquet(str(staged / table))
        written.append(table)
    return written


def _write_all(staged: Path, target: Path, mode: str, tables: list[str], domain: str) -> dict:
    from pyspark import inheritable_thread_target
    from pyspark.sql import functions as F

    from ingestion.batch import record_hash
    from runtime.config import load_settings
    from runtime.spark import build_spark
    from storage import delta_io

    started = time.perf_counter()
    spark = build_spark(load_settings("local"), app_name="upt-bench-write-floor")

    def write(table: str) -> float:
        clock = time.perf_counter()
        records = spark.read.parquet(str(staged / table))
        records = records.withColumn("record_hash", record_hash(records))
        path = str(target / table)
        schema, created = delta_io.ensure_table(
            spark, path, records.schema, stats_columns=delta_io.RECORD_STATS_COLUMNS
        )
        if mode == "append":
            delta_io.align(records, schema).write.format("delta").mode("append").save(path)
        else:
            source = records.withColumn("ingest_mode", F.lit("insert")).withColumn(
                "partial_fields", F.array().cast("array<string>")
            )
            aligned = delta_io.align(source, schema, keep=("ingest_mode", "partial_fields"))
            delta_io.merge_records(spark, aligned, path, domain, table, [f.name for f in schema.fields], created)
        return round(time.perf_counter() - clock, 2)

    clock = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENT_WRITES) as pool:
        seconds = list(pool.map(inheritable_thread_target(write), tables))
    return {
        "mode": mode,
        "writes_s": round(time.perf_counter() - clock, 1),
        "session_and_writes_s": round(time.perf_counter() - started, 1),
        "tables_s": dict(zip(tables, seconds, strict=True)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", required=True, help="a warehouse written by upt ingest")
    parser.add_argument("--domain", default="bench", help="the domain the warehouse's rows belong to")
    parser.add_argument("--workdir", help="staged records and new tables (default: a temporary folder)")
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)  # one child process's part
    parser.add_argument("--tables", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="upt-floor-"))
    staged = work / "staged"
    if args.mode:
        target = work / f"tables_{args.mode}"
        shutil.rmtree(target, ignore_errors=True)
        print(json.dumps(_write_all(staged, target, args.mode, args.tables.split(","), args.domain)))
        return
    tables = _stage(Path(args.warehouse), staged)
    result: dict = {"warehouse": args.warehouse, "tables": len(tables)}
    for mode in MODES:
        clock = time.perf_counter()
        child = [sys.executable, "-m", "benchmarks.write_floor", "--warehouse", args.warehouse, "--domain", args.domain]
        child += ["--workdir", str(work), "--mode", mode, "--tables", ",".join(tables)]
        out = subprocess.run(child, check=True, capture_output=True, text=True).stdout
        result[mode] = json.loads(out.strip().splitlines()[-1]) | {"process_s": round(time.perf_counter() - clock, 1)}
    print(json.dumps(result))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
