"""customer_service_interaction (CSI) → ``customer_service_interaction`` and ``alternate_profile_id`` (spec 3.7).

One record per interaction. ``traveller_id`` and ``accp_object_id`` are both ``sessionId`` or, when
it is empty, one id generated from the interaction's identifying fields (spec 2.3).

``conversation`` is the base64 of the JSON object ``{"items": [...]}`` written the way upstream's
Python ``json.dumps`` writes it (``", "``/``": "`` separators, non-ASCII and control characters as
lower-case ``\\uXXXX`` escapes), so the encoded text matches upstream byte for byte; the JSON is
assembled with column expressions only.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from transforms.alternate_ids import alternate_id_errors, alternate_profile_id_records
from transforms.reasons import VALIDATION
from transforms.records import object_json, select_record, with_record_meta
from transforms.schemas import SCHEMAS
from transforms.values import (
    MAX_TEXT,
    all_errors,
    array_errors,
    base64_text,
    email_error,
    errors,
    extended_data,
    extended_data_error,
    failed,
    generated_id,
    max_length_error,
    missing_error,
    nz,
    phone_error,
    single_line_error,
    timestamp_error,
    to_bool,
    to_number,
)

OBJECT_TYPE = BUSINESS_OBJECT = "customer_service_interaction"
SCHEMA = SCHEMAS[BUSINESS_OBJECT]
ACCP_TABLES = (OBJECT_TYPE, "alternate_profile_id")
MAX_CONVERSATION_ITEMS = 500
MAX_CONVERSATION_CONTENT = 500_000
NO_CONVERSATION = "conversation must have at least 1 item"
TOO_MANY_ITEMS = f"conversation has more than {MAX_CONVERSATION_ITEMS} items"
TOO_MUCH_CONTENT = f"conversation content longer than {MAX_CONVERSATION_CONTENT} characters in total"

# Output column -> input key, for plain string copies (all single-line validated).
STRING_FIELDS = {
    "channel": "channel",
    "loyalty_id": "loyaltyId",
    "booking_id": "relatedBookingId",
    "first_name": "firstName",
    "last_name": "lastName",
    "campaign_job_id": "campaignJobId",
    "campaign_strategy": "campaignStrategy",
    "campaign_program": "campaignProgram",
    "campaign_product": "campaignProduct",
    "campaign_name": "campaignName",
    "category": "category",
    "subject": "subject",
    "loyalty_program_name": "loyaltyProgramName",
    "tsa_precheck_number": "tsaPreCheckNumber",
    "cart_id": "cartId",
    "interaction_type": "interactionType",
    "start_time": "startTime",
    "end_time": "endTime",
    "status": "status",
}
RELATED = {"related_loyalty_id": "relatedLoyaltyIds", "related_booking_id": "relatedBookings"}

CSI_FIELDS = [
    "traveller_id",
    "accp_object_id",
    *STRING_FIELDS,
    *[f"{prefix}{i}" for prefix in RELATED for i in (1, 2, 3)],
    "email",
    "email_business",
    "phone_number",
    "is_voice_otp",
    "duration",
    "summary",
    "language_code",
    "language_name",
    "conversation",
    "extended_data",
]

# Conversation entry keys in upstream's order: output key -> entry key (extended_data is built apart).
_ITEM_KEYS = {"from": "from", "to": "to", "content": "content", "start_time": "startTime", "end_time": "endTime"}
_PRINTABLE_ASCII = r"^[\x20-\x7e]*$"


_ID_MATERIAL = ("startTime", "channel", "firstName", "lastName", "email", "phoneNumber")


def _material_empty(data: Column) -> Column:
    return F.concat(*[nz(data[k]) for k in _ID_MATERIAL]) == ""


def object_json_needed(data: Column) -> Column:
    """Whether the traveller id is generated from the whole line: no sessionId and no other material."""
    return (nz(data["sessionId"]) == "") & _material_empty(data)


def session_id(data: Column, line_json: Column) -> Column:
    """``sessionId``, else a ``gen-`` id of type, startTime, channel, names, email and phone (else of the line)."""
    generated = F.when(_material_empty(data), generated_id(OBJECT_TYPE, line_json, "interaction")).otherwise(
        generated_id(OBJECT_TYPE, *[data[k] for k in _ID_MATERIAL])
    )
    return F.when(nz(data["sessionId"]) != "", data["sessionId"]).otherwise(generated)


def json_string(col: Column) -> Column:
    """JSON string literal of ``col`` ("" when null) as Python's ``json.dumps`` writes it (ensure_ascii).

    Text of printable ASCII, LF, CR and TAB is escaped by Spark's JSON writer (same escapes as
    Python); anything else goes character by character to get Python's lower-case ``\\uXXXX``
    escapes (surrogate pairs above U+FFFF).
    """
    text = nz(col)
    quoted = F.to_json(F.array(text))
    fast = quoted.substr(F.lit(2), F.length(quoted) - 2)

    def escape(c: Column) -> Column:
        cp = F.ascii(c)
        return (
            F.when(c == '"', F.lit('\\"'))
            .when(c == "\\", F.lit("\\\\"))
            .when(c == "\n", F.lit("\\n"))
            .when(c == "\r", F.lit("\\r"))
            .when(c == "\t", F.lit("\\t"))
            .when(c == "\b", F.lit("\\b"))
            .when(c == "\f", F.lit("\\f"))
            .when((cp >= 0x20) & (cp <= 0x7E), c)
            .when(cp <= 0xFFFF, _u_escape(cp))
            .otherwise(
                F.concat(
                    _u_escape(F.lit(0xD800) + F.shiftright(cp - 0x10000, 10)),
                    _u_escape(F.lit(0xDC00) + (cp - 0x10000).bitwiseAND(F.lit(0x3FF))),
                )
            )
        )

    chars = F.regexp_extract_all(text, F.lit("(?s)."), 0)
    slow = F.concat(F.lit('"'), F.array_join(F.transform(chars, escape), ""), F.lit('"'))
    simple = F.regexp_replace(text, r"[\n\r\t]", "").rlike(_PRINTABLE_ASCII)
    return F.when(simple, fast).otherwise(slow)


def _u_escape(code: Column) -> Column:
    return F.concat(F.lit("\\u"), F.lower(F.lpad(F.hex(code), 4, "0")))


def conversation_json(conversation: Column) -> Column:
    """``{"items": [...]}`` text, one object per entry with keys from, to, content, start_time, end_time,
    sentiment and extended_data (spec 2.8 applied to the entry)."""

    def item(entry: Column) -> Column:
        pairs = [(key, json_string(entry[source])) for key, source in _ITEM_KEYS.items()]
        pairs.append(("sentiment", json_string(entry["sentiment"])))
        pairs.append(("extended_data", json_string(extended_data(entry["extendedData"]))))
        body = F.concat_ws(", ", *[F.concat(F.lit(f'"{key}": '), value) for key, value in pairs])
        return F.concat(F.lit("{"), body, F.lit("}"))

    items = F.transform(F.coalesce(conversation, F.array()), item)
    return F.concat(F.lit('{"items": ['), F.array_join(items, ", "), F.lit("]}"))


def reject_reasons(df: DataFrame, max_extended_data: int) -> Column:
    data = F.col("data")
    conversation = data["conversation"]
    size = F.coalesce(F.size(conversation), F.lit(-1))
    content_length = F.aggregate(
        F.coalesce(conversation, F.array()),
        F.lit(0).cast("long"),
        lambda acc, e: acc + F.coalesce(F.length(e["content"]), F.lit(0)),
    )
    checks = errors(
        missing_error(size <= 0, NO_CONVERSATION),
        failed(size > MAX_CONVERSATION_ITEMS, VALIDATION, TOO_MANY_ITEMS),
        failed(content_length > MAX_CONVERSATION_CONTENT, VALIDATION, TOO_MUCH_CONTENT),
        single_line_error(data["modelVersion"], "modelVersion"),
        single_line_error(data["sessionId"], "sessionId"),
        *[single_line_error(data[key], key) for key in STRING_FIELDS.values()],
        single_line_error(data["language"]["code"], "language.code"),
        single_line_error(data["language"]["name"], "language.name"),
        email_error(data["email"], "email"),
        email_error(data["businessEmail"], "businessEmail"),
        phone_error(data["phoneNumber"], "phoneNumber"),
        max_length_error(data["summary"], "summary", MAX_TEXT),
        timestamp_error(data["endTime"], "endTime"),
        extended_data_error(data["extendedData"], "extendedData", max_extended_data),
    )
    related = [array_errors(data[key], _single_line_check(key)) for key in RELATED.values()]
    entries = array_errors(
        conversation,
        lambda e: errors(
            single_line_error(e["from"], "conversation.from"),
            single_line_error(e["to"], "conversation.to"),
            single_line_error(e["startTime"], "conversation.startTime"),
            single_line_error(e["endTime"], "conversation.endTime"),
            single_line_error(e["sentiment"], "conversation.sentiment"),
            extended_data_error(e["extendedData"], "conversation.extendedData", max_extended_data),
        ),
    )
    return all_errors(checks, *related, entries, alternate_id_errors(data["alternateProfileIds"]))


def _single_line_check(path: str):
    # A named one-argument function: F.transform passes the index too when the lambda takes two.
    return lambda value: errors(single_line_error(value, path))


def to_accp(df: DataFrame) -> dict[str, DataFrame]:
    interactions = df.withColumn("traveller_id", session_id(F.col("data"), object_json(df)))
    return {
        OBJECT_TYPE: _interactions(interactions),
        "alternate_profile_id": alternate_profile_id_records(
            interactions,
            alternate_ids=F.col("data.alternateProfileIds"),
            owner_id=F.col("traveller_id"),
            model_version=F.col("data.modelVersion"),
            # An interaction has no lastUpdatedOn: the alternate ids' last_updated stays empty.
            last_updated=F.lit(None).cast("string"),
        ),
    }


def _interactions(interactions: DataFrame) -> DataFrame:
    data = F.col("data")
    related = [nz(F.get(data[key], i - 1)).alias(f"{prefix}{i}") for prefix, key in RELATED.items() for i in (1, 2, 3)]
    records = interactions.select(
        "*",
        F.col("traveller_id").alias("accp_object_id"),
        *[nz(data[key]).alias(out) for out, key in STRING_FIELDS.items()],
        *related,
        nz(data["email"]).alias("email"),
        nz(data["businessEmail"]).alias("email_business"),
        nz(data["phoneNumber"]).alias("phone_number"),
        to_bool(data["isVoiceOtp"]).alias("is_voice_otp"),
        to_number(data["duration"]).alias("duration"),
        nz(data["summary"]).alias("summary"),
        nz(data["language"]["code"]).alias("language_code"),
        nz(data["language"]["name"]).alias("language_name"),
        base64_text(conversation_json(data["conversation"])).alias("conversation"),
        extended_data(data["extendedData"]).alias("extended_data"),
    )
    records = with_record_meta(records, OBJECT_TYPE, data["modelVersion"], data["endTime"])
    return select_record(records, CSI_FIELDS)
