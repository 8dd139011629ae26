"""The waterfall of one pair, and the FEBRL loader on a small inline slice."""

from __future__ import annotations

import csv
import json
import math

import pandas as pd
import pytest

from benchmarks.public_sets import person_id, to_object, write_set
from matching.explain import format_waterfall, level_labels, waterfall

MODEL = {
    "probability_two_random_records_match": 0.001,
    "comparisons": [
        {
            "output_column_name": "first_name",
            "comparison_levels": [
                {"is_null_level": True, "label_for_charts": "null"},
                {"label_for_charts": "Exact match on first_name"},
                {"label_for_charts": "Jaro-Winkler >= 0.92"},
                {"label_for_charts": "All other comparisons"},
            ],
        },
        {
            "output_column_name": "date_of_birth",
            "comparison_levels": [
                {"is_null_level": True},
                {"label_for_charts": "Exact match on date_of_birth"},
                {"label_for_charts": "All other comparisons"},
            ],
        },
    ],
}


def test_level_labels_follow_splinks_gamma_numbering():
    labels = level_labels(MODEL["comparisons"][0])
    assert labels[2] == "Exact match on first_name"
    assert labels[0] == "All other comparisons"
    assert labels[-1].startswith("NULL")


def test_waterfall_adds_each_comparison_to_the_prior():
    row = {
        "gamma_first_name": 1,
        "mw_first_name": 4.5,
        "mw_tf_adj_first_name": -0.5,
        "gamma_date_of_birth": -1,
        "mw_date_of_birth": 0.0,
    }
    steps = waterfall(MODEL, row)
    prior = math.log2(0.001 / 0.999)
    assert [s["step"] for s in steps] == ["prior", "first_name", "date_of_birth"]
    assert steps[1]["level"] == "Jaro-Winkler >= 0.92"
    assert steps[1]["weight"] == pytest.approx(4.0)
    assert steps[2]["level"].startswith("NULL")
    assert steps[-1]["cumulative"] == pytest.approx(prior + 4.0)
    text = format_waterfall(steps, "p1", "p2", 0.06)
    assert "pair p1 - p2" in text and "Jaro-Winkler >= 0.92" in text and "match probability 0.0600" in text


FEBRL_SLICE = pd.DataFrame(
    {
        "given_name": ["mitchell", None, "madeline"],
        "surname": ["green", "mccarthy", "mason"],
        "street_number": ["7", "177", float("nan")],
        "address_1": ["wallaby place", "pridhamstreet", "hoseason street"],
        "address_2": ["delmar", "milton", None],
        "suburb": ["cleveland", "marsden", "granville"],
        "postcode": ["2119", "3165", "4881"],
        "state": ["sa", "nsw", "nsw"],
        "date_of_birth": ["19560409", "19080419", None],
        "soc_sec_id": ["1804974", "6089216", "2185997"],
    },
    index=pd.Index(["rec-1496-org", "rec-1496-dup-0", "rec-988-dup-1"], name="rec_id"),
)


def test_febrl_record_becomes_a_profile_object():
    obj = to_object("rec-1496-org", FEBRL_SLICE.iloc[0].to_dict())
    assert obj["firstName"] == "mitchell" and obj["lastName"] == "green" and obj["dateOfBirth"] == "19560409"
    assert obj["addresses"][0]["line1"] == "7 wallaby place"
    assert obj["addresses"][0]["city"] == "cleveland" and obj["addresses"][0]["postalCode"] == "2119"
    assert "soc_sec_id" not in json.dumps(obj) and "1804974" not in json.dumps(obj)
    missing = to_object("rec-988-dup-1", FEBRL_SLICE.iloc[2].to_dict())
    assert "dateOfBirth" not in missing and missing["addresses"][0]["line1"] == "hoseason street"
    assert person_id("rec-552-dup-3") == person_id("rec-552-org") == "P552"


def test_write_set_lays_out_landing_and_truth(tmp_path):
    summary = write_set(FEBRL_SLICE, tmp_path, "f", "guest_profile")
    assert summary["records"] == 3 and summary["persons"] == 2
    lines = (tmp_path / "guest_profile" / "f" / "2024" / "01" / "01" / "part-00000.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == list(FEBRL_SLICE.index)
    with open(tmp_path / "_truth" / "f" / "truth.csv") as handle:
        truth = list(csv.DictReader(handle))
    assert [(t["source_traveller_id"], t["person_id"]) for t in truth] == [
        ("rec-1496-org", "P1496"),
        ("rec-1496-dup-0", "P1496"),
        ("rec-988-dup-1", "P988"),
    ]
    assert {t["business_object"] for t in truth} == {"guest_profile"}
