"""The weekly matching run of a domain: train when needed, score new/changed profiles, store, cluster.

Input: one row per profile (matching.profile_features). A run loads the newest model under
``<warehouse>/matching/models/<domain>/`` (training one when there is none), compares the profiles
created or changed since the last run with every profile, and replaces those profiles' rows of
``matching/profile_matches``. A rerun with nothing new writes nothing but its job_runs row.
"""

from __future__ import annotations

import json

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from matching.attributes import identity_attributes
from matching.blocking import scoring_input
from matching.identity.edges import AUTO_MATCH
from matching.model.conf import matching_conf
from matching.model.prediction import score
from matching.model.splink_session import cleanup_checkpoints, splink_api
from matching.model.store import ModelStore
from matching.model.tables import (
    PROFILE_MATCHES,
    ensure_matching_tables,
    read_table,
    replace_matches,
    table_path,
    write_clusters,
)
from matching.model.training import train_model
from matching.profile_features import person_details, profile_features
from matching.splink_settings import UNIQUE_ID, MatchingConf
from resolution.manual import merge_pairs
from runtime import runs
from runtime.config import Settings, load_identity_conf
from runtime.inputs import InputError
from storage.delta_io import equals, merge_condition, overwrite_where
from storage.identity_tables import accp_tables, ensure_identity_tables, read_identity


class NoRecordsError(InputError):
    """Matching asked of a domain (or warehouse) that holds no ingested records: a usage error (exit 2)."""


def build_features(
    spark: SparkSession, settings: Settings, domain: str, conf: MatchingConf, per_traveller: bool = False
) -> DataFrame:
    """The domain's matching input (one row per profile), from the ACCP and identity tables.

    ``per_traveller``: one row per traveller id instead (every traveller its own "profile"), the
    uncensored records the model's m probabilities are trained on.
    """
    ensure_identity_tables(spark, settings)
    tables = accp_tables(spark, settings, domain)
    if not tables:
        raise NoRecordsError(
            f"domain {domain!r} has no ACCP records under {settings.warehouse}: run `upt ingest` and `upt resolve` first"
        )
    identity = load_identity_conf(settings)
    # Checkpointed inputs keep the optimizer away from the normalisation expressions of 14 tables.
    attributes = identity_attributes(tables, str(identity.get("default_country_code", "1"))).localCheckpoint()
    details = person_details(tables)
    details = details.localCheckpoint() if details is not None else None
    profiles = read_identity(spark, settings, "traveller_profiles", domain).localCheckpoint()
    mapping = profiles.withColumn(UNIQUE_ID, F.col("traveller_id")) if per_traveller else profiles
    return profile_features(attributes, details, mapping, conf.max_profiles_per_value, alias_mapping=profiles)


def train(
    spark: SparkSession,
    settings: Settings,
    domain: str,
    features: DataFrame | None = None,
    travellers: DataFrame | None = None,
) -> dict:
    """Train and save a new model version with its match-weight and m/u charts; returns its summary."""
    conf = matching_conf(settings)
    started = runs.utc_now()
    version = started.strftime("%Y%m%dT%H%M%S%fZ")
    db_api, checkpoints = splink_api(spark, settings, f"train-{version}")
    try:
        features = features if features is not None else build_features(spark, settings, domain, conf)
        if travellers is None:
            travellers = build_features(spark, settings, domain, conf, per_traveller=True)
        profiles = scoring_input(features, conf).localCheckpoint()
        records = scoring_input(travellers, conf).localCheckpoint()
        model, linker = train_model(db_api, profiles, records, conf, profiles.count())
        store = ModelStore(settings, domain)
        path = store.write(f"model-{version}.json", json.dumps(model, indent=1, sort_keys=True))
        store.write(f"match_weights-{version}.html", linker.visualisations.match_weights_chart().to_html())
        store.write(f"m_u_parameters-{version}.html", linker.visualisations.m_u_parameters_chart().to_html())
    finally:
        cleanup_checkpoints(checkpoints)
    return {"model_version": version, "model_path": path}


def match(spark: SparkSession, settings: Settings, domain: str, full: bool = False) -> dict:
    """One weekly run for ``domain``; returns (and logs in ops/job_runs) its summary row."""
    conf = matching_conf(settings)
    with runs.tracked_run(settings, spark, "match", domain) as run:
        checkpoints: list[str] = []
        try:
            _match(spark, settings, domain, conf, full, run, checkpoints)
        finally:
            for path in checkpoints:
                cleanup_checkpoints(path)
    return run.row


def _match(
    spark: SparkSession,
    settings: Settings,
    domain: str,
    conf: MatchingConf,
    full: bool,
    run: runs.TrackedRun,
    checkpoints: list[str],
) -> None:
    """The body of a run: fills ``run.written``; Splink checkpoint folders go to ``checkpoints``."""
    started, run_id, written = run.started_at, run.run_id, run.written
    features = build_features(spark, settings, domain, conf).localCheckpoint()
    ensure_matching_tables(spark, settings, features)
    store = ModelStore(settings, domain)
    latest = store.latest()
    if latest is None:
        train(spark, settings, domain, features)
        latest = store.latest()
        written["model_trained"] = 1
    version, model = latest
    run.objects = [f"model:{version}"]
    db_api, checkpoint_dir = splink_api(spark, settings, run_id)
    checkpoints.append(checkpoint_dir)

    snapshot = read_table(spark, settings, "profile_features", domain)
    # A first run, or a new model version, scores everything.
    first_run = snapshot.limit(1).count() == 0
    model_changed = snapshot.where(F.col("model_version") != version).limit(1).count() > 0
    incremental = not (full or first_run or model_changed)
    if incremental:
        changed = features.join(snapshot.select(UNIQUE_ID, "feature_hash"), [UNIQUE_ID, "feature_hash"], "left_anti")
        gone = snapshot.select(UNIQUE_ID).join(features.select(UNIQUE_ID), UNIQUE_ID, "left_anti")
        changed_ids = changed.select(UNIQUE_ID).localCheckpoint()
        gone_ids = gone.localCheckpoint()
        written["profiles_changed"] = changed_ids.count()
        written["profiles_gone"] = gone_ids.count()
        if not written["profiles_changed"] and not written["profiles_gone"]:
            written["pairs_compared"] = 0
            return
        affected = changed_ids.unionByName(gone_ids)
    else:
        changed_ids, affected = None, None
        written["profiles_changed"] = features.count()
    scored = (
        score(spark, db_api, features, model, conf, changed_ids).localCheckpoint()
        if (changed_ids is None or written["profiles_changed"])
        else spark.createDataFrame(
            [], "source_profile_id string, target_profile_id string, match_probability double, match_weight double"
        )
    )
    written["pairs_compared"] = scored.count()
    new_rows = scored.where(F.col("match_probability") >= conf.store_threshold).select(
        F.lit(domain).alias("domain"),
        "source_profile_id",
        "target_profile_id",
        "match_probability",
        "match_weight",
        F.lit(version).alias("model_version"),
        F.lit(run_id).alias("run_id"),
        F.lit(started).cast("timestamp").alias("computed_at"),
    )
    written["profile_matches"] = replace_matches(spark, settings, domain, new_rows, affected)

    # Snapshot of the features just matched: the next run compares only what differs from it.
    snap = features.withColumn("model_version", F.lit(version))
    if incremental:
        upserts = snap.join(changed_ids, UNIQUE_ID, "left_semi").withColumn("_delete", F.lit(False))
        tombstones = gone_ids.withColumn("domain", F.lit(domain)).withColumn("_delete", F.lit(True))
        source = upserts.unionByName(tombstones, allowMissingColumns=True)
        DeltaTable.forPath(spark, table_path(settings, "profile_features")).alias("t").merge(
            source.alias("s"), merge_condition(domain, (UNIQUE_ID,))
        ).whenMatchedDelete(condition="s._delete").whenMatchedUpdate(
            set={c: f"s.{c}" for c in snap.columns}
        ).whenNotMatchedInsert(condition="NOT s._delete", values={c: f"s.{c}" for c in snap.columns}).execute()
    else:
        # mergeSchema: a new feature column (a model upgrade always runs in full) joins the table.
        overwrite_where(snap, table_path(settings, "profile_features"), equals("domain", domain), merge_schema=True)
    written["profile_clusters"] = write_clusters(spark, settings, domain, db_api, conf.threshold, run_id)
    if conf.auto_merge_threshold is not None:
        written["auto_merged"] = auto_merge(spark, settings, domain, conf.auto_merge_threshold)


def auto_merge(spark: SparkSession, settings: Settings, domain: str, threshold: float) -> int:
    """Merge pairs at or above ``threshold`` through the identity step (reason auto-match).

    Pairs whose profiles an unmerge split apart stay split: resolve drops links across split groups.
    """
    pairs = (
        read_table(spark, settings, "profile_matches", domain)
        .where(F.col("match_probability") >= threshold)
        .select(F.col("target_profile_id").alias("from_profile_id"), F.col("source_profile_id").alias("to_profile_id"))
    )
    merged = merge_pairs(spark, settings, domain, pairs, origin=AUTO_MATCH)
    if merged:
        # Pairs now inside one profile are no longer candidates.
        live = read_identity(spark, settings, "traveller_profiles", domain).select(UNIQUE_ID).distinct()
        gone = (
            read_table(spark, settings, "profile_features", domain).select(UNIQUE_ID).join(live, UNIQUE_ID, "left_anti")
        )
        replace_matches(spark, settings, domain, spark.createDataFrame([], PROFILE_MATCHES), gone)
    return merged
