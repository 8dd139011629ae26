"""hotel_stay → hotel_stay_revenue_items + alternate_profile_id (mapping spec 3.5)."""

from __future__ import annotations

import json

from chispa import assert_df_equality
from pyspark.sql import functions as F

from tests.transforms.helpers import bo_frame, reasons_by_line
from transforms import hotel_stay
from transforms.values import generated_id

STAY = {
    "modelVersion": "1.2.0",
    "id": "S1",
    "bookingId": "B1",
    "guestId": "G1",
    "lastUpdatedOn": "2024-12-02T02:08:56.554011Z",
    "lastUpdatedBy": "agent",
    "createdOn": "2024-12-01T00:00:00Z",
    "createdBy": "creator",
    "currency": {"code": "EUR", "name": "Euro"},
    "firstName": "Ann",
    "lastName": "Lee",
    "email": "ann@example.com",
    "phone": None,
    "startDate": "2024-8-8",
    "hotelCode": "LON04",
    "revenue": [
        {"type": "room", "description": "King", "currency": {"code": "USD"}, "amount": 163.5, "date": "2024-12-01"},
        {"type": "bar", "amount": "not a number", "date": "2024-12-02", "extendedData": {"k": "v"}},
    ],
    "alternateProfileIds": [{"name": "trade", "value": "T1", "description": "d"}],
}
NO_GUEST = {"id": "S2", "revenue": [{"type": "a", "amount": 1}, {"type": "b", "amount": 2}]}
NO_IDS = {"revenue": [{"type": "a", "amount": 1}]}


def test_one_record_per_revenue_item_with_stay_level_fields(spark):
    df = bo_frame(spark, "hotel_stay", [json.dumps(STAY)])
    out = hotel_stay.to_accp(df)["hotel_stay_revenue_items"].drop(
        "domain", "run_id", "source_file", "ingested_at", "ingest_mode", "partial_fields", "tx_id", "last_updated_ts"
    )
    common = (
        "G1",
        "agent",
        "S1",
        "B1",
        "EUR",
        "Euro",
        "",
        "Ann",
        "Lee",
        "ann@example.com",
        "",
        "2024-8-8",
        "LON04",
        "2024-12-01T00:00:00Z",
        "creator",
    )
    meta = (1, "hotel_stay_revenue_items", "1.2.0", "2024-12-02T02:08:56.554011Z", "2024-12-02-02")
    ext = "eyJrIjoidiJ9"  # base64 of {"k":"v"}
    expected = spark.createDataFrame(
        [
            (*meta, common[0], "S1|room|2024-12-01", *common[1:], "room", "King", 163.5, "2024-12-01", ""),
            (*meta, common[0], "S1|bar|2024-12-02", *common[1:], "bar", "", 0.0, "2024-12-02", ext),
        ],
        "line_number long, object_type string, model_version string, last_updated string, "
        "last_updated_partition string, traveller_id string, accp_object_id string, last_updated_by string, "
        "id string, booking_id string, currency_code string, currency_name string, currency_symbol string, "
        "first_name string, last_name string, email string, phone string, start_date string, hotel_code string, "
        "created_on string, created_by string, type string, description string, amount double, date string, "
        "extended_data string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)


def test_generated_guest_id_is_one_per_stay_and_alternate_ids_use_it(spark):
    df = bo_frame(spark, "hotel_stay", [json.dumps(NO_GUEST), json.dumps(NO_IDS), json.dumps(STAY)])
    out = hotel_stay.to_accp(df)
    revenue = out["hotel_stay_revenue_items"].select("line_number", "traveller_id", "accp_object_id", "last_updated")
    by_stay = generated_id("hotel_stay", "S2")
    by_line = generated_id("hotel_stay", F.to_json(F.col("data")), "guest")
    ids = df.select("line_number", by_stay.alias("by_stay"), by_line.alias("by_line"))
    expected = (
        spark.createDataFrame(
            [
                (1, "by_stay", "S2|a|"),
                (1, "by_stay", "S2|b|"),
                (2, "by_line", "|a|"),
                (3, "G1", "S1|room|2024-12-01"),
                (3, "G1", "S1|bar|2024-12-02"),
            ],
            "line_number long, kind string, accp_object_id string",
        )
        .join(ids, "line_number")
        .select(
            "line_number",
            F.when(F.col("kind") == "by_stay", F.col("by_stay"))
            .when(F.col("kind") == "by_line", F.col("by_line"))
            .otherwise(F.col("kind"))
            .alias("traveller_id"),
            "accp_object_id",
            # missing lastUpdatedOn falls back to fallback_ts
            F.when(F.col("line_number") == 3, "2024-12-02T02:08:56.554011Z")
            .otherwise("2024-01-01T00:00:00.000000Z")
            .alias("last_updated"),
        )
    )
    assert_df_equality(revenue, expected, ignore_row_order=True, ignore_nullable=True)
    alt = out["alternate_profile_id"].select("traveller_id", "accp_object_id", "model_version", "last_updated")
    expected_alt = spark.createDataFrame(
        [("trade_T1", "trade_T1", "1.2.0", STAY["lastUpdatedOn"]), ("G1", "trade_T1", "1.2.0", STAY["lastUpdatedOn"])],
        "traveller_id string, accp_object_id string, model_version string, last_updated string",
    )
    assert_df_equality(alt, expected_alt, ignore_row_order=True, ignore_nullable=True)


def test_reject_reasons(spark):
    bad = dict(STAY, email="not-an-email", phone="1" * 31, firstName="a<b", lastUpdatedOn="yesterday")
    bad["revenue"] = [{"type": "x\ty", "extendedData": "[1]"}]
    bad["alternateProfileIds"] = [{"name": "n{", "value": "v"}]
    lines = [STAY, dict(STAY, revenue=[]), {k: v for k, v in STAY.items() if k != "revenue"}, bad]
    df = bo_frame(spark, "hotel_stay", [json.dumps(line) for line in lines])
    out = reasons_by_line(df, hotel_stay.reject_reasons(df, 5000))
    expected = spark.createDataFrame(
        [
            (1, [], None),
            (2, [hotel_stay.NO_REVENUE], "missing_mandatory"),
            (3, [hotel_stay.NO_REVENUE], "missing_mandatory"),
            (
                4,
                [
                    "firstName: contains a forbidden character",
                    "email: invalid email address",
                    "phone: phone number longer than 30 characters",
                    "lastUpdatedOn: not an ISO-8601 date-time",
                    "revenue.type: contains a forbidden character",
                    "revenue.extendedData: extendedData is not a JSON object",
                    "alternateProfileIds.name: contains a forbidden character",
                ],
                "invalid_timestamp",
            ),
        ],
        "line_number long, reasons array<string>, error_type string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)
