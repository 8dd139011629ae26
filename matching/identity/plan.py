"""The rows a resolve run writes, derived from the profiles it assigned (pure DataFrame functions).

A run plans every change before its first commit (lifecycle.journal); these build that plan: the
traveller -> profile mapping, the merge records and the profile registry changes.
"""

from __future__ import annotations

from datetime import datetime

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from matching.identity.edges import SINGLE, traveller_rules


def profile_mapping(
    assigned: DataFrame, edges: DataFrame, rule_order: list[str], domain: str, started: datetime, run_id: str
) -> DataFrame:
    """``identity/traveller_profiles`` rows: each traveller's profile and the best rule that joined it."""
    return assigned.join(traveller_rules(edges, rule_order), "traveller_id", "left").select(
        F.lit(domain).alias("domain"),
        "traveller_id",
        "profile_id",
        F.coalesce("rule", F.lit(SINGLE)).alias("rule"),
        F.lit(started).cast("timestamp").alias("updated_at"),
        F.lit(run_id).alias("run_id"),
    )


def merge_rows(absorbed: DataFrame, domain: str, run_id: str, started: datetime) -> DataFrame:
    """``identity/profile_merges`` rows of the absorptions (with their reasons) of one run."""
    return absorbed.select(
        F.lit(domain).alias("domain"),
        "from_profile_id",
        "to_profile_id",
        "reason",
        F.lit(run_id).alias("run_id"),
        F.lit(started).cast("timestamp").alias("merged_at"),
        "traveller_ids",
        F.lit(None).cast("timestamp").alias("undone_at"),
    )


def registry_changes(
    assigned: DataFrame, absorbed: DataFrame, registry: DataFrame, domain: str, started: datetime, run_id: str
) -> DataFrame:
    """``identity/profiles`` rows whose status or ``merged_into`` changed (new profiles are active).

    A profile merged away before it was ever registered is not registered at all.
    """
    live = (
        assigned.select("profile_id")
        .distinct()
        .withColumn("status", F.lit("active"))
        .withColumn("merged_into", F.lit(None).cast("string"))
    )
    gone = absorbed.select(
        F.col("from_profile_id").alias("profile_id"),
        F.lit("merged").alias("status"),
        F.col("to_profile_id").alias("merged_into"),
    )
    wanted = live.unionByName(gone).join(registry.select("profile_id", "created_at"), "profile_id", "left")
    return (
        wanted.join(
            registry.select("profile_id", F.col("status").alias("_s"), F.col("merged_into").alias("_m")),
            "profile_id",
            "left",
        )
        .where(~(F.col("_s").eqNullSafe(F.col("status")) & F.col("_m").eqNullSafe(F.col("merged_into"))))
        .where(F.col("created_at").isNotNull() | (F.col("status") == "active"))
        .select(
            F.lit(domain).alias("domain"),
            "profile_id",
            F.coalesce("created_at", F.lit(started).cast("timestamp")).alias("created_at"),
            "status",
            "merged_into",
            F.lit(started).cast("timestamp").alias("updated_at"),
            F.lit(run_id).alias("run_id"),
        )
    )
