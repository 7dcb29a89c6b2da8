"""Every notebook in notebooks/ executes as a notebook, on small data.

The notebooks are jupytext percent-format ``.py`` files. Each is converted
to a notebook and executed cell by cell by ``nbclient`` in a fresh IPython
kernel (``ipykernel``), in a temporary working folder, with
``EMOMOTIV_NOTEBOOK_SMALL=1``, which its parameter cell reads to shrink the
data. A cell that raises fails the test, naming the cell. Skipped, with the
reason, when jupytext, nbclient or ipykernel is not installed (the ``dev``
extra has them).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))

needs_kernel = pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("jupytext", "nbclient", "ipykernel")),
    reason="jupytext, nbclient and ipykernel are needed to execute the notebooks; "
    'install the dev extra (pip install -e ".[dev]")',
)


def test_the_three_notebooks_exist():
    names = {p.stem for p in NOTEBOOKS}
    assert {"quickstart", "method", "tracking"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_percent_format_with_a_parameter_cell(path):
    text = path.read_text(encoding="utf-8")
    assert "format_name: percent" in text
    assert text.count("# %%") >= 6
    assert '# %% tags=["parameters"]' in text
    assert "EMOMOTIV_NOTEBOOK_SMALL" in text


@pytest.mark.parametrize(
    "path", [*NOTEBOOKS, ROOT / "notebooks" / "README.md"], ids=lambda p: p.name
)
def test_notebook_text_speaks_of_the_library(path):
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"issue \d+|marked place|when it lands|coming with", text, re.I)
    assert not found, f"{path.name}: {found}"


def _execute(path: Path, folder: Path, monkeypatch):
    import jupytext
    from nbclient import NotebookClient

    # The kernel inherits this environment: small data, one XGBoost thread
    # (CI has 2 cores), this checkout's emomotiv, and the inline matplotlib
    # backend (a set MPLBACKEND would keep the plots out of the outputs).
    monkeypatch.setenv("EMOMOTIV_NOTEBOOK_SMALL", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    notebook = jupytext.read(path)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return notebook


@needs_kernel
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_without_a_cell_error(path, tmp_path, monkeypatch):
    notebook = _execute(path, tmp_path, monkeypatch)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "a cell did not run"
    errors = [o for c in code for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    images = [
        o
        for c in code
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {}) or "image/svg+xml" in o.get("data", {})
    ]
    assert images, f"{path.name} shows no plot"
    assert list(ROOT.glob("quickstart-results")) == []  # writes nothing in the repo


@needs_kernel
def test_a_cell_error_fails_the_execution(tmp_path, monkeypatch):
    from nbclient.exceptions import CellExecutionError

    broken = tmp_path / "broken.py"
    broken.write_text("# %%\nx = 1\n\n# %%\nraise ValueError('cell two')\n")
    with pytest.raises(CellExecutionError, match="cell two"):
        _execute(broken, tmp_path, monkeypatch)
