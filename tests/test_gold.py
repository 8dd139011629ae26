"""gold/traveller builds: inserts, then an incremental update of one profile, then a merge (CDF)."""

from __future__ import annotations

from datetime import datetime

import pytest
from deltalake import DeltaTable as RsDeltaTable
from pyspark.sql import functions as F

from publishing.gold import PROFILE_MERGES, TRAVELLER_PROFILES, build_traveller
from runtime.config import load_settings

pytestmark = pytest.mark.e2e  # whole gold builds on Delta tables: `make test` only

D = "gd"
PAX = (
    "domain string, traveller_id string, accp_object_id string, last_updated string, last_updated_ts timestamp, "
    "ingested_at timestamp, last_updated_by string, first_name string, last_name string, email string, phone string, "
    "address_line1 string, address_city string"
)
EMAIL = (
    "domain string, traveller_id string, accp_object_id string, last_updated string, last_updated_ts timestamp, "
    "ingested_at timestamp, last_updated_by string, address string, type string"
)


def day(n: int) -> datetime:
    return datetime(2024, 3, n)


def pax(tid: str, oid: str, n: int, first: str, last: str, email: str, phone: str = "") -> tuple:
    return (
        D,
        tid,
        oid,
        f"2024-03-{n:02d}T00:00:00Z",
        day(n),
        day(n + 10),
        "crm",
        first,
        last,
        email,
        phone,
        "1 Main St",
        "Oslo",
    )


def write(spark, rows: list[tuple], schema: str, path: str, mode: str = "append") -> None:
    spark.createDataFrame(rows, schema).write.format("delta").mode(mode).partitionBy("domain").save(path)


def make_warehouse(spark, root: str) -> object:
    """A tiny warehouse: three travellers (three profiles), pax and email records, identity tables."""
    settings = load_settings("local", {"warehouse": root})
    write(
        spark,
        [
            pax("t1", "p1", 1, "Ann", "Lee", "ann@x.com", "+47 555 0101"),
            pax("t2", "p2", 1, "Ann", "Lee", "ann.lee@y.com"),
            pax("t3", "p3", 2, "Bo", "Ek", "bo@z.com"),
        ],
        PAX,
        settings.table_path("accp", "pax_profile"),
    )
    write(
        spark,
        [(D, "t1", "homeann@x.com", "2024-03-01T00:00:00Z", day(1), day(11), "crm", "ann@x.com", "home")],
        EMAIL,
        settings.table_path("accp", "email_history"),
    )
    write(
        spark,
        [(D, t, p, "same_traveller_id", day(11)) for t, p in (("t1", "P1"), ("t2", "P2"), ("t3", "P3"))],
        TRAVELLER_PROFILES.simpleString(),
        settings.table_path("identity", "traveller_profiles"),
    )
    write(spark, [], PROFILE_MERGES.simpleString(), settings.table_path("identity", "profile_merges"))
    return settings


def changes(spark, path: str, version: int) -> list[tuple]:
    df = spark.read.format("delta").option("readChangeFeed", "true").option("startingVersion", version)
    df = df.option("endingVersion", version).load(path)
    return sorted(
        (r.connectId, r._change_type, r.mergedIn) for r in df.select("connectId", "_change_type", "mergedIn").collect()
    )


@pytest.fixture(scope="module")
def builds(spark, tmp_path_factory):
    """Three builds (plus a no-op rerun); yields the settings, the run summaries and table versions."""
    settings = make_warehouse(spark, str(tmp_path_factory.mktemp("gold_wh")))
    path = settings.table_path("gold", "traveller")
    history = lambda: spark.sql(f"DESCRIBE HISTORY delta.`{path}`").agg(F.max("version")).first()[0]  # noqa: E731
    out = {"first": build_traveller(spark, settings, D, "gold-1"), "v1": history()}
    # t1 gets a newer pax record (new last name), ingested later: only P1 is touched
    write(spark, [pax("t1", "p1b", 5, "", "Lee-Berg", "", "")], PAX, settings.table_path("accp", "pax_profile"))
    out["second"] = build_traveller(spark, settings, D, "gold-2")
    out["v2"] = history()
    out["rerun"] = build_traveller(spark, settings, D, "gold-2b")
    out["v2b"] = history()
    # resolution merges P2 into P1 (t2 re-mapped, a merge recorded)
    profiles = settings.table_path("identity", "traveller_profiles")
    spark.sql(
        f"UPDATE delta.`{profiles}` SET profile_id = 'P1', rule = 'email', updated_at = '2024-03-20' WHERE traveller_id = 't2'"
    )
    write(
        spark,
        [(D, "P2", "P1", "email", "resolve-3", day(20))],
        PROFILE_MERGES.simpleString(),
        settings.table_path("identity", "profile_merges"),
    )
    out["third"] = build_traveller(spark, settings, D, "gold-3")
    out["v3"] = history()
    out["settings"], out["path"] = settings, path
    return out


def test_first_build_inserts_every_profile(spark, builds):
    assert builds["first"]["touched_profiles"] == 3 and builds["first"]["inserted"] == 3
    assert changes(spark, builds["path"], builds["v1"]) == [
        ("P1", "insert", None),
        ("P2", "insert", None),
        ("P3", "insert", None),
    ]


def test_incremental_build_rewrites_only_the_changed_profile(spark, builds):
    second = builds["second"]
    assert (second["touched_profiles"], second["updated"], second["inserted"], second["deleted"]) == (1, 1, 0, 0)
    assert changes(spark, builds["path"], builds["v2"]) == [
        ("P1", "update_postimage", None),
        ("P1", "update_preimage", None),
    ]
    # a rerun with nothing new writes nothing (no new table version)
    assert builds["rerun"]["changed_rows"] == 0 and builds["v2b"] == builds["v2"]


def test_merge_marks_the_absorbed_profile(spark, builds):
    third = builds["third"]
    assert (third["touched_profiles"], third["updated"], third["inserted"]) == (2, 2, 0)
    assert changes(spark, builds["path"], builds["v3"]) == [
        ("P1", "update_postimage", None),
        ("P1", "update_preimage", None),
        ("P2", "update_postimage", "P1"),
        ("P2", "update_preimage", None),
    ]
    rows = {r.connectId: r for r in spark.read.format("delta").load(builds["path"]).collect()}
    assert rows["P1"].travellerIds == ["t1", "t2"] and rows["P2"].travellerIds == []
    assert (
        rows["P1"].lastName == "Lee-Berg" and rows["P1"].personalEmailAddress == "ann.lee@y.com"
    )  # day-1 tie: later accp_object_id
    assert rows["P1"].objectCounts == {"pax_profile": 3, "email_history": 1}
    assert rows["P3"].buildRunId == "gold-1"


def test_table_reads_back_with_deltalake_without_reader_features(builds):
    table = RsDeltaTable(builds["path"])
    protocol = table.protocol()
    assert protocol.min_reader_version == 1
    assert not (protocol.reader_features or [])
    config = table.metadata().configuration
    assert config["delta.enableChangeDataFeed"] == "true" and config["delta.enableDeletionVectors"] == "false"
    assert "delta.columnMapping.mode" not in config
    assert table.metadata().partition_columns == ["domain"]
    data = table.to_pyarrow_table(columns=["connectId", "lastName", "mergedIn"]).to_pylist()
    assert sorted((r["connectId"], r["lastName"], r["mergedIn"]) for r in data) == [
        ("P1", "Lee-Berg", None),
        ("P2", "Lee", "P1"),
        ("P3", "Ek", None),
    ]
