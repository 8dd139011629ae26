"""clickstream business object → ``clickstream`` and ``alternate_profile_id`` (mapping spec 3.6 and 4).

One record per event. The traveller is the session: ``session.id``, or an id generated from the
event's JSON when it is empty (``userId`` is ignored, as upstream). Most fields come from the
event's ``attributes``: the first attribute whose ``name`` equals the key exactly, decoded by its
``type``. A string field without a matching attribute (or with an unknown type) is null; a number
field without one is 0.0.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from transforms.alternate_ids import alternate_id_errors, alternate_profile_id_records
from transforms.records import object_json, select_record, with_record_meta
from transforms.schemas import SCHEMAS
from transforms.values import (
    all_errors,
    email_error,
    errors,
    extended_data,
    extended_data_error,
    generated_id,
    max_length_error,
    nz,
    phone_error,
    single_line_error,
    timestamp_error,
    to_bool,
    to_number,
    url_error,
)

OBJECT_TYPE = BUSINESS_OBJECT = "clickstream"
SCHEMA = SCHEMAS[BUSINESS_OBJECT]
ACCP_TABLES = (OBJECT_TYPE, "alternate_profile_id")
MAX_USER_AGENT = 255

# Output column -> attribute name, for attribute-fed string columns (single-line validated).
STRING_ATTRIBUTES = {
    name: name
    for name in (
        "destination",
        "checkin_date",
        "checkout_date",
        "room_type",
        "rate_plan",
        "hotel_code",
        "hotel_name",
        "hotel_code_list",
        "quantities",
        "products",
        "products_prices",
        "currency",
        "ecommerce_action",
        "order_payment_type",
        "order_promo_code",
        "page_name",
        "page_type_environment",
        "transaction_id",
        "booking_id",
        "geofence_latitude",
        "geofence_longitude",
        "geofence_id",
        "geofence_name",
        "poi_id",
        "customer_birthdate",
        "customer_country",
        "customer_first_name",
        "customer_gender",
        "customer_id",
        "customer_last_name",
        "customer_nationality",
        "customer_type",
        "language_code",
        "fare_class",
        "fare_type",
        "flight_segments_departure_date_time",
        "flight_market",
        "flight_type",
        "origin_date",
        "origin_date_time",
        "origin_flight_route",
        "pax_type",
        "selected_seats",
        "length_of_stay",
        "origin",
        "custom",
        "custom_event_name",
        "error",
        # v1.1 fields v2 does not read (spec 4): attributes of the same name.
        "flight_segments",
        "flight_segments_arrival_date_time",
    )
} | {
    "customer_loyalty_id": "loyalty_id",
    "flight_numbers": "flight_segment_sku",
    "return_date": "returning_date",
    "return_date_time": "returning_date_time",
    "return_flight_route": "returning_flight_route",
}
# Attribute-fed string columns with their own validation rule.
URL_ATTRIBUTE, EMAIL_ATTRIBUTE, PHONE_ATTRIBUTE = "url", "customer_email", "customer_phone"
# Output column -> attribute name (case-sensitive, as upstream reads them).
NUMBER_ATTRIBUTES = {
    "num_nights": "num_nights",
    "num_guests": "num_guests",
    "num_guest_adults": "num_guest_adults",
    "num_guest_children": "num_guest_children",
    "total_passengers": "total_passengers",
    "num_pax_inf": "num_pax_inf",
    "num_pax_adults": "num_Pax_Adults",
    "num_pax_children": "num_Pax_Children",
}
# v1.1 names that v2.1.2 no longer writes, derived from the v2 columns (spec 4).
DERIVED_ALIASES = {
    "loyalty_id": "customer_loyalty_id",
    "returning_date": "return_date",
    "returning_date_time": "return_date_time",
    "returning_flight_route": "return_flight_route",
    "flight_segment_sku": "flight_numbers",
    "customer_event_name": "custom_event_name",
}

CLICKSTREAM_FIELDS = [
    "traveller_id",
    "accp_object_id",
    "session_id",
    "event_type",
    "event_timestamp",
    "arrival_timestamp",
    "event_version",
    "user_agent",
    "ip_address",
    "aws_account_id",
    *STRING_ATTRIBUTES,
    URL_ATTRIBUTE,
    EMAIL_ATTRIBUTE,
    PHONE_ATTRIBUTE,
    *NUMBER_ATTRIBUTES,
    *DERIVED_ALIASES,
    "extended_data",
]


def object_json_needed(data: Column) -> Column:
    """Whether the session id is generated from the whole event: it has no ``session.id``."""
    return nz(data["session"]["id"]) == ""


def session_id(data: Column, event_json: Column) -> Column:
    """``session.id``, else a ``gen-`` id of the event's canonical JSON (one profile per event)."""
    return F.when(~object_json_needed(data), data["session"]["id"]).otherwise(generated_id(OBJECT_TYPE, event_json))


def find_attribute(attributes: Column, name: str) -> Column:
    """The first attribute whose ``name`` equals ``name`` exactly (case-sensitive), or null.

    Lambda-free on purpose: a ``filter`` lambda is evaluated row by row outside generated code and
    again at every reference (each field reads the attribute's type and values), which made the
    event checks ten times slower than parsing; ``array_position`` compiles and is computed once.
    """
    position = F.array_position(attributes["name"], name).cast("int")
    return F.get(attributes, position - 1)  # position 0 (absent) reads index -1: null


def attribute_string(attribute: Column) -> Column:
    """String value of an attribute by its ``type``; null for no attribute or an unknown type.

    ``strings``/``numbers`` are joined with ``|`` (numbers keep their JSON text); a ``number`` is
    stringified as a double ("2.0"); a ``boolean`` becomes "true"/"false".
    """
    kind = attribute["type"]
    return (
        F.when(kind == "string", attribute["stringValue"])
        .when(kind == "strings", F.array_join(attribute["stringValues"], "|"))
        .when(kind == "number", to_number(attribute["numValue"]).cast("string"))
        .when(kind == "numbers", F.array_join(attribute["numValues"], "|"))
        .when(kind == "boolean", to_bool(attribute["boolValue"]).cast("string"))
    )


def attribute_number(attribute: Column) -> Column:
    """Number value of an attribute: 0.0 when missing, of an unknown type or unparsable."""
    kind = attribute["type"]
    return (
        F.when(kind == "number", to_number(attribute["numValue"]))
        .when(kind == "boolean", to_bool(attribute["boolValue"]).cast("double"))
        .otherwise(to_number(attribute_string(attribute)))
    )


def _attribute_strings(data: Column) -> dict[str, Column]:
    names = {**STRING_ATTRIBUTES, URL_ATTRIBUTE: URL_ATTRIBUTE, EMAIL_ATTRIBUTE: EMAIL_ATTRIBUTE}
    names[PHONE_ATTRIBUTE] = PHONE_ATTRIBUTE
    return {out: attribute_string(find_attribute(data["attributes"], name)) for out, name in names.items()}


def reject_reasons(df: DataFrame, max_extended_data: int) -> Column:
    data = F.col("data")
    strings = _attribute_strings(data)
    checks = errors(
        single_line_error(data["modelVersion"], "modelVersion"),
        single_line_error(data["event_type"], "event_type"),
        timestamp_error(data["event_timestamp"], "event_timestamp"),
        single_line_error(data["event_timestamp"], "event_timestamp"),
        single_line_error(data["arrival_timestamp"], "arrival_timestamp"),
        single_line_error(data["event_version"], "event_version"),
        single_line_error(data["session"]["id"], "session.id"),
        single_line_error(data["awsAccountId"], "awsAccountId"),
        single_line_error(data["device"]["ipAddress"], "device.ipAddress"),
        max_length_error(data["device"]["useragent"], "device.useragent", MAX_USER_AGENT),
        *[single_line_error(strings[out], f"attributes.{name}") for out, name in STRING_ATTRIBUTES.items()],
        url_error(strings[URL_ATTRIBUTE], f"attributes.{URL_ATTRIBUTE}"),
        email_error(strings[EMAIL_ATTRIBUTE], f"attributes.{EMAIL_ATTRIBUTE}"),
        phone_error(strings[PHONE_ATTRIBUTE], f"attributes.{PHONE_ATTRIBUTE}"),
        extended_data_error(data["extendedData"], "extendedData", max_extended_data),
    )
    return all_errors(checks, alternate_id_errors(data["alternateProfileIds"]))


def to_accp(df: DataFrame) -> dict[str, DataFrame]:
    events = df.withColumn("session_id", session_id(F.col("data"), object_json(df)))
    return {
        OBJECT_TYPE: _clickstream(events),
        "alternate_profile_id": alternate_profile_id_records(
            events,
            alternate_ids=F.col("data.alternateProfileIds"),
            owner_id=F.col("session_id"),
            model_version=F.col("data.modelVersion"),
            # Events have no lastUpdatedOn: upstream leaves the alternate ids' last_updated empty.
            last_updated=F.lit(None).cast("string"),
        ),
    }


def _clickstream(events: DataFrame) -> DataFrame:
    data = F.col("data")
    strings = _attribute_strings(data)
    records = events.select(
        "*",
        F.col("session_id").alias("traveller_id"),
        F.concat(F.col("session_id"), F.lit("_"), nz(data["event_timestamp"])).alias("accp_object_id"),
        nz(data["event_type"]).alias("event_type"),
        nz(data["event_timestamp"]).alias("event_timestamp"),
        nz(data["arrival_timestamp"]).alias("arrival_timestamp"),
        nz(data["event_version"]).alias("event_version"),
        nz(data["device"]["useragent"]).alias("user_agent"),
        nz(data["device"]["ipAddress"]).alias("ip_address"),
        nz(data["awsAccountId"]).alias("aws_account_id"),
        *[value.alias(out) for out, value in strings.items()],
        *[
            attribute_number(find_attribute(data["attributes"], name)).alias(out)
            for out, name in NUMBER_ATTRIBUTES.items()
        ],
        extended_data(data["extendedData"]).alias("extended_data"),
    )
    records = records.select("*", *[F.col(source).alias(alias) for alias, source in DERIVED_ALIASES.items()])
    records = with_record_meta(records, OBJECT_TYPE, data["modelVersion"], data["event_timestamp"])
    return select_record(records, CLICKSTREAM_FIELDS)
