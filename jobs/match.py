"""Weekly probabilistic matching of profiles with Splink on Spark (UPT's AI identity-resolution job).

    upt match --domain D [--full]              # score new/changed profiles (all with --full)
    upt match train --domain D                 # train a new model version and save it with charts
    upt match export --domain D --table NAME   # sync matches to UPT's DynamoDB match table

The rules of ``upt resolve`` find exact duplicates; this job scores the pairs they miss. Input: one
row per profile (matching.profile_features). A run loads the newest model under
``<warehouse>/matching/models/<domain>/`` (training one when there is none), compares the profiles
created or changed since the last run with every profile, and replaces those profiles' rows of
``matching/profile_matches``. A rerun with nothing new writes nothing but its job_runs row.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, StringType, StructField, StructType, TimestampType

from jobs import runs
from jobs.config import Settings, is_remote, load_identity_conf, load_matching_conf, load_settings
from jobs.delta_io import ensure_table, equals, merge_condition, overwrite_where
from jobs.resolve import accp_tables, ensure_identity_tables, read_identity
from matching.attributes import identity_attributes
from matching.profile_features import FEATURE_COLUMNS, identified, person_details, profile_features
from matching.splink_settings import UNIQUE_ID, MatchingConf, blocking_rule, neutralise_absence
from matching.splink_settings import load_matching_conf as validate_conf

log = logging.getLogger("upt.match")
AUTO_MATCH = "auto-match"

PROFILE_MATCHES = StructType(
    [
        StructField("domain", StringType()),
        StructField("source_profile_id", StringType()),
        StructField("target_profile_id", StringType()),
        StructField("match_probability", DoubleType()),
        StructField("match_weight", DoubleType()),
        StructField("model_version", StringType()),
        StructField("run_id", StringType()),
        StructField("computed_at", TimestampType()),
    ]
)
PROFILE_CLUSTERS = StructType(
    [
        StructField("domain", StringType()),
        StructField("profile_id", StringType()),
        StructField("cluster_id", StringType()),
        StructField("threshold", DoubleType()),
        StructField("run_id", StringType()),
    ]
)
MATCH_EXPORTS = StructType(
    [
        StructField("domain", StringType()),
        StructField("table_name", StringType()),
        StructField("pk", StringType()),
        StructField("sk", StringType()),
        StructField("score", DoubleType()),
        StructField("exported_at", TimestampType()),
    ]
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", default="run", choices=("run", "train", "export"))
    parser.add_argument("--domain", required=True)
    parser.add_argument("--full", action="store_true", help="recompute every profile, not only new/changed ones")
    parser.add_argument("--table", help="DynamoDB table name (export)")
    parser.add_argument("--endpoint", help="DynamoDB endpoint URL (export); default: conf dynamodb.endpoint")
    parser.add_argument(
        "--backend", choices=("spark", "duckdb"), help="where Splink scores the pairs; overrides matching.backend"
    )


def matching_conf(settings: Settings) -> MatchingConf:
    return validate_conf(load_matching_conf(settings))


# --- model files (local folder or s3://) -------------------------------------------------------


class ModelStore:
    """Versioned model JSON and chart HTML under ``<warehouse>/matching/models/<domain>/``."""

    def __init__(self, settings: Settings, domain: str) -> None:
        self.root = f"{settings.table_path('matching', 'models')}/{domain}"
        self.settings = settings

    def _s3(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.settings.get("s3.endpoint"))

    @staticmethod
    def _split(uri: str) -> tuple[str, str]:
        bucket, _, key = uri.split("://", 1)[1].partition("/")
        return bucket, key

    def write(self, name: str, text: str) -> str:
        uri = f"{self.root}/{name}"
        if is_remote(uri):
            bucket, key = self._split(uri)
            self._s3().put_object(Bucket=bucket, Key=key, Body=text.encode())
        else:
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
            Path(uri).write_text(text)
        return uri

    def read(self, name: str) -> str:
        uri = f"{self.root}/{name}"
        if is_remote(uri):
            bucket, key = self._split(uri)
            return self._s3().get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        return Path(uri).read_text()

    def versions(self) -> list[str]:
        """Model versions, oldest first (versions are UTC timestamps, so they sort)."""
        if is_remote(self.root):
            bucket, key = self._split(self.root)
            pages = self._s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key + "/")
            names = [o["Key"].rsplit("/", 1)[-1] for page in pages for o in page.get("Contents", [])]
        else:
            names = [p.name for p in Path(self.root).glob("model-*.json")] if Path(self.root).exists() else []
        return sorted(n[len("model-") : -len(".json")] for n in names if n.startswith("model-") and n.endswith(".json"))

    def latest(self) -> tuple[str, dict] | None:
        found = self.versions()
        return (found[-1], json.loads(self.read(f"model-{found[-1]}.json"))) if found else None


# --- Splink on Spark ---------------------------------------------------------------------------


def splink_api(spark: SparkSession, settings: Settings, run_id: str):
    """SparkAPI whose lineage-breaking parquet files go under the warehouse (one folder per run)."""
    from splink import SparkAPI

    checkpoints = f"{settings.warehouse.rstrip('/')}/_checkpoints/splink/{run_id}"
    spark.sparkContext.setCheckpointDir(checkpoints)
    return SparkAPI(spark_session=spark, break_lineage_method="parquet"), checkpoints


def _cleanup(path: str) -> None:
    if not is_remote(path):
        shutil.rmtree(path, ignore_errors=True)


def build_features(
    spark: SparkSession, settings: Settings, domain: str, conf: MatchingConf, per_traveller: bool = False
) -> DataFrame:
    """The domain's matching input (one row per profile), from the ACCP and identity tables.

    ``per_traveller``: one row per traveller id instead (every traveller its own "profile"), the
    uncensored records the model's m probabilities are trained on.
    """
    ensure_identity_tables(spark, settings)
    tables = accp_tables(spark, settings, domain)
    identity = load_identity_conf(settings)
    # Checkpointed inputs keep the optimizer away from the normalisation expressions of 14 tables.
    attributes = identity_attributes(tables, str(identity.get("default_country_code", "1"))).localCheckpoint()
    details = person_details(tables)
    details = details.localCheckpoint() if details is not None else None
    profiles = read_identity(spark, settings, "traveller_profiles", domain).localCheckpoint()
    mapping = profiles.withColumn(UNIQUE_ID, F.col("traveller_id")) if per_traveller else profiles
    return profile_features(attributes, details, mapping, conf.max_profiles_per_value, alias_mapping=profiles)


def _weights(predictions) -> np.ndarray:
    """The match_weight column of Splink predictions (Spark or DuckDB) as an array."""
    try:
        frame = predictions.as_spark_dataframe().select("match_weight").toPandas()
    except NotImplementedError:  # not the Spark backend
        frame = predictions.as_pandas_dataframe()
    return frame["match_weight"].to_numpy(dtype=float)


def prior_from_blocked_pairs(weights: np.ndarray, profiles: int, iterations: int = 100) -> float:
    """The prior p whose expected number of matches equals the sum of the blocked pairs' probabilities.

    ``weights``: log2 Bayes factors of every blocked pair (match weights at prior 0.5). Iterates
    p <- sum(p * BF / (p * BF + 1 - p)) / (all pairs); pairs the blocking never compares are taken
    as non-matches, so this errs low. Replaces deterministic rules, whose pairs (same surname and
    birth date...) the identity rules have already joined, so they find almost none among profiles.
    """
    total = profiles * (profiles - 1) / 2
    if not len(weights) or total <= 0:
        return 1e-6
    bayes = np.power(2.0, np.clip(weights, -200, 200))
    prior = min(len(weights) / total, 0.5)
    for _ in range(iterations):
        updated = float(np.sum(prior * bayes / (prior * bayes + 1 - prior)) / total)
        updated = min(max(updated, 1e-12), 0.5)
        if abs(updated - prior) <= 1e-9 * prior:
            break
        prior = updated
    return prior


def _floor_m(model: dict, minimum: float) -> dict:
    """Raise every learned m probability to at least ``minimum`` (no level is impossible for a match)."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            if level.get("m_probability") is None or level["m_probability"] < minimum:
                level["m_probability"] = minimum
    return model


def train_model(db_api, profiles, travellers, conf: MatchingConf, profile_count: int) -> tuple[dict, object]:
    """m by EM on traveller records, u by random sampling of profiles, prior from the blocked pairs.

    ``profiles`` / ``travellers``: the identified rows of the profile and per-traveller features
    (Spark or pandas frames, whatever ``db_api`` registers), FEATURE_COLUMNS only.
    """
    from splink import Linker

    training = conf.training
    u_options = {
        "max_pairs": float(training.get("max_pairs_for_u", 2e6)),
        "seed": int(training.get("seed", 42)),
        "num_chunks": int(training.get("u_chunks", 1)),
    }
    records = db_api.register(travellers)
    linker = Linker(records, conf.settings_creator(), log_level=None)
    # EM needs u for its E step: traveller u here; the model keeps the profiles' u below.
    linker.training.estimate_u_using_random_sampling(**u_options)
    failed = []
    for rule in training["em_blocking_rules"]:
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(blocking_rule(rule))
        except ValueError as exc:
            # Splink 5 refuses an m of exactly 0 (a level EM saw only among non-matches, common on
            # small data); the other sessions still estimate those comparisons. A failed session
            # leaves the linker's settings without the blocked comparisons, so restore them.
            log.warning(json.dumps({"event": "em_session_failed", "rule": rule, "error": str(exc)[:300]}))
            failed.append(rule)
            linker = Linker(records, before, log_level=None)
    if len(failed) == len(training["em_blocking_rules"]):
        raise RuntimeError(f"every EM session failed: {failed}")
    trained = _floor_m(linker.misc.save_model_to_json(), float(training.get("min_m_probability", 0.001)))

    scored = db_api.register(profiles)
    linker = Linker(scored, conf.settings_creator(), log_level=None)
    linker.training.estimate_u_using_random_sampling(**u_options)
    model = linker.misc.save_model_to_json()
    for target, source in zip(model["comparisons"], trained["comparisons"], strict=True):
        for level, learned in zip(target["comparison_levels"], source["comparison_levels"], strict=True):
            if "m_probability" in learned:
                level["m_probability"] = learned["m_probability"]
    # Levels never seen among the sampled profile pairs: rarer than one in the sample.
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level") and not level.get("u_probability"):
                level["u_probability"] = 1 / u_options["max_pairs"]
    model = neutralise_absence(model, conf)
    model["probability_two_random_records_match"] = 0.5
    weights = _weights(Linker(scored, model, log_level=None).inference.predict(warning_mode="never"))
    model["probability_two_random_records_match"] = prior_from_blocked_pairs(weights, profile_count)
    expected = [c["column"] for c in conf.comparisons]
    if [c["output_column_name"] for c in model["comparisons"]] != expected:
        raise RuntimeError(f"trained model lost comparisons: {model['comparisons']!r:.200}")
    return model, Linker(scored, model, log_level=None)


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
        profiles = identified(features.select(*FEATURE_COLUMNS)).localCheckpoint()
        records = identified(travellers.select(*FEATURE_COLUMNS)).localCheckpoint()
        model, linker = train_model(db_api, profiles, records, conf, profiles.count())
        store = ModelStore(settings, domain)
        path = store.write(f"model-{version}.json", json.dumps(model, indent=1, sort_keys=True))
        store.write(f"match_weights-{version}.html", linker.visualisations.match_weights_chart().to_html())
        store.write(f"m_u_parameters-{version}.html", linker.visualisations.m_u_parameters_chart().to_html())
    finally:
        _cleanup(checkpoints)
    return {"model_version": version, "model_path": path}


def predict(db_api, features: DataFrame, model: dict, changed: DataFrame | None) -> DataFrame:
    """Every blocked pair (source < target) with its match probability and weight.

    ``changed``: (profile_id) of the profiles to compare; None compares all of them. Changed profiles
    are compared with each other (predict_within) and with the unchanged ones (predict_between);
    term frequencies always come from all profiles.
    """
    from splink import Linker

    # Profiles without any identity attribute cannot match anything: they are not compared.
    features = identified(features.select(*FEATURE_COLUMNS))
    linker = Linker(db_api.register(features), model, log_level=None)
    if changed is None:
        scored = linker.inference.predict(warning_mode="never").as_spark_dataframe()
    else:
        for column in linker._settings_obj._term_frequency_columns:
            linker.table_management.compute_tf_table(column.input_name)
        new = features.join(changed.select(UNIQUE_ID), UNIQUE_ID, "left_semi")
        old = features.join(changed.select(UNIQUE_ID), UNIQUE_ID, "left_anti")
        new_sdf, old_sdf = db_api.register(new), db_api.register(old)
        within = linker.inference.predict_within(new_sdf, warning_mode="never").as_spark_dataframe()
        between = linker.inference.predict_between(old_sdf, new_sdf, warning_mode="never").as_spark_dataframe()
        scored = within.unionByName(between.select(*within.columns))
    left, right = F.col(f"{UNIQUE_ID}_l"), F.col(f"{UNIQUE_ID}_r")
    return scored.select(
        F.least(left, right).alias("source_profile_id"),
        F.greatest(left, right).alias("target_profile_id"),
        F.col("match_probability").cast("double").alias("match_probability"),
        F.col("match_weight").cast("double").alias("match_weight"),
    )


# --- Splink on DuckDB (matching.backend: duckdb) -----------------------------------------------


def model_for_duckdb(model: dict, conf: MatchingConf) -> dict:
    """The trained model re-expressed in DuckDB SQL: same levels, same m/u, tf weights and prior.

    Saved models carry Spark-quoted SQL (training runs on Spark), so the conf's comparisons and
    blocking rules are rendered for DuckDB and the trained parameters copied over level by level.
    """
    duck = conf.settings_creator().get_settings("duckdb").as_dict()
    duck["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    for target, source in zip(duck["comparisons"], model["comparisons"], strict=True):
        for level, trained in zip(target["comparison_levels"], source["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability", "tf_adjustment_weight"):
                if key in trained:
                    level[key] = trained[key]
    return duck


def arrow_table(frame: DataFrame):
    """``frame`` as one pyarrow Table in the driver: the DuckDB backend's input, only used when the
    conf says ``matching.backend: duckdb`` (a domain one driver holds)."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import to_arrow_schema

    batches = frame._collect_as_arrow()  # Spark's own Arrow collection (DataFrame.toArrow in Spark 4)
    return pa.Table.from_batches(batches, schema=to_arrow_schema(frame.schema))


def predict_duckdb(
    spark: SparkSession, features: DataFrame, model: dict, conf: MatchingConf, changed: DataFrame | None
) -> DataFrame:
    """predict() on Splink's DuckDB backend: the same pairs and probabilities, scored in the driver.

    The identified profile features go to DuckDB as one Arrow table; the scored pairs come back as
    a Spark DataFrame (through Arrow) for the same MERGE into profile_matches.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    from splink import DuckDBAPI, Linker

    table = arrow_table(identified(features.select(*FEATURE_COLUMNS)))
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(table), model_for_duckdb(model, conf), log_level=None)
    columns = [f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r", "match_probability", "match_weight"]
    if changed is None:
        scored = linker.inference.predict(warning_mode="never").as_pyarrow_table().select(columns)
    else:
        for column in linker._settings_obj._term_frequency_columns:
            linker.table_management.compute_tf_table(column.input_name)
        ids = arrow_table(changed.select(UNIQUE_ID)).column(UNIQUE_ID)
        is_new = pc.is_in(table.column(UNIQUE_ID), value_set=ids)
        new_sdf = db_api.register(table.filter(is_new))
        old_sdf = db_api.register(table.filter(pc.invert(is_new)))
        within = linker.inference.predict_within(new_sdf, warning_mode="never").as_pyarrow_table()
        between = linker.inference.predict_between(old_sdf, new_sdf, warning_mode="never").as_pyarrow_table()
        scored = pa.concat_tables([within.select(columns), between.select(columns)])
    schema = "profile_id_l string, profile_id_r string, match_probability double, match_weight double"
    arrow_enabled = spark.conf.get("spark.sql.execution.arrow.pyspark.enabled", "false")
    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    try:
        pairs = spark.createDataFrame(scored.to_pandas(), schema=schema)
    finally:
        spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", arrow_enabled)
    left, right = F.col(f"{UNIQUE_ID}_l"), F.col(f"{UNIQUE_ID}_r")
    return pairs.select(
        F.least(left, right).alias("source_profile_id"),
        F.greatest(left, right).alias("target_profile_id"),
        F.col("match_probability").cast("double").alias("match_probability"),
        F.col("match_weight").cast("double").alias("match_weight"),
    )


# --- the weekly run ----------------------------------------------------------------------------


def _path(settings: Settings, table: str) -> str:
    return settings.table_path("matching", table)


def _read(spark: SparkSession, settings: Settings, table: str, domain: str) -> DataFrame:
    return spark.read.format("delta").load(_path(settings, table)).where(F.col("domain") == domain)


def _features_schema(spark: SparkSession, features: DataFrame) -> StructType:
    return StructType(features.schema.fields + [StructField("model_version", StringType())])


def replace_matches(
    spark: SparkSession, settings: Settings, domain: str, new_rows: DataFrame, affected: DataFrame | None
) -> int:
    """MERGE ``new_rows`` into profile_matches and delete the other rows touching ``affected`` profiles.

    ``affected`` None means every row of the domain is replaced. Returns rows inserted, updated or deleted.
    """
    existing = _read(spark, settings, "profile_matches", domain).select("source_profile_id", "target_profile_id")
    if affected is None:
        touched = existing
    else:
        ids = affected.select(F.col(UNIQUE_ID).alias("_id")).distinct()
        touched = existing.join(ids, F.col("source_profile_id") == F.col("_id"), "left_semi").unionByName(
            existing.join(ids, F.col("target_profile_id") == F.col("_id"), "left_semi")
        )
    stale = touched.distinct().join(new_rows, ["source_profile_id", "target_profile_id"], "left_anti")
    source = (
        new_rows.withColumn("_delete", F.lit(False))
        .unionByName(stale.withColumn("_delete", F.lit(True)), allowMissingColumns=True)
        .localCheckpoint()
    )
    count = source.count()
    if count:
        condition = merge_condition(domain, ("source_profile_id", "target_profile_id"))
        values = {c: f"s.{c}" for c in PROFILE_MATCHES.fieldNames()}
        DeltaTable.forPath(spark, _path(settings, "profile_matches")).alias("t").merge(
            source.alias("s"), condition
        ).whenMatchedDelete(condition="s._delete").whenMatchedUpdate(set=values).whenNotMatchedInsert(
            condition="NOT s._delete", values=values
        ).execute()
    return count


def write_clusters(spark: SparkSession, settings: Settings, domain: str, db_api, threshold: float, run_id: str) -> int:
    """Splink connected-components clusters of the domain's matches at ``threshold`` (whole domain)."""
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    nodes = _read(spark, settings, "profile_features", domain).select(UNIQUE_ID)
    edges = _read(spark, settings, "profile_matches", domain).select(
        F.col("source_profile_id").alias(f"{UNIQUE_ID}_l"),
        F.col("target_profile_id").alias(f"{UNIQUE_ID}_r"),
        "match_probability",
    )
    clusters = cluster_pairwise_predictions_at_threshold(
        nodes, edges, db_api, UNIQUE_ID, threshold_match_probability=threshold
    ).as_spark_dataframe()
    rows = clusters.select(
        F.lit(domain).alias("domain"),
        UNIQUE_ID,
        F.col("cluster_id").cast("string").alias("cluster_id"),
        F.lit(threshold).alias("threshold"),
        F.lit(run_id).alias("run_id"),
    ).localCheckpoint()
    overwrite_where(rows, _path(settings, "profile_clusters"), equals("domain", domain))
    return rows.count()


def ensure_matching_tables(spark: SparkSession, settings: Settings, features: DataFrame | None = None) -> None:
    ensure_table(spark, _path(settings, "profile_matches"), PROFILE_MATCHES)
    ensure_table(spark, _path(settings, "profile_clusters"), PROFILE_CLUSTERS)
    if features is not None:
        ensure_table(spark, _path(settings, "profile_features"), _features_schema(spark, features))


def _score(spark, db_api, features, model, conf: MatchingConf, changed_ids) -> DataFrame:
    """The blocked pairs with their probabilities, on the backend the conf names."""
    if conf.backend == "duckdb":
        return predict_duckdb(spark, features, model, conf, changed_ids)
    return predict(db_api, features, model, changed_ids)


def match(spark: SparkSession, settings: Settings, domain: str, full: bool = False) -> dict:
    """One weekly run for ``domain``; returns (and logs in ops/job_runs) its summary row."""
    conf = matching_conf(settings)
    with runs.tracked_run(settings, spark, "match", domain) as run:
        checkpoints: list[str] = []
        try:
            _match(spark, settings, domain, conf, full, run, checkpoints)
        finally:
            for path in checkpoints:
                _cleanup(path)
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

    snapshot = _read(spark, settings, "profile_features", domain)
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
        _score(spark, db_api, features, model, conf, changed_ids).localCheckpoint()
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
        DeltaTable.forPath(spark, _path(settings, "profile_features")).alias("t").merge(
            source.alias("s"), merge_condition(domain, (UNIQUE_ID,))
        ).whenMatchedDelete(condition="s._delete").whenMatchedUpdate(
            set={c: f"s.{c}" for c in snap.columns}
        ).whenNotMatchedInsert(condition="NOT s._delete", values={c: f"s.{c}" for c in snap.columns}).execute()
    else:
        # mergeSchema: a new feature column (a model upgrade always runs in full) joins the table.
        overwrite_where(snap, _path(settings, "profile_features"), equals("domain", domain), merge_schema=True)
    written["profile_clusters"] = write_clusters(spark, settings, domain, db_api, conf.threshold, run_id)
    if conf.auto_merge_threshold is not None:
        written["auto_merged"] = auto_merge(spark, settings, domain, conf.auto_merge_threshold)


def auto_merge(spark: SparkSession, settings: Settings, domain: str, threshold: float) -> int:
    """Merge pairs at or above ``threshold`` through the identity step (reason auto-match).

    Pairs whose profiles an unmerge split apart stay split: resolve drops links across split groups.
    """
    from jobs.merge import merge_pairs

    pairs = (
        _read(spark, settings, "profile_matches", domain)
        .where(F.col("match_probability") >= threshold)
        .select(F.col("target_profile_id").alias("from_profile_id"), F.col("source_profile_id").alias("to_profile_id"))
    )
    merged = merge_pairs(spark, settings, domain, pairs, origin=AUTO_MATCH)
    if merged:
        # Pairs now inside one profile are no longer candidates.
        live = read_identity(spark, settings, "traveller_profiles", domain).select(UNIQUE_ID).distinct()
        gone = _read(spark, settings, "profile_features", domain).select(UNIQUE_ID).join(live, UNIQUE_ID, "left_anti")
        replace_matches(spark, settings, domain, spark.createDataFrame([], PROFILE_MATCHES), gone)
    return merged


# --- DynamoDB export ---------------------------------------------------------------------------


def dynamo_items(matches: DataFrame, domain: str) -> DataFrame:
    """UPT's match-table items for both directions: pk ``<domain>_<source>``, sk ``match_<target>``."""
    both = matches.select("source_profile_id", "target_profile_id", "match_probability").unionByName(
        matches.select(
            F.col("target_profile_id").alias("source_profile_id"),
            F.col("source_profile_id").alias("target_profile_id"),
            "match_probability",
        )
    )
    return both.select(
        F.concat(F.lit(f"{domain}_"), "source_profile_id").alias("pk"),
        F.concat(F.lit("match_"), "target_profile_id").alias("sk"),
        F.col("match_probability").alias("score"),
        F.col("target_profile_id").alias("target"),
    )


def _dynamo_writer(table_name: str, endpoint: str | None, region: str):
    """A partition function putting or deleting items with boto3's batch_writer (retries built in)."""

    def write(rows) -> None:
        import boto3
        from botocore.config import Config

        resource = boto3.resource(
            "dynamodb",
            endpoint_url=endpoint,
            region_name=region,
            config=Config(retries={"max_attempts": 10, "mode": "adaptive"}),
        )
        with resource.Table(table_name).batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
            for row in rows:
                if row["op"] == "delete":
                    batch.delete_item(Key={"pk": row["pk"], "sk": row["sk"]})
                else:
                    batch.put_item(
                        Item={
                            "pk": row["pk"],
                            "sk": row["sk"],
                            "Score": Decimal(repr(row["score"])),
                            "targetProfileID": row["target"],
                        }
                    )

    return write


def export(spark: SparkSession, settings: Settings, domain: str, table_name: str, endpoint: str | None = None) -> dict:
    """Sync the domain's matches to DynamoDB: put new or rescored items, delete items no longer matched.

    What was exported last time is kept in ``matching/match_exports``, so a rerun with no new matches
    sends nothing and a profile's vanished matches are deleted from the table.
    """
    endpoint = endpoint or settings.get("dynamodb.endpoint") or settings.get("s3.endpoint")
    region = settings.get("dynamodb.region") or settings.get("s3.region") or "us-east-1"
    ensure_matching_tables(spark, settings)
    state_path = _path(settings, "match_exports")
    ensure_table(spark, state_path, MATCH_EXPORTS)
    desired = dynamo_items(_read(spark, settings, "profile_matches", domain), domain).localCheckpoint()
    previous = _read(spark, settings, "match_exports", domain).where(F.col("table_name") == table_name)
    puts = desired.join(previous.select("pk", "sk", "score"), ["pk", "sk", "score"], "left_anti").withColumn(
        "op", F.lit("put")
    )
    deletes = (
        previous.select("pk", "sk")
        .join(desired, ["pk", "sk"], "left_anti")
        .withColumn("score", F.lit(None).cast("double"))
        .withColumn("target", F.lit(None).cast("string"))
        .withColumn("op", F.lit("delete"))
    )
    ops = puts.unionByName(deletes).localCheckpoint()
    counts = {r["op"]: r["n"] for r in ops.groupBy("op").agg(F.count("*").alias("n")).collect()}
    if counts:
        ops.foreachPartition(_dynamo_writer(table_name, endpoint, region))
        now = runs.utc_now()
        state = desired.select(
            F.lit(domain).alias("domain"),
            F.lit(table_name).alias("table_name"),
            "pk",
            "sk",
            "score",
            F.lit(now).cast("timestamp").alias("exported_at"),
        )
        overwrite_where(state, state_path, equals("domain", domain) & equals("table_name", table_name))
    return {"table": table_name, "put": counts.get("put", 0), "deleted": counts.get("delete", 0)}


def ensure_dynamo_table(table_name: str, endpoint: str | None, region: str = "us-east-1") -> None:
    """Create UPT's match table (pk/sk strings, on-demand) unless it exists: for tests and local runs."""
    import boto3

    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=region)
    if table_name in client.list_tables()["TableNames"]:
        return
    client.create_table(
        TableName=table_name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    client.get_waiter("table_exists").wait(TableName=table_name)


def print_summary(row: dict) -> None:
    print(json.dumps({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}, sort_keys=True))


def run(args: argparse.Namespace) -> int:
    from jobs.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse, "matching.backend": args.backend})
    spark = build_spark(settings, app_name=f"upt-match-{args.domain}")
    if args.action == "train":
        print_summary(train(spark, settings, args.domain))
    elif args.action == "export":
        if not args.table:
            print("upt match export needs --table NAME", file=sys.stderr)
            return 2
        print_summary(export(spark, settings, args.domain, args.table, args.endpoint))
    else:
        print_summary(match(spark, settings, args.domain, full=args.full))
    return 0


if __name__ == "__main__":
    from jobs.cli import run_job

    sys.exit(run_job("jobs.match"))
