"""Rules: attribute extraction from ACCP-shaped rows, conf parsing, rule keys, junk guard, edges."""

from __future__ import annotations

import pytest
from chispa import assert_df_equality

from matching.attributes import identity_attributes
from matching.rules import Rule, candidate_edges, parse_rules

D = "d"
ATTRS = "domain string, traveller_id string, attribute string, value string"


def test_parse_rules_keeps_order_and_validates():
    rules = parse_rules([{"email": ["email"]}, {"phone_last_name": ["phone", "last_name"]}])
    assert rules == [Rule("email", ("email",)), Rule("phone_last_name", ("phone", "last_name"))]
    with pytest.raises(ValueError):
        parse_rules([{"x": ["shoe_size"]}])
    with pytest.raises(ValueError):
        parse_rules([{f"r{i}": ["email"]} for i in range(16)])
    with pytest.raises(ValueError):
        parse_rules([{"manual": ["email"]}])


def test_identity_attributes_map_spellings_and_normalise(spark):
    pax = spark.createDataFrame(
        [(D, "p1", " A@X.com", "+1 555 010 0001", None, "Zoë", "Doe", "1990-01-02")],
        "domain string, traveller_id string, email string, phone string, phone_home string, "
        "first_name string, last_name string, date_of_birth string",
    )
    phones = spark.createDataFrame(
        [(D, "p2", "0612345678", "33")], "domain string, traveller_id string, number string, country_code string"
    )
    clicks = spark.createDataFrame(
        [(D, "c1", "a@x.com", "FF1", "")],
        "domain string, traveller_id string, customer_email string, loyalty_id string, customer_phone string",
    )
    alt = spark.createDataFrame(
        [(D, "p1", "crm", "c-9"), (D, "crm_c-9", "crm", "c-9")],
        "domain string, traveller_id string, name string, value string",
    )
    actual = identity_attributes(
        {"pax_profile": pax, "phone_history": phones, "clickstream": clicks, "alternate_profile_id": alt}, "1"
    )
    expected = spark.createDataFrame(
        [
            (D, "p1", "email", "a@x.com"),
            (D, "p1", "phone", "15550100001"),
            (D, "p1", "first_name", "zoe"),
            (D, "p1", "last_name", "doe"),
            (D, "p1", "date_of_birth", "1990-01-02"),
            (D, "p2", "phone", "33612345678"),
            (D, "c1", "email", "a@x.com"),
            (D, "c1", "loyalty_id", "FF1"),
            (D, "p1", "alternate_id", "crm:C-9"),
            (D, "crm_c-9", "alternate_id", "crm:C-9"),
        ],
        ATTRS,
    )
    assert_df_equality(actual, expected, ignore_row_order=True, ignore_nullable=True)


def test_edges_multi_attribute_rules_and_junk_guard(spark):
    rows = [
        (D, "a", "email", "a@x.com"),
        (D, "b", "email", "a@x.com"),
        # phone + last name: b and c share both, d shares the phone only
        (D, "b", "phone", "111"),
        (D, "b", "last_name", "doe"),
        (D, "b", "last_name", "smith"),
        (D, "c", "phone", "111"),
        (D, "c", "last_name", "smith"),
        (D, "d", "phone", "111"),
        (D, "d", "last_name", "jones"),
        # a placeholder email on four travellers: junk with max_travellers_per_value = 3
        *[(D, t, "email", "none@none.com") for t in ("a", "c", "d", "e")],
    ]
    attributes = spark.createDataFrame(rows, ATTRS)
    rules = [Rule("email", ("email",)), Rule("phone_last_name", ("phone", "last_name"))]
    edges, junk = candidate_edges(attributes, rules, ("email", "phone"), 3)
    assert_df_equality(
        edges,
        spark.createDataFrame(
            [(D, "a", "b", "email"), (D, "b", "c", "phone_last_name")],
            "domain string, src string, dst string, rule string",
        ),
        ignore_row_order=True,
        ignore_nullable=True,
    )
    assert_df_equality(
        junk,
        spark.createDataFrame(
            [(D, "email", "none@none.com", 4)], "domain string, attribute string, value string, travellers long"
        ),
        ignore_nullable=True,
    )
