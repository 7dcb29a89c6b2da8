"""Every notebook in notebooks/ executes as a notebook, on small data.

The notebooks are jupytext percent-format ``.py`` files. Each is converted
to a notebook and executed cell by cell by ``nbclient`` in a fresh IPython
kernel (``ipykernel``), in a temporary working folder, with
``EMOMOTIV_NOTEBOOK_SMALL=1``, which its parameter cell reads to shrink the
data. A cell that raises fails the test, naming the cell. Skipped, with the
reason, when jupytext, nbclient or ipykernel is not installed (the ``dev``
extra has them).

What a notebook's text says of its outputs is checked too: ``CLAIMS`` holds,
per notebook, code run in the same kernel after the last cell, each
assertion a sentence of the notebook's prose, so a change of the library
that makes the prose false fails here rather than on the documentation site.
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


# Per notebook: code run after its last cell, in its kernel; each assertion
# is a claim of the notebook's text (quoted in the message).
CLAIMS = {
    "quickstart": """
controls = result.tables["controls"]
assert controls["control"].tolist()[:1] == ["__halo__"], "halo on by default"
assert result.importance.explanation.feature_names[-1] == "__halo__", (
    "the explanation holds the touchpoints, then __halo__"
)
facts = result.summary["plan"]
assert facts["spent"] <= facts["budget"], "the plan spends within the budget"
within = set(funded.loc[~funded["beyond_noise"].astype(bool), "facet"])
assert set(facts["selected_within_noise"]) == within, "selected_within_noise"
gain = [facts[f"combined_delta_connected{e}"] for e in ("_low", "", "_high")]
assert gain == sorted(gain), "the combined gain lies in its interval"
assert set(result.tables["tiers"]["tier"]) == {
    "unconnected", "highly_satisfied", "fully_connected"}, "tiers"
assert value["multiplier_low"] <= value["multiplier"] <= value["multiplier_high"]
assert result.summary["uncertainty"]["top_k"] == min(10, -(-100 // 5)), "top k"
assert seg.loc[~seg["ranked"], "note"].str.startswith("not ranked").all(), "note"
gains = result.tables["roi"].set_index("facet").join(sample.truth)
drivers = gains[gains["is_driver"]]
assert (drivers["delta_connected"] < drivers["true_uplift"]).all(), (
    "every true driver's simulated gain runs below its true uplift")
ratio = drivers["delta_connected"].sum() / drivers["true_uplift"].sum()
assert 0.35 < ratio < 0.85, f"about half to two thirds of it: {ratio:.2f}"
""",
    "method": """
assert design.kinds == {"__halo__": "halo", "purpose": "context"}, "the design"
assert set(importance.controls.index) == {"__halo__", "purpose"}, "controls scored"
assert halo_share > 3 / N_FACETS, "ratings move together: halo"
rank_only = plain_ranking.loc[shifted, "rank"]
rank_with = ranking.loc[shifted, "rank"]
driver = s.truth.loc[shifted, "effect"] > 0
assert driver.any() and (~driver).any()
assert (rank_with[driver] < rank_only[driver]).all(), (
    "the driver among the shifted facets climbs with the controls")
measures = pd.DataFrame(rows)[["precision@10", "recall@k", "spearman_vs_uplift"]]
first, last = measures.iloc[0], measures.iloc[-1]
assert (last >= first).all() and (last > first).any(), "recovery tends to grow"
""",
    "tracking": """
effects = [study.truth_by_wave[w]["effect"] for w in WAVES]
assert all(e.equals(effects[0]) for e in effects), "same true effects in both waves"
assert {w: len(p) for w, p in surveys.items()} == {w: N_RESPONDENTS for w in WAVES}
few = max(1, comparison.summary["n_facets"] // 10)
assert comparison.summary["n_flagged"] <= few, (
    "same study in both waves: few or no flags")
""",
}


def test_every_notebook_has_claims_checked():
    assert {p.stem for p in NOTEBOOKS} == set(CLAIMS)


def _execute(path: Path, folder: Path, monkeypatch, claims: str | None = None):
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    # The kernel inherits this environment: small data, one XGBoost thread
    # (CI has 2 cores), this checkout's emomotiv, and the inline matplotlib
    # backend (a set MPLBACKEND would keep the plots out of the outputs).
    monkeypatch.setenv("EMOMOTIV_NOTEBOOK_SMALL", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    notebook = jupytext.read(path)
    if claims:
        notebook.cells.append(nbformat.v4.new_code_cell(claims))
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
def test_notebook_executes_and_its_claims_hold(path, tmp_path, monkeypatch):
    notebook = _execute(path, tmp_path, monkeypatch, CLAIMS[path.stem])
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


PAGES = [ROOT / "docs" / "getting-started.md", ROOT / "docs" / "index.md"]


@pytest.mark.parametrize("path", [*NOTEBOOKS, *PAGES], ids=lambda p: p.name)
def test_every_em_name_the_examples_use_exists(path):
    import emomotiv as em

    names = set(re.findall(r"\bem\.([A-Za-z_]\w*)", path.read_text(encoding="utf-8")))
    missing = sorted(n for n in names if not hasattr(em, n))
    assert not missing, f"{path.name} uses em.{missing}, which emomotiv lacks"


def test_getting_started_describes_the_sample_as_it_is():
    import emomotiv as em

    text = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    sample = em.load_sample()
    shape = re.search(r"sample\.survey\.shape  # \((\d+), (\d+)\)", text)
    assert shape and tuple(map(int, shape.groups())) == sample.survey.shape
    # The column names listed in the comments, up to the "...".
    catalog = re.search(r"sample\.catalog\.head\(\)  # ([\w, ]+)", text).group(1)
    truth = re.search(r"sample\.truth\.head\(\)  # ([\w, ]+)\n# ([\w, ]+)", text)
    said_catalog = [c.strip() for c in catalog.split(",") if c.strip()]
    said_truth = [c.strip() for c in ", ".join(truth.groups()).split(",") if c.strip()]
    assert said_catalog == list(sample.catalog.columns)[: len(said_catalog)]
    assert said_truth == list(sample.truth.columns)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_the_shell_examples_use_options_analyze_has(path):
    import argparse

    from emomotiv.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    options = {o for a in sub.choices["analyze"]._actions for o in a.option_strings}
    text = path.read_text(encoding="utf-8")
    used = set(re.findall(r"(--[a-z][\w-]*)", text))
    assert used, f"{path.name} shows no option"
    assert used <= options, f"{path.name}: {sorted(used - options)} not options"


def test_python_examples_in_getting_started_run(tmp_path):
    """Getting started's Python blocks run in order, as a reader pastes them,
    on the sample cut to 1,000 respondents with a handful of replicates (the
    README's prelude in ``test_docs``)."""
    from test_docs import README_PRELUDE, _python_blocks, _runs

    page = ROOT / "docs" / "getting-started.md"
    blocks = _python_blocks(page)
    assert len(blocks) >= 4
    _runs(page, README_PRELUDE + "\n".join(blocks), tmp_path)
