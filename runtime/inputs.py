"""Validation of every value a user, a file or conf hands a job, done once, at the edge.

The pattern: each command-line flag that names something (a domain, a table, an id, a date) has a
checker in ``ARG_CHECKS``, keyed by the argparse ``dest``. ``jobs.cli`` runs ``validate_args`` on the
parsed arguments before the job starts (so before Spark starts), and a bad value ends the command
with ``upt <cmd>: error: --flag: <why>`` and exit code 2. Conf values that name things are checked
by ``validate_settings`` when the settings are loaded.

Validation is the first line; the second is that no value ever reaches SQL text: filters are
Column expressions (``storage.delta_io.equals``) or bound parameters. The names accepted here are also
safe as folder names (no path separator, no ``..``), as the domain is one under landing and
checkpoints.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

# Amazon Connect Customer Profiles domain names: letters, digits, _ and -, at most 64.
DOMAIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# Traveller, profile, booking and error ids; the run ids jobs make (``ingest-20240101T000000-ab12cd34``).
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@+=-]{0,127}")
# Table, object, catalog and database names.
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
# ``layer/table`` as the validate command names suites.
TABLE_REF_RE = re.compile(r"(accp|identity|gold|matching|ops)/[A-Za-z_][A-Za-z0-9_]{0,127}")
# DynamoDB table names (``upt match export --table``).
DYNAMO_TABLE_RE = re.compile(r"[A-Za-z0-9_.-]{3,255}")
# Search values (a surname, an email, a phone): printable text only, matched through Column values.
MAX_TEXT = 256
EMAIL_RE = re.compile(r"[^\s'\"`\\;/]{1,254}@[^\s'\"`\\;/]{1,254}")


class InputError(ValueError):
    """A value that a flag or conf key does not accept; the message names the flag."""


def _show(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def _fail(flag: str, value: str, why: str) -> InputError:
    return InputError(f"{flag}: invalid value {_show(value)}: {why}")


def check_domain(value: str, flag: str = "--domain") -> str:
    if not isinstance(value, str) or not DOMAIN_RE.fullmatch(value) or "--" in value:
        raise _fail(
            flag, str(value), "a domain is 1-64 letters, digits, _ or - (not '--'), starting with a letter or digit"
        )
    return value


def check_id(value: str, flag: str = "--id") -> str:
    if not isinstance(value, str) or not ID_RE.fullmatch(value) or ".." in value or "--" in value:
        raise _fail(
            flag,
            str(value),
            "an id is 1-128 letters, digits or _ . : @ + = -, starting with a letter or digit, without '..' or '--'",
        )
    return value


def check_name(value: str, flag: str = "--name") -> str:
    if not isinstance(value, str) or not NAME_RE.fullmatch(value):
        raise _fail(flag, str(value), "a name is 1-128 letters, digits or _, not starting with a digit")
    return value


def check_dynamo_table(value: str, flag: str = "--table") -> str:
    if not isinstance(value, str) or not DYNAMO_TABLE_RE.fullmatch(value) or ".." in value or "--" in value:
        raise _fail(flag, str(value), "a DynamoDB table name is 3-255 letters, digits, _ . or -")
    return value


def check_table_ref(value: str, flag: str = "--tables") -> str:
    if not isinstance(value, str) or not TABLE_REF_RE.fullmatch(value):
        raise _fail(flag, str(value), "a table is layer/name, e.g. accp/air_booking")
    return value


def check_date(value: str, flag: str = "--date") -> str:
    """YYYY-MM-DD or YYYY/MM/DD, a real calendar date."""
    text = str(value)
    if not re.fullmatch(r"\d{4}[-/]\d{2}[-/]\d{2}", text):
        raise _fail(flag, text, "expected a date YYYY-MM-DD (or YYYY/MM/DD)")
    try:
        date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise _fail(flag, text, "not a calendar date") from None
    return value


def check_text(value: str, flag: str = "--text") -> str:
    """Free text matched as a value (a surname, a phone): bounded, printable, one line."""
    text = str(value)
    if not text or len(text) > MAX_TEXT or not text.isprintable():
        raise _fail(flag, text, f"expected 1-{MAX_TEXT} printable characters")
    return value


def check_email(value: str, flag: str = "--email") -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT or not EMAIL_RE.fullmatch(value.strip()):
        raise _fail(flag, str(value), "expected an email address")
    return value


def _each(check: Callable[[str, str], str], separator: str | None = ",") -> Callable[[Any, str], Any]:
    """A checker for a comma-separated value or a list of values."""

    def run(value: Any, flag: str) -> Any:
        items = value if isinstance(value, (list, tuple)) else str(value).split(separator)
        for item in items:
            check(str(item).strip() if separator else item, flag)
        return value

    return run


def _one_or_many(check: Callable[[str, str], str]) -> Callable[[Any, str], Any]:
    """A checker for a flag that is a single value in one command and a list (nargs) in another."""

    def run(value: Any, flag: str) -> Any:
        for item in value if isinstance(value, (list, tuple)) else [value]:
            check(item, flag)
        return value

    return run


# argparse dest -> checker. A flag not listed is not a name (a number, a path, a switch).
ARG_CHECKS: dict[str, Callable[[Any, str], Any]] = {
    "domain": check_domain,
    "profile": check_id,
    "into": check_id,
    "profile_id": check_id,
    "traveller_id": _one_or_many(check_id),  # one id in search, several in forget
    "run_id": check_id,
    "ids": _each(check_id, None),
    "type": check_name,
    "table": check_dynamo_table,
    "database": check_name,
    "objects": _each(check_name),
    "tables": _each(check_table_ref),
    "since": check_date,
    "from_date": check_date,
    "start_date": check_date,
    "last_name": check_text,
    "phone": check_text,
    "email": check_email,
}


def flag_name(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def validate_args(args: argparse.Namespace) -> argparse.Namespace:
    """Check every named value of a parsed command line; raises InputError naming the flag."""
    for dest, check in ARG_CHECKS.items():
        value = getattr(args, dest, None)
        if value is not None and not isinstance(value, (bool, int, float, date, datetime)):
            check(value, flag_name(dest))
    return args


TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


def check_bool(value: Any, flag: str) -> bool:
    """A switch from YAML (a bool) or from an environment variable (text such as ``false``)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS or text in FALSE_WORDS:
        return text in TRUE_WORDS
    raise _fail(flag, str(value), f"one of {', '.join(TRUE_WORDS + FALSE_WORDS)}")


def check_count(value: Any, flag: str) -> int:
    """A whole number of things, zero or more (YAML gives an int, an environment variable text)."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit():
        raise _fail(flag, text, "a whole number, 0 or more")
    return int(text)


# Conf keys that name things or switch something (dotted key -> checker); checked when settings load.
SETTING_CHECKS: dict[str, Callable[[Any, str], Any]] = {
    "catalog.database": check_name,
    "catalog.trino_catalog": check_name,
    "jars.resolve": check_bool,
    "ingest.auto_create_domains": check_bool,
    "ingest.arrow_builders": check_bool,
    "ingest.interpreted_below_lines": check_count,
    "quality.validate_after_jobs": check_bool,
    "metrics.cloudwatch": check_bool,
    "maintenance.allow_short_retention": check_bool,
    "maintenance.glue_sync": check_bool,
}


# The sections a conf file may have; a misspelt one would otherwise be ignored without a word.
SETTING_SECTIONS = (
    "app_name",
    "master",
    "warehouse",
    "landing",
    "landing_roots",
    "ingest",
    "spark",
    "jars",
    "s3",
    "quality",
    "maintenance",
    "metrics",
    "catalog",
    "roles",
    "identity",
    "matching",
    "dynamodb",
    "emr",
    "glue",
    "faults",
)


def validate_settings(raw: dict) -> None:
    unknown = sorted(set(raw) - set(SETTING_SECTIONS))
    if unknown:
        raise InputError(f"conf: unknown key {unknown[0]!r}; expected one of {', '.join(SETTING_SECTIONS)}")
    for key, check in SETTING_CHECKS.items():
        node: Any = raw
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            check(node, f"conf {key}")
    for path_key in ("warehouse", "landing"):
        value = raw.get(path_key)
        if value is not None and (
            not str(value).strip() or any(c in str(value) for c in "`'\"") or not str(value).isprintable()
        ):
            raise _fail(f"conf {path_key}", str(value), "a path without quotes, backticks or control characters")


def mask(value) -> str:
    """A personal value as logs may show it: its first character and, for an email, its domain
    (``j***@example.com``); never the value itself."""
    text = "" if value is None else str(value)
    local, at, host = text.partition("@")
    return f"{local[:1]}***{at}{host}" if text else ""
