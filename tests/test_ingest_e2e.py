"""End to end through the `upt` CLI: generated data, incremental runs, replays, crashes, S3."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import boto3
import pytest
from chispa import assert_df_equality

from runtime.spark import session_settings
from tests.e2e_helpers import UPT, accp_tables, content, run_summary, table_versions, upt, upt_in_process

pytestmark = pytest.mark.e2e  # whole CLI runs: `make test` only, not `make test-fast`

DOMAINS = ("alpha", "beta")


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    """Two domains of generated data over three dates, plus a fourth date held back."""
    root = tmp_path_factory.mktemp("landing")
    for seed, domain in enumerate(DOMAINS):
        upt("generate", "--domain", domain, "--travelers", "12", "--days", "3", "--seed", str(seed), "--out", str(root))
    later = tmp_path_factory.mktemp("later")
    upt(
        "generate",
        "--domain",
        "alpha",
        "--travelers",
        "4",
        "--days",
        "1",
        "--seed",
        "9",
        "--start-date",
        "2024-02-01",
        "--out",
        str(later),
    )
    return root


def _later_files(landing: Path) -> Path:
    return landing.parent / [p.name for p in landing.parent.iterdir() if p.name.startswith("later")][0]


def _ingest(spark, landing: Path, warehouse: Path, domain: str, *extra: str) -> dict:
    return run_summary(
        upt_in_process(
            spark, "ingest", "--domain", domain, "--landing", str(landing), "--warehouse", str(warehouse), *extra
        )
    )


def _line_count(root: Path, domain: str) -> int:
    return sum(
        1
        for f in root.glob(f"*/{domain}/**/*.jsonl")
        for line in f.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )


@pytest.fixture(scope="module")
def clean_alpha(spark, landing, tmp_path_factory) -> tuple[Path, dict]:
    """One clean ingest of domain alpha: the reference the other runs are compared with."""
    warehouse = tmp_path_factory.mktemp("clean")
    return warehouse, _ingest(spark, landing, warehouse, "alpha")


def _assert_same_records(spark, left: Path, right: Path, ignore: tuple[str, ...] = ()) -> None:
    assert accp_tables(left) == accp_tables(right)
    for table in accp_tables(left):
        assert_df_equality(
            content(spark, left / "accp" / table).drop(*ignore),
            content(spark, right / "accp" / table).drop(*ignore),
            ignore_row_order=True,
            ignore_nullable=True,
            ignore_column_order=True,
        )


def test_first_run_ingests_every_line_of_the_domain(spark, landing, clean_alpha):
    warehouse, first = clean_alpha
    assert first["status"] == "succeeded"
    assert first["lines_read"] == _line_count(landing, "alpha")
    assert first["lines_read"] == first["lines_accepted"] + first["lines_rejected"]
    assert first["lines_rejected"] == 0
    for table in (
        "air_booking",
        "pax_profile",
        "guest_profile",
        "hotel_booking",
        "hotel_stay_revenue_items",
        "clickstream",
        "customer_service_interaction",
        "email_history",
    ):
        assert table in accp_tables(warehouse)
        assert content(spark, warehouse / "accp" / table, "alpha").count() > 0
    # beta was not asked for: no beta rows anywhere
    assert content(spark, warehouse / "accp" / "pax_profile", "beta").count() == 0


def test_killed_run_then_rerun_equals_clean_run(spark, landing, clean_alpha, tmp_path):
    clean, _ = clean_alpha
    crashed = tmp_path / "crashed"
    args = [*UPT, "ingest", "--domain", "alpha", "--landing", str(landing), "--warehouse", str(crashed)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Kill the job hard as soon as its first ACCP table has data, i.e. in the middle of a batch.
    deadline = time.time() + 600
    while time.time() < deadline and proc.poll() is None:
        if list(crashed.glob("accp/*/_delta_log/00000000000000000001.json")):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"

    rerun = _ingest(spark, landing, crashed, "alpha")
    assert rerun["status"] == "succeeded"
    _assert_same_records(spark, crashed, clean)


def test_generated_code_writes_what_an_interpreted_batch_writes(spark, landing, clean_alpha, tmp_path, monkeypatch):
    """Decision 0011 changes how Spark evaluates a batch, never what it writes; the session is left as it was."""
    from ingestion import batch

    clean, _ = clean_alpha  # a small batch: interpreted expressions
    batches_interpreted = []

    def spy(*sessions):
        batches_interpreted.append(len(sessions))
        return interpreted_expressions(*sessions)

    interpreted_expressions = batch.interpreted_expressions
    monkeypatch.setattr(batch, "interpreted_expressions", spy)
    keys = {"spark.sql.codegen.wholeStage": "true", "spark.sql.codegen.factoryMode": "FALLBACK"}
    with session_settings((spark,), keys):  # the jobs' own session: generated code
        small = _ingest(spark, landing, tmp_path / "interpreted", "alpha")
        assert batches_interpreted == [2]  # the job's session and the streaming query's clone
        assert {key: spark.conf.get(key) for key in keys} == keys
        monkeypatch.setenv("UPT_INTERPRETED_BELOW_LINES", "0")
        generated = _ingest(spark, landing, tmp_path / "generated", "alpha")
        assert batches_interpreted == [2]
    assert small["lines_read"] == generated["lines_read"] == clean_alpha[1]["lines_read"]
    _assert_same_records(spark, clean, tmp_path / "generated")


def test_rerun_with_nothing_new_changes_nothing(spark, clean_alpha, landing):
    warehouse, _ = clean_alpha
    versions = table_versions(warehouse)
    second = _ingest(spark, landing, warehouse, "alpha")
    assert (second["lines_read"], second["files_read"]) == (0, 0)
    changed = {t for t, v in table_versions(warehouse).items() if versions.get(t) != v and t != "ops/job_runs"}
    assert changed == set()


def test_replayed_files_and_new_dates(spark, landing, clean_alpha, tmp_path):
    """A replayed copy of every file changes no record; files of a later date are read alone."""
    warehouse, first = clean_alpha
    before = tmp_path / "before"
    shutil.copytree(warehouse, before)
    copies = []
    for f in landing.glob("*/alpha/**/*.jsonl"):
        copies.append(f.with_name("replay-" + f.name))
        shutil.copy(f, copies[-1])
    later = _later_files(landing)
    for f in later.glob("*/alpha/**/*.jsonl"):
        target = landing / f.relative_to(later)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, target)

    run = _ingest(spark, landing, warehouse, "alpha")
    assert run["files_read"] == len(copies) + len(list(later.glob("*/alpha/**/*.jsonl")))
    assert run["lines_read"] == first["lines_read"] + _line_count(later, "alpha")
    assert run["lines_rejected"] == 0
    # Everything the replay touched is unchanged: compare on the replayed files' records only.
    new_dates = {p.relative_to(later).parts[2:5] for p in later.glob("*/alpha/**/*.jsonl")}
    assert all(d not in {p.relative_to(landing).parts[2:5] for p in copies} for d in new_dates)
    for table in accp_tables(before):
        old = content(spark, before / "accp" / table).drop("source_file", "line_number")
        now = content(spark, warehouse / "accp" / table).drop("source_file", "line_number")
        assert_df_equality(
            now.join(old.select("accp_object_id", "traveller_id"), ["accp_object_id", "traveller_id"], "left_semi"),
            old,
            ignore_row_order=True,
            ignore_nullable=True,
            ignore_column_order=True,
        )
    assert (
        content(spark, warehouse / "accp" / "pax_profile").count()
        > content(spark, before / "accp" / "pax_profile").count()
    )


def test_s3_landing_and_warehouse_on_moto(spark, landing, s3_endpoint, s3_bucket):
    s3 = boto3.client("s3", endpoint_url=s3_endpoint)
    files = list(landing.glob("*/beta/**/*.jsonl"))
    for f in files:
        s3.upload_file(str(f), s3_bucket, f"landing/{f.relative_to(landing)}")
    result = run_summary(
        upt_in_process(
            spark,
            "ingest",
            "--domain",
            "beta",
            "--landing",
            f"s3://{s3_bucket}/landing",
            "--warehouse",
            f"s3://{s3_bucket}/warehouse",
        )
    )
    assert result["files_read"] == len(files)
    assert result["lines_read"] == _line_count(landing, "beta") and result["lines_rejected"] == 0
    rows = spark.read.format("delta").load(f"s3://{s3_bucket}/warehouse/accp/pax_profile").count()
    assert rows > 0

    from deltalake import DeltaTable

    storage = {
        "AWS_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_ALLOW_HTTP": "true",
    }
    assert len(DeltaTable(f"s3://{s3_bucket}/warehouse/accp/pax_profile", storage_options=storage).to_pandas()) == rows
