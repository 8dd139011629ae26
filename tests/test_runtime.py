"""The Spark + Delta + S3 runtime every job stands on."""

from __future__ import annotations

import boto3
import pytest
from chispa import assert_df_equality
from delta.tables import DeltaTable

from runtime.spark import session_settings


def _people(spark, rows):
    return spark.createDataFrame(rows, "domain string, traveller_id string, name string, version int")


def _write_merge_read(spark, path):
    _people(spark, [("d1", "t1", "Ann", 1), ("d1", "t2", "Bob", 1)]).write.format("delta").partitionBy("domain").save(
        path
    )
    updates = _people(spark, [("d1", "t2", "Robert", 2), ("d1", "t3", "Cy", 1), ("d1", "t1", "Old", 0)])
    (
        DeltaTable.forPath(spark, path)
        .alias("t")
        .merge(updates.alias("s"), "t.domain = s.domain AND t.traveller_id = s.traveller_id")
        .whenMatchedUpdateAll(condition="s.version > t.version")
        .whenNotMatchedInsertAll()
        .execute()
    )
    return spark.read.format("delta").load(path)


EXPECTED_ROWS = [("d1", "t1", "Ann", 1), ("d1", "t2", "Robert", 2), ("d1", "t3", "Cy", 1)]


def test_delta_merge_keeps_newer_version_on_local_disk(spark, tmp_path):
    result = _write_merge_read(spark, str(tmp_path / "people"))
    assert_df_equality(result, _people(spark, EXPECTED_ROWS), ignore_row_order=True, ignore_column_order=True)


def test_delta_merge_on_s3a_is_readable_by_delta_rs(spark, s3_endpoint, s3_bucket):
    from deltalake import DeltaTable as RsTable

    path = f"s3a://{s3_bucket}/people"
    result = _write_merge_read(spark, path)
    assert_df_equality(result, _people(spark, EXPECTED_ROWS), ignore_row_order=True, ignore_column_order=True)

    keys = [
        o["Key"] for o in boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=s3_bucket)["Contents"]
    ]
    assert any(k.startswith("people/_delta_log/") for k in keys)

    storage = {
        "AWS_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_ALLOW_HTTP": "true",
        "AWS_S3_ALLOW_UNSAFE_RENAME": "true",
    }
    rows = RsTable(f"s3://{s3_bucket}/people", storage_options=storage).to_pandas()
    assert sorted(zip(rows.traveller_id, rows.name, strict=True)) == [("t1", "Ann"), ("t2", "Robert"), ("t3", "Cy")]


def test_s3_scheme_is_served_by_s3a_locally(spark, s3_bucket):
    path = f"s3://{s3_bucket}/plain"
    spark.range(3).write.format("delta").save(path)
    assert spark.read.format("delta").load(path).count() == 3


def test_interpreted_expressions_hold_inside_the_block_and_restore_the_session_after(spark):
    from runtime.spark import interpreted_expressions

    codegen = {"spark.sql.codegen.wholeStage": "true", "spark.sql.codegen.factoryMode": None}
    with session_settings((spark,), codegen):
        with interpreted_expressions(spark, spark):
            assert spark.conf.get("spark.sql.codegen.wholeStage") == "false"
            assert spark.conf.get("spark.sql.codegen.factoryMode") == "NO_CODEGEN"
            # a query inside the block runs and gives the same rows
            assert spark.range(5).selectExpr("sum(id * 2) AS s").first()["s"] == 20
        assert spark.conf.get("spark.sql.codegen.wholeStage") == "true"
        assert spark.conf.get("spark.sql.codegen.factoryMode", None) is None
        with pytest.raises(RuntimeError), interpreted_expressions(spark):
            raise RuntimeError("a failed batch")
        assert spark.conf.get("spark.sql.codegen.wholeStage") == "true"
