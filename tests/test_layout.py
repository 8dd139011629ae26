"""The project's shape, checked statically: thin jobs on top, libraries below, no edges back up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = (
    "runtime",
    "ingestion",
    "storage",
    "transforms",
    "matching",
    "resolution",
    "publishing",
    "lifecycle",
    "quality",
    "catalog",
)
# The two dispatchers name jobs by module; every other job stands alone.
DISPATCHERS = {"jobs/cli.py", "jobs/glue_entry.py"}
MAX_JOB_LINES = 90


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of the file (lazy imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def job_files() -> list[Path]:
    return sorted(p for p in (ROOT / "jobs").glob("*.py") if p.name != "__init__.py")


def test_imported_modules_sees_lazy_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\n\ndef f():\n    from jobs import cli\n")
    assert imported_modules(module) == {"os", "jobs", "jobs.cli"}


@pytest.mark.parametrize("package", LIBRARIES)
def test_libraries_never_import_a_job(package):
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in sorted(imported_modules(path))
        if name == "jobs" or name.startswith("jobs.")
    ]
    assert offenders == []


def test_no_job_imports_another_job():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in job_files()
        if str(path.relative_to(ROOT)) not in DISPATCHERS
        for name in sorted(imported_modules(path))
        if name.startswith("jobs.")
    ]
    assert offenders == []


def test_jobs_are_thin():
    too_long = {
        str(path.relative_to(ROOT)): n
        for path in job_files()
        if (n := len(path.read_text().splitlines())) > MAX_JOB_LINES
    }
    assert too_long == {}
