"""The rows a resolve run plans: the mapping, the merge records and the registry changes."""

from __future__ import annotations

from datetime import datetime

from chispa import assert_df_equality

from matching.identity.plan import merge_rows, profile_mapping, registry_changes

NOW = datetime(2024, 5, 1, 12, 0)
CREATED = datetime(2024, 1, 1)
ASSIGNED = "traveller_id string, profile_id string"


def test_profile_mapping_names_the_rule_or_the_single_traveller(spark):
    assigned = spark.createDataFrame([("t1", "P1"), ("t2", "P1"), ("t3", "P3")], ASSIGNED)
    edges = spark.createDataFrame([("t1", "t2", "email")], "src string, dst string, rule string")
    rows = profile_mapping(assigned, edges, ["manual", "email"], "d", NOW, "run-1")
    assert rows.columns == ["domain", "traveller_id", "profile_id", "rule", "updated_at", "run_id"]
    assert sorted(tuple(r) for r in rows.collect()) == [
        ("d", "t1", "P1", "email", NOW, "run-1"),
        ("d", "t2", "P1", "email", NOW, "run-1"),
        ("d", "t3", "P3", "traveller_id", NOW, "run-1"),
    ]


def test_merge_rows_are_open_merges_of_the_run(spark):
    absorbed = spark.createDataFrame(
        [("P2", "P1", "email", ["t2"])],
        "from_profile_id string, to_profile_id string, reason string, traveller_ids array<string>",
    )
    (row,) = merge_rows(absorbed, "d", "run-1", NOW).collect()
    assert row.asDict() == {
        "domain": "d",
        "from_profile_id": "P2",
        "to_profile_id": "P1",
        "reason": "email",
        "run_id": "run-1",
        "merged_at": NOW,
        "traveller_ids": ["t2"],
        "undone_at": None,
    }


def test_registry_changes_only_new_and_changed_profiles(spark):
    registry = spark.createDataFrame(
        [("P1", CREATED, "active", None), ("P2", CREATED, "active", None), ("P5", CREATED, "merged", "P1")],
        "profile_id string, created_at timestamp, status string, merged_into string",
    )
    assigned = spark.createDataFrame([("t1", "P1"), ("t2", "P1"), ("t3", "P3")], ASSIGNED)
    # P2 merged into P1 now; P4 was never registered and is merged away: it is not registered at all.
    absorbed = spark.createDataFrame([("P2", "P1"), ("P4", "P1")], "from_profile_id string, to_profile_id string")
    changes = registry_changes(assigned, absorbed, registry, "d", NOW, "run-1")
    expected = spark.createDataFrame(
        [("d", "P2", CREATED, "merged", "P1", NOW, "run-1"), ("d", "P3", NOW, "active", None, NOW, "run-1")],
        "domain string, profile_id string, created_at timestamp, status string, merged_into string, "
        "updated_at timestamp, run_id string",
    )
    assert_df_equality(changes, expected, ignore_row_order=True, ignore_nullable=True)
