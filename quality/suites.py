"""Expectation suites as data: the rule groups of ``conf/expectations/*.yaml`` -> GX Core expectations.

A suite file names a table and lists columns per rule group (``key``, ``emails``, ``countries``...);
this module turns that into Great Expectations objects, with the rule group's severity in ``meta`` so
the runner can decide the exit code. Pure: no Spark, no files (the loader lives in ``runtime.config``).
Expectations on columns the table does not have are left out (an ACCP table only holds the columns
its producers emit), and reported by ``missing_columns``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatch

import great_expectations.expectations as gxe
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

# Any ISO-8601 date-time UPT accepts: date, optional time, optional fraction, optional zone.
ISO_8601_DATETIME = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?)?$"
)
ISO_8601_DATE = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
# Empty strings are "no value" in ACCP records (UPT writes "" for absent fields): format rules skip them.
EMAIL = r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE = r"^$|^\+?[0-9(][0-9 ()./-]{3,28}[0-9]$"

RULE_GROUPS = (
    "key",
    "not_null",
    "unique",
    "iso_timestamps",
    "iso_dates",
    "emails",
    "phones",
    "countries",
    "currencies",
    "non_negative",
    "between",
    "in_set",
    "row_count",
)


@dataclass(frozen=True)
class SuiteSpec:
    """One table's suite: where its rows are, which job's rows it checks, and its rule groups."""

    name: str
    table: str  # "<layer>/<table>"
    run_column: str | None  # column holding the id of the run that wrote the row
    after: tuple[str, ...]  # jobs whose rows it validates (ingest, resolve)
    rules: dict = field(default_factory=dict)
    severity: dict = field(default_factory=dict)


def merge_rules(base: dict, extra: dict) -> dict:
    """Rule groups of ``extra`` added to ``base``: lists concatenate, mappings merge."""
    merged = {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for group, value in (extra or {}).items():
        if isinstance(value, list):
            merged[group] = [*merged.get(group, []), *[v for v in value if v not in merged.get(group, [])]]
        elif isinstance(value, dict):
            merged[group] = {**merged.get(group, {}), **value}
        else:
            merged[group] = value
    return merged


def suite_specs(documents: dict[str, dict]) -> list[SuiteSpec]:
    """Suite files (name -> parsed YAML) -> specs; files starting with ``_`` are shared parts.

    ``_common.yaml`` holds rule groups applied to every suite whose table matches its ``applies_to``
    glob(s); ``_codes.yaml`` holds the ISO code lists the ``countries``/``currencies`` groups use.
    """
    commons = [doc for name, doc in documents.items() if name.startswith("_") and "applies_to" in doc]
    specs = []
    for name, doc in sorted(documents.items()):
        if name.startswith("_"):
            continue
        rules = {g: doc[g] for g in RULE_GROUPS if g in doc}
        for common in commons:
            patterns = common["applies_to"] if isinstance(common["applies_to"], list) else [common["applies_to"]]
            if any(fnmatch(doc["table"], p) for p in patterns):
                rules = merge_rules({g: common[g] for g in RULE_GROUPS if g in common}, rules)
        specs.append(
            SuiteSpec(
                name=name,
                table=doc["table"],
                run_column=doc.get("run_column"),
                after=tuple(doc.get("after", ())),
                rules=rules,
                severity=dict(doc.get("severity", {})),
            )
        )
    return specs


def _between(column: str, bounds) -> gxe.Expectation:
    low, high = (bounds.get("min"), bounds.get("max")) if isinstance(bounds, dict) else bounds
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high)


def expectations_for(spec: SuiteSpec, codes: dict, severities: dict) -> list[gxe.Expectation]:
    """Every expectation of a suite, each with ``meta = {rule, severity, suite}``.

    ``severities`` maps rule group -> ``error`` | ``warn`` (conf ``quality.severity``), overridden
    per suite by the file's own ``severity:`` mapping.
    """
    rules = spec.rules
    made: list[tuple[str, gxe.Expectation]] = []
    key = list(rules.get("key", []))
    for column in key:
        made.append(("key", gxe.ExpectColumnValuesToNotBeNull(column=column)))
    if len(key) > 1:
        made.append(("key", gxe.ExpectCompoundColumnsToBeUnique(column_list=key)))
    elif key:
        made.append(("key", gxe.ExpectColumnValuesToBeUnique(column=key[0])))
    made += [("not_null", gxe.ExpectColumnValuesToNotBeNull(column=c)) for c in rules.get("not_null", [])]
    made += [("unique", gxe.ExpectColumnValuesToBeUnique(column=c)) for c in rules.get("unique", [])]
    made += [
        ("iso_timestamps", gxe.ExpectColumnValuesToMatchRegex(column=c, regex=r"^$|" + ISO_8601_DATETIME))
        for c in rules.get("iso_timestamps", [])
    ]
    made += [
        ("iso_dates", gxe.ExpectColumnValuesToMatchRegex(column=c, regex=r"^$|" + ISO_8601_DATE))
        for c in rules.get("iso_dates", [])
    ]
    made += [("emails", gxe.ExpectColumnValuesToMatchRegex(column=c, regex=EMAIL)) for c in rules.get("emails", [])]
    made += [("phones", gxe.ExpectColumnValuesToMatchRegex(column=c, regex=PHONE)) for c in rules.get("phones", [])]
    countries = ["", *codes.get("countries", []), *codes.get("countries_alpha3", [])]
    made += [
        ("countries", gxe.ExpectColumnValuesToBeInSet(column=c, value_set=countries))
        for c in rules.get("countries", [])
    ]
    currencies = ["", *codes.get("currencies", [])]
    made += [
        ("currencies", gxe.ExpectColumnValuesToBeInSet(column=c, value_set=currencies))
        for c in rules.get("currencies", [])
    ]
    made += [
        ("non_negative", gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0))
        for c in rules.get("non_negative", [])
    ]
    made += [("between", _between(c, b)) for c, b in sorted(rules.get("between", {}).items())]
    made += [
        ("in_set", gxe.ExpectColumnValuesToBeInSet(column=c, value_set=["", *values]))
        for c, values in sorted(rules.get("in_set", {}).items())
    ]
    if "row_count" in rules:
        made.append(("row_count", gxe.ExpectTableRowCountToBeBetween(**rules["row_count"])))
    seen: dict[str, str] = {}
    for rule, expectation in made:
        # Results are stored by (table, expectation id): two rules making one id would collide there.
        name = expectation_id(expectation)
        if name in seen:
            raise ValueError(f"suite {spec.table}: rules {seen[name]!r} and {rule!r} both make {name}; keep one")
        seen[name] = rule
        severity = spec.severity.get(rule, severities.get(rule, severities.get("default", "warn")))
        expectation.meta = {"rule": rule, "severity": severity, "suite": spec.name}
    return [e for _, e in made]


def expectation_columns(expectation: gxe.Expectation) -> list[str]:
    kwargs = expectation.configuration.kwargs
    if "column" in kwargs:
        return [kwargs["column"]]
    return list(kwargs.get("column_list") or [])


def checked_columns(frame: DataFrame, expectations: list[gxe.Expectation]) -> DataFrame:
    """``frame`` cut to the columns ``expectations`` read (all of it when they name none, e.g. a
    row count), so a suite caches what it checks: whole traveller-360 rows, every record array of a
    profile, ran a 4 GB driver out of heap at 1M profiles."""
    checked = sorted({c for e in expectations for c in expectation_columns(e)})
    return frame.select(*[F.col(f"`{c}`") for c in checked]) if checked else frame


def expectation_id(expectation: gxe.Expectation) -> str:
    """Stable, readable name: ``expect_column_values_to_not_be_null(email)``."""
    return f"{expectation.expectation_type}({','.join(expectation_columns(expectation))})"


def applicable(expectations: list[gxe.Expectation], columns: list[str]) -> tuple[list[gxe.Expectation], list[str]]:
    """(expectations whose columns exist, ids of the ones left out because a column is missing)."""
    present = set(columns)
    keep, missing = [], []
    for expectation in expectations:
        (keep if set(expectation_columns(expectation)) <= present else missing).append(expectation)
    return keep, [expectation_id(e) for e in missing]
