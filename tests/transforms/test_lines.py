"""Top-level arrays that are present but null are UPT's "'NoneType' object is not iterable"."""

from __future__ import annotations

from chispa import assert_df_equality

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
