"""From raw landing lines to typed business-object rows: line numbers, envelopes, first rejects.

Everything here is a column expression over lines, so the driver never sees data.
A line ends in exactly one of two states: ``error_type`` set (it goes to the error table) or a
known ``object_type`` with its JSON text in ``bo_json``.
"""

from __future__ import annotations

from functools import reduce

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType, StructField, StructType

from transforms.schemas import SCHEMAS
from transforms.values import non_null, nz

ENVELOPE_SCHEMA = StructType(
    [
        StructField("objectType", StringType()),
        StructField("modelVersion", StringType()),
        StructField("data", StringType()),
        StructField("domain", StringType()),
        StructField("mode", StringType()),
        StructField("timestamp", StringType()),
        StructField("uid", StringType()),
        StructField("mergeModeProfileID", StringType()),
        StructField("partialModeOptions", StructType([StructField("fields", ArrayType(StringType()))])),
    ]
)
DOMAIN_PATTERN = r"^[a-z0-9]+(_[a-z0-9]+)*$"
PATH_DATE = r"/(\d{4})/(\d{2})/(\d{2})/"

# Error types of the error table (stable names: dashboards and `upt errors --type` use them).
MALFORMED_JSON = "malformed_json"
NOT_AN_OBJECT = "not_an_object"
INVALID_UTF8 = "invalid_utf8"
UNKNOWN_OBJECT_TYPE = "unknown_object_type"
DOMAIN_MISMATCH = "domain_mismatch"
INVALID_ENVELOPE = "invalid_envelope"
NULL_ARRAY = "null_array"
# Field of a parse that keeps the text of a line the schema could not read.
CORRUPT_RECORD = "_corrupt_record"


# Lines end at "\n" only, as the files' line numbers count them (``number_lines`` strips a "\r").
LINE_SEPARATOR = "\n"


def raw_line_columns(folder_object: Column) -> list[Column]:
    """``number_lines``'s input, selected from a text source read with ``lineSep`` LINE_SEPARATOR."""
    return [
        F.col("_metadata.file_path").alias("source_file"),
        F.col("_metadata.file_block_start").alias("block_start"),
        folder_object.alias("folder_object"),
        F.col("value").alias("line"),
    ]


def number_lines(lines_df: DataFrame) -> DataFrame:
    """Non-blank landing lines with their 1-based line number and whether they are valid UTF-8.

    Input (``raw_line_columns``): one row per line as Spark's text source reads it: ``source_file``,
    ``block_start`` (where the file split the line was read from begins), ``folder_object`` (the
    business-object folder) and ``line`` (raw bytes).
    Output adds ``landing_day`` (``path_date``). Lines, not whole files, are read so that memory
    does not grow with a file's size (files of 130 MB read whole ran a 4 GB heap out of memory).

    The text source numbers nothing. Within a split, lines come in file order with consecutive
    ``monotonically_increasing_id`` values, so a line's number is its id minus its split's first
    id, plus the lines of the file's earlier splits. Those come from a second, narrow read of the
    same files (ids only, no text), aggregated to one row per split and broadcast.
    """
    numbered = lines_df.withColumn("_row_id", F.monotonically_increasing_id())
    earlier = Window.partitionBy("source_file").orderBy("block_start").rowsBetween(Window.unboundedPreceding, -1)
    splits = (
        numbered.groupBy("source_file", "block_start")
        .agg(F.min("_row_id").alias("_first_id"), F.count("*").alias("_lines"))
        .select(
            "source_file",
            "block_start",
            (F.coalesce(F.sum("_lines").over(earlier), F.lit(0)) - F.col("_first_id") + 1).alias("_offset"),
            # Per split rather than per line: three regexes over the path.
            path_date(F.col("source_file")).alias("landing_day"),
        )
    )
    line = F.col("line")
    without_cr = F.when(line.endswith("\r"), F.expr("substring(line, 1, length(line) - 1)")).otherwise(line)
    # A line that starts with text is not blank; only the others are trimmed whole (a copy).
    not_blank = (F.trim(F.substring(line, 1, 16)) != "") | (F.trim(line) != "")
    # Decoding replaces every invalid sequence with U+FFFD, so only an invalid line changes on a
    # round trip; an error row keeps its decoded text (readers of the table expect UTF-8).
    raw = line.cast("binary")
    decoded = F.decode(raw, "UTF-8")
    is_invalid = F.encode(decoded, "UTF-8") != raw
    return (
        numbered.join(F.broadcast(splits), ["source_file", "block_start"])
        .withColumn("line", without_cr)
        .where(not_blank)
        .withColumn("is_invalid_utf8", is_invalid)
        .select(
            "source_file",
            "folder_object",
            "landing_day",
            (F.col("_row_id") + F.col("_offset")).alias("line_number"),
            F.when(F.col("is_invalid_utf8"), decoded).otherwise(line).alias("line"),
            "is_invalid_utf8",
        )
    )


def path_date(source_file: Column) -> Column:
    """``YYYY-MM-DD`` of the landing partition a file sits in (null when the path has none)."""
    year, month, day = (F.regexp_extract(source_file, PATH_DATE, i) for i in (1, 2, 3))
    return F.when(year != "", F.concat_ws("-", year, month, day))


def may_be_envelope(line: Column) -> Column:
    """Whether a line can have a top-level ``objectType`` key at all."""
    return line.contains('"objectType"') | line.contains("\\u")


def json_error_of(line: Column, keys: Column) -> Column:
    """malformed_json / not_an_object for a line that is not a JSON object, else null."""
    first = F.substring(F.ltrim(line), 1, 1)
    scalar_or_array = F.get_json_object(F.concat(F.lit('{"v":'), line, F.lit("}")), "$.v").isNotNull() | F.trim(
        line
    ).isin("null", "true", "false")
    return (
        F.when(keys.isNotNull(), F.lit(None).cast("string"))
        .when(first == "{", F.lit(MALFORMED_JSON))
        .when(scalar_or_array, F.lit(NOT_AN_OBJECT))
        .otherwise(F.lit(MALFORMED_JSON))
    )


def json_error_message(json_error: Column) -> Column:
    return F.when(json_error == MALFORMED_JSON, F.lit("line is not well-formed JSON")).when(
        json_error == NOT_AN_OBJECT, F.lit("line is JSON but not an object")
    )


def classify_lines(lines_df: DataFrame, domain: str) -> DataFrame:
    """Decide each line's business object, envelope settings and any line-level error.

    A line whose top level has both ``objectType`` and ``data`` is a Kinesis-wrapper envelope
    wherever it is found and its ``objectType`` decides the type; any other object is a bare
    business object of its folder's type (``folder_object``).
    """
    # A key scan tokenises the whole line, and the object's parse does it again. Only a line that
    # names objectType (or escapes a character, which could spell it) can be an envelope; other
    # lines are checked as JSON by that parse alone (``parse_json``).
    keys = F.when(may_be_envelope(F.col("line")), F.json_object_keys("line"))
    is_envelope = F.coalesce(F.array_contains(keys, "objectType") & F.array_contains(keys, "data"), F.lit(False))
    envelope = F.when(is_envelope, F.from_json("line", ENVELOPE_SCHEMA))
    object_type = F.when(is_envelope, F.lower(F.trim(F.col("envelope.objectType")))).otherwise(F.col("folder_object"))
    env_domain = nz(F.col("envelope.domain"))
    data_is_object = F.json_object_keys(F.col("envelope.data")).isNotNull()
    json_error = F.when(may_be_envelope(F.col("line")), json_error_of(F.col("line"), keys))

    error_type = (
        F.when(F.col("is_invalid_utf8"), F.lit(INVALID_UTF8))
        .when(json_error.isNotNull(), json_error)
        .when(~F.col("object_type").isin(*SCHEMAS), F.lit(UNKNOWN_OBJECT_TYPE))
        .when(F.col("is_envelope") & ~data_is_object, F.lit(INVALID_ENVELOPE))
        .when(F.col("is_envelope") & (env_domain != "") & (env_domain != F.lit(domain)), F.lit(DOMAIN_MISMATCH))
    )
    message = (
        F.when(F.col("error_type") == INVALID_UTF8, F.lit("line is not valid UTF-8"))
        .when(F.col("error_type").isin(MALFORMED_JSON, NOT_AN_OBJECT), json_error_message(F.col("error_type")))
        .when(
            F.col("error_type") == UNKNOWN_OBJECT_TYPE,
            F.concat(F.lit("unknown objectType '"), nz(F.col("envelope.objectType")), F.lit("'")),
        )
        .when(F.col("error_type") == INVALID_ENVELOPE, F.lit("envelope 'data' is not a JSON object"))
        .when(
            F.col("error_type") == DOMAIN_MISMATCH,
            F.concat(F.lit("envelope domain '"), env_domain, F.lit(f"' differs from the path's domain '{domain}'")),
        )
    )
    mode = F.lower(nz(F.col("envelope.mode")))
    return (
        lines_df.withColumn("keys", keys)
        .withColumn("is_envelope", is_envelope)
        .withColumn("envelope", envelope)
        .withColumn("object_type", object_type)
        .withColumn("error_type", error_type)
        .withColumn("error_message", message)
        .withColumn("bo_json", F.when(F.col("is_envelope"), F.col("envelope.data")).otherwise(F.col("line")))
        .withColumn("ingest_mode", F.when(mode.isin("partial", "merge"), mode).otherwise(F.lit("full")))
        .withColumn(
            "partial_fields", F.coalesce(F.col("envelope.partialModeOptions.fields"), F.array().cast("array<string>"))
        )
        .withColumn(
            # The guide spells mergeModeProfileID, upstream code reads mergeModeProfileId: accept both
            # (a struct cannot hold both names when Spark resolves names case-insensitively).
            "merge_target",
            # Only envelopes can ask for a merge: bare lines skip the second parse of the line.
            F.when(
                F.col("is_envelope"),
                nz(F.coalesce(F.col("envelope.mergeModeProfileID"), F.get_json_object("line", "$.mergeModeProfileId"))),
            ).otherwise(F.lit("")),
        )
        .withColumn("uid", F.col("envelope.uid"))
        .withColumn("envelope_ts", F.col("envelope.timestamp"))
        .drop("envelope", "keys")
    )


def parse_json(lines_df: DataFrame, business_object: str) -> DataFrame:
    """``bo_json`` parsed with the object's explicit schema into ``data``, and its ``json_error``.

    The parse keeps the text it could not read in a corrupt-record field; only those lines (rare)
    pay for a key scan, which tells a line that is not a JSON object (malformed_json,
    not_an_object) from an object with a value of an unexpected type (checked by the transform).
    """
    schema = StructType([*SCHEMAS[business_object].fields, StructField(CORRUPT_RECORD, StringType())])
    parsed = F.from_json("bo_json", schema, {"columnNameOfCorruptRecord": CORRUPT_RECORD})
    unreadable = F.col("_parsed").isNull() | F.col("_parsed").getField(CORRUPT_RECORD).isNotNull()
    return (
        lines_df.withColumn("_parsed", parsed)
        .withColumns(
            {
                "data": F.col("_parsed").dropFields(CORRUPT_RECORD),
                "json_error": F.when(unreadable, json_error_of(F.col("bo_json"), F.json_object_keys("bo_json"))),
            }
        )
        .drop("_parsed")
    )


def parse_business_object(lines_df: DataFrame, business_object: str) -> DataFrame:
    """Parse ``bo_json`` with the object's explicit schema into ``data``; flag top-level null arrays.

    A typed schema cannot tell a JSON null from an absent key, so a top-level array is checked
    against the line's own keys: present but null is UPT's "'NoneType' object is not iterable".
    """
    schema = SCHEMAS[business_object]
    array_fields = [f.name for f in schema.fields if isinstance(f.dataType, ArrayType)]
    parsed = parse_json(lines_df, business_object)
    # A present-but-null array reads ``"name": null`` in the text: only lines that say so for an
    # array that came out null pay for the line's keys (a second parse of the whole line).
    is_null = {
        name: F.col("data").getField(name).isNull() & F.col("bo_json").rlike(f'"\\Q{name}\\E"\\s*:\\s*null')
        for name in array_fields
    }
    keys = F.when(reduce(Column.__or__, is_null.values()), F.json_object_keys("bo_json")) if array_fields else None
    null_arrays = non_null(
        *[F.when(F.array_contains(keys, name) & is_null[name], F.lit(name)) for name in array_fields],
        element_type="string",
    )
    return parsed.withColumn(
        "null_array_message",
        F.when(
            F.size(null_arrays) > 0,
            F.concat(
                F.lit("'NoneType' object is not iterable: null where an array is expected: "),
                F.array_join(null_arrays, ", "),
            ),
        ),
    )
