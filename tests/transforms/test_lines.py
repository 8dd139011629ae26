"""Top-level arrays that are present but null are UPT's "'NoneType' object is not iterable"."""

from __future__ import annotations

from chispa import assert_df_equality
from pyspark.sql import functions as F

from transforms.lines import parse_business_object


def test_null_array_message_only_for_a_top_level_array_written_as_null(spark):
    lines = spark.createDataFrame(
        [
            (1, '{"id": "p1", "loyaltyPrograms": null}'),
            (2, '{"id": "p2"}'),
            (3, '{"id": "p3", "loyaltyPrograms": []}'),
            # The same key written as null, but inside another object: the top-level array is absent.
            (4, '{"id": "p4", "other": {"loyaltyPrograms": null}}'),
            (5, '{"id": "p5", "loyaltyPrograms" :  null, "emails": null}'),
        ],
        "line_number long, bo_json string",
    )
    actual = parse_business_object(lines, "pax_profile").select("line_number", "null_array_message")
    prefix = "'NoneType' object is not iterable: null where an array is expected: "
    expected = spark.createDataFrame(
        [
            (1, prefix + "loyaltyPrograms"),
            (2, None),
            (3, None),
            (4, None),
            (5, prefix + "emails, loyaltyPrograms"),
        ],
        "line_number long, null_array_message string",
    )
    assert_df_equality(actual, expected, ignore_row_order=True, ignore_nullable=True)


def test_json_error_tells_lines_that_are_not_objects_from_objects_with_odd_values(spark):
    lines = spark.createDataFrame(
        [
            (1, '{"id": "p1", "firstName": '),
            (2, '"just a string"'),
            (3, "[1, 2, 3]"),
            (4, "42"),
            # A JSON object whose value has an unexpected type is read as far as it can be; the
            # transform's checks decide about it, as for any other object.
            (5, '{"id": "p5", "firstName": {"nested": true}}'),
            (6, '{"id": "p6", "firstName": "Ana"}'),
        ],
        "line_number long, bo_json string",
    )
    actual = parse_business_object(lines, "pax_profile").select("line_number", "json_error", F.col("data.id"))
    expected = spark.createDataFrame(
        [
            (1, "malformed_json", None),
            (2, "not_an_object", None),
            (3, "not_an_object", None),
            (4, "not_an_object", None),
            (5, None, "p5"),
            (6, None, "p6"),
        ],
        "line_number long, json_error string, id string",
    )
    assert_df_equality(actual, expected, ignore_row_order=True, ignore_nullable=True)
