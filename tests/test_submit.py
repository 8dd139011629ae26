"""spark-submit.sh: a real local spark-submit run, and the EMR / Glue requests it would send."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _submit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "spark-submit.sh"), *args], capture_output=True, text=True, timeout=600, cwd=ROOT)


@pytest.mark.e2e  # a whole job on Delta tables
def test_local_spark_submit_runs_the_doctor_job(tmp_path):
    proc = _submit("doctor", "--warehouse", str(tmp_path / "wh"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["ok"] is True and report["rows_read_back"] == 3
    assert (tmp_path / "wh" / "ops" / "runtime_check" / "_delta_log").is_dir()


def test_emr_dry_run_prints_an_add_job_flow_steps_request():
    proc = _submit("--target", "emr", "--dry-run", "ingest", "--domain", "demo")
    assert proc.returncode == 0, proc.stderr
    request = json.loads(proc.stdout)
    step = request["Steps"][0]
    args = step["HadoopJarStep"]["Args"]
    assert request["JobFlowId"].startswith("j-")
    assert step["HadoopJarStep"]["Jar"] == "command-runner.jar"
    assert args[0] == "spark-submit" and "--py-files" in args
    assert args[args.index("--py-files") + 1].endswith("upt_lakehouse.zip")
    assert any(a.endswith("/jobs/ingest.py") for a in args)
    assert args[-4:] == ["--domain", "demo", "--env", "emr"]
    assert not any("packages" in a for a in args), "EMR supplies Delta: nothing may be downloaded"


def test_glue_dry_run_prints_a_start_job_run_request():
    proc = _submit("--target", "glue", "--dry-run", "ingest", "--domain", "demo", "--from-date", "2024/01/01")
    assert proc.returncode == 0, proc.stderr
    request = json.loads(proc.stdout)
    arguments = request["Arguments"]
    assert request["JobName"]
    assert arguments["--job"] == "ingest" and arguments["--env"] == "glue"
    assert arguments["--datalake-formats"] == "delta"
    assert (arguments["--domain"], arguments["--from-date"]) == ("demo", "2024/01/01")
    assert all(isinstance(v, str) for v in arguments.values())


def test_glue_entry_refuses_a_missing_or_unknown_job():
    from jobs import glue_entry

    assert glue_entry.main(["--job", "nope"]) == 2
    assert glue_entry.main(["--domain", "x"]) == 2


def test_glue_request_carries_a_positional_action_back_to_the_job(monkeypatch):
    """`match train` on Glue (which passes only --key value): --positional, restored by glue_entry."""
    from jobs import glue_entry
    from runtime.config import load_settings
    from runtime.submit import glue_job_run_request

    arguments = glue_job_run_request(load_settings("glue"), "match", ["train", "--domain", "demo"])["Arguments"]
    assert arguments["--positional"] == "train" and arguments["--domain"] == "demo"
    argv = [part for key, value in arguments.items() for part in (key, value)]
    seen = {}
    monkeypatch.setattr(glue_entry, "run_job", lambda module, args: seen.update(module=module, args=args) or 0)
    assert glue_entry.main(argv) == 0
    assert seen["module"] == "jobs.match" and seen["args"][0] == "train"
    assert seen["args"][seen["args"].index("--domain") + 1] == "demo"
