"""Airflow DAGs for the lakehouse's production schedule, one per cadence and domain.

    upt_<domain>_every_2h   ingest -> resolve (gold included) -> validate
    upt_<domain>_weekly     match train (only when conf/matching.yaml changed) -> match -> match export
    upt_<domain>_hourly     maintain (OPTIMIZE/Z-order, VACUUM, purge expired errors)

Every task runs a job of jobs/ the way ``spark-submit.sh`` does, on the target chosen by
``UPT_TARGET``:

- ``local``: ``spark-submit.sh <job> <args>`` (BashOperator; tests and single machines);
- ``emr``: ``EmrAddStepsOperator`` + ``EmrStepSensor`` with the request
  ``spark-submit.sh --target emr --dry-run <job> <args>`` prints (``runtime.submit.emr_step_request``);
- ``glue``: ``GlueJobOperator`` with the request ``spark-submit.sh --target glue --dry-run`` prints.

Settings (environment of the scheduler and workers):

- ``UPT_PROJECT_DIR``: the project checkout holding spark-submit.sh, jobs/ and conf/ (default: this
  folder's parent);
- ``UPT_DOMAINS``: comma-separated domains, one DAG per cadence each (default ``demo``);
- ``UPT_TARGET``: local, emr or glue (default local);
- ``UPT_WAREHOUSE`` / ``UPT_LANDING``: local target only, passed as --warehouse / --landing (EMR and
  Glue read them from conf/emr.yaml or conf/glue.yaml);
- ``UPT_AWS_CONN_ID``: Airflow connection for emr/glue (default ``aws_default``);
- ``UPT_RETRIES``: retries per task (default 2; the tests use 0).

Each task retries (twice by default, with backoff), has a timeout, and a failure stops every task after it; at most one run of
a DAG is active at a time, so runs of a domain never overlap.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import sys
from datetime import datetime, timedelta
from pathlib import Path

from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.python import BranchPythonOperator, PythonOperator
from airflow.sdk import DAG, TaskGroup, Variable

PROJECT = Path(os.environ.get("UPT_PROJECT_DIR") or Path(__file__).resolve().parent.parent)
TARGET = os.environ.get("UPT_TARGET", "local")
DOMAINS = [d.strip() for d in os.environ.get("UPT_DOMAINS", "demo").split(",") if d.strip()]
AWS_CONN_ID = os.environ.get("UPT_AWS_CONN_ID", "aws_default")
DOMAIN_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}\Z")
START = datetime(2025, 1, 1)

# (schedule, {task: (job, extra args, timeout)}, dependencies) per cadence.
TIMEOUTS = {
    "ingest": timedelta(hours=1, minutes=30),
    "resolve": timedelta(hours=1),
    "validate": timedelta(minutes=30),
    "match_train": timedelta(hours=3),
    "match": timedelta(hours=3),
    "match_export": timedelta(hours=1),
    "maintain": timedelta(minutes=50),
}

if str(PROJECT) not in sys.path:  # runtime.submit builds the EMR/Glue requests (pyyaml only, no Spark)
    sys.path.insert(0, str(PROJECT))


def check_domain(domain: str) -> str:
    if not DOMAIN_NAME.match(domain):
        raise ValueError(f"bad domain {domain!r} in UPT_DOMAINS: lowercase letters, digits, _ and - only")
    return domain


def job_args(job: str, domain: str, *extra: str) -> list[str]:
    """Arguments of ``jobs/<job>.py``; the local target also names the warehouse and landing zone."""
    args = [*extra, "--domain", domain]
    if TARGET == "local":
        if os.environ.get("UPT_WAREHOUSE"):
            args += ["--warehouse", os.environ["UPT_WAREHOUSE"]]
        if job == "ingest" and os.environ.get("UPT_LANDING"):
            args += ["--landing", os.environ["UPT_LANDING"]]
    return args


def spark_job(task_id: str, job: str, args: list[str], timeout: timedelta):
    """One job on the target; returns (first task, last task) to chain on."""
    if TARGET == "local":
        command = " ".join(shlex.quote(part) for part in [str(PROJECT / "spark-submit.sh"), job, *args])
        task = BashOperator(task_id=task_id, bash_command=command, execution_timeout=timeout, cwd=str(PROJECT))
        return task, task
    from runtime.config import load_settings
    from runtime.submit import emr_step_request, glue_job_run_request

    settings = load_settings(TARGET)
    if TARGET == "emr":
        from airflow.providers.amazon.aws.operators.emr import EmrAddStepsOperator
        from airflow.providers.amazon.aws.sensors.emr import EmrStepSensor

        request = emr_step_request(settings, job, args)
        with TaskGroup(task_id):
            add = EmrAddStepsOperator(
                task_id="add_step",
                job_flow_id=request["JobFlowId"],
                steps=request["Steps"],
                aws_conn_id=AWS_CONN_ID,
            )
            wait = EmrStepSensor(
                task_id="wait_step",
                job_flow_id=request["JobFlowId"],
                step_id=f"{{{{ ti.xcom_pull(task_ids='{task_id}.add_step')[0] }}}}",
                aws_conn_id=AWS_CONN_ID,
                timeout=timeout.total_seconds(),
                execution_timeout=timeout,
                poke_interval=60,
                mode="reschedule",
            )
            add >> wait
        return add, wait
    if TARGET == "glue":
        from airflow.providers.amazon.aws.operators.glue import GlueJobOperator

        request = glue_job_run_request(settings, job, args)
        task = GlueJobOperator(
            task_id=task_id,
            job_name=request["JobName"],
            script_args=request["Arguments"],
            create_job_kwargs={"WorkerType": request["WorkerType"], "NumberOfWorkers": request["NumberOfWorkers"]},
            region_name=settings.get("glue.region"),
            aws_conn_id=AWS_CONN_ID,
            wait_for_completion=True,
            execution_timeout=timeout,
        )
        return task, task
    raise ValueError(f"UPT_TARGET must be local, emr or glue, not {TARGET!r}")


def default_args() -> dict:
    return {
        "owner": "upt-lakehouse",
        "retries": int(os.environ.get("UPT_RETRIES", "2")),
        "retry_delay": timedelta(minutes=5),
        "retry_exponential_backoff": True,
    }


def chain(*steps) -> None:
    for (_, before), (after, _) in zip(steps, steps[1:], strict=False):
        before >> after


def every_2h(domain: str) -> DAG:
    with DAG(
        dag_id=f"upt_{domain}_every_2h",
        description=f"ingest -> resolve (gold) -> validate for domain {domain}",
        schedule=timedelta(hours=2),
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=default_args(),
        dagrun_timeout=timedelta(hours=3, minutes=30),
        tags=["upt", domain, TARGET],
    ) as dag:
        chain(
            spark_job("ingest", "ingest", job_args("ingest", domain), TIMEOUTS["ingest"]),
            spark_job("resolve", "resolve", job_args("resolve", domain), TIMEOUTS["resolve"]),
            spark_job("validate", "validate", job_args("validate", domain), TIMEOUTS["validate"]),
        )
    return dag


def matching_conf_digest() -> str:
    return hashlib.sha256((PROJECT / "conf" / "matching.yaml").read_bytes()).hexdigest()


def choose_training(domain: str) -> str:
    """match_train when conf/matching.yaml differs from the one the last trained model used."""
    trained = Variable.get(f"upt_{domain}_matching_conf_sha256", default=None)
    return "match_train" if trained != matching_conf_digest() else "skip_train"


def record_training(domain: str) -> None:
    Variable.set(f"upt_{domain}_matching_conf_sha256", matching_conf_digest())


def weekly(domain: str) -> DAG:
    with DAG(
        dag_id=f"upt_{domain}_weekly",
        description=f"match train (when the conf changed) -> match -> match export for domain {domain}",
        schedule="0 3 * * 0",
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=default_args(),
        dagrun_timeout=timedelta(hours=8),
        tags=["upt", domain, TARGET],
    ) as dag:
        branch = BranchPythonOperator(
            task_id="conf_changed", python_callable=choose_training, op_args=[domain], retries=0
        )
        train_first, train_last = spark_job(
            "match_train", "match", job_args("match", domain, "train"), TIMEOUTS["match_train"]
        )
        recorded = PythonOperator(task_id="record_conf", python_callable=record_training, op_args=[domain])
        skip = PythonOperator(task_id="skip_train", python_callable=lambda: None)
        match_first, match_last = spark_job("match", "match", job_args("match", domain, "run"), TIMEOUTS["match"])
        # match runs after a successful training or a skipped one, never after a failed one
        match_first.trigger_rule = "none_failed_min_one_success"
        export = spark_job("match_export", "match", job_args("match", domain, "export"), TIMEOUTS["match_export"])
        branch >> [train_first, skip]
        train_last >> recorded >> match_first
        skip >> match_first
        chain((match_first, match_last), export)
    return dag


def hourly(domain: str) -> DAG:
    with DAG(
        dag_id=f"upt_{domain}_hourly",
        description=f"maintain (OPTIMIZE, VACUUM, expired errors) for domain {domain}",
        schedule=timedelta(hours=1),
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=default_args(),
        dagrun_timeout=timedelta(minutes=55),
        tags=["upt", domain, TARGET],
    ) as dag:
        spark_job("maintain", "maintain", job_args("maintain", domain), TIMEOUTS["maintain"])
    return dag


for _domain in map(check_domain, DOMAINS):
    for _build in (every_2h, weekly, hourly):
        _dag = _build(_domain)
        globals()[_dag.dag_id] = _dag
