"""Typo-tolerant blocking: one mistyped field still leaves a key in common; typo-tolerant levels."""

from __future__ import annotations

import pytest

from matching.blocking import blocked_pairs
from matching.profile_features import blocking_keys

BASE = {
    "first_name": "nathan",
    "last_name": "challenor",
    "date_of_birth": "1960-01-13",
    "postal_code": "5109",
    "city": "cronulla",
    "address_line1": "12 wellington street",
}
# One corrupted field per variant, as data entry does it.
TYPOS = {
    "first_name": "nathqn",
    "last_name": "chalenor",
    "date_of_birth": "1960-02-13",
    "postal_code": "5190",
    "city": "cronula",
    "address_line1": "12 welington street",
}
SCHEMA = (
    "profile_id string, first_name string, last_name string, date_of_birth string, postal_code string, "
    "city string, address_line1 string, emails array<string>, phones array<string>, "
    "loyalty_ids array<string>, email_stem string"
)


def _features(spark, rows: list[tuple[str, dict]]):
    data = [
        (pid, *[r.get(c) for c in ("first_name", "last_name", "date_of_birth", "postal_code", "city")])
        + (r.get("address_line1"), None, None, None, None)
        for pid, r in rows
    ]
    return blocking_keys(spark.createDataFrame(data, SCHEMA))


@pytest.fixture(scope="module")
def rules():
    from matching.splink_settings import validate
    from runtime.config import load_matching_conf, load_settings

    return validate(load_matching_conf(load_settings("local", {}))).blocking_rules


def test_a_typo_in_any_one_field_or_swapped_names_still_block(spark, rules):
    """Each variant of one person (one corrupted field each, or swapped names with a corrupted date)
    meets the original on some key; a stranger meets none. One blocking run for all variants: each
    run plans every rule's keys, sizes and joins, which is most of the cost on a few rows."""
    variants = {f"b_{field}": {**BASE, field: typo} for field, typo in TYPOS.items()}
    variants["b_swapped"] = {**BASE, "first_name": "challenor", "last_name": "nathan", "date_of_birth": "1906-01-13"}
    stranger = {**BASE, "first_name": "olivia", "last_name": "papadopoulos", "date_of_birth": "1999-07-30"}
    stranger.update(postal_code="2000", city="sydney", address_line1="3 george street")
    rows = [("a", BASE), *variants.items(), ("c", stranger)]
    got = {
        (r["source_profile_id"], r["target_profile_id"]) for r in blocked_pairs(_features(spark, rows), rules).collect()
    }
    assert [v for v in variants if ("a", v) not in got] == []
    assert [pair for pair in got if "c" in pair] == []


def test_blocking_keys_are_null_when_their_field_is(spark):
    row = _features(spark, [("a", {"first_name": "ann", "address_line1": "17"})]).first()
    assert row["first_name_soundex"] == "A500"
    assert row["name_soundex_pair"] is None  # no surname
    assert row["street_name"] is None  # a house number only
    assert row["birth_month_day"] is None


def test_street_name_drops_the_house_number(spark):
    row = _features(spark, [("a", {"address_line1": "177a pridham street"})]).first()
    assert row["street_name"] == "pridham street"


def _first_level(comparison, row: dict) -> str:
    from tests.matching.test_profile_features import _first_level as first

    return first(comparison, row)


def test_swapped_names_level_tolerates_a_typo():
    from matching.splink_settings import comparison

    spec = {"column": "first_name", "kind": "name", "swapped": "last_name", "jaro_winkler": [0.92, 0.8]}
    built = comparison(spec)
    row = {"first_name_l": "melissa", "first_name_r": "redmond", "last_name_l": "redmond", "last_name_r": "melisa"}
    assert _first_level(built, row) == "First and last name swapped"
    row = {"first_name_l": "melissa", "first_name_r": "john", "last_name_l": "redmond", "last_name_r": "smith"}
    assert _first_level(built, row) == "All other comparisons"


def test_household_address_level_survives_a_street_or_postcode_typo():
    from matching.splink_settings import household_comparison

    built = household_comparison(
        {
            "column": "household",
            "surname": "last_name",
            "surnames": "last_names",
            "postcode": "postal_code",
            "street": "address_line1",
            "emails": "emails",
            "phones": "phones",
        }
    )
    base = {
        "last_name": "dixon",
        "last_names": ["dixon"],
        "postal_code": "4053",
        "address_line1": "69 litchfield place",
    }
    for typo in ({"address_line1": "69 litchfeld place"}, {"postal_code": "4051"}):
        row = {}
        for side, values in (("l", base), ("r", {**base, **typo})):
            for key in ("last_name", "last_names", "postal_code", "address_line1", "emails", "phones"):
                row[f"{key}_{side}"] = values.get(key)
        assert _first_level(built, row) == "Same surname and address or contact", typo


def test_a_crowded_key_is_purged_and_its_pairs_meet_on_a_dated_key(spark):
    """Four John Smiths share the name key; with a cap of three it joins none of them, and the two
    who also share a birth date still meet on the (last name, date of birth) key."""
    born = {"first_name": "john", "last_name": "smith"}
    rows = [
        ("a", {**born, "date_of_birth": "1970-01-01"}),
        ("b", {**born, "date_of_birth": "1970-01-01"}),
        ("c", {**born, "date_of_birth": "1981-05-05"}),
        ("d", {**born, "date_of_birth": "1992-09-09"}),
        ("e", {"first_name": "ann", "last_name": "lee"}),
        ("f", {"first_name": "ann", "last_name": "lee"}),
    ]
    rules = [["first_name", "last_name"], ["last_name", "date_of_birth"]]
    features = _features(spark, rows)
    uncapped = {(r[0], r[1]) for r in blocked_pairs(features, rules).collect()}
    assert len(uncapped) == 7  # the six John Smith pairs and Ann Lee's
    capped = {(r[0], r[1]) for r in blocked_pairs(features, rules, max_block_size=3).collect()}
    assert capped == {("a", "b"), ("e", "f")}


def test_block_keys_are_null_for_a_missing_part_or_a_crowded_value(spark):
    from chispa import assert_df_equality

    from matching.blocking import with_block_keys

    rows = [("a", "ann", "lee"), ("b", "ann", "lee"), ("c", "ann", "lee"), ("d", "bo", None), ("e", "cy", "ray")]
    features = spark.createDataFrame(rows, "profile_id string, first_name string, last_name string")
    keyed = with_block_keys(features, [["first_name", "last_name"], {"explode": "emails"}], max_block_size=2)
    name_key = "block_key__first_name__last_name"
    expected = spark.createDataFrame(
        [(pid, f, s, "cy\x1fray" if pid == "e" else None) for pid, f, s in rows],
        f"profile_id string, first_name string, last_name string, {name_key} string",
    )
    assert_df_equality(keyed, expected, ignore_row_order=True, ignore_nullable=True)


def test_prediction_rules_read_the_key_columns_and_the_cap_is_validated(settings):
    from matching.splink_settings import MatchingConfError, validate
    from runtime.config import load_matching_conf

    raw = load_matching_conf(settings)
    built = validate({**raw, "blocking_rules": [["first_name", "last_name"], {"explode": "emails"}]})
    rules = built.settings_creator().get_settings("spark").as_dict()["blocking_rules_to_generate_predictions"]
    sql = " ".join(rule["blocking_rule"] for rule in rules)
    assert "block_key__first_name__last_name" in sql and "emails" in sql
    for broken in (1, "50", True):
        with pytest.raises(MatchingConfError, match="max_block_size"):
            validate({**raw, "max_block_size": broken})
    assert validate({**raw, "max_block_size": None}).max_block_size is None
