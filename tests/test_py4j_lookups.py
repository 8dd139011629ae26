"""The Py4J lookup cache: a class or static method crosses the socket once; field values never cache."""

from __future__ import annotations

import pytest
from py4j import protocol
from py4j.protocol import Py4JError
from pyspark.sql import functions as F

from runtime import py4j_lookups

_RELEASE_REFERENCE = protocol.MEMORY_COMMAND_NAME + protocol.MEMORY_DEL_SUBCOMMAND_NAME


@pytest.fixture
def round_trips(spark, monkeypatch):
    """Counts the commands the Python driver sends to the JVM."""
    client = spark.sparkContext._gateway._gateway_client
    sent: list[str] = []
    send = client.send_command

    def counting(command, *args, **kwargs):
        # Py4J also sends "m d <id>" when Python garbage-collects a JVM reference; those come
        # whenever the collector runs, not from the call under test, so they are not counted.
        if not command.startswith(_RELEASE_REFERENCE):
            sent.append(command)
        return send(command, *args, **kwargs)

    monkeypatch.setattr(client, "send_command", counting)
    return sent


def test_build_spark_installs_the_cache(spark):
    from py4j.java_gateway import JVMView

    assert getattr(JVMView.__getattr__, "__wrapped__", None) is not None


def test_a_class_and_its_static_method_are_looked_up_once(spark, round_trips):
    jvm = spark.sparkContext._jvm
    first = jvm.functions.col
    round_trips.clear()
    again = jvm.functions.col
    assert round_trips == []
    assert again is first
    assert jvm.functions._fqn == "org.apache.spark.sql.functions"


def test_a_function_call_is_one_round_trip_once_warm(spark, round_trips):
    F.col("warm_up")
    round_trips.clear()
    column = F.col("traveller_id")
    assert len(round_trips) == 1
    assert str(column) == "Column<'traveller_id'>"


def test_without_the_cache_each_call_looks_the_function_up_again(spark, round_trips):
    py4j_lookups.uninstall()
    try:
        F.col("warm_up")
        round_trips.clear()
        F.col("traveller_id")
        assert len(round_trips) == 3
    finally:
        py4j_lookups.install()


def test_a_static_field_is_read_every_time(spark, round_trips):
    integer = spark.sparkContext._jvm.java.lang.Integer
    assert integer.MAX_VALUE == 2**31 - 1
    round_trips.clear()
    assert integer.MAX_VALUE == 2**31 - 1
    assert len(round_trips) == 1


def test_a_missing_name_still_fails_every_time(spark):
    jvm = spark.sparkContext._jvm
    for _ in range(2):
        with pytest.raises(Py4JError):
            _ = jvm.java.lang.Integer.no_such_member_here
