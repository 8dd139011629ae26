"""One Spark session for the whole run, built by the project's own factory, plus a local S3 server.

The moto server starts before the session so the session's S3A settings can point at it; tests that
use s3:// paths create their own buckets with boto3.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from typing import NamedTuple

import pytest

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
# Validation after ingest and resolve is on in every conf; the suite's many small ingests skip it
# (tests of the hook turn it back on for their run).
os.environ.setdefault("UPT_VALIDATE_AFTER_JOBS", "false")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """URL of a moto server (real S3, Glue and DynamoDB APIs) on a free loopback port."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("moto server did not start")
    os.environ["UPT_S3_ENDPOINT"] = url
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def settings(s3_endpoint, tmp_path_factory):
    from runtime.config import load_settings

    warehouse = tmp_path_factory.mktemp("warehouse")
    return load_settings(
        "local",
        {
            "warehouse": str(warehouse),
            # One session serves the whole suite (~110 tests, thousands of queries): more heap than a job.
            # UPT_TEST_DRIVER_MEMORY lowers it for a few modules on a crowded machine.
            "spark.conf.spark.driver.memory": os.environ.get("UPT_TEST_DRIVER_MEMORY", "6g"),
            # Delta keeps a log (and its snapshot's cached state, with query plans) for every table
            # path it has read, up to 10,000 for 60 minutes. The suite reads ~1,000 throw-away tables:
            # at the default the heap filled with old snapshots and the run spent most of its time in
            # full GC (measured: 918 s of 1 h in full collections, old generation 99.6% full).
            "spark.conf.spark.databricks.delta.delta.log.cacheSize": "24",
            # Test data is a few rows: compiling generated code for each of the suite's thousands of
            # wide queries costs more than running them interpreted, and two cores need no more than
            # two partitions (measured on four unit-test files: 169-185 s -> 93 s; docs/decisions/
            # 0007-test-session.md). Child processes (spark-submit, the kill and concurrency tests,
            # Airflow's tasks) keep the jobs' own conf, so generated code is still exercised end to end.
            "spark.conf.spark.sql.codegen.wholeStage": "false",
            "spark.conf.spark.sql.codegen.factoryMode": "NO_CODEGEN",
            "spark.conf.spark.sql.shuffle.partitions": "2",
            "spark.conf.spark.default.parallelism": "2",
        },
    )


@pytest.fixture(scope="session")
def spark(settings):
    from runtime.spark import build_spark

    session = build_spark(settings, app_name="upt-tests")
    # The JVMs started after this one (each `upt` child process, spark-submit under Airflow, Trino)
    # are cold and short-lived: with C1 alone they compile Spark's generated code about twice as fast
    # and never reach C2's peak speed anyway. The session itself keeps both compilers: it runs for
    # the whole suite (docs/performance.md, "Test-suite time").
    os.environ.setdefault("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1")
    # The `upt` children the crash, kill and concurrency tests start from Python test what survives
    # a crash or a race, not Spark's code generation: like this session they run interpreted, which
    # took a cold 12-traveller ingest from 137 s to 100 s and its resolve from 111 s to 84 s. Only
    # Python-launched sessions read this variable; spark-submit (the Airflow DAG and spark-submit.sh
    # tests) and the notebooks' kernels (which set their own) keep the jobs' generated code.
    os.environ.setdefault(
        "PYSPARK_SUBMIT_ARGS",
        "--conf spark.sql.codegen.wholeStage=false --conf spark.sql.codegen.factoryMode=NO_CODEGEN pyspark-shell",
    )
    yield session
    session.stop()


@pytest.fixture
def s3_bucket(s3_endpoint):
    """A fresh bucket on the moto server; yields its name."""
    import boto3

    name = f"upt-test-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="session")
def trino_url(tmp_path_factory):
    """A real Trino server (Delta Lake catalog ``delta``), started once by scripts/trino.sh.

    `make test` installs it first (`make trino-server`, cached under ~/.cache/upt-lakehouse);
    the script downloads it itself when run without that step.
    """
    home = tmp_path_factory.mktemp("trino")
    port = _free_port()
    subprocess.run(["bash", os.path.join(ROOT, "scripts", "trino.sh"), "start", str(home), str(port)], check=True)
    yield f"http://127.0.0.1:{port}"
    subprocess.run(["bash", os.path.join(ROOT, "scripts", "trino.sh"), "stop", str(home)], check=False)


class DemoWorld(NamedTuple):
    landing: str
    warehouse: str
    domain: str
    first_resolve: dict  # the job_runs row the fixture's `upt resolve` printed


@pytest.fixture(scope="session")
def demo_world(spark, tmp_path_factory) -> DemoWorld:
    """150 generated travellers over three days, taken through `upt ingest` and `upt resolve` (gold
    included) once, in process. Shared read-only by the resolve, Trino and notebook tests; a test that
    writes works on a copy. One world instead of three saves an ingest and a resolve per module."""
    from datagen import Options, generate
    from tests.e2e_helpers import DEMO_DOMAIN, run_summary, upt_in_process

    root = tmp_path_factory.mktemp("demo_wh")
    landing, warehouse, domain = root / "landing", root / "warehouse", DEMO_DOMAIN
    generate(Options(out=str(landing), domain=domain, travellers=150, seed=5, days=3))
    upt_in_process(spark, "ingest", "--domain", domain, "--landing", str(landing), "--warehouse", str(warehouse))
    first = run_summary(upt_in_process(spark, "resolve", "--domain", domain, "--warehouse", str(warehouse)))
    return DemoWorld(str(landing), str(warehouse), domain, first)


def pytest_collection_modifyitems(config, items):
    """Whole-path (e2e) modules first, in file order, then the unit tests.

    `make test` runs two workers, one file at a time each (pytest-xdist `--dist loadfile
    --no-loadscope-reorder`): the long end-to-end files start at once and the many short unit files
    fill the gaps at the end, instead of one long file starting last and running alone.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)
