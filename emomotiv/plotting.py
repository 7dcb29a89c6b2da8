"""Plots of results; computation lives elsewhere.

Every function is ``plot_*(result, *, ax=None) -> Axes`` and never calls
``plt.show()``. Without ``ax`` a new pyplot figure is made (so notebooks show
it); the report passes its own axes on a pyplot-free ``Figure``.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["plot_drivers"]

POSITIVE = "#1f6f8b"
NEGATIVE = "#c8553d"


def _axes(ax, size):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=size, layout="constrained")[1]


def plot_drivers(result, *, top: int = 20, ax=None):
    """Horizontal bars of the top facets' share of derived importance.

    Bars show each facet's share; when the table has ``importance_low`` and
    ``importance_high`` they carry the interval as error bars. Facets whose
    higher ratings *lower* the outcome (``direction == -1``) are drawn in a
    second colour.

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
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import emomotiv as em
    >>> from emomotiv.plotting import plot_drivers
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> model = em.DriverModel(n_estimators=50, cv=0, random_state=0).fit(X, y)
    >>> ax = plot_drivers(em.shap_importance(model, X), top=5)
    >>> len(ax.patches)
    5
    """
    frame = result if isinstance(result, pd.DataFrame) else result.to_frame()
    frame = frame.sort_values("importance", ascending=False).head(top).iloc[::-1]
    labels = frame["label"] if "label" in frame else frame["facet"]
    direction = (
        frame["direction"] if "direction" in frame else pd.Series(1, frame.index)
    )
    colors = [NEGATIVE if d < 0 else POSITIVE for d in direction]
    ax = _axes(ax, (7, 0.3 * len(frame) + 1))
    xerr = None
    if {"importance_low", "importance_high"} <= set(frame.columns):
        xerr = [
            (frame["importance"] - frame["importance_low"]).clip(lower=0),
            (frame["importance_high"] - frame["importance"]).clip(lower=0),
        ]
    ax.barh(
        list(labels),
        frame["importance"],
        color=colors,
        xerr=xerr,
        error_kw={"ecolor": "#555555", "capsize": 2, "linewidth": 0.8},
    )
    ax.set_xlabel("Share of derived importance")
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="y", labelsize=8)
    return ax
