"""Python twins of ``transforms.values`` for Arrow builders (same results as the Spark columns).

Each function takes and returns plain Python values of one row; nulls are ``None``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta, timezone

from transforms.values import _ISO_BASIC, _ISO_COMMON, _ISO_EXTENDED

_COMMON = re.compile(_ISO_COMMON, re.ASCII)
_EXTENDED = re.compile(_ISO_EXTENDED, re.ASCII)
_BASIC = re.compile(_ISO_BASIC, re.ASCII)
_OFFSET = re.compile(r"^[+-](0\d|1[0-8]):[0-5]\d$", re.ASCII)
# What java.lang.Double.parseDouble reads (Spark's string -> double cast), hex floats aside.
_JAVA_DOUBLE = re.compile(r"^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$", re.ASCII)
_SPECIAL = {"inf": float("inf"), "+inf": float("inf"), "infinity": float("inf"), "+infinity": float("inf")}
_SPECIAL |= {"-inf": float("-inf"), "-infinity": float("-inf"), "nan": float("nan")}
_EMPTY_EXTENDED = ("", "{}", "null", '""')


def nz(value: str | None) -> str:
    return "" if value is None else value


def spark_trim(value: str) -> str:
    """Spark's ``trim``: spaces only, not tabs or line breaks."""
    return value.strip(" ")


def to_number(value: str | None) -> float:
    """``coalesce(cast(trim(value) as double), 0.0)``."""
    if value is None:
        return 0.0
    text = spark_trim(value)
    java = text.strip("".join(chr(c) for c in range(33)))  # parseDouble ignores ASCII controls and spaces
    if _JAVA_DOUBLE.match(java):
        number = java.rstrip("fFdD")
        return float(number.replace("Infinity", "inf"))
    special = _SPECIAL.get(text.lower())
    return 0.0 if special is None else special


def generated_id(*parts: str | None) -> str:
    """``gen-`` + 32 hex chars of SHA-256 of the parts joined by ``|`` (nulls as "")."""
    material = "|".join(nz(p) for p in parts)
    return "gen-" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def extended_data(value: str | None) -> str:
    if value is None:
        return ""
    text = spark_trim(value)
    if text in _EMPTY_EXTENDED:
        return ""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _iso_parts(text: str) -> list[str] | None:
    match = _EXTENDED.match(text) or _BASIC.match(text)
    if match is None:
        return None
    return [g or "" for g in match.groups()]


def _zone(zone: str) -> str:
    if zone in ("", "Z"):
        return "+00:00"
    if len(zone) == 3:
        return zone + ":00"
    if len(zone) == 5:
        return f"{zone[:3]}:{zone[3:5]}"
    return zone


def _from_parts(parts: list[str]) -> datetime | None:
    def number(i: int) -> int:
        return int(parts[i] or "0")

    offset = _zone(parts[7])
    if number(5) >= 60 or not _OFFSET.match(offset):
        return None
    micros = int((parts[6][:6]).ljust(6, "0"))
    sign = -1 if offset[0] == "-" else 1
    tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    try:
        local = datetime(number(0), number(1), number(2), number(3), number(4), number(5), micros, tzinfo=tz)
    except ValueError:
        return None
    return local.astimezone(UTC)


def parse_timestamp(value: str | None) -> datetime | None:
    """UTC instant of an ISO-8601 date-time (``values.parse_timestamp``), else None."""
    if value is None:
        return None
    # The common layout's strict parse and the general path agree on every text the first reads.
    parts = _iso_parts(spark_trim(value))
    return None if parts is None else _from_parts(parts)


def last_updated_partition(value: str) -> str | None:
    text = spark_trim(value)
    if _COMMON.match(text):
        return f"{text[:10]}-{text[11:13]}"
    parts = _iso_parts(text)
    if parts is None:
        return None

    def pad2(i: int) -> str:  # Spark's lpad also cuts a longer text to the width
        text = parts[i] or "0"
        return text.rjust(2, "0") if len(text) < 2 else text[:2]

    return "-".join([parts[0], pad2(1), pad2(2), pad2(3)])


def record_meta(object_type: str, model_version: str | None, last_updated: str | None, fallback_ts: str, run_id):
    """(object_type, model_version, last_updated, last_updated_ts, last_updated_partition, tx_id)."""
    chosen = last_updated if nz(last_updated) != "" else fallback_ts
    if chosen is None:
        return object_type, nz(model_version), None, None, None, run_id
    return object_type, nz(model_version), chosen, parse_timestamp(chosen), last_updated_partition(chosen), run_id
