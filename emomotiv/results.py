"""Result objects: frozen containers with ``to_frame()``.

Computation lives in the analysis modules; this module only holds what they
return, so every module can import it and it imports none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["AnalysisResult", "ImportanceResult"]


@dataclass(frozen=True, repr=False)
class ImportanceResult:
    """Derived importance of each facet, from one method.

    Every ``*_importance`` function returns this type, so methods can be
    compared column for column.

    Attributes
    ----------
    method : str
        ``"shap"``, ``"relative_weights"``, ...
    table : DataFrame
        Indexed by facet. Always ``importance`` (share of the total, >= 0,
        sums to 1), ``raw_importance`` (in the method's own units: mean
        |SHAP| in log-odds, or R² share) and ``direction`` (+1 / -1). Methods
        add their own columns (``reach``, ``mean_score``, intervals, ...).
    total : float or None
        Sum of ``raw_importance`` (R² for regression-based methods).
    explanation : shap.Explanation or None
        Per-respondent attributions, for ``shap.plots.*``.
    info : dict
        Method notes (units, how missing ratings entered, sample sizes).
    replicates : DataFrame or None
        Importance shares per bootstrap resample (rows) and facet (columns),
        when the importance was bootstrapped; downstream steps use it to give
        their own conclusions an interval.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame(
    ...     {"importance": [0.25, 0.75], "raw_importance": [0.05, 0.15],
    ...      "direction": [1, 1]},
    ...     index=pd.Index(["fees", "welcome_note"], name="facet"),
    ... )
    >>> result = ImportanceResult("shap", table, total=0.2)
    >>> result.top(1)
    ['welcome_note']
    >>> result.to_frame()[["facet", "importance", "rank"]]
              facet  importance  rank
    0  welcome_note        0.75     1
    1          fees        0.25     2
    """

    method: str
    table: pd.DataFrame
    total: float | None = None
    explanation: Any = None
    info: Mapping[str, Any] = field(default_factory=dict)
    replicates: pd.DataFrame | None = None

    @property
    def importance(self) -> pd.Series:
        """Share of total importance per facet, largest first."""
        return self.table["importance"].sort_values(ascending=False)

    def top(self, n: int = 10) -> list[str]:
        """The ``n`` most important facets."""
        return list(self.importance.index[:n])

    def to_frame(self) -> pd.DataFrame:
        """One row per facet, sorted by importance, with a 1-based ``rank``."""
        frame = self.table.sort_values("importance", ascending=False, kind="stable")
        frame = frame.reset_index()
        frame.insert(
            frame.columns.get_loc("importance") + 1, "rank", range(1, len(frame) + 1)
        )
        return frame

    def __repr__(self) -> str:
        top = ", ".join(self.top(3))
        n = len(self.table)
        return f"ImportanceResult(method={self.method!r}, {n} facets; top: {top})"


@dataclass(frozen=True, repr=False)
class AnalysisResult:
    """Everything :func:`emomotiv.analyze` found, ready to save or report.

    Attributes
    ----------
    tables : dict of str -> DataFrame
        The output tables by file stem: ``drivers`` always (one row per
        facet, sorted by rank), plus the tables later steps add.
    summary : dict
        JSON-ready facts: sizes, model fit, connected share, settings,
        versions, warnings.
    importance : ImportanceResult
        Derived importance (SHAP) with the per-respondent explanation.
    model : DriverModel
        The fitted driver model.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> fast = em.DriverModel(n_estimators=50, cv=2)
    >>> result = em.analyze(s.survey, s.catalog, connection="connected", model=fast)
    >>> sorted(result.tables)
    ['drivers']
    >>> result.to_frame().shape[0], result.summary["data"]["n_facets"]
    (12, 12)
    """

    tables: Mapping[str, pd.DataFrame]
    summary: Mapping[str, Any]
    importance: ImportanceResult
    model: Any

    @property
    def drivers(self) -> pd.DataFrame:
        """The driver table (``drivers.csv``)."""
        return self.tables["drivers"]

    def to_frame(self) -> pd.DataFrame:
        """The driver table, one row per facet sorted by rank."""
        return self.drivers.copy()

    def __repr__(self) -> str:
        s = self.summary
        top = ", ".join(self.drivers["facet"].head(3))
        return (
            f"AnalysisResult({s['data']['n_respondents']} respondents, "
            f"{s['data']['n_facets']} facets; top drivers: {top})"
        )
