"""pax_profile business object → ACCP records (mapping spec 3.3).

One profile per line: ``pax_profile``, plus ``email_history`` / ``phone_history`` per contact
entry, ``air_loyalty`` (short form) per loyalty programme, ``loyalty_transaction`` per programme
transaction and two ``alternate_profile_id`` records per alternate id.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from transforms import person
from transforms.alternate_ids import alternate_id_errors, alternate_profile_id_records
from transforms.records import object_json, select_record, with_record_meta
from transforms.values import all_errors, extended_data, nz

OBJECT_TYPE = "pax_profile"
PAX_PROFILE_FIELDS = [
    "traveller_id",
    "accp_object_id",
    "last_updated_by",
    "id",
    "created_on",
    "created_by",
    *person.PERSON_FIELDS,
    *person.BILLING_FIELDS,
    "extended_data",
]


def reject_reasons(df: DataFrame, max_extended_data: int) -> Column:
    """Spec 2.5 only: single-line/email/phone rules, lastUpdatedOn, extendedData, loyalty strings."""
    data = F.col("data")
    return all_errors(
        person.contact_errors(data, OBJECT_TYPE, max_extended_data),
        person.profile_extra_errors(data, OBJECT_TYPE, max_extended_data),
        person.loyalty_errors(data["loyaltyPrograms"], "loyaltyPrograms", max_extended_data, hotel=False),
        alternate_id_errors(data["alternateProfileIds"]),
    )


def object_json_needed(data: Column) -> Column:
    """Whether the passenger's id is generated from the whole profile (see person.profile_traveller_id)."""
    return person.profile_needs_json(data)


def to_accp(df: DataFrame) -> dict[str, DataFrame]:
    """pax_profile, email_history, phone_history, air_loyalty, loyalty_transaction, alternate_profile_id."""
    data = F.col("data")
    with_id = df.withColumn("traveller_id", person.profile_traveller_id(data, OBJECT_TYPE, object_json(df)))
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
        nz(data["id"]).alias("id"),
        nz(data["createdOn"]).alias("created_on"),
        nz(data["createdBy"]).alias("created_by"),
        *person.person_block(data, picks=F.col(person.PICKS)),
        *person.empty_billing_block(),
        extended_data(data["extendedData"]).alias("extended_data"),
    )
    profile = select_record(
        with_record_meta(profile, OBJECT_TYPE, data["modelVersion"], data["lastUpdatedOn"]), PAX_PROFILE_FIELDS
    )
    programs = data["loyaltyPrograms"]
    return {
        OBJECT_TYPE: profile,
        "email_history": person.email_history(with_id, data, tid, **owner),
        "phone_history": person.phone_history(with_id, data, tid, **owner),
        "air_loyalty": person.air_loyalty_short(with_id, programs, tid, **owner),
        "loyalty_transaction": person.loyalty_transaction(
            with_id, programs, tid, model_version=data["modelVersion"], expire_in_days_integer=True
        ),
        "alternate_profile_id": alternate_profile_id_records(
            with_id,
            alternate_ids=data["alternateProfileIds"],
            owner_id=tid,
            model_version=data["modelVersion"],
            last_updated=data["lastUpdatedOn"],
        ),
    }
