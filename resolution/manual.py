"""Manual merges and unmerges of profiles, each followed by a resolve run that applies it.

A merge is stored as a manual link between the two profiles' smallest traveller ids (so later resolve
runs keep it) and the merged profile is demoted so the other survives. An unmerge looks up the last
merge that absorbed a profile, puts its travellers and the rest of the profile in separate split
groups (rules never link across them again), deactivates manual links crossing the split, and
records the unmerge.
"""

from __future__ import annotations

import hashlib

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from matching.identity.edges import AUTO_MATCH
from matching.identity.links import pair_links, split_rows
from resolution.resolve import resolve
from runtime import runs
from runtime.config import Settings
from storage import identity_tables as it
from storage.delta_io import merge_condition
from storage.identity_tables import ensure_identity_tables, read_identity


def _members(spark: SparkSession, settings: Settings, domain: str, profile_id: str):
    return read_identity(spark, settings, "traveller_profiles", domain).where(F.col("profile_id") == profile_id)


def merge_profiles(
    spark: SparkSession, settings: Settings, domain: str, profile_id: str, into: str, build_360: bool = True
) -> dict:
    """Link profile ``profile_id`` into ``into`` for good, then resolve."""
    ensure_identity_tables(spark, settings)
    if profile_id == into:
        raise ValueError("a profile cannot be merged into itself")
    firsts = {}
    for pid in (profile_id, into):
        first = _members(spark, settings, domain, pid).agg(F.min("traveller_id")).first()[0]
        if first is None:
            raise ValueError(f"profile {pid!r} has no travellers in domain {domain!r}")
        firsts[pid] = first
    now = runs.utc_now()
    link_id = hashlib.sha256(f"cli|{profile_id}|{into}|{now.isoformat()}".encode()).hexdigest()
    link = {
        "domain": domain,
        "link_id": link_id,
        "source_traveller_id": firsts[profile_id],
        "target_traveller_id": firsts[into],
        "from_profile_id": profile_id,
        "to_profile_id": into,
        "origin": "cli",
        "created_at": now,
        "active": True,
    }
    spark.createDataFrame([link], it.MANUAL_LINKS).write.format("delta").mode("append").save(
        it.path(settings, "manual_links")
    )
    # An explicit merge supersedes earlier unmerge splits of these travellers.
    travellers = _members(spark, settings, domain, profile_id).unionByName(_members(spark, settings, domain, into))
    DeltaTable.forPath(spark, it.path(settings, "profile_splits")).alias("t").merge(
        travellers.select("traveller_id").distinct().alias("s"),
        merge_condition(domain, ("traveller_id",)),
    ).whenMatchedDelete().execute()
    return resolve(spark, settings, domain, job="merge", build_360=build_360)


def merge_pairs(
    spark: SparkSession,
    settings: Settings,
    domain: str,
    pairs: DataFrame,
    origin: str = AUTO_MATCH,
    build_360: bool = True,
) -> int:
    """Merge many (from_profile_id, to_profile_id) pairs at once with one resolve run; returns links added.

    Same mechanism as ``upt merge`` (a link between the profiles' smallest traveller ids, the source
    demoted) but with ``origin`` as the merge reason, and earlier unmerge splits are respected:
    resolve drops links across split groups, so an operator's unmerge is never undone automatically.
    """
    ensure_identity_tables(spark, settings)
    now = runs.utc_now()
    mapping = read_identity(spark, settings, "traveller_profiles", domain)
    active = read_identity(spark, settings, "manual_links", domain).where("active")
    links = pair_links(pairs, mapping, active, domain, origin, now).localCheckpoint()
    added = links.count()
    if added:
        links.write.format("delta").mode("append").save(it.path(settings, "manual_links"))
        resolve(spark, settings, domain, job=f"merge-{origin}", build_360=build_360)
    return added


def unmerge_profile(
    spark: SparkSession, settings: Settings, domain: str, profile_id: str, build_360: bool = True
) -> dict:
    """Give profile ``profile_id`` its travellers back from the profile that absorbed it, then resolve."""
    ensure_identity_tables(spark, settings)
    merges = read_identity(spark, settings, "profile_merges", domain)
    last = (
        merges.where(
            (F.col("from_profile_id") == profile_id) & (F.col("reason") != "unmerge") & F.col("undone_at").isNull()
        )
        .orderBy(F.col("merged_at").desc(), F.col("run_id").desc())
        .first()
    )
    if last is None:
        raise ValueError(f"profile {profile_id!r} was never merged (or its merges are already undone)")
    restored = spark.createDataFrame([(t,) for t in last["traveller_ids"]], "traveller_id string")
    mapping = read_identity(spark, settings, "traveller_profiles", domain)
    holder = (
        mapping.join(restored, "traveller_id")
        .groupBy("profile_id")
        .count()
        .orderBy(F.col("count").desc(), "profile_id")
        .first()
    )
    if holder is None:
        raise ValueError(f"the travellers of {profile_id!r} are no longer mapped")
    current = holder["profile_id"]
    now = runs.utc_now()
    run_id = runs.new_run_id("unmerge", now)
    holder_members = mapping.where(F.col("profile_id") == current)
    splits = split_rows(restored, holder_members, profile_id, current, domain, now, run_id)
    DeltaTable.forPath(spark, it.path(settings, "profile_splits")).alias("t").merge(
        splits.alias("s"), merge_condition(domain, ("traveller_id",))
    ).whenMatchedUpdateAll().whenNotMatchedInsertAll().execute()
    # Manual links from the restored travellers to anyone else would merge them again.
    ids = list(last["traveller_ids"])
    crossing = F.col("source_traveller_id").isin(ids) != F.col("target_traveller_id").isin(ids)
    DeltaTable.forPath(spark, it.path(settings, "manual_links")).update(
        condition=(F.col("domain") == domain) & F.col("active") & crossing, set={"active": F.lit(False)}
    )
    DeltaTable.forPath(spark, it.path(settings, "profile_merges")).update(
        condition=(F.col("domain") == domain)
        & (F.col("from_profile_id") == profile_id)
        & (F.col("run_id") == last["run_id"])
        & F.col("undone_at").isNull(),
        set={"undone_at": F.lit(now).cast("timestamp")},
    )
    record = {
        "domain": domain,
        "from_profile_id": current,
        "to_profile_id": profile_id,
        "reason": "unmerge",
        "run_id": run_id,
        "merged_at": now,
        "traveller_ids": list(last["traveller_ids"]),
        "undone_at": None,
    }
    spark.createDataFrame([record], it.PROFILE_MERGES).write.format("delta").mode("append").save(
        it.path(settings, "profile_merges")
    )
    return resolve(spark, settings, domain, job="unmerge", build_360=build_360)
