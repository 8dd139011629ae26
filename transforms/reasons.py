"""Reject reasons: a code that decides the stored error type, and the message shown to people.

Every check of a business object yields ``struct<code string, message string>`` (or null when it
passes). The error type written to ``ops.ingestion_errors`` comes from the codes alone, so
rewording a message never changes how a line is classified.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType, StructField, StructType

# The stored error types (``ingestion_errors.error_type``): keep these strings as they are.
INVALID_TIMESTAMP = "invalid_timestamp"
MISSING_MANDATORY = "missing_mandatory"
VALIDATION = "validation"
CODES = (INVALID_TIMESTAMP, MISSING_MANDATORY, VALIDATION)
# A line with reasons of several codes is stored under the first of these it has.
PRIORITY = CODES

REASON = StructType([StructField("code", StringType()), StructField("message", StringType())])
REASON_DDL = REASON.simpleString()
REASONS = ArrayType(REASON)


def reason(code: str, message: str | Column) -> Column:
    """One reason; ``message`` is a fixed text or a string column."""
    if code not in CODES:
        raise ValueError(f"unknown reason code {code!r}; expected one of {CODES}")
    text = F.lit(message) if isinstance(message, str) else message.cast("string")
    return F.struct(F.lit(code).alias("code"), text.alias("message"))


def no_reason() -> Column:
    """A null reason, typed so it can stand in a ``when`` chain beside real ones."""
    return F.lit(None).cast(REASON)


def no_reasons() -> Column:
    """The empty reason array (a line that passes)."""
    return F.array().cast(REASONS)


def messages(reasons: Column) -> Column:
    """array<string> of the reasons' messages, in order (code-generated field extraction)."""
    return reasons.getField("message")


def codes(reasons: Column) -> Column:
    return reasons.getField("code")


def stored_type(reasons: Column) -> Column:
    """The stored error type of a non-empty reason array (null when empty), by ``PRIORITY``."""
    return F.coalesce(*[F.when(F.array_contains(codes(reasons), code), F.lit(code)) for code in PRIORITY])
