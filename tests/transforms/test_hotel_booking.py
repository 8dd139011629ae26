"""hotel_booking (mapping spec 3.2): segments × (holder + guests) × products, generated segment and
person ids, booking-level fallbacks, contact/loyalty/alternate id records per segment and person, rejects."""

from __future__ import annotations

import hashlib
import json

from chispa import assert_df_equality

from tests.transforms.helpers import bo_frame, reasons_by_line
from transforms import hotel_booking


def _generated(*material: str) -> str:
    """Spec 2.3 generated id, computed independently of the Spark implementation."""
    return "gen-" + hashlib.sha256("|".join(material).encode()).hexdigest()[:32]


HOLDER = {
    "id": "H",
    "modelVersion": "9",
    "lastUpdatedOn": "2024-11-03T22:43:08Z",
    "firstName": "Hol",
    "nationality": {"code": "FR"},
    "emails": [{"type": "work", "address": "h@x.com"}],
    "loyaltyPrograms": [{"id": "L1", "points": 5, "pointUnit": "pt"}],
    "alternateProfileIds": [{"name": "a", "value": "1"}],
}
BOOKING = {
    "id": "B1",
    "modelVersion": "1.2.0",
    "lastUpdatedOn": "2024-04-24T10:07:23.867429Z",
    "lastUpdatedBy": "Ana",
    "hotelCode": "H0",
    "nNights": 3,
    "nGuests": "2",
    "startDate": "2024-01-01",
    "status": "confirmed",
    "nationality": {"code": "BK"},
    "externalIds": [
        {"id": "P", "originatingSystem": "pms"},
        {"id": "G", "originatingSystem": "gds"},
        {"id": "G2", "originatingSystem": "gds"},
    ],
    "paymentInformation": {"paymentType": "card", "address": {"line1": "bill"}},
    "extendedData": {"k": "v"},
    "segments": [
        {
            "id": "S1",
            "hotelCode": "H1",
            "startDate": "2024-02-01",
            "status": "checked_out",
            "nNights": 2,
            "price": {"totalAfterTax": 110.5, "totalBeforeTax": "100"},
            "holder": HOLDER,
            "additionalGuests": [{"firstName": "Gst"}],
            "products": [
                {"id": "P1", "roomType": {"code": "DBL"}, "attributes": [{"code": "A"}, {"name": "n"}, {"code": "B"}]},
                {"id": "P2"},
            ],
        },
        {"products": [{"id": "P3"}]},
        {"id": "S3", "holder": HOLDER},
    ],
}
COLUMNS = [
    "traveller_id", "accp_object_id", "segment_id", "hotel_code", "n_nights", "n_guests", "check_in_date", "status",
    "product_id", "room_type_code", "attribute_codes", "attribute_names", "total_segment_after_tax", "totalBeforeTax",
    "pms_id", "gds_id", "booker_id", "first_name", "nationality_code", "address_billing_line1", "extended_data",
]  # fmt: skip


def test_cardinality_ids_and_fallbacks(spark):
    df = bo_frame(spark, "hotel_booking", [json.dumps(BOOKING)])
    out = hotel_booking.to_accp(df)
    assert sorted(out) == sorted(
        ["hotel_booking", "email_history", "phone_history", "hotel_loyalty", "alternate_profile_id"]
    )
    assert {"totalAfterTax", "add_on_codes", "rate_plan_name", "email_type", "cc_token"} <= set(
        out["hotel_booking"].columns
    )

    seg2 = _generated("hotel_booking", "B1", "seg", "1")
    guest = _generated("hotel_booking", "B1", "S1", "guest", "0")
    holder2 = _generated("hotel_booking", "B1", seg2, "holder")
    ext = "eyJrIjoidiJ9"
    rows = [
        ("H", "H1|B1|S1|2024-02-01|P1", "S1", "H1", 2.0, 2.0, "2024-02-01", "checked_out", "P1", "DBL", "A|B", "n",
         110.5, 100.0, "P", "G", "H", "Hol", "BK", "bill", ext),
        ("H", "H1|B1|S1|2024-02-01|P2", "S1", "H1", 2.0, 2.0, "2024-02-01", "checked_out", "P2", "", "", "",
         110.5, 100.0, "P", "G", "H", "Hol", "BK", "bill", ext),
        (guest, "H1|B1|S1|2024-02-01|P1", "S1", "H1", 2.0, 2.0, "2024-02-01", "checked_out", "P1", "DBL", "A|B", "n",
         110.5, 100.0, "P", "G", None, "Gst", "BK", "bill", ext),
        (guest, "H1|B1|S1|2024-02-01|P2", "S1", "H1", 2.0, 2.0, "2024-02-01", "checked_out", "P2", "", "", "",
         110.5, 100.0, "P", "G", None, "Gst", "BK", "bill", ext),
        (holder2, f"H0|B1|{seg2}||P3", seg2, "H0", 3.0, 2.0, "2024-01-01", "confirmed", "P3", "", "", "",
         0.0, 0.0, "P", "G", holder2, "", "BK", "bill", ext),
    ]  # fmt: skip
    schema = ", ".join(
        f"{c} double" if c in ("n_nights", "n_guests", "total_segment_after_tax", "totalBeforeTax") else f"{c} string"
        for c in COLUMNS
    )
    assert_df_equality(
        out["hotel_booking"].select(*COLUMNS),
        spark.createDataFrame(rows, schema),
        ignore_row_order=True,
        ignore_nullable=True,
    )

    others = (
        out["email_history"].selectExpr("object_type", "traveller_id", "accp_object_id", "last_updated")
        .unionByName(out["phone_history"].selectExpr("object_type", "traveller_id", "accp_object_id", "last_updated"))
        .unionByName(out["hotel_loyalty"].selectExpr("object_type", "traveller_id", "accp_object_id", "last_updated"))
        .unionByName(
            out["alternate_profile_id"].selectExpr("object_type", "traveller_id", "accp_object_id", "last_updated")
        )
    )  # fmt: skip
    booking_ts, person_ts = BOOKING["lastUpdatedOn"], HOLDER["lastUpdatedOn"]
    expected_others = spark.createDataFrame(
        [
            ("email_history", "H", "workh@x.com", booking_ts),
            ("email_history", "H", "workh@x.com", booking_ts),
            ("hotel_loyalty", "H", "L1", booking_ts),
            ("hotel_loyalty", "H", "L1", booking_ts),
            ("alternate_profile_id", "a_1", "a_1", person_ts),
            ("alternate_profile_id", "H", "a_1", person_ts),
        ],
        "object_type string, traveller_id string, accp_object_id string, last_updated string",
    )
    assert_df_equality(others, expected_others, ignore_row_order=True, ignore_nullable=True)

    flagged = hotel_booking.to_accp(df, person_nationality=True)["hotel_booking"]
    got = {(r.first_name, r.nationality_code) for r in flagged.select("first_name", "nationality_code").collect()}
    assert got == {("Hol", "FR"), ("Gst", "BK"), ("", "BK")}


def test_reject_reasons(spark):
    bad_segment = {
        "id": "B2",
        "segments": [
            {
                "id": "S>1",
                "products": [{"id": "P", "roomType": {"code": "<b>"}}],
                "additionalGuests": [{"emails": [{"address": "nope"}]}],
            }
        ],
    }
    lines = [BOOKING, {"id": "B3"}, {"id": "B4", "segments": []}, bad_segment]
    df = bo_frame(spark, "hotel_booking", [json.dumps(x) for x in lines])
    out = reasons_by_line(df, hotel_booking.reject_reasons(df, 5000))
    expected = spark.createDataFrame(
        [
            (1, [], None),
            (2, [hotel_booking.NO_SEGMENT], "missing_mandatory"),
            (3, [hotel_booking.NO_SEGMENT], "missing_mandatory"),
            (
                4,
                [
                    "segments.id: contains a forbidden character",
                    "segments.products.roomType.code: contains a forbidden character",
                    "segments.additionalGuests.emails.address: invalid email address",
                ],
                "validation",
            ),
        ],
        "line_number long, reasons array<string>, error_type string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)
