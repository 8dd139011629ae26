"""DynamoDB items of the matches: one per direction, UPT's key shapes."""

from __future__ import annotations

from chispa import assert_df_equality

from matching.model.export import dynamo_items


def test_dynamo_items_in_both_directions(spark):
    matches = spark.createDataFrame(
        [("A", "B", 0.9, 3.1)], "source_profile_id string, target_profile_id string, match_probability double, w double"
    )
    expected = spark.createDataFrame(
        [("d_A", "match_B", 0.9, "B"), ("d_B", "match_A", 0.9, "A")],
        "pk string, sk string, score double, target string",
    )
    assert_df_equality(dynamo_items(matches, "d"), expected, ignore_row_order=True, ignore_nullable=True)
