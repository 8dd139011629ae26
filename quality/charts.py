"""The chart data of ``upt report`` and the page it renders (quality.report) from the status.

Charts: objects per landing day, ingestion errors per type, profile merges per resolve run and the
match score histogram (when `upt match` has written ``matching/profile_matches``).
"""

from __future__ import annotations

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from quality.frames import objects_per_day
from quality.report import render
from quality.status import accp_frames, gather_status, read
from runtime.config import Settings

HISTOGRAM_BINS = 10


def chart_data(spark: SparkSession, settings: Settings, domain: str) -> dict[str, list[tuple[str, float]]]:
    """Small aggregates for the charts (each a few dozen rows at most)."""
    charts: dict[str, list[tuple[str, float]]] = {}
    accp = accp_frames(spark, settings, domain)
    per_day = []
    if accp:
        rows = objects_per_day(accp).groupBy("landing_date").agg(F.sum("objects").alias("n")).orderBy("landing_date")
        per_day = [(r["landing_date"], float(r["n"])) for r in rows.collect()]
    charts["Objects per landing day"] = per_day

    errors = read(spark, settings, "ops", "ingestion_errors", domain)
    charts["Ingestion errors per type"] = (
        [
            (r["error_type"], float(r["count"]))
            for r in errors.groupBy("error_type").count().orderBy("error_type").collect()
        ]
        if errors is not None
        else []
    )

    merges = read(spark, settings, "identity", "profile_merges", domain)
    charts["Profile merges per run"] = (
        [
            (r["run_id"], float(r["n"]))
            for r in merges.groupBy("run_id")
            .agg(F.count("*").alias("n"), F.min("merged_at").alias("at"))
            .orderBy("at")
            .collect()
        ]
        if merges is not None
        else []
    )

    matches = read(spark, settings, "matching", "profile_matches", domain)
    histogram = []
    if matches is not None and "match_probability" in matches.columns:
        bucket = F.least(F.floor(F.col("match_probability") * HISTOGRAM_BINS), F.lit(HISTOGRAM_BINS - 1))
        counts = {
            int(r["b"]): float(r["n"])
            for r in matches.where(F.col("match_probability").isNotNull())
            .groupBy(bucket.alias("b"))
            .agg(F.count("*").alias("n"))
            .collect()
        }
        if counts:
            histogram = [
                (f"{b / HISTOGRAM_BINS:.1f}-{(b + 1) / HISTOGRAM_BINS:.1f}", counts.get(b, 0.0))
                for b in range(HISTOGRAM_BINS)
            ]
    charts["Match score histogram (match probability)"] = histogram
    return charts


def build_report(spark: SparkSession, settings: Settings, domain: str) -> str:
    return render(gather_status(spark, settings, domain), chart_data(spark, settings, domain))
