"""`upt publish` against the Glue API of the local moto server."""

from __future__ import annotations

import boto3
import pyarrow as pa
import pytest
from delta.tables import DeltaTable
from deltalake import DeltaTable as RsDeltaTable
from deltalake import write_deltalake

from jobs.cli import main
from publishing.catalog import PublishError, publish
from publishing.gold import ensure_traveller_table
from runtime.config import load_settings
from transforms.traveller_schema import TRAVELLER_GLUE


@pytest.fixture(scope="module")
def warehouse(spark, s3_endpoint, tmp_path_factory):
    """gold/traveller as the gold job creates it, an ACCP table and an identity table (written by delta-rs)."""
    root = str(tmp_path_factory.mktemp("publish_wh"))
    settings = load_settings("local", {"warehouse": root})
    ensure_traveller_table(spark, settings.table_path("gold", "traveller"))
    write_deltalake(
        settings.table_path("accp", "email_history"),
        pa.table({"domain": ["pd"], "traveller_id": ["t1"], "address": ["a@x.com"]}),
        partition_by=["domain"],
    )
    write_deltalake(
        settings.table_path("identity", "traveller_profiles"),
        pa.table({"domain": ["pd"], "traveller_id": ["t1"], "profile_id": ["P1"]}),
        partition_by=["domain"],
    )
    return settings


def test_publish_registers_delta_tables_in_glue(warehouse, s3_endpoint, capsys):
    assert main(["publish", "--domain", "pd", "--warehouse", warehouse.warehouse, "--database", "upt_test"]) == 0
    printed = capsys.readouterr().out
    glue = boto3.client("glue", endpoint_url=s3_endpoint)
    table = glue.get_table(DatabaseName="upt_test", Name="traveller")["Table"]
    location = warehouse.table_path("gold", "traveller")
    assert table["Parameters"]["table_type"] == "DELTA"
    assert table["Parameters"]["spark.sql.sources.provider"] == "delta"
    assert table["StorageDescriptor"]["Location"] == location
    assert table["PartitionKeys"] == [{"Name": "domain", "Type": "string"}]
    columns = {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]}
    assert columns["connectId"] == "string" and columns["objectCounts"] == "map<string,bigint>"
    assert columns["homeAddress"] == TRAVELLER_GLUE["homeAddress"].dataType.simpleString()
    assert "domain" not in columns
    names = {t["Name"] for t in glue.get_tables(DatabaseName="upt_test")["TableList"]}
    assert names == {"traveller", "accp_email_history", "identity_traveller_profiles"}
    assert (
        f"CREATE EXTERNAL TABLE `upt_test`.`traveller` LOCATION '{location}' TBLPROPERTIES ('table_type'='DELTA');"
        in printed
    )
    assert (
        """CALL "delta"."system"."register_table"(schema_name => 'upt_test', table_name => 'accp_email_history', """
        f"table_location => 'file://{warehouse.table_path('accp', 'email_history')}');" in printed
    )
    # deletion vectors are switched off explicitly everywhere, without any protocol upgrade
    accp = RsDeltaTable(warehouse.table_path("accp", "email_history"))
    assert accp.metadata().configuration["delta.enableDeletionVectors"] == "false"
    assert accp.protocol().min_reader_version == 1


def test_publish_again_updates_in_place(warehouse, s3_endpoint):
    summary = publish(warehouse, "pd", database="upt_test", out=lambda _: None)
    assert set(summary["tables"].values()) == {"updated"}
    assert summary["protocols"]["traveller"]["min_reader_version"] == 1


def test_publish_fails_loudly_on_deletion_vectors(spark, warehouse, s3_endpoint):
    path = warehouse.table_path("identity", "profile_merges")
    (
        DeltaTable.createIfNotExists(spark)
        .location(path)
        .addColumn("domain", "string")
        .addColumn("from_profile_id", "string")
        .property("delta.enableDeletionVectors", "true")
        .execute()
    )
    with pytest.raises(PublishError, match="identity_profile_merges.*deletion vectors"):
        publish(warehouse, "pd", catalog="none", out=lambda _: None)


def test_publish_fails_on_what_athena_cannot_read(spark, tmp_path, capsys):
    """timestamp_ntz (a reader feature Athena engine v3 lacks): publish names the table and column."""
    settings = load_settings("local", {"warehouse": str(tmp_path)})
    ensure_traveller_table(spark, settings.table_path("gold", "traveller"))
    write_deltalake(
        settings.table_path("accp", "clickstream"),
        pa.table({"domain": ["pd"], "seen_at": pa.array([0], pa.timestamp("us"))}),
    )
    code = main(["publish", "--domain", "pd", "--warehouse", str(tmp_path), "--catalog", "none"])
    err = capsys.readouterr().err
    assert code == 1
    assert "table accp_clickstream is not readable by Athena engine v3" in err
    assert "column seen_at has type timestamp_ntz" in err and "timestampNtz" in err


def test_publish_refuses_bad_role_patterns_before_touching_anything(spark, tmp_path, capsys):
    settings = load_settings("local", {"warehouse": str(tmp_path / "wh")})
    ensure_traveller_table(spark, settings.table_path("gold", "traveller"))
    roles = tmp_path / "roles.yaml"
    roles.write_text("roles:\n  analyst: ['traveller/*,shoe_size']\n")
    args = ["publish", "--domain", "pd", "--warehouse", settings.warehouse, "--catalog", "none"]
    assert main([*args, "--roles-file", str(roles)]) == 1
    assert (
        "role analyst, pattern 'traveller/*,shoe_size' on traveller: unknown field 'shoe_size'"
        in capsys.readouterr().err
    )
    roles.write_text("roles:\n  analyst: ['air_booking/*?from = BOS; drop']\n")
    assert main([*args, "--roles-file", str(roles)]) == 1
    assert "unexpected character ';'" in capsys.readouterr().err
