"""Safe by default, end to end on one tiny generated domain (12 travellers), in test order:

validation on with no environment variable, logs and job_runs without personal values, hostile
values that change no table, an unknown domain refused, erasure of one person (and a later ingest of
the same traveller id), and last the deletion of the whole domain.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from tests.e2e_helpers import accp_tables, content, start_upt, table_versions, upt_in_process

D = "safety_e2e"
# The module fixture ingests (with validation) and resolves; on a shared 2-core box that can take
# longer than the suite's per-test default.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1800)]


@contextlib.contextmanager
def _env(**values):
    saved = {k: os.environ.get(k) for k in values}
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _run_logged(spark, logs: list[str], *args: str):
    """``upt_in_process`` with the JSON log lines (stderr) and stdout kept for the PII check."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        proc = upt_in_process(spark, *args)
    logs += [proc.stdout, err.getvalue()]
    return proc


def _main(*args: str) -> tuple[int, str]:
    """The CLI's ``main`` for a command expected to refuse: (exit code, stderr)."""
    from jobs.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code
    return code, err.getvalue()


@pytest.fixture(scope="module")
def safety(spark, tmp_path_factory):
    root = tmp_path_factory.mktemp("safety")
    landing, warehouse = root / "landing", root / "warehouse"
    logs: list[str] = []
    upt_in_process(spark, "generate", "--domain", D, "--travelers", "12", "--seed", "11", "--out", str(landing))
    # No UPT_VALIDATE_AFTER_JOBS: the conf default (on) applies, as for a user.
    with _env(UPT_VALIDATE_AFTER_JOBS=None):
        _run_logged(spark, logs, "ingest", "--domain", D, "--landing", str(landing), "--warehouse", str(warehouse))
    _run_logged(spark, logs, "resolve", "--domain", D, "--warehouse", str(warehouse))
    return {"landing": landing, "warehouse": warehouse, "logs": "\n".join(logs)}


def _landing_lines(landing: Path) -> list[str]:
    return [line for path in sorted(landing.glob("*/*/*/*/*/*.jsonl")) for line in path.read_text().splitlines()]


def _people_values(landing: Path) -> tuple[set[str], set[str]]:
    text = "\n".join(_landing_lines(landing))
    emails = set(re.findall(r"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+\.[a-z]+", text))
    names = {m for m in re.findall(r'"(?:firstName|lastName|middleName)":"([^"]+)"', text) if len(m) > 2}
    return emails, names


def test_ingest_validates_by_default_and_status_shows_it(spark, safety):
    proc = upt_in_process(spark, "status", "--domain", D, "--warehouse", str(safety["warehouse"]), "--json")
    status = json.loads(proc.stdout)
    assert status["validation_errors"]["expectations_last_run"] > 0
    results = spark.read.format("delta").load(str(safety["warehouse"] / "ops" / "validation_results"))
    assert "ingest" in {r["job"] for r in results.where(F.col("domain") == D).select("job").distinct().collect()}


def test_logs_and_job_runs_hold_no_personal_value(spark, safety):
    emails, names = _people_values(safety["landing"])
    assert len(emails) > 5 and len(names) > 10
    runs = spark.read.format("delta").load(str(safety["warehouse"] / "ops" / "job_runs"))
    job_runs = "\n".join(r[0] for r in runs.select(F.to_json(F.struct("*"))).collect())
    for text, where in ((safety["logs"], "logs"), (job_runs, "ops/job_runs")):
        assert not [e for e in emails if e in text], where
        assert not [n for n in names if re.search(rf"\b{re.escape(n)}\b", text)], where


def test_cc_cvv_is_never_stored(spark, safety):
    path = safety["warehouse"] / "accp" / "air_booking"
    df = spark.read.format("delta").load(str(path))
    assert "cc_cvv" in df.columns and df.count() > 0
    assert df.where(F.col("cc_cvv").isNotNull()).count() == 0


def test_hostile_values_and_unknown_domains_change_no_table(spark, safety):
    warehouse = str(safety["warehouse"])
    before = table_versions(warehouse)
    for args in (
        ("resolve", "--domain", "x' OR '1'='1"),
        ("maintain", "--domain", "../" + D),
        ("unmerge", "--domain", D, "--profile", "p' OR 1=1 --"),
        ("errors", "replay", "--domain", D, "--ids", "a*/b"),
        ("forget", "--domain", D, "--traveller-id", "x" * 300),
        ("domain", "delete", D + "/*", "--yes"),
    ):
        code, err = _main(*args, "--warehouse", warehouse)
        assert code == 2 and "invalid value" in err, (args, err)
    with _env(UPT_AUTO_CREATE_DOMAINS="false"):
        code, err = _main("ingest", "--domain", "nosuch", "--landing", str(safety["landing"]), "--warehouse", warehouse)
    assert code == 2 and "unknown domain 'nosuch'" in err and "upt domain create nosuch" in err
    assert table_versions(warehouse) == before


def _accp_rows(spark, warehouse: Path) -> dict[str, list[str]]:
    out = {}
    for table in sorted(accp_tables(warehouse)):
        df = content(spark, warehouse / "accp" / table, D)
        out[table] = sorted(json.dumps(r.asDict(recursive=True), default=str, sort_keys=True) for r in df.collect())
    return out


def test_two_ingests_at_once_write_every_line_once(spark, safety, tmp_path):
    """Two `upt ingest` processes started together on one domain and a fresh warehouse: each one
    finishes or stops with the clear concurrency message, and the ACCP tables equal one clean run."""
    warehouse, clean = tmp_path / "warehouse", tmp_path / "clean"
    # One business object keeps the two cold processes short; pax profiles still feed five tables.
    ingest = ("ingest", "--domain", D, "--landing", str(safety["landing"]), "--objects", "pax_profile")
    logs = [tmp_path / f"ingest{i}" for i in range(2)]
    procs = [start_upt(*ingest, "--warehouse", str(warehouse), logs=log) for log in logs]
    # The clean reference run, in this process, while the two cold processes start their JVMs.
    upt_in_process(spark, *ingest, "--warehouse", str(clean))
    results = [
        (p.wait(timeout=900), log.with_suffix(".out").read_text(), log.with_suffix(".err").read_text())
        for p, log in zip(procs, logs, strict=True)
    ]
    codes = sorted(code for code, _, _ in results)
    assert codes in ([0, 0], [0, 3]), [(c, err[-1500:]) for c, _, err in results]
    for code, _, err in results:
        assert code == 0 or "ran at the same time" in err
    assert len(accp_tables(clean)) >= 4
    assert _accp_rows(spark, warehouse) == _accp_rows(spark, clean)


# Columns that name the run or the moment that wrote a row: different in any two runs.
RUN_COLUMNS = (
    "run_id",
    "tx_id",
    "ingested_at",
    "updated_at",
    "merged_at",
    "created_at",
    "link_id",
    "buildRunId",
    "builtAt",
)


def _identity_and_gold(spark, warehouse: Path) -> dict[str, list]:
    out = {}
    for name in ("profiles", "traveller_profiles", "profile_merges", "manual_links", "profile_splits"):
        out[name] = warehouse / "identity" / name
    out["traveller"] = warehouse / "gold" / "traveller"
    rows = {}
    for name, path in out.items():
        df = spark.read.format("delta").load(str(path)).where(F.col("domain") == D)
        df = df.drop(*[c for c in RUN_COLUMNS if c in df.columns])
        rows[name] = sorted(json.dumps(r.asDict(recursive=True), default=str, sort_keys=True) for r in df.collect())
    return rows


def test_resolve_killed_between_commits_then_rerun_equals_a_clean_run(spark, safety, tmp_path):
    """``upt merge`` (a manual merge, then resolve) killed right after resolve's first commit; the next
    ``upt resolve`` finishes the crashed run's plan: same tables as a clean ``upt merge``."""
    warehouse = safety["warehouse"]
    clean = tmp_path / "clean"
    shutil.copytree(warehouse, clean)
    active = (
        spark.read.format("delta")
        .load(str(warehouse / "identity" / "profiles"))
        .where((F.col("domain") == D) & (F.col("status") == "active"))
        .orderBy("profile_id")
        .limit(2)
        .collect()
    )
    source, target = active[0]["profile_id"], active[1]["profile_id"]
    merge = ("merge", "--domain", D, "--profile", source, "--into", target)
    log = tmp_path / "crashed"
    crashing = start_upt(
        *merge, "--warehouse", str(warehouse), logs=log, env={"UPT_FAULT_CRASH_AT": "resolve:traveller_profiles"}
    )
    # The clean run works on its own copy: it goes on in this process while the child's cold JVM works.
    upt_in_process(spark, *merge, "--warehouse", str(clean))
    assert crashing.wait(timeout=900) == 97, log.with_suffix(".err").read_text()[-2000:]
    assert (warehouse / "_journal" / "resolve" / D / "_PLAN_COMPLETE").exists()
    rerun = upt_in_process(spark, "resolve", "--domain", D, "--warehouse", str(warehouse))
    assert '"replayed_traveller_profiles"' in rerun.stdout
    assert not (warehouse / "_journal" / "resolve" / D).exists()
    assert _identity_and_gold(spark, warehouse) == _identity_and_gold(spark, clean)


def _current_file_text(spark, path: str) -> str:
    """Every row of every data file the table's current version references, as JSON text
    (the files themselves, so rows hidden by a deletion vector would still show)."""
    files = spark.read.format("delta").load(path).inputFiles()
    if not files:
        return ""
    rows = spark.read.parquet(*files).select(F.to_json(F.struct("*"))).collect()
    return "\n".join(r[0] for r in rows)


def test_forget_erases_the_person_everywhere_and_the_id_can_come_back(spark, safety):
    from lifecycle.warehouse import delta_tables
    from runtime.config import load_settings

    warehouse, landing = safety["warehouse"], safety["landing"]
    settings = load_settings("local", {"warehouse": str(warehouse)})
    with open(landing / "_truth" / D / "truth.csv") as fh:
        truth = list(csv.DictReader(fh))
    by_person: dict[str, set[str]] = {}
    for row in truth:
        by_person.setdefault(row["person_id"], set()).add(row["source_traveller_id"])
    lines = _landing_lines(landing)

    docs = [json.loads(line) for line in lines]

    def values(ids: set[str]) -> tuple[set[str], set[tuple[str, str]]]:
        """Emails and (first, last) names of every object (a profile, a passenger) with one of these ids."""
        emails, names = set(), set()

        def walk(node):
            if isinstance(node, dict):
                if node.get("id") in ids and node.get("firstName") and node.get("lastName"):
                    names.add((node["firstName"], node["lastName"]))
                    emails.update(re.findall(r"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+\.[a-z]+", json.dumps(node)))
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        for doc in docs:
            walk(doc)
        return emails, names

    # The person whose emails and names no other person's profile lines hold.
    person, ids, emails, names = None, set(), set(), set()
    for candidate, candidate_ids in sorted(by_person.items(), key=lambda kv: -len(kv[1])):
        own_emails, own_names = values(candidate_ids)
        other_emails, other_names = values({t for p, i in by_person.items() if p != candidate for t in i})
        if own_emails and not own_emails & other_emails and not own_names & other_names:
            person, ids, emails, names = candidate, candidate_ids, own_emails, own_names
            break
    assert person, "no person with values of their own in the generated data"

    def leftovers() -> dict[str, list[str]]:
        found = {}
        for name, path in delta_tables(spark, settings).items():
            text = _current_file_text(spark, path)
            hits = [e for e in emails if e in text]
            hits += [
                f"{first} {last}"
                for first, last in names
                for row in text.splitlines()
                if f'"{first}"' in row and f'"{last}"' in row
            ]
            if hits:
                found[name] = sorted(set(hits))
        return found

    assert leftovers(), "the person's values should be in the tables before forget"
    proc = upt_in_process(spark, "forget", "--domain", D, "--traveller-id", *sorted(ids), "--warehouse", str(warehouse))
    assert leftovers() == {}
    # The request is recorded with counts only: no id, email or name of the person.
    erasures = spark.read.format("delta").load(str(warehouse / "ops" / "erasures")).where(F.col("domain") == D)
    row = erasures.first()
    assert erasures.count() == 1 and row["status"] == "succeeded" and row["selector"] == "traveller_id"
    assert row["deleted_rows"].get("identity/traveller_profiles", 0) >= 1 and row["deleted_rows"].get("gold/traveller")
    recorded = json.dumps(row.asDict(), default=str) + proc.stdout
    assert not [v for v in [*ids, *emails, *(n for pair in names for n in pair)] if v in recorded]

    # A later ingest of the same traveller id works as for a new traveller.
    # (a profile line of the person: its top-level id is one of the erased traveller ids).
    source, line = next(
        (p, ln)
        for p in sorted(landing.glob("*/*/*/*/*/*.jsonl"))
        for ln in p.read_text().splitlines()
        if json.loads(ln).get("id") in ids
    )
    traveller = json.loads(line)["id"]
    doc = json.loads(line)
    doc["lastUpdatedOn"] = "2024-03-01T00:00:00Z"
    business_object = source.relative_to(landing).parts[0]
    target = landing / business_object / D / "2024" / "03" / "01" / "part-00000.jsonl"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(doc) + "\n")
    upt_in_process(spark, "ingest", "--domain", D, "--landing", str(landing), "--warehouse", str(warehouse))
    table = spark.read.format("delta").load(str(warehouse / "accp" / business_object))
    assert table.where((F.col("domain") == D) & (F.col("traveller_id") == traveller)).count() >= 1


def test_domain_list_then_delete_removes_every_row(spark, safety):
    """Runs last: it deletes the module's domain."""
    from lifecycle.warehouse import delta_tables
    from runtime.config import load_settings

    warehouse = str(safety["warehouse"])
    listed = json.loads(upt_in_process(spark, "domain", "list", "--json", "--warehouse", warehouse).stdout)
    mine = next(r for r in listed if r["domain"] == D)
    assert mine["objects"].get("air_booking", 0) > 0 and mine["profiles"] > 0 and "ingest" in mine["last_runs"]

    code, err = _main("domain", "delete", D, "--warehouse", warehouse)
    assert code == 2 and "--yes" in err
    upt_in_process(spark, "domain", "delete", D, "--yes", "--warehouse", warehouse)
    settings = load_settings("local", {"warehouse": warehouse})
    for name, path in delta_tables(spark, settings).items():
        df = spark.read.format("delta").load(path)
        if "domain" in df.columns:
            assert df.where(F.col("domain") == D).count() == 0, name
    assert not (safety["warehouse"] / "_checkpoints" / "ingest" / D).exists()
    listed = json.loads(upt_in_process(spark, "domain", "list", "--json", "--warehouse", warehouse).stdout)
    assert D not in [r["domain"] for r in listed]
