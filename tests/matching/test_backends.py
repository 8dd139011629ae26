"""matching.backend: Splink on Spark and Splink on DuckDB (features through Arrow) give the same matches."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from matching.profile_features import FEATURE_COLUMNS, blocking_keys

ARRAYS = {
    "first_names",
    "first_name_aliases",
    "last_names",
    "emails",
    "personal_emails",
    "phones",
    "personal_phones",
    "loyalty_ids",
}
BASE = "profile_id string, first_name string, last_name string, date_of_birth string, postal_code string, city string, address_line1 string, emails array<string>, gender string"
ROWS = [
    # one person three times: a typo in the surname, names swapped and a mistyped street
    ("a", "nathan", "challenor", "1960-01-13", "5109", "cronulla", "12 wellington street", ["n@x.org"], "m"),
    ("b", "nathan", "chalenor", "1960-01-13", "5109", "cronulla", "12 wellington street", None, "m"),
    ("c", "challenor", "nathan", "1960-01-13", "5109", "cronulla", "12 welington street", ["n@x.org"], None),
    # his daughter: same surname, address and family email, another first name and birth date
    ("d", "olivia", "challenor", "1991-07-30", "5109", "cronulla", "12 wellington street", ["n@x.org"], "f"),
    # a stranger who shares a postcode and a town
    ("e", "mitchell", "green", "1956-04-09", "5109", "cronulla", "7 wallaby place", None, "m"),
    ("f", "mitchell", "green", "1956-04-09", "2119", "delmar", "7 wallaby place", None, "m"),
]
# Trained-looking parameters (m, u per non-null level, strongest level first) for every comparison.
PARAMS = {
    "first_name": [
        (0.85, 0.01),
        (0.05, 0.0005),
        (0.04, 0.01),
        (0.02, 0.002),
        (0.01, 0.001),
        (0.02, 0.05),
        (0.01, 0.93),
    ],
    "date_of_birth": [(0.9, 0.001), (0.04, 0.005), (0.01, 0.0001), (0.02, 0.02), (0.03, 0.974)],
}


def _features(spark):
    frame = blocking_keys(spark.createDataFrame(ROWS, BASE))
    for column in FEATURE_COLUMNS:
        if column not in frame.columns:
            kind = "array<string>" if column in ARRAYS else ("int" if column == "traveller_count" else "string")
            frame = frame.withColumn(column, F.lit(None).cast(kind))
    frame = frame.withColumn("domain", F.lit("t")).withColumn("personal_emails", F.col("emails"))
    return frame.select(*FEATURE_COLUMNS)


def _model(conf) -> dict:
    """The conf's Spark settings with fixed m/u (the first levels likelier among matches)."""
    model = conf.settings_creator(0.01).get_settings("spark").as_dict()
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        given = PARAMS.get(comparison["output_column_name"])
        for i, level in enumerate(levels):
            m, u = given[i] if given and i < len(given) else (0.9 / 2**i, 0.01 * 2**i)
            level["m_probability"], level["u_probability"] = min(m, 1.0), min(u, 1.0)
        if levels:
            levels[-1]["m_probability"], levels[-1]["u_probability"] = 0.01, 0.9
    return model


@pytest.fixture(scope="module")
def conf():
    from matching.splink_settings import validate
    from runtime.config import load_matching_conf, load_settings

    return validate(load_matching_conf(load_settings("local", {})))


@pytest.mark.e2e  # a whole job on Delta tables
def test_spark_and_duckdb_backends_give_the_same_matches(spark, settings, conf):
    from matching.model.prediction import predict, predict_duckdb
    from matching.model.splink_session import splink_api

    features, model = _features(spark), _model(conf)
    db_api, _ = splink_api(spark, settings, "test-backends")
    on_spark = {
        (r["source_profile_id"], r["target_profile_id"]): r["match_probability"]
        for r in predict(db_api, features, model, conf, None).collect()
    }
    on_duckdb = {
        (r["source_profile_id"], r["target_profile_id"]): r["match_probability"]
        for r in predict_duckdb(spark, features, model, conf, None).collect()
    }
    assert on_spark.keys() == on_duckdb.keys()
    assert ("a", "b") in on_spark and ("a", "c") in on_spark and ("e", "f") in on_spark
    for pair, probability in on_spark.items():
        assert on_duckdb[pair] == pytest.approx(probability, abs=1e-9), pair
    matched = lambda scores: {p for p, v in scores.items() if v >= conf.threshold}  # noqa: E731
    assert matched(on_spark) == matched(on_duckdb)
    assert {("a", "b"), ("a", "c"), ("b", "c")} <= matched(on_spark)


@pytest.mark.e2e  # a whole job on Delta tables
def test_incremental_duckdb_scores_the_changed_profiles_against_all(spark, settings, conf):
    from matching.model.prediction import predict, predict_duckdb
    from matching.model.splink_session import splink_api

    features, model = _features(spark), _model(conf)
    changed = spark.createDataFrame([("c",)], "profile_id string")
    db_api, _ = splink_api(spark, settings, "test-backends-incremental")
    on_spark = {(r[0], r[1]): r[2] for r in predict(db_api, features, model, conf, changed).collect()}
    on_duckdb = {(r[0], r[1]): r[2] for r in predict_duckdb(spark, features, model, conf, changed).collect()}
    assert on_spark.keys() == on_duckdb.keys()
    assert all("c" in pair for pair in on_duckdb)
    for pair, probability in on_spark.items():
        assert on_duckdb[pair] == pytest.approx(probability, abs=1e-9), pair


def test_backend_is_validated():
    from matching.splink_settings import MatchingConfError, validate
    from runtime.config import load_matching_conf, load_settings

    raw = load_matching_conf(load_settings("local", {}))
    assert validate({**raw, "backend": "duckdb"}).backend == "duckdb"
    with pytest.raises(MatchingConfError, match="backend"):
        validate({**raw, "backend": "postgres"})
