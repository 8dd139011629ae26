"""customer_service_interaction → customer_service_interaction + alternate_profile_id (mapping spec 3.7)."""

from __future__ import annotations

import base64
import json

from chispa import assert_df_equality
from pyspark.sql import functions as F

from tests.transforms.helpers import bo_frame, reasons_by_line
from transforms import customer_service_interaction as csi
from transforms.values import generated_id

TRICKY = 'caf\u00e9 \U0001f600 "q" back\\slash\nnew\ttab\x01ctl\x7f / <{=}>'
CSI = {
    "modelVersion": "1.0",
    "sessionId": "S1",
    "channel": "sms",
    "loyaltyId": "L1",
    "relatedLoyaltyIds": ["RL1", "RL2", "RL3", "RL4"],
    "relatedBookingId": "B1",
    "relatedBookings": ["RB1"],
    "firstName": "Kaela",
    "lastName": "Glover",
    "email": "k@example.com",
    "businessEmail": "k@work.example",
    "phoneNumber": "211.907.3813",
    "startTime": "2024-01-18T16:01:26.833705215Z",
    "endTime": "2024-01-18T16:05:44.833705Z",
    "interactionType": "call",
    "status": "completed",
    "duration": 258,
    "isVoiceOtp": "TRUE",
    "campaignName": "camp",
    "tsaPreCheckNumber": "TSA1",
    "cartId": "C1",
    "summary": "multi\nline summary",
    "language": {"code": "ht"},
    "conversation": [
        {"from": "customer", "content": TRICKY, "startTime": "t1", "sentiment": "POSITIVE"},
        {"from": "agent", "to": "customer", "content": "ok", "endTime": "t2", "extendedData": {"k": "v"}},
    ],
    "alternateProfileIds": [{"name": "crm", "value": "C9"}],
    "extendedData": {"a": 1},
}
NO_SESSION = {"channel": "web", "firstName": "Ann", "conversation": [{"content": "hi"}]}
NOTHING = {"conversation": [{"content": "hi"}]}


def upstream_conversation(entries: list[dict], extended: list[str]) -> str:
    """What upstream's json.dumps + base64 gives for the entries (the test oracle)."""
    keys = [
        ("from", "from"),
        ("to", "to"),
        ("content", "content"),
        ("start_time", "startTime"),
        ("end_time", "endTime"),
        ("sentiment", "sentiment"),
    ]
    items = [
        {**{out: e.get(key, "") for out, key in keys}, "extended_data": x}
        for e, x in zip(entries, extended, strict=True)
    ]
    return base64.b64encode(json.dumps({"items": items}).encode()).decode()


def test_interaction_record(spark):
    df = bo_frame(spark, "customer_service_interaction", [json.dumps(CSI)])
    out = csi.to_accp(df)
    record = out["customer_service_interaction"]
    assert record.columns[-len(csi.CSI_FIELDS) :] == csi.CSI_FIELDS
    conversation = upstream_conversation(CSI["conversation"], ["", base64.b64encode(b'{"k":"v"}').decode()])
    values = {
        "object_type": "customer_service_interaction",
        "model_version": "1.0",
        "last_updated": CSI["endTime"],
        "last_updated_partition": "2024-01-18-16",
        "traveller_id": "S1",
        "accp_object_id": "S1",
        "channel": "sms",
        "loyalty_id": "L1",
        "booking_id": "B1",
        "first_name": "Kaela",
        "last_name": "Glover",
        "campaign_job_id": "",
        "campaign_strategy": "",
        "campaign_program": "",
        "campaign_product": "",
        "campaign_name": "camp",
        "category": "",
        "subject": "",
        "loyalty_program_name": "",
        "tsa_precheck_number": "TSA1",
        "cart_id": "C1",
        "interaction_type": "call",
        "start_time": CSI["startTime"],
        "end_time": CSI["endTime"],
        "status": "completed",
        "related_loyalty_id1": "RL1",
        "related_loyalty_id2": "RL2",
        "related_loyalty_id3": "RL3",
        "related_booking_id1": "RB1",
        "related_booking_id2": "",
        "related_booking_id3": "",
        "email": "k@example.com",
        "email_business": "k@work.example",
        "phone_number": "211.907.3813",
        "is_voice_otp": True,
        "duration": 258.0,
        "summary": "multi\nline summary",
        "language_code": "ht",
        "language_name": "",
        "conversation": conversation,
        "extended_data": base64.b64encode(b'{"a":1}').decode(),
    }
    expected = spark.createDataFrame([values]).select(*values)
    assert_df_equality(record.select(*values), expected, ignore_nullable=True)
    alt = out["alternate_profile_id"].select("traveller_id", "accp_object_id", "model_version", "last_updated")
    expected_alt = spark.createDataFrame(
        [("crm_C9", "crm_C9", "1.0", ""), ("S1", "crm_C9", "1.0", "")],
        "traveller_id string, accp_object_id string, model_version string, last_updated string",
    )
    assert_df_equality(alt, expected_alt, ignore_row_order=True, ignore_nullable=True)


def test_generated_session_id_is_both_traveller_and_object_id(spark):
    df = bo_frame(spark, "customer_service_interaction", [json.dumps(NO_SESSION), json.dumps(NOTHING)])
    material = [F.col(f"data.{k}") for k in ("startTime", "channel", "firstName", "lastName", "email", "phoneNumber")]
    ids = df.select(
        "line_number",
        F.when(F.col("line_number") == 1, generated_id(csi.OBJECT_TYPE, *material))
        .otherwise(generated_id(csi.OBJECT_TYPE, F.to_json("data"), "interaction"))
        .alias("traveller_id"),
    )
    expected = ids.select("line_number", "traveller_id", F.col("traveller_id").alias("accp_object_id"))
    out = csi.to_accp(df)["customer_service_interaction"].select("line_number", "traveller_id", "accp_object_id")
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)


def test_reject_reasons(spark):
    bad = dict(
        CSI,
        email="nope",
        businessEmail="also nope",
        phoneNumber="1" * 31,
        endTime="2023-13-45T99:00",
        summary="s" * 5001,
        relatedBookings=["ok", "a=b"],
    )
    bad["conversation"] = [{"content": "x", "from": "a\tb", "extendedData": "[1]"}]
    too_many = dict(CSI, conversation=[{"content": "x"}] * 501)
    too_long = dict(CSI, conversation=[{"content": "x" * 250_000}, {"content": "y" * 250_001}])
    no_conversation = {k: v for k, v in CSI.items() if k != "conversation"}
    lines = [CSI, dict(CSI, conversation=[]), no_conversation, too_many, too_long, bad]
    df = bo_frame(spark, "customer_service_interaction", [json.dumps(line) for line in lines])
    out = reasons_by_line(df, csi.reject_reasons(df, 5000))
    expected = spark.createDataFrame(
        [
            (1, [], None),
            (2, [csi.NO_CONVERSATION], "missing_mandatory"),
            (3, [csi.NO_CONVERSATION], "missing_mandatory"),
            (4, [csi.TOO_MANY_ITEMS], "validation"),
            (5, [csi.TOO_MUCH_CONTENT], "validation"),
            (
                6,
                [
                    "email: invalid email address",
                    "businessEmail: invalid email address",
                    "phoneNumber: phone number longer than 30 characters",
                    "summary: longer than 5000 characters",
                    "endTime: not an ISO-8601 date-time",
                    "relatedBookings: contains a forbidden character",
                    "conversation.from: contains a forbidden character",
                    "conversation.extendedData: extendedData is not a JSON object",
                ],
                "invalid_timestamp",
            ),
        ],
        "line_number long, reasons array<string>, error_type string",
    )
    assert_df_equality(out, expected, ignore_row_order=True, ignore_nullable=True)
