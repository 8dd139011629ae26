"""The profile pairs the prediction blocking rules compare, and the share of true pairs among them.

Splink compares exactly these pairs; computing them with plain Spark equality joins lets
`upt evaluate` report blocking recall (how many true pairs can be scored at all) apart from scoring
quality, without keeping every scored pair.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from matching.profile_features import FEATURE_COLUMNS, identified
from matching.splink_settings import UNIQUE_ID, MatchingConf, block_key_column

# Between a key's parts: a character no name, date or address holds, so ("ab", "c") <> ("a", "bc").
KEY_SEPARATOR = "\x1f"


def _key(rule: list[str]) -> Column:
    """The rule's columns as one string; NULL when any part is (a missing field never blocks)."""
    parts = [F.col(c).cast("string") for c in rule]
    joined = [part for i, part in enumerate(parts) for part in ((F.lit(KEY_SEPARATOR), part) if i else (part,))]
    return F.concat(*joined)


def with_block_keys(features: DataFrame, rules: list, max_block_size: int | None) -> DataFrame:
    """``features`` plus one key column per column-list rule (``block_key_column``), NULL for a
    profile whose key value more than ``max_block_size`` profiles hold.

    Block purging: the profiles sharing a crowded name key (every John Smith) are left to the
    keys with a date or place part, which split them into small blocks. All rules' keys are sized
    in one pass over a long (profile, rule, key) frame: one shuffle for the sizes and one to
    bring the keys back beside their profile, whatever the number of rules.
    """
    keyed = [rule for rule in rules if isinstance(rule, list)]
    if not keyed:
        return features
    names = [block_key_column(rule) for rule in keyed]
    entries = F.array(
        *[F.struct(F.lit(n).alias("rule"), _key(r).alias("key")) for n, r in zip(names, keyed, strict=True)]
    )
    long = (
        features.select(UNIQUE_ID, F.explode(entries).alias("entry"))
        .select(UNIQUE_ID, "entry.rule", "entry.key")
        .where(F.col("key").isNotNull())
    )
    if max_block_size is not None:
        size = F.count(F.lit(1)).over(Window.partitionBy("rule", "key"))
        long = long.withColumn("_size", size).where(F.col("_size") <= max_block_size).drop("_size")
    wide = long.groupBy(UNIQUE_ID).pivot("rule", names).agg(F.first("key"))
    return features.join(wide, UNIQUE_ID, "left")


def scoring_input(features: DataFrame, conf: MatchingConf) -> DataFrame:
    """What Splink reads: the identified profiles' feature columns and their prediction keys."""
    compared = identified(features.select(*FEATURE_COLUMNS))
    return with_block_keys(compared, conf.blocking_rules, conf.max_block_size)


def _rule_keys(features: DataFrame, rules: list) -> DataFrame:
    """(profile_id, rule, key) rows: one per rule a profile has a key for (one per array element of
    an ``explode`` rule); a NULL key never blocks."""
    entries = []
    for index, rule in enumerate(rules):
        if isinstance(rule, dict):
            values = F.coalesce(F.col(rule["explode"]), F.array())
            entries.append(
                F.transform(values, lambda v, i=index: F.struct(F.lit(i).alias("rule"), v.cast("string").alias("key")))
            )
        else:
            key = F.col(block_key_column(rule)).cast("string").alias("key")
            entries.append(F.array(F.struct(F.lit(index).alias("rule"), key)))
    return (
        features.select(UNIQUE_ID, F.explode(F.concat(*entries)).alias("entry"))
        .select(UNIQUE_ID, "entry.rule", "entry.key")
        .where(F.col("key").isNotNull())
    )


def blocked_pairs(features: DataFrame, rules: list, max_block_size: int | None = None) -> DataFrame:
    """Distinct (source_profile_id, target_profile_id), source < target, that any rule joins
    (the pairs Splink compares, with the same cap on crowded keys).

    Every rule's keys in one long frame and one self-join on (rule, key): a join per rule planned
    the key sizes' window and pivot into each of its two sides (5-6 s for a few rows, warm).
    """
    keys = _rule_keys(with_block_keys(features, rules, max_block_size), rules)
    left = keys.select(F.col(UNIQUE_ID).alias("source_profile_id"), "rule", "key")
    right = keys.select(F.col(UNIQUE_ID).alias("target_profile_id"), "rule", "key")
    joined = left.join(right, ["rule", "key"]).where(F.col("source_profile_id") < F.col("target_profile_id"))
    return joined.select("source_profile_id", "target_profile_id").distinct()


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
