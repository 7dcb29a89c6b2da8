"""Reading surveys; saving and loading results and models without pickles.

A saved analysis is a folder of plain files: CSV tables, ``summary.json``,
``report.html``, the model as XGBoost JSON (``model.json``) and its metadata
(``model_meta.json``). Nothing in it is executable on load.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from .model import DriverModel, load_model_files
from .report import Report
from .results import AnalysisResult, ImportanceResult, WaveComparison

__all__ = [
    "load_analysis",
    "load_model",
    "read_table",
    "save_analysis",
    "save_comparison",
]

MODEL_FILE = "model.json"
META_FILE = "model_meta.json"

# A spreadsheet runs a text cell starting with one of these as a formula
# (OWASP "CSV injection"). Saved text cells that start with one, after any
# number of apostrophes, get one more leading apostrophe; loading removes it,
# so the round trip is exact. Numbers written as text ("-3.5") are left alone.
# Text is written quoted (csv.QUOTE_NONNUMERIC), so a carriage return inside a
# label cannot split a row.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _neutralise_cell(value):
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value):
        return "'" + value
    return value


def _restore_cell(value):
    if isinstance(value, str) and _ESCAPED.match(value):
        return value[1:]
    return value


def _map_text(frame: pd.DataFrame, func) -> pd.DataFrame:
    """Apply ``func`` to every text cell and column name of ``frame``."""
    frame = frame.rename(columns=lambda c: func(c) if isinstance(c, str) else c)
    text = [
        c
        for c in frame.columns
        if pd.api.types.is_object_dtype(frame[c])
        or pd.api.types.is_string_dtype(frame[c])
    ]
    if text:
        frame = frame.copy()
        for c in text:
            frame[c] = frame[c].map(func, na_action="ignore")
    return frame


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cannot run as a spreadsheet formula.

    Text cells (and column names) that start with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return get a leading apostrophe, which spreadsheets
    show as text; numbers, including negative ones, are untouched.
    :func:`load_analysis` removes the apostrophe again.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"label": ["=1+1", "-5", "ok"], "gap": [-0.1, 0, 1]})
    >>> neutralise_formulas(frame)["label"].tolist()
    ["'=1+1", '-5', 'ok']
    >>> neutralise_formulas(frame)["gap"].tolist()
    [-0.1, 0.0, 1.0]
    """
    return _map_text(frame, _neutralise_cell)


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write an output table: formulas neutralised, text quoted, no index."""
    neutralise_formulas(table).to_csv(path, index=False, quoting=csv.QUOTE_NONNUMERIC)


def restore_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_formulas` on a table read back from CSV."""
    return _map_text(frame, _restore_cell)


def read_table(path: str | PathLike) -> pd.DataFrame:
    """Read a CSV or Parquet table (by file suffix).

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    ValueError
        When the suffix is neither ``.csv`` nor ``.parquet``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> import emomotiv as em
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "facets.csv"
    ...     table = pd.DataFrame({"facet": ["welcome_note"], "stage": ["Open account"]})
    ...     table.to_csv(path, index=False)
    ...     em.read_table(path)
              facet         stage
    0  welcome_note  Open account
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such file: '{path}'.")
    suffix = "".join(path.suffixes[-2:]).lower()
    if suffix.endswith((".csv", ".csv.gz")):
        return pd.read_csv(path)
    if suffix.endswith((".parquet", ".pq")):
        return pd.read_parquet(path)
    raise ValueError(
        f"Cannot read '{path}': expected a .csv or .parquet file, got '{path.suffix}'."
    )


def check_output_dir(out: str | PathLike, *, force: bool = False) -> Path:
    """Refuse a non-empty output folder unless ``force``; return the path.

    Call it before any work so that a refused run costs nothing.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"'{out}' exists and is not a folder.")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise FileExistsError(
            f"The output folder '{out}' is not empty. Choose a new folder, or "
            "pass force=True (--force on the command line) to write into it; "
            "files of the same name are replaced, others are left alone."
        )
    return out


def jsonable(obj):
    """``obj`` as plain JSON data: numpy -> Python, NaN and infinity -> None.

    Applied recursively through dicts, lists and tuples, so ``summary.json``
    is strict JSON that any parser reads.
    """
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def dump_json(obj, path: Path) -> None:
    """Write ``obj`` as indented, key-sorted, strict JSON (see :func:`jsonable`)."""
    text = json.dumps(jsonable(obj), indent=2, sort_keys=True, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def save_model(model: DriverModel, out: str | PathLike) -> None:
    """Write a fitted model as ``model.json`` (XGBoost) + ``model_meta.json``."""
    out = Path(out)
    model.estimator_.save_model(out / MODEL_FILE)
    meta = {
        "task": model.task_,
        "params": model.get_params(),
        "feature_names": list(model.feature_names_in_),
        "cv_scores": {k: v.tolist() for k, v in model.cv_scores_.items()},
    }
    if model.task_ == "binary":
        meta["classes"] = model.classes_.tolist()
    dump_json(meta, out / META_FILE)


def load_model(folder: str | PathLike) -> DriverModel:
    """Load a fitted :class:`DriverModel` saved by :func:`save_analysis`.

    Examples
    --------
    >>> import tempfile
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> fast = em.DriverModel(n_estimators=50, cv=2)
    >>> result = em.analyze(s.survey, s.catalog, connection="connected",
    ...                     model=fast, n_boot=0, progress=False)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = em.save_analysis(result, tmp, force=True)
    ...     model = em.load_model(tmp)
    >>> model.task_, model.n_features_in_  # 12 facets and the halo score
    ('binary', 13)
    """
    folder = Path(folder)
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    return load_model_files(str(folder / MODEL_FILE), meta)


def save_analysis(
    result: AnalysisResult, out: str | PathLike, *, force: bool = False
) -> Path:
    """Write every table, the summary, the model and the report to ``out``.

    Files are first written to a temporary folder beside ``out`` and moved in
    only when all of them succeeded, so a failure never leaves half a result.

    Parameters
    ----------
    result : AnalysisResult
    out : path
        Output folder; created if needed.
    force : bool, default=False
        Write into a non-empty folder (same-named files are replaced).

    Returns
    -------
    Path
        The output folder.

    Examples
    --------
    >>> import tempfile
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> fast = em.DriverModel(n_estimators=50, cv=2)
    >>> result = em.analyze(s.survey, s.catalog, connection="connected",
    ...                     model=fast, n_boot=0, progress=False)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = em.save_analysis(result, f"{tmp}/results")
    ...     sorted(p.name for p in out.iterdir())
    ... # doctest: +NORMALIZE_WHITESPACE
    ['controls.csv', 'drivers.csv', 'methods.csv', 'model.json',
     'model_meta.json', 'motivators.csv', 'report.html', 'roi.csv',
     'segments.csv', 'stages.csv', 'summary.json']
    """
    with _staged(out, force=force) as tmp:
        for name, table in result.tables.items():
            write_csv(table, tmp / f"{name}.csv")
        dump_json(result.summary, tmp / "summary.json")
        save_model(result.model, tmp)
        Report(result).write_html(tmp / "report.html")
    return Path(out)


def load_analysis(folder: str | PathLike) -> AnalysisResult:
    """Reload a saved analysis: tables, summary and the fitted model.

    The per-respondent SHAP explanation is not saved; recompute it with
    :func:`emomotiv.shap_importance` on the loaded model if needed.

    Examples
    --------
    >>> import tempfile
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> fast = em.DriverModel(n_estimators=50, cv=2)
    >>> result = em.analyze(s.survey, s.catalog, connection="connected",
    ...                     model=fast, n_boot=0, progress=False)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = em.save_analysis(result, tmp, force=True)
    ...     loaded = em.load_analysis(tmp)
    >>> loaded.drivers["facet"].equals(result.drivers["facet"])
    True
    >>> loaded.summary["model"]["fit"] == result.summary["model"]["fit"]
    True
    """
    folder = Path(folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    tables = {
        p.stem: restore_formulas(pd.read_csv(p)) for p in sorted(folder.glob("*.csv"))
    }
    model = load_model(folder)
    drivers = tables["drivers"]
    keep = [c for c in drivers.columns if c not in ("label", "stage", "rank")]
    importance = ImportanceResult(
        summary["importance"]["method"],
        drivers[keep].set_index("facet"),
        float(drivers["raw_importance"].sum()) if "raw_importance" in drivers else None,
        None,
        {"units": summary["importance"].get("units")},
    )
    return AnalysisResult(tables, summary, importance, model)


def save_comparison(
    comparison: WaveComparison, out: str | PathLike, *, force: bool = False
) -> Path:
    """Write a wave comparison: ``changes.csv`` and ``summary.json``.

    ``summary.json`` holds ``{"tracking": comparison.summary}``, the same key
    an analysis of a multi-wave survey has. Like :func:`save_analysis`, it
    refuses a non-empty folder unless ``force`` and writes all or nothing.

    Returns
    -------
    Path
        The output folder.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=400, n_facets=8, random_state=0)
    >>> result = em.analyze(s.survey, s.catalog, connection="connected",
    ...                     model=em.DriverModel(n_estimators=30, cv=0),
    ...                     n_boot=5, progress=False)
    >>> out = em.save_comparison(em.compare(result, result),
    ...                          Path(tempfile.mkdtemp()) / "changes")
    >>> sorted(p.name for p in out.iterdir())
    ['changes.csv', 'summary.json']
    """
    with _staged(out, force=force) as tmp:
        write_csv(comparison.changes, tmp / "changes.csv")
        dump_json({"tracking": comparison.summary}, tmp / "summary.json")
        # Hook for the report (issue 6a): a report of the comparison goes here.
    return Path(out)


@contextmanager
def _staged(out: str | PathLike, *, force: bool) -> Iterator[Path]:
    """A temporary folder beside ``out``; its files move into ``out`` only
    when the block succeeds, so a failure never leaves half a result."""
    out = check_output_dir(out, force=force)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".emomotiv-") as tmp:
        yield Path(tmp)
        out.mkdir(exist_ok=True)
        for path in sorted(Path(tmp).iterdir()):
            shutil.move(str(path), out / path.name)
