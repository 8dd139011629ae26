"""One resolve run: ACCP traveller ids -> stable unified profile ids, committed table by table.

Step 1: a traveller id is a node. Step 2: the rules of ``conf/rules.yaml`` link nodes that share
normalised attribute values (junk values excluded), plus manual links. Step 3: profiles are the
connected components, named with stable ids (``matching.profiles``). Components are recomputed from
all of the domain's edges each run; every write is a MERGE of the rows that changed, so a rerun
with nothing new writes nothing but its ``ops/job_runs`` row.
"""

from __future__ import annotations

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lifecycle.journal import Journal, crash_point
from matching.attributes import identity_attributes, traveller_ids
from matching.components import connected_components
from matching.identity.edges import MANUAL, manual_edges, merge_reasons, split_filter
from matching.identity.links import request_links
from matching.identity.plan import merge_rows, profile_mapping, registry_changes
from matching.profiles import absorbed_profiles, assign_profiles
from matching.rules import candidate_edges, parse_rules
from publishing.gold import build_traveller
from runtime import runs
from runtime.config import Settings, load_identity_conf
from runtime.inputs import mask
from storage import identity_tables as it
from storage.delta_io import insert_new, merge_condition, table_exists
from storage.identity_tables import accp_tables, ensure_identity_tables, read_identity


def sync_merge_requests(spark: SparkSession, settings: Settings, domain: str, current: DataFrame, now) -> int:
    """Turn new ``identity/merge_requests`` rows into manual links (source -> target traveller)."""
    path = settings.table_path("identity", "merge_requests")
    if not table_exists(spark, path):
        return 0
    requests = spark.read.format("delta").load(path).where(F.col("domain") == domain)
    existing = read_identity(spark, settings, "manual_links", domain)
    new = request_links(requests, current, existing, now).localCheckpoint()
    count = new.count()
    if count:
        new.write.format("delta").mode("append").save(it.path(settings, "manual_links"))
    return count


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
        splits = read_identity(spark, settings, "profile_splits", domain)
        edges = split_filter(rule_edges.drop("domain").unionByName(manual_edges(links)), splits).localCheckpoint()

        nodes = traveller_ids(tables).select(F.col("traveller_id").alias("node"))
        components, rounds = connected_components(nodes, edges)
        components = components.select(F.col("node").alias("traveller_id"), "component")
        registry = read_identity(spark, settings, "profiles", domain)
        demoted = links.select(F.col("from_profile_id").alias("profile_id"), "origin").where(
            F.col("profile_id").isNotNull()
        )
        assigned = assign_profiles(components, current, registry, demoted, splits, run_id).localCheckpoint()

        mapping = profile_mapping(assigned, edges, rule_order, domain, started, run_id)
        changed = mapping.join(current, ["traveller_id", "profile_id", "rule"], "left_anti")

        absorbed = merge_reasons(absorbed_profiles(current, assigned), current, edges, demoted, rule_order)
        merges = merge_rows(absorbed, domain, run_id, started)
        changes = registry_changes(assigned, absorbed, registry, domain, started, run_id)
        # Every change is planned before the first commit; a crash part-way is completed by the next run.
        plan = journal.write({"traveller_profiles": changed, "profile_merges": merges, "profiles": changes})
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
    """Refresh the traveller 360 table; its numeric counts, prefixed ``gold_``, join the run's row."""
    result = build_traveller(spark, settings, domain, run_id) or {}
    return {f"gold_{k}": int(v) for k, v in result.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
