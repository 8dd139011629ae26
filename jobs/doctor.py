"""Check the runtime end to end: Spark starts, Delta writes and reads the warehouse, S3 is reachable.

    ./spark-submit.sh doctor --warehouse s3://bucket/warehouse
    upt doctor

The smallest real job: run it first on a new cluster or Glue account.
"""

from __future__ import annotations

import argparse
import json
import sys

from runtime.config import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--landing")
    parser.add_argument("--domain", default="doctor", help="domain written to the check table")


def run(args: argparse.Namespace) -> int:
    from pyspark.sql import functions as F

    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse, "landing": args.landing})
    spark = build_spark(settings, app_name="upt-doctor")
    path = settings.table_path("ops", "runtime_check")
    spark.range(3).select(F.lit(args.domain).alias("domain"), F.col("id")).write.format("delta").mode(
        "overwrite"
    ).partitionBy("domain").save(path)
    rows = spark.read.format("delta").load(path).count()
    report = {
        "spark": spark.version,
        "delta_table": path,
        "rows_read_back": rows,
        "ok": rows == 3,
    }
    print(json.dumps(report, sort_keys=True))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.doctor"))
