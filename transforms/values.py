"""Column functions shared by every business object: scalar conversions, validation, ids, timestamps.

Input leaves are read as strings (see ``transforms.schemas``), so every function here takes and
returns Spark ``Column`` expressions and never touches rows in Python.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import MapType, StringType

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


# ---------------------------------------------------------------- validation (error or null)


def single_line_error(col: Column, path: str) -> Column:
    """Error text when ``col`` breaks UPT's single-line rule, else null ("" and null pass)."""
    return F.when(F.length(col) > MAX_SINGLE_LINE, F.lit(f"{path}: longer than {MAX_SINGLE_LINE} characters")).when(
        col.rlike(FORBIDDEN_SINGLE_LINE), F.lit(f"{path}: contains a forbidden character")
    )


def email_error(col: Column, path: str) -> Column:
    return F.coalesce(
        single_line_error(col, path),
        F.when((nz(col) != "") & ~col.rlike(EMAIL_PATTERN), F.lit(f"{path}: invalid email address")),
    )


def phone_error(col: Column, path: str) -> Column:
    return F.coalesce(
        single_line_error(col, path),
        F.when(F.length(col) > MAX_PHONE, F.lit(f"{path}: phone number longer than {MAX_PHONE} characters")),
    )


def url_error(col: Column, path: str) -> Column:
    return F.when(F.length(col) > MAX_URL, F.lit(f"{path}: longer than {MAX_URL} characters")).when(
        col.rlike(r"[\n\r]"), F.lit(f"{path}: contains a line break")
    )


def max_length_error(col: Column, path: str, limit: int) -> Column:
    return F.when(F.length(col) > limit, F.lit(f"{path}: longer than {limit} characters"))


def required_error(col: Column, message: str) -> Column:
    return F.when(nz(col) == "", F.lit(message))


def timestamp_error(col: Column, path: str) -> Column:
    """Error text when a non-empty ``col`` is not an ISO-8601 date-time."""
    return F.when((nz(col) != "") & parse_timestamp(col).isNull(), F.lit(f"{path}: not an ISO-8601 date-time"))


def errors(*checks: Column) -> Column:
    """array<string> of the non-null error texts among ``checks``, in order.

    Built from one-element arrays rather than ``filter(array(...))``: a higher-order function is
    evaluated row by row by the interpreter, and with it every check below it (regexes, timestamp
    parsing, attribute lookups), with no common-subexpression sharing. ``flatten`` is code-generated.
    """
    none = F.array().cast("array<string>")
    if not checks:
        return none
    texts = [c.cast("string") for c in checks]
    return F.flatten(F.array(*[F.when(t.isNotNull(), F.array(t)).otherwise(none) for t in texts]))


def array_errors(array_col: Column, check) -> Column:
    """Errors of every element of ``array_col``; ``check(element) -> array<string>``."""
    return F.flatten(F.coalesce(F.transform(array_col, check), F.array().cast("array<array<string>>")))


def all_errors(*arrays: Column) -> Column:
    """Concatenate error arrays (null arrays count as none)."""
    return F.concat(*[F.coalesce(a, F.array().cast("array<string>")) for a in arrays])


# ---------------------------------------------------------------- timestamps


def _iso_parts(col: Column) -> list[Column]:
    """Year..zone of an extended or basic ISO-8601 string (first pattern that matches)."""
    text = F.trim(col)
    use_basic = ~text.rlike(_ISO_EXTENDED) & text.rlike(_ISO_BASIC)
    return [
        F.when(use_basic, F.regexp_extract(text, _ISO_BASIC, i)).otherwise(F.regexp_extract(text, _ISO_EXTENDED, i))
        for i in range(1, 9)
    ]


def _canonical_iso(col: Column) -> Column:
    """``yyyy-MM-ddTHH:mm:ss.SSSSSS`` (no zone) from any accepted form, or null."""
    year, month, day, hour, minute, second, fraction, _ = _iso_parts(col)
    matched = (F.trim(col).rlike(_ISO_EXTENDED)) | (F.trim(col).rlike(_ISO_BASIC))

    def pad2(c: Column) -> Column:
        return F.lpad(F.when(c == "", F.lit("0")).otherwise(c), 2, "0")

    micros = F.rpad(F.substring(fraction, 1, 6), 6, "0")
    text = F.concat(
        year,
        F.lit("-"),
        pad2(month),
        F.lit("-"),
        pad2(day),
        F.lit("T"),
        pad2(hour),
        F.lit(":"),
        pad2(minute),
        F.lit(":"),
        pad2(second),
        F.lit("."),
        micros,
    )
    return F.when(matched, text)


def _zone(col: Column) -> Column:
    zone = _iso_parts(col)[7]
    # +05 and +0530 become +05:00 and +05:30; no zone means UTC.
    with_colon = F.regexp_replace(zone, r"^([+-]\d{2}):?(\d{2})$", "$1:$2")
    return (
        F.when((zone == "") | (zone == "Z"), F.lit("+00:00"))
        .when(zone.rlike(r"^[+-]\d{2}$"), F.concat(zone, F.lit(":00")))
        .otherwise(with_colon)
    )


def _is_common_iso(col: Column) -> Column:
    """The layout nearly all data uses (``2024-01-02T03:04:05[.ffffff](Z|+01:00)``): one regex."""
    return F.trim(col).rlike(_ISO_COMMON)


def parse_timestamp(col: Column) -> Column:
    """UTC timestamp of any valid ISO-8601 date-time; null when it is not one (month 13 included).

    Spark's ``to_timestamp`` patterns each accept one layout, and UPT data mixes fraction lengths,
    1-digit months and zones, so the text is first rewritten into one canonical layout. The common
    layout is parsed directly (the rewrite costs about twenty regex matches per value); a strict
    parse that fails there (Feb 30, hour 24) falls through to the general path, which rejects it too.
    """
    canonical = _canonical_iso(col)
    local = F.to_timestamp(canonical, "yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
    # Reject impossible calendar dates that to_timestamp would roll over (e.g. Feb 30).
    valid = local.isNotNull() & (F.date_format(local, "yyyy-MM-dd'T'HH:mm:ss.SSSSSS") == canonical)
    with_zone = F.to_timestamp(F.concat(canonical, _zone(col)), "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX")
    common = F.when(_is_common_iso(col), F.to_timestamp(F.trim(col), _COMMON_LAYOUT))
    return F.coalesce(common, F.when(valid, with_zone))


def last_updated_partition(col: Column) -> Column:
    """``yyyy-MM-dd-HH`` from the text of the timestamp, without zone conversion (as UPT)."""
    canonical = _canonical_iso(col)
    common = F.trim(col)
    return F.when(
        _is_common_iso(col), F.concat(F.substring(common, 1, 10), F.lit("-"), F.substring(common, 12, 2))
    ).when(canonical.isNotNull(), F.concat(F.substring(canonical, 1, 10), F.lit("-"), F.substring(canonical, 12, 2)))


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
        F.when(empty, F.lit(None).cast("string"))
        .when(~is_object, F.lit(f"{path}: extendedData is not a JSON object"))
        .when(F.length(extended_data(col)) > max_encoded, F.lit(f"{path}: extendedData larger than {max_encoded}"))
    )
