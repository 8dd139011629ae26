"""Stored matches for review: floor, profile filter, order and limit."""

from __future__ import annotations

from matching.model.review import best_matches

MATCHES = "source_profile_id string, target_profile_id string, match_probability double, match_weight double, model_version string"


def test_best_matches_filter_order_round_and_limit(spark):
    matches = spark.createDataFrame(
        [
            ("A", "B", 0.95, 4.3219, "v1"),
            ("A", "C", 0.4, -0.5, "v1"),
            ("B", "D", 0.99, 6.6, "v1"),
            ("C", "D", 0.99, 6.6, "v1"),
            ("E", "F", 0.123456789, -2.8, "v1"),
        ],
        MATCHES,
    )
    found = best_matches(matches, 0.5, None, 2)
    assert [(r["source_profile_id"], r["target_profile_id"]) for r in found] == [("B", "D"), ("C", "D")]
    of_a = best_matches(matches, 0.1, "A", 10)
    assert of_a == [
        {
            "source_profile_id": "A",
            "target_profile_id": "B",
            "match_probability": 0.95,
            "match_weight": 4.322,
            "model_version": "v1",
        },
        {
            "source_profile_id": "A",
            "target_profile_id": "C",
            "match_probability": 0.4,
            "match_weight": -0.5,
            "model_version": "v1",
        },
    ]
    assert best_matches(matches, 0.1, "F", 10)[0]["match_probability"] == 0.123457
