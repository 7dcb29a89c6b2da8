"""Every notebook in notebooks/ runs top to bottom, on small data.

The notebooks are jupytext percent-format ``.py`` files, so each one runs as
a plain script: in a fresh interpreter (like a fresh kernel), in a temporary
working folder (whatever it writes lands there), with a non-interactive
matplotlib backend and ``EMOMOTIV_NOTEBOOK_SMALL=1``, which its parameter cell
reads to shrink the data.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.py"))


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, tmp_path):
    env = os.environ | {
        "EMOMOTIV_NOTEBOOK_SMALL": "1",
        "MPLBACKEND": "Agg",
        # One XGBoost thread: CI has 2 cores, and the suite may run beside
        # other jobs; oversubscribed OpenMP threads are far slower than one.
        "OMP_NUM_THREADS": "1",
    }
    proc = subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, (
        f"{path.name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
