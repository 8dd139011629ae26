"""air_booking business object → ACCP records (mapping spec 3.1).

Records: ``air_booking`` (passengers × itinerary-then-return segments), ``email_history``,
``phone_history``, ``air_loyalty`` (full form), ``ancillary_service`` (five kinds) and
``alternate_profile_id`` (passengers of bookings with at least one segment).

Every record of a booking takes ``modelVersion``, ``lastUpdatedOn`` and ``lastUpdatedBy`` from the
booking, except alternate ids (the passenger's, spec 2.10). A passenger's traveller id is its
``id``, else a deterministic id from the booking id and the passenger's 0-based position (2.3).
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from transforms.alternate_ids import alternate_id_errors, alternate_profile_id_records
from transforms.person import (
    PAYMENT_FIELDS,
    PERSON_FIELDS,
    PICKS,
    contact_errors,
    email_history,
    explode_records,
    payment_block,
    person_block,
    phone_history,
    with_person_picks,
)
from transforms.records import FALLBACK_TS, LINEAGE_COLUMNS, object_json, select_record, with_record_meta
from transforms.schemas import SCHEMAS
from transforms.values import (
    all_errors,
    array_errors,
    errors,
    extended_data,
    extended_data_error,
    generated_id,
    missing_error,
    nz,
    single_line_error,
    timestamp_error,
    to_bool,
    to_number,
)

BUSINESS_OBJECT = "air_booking"
SCHEMA = SCHEMAS[BUSINESS_OBJECT]
ACCP_TABLES = (
    "air_booking",
    "email_history",
    "phone_history",
    "air_loyalty",
    "ancillary_service",
    "alternate_profile_id",
)
INVALID_BO = "Invalid Business object: passengerInfo.passengers is missing"
MISSING_BOOKING_ID = "air booking id is missing although the booking has segments"

AIR_BOOKING_FIELDS = [
    "traveller_id",
    "accp_object_id",
    "last_updated_by",
    "booking_id",
    "last_booking_id",
    "segment_id",
    "from",
    "to",
    "flight_number",
    "departure_date",
    "departure_time",
    "arrival_date",
    "arrival_time",
    "status",
    "channel",
    "creation_channel_id",
    "last_update_channel_id",
    "price",
    "traveller_price",
    "day_of_travel_email",
    "day_of_travel_phone",
    "pss_id",
    "gds_id",
    "booker_id",
    *PERSON_FIELDS,
    *PAYMENT_FIELDS,
    "extended_data",
]

# air_loyalty full form (spec 3.1): (output, input key, kind) with kind s = string, n = number, b = boolean.
_LOYALTY_KEYS = [
    ("id", "id", "s"),
    ("program_name", "programName", "s"),
    ("miles", "miles", "n"),
    ("miles_to_next_level", "milesToNextLevel", "n"),
    ("level", "level", "s"),
    ("joined", "joined", "s"),
    ("enrollment_source", "enrollmentSource", "s"),
    ("currency", "currency", "s"),
    ("amount", "amount", "n"),
    ("account_status", "accountStatus", "s"),
    ("reason_for_close", "reasonForClose", "s"),
    ("language_preference", "languagePreference", "s"),
    ("display_preference", "displayPreference", "s"),
    ("meal_preference", "mealPreference", "s"),
    ("seat_preference", "seatPreference", "s"),
    ("home_airport", "homeAirport", "s"),
    ("date_time_format_preference", "dateTimeFormatPreference", "s"),
    ("cabin_preference", "cabinPreference", "s"),
    ("fare_type_preference", "fareTypePreference", "s"),
    ("expert_mode", "expertMode", "b"),
    ("privacy_indicator", "privacyIndicator", "s"),
    ("car_preference_vendor", "carPreferenceVendor", "s"),
    ("car_preference_type", "carPreferenceType", "s"),
    *[(f"special_accommodation_{n}", f"specialAccommodation{n}", "s") for n in range(1, 6)],
    ("marketing_opt_ins", "marketingOptIns", "s"),
    ("renew_date", "renewDate", "s"),
    ("next_bill_amount", "nextBillAmount", "n"),
    ("clear_enroll_date", "clearEnrollDate", "s"),
    ("clear_renew_date", "clearRenewDate", "s"),
    ("clear_tier_level", "clearTierLevel", "s"),
    ("clear_next_bill_amount", "clearNextBillAmount", "n"),
    ("clear_is_active", "clearIsActive", "b"),
    ("clear_auto_renew", "clearAutoRenew", "b"),
    ("clear_has_biometrics", "clearHasBiometrics", "b"),
    ("clear_has_partner_pricing", "clearHasPartnerPricing", "b"),
    ("tsa_type", "tsaType", "s"),
    ("tsa_seq_num", "tsaSeqNum", "s"),
    ("tsa_number", "tsaNumber", "s"),
]
AIR_LOYALTY_FIELDS = [
    "accp_object_id",
    "traveller_id",
    "last_updated_by",
    *[name for name, _, _ in _LOYALTY_KEYS],
    "extended_data",
]

# ancillary_service: the union of the five kinds' fields; a field a kind lacks is null.
_ANCILLARY_KINDS = {
    "baggage": "ancillaryServiceBaggage",
    "seat": "ancillaryServiceSeat",
    "change": "ancillaryServiceFlightChange",
    "other": "ancillaryServiceOther",
    "priority": "ancillaryServicePriority",
}
# Kinds kept for the passenger at paxIndex (the booker gets every item of every kind).
_PER_PASSENGER_KINDS = ("baggage", "seat", "change")
_ANCILLARY_STRINGS = {
    "baggage_type": ("baggage", "baggageType"),
    "seat_number": ("seat", "seatNumber"),
    "seat_zone": ("seat", "seatZone"),
    "change_type": ("change", "changeType"),
    "other_ancilliary_type": ("other", "otherAncilliaryType"),
    "priority_service_type": ("priority", "priorityServiceType"),
}
_ANCILLARY_NUMBERS = {
    "quantity": ("baggage", "quantity"),
    "weight": ("baggage", "weight"),
}
_ANCILLARY_BOOLEANS = {
    "priority_bag_drop": ("baggage", "priorityBagDrop"),
    "priority_bag_return": ("baggage", "priorityBagReturn"),
    "valuable_baggage_insurance": ("baggage", "valuableBaggageInsurance"),
    "hands_free_baggage": ("baggage", "handsFreeBaggage"),
    "neighbor_free_seat": ("seat", "neighborFreeSeat"),
    "upgrade_auction": ("seat", "upgradeAuction"),
    "lounge_access": ("priority", "loungeAccess"),
}
ANCILLARY_SERVICE_FIELDS = [
    "accp_object_id",
    "traveller_id",
    "last_updated_by",
    "ancillary_type",
    "booking_id",
    "flight_number",
    "departure_date",
    "baggage_type",
    "pax_index",
    "quantity",
    "weight",
    "dimentions_length",
    "dimentions_width",
    "dimentions_height",
    "priority_bag_drop",
    "priority_bag_return",
    "lot_bag_insurance",
    "valuable_baggage_insurance",
    "hands_free_baggage",
    "seat_number",
    "seat_zone",
    "neighbor_free_seat",
    "upgrade_auction",
    "change_type",
    "other_ancilliary_type",
    "priority_service_type",
    "lounge_access",
    "price",
    "currency",
    "extended_data",
]

# Fields of ancillary_service carried by the uniform item struct (the rest come from the passenger/booking).
_ANCILLARY_ITEM_FIELDS = set(ANCILLARY_SERVICE_FIELDS) - {"traveller_id", "last_updated_by"}

# Single-line-checked strings (spec 2.4) of the booking, each segment and each ancillary item.
_BOOKING_STRINGS = [
    "id",
    "modelVersion",
    "lastUpdatedBy",
    "creationChannelId",
    "lastUpdateChannelId",
    "status",
    "dayOfTravelEmail",
    "dayOfTravelPhone",
]
_SEGMENT_STRINGS = [
    "from",
    "to",
    "flightNumber",
    "departureDate",
    "departureTime",
    "arrivalDate",
    "arrivalTime",
    "status",
]
_ANCILLARY_ITEM_STRINGS = {
    "baggage": ["id", "flightNumber", "departureDate", "baggageType"],
    "seat": ["id", "flightNumber", "departureDate", "seatNumber", "seatZone"],
    "change": ["id", "flightNumber", "departureDate", "changeType"],
    "other": ["id", "flightNumber", "departureDate", "otherAncilliaryType"],
    "priority": ["id", "flightNumber", "departureDate", "priorityServiceType"],
}


# ---------------------------------------------------------------- helpers


def _array(col: Column) -> Column:
    return F.coalesce(col, F.array())


def _segments(data: Column) -> Column:
    """Itinerary segments, then return segments (null lists count as empty)."""
    return F.concat(_array(data["itinerary"]["segments"]), _array(data["return"]["segments"]))


def _external_id(data: Column, system: str) -> Column:
    """``id`` of the first ``externalIds`` entry whose ``originatingSystem`` is exactly ``system``; ""."""
    matches = F.filter(_array(data["externalIds"]), lambda e: e["originatingSystem"] == F.lit(system))
    return nz(F.when(F.size(matches) > 0, F.element_at(matches, 1)["id"]))


def _traveller_price(data: Column, pax_index: Column) -> Column:
    """``price.total`` of the first price item whose ``passengerIndex`` (default 0) is the passenger's; 0."""
    matches = F.filter(_array(data["price"]["priceItems"]), lambda p: to_number(p["passengerIndex"]) == pax_index)
    return F.when(F.size(matches) > 0, to_number(F.element_at(matches, 1)["price"]["total"])).otherwise(F.lit(0.0))


def object_json_needed(data: Column) -> Column:
    """Whether a passenger id may be generated from the whole booking: it has no id (spec 2.3)."""
    return nz(data["id"]) == ""


def _passengers(df: DataFrame) -> DataFrame:
    """One row per passenger: ``data``, ``pax``, ``pax_index`` (0-based), ``traveller_id``, ``is_booker``."""
    data = F.col("data")
    # Generated ids use the booking id; a booking without one falls back to the whole line (spec 2.3).
    booking_material = F.when(~object_json_needed(data), data["id"]).otherwise(object_json(df))
    return (
        df.select(
            *LINEAGE_COLUMNS,
            FALLBACK_TS,
            "data",
            booking_material.alias("_booking_material"),
            F.posexplode(_array(data["passengerInfo"]["passengers"])).alias("pax_index", "pax"),
        )
        .withColumn(
            "traveller_id",
            F.when(nz(F.col("pax.id")) != "", F.col("pax.id")).otherwise(
                generated_id(BUSINESS_OBJECT, F.col("_booking_material"), "pax", F.col("pax_index"))
            ),
        )
        .drop("_booking_material")
        .withColumn("is_booker", to_bool(F.col("pax.isBooker")))
    )


def _owner_meta() -> dict[str, Column]:
    return {
        "model_version": F.col("data.modelVersion"),
        "last_updated": F.col("data.lastUpdatedOn"),
        "last_updated_by": F.col("data.lastUpdatedBy"),
    }


# ---------------------------------------------------------------- records


def _air_booking_records(pax_df: DataFrame) -> DataFrame:
    data = F.col("data")
    seg = F.col("seg")
    segment_id = F.concat(nz(data["id"]), F.lit("-"), nz(seg["from"]), F.lit("-"), nz(seg["to"]))
    staged = with_person_picks(pax_df, F.col("pax"))  # once per passenger, not per segment
    rows = staged.withColumn("seg", F.explode(_segments(data))).select(
        *LINEAGE_COLUMNS,
        FALLBACK_TS,
        "data",
        "traveller_id",
        segment_id.alias("accp_object_id"),
        nz(data["lastUpdatedBy"]).alias("last_updated_by"),
        nz(data["id"]).alias("booking_id"),
        nz(data["id"]).alias("last_booking_id"),
        segment_id.alias("segment_id"),
        nz(seg["from"]).alias("from"),
        nz(seg["to"]).alias("to"),
        nz(seg["flightNumber"]).alias("flight_number"),
        nz(seg["departureDate"]).alias("departure_date"),
        nz(seg["departureTime"]).alias("departure_time"),
        nz(seg["arrivalDate"]).alias("arrival_date"),
        nz(seg["arrivalTime"]).alias("arrival_time"),
        nz(F.coalesce(seg["status"], data["status"])).alias("status"),
        nz(data["creationChannelId"]).alias("channel"),
        nz(data["creationChannelId"]).alias("creation_channel_id"),
        nz(data["lastUpdateChannelId"]).alias("last_update_channel_id"),
        to_number(data["price"]["grandTotal"]).alias("price"),
        _traveller_price(data, F.col("pax_index")).alias("traveller_price"),
        nz(data["dayOfTravelEmail"]).alias("day_of_travel_email"),
        nz(data["dayOfTravelPhone"]).alias("day_of_travel_phone"),
        _external_id(data, "pss").alias("pss_id"),
        _external_id(data, "gds").alias("gds_id"),
        F.when(F.col("is_booker"), F.col("traveller_id")).alias("booker_id"),
        *person_block(F.col("pax"), picks=F.col(PICKS)),
        *payment_block(data["paymentInformation"]),
        extended_data(F.col("pax.extendedData")).alias("extended_data"),
    )
    meta = _owner_meta()
    return select_record(
        with_record_meta(rows, "air_booking", meta["model_version"], meta["last_updated"]), AIR_BOOKING_FIELDS
    )


def _loyalty_columns(lp: Column) -> list[Column]:
    convert = {"s": nz, "n": to_number, "b": to_bool}
    return [
        nz(lp["id"]).alias("accp_object_id"),
        *[convert[kind](lp[src]).alias(name) for name, src, kind in _LOYALTY_KEYS],
        extended_data(lp["extendedData"]).alias("extended_data"),
    ]


def _air_loyalty_records(pax_df: DataFrame) -> DataFrame:
    return explode_records(
        pax_df,
        F.col("pax.loyaltyPrograms"),
        F.col("traveller_id"),
        build=_loyalty_columns,
        object_type="air_loyalty",
        fields=AIR_LOYALTY_FIELDS,
        **_owner_meta(),
    )


def _ancillary_item(kind: str, item: Column, booking_id: Column) -> Column:
    """One item of any kind as a struct of every ancillary_service field (null where the kind lacks it)."""
    null_str, null_num, null_bool = F.lit(None).cast("string"), F.lit(None).cast("double"), F.lit(None).cast("boolean")
    is_bag = kind == "baggage"
    dims = item["dimentions"] if is_bag else None
    cols = [
        F.lit(kind).alias("ancillary_type"),
        nz(item["id"]).alias("accp_object_id"),
        nz(booking_id).alias("booking_id"),
        nz(item["flightNumber"]).alias("flight_number"),
        nz(item["departureDate"]).alias("departure_date"),
        (to_number(item["paxIndex"]) if kind in _PER_PASSENGER_KINDS else null_num).alias("pax_index"),
        *[(nz(item[key]) if k == kind else null_str).alias(name) for name, (k, key) in _ANCILLARY_STRINGS.items()],
        *[
            (to_number(item[key]) if k == kind else null_num).alias(name)
            for name, (k, key) in _ANCILLARY_NUMBERS.items()
        ],
        # Upstream reads the misspelt "dimentions" object (the schema's "dimensions" is never read).
        *[
            (to_number(dims[axis]) if is_bag else null_num).alias(f"dimentions_{axis}")
            for axis in ("length", "width", "height")
        ],
        *[
            (to_bool(item[key]) if k == kind else null_bool).alias(name)
            for name, (k, key) in _ANCILLARY_BOOLEANS.items()
        ],
        # Upstream reads "lotBagInsurance"; the published schema says "lostBagInsurance": accept either.
        (to_bool(F.coalesce(item["lotBagInsurance"], item["lostBagInsurance"])) if is_bag else null_bool).alias(
            "lot_bag_insurance"
        ),
        to_number(item["price"]["total"]).alias("price"),
        nz(item["price"]["currency"]).alias("currency"),
        extended_data(item["extendedData"]).alias("extended_data"),
    ]
    return F.struct(*cols)


def _ancillary_builder(kind: str, booking_id: Column):
    def build(item: Column) -> Column:
        return _ancillary_item(kind, item, booking_id)

    return build


def _ancillary_items(data: Column) -> Column:
    """Every ancillary item of the booking, all kinds, as one array of uniform structs."""
    services = data["ancillaryServices"]
    return F.concat(
        *[
            F.transform(_array(services[key]), _ancillary_builder(kind, data["id"]))
            for kind, key in _ANCILLARY_KINDS.items()
        ]
    )


def _ancillary_records(pax_df: DataFrame) -> DataFrame:
    """Items of every kind for the booker; baggage/seat/change items also for the passenger at ``paxIndex``."""
    pax_index = F.col("pax_index").cast("double")
    kept = F.filter(
        _ancillary_items(F.col("data")),
        lambda a: (
            F.col("is_booker") | (a["ancillary_type"].isin(*_PER_PASSENGER_KINDS) & (a["pax_index"] == pax_index))
        ),
    )
    return explode_records(
        pax_df,
        kept,
        F.col("traveller_id"),
        build=lambda a: [a[name].alias(name) for name in ANCILLARY_SERVICE_FIELDS if name in _ANCILLARY_ITEM_FIELDS],
        object_type="ancillary_service",
        fields=ANCILLARY_SERVICE_FIELDS,
        **_owner_meta(),
    )


def _alternate_id_records(pax_df: DataFrame) -> DataFrame:
    with_segments = pax_df.where(F.size(_segments(F.col("data"))) > 0)
    return alternate_profile_id_records(
        with_segments,
        alternate_ids=F.col("pax.alternateProfileIds"),
        owner_id=F.when(nz(F.col("pax.id")) != "", F.col("pax.id")).otherwise(F.col("traveller_id")),
        model_version=F.col("pax.modelVersion"),
        last_updated=F.col("pax.lastUpdatedOn"),
    )


def to_accp(df: DataFrame) -> dict[str, DataFrame]:
    """The ACCP records of accepted air_booking lines (see the module docstring)."""
    pax_df = _passengers(df)
    meta = _owner_meta()
    return {
        "air_booking": _air_booking_records(pax_df),
        "email_history": email_history(pax_df, F.col("pax"), F.col("traveller_id"), with_is_verified=True, **meta),
        "phone_history": phone_history(pax_df, F.col("pax"), F.col("traveller_id"), with_is_verified=True, **meta),
        "air_loyalty": _air_loyalty_records(pax_df),
        "ancillary_service": _ancillary_records(pax_df),
        "alternate_profile_id": _alternate_id_records(pax_df),
    }


# ---------------------------------------------------------------- rejects


def _single_line(struct: Column, keys: list[str], path: str) -> list[Column]:
    return [single_line_error(struct[k], f"{path}.{k}") for k in keys]


def _loyalty_errors(programs: Column, max_extended_data: int) -> Column:
    path = "passengers.loyaltyPrograms"
    keys = [src for _, src, kind in _LOYALTY_KEYS if kind == "s"]
    return array_errors(
        programs,
        lambda lp: errors(
            *_single_line(lp, keys, path), extended_data_error(lp["extendedData"], path, max_extended_data)
        ),
    )


def _passenger_errors(max_extended_data: int):
    def check(pax: Column) -> Column:
        return all_errors(
            contact_errors(pax, "passengers", max_extended_data),
            _loyalty_errors(pax["loyaltyPrograms"], max_extended_data),
            alternate_id_errors(pax["alternateProfileIds"], "passengers.alternateProfileIds"),
            errors(extended_data_error(pax["extendedData"], "passengers", max_extended_data)),
        )

    return check


def _ancillary_item_check(kind: str, max_extended_data: int):
    keys, path = _ANCILLARY_ITEM_STRINGS[kind], f"ancillaryServices.{_ANCILLARY_KINDS[kind]}"

    def check(item: Column) -> Column:
        return errors(
            *_single_line(item, keys, path),
            single_line_error(item["price"]["currency"], f"{path}.price.currency"),
            extended_data_error(item["extendedData"], path, max_extended_data),
        )

    return check


def _ancillary_errors(data: Column, max_extended_data: int) -> Column:
    services = data["ancillaryServices"]
    return all_errors(
        *[
            array_errors(services[key], _ancillary_item_check(kind, max_extended_data))
            for kind, key in _ANCILLARY_KINDS.items()
        ]
    )


def reject_reasons(df: DataFrame, max_extended_data: int) -> Column:
    """Reasons to reject an air_booking line (spec 3.1 and 2.5); empty array = accept."""
    data = F.col("data")
    passengers = data["passengerInfo"]["passengers"]
    structural = errors(
        missing_error(passengers.isNull(), INVALID_BO),
        missing_error(data["id"].isNull() & (F.size(_segments(data)) > 0), MISSING_BOOKING_ID),
        timestamp_error(data["lastUpdatedOn"], "lastUpdatedOn"),
    )
    return all_errors(
        structural,
        errors(*_single_line(data, _BOOKING_STRINGS, "air_booking")),
        array_errors(
            data["externalIds"],
            lambda e: errors(*_single_line(e, ["id", "originatingSystem"], "externalIds")),
        ),
        array_errors(_segments(data), lambda s: errors(*_single_line(s, _SEGMENT_STRINGS, "segments"))),
        array_errors(passengers, _passenger_errors(max_extended_data)),
        _ancillary_errors(data, max_extended_data),
    )
