"""clickstream → clickstream + alternate_profile_id (mapping spec 3.6, derived aliases of section 4)."""

from __future__ import annotations

import json

from chispa import assert_df_equality
from pyspark.sql import functions as F

from tests.transforms.helpers import FALLBACK, bo_frame, reasons_by_line
from transforms import clickstream
from transforms.values import generated_id


def attr(kind: str, name: str, **values) -> dict:
    return {"type": kind, "name": name, **values}


EVENT = {
    "modelVersion": "1.0",
    "event_type": "search",
    "event_timestamp": "2024-09-27T15:15:36.491166Z",
    "arrival_timestamp": "0001-01-01T00:00:00.000000Z",
    "device": {"useragent": "Mozilla/5.0", "ipAddress": "10.0.0.1"},
    "session": {"id": "S1"},
    "userId": "ignored-user",
    "attributes": [
        attr("string", "destination", stringValue="LHR"),
        attr("string", "destination", stringValue="second match ignored"),
        attr("string", "Hotel_Code", stringValue="case differs: not hotel_code"),
        attr("strings", "products", stringValues=["SEAT", "FARE"]),
        attr("numbers", "quantities", numValues=[3.0, 1]),
        attr("number", "num_nights", numValue=2),
        attr("number", "num_Pax_Adults", numValue="4"),
        attr("number", "num_pax_children", numValue=9),
        attr("number", "length_of_stay", numValue=2),
        attr("number", "total_passengers"),
        attr("boolean", "custom", boolValue=True),
        attr("mystery", "room_type", stringValue="unknown type"),
        attr("string", "loyalty_id", stringValue="L1"),
        attr("strings", "flight_segment_sku", stringValues=["DL1", "DL2"]),
        attr("string", "returning_date", stringValue="2025-01-02"),
        attr("string", "returning_date_time", stringValue="2025-01-02T10:00"),
        attr("string", "returning_flight_route", stringValue="JFK-LHR"),
        attr("string", "custom_event_name", stringValue="evt"),
        attr("strings", "flight_segments", stringValues=["A", "B"]),
        attr("string", "url", stringValue="https://x.example/?a=b&c={d}"),
        attr("string", "customer_email", stringValue="a@example.com"),
        attr("string", "customer_phone", stringValue="+1 555"),
    ],
    "alternateProfileIds": [{"name": "mob", "value": "M1", "lastUpdatedOn": "2020-01-01T00:00:00Z"}],
    "extendedData": {"k": "v"},
}
BARE = {"event_type": "bare"}

FIELDS = [
    "line_number",
    "traveller_id",
    "accp_object_id",
    "session_id",
    "last_updated",
    "event_type",
    "arrival_timestamp",
    "user_agent",
    "ip_address",
    "destination",
    "hotel_code",
    "products",
    "quantities",
    "length_of_stay",
    "custom",
    "room_type",
    "customer_loyalty_id",
    "loyalty_id",
    "flight_numbers",
    "flight_segment_sku",
    "return_date",
    "returning_date",
    "return_date_time",
    "returning_date_time",
    "return_flight_route",
    "returning_flight_route",
    "custom_event_name",
    "customer_event_name",
    "flight_segments",
    "url",
    "customer_email",
    "customer_phone",
    "num_nights",
    "num_pax_adults",
    "num_pax_children",
    "total_passengers",
    "extended_data",
]
SCHEMA = ", ".join(
    f"{f} {'long' if f == 'line_number' else 'double' if f.startswith(('num_', 'total_')) else 'string'}"
    for f in FIELDS
)


def test_event_fields_attribute_lookup_and_aliases(spark):
    df = bo_frame(spark, "clickstream", [json.dumps(EVENT), json.dumps(BARE)])
    out = clickstream.to_accp(df)
    generated = df.where("line_number = 2").select(generated_id("clickstream", F.to_json("data"))).first()[0]
    ts = EVENT["event_timestamp"]
    first = (
        1,
        "S1",
        f"S1_{ts}",
        "S1",
        ts,
        "search",
        "0001-01-01T00:00:00.000000Z",
        "Mozilla/5.0",
        "10.0.0.1",
        "LHR",
        None,
        "SEAT|FARE",
        "3.0|1",
        "2.0",
        "true",
        None,
        "L1",
        "L1",
        "DL1|DL2",
        "DL1|DL2",
        "2025-01-02",
        "2025-01-02",
        "2025-01-02T10:00",
        "2025-01-02T10:00",
        "JFK-LHR",
        "JFK-LHR",
        "evt",
        "evt",
        "A|B",
        "https://x.example/?a=b&c={d}",
        "a@example.com",
        "+1 555",
        2.0,
        4.0,
        0.0,
        0.0,
        "eyJrIjoidiJ9",
    )
    bare = (
        2,
        generated,
        f"{generated}_",
        generated,
        FALLBACK,
        "bare",
        "",
        "",
        "",
        *[None] * 23,
        0.0,
        0.0,
        0.0,
        0.0,
        "",
    )
    expected = spark.createDataFrame([first, bare], SCHEMA)
    assert_df_equality(out["clickstream"].select(FIELDS), expected, ignore_row_order=True, ignore_nullable=True)

    alt = out["alternate_profile_id"].select("traveller_id", "accp_object_id", "model_version", "last_updated")
    expected_alt = spark.createDataFrame(
        [("mob_M1", "mob_M1", "1.0", ""), ("S1", "mob_M1", "1.0", "")],
        "traveller_id string, accp_object_id string, model_version string, last_updated string",
    )
    assert_df_equality(alt, expected_alt, ignore_row_order=True, ignore_nullable=True)


def test_output_has_every_v1_1_field():
    v1_1 = {
        "accp_object_id",
        "arrival_timestamp",
        "aws_account_id",
        "booking_id",
        "checkin_date",
        "checkout_date",
        "currency",
        "custom",
        "custom_event_name",
        "customer_birthdate",
        "customer_country",
        "customer_email",
        "customer_event_name",
        "customer_first_name",
        "customer_gender",
        "customer_id",
        "customer_last_name",
        "customer_loyalty_id",
        "customer_nationality",
        "customer_phone",
        "customer_type",
        "destination",
        "ecommerce_action",
        "event_timestamp",
        "event_type",
        "event_version",
        "fare_class",
        "fare_type",
        "flight_market",
        "flight_numbers",
        "flight_segment_sku",
        "flight_segments",
        "flight_segments_arrival_date_time",
        "flight_segments_departure_date_time",
        "flight_type",
        "geofence_id",
        "geofence_latitude",
        "geofence_longitude",
        "geofence_name",
        "hotel_code",
        "hotel_code_list",
        "hotel_name",
        "language_code",
        "loyalty_id",
        "num_guest_adults",
        "num_guest_children",
        "num_guests",
        "num_nights",
        "num_pax_adults",
        "num_pax_children",
        "num_pax_inf",
        "order_payment_type",
        "order_promo_code",
        "origin_date",
        "origin_date_time",
        "origin_flight_route",
        "page_name",
        "page_type_environment",
        "pax_type",
        "poi_id",
        "products",
        "products_prices",
        "quantities",
        "rate_plan",
        "return_date",
        "return_date_time",
        "return_flight_route",
        "returning_date",
        "returning_date_time",
        "returning_flight_route",
        "room_type",
        "session_id",
        "total_passengers",
        "transaction_id",
        "traveller_id",
        "url",
        "user_agent",
    }
    assert v1_1 <= set(clickstream.CLICKSTREAM_FIELDS)


def test_reject_reasons(spark):
    bad_attrs = [
        attr("string", "url", stringValue="https://x/\nnext"),
        attr("string", "customer_email", stringValue="nope"),
        attr("string", "customer_phone", stringValue="1" * 31),
        attr("string", "page_name", stringValue="a<b"),
    ]
    bad = dict(EVENT, attributes=bad_attrs, event_timestamp="yesterday", device={"useragent": "u" * 256})
    long_url = dict(EVENT, attributes=[attr("string", "url", stringValue="h" * 256)], extendedData="[1]")
    df = bo_frame(spark, "clickstream", [json.dumps(EVENT), json.dumps(BARE), json.dumps(bad), json.dumps(long_url)])
    out = reasons_by_line(df, clickstream.reject_reasons(df, 5000))
    expected = spark.createDataFrame(
        [
            (1, [], None),
            (2, [], None),
            (
                3,
                [
                    "event_timestamp: not an ISO-8601 date-time",
                    "device.useragent: longer than 255 characters",
                    "attributes.page_name: contains a forbidden character",
                    "attributes.url: contains a line break",
                    "attributes.customer_email: invalid email address",
                    "attributes.customer_phone: phone number longer than 30 characters",
                ],
                "invalid_timestamp",
            ),
            (
                4,
                ["attributes.url: longer than 255 characters", "extendedData: extendedData is not a JSON object"],
                "validation",
            ),
        ],
        "line_number long, reasons array<string>, error_type string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)
