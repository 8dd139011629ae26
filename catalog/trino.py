"""Register Delta tables and role views in a Trino Delta Lake catalog with the ``trino`` client.

Values travel as bound parameters where Trino accepts them (queries); procedure calls and DDL,
which take no parameters, are rendered with :mod:`catalog.views`'s quoting from validated names.
Registration is idempotent: a table already registered at the same location is left alone, one at
another location is unregistered and registered again.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlparse

from catalog.views import check_name, ident, string


class TrinoPublishError(RuntimeError):
    """Trino refused a registration or a view."""


def connect(url: str, user: str, catalog: str):
    import trino

    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise TrinoPublishError(f"bad Trino URL {url!r}: expected http(s)://host:port")
    return trino.dbapi.connect(
        host=parsed.hostname,
        port=parsed.port or (443 if parsed.scheme == "https" else 8080),
        http_scheme=parsed.scheme,
        user=check_name(user, "Trino user"),
        catalog=check_name(catalog, "Trino catalog"),
    )


def location_uri(location: str) -> str:
    """Trino wants a URI: absolute local paths become file:// URIs, s3:// stays."""
    return "file://" + location if location.startswith("/") else location


class TrinoCatalog:
    def __init__(self, connection, catalog: str):
        self.connection = connection
        self.catalog = check_name(catalog, "Trino catalog")

    def run(self, sql: str, params: list | None = None) -> list:
        cursor = self.connection.cursor()
        for attempt in range(10):
            try:
                cursor.execute(sql, params) if params else cursor.execute(sql)
                return cursor.fetchall()
            except Exception as exc:  # the first query after start-up may find no worker yet
                if "NO_NODES_AVAILABLE" in str(exc) and attempt < 9:
                    time.sleep(1)
                    continue
                raise TrinoPublishError(f"Trino refused `{sql[:120]}`: {exc}") from exc
        return []

    def ensure_schema(self, schema: str) -> None:
        self.run(f"CREATE SCHEMA IF NOT EXISTS {ident(self.catalog, schema)}")

    def tables(self, schema: str) -> set[str]:
        rows = self.run(
            f"SELECT table_name FROM {ident(self.catalog, 'information_schema', 'tables')} WHERE table_schema = ?",
            [schema],
        )
        return {r[0] for r in rows}

    def location(self, schema: str, table: str) -> str | None:
        (ddl,) = self.run(f"SHOW CREATE TABLE {ident(self.catalog, schema, table)}")[0]
        match = re.search(r"location = '((?:[^']|'')*)'", ddl)
        return match.group(1).replace("''", "'") if match else None

    def register(self, schema: str, table: str, location: str, existing: set[str]) -> str:
        """Register one Delta table; returns created, unchanged or updated."""
        uri = location_uri(location)
        status = "created"
        if table in existing:
            current = self.location(schema, table)
            if current is not None and current.rstrip("/") in (uri.rstrip("/"), uri.replace("file://", "file:", 1)):
                return "unchanged"
            self.run(
                f"CALL {ident(self.catalog, 'system', 'unregister_table')}"
                f"(schema_name => {string(schema)}, table_name => {string(table)})"
            )
            status = "updated"
        self.run(
            f"CALL {ident(self.catalog, 'system', 'register_table')}(schema_name => {string(check_name(schema))}, "
            f"table_name => {string(check_name(table))}, table_location => {string(uri)})"
        )
        return status
