"""Column functions shared by every business object: scalar conversions, validation, ids, timestamps.

Input leaves are read as strings (see ``transforms.schemas``), so every function here takes and
returns Spark ``Column`` expressions and never touches rows in Python.
"""

from __future__ import annotations

from collections.abc import Callable

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import MapType, StringType

from transforms.reasons import (
    INVALID_TIMESTAMP,
    MISSING_MANDATORY,
    REASON_DDL,
    VALIDATION,
    no_reason,
    no_reasons,
    reason,
)

# Characters that make a "single-line" string invalid (UPT rejects, never cleans).
FORBIDDEN_SINGLE_LINE = r"[\\\x08\x0c\n\r\t{}<>^=]"
MAX_SINGLE_LINE = 255
EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}$"
MAX_PHONE = 30
MAX_URL = 255
MAX_TEXT = 5000

# ISO-8601 date-times, extended (2024-01-02T03:04:05.123Z, 2024-1-2 3:04:05+01:00, 2024-01-02)
# and basic (20240102T030405Z) forms. Groups: year, month, day, hour, minute, second, fraction, zone.
_ISO_EXTENDED = (
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
# The usual layout, parsed without the rewrite below (fraction of 1 to 6 digits, as the rewrite keeps).
_ISO_COMMON = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$"
_COMMON_LAYOUT = "yyyy-MM-dd'T'HH:mm:ss[.SSSSSS]XXX"
_ISO_BASIC = r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$"


def nz(col: Column) -> Column:
    """Null as empty string: UPT writes "" for every absent string field."""
    return F.coalesce(col, F.lit(""))


def to_number(col: Column) -> Column:
    """UPT's float parse: missing, null, "" or unparsable become 0.0, never null."""
    return F.coalesce(F.trim(col).cast("double"), F.lit(0.0))


def to_integer(col: Column) -> Column:
    return F.coalesce(F.trim(col).cast("double").cast("int"), F.lit(0))


def to_bool(col: Column) -> Column:
    """True only for JSON true or the string "true" in any case (upstream also took "false")."""
    return F.coalesce(F.lower(F.trim(col)) == F.lit("true"), F.lit(False))


def generated_id(*parts: Column | str) -> Column:
    """Deterministic stand-in for UPT's random UUIDs: ``gen-`` + 32 hex chars of a SHA-256.

    Reruns over the same input must land on the same traveller, so the id is derived from stable
    content (callers pass the material listed in the mapping spec, section 2.3).
    """
    cols = [F.lit(p) if isinstance(p, str) else nz(p.cast("string")) for p in parts]
    return F.concat(F.lit("gen-"), F.substring(F.sha2(F.concat_ws("|", *cols), 256), 1, 32))


def id_or_generated(id_col: Column, *material: Column | str) -> Column:
    """The id from the data when it is non-empty, else a generated one."""
    return F.when(nz(id_col) != "", id_col).otherwise(generated_id(*material))


# ---------------------------------------------------------------- validation (reason or null)
#
# Each check returns a reason (``transforms.reasons``: a code and a message) when its value breaks a
# rule, else null. Only ``required_error`` / ``missing_error`` give MISSING_MANDATORY and only
# ``timestamp_error`` gives INVALID_TIMESTAMP: the stored error type follows the code, not the text.


def failed(condition: Column, code: str, message: str) -> Column:
    """A reason of ``code`` where ``condition`` holds, else null."""
    return F.when(condition, reason(code, message))


def missing_error(condition: Column, message: str) -> Column:
    """Mandatory content absent (an empty array, a missing sub-object): MISSING_MANDATORY."""
    return failed(condition, MISSING_MANDATORY, message)


def single_line_error(col: Column, path: str) -> Column:
    """Reason when ``col`` breaks UPT's single-line rule, else null ("" and null pass)."""
    return F.when(
        F.length(col) > MAX_SINGLE_LINE, reason(VALIDATION, f"{path}: longer than {MAX_SINGLE_LINE} characters")
    ).when(col.rlike(FORBIDDEN_SINGLE_LINE), reason(VALIDATION, f"{path}: contains a forbidden character"))


def email_error(col: Column, path: str) -> Column:
    return F.coalesce(
        single_line_error(col, path),
        failed((nz(col) != "") & ~col.rlike(EMAIL_PATTERN), VALIDATION, f"{path}: invalid email address"),
    )


def phone_error(col: Column, path: str) -> Column:
    return F.coalesce(
        single_line_error(col, path),
        failed(F.length(col) > MAX_PHONE, VALIDATION, f"{path}: phone number longer than {MAX_PHONE} characters"),
    )


def url_error(col: Column, path: str) -> Column:
    return F.when(F.length(col) > MAX_URL, reason(VALIDATION, f"{path}: longer than {MAX_URL} characters")).when(
        col.rlike(r"[\n\r]"), reason(VALIDATION, f"{path}: contains a line break")
    )


def max_length_error(col: Column, path: str, limit: int) -> Column:
    return failed(F.length(col) > limit, VALIDATION, f"{path}: longer than {limit} characters")


def required_error(col: Column, message: str) -> Column:
    """MISSING_MANDATORY when ``col`` is null or ""."""
    return missing_error(nz(col) == "", message)


def timestamp_error(col: Column, path: str) -> Column:
    """INVALID_TIMESTAMP when a non-empty ``col`` is not an ISO-8601 date-time."""
    return failed(
        (nz(col) != "") & parse_timestamp(col).isNull(), INVALID_TIMESTAMP, f"{path}: not an ISO-8601 date-time"
    )


def non_null(*values: Column, element_type: str) -> Column:
    """array<element_type> of the non-null ``values``, in order.

    Built from one-element arrays rather than ``filter(array(...))``: a higher-order function is
    evaluated row by row by the interpreter, and with it every check below it (regexes, timestamp
    parsing, attribute lookups), with no common-subexpression sharing. ``flatten`` is code-generated.
    """
    none = F.array().cast(f"array<{element_type}>")
    if not values:
        return none
    return F.flatten(F.array(*[F.when(v.isNotNull(), F.array(v)).otherwise(none) for v in values]))


def errors(*checks: Column) -> Column:
    """Array of the reasons among ``checks`` (each a reason or null), in order."""
    return non_null(*checks, element_type=REASON_DDL)


def array_errors(array_col: Column, check: Callable[[Column], Column]) -> Column:
    """Reasons of every element of ``array_col``; ``check(element)`` returns an array of reasons."""
    return F.flatten(F.coalesce(F.transform(array_col, check), F.array().cast(f"array<array<{REASON_DDL}>>")))


def all_errors(*arrays: Column) -> Column:
    """Concatenate reason arrays (null arrays count as none)."""
    return F.concat(*[F.coalesce(a, no_reasons()) for a in arrays])


# ---------------------------------------------------------------- timestamps


_ISO_ANY = f"(?:{_ISO_EXTENDED})|(?:{_ISO_BASIC})"
_PARTS = "$1\u0000$2\u0000$3\u0000$4\u0000$5\u0000$6\u0000$7\u0000$8"


def _iso_parts(col: Column) -> Column:
    """array<string> of year, month, day, hour, minute, second, fraction, zone; null when not ISO-8601.

    One regex rewrite per form turns the text into its eight groups joined by NUL (a character no
    ISO-8601 text holds) instead of one ``regexp_extract`` per group: the expression stays small,
    which keeps the generated code of the tables that parse timestamps smaller (the per-group
    version pushed record projections over Janino's 64 KB limit, and Spark fell back to slower code).
    """
    text = F.trim(col)
    joined = F.regexp_replace(F.regexp_replace(text, _ISO_EXTENDED, _PARTS), _ISO_BASIC, _PARTS)
    return F.when(text.rlike(_ISO_ANY), F.split(joined, "\u0000"))


def _zone_id(zone: Column) -> Column:
    """Offset for ``make_timestamp``: no zone means UTC; +05 and +0530 become +05:00 and +05:30."""
    return (
        F.when((zone == "") | (zone == "Z"), F.lit("+00:00"))
        .when(F.length(zone) == 3, F.concat(zone, F.lit(":00")))
        .when(F.length(zone) == 5, F.concat(F.substring(zone, 1, 3), F.lit(":"), F.substring(zone, 4, 2)))
        .otherwise(zone)
    )


def _is_common_iso(col: Column) -> Column:
    """The layout nearly all data uses (``2024-01-02T03:04:05[.ffffff](Z|+01:00)``): one regex."""
    return F.trim(col).rlike(_ISO_COMMON)


def _part(parts: Column, i: int, empty: Column) -> Column:
    """Part ``i`` of ``_iso_parts``, or ``empty`` where the text left it out (no time, no seconds)."""
    return F.when(parts[i] == "", empty).otherwise(parts[i])


def _from_parts(parts: Column) -> Column:
    """UTC timestamp of the eight ISO-8601 parts; null for impossible values (month 13, Feb 30, 24:00).

    ``make_timestamp`` returns null for an impossible date or time (ANSI mode off, as on Glue and
    EMR); a leap second (60) would roll over to the next minute, so it is refused first.
    """

    def number(i: int) -> Column:
        return _part(parts, i, F.lit("0")).cast("int")

    fraction = F.rpad(F.substring(parts[6], 1, 6), 6, "0")
    seconds = F.concat(_part(parts, 5, F.lit("0")), F.lit("."), fraction)
    offset = _zone_id(parts[7])
    valid_offset = offset.rlike(r"^[+-](0\d|1[0-8]):[0-5]\d$")
    return F.when(
        (number(5) < 60) & valid_offset,
        F.make_timestamp(number(0), number(1), number(2), number(3), number(4), seconds.cast("decimal(8,6)"), offset),
    )


def parse_timestamp(col: Column) -> Column:
    """UTC timestamp of any valid ISO-8601 date-time; null when it is not one (month 13 included).

    Spark's ``to_timestamp`` patterns each accept one layout, and UPT data mixes fraction lengths,
    1-digit months and zones: the common layout is parsed directly (one regex and one
    ``to_timestamp``); every other accepted form is split into its parts by one regex rewrite and
    built with ``make_timestamp``. A strict parse that fails in the common layout (Feb 30, hour 24)
    falls through to the general path, which rejects it too.
    """
    common = F.when(_is_common_iso(col), F.to_timestamp(F.trim(col), _COMMON_LAYOUT))
    return F.coalesce(common, _from_parts(_iso_parts(col)))


def last_updated_partition(col: Column) -> Column:
    """``yyyy-MM-dd-HH`` from the text of the timestamp, without zone conversion (as UPT)."""
    common = F.trim(col)
    parts = _iso_parts(col)

    def pad2(i: int) -> Column:
        return F.lpad(_part(parts, i, F.lit("0")), 2, "0")

    return F.when(
        _is_common_iso(col), F.concat(F.substring(common, 1, 10), F.lit("-"), F.substring(common, 12, 2))
    ).when(parts.isNotNull(), F.concat_ws("-", parts[0], pad2(1), pad2(2), pad2(3)))


# ---------------------------------------------------------------- extended data


def base64_text(col: Column) -> Column:
    """base64 of the UTF-8 bytes of ``col`` on one line.

    Spark 3.5's ``base64`` may wrap its output every 76 characters with CRLF (MIME style,
    ``spark.sql.chunkBase64String.enabled``); upstream writes one unbroken string.
    """
    return F.regexp_replace(F.base64(F.encode(col, "UTF-8")), r"[\r\n]", "")


def extended_data(col: Column) -> Column:
    """base64 of the JSON text of ``extendedData`` ("" when absent or empty).

    The input schema reads ``extendedData`` as a string, which gives the raw JSON of an object
    (or the value of a string that should itself hold JSON).
    """
    text = F.trim(col)
    empty = text.isNull() | text.isin("", "{}", "null", '""')
    return F.when(empty, F.lit("")).otherwise(base64_text(text))


def extended_data_error(col: Column, path: str, max_encoded: int) -> Column:
    text = F.trim(col)
    empty = text.isNull() | text.isin("", "{}", "null", '""')
    is_object = F.from_json(text, MapType(StringType(), StringType())).isNotNull()
    return (
        F.when(empty, no_reason())
        .when(~is_object, reason(VALIDATION, f"{path}: extendedData is not a JSON object"))
        .when(
            F.length(extended_data(col)) > max_encoded,
            reason(VALIDATION, f"{path}: extendedData larger than {max_encoded}"),
        )
    )
