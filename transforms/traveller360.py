"""Traveller 360: one row per unified profile from its ACCP records (spec sections 5.2 and 5.3).

Scalars: a long-format explode of the mapped ACCP fields, then per (profile, attribute) ``max_by``
over ``last_updated_ts`` among non-empty values, so empties never overwrite. Address blocks are
resolved as a unit (the newest block with a line or a city). Record arrays hold every object of the
type, newest first, with camelCase members. Pure functions: the gold job does the I/O.
"""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from transforms.registry import ACCP_OBJECT_TYPES
from transforms.traveller_schema import (
    ADDRESS,
    ADDRESS_COLUMNS,
    RECORD_ARRAYS,
    TRAVELLER,
    TRAVELLER_EXTRAS,
    member_source,
    record_type,
)

PROFILE_KEY = ("domain", "profile_id")
BOOKINGS_AND_PROFILES = ("air_booking", "hotel_booking", "pax_profile", "guest_profile")
ALL_TYPES = ACCP_OBJECT_TYPES


def _from(types: tuple[str, ...], column: str) -> dict[str, str]:
    return dict.fromkeys(types, column)


# Traveller column -> {ACCP object type: source column} (spec 5.2 table).
SCALAR_SOURCES: dict[str, dict[str, str]] = {
    "travellerId": _from(ALL_TYPES, "traveller_id"),
    "pssId": {"air_booking": "pss_id"},
    "gdsId": {"air_booking": "gds_id", "hotel_booking": "gds_id"},
    "pmsId": {"hotel_booking": "pms_id"},
    "crsId": {"hotel_booking": "crs_id"},
    "honorific": _from(BOOKINGS_AND_PROFILES, "honorific"),
    "firstName": {
        **_from(BOOKINGS_AND_PROFILES + ("hotel_stay_revenue_items", "customer_service_interaction"), "first_name"),
        "clickstream": "customer_first_name",
    },
    "middleName": _from(BOOKINGS_AND_PROFILES, "middle_name"),
    "lastName": {
        **_from(BOOKINGS_AND_PROFILES + ("hotel_stay_revenue_items", "customer_service_interaction"), "last_name"),
        "clickstream": "customer_last_name",
    },
    "gender": {**_from(BOOKINGS_AND_PROFILES, "gender"), "clickstream": "customer_gender"},
    "pronoun": _from(BOOKINGS_AND_PROFILES, "pronoun"),
    "birthDate": {**_from(BOOKINGS_AND_PROFILES, "date_of_birth"), "clickstream": "customer_birthdate"},
    "jobTitle": _from(BOOKINGS_AND_PROFILES, "job_title"),
    "companyName": _from(BOOKINGS_AND_PROFILES, "company"),
    "phoneNumber": {
        **_from(BOOKINGS_AND_PROFILES + ("hotel_stay_revenue_items",), "phone"),
        "customer_service_interaction": "phone_number",
        "clickstream": "customer_phone",
    },
    "mobilePhoneNumber": _from(BOOKINGS_AND_PROFILES, "phone_mobile"),
    "homePhoneNumber": _from(BOOKINGS_AND_PROFILES, "phone_home"),
    "businessPhoneNumber": _from(BOOKINGS_AND_PROFILES, "phone_business"),
    "personalEmailAddress": {
        **_from(BOOKINGS_AND_PROFILES + ("hotel_stay_revenue_items", "customer_service_interaction"), "email"),
        "clickstream": "customer_email",
    },
    "businessEmailAddress": _from(BOOKINGS_AND_PROFILES + ("customer_service_interaction",), "email_business"),
    "nationalityCode": _from(BOOKINGS_AND_PROFILES, "nationality_code"),
    "nationalityName": {**_from(BOOKINGS_AND_PROFILES, "nationality_name"), "clickstream": "customer_nationality"},
    "languageCode": _from(BOOKINGS_AND_PROFILES, "language_code"),
    "languageName": _from(BOOKINGS_AND_PROFILES, "language_name"),
}

# Address column -> ACCP column prefix on bookings and profiles (spec 2.7).
ADDRESS_PREFIXES = {
    "homeAddress": "address_",
    "businessAddress": "address_business_",
    "mailingAddress": "address_mailing_",
    "billingAddress": "address_billing_",
}
ADDRESS_MEMBERS = {
    "Address1": "line1",
    "Address2": "line2",
    "Address3": "line3",
    "Address4": "line4",
    "City": "city",
    "State": "state",
    "Province": "province",
    "PostalCode": "postal_code",
    "Country": "country",
}
# Sub-fields that make an address block "non-empty" (a lone country or postal code does not).
ADDRESS_SIGNIFICANT = ("Address1", "Address2", "Address3", "Address4", "City")


def _text(col: Column) -> Column:
    return col.cast("string")


def _nonempty(col: Column) -> Column:
    return F.coalesce(F.trim(col) != "", F.lit(False))


def _address(df: DataFrame, prefix: str) -> Column:
    members = [
        (_text(F.col(f"{prefix}{source}")) if f"{prefix}{source}" in df.columns else F.lit(None).cast("string")).alias(
            member
        )
        for member, source in ADDRESS_MEMBERS.items()
    ]
    return F.struct(*members)


def _placeholder(df: DataFrame, object_type: str) -> Column:
    """alternate_profile_id record 1 (traveller_id = accp_object_id) is a linking placeholder."""
    if object_type == "alternate_profile_id":
        return F.col("traveller_id") == F.col("accp_object_id")
    return F.lit(False)


def attribute_rows(object_type: str, df: DataFrame) -> DataFrame | None:
    """Long format: one row per (record, mapped attribute) with ``text`` or ``address`` set."""
    pairs = []
    for attribute, sources in SCALAR_SOURCES.items():
        source = sources.get(object_type)
        if source and source in df.columns:
            pairs.append(
                F.struct(
                    F.lit(attribute).alias("attribute"),
                    _text(F.col(source)).alias("text"),
                    F.lit(None).cast(ADDRESS).alias("address"),
                )
            )
    if object_type in BOOKINGS_AND_PROFILES:
        for attribute, prefix in ADDRESS_PREFIXES.items():
            pairs.append(
                F.struct(
                    F.lit(attribute).alias("attribute"),
                    F.lit(None).cast("string").alias("text"),
                    _address(df, prefix).alias("address"),
                )
            )
    if not pairs:
        return None
    return (
        df.where(~_placeholder(df, object_type))
        .select(
            "domain",
            "traveller_id",
            F.lit(object_type).alias("object_type"),
            "accp_object_id",
            "last_updated_ts",
            "ingested_at",
            F.explode(F.array(*pairs)).alias("a"),
        )
        .select("*", "a.*")
        .drop("a")
    )


def _address_nonempty() -> Column:
    return F.greatest(*[_nonempty(F.col(f"address.{m}")) for m in ADDRESS_SIGNIFICANT])


def resolve_attributes(long_rows: DataFrame, mapping: DataFrame) -> DataFrame:
    """Per profile: map attribute -> struct(text, address) of the most recent non-empty value."""
    order = F.struct("last_updated_ts", "ingested_at", "object_type", "accp_object_id")
    candidates = long_rows.join(mapping.select("domain", "traveller_id", "profile_id"), ["domain", "traveller_id"])
    candidates = candidates.where(
        F.when(F.col("address").isNotNull(), _address_nonempty()).otherwise(_nonempty(F.col("text")))
    )
    winners = candidates.groupBy(*PROFILE_KEY, "attribute").agg(
        F.max_by(F.struct("text", "address"), order).alias("value")
    )
    return winners.groupBy(*PROFILE_KEY).agg(
        F.map_from_entries(F.collect_list(F.struct("attribute", "value"))).alias("attributes")
    )


def _record_struct(column: str, df: DataFrame) -> Column:
    members = []
    for field in record_type(column).fields:
        source = member_source(column, field.name)
        value = F.col(source) if source and source in df.columns else F.lit(None)
        members.append(value.cast(field.dataType).alias(field.name))
    return F.struct(*members)


def record_rows(object_type: str, df: DataFrame) -> DataFrame:
    """One row per record: its time, author and (for typed arrays) its camelCase element."""
    columns = [
        "domain",
        "traveller_id",
        F.lit(object_type).alias("object_type"),
        "last_updated_ts",
        (F.col("last_updated") if "last_updated" in df.columns else F.lit(None)).cast("string").alias("last_updated"),
        (F.col("last_updated_by") if "last_updated_by" in df.columns else F.lit(None))
        .cast("string")
        .alias("last_updated_by"),
        F.col("accp_object_id"),
    ]
    for column, array_type in RECORD_ARRAYS.items():
        element = _record_struct(column, df) if array_type == object_type else F.lit(None).cast(record_type(column))
        columns.append(element.alias(column))
    return df.select(*columns)


def summarise_records(rows: DataFrame, mapping: DataFrame) -> DataFrame:
    """Per profile: record arrays (newest first), first/last seen, newest author, counts, traveller ids."""
    rows = rows.join(mapping.select("domain", "traveller_id", "profile_id"), ["domain", "traveller_id"])
    newest = F.struct("last_updated_ts", "accp_object_id")
    aggregates = [
        F.min("last_updated_ts").alias("firstSeen"),
        F.max("last_updated_ts").alias("lastSeen"),
        F.max_by("last_updated", newest).alias("lastUpdated"),
        F.max_by("last_updated_by", newest).alias("lastUpdatedBy"),
        F.array_sort(F.collect_set("traveller_id")).alias("travellerIds"),
        F.map_filter(
            F.map_from_arrays(
                F.array(*[F.lit(t) for t in ALL_TYPES]),
                F.array(*[F.count(F.when(F.col("object_type") == t, 1)) for t in ALL_TYPES]),
            ),
            lambda _, n: n > 0,
        ).alias("objectCounts"),
    ]
    for column in RECORD_ARRAYS:
        entries = F.collect_list(
            F.when(
                F.col(column).isNotNull(),
                F.struct(
                    F.col("last_updated_ts").alias("ts"), F.col("accp_object_id").alias("id"), F.col(column).alias("r")
                ),
            )
        )
        aggregates.append(F.transform(F.sort_array(entries, asc=False), lambda e: e["r"]).alias(column))
    return rows.groupBy(*PROFILE_KEY).agg(*aggregates)


def content_hash(columns: list[str]) -> Column:
    """Hash of a row's content: a recompute that changes nothing is not rewritten."""
    return F.sha2(F.to_json(F.struct(*[F.col(c) for c in columns])), 256)


HASHED_COLUMNS = [f.name for f in TRAVELLER.fields if f.name not in ("rowHash", "buildRunId", "builtAt")]


def build_profiles(records: Mapping[str, DataFrame], mapping: DataFrame) -> DataFrame:
    """Traveller 360 rows (live profiles) for the profiles of ``mapping`` from their ACCP records.

    ``records``: ACCP object type -> its records; ``mapping``: (domain, traveller_id, profile_id).
    Returns the ``TRAVELLER`` schema with ``buildRunId``/``builtAt`` null (the job fills them).
    """
    long_parts = [p for p in (attribute_rows(t, df) for t, df in records.items()) if p is not None]
    record_parts = [record_rows(t, df) for t, df in records.items()]
    summary = _union(record_parts)
    summary = summarise_records(summary, mapping)
    attributes = resolve_attributes(_union(long_parts), mapping)
    joined = summary.join(attributes, list(PROFILE_KEY), "left")
    values = {}
    for attribute in SCALAR_SOURCES:
        values[attribute] = F.col("attributes")[attribute]["text"]
    for attribute in ADDRESS_COLUMNS:
        values[attribute] = F.col("attributes")[attribute]["address"]
    values.update(
        {
            "modelVersion": F.lit("1"),
            "connectId": F.col("profile_id"),
            "mergedIn": F.lit(None),
            "errors": F.lit(None),
            "parsingErrors": F.lit(None),
            "buildRunId": F.lit(None),
            "builtAt": F.lit(None),
        }
    )
    selected = joined.select(
        *[
            (values[f.name] if f.name in values else F.col(f.name)).cast(f.dataType).alias(f.name)
            for f in TRAVELLER.fields
            if f.name != "rowHash"
        ]
    )
    return selected.withColumn("rowHash", content_hash(HASHED_COLUMNS)).select(*[f.name for f in TRAVELLER.fields])


def _union(parts: list[DataFrame]) -> DataFrame:
    result = parts[0]
    for part in parts[1:]:
        result = result.unionByName(part)
    return result


def merged_profiles(merges: DataFrame, touched: DataFrame, mapping: DataFrame) -> DataFrame:
    """Touched profiles left without traveller ids: (domain, connectId, mergedIn).

    ``mergedIn`` is the target of the profile's latest merge (a later unmerge and re-merge moves it);
    null means the profile vanished without a merge (the job deletes its row).
    """
    if "undone_at" in merges.columns:  # unmerges are recorded on the merge row and as reason "unmerge"
        merges = merges.where(F.col("undone_at").isNull() & ~F.col("reason").eqNullSafe(F.lit("unmerge")))
    latest = merges.groupBy("domain", "from_profile_id").agg(
        F.max_by("to_profile_id", F.struct("merged_at", "run_id")).alias("mergedIn")
    )
    gone = touched.select(*PROFILE_KEY).join(mapping.select(*PROFILE_KEY), list(PROFILE_KEY), "left_anti")
    return gone.join(latest.withColumnRenamed("from_profile_id", "profile_id"), list(PROFILE_KEY), "left").select(
        "domain", F.col("profile_id").alias("connectId"), "mergedIn"
    )


def touched_profiles(
    mapping: DataFrame,
    changed_travellers: DataFrame,
    previous: DataFrame,
    new_merges: DataFrame,
    mapping_since=None,
) -> DataFrame:
    """Profiles to recompute: (domain, profile_id).

    A profile is touched when one of its traveller ids changed mapping (``updated_at`` at or after
    ``mapping_since``) or got new records (``changed_travellers``), when it previously held a
    traveller id that changed (``previous``: gold rows' ``travellerIds``), or when a new merge
    names it. ``mapping_since`` None means a first build: every mapped or merged profile.
    """
    merged = new_merges.select("domain", F.col("from_profile_id").alias("profile_id")).union(
        new_merges.select("domain", F.col("to_profile_id").alias("profile_id"))
    )
    if mapping_since is None:
        return mapping.select(*PROFILE_KEY).union(merged).distinct()
    moved = mapping.where(F.col("updated_at") > F.lit(mapping_since)).select("domain", "traveller_id")
    changed = changed_travellers.select("domain", "traveller_id").union(moved)
    current = mapping.join(changed, ["domain", "traveller_id"], "left_semi").select(*PROFILE_KEY)
    before = (
        previous.select(
            "domain", F.col("connectId").alias("profile_id"), F.explode("travellerIds").alias("traveller_id")
        )
        .join(changed, ["domain", "traveller_id"], "left_semi")
        .select(*PROFILE_KEY)
    )
    return current.union(before).union(merged).distinct()


EXTRA_COLUMNS = [f.name for f in TRAVELLER_EXTRAS.fields]
