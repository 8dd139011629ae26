"""The Arrow builder of hotel_stay_revenue_items gives the native transform's rows, column for column."""

from __future__ import annotations

import json

from chispa import assert_df_equality

from tests.transforms.helpers import bo_frame
from tests.transforms.test_hotel_stay import NO_GUEST, NO_IDS, STAY
from transforms import hotel_stay
from transforms.arrow import hotel_stay as arrow_hotel_stay
from transforms.arrow.values import last_updated_partition, parse_timestamp, to_number

ODD = {
    "id": "S3",
    "modelVersion": None,
    "lastUpdatedOn": "20240102T0304Z",
    "currency": {"symbol": "$"},
    "revenue": [
        None,
        {"type": "t", "amount": " 12 ", "extendedData": "  {} "},
        {"type": "u", "amount": "1e3", "extendedData": {"é": [1, 2.50, None]}},
        {"type": "v", "amount": "NaN"},
        {"type": "w", "amount": "1_0"},
    ],
}
ZONED = {"guestId": "G9", "lastUpdatedOn": "2024-1-2 3:04:05.1234567+0530", "revenue": [{"type": "x", "amount": 3}]}
BAD_TIME = {"id": "S4", "lastUpdatedOn": "2024-02-30T00:00:00Z", "revenue": [{"amount": "-Infinity"}]}
EMPTY = {"id": "S5", "revenue": []}


def test_arrow_revenue_items_equal_the_native_transform(spark):
    lines = [json.dumps(x) for x in (STAY, NO_GUEST, NO_IDS, ODD, ZONED, BAD_TIME, EMPTY)]
    df = bo_frame(spark, "hotel_stay", lines)
    native = hotel_stay.to_accp(df)["hotel_stay_revenue_items"]
    for columnar in (True, False):
        arrow = arrow_hotel_stay.revenue_items(df, columnar=columnar)
        assert arrow.count() == 12
        assert_df_equality(arrow, native, ignore_row_order=True, allow_nan_equality=True)


def test_python_twins_of_the_value_functions():
    assert to_number(" 1.5d") == 1.5
    assert to_number("1_0") == 0.0
    assert to_number(None) == 0.0
    assert to_number("-inf") == float("-inf")
    assert parse_timestamp("2024-02-30T00:00:00Z") is None
    assert parse_timestamp("2024-01-02T03:04:60Z") is None
    assert parse_timestamp("2024-01-02T03:04:05+01:00").isoformat() == "2024-01-02T02:04:05+00:00"
    assert last_updated_partition("2024-1-2 3:04") == "2024-01-02-03"
    assert last_updated_partition("20240102T0304Z") == "2024-01-02-03"
    assert last_updated_partition("yesterday") is None
