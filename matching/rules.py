"""Deterministic matching rules: candidate edges between traveller ids that share rule keys.

A rule is an ordered, named list of attributes that must all be equal after normalisation (Amazon
Connect's rule-based matching). A traveller with several values of an attribute yields one key per
combination. Keys held by too many travellers (placeholder emails, agency phones) are junk: they are
reported and never link anyone, which is what keeps one bad value from building a giant component.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from matching.attributes import ATTRIBUTES

MAX_RULES = 15
KEY_SEPARATOR = "\u0001"
# Rule names the resolve step reserves for links that do not come from attribute rules.
RESERVED = ("manual", "traveller_id", "auto-match")


@dataclass(frozen=True)
class Rule:
    name: str
    attributes: tuple[str, ...]


def parse_rules(conf: list | dict) -> list[Rule]:
    """Rules from conf, in priority order: ``[{name: [attr, ...]}, ...]`` or ``{name: [attr, ...]}``."""
    items = list(conf.items()) if isinstance(conf, dict) else [next(iter(entry.items())) for entry in conf]
    rules = [Rule(str(name), tuple(attrs if isinstance(attrs, list) else [attrs])) for name, attrs in items]
    if not 0 < len(rules) <= MAX_RULES:
        raise ValueError(f"between 1 and {MAX_RULES} rules are allowed, got {len(rules)}")
    names = [r.name for r in rules]
    if len(set(names)) != len(names) or set(names) & set(RESERVED):
        raise ValueError(f"rule names must be unique and not one of {RESERVED}: {names}")
    for rule in rules:
        unknown = [a for a in rule.attributes if a not in ATTRIBUTES]
        if unknown or not rule.attributes:
            raise ValueError(f"rule {rule.name!r}: unknown attributes {unknown}; expected some of {ATTRIBUTES}")
    return rules


def junk_values(attributes: DataFrame, guarded: tuple[str, ...], max_travellers: int) -> DataFrame:
    """(domain, attribute, value, travellers) of guarded attribute values on too many travellers."""
    return (
        attributes.where(F.col("attribute").isin(list(guarded)))
        .groupBy("domain", "attribute", "value")
        .agg(F.countDistinct("traveller_id").alias("travellers"))
        .where(F.col("travellers") > max_travellers)
    )


def rule_keys(attributes: DataFrame, rule: Rule) -> DataFrame:
    """(domain, traveller_id, key): one key per combination of the traveller's rule attribute values."""
    keys = None
    for attribute in rule.attributes:
        values = attributes.where(F.col("attribute") == attribute).select(
            "domain", "traveller_id", F.col("value").alias("v")
        )
        keys = (
            values.withColumnRenamed("v", "key")
            if keys is None
            else keys.join(values, ["domain", "traveller_id"]).select(
                "domain", "traveller_id", F.concat_ws(KEY_SEPARATOR, "key", "v").alias("key")
            )
        )
    return keys.distinct()


def candidate_edges(
    attributes: DataFrame, rules: list[Rule], guarded: tuple[str, ...], max_travellers: int
) -> tuple[DataFrame, DataFrame]:
    """Edges (domain, src, dst, rule) with src < dst, and the junk report (domain, attribute, value, travellers).

    Each key links its travellers as a star around the smallest traveller id: the same components as
    all pairs, with edges linear in the key's size.
    """
    junk = junk_values(attributes, guarded, max_travellers)
    usable = attributes.join(junk.select("domain", "attribute", "value"), ["domain", "attribute", "value"], "left_anti")
    edges, junk_keys = [], [junk]
    for rule in rules:
        keys = rule_keys(usable, rule)
        by_key = Window.partitionBy("domain", "key")
        keys = keys.withColumn("travellers", F.count("*").over(by_key)).withColumn(
            "hub", F.min("traveller_id").over(by_key)
        )
        if len(rule.attributes) > 1:
            junk_keys.append(
                keys.where(F.col("travellers") > max_travellers)
                .select(
                    "domain",
                    F.lit(f"rule:{rule.name}").alias("attribute"),
                    F.regexp_replace("key", KEY_SEPARATOR, "|").alias("value"),
                    F.col("travellers").cast("long"),
                )
                .distinct()
            )
        edges.append(
            keys.where((F.col("travellers") <= max_travellers) & (F.col("traveller_id") != F.col("hub"))).select(
                "domain", F.col("hub").alias("src"), F.col("traveller_id").alias("dst"), F.lit(rule.name).alias("rule")
            )
        )
    all_edges = edges[0]
    for part in edges[1:]:
        all_edges = all_edges.unionByName(part)
    report = junk_keys[0].select("domain", "attribute", "value", F.col("travellers").cast("long"))
    for part in junk_keys[1:]:
        report = report.unionByName(part)
    return all_edges.distinct(), report
