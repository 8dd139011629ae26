"""Edges of identity resolution: split groups, each traveller's best rule, why a profile was absorbed."""

from __future__ import annotations

from chispa import assert_df_equality

from matching.identity.edges import manual_edges, merge_reasons, split_filter, traveller_rules

EDGES = "src string, dst string, rule string"
ORDER = ["manual", "email", "phone"]


def test_split_filter_drops_only_edges_across_split_groups(spark):
    edges = spark.createDataFrame(
        [("a", "b", "email"), ("a", "c", "email"), ("c", "d", "phone"), ("b", "e", "phone")], EDGES
    )
    splits = spark.createDataFrame(
        [("x", "a", "g1"), ("x", "b", "g1"), ("x", "c", "g2")], "domain string, traveller_id string, split_group string"
    )
    expected = spark.createDataFrame([("a", "b", "email"), ("c", "d", "phone"), ("b", "e", "phone")], EDGES)
    assert_df_equality(split_filter(edges, splits), expected, ignore_row_order=True, ignore_column_order=True)


def test_traveller_rules_keep_the_highest_priority_rule_per_traveller(spark):
    edges = spark.createDataFrame(
        [("t1", "t2", "phone"), ("t1", "t3", "email"), ("t4", "t5", "zeta"), ("t4", "t6", "alpha")], EDGES
    )
    expected = spark.createDataFrame(
        [("t1", "email"), ("t2", "phone"), ("t3", "email"), ("t4", "alpha"), ("t5", "zeta"), ("t6", "alpha")],
        "traveller_id string, rule string",
    )
    # Rules outside the order tie last and fall back to the name: t4 gets alpha over zeta.
    assert_df_equality(traveller_rules(edges, ORDER), expected, ignore_row_order=True, ignore_nullable=True)


def test_merge_reasons_manual_auto_match_best_crossing_rule_or_rule(spark):
    current = spark.createDataFrame(
        [(f"t{i}", f"P{i}", "r") for i in range(1, 7)], "traveller_id string, profile_id string, rule string"
    )
    edges = spark.createDataFrame([("t1", "t2", "phone"), ("t2", "t1", "email"), ("t3", "t1", "phone")], EDGES)
    demoted = spark.createDataFrame(
        [("P3", "cli"), ("P4", "auto-match"), ("P4", "auto-match"), ("P6", "auto-match"), ("P6", None)],
        "profile_id string, origin string",
    )
    absorbed = spark.createDataFrame(
        [(f"P{i}", "P1", [f"t{i}"]) for i in (2, 3, 4, 5, 6)],
        "from_profile_id string, to_profile_id string, traveller_ids array<string>",
    )
    reasons = merge_reasons(absorbed, current, edges, demoted, ORDER)
    assert reasons.columns == ["from_profile_id", "to_profile_id", "traveller_ids", "reason"]
    found = {r["from_profile_id"]: r["reason"] for r in reasons.collect()}
    assert found == {"P2": "email", "P3": "manual", "P4": "auto-match", "P5": "rule", "P6": "manual"}


def test_merge_reasons_without_origin_column_are_manual(spark):
    current = spark.createDataFrame([("t1", "P1"), ("t2", "P2")], "traveller_id string, profile_id string")
    edges = spark.createDataFrame([], EDGES)
    demoted = spark.createDataFrame([("P2",)], "profile_id string")
    absorbed = spark.createDataFrame([("P2", "P1")], "from_profile_id string, to_profile_id string")
    assert [r["reason"] for r in merge_reasons(absorbed, current, edges, demoted, ORDER).collect()] == ["manual"]


def test_manual_edges_are_rule_manual(spark):
    links = spark.createDataFrame(
        [("t1", "t2", True)], "source_traveller_id string, target_traveller_id string, active boolean"
    )
    assert [tuple(r) for r in manual_edges(links).collect()] == [("t1", "t2", "manual")]
