"""Sync a domain's matches to UPT's DynamoDB match table (both directions, only what changed)."""

from __future__ import annotations

from decimal import Decimal

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from matching.model.tables import MATCH_EXPORTS, ensure_matching_tables, read_table, table_path
from runtime import runs
from runtime.config import Settings
from storage.delta_io import ensure_table, equals, overwrite_where


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
    state_path = table_path(settings, "match_exports")
    ensure_table(spark, state_path, MATCH_EXPORTS)
    desired = dynamo_items(read_table(spark, settings, "profile_matches", domain), domain).localCheckpoint()
    previous = read_table(spark, settings, "match_exports", domain).where(F.col("table_name") == table_name)
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
