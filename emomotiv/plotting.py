"""Plots of results; computation lives elsewhere.

Every function is ``plot_*(result, *, ax=None) -> Axes`` and never calls
``plt.show()``. ``result`` is one of the analysis tables (a DataFrame with the
columns :func:`emomotiv.analyze` writes), an :class:`~emomotiv.AnalysisResult` (the
plot takes the table it draws from ``result.tables``) or a result object
that holds that table (``PlanResult.plan``, ``WaveComparison.changes``, an
``ImportanceResult``'s ``to_frame()`` for the drivers; :func:`plot_roi` also
draws the scenarios of a ``SimulationResult``, :func:`plot_quadrant` the
quadrants of a ``StatedComparison``).
Without ``ax`` a new pyplot figure is made (so notebooks show it); the report
passes its own axes on a pyplot-free ``Figure``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ._validation import check_currency, check_int
from .results import (
    AnalysisResult,
    ImportanceResult,
    PlanResult,
    SimulationResult,
    StatedComparison,
    WaveComparison,
)

__all__ = [
    "plot_changes",
    "plot_drivers",
    "plot_methods",
    "plot_motivator_heatmap",
    "plot_plan",
    "plot_quadrant",
    "plot_roi",
    "plot_segment_drivers",
    "plot_stages",
    "plot_value_drivers",
]

# Every mark that carries data (a bar, a point, a marker, a reference line)
# reads at 3:1 or more on the white page (WCAG 1.4.11, non-text contrast);
# the muted grey, the amber and the light blue were 1.8, 1.9 and 2.8:1.
POSITIVE = "#1f6f8b"
NEGATIVE = "#c8553d"
MUTED = "#858f95"
SECONDARY = "#5b93a8"  # the stages other than the largest
INK = "#333333"
LINE = "#767676"  # dashed reference lines
QUADRANT_COLORS = {
    "core_driver": "#1f6f8b",
    "hidden_driver": "#d1495b",
    "table_stakes": "#b8801a",
    "low_priority": "#808b91",
}
METHOD_COLORS = ["#1f6f8b", "#d1495b", "#b8801a", "#3f8f6a", "#8d6a9f", "#555555"]
MINUS = "\u2212"
QUADRANT_NAMES = {
    "core_driver": "Core driver",
    "hidden_driver": "Hidden driver",
    "table_stakes": "Table stakes",
    "low_priority": "Low priority",
}
# black: 3:1 or more on every bar colour and on white, where grey on blue was 1.3:1
ERROR_STYLE = {"ecolor": "#000000", "capsize": 2, "linewidth": 0.8}


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=size, layout="constrained")[1]


def _frame(result, name: str, required: tuple[str, ...], table: str) -> pd.DataFrame:
    """The ``table`` behind ``result``, checked for the columns a plot needs.

    A DataFrame is the table itself; an analysis gives its ``tables[table]``,
    a result object its attribute ``table`` (``PlanResult.plan``,
    ``WaveComparison.changes``); the drivers table is also an importance
    result's ``to_frame()``.
    """
    if isinstance(result, pd.DataFrame):
        frame = result
    elif isinstance(getattr(result, "tables", None), Mapping):
        if table not in result.tables:
            raise ValueError(
                f"{name} draws the {table!r} table, which this analysis does "
                f"not have; it has {sorted(result.tables)}."
            )
        frame = result.tables[table]
    elif hasattr(result, table):
        frame = getattr(result, table)
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(
                f"{name} draws the {table!r} table, which this "
                f"{type(result).__name__} does not have ({table} is {frame!r})."
            )
    elif table == "drivers" and hasattr(result, "to_frame"):
        frame = result.to_frame()
    else:
        raise TypeError(
            f"{name} draws the {table!r} table: pass that DataFrame or the "
            f"analysis that holds it; got {type(result).__name__}."
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} needs the column(s) {missing}; got {list(frame.columns)}."
        )
    return frame


_CONTROL = dict.fromkeys((i for i in range(32) if i != 10), " ")
# bidirectional embeddings, overrides and isolates: one left open turns the
# rest of a line around (a segment "VIP\u202e" printed what followed it
# backwards); right-to-left text needs none of them to read right to left
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_CONTROL |= BIDI_CONTROLS


def _text(value) -> str:
    """User text for matplotlib: ``$`` would start mathtext, so escape it,
    control characters (no glyph) become spaces and bidirectional controls
    (:data:`BIDI_CONTROLS`) are dropped."""
    return str(value).translate(_CONTROL).replace("$", r"\$")


# characters of a name a chart shows; the tables give it whole
NAME_MAX = 40


def _name(value) -> str:
    """A facet's or stage's name for a chart (:func:`_text`) on one line (a
    line break typed in a spreadsheet cell is a space: a name of two lines
    runs into the next row's), cut to :data:`NAME_MAX` characters with an
    ellipsis: a longer one would leave the bars no room."""
    name = " ".join(str(value).splitlines())
    if len(name) > NAME_MAX:
        name = name[: NAME_MAX - 1].rstrip() + "…"
    return _text(name)


def _labels(frame: pd.DataFrame) -> list[str]:
    """Readable names: ``label`` where given, else the facet id (:func:`_name`)."""
    if "label" not in frame:
        return [_name(v) for v in frame["facet"]]
    return [
        _name(f if pd.isna(lab) or lab == "" else lab)
        for lab, f in zip(frame["label"], frame["facet"], strict=True)
    ]


def _ink_on(colour) -> str:
    """Black or white, whichever reads better on ``colour``: one of the two
    reaches WCAG's 4.5:1 contrast on any colour (white's contrast, 1.05 / (L +
    0.05) for a relative luminance L, exceeds black's below L = 0.179)."""
    from matplotlib.colors import to_rgb

    lin = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        for c in to_rgb(colour)
    ]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "white" if luminance < 0.179 else "black"


def _interval(frame: pd.DataFrame, column: str):
    """Asymmetric error bars from ``<column>_low``/``_high``, or None."""
    low, high = f"{column}_low", f"{column}_high"
    if not {low, high} <= set(frame.columns):
        return None
    if frame[[low, high]].isna().all().all():
        return None
    value = frame[column]
    return np.vstack(
        [
            (value - frame[low]).clip(lower=0).fillna(0).to_numpy(float),
            (frame[high] - value).clip(lower=0).fillna(0).to_numpy(float),
        ]
    )


# where a label may sit, as its offset from its point (points): above and
# right of it first; a named point's label tries the others in turn, the
# farther ones joined to their point by a line
LABEL_PLACES = (
    (4, 3),
    (4, -10),
    (-4, 3),
    (-4, -10),
    (4, 13),
    (4, -20),
    (-4, 13),
    (-4, -20),
    (4, 23),
    (4, -30),
)
LABEL_SIZE = 7


def _label_box(fx, fy, place, text, size) -> tuple[float, float, float, float]:
    """The box a label of ``text`` at ``place`` (:data:`LABEL_PLACES`) from
    the point ``(fx, fy)`` takes, in fractions of the plot's ``size`` (its
    width and height in points): about 0.55 of the font size a character."""
    width, height = size
    dx, dy = place
    w = 0.55 * LABEL_SIZE * len(text) / width
    left = fx + dx / width - (w if dx < 0 else 0)
    bottom = fy + dy / height
    return left, bottom, left + w, bottom + 1.2 * LABEL_SIZE / height


def _overlaps(box, boxes) -> bool:
    return any(
        box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
        for b in boxes
    )


def _annotate(ax, x, y, labels, order, named=()) -> None:
    """Label the points ``named``, then those of ``order`` (by priority) that
    find room, so crowded charts stay legible.

    A label sits above and right of its point. One of ``order`` that would
    sit on a label already placed is left out; one of ``named`` (the points
    a reader looks for: a plan's, the headline's) moves to the first place
    around its point (:data:`LABEL_PLACES`) free of the other labels, and
    within the plot and off the other points where one is, or keeps its
    own: it is never left out.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if not len(x) or np.isnan(x).all() or np.isnan(y).all():
        return
    x_span = (np.nanmax(x) - min(np.nanmin(x), 0)) or 1.0
    y_span = (np.nanmax(y) - min(np.nanmin(y), 0)) or 1.0
    fx, fy = x / x_span, y / y_span
    # the plot's size in points before the layout (which only widens it)
    box = ax.get_position()
    size = ax.get_figure().get_size_inches() * 72 * (box.width, box.height)
    dot = 3 / size  # a point's marker, as a box
    named = [i for i in named if not np.isnan(fx[i] + fy[i])]
    placed: list[tuple[float, float, float, float]] = []
    for i in dict.fromkeys([*named, *order]):
        if np.isnan(fx[i] + fy[i]):
            continue
        boxes = [_label_box(fx[i], fy[i], p, labels[i], size) for p in LABEL_PLACES]
        if i not in named:
            if _overlaps(boxes[0], placed):
                continue
            k = 0
        else:
            dots = [
                (fx[j] - dot[0], fy[j] - dot[1], fx[j] + dot[0], fy[j] + dot[1])
                for j in range(len(fx))
                if j != i and not np.isnan(fx[j] + fy[j])
            ]
            free = [k for k, b in enumerate(boxes) if not _overlaps(b, placed)]
            inside = [k for k in free if 0 <= boxes[k][0] and boxes[k][2] <= 1.05]
            clear = [k for k in inside if not _overlaps(boxes[k], dots)]
            k = (clear or inside or free or [0])[0]
        placed.append(boxes[k])
        dx, dy = LABEL_PLACES[k]
        ax.annotate(
            labels[i],
            (x[i], y[i]),
            xytext=(dx, dy),
            textcoords="offset points",
            ha="right" if dx < 0 else "left",
            fontsize=LABEL_SIZE,
            color=INK,
            arrowprops={"arrowstyle": "-", "color": LINE, "linewidth": 0.5}
            if k >= 4
            else None,
        )


def _positions(frame: pd.DataFrame, facets: Sequence[str]) -> list[int]:
    """Where the ``facets`` are among the rows of ``frame``, in their order
    (those it lacks left out); one name alone is one facet."""
    if isinstance(facets, str):
        facets = [facets]
    where = {f: i for i, f in enumerate(frame["facet"])}
    return [where[f] for f in facets if f in where]


def _minus(text: str) -> str:
    """A number's sign as a true minus (U+2212), as matplotlib's own ticks
    write it: a hyphen reads as a dash, to the eye and to a screen reader."""
    return text.replace("-", MINUS)


def _tidy(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)


def _percent(axis) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(xmax=1.0))


def _unit(currency: str | None) -> str:
    """`` (€)`` after an axis's name for amounts in ``currency``; none without."""
    return f" ({currency})" if currency else ""


def _money(axis) -> None:
    """Amounts on ``axis`` in the unit of the largest tick, as the report
    prints them ("k" thousands, "m" millions, "bn" billions), with the
    decimals the ticks' step needs: "1,000,000" ticks side by side run into
    each other on a chart a page wide."""
    from matplotlib.ticker import Formatter

    from .report import MONEY_UNITS

    class Amount(Formatter):
        def format_ticks(self, values):
            values = np.asarray(values, float)
            size = np.abs(values).max() if values.size else 0.0
            unit, suffix = next(
                ((u, sfx) for least, u, sfx in MONEY_UNITS if size >= least),
                (1.0, ""),
            )
            scaled = values / unit
            # the fewest decimals that write every tick exactly: 0.25 m, not 0.2 m
            tolerance = 1e-9 * max(1.0, float(np.abs(scaled).max(initial=0)))
            # a tick a rounding error from 0 (-0.3 + 3 * 0.1) is 0, not "0.0"
            values = np.where(np.abs(scaled) < tolerance, 0.0, values)
            digits = next(
                (
                    d
                    for d in range(7)
                    if np.allclose(np.round(scaled, d), scaled, rtol=0, atol=tolerance)
                ),
                6,
            )
            return [
                _minus(f"{v / unit:,.{digits}f}") + suffix if v else "0" for v in values
            ]

        def __call__(self, value, pos=None):
            return self.format_ticks([value])[0]

    axis.set_major_formatter(Amount())


def _points(axis) -> None:
    axis.set_major_formatter(lambda v, _: _minus(f"{100 * v:+.1f}") if v else "0")


def plot_drivers(
    result: ImportanceResult | AnalysisResult | pd.DataFrame,
    *,
    top: int = 20,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of the top facets' share of derived importance.

    Bars show each facet's share; when the table has ``importance_low`` and
    ``importance_high`` they carry the interval as error bars. Facets whose
    higher ratings *lower* the outcome (``direction == -1``) are drawn in a
    second colour, with ▼ after their name.

    Parameters
    ----------
    result : ImportanceResult, AnalysisResult or DataFrame
        Anything whose ``to_frame()`` (or itself) has ``facet`` and
        ``importance`` columns; ``label`` is used when present.
    top : int, default=20
        How many facets to show.
    ax : matplotlib Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import emomotiv as em
    >>> from emomotiv.plotting import plot_drivers
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> model = em.DriverModel(n_estimators=50, cv=0, random_state=0).fit(X, y)
    >>> ax = plot_drivers(em.shap_importance(model, X), top=5)
    >>> len(ax.patches)
    5
    """
    check_int(top, "top", "plot_drivers", min_value=1)
    frame = _frame(result, "plot_drivers", ("facet", "importance"), "drivers")
    frame = frame.sort_values("importance", ascending=False, kind="stable")
    frame = frame.head(top).iloc[::-1]
    direction = (
        frame["direction"] if "direction" in frame else pd.Series(1, frame.index)
    )
    colors = [NEGATIVE if d < 0 else POSITIVE for d in direction]
    # marked by more than colour: the two are one grey in black and white
    names = [
        f"{n} ▼" if d < 0 else n for n, d in zip(_labels(frame), direction, strict=True)
    ]
    ax = _axes(ax, (7, 0.3 * len(frame) + 1))
    _importance_bars(ax, frame, colors, names, upright=False)
    _tidy(ax)
    return ax


def compared_shares(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Stated and derived importance as the quadrants compare them: each a
    share of its total over the facets with stated importance.

    Where the drivers table holds ``gap`` (derived share minus stated share,
    the derived share re-expressed over the facets compared),
    ``stated_importance`` is the stated share and ``stated_importance +
    gap`` the derived one: with stated importance for some facets only, the
    derived share is not ``importance`` (read as it, the hidden drivers fell
    below zero, off the chart). Otherwise both are divided by their totals.

    Examples
    --------
    >>> frame = pd.DataFrame({"importance": [0.3, 0.1, 0.6],
    ...                       "stated_importance": [0.25, 0.75, None],
    ...                       "gap": [0.5, -0.5, None]})
    >>> [s.round(2).tolist() for s in compared_shares(frame.dropna())]
    [[0.25, 0.75], [0.75, 0.25]]
    """
    stated = frame["stated_importance"].astype(float)
    if "gap" in frame and frame["gap"].notna().any():
        return stated, stated + frame["gap"].astype(float)
    derived = frame["importance"].astype(float)
    return (
        stated / stated.sum() if stated.sum() else stated,
        derived / derived.sum() if derived.sum() else derived,
    )


def plot_quadrant(
    result: pd.DataFrame | AnalysisResult | StatedComparison,
    *,
    label_top: int = 12,
    thresholds: Mapping[str, float] | None = None,
    named: Sequence[str] = (),
    ax: Axes | None = None,
) -> Axes:
    """Stated against derived importance, split into four quadrants.

    Each point is a facet: across, the share of importance customers *say* it
    has; up, the share the model *derives*. Points above the horizontal line
    and left of the vertical one are hidden drivers (they matter more than
    customers say); right and below are table stakes.

    Parameters
    ----------
    result : DataFrame, AnalysisResult or StatedComparison
        The drivers table with ``facet``, ``importance`` and
        ``stated_importance`` (and ``gap``, ``quadrant`` when computed), or
        what :func:`emomotiv.compare_importance` returned (its
        ``derived_share`` is drawn up, its thresholds are the default
        lines).
    label_top : int, default=12
        Label this many points: the most important, then hidden drivers.
        Facets whose higher ratings *lower* the outcome (``direction == -1``)
        are drawn as ▼, with ▼ after their name: important to the outcome,
        whatever their quadrant, but not a driver to raise.
    thresholds : mapping or None
        ``{"stated": x, "derived": y}`` quadrant lines, in shares; by default
        the average share ``1 / n_facets`` on both axes (a ``StatedComparison``'s
        own thresholds for one).
    named : sequence of str, default=()
        Facets labelled however crowded the chart (the report's: its top
        drivers and the hidden drivers its summary names): a label that
        would sit on another moves beside its point, where one of the
        ``label_top`` is left out.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from emomotiv.plotting import plot_quadrant
    >>> drivers = pd.DataFrame({"facet": ["a", "b", "c", "d"],
    ...                         "importance": [0.5, 0.3, 0.15, 0.05],
    ...                         "stated_importance": [9, 2, 8, 3]})
    >>> ax = plot_quadrant(drivers)
    >>> len(ax.collections) >= 1
    True
    """
    check_int(label_top, "label_top", "plot_quadrant", min_value=0)
    if isinstance(result, StatedComparison):
        if thresholds is None:
            thresholds = {k: result.thresholds[k] for k in ("stated", "derived")}
        result = result.to_frame().rename(columns={"derived_share": "importance"})
    frame = _frame(
        result,
        "plot_quadrant",
        ("facet", "importance", "stated_importance"),
        "drivers",
    )
    frame = frame.loc[frame["stated_importance"].notna()]
    frame = frame.sort_values("importance", ascending=False, kind="stable")
    x, y = (share.to_numpy(float) for share in compared_shares(frame))
    n = max(len(frame), 1)
    thresholds = dict(thresholds or {})
    x_line = float(thresholds.get("stated", 1 / n))
    y_line = float(thresholds.get("derived", 1 / n))
    ax = _axes(ax, (7, 5.5))
    quadrant = frame["quadrant"] if "quadrant" in frame else None
    lowers = (
        frame["direction"].lt(0).to_numpy()
        if "direction" in frame
        else np.zeros(len(frame), bool)
    )
    assigned = quadrant is not None and quadrant.notna().any()
    groups = (
        [
            (QUADRANT_NAMES[k], c, (quadrant == k).to_numpy())
            for k, c in QUADRANT_COLORS.items()
        ]
        if assigned
        else [(None, POSITIVE, np.ones(len(frame), bool))]  # none assigned: plain
    )
    for legend, color, mask in groups:
        # a facet whose rise lowers the outcome is a ▼ in its quadrant's
        # colour; the quadrant is named once, in the legend
        for marker, part in (("o", mask & ~lowers), ("v", mask & lowers)):
            if part.any():
                ax.scatter(
                    x[part],
                    y[part],
                    s=30,
                    marker=marker,
                    color=color,
                    edgecolors="white",  # overlapping points stay apart, opaque
                    linewidths=0.5,
                    label=legend,
                )
                legend = None
    if assigned:
        handles, names = ax.get_legend_handles_labels()
        if lowers.any():
            from matplotlib.lines import Line2D

            handles.append(
                Line2D([], [], marker="v", color=INK, linestyle="", markersize=5)
            )
            names.append("A rise lowers the outcome")
        ax.legend(handles, names, fontsize=8, frameon=False, loc="upper right")
    ax.axvline(x_line, color=LINE, linewidth=0.8, linestyle="--")
    ax.axhline(y_line, color=LINE, linewidth=0.8, linestyle="--")
    labels = [
        f"{n} ▼" if low else n for n, low in zip(_labels(frame), lowers, strict=True)
    ]
    order = list(range(min(label_top, len(frame))))
    if quadrant is not None:
        hidden = np.flatnonzero((quadrant == "hidden_driver").to_numpy())
        order = list(dict.fromkeys(order + list(hidden)))[: max(label_top, 0)]
    _annotate(ax, x, y, labels, order, _positions(frame, named))
    ax.set_xlabel("Stated importance (share of what customers say matters)")
    ax.set_ylabel("Derived importance (share)")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    _percent(ax.xaxis)
    _percent(ax.yaxis)
    ax.text(
        0.01,
        0.99,
        "Hidden drivers",
        transform=ax.transAxes,
        va="top",
        fontsize=8,
        color="#9d1f31",  # the hidden drivers' red, dark enough for text
    )
    ax.text(
        0.99,
        0.01,
        "Table stakes",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=8,
        color="#7a5300",  # the table stakes' amber, dark enough for text
    )
    _tidy(ax)
    return ax


def _importance_bars(ax: Axes, frame, colors, names, *, upright: bool) -> None:
    """A bar per row of ``frame``: its share of derived importance with its
    interval, in a column (``upright``) or across, named by ``names``."""
    draw, ticks = (ax.bar, ax.set_xticks) if upright else (ax.barh, ax.set_yticks)
    error = {"yerr" if upright else "xerr": _interval(frame, "importance")}
    draw(
        range(len(frame)),
        frame["importance"],
        color=colors,
        error_kw=ERROR_STYLE,
        **error,
    )
    ticks(range(len(frame)), names)
    (ax.set_ylabel if upright else ax.set_xlabel)("Share of derived importance")
    _percent(ax.yaxis if upright else ax.xaxis)


def _stage_names(frame: pd.DataFrame) -> list[str]:
    names = [_name(s) for s in frame["stage"]]
    if "n_facets" in frame:
        names = [
            f"{s}\n({int(n)} touchpoint{'' if n == 1 else 's'})" if pd.notna(n) else s
            for s, n in zip(names, frame["n_facets"], strict=True)
        ]
    return names


def _stages_upright(names: list[str]) -> bool:
    """Columns fit side by side when their names do: about 90 characters of
    8-point text across the chart, the longest name's line in every column."""
    longest = max((len(line) for s in names for line in s.split("\n")), default=0)
    return len(names) * longest <= 90


def stage_chart_size(result: pd.DataFrame | AnalysisResult) -> tuple[float, float]:
    """Figure size (inches) for :func:`plot_stages` of a ``stages`` table:
    3 inches high with a column per stage, or a row per stage (0.26 inch
    each) when the stages' names would not fit side by side."""
    frame = _frame(result, "stage_chart_size", ("stage",), "stages")
    names = _stage_names(frame)
    return (7.5, 3.0) if _stages_upright(names) else (7.5, 0.26 * len(names) + 1.0)


def plot_stages(
    result: pd.DataFrame | AnalysisResult, *, ax: Axes | None = None
) -> Axes:
    """Importance of each journey stage, in journey order, with intervals.

    A column per stage, left to right; when the stages' names would not fit
    side by side (many stages, or long names), a bar per stage, top to
    bottom, sized by :func:`stage_chart_size`.

    Parameters
    ----------
    result : DataFrame or AnalysisResult
        The ``stages`` table: ``stage``, ``importance`` and optionally
        ``importance_low``/``importance_high`` and ``n_facets`` (the number
        of touchpoints, under each stage's name). Rows are drawn in the order
        given (the catalog's journey order).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from emomotiv.plotting import plot_stages
    >>> stages = pd.DataFrame({"stage": ["join", "use", "leave"],
    ...                        "importance": [0.5, 0.3, 0.2]})
    >>> len(plot_stages(stages).patches)
    3
    """
    frame = _frame(result, "plot_stages", ("stage", "importance"), "stages")
    names = _stage_names(frame)
    upright = _stages_upright(names)
    ax = _axes(ax, (7, 3.2) if upright else stage_chart_size(frame))
    top = frame["importance"].max()
    colors = [POSITIVE if v == top else SECONDARY for v in frame["importance"]]
    if upright:
        _importance_bars(ax, frame, colors, names, upright=True)
    else:
        flat = [s.replace("\n", " ") for s in names]
        _importance_bars(ax, frame, colors, flat, upright=False)
        ax.set_ylim(len(frame) - 0.5, -0.5)  # the journey's first stage on top
    _tidy(ax)
    return ax


def motivator_columns(frame: pd.DataFrame) -> list[str]:
    """The motivator columns of a ``motivators`` table (all but ids)."""
    skip = {"facet", "label", "stage"}
    return [c for c in frame.columns if c not in skip]


def plot_motivator_heatmap(
    result: pd.DataFrame | AnalysisResult, *, top: int = 25, ax: Axes | None = None
) -> Axes:
    """Heatmap of how each facet relates to each emotional motivator.

    Parameters
    ----------
    result : DataFrame or AnalysisResult
        The ``motivators`` table: ``facet``, ``label``, then one numeric
        column per motivator (e.g. correlations). Rows are drawn in the order
        given; the first ``top`` are shown.
    top : int, default=25
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from emomotiv.plotting import plot_motivator_heatmap
    >>> m = pd.DataFrame({"facet": ["a", "b"], "security": [0.4, -0.1],
    ...                   "belonging": [0.2, 0.3]})
    >>> ax = plot_motivator_heatmap(m)
    >>> ax.images[0].get_array().shape
    (2, 2)
    """
    from matplotlib.colors import TwoSlopeNorm

    check_int(top, "top", "plot_motivator_heatmap", min_value=1)
    frame = _frame(result, "plot_motivator_heatmap", ("facet",), "motivators").head(top)
    columns = motivator_columns(frame)
    text = [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        raise ValueError(
            "plot_motivator_heatmap draws one numeric column per motivator; "
            f"not numeric: {text}."
        )
    values = frame[columns].to_numpy(float)
    ax = _axes(ax, (1.0 + 0.55 * len(columns), 0.3 * len(frame) + 1.5))
    finite = values[np.isfinite(values)]
    bound = float(np.abs(finite).max()) if finite.size else 1.0
    bound = bound or 1.0
    if finite.size and finite.min() < 0:
        norm = TwoSlopeNorm(vcenter=0.0, vmin=-bound, vmax=bound)
        cmap = "RdBu_r"
    else:
        norm, cmap = None, "Blues"
    image = ax.imshow(values, aspect="auto", cmap=cmap, norm=norm)
    ax.set_xticks(
        range(len(columns)),
        [_text(str(c).removeprefix("motivator__").replace("_", " ")) for c in columns],
        rotation=40,
        ha="right",
    )
    ax.set_yticks(range(len(frame)), _labels(frame))
    _cells(ax, image, values, lambda v: _minus(f"{v:z.2f}"))
    ax.figure.colorbar(image, ax=ax, shrink=0.6)
    _bare(ax)
    return ax


def _cells(ax, image, values: np.ndarray, text) -> None:
    """Write each cell's value, ``text(v)``, on a heatmap of up to 400
    cells, in an ink that reads on the cell's colour."""
    if values.size > 400:
        return
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ink = _ink_on(image.to_rgba(v))
            ax.text(j, i, text(v), ha="center", va="center", fontsize=6, color=ink)


def _bare(ax) -> None:
    """A heatmap's axes: small labels, no ticks, no frame."""
    ax.tick_params(labelsize=8, length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _has_cost(frame: pd.DataFrame) -> bool:
    return "cost" in frame and bool((frame["cost"].astype(float) > 0).any())


def plot_roi(
    result: pd.DataFrame | PlanResult | AnalysisResult | SimulationResult,
    *,
    top: int = 15,
    ax: Axes | None = None,
    score: str | None = None,
    currency: str | None = None,
    named: Sequence[str] = (),
) -> Axes:
    """What improving each facet is worth.

    With costs, a scatter of each facet's cost against the value its
    improvement adds (``delta_value``, with its interval), labelled for the
    ``top`` facets by priority. Without costs, bars of the change in the
    connected share (``delta_connected``, in points) with intervals.

    A :class:`~emomotiv.SimulationResult` (:func:`emomotiv.simulate_improvement`)
    is drawn as bars, one per scenario in the order given, named by the
    scenario.

    Parameters
    ----------
    result : DataFrame, PlanResult, AnalysisResult or SimulationResult
        The ``roi`` table, sorted by priority, or simulated scenarios.
    top : int, default=15
    ax : matplotlib Axes, optional
    score : str, optional
        The outcome's name when it is a score rather than 0/1: the bars are
        then the change in its mean, in its own units, not in points of a
        share.
    currency : str, optional
        The currency of costs and values (``"€"``, ``"EUR"``), named on the
        axes; it converts nothing.
    named : sequence of str, default=()
        Facets the scatter labels however crowded it is (the report's: those
        its plan funds and the first by priority): a label that would sit on
        another moves beside its point, where one of the ``top`` others is
        left out.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from emomotiv.plotting import plot_roi
    >>> roi = pd.DataFrame({"facet": ["a", "b"], "delta_connected": [0.02, 0.01],
    ...                     "delta_connected_low": [0.01, 0.0],
    ...                     "delta_connected_high": [0.03, 0.02]})
    >>> len(plot_roi(roi).patches)
    2
    """
    check_int(top, "top", "plot_roi", min_value=1)
    check_currency(currency, "plot_roi")
    if isinstance(result, SimulationResult):  # a bar per scenario, by its name
        result = result.table.drop(columns=["facet", "label"], errors="ignore")
        result = result.rename(columns={"scenario": "facet"})
    frame = _frame(result, "plot_roi", ("facet", "delta_connected"), "roi")
    if "priority" in frame:
        frame = frame.sort_values("priority", kind="stable")
    valued = "delta_value" in frame and frame["delta_value"].notna().any()
    if _has_cost(frame) and valued:  # without a value, cost has nothing to face
        frame = frame.loc[frame["cost"].astype(float) > 0]
        ax = _axes(ax, (7, 4.8))
        yerr = _interval(frame, "delta_value")
        ax.errorbar(
            frame["cost"],
            frame["delta_value"],
            yerr=yerr,
            fmt="none",
            **ERROR_STYLE,
        )
        ax.scatter(frame["cost"], frame["delta_value"], s=30, color=POSITIVE, zorder=3)
        _annotate(
            ax,
            frame["cost"],
            frame["delta_value"],
            _labels(frame),
            range(min(top, len(frame))),
            _positions(frame, named),
        )
        hi = float(max(frame["cost"].max(), 0))
        ax.plot([0, hi], [0, hi], color=LINE, linewidth=0.8, linestyle="--")
        ax.annotate(
            "break-even",
            (hi, hi),
            fontsize=7,
            color="#666666",
            ha="right",
            va="bottom",
        )
        ax.set_xlabel(_text(f"Cost of the improvement{_unit(currency)}"))
        ax.set_ylabel(_text(f"Value added by a one-point improvement{_unit(currency)}"))
        ax.set_xlim(left=0)
        _money(ax.xaxis)
        _money(ax.yaxis)
    else:
        frame = frame.head(top).iloc[::-1]
        ax = _axes(ax, (7, 0.3 * len(frame) + 1))
        ax.barh(
            range(len(frame)),
            frame["delta_connected"],
            color=POSITIVE,
            xerr=_interval(frame, "delta_connected"),
            error_kw=ERROR_STYLE,
        )
        ax.set_yticks(range(len(frame)), _labels(frame))
        _gain_axis(ax.xaxis, score, "Change in connected share (percentage points)")
    _tidy(ax)
    return ax


def plot_value_drivers(
    result: pd.DataFrame | AnalysisResult,
    *,
    top: int = 15,
    ax: Axes | None = None,
    currency: str | None = None,
) -> Axes:
    """What a one-point rise of each touchpoint does to mean value, and how
    much of it flows through connection.

    Bars of ``delta_mean_value`` (the change in mean value per customer,
    with its interval) for the ``top`` touchpoints by the size of their
    change, a rise or a fall; where the table has
    ``delta_mean_value_via_connection``, a second, lighter bar inside each
    shows the part through connection, the rest being paths other than
    connection (price, range, fees).

    Parameters
    ----------
    result : DataFrame or AnalysisResult
        The ``value_drivers`` table (:func:`emomotiv.value_drivers`'s
        ``to_frame()``, ``value_drivers.csv``).
    top : int, default=15
    ax : matplotlib Axes, optional
    currency : str, optional
        The value's currency, named on the axis; it converts nothing.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from emomotiv.plotting import plot_value_drivers
    >>> vd = pd.DataFrame({"facet": ["fees", "app"],
    ...                    "delta_mean_value": [12.0, -3.0],
    ...                    "delta_mean_value_via_connection": [2.0, -1.0]})
    >>> len(plot_value_drivers(vd).patches)
    4
    """
    from .value_drivers import by_size_of_change

    check_int(top, "top", "plot_value_drivers", min_value=1)
    check_currency(currency, "plot_value_drivers")
    required = ("facet", "delta_mean_value")
    frame = _frame(result, "plot_value_drivers", required, "value_drivers")
    frame = by_size_of_change(frame).head(top).iloc[::-1]
    change = frame["delta_mean_value"].astype(float)
    ax = _axes(ax, (7, 0.3 * len(frame) + 1.2))
    rows = np.arange(len(frame))
    ax.barh(
        rows,
        change,
        color=[NEGATIVE if v < 0 else POSITIVE for v in change],
        xerr=_interval(frame, "delta_mean_value"),
        error_kw=ERROR_STYLE,
        label="Total change",
    )
    through = "delta_mean_value_via_connection"
    if through in frame and frame[through].notna().any():
        ax.barh(
            rows,
            frame[through].astype(float).fillna(0.0),
            height=0.4,
            color=SECONDARY,
            hatch="//",
            edgecolor="white",
            label="Through connection",
        )
        ax.legend(fontsize=7, frameon=False, loc="lower right")
    ax.set_yticks(rows, _labels(frame))
    ax.axvline(0, color=LINE, linewidth=0.8)
    ax.set_xlabel(_text(f"Change in mean value per customer{_unit(currency)}"))
    _money(ax.xaxis)
    _tidy(ax)
    return ax


def plot_segment_drivers(
    result: pd.DataFrame | AnalysisResult, *, top: int = 20, ax: Axes | None = None
) -> Axes:
    """Heatmap of each touchpoint's share of importance in each segment.

    One column per ranked segment, one row per touchpoint: those whose
    effect differs across segments first (``differs``, by their adjusted
    p-value), then the rest by their largest share in any segment, the
    first ``top`` shown; a touchpoint that differs is marked with ◆ after
    its name. Segments too small to rank are left out.

    Parameters
    ----------
    result : DataFrame or AnalysisResult
        The ``segment_drivers`` table (long: one row per facet and segment,
        as :func:`emomotiv.segment_drivers`'s ``to_frame()`` and
        ``segment_drivers.csv``).
    top : int, default=20
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from emomotiv.plotting import plot_segment_drivers
    >>> sd = pd.DataFrame({"facet": ["a", "a", "b", "b"],
    ...                    "segment": ["new", "old", "new", "old"],
    ...                    "importance": [0.6, 0.2, 0.4, 0.8]})
    >>> plot_segment_drivers(sd).images[0].get_array().shape
    (2, 2)
    """
    check_int(top, "top", "plot_segment_drivers", min_value=1)
    required = ("facet", "segment", "importance")
    frame = _frame(result, "plot_segment_drivers", required, "segment_drivers")
    if "ranked" in frame:
        frame = frame.loc[frame["ranked"].eq(True)]
    if frame.empty:
        raise ValueError(
            "plot_segment_drivers has no ranked segment to draw: every segment "
            "is below the minimum size (see the table's note)."
        )
    shares = frame.pivot_table(
        index="facet", columns="segment", values="importance", sort=False
    )
    largest = shares.max(axis=1).sort_values(ascending=False, kind="stable")
    # the touchpoints that differ first, by their adjusted p-value
    if {"differs", "p_differ_adj"} <= set(frame.columns):
        flagged = frame.loc[frame["differs"].eq(True)]
        differ = flagged.groupby("facet", sort=False)["p_differ_adj"].min()
        differ = differ.sort_values(kind="stable")
    else:
        differ = pd.Series(dtype=float)
    first = [*differ.index, *(f for f in largest.index if f not in differ.index)]
    shares = shares.reindex(first[:top])
    labels = dict(zip(frame["facet"], _labels(frame), strict=True))
    names = [labels[f] + (" ◆" if f in differ.index else "") for f in shares.index]
    values = shares.to_numpy(float)
    ax = _axes(ax, (1.5 + 0.8 * shares.shape[1], 0.3 * len(shares) + 1.5))
    image = ax.imshow(values, aspect="auto", cmap="Blues", vmin=0)
    segments = [_text(c) for c in shares.columns]
    ax.set_xticks(range(shares.shape[1]), segments, rotation=30, ha="right")
    ax.set_yticks(range(len(shares)), names)
    _cells(ax, image, values, lambda v: f"{v:.0%}")
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.6)
    _percent(bar.ax.yaxis)
    _bare(ax)
    return ax


def _gain_axis(axis, score: str | None, share: str, what: str = "") -> None:
    """Label an axis of outcome changes: ``share`` for points of the
    connected share, else the change in the score ``score``'s mean, in its
    own units."""
    if score is None:
        axis.set_label_text(share)
        _points(axis)
    else:
        axis.set_label_text(f"Change in mean {score}{what}")
        axis.set_major_formatter(lambda v, _: _minus(f"{v:+,.3g}") if v else "0")


def _funded(plan: pd.DataFrame) -> pd.Series:
    """The plan's ``selected`` column as True or False: a missing entry (a
    candidate never weighed) is not funded, as the report's table reads it."""
    return plan["selected"].eq(True)


def plot_plan(
    result: pd.DataFrame | PlanResult | AnalysisResult,
    *,
    top: int | None = None,
    ax: Axes | None = None,
    score: str | None = None,
    currency: str | None = None,
) -> Axes:
    """The candidate improvements, with the selected ones highlighted.

    Bars show each facet's expected value added (``delta_value``, or the
    change in connected share when there is no value), selected facets in
    colour, the others muted, with the cost written beside each bar.

    Parameters
    ----------
    result : DataFrame, PlanResult or AnalysisResult
        The ``plan`` table: ``facet``, ``delta_connected`` and optionally
        ``delta_value``, ``cost``, ``selected``. A result without a plan
        (no budget) is an error.
    top : int, optional
        Show the first ``top`` candidates in the plan's order (its
        ``priority``), and every selected one beyond them; all when None.
    ax : matplotlib Axes, optional
    score : str, optional
        The outcome's name when it is a score rather than 0/1 (see
        :func:`plot_roi`).
    currency : str, optional
        The currency of values and costs, named on the axis and before each
        cost (see :func:`plot_roi`).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from emomotiv.plotting import plot_plan
    >>> plan = pd.DataFrame({"facet": ["a", "b"], "delta_connected": [0.02, 0.01],
    ...                      "cost": [100, 300], "selected": [True, False]})
    >>> len(plot_plan(plan).patches), len(plot_plan(plan, top=1).patches)
    (2, 1)
    """
    from .report import _in_currency

    check_currency(currency, "plot_plan")
    frame = _frame(result, "plot_plan", ("facet", "delta_connected"), "plan")
    if top is not None:
        check_int(top, "top", "plot_plan", min_value=1)
        order = (
            frame.sort_values("priority", kind="stable")
            if "priority" in frame
            else frame
        )
        funded = _funded(order) if "selected" in order else False
        first = pd.Series(range(len(order)), order.index) < top
        frame = order[first | funded]
    use_value = "delta_value" in frame and frame["delta_value"].notna().any()
    column = "delta_value" if use_value else "delta_connected"
    frame = frame.iloc[::-1]
    selected = _funded(frame) if "selected" in frame else pd.Series(True, frame.index)
    ax = _axes(ax, (7, 0.3 * len(frame) + 1))
    bars = ax.barh(
        range(len(frame)),
        frame[column],
        color=[POSITIVE if s else MUTED for s in selected],
    )
    if "cost" in frame:
        for bar, cost in zip(bars, frame["cost"], strict=True):
            if pd.notna(cost):
                ax.annotate(
                    _text(f"cost {_in_currency(f'{cost:,.0f}', currency)}"),
                    (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=7,
                    color="#555555",
                )
    ax.set_yticks(range(len(frame)), _labels(frame))
    if use_value:
        ax.set_xlabel(_text(f"Value added{_unit(currency)} (selected in colour)"))
        _money(ax.xaxis)
    else:
        share = "Change in connected share, points (selected in colour)"
        _gain_axis(ax.xaxis, score, share, " (selected in colour)")
    ax.margins(x=0.2)
    _tidy(ax)
    return ax


CHANGE_COLUMNS = ("change", "importance_change", "delta_importance", "difference")
FLAG_COLUMNS = ("flagged", "flag", "significant", "beyond_noise", "changed")


def change_column(frame: pd.DataFrame) -> str | None:
    """The column of a ``changes`` table holding the change in importance."""
    return next((c for c in CHANGE_COLUMNS if c in frame), None)


def flag_column(frame: pd.DataFrame) -> str | None:
    """The column of a ``changes`` table flagging changes beyond noise."""
    return next((c for c in FLAG_COLUMNS if c in frame), None)


def plot_changes(
    result: pd.DataFrame | WaveComparison | AnalysisResult,
    *,
    top: int = 20,
    ax: Axes | None = None,
) -> Axes:
    """Change in each facet's importance since the last wave, with intervals.

    Facets flagged as beyond noise are drawn in colour (red for a fall,
    blue for a rise); the rest are muted. The ``top`` largest absolute changes
    are shown; a facet without a change (asked in one wave only) is left out.

    Parameters
    ----------
    result : DataFrame, WaveComparison or AnalysisResult
        The ``changes`` table: ``facet``, a change column (``change``, or
        ``importance_change``) with optional ``<change>_low``/``_high`` and a
        flag column (``flagged``, ``significant`` or ``beyond_noise``).
    top : int, default=20
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from emomotiv.plotting import plot_changes
    >>> changes = pd.DataFrame({"facet": ["a", "b"], "change": [0.05, -0.01],
    ...                         "change_low": [0.02, -0.03],
    ...                         "change_high": [0.08, 0.01],
    ...                         "flagged": [True, False]})
    >>> len(plot_changes(changes).patches)
    2
    """
    check_int(top, "top", "plot_changes", min_value=1)
    frame = _frame(result, "plot_changes", ("facet",), "changes")
    column = change_column(frame)
    if column is None:
        raise ValueError(
            f"plot_changes needs a change column, one of {list(CHANGE_COLUMNS)}; "
            f"got {list(frame.columns)}."
        )
    flag = flag_column(frame)
    # a touchpoint asked in one wave only (added or dropped) has no change
    frame = frame.loc[frame[column].notna()]
    order = frame[column].abs().sort_values(ascending=False, kind="stable").index
    frame = frame.loc[order].head(top).iloc[::-1]
    flagged = frame[flag].astype(bool) if flag else pd.Series(False, index=frame.index)
    colors = [
        (POSITIVE if v >= 0 else NEGATIVE) if f else MUTED
        for v, f in zip(frame[column], flagged, strict=True)
    ]
    ax = _axes(ax, (7, 0.3 * len(frame) + 1))
    ax.barh(
        range(len(frame)),
        frame[column],
        color=colors,
        xerr=_interval(frame, column),
        error_kw=ERROR_STYLE,
    )
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(range(len(frame)), _labels(frame))
    ax.set_xlabel("Change in share of importance, points (flagged in colour)")
    _points(ax.xaxis)
    _tidy(ax)
    return ax


METHOD_NAMES = {
    "shap": "SHAP (model)",
    "relative_weights": "Relative weights",
    "shapley_regression": "Shapley regression",
    "std_beta": "Standardised beta",
    "squared_correlation": "Squared correlation",
}


def method_columns(frame: pd.DataFrame) -> list[str]:
    """The importance-share columns of a ``methods`` table, in a fixed order.

    A method is a column with a ``rank_<method>`` partner; without rank
    columns, the known method names present.
    """
    ranked = [c for c in frame.columns if f"rank_{c}" in frame.columns]
    found = ranked or [m for m in METHOD_NAMES if m in frame]
    return [m for m in METHOD_NAMES if m in found] + [
        m for m in found if m not in METHOD_NAMES
    ]


def plot_methods(
    result: pd.DataFrame | AnalysisResult, *, top: int = 15, ax: Axes | None = None
) -> Axes:
    """Each method's share of importance for the top facets, side by side.

    Parameters
    ----------
    result : DataFrame or AnalysisResult
        The ``methods`` table: ``facet``, ``label`` and one share column per
        method (``shap``, ``relative_weights``, ...). Facets are ordered by
        the first method (SHAP when present).
    top : int, default=15
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from emomotiv.plotting import plot_methods
    >>> m = pd.DataFrame({"facet": ["a", "b"], "shap": [0.7, 0.3],
    ...                   "squared_correlation": [0.6, 0.4]})
    >>> len(plot_methods(m).get_legend().get_texts())
    2
    """
    check_int(top, "top", "plot_methods", min_value=1)
    frame = _frame(result, "plot_methods", ("facet",), "methods")
    methods = method_columns(frame)
    if not methods:
        raise ValueError("plot_methods needs at least one method share column.")
    frame = frame.sort_values(methods[0], ascending=False, kind="stable")
    frame = frame.head(top).iloc[::-1]
    ax = _axes(ax, (7, 0.3 * len(frame) + 1.4))
    markers = "oDs^v<>"
    ypos = np.arange(len(frame))
    for k, method in enumerate(methods):
        ax.scatter(
            frame[method],
            ypos,
            s=22,
            marker=markers[k % len(markers)],
            color=METHOD_COLORS[k % len(METHOD_COLORS)],
            label=_text(METHOD_NAMES.get(method, method)),
            zorder=3,
        )
    ax.set_yticks(ypos, _labels(frame))
    ax.grid(axis="y", color="#eeeeee", linewidth=0.8)
    ax.set_xlabel("Share of importance, by method")
    ax.set_xlim(left=0)
    _percent(ax.xaxis)
    ax.legend(fontsize=7, frameon=False, loc="lower right", ncols=min(len(methods), 3))
    _tidy(ax)
    return ax
