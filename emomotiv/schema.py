"""Which column plays which role, the facet catalog, and survey validation.

A survey is a plain table, one row per respondent. :class:`SurveySchema` says
which columns are facets (touchpoint ratings), which is the connection outcome,
and which play the optional roles (value, satisfaction, weight, ...).
:class:`FacetCatalog` describes the facets themselves (label, journey stage,
cost, scale, aggregate stated importance). :func:`validate_survey` checks a
survey against both and raises one :class:`~emomotiv.ValidationError` listing
every problem.
"""

from __future__ import annotations

import datetime
import fnmatch
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ._stats import kish_size
from ._validation import (
    EmomotivWarning,
    ValidationError,
    check_choice,
    did_you_mean,
    listed,
    many,
    preview,
    too_large,
)
from .readers import (
    ATTRS,
    NO_ANSWERS,
    NON_ANSWER,
    YES_ANSWERS,
    _fold,
    declared_missing_note,
    guess_rating_labels,
    numbered_labels,
    shown_labels,
    yes_answer,
)

__all__ = ["FacetCatalog", "SurveySchema", "infer_scale", "validate_survey"]

DEFAULT_SCALE = (1.0, 10.0)
STATED_PREFIX = "stated__"
MOTIVATOR_PREFIX = "motivator__"
CATALOG_COLUMNS = (
    "facet",
    "label",
    "stage",
    "touchpoint",
    "stated_importance",
    "cost",
    "scale_min",
    "scale_max",
    "not_experienced",
)
COMMON_SCALES = ((1.0, 5.0), (1.0, 7.0), (1.0, 10.0), (0.0, 10.0))
CONNECTION_KINDS = ("auto", "binary", "score")
DECIMAL_COMMA = re.compile(r"^\s*[+-]?\d+,\d+\s*$")
# numbers with their thousands separated ("1.003,71", "1 003") or a currency sign
# (a space may be a no-break one, as French spreadsheets write them)
GROUPED = re.compile(
    r"^\s*[+-]?\d{1,3}(?:([.,' \u00a0\u202f])\d{3})+(?:(?!\1)[.,]\d+)?\s*$"
)
# a point between a number's thousands ("1.234", "2.500,50") where commas
# are the decimal mark: 1.234 may then be 1234 or 1.234, and is read as neither
POINT_GROUPED = re.compile(r"^\s*[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d*)?\s*$")
# a comma between a number's thousands, and no decimals ("90,000", "1,250,000")
COMMA_GROUPED = re.compile(r"^\s*[+-]?[1-9]\d{0,2}(?:,\d{3})+\s*$")
# a currency sign before or after an amount ("1.234,56 €", "$80"), or a
# currency code beside one ("1.234,56 EUR", "CHF 80"; not a word such as
# the Norwegian "godt nok")
_CODE = r"\b(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN)\b"
_MONEY = rf"(?:[$€£¥]|{_CODE})"
CURRENCY = re.compile(
    rf"^\s*[+-]?\s*[$€£¥]|[$€£¥]\s*$|^\s*[+-]?\s*{_CODE}\s*[+-]?[\d.,]|\d\s*{_CODE}\s*$",
    re.IGNORECASE,
)
PERCENT = re.compile(r"^\s*[+-]?(\d+([.,]\d*)?|[.,]\d+)\s*%\s*$")
# an accounting negative: (100), (1,003.71)
PARENTHESISED = re.compile(r"^\s*\(\s*\d[\d.,' \u00a0]*\)\s*$")
# what a spreadsheet shows in a cell whose formula failed
FORMULA_ERROR = re.compile(
    r"^#(N/A|DIV/0!|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!)$", re.IGNORECASE
)
MIN_RESPONDENTS = 30
MIN_CLASS_COUNT = 10
# ratings a facet's effect is estimated from, at least: fewer leave every
# model's importance and gain at exactly 0, an interval of no width
MIN_FACET_RATERS = 10
# the problems of too few respondents (in the survey, in an outcome class, or
# rating a facet): of a wave neither analysed nor compared, none is one
TOO_FEW = re.compile(
    r"Facet '.*' is rated by \d+ respondents?, fewer than the "
    r"|The connection column '.*' has only \d+ respondents in class "
    r"|The connection column '.*' has one class only "
    r"|\d+ respondents? for \d+ facets? (is|are) too few"
)
# a facet nobody in a wave rated, or every rater rated alike: of a wave neither
# analysed nor compared (a touchpoint added to the questionnaire since), none
UNRATED = re.compile(r"Facet '.*' is (empty: no respondent rated it|constant: )")


def _stage_text(value) -> str | None:
    """A stage cell as its name: spaces around or doubled read past, a
    whole number read as one ("1", not "1.0", from a column pandas read as
    float); None for a cell that is empty or of spaces only."""
    if pd.isna(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) or None


def _stage_problems(table: pd.DataFrame) -> list[str]:
    """The problems of the catalog's stage column.

    A stage empty (or of spaces only) for some facets but not others: a
    stage written once over its facets (cells merged in Excel, or left blank
    below) reads as empty there, and those facets became a stage "Unstaged"
    of their own (that ranked first), wherever the empty cell sits. A column
    empty throughout is no stage at all, and fine. And one stage written in
    more than one way but for its case ("Get started", "get started"):
    each would be a stage of its own."""
    if "stage" not in table.columns:
        return []
    stage = table["stage"].map(_stage_text)
    empty = stage.isna().to_numpy()
    problems = []
    if empty.any() and not empty.all():
        bare = table["facet"][empty]
        problems.append(
            f"The catalog's stage is empty for {many(len(bare), 'facet')} while "
            f"the others have one ({preview(bare.astype(str))}): a stage written "
            "once over its facets (cells merged in Excel, or left blank below) "
            "reads as empty. Write each facet's stage on its own row (in Excel: "
            "unmerge the cells and fill them down), or leave the stage column "
            "empty throughout."
        )
    several = written_ways(stage.dropna())
    if several:
        problems.append(
            "The catalog writes one stage in more than one way (case aside): "
            f"{ways_text(several)}. Each would be a stage of its own; write "
            "each stage one way."
        )
    return problems


def _interleaved_stages(stages: pd.Series) -> str | None:
    """The note of stages whose facets are not contiguous (a catalog sorted
    by facet id, say): journey order is then read from each stage's first
    appearance."""
    runs = stages[stages.ne(stages.shift())].value_counts(sort=False)
    split = runs[runs > 1]
    if split.empty:
        return None
    shown = preview([f"{name} ({count} runs)" for name, count in split.items()])
    return (
        f"The catalog's stages are not each in one run of rows: {shown}. "
        "Journey order is read from the first appearance of each stage; if "
        "the catalog was sorted (by facet id, say), put it back in journey "
        "order, each stage's facets together."
    )


@dataclass(frozen=True, repr=False)
class FacetCatalog:
    """The facet table of the data contract, one row per facet.

    Build it with :meth:`from_frame` (which validates and fills defaults) or
    :meth:`from_facets` (ids only). Catalog order is journey order.

    Parameters
    ----------
    table : DataFrame
        Indexed by facet id with the columns ``label, stage, touchpoint,
        stated_importance, cost, scale_min, scale_max``.
    undeclared_scale : tuple of str, default=()
        Facets whose scale the catalog left out and :meth:`with_scales_from`
        read from their ratings, for validation to say where a scale goes.
    listed : bool, default=False
        Built by :func:`emomotiv.analyze` from a list of facet columns
        (``facets=[...]``, ``--facets``) rather than from a catalog: a facet
        the survey lacks is said to be the list's, not the catalog's.

    Examples
    --------
    >>> cat = FacetCatalog.from_facets(["app", "fees"])
    >>> cat.facets
    ['app', 'fees']
    >>> cat.scale("app")
    (1.0, 10.0)
    """

    table: pd.DataFrame
    undeclared_scale: tuple[str, ...] = ()
    listed: bool = False

    def __post_init__(self) -> None:
        if "facet" in self.table.columns:
            raise TypeError(
                "FacetCatalog(table) takes the table indexed by facet id; build "
                "one from a catalog with a 'facet' column with "
                "FacetCatalog.from_frame(catalog), which checks it."
            )

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> FacetCatalog:
        """Validate a catalog table and fill defaults for optional columns.

        Raises
        ------
        ValidationError
            Listing every problem: no ``facet`` column, empty or duplicate ids,
            non-numeric or negative costs, a scale whose minimum is not below
            its maximum.
        TypeError
            When ``frame`` is not a DataFrame (for facet ids alone,
            :meth:`from_facets` builds the catalog).
        """
        if not isinstance(frame, pd.DataFrame):
            kind = type(frame)
            raise TypeError(
                "A facet catalog must be a DataFrame with a 'facet' column; got "
                f"{kind.__module__}.{kind.__qualname__}. For facet ids alone, "
                "FacetCatalog.from_facets(ids) builds one."
            )
        problems: list[str] = []
        names = [str(c) for c in frame.columns]
        dupcols = sorted({c for c in names if names.count(c) > 1})
        if dupcols:
            raise ValidationError(
                [f"Duplicate column names: {preview(dupcols)}."],
                subject="facet catalog",
            )
        if "facet" not in frame.columns:
            hint = did_you_mean("facet", frame.columns)
            raise ValidationError(
                [f"The catalog needs a 'facet' column with the facet ids.{hint}"],
                subject="facet catalog",
            )
        table = frame.copy()
        ids = table["facet"]
        if ids.isna().any():
            problems.append(f"{int(ids.isna().sum())} rows have an empty facet id.")
        ids = ids.astype(str).str.strip()
        dup = sorted(set(ids[ids.duplicated()]))
        if dup:
            problems.append(f"Duplicate facet ids: {preview(dup)}.")
        table["facet"] = ids
        if "label" in table.columns:
            problems += _same_labels(ids, table["label"])
        unknown = [c for c in table.columns if c not in CATALOG_COLUMNS]
        for col in unknown:
            hint = did_you_mean(col, CATALOG_COLUMNS)
            if hint:
                problems.append(f"Unknown catalog column '{col}'.{hint}")
        decimal = decimal_mark(frame)
        for col in ("stated_importance", "cost", "scale_min", "scale_max"):
            if col not in table.columns:
                continue
            values = pd.to_numeric(table[col], errors="coerce")
            if decimal == ",":  # "1.234": not 1.234 (see _to_numbers)
                values = values.mask(_point_grouped(table[col]))
            text = values.isna() & table[col].notna()
            if text.any():
                found = sorted({str(v) for v in table.loc[text, col]})
                problems.append(
                    f"Catalog column '{col}' is not numeric for "
                    f"{preview(table.loc[text, 'facet'])}: {preview(found)}."
                    + (
                        _number_hint(found, decimal)
                        or " Give numbers, or leave it empty."
                    )
                )
            infinite = table.loc[np.isinf(values), "facet"]
            if len(infinite):
                problems.append(
                    f"Catalog column '{col}' is infinite for {preview(infinite)}: "
                    "give a number, or leave the cell empty where it is unknown."
                )
            table[col] = values
        if "cost" in table.columns:
            neg = table.loc[table["cost"] < 0, "facet"]
            if len(neg):
                problems.append(f"Negative cost for {preview(neg)}.")
        undeclared = _undeclared_scale(table)
        problems += _half_scale_problems(table)
        table["scale_min"] = table.get("scale_min", DEFAULT_SCALE[0])
        table["scale_max"] = table.get("scale_max", DEFAULT_SCALE[1])
        table["scale_min"] = table["scale_min"].fillna(DEFAULT_SCALE[0]).astype(float)
        table["scale_max"] = table["scale_max"].fillna(DEFAULT_SCALE[1]).astype(float)
        flipped = table.loc[table["scale_min"] >= table["scale_max"], "facet"]
        if len(flipped):
            problems.append(f"scale_min is not below scale_max for {preview(flipped)}.")
        problems += _stage_problems(table)
        if problems:
            raise ValidationError(problems, subject="facet catalog")
        if "label" not in table.columns:
            table["label"] = table["facet"]
        # an all-empty column reads as float: fill it as text; a label typed
        # with spaces around it, or of spaces only, is read without them
        table["label"] = shown_labels(table["facet"], table["label"])
        if "stage" not in table.columns:
            table["stage"] = "All"
        table["stage"] = table["stage"].map(_stage_text).fillna("Unstaged")
        interleaved = _interleaved_stages(table["stage"])
        if interleaved:
            warnings.warn(interleaved, EmomotivWarning, stacklevel=2)
        if "touchpoint" not in table.columns:
            table["touchpoint"] = table["label"]
        # a facet whose touchpoint cell is empty is its own touchpoint
        table["touchpoint"] = table["touchpoint"].astype(object).fillna(table["label"])
        table["touchpoint"] = table["touchpoint"].astype(str)
        for col in ("stated_importance", "cost"):
            if col not in table.columns:
                table[col] = np.nan
        if "not_experienced" not in table.columns:
            table["not_experienced"] = None
        table = table.set_index("facet")[list(CATALOG_COLUMNS[1:])]
        return cls(table, undeclared)

    @classmethod
    def from_facets(cls, facets: Iterable[str]) -> FacetCatalog:
        """A minimal catalog: ids only, one stage, the default 1-10 scale; a
        facet the survey lacks is said to be the list's (``listed``)."""
        table = pd.DataFrame({"facet": list(facets)})
        return replace(cls.from_frame(table), listed=True)

    @property
    def facets(self) -> list[str]:
        """Facet ids in journey order."""
        return list(self.table.index)

    @property
    def stages(self) -> list[str]:
        """Journey stages in order of first appearance."""
        return list(dict.fromkeys(self.table["stage"]))

    def scale(self, facet: str) -> tuple[float, float]:
        """``(scale_min, scale_max)`` of one facet."""
        row = self.table.loc[facet]
        return float(row["scale_min"]), float(row["scale_max"])

    def with_scales_from(
        self,
        survey: pd.DataFrame,
        not_experienced: Iterable[object] | None = None,
        *,
        by: Mapping[str, str | None] | None = None,
    ) -> tuple[FacetCatalog, list[str], list[str]]:
        """Scales the catalog leaves out, read from the ratings; notes, warnings.

        A facet without ``scale_min``/``scale_max`` gets the scale
        :func:`infer_scale` reads from its ratings: the smallest common scale
        that holds every rating it received, or all but a few codes such as
        99. The first list says which; the catalog returned keeps them in
        ``undeclared_scale``, for validation to say where a scale goes. A
        declared scale is kept, but when no facet sharing it has a rating in
        the upper half the warnings say so (a 1-5 survey under a 1-10 catalog
        makes every facet look poorly rated and stops the one-point scenario
        from reaching the top).

        Parameters
        ----------
        survey : DataFrame
            One row per respondent, a column per facet.
        not_experienced : sequence of str or float, or None
            The codes that mean "did not experience this touchpoint", as
            :func:`validate_survey` takes them. They and the catalog's own
            codes per facet are left out before a scale is read, so that a
            declared 99 neither stretches a scale nor is warned about.
        by : mapping of str to str, optional
            Columns whose groups are checked apart, by role:
            ``{"segment": "market", "wave": "wave"}``. A group that stays
            in the lower half of a declared scale the rest of the survey
            goes above (one market asked 1-5 in a file on 1-10) is warned
            about, named.

        Examples
        --------
        >>> import pandas as pd
        >>> survey = pd.DataFrame({"app": [1, 3, 5], "fees": [2, 4, 4]})
        >>> catalog = FacetCatalog.from_facets(["app", "fees"])
        >>> catalog, notes, warnings = catalog.with_scales_from(survey)
        >>> catalog.scale("app")
        (1.0, 5.0)
        >>> print(notes[0])  # doctest: +NORMALIZE_WHITESPACE
        No scale in the catalog for 2 facets: read from the ratings
        (1-5 for 'app', 'fees').
        """
        if not survey.columns.is_unique:  # refused by validate_survey
            return self, [], []
        codes = list(not_experienced or [])
        decimal = decimal_mark(survey)

        def ratings(facet: str) -> pd.Series:
            """The facet's ratings as validation reads them: codes left out."""
            return _facet_values(survey[facet], codes + self.codes(facet), decimal)[0]

        table = self.table.copy()
        notes: list[str] = []
        inferred = infer_scales(
            {f: ratings(f) for f in self.undeclared_scale if f in survey.columns}
        )
        for facet, scale in inferred.items():
            table.loc[facet, ["scale_min", "scale_max"]] = scale
        if inferred:
            groups: dict[tuple[float, float], list[str]] = {}
            for facet, scale in inferred.items():
                groups.setdefault(scale, []).append(facet)
            shown = "; ".join(
                f"{lo:g}-{hi:g} for {preview(fs)}" for (lo, hi), fs in groups.items()
            )
            notes.append(
                f"No scale in the catalog for {many(len(inferred), 'facet')}: read "
                f"from the ratings ({shown})."
            )
        declared = [f for f in self.facets if f not in inferred and f in survey.columns]
        columns = {
            role: survey[col]
            for role, col in (by or {}).items()
            if col is not None and col in survey.columns
        }
        warnings = _unusual_scales(inferred, ratings) + _narrow_use(
            table.loc[declared], ratings, columns
        )
        if "wave" in columns:
            warnings += _scales_by_wave(inferred, ratings, columns["wave"])
        present = table.loc[[f for f in self.facets if f in survey.columns]]
        warnings += _coarse_steps(present.index, ratings)
        notes += _mixed_scales(present, shown=not inferred)
        read = not_experienced_note(count_not_experienced(survey, self, codes))
        read += declared_missing_note(survey, list(present.index))
        notes = read + notes
        return replace(self, table=table), notes, warnings

    def codes(self, facet: str) -> list[str]:
        """The facet's not-experienced codes from the ``not_experienced``
        column: comma-separated text such as ``"0"`` or ``"n/a, 99"``."""
        cell = self.table.loc[facet, "not_experienced"]
        if cell is None or (isinstance(cell, float) and np.isnan(cell)):
            return []
        return [c.strip() for c in str(cell).split(",") if c.strip()]

    def to_frame(self) -> pd.DataFrame:
        """The catalog as a plain table with a ``facet`` column."""
        return self.table.reset_index()

    def __len__(self) -> int:
        return len(self.table)

    def __repr__(self) -> str:
        return f"FacetCatalog({len(self)} facets, {len(self.stages)} stages)"


def count_not_experienced(
    survey: pd.DataFrame,
    catalog: FacetCatalog,
    not_experienced: Iterable[object] | None = None,
) -> dict | None:
    """What the not-experienced codes empty in the facet columns.

    The codes given and those of the catalog's ``not_experienced`` column,
    matched as validation matches them (numbers as numbers, text without
    regard to case or the spaces around it). Cells a reader emptied before
    (an SPSS file's own missing values) are not counted.

    Returns
    -------
    dict or None
        ``{"codes": [...], "cells": n, "facets": k, "by_code": {code: n},
        "by_facet": {facet: n}}``, the codes as given (numbers as ``99``,
        not ``99.0``), ``by_facet`` naming each facet with an emptied cell,
        in catalog order; None when no code is declared.

    Examples
    --------
    >>> survey = pd.DataFrame({"app": [99, 3, 0], "fees": [2, 99, "n/a"]})
    >>> catalog = FacetCatalog.from_facets(["app", "fees"])
    >>> count_not_experienced(survey, catalog, ["99", 0, "N/A"])["by_code"]
    {'99': 2, '0': 1, 'N/A': 1}
    """
    if not survey.columns.is_unique:  # refused by validate_survey
        return None
    given = [str(c).strip() for c in not_experienced or ()]
    facets = [f for f in catalog.facets if f in survey.columns]
    decimal = decimal_mark(survey)
    by_code: dict[str, int] = {}
    by_facet: dict[str, int] = {}
    for facet in facets:
        codes = list(dict.fromkeys(map(_code_text, given + catalog.codes(facet))))
        if not codes:
            continue
        col = survey[facet]
        values = col if col.dtype == np.float64 else _to_numbers(col, decimal)
        text = values.isna() & col.notna()
        folded = col[text].map(_fold) if text.any() else pd.Series(dtype=object)
        hit = pd.Series(False, index=col.index)
        for code in codes:
            texts, numbers = _split_codes([code])
            match = values.isin(list(numbers))
            if text.any():
                match = match | folded.isin(texts).reindex(col.index, fill_value=False)
            n = int((match & ~hit).sum())
            by_code[code] = by_code.get(code, 0) + n
            hit |= match
        if hit.any():
            by_facet[facet] = int(hit.sum())
    if not by_code:
        return None
    return {
        "codes": list(by_code),
        "cells": sum(by_facet.values()),
        "facets": len(by_facet),
        "by_code": by_code,
        "by_facet": by_facet,
    }


def _code_text(code: str) -> str:
    """A code as the notes write it: a number as ``99``, never ``99.0`` (a
    catalog column of numbers is read as floats)."""
    numbers = _split_codes([code])[1]
    return f"{next(iter(numbers)):g}" if numbers else code


def not_experienced_note(record: Mapping | None) -> list[str]:
    """The console's and the report's line on the cells the not-experienced
    codes emptied (a record of :func:`count_not_experienced`), if any were
    declared.

    Examples
    --------
    >>> record = {"codes": ["99", "0"], "cells": 1234, "facets": 2,
    ...           "by_facet": {"app": 1000, "fees": 234}}
    >>> not_experienced_note(record)  # doctest: +NORMALIZE_WHITESPACE
    ["Read 99 and 0 as not experienced: 1,234 cells in 2 facets: 'app'
    (1,000), 'fees' (234)."]
    """
    if not record:
        return []
    shown = [c if _split_codes([c])[1] else f"'{c}'" for c in record["codes"]]
    codes = " and ".join([", ".join(shown[:-1]), shown[-1]] if shown[1:] else shown)
    n = record["cells"]
    named = [f"'{f}' ({k:,})" for f, k in (record.get("by_facet") or {}).items()]
    facets = f": {listed(named)}" if named else ""
    return [
        f"Read {codes} as not experienced: {n:,} cell{'' if n == 1 else 's'} "
        f"in {many(record['facets'], 'facet')}{facets}."
    ]


def _undeclared_scale(table: pd.DataFrame) -> tuple[str, ...]:
    """Facets whose catalog row gives no ``scale_min`` or no ``scale_max``."""
    missing = pd.Series(False, index=table.index)
    for col in ("scale_min", "scale_max"):
        missing |= table[col].isna() if col in table.columns else True
    return tuple(table.loc[missing, "facet"].astype(str))


def _half_scale_problems(table: pd.DataFrame) -> list[str]:
    """The problem of catalog rows that give one end of the scale only: read
    from the ratings instead, the end given would be dropped with no word.

    Examples
    --------
    >>> table = pd.DataFrame({"facet": ["app", "fees", "web"],
    ...                       "scale_min": [0, None, 1],
    ...                       "scale_max": [None, 5, 10]})
    >>> print(_half_scale_problems(table)[0])  # doctest: +NORMALIZE_WHITESPACE
    The catalog gives one end of the scale only for 2 facets: 'app' (scale_min
    0, no scale_max), 'fees' (scale_max 5, no scale_min). Give both ends
    (scale_min 0 and scale_max 10 for a 0-10 scale), or leave both empty to
    read the scale from the ratings.
    """
    given = {
        col: table[col].notna() if col in table.columns else False
        for col in ("scale_min", "scale_max")
    }
    half = (given["scale_min"] != given["scale_max"]) & table["facet"].notna()
    if not np.any(half):
        return []
    rows = []
    for _, row in table.loc[half].iterrows():
        end, other = (
            ("scale_min", "scale_max")
            if pd.notna(row.get("scale_min"))
            else ("scale_max", "scale_min")
        )
        rows.append(f"'{row['facet']}' ({end} {row[end]:g}, no {other})")
    shown = listed(rows)
    return [
        "The catalog gives one end of the scale only for "
        f"{many(len(rows), 'facet')}: {shown}. Give both ends (scale_min 0 and "
        "scale_max 10 for a 0-10 scale), or leave both empty to read the "
        "scale from the ratings."
    ]


BULK_SHARE = 0.9  # a common scale holding this share of the answers is theirs
FEW_CODES = 3  # at most this many distinct values past every common scale are codes
GAP = 2  # unused points between a scale's top and codes such as 8 and 9 by 1-5
GAP_RATINGS = 30  # ratings on the scale before its unused points count as a gap


def infer_scale(ratings, codes: Iterable[float] = ()) -> tuple[float, float]:
    """The smallest common rating scale that holds every rating given.

    1-5, 1-7 or 1-10 (0-10 when a 0 appears). When no common scale holds
    every rating, the values off one may be codes such as 99 for "don't
    know", which validation then names as off the scale (they would
    otherwise pass as ratings). They are codes, whatever their share, when
    they are at most :data:`FEW_CODES` distinct values, each off every
    common scale (below 0 or above 10: 99 or -1), and the scale holds at
    least two distinct ratings: the smallest such scale is taken. A value
    one point past every common scale (11, or -1) is a code only where it
    spikes (see :func:`_spikes`: the 11 a survey platform numbers after a
    1-10 matrix's points for "not applicable", more common than the 10s
    thrice over, or beside no 10), or where it is one of ``codes``, read so
    in other columns of the survey (see :func:`infer_scales`); used like
    the ratings beside it, it is a rating (a 0-10 question exported as
    1-11, or a 0-12 or -1 to 10 scale), and the scale is the ratings' own
    range. Else the common scale that holds at least :data:`BULK_SHARE`
    of the answers. Otherwise the ratings' own range, such as 1-40 or
    0-100, which the catalog should then declare.

    Codes inside a larger common scale, such as 9 for "don't know" by 1-5
    answers, are read the same way when a gap betrays them: at least
    :data:`GAP_RATINGS` ratings on the smaller scale, spread over all its
    points but at most one, at most :data:`FEW_CODES` distinct values above
    it, and none of them within :data:`GAP` points of its top (answers of
    1-5 and 8 or 9, with no 6 or 7, read as 1-5 with codes, not as 1-10).

    Examples
    --------
    >>> infer_scale([2, 3, 5]), infer_scale([1, 9]), infer_scale([0, 6])
    ((1.0, 5.0), (1.0, 10.0), (0.0, 10.0))
    >>> infer_scale([3, 8, 9, 7, 10, 6, 9, 8, 7, 99])
    (1.0, 10.0)
    >>> infer_scale([4, 5, 2, 99, 99, 99])  # codes, however many
    (1.0, 5.0)
    >>> infer_scale([1, 40]), infer_scale([3, 5, 9, 11, 11])  # 11: a code
    ((1.0, 40.0), (1.0, 10.0))
    >>> infer_scale(list(range(1, 12)) * 3)  # 11 used like 10: a rating
    (1.0, 11.0)
    >>> infer_scale([1, 2, 3, 4, 5] * 6 + [9, 9])  # 9: a code past a gap
    (1.0, 5.0)
    """
    values = pd.to_numeric(
        pd.Series(np.asarray(ratings, dtype=object)), errors="coerce"
    )
    values = values.dropna() + 0.0  # a -0 rating is 0: no "-0-10" scale
    if values.empty:
        return DEFAULT_SCALE
    lo, hi = float(values.min()), float(values.max())
    for s_lo, s_hi in COMMON_SCALES:
        if s_lo <= lo and hi <= s_hi:
            return _below_codes(values, (s_lo, s_hi))
    widest = min(s[0] for s in COMMON_SCALES), max(s[1] for s in COMMON_SCALES)
    rated = _rated_range(values, widest, set(codes))
    if rated != widest:  # a rating one point past every common scale
        off = values[~values.between(*rated)].unique()
        if len(off) > FEW_CODES:
            return lo, hi
        return float(values[values >= rated[0]].min()), float(
            values[values <= rated[1]].max()
        )
    for s_lo, s_hi in COMMON_SCALES:
        on = values.between(s_lo, s_hi)
        off = values[~on].unique()
        far = (off > widest[1]) | (off < widest[0])
        if len(off) <= FEW_CODES and far.all() and values[on].nunique() >= 2:
            return s_lo, s_hi
    shares = [values.between(s_lo, s_hi).mean() for s_lo, s_hi in COMMON_SCALES]
    best = int(np.argmax(shares))
    if shares[best] >= BULK_SHARE:
        return COMMON_SCALES[best]
    return lo, hi


SPIKE = 3  # a value past a scale this many times as common as its end is a code


def _spikes(values: pd.Series, value: float, end: float) -> bool:
    """Whether ``value``, one point past the scale's ``end`` (11 past 10),
    is a code rather than the next rating: at least :data:`SPIKE` times as
    common as the end, given 10 of them or more, or given where the end
    never is. A code's share follows the non-users, not the ratings (a
    routed column's "not applicable" is often its most common answer); a
    rating's top point follows its neighbour.

    Examples
    --------
    >>> _spikes(pd.Series([9, 10, 10] + [11] * 10), 11, 10)
    True
    >>> _spikes(pd.Series([9, 10, 10, 11, 11, 11]), 11, 10)  # too few to tell
    False
    """
    n, n_end = int((values == value).sum()), int((values == end).sum())
    return n > 0 and (n_end == 0 or (n >= SPIKE * n_end and n >= 10))


def _rated_range(
    values: pd.Series, widest: tuple[float, float], codes: set
) -> tuple[float, float]:
    """``widest`` widened by the values one point past it, and the next, that
    do not spike (see :func:`_spikes`) and are not among ``codes``: ratings
    of a 1-11 or -1 to 10 scale."""
    lo, hi = widest
    while (
        hi + 1 not in codes
        and (values == hi + 1).any()
        and not _spikes(values, hi + 1, hi)
    ):
        hi += 1
    while (
        lo - 1 not in codes
        and (values == lo - 1).any()
        and not _spikes(values, lo - 1, lo)
    ):
        lo -= 1
    return lo, hi


def infer_scales(columns: Mapping[str, pd.Series]) -> dict[str, tuple[float, float]]:
    """The scale :func:`infer_scale` reads from each column's ratings, a
    value past every common scale that spikes in one column (the 11 of a
    1-10 matrix's "not applicable", common where a touchpoint is routed)
    read as the same code in the others, where few chose it.

    Examples
    --------
    >>> columns = {"app": pd.Series([1, 5, 9, 10, 10, 11]),
    ...            "fees": pd.Series([2, 6, 9, 10] + [11] * 12)}
    >>> infer_scale(columns["app"]), infer_scales(columns)["app"]
    ((1.0, 11.0), (1.0, 10.0))
    """
    scales = {c: infer_scale(v) for c, v in columns.items()}
    widest = min(s[0] for s in COMMON_SCALES), max(s[1] for s in COMMON_SCALES)
    past = {widest[0] - 1, widest[1] + 1}
    codes = {
        float(v)
        for c, values in columns.items()
        for v in pd.to_numeric(values, errors="coerce").dropna().unique()
        if v in past and not scales[c][0] <= v <= scales[c][1]
    }
    if not codes:
        return scales
    return {
        c: infer_scale(v, codes) if scales[c] not in COMMON_SCALES else scales[c]
        for c, v in columns.items()
    }


def _past_common(scale: tuple[float, float]) -> bool:
    """Whether a scale read from the ratings reaches past every common scale
    by a point or two only (1-11, 0-12, -1 to 10): ratings of 11 that may be
    a platform's code for "not applicable"."""
    lo, hi = scale
    return (lo in (0.0, 1.0) and hi in (11.0, 12.0)) or (
        lo in (-1.0, -2.0) and hi == 10.0
    )


def _below_codes(values: pd.Series, scale: tuple[float, float]) -> tuple[float, float]:
    """The smallest common scale inside ``scale`` whose top lies more than
    :data:`GAP` points below the few values above it (see :func:`infer_scale`),
    else ``scale``."""
    for s_lo, s_hi in COMMON_SCALES:
        if s_hi >= scale[1] or s_lo < scale[0] or values.min() < s_lo:
            continue
        on = values[values <= s_hi]
        off = values[values > s_hi].unique()
        if (
            len(on) >= GAP_RATINGS
            and on.nunique() >= s_hi - s_lo
            and len(off) <= FEW_CODES
            and off.min() > s_hi + GAP
        ):
            return s_lo, s_hi
    return scale


def _code_after(values: pd.Series, scale: tuple[float, float]) -> float | None:
    """The highest rating, when it lies one point past a smaller common scale
    that the other ratings fill (at least :data:`GAP_RATINGS` of them, on all
    its points but at most one) and the top of ``scale`` is never reached: a
    6 by 1-5 answers read as 1-7, as a platform codes "not applicable" after
    a matrix's points. Else None."""
    top = values.max()
    for s_lo, s_hi in COMMON_SCALES:
        on = values[values <= s_hi]
        if (
            s_lo == scale[0]
            and s_hi + 1 == top < scale[1]
            and len(on) >= GAP_RATINGS
            and on.nunique() >= s_hi - s_lo
        ):
            return top
    return None


ZERO_CODE_SHARE = 1 / 3  # 0s past this share of a column read from it: a code
ZERO_PEAK_SHARE = 0.2  # ... or past this share and more common than any rating


def _zero_counts(values: pd.Series) -> tuple[int, int, bool]:
    """Of a facet's ratings on a scale read from them (0-10): how many are
    0, how many there are, and whether the 0s look like a code for "not
    applicable" rather than ratings: over :data:`ZERO_CODE_SHARE` of the
    answers, or, given at least :data:`GAP_RATINGS` answers, over
    :data:`ZERO_PEAK_SHARE` of them and more common than every rating of 1
    to 10 (a routed touchpoint's non-users; a real 0-10 rating's 0s are a
    tail, a few percent, far below the ratings' own peak; 0s as common as
    a uniform 0-10's, a ninth, are not refused by chance).

    Examples
    --------
    >>> _zero_counts(pd.Series([0.0] * 6 + [7.0, 8.0, 9.0, 5.0]))
    (6, 10, True)
    >>> _zero_counts(pd.Series([0.0] + [7.0, 8.0, 9.0, 5.0] * 5))
    (1, 21, False)
    """
    values = values.dropna()
    n_zero, n = int((values == 0).sum()), len(values)
    rated = values[values != 0]
    peak = int(rated.value_counts().max()) if len(rated) else 0
    peaked = n >= GAP_RATINGS and n_zero > max(peak, ZERO_PEAK_SHARE * n)
    code = n_zero > 0 and (n_zero > ZERO_CODE_SHARE * n or peaked)
    return n_zero, n, bool(code)


def _zero_code_problem(
    found: Mapping[str, tuple[int, int]], fewer: Mapping[str, tuple[int, int]]
) -> str:
    """The refusal of facets, their scale read from the ratings, whose 0s
    look like a code (see :func:`_zero_counts`): ``{facet: (n_zero, n)}``,
    every one named; ``fewer``: the other facets read 0-10 from their 0s,
    which a declared 0 empties too."""
    shown = ", ".join(
        f"'{f}' ({z:,} of {n:,}, {z / n:.0%})" for f, (z, n) in found.items()
    )
    one = len(found) == 1
    also = ""
    if fewer:
        named = [f"'{f}' ({z:,})" for f, (z, _) in fewer.items()]
        also = (
            f" {many(len(fewer), 'other facet')} read on 0-10 "
            f"{'holds' if len(fewer) == 1 else 'hold'} fewer 0s, "
            f"which the same declaration empties: {listed(named)}."
        )
    whose = "facet's" if one else "facets'"
    its = "its" if one else "their"
    return (
        "0 is over a third of the answers, or a fifth and more common than any "
        f"rating, for {many(len(found), 'facet')} whose scale the catalog does "
        f"not give, with {its} 0s among {its} answers: {shown}. So many 0s are "
        "a code for 'not applicable' (a routed question's non-users) far more "
        "often than ratings: read on a 0-10 scale, every non-user would count "
        "as a very unhappy user. If 0 means not used, declare it: "
        '--not-experienced "0" (not_experienced = ["0"] in a study file). If 0 '
        f"is a rating, give the {whose} scale in the catalog (scale_min 0 and "
        "scale_max 10, or 5 for a 0-5 scale)."
        + also
        + (
            " If 0 means not used in some facets and is a rating in others, "
            "write 0 in the catalog's not_experienced column of the facets "
            "where it means not used, and give the others their scale "
            "(scale_min 0 and scale_max 10): the flag empties the 0s of every "
            "facet."
        )
    )


def _unusual_scales(inferred: dict, ratings: Callable[[str], pd.Series]) -> list[str]:
    """Warnings for scales read from the ratings (``ratings(facet)``) that may
    be codes' doing: a 0-10 scale whose answers never pass 5 (a 1-5 scale
    with 0 codes, or a 0-5 scale), a 0-10 scale read from 0s that may mean
    "not experienced" (every such facet, bar those whose 0s are refused as
    a code, see :func:`_zero_counts`), a larger scale read from a code just
    past a smaller one (see :func:`_code_after`), and ranges on no common
    scale."""
    zero, low, after, beyond, own = {}, {}, {}, {}, []
    for facet, scale in inferred.items():
        if scale == (0.0, 10.0):
            values = ratings(facet).dropna()
            n_zero, _, code = _zero_counts(values)
            if len(values) and values.max() <= 5:
                low[facet] = n_zero
            elif n_zero and not code:
                zero[facet] = n_zero
        elif _past_common(scale):
            values = ratings(facet).dropna()
            past = scale[1] if scale[1] > 10 else scale[0]
            beyond.setdefault((scale, past), {})[facet] = int((values == past).sum())
        elif scale not in COMMON_SCALES:
            own.append(f"{scale[0]:g}-{scale[1]:g} for '{facet}'")
        else:
            values = ratings(facet).dropna()
            code = _code_after(values, scale)
            if code is not None:
                after.setdefault((scale, code), {})[facet] = int((values == code).sum())
    notes = []
    for ((lo, hi), code), counts in after.items():
        shown = listed([f"'{f}' ({n})" for f, n in counts.items()], 3)
        notes.append(
            f"A {lo:g}-{hi:g} scale was read only from ratings of {code:g}, past "
            f"the {lo:g}-{code - 1:g} the others fill, for {len(counts)} "
            f"facet{'s' if len(counts) > 1 else ''} (ratings of {code:g}): "
            f"{shown}. If {code:g} means 'not applicable' (a platform's "
            f'code after the scale), declare it (--not-experienced "{code:g}"); '
            "if it is a rating, set the scale in the catalog to silence this."
        )
    for ((lo, hi), past), counts in beyond.items():
        shown = listed([f"'{f}' ({n})" for f, n in counts.items()], 3)
        common = (lo, 10.0) if past > 10 else (0.0, hi)
        notes.append(
            f"A {lo:g}-{hi:g} scale was read for {many(len(counts), 'facet')} "
            f"whose ratings of {past:g} follow the others (ratings of {past:g}): "
            f"{shown}. {past:g} may be a rating (a 0-10 question exported as "
            f"1-11) or a platform's code for 'not applicable' by a "
            f"{common[0]:g}-{common[1]:g} scale. If it means not used, declare "
            f'it (--not-experienced "{past:g}"); if it is a rating, give '
            f"scale_min {lo:g} and scale_max {hi:g} in the catalog to silence "
            "this."
        )
    if low:
        shown = listed([f"'{f}' ({many(n, 'answer')} of 0)" for f, n in low.items()])
        notes.append(
            f"A 0-10 scale was read for {many(len(low), 'facet')} whose answers "
            f"never pass 5: {shown}. Answers of 0 to 5 are a 1-5 scale "
            "with 0 for 'not experienced' (declare it: --not-experienced "
            '"0") or a 0-5 scale (give scale_min 0 and scale_max 5 in the '
            "catalog), not 0-10: read so, every rating looks low and a "
            "one-point rise is a tenth of the scale, not a fifth."
        )
    if zero:
        rated = [
            f"'{f}' ({n:,} rating{'s' if n > 1 else ''} of 0)" for f, n in zero.items()
        ]
        shown = listed(rated)
        notes.append(
            f"A 0-10 scale was read from ratings of 0 for {len(zero)} "
            f"facet{'s' if len(zero) > 1 else ''}: {shown}. If 0 means "
            "'not experienced', declare it "
            '(--not-experienced "0"); if 0 is a rating (a 0-10 scale, as a '
            "recommendation question's), nothing needs doing: a catalog "
            "that gives the scale (scale_min 0 and scale_max 10) silences this."
        )
    if own:
        notes.append(
            f"Ratings on no common scale (1-5, 1-7, 1-10, 0-10), read as their "
            f"own range: {', '.join(own[:5])}{' ...' if len(own) > 5 else ''}. "
            "Set scale_min and scale_max in the catalog."
        )
    return notes


def _same_labels(ids: pd.Series, labels: pd.Series) -> list[str]:
    """The problem of facets that share a label (an empty label reads as
    the facet's id): the tables, the report and the console show facets by
    label, where such rows could not be told apart.

    Examples
    --------
    >>> ids = pd.Series(["chat", "email", "app"])
    >>> print(_same_labels(ids, pd.Series(["Speed", "Speed", None]))[0][:59])
    The label 'Speed' is given to 2 facets, 'chat' and 'email':
    """
    shown = shown_labels(ids, labels)
    groups = ids.groupby(shown.to_numpy(), sort=False).unique()
    groups = groups[groups.map(len) > 1]  # a facet id twice is named apart
    if groups.empty:
        return []
    named = "; ".join(
        f"'{label}' is given to {len(facets)} facets, "
        + " and ".join(f"'{f}'" for f in facets)
        for label, facets in groups.items()
    )
    label, facets = next(iter(groups.items()))
    return [
        f"The label {named}: the tables, the report and the console name "
        "facets by their label, so their rows could not be told apart (one "
        "question asked for two channels?). Give each facet a label of its "
        f"own in the catalog's 'label' column ('{label} ({facets[0]})', say)."
    ]


def _mixed_scales(table: pd.DataFrame, shown: bool = True) -> list[str]:
    """A note when the facets are rated on more than one scale: their
    importance shares compare alike, their one-point gains do not (a point is
    a quarter of a 1-5 scale, a ninth of a 1-10 one). ``shown``: name the
    scales' facets (else a note of the scales read names them already).

    Examples
    --------
    >>> table = pd.DataFrame({"scale_min": [1.0, 1.0, 1.0],
    ...                       "scale_max": [5.0, 10.0, 10.0]}, index=["a", "b", "c"])
    >>> print(_mixed_scales(table)[0])  # doctest: +ELLIPSIS
    The facets are rated on 2 scales (1-10 for 'b', 'c'; 1-5 for 'a'): ...
    """
    groups = table.groupby(["scale_min", "scale_max"], sort=False).groups
    if len(groups) < 2:
        return []
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))
    scales = "; ".join(
        f"{lo:g}-{hi:g} for {preview(list(fs))}" if shown else f"{lo:g}-{hi:g}"
        for (lo, hi), fs in ordered
    )
    steps = " and ".join(
        f"1/{hi - lo:g} of a {lo:g}-{hi:g} scale" for (lo, hi), _ in ordered[:2]
    )
    return [
        f"The facets are rated on {len(groups)} scales ({scales}): their shares of "
        f"importance compare alike, but a one-point gain in roi.csv is a step of "
        f"{steps}. To compare equal steps, simulate RaiseScore(facet, points) "
        "with the points that make them equal. (Items on another scale that "
        "say how the brand makes customers feel are motivators: they belong "
        "under 'motivators', not among the facets.)"
    ]


def _coarse_steps(
    facets: Iterable[str], ratings: Callable[[str], pd.Series]
) -> list[str]:
    """A warning naming the facets whose ratings all lie more than one point
    apart (three levels at least, :data:`MIN_RESPONDENTS` raters: 2, 4, 6,
    8, 10, a 1-5 question stored on 2-10). A one-point rise then lands
    between two ratings the survey holds, where the trees have seen none,
    and reads as a gain of 0 or nearly.

    Examples
    --------
    >>> data = {"a": pd.Series([2.0, 4, 6, 8, 10, None] * 6),
    ...         "b": pd.Series([1.0, 2, 3, 5, 9, 10] * 6)}
    >>> print(_coarse_steps(["a", "b"], data.__getitem__)[0])  # doctest: +ELLIPSIS
    The ratings of 1 facet lie more than one point apart: 'a' (2, 4, 6, 8, 10)...
    """
    coarse, steps = [], {}
    for facet in facets:
        seen = ratings(facet).dropna().to_numpy(dtype=float)
        levels = np.unique(seen)
        # a few raters may leave points out by chance
        many_raters = len(seen) >= MIN_RESPONDENTS
        if many_raters and len(levels) >= 3 and np.diff(levels).min() > 1 + 1e-9:
            shown = ", ".join(f"{v:g}" for v in levels[:6])
            more = ", ..." if len(levels) > 6 else ""
            coarse.append(f"'{facet}' ({shown}{more})")
            steps[facet] = float(np.diff(levels).min())
    if not coarse:
        return []
    first, step = next(iter(steps.items()))
    shown = listed(coarse, 3)
    return [
        f"The ratings of {many(len(coarse), 'facet')} lie more than one point "
        f"apart: {shown}. A "
        "one-point rise lands between two ratings the survey holds, where the "
        "model has seen none, so their one-point gains (roi.csv, the plan, the "
        "segment and value drivers) read as 0 or nearly; importance is not "
        "affected. If the question was asked on a shorter scale (1-5 stored "
        "as 2-10), give that scale in the catalog with the ratings on its "
        "points; or simulate a step of the ratings' own spacing "
        f"(RaiseScore('{first}', {step:g}))."
    ]


def _scales_by_wave(
    inferred: Mapping[str, tuple[float, float]],
    ratings: Callable[[str], pd.Series],
    wave: pd.Series,
) -> list[str]:
    """A warning for the facets whose scale, read from the ratings, differs
    between waves (``wave``: the wave column): each wave is analysed on the
    scale its own ratings give, so waves exported differently (0 for "not
    applicable" in one, a blank in the other) are compared on different
    scales, and the 0s of one read as its non-users' ratings."""
    if wave.nunique() < 2:
        return []
    found = {}
    for facet in inferred:
        values = ratings(facet)
        by = {
            str(label): infer_scale(part)
            for label, part in values.groupby(wave.to_numpy(dtype=object))
            if part.notna().any()
        }
        if len(set(by.values())) > 1:
            found[facet] = by
    if not found:
        return []
    facet, by = next(iter(found.items()))
    shown = ", ".join(f"{lo:g}-{hi:g} in '{w}'" for w, (lo, hi) in by.items())
    return [
        f"The scale read from the ratings differs between waves for "
        f"{many(len(found), 'facet')}, {preview(list(found))}: '{facet}' is "
        f"read {shown}. Each wave is analysed on its own ratings' scale, so "
        "the waves were likely exported differently (0 for 'not applicable' "
        "in one, blank in another?): declare the code in every wave "
        '(--not-experienced "0"), or give the scale in the catalog.'
    ]


def _narrow_use(
    table: pd.DataFrame,
    ratings: Callable[[str], pd.Series],
    by: Mapping[str, pd.Series] | None = None,
) -> list[str]:
    """Warnings for declared scales whose upper half no rating reaches: in
    the whole survey, else in a group of ``by`` (role -> its column: one
    market, or one wave, asked on 1-5 in a file on 1-10)."""
    notes = []
    for (lo, hi), part in table.groupby(["scale_min", "scale_max"]):
        highest = None  # each respondent's highest rating, facet by facet
        for f in part.index:  # column by column: no copy of the whole survey
            values = ratings(f).to_numpy(dtype=float)
            highest = values if highest is None else np.fmax(highest, values)
        top = float(np.nanmax(highest, initial=-np.inf))
        middle = lo + (hi - lo) / 2
        if np.isfinite(top) and top <= middle:
            notes.append(
                f"The catalog declares a {lo:g}-{hi:g} scale for {len(part)} facets, "
                f"but no rating is above {top:g}: if the survey used a narrower "
                "scale, set scale_min and scale_max in the catalog."
            )
        elif np.isfinite(top):
            notes += _narrow_groups(highest, by or {}, (lo, hi), len(part))
    return notes


def _narrow_groups(
    highest: np.ndarray,
    by: Mapping[str, pd.Series],
    scale: tuple[float, float],
    n_facets: int,
) -> list[str]:
    """:func:`_narrow_use`'s warning for the segments or waves (``by``: role
    -> column) whose ratings stay in the lower half of ``scale`` while the
    survey's reach above it; ``highest``: each respondent's top rating. A
    group of fewer than :data:`MIN_RESPONDENTS` who rated may rate low by
    chance, and is not named."""
    lo, hi = scale
    notes = []
    for role, column in by.items():
        groups = pd.Series(highest).groupby(column.to_numpy(dtype=object))
        top, rated = groups.max(), groups.count()
        if len(top) < 2:
            continue
        sizes = column.value_counts()
        low = top[(rated >= MIN_RESPONDENTS) & (top <= lo + (hi - lo) / 2)]
        if low.empty:
            continue
        one = len(low) == 1
        its = "its" if one else "their"
        shown = " and ".join(
            f"'{label}' ({sizes.get(label, 0):,} respondents)" for label in low.index
        )
        apart = (
            "analyse the waves apart, each with its scale in the catalog, and "
            "compare them (emomotiv compare)"
            if role == "wave"
            else f"analyse {'it' if one else 'them'} apart with {its} scale in "
            "the catalog"
        )
        notes.append(
            f"The catalog declares a {lo:g}-{hi:g} scale for {n_facets} facets, "
            f"but in the {role} column '{column.name}' no rating of {shown} is "
            f"above {low.max():g}, while other {role}s' ratings go higher: "
            f"{'it was' if one else 'they were'} likely asked on a narrower scale, "
            f"and read as {lo:g}-{hi:g} {its} ratings look "
            "poor and blend into every whole-survey mean and one-point gain. "
            f"Recode {its} ratings to the common scale, "
            f"or {apart}."
        )
    return notes


GROUP_SIZE = 10  # fewer respondents per value on average: not groups


HEAVIEST = 0.01  # the heaviest 1% of respondents: the share of weight they carry
DESIGN_EFFECT = 2.0  # weights that at least halve the sample's worth


def heaviest_share(weights: np.ndarray) -> tuple[int, float]:
    """The number of the heaviest 1% of respondents (at least one) and the
    share of the weight they carry.

    Examples
    --------
    >>> k, share = heaviest_share(np.r_[np.full(8, 150.0), np.ones(2492)])
    >>> k, round(share, 3)
    (25, 0.33)
    """
    w = np.asarray(weights, dtype=float)
    k = max(1, int(len(w) * HEAVIEST))
    top = np.partition(w, len(w) - k)[len(w) - k :]
    return k, float(top.sum() / w.sum())


def weight_line(weights: np.ndarray) -> str:
    """What the survey weights leave: the respondents' worth in effect
    (Kish's size), the design effect and the heaviest respondents' share of
    the weight, as ``validate`` prints it.

    Examples
    --------
    >>> weight_line(np.r_[np.full(8, 150.0), np.ones(2492)])[:62]
    "Weights: 2,500 respondents worth 75 in effect (Kish's size; de"
    """
    n, size = len(weights), kish_size(weights)
    k, share = heaviest_share(weights)
    heaviest = (
        "the heaviest respondent carries"
        if k == 1
        else f"the heaviest {k:,} ({k / n:.0%}) carry"
    )
    return (
        f"Weights: {n:,} respondents worth {size:,.0f} in effect (Kish's size; "
        f"design effect {n / size:.1f}); {heaviest} {share:.0%} of the weight."
    )


def weight_warnings(weights: np.ndarray, n_facets: int) -> list[str]:
    """A warning when the survey weights leave few effective respondents
    (Kish's size): fewer than the survey's minimum size, or fewer than the
    minimum size of a segment (:data:`~emomotiv.segments.MIN_SEGMENT_SIZE`,
    300) while the weights at least halve the sample (a design effect of
    :data:`DESIGN_EFFECT` or more). The minimum sizes count rows, but a few
    heavy weights make a few respondents decide every number.

    Examples
    --------
    >>> weight_warnings(np.r_[1e6, np.ones(99)], 5)[0][:60]
    'The survey weights leave an effective sample of 1.0 responde'
    >>> weight_warnings(np.r_[np.full(8, 150.0), np.ones(2492)], 25)[0][:62]
    'The survey weights make its 2,500 respondents worth 75 in effe'
    >>> weight_warnings(np.ones(100), 5)
    []
    """
    from .segments import MIN_SEGMENT_SIZE

    needed = max(MIN_RESPONDENTS, 2 * (n_facets + 1))
    n, size = len(weights), kish_size(weights)
    k, share = heaviest_share(weights)
    if size >= needed and (size >= MIN_SEGMENT_SIZE or n < DESIGN_EFFECT * size):
        return []
    heaviest = (
        "the heaviest respondent carries"
        if k == 1
        else f"the heaviest {k:,} respondents ({k / n:.0%}) carry"
    )
    if size < needed:
        return [
            f"The survey weights leave an effective sample of {size:.1f} "
            f"respondents (Kish) of {n}, fewer than the {needed} the survey "
            f"needs: {heaviest} {share:.0%} of the weight, so a few "
            "respondents decide every share, ranking and gain. Check the weight "
            "column, or trim its extreme weights."
        ]
    return [
        f"The survey weights make its {n:,} respondents worth {size:,.0f} in "
        f"effect (Kish's size; design effect {n / size:.1f}), below the "
        f"{MIN_SEGMENT_SIZE} respondents a segment needs by default to be "
        f"ranked: {heaviest} {share:.0%} of the "
        "weight, so they set the ranking, the gains and the plan. Look at the "
        "heaviest weights (sort the weight column) and trim them, or read "
        "every result with that caution."
    ]


def weights_break_correlations(
    values: pd.DataFrame | np.ndarray, weights: np.ndarray
) -> str | None:
    """Why weighted pairwise correlations of ``values`` fail to form a valid
    correlation matrix when the weights are the cause: the same respondents
    unweighted (each weight above 0 taken as 1) give a valid one. A clause
    naming the weights and the way out, or None (equal weights, or a matrix
    that is invalid unweighted too: the facets' cause).

    A few heavy respondents dominate each pair's correlation among those who
    rated both, so pairs see different "populations" and the matrix stops
    being positive semi-definite; trimming the weights restores it.

    Examples
    --------
    >>> weights_break_correlations(np.eye(3), np.ones(3)) is None
    True
    """
    from ._stats import weighted_corr_matrix

    w = np.asarray(weights, dtype=float)
    kept = w[w > 0]
    if not len(kept) or np.ptp(kept) <= 1e-12 * kept.max():
        return None
    corr = weighted_corr_matrix(values, (w > 0).astype(float))
    corr = corr[np.ix_(*[~np.isnan(corr).all(axis=0)] * 2)]
    if not len(corr) or np.isnan(corr).any():
        return None
    eig = np.linalg.eigvalsh(corr)
    if eig[0] < -1e-8 * max(eig[-1], 1.0):
        return None
    k, share = heaviest_share(kept)
    return (
        "the same respondents unweighted give a valid matrix (smallest "
        f"eigenvalue {eig[0]:.2g}), so the survey weights cause it: the "
        f"heaviest {k:,} respondents carry {share:.0%} of the weight (Kish's "
        f"effective size {kish_size(kept):,.0f} of {len(kept):,}), and each "
        "pair's correlation rests on the heavy respondents who rated both. "
        "Look at the heaviest weights (sort the weight column) and trim them"
    )


def value_warnings(values: np.ndarray, weights: np.ndarray) -> list[str]:
    """A warning when a few customers hold nearly all the (weighted) value:
    fewer effective holders (Kish's size of weight x value) than the
    survey's minimum size. The value per connected customer, the ROI and
    the value drivers then rest on them; a code such as 999999 or a value
    in another unit is the usual cause.

    Examples
    --------
    >>> value_warnings(np.r_[1e9, np.full(999, 200.0)], np.ones(1000))[0][:45]
    'A few customers hold the value: 1.0 in effect'
    >>> value_warnings(np.full(1000, 200.0), np.ones(1000))
    []
    """
    held = np.asarray(weights, dtype=float) * np.asarray(values, dtype=float)
    held = held[np.isfinite(held) & (held > 0)]
    size = kish_size(held) if len(held) else np.inf
    if size >= MIN_RESPONDENTS:
        return []
    top = float(held.max() / held.sum())
    return [
        f"A few customers hold the value: {size:.1f} in effect "
        f"(Kish's size of weight x value), the largest {top:.0%} of it. They "
        "decide the value per connected customer, the ROI and the value "
        "drivers. Check the value column for a code (999999) or a value in "
        "another unit, or trim its extreme values."
    ]


#: The share of respondents without a value past which the run warns that
#: the value results rest on the others.
MISSING_VALUE_SHARE = 0.2


def missing_value_warnings(
    values: np.ndarray, segments: pd.Series | None = None, priced: bool = True
) -> list[str]:
    """A warning when at least :data:`MISSING_VALUE_SHARE` of the respondents
    have no value: the value link, the ROI's money and the value drivers
    rest on the others, and speak for them only. With ``segments`` (each
    respondent's segment), the segments most of whose respondents have no
    value are named: the usual cause, a product or market whose value the
    file does not hold. Where a value per connected customer is given
    (``priced`` False), the ROI's money does not rest on the value column.

    Examples
    --------
    >>> values = np.r_[np.full(60, 100.0), np.full(40, np.nan)]
    >>> print(missing_value_warnings(values, pd.Series(["A"] * 60 + ["B"] * 40))[0])
    ... # doctest: +NORMALIZE_WHITESPACE
    40 of 100 respondents (40%) have no value, among them most of segment
    'B' (100% without): the value link, the ROI's money and the value drivers
    rest on the other 60, and speak for them only.
    >>> missing_value_warnings(np.full(100, 5.0))
    []
    """
    missing = np.isnan(np.asarray(values, dtype=float))
    n, total = int(missing.sum()), len(missing)
    if not total or n < MISSING_VALUE_SHARE * total:
        return []
    where = ""
    if segments is not None:
        share = pd.Series(missing, index=segments.index).groupby(segments).mean()
        most = share[share > 0.5].sort_values(ascending=False)
        if len(most):
            named = listed([f"'{k}' ({v:.0%} without)" for k, v in most.items()])
            where = (
                f", among them most of segment{'s' if len(most) > 1 else ''} {named}"
            )
    results = (
        "the value link, the ROI's money and the value drivers"
        if priced
        else "the value link and the value drivers"
    )
    return [
        f"{n:,} of {total:,} respondents ({n / total:.0%}) have no value{where}: "
        f"{results} rest on the other {total - n:,}, and speak for them only."
    ]


def grouping_problem(column: pd.Series, what: str) -> str | None:
    """The problem of a column read as groups of customers (a segment, a
    categorical control) that holds nearly one value per respondent: more
    than 20 values, fewer than :data:`GROUP_SIZE` respondents each on
    average. An id or a measured number, not a group; None when it is fine.

    Examples
    --------
    >>> grouping_problem(pd.Series(["new", "loyal"] * 50, name="tenure"), "x")
    >>> grouping_problem(pd.Series(range(100), name="id"), "segment column")[:40]
    "The segment column 'id' has 100 differen"
    """
    values = column.dropna()
    k = int(values.nunique())
    several = written_ways(values)
    if several:
        return (
            f"The {what} '{column.name}' writes one group in more than one way "
            f"(case aside): {ways_text(several)}. Each would be a group of its "
            "own; write each one way (survey[col].replace() of the other ways by "
            "the one to keep)."
        )
    if k <= 20 or len(values) >= GROUP_SIZE * k:
        return None
    return (
        f"The {what} '{column.name}' has {k:,} different values among "
        f"{len(values):,} respondents: it groups customers (a market, a tier, "
        "new or long-standing) only when each value is shared by many; an id "
        "or a measured number is not such a column (cut a number into bands "
        "first)."
    )


def written_ways(values) -> list[dict[str, int]]:
    """Labels written in more than one way but for their case ("North",
    "NORTH", "north "; spaces around or doubled are read past, as the groups
    are): each such group's ways with their counts.

    Examples
    --------
    >>> written_ways(["North", "NORTH", "South", "North"])
    [{'North': 2, 'NORTH': 1}]
    """
    ways: dict[str, dict[str, int]] = {}
    for value in values:
        if isinstance(value, str) and value.strip():
            text = " ".join(value.split())  # spaces aside: one group already
            counts = ways.setdefault(text.casefold(), {})
            counts[text] = counts.get(text, 0) + 1
    return [c for c in ways.values() if len(c) > 1]


def ways_text(several: list[dict[str, int]]) -> str:
    """:func:`written_ways` in words: ``'North' (5), 'NORTH' (2); ...``."""
    shown = "; ".join(
        ", ".join(f"{name!r} ({count:,})" for name, count in c.items())
        for c in several[:5]
    )
    return shown + (f" (+{len(several) - 5} more)" if len(several) > 5 else "")


@dataclass(frozen=True)
class SurveySchema:
    """Which survey column plays which role.

    Parameters
    ----------
    facets : tuple of str
        Facet columns (touchpoint ratings); empty cells (or cells of spaces
        only) mean "not experienced".
    connection : str
        The emotional-connection outcome: 0/1 or a numeric score.
    value, satisfaction, weight, segment, wave, id : str or None
        Optional role columns.
    motivators : tuple of str
        Emotional-motivator agreement items.
    stated : mapping of facet -> column
        Per-respondent stated importance columns.

    Examples
    --------
    >>> s = SurveySchema(facets=("app", "fees"), connection="connected")
    >>> s.roles()["connection"]
    'connected'
    """

    facets: tuple[str, ...]
    connection: str
    value: str | None = None
    satisfaction: str | None = None
    weight: str | None = None
    segment: str | None = None
    wave: str | None = None
    id: str | None = None
    motivators: tuple[str, ...] = ()
    stated: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def infer(
        cls,
        survey: pd.DataFrame,
        catalog: FacetCatalog,
        *,
        connection: str,
        value: str | None = None,
        satisfaction: str | None = None,
        weight: str | None = None,
        segment: str | None = None,
        wave: str | None = None,
        id: str | None = None,
        motivators: Sequence[str] | None = None,
    ) -> SurveySchema:
        """Facets from the catalog; ``stated__*`` and ``motivator__*`` by prefix.

        Examples
        --------
        >>> import emomotiv as em
        >>> sample = em.load_sample()
        >>> cat = FacetCatalog.from_frame(sample.catalog)
        >>> schema = SurveySchema.infer(sample.survey, cat, connection="connected")
        >>> len(schema.facets), len(schema.motivators)
        (100, 10)
        """
        columns = [str(c) for c in survey.columns]
        if motivators is None:
            motivators = [c for c in columns if c.startswith(MOTIVATOR_PREFIX)]
        found = {
            c[len(STATED_PREFIX) :]: c for c in columns if c.startswith(STATED_PREFIX)
        }
        # in the catalog's order, as the facets (the survey's column order must
        # not change a sum), then any the catalog does not name
        order = [f for f in catalog.facets if f in found]
        stated = {f: found[f] for f in order + [f for f in found if f not in order]}
        return cls(
            facets=tuple(catalog.facets),
            connection=connection,
            value=value,
            satisfaction=satisfaction,
            weight=weight,
            segment=segment,
            wave=wave,
            id=id,
            motivators=tuple(motivators),
            stated=stated,
        )

    def roles(self) -> dict[str, object]:
        """Role name -> column name(s), leaving out roles that are not set."""
        out: dict[str, object] = {
            "connection": self.connection,
            "value": self.value,
            "satisfaction": self.satisfaction,
            "weight": self.weight,
            "segment": self.segment,
            "wave": self.wave,
            "id": self.id,
        }
        out = {k: v for k, v in out.items() if v is not None}
        if self.motivators:
            out["motivators"] = list(self.motivators)
        if self.stated:
            out["stated"] = dict(self.stated)
        return out


def facet_list(
    facets: Sequence[str], columns: Iterable[object]
) -> tuple[list[str], list[str]]:
    """The facets of a list of columns (``facets=[...]``, ``--facets``), and
    its problems: a shell pattern ("q5_*") where a column's name goes, and a
    column named twice.

    Both are left out of the facets returned (a pattern's matches too), so
    that the catalog built from them does not name them again, as facets
    missing from the survey or as duplicate catalog rows. A pattern that
    matches nothing is left in: it is a name the survey does not have.

    Examples
    --------
    >>> kept, problems = facet_list(["q5_*", "q6", "q6"], ["q5_1", "q5_2", "q6"])
    >>> kept
    ['q6']
    >>> print(problems[1])  # doctest: +NORMALIZE_WHITESPACE
    The facets list (facets=[...], --facets) names 'q6' more than once: name
    each column once.
    """
    columns = [str(c) for c in columns]
    matches = {
        f: fnmatch.filter(columns, f)
        for f in facets
        if f not in columns and any(c in f for c in "*?")  # "[" is a name's too
    }
    patterns = {f: found for f, found in matches.items() if found}
    problems = [
        "The facets list (facets=[...], --facets) takes column names, not "
        f"patterns, and '{f}' is one: it matches {many(len(found), 'column')} "
        f"({preview(found, 5)}). List them, or draft a catalog of them with "
        f'emomotiv catalog SURVEY --facets "{f}" and give it as the catalog '
        "(--catalog FILE)."
        for f, found in patterns.items()
    ]
    twice = [f for f in dict.fromkeys(facets) if facets.count(f) > 1]
    if twice:
        problems.append(
            f"The facets list (facets=[...], --facets) names {preview(twice, 5)} "
            "more than once: name each column once."
        )
    return [f for f in dict.fromkeys(facets) if f not in patterns], problems


def _shared_role_problems(
    roles: dict[str, str | None], facets: Sequence[str]
) -> list[str]:
    """A column given two roles, or a role and a facet: each role reads its
    own column (the outcome may also be the satisfaction column).

    Examples
    --------
    >>> problems = _shared_role_problems({"connection": "c", "value": "c"}, ["app"])
    >>> print(problems[0])  # doctest: +NORMALIZE_WHITESPACE
    The column 'c' is given as both the connection and the value column: each
    role needs a column of its own.
    """
    by_column: dict[str, list[str]] = {}
    for role, col in roles.items():
        if col is not None:
            by_column.setdefault(col, []).append(role)
    problems = []
    for col, named in by_column.items():
        if len(named) > 1 and set(named) != {"connection", "satisfaction"}:
            problems.append(
                f"The column '{col}' is given as both the {' and the '.join(named)} "
                "column: each role needs a column of its own."
            )
        if col in facets:
            problems.append(
                f"The {' and '.join(named)} column '{col}' is also a facet (a "
                "catalog row, or in the facets list): a column is either a rating "
                "to rank or a role."
            )
    return problems


DATES, TIME_SPANS = "dates", "time spans"
TRUE_FALSE = "yes/no answers (True/False)"
# what each holds, in a column of objects (a datetime is a date too)
HELD_AS_OBJECTS = (
    (DATES, (datetime.date, pd.Period, np.datetime64)),
    (TIME_SPANS, (datetime.timedelta, np.timedelta64)),
    (TRUE_FALSE, (bool, np.bool_)),
)
# what a number read from them counts
COUNTS = {
    DATES: "counts of time since 1970",
    TIME_SPANS: "counts of small units of time",
}


def held_instead(column: pd.Series) -> str | None:
    """What ``column`` holds in place of numbers: :data:`DATES` (datetimes,
    with a time zone or without, pandas Periods, or date objects in a
    column of objects), :data:`TIME_SPANS` (timedeltas) or
    :data:`TRUE_FALSE` (a bool or nullable boolean column, or one of True
    and False objects); None otherwise, for numbers and text alike.

    pandas reads a date as a count of time since 1970 and True as 1, so
    such a column would pass as numbers.

    Examples
    --------
    >>> held_instead(pd.Series(pd.to_datetime(["2026-01-05", "2026-02-11"])))
    'dates'
    >>> held_instead(pd.Series([True, None, False]))
    'yes/no answers (True/False)'
    >>> held_instead(pd.Series([4.0, 7.0])) is None
    True
    """
    dtype = column.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.PeriodDtype):
        return DATES
    if pd.api.types.is_timedelta64_dtype(dtype):
        return TIME_SPANS
    if pd.api.types.is_bool_dtype(dtype):
        return TRUE_FALSE
    given = column.dropna() if pd.api.types.is_object_dtype(dtype) else ()
    for held, kinds in HELD_AS_OBJECTS:
        # the first cell first: a column of text or numbers is passed at once
        if len(given) and isinstance(given.iloc[0], kinds):
            return held if all(isinstance(v, kinds) for v in given) else None
    return None


def _not_ratings_problem(facet: str, held: str) -> str:
    """The refusal of a facet whose column holds no ratings (``held``: see
    :func:`held_instead`)."""
    if held == TRUE_FALSE:
        return (
            f"Facet '{facet}' holds {held}, not ratings on a scale: read as 0 "
            "and 1, every no would be the lowest rating and every yes the "
            "highest, and declaring the no 'not experienced' would leave one "
            "answer. Drop it from the catalog (or the facets); to take it into "
            "account, give it as a control (controls=[...], --control COL) or "
            "analyse by it as a segment (segment=..., --segment COL)."
        )
    drafted = (
        ": a catalog drafted from every survey column takes in the interview date too"
        if held == DATES
        else ""
    )
    return (
        f"Facet '{facet}' holds {held}, not ratings: read as numbers, they are "
        f"{COUNTS[held]}, not points on a scale. Drop it from the catalog (or "
        f"the facets){drafted}."
    )


def _not_numbers_problem(role: str, col: str, column: pd.Series) -> str:
    """The refusal of a role column that must hold numbers and holds dates or
    time spans (see :func:`held_instead`)."""
    held = held_instead(column)
    return (
        f"The {role} column '{col}' holds {held}, not numbers: read as numbers, "
        f"they are {COUNTS[held]}. Name the {role} column meant: {role}=COL "
        f"(--{role} COL)."
    )


def _numeric(col: pd.Series, decimal: str = ".") -> tuple[pd.Series, list[object], int]:
    """Coerce to float; return the values, the distinct entries that did not
    convert (sorted as text) and the number of cells holding them. With
    ``decimal=","`` (see :func:`decimal_mark`), text with a point between
    its thousands does not convert."""
    if col.dtype == np.float64:
        return col, [], 0  # already numbers: no copy
    if pd.api.types.is_bool_dtype(col):
        return col.astype(float), [], 0
    values = _without_flags(_to_numbers(col, decimal), col)
    mask = values.isna() & col.notna()
    bad = sorted(set(col[mask].tolist()), key=str) if mask.any() else []
    return values.astype(float), bad, int(mask.sum())


def _without_flags(values: pd.Series, col: pd.Series) -> pd.Series:
    """``values`` (``col`` as numbers) without the True and False cells of a
    column of objects: pandas reads them as 1 and 0, a rating or an amount
    they are not, so they are left as answers that are no numbers."""
    if col.dtype != object:
        return values
    return values.mask(col.map(lambda v: isinstance(v, bool | np.bool_)))


def _to_numbers(col: pd.Series, decimal: str = ".") -> pd.Series:
    """``col`` as float, text that is no number as NaN; a number wrapped in
    no-break spaces (``"\u00a07"``, as web exports write them) is a number.
    With ``decimal=","`` a text cell with a point between its thousands
    (``"1.234"``, :data:`POINT_GROUPED`) is no number: pandas would read
    its point as a decimal point, which a file of decimal commas has not."""
    values = pd.to_numeric(col, errors="coerce").astype(float)
    text = values.isna() & col.notna()
    if decimal == ",":
        held = _point_grouped(col)
        if held.any():
            values = values.mask(held)
            text = values.isna() & col.notna() & ~held
    if text.any():  # the few cells left: no pass over the whole column
        cells = col[text].astype(str).str.strip(" \u00a0\u202f")
        values[text] = pd.to_numeric(cells, errors="coerce").astype(float)
    return values


def _point_grouped(col: pd.Series) -> pd.Series:
    """Which cells of ``col`` are text with a point between their thousands."""
    if not (col.dtype == object or pd.api.types.is_string_dtype(col)):
        return pd.Series(False, index=col.index)
    found = col.map(lambda v: isinstance(v, str) and bool(POINT_GROUPED.match(v)))
    return found.astype(bool)


def decimal_mark(frame: pd.DataFrame) -> str:
    """The decimal mark the file of ``frame`` was read with: ``","`` where
    :func:`emomotiv.read_table` read decimal commas (it says so in
    ``attrs["emomotiv"]["decimal"]``), else ``"."``.

    Examples
    --------
    >>> frame = pd.DataFrame({"value": ["1.234"]})
    >>> decimal_mark(frame)
    '.'
    >>> frame.attrs["emomotiv"] = {"decimal": ","}
    >>> decimal_mark(frame)
    ','
    """
    meta = frame.attrs.get(ATTRS)
    return "," if isinstance(meta, Mapping) and meta.get("decimal") == "," else "."


def _cells(n: int) -> str:
    return many(n, "cell")


def _split_codes(codes: Iterable[object]) -> tuple[set[str], set[float]]:
    """Not-experienced codes as text to match (folded as rating labels are:
    case, spaces and the kind of apostrophe aside, "Don\u2019t know" as
    "Don't know") and numbers to match."""
    texts, numbers = set(), set()
    for code in codes:
        text = str(code).strip()
        texts.add(_fold(text))
        try:
            numbers.add(float(text))
        except ValueError:
            pass
    return texts, numbers


def _facet_values(
    col: pd.Series, codes: Iterable[object], decimal: str = "."
) -> tuple[pd.Series, list[object], int]:
    """Ratings as float with declared not-experienced codes blanked (text
    matched without regard to case, the spaces around it or the kind of
    apostrophe); the undeclared text left over and its cell count. A cell of
    spaces only is empty, as an empty cell is (a code of spaces could not be
    declared). ``decimal``: see :func:`_to_numbers`."""
    texts, numbers = _split_codes(codes)
    if col.dtype == np.float64 and not numbers:
        return col, [], 0  # already ratings: no copy (memory at 1M rows)
    if pd.api.types.is_bool_dtype(col):
        col = col.astype(object)
    values = _without_flags(_to_numbers(col, decimal), col)
    text = values.isna() & col.notna()
    if text.any():
        folded = col[text].map(_fold)
        text.loc[folded.index[folded.isin(texts | {""})]] = False
    if numbers:
        values = values.mask(values.isin(list(numbers)))
    bad = sorted(set(col[text].tolist()), key=str) if text.any() else []
    return values, bad, int(text.sum())


def _codes_on_scale(
    column: pd.Series,
    catalog: FacetCatalog,
    facet: str,
    given: Iterable[object],
    decimal: str,
    found: dict[str, dict[str, tuple[int, float, float]]],
) -> None:
    """Add to ``found`` (code -> facet -> cells, scale_min, scale_max) the
    cells of the numeric codes given for the whole file (``given``) that lie
    on the scale the catalog declares for ``facet``: ratings there, which
    the code would empty. A code the facet's own ``not_experienced`` cell
    names too is the catalog's word, and not counted."""
    lo, hi = catalog.scale(facet)
    own = _split_codes(catalog.codes(facet))[1]
    numbers = sorted(v for v in _split_codes(given)[1] if lo <= v <= hi)
    numbers = [v for v in numbers if v not in own]
    if not numbers:
        return
    values = column if column.dtype == np.float64 else _to_numbers(column, decimal)
    for code in numbers:
        n = int((values == code).sum())
        if n:
            found.setdefault(f"{code:g}", {})[facet] = (n, lo, hi)


def _on_scale_problem(code: str, found: Mapping[str, tuple[int, float, float]]) -> str:
    """The refusal of a code given for the whole file that lies on the scale
    the catalog declares for some facets (``found``: facet -> cells, scale):
    there the catalog says it is a rating, and the code would empty those
    ratings as non-users'."""
    n = sum(k for k, _, _ in found.values())
    ranked = sorted(found.items(), key=lambda item: -item[1][0])
    named = [f"'{f}' ({k:,}, scale {lo:g}-{hi:g})" for f, (k, lo, hi) in ranked]
    shown = listed(named)
    return (
        f'The not-experienced code {code} (--not-experienced "{code}", '
        "not_experienced in a study file) lies on the scale the catalog "
        f"declares for {many(len(found), 'facet')}, where {code} is a rating: "
        f"declared for the whole file, it would empty {n:,} of their ratings "
        f"(most first): {shown}. Read so, their most unhappy "
        f"users would count as non-users. If {code} means not used only in "
        f"some facets, leave it out of --not-experienced and write {code} in "
        "the catalog's not_experienced column of those facets; if it means "
        "not used in these too, give them a scale without it in the catalog."
    )


def _ids_unique_within(rows: pd.DataFrame, schema: SurveySchema) -> str:
    """The way out of duplicate ids that repeat only across the segment (or
    wave) column, each unique within it: files of several markets merged,
    each numbering its respondents from 1. Else ""."""
    for role in ("segment", "wave"):
        col = getattr(schema, role)
        if col is None or col not in rows.columns or rows[col].nunique() < 2:
            continue
        if not rows.duplicated([col, schema.id]).any():
            example = rows[col].dropna().iloc[0]
            first = rows.loc[rows[col] == example, schema.id].iloc[0]
            return (
                f" Every one repeats across the {role} column '{col}' and is "
                f"unique within it (files merged, each numbering its own "
                "respondents?): prefix the ids with it "
                f"('{example}-{first}'; in Python, survey['{schema.id}'] = "
                f"survey['{col}'].astype(str) + '-' + "
                f"survey['{schema.id}'].astype(str))."
            )
    return ""


def _check_finite(values: pd.Series, what: str, problems: list[str]) -> None:
    n_inf = int(np.isinf(values).sum())
    if n_inf:
        problems.append(f"{what} has {many(n_inf, 'infinite value')}.")
    if huge := too_large(values):
        problems.append(f"{what} has {huge}.")


def _respondents(mask: np.ndarray, out: pd.DataFrame, id_col: str | None) -> str:
    """The respondents where ``mask`` holds, a few then a count: by their id
    (``id_col``) when the survey has one, else by position from 1.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["a", "b", "c"]})
    >>> _respondents(np.array([False, True, True]), frame, "id")
    "id 'b', 'c'"
    >>> _respondents(np.array([False, True, True]), frame, None)
    'respondents 2, 3 by position from 1 (an id column, --id, names them)'
    """
    rows = np.flatnonzero(mask)
    if id_col is not None and id_col in out.columns:
        return f"{id_col} {preview(out[id_col].iloc[rows].tolist(), 5)}"
    shown = ", ".join(str(r + 1) for r in rows[:5])
    more = f" (+{len(rows) - 5} more)" if len(rows) > 5 else ""
    return (
        f"respondent{'s' if len(rows) > 1 else ''} {shown}{more} by position "
        "from 1 (an id column, --id, names them)"
    )


_NO_WEIGHT = "give those respondents a weight, or drop their rows"


def _weight_problems(
    column: pd.Series,
    values: pd.Series,
    bad: list[object],
    decimal: str,
    out: pd.DataFrame,
    id_col: str | None,
) -> list[str]:
    """The problems of the weight column ``column`` (``values``: read as
    numbers; ``bad``: its text that is no number), each naming the
    respondents it concerns and the way out."""
    name = column.name
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    problems = []
    text = np.isnan(numbers) & column.notna().to_numpy()
    if text.any():
        hint = _number_hint(bad, decimal) or (
            f" A weight cannot be left out as a rating can: {_NO_WEIGHT}."
        )
        problems.append(
            f"The weight column '{name}' is not numeric: text in "
            f"{_cells(int(text.sum()))}: {preview(bad)}, at "
            f"{_respondents(text, out, id_col)}." + hint
        )
    infinite = np.isinf(numbers)
    if infinite.any():
        problems.append(
            f"The weight column '{name}' has "
            f"{many(int(infinite.sum()), 'infinite value')}, at "
            f"{_respondents(infinite, out, id_col)}: a weight must be a "
            f"finite number > 0; {_NO_WEIGHT}."
        )
    masks = {
        "zero": numbers == 0,
        "negative": numbers < 0,
        "empty": column.isna().to_numpy(),
    }
    found = [
        f"{kind} in {_cells(int(m.sum()))}" for kind, m in masks.items() if m.any()
    ]
    if found:
        which = masks["zero"] | masks["negative"] | masks["empty"]
        problems.append(
            f"The weight column '{name}' has weights that are "
            f"{', '.join(found)}; survey weights must be > 0: {_NO_WEIGHT} "
            f"(at {_respondents(which, out, id_col)})."
        )
    return problems


_DECIMAL_HINT = (
    " They look like numbers with decimal commas: read the file with "
    "decimal=',' (--decimal ,), or save it with decimal points (in an Excel "
    "workbook, format the column as Number)."
)
# the way out of a thousands separator, in a CSV file or a workbook
_NO_SEPARATORS = (
    "Save the column without thousands separators (in Excel, format it as "
    "Number without the 1000 separator) and save the file again"
)


def _number_hint(bad: list[object], decimal: str = ".") -> str:
    """How numbers written as text could be read, each way they are written
    naming its way out: failed spreadsheet formulas, percentages, accounting
    negatives, currency signs, the separators between their thousands, or
    their decimal commas. ``decimal``: the mark the file was read with (see
    :func:`decimal_mark`); with ``","``, a point between thousands is named.

    Examples
    --------
    >>> print(_number_hint(["90,000", "100,000"]))  # doctest: +NORMALIZE_WHITESPACE
     They look like numbers with commas between their thousands ('90,000'
     for 90000), not decimal commas: every comma has three digits after it.
     Save the column without thousands separators (in Excel, format it as
     Number without the 1000 separator) and save the file again; read with
     decimal commas (decimal=','), '90,000' would be 90.
    """
    texts = [str(v) for v in bad]
    hints = []
    errors = [t for t in texts if FORMULA_ERROR.match(t.strip())]
    if errors:
        hints.append(
            f" {preview(errors)} {'is' if len(errors) == 1 else 'are'} what a "
            "spreadsheet shows where a formula failed: fix the formulas and "
            "save the file again, or clear those cells."
        )
    if any(PERCENT.match(t) for t in texts):
        hints.append(
            " Some are written as percentages ('50%'): save them as plain "
            "numbers (50, or 0.5)."
        )
    if any(PARENTHESISED.match(t) for t in texts):
        hints.append(
            " Some are written in parentheses, as accounting shows negative "
            "numbers ('(100)' for -100): save them as plain numbers."
        )
    signs = [t for t in texts if CURRENCY.search(t)]
    if signs:
        found = {m.upper() for t in signs for m in re.findall(_MONEY, t, re.I)}
        shown = ", ".join(f"'{sign}'" for sign in sorted(found))
        hints.append(
            f" Some carry {'a currency sign' if len(found) == 1 else 'currency signs'}"
            f" ({shown}): save the amounts as plain numbers (in Excel, format the "
            "column as Number, without the currency, and save the file again)."
        )
    # "1.234,56 €" separates its thousands as "1.234,56" does
    bare = [re.sub(_MONEY, "", t, flags=re.IGNORECASE) for t in texts]
    grouped = [m for m in map(GROUPED.match, bare) if m]
    points = [t.strip() for t in bare if POINT_GROUPED.match(t)]
    commas = [t.strip() for t in bare if DECIMAL_COMMA.match(t) or GROUPED.match(t)]
    commas = [t for t in commas if "," in t]
    # "1,003" alone may be a decimal comma; "1.003,71" or "1 003" is not
    if decimal == "," and points:
        one = len(points) == 1
        if len(points) == len(texts):
            which = "It has" if one else "They have"
        else:
            which = f"{preview(points)} {'has' if one else 'have'}"
        # one of them read both ways: "1.500" is 1500 or 1.5
        example = next((p for p in points if re.fullmatch(r"\d+\.\d+", p)), "1.234")
        hints.append(
            f" {which} a point between {'its' if one else 'their'} thousands: read "
            "with decimal commas (decimal=','), a point is no decimal mark, and "
            f"'{example}' may mean {example.replace('.', '')} or {float(example):g}, "
            f"so {'it is' if one else 'they are'} not read as "
            f"{'a number' if one else 'numbers'}. {_NO_SEPARATORS}."
        )
    elif any(m.group(1) not in ".," or {".", ","} <= set(m.group(0)) for m in grouped):
        # "1 200,50" or "1.003,71": a decimal comma after the thousands
        commas = [m.group(0).strip() for m in grouped if m.group(1) != ","]
        commas = [t for t in commas if re.search(r",\d+$", t)]
        commas += [t.strip() for t in bare if DECIMAL_COMMA.match(t)]
        also = (
            f"; their decimal mark is a comma ({preview(commas)}): read the file "
            "with decimal=',' (--decimal ,) too"
            if commas and decimal != ","
            else ""
        )
        hints.append(
            " Some separate their thousands ('1.003,71', '1,003.71'): save the "
            f"file without thousands separators{also}."
        )
    elif commas and all(COMMA_GROUPED.match(t) for t in commas):
        # every comma before three digits: "90,000" is ninety thousand
        example = min(commas, key=lambda t: t.count(","))
        whole = example.replace(",", "")
        misread = (
            f"; read with decimal commas (decimal=','), '{example}' would be "
            f"{float(example.replace(',', '.')):g}"
            if example.count(",") == 1
            else ""
        )
        hints.append(
            f" They look like numbers with commas between their thousands "
            f"('{example}' for {whole}), not decimal commas: every comma has "
            f"three digits after it. {_NO_SEPARATORS}{misread}."
        )
    elif any(DECIMAL_COMMA.match(t) for t in bare):
        hints.append(
            " They look like numbers with decimal commas: save them with decimal "
            "points."
            if decimal == ","
            else _DECIMAL_HINT
        )
    return "".join(hints)


# the most labels a rating scale has: 0 to 10
SCALE_MAX_LABELS = 11


def scale_as_written(scale: Sequence[str], texts: Iterable[object]) -> list[str]:
    """The labels of ``scale`` as the answers ``texts`` write them ("Sehr
    gut" for the scale's "sehr gut"), matched as rating labels are: without
    regard to case or to spaces. A label no answer gives stays as the scale
    has it.

    Examples
    --------
    >>> scale_as_written(["schlecht", "mittelmäßig", "gut", "sehr gut"],
    ...                  ["Sehr  gut", "GUT", "Schlecht"])
    ['Schlecht', 'mittelmäßig', 'GUT', 'Sehr gut']
    """
    written: dict[str, str] = {}
    for text in texts:
        if isinstance(text, str):
            written.setdefault(_fold(text), " ".join(text.split()))
    return [written.get(_fold(label), label) for label in scale]


#: A date as a CSV file writes it: 2026-01-05, 05/01/2026, 5.1.26, with a
#: time or not.
_DATE_TEXT = re.compile(
    r"\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})"
    r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp][Mm]|Z|[+-]\d{2}:?\d{2})?)?\s*$"
)


def _codes_hint(
    bad: list[object], share: float | None = None, decimal: str = "."
) -> str:
    """How to read text among ratings: as numbers, as a rating scale's answer
    texts, or as codes for "not experienced". ``share`` is the text's share
    of the column's answers: text that is most of them is never offered as
    codes (declared so, every rating in words would be dropped). ``decimal``:
    the file's decimal mark (see :func:`decimal_mark`)."""
    number = _number_hint(bad, decimal)
    if number:
        return number
    if all(isinstance(v, bool | np.bool_) for v in bad):  # a DataFrame's
        return (
            " True and False are no ratings (pandas would read them as 1 and "
            "0): fix those cells, or, if the column is a yes/no question, take "
            "it out of the facets (the catalog)."
        )
    scale, numbered = guess_rating_labels(bad), numbered_labels(bad)
    answers = {_fold(v) for v in bad}
    if answers <= YES_NO and len(answers) > 1:
        return (
            " They are yes/no answers, not ratings on a scale: take the column "
            "out of the facets (the catalog), or code its answers as numbers."
        )
    if (
        share is not None
        and share >= 0.5
        and all(_DATE_TEXT.match(str(v)) for v in bad)
    ):
        return (
            f" They are {share:.0%} of its answers, and dates (or times), not "
            "ratings: a catalog drafted from every survey column takes in the "
            "interview date too. Leave the column out of the facets."
        )
    if scale is not None:
        hint = (
            " They look like the answer texts of a rating scale: give its "
            "labels, lowest first, as rating_labels=[...] or --rating-labels "
            f'"{",".join(scale_as_written(scale, bad))}".'
        )
    elif numbered is not None:
        pairs = ",".join(f"{text}={number:g}" for text, number in numbered.items())
        hint = (
            " They look like ratings written with their labels: give each its "
            f'number, as rating_labels={{...}} or --rating-labels "{pairs}".'
        )
    else:
        words = sorted(
            {str(v).strip() for v in bad if not NON_ANSWER.search(str(v))}, key=str
        )
        if share is not None and share >= 0.5 and len(words) > SCALE_MAX_LABELS:
            return (
                f" They are {share:.0%} of its answers, in {len(words)} different "
                f"texts, more than a rating scale has labels (at most "
                f"{SCALE_MAX_LABELS}, 0 to 10): they look like free text "
                "(comments), not ratings. Leave the column out of the facets."
            )
        if share is not None and share >= 0.5 and len(words) >= 2:
            return (
                f" They are {share:.0%} of its answers, too many to be codes for "
                "not experienced: if they are the answer texts of a rating "
                "scale, give its labels, lowest first, as rating_labels=[...] "
                '(--rating-labels "LOWEST,...,HIGHEST"); its '
                f"{len(words)} labels here: {preview(words, len(words))}."
            ) + _non_answer_hint(bad)
        shown = ",".join(str(v) for v in bad[:3])
        return (
            ' Fix them, or declare them as "not experienced" codes: '
            f'not_experienced=[...] or --not-experienced "{shown}".'
        )
    return hint + _non_answer_hint(bad)


YES_NO = frozenset(YES_ANSWERS + NO_ANSWERS) - {"connected"}


def _text_problem(hint: str, found: Mapping[str, tuple[int, list[object]]]) -> str:
    """The problem of the facets whose text among their ratings has the same
    way out (``hint``, see :func:`_codes_hint`); ``found``: each facet's
    count of cells of text and the texts. One line names them all: a scale
    written in words is written so in every facet that uses it."""
    if len(found) == 1:
        facet, (n, bad) = next(iter(found.items()))
        return (
            f"Facet '{facet}' has non-numeric ratings in {_cells(n)}: "
            f"{preview(bad)}.{hint}"
        )
    bad = sorted({text for _, texts in found.values() for text in texts}, key=str)
    named = [f"'{f}' ({n:,})" for f, (n, _) in found.items()]
    total = sum(n for n, _ in found.values())
    return (
        f"{len(found)} facets have non-numeric ratings, {preview(bad)}, in "
        f"{total:,} cells: {listed(named, len(named))}.{hint}"
    )


def _off_scale_problem(
    key: tuple[tuple[float, ...], float, float, bool],
    found: Mapping[str, tuple[int, float]],
) -> str:
    """The problem of the facets whose ratings leave their ``lo``-``hi``
    scale with the same values (``key``: the values, ``lo``, ``hi``, whether
    the catalog declares the scale); ``found``: each facet's count of them
    and their share of its answers. One line for them all: an export's 99
    for "not applicable" is in every routed column."""
    values, lo, hi, declared = key
    n = sum(count for count, _ in found.values())
    most = max(share for _, share in found.values()) > 0.5
    hint = _off_scale_hint(list(values), lo, hi, declared=declared, most=most)
    if len(found) == 1:
        facet = next(iter(found))
        return (
            f"Facet '{facet}' has {many(n, 'rating')} off its {lo:g}-{hi:g} "
            f"scale: {listed([f'{v:g}' for v in values], 3)}.{hint}"
        )
    named = [f"'{f}' ({c:,})" for f, (c, _) in found.items()]
    shown = listed(named)
    return (
        f"{', '.join(f'{v:g}' for v in values)} "
        f"{'is' if len(values) == 1 else 'are'} off the "
        f"{lo:g}-{hi:g} scale of {len(found)} facets, in {n:,} cells: "
        f"{shown}.{hint}"
    )


def _off_scale_hint(
    found: list[float], lo: float, hi: float, *, declared: bool, most: bool = False
) -> str:
    """How to fix ratings off a facet's ``lo``-``hi`` scale.

    More than :data:`FEW_CODES` whole values running on from a declared
    scale (see :func:`_run_past`: 0 and 6 to 10 by a catalog's 1-5) are
    ratings on a wider scale, not codes: the hint is to widen the scale in
    the catalog, first, and the values left are read as below.

    A positive value just past the scale (``hi + 1``, ``lo - 1``) looks like
    a rating the scale leaves out (10 past a 2-9 scale drafted from the
    answers one quarter): the hint is to widen the scale, never to declare
    the value "not experienced", which would drop every such rating. One
    past the top of a common scale (11 by 1-10, 6 by 1-5) is the code a
    survey platform numbers after a matrix's points for "not applicable":
    the hint names it so and offers to declare it, never to widen on its
    own. The other values are offered as codes to declare, with widening
    the scale as the alternative for a 0 or -1 just below it, or for two or
    three values, that one among them, that run on to a common scale (8, 9
    and 10 by 1-7; offered whatever their share of the answers, which
    ratings above a catalog's too narrow scale can be most of), and giving the scale
    where the catalog gives none (it was read from the ratings, see
    :func:`infer_scale`). ``most``: the values are most of a column's
    answers, which ratings never are: no alternative is offered. Where a
    code means not used in some facets only, the catalog's
    ``not_experienced`` column declares it for those. A value with
    decimals is never a code: it is offered the scale that holds it.
    """
    wider = _run_past(found, lo, hi) if declared else []
    hint = ""
    if wider:
        hint = (
            f" {listed([f'{v:g}' for v in wider], 6)} run on from the scale, more "
            "values than codes for 'not applicable' ever are: the catalog's "
            f"{lo:g}-{hi:g} scale is likely too narrow for these ratings. Widen "
            f"it in the catalog (scale_min {min(lo, wider[0]):g} and scale_max "
            f"{max(hi, wider[-1]):g})."
        )
        found = [v for v in found if v not in wider]
    fractions = [v for v in found if v != round(v)]
    after = [v for v in found if (lo, hi) in COMMON_SCALES and v == hi + 1]
    past = [v for v in found if v in (lo - 1, hi + 1) and v not in after]
    near = [v for v in past if v > 0]
    maybe = _run_past(found, lo, hi, more_than=1) if declared else []
    if set(maybe) <= set(near):  # each just past the scale: said so below
        maybe = []
    # one alternative, the common scale's: its values are offered as codes
    near = [v for v in near if v not in maybe]
    codes = [v for v in found if v not in near and v not in fractions]
    if after:
        hint += (
            f" {after[0]:g}, one past the top of the {lo:g}-{hi:g} scale, is the "
            "code survey platforms write for a matrix's 'not applicable' answer: "
            "read as a rating, a non-user would pass as a top rating."
        )
    if codes:
        hint += _codes_hint([f"{v:g}" for v in codes]) + _PER_FACET
        low = [v for v in past if v <= 0]
        if low and not most:
            hint += (
                f" If {low[0]:g} is a rating, widen the scale in the catalog "
                f"instead (scale_min {low[0]:g} and scale_max {hi:g})."
            )
        elif not declared and not most and codes != after:
            hint += (
                " If they are ratings, give the facet's scale in the catalog "
                "(scale_min, scale_max)."
            )
    if maybe:
        hint += (
            f" If {listed([f'{v:g}' for v in maybe], 6)} are ratings (they run on "
            f"from the scale to a common {min(lo, maybe[0]):g}-"
            f"{max(hi, maybe[-1]):g} one), widen the scale in the catalog instead "
            f"(scale_min {min(lo, maybe[0]):g} and scale_max "
            f"{max(hi, maybe[-1]):g})."
        )
    if near:
        one = len(near) == 1
        wider = f"scale_min {min(lo, *near):g}, scale_max {max(hi, *near):g}"
        hint += (
            f" {' and '.join(f'{v:g}' for v in near)} {'is' if one else 'are'} "
            f"just past the scale: fix {'it' if one else 'them'}, or widen the "
            f"scale in the catalog ({wider})."
        )
    if fractions:
        one = len(fractions) == 1
        ends = (
            f"scale_min {min(lo, np.floor(min(fractions))):g} and "
            f"scale_max {max(hi, np.ceil(max(fractions))):g}"
        )
        hint += (
            f" {', '.join(f'{v:g}' for v in fractions[:5])} "
            f"{'has' if one else 'have'} decimals, which no code for not "
            f"experienced has: ratings (means of several items?) off the "
            f"{lo:g}-{hi:g} scale. Fix {'it' if one else 'them'}, or give the "
            f"scale that holds {'it' if one else 'them'} in the catalog "
            f"({ends})."
        )
    return hint


def _run_past(
    found: list[float], lo: float, hi: float, more_than: int = FEW_CODES
) -> list[float]:
    """The whole values of ``found`` that run on from the ``lo``-``hi``
    scale, each within :data:`GAP` points of the scale's end or of the value
    before, when there are more than ``more_than`` of them and they
    widen the scale to a common one (:data:`COMMON_SCALES`: 0-10 for a
    catalog's 1-5): more values than codes for "not applicable" ever are (a
    1-5 matrix's 6, 99 or 98), so ratings on a wider scale. Else empty: a
    run of codes (-1 to -4, or 6 to 9 on a 1-5 scale) widens it to no
    common scale.

    Examples
    --------
    >>> _run_past([0.0, 6.0, 7.0, 8.0, 9.0, 10.0], 1, 5)
    [0.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    >>> _run_past([6.0, 7.0, 99.0], 1, 5), _run_past([9.0, 97.0, 98.0, 99.0], 1, 5)
    ([], [])
    >>> _run_past([-4.0, -3.0, -2.0, -1.0], 1, 5), _run_past([6.0, 7.0, 8.0, 9.0], 1, 5)
    ([], [])
    """
    above = sorted(v for v in found if v > hi and v == round(v))
    below = sorted((v for v in found if v < lo and v == round(v)), reverse=True)
    run = []
    for end, values in ((hi, above), (lo, below)):
        for v in values:
            if abs(v - end) > GAP:
                break
            run.append(v)
            end = v
    run = sorted(run)
    common = run and (min(lo, run[0]), max(hi, run[-1])) in COMMON_SCALES
    return run if len(run) > more_than and common else []


_PER_FACET = (
    " Where a code means not used in some facets and is a rating in others, "
    "write it in the catalog's not_experienced column of those facets "
    "instead."
)


_MISSING_MARK = re.compile(r"^\s*([-.?]|nan|null|none|na|#n/a)?\s*$", re.IGNORECASE)


def _no_amount(value: object) -> bool:
    """Whether a text cell of an amount column says "not known"."""
    text = str(value)
    return bool(_MISSING_MARK.match(text) or NON_ANSWER.search(text))


def _non_answer_hint(bad: list[object]) -> str:
    """The flag that declares the non-answers ("Don't know") among ``bad``."""
    skipped = [str(v) for v in bad if NON_ANSWER.search(str(v))]
    if not skipped:
        return ""
    return (
        ' Declare the answers that are not ratings as "not experienced": '
        f'--not-experienced "{",".join(skipped)}".'
    )


def _check_satisfaction(values: pd.Series, col: str, problems: list[str]) -> None:
    """Codes such as 99 for "don't know" among satisfaction ratings: the
    highly satisfied are the top two boxes of the scale, which a code would
    move (see :func:`infer_scale`)."""
    lo, hi = infer_scale(values)
    n, found = _off_scale(values, lo, hi)
    if n:
        problems.append(
            f"The satisfaction column '{col}' has {many(n, 'value')} off its "
            f"{lo:g}-{hi:g} scale: {preview(found)}. " + _declare_codes(found)
        )


def _off_scale(values: pd.Series, lo: float, hi: float) -> tuple[int, list[float]]:
    """How many ``values`` lie off the ``lo``-``hi`` scale, and which."""
    off = values[(values < lo) | (values > hi)] + 0.0  # -0 (rounded) is 0
    return len(off), sorted(set(off.tolist()))


def _declare_codes(found: list[float]) -> str:
    """The way out for codes off a scale: declare them as not experienced."""
    codes = ",".join(f"{v:g}" for v in found[:3])
    return (
        "If they are codes (such as 'don't know'), declare them as not "
        f'experienced: --not-experienced "{codes}".'
    )


def _check_motivator_scale(
    answers: Mapping[str, pd.Series], problems: list[str]
) -> None:
    """Codes such as 99 for "don't know" among the motivators' agreement
    ratings, which share one scale (:func:`infer_scale` over them all): the
    connection score is placed on that scale, which a code would stretch."""
    given = [v.dropna() for v in answers.values()]
    pooled = pd.concat(given) if given else pd.Series(dtype=float)
    pooled = pooled[np.isfinite(pooled)]
    if pooled.empty:
        return
    lo, hi = infer_scale(pooled)
    for col, values in answers.items():
        # infinities: named above
        n, found = _off_scale(values[np.isfinite(values)], lo, hi)
        if n:
            problems.append(
                f"Motivator '{col}' has {many(n, 'answer')} off the motivators' "
                f"{lo:g}-{hi:g} scale: {preview(found)}. " + _declare_codes(found)
            )


def _answer_codes(levels: list[float]) -> list[float]:
    """The values of a yes/no outcome that look like codes for no answer:
    besides two answers among 0, 1 and 2 (0/1, or 1 = yes, 2 = no), at most
    :data:`FEW_CODES` values below 0 or more than :data:`GAP` points above
    them (9, 99, -1). Empty when the values are not so.

    Examples
    --------
    >>> _answer_codes([0.0, 1.0, 9.0]), _answer_codes([1.0, 2.0, 98.0, 99.0])
    ([9.0], [98.0, 99.0])
    >>> _answer_codes([0.0, 1.0, 2.0]), _answer_codes([1.0, 2.0, 3.0])
    ([], [])
    """
    answers = [v for v in levels if 0 <= v <= 2]
    codes = [v for v in levels if v not in answers]
    far = all(v < 0 or v > max(answers, default=0) + GAP for v in codes)
    if len(answers) == 2 and 0 < len(codes) <= FEW_CODES and far:
        return codes
    return []


def _score_codes(levels: list[float]) -> list[float]:
    """The values of a score that look like codes for no answer: at most
    :data:`FEW_CODES` of them, among the codes exports use
    (:data:`SCORE_CODES`: 97, 98, 99, 999, ...), each more than twice the
    largest other value and more than :data:`GAP` points above it.

    Examples
    --------
    >>> _score_codes([0.0, 5.0, 10.0, 99.0]), _score_codes([0.0, 50.0, 99.0])
    ([99.0], [])
    >>> _score_codes([1.0, 7.0, 98.0, 99.0]), _score_codes([0.0, 10.0, 100.0])
    ([98.0, 99.0], [])
    """
    rest = [v for v in levels if v not in SCORE_CODES]
    if len(rest) < 2:
        return []
    top = max(rest)
    codes = [v for v in levels if v in SCORE_CODES and v > max(2 * top, top + GAP)]
    return codes if len(codes) <= FEW_CODES else []


# the codes for no answer that exports write in a score's column
SCORE_CODES = frozenset({97.0, 98.0, 99.0, 997.0, 998.0, 999.0, 9999.0})


def _check_connection(
    col: pd.Series, name: str, kind: str, problems: list[str], decimal: str = "."
) -> pd.Series:
    """The outcome as float; its kind must be 0/1 or a declared score."""
    values, bad, n_text = _numeric(col, decimal)
    _check_finite(values, f"The connection column '{name}'", problems)
    values = values.mask(np.isinf(values))
    if n_text:
        yes = yes_answer(bad)
        if yes is not None:
            # beside 0/1 numbers (a part of the file coded so), 1 is yes too
            numbers = set(values.dropna().unique().tolist())
            coded = 1.0 in numbers and numbers <= {0.0, 1.0}
            also = (
                f" The column also holds numbers coded 0/1 in "
                f"{_cells(int(values.notna().sum()))}: name the 1 too, or it "
                "is read as 0."
                if coded
                else ""
            )
            problems.append(
                f"The connection column '{name}' holds text in {_cells(n_text)}: "
                f"{preview(bad)}. Say which answers mean connected: "
                "connected_values=[...] or --connected-values "
                f'"{yes}{",1" if coded else ""}" (every other answer is read as '
                f"0).{also}"
            )
        elif len(bad) <= 6:  # a few answers: a worded outcome
            # a yes/no worded otherwise ("Connected"/"Disconnected"): the
            # answers meaning connected are the way out; the shortest is
            # the likely yes ("Agree"/"Disagree")
            n_numbers = int(values.notna().sum())
            also = (
                f" The column also holds numbers in {_cells(n_numbers)}: name "
                "those meaning connected too, or empty the text cells if they "
                "are no answer."
                if n_numbers
                else ""
            )
            example = min((str(b).strip() for b in bad), key=len)
            problems.append(
                f"The connection column '{name}' is not numeric: text in "
                f"{_cells(n_text)}: {preview(bad, 6)}. Say which of "
                "these answers mean connected (every other answer is read as "
                f'0), e.g. connected_values=["{example}"] '
                f'or --connected-values "{example}"; or code the column as '
                f"numbers (0/1).{also}"
            )
        else:
            problems.append(
                f"The connection column '{name}' is not numeric: text in "
                f"{_cells(n_text)}: {preview(bad)}. Code it as numbers (a yes/no "
                "answer as 0/1, a score as its numbers), or name the answers "
                "that mean connected: connected_values=[...] or "
                "--connected-values."
            )
    n_empty = int(col.isna().sum())
    if n_empty:
        problems.append(
            f"The connection column '{name}' has {_cells(n_empty)} empty; "
            "drop those respondents or fill them."
        )
    observed = values.dropna()
    levels = sorted(set(observed.unique().tolist()))
    shown = ", ".join(f"{v:g}" for v in levels[:6])
    shown += f" (+{len(levels) - 6} more)" if len(levels) > 6 else ""
    binary = set(levels) <= {0.0, 1.0}
    if kind == "score":
        if len(observed) and observed.std() == 0:
            problems.append(
                f"The connection column '{name}' has no variance "
                f"(every value is {observed.iloc[0]:g})."
            )
        codes = _score_codes(levels)
        if codes:
            n_codes = int(observed.isin(codes).sum())
            rest = [v for v in levels if v not in codes]
            problems.append(
                f"The connection score '{name}' has the values "
                f"{', '.join(f'{v:g}' for v in codes)}, in {_cells(n_codes)}, far "
                f"above its other values ({rest[0]:g}-{rest[-1]:g}): codes for no "
                "answer ('don't know', 'refused')? Read as scores they weigh on "
                "every estimate. Empty those cells (the respondents are then left "
                "out of the analysis, and counted) or fix them."
            )
    elif levels and not binary:
        if kind == "binary":
            problems.append(
                f"The connection column '{name}' is declared binary but its "
                f"values are not 0/1: {shown}."
            )
        elif _answer_codes(levels):  # 0/1 or 1/2, and 9 or 99 for "refused"
            codes = _answer_codes(levels)
            answers = [v for v in levels if v not in codes]
            n_codes = int(observed.isin(codes).sum())
            then = (
                "."
                if answers == [0.0, 1.0]
                else "; then say which value means connected: connected_values="
                f'[...] or --connected-values "{answers[0]:g}".'
            )
            problems.append(
                f"The connection column '{name}' has the values {shown}: "
                f"{', '.join(f'{v:g}' for v in codes)}, in {_cells(n_codes)}, "
                "look like codes for no answer ('don't know', 'refused'), "
                "neither connected nor not. Empty those cells (the respondents "
                f"are then left out of the analysis, and counted) or fix them{then}"
            )
        else:
            if len(levels) == 2:  # two codes: often 1 = yes, 2 = no
                example = f'"{levels[0]:g}"'
            else:  # a scale: its top box, for example
                top = ",".join(f"{v:g}" for v in levels[-2:])
                example = f'"{top}" (its top box, say)'
            problems.append(
                f"The connection column '{name}' has the values {shown}, not "
                "0/1. If it is a score, declare it: connection_kind='score' "
                "(--connection-kind score); if it is a yes/no outcome, say which "
                "values mean connected: connected_values=[...] or "
                f"--connected-values {example}."
            )
    elif levels:
        counts = observed.value_counts()
        if len(levels) == 1:
            problems.append(
                f"The connection column '{name}' has one class only "
                f"(every respondent is {int(observed.iloc[0])}); a driver "
                "analysis needs both connected and unconnected respondents."
            )
        elif counts.min() < MIN_CLASS_COUNT:
            problems.append(
                f"The connection column '{name}' has only {int(counts.min())} "
                f"respondents in class {int(counts.idxmin())}; at least "
                f"{MIN_CLASS_COUNT} are needed."
            )
    return values


def validate_survey(
    survey: pd.DataFrame,
    schema: SurveySchema,
    catalog: FacetCatalog,
    *,
    connection_kind: str = "auto",
    not_experienced: Iterable[object] | None = None,
) -> pd.DataFrame:
    """Check a survey against its schema and catalog; return it with numeric roles.

    Every problem is collected before raising, so one run tells the user all
    there is to fix. Empty cells in facet columns (or cells of spaces only)
    are valid: they mean the respondent did not experience the touchpoint.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent.
    schema : SurveySchema
        Column roles.
    catalog : FacetCatalog
        Facet scales, ids and per-facet not-experienced codes.
    connection_kind : {"auto", "binary", "score"}, default="auto"
        What the connection outcome is. ``"auto"`` accepts 0/1 only (a
        binary outcome) and refuses any other values, naming them;
        ``"score"`` declares a numeric score.
    not_experienced : sequence of str or float, or None
        Cell values in facet columns that mean "did not experience this
        touchpoint" (e.g. ``["n/a", 99, 0]``); they become empty cells, in
        the satisfaction column too ("Don't know"). Any other text in a
        rating column is an error listing the values.

    Returns
    -------
    DataFrame
        A copy whose facet and numeric role columns are float.

    Raises
    ------
    ValidationError
        Listing every problem: no facets, duplicate or missing column names
        (with near matches), text in ratings that is not a declared
        not-experienced code, True/False answers as ratings, dates or time
        spans as ratings or as the outcome, value, weight or satisfaction,
        values off the facet's scale, empty or constant facets, an outcome
        that is neither 0/1 nor a declared score, one with one class or no
        variance, duplicate ids, non-positive weights, too few respondents
        for the number of facets. Counts in the messages count cells.

    Examples
    --------
    >>> import pandas as pd
    >>> bad = pd.DataFrame({"app": [1, 11, 3], "connected": [1, 1, 1]})
    >>> cat = FacetCatalog.from_facets(["app"])
    >>> schema = SurveySchema(facets=("app",), connection="connected")
    >>> validate_survey(bad, schema, cat)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    emomotiv._validation.ValidationError: The survey has 3 problems:
    ...
    """
    check_choice(
        connection_kind, "connection_kind", "validate_survey", CONNECTION_KINDS
    )
    problems: list[str] = []
    columns = [str(c) for c in survey.columns]
    dupcols = sorted({c for c in columns if columns.count(c) > 1})
    if dupcols:
        problems.append(f"Duplicate column names: {preview(dupcols)}.")
        raise ValidationError(problems, subject="survey")
    # a shallow copy: a column is copied only when it is replaced (pandas'
    # copy-on-write), so a survey of ratings is not held twice
    out = survey.copy(deep=False)
    out.columns = columns
    decimal = decimal_mark(survey)

    role_cols = {
        "connection": schema.connection,
        "value": schema.value,
        "satisfaction": schema.satisfaction,
        "weight": schema.weight,
        "segment": schema.segment,
        "wave": schema.wave,
        "id": schema.id,
    }
    for role, col in role_cols.items():
        if col is not None and col not in out.columns:
            hint = did_you_mean(col, columns)
            problems.append(f"The {role} column '{col}' is not in the survey.{hint}")
    problems += _shared_role_problems(role_cols, schema.facets)
    if not schema.facets:
        problems.append(
            "There are no facets to analyse: the catalog has no rows (one row "
            "per facet, its id in the 'facet' column, naming a survey column)."
        )
    missing_facets = [f for f in schema.facets if f not in out.columns]
    if missing_facets:
        # a catalog's ids are read without spaces around them, a survey
        # frame's column names as they are
        padded = {c.strip(): c for c in columns if c != c.strip()}
        # several columns named as one ('app,fees'), as `catalog --facets`
        # takes its patterns, where --facets takes them apart
        joined = [
            f
            for f in missing_facets
            if "," in f and all(p.strip() in columns for p in f.split(",") if p.strip())
        ]
        hints = "".join(
            f" '{f}':{did_you_mean(f, columns)}"
            for f in missing_facets[:5]
            if f not in padded and f not in joined and did_you_mean(f, columns)
        )
        if joined:
            hints += (
                f" {preview(joined)} {'names' if len(joined) == 1 else 'name'} "
                "several survey columns at once: give each facet apart "
                "(--facets app fees on the command line, a list in Python)."
            )
        spaced = [padded[f] for f in missing_facets if f in padded]
        if spaced:
            hints += (
                f" The survey columns {preview(spaced)} have spaces around their "
                "names: strip them (survey.columns = survey.columns.str.strip())."
            )
        are = (
            "facet is not a survey column"
            if len(missing_facets) == 1
            else "facets are not survey columns"
        )
        if not hints:  # no near name: touchpoints this questionnaire did not ask?
            them, their = (
                ("it", "its row")
                if len(missing_facets) == 1
                else ("them", "their rows")
            )
            hints = (
                f" If the survey did not ask {them}, leave {them} out of the "
                "facets list (facets=[...], --facets)."
                if catalog.listed
                else f" If the survey did not ask {them} (one catalog of every "
                f"questionnaire), drop {their} from this survey's catalog."
            )
        # a list of columns (facets=[...], --facets) is no catalog
        whose = "" if catalog.listed else "catalog "
        problems.append(
            f"{len(missing_facets)} {whose}{are}: {preview(missing_facets, 5)}.{hints}"
        )
    unknown_stated = [f for f in schema.stated if f not in catalog.facets]
    if unknown_stated:
        # a column named by its facet's label ("stated__Mobile app")
        by_label = {}
        for facet, label in catalog.table["label"].items():
            for text in (label, facet, str(facet).replace("_", " ")):
                if isinstance(text, str):
                    by_label.setdefault(_fold(text), facet)
        meant = {f: by_label.get(_fold(f)) for f in unknown_stated}
        hints = "".join(
            f" '{STATED_PREFIX}{f}' is '{facet}'s label: name it "
            f"'{STATED_PREFIX}{facet}'."
            for f, facet in meant.items()
            if facet is not None
        )
        problems.append(
            "Stated-importance columns name facets that are not in the catalog: "
            f"{preview([STATED_PREFIX + f for f in unknown_stated])}.{hints}"
            + (
                " Columns named otherwise are matched to their facets by label "
                "with stated=[...] (--stated COL ...)."
                if hints
                else ""
            )
        )
    not_in_catalog = [f for f in schema.facets if f not in catalog.facets]
    if not_in_catalog:
        problems.append(
            f"Facets missing from the catalog: {preview(not_in_catalog, 5)}."
        )
    for col in schema.motivators:
        if col not in out.columns:
            problems.append(f"The motivator column '{col}' is not in the survey.")

    off_scale: dict[tuple, dict[str, tuple[int, float]]] = {}
    zero_codes: dict[str, tuple[int, int]] = {}
    zero_few: dict[str, tuple[int, int]] = {}
    on_scale: dict[str, dict[str, tuple[int, float, float]]] = {}
    texts: dict[str, dict[str, tuple[int, list[object]]]] = {}
    # a role column listed as a facet is refused above: read as a rating
    # too, it would draw advice for a rating (a code to declare, a scale)
    taken = set(role_cols.values())
    for facet in (f for f in schema.facets if f in out.columns and f not in taken):
        codes = list(not_experienced or [])
        if facet in catalog.facets:
            codes += catalog.codes(facet)
        column = out[facet]
        held = held_instead(column)
        if held:  # no ratings: no advice for ratings (codes, scale)
            problems.append(_not_ratings_problem(facet, held))
            continue
        if facet in catalog.facets and facet not in catalog.undeclared_scale:
            _codes_on_scale(
                column, catalog, facet, not_experienced or [], decimal, on_scale
            )
        values, bad, n_text = _facet_values(column, codes, decimal)
        infinite = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
        if infinite.any():  # "inf" or 1e999 in a file: no rating on any scale
            problems.append(
                f"Facet '{facet}' has {many(int(infinite.sum()), 'infinite value')}"
                " (a file's inf or 1e999), no rating on a scale: fix those cells, "
                "or clear them where the touchpoint was not rated."
            )
            values = values.mask(infinite)
        if n_text:
            share = n_text / max(int(column.notna().sum()), 1)
            texts.setdefault(_codes_hint(bad, share, decimal), {})[facet] = (
                n_text,
                bad,
            )
        lo, hi = catalog.scale(facet) if facet in catalog.facets else DEFAULT_SCALE
        read = facet in catalog.undeclared_scale
        n_off, found = _off_scale(values, lo, hi)
        observed = values.dropna()
        if n_off:
            share = n_off / len(observed)
            off_scale.setdefault((tuple(found), lo, hi, not read), {})[facet] = (
                n_off,
                share,
            )
        if read and lo == 0:  # beside any code off the scale: every problem at once
            rated = observed[(observed >= lo) & (observed <= hi)]
            n_zero, n, code = _zero_counts(rated)
            if n_zero:
                (zero_codes if code else zero_few)[facet] = (n_zero, n)
        if observed.empty and not n_text and len(out):  # text: reported above
            problems.append(
                f"Facet '{facet}' is empty: no respondent rated it. Drop it from "
                "the catalog (or the facets)."
            )
        elif observed.nunique() == 1:
            problems.append(
                f"Facet '{facet}' is constant: every rating is {observed.iloc[0]:g}, "
                "which tells no respondent from another. Drop it from the catalog "
                "(or the facets)."
            )
        elif (
            0 < len(observed) < MIN_FACET_RATERS
            and not n_text
            and len(out) >= MIN_RESPONDENTS  # else the survey's size is the problem
        ):
            problems.append(
                f"Facet '{facet}' is rated by {many(len(observed), 'respondent')}, "
                f"fewer than the {MIN_FACET_RATERS} any estimate of its effect "
                "needs: its importance and gain would read as exactly 0 with no "
                "spread, a certainty the ratings do not give. Drop it from the "
                "catalog (or the facets)."
            )
        if values is not column:
            out[facet] = values
    problems += [_text_problem(hint, found) for hint, found in texts.items()]
    problems += [_off_scale_problem(key, found) for key, found in off_scale.items()]
    if zero_codes:
        problems.append(_zero_code_problem(zero_codes, zero_few))
    problems += [_on_scale_problem(code, found) for code, found in on_scale.items()]

    conn = schema.connection
    # dates or time spans; True and False are an outcome's 1 and 0
    if conn in out.columns and held_instead(out[conn]) in COUNTS:
        problems.append(_not_numbers_problem("connection", conn, out[conn]))
    elif conn in out.columns:
        out[conn] = _check_connection(
            out[conn], conn, connection_kind, problems, decimal
        )

    for role in ("value", "satisfaction", "weight"):
        col = role_cols[role]
        if col is None or col not in out.columns:
            continue
        column = out[col]
        if held_instead(column) in COUNTS:  # dates or time spans
            problems.append(_not_numbers_problem(role, col, column))
            continue
        if role == "satisfaction":  # a rating: its non-answers can be declared
            values, bad, n_text = _facet_values(column, not_experienced or [], decimal)
        else:
            values, bad, n_text = _numeric(column, decimal)
        if role == "weight":  # its problems name the respondents
            problems += _weight_problems(column, values, bad, decimal, out, schema.id)
            if values is not column:
                out[col] = values
            continue
        _check_finite(values, f"The {role} column '{col}'", problems)
        if n_text:
            hint = _number_hint(bad, decimal)
            if not hint and role == "satisfaction":
                hint = _non_answer_hint(bad)
            if not hint and role == "value" and all(map(_no_amount, bad)):
                hint = (
                    " If they mean the value is not known, clear those cells: "
                    "a respondent with an empty value is left out of the value "
                    "analysis, and counted."
                )
            problems.append(
                f"The {role} column '{col}' is not numeric: text in "
                f"{_cells(n_text)}: {preview(bad)}." + hint
            )
        if role == "satisfaction":  # an infinite one is said above, not as a code
            finite = pd.Series(values).mask(np.isinf(np.asarray(values, dtype=float)))
            _check_satisfaction(finite, col, problems)
        observed = pd.Series(values).dropna()
        if role == "value" and observed.nunique() == 1:
            problems.append(
                f"The value column '{col}' is constant: every value is "
                f"{observed.iloc[0]:g}, so connection cannot be linked to value."
            )
        if role == "value" and (values < 0).any():
            n_neg = int((values < 0).sum())
            problems.append(
                f"The value column '{col}' has {many(n_neg, 'negative value')}; "
                "customer value must be >= 0 (the value models compare values "
                "as multiples, as revenue or lifetime value allow: a profit that "
                "can be negative does not fit them). Set those cells to 0 (a "
                "refund or a loss counted as no value), or clear them to leave "
                "those customers out of the value analysis (they are counted)."
            )
        if values is not column:  # replaced only when converted
            out[col] = values

    answers = {}
    for col in schema.motivators:
        if col in out.columns:
            column = out[col]
            # agreement ratings: their non-answers can be declared, as a facet's
            values, bad, n_text = _facet_values(column, not_experienced or [], decimal)
            _check_finite(values, f"Motivator '{col}'", problems)
            if n_text:
                problems.append(
                    f"Motivator '{col}' is not numeric: text in {_cells(n_text)}: "
                    f"{preview(bad)}."
                    + (_number_hint(bad, decimal) or _non_answer_hint(bad))
                )
            answers[col] = values
            if values is not column:
                out[col] = values
    _check_motivator_scale(answers, problems)

    if schema.id is not None and schema.id in out.columns:
        ids = out[schema.id]
        n_empty = int(ids.isna().sum())
        if n_empty:
            problems.append(
                f"The id column '{schema.id}' is empty for {n_empty} "
                f"respondent{'' if n_empty == 1 else 's'}: every respondent "
                "needs an id."
            )
        ids = ids.dropna()
        dup = ids[ids.duplicated()].tolist()
        if dup:
            zeros = (
                " The ids were read as numbers, which drops leading zeros ('0001' "
                "and '1' read alike): if the file writes them so, read the column "
                f"as text (read_table(path, text=['{schema.id}']), or "
                f"pd.read_csv(path, dtype={{'{schema.id}': str}}))."
                if pd.api.types.is_numeric_dtype(ids)
                else ""
            )
            copies = int(out.loc[ids.index].duplicated().sum())
            within = _ids_unique_within(out.loc[ids.index], schema)
            way_out = (
                f" {many(copies, 'row')} repeat{'s' if copies == 1 else ''} "
                "another in every column (a file read or uploaded twice?): drop "
                "the copies."
                if copies
                else within or " Give each respondent an id of their own."
            )
            problems.append(
                f"The id column '{schema.id}' has {len(dup)} duplicate ids: "
                f"{preview(list(dict.fromkeys(dup)))}."
                + (way_out if copies or within or not zeros else "")
                + zeros
            )

    if schema.segment is not None and schema.segment in out.columns:
        problem = grouping_problem(out[schema.segment], "segment column")
        if problem:
            problems.append(problem)

    for col in (c for c in schema.stated.values() if c in out.columns):
        _, bad, n_text = _numeric(out[col], decimal)
        if n_text:
            share = n_text / max(int(out[col].notna().sum()), 1)
            problems.append(
                f"Stated-importance column '{col}' is not numeric: text in "
                f"{_cells(n_text)}: {preview(bad)}." + _codes_hint(bad, share, decimal)
            )

    n, p = len(out), len(schema.facets)
    needed = max(MIN_RESPONDENTS, 2 * (p + 1))
    if n == 0:  # every facet empty: one problem, not one per facet
        problems.append(
            "The survey has no respondents: a header, but no rows under it. "
            f"At least {needed} respondents are needed for {p} facets: read "
            "the export that holds the answers."
        )
    elif n < needed:  # the words of a survey and of one of its waves alike
        problems.append(
            f"{many(n, 'respondent')} for {many(p, 'facet')} "
            f"{'is' if n == 1 else 'are'} too few: at least {needed} are needed "
            f"(2 per facet plus 2, and never fewer than {MIN_RESPONDENTS})."
        )
    if problems:
        raise ValidationError(problems, subject="survey")
    return out
