"""pax_profile and guest_profile business objects → ACCP records (mapping spec 3.3 and 3.4).

Both are one traveller profile per line: the profile record, ``email_history`` /
``phone_history`` per contact entry, a loyalty record per programme, ``loyalty_transaction`` per
programme transaction and two ``alternate_profile_id`` records per alternate id. What differs
between them is small and named in ``ProfileKind``; ``transforms/pax_profile.py`` and
``transforms/guest_profile.py`` bind a kind to these functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from transforms import person
from transforms.alternate_ids import alternate_id_errors, alternate_profile_id_records
from transforms.records import object_json, select_record, with_record_meta
from transforms.values import all_errors, extended_data, nz

_COMMON_HEAD = ["traveller_id", "accp_object_id", "last_updated_by"]
_COMMON_TAIL = ["created_on", "created_by", *person.PERSON_FIELDS, *person.BILLING_FIELDS, "extended_data"]


@dataclass(frozen=True)
class ProfileKind:
    """What sets one profile object apart from the other.

    ``object_type`` is both the business object and its profile table. ``keeps_id`` copies the
    source ``id`` into the record (pax only). ``loyalty_table``/``loyalty_records`` name the
    loyalty table and its builder (``person.air_loyalty_short`` or ``person.hotel_loyalty``, same
    signature), ``hotel_loyalty`` picks the loyalty strings that are checked, and
    ``expire_in_days_integer`` is how ``loyalty_transaction.expire_in_days`` is written.
    """

    object_type: str
    keeps_id: bool
    loyalty_table: str
    loyalty_records: Callable[..., DataFrame]
    hotel_loyalty: bool
    expire_in_days_integer: bool

    @property
    def fields(self) -> list[str]:
        """The profile record's own fields, in table order."""
        return [*_COMMON_HEAD, *(["id"] if self.keeps_id else []), *_COMMON_TAIL]

    @property
    def accp_tables(self) -> tuple[str, ...]:
        return (
            self.object_type,
            "email_history",
            "phone_history",
            self.loyalty_table,
            "loyalty_transaction",
            "alternate_profile_id",
        )


PAX = ProfileKind(
    object_type="pax_profile",
    keeps_id=True,
    loyalty_table="air_loyalty",
    loyalty_records=person.air_loyalty_short,
    hotel_loyalty=False,
    expire_in_days_integer=True,
)
GUEST = ProfileKind(
    object_type="guest_profile",
    keeps_id=False,
    loyalty_table="hotel_loyalty",
    loyalty_records=person.hotel_loyalty,
    hotel_loyalty=True,
    expire_in_days_integer=False,
)


def reject_reasons(kind: ProfileKind, df: DataFrame, max_extended_data: int) -> Column:
    """Spec 2.5 only: single-line/email/phone rules, lastUpdatedOn, extendedData, loyalty strings."""
    data = F.col("data")
    return all_errors(
        person.contact_errors(data, kind.object_type, max_extended_data),
        person.profile_extra_errors(data, kind.object_type, max_extended_data),
        person.loyalty_errors(data["loyaltyPrograms"], "loyaltyPrograms", max_extended_data, hotel=kind.hotel_loyalty),
        alternate_id_errors(data["alternateProfileIds"]),
    )


def object_json_needed(data: Column) -> Column:
    """Whether the profile's id is generated from the whole profile (see person.profile_traveller_id)."""
    return person.profile_needs_json(data)


def to_accp(kind: ProfileKind, df: DataFrame) -> dict[str, DataFrame]:
    """The records of ``kind.accp_tables`` for every accepted profile line."""
    data = F.col("data")
    with_id = df.withColumn("traveller_id", person.profile_traveller_id(data, kind.object_type, object_json(df)))
    tid = F.col("traveller_id")
    owner = {
        "model_version": data["modelVersion"],
        "last_updated": data["lastUpdatedOn"],
        "last_updated_by": data["lastUpdatedBy"],
    }

    profile = person.with_person_picks(with_id, data).select(
        "*",
        tid.alias("accp_object_id"),
        nz(data["lastUpdatedBy"]).alias("last_updated_by"),
        *([nz(data["id"]).alias("id")] if kind.keeps_id else []),
        nz(data["createdOn"]).alias("created_on"),
        nz(data["createdBy"]).alias("created_by"),
        *person.person_block(data, picks=F.col(person.PICKS)),
        *person.empty_billing_block(),
        extended_data(data["extendedData"]).alias("extended_data"),
    )
    profile = select_record(
        with_record_meta(profile, kind.object_type, data["modelVersion"], data["lastUpdatedOn"]), kind.fields
    )
    programs = data["loyaltyPrograms"]
    return {
        kind.object_type: profile,
        "email_history": person.email_history(with_id, data, tid, **owner),
        "phone_history": person.phone_history(with_id, data, tid, **owner),
        kind.loyalty_table: kind.loyalty_records(with_id, programs, tid, **owner),
        "loyalty_transaction": person.loyalty_transaction(
            with_id,
            programs,
            tid,
            model_version=data["modelVersion"],
            expire_in_days_integer=kind.expire_in_days_integer,
        ),
        "alternate_profile_id": alternate_profile_id_records(
            with_id,
            alternate_ids=data["alternateProfileIds"],
            owner_id=tid,
            model_version=data["modelVersion"],
            last_updated=data["lastUpdatedOn"],
        ),
    }
