"""SQL text for Trino and Athena (engine v3, Trino's dialect): quoting, literals and role views.

Every identifier goes through :func:`ident` (validated, double-quoted) and every value through
:func:`literal` (single-quoted, quotes doubled; Trino and Athena have no backslash escapes), so a
role condition is rendered from its AST, never pasted. The view body is the same text for both
engines: it names its table as ``"database"."table"``, which Trino resolves in the session's
catalog (the one the view is created in) and Athena in ``AwsDataCatalog``.
"""

from __future__ import annotations

import re

from catalog.roles import BoolOp, Comparison, InList, IsNull, Not, Typed, View

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}\Z")


class SqlNameError(ValueError):
    """A catalog, database, table or column name that is not a plain identifier."""


def check_name(name: str, what: str = "name") -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise SqlNameError(f"bad {what} {name!r}: letters, digits and _ only, starting with a letter or _")
    return name


def ident(*parts: str) -> str:
    """``"a"."b"``: each part validated, then double-quoted (a quote inside would be doubled)."""
    return ".".join('"' + check_name(p).replace('"', '""') + '"' for p in parts)


def string(value: str) -> str:
    if "\x00" in value:
        raise ValueError("a NUL character cannot be part of a SQL string")
    return "'" + value.replace("'", "''") + "'"


def literal(value: Typed) -> str:
    if value.kind == "string":
        return string(value.value)
    if value.kind == "number":
        float(value.value)  # validated by the binder; refuse anything else here too
        return value.value
    if value.kind == "boolean":
        return {"true": "TRUE", "false": "FALSE"}[value.value]
    if value.kind in ("date", "timestamp"):
        return f"{value.kind.upper()} {string(value.value)}"
    raise ValueError(f"unknown literal kind {value.kind!r}")


def condition_sql(node) -> str:
    if isinstance(node, Comparison):
        return f"{ident(node.field)} {node.op} {literal(node.value)}"
    if isinstance(node, InList):
        values = ", ".join(literal(v) for v in node.values)
        return f"{ident(node.field)} {'NOT IN' if node.negated else 'IN'} ({values})"
    if isinstance(node, IsNull):
        return f"{ident(node.field)} IS {'NOT ' if node.negated else ''}NULL"
    if isinstance(node, BoolOp):
        return "(" + f" {node.op.upper()} ".join(condition_sql(o) for o in node.operands) + ")"
    if isinstance(node, Not):
        return f"(NOT {condition_sql(node.operand)})"
    raise TypeError(f"not a condition node: {node!r}")


def view_schema(database: str, role: str) -> str:
    """Each role's views live in a schema (Glue database) of their own: ``<database>_<role>``."""
    return check_name(f"{database}_{role}", "view schema")


def select_sql(view: View, database: str, table: str) -> str:
    columns = ", ".join(ident(c) for c in view.columns)
    sql = f"SELECT {columns} FROM {ident(database, table)}"
    if view.condition is not None:
        sql += f" WHERE {condition_sql(view.condition)}"
    return sql


def create_view_sql(view: View, database: str, table: str, catalog: str | None = None) -> str:
    """``CREATE OR REPLACE VIEW``; ``catalog`` None gives Athena's form (no catalog prefix)."""
    schema = view_schema(database, view.role)
    name = ident(catalog, schema, table) if catalog else ident(schema, table)
    return f"CREATE OR REPLACE VIEW {name} AS {select_sql(view, database, table)}"
