"""Print row counts of a domain's tables and its last job runs (used by `make demo`)."""

from __future__ import annotations

import argparse
import sys

from pyspark.sql import functions as F

from runtime.config import LAYERS, load_settings
from storage.delta_io import table_exists, table_names


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    parser.add_argument("--landing")


def run(args: argparse.Namespace) -> int:
    from runtime.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse, "landing": args.landing})
    spark = build_spark(settings, app_name=f"upt-summary-{args.domain}")
    print(f"domain {args.domain} in {settings.warehouse}")
    for layer in LAYERS:
        for name in table_names(spark, settings, layer):
            path = settings.table_path(layer, name)
            if not table_exists(spark, path):
                continue
            count = spark.read.format("delta").load(path).where(F.col("domain") == args.domain).count()
            print(f"  {layer}/{name:<32} {count:>10,d} rows")
    runs_path = settings.table_path("ops", "job_runs")
    if table_exists(spark, runs_path):
        print("last runs:")
        (
            spark.read.format("delta")
            .load(runs_path)
            .where(F.col("domain") == args.domain)
            .orderBy(F.col("started_at").desc())
            .select(
                "job",
                "status",
                "lines_read",
                "lines_accepted",
                "lines_rejected",
                F.round("duration_s", 1).alias("seconds"),
            )
            .show(5, truncate=False)
        )
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.summary"))
