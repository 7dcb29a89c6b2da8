"""Survey files as statistics packages and survey platforms write them.

:func:`emomotiv.read_table` hands these formats here, by file suffix or, for
a CSV, by its first lines:

- SPSS ``.sav``/``.zsav`` and Stata ``.dta``, through ``pyreadstat`` (the
  ``spss`` extra). Declared missing values (SPSS user-missing codes, Stata's
  ``.a``-``.z``) and the not-experienced codes a user names become empty
  cells; codes stay numbers (a value label never replaces a rating), but
  in the columns a caller names as nominal (a segment's markets), whose
  codes read as their value labels.
- A survey platform's CSV export with several header rows. Qualtrics: the
  column names, then a question-text row and an import-id row
  (``{"ImportId":"QID1"}``), in either order; both extra rows are dropped,
  and the question texts kept. SurveyMonkey: the question texts, then a row
  naming each matrix statement or answer option ("Response" for a question
  with one answer); the columns are named by the statement, or by the
  question where it has one answer (see :func:`response_names`). Google
  Forms: one header row starting with "Timestamp", a grid question's
  columns named "Question [Statement]"; the statements become the labels.
- Excel ``.xlsx``, through ``openpyxl`` (the ``excel`` extra): the first
  sheet, one header row or a platform's header rows as in a CSV export.

Ratings exported as their answer texts ("Poor", "Good", "Excellent") become
numbers with :func:`apply_rating_labels`, given the scale's labels in order
(``rating_labels``); :func:`guess_rating_labels` recognises the common
scales, and :func:`numbered_labels` answers that start with their number
("1 - Very poor"), for the error message and ``emomotiv init``.

What the file says about its columns travels with the table in
``frame.attrs["emomotiv"]``: ``labels`` (the SPSS/Stata variable label or
the question text, per column), ``questions`` (in a platform export, the
question each column was asked under), ``scales`` (per labelled column, the
lowest and highest value label that is a rating, not a missing code) and
``platform`` (the columns a survey platform adds to every response: start
date, duration, location; never touchpoints).
:func:`complete_catalog` fills a catalog's missing ``label``, ``scale_min``
and ``scale_max`` from them (a label, else the column's name, without the
question every facet's label or name shares, :func:`short_labels`);
:func:`draft_catalog` writes a catalog for the user to edit (``emomotiv
catalog``).
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import gzip
import io
import itertools
import json
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._validation import (
    EmomotivWarning,
    ValidationError,
    did_you_mean,
    listed,
    many,
    preview,
)

__all__ = [
    "apply_rating_labels",
    "code_outcome",
    "complete_catalog",
    "draft_catalog",
    "guess_rating_labels",
    "is_platform_export",
    "label_scales",
    "numbered_labels",
    "read_excel",
    "read_platform_csv",
    "read_spss",
    "read_stata",
    "read_survey",
    "response_names",
    "select_columns",
    "short_labels",
    "stated_facets",
    "survey_reader",
    "text_encoding",
    "true_answer",
    "yes_answer",
]

ATTRS = "emomotiv"
# ``rating_labels``: one scale's labels lowest first, label -> number, or several
RatingLabels = (
    Sequence[str] | Mapping[str, float] | Sequence[Sequence[str] | Mapping[str, float]]
)
DECIMALS = (".", ",")  # the decimal marks a CSV file may use
_IMPORT_ID = re.compile(r'^\s*\{\s*"ImportId"\s*:', re.I)


def _needs(module: str, extra: str, what: str, doing: str = "Reading"):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(missing_package(module, extra, what, doing)) from None


def missing_package(module: str, extra: str, what: str, doing: str = "Reading") -> str:
    """What to install for ``what``: the extra that holds ``module``.

    Examples
    --------
    >>> print(missing_package("pyreadstat", "spss", "SPSS files"))
    ... # doctest: +NORMALIZE_WHITESPACE
    Reading SPSS files needs the 'pyreadstat' package:
    pip install "emomotiv[spss]" (or pip install pyreadstat).
    """
    return (
        f"{doing} {what} needs the '{module}' package: "
        f'pip install "emomotiv[{extra}]" (or pip install {module}).'
    )


def _with_meta(
    frame: pd.DataFrame,
    labels: dict[str, str],
    scales: dict[str, tuple[float, float]],
    platform: Sequence[str] = (),
    questions: Mapping[str, str | None] | None = None,
) -> pd.DataFrame:
    frame.attrs[ATTRS] = {
        **frame.attrs.get(ATTRS, {}),  # what else is known of it stays
        "labels": {k: v for k, v in labels.items() if v},
        "scales": scales,
        "platform": list(platform),
    }
    if questions is not None:
        frame.attrs[ATTRS]["questions"] = {k: v for k, v in questions.items() if v}
    return frame


def _missing_codes(ranges: dict[str, list[dict[str, Any]]], column: str):
    """A test for the declared missing codes of ``column`` (SPSS ranges):
    takes a number or an array, returns a bool or a boolean array."""
    spans = [(r["lo"], r["hi"]) for r in ranges.get(column, []) if _is_number(r["lo"])]

    def declared(values):
        hit = np.zeros(np.shape(values), dtype=bool)
        for lo, hi in spans:
            hit |= (values >= lo) & (values <= hi)
        return hit

    return declared


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool)


# Value labels that name a non-answer, not a point of the rating scale: such
# a code is left off the scale read from the labels, so validation names it
# (with the hint to declare it as not experienced) instead of taking it as a
# rating.
NON_ANSWER = re.compile(
    r"not applicable|\bn/?a\b|don['\u2019]?t know|do not know|refus|prefer not|"
    r"no answer|not (used|experienced)|never used|"
    # German: weiß nicht, k. A. (keine Angabe), nicht zutreffend, ...
    r"wei(ß|ss) nicht|\bk\.\s?a\.|keine angabe|nicht zutreffend|"
    r"nicht beurteilen|nicht genutzt|nie genutzt|"
    # French: ne sait pas (NSP), non concerné, sans opinion, ...
    r"ne sai[st] pas|\bnspp?\b|non concern|non applicable|sans opinion|sans avis|"
    r"sans r[ée]ponse|ne se prononce pas|jamais utilis|"
    # a dash or a question mark for no answer, as spreadsheets write it
    r"^\s*[-\u2013\u2014?.*]+\s*$",
    re.IGNORECASE,
)


# Answer texts of common rating scales, lowest first: what
# :func:`guess_rating_labels` recognises.
RATING_SCALES = (
    ("Very poor", "Poor", "Fair", "Good", "Excellent"),
    ("Poor", "Fair", "Good", "Very good", "Excellent"),
    ("Very poor", "Poor", "Average", "Good", "Excellent"),
    ("Terrible", "Poor", "Average", "Good", "Excellent"),
    ("Very bad", "Bad", "Neutral", "Good", "Very good"),
    ("Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"),
    ("Very dissatisfied", "Dissatisfied", "Neither", "Satisfied", "Very satisfied"),
    (
        "Very dissatisfied",
        "Dissatisfied",
        "Neither satisfied nor dissatisfied",
        "Satisfied",
        "Very satisfied",
    ),
    (
        "Very dissatisfied",
        "Somewhat dissatisfied",
        "Neither satisfied nor dissatisfied",
        "Somewhat satisfied",
        "Very satisfied",
    ),
    (
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ),
    ("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"),
    (
        "Strongly disagree",
        "Somewhat disagree",
        "Neither agree nor disagree",
        "Somewhat agree",
        "Strongly agree",
    ),
    ("Very unlikely", "Unlikely", "Neutral", "Likely", "Very likely"),
    (
        "Not at all important",
        "Slightly important",
        "Moderately important",
        "Very important",
        "Extremely important",
    ),
    ("Very unimportant", "Unimportant", "Neutral", "Important", "Very important"),
    # German: school grades (exported best first as 1 = "sehr gut": the
    # labels read lowest first), quality, satisfaction, agreement, importance
    ("mangelhaft", "ausreichend", "befriedigend", "gut", "sehr gut"),
    ("ungenügend", "mangelhaft", "ausreichend", "befriedigend", "gut", "sehr gut"),
    ("sehr schlecht", "schlecht", "mittelmäßig", "gut", "sehr gut"),
    ("sehr schlecht", "schlecht", "teils/teils", "gut", "sehr gut"),
    ("sehr unzufrieden", "unzufrieden", "teils/teils", "zufrieden", "sehr zufrieden"),
    (
        "sehr unzufrieden",
        "eher unzufrieden",
        "teils/teils",
        "eher zufrieden",
        "sehr zufrieden",
    ),
    (
        "sehr unzufrieden",
        "unzufrieden",
        "weder zufrieden noch unzufrieden",
        "zufrieden",
        "sehr zufrieden",
    ),
    (
        "stimme überhaupt nicht zu",
        "stimme eher nicht zu",
        "teils/teils",
        "stimme eher zu",
        "stimme voll und ganz zu",
    ),
    (
        "stimme überhaupt nicht zu",
        "stimme nicht zu",
        "weder noch",
        "stimme zu",
        "stimme voll und ganz zu",
    ),
    (
        "überhaupt nicht wichtig",
        "weniger wichtig",
        "teils/teils",
        "wichtig",
        "sehr wichtig",
    ),
    # French: quality, satisfaction, agreement, importance
    ("très mauvais", "mauvais", "moyen", "bon", "très bon"),
    ("très mauvais", "mauvais", "moyen", "bon", "excellent"),
    ("très insatisfait", "insatisfait", "neutre", "satisfait", "très satisfait"),
    (
        "très insatisfait",
        "plutôt insatisfait",
        "ni satisfait ni insatisfait",
        "plutôt satisfait",
        "très satisfait",
    ),
    (
        "pas du tout satisfait",
        "peu satisfait",
        "moyennement satisfait",
        "satisfait",
        "très satisfait",
    ),
    (
        "pas du tout d'accord",
        "pas d'accord",
        "ni d'accord ni pas d'accord",
        "d'accord",
        "tout à fait d'accord",
    ),
    (
        "pas du tout d'accord",
        "plutôt pas d'accord",
        "ni d'accord ni pas d'accord",
        "plutôt d'accord",
        "tout à fait d'accord",
    ),
    (
        "pas du tout important",
        "peu important",
        "moyennement important",
        "important",
        "très important",
    ),
)


def _fold(text: object) -> str:
    """A label as it is matched: stripped, case-folded, inner spaces single,
    a typographic apostrophe (d\u2019accord, as Word and Excel write it) as
    a plain one."""
    return " ".join(str(text).replace("\u2019", "'").split()).casefold()


def label_scales(labels: RatingLabels) -> list[dict[str, float]]:
    """``rating_labels`` as one map of folded label -> number per scale.

    ``labels`` is one scale's labels, lowest first (counted 1, 2, ...), a
    mapping of label to number, or a list of several of these (a survey
    whose touchpoints, satisfaction and stated importance use different
    words). Raises ``TypeError`` for anything else and ``ValueError`` for a
    scale of fewer than two labels, a label twice in one scale, or a number
    that is not finite.

    Examples
    --------
    >>> label_scales(["Poor", "Good"])
    [{'poor': 1.0, 'good': 2.0}]
    >>> label_scales([["Poor", "Good"], {"0 - Not at all likely": 0}])
    [{'poor': 1.0, 'good': 2.0}, {'0 - not at all likely': 0.0}]
    """
    if isinstance(labels, Mapping):
        scale = {}
        for label, number in labels.items():
            if not isinstance(label, str) or not label.strip():
                raise TypeError(f"a label must be text, got {label!r}")
            if not _is_number(number) or not np.isfinite(number):
                raise ValueError(f"the number of {label!r} must be finite")
            scale[_fold(label)] = float(number)
        if len(scale) < len(labels):
            raise ValueError("a label is given twice")
        return [scale]
    if isinstance(labels, str | bytes) or not isinstance(labels, Sequence):
        raise TypeError("expected a list of labels or a mapping")
    if labels and all(not isinstance(x, str) for x in labels):  # several scales
        return [scale for part in labels for scale in label_scales(part)]
    if not all(isinstance(x, str) and x.strip() for x in labels):
        raise TypeError("a label must be text")
    folded = [_fold(x) for x in labels]
    if len(folded) < 2 or len(set(folded)) < len(folded):
        raise ValueError("a scale needs two or more distinct labels")
    return [{label: float(i) for i, label in enumerate(folded, start=1)}]


def rating_numbers(labels: RatingLabels) -> dict[str, float]:
    """``rating_labels`` as one map of folded label -> number.

    Raises ``ValueError`` when two scales give one label different numbers
    (see :func:`label_scales` for the forms and the other errors).

    Examples
    --------
    >>> rating_numbers(["Poor", "Good"])
    {'poor': 1.0, 'good': 2.0}
    >>> rating_numbers({"0 - Not at all likely": 0, "10 - Extremely likely": 10})
    {'0 - not at all likely': 0.0, '10 - extremely likely': 10.0}
    """
    out: dict[str, float] = {}
    for scale in label_scales(labels):
        for label, number in scale.items():
            if out.setdefault(label, number) != number:
                raise ValueError(
                    f"the label {label!r} is {out[label]:g} in one scale and "
                    f"{number:g} in another"
                )
    return out


def rating_labels_note(labels: RatingLabels) -> str:
    """What :func:`apply_rating_labels` reads each label as, in words.

    Examples
    --------
    >>> rating_labels_note(["Poor", "Fair", "Good"])
    'Ratings written as words, read as numbers: Poor = 1, Fair = 2, Good = 3.'
    """
    several = not isinstance(labels, Mapping) and all(
        not isinstance(x, str) for x in labels
    )
    parts = []
    for scale in labels if several else [labels]:
        pairs = (
            scale.items()
            if isinstance(scale, Mapping)
            else ((label, i) for i, label in enumerate(scale, start=1))
        )
        parts.append(", ".join(f"{label} = {float(n):g}" for label, n in pairs))
    return f"Ratings written as words, read as numbers: {'; '.join(parts)}."


def apply_rating_labels(
    survey: pd.DataFrame,
    columns: Iterable[str],
    labels: RatingLabels,
) -> pd.DataFrame:
    """Ratings written as answer texts, as numbers.

    In each of ``columns`` a cell whose text is one of ``labels`` (matched
    without regard to case or surrounding spaces) becomes its number: a list
    of labels, lowest first, counts 1, 2, ...; a mapping gives each label its
    number (for a 0-10 scale whose ends alone are labelled, say); a list of
    several such scales serves columns that use different words. Numbers,
    empty cells and other text are left as they are, for validation to
    judge. The scale of each column that had a label (lowest to highest
    number of the scale its labels belong to) is recorded with the file's
    other metadata (``attrs["emomotiv"]["scales"]``), so a catalog without
    scale columns gets it (:func:`complete_catalog`).

    Returns
    -------
    DataFrame
        A shallow copy: only the columns that held a label are new.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"app": ["Good", " excellent", "4", "Don't know"]})
    >>> out = apply_rating_labels(survey, ["app"], ["Poor", "Fair", "Good",
    ...                                             "Very good", "Excellent"])
    >>> out["app"].tolist()
    [3.0, 5.0, '4', "Don't know"]
    >>> out.attrs["emomotiv"]["scales"]
    {'app': (1.0, 5.0)}
    """
    numbers = rating_numbers(labels)
    parts = label_scales(labels)
    out = survey.copy(deep=False)
    out.attrs = dict(survey.attrs)  # the caller's metadata stays as it was
    meta = _meta(survey)
    scales = dict(meta["scales"])
    for column in columns:
        if column not in out.columns or out[column].dtype.kind in "biuf":
            continue
        values = out[column].astype(object)
        number = values.map(
            lambda v: numbers.get(_fold(v)) if isinstance(v, str) else None
        )
        hit = number.notna().to_numpy()
        if hit.any():
            out[column] = values.where(~hit, number.to_numpy())
            found = set(values[hit].map(_fold))
            own = next((p for p in parts if found <= set(p)), numbers)
            scales.setdefault(column, (min(own.values()), max(own.values())))
    return _with_meta(out, dict(meta["labels"]), scales, meta.get("platform", ()))


def _label_texts(values: Iterable[object]) -> list[str]:
    """The answers that could be a scale's labels: text that is neither a
    number ("4") nor a non-answer ("Don't know")."""
    return [
        v
        for v in values
        if isinstance(v, str)
        and v.strip()
        and not _is_numeric_text(v)
        and not NON_ANSWER.search(v)
    ]


# Answers of a yes/no question as survey exports write them.
YES_ANSWERS = ("yes", "y", "true", "t", "ja", "oui", "si", "connected")
NO_ANSWERS = ("no", "n", "false", "f", "nein", "non", "not connected", "unconnected")


def yes_answer(answers: Iterable[object]) -> str | None:
    """The answer that means yes, as written, when every answer is a yes or a
    no (:data:`YES_ANSWERS`, :data:`NO_ANSWERS`); else None.

    Examples
    --------
    >>> yes_answer(["No", "Yes", "No"]), yes_answer(["Yes", "Maybe"])
    ('Yes', None)
    """
    texts = [a.strip() for a in answers if isinstance(a, str) and a.strip()]
    folded = {_fold(a) for a in texts}
    if not texts or not folded <= {*YES_ANSWERS, *NO_ANSWERS}:
        return None
    return next((a for a in texts if _fold(a) in YES_ANSWERS), None)


def true_answer(answers: Iterable[object]) -> object | None:
    """The answer that means true, as written, when every answer is a
    checkbox's TRUE or FALSE (in any case, or a bool); ``True`` where every
    answer is FALSE (a box nobody ticked: one class, which validation
    names); else None.

    Examples
    --------
    >>> true_answer(["FALSE", "TRUE"]), true_answer([True, False])
    ('TRUE', True)
    >>> true_answer(["TRUE", "Yes"]), true_answer(["FALSE"])
    (None, True)
    """
    answers = list(answers)
    folded = [_answer(a) for a in answers]
    if not answers or not set(folded) <= {"true", "false"}:
        return None
    return next((a for a, f in zip(answers, folded, strict=True) if f == "true"), True)


def _answer(value: object) -> str:
    """An answer as :func:`code_outcome` matches it: numbers as ``1`` (not
    ``1.0``), text folded like a rating label."""
    if _is_number(value) or _is_numeric_text(value):
        return f"{float(value) + 0.0:g}"  # + 0.0: -0.0 is 0
    return _fold(value)


def _shown_answer(value: object) -> str:
    """An answer as the notes show it: a number as ``7`` (not ``7.0``),
    text without stray spaces."""
    return _answer(value) if _is_number(value) else str(value).strip()


def code_outcome(
    column: pd.Series, connected: Iterable[str | float], what: str = "Connection"
) -> tuple[pd.Series, str]:
    """A yes/no outcome as 1/0: 1 where the answer is one of ``connected``.

    Answers match without regard to case or stray spaces, and ``1`` matches
    ``1.0`` and ``"1"``. Every other answer is 0; an empty cell stays empty.
    Returns the coded column and a note saying what each answer became
    (``what`` names the column's role in it).

    Examples
    --------
    >>> import pandas as pd
    >>> coded, note = code_outcome(pd.Series(["Yes", "no", " yes", None]), ["YES"])
    >>> coded.tolist()[:3]
    [1.0, 0.0, 1.0]
    >>> note
    "Connection coded from the answers: 1 for 'Yes' (1), 'yes' (1), 0 for 'no' (1)."
    >>> code_outcome(pd.Series([9.0, 0.0, -0.0]), [9])[1]
    "Connection coded from the answers: 1 for '9' (1), 0 for '0' (2)."
    """
    wanted = {_answer(v) for v in connected}
    # a cell of spaces only is empty, as everywhere (a cell 'cleared' in Excel)
    column = column.mask(column.map(lambda v: isinstance(v, str) and not v.strip()))
    given = column.notna()
    matched = column[given].map(_answer).isin(wanted)
    coded = pd.Series(np.nan, index=column.index)
    coded[given.to_numpy()] = matched.astype(float).to_numpy()
    # the answers given: a category column's unused categories are none
    shown = column[given].astype(object).map(_shown_answer)
    counts = shown.value_counts(sort=False)
    ones = [f"{a!r} ({n:,})" for a, n in counts.items() if _answer(a) in wanted]
    zeros = [f"{a!r} ({n:,})" for a, n in counts.items() if _answer(a) not in wanted]
    note = (
        f"{what} coded from the answers: 1 for {', '.join(ones) or 'none'}, "
        f"0 for {', '.join(zeros) or 'none'}."
    )
    return coded, note


def unmatched_answers(column: pd.Series, connected: Iterable[str | float]) -> list:
    """The values of ``connected`` that no answer in ``column`` matches (as
    :func:`code_outcome` matches them): a typo ("6,8" for a 1-7 question's
    top box) would code the answer meant as 0.

    Examples
    --------
    >>> import pandas as pd
    >>> unmatched_answers(pd.Series([5, 6, 7]), [6, 8])
    [8]
    >>> unmatched_answers(pd.Series(["Yes", "no"]), ["yes"])
    []
    """
    given = set(column.dropna().map(_answer))
    return [value for value in connected if _answer(value) not in given]


def shown_answers(column: pd.Series) -> list[str]:
    """A yes/no column's distinct answers as its notes show them: numbers
    as ``7`` (not ``7.0``), in order, then texts without stray spaces.

    Examples
    --------
    >>> import pandas as pd
    >>> shown_answers(pd.Series([7.0, 2, None, 10]))
    ['2', '7', '10']
    """
    values = column.dropna().unique()
    numbers = sorted(float(v) for v in values if _is_number(v) or _is_numeric_text(v))
    texts = sorted(
        {str(v).strip() for v in values if not _is_number(v)}
        - {_answer(n) for n in numbers}
    )
    return list(dict.fromkeys(f"{n + 0.0:g}" for n in numbers)) + texts


_NUMBERED = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[-\u2013\u2014=:.)]\s*\D")


def numbered_labels(values: Iterable[object]) -> dict[str, float] | None:
    """Answer texts that start with their number ("1 - Very poor", "10 =
    Extremely likely"), each with that number; None unless every text that
    is neither a number nor a non-answer ("Don't know") is one.

    Examples
    --------
    >>> numbered_labels(["1 - Very poor", "2", "5 - Excellent", "Don't know"])
    {'1 - Very poor': 1.0, '5 - Excellent': 5.0}
    >>> numbered_labels(["1 - Very poor", "Good"]) is None
    True
    """
    texts = {" ".join(v.split()) for v in _label_texts(values)}
    found = {t: _NUMBERED.match(t) for t in sorted(texts)}
    if not found or not all(found.values()):
        return None
    return {t: float(m.group(1)) for t, m in found.items()}


def guess_rating_labels(values: Iterable[object]) -> list[str] | None:
    """The common scale whose labels these answer texts are, lowest first.

    Texts that name a non-answer ("Don't know", "N/A") are set aside; the
    rest must all be labels of one scale in :data:`RATING_SCALES` (matched
    without regard to case). Where several scales hold them, the one they
    cover most wins, then the first listed. None when no scale holds them,
    or fewer than two distinct texts are left.

    Examples
    --------
    >>> guess_rating_labels(["good", "Excellent", "Very poor", "Don't know"])
    ['Very poor', 'Poor', 'Fair', 'Good', 'Excellent']
    >>> guess_rating_labels(["Agree", "Strongly agree", "Disagree"])[0]
    'Strongly disagree'
    >>> guess_rating_labels(["Yes", "No"]) is None
    True
    """
    seen = {_fold(v) for v in _label_texts(values)}
    if len(seen) < 2:
        return None
    best, cover = None, 0.0
    for scale in RATING_SCALES:
        folded = [_fold(label) for label in scale]
        if seen <= set(folded) and len(seen) / len(folded) > cover:
            best, cover = list(scale), len(seen) / len(folded)
    return best


def _read_labelled(
    path: Path,
    read: Callable[..., tuple[pd.DataFrame, Any]],
    not_experienced: Sequence[float | str] | None,
    nominal: str | Sequence[str] = (),
) -> pd.DataFrame:
    frame, meta = read(str(path), user_missing=True)
    frame, lines = without_blank_rows(frame)  # a case of no value is no one
    if lines:
        warnings.warn(footer_note(lines, f"'{path}'"), EmomotivWarning, stacklevel=4)
    missing: dict[str, pd.Series] = {}  # each column's declared missing codes
    for column, kind in (meta.readstat_variable_types or {}).items():
        # Stata's extended missing values (.a-.z) come in as their letters,
        # the only text of a numeric column
        if kind != "string" and column in frame and frame[column].dtype == object:
            letters = frame[column].map(lambda v: isinstance(v, str)).to_numpy()
            if not letters.any():
                continue  # dates and times come in as objects too
            missing[column] = ("." + frame[column][letters]).reindex(frame.index)
            rest = frame[column].mask(letters)
            numeric = rest.dropna().map(_is_number).all()
            frame[column] = rest.astype(float) if numeric else rest
    ranges = getattr(meta, "missing_ranges", None) or {}
    codes = [c for c in (not_experienced or ()) if _is_number(c)]
    scales, descending, emptied = {}, {}, {}
    for column, value_labels in (meta.variable_value_labels or {}).items():
        declared = _missing_codes(ranges, column)
        labelled = [v for v in value_labels if _is_number(v)]
        ratings = [
            v
            for v in labelled
            if not declared(v)
            and v not in codes
            and not NON_ANSWER.search(str(value_labels[v]))
        ]
        if len(ratings) >= 2:
            scales[column] = (float(min(ratings)), float(max(ratings)))
            rated = {v: value_labels[v] for v in sorted(ratings)}
            if _best_first(rated):
                descending[column] = rated
        # The not-experienced codes a user names become empty where the
        # file itself labels them (e.g. 0 = "not applicable").
        blank = [v for v in labelled if v in codes]
        if blank and pd.api.types.is_numeric_dtype(frame[column]):
            coded = frame[column].isin(blank).to_numpy()
            frame[column] = frame[column].mask(coded)
            if coded.any():
                emptied[column] = coded
    for column in ranges:
        if column in frame and pd.api.types.is_numeric_dtype(frame[column]):
            hit = _missing_codes(ranges, column)(frame[column].to_numpy())
            if hit.any():
                found = frame[column][hit].map("{:g}".format)
                missing[column] = found.reindex(frame.index)
                frame[column] = frame[column].mask(hit)
    nominal = [nominal] if isinstance(nominal, str) else nominal
    for column in nominal:
        value_labels = (meta.variable_value_labels or {}).get(column)
        if value_labels and column in frame:
            frame[column] = _named_codes(frame[column], value_labels)
    frame = _with_meta(frame, dict(meta.column_names_to_labels or {}), scales)
    frame.attrs[ATTRS]["not_experienced_cells"] = {
        column: _Shared(coded) for column, coded in emptied.items()
    }
    if emptied:
        frame.attrs[ATTRS]["not_experienced_rows"] = _read_rows(frame, emptied)
    if missing:
        frame.attrs[ATTRS]["declared_missing"] = _declared_record(
            frame, missing, meta.variable_value_labels or {}
        )
    frame.attrs[ATTRS]["best_first"] = {
        column: {f"{k:g}": str(v) for k, v in labels.items() if _is_number(k)}
        for column, labels in descending.items()
    }
    return frame


def emptied_cells(survey: pd.DataFrame) -> dict[str, np.ndarray] | None:
    """The cells the SPSS/Stata reader emptied as not-experienced codes, per
    column, one flag a row of ``survey`` as it is now.

    The record follows the rows: a survey sorted or filtered since it was
    read finds its rows by their index labels, or, where those were reset,
    by their respondent id (a column of distinct values) or their answers;
    a column's type does not matter (``convert_dtypes()``, ratings cast to
    float32, an id to integers or text).

    Returns
    -------
    dict or None
        Empty where the reader emptied no cell; None where it did but the
        rows can no longer be matched (an emptied column or the id dropped
        or its values changed, the answers alike in several rows): no record
        rather than a wrong one.

    Examples
    --------
    >>> survey = pd.DataFrame({"id": [7, 8], "q1": [1.0, None]})
    >>> survey.attrs["emomotiv"] = {
    ...     "not_experienced_cells": {"q1": np.array([False, True])}}
    >>> survey.attrs["emomotiv"]["not_experienced_rows"] = _read_rows(
    ...     survey, ["q1"])
    >>> emptied_cells(survey)["q1"].tolist()
    [False, True]
    >>> emptied_cells(survey.iloc[::-1])["q1"].tolist()
    [True, False]
    >>> emptied_cells(survey.iloc[::-1].reset_index(drop=True))["q1"].tolist()
    [True, False]
    >>> emptied_cells(survey.drop(columns="q1")) is None
    True
    """
    meta = survey.attrs.get(ATTRS, {})
    cells = meta.get("not_experienced_cells") or {}
    if not cells:
        return {}
    at = _read_positions(survey, meta.get("not_experienced_rows"))
    if at is None:
        return None
    return {c: _array(f)[at] for c, f in cells.items()}


def _declared_record(
    frame: pd.DataFrame,
    missing: Mapping[str, pd.Series],
    value_labels: Mapping[str, Mapping[Any, object]],
) -> dict[str, Any]:
    """What :func:`declared_missing_note` reads: each column's declared
    missing codes emptied (``missing``: the code a row as the notes write it,
    ``99`` or ``.a``), as a number a row into its ``codes`` (-1 where none),
    their value labels, and what finds the rows again."""
    cells, codes, labels = {}, {}, {}
    for column, found in missing.items():
        kinds = pd.Categorical(found)
        cells[column] = _Shared(kinds.codes)
        codes[column] = [str(code) for code in kinds.categories]
        named = {
            f".{k}" if isinstance(k, str) else f"{k:g}": str(text)
            for k, text in (value_labels.get(column) or {}).items()
        }
        labels[column] = {c: named[c] for c in codes[column] if c in named}
    rows = _read_rows(frame, [])
    return {"cells": cells, "codes": codes, "labels": labels, "rows": rows}


def _declared_positions(
    survey: pd.DataFrame, record: Mapping[str, Any], columns: Sequence[str] = ()
) -> np.ndarray | None:
    """The position as read of each row of ``survey`` in a record of
    :func:`_declared_record`: found by its id (a column of distinct values)
    where it is still there, else by its index label; None where a row is
    not so found, or where a cell of ``columns`` emptied as read holds a
    value now (the rows, or that column, changed since)."""
    rows = record["rows"]
    if survey.columns.has_duplicates:
        return None
    at = None
    if rows["ids"] and set(rows["ids"]) <= set(survey.columns):
        known = pd.Index(_array(rows["id_keys"]))
        if known.is_unique:
            at = known.get_indexer(_row_keys(survey, rows["ids"]))
    if at is None or (at < 0).any():
        labels = pd.Index(_array(rows["labels"]))
        if not (survey.index.is_unique and labels.is_unique):
            return None
        at = labels.get_indexer(survey.index)
    if (at < 0).any():
        return None
    for column in columns:
        emptied = _array(record["cells"][column])[at] >= 0
        if survey[column].notna().to_numpy()[emptied].any():
            return None
    return at


def declared_missing_note(survey: pd.DataFrame, facets: Sequence[str]) -> list[str]:
    """The console's and the report's line on the cells of ``facets`` that
    the SPSS/Stata reader emptied as the file's declared missing values (SPSS
    user-missing codes, Stata's ``.a``-``.z``), per code and value label.

    Such a cell is empty as any other, not an answer: unlike a declared
    not-experienced code, a respondent with only such cells left every facet
    empty (see :func:`emomotiv.pipeline.unrated_warnings`). No line where
    the reader emptied none there, or where the rows can no longer be
    matched to the codes read.

    Examples
    --------
    >>> import tempfile
    >>> import pyreadstat
    >>> path = tempfile.mkdtemp() + "/survey.sav"
    >>> pyreadstat.write_sav(
    ...     pd.DataFrame({"q1": [1.0, 9.0, 5.0, 9.0], "q2": [98.0, 2, 3, 4]}),
    ...     path, variable_value_labels={"q1": {9: "Don't know"}},
    ...     missing_ranges={"q1": [9], "q2": [98]})
    >>> declared_missing_note(read_spss(path), ["q1", "q2"])
    ... # doctest: +NORMALIZE_WHITESPACE
    ["Read the file's declared missing values 9 (Don't know: 2 cells) and 98
    (1 cell) as empty: 3 cells in 2 facets: 'q1' (2), 'q2' (1)."]
    """
    record = survey.attrs.get(ATTRS, {}).get("declared_missing")
    columns = [f for f in facets if f in (record or {}).get("cells", {})]
    columns = [c for c in columns if c in survey.columns]
    at = _declared_positions(survey, record, columns) if columns else None
    if at is None:
        return []
    by_code: dict[str, int] = {}
    named_as: dict[str, list[str]] = {}  # a code's labels, in any column
    by_facet: dict[str, int] = {}
    for facet in columns:
        found = _array(record["cells"][facet])[at]
        codes, labels = record["codes"][facet], record["labels"][facet]
        for k, n in zip(*np.unique(found[found >= 0], return_counts=True), strict=True):
            code = codes[k]
            by_code[code] = by_code.get(code, 0) + int(n)
            by_facet[facet] = by_facet.get(facet, 0) + int(n)
            said = named_as.setdefault(code, [])
            if labels.get(code) and labels[code] not in said:
                said.append(labels[code])
    if not by_facet:
        return []
    shown = []
    for code, n in by_code.items():
        inside = [" / ".join(named_as[code])] if named_as[code] else []
        if len(by_code) > 1:  # of one code, the total says it
            inside.append(f"{n:,} cell{'' if n == 1 else 's'}")
        shown.append(f"{code} ({': '.join(inside)})" if inside else code)
    codes = " and ".join([", ".join(shown[:-1]), shown[-1]] if shown[1:] else shown)
    n = sum(by_facet.values())
    named = [f"'{f}' ({k:,})" for f, k in by_facet.items()]
    return [
        f"Read the file's declared missing value{'s' if shown[1:] else ''} {codes} "
        f"as empty: {n:,} cell{'' if n == 1 else 's'} in "
        f"{many(len(by_facet), 'facet')}: {listed(named)}."
    ]


def _read_rows(frame: pd.DataFrame, emptied: Sequence[str]) -> dict[str, Any]:
    """What finds a survey's rows again once it is sorted or filtered: their
    index labels as read, a key a row of the emptied columns' answers, and
    one of those and the columns of distinct values (a respondent id)."""
    columns = list(emptied)
    ids = [
        c
        for c in frame.columns
        if c not in columns and frame[c].notna().all() and frame[c].is_unique
    ]
    return {
        "labels": _Shared(frame.index.to_numpy()),
        "columns": columns,
        "keys": _Shared(_row_keys(frame, columns)),
        "ids": ids,
        "id_keys": _Shared(_row_keys(frame, columns + ids)),
    }


class _Shared:
    """An array kept in a frame's ``attrs``: read-only, compared by value
    and shared rather than copied. pandas compares the attrs of the frames it
    combines (``astype`` of a dict, ``concat`` of columns, ``merge``), which
    a bare array makes raise, and copies them with most operations."""

    __slots__ = ("array",)

    def __init__(self, array) -> None:
        array = np.array(array)
        array.flags.writeable = False
        self.array = array

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Shared)
            and self.array.shape == other.array.shape
            and bool(np.array_equal(self.array, other.array))
        )

    __hash__ = None  # type: ignore[assignment]

    def __deepcopy__(self, memo) -> _Shared:
        return self

    def __repr__(self) -> str:
        return f"_Shared(<{self.array.dtype} array of {len(self.array)}>)"


def _array(values) -> np.ndarray:
    """The array a :class:`_Shared` holds, or ``values`` as an array."""
    return values.array if isinstance(values, _Shared) else np.asarray(values)


def _row_keys(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """A number a row that its answers in ``columns`` give, the same whatever
    the columns' types: a survey given ``convert_dtypes()``, its ratings cast
    to float32 or its id to integers still has the same rows."""
    same = pd.DataFrame(
        {i: _key_values(frame[c]) for i, c in enumerate(columns)}, index=frame.index
    )
    return pd.util.hash_pandas_object(same, index=False).to_numpy()


def _key_values(column: pd.Series) -> np.ndarray:
    """The values of ``column`` in one form a type: numbers (numbers stored
    as text too) as float64, a fraction rounded as float32 stores it; other
    text as str, a missing value as an empty string."""
    try:
        values = pd.to_numeric(column).to_numpy("float64", True, na_value=np.nan)
    except (TypeError, ValueError):
        text = column.astype(str).to_numpy(dtype=object)
        return np.where(column.notna().to_numpy(), text, "").astype(str)
    part = values != np.floor(values)
    values[part] = values[part].astype("float32")
    return values


def _read_positions(
    survey: pd.DataFrame, rows: Mapping[str, Any] | None
) -> np.ndarray | None:
    """The position as read of each row of ``survey``: found by its index
    label where its answers in the emptied columns agree, else by its id and
    those answers (or those answers alone) where each key read is one row's;
    None where a row is not so found."""
    if rows is None or survey.columns.has_duplicates:
        return None
    columns = rows["columns"]
    if not set(columns) <= set(survey.columns):
        return None
    keys = _row_keys(survey, columns)
    labels = pd.Index(_array(rows["labels"]))
    if survey.index.is_unique and labels.is_unique:
        at = labels.get_indexer(survey.index)
        if (at >= 0).all() and (_array(rows["keys"])[at] == keys).all():
            return at
    known = pd.Index(_array(rows["keys"]))
    if rows["ids"] and set(rows["ids"]) <= set(survey.columns):
        keys = _row_keys(survey, columns + rows["ids"])
        known = pd.Index(_array(rows["id_keys"]))
    if known.is_unique:
        at = known.get_indexer(keys)
        if (at >= 0).all():
            return at
    return None


def keep_rows(survey: pd.DataFrame, keep: np.ndarray) -> dict[str, Any]:
    """``attrs["emomotiv"]`` of ``survey`` once the rows ``keep`` (a flag a
    row) are kept and numbered afresh from 0: :func:`emptied_cells` and
    :func:`declared_missing_note` kept in step (or kept unmatched, where the
    rows were so already)."""
    meta = dict(survey.attrs.get(ATTRS, {}))
    keep = np.asarray(keep, dtype=bool)
    declared = meta.get("declared_missing")
    if declared:
        at = _declared_positions(survey, declared)
        meta["declared_missing"] = None if at is None else _kept(declared, at[keep])
    if not meta.get("not_experienced_cells"):
        return meta
    rows = meta.get("not_experienced_rows")
    at = _read_positions(survey, rows)
    if at is None:
        meta["not_experienced_rows"] = None
        return meta
    kept = _kept({"cells": meta["not_experienced_cells"], "rows": rows}, at[keep])
    meta["not_experienced_cells"] = kept["cells"]
    meta["not_experienced_rows"] = kept["rows"]
    return meta


def _kept(record: Mapping[str, Any], at: np.ndarray) -> dict[str, Any]:
    """A record of emptied ``cells`` and the ``rows`` they were read in (see
    :func:`_read_rows`), for the rows as read at ``at``, numbered afresh
    from 0."""
    rows = record["rows"]
    rows = {
        **rows,
        "labels": _Shared(np.arange(len(at))),
        "keys": _Shared(_array(rows["keys"])[at]),
        "id_keys": _Shared(_array(rows["id_keys"])[at]),
    }
    cells = {c: _Shared(_array(f)[at]) for c, f in record["cells"].items()}
    return {**record, "cells": cells, "rows": rows}


def _named_codes(column: pd.Series, value_labels: Mapping[Any, object]) -> pd.Series:
    """A column of nominal codes as the names their value labels give them
    (1 as "UK / IE"); a code without a label as its text (``4``,
    ``1234567``, ``2.5``), an empty cell empty. A code without a label
    whose text is another code's label (2 labelled "3", and a code 3) is
    named "code 3", with a warning, so that the two stay apart.

    Examples
    --------
    >>> column = pd.Series([1.0, 1234567.0, 1234568.0, 2.5, None])
    >>> _named_codes(column, {1.0: "UK"}).tolist()
    ['UK', '1234567', '1234568', '2.5', nan]
    """
    labels = {str(text) for text in value_labels.values()}
    taken: set[str] = set()

    def name(code: Any) -> Any:
        if pd.isna(code):
            return code
        if code in value_labels:
            return str(value_labels[code])
        text = _code_text(code)
        if text in labels:
            taken.add(text)
            return f"code {text}"
        return text

    named = column.astype(object).map(name)
    if taken:
        kept = ", ".join(f"'code {text}'" for text in sorted(taken))
        warnings.warn(
            f"The column '{column.name}' holds codes without a value label "
            f"whose number is another code's label: named {kept}, apart from "
            "the code so labelled. Give every code its own label in the file "
            "to name them.",
            EmomotivWarning,
            stacklevel=5,
        )
    return named


def _code_text(code: Any) -> str:
    """A code as its exact text: a whole number without a decimal point
    (1234567), another as its shortest exact digits (2.5)."""
    if not _is_number(code):
        return str(code)
    if float(code).is_integer():
        return str(int(code))
    return repr(float(code))


def _best_first(value_labels: Mapping[float, object]) -> bool:
    """Whether a column's value labels are a known rating scale numbered from
    its best label down (1 = "Excellent" ... 5 = "Poor")."""
    folded = {code: _fold(text) for code, text in value_labels.items()}
    for scale in RATING_SCALES:
        rank = {_fold(label): i for i, label in enumerate(scale)}
        if len(folded) >= 3 and all(text in rank for text in folded.values()):
            order = [rank[folded[code]] for code in sorted(folded)]
            return all(a > b for a, b in itertools.pairwise(order))
    return False


def label_order_warnings(survey: pd.DataFrame) -> list[str]:
    """A warning for the rating columns whose value labels run from best to
    worst: there a higher code is a worse rating, so a driver reads as
    lowering connection and a one-point rise as a worse experience.

    Examples
    --------
    >>> frame = pd.DataFrame({"q1": [1.0, 3.0]})
    >>> frame.attrs["emomotiv"] = {"best_first": {"q1": {"1": "Excellent",
    ...                                                  "3": "Poor"}}}
    >>> label_order_warnings(frame)[0][:48]
    'Value labels run from best to worst in 1 column:'
    """
    found = survey.attrs.get(ATTRS, {}).get("best_first") or {}
    if not found:
        return []
    column, labels = next(iter(found.items()))
    first, last = next(iter(labels.items())), list(labels.items())[-1]
    n = len(found)
    return [
        f"Value labels run from best to worst in {n} column{'s' if n > 1 else ''}: "
        f"{preview(list(found))} ('{column}': {first[0]} = {first[1]} ... "
        f"{last[0]} = {last[1]}). A higher code is a worse rating there, so "
        "their effects read the wrong way round; reverse the codes (for a 1-5 "
        "scale, 6 minus the code) before the analysis."
    ]


def read_spss(
    path: str | PathLike,
    *,
    not_experienced: Sequence[float | str] | None = None,
    nominal: str | Sequence[str] = (),
) -> pd.DataFrame:
    """Read an SPSS ``.sav`` or ``.zsav`` file (needs ``pyreadstat``).

    Parameters
    ----------
    path : path
    not_experienced : sequence or None
        Codes meaning "did not experience" (e.g. ``[0]``): they become empty
        cells in every column whose value labels name them, and never count
        as a rating in the scale. Declared missing values (user-missing codes
        and ranges) always become empty cells, those of the facets counted in
        a note of the analysis (:func:`declared_missing_note`).
    nominal : str or sequence of str, default=()
        Columns of nominal codes, such as a segment's markets: each code is
        read as its value label, the name it stands for (1 as "UK / IE"),
        and a code without a label as its text. Other columns keep their
        codes.

    Returns
    -------
    DataFrame
        Codes as numbers; variable labels and the rating scales from the
        value labels in ``attrs["emomotiv"]``.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> import pyreadstat
    >>> path = tempfile.mkdtemp() + "/survey.sav"
    >>> table = pd.DataFrame({"q1": [1.0, 5.0, 0.0, 99.0]})
    >>> pyreadstat.write_sav(
    ...     table, path, column_labels={"q1": "Welcome note"},
    ...     variable_value_labels={"q1": {0: "Not applicable", 1: "Poor",
    ...                                   5: "Excellent", 99: "Refused"}},
    ...     missing_ranges={"q1": [99]})
    >>> survey = read_spss(path, not_experienced=[0])
    >>> survey["q1"].tolist()
    [1.0, 5.0, nan, nan]
    >>> survey.attrs["emomotiv"]["scales"]["q1"], survey.attrs["emomotiv"]["labels"]
    ((1.0, 5.0), {'q1': 'Welcome note'})
    """
    pyreadstat = _needs("pyreadstat", "spss", "SPSS files")
    return _read_labelled(Path(path), pyreadstat.read_sav, not_experienced, nominal)


def read_stata(
    path: str | PathLike,
    *,
    not_experienced: Sequence[float | str] | None = None,
    nominal: str | Sequence[str] = (),
) -> pd.DataFrame:
    """Read a Stata ``.dta`` file (needs ``pyreadstat``); see :func:`read_spss`.

    Stata's missing values are empty cells in numeric columns: ``.`` and the
    extended ones, ``.a``-``.z`` (which the file may label, such as ``.a`` =
    "Don't know"), as SPSS's declared missing values are.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> import pyreadstat
    >>> path = tempfile.mkdtemp() + "/survey.dta"
    >>> pyreadstat.write_dta(
    ...     pd.DataFrame({"q1": [1.0, 5.0, 0.0, "a"]}), path,
    ...     column_labels={"q1": "Welcome note"},
    ...     variable_value_labels={"q1": {0: "n/a", 1: "Poor", 5: "Excellent"}},
    ...     missing_user_values={"q1": ["a"]})
    >>> read_stata(path, not_experienced=[0])["q1"].tolist()
    [1.0, 5.0, nan, nan]
    """
    pyreadstat = _needs("pyreadstat", "spss", "Stata files")
    return _read_labelled(Path(path), pyreadstat.read_dta, not_experienced, nominal)


def read_excel(
    path: str | PathLike, *, sheet: int | str = 0, text: str | Sequence[str] = ()
) -> pd.DataFrame:
    """Read one sheet of an Excel ``.xlsx`` workbook (needs ``openpyxl``).

    The first row holds the column names (title lines above it, rows with at
    most one cell filled, are skipped, and ``attrs["emomotiv"]["sheet"]``
    says so, as it says which sheet of several was read); a platform's extra header rows
    (question texts, import ids, SurveyMonkey's statements) are recognised
    as in a CSV export (see :func:`read_platform_csv`). Cells
    are read as a CSV file's are (see :func:`emomotiv.read_table`): only
    empty ones are missing (text such as "N/A" stays text), TRUE/FALSE
    stay text, names are read without the spaces around them and a line
    break within them (:func:`column_name`), and a column named twice is an
    error. Rows with no value (blank, or formatted but empty) are no
    respondents, and lines of text under the data ("Source: FieldCo") are
    left out and named (see :func:`without_blank_rows`). A cell whose
    formula failed (``#N/A``, ``#DIV/0!``), which pandas
    would read as empty, is read as its text, as a CSV export shows it: in a
    column the analysis uses, validation names it, and a column it does not
    use (a helper column's failed lookup) keeps no one from reading the rest.
    The ``text`` columns are read as text, as a CSV file's are (an id
    "0001" is not the number 1; see :func:`emomotiv.read_table`).

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> path = tempfile.mkdtemp() + "/survey.xlsx"
    >>> pd.DataFrame({"q1": [1, 5], "connected": [0, 1]}).to_excel(
    ...     path, index=False)
    >>> read_excel(path)["q1"].tolist()
    [1, 5]
    """
    openpyxl = _needs("openpyxl", "excel", "Excel workbooks")
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        titles = list(book.sheetnames)
        try:
            ws = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
        except (IndexError, KeyError):
            raise ValidationError(
                [
                    f"'{Path(path).name}' has no sheet {sheet!r}; its sheets: "
                    f"{preview(titles)}."
                ],
                subject=f"file '{Path(path).name}'",
            ) from None
        first = [list(r) for r in ws.iter_rows(min_row=1, max_row=12, values_only=True)]
        name = ws.title
        top = _title_rows(first)
        failed = _formula_errors(path, ws, top + 1)
        hidden = _hidden_rows(path, getattr(ws, "_worksheet_path", None), top + 1)
    finally:
        book.close()
    text = [text] if isinstance(text, str) else list(text)
    frame = _sheet_frame(path, sheet, name, first[top : top + 3], top, failed, text)
    frame, lines = without_blank_rows(frame, keep=text)
    notes = []
    if len(titles) > 1:
        notes.append(
            f"Read sheet '{name}' of the {len(titles)} in '{Path(path).name}' "
            f"({preview(titles)}); {SHEET_CHOICE}."
        )
    if top:
        said = [str(c) for row in first[:top] for c in row if _filled(c)]
        notes.append(
            f"Skipped {top} row{'s' if top > 1 else ''} above the header of sheet "
            f"'{name}' (a title: {preview(said) if said else 'empty'})."
        )
    if lines:
        notes.append(footer_note(lines, f"sheet '{name}'"))
    if hidden:
        are = "is" if len(hidden) == 1 else "are"
        notes.append(
            f"{many(len(hidden), 'row')} of sheet '{name}' {are} hidden in "
            f"Excel ({'row' if len(hidden) == 1 else 'rows'} {preview(hidden, 5)}) "
            "and read "
            "as respondents: delete "
            "them from the sheet if they are not (test answers, screened-out "
            "respondents, rows a filter hides)."
        )
    if notes:
        frame.attrs.setdefault(ATTRS, {})["sheet"] = " ".join(notes)
    return frame


# how another sheet of a survey workbook is chosen (a catalog's: see
# emomotiv.pipeline, which names its own option)
SHEET_CHOICE = "choose another with sheet=... (--sheet NAME)"
CATALOG_SHEET_CHOICE = "choose another with catalog_sheet=... (--catalog-sheet NAME)"


# A cell whose formula failed is typed "e" in a sheet's XML. pandas reads it
# as empty, which would pass for "not experienced" or a missing value.
_ERROR_TYPE = re.compile(rb"""\bt\s*=\s*["']e["']""")


def _may_hold_errors(path: str | PathLike) -> bool:
    """Whether a part of the workbook at ``path`` may hold a failed formula's
    cell: a byte search, chunk by chunk, that spares a clean workbook the
    cell-by-cell pass of :func:`_formula_errors` (as long as reading it)."""
    with zipfile.ZipFile(path) as book:
        for info in book.infolist():
            if not info.filename.endswith(".xml"):
                continue
            with book.open(info) as part:
                tail = b""
                while chunk := part.read(1 << 20):
                    window = tail + chunk
                    # the quoted e first: a byte search, many times a regex's speed
                    quoted = b'"e"' in window or b"'e'" in window
                    if quoted and _ERROR_TYPE.search(window):
                        return True
                    tail = chunk[-16:]  # a match across two chunks
    return False


# a row element, its attributes and (unless it closes itself) its cells
_ROW_TAG = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.DOTALL)
_VALUE = re.compile(rb"<(?:v|is)\b")
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")
_HIDDEN = re.compile(rb"""\bhidden\s*=\s*["'](?:1|true)["']""")


def _hidden_rows(path: str | PathLike, part: str | None, header_row: int) -> list[int]:
    """The rows (counted from 1, as Excel numbers them) below ``header_row``
    that the sheet stored at ``part`` of the workbook hides (by hand or by a
    filter) and that hold two values or more (a respondent's, not a blank row
    or a footer's line of text), read from its XML a chunk at a time."""
    if not part:
        return []
    rows: set[int] = set()
    with zipfile.ZipFile(path) as book:
        try:
            stream = book.open(part.lstrip("/"))
        except KeyError:
            return []
        with stream:
            tail = b""
            while chunk := stream.read(1 << 20):
                window = tail + chunk
                end = 0
                for row in _ROW_TAG.finditer(window):
                    number = _ROW_NUMBER.search(row.group(1))
                    cells = row.group(2) or b""
                    # two values or more: a respondent, not a line of text
                    # under the data (a footer read_excel leaves out)
                    answered = len(_VALUE.findall(cells)) >= 2
                    if number and _HIDDEN.search(row.group(1)) and answered:
                        rows.add(int(number.group(1)))
                    end = row.end()
                tail = window[end:]  # a row cut by the chunk, read with the next
    return sorted(r for r in rows if r > header_row)


def _formula_errors(path: str | PathLike, ws, header_row: int) -> list[tuple]:
    """The cells of the read-only sheet ``ws`` under its header (its row
    ``header_row``, counted from 1) that show a failed formula (``#N/A``,
    ``#DIV/0!``): each one's row and column (counted from 1) and its text."""
    if not _may_hold_errors(path):
        return []
    return [
        (cell.row, cell.column, str(cell.value or "#VALUE!"))
        for row in ws.iter_rows(min_row=header_row + 1)
        for cell in row
        if cell.data_type == "e"
    ]


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


# a note's label before its text: "Source: FieldCo", "Basis: alle Befragten"
_NOTE_LABEL = re.compile(r"\w:\s")


def without_blank_rows(
    frame: pd.DataFrame, keep: Sequence[str] = ()
) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` without the rows that hold no value (a spreadsheet's blank
    rows, rows formatted but left empty) and without the lines of text under
    its data (a footer: "Source: FieldCo"), and those lines' texts.

    A line under the data is a row after the last row of two values or more
    whose one value is text, in a column that otherwise holds numbers (an
    id's, a rating's) or led by a label and a colon ("Base: all
    respondents"): a respondent with only an id is none of these. The
    column it was in is read again as numbers where every value left is
    one, as it would be without the line (but the ``keep`` columns, read as
    text). Column by column: no copy of the whole survey.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": [1, None, 2, "Source: FieldCo"],
    ...                       "app": [7, None, 5, None]})
    >>> table, notes = without_blank_rows(frame)
    >>> table["id"].tolist(), notes
    ([1, 2], ['Source: FieldCo'])
    """
    filled = np.zeros(len(frame), dtype=np.int64)
    for j in range(frame.shape[1]):
        filled += frame.iloc[:, j].notna().to_numpy()
        if j and not (filled < 2).any():
            return frame, []
    data = np.flatnonzero(filled >= 2)
    end = data[-1] + 1 if len(data) else len(frame)  # the lines come after
    lines, texts, columns = [], [], set()
    for row in np.flatnonzero(filled[end:] == 1) + end:
        j = int(np.flatnonzero(frame.iloc[row].notna().to_numpy())[0])
        value = frame.iat[row, j]
        if not isinstance(value, str) or _is_numeric_text(value):
            continue
        above = frame.iloc[:end, j].dropna().astype(str)
        if pd.to_numeric(above, errors="coerce").notna().any() or _NOTE_LABEL.search(
            value
        ):
            lines.append(row)
            texts.append(value.strip())
            columns.add(frame.columns[j])
    drop = filled == 0
    drop[lines] = True
    if not drop.any():
        return frame, []
    frame = frame[~drop].reset_index(drop=True)
    for column in columns - set(keep):
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if numbers.notna().sum() == frame[column].notna().sum():
            frame[column] = numbers
    return frame, texts


def footer_note(lines: Sequence[str], where: str) -> str:
    """What :func:`without_blank_rows` left out of ``where`` (a file, a
    sheet): its ``lines`` of text under the data."""
    return (
        f"Left out {many(len(lines), 'line')} of text under the data of {where}, "
        f"one cell filled (a note, not a respondent): {preview(lines)}."
    )


def _title_rows(rows: Sequence[Sequence[object]]) -> int:
    """Rows above a sheet's header: the leading ones with at most one cell
    filled (a title, a blank line), when a row below them fills more."""
    counts = [sum(map(_filled, row)) for row in rows]
    return next((i for i, n in enumerate(counts) if n > 1), 0)


def _sheet_frame(
    path,
    sheet: int | str,
    name: str,
    rows: list,
    top: int = 0,
    failed=(),
    text: Sequence[str] = (),
) -> pd.DataFrame:
    """One sheet's table, from its first rows as read from its header on (see
    :func:`read_excel`), ``top`` rows of title above them, the ``failed``
    formulas' cells (see :func:`_formula_errors`) read as their text, the
    ``text`` columns read as text."""
    header, rows = (rows[0] if rows else []), rows[1:]
    if rows and _is_response_row(header, rows[0]):  # SurveyMonkey's layout
        names, labels, platform, questions = _response_layout(header, rows[0])
        as_text = [n for n in names if n in text]
        frame = _excel_frame(path, sheet, 1, names, top, failed, as_text)
        return _with_meta(frame, labels, {}, platform, questions)
    # pandas names a column as its header cell is written, spaces and all
    as_text = [c for c in header if c is not None and column_name(c) in text]
    names = [column_name(c) for c in header if c is not None]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValidationError(
            [
                f"Duplicate column names in sheet '{name}' of '{path}' (spaces "
                "around a name do not count): "
                f"{', '.join(map(repr, twice))}. Rename or drop the copies; a "
                "copy would otherwise be read under another name and ignored."
            ],
            subject=f"file '{Path(path).name}'",
        )
    if _is_forms_header(header):
        frame = _excel_frame(path, sheet, 0, top=top, failed=failed, text=as_text)
        labels, platform, questions = _forms_layout(frame.columns)
        return _with_meta(frame, labels, {}, platform, questions)
    n_extra, text_row = _header_rows(rows)
    frame = _excel_frame(path, sheet, n_extra, top=top, failed=failed, text=as_text)
    return _with_texts(frame, rows, text_row)


_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")


def column_name(name: object) -> str:
    """A column's name as a catalog or a role names it: without the spaces
    around it, and with a line break within it (a spreadsheet cell's
    Alt+Enter) read as one space; an export's, never the question's.

    Examples
    --------
    >>> column_name(" Mobile\\napp ")
    'Mobile app'
    """
    return _LINE_BREAK.sub(" ", str(name)).strip()


def _excel_frame(
    path: str | PathLike,
    sheet: int | str,
    skip: int,
    names: Sequence[str] | None = None,
    top: int = 0,
    failed: Sequence[tuple] = (),
    text: Sequence[object] = (),
) -> pd.DataFrame:
    """A sheet read as a CSV file is: only empty cells missing, TRUE/FALSE as
    text, a failed formula as its text (``failed``: row, column, text);
    ``top`` rows above the header and ``skip`` under it dropped, ``names``
    replacing it; the numbers of the ``text`` columns (by their header cell,
    or their ``names``) read as their text, and their text as written, but
    for the spaces around it (:func:`_as_written`)."""
    frame = pd.read_excel(
        path,
        sheet_name=sheet,
        engine="openpyxl",
        skiprows=[*range(top), *range(top + 1, top + 1 + skip)],
        header=0,
        names=names,
        keep_default_na=False,
        na_values=[""],
        converters=dict.fromkeys(text, _as_written) or None,
    )
    for column in text:  # " 2" is "2"; spaces only are no answer
        frame[column] = frame[column].map(
            lambda v: (v.strip() or np.nan) if isinstance(v, str) else v
        )
    # a workbook's TRUE and FALSE cells, as the sheet shows them
    flags = [c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])]
    frame[flags] = frame[flags].astype(str).apply(lambda c: c.str.upper())
    first = top + skip + 2  # the sheet's row (from 1) of the frame's first
    for row, column, shown in failed:
        at, j = row - first, column - 1
        if 0 <= at < len(frame) and j < frame.shape[1]:
            if not pd.api.types.is_object_dtype(frame.dtypes.iloc[j]):
                frame[frame.columns[j]] = frame.iloc[:, j].astype(object)
            frame.iat[at, j] = shown
    frame.columns = [column_name(c) if isinstance(c, str) else c for c in frame]
    return frame


def _as_written(value: object) -> object:
    """A cell of a workbook's text column: a number as its text (an id typed
    as 1 is "1", one typed as text "0001" stays so), text and dates as
    they are.

    Examples
    --------
    >>> _as_written(4410035), _as_written(2.5), _as_written(7.0), _as_written("0001")
    ('4410035', '2.5', '7', '0001')
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


_LETTER = re.compile(r"[^\W\d_]")


def _header_rows(rows: Sequence[Sequence[object]]) -> tuple[int, int | None]:
    """(extra header rows, index of the question-text row) of a platform export.

    ``rows`` are the first two rows under the column names. The layout is
    recognised by an import-id row (``{"ImportId": ...}`` in most cells)
    among them; the other of the two holds question texts when none of its
    cells is a number. Without one, a first row of text in nine columns of
    ten or more, none of it a number, over a row with numbers in some of
    those columns, is a second header row of question texts (a fieldwork
    agency's layout: codes, then questions): a respondent's row holds the
    numbers of its numeric columns.
    """
    ids = [_is_import_id_row(row) for row in rows[:2]]
    if len(ids) > 1 and ids[1]:
        return 2, 0 if _is_text_row(rows[0]) else None
    if ids and ids[0]:
        if len(rows) > 1 and _is_text_row(rows[1]):
            return 2, 1
        return 1, None
    if len(rows) > 1 and _is_question_row(rows[0], rows[1]):
        return 1, 0
    return 0, None


def _is_question_row(row: Sequence[object], below: Sequence[object]) -> bool:
    """Whether ``row`` is a row of question texts over the data's first row
    ``below`` (see :func:`_header_rows`): words in every cell, most of them
    more than one ("7,5" and "1,3" are a respondent's decimal commas and
    codes, not questions)."""
    filled = [_filled(c) for c in row]
    if not _is_text_row(row) or sum(filled) < 0.9 * len(row):
        return False
    texts = [str(c).strip() for c, f in zip(row, filled, strict=False) if f]
    if not all(_LETTER.search(t) for t in texts):
        return False
    if sum(" " in t for t in texts) < len(texts) / 2:
        return False
    return any(
        is_text and _filled(b) and _is_numeric_text(b)
        for is_text, b in zip(filled, below, strict=False)
    )


# The import ids of the fields a survey platform (Qualtrics) adds to every
# response: when, how long, from where, by which link. Never a touchpoint.
PLATFORM_FIELDS = frozenset(
    {
        "startdate",
        "enddate",
        "status",
        "ipaddress",
        "progress",
        "duration",
        "finished",
        "recordeddate",
        "_recordid",
        "recipientlastname",
        "recipientfirstname",
        "recipientemail",
        "externaldatareference",
        "locationlatitude",
        "locationlongitude",
        "distributionchannel",
        "userlanguage",
    }
)


# The names Qualtrics gives the fields it adds, as its export's header
# writes them: read as those fields when the import-id row was deleted
PLATFORM_NAMES = frozenset(
    {
        "startdate",
        "enddate",
        "status",
        "ipaddress",
        "progress",
        "duration (in seconds)",
        "finished",
        "recordeddate",
        "recipientlastname",
        "recipientfirstname",
        "recipientemail",
        "externalreference",
        "locationlatitude",
        "locationlongitude",
        "distributionchannel",
        "userlanguage",
    }
)


def platform_columns(columns: Sequence[object]) -> list[str]:
    """The columns named as a survey platform names the fields it adds
    (``StartDate``, ``Duration (in seconds)``), when three or more are: one
    such name alone ("Status", "Progress") may be a question's.

    Examples
    --------
    >>> platform_columns(["StartDate", "EndDate", "Finished", "Q1", "Status"])
    ['StartDate', 'EndDate', 'Finished', 'Status']
    >>> platform_columns(["Status", "Q1"])
    []
    """
    found = [str(c) for c in columns if str(c).strip().lower() in PLATFORM_NAMES]
    return found if len(found) >= 3 else []


def _platform_fields(
    columns: Sequence[object], rows: Sequence[Sequence[object]]
) -> list[str]:
    """The columns whose import id names a field the platform adds."""
    row = next((r for r in rows[:2] if _is_import_id_row(r)), [])
    found = []
    for column, cell in zip(columns, row, strict=False):
        try:
            import_id = json.loads(str(cell)).get("ImportId", "")
        except (ValueError, AttributeError):
            continue
        if str(import_id).lower() in PLATFORM_FIELDS:
            found.append(str(column))
    return found


def _is_import_id_row(row: Sequence[object]) -> bool:
    cells = [str(c) for c in row if c is not None and str(c).strip()]
    hits = sum(bool(_IMPORT_ID.match(c)) for c in cells)
    return bool(cells) and hits >= len(cells) / 2


def _is_numeric_text(value: object) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def _is_text_row(row: Sequence[object]) -> bool:
    """A question-text row: no cell of it parses as a number (a data row's do)."""
    cells = [c for c in row if c is not None and str(c).strip()]
    return bool(cells) and not any(_is_numeric_text(c) for c in cells)


def _question_label(text: object) -> str | None:
    """The draft label of a question text: the statement after the last
    " - " of a matrix question ("Rate each ... - Welcome note"), else all."""
    if text is None or not str(text).strip():
        return None
    text = " ".join(str(text).split())
    return text.rsplit(" - ", 1)[-1].strip() or text


# SurveyMonkey's second header row says "Response" under a question with one
# answer (the question's text names the column) ...
_ONE_ANSWER = frozenset({"response", "open-ended response"})
# ... and leaves the cells under the fields it adds to every response empty.
# These are never touchpoints (the respondent id stays: the likely ``id``).
_RESPONSE_FIELDS = frozenset(
    {
        "collector id",
        "start date",
        "end date",
        "ip address",
        "email address",
        "first name",
        "last name",
    }
)


def _is_response_row(header: Sequence[object], row: Sequence[object]) -> bool:
    """Whether ``row``, under ``header``, is SurveyMonkey's second header row.
    Under a header with "Respondent ID": empty there (a data row holds the
    id), with a "Response" cell or text only. Else: text only, with a
    "Response" cell."""
    heads = [_fold("" if c is None else c) for c in header]
    cells = [_fold("" if c is None else c) for c in row]
    cells += [""] * max(0, len(heads) - len(cells))
    answers = bool(set(cells) & _ONE_ANSWER)
    if "respondent id" in heads:
        blank = not cells[heads.index("respondent id")]
        return blank and (answers or _is_text_row(row))
    return answers and _is_text_row(row)


def response_names(questions: Sequence[object], answers: Sequence[object]) -> list[str]:
    """Column names of a SurveyMonkey export, from its two header rows.

    A question spans its columns: its text in the first, empty cells after.
    The row under it names each column's matrix statement or answer option,
    or says "Response" where the question has one answer. A column is named
    by its statement or option, else by its question (or, for the fields
    with nothing under them, the first row's name); a name that several
    columns would share gets its question's number, counting questions in
    the file's order: "Mobile app (Q1)", "Mobile app (Q3)"; one still shared
    (a statement twice in one question) gets its column's number.

    Examples
    --------
    >>> response_names(
    ...     ["Respondent ID", "Rate each:", "", "Connected?", "Importance:", ""],
    ...     ["", "Mobile app", "Support", "Response", "Mobile app", "Support"])
    ... # doctest: +NORMALIZE_WHITESPACE
    ['Respondent ID', 'Mobile app (Q1)', 'Support (Q1)', 'Connected?',
     'Mobile app (Q3)', 'Support (Q3)']
    """
    names, numbers, question, number = [], [], "", 0
    answers = list(answers) + [""] * max(0, len(questions) - len(answers))
    for i, (head, answer) in enumerate(zip(questions, answers, strict=False)):
        head, answer = _spaced(head), _spaced(answer)
        if head:
            question = head
            number += bool(answer)
        name = answer if answer and _fold(answer) not in _ONE_ANSWER else question
        names.append((name if head or answer else "") or f"column {i + 1}")
        numbers.append(number)
    names = _told_apart(names, [f"Q{k}" if k else "" for k in numbers])
    return _told_apart(names, [f"column {i + 1}" for i in range(len(names))])


def _spaced(text: object) -> str:
    """A header cell's text, stripped, inner spaces single ("" for none)."""
    return " ".join(str(text or "").split())


def _told_apart(names: list[str], marks: Sequence[str]) -> list[str]:
    """Each name that several columns share, with its column's mark added."""
    shared = {n for n in names if names.count(n) > 1}
    return [
        f"{name} ({mark})" if name in shared and mark else name
        for name, mark in zip(names, marks, strict=True)
    ]


def _response_layout(
    header: Sequence[object], answers: Sequence[object]
) -> tuple[list[str], dict[str, str], list[str], dict[str, str]]:
    """(names, labels, platform fields, questions) of a SurveyMonkey
    export's columns; a column's label is its statement, option or
    question, unnumbered; its question, the text it was asked under."""
    names = response_names(header, answers)
    answers = list(answers) + [""] * max(0, len(names) - len(answers))
    asked, questions, labels = "", {}, {}
    for name, head, answer in zip(names, header, answers, strict=False):
        asked, answer = _spaced(head) or asked, _spaced(answer)
        if answer:
            questions[name] = asked
        statement = answer if answer and _fold(answer) not in _ONE_ANSWER else ""
        label = statement or re.sub(r" \(Q\d+\)$", "", name)
        if label != name:  # a label is kept where it says more than the name
            labels[name] = label
    platform = [n for n in names if _fold(n) in _RESPONSE_FIELDS]
    return names, labels, platform, questions


# A Google Forms grid question names each column "Question [Statement]";
# its responses sheet starts with the time each response came in.
_GRID_COLUMN = re.compile(r"^(?P<question>.+?)\s*\[(?P<statement>[^\[\]]+)\]\s*$")
_FORMS_FIELDS = frozenset({"timestamp", "email address"})


def _is_forms_header(header: Sequence[object]) -> bool:
    """A Google Forms responses sheet: "Timestamp" first, a grid column."""
    names = ["" if c is None else str(c) for c in header]
    return (
        bool(names)
        and _fold(names[0]) == "timestamp"
        and any(_GRID_COLUMN.match(n) for n in names)
    )


def _forms_layout(
    columns: Sequence[object],
) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """(labels, platform fields, questions) of a Google Forms sheet's
    columns: a grid column's label is its statement, its question the text
    before it."""
    grid = {str(c): m for c in columns if (m := _GRID_COLUMN.match(str(c)))}
    labels = {c: m["statement"].strip() for c, m in grid.items()}
    questions = {c: m["question"].strip() for c, m in grid.items()}
    return labels, [str(c) for c in columns if _fold(c) in _FORMS_FIELDS], questions


def is_platform_export(path: str | PathLike) -> bool:
    """Whether a CSV file is a survey platform's export (Qualtrics' or
    SurveyMonkey's extra header rows, a Google Forms responses sheet).

    Examples
    --------
    >>> import tempfile
    >>> path = tempfile.mkdtemp() + "/export.csv"
    >>> _ = open(path, "w").write(
    ...     'Q1,Q2\\n"Rate - Welcome note","Rate - Videos"\\n'
    ...     '"{""ImportId"":""QID1_1""}","{""ImportId"":""QID1_2""}"\\n5,7\\n')
    >>> is_platform_export(path)
    True
    """
    header, *rows = _first_rows(Path(path))
    if _is_forms_header(header):
        return True
    return bool(rows) and (
        _is_response_row(header, rows[0]) or _header_rows(rows)[0] > 0
    )


# Byte-order marks that say how a text file is encoded, whatever the user
# passed: Qualtrics' TSV export and Excel's "Unicode text" are UTF-16, Excel's
# "CSV UTF-8" starts with UTF-8's mark.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
    (b"\xef\xbb\xbf", "utf-8-sig"),  # Excel's "CSV UTF-8"
)
TEXT_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt")


# What a file that is not text starts with, and what it is: a file of one of
# these formats saved, or renamed, with a text file's suffix.
_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook (or another zip archive)", ".xlsx"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls)", None),
    (b"PAR1", "a Parquet file", ".parquet"),
    (b"$FL2", "an SPSS data file", ".sav"),
    (b"$FL3", "an SPSS data file", ".sav"),
    (b"\x1f\x8b", "a gzip-compressed file", ".csv.gz"),
)


def binary_problem(path: str | PathLike) -> str | None:
    """Why a file with a text suffix (``.csv``, ``.tsv``, ``.txt``) cannot be
    read as text, when it is a workbook, a Parquet, SPSS or gzip file under
    that name; None for any other file.

    Examples
    --------
    >>> import tempfile
    >>> path = tempfile.mkdtemp() + "/survey.csv"
    >>> _ = open(path, "wb").write(b"PK\x03\x04 a workbook")
    >>> print(binary_problem(path))  # doctest: +ELLIPSIS
    '...survey.csv' is an Excel workbook (or another zip archive), not CSV text: ...
    """
    path = Path(path)
    if path.suffix.lower() == ".gz":
        return None
    with open(path, "rb") as handle:
        start = handle.read(1024)
    for signature, kind, suffix in _SIGNATURES:
        # "PAR1" or "$FL2" may also start a text header (a column named so):
        # those formats hold a NUL byte in their first bytes, text holds none
        text = signature.decode("latin-1").isprintable()
        if start.startswith(signature) and not (text and b"\x00" not in start):
            way = (
                "save it from Excel as .xlsx or as CSV"
                if suffix is None
                else f"rename it to '{path.stem}{suffix}', which emomotiv reads "
                "as it is, or save it as CSV"
            )
            return f"'{path}' is {kind}, not CSV text: {way}."
    return None


def text_encoding(path: str | PathLike, encoding: str = "utf-8") -> str:
    """The encoding to read a text file in: UTF-8, UTF-16 or UTF-32 where its
    byte-order mark says so; UTF-8 where ``encoding`` is a one-byte code page
    (``"latin-1"``, ``"cp1252"``) but the file's accented letters are valid
    UTF-8 (one ``--encoding`` for a survey from an older system and a catalog
    saved as UTF-8); cp1252 where ``encoding`` is latin-1 but the file holds
    bytes 0x80-0x9F, which latin-1 reads as invisible control characters and
    cp1252, the code page of Excel on Windows, as ``„ “ ’ € –``; else
    ``encoding``.

    Examples
    --------
    >>> import tempfile
    >>> path = tempfile.mkdtemp() + "/export.tsv"
    >>> _ = open(path, "w", encoding="utf-16").write("q1\\tq2\\n5\\t7\\n")
    >>> text_encoding(path)
    'utf-16'
    >>> _ = open(path, "w", encoding="utf-8").write("Qualité\\n5\\n")
    >>> text_encoding(path, "latin-1"), text_encoding(path, "utf-8")
    ('utf-8', 'utf-8')
    >>> _ = open(path, "w", encoding="cp1252").write("Chat „Hilfe“\\n5\\n")
    >>> text_encoding(path, "latin-1")
    'cp1252'
    """
    path = Path(path)
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as handle:
        start = handle.read(4)
        found = next((name for bom, name in _BOMS if start.startswith(bom)), None)
        if found is not None:
            return found
        if not _one_byte(encoding):
            return encoding
        handle.seek(0)
        if _utf8_beyond_ascii(handle):
            return "utf-8"
        if codecs.lookup(encoding).name != "iso8859-1":
            return encoding
        handle.seek(0)
        return "cp1252" if _windows_bytes(handle) else encoding


def _windows_bytes(handle, size: int = 1 << 20) -> bool:
    """Whether the bytes of ``handle`` hold one of 0x80-0x9F (control
    characters in latin-1, letters and punctuation in cp1252) and all decode
    as cp1252 (five of those bytes are no cp1252 character)."""
    found = False
    while chunk := handle.read(size):
        if not found and re.search(rb"[\x80-\x9f]", chunk) is None:
            continue
        found = True
        try:
            chunk.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return found


def _one_byte(encoding: str) -> bool:
    """Whether ``encoding`` is a one-byte code page (every byte a letter of
    its own), in which UTF-8's accented letters read as two wrong ones."""
    try:
        high = bytes(range(128, 256)).decode(encoding, errors="replace")
    except LookupError:
        return False
    return len(high) == 128


def _utf8_beyond_ascii(handle, size: int = 1 << 20) -> bool:
    """Whether the bytes of ``handle`` are valid UTF-8 and not all ASCII."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    beyond = False
    while chunk := handle.read(size):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError:
            return False
        beyond = beyond or not chunk.isascii()
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return beyond


def _first_rows(path: Path, n: int = 2, encoding: str = "utf-8") -> list[list[str]]:
    """The header row and the ``n`` rows under it (fewer in a short file)."""
    encoding = text_encoding(path, encoding)
    encoding = (
        "utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding
    )
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", newline="", encoding=encoding, errors="replace") as handle:
        first, second = handle.readline(), handle.readline()
        handle.seek(0)
        reader = csv.reader(handle, delimiter=_delimiter_of(first, second))
        rows = list(itertools.islice(reader, n + 1))
    return rows or [[]]


def _delimiter_of(header: str, row: str = "") -> str:
    """The delimiter of a CSV file with this header line and this first row
    under it: a comma, unless the header has none but semicolons or tabs
    (the more of the two), or semicolons or tabs split the header and the
    row into as many fields, and into more than commas do (column names
    that hold commas, in a file Excel saved with semicolons).

    Examples
    --------
    >>> _delimiter_of("q1;q2;connected"), _delimiter_of("q1,q2")
    (';', ',')
    >>> _delimiter_of("Rate: app, web;fees;connected", "7,5;3;1")
    ';'
    """
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    if counts[","] == 0 and max(counts[";"], counts["\t"]) > 0:
        return ";" if counts[";"] >= counts["\t"] else "\t"
    widths = {}
    for d in (",", ";", "\t"):
        n_header, n_row = (
            len(next(csv.reader(io.StringIO(line), delimiter=d), []))
            for line in (header, row)
        )
        if n_header == n_row:
            widths[d] = n_header
    best = max(widths, key=widths.__getitem__, default=",")  # a tie: the comma
    return best if row.strip() and widths.get(best, 0) > 1 else ","


def read_platform_csv(
    path: str | PathLike,
    *,
    encoding: str = "utf-8",
    decimal: str = ".",
    text: Sequence[str] = (),
) -> pd.DataFrame:
    """Read a survey platform's CSV export with its extra header rows.

    Qualtrics: the column names come from the first row; a question-text
    row and an import-id row (``{"ImportId":"QID1_1"}``) under it are
    dropped, and the question texts kept as draft labels (for a matrix
    question, the statement after its last " - "). SurveyMonkey: the first
    row holds the questions and the second each column's statement or
    option; the columns are named by :func:`response_names` and labelled by
    their statement or question. Google Forms: one header row, "Timestamp"
    first; a grid question's columns ("Rate each [Mobile app]") are
    labelled by their statement. The fields each platform adds to every
    response (dates, duration, location, collector, contact details) are
    listed in ``attrs["emomotiv"]["platform"]``. The rest is read as any CSV
    file (see :func:`emomotiv.read_table`): only empty cells are missing,
    true/false stay text, a column named twice is an error, in ``encoding``
    and with ``decimal`` as the decimal mark, and the ``text`` columns read
    as text.

    Examples
    --------
    >>> import tempfile
    >>> path = tempfile.mkdtemp() + "/export.csv"
    >>> _ = open(path, "w").write(
    ...     'Q1,Q2\\n"Rate - Welcome note","Rate - Videos"\\n'
    ...     '"{""ImportId"":""QID1_1""}","{""ImportId"":""QID1_2""}"\\n5,7\\n3,\\n')
    >>> survey = read_platform_csv(path)
    >>> survey
       Q1   Q2
    0   5  7.0
    1   3  NaN
    >>> survey.attrs["emomotiv"]["labels"]
    {'Q1': 'Welcome note', 'Q2': 'Videos'}
    """
    from .io import _read_csv

    path = Path(path)
    header, *rows = _first_rows(path, encoding=encoding)
    if rows and _is_response_row(header, rows[0]):
        names, labels, platform, questions = _response_layout(header, rows[0])
        frame = _read_csv(
            path, encoding, skip=1, decimal=decimal, names=names, text=text
        )
        return _with_meta(frame, labels, {}, platform, questions)
    if _is_forms_header(header):
        frame = _read_csv(path, encoding, decimal=decimal, text=text)
        labels, platform, questions = _forms_layout(frame.columns)
        return _with_meta(frame, labels, {}, platform, questions)
    n_extra, text_row = _header_rows(rows)
    frame = _read_csv(path, encoding, skip=n_extra, decimal=decimal, text=text)
    return _with_texts(frame, rows, text_row)


def _with_texts(
    frame: pd.DataFrame, rows: Sequence[Sequence[object]], text_row: int | None
) -> pd.DataFrame:
    """A Qualtrics export with its question texts (as ``questions``, and as
    labels: a matrix question's statement) and its platform fields."""
    texts = [] if text_row is None else rows[text_row]
    pairs = list(zip(map(str, frame.columns), texts, strict=False))
    labels = {c: _question_label(t) for c, t in pairs}
    questions = {c: " ".join(str(t).split()) for c, t in pairs if t is not None}
    platform = _platform_fields(frame.columns, rows)
    return _with_meta(frame, labels, {}, platform, questions)


def survey_reader(path: str | PathLike) -> Callable[..., pd.DataFrame] | None:
    """The reader of this module for ``path``, or None (a plain CSV/Parquet).

    Examples
    --------
    >>> survey_reader("wave3.sav").__name__, survey_reader("wave3.parquet")
    ('read_spss', None)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    readers = {
        ".sav": read_spss,
        ".zsav": read_spss,
        ".dta": read_stata,
        ".xlsx": read_excel,
    }
    if suffix in readers:
        return readers[suffix]
    text = "".join(path.suffixes[-2:]).lower().endswith(TEXT_SUFFIXES)
    if text and path.is_file() and is_platform_export(path):
        return read_platform_csv
    return None


def read_survey(
    path: str | PathLike,
    *,
    not_experienced: Sequence[float | str] | None = None,
    encoding: str = "utf-8",
    decimal: str = ".",
    sheet: int | str = 0,
    text: str | Sequence[str] = (),
    nominal: str | Sequence[str] = (),
) -> pd.DataFrame:
    """Read a survey file of any supported format (see :func:`emomotiv.read_table`).

    The not-experienced codes go to the SPSS and Stata readers, where the
    file's value labels say which columns hold them, and so do ``nominal``
    columns (a segment's), whose codes read as their value labels (see
    :func:`read_spss`); ``encoding``,
    ``decimal`` (the decimal mark) and ``text`` (columns read as text) are
    those of a CSV file, ``sheet`` that of an Excel workbook.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> path = tempfile.mkdtemp() + "/survey.csv"
    >>> pd.DataFrame({"q1": [1, 5]}).to_csv(path, index=False)
    >>> read_survey(path, not_experienced=[0])["q1"].tolist()
    [1, 5]
    """
    reader = survey_reader(path)
    if reader in (read_spss, read_stata):
        return reader(path, not_experienced=not_experienced, nominal=nominal)
    from .io import read_table

    return read_table(path, encoding=encoding, decimal=decimal, sheet=sheet, text=text)


def select_columns(columns: Iterable[str], spec: str | Sequence[str]) -> list[str]:
    """Columns named by a list or by patterns (``"q5_*"``, ``"q1,q2,q7_*"``).

    Each item is a column name or a shell-style pattern (a column's own
    name always matches it, brackets and all); the result is in the
    survey's column order. An item matching nothing is an error (with
    the near match).

    Examples
    --------
    >>> select_columns(["id", "q5_1", "q5_2", "q6"], "q5_*,q6")
    ['q5_1', 'q5_2', 'q6']
    """
    columns = [str(c) for c in columns]
    items = [s.strip() for s in spec.split(",")] if isinstance(spec, str) else spec
    chosen, problems = set(), []
    for item in filter(None, items):
        # a name is itself first: "Rate [App]" is a name, not a pattern
        matched = [item] if item in columns else fnmatch.filter(columns, item)
        if not matched:
            problems.append(f"No column matches '{item}'.{did_you_mean(item, columns)}")
        chosen.update(matched)
    if problems:
        raise ValidationError(problems, subject="facet selection")
    return [c for c in columns if c in chosen]


def stated_facets(
    survey: pd.DataFrame, spec: Sequence[str], facets: Mapping[str, object]
) -> tuple[dict[str, str], list[str]]:
    """The facet each stated-importance column belongs to, matched by label.

    ``spec`` names the columns (names or shell patterns, see
    :func:`select_columns`); ``facets`` maps each facet to its label (None
    for none). A column belongs to the facet whose label or name equals the
    column's own label (``attrs["emomotiv"]["labels"]``: an SPSS variable
    label, a platform's question text or matrix statement) or name, or its
    name without the question the columns' names share ("Wichtigkeit:
    Mobile App", see :func:`short_labels`), without regard to case or
    spaces: the importance matrix of a survey platform asks about the same
    statements as its rating matrix.

    Returns ``(mapping, problems)``: column -> facet, and one message per
    column that matches no facet or a facet another column took.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame(columns=["q1", "q2", "imp1", "imp2"])
    >>> survey.attrs["emomotiv"] = {"labels": {
    ...     "q1": "Welcome note", "q2": "Videos",
    ...     "imp1": "Welcome note", "imp2": "Videos"}}
    >>> stated_facets(survey, ["imp*"], {"q1": "Welcome note", "q2": None})
    ({'imp1': 'q1', 'imp2': 'q2'}, [])
    >>> survey = pd.DataFrame(columns=["mobile_app", "fees", "Importance - Fees",
    ...                                "Importance - Mobile app"])
    >>> stated_facets(survey, ["Importance*"], {"mobile_app": None, "fees": None})[0]
    {'Importance - Fees': 'fees', 'Importance - Mobile app': 'mobile_app'}
    """
    labels = _meta(survey).get("labels", {})
    columns, problems = [], []
    for item in spec:
        try:
            columns += select_columns(survey.columns, [item])
        except ValidationError as err:
            problems += [f"Stated importance: {p}" for p in err.problems]
    named, shown = {}, []
    for facet, label in facets.items():
        for text in (label, labels.get(facet), facet):
            if text is not None and not pd.isna(text):
                named.setdefault(_fold(text), facet)
                # an id written with underscores: "mobile_app" is "Mobile app"
                named.setdefault(_fold(str(text).replace("_", " ")), facet)
                shown.append(str(text))
    mapping, taken = {}, {}
    columns = list(dict.fromkeys(columns))
    # "Wichtigkeit: Mobile App", "Importance - Mobile app": the question the
    # names share is not part of the statement
    short = short_labels([c for c in columns if c not in labels])
    for column in columns:
        text = labels.get(column, column)
        facet = named.get(_fold(text))
        if facet is None and column in short:
            facet = named.get(_fold(short[column]))
        if column in facets:
            problems.append(
                f"The stated-importance column '{column}' is a facet: name the "
                "column that holds its stated importance."
            )
        elif facet is None:
            problems.append(
                f"The stated-importance column '{column}' (label '{text}') "
                "matches no facet by label or name: give it the label of its "
                f"facet or name it stated__<facet>.{did_you_mean(text, shown)}"
            )
        elif facet in taken:
            problems.append(
                f"The stated-importance columns '{taken[facet]}' and '{column}' "
                f"both match the facet '{facet}'."
            )
        else:
            mapping[column], taken[facet] = facet, column
    return mapping, problems


def _meta(survey: pd.DataFrame) -> dict[str, dict]:
    known = survey.attrs.get(ATTRS) or {}
    return {"labels": {}, "scales": {}, "platform": [], **known}


def file_labels(survey: pd.DataFrame, facets: Sequence[str]) -> dict[str, str]:
    """The labels the survey file gives ``facets`` (variable labels, question
    texts), without the question they share, as column names are cut
    (:func:`short_labels`): "How would you rate: Mobile app" is "Mobile app".

    Examples
    --------
    >>> survey = pd.DataFrame(columns=["q1", "q2", "q3"])
    >>> survey.attrs["emomotiv"] = {"labels": {
    ...     "q1": "How would you rate: Mobile app",
    ...     "q2": "How would you rate: Phone support"}}
    >>> file_labels(survey, ["q1", "q2", "q3"])
    {'q1': 'Mobile app', 'q2': 'Phone support'}
    """
    labels = _meta(survey)["labels"]
    given = {f: str(labels[f]) for f in facets if labels.get(f)}
    short = short_labels(list(dict.fromkeys(given.values())))
    return {f: short.get(text, text) for f, text in given.items()}


def draft_catalog(
    survey: pd.DataFrame,
    facets: Sequence[str],
    *,
    not_experienced: Sequence[float | str] | None = None,
) -> pd.DataFrame:
    """A facet catalog to edit: ids, labels and scales from the survey file.

    Labels are the variable labels (or question texts), else the ids,
    without the question they share (:func:`file_labels`,
    :func:`short_labels`); the
    scale is the range of the value labels that are ratings, else the scale
    :func:`~emomotiv.schema.infer_scale` reads from the answers (leaving out
    the ``not_experienced`` codes), as analysis would without one: 1-10 for
    a 1-10 question answered 2-9, so next wave's 1s and 10s fit it. Scales
    are integers where every one is whole; a facet without numeric answers
    gets none. ``stage`` is left empty for the user to fill. A scale read
    from the answers that analysis would warn about (a rare 0 on 0-10, a 6
    past 1-5 answers, a range on no common scale) is warned about here, as
    the drafted catalog then declares it.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"q1": [1, 4, 5], "q2": [2, 3, 9]})
    >>> survey.attrs["emomotiv"] = {"labels": {"q1": "Welcome note"},
    ...                             "scales": {"q1": (1.0, 5.0)}}
    >>> draft_catalog(survey, ["q1", "q2"])
      facet         label stage  scale_min  scale_max
    0    q1  Welcome note                1          5
    1    q2            q2                1         10
    """
    from .schema import _unusual_scales, infer_scale

    def answers_of(facet: str) -> pd.Series:
        answers = pd.to_numeric(survey[facet], errors="coerce").dropna()
        return answers[~answers.isin(list(not_experienced or ()))]

    meta = _meta(survey)
    labels = file_labels(survey, facets)
    short = short_labels([f for f in facets if f not in labels])
    rows = []
    inferred = {}
    for facet in facets:
        answers = answers_of(facet)
        read = infer_scale(answers) if len(answers) else (np.nan, np.nan)
        if len(answers) and not meta["scales"].get(facet):
            inferred[facet] = read
        low, high = meta["scales"].get(facet) or read
        rows.append(
            {
                "facet": facet,
                "label": labels.get(facet) or short.get(facet, facet),
                "stage": "",
                "scale_min": low,
                "scale_max": high,
            }
        )
    table = pd.DataFrame(
        rows, columns=["facet", "label", "stage", "scale_min", "scale_max"]
    )
    scales = table[["scale_min", "scale_max"]].astype(float)
    if (scales.dropna() % 1 == 0).all(axis=None):  # written 1,10, not 1.0,10.0
        table[["scale_min", "scale_max"]] = scales.astype("Int64")
    # what analysis would warn of without the catalog, it no longer sees in it
    for note in _unusual_scales(inferred, answers_of):
        warnings.warn(note, EmomotivWarning, stacklevel=2)
    return table


def shown_labels(ids: pd.Series, labels: pd.Series) -> pd.Series:
    """Each facet's label as the tables, the report and the console show it:
    without spaces around it, and the facet's id where it is empty.

    Examples
    --------
    >>> ids = pd.Series(["app", "fees", "chat"])
    >>> shown_labels(ids, pd.Series([" Mobile app ", None, "  "])).tolist()
    ['Mobile app', 'fees', 'chat']
    """
    shown = labels.astype(object).map(
        lambda x: x if pd.isna(x) else str(x).strip() or None
    )
    return shown.astype(object).fillna(ids.astype(object)).astype(str)


def complete_catalog(catalog: pd.DataFrame, survey: pd.DataFrame) -> pd.DataFrame:
    """``catalog`` with its missing labels and scales taken from the survey file.

    A catalog cell that is empty (or a column that is absent) gets the
    facet's variable label or question text, without the question the
    facets' labels share (:func:`file_labels`), and the scale from its value
    labels; a label still missing, the facet's name without the question
    every such name shares (:func:`short_labels`). What the catalog says
    always wins. A label taken from the file that another facet's label
    repeats (one statement asked in two matrices) is told apart by the
    facet's id: "Mobile app (Q2_1)", or the id alone where it holds the
    label ("Mobile app (Q2)").

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"q1": [1, 5]})
    >>> survey.attrs["emomotiv"] = {"labels": {"q1": "Welcome note"},
    ...                             "scales": {"q1": (1.0, 5.0)}}
    >>> complete_catalog(pd.DataFrame({"facet": ["q1"]}), survey)
      facet         label  scale_min  scale_max
    0    q1  Welcome note        1.0        5.0
    """
    meta = _meta(survey)
    if "facet" not in catalog:
        return catalog
    table = catalog.copy()
    ids = table["facet"].astype(str)
    given = pd.Series(False, table.index)  # the labels the catalog gives
    if "label" in table:
        given = table["label"].notna()
    fills = {
        "label": ids.map(file_labels(survey, list(ids))),
        "scale_min": ids.map({k: v[0] for k, v in meta["scales"].items()}),
        "scale_max": ids.map({k: v[1] for k, v in meta["scales"].items()}),
    }
    for column, values in fills.items():
        if values.notna().any():
            current = (
                table[column] if column in table else pd.Series(np.nan, table.index)
            )
            table[column] = current.where(current.notna(), values)
    labels = table["label"] if "label" in table else pd.Series(np.nan, table.index)
    unlabelled = labels.isna()
    short = short_labels(list(ids[unlabelled]))
    if short:
        table["label"] = labels.where(~unlabelled, ids.map(short))
    if "label" in table:
        shown = shown_labels(ids, table["label"])
        twice = shown.duplicated(keep=False) & ~given & table["label"].notna()
        table.loc[twice, "label"] = [  # "Mobile app (Q2)" names itself
            name if label in name else f"{label} ({name})"
            for label, name in zip(shown[twice], ids[twice], strict=True)
        ]
    return table


# where a question ends and the touchpoint's own words begin, in a name
QUESTION_ENDS = (": ", "? ", " - ", " – ", " — ", " | ")


def short_labels(names: Sequence[str]) -> dict[str, str]:
    """Labels for columns named by a question they share, without it.

    A platform that names each column by its full text ("How would you rate:
    Mobile app?") repeats the question in every name. The start all the
    names share, up to where a question ends in it (": ", "? ", " - ", " | ",
    ...), and the closing punctuation they all share ("?") are cut. Empty
    when there is nothing to cut or when the labels would not be distinct.

    Examples
    --------
    >>> short_labels(["How would you rate: Mobile app?",
    ...               "How would you rate: Phone support?"])
    {'How would you rate: Mobile app?': 'Mobile app', \
'How would you rate: Phone support?': 'Phone support'}
    >>> short_labels(["E-mail updates", "E-statements"])  # not a question
    {}

    Names that ask several questions are cut in families, each the names
    that share one question, up to where it ends (a name that shares its
    question with no other is kept whole):

    >>> short_labels(["Rate: App", "Rate: Web", "Q9 - Overall, how good?"])
    {'Rate: App': 'App', 'Rate: Web': 'Web'}
    """
    names = [str(n) for n in names]
    whole = _without_shared(names)
    if whole or len(names) < 3:
        return whole
    families: dict[str, list[str]] = {}
    for name in names:
        ends = [name.find(end) + len(end) for end in QUESTION_ENDS if end in name]
        if ends:
            families.setdefault(name[: min(ends)], []).append(name)
    out: dict[str, str] = {}
    for members in families.values():
        out.update(_without_shared(members))
    labels = [out.get(name, name) for name in names]
    return out if len(set(labels)) == len(labels) else {}


def _without_shared(names: list[str]) -> dict[str, str]:
    """:func:`short_labels` of names that all share one question."""
    if len(names) < 2:
        return {}
    prefix = os.path.commonprefix(names)
    start = max(
        (prefix.rfind(end) + len(end) for end in QUESTION_ENDS if end in prefix),
        default=0,
    )
    tails = [name[start:] for name in names]
    ending = os.path.commonprefix([t[::-1] for t in tails])[::-1]
    cut = len(re.search(r"[\s?.!:]*$", ending).group(0))
    labels = [t[: len(t) - cut].strip() for t in tails]
    if labels == names or not all(labels) or len(set(labels)) < len(labels):
        return {}
    return dict(zip(names, labels, strict=True))
