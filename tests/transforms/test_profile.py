"""The parameterised profile transform: pax and guest kinds differ only where ``ProfileKind`` says."""

from __future__ import annotations

import json

from chispa import assert_df_equality
from pyspark.sql import functions as F

from tests.transforms.helpers import bo_frame
from transforms import guest_profile, pax_profile, profile
from transforms.reasons import VALIDATION

# Valid as both objects: fields both schemas read, one loyalty programme with a transaction.
LINE = {
    "modelVersion": "1.2.0",
    "id": "X1",
    "createdOn": "2023-01-01",
    "createdBy": "sys",
    "lastUpdatedOn": "2024-06-03T10:52:46.678908Z",
    "lastUpdatedBy": "Nils",
    "firstName": "Ann",
    "lastName": "Lee",
    "emails": [{"type": "business", "address": "a@x.com", "primary": True}],
    "phones": [{"type": "mobile", "number": "555"}],
    "loyaltyPrograms": [{"id": "L1", "programName": "p", "level": "gold",
                         "transactions": [{"id": "T1", "timeStamp": "2024-01-01T00:00:00Z", "expireInDays": "3.5"}]}],
    "alternateProfileIds": [{"name": "crm", "value": "9"}],
    "extendedData": {"a": 1},
}  # fmt: skip
NO_ID = {k: v for k, v in LINE.items() if k != "id"}


def _frames(spark, kind: profile.ProfileKind):
    df = bo_frame(spark, kind.object_type, [json.dumps(LINE), json.dumps(NO_ID)])
    return df, profile.to_accp(kind, df)


def test_thin_modules_bind_their_kind(spark):
    for module, kind in ((pax_profile, profile.PAX), (guest_profile, profile.GUEST)):
        df, direct = _frames(spark, kind)
        assert module.ACCP_TABLES == kind.accp_tables == tuple(direct)
        bound = module.to_accp(df)
        # The same query, not only the same rows: compared by plan, without running twenty queries.
        assert [t for t in kind.accp_tables if not bound[t].sameSemantics(direct[t])] == []
    assert pax_profile.PAX_PROFILE_FIELDS == [
        *guest_profile.GUEST_PROFILE_FIELDS[:3],
        "id",
        *guest_profile.GUEST_PROFILE_FIELDS[3:],
    ]


def _masked(df):
    """Generated ids set aside: their material includes the object type, so pax and guest differ there."""
    ids = [c for c in ("traveller_id", "accp_object_id") if c in df.columns]
    return df.withColumns(
        {c: F.when(F.col(c).startswith("gen-"), F.lit("generated")).otherwise(F.col(c)) for c in ids}
    ).drop("object_type")


def test_pax_and_guest_give_the_same_shared_records(spark):
    """Same lines as pax and as guest: contact, alternate-id and profile records match but for what the kind sets."""
    _, pax = _frames(spark, profile.PAX)
    _, guest = _frames(spark, profile.GUEST)
    for table in ("email_history", "phone_history", "alternate_profile_id"):
        assert_df_equality(_masked(pax[table]), _masked(guest[table]), ignore_row_order=True)
    assert_df_equality(_masked(pax["pax_profile"]).drop("id"), _masked(guest["guest_profile"]), ignore_row_order=True)
    ids = (
        pax["pax_profile"]
        .select("line_number", "traveller_id")
        .join(guest["guest_profile"].select("line_number", F.col("traveller_id").alias("guest_id")), "line_number")
    )
    rows = {r.line_number: (r.traveller_id, r.guest_id) for r in ids.collect()}
    assert rows[1] == ("X1", "X1")
    assert rows[2][0].startswith("gen-") and rows[2][1].startswith("gen-") and rows[2][0] != rows[2][1]


def test_kind_differences(spark):
    _, pax = _frames(spark, profile.PAX)
    _, guest = _frames(spark, profile.GUEST)
    assert "id" in pax["pax_profile"].columns and "id" not in guest["guest_profile"].columns
    assert "air_loyalty" in pax and "hotel_loyalty" not in pax
    assert "hotel_loyalty" in guest and "air_loyalty" not in guest
    assert dict(pax["loyalty_transaction"].dtypes)["expire_in_days"] == "int"
    assert dict(guest["loyalty_transaction"].dtypes)["expire_in_days"] == "double"


def test_loyalty_checks_follow_the_kind(spark):
    """``pointUnit`` is a copied (so checked) string of hotel loyalty only."""
    line = json.dumps({"loyaltyPrograms": [{"id": "L1", "pointUnit": "{pts}"}]})
    for kind, expected in (
        (profile.PAX, []),
        (profile.GUEST, [(VALIDATION, "loyaltyPrograms.pointUnit: contains a forbidden character")]),
    ):
        df = bo_frame(spark, kind.object_type, [line])
        out = df.select(profile.reject_reasons(kind, df, 5000).alias("reasons"))
        want = spark.createDataFrame([(expected,)], "reasons array<struct<code:string,message:string>>")
        assert_df_equality(out, want, ignore_nullable=True)
