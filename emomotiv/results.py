"""Result objects: frozen containers with ``to_frame()``.

Computation lives in the analysis modules; this module only holds what they
return, so every module can import it and it imports none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["AnalysisResult", "ImportanceResult", "PlanResult", "SimulationResult"]


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
class SimulationResult:
    """What-if scenarios and the change each makes to the connected share.

    Attributes
    ----------
    table : DataFrame
        One row per scenario, in the order given: ``scenario`` (its name),
        ``kind``, ``facets``, ``baseline`` and ``simulated`` (the weighted
        connected share before and after, as predicted by the model),
        ``delta_connected`` (their difference; 0.01 = one point) and its
        interval ``delta_connected_low, delta_connected_high``.
    info : dict
        ``assumption`` (stated with every result), ``n_boot``, ``level``,
        ``interval`` (how the interval was made) and ``typical`` ratings used
        by reach scenarios.
    replicates : DataFrame or None
        ``delta_connected`` per replicate model (rows) and scenario
        (columns, by position), when intervals were bootstrapped.
    """

    table: pd.DataFrame
    info: Mapping[str, Any] = field(default_factory=dict)
    replicates: pd.DataFrame | None = None

    @property
    def assumption(self) -> str:
        """The assumption every simulated number rests on."""
        return str(self.info.get("assumption", ""))

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario (a copy of ``table``)."""
        return self.table.copy()

    def __repr__(self) -> str:
        n = len(self.table)
        best = self.table.sort_values("delta_connected", ascending=False).head(1)
        top = "" if best.empty else f"; largest: {best['scenario'].iloc[0]}"
        return f"SimulationResult({n} scenario{'' if n == 1 else 's'}{top})"


@dataclass(frozen=True, repr=False)
class PlanResult:
    """Per-facet return on improvement and the plan chosen under a budget.

    Attributes
    ----------
    roi : DataFrame
        One row per facet, sorted by ``priority`` (``roi.csv``): ``facet,
        label, delta_connected, delta_connected_low, delta_connected_high,
        delta_value, delta_value_low, delta_value_high, cost, roi,
        priority``.
    plan : DataFrame or None
        The candidate facets with ``selected`` (``plan.csv``); None without a
        budget.
    summary : dict
        JSON-ready facts (``summary["plan"]`` of an analysis): budget, spent,
        population, value per connected customer and its source, the combined
        scenario's gain beside the sum of the individual gains, the
        assumption.
    """

    roi: pd.DataFrame
    plan: pd.DataFrame | None
    summary: Mapping[str, Any] = field(default_factory=dict)

    @property
    def selected(self) -> list[str]:
        """Facets funded by the plan (empty without a budget)."""
        if self.plan is None:
            return []
        return list(self.plan.loc[self.plan["selected"], "facet"])

    def to_frame(self) -> pd.DataFrame:
        """The ROI table, one row per facet sorted by priority."""
        return self.roi.copy()

    def __repr__(self) -> str:
        top = ", ".join(self.roi["facet"].head(3))
        chosen = f"; plan funds {len(self.selected)}" if self.plan is not None else ""
        return f"PlanResult({len(self.roi)} facets; top priority: {top}{chosen})"


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
    plan : PlanResult or None
        Simulated improvements, their ROI and the budget plan.
    """

    tables: Mapping[str, pd.DataFrame]
    summary: Mapping[str, Any]
    importance: ImportanceResult
    model: Any
    plan: PlanResult | None = None

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
