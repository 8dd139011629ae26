"""Helpers for end-to-end tests: run the real `upt` CLI and read what it wrote."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

UPT = [sys.executable, "-m", "jobs.cli"]
# Lineage differs between two runs by design; everything else must be equal.
RUN_SPECIFIC = ("run_id", "tx_id", "ingested_at")
# Domain of the session's shared generated world (tests/conftest.py `demo_world`).
DEMO_DOMAIN = "demo_e2e"


def upt(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``upt <args>`` in a child process, as a user or an orchestrator would."""
    proc = subprocess.run([*UPT, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=900)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"upt {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
        )
    return proc


def start_upt(*args: str, logs: Path, env: dict | None = None) -> subprocess.Popen:
    """Start ``upt <args>`` in a child process and return at once; its stdout and stderr go to
    ``<logs>.out`` and ``<logs>.err`` (files, not pipes: nobody reads a pipe while the test works on,
    and a child that fills one blocks)."""
    with logs.with_suffix(".out").open("w") as out, logs.with_suffix(".err").open("w") as err:
        return subprocess.Popen([*UPT, *args], stdout=out, stderr=err, text=True, env={**os.environ, **(env or {})})


# Session settings a job's own conf may change on the shared test session; restored after each run.
_SESSION_KEYS = ("spark.sql.shuffle.partitions",)


def upt_in_process(spark: SparkSession, *args: str) -> subprocess.CompletedProcess:
    """Run ``upt <args>`` through the CLI's own ``main`` in this process, on the warm test session.

    Same parsing, conf loading and job code as the console script, without a JVM start per run
    (a cold JVM costs more than the job on test-sized data). Only the crash test needs a child process.
    """
    from jobs.cli import main

    saved = {key: spark.conf.get(key) for key in _SESSION_KEYS}
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # main() installs its JSON log handler
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            code = main(list(args))
    finally:
        for key, value in saved.items():
            spark.conf.set(key, value)
        root.handlers[:] = handlers
        root.setLevel(level)
    if code != 0:
        raise AssertionError(f"upt {' '.join(args)} exited {code}:\n{out.getvalue()[-3000:]}")
    return subprocess.CompletedProcess(["upt", *args], code, out.getvalue(), "")


def run_summary(proc: subprocess.CompletedProcess) -> dict:
    """The JSON job_runs row `upt ingest` prints as its last stdout line."""
    return json.loads(proc.stdout.strip().splitlines()[-1])


def accp_tables(warehouse: str | Path) -> list[str]:
    root = Path(warehouse) / "accp"
    return sorted(p.name for p in root.iterdir() if (p / "_delta_log").exists()) if root.exists() else []


def content(spark: SparkSession, path: str, domain: str | None = None) -> DataFrame:
    """A table's rows without the columns that name the run that wrote them."""
    df = spark.read.format("delta").load(str(path))
    if domain:
        df = df.where(F.col("domain") == domain)
    return df.drop(*[c for c in RUN_SPECIFIC if c in df.columns])


def table_versions(warehouse: str | Path) -> dict[str, int]:
    """Latest commit number of every Delta table under ``warehouse`` (a changed table commits)."""
    versions = {}
    for log in Path(warehouse).glob("*/*/_delta_log"):
        commits = [int(p.stem) for p in log.glob("*.json") if p.stem.isdigit()]
        versions[f"{log.parent.parent.name}/{log.parent.name}"] = max(commits)
    return versions
