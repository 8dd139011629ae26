"""Scoring profile pairs with a trained model, on Splink's Spark or DuckDB backend."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from matching.blocking import scoring_input
from matching.splink_settings import UNIQUE_ID, MatchingConf, prediction_rules_sql


def predict(db_api, features: DataFrame, model: dict, conf: MatchingConf, changed: DataFrame | None) -> DataFrame:
    """Every blocked pair (source < target) with its match probability and weight.

    ``changed``: (profile_id) of the profiles to compare; None compares all of them. Changed profiles
    are compared with each other (predict_within) and with the unchanged ones (predict_between);
    term frequencies always come from all profiles. The blocking rules are the conf's (they are
    not trained), so a model saved before a rule changed still finds its key columns.
    """
    from splink import Linker

    # Profiles without any identity attribute cannot match anything: they are not compared.
    features = scoring_input(features, conf)
    model = {**model, "blocking_rules_to_generate_predictions": prediction_rules_sql(conf, "spark")}
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

    table = arrow_table(scoring_input(features, conf))
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


def score(spark, db_api, features, model, conf: MatchingConf, changed_ids) -> DataFrame:
    """The blocked pairs with their probabilities, on the backend the conf names."""
    if conf.backend == "duckdb":
        return predict_duckdb(spark, features, model, conf, changed_ids)
    return predict(db_api, features, model, conf, changed_ids)
