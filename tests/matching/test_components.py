"""Connected components, stable ids, survivor rule and manual merge/unmerge through resolve()."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from delta.tables import DeltaTable
from pyspark.sql import functions as F

from matching.components import connected_components
from matching.profiles import assign_profiles
from matching.rules import Rule, candidate_edges
from resolution.manual import merge_profiles, unmerge_profile
from resolution.resolve import resolve
from runtime.config import load_settings

D = "t"
PAX = "domain string, traveller_id string, email string, phone string, first_name string"


def test_chain_gives_one_component_and_junk_does_not_link(spark):
    rows = [
        (D, "A", "email", "a@x.com"),
        (D, "B", "email", "a@x.com"),
        (D, "B", "phone", "15550001"),
        (D, "C", "phone", "15550001"),
    ]
    rows += [(D, f"J{i:02d}", "email", "none@none.com") for i in range(50)]
    attributes = spark.createDataFrame(rows, "domain string, traveller_id string, attribute string, value string")
    edges, junk = candidate_edges(
        attributes, [Rule("email", ("email",)), Rule("phone", ("phone",))], ("email", "phone"), 10
    )
    nodes = attributes.select(F.col("traveller_id").alias("node")).distinct()
    labels, _ = connected_components(nodes, edges)
    sizes = sorted(r["n"] for r in labels.groupBy("component").agg(F.count("*").alias("n")).collect())
    assert sizes == [1] * 50 + [3]
    assert {r["node"]: r["component"] for r in labels.where("node in ('A','B','C')").collect()} == {
        "A": "A",
        "B": "A",
        "C": "A",
    }
    assert [(r["value"], r["travellers"]) for r in junk.collect()] == [("none@none.com", 50)]


def test_survivor_is_the_oldest_profile_then_the_smallest_id(spark):
    components = spark.createDataFrame(
        [("t1", "c"), ("t2", "c"), ("t3", "c"), ("t9", "n")], "traveller_id string, component string"
    )
    current = spark.createDataFrame(
        [("t1", "prof-a"), ("t2", "prof-z"), ("t3", "prof-y")], "traveller_id string, profile_id string"
    )
    registry = spark.createDataFrame(
        [("prof-a", dt.datetime(2024, 2, 1)), ("prof-z", dt.datetime(2024, 1, 1)), ("prof-y", dt.datetime(2024, 1, 1))],
        "profile_id string, created_at timestamp",
    )
    empty_ids = spark.createDataFrame([], "profile_id string")
    no_splits = spark.createDataFrame([], "traveller_id string, split_group string")
    assigned = assign_profiles(components, current, registry, empty_ids, no_splits, "run")
    got = {r["traveller_id"]: r["profile_id"] for r in assigned.collect()}
    # prof-y and prof-z are equally old and older than prof-a: the smaller id wins.
    assert got["t1"] == got["t2"] == got["t3"] == "prof-y"
    assert got["t9"].startswith("prof-") and got["t9"] not in ("prof-a", "prof-y", "prof-z")
    # A profile manually merged into another never survives over it.
    demoted = spark.createDataFrame([("prof-y",)], "profile_id string")
    again = assign_profiles(components, current, registry, demoted, no_splits, "run")
    assert again.where("traveller_id = 't1'").first()["profile_id"] == "prof-z"


@pytest.fixture(scope="module")
def world(spark, tmp_path_factory):
    """A warehouse with one tiny pax_profile table and settings pointing at it."""
    warehouse = tmp_path_factory.mktemp("identity")
    settings = load_settings("local", {"warehouse": str(warehouse)})
    return spark, settings, Path(warehouse)


def _add(world, rows):
    spark, settings, _ = world
    spark.createDataFrame(rows, PAX).write.format("delta").mode("append").partitionBy("domain").save(
        settings.table_path("accp", "pax_profile")
    )


def _mapping(world) -> dict[str, str]:
    spark, settings, _ = world
    df = spark.read.format("delta").load(settings.table_path("identity", "traveller_profiles"))
    return {r["traveller_id"]: r["profile_id"] for r in df.where(F.col("domain") == D).collect()}


def _versions(warehouse: Path) -> dict[str, int]:
    return {p.parent.name: len(list(p.glob("*.json"))) for p in (warehouse / "identity").glob("*/_delta_log")}


@pytest.mark.e2e  # a whole job on Delta tables
def test_resolve_rerun_survivor_manual_merge_and_unmerge(world):
    spark, settings, warehouse = world
    _add(
        world,
        [
            (D, "t1", "Ann@x.com", None, "Ann"),
            (D, "t2", "ann@x.com ", "+1 555 0100", "ann"),
            (D, "t3", "bob@x.com", None, "Bob"),
            (D, "t4", None, "555 0200", "Bob"),
        ],
    )
    resolve(spark, settings, D, build_360=False)
    first = _mapping(world)
    assert first["t1"] == first["t2"] and len({first["t1"], first["t3"], first["t4"]}) == 3

    # A rerun with nothing new writes nothing to the identity tables.
    before = _versions(warehouse)
    resolve(spark, settings, D, build_360=False)
    assert _versions(warehouse) == before and _mapping(world) == first

    # Make t4's profile the older one, whatever the ids; then t5 links t3 (email) and t4 (phone).
    old, young = first["t4"], first["t3"]
    DeltaTable.forPath(spark, settings.table_path("identity", "profiles")).update(
        F.col("profile_id") == old, {"created_at": F.lit(dt.datetime(2000, 1, 1))}
    )
    _add(world, [(D, "t5", "BOB@x.com", "(555) 0200", "bob")])
    resolve(spark, settings, D, build_360=False)
    second = _mapping(world)
    assert second["t3"] == second["t4"] == second["t5"] == old
    merges = spark.read.format("delta").load(settings.table_path("identity", "profile_merges")).collect()
    assert [(m["from_profile_id"], m["to_profile_id"], m["reason"], m["traveller_ids"]) for m in merges] == [
        (young, old, "email_first_name", ["t3"])
    ]

    # Manual merge of Ann's profile into Bob's, kept by later runs.
    ann = second["t1"]
    merge_profiles(spark, settings, D, ann, old, build_360=False)
    resolve(spark, settings, D, build_360=False)
    merged = _mapping(world)
    assert set(merged.values()) == {old}
    manual = (
        spark.read.format("delta").load(settings.table_path("identity", "profile_merges")).where("reason = 'manual'")
    )
    assert [(m["from_profile_id"], m["to_profile_id"]) for m in manual.collect()] == [(ann, old)]

    # Unmerge gives Ann her travellers back, and records it.
    unmerge_profile(spark, settings, D, ann, build_360=False)
    assert _mapping(world) == second
    history = spark.read.format("delta").load(settings.table_path("identity", "profile_merges"))
    assert history.where("reason = 'manual'").first()["undone_at"] is not None
    assert [(r["from_profile_id"], r["to_profile_id"]) for r in history.where("reason = 'unmerge'").collect()] == [
        (old, ann)
    ]
