"""hotel_booking business object → ACCP records (mapping spec 3.2).

Cardinality: segments × (segment holder, then each additional guest) × products gives the
``hotel_booking`` records; segments × persons × entries gives ``email_history``,
``phone_history`` and ``hotel_loyalty`` (a person in two segments is emitted twice); segments ×
persons × alternate ids × 2 gives ``alternate_profile_id`` (exact duplicates dropped).
Booking-level ``modelVersion`` / ``lastUpdatedOn`` / ``lastUpdatedBy`` stamp every record except
alternate ids, which take the person's own (spec 2.1, 2.6).
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from transforms import person
from transforms.alternate_ids import alternate_id_errors, alternate_profile_id_records
from transforms.reasons import no_reasons
from transforms.records import select_record, with_record_meta
from transforms.schemas import SCHEMAS
from transforms.values import (
    all_errors,
    array_errors,
    errors,
    extended_data,
    extended_data_error,
    generated_id,
    id_or_generated,
    missing_error,
    nz,
    single_line_error,
    timestamp_error,
    to_number,
)

OBJECT_TYPE = BUSINESS_OBJECT = "hotel_booking"
SCHEMA = SCHEMAS[BUSINESS_OBJECT]
ACCP_TABLES = (OBJECT_TYPE, "email_history", "phone_history", "hotel_loyalty", "alternate_profile_id")
# No id of a hotel booking is generated from the whole object.
object_json_needed = None
NO_SEGMENT = "Hotel booking must have at least 1 segment"

HOTEL_BOOKING_FIELDS = [
    "traveller_id",
    "accp_object_id",
    "last_updated_by",
    "segment_id",
    "booking_id",
    "last_booking_id",
    "hotel_code",
    "n_nights",
    "n_guests",
    "check_in_date",
    "status",
    "product_id",
    "room_type_code",
    "room_type_name",
    "room_type_description",
    "rate_plan_code",
    "rate_plan_name",
    "rate_plan_description",
    "attribute_codes",
    "attribute_names",
    "attribute_descriptions",
    "add_on_codes",
    "add_on_names",
    "add_on_descriptions",
    "total_segment_after_tax",
    "total_segment_before_tax",
    "totalAfterTax",
    "totalBeforeTax",
    "pms_id",
    "crs_id",
    "gds_id",
    "creation_channel_id",
    "last_update_channel_id",
    "booker_id",
    *person.PERSON_FIELDS,
    *person.PAYMENT_FIELDS,
    "extended_data",
]

_BOOKING_STRINGS = [
    "id",
    "hotelCode",
    "status",
    "startDate",
    "creationChannelId",
    "lastUpdateChannelId",
    "lastUpdatedBy",
]
_SEGMENT_STRINGS = ["id", "hotelCode", "startDate", "status"]
_PRODUCT_CODES = ["code", "name", "description"]


def _segment_persons(seg: Column) -> Column:
    """array<struct<person, is_holder, guest_pos>>: the segment holder (even when absent), then each guest."""
    holder = F.struct(seg["holder"].alias("person"), F.lit(True).alias("is_holder"), F.lit(-1).alias("guest_pos"))
    guests = F.transform(
        F.coalesce(seg["additionalGuests"], F.array()),
        lambda g, i: F.struct(g.alias("person"), F.lit(False).alias("is_holder"), i.alias("guest_pos")),
    )
    return F.concat(F.array(holder), guests)


def reject_reasons(df: DataFrame, max_extended_data: int) -> Column:
    """At least one segment; spec 2.5 checks on booking, segments, products, holders and guests."""
    data = F.col("data")
    segments = data["segments"]

    def product_check(p: Column) -> Column:
        checks = [single_line_error(p["id"], "segments.products.id")]
        for block in ("roomType", "ratePlan"):
            checks += [single_line_error(p[block][k], f"segments.products.{block}.{k}") for k in _PRODUCT_CODES]
        return errors(*checks)

    def person_check(path: str):
        def check(p: Column) -> Column:
            return F.concat(
                person.contact_errors(p, path, max_extended_data),
                person.loyalty_errors(p["loyaltyPrograms"], f"{path}.loyaltyPrograms", max_extended_data, hotel=True),
                alternate_id_errors(p["alternateProfileIds"], f"{path}.alternateProfileIds"),
            )

        return check

    def segment_check(seg: Column) -> Column:
        return F.concat(
            errors(*[single_line_error(seg[k], f"segments.{k}") for k in _SEGMENT_STRINGS]),
            array_errors(seg["products"], product_check),
            F.when(seg["holder"].isNotNull(), person_check("segments.holder")(seg["holder"])).otherwise(no_reasons()),
            array_errors(seg["additionalGuests"], person_check("segments.additionalGuests")),
        )

    return all_errors(
        errors(
            missing_error(F.coalesce(F.size(segments), F.lit(-1)) <= 0, NO_SEGMENT),
            *[single_line_error(data[k], k) for k in _BOOKING_STRINGS],
            timestamp_error(data["lastUpdatedOn"], "lastUpdatedOn"),
            extended_data_error(data["extendedData"], OBJECT_TYPE, max_extended_data),
        ),
        array_errors(data["externalIds"], lambda x: errors(single_line_error(x["id"], "externalIds.id"))),
        array_errors(segments, segment_check),
    )


def _external_id(data: Column, system: str) -> Column:
    matches = F.filter(F.coalesce(data["externalIds"], F.array()), lambda x: x["originatingSystem"] == system)
    return nz(F.get(matches, 0)["id"])


def _joined(items: Column, key: str) -> Column:
    """``|``-joined ``items[].key``; entries lacking the key are skipped, no items → ""."""
    return F.array_join(F.transform(F.coalesce(items, F.array()), lambda x: x[key]), "|")


def _person_rows(df: DataFrame) -> DataFrame:
    """One row per segment × person with ``seg``, ``segment_id``, ``p`` (struct), ``is_holder`` and ``traveller_id``."""
    data = F.col("data")
    booking_id = nz(data["id"])
    segs = df.select("*", F.posexplode(F.coalesce(data["segments"], F.array())).alias("seg_pos", "seg"))
    seg = F.col("seg")
    segs = segs.withColumn(
        "segment_id", id_or_generated(seg["id"], OBJECT_TYPE, booking_id, "seg", F.col("seg_pos").cast("string"))
    )
    rows = segs.select("*", F.explode(_segment_persons(seg)).alias("_who")).select(
        "*",
        F.col("_who.person").alias("p"),
        F.col("_who.is_holder").alias("is_holder"),
    )
    p = F.col("p")
    generated = F.when(
        F.col("is_holder"), generated_id(OBJECT_TYPE, booking_id, F.col("segment_id"), "holder")
    ).otherwise(
        generated_id(OBJECT_TYPE, booking_id, F.col("segment_id"), "guest", F.col("_who.guest_pos").cast("string"))
    )
    return rows.withColumn("traveller_id", F.when(nz(p["id"]) != "", p["id"]).otherwise(generated))


def to_accp(df: DataFrame, person_nationality: bool = False) -> dict[str, DataFrame]:
    """hotel_booking, email_history, phone_history, hotel_loyalty, alternate_profile_id.

    ``person_nationality`` (off by default, upstream reads the booking level, spec 3.2 ⚠) takes
    ``nationality``/``language`` from the person, falling back to the booking's.
    """
    data = F.col("data")
    rows = _person_rows(df)
    seg, p, tid = F.col("seg"), F.col("p"), F.col("traveller_id")
    owner = {
        "model_version": data["modelVersion"],
        "last_updated": data["lastUpdatedOn"],
        "last_updated_by": data["lastUpdatedBy"],
    }

    products = person.with_person_picks(rows, p).select(
        "*", F.explode(F.coalesce(seg["products"], F.array())).alias("product")
    )
    product = F.col("product")
    hotel_code = F.coalesce(seg["hotelCode"], data["hotelCode"])
    after_tax = to_number(seg["price"]["totalAfterTax"])
    before_tax = to_number(seg["price"]["totalBeforeTax"])
    if person_nationality:
        nationality = F.coalesce(p["nationality"], data["nationality"])
        language = F.coalesce(p["language"], data["language"])
    else:
        nationality, language = data["nationality"], data["language"]
    accp_object_id = F.concat_ws(
        "|", nz(hotel_code), nz(data["id"]), F.col("segment_id"), nz(seg["startDate"]), nz(product["id"])
    )
    bookings = products.select(
        "*",
        accp_object_id.alias("accp_object_id"),
        nz(data["lastUpdatedBy"]).alias("last_updated_by"),
        nz(data["id"]).alias("booking_id"),
        nz(data["id"]).alias("last_booking_id"),
        nz(hotel_code).alias("hotel_code"),
        to_number(F.coalesce(seg["nNights"], data["nNights"])).alias("n_nights"),
        to_number(F.coalesce(seg["nGuests"], data["nGuests"])).alias("n_guests"),
        nz(F.coalesce(seg["startDate"], data["startDate"])).alias("check_in_date"),
        nz(F.coalesce(seg["status"], data["status"])).alias("status"),
        nz(product["id"]).alias("product_id"),
        *[nz(product["roomType"][k]).alias(f"room_type_{k}") for k in _PRODUCT_CODES],
        *[nz(product["ratePlan"][k]).alias(f"rate_plan_{k}") for k in _PRODUCT_CODES],
        _joined(product["attributes"], "code").alias("attribute_codes"),
        _joined(product["attributes"], "name").alias("attribute_names"),
        _joined(product["attributes"], "description").alias("attribute_descriptions"),
        _joined(product["addOns"], "code").alias("add_on_codes"),
        _joined(product["addOns"], "name").alias("add_on_names"),
        _joined(product["addOns"], "description").alias("add_on_descriptions"),
        after_tax.alias("total_segment_after_tax"),
        before_tax.alias("total_segment_before_tax"),
        after_tax.alias("totalAfterTax"),
        before_tax.alias("totalBeforeTax"),
        _external_id(data, "pms").alias("pms_id"),
        _external_id(data, "crs").alias("crs_id"),
        _external_id(data, "gds").alias("gds_id"),
        nz(data["creationChannelId"]).alias("creation_channel_id"),
        nz(data["lastUpdateChannelId"]).alias("last_update_channel_id"),
        F.when(F.col("is_holder"), tid).alias("booker_id"),
        *person.person_block(p, nationality=nationality, language=language, picks=F.col(person.PICKS)),
        *person.payment_block(data["paymentInformation"]),
        extended_data(data["extendedData"]).alias("extended_data"),
    )
    bookings = select_record(
        with_record_meta(bookings, OBJECT_TYPE, data["modelVersion"], data["lastUpdatedOn"]), HOTEL_BOOKING_FIELDS
    )
    return {
        OBJECT_TYPE: bookings,
        "email_history": person.email_history(rows, p, tid, **owner),
        "phone_history": person.phone_history(rows, p, tid, **owner),
        "hotel_loyalty": person.hotel_loyalty(rows, p["loyaltyPrograms"], tid, **owner),
        "alternate_profile_id": alternate_profile_id_records(
            rows,
            alternate_ids=p["alternateProfileIds"],
            owner_id=F.when(nz(p["id"]) != "", p["id"]).otherwise(tid),
            model_version=p["modelVersion"],
            last_updated=p["lastUpdatedOn"],
        ),
    }
