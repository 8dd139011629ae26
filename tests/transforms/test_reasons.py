"""Reject reasons carry a code; the stored error type follows the codes, never the message text."""

from __future__ import annotations

import pytest
from chispa import assert_df_equality
from pyspark.sql import functions as F

from ingestion.batch import reject_type
from transforms.reasons import (
    INVALID_TIMESTAMP,
    MISSING_MANDATORY,
    REASONS,
    VALIDATION,
    messages,
    no_reasons,
    reason,
)
from transforms.values import (
    all_errors,
    array_errors,
    email_error,
    errors,
    extended_data_error,
    failed,
    max_length_error,
    missing_error,
    phone_error,
    required_error,
    single_line_error,
    timestamp_error,
    url_error,
)

_REASON_SCHEMA = "array<struct<code:string,message:string>>"


def test_each_check_gives_its_code(spark):
    df = spark.createDataFrame(
        [("a<b", "not-an-email", "1" * 31, "h\nx", "yesterday", "", "[1]", "123456")],
        "s string, email string, phone string, url string, ts string, req string, ext string, long string",
    )
    out = df.select(
        errors(
            single_line_error(F.col("s"), "s"),
            email_error(F.col("email"), "email"),
            phone_error(F.col("phone"), "phone"),
            url_error(F.col("url"), "url"),
            max_length_error(F.col("long"), "long", 5),
            timestamp_error(F.col("ts"), "ts"),
            required_error(F.col("req"), "req must be populated"),
            extended_data_error(F.col("ext"), "ext", 5000),
            missing_error(F.lit(True), "segments must have at least 1 item"),
            failed(F.lit(True), VALIDATION, "too many items"),
            # Passing checks give no reason.
            single_line_error(F.lit("fine"), "ok"),
            timestamp_error(F.lit("2024-01-02T03:04:05Z"), "ok"),
            required_error(F.lit("x"), "ok"),
            missing_error(F.lit(False), "ok"),
        ).alias("reasons")
    )
    expected = spark.createDataFrame(
        [
            (
                [
                    (VALIDATION, "s: contains a forbidden character"),
                    (VALIDATION, "email: invalid email address"),
                    (VALIDATION, "phone: phone number longer than 30 characters"),
                    (VALIDATION, "url: contains a line break"),
                    (VALIDATION, "long: longer than 5 characters"),
                    (INVALID_TIMESTAMP, "ts: not an ISO-8601 date-time"),
                    (MISSING_MANDATORY, "req must be populated"),
                    (VALIDATION, "ext: extendedData is not a JSON object"),
                    (MISSING_MANDATORY, "segments must have at least 1 item"),
                    (VALIDATION, "too many items"),
                ],
            )
        ],
        f"reasons {_REASON_SCHEMA}",
    )
    assert_df_equality(out, expected, ignore_nullable=True)


def test_element_checks_and_concatenation_keep_order_and_skip_nulls(spark):
    df = spark.createDataFrame([(["ok", "a{b", "c}d"],), (None,)], "items array<string>")
    items = array_errors(F.col("items"), lambda v: errors(single_line_error(v, "items")))
    out = df.select(
        all_errors(items, F.lit(None).cast(REASONS), errors(missing_error(F.col("items").isNull(), "no items"))).alias(
            "reasons"
        )
    )
    expected = spark.createDataFrame(
        [
            ([(VALIDATION, "items: contains a forbidden character")] * 2,),
            ([(MISSING_MANDATORY, "no items")],),
        ],
        f"reasons {_REASON_SCHEMA}",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)


def test_unknown_code_is_refused():
    with pytest.raises(ValueError, match="unknown reason code"):
        reason("missing", "x")


def _reasons(*pairs: tuple[str, str]):
    if not pairs:
        return no_reasons()
    return F.array(*[reason(code, message) for code, message in pairs])


def test_reject_type_follows_codes_in_priority_order(spark):
    """invalid_timestamp before missing_mandatory before validation; JSON and null-array errors first.

    The last two lines hold messages that the former text matching got wrong: "missing" in a
    validation message made it missing_mandatory, and "ISO-8601" in one made it invalid_timestamp.
    """
    cases = [
        ("ts", None, None, [(VALIDATION, "a: bad"), (INVALID_TIMESTAMP, "t: not ISO"), (MISSING_MANDATORY, "m")]),
        ("mm", None, None, [(VALIDATION, "a: bad"), (MISSING_MANDATORY, "segments must have at least 1")]),
        ("val", None, None, [(VALIDATION, "a: bad"), (VALIDATION, "b: bad")]),
        ("none", None, None, []),
        ("json", "malformed_json", None, [(INVALID_TIMESTAMP, "t")]),
        ("nulls", None, "'NoneType' object is not iterable", [(MISSING_MANDATORY, "m")]),
        ("word_missing", None, None, [(VALIDATION, "profile.missingReason: contains a forbidden character")]),
        ("word_iso", None, None, [(VALIDATION, "note: must be text, not an ISO-8601 date-time")]),
    ]
    frames = [
        spark.range(1).select(
            F.lit(name).alias("case"),
            F.lit(json_error).cast("string").alias("json_error"),
            F.lit(null_array).cast("string").alias("null_array_message"),
            _reasons(*pairs).alias("reasons"),
        )
        for name, json_error, null_array, pairs in cases
    ]
    df = frames[0]
    for frame in frames[1:]:
        df = df.unionByName(frame)
    out = df.select(
        "case",
        reject_type(F.col("json_error"), F.col("null_array_message"), F.col("reasons")).alias("error_type"),
        F.array_join(messages(F.col("reasons")), "; ").alias("message"),
    )
    expected = spark.createDataFrame(
        [
            ("ts", INVALID_TIMESTAMP, "a: bad; t: not ISO; m"),
            ("mm", MISSING_MANDATORY, "a: bad; segments must have at least 1"),
            ("val", VALIDATION, "a: bad; b: bad"),
            ("none", None, ""),
            ("json", "malformed_json", "t"),
            ("nulls", "null_array", "m"),
            ("word_missing", VALIDATION, "profile.missingReason: contains a forbidden character"),
            ("word_iso", VALIDATION, "note: must be text, not an ISO-8601 date-time"),
        ],
        "case string, error_type string, message string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)
