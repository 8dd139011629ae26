"""pax_profile (mapping spec 3.3): one profile per line, generated ids when id is missing, contact,
short-form air_loyalty, loyalty transactions with integer expire_in_days, alternate ids, rejects."""

from __future__ import annotations

import json

from chispa import assert_df_equality

from tests.transforms.helpers import FALLBACK, bo_frame, reasons_by_line
from transforms import pax_profile
from transforms.records import LINEAGE_COLUMNS, RECORD_META_COLUMNS

FULL = {
    "modelVersion": "1.2.0",
    "id": "P1",
    "createdOn": "2023-01-01",
    "createdBy": "sys",
    "lastUpdatedOn": "2023-09-14T22:15:10.540562Z",
    "lastUpdatedBy": "Nils",
    "firstName": "Bryana",
    "lastName": "Schroeder",
    "emails": [{"type": "business", "address": "b@x.com", "primary": True}],
    "phones": [{"type": "personal", "number": "1-691", "countryCode": 35}],
    "addresses": [{"type": "mailing", "line1": "m1"}, {"line1": "h1", "state": {"code": "MD"}}],
    "loyaltyPrograms": [
        {"id": "L1", "programName": "air", "miles": 10, "level": "gold", "transactions": [
            {"id": "T1", "timeStamp": "2023-02-02T00:00:00Z", "agent": "ag", "expireInDays": "3.5"}]},
    ],
    "alternateProfileIds": [{"name": "crm", "value": "9"}],
    "extendedData": {"a": 1},
}  # fmt: skip
NO_ID = {"firstName": "Zoe", "lastName": "Quinn", "createdOn": "2024-01-01", "emails": [{"address": "z@q.io"}]}
NOTHING = {}
PROFILE_COLUMNS = [
    "line_number",
    "object_type",
    "model_version",
    "last_updated",
    "last_updated_by",
    "traveller_id",
    "accp_object_id",
    "id",
    "created_on",
    "first_name",
    "email_business",
    "email_type",
    "phone",
    "phone_type",
    "address_line1",
    "address_state_province",
    "address_mailing_line1",
    "address_billing_line1",
    "address_billing_is_primary",
    "address_type",
    "extended_data",
]


def test_profiles_and_sub_records(spark):
    df = bo_frame(spark, "pax_profile", [json.dumps(FULL), json.dumps(NO_ID), json.dumps(NOTHING)])
    out = pax_profile.to_accp(df)
    assert sorted(out) == sorted(
        ["pax_profile", "email_history", "phone_history", "air_loyalty", "loyalty_transaction", "alternate_profile_id"]
    )
    profiles = out["pax_profile"]
    head = [*LINEAGE_COLUMNS, *RECORD_META_COLUMNS]
    assert profiles.columns[: len(head)] == head
    assert {"honorific", "address_billing_state_province", "phone_primary", "email_primary"} <= set(profiles.columns)

    rows = profiles.select(*PROFILE_COLUMNS).orderBy("line_number").collect()
    generated = [r.traveller_id for r in rows[1:]]
    assert all(t.startswith("gen-") for t in generated) and generated[0] != generated[1]
    # Deterministic: the same input gives the same generated ids.
    again = pax_profile.to_accp(df)["pax_profile"].orderBy("line_number").select("traveller_id").collect()
    assert [r.traveller_id for r in again[1:]] == generated

    schema = ", ".join(
        f"{c} long" if c == "line_number" else f"{c} boolean" if c.endswith("is_primary") else f"{c} string"
        for c in PROFILE_COLUMNS
    )
    expected = spark.createDataFrame(
        [
            (1, "pax_profile", "1.2.0", "2023-09-14T22:15:10.540562Z", "Nils", "P1", "P1", "P1", "2023-01-01",
             "Bryana", "b@x.com", "business", "1-691", "", "h1", "MD", "m1", "", False, "", "eyJhIjoxfQ=="),
            (2, "pax_profile", "", FALLBACK, "", generated[0], generated[0], "", "2024-01-01",
             "Zoe", "", "", "", "", "", "", "", "", False, None, ""),
            (3, "pax_profile", "", FALLBACK, "", generated[1], generated[1], "", "",
             "", "", "", "", "", "", "", "", "", False, None, ""),
        ],
        schema,
    )  # fmt: skip
    assert_df_equality(profiles.select(*PROFILE_COLUMNS), expected, ignore_row_order=True, ignore_nullable=True)

    emails = out["email_history"].select("traveller_id", "accp_object_id", "last_updated", "last_updated_by")
    assert_df_equality(
        emails,
        spark.createDataFrame(
            [("P1", "businessb@x.com", FULL["lastUpdatedOn"], "Nils"), (generated[0], "z@q.io", FALLBACK, "")],
            "traveller_id string, accp_object_id string, last_updated string, last_updated_by string",
        ),
        ignore_row_order=True,
        ignore_nullable=True,
    )
    phones = out["phone_history"].select("traveller_id", "accp_object_id", "country_code")
    assert [tuple(r) for r in phones.collect()] == [("P1", "personal1-691", "35")]
    loyalty = out["air_loyalty"].select("traveller_id", "accp_object_id", "program_name", "miles", "level")
    assert [tuple(r) for r in loyalty.collect()] == [("P1", "L1", "air", 10.0, "gold")]
    tx = out["loyalty_transaction"].select(
        "traveller_id", "accp_object_id", "loyalty_id", "expire_in_days", "last_updated_by"
    )
    assert [tuple(r) for r in tx.collect()] == [("P1", "T1", "L1", 3, "ag")]
    assert "qualifying_point_offset" in out["loyalty_transaction"].columns
    alt = out["alternate_profile_id"].select("traveller_id", "accp_object_id", "last_updated")
    assert sorted(tuple(r) for r in alt.collect()) == [
        ("P1", "crm_9", FULL["lastUpdatedOn"]),
        ("crm_9", "crm_9", FULL["lastUpdatedOn"]),
    ]


def test_reject_reasons(spark):
    bad = {
        "id": "P{1}",
        "lastUpdatedOn": "yesterday",
        "emails": [{"type": "x"}],
        "phones": [{"number": "1" * 31}],
        "loyaltyPrograms": [{"id": "L=1", "transactions": [{"id": "T\t1"}]}],
        "alternateProfileIds": [{"name": "a^b", "value": "v"}],
        "extendedData": "not json",
    }
    df = bo_frame(spark, "pax_profile", [json.dumps(FULL), json.dumps(bad)])
    out = reasons_by_line(df, pax_profile.reject_reasons(df, 5000))
    expected = spark.createDataFrame(
        [
            (1, [], None),
            (
                2,
                [
                    "pax_profile.id: contains a forbidden character",
                    "pax_profile.emails: email address must be populated",
                    "pax_profile.phones.number: phone number longer than 30 characters",
                    "pax_profile.lastUpdatedOn: not an ISO-8601 date-time",
                    "pax_profile: extendedData is not a JSON object",
                    "loyaltyPrograms.id: contains a forbidden character",
                    "loyaltyPrograms.transactions.id: contains a forbidden character",
                    "alternateProfileIds.name: contains a forbidden character",
                ],
                "invalid_timestamp",
            ),
        ],
        "line_number long, reasons array<string>, error_type string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)
