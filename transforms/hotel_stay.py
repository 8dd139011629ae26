"""hotel_stay business object → ``hotel_stay_revenue_items`` and ``alternate_profile_id`` (mapping spec 3.5).

One revenue record per ``revenue`` item; stay-level scalars (names, contact, currency) are repeated
on every item (the item's own currency is ignored, as upstream). The guest's traveller id is
``guestId`` or, when empty, one id generated from the stay ``id`` (spec 2.3: one profile per stay,
not one per item as upstream).
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from transforms.alternate_ids import alternate_id_errors, alternate_profile_id_records
from transforms.records import object_json, select_record, with_record_meta
from transforms.schemas import SCHEMAS
from transforms.values import (
    all_errors,
    array_errors,
    email_error,
    errors,
    extended_data,
    extended_data_error,
    generated_id,
    missing_error,
    nz,
    phone_error,
    single_line_error,
    timestamp_error,
    to_number,
)

BUSINESS_OBJECT = "hotel_stay"
REVENUE_OBJECT_TYPE = "hotel_stay_revenue_items"
SCHEMA = SCHEMAS[BUSINESS_OBJECT]
ACCP_TABLES = (REVENUE_OBJECT_TYPE, "alternate_profile_id")
NO_REVENUE = "Hotel stay must have at least 1 revenue item"

REVENUE_FIELDS = [
    "traveller_id",
    "accp_object_id",
    "last_updated_by",
    "id",
    "booking_id",
    "currency_code",
    "currency_name",
    "currency_symbol",
    "first_name",
    "last_name",
    "email",
    "phone",
    "start_date",
    "hotel_code",
    "created_on",
    "created_by",
    "type",
    "description",
    "amount",
    "date",
    "extended_data",
]

# Stay-level strings checked with the single-line rule (input path -> error prefix).
_SINGLE_LINE_PATHS = (
    "id",
    "bookingId",
    "guestId",
    "lastUpdatedBy",
    "createdBy",
    "createdOn",
    "firstName",
    "lastName",
    "startDate",
    "hotelCode",
    "modelVersion",
    "currency.code",
    "currency.name",
    "currency.symbol",
)


def object_json_needed(data: Column) -> Column:
    """Whether the guest id is generated from the whole line: neither guestId nor the stay's id."""
    return (nz(data["guestId"]) == "") & (nz(data["id"]) == "")


def guest_traveller_id(data: Column, stay_json: Column) -> Column:
    """``guestId`` when non-empty, else ``gen-`` id of (hotel_stay, stay id); the whole line when the id is empty too."""
    generated = F.when(nz(data["id"]) != "", generated_id(BUSINESS_OBJECT, data["id"])).otherwise(
        generated_id(BUSINESS_OBJECT, stay_json, "guest")
    )
    return F.when(nz(data["guestId"]) != "", data["guestId"]).otherwise(generated)


def reject_reasons(df: DataFrame, max_extended_data: int) -> Column:
    data = F.col("data")
    stay_checks = errors(
        missing_error(F.coalesce(F.size(data["revenue"]), F.lit(-1)) <= 0, NO_REVENUE),
        *[single_line_error(_field(data, path), path) for path in _SINGLE_LINE_PATHS],
        email_error(data["email"], "email"),
        phone_error(data["phone"], "phone"),
        timestamp_error(data["lastUpdatedOn"], "lastUpdatedOn"),
    )
    item_checks = array_errors(
        data["revenue"],
        lambda item: errors(
            single_line_error(item["type"], "revenue.type"),
            single_line_error(item["description"], "revenue.description"),
            single_line_error(item["date"], "revenue.date"),
            extended_data_error(item["extendedData"], "revenue.extendedData", max_extended_data),
        ),
    )
    return all_errors(stay_checks, item_checks, alternate_id_errors(data["alternateProfileIds"]))


def to_accp(df: DataFrame) -> dict[str, DataFrame]:
    stays = df.withColumn("traveller_id", guest_traveller_id(F.col("data"), object_json(df)))
    return {
        REVENUE_OBJECT_TYPE: _revenue_items(stays),
        "alternate_profile_id": alternate_profile_id_records(
            stays,
            alternate_ids=F.col("data.alternateProfileIds"),
            owner_id=F.col("traveller_id"),
            model_version=F.col("data.modelVersion"),
            last_updated=F.col("data.lastUpdatedOn"),
        ),
    }


def _revenue_items(stays: DataFrame) -> DataFrame:
    items = stays.withColumn("item", F.explode(F.coalesce(F.col("data.revenue"), F.array())))
    stay, item = F.col("data"), F.col("item")
    records = items.select(
        "*",
        F.concat_ws("|", nz(stay["id"]), nz(item["type"]), nz(item["date"])).alias("accp_object_id"),
        nz(stay["lastUpdatedBy"]).alias("last_updated_by"),
        nz(stay["id"]).alias("id"),
        nz(stay["bookingId"]).alias("booking_id"),
        nz(stay["currency"]["code"]).alias("currency_code"),
        nz(stay["currency"]["name"]).alias("currency_name"),
        nz(stay["currency"]["symbol"]).alias("currency_symbol"),
        nz(stay["firstName"]).alias("first_name"),
        nz(stay["lastName"]).alias("last_name"),
        nz(stay["email"]).alias("email"),
        nz(stay["phone"]).alias("phone"),
        nz(stay["startDate"]).alias("start_date"),
        nz(stay["hotelCode"]).alias("hotel_code"),
        nz(stay["createdOn"]).alias("created_on"),
        nz(stay["createdBy"]).alias("created_by"),
        nz(item["type"]).alias("type"),
        nz(item["description"]).alias("description"),
        to_number(item["amount"]).alias("amount"),
        nz(item["date"]).alias("date"),
        extended_data(item["extendedData"]).alias("extended_data"),
    )
    records = with_record_meta(records, REVENUE_OBJECT_TYPE, stay["modelVersion"], stay["lastUpdatedOn"])
    return select_record(records, REVENUE_FIELDS)


def _field(data: Column, path: str) -> Column:
    col = data
    for part in path.split("."):
        col = col[part]
    return col
