"""The Airflow DAGs in dags/, loaded and run by a real Airflow 3 (its own venv: `make airflow`)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from datagen import Options, generate
from tests.e2e_helpers import accp_tables, content, upt_in_process

# Cold spark-submits under Airflow: more than the default 900 s on a busy box.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1800)]
ROOT = Path(__file__).resolve().parents[1]
AIRFLOW_PYTHON = ROOT / ".venv-airflow" / "bin" / "python"
DOMAIN = "dagtest"

# Loads the folder with Airflow's own DagBag once per target and prints what the tests assert on.
DESCRIBE = """
import json, os, sys
from airflow.dag_processing.dagbag import DagBag
out = {}
for target in ("local", "emr", "glue"):
    os.environ["UPT_TARGET"] = target
    bag = DagBag(dag_folder=sys.argv[1])
    out[target] = {
        "errors": {k: str(v)[-500:] for k, v in bag.import_errors.items()},
        "dags": {
            dag.dag_id: {
                "schedule": str(dag.schedule),
                "max_active_runs": dag.max_active_runs,
                "catchup": dag.catchup,
                "tasks": {
                    t.task_id: {
                        "type": type(t).__name__,
                        "downstream": sorted(t.downstream_task_ids),
                        "retries": t.retries,
                        "timeout": t.execution_timeout.total_seconds() if t.execution_timeout else None,
                        "trigger_rule": getattr(t.trigger_rule, "value", t.trigger_rule),
                        "command": getattr(t, "bash_command", None),
                        "steps": getattr(t, "steps", None),
                        "script_args": getattr(t, "script_args", None),
                    }
                    for t in dag.tasks
                },
            }
            for dag in bag.dags.values()
        },
    }
print(json.dumps(out))
"""


def airflow_env(home: Path, **extra: str) -> dict:
    if not AIRFLOW_PYTHON.exists():
        raise AssertionError(f"no Airflow venv at {AIRFLOW_PYTHON.parent.parent}: run `make airflow` first")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "UPT_", "PYSPARK"))}
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
        PATH=f"{AIRFLOW_PYTHON.parent}{os.pathsep}{env.get('PATH', '')}",
        **extra,
    )
    return env


@pytest.fixture(scope="module")
def described(tmp_path_factory):
    env = airflow_env(tmp_path_factory.mktemp("airflow_home"), UPT_DOMAINS=f"{DOMAIN},other")
    proc = subprocess.run(
        [str(AIRFLOW_PYTHON), "-c", DESCRIBE, str(ROOT / "dags")], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_every_dag_imports_on_every_target(described):
    for target, bag in described.items():
        assert bag["errors"] == {}, (target, bag["errors"])
        assert sorted(bag["dags"]) == sorted(
            f"upt_{d}_{c}" for d in (DOMAIN, "other") for c in ("every_2h", "weekly", "hourly")
        )


def test_schedules_task_graphs_and_guards(described):
    dags = described["local"]["dags"]
    every_2h, weekly, hourly = (dags[f"upt_{DOMAIN}_{c}"] for c in ("every_2h", "weekly", "hourly"))
    assert every_2h["schedule"] == "2:00:00" and hourly["schedule"] == "1:00:00" and weekly["schedule"] == "0 3 * * 0"
    assert {t: v["downstream"] for t, v in every_2h["tasks"].items()} == {
        "ingest": ["resolve"],
        "resolve": ["validate"],
        "validate": [],
    }
    assert {t: v["downstream"] for t, v in weekly["tasks"].items()} == {
        "conf_changed": ["match_train", "skip_train"],
        "match_train": ["record_conf"],
        "record_conf": ["match"],
        "skip_train": ["match"],
        "match": ["match_export"],
        "match_export": [],
    }
    # match runs after a training or a skipped one, never after a failed one; the rest need all upstream
    assert weekly["tasks"]["match"]["trigger_rule"] == "none_failed_min_one_success"
    assert weekly["tasks"]["match_export"]["trigger_rule"] == "all_success"
    assert list(hourly["tasks"]) == ["maintain"]
    for dag in (every_2h, weekly, hourly):
        assert dag["max_active_runs"] == 1 and dag["catchup"] is False
        for task_id, task in dag["tasks"].items():
            assert task["retries"] == (0 if task_id == "conf_changed" else 2), task_id
            if task["type"] == "BashOperator":
                assert task["timeout"] and task["command"].split()[0].endswith("/spark-submit.sh"), task_id
    assert every_2h["tasks"]["ingest"]["command"].split()[1:4] == ["ingest", "--domain", DOMAIN]
    assert weekly["tasks"]["match_train"]["command"].split()[1:3] == ["match", "train"]
    assert weekly["tasks"]["match_export"]["command"].split()[1:3] == ["match", "export"]


def test_emr_and_glue_tasks_carry_the_dry_run_requests(described):
    sys.path.insert(0, str(ROOT))
    from runtime.config import load_settings
    from runtime.submit import emr_step_request, glue_job_run_request

    emr = described["emr"]["dags"][f"upt_{DOMAIN}_every_2h"]["tasks"]
    assert emr["ingest.add_step"]["type"] == "EmrAddStepsOperator"
    assert emr["ingest.add_step"]["downstream"] == ["ingest.wait_step"]
    assert emr["ingest.wait_step"]["type"] == "EmrStepSensor"
    assert emr["ingest.wait_step"]["downstream"] == ["resolve.add_step"]
    expected = emr_step_request(load_settings("emr"), "ingest", ["--domain", DOMAIN])["Steps"]
    assert emr["ingest.add_step"]["steps"] == expected
    glue = described["glue"]["dags"][f"upt_{DOMAIN}_weekly"]["tasks"]
    assert glue["match_train"]["type"] == "GlueJobOperator"
    request = glue_job_run_request(load_settings("glue"), "match", ["train", "--domain", DOMAIN])
    assert glue["match_train"]["script_args"] == request["Arguments"]


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    """Pax profiles only: each DAG task is a cold spark-submit, and what is under test is the DAG
    running the CLI (five ACCP tables, resolve, validate), not every business object again."""
    root = tmp_path_factory.mktemp("dag_landing")
    generate(Options(out=str(root), domain=DOMAIN, travellers=12, seed=3, days=1))
    for folder in root.iterdir():
        if folder.name not in ("pax_profile", "_truth"):
            shutil.rmtree(folder)
    return root


def test_dags_test_runs_the_2_hourly_dag_like_the_cli(spark, landing, tmp_path):
    """`airflow dags test` runs ingest -> resolve -> validate with spark-submit.sh; same tables as the CLI."""
    by_dag, by_cli = tmp_path / "dag_wh", tmp_path / "cli_wh"
    env = airflow_env(
        tmp_path / "airflow_home",
        UPT_DOMAINS=DOMAIN,
        UPT_TARGET="local",
        UPT_WAREHOUSE=str(by_dag),
        UPT_LANDING=str(landing),
        UPT_RETRIES="0",
        # As in the rest of the suite: the DAG's own validate task checks the tables; the jobs'
        # after-run hook would check them twice more, each in a cold spark-submit.
        UPT_VALIDATE_AFTER_JOBS="false",
        VENV=str(Path(sys.executable).parent.parent),  # spark-submit.sh runs the project's venv
    )
    airflow = str(AIRFLOW_PYTHON.parent / "airflow")
    dag_test = f"{shlex.quote(airflow)} db migrate && {shlex.quote(airflow)} dags test upt_{DOMAIN}_every_2h 2025-01-02"
    log_file = tmp_path / "airflow.log"
    with log_file.open("w") as log_out:
        # Output to a file: nobody reads a pipe while the CLI runs below.
        run = subprocess.Popen(["bash", "-c", dag_test], env=env, stdout=log_out, stderr=subprocess.STDOUT, cwd=ROOT)
    # The same jobs through the CLI, in this process, while Airflow's cold spark-submits run.
    upt_in_process(spark, "ingest", "--domain", DOMAIN, "--landing", str(landing), "--warehouse", str(by_cli))
    upt_in_process(spark, "resolve", "--domain", DOMAIN, "--warehouse", str(by_cli))
    code = run.wait(timeout=1800)
    log = log_file.read_text()
    assert code == 0, log[-6000:]
    finished = re.search(rf"DagRun Finished: dag_id=upt_{DOMAIN}_every_2h,.*?state=(\w+)", log)
    assert finished and finished.group(1) == "success", log[-6000:]
    assert accp_tables(by_dag) == accp_tables(by_cli) and len(accp_tables(by_cli)) >= 4
    for table in accp_tables(by_cli):
        expected = content(spark, str(by_cli / "accp" / table))
        got = content(spark, str(by_dag / "accp" / table))
        assert got.count() == expected.count() and got.exceptAll(expected).isEmpty(), table
    for layer, table, columns in (
        ("identity", "traveller_profiles", ["domain", "traveller_id", "profile_id"]),
        ("gold", "traveller", ["connectId", "lastName", "travellerIds", "mergedIn"]),
    ):
        expected = spark.read.format("delta").load(str(by_cli / layer / table)).select(*columns)
        got = spark.read.format("delta").load(str(by_dag / layer / table)).select(*columns)
        assert got.count() == expected.count() > 0 and got.exceptAll(expected).isEmpty(), table
    runs = spark.read.format("delta").load(str(by_dag / "ops" / "job_runs"))
    assert {r["job"] for r in runs.select("job").distinct().collect()} >= {"ingest", "resolve"}
    assert runs.where(F.col("status") != "succeeded").count() == 0
