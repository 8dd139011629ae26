"""Normalisation of identity attributes: pure column expressions, so rules compare like with like.

Every function returns NULL for a value that carries no identity (empty, too short, unparsable), so
joins on normalised values never link travellers through blanks.
"""

from __future__ import annotations

import unicodedata

from pyspark.sql import Column
from pyspark.sql import functions as F

# Letters with diacritics -> their base letters (what NFKD + dropping combining marks gives), built
# once from the Latin-1 and Latin Extended-A ranges so `translate` does it in the JVM without a UDF.
_ACCENTED = "".join(
    ch for ch in map(chr, range(0xC0, 0x180)) if len(unicodedata.normalize("NFKD", ch).encode("ascii", "ignore")) == 1
)
_PLAIN = "".join(unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode() for ch in _ACCENTED)
# Letters NFKD does not decompose, spelled out as people type them without the special key.
_LIGATURES = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "þ": "th", "ð": "d"}

# Date layouts seen in source systems, tried in order; the first that parses wins.
DATE_FORMATS = ("yyyy-MM-dd", "yyyy/MM/dd", "yyyyMMdd", "dd/MM/yyyy", "dd.MM.yyyy", "dd-MM-yyyy", "MM/dd/yyyy")
MIN_PHONE_DIGITS = 7


def _blank_to_null(value: Column) -> Column:
    return F.when(value != "", value)


def email(col: Column | str) -> Column:
    """Trimmed, lower-case address; NULL unless it looks like ``local@domain``."""
    value = F.lower(F.trim(F.col(col) if isinstance(col, str) else col))
    return F.when(value.rlike(r"^[^@\s]+@[^@\s]+$"), value)


def phone(col: Column | str, default_country_code: str, country_code: Column | str | None = None) -> Column:
    """Digits in international form (country code + national number, no ``+``).

    ``+44 20 ...`` and ``0044 20 ...`` are already international; a national number (``020 ...``)
    loses its trunk ``0`` and gains the record's country code, else ``default_country_code``; a bare
    number of at most 10 digits (US style) gains the country code too.
    """
    raw = F.trim(F.col(col) if isinstance(col, str) else col)
    digits = F.regexp_replace(raw, r"[^0-9]", "")
    cc_source = F.col(country_code) if isinstance(country_code, str) else country_code
    cc_digits = F.regexp_replace(cc_source, r"[^0-9]", "") if cc_source is not None else F.lit(None)
    cc = F.coalesce(_blank_to_null(cc_digits), F.lit(str(default_country_code)))
    international = (
        F.when(raw.startswith("+"), digits)
        .when(digits.startswith("00"), F.substring(digits, 3, 64))
        .when(digits.startswith("0"), F.concat(cc, F.substring(digits, 2, 64)))
        .when(F.length(digits) <= 10, F.concat(cc, digits))
        .otherwise(digits)
    )
    return F.when(F.length(digits) >= MIN_PHONE_DIGITS, international)


def name(col: Column | str) -> Column:
    """Lower case, accents folded, punctuation dropped, whitespace collapsed; NULL when empty."""
    value = F.lower(F.col(col) if isinstance(col, str) else col)
    value = F.translate(value, _ACCENTED.lower(), _PLAIN.lower())
    for special, plain in _LIGATURES.items():
        value = F.regexp_replace(value, special, plain)
    value = F.regexp_replace(value, r"[^a-z0-9\s]", "")
    value = F.trim(F.regexp_replace(value, r"\s+", " "))
    return _blank_to_null(value)


def date_of_birth(col: Column | str) -> Column:
    """ISO ``yyyy-MM-dd`` from the common layouts (a time part is ignored); NULL if none parses."""
    value = F.trim(F.col(col) if isinstance(col, str) else col)
    head = F.regexp_extract(value, r"^([0-9./-]+)", 1)
    parsed = F.coalesce(*[F.to_date(F.try_to_timestamp(head, F.lit(fmt))) for fmt in DATE_FORMATS])
    return F.date_format(parsed, "yyyy-MM-dd")


def identifier(col: Column | str) -> Column:
    """Loyalty and other ids: trimmed, upper case, NULL when empty."""
    return _blank_to_null(F.upper(F.trim(F.col(col) if isinstance(col, str) else col)))
