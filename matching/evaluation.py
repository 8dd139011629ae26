"""Pairwise precision and recall of a traveller -> profile mapping against a ground truth.

Pairs are counted from group sizes (n * (n - 1) / 2), never enumerated, so this scales with the
number of travellers rather than with the number of pairs.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def _pairs(df: DataFrame, *keys: str) -> int:
    sizes = df.groupBy(*keys).agg(F.count("*").alias("n"))
    return int(sizes.agg(F.sum(F.col("n") * (F.col("n") - 1) / 2)).first()[0] or 0)


def pairwise_scores(mapping: DataFrame, truth: DataFrame) -> dict:
    """``mapping``: (traveller_id, profile_id); ``truth``: (traveller_id, person_id).

    Only travellers present in both are scored. Returns precision, recall, pair counts and the
    number of profiles and persons among the scored travellers.
    """
    joined = (
        mapping.select("traveller_id", "profile_id")
        .join(truth.select("traveller_id", "person_id").distinct(), "traveller_id")
        .cache()
    )
    predicted = _pairs(joined, "profile_id")
    actual = _pairs(joined, "person_id")
    correct = _pairs(joined, "profile_id", "person_id")
    counts = joined.agg(
        F.count("*").alias("travellers"),
        F.countDistinct("profile_id").alias("profiles"),
        F.countDistinct("person_id").alias("persons"),
    ).first()
    joined.unpersist()
    return {
        "precision": correct / predicted if predicted else 1.0,
        "recall": correct / actual if actual else 1.0,
        "predicted_pairs": predicted,
        "true_pairs": actual,
        "correct_pairs": correct,
        "travellers": counts["travellers"],
        "profiles": counts["profiles"],
        "persons": counts["persons"],
    }
