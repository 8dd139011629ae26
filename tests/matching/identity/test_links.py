"""Manual links of merges and merge requests, and the split groups of an unmerge."""

from __future__ import annotations

import hashlib
from datetime import datetime

from chispa import assert_df_equality

from matching.identity.links import LINK_COLUMNS, pair_links, request_links, split_rows

NOW = datetime(2024, 5, 1, 12, 0)
MAPPING = "traveller_id string, profile_id string"
PAIRS = "from_profile_id string, to_profile_id string"
ACTIVE = "source_traveller_id string, target_traveller_id string"


def test_pair_links_join_smallest_travellers_and_skip_self_unknown_and_linked_pairs(spark):
    mapping = spark.createDataFrame(
        [("t2", "P1"), ("t1", "P1"), ("t4", "P2"), ("t3", "P2"), ("t5", "P3"), ("t6", "P4")], MAPPING
    )
    pairs = spark.createDataFrame([("P2", "P1"), ("P1", "P1"), ("P3", "P1"), ("P9", "P1"), ("P4", "P1")], PAIRS)
    active = spark.createDataFrame([("t5", "t1")], ACTIVE)  # P3 -> P1 is linked already
    links = pair_links(pairs, mapping, active, "d", "auto-match", NOW)
    assert links.columns == list(LINK_COLUMNS)
    found = sorted(tuple(r) for r in links.collect())

    def link_id(source: str, target: str) -> str:
        return hashlib.sha256(f"auto-match|{source}|{target}".encode()).hexdigest()

    assert found == [
        ("d", link_id("P2", "P1"), "t3", "t1", "P2", "P1", "auto-match", NOW, True),
        ("d", link_id("P4", "P1"), "t6", "t1", "P4", "P1", "auto-match", NOW, True),
    ]


def test_request_links_map_profiles_and_skip_incomplete_and_known_requests(spark):
    requests = spark.createDataFrame(
        [("d", "f.jsonl", 1, "t1", "t2"), ("d", "f.jsonl", 2, "t3", None), ("d", "f.jsonl", 3, "t4", "t1")],
        "domain string, source_file string, line_number int, source_traveller_id string, target_traveller_id string",
    )
    current = spark.createDataFrame([("t1", "P1"), ("t2", "P2")], MAPPING)
    known = hashlib.sha256(b"request|f.jsonl|3|t4").hexdigest()
    existing = spark.createDataFrame([(known,)], "link_id string")
    links = request_links(requests, current, existing, NOW)
    assert links.columns == list(LINK_COLUMNS)
    (row,) = links.collect()
    assert row.asDict() == {
        "domain": "d",
        "link_id": hashlib.sha256(b"request|f.jsonl|1|t1").hexdigest(),
        "source_traveller_id": "t1",
        "target_traveller_id": "t2",
        "from_profile_id": "P1",
        "to_profile_id": "P2",
        "origin": "merge_request",
        "created_at": NOW,
        "active": True,
    }


def test_split_rows_separate_restored_travellers_from_the_rest(spark):
    restored = spark.createDataFrame([("t1",), ("t2",)], "traveller_id string")
    holder = spark.createDataFrame([("t1", "H"), ("t2", "H"), ("t3", "H"), ("t4", "H")], MAPPING)
    splits = split_rows(restored, holder, "A", "H", "d", NOW, "run-1")
    expected = spark.createDataFrame(
        [("d", t, group, NOW, "run-1") for t, group in (("t1", "A"), ("t2", "A"), ("t3", "H"), ("t4", "H"))],
        "domain string, traveller_id string, split_group string, created_at timestamp, run_id string",
    )
    assert_df_equality(splits, expected, ignore_row_order=True, ignore_nullable=True)
