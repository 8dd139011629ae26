"""Shared person, payment, contact-history and loyalty pieces (mapping spec 2.7, 2.10, 3.2-3.4).

Used by every business object that carries a person (air_booking passengers, hotel_booking holders
and guests, pax/guest profiles). Two kinds of helpers:

* column builders (``person_block``, ``payment_block``, ``empty_billing_block``, ``contact_errors``,
  ``loyalty_errors``): take a struct ``Column`` for the person (or payment information) and return
  aliased ``Column`` lists to put in a ``select``;
* record builders (``email_history``, ``phone_history``, ``air_loyalty_short``, ``hotel_loyalty``,
  ``loyalty_transaction``): take a DataFrame that still carries the lineage columns and
  ``fallback_ts``, plus Column expressions on that DataFrame for the person struct, the person's
  traveller id and the owner's ``modelVersion`` / ``lastUpdatedOn`` / ``lastUpdatedBy``; they
  explode the person's entries and return finished record DataFrames (``with_record_meta`` then
  ``select_record``), one row per entry. Null or empty arrays give no rows.

Example (air_booking, one row per passenger with columns ``pax`` and ``traveller_id``)::

    email_history(pax_df, F.col("pax"), F.col("traveller_id"), with_is_verified=True,
                  model_version=F.col("data.modelVersion"), last_updated=F.col("data.lastUpdatedOn"),
                  last_updated_by=F.col("data.lastUpdatedBy"))
"""

from __future__ import annotations

from collections.abc import Callable

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from transforms.records import FALLBACK_TS, LINEAGE_COLUMNS, select_record, with_record_meta
from transforms.values import (
    array_errors,
    email_error,
    errors,
    extended_data,
    extended_data_error,
    generated_id,
    nz,
    phone_error,
    required_error,
    single_line_error,
    timestamp_error,
    to_bool,
    to_integer,
    to_number,
)

# Sub-fields of every flattened address slot, in upstream's output order.
ADDRESS_SUBFIELDS = (
    "line1",
    "line2",
    "line3",
    "line4",
    "city",
    "state",
    "province",
    "postal_code",
    "country",
    "is_primary",
)
ADDRESS_SLOTS = ("address", "address_business", "address_mailing")

PERSON_SCALARS = (
    ("honorific", "honorific"),
    ("first_name", "firstName"),
    ("middle_name", "middleName"),
    ("last_name", "lastName"),
    ("gender", "gender"),
    ("pronoun", "pronoun"),
    ("date_of_birth", "dateOfBirth"),
    ("job_title", "jobTitle"),
    ("company", "parentCompany"),
)


def address_fields(prefix: str) -> list[str]:
    """``<prefix>_line1`` .. ``<prefix>_is_primary`` plus the v1.1 alias ``<prefix>_state_province``."""
    return [f"{prefix}_{s}" for s in ADDRESS_SUBFIELDS] + [f"{prefix}_state_province"]


# Output columns of person_block, in order.
PERSON_FIELDS = (
    [name for name, _ in PERSON_SCALARS]
    + ["nationality_code", "nationality_name", "language_code", "language_name"]
    + ["email", "email_business", "email_primary", "email_type"]
    + ["phone", "phone_home", "phone_mobile", "phone_business", "phone_primary", "phone_type"]
    + [f for slot in ADDRESS_SLOTS for f in address_fields(slot)]
    + ["address_type"]
)
BILLING_FIELDS = address_fields("address_billing")
PAYMENT_FIELDS = ["payment_type", "cc_token", "cc_type", "cc_exp", "cc_cvv", "cc_name", *BILLING_FIELDS]

EMAIL_HISTORY_FIELDS = ["accp_object_id", "traveller_id", "last_updated_by", "address", "type", "extended_data"]
PHONE_HISTORY_FIELDS = [
    "accp_object_id",
    "traveller_id",
    "last_updated_by",
    "number",
    "country_code",
    "type",
    "extended_data",
]
AIR_LOYALTY_SHORT_FIELDS = [
    "accp_object_id",
    "traveller_id",
    "last_updated_by",
    "id",
    "program_name",
    "miles",
    "miles_to_next_level",
    "level",
    "joined",
    "extended_data",
]
HOTEL_LOYALTY_FIELDS = [
    "accp_object_id",
    "traveller_id",
    "last_updated_by",
    "id",
    "program_name",
    "points",
    "units",
    "points_to_next_level",
    "level",
    "joined",
    "extended_data",
]
# Transaction strings copied as snake_case of the input key.
_TX_STRINGS = (
    ("category", "category"),
    ("source", "source"),
    ("booking_date", "bookingDate"),
    ("order_number", "orderNumber"),
    ("product_id", "productId"),
    ("amount_type", "amountType"),
    ("corporate_reference_number", "corporateReferenceNumber"),
    ("promotions", "promotions"),
    ("location", "location"),
    ("activity_day", "activityDay"),
    ("to_loyalty_id", "toLoyaltyId"),
    ("from_loyalty_id", "fromLoyaltyId"),
    ("organization_code", "organizationCode"),
    ("event_name", "eventName"),
    ("document_number", "documentNumber"),
    ("corporate_id", "corporateId"),
    ("program_name", "programName"),
)
_TX_NUMBERS = (
    ("points_offset", "pointsOffset"),
    ("origin_points_offset", "originPointsOffset"),
    ("amount", "amount"),
    ("voucher_quantity", "voucherQuantity"),
    ("qualifying_point_offset", "qualifyingPointOffset"),
)
LOYALTY_TRANSACTION_FIELDS = [
    "accp_object_id",
    "traveller_id",
    "last_updated_by",
    "loyalty_id",
    *[name for name, _ in _TX_STRINGS],
    "points_unit",
    *[name for name, _ in _TX_NUMBERS],
    "expire_in_days",
    "extended_data",
]


# ---------------------------------------------------------------- column helpers


def _array(col: Column) -> Column:
    """A null array as an empty one (nested nulls are treated as empty, spec 1.1)."""
    return F.coalesce(col, F.array())


def _last(arr: Column) -> Column:
    """Last element, or null for an empty array (``get`` is null out of bounds, ANSI or not).

    ``arr`` appears once: an array built by a higher-order function is never shared as a common
    subexpression, so each mention would evaluate it again.
    """
    return F.get(F.reverse(arr), 0)


def _last_of(arr: Column, pred: Callable[[Column], Column]) -> Column:
    """The last element of ``arr`` matching ``pred``: upstream's last-write-wins walk."""
    return _last(F.filter(_array(arr), pred))


def _kind(entry: Column) -> Column:
    return F.lower(nz(entry["type"]))


def _address_columns(address: Column | None, prefix: str) -> list[Column]:
    """The 10 sub-fields of one slot (+ the state_province alias); ``address`` null → "" / false."""
    if address is None:
        values = [F.lit("")] * 9 + [F.lit(False)]
    else:
        filled = address.isNotNull()

        def text(c: Column) -> Column:
            return F.when(filled, nz(c)).otherwise(F.lit(""))

        values = [
            text(address["line1"]),
            text(address["line2"]),
            text(address["line3"]),
            text(address["line4"]),
            text(address["city"]),
            text(address["state"]["code"]),
            text(address["province"]["code"]),
            text(address["postalCode"]),
            text(address["country"]["code"]),
            F.when(filled, to_bool(address["primary"])).otherwise(F.lit(False)),
        ]
    cols = [v.alias(f"{prefix}_{s}") for v, s in zip(values, ADDRESS_SUBFIELDS, strict=True)]
    state, province = values[5], values[6]
    cols.append(F.when(state != "", state).otherwise(province).alias(f"{prefix}_state_province"))
    return cols


# Column holding the entries person_block reads (see with_person_picks).
PICKS = "_person_picks"


def person_picks(person: Column) -> Column:
    """The email, phone and address entries the person columns come from, each found once.

    Upstream's walk keeps the last entry of each kind. Finding one needs ``filter`` (a higher-order
    function: interpreted and never shared as a common subexpression), and an address feeds eleven
    columns, so the entries are picked in a projection of their own (``with_person_picks``) and the
    columns read them from there.
    """
    emails, phones, addresses = person["emails"], person["phones"], person["addresses"]
    return F.struct(
        _last_of(emails, lambda e: to_bool(e["primary"])).alias("email_primary"),
        _last_of(emails, lambda e: _kind(e) != "business").alias("email"),
        _last_of(emails, lambda e: _kind(e) == "business").alias("email_business"),
        _last_of(phones, lambda p: to_bool(p["primary"])).alias("phone_primary"),
        _last_of(phones, lambda p: ~_kind(p).isin("business", "home", "mobile")).alias("phone"),
        _last_of(phones, lambda p: _kind(p) == "home").alias("phone_home"),
        _last_of(phones, lambda p: _kind(p) == "mobile").alias("phone_mobile"),
        _last_of(phones, lambda p: _kind(p) == "business").alias("phone_business"),
        _last_of(addresses, lambda a: ~_kind(a).isin("business", "mailing", "shipping")).alias("address"),
        _last_of(addresses, lambda a: _kind(a) == "business").alias("address_business"),
        _last_of(addresses, lambda a: _kind(a) == "mailing").alias("address_mailing"),
        _last(_array(addresses)).alias("address_last"),
    )


def with_person_picks(df: DataFrame, person: Column) -> DataFrame:
    """``df`` plus the PICKS column of ``person``, for person_block(..., picks=F.col(PICKS))."""
    return df.withColumn(PICKS, person_picks(person))


def person_block(
    person: Column,
    nationality: Column | None = None,
    language: Column | None = None,
    picks: Column | None = None,
) -> list[Column]:
    """The flattened person columns of spec 2.7 (+ section 4 aliases), named as in PERSON_FIELDS.

    ``person`` is a struct with the person keys (firstName, emails[], phones[], addresses[], ...).
    ``nationality`` / ``language`` override the person's own ``{code, name}`` structs (hotel_booking
    reads them from the booking, spec 3.2). Emails, phones and addresses follow upstream's walk:
    the last entry of each kind wins; unfilled values are "" (booleans false). ``picks``: the
    PICKS column of with_person_picks (computed inline when omitted, which is slower).
    """
    nationality = person["nationality"] if nationality is None else nationality
    language = person["language"] if language is None else language
    picks = person_picks(person) if picks is None else picks
    cols = [nz(person[src]).alias(name) for name, src in PERSON_SCALARS]
    cols += [
        nz(nationality["code"]).alias("nationality_code"),
        nz(nationality["name"]).alias("nationality_name"),
        nz(language["code"]).alias("language_code"),
        nz(language["name"]).alias("language_name"),
    ]

    email_primary = F.lower(nz(picks["email_primary"]["type"]))
    cols += [
        nz(picks["email"]["address"]).alias("email"),
        nz(picks["email_business"]["address"]).alias("email_business"),
        email_primary.alias("email_primary"),
        email_primary.alias("email_type"),
    ]

    phone_primary = F.lower(nz(picks["phone_primary"]["type"]))
    cols += [
        nz(picks["phone"]["number"]).alias("phone"),
        nz(picks["phone_home"]["number"]).alias("phone_home"),
        nz(picks["phone_mobile"]["number"]).alias("phone_mobile"),
        nz(picks["phone_business"]["number"]).alias("phone_business"),
        phone_primary.alias("phone_primary"),
        phone_primary.alias("phone_type"),
    ]

    cols += _address_columns(picks["address"], "address")
    cols += _address_columns(picks["address_business"], "address_business")
    cols += _address_columns(picks["address_mailing"], "address_mailing")
    last_address = picks["address_last"]
    cols.append(F.when(last_address.isNotNull(), _kind(last_address)).alias("address_type"))
    return cols


def payment_block(payment: Column) -> list[Column]:
    """payment_type, cc_* and address_billing_* (spec 2.7) from a booking ``paymentInformation``.

    Billing comes from ``ccInfo.address`` when present (even all-empty), else from
    ``paymentInformation.address``, else empty.
    """
    cc = payment["ccInfo"]
    billing = F.coalesce(cc["address"], payment["address"])
    return [
        nz(payment["paymentType"]).alias("payment_type"),
        nz(cc["token"]).alias("cc_token"),
        nz(cc["cardType"]).alias("cc_type"),
        nz(cc["cardExp"]).alias("cc_exp"),
        # PCI DSS 3.2: a card verification code is never stored after authorisation. The column
        # stays (ACCP schema) and is always null; the input's cardCvv is not read.
        F.lit(None).cast("string").alias("cc_cvv"),
        nz(cc["name"]).alias("cc_name"),
        *_address_columns(billing, "address_billing"),
    ]


def empty_billing_block() -> list[Column]:
    """address_billing_* as profiles write them: always "" / false."""
    return _address_columns(None, "address_billing")


# ---------------------------------------------------------------- reject reasons


def _single_line(struct: Column, keys: list[str], path: str) -> list[Column]:
    return [single_line_error(struct[k], f"{path}.{k}") for k in keys]


def contact_errors(person: Column, path: str, max_extended_data: int) -> Column:
    """Reasons (``transforms.reasons``) a person sub-object rejects its BO (spec 2.4, 2.5, 2.10).

    Single-line rule on the person's copied strings, email/phone rules and "must be populated" on
    every ``emails[]`` / ``phones[]`` entry, and each entry's ``extendedData``. Addresses are
    copied as-is (no check). Loyalty programmes: see ``loyalty_errors``.
    """
    scalars = _single_line(person, [src for _, src in PERSON_SCALARS] + ["id"], path)
    scalars += [
        single_line_error(person["nationality"]["code"], f"{path}.nationality.code"),
        single_line_error(person["nationality"]["name"], f"{path}.nationality.name"),
        single_line_error(person["language"]["code"], f"{path}.language.code"),
        single_line_error(person["language"]["name"], f"{path}.language.name"),
    ]

    def email_check(e: Column) -> Column:
        return errors(
            required_error(e["address"], f"{path}.emails: email address must be populated"),
            email_error(e["address"], f"{path}.emails.address"),
            single_line_error(e["type"], f"{path}.emails.type"),
            extended_data_error(e["extendedData"], f"{path}.emails", max_extended_data),
        )

    def phone_check(p: Column) -> Column:
        return errors(
            required_error(p["number"], f"{path}.phones: phone number must be populated"),
            phone_error(p["number"], f"{path}.phones.number"),
            single_line_error(p["type"], f"{path}.phones.type"),
            single_line_error(p["countryCode"], f"{path}.phones.countryCode"),
            extended_data_error(p["extendedData"], f"{path}.phones", max_extended_data),
        )

    return F.concat(
        errors(*scalars),
        array_errors(person["emails"], email_check),
        array_errors(person["phones"], phone_check),
    )


_HOTEL_LOYALTY_STRINGS = ["id", "programName", "pointUnit", "level", "joined"]
_AIR_LOYALTY_SHORT_STRINGS = ["id", "programName", "level", "joined"]


def loyalty_errors(programs: Column, path: str, max_extended_data: int, hotel: bool) -> Column:
    """Single-line and extendedData checks on the copied loyalty and transaction strings."""
    keys = _HOTEL_LOYALTY_STRINGS if hotel else _AIR_LOYALTY_SHORT_STRINGS
    tx_keys = ["id", "pointUnit", "agent", *[src for _, src in _TX_STRINGS]]

    def tx_check(t: Column) -> Column:
        return errors(
            *_single_line(t, tx_keys, f"{path}.transactions"),
            extended_data_error(t["extendedData"], f"{path}.transactions", max_extended_data),
        )

    def program_check(lp: Column) -> Column:
        own = errors(
            *_single_line(lp, keys, path),
            extended_data_error(lp["extendedData"], path, max_extended_data),
        )
        return F.concat(own, array_errors(lp["transactions"], tx_check))

    return array_errors(programs, program_check)


# ---------------------------------------------------------------- record builders


OwnerValue = Column | Callable[[Column], Column]


def explode_records(
    df: DataFrame,
    items: Column,
    traveller_id: Column,
    model_version: Column,
    last_updated: OwnerValue,
    last_updated_by: OwnerValue,
    build: Callable[[Column], list[Column]],
    object_type: str,
    fields: list[str],
) -> DataFrame:
    """One record per element of ``items`` (null/empty → none), finished with the record meta.

    ``items``, ``traveller_id`` and ``model_version`` are Column expressions on ``df``;
    ``last_updated`` / ``last_updated_by`` are either Columns on ``df`` (the owner's values) or
    functions of the exploded element (loyalty transactions). ``build(item)`` returns the record's
    own aliased columns. ``df`` must carry the lineage columns and ``fallback_ts``.
    """

    def owner(value: OwnerValue, name: str) -> list[Column]:
        return [] if callable(value) else [value.alias(name)]

    base = df.select(
        *LINEAGE_COLUMNS,
        FALLBACK_TS,
        traveller_id.alias("traveller_id"),
        model_version.alias("_model_version"),
        *owner(last_updated, "_last_updated"),
        *owner(last_updated_by, "_last_updated_by"),
        F.explode(_array(items)).alias("_item"),
    )
    item = F.col("_item")
    lu = last_updated(item) if callable(last_updated) else F.col("_last_updated")
    lub = last_updated_by(item) if callable(last_updated_by) else F.col("_last_updated_by")
    out = base.select("*", nz(lub).alias("last_updated_by"), *build(item))
    return select_record(with_record_meta(out, object_type, F.col("_model_version"), lu), fields)


def _email_columns(with_is_verified: bool) -> Callable[[Column], list[Column]]:
    def build(e: Column) -> list[Column]:
        cols = [
            nz(e["address"]).alias("address"),
            nz(e["type"]).alias("type"),
            F.concat(nz(e["type"]), nz(e["address"])).alias("accp_object_id"),
            extended_data(e["extendedData"]).alias("extended_data"),
        ]
        if with_is_verified:
            cols.append(to_bool(e["isVerified"]).alias("is_verified"))
        return cols

    return build


def _phone_columns(with_is_verified: bool) -> Callable[[Column], list[Column]]:
    def build(p: Column) -> list[Column]:
        cols = [
            nz(p["number"]).alias("number"),
            nz(p["countryCode"]).alias("country_code"),
            nz(p["type"]).alias("type"),
            F.concat(nz(p["type"]), nz(p["number"])).alias("accp_object_id"),
            extended_data(p["extendedData"]).alias("extended_data"),
        ]
        if with_is_verified:
            cols.append(to_bool(p["isVerified"]).alias("is_verified"))
        return cols

    return build


def email_history(
    df: DataFrame,
    person: Column,
    traveller_id: Column,
    *,
    model_version: Column,
    last_updated: Column,
    last_updated_by: Column,
    with_is_verified: bool = False,
) -> DataFrame:
    """email_history records (spec 2.10): one per ``person.emails`` entry.

    ``with_is_verified`` adds ``is_verified`` (air_booking only).
    """
    fields = EMAIL_HISTORY_FIELDS + (["is_verified"] if with_is_verified else [])
    return explode_records(
        df,
        person["emails"],
        traveller_id,
        model_version,
        last_updated,
        last_updated_by,
        _email_columns(with_is_verified),
        "email_history",
        fields,
    )


def phone_history(
    df: DataFrame,
    person: Column,
    traveller_id: Column,
    *,
    model_version: Column,
    last_updated: Column,
    last_updated_by: Column,
    with_is_verified: bool = False,
) -> DataFrame:
    """phone_history records (spec 2.10): one per ``person.phones`` entry."""
    fields = PHONE_HISTORY_FIELDS + (["is_verified"] if with_is_verified else [])
    return explode_records(
        df,
        person["phones"],
        traveller_id,
        model_version,
        last_updated,
        last_updated_by,
        _phone_columns(with_is_verified),
        "phone_history",
        fields,
    )


def _air_loyalty_short_columns(lp: Column) -> list[Column]:
    return [
        nz(lp["id"]).alias("id"),
        nz(lp["id"]).alias("accp_object_id"),
        nz(lp["programName"]).alias("program_name"),
        to_number(lp["miles"]).alias("miles"),
        to_number(lp["milesToNextLevel"]).alias("miles_to_next_level"),
        nz(lp["level"]).alias("level"),
        nz(lp["joined"]).alias("joined"),
        extended_data(lp["extendedData"]).alias("extended_data"),
    ]


def _hotel_loyalty_columns(lp: Column) -> list[Column]:
    return [
        nz(lp["id"]).alias("id"),
        nz(lp["id"]).alias("accp_object_id"),
        nz(lp["programName"]).alias("program_name"),
        to_number(lp["points"]).alias("points"),
        nz(lp["pointUnit"]).alias("units"),
        to_number(lp["pointsToNextLevel"]).alias("points_to_next_level"),
        nz(lp["level"]).alias("level"),
        nz(lp["joined"]).alias("joined"),
        extended_data(lp["extendedData"]).alias("extended_data"),
    ]


def air_loyalty_short(
    df: DataFrame,
    programs: Column,
    traveller_id: Column,
    *,
    model_version: Column,
    last_updated: Column,
    last_updated_by: Column,
) -> DataFrame:
    """air_loyalty records, short form (pax_profile, spec 3.3): one per ``loyaltyPrograms`` entry."""
    return explode_records(
        df, programs, traveller_id, model_version, last_updated, last_updated_by,
        _air_loyalty_short_columns, "air_loyalty", AIR_LOYALTY_SHORT_FIELDS,
    )  # fmt: skip


def hotel_loyalty(
    df: DataFrame,
    programs: Column,
    traveller_id: Column,
    *,
    model_version: Column,
    last_updated: Column,
    last_updated_by: Column,
) -> DataFrame:
    """hotel_loyalty records (spec 3.2): one per ``loyaltyPrograms`` entry."""
    return explode_records(
        df, programs, traveller_id, model_version, last_updated, last_updated_by,
        _hotel_loyalty_columns, "hotel_loyalty", HOTEL_LOYALTY_FIELDS,
    )  # fmt: skip


def loyalty_transaction(
    df: DataFrame,
    programs: Column,
    traveller_id: Column,
    *,
    model_version: Column,
    expire_in_days_integer: bool,
) -> DataFrame:
    """loyalty_transaction records (spec 3.3): one per ``loyaltyPrograms[].transactions[]`` entry.

    ``last_updated`` is the transaction ``timeStamp`` (fallback_ts when empty), ``last_updated_by``
    its ``agent``; ``loyalty_id`` is the parent programme id (v2+ addition).
    ``expire_in_days`` is an integer for pax_profile, a number (double) for guest_profile.
    """
    expire = to_integer if expire_in_days_integer else to_number
    transactions = F.flatten(
        F.transform(
            _array(programs),
            lambda lp: F.transform(
                _array(lp["transactions"]), lambda t: F.struct(t.alias("tx"), lp["id"].alias("loyalty_id"))
            ),
        )
    )

    def build(item: Column) -> list[Column]:
        t = item["tx"]
        return [
            nz(t["id"]).alias("accp_object_id"),
            nz(item["loyalty_id"]).alias("loyalty_id"),
            *[nz(t[src]).alias(name) for name, src in _TX_STRINGS],
            nz(t["pointUnit"]).alias("points_unit"),
            *[to_number(t[src]).alias(name) for name, src in _TX_NUMBERS],
            expire(t["expireInDays"]).alias("expire_in_days"),
            extended_data(t["extendedData"]).alias("extended_data"),
        ]

    return explode_records(
        df,
        transactions,
        traveller_id,
        model_version,
        lambda item: item["tx"]["timeStamp"],
        lambda item: item["tx"]["agent"],
        build,
        "loyalty_transaction",
        LOYALTY_TRANSACTION_FIELDS,
    )


def _profile_id_material(profile: Column) -> list[Column]:
    return [
        profile["createdOn"],
        profile["createdBy"],
        F.lower(profile["firstName"]),
        F.lower(profile["lastName"]),
        profile["dateOfBirth"],
        F.get(_array(profile["emails"]), 0)["address"],
    ]


def _profile_material_empty(profile: Column) -> Column:
    return F.concat(*[nz(m) for m in _profile_id_material(profile)]) == ""


def profile_needs_json(profile: Column) -> Column:
    """Whether a profile's id is generated from its whole JSON: no id and no other material."""
    return (nz(profile["id"]) == "") & _profile_material_empty(profile)


def profile_traveller_id(profile: Column, object_type: str, profile_json: Column) -> Column:
    """pax/guest profile traveller id: ``id``, else a deterministic generated id (spec 2.3).

    Material: object type, createdOn, createdBy, lower(firstName), lower(lastName), dateOfBirth and
    the first email address; when all of it is empty, ``profile_json`` (its canonical JSON) instead.
    """
    generated = F.when(_profile_material_empty(profile), generated_id(object_type, profile_json, "profile")).otherwise(
        generated_id(object_type, *_profile_id_material(profile))
    )
    return F.when(nz(profile["id"]) != "", profile["id"]).otherwise(generated)


def profile_extra_errors(profile: Column, path: str, max_extended_data: int) -> Column:
    """Profile-level checks besides the person's: created/updated strings, lastUpdatedOn, extendedData."""
    return errors(
        single_line_error(profile["createdOn"], f"{path}.createdOn"),
        single_line_error(profile["createdBy"], f"{path}.createdBy"),
        single_line_error(profile["lastUpdatedBy"], f"{path}.lastUpdatedBy"),
        timestamp_error(profile["lastUpdatedOn"], f"{path}.lastUpdatedOn"),
        extended_data_error(profile["extendedData"], path, max_extended_data),
    )
