"""A real Trino 476 reads what `upt publish --catalog trino --roles` registered: tables and role views."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest
import trino
from pyspark.sql import functions as F

from publishing.catalog import ACCP_TYPES
from tests.e2e_helpers import upt_in_process

# The first test also builds the shared warehouse (and starts Trino): more than the default 900 s on a busy box.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1800)]
DATABASE = "upt_it"
ROLES = """
roles:
  no_dob: ["traveller/*,dob", "air_booking/booking_id,from,to"]
  bos_desk: ["air_booking/*?from = BOS"]
"""


@pytest.fixture(scope="module")
def published(spark, demo_world, trino_url, tmp_path_factory):
    warehouse, domain = demo_world.warehouse, demo_world.domain
    roles = tmp_path_factory.mktemp("roles") / "roles.yaml"
    roles.write_text(ROLES)
    args = ["publish", "--domain", domain, "--warehouse", warehouse, "--catalog", "trino", "--trino-url", trino_url]
    args += ["--database", DATABASE, "--roles-file", str(roles)]
    first = json.loads(upt_in_process(spark, *args).stdout.strip().splitlines()[-1])
    second = json.loads(upt_in_process(spark, *args).stdout.strip().splitlines()[-1])
    url = urlparse(trino_url)
    connection = trino.dbapi.connect(host=url.hostname, port=url.port, user="test", catalog="delta")
    return warehouse, domain, first, second, connection


def query(connection, sql: str, params: list | None = None) -> list:
    cursor = connection.cursor()
    cursor.execute(sql, params) if params else cursor.execute(sql)
    return cursor.fetchall()


def spark_table(spark, warehouse: str, layer: str, table: str):
    return spark.read.format("delta").load(f"{warehouse}/{layer}/{table}")


def test_publish_registers_every_table_idempotently(published):
    warehouse, _, first, second, connection = published
    assert first["catalog"] == "trino" and set(first["tables"].values()) == {"created"}
    assert set(second["tables"].values()) == {"unchanged"}
    registered = {r[0] for r in query(connection, f"SHOW TABLES FROM {DATABASE}")}
    assert registered == set(first["tables"]) and "traveller" in registered
    assert sorted(first["views"]) == ["upt_it_bos_desk.accp_air_booking", "upt_it_no_dob.accp_air_booking",
                                      "upt_it_no_dob.traveller"]  # fmt: skip


def test_counts_equal_sparks(spark, published):
    warehouse, _, first, _, connection = published
    accp = [t for t in ACCP_TYPES if f"accp_{t}" in first["tables"]]
    assert len(accp) >= 10, accp
    tables = {"traveller": ("gold", "traveller")} | {f"accp_{t}": ("accp", t) for t in accp}
    for name, (layer, table) in tables.items():
        expected = spark_table(spark, warehouse, layer, table).count()
        assert query(connection, f"SELECT count(*) FROM {DATABASE}.{name}") == [[expected]], name


def test_nested_record_array_is_readable(spark, published):
    warehouse, _, _, _, connection = published
    gold = spark_table(spark, warehouse, "gold", "traveller")
    expected = sorted(
        (r["connectId"], r["bookingId"], r["from"])
        for r in gold.select("connectId", F.explode("airBookingRecords").alias("r"))
        .select("connectId", "r.bookingId", "r.from")
        .collect()
    )
    rows = query(
        connection,
        f'SELECT t.connectid, r.bookingid, r."from" FROM {DATABASE}.traveller t CROSS JOIN UNNEST(t.airbookingrecords) r',
    )
    assert expected and sorted(tuple(r) for r in rows) == expected


def test_filter_on_domain_prunes(published):
    _, domain, _, _, connection = published
    cursor = connection.cursor()
    cursor.execute(f"SELECT max(connectid) FROM {DATABASE}.traveller WHERE domain = ?", [domain])
    assert cursor.fetchall()[0][0] is not None and cursor.stats["physicalInputBytes"] > 0
    cursor.execute(f"SELECT max(connectid) FROM {DATABASE}.traveller WHERE domain = ?", ["no_such_domain"])
    assert cursor.fetchall() == [[None]]
    assert cursor.stats["physicalInputBytes"] == 0  # no data file of the other partition was opened
    (plan,) = query(
        connection, f"EXPLAIN (TYPE IO, FORMAT JSON) SELECT * FROM {DATABASE}.traveller WHERE domain = 'x'"
    )[0]
    constraint = json.loads(plan)["inputTableColumnInfos"][0]["constraint"]["columnConstraints"]
    assert [c["columnName"] for c in constraint] == ["domain"]


def test_a_profile_found_by_upt_search_is_found_with_sql(spark, published):
    warehouse, domain, _, _, connection = published
    last_name = (
        spark_table(spark, warehouse, "gold", "traveller")
        .where(F.col("mergedIn").isNull() & F.col("lastName").isNotNull())
        .orderBy("connectId")
        .first()["lastName"]
    )
    found = upt_in_process(
        spark, "search", "--domain", domain, "--warehouse", warehouse, "--json", "--last-name", last_name
    )
    document = json.loads(found.stdout.strip().splitlines()[-1])
    ids = sorted(p["connectId"] for p in document["profiles"])
    assert ids
    rows = query(
        connection,
        f"SELECT connectid FROM {DATABASE}.traveller WHERE domain = ? AND lower(trim(lastname)) = lower(trim(?)) "
        "AND mergedin IS NULL ORDER BY 1",
        [domain, last_name],
    )
    assert [r[0] for r in rows] == ids


def test_role_without_dob_cannot_select_it(published):
    _, _, _, _, connection = published
    with pytest.raises(trino.exceptions.TrinoUserError, match="Column 'birthdate' cannot be resolved"):
        query(connection, "SELECT birthdate FROM upt_it_no_dob.traveller")
    columns = [r[0] for r in query(connection, "SHOW COLUMNS FROM upt_it_no_dob.traveller")]
    assert "birthdate" not in columns and "lastname" in columns
    assert "birthdate" in [r[0] for r in query(connection, f"SHOW COLUMNS FROM {DATABASE}.traveller")]
    assert [r[0] for r in query(connection, "SHOW COLUMNS FROM upt_it_no_dob.accp_air_booking")] == [
        "booking_id",
        "from",
        "to",
    ]


def test_role_with_a_row_condition_sees_only_those_rows(spark, published):
    warehouse, _, _, _, connection = published
    bookings = spark_table(spark, warehouse, "accp", "air_booking")
    expected = bookings.where(F.col("from") == "BOS").count()
    assert 0 < expected < bookings.count()
    assert query(connection, "SELECT count(*) FROM upt_it_bos_desk.accp_air_booking") == [[expected]]
    assert query(connection, 'SELECT DISTINCT "from" FROM upt_it_bos_desk.accp_air_booking') == [["BOS"]]
