"""pax_profile business object → ACCP records (mapping spec 3.3): ``transforms.profile`` for passengers.

One profile per line: ``pax_profile`` (keeping the source ``id``), plus ``email_history`` /
``phone_history`` per contact entry, ``air_loyalty`` (short form) per loyalty programme,
``loyalty_transaction`` (integer ``expire_in_days``) per programme transaction and two
``alternate_profile_id`` records per alternate id.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame

from transforms import profile
from transforms.schemas import SCHEMAS

KIND = profile.PAX
OBJECT_TYPE = BUSINESS_OBJECT = KIND.object_type
SCHEMA = SCHEMAS[BUSINESS_OBJECT]
ACCP_TABLES = KIND.accp_tables
PAX_PROFILE_FIELDS = KIND.fields
object_json_needed = profile.object_json_needed


def reject_reasons(df: DataFrame, max_extended_data: int) -> Column:
    return profile.reject_reasons(KIND, df, max_extended_data)


def to_accp(df: DataFrame) -> dict[str, DataFrame]:
    return profile.to_accp(KIND, df)
