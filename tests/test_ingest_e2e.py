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

from tests.e2e_helpers import UPT, accp_tables, content, run_summary, table_versions, upt

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


def _ingest(landing: Path, warehouse: Path, domain: str, *extra: str) -> dict:
    return run_summary(
        upt("ingest", "--domain", domain, "--landing", str(landing), "--warehouse", str(warehouse), *extra)
    )


def _line_count(root: Path, domain: str) -> int:
    return sum(
        1
        for f in root.glob(f"*/{domain}/**/*.jsonl")
        for line in f.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )


def test_incremental_runs_read_only_new_files(spark, landing, tmp_path):
    warehouse = tmp_path / "wh"
    first = _ingest(landing, warehouse, "alpha")
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

    versions = table_versions(warehouse)
    second = _ingest(landing, warehouse, "alpha")
    assert (second["lines_read"], second["files_read"]) == (0, 0)
    changed = {t for t, v in table_versions(warehouse).items() if versions.get(t) != v and t != "ops/job_runs"}
    assert changed == set()

    later = _later_files(landing)
    for f in later.glob("*/alpha/**/*.jsonl"):
        target = landing / f.relative_to(later)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, target)
    third = _ingest(landing, warehouse, "alpha")
    assert third["files_read"] == len(list(later.glob("*/alpha/**/*.jsonl")))
    assert third["lines_read"] == _line_count(later, "alpha")


def test_replayed_file_changes_no_record(spark, landing, tmp_path):
    warehouse = tmp_path / "wh"
    _ingest(landing, warehouse, "beta")
    before = {
        t: content(spark, warehouse / "accp" / t).drop("source_file", "line_number").cache()
        for t in accp_tables(warehouse)
    }
    for f in landing.glob("*/beta/**/*.jsonl"):
        shutil.copy(f, f.with_name("replay-" + f.name))
    replay = _ingest(landing, warehouse, "beta")
    assert replay["lines_read"] > 0 and replay["lines_rejected"] == 0
    assert sum(replay["written"].values()) == 0
    for table, rows in before.items():
        after = content(spark, warehouse / "accp" / table).drop("source_file", "line_number")
        assert_df_equality(after, rows, ignore_row_order=True, ignore_nullable=True)
    for f in landing.glob("*/beta/**/replay-*.jsonl"):
        f.unlink()


def test_killed_run_then_rerun_equals_clean_run(spark, landing, tmp_path):
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    _ingest(landing, clean, "alpha")

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

    _ingest(landing, crashed, "alpha")
    assert accp_tables(crashed) == accp_tables(clean)
    for table in accp_tables(clean):
        assert_df_equality(
            content(spark, crashed / "accp" / table),
            content(spark, clean / "accp" / table),
            ignore_row_order=True,
            ignore_nullable=True,
        )


def test_s3_landing_and_warehouse_on_moto(spark, landing, s3_endpoint, s3_bucket):
    s3 = boto3.client("s3", endpoint_url=s3_endpoint)
    files = list(landing.glob("*/beta/**/*.jsonl"))
    for f in files:
        s3.upload_file(str(f), s3_bucket, f"landing/{f.relative_to(landing)}")
    result = run_summary(
        upt(
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
