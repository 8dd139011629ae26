"""Role patterns (catalog.roles) and the view SQL compiled from them (catalog.views): pure Python."""

from __future__ import annotations

import pytest

from catalog.roles import (
    BoolOp,
    Comparison,
    InList,
    IsNull,
    Literal,
    Not,
    RolePatternError,
    bind,
    parse_condition,
    parse_pattern,
    parse_role,
    parse_roles,
)
from catalog.views import SqlNameError, create_view_sql, ident, select_sql

TABLES = {
    "traveller": [("domain", "string"), ("connectId", "string"), ("birthDate", "string"), ("lastName", "string")],
    "air_booking": [
        ("domain", "string"),
        ("booking_id", "string"),
        ("from", "string"),
        ("to", "string"),
        ("segment_rank", "int"),
        ("price", "double"),
        ("departure_date", "date"),
        ("segments", "array<struct<id:string>>"),
    ],
    "hotel_booking": [("domain", "string"), ("hotel_code", "string")],
}


def views(*patterns: str, name: str = "r"):
    return {v.table: v for v in bind(parse_role(name, list(patterns)), TABLES)}


def test_guide_patterns_parse():
    assert parse_pattern("traveller/*") == parse_pattern(" traveller/* ")
    assert parse_pattern("traveller/*,dob").excluded == ("dob",)
    assert parse_pattern("traveller/*").fields is None
    assert parse_pattern("air_booking/booking_id, from").fields == ("booking_id", "from")
    assert parse_pattern("air_booking/*?from = BOS or to = BOS").condition == BoolOp(
        "or", (Comparison("from", "=", Literal("BOS", False)), Comparison("to", "=", Literal("BOS", False)))
    )
    assert parse_pattern("hotel_booking/*?hotel_code in [BOS1, BOS2, BOS3]").condition == InList(
        "hotel_code", tuple(Literal(v, False) for v in ("BOS1", "BOS2", "BOS3"))
    )
    assert parse_pattern("*/*").object_type == "*"


def test_condition_grammar():
    assert parse_condition("not (a = 1 or b != 'x y') and c is not null") == BoolOp(
        "and",
        (
            Not(BoolOp("or", (Comparison("a", "=", Literal("1", False)), Comparison("b", "!=", Literal("x y", True))))),
            IsNull("c", True),
        ),
    )
    assert parse_condition("a <> 'O''Hare'") == Comparison("a", "!=", Literal("O'Hare", True))
    assert parse_condition('a not in ["x", y]') == InList("a", (Literal("x", True), Literal("y", False)), True)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("traveller", "expected <object type>/<fields>"),
        ("trav-eller/*", "bad object type"),
        ("traveller/", "empty field name"),
        ("traveller/dob,*", "'\\*' may only come first"),
        ("traveller/a;b", "bad field name"),
        ("air_booking/*?", "empty condition"),
        ("air_booking/*?from = ", "ends too early"),
        ("air_booking/*?from BOS", "expected an operator after 'from'"),
        ("air_booking/*?from = BOS to = BOS", "unexpected 'to'"),
        ("air_booking/*?from in [BOS", "ends too early"),
        ("air_booking/*?(from = BOS", "ends too early"),
        ("air_booking/*?from = 'BOS", "unexpected character"),
        ("air_booking/*?from = BOS; DROP TABLE x", "unexpected character ';'"),
        ("air_booking/*?'from' = BOS", "expected a field name"),
    ],
)
def test_bad_patterns_fail_clearly(pattern, message):
    with pytest.raises(RolePatternError, match=message):
        parse_pattern(pattern, "r")


def test_bad_roles_fail_clearly():
    with pytest.raises(RolePatternError, match="bad role name"):
        parse_role("Bad-Role", ["traveller/*"])
    with pytest.raises(RolePatternError, match="appears in two patterns"):
        parse_role("r", ["traveller/*", "traveller/*,dob"])
    with pytest.raises(RolePatternError, match="expected a list"):
        parse_role("r", [])
    assert [r.name for r in parse_roles({"b": "traveller/*", "a": ["*/*"]})] == ["a", "b"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("flight/*", "unknown object type 'flight'"),
        ("traveller/*,shoe_size", "unknown field 'shoe_size'"),
        ("traveller/lastName,shoe_size", "unknown field 'shoe_size'"),
        ("air_booking/*?gate = B2", "unknown field 'gate'"),
        ("air_booking/*?segment_rank = first", "segment_rank is int; 'first' is not a number"),
        ("air_booking/*?segment_rank = '1'", "is not a number"),
        ("air_booking/*?departure_date > tomorrow", "is a date; expected YYYY-MM-DD"),
        ("air_booking/*?segments = x", "cannot compare"),
        ("traveller/*,domain,connectId,birthDate,lastName", "no field left"),
    ],
)
def test_patterns_are_checked_against_the_tables(pattern, message):
    with pytest.raises(RolePatternError, match=message):
        bind(parse_role("r", [pattern]), TABLES)


def test_fields_exclusions_and_aliases():
    found = views("traveller/*,dob", "air_booking/booking_id,FROM")
    assert found["traveller"].columns == ("domain", "connectId", "lastName")  # dob is UPT's birthDate
    assert found["air_booking"].columns == ("booking_id", "from")  # table order, real names
    assert set(found) == {"traveller", "air_booking"}
    everything = views("*/*", "traveller/lastName")
    assert set(everything) == set(TABLES) and everything["traveller"].columns == ("lastName",)


def test_view_sql_quotes_names_and_values():
    found = views("air_booking/*?(from = BOS or to = 'O''Hare') and segment_rank >= 2 and departure_date < 2025-01-31")
    sql = select_sql(found["air_booking"], "upt", "accp_air_booking")
    assert sql == (
        'SELECT "domain", "booking_id", "from", "to", "segment_rank", "price", "departure_date", "segments" '
        'FROM "upt"."accp_air_booking" WHERE (("from" = \'BOS\' OR "to" = \'O\'\'Hare\') AND "segment_rank" >= 2 '
        "AND \"departure_date\" < DATE '2025-01-31')"
    )
    hotel = views('hotel_booking/*?hotel_code not in [BOS1, "x\'); DROP TABLE t; --"]')["hotel_booking"]
    assert create_view_sql(hotel, "upt", "accp_hotel_booking", catalog="delta") == (
        'CREATE OR REPLACE VIEW "delta"."upt_r"."accp_hotel_booking" AS SELECT "domain", "hotel_code" '
        "FROM \"upt\".\"accp_hotel_booking\" WHERE \"hotel_code\" NOT IN ('BOS1', 'x''); DROP TABLE t; --')"
    )
    athena = create_view_sql(hotel, "upt", "accp_hotel_booking")
    assert athena.startswith('CREATE OR REPLACE VIEW "upt_r"."accp_hotel_booking" AS SELECT')
    assert (
        athena.split(" AS ", 1)[1] == create_view_sql(hotel, "upt", "accp_hotel_booking", "delta").split(" AS ", 1)[1]
    )


def test_names_are_validated():
    with pytest.raises(SqlNameError, match="bad name 'a\"b'"):
        ident('a"b')
    with pytest.raises(SqlNameError):
        ident("upt; drop")
