"""End to end: generated data, ingest, resolve, then `upt match` (Splink on Spark) and its outputs.

One module-scoped dataset (120 travellers, the identity-bearing objects) is ingested, resolved and matched once; the incremental,
auto-merge and export tests build on it in file order.
"""

from __future__ import annotations

from datetime import date

import boto3
import pytest
from chispa import assert_df_equality
from pyspark.sql import functions as F

from datagen import Options, generate
from jobs.cli import main
from resolution.resolve import resolve
from runtime.config import load_settings
from tests.e2e_helpers import table_versions

pytestmark = pytest.mark.e2e  # whole CLI runs: `make test` only, not `make test-fast`

DOMAIN = "match_e2e"
# The business objects that carry identity attributes: ingesting only these keeps the test quick.
OBJECTS = ("--objects", "pax_profile,guest_profile,air_booking,hotel_booking")


@pytest.fixture(scope="module")
def world(spark, tmp_path_factory):
    from matching.model.run import match

    root = tmp_path_factory.mktemp("match_e2e")
    landing, warehouse = root / "landing", root / "warehouse"
    generate(Options(out=str(landing), domain=DOMAIN, travellers=120, seed=21, days=1))
    # A smaller u sample than production keeps the test quick; the model is otherwise the conf's. Every
    # scored pair is stored, so the incremental tests see rows for new profiles whatever the model
    # decides about this small sample (a later batch of other people rarely holds a likely match).
    settings = load_settings(
        "local",
        {
            "warehouse": str(warehouse),
            "matching.training.max_pairs_for_u": 100000,
            "matching.store_threshold": 1e-12,
        },
    )
    assert main(["ingest", "--domain", DOMAIN, "--landing", str(landing), "--warehouse", str(warehouse), *OBJECTS]) == 0
    # Matching reads the ACCP and identity tables, not gold/traveller: skip the 360 build here.
    assert resolve(spark, settings, DOMAIN, build_360=False)["status"] == "succeeded"
    first = match(spark, settings, DOMAIN)
    return {"landing": landing, "warehouse": warehouse, "settings": settings, "first": first}


def _matches(spark, warehouse):
    return spark.read.format("delta").load(f"{warehouse}/matching/profile_matches").where(F.col("domain") == DOMAIN)


def test_first_run_trains_a_model_and_writes_matches(spark, world):
    first = world["first"]
    assert first["status"] == "succeeded" and first["written"]["model_trained"] == 1
    models = sorted(p.name for p in (world["warehouse"] / "matching" / "models" / DOMAIN).iterdir())
    assert [m.split("-")[0] for m in models] == ["m_u_parameters", "match_weights", "model"]
    matches = _matches(spark, world["warehouse"])
    assert matches.count() == first["written"]["profile_matches"] > 0
    assert matches.where("source_profile_id >= target_profile_id").count() == 0
    # Pairs already in one profile are never candidates.
    mapping = spark.read.format("delta").load(f"{world['warehouse']}/identity/traveller_profiles")
    live = mapping.where(F.col("domain") == DOMAIN).select("profile_id").distinct()
    assert matches.join(live, matches.source_profile_id == live.profile_id, "left_anti").count() == 0


def test_model_round_trips_through_json_and_predicts_the_same_pairs_twice(spark, world):
    from splink import Linker

    from matching.model.conf import matching_conf
    from matching.model.prediction import predict
    from matching.model.splink_session import splink_api
    from matching.model.store import ModelStore

    settings = world["settings"]
    conf = matching_conf(settings)
    _, model = ModelStore(settings, DOMAIN).latest()
    db_api, checkpoints = splink_api(spark, settings, "roundtrip")
    features = spark.read.format("delta").load(f"{world['warehouse']}/matching/profile_features").drop("model_version")
    features = features.where(F.col("domain") == DOMAIN)
    reloaded = Linker(db_api.register(features), model, log_level=None).misc.save_model_to_json()
    assert reloaded["comparisons"] == model["comparisons"]
    assert reloaded["probability_two_random_records_match"] == model["probability_two_random_records_match"]
    once = predict(db_api, features, model, conf, None)
    twice = predict(db_api, features, model, conf, None)
    assert once.count() == world["first"]["written"]["pairs_compared"]
    assert_df_equality(once, twice, ignore_row_order=True)


def test_unchanged_rerun_writes_nothing_then_new_files_compare_only_new_profiles(spark, world):
    from matching.model.run import match

    warehouse, settings = world["warehouse"], world["settings"]
    before = table_versions(warehouse)
    rerun = match(spark, settings, DOMAIN)
    assert rerun["written"]["profiles_changed"] == 0 and rerun["written"]["pairs_compared"] == 0
    after = table_versions(warehouse)
    assert {k: v for k, v in after.items() if k.startswith("matching/")} == {
        k: v for k, v in before.items() if k.startswith("matching/")
    }
    # New landing files: a second, later batch of travellers.
    generate(
        Options(
            out=str(world["landing"]),
            domain=DOMAIN,
            travellers=15,
            seed=99,
            days=1,
            start_date=date(2031, 1, 1),
            truth=str(world["landing"].parent / "truth2.csv"),
        )
    )
    assert (
        main(
            ["ingest", "--domain", DOMAIN, "--landing", str(world["landing"]), "--warehouse", str(warehouse), *OBJECTS]
        )
        == 0
    )
    assert resolve(spark, settings, DOMAIN, build_360=False)["status"] == "succeeded"
    snapshot = (
        spark.read.format("delta").load(f"{warehouse}/matching/profile_features").where(F.col("domain") == DOMAIN)
    )
    old_hashes = snapshot.select("profile_id", "feature_hash").localCheckpoint()
    third = match(spark, settings, DOMAIN)
    changed = third["written"]["profiles_changed"]
    assert 0 < changed < snapshot.count()
    assert 0 < third["written"]["pairs_compared"] < world["first"]["written"]["pairs_compared"]
    # Every pair this run wrote touches a profile that is new or whose features changed.
    fresh = (
        spark.read.format("delta")
        .load(f"{warehouse}/matching/profile_features")
        .where(F.col("domain") == DOMAIN)
        .join(old_hashes, ["profile_id", "feature_hash"], "left_anti")
        .select("profile_id")
    )
    assert fresh.count() == changed
    written = _matches(spark, warehouse).where(F.col("run_id") == third["run_id"])
    assert written.count() > 0
    untouched = written.join(fresh, written.source_profile_id == fresh.profile_id, "left_anti").join(
        fresh, written.target_profile_id == fresh.profile_id, "left_anti"
    )
    assert untouched.count() == 0


def test_auto_merge_goes_through_the_identity_merge_mechanism(spark, world):
    from matching.model.run import auto_merge

    warehouse, settings = world["warehouse"], world["settings"]
    top = _matches(spark, warehouse).orderBy(F.col("match_probability").desc()).first()
    threshold = top["match_probability"]
    expected = _matches(spark, warehouse).where(F.col("match_probability") >= threshold).count()
    assert auto_merge(spark, settings, DOMAIN, threshold) == expected
    merges = spark.read.format("delta").load(f"{warehouse}/identity/profile_merges").where(F.col("domain") == DOMAIN)
    auto = merges.where(F.col("reason") == "auto-match")
    assert auto.count() >= 1
    absorbed = {top["source_profile_id"], top["target_profile_id"]} & {r["from_profile_id"] for r in auto.collect()}
    assert absorbed
    mapping = (
        spark.read.format("delta").load(f"{warehouse}/identity/traveller_profiles").where(F.col("domain") == DOMAIN)
    )
    assert mapping.where(F.col("profile_id").isin(*absorbed)).count() == 0
    # The merged pair is no longer a candidate.
    assert (
        _matches(spark, warehouse)
        .where(
            (F.col("source_profile_id") == top["source_profile_id"])
            & (F.col("target_profile_id") == top["target_profile_id"])
        )
        .count()
        == 0
    )


def test_dynamodb_export_round_trip_with_stale_match_removal(spark, world, s3_endpoint):
    from delta.tables import DeltaTable

    from matching.model.export import ensure_dynamo_table, export

    warehouse, settings = world["warehouse"], world["settings"]
    ensure_dynamo_table("upt-matches", s3_endpoint)
    table = boto3.resource("dynamodb", endpoint_url=s3_endpoint, region_name="us-east-1").Table("upt-matches")
    rows = _matches(spark, warehouse).collect()
    first = export(spark, settings, DOMAIN, "upt-matches", s3_endpoint)
    assert first == {"table": "upt-matches", "put": 2 * len(rows), "deleted": 0}
    items = table.scan()["Items"]
    assert len(items) == 2 * len(rows)
    row = rows[0]
    item = table.get_item(Key={"pk": f"{DOMAIN}_{row['source_profile_id']}", "sk": f"match_{row['target_profile_id']}"})
    assert item["Item"]["targetProfileID"] == row["target_profile_id"]
    assert float(item["Item"]["Score"]) == pytest.approx(row["match_probability"])
    assert (
        table.get_item(Key={"pk": f"{DOMAIN}_{row['target_profile_id']}", "sk": f"match_{row['source_profile_id']}"})[
            "Item"
        ]["targetProfileID"]
        == row["source_profile_id"]
    )
    # A recomputation dropped this pair: the next export deletes both directions.
    DeltaTable.forPath(spark, f"{warehouse}/matching/profile_matches").delete(
        (F.col("domain") == DOMAIN)
        & (F.col("source_profile_id") == row["source_profile_id"])
        & (F.col("target_profile_id") == row["target_profile_id"])
    )
    second = export(spark, settings, DOMAIN, "upt-matches", s3_endpoint)
    assert second == {"table": "upt-matches", "put": 0, "deleted": 2}
    assert len(table.scan()["Items"]) == 2 * len(rows) - 2
    assert export(spark, settings, DOMAIN, "upt-matches", s3_endpoint) == {
        "table": "upt-matches",
        "put": 0,
        "deleted": 0,
    }


def test_matches_and_evaluate_commands(spark, world, capsys):
    warehouse, landing = str(world["warehouse"]), world["landing"]
    assert main(["matches", "--domain", DOMAIN, "--warehouse", warehouse, "--min-probability", "0", "--json"]) == 0
    listed = capsys.readouterr().out.strip().splitlines()
    assert listed and all('"match_probability"' in line for line in listed)
    truth = landing / "_truth" / DOMAIN / "truth.csv"
    chart = world["warehouse"] / "eval.html"
    assert (
        main(
            [
                "evaluate",
                "--domain",
                DOMAIN,
                "--warehouse",
                warehouse,
                "--truth",
                str(truth),
                "--thresholds",
                "0.9",
                "--chart",
                str(chart),
            ]
        )
        == 0
    )
    import json

    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    # Both scopes by default: all travellers, then those whose profile carries an identity attribute.
    assert [(r["scope"], r["method"]) for r in rows] == [
        ("all", "rules"),
        ("all", "rules+matching"),
        ("identified", "rules"),
        ("identified", "rules+matching"),
    ]
    for rules, matched in (rows[:2], rows[2:]):
        assert matched["recall"] >= rules["recall"] and matched["precision"] >= 0.9
    assert rows[2]["travellers"] <= rows[0]["travellers"]
    assert "<svg" in chart.read_text()
