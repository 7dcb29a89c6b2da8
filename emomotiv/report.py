"""The HTML report: results -> context dict -> Jinja2 template -> one file.

Building a :class:`Report` is cheap; rendering is explicit (:meth:`Report.html`,
:meth:`Report.write_html`, or the notebook's ``_repr_html_``). The page is
self-contained: styles inline, charts as inline SVG, no external assets, so it
opens offline and prints to PDF. Autoescape is on, so labels from user data
are text, never markup; chart text is escaped by matplotlib's SVG writer.

Every section renders from the tables and summary keys that
:func:`emomotiv.analyze` writes when they are present, and says in plain words
what to pass when they are not.
"""

from __future__ import annotations

import functools
import io
import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from html import escape
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._stats import format_against
from ._validation import check_currency, check_int, preview
from ._wording import CONNECTION_WORDS, in_outcome_words, outcome_words
from .controls import HALO
from .results import AnalysisResult, WaveComparison

__all__ = ["ComparisonReport", "Report"]

SECTIONS = {
    "summary": "Executive summary",
    "drivers": "What drives emotional connection",
    "quadrant": "What customers say versus what drives them",
    "stages": "The customer journey",
    "motivators": "Emotional motivators and connection tiers",
    "roi": "What improving each touchpoint is worth",
    "changes": "Change since the last wave",
    "model-fit": "Model fit, diagnostics and method agreement",
    "data": "Data",
    "method": "Method and caveats",
}

# where the plan's value of a connected customer (or of a point) came from,
# in words (report and console)
VALUE_SOURCES = {
    "value_link": "from the value link",
    "parameter": "as given (value_per_connected)",
    "mean_difference": "from the gap in mean value, connected against the rest",
    "value_slope": "from the slope of value on the outcome",
}

MISSING = {
    "intervals": (
        "Intervals were not computed: run the analysis with bootstrap resamples "
        "(n_boot > 0, --n-boot N) to see how sure each rank is."
    ),
    "stated": (
        "No stated importance was provided: pass a catalog with "
        "stated_importance or a survey with stated__<facet> columns."
    ),
    "stages": (
        "No journey-stage view was provided: it needs the stages table, computed "
        "when the catalog gives each facet a stage."
    ),
    "motivators": (
        "No motivator ratings were provided: add motivator__<name> columns "
        "(agreement with each emotional motivator) to the survey."
    ),
    "value_drivers": (
        "No value column was given: pass one (--value COL) to see which "
        "touchpoints move customer value and how much of it flows through connection."
    ),
    "segments": (
        "No segment column was given: pass one (segment=..., --segment COL) to "
        "rank the touchpoints within each customer segment."
    ),
    "tiers": (
        "No connection tiers were formed: they need a 0/1 connection outcome or "
        "motivator items to say who is fully connected."
    ),
    "value": (
        "No customer value was provided: pass a value column (--value COL) to "
        "link connection to what customers are worth."
    ),
    "value_link": (
        "The value column was not linked to connection: that needs to know who "
        "is connected, from a 0/1 connection outcome or motivator items "
        "(motivator__<name> columns)."
    ),
    "roi": (
        "No improvement scenarios were provided: run the simulation (a population "
        "size, --population N) to see what a one-point improvement of each "
        "touchpoint is worth; add a cost column to the catalog to rank by return."
    ),
    "plan": (
        "No plan was made: pass a budget (--budget X) and the cost of each "
        "improvement (the catalog's cost column)."
    ),
    "plan_budget": (
        "No plan was made: pass a budget (--budget X) to fund the improvements "
        "that return the most within it (the catalog gives their costs)."
    ),
    "plan_cost": (
        "No plan was made: a budget was given, but no improvement has a cost; "
        "add a cost column to the catalog."
    ),
    "changes": (
        "No earlier wave was provided: run analyze --wave COL on a survey with "
        "several waves, or emomotiv compare DIR_BEFORE DIR_AFTER."
    ),
    "diagnostics": (
        "No diagnostics were provided (condition number, VIF, halo): they come "
        "with the bootstrap step of the analysis."
    ),
    "agreement": (
        "No method comparison was provided: the classical methods (relative "
        "weights, Shapley regression, betas, correlations) were not run."
    ),
}

DEFAULT_ASSUMPTION = (
    "A scenario raises a touchpoint's rating by one point for every customer "
    "who rated it (capped at the top of the scale) and leaves everything else "
    "about each customer as it is; the model's prediction is read as the effect "
    "of the change."
)
PLAN_EXTRA_ROWS = 5
ROI_TOP = 12
ROI_MAX = 30

FIT_NAMES = {
    "roc_auc": "AUC (area under the ROC curve)",
    "log_loss": "Log loss",
    "r2": "R² (variance explained)",
}

QUADRANTS = {
    "core_driver": "Core driver",
    "hidden_driver": "Hidden driver",
    "table_stakes": "Table stakes",
    "low_priority": "Low priority",
}


# savefig metadata that leaves the date out, by format (PNG has none)
DATELESS = {
    "svg": {"Date": None},
    "pdf": {"CreationDate": None},
    "eps": {"CreationDate": None},
    "ps": {"CreationDate": None},
}


def _draw(draw: Callable, size: tuple[float, float], target, **options: Any) -> None:
    """Render ``draw(ax)`` on a pyplot-free figure of ``size`` inches and save
    it to ``target`` (a path or a buffer; ``options`` go to ``savefig``).

    Text stays text in an SVG (selectable, printable, escaped by matplotlib)
    and the output is deterministic (no date, fixed hash salt).
    """
    import matplotlib
    from matplotlib.figure import Figure

    rc = {"svg.fonttype": "none", "svg.hashsalt": "emomotiv", "font.size": 9}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        # Long labels can leave constrained layout no room; the chart is still
        # drawn (with the default margins), so the user is not told about it.
        warnings.filterwarnings("ignore", message=".*layout not applied")
        if options.get("format") == "svg":
            # SVG text stays text, drawn by the browser in a font of its own
            # that has the glyph (an emoji, a script) matplotlib's font lacks
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig = Figure(figsize=size, layout="constrained")
        draw(fig.subplots())
        fig.savefig(target, **options)


def _svg(draw: Callable, size: tuple[float, float], key: str, alt: str) -> str:
    """Render ``draw(ax)`` (see :func:`_draw`); return inline SVG markup whose
    every ``id`` is prefixed with ``key``, so several charts share one page,
    and that a screen reader reads as one image named ``alt`` (not as its
    tick labels one by one)."""
    buffer = io.StringIO()
    _draw(draw, size, buffer, format="svg", metadata=DATELESS["svg"])
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{key}-\1"', text)
    text = re.sub(
        r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r"<svg \1", text, count=1
    )
    return text.replace("<svg ", f'<svg role="img" aria-label="{escape(alt)}" ', 1)


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    frame = tables.get(name)
    if frame is None or not isinstance(frame, pd.DataFrame) or frame.empty:
        return None
    return frame


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Rows as dicts with missing values as None (the template prints n/a)."""
    if frame is None:
        return []
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


def _has(frame: pd.DataFrame | None, *columns: str) -> bool:
    return (
        frame is not None
        and all(c in frame.columns for c in columns)
        and bool(frame[list(columns)].notna().any().all())
    )


def _label(row: Mapping[str, Any]) -> str:
    label = row.get("label")
    return str(row["facet"]) if label is None or label == "" else str(label)


# money from this size up is printed in this unit, with this suffix
MONEY_UNITS = ((1e9, 1e9, " bn"), (1e6, 1e6, " m"), (1e4, 1e3, "k"))


def _number(value) -> float | None:
    if value is None or isinstance(value, str | bool):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def _pct(value, digits: int = 1) -> str:
    """A share in percent; a positive one too small for ``digits`` is below
    the smallest it can print, never "0.0%" (a touchpoint's share of 0.03%
    among 250 is not none).

    Examples
    --------
    >>> _pct(0.1234), _pct(0.0003), _pct(0.0), _pct(0.005, 0), _pct(None)
    ('12.3%', '<0.1%', '0.0%', '<1%', 'n/a')
    """
    value = _number(value)
    if value is None:
        return "n/a"
    text = f"{100 * value:z.{digits}f}"
    if value > 0 and float(text) == 0:  # as printed: 0.5% rounds to "0"
        return f"<{10**-digits:.{digits}f}%"
    return f"{text}%"


def _num(value, digits: int = 2) -> str:
    value = _number(value)
    return "n/a" if value is None else f"{value:z,.{digits}f}"


def _p_value(value) -> str:
    """A p-value to three decimals, "<0.001" below that: never "0.000"."""
    value = _number(value)
    if value is not None and value < 0.0005:
        return "<0.001"
    return _num(value, 3)


def _money(value, scale=None, currency: str | None = None) -> str:
    """An amount with the precision it needs: 1.2 m, 12.5k, 950, 12.3, 0.28;
    a trailing zero goes only where nothing was rounded away (a budget of
    500,000 is "500k"; an estimate of 1,981,234 is "2.0 m", as "13.1 m" beside
    it, not "2 m", as if known to fewer digits).

    With ``scale``, the unit and the decimals are those ``scale`` needs and
    trailing zeros stay, so that amounts read together share one precision:
    an estimate and its interval, at the scale of the largest of them
    (:func:`_magnitude`), read "12.5 (0.8 to 41.0)", not "12.5 (0.793 to 41)".
    With ``currency``, the amount carries it (:func:`_in_currency`).

    Examples
    --------
    >>> _money(1234567), _money(-950, currency="€"), _money(12.5, currency="EUR")
    ('1.2 m', '-€950', 'EUR 12.5')
    >>> _money(500_000), _money(1_981_234)
    ('500k', '2.0 m')
    """
    return _in_currency(_amount(value, scale), currency)


def _in_currency(text: str, currency: str | None) -> str:
    """An amount as printed with ``currency`` before its digits and after its
    sign; a currency that ends in a currency sign ("$", "R$", "€") touches
    the digits, any other (a code, "EUR"; an abbreviation, "kr.") sits a
    space apart. "n/a" and amounts without a currency stay as they are.

    Examples
    --------
    >>> _in_currency("1.2 m", "$"), _in_currency("-3.1k", "CHF")
    ('$1.2 m', '-CHF 3.1k')
    >>> _in_currency("950", "R$"), _in_currency("950", "kr.")
    ('R$950', 'kr. 950')
    """
    if not currency or text == "n/a":
        return text
    sign = text[0] if text.startswith(("-", MINUS)) else ""
    space = "" if unicodedata.category(currency[-1]) == "Sc" else " "
    return f"{sign}{currency}{space}{text[len(sign) :]}"


def _amount(value, scale=None) -> str:
    """:func:`_money` without a currency."""
    value, scale = _number(value), _number(scale)
    if value is None:
        return "n/a"
    # the size as printed (three significant figures): 99.96 reads "100", not
    # "100.0" beside a "100"; 999,999 reads "1.0 m", not "1,000.0k"
    size = float(f"{abs(value if scale is None else scale):.3g}")
    unit, suffix = next(
        ((unit, suffix) for least, unit, suffix in MONEY_UNITS if size >= least),
        (1.0, ""),
    )
    if suffix:
        digits = 1
    elif size >= 100 or size == 0:
        digits = 0
    else:  # three significant figures
        digits = 2 - math.floor(math.log10(size))
    text = f"{value / unit:z,.{digits}f}"
    exact = math.isclose(round(value / unit, digits), value / unit, rel_tol=1e-9)
    if scale is None and "." in text and exact:
        text = text.rstrip("0").rstrip(".")
    return text + suffix


def _change(value, digits: int = 1) -> str:
    """A change in a score outcome's mean, in its own units with a sign, to
    one more decimal than :func:`_points` gives a share (a score's changes
    are a fraction of a point; none on a change that rounds to zero)."""
    value = _number(value)
    if value is None:
        return "n/a"
    if round(value, digits + 1) == 0:
        return f"{0:.{digits + 1}f}"
    return f"{value:+,.{digits + 1}f}"


def study_currency(summary: Mapping[str, Any]) -> str | None:
    """The currency of a run's amounts, as its study set it (``--currency``).

    Examples
    --------
    >>> study_currency({"study": {"options": {"currency": "€"}}})
    '€'
    >>> study_currency({}) is None
    True
    """
    study = summary.get("study")
    options = study.get("options") if isinstance(study, Mapping) else None
    return options.get("currency") if isinstance(options, Mapping) else None


def plan_without_basis(summary: Mapping[str, Any]) -> bool:
    """Whether the plan rests on nothing: the fit is too weak to rank drivers
    (``diagnostics.weak_fit``) and no one-point gain is beyond noise, so the
    touchpoints a budget buys are chosen by noise. The report and the
    console then recommend no plan.

    Examples
    --------
    >>> plan_without_basis({"diagnostics": {"weak_fit": True},
    ...                     "plan": {"noise": {"n_raise": 0}}})
    True
    >>> plan_without_basis({"diagnostics": {"weak_fit": True},
    ...                     "plan": {"noise": {"n_raise": 2}}})
    False
    """
    weak = bool((summary.get("diagnostics") or {}).get("weak_fit"))
    noise = (summary.get("plan") or {}).get("noise") or {}
    return weak and noise.get("n_raise") == 0


def wave_currencies(tracking: Mapping[str, Any]) -> dict[str, str | None]:
    """The currency of each compared wave's amounts, and of their change:
    that of both when they agree, none when they differ (a change from
    pounds to euros has no unit). A wave run without a currency has none,
    also when the other wave has one.

    Examples
    --------
    >>> differences = [{"setting": "currency", "before": "£", "after": "€"}]
    >>> wave_currencies({"currency": "€", "differences": differences})
    {'before': '£', 'after': '€', 'change': None}
    >>> differences = [{"setting": "currency", "before": "€", "after": None}]
    >>> wave_currencies({"currency": "€", "differences": differences})
    {'before': '€', 'after': None, 'change': None}
    >>> wave_currencies({"currency": "€"})
    {'before': '€', 'after': '€', 'change': '€'}
    """
    shared = tracking.get("currency")
    out = {"before": shared, "after": shared}
    for difference in tracking.get("differences") or ():
        if isinstance(difference, Mapping) and difference.get("setting") == "currency":
            out = {k: difference.get(k, out[k]) for k in out}
    return out | {"change": out["before"] if out["before"] == out["after"] else None}


def score_outcome(summary: Mapping[str, Any]) -> str | None:
    """The outcome's label when it is a score (a regression), else None.

    The changes of a score are in its own units; those of a 0/1 outcome in
    points of its share.

    Examples
    --------
    >>> score_outcome({"model": {"task": "regression"},
    ...                "data": {"roles": {"connection": "overall_nps"}}})
    'overall nps'
    >>> score_outcome({"model": {"task": "binary"}}) is None
    True
    """
    task = (summary.get("model") or {}).get("task")
    return outcome_label(summary) if task == "regression" else None


def _magnitude(*values) -> float | None:
    """The largest size among ``values`` (None when none is a number): the
    ``scale`` of :func:`_money` for amounts shown together."""
    return max((abs(v) for v in map(_number, values) if v is not None), default=None)


def _shared_scale(value, low, high) -> float | None:
    """The scale of :func:`_money` for an estimate beside its interval: the
    larger bound's, so that the three read in one unit ("0.8 m (−0.2 m to
    2.5 m)"), unless the estimate is under a tenth of it, which that unit
    would print as "0.0 m": then its own (None), as "−30k (−2.5 m to
    0.2 m)".

    Examples
    --------
    >>> _shared_scale(846_300, -200_000, 2_500_000)
    2500000.0
    >>> _shared_scale(-30_000, -2_500_000, 200_000) is None
    True
    """
    scale, size = _magnitude(value, low, high), _magnitude(value)
    if scale is None or size is None or size < scale / 10:
        return None
    return scale


def _end_scale(value, scale) -> float | None:
    """The scale of :func:`_money` for an interval's end: the interval's
    (``scale``), unless that unit prints the end as zero, "0.0 m" of a gain
    of 39k (a loss of 48k read "−0.0 m"): then its own (None).

    Examples
    --------
    >>> _end_scale(-200_000, 2_500_000), _end_scale(-48_634, 2_500_000)
    (2500000, None)
    """
    number = _number(value)
    if not number or _number(scale) is None:
        return scale
    return scale if re.search("[1-9]", _amount(number, scale)) else None


def _points(value, digits: int = 1) -> str:
    """A change in a share, in percentage points with a sign (none on a
    change that rounds to zero: not "-0.00")."""
    value = _number(value)
    if value is None:
        return "n/a"
    if round(100 * value, digits) == 0:
        return f"{0:.{digits}f} pts"
    return f"{100 * value:+.{digits}f} pts"


def _signed(text: str) -> str:
    """A change as formatted (:func:`_money`, :func:`_num`) with its sign:
    "+" before a rise, a fall keeps its "-" (or its true minus,
    :func:`_minus`), and a change shown as zero or "n/a" none.

    Examples
    --------
    >>> _signed("12.5"), _signed("-3.1 m"), _signed("0.00"), _signed("n/a")
    ('+12.5', '-3.1 m', '0.00', 'n/a')
    """
    if text.startswith(("-", MINUS)) or not any(c in "123456789" for c in text):
        return text
    return "+" + text


#: the ranks among which analyze looks for the methods' disagreements
#: (:func:`~emomotiv.classical.method_agreement`'s ``top``)
AGREEMENT_TOP = 20

MINUS = "\u2212"
# a hyphen that is a number's sign: not inside a word or a number
SIGN = re.compile(r"(?<![\w.,])-(?=[\d.])")


def _minus(text: object) -> str:
    """A number's sign as the page prints it: a true minus (U+2212), which
    reads as "minus" to a screen reader and lines up with "+", where a
    hyphen reads as a dash; a hyphen inside a word or a range stays.

    Examples
    --------
    >>> _minus("-3.1 m"), _minus("-0.45 to +0.2"), _minus("R² is -0.15")
    ('−3.1 m', '−0.45 to +0.2', 'R² is −0.15')
    >>> _minus("2025-26"), _minus("top-3")
    ('2025-26', 'top-3')
    """
    return SIGN.sub(MINUS, str(text))


def _end(text: Any, value: Any) -> Any:
    """An interval's end as printed (``text``), with the minus of a negative
    ``value`` that rounds to zero: "−0.0 to 32.2", where "0.0 to 32.2" read
    as an interval clear of zero. The formats print such a value as zero,
    unsigned, which suits an estimate but not an end.

    Examples
    --------
    >>> _end("0.0", -0.016), _end("0.00 pts", -0.000019), _end("€0.0", -0.01)
    ('−0.0', '−0.00 pts', '−€0.0')
    >>> _end("0.0", 0.0), _end("−3.1", -3.1), _end("n/a", None)
    ('0.0', '−3.1', 'n/a')
    """
    number = _number(value)
    if number is None or number >= 0 or str(text).startswith((MINUS, "-")):
        return text
    return MINUS + str(text)


def _html(format_: Callable[..., str]) -> Callable[..., str]:
    """``format_`` for the page: its number's sign a true minus (:func:`_minus`)."""

    def page(*args: Any, **kwargs: Any) -> str:
        return _minus(format_(*args, **kwargs))

    return page


def _plain(value: Any) -> Any:
    """Text from the data as the page prints it, without bidirectional
    controls (:data:`~emomotiv.plotting.BIDI_CONTROLS`): an override left
    open in a label turned the rest of its paragraph around. Markup (a
    chart, drawn from cleaned text) and numbers pass as they are."""
    from markupsafe import Markup

    from .plotting import BIDI_CONTROLS

    if isinstance(value, str) and not isinstance(value, Markup):
        return value.translate(BIDI_CONTROLS)
    return value


def _sentence(text: object) -> str:
    """``text`` with its first letter upper case and the rest as it is
    (Jinja's ``capitalize`` lowers the rest: a segment, a facet, "AUC").

    Examples
    --------
    >>> _sentence("segment VIP (n=30) is below the minimum")
    'Segment VIP (n=30) is below the minimum'
    """
    text = str(text)
    return text[:1].upper() + text[1:]


def _times(value, digits: int = 1) -> str:
    value = _number(value)
    return "n/a" if value is None else f"{value:z,.{digits}f}×"


def _gross(roi) -> str:
    """Value as a multiple of its cost, from the net ROI ((value - cost) /
    cost): a net ROI of 118.5 is 119.5 times the cost."""
    roi = _number(roi)
    return _times(None if roi is None else roi + 1)


#: the tier table's headings of its size and share with survey weights (the
#: weighted n, which the caption says how it is made; "respondents" in a run
#: saved without it)
TIER_WEIGHTED_HEADINGS = {"n": "weighted n", "share": "weighted share"}


def _with_rank_interval(row: Mapping[str, Any]) -> str:
    """A touchpoint's label with the interval of its rank over the
    resamples, where drivers.csv has one.

    Examples
    --------
    >>> _with_rank_interval({"label": "Chat", "rank_low": 1, "rank_high": 7})
    'Chat (ranks 1 to 7)'
    >>> _with_rank_interval({"label": "Chat", "rank_low": 2, "rank_high": 2})
    'Chat (rank 2)'
    >>> _with_rank_interval({"label": "Chat"})
    'Chat'
    """
    low, high = _number(row.get("rank_low")), _number(row.get("rank_high"))
    if low is None or high is None:
        return _label(row)
    if low == high:
        return f"{_label(row)} (rank {low:.0f})"
    return f"{_label(row)} (ranks {low:.0f} to {high:.0f})"


def _label_list(labels: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' (plain text; the template escapes it)."""
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


HALO_TEXT = {
    "mean": "the mean of their ratings, each standardised within its touchpoint",
    "factor": "a one-factor score of their ratings",
    "profile": "the mean and the spread of their standardised ratings",
    "components": "their scores on the leading principal components of the ratings",
}


def _controls_context(tables, summary) -> dict[str, Any] | None:
    """'What the touchpoints do not explain': the halo score and context controls."""
    halo = summary.get("halo")
    if not isinstance(halo, Mapping):
        return None  # an analysis saved before controls existed
    frame = _table(tables, "controls")
    rows = _records(frame) if frame is not None and len(frame) else []
    method = halo.get("method")
    return {
        "rows": rows,
        "halo": any(r.get("kind") == "halo" for r in rows),
        "context": [r["label"] for r in rows if r.get("kind") == "context"],
        "share": sum(_number(r.get("importance")) or 0.0 for r in rows),
        "strength": halo.get("strength"),
        "method": method,
        "method_text": HALO_TEXT.get(method, method),
        "intervals": _has(frame, "importance_low"),
        "note": halo.get("note"),
    }


def _segments_context(tables, summary, top: int) -> dict[str, Any]:
    """The heat table of importance by segment, most-differing facets first,
    and the segments whose ranking is unstable."""
    info = dict(summary.get("segments") or {})
    sizes = dict(info.get("segments") or {})
    weighted = bool((summary.get("data") or {}).get("weighted"))
    out: dict[str, Any] = {
        "rows": [],
        # each segment's weighted share of the survey, beside its rows
        "weighted": weighted,
        "skipped": info.get("skipped"),
        "note": info.get("note"),
        "left_out": info.get("left_out"),
        "alpha": info.get("alpha", 0.05),
        "unranked": [
            {
                "name": name,
                "n": s.get("n"),
                "share": s.get("share") if weighted else None,
                # the size is in the sentence, not said twice
                "note": _unsized(s.get("note"), s.get("n")),
            }
            for name, s in sizes.items()
            if not s.get("ranked")
        ],
    }
    table = _table(tables, "segment_drivers")
    if table is None or not _has(table, "importance"):
        return out
    ranked = table.loc[table["ranked"].astype(bool)]
    names = list(dict.fromkeys(ranked["segment"].astype(str)))
    wide = ranked.pivot(index="facet", columns="segment", values="importance")
    ranks = ranked.pivot(index="facet", columns="segment", values="rank")
    gains = (
        ranked.pivot(index="facet", columns="segment", values="delta_connected")
        if _has(ranked, "delta_connected")
        else None
    )
    per_facet = ranked.groupby("facet").agg(
        label=("label", "first"),
        p_adj=("p_differ_adj", "first"),
        differs=("differs", lambda s: bool(s.fillna(False).astype(bool).any())),
        largest=("importance", "max"),
        best=("rank", "min"),
    )
    k = _segment_top_k(summary)
    shown, leading, fill = _segment_rows(per_facet, top, k)
    shown = shown + leading + fill
    peak = float(wide.max().max()) or 1.0
    out["rows"] = [
        {
            "label": str(per_facet.loc[f, "label"]),
            "differs": bool(per_facet.loc[f, "differs"]),
            "p_adj": _number(per_facet.loc[f, "p_adj"]),
            "cells": [
                {
                    "share": _number(wide.loc[f, s]),
                    "rank": _number(ranks.loc[f, s]),
                    "gain": None if gains is None else _number(gains.loc[f, s]),
                    "alpha": round(0.55 * (_number(wide.loc[f, s]) or 0) / peak, 3),
                }
                for s in names
            ],
        }
        for f in shown
    ]
    stability = {s: sizes.get(s, {}).get("stability") or {} for s in names}
    out["ranked"] = [
        {
            "name": s,
            "n": sizes.get(s, {}).get("n"),
            "share": sizes.get(s, {}).get("share") if weighted else None,
            "unstable": bool(stability[s].get("low")),
            "note": sizes.get(s, {}).get("note"),
        }
        for s in names
    ]
    unstable = [s for s in names if stability[s].get("low")]
    if unstable:
        first = stability[unstable[0]]
        out["unstable"] = {
            "names": unstable,
            "overlaps": [
                format_against(
                    stability[s]["top_k_overlap"], first["threshold"], percent=True
                )
                for s in unstable
            ],
            "threshold": first["threshold"],
            "top_k": first["top_k"],
        }
    out["not_estimable"] = _not_estimable_cells(ranked, sizes, set(shown))
    out["n_differ"] = int(per_facet["differs"].sum())
    out["n_left_out"] = len(per_facet) - len(shown)
    out["order"] = _segment_order(k, len(fill), out["n_left_out"])
    out["tested"] = bool(per_facet["p_adj"].notna().any())
    out["column_note"] = (
        f"segments of at least {info['min_size']} respondents"
        if info.get("min_size")
        else "each segment fitted on its own"
    )
    out["warmth"] = HALO in (info.get("controls") or [])
    return out


def _segment_top_k(summary: Mapping[str, Any]) -> int:
    """How many of each segment's leading touchpoints the heat table always
    shows: the whole survey's top k, or 5."""
    k = _number((summary.get("uncertainty") or {}).get("top_k"))
    return int(k) if k and k > 0 else 5


def _segment_rows(per_facet: pd.DataFrame, top: int, k: int) -> tuple[list, list, list]:
    """The facets of the heat table in three groups: those that differ across
    segments (Holm), by adjusted p; every segment's top ``k``; and, up to
    ``top`` rows, the next by largest share in any segment (the last two
    in the order of that share)."""
    differs = per_facet.loc[per_facet["differs"]]
    shown = differs.sort_values("p_adj", na_position="last").index.tolist()
    rest = per_facet.loc[~per_facet["differs"]].sort_values(
        "largest", ascending=False, kind="stable"
    )
    leading = rest.index[rest["best"] <= k].tolist()
    room = max(top - len(shown) - len(leading), 0)
    fill = [f for f in rest.index if f not in leading][:room]
    return shown, leading, fill


def _segment_order(k: int, fill: int, left_out: int) -> str:
    """How the heat table orders the touchpoints that do not differ."""
    if not fill:
        return (
            f"each segment's top {k} touchpoints, in the order of their largest "
            "share in any segment"
        )
    others = f"the {fill} others" if not left_out else f"the {fill} next"
    return (
        f"each segment's top {k} touchpoints, then {others} by largest share in "
        "any segment, each group in the order of that largest share"
    )


def _not_estimable_cells(
    ranked: pd.DataFrame, sizes, shown: set | None = None
) -> list[dict[str, Any]]:
    """The cells of ranked segments left empty, as the segment cannot
    estimate the facet (nobody rated it, or every rater gave one rating),
    each with the reason, and whether the heat table shows its row (the
    facets ``shown``; every row when not given)."""
    if not _has(ranked, "note"):
        return []
    empty = ranked.loc[ranked["importance"].isna() & ranked["note"].notna()]
    cells = []
    for row in empty.itertuples():
        caution = sizes.get(row.segment, {}).get("note")
        why = str(row.note).removesuffix(f"; {caution}" if caution else "")
        cells.append(
            {
                "label": str(row.label),
                "segment": str(row.segment),
                "why": why,
                "shown": shown is None or row.facet in shown,
            }
        )
    return cells


def _unsized(note: Any, n: Any) -> Any:
    """A segment's note without the size its sentence gives before it
    ("not ranked: 120 respondents, below the minimum of 300" reads "not
    ranked: below the minimum of 300").

    Examples
    --------
    >>> _unsized("not ranked: 1 respondent, below the minimum of 300", 1)
    'not ranked: below the minimum of 300'
    >>> _unsized("not ranked: the outcome takes one value in this segment", 80)
    'not ranked: the outcome takes one value in this segment'
    """
    size = f"{n} respondent{'' if n == 1 else 's'}, "
    if isinstance(note, str) and note.startswith(f"not ranked: {size}"):
        return "not ranked: " + note.removeprefix(f"not ranked: {size}")
    return note


def _reach_of(drivers: pd.DataFrame | None) -> dict[str, float]:
    """Each touchpoint's weighted reach (``drivers.csv``), by facet."""
    if not _has(drivers, "facet", "reach"):
        return {}
    return dict(zip(drivers["facet"], drivers["reach"], strict=True))


def _words(summary: Mapping[str, Any]) -> dict[str, str]:
    """The words of the connected customers and share (:func:`outcome_words`):
    a 0/1 outcome's by its label; a score outcome's connected customers are
    those of the motivators, in the words of connection, and the value
    through the score is named by its label."""
    return outcome_words(outcome_label(summary), score=score_outcome(summary))


def _named_axis(ax, words: Mapping[str, str]):
    """``ax`` with an axis of points of "connected share" (:mod:`.plotting`)
    named by the outcome's ``words``, where they are not connection's."""
    from .plotting import _text

    if words["share"] != CONNECTION_WORDS["share"]:
        for axis in (ax.xaxis, ax.yaxis):
            text = axis.get_label_text()
            if "connected share" in text:
                named = text.replace("connected share", words["share"])
                axis.set_label_text(_text(named))
    return ax


def _connected_means(summary: Mapping[str, Any]) -> str | None:
    """Who counts as connected when the tiers are the outcome's (``connection
    outcome = 1``), in words: the outcome column and the answers coded 1
    (``--connected-values``), e.g. "overall_satisfaction = 5"; None when
    the motivators say who is connected, or nothing does."""
    rule = (summary.get("measures") or {}).get("connected_rule")
    if rule != "connection outcome = 1":
        return None
    data = summary.get("data") or {}
    column = (data.get("roles") or {}).get("connection")
    study = summary.get("study")
    options = study.get("options") if isinstance(study, Mapping) else None
    values = (options or {}).get("connected_values") if options else None
    if not column:
        return "the outcome = 1"
    coded = " or ".join(map(str, values)) if values else "1"
    return f"{column} = {coded}"


def _value_drivers_context(tables, summary, top: int) -> dict[str, Any]:
    """Value drivers: the largest changes in value and every negative one."""
    info = dict(summary.get("value_drivers") or {})
    out: dict[str, Any] = {"rows": [], "skipped": info.get("skipped")}
    table = _table(tables, "value_drivers")
    if not _has(table, "facet", "delta_mean_value"):
        return out
    # the largest changes by size first, a rise or a fall, as the console
    # and summary["value_drivers"]["top"]; shown in that order, with the sign
    from .value_drivers import by_size_of_change

    shown, left_out = _effect_rows(
        by_size_of_change(table), "delta_mean_value", min(top, ROI_TOP)
    )
    rows = _clear_records(shown, "delta_mean_value")
    shares = [
        _number(r.get("share_via_connection")) for r in rows if r["clear"]
    ]  # those the table shows
    gains = clear_gains(_table(tables, "roi"))
    two_ways = [
        _label(r)
        for r in rows
        if r["clear"] and r.get("facet") in gains and moves_two_ways(r)
    ]
    fit = dict(info.get("fit") or {})
    out.update(
        beyond=any(x is not None and not 0 <= x <= 1 for x in shares),
        two_ways=two_ways,
        n_beyond=sum(x is not None and not 0 <= x <= 1 for x in shares),
        rows=rows,
        n_total=len(table),
        left_out=left_out,
        intervals=_has(table, "delta_mean_value_low", "delta_mean_value_high"),
        decomposed=_has(table, "delta_mean_value_via_connection"),
        objective=str(info.get("objective") or "tweedie").capitalize(),
        r2=_number(fit.get("r2")),
        caveat=value_fit_caveat(summary),  # beside the table, not only above
        warmth=HALO in (info.get("controls") or []),
        **_untested(table),
    )
    return out


def clear_gains(roi: pd.DataFrame | None) -> set[str]:
    """The touchpoints whose one-point gain in the outcome (``roi``'s
    ``delta_connected``) is clear of zero by the table's rule: a part
    through connection that is more than noise (:func:`moves_two_ways`)."""
    if roi is None or "facet" not in roi or "delta_connected" not in roi:
        return set()
    return {r["facet"] for r in _clear_records(roi, "delta_connected") if r["clear"]}


def moves_two_ways(row: Mapping[str, Any]) -> bool:
    """Whether a value driver's row reads as moving value two ways, one
    through connection and one by other paths, of opposite signs: its share
    through connection is outside [0, 1] and the part through connection
    lies outside the interval of its change in all, so the rest is beyond
    that noise too (a fee that pleases and costs: +40 through connection in
    a change of -135, -174 to -103). A share past 100% whose part through
    connection lies inside that interval is the two models not quite
    agreeing (+53 in a change of +37, +17 to +58). The caller checks that
    the part through connection is more than noise (:func:`clear_gains`):
    -1.6 of a change of +49 is no second path.

    Examples
    --------
    >>> row = {"share_via_connection": -0.29, "delta_mean_value_via_connection": 40,
    ...        "delta_mean_value_low": -174, "delta_mean_value_high": -103}
    >>> moves_two_ways(row)
    True
    >>> moves_two_ways(row | {"share_via_connection": 1.44,
    ...     "delta_mean_value_via_connection": 53,
    ...     "delta_mean_value_low": 17, "delta_mean_value_high": 58})
    False
    """
    share = _number(row.get("share_via_connection"))
    via = _number(row.get("delta_mean_value_via_connection"))
    low = _number(row.get("delta_mean_value_low"))
    high = _number(row.get("delta_mean_value_high"))
    if None in (share, via, low, high) or 0 <= share <= 1:
        return False
    return not low <= via <= high


def direct_value_movers(table: pd.DataFrame | None) -> pd.DataFrame:
    """The touchpoints that move value mostly by paths other than connection,
    beyond noise: the rows of ``value_drivers`` whose change in mean value is
    beyond noise and less than half of it through connection (or its split
    not known), largest change first. The plan prices value through
    connection only, so it leaves what these move out."""
    from .value_drivers import by_size_of_change

    if not _has(table, "facet", "delta_mean_value", "beyond_noise"):
        return pd.DataFrame()
    clear = table["beyond_noise"].astype("boolean").fillna(False).astype(bool)
    share = (
        table["share_via_connection"].astype(float)
        if "share_via_connection" in table
        else pd.Series(np.nan, index=table.index)
    )
    direct = clear & ~(share >= 0.5)
    return by_size_of_change(table.loc[direct])


def _untested(table: pd.DataFrame) -> dict[str, Any]:
    """How many of a table of effects' touchpoints the test of noise read
    together (``n_tested``: those with a ``beyond_noise`` flag), and the
    labels of those it left out (``untested``: a change of exactly 0, with
    no p-value), so that the report gives one count and names the rest.

    Examples
    --------
    >>> t = pd.DataFrame({"facet": ["a", "b"], "beyond_noise": [True, None]})
    >>> _untested(t)
    {'n_tested': 1, 'untested': ['b']}
    """
    if "beyond_noise" not in table or table["beyond_noise"].isna().all():
        return {"n_tested": len(table), "untested": []}
    missing = table["beyond_noise"].isna()
    return {
        "n_tested": int((~missing).sum()),
        "untested": [_label(r) for r in _records(table.loc[missing])],
    }


def _with_labels(text: str, labels: Mapping[str, str]) -> str:
    """``text`` with each quoted facet id read as its label, the id kept in
    brackets (``'account_opening'`` becomes ``Ease of opening an account
    ('account_opening')``), where the label differs from the id: the
    report's tables name touchpoints by label. An id quoted as code (after
    ``(``, ``[`` or ``=``, as in ``RaiseScore('account_opening', 2)``) is
    left as it is.

    Examples
    --------
    >>> labels = {"opening": "Ease of opening", "app": "app"}
    >>> _with_labels("'opening' (2, 4); RaiseScore('opening', 2); 'app'", labels)
    "Ease of opening ('opening') (2, 4); RaiseScore('opening', 2); 'app'"
    """
    named = {f: lab for f, lab in labels.items() if lab and lab != f}
    if not named or not isinstance(text, str):
        return text

    def label(match: re.Match) -> str:
        start, facet = match.start(), match.group(1)
        if facet not in named or (start and text[start - 1] in "([="):
            return match.group(0)
        return f"{named[facet]} ('{facet}')"

    return re.sub(r"'([^'\n]+)'", label, text)


def value_fit_caveat(summary: Mapping[str, Any]) -> str:
    """The caveat that goes with any finding of the value model when its
    cross-validated R² is below :data:`~emomotiv.diagnostics.WEAK_R2` (the
    value drivers' warning), or ``""`` when it fits or is not known.

    Examples
    --------
    >>> value_fit_caveat({"value_drivers": {"fit": {"r2": 0.03}}})[:47]
    'The value model barely predicts value (cross-va'
    >>> value_fit_caveat({"value_drivers": {"fit": {"r2": 0.4}}})
    ''
    """
    from .diagnostics import WEAK_R2

    info = summary.get("value_drivers")
    fit = info.get("fit") if isinstance(info, Mapping) else None
    r2 = _number(fit.get("r2")) if isinstance(fit, Mapping) else None
    if r2 is None or not r2 < WEAK_R2:
        return ""
    return (
        "The value model barely predicts value (cross-validated R² "
        f"{format_against(r2, WEAK_R2, digits=2)}, below {WEAK_R2}), so this "
        "is not reliable."
    )


def _smaller_class(
    tables, data: Mapping[str, Any], score: str | None, words: Mapping[str, str]
) -> dict[str, Any] | None:
    """The respondents in the smaller class of a 0/1 outcome, from the tiers
    (``fully_connected`` is every respondent with the outcome 1), or None:
    a score outcome, no tiers, or tiers that do not count every respondent."""
    tiers = _table(tables, "tiers")
    if score is not None or not _has(tiers, "tier", "n"):
        return None
    counts = tiers.set_index(tiers["tier"].astype(str))["n"]
    n = _number(data.get("n_respondents"))
    if "fully_connected" not in counts or n is None or counts.sum() != n:
        return None
    yes = int(counts["fully_connected"])
    if yes <= n - yes:
        return {"n": yes, "who": f"who are {words['connected']}"}
    return {"n": int(n) - yes, "who": f"who are not {words['connected']}"}


def _shown_direction(drivers: pd.DataFrame, roi) -> tuple[pd.DataFrame, str | None]:
    """The drivers as the report marks them, and the rule when by their
    gains (``"noise"`` or ``"interval"``, :func:`_clear`; None: by SHAP).

    With the ROI table's rule of what is clear of zero (:func:`_clear`), a
    touchpoint is marked as lowering the outcome only when its one-point
    gain is clearly below zero: the sign of a facet's SHAP values alone is
    noise for a facet that moves nothing (with the halo score held fixed,
    such facets often lean negative). Without it, the SHAP direction as it
    is.
    """
    if not _has(roi, "facet", "delta_connected") or "facet" not in drivers:
        return drivers, None
    clear, by = _clear(roi)
    if clear is None:
        return drivers, None
    lowering = roi.loc[clear & (roi["delta_connected"].astype(float) < 0), "facet"]
    lowers = drivers["facet"].isin(set(lowering)).to_numpy()
    shown = drivers.copy()
    shown["direction"] = np.where(lowers, -1, 1)
    return shown, by


# the headline measures' names where their keys say less
KPI_NAMES = {"value_per_connected": "value per connected customer"}


def _no_earlier_wave(data: Mapping[str, Any]) -> str:
    """Why the report has no change since the last wave: no wave column, or
    one whose survey holds one wave (named by its label).

    Examples
    --------
    >>> _no_earlier_wave({"roles": {"wave": "wave"}, "wave": "2026Q3"}).split(":")[0]
    'The wave column “wave” holds one wave, 2026Q3'
    """
    roles = data.get("roles")
    column = roles.get("wave") if isinstance(roles, Mapping) else None
    wave = data.get("wave")
    if column is None or wave is None:
        return MISSING["changes"]
    return (
        f"The wave column “{column}” holds one wave, {wave}: there is no "
        f"earlier wave in it to compare with. Run analyze --wave {column} on a "
        "survey that holds several waves, or emomotiv compare DIR_BEFORE "
        "DIR_AFTER on an earlier wave's analysis and this one."
    )


def kpi_name(
    key: object, words: Mapping[str, str] | None = None, score: str | None = None
) -> str:
    """A headline measure's name in words, from its summary key; the
    outcome's share and the value per connected customer in the ``words``
    of :func:`outcome_words`, where given, and a score's mean by the
    ``score``'s name.

    Examples
    --------
    >>> kpi_name("connected_share"), kpi_name("attrition.odds_ratio")
    ('Connected share', 'Attrition · odds ratio')
    >>> kpi_name("value_per_connected")
    'Value per connected customer'
    >>> kpi_name("value_per_connected", outcome_words("a promoter"))
    'Value per customer who is “a promoter”'
    >>> kpi_name("mean_outcome", score="likelihood to recommend")
    'Mean likelihood to recommend'
    """
    if score and key == "mean_outcome":
        return f"Mean {score}"
    if words is not None and key == "connected_share":
        return words["Share"]
    if words is not None and key == "value_per_connected":
        return f"Value per {words['customer']}"
    parts = str(key).split(".")
    parts[0] = KPI_NAMES.get(parts[0], parts[0])
    return " · ".join(parts).replace("_", " ").capitalize()


def _wave_names(tracking: Mapping[str, Any]) -> tuple[str, str]:
    waves = tracking.get("waves")
    waves = waves if isinstance(waves, Mapping) else {}
    return (
        str(waves.get("before") or "the earlier wave"),
        str(waves.get("after") or "the later wave"),
    )


def _setting_value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or "none"
    return "none" if value is None else str(value)


# why a setting that differs matters, where it changes what a share means
SETTING_MEANING = {
    "halo design": "the shares net out the halo differently",
    "controls": "the shares are net of different controls",
    "weighted": "one wave's shares are weighted to the population, the other's not",
    "currency": (
        "nothing is converted: amounts in two currencies get no change, and an "
        "amount of a wave that names none is compared as written"
    ),
}
# where one wave has no bootstrap: its shares are another estimate
ONE_FIT = (
    "a wave without replicates reports one fit's shares, the other the mean "
    "over its refits: the two differ even on the same survey, and the other "
    "wave's errors stand for both"
)


STAGE_MOVED = (
    "each wave's stage shares are over its own stages: the two stages' changes "
    "hold the move as well as any change in what the customers felt"
)


DIFFERENT_OUTCOMES = "The two waves measure different outcomes"


def different_outcomes(before: object, after: object, waves: Sequence[str]) -> str:
    """That two waves measure different outcomes, their outcome columns
    ``before`` and ``after`` named with the ``waves``: the first of
    :func:`setting_notes`, and the warning of :func:`emomotiv.compare`.

    Examples
    --------
    >>> note = different_outcomes("connected", "churned", ["Q1", "Q2"])
    >>> print(note)  # doctest: +NORMALIZE_WHITESPACE
    The two waves measure different outcomes ('connected' in Q1, 'churned' in
    Q2): their shares and changes compare different questions, not one question
    over time.
    """
    b, a = _setting_value(before), _setting_value(after)
    return (
        f"{DIFFERENT_OUTCOMES} ('{b}' in {waves[0]}, '{a}' in {waves[1]}): their "
        "shares and changes compare different questions, not one question over "
        "time."
    )


def setting_notes(tracking: Mapping[str, Any]) -> list[str]:
    """The settings two waves' analyses differ in, in words, one a line
    (``tracking["differences"]`` of :func:`emomotiv.compare`); first, when
    the outcome column differs, that the waves measure different outcomes.

    Examples
    --------
    >>> tracking = {"waves": {"before": "Q1", "after": "Q2"}, "differences": [
    ...     {"setting": "outcome column", "before": "connected", "after": "churned"},
    ...     {"setting": "bootstrap replicates", "before": 15, "after": 10}]}
    >>> for line in setting_notes(tracking):  # doctest: +NORMALIZE_WHITESPACE
    ...     print(line)
    The two waves measure different outcomes ('connected' in Q1, 'churned' in
    Q2): their shares and changes compare different questions, not one question
    over time.
    Bootstrap replicates: 15 in Q1, 10 in Q2.
    >>> tracking["differences"][1]["after"] = 0
    >>> print(setting_notes(tracking)[1])  # doctest: +NORMALIZE_WHITESPACE
    Bootstrap replicates: 15 in Q1, 0 in Q2 (a wave without replicates reports
    one fit's shares, the other the mean over its refits: the two differ even
    on the same survey, and the other wave's errors stand for both).
    """
    waves = before, after = _wave_names(tracking)
    differences = tracking.get("differences") or []
    lines = []
    for d in differences:
        if not isinstance(d, Mapping) or "setting" not in d:
            continue
        name = str(d["setting"])
        b, a = _setting_value(d.get("before")), _setting_value(d.get("after"))
        if name == "outcome column":
            outcomes = different_outcomes(d.get("before"), d.get("after"), waves)
            lines.insert(0, outcomes)
            continue
        why = SETTING_MEANING.get(name)
        if name == "bootstrap replicates" and 0 in (d.get("before"), d.get("after")):
            why = ONE_FIT
        if name.startswith("stage of "):  # a touchpoint moved between stages
            why = STAGE_MOVED
        lines.append(
            f"{name[:1].upper()}{name[1:]}: {b} in {before}, {a} in {after}"
            + (f" ({why})." if why else ".")
        )
    return lines


def touchpoint_notes(tracking: Mapping[str, Any], changes: pd.DataFrame) -> list[str]:
    """The touchpoints asked in one wave only, by label, one line each for
    the added and the dropped, and a line for each dropped and added pair that
    share a label (perhaps one touchpoint renamed).

    Examples
    --------
    >>> changes = pd.DataFrame({"facet": ["chat", "live_chat", "forum"],
    ...                         "label": ["Chat", "Chat", "Forum"]})
    >>> tracking = {"waves": {"before": "Q1", "after": "Q2"},
    ...             "added": ["live_chat"], "dropped": ["chat", "forum"]}
    >>> for line in touchpoint_notes(tracking, changes):
    ...     print(line)
    Asked in Q2 only: Chat.
    No longer asked in Q2 (asked in Q1): Chat and Forum.
    'Chat' may be one touchpoint renamed: chat in Q1, live_chat in Q2.
    """
    before, after = _wave_names(tracking)
    labels: dict[str, str] = {}
    if {"facet", "label"} <= set(changes.columns):
        labels = {str(r["facet"]): _label(r) for r in _records(changes)}
    added = [str(f) for f in tracking.get("added") or []]
    dropped = [str(f) for f in tracking.get("dropped") or []]
    lines = []
    if added:
        lines.append(
            f"Asked in {after} only: {_label_list([labels.get(f, f) for f in added])}."
        )
    if dropped:
        named = _label_list([labels.get(f, f) for f in dropped])
        lines.append(f"No longer asked in {after} (asked in {before}): {named}.")
    for old in dropped:
        for new in added:
            if labels.get(old, old).casefold() == labels.get(new, new).casefold():
                lines.append(
                    f"'{labels.get(new, new)}' may be one touchpoint renamed: "
                    f"{old} in {before}, {new} in {after}."
                )
    return lines


def stage_changes_context(
    stages: pd.DataFrame | None, tracking: Mapping[str, Any]
) -> dict[str, Any] | None:
    """What the reports show of the journey stages' changes (the
    ``stage_changes`` table of :func:`emomotiv.compare`): its rows, the
    interval's level, the stages compared and those regrouped, by name;
    None without the table."""
    if stages is None or "stage" not in stages:
        return None
    alpha = _number(tracking.get("alpha"))
    regrouped = (
        [str(s) for s in stages.loc[stages["regrouped"].astype(bool), "stage"]]
        if "regrouped" in stages
        else []
    )
    both = stages["status"] == "both" if "status" in stages else stages["stage"].notna()
    n = int(both.sum())
    correction = {
        "holm": f"with Holm's correction over the {n} stages compared",
        "fdr_bh": f"with the Benjamini-Hochberg correction over the {n} stages "
        "compared",
        "none": f"without a correction for the {n} stages compared",
    }.get(tracking.get("correction"), f"over the {n} stages compared")
    return {
        "rows": _records(stages),
        "level": None if alpha is None else 1 - alpha,
        "correction": correction,
        "regrouped": _label_list(regrouped),
        "n_regrouped": len(regrouped),
    }


def _top_moves(
    changes: pd.DataFrame | None, tracking: Mapping[str, Any], top_k: float | None
) -> tuple[int | None, dict[str, list]]:
    """The k of the top and the touchpoints that ``entered`` and ``left`` it
    between the waves: the report's own top k (``summary["uncertainty"]``'s
    ``top_k``, that of its ``p_top``) read from the change table's ranks of
    the touchpoints in both waves, as the comparison reads its top 10, so
    that a report speaks of one top; else the comparison's own (``top10``).

    Examples
    --------
    >>> changes = pd.DataFrame({"facet": ["a", "b", "c"],
    ...                         "rank_before": [1, 3, 2], "rank_after": [1, 2, 3]})
    >>> _top_moves(changes, {"top10": {"entered": [], "left": []}}, 2)
    (2, {'entered': ['b'], 'left': ['c']})
    >>> _top_moves(None, {"top10": {"entered": ["b"], "left": []}}, 2)
    (10, {'entered': ['b'], 'left': []})
    """
    if top_k is None or not _has(changes, "facet", "rank_before", "rank_after"):
        for key, moves in tracking.items():
            if re.fullmatch(r"top\d+", str(key)) and isinstance(moves, Mapping):
                return int(key[3:]), dict(moves)
        return None, {}
    both = changes
    if "status" in changes:
        both = changes.loc[changes["status"] == "both"]
    before = set(both.loc[both["rank_before"] <= top_k, "facet"])
    after = set(both.loc[both["rank_after"] <= top_k, "facet"])
    moves = {"entered": sorted(after - before), "left": sorted(before - after)}
    return int(top_k), moves


def detectable_note(tracking: Mapping[str, Any]) -> str | None:
    """How far a share had to move to be flagged, in words
    (``tracking["detectable_change"]`` of :func:`emomotiv.compare`).

    Examples
    --------
    >>> detectable_note({"detectable_change": 0.0421})  # doctest: +ELLIPSIS
    "With these samples a touchpoint's share had to move by about 4.2 points..."
    >>> detectable_note({})
    """
    value = _number(tracking.get("detectable_change"))
    if not value:
        return None
    return (
        f"With these samples a touchpoint's share had to move by about "
        f"{100 * value:.1f} points to be flagged (the median over the "
        "touchpoints compared): a smaller change goes unflagged however real."
    )


def compared_share_note(tracking: Mapping[str, Any]) -> str | None:
    """What share a comparison compares, when it is not each wave's
    reported one: rescaled over the facets in both, or the full-data fit's
    (a comparison saved by a version that compared those).

    Examples
    --------
    >>> compared_share_note({"estimate": "reported share", "rescaled": True,
    ...                      "n_facets": 28})  # doctest: +NORMALIZE_WHITESPACE
    "Shares are each wave's reported share, rescaled to sum to 100% over the 28
    touchpoints asked in both waves, so they differ from the shares in each
    wave's own report."
    >>> compared_share_note({"estimate": "reported share", "rescaled": False})
    """
    full = tracking.get("estimate") == "full-data fit"
    rescaled = tracking.get("rescaled") is True
    if not (full or rescaled):
        return None
    what = (
        "each wave's full-data fit (the model fitted on all its respondents)"
        if full
        else "each wave's reported share"
    )
    n = tracking.get("n_facets")
    over = f"the {n} touchpoints" if isinstance(n, int) else "the touchpoints"
    rescale = f", rescaled to sum to 100% over {over} asked in both waves"
    return (
        f"Shares are {what}{rescale if rescaled else ''}, so they differ from "
        "the shares in each wave's own report."
    )


def kpi_kind(key: object) -> str:
    """How a headline measure is printed: ``"share"`` (in %, changes in
    points), ``"money"`` or ``"number"``.

    Examples
    --------
    >>> kpi_kind("connected_share"), kpi_kind("value_per_connected")
    ('share', 'money')
    >>> kpi_kind("value_multiplier")
    'number'
    """
    key = str(key)
    if "share" in key or "rate" in key:
        return "share"
    if "value" in key and "multiplier" not in key:
        return "money"
    return "number"


def outcome_label(summary: Mapping[str, Any]) -> str:
    """How the report speaks of the outcome: the study's label or the column's name.

    Examples
    --------
    >>> outcome_label({"data": {"roles": {"connection": "is_promoter"}}})
    'is promoter'
    >>> outcome_label({"data": {"outcome_label": "a promoter"}})
    'a promoter'
    """
    data = summary.get("data") or {}
    label = data.get("outcome_label")
    if label:
        return str(label)
    column = (data.get("roles") or {}).get("connection")
    return str(column).replace("_", " ") if column else "emotionally connected"


#: where a value per connected customer is a gap between groups of customers
#: as they are (:data:`VALUE_SOURCES`), not a parameter given
GAP_SOURCES = ("value_link", "mean_difference")


def upper_bound_note(words: Mapping[str, str], controls: Sequence[str] = ()) -> str:
    """The caveat on a value per connected customer that is a gap between
    groups (docs/concepts/value-link.md), in words, for :func:`outcome_words`;
    ``controls`` names the analysis's context controls, which the gap does
    not hold fixed either.

    Examples
    --------
    >>> print(upper_bound_note(outcome_words("a promoter")))
    ... # doctest: +NORMALIZE_WHITESPACE
    a gap between customers as they are, nothing else held fixed (such as
    tenure, wealth or product mix): an upper bound on what making one more
    customer “a promoter” is worth
    >>> print(upper_bound_note(outcome_words(None), ["purpose", "tenure"]))
    ... # doctest: +NORMALIZE_WHITESPACE
    a gap between customers as they are, nothing else held fixed (neither the
    controls (purpose, tenure) nor other differences such as wealth or product
    mix): an upper bound on what making one more customer connected is worth
    """
    held = "such as tenure, wealth or product mix"
    if controls:
        held = (
            f"neither the controls ({', '.join(controls)}) nor other "
            "differences such as wealth or product mix"
        )
    return (
        f"a gap between customers as they are, nothing else held fixed ({held}): "
        f"an upper bound on what making one more customer {words['connected']} is "
        "worth"
    )


def context_controls(summary: Mapping[str, Any]) -> list[str]:
    """The customer-context controls the model saw (``summary["halo"]``),
    the halo score left out."""
    return list((summary.get("halo") or {}).get("controls") or [])


def _clear(table: pd.DataFrame, column: str = "delta_connected"):
    """Which rows' ``column`` is clear of zero, and by what rule.

    ``beyond_noise`` where the table has it (the bootstrap p-value, corrected
    for reading every touchpoint at once: ``"noise"``); else the interval
    ``{column}_low`` to ``{column}_high`` excluding zero (``"interval"``,
    folders saved before the flag); else ``(None, None)``.
    """
    if "beyond_noise" in table and table["beyond_noise"].notna().any():
        flags = table["beyond_noise"].astype("boolean").fillna(False)
        return flags.astype(bool), "noise"
    if _has(table, f"{column}_low", f"{column}_high"):
        low = table[f"{column}_low"].astype(float)
        high = table[f"{column}_high"].astype(float)
        return (low > 0) | (high < 0), "interval"
    return None, None


def _clear_records(table: pd.DataFrame, column: str) -> list[dict[str, Any]]:
    """The rows of a table of effects (:func:`_records`), each with ``clear``:
    whether its ``column`` is clear of zero by the table's rule
    (:func:`_clear`), True for every row of a table without one. The report
    colours a fall red only where it is clear."""
    rows = _records(table)
    clear, _ = _clear(table, column)
    for r, ok in zip(rows, [True] * len(rows) if clear is None else clear, strict=True):
        r["clear"] = bool(ok)
    return rows


# how the report words a rule of what is clear of zero (:func:`_clear`)
CLEAR_WORDS = {
    "noise": {
        "below": " (beyond noise)",
        "above": " (beyond noise)",
        "unclear": "within noise",
        "is_clear": "beyond noise",
        "lowers": "its simulated gain is below zero beyond noise",
    },
    "interval": {
        "below": " (interval below zero)",
        "above": " (interval above zero)",
        "unclear": "with an interval that includes zero",
        "is_clear": "clear of zero (its interval excludes zero)",
        "lowers": "the interval of its simulated gain lies below zero",
    },
    None: {
        "below": "",
        "above": "",
        "unclear": "uncertain",
        "is_clear": "",
        "lowers": "",
    },
}


def _fill(candidates: pd.Series, room: int) -> pd.Series:
    """The first ``room`` of the ``candidates`` (a mask), in the table's order."""
    return candidates & (candidates.cumsum() <= max(room, 0))


def _effect_rows(
    roi: pd.DataFrame, column: str = "delta_connected", top_n: int = ROI_TOP
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The rows of a table of effects the report shows (ROI, value drivers),
    and the counts of those it leaves out.

    The first ``top_n`` rows in the table's order (ROI: by priority), then
    every touchpoint predicted to *lower* the outcome (with a rule of what
    is clear of zero, :func:`_clear`: those clearly below it), then those
    clearly above zero, then those not clear of zero (uncertain, either
    sign), up to :data:`ROI_MAX` rows in all; negatives are never left out,
    and a touchpoint that clearly raises the outcome is not left out for
    one that may not. ``counts["by"]`` names the rule; ``first``,
    ``rising_shown``, ``negative_shown`` and ``uncertain_shown`` count
    apart the rows shown and add up to them (``negative`` counts every
    negative, those among the first too). Where the rows shown are simply
    the table's first, ``first`` counts them all: said as groups, they read
    as chosen apart.
    """
    delta = roi[column].astype(float)
    negative = delta < 0
    uncertain = pd.Series(False, index=roi.index)
    clear, by = _clear(roi, column)
    if clear is not None:
        uncertain = ~clear
        negative &= clear
    top = pd.Series(False, index=roi.index)
    top.iloc[:top_n] = True
    rising = pd.Series(False, index=roi.index) if clear is None else clear & (delta > 0)
    keep = top | negative
    raised = _fill(rising & ~keep, ROI_MAX - int(keep.sum()))
    keep |= raised
    added = _fill(uncertain & ~keep, ROI_MAX - int(keep.sum()))
    keep |= added
    if keep.iloc[: int(keep.sum())].all():  # the table's first rows: one group
        top = keep
        raised = added = pd.Series(False, index=roi.index)
    left = ~keep
    counts = {
        "first": int(top.sum()),
        "n": int(left.sum()),
        "uncertain": int((left & uncertain).sum()),
        "other": int((left & ~uncertain).sum()),
        "negative": int(negative.sum()),
        "negative_shown": int((negative & ~top).sum()),  # beyond the first
        "uncertain_shown": int(added.sum()),
        "rising_shown": int(raised.sum()),
        "by": by,
        "words": CLEAR_WORDS[by],
    }
    return roi.loc[keep], counts


def _plan_missing(plan_summary: Mapping[str, Any], roi) -> str:
    """The :data:`MISSING` key that says why no plan was made: the budget,
    the costs, or both."""
    budget, costs = plan_summary.get("budget") is not None, bool(roi and roi["cost"])
    if budget != costs:
        return "plan_budget" if costs else "plan_cost"
    return "plan"


def _gainers(roi: Mapping[str, Any] | None, n: int = 3) -> list[Mapping[str, Any]]:
    """The ROI table's first ``n`` rows whose one-point gain is above 0, in
    its order: those the summary names (a gain of 0 or below raises
    nothing, however it ranks).

    Examples
    --------
    >>> rows = [{"facet": "a", "delta_connected": 0.0},
    ...         {"facet": "b", "delta_connected": 0.02}]
    >>> [r["facet"] for r in _gainers({"rows": rows})]
    ['b']
    """
    if not roi:
        return []
    rising = [r for r in roi["rows"] if (_number(r.get("delta_connected")) or 0) > 0]
    return rising[:n]


def _gains_note(roi: Mapping[str, Any] | None, n: int = 3) -> str:
    """Which of the gains the summary names (:func:`_gainers`) are within
    noise, in words; empty without a rule of noise or when none is.

    Examples
    --------
    >>> rows = [{"facet": "a", "beyond_noise": True, "delta_connected": 0.03},
    ...         {"facet": "b", "beyond_noise": False, "delta_connected": 0.01}]
    >>> _gains_note({"noise": True, "rows": rows})
    'Of these, b is within sampling noise.'
    >>> _gains_note({"noise": True, "rows": rows[1:]})
    'None of these gains is beyond sampling noise.'
    """
    if not roi or not roi.get("noise"):
        return ""
    first = _gainers(roi, n)
    if not first:
        return ""
    unclear = [_label(r) for r in first if not r.get("beyond_noise")]
    if not unclear:
        return ""
    if len(unclear) == len(first):
        return "None of these gains is beyond sampling noise."
    verb = "is" if len(unclear) == 1 else "are"
    return f"Of these, {_label_list(unclear)} {verb} within sampling noise."


def _none_beyond_noise(one: bool) -> str:
    """That the one-point gain of the touchpoint, or of every one of the
    touchpoints, a sentence names is within noise, in words."""
    if one:
        return "its one-point gain is within sampling noise"
    return "none of their one-point gains is beyond sampling noise"


def _plan_note(n_chosen: int, within: Sequence[str]) -> str:
    """The caution that goes with a plan whose every funded touchpoint has a
    gain within noise (the hidden drivers' words), or ``""`` where one at
    least is beyond it.

    Examples
    --------
    >>> _plan_note(1, ["a"])
    'But its one-point gain is within sampling noise: test before acting on it.'
    >>> _plan_note(2, ["a"])
    ''
    """
    if not n_chosen or len(within) < n_chosen:
        return ""
    them = "it" if n_chosen == 1 else "them"
    return f"But {_none_beyond_noise(n_chosen == 1)}: test before acting on {them}."


def _hidden_note(
    hidden: list[Mapping[str, Any]],
    roi: Mapping[str, Any] | None,
    summary: Mapping[str, Any],
) -> str:
    """The sentence that closes the summary's hidden drivers: the easiest
    wins to miss where the evidence holds, hedged where the ranking is
    flagged unstable or none of their one-point gains is beyond noise (a
    touchpoint the ROI table leaves out is within noise: those beyond it
    are never left out), and naming those within noise where some are.

    Examples
    --------
    >>> roi = {"noise": True, "rows": [{"facet": "a", "beyond_noise": True},
    ...                                {"facet": "b", "beyond_noise": False}]}
    >>> _hidden_note([{"facet": "a"}], roi, {})
    'These are the easiest wins to miss.'
    >>> _hidden_note([{"facet": "b"}], roi, {})
    'But its one-point gain is within sampling noise: test before acting on it.'
    >>> _hidden_note([{"facet": "a"}, {"facet": "b"}], roi, {})[-45:]
    'one-point gain of b is within sampling noise.'
    """
    if not hidden:
        return ""
    one = len(hidden) == 1
    within: list[str] = []
    if roi and roi.get("noise"):
        rows = roi["rows"]
        clear = {r.get("facet") for r in rows if r.get("beyond_noise") in (True, 1)}
        within = [_label(r) for r in hidden if r.get("facet") not in clear]
    stability = (summary.get("uncertainty") or {}).get("stability") or {}
    unstable = isinstance(stability, Mapping) and bool(stability.get("low"))
    doubts = ["the ranking is unstable"] if unstable else []
    if len(within) == len(hidden):
        doubts.append(_none_beyond_noise(one))
    if doubts:
        them = "it" if one else "them"
        return f"But {' and '.join(doubts)}: test before acting on {them}."
    if within:
        gain = "gain" if len(within) == 1 else "gains"
        verb = "is" if len(within) == 1 else "are"
        return (
            f"These are the easiest wins to miss, though the one-point {gain} of "
            f"{_label_list(within)} {verb} within sampling noise."
        )
    return "These are the easiest wins to miss."


def _named_hidden(drivers: pd.DataFrame) -> pd.DataFrame:
    """The hidden drivers the summary names: the first three by rank, those
    marked as lowering the outcome left out (no easy win)."""
    if "quadrant" not in drivers:
        return drivers.iloc[:0]
    part = drivers.loc[drivers["quadrant"] == "hidden_driver"]
    if "direction" in part:
        part = part.loc[~(part["direction"] < 0)]
    return part.head(3)


def _as_parts(result) -> tuple[Mapping[str, pd.DataFrame], Mapping[str, Any]]:
    if isinstance(result, AnalysisResult):
        return result.tables, result.summary
    if isinstance(result, Mapping) and "tables" in result and "summary" in result:
        return result["tables"], result["summary"]
    # a wave comparison has a report of its own, with its own settings
    other = (
        ": a wave comparison's report is em.ComparisonReport(comparison)"
        if isinstance(result, WaveComparison)
        else ""
    )
    raise TypeError(
        "Report needs an AnalysisResult or a mapping with 'tables' and 'summary'; "
        f"got {type(result).__name__}{other}."
    )


def _drivers_table(tables: Mapping[str, Any]) -> pd.DataFrame:
    """The drivers table every report is built on: a row per facet with its
    ``facet`` and ``importance`` (the first table :func:`emomotiv.analyze`
    writes); a clear error when it is missing, empty or lacks them."""
    drivers = tables.get("drivers")
    problems = []
    if not isinstance(drivers, pd.DataFrame):
        problems.append(
            f"there is no 'drivers' table (the tables are {sorted(map(str, tables))})"
        )
    else:
        missing = [c for c in ("facet", "importance") if c not in drivers]
        if missing:
            problems.append(f"the drivers table has no column(s) {missing}")
        if drivers.empty:
            problems.append("the drivers table has no rows")
    if problems:
        raise ValueError(
            "The report is built on the drivers table (a row per facet, with "
            f"'facet' and 'importance'), but {'; '.join(problems)}. Pass what "
            "emomotiv.analyze returned, or a folder that save_analysis wrote "
            "(Report.from_folder)."
        )
    return drivers


# A report shown in a notebook is a frame written from text (srcdoc): its own
# address is about:srcdoc, its links' base the notebook's unless it says so.
FRAME_BASE = '<base href="about:srcdoc">'
FRAME_HEIGHT = "min(80vh, 720px)"
# under the frame, read where it is not shown (a notebook not trusted)
FRAME_FALLBACK = (
    "The report shows here once the notebook is trusted (run the cell again); "
    "report.write_html(&quot;report.html&quot;) writes it as a page of its own."
)


@functools.cache
def _environment():
    """The reports' Jinja environment, its templates compiled once per
    process (compiling them took a fifth of a report's time). Nothing in it
    changes after it is built: what differs between reports (the currency,
    whether a gain is a score's change) is read by the filters from the
    render's context (``_currency``, ``_score``)."""
    from jinja2 import ChainableUndefined, Environment, PackageLoader, pass_context

    env = Environment(
        loader=PackageLoader("emomotiv", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=ChainableUndefined,
        finalize=_plain,
    )

    @pass_context
    def money(context, *args):
        # the sign a true minus first: the currency sits between them
        return _in_currency(_minus(_amount(*args)), context.get("_currency"))

    points, change = _html(_points), _html(_change)

    @pass_context
    def gain(context, *args):
        # a change in the outcome: points of a share, or a score's own units
        return (change if context.get("_score") else points)(*args)

    env.filters.update(
        pct=_html(_pct),
        num=_html(_num),
        money=money,
        # an amount in a currency of its own (a compared wave's)
        money_in=lambda v, scale, unit: _in_currency(_minus(_amount(v, scale)), unit),
        points=points,
        times=_html(_times),
        gross=_html(_gross),
        signed=_signed,
        p_value=_p_value,
        label=_label,
        number=_number,
        against=_html(format_against),
        sentence=_sentence,
        minus=_minus,
        end=_end,
        gain=gain,
    )
    # a number as printed that is below zero (its sign a true minus)
    env.tests["negative"] = lambda text: str(text).startswith(MINUS)
    env.globals["magnitude"] = _magnitude
    env.globals["shared_scale"] = _shared_scale
    env.globals["end_scale"] = _end_scale
    return env


class Report:
    """A self-contained HTML report of an :class:`~emomotiv.AnalysisResult`.

    Parameters
    ----------
    result : AnalysisResult or mapping
        What :func:`emomotiv.analyze` returned (or :func:`load_analysis`
        reloaded), or a mapping with ``tables`` and ``summary``.
    title : str, optional
        Page title. Default: "Emotional connection drivers", or "Drivers of
        “LABEL”" for an outcome whose label is not about connection
        (:func:`outcome_words`).
    top : int, default=20
        Facets shown in the driver chart and table.
    currency : str, optional
        The currency of the amounts (value, costs, budget), printed before
        each: ``"€"`` gives "€1.2 m", ``"EUR"`` "EUR 1.2 m". Default: the
        study's ``currency`` (``--currency``), else none: amounts as numbers.
        It names the amounts' unit; it converts nothing.
    outcome_label : str, optional
        How the report names the outcome, in place of the study's label
        (``--outcome-label``; default: that label, else the outcome column's
        name).

    Raises
    ------
    TypeError
        When ``result`` is neither an analysis nor such a mapping (a saved
        analysis's folder is read with :meth:`from_folder`, a wave
        comparison reported by :class:`ComparisonReport`).
    ValueError
        When ``top`` is not an int >= 1 or ``currency`` not a short sign or
        code.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> result = em.analyze(s.survey, s.catalog, connection="connected")
    >>> html = em.Report(result).html()
    >>> html.startswith("<!DOCTYPE html>")
    True
    """

    def __init__(
        self,
        result: AnalysisResult | Mapping[str, Any],
        *,
        title: str | None = None,
        top: int = 20,
        currency: str | None = None,
        outcome_label: str | None = None,
    ) -> None:
        owner = type(self).__name__
        _as_parts(result)
        check_int(top, "top", owner, min_value=1)
        check_currency(currency, owner)
        self.result = result
        self.title = title
        self.top = top
        self.currency = currency
        self.outcome_label = outcome_label
        # each chart of the last context() built: key -> (draw, size)
        self._charts: dict[str, tuple[Callable, tuple[float, float]]] = {}

    def _chart(
        self, draw: Callable, size: tuple[float, float], key: str, alt: str
    ) -> str:
        """A chart as inline SVG named ``alt`` (:func:`_svg`), kept for
        :meth:`save_figures`."""
        self._charts[key] = (draw, size)
        return _svg(draw, size, key, alt)

    def _currency(self) -> str | None:
        """The currency given, else the study's (``summary["study"]``)."""
        if self.currency is not None:
            return check_currency(self.currency, type(self).__name__)
        return study_currency(_as_parts(self.result)[1])

    # -- sections ---------------------------------------------------------

    def _drivers(self, drivers: pd.DataFrame, roi) -> dict[str, Any]:
        from .plotting import plot_drivers

        drivers, by_gain = _shown_direction(drivers, roi)
        n_top = min(self.top, len(drivers))
        chart = self._chart(
            lambda ax: plot_drivers(drivers, top=n_top, ax=ax),
            (7.5, 0.26 * n_top + 1.0),
            "drivers",
            f"Bar chart of the share of derived importance of the {n_top} most "
            "important touchpoints, the largest first; the table below gives "
            "the numbers.",
        )
        return {
            "chart": chart,
            "rows": _records(drivers.head(n_top)),
            "n_shown": n_top,
            "n_total": len(drivers),
            "intervals": _has(drivers, "importance_low", "importance_high"),
            "rank_intervals": _has(drivers, "rank_low", "rank_high"),
            "p_top": _has(drivers, "p_top"),
            "stated": _has(drivers, "stated_rank"),
            "quadrant": _has(drivers, "quadrant"),
            "direction_by_gain": by_gain is not None,
            "lowers_words": CLEAR_WORDS[by_gain]["lowers"],
            # the bars drawn red (the chart's direction): none, no word of them
            "n_red": int((drivers["direction"].head(n_top) < 0).sum())
            if "direction" in drivers
            else 0,
        }

    def _quadrant(self, drivers: pd.DataFrame, summary) -> dict[str, Any] | None:
        from .plotting import plot_quadrant

        if not _has(drivers, "stated_importance"):
            return None
        stated = dict(summary.get("stated") or {})
        thresholds = stated.get("thresholds")
        if not isinstance(thresholds, Mapping) or not {"stated", "derived"} <= set(
            thresholds
        ):
            thresholds = None
        # the touchpoints the summary names: the top three, the hidden drivers
        named = [*drivers["facet"].head(3), *_named_hidden(drivers)["facet"]]
        chart = self._chart(
            lambda ax: plot_quadrant(
                drivers, thresholds=thresholds, named=named, ax=ax
            ),
            (7.5, 5.2),
            "quadrant",
            "Scatter chart of each touchpoint's stated importance (across) "
            "against its derived importance (up), split into quadrants by "
            "dashed lines; the driver table above gives each touchpoint's "
            "stated rank and quadrant.",
        )
        groups = []
        lowers: list[str] = []
        if "quadrant" in drivers:
            for key, name in QUADRANTS.items():
                part = drivers.loc[drivers["quadrant"] == key]
                groups.append(
                    {
                        "key": key,
                        "name": name,
                        "count": len(part),
                        "rows": _records(part.head(6)),
                    }
                )
            # important to the outcome, but a rise lowers it: no driver to raise
            if "direction" in drivers:
                driving = drivers["quadrant"].isin(["core_driver", "hidden_driver"])
                part = drivers.loc[driving & (drivers["direction"] < 0)]
                lowers = [_label(r) for r in _records(part)]
        return {
            "chart": chart,
            "groups": groups,
            "lowers": lowers,
            "lowers_text": _label_list(lowers),
            "stated": stated,
        }

    def _stages(self, tables) -> dict[str, Any] | None:
        from .plotting import plot_stages, stage_chart_size

        stages = _table(tables, "stages")
        if not _has(stages, "stage", "importance") or len(stages) < 2:
            return None  # one stage holds every touchpoint: nothing to compare
        chart = self._chart(
            lambda ax: plot_stages(stages, ax=ax),
            stage_chart_size(stages),
            "stages",
            "Bar chart of each journey stage's share of derived importance, in "
            "journey order; the table below gives the numbers.",
        )
        ranked = stages.sort_values("importance", ascending=False)
        top, others = ranked.iloc[0], ranked.iloc[1:]
        intervals = _has(stages, "importance_low", "importance_high")
        # every stage whose interval reaches the first's: no settled lead
        close = (
            others.loc[others["importance_high"] >= top["importance_low"], "stage"]
            if intervals
            else others["stage"].iloc[:0]
        )
        return {
            "chart": chart,
            "rows": _records(stages),
            "intervals": intervals,
            "top": str(top["stage"]),
            "top_share": top["importance"],
            "close": [str(stage) for stage in close],
            "n_others": len(others),
        }

    def _motivators(self, tables, summary) -> dict[str, Any]:
        from .plotting import motivator_columns, plot_motivator_heatmap

        motivators = _table(tables, "motivators")
        out: dict[str, Any] = {"chart": None, "n_motivators": 0}
        if motivators is not None and motivator_columns(motivators):
            drivers = _table(tables, "drivers")
            if drivers is not None and "facet" in motivators:
                order = {f: i for i, f in enumerate(drivers["facet"])}
                motivators = motivators.sort_values(
                    "facet", key=lambda s: s.map(order).fillna(len(order))
                )
            shown = min(len(motivators), self.top)
            columns = motivator_columns(motivators)
            out["chart"] = self._chart(
                lambda ax: plot_motivator_heatmap(motivators, top=shown, ax=ax),
                (min(1.6 + 0.62 * len(columns), 7.5), 0.26 * shown + 1.8),
                "motivators",
                f"Heatmap of how each of {shown} touchpoints relates to each of "
                f"{len(columns)} emotional motivators, with the number in each "
                "cell; every value is in motivators.csv.",
            )
            out["n_motivators"] = len(columns)
            out["n_shown"] = shown
            out["n_total"] = len(motivators)
        tiers = _table(tables, "tiers")
        out["tiers"] = _records(tiers)
        columns = [] if tiers is None else list(tiers.columns)
        ends = ("_low", "_high")
        out["tier_columns"] = [
            c
            for c in columns
            if c not in ("tier", "weighted_n") and not str(c).endswith(ends)
        ]
        # with survey weights the share is weighted and n counts respondents:
        # the headings say which; the n column gives the weighted n that goes
        # with the share, and the caption the respondents it is scaled to
        out["tier_headings"] = {
            str(c): str(c).replace("_", " ") for c in out["tier_columns"]
        }
        out["tier_respondents"] = None
        if (summary.get("data") or {}).get("weighted"):
            out["tier_headings"] |= TIER_WEIGHTED_HEADINGS
            if "weighted_n" not in columns:
                out["tier_headings"]["n"] = "respondents"
            else:
                out["tier_respondents"] = int(tiers["n"].sum())
        out["measures"] = dict(summary.get("measures") or {})
        return out

    def _roi(self, tables, summary) -> dict[str, Any]:
        from .plotting import plot_plan, plot_roi

        score = score_outcome(summary)
        words = _words(summary)
        currency = self._currency()
        roi = _table(tables, "roi")
        plan = _table(tables, "plan")
        out: dict[str, Any] = {"roi": None, "plan": None}
        plan_summary = dict(summary.get("plan") or {})
        plan_summary["note"] = in_outcome_words(plan_summary.get("note"), words)
        funded = []
        if _has(plan, "facet", "selected"):
            funded = list(plan.loc[plan["selected"].eq(True), "facet"])
        if _has(roi, "facet", "delta_connected"):
            shown, left_out = _effect_rows(roi)
            # the points a reader looks for: the plan's, the first by priority
            named = [*funded, *shown["facet"].head(3)]
            reach = _reach_of(_table(tables, "drivers"))
            if reach and "reach" not in shown:
                shown = shown.assign(reach=shown["facet"].map(reach))
            out["roi"] = {
                "chart": self._chart(
                    lambda ax: _named_axis(
                        plot_roi(
                            shown,
                            top=len(shown),
                            ax=ax,
                            score=score,
                            currency=currency,
                            named=named,
                        ),
                        words,
                    ),
                    (7.5, max(4.6, 0.26 * len(shown) + 1.0)),
                    "roi",
                    "Chart of what a one-point improvement of each touchpoint "
                    "adds (against its cost where costs and values are known); "
                    "the table below gives the numbers.",
                ),
                "rows": _clear_records(shown, "delta_connected"),
                "n_total": len(roi),
                "left_out": left_out,
                "value": _has(roi, "delta_value"),
                "cost": _has(roi, "cost"),
                "intervals": _has(roi, "delta_connected_low", "delta_connected_high"),
                "reach": "reach" in shown and shown["reach"].notna().any(),
                "noise": left_out["by"] == "noise",
                "noise_rule": (plan_summary.get("noise") or {}).get("rule"),
                **_untested(roi),
            }
        if _has(plan, "facet", "delta_connected"):
            n_total = len(plan)
            if "selected" in plan:
                chosen = plan["selected"].fillna(False).astype(bool)
                rest = plan.loc[~chosen].head(PLAN_EXTRA_ROWS)
                plan = pd.concat([plan.loc[chosen], rest])
            rows = _records(plan)
            within = set(plan_summary.get("selected_within_noise") or [])
            out["plan"] = {
                "chart": self._chart(
                    lambda ax: _named_axis(
                        plot_plan(plan, ax=ax, score=score, currency=currency), words
                    ),
                    (7.5, 0.3 * len(plan) + 1.0),
                    "plan",
                    "Bar chart of what each touchpoint in the plan adds, those "
                    "funded in colour; the table below gives the numbers and "
                    "says which are in the plan.",
                ),
                "rows": rows,
                "n_total": n_total,
                "value": _has(plan, "delta_value"),
                "noise": _clear(plan)[1] == "noise",
                "within_noise": [_label(r) for r in rows if r["facet"] in within],
                "summary": plan_summary,
                "value_source": VALUE_SOURCES.get(plan_summary.get("value_source")),
            }
        direct = direct_value_movers(_table(tables, "value_drivers"))
        out["direct"] = {
            "rows": _records(direct.head(5)),
            "n": len(direct),
            "caveat": value_fit_caveat(summary),
        }
        return out

    def _changes(
        self, tables, summary, words: Mapping[str, str] | None = None
    ) -> dict[str, Any] | None:
        from .plotting import change_column, flag_column, plot_changes

        changes = _table(tables, "changes")
        tracking = dict(summary.get("tracking") or {})
        column = change_column(changes) if changes is not None else None
        if column is None and not tracking:
            return None
        out: dict[str, Any] = {"tracking": tracking, "chart": None, "rows": []}
        # what to know before reading the changes (waves resampled at very
        # different sizes): said in this section, not among the warnings above
        out["notes"] = [str(note) for note in tracking.get("notes") or []]
        out["detectable"] = detectable_note(tracking)
        out["stages"] = stage_changes_context(_table(tables, "stage_changes"), tracking)
        # a comparison saved before stages were compared holds no word of them
        out["stages_note"] = (
            "This comparison was saved by an emomotiv that did not compare "
            "journey stages: run emomotiv compare again on the two analyses "
            "for the change by stage."
            if out["stages"] is None and tracking and "stages" not in tracking
            else None
        )
        if column is not None:
            flag = flag_column(changes)
            out["chart"] = self._chart(
                lambda ax: plot_changes(changes, top=self.top, ax=ax),
                (7.5, 0.26 * min(self.top, int(changes[column].notna().sum())) + 1.0),
                "changes",
                "Bar chart of the change in each touchpoint's share of "
                "importance since the last wave, with intervals, those beyond "
                "noise in colour; the table below gives the numbers and every "
                "change is in changes.csv.",
            )
            flagged = changes.loc[changes[flag].astype(bool)] if flag else changes
            flagged = flagged.reindex(
                flagged[column].abs().sort_values(ascending=False).index
            )
            out["rows"] = _records(flagged.head(self.top))
            out["n_rows"] = len(flagged)  # those the table would list
            out["column"] = column
            out["flag"] = flag
            tested = flag and tracking.get("uncertainty") != "none"
            out["n_flagged"] = int(changes[flag].astype(bool).sum()) if tested else None
            out["intervals"] = _has(changes, f"{column}_low", f"{column}_high")
            out["ranks"] = _has(changes, "rank_before", "rank_after")
        kpis = tracking.get("kpis")
        out["kpis"] = [
            {
                "name": kpi_name(k, words, tracking.get("score_label")),
                "share": kpi_kind(k) == "share",
                "money": kpi_kind(k) == "money",
                **dict(v),
            }
            for k, v in (kpis.items() if isinstance(kpis, Mapping) else [])
            if isinstance(v, Mapping)
        ]
        out["connected_kpi"] = (
            dict(kpis["connected_share"])
            if isinstance(kpis, Mapping)
            and isinstance(kpis.get("connected_share"), Mapping)
            else None
        )
        top_k = _number((summary.get("uncertainty") or {}).get("top_k"))
        out["top_k"], out["top_moves"] = _top_moves(changes, tracking, top_k)
        return out

    def _agreement(self, tables, summary) -> dict[str, Any]:
        from .plotting import METHOD_NAMES, method_columns, plot_methods

        methods = _table(tables, "methods")
        agreement = dict(summary.get("agreement") or {})
        out: dict[str, Any] = {"chart": None, "names": METHOD_NAMES}
        if methods is not None and method_columns(methods):
            out["chart"] = self._chart(
                lambda ax: plot_methods(methods, top=15, ax=ax),
                (7.5, 0.26 * min(15, len(methods)) + 1.4),
                "methods",
                "Chart of each touchpoint's share of importance by each method, "
                "a marker per method; the table below gives the methods' rank "
                "correlations and every share is in methods.csv.",
            )
        spearman = agreement.get("spearman")
        if isinstance(spearman, Mapping) and spearman:
            names = list(spearman)
            out["spearman_names"] = names
            out["spearman"] = [[dict(spearman[a]).get(b) for b in names] for a in names]
        disagreements = agreement.get("disagreements") or []
        out["disagreements"] = [
            {
                "label": _label(d) if "facet" in d else str(d.get("label", "")),
                "ranks": dict(d.get("ranks") or {}),
            }
            for d in disagreements
            if isinstance(d, Mapping)
        ]
        # analyze looks for them among the touchpoints some method ranks in
        # its top 20 (method_agreement's ``top``)
        out["top"] = AGREEMENT_TOP
        out["disagreement_methods"] = list(
            dict.fromkeys(m for d in out["disagreements"] for m in d["ranks"])
        )
        out["available"] = bool(
            out["chart"] or out.get("spearman") or out["disagreements"]
        )
        # how the classical methods read unrated touchpoints, where the
        # pairwise reading gave an artefact (the mean instead, or, in a run
        # that kept it, that their ranks are not meaningful)
        out["warning"] = agreement.get("warning")
        return out

    def _executive(self, drivers, summary, sections) -> dict[str, Any]:
        top_rows = _records(drivers.head(3))
        top = [_label(r) for r in top_rows]
        # a leader whose rank interval reaches below the top rows
        n_top = len(top_rows)
        open_top = [(_number(r.get("rank_high")) or 0) > n_top for r in top_rows]
        stability = (summary.get("uncertainty") or {}).get("stability") or {}
        unstable = isinstance(stability, Mapping) and bool(stability.get("low"))
        hidden: list[str] = []
        hidden_rows: list[Mapping[str, Any]] = []
        if "quadrant" in drivers:
            level = _number((summary.get("uncertainty") or {}).get("level"))
            hidden_rows = _records(_named_hidden(drivers))
            for r in hidden_rows:
                p = _number(r.get("p_quadrant"))
                unsure = level is not None and p is not None and p < level
                hidden.append(
                    _label(r)
                    + (f" (a hidden driver in {p:.0%} of resamples)" if unsure else "")
                )
        plan = sections["roi"]["plan"]
        chosen: list[str] = []
        flagged: list[str] = []
        lowering: list[str] = []
        cheapest = None
        outcome_like = set((summary.get("importance") or {}).get("outcome_like") or [])
        lowers = set((summary.get("plan") or {}).get("lowers_value") or [])
        if plan is not None:
            rows = plan["rows"]
            picked = [r for r in rows if r.get("selected") in (None, True, 1)]
            chosen = [_label(r) for r in picked]
            flagged = [_label(r) for r in picked if r.get("facet") in outcome_like]
            lowering = [_label(r) for r in picked if r.get("facet") in lowers]
            costs = [_number(r.get("cost")) for r in rows]
            cheapest = min((c for c in costs if c is not None and c > 0), default=None)
        within = [] if plan is None else list(plan.get("within_noise") or [])
        tracking = sections["changes"]
        moved = []
        if tracking and tracking["rows"] and tracking.get("flag"):
            moved = [
                {"label": _label(r), "up": (_number(r[tracking["column"]]) or 0) > 0}
                for r in tracking["rows"][:4]
            ]
        return {
            "gains_note": _gains_note(sections["roi"]["roi"]),
            # the touchpoints whose one-point rise raises the outcome most
            "gainers": [_label(r) for r in _gainers(sections["roi"]["roi"])],
            "top": top,
            # a leader whose rank reaches past the top three is named with
            # its ranks: its place among them is not settled
            "top_text": _label_list(
                [
                    _with_rank_interval(r) if past else _label(r)
                    for r, past in zip(top_rows, open_top, strict=True)
                ]
            ),
            "top_open": sum(open_top),
            # an unstable ranking's leaders, each with its rank interval
            "unstable": unstable,
            # a model that barely predicts the outcome: no touchpoint leads
            "weak": bool((summary.get("diagnostics") or {}).get("weak_fit")),
            "top_ranked_text": _label_list([_with_rank_interval(r) for r in top_rows]),
            "hidden": hidden,
            "hidden_text": _label_list(hidden),
            "hidden_note": _hidden_note(hidden_rows, sections["roi"]["roi"], summary),
            "chosen_text": _label_list(chosen[:5])
            + (f" and {len(chosen) - 5} more" if len(chosen) > 5 else ""),
            "n_chosen": len(chosen),
            # the funded touchpoints a warning reads as the outcome restated,
            # and those whose gain is within noise
            "flagged_text": _label_list(flagged),
            "n_flagged": len(flagged),
            # the funded touchpoints the value model finds lower value in all
            "lowering_text": _label_list(lowering),
            "n_lowering": len(lowering),
            "within": within,
            # a plan none of whose funded touchpoints is beyond noise
            "plan_note": _plan_note(len(chosen), within),
            "plan_within": "its touchpoint's gain is within noise"
            if len(chosen) == 1
            else "every touchpoint it funds has a gain within noise",
            "cheapest": cheapest,
            "moved": moved,
        }

    @staticmethod
    def _waves(summary) -> dict[str, Any]:
        tracking = summary.get("tracking")
        if not isinstance(tracking, Mapping):  # one wave: its label, if known
            wave = (summary.get("data") or {}).get("wave")
            return {"before": None, "after": None if wave is None else str(wave)}
        waves = tracking.get("waves")
        waves = waves if isinstance(waves, Mapping) else tracking
        before, after = waves.get("before"), waves.get("after")
        if before is not None and before == after:  # two analyses of one wave
            before, after = f"{before} (before)", f"{after} (after)"
        return {"before": before, "after": after}

    def _parts(self) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
        """The tables and the summary, the outcome named as asked
        (``outcome_label``)."""
        tables, summary = _as_parts(self.result)
        if self.outcome_label is not None:
            data = dict(summary.get("data") or {})
            data["outcome_label"] = self.outcome_label
            summary = dict(summary) | {"data": data}
        return tables, summary

    def _title(self, summary: Mapping[str, Any]) -> str:
        """The title given, else one that names the outcome."""
        if self.title is not None:
            return str(self.title)
        return outcome_words(outcome_label(summary))["title"]

    def context(self) -> dict[str, Any]:
        """The values the template renders: plain Python (charts as SVG text)."""
        from markupsafe import Markup

        check_int(self.top, "top", "Report", min_value=1)
        self._charts = {}
        tables, summary = self._parts()
        drivers = _drivers_table(tables)
        data = dict(summary.get("data") or {})
        roles = data.get("roles")
        roles = roles if isinstance(roles, Mapping) else {}
        outcome = outcome_label(summary)
        named = outcome_words(outcome)
        score = score_outcome(summary)
        words = _words(summary)
        model = dict(summary.get("model") or {})
        value = summary.get("value")
        value = dict(value) if isinstance(value, Mapping) else {}
        stated = summary.get("stated")
        stated = dict(stated) if isinstance(stated, Mapping) else {}
        # the touchpoints a rise lowers, marked alike in every section
        marked = _shown_direction(drivers, _table(tables, "roi"))[0]
        sections: dict[str, Any] = {
            "drivers": self._drivers(drivers, _table(tables, "roi")),
            "quadrant": self._quadrant(marked, summary),
            "stages": self._stages(tables),
            "motivators": self._motivators(tables, summary),
            "roi": self._roi(tables, summary),
            "changes": self._changes(tables, summary, words),
            "agreement": self._agreement(tables, summary),
            "controls": _controls_context(tables, summary),
            "segments": _segments_context(tables, summary, self.top),
            "value_drivers": _value_drivers_context(tables, summary, self.top),
        }
        for part in sections.values():
            for holder in [part, *(part.values() if part else [])]:
                if isinstance(holder, dict) and isinstance(holder.get("chart"), str):
                    holder["chart"] = Markup(holder["chart"])
        plan_summary = dict(summary.get("plan") or {})
        plan_summary["note"] = in_outcome_words(plan_summary.get("note"), words)
        # a segment's unstable ranking is said in the segment section instead,
        # as are the segments too small to rank, each with its size
        from .segments import few_segments_warning

        few = few_segments_warning(summary.get("segments") or {})
        unstable = None
        if (sections["segments"] or {}).get("unstable"):
            from .segments import unstable_segments_warning

            unstable = unstable_segments_warning(summary.get("segments") or {})
        # so are the classical methods' warning and the notes of the waves'
        # comparison, in the sections that read them
        agreement = sections["agreement"]
        said = {few, unstable, *(sections["changes"] or {}).get("notes", [])}
        if agreement["available"] and agreement.get("warning"):
            said.add(agreement["warning"])
        # the warnings the report shows name a touchpoint by its label too
        labels = {str(r["facet"]): _label(r) for r in _records(drivers)}
        agreement["warning"] = _with_labels(agreement.get("warning"), labels)
        stages = _table(tables, "stages")
        lone = stages is not None and len(stages) == 1
        return {
            "title": self._title(summary),
            "section_titles": SECTIONS | {"drivers": f"What drives “{outcome}”"},
            "no_basis": plan_without_basis(summary),
            "outcome": outcome,
            "named": named,
            "words": words,
            "connected_means": _connected_means(summary),
            "upper_bound": upper_bound_note(words, context_controls(summary)),
            "gap_sources": GAP_SOURCES,
            "fit_names": FIT_NAMES,
            "missing": MISSING | {"changes": _no_earlier_wave(data)},
            "quadrant_names": QUADRANTS,
            "summary": summary,
            "data": data,
            "fit": dict(model.get("fit") or {}),
            "task": model.get("task"),
            # a score's changes are in its units, a 0/1 outcome's in points
            "score": score,
            "gain_what": f"on mean “{score}”" if score else words["gain"],
            "gain_header": words["header"] if score is None else "Change",
            # the value per connected customer stands without a multiplier
            "value": value
            if any(
                _number(value.get(k)) is not None
                for k in ("multiplier", "value_per_connected")
            )
            else None,
            "value_skipped": value.get("skipped"),
            "value_left_out": value.get("left_out"),
            "smaller_class": _smaller_class(tables, data, score, words),
            # a value column given but not linked is not a value missing
            "value_missing": "value_link" if value and roles.get("value") else "value",
            "plan_missing": _plan_missing(plan_summary, sections["roi"]["roi"]),
            "stated_skipped": stated.get("skipped"),
            "stages_skipped": "every touchpoint is in one stage" if lone else None,
            "waves": self._waves(summary),
            "plan_summary": plan_summary,
            "assumption": plan_summary.get("assumption") or DEFAULT_ASSUMPTION,
            "uncertainty": dict(summary.get("uncertainty") or {}),
            "diagnostics": dict(summary.get("diagnostics") or {}),
            # a hidden driver that lowers the outcome, by the driver table's rule
            "executive": self._executive(marked, summary, sections),
            "facet_labels": labels,
            # touchpoints rated within one segment only (summary["importance"])
            "routed": list((summary.get("importance") or {}).get("routed") or []),
            # touchpoints ranked mostly by who rated them (summary["importance"])
            "usage_led": list((summary.get("importance") or {}).get("usage_led") or []),
            "warnings": [
                in_outcome_words(_with_labels(w, labels), words)
                for w in summary.get("warnings") or []
                if w not in said
            ],
            "currency": self._currency(),
            "versions": dict(summary.get("versions") or {}),
            "settings": dict(summary.get("settings") or {}),
            **sections,
        }

    # -- rendering --------------------------------------------------------

    template = "report.html.j2"

    def html(self) -> str:
        """Render the report as one HTML string."""
        context = self.context()
        return (
            _environment()
            .get_template(self.template)
            .render(
                **context,
                # what the filters money and gain read (see _environment)
                _currency=self._currency(),
                _score=bool(context.get("score")),
            )
        )

    def write_html(self, path: str | PathLike, *, force: bool = False) -> Path:
        """Write the report to ``path`` and return the path.

        Parameters
        ----------
        path : path
            The HTML file to write.
        force : bool, default=False
            Replace an existing file at ``path``.

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        FileExistsError
            When a file exists at ``path`` and ``force`` is False.

        Examples
        --------
        >>> import tempfile
        >>> import pandas as pd
        >>> import emomotiv as em
        >>> drivers = pd.DataFrame({"facet": ["app"], "importance": [1.0]})
        >>> report = em.Report({"tables": {"drivers": drivers}, "summary": {}})
        >>> path = report.write_html(tempfile.mkdtemp() + "/report.html")
        >>> report.write_html(path)
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        FileExistsError: The report '...report.html' exists. Pass force=True ...
        >>> report.write_html(path, force=True).name
        'report.html'
        """
        from .io import refuse_existing

        path = Path(path)
        refuse_existing(path, "report", force)
        path.write_text(self.html(), encoding="utf-8")
        return path

    @classmethod
    def from_folder(cls, folder: str | PathLike, **options: Any) -> Report:
        """The report of a saved analysis folder, from its tables and summary.

        Nothing is refitted and the model is not loaded, so a folder renders
        as long as its tables and ``summary.json`` do (``emomotiv report``).
        A folder written by :func:`emomotiv.save_comparison` (``emomotiv
        compare``) gives its :class:`ComparisonReport`.

        Raises
        ------
        FileNotFoundError
            When ``folder`` has no ``summary.json``.

        Examples
        --------
        >>> import tempfile
        >>> import emomotiv as em
        >>> s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
        >>> result = em.analyze(s.survey, s.catalog, connection="connected",
        ...                     model=em.DriverModel(n_estimators=20, cv=2),
        ...                     n_boot=0, progress=False)
        >>> out = em.save_analysis(result, tempfile.mkdtemp() + "/run")
        >>> "Q3" in em.Report.from_folder(out, title="Q3").html()
        True
        """

        from .io import (
            REPLICATES_FILE,
            _kind,
            read_comparison,
            read_saved_table,
            read_summary,
        )

        folder = Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"No such folder: '{folder}'.")
        if not (folder / "summary.json").is_file():
            raise FileNotFoundError(
                f"'{folder}' is not a saved analysis: it has no summary.json."
            )
        if _kind([p.name for p in folder.glob("*.csv")]) == "comparison":
            return ComparisonReport(read_comparison(folder), **options)
        summary = read_summary(folder)
        tables = {
            p.stem: read_saved_table(p)
            for p in sorted(folder.glob("*.csv"))
            if p.name != REPLICATES_FILE
        }
        return cls({"tables": tables, "summary": summary}, **options)

    def write_pdf(
        self, path: str | PathLike, *, browser: str | None = None, force: bool = False
    ) -> Path:
        """Print the report to PDF with a headless Chromium or Chrome.

        Parameters
        ----------
        path : path
            The PDF to write.
        browser : str or None
            The browser's executable; by default the first of
            :data:`BROWSERS` found on the ``PATH``.
        force : bool, default=False
            Replace an existing file at ``path``.

        Raises
        ------
        FileExistsError
            When a file exists at ``path`` and ``force`` is False.
        FileNotFoundError
            When no browser is found (the message says which were looked for).
        RuntimeError
            When the browser fails or writes no PDF.

        Examples
        --------
        >>> import emomotiv as em
        >>> report = em.Report({"tables": {}, "summary": {}})
        >>> report.write_pdf("report.pdf", browser="no-such-browser")
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        FileNotFoundError: No browser to print the PDF with: 'no-such-browser' ...
        """
        import os
        import shutil
        import subprocess
        import tempfile

        from .io import refuse_existing

        refuse_existing(path, "PDF", force)
        names = BROWSERS if browser is None else (browser,)
        found = next((shutil.which(n) for n in names if shutil.which(n)), None)
        if found is None:
            looked = ", ".join(f"'{n}'" for n in names)
            raise FileNotFoundError(
                f"No browser to print the PDF with: {looked} "
                f"{'is' if len(names) == 1 else 'are'} not on the PATH. Install "
                "Chromium or Google Chrome, or open report.html in a browser "
                "and print it to PDF from there."
            )
        path = Path(path).resolve()
        with tempfile.TemporaryDirectory() as tmp:
            page = self.write_html(Path(tmp) / "report.html")
            command = [
                found,
                "--headless",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--print-to-pdf={path}",
                page.as_uri(),
            ]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                command.insert(1, "--no-sandbox")  # Chromium refuses root otherwise
            proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or not path.is_file():
            raise RuntimeError(
                f"{found} did not print the PDF (exit {proc.returncode}): "
                f"{proc.stderr.strip()[-500:]}"
            )
        return path

    def save_figures(
        self,
        folder: str | PathLike,
        *,
        formats: str | Sequence[str] = ("png", "svg"),
        dpi: int = 200,
        force: bool = False,
    ) -> list[Path]:
        """Write each chart of the report as an image file, for slides.

        One file per chart and format, named by the chart: ``drivers``,
        ``quadrant``, ``stages``, ``motivators``, ``roi``, ``plan``,
        ``changes``, ``methods`` (those the report holds). They are the
        report's charts, drawn at their size in the page. An existing file
        of the same name stops them all, before any is written (a
        ``FileExistsError`` naming every such file), unless ``force``.

        Parameters
        ----------
        folder : path
            Folder to write into; created if needed.
        formats : str or sequence of str, default=("png", "svg")
            Image formats matplotlib writes (``"png"``, ``"svg"``, ``"pdf"``),
            in any case; each file's suffix is the format in lower case.
        dpi : int, default=200
            Resolution of the raster formats.
        force : bool, default=False
            Replace the files of the same name already in ``folder``.

        Returns
        -------
        list of Path
            The files written, chart by chart.

        Examples
        --------
        >>> import tempfile
        >>> import emomotiv as em
        >>> s = em.make_survey(n_respondents=400, n_facets=8, random_state=0)
        >>> result = em.analyze(s.survey, s.catalog, connection="connected",
        ...                     model=em.DriverModel(n_estimators=20, cv=0),
        ...                     n_boot=3, progress=False, methods=False)
        >>> files = em.Report(result).save_figures(tempfile.mkdtemp(), formats=["png"])
        >>> [f.name for f in files][:2]
        ['drivers.png', 'quadrant.png']
        """
        from matplotlib.figure import Figure

        check_int(dpi, "dpi", "save_figures", min_value=1)
        formats = [formats] if isinstance(formats, str) else list(formats)
        # matplotlib reads a format in any case ("PNG" is "png")
        formats = [f.lower() if isinstance(f, str) else f for f in formats]
        known = set(Figure().canvas.get_supported_filetypes())
        unknown = [f for f in formats if f not in known]
        if unknown or not formats:
            raise ValueError(
                f"The 'formats' parameter of save_figures must name formats "
                f"matplotlib writes ({', '.join(sorted(known))}); got {unknown}."
            )
        formats = list(dict.fromkeys(formats))  # each written once
        self.context()  # draws every chart once, and keeps how
        folder = Path(folder)
        charts = [(key, fmt) for key in self._charts for fmt in formats]
        paths = {(key, fmt): folder / f"{key}.{fmt}" for key, fmt in charts}
        there = [path.name for path in paths.values() if path.exists()]
        if there and not force:
            raise FileExistsError(
                f"'{folder}' holds {preview(there, 5)}, which "
                "save_figures would replace. Pass force=True to replace them, or "
                "choose another folder."
            )
        folder.mkdir(parents=True, exist_ok=True)
        for (key, fmt), path in paths.items():
            draw, size = self._charts[key]
            meta = DATELESS.get(fmt, {})  # the same file on every run
            _draw(draw, size, path, format=fmt, dpi=dpi, metadata=meta)
        return list(paths.values())

    def _repr_html_(self) -> str:
        """The report in a notebook, in a frame of its own: a notebook shows
        an output's styles on its own page, so the report's (body, headings,
        tables, captions) would restyle every cell around it.

        The framed page's links resolve against the page itself
        (:data:`FRAME_BASE`): a frame written from text otherwise resolves
        them against the notebook's address, so a contents link loaded the
        notebook into the frame. Its height is capped in pixels as well as
        in the window's height, because VS Code measures ``vh`` against the
        whole notebook, thousands of pixels tall. Where a frame is not shown
        (a notebook not trusted, GitHub's view of it), a line beneath the
        frame's place says how to see the report.
        """
        page = self.html().replace("<head>", f"<head>\n{FRAME_BASE}", 1)
        return (
            f'<div style="position: relative; height: {FRAME_HEIGHT};">'
            f"<p>{FRAME_FALLBACK}</p>"
            f'<iframe srcdoc="{escape(page, quote=True)}" '
            f'title="{escape(str(self._title(self._parts()[1])), quote=True)}" '
            'style="position: absolute; top: 0; left: 0; width: 100%; '
            'height: 100%; border: 1px solid #e3e7ea; background: #fff;">'
            "</iframe></div>"
        )

    def __repr__(self) -> str:
        """What the report is of, without rendering it.

        Examples
        --------
        >>> Report({"tables": {}, "summary": {}}, title="Q3 drivers")
        Report('Q3 drivers', top=20)
        """
        return f"{type(self).__name__}({self.title!r}, top={self.top})"


class ComparisonReport(Report):
    """A self-contained HTML report of a wave comparison (:func:`emomotiv.compare`).

    What moved, with intervals and Holm-adjusted flags, in the style of
    :class:`Report`; ``emomotiv compare A B --out DIR`` writes it as
    ``report.html``.

    Parameters
    ----------
    comparison : WaveComparison
        What :func:`emomotiv.compare` returned.
    title : str, default="What moved since the last wave"
    top : int, default=20
        Touchpoints shown in the chart and, after every flagged one, the table.
    currency : str, optional
        The currency of the amounts (as :class:`Report`'s); default: that of
        the later wave's study, else the earlier's, else none.
    outcome_label : str, optional
        How the report names the outcome (as :class:`Report`'s); default: the
        comparison's ``outcome_label``, else the words of connection ("the
        connected share").

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=500, n_facets=8, random_state=0)
    >>> result = em.analyze(s.survey, s.catalog, n_boot=5, progress=False,
    ...                     connection="connected",
    ...                     model=em.DriverModel(n_estimators=30, cv=0))
    >>> html = em.ComparisonReport(em.compare(result, result)).html()
    >>> "What moved" in html
    True
    """

    template = "compare.html.j2"

    def __init__(
        self,
        comparison: WaveComparison,
        *,
        title: str = "What moved since the last wave",
        top: int = 20,
        currency: str | None = None,
        outcome_label: str | None = None,
    ) -> None:
        if not isinstance(comparison, WaveComparison):
            raise TypeError(
                "ComparisonReport needs the WaveComparison that emomotiv.compare "
                "returned (or load_comparison reloaded); got "
                f"{type(comparison).__name__}."
            )
        super().__init__(
            {"tables": {}, "summary": {}},
            title=title,
            top=top,
            currency=currency,
            outcome_label=outcome_label,
        )
        self.comparison = comparison

    def _words(self) -> dict[str, str]:
        """The outcome's words (:func:`outcome_words`): of the label given,
        else of the comparison's (``outcome_label``), else connection's."""
        if self.comparison.summary.get("score_label") is not None:
            return outcome_words(None)  # a score: its label names its mean
        label = self.outcome_label or self.comparison.summary.get("outcome_label")
        return outcome_words(label)

    def _currency(self) -> str | None:
        """The currency given, else the compared runs' (``summary["currency"]``)."""
        if self.currency is not None:
            return check_currency(self.currency, type(self).__name__)
        return self.comparison.summary.get("currency")

    def context(self) -> dict[str, Any]:
        """The values the compare template renders."""
        from markupsafe import Markup

        from . import __version__

        check_int(self.top, "top", "ComparisonReport", min_value=1)
        self._charts = {}
        changes = self.comparison.changes
        summary = {"tracking": dict(self.comparison.summary)}
        if self.outcome_label and summary["tracking"].get("score_label") is not None:
            summary["tracking"]["score_label"] = self.outcome_label
        words = self._words()
        tables = {"changes": changes, "stage_changes": self.comparison.stages}
        c = self._changes(tables, summary, words) or {"tracking": {}}
        if isinstance(c.get("chart"), str):
            c["chart"] = Markup(c["chart"])
        tracking = summary["tracking"]
        compared = (  # added and dropped touchpoints are named apart
            changes[changes["status"] == "both"] if "status" in changes else changes
        )
        flagged = compared["flagged"].astype(bool) if "flagged" in compared else None
        order = compared.reindex(
            compared["change"].abs().sort_values(ascending=False).index
        )
        rows = compared.loc[flagged] if flagged is not None else compared.iloc[:0]
        rest = order.loc[~order.index.isin(rows.index)]
        rows = pd.concat([rows, rest.head(max(self.top - len(rows), 0))])
        n_facets = tracking.get("n_facets")
        sizes = tracking.get("sample_size")
        return {
            "title": self.title,
            "c": c,
            "rows": _records(rows),
            "n_total": n_facets if isinstance(n_facets, int) else len(compared),
            "settings": setting_notes(tracking),
            "notes": [str(n) for n in tracking.get("notes") or []],
            "touchpoints": touchpoint_notes(tracking, changes),
            "share_note": compared_share_note(tracking),
            "sizes": dict(sizes) if isinstance(sizes, Mapping) else {},
            "moved": [
                {"label": _label(r), "up": (_number(r.get("change")) or 0) > 0}
                for r in _records(rows)[:5]
                if r.get("flagged")
            ],
            "waves": self._waves(summary),
            "currencies": wave_currencies(tracking)
            if self.currency is None
            else dict.fromkeys(("before", "after", "change"), self._currency()),
            "version": __version__,
            "words": words,
        }


#: Browsers :meth:`Report.write_pdf` looks for, in order.
BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
