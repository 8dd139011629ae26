"""Line rules: numbering of landing lines, JSON errors, and top-level arrays written as null."""

from __future__ import annotations

from chispa import assert_df_equality
from pyspark.sql import functions as F

from transforms.lines import LINE_SEPARATOR, number_lines, parse_business_object, raw_line_columns


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


def test_number_lines_gives_file_line_numbers_across_splits_of_a_file(spark, tmp_path):
    """Lines read in many small splits get the numbers they have in the file; blank lines count."""
    lines: dict[int, bytes] = {n: f'{{"n": {n}, "pad": "{"x" * (n % 7)}"}}'.encode() for n in range(1, 41)}
    lines[5] = b""
    lines[6] = b"   "
    lines[7] = b'{"n": 7}\r'  # CRLF
    lines[9] = b'{"n": 9, "s": "\xff\xfe"}'  # invalid UTF-8
    lines[11] = '{"n": 11, "s": "\ufffd"}'.encode()  # U+FFFD written as such: valid
    (tmp_path / "2024" / "01" / "02").mkdir(parents=True)
    big, small = tmp_path / "2024" / "01" / "02" / "big.jsonl", tmp_path / "small.jsonl"
    big.write_bytes(b"\n".join(lines[n] for n in sorted(lines)) + b"\n")
    small.write_bytes(b'{"a": 1}\n\n{"a": 3}')  # no newline at the end

    previous = spark.conf.get("spark.sql.files.maxPartitionBytes")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "64")
    try:
        raw = (
            spark.read.format("text")
            .option("lineSep", LINE_SEPARATOR)
            .load([str(big), str(small)])
            .select(*raw_line_columns(F.lit("pax_profile")))
        )
        assert raw.where(F.col("source_file").endswith("big.jsonl")).select("block_start").distinct().count() > 5
        numbered = number_lines(raw).drop("folder_object")
        actual = numbered.withColumn("source_file", F.element_at(F.split("source_file", "/"), -1))
        texts = {n: text.decode("utf-8", errors="replace") for n, text in lines.items() if text.strip()}
        texts[7] = '{"n": 7}'
        expected = spark.createDataFrame(
            [("big.jsonl", "2024-01-02", n, text, n == 9) for n, text in texts.items()]
            + [("small.jsonl", None, 1, '{"a": 1}', False), ("small.jsonl", None, 3, '{"a": 3}', False)],
            "source_file string, landing_day string, line_number long, line string, is_invalid_utf8 boolean",
        )
        assert_df_equality(actual, expected, ignore_row_order=True, ignore_nullable=True)
    finally:
        spark.conf.set("spark.sql.files.maxPartitionBytes", previous)
