"""alternate_profile_id records (mapping spec 2.10): two per entry, duplicates dropped per line, entry validation."""

from __future__ import annotations

import json

from chispa import assert_df_equality
from pyspark.sql import functions as F

from tests.transforms.helpers import FALLBACK, RUN_ID, bo_frame, reasons_by_line
from transforms.alternate_ids import alternate_id_errors, alternate_profile_id_records

LINE = {
    "modelVersion": "1.0",
    "id": "stay-1",
    "guestId": "guest-1",
    "lastUpdatedOn": "2024-05-01T10:00:00Z",
    "alternateProfileIds": [
        {"name": "mob", "value": "v1", "description": "d1", "lastUpdatedOn": "ignored"},
        {"name": "mob", "value": "v1", "description": "d1"},
        {"name": "web", "value": "guest-1"},
        {"name": "bad", "value": "a=b", "description": "x<y"},
    ],
}
NO_IDS = {"id": "stay-2", "guestId": "guest-2", "alternateProfileIds": None}


def test_two_records_per_entry_with_exact_duplicates_dropped(spark):
    df = bo_frame(spark, "hotel_stay", [json.dumps(LINE), json.dumps(NO_IDS)])
    out = alternate_profile_id_records(
        df,
        alternate_ids=F.col("data.alternateProfileIds"),
        owner_id=F.col("data.guestId"),
        model_version=F.col("data.modelVersion"),
        last_updated=F.col("data.lastUpdatedOn"),
    ).select(
        "line_number",
        "object_type",
        "model_version",
        "last_updated",
        "last_updated_ts",
        "last_updated_partition",
        "tx_id",
        "traveller_id",
        "accp_object_id",
        "name",
        "value",
        "description",
    )
    ts = "2024-05-01 10:00:00"
    rows = [
        (1, "mob_v1", "mob_v1", "mob", "v1", "d1"),
        (1, "guest-1", "mob_v1", "mob", "v1", "d1"),
        (1, "web_guest-1", "web_guest-1", "web", "guest-1", ""),
        (1, "guest-1", "web_guest-1", "web", "guest-1", ""),
        (1, "bad_a=b", "bad_a=b", "bad", "a=b", "x<y"),
        (1, "guest-1", "bad_a=b", "bad", "a=b", "x<y"),
    ]
    expected = spark.createDataFrame(
        [(n, "alternate_profile_id", "1.0", "2024-05-01T10:00:00Z", RUN_ID, *rest) for n, *rest in rows],
        "line_number long, object_type string, model_version string, last_updated string, tx_id string, "
        "traveller_id string, accp_object_id string, name string, value string, description string",
    ).select(
        "line_number",
        "object_type",
        "model_version",
        "last_updated",
        F.to_timestamp(F.lit(ts)).alias("last_updated_ts"),
        F.lit(None).cast("string").alias("last_updated_partition"),
        "tx_id",
        "traveller_id",
        "accp_object_id",
        "name",
        "value",
        "description",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)


def test_missing_last_updated_is_kept_empty_and_ts_uses_fallback(spark):
    line = {"alternateProfileIds": [{"name": "n", "value": "v"}]}
    df = bo_frame(spark, "hotel_stay", [json.dumps(line)])
    out = alternate_profile_id_records(
        df, F.col("data.alternateProfileIds"), F.lit("owner"), F.col("data.modelVersion"), F.col("data.lastUpdatedOn")
    ).select("traveller_id", "model_version", "last_updated", F.col("last_updated_ts").cast("string").alias("ts"))
    expected = spark.createDataFrame(
        [("n_v", "", "", "2024-01-01 00:00:00"), ("owner", "", "", "2024-01-01 00:00:00")],
        "traveller_id string, model_version string, last_updated string, ts string",
    )
    assert FALLBACK.startswith("2024-01-01T00:00:00")
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)


def test_entry_errors_name_each_bad_field(spark):
    df = bo_frame(spark, "hotel_stay", [json.dumps(LINE), json.dumps(NO_IDS)])
    out = reasons_by_line(df, alternate_id_errors(F.col("data.alternateProfileIds")))
    expected = spark.createDataFrame(
        [
            (
                1,
                [
                    "alternateProfileIds.value: contains a forbidden character",
                    "alternateProfileIds.description: contains a forbidden character",
                ],
                "validation",
            ),
            (2, [], None),
        ],
        "line_number long, reasons array<string>, error_type string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)
