"""Identity attributes in long format: one row per (domain, traveller_id, attribute, value).

The ACCP tables spell the same attribute differently (``email`` on profiles, ``customer_email`` on
clickstream, ``address`` on email history...); this module maps every spelling onto one attribute
name and normalises the value, so a rule is a plain equality join.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from matching import normalize

PERSON_TABLES = ("pax_profile", "guest_profile", "air_booking", "hotel_booking")

# table -> attribute -> source columns (missing columns are ignored, so older tables still work).
SOURCES: dict[str, dict[str, tuple[str, ...]]] = {
    **{
        table: {
            "email": ("email", "email_business"),
            "phone": ("phone", "phone_home", "phone_mobile", "phone_business"),
            "first_name": ("first_name",),
            "last_name": ("last_name",),
            "date_of_birth": ("date_of_birth",),
        }
        for table in PERSON_TABLES
    },
    "email_history": {"email": ("address",)},
    "phone_history": {"phone": ("number",)},
    "air_loyalty": {"loyalty_id": ("id",)},
    "hotel_loyalty": {"loyalty_id": ("id",)},
    "hotel_stay_revenue_items": {
        "email": ("email",),
        "phone": ("phone",),
        "first_name": ("first_name",),
        "last_name": ("last_name",),
    },
    "clickstream": {
        "email": ("customer_email",),
        "phone": ("customer_phone",),
        "first_name": ("customer_first_name",),
        "last_name": ("customer_last_name",),
        "date_of_birth": ("customer_birthdate",),
        "loyalty_id": ("customer_loyalty_id", "loyalty_id"),
    },
    "customer_service_interaction": {
        "email": ("email", "email_business"),
        "phone": ("phone_number",),
        "first_name": ("first_name",),
        "last_name": ("last_name",),
        "loyalty_id": ("loyalty_id",),
    },
}
ATTRIBUTES = ("email", "phone", "first_name", "last_name", "date_of_birth", "loyalty_id", "alternate_id")


def normalized(attribute: str, value: Column, default_country_code: str, country_code: Column | None) -> Column:
    """The normalised form of one attribute value."""
    if attribute == "email":
        return normalize.email(value)
    if attribute == "phone":
        return normalize.phone(value, default_country_code, country_code)
    if attribute in ("first_name", "last_name"):
        return normalize.name(value)
    if attribute == "date_of_birth":
        return normalize.date_of_birth(value)
    return normalize.identifier(value)


def _from_table(table: str, df: DataFrame, default_country_code: str) -> DataFrame | None:
    present = set(df.columns)
    country = F.col("country_code") if "country_code" in present else None
    pairs = [
        F.struct(
            F.lit(attribute).alias("attribute"),
            normalized(attribute, F.col(c), default_country_code, country).alias("value"),
        )
        for attribute, columns in SOURCES.get(table, {}).items()
        for c in columns
        if c in present
    ]
    if not pairs:
        return None
    return df.select("domain", "traveller_id", F.explode(F.array(*pairs)).alias("p")).select(
        "domain", "traveller_id", "p.attribute", "p.value"
    )


def _alternate_ids(df: DataFrame) -> DataFrame:
    """``name:value`` of every alternate id, on both the owner and its placeholder traveller."""
    value = F.concat_ws(":", F.lower(F.trim("name")), normalize.identifier(F.col("value")))
    return df.where(F.trim("value") != "").select(
        "domain", "traveller_id", F.lit("alternate_id").alias("attribute"), value.alias("value")
    )


def identity_attributes(tables: dict[str, DataFrame], default_country_code: str) -> DataFrame:
    """Distinct, non-null normalised (domain, traveller_id, attribute, value) rows of all tables."""
    parts = [part for table, df in tables.items() if (part := _from_table(table, df, default_country_code)) is not None]
    if "alternate_profile_id" in tables:
        parts.append(_alternate_ids(tables["alternate_profile_id"]))
    result = parts[0]
    for part in parts[1:]:
        result = result.unionByName(part)
    return result.where(F.col("value").isNotNull() & F.col("traveller_id").isNotNull()).distinct()


def traveller_ids(tables: dict[str, DataFrame]) -> DataFrame:
    """Every (domain, traveller_id) seen in any ACCP table: the nodes of the identity graph."""
    ids = [df.select("domain", "traveller_id") for df in tables.values()]
    result = ids[0]
    for part in ids[1:]:
        result = result.unionByName(part)
    return result.where(F.col("traveller_id").isNotNull() & (F.col("traveller_id") != "")).distinct()
