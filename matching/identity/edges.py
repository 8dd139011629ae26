"""The links of identity resolution: which rule joined whom, and why a profile was absorbed.

Pure DataFrame functions over edges ``(src, dst, rule)`` between traveller ids; rule priority is
the order of ``conf/rules.yaml`` after manual links.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

MANUAL = "manual"
AUTO_MATCH = "auto-match"
SINGLE = "traveller_id"


def manual_edges(links: DataFrame) -> DataFrame:
    """Active manual links as edges of rule ``manual``."""
    return links.select(
        F.col("source_traveller_id").alias("src"),
        F.col("target_traveller_id").alias("dst"),
        F.lit(MANUAL).alias("rule"),
    )


def split_filter(edges: DataFrame, splits: DataFrame) -> DataFrame:
    """Drop edges between travellers that an unmerge put in different split groups."""
    groups = splits.select("traveller_id", "split_group")
    return (
        edges.join(
            groups.withColumnRenamed("traveller_id", "src").withColumnRenamed("split_group", "gs"), "src", "left"
        )
        .join(groups.withColumnRenamed("traveller_id", "dst").withColumnRenamed("split_group", "gd"), "dst", "left")
        .where(F.col("gs").isNull() | F.col("gd").isNull() | (F.col("gs") == F.col("gd")))
        .drop("gs", "gd")
    )


def rule_priority(rule_order: list[str]) -> F.Column:
    """Index of ``rule`` in ``rule_order`` (unknown rules last): lower wins."""
    expr = F.lit(len(rule_order))
    for index, name in reversed(list(enumerate(rule_order))):
        expr = F.when(F.col("rule") == name, F.lit(index)).otherwise(expr)
    return expr


def traveller_rules(edges: DataFrame, rule_order: list[str]) -> DataFrame:
    """(traveller_id, rule): the highest-priority rule among the traveller's links."""
    ends = edges.select(F.col("src").alias("traveller_id"), "rule").unionByName(
        edges.select(F.col("dst").alias("traveller_id"), "rule")
    )
    best = Window.partitionBy("traveller_id").orderBy("priority", "rule")
    return (
        ends.withColumn("priority", rule_priority(rule_order))
        .withColumn("_r", F.row_number().over(best))
        .where("_r = 1")
        .select("traveller_id", "rule")
    )


def merge_reasons(
    absorbed: DataFrame, current: DataFrame, edges: DataFrame, demoted: DataFrame, rule_order: list[str]
) -> DataFrame:
    """Reason of each absorption: manual if manually merged, else the best rule crossing its border."""
    profile = current.select("traveller_id", "profile_id")
    both = edges.unionByName(edges.select(F.col("dst").alias("src"), F.col("src").alias("dst"), "rule"))
    crossing = (
        both.join(
            profile.withColumnRenamed("traveller_id", "src").withColumnRenamed("profile_id", "from_profile_id"), "src"
        )
        .join(profile.withColumnRenamed("traveller_id", "dst").withColumnRenamed("profile_id", "pd"), "dst", "left")
        .where(F.col("pd").isNull() | (F.col("pd") != F.col("from_profile_id")))
        .withColumn("priority", rule_priority(rule_order))
        .groupBy("from_profile_id")
        .agg(F.min(F.struct("priority", "rule")).alias("best"))
        .select("from_profile_id", F.col("best.rule").alias("crossing_rule"))
    )
    # A profile demoted only by automatic links (upt match auto-merge) keeps that origin as its reason.
    origin = F.col("origin") if "origin" in demoted.columns else F.lit(MANUAL)
    manual = demoted.groupBy(F.col("profile_id").alias("from_profile_id")).agg(
        F.lit(1).alias("is_manual"),
        F.when(F.min(F.coalesce(origin, F.lit(MANUAL)) == AUTO_MATCH), F.lit(AUTO_MATCH))
        .otherwise(F.lit(MANUAL))
        .alias("_manual_reason"),
    )
    return (
        absorbed.join(crossing, "from_profile_id", "left")
        .join(manual, "from_profile_id", "left")
        .withColumn(
            "reason",
            F.when(F.col("is_manual") == 1, F.col("_manual_reason")).otherwise(
                F.coalesce("crossing_rule", F.lit("rule"))
            ),
        )
        .drop("crossing_rule", "is_manual", "_manual_reason")
    )
