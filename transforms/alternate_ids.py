"""``alternate_profile_id`` records (mapping spec 2.10), shared by every business object.

Each entry ``a`` of an owner's ``alternateProfileIds`` gives two records that differ only in
``traveller_id``:

1. ``traveller_id`` = ``accp_object_id`` = ``{a.name}_{a.value}`` (placeholder profile used to link
   identities);
2. ``traveller_id`` = the owner's id (the caller computes it: owner ``id`` if non-empty, else the
   owner's traveller id; hotel stay: ``guestId``/generated; clickstream and CSI: session id).

Column set (the same for every producer, so the ``alternate_profile_id`` table has one schema):
the lineage columns, the record meta columns of ``transforms.records.RECORD_META_COLUMNS`` and
``ALTERNATE_PROFILE_ID_FIELDS``. There is no ``last_updated_by`` or ``extended_data``.

``last_updated`` is the owner's ``lastUpdatedOn`` kept verbatim ("" when absent), not defaulted,
as upstream does (spec 2.6). Because the meta columns are fixed by ``select_record``:

* ``last_updated_ts`` is the parsed ``last_updated`` or, when that is empty or not a date-time,
  the parsed ``fallback_ts`` (so the writer can still order versions of a key);
* ``last_updated_partition`` is always null (upstream writes none for alternate ids).

Callers (one DataFrame row per owner, e.g. per passenger after an explode)::

    alt_df = alternate_profile_id_records(
        pax_df,
        alternate_ids=F.col("pax.alternateProfileIds"),
        owner_id=F.when(nz(F.col("pax.id")) != "", F.col("pax.id")).otherwise(F.col("traveller_id")),
        model_version=F.col("pax.modelVersion"),
        last_updated=F.col("pax.lastUpdatedOn"),
    )

and, in ``reject_reasons``, ``alternate_id_errors(F.col("data.alternateProfileIds"), "alternateProfileIds")``.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from transforms.records import FALLBACK_TS, LINEAGE_COLUMNS, select_record
from transforms.values import array_errors, errors, nz, parse_timestamp, single_line_error

OBJECT_TYPE = "alternate_profile_id"
ALTERNATE_PROFILE_ID_FIELDS = ["traveller_id", "accp_object_id", "name", "value", "description"]

# Identify one input line; exact duplicates are dropped within a line (across all its owners).
_LINE_KEY = ("domain", "run_id", "source_file", "line_number")


def alternate_id_errors(alternate_ids: Column, path: str = "alternateProfileIds") -> Column:
    """Reasons (single-line violations) of ``name``, ``value`` and ``description`` of every entry.

    A null or absent array gives no error.
    """
    return array_errors(
        alternate_ids,
        lambda a: errors(
            single_line_error(a["name"], f"{path}.name"),
            single_line_error(a["value"], f"{path}.value"),
            single_line_error(a["description"], f"{path}.description"),
        ),
    )


def alternate_profile_id_records(
    df: DataFrame,
    alternate_ids: Column,
    owner_id: Column,
    model_version: Column,
    last_updated: Column,
) -> DataFrame:
    """Two ``alternate_profile_id`` records per entry of ``alternate_ids`` on each row of ``df``.

    Args:
        df: rows carrying the lineage columns and ``fallback_ts`` (one row per owner).
        alternate_ids: the owner's ``alternateProfileIds`` (array of struct name/value/description);
            null or empty gives no record.
        owner_id: traveller id of record 2 (already resolved by the caller).
        model_version: owner's ``modelVersion`` ("" when null).
        last_updated: owner's ``lastUpdatedOn``, kept verbatim ("" when null).

    Returns:
        The records finished with ``select_record``; exact duplicates within one input line
        (same key, name, value, description, model version and last_updated) dropped.
    """
    base = df.select(
        *LINEAGE_COLUMNS,
        F.col(FALLBACK_TS),
        F.explode(F.coalesce(alternate_ids, F.array())).alias("_alt"),
        nz(owner_id.cast("string")).alias("_owner_id"),
        nz(model_version).alias("model_version"),
        nz(last_updated).alias("last_updated"),
    )
    accp_object_id = F.concat(nz(F.col("_alt.name")), F.lit("_"), nz(F.col("_alt.value")))
    records = (
        base.withColumn("accp_object_id", accp_object_id)
        .withColumn("name", nz(F.col("_alt.name")))
        .withColumn("value", nz(F.col("_alt.value")))
        .withColumn("description", nz(F.col("_alt.description")))
        .withColumn("traveller_id", F.explode(F.array(F.col("accp_object_id"), F.col("_owner_id"))))
        .withColumn("object_type", F.lit(OBJECT_TYPE))
        .withColumn(
            "last_updated_ts",
            F.coalesce(parse_timestamp(F.col("last_updated")), parse_timestamp(F.col(FALLBACK_TS))),
        )
        .withColumn("last_updated_partition", F.lit(None).cast("string"))
        .withColumn("tx_id", F.col("run_id"))
    )
    dedup_key = [*_LINE_KEY, "model_version", "last_updated", *ALTERNATE_PROFILE_ID_FIELDS]
    records = records.dropDuplicates(dedup_key)
    return select_record(records, ALTERNATE_PROFILE_ID_FIELDS)
