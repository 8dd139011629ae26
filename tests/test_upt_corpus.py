"""The UPT-shaped benchmark corpus: layout, record count and distinct ids per replica."""

from __future__ import annotations

import json

from benchmarks.upt_corpus import DAY, DOMAIN, build_corpus

POOL = [
    ("hotel_stay", {"id": "S1", "guestId": "G1", "revenue": [{"type": "room"}]}),
    ("clickstream", {"event_type": "search", "userId": "U1", "session": {"id": "X1"}}),
    ("pax_profile", {"id": "P1", "firstName": "Ann"}),
]


def test_corpus_cycles_the_pool_with_a_distinct_id_per_replica(tmp_path):
    stats = build_corpus(tmp_path, 7, POOL)
    assert {k: v["lines"] for k, v in stats.items()} == {"clickstream": 2, "hotel_stay": 3, "pax_profile": 2}
    stays = (tmp_path / "hotel_stay" / DOMAIN / DAY / "part-0.jsonl").read_text().splitlines()
    assert [json.loads(s)["id"] for s in stays] == ["S1", "S1-r1", "S1-r2"]
    assert [json.loads(s)["guestId"] for s in stays] == ["G1", "G1", "G1"]
    clicks = [
        json.loads(s) for s in (tmp_path / "clickstream" / DOMAIN / DAY / "part-0.jsonl").read_text().splitlines()
    ]
    assert [(c["userId"], c["session"]["id"]) for c in clicks] == [("U1", "X1"), ("U1-r1", "X1-r1")]
    assert stats["pax_profile"]["bytes"] == len(
        (tmp_path / "pax_profile" / DOMAIN / DAY / "part-0.jsonl").read_text().encode("utf-8")
    )
