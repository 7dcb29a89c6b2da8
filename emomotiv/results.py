"""Result objects: frozen containers with ``to_frame()``.

Computation lives in the analysis modules; this module only holds what they
return, so every module can import it and it imports none of them.

Every result object shares one contract. ``to_frame()`` returns a fresh
DataFrame with a plain 0..n-1 index and the facet (or scenario, tier) as
its first column, which can be changed without changing the result;
``repr()`` is one line naming what the result found; an interval is a pair
of columns ending in ``_low`` and ``_high`` beside its estimate. Results
hold DataFrames, whose ``==`` has no single truth value, so two results are
equal only when they are the same object (``==`` is ``is``) and hash by
identity; compare their tables instead
(``a.to_frame().equals(b.to_frame())``).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ._validation import check_int

__all__ = [
    "AnalysisResult",
    "ConnectionMeasures",
    "Diagnostics",
    "ImportanceResult",
    "PlanResult",
    "SimulationResult",
    "StatedComparison",
    "StatedImportance",
    "ValueLink",
    "WaveComparison",
]

#: The version of the layout of ``summary.json`` (an analysis's ``summary``
#: and a saved comparison's file), written as its ``schema_version``. Adding a
#: key keeps the version; renaming or removing one, or changing what a value
#: means, raises it. docs/summary-json.md lists every key.
SUMMARY_SCHEMA = 1


def _facet_frame(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (indexed by facet) with the facet as its first column,
    named ``facet`` when the index has no name, and a fresh 0..n-1 index."""
    return table.rename_axis(table.index.name or "facet").reset_index()


@dataclass(frozen=True, repr=False, eq=False)
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
        |SHAP| in log-odds, or R² share) and ``direction`` (+1 / -1; 0 for a
        facet a SHAP model never used). Methods
        add their own columns (``reach``, ``mean_score``, intervals, ...).
    total : float or None
        Sum of ``raw_importance`` (R² for regression-based methods).
    explanation : shap.Explanation or None
        Per-respondent attributions, for ``shap.plots.*``.
    info : dict
        Method notes (units, how missing ratings entered, sample sizes).
    replicates : DataFrame or None
        Importance shares per bootstrap resample (rows) and facet (columns),
        when the importance was bootstrapped (a row is missing where the
        resample's model split on no facet); downstream steps use it to give
        their own conclusions an interval.
    controls : DataFrame or None
        Indexed by control (the halo score ``__halo__``, context columns),
        when the model saw controls: ``importance`` (share of the total over
        facets *and* controls), ``raw_importance``, ``direction`` and, when
        bootstrapped, ``importance_low``, ``importance_high``. Controls are
        never in ``table``.
    refits : emomotiv.bootstrap.Refits or None
        The bootstrap's replicate models and resamples, when bootstrapped:
        the scenarios, ROI and plan are evaluated on the same replicates.

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
    controls: pd.DataFrame | None = None
    refits: Any = field(default=None, compare=False)

    @property
    def importance(self) -> pd.Series:
        """Share of total importance per facet, largest first (ties in table
        order, as in :meth:`to_frame`)."""
        return self.table["importance"].sort_values(ascending=False, kind="stable")

    def top(self, n: int = 10) -> list[str]:
        """The ``n`` most important facets."""
        check_int(n, "n", "top", min_value=0)
        return list(self.importance.index[:n])

    def to_frame(self) -> pd.DataFrame:
        """One row per facet, sorted by importance, with a 1-based ``rank``."""
        frame = self.table.sort_values("importance", ascending=False, kind="stable")
        frame = _facet_frame(frame.drop(columns="rank", errors="ignore"))
        frame.insert(
            frame.columns.get_loc("importance") + 1, "rank", range(1, len(frame) + 1)
        )
        return frame

    def __repr__(self) -> str:
        top = ", ".join(self.top(3))
        n = len(self.table)
        return f"ImportanceResult(method={self.method!r}, {n} facets; top: {top})"


@dataclass(frozen=True, repr=False, eq=False)
class WaveComparison:
    """What moved between two survey waves (:func:`emomotiv.compare`).

    Attributes
    ----------
    changes : DataFrame
        One row per facet (the ``changes`` table): ``facet, label,
        importance_before, importance_after, change, change_low, change_high,
        rank_before, rank_after, rank_change, flagged`` (``rank_change`` is
        ``rank_before - rank_after``: positive for a facet that moved up,
        5th to 2nd is +3), then ``stage``,
        ``status`` (``both``, ``added`` or ``dropped``), ``se_change``,
        ``p_value`` and ``p_adjusted``. Flagged facets first, then by size of
        the change. The importance columns are each wave's reported share
        (``importance`` of its drivers table), rescaled over the facets of
        both waves when the sets differ. The ranks of
        a ``both`` row are among the facets of both waves; an ``added`` or
        ``dropped`` row has none (its rank in its own wave is in that wave's
        drivers table).
    summary : dict
        JSON-ready facts (``summary["tracking"]`` of an analysis): the waves,
        KPI trends, ``n_facets`` (those in both waves), ``added`` and
        ``dropped``, ``differences`` (the settings the two analyses record
        differently, each ``{"setting", "before", "after"}``),
        ``n_flagged``, the flag ``rule`` and its settings, ``estimate``,
        the share compared, and ``stages`` (the stages' changes in brief,
        or None where there is no ``stages`` table).
    stages : DataFrame or None
        One row per journey stage (the ``stage_changes`` table): ``stage,
        importance_before, importance_after, change, change_low,
        change_high, flagged, n_facets_before, n_facets_after, regrouped``
        (the stage's facets differ between the waves, so its share
        compares different things), ``status``, ``se_change``, ``p_value``
        and ``p_adjusted``, as ``changes`` over the stages' shares (each
        wave's ``stages`` table), ordered alike. None where either wave has
        no stages table or a single stage, or the two share fewer than two.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=500, n_facets=10, random_state=0)
    >>> result = em.analyze(s.survey, s.catalog, n_boot=5, progress=False,
    ...                     model=em.DriverModel(n_estimators=40, cv=2),
    ...                     **s.roles)
    >>> comparison = em.compare(result, result)  # a wave against itself
    >>> comparison.flagged
    []
    """

    changes: pd.DataFrame
    summary: Mapping[str, Any]
    stages: pd.DataFrame | None = None

    @property
    def flagged(self) -> list[str]:
        """Facets whose importance moved beyond noise, largest change first."""
        return list(self.changes.loc[self.changes["flagged"], "facet"])

    def to_frame(self) -> pd.DataFrame:
        """The ``changes`` table."""
        return self.changes.copy()

    def __repr__(self) -> str:
        waves = self.summary["waves"]
        moved = ", ".join(self.flagged[:3]) or "none"
        # the facets of both waves; those of one wave only are named apart
        compared = self.summary.get("n_facets", len(self.changes))
        apart = [
            f"{len(self.summary[side])} {side}"
            for side in ("added", "dropped")
            if self.summary.get(side)
        ]
        extra = f" ({', '.join(apart)})" if apart else ""
        return (
            f"WaveComparison({waves['before']} -> {waves['after']}, "
            f"{compared} facets compared{extra}; {self.summary['n_flagged']} "
            f"flagged: {moved})"
        )


@dataclass(frozen=True, repr=False, eq=False)
class Diagnostics:
    """Can these facets be ranked, and where to be careful.

    Returned by :func:`emomotiv.diagnose_drivers`.

    Attributes
    ----------
    table : DataFrame
        Indexed by facet: ``vif`` (variance inflation factor), ``r``
        (correlation with the outcome), ``std_beta`` (standardized
        multivariate effect),
        ``suppressor`` (their signs disagree), and ``shap_direction`` when an
        importance result was given.
    condition_number : float
        Condition number of the standardized ratings (sqrt of the largest
        over the smallest eigenvalue of the facet correlation matrix); above
        30 is strong collinearity.
    halo_share : float
        Share of rating variance on the first principal component.
    fit : dict of str -> float
        Cross-validated fit of the model (mean and std per score).
    weak_fit : bool
        True when the fit is too weak to rank drivers.
    warnings : tuple of str
        Plain-language warnings.
    info : dict
        How the numbers were computed (missing ratings, definitions).

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=500, n_facets=10, random_state=0)
    >>> result = em.analyze(s.survey, s.catalog, n_boot=5, progress=False,
    ...                     model=em.DriverModel(n_estimators=40, cv=2),
    ...                     **s.roles)
    >>> d = result.diagnostics
    >>> 0 < d.halo_share < 1, d.weak_fit
    (True, False)
    >>> list(d.to_frame().columns[:3])
    ['facet', 'vif', 'r']
    """

    table: pd.DataFrame
    condition_number: float
    halo_share: float
    fit: Mapping[str, float] = field(default_factory=dict)
    weak_fit: bool = False
    warnings: tuple[str, ...] = ()
    info: Mapping[str, Any] = field(default_factory=dict)

    @property
    def suppressors(self) -> list[str]:
        """Facets whose multivariate effect flips the sign of their correlation."""
        return list(self.table.index[self.table["suppressor"].astype(bool)])

    def to_frame(self) -> pd.DataFrame:
        """One row per facet, in facet order."""
        return _facet_frame(self.table)

    def to_summary(self, top: int = 5) -> dict[str, Any]:
        """The JSON-ready ``summary["diagnostics"]`` entry.

        Infinite values (exactly collinear facets) become None, as JSON has
        no infinity.
        """

        def number(x) -> float | None:
            x = float(x)
            return x if math.isfinite(x) else None

        vif = self.table["vif"].sort_values(ascending=False, kind="stable")
        return {
            "condition_number": number(self.condition_number),
            "vif_max": number(vif.iloc[0]) if len(vif) else None,
            # facets whose VIF is finite (the others exactly collinear)
            "n_vif_finite": sum(math.isfinite(float(v)) for v in vif),
            "vif_top": {str(k): number(v) for k, v in vif.head(top).items()},
            "halo_share": float(self.halo_share),
            "suppressors": self.suppressors,
            "weak_fit": bool(self.weak_fit),
            "cv": {k: float(v) for k, v in self.fit.items()},
        }

    def __repr__(self) -> str:
        return (
            f"Diagnostics({len(self.table)} facets; condition number "
            f"{self.condition_number:.1f}, ratings' first component "
            f"{self.halo_share:.0%} of their variance, "
            f"{len(self.suppressors)} suppressors, weak fit: {self.weak_fit})"
        )


@dataclass(frozen=True, repr=False, eq=False)
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

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=500, n_facets=10, random_state=0)
    >>> result = em.analyze(s.survey, s.catalog, n_boot=5, progress=False,
    ...                     model=em.DriverModel(n_estimators=40, cv=2),
    ...                     **s.roles)
    >>> design = em.design_matrix(s.survey[s.catalog["facet"]])  # + halo score
    >>> sim = em.simulate_improvement(result.model, design.matrix, "mobile_app",
    ...                               cross_fit=0, n_boot=0,
    ...                               controls=design.columns)
    >>> list(sim.to_frame().columns[:2])
    ['scenario', 'kind']
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
        best = self.table.sort_values(
            "delta_connected", ascending=False, kind="stable"
        ).head(1)
        top = "" if best.empty else f"; largest: {best['scenario'].iloc[0]}"
        return f"SimulationResult({n} scenario{'' if n == 1 else 's'}{top})"


@dataclass(frozen=True, repr=False, eq=False)
class PlanResult:
    """Per-facet return on improvement and the plan chosen under a budget.

    Attributes
    ----------
    roi : DataFrame
        One row per facet, sorted by ``priority`` (``roi.csv``): ``facet,
        label, delta_connected, delta_connected_low, delta_connected_high,
        delta_value, delta_value_low, delta_value_high, p_value,
        beyond_noise, cost, roi, priority, note``. ``beyond_noise`` says
        whether the gain differs from zero after a correction for reading
        every facet at once (:func:`emomotiv.simulate.noise_flags`);
        ``note`` names the row's caveats in words (rated by few
        respondents, a gain within noise; :func:`emomotiv.analyze` adds a
        touchpoint rated only within one segment and one that reads as the
        outcome), None where none.
    plan : DataFrame or None
        The candidate facets with ``selected`` (``plan.csv``); None without a
        budget.
    summary : dict
        JSON-ready facts (``summary["plan"]`` of an analysis): budget, spent,
        population, value per connected customer and its source, the combined
        scenario's gain beside the sum of the individual gains, ``noise``
        (the rule of ``beyond_noise`` and its counts), the assumption.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=500, n_facets=10, random_state=0)
    >>> result = em.analyze(s.survey, s.catalog, n_boot=5, progress=False,
    ...                     model=em.DriverModel(n_estimators=40, cv=2),
    ...                     **s.roles)
    >>> roi = result.plan.to_frame()
    >>> len(roi) == len(s.catalog), list(roi["priority"][:3])
    (True, [1, 2, 3])
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


_READ_ONLY = (
    "An analysis's tables are read-only: each is handed out as a copy, so "
    "what save_analysis writes is the analysis's own. Save a table of your "
    "own beside it (df.to_csv(folder / 'mine.csv')), or make a new result "
    "that holds it: dataclasses.replace(result, tables=result.tables | "
    "{'mine': df})."
)


class _Tables(Mapping):
    """An analysis's tables by name, read-only, each handed out as a copy:
    a notebook's edit of one (``d["importance"] *= 100``) changes neither
    the result nor what :func:`emomotiv.save_analysis` writes."""

    __slots__ = ("_frames",)

    def __init__(self, frames: Mapping[str, pd.DataFrame]) -> None:
        self._frames = dict(frames)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._frames[name].copy()

    def __iter__(self):
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def __setitem__(self, name, frame) -> None:
        raise TypeError(_READ_ONLY)

    def __delitem__(self, name) -> None:
        raise TypeError(_READ_ONLY)

    def update(self, *args, **kwargs) -> None:
        raise TypeError(_READ_ONLY)

    def copy(self) -> dict[str, pd.DataFrame]:
        """The tables as a plain dict of copies, free to edit."""
        return {name: frame.copy() for name, frame in self._frames.items()}

    def __or__(self, other: Mapping) -> dict[str, pd.DataFrame]:
        """The tables and ``other``'s as a plain dict (``dict | dict``)."""
        return self.copy() | dict(other)

    def __repr__(self) -> str:
        shapes = ", ".join(
            f"{name!r}: {len(frame)} rows x {frame.shape[1]} columns"
            for name, frame in self._frames.items()
        )
        return f"tables({{{shapes}}})"


_SUMMARY_READ_ONLY = (
    "An analysis's summary is read-only: each entry is handed out as a copy, "
    "so what save_analysis writes is what the analysis found. Try another "
    "setting by running the analysis with it (analyze(..., budget=80_000)), "
    "or edit a copy: summary = result.summary.copy()."
)


class _Summary(dict):
    """An analysis's summary, read-only, each entry handed out as a deep
    copy: a notebook's edit (``result.summary["plan"]["budget"] = 80_000``)
    changes neither the result nor what :func:`emomotiv.save_analysis`
    writes. A dict still, so ``json.dumps`` and ``dict(...)`` take it;
    :meth:`copy` gives a plain dict free to edit."""

    __slots__ = ()

    def __getitem__(self, key):
        return copy.deepcopy(super().__getitem__(key))

    def __iter__(self):  # so that dict(summary) and {**summary} copy too
        return super().__iter__()

    def get(self, key, default=None):
        return copy.deepcopy(super().get(key, default))

    def values(self):
        return [self[key] for key in self]

    def items(self):
        return [(key, self[key]) for key in self]

    def copy(self) -> dict:
        """The summary as a plain dict, deep-copied, free to edit."""
        return {key: self[key] for key in self}

    def __deepcopy__(self, memo) -> dict:
        return self.copy()

    def __reduce__(self):
        return dict, (self.copy(),)

    def __or__(self, other) -> dict:
        return self.copy() | dict(other)

    def _refuse(self, *args, **kwargs):
        raise TypeError(_SUMMARY_READ_ONLY)

    __setitem__ = __delitem__ = __ior__ = _refuse
    update = pop = popitem = setdefault = clear = _refuse


@dataclass(frozen=True, repr=False, eq=False)
class AnalysisResult:
    """Everything :func:`emomotiv.analyze` found, ready to save or report.

    Attributes
    ----------
    tables : mapping of str -> DataFrame
        The output tables by file stem: ``drivers`` always (one row per
        facet, sorted by rank), plus the tables later steps add. Read-only:
        each table is handed out as a copy, so editing one changes neither
        the result nor what :func:`emomotiv.save_analysis` writes.
    summary : dict
        JSON-ready facts: sizes, model fit, connected share, settings,
        versions, warnings. Read-only, as the tables: each entry is handed
        out as a copy (``summary.copy()`` gives a plain dict to edit).
    importance : ImportanceResult
        Derived importance (SHAP) with the per-respondent explanation.
    model : DriverModel
        The fitted driver model.
    tracking : WaveComparison or None
        The change since the previous wave, when ``analyze(wave=...)`` found
        more than one wave (also in ``tables["changes"]`` and
        ``summary["tracking"]``).
    diagnostics : Diagnostics or None
        Fit, collinearity, halo and suppressor diagnostics.
    stated : StatedComparison or None
        Stated against derived importance, when stated importance was given.
    measures : ConnectionMeasures or None
        Connection score, tiers and the facet x motivator matrix.
    value : ValueLink or None
        The value of connection, when a value column was given.
    plan : PlanResult or None
        Simulated improvements, their ROI and the budget plan.
    segments : SegmentDrivers or None
        The driver ranking within each segment and the test of where
        segments differ, when a segment column was given (also
        ``tables["segment_drivers"]`` and ``summary["segments"]``).
    value_drivers : ValueDrivers or None
        The touchpoints' effects on value and the part through connection,
        when a value column was given (also ``tables["value_drivers"]`` and
        ``summary["value_drivers"]``).

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> fast = em.DriverModel(n_estimators=50, cv=2)
    >>> result = em.analyze(s.survey, s.catalog, connection="connected",
    ...                     model=fast, n_boot=0, progress=False)
    >>> sorted(result.tables)
    ['controls', 'drivers', 'methods', 'motivators', 'roi', 'stages', 'tiers']
    >>> result.to_frame().shape[0], result.summary["data"]["n_facets"]
    (12, 12)
    """

    tables: Mapping[str, pd.DataFrame]
    summary: Mapping[str, Any]
    importance: ImportanceResult
    model: Any
    tracking: WaveComparison | None = None
    diagnostics: Diagnostics | None = None
    stated: StatedComparison | None = None
    measures: ConnectionMeasures | None = None
    value: ValueLink | None = None
    plan: PlanResult | None = None
    segments: Any = None
    value_drivers: Any = None

    def __post_init__(self) -> None:
        if not isinstance(self.tables, _Tables):
            object.__setattr__(self, "tables", _Tables(self.tables))
        if not isinstance(self.summary, _Summary):
            object.__setattr__(self, "summary", _Summary(self.summary))

    @property
    def drivers(self) -> pd.DataFrame:
        """The driver table (``drivers.csv``), a copy (as :meth:`to_frame`)."""
        return self.tables["drivers"]

    def to_frame(self) -> pd.DataFrame:
        """The driver table, one row per facet sorted by rank."""
        return self.drivers

    def __repr__(self) -> str:
        s = self.summary
        top = ", ".join(self.drivers["facet"].head(3))
        return (
            f"AnalysisResult({s['data']['n_respondents']} respondents, "
            f"{s['data']['n_facets']} facets; top drivers: {top})"
        )


@dataclass(frozen=True, repr=False, eq=False)
class StatedImportance:
    """What customers *say* matters, on the share scale of derived importance.

    Attributes
    ----------
    table : DataFrame
        Indexed by facet: ``stated_importance`` (share of the total, >= 0,
        sums to 1 over the facets that have stated importance),
        ``stated_low``, ``stated_high`` (bootstrap interval; NaN for an
        aggregate from the catalog), ``raw`` (the input on its own scale:
        mean rating, mean Borda points, mean utility or the catalog value)
        and ``n`` (respondents who answered; NaN for the catalog).
    source : str
        ``"respondents"`` (``stated__<facet>`` columns) or ``"catalog"``.
    form : str
        ``"ratings"``, ``"ranks"`` or ``"maxdiff"``.
    replicates : DataFrame or None
        Stated shares per bootstrap resample (rows) and facet (columns), when
        per-respondent data existed. Row ``i`` is the respondents' draw
        ``i``; a resample that drew no answer for some facet is an empty
        (NaN) row, left out of the intervals and of the comparison.
    info : dict
        How the input became shares, and any notes.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=300, n_facets=8, random_state=0)
    >>> stated = em.stated_importance(s.survey, s.catalog, source="catalog")
    >>> stated.source, round(float(stated.table["stated_importance"].sum()), 6)
    ('catalog', 1.0)
    """

    table: pd.DataFrame
    source: str
    form: str
    replicates: pd.DataFrame | None = None
    info: Mapping[str, Any] = field(default_factory=dict)

    @property
    def informative(self) -> bool:
        """False when every facet has the same stated share."""
        return bool(self.info.get("informative", True))

    def to_frame(self) -> pd.DataFrame:
        """One row per facet, largest stated share first."""
        frame = self.table.sort_values(
            "stated_importance", ascending=False, kind="stable"
        )
        return _facet_frame(frame)

    def __repr__(self) -> str:
        return (
            f"StatedImportance(source={self.source!r}, form={self.form!r}, "
            f"{len(self.table)} facets)"
        )


@dataclass(frozen=True, repr=False, eq=False)
class StatedComparison:
    """Stated against derived importance, facet by facet.

    Attributes
    ----------
    table : DataFrame
        Indexed by facet: ``derived_share`` (derived importance as a share of
        the compared facets), ``stated_importance`` with its interval
        ``stated_low``, ``stated_high`` (NaN for an aggregate from the
        catalog), ``stated_rank``, ``gap`` (derived share - stated share),
        ``quadrant`` and ``p_quadrant``.
    stated : StatedImportance
        The stated importance compared.
    rank_correlation : float
        Spearman correlation of stated and derived shares (NaN when stated
        importance is uninformative).
    thresholds : dict
        ``{"derived": share, "stated": share, "rule": text}``.
    info : dict
        Where ``p_quadrant`` came from, interval of the rank correlation,
        notes.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=500, n_facets=10, random_state=0)
    >>> result = em.analyze(s.survey, s.catalog, n_boot=5, progress=False,
    ...                     model=em.DriverModel(n_estimators=40, cv=2),
    ...                     **s.roles)
    >>> counts = result.stated.counts
    >>> sum(counts.values()) == len(s.catalog)
    True
    """

    table: pd.DataFrame
    stated: StatedImportance
    rank_correlation: float
    thresholds: Mapping[str, Any]
    info: Mapping[str, Any] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """Number of facets per quadrant."""
        quadrants = ("core_driver", "hidden_driver", "table_stakes", "low_priority")
        counts = self.table["quadrant"].value_counts()
        return {q: int(counts.get(q, 0)) for q in quadrants}

    def to_frame(self) -> pd.DataFrame:
        """One row per facet, largest gap first."""
        frame = self.table.sort_values("gap", ascending=False, kind="stable")
        return _facet_frame(frame)

    def __repr__(self) -> str:
        return (
            f"StatedComparison({len(self.table)} facets, "
            f"rank correlation {self.rank_correlation:.2f}, {self.counts})"
        )


@dataclass(frozen=True, repr=False, eq=False)
class ConnectionMeasures:
    """Emotional-connection measures: score, reliability, tiers, drivers.

    Attributes
    ----------
    score : Series or None
        Connection score per respondent (0-100) from the motivator items.
    cronbach_alpha : float or None
        Reliability of the motivator items.
    connected : Series or None
        1 for a fully connected respondent (see ``connected_rule``), else 0;
        NaN, and no tier, for a respondent a score rule cannot place (no
        motivator answered); None when no rule applies (a numeric outcome
        and no motivators).
    connected_rule : str
        The rule that defined "fully connected", in words.
    tiers : Series
        ``unconnected``, ``highly_satisfied`` or ``fully_connected`` per
        respondent.
    tier_table : DataFrame
        One row per tier: ``tier``, ``n``, ``share``, then ``mean_value``,
        ``mean_satisfaction`` and ``mean_connection_score`` where a value
        column, a satisfaction column and motivator items were given;
        without a satisfaction column the ``highly_satisfied`` tier is left
        out (see ``info["note"]``).
    drivers : DataFrame or None
        Facet x motivator matrix (indexed by facet, one column per
        motivator): standardised regression weight of each facet on each
        motivator.
    info : dict
        Thresholds and notes.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=500, n_facets=10, random_state=0)
    >>> result = em.analyze(s.survey, s.catalog, n_boot=5, progress=False,
    ...                     model=em.DriverModel(n_estimators=40, cv=2),
    ...                     **s.roles)
    >>> m = result.measures
    >>> 0.7 < m.cronbach_alpha < 1
    True
    >>> list(m.tier_table["tier"])
    ['unconnected', 'highly_satisfied', 'fully_connected']
    """

    score: pd.Series | None
    cronbach_alpha: float | None
    connected: pd.Series | None
    connected_rule: str
    tiers: pd.Series
    tier_table: pd.DataFrame
    drivers: pd.DataFrame | None = None
    info: Mapping[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The tier table."""
        return self.tier_table.copy()

    def __repr__(self) -> str:
        alpha = "n/a" if self.cronbach_alpha is None else f"{self.cronbach_alpha:.2f}"
        return f"ConnectionMeasures(alpha={alpha}, rule={self.connected_rule!r})"


@dataclass(frozen=True, repr=False, eq=False)
class ValueLink:
    """How emotional connection links to customer value (statsmodels fits).

    Attributes
    ----------
    summary : dict
        JSON-ready figures: ``multiplier`` (mean value, fully connected over
        highly satisfied) with ``multiplier_low/high``,
        ``value_per_connected`` with ``_low/_high``, ``model``,
        ``attrition`` and ``advocacy`` (dicts or None).
    table : DataFrame
        One row per tier: modelled mean value with its interval, and the
        modelled attrition and advocacy rates when those were fitted.
    models : dict
        The statsmodels results objects (``"value"``, ``"attrition"``,
        ``"advocacy"``; None for a flag that cannot tell the compared tiers
        apart, whose summary holds a ``note`` instead of an odds ratio); call
        ``.summary()`` on them. They are kept without
        their data arrays (statsmodels' ``remove_data``), so residuals and
        per-respondent predictions are not available from them.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=500, n_facets=10, random_state=0)
    >>> result = em.analyze(s.survey, s.catalog, n_boot=5, progress=False,
    ...                     model=em.DriverModel(n_estimators=40, cv=2),
    ...                     **s.roles)
    >>> link = result.value
    >>> link.summary["multiplier"] > 1
    True
    """

    summary: Mapping[str, Any]
    table: pd.DataFrame
    models: Mapping[str, Any] = field(default_factory=dict)

    @property
    def multiplier(self) -> float | None:
        """Mean value of fully connected over highly satisfied customers."""
        return self.summary.get("multiplier")

    def to_frame(self) -> pd.DataFrame:
        """The per-tier table."""
        return self.table.copy()

    def __repr__(self) -> str:
        m = self.multiplier
        text = "n/a" if m is None else f"{m:.2f}x"
        return f"ValueLink(multiplier={text})"
