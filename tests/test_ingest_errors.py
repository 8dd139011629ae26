"""A corpus of bad lines mixed with good ones: every bad line is one error row, nothing is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from tests.e2e_helpers import content, run_summary, upt_in_process

pytestmark = pytest.mark.e2e  # whole CLI runs: `make test` only, not `make test-fast`

DOMAIN = "errs"
TS = "2024-01-01T10:00:00.123Z"


def pax(pid: str, **extra) -> dict:
    return {
        "id": pid,
        "modelVersion": "1.0",
        "lastUpdatedOn": TS,
        "firstName": "Ann",
        "lastName": "Lee",
        "emails": [{"type": "personal", "address": f"{pid}@example.com", "primary": True}],
        **extra,
    }


def envelope(data: dict, **extra) -> dict:
    return {
        "objectType": "pax_profile",
        "modelVersion": "1.0",
        "data": data,
        "domain": DOMAIN,
        "mode": "",
        "timestamp": "2024-01-01T00:00:00.000000Z",
        **extra,
    }


def dumps(obj) -> bytes:
    return json.dumps(obj).encode()


GOOD_HOTEL_BOOKING = {
    "id": "hb1",
    "lastUpdatedOn": TS,
    "segments": [
        {
            "id": "s1",
            "hotelCode": "H1",
            "startDate": "2024-02-01",
            "holder": {"id": "g1", "firstName": "Bo"},
            "products": [{"id": "prod1"}],
        }
    ],
}

HOTEL_BOOKING_WITH_REPLACEMENT_CHAR = json.dumps(
    {
        **GOOD_HOTEL_BOOKING,
        "id": "hb3",
        "segments": [{**GOOD_HOTEL_BOOKING["segments"][0], "holder": {"id": "g3", "firstName": "Bo\ufffd"}}],
    },
    ensure_ascii=False,
).encode()

# (business object folder, raw line, expected error type or None when the line must be accepted)
CORPUS: list[tuple[str, bytes, str | None]] = [
    ("pax_profile", dumps(pax("p1")), None),
    ("pax_profile", dumps(pax("p2", lastUpdatedOn="2024-01-01T10:00:00Z")), None),
    ("pax_profile", dumps(pax("p3", lastUpdatedOn="2024-01-01T10:00:00+02:00")), None),
    ("pax_profile", dumps(pax("p4", lastUpdatedOn="2024-01-01T10:00:00.123456789Z")), None),
    ("pax_profile", dumps(pax("p5", lastUpdatedOn="2024-1-2T3:04:05Z")), None),
    ("pax_profile", dumps(envelope(pax("p6"), uid="u-1")), None),
    ("pax_profile", dumps(envelope(pax("p6"), uid="u-1")), None),  # duplicate uid: accepted, ingested once
    ("hotel_booking", dumps(GOOD_HOTEL_BOOKING), None),
    # U+FFFD written as valid UTF-8 in a file without invalid bytes is just a character.
    ("hotel_booking", HOTEL_BOOKING_WITH_REPLACEMENT_CHAR, None),
    ("pax_profile", dumps(pax("p14")) + b"\r", None),  # a CRLF line end
    ("pax_profile", b'{"id": "p7", "firstName": ', "malformed_json"),
    ("pax_profile", b'"just a string"', "not_an_object"),
    ("pax_profile", b"[1, 2, 3]", "not_an_object"),
    (
        "pax_profile",
        b'{"id": "p8", "firstName": "\xff\xfeAnn", "lastUpdatedOn": "2024-01-01T10:00:00Z"}',
        "invalid_utf8",
    ),
    ("pax_profile", dumps({"objectType": "spaceship", "data": {"id": "x"}}), "unknown_object_type"),
    ("pax_profile", dumps(envelope(pax("p9"), domain="another_domain")), "domain_mismatch"),
    ("pax_profile", dumps(pax("p10", lastUpdatedOn="yesterday")), "invalid_timestamp"),
    ("pax_profile", dumps(pax("p11", lastUpdatedOn="2023-13-45T99:00:00Z")), "invalid_timestamp"),
    ("pax_profile", dumps(pax("p12", loyaltyPrograms=None)), "null_array"),
    ("pax_profile", dumps(pax("p13", extendedData={"blob": "x" * 5_000_000})), "validation"),
    ("hotel_booking", dumps({"id": "hb2", "lastUpdatedOn": TS, "segments": []}), "missing_mandatory"),
    ("hotel_stay", dumps({"id": "st1", "guestId": "g1", "lastUpdatedOn": TS, "revenue": []}), "missing_mandatory"),
]


def _write_corpus(landing: Path) -> None:
    by_folder: dict[str, list[bytes]] = {}
    for folder, line, _ in CORPUS:
        by_folder.setdefault(folder, []).append(line)
    for folder, lines in by_folder.items():
        day = landing / folder / DOMAIN / "2024" / "01" / "01"
        day.mkdir(parents=True)
        (day / "mixed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
        (day / "empty.jsonl").write_bytes(b"")


def test_each_bad_line_is_one_error_row_and_good_lines_are_ingested(spark, tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "wh"
    _write_corpus(landing)
    summary = run_summary(
        upt_in_process(spark, "ingest", "--domain", DOMAIN, "--landing", str(landing), "--warehouse", str(warehouse))
    )

    expected_errors = sorted(kind for _, _, kind in CORPUS if kind)
    assert summary["lines_read"] == len(CORPUS)
    assert summary["lines_rejected"] == len(expected_errors)
    assert summary["lines_accepted"] == len(CORPUS) - len(expected_errors)
    assert summary["duplicates"] == 1

    errors = content(spark, warehouse / "ops" / "ingestion_errors", DOMAIN)
    assert sorted(r.error_type for r in errors.select("error_type").collect()) == expected_errors
    rows = {(r.error_type, r.line_number): r for r in errors.collect()}
    assert all(r.message and r.source_file.endswith("mixed.jsonl") for r in rows.values())
    malformed = errors.where(F.col("error_type") == "malformed_json").first()
    assert malformed.raw_line == '{"id": "p7", "firstName": '
    assert "loyaltyPrograms" in errors.where(F.col("error_type") == "null_array").first().message

    profiles = {r.traveller_id for r in content(spark, warehouse / "accp" / "pax_profile", DOMAIN).collect()}
    assert profiles == {"p1", "p2", "p3", "p4", "p5", "p6", "p14"}
    stamps = {
        r.traveller_id: r.last_updated_ts
        for r in content(spark, warehouse / "accp" / "pax_profile", DOMAIN)
        .select("traveller_id", "last_updated_ts")
        .collect()
    }
    assert str(stamps["p3"]) == "2024-01-01 08:00:00"  # +02:00 converted to UTC
    assert str(stamps["p5"]) == "2024-01-02 03:04:05"
    bookings = content(spark, warehouse / "accp" / "hotel_booking", DOMAIN)
    assert {r.booking_id for r in bookings.select("booking_id").collect()} == {"hb1", "hb3"}
