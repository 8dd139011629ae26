"""guest_profile (mapping spec 3.4): like pax_profile but no ``id`` column, hotel_loyalty records and a
number ``expire_in_days``; every record of a line shares the profile's traveller id."""

from __future__ import annotations

import json

from chispa import assert_df_equality

from tests.transforms.helpers import bo_frame, reasons_by_line
from transforms import guest_profile

GUEST = {
    "modelVersion": "1.2.0",
    "id": "G1",
    "lastUpdatedOn": "2024-06-03T10:52:46.678908Z",
    "lastUpdatedBy": "Chandler",
    "createdBy": "Leilani",
    "parentCompany": "Apextech",
    "emails": [{"type": "business", "address": "d@x.com", "primary": True}],
    "phones": [{"type": "mobile", "number": "555", "primary": True}],
    "loyaltyPrograms": [
        {"id": "H1", "programName": "stay", "points": "120.5", "pointUnit": "pts", "pointsToNextLevel": 30,
         "level": "silver", "joined": "2020-01-01",
         "transactions": [{"id": "T1", "timeStamp": "2024-01-01T00:00:00Z", "expireInDays": "3.5",
                           "qualifyingPointOffset": 9}]},
    ],
    "alternateProfileIds": [{"name": "pencil", "value": "v", "description": "d"}],
}  # fmt: skip


def test_guest_records(spark):
    df = bo_frame(spark, "guest_profile", [json.dumps(GUEST)])
    out = guest_profile.to_accp(df)
    assert sorted(out) == sorted(
        [
            "guest_profile",
            "email_history",
            "phone_history",
            "hotel_loyalty",
            "loyalty_transaction",
            "alternate_profile_id",
        ]
    )
    assert "id" not in out["guest_profile"].columns
    assert dict(out["loyalty_transaction"].dtypes)["expire_in_days"] == "double"
    summary = (
        out["guest_profile"]
        .selectExpr("object_type", "traveller_id", "accp_object_id", "concat_ws(',', company, email_type, phone_mobile, created_by) AS info")
        .unionByName(out["email_history"].selectExpr("object_type", "traveller_id", "accp_object_id", "last_updated_by AS info"))
        .unionByName(out["phone_history"].selectExpr("object_type", "traveller_id", "accp_object_id", "type AS info"))
        .unionByName(
            out["hotel_loyalty"].selectExpr(
                "object_type", "traveller_id", "accp_object_id",
                "concat_ws(',', program_name, points, units, points_to_next_level, level, joined) AS info",
            )
        )
        .unionByName(
            out["loyalty_transaction"].selectExpr(
                "object_type", "traveller_id", "accp_object_id",
                "concat_ws(',', loyalty_id, last_updated, expire_in_days, qualifying_point_offset) AS info",
            )
        )
        .unionByName(out["alternate_profile_id"].selectExpr("object_type", "traveller_id", "accp_object_id", "last_updated AS info"))
    )  # fmt: skip
    expected = spark.createDataFrame(
        [
            ("guest_profile", "G1", "G1", "Apextech,business,555,Leilani"),
            ("email_history", "G1", "businessd@x.com", "Chandler"),
            ("phone_history", "G1", "mobile555", "mobile"),
            ("hotel_loyalty", "G1", "H1", "stay,120.5,pts,30.0,silver,2020-01-01"),
            ("loyalty_transaction", "G1", "T1", "H1,2024-01-01T00:00:00Z,3.5,9.0"),
            ("alternate_profile_id", "pencil_v", "pencil_v", GUEST["lastUpdatedOn"]),
            ("alternate_profile_id", "G1", "pencil_v", GUEST["lastUpdatedOn"]),
        ],
        "object_type string, traveller_id string, accp_object_id string, info string",
    )
    assert_df_equality(summary, expected, ignore_row_order=True, ignore_nullable=True)


def test_reject_reasons(spark):
    bad = {
        "firstName": "x\ny",
        "emails": [{"address": "bad@"}],
        "loyaltyPrograms": [{"id": "H1", "pointUnit": "{pts}"}],
        "extendedData": "[1, 2]",
    }
    df = bo_frame(spark, "guest_profile", [json.dumps(GUEST), json.dumps(bad)])
    out = reasons_by_line(df, guest_profile.reject_reasons(df, 5000))
    expected = spark.createDataFrame(
        [
            (1, [], None),
            (
                2,
                [
                    "guest_profile.firstName: contains a forbidden character",
                    "guest_profile.emails.address: invalid email address",
                    "guest_profile: extendedData is not a JSON object",
                    "loyaltyPrograms.pointUnit: contains a forbidden character",
                ],
                "validation",
            ),
        ],
        "line_number long, reasons array<string>, error_type string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)
