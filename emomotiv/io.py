"""Reading surveys; saving and loading results and models without pickles.

A saved analysis is a folder of plain files: CSV tables, ``summary.json``,
``report.html``, the model as XGBoost JSON (``model.json``) and its metadata
(``model_meta.json``). Nothing in it is executable on load.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import decimal
import errno
import glob
import gzip
import hashlib
import importlib.util
import io
import json
import math
import numbers
import os
import re
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ._validation import EmomotivWarning, ValidationError, many, preview
from .model import DriverModel, load_model_files
from .readers import (
    ATTRS,
    DECIMALS,
    TEXT_SUFFIXES,
    _delimiter_of,
    binary_problem,
    column_name,
    footer_note,
    read_excel,
    read_platform_csv,
    survey_reader,
    text_encoding,
    without_blank_rows,
)
from .report import ComparisonReport, Report
from .results import (
    SUMMARY_SCHEMA,
    AnalysisResult,
    ImportanceResult,
    PlanResult,
    WaveComparison,
)
from .schema import COMMA_GROUPED
from .study import write_study_file

__all__ = [
    "load_analysis",
    "load_comparison",
    "load_model",
    "read_table",
    "save_analysis",
    "save_comparison",
    "write_workbook",
]

MODEL_FILE = "model.json"
META_FILE = "model_meta.json"
MANIFEST_FILE = "manifest.json"
# The tables of a run as one Excel workbook (analyze --excel, report --excel)
WORKBOOK_FILE = "tables.xlsx"
# Files rendered from the tables and summary.json, which nothing reads back:
# one changed or removed (a workbook saved again in Excel, a deleted report)
# does not stop the folder from being read, and `emomotiv report` writes it
# again (--excel, --figures, --pdf)
DERIVED_FILES = ("report.html", "report.pdf", WORKBOOK_FILE)
DERIVED_FOLDERS = ("figures",)
# Each facet's importance share in each bootstrap replicate (a row each):
# what a wave comparison of saved folders reads its standard errors from.
REPLICATES_FILE = "replicates.csv"
# The journey stages' changes of a wave comparison, where both waves have stages.
STAGE_CHANGES_FILE = "stage_changes.csv"
# Files every run of a kind writes: one of them in a folder given --force
# that the earlier run there did not write stops the run before any work.
RUN_FILES = {
    "analysis": (
        "drivers.csv",
        "roi.csv",
        "summary.json",
        "study.toml",
        MODEL_FILE,
        META_FILE,
        "report.html",
    ),
    "comparison": ("changes.csv", "summary.json", "report.html"),
}
LOCK_SUFFIX = ".emomotiv-lock"
STAGE_MARK = ".emomotiv-stage-"

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


# What one worksheet holds: its rows (less the header's) and columns
MAX_SHEET_ROWS = 1_048_575
MAX_SHEET_COLUMNS = 16_384
# characters no worksheet cell can hold (openpyxl refuses them)
_NOT_IN_A_CELL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# shares (of importance, of respondents, of resamples) and rates shown as
# percents, money in whole units; a cell keeps its full value
PERCENT_COLUMNS = re.compile(
    r"(importance|full_data_importance|stated_importance|stated|p_top|p_quadrant|"
    r"p_selected|reach|segment_share|share)(_(low|high|before|after))?$"
    r"|share_via_connection$|attrition_rate$|promoter_rate$"
    # the classical methods' shares of importance
    r"|(shap|relative_weights|shapley_regression|std_beta|squared_correlation)"
    r"(_se)?$"
)
MONEY_COLUMNS = re.compile(r"(cost|cumulative_cost|delta_value)(_(low|high))?$")
# money per customer (a change in mean value, a tier's mean value), with its cents'
# tenth: 72.9, where whole units would read 73 beside an interval of 60 to 86
AMOUNT_COLUMNS = re.compile(
    r"(delta_mean_value|mean_value)(_(low|high|via_connection))?$"
)
RETURN_FORMAT = '0.0"×"'  # a net return, (value - cost) / cost, as the report's
# changes in a share (a comparison's change, derived less stated importance)
# in points of it, as the report gives them: "-4.3 pts", where a percent read
# "-4.3%", a relative fall; Excel scales by 100 only with a percent sign, so
# the cell holds the points (the table's value x 100)
POINTS_COLUMNS = re.compile(r"(change|gap)(_(low|high))?$|se_change$")
# a 0/1 outcome's gain from a one-point rise, in points of its share (a score
# outcome's is in the score's own units, as it is)
GAIN_COLUMNS = re.compile(r"delta_connected(_(low|high))?$")
POINTS_FORMAT = '+0.0" pts";-0.0" pts";0.0" pts"'
GAIN_FORMAT = '+0.00" pts";-0.00" pts";0.00" pts"'


def _number_format(column: str, gains: bool = False) -> str | None:
    """The Excel number format of a table's column, by its name, or None:
    shares and rates as percents, money in whole units with separators,
    money per customer with one decimal, a net return as a multiple, changes
    in a share in points (:func:`_in_points`), and with ``gains``
    (a 0/1 outcome) its gains in points too.

    Examples
    --------
    >>> _number_format("importance_low"), _number_format("cost"), _number_format("rank")
    ('0.0%', '#,##0', None)
    >>> _number_format("change"), _number_format("delta_connected", gains=True)
    ('+0.0" pts";-0.0" pts";0.0" pts"', '+0.00" pts";-0.00" pts";0.00" pts"')
    >>> _number_format("se_change"), _number_format("delta_connected")
    ('0.0" pts"', None)
    >>> _number_format("weighted_n"), _number_format("delta_mean_value_low")
    ('#,##0', '#,##0.0')
    >>> _number_format("roi"), _number_format("relative_weights")
    ('0.0"×"', '0.0%')
    """
    if column == "se_change":
        return '0.0" pts"'
    if POINTS_COLUMNS.match(column):
        return POINTS_FORMAT
    if gains and GAIN_COLUMNS.match(column):
        return GAIN_FORMAT
    if PERCENT_COLUMNS.match(column):
        return "0.0%"
    if MONEY_COLUMNS.match(column) or column == "weighted_n":
        return "#,##0"
    if AMOUNT_COLUMNS.match(column):
        return "#,##0.0"
    if column == "roi":
        return RETURN_FORMAT
    return None


def _in_points(table: pd.DataFrame, gains: bool = False) -> pd.DataFrame:
    """``table`` with its changes in a share (:data:`POINTS_COLUMNS`, and
    with ``gains`` :data:`GAIN_COLUMNS`) in points of it: x 100, as the
    report gives them; other columns as they are."""
    out = None
    for i, column in enumerate(table.columns):
        values = table.iloc[:, i]
        points = POINTS_COLUMNS.match(str(column)) or (
            gains and GAIN_COLUMNS.match(str(column))
        )
        numeric = pd.api.types.is_numeric_dtype(values)
        if points and numeric and not pd.api.types.is_bool_dtype(values):
            out = table.copy() if out is None else out
            out.isetitem(i, values * 100)
    return table if out is None else out


def refuse_existing(path: str | PathLike, what: str, force: bool) -> None:
    """Refuse to write over a file at ``path`` (the ``what`` a user asked
    for: "workbook", "report") unless ``force``: nothing a user had on disk
    is replaced unasked.

    Examples
    --------
    >>> import tempfile
    >>> refuse_existing(tempfile.mkdtemp() + "/new.html", "report", force=False)
    """
    if Path(path).exists() and not force:
        raise FileExistsError(
            f"The {what} '{path}' exists. Pass force=True to replace it, or "
            "choose another path."
        )


def write_workbook(
    tables: Mapping[str, pd.DataFrame] | AnalysisResult | WaveComparison,
    path: str | PathLike,
    *,
    summary: Mapping[str, object] | None = None,
    force: bool = False,
) -> Path:
    """Write tables into one Excel workbook, a sheet each (needs ``openpyxl``).

    The CSV tables of a run are the machine's contract: plain UTF-8 with
    points for decimals, which Excel opens by double click only in an
    English locale. The workbook holds the same tables for an analyst:
    one sheet per table, named by it, in the order given, each with its
    header row frozen, a filter on it and columns as wide as their
    contents (up to 60 characters). Numbers stay numbers (an infinite one
    is written as the text ``inf``, which a cell cannot hold as a number),
    shares and rates shown as percents and money in whole units, each cell
    keeping its full value (:data:`PERCENT_COLUMNS`, :data:`MONEY_COLUMNS`);
    a change in a share (a comparison's ``change``, ``gap``) and a 0/1
    outcome's gain (``delta_connected``) are in points of it, as the report
    gives them ("-4.3 pts", the table's value x 100: a percent format would
    read "-4.3%", a relative fall), :data:`POINTS_COLUMNS`,
    :data:`GAIN_COLUMNS`; empty cells stay empty; text that starts with
    ``=`` is text, never a formula, and the control characters a worksheet
    cannot hold (a vertical tab) are spaces. Dates without a time zone are dates; what a
    cell has no type for (a time with its zone, a period, a complex number)
    is written as its text. An existing file at ``path`` is refused, or
    with ``force`` replaced whole (written beside it first, then moved in).

    Parameters
    ----------
    tables : mapping of str to DataFrame, AnalysisResult or WaveComparison
        Sheet name (1 to 31 characters, none of ``[]:*?/\\``, not
        "History", no two alike but for case) to table, such as ``result.tables`` of
        :func:`emomotiv.analyze`; a table fits a sheet (1,048,575 rows
        under its header, 16,384 columns). An analysis stands for its
        ``tables``, a comparison for its ``changes`` (and ``stage_changes``
        where it compared stages); either adds a last
        sheet, ``about``, saying what they are of (the outcome, the wave or
        waves, the respondents, the currency, the population and budget,
        the interval level, the emomotiv version).
    path : path
        The ``.xlsx`` file to write (a path ending otherwise is refused:
        Excel opens a workbook by its ending).
    summary : mapping, optional
        The run's summary (``summary.json``) where ``tables`` is a mapping:
        whether its outcome is 0/1, whose gains (``delta_connected``) are
        then in points of its share (a score's are in its own units, left as
        they are, as they are without a summary). An analysis gives its own.
    force : bool, default=False
        Replace an existing file at ``path``.

    Returns
    -------
    Path
        The workbook written.

    Raises
    ------
    ImportError
        Without ``openpyxl``, naming the extra to install.
    ValueError
        Naming every sheet name Excel cannot take and every table too large
        for a sheet, when there is no table, or when ``path`` does not end
        with ``.xlsx``.
    FileExistsError
        When a file exists at ``path`` and ``force`` is False.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> import emomotiv as em
    >>> tables = {"drivers": pd.DataFrame({"facet": ["app"], "importance": [0.4]})}
    >>> path = em.write_workbook(tables, tempfile.mkdtemp() + "/tables.xlsx")
    >>> pd.read_excel(path, sheet_name=None)["drivers"]
      facet  importance
    0   app         0.4
    """
    from .readers import _needs

    if summary is None and isinstance(tables, AnalysisResult):
        summary = tables.summary
    # a 0/1 outcome's gains are points of its share, a score's its own units
    gains = ((summary or {}).get("model") or {}).get("task") == "binary"
    if isinstance(tables, AnalysisResult | WaveComparison):
        about = about_sheet(tables.summary)
        if isinstance(tables, AnalysisResult):
            tables = dict(tables.tables)
        else:
            tables = {"changes": tables.changes} | (
                {} if tables.stages is None else {"stage_changes": tables.stages}
            )
        if "about" not in {str(name).lower() for name in tables}:
            tables["about"] = about
    if not isinstance(tables, Mapping):
        raise TypeError(
            "write_workbook needs the tables as a mapping of sheet name to "
            "DataFrame, such as result.tables, or an analysis or comparison; "
            f"got {type(tables).__name__}."
        )
    openpyxl = _needs("openpyxl", "excel", "Excel workbooks", doing="Writing")
    path = Path(path)
    problems = []
    if path.suffix.lower() != ".xlsx":
        problems.append(
            f"A workbook is written to a path ending with .xlsx; got '{path}' "
            "(Excel opens a file by its ending)."
        )
    problems += [
        f"The sheet name {name!r} is not one Excel can take: 1 to 31 "
        "characters, none of []:*?/\\ or a control character, not starting "
        "or ending with ', not 'History'."
        for name in tables
        if not 0 < len(str(name)) <= 31
        or set(str(name)) & set("[]:*?/\\")
        or _NOT_IN_A_CELL.search(str(name))
        or str(name).startswith("'")
        or str(name).endswith("'")
        or str(name).lower() == "history"
    ]
    folded: dict[str, object] = {}
    for name in tables:
        key = str(name).lower()
        if key in folded:
            problems.append(
                f"The sheet names {folded[key]!r} and {name!r} are one name to "
                "Excel, which reads names as text and ignores case."
            )
        folded.setdefault(key, name)
    problems += [
        f"The table {name!r} has {table.shape[0]:,} rows and {table.shape[1]:,} "
        f"columns: a sheet holds at most {MAX_SHEET_ROWS:,} rows under its "
        f"header and {MAX_SHEET_COLUMNS:,} columns."
        for name, table in tables.items()
        if table.shape[0] > MAX_SHEET_ROWS or table.shape[1] > MAX_SHEET_COLUMNS
    ]
    if not tables:
        problems.append("A workbook needs at least one table; got none.")
    if problems:
        raise ValueError(" ".join(problems))
    refuse_existing(path, "workbook", force)
    book = openpyxl.Workbook()
    book.remove(book.active)
    # no time of writing inside: the same tables give the same bytes
    book.properties.created = book.properties.modified = ZIP_EPOCH
    for name, table in tables.items():
        table = _in_points(table, gains)
        sheet = book.create_sheet(str(name))
        sheet.append([_cell(str(column)) for column in table.columns])
        for row in table.itertuples(index=False):
            sheet.append([_cell(value) for value in row])
        for column in sheet.iter_cols():
            shown = _number_format(str(column[0].value), gains)
            for cell in column:
                if cell.data_type == "f":  # "=1+1" is a label, not a formula
                    cell.data_type = "s"
                elif shown and cell.row > 1 and cell.data_type == "n":
                    cell.number_format = shown
            width = max(len(str(cell.value or "")) for cell in column[:1000])
            letter = column[0].column_letter
            sheet.column_dimensions[letter].width = min(max(width, 6) + 2, 60)
        sheet.freeze_panes = "A2"
        if len(table.columns):
            sheet.auto_filter.ref = sheet.dimensions
    staged = path.with_name(f".{path.name}.tmp")
    with held(staged):
        book.save(staged)
        _without_times(staged)
        staged.replace(path)
    return path


def about_sheet(summary: Mapping[str, object]) -> pd.DataFrame:
    """What a workbook's tables are of, as its last sheet (``about``): the
    outcome, the wave or waves, the respondents, the money's unit, the
    settings a reader of the sheets alone could not tell, and the run's
    warnings, one row each. ``summary`` is an
    analysis's, a comparison's, or a saved comparison's (under
    ``tracking``)."""
    from ._wording import outcome_words
    from .report import outcome_label, score_outcome, setting_notes, study_currency

    if "data" not in summary and isinstance(summary.get("tracking"), Mapping):
        summary = summary["tracking"]  # a comparison's summary.json
    if "waves" in summary and "data" not in summary:
        waves = summary.get("waves") or {}
        sizes = summary.get("sample_size") or {}
        rows = [
            ("outcome", summary.get("outcome_label")),
            ("waves compared", f"{waves.get('before')} -> {waves.get('after')}"),
            ("respondents", f"{sizes.get('before')} -> {sizes.get('after')}"),
            ("touchpoints compared", summary.get("n_facets")),
            ("added", ", ".join(summary.get("added") or []) or None),
            ("dropped", ", ".join(summary.get("dropped") or []) or None),
            ("currency", summary.get("currency")),
            ("test", summary.get("rule")),
            # what the console and the report say of waves not run alike
            *(("not run alike", line) for line in setting_notes(summary)),
            *(("note", str(note)) for note in summary.get("notes") or []),
        ]
    else:
        data, plan = summary.get("data") or {}, summary.get("plan") or {}
        uncertainty = summary.get("uncertainty") or {}
        # a score's gains are points of it, priced by the value of one point
        score = score_outcome(summary)
        # in the report's words: a 0/1 outcome that is not connection by its label
        words = outcome_words(outcome_label(summary), score=score is not None)
        per = words["customer"] if score is None else f"point of {score}"
        binary = (summary.get("model") or {}).get("task") == "binary"
        rows = [
            ("outcome", outcome_label(summary)),
            ("outcome column", (data.get("roles") or {}).get("connection")),
            ("wave", data.get("wave")),
            ("respondents", data.get("n_respondents")),
            ("currency", study_currency(summary)),
            ("population", plan.get("population")),
            ("budget", plan.get("budget")),
            (f"value per {per}", plan.get("value_per_connected")),
            *_plan_rows(plan, points=binary, through=words["through"]),
            ("interval level", uncertainty.get("level")),
            ("bootstrap replicates", uncertainty.get("n_boot")),
        ]
    versions = summary.get("versions") or {}
    rows.append(("emomotiv", versions.get("emomotiv")))
    # what the run warned of: a workbook forwarded alone still says it
    rows += [("warning", str(note)) for note in summary.get("warnings") or []]
    return pd.DataFrame(
        [(what, value) for what, value in rows if value is not None],
        columns=["setting", "value"],
    )


def _plan_rows(
    plan: Mapping[str, object], points: bool = False, through: str = "connection"
) -> list[tuple[str, object]]:
    """The plan's total for the ``about`` sheet: the funded set simulated
    together (the figures the report and the console give), beside the sum
    of the selected rows of the ``plan`` sheet, which reads each touchpoint
    alone; empty when nothing is funded. With ``points`` (a 0/1 outcome)
    the gains are in points of its share, as the plan sheet's are; the value
    is value ``through`` the outcome, in the report's words."""
    if not plan.get("n_selected"):
        return []
    keys = {
        "touchpoints funded": "n_selected",
        "spent": "spent",
        "gain, funded set together": "combined_delta_connected",
        "gain together, interval low": "combined_delta_connected_low",
        "gain together, interval high": "combined_delta_connected_high",
        "gain, sum of the plan sheet's selected rows": "sum_individual_delta_connected",
        "optimism of choosing the set, taken off the gain": "selection_optimism",
        f"value through {through}, funded set together": "combined_delta_value",
        "value together, interval low": "combined_delta_value_low",
        "value together, interval high": "combined_delta_value_high",
        "value, sum of the plan sheet's selected rows": "sum_individual_delta_value",
    }
    why = (
        "the plan's total simulates the funded touchpoints together, where their "
        "effects overlap (less than the sum) or compound (more), less the "
        "optimism of choosing them for their estimated gains (selection_optimism "
        "in summary.json); the plan sheet gives each touchpoint improved alone"
    )
    rows = [(f"plan: {name}", plan.get(key)) for name, key in keys.items()]
    if points:  # "plan: gain in points, funded set together": 10.6
        gains = {"combined_delta_connected", "sum_individual_delta_connected"}
        gains |= {f"combined_delta_connected_{end}" for end in ("low", "high")}
        gains.add("selection_optimism")
        rows = [
            (f"{name} (points)", 100 * value)
            if keys[name.removeprefix("plan: ")] in gains
            and isinstance(value, numbers.Real)
            and not isinstance(value, bool)
            else (name, value)
            for name, value in rows
        ]
    return [*rows, ("plan: why the two totals differ", why)]


ZIP_EPOCH = datetime.datetime(1980, 1, 1)  # the earliest time a ZIP entry holds


def _without_times(path: Path) -> None:
    """Rewrite a workbook (a ZIP archive) with every entry, and the time it
    was last modified, dated :data:`ZIP_EPOCH`: openpyxl dates them when
    they are written."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if name == "docProps/core.xml":  # the time of saving, set by openpyxl
                epoch = ZIP_EPOCH.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                modified = rb"(<dcterms:modified[^>]*>)[^<]*"
                data = re.sub(modified, rb"\g<1>" + epoch, data)
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH.timetuple()[:6])
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def _cell(value: object) -> object:
    """A table's value as a workbook cell takes it: missing as empty, numpy
    numbers as Python's, an infinite number as its text, text without the
    control characters a cell cannot hold, and what a cell holds no type for
    (a complex number, a period, a time with its zone) as its text."""
    if isinstance(value, str):
        return _NOT_IN_A_CELL.sub(" ", value)
    if value is None or pd.isna(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, (datetime.datetime, datetime.time)) and value.tzinfo:
        return value.isoformat()  # a cell has no time zone: the text keeps it
    if not isinstance(value, (int, float, decimal.Decimal, *_DATES)):
        return _NOT_IN_A_CELL.sub(" ", str(value))
    return value


_DATES = (datetime.date, datetime.time, datetime.timedelta)


def restore_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_formulas` on a table read back from CSV."""
    return _map_text(frame, _restore_cell)


# The order analyze builds its tables in, which load_analysis keeps (a table
# not named here comes after them, by name).
TABLE_ORDER = (
    "drivers",
    "controls",
    "stages",
    "tiers",
    "motivators",
    "roi",
    "plan",
    "segment_drivers",
    "value_drivers",
    "methods",
    "changes",
    "stage_changes",
)
# Columns whose type a CSV cannot say: nullable flags and ranks (an empty
# cell is "not known", not False or a float), and sentences that may be none.
NULLABLE_COLUMNS = {
    "beyond_noise": "boolean",
    "differs": "boolean",
    "stated_rank": "Int64",
    "rank_before": "Int64",
    "rank_after": "Int64",
    "rank_change": "Int64",
    "n_facets_before": "Int64",
    "n_facets_after": "Int64",
}
SENTENCE_COLUMNS = ("note", "level_high", "level_low")
# Columns of names: ids and labels, text even where they read as numbers.
NAME_COLUMNS = (
    "facet",
    "label",
    "stage",
    "touchpoint",
    "segment",
    "control",
    "tier",
    "level_high",
    "level_low",
)


def restore_types(frame: pd.DataFrame) -> pd.DataFrame:
    """A table read back from CSV with the types the analysis gave it: the
    :data:`NULLABLE_COLUMNS` as pandas' nullable types, and the
    :data:`SENTENCE_COLUMNS` as text whose empty cells are None."""
    out = frame.copy()
    for column, dtype in NULLABLE_COLUMNS.items():
        if column in out:
            values = out[column]
            if dtype == "boolean" and values.dtype == object:  # True, False, NaN
                values = values.map(
                    {True: True, False: False, "True": True, "False": False}
                )
                values = values.where(values.notna(), None)
            out[column] = values.astype(dtype)
    for column in SENTENCE_COLUMNS:
        if column in out:
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


# pandas before 3.0 reads some floats back one unit in the last place off
# unless asked for "round_trip"; 3.0 reads them exactly and deprecates asking
_EXACT_FLOATS = (
    {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
)


def read_saved_table(path: str | PathLike) -> pd.DataFrame:
    """A table of a saved run as the analysis made it: read from its CSV
    (every float exactly as written), formulas restored
    (:func:`restore_formulas`), types restored (:func:`restore_types`). The
    :data:`NAME_COLUMNS` stay text, as the analysis wrote them (segments
    ``1`` and ``2``, a facet ``NA``), and only an empty cell is missing.
    value_drivers.csv saved under its earlier column names reads with the
    current ones (``emomotiv.value_drivers.RENAMED``)."""
    text = {column: str for column in NAME_COLUMNS}
    frame = pd.read_csv(
        path, dtype=text, keep_default_na=False, na_values=[""], **_EXACT_FLOATS
    )
    frame = restore_types(restore_formulas(frame))
    if Path(path).stem == "value_drivers":  # saved before its columns' rename
        from .value_drivers import RENAMED

        frame = frame.rename(columns=RENAMED)
    return frame


def _in_table_order(names) -> list[str]:
    """Table names in :data:`TABLE_ORDER`, the others after them by name."""
    rank = {name: i for i, name in enumerate(TABLE_ORDER)}
    return sorted(names, key=lambda name: (rank.get(name, len(rank)), name))


# the notice of a file read with decimal points whose first row has a
# decimal comma (in a file with semicolons or tabs between its columns)
DECIMAL_COMMA_HINT = (
    " Numbers with decimal commas (7,5) are read as numbers only with "
    "decimal=',' (--decimal ,)."
)


def read_table(
    path: str | PathLike,
    *,
    encoding: str = "utf-8",
    decimal: str = ".",
    sheet: int | str = 0,
    text: str | Sequence[str] = (),
) -> pd.DataFrame:
    """Read a table: CSV, Parquet, SPSS, Stata or Excel (by file suffix).

    SPSS ``.sav``, Stata ``.dta``, Excel ``.xlsx`` and survey-platform CSV
    exports (Qualtrics, SurveyMonkey, Google Forms) go through
    :mod:`emomotiv.readers`, which keeps the file's variable labels and
    scales in ``attrs["emomotiv"]``.
    A CSV file (or a tab-separated ``.tsv``/``.txt`` one) is read as it is
    written, in UTF-16 where its byte-order mark says so (Qualtrics' TSV
    export, Excel's "Unicode text"): only empty cells are missing (text
    such as ``"n/a"`` or ``"NA"`` stays text, for :func:`validate_survey` to
    refuse or for ``not_experienced`` to declare), ``true``/``false`` stay
    text, column names are read without the spaces around them (an export's,
    not the question's) and with a line break within a quoted name read as
    one space, and a header that names a column twice is an error
    rather than a silently renamed copy. A file whose header has no comma
    but semicolons or tabs is read with that delimiter, with a warning that
    says so.

    Parameters
    ----------
    path : str or path
        A ``.csv`` (or ``.csv.gz``), ``.tsv``, ``.txt``, ``.parquet``,
        ``.sav``, ``.dta`` or ``.xlsx`` file.
    encoding : str, default="utf-8"
        Text encoding of a CSV file; files saved by Excel on Windows are often
        ``"cp1252"`` or ``"latin-1"``.
    decimal : {".", ","}, default="."
        The decimal mark of a CSV file's numbers: ``","`` for files written
        with decimal commas (``7,5``) and semicolons or tabs between the
        columns: a column's decimal commas are then numbers even beside
        text in it (``n/a``), which stays text. In a file with commas
        between its columns, only quoted numbers can hold a decimal comma
        (``"7,5"``): those are read as numbers with ``","``, but in a
        column of lists of codes (``"1,3,5"``, a multiple-choice question's)
        or of numbers whose every comma has three digits after it
        (``"90,000"``, as often a thousands separator). In an Excel
        workbook, ``","`` reads the numbers it holds as text (``"7,5"``).
        A table so read says so in ``attrs["emomotiv"]["decimal"]``, and
        validation then reads no point between a number's thousands
        (``"1.234"``) as a decimal point.
    sheet : int or str, default=0
        The sheet of an Excel workbook: its name, or its position (0 is the
        first). A workbook of several sheets says which it read.
    text : str or sequence of str, default=()
        Columns of a CSV file or a workbook read as text, never as numbers:
        an id column ("0001" is not the number 1), a wave column
        of months ("09.2026" is not the number 9.2026, nor "10.2020" the
        number 10.202). Spaces around a cell are dropped, as around a
        number (" 2" is "2"), and a cell of spaces only is missing. Names
        the file does not hold are ignored.

    Returns
    -------
    DataFrame
        The table as read; from :mod:`emomotiv.readers`, with the file's
        labels and scales in ``attrs["emomotiv"]``.

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    IsADirectoryError
        When the path is a folder.
    ValidationError
        Naming the file: an undecodable byte (with the encodings to try), an
        empty file, a duplicate column name, a row that cannot be parsed, or
        Parquet without its optional dependency (with the extra to install).
    ValueError
        When the suffix is none of those.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> import emomotiv as em
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "facets.csv"
    ...     table = pd.DataFrame({"facet": ["welcome_note"], "stage": ["Open"]})
    ...     table.to_csv(path, index=False)
    ...     em.read_table(path)
              facet stage
    0  welcome_note  Open
    """
    path = Path(path)
    text = [text] if isinstance(text, str) else list(text)  # "wave": one column
    if path.is_dir():
        raise IsADirectoryError(f"'{path}' is a folder, not a file.")
    if not path.is_file():
        raise FileNotFoundError(f"No such file: '{path}'.")
    if decimal not in DECIMALS:
        raise ValueError(
            f"The decimal mark must be one of {DECIMALS}; got {decimal!r} instead."
        )
    suffix = "".join(path.suffixes[-2:]).lower()
    if suffix.endswith(TEXT_SUFFIXES):
        problem = binary_problem(path)
        if problem is not None:
            raise _file_error(path, problem)
        given, encoding = encoding, text_encoding(path, encoding)
        if encoding == "utf-8" and codecs.lookup(given).name != "utf-8":
            warnings.warn(
                f"'{path}' is read as UTF-8, not {given}: its accented letters "
                f"are UTF-8's, which {given} would misread (é as Ã©).",
                EmomotivWarning,
                stacklevel=2,
            )
        elif encoding == "cp1252" and codecs.lookup(given).name != "cp1252":
            warnings.warn(
                f"'{path}' is read as cp1252, not {given}: it holds bytes "
                f"0x80-0x9F, which {given} reads as invisible control "
                "characters and cp1252, the code page of Excel on Windows, "
                "as „ “ ’ € – (pass --encoding cp1252 to say so).",
                EmomotivWarning,
                stacklevel=2,
            )
    reader = survey_reader(path)
    if reader is read_platform_csv:
        return reader(path, encoding=encoding, decimal=decimal, text=text)
    if reader is read_excel:
        frame = reader(path, sheet=sheet, text=text)
        if decimal == ",":  # numbers a workbook holds as text ("7,5")
            _decimal_commas(frame)
        return with_decimal(frame, decimal)
    if reader is not None:
        return reader(path)
    if suffix.endswith(TEXT_SUFFIXES):
        return _read_csv(path, encoding, decimal=decimal, text=text)
    if suffix.endswith((".parquet", ".pq")):
        engine = _parquet_engine()
        if engine is None:
            raise _file_error(
                path,
                f"Reading the Parquet file '{path}' needs pyarrow, which is not "
                "installed: pip install 'emomotiv[parquet]' (or save it as CSV).",
            )
        frame, lines = without_blank_rows(pd.read_parquet(path))
        if lines:
            warnings.warn(
                footer_note(lines, f"'{path}'"), EmomotivWarning, stacklevel=2
            )
        if engine == "pyarrow":
            import pyarrow

            # the reader's buffers stay reserved in Arrow's pool otherwise
            # (about as much again as the survey: a gigabyte at 1M x 100)
            pyarrow.default_memory_pool().release_unused()
        return frame
    raise ValueError(
        f"Cannot read '{path}': expected a .csv, .tsv, .txt, .parquet, .sav, "
        f".dta or .xlsx file, got '{path.suffix}'."
    )


def _parquet_engine() -> str | None:
    """The installed Parquet engine pandas would use, or None."""
    for name in ("pyarrow", "fastparquet"):
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def _file_error(path: Path, problem: str) -> ValidationError:
    return ValidationError([problem], subject=f"file '{path.name}'")


def _decode_problem(path: Path, encoding: str, err: UnicodeDecodeError) -> str:
    byte = err.object[err.start : err.start + 1].hex()
    return (
        f"'{path}' is not valid {encoding} text: byte 0x{byte} at position "
        f"{err.start} cannot be decoded. A file saved by Excel or an older "
        "system is often cp1252 or latin-1: pass encoding='cp1252' "
        "(--encoding cp1252), the code page of Excel on Windows, or "
        "encoding='latin-1' (--encoding latin-1)."
    )


def _open_text(path: Path, encoding: str):
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding=encoding, newline="")
    return open(path, encoding=encoding, newline="")


def _in_quotes(text: str) -> bool:
    """Whether ``text`` ends inside a quoted value under one of the
    delimiters a header may use: a quote that opens a value, not one within
    it (``Customer's "fav" app`` holds two that open nothing)."""
    for delimiter in (",", ";", "\t"):
        try:
            for _ in csv.reader(io.StringIO(text), delimiter=delimiter, strict=True):
                pass
        except csv.Error as err:
            if "end of data" in str(err):  # "unexpected end of data"
                return True
    return False


def _sniff_header(
    path: Path, encoding: str, decimal: str = "."
) -> tuple[list[str], str]:
    """The raw header fields and the delimiter, read before pandas renames."""
    try:
        with _open_text(path, encoding) as handle:
            first = handle.readline().removeprefix("\ufeff")  # a byte-order mark
            # a quoted name may hold line breaks (a spreadsheet cell's
            # Alt+Enter): the header runs on until its quotes close
            while _in_quotes(first) and (more := handle.readline()):
                first += more
            second = handle.readline()
    except UnicodeDecodeError as err:
        raise _file_error(path, _decode_problem(path, encoding, err)) from None
    except LookupError:
        raise _file_error(path, f"Unknown text encoding {encoding!r}.") from None
    if not first.strip():
        raise _file_error(
            path,
            f"'{path}' is empty: a survey or catalog file needs a header row "
            "naming the columns, then one row per respondent or facet.",
        )
    hint = re.fullmatch(r"sep=(.)\s*", first, flags=re.IGNORECASE)
    if hint:
        raise _file_error(
            path,
            f"'{path}' starts with the line '{first.strip()}', a hint for "
            "Excel, above its header: delete that line (the delimiter is "
            "read from the header).",
        )
    delimiter = _delimiter_of(first, second)
    suffixes = [x.lower() for x in path.suffixes]
    tabbed = delimiter == "\t" and bool({".tsv", ".txt"} & set(suffixes))
    if delimiter != "," and not tabbed:  # a tab-separated file says so
        name = {";": "';' (semicolon)", "\t": "tab"}[delimiter]
        # the decimal mark is named where the first row holds a decimal comma
        # (a catalog of names and stages has none to read)
        row = next(csv.reader([second], delimiter=delimiter), []) if second else []
        commas = (
            DECIMAL_COMMA_HINT
            if decimal != ","
            and any(re.fullmatch(r"\s*[+-]?\d+,\d+\s*", x) for x in row)
            else ""
        )
        within = ", and its commas lie within column names" if "," in first else ""
        warnings.warn(
            f"'{path}' has {first.count(delimiter)} {name} separators in its "
            f"header{within}: it was read with {name} as the delimiter.{commas}",
            EmomotivWarning,
            stacklevel=3,
        )
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter))
    return header, delimiter


def _read_csv(
    path: Path,
    encoding: str,
    skip: int = 0,
    decimal: str = ".",
    names: Sequence[str] | None = None,
    text: Sequence[str] = (),
) -> pd.DataFrame:
    """A CSV file as it is written (see :func:`read_table`); ``skip`` rows
    under the header are dropped (a survey platform's extra header rows),
    ``names``, when given, replace the header's, and the ``text`` columns
    are read as text."""
    header, delimiter = _sniff_header(path, encoding, decimal)
    _check_cut_off(path, encoding, delimiter, len(header))
    written = header if names is None else list(names)
    # spaces around a name, and line breaks within it, are an export's,
    # never the question's: a catalog or a role names the column without them
    header = [column_name(name) for name in written]
    as_text = set(text)
    asked = decimal
    if delimiter == ",":  # a comma between columns: numbers have points,
        decimal = "."  # but for quoted ones ("7,5"), read as asked below
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(header, start=1):
        if name:  # nameless columns: see below
            seen.setdefault(name, []).append(i)
    dup = {name: where for name, where in seen.items() if len(where) > 1}
    if dup:
        where = "; ".join(
            f"{name!r} (columns {', '.join(map(str, cols))}"
            + (": " + ", ".join(repr(written[c - 1]) for c in cols) + ")")
            for name, cols in list(dup.items())[:5]
        )
        raise _file_error(
            path,
            f"Duplicate column names in the header of '{path}' (spaces around a "
            f"name do not count): {where}. Rename or drop the copies; a copy "
            "would otherwise be read under another name and ignored.",
        )
    options = {
        "sep": delimiter,
        "decimal": decimal,
        "encoding": encoding,
        "keep_default_na": False,
        "na_values": [""],
        "skiprows": range(1, skip + 1),
        "header": 0,
        "names": range(len(header)),  # by position: nameless columns too
        # rows with more fields than the header (Excel's trailing separators)
        # would otherwise shift every value onto the next column
        "index_col": False,
        "dtype": {i: str for i, name in enumerate(header) if name in as_text},
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            try:
                frame = pd.read_csv(path, **options)
            except (pd.errors.ParserWarning, pd.errors.ParserError) as err:
                # fields past the header: in the first rows pandas warns, in a
                # later row it stops ("Expected 7 fields in line 31, saw 8")
                if isinstance(err, pd.errors.ParserError) and not _PAST.search(
                    str(err)
                ):
                    raise
                _check_past_header(path, encoding, delimiter, len(header))
                warnings.simplefilter("ignore", pd.errors.ParserWarning)
                # only empty fields past the header: a spreadsheet's trailing
                # separators, which the header's columns leave out
                frame = pd.read_csv(path, usecols=range(len(header)), **options)
            flags = [c for c in frame if pd.api.types.is_bool_dtype(frame[c])]
            if flags:  # true/false stay text: the user says what they mean
                flags_as_text = options | {"usecols": flags, "dtype": str}
                frame[flags] = pd.read_csv(path, **flags_as_text)
    except UnicodeDecodeError as err:
        raise _file_error(path, _decode_problem(path, encoding, err)) from None
    except pd.errors.EmptyDataError:
        raise _file_error(path, f"'{path}' has no columns to read.") from None
    except pd.errors.ParserError as err:
        raise _file_error(
            path, _parse_problem(path, err, encoding, delimiter)
        ) from None
    # a column with neither a name nor a value is a trailing separator's
    frame = frame.drop(
        columns=[
            i for i, name in enumerate(header) if not name and frame[i].isna().all()
        ]
    )
    nameless = [i + 1 for i in frame.columns if not header[i]]
    if len(nameless) > 1:
        raise _file_error(
            path,
            f"Columns {', '.join(map(str, nameless))} of '{path}' have no name in "
            "its header but hold values: name them, or drop them.",
        )
    frame.columns = [header[i] for i in frame.columns]
    for column in as_text & set(frame.columns):
        # " 2" is "2", as it would be as a number; spaces only are no answer
        frame[column] = frame[column].str.strip().replace("", np.nan)
    # a line of separators only (a spreadsheet's blank row) is no respondent,
    # as a blank line is not, nor a line of text under the data (a footer)
    frame, lines = without_blank_rows(frame, keep=list(as_text))
    if lines:
        warnings.warn(footer_note(lines, f"'{path}'"), EmomotivWarning, stacklevel=3)
    if asked == ",":
        _decimal_commas(frame, keep=text, quoted=delimiter == ",")
    return with_decimal(frame, asked)


def with_decimal(frame: pd.DataFrame, decimal: str) -> pd.DataFrame:
    """``frame``, saying in ``attrs["emomotiv"]["decimal"]`` that its file
    was read with decimal commas: validation then reads a point between a
    number's thousands ("1.234") as no decimal point (see
    :func:`emomotiv.schema.decimal_mark`)."""
    if decimal == ",":
        frame.attrs[ATTRS] = {**frame.attrs.get(ATTRS, {}), "decimal": ","}
    return frame


_COMMA_NUMBER = re.compile(r"^\s*[+-]?(\d+,\d*|,\d+)\s*$")
_WHOLE = re.compile(r"^\s*[+-]?\d+\s*$")
# codes chosen in a multiple-choice question ("1,3,5"): no number has two
# decimal commas, and "1,3" beside them is a list too
_CODE_LIST = re.compile(r"^\s*\d+(,\d+){2,}\s*$")


def _decimal_commas(
    frame: pd.DataFrame, keep: Sequence[str] = (), quoted: bool = False
) -> None:
    """Read as numbers the decimal-comma cells (``7,5``) of the text columns
    of ``frame``, in place: pandas reads them only in a column whose every
    cell is a number, and one ``n/a`` among them would leave them all as
    text, to be refused as such; that ``n/a`` is left to validation. A
    column that holds a list of codes (``1,3,5``) is left as text, as are
    the ``keep`` columns. ``quoted``: the numbers are quoted in a file with
    commas between its columns, where a column whose every comma has three
    digits after it (``"90,000"``) holds thousands separators as often as
    decimal commas: it is left as text, for validation to name. A
    workbook's column may hold numbers beside its text cells: only the text
    is read."""
    for column in frame.columns:
        if column in keep:
            continue
        values = frame[column]
        if pd.api.types.is_string_dtype(values):
            words = values.dropna()
        elif values.dtype == object:  # numbers and text, as in a workbook
            words = values[values.map(lambda v: isinstance(v, str))].astype(str)
        else:  # numbers only
            continue
        if words.str.match(_CODE_LIST).any():
            continue
        cells = words.str.match(_COMMA_NUMBER).astype(bool)
        if quoted and words[cells].str.match(COMMA_GROUPED).all():
            continue
        if cells.any():  # with the whole numbers beside them ("9")
            cells |= words.str.match(_WHOLE).astype(bool)
            numbers = words[cells].str.replace(",", ".").astype(float)
            read = values.index.isin(numbers.index)
            frame[column] = values.astype(object).where(~read, numbers)


def _parse_problem(path: Path, err: Exception, encoding: str, delimiter: str) -> str:
    """pandas' reason a CSV file cannot be parsed, and the way out."""
    reason = str(err).strip().removeprefix("Error tokenizing data. C error: ")
    if "inside string" in reason:  # "EOF inside string starting at row 2"
        row = _open_quote_row(path, encoding, delimiter)
        if row is not None:
            reason = f"row {row} (the header being row 1) opens a quote"
        way = (
            'A quote (") opens a value that no later quote closes, and the '
            "rest of the file would be read into it: close the quote, or "
            "remove it (a quote inside a quoted value is written twice)."
        )
    else:
        way = (
            "Every row needs as many fields as the header: quote a value that "
            "holds the delimiter, and name a column past the header or remove "
            "the separators past it."
        )
    return f"Cannot parse '{path}': {reason}. {way}"


def _open_quote_row(path: Path, encoding: str, delimiter: str) -> int | None:
    """The row (the header being 1) whose quote no later quote closes."""
    with _open_text(path, encoding) as handle:
        rows = csv.reader(handle, delimiter=delimiter, strict=True)
        n = 0
        try:
            for n, _ in enumerate(rows, 1):  # noqa: B007 (counted)
                pass
        except csv.Error:
            return n + 1
    return None


_PAST = re.compile(r"Expected \d+ fields in line \d+, saw \d+")


TAIL = 65_536  # bytes read from a file's end to tell whether it is whole


def _check_cut_off(path: Path, encoding: str, delimiter: str, width: int) -> None:
    """Refuse a CSV file that looks cut off: NUL bytes at its end (a copy
    still being written, a disk that filled up), or a last row with fewer
    fields than the header and no line break after it (an export stopped
    mid-row, whose last cell would be read as another number). A file of
    UTF-16 or a compressed one is not checked here."""
    if path.suffix.lower() == ".gz" or codecs.lookup(encoding).name.startswith(
        ("utf-16", "utf-32")
    ):
        return
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - TAIL))
        tail = handle.read().decode(encoding, errors="replace")
    if tail.endswith("\x00"):
        raise _file_error(
            path,
            f"'{path}' ends in NUL bytes, as a file still being copied or "
            "written (or cut short by a full disk) does: wait for the copy to "
            "finish, or write the file again.",
        )
    if not tail or tail.endswith(("\n", "\r")):
        return
    last = tail.splitlines()[-1]
    fields = next(csv.reader([last], delimiter=delimiter), [])
    if 0 < len(fields) < width and not _in_quotes(last):
        raise _file_error(
            path,
            f"The last row of '{path}' has {len(fields)} of the header's {width} "
            f"fields and no line break after it (it ends '{last[-20:]}'): the "
            "file looks cut off, as an export stopped or a copy not finished "
            "leaves it, and its last value may be cut too. Write the file "
            "again; if it is whole, end its last row with a line break.",
        )


def _check_past_header(path: Path, encoding: str, delimiter: str, width: int) -> None:
    """Refuse a CSV file with a value past its header's last column: the
    rows that hold one are named. Empty fields there are a spreadsheet's
    trailing separators, and are dropped."""
    with _open_text(path, encoding) as handle:
        rows = csv.reader(handle, delimiter=delimiter)
        past = [
            n for n, row in enumerate(rows, 1) if any(c.strip() for c in row[width:])
        ]
    if past:
        name = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
        raise _file_error(
            path,
            f"{many(len(past), 'row')} of '{path}' ({preview(past, 5)}, the "
            f"header being row 1) {'holds' if len(past) == 1 else 'hold'} values "
            f"past the header's {width} columns. A value holding a {name} "
            "without quotes around it (a decimal comma, a thousands separator, "
            "a comment) is split in two and shifts the rest of its row: quote "
            "it, or save the file again from the spreadsheet. A column that "
            "has no name in the header: name it there. Otherwise remove the "
            "values.",
        )


def output_problems(
    out: str | PathLike,
    *,
    force: bool = False,
    inputs: Sequence[str | PathLike | None] = (),
    kind: str | None = None,
) -> list[str]:
    """Every reason ``out`` cannot take a run's files, one sentence each.

    Checked before any work: a path that is a file or lies under one, a
    folder that cannot be written, a non-empty folder without ``force``,
    ``force`` on the filesystem root, the home folder, a folder holding one
    of ``inputs`` or a run of another ``kind`` (``"analysis"`` or
    ``"comparison"``: a comparison never replaces a quarter's analysis) or
    a file that run writes but the earlier run there did not, and another
    run writing there now. A non-empty folder that ``force`` could not
    replace either is refused without offering it, naming why.
    """
    out = Path(out)
    problems = []
    existing = next((p for p in (out, *out.parents) if p.exists()), Path("."))
    if existing == out and not out.is_dir():
        problems.append(f"The output '{out}' exists and is not a folder.")
    elif not existing.is_dir():
        problems.append(
            f"The output folder '{out}' cannot be created: '{existing}' is a file."
        )
    elif not os.access(existing, os.W_OK | os.X_OK):
        problems.append(
            f"The output folder '{out}' cannot be written: no write permission "
            f"on '{existing}'. Choose another --out."
        )
    if out.is_dir() and any(out.iterdir()):
        barred = _dangerous_target(out, inputs) + _other_kind(out, kind)
        if not force:
            broken = (
                " It holds an interrupted save (a run stopped while moving its "
                "files in):"
                if _read_manifest(out, "incoming")
                else ""
            )
            way_out = (
                "Choose a new folder, or pass --force (force=True in Python): "
                "the files of an earlier emomotiv run there are replaced as a "
                "whole, other files are left alone."
            )
            if barred:  # where --force would be refused too, it is not offered
                way_out = (
                    "Choose a new folder: --force cannot replace this one, as "
                    f"{' and '.join(barred)}."
                )
            problems.append(
                f"The output folder '{out}' is not empty.{broken} {way_out}"
            )
        else:
            problems += [
                f"Refusing --force on '{out}': {reason}. Write the results to a "
                "folder of their own."
                for reason in barred
            ]
            problems += _not_the_earlier_run(out, kind)
    lock = _lock_path(out)
    holder = _lock_holder(lock) if lock.parent.is_dir() else None
    if holder is not None and not _is_mine(lock):
        problems.append(_locked(out, holder))
    return problems


def _run_kind(folder: Path) -> str | None:
    """What emomotiv run ``folder`` holds, by its manifest (see
    :func:`_kind`); None without one."""
    try:
        manifest = (folder / MANIFEST_FILE).read_text(encoding="utf-8")
        return _kind(json.loads(manifest)["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _other_kind(out: Path, kind: str | None) -> list[str]:
    """Why --force may not write a run of ``kind`` into ``out``: it holds a
    run of the other kind ("it holds an emomotiv analysis, which a
    comparison would replace"); none where it may."""
    held = _run_kind(out)
    if kind is None or held is None or held == kind:
        return []
    return [
        f"it holds an emomotiv {held}, which "
        f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} would replace"
    ]


def _not_the_earlier_run(out: Path, kind: str | None) -> list[str]:
    """The files a run of ``kind`` writes that ``out`` holds but its earlier
    run did not write (see :func:`_replace_run`, which refuses them at the
    save), named before the work rather than after it."""
    theirs = foreign_files(out, RUN_FILES.get(kind, ()))
    if not theirs:
        return []
    return [
        f"Refusing --force on '{out}': it holds {preview(theirs, 5)}, which "
        "this run would write over, and which the earlier emomotiv run there "
        "did not write or which changed since. Move or delete them, or "
        "choose another output folder."
    ]


def _dangerous_target(out: Path, inputs: Sequence[str | PathLike | None]) -> list[str]:
    """Why --force may never replace ``out``: it is the filesystem root or
    the home folder, or it holds one of ``inputs`` ("it holds the input
    'data/survey.csv'"); none where it may."""
    target = out.resolve()
    if target == Path(target.anchor):
        return ["it is the filesystem root"]
    if target == Path.home().resolve():
        return ["it is the home folder"]
    held = [
        str(path)
        for path in inputs
        if path is not None
        and target in (Path(path).resolve(), *Path(path).resolve().parents)
    ]
    if held:
        return [f"it holds the input {preview(held)}"]
    return []


def check_output_dir(
    out: str | PathLike,
    *,
    force: bool = False,
    inputs: Sequence[str | PathLike | None] = (),
    kind: str | None = None,
) -> Path:
    """Refuse an output folder that cannot take a run (see
    :func:`output_problems`); return the path.

    Call it before any work so that a refused run costs nothing.
    """
    problems = output_problems(out, force=force, inputs=inputs, kind=kind)
    if problems:
        raise FileExistsError(" ".join(problems))
    return Path(out)


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
    """Write ``obj`` as indented, strict JSON (see :func:`jsonable`).

    Keys keep their order: several mappings of the summary are ordered (the
    largest variance inflation first, SHAP before the classical methods), and
    a report rendered from the saved folder must show them as the run did.
    """
    text = json.dumps(jsonable(obj), indent=2, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def _utf8(path: Path) -> bool:
    """Whether ``path`` is text UTF-8 can write: a name read in another
    locale's bytes holds characters it cannot ("résultats" under latin-1)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def save_model(model: DriverModel, out: str | PathLike) -> None:
    """Write a fitted model as ``model.json`` (XGBoost) + ``model_meta.json``."""
    from xgboost.core import XGBoostError

    out = Path(out)
    try:
        if _utf8(out):
            model.estimator_.save_model(out / MODEL_FILE)
        else:  # XGBoost opens a path as UTF-8: written apart, then moved in
            with tempfile.TemporaryDirectory() as folder:
                model.estimator_.save_model(Path(folder) / MODEL_FILE)
                shutil.copyfile(Path(folder) / MODEL_FILE, out / MODEL_FILE)
    except XGBoostError as err:
        if "Write incomplete" not in str(err):
            raise
        raise OSError(  # its stream stops short where the disk fills up
            errno.ENOSPC, os.strerror(errno.ENOSPC), str(out / MODEL_FILE)
        ) from None
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

    Parameters
    ----------
    folder : path
        A folder written by :func:`save_analysis` (or ``emomotiv analyze``):
        it holds ``model.json`` and ``model_meta.json``.

    Returns
    -------
    DriverModel
        Fitted, with ``feature_names_in_`` and ``cv_scores_`` as saved.

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
    if not folder.is_dir():
        what = "a file" if folder.exists() else "not there"
        raise FileNotFoundError(
            f"load_model takes the folder emomotiv analyze wrote, which holds "
            f"{MODEL_FILE} and {META_FILE}; '{folder}' is {what}."
        )
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    return load_model_files(str(folder / MODEL_FILE), meta)


def _check_saved(result: object, kind: type, owner: str, maker: str) -> None:
    """Refuse what the writer does not save, before any file is touched."""
    if not isinstance(result, kind):
        got = type(result)
        raise TypeError(
            f"{owner} saves the {kind.__name__} of {maker}; got "
            f"{got.__module__}.{got.__qualname__}. One table is written by its "
            "to_frame().to_csv(path)."
        )


def save_analysis(
    result: AnalysisResult, out: str | PathLike, *, force: bool = False
) -> Path:
    """Write every table, the summary, the model and the report to ``out``.

    An output folder holds one run. Files are first written to a staging
    folder beside ``out`` and moved in only when all of them succeeded, so a
    failure never leaves half a result; they then replace the earlier run
    whole: files an earlier emomotiv run wrote that this run does not are
    removed, files emomotiv did not write are left alone (a ``UserWarning``
    names them). ``manifest.json`` lists every file of the run with its
    SHA-256, and :func:`load_analysis` checks it. While saving, the folder
    is locked: a concurrent save into it fails with ``FileExistsError``.
    ``study.toml`` holds the settings (``summary["study"]``) as a study file
    that repeats the run: ``emomotiv analyze --study study.toml``. With a
    bootstrap, ``replicates.csv`` holds each facet's importance share in each
    replicate (a row each), so a comparison of saved folders reads the same
    standard errors as one of the results in memory.

    Parameters
    ----------
    result : AnalysisResult
        The result of :func:`emomotiv.analyze`.
    out : path
        Output folder; created if needed.
    force : bool, default=False
        Write into a non-empty folder, replacing the earlier run there.

    Returns
    -------
    Path
        The output folder.

    Raises
    ------
    FileExistsError
        When ``out`` cannot take the run (see :func:`output_problems`) or
        another run is saving into it.

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
    ['controls.csv', 'drivers.csv', 'manifest.json', 'methods.csv',
     'model.json', 'model_meta.json', 'motivators.csv', 'report.html',
     'roi.csv', 'stages.csv', 'study.toml', 'summary.json', 'tiers.csv']
    """
    _check_saved(result, AnalysisResult, "save_analysis", "emomotiv.analyze")
    with _staged(out, force=force, kind="analysis") as tmp:
        for name, table in result.tables.items():
            write_csv(table, tmp / f"{name}.csv")
        replicates = getattr(result.importance, "replicates", None)
        if replicates is not None and len(replicates):
            write_csv(replicates.reset_index(drop=True), tmp / REPLICATES_FILE)
        dump_json(result.summary, tmp / "summary.json")
        if "study" in result.summary:
            write_study_file(result.summary["study"], tmp / "study.toml")
        save_model(result.model, tmp)
        Report(result).write_html(tmp / "report.html")
    return Path(out)


def load_analysis(folder: str | PathLike) -> AnalysisResult:
    """Reload a saved analysis: tables, summary and the fitted model.

    The reloaded ``importance`` is the analysis's own: its table holds the
    importance columns of ``drivers.csv`` (not the catalog's or the stated
    ones, which stay in ``drivers``), so its ``to_frame()`` equals the one
    in memory; its ``controls`` come from ``controls.csv`` (without their
    ``raw_importance``, which is not saved), its ``info`` holds ``units`` and
    the bootstrap's notes of ``summary["uncertainty"]`` (``n_boot``,
    ``level``, ``interval``, ...), and its ``total`` is the sum of
    ``raw_importance``. The per-respondent SHAP explanation is not saved
    (``explanation`` is None), nor are the bootstrap's replicate models;
    recompute the explanation with :func:`emomotiv.shap_importance` on the
    loaded model if needed.

    Parameters
    ----------
    folder : path
        A folder written by :func:`save_analysis` (or ``emomotiv analyze``).

    Returns
    -------
    AnalysisResult
        ``tables``, ``summary``, ``model``, ``importance`` (from the
        drivers table, its ``replicates`` from ``replicates.csv``), ``plan``
        (from ``roi.csv``, ``plan.csv`` and ``summary["plan"]``) and, for a
        survey of several waves, ``tracking`` (from ``changes.csv`` and
        ``summary["tracking"]``); the other result objects are None.

    Raises
    ------
    ValidationError
        When the folder's files do not match its ``manifest.json`` (a file
        missing or changed since the run), or it has none: a folder that does
        not hold one whole run is never loaded. Also when it holds a wave
        comparison (:func:`load_comparison` loads that).

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
    >>> loaded.importance.to_frame().equals(result.importance.to_frame())
    True
    """
    folder = Path(folder)
    files = check_manifest(folder)
    if _kind(files) == "comparison":
        raise ValidationError(
            [
                f"'{folder}' holds a wave comparison (emomotiv compare), not an "
                "analysis: load it with load_comparison."
            ],
            subject=f"saved analysis '{folder.name}'",
        )
    summary = read_summary(folder)
    csvs = [Path(n).stem for n in files if n.endswith(".csv") and "/" not in n]
    tables = {
        name: read_saved_table(folder / f"{name}.csv") for name in _in_table_order(csvs)
    }
    replicates = tables.pop(Path(REPLICATES_FILE).stem, None)
    if replicates is not None:
        replicates = replicates.rename_axis(columns="facet")
    model = load_model(folder)
    importance = _reloaded_importance(tables, summary, replicates)
    plan = None
    if "roi" in tables and "plan" in summary:
        plan = PlanResult(tables["roi"], tables.get("plan"), summary["plan"])
    tracking = None
    if "changes" in tables and "tracking" in summary:
        tracking = WaveComparison(
            tables["changes"], summary["tracking"], tables.get("stage_changes")
        )
    return AnalysisResult(
        tables, summary, importance, model, tracking=tracking, plan=plan
    )


# what drivers.csv holds beside the importance's own columns: the catalog's,
# the rank to_frame adds, and the stated comparison's
_NOT_IMPORTANCE = ("label", "stage", "rank", "stated_importance", "stated_rank")
_NOT_IMPORTANCE += ("gap", "quadrant", "p_quadrant", "stated_low", "stated_high")
# the importance's columns in the order analyze's bootstrap gives them
_IMPORTANCE_ORDER = ("importance", "raw_importance", "direction", "reach")
_IMPORTANCE_ORDER += ("mean_score", "full_data_importance", "importance_low")
_IMPORTANCE_ORDER += ("importance_high", "rank_low", "rank_high", "p_top")
_CONTROL_ORDER = ("importance", "raw_importance", "direction", "level_high")
_CONTROL_ORDER += ("level_low", "importance_low", "importance_high")


def _reloaded_importance(
    tables: Mapping[str, pd.DataFrame], summary: dict, replicates
) -> ImportanceResult:
    """The analysis's importance from its saved files: its columns of the
    drivers table, its controls from the controls table, and the notes
    summary.json keeps (``units`` and ``summary["uncertainty"]``)."""

    def ordered(frame: pd.DataFrame, order: tuple[str, ...]) -> pd.DataFrame:
        first = [c for c in order if c in frame.columns]
        return frame[first + [c for c in frame.columns if c not in first]]

    drivers = tables["drivers"]
    keep = [c for c in drivers.columns if c not in _NOT_IMPORTANCE]
    table = ordered(drivers[keep].set_index("facet"), _IMPORTANCE_ORDER)
    controls = tables.get("controls")
    if controls is not None and len(controls):
        controls = controls.drop(columns=["label", "kind"], errors="ignore")
        controls = ordered(controls.set_index("control"), _CONTROL_ORDER)
    else:
        controls = None
    saved = summary["importance"]
    return ImportanceResult(
        saved["method"],
        table,
        float(table["raw_importance"].sum()) if "raw_importance" in table else None,
        None,
        {"units": saved.get("units"), **summary.get("uncertainty", {})},
        replicates=replicates,
        controls=controls,
    )


def read_summary(folder: Path) -> dict:
    """``summary.json`` of a saved run, with a warning when a newer emomotiv
    wrote it in a layout this one does not know (``schema_version`` above
    :data:`~emomotiv.results.SUMMARY_SCHEMA`; a file without one predates
    the versioning and reads as it is)."""
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    version = summary.get("schema_version")
    if isinstance(version, int) and version > SUMMARY_SCHEMA:
        warnings.warn(
            f"'{folder}' was written by a newer emomotiv: its summary.json has "
            f"schema version {version}, this emomotiv reads version "
            f"{SUMMARY_SCHEMA}, so some keys may be missing or mean something "
            "else. Upgrade emomotiv to read it as written.",
            EmomotivWarning,
            stacklevel=3,
        )
    return summary


def _kind(files) -> str | None:
    """What run a folder of these files holds: ``"analysis"`` (a drivers
    table or a model; a multi-wave analysis has changes too),
    ``"comparison"`` (changes alone) or None."""
    if "drivers.csv" in files or "model.json" in files:
        return "analysis"
    return "comparison" if "changes.csv" in files else None


def read_comparison(folder: str | PathLike) -> WaveComparison:
    """The comparison a folder holds, read as it is: ``changes.csv``,
    ``stage_changes.csv`` where it holds one, and the ``tracking`` of
    ``summary.json`` (:func:`load_comparison` checks the folder first)."""
    folder = Path(folder)
    changes = read_saved_table(folder / "changes.csv")
    stages = None
    if (folder / STAGE_CHANGES_FILE).is_file():
        stages = read_saved_table(folder / STAGE_CHANGES_FILE)
    summary = read_summary(folder)
    return WaveComparison(changes, summary.get("tracking", {}), stages)


def load_comparison(folder: str | PathLike) -> WaveComparison:
    """Reload a saved wave comparison: the ``changes`` table and its summary.

    Parameters
    ----------
    folder : path
        A folder written by :func:`save_comparison` (or ``emomotiv compare``).

    Returns
    -------
    WaveComparison
        ``changes`` from ``changes.csv``, ``stages`` from
        ``stage_changes.csv`` (None without it) and ``summary`` from the
        ``tracking`` key of ``summary.json``.

    Raises
    ------
    ValidationError
        When the folder's files do not match its ``manifest.json`` (a file
        missing or changed since the run), it has none, or it holds an
        analysis rather than a comparison (:func:`load_analysis` loads that).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=400, n_facets=8, random_state=0)
    >>> result = em.analyze(s.survey, s.catalog, connection="connected",
    ...                     model=em.DriverModel(n_estimators=30, cv=0),
    ...                     n_boot=5, progress=False)
    >>> out = em.save_comparison(em.compare(result, result, labels=("Q1", "Q2")),
    ...                          Path(tempfile.mkdtemp()) / "changes")
    >>> loaded = em.load_comparison(out)
    >>> loaded.summary["waves"], loaded.flagged
    ({'before': 'Q1', 'after': 'Q2'}, [])
    """
    folder = Path(folder)
    files = check_manifest(folder)
    kind = _kind(files)
    if kind != "comparison":
        raise ValidationError(
            [
                f"'{folder}' does not hold a wave comparison (no changes.csv"
                + (
                    "; it holds an analysis: load it with load_analysis)."
                    if kind == "analysis"
                    else ")."
                )
            ],
            subject=f"saved comparison '{folder.name}'",
        )
    return read_comparison(folder)


def save_comparison(
    comparison: WaveComparison, out: str | PathLike, *, force: bool = False
) -> Path:
    """Write a wave comparison: ``changes.csv``, ``summary.json``, ``report.html``.

    ``stage_changes.csv`` holds the journey stages' changes where the
    comparison has them (``comparison.stages``). ``summary.json`` holds
    ``{"tracking": comparison.summary}``, the same key an analysis of a
    multi-wave survey has. Like :func:`save_analysis`, it refuses a
    non-empty folder unless ``force`` and writes all or nothing.

    Parameters
    ----------
    comparison : WaveComparison
        The result of :func:`emomotiv.compare`.
    out : path
        Output folder; created if needed.
    force : bool, default=False
        Write into a non-empty folder, replacing the earlier run there.

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
    ['changes.csv', 'manifest.json', 'report.html', 'stage_changes.csv', 'summary.json']
    """
    _check_saved(comparison, WaveComparison, "save_comparison", "emomotiv.compare")
    with _staged(out, force=force, kind="comparison") as tmp:
        write_csv(comparison.changes, tmp / "changes.csv")
        if comparison.stages is not None:
            write_csv(comparison.stages, tmp / STAGE_CHANGES_FILE)
        summary = {"schema_version": SUMMARY_SCHEMA, "tracking": comparison.summary}
        dump_json(summary, tmp / "summary.json")
        ComparisonReport(comparison).write_html(tmp / "report.html")
    return Path(out)


# The output locks and staging folders this process holds, for
# abandon_saves: a process stopped at once (SIGTERM) removes them first.
_HELD: set[Path] = set()
# A stop that comes while a save moves its files into place, kept for the
# move's end (see after_moves).
_MOVING: list[Path] = []
_AFTER_MOVE: list[Callable[[], object]] = []


def abandon_saves() -> None:
    """Remove the staging folders and output locks of this process's saves
    under way, leaving every output folder as it was: for a process about to
    exit at once (``os._exit`` on SIGTERM), where unwinding through the
    libraries mid-computation is not safe. Call it through
    :func:`after_moves`, so that a folder whose files are being moved into
    place is not left half replaced."""
    for path in sorted(_HELD):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif not path.name.endswith(LOCK_SUFFIX):
            path.unlink(missing_ok=True)
        elif _lock_holder(path) == os.getpid():
            path.unlink(missing_ok=True)
    _HELD.clear()


def after_moves(stop: Callable[[], object]) -> None:
    """Call ``stop`` now or, while a save moves its files into its output
    folder, once that move ends: a process stopped at once (SIGTERM) never
    leaves a folder half replaced. The move takes a few milliseconds."""
    if _MOVING:
        _AFTER_MOVE.append(stop)
    else:
        stop()


@contextmanager
def _moving(folder: Path) -> Iterator[None]:
    """Files moving into ``folder``: a stop waits for the block's end."""
    _MOVING.append(folder)
    try:
        yield
    finally:
        _MOVING.pop()
        if not _MOVING and _AFTER_MOVE:
            _AFTER_MOVE.pop()()


@contextmanager
def held(path: Path) -> Iterator[Path]:
    """A temporary file or folder of this process's, removed by
    :func:`abandon_saves` when the process is stopped at once while the
    block runs."""
    _HELD.add(path)
    try:
        yield path
    finally:
        _HELD.discard(path)


def _lock_path(out: Path) -> Path:
    target = Path(os.path.abspath(out))
    return target.parent / f".{target.name}{LOCK_SUFFIX}"


# Names this process among those that had its process id: in a container
# every run is process 1 (or another small number), so a lock left by a
# killed run often names this run's own process id.
_PROCESS_TOKEN = os.urandom(8).hex()


def _lock_owner() -> str:
    """This thread of this process, as written in a lock file: the process
    id, the thread, this process's token and when it started."""
    pid = os.getpid()
    return f"{pid} {threading.get_ident()} {_PROCESS_TOKEN} {_started(pid)}"


def _started(pid: int) -> str:
    """When process ``pid`` started, in clock ticks since boot (Linux's
    ``/proc``), or ``"-"`` where that cannot be read (a character a file
    name may hold on every system): a process that took a dead run's id
    since started later."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[19]  # field 22, after the name
    except (OSError, IndexError):
        return "-"


def _is_mine(lock: Path) -> bool:
    try:
        return lock.read_text() == _lock_owner()
    except OSError:
        return False


def _lock_holder(lock: Path) -> int | None:
    """The process id holding ``lock``, or None when free or stale."""
    try:
        return _live_owner(lock.read_text())
    except OSError:
        return None


def _live_owner(owner: str) -> int | None:
    """The process id written in a lock, or None when that process died.

    A lock naming this process's id but another process's token was left by
    an earlier process that had the same id (a container's process 1): it
    died, whatever ``os.kill`` says of the id now.
    """
    fields = owner.split()
    try:
        pid = int((fields or ["0"])[0])
    except ValueError:
        return None
    if pid <= 0:
        return None
    if pid == os.getpid() and len(fields) > 2 and fields[2] != _PROCESS_TOKEN:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # its run died: the lock is stale
    except PermissionError:
        return pid  # alive, another user's
    if len(fields) > 3 and "-" not in (fields[3], now := _started(pid)):
        if fields[3] != now:  # the id is another process's now
            return None
    return pid


def _claim(path: Path) -> None:
    """Create ``path`` holding this run's owner, atomically; raise
    ``FileExistsError`` when it exists.

    Written whole, then linked into place: the file never exists without its
    owner, so a run reading it cannot take an empty file for a stale lock.
    """
    owner = _lock_owner()
    draft = path.with_name(f"{path.name}.{owner.replace(' ', '.')}")
    draft.write_text(owner)
    try:
        os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)


def _drop_stale(lock: Path) -> None:
    """Remove ``lock`` when the run that wrote it died.

    A missing or live lock is left alone. Removing a stale lock takes a
    second lock, so that of two runs taking it over at once only one removes
    it, and never the lock the other has just written in its place.
    """
    try:
        seen = lock.read_text()
    except OSError:
        return
    if _live_owner(seen) is not None:
        return
    guard = lock.with_name(f"{lock.name}.takeover")
    try:
        _claim(guard)
    except FileExistsError:
        try:
            taker = guard.read_text()
        except OSError:
            return
        if _live_owner(taker) is None:  # its run died while taking over
            guard.unlink(missing_ok=True)
        return
    try:
        if lock.read_text() == seen:
            lock.unlink()
    except OSError:
        pass
    finally:
        guard.unlink(missing_ok=True)


def _locked(out: Path, pid: int) -> str:
    return (
        f"Another emomotiv run (process {pid}) is writing to '{out}'; wait for "
        "it to finish, or choose another output folder. If no emomotiv run is "
        f"writing there (process {pid} is another program), delete the lock "
        f"'{_lock_path(out)}'."
    )


@contextmanager
def output_lock(out: str | PathLike) -> Iterator[Path]:
    """Hold the output folder ``out`` for this process while the block runs.

    The lock is a file beside the folder holding the process id, created
    atomically; a second run into the same folder fails at once with a clear
    message, and a lock whose process died is taken over. The thread holding
    it may enter it again (the command line holds it for the whole run, the
    save inside takes it again).
    """
    out = Path(out)
    lock = _lock_path(out)
    lock.parent.mkdir(parents=True, exist_ok=True)
    if _is_mine(lock):
        yield out
        return
    _drop_stale(lock)
    try:
        _claim(lock)
    except FileExistsError:
        raise FileExistsError(_locked(out, _lock_holder(lock) or 0)) from None
    except OSError as err:  # a read-only mount: name the folder, not the lock
        raise type(err)(err.errno, err.strerror, str(lock.parent)) from None
    with held(lock):
        try:
            yield out
        finally:
            lock.unlink(missing_ok=True)


def file_fingerprints(**paths: object) -> dict[str, dict | None]:
    """``summary["inputs"]``: each input file's resolved path, size in bytes
    and SHA-256 (None for an input that is no file: a DataFrame given in
    Python, or none given), so that a run says which data it read.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".csv") as f:
    ...     _ = f.write(b"a,b\\n1,2\\n"); f.flush()
    ...     prints = file_fingerprints(survey=f.name, catalog=None)
    >>> prints["survey"]["bytes"], prints["survey"]["sha256"][:12], prints["catalog"]
    (8, '492d5ea49605', None)
    """
    out: dict[str, dict | None] = {}
    for name, path in paths.items():
        if isinstance(path, str | PathLike) and Path(path).is_file():
            path = Path(path).resolve()
            size = path.stat().st_size
            out[name] = {"path": str(path), "bytes": size, "sha256": _sha256(path)}
        else:
            out[name] = None
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run_files(folder: Path) -> list[str]:
    """Every file under ``folder``, as sorted relative POSIX paths, but those
    of a save's staging folder within it (see :func:`_stage_home`)."""
    return sorted(
        name
        for p in folder.rglob("*")
        if p.is_file()
        and not (name := p.relative_to(folder).as_posix()).startswith(STAGE_MARK)
    )


def update_manifest(folder: str | PathLike, names: Sequence[str] = ()) -> dict:
    """Write ``manifest.json``: the emomotiv version and every file's SHA-256.

    ``names`` (relative paths) are added to or refreshed in an existing
    manifest; without a manifest, every file in ``folder`` is listed. Call it
    after rewriting a file of a saved run (such as its report). The other
    files listed keep their checksums (a derived file changed since the run,
    see :func:`is_derived`, stays marked as changed); a derived file no
    longer in the folder is no longer listed (any other stays, so the folder
    still fails :func:`check_manifest`).
    """
    from . import __version__

    folder = Path(folder)
    path = folder / MANIFEST_FILE
    old = _read_manifest(folder) if path.is_file() else {}
    listed = list(old) if path.is_file() else _run_files(folder)
    listed = sorted({*listed, *names} - {MANIFEST_FILE})
    files = {
        name: old[name] if name in old and name not in names else _sha256(folder / name)
        for name in listed
        # a table gone stays listed, and the folder keeps failing its check
        if name in names
        or (folder / name).is_file()
        or (name in old and not is_derived(name))
    }
    manifest = {"emomotiv": __version__, "files": files}
    dump_json(manifest, path)
    return manifest


def _read_manifest(folder: Path, key: str = "files") -> dict[str, str]:
    try:
        files = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        files = files[key]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return files if isinstance(files, dict) else {}


def is_derived(name: str) -> bool:
    """Whether a run's file (a path relative to its folder) is rendered from
    its tables and summary, and read back by nothing: the report, its PDF,
    the workbook and the figures (:data:`DERIVED_FILES`)."""
    parts = Path(name).parts
    return name in DERIVED_FILES or (len(parts) > 1 and parts[0] in DERIVED_FOLDERS)


def check_manifest(folder: str | PathLike) -> dict[str, str]:
    """The run's files with their checksums; raise if the folder does not
    match its ``manifest.json`` (missing or changed run files, or a file
    every run of its kind writes left out of the manifest).

    A derived file (:func:`is_derived`: ``report.html``, ``tables.xlsx``,
    ``report.pdf``, ``figures/``) missing or changed does not count: nothing
    reads it back, and ``emomotiv report DIR`` (``--excel``, ``--figures``,
    ``--pdf``) writes it again from the files checked here."""
    folder = Path(folder)
    if not folder.exists():
        raise FileNotFoundError(f"No such folder: '{folder}'.")
    if not folder.is_dir():
        raise NotADirectoryError(f"'{folder}' is a file, not an output folder.")
    if not (folder / MANIFEST_FILE).is_file():
        raise ValidationError(
            [
                f"'{folder}' has no {MANIFEST_FILE}: it is not a complete "
                "emomotiv output folder (an interrupted save, or one written "
                "before manifests). Run the analysis again."
            ],
            subject=f"saved analysis '{folder.name}'",
        )
    if _read_manifest(folder, "incoming"):
        raise ValidationError(
            [
                f"'{folder}' holds an interrupted save ({MANIFEST_FILE} marks it "
                "incomplete): part of one run, part of another. Run the "
                "analysis again."
            ],
            subject=f"saved analysis '{folder.name}'",
        )
    files = _read_manifest(folder)
    # the kind of run by its files on disk: a manifest may leave one out
    kinds = ("drivers.csv", "model.json", "changes.csv")
    on_disk = [n for n in kinds if (folder / n).is_file()]
    run = _kind(on_disk) or _kind(files) or "analysis"
    problems = [
        f"'{name}' is in the folder but not listed in {MANIFEST_FILE}, so it "
        "cannot be checked against the run that wrote it: put back the "
        f"{MANIFEST_FILE} the run wrote, or run the {run} again."
        if (folder / name).is_file()
        else f"'{name}', which every {run} writes, is neither in the folder nor "
        f"listed in {MANIFEST_FILE}: put back the run's files, or run the {run} "
        "again."
        for name in _required_files(run)
        if name not in files
    ]
    for name, digest in files.items():
        path = folder / name
        if is_derived(name):
            continue
        if not path.is_file():
            problems.append(
                f"'{name}' is listed in {MANIFEST_FILE} but missing: put it "
                f"back, or run the {run} again."
            )
        elif _sha256(path) != digest:
            problems.append(
                f"'{name}' does not match {MANIFEST_FILE}: it changed after the "
                f"run wrote it. Put back the file the run wrote, or run the {run} "
                "again."
            )
    if not files:
        problems.append(f"{MANIFEST_FILE} lists no files.")
    if problems:
        raise ValidationError(problems, subject=f"saved {run} '{folder.name}'")
    return files


def _required_files(run: str) -> tuple[str, ...]:
    """The files every run of this kind (``"analysis"`` or
    ``"comparison"``) writes and is read back from."""
    from .tracking import ANALYSIS_FILES

    return ANALYSIS_FILES if run == "analysis" else ("summary.json", "changes.csv")


def _clean_stale_stages(target: Path) -> None:
    """Remove staging folders that a killed save left beside ``target`` or
    within it."""
    found = list(target.parent.glob(f".{glob.escape(target.name)}{STAGE_MARK}*"))
    if target.is_dir():
        found += target.glob(f"{STAGE_MARK}*")
    for path in found:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _stage_home(target: Path) -> tuple[Path, str]:
    """Where a save into ``target`` stages its files, and the staging
    folder's prefix: beside the folder, on the disk that holds it, so that
    each file then moves in by a rename; within the folder where it is the
    top of a disk of its own (a container's mounted volume, a symbolic link
    to another disk), which no file could be renamed into from beside it."""
    real = target.resolve()
    beside = real.parent
    # a bind mount of the same disk has its device number, and is a mount
    # point all the same: no rename crosses into it either
    if real.is_dir() and (
        real.stat().st_dev != beside.stat().st_dev or os.path.ismount(real)
    ):
        return real, STAGE_MARK
    return beside, f".{real.name}{STAGE_MARK}"


def _earlier_run(target: Path) -> dict[str, str]:
    """The files of the earlier run in ``target`` with their checksums:
    listed in its manifest (or, after an interrupted save, in either run's
    list), inside the folder, and unchanged since (a file edited after the
    run is the user's)."""
    root = target.resolve()
    listed, incoming = _read_manifest(target), _read_manifest(target, "incoming")
    own = {}
    for name in {*listed, *incoming}:  # JSON keys: always text
        path = target / name
        inside = not Path(name).is_absolute() and ".." not in Path(name).parts
        if inside and root in path.resolve().parents and path.is_file():
            digest = _sha256(path)
            if digest in (listed.get(name), incoming.get(name)):
                own[name] = digest
    return own


def foreign_files(folder: str | PathLike, under: Sequence[str]) -> list[str]:
    """The files at ``under`` (files or folders, relative to ``folder``)
    that the run saved in ``folder`` did not write, or that changed since
    (see :func:`_earlier_run`): what writing there anew would lose. Only the
    paths named are looked at, never the rest of ``folder``."""
    folder = Path(folder)
    found = []
    for name in under:
        path = folder / name
        if path.is_file():
            found.append(name)
        elif path.is_dir():
            found += [f"{name}/{inner}" for inner in _run_files(path)]
    if not found:
        return []
    own = _earlier_run(folder)
    return [name for name in found if name not in own]


def _replace_run(target: Path, stage: Path) -> None:
    """Move the staged run into ``target``, replacing the earlier run whole.

    The earlier run's files (see :func:`_earlier_run`) that this run does not
    write are removed; every other file is left alone and named in a
    warning. A file this run would write over that is not the earlier run's
    (the user's own, or one edited since) stops the save before anything is
    moved. Meanwhile the manifest marks the folder incomplete, so that
    :func:`load_analysis` refuses a folder caught midway and a later save
    can replace it; the new manifest goes in last.
    """
    new = set(_run_files(stage))
    target.mkdir(exist_ok=True)
    old = _earlier_run(target)
    theirs = sorted(
        n for n in new - {MANIFEST_FILE} if (target / n).exists() and n not in old
    )
    if theirs:
        raise FileExistsError(
            f"Not saving into '{target}': it holds {preview(theirs, 5)}, which "
            "this run would write over, and which the earlier emomotiv run "
            "there did not write or which changed since. Move or delete "
            "them, or choose another output folder."
        )
    from . import __version__

    # while files move, the manifest marks the folder incomplete and lists
    # both runs' files, so that a save killed midway can be saved over
    # (written whole in the stage, then moved in: a disk that fills up here
    # leaves the earlier run's manifest as it was)
    marking = stage / f".incoming-{MANIFEST_FILE}"
    dump_json(
        {"emomotiv": __version__, "files": old, "incoming": _read_manifest(stage)},
        marking,
    )
    os.replace(marking, target / MANIFEST_FILE)
    for name in sorted(set(old) - new):
        (target / name).unlink(missing_ok=True)
    for name in sorted(new - {MANIFEST_FILE}):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(stage / name, target / name)
    os.replace(stage / MANIFEST_FILE, target / MANIFEST_FILE)
    for folder in sorted({(target / n).parent for n in set(old) - new}, reverse=True):
        if folder != target and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    foreign = [n for n in _run_files(target) if n not in new]
    if foreign:
        warnings.warn(
            f"The output folder '{target}' also holds {len(foreign)} file"
            f"{'' if len(foreign) == 1 else 's'} emomotiv did not write (or "
            f"changed since it did), left alone: {preview(foreign, 5)}.",
            EmomotivWarning,
            stacklevel=4,
        )


@contextmanager
def _staged(out: str | PathLike, *, force: bool, kind: str) -> Iterator[Path]:
    """A staging folder beside ``out`` (see :func:`_stage_home`); when the
    block succeeds, its files replace the earlier run in ``out`` and a
    manifest lists them. The output folder is locked meanwhile, and staging
    folders of killed saves are removed first."""
    out = check_output_dir(out, force=force, kind=kind)
    with output_lock(out):
        target = Path(os.path.abspath(out))
        target.parent.mkdir(parents=True, exist_ok=True)
        _clean_stale_stages(target)
        home, prefix = _stage_home(target)
        if home != target.parent:  # stages within the folder, or beside its link's
            _clean_stale_stages(target.resolve())
        stage = Path(tempfile.mkdtemp(dir=home, prefix=prefix))
        with held(stage):
            try:
                yield stage
                update_manifest(stage)
                with _moving(target):
                    _replace_run(target, stage)
            except OSError as err:
                if err.errno != errno.ENOSPC:
                    raise
                written = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file())
                shutil.rmtree(stage, ignore_errors=True)  # free again, then measured
                raise _DiskFull(target, kind, written, _free_space(home)) from err
            finally:
                shutil.rmtree(stage, ignore_errors=True)


def _free_space(folder: Path) -> str:
    """The bytes free on the disk holding ``folder``, in words."""
    try:
        return f"{shutil.disk_usage(folder).free:,} bytes"
    except OSError:
        return "an unknown number of bytes"


class _DiskFull(OSError):
    """A save stopped by a full disk (``errno.ENOSPC``), said in words: the
    folder, the bytes written before the failed write and the bytes free
    once they are removed again."""

    def __init__(self, target: Path, kind: str, written: int, free: str) -> None:
        super().__init__(
            errno.ENOSPC,
            f"The disk holding '{target}' is full: the {kind} had written "
            f"{written:,} bytes when a write failed, and {free} are free with "
            "them removed. Nothing was saved and the folder is as it was. Free "
            "some space there, or choose another output folder.",
        )

    def __str__(self) -> str:
        return self.strerror
