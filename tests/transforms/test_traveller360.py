"""Traveller 360 aggregation on inline ACCP records: recency, empties, address blocks, record arrays."""

from __future__ import annotations

from datetime import datetime

import pytest
from chispa import assert_df_equality
from pyspark.sql.types import StructField, StructType

from transforms.traveller360 import build_profiles, merged_profiles, touched_profiles
from transforms.traveller_schema import ADDRESS, TRAVELLER, TRAVELLER_EXTRAS, TRAVELLER_GLUE

D = "d1"
META = "domain string, traveller_id string, accp_object_id string, last_updated string, last_updated_ts timestamp, ingested_at timestamp, last_updated_by string"
PERSON = ", ".join(
    [
        "first_name string, last_name string, email string",
        "address_line1 string, address_city string, address_country string",
    ]
)


def ts(day: int) -> datetime:
    return datetime(2024, 1, day)


def meta(tid: str, oid: str, day: int, by: str = "") -> tuple:
    return (D, tid, oid, f"2024-01-{day:02d}T00:00:00Z", ts(day), ts(20), by)


@pytest.fixture(scope="module")
def records(spark):
    pax = spark.createDataFrame(
        [
            # oldest: full name, email and a complete home address
            (*meta("t1", "p1", 1, "crm"), "Ann", "Lee", "ann@x.com", "1 Old St", "Paris", "FR"),
            # newer: new first name, empty email (must not overwrite), a country-only address (ignored)
            (*meta("t1", "p1b", 3, "crm"), "Anne", "", "", "", "", "DE"),
        ],
        f"{META}, {PERSON}",
    )
    air = spark.createDataFrame(
        [
            # newest booking of the profile, through a second traveller id: address line without city
            (*meta("t2", "b1", 5, "pss"), "", "Lee-Smith", None, "9 New Rd", "", "", 120.5, "LHR"),
            (*meta("t2", "b2", 4, "pss"), "", "", None, "", "", "", 80.0, "CDG"),
        ],
        f"{META}, {PERSON}, price double, from string",
    )
    emails = spark.createDataFrame(
        [
            (*meta("t1", "home" + "a@x.com", 2), "a@x.com", "home", True),
            (*meta("t1", "b@x.com", 6), "b@x.com", "", False),
        ],
        f"{META}, address string, type string, is_verified boolean",
    )
    clicks = spark.createDataFrame(
        [(*meta("t3", "c1", 2), "Bob", "bob@y.com", "s1", 2.0)],
        f"{META}, customer_first_name string, customer_email string, session_id string, num_guest_adults double",
    )
    alternate = spark.createDataFrame(
        [(*meta("crm_7", "crm_7", 9), "crm", "7"), (*meta("t3", "crm_7", 2), "crm", "7")],
        f"{META}, name string, value string",
    )
    mapping = spark.createDataFrame(
        [(D, "t1", "P1"), (D, "t2", "P1"), (D, "t3", "P2"), (D, "crm_7", "P2")],
        "domain string, traveller_id string, profile_id string",
    )
    built = build_profiles(
        {
            "pax_profile": pax,
            "air_booking": air,
            "email_history": emails,
            "clickstream": clicks,
            "alternate_profile_id": alternate,
        },
        mapping,
    )
    return built.cache()


def test_schema_is_upt_traveller_columns_plus_extras(records):
    assert [f.name for f in records.schema.fields] == [f.name for f in TRAVELLER_GLUE.fields] + [
        f.name for f in TRAVELLER_EXTRAS.fields
    ]
    assert [f.dataType for f in records.schema.fields] == [f.dataType for f in TRAVELLER.fields]
    assert len(TRAVELLER_GLUE.fields) == 48
    glue = {f.name: f.dataType.simpleString() for f in TRAVELLER_GLUE.fields}
    # spot checks against traveller.glue.json's inputString (upstream spellings kept)
    assert glue["homeAddress"] == (
        "struct<Address1:string,Address2:string,Address3:string,Address4:string,City:string,State:string,"
        "Province:string,PostalCode:string,Country:string>"
    )
    assert glue["emailHistoryRecords"] == (
        "array<struct<accpObjectID:string,travellerId:string,address:string,type:string,lastUpdated:string,"
        "lastUpdatedBy:string,isVerified:boolean>>"
    )
    assert (
        glue["alternateProfileIds"] == "array<struct<name:string,value:string,description:string,lastUpdatedOn:string>>"
    )
    assert "lotaltyTxRecords" in glue and glue["errors"] == "array<string>"


def test_most_recent_non_empty_value_wins(spark, records):
    actual = records.select("connectId", "firstName", "lastName", "personalEmailAddress", "travellerId", "lastUpdated")
    expected = spark.createDataFrame(
        [
            # firstName: newest non-empty (pax day 3); lastName from the newest booking (day 5);
            # email: the day-3 empty never overwrites day 1; travellerId: newest record's id.
            ("P1", "Anne", "Lee-Smith", "ann@x.com", "t1", "2024-01-06T00:00:00Z"),
            # the placeholder alternate id (traveller_id = accp_object_id) never supplies travellerId
            ("P2", "Bob", None, "bob@y.com", "t3", "2024-01-09T00:00:00Z"),
        ],
        "connectId string, firstName string, lastName string, personalEmailAddress string, travellerId string, lastUpdated string",
    )
    assert_df_equality(actual, expected, ignore_row_order=True, ignore_nullable=True)


def test_address_is_taken_as_a_unit(spark, records):
    actual = records.where("connectId = 'P1'").select("homeAddress", "businessAddress")
    home = ("9 New Rd", None, None, None, "", None, None, None, "")
    expected = spark.createDataFrame(
        [(home, None)], StructType([StructField("homeAddress", ADDRESS), StructField("businessAddress", ADDRESS)])
    )
    # the day-5 block (line, no city) replaces the day-1 block whole: no "Paris", no "FR"
    assert_df_equality(actual, expected, ignore_nullable=True)


def test_record_arrays_newest_first_with_camel_case_members(records):
    p1 = records.where("connectId = 'P1'").first()
    assert [(r.accpObjectID, r.totalPrice, r["from"]) for r in p1.airBookingRecords] == [
        ("b1", 120.5, "LHR"),
        ("b2", 80.0, "CDG"),
    ]
    assert [(r.address, r.type, r.isVerified, r.travellerId) for r in p1.emailHistoryRecords] == [
        ("b@x.com", "", False, "t1"),
        ("a@x.com", "home", True, "t1"),
    ]
    assert p1.clickstreamRecords == [] and p1.alternateProfileIds == []
    assert p1.objectCounts == {"pax_profile": 2, "air_booking": 2, "email_history": 2}
    assert p1.travellerIds == ["t1", "t2"]
    assert (p1.firstSeen, p1.lastSeen, p1.lastUpdatedBy, p1.modelVersion, p1.mergedIn) == (ts(1), ts(6), "", "1", None)
    p2 = records.where("connectId = 'P2'").first()
    click = p2.clickstreamRecords[0]
    assert (click.accpObjectId, click.sessionId, click.numGuestsAdult, click.flightRoute) == ("c1", "s1", 2, None)
    assert sorted((a.name, a.value, a.lastUpdatedOn) for a in p2.alternateProfileIds) == [
        ("crm", "7", "2024-01-02T00:00:00Z"),
        ("crm", "7", "2024-01-09T00:00:00Z"),
    ]
    assert p2.objectCounts == {"clickstream": 1, "alternate_profile_id": 2}
    assert p1.rowHash and p1.rowHash != p2.rowHash


def test_touched_and_merged_profiles(spark):
    mapping = spark.createDataFrame(
        [(D, "t1", "P1", ts(1)), (D, "t2", "P1", ts(5)), (D, "t3", "P3", ts(1))],
        "domain string, traveller_id string, profile_id string, updated_at timestamp",
    )
    previous = spark.createDataFrame(
        [(D, "P1", ["t1"]), (D, "P2", ["t2"]), (D, "P3", ["t3"]), (D, "P4", ["t4"])],
        "domain string, connectId string, travellerIds array<string>",
    )
    changed = spark.createDataFrame([(D, "t9")], "domain string, traveller_id string")
    merges_schema = (
        "domain string, from_profile_id string, to_profile_id string, reason string, run_id string, merged_at timestamp"
    )
    merges = spark.createDataFrame([(D, "P2", "P1", "email", "r2", ts(5))], merges_schema)
    touched = touched_profiles(mapping, changed, previous, merges, mapping_since=ts(5))
    # t2 moved from P2 to P1 at day 5: both profiles recompute, P3 and P4 do not
    assert sorted(r.profile_id for r in touched.collect()) == ["P1", "P2"]
    gone = merged_profiles(merges, touched, mapping)
    assert [(r.connectId, r.mergedIn) for r in gone.collect()] == [("P2", "P1")]
