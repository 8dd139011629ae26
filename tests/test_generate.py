"""``upt generate``: reproducible layout, valid JSON lines, and a ground truth that covers every id."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from datagen import BUSINESS_OBJECTS, Options, generate

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = "test_domain"
LAYOUT = re.compile(r"^(?P<bo>[a-z_]+)/" + DOMAIN + r"/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/part-\d{5}\.jsonl$")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _records(root: Path, business_object: str):
    for path in sorted((root / business_object / DOMAIN).rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            yield json.loads(line)


def _traveller_ids(business_object: str, record: dict):
    """The source traveller ids a record carries (what ingest turns into traveller_id)."""
    if business_object in ("pax_profile", "guest_profile"):
        yield record["id"]
    elif business_object == "air_booking":
        for passenger in record["passengerInfo"]["passengers"]:
            yield passenger["id"]
    elif business_object == "hotel_booking":
        yield record["holder"]["id"]
        for segment in record["segments"]:
            yield segment["holder"]["id"]
            for guest in segment.get("additionalGuests", []):
                yield guest["id"]
    elif business_object == "hotel_stay":
        yield record["guestId"]
    elif business_object == "clickstream":
        yield record["session"]["id"]
    elif business_object == "customer_service_interaction":
        yield record["sessionId"]


def _options(out: Path, **overrides) -> Options:
    base = {"out": str(out), "domain": DOMAIN, "travellers": 150, "seed": 7, "days": 3}
    return Options(**{**base, **overrides})


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("landing")
    generate(_options(out, travellers=200))
    return out


@pytest.fixture(scope="module")
def truth(landing) -> list[dict]:
    with open(landing / "_truth" / DOMAIN / "truth.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_same_seed_gives_byte_identical_output(tmp_path):
    generate(_options(tmp_path / "a"))
    generate(_options(tmp_path / "b"))
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert first and first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_different_seeds_differ(tmp_path):
    generate(_options(tmp_path / "a", seed=1))
    generate(_options(tmp_path / "b", seed=2))
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert any(first[name] != second.get(name) for name in first)


def test_layout_covers_all_objects_and_only_window_dates(landing):
    window = {"2024/01/01", "2024/01/02", "2024/01/03"}
    seen = set()
    for name in _files(landing):
        if name.startswith("_truth/"):
            assert name == f"_truth/{DOMAIN}/truth.csv"
            continue
        match = LAYOUT.match(name)
        assert match, name
        assert match["bo"] in BUSINESS_OBJECTS
        assert f"{match['y']}/{match['m']}/{match['d']}" in window
        seen.add(match["bo"])
    assert seen == set(BUSINESS_OBJECTS)


def test_every_line_is_one_compact_json_object(landing):
    for name, data in _files(landing).items():
        if not name.endswith(".jsonl"):
            continue
        text = data.decode("utf-8")
        assert text.endswith("\n")
        for line in text.splitlines():
            record = json.loads(line)
            assert isinstance(record, dict)
            assert line == json.dumps(record, separators=(",", ":"), ensure_ascii=False)


def test_records_are_filed_under_their_update_date(landing):
    stamp_of = {
        "clickstream": lambda r: r["event_timestamp"],
        "customer_service_interaction": lambda r: r["endTime"],
    }
    for business_object in BUSINESS_OBJECTS:
        for path in (landing / business_object / DOMAIN).rglob("*.jsonl"):
            folder = "-".join(path.parent.relative_to(landing / business_object / DOMAIN).parts)
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                stamp = stamp_of.get(business_object, lambda r: r["lastUpdatedOn"])(record)
                assert stamp.startswith(folder + "T") and stamp.endswith("Z")


def test_truth_covers_every_traveller_id_in_the_output(landing, truth):
    truth_keys = {(row["source_traveller_id"], row["business_object"]) for row in truth}
    assert len(truth_keys) == len(truth), "duplicate truth rows"
    found, empty = set(), 0
    for business_object in BUSINESS_OBJECTS:
        for record in _records(landing, business_object):
            for source_id in _traveller_ids(business_object, record):
                if source_id:
                    found.add((source_id, business_object))
                else:
                    empty += 1
    assert found == truth_keys
    assert 0 < empty < len(found) * 0.1, "a small share of records come without an id"


def test_truth_is_consistent_and_shows_identity_noise(truth):
    person_of: dict[str, str] = {}
    for row in truth:
        assert person_of.setdefault(row["source_traveller_id"], row["person_id"]) == row["person_id"]
    ids_per_person: dict[str, set[str]] = {}
    for source_id, person in person_of.items():
        ids_per_person.setdefault(person, set()).add(source_id)
    # The same person is known under several source ids (pax id, guest id, sessions...).
    assert sum(len(ids) > 2 for ids in ids_per_person.values()) > len(ids_per_person) / 3
    assert {row["business_object"] for row in truth} == set(BUSINESS_OBJECTS)


def test_family_members_share_an_address_but_not_a_person(landing, truth):
    """Hard negatives exist: different people on one booking living at the same address."""
    person_of = {row["source_traveller_id"]: row["person_id"] for row in truth}
    shared = 0
    for record in _records(landing, "air_booking"):
        homes = {}
        for passenger in record["passengerInfo"]["passengers"]:
            for address in passenger.get("addresses", []):
                homes.setdefault(address["line1"].lower(), set()).add(person_of.get(passenger["id"]))
        shared += any(len(people - {None}) > 1 for people in homes.values())
    assert shared > 0


def test_part_files_roll_over_without_changing_content(tmp_path):
    generate(_options(tmp_path / "one", travellers=60))
    generate(_options(tmp_path / "many", travellers=60, lines_per_file=20))
    one, many = _files(tmp_path / "one"), _files(tmp_path / "many")
    assert len(many) > len(one)
    for name, data in many.items():
        if name.endswith(".jsonl"):
            assert data.count(b"\n") <= 20
    for name, data in one.items():
        if not name.endswith(".jsonl"):
            assert many[name] == data
            continue
        folder = name.rsplit("/", 1)[0]
        parts = [many[n] for n in sorted(many) if n.rsplit("/", 1)[0] == folder]
        assert b"".join(parts) == data


def test_cli_entry_point_matches_library_and_ignores_hash_seed(tmp_path):
    """``python -m jobs.generate`` in a fresh interpreter (other PYTHONHASHSEED) writes the same bytes."""
    generate(_options(tmp_path / "lib", travellers=60, days=2, start_date=date(2024, 3, 31)))
    out = tmp_path / "cli"
    command = [sys.executable, "-m", "jobs.generate", "--domain", DOMAIN, "--travelers", "60", "--out", str(out)]
    command += ["--seed", "7", "--days", "2", "--start-date", "2024-03-31"]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "60 travellers" in result.stdout
    cli, lib = _files(out), _files(tmp_path / "lib")
    assert cli == lib
    assert any("/2024/04/01/" in name for name in cli)


def test_run_defaults_to_the_configured_landing_and_custom_truth(tmp_path):
    from jobs import generate as job
    from runtime.flags import command_parser

    parser = command_parser("upt generate")
    job.add_arguments(parser)
    truth_file = tmp_path / "elsewhere" / "truth.csv"
    args = parser.parse_args(["--domain", DOMAIN, "--travelers", "20", "--landing", str(tmp_path / "conf")])
    args.truth = str(truth_file)
    assert job.run(args) == 0
    assert (tmp_path / "conf" / "pax_profile" / DOMAIN).is_dir()
    assert truth_file.read_text().startswith("source_traveller_id,person_id,business_object\n")


def test_s3_output_matches_local_output(tmp_path, s3_bucket, s3_endpoint):
    import boto3

    generate(_options(tmp_path / "local", travellers=30))
    generate(_options(f"s3://{s3_bucket}/landing", travellers=30))
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    keys = [obj["Key"] for obj in client.list_objects_v2(Bucket=s3_bucket, Prefix="landing/")["Contents"]]
    remote = {key[len("landing/") :]: client.get_object(Bucket=s3_bucket, Key=key)["Body"].read() for key in keys}
    assert remote == _files(tmp_path / "local")
