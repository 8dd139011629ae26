"""Stored matches for review: the best pairs first, and one pair rescored into its waterfall."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from matching.blocking import with_block_keys
from matching.explain import waterfall
from matching.model.conf import matching_conf
from matching.model.splink_session import cleanup_checkpoints, splink_api
from matching.model.store import ModelStore
from matching.profile_features import FEATURE_COLUMNS, identified
from matching.splink_settings import prediction_rules_sql
from runtime.config import Settings


class ExplainError(LookupError):
    """The pair cannot be explained (no model, no stored match, no features); the message says why."""


def best_matches(matches: DataFrame, floor: float, profile: str | None, limit: int) -> list[dict]:
    """Matches at or above ``floor`` (of ``profile`` when given), best first, at most ``limit``."""
    matches = matches.where(F.col("match_probability") >= floor)
    if profile:
        matches = matches.where((F.col("source_profile_id") == profile) | (F.col("target_profile_id") == profile))
    rows = (
        matches.orderBy(F.col("match_probability").desc(), "source_profile_id", "target_profile_id")
        .limit(limit)
        .collect()
    )
    return [
        {
            "source_profile_id": row["source_profile_id"],
            "target_profile_id": row["target_profile_id"],
            "match_probability": round(row["match_probability"], 6),
            "match_weight": round(row["match_weight"], 3),
            "model_version": row["model_version"],
        }
        for row in rows
    ]


def explain_pair(
    spark: SparkSession, settings: Settings, domain: str, profile: str, other: str | None, matches: DataFrame
) -> dict:
    """Rescore (profile, other) with the newest stored model: its version, the other id, the steps.

    ``other`` None: ``profile``'s best stored match. Raises ExplainError with the reason it cannot.
    """
    from splink import Linker

    latest = ModelStore(settings, domain).latest()
    if latest is None:
        raise ExplainError("no stored model: run `upt match` first")
    version, model = latest
    if other is None:
        mine = matches.where((F.col("source_profile_id") == profile) | (F.col("target_profile_id") == profile))
        best = mine.orderBy(F.col("match_probability").desc()).limit(1).collect()
        if not best:
            raise ExplainError(f"profile {profile} has no stored match: name the other profile with --other")
        other = (
            best[0]["target_profile_id"] if best[0]["source_profile_id"] == profile else best[0]["source_profile_id"]
        )
    features = spark.read.format("delta").load(settings.table_path("matching", "profile_features"))
    features = identified(features.where(F.col("domain") == domain))
    features = features.select(*[c for c in FEATURE_COLUMNS if c in features.columns])
    # The retained columns include the blocking keys: the conf's rules and keys, as scoring used.
    conf = matching_conf(settings)
    features = with_block_keys(features, conf.blocking_rules, conf.max_block_size)
    model = {
        **model,
        "blocking_rules_to_generate_predictions": prediction_rules_sql(conf, "spark"),
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": True,
    }
    db_api, checkpoints = splink_api(spark, settings, f"explain-{version}")
    try:
        linker = Linker(db_api.register(features), model, log_level=None)
        # Term frequencies from the whole domain, as when the pair was scored.
        for column in linker._settings_obj._term_frequency_columns:
            linker.table_management.compute_tf_table(column.input_name)
        left = db_api.register(features.where(F.col("profile_id") == profile))
        right = db_api.register(features.where(F.col("profile_id") == other))
        rows = linker.inference.score_pair(left, right).as_spark_dataframe().collect()
    finally:
        cleanup_checkpoints(checkpoints)
    if not rows:
        raise ExplainError(f"profile {profile} or {other} has no identity features in domain {domain}")
    row = rows[0].asDict()
    return {
        "other": other,
        "model_version": version,
        "steps": waterfall(model, row),
        "match_probability": float(row["match_probability"]),
    }
