"""Wave-over-wave tracking: what moved between two waves, and is it real?

:func:`compare` sets two analyses side by side (in memory, or the folders
``emomotiv analyze`` wrote) and gives, per facet, the change in importance
with an interval for the difference, a flag when the change is beyond noise,
the rank movements, and the trend of the headline KPIs.

How "beyond noise" is decided
-----------------------------
Each wave's importance share carries sampling noise. Its standard error
comes, in order of preference, from the wave's bootstrap replicates
(``ImportanceResult.replicates``: the standard deviation over resamples),
or from its bootstrap interval (``importance_low``/``importance_high`` in
``drivers``, read as a normal interval at ``summary["uncertainty"]["level"]``).
The waves are independent samples, so the change has standard error
``se = sqrt(se_before**2 + se_after**2)``; ``p_value`` is the two-sided
p-value of ``change / se`` and ``change_low``/``change_high`` the interval
``change ± q * se`` at level ``1 - alpha``, both read on Student's t.

That standard error is itself estimated from each wave's replicates, and a
few replicates can agree by chance: with three a wave, a facet that did not
move read ``change / se`` on the normal distribution at adjusted p-values
down to 1e-22. The degrees of freedom are each wave's finite replicates
minus one (``n_boot - 1`` in ``summary["uncertainty"]`` for a saved
analysis), combined for the change by Welch-Satterthwaite:
``(v_b + v_a)**2 / (v_b**2 / df_b + v_a**2 / df_a)`` with ``v = se**2``.
Welch-Satterthwaite rather than the smaller wave's ``n_boot - 1``: it lies
between that and their sum, and on simulated waves with the replicates'
standard deviations (15 facets, Holm at 5%) it kept the chance of any false
flag at 2-5% from three replicates a wave up, where the smaller count alone
gave 0.1% at three and 2.7% at twenty (and the normal reading 47% and 8%).
With a hundred replicates t is within a few percent of the normal p-value;
where a wave's replicates are not known (intervals without ``n_boot``), the
normal reading is kept. A percentile interval of a few replicates is also
not ``2 * z`` standard deviations wide on average, so a saved interval's
standard error is its width over the width such an interval has on average
(``_percentile_width``, at the wave's ``uncertainty.quantiles``: read as
now, 3.69 at 20 replicates and 90%, 3.36 at 100, against 3.29; read
linearly, as an analysis saved before, 1.56 at 3 and 3.19 at 100).

About a hundred facets are compared at once, so some will cross a 5% line by
chance alone. A facet is therefore *flagged* only when its p-value stays
below ``alpha`` after a multiple-comparison correction over all facets
compared: Holm's step-down (default; the chance of flagging any facet that
did not really move is at most ``alpha``), Benjamini-Hochberg (``"fdr_bh"``;
at most a share ``alpha`` of the flags are false, more power) or none. A
facet's unadjusted interval can thus exclude zero without it being flagged.

When only one wave has an uncertainty, the other is assumed to be as noisy
after scaling by the sample sizes (``se * sqrt(n_known / n_other)``), and the
rule says so; the change's standard error then rests on the one wave's
replicates alone, and so do its degrees of freedom. When neither has one,
changes are reported without intervals and nothing is flagged: re-run the
analyses with bootstrap resamples. A wave of a single replicate has none
(its intervals have width 0 and would read every change as certain), nor
has one whose replicates never differ (every interval of width 0).

What is compared is each wave's **reported** share (``importance`` in
``drivers``, the bagged mean over its bootstrap refits, the number its own
report shows), with the standard errors of its replicates. The full-data
share (``full_data_importance``, the model fitted on all the wave's
respondents) was compared before and was measured against it on waves drawn
by ``make_waves`` (30 facets, 30 replicates a wave, the default model):

- **no true change** (8 waves at 1,500 respondents, every pair of them,
  seeds 1, 2 and 4): a facet was flagged (Holm, 5%) in 9 of 84 pairs on the
  full-data share and in 3 of 84 on the reported share. For a few facets the
  full-data share moves between waves up to twice as much as its replicates
  spread within a wave (the partner of an interaction, whose credit one fit
  gives one facet and the next the other; median ratio 0.96-1.11), while the
  reported share moves less than its replicates spread (median 0.63-0.71);
- **a driver removed or doubled** (4,000 respondents, seeds 0-7): flagged
  in 3 and 6 of 8 on the full-data share, 2 and 6 of 8 on the reported
  share, with one false flag against none.

The reported share keeps the chance of a false flag within ``alpha`` at
nearly the same power; a driver that stops mattering falls to the floor
bagging gives a facet with no effect (every resample gives it a few chance
splits) rather than to zero, so its fall reads about a quarter smaller. The
replicates' spread about the full-data share (their root mean square
deviation from it) was tried too: 2 of 84 null pairs flagged, but a doubled
driver found in 3 of 8. The summary's ``estimate`` says which share was
compared (``"reported share"``; comparisons saved by earlier versions say
``"full-data fit"``).

``detectable_change`` says how far a facet's share has to move to be
flagged on its own (the median over the facets compared of the change whose
p-value meets the correction's first step, ``alpha / m``): a change smaller
than that goes unflagged however real, and a wave with no flag says that
nothing moved by more, not that nothing moved.

Importance is a *share* of the total, so when one facet gains, every other
facet's share shrinks a little; a flag is about the share, which is what the
report shows. Facets present in only one wave are listed as ``added`` or
``dropped``; the shares of the facets in both are then rescaled to sum to
one over those facets before they are compared. The facets compared are
those in both waves (``n_facets``), and their ranks (``rank_before``,
``rank_after``; ``rank_change`` is ``rank_before - rank_after``, positive
for a facet that moved up) and the top-10 moves are among them alone, so a
dropped facet does not lift the others; an added or dropped facet has no
rank (its rank in the one wave that has it is in that wave's drivers), so
each rank column holds one ranking.

Journey stages are compared alike where both analyses have a ``stages``
table of two stages or more (each stage's grouped-SHAP share over the
stages): the ``stages`` of the comparison (``stage_changes.csv``) holds per
stage the change with its interval and flag, from each wave's stage
intervals (read as above through ``_percentile_width`` at the wave's
``n_boot``; the stages' replicates are not saved, so the intervals serve in
memory too and a comparison of folders gives the same table),
Welch-Satterthwaite degrees of freedom, and ``alpha`` and the correction
over the stages compared. Stages of one wave only are ``added`` or
``dropped`` and the others' shares rescaled, as for facets; a stage whose
facets (the drivers' ``stage``) differ between the waves is ``regrouped``:
its share compares different things. ``summary["stages"]`` gives the
stages compared, flagged and regrouped, or None without a stage table.

What is not compared is listed: ``differences`` names the settings the two
analyses record differently (:data:`SETTINGS`: the outcome column and
label, the connected rule, the halo design and controls, weighting, the
bootstrap replicates and level, the currency of the amounts, the emomotiv
and xgboost versions; a score's range, ``data.outcome_range``), then the
touchpoints whose catalog label and whose journey stage differ. Nothing is
refused for them (a column renamed between questionnaires is legitimate),
but when the outcome column differs the two waves measure different
outcomes: the report and the console say so first, and :func:`compare`
warns. Touchpoints whose label changed stay compared and can be flagged (a
reworded question kept under its id is one touchpoint); where a quarter or
more of those compared changed label, the ids were likely renumbered and a
note says so. Where a score's range differs (0-10 against 1-7), its means
are not one measure: the KPI ``mean_outcome`` keeps both waves' means, with
``change`` None and ``scales_differ`` True. Likewise amounts in two
currencies (``study.options.currency``, each set: "£" and "€") are not
converted, so the money KPIs (``value_per_connected``) keep both waves'
amounts, with ``change`` None and ``currencies_differ`` True. Labels
given (``labels``) that name other waves than the two the analyses record
(``data.wave``, each checked alone where one analysis records none) are
noted, and the order of the waves is checked on the recorded waves where
both are known.

Of the headline KPIs only the connected share is tested against noise;
sample sizes and interval bounds are not trends, and a KPI's intervals,
where both analyses hold them, travel with it as ``before_low`` to
``after_high``.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._stats import QUANTILES, adjust_p
from ._validation import (
    EmomotivWarning,
    ValidationError,
    check_choice,
    check_float,
    listed,
)
from .readers import ATTRS, keep_rows
from .results import AnalysisResult, WaveComparison

__all__ = ["compare", "sort_waves"]

CORRECTIONS = ("holm", "fdr_bh", "none")
CHANGES_COLUMNS = [
    "facet",
    "label",
    "importance_before",
    "importance_after",
    "change",
    "change_low",
    "change_high",
    "rank_before",
    "rank_after",
    "rank_change",
    "flagged",
    "stage",
    "status",
    "se_change",
    "p_value",
    "p_adjusted",
]
STAGE_COLUMNS = [
    "stage",
    "importance_before",
    "importance_after",
    "change",
    "change_low",
    "change_high",
    "flagged",
    "n_facets_before",
    "n_facets_after",
    "regrouped",
    "status",
    "se_change",
    "p_value",
    "p_adjusted",
]
# KPI name -> where it sits in an analysis summary;
# mean_outcome is for a numeric outcome, where there is no connected share.
KPIS = {
    "connected_share": ("data", "connected_share"),
    "mean_outcome": ("data", "mean_outcome"),
    "value_multiplier": ("value", "multiplier"),
    "value_per_connected": ("value", "value_per_connected"),
    "attrition": ("value", "attrition"),
    "advocacy": ("value", "advocacy"),
}
# the settings two waves should share, and where an analysis summary holds them
SETTINGS = {
    "outcome column": ("data", "roles", "connection"),
    "outcome label": ("data", "outcome_label"),
    "connected rule": ("measures", "connected_rule"),
    "halo design": ("halo", "method"),
    "controls": ("halo", "controls"),
    # 0 for "not applicable" read as a rating in one wave, as no answer in
    # the other: the touchpoints' reach, means and shares differ for it
    "not-experienced codes": ("study", "options", "not_experienced"),
    "weighted": ("data", "weighted"),
    "bootstrap replicates": ("uncertainty", "n_boot"),
    "interval level": ("uncertainty", "level"),
    "currency": ("study", "options", "currency"),
    "emomotiv version": ("versions", "emomotiv"),
    "emomotiv source": ("versions", "emomotiv_source"),
    "xgboost version": ("versions", "xgboost"),
}
# columns a wave may name or not (data.roles holds only those named): one
# named in a wave only takes its measures (value per connected customer, the
# multiplier) out of the comparison, or adds segments to one wave
ROLE_SETTINGS = {
    "value column": "value",
    "satisfaction column": "satisfaction",
    "segment column": "segment",
}
# the signs that name one currency each, as their codes ("$" and "¥" name
# several)
CURRENCY_CODES = {"€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW"}

ANALYSIS_FILES = ("summary.json", "drivers.csv", "model.json", "model_meta.json")
TOP = 10
DEFAULT_LEVEL = 0.95


# --- wave labels ---------------------------------------------------------


# a quarter: Q3 2026, Q3/2026, T3 2026 (trimestre), 3. Quartal 2026, 3e trimestre
# 2026, 3rd quarter 2026; the year also in two digits (Q4 26, Q1 '27: 2000s),
# and a fiscal year's (Q1 FY27), ordered by the fiscal year's number
QUARTER_FIRST = re.compile(
    r"^\s*(?:[qt]\s*([1-4])|([1-4])\s*(?:\.|e|er|ème|st|nd|rd|th)?\s*"
    r"(?:quartal|trimestre|quarter))"
    r"[\s\-_/.]*(?:fy\s*)?'?(\d{4}|\d{2})\s*$",
    re.IGNORECASE,
)
# the year first: 2026Q3, 2026-Q3, FY26 Q3, FY2026-Q3
YEAR_FIRST = re.compile(
    r"^\s*(?:(\d{4})|fy\s*'?(\d{4}|\d{2}))[\s\-_/]*[qt]([1-4])\s*$", re.IGNORECASE
)
# a month with two digits of a year of the 2000s: "Oct 26", "Jan-27", "Mar '27"
MONTH_YY = re.compile(r"^\s*([^\W\d_]+)\.?[\s\-_/]*'?(\d{2})\s*$")
# a month as German and French write it: 09.2026, 09/2026
MONTH_FIRST = re.compile(r"^\s*(0?[1-9]|1[0-2])[./](\d{4})\s*$")
# a month with two digits of a year: 9/25, 12/25, 01.26 (a point only with
# two digits of the month: 1.5 is a number)
MONTH_FIRST_YY = re.compile(r"^\s*(?:(0?[1-9]|1[0-2])/|(0[1-9]|1[0-2])\.)(\d{2})\s*$")
# a day as German writes it, day first: 15.09.2026
DAY_FIRST = re.compile(r"^\s*(0?[1-9]|[12]\d|3[01])\.(0?[1-9]|1[0-2])\.(\d{4})\s*$")
# a day written with slashes, 05/03/2026: day first or month first as the
# labels together decide (a first number past 12 is a day: 31/03/2026)
SLASH_DAY = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
# a month by its German or French name (English ones pandas reads itself):
# "September 2026", "Dez. 2026", "März 2026", "décembre 2026", "févr. 2026"
MONTH_NAME = re.compile(r"^\s*([^\W\d_]+)\.?\s+(\d{4})\s*$")
# a half year: H1 2026, 2026 H2, 2. Halbjahr 2026 is not read (a wave's label
# rarely), nor seasons past autumn (winter spans two years)
HALF = re.compile(
    r"^\s*(?:h([12])[\s\-_/.]*(\d{4})|(\d{4})[\s\-_/.]*h([12]))\s*$", re.I
)
SEASONS = {
    **dict.fromkeys(("spring", "frühjahr", "frühling", "printemps"), 3),
    **dict.fromkeys(("summer", "sommer", "été", "ete"), 6),
    **dict.fromkeys(("autumn", "fall", "herbst", "automne"), 9),
}
# months from one to another, named: "Oct-Dec 2026", "Jan – Mar 2027" (its start)
MONTH_RANGE = re.compile(
    r"^\s*([^\W\d_]+)\.?\s*[-\u2013/]\s*[^\W\d_]+\.?\s+(\d{4})\s*$"
)
MONTH_NAMES = {
    **dict.fromkeys(("januar", "jan", "janvier", "janv", "jänner"), 1),
    **dict.fromkeys(("februar", "feb", "février", "fevrier", "févr", "fevr"), 2),
    **dict.fromkeys(("märz", "maerz", "mär", "mrz", "mars"), 3),
    **dict.fromkeys(("april", "apr", "avril", "avr"), 4),
    **dict.fromkeys(("mai",), 5),
    **dict.fromkeys(("juni", "jun", "juin"), 6),
    **dict.fromkeys(("juli", "jul", "juillet", "juil"), 7),
    **dict.fromkeys(("august", "aug", "août", "aout"), 8),
    **dict.fromkeys(("september", "sep", "sept", "septembre"), 9),
    **dict.fromkeys(("oktober", "okt", "octobre", "oct"), 10),
    **dict.fromkeys(("november", "nov", "novembre"), 11),
    **dict.fromkeys(("dezember", "dez", "décembre", "decembre", "déc", "dec"), 12),
    # the English ones pandas reads alone, for a range of months
    **{"january": 1, "february": 2, "march": 3, "mar": 3, "may": 5, "june": 6},
    **{"july": 7, "october": 10, "december": 12},
}


def _period_start(label: str) -> pd.Timestamp:
    """Start of the period a label names (``Q3 2026``, ``2026-Q3``,
    ``T3 2026``, ``3. Quartal 2026``, ``09.2026``, ``15.09.2026`` and
    ``Dezember 2026`` too; a fiscal year's quarter, ``Q1 FY27``, as the
    calendar quarter of the same numbers, which orders fiscal quarters)."""
    return _period(label).start_time


def _period(label: str) -> pd.Period:
    """The period a label names, as :func:`_period_start` reads it."""
    if match := QUARTER_FIRST.match(label):
        label = f"{_full_year(match[3])}Q{match[1] or match[2]}"
    elif match := YEAR_FIRST.match(label):
        label = f"{_full_year(match[1] or match[2])}Q{match[3]}"
    elif (match := MONTH_YY.match(label)) and match[1].casefold() in MONTH_NAMES:
        label = f"{_full_year(match[2])}-{MONTH_NAMES[match[1].casefold()]:02d}"
    elif match := MONTH_FIRST.match(label):
        label = f"{match[2]}-{int(match[1]):02d}"
    elif match := MONTH_FIRST_YY.match(label):
        label = f"{_full_year(match[3])}-{int(match[1] or match[2]):02d}"
    elif match := DAY_FIRST.match(label):  # not pandas' month first
        label = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}"
    elif (match := MONTH_NAME.match(label)) and match[1].casefold() in MONTH_NAMES:
        label = f"{match[2]}-{MONTH_NAMES[match[1].casefold()]:02d}"
    elif (match := MONTH_RANGE.match(label)) and match[1].casefold() in MONTH_NAMES:
        label = f"{match[2]}-{MONTH_NAMES[match[1].casefold()]:02d}"
    elif match := HALF.match(label):
        year, half = (match[2], match[1]) if match[1] else (match[3], match[4])
        label = f"{year}-{1 if half == '1' else 7:02d}"
    elif (match := MONTH_NAME.match(label)) and match[1].casefold() in SEASONS:
        label = f"{match[2]}-{SEASONS[match[1].casefold()]:02d}"
    period = pd.Period(label)
    if pd.isna(period):  # "", "nan", "NaT": no period, not an error of pandas'
        raise ValueError(f"not a period: {label!r}")
    return period


def _full_year(year: str) -> str:
    """A year in four digits: two are of the 2000s ("26" is 2026)."""
    return year if len(year) == 4 else f"20{year}"


def _natural_key(label: str) -> tuple:
    parts = re.split(r"(\d+)", label.casefold())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


def sort_waves(labels: Iterable[Any]) -> list:
    """Wave labels oldest first: numbers by value, periods by date, else naturally.

    ``2025Q4 < 2026Q1 < 2026Q2``, ``Q4 2025 < Q1 2026``,
    ``2026-03 < 2026-11``, ``2 < 10`` and ``wave 2 < wave 10``. Labels that
    all parse as periods (quarters, months, years; ``3. Quartal 2026``,
    ``T3 2026``, ``3rd quarter 2026``, ``Q4 26 < Q1 '27`` with two digits of
    a year of the 2000s, ``Q4 FY26 < Q1 FY27`` and ``FY26 Q4 < FY27 Q1`` by
    the fiscal year's number, ``Oct 26 < Jan 27``, ``Oct-Dec 2026 < Jan-Mar
    2027``, ``H2 2026 < H1 2027``, ``Spring 2026 < Autumn 2026``) are sorted
    by their start; months
    written as German and French write them (``12.2025 < 01.2026``,
    ``September 2026 < Dezember 2026``, ``juin 2026 < décembre 2026``) and
    days written day first with points (``15.09.2026 < 01.12.2026``) too,
    and with slashes (``05/03/2026 < 31/03/2026``: day first, or month first
    when a label's second number is past 12, ``03/05/2026 < 03/31/2026``;
    day first where no number tells),
    as text (a CSV file's column of them reads as numbers unless read as
    text: ``read_table(path, text=["wave"])``); otherwise text is compared
    with its digit runs as numbers.

    Parameters
    ----------
    labels : iterable
        Wave labels (the values of a wave column); repeats are fine.

    Returns
    -------
    list
        Each distinct label once, oldest first.

    Examples
    --------
    >>> sort_waves(["2026Q3", "2025Q4", "2026Q1"])
    ['2025Q4', '2026Q1', '2026Q3']
    >>> sort_waves(["wave 10", "wave 2"])
    ['wave 2', 'wave 10']
    >>> sort_waves(["Dezember 2026", "September 2026"])
    ['September 2026', 'Dezember 2026']
    >>> sort_waves(["Q1 27", "Q4 26"]), sort_waves(["Jan-Mar 2027", "Oct-Dec 2026"])
    (['Q4 26', 'Q1 27'], ['Oct-Dec 2026', 'Jan-Mar 2027'])
    >>> sort_waves(["Q1 FY27", "Q4 FY26"]), sort_waves(["Jan 27", "Dec 26"])
    (['Q4 FY26', 'Q1 FY27'], ['Dec 26', 'Jan 27'])
    >>> sort_waves(["1/26", "12/25"]), sort_waves(["NPS Jan 26", "NPS Dec 25"])
    (['12/25', '1/26'], ['NPS Dec 25', 'NPS Jan 26'])

    Two labels that name the same wave (``2026Q3`` and ``Q3 2026``, or
    ``2026Q3`` and ``2026q3``) are an error: they would be two waves.

    >>> sort_waves(["2026Q2", "2026Q3", "Q3 2026"])
    Traceback (most recent call last):
    ...
    ValueError: The wave labels write one wave in more than one way: '2026Q3' ...
    """
    labels = list(dict.fromkeys(labels))
    same = same_wave_labels(labels)
    if same:
        raise ValueError(same_wave_problem(same))
    return _ordered_waves(labels)


def _ordered_waves(labels: list) -> list:
    """:func:`sort_waves`'s order of distinct ``labels``, without its check
    for one wave written two ways (equal periods are then ordered by text)."""
    numbers = pd.to_numeric(pd.Series(labels, dtype=object), errors="coerce")
    months = all(  # 09.2026, 01.26
        MONTH_FIRST.match(str(label)) or MONTH_FIRST_YY.match(str(label))
        for label in labels
    )
    if labels and numbers.notna().all() and not months:
        order = np.argsort(numbers.to_numpy(dtype=float), kind="stable")
        return [labels[i] for i in order]
    texts = [str(label) for label in labels]
    starts = _period_starts(texts)
    if starts is not None:
        order = sorted(range(len(labels)), key=lambda i: (starts[i], texts[i]))
        return [labels[i] for i in order]
    told = _word_order(texts)
    named = [" ".join(t.split()).casefold() for t in texts]
    if all(m in WITHIN_A_YEAR for m in named):  # "Oct" before "Dec", as in a year
        told = [WITHIN_A_YEAR[m] for m in named]
    if told is not None:  # "pre" before "post", not as text
        order = sorted(range(len(labels)), key=lambda i: told[i])
        return [labels[i] for i in order]
    years = _one_year_each(texts)
    if years is not None:  # "Winter 2026": the year first
        order = sorted(
            range(len(labels)), key=lambda i: (years[i], _natural_key(texts[i]))
        )
    else:
        order = sorted(range(len(labels)), key=lambda i: _natural_key(texts[i]))
    return [labels[i] for i in order]


YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")

#: Winter without a year, read as the end of one (it spans two): a season
#: of the year's order, as "Spring" and "Autumn" are
WINTER = dict.fromkeys(("winter", "hiver"), 12)
#: Months and seasons named without a year, by their month
WITHIN_A_YEAR = {**MONTH_NAMES, **SEASONS, **WINTER}


def _one_year_each(texts: Sequence[str]) -> list[str] | None:
    """The year each label holds, where every one holds exactly one ("Winter
    2026", "First half 2025"); else None."""
    years = [YEAR.findall(t) for t in texts]
    return [found[0] for found in years] if all(len(f) == 1 for f in years) else None


#: Words that name waves in their order, earliest first: waves labelled by
#: them ("pre", "post"; "Before launch", "After launch") are taken in it.
ORDER_WORDS = (
    ("pre", "post"),
    ("before", "after"),
    ("old", "new"),
    ("baseline", "followup"),
    ("first", "second", "third", "fourth", "fifth", "sixth"),
    ("pretest", "posttest"),
)


def _word_order(texts: Sequence[str]) -> list[tuple] | None:
    """Each label's place in the one sequence of :data:`ORDER_WORDS` whose
    words start every label, a word of its own ("Pre", "Post 1", "Post 2";
    "Before launch", "After launch"; "Baseline", "Follow-up survey"), then
    its rest as :func:`sort_waves` orders text; by the year first where
    every label holds one ("First half 2025" < "Second half 2025" < "First
    half 2026"). None where no one sequence names them all, or where what
    follows the words differs beyond its numbers ("New York", "Old Town":
    names, not an order).

    Examples
    --------
    >>> [place[1] for place in _word_order(["Post 2", "Pre", "Post 1"])]
    [1, 0, 1]
    >>> _word_order(["Follow-up survey", "Baseline"])[0][1]
    1
    >>> _word_order(["pre", "wave 2"]), _word_order(["New York", "Old Town"])
    (None, None)
    """
    folded = [
        re.sub(r"follow[\s_-]*up", "followup", " ".join(t.split()).casefold())
        for t in texts
    ]
    years = _one_year_each(folded)
    for words in ORDER_WORDS:
        places = [_order_place(t, words) for t in folded]
        if None in places:
            continue
        # what follows the words, without its numbers: one text, or none
        rests = {re.sub(r"[\d\W_]+", "", rest) for _, rest in places} - {""}
        if len(rests) > 1:
            return None
        return [
            ("" if years is None else years[i], rank, _natural_key(rest))
            for i, (rank, rest) in enumerate(places)
        ]
    return None


def _order_place(text: str, words: Sequence[str]) -> tuple[int, str] | None:
    """Where a folded label stands in ``words``: the word it starts with, a
    word of its own, and its rest; None where it starts with none of them."""
    for i, word in enumerate(words):
        rest = text.removeprefix(word)
        if rest != text and (not rest or not rest[0].isalpha()):
            return i, rest.strip(" _-")
    return None


def yearless_periods(labels: Iterable[Any]) -> bool:
    """Whether every wave label names a quarter, a half, a month or a season
    with no year (``Q3``, ``H2``, ``Oct``, ``Spring``): :func:`sort_waves`
    orders them as in one year (``Q1`` before ``Q4``), which is not their
    order where the waves span a year's end.

    Examples
    --------
    >>> yearless_periods(["Q3", "Q4", "Q1"]), yearless_periods(["2026Q3", "2026Q4"])
    (True, False)
    """
    texts = [" ".join(str(label).split()).casefold() for label in labels]
    return bool(texts) and all(
        re.fullmatch(r"[qh]\d|\d[qh]|quarter \d|\d(st|nd|rd|th) quarter", t)
        or t in WITHIN_A_YEAR
        for t in texts
    )


def plain_text_labels(labels: Iterable[Any]) -> bool:
    """Whether wave labels hold no number, no date and no word of order
    (:data:`ORDER_WORDS`): :func:`sort_waves` orders them as text
    ("post" before "pre"), which says nothing of their order in time.

    Examples
    --------
    >>> plain_text_labels(["pre", "post"]), plain_text_labels(["wave 1", "wave 2"])
    (False, False)
    >>> plain_text_labels(["north", "south"])
    True
    """
    texts = [str(label) for label in dict.fromkeys(labels)]
    if any(re.search(r"\d", t) for t in texts) or _word_order(texts) is not None:
        return False
    if yearless_periods(texts):  # "Spring", "Autumn": said as such
        return False
    return _period_starts(texts) is None


def _wave_key(label: Any) -> Any:
    """What a wave label names, however it is written: its number, its
    period (a fiscal year's apart from a calendar one), else its text
    without case and without spaces around or doubled."""
    text = " ".join(str(label).split())
    if not (MONTH_FIRST.match(text) or MONTH_FIRST_YY.match(text)):  # 09.2026
        number = pd.to_numeric(pd.Series([text]), errors="coerce").iloc[0]
        if pd.notna(number):
            return float(number)
    try:
        return _period(text), "fy" in text.casefold(), _period_kind(text)
    except (ValueError, TypeError):
        return text.casefold()


def _is_day(label: Any) -> bool:
    """Whether a wave label is a date of one day (2026-03-05)."""
    try:
        return _period(" ".join(str(label).split())).freqstr == "D"
    except (ValueError, TypeError):
        return False


def _period_kind(label: str) -> str:
    """What span a label that :func:`_period` reads by its first month
    names: ``"half"`` (H1 2026), ``"season"`` (Spring 2026), ``"range"``
    (Oct-Dec 2026), else ``"plain"``: H1 2026 and Jan 2026 start together
    but are not one wave."""
    plain = (QUARTER_FIRST, YEAR_FIRST, MONTH_YY, MONTH_FIRST, DAY_FIRST)
    if any(pattern.match(label) for pattern in plain):
        return "plain"
    if (match := MONTH_NAME.match(label)) and match[1].casefold() in MONTH_NAMES:
        return "plain"
    if (match := MONTH_RANGE.match(label)) and match[1].casefold() in MONTH_NAMES:
        return "range"
    if HALF.match(label):
        return "half"
    if (match := MONTH_NAME.match(label)) and match[1].casefold() in SEASONS:
        return "season"
    return "plain"


def same_wave_labels(labels: Iterable[Any]) -> list[list]:
    """Distinct wave labels that name one wave, in groups of two or more:
    one period written two ways (``2026Q3``, ``Q3 2026``, ``2026-Q3``,
    ``2026q3``), or one text in other case or spacing (``Wave 2``,
    ``wave 2``). Each would be a wave of its own.

    Examples
    --------
    >>> same_wave_labels(["2026Q2", "2026Q3", "Q3 2026", "2026q3"])
    [['2026Q3', 'Q3 2026', '2026q3']]
    >>> same_wave_labels(["H1 2026", "Jan 2026", "Spring 2026", "spring 2026"])
    [['Spring 2026', 'spring 2026']]
    >>> same_wave_labels(["2026Q2", "2026Q3"])
    []
    """
    labels = list(dict.fromkeys(labels))
    groups: dict[Any, list] = {}
    for label, key in zip(labels, _wave_keys(labels), strict=True):
        groups.setdefault(key, []).append(label)
    return [group for group in groups.values() if len(group) > 1]


def _wave_keys(labels: Sequence[Any]) -> list:
    """Each label's :func:`_wave_key`, days written with slashes read in the
    order the labels together decide, as :func:`sort_waves` reads them
    (05/03/2026 as 5 March beside 2026-03-05).

    Examples
    --------
    >>> a, b, c = _wave_keys(["05/03/2026", "2026-03-05", "2026-05-03"])
    >>> a == b, a == c
    (True, False)
    """
    texts = [str(label) for label in labels]
    read = _slash_days_as_iso(texts) if _slash_order(texts) else None
    return [_wave_key(text) for text in read or labels]


def same_wave_problem(
    groups: Sequence[Sequence[Any]],
    column: str | None = None,
    counts: Mapping[Any, int] | None = None,
) -> str:
    """The problem of :func:`same_wave_labels`' groups, in the wave column
    ``column`` whose labels have ``counts`` rows: named, and the way out."""
    counts = counts or {}

    def shown(label: Any) -> str:
        n = counts.get(label)
        return f"'{label}'" + (f" ({n:,} rows)" if n else "")

    # the most frequent spelling first: the one to keep
    groups = [sorted(g, key=lambda x: -counts.get(x, 0)) for g in groups]
    ways = "; ".join(" and ".join(map(shown, group)) for group in groups)
    mapping = {str(label): str(g[0]) for g in groups for label in g[1:]}
    where = f"The wave column '{column}'" if column else "The wave labels"
    name = column or "wave"
    return (
        f"{where} write{'s' if column else ''} one wave in more than one way: "
        f"{ways} {'name the same wave' if len(groups) == 1 else 'each name one wave'}"
        ", but would be read as different waves "
        "(the one that sorts last taken for the latest, each holding only "
        "its own rows). Write each wave's label one way in every row: in the "
        f"file, or in Python survey['{name}'] = survey['{name}'].replace({mapping})."
    )


# a wave's sample size in its label ("Q3 2026 (n=2,000)"): no year in it
SAMPLE_SIZE = re.compile(r"[(\[]\s*n\s*=\s*[\d.,' ]+[)\]]|\bn\s*=\s*[\d.,']+", re.I)


def _slash_order(texts: Sequence[str]) -> str | None:
    """How the days written with slashes in ``texts`` read: ``"day"`` first
    when one starts with a number past 12 (31/03/2026), ``"month"`` first
    when one's second number is past 12 (03/31/2026), ``"either"`` when no
    number tells, ``"neither"`` when both are found; None without such days."""
    days = [m for t in texts for m in SLASH_DAY.finditer(t)]
    if not days:
        return None
    day = any(int(m[1]) > 12 for m in days)
    month = any(int(m[2]) > 12 for m in days)
    return {(True, False): "day", (False, True): "month"}.get(
        (day, month), "neither" if day else "either"
    )


def _slash_days_as_iso(
    texts: Sequence[str], order: str | None = None
) -> list[str] | None:
    """``texts`` with each day written with slashes written year first
    (05/03/2026 as 2026-03-05, day first unless the labels are month first:
    :func:`_slash_order`, or ``order`` where given), or None when they are
    read both ways."""
    order = order or _slash_order(texts)
    if order == "neither":
        return None
    first = (2, 1) if order == "month" else (1, 2)

    def iso(m: re.Match) -> str:
        return f"{m[3]}-{int(m[first[1]]):02d}-{int(m[first[0]]):02d}"

    return [SLASH_DAY.sub(iso, t) for t in texts]


def _period_starts(
    texts: Sequence[str], order: str | None = None
) -> list[pd.Timestamp] | None:
    """Each label's period start (:func:`_period_start`), or None when one
    of them names no period. Words every label starts or ends with ("NPS
    Jan 26", "o_May26") are read past, and so is a sample size ("(n=2000)",
    whose number is no year). Days written with slashes are read day first
    or month first as the labels together decide (:func:`_slash_order`),
    day first when no number tells, or in the ``order`` given ("month")."""
    texts = [" ".join(SAMPLE_SIZE.sub(" ", t).split()) or t for t in texts]
    texts = _slash_days_as_iso(texts, order)
    if texts is None:
        return None
    for k, trimmed in enumerate(_without_shared_words(texts)):
        # what is left once words are cut must say a period in one of the
        # forms read here, not one pandas guesses ("12 25": a day of year 1)
        if k and not all(map(_names_a_period, trimmed)):
            continue
        try:
            return [_period_start(t) for t in trimmed]
        except (ValueError, TypeError):
            continue
    return None


def _names_a_period(text: str) -> bool:
    """Whether ``text`` holds a four-digit year or matches a form of a
    period that :func:`_period` reads itself."""
    forms = (QUARTER_FIRST, YEAR_FIRST, MONTH_YY, MONTH_FIRST, MONTH_FIRST_YY)
    forms += (DAY_FIRST, MONTH_NAME, MONTH_RANGE, HALF)
    return bool(YEAR.search(text)) or any(form.match(text) for form in forms)


def _without_shared_words(texts: Sequence[str]) -> list[list[str]]:
    """``texts`` as they are, then less the words (up to a space, ``_``,
    ``-`` or ``/``) that every one starts with, then less those every one
    ends with as well."""
    out = [list(texts)]
    if len(texts) < 2:
        return out

    def words(shared: str) -> str:  # whole words, before any digit
        shared = re.split(r"\d", shared, maxsplit=1)[0]
        ends = [m.end() for m in re.finditer(r"[\s_\-/]", shared)]
        return shared[: max(ends, default=0)]

    head = words(os.path.commonprefix(list(texts)))
    tail = words(os.path.commonprefix([t[::-1] for t in texts]))
    if head:
        out.append([t[len(head) :] for t in texts])
    if tail:
        out.append([t[len(head) : len(t) - len(tail)] for t in texts])
    return [o for o in out if all(t.strip() for t in o)]


def read_as_dates(labels: Iterable[Any]) -> bool:
    """Whether :func:`sort_waves` read every label as a number or a period,
    or none of them holds a year: when False, labels that name times were
    ordered as text ("Winter 2026" after "Summer 2026"), which may not be
    their order in time.

    Examples
    --------
    >>> read_as_dates(["2026Q3", "2026Q4"]), read_as_dates(["wave 1", "wave 2"])
    (True, True)
    >>> read_as_dates(["Summer 2026", "Winter 2026"])
    False
    """
    texts = [str(label) for label in dict.fromkeys(labels)]
    return not any(YEAR.search(t) for t in texts) or _period_starts(texts) is not None


def day_order_untold(labels: Iterable[Any]) -> bool:
    """Whether the labels write days with slashes, no number among them
    tells day first from month first (05/03/2026 and 04/06/2026), and the
    two readings order the waves differently: they were read day first,
    which a month-first file would reverse. Waves a year apart on one day
    (01/03/2025, 01/03/2026) are in one order either way.

    Examples
    --------
    >>> day_order_untold(["05/03/2026", "04/06/2026"])
    True
    >>> day_order_untold(["05/03/2026", "31/03/2026"]), day_order_untold(["2026Q3"])
    (False, False)
    >>> day_order_untold(["01/03/2025", "01/03/2026"])
    False
    """
    texts = [str(label) for label in dict.fromkeys(labels)]
    if _slash_order(texts) != "either":
        return False
    day, month = _period_starts(texts), _period_starts(texts, "month")
    if day is None or month is None:
        return False
    return _ranks(day) != _ranks(month)


def _ranks(starts: Sequence[pd.Timestamp]) -> list[int]:
    """Each start's place among the distinct starts: equal starts share one."""
    distinct = sorted(set(starts))
    return [distinct.index(start) for start in starts]


# --- inputs ---------------------------------------------------------------


def _folder_problems(folder: Path, which: str) -> list[str]:
    if not folder.is_dir():
        return [
            f"The {which} analysis '{folder}' is not a folder: give the folder "
            "`emomotiv analyze --out` wrote."
        ]
    missing = [name for name in ANALYSIS_FILES if not (folder / name).is_file()]
    if missing and (folder / "changes.csv").is_file():
        return [
            f"The {which} folder '{folder}' holds a wave comparison (`emomotiv "
            "compare`), not an analysis: give the folders `emomotiv analyze "
            "--out` wrote for the two waves."
        ]
    if missing:
        return [
            f"The {which} folder '{folder}' is not an emomotiv analysis: it lacks "
            f"{', '.join(missing)} (write one with `emomotiv analyze --out`)."
        ]
    return []


def _load_both(before, after) -> tuple[AnalysisResult, AnalysisResult]:
    problems: list[str] = []
    for which, item in (("before", before), ("after", after)):
        if isinstance(item, str | PathLike):
            problems += _folder_problems(Path(item), which)
        elif not isinstance(item, AnalysisResult):
            problems.append(
                f"The {which} analysis must be an AnalysisResult or the folder "
                f"of a saved analysis; got {type(item).__name__}."
            )
    if problems:
        raise ValidationError(problems, subject="comparison")
    from .io import load_analysis

    loaded = []
    for which, item in (("before", before), ("after", after)):
        if not isinstance(item, str | PathLike):
            loaded.append(item)
            continue
        try:  # the problems of both folders, in one error
            loaded.append(load_analysis(item))
        except ValidationError as err:
            problems += [f"The {which} analysis '{item}': {p}" for p in err.problems]
    if problems:
        raise ValidationError(problems, subject="comparison")
    return tuple(loaded)


def _default_label(item, result: AnalysisResult, fallback: str) -> str:
    label = (result.summary.get("data") or {}).get("wave")
    if label is not None:
        return str(label)
    if isinstance(item, str | PathLike):
        return Path(item).resolve().name
    return fallback


def _periods(labels: Sequence[str]) -> bool:
    try:
        [_period_start(str(label)) for label in labels]
    except (ValueError, TypeError):
        return False
    return True


def _backwards(labels: Sequence[str]) -> bool:
    """Whether two wave labels name the later wave first: both periods
    (``2026Q3``, ``Q2 2026``) or one text with other numbers (``wave 3``,
    ``Q2``) that :func:`sort_waves` puts the other way round.

    Examples
    --------
    >>> _backwards(["2026Q3", "2026Q2"]), _backwards(["wave 2", "wave 10"])
    (True, False)
    >>> _backwards(["post", "pre"]), _backwards(["north", "south"])
    (True, False)
    """
    texts = [str(label) for label in labels]
    if texts[0] == texts[1]:
        return False
    told = _word_order(texts)  # "post" given before "pre"
    if told is not None:
        return told[0] > told[1]
    skeletons = {re.sub(r"\d+", "#", t.casefold()) for t in texts}
    alike = len(skeletons) == 1 and "#" in skeletons.pop()
    if not (alike or _periods(texts)) or same_wave_labels(texts):
        return False
    return sort_waves(texts) == texts[::-1]


def _each_recorded_wave(before, after) -> tuple[str | None, str | None]:
    """The wave each analysis records (``data.wave``), None for one that
    records none."""
    waves = [(r.summary.get("data") or {}).get("wave") for r in (before, after)]
    return tuple(None if w is None else str(w) for w in waves)


def _label_notes(labels: Sequence[str], recorded: Sequence[str | None]) -> list:
    """A notice where the labels given name other waves than the analyses
    record (``recorded``, None for an analysis that records none): the
    labels name the report's waves, and a swapped pair would read every
    change backwards under forward labels. Where one analysis alone records
    its wave, that wave is checked against its label. Analyses of one
    recorded wave (a later survey whose wave column was not updated) are
    told apart by the labels alone: no notice.

    Examples
    --------
    >>> _label_notes(["2026Q1", "2026Q4"], ["2026Q1", "Q4 2026"])
    []
    >>> print(_label_notes(["2026Q1", "2026Q4"], ["2026Q4", "2026Q1"])[0][:70])
    The labels given name the waves the other way round from the analyses:
    >>> _label_notes(["2026Q3", "2026Q4"], [None, "Q4 2026"])
    []
    >>> print(_label_notes(["2026Q3", "2026Q4"], [None, "2026Q3"])[0][:72])
    The after wave is labelled '2026Q4' but its analysis is of wave '2026Q3'
    """
    known = [i for i, wave in enumerate(recorded) if wave is not None]
    if len(known) == 1:
        return _one_label_note(labels, recorded, known[0])
    if len(known) < 2 or same_wave_labels(recorded) or recorded[0] == recorded[1]:
        return []
    keys = _wave_keys([*labels, *recorded])
    keys, kept = keys[: len(labels)], keys[len(labels) :]
    if keys == kept:
        return []
    which = (
        "name the waves the other way round from the analyses"
        if keys == kept[::-1]
        else "differ from the waves the analyses record"
    )
    return [
        f"The labels given {which}: the before wave is labelled '{labels[0]}' "
        f"but its analysis is of wave '{recorded[0]}', the after wave "
        f"'{labels[1]}' but its analysis of wave '{recorded[1]}'. The report "
        "and the summary use the labels given; check that they name the "
        "folders' waves, in the folders' order (--labels BEFORE AFTER)."
    ]


def _one_label_note(
    labels: Sequence[str], recorded: Sequence[str | None], side: int
) -> list:
    """A notice where the one analysis that records its wave (``side``: 0
    before, 1 after) is labelled as another wave (:func:`_label_notes`)."""
    label, wave = labels[side], recorded[side]
    key, kept = _wave_keys([label, wave])
    if key == kept:
        return []
    which, other = ("before", "after")[side], ("before", "after")[1 - side]
    swapped = _wave_keys([labels[1 - side], wave])
    turned = (
        f" The {other} label, '{labels[1 - side]}', names that wave too."
        if swapped[0] == swapped[1]
        else ""
    )
    return [
        f"The {which} wave is labelled '{label}' but its analysis is of wave "
        f"'{wave}' (the {other} analysis records no wave).{turned} The report "
        "and the summary use the labels given; check that they name the "
        "folders' waves, in the folders' order (--labels BEFORE AFTER)."
    ]


def _order_notes(
    labels: Sequence[str], before, after, given: bool = False
) -> list[str]:
    """What the analysts should know before reading the changes: the labels
    ``given`` naming other waves than the analyses record, the waves given
    in the wrong order, or one analysis (or one survey) twice."""
    each = _each_recorded_wave(before, after)
    notes = _label_notes(labels, each) if given else []
    recorded = None if None in each else each
    apart = recorded is not None and recorded[0] != recorded[1]
    if apart and not same_wave_labels(recorded):
        if _backwards(recorded):  # the analyses' own waves: the folders' order
            notes.append(
                f"The before analysis is of wave '{recorded[0]}', later than the "
                f"after analysis's wave '{recorded[1]}', so every change reads "
                "backwards (a fall as a rise). Give the earlier wave first: "
                "`emomotiv compare DIR_BEFORE DIR_AFTER` (compare(before, after) "
                "in Python)."
            )
        elif _backwards(labels):
            notes.append(
                f"The labels given name the later wave first ('{labels[0]}' "
                f"before '{labels[1]}'), but the analyses are in order (wave "
                f"'{recorded[0]}', then '{recorded[1]}'): give the labels in the "
                "folders' order, --labels BEFORE AFTER."
            )
    elif _backwards(labels):
        notes.append(
            f"The before wave '{labels[0]}' is later than the after wave "
            f"'{labels[1]}' by their labels, so every change reads backwards "
            "(a fall as a rise). Give the earlier wave first: `emomotiv "
            "compare DIR_BEFORE DIR_AFTER` (compare(before, after) in Python)."
        )
    if _same_shares(before, after):
        notes.append(
            f"'{labels[0]}' and '{labels[1]}' hold the same shares for every "
            "touchpoint: one analysis (or one survey) twice, where nothing can "
            "move. Give the folders of two waves."
        )
    sizes = [_resample_size(result) for result in (before, after)]
    if None not in sizes and max(sizes) >= SIZE_RATIO * min(sizes):
        larger = labels[int(sizes[1] > sizes[0])]
        notes.append(
            f"The waves were resampled at very different sizes ({sizes[0]:,} and "
            f"{sizes[1]:,} respondents): a driver's share of importance reads "
            "smaller in a smaller sample, where the model spreads more of it over "
            "noise, so a share can fall or rise with the size alone (an unchanged "
            "driver read 14.0% at 1,500 and 5.3% at 400, flagged). Compare them "
            f"at one size: analyse '{larger}' again with --boot-size {min(sizes)} "
            f"(boot_size={min(sizes)} in Python); for the waves of one survey "
            f"analysed with --wave, run that analysis again with --boot-size "
            f"{min(sizes)}, which resamples each wave at that size."
        )
    return notes


# waves whose resamples differ in size by this factor or more are noted
SIZE_RATIO = 2.0


def _resample_size(result) -> int | None:
    """The respondents each bootstrap resample of an analysis drew (its
    ``boot_size``, else all), or None without the record."""
    info = result.summary.get("uncertainty") or {}
    size = info.get("boot_size") or info.get("sample_size")
    return int(size) if isinstance(size, int | float) and size > 0 else None


def _folder_labels(labels: Sequence[str], before, after) -> tuple[str, str]:
    """Wave labels that tell two folders apart: where both are the folders'
    names and these are alike (``2026Q2/results``, ``2026Q3/results``), the
    paths below the folder the two share.

    Examples
    --------
    >>> _folder_labels(["results", "results"], "q/2026Q2/results", "q/2026Q3/results")
    ('2026Q2/results', '2026Q3/results')
    """
    paths = [Path(item).resolve() for item in (before, after)]
    names = [path.name for path in paths]
    if labels[0] != labels[1] or list(labels) != names or paths[0] == paths[1]:
        return tuple(labels)
    common = Path(os.path.commonpath(paths))
    return tuple(
        path.relative_to(common).as_posix() if path != common else path.name
        for path in paths
    )


def _told_apart(labels: Sequence[str], before, after, res_b, res_a) -> tuple:
    """The waves' labels, where the two analyses' surveys carry one wave
    label (a later survey whose wave column was not updated): their
    folders' names instead, when both were given as folders, and a warning
    either way, so that "from 2026Q3 to 2026Q3" is never read."""
    if labels[0] != labels[1] or _same_shares(res_b, res_a):
        return tuple(labels)
    wave, by = labels[0], ""
    if all(isinstance(item, str | PathLike) for item in (before, after)):
        names = [Path(item).resolve().name for item in (before, after)]
        folders = _folder_labels(names, before, after)
        if folders[0] != folders[1]:
            labels = folders
            by = (
                f": they are labelled by their folders, '{labels[0]}' and '{labels[1]}'"
            )
    warnings.warn(
        f"Both analyses carry the wave label '{wave}' (their surveys' wave "
        f"column){by}. If the later survey is a new wave, check its wave "
        "column; name the two waves with --labels BEFORE AFTER (labels=(...) "
        "in Python).",
        EmomotivWarning,
        stacklevel=3,
    )
    return tuple(labels)


def _same_shares(before: AnalysisResult, after: AnalysisResult) -> bool:
    """Whether two analyses hold the same shares for every touchpoint and
    the same respondents' count: one analysis (or one survey) twice."""
    if _n(before) != _n(after):
        return False
    shares = [r.drivers.set_index("facet")["importance"] for r in (before, after)]
    return shares[0].sort_index().equals(shares[1].sort_index())


def _check_comparable(before: AnalysisResult, after: AnalysisResult) -> list[str]:
    problems = []
    for which, result in (("before", before), ("after", after)):
        cols = set(result.tables.get("drivers", pd.DataFrame()).columns)
        lacking = [c for c in ("facet", "importance", "rank") if c not in cols]
        if lacking:
            problems.append(
                f"The {which} analysis has no drivers table with {lacking}."
            )
    if problems:
        return problems
    shared = set(before.drivers["facet"]) & set(after.drivers["facet"])
    if not shared:
        problems.append(
            "The two analyses have no facet in common: they are not waves of the "
            "same study (check the facet catalog)."
        )
    units = [(r.summary.get("importance") or {}).get("units") for r in (before, after)]
    if units[0] != units[1]:
        problems.append(
            f"Importance is in {units[0]!r} before and {units[1]!r} after: the "
            "outcomes differ (a 0/1 outcome against a score), so the rankings "
            "cannot be compared."
            + _top_box_remedy([before.summary, after.summary], units)
        )
    return problems


def _top_box_remedy(summaries: Sequence[Mapping], units: Sequence) -> str:
    """How to compare a wave of a 0/1 outcome with one of a score (the
    ``summaries`` and importance ``units`` of the waves before and after):
    analyse the score as its top box, the 0/1 outcome of its top answers,
    named by the score's two highest answers where its range is recorded;
    nothing where the units are not those of a 0/1 outcome and a score.

    Examples
    --------
    >>> said = _top_box_remedy(
    ...     [{}, {"data": {"outcome_range": [1, 7]}}], ["log-odds", "outcome units"]
    ... )
    >>> said.split(":")[0]
    " Analyse the after wave's score as its top box, a 0/1 outcome like the other's"
    >>> "--connected-values 6,7;" in said
    True
    >>> _top_box_remedy([{}, {}], ["log-odds", None])
    ''
    >>> "e.g." in _top_box_remedy(
    ...     [{}, {"data": {"outcome_range": [1.33, 5]}}], ["log-odds", "outcome units"]
    ... )
    False
    """
    if sorted(map(str, units)) != ["log-odds", "outcome units"]:
        return ""
    which = 0 if units[0] == "outcome units" else 1
    found = (summaries[which].get("data") or {}).get("outcome_range")
    # a rating scale's two top answers; none named for a score of other
    # answers (a mean of items, 1.33 to 5; a 0-100 index), or none recorded
    example = ""
    if (
        isinstance(found, Sequence)
        and len(found) == 2
        and all(isinstance(v, int | float) and float(v).is_integer() for v in found)
        and 2 <= found[1] - found[0] <= 10
    ):
        top = [int(found[1]) - 1, int(found[1])]
        answers = ",".join(map(str, top))
        example = (
            f" (e.g. --connected-values {answers}; connected_values={top} in Python)"
        )
    return (
        f" Analyse the {('before', 'after')[which]} wave's score as its top box, "
        "a 0/1 outcome like the other's: run that analysis again with "
        f"--connected-values naming its top answers{example} and without "
        "--connection-kind score, then compare the two again."
    )


_ABSENT = object()


def _setting(summary: Mapping, path: tuple[str, ...]):
    value: Any = summary
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return _ABSENT
        value = value[key]
    return value


def _restaged(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The touchpoints of both waves whose journey stage differs, as the
    settings :func:`_differences` lists: each wave's stage shares are over its
    own stages, so a stage's change holds the move."""
    both = table["stage_before"].notna() & table["stage_after"].notna()
    moved = table[both & (table["stage_before"] != table["stage_after"])]
    label = moved["label_after"].fillna(moved["label_before"])
    return [
        {"setting": f"stage of '{label.get(f, f)}'", "before": b, "after": a}
        for f, b, a in zip(
            moved.index, moved["stage_before"], moved["stage_after"], strict=True
        )
    ]


def _relabelled(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The touchpoints of both waves whose label differs (other than in case
    or spacing), as the settings :func:`_differences` lists: one id, two
    questions' labels, so its change may compare two questions. A label
    that is the id itself (a catalog without labels gives each facet its
    id) is no question's: labels added or dropped between waves are no
    change."""
    both = table["label_before"].notna() & table["label_after"].notna()

    def plain(labels: pd.Series) -> pd.Series:
        return labels.map(lambda label: " ".join(str(label).split()).casefold())

    ids = plain(table.index.to_series())
    before, after = plain(table["label_before"]), plain(table["label_after"])
    moved = table[both & (before != ids) & (after != ids) & (before != after)]
    return [
        {"setting": f"label of '{f}'", "before": b, "after": a}
        for f, b, a in zip(
            moved.index, moved["label_before"], moved["label_after"], strict=True
        )
    ]


# the share of the touchpoints compared whose label changed from which the
# ids are taken for renumbered (q01, q02 ... after a question was dropped)
RELABELLED_SHARE = 0.25


def _relabelled_note(relabelled: list[dict], n: int, labels: Sequence[str]) -> list:
    """A notice when many of the ``n`` touchpoints compared changed label
    (:func:`_relabelled`): their ids were likely renumbered."""
    k = len(relabelled)
    if k < 2 or k < RELABELLED_SHARE * n:
        return []
    first = relabelled[0]
    facet = first["setting"].removeprefix("label of ")
    return [
        f"{k} of the {n} touchpoints compared carry another label in "
        f"'{labels[1]}' than in '{labels[0]}' under the same id (as {facet}: "
        f"'{first['before']}', then '{first['after']}'): the ids were likely "
        "renumbered (q01, q02 ... after a question was dropped), so their "
        "changes and flags compare different questions, and the touchpoints "
        "named added or dropped may be others. Give each question the same id "
        "in every wave (in the survey's columns and the catalog), then "
        "compare again."
    ]


def _differences(before: Mapping, after: Mapping) -> list[dict[str, Any]]:
    """The settings (:data:`SETTINGS`) two analysis summaries record
    differently; a setting either summary lacks is left out.

    Examples
    --------
    >>> a = {"data": {"roles": {"connection": "connected"}, "weighted": True}}
    >>> b = {"data": {"roles": {"connection": "churned"}}}
    >>> _differences(a, b)
    [{'setting': 'outcome column', 'before': 'connected', 'after': 'churned'}]
    """
    out = []
    for name, path in SETTINGS.items():
        b, a = _setting(before, path), _setting(after, path)
        unset = all(v in (None, [], (), {}) for v in (b, a))  # no codes = none
        if b is not _ABSENT and a is not _ABSENT and b != a and not unset:
            out.append({"setting": name, "before": b, "after": a})
    roles = [_setting(summary, ("data", "roles")) for summary in (before, after)]
    if all(isinstance(r, Mapping) for r in roles):  # a column one wave names
        for name, role in ROLE_SETTINGS.items():
            b, a = (r.get(role) for r in roles)
            if b != a:
                out.append({"setting": name, "before": b, "after": a})
    ranges = _outcome_ranges(before, after)
    if ranges is not None:
        b, a = (f"{low:g} to {high:g}" for low, high in ranges)
        out.append({"setting": "range of the score", "before": b, "after": a})
    return out


def _outcome_ranges(before: Mapping, after: Mapping) -> tuple | None:
    """Each wave's score range (``data.outcome_range``: its lowest and
    highest answer) where the two differ as scales do, else None (a 0/1
    outcome, or an analysis saved without it). The ranges are answers, not
    declared scales: a wave where nobody answered 0, or a mean of items
    (1.33 to 5 against 1 to 5), reads a range a little narrower on one
    scale; they differ as scales where an end moves by 2 or more and by a
    tenth of the wider range or more (1 to 7 against 0 to 10, 1 to 5
    against 1 to 7).

    Examples
    --------
    >>> _outcome_ranges({"data": {"outcome_range": [0, 10]}},
    ...                 {"data": {"outcome_range": [1, 7]}})
    ((0.0, 10.0), (1.0, 7.0))
    >>> _outcome_ranges({"data": {"outcome_range": [1.33, 5]}},
    ...                 {"data": {"outcome_range": [1, 5]}}) is None
    True
    """
    ranges = []
    for summary in (before, after):
        found = (summary.get("data") or {}).get("outcome_range")
        if not isinstance(found, list | tuple) or len(found) != 2:
            return None
        ranges.append(tuple(float(x) + 0.0 for x in found))  # not -0
    (lb, hb), (la, ha) = ranges
    wide = max(hb - lb, ha - la)
    moved = max(abs(lb - la), abs(hb - ha))
    return tuple(ranges) if moved >= 2 and moved >= 0.1 * wide else None


def _range_note(before: Mapping, after: Mapping, labels: Sequence[str]) -> list:
    """A notice when the score's range differs (:func:`_outcome_ranges`):
    its means are on different scales, and their change is not given."""
    ranges = _outcome_ranges(before, after)
    if ranges is None:
        return []
    (lb, hb), (la, ha) = ranges
    return [
        f"The score ranges from {lb:g} to {hb:g} in '{labels[0]}' and from "
        f"{la:g} to {ha:g} in '{labels[1]}' (its lowest and highest answers): "
        "if it was asked on another scale, its means are not one measure, so "
        "their change is not given. Where the scale is one and only the "
        "answers given differ, compare the two means by eye."
    ]


# --- uncertainty ----------------------------------------------------------


def _z(level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 2))


SPREAD_FLOOR = 1e-12  # a share's standard error below it is rounding, not noise


def _standard_errors(
    result: AnalysisResult, common: list[str], scale: float
) -> tuple[pd.Series | None, str, pd.Series]:
    """Per-facet SE of the (rescaled) importance share, where it came from,
    and its degrees of freedom (the replicates it rests on minus one; inf
    where they are not known). None where no facet's share varies: replicates
    all alike, or intervals all of width 0, say nothing of noise (and would
    read every change as certain)."""
    return _floored(*_spread(result, common, scale), common)


def _floored(se, source: str, df: pd.Series, common: list[str]):
    """``(se, source, df)`` as given, or none where no share's error is
    above :data:`SPREAD_FLOOR`."""
    if se is not None and not (se > SPREAD_FLOOR).any():
        return None, "none", pd.Series(np.inf, index=common)
    return se, source, df


def _spread(
    result: AnalysisResult, common: list[str], scale: float
) -> tuple[pd.Series | None, str, pd.Series]:
    """:func:`_standard_errors` from the replicates, else the intervals."""
    reps = result.importance.replicates
    if reps is not None:  # a replicate that split on no facet has no shares
        reps = reps.dropna(how="all")
    if reps is not None and len(reps) >= 2 and set(common) <= set(reps.columns):
        shares = reps[common]
        shares = shares.div(shares.sum(axis=1).replace(0, np.nan), axis=0)
        df = np.isfinite(shares).sum().astype(float) - 1
        return shares.std(ddof=1), f"bootstrap replicates ({len(reps)})", df
    drivers = result.drivers.set_index("facet")
    return _interval_spread(drivers, result.summary, common, scale)


def _interval_spread(
    table: pd.DataFrame, summary: Mapping, common: list[str], scale: float
) -> tuple[pd.Series | None, str, pd.Series]:
    """:func:`_spread` from the bootstrap intervals of ``table`` (a wave's
    drivers or stages, indexed by name), read at the level and replicates
    of the wave's ``summary["uncertainty"]``."""
    bounds = ["importance_low", "importance_high"]
    uncertainty = summary.get("uncertainty") or {}
    n_boot = uncertainty.get("n_boot")
    # an analysis without a bootstrap has the columns, all empty; one of a
    # single replicate has intervals of width 0, which say nothing of noise
    single = n_boot is not None and n_boot < 2
    if (
        set(bounds) <= set(table.columns)
        and table[bounds].notna().any(axis=None)
        and not single
    ):
        level = float(uncertainty.get("level") or DEFAULT_LEVEL)
        low, high = table.loc[common, bounds].T.values
        known = bool(n_boot and n_boot >= 2)
        method = uncertainty.get("quantiles", "linear")  # saved before: linear
        width = (
            _percentile_width(int(n_boot), level, method) if known else 2 * _z(level)
        )
        se = pd.Series((high - low) * scale / width, index=common)
        df = float(n_boot) - 1 if known else np.inf
        return se, f"{level:.0%} bootstrap intervals", pd.Series(df, index=common)
    return None, "none", pd.Series(np.inf, index=common)


def _percentile_width(n_boot: int, level: float, method: str = QUANTILES) -> float:
    """Expected width, in standard deviations, of the percentile interval of
    ``n_boot`` normal replicates (interpolated between order statistics,
    whose expectations are Blom's, at ``np.quantile``'s positions for
    ``method``: ``"weibull"``, as intervals are read now, or ``"linear"``,
    as they were before): not ``2 z`` for few replicates, so a saved
    interval's width over ``2 z`` would misread the standard error (linear:
    1.6 against 3.29 at 3 replicates and 90%, 3.2 at 100; weibull: 3.7 at
    20, 3.4 at 100).

    Examples
    --------
    >>> round(_percentile_width(3, 0.9, "linear"), 2)
    1.56
    >>> round(_percentile_width(100, 0.9, "linear"), 2)
    3.19
    >>> round(_percentile_width(20, 0.9), 2), round(_percentile_width(100, 0.9), 2)
    (3.69, 3.36)
    """
    from scipy.stats import norm

    order = norm.ppf((np.arange(1, n_boot + 1) - 0.375) / (n_boot + 0.25))
    position = (
        (n_boot - 1) * (1 - level) / 2
        if method == "linear"
        else max((n_boot + 1) * (1 - level) / 2 - 1, 0.0)
    )
    below = int(np.floor(position))
    share = position - below
    low = order[below] + share * (order[min(below + 1, n_boot - 1)] - order[below])
    return float(-2 * low)


def _n(result: AnalysisResult) -> float:
    return float((result.summary.get("data") or {}).get("n_respondents") or np.nan)


def _welch_df(
    var_b: pd.Series, df_b: pd.Series, var_a: pd.Series, df_a: pd.Series
) -> pd.Series:
    """Welch-Satterthwaite degrees of freedom of ``var_b + var_a``; an
    infinite ``df`` adds nothing to the denominator (a known variance)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        parts = var_b**2 / df_b + var_a**2 / df_a
        df = (var_b + var_a) ** 2 / parts
    # no variance on either side: the smaller count, for want of a ratio
    return df.where(parts > 0, np.minimum(df_b, df_a))


def _change_errors(before, after, common, scales) -> tuple[pd.Series, str, pd.Series]:
    return _combined(
        _standard_errors(before, common, scales[0]),
        _standard_errors(after, common, scales[1]),
        (_n(before), _n(after)),
        common,
    )


def _combined(errors_b, errors_a, sizes, common) -> tuple[pd.Series, str, pd.Series]:
    """The standard error of the change, its source and degrees of freedom
    from each wave's ``(se, source, df)``; where one wave has none, the other
    taken for both, scaled by the waves' ``sizes`` (respondents)."""
    (se_b, src_b, df_b), (se_a, src_a, df_a) = errors_b, errors_a
    if se_b is not None and se_a is not None:
        source = src_b if src_b == src_a else f"{src_b} before, {src_a} after"
        df = _welch_df(se_b**2, df_b, se_a**2, df_a)
        return np.sqrt(se_b**2 + se_a**2), source, df
    if se_b is None and se_a is None:
        return pd.Series(np.nan, index=common), "none", df_b
    known, src, df, n_known, n_other = (
        (se_b, src_b, df_b, *sizes)
        if se_b is not None
        else (se_a, src_a, df_a, *sizes[::-1])
    )
    ratio = n_known / n_other if n_known > 0 and n_other > 0 else 1.0
    other = known * math.sqrt(ratio)  # a copy of the known error, not a second one
    which = "after" if se_b is not None else "before"
    note = f"{src} for one wave; the {which} wave assumed as noisy (by sample size)"
    return np.sqrt(known**2 + other**2), note, df


def _reading(df: pd.Series) -> str:
    """Which distribution ``change / se`` is read on, for the rule."""
    finite = df[np.isfinite(df)]
    if finite.empty:
        return "the normal distribution (the replicates behind the errors are unknown)"
    # whole numbers that hold them all: Welch-Satterthwaite's 11.84 reads 11,
    # not 12, which would claim more than it has
    fewest, most = float(finite.min()), float(finite.max())
    low, high = math.floor(fewest + 1e-9), math.ceil(most - 1e-9)
    if low == high:
        dof = f"{low}"
    elif fewest == most:  # one value, to a tenth below it (11.8)
        dof = f"{math.floor(fewest * 10) / 10:.1f}"
    else:
        dof = f"{low} to {high}"
    rest = "" if len(finite) == len(df) else "; normal where they are unknown"
    return (
        f"Student's t with {dof} degrees of freedom (the bootstrap replicates "
        "behind the standard errors, less one a wave; for two waves, combined "
        f"by Welch-Satterthwaite{rest})"
    )


def _rule(alpha: float, correction: str, source: str, n: int, reading: str) -> str:
    if source == "none":
        return (
            "No per-wave uncertainty was available (no bootstrap replicates or "
            "intervals in either analysis, a single replicate, or replicates "
            "that never differ), so changes "
            "are shown without "
            "intervals and nothing is flagged. Re-run both analyses with "
            "bootstrap resamples to tell real moves from noise."
        )
    how = {
        "holm": f"after Holm's correction over the {n} facets compared, so the "
        f"chance of flagging any facet that did not really move is at most "
        f"{alpha:.0%}",
        "fdr_bh": f"after the Benjamini-Hochberg correction over the {n} facets "
        f"compared, so on average at most {alpha:.0%} of the flags are false",
        "none": f"with no correction for the {n} facets compared, so about "
        f"{alpha:.0%} of the unchanged facets are flagged by chance",
    }[correction]
    return (
        "A facet is flagged when its change in importance share is beyond noise: "
        f"the two-sided p-value of change / se, read on {reading}, stays below "
        f"{alpha:g} {how}. The standard error of the change combines both waves "
        f"as independent samples (source: {source}); the interval for the change "
        f"uses the same t quantile: a {1 - alpha:.0%} interval for each facet on "
        "its own, not corrected for the facets read together."
    )


# --- KPIs -----------------------------------------------------------------


BOUNDS = ("_low", "_high")


def _numeric_leaves(value, prefix: str) -> dict[str, float]:
    if isinstance(value, Mapping):
        out = {}
        for key, sub in value.items():
            out |= _numeric_leaves(sub, f"{prefix}.{key}")
        return out
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return {prefix: float(value)} if np.isfinite(value) else {}
    return {}


def _is_trend(leaf: str) -> bool:
    """A measure to trend: not a sample size (``n``, ``n_*``) or an interval
    bound (``*_low``, ``*_high``), which go with their estimate."""
    last = leaf.rsplit(".", 1)[-1]
    return not (last == "n" or last.startswith("n_") or last.endswith(BOUNDS))


def _kpi_leaves(summary: Mapping, name: str, section: str, key: str):
    """A KPI's numeric leaves, with the bounds beside a top-level estimate
    (``value.multiplier_low`` for ``value.multiplier``) as its own."""
    part = summary.get(section) or {}
    leaves = _numeric_leaves(part.get(key), name)
    if not isinstance(part.get(key), Mapping):
        for bound in BOUNDS:
            leaves |= _numeric_leaves(part.get(key + bound), name + bound)
    return leaves


def _kpis(
    before: Mapping, after: Mapping, level: float = DEFAULT_LEVEL
) -> dict[str, dict[str, Any]]:
    """The headline measures of both waves, and the connected share's change
    with its binomial interval at ``level`` (that of the facets' intervals).
    A change is not given (None) where the two are not one measure: a
    score's mean on two ranges (``scales_differ``), amounts in two
    currencies (``currencies_differ``)."""
    from .report import kpi_kind

    out = {}
    for name, (section, key) in KPIS.items():
        b = _kpi_leaves(before, name, section, key)
        a = _kpi_leaves(after, name, section, key)
        for leaf in sorted(set(b) & set(a)):
            if not _is_trend(leaf):
                continue
            out[leaf] = {
                "before": b[leaf],
                "after": a[leaf],
                "change": a[leaf] - b[leaf],
            }
            bounds = [w + s for w in ("before", "after") for s in BOUNDS]
            values = [side.get(leaf + s) for side in (b, a) for s in BOUNDS]
            if None not in values:  # each wave's own interval
                out[leaf] |= dict(zip(bounds, values, strict=True))
    if "connected_share" in out:
        out.pop("mean_outcome", None)  # the same number for a 0/1 outcome
    if "mean_outcome" in out and _outcome_ranges(before, after) is not None:
        # a score asked on two scales (0-10, 1-7): its means are not one measure
        out["mean_outcome"] |= {"change": None, "scales_differ": True}
    if _currencies_differ(before, after):
        # amounts in pounds against euros: nothing is converted, no change
        for leaf, kpi in out.items():
            if kpi_kind(leaf) == "money":
                kpi |= {"change": None, "currencies_differ": True}
    share = out.get("connected_share")
    (nb, kind_b), (na, kind_a) = _sample_size(before), _sample_size(after)
    if share is not None and nb and na:
        pb, pa = share["before"], share["after"]
        se = math.sqrt(pb * (1 - pb) / nb + pa * (1 - pa) / na)
        z = _z(level)
        kinds = {kind_b, kind_a}
        basis = next(k for k in ("raw", "effective", "unweighted") if k in kinds)
        share |= {
            "change_low": share["change"] - z * se,
            "change_high": share["change"] + z * se,
            "beyond_noise": bool(abs(share["change"]) > z * se),
            "interval": f"{level:.0%} binomial, {SAMPLE_BASIS[basis]}",
        }
    return out


def _currencies_differ(before: Mapping, after: Mapping) -> bool:
    """Whether two analyses' amounts are in two currencies, each set
    (``study.options.currency``): a wave run without one may be in either.

    Examples
    --------
    >>> def run(currency):
    ...     return {"study": {"options": {"currency": currency}}}
    >>> _currencies_differ(run("£"), run("€")), _currencies_differ(run("€"), run("€"))
    (True, False)
    >>> _currencies_differ(run("€"), run(None)), _currencies_differ({}, run("€"))
    (False, False)

    A sign and its code, or a code in another case, name one currency:

    >>> _currencies_differ(run("€"), run("EUR"))
    False
    >>> _currencies_differ(run("eur"), run("EUR"))
    False
    """
    from .report import study_currency

    currencies = [study_currency(summary) for summary in (before, after)]
    if None in currencies:
        return False
    named = [CURRENCY_CODES.get(c.strip(), c.strip().upper()) for c in currencies]
    return named[0] != named[1]


# what the connected share's interval stands on, by what _sample_size read
SAMPLE_BASIS = {
    "unweighted": "on the respondents",
    "effective": "on the effective sample sizes of the survey weights",
    "raw": "unweighted sample sizes (survey weights widen it)",
}


def _sample_size(summary: Mapping) -> tuple[float | None, str]:
    """A wave's sample size for a share's interval, and what it is: the
    respondents of an unweighted survey (``"unweighted"``), the weights'
    effective size (``"effective"``: Kish, ``data.effective_n``), or the
    respondents of a weighted survey whose summary predates it (``"raw"``)."""
    data = summary.get("data") or {}
    n = data.get("n_respondents")
    if not data.get("weighted"):
        return n, "unweighted"
    effective = data.get("effective_n")
    return (effective, "effective") if effective else (n, "raw")


# --- the comparison -------------------------------------------------------


def _side(result: AnalysisResult, suffix: str) -> pd.DataFrame:
    """One wave's reported share and rank."""
    d = result.drivers.set_index("facet")
    cols = {"importance": f"importance_{suffix}", "rank": f"rank_{suffix}"}
    side = d[list(cols)].rename(columns=cols)
    for extra in ("label", "stage"):
        side[f"{extra}_{suffix}"] = d[extra] if extra in d else None
    return side


def _detectable(
    se: pd.Series, df: pd.Series, alpha: float, correction: str
) -> float | None:
    """How far a facet's share has to move to be flagged alone: the change
    whose p-value meets the first step of the correction (``alpha / m`` for
    Holm and Benjamini-Hochberg over ``m`` facets, ``alpha`` without), the
    median over the facets compared; None without standard errors.

    Examples
    --------
    >>> se = pd.Series([0.01, 0.01, 0.02])
    >>> round(_detectable(se, pd.Series(np.inf, index=se.index), 0.05, "none"), 4)
    0.0196
    """
    from scipy.stats import t

    ok = se.notna() & (se > 0)
    if not ok.any():
        return None
    level = alpha if correction == "none" else alpha / len(se)
    need = t.ppf(1 - level / 2, df[ok]) * se[ok]
    return float(np.median(need))


def _rank_compared(table: pd.DataFrame, common: list[str], suffix: str) -> None:
    """Rank the facets of both waves among themselves, in place: one wave's
    rank of its compared share, ties in the wave's own order. A facet of one
    wave only has no rank (NaN): it is not in that ranking."""
    share = table.loc[common, f"importance_{suffix}"]
    own = table.loc[common, f"rank_{suffix}"]
    order = pd.DataFrame({"share": -share, "own": own}).sort_values(
        ["share", "own"], kind="stable"
    )
    table[f"rank_{suffix}"] = np.nan
    table.loc[order.index, f"rank_{suffix}"] = np.arange(1, len(order) + 1)


def _shared(table: pd.DataFrame) -> tuple[np.ndarray, list, tuple[float, float], bool]:
    """Of a table of both waves' ``importance_before`` and
    ``importance_after`` (one row a facet or a stage): each row's status
    (``both``, ``added``, ``dropped``), the rows of both waves, and where
    the two sets differ, the shares of those rows rescaled in place to sum
    to one in each wave, by the ``scales`` returned, with ``rescaled`` True."""
    in_b = table["importance_before"].notna()
    in_a = table["importance_after"].notna()
    status = np.where(in_b & in_a, "both", np.where(in_a, "added", "dropped"))
    common = list(table.index[in_b & in_a])
    rescaled = not (in_b & in_a).all()
    scales = (1.0, 1.0)
    sums = [
        float(table.loc[common, f"importance_{w}"].sum()) for w in ("before", "after")
    ]
    if rescaled and min(sums) > 0:  # none shared (stages renamed): none to rescale
        scales = (1 / sums[0], 1 / sums[1])
        table.loc[common, "importance_before"] *= scales[0]
        table.loc[common, "importance_after"] *= scales[1]
    return status, common, scales, rescaled


def _tested(
    change: pd.Series, se: pd.Series, df: pd.Series, alpha: float, correction: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The t quantile of the change's interval at ``1 - alpha``, and the
    two-sided p-value of ``change / se`` on ``df`` degrees of freedom,
    unadjusted and adjusted by ``correction`` over the rows."""
    with np.errstate(divide="ignore", invalid="ignore"):
        from scipy.stats import t

        q = t.ppf(1 - alpha / 2, df)  # df = inf: the normal quantile
        stat = np.where(se > 0, change / se, np.where(change == 0, 0.0, np.inf))
        p = np.where(se.notna() & change.notna(), 2 * t.sf(np.abs(stat), df), np.nan)
    return q, p, adjust_p(p, correction)


def _stages_of(result: AnalysisResult) -> pd.DataFrame | None:
    """A wave's stages table indexed by stage, or None where it has none
    to compare: no table, or one stage (whose share is 1 in any wave)."""
    stages = result.tables.get("stages")
    if stages is None or not {"stage", "importance"} <= set(stages.columns):
        return None
    stages = stages[stages["stage"].notna()]
    return stages.set_index("stage") if len(stages) > 1 else None


def _members(result: AnalysisResult) -> dict[str, frozenset]:
    """Each journey stage's facets in one wave, by its drivers' ``stage``."""
    drivers = result.drivers
    if "stage" not in drivers:
        return {}
    staged = drivers[drivers["stage"].notna()]
    return {
        str(stage): frozenset(group["facet"])
        for stage, group in staged.groupby("stage", sort=False)
    }


def _stage_changes(
    before: AnalysisResult, after: AnalysisResult, alpha: float, correction: str
) -> pd.DataFrame | None:
    """The stage-changes table (:data:`STAGE_COLUMNS`), or None where either
    wave has no stages to compare or the two share fewer than two.

    As the facets' changes, over the stages: shares rescaled over the stages
    of both waves where the sets differ, standard errors from each wave's
    intervals (``importance_low``/``importance_high`` of its stages table,
    at its ``n_boot`` and ``level``), Welch-Satterthwaite degrees of
    freedom, and ``correction`` over the stages compared. A stage of both
    waves is ``regrouped`` when its facets (the drivers' ``stage``) differ.
    """
    tables = [_stages_of(before), _stages_of(after)]
    if tables[0] is None or tables[1] is None:
        return None
    sides = []
    for stages, suffix in zip(tables, ("before", "after"), strict=True):
        n_facets = stages["n_facets"] if "n_facets" in stages else pd.NA
        sides.append(
            pd.DataFrame(
                {
                    f"importance_{suffix}": stages["importance"],
                    f"n_facets_{suffix}": n_facets,
                }
            )
        )
    # journey order: the later wave's, then the stages it dropped
    table = sides[1].join(sides[0], how="outer", sort=False)
    order = list(tables[1].index) + [
        s for s in tables[0].index if s not in tables[1].index
    ]
    table = table.loc[order]
    status, common, scales, _ = _shared(table)
    if len(common) < 2:
        return None
    errors = [
        _floored(*_interval_spread(stages, result.summary, common, scale), common)
        for stages, result, scale in zip(tables, (before, after), scales, strict=True)
    ]
    se, _, df = _combined(*errors, (_n(before), _n(after)), common)
    se = se.reindex(table.index)
    df = df.reindex(table.index, fill_value=np.inf)
    change = table["importance_after"] - table["importance_before"]
    q, p, p_adj = _tested(change, se, df, alpha, correction)
    members = [_members(before), _members(after)]
    regrouped = [
        kind == "both" and members[0].get(str(s)) != members[1].get(str(s))
        for s, kind in zip(table.index, status, strict=True)
    ]
    out = pd.DataFrame(
        {
            "stage": table.index,
            "importance_before": table["importance_before"],
            "importance_after": table["importance_after"],
            "change": change,
            "change_low": change - q * se,
            "change_high": change + q * se,
            "flagged": np.nan_to_num(p_adj, nan=1.0) < alpha,
            "n_facets_before": table["n_facets_before"].astype("Int64"),
            "n_facets_after": table["n_facets_after"].astype("Int64"),
            "regrouped": regrouped,
            "status": status,
            "se_change": se,
            "p_value": p,
            "p_adjusted": p_adj,
        }
    ).reset_index(drop=True)
    size = -out["change"].abs().fillna(-np.inf)  # added/dropped last
    journey = np.arange(len(out))  # ties in journey order
    ranked = np.lexsort((journey, size, ~out["flagged"]))
    return out.iloc[ranked].reset_index(drop=True)[STAGE_COLUMNS]


def _stage_summary(stages: pd.DataFrame) -> dict[str, Any]:
    """``summary["stages"]`` of a comparison from its stage-changes table."""
    flagged = stages[stages["flagged"]]
    return {
        "n_compared": int((stages["status"] == "both").sum()),
        "n_flagged": len(flagged),
        "flagged": {
            "up": [str(s) for s in flagged.loc[flagged["change"] > 0, "stage"]],
            "down": [str(s) for s in flagged.loc[flagged["change"] < 0, "stage"]],
        },
        "regrouped": [str(s) for s in stages.loc[stages["regrouped"], "stage"]],
    }


def compare(
    before: AnalysisResult | str | PathLike,
    after: AnalysisResult | str | PathLike,
    *,
    alpha: float = 0.05,
    correction: str = "holm",
    labels: Sequence[str] | None = None,
) -> WaveComparison:
    """Compare two waves: per facet, the change in importance and if it is real.

    Parameters
    ----------
    before, after : AnalysisResult or path
        The earlier and the later analysis, or the folders ``emomotiv
        analyze --out`` wrote.
    alpha : float, default=0.05
        Error rate of the flags, and ``1 - alpha`` the level of the change
        intervals.
    correction : {"holm", "fdr_bh", "none"}, default="holm"
        Multiple-comparison correction over the facets compared (see the
        module notes): ``holm`` bounds the chance of any false flag,
        ``fdr_bh`` the expected share of false flags.
    labels : pair of str or None
        Names of the two waves, two different non-blank texts; by default
        the analyses' wave labels, else the folder names (their paths below
        the folder they share where the names are alike:
        ``2026Q2/results``), else ``"before"`` and ``"after"``.

    Returns
    -------
    WaveComparison
        ``changes`` (the ``changes`` table, its columns those of
        :class:`~emomotiv.WaveComparison`; ``rank_change`` is
        ``rank_before - rank_after``, positive for a facet that moved up
        the ranking: 5th to 2nd is +3), ``stages`` (the stage-changes
        table, or None where either analysis has no stages to compare) and
        ``summary`` (what ``summary["tracking"]`` holds).

    Raises
    ------
    ValidationError
        When an input is not an analysis, or the two share no facet or
        measure importance in different units (a 0/1 outcome in one wave, a
        score in the other: the message says to analyse the score wave as
        its top box, with ``connected_values``, and compare again).

    Warns
    -----
    EmomotivWarning
        When the before analysis is of the later wave (by the waves the
        analyses record, else by the labels: every change then reads
        backwards), the labels given name other waves than the analyses
        record (either one, where one alone records its wave), the two
        analyses hold the same share for every facet (one run given twice),
        many touchpoints changed label (ids likely renumbered), a score's
        range differs, or the outcome column differs (the two waves measure
        different outcomes).

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> r = em.analyze(s.survey, s.catalog, connection="connected", n_boot=5,
    ...                model=em.DriverModel(n_estimators=40, cv=2), progress=False)
    >>> same = em.compare(r, r, labels=("2026Q3", "2026Q3 again"))
    >>> same.summary["n_flagged"], float(same.changes["change"].abs().max())
    (0, 0.0)
    """
    alpha = check_float(alpha, "alpha", "compare", low=0, high=1, inclusive=False)
    correction = check_choice(correction, "correction", "compare", CORRECTIONS)
    if labels is not None and (
        isinstance(labels, str)
        or len(labels) != 2
        or not all(isinstance(x, str) and x.strip() for x in labels)
        or labels[0].strip() == labels[1].strip()
    ):
        raise ValueError(
            "The 'labels' parameter of compare must be a pair of two different, "
            "non-blank wave names (they name the waves in the report and the "
            f"summary), or None. Got {labels!r} instead."
        )
    from .report import different_outcomes, outcome_label, score_outcome, study_currency

    res_b, res_a = _load_both(before, after)
    problems = _check_comparable(res_b, res_a)
    if problems:
        raise ValidationError(problems, subject="comparison")
    given = labels is not None
    if labels is None:
        labels = (
            _default_label(before, res_b, "before"),
            _default_label(after, res_a, "after"),
        )
        if all(isinstance(item, str | PathLike) for item in (before, after)):
            labels = _folder_labels(labels, before, after)
        labels = _told_apart(labels, before, after, res_b, res_a)

    notes = _order_notes(labels, res_b, res_a, given)
    table = _side(res_b, "before").join(_side(res_a, "after"), how="outer")
    relabelled = _relabelled(table)
    status, common, scales, rescaled = _shared(table)
    notes += _relabelled_note(relabelled, len(common), labels)
    notes += _range_note(res_b.summary, res_a.summary, labels)
    for note in notes:
        warnings.warn(note, EmomotivWarning, stacklevel=2)
    differences = _differences(res_b.summary, res_a.summary)
    for d in differences:  # said first by the report and the console too
        if d["setting"] == "outcome column":
            outcomes = different_outcomes(d["before"], d["after"], labels)
            warnings.warn(outcomes, EmomotivWarning, stacklevel=2)
    for suffix in ("before", "after"):
        _rank_compared(table, common, suffix)
    change = table["importance_after"] - table["importance_before"]
    se, source, df = _change_errors(res_b, res_a, common, scales)
    se = se.reindex(table.index)
    reading = _reading(df)
    df = df.reindex(table.index, fill_value=np.inf)
    q, p, p_adj = _tested(change, se, df, alpha, correction)
    detectable = _detectable(se.loc[common], df.loc[common], alpha, correction)

    out = pd.DataFrame(
        {
            "facet": table.index,
            "label": table["label_after"].fillna(table["label_before"]),
            "importance_before": table["importance_before"],
            "importance_after": table["importance_after"],
            "change": change,
            "change_low": change - q * se,
            "change_high": change + q * se,
            "rank_before": table["rank_before"].astype("Int64"),
            "rank_after": table["rank_after"].astype("Int64"),
            "rank_change": (table["rank_before"] - table["rank_after"]).astype("Int64"),
            "flagged": np.nan_to_num(p_adj, nan=1.0) < alpha,
            "stage": table["stage_after"].fillna(table["stage_before"]),
            "status": status,
            "se_change": se,
            "p_value": p,
            "p_adjusted": p_adj,
        }
    ).reset_index(drop=True)
    out["label"] = out["label"].fillna(out["facet"])
    size = -out["change"].abs().fillna(-np.inf)  # added/dropped last
    order = np.lexsort((out["facet"], size, ~out["flagged"]))
    out = out.iloc[order].reset_index(drop=True)[CHANGES_COLUMNS]

    compared = out[out["status"] == "both"]
    top_b = set(compared.loc[compared["rank_before"] <= TOP, "facet"])
    top_a = set(compared.loc[compared["rank_after"] <= TOP, "facet"])
    flagged = out[out["flagged"]]
    stages = _stage_changes(res_b, res_a, alpha, correction)
    stage_summary = None if stages is None else _stage_summary(stages)
    summary = {
        "waves": {"before": labels[0], "after": labels[1]},
        "sample_size": {
            "before": (res_b.summary.get("data") or {}).get("n_respondents"),
            "after": (res_a.summary.get("data") or {}).get("n_respondents"),
        },
        "kpis": _kpis(res_b.summary, res_a.summary, 1 - alpha),
        "n_facets": len(common),
        "added": sorted(out.loc[out["status"] == "added", "facet"]),
        "dropped": sorted(out.loc[out["status"] == "dropped", "facet"]),
        "rescaled": rescaled,
        "differences": differences + relabelled + _restaged(table),
        # what the analysts should know before reading the changes (said on
        # the console, kept for the report and summary.json handed on)
        "notes": notes,
        "n_flagged": len(flagged),
        "flagged": {
            "up": list(flagged.loc[flagged["change"] > 0, "facet"]),
            "down": list(flagged.loc[flagged["change"] < 0, "facet"]),
        },
        f"top{TOP}": {
            "entered": sorted(top_a - top_b),
            "left": sorted(top_b - top_a),
        },
        "stages": stage_summary,
        "rule": _rule(alpha, correction, source, len(common), reading),
        "detectable_change": detectable,
        "alpha": alpha,
        "correction": correction,
        "uncertainty": source,
        "estimate": "reported share",
        # the amounts' currency: the later wave's, else the earlier's
        "currency": study_currency(res_a.summary) or study_currency(res_b.summary),
        # how the later wave names its 0/1 outcome: the compare report's
        # words (a score's connected share is the motivators')
        "outcome_label": None
        if score_outcome(res_a.summary)
        else outcome_label(res_a.summary),
        # a score's name: its mean is named by it ("Mean likelihood to recommend")
        "score_label": outcome_label(res_a.summary)
        if score_outcome(res_a.summary)
        else None,
    }
    return WaveComparison(out, summary, stages)


def add_comparison(result: AnalysisResult, comparison: WaveComparison):
    """``result`` with ``tables["changes"]`` (and ``tables["stage_changes"]``
    where the comparison has stages), ``summary["tracking"]`` and
    ``tracking`` set from ``comparison``."""
    from dataclasses import replace

    tables = {k: v for k, v in result.tables.items() if k != "stage_changes"}
    tables["changes"] = comparison.changes
    if comparison.stages is not None:
        tables["stage_changes"] = comparison.stages
    summary = dict(result.summary) | {"tracking": dict(comparison.summary)}
    return replace(result, tables=tables, summary=summary, tracking=comparison)


EMPTY_FACET = re.compile(r"Facet '.+' is empty: no respondent rated it")
SEPARATE_WAVES = (
    "A touchpoint asked in one wave only is empty in the others, and one "
    "file with a wave column needs every touchpoint in every wave: analyse "
    "each wave apart (its own file, without the wave role) and compare the "
    "saved analyses with `emomotiv compare DIR_BEFORE DIR_AFTER` "
    "(emomotiv.compare in Python), which lists the touchpoints added and "
    "dropped and compares the rest."
)


def separate_waves_advice(problems: Iterable[str]) -> list[str]:
    """The way out when a facet is empty in a wave: ``[SEPARATE_WAVES]``
    if one of ``problems`` (a wave's validation) says so, else ``[]``."""
    return [SEPARATE_WAVES] if any(EMPTY_FACET.search(p) for p in problems) else []


GROUPED_WAVES = 3  # a problem of more waves than this is said once


def wave_problems(
    found: Mapping[str, Sequence[str]], column: str, small: Sequence[str] = ()
) -> list[str]:
    """The problems of waves validated apart, one line a kind of problem.

    ``found`` holds each wave's label (oldest first) with its problems. A
    problem every wave shares is listed once; one of a few waves under each
    wave's label; one of more waves (the same words and quoted names, a
    facet's say, other numbers) once, naming how many waves, the first few
    and the first wave's words. Where the column holds many days (more than
    12) and most of them have a problem, a first line says it is an
    interview date, perhaps, rather than a wave (``small``: the waves too
    small to analyse, whose size is no problem where they are neither
    analysed nor compared, count among them); where a facet is empty in a
    wave, the way out follows (:func:`separate_waves_advice`).

    Examples
    --------
    >>> found = {f"2026-03-{d:02}": [f"only {d} respondents"] for d in range(1, 21)}
    >>> for line in wave_problems(found, "day"):
    ...     print(line[:80])
    The wave column 'day' holds 20 different days ('2026-03-01' to '2026-03-20'): an
    20 of the 20 waves in 'day' have this problem ('2026-03-01', '2026-03-02', '2026
    >>> wave_problems({"2026Q1": [], "2026Q2": ["only 3 respondents"]}, "wave")
    ["Wave '2026Q2': only 3 respondents"]
    """
    labels = list(found)
    shared = [p for p in found[labels[0]] if all(p in ps for ps in found.values())]
    kinds: dict[str, list[tuple[str, str]]] = {}
    for label, problems in found.items():
        for problem in problems:
            if problem not in shared:
                kinds.setdefault(_problem_kind(problem), []).append((label, problem))
    lines = []
    waves = {label for label, problems in found.items() if problems} | set(small)
    if (
        len(labels) > 12
        and 2 * len(waves) > len(labels)
        and all(map(_is_day, labels))
        and not _month_starts(labels)
    ):
        lines.append(
            f"The wave column '{column}' holds {len(labels)} different days "
            f"('{labels[0]}' to '{labels[-1]}'): an interview date, it seems, "
            "not a wave. Give the wave role a column that names each wave "
            "(2026Q1, 2026-03), or leave it unset to analyse the survey whole."
        )
    lines += shared
    for said in kinds.values():
        where = list(dict.fromkeys(label for label, _ in said))
        if len(where) <= GROUPED_WAVES:
            lines += [f"Wave '{label}': {problem}" for label, problem in said]
            continue
        named = listed([f"'{label}'" for label in where], GROUPED_WAVES)
        label, problem = said[0]
        lines.append(
            f"{len(where)} of the {len(labels)} waves in '{column}' have this "
            f"problem ({named}); in '{label}': {problem}"
        )
    own = [problem for said in kinds.values() for _, problem in said]
    return lines + separate_waves_advice(own)


def _month_starts(labels: Sequence[str]) -> bool:
    """Whether every label, each a day (:func:`_is_day`), is the first of a
    month (2025-01-01, 2025-02-01), read as the waves' order reads them: a
    monthly tracker's waves written as dates, not interview days.

    Examples
    --------
    >>> _month_starts(["2025-01-01", "2025-02-01"]), _month_starts(["2025-01-02"])
    (True, False)
    """
    return all(_period(" ".join(str(x).split())).start_time.day == 1 for x in labels)


def _problem_kind(problem: str) -> str:
    """What problems of one kind share: their words and the names they quote
    (a facet, a column, a label), with the numbers outside quotes (a count,
    a share) taken out.

    Examples
    --------
    >>> _problem_kind("Facet 'Q10' is rated by only 3 respondents (1.5%)")
    "Facet 'Q10' is rated by only # respondents (#%)"
    """
    return re.sub(r"('[^']*')|\d[\d,.]*", lambda m: m.group(1) or "#", problem)


def no_wave(column: pd.Series) -> pd.Series:
    """Which cells of a wave column name no wave: empty, or blank text
    ("" or spaces, as a spreadsheet may save an empty cell)."""
    return column.isna() | column.astype(str).str.strip().eq("")


def order_note(labels: Sequence[Any]) -> str | None:
    """The warning on the order :func:`sort_waves` took for wave ``labels``
    (sorted), where it may not be their order in time: plain text, periods
    without a year, labels with a year not read as dates, or days whose
    slashes read day first or month first alike; else None.

    Examples
    --------
    >>> print(order_note(["north", "south"]))  # doctest: +NORMALIZE_WHITESPACE
    The wave labels hold no date, number or word of order, so they were
    ordered as text ('north' < 'south') and 'south' is taken for the latest
    wave. If that is not their order in time, label the waves so they sort
    (2026Q4, 2027-01, wave 1, wave 2) or give the two waves as separate surveys.
    >>> order_note(["2026Q3", "2026Q4"]) is None
    True
    """
    if _word_order([str(label) for label in labels]) is not None:
        return None  # their words tell the order: "pre 2026" < "post 2026"
    order = " < ".join(f"'{label}'" for label in labels[-4:])
    order = f"{'... < ' if len(labels) > 4 else ''}{order}"
    taken = f"'{labels[-1]}' is taken for the latest wave"
    if plain_text_labels(labels):
        return (
            "The wave labels hold no date, number or word of order, so they were "
            f"ordered as text ({order}) and {taken}. If that is not their order "
            "in time, label the waves so they sort (2026Q4, 2027-01, wave 1, "
            "wave 2) or give the two waves as separate surveys."
        )
    if yearless_periods(labels):
        return (
            "The wave labels name periods without a year, so they were ordered "
            f"as in one year ({order}) and {taken}. If the waves span a year's "
            "end, add the year to each label (2026Q4, 2027Q1)."
        )
    if not read_as_dates(labels):
        dated = _one_year_each([str(label) for label in labels]) is not None
        how = "by their year, then as text" if dated else "as text"
        return (
            f"The wave labels are not all read as dates, so they were ordered {how} "
            f"({order}) and {taken}. If that is not their order in time, "
            "label the waves so they sort (2026Q4, 2027-01) or give the two "
            "waves as separate surveys."
        )
    if day_order_untold(labels):
        return (
            "The wave labels are days written with slashes that read day first "
            "or month first alike (no number in them is past 12): they were "
            f"read day first ({order}) and {taken}. If they are month first, or "
            "to be sure, write the dates year first (2026-03-05)."
        )
    return None


def analyze_latest_wave(
    survey: pd.DataFrame, catalog: Any, study: Any, *, analyze
) -> AnalysisResult:
    """Analyse the latest two waves apart and compare them (``analyze(wave=)``).

    ``catalog`` and ``study`` (a :class:`~emomotiv.Study` whose ``wave`` names
    the wave column) are those given to :func:`emomotiv.analyze`, and
    ``analyze`` is that function. Returns the latest wave's analysis with the
    comparison added (:func:`add_comparison`).
    """
    column = study.wave
    empty = int(no_wave(survey[column]).sum())
    if empty:
        raise ValidationError(
            [f"The wave column '{column}' is empty for {empty} respondents."],
            subject="survey",
        )
    labels = sort_waves(survey[column].unique())
    previous, latest = labels[-2:]
    notes = []  # the run's own, kept in the summary beside the waves'
    note = order_note(labels)
    if note:
        notes.append(note)
        warnings.warn(note, EmomotivWarning, stacklevel=3)
    runs = []
    for label in (previous, latest):
        rows = (survey[column] == label).to_numpy()
        part = survey[rows].reset_index(drop=True)
        meta = keep_rows(survey, rows)
        part.attrs = {**part.attrs, ATTRS: meta}
        if "unanswered" in meta:  # those of this wave only
            by_wave = meta.pop("unanswered_by_wave", {})
            meta["unanswered"] = by_wave.get(str(label), 0)
        for key in ("outcome", "churn"):  # what was coded in this wave
            if f"{key}_by_wave" in meta:
                meta[key] = meta.pop(f"{key}_by_wave").get(str(label), meta[key])
        part.attrs = {**part.attrs, ATTRS: meta}
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", UserWarning)
                runs.append(analyze(part, catalog, study=study))
        except ValidationError as err:
            subject = f"{err.subject} of wave '{label}'"
            problems = [*err.problems, *separate_waves_advice(err.problems)]
            raise ValidationError(
                problems, subject=subject, context=err.context
            ) from None
        for note in caught:  # which wave each note is of
            message = note.message
            if issubclass(note.category, UserWarning):
                message = f"Wave '{label}': {message}"
            warnings.warn(message, note.category, stacklevel=3)
    comparison = compare(*runs, labels=(str(previous), str(latest)))
    comparison.summary["waves_in_survey"] = [str(label) for label in labels]
    result = add_comparison(runs[1], comparison)
    # the summary keeps what was said of the order, of the comparison (waves
    # resampled at very different sizes) and of the earlier wave, as the
    # console and the report read the warnings from it
    earlier = [f"Wave '{previous}': {w}" for w in runs[0].summary.get("warnings", [])]
    said = [*notes, *comparison.summary["notes"], *result.summary["warnings"], *earlier]
    return dataclasses.replace(result, summary=result.summary | {"warnings": said})
