"""Stable profile ids for connected components.

A component keeps the id its travellers already had. When several existing profiles fall into one
component, the oldest (creation time, then smallest id) survives and the others are absorbed; a
profile that was manually merged into another never survives over its target. After an unmerge, the
travellers carry a split group naming the profile they were restored to, which wins over everything.
A component with no usable id gets ``prof-`` + a hash of its smallest traveller id.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

ID_PREFIX = "prof-"


def new_profile_id(seed: Column) -> Column:
    """Deterministic id of a new component: ``prof-`` + 24 hex chars of SHA-256 of ``seed``."""
    return F.concat(F.lit(ID_PREFIX), F.substring(F.sha2(seed, 256), 1, 24))


def assign_profiles(
    components: DataFrame,
    current: DataFrame,
    registry: DataFrame,
    demoted: DataFrame,
    splits: DataFrame,
    run_id: str,
) -> DataFrame:
    """(traveller_id, component, profile_id) for every traveller of ``components``.

    ``components``: (traveller_id, component); ``current``: (traveller_id, profile_id) from the last
    run; ``registry``: (profile_id, created_at) of every id ever issued; ``demoted``: (profile_id) of
    manually absorbed profiles; ``splits``: (traveller_id, split_group) written by unmerge.
    """
    by_split = (
        components.join(splits, "traveller_id")
        .groupBy("component", F.col("split_group").alias("profile_id"))
        .agg(F.count("*").alias("members"))
        .withColumn("priority", F.lit(0))
    )
    by_current = (
        components.join(current.select("traveller_id", "profile_id"), "traveller_id")
        .groupBy("component", "profile_id")
        .agg(F.count("*").alias("members"))
        .withColumn("priority", F.lit(1))
    )
    candidates = (
        by_split.unionByName(by_current)
        .join(registry.select("profile_id", "created_at"), "profile_id", "left")
        .join(demoted.select("profile_id").distinct().withColumn("demoted", F.lit(1)), "profile_id", "left")
        .withColumn("demoted", F.coalesce("demoted", F.lit(0)))
    )
    best = Window.partitionBy("component").orderBy(
        "priority", "demoted", F.col("created_at").asc_nulls_last(), "profile_id"
    )
    chosen = candidates.withColumn("_r", F.row_number().over(best)).where("_r = 1").drop("_r")
    # One profile id, one component: the component holding most of its travellers keeps it.
    claim = Window.partitionBy("profile_id").orderBy(F.col("members").desc(), "component")
    winners = chosen.withColumn("_r", F.row_number().over(claim)).where("_r = 1").select("component", "profile_id")
    taken = winners.select("profile_id").unionByName(registry.select("profile_id")).distinct()
    orphans = (
        components.select("component")
        .distinct()
        .join(winners, "component", "left_anti")
        .withColumn("profile_id", new_profile_id(F.col("component")))
    )
    # An id already issued (or kept by another component) is salted with the run id instead.
    collided = orphans.join(taken.withColumn("_taken", F.lit(1)), "profile_id", "left").select(
        "component",
        F.when(F.col("_taken").isNull(), F.col("profile_id"))
        .otherwise(new_profile_id(F.concat_ws(":", "component", F.lit(run_id))))
        .alias("profile_id"),
    )
    return components.join(winners.unionByName(collided), "component")


def absorbed_profiles(current: DataFrame, assigned: DataFrame) -> DataFrame:
    """(from_profile_id, to_profile_id, traveller_ids) for ids that no longer name any component.

    The target is the profile that received most of the absorbed profile's travellers.
    """
    live = assigned.select("profile_id").distinct()
    gone = current.select("traveller_id", F.col("profile_id").alias("from_profile_id")).join(
        live.withColumnRenamed("profile_id", "from_profile_id"), "from_profile_id", "left_anti"
    )
    moved = gone.join(assigned.select("traveller_id", F.col("profile_id").alias("to_profile_id")), "traveller_id")
    counts = moved.groupBy("from_profile_id", "to_profile_id").agg(F.count("*").alias("n"))
    top = Window.partitionBy("from_profile_id").orderBy(F.col("n").desc(), "to_profile_id")
    members = moved.groupBy("from_profile_id").agg(F.sort_array(F.collect_list("traveller_id")).alias("traveller_ids"))
    targets = counts.withColumn("_r", F.row_number().over(top)).where("_r = 1").drop("_r", "n")
    return targets.join(members, "from_profile_id")
