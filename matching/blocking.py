"""The profile pairs the prediction blocking rules compare, and the share of true pairs among them.

Splink compares exactly these pairs; computing them with plain Spark equality joins lets
`upt evaluate` report blocking recall (how many true pairs can be scored at all) apart from scoring
quality, without keeping every scored pair.
"""

from __future__ import annotations

from functools import reduce

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from matching.splink_settings import UNIQUE_ID


def _keys(features: DataFrame, rule: list | dict) -> DataFrame:
    """(profile_id, _key...) rows of one rule; rows with a NULL key part never block."""
    if isinstance(rule, dict):
        column = rule["explode"]
        rows = features.select(UNIQUE_ID, F.explode(column).alias("_k0"))
        return rows.where(F.col("_k0").isNotNull())
    rows = features.select(UNIQUE_ID, *[F.col(c).cast("string").alias(f"_k{i}") for i, c in enumerate(rule)])
    return rows.dropna(subset=[f"_k{i}" for i in range(len(rule))])


def blocked_pairs(features: DataFrame, rules: list) -> DataFrame:
    """Distinct (source_profile_id, target_profile_id), source < target, that any rule joins."""
    parts = []
    for rule in rules:
        keys = _keys(features, rule)
        names = [c for c in keys.columns if c != UNIQUE_ID]
        left = keys.select(F.col(UNIQUE_ID).alias("source_profile_id"), *names)
        right = keys.select(F.col(UNIQUE_ID).alias("target_profile_id"), *names)
        joined = left.join(right, names).where(F.col("source_profile_id") < F.col("target_profile_id"))
        parts.append(joined.select("source_profile_id", "target_profile_id"))
    return reduce(DataFrame.unionByName, parts).distinct()


def blocking_recall(mapping: DataFrame, truth: DataFrame, pairs: DataFrame) -> dict:
    """Share of true traveller pairs that one profile holds (the rules joined them) or a blocked pair reaches.

    ``mapping``: (traveller_id, profile_id); ``truth``: (traveller_id, person_id); ``pairs``: from
    blocked_pairs. Pairs are counted from per-(person, profile) sizes, never enumerated per traveller.
    """
    sizes = (
        mapping.join(truth, "traveller_id")
        .groupBy("person_id", "profile_id")
        .agg(F.count("*").alias("n"))
        .localCheckpoint()
    )
    per_person = sizes.groupBy("person_id").agg(F.sum("n").alias("n"))
    total = per_person.agg(F.sum(F.col("n") * (F.col("n") - 1) / 2)).first()[0] or 0
    within = sizes.agg(F.sum(F.col("n") * (F.col("n") - 1) / 2)).first()[0] or 0
    a = sizes.select("person_id", F.col("profile_id").alias("source_profile_id"), F.col("n").alias("na"))
    b = sizes.select("person_id", F.col("profile_id").alias("target_profile_id"), F.col("n").alias("nb"))
    across = a.join(b, "person_id").where(F.col("source_profile_id") < F.col("target_profile_id"))
    reached = across.join(pairs, ["source_profile_id", "target_profile_id"], "left_semi")
    blocked = reached.agg(F.sum(F.col("na") * F.col("nb"))).first()[0] or 0
    return {
        "true_pairs": int(total),
        "same_profile_pairs": int(within),
        "blocked_pairs_reached": int(blocked),
        "recall": (within + blocked) / total if total else 1.0,
    }
