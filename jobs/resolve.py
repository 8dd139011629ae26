"""Identity resolution: ACCP traveller ids -> stable unified profile ids.

    upt resolve --domain demo [--env local] [--warehouse PATH]

Step 1: a traveller id is a node. Step 2: the rules of ``conf/rules.yaml`` link nodes that share
normalised attribute values (junk values excluded), plus manual links. Step 3: profiles are the
connected components, named with stable ids (``matching.profiles``). Components are recomputed from
all of the domain's edges each run; every write is a MERGE of the rows that changed, so a rerun
with nothing new writes nothing but its ``ops/job_runs`` row.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from jobs import identity_tables as it
from jobs import runs
from jobs.config import Settings, load_identity_conf, load_settings
from jobs.delta_io import ensure_table, insert_new, merge_condition, table_exists
from jobs.inputs import mask
from lifecycle.journal import Journal, crash_point
from matching.attributes import identity_attributes, traveller_ids
from matching.components import connected_components
from matching.profiles import absorbed_profiles, assign_profiles
from matching.rules import candidate_edges, parse_rules
from transforms.registry import ACCP_OBJECT_TYPES

log = logging.getLogger("upt.resolve")
MANUAL = "manual"
AUTO_MATCH = "auto-match"
SINGLE = "traveller_id"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)


def ensure_identity_tables(spark: SparkSession, settings: Settings) -> None:
    for name, schema in it.TABLES.items():
        ensure_table(spark, it.path(settings, name), schema)


def read_identity(spark: SparkSession, settings: Settings, table: str, domain: str) -> DataFrame:
    return spark.read.format("delta").load(it.path(settings, table)).where(F.col("domain") == domain)


def accp_tables(spark: SparkSession, settings: Settings, domain: str) -> dict[str, DataFrame]:
    """The domain's rows of every ACCP table that exists."""
    tables = {}
    for object_type in ACCP_OBJECT_TYPES:
        path = settings.table_path("accp", object_type)
        if table_exists(spark, path):
            tables[object_type] = spark.read.format("delta").load(path).where(F.col("domain") == domain)
    return tables


def sync_merge_requests(spark: SparkSession, settings: Settings, domain: str, current: DataFrame, now) -> int:
    """Turn new ``identity/merge_requests`` rows into manual links (source -> target traveller)."""
    path = settings.table_path("identity", "merge_requests")
    if not table_exists(spark, path):
        return 0
    requests = spark.read.format("delta").load(path).where(F.col("domain") == domain)
    link_id = F.sha2(F.concat_ws("|", F.lit("request"), "source_file", "line_number", "source_traveller_id"), 256)
    profile_of = current.select("traveller_id", "profile_id")
    links = (
        requests.where(F.col("source_traveller_id").isNotNull() & F.col("target_traveller_id").isNotNull())
        .select("domain", link_id.alias("link_id"), "source_traveller_id", "target_traveller_id")
        .join(
            profile_of.select(
                F.col("traveller_id").alias("source_traveller_id"), F.col("profile_id").alias("from_profile_id")
            ),
            "source_traveller_id",
            "left",
        )
        .join(
            profile_of.select(
                F.col("traveller_id").alias("target_traveller_id"), F.col("profile_id").alias("to_profile_id")
            ),
            "target_traveller_id",
            "left",
        )
        .withColumn("origin", F.lit("merge_request"))
        .withColumn("created_at", F.lit(now).cast("timestamp"))
        .withColumn("active", F.lit(True))
    )
    new = links.join(read_identity(spark, settings, "manual_links", domain).select("link_id"), "link_id", "left_anti")
    new = new.select(*it.MANUAL_LINKS.fieldNames()).localCheckpoint()
    count = new.count()
    if count:
        new.write.format("delta").mode("append").save(it.path(settings, "manual_links"))
    return count


def split_filter(edges: DataFrame, splits: DataFrame) -> DataFrame:
    """Drop edges between travellers that an unmerge put in different split groups."""
    groups = splits.select("traveller_id", "split_group")
    return (
        edges.join(
            groups.withColumnRenamed("traveller_id", "src").withColumnRenamed("split_group", "gs"), "src", "left"
        )
        .join(groups.withColumnRenamed("traveller_id", "dst").withColumnRenamed("split_group", "gd"), "dst", "left")
        .where(F.col("gs").isNull() | F.col("gd").isNull() | (F.col("gs") == F.col("gd")))
        .drop("gs", "gd")
    )


def _priority(rule_order: list[str]) -> F.Column:
    expr = F.lit(len(rule_order))
    for index, name in reversed(list(enumerate(rule_order))):
        expr = F.when(F.col("rule") == name, F.lit(index)).otherwise(expr)
    return expr


def traveller_rules(edges: DataFrame, rule_order: list[str]) -> DataFrame:
    """(traveller_id, rule): the highest-priority rule among the traveller's links."""
    ends = edges.select(F.col("src").alias("traveller_id"), "rule").unionByName(
        edges.select(F.col("dst").alias("traveller_id"), "rule")
    )
    best = Window.partitionBy("traveller_id").orderBy("priority", "rule")
    return (
        ends.withColumn("priority", _priority(rule_order))
        .withColumn("_r", F.row_number().over(best))
        .where("_r = 1")
        .select("traveller_id", "rule")
    )


def merge_reasons(
    absorbed: DataFrame, current: DataFrame, edges: DataFrame, demoted: DataFrame, rule_order: list[str]
) -> DataFrame:
    """Reason of each absorption: manual if manually merged, else the best rule crossing its border."""
    profile = current.select("traveller_id", "profile_id")
    both = edges.unionByName(edges.select(F.col("dst").alias("src"), F.col("src").alias("dst"), "rule"))
    crossing = (
        both.join(
            profile.withColumnRenamed("traveller_id", "src").withColumnRenamed("profile_id", "from_profile_id"), "src"
        )
        .join(profile.withColumnRenamed("traveller_id", "dst").withColumnRenamed("profile_id", "pd"), "dst", "left")
        .where(F.col("pd").isNull() | (F.col("pd") != F.col("from_profile_id")))
        .withColumn("priority", _priority(rule_order))
        .groupBy("from_profile_id")
        .agg(F.min(F.struct("priority", "rule")).alias("best"))
        .select("from_profile_id", F.col("best.rule").alias("crossing_rule"))
    )
    # A profile demoted only by automatic links (upt match auto-merge) keeps that origin as its reason.
    origin = F.col("origin") if "origin" in demoted.columns else F.lit(MANUAL)
    manual = demoted.groupBy(F.col("profile_id").alias("from_profile_id")).agg(
        F.lit(1).alias("is_manual"),
        F.when(F.min(F.coalesce(origin, F.lit(MANUAL)) == AUTO_MATCH), F.lit(AUTO_MATCH))
        .otherwise(F.lit(MANUAL))
        .alias("_manual_reason"),
    )
    return (
        absorbed.join(crossing, "from_profile_id", "left")
        .join(manual, "from_profile_id", "left")
        .withColumn(
            "reason",
            F.when(F.col("is_manual") == 1, F.col("_manual_reason")).otherwise(
                F.coalesce("crossing_rule", F.lit("rule"))
            ),
        )
        .drop("crossing_rule", "is_manual", "_manual_reason")
    )


def _merge_changed(spark: SparkSession, source: DataFrame, path: str, key: tuple[str, ...], domain: str) -> int:
    """Upsert ``source`` rows (already only the changed ones) on ``key``; skip the write when empty."""
    source = source.localCheckpoint()
    count = source.count()
    if count:
        condition = merge_condition(domain, key)
        DeltaTable.forPath(spark, path).alias("t").merge(
            source.alias("s"), condition
        ).whenMatchedUpdateAll().whenNotMatchedInsertAll().execute()
    return count


def apply_plan(spark: SparkSession, settings: Settings, domain: str, plan: dict[str, DataFrame]) -> dict[str, int]:
    """Commit a resolve plan table by table; every step is idempotent, so a replay changes nothing more."""
    written = {}
    written["traveller_profiles"] = _merge_changed(
        spark, plan["traveller_profiles"], it.path(settings, "traveller_profiles"), ("traveller_id",), domain
    )
    crash_point(settings, "resolve:traveller_profiles")
    merges = plan["profile_merges"]
    written["profile_merges"] = merges.count()
    if written["profile_merges"]:
        insert_new(
            spark, merges, it.path(settings, "profile_merges"), ("from_profile_id", "to_profile_id", "run_id"), domain
        )
    crash_point(settings, "resolve:profile_merges")
    written["profiles"] = _merge_changed(
        spark, plan["profiles"], it.path(settings, "profiles"), ("profile_id",), domain
    )
    crash_point(settings, "resolve:profiles")
    return written


def resolve(spark: SparkSession, settings: Settings, domain: str, job: str = "resolve", build_360: bool = True) -> dict:
    """One resolve run for ``domain``; returns the job_runs row it logged (plus summary extras)."""
    conf = load_identity_conf(settings)
    rules = parse_rules(conf["rules"])
    rule_order = [MANUAL] + [r.name for r in rules]
    extras: dict = {}
    with runs.tracked_run(settings, spark, job, domain) as run:
        run.objects = sorted(rule_order)
        started, run_id, written = run.started_at, run.run_id, run.written
        ensure_identity_tables(spark, settings)
        journal = Journal(spark, settings, "resolve", domain)
        leftover = journal.pending()
        if leftover:  # a run that crashed between its commits: finish its plan first
            written.update({f"replayed_{k}": v for k, v in apply_plan(spark, settings, domain, leftover).items()})
            journal.clear()
        tables = accp_tables(spark, settings, domain)
        current = (
            read_identity(spark, settings, "traveller_profiles", domain)
            .select("traveller_id", "profile_id", "rule")
            .localCheckpoint()
        )
        written["manual_links_added"] = sync_merge_requests(spark, settings, domain, current, started)

        attributes = identity_attributes(tables, str(conf.get("default_country_code", "1"))).localCheckpoint()
        guarded = tuple(conf.get("guarded_attributes", ("email", "phone", "loyalty_id", "alternate_id")))
        rule_edges, junk = candidate_edges(attributes, rules, guarded, int(conf.get("max_travellers_per_value", 10)))
        links = read_identity(spark, settings, "manual_links", domain).where("active")
        manual_edges = links.select(
            F.col("source_traveller_id").alias("src"),
            F.col("target_traveller_id").alias("dst"),
            F.lit(MANUAL).alias("rule"),
        )
        splits = read_identity(spark, settings, "profile_splits", domain)
        edges = split_filter(rule_edges.drop("domain").unionByName(manual_edges), splits).localCheckpoint()

        nodes = traveller_ids(tables).select(F.col("traveller_id").alias("node"))
        components, rounds = connected_components(nodes, edges)
        components = components.select(F.col("node").alias("traveller_id"), "component")
        registry = read_identity(spark, settings, "profiles", domain)
        demoted = links.select(F.col("from_profile_id").alias("profile_id"), "origin").where(
            F.col("profile_id").isNotNull()
        )
        assigned = assign_profiles(components, current, registry, demoted, splits, run_id).localCheckpoint()

        mapping = assigned.join(traveller_rules(edges, rule_order), "traveller_id", "left").select(
            F.lit(domain).alias("domain"),
            "traveller_id",
            "profile_id",
            F.coalesce("rule", F.lit(SINGLE)).alias("rule"),
            F.lit(started).cast("timestamp").alias("updated_at"),
            F.lit(run_id).alias("run_id"),
        )
        changed = mapping.join(current, ["traveller_id", "profile_id", "rule"], "left_anti")

        absorbed = merge_reasons(absorbed_profiles(current, assigned), current, edges, demoted, rule_order)
        merges = absorbed.select(
            F.lit(domain).alias("domain"),
            "from_profile_id",
            "to_profile_id",
            "reason",
            F.lit(run_id).alias("run_id"),
            F.lit(started).cast("timestamp").alias("merged_at"),
            "traveller_ids",
            F.lit(None).cast("timestamp").alias("undone_at"),
        )

        live = (
            assigned.select("profile_id")
            .distinct()
            .withColumn("status", F.lit("active"))
            .withColumn("merged_into", F.lit(None).cast("string"))
        )
        gone = absorbed.select(
            F.col("from_profile_id").alias("profile_id"),
            F.lit("merged").alias("status"),
            F.col("to_profile_id").alias("merged_into"),
        )
        wanted = live.unionByName(gone).join(registry.select("profile_id", "created_at"), "profile_id", "left")
        registry_changes = (
            wanted.join(
                registry.select("profile_id", F.col("status").alias("_s"), F.col("merged_into").alias("_m")),
                "profile_id",
                "left",
            )
            .where(~(F.col("_s").eqNullSafe(F.col("status")) & F.col("_m").eqNullSafe(F.col("merged_into"))))
            .where(F.col("created_at").isNotNull() | (F.col("status") == "active"))
            .select(
                F.lit(domain).alias("domain"),
                "profile_id",
                F.coalesce("created_at", F.lit(started).cast("timestamp")).alias("created_at"),
                "status",
                "merged_into",
                F.lit(started).cast("timestamp").alias("updated_at"),
                F.lit(run_id).alias("run_id"),
            )
        )
        # Every change is planned before the first commit; a crash part-way is completed by the next run.
        plan = journal.write({"traveller_profiles": changed, "profile_merges": merges, "profiles": registry_changes})
        written.update(apply_plan(spark, settings, domain, plan))
        journal.clear()

        edge_counts = {r["rule"]: r["n"] for r in edges.groupBy("rule").agg(F.count("*").alias("n")).collect()}
        junk = junk.localCheckpoint()
        junk_counts = {r["attribute"]: r["n"] for r in junk.groupBy("attribute").agg(F.count("*").alias("n")).collect()}
        junk_top = [
            f"{r['attribute']}={mask(r['value'])} ({r['travellers']})"
            for r in junk.orderBy(F.col("travellers").desc(), "value").limit(10).collect()
        ]
        totals = assigned.agg(F.count("*").alias("t"), F.countDistinct("profile_id").alias("p")).first()
        written.update({f"edges_{k}": v for k, v in edge_counts.items()})
        written.update({f"junk_{k}": v for k, v in junk_counts.items()})
        written.update({"travellers": totals["t"], "profile_count": totals["p"], "rounds": rounds})
        extras = {"junk_values": junk_top}
        if build_360:
            written.update(build_gold(spark, settings, domain, run_id))
    return {**run.row, **extras}


def build_gold(spark: SparkSession, settings: Settings, domain: str, run_id: str) -> dict:
    """Refresh the traveller 360 table when its builder (jobs.gold.build_traveller) is installed."""
    try:
        gold = importlib.import_module("jobs.gold")
    except ModuleNotFoundError:
        return {}
    builder = getattr(gold, "build_traveller", None)
    if builder is None:
        return {}
    result = builder(spark, settings, domain, run_id) or {}
    return {f"gold_{k}": int(v) for k, v in result.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def print_summary(row: dict) -> None:
    print(json.dumps({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}, sort_keys=True))


def run(args: argparse.Namespace) -> int:
    from jobs.spark import build_spark

    settings = load_settings(args.env, {"warehouse": args.warehouse})
    spark = build_spark(settings, app_name=f"upt-resolve-{args.domain}")
    row = resolve(spark, settings, args.domain)
    print_summary(row)
    from jobs.validate import after_job  # data-quality hook (conf quality.validate_after_jobs)

    return after_job(spark, settings, args.domain, row["run_id"])


if __name__ == "__main__":
    from jobs.cli import run_job

    sys.exit(run_job("jobs.resolve"))
