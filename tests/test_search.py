"""`upt search` and `upt show` through the CLI (in process, reusing the test session) on a tiny warehouse."""

from __future__ import annotations

import json

import pytest

from jobs.cli import main
from publishing.gold import PROFILE_MERGES, build_traveller
from tests.test_gold import D, day, make_warehouse, write

pytestmark = pytest.mark.e2e  # whole gold builds on Delta tables: `make test` only


@pytest.fixture(scope="module")
def warehouse(spark, tmp_path_factory):
    settings = make_warehouse(spark, str(tmp_path_factory.mktemp("search_wh")))
    write(
        spark,
        [(D, "P9", "P1", "manual", "merge-1", day(15))],
        PROFILE_MERGES.simpleString(),
        settings.table_path("identity", "profile_merges"),
    )
    build_traveller(spark, settings, D, "gold-s")
    return settings.warehouse


def search(capsys, warehouse: str, *criteria: str) -> dict:
    assert main(["search", "--domain", D, "--warehouse", warehouse, "--json", *criteria]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_search_by_each_criterion(warehouse, capsys):
    # names and emails case-insensitively, phones by digits, ids exactly; merged-away P9 left out
    assert [p["connectId"] for p in search(capsys, warehouse, "--last-name", " LEE ")["profiles"]] == ["P1", "P2"]
    assert [p["connectId"] for p in search(capsys, warehouse, "--email", "Ann@X.com")["profiles"]] == ["P1"]
    assert [p["connectId"] for p in search(capsys, warehouse, "--phone", "+47-555-0101")["profiles"]] == ["P1"]
    assert [p["connectId"] for p in search(capsys, warehouse, "--traveller-id", "t3")["profiles"]] == ["P3"]
    assert search(capsys, warehouse, "--profile-id", "P9")["count"] == 0
    assert [p["mergedIn"] for p in search(capsys, warehouse, "--profile-id", "P9", "--include-merged")["profiles"]] == [
        "P1"
    ]
    assert search(capsys, warehouse, "--last-name", "lee", "--email", "bo@z.com")["count"] == 0


def test_search_prints_a_table(warehouse, capsys):
    assert main(["search", "--domain", D, "--warehouse", warehouse, "--email", "bo@z.com"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split() == [
        "connectId",
        "firstName",
        "lastName",
        "personalEmailAddress",
        "phoneNumber",
        "lastUpdated",
        "mergedIn",
    ]
    assert lines[2].split()[:4] == ["P3", "Bo", "Ek", "bo@z.com"] and lines[-1] == "1 profile(s)"
    assert main(["search", "--domain", D, "--warehouse", warehouse]) == 2


def test_show_prints_profile_objects_and_merge_history(warehouse, capsys):
    assert main(["show", "--domain", D, "--warehouse", warehouse, "--profile", "P1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert shown["profile"]["firstName"] == "Ann" and shown["profile"]["travellerIds"] == ["t1"]
    assert [e["address"] for e in shown["objects"]["emailHistoryRecords"]] == ["ann@x.com"]
    assert [(m["from_profile_id"], m["to_profile_id"], m["reason"]) for m in shown["merges"]] == [
        ("P9", "P1", "manual")
    ]
    assert main(["show", "--domain", D, "--warehouse", warehouse, "--profile", "P1"]) == 0
    text = capsys.readouterr().out
    assert "emailHistoryRecords (1):" in text and "P9 -> P1  (manual, merge-1)" in text
    assert main(["show", "--domain", D, "--warehouse", warehouse, "--profile", "nope"]) == 1
