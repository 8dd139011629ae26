"""air_booking → ACCP records (mapping spec 3.1): explodes, per-passenger values, ancillary rules, rejects."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from chispa import assert_df_equality

from tests.transforms.helpers import FALLBACK, bo_frame, reasons_by_line
from transforms import air_booking
from transforms.person import PAYMENT_FIELDS, PERSON_FIELDS
from transforms.records import LINEAGE_COLUMNS, RECORD_META_COLUMNS

LAST_UPDATED = "2024-04-19T15:38:19.333525Z"


def gen_id(*parts: str) -> str:
    return "gen-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


LOYALTY = {
    "id": "L1",
    "programName": "elite",
    "miles": "12.5",
    "level": "gold",
    "joined": "2024-01-01",
    "expertMode": True,
    "clearIsActive": "TRUE",
    "nextBillAmount": 7,
    "specialAccommodation3": "wheelchair",
    "tsaNumber": "T9",
    "extendedData": {"x": 1},
}

BOOKING = {
    "id": "B1",
    "modelVersion": "1.2.0",
    "lastUpdatedOn": LAST_UPDATED,
    "lastUpdatedBy": "agent",
    "creationChannelId": "web",
    "status": "confirmed",
    "dayOfTravelEmail": "dot@example.com",
    "externalIds": [
        {"id": "G0", "originatingSystem": "GDS"},
        {"id": "P1", "originatingSystem": "pss"},
        {"id": "G1", "originatingSystem": "gds"},
        {"id": "P2", "originatingSystem": "pss"},
    ],
    "price": {
        "grandTotal": "100.5",
        "priceItems": [
            {"passengerIndex": 1, "price": {"total": 20}},
            {"price": {"total": 10}},
            {"passengerIndex": 0, "price": {"total": 99}},
        ],
    },
    "itinerary": {
        "segments": [
            {"from": "AAA", "to": "BBB", "flightNumber": "F1", "status": ""},
            {"from": "BBB", "to": "CCC", "flightNumber": "F2"},
        ]
    },
    "return": {"segments": [{"from": "CCC", "to": "AAA", "flightNumber": "F3", "status": "cancelled"}]},
    "passengerInfo": {
        "passengers": [
            {
                "id": "p0",
                "modelVersion": "9",
                "lastUpdatedOn": "2024-07-28T15:35:06Z",
                "isBooker": False,
                "firstName": "Ann",
                "emails": [{"type": "work", "address": "a@x.com", "isVerified": True}],
                "phones": [{"type": "mobile", "number": "123", "countryCode": 22}],
                "loyaltyPrograms": [LOYALTY],
                "alternateProfileIds": [{"name": "n", "value": "v"}, {"name": "n", "value": "v"}],
                "extendedData": {"k": "v"},
            },
            {"firstName": "NoId", "isBooker": "false", "emails": [{"address": "b@x.com"}]},
            {"id": "p2", "isBooker": True, "firstName": "Bob"},
        ]
    },
    "paymentInformation": {"paymentType": "card", "ccInfo": {"token": "tok", "cardType": "visa"}},
    "ancillaryServices": {
        "ancillaryServiceBaggage": [
            {
                "id": "BG0",
                "paxIndex": 0,
                "baggageType": "carryOn",
                "quantity": 2,
                "lotBagInsurance": True,
                "lostBagInsurance": False,
                "dimentions": {"length": 40},
                "dimensions": {"length": 99},
                "price": {"total": 12.5, "currency": "USD"},
            },
            {"id": "BG1", "paxIndex": "1", "lostBagInsurance": True, "price": {"total": 1}},
        ],
        "ancillaryServiceSeat": [{"id": "S2", "paxIndex": 2, "seatNumber": "2A", "neighborFreeSeat": True}],
        "ancillaryServiceFlightChange": [{"id": "CH", "changeType": "date", "extendedData": {"c": 1}}],
        "ancillaryServiceOther": [{"id": "OT", "otherAncilliaryType": "pet"}],
        "ancillaryServicePriority": [{"id": "PR", "priorityServiceType": "boarding", "loungeAccess": True}],
    },
}
# No segments and no lastUpdatedOn: no air_booking rows, no alternate ids, fallback timestamps elsewhere.
NO_SEGMENTS = {
    "id": "B2",
    "passengerInfo": {
        "passengers": [
            {
                "id": "q0",
                "isBooker": True,
                "alternateProfileIds": [{"name": "m", "value": "w"}],
                "loyaltyPrograms": [{"id": "L2"}],
            }
        ]
    },
}

P1 = gen_id("air_booking", "B1", "pax", "1")


def b64(obj: dict) -> str:
    return base64.b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode()


@pytest.fixture(scope="module")
def records(spark):
    df = bo_frame(spark, "air_booking", [json.dumps(BOOKING), json.dumps(NO_SEGMENTS)])
    return air_booking.to_accp(df)


def test_record_tables_and_air_booking_columns(records):
    assert sorted(records) == [
        "air_booking",
        "air_loyalty",
        "alternate_profile_id",
        "ancillary_service",
        "email_history",
        "phone_history",
    ]
    own = [c for c in records["air_booking"].columns if c not in LINEAGE_COLUMNS and c not in RECORD_META_COLUMNS]
    assert own == [c for c in air_booking.AIR_BOOKING_FIELDS if c not in RECORD_META_COLUMNS]
    assert set(PERSON_FIELDS) <= set(own) and set(PAYMENT_FIELDS) <= set(own)


def test_air_booking_one_row_per_passenger_and_segment(spark, records):
    out = records["air_booking"].select(
        "traveller_id",
        "accp_object_id",
        "segment_id",
        "status",
        "price",
        "traveller_price",
        "booker_id",
        "pss_id",
        "gds_id",
        "channel",
        "day_of_travel_email",
        "first_name",
        "email",
        "payment_type",
        "cc_token",
        "extended_data",
        "model_version",
        "last_updated",
        "last_updated_by",
    )
    segments = [("B1-AAA-BBB", ""), ("B1-BBB-CCC", "confirmed"), ("B1-CCC-AAA", "cancelled")]
    pax = [
        ("p0", 10.0, None, "Ann", "a@x.com", b64({"k": "v"})),
        (P1, 20.0, None, "NoId", "b@x.com", ""),
        ("p2", 0.0, "p2", "Bob", "", ""),
    ]
    rows = [
        (tid, seg, seg, status, 100.5, tp, booker, "P1", "G1", "web", "dot@example.com", first, email, "card", "tok",
         ext, "1.2.0", LAST_UPDATED, "agent")
        for tid, tp, booker, first, email, ext in pax
        for seg, status in segments
    ]  # fmt: skip
    expected = spark.createDataFrame(
        rows,
        "traveller_id string, accp_object_id string, segment_id string, status string, price double, "
        "traveller_price double, booker_id string, pss_id string, gds_id string, channel string, "
        "day_of_travel_email string, first_name string, email string, payment_type string, cc_token string, "
        "extended_data string, model_version string, last_updated string, last_updated_by string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)


def test_ancillaries_go_to_booker_or_pax_index(spark, records):
    out = records["ancillary_service"].select(
        "traveller_id",
        "accp_object_id",
        "ancillary_type",
        "booking_id",
        "pax_index",
        "quantity",
        "dimentions_length",
        "lot_bag_insurance",
        "seat_number",
        "neighbor_free_seat",
        "change_type",
        "other_ancilliary_type",
        "lounge_access",
        "price",
        "currency",
        "extended_data",
        "last_updated",
    )
    n = None
    items = {
        "BG0": ("baggage", 0.0, 2.0, 40.0, True, n, n, n, n, n, 12.5, "USD", ""),
        "BG1": ("baggage", 1.0, 0.0, 0.0, True, n, n, n, n, n, 1.0, "", ""),
        "S2": ("seat", 2.0, n, n, n, "2A", True, n, n, n, 0.0, "", ""),
        "CH": ("change", 0.0, n, n, n, n, n, "date", n, n, 0.0, "", b64({"c": 1})),
        "OT": ("other", n, n, n, n, n, n, n, "pet", n, 0.0, "", ""),
        "PR": ("priority", n, n, n, n, n, n, n, n, True, 0.0, "", ""),
    }
    kept = {"p0": ["BG0", "CH"], P1: ["BG1"], "p2": list(items), "q0": []}
    rows = [(tid, i, items[i][0], "B1", *items[i][1:], LAST_UPDATED) for tid, ids in kept.items() for i in ids]
    expected = spark.createDataFrame(
        rows,
        "traveller_id string, accp_object_id string, ancillary_type string, booking_id string, pax_index double, "
        "quantity double, dimentions_length double, lot_bag_insurance boolean, seat_number string, "
        "neighbor_free_seat boolean, change_type string, other_ancilliary_type string, lounge_access boolean, "
        "price double, currency string, extended_data string, last_updated string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)


def test_air_loyalty_full_form(spark, records):
    out = records["air_loyalty"].select(
        "traveller_id",
        "accp_object_id",
        "id",
        "program_name",
        "miles",
        "miles_to_next_level",
        "expert_mode",
        "clear_is_active",
        "clear_auto_renew",
        "next_bill_amount",
        "special_accommodation_3",
        "tsa_number",
        "extended_data",
        "last_updated",
    )
    expected = spark.createDataFrame(
        [
            ("p0", "L1", "L1", "elite", 12.5, 0.0, True, True, False, 7.0, "wheelchair", "T9", b64({"x": 1}),
             LAST_UPDATED),
            ("q0", "L2", "L2", "", 0.0, 0.0, False, False, False, 0.0, "", "", "", FALLBACK),
        ],
        "traveller_id string, accp_object_id string, id string, program_name string, miles double, "
        "miles_to_next_level double, expert_mode boolean, clear_is_active boolean, clear_auto_renew boolean, "
        "next_bill_amount double, special_accommodation_3 string, tsa_number string, extended_data string, "
        "last_updated string",
    )  # fmt: skip
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)
    assert [c for c in records["air_loyalty"].columns if c not in LINEAGE_COLUMNS + RECORD_META_COLUMNS] == [
        c for c in air_booking.AIR_LOYALTY_FIELDS
    ]


def test_contact_histories_carry_is_verified(spark, records):
    emails = records["email_history"].select("traveller_id", "accp_object_id", "address", "type", "is_verified")
    assert_df_equality(
        emails,
        spark.createDataFrame(
            [("p0", "worka@x.com", "a@x.com", "work", True), (P1, "b@x.com", "b@x.com", "", False)],
            "traveller_id string, accp_object_id string, address string, type string, is_verified boolean",
        ),
        ignore_row_order=True,
        ignore_nullable=True,
    )
    phones = records["phone_history"].select(
        "traveller_id", "accp_object_id", "number", "country_code", "is_verified", "last_updated_by"
    )
    assert_df_equality(
        phones,
        spark.createDataFrame(
            [("p0", "mobile123", "123", "22", False, "agent")],
            "traveller_id string, accp_object_id string, number string, country_code string, "
            "is_verified boolean, last_updated_by string",
        ),
        ignore_nullable=True,
    )


def test_alternate_ids_only_for_passengers_with_segments_and_deduplicated(spark, records):
    out = records["alternate_profile_id"].select("traveller_id", "accp_object_id", "model_version", "last_updated")
    expected = spark.createDataFrame(
        [("n_v", "n_v", "9", "2024-07-28T15:35:06Z"), ("p0", "n_v", "9", "2024-07-28T15:35:06Z")],
        "traveller_id string, accp_object_id string, model_version string, last_updated string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)


def test_reject_reasons(spark):
    def booking(**changes) -> str:
        line = json.loads(json.dumps(BOOKING))
        for path, value in changes.items():
            target = line
            *parents, leaf = path.split("__")
            for p in parents:
                target = target[int(p)] if p.isdigit() else target[p]
            if value is KeyError:
                del target[leaf]
            else:
                target[leaf] = value
        return json.dumps(line)

    lines = [
        booking(),
        json.dumps({"id": "X"}),
        json.dumps({"id": "X", "passengerInfo": {}}),
        booking(id=KeyError),
        json.dumps({"passengerInfo": {"passengers": []}}),
        booking(lastUpdatedOn="yesterday"),
        booking(passengerInfo__passengers__0__emails=[{"type": "x"}]),
        booking(itinerary__segments__0__flightNumber="F<1>"),
        booking(ancillaryServices__ancillaryServiceSeat__0__extendedData="not json"),
        booking(passengerInfo__passengers__1__extendedData="[1]"),
        booking(passengerInfo__passengers__0__loyaltyPrograms__0__level="a=b"),
    ]
    df = bo_frame(spark, "air_booking", lines)
    out = reasons_by_line(df, air_booking.reject_reasons(df, 5000))
    expected = spark.createDataFrame(
        [
            (1, [], None),
            (2, [air_booking.INVALID_BO], "missing_mandatory"),
            (3, [air_booking.INVALID_BO], "missing_mandatory"),
            (4, [air_booking.MISSING_BOOKING_ID], "missing_mandatory"),
            (5, [], None),
            (6, ["lastUpdatedOn: not an ISO-8601 date-time"], "invalid_timestamp"),
            (7, ["passengers.emails: email address must be populated"], "missing_mandatory"),
            (8, ["segments.flightNumber: contains a forbidden character"], "validation"),
            (9, ["ancillaryServices.ancillaryServiceSeat: extendedData is not a JSON object"], "validation"),
            (10, ["passengers: extendedData is not a JSON object"], "validation"),
            (11, ["passengers.loyaltyPrograms.level: contains a forbidden character"], "validation"),
        ],
        "line_number long, reasons array<string>, error_type string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)
