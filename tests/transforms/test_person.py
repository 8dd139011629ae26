"""Shared person helpers (mapping spec 2.7, 2.10): last-write-wins person block, billing precedence,
contact reject reasons, email/phone history and loyalty transaction records."""

from __future__ import annotations

import json

from chispa import assert_df_equality
from pyspark.sql import functions as F

from tests.transforms.helpers import FALLBACK, bo_frame, reasons_by_line
from transforms import person

WALKED = {
    "id": "p1",
    "firstName": "Ann",
    "parentCompany": "ACME",
    "nationality": {"code": "FR", "name": "France"},
    "emails": [
        {"type": "Personal", "address": "a@x.com"},
        {"type": "business", "address": "b@x.com", "primary": True},
        {"type": "other", "address": "c@x.com"},
        {"type": "BUSINESS", "address": "d@x.com"},
    ],
    "phones": [
        {"type": "home", "number": "1"},
        {"type": "mobile", "number": "2", "primary": "TRUE"},
        {"type": "mobile", "number": "3"},
        {"type": "work", "number": "4"},
        {"type": "business", "number": "5", "primary": True},
    ],
    "addresses": [
        {"type": "home", "line1": "h1", "state": {"code": ""}, "province": {"code": "ON"}, "primary": True},
        {"type": "", "line1": "h2", "city": "Lyon", "state": {"code": "RH"}, "country": {"code": "FR"}},
        {"type": "Business", "line1": "b1", "postalCode": "75000"},
        {"type": "mailing", "line1": "m1", "primary": True},
        {"type": "Shipping", "line1": "s1"},
    ],
}
EMPTY = {"id": "p2", "emails": [], "phones": None}

BLOCK_COLUMNS = [
    "first_name",
    "company",
    "nationality_code",
    "language_code",
    "email",
    "email_business",
    "email_primary",
    "email_type",
    "phone",
    "phone_home",
    "phone_mobile",
    "phone_business",
    "phone_primary",
    "address_line1",
    "address_city",
    "address_state",
    "address_province",
    "address_country",
    "address_is_primary",
    "address_state_province",
    "address_business_line1",
    "address_business_postal_code",
    "address_mailing_line1",
    "address_mailing_is_primary",
    "address_type",
]


def test_person_block_last_entry_of_each_kind_wins(spark):
    df = bo_frame(spark, "pax_profile", [json.dumps(WALKED), json.dumps(EMPTY)])
    out = df.select("line_number", *person.person_block(F.col("data"))).select("line_number", *BLOCK_COLUMNS)
    walked = (
        1, "Ann", "ACME", "FR", "",
        "c@x.com", "d@x.com", "business", "business",
        "4", "1", "3", "5", "business",
        "h2", "Lyon", "RH", "", "FR", False, "RH",
        "b1", "75000", "m1", True, "shipping",
    )  # fmt: skip
    empty = (
        2,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        False,
        "",
        "",
        "",
        "",
        False,
        None,
    )
    schema = "line_number long, " + ", ".join(
        f"{c} boolean" if c.endswith("is_primary") else f"{c} string" for c in BLOCK_COLUMNS
    )
    expected = spark.createDataFrame([walked, empty], schema)
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)
    assert out.columns[1:] == BLOCK_COLUMNS
    assert [c for c in person.PERSON_FIELDS if c.startswith("address_") or c == "email"] == [
        c for c in df.select(*person.person_block(F.col("data"))).columns if c.startswith("address_") or c == "email"
    ]


def test_billing_from_card_address_else_payment_address_else_empty(spark):
    card = {"state": {"code": ""}, "province": {"code": ""}, "primary": False}
    pay_address = {
        "line1": "P1",
        "city": "Rome",
        "province": {"code": "RM"},
        "country": {"code": "IT"},
        "primary": True,
    }
    lines = [
        {
            "id": "b1",
            "paymentInformation": {
                "paymentType": "card",
                "ccInfo": {"token": "t", "address": card},
                "address": pay_address,
            },
        },
        {
            "id": "b2",
            "paymentInformation": {"paymentType": "voucher", "ccInfo": {"cardType": "VI"}, "address": pay_address},
        },
        {"id": "b3"},
    ]
    df = bo_frame(spark, "hotel_booking", [json.dumps(x) for x in lines])
    out = df.select("line_number", *person.payment_block(F.col("data.paymentInformation"))).select(
        "line_number",
        "payment_type",
        "cc_token",
        "cc_type",
        "address_billing_line1",
        "address_billing_city",
        "address_billing_state_province",
        "address_billing_country",
        "address_billing_is_primary",
    )
    expected = spark.createDataFrame(
        [
            (1, "card", "t", "", "", "", "", "", False),
            (2, "voucher", "", "VI", "P1", "Rome", "RM", "IT", True),
            (3, "", "", "", "", "", "", "", False),
        ],
        "line_number long, payment_type string, cc_token string, cc_type string, address_billing_line1 string, "
        "address_billing_city string, address_billing_state_province string, address_billing_country string, "
        "address_billing_is_primary boolean",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)


def test_contact_errors_name_each_rule(spark):
    bad = {
        "firstName": "A<b",
        "emails": [{"type": "home"}, {"type": "work", "address": "not-an-email"}, {"address": "ok@x.io"}],
        "phones": [{"type": "home", "number": ""}, {"number": "1" * 31}, {"number": "123", "extendedData": "[1]"}],
    }
    df = bo_frame(spark, "pax_profile", [json.dumps(bad), json.dumps(WALKED)])
    out = reasons_by_line(df, person.contact_errors(F.col("data"), "p", 5000))
    expected = spark.createDataFrame(
        [
            (
                1,
                [
                    "p.firstName: contains a forbidden character",
                    "p.emails: email address must be populated",
                    "p.emails.address: invalid email address",
                    "p.phones: phone number must be populated",
                    "p.phones.number: phone number longer than 30 characters",
                    "p.phones: extendedData is not a JSON object",
                ],
                "missing_mandatory",
            ),
            (2, [], None),
        ],
        "line_number long, reasons array<string>, error_type string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)


def test_email_and_phone_history_one_record_per_entry(spark):
    line = {
        "id": "p1",
        "modelVersion": "1.2",
        "lastUpdatedOn": "2024-03-04T05:06:07.1Z",
        "lastUpdatedBy": "agent",
        "emails": [{"type": "work", "address": "w@x.com", "isVerified": True}, {"address": "n@x.com"}],
        "phones": [{"type": "home", "number": "+1 2", "countryCode": 44, "extendedData": {"k": 1}}],
    }
    df = bo_frame(spark, "pax_profile", [json.dumps(line), json.dumps({"emails": None})])
    owner = dict(
        model_version=F.col("data.modelVersion"),
        last_updated=F.col("data.lastUpdatedOn"),
        last_updated_by=F.col("data.lastUpdatedBy"),
    )
    emails = person.email_history(df, F.col("data"), F.col("data.id"), with_is_verified=True, **owner)
    phones = person.phone_history(df, F.col("data"), F.col("data.id"), **owner)
    assert emails.columns[-1] == "is_verified" and "is_verified" not in phones.columns
    got_emails = emails.select(
        "object_type", "model_version", "last_updated", "last_updated_partition", "tx_id", "traveller_id",
        "accp_object_id", "address", "type", "last_updated_by", "is_verified",
    )  # fmt: skip
    expected_emails = spark.createDataFrame(
        [
            ("email_history", "1.2", "2024-03-04T05:06:07.1Z", "2024-03-04-05", "run-1", "p1", "workw@x.com", "w@x.com", "work", "agent", True),
            ("email_history", "1.2", "2024-03-04T05:06:07.1Z", "2024-03-04-05", "run-1", "p1", "n@x.com", "n@x.com", "", "agent", False),
        ],
        "object_type string, model_version string, last_updated string, last_updated_partition string, tx_id string, "
        "traveller_id string, accp_object_id string, address string, type string, last_updated_by string, "
        "is_verified boolean",
    )  # fmt: skip
    assert_df_equality(got_emails, expected_emails, ignore_row_order=True, ignore_nullable=True)
    got_phones = phones.select("accp_object_id", "number", "country_code", "type", "extended_data")
    expected_phones = spark.createDataFrame(
        [("home+1 2", "+1 2", "44", "home", "eyJrIjoxfQ==")],
        "accp_object_id string, number string, country_code string, type string, extended_data string",
    )
    assert_df_equality(got_phones, expected_phones, ignore_nullable=True)


def test_loyalty_transactions_take_time_and_agent_from_the_transaction(spark):
    line = {
        "id": "p1",
        "modelVersion": "1",
        "lastUpdatedOn": "2024-01-02T00:00:00Z",
        "loyaltyPrograms": [
            {
                "id": "L1",
                "programName": "gold",
                "miles": "12.5",
                "transactions": [
                    {"id": "t1", "timeStamp": "2023-05-06T07:08:09Z", "agent": "bob", "expireInDays": "3.5",
                     "pointsOffset": 7, "pointUnit": "mi", "qualifyingPointOffset": "2"},
                    {"id": "t2", "expireInDays": 4},
                ],
            },
            {"id": "L2", "transactions": None},
        ],
    }  # fmt: skip
    df = bo_frame(spark, "pax_profile", [json.dumps(line)])
    programs = F.col("data.loyaltyPrograms")
    tx = person.loyalty_transaction(
        df, programs, F.col("data.id"), model_version=F.col("data.modelVersion"), expire_in_days_integer=True
    ).select(
        "accp_object_id", "loyalty_id", "last_updated", "last_updated_by", "points_offset", "points_unit",
        "qualifying_point_offset", "expire_in_days", "amount",
    )  # fmt: skip
    expected = spark.createDataFrame(
        [
            ("t1", "L1", "2023-05-06T07:08:09Z", "bob", 7.0, "mi", 2.0, 3, 0.0),
            ("t2", "L1", FALLBACK, "", 0.0, "", 0.0, 4, 0.0),
        ],
        "accp_object_id string, loyalty_id string, last_updated string, last_updated_by string, "
        "points_offset double, points_unit string, qualifying_point_offset double, expire_in_days int, amount double",
    )
    assert_df_equality(tx, expected, ignore_row_order=True, ignore_nullable=True)
    as_number = person.loyalty_transaction(
        df, programs, F.col("data.id"), model_version=F.col("data.modelVersion"), expire_in_days_integer=False
    )
    assert dict(as_number.dtypes)["expire_in_days"] == "double"
    loyalty = person.air_loyalty_short(
        df,
        programs,
        F.col("data.id"),
        model_version=F.col("data.modelVersion"),
        last_updated=F.col("data.lastUpdatedOn"),
        last_updated_by=F.col("data.lastUpdatedBy"),
    ).select("accp_object_id", "id", "program_name", "miles", "miles_to_next_level", "last_updated_by")
    expected_loyalty = spark.createDataFrame(
        [("L1", "L1", "gold", 12.5, 0.0, ""), ("L2", "L2", "", 0.0, 0.0, "")],
        "accp_object_id string, id string, program_name string, miles double, miles_to_next_level double, "
        "last_updated_by string",
    )
    assert_df_equality(loyalty, expected_loyalty, ignore_row_order=True, ignore_nullable=True)
