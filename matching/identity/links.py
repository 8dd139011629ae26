"""Manual links and split groups: how merges, merge requests and unmerges reach the identity graph.

Pure DataFrame functions. A merge is a link between two profiles' smallest traveller ids (the
source profile demoted); an unmerge puts travellers in split groups that rules never link across.
"""

from __future__ import annotations

from datetime import datetime

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

# Column order of identity/manual_links.
LINK_COLUMNS = (
    "domain",
    "link_id",
    "source_traveller_id",
    "target_traveller_id",
    "from_profile_id",
    "to_profile_id",
    "origin",
    "created_at",
    "active",
)


def request_links(requests: DataFrame, current: DataFrame, existing: DataFrame, now: datetime) -> DataFrame:
    """Links for the ``identity/merge_requests`` rows not linked yet (id: file, line and source traveller).

    ``current``: (traveller_id, profile_id) before the run; ``existing``: the domain's manual links.
    """
    link_id = F.sha2(F.concat_ws("|", F.lit("request"), "source_file", "line_number", "source_traveller_id"), 256)
    profile_of = current.select("traveller_id", "profile_id")
    links = (
        requests.where(F.col("source_traveller_id").isNotNull() & F.col("target_traveller_id").isNotNull())
        .select("domain", link_id.alias("link_id"), "source_traveller_id", "target_traveller_id")
        .join(
            profile_of.select(
                F.col("traveller_id").alias("source_traveller_id"), F.col("profile_id").alias("from_profile_id")
            ),
            "source_traveller_id",
            "left",
        )
        .join(
            profile_of.select(
                F.col("traveller_id").alias("target_traveller_id"), F.col("profile_id").alias("to_profile_id")
            ),
            "target_traveller_id",
            "left",
        )
        .withColumn("origin", F.lit("merge_request"))
        .withColumn("created_at", F.lit(now).cast("timestamp"))
        .withColumn("active", F.lit(True))
    )
    return links.join(existing.select("link_id"), "link_id", "left_anti").select(*LINK_COLUMNS)


def pair_links(
    pairs: DataFrame, mapping: DataFrame, active: DataFrame, domain: str, origin: str, now: datetime
) -> DataFrame:
    """Links merging each (from_profile_id, to_profile_id) pair, minus pairs already linked.

    ``mapping``: (traveller_id, profile_id); ``active``: the domain's active manual links. The link
    id depends on the pair and ``origin`` only, so the same pair never gets two links.
    """
    firsts = mapping.groupBy("profile_id").agg(F.min("traveller_id").alias("first"))
    return (
        pairs.where(F.col("from_profile_id") != F.col("to_profile_id"))
        .join(
            firsts.select(F.col("profile_id").alias("from_profile_id"), F.col("first").alias("source_traveller_id")),
            "from_profile_id",
        )
        .join(
            firsts.select(F.col("profile_id").alias("to_profile_id"), F.col("first").alias("target_traveller_id")),
            "to_profile_id",
        )
        .join(
            active.select("source_traveller_id", "target_traveller_id"),
            ["source_traveller_id", "target_traveller_id"],
            "left_anti",
        )
        .select(
            F.lit(domain).alias("domain"),
            F.sha2(F.concat_ws("|", F.lit(origin), "from_profile_id", "to_profile_id"), 256).alias("link_id"),
            "source_traveller_id",
            "target_traveller_id",
            "from_profile_id",
            "to_profile_id",
            F.lit(origin).alias("origin"),
            F.lit(now).cast("timestamp").alias("created_at"),
            F.lit(True).alias("active"),
        )
    )


def split_rows(
    restored: DataFrame,
    holder_members: DataFrame,
    profile_id: str,
    holder: str,
    domain: str,
    now: datetime,
    run_id: str,
) -> DataFrame:
    """``identity/profile_splits`` rows of an unmerge: the restored travellers in group ``profile_id``,
    the rest of the holding profile's travellers (``holder_members``) in group ``holder``."""
    others = holder_members.select("traveller_id").join(restored, "traveller_id", "left_anti")
    splits = restored.withColumn("split_group", F.lit(profile_id)).unionByName(
        others.withColumn("split_group", F.lit(holder))
    )
    return splits.select(
        F.lit(domain).alias("domain"),
        "traveller_id",
        "split_group",
        F.lit(now).cast("timestamp").alias("created_at"),
        F.lit(run_id).alias("run_id"),
    )
