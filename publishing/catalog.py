"""Publish the Delta tables to the AWS Glue Data Catalog for Athena (engine v3) and Trino.

Registers the database and every Delta table found (gold/traveller, accp/<type>, identity/<name>)
as Glue tables Athena reads natively (``table_type=DELTA``, ``spark.sql.sources.provider=delta``,
the location, columns from the Delta schema, partition key ``domain``); an existing table is
updated, so reruns converge. Prints Trino ``register_table`` calls and Athena DDL either way.

Readers without deletion-vector or column-mapping support (Athena, Trino's older connectors,
delta-rs) must keep reading the tables, so ``delta.enableDeletionVectors=false`` is set where it is
missing and each table's reader protocol is checked with ``deltalake``; a table that needs more
fails the command loudly. No Spark session: deltalake reads the logs, boto3 talks to Glue.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from runtime.config import Settings, is_remote
from transforms.registry import ACCP_OBJECT_TYPES

ACCP_TYPES = ACCP_OBJECT_TYPES


IDENTITY_TABLES = ("traveller_profiles", "profiles", "profile_merges", "merge_requests")


# Table reader features Athena engine v3 reads: none of deletionVectors, columnMapping, timestampNtz,
# v2Checkpoint, typeWidening... (Trino 476 reads more; the tables must stay readable by both).
ATHENA_READER_FEATURES: set[str] = set()


PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"


PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"


PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"


class PublishError(RuntimeError):
    """A table cannot be published for engines without deletion-vector/column-mapping support."""


def candidate_tables(settings: Settings) -> dict[str, tuple[str, str]]:
    """Catalog table name -> (layer, table) for every table publish knows about."""
    tables = {"traveller": ("gold", "traveller")}
    tables.update({f"accp_{t}": ("accp", t) for t in ACCP_TYPES})
    tables.update({f"identity_{t}": ("identity", t) for t in IDENTITY_TABLES})
    return tables


def storage_options(settings: Settings) -> dict[str, str]:
    """delta-rs options for s3:// warehouses (a custom endpoint such as moto in tests)."""
    options: dict[str, str] = {}
    endpoint = settings.get("s3.endpoint")
    if endpoint:
        options.update({"AWS_ENDPOINT_URL": endpoint, "AWS_ALLOW_HTTP": str(endpoint.startswith("http:")).lower()})
    region = settings.get("s3.region")
    if region:
        options["AWS_REGION"] = region
    return options


def table_uri(path: str) -> str:
    """The location engines use: s3a:// (Hadoop) becomes s3://; local paths stay absolute paths."""
    return "s3://" + path[len("s3a://") :] if path.startswith("s3a://") else path


def _schema_problems(struct: dict, prefix: str = "") -> list[str]:
    """Types and names Athena engine v3 cannot read, anywhere in a Delta schema (JSON form)."""
    problems, seen = [], {}
    for field in struct.get("fields", []):
        name = prefix + field["name"]
        lower = field["name"].lower()
        if lower in seen:  # Athena and Trino lowercase every name, struct members too
            problems.append(f"columns {seen[lower]} and {name} differ only in case")
        seen[lower] = name
        problems += _type_problems(field["type"], name)
    return problems


def _type_problems(data_type, name: str) -> list[str]:
    if isinstance(data_type, str):
        return [f"column {name} has type timestamp_ntz"] if data_type == "timestamp_ntz" else []
    kind = data_type.get("type")
    if kind == "struct":
        return _schema_problems(data_type, name + ".")
    if kind == "array":
        return _type_problems(data_type["elementType"], name + "[]")
    if kind == "map":
        return _type_problems(data_type["keyType"], name + "{key}") + _type_problems(
            data_type["valueType"], name + "{value}"
        )
    return []


def check_readable(name: str, table) -> dict:
    """Fail unless Athena engine v3 (and Trino) can read the table: protocol, features and types."""
    protocol = table.protocol()
    config = table.metadata().configuration
    features = set(protocol.reader_features or [])
    problems = []
    if protocol.min_reader_version > 3 or (protocol.min_reader_version == 3 and features - ATHENA_READER_FEATURES):
        problems.append(f"reader features {sorted(features - ATHENA_READER_FEATURES)}")
    if config.get("delta.columnMapping.mode", "none") != "none" or "columnMapping" in features:
        problems.append(f"column mapping (mode {config.get('delta.columnMapping.mode', 'none')})")
    if config.get("delta.enableDeletionVectors", "false") == "true" or "deletionVectors" in features:
        problems.append("deletion vectors")
    problems += _schema_problems(json.loads(table.schema().to_json()))
    if problems:
        raise PublishError(
            f"table {name} is not readable by Athena engine v3: {'; '.join(problems)} "
            f"(minReaderVersion {protocol.min_reader_version}); rewrite it without those features"
        )
    return {"min_reader_version": protocol.min_reader_version, "min_writer_version": protocol.min_writer_version}


def glue_columns(table) -> tuple[list[dict], list[dict]]:
    """(columns, partition keys) in Glue/Hive types, from the Delta schema."""
    from pyspark.sql.types import StructType  # pure Python: no session is started

    schema = StructType.fromJson(json.loads(table.schema().to_json()))
    partitions = table.metadata().partition_columns
    columns = [{"Name": f.name, "Type": f.dataType.simpleString()} for f in schema.fields if f.name not in partitions]
    keys = [{"Name": f.name, "Type": f.dataType.simpleString()} for f in schema.fields if f.name in partitions]
    return columns, keys


def table_input(name: str, location: str, table) -> dict:
    columns, keys = glue_columns(table)
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {
            "table_type": "DELTA",
            "spark.sql.sources.provider": "delta",
            "EXTERNAL": "TRUE",
            "classification": "delta",
        },
        "StorageDescriptor": {
            "Columns": columns,
            "Location": location,
            "InputFormat": PARQUET_INPUT,
            "OutputFormat": PARQUET_OUTPUT,
            "SerdeInfo": {"SerializationLibrary": PARQUET_SERDE, "Parameters": {"path": location}},
        },
        "PartitionKeys": keys,
    }


def athena_ddl(database: str, name: str, location: str) -> str:
    """Athena's Hive DDL for a Delta table (printed); names are validated identifiers."""
    from catalog.views import check_name

    return (
        f"CREATE EXTERNAL TABLE `{check_name(database)}`.`{check_name(name)}` LOCATION {hive_string(location)} "
        "TBLPROPERTIES ('table_type'='DELTA');"
    )


def hive_string(value: str) -> str:
    """A Hive DDL string literal: quote and backslash escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def trino_call(catalog: str, database: str, name: str, location: str) -> str:
    from catalog.trino import location_uri
    from catalog.views import ident, string

    return (
        f"CALL {ident(catalog, 'system', 'register_table')}(schema_name => {string(database)}, "
        f"table_name => {string(name)}, table_location => {string(location_uri(location))});"
    )


def glue_client(settings: Settings):
    import boto3

    endpoint = settings.get("catalog.endpoint") or settings.get("s3.endpoint")
    return boto3.client("glue", endpoint_url=endpoint or None, region_name=settings.get("catalog.region") or None)


def register(glue, database: str, table: dict) -> str:
    """Create or update one Glue table; returns "created" or "updated"."""
    try:
        glue.create_table(DatabaseName=database, TableInput=table)
        return "created"
    except glue.exceptions.AlreadyExistsException:
        glue.update_table(DatabaseName=database, TableInput=table)
        return "updated"


def ensure_database(glue, database: str) -> None:
    try:
        glue.get_database(Name=database)
    except glue.exceptions.EntityNotFoundException:
        glue.create_database(
            DatabaseInput={
                "Name": database,
                "Description": "upt-lakehouse Delta tables (traveller 360, ACCP, identity)",
            }
        )


def role_views(roles: list, found: dict) -> list:
    """Bind the roles to the found traveller and ACCP tables: one view per role and table."""
    from catalog.roles import bind

    objects = {"traveller": "traveller"} | {t: f"accp_{t}" for t in ACCP_TYPES}
    tables = {obj: table_columns(found[name][1]) for obj, name in objects.items() if name in found}
    return [(objects[view.table], view) for role in roles for view in bind(role, tables)]


def table_columns(table) -> list[tuple[str, str]]:
    from pyspark.sql.types import StructType  # pure Python: no session is started

    schema = StructType.fromJson(json.loads(table.schema().to_json()))
    return [(f.name, f.dataType.simpleString()) for f in schema.fields]


def publish(
    settings: Settings,
    domain: str,
    catalog: str = "glue",
    database: str | None = None,
    out: Callable[[str], None] = print,
    roles: dict | None = None,
) -> dict:
    """Check, fix properties of, and register every existing table; returns what was done.

    ``catalog``: glue (Glue Data Catalog API), trino (the Trino server of conf ``catalog.trino``,
    through ``register_table``) or none (print only). ``roles`` (``{role: [pattern, ...]}``) adds one
    view per role and table, created in Trino with catalog trino and printed for Athena.
    """
    from deltalake import DeltaTable

    from catalog.roles import parse_roles
    from catalog.views import check_name, create_view_sql, view_schema

    database = check_name(database or settings.get("catalog.database", "upt_lakehouse"), "database")
    trino = check_name(settings.get("catalog.trino_catalog", "delta"), "Trino catalog")
    parsed_roles = parse_roles(roles)  # bad patterns fail before anything is touched
    options = storage_options(settings) if is_remote(settings.warehouse) else None
    found = {}
    for name, (layer, table) in candidate_tables(settings).items():
        path = settings.table_path(layer, table)
        uri = path.replace("s3a://", "s3://")
        if DeltaTable.is_deltatable(uri, storage_options=options):
            found[name] = (uri, DeltaTable(uri, storage_options=options))
    if "traveller" not in found:
        raise PublishError(f"no gold/traveller table under {settings.warehouse}: run `upt resolve --domain {domain}`")
    protocols = {}
    for name, (_, table) in found.items():
        protocols[name] = check_readable(name, table)
    views = role_views(parsed_roles, found)
    for _, table in found.values():
        if table.metadata().configuration.get("delta.enableDeletionVectors") != "false":
            table.alter.set_table_properties({"delta.enableDeletionVectors": "false"})
    results = {}
    glue = glue_client(settings) if catalog == "glue" else None
    if glue is not None:
        ensure_database(glue, database)
    engine = trino_catalog(settings, trino) if catalog == "trino" else None
    if engine is not None:
        engine.ensure_schema(database)
        existing = engine.tables(database)
    for name, (uri, table) in found.items():
        location = table_uri(uri)
        if glue is not None:
            results[name] = register(glue, database, table_input(name, location, table))
        if engine is not None:
            results[name] = engine.register(database, name, location, existing)
        out(athena_ddl(database, name, location))
        out(trino_call(trino, database, name, location))
    created_views = []
    for table_name, view in views:
        out(create_view_sql(view, database, table_name) + ";")  # Athena: the same SQL, no catalog
        if engine is not None:
            engine.ensure_schema(view_schema(database, view.role))
            engine.run(create_view_sql(view, database, table_name, catalog=trino))
        created_views.append(f"{view_schema(database, view.role)}.{table_name}")
    # The example names the domain as a bound parameter: no value is written into SQL text.
    out(
        f"-- e.g. SELECT connectId, lastName FROM {database}.traveller WHERE domain = ? AND mergedIn IS NULL;  -- ? = {domain}"
    )
    return {
        "database": database,
        "catalog": catalog,
        "tables": results or dict.fromkeys(found, "printed"),
        "protocols": protocols,
        "views": created_views,
    }


def trino_catalog(settings: Settings, catalog: str):
    from catalog.trino import TrinoCatalog, connect

    url = settings.get("catalog.trino.url") or "http://127.0.0.1:8080"
    user = settings.get("catalog.trino.user") or "upt"
    return TrinoCatalog(connect(url, user, catalog), catalog)
