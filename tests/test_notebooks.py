"""Every notebook in notebooks/ runs top to bottom (nbclient) on a small warehouse the tests build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.e2e_helpers import upt_in_process

# The first test also builds the shared warehouse (and starts Trino): more than the default 900 s on a busy box.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1800)]
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.fixture(scope="module")
def matched(spark, demo_world, tmp_path_factory):
    """A copy of the shared demo warehouse with a trained model and a match run (what the matching
    notebook reads); the Trino tests read the shared one unchanged."""
    landing, shared, domain = demo_world.landing, demo_world.warehouse, demo_world.domain
    warehouse = str(tmp_path_factory.mktemp("nb") / "warehouse")
    shutil.copytree(shared, warehouse)
    upt_in_process(spark, "match", "train", "--domain", domain, "--warehouse", warehouse)
    upt_in_process(spark, "match", "--domain", domain, "--warehouse", warehouse)
    return landing, warehouse, domain


def test_notebooks_are_committed_without_outputs():
    assert [p.name for p in PATHS] == ["explore_accp.ipynb", "matching.ipynb"] or len(PATHS) >= 2
    for path in PATHS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{path.name} keeps outputs"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs_without_errors(path, matched, monkeypatch):
    landing, warehouse, domain = matched
    root = str(NOTEBOOKS.parent)
    monkeypatch.setenv("UPT_WAREHOUSE", warehouse)
    monkeypatch.setenv("UPT_LANDING", landing)
    monkeypatch.setenv("UPT_DOMAIN", domain)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    # The kernel's own Spark session shares 2 cores with the test session: keep it small.
    monkeypatch.setenv("PYSPARK_SUBMIT_ARGS", "--driver-memory 2g pyspark-shell")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        allow_errors=False,  # any cell error fails the test (CellExecutionError names the cell)
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any(o.get("output_type") in ("stream", "execute_result", "display_data") for o in outputs)
