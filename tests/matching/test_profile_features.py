"""Pure matching-input functions: one row per profile, agreed scalars, arrays without junk values."""

from __future__ import annotations

import pytest
from chispa import assert_df_equality

from matching.profile_features import (
    FEATURE_COLUMNS,
    first_name_aliases,
    gender,
    identified,
    name_aliases,
    personal_values,
    postal_code,
    profile_features,
)
from matching.splink_settings import MatchingConfError, validate

D = "t"


def _attributes(spark, rows):
    return spark.createDataFrame(
        [(D, *r) for r in rows], "domain string, traveller_id string, attribute string, value string"
    )


def _mapping(spark, rows):
    return spark.createDataFrame([(D, *r) for r in rows], "domain string, traveller_id string, profile_id string")


def test_postal_code_and_gender(spark):
    df = spark.createDataFrame([("sw1a 1aa", "Male"), ("", "F"), (None, "unknown")], "pc string, g string")
    out = df.select(postal_code("pc").alias("pc"), gender("g").alias("g"))
    expected = spark.createDataFrame([("SW1A1AA", "m"), (None, "f"), (None, None)], "pc string, g string")
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)


def test_one_row_per_profile_with_mode_and_arrays(spark):
    attributes = _attributes(
        spark,
        [
            ("t1", "first_name", "robert"),
            ("t2", "first_name", "robert"),
            ("t3", "first_name", "bob"),
            ("t1", "last_name", "smith"),
            ("t1", "email", "rob@x.com"),
            ("t3", "email", "bob.smith@y.com"),
            ("t1", "phone", "15551234567"),
            ("t1", "date_of_birth", "1980-02-03"),
            ("t9", "first_name", "ann"),
        ],
    )
    mapping = _mapping(spark, [("t1", "p1"), ("t2", "p1"), ("t3", "p1"), ("t9", "p2")])
    out = profile_features(attributes, None, mapping, max_profiles_per_value=10)
    assert out.columns == list(FEATURE_COLUMNS)
    got = out.select("profile_id", "first_name", "first_names", "emails", "phones", "birth_year", "traveller_count")
    expected = spark.createDataFrame(
        [
            ("p1", "robert", ["bob", "robert"], ["bob.smith@y.com", "rob@x.com"], ["15551234567"], "1980", 3),
            ("p2", "ann", ["ann"], None, None, None, 1),
        ],
        "profile_id string, first_name string, first_names array<string>, emails array<string>, "
        "phones array<string>, birth_year string, traveller_count long",
    )
    assert_df_equality(got, expected, ignore_row_order=True, ignore_nullable=True)


def test_values_shared_by_too_many_profiles_are_dropped(spark):
    rows = [(f"t{i}", "email", "none@none.com") for i in range(4)] + [("t0", "email", "a@b.com")]
    mapping = _mapping(spark, [(f"t{i}", f"p{i}") for i in range(4)])
    out = profile_features(_attributes(spark, rows), None, mapping, max_profiles_per_value=3)
    got = out.select("profile_id", "emails", "email", "email_local")
    expected = spark.createDataFrame(
        [
            ("p0", ["a@b.com"], "a@b.com", "a"),
            ("p1", None, None, None),
            ("p2", None, None, None),
            ("p3", None, None, None),
        ],
        "profile_id string, emails array<string>, email string, email_local string",
    )
    assert_df_equality(got, expected, ignore_row_order=True, ignore_nullable=True)


def test_feature_hash_changes_only_with_content(spark):
    # One build for three profiles (the hash leaves the profile id out): two say the same, one differs.
    mapping = _mapping(spark, [("t1", "p1"), ("t2", "p2"), ("t3", "p3")])
    attributes = _attributes(
        spark, [("t1", "last_name", "smith"), ("t2", "last_name", "smith"), ("t3", "last_name", "smyth")]
    )
    hashes = {r["profile_id"]: r["feature_hash"] for r in profile_features(attributes, None, mapping).collect()}
    assert hashes["p1"] == hashes["p2"] != hashes["p3"]


def test_personal_values_leave_out_contacts_two_different_people_hold(spark):
    profiles = spark.createDataFrame(
        [
            # A family email and a home phone: two first names, two birth dates.
            (D, "p1", "robert", "1970-01-01", ["fam@x.com", "rob@x.com"], ["1555", "1666"]),
            (D, "p2", "emma", "2010-05-05", ["fam@x.com"], ["1555"]),
            # The same person under a typo and a profile without a name: still personal.
            (D, "p3", "robret", None, ["rob@x.com"], None),
            (D, "p4", None, None, ["rob@x.com"], ["1666"]),
            # A junior with his father's name and another birth date shares the father's phone.
            (D, "p5", "robert", "2012-02-02", None, ["1666"]),
        ],
        "domain string, profile_id string, first_name string, date_of_birth string, "
        "emails array<string>, phones array<string>",
    )
    expected = spark.createDataFrame(
        [
            ("p1", ["rob@x.com"], None),
            ("p2", None, None),
            ("p3", ["rob@x.com"], None),
            ("p4", ["rob@x.com"], None),
            ("p5", None, None),
        ],
        "profile_id string, personal_emails array<string>, personal_phones array<string>",
    )
    got = profiles.select("profile_id").join(personal_values(profiles), "profile_id", "left").drop("domain")
    assert_df_equality(got, expected, ignore_row_order=True, ignore_nullable=True)


def test_name_aliases_need_two_profiles_and_expand_one_hop(spark):
    groups = spark.createDataFrame(
        [
            # Two profiles know Tom as Thomas: an alias. One profile knows Jon as John: a typo, not yet.
            (D, "p1", ["thomas", "tom"]),
            (D, "p2", ["tom", "thomas"]),
            (D, "p3", ["john", "jon"]),
            (D, "p4", ["chris", "christopher"]),
            (D, "p5", ["christopher", "chris"]),
            (D, "p6", ["chris", "christine"]),
            (D, "p7", ["christine", "chris"]),
            (D, "p8", ["anna"]),
        ],
        "domain string, profile_id string, first_names array<string>",
    )
    aliases = name_aliases(groups)
    expected = spark.createDataFrame(
        [
            (D, a, b)
            for x, y in (("thomas", "tom"), ("chris", "christopher"), ("chris", "christine"))
            for a, b in ((x, y), (y, x))
        ],
        "domain string, name string, alias string",
    )
    assert_df_equality(aliases, expected, ignore_row_order=True, ignore_nullable=True)
    profiles = spark.createDataFrame(
        [(D, "q1", ["tom"]), (D, "q2", ["christopher"]), (D, "q3", ["jon"])],
        "domain string, profile_id string, first_names array<string>",
    )
    got = first_name_aliases(profiles, aliases).drop("domain")
    # Christopher's aliases hold Chris but not Christine (one hop), so the two never meet.
    expected = spark.createDataFrame(
        [("q1", ["thomas", "tom"]), ("q2", ["chris", "christopher"]), ("q3", ["jon"])],
        "profile_id string, first_name_aliases array<string>",
    )
    assert_df_equality(got, expected, ignore_row_order=True, ignore_nullable=True)


def test_personal_values_keep_contacts_held_under_a_known_alias(spark):
    profiles = spark.createDataFrame(
        [
            (D, "p1", "thomas", None, ["tshep@x.com"], None),
            (D, "p2", "tom", None, ["tshep@x.com"], None),
            # Mike is not a known alias of Michael here: two people for all we know.
            (D, "p3", "michael", None, ["mb@x.com"], None),
            (D, "p4", "mike", None, ["mb@x.com"], None),
        ],
        "domain string, profile_id string, first_name string, date_of_birth string, "
        "emails array<string>, phones array<string>",
    )
    aliases = spark.createDataFrame(
        [(D, "thomas", "tom"), (D, "tom", "thomas")], "domain string, name string, alias string"
    )
    got = profiles.select("profile_id").join(personal_values(profiles, aliases), "profile_id", "left").drop("domain")
    expected = spark.createDataFrame(
        [("p1", ["tshep@x.com"], None), ("p2", ["tshep@x.com"], None), ("p3", None, None), ("p4", None, None)],
        "profile_id string, personal_emails array<string>, personal_phones array<string>",
    )
    assert_df_equality(got, expected, ignore_row_order=True, ignore_nullable=True)


def test_aliases_learned_from_profiles_reach_training_records(spark):
    """Per-traveller records know one spelling each; aliases come from the real profiles."""
    attributes = _attributes(
        spark,
        [
            ("t1", "first_name", "thomas"),
            ("t2", "first_name", "tom"),
            ("t3", "first_name", "thomas"),
            ("t4", "first_name", "tom"),
        ],
    )
    profiles = _mapping(spark, [("t1", "p1"), ("t2", "p1"), ("t3", "p2"), ("t4", "p2")])
    records = _mapping(spark, [(t, t) for t in ("t1", "t2", "t3", "t4")])
    out = profile_features(attributes, None, records, alias_mapping=profiles)
    got = {r["profile_id"]: r["first_name_aliases"] for r in out.collect()}
    assert got == {t: ["thomas", "tom"] for t in ("t1", "t2", "t3", "t4")}
    alone = profile_features(attributes, None, records)
    assert {r["profile_id"]: r["first_name_aliases"] for r in alone.collect()} == {
        "t1": ["thomas"],
        "t2": ["tom"],
        "t3": ["thomas"],
        "t4": ["tom"],
    }


def test_known_alias_level_is_one_hop_and_symmetric():
    import duckdb

    from matching.splink_settings import CrossArrayIntersectLevel

    sql = CrossArrayIntersectLevel("first_names", "first_name_aliases").get_comparison_level("duckdb").sql_condition
    con = duckdb.connect()

    def level(left: tuple, right: tuple) -> bool:
        row = (*left, *right)
        query = (
            "SELECT " + sql + " FROM (SELECT ?::VARCHAR[] AS first_names_l, ?::VARCHAR[] AS first_name_aliases_l, "
            "?::VARCHAR[] AS first_names_r, ?::VARCHAR[] AS first_name_aliases_r)"
        )
        return con.execute(query, list(row)).fetchone()[0]

    tom = (["tom"], ["thomas", "tom"])
    thomas = (["thomas"], ["thomas", "tom"])
    christopher = (["christopher"], ["chris", "christopher"])
    christine = (["christine"], ["chris", "christine"])
    assert level(tom, thomas) and level(thomas, tom)
    assert not level(christopher, christine) and not level(christine, christopher)


def test_identified_drops_profiles_without_identity(spark):
    mapping = _mapping(spark, [("t1", "p1"), ("t2", "p2"), ("t3", "p3")])
    attributes = _attributes(spark, [("t1", "email", "a@b.com"), ("t3", "last_name", "smith")])
    out = identified(profile_features(attributes, None, mapping))
    assert sorted(r["profile_id"] for r in out.collect()) == ["p1", "p3"]


def test_prior_from_blocked_pairs_is_the_fixed_point():
    import numpy as np

    from matching.model.training import prior_from_blocked_pairs

    # 10 certain matches and 90 certain non-matches among 100 blocked pairs of 1,000 profiles.
    weights = np.array([60.0] * 10 + [-60.0] * 90)
    assert prior_from_blocked_pairs(weights, 1000) == pytest.approx(10 / (1000 * 999 / 2), rel=1e-6)
    # Uncertain pairs count by their probability at the prior found.
    prior = prior_from_blocked_pairs(np.array([60.0] * 10 + [20.0] * 10), 1000)
    bayes = 2.0**20
    expected = (10 + 10 * prior * bayes / (prior * bayes + 1 - prior)) / (1000 * 999 / 2)
    assert prior == pytest.approx(expected, rel=1e-6)
    assert prior_from_blocked_pairs(np.array([]), 1000) == 1e-6


def test_settings_validate_and_build(settings):
    from runtime.config import load_matching_conf

    raw = load_matching_conf(settings)
    conf = validate(raw)
    assert conf.auto_merge_threshold is None  # off by default
    built = conf.settings_creator().get_settings("spark").as_dict()
    assert [c["output_column_name"] for c in built["comparisons"]] == [c["column"] for c in raw["comparisons"]]
    for broken, message in (
        ({**raw, "threshold": 1.5}, "threshold"),
        ({**raw, "blocking_rules": [["no_such_column"]]}, "unknown column"),
        ({**raw, "comparisons": [{"column": "first_name", "kind": "fuzzy"}]}, "unknown kind"),
        ({**raw, "auto_merge_threshold": 0.1}, "auto_merge_threshold"),
        ({**raw, "surprise": 1}, "unknown matching keys"),
        ({**raw, "comparisons": [{"column": "household", "kind": "household", "surname": "last_name"}]}, "needs"),
        (
            {
                **raw,
                "comparisons": [
                    {"column": "contacts", "kind": "contacts", "loyalty": "x", "emails": "emails", "phones": "phones"}
                ],
            },
            "unknown column",
        ),
        ({**raw, "comparisons": [{"column": "date_of_birth", "kind": "date", "within_years": 0}]}, "within_years"),
        ({**raw, "training": {**raw["training"], "min_m_probability": 2}}, "min_m_probability"),
        ({**raw, "comparisons": [{"column": "first_name", "kind": "name", "aliases": "nicknames"}]}, "unknown column"),
    ):
        with pytest.raises(MatchingConfError, match=message):
            validate(broken)


def _first_level(comparison, row: dict, arrays: tuple[str, ...] = ("last_names", "emails", "phones")) -> str:
    """Label of the first level of a Splink comparison whose DuckDB condition holds for ``row``."""
    import duckdb

    built = comparison.get_comparison("duckdb")
    kind = {k: "VARCHAR[]" if k.rsplit("_", 1)[0] in arrays else "VARCHAR" for k in row}
    columns = ", ".join(f"?::{kind[k]} AS {k}" for k in row)
    con = duckdb.connect()
    for level in built.comparison_levels:
        query = f"SELECT ({level.sql_condition}) FROM (SELECT {columns})"
        if level.sql_condition.strip().upper() == "ELSE" or con.execute(query, list(row.values())).fetchone()[0]:
            return level.label_for_charts
    raise AssertionError("no level matched")


def _household_row(left: dict, right: dict) -> dict:
    names = ("last_name", "last_names", "postal_code", "address_line1", "emails", "phones")
    row = {}
    for side, values in (("l", left), ("r", right)):
        for name in names:
            row[f"{name}_{side}"] = values.get(name)
    return row


def test_household_scores_a_name_only_surname_apart_from_different_contacts():
    from matching.splink_settings import household_comparison

    comparison = household_comparison(
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
    full = {"last_name": "owens", "last_names": ["owens"], "postal_code": "71586", "emails": ["k@x.com"]}
    name_only = {"last_name": "owens", "last_names": ["owens"]}
    elsewhere = {"last_name": "owens", "last_names": ["owens"], "postal_code": "10001", "phones": ["1555"]}
    assert _first_level(comparison, _household_row(name_only, full)).startswith("Same surname, no address")
    assert _first_level(comparison, _household_row(full, name_only)).startswith("Same surname, no address")
    assert _first_level(comparison, _household_row(full, elsewhere)) == "Exact match on last_name"
    assert _first_level(comparison, _household_row(full, full)) == "Same surname, address and a shared contact"


def test_town_is_neutral_when_the_address_already_agrees():
    from matching.splink_settings import comparison

    town = comparison({"column": "city", "kind": "town", "postcode": "postal_code", "street": "address_line1"})
    home = {"city": "bega", "postal_code": "2550", "address_line1": "12 main st"}

    def row(left: dict, right: dict) -> dict:
        return {f"{k}_{side}": v for side, values in (("l", left), ("r", right)) for k, v in values.items()}

    levels = {lvl.label_for_charts: lvl for lvl in town.get_comparison("duckdb").comparison_levels}
    assert _first_level(town, row(home, home)) == "Same address (counted by household)"
    assert levels["Same address (counted by household)"].is_null_level  # Bayes factor 1
    assert _first_level(town, row(home, {**home, "postal_code": "2551", "address_line1": "9 hill rd"})).startswith(
        "Exact match"
    )
    assert (
        _first_level(town, row(home, {**home, "city": "eden", "postal_code": "2551", "address_line1": "x"}))
        == "All other comparisons"
    )


def test_date_of_birth_years_apart_is_its_own_level():
    from matching.splink_settings import comparison

    dob = comparison({"column": "date_of_birth", "kind": "date", "within_years": 2})

    def row(left: str, right: str) -> dict:
        return {"date_of_birth_l": left, "date_of_birth_r": right}

    assert _first_level(dob, row("1980-03-04", "1980-04-03")) == "Day and month swapped"
    assert _first_level(dob, row("1980-03-04", "1982-07-19")) == "Within 2 years"
    assert _first_level(dob, row("1980-03-04", "1983-07-19")) == "All other comparisons"


def test_neutralise_absence_sets_m_to_u_for_no_shared_contact_only(settings):
    from matching.splink_settings import NO_SHARED_CONTACT, neutralise_absence
    from runtime.config import load_matching_conf

    raw = load_matching_conf(settings)

    def model() -> dict:
        levels = [
            {"is_null_level": True},
            {"label_for_charts": "Shared personal email", "m_probability": 0.3, "u_probability": 1e-5},
            {"label_for_charts": NO_SHARED_CONTACT, "m_probability": 0.16, "u_probability": 0.99},
        ]
        other = [{"label_for_charts": "All other comparisons", "m_probability": 0.01, "u_probability": 0.9}]
        return {
            "comparisons": [
                {"output_column_name": "contacts", "comparison_levels": levels},
                {"output_column_name": "first_name", "comparison_levels": other},
            ]
        }

    out = neutralise_absence(model(), validate(raw))
    contacts, first = out["comparisons"][0]["comparison_levels"], out["comparisons"][1]["comparison_levels"]
    assert contacts[2]["m_probability"] == contacts[2]["u_probability"] == 0.99
    assert contacts[1]["m_probability"] == 0.3 and first[0]["m_probability"] == 0.01
    kept = {
        **raw,
        "comparisons": [{**c, "count_absence": True} if c["kind"] == "contacts" else c for c in raw["comparisons"]],
    }
    assert (
        neutralise_absence(model(), validate(kept))["comparisons"][0]["comparison_levels"][2]["m_probability"] == 0.16
    )
    with pytest.raises(MatchingConfError, match="count_absence"):
        validate({**raw, "comparisons": [{**raw["comparisons"][2], "count_absence": "no"}]})
