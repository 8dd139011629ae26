"""Input validation at the edge: every named value of every command, checked before the job starts."""

from __future__ import annotations

import pytest

from jobs.cli import main
from runtime import inputs

# Every package of the project: the SQL-text scan below reads all of them.
PACKAGES = (
    "jobs",
    "runtime",
    "ingestion",
    "storage",
    "quality",
    "matching",
    "transforms",
    "resolution",
    "publishing",
    "lifecycle",
    "catalog",
)

HOSTILE = [
    "x'; DROP TABLE t; --",
    "a' OR '1'='1",
    "a--b",
    "a*/b",
    "/*x",
    "../etc",
    "a/b",
    "a\\b",
    "..",
    "x" * 300,
    "dömäin",
    "日本",
    "a b",
    "",
    "a\nb",
]
# Free text matched as a Column value (a surname such as O'Brien is legitimate): bounded and printable.
HOSTILE_TEXT = ["x" * 300, "a\nb", "a\x00b", ""]

# Each command with its required flags; {flag} is the one under test.
COMMANDS = {
    "ingest": ["--domain", "d"],
    "summary": ["--domain", "d"],
    "doctor": ["--domain", "d"],
    "resolve": ["--domain", "d"],
    "gold": ["--domain", "d"],
    "status": ["--domain", "d"],
    "report": ["--domain", "d", "--out", "r.html"],
    "publish": ["--domain", "d", "--catalog", "none"],
    "maintain": ["--domain", "d"],
    "validate": ["--domain", "d"],
    "evaluate": ["--domain", "d", "--truth", "t.csv"],
    "match": ["--domain", "d"],
    "matches": ["--domain", "d"],
    "merge": ["--domain", "d", "--profile", "p1", "--into", "p2"],
    "unmerge": ["--domain", "d", "--profile", "p1"],
    "search": ["--domain", "d"],
    "show": ["--domain", "d", "--profile", "p1"],
    "errors": ["--domain", "d"],
    "domain": ["create", "d"],
    "forget": ["--domain", "d", "--traveller-id", "t1"],
}
ID_FLAGS = {
    "merge": ["--profile", "--into"],
    "unmerge": ["--profile"],
    "show": ["--profile"],
    "matches": ["--profile"],
    "search": ["--traveller-id", "--profile-id"],
    "validate": ["--run-id"],
    "errors": ["--ids"],
    "forget": ["--traveller-id"],
}
OTHER_FLAGS = [  # a list: test ids must come out in one order in every pytest worker
    ("ingest", "--objects"),
    ("ingest", "--from-date"),
    ("validate", "--tables"),
    ("errors", "--type"),
    ("errors", "--since"),
    ("match", "--table"),
    ("publish", "--database"),
]


def _with(argv: list[str], flag: str, value: str) -> list[str]:
    """``argv`` with ``flag`` set to ``value`` (replacing the one given, or added)."""
    argv = list(argv)
    if flag in argv:
        argv[argv.index(flag) + 1] = value
    else:
        argv += [flag, value]
    return argv


@pytest.fixture
def no_spark(monkeypatch):
    """A validation error must end the command before any job code builds a Spark session."""
    import runtime.spark

    def refuse(*_args, **_kwargs):
        raise AssertionError("Spark started although the input was invalid")

    monkeypatch.setattr(runtime.spark, "build_spark", refuse)


def _refused(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2, argv
    return capsys.readouterr().err


def _cases():
    for command, base in COMMANDS.items():
        flags = ["--domain"] if "--domain" in base else []
        flags += ID_FLAGS.get(command, [])
        flags += [flag for cmd, flag in OTHER_FLAGS if cmd == command]
        for flag in flags:
            yield command, flag


@pytest.mark.parametrize(("command", "flag"), list(_cases()))
def test_every_named_flag_refuses_hostile_values_before_spark(command, flag, capsys, no_spark):
    for value in HOSTILE:
        err = _refused(capsys, [command, *_with(COMMANDS[command], flag, value)])
        assert f"{flag}: invalid value" in err, (command, flag, value, err)


def test_domain_subcommand_name_and_text_flags_refuse_hostile_values(capsys, no_spark):
    for value in HOSTILE:
        assert "--domain: invalid value" in _refused(capsys, ["domain", "delete", value, "--yes"])
    for value in HOSTILE:
        assert "--profile-id: invalid value" in _refused(capsys, ["forget", "--domain", "d", "--profile-id", value])
    for value in ["a\nb", "x" * 300, "x'@y.com; --", "../a@b"]:
        assert "--email: invalid value" in _refused(capsys, ["forget", "--domain", "d", "--email", value])
    for flag in ("--last-name", "--phone"):
        for value in HOSTILE_TEXT:
            err = _refused(capsys, ["search", "--domain", "d", flag, value])
            assert f"{flag}: invalid value" in err, (flag, value, err)


@pytest.mark.parametrize(
    "value", ["demo", "d1", "travel_hospitality_summit", "ucp-stabilization-domain", "A" * 64, "resolve_e2e"]
)
def test_valid_domains_pass(value):
    assert inputs.check_domain(value) == value


@pytest.mark.parametrize(
    "value",
    ["5127645274", "6WDF2K", "ingest-20240102T000000-qa000001", "p_1a2b3c", "550e8400-e29b-41d4-a716-446655440000"],
)
def test_valid_ids_pass(value):
    assert inputs.check_id(value) == value


def test_dates_are_calendar_dates():
    assert inputs.check_date("2024-02-29", "--since") == "2024-02-29"
    assert inputs.check_date("2024/01/05", "--from-date") == "2024/01/05"
    for bad in ("2023-02-29", "2024-1-5", "2024-01-05' OR 1=1", "yesterday"):
        with pytest.raises(inputs.InputError, match="--since"):
            inputs.check_date(bad, "--since")


def test_conf_names_and_paths_are_checked_when_settings_load():
    from runtime.config import load_settings

    with pytest.raises(inputs.InputError, match="conf catalog.database"):
        load_settings("local", {"catalog.database": "upt`; DROP"})
    with pytest.raises(inputs.InputError, match="conf warehouse"):
        load_settings("local", {"warehouse": "/tmp/wh' OR 1=1"})
    assert load_settings("local", {"warehouse": "/tmp/wh-ok"}).warehouse.endswith("wh-ok")


def test_the_one_text_partition_filter_only_takes_a_valid_domain():
    from storage.delta_io import partition_filter

    assert partition_filter("domain", "demo") == "domain = 'demo'"
    with pytest.raises(inputs.InputError):
        partition_filter("domain", "x' OR '1'='1")


def test_no_job_formats_a_value_into_sql_text():
    """Conditions are Column expressions: no quoted ``'{...}'`` placeholder in a job, quality or
    matching module, except the guarded ``partition_filter`` and DDL printed for the user."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    pattern = re.compile(r"""\w\s+(=|<>|!=|>=|<=|LIKE|IN)\s+\(?'\{""", re.IGNORECASE)
    allowed = {"storage/delta_io.py", "jobs/publish.py"}
    assert all((root / folder / "__init__.py").exists() for folder in PACKAGES)
    found = [
        f"{path.relative_to(root)}:{n}"
        for folder in PACKAGES
        for path in sorted((root / folder).rglob("*.py"))
        if str(path.relative_to(root)) not in allowed
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line) or "replaceWhere" in line
    ]
    assert found == []


def test_mask_keeps_no_personal_value():
    assert inputs.mask("jane.doe@example.com") == "j***@example.com"
    assert inputs.mask("+44 20 7946 0000") == "+***"
    assert inputs.mask(None) == ""
