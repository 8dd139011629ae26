"""The one Spark session factory: every job, the CLI and the tests build their session here."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from pyspark.sql import SparkSession

from runtime import py4j_lookups
from runtime.config import Settings
from runtime.jars import resolve_jars, splink_similarity_jar


def spark_conf(settings: Settings) -> dict[str, str]:
    """Every Spark setting for this environment, as strings, without starting anything."""
    conf = {key: str(value) for key, value in (settings.get("spark.conf") or {}).items()}
    jars = []
    if settings.flag("jars.resolve"):
        jars += resolve_jars(settings.get("jars.cache"), list(settings.get("jars.packages")))
        similarity = splink_similarity_jar()
        if similarity:
            jars.append(similarity)
        # s3:// is EMRFS on EMR; locally the same URIs go through S3A.
        conf.setdefault("spark.hadoop.fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem")
    if jars:
        conf["spark.jars"] = ",".join(jars)
    endpoint = settings.get("s3.endpoint")
    if endpoint:
        conf["spark.hadoop.fs.s3a.endpoint"] = endpoint
        conf["spark.hadoop.fs.s3a.endpoint.region"] = settings.get("s3.region", "us-east-1")
        conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] = str(endpoint.startswith("https")).lower()
    if settings.get("s3.path_style_access") or endpoint:
        conf["spark.hadoop.fs.s3a.path.style.access"] = "true"
    provider = settings.get("s3.credentials_provider")
    if provider:
        conf["spark.hadoop.fs.s3a.aws.credentials.provider"] = provider
    return conf


def build_spark(settings: Settings, app_name: str | None = None) -> SparkSession:
    """Return the session for ``settings`` (reusing a live one, as spark-submit and notebooks expect)."""
    py4j_lookups.install()  # every plan we build makes thousands of JVM lookups: cross the socket once each
    builder = SparkSession.builder.appName(app_name or settings.get("app_name", "upt-lakehouse"))
    if settings.get("master"):
        builder = builder.master(settings.get("master"))
    if str(settings.get("master") or "").startswith("local"):
        # Local Python workers must be this interpreter (the venv's), not whatever `python3` is on PATH;
        # clusters set PYSPARK_PYTHON themselves.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in spark_conf(settings).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(settings.get("spark.log_level", "WARN"))
    return spark


# Spark evaluates expressions without generating Java code: no Janino, and nothing for the JIT.
INTERPRETED_EXPRESSIONS = {"spark.sql.codegen.wholeStage": "false", "spark.sql.codegen.factoryMode": "NO_CODEGEN"}


def _apply(session: SparkSession, values: dict[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            session.conf.unset(key)
        else:
            session.conf.set(key, value)


@contextmanager
def session_settings(sessions: tuple[SparkSession, ...], values: dict[str, str | None]) -> Iterator[None]:
    """``values`` (None: unset) in every session inside the block; what each had comes back after."""
    saved = [(session, {key: session.conf.get(key, None) for key in values}) for session in sessions]
    try:
        for session, _ in saved:
            _apply(session, values)
        yield
    finally:
        for session, before in reversed(saved):
            _apply(session, before)


def interpreted_expressions(*sessions: SparkSession) -> AbstractContextManager[None]:
    """Evaluate expressions interpreted in ``sessions`` inside the block; their settings come back after.

    Generated code pays off once it has run over many rows; a query that runs once over a few
    thousand pays Janino and the JIT for nothing (docs/decisions/0011-interpreted-small-batches.md).
    Several sessions because a streaming batch's frames belong to the query's own clone of the
    session, while the job's reads and writes use the original.
    """
    return session_settings(sessions, INTERPRETED_EXPRESSIONS)
