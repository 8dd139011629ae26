"""Pairwise precision, recall and F1 of identity resolution against a ground-truth file.

    upt evaluate --domain D --truth FILE [--thresholds 0.5,0.8,0.9,0.95,0.99] [--chart PATH]

Scores the rules alone (``identity/traveller_profiles``) and rules plus ``matching/profile_matches``
at several match-probability thresholds: a traveller's predicted person is the connected component
of its profile over the matches at or above the threshold. The truth file is a CSV with
``source_traveller_id`` (or ``traveller_id``) and ``person_id`` (what ``upt generate`` writes).
Prints one JSON line per row and writes a precision-recall chart as HTML.

Two scopes, both printed by default: ``all`` travellers, and ``identified`` travellers only (those
whose profile carries a name, birth date, email, phone or loyalty id). An anonymous web session
carries no identity attribute at all, so no rule or model can place it; its pairs cap the recall
of the ``all`` scope whatever the matcher does.
"""

from __future__ import annotations

import html

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from matching.components import connected_components
from matching.evaluation import pairwise_scores
from matching.profile_features import identified
from runtime.config import Settings

DEFAULT_THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99)


def read_truth(spark: SparkSession, path: str) -> DataFrame:
    truth = spark.read.csv(path, header=True)
    key = "source_traveller_id" if "source_traveller_id" in truth.columns else "traveller_id"
    return truth.select(F.col(key).alias("traveller_id"), "person_id").distinct()


def with_matches(mapping: DataFrame, matches: DataFrame, threshold: float) -> DataFrame:
    """(traveller_id, profile_id) where profile_id is the component of profiles linked at ``threshold``."""
    edges = matches.where(F.col("match_probability") >= threshold).select(
        F.col("source_profile_id").alias("src"), F.col("target_profile_id").alias("dst")
    )
    nodes = mapping.select(F.col("profile_id").alias("node")).distinct()
    components, _ = connected_components(nodes, edges)
    return mapping.join(components.withColumnRenamed("node", "profile_id"), "profile_id").select(
        "traveller_id", F.col("component").alias("profile_id")
    )


def f1(scores: dict) -> float:
    p, r = scores["precision"], scores["recall"]
    return 2 * p * r / (p + r) if p + r else 0.0


def traveller_mapping(spark: SparkSession, settings: Settings, domain: str) -> DataFrame:
    """The domain's traveller id -> profile id pairs, the side both scores and blocking recall read."""
    return (
        spark.read.format("delta")
        .load(settings.table_path("identity", "traveller_profiles"))
        .where(F.col("domain") == domain)
        .select("traveller_id", "profile_id")
    )


def evaluate(
    spark: SparkSession,
    settings: Settings,
    domain: str,
    truth_path: str,
    thresholds: list[float],
    identified_only: bool = False,
) -> list[dict]:
    """One row for the rules alone, then one per threshold for rules plus matches."""
    mapping = traveller_mapping(spark, settings, domain)
    if identified_only:
        features = spark.read.format("delta").load(settings.table_path("matching", "profile_features"))
        known = identified(features.where(F.col("domain") == domain)).select("profile_id")
        mapping = mapping.join(known, "profile_id", "left_semi")
    mapping = mapping.localCheckpoint()
    truth = read_truth(spark, truth_path).localCheckpoint()
    scope = "identified" if identified_only else "all"
    rows = [{"scope": scope, "method": "rules", "threshold": None, **pairwise_scores(mapping, truth)}]
    matches_path = settings.table_path("matching", "profile_matches")
    from storage.delta_io import table_exists

    if table_exists(spark, matches_path):
        matches = spark.read.format("delta").load(matches_path).where(F.col("domain") == domain).localCheckpoint()
        for threshold in thresholds:
            scores = pairwise_scores(with_matches(mapping, matches, threshold), truth)
            rows.append({"scope": scope, "method": "rules+matching", "threshold": threshold, **scores})
    for row in rows:
        row["f1"] = f1(row)
    return rows


def blocking_row(spark: SparkSession, settings: Settings, domain: str, truth_path: str, identified_only: bool) -> dict:
    """Blocking recall of the conf's prediction rules on the stored profile features (``upt match`` wrote them)."""
    from matching.blocking import blocked_pairs, blocking_recall
    from matching.model.conf import matching_conf

    features = spark.read.format("delta").load(settings.table_path("matching", "profile_features"))
    features = identified(features.where(F.col("domain") == domain))
    mapping = traveller_mapping(spark, settings, domain)
    if identified_only:
        mapping = mapping.join(features.select("profile_id"), "profile_id", "left_semi")
    conf = matching_conf(settings)
    pairs = blocked_pairs(features, conf.blocking_rules, conf.max_block_size).localCheckpoint()
    scores = blocking_recall(mapping, read_truth(spark, truth_path), pairs)
    scope = "identified" if identified_only else "all"
    return {"scope": scope, "method": "blocking", "threshold": None, "blocked_pairs": pairs.count(), **scores}


def chart_html(rows: list[dict], title: str) -> str:
    """A self-contained precision-recall chart (inline SVG, no network) with the table beneath."""
    width, height, pad = 480, 360, 50

    def xy(r: dict) -> tuple[float, float]:
        return pad + r["recall"] * (width - 2 * pad), height - pad - r["precision"] * (height - 2 * pad)

    lines = "".join(
        "<polyline fill='none' stroke='#1f77b4' points='"
        + " ".join(
            f"{x:.1f},{y:.1f}"
            for x, y in map(xy, [r for r in rows if r["method"] != "rules" and r.get("scope") == scope])
        )
        + "'/>"
        for scope in dict.fromkeys(r.get("scope") for r in rows)
    )
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{"#d62728" if r["method"] == "rules" else "#1f77b4"}">'
        f"<title>{html.escape(r.get('scope', ''))} {html.escape(r['method'])} t={r['threshold']} "
        f"P={r['precision']:.4f} R={r['recall']:.4f}</title></circle>"
        for r in rows
        for x, y in [xy(r)]
    )
    axes = (
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="black"/>'
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="black"/>'
        f'<text x="{width / 2}" y="{height - 10}" text-anchor="middle">recall</text>'
        f'<text x="12" y="{height / 2}" transform="rotate(-90 12 {height / 2})" text-anchor="middle">precision</text>'
    )
    table = "".join(
        f"<tr><td>{r.get('scope', '')}</td><td>{r['method']}</td><td>{r['threshold'] if r['threshold'] is not None else ''}</td>"
        f"<td>{r['precision']:.4f}</td><td>{r['recall']:.4f}</td><td>{r['f1']:.4f}</td><td>{r['profiles']}</td></tr>"
        for r in rows
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>"
        f"<h2>{html.escape(title)}</h2><svg width='{width}' height='{height}'>{axes}"
        f"{lines}{dots}</svg>"
        "<table border='1' cellpadding='4'><tr><th>scope</th><th>method</th><th>threshold</th><th>precision</th><th>recall</th>"
        f"<th>F1</th><th>profiles</th></tr>{table}</table></body></html>"
    )
