"""What-if scenarios, return on improvement and a budget-constrained plan.

A scenario changes the ratings of one or more facets; the fitted
:class:`~emomotiv.DriverModel` predicts every respondent's chance of being
connected before and after, and the change in the (weighted) connected share
is the scenario's effect. Four kinds of change:

- :class:`RaiseScore`: everyone who rated the facet rates it ``points``
  higher, capped at the facet's scale maximum (the default scenario, +1); on
  whole-number ratings a fractional rise is the mix of the whole rises either
  side (+0.5: half the raters one point up);
- :class:`LiftBottomBox`: every rating below ``to`` is raised to ``to``;
- :class:`ExtendReach`: a share of the respondents who did not experience the
  touchpoint now do, at its *typical* rating (the weighted median rating of
  those who did);
- :class:`Combined`: several changes at once, simulated together: the
  facets' effects can overlap (less than their sum) or compound (more).

The assumption is stated with every result (:data:`ASSUMPTION`): the facet
moves and the rest of the respondent stays as it is. The model is an
association learned from survey data, so the simulation is only as causal as
that reading allows.

Estimates and intervals come from bootstrap replicate models: those of the
importance bootstrap when it is passed (``bootstrap=``, as
:func:`emomotiv.analyze` does, so the ranking, the stages, the ROI and the plan
rest on the same replicates), else ``n_boot`` refits made here by the same
machinery. Each replicate model predicts, before and after every scenario, the
respondents of a fixed evaluation subsample it was *not* fitted on (out of
bag): a boosted model is overconfident on the respondents it was fitted on,
which understates gains. All the scenarios of a replicate are predicted in one
batch, over only the rows each scenario changes. The estimate is the mean over
replicates (bagged) and the interval the percentile interval of the same
replicates, so the estimate lies inside it. Without replicates
(``n_boot=0``) the change is predicted out of fold (``cross_fit`` clones) or
by the fitted model as it is, with no interval. The interval does not cover
the model's bias: boosted trees shrink effects towards zero, so simulated gains
tend to be conservative.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._debias import (
    check_gains,
    facet_residuals,
    out_of_bag_residuals,
    replicate_slopes,
)
from ._stats import (
    adjust_p,
    few_replicates,
    model_matrix,
    replicate_p,
    weighted_median,
)
from ._validation import (
    EmomotivWarning,
    ValidationError,
    check_aligned,
    check_float,
    check_int,
    check_n_jobs,
    check_weights,
    did_you_mean,
    preview,
    unit_weights,
)
from .controls import RESERVED, design_hint
from .model import DriverModel, check_model, check_outcome
from .results import ImportanceResult, PlanResult, SimulationResult
from .schema import DEFAULT_SCALE, FacetCatalog
from .value import MIN_TIER

__all__ = [
    "ASSUMPTION",
    "NOISE_ALPHA",
    "Combined",
    "ExtendReach",
    "LiftBottomBox",
    "RaiseScore",
    "noise_flags",
    "plan_improvements",
    "simulate_improvement",
]

ASSUMPTION = (
    "Each scenario moves only the facets it names; every other rating of a "
    "respondent stays as it is, and the fitted model's prediction is read as "
    "the effect of the change. The model learned associations from survey "
    "data, so this is an estimate of what the change is worth if the rest of "
    "the experience holds, not a measured causal effect."
)
INTERVAL = (
    "percentile bootstrap: the replicate models of the importance bootstrap "
    "(cv=0, the model's seed, refitted on respondent resamples), each "
    "evaluated on the evaluation respondents it was not fitted on"
)
OWN_INTERVAL = (  # n_boot refits of the function's own, no importance bootstrap
    "percentile bootstrap: the model refitted on respondent resamples (cv=0, "
    "the model's seed), each refit evaluated on the evaluation respondents it "
    "was not fitted on"
)
NOISE_ALPHA = 0.1
"""False-discovery rate of the ``beyond_noise`` flags of the ROI and value
drivers tables."""


def noise_flags(
    point: np.ndarray | Sequence[float],
    reps: np.ndarray,
    alpha: float = NOISE_ALPHA,
    level: float = 0.9,
) -> tuple[np.ndarray, pd.arrays.BooleanArray, dict[str, Any]]:
    """Which estimates differ from zero beyond sampling noise, read together.

    A hundred touchpoints are read at once, so a 90% interval excludes zero
    for about one in twenty of those that move nothing, on each side. An
    estimate is *beyond noise* when its two-sided bootstrap p-value
    (``point / sd`` of its replicates, on Student's t with ``n_boot - 1``
    degrees of freedom, so that a few replicates give wide p-values) stays
    below ``alpha`` after the Benjamini-Hochberg correction over all of
    them, **and** its percentile interval at ``level`` (the one shown beside
    it) excludes zero: on average at most a share ``alpha`` of the flags are
    false, and no flag contradicts its interval (skewed replicates can give
    a small p-value to an estimate whose interval runs through zero). The
    flags cover sampling noise only, not a bias of the model.

    Parameters
    ----------
    point : array-like of shape (n,)
        The estimates.
    reps : array-like of shape (n_boot, n)
        Their bootstrap replicates (on the estimates' scale).
    alpha : float, default=0.1
        The false-discovery rate.
    level : float, default=0.9
        Coverage of the percentile interval that must exclude zero too (the
        interval shown beside the flag).

    Returns
    -------
    p_value : ndarray of shape (n,)
        The unadjusted p-values (NaN without two replicates that vary).
    flags : pandas.arrays.BooleanArray of shape (n,)
        ``beyond_noise``; missing where there is no p-value.
    facts : dict
        ``alpha``, ``correction``, ``n_raise`` and ``n_lower`` (flags with a
        positive and a negative estimate; None without p-values) and
        ``rule`` (the rule in words).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> reps = rng.normal([3.0, 0.1, -0.1], 1.0, size=(100, 3))
    >>> p, flags, facts = noise_flags(reps.mean(axis=0), reps)
    >>> flags.tolist(), facts["n_raise"]
    ([True, False, False], 1)
    """
    point = np.asarray(point, dtype=float)
    p = replicate_p(point, reps) if len(reps) >= 2 else np.full(len(point), np.nan)
    adjusted = adjust_p(p, "fdr_bh")
    low, high = _interval(point, np.asarray(reps, dtype=float), level)
    clear = (low > 0) | (high < 0)  # the interval shown excludes zero
    flags = pd.array((adjusted < alpha) & clear, dtype="boolean")
    flags[np.isnan(adjusted)] = pd.NA
    tested = not np.isnan(p).all()
    facts = {
        "alpha": alpha,
        "correction": "fdr_bh",
        "n_raise": int((flags.fillna(False) & (point > 0)).sum()) if tested else None,
        "n_lower": int((flags.fillna(False) & (point < 0)).sum()) if tested else None,
        "rule": (
            f"beyond noise: the bootstrap p-value of the change against zero stays "
            f"below {alpha:g} after the Benjamini-Hochberg correction over the "
            f"{int((~np.isnan(p)).sum())} touchpoints, so on average at most "
            f"{alpha:.0%} of those flagged are false, and its {level:.0%} interval "
            "excludes zero; it covers sampling noise, not a bias of the model"
            if tested
            else None
        ),
    }
    return p, flags, facts


FEW_RATERS_SPLIT = 100
"""A touchpoint rated by fewer respondents (of weight above 0) is marked in
the ``note`` column of the ROI and value drivers tables: too few for the
model's leaves, so its gain may read 0 because no tree split on it."""


UNCORRECTED = (
    "the model's own gain, not debiased: too few raters, ratings too alike, or "
    "ratings the other touchpoints nearly fix, for the correction"
)


UNPRICED = "no cost in the catalog: the plan cannot fund it"  # with a budget


def row_notes(
    sim: _Simulator,
    facets: Sequence[str],
    point: np.ndarray,
    reps: np.ndarray,
    beyond: pd.arrays.BooleanArray,
) -> pd.Series:
    """The caveats of each facet's row of the ROI and value drivers tables,
    in words ("; " between two): rated by fewer than
    :data:`FEW_RATERS_SPLIT` respondents (and no split on it: a gain of exactly
    0 everywhere), a gain left uncorrected where the gains are debiased
    (:data:`UNCORRECTED`), or a gain within noise (``beyond_noise`` False);
    None where none (an empty cell in the CSV file)."""
    counted = sim.weights > 0
    reps = np.asarray(reps)
    notes = []
    for j, facet in enumerate(facets):
        said = []
        rated = int((sim.frame[facet].notna().to_numpy() & counted).sum())
        if rated < FEW_RATERS_SPLIT:
            never = point[j] == 0 and not np.any(reps[:, j])
            said.append(
                f"rated by {rated} respondents: too few for the model to split "
                "on, its gain reads 0 but is unknown"
                if never
                else f"rated by {rated} respondents only "
                f"(fewer than {FEW_RATERS_SPLIT})"
            )
        if facet in sim.uncorrected:
            said.append(UNCORRECTED)
        if beyond[j] is not pd.NA and not beyond[j]:
            said.append("gain within noise")
        notes.append("; ".join(said) or None)
    return pd.Series(notes, dtype=object)


def noted(table: pd.DataFrame, notes: Mapping[str, str]) -> pd.DataFrame:
    """``table`` (with ``facet`` and ``note`` columns) with each facet's
    caveat of ``notes`` added to its ``note``."""
    joined = [
        "; ".join(n for n in (own, notes.get(facet)) if isinstance(n, str)) or None
        for facet, own in zip(table["facet"], table["note"], strict=True)
    ]
    return table.assign(note=pd.Series(joined, index=table.index, dtype=object))


def facet_caveats(
    routed: Sequence[Mapping[str, Any]],
    outcome_like: Sequence[str],
    usage_led: Sequence[Mapping[str, Any]] = (),
) -> dict[str, str]:
    """Facet -> the caveat of its row that :func:`emomotiv.analyze` warns of
    and the tables cannot see: rated (nearly) only within one segment
    (:func:`emomotiv.controls.routed_facets`), read as the outcome rather
    than a touchpoint, or ranked mostly by who rated it
    (:func:`emomotiv.controls.usage_led_facets`).

    Examples
    --------
    >>> from emomotiv.simulate import facet_caveats
    >>> facet_caveats([], [], [{"facet": "club", "usage_share": 0.8}])
    {'club': 'rank rests mostly on who rated it, not on how'}
    """
    caveats: dict[str, list[str]] = {}
    for r in routed:
        caveats.setdefault(r["facet"], []).append(
            f"rated (nearly) only where {r['column']} = {r['level']}"
        )
    for facet in outcome_like:
        caveats.setdefault(facet, []).append("reads as the outcome, not a touchpoint")
    for r in usage_led:
        caveats.setdefault(r["facet"], []).append(
            "rank rests mostly on who rated it, not on how"
        )
    return {facet: "; ".join(said) for facet, said in caveats.items()}


@dataclass(frozen=True)
class RaiseScore:
    """Everyone who rated ``facet`` rates it ``points`` higher (capped).

    Ratings never go past the facet's scale maximum (or, for a negative
    ``points``, below its minimum); respondents who did not experience the
    touchpoint are left alone.

    On whole-number ratings a fractional rise is read as the mix of the whole
    rises either side: +0.5 counts each respondent half as raised by 1 and
    half as left as they are, +1.5 half by 1 and half by 2 (their
    predictions mixed linearly; the trees split between whole ratings, so a
    rating moved part of the way to the next would change nothing). Ratings
    that are not whole numbers (averaged scores) move by exactly ``points``,
    with a warning where that is not a whole number of steps between them.

    Parameters
    ----------
    facet : str
        The facet, by name.
    points : float, default=1
        The rise in rating (a fall when negative).

    Examples
    --------
    >>> RaiseScore("welcome_note").name
    'welcome_note +1'
    """

    facet: str
    points: float = 1.0

    @property
    def name(self) -> str:
        return f"{self.facet} {self.points:+g}"

    @property
    def _amount(self) -> float:
        return self.points

    def _between(self) -> tuple[RaiseScore, RaiseScore, float]:
        """The whole rises either side of ``points``, and how far it lies
        from the lower to the upper (a share)."""
        lower = math.floor(self.points)
        return (
            replace(self, points=float(lower)),
            replace(self, points=float(lower + 1)),
            self.points - lower,
        )

    def _apply(self, column: np.ndarray, low: float, high: float, typical: float):
        if self.points >= 0:
            return np.minimum(column + self.points, np.maximum(column, high))
        return np.maximum(column + self.points, np.minimum(column, low))


@dataclass(frozen=True)
class LiftBottomBox:
    """Every rating of ``facet`` below ``to`` is raised to ``to``.

    Parameters
    ----------
    facet : str
        The facet, by name.
    to : float
        The lowest rating left after the change, on the facet's scale. On
        whole-number ratings a fractional ``to`` is read as the mix of the
        lifts to the whole ratings either side (7.5: half to 7, half to 8),
        as :class:`RaiseScore` reads a fractional rise.

    Examples
    --------
    >>> LiftBottomBox("app_reliability", to=7).name
    'app_reliability bottom to 7'
    """

    facet: str
    to: float

    @property
    def name(self) -> str:
        return f"{self.facet} bottom to {self.to:g}"

    @property
    def _amount(self) -> float:
        return self.to

    def _between(self) -> tuple[LiftBottomBox, LiftBottomBox, float]:
        """The whole ratings either side of ``to`` to lift to, and how far it
        lies from the lower to the upper (a share)."""
        lower = math.floor(self.to)
        return (
            replace(self, to=float(lower)),
            replace(self, to=float(lower + 1)),
            self.to - lower,
        )

    def _apply(self, column: np.ndarray, low: float, high: float, typical: float):
        return np.where(column < self.to, self.to, column)


@dataclass(frozen=True)
class ExtendReach:
    """A ``share`` of those who did not experience ``facet`` now do.

    They rate it at the typical rating of those who did (the weighted median).
    A share below 1 is simulated exactly in expectation: each respondent who
    did not experience the touchpoint counts as reached with weight
    ``share`` and as not reached with weight ``1 - share``.

    The model learned what a rating of the touchpoint goes with from its
    users, so the gain includes whatever else sets users apart from
    non-users and the model does not hold fixed. A touchpoint routed to one
    segment (a lounge only Premium customers can use, Premium customers
    being more connected anyway) is credited with that segment's difference:
    give the routing variable (plan tier, product held) as a control
    (``controls=[...]`` in the design and the simulation, ``--control`` in
    :func:`~emomotiv.analyze`'s command line), and the gain is what the
    touchpoint adds given it. :func:`~emomotiv.analyze` warns of a facet
    rated (nearly) only within one segment that is not a control.

    Parameters
    ----------
    facet : str
        The facet, by name.
    share : float, default=1
        Share of those who did not experience the touchpoint who now do,
        in (0, 1].

    Examples
    --------
    >>> ExtendReach("welcome_note", share=0.5).name
    'welcome_note reach +50%'
    """

    facet: str
    share: float = 1.0

    @property
    def name(self) -> str:
        return f"{self.facet} reach +{self.share:.0%}"

    def _apply(self, column: np.ndarray, low: float, high: float, typical: float):
        return np.where(np.isnan(column), typical, column)


@dataclass(frozen=True)
class Combined:
    """Several changes at once, applied in order to the same respondents.

    Rises of one facet add up (``RaiseScore("a", 0.5)`` twice is +1); two
    fractional changes of one facet that do not add up to one (+0.5 and
    -0.5) are refused when simulated.

    Parameters
    ----------
    scenarios : tuple of RaiseScore, LiftBottomBox, ExtendReach or Combined
        The changes, in the order they are applied; a nested ``Combined``
        is read as its parts.

    Examples
    --------
    >>> Combined((RaiseScore("a"), RaiseScore("b", 2))).name
    'a +1 & b +2'
    """

    scenarios: tuple

    @property
    def name(self) -> str:
        return " & ".join(s.name for s in self.parts)

    @property
    def parts(self) -> list:
        out = []
        for s in self.scenarios:
            out.extend(s.parts if isinstance(s, Combined) else [s])
        return out


def _summed_rises(parts: list) -> list:
    """``parts`` with each :class:`RaiseScore` summed into the facet's
    change before it when that is a rise of the same sign: applied in
    order, capped at the scale, they move every rating as their sum does.

    Examples
    --------
    >>> [p.name for p in _summed_rises([RaiseScore("a", 0.5), RaiseScore("b"),
    ...                                 RaiseScore("a", 0.5)])]
    ['a +1', 'b +1']
    """
    out: list = []
    last: dict[str, int] = {}
    for part in parts:
        i = last.get(getattr(part, "facet", None))
        before = out[i] if i is not None else None
        if (
            isinstance(part, RaiseScore)
            and isinstance(before, RaiseScore)
            and (part.points >= 0) == (before.points >= 0)
        ):
            out[i] = replace(before, points=before.points + part.points)
            continue
        if hasattr(part, "facet"):
            last[part.facet] = len(out)
        out.append(part)
    return out


SINGLE = (RaiseScore, LiftBottomBox, ExtendReach)
Scenario = RaiseScore | LiftBottomBox | ExtendReach | Combined


def _as_scenarios(scenario, owner: str) -> list[Scenario]:
    # any ordered collection of names or scenarios: a list, a Series, an
    # Index, an array; not a mapping, whose values (points?) would be lost
    if isinstance(scenario, pd.DataFrame | set | frozenset):
        got = (
            "a table, whose column names would be read as facets: pass its "
            "facet column, catalog['facet']"
            if isinstance(scenario, pd.DataFrame)
            else "a set, whose order (and the table's rows with it) changes "
            "from run to run: pass a list, sorted(names)"
        )
        raise ValueError(
            f"The 'scenario' parameter of {owner} must be a facet name, a "
            f"scenario or a list of them; got {got}."
        )
    items = (
        list(scenario)
        if isinstance(scenario, Iterable) and not isinstance(scenario, str | Mapping)
        else [scenario]
    )
    out = []
    for item in items:
        if isinstance(item, str):
            item = RaiseScore(str(item))
        if not isinstance(item, (*SINGLE, Combined)):
            raise ValueError(
                f"The 'scenario' parameter of {owner} must be a facet name, a "
                "RaiseScore, LiftBottomBox, ExtendReach or Combined, or a list of "
                f"them. Got {item!r} instead."
            )
        out.append(item)
    if not out:
        raise ValueError(f"The 'scenario' parameter of {owner} is an empty list.")
    return out


def _kind(scenario: Scenario) -> str:
    return {
        RaiseScore: "raise",
        LiftBottomBox: "lift_bottom",
        ExtendReach: "reach",
        Combined: "combined",
    }[type(scenario)]


def _outcome(model, values: np.ndarray) -> np.ndarray:
    """P(connected) or the predicted score, straight from the booster.

    For a binary task XGBoost's ``binary:logistic`` output is the probability
    of the second class, as ``predict_proba(values)[:, 1]``; a value model's
    booster predicts value over its mean (``value_scale_``, see
    :class:`~emomotiv.ValueModel`).
    """
    unit = getattr(model, "value_scale_", 1.0)
    return model.estimator_.get_booster().inplace_predict(values) * unit


class _Stack(NamedTuple):
    """Scenarios' changed rows, stacked: scenario ``s`` holds rows
    ``bounds[s]:bounds[s + 1]`` (``which``), their new ratings in the
    columns it moves (``moved[s]``, one column per ``columns[s]``)."""

    moved: list  # per scenario: the changed rows' new ratings (float32)
    source: np.ndarray  # the row each comes from
    factor: np.ndarray  # its share of that row's weight
    which: np.ndarray  # its scenario
    bounds: np.ndarray
    columns: list  # per scenario: the columns it moves

    def rows(self, values: np.ndarray, s: int, keep=slice(None)) -> np.ndarray:
        """Scenario ``s``'s changed rows in full (``keep`` of them)."""
        mine = slice(self.bounds[s], self.bounds[s + 1])
        rows = values[self.source[mine][keep]]
        rows[:, self.columns[s]] = self.moved[s][keep]
        return rows


def _predicted(predict, values, stack: _Stack, out) -> np.ndarray:
    """``predict`` of the changed rows whose source is ``out``, a scenario
    at a time (the stack's order)."""
    parts = [np.zeros(0)]
    for s in range(len(stack.columns)):
        keep = out[stack.source[stack.bounds[s] : stack.bounds[s + 1]]]
        if keep.any():
            parts.append(np.asarray(predict(stack.rows(values, s, keep))))
    return np.concatenate(parts)


def _read_trees(booster):
    """The booster's :class:`~emomotiv._trees.Trees`, or None."""
    from ._trees import Trees

    return Trees.from_booster(booster)


def _tree_changes(booster, trees, values, out, stack: _Stack):
    """Predictions of ``values`` as they are, and each changed row's change.

    Only the rows ``out`` are predicted, and only the changed rows whose
    source is among them. Returns the predictions (0 for the others) and
    the changes (the stack's order), in float64 and in the booster's units.
    """
    import xgboost as xgb

    rows = np.flatnonzero(out)
    at = np.full(len(values), -1)
    at[rows] = np.arange(len(rows))
    # unnamed columns, as inplace_predict reads them, whatever names it keeps
    leaf_ids = booster.predict(
        xgb.DMatrix(values[rows], missing=np.nan, nthread=1),
        pred_leaf=True,
        validate_features=False,
    )
    before = trees.values_at(leaf_ids.reshape(len(rows), -1))
    # a row's margin is its leaves' sum plus the booster's intercept, read
    # off the first row (XGBoost's own margin, up to the order of the sum)
    leaf_sum = before.sum(axis=0, dtype=float)
    first = booster.inplace_predict(values[rows[:1]], predict_type="margin")
    margin = leaf_sum + (float(np.asarray(first).ravel()[0]) - leaf_sum[0])
    base = np.zeros(len(values))
    base[rows] = start = trees.inverse_link(margin)
    predicted = np.ascontiguousarray(values[rows])
    changes = [np.zeros(0)]
    for s, columns in enumerate(stack.columns):
        mine = slice(stack.bounds[s], stack.bounds[s + 1])
        keep = out[stack.source[mine]]
        here = at[stack.source[mine][keep]]
        moved = stack.moved[s][keep]
        step = trees.change(predicted, here, columns, moved, before)
        changes.append(trees.inverse_link(margin[here] + step) - start[here])
    return base, np.concatenate(changes)


def _scenario_changes(booster, trees, values, out, stack: _Stack):
    """:func:`_tree_changes` where the booster's trees are read (``trees``),
    else the same from XGBoost's own predictions, a scenario at a time."""
    if trees is not None:
        return _tree_changes(booster, trees, values, out, stack)
    base = np.zeros(len(values))
    base[out] = booster.inplace_predict(values[out])
    after = _predicted(booster.inplace_predict, values, stack, out)
    return base, after - base[stack.source[out[stack.source]]]


class _Simulator:
    """Holds the data, the model and its replicates; evaluates scenarios."""

    def __init__(self, model, X, weights, scales, owner, controls=(), n_jobs=None):
        from sklearn.utils.validation import check_is_fitted

        check_model(model, owner)
        check_is_fitted(model, "estimator_")
        self.facets = [str(f) for f in model.feature_names_in_]
        self.controls = set(controls)
        if not isinstance(X, pd.DataFrame):
            raise ValueError(
                f"{owner} needs the survey as a DataFrame with one column per facet."
            )
        missing = [f for f in self.facets if f not in X.columns]
        if missing:
            problems = [f"Facet column '{f}' seen in fit is missing." for f in missing]
            problems[-1] += design_hint(missing)
            raise ValidationError(problems, subject="survey")
        self.model = model
        self.owner = owner
        self.frame = X[self.facets]
        self.values = model_matrix(  # float32 unless a moved rating would change
            self.frame,
            exact=[j for j, f in enumerate(self.facets) if f not in self.controls],
        )
        self.weights = check_weights(weights, len(self.values))
        self.column = {f: j for j, f in enumerate(self.facets)}
        self.scales = scales
        self.typical = {
            f: weighted_median(self.values[:, j], self.weights)
            for f, j in self.column.items()
        }
        self.base = _outcome(model, self.values)
        self.folds: list[tuple[object, np.ndarray, np.ndarray]] = []
        self.refits = None
        self.shared = False  # the refits of an importance bootstrap
        self.replicate_baseline: float | None = None
        self.n_jobs = -1 if n_jobs is None else n_jobs
        self._read: dict[int, tuple] = {}  # replicate -> (booster, its trees)
        self._whole_ratings: dict[str, bool] = {}
        self._warned: set[str] = set()  # facets warned of by _warn_steps
        self.gains = "model"
        self.y: np.ndarray | None = None  # the outcome, for debiased gains
        self._slopes: np.ndarray | None = None  # (n_boot, columns), see _debias
        self.uncorrected: set[str] = set()  # facets whose gain stays the model's

    def _refit(self, y, rows: np.ndarray, seed) -> object:
        from sklearn.base import clone

        replica = clone(self.model)
        params = {"random_state": int(seed % (2**31))}
        if "cv" in replica.get_params():
            params["cv"] = 0
        replica.set_params(**params)
        return replica.fit(
            self.frame.iloc[rows], y[rows], sample_weight=self.weights[rows]
        )

    def _outcome_y(self, y, what: str):
        if y is None:
            raise ValueError(
                f"{self.owner} needs the outcome y to refit the model for {what}; "
                "pass y, or set cross_fit=0 and n_boot=0."
            )
        return check_outcome(self.model, y, len(self.values), self.owner)

    def fit_cross(self, y, folds: int, random_state) -> None:
        """Out-of-fold models: each fold is predicted by a model fitted without it."""
        from sklearn.model_selection import KFold, StratifiedKFold

        if folds == 0:
            return
        y = self._outcome_y(y, "out-of-fold predictions")
        binary = self.model.task_ == "binary"
        kind = StratifiedKFold if binary else KFold
        split = kind(folds, shuffle=True, random_state=random_state)
        seeds = np.random.SeedSequence([0 if random_state is None else random_state, 1])
        seeds = seeds.generate_state(folds)
        self.folds = []
        for seed, (train, test) in zip(seeds, split.split(self.values, y), strict=True):
            model = self._refit(y, train, seed)
            self.folds.append((model, test, _outcome(model, self.values[test])))

    def fit_replicates(
        self, y, n_boot: int, random_state, max_samples: int | None = 2000
    ) -> None:
        """Refit ``n_boot`` replicates (the bootstrap's machinery, no SHAP)."""
        from .bootstrap import _fit_refits

        if n_boot == 0:
            return
        y = self._outcome_y(y, "the intervals (n_boot > 0)")
        n = len(self.values)
        size = n if max_samples is None else min(max_samples, n)
        _, self.refits = _fit_refits(
            self.model,
            self.values,
            y,
            # mean 1, as bootstrap_importance fits them: the trees' minimum
            # leaf weight is in weight units, so the scale must not matter
            unit_weights(self.weights),
            n_boot=n_boot,
            sample_size=size,
            random_state=random_state,
            n_jobs=self.n_jobs,
        )

    def use_refits(self, importance) -> None:
        """Evaluate scenarios on the replicates of a bootstrapped importance."""
        refits = getattr(importance, "refits", None)
        if refits is None:
            raise ValueError(
                f"The 'bootstrap' parameter of {self.owner} must be the result of "
                "bootstrap_importance with n_boot > 0 (it carries the refits)."
            )
        if refits.n_respondents != len(self.values):
            raise ValueError(
                f"The bootstrap of {self.owner} was drawn from "
                f"{refits.n_respondents} respondents; X has {len(self.values)}."
            )
        self._check_same_survey(refits)
        self.refits = refits
        self.shared = True

    def _check_same_survey(self, refits) -> None:
        """Refuse replicates drawn from other ratings or weights, or fitted
        with other settings than ``model``: the scenarios would then be
        evaluated on another survey's models."""
        from .bootstrap import _digest, _train_params

        problems = []
        if refits.digest is not None:
            given = _digest(self.values, unit_weights(self.weights), self.model)
            for what in ("ratings", "weights"):
                if given[what] != refits.digest[what]:
                    problems.append(
                        f"its {what} differ from those given here (same "
                        f"{len(self.values)} respondents)"
                    )
            if given["model"] != refits.digest.get("model", given["model"]):
                problems.append(
                    "it refits another fitted model than the one given (fitted "
                    "on another outcome, rows or weights)"
                )
        if refits.settings is not None:
            params, rounds = _train_params(self.model, self.model.task_)
            theirs = refits.settings["params"]
            differ = sorted(
                key
                for key in set(params) | set(theirs)
                if params.get(key) != theirs.get(key)
            )
            if rounds != refits.settings["rounds"]:
                differ.insert(0, "n_estimators")
            if differ:
                problems.append(
                    "its replicates were fitted with other settings than the "
                    f"model given ({', '.join(differ)})"
                )
        if problems:
            raise ValueError(
                f"The bootstrap passed to {self.owner} is not of this model and "
                f"survey: {'; '.join(problems)}. Pass the X, sample_weight and "
                "model that bootstrap_importance was given, or leave bootstrap "
                "out to refit (n_boot)."
            )

    @property
    def interval(self) -> str:
        """Where the intervals come from (``summary["interval"]``)."""
        return INTERVAL if self.shared else OWN_INTERVAL

    def check(self, scenarios: list[Scenario]) -> None:
        problems = []
        for scenario in scenarios:
            parts = scenario.parts if isinstance(scenario, Combined) else [scenario]
            before = len(problems)
            if not parts:
                problems.append(
                    f"{scenario!r} combines no change: give it at least one."
                )
            for part in parts:
                if not isinstance(part, SINGLE):
                    problems.append(f"{part!r} is not a scenario.")
                    continue
                if part.facet in self.controls:
                    problems.append(
                        f"'{part.facet}' is a control: no scenario moves it, "
                        "only the touchpoints' ratings move."
                    )
                    continue
                if part.facet not in self.column:
                    hint = did_you_mean(part.facet, self.movable) or (
                        f" The model's facets: {preview(self.movable)}."
                    )
                    problems.append(f"Unknown facet '{part.facet}'.{hint}")
                    continue
                low, high = self.scales[part.facet]
                if isinstance(part, RaiseScore):
                    ok = (
                        isinstance(part.points, numbers.Real)
                        and not isinstance(part.points, bool)
                        and np.isfinite(part.points)
                    )
                    if not ok:
                        problems.append(
                            f"RaiseScore('{part.facet}') needs points as a "
                            f"finite number; got {part.points!r}."
                        )
                elif isinstance(part, LiftBottomBox):
                    ok = isinstance(part.to, numbers.Real) and low <= part.to <= high
                    if not ok:
                        problems.append(
                            f"LiftBottomBox('{part.facet}') needs 'to' on the "
                            f"facet's scale [{low:g}, {high:g}]; got {part.to!r}."
                        )
                elif not (
                    isinstance(part.share, numbers.Real) and 0 <= part.share <= 1
                ):
                    problems.append(
                        f"ExtendReach('{part.facet}') needs a share in [0, 1]; "
                        f"got {part.share!r}."
                    )
            if isinstance(scenario, Combined) and len(problems) == before:
                problems += self._two_fractions(parts)
        if problems:
            raise ValidationError(problems, subject="scenario")

    def _two_fractions(self, parts: list) -> list[str]:
        """The problem of a combination that still moves a facet by two
        fractional steps once its rises are summed (+0.5 and -0.5, or a
        rise of 0.5 and a lift to 7.5): each is read as a mix of the whole
        steps either side, and one draw of the respondents cannot mix both."""
        summed = _summed_rises(parts)
        fractional = [p for p in summed if self._fraction(p) > 0]
        problems = []
        for facet in dict.fromkeys(p.facet for p in fractional):
            same = [p.name for p in fractional if p.facet == facet]
            if len(same) > 1:
                problems.append(
                    f"'{' & '.join(p.name for p in parts)}' moves '{facet}' by "
                    f"{len(same)} fractional steps once its rises of one sign "
                    f"are summed ({', '.join(same)}), which cannot be read as "
                    "one mix of the whole steps either side. Give the facet "
                    "one fractional change, or whole ones."
                )
        return problems

    def _changed_rows(self, values: np.ndarray, scenario):
        """The rows a scenario changes: (their new ratings in the columns it
        moves, source row, weight factor, those columns).

        A partial :class:`ExtendReach` splits each respondent it may reach
        into a reached copy (weight factor ``share``) and the unchanged rest;
        a fractional rise (or lift) on whole-number ratings gives each row
        once per whole step it is read as, with that step's share of the
        row's weight (:meth:`_draws`).
        Only the moved columns are copied: a survey of many facets would
        otherwise hold a full row for every changed row of every scenario.
        """
        parts = scenario.parts if isinstance(scenario, Combined) else [scenario]
        columns = list(dict.fromkeys(self.column[part.facet] for part in parts))
        draws = self._draws(parts)
        if len(draws) == 1:
            new, rows, factor = self._moved(values, parts, columns)
        else:
            moved = [self._moved(values, drawn, columns) for _, drawn in draws]
            new = np.vstack([m[0] for m in moved])
            rows = np.concatenate([m[1] for m in moved])
            factor = np.concatenate(
                [m[2] * share for m, (share, _) in zip(moved, draws, strict=True)]
            )
        old = values[np.ix_(rows, columns)]
        same = (new == old) | (np.isnan(new) & np.isnan(old))
        changed = ~same.all(axis=1)
        return new[changed], rows[changed], factor[changed], np.array(columns)

    def _moved(self, values: np.ndarray, parts: list, columns: list):
        """``parts`` applied in order to every row of ``values``: (the new
        ratings in ``columns``, source row, weight factor)."""
        new = values[:, columns]
        rows = np.arange(len(values))
        factor = np.ones(len(values))
        for part in parts:
            j = columns.index(self.column[part.facet])
            low, high = self.scales[part.facet]
            typical = self.typical[part.facet]
            if isinstance(part, ExtendReach) and 0 < part.share < 1:
                split = np.flatnonzero(np.isnan(new[:, j]))
                extra = new[split]
                extra[:, j] = typical
                new = np.vstack([new, extra])
                rows = np.concatenate([rows, rows[split]])
                moved = factor[split] * part.share
                factor[split] -= moved
                factor = np.concatenate([factor, moved])
            elif not (isinstance(part, ExtendReach) and part.share == 0):
                # moved in float64, stored as the model reads it
                new[:, j] = part._apply(new[:, j].astype(float), low, high, typical)
        return new, rows, factor

    def _whole(self, facet: str) -> bool:
        """Whether every rating of ``facet`` is a whole number."""
        kept = self._whole_ratings.get(facet)
        if kept is None:
            column = self.values[:, self.column[facet]]
            kept = bool(np.all(np.isnan(column) | (column == np.round(column))))
            self._whole_ratings[facet] = kept
        return kept

    def _fraction(self, part) -> float:
        """How far a rise (or lift) lies past a whole number, where the
        facet's ratings are whole numbers; 0 where it is whole or they are not."""
        if not isinstance(part, RaiseScore | LiftBottomBox):
            return 0.0
        amount = float(part._amount)
        fraction = amount - math.floor(amount)
        return fraction if fraction and self._whole(part.facet) else 0.0

    def _draws(self, parts: list) -> list[tuple[float, list]]:
        """Whole steps for ``parts``, each with its share of the respondents.

        Ratings are whole numbers, so the trees split between whole ratings
        and a rating moved part of the way to the next changes no
        prediction. A rise of 1.5 is read as its share of the way from the
        whole rise below it to the one above: each respondent counts half
        as raised by 1 and half as raised by 2 (their predictions mixed
        linearly). Within a combination the same share of the respondents
        takes the upper step on every facet whose fraction reaches it, so
        the copies grow with the number of distinct fractions, not the
        number of facets. Rises of one facet in a row, of one sign, are
        summed first (+0.5 and +0.5 is +1, not half the respondents at +2);
        :meth:`check` refuses two fractions left on one facet, which one
        draw cannot read. Without a fraction: ``[(1, parts)]``.
        """
        parts = _summed_rises(parts)
        fractions = [self._fraction(part) for part in parts]
        cuts = sorted({f for f in fractions if f > 0})
        if not cuts:
            return [(1.0, parts)]
        draws = []
        for start, end in zip([0.0, *cuts], [*cuts, 1.0], strict=True):
            drawn = []
            for part, fraction in zip(parts, fractions, strict=True):
                if fraction > 0:
                    lower, upper, _ = part._between()
                    part = upper if fraction >= end else lower
                drawn.append(part)
            draws.append((end - start, drawn))
        return draws

    def _warn_steps(self, scenarios: list[Scenario]) -> None:
        """Warn, once a facet, of a fractional rise (or lift) on ratings that
        are not whole numbers and that it does not move by whole steps of
        theirs: it is applied as given, and may read as no change."""
        for scenario in scenarios:
            parts = scenario.parts if isinstance(scenario, Combined) else [scenario]
            for part in parts:
                if not isinstance(part, RaiseScore | LiftBottomBox):
                    continue
                amount = float(part._amount)
                if (
                    part.facet in self._warned
                    or amount == math.floor(amount)
                    or self._whole(part.facet)
                ):
                    continue
                column = self.values[:, self.column[part.facet]]
                ratings = np.unique(column[~np.isnan(column)]).astype(float)
                gap = np.diff(ratings).min() if len(ratings) > 1 else np.nan
                way = amount if isinstance(part, RaiseScore) else amount - ratings[0]
                steps = way / gap
                if np.isfinite(steps) and abs(steps - round(steps)) < 1e-4:
                    continue
                self._warned.add(part.facet)
                shown = ratings[ratings != np.round(ratings)][0]
                warnings.warn(
                    f"'{part.facet}' has ratings that are not whole numbers (such "
                    f"as {shown:g}), so '{part.name}' moves each rating by exactly "
                    "that: the model tells ratings apart only between the ratings "
                    "the survey holds, so a rating moved to between two of them "
                    "reads as the lower, and a rise smaller than the gap between "
                    f"two ratings ({gap:g} here) may read as no change. On whole-"
                    "number ratings a fractional rise is read as the mix of the "
                    "whole rises either side.",
                    EmomotivWarning,
                    stacklevel=4,
                )

    def _stack(self, values: np.ndarray, scenarios: list[Scenario]) -> _Stack:
        """Every scenario's changed rows of ``values``, stacked."""
        pieces = [self._changed_rows(values, s) for s in scenarios]
        sizes = [len(p[1]) for p in pieces]
        return _Stack(
            moved=[p[0].astype(np.float32, copy=False) for p in pieces],
            source=np.concatenate([p[1] for p in pieces]).astype(int),
            factor=np.concatenate([p[2] for p in pieces]),
            which=np.repeat(np.arange(len(scenarios)), sizes),
            bounds=np.cumsum([0, *sizes]),
            columns=[p[3] for p in pieces],
        )

    def _model_gains(self, model, values, weights, scenarios) -> np.ndarray:
        """Each scenario's exact change in the weighted mean outcome of one
        model on ``values``; only changed rows move."""
        stack = self._stack(values, scenarios)
        if not len(stack.source):
            return np.zeros(len(scenarios))
        booster = model.estimator_.get_booster()
        every = np.ones(len(values), dtype=bool)
        values = values.astype(np.float32, copy=False)
        _, change = _scenario_changes(
            booster, _read_trees(booster), values, every, stack
        )
        change = change * getattr(model, "value_scale_", 1.0)  # see _outcome
        gain = weights[stack.source] * stack.factor * change
        sums = np.bincount(stack.which, weights=gain, minlength=len(scenarios))
        return sums / weights.sum()

    def _replicate_gains(self, scenarios: list[Scenario]) -> tuple[np.ndarray, ...]:
        """Every scenario on every replicate, out of bag, in one batch each.

        Each replicate model predicts the evaluation respondents it was not
        fitted on (out of bag, the bootstrap's analogue of cross-fitting):
        once as they are and, for the rows a scenario changes, through the
        trees that split on the columns it changes (:class:`~emomotiv._trees.
        Trees`; the booster's own prediction of the changed rows, a scenario
        at a time, where its trees cannot be read that way). Returns (gains
        (n_boot, n_scenarios), baselines).
        """
        refits = self.refits
        values = self.values[refits.rows]
        weights = self.weights[refits.rows]
        stack = self._stack(values, scenarios)
        source, factor, which = stack.source, stack.factor, stack.which
        values32 = values.astype(np.float32, copy=False)  # float32 already, mostly
        unit = getattr(self.model, "value_scale_", 1.0)  # see _outcome

        if self.gains == "debiased":
            slopes = self._replicate_slopes()
            moved_row, moved_column, moved_by = self._rating_changes(values, stack)

        def one(r: int) -> tuple[np.ndarray, float]:
            booster = refits.boosters[r]
            oob = weights * (refits.eval_counts[r] == 0)
            total = oob.sum()
            if total <= 0:
                return np.full(len(scenarios), np.nan), np.nan
            # only the out-of-bag rows are predicted, as they are and changed
            out = oob > 0
            pick = out[source]
            trees = self._trees(r, booster)
            base, change = _scenario_changes(booster, trees, values32, out, stack)
            src = source[pick]
            gain = oob[src] * factor[pick] * change
            sums = np.bincount(which[pick], weights=gain, minlength=len(scenarios))
            sums = sums / total * unit
            if self.gains == "debiased":  # what the model left, see _debias
                missed = moved_by * slopes[r, moved_column]
                missed = np.bincount(moved_row, missed, minlength=len(source))
                missed = oob[src] * factor[pick] * missed[pick]
                sums += np.bincount(which[pick], missed, len(scenarios)) / total
            return sums, float(np.average(base, weights=oob)) * unit

        from joblib import Parallel, delayed

        out = Parallel(n_jobs=self.n_jobs, backend="threading")(
            delayed(one)(r) for r in range(len(refits))
        )
        gains = np.vstack([g for g, _ in out])
        return gains, np.array([b for _, b in out])

    def debias(self, y) -> None:
        """Report each replicate's gains with the one-step correction
        (:mod:`emomotiv._debias`); needs the replicates and the outcome."""
        y = self._outcome_y(y, "the debiased gains")
        if getattr(self.model, "task_", None) == "binary":  # P(classes_[1])
            y = (y == self.model.classes_[1]).astype(float)
        self.y = np.asarray(y, dtype=float)
        self.gains = "debiased"

    def _replicate_slopes(self) -> np.ndarray:
        """Each replicate's slope of the outcome's out-of-bag residual on
        each facet's own variation (:mod:`emomotiv._debias`), computed once."""
        if self._slopes is None:
            refits = self.refits
            values = self.values.astype(np.float32, copy=False)
            unit = getattr(self.model, "value_scale_", 1.0)  # see _outcome

            def predict(r: int, rows: np.ndarray) -> np.ndarray:
                return refits.boosters[r].inplace_predict(values[rows]) * unit

            errors = out_of_bag_residuals(
                predict, self.y, refits.counts, len(refits), self.n_jobs
            )
            facets = [self.column[f] for f in self.movable]
            # the halo score is the mean of the ratings: not a predictor of one
            context = [
                j
                for f, j in self.column.items()
                if f in self.controls and not RESERVED.fullmatch(f)
            ]
            residuals = facet_residuals(self.values, self.weights, facets, context)
            rated = ~np.isnan(self.values[:, facets]).all(axis=0)
            self.uncorrected = {
                f
                for f, j, some in zip(self.movable, facets, rated, strict=True)
                if some and not residuals[:, j].any()
            }
            self._slopes = replicate_slopes(
                residuals,
                errors,
                unit_weights(self.weights),
                refits.counts,
                len(refits),
            )
        return self._slopes

    @staticmethod
    def _rating_changes(values: np.ndarray, stack: _Stack):
        """Each change a scenario makes to a rating: (its row in the stack,
        its column, by how much); a rating given where there was none is no
        change along the rating, so not one of them."""
        rows, columns, by = [], [], []
        for s, moved_columns in enumerate(stack.columns):
            mine = np.arange(stack.bounds[s], stack.bounds[s + 1])
            old = values[np.ix_(stack.source[mine], moved_columns)].astype(float)
            change = stack.moved[s].astype(float) - old
            row, k = np.nonzero(np.isfinite(change) & (change != 0))
            rows.append(mine[row])
            columns.append(np.asarray(moved_columns)[k])
            by.append(change[row, k])
        return (
            np.concatenate(rows).astype(int),
            np.concatenate(columns).astype(int),
            np.concatenate(by),
        )

    def _trees(self, replicate: int, booster):
        """The replicate booster's :class:`~emomotiv._trees.Trees`, read once
        for every batch of scenarios this simulator evaluates (or None)."""
        kept = self._read.get(replicate)
        if kept is None or kept[0] is not booster:
            read = self.refits.trees if self.refits is not None else None
            if read is not None and self.refits.boosters[replicate] is booster:
                trees = read[replicate]  # read when the replicate was explained
            else:
                trees = _read_trees(booster)
            kept = self._read[replicate] = (booster, trees)
        return kept[1]

    def evaluate(self, scenarios: list[Scenario]) -> tuple[np.ndarray, np.ndarray]:
        """Estimates (n_scenarios,) and replicates (n_boot, n_scenarios).

        With replicates the estimate is their mean (bagged, out of bag);
        without, the cross-fitted (or in-sample) change.
        """
        self._warn_steps(scenarios)
        if self.refits is not None:
            from .bootstrap import _rescaled

            gains, base = self._replicate_gains(scenarios)
            self.replicate_baseline = float(np.nanmean(base))
            return np.nanmean(gains, axis=0), _rescaled(gains, self.refits.scale)
        if self.folds:
            total = self.weights.sum()
            point = np.zeros(len(scenarios))
            for model, test, _ in self.folds:
                w = self.weights[test]
                gains = self._model_gains(model, self.values[test], w, scenarios)
                point += w.sum() / total * gains
        else:
            point = self._model_gains(self.model, self.values, self.weights, scenarios)
        return point, np.empty((0, len(scenarios)))

    @property
    def movable(self) -> list[str]:
        """The facets a scenario may move: every model column but the controls."""
        return [f for f in self.facets if f not in self.controls]

    @property
    def baseline(self) -> float:
        """Predicted connected share (bagged out of bag, out of fold, or as is)."""
        if self.refits is not None and self.replicate_baseline is not None:
            return self.replicate_baseline
        base = self.base.copy()
        for _, test, fold_base in self.folds:
            base[test] = fold_base
        return float(np.average(base, weights=self.weights))


def _point_note(sim: _Simulator) -> str:
    if sim.refits is not None:
        note = (
            f"bagged out of bag: the mean over {len(sim.refits)} bootstrap "
            "replicate models, each predicting the evaluation respondents it "
            "was not fitted on"
        )
        if sim.gains == "debiased":
            note += (
                ", each gain plus the one-step correction of what the "
                "replicate's trees left of the effect of the ratings it moves"
            )
        return note
    if sim.folds:
        return (
            f"out of fold: {len(sim.folds)} clones of the model, each predicting "
            "the respondents it was not fitted on"
        )
    return "in sample: the fitted model on all respondents"


def _z(level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 2))


def _interval(point, reps, level) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of the replicates (holding the bagged estimate)."""
    from .bootstrap import percentile_interval

    if len(reps) < 2:
        nan = np.full_like(point, np.nan, dtype=float)
        return nan, nan.copy()
    low, high, _ = percentile_interval(reps, point, level)
    return low, high


def _scales(catalog, facets: list[str]) -> dict[str, tuple[float, float]]:
    if catalog is None:
        return dict.fromkeys(facets, DEFAULT_SCALE)
    if not isinstance(catalog, FacetCatalog):
        catalog = FacetCatalog.from_frame(catalog)
    missing = [f for f in facets if f not in catalog.table.index]
    if missing:
        hints = "".join(did_you_mean(f, catalog.facets) for f in missing[:3])
        raise ValidationError(
            [
                f"The catalog lacks {len(missing)} facets the model uses: "
                f"{preview(missing)}, so their scales are unknown.{hints} Add "
                "them to the catalog, or name the model's columns that are not "
                "facets (the halo score, context) in controls=..."
            ],
            subject="catalog",
        )
    return {f: catalog.scale(f) for f in facets}


def _check_common(n_boot, level, cross_fit, n_jobs, owner) -> tuple[int, float]:
    check_int(cross_fit, "cross_fit", owner, min_value=0)
    check_n_jobs(n_jobs, owner)
    if cross_fit == 1:
        raise ValueError(
            f"The 'cross_fit' parameter of {owner} must be 0 (no cross-fitting) "
            "or an int >= 2. Got 1 instead."
        )
    n_boot = check_int(n_boot, "n_boot", owner, min_value=0)
    level = check_float(level, "level", owner, low=0, high=1, inclusive=False)
    return n_boot, level


def simulate_improvement(
    model: DriverModel,
    X: pd.DataFrame,
    scenario: Scenario | str | Sequence[Scenario | str],
    *,
    y: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    catalog: FacetCatalog | pd.DataFrame | None = None,
    cross_fit: int = 5,
    n_boot: int = 20,
    level: float = 0.9,
    random_state: int | None = None,
    controls: Sequence[str] | None = None,
    bootstrap: ImportanceResult | None = None,
    n_jobs: int | None = None,
    gains: str = "model",
) -> SimulationResult:
    """Change in the connected share if facet ratings improved as described.

    Parameters
    ----------
    model : DriverModel
        A fitted driver model.
    X : DataFrame
        The survey (or its facet columns): every facet the model was fitted on.
    scenario : scenario, facet name, or list of them
        A :class:`RaiseScore`, :class:`LiftBottomBox`, :class:`ExtendReach`
        or :class:`Combined`; a facet name means ``RaiseScore(name)`` (+1).
        A list gives one row per scenario, each simulated on its own; use
        :class:`Combined` for changes made together.
    y : array-like or None
        The connection outcome, needed to refit models for out-of-fold
        estimates (``cross_fit > 0``) and intervals (``n_boot > 0``).
    sample_weight : array-like or None
        Survey weights; the connected share is weighted by them (and the
        replicate models are fitted with them).
    catalog : FacetCatalog, DataFrame or None
        Supplies each facet's scale (``scale_min``, ``scale_max``); the default
        scale is 1-10.
    cross_fit : int, default=5
        Without replicates (``n_boot=0`` and no ``bootstrap``): folds for
        out-of-fold predictions (needs ``y``): each respondent's before and
        after are predicted by a clone of the model fitted without them. A
        boosted model's predictions on its own training respondents are
        overconfident (pushed towards 0 and 1, where a change in a rating
        moves the probability little), which understates every gain; 0 uses
        the fitted ``model`` on all respondents as it is.
    n_boot : int, default=20
        Replicate models (0 = none), when no ``bootstrap`` is given. Each is
        a refit on a resample of respondents; every scenario is evaluated on
        every replicate, on the evaluation respondents it was not fitted on
        (out of bag). The estimate is then the mean over replicates (bagged)
        and the interval their percentile interval.
    level : float, default=0.9
        Confidence level of the interval.
    random_state : int or None
        Seed for the resamples and the replicate models.
    controls : sequence of str or None
        Model columns that are controls (the halo score, context; see
        :func:`emomotiv.design_matrix`): ``X`` must hold them, every
        prediction sees them, and no scenario moves them.
    bootstrap : ImportanceResult or None
        The result of :func:`~emomotiv.bootstrap_importance` on the same
        survey and model: its replicate models are used (no refits;
        ``n_boot`` and ``cross_fit`` are then ignored), so the scenarios and
        the ranking rest on the same bootstrap. One drawn from other ratings
        or weights, or fitted with other settings than ``model``, is
        refused.
    n_jobs : int or None, default=None
        Threads that refit and evaluate the replicates; None or -1 uses all
        cores. The result does not depend on it.
    gains : {"model", "debiased"}, default="model"
        ``"model"``: each gain is the model's own prediction of the change.
        ``"debiased"``: plus the one-step correction of what the model's
        trees left of each facet's effect (needs replicates and ``y``;
        :mod:`emomotiv._debias`, docs "Uncertainty"): on the generator's
        default surveys the true drivers' gains add up to 0.93-1.01 of
        their truth instead of 0.50-0.72, and their 90% intervals hold it
        0.93-0.97 of the time instead of 0.36-0.48, two to three and a half
        times as wide. A facet with too few raters for the correction, or
        whose raters all rate it alike, keeps the model's gain.

    Returns
    -------
    SimulationResult
        ``table`` with ``delta_connected`` and its interval per scenario;
        ``info["assumption"]`` states what the numbers assume.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> model = em.DriverModel(n_estimators=50, cv=0, random_state=0).fit(X, y)
    >>> sim = em.simulate_improvement(
    ...     model, X, ["investing_videos", em.LiftBottomBox("mobile_app", to=8)],
    ...     y=y, catalog=s.catalog, n_boot=3, random_state=0)
    >>> list(sim.table["scenario"])
    ['investing_videos +1', 'mobile_app bottom to 8']
    >>> bool((sim.table["delta_connected_low"] <= sim.table["delta_connected"]).all())
    True
    """
    owner = "simulate_improvement"
    n_boot, level = _check_common(n_boot, level, cross_fit, n_jobs, owner)
    check_aligned(X, "X", y=y, sample_weight=sample_weight)
    check_int(random_state, "random_state", owner, allow_none=True)
    scenarios = _as_scenarios(scenario, owner)
    facets = [str(f) for f in getattr(model, "feature_names_in_", [])]
    controls = list(controls or [])
    scales = _scales(catalog, [f for f in facets if f not in controls])
    sim = _Simulator(model, X, sample_weight, scales, owner, controls, n_jobs)
    sim.check(scenarios)
    _prepare(sim, y, cross_fit, n_boot, level, random_state, bootstrap, gains)
    return _simulation_result(sim, scenarios, level)


def _prepare(
    sim: _Simulator,
    y,
    cross_fit,
    n_boot,
    level,
    random_state,
    bootstrap,
    gains: str = "model",
) -> None:
    """The replicates (given, or refitted), else the cross-fitted models."""
    check_gains(gains, sim.owner, replicates=bootstrap is not None or n_boot > 0)
    if gains == "debiased" and y is None:
        raise ValueError(
            f"gains='debiased' in {sim.owner} reads each respondent's outcome "
            "less its out-of-bag prediction: pass y."
        )
    if bootstrap is not None:  # the bootstrap said whether it has enough
        sim.use_refits(bootstrap)
    elif n_boot > 0:
        if few := few_replicates(n_boot, level):
            warnings.warn(few, EmomotivWarning, stacklevel=3)
        sim.fit_replicates(y, n_boot, random_state)
    else:
        sim.fit_cross(y, cross_fit, random_state)
    if gains == "debiased":
        sim.debias(y)


def _simulation_result(sim: _Simulator, scenarios, level) -> SimulationResult:
    point, reps = sim.evaluate(scenarios)
    n_boot = len(reps)
    low, high = _interval(point, reps, level)
    baseline = sim.baseline
    table = pd.DataFrame(
        {
            "scenario": [s.name for s in scenarios],
            "kind": [_kind(s) for s in scenarios],
            "facets": [
                ", ".join(
                    dict.fromkeys(
                        p.facet for p in (s.parts if isinstance(s, Combined) else [s])
                    )
                )
                for s in scenarios
            ],
            "baseline": baseline,
            "simulated": baseline + point,
            "delta_connected": point,
            "delta_connected_low": low,
            "delta_connected_high": high,
        }
    )
    info = {
        "assumption": ASSUMPTION,
        "n_boot": n_boot,
        "level": level,
        "interval": sim.interval if n_boot >= 2 else None,
        "point": _point_note(sim),
        "gains": sim.gains,
        "uncorrected": sorted(sim.uncorrected),
        "typical": {
            p.facet: sim.typical[p.facet]
            for s in scenarios
            for p in (s.parts if isinstance(s, Combined) else [s])
            if isinstance(p, ExtendReach)
        },
    }
    replicates = pd.DataFrame(reps) if len(reps) else None
    return SimulationResult(table, info, replicates)


# -- value, ROI and the plan ---------------------------------------------------


def _knapsack(gain: np.ndarray, cost: np.ndarray, budget: float) -> np.ndarray:
    """0/1 choice maximising ``gain`` with ``cost`` within ``budget`` (exact MILP).

    A spend is within the budget when its exactly rounded sum (``math.fsum``)
    is: costs that add up to the budget on paper (0.1 + 0.2 + 0.2 + 2.0 of
    2.5) are affordable although their float sum is one unit in the last
    place above it. The solver accepts a set a hair over the budget (its
    feasibility tolerance, 1e-7 of it); such a set, and every set holding
    it, is then ruled out and the problem solved again, so the choice is
    the best affordable one, not the solver's less its worst-ratio member.
    Last, any single addition or swap that adds gain within the budget is
    made (:func:`_improved`): with costs a millionth apart (quotes of
    250,000.xx) the solver cannot tell sets apart, and returned a worse one
    as optimal.
    """
    chosen = (cost == 0) & (gain > 0)  # free gains are always taken
    cand = np.flatnonzero((cost > 0) & (cost <= budget) & (gain > 0))
    cuts: list[np.ndarray] = []
    for _ in range(50):
        if not len(cand):
            break
        pick = _milp_choice(gain[cand], cost[cand] / budget, cuts)
        if math.fsum(cost[cand[pick]]) <= budget:
            chosen[cand[pick]] = True
            break
        cut = np.zeros(len(cand))
        cut[pick] = 1.0
        cuts.append(cut)
    else:  # not reached in practice: drop the worst-ratio picks until affordable
        kept = list(cand[pick])
        while math.fsum(cost[kept]) > budget:
            kept.remove(min(kept, key=lambda i: gain[i] / cost[i]))
        chosen[kept] = True
    return _improved(chosen, gain, cost, budget, cand)


def _improved(
    chosen: np.ndarray, gain: np.ndarray, cost: np.ndarray, budget: float, cand
) -> np.ndarray:
    """``chosen`` with any candidate added, or swapped for a chosen one, that
    adds gain within the budget (by the exact sum), until none does: the
    solver's tolerance (costs a millionth apart) cannot leave a better set
    one change away."""
    chosen = chosen.copy()
    while True:
        inside = [i for i in cand if chosen[i]]
        outside = [i for i in cand if not chosen[i]]
        best, move = 0.0, None
        for j in outside:
            for i in [None, *inside]:
                more = gain[j] - (0.0 if i is None else gain[i])
                if more > best and _fits(cost, inside, i, j, budget):
                    best, move = more, (i, j)
        if move is None:
            return chosen
        out, into = move
        if out is not None:
            chosen[out] = False
        chosen[into] = True


def _fits(cost: np.ndarray, inside: list, out, into, budget: float) -> bool:
    """Whether the ``inside`` set, less ``out`` (None: nothing) and with
    ``into``, costs at most ``budget`` by its exactly rounded sum."""
    kept = [cost[k] for k in inside if k != out]
    if sum(kept) + cost[into] > budget * (1 + 1e-9) + 1e-9:  # clearly over
        return False
    return math.fsum([*kept, cost[into]]) <= budget


def _milp_choice(gain: np.ndarray, share: np.ndarray, cuts: list) -> np.ndarray:
    """Positions of the 0/1 choice of most ``gain`` whose ``share`` of the
    budget sums to at most 1 and that holds no set of ``cuts`` whole (HiGHS
    through ``scipy.optimize.milp``, no gap, no presolve: with costs a
    millionth apart, presolve returned a worse set as optimal)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    rows = np.vstack([share, *cuts])
    upper = np.array([1.0, *(c.sum() - 1 for c in cuts)])
    with _no_solver_print():
        res = milp(
            c=-gain / gain.max(),
            constraints=LinearConstraint(rows, -np.inf, upper),
            integrality=np.ones(len(gain)),
            bounds=Bounds(0, 1),
            options={"mip_rel_gap": 0.0, "presolve": False},
        )
    if res.x is None:  # choosing nothing is always feasible: a solver failure
        raise RuntimeError(f"The budget plan's solver failed: {res.message}")
    return np.flatnonzero(np.round(res.x) == 1)


@contextlib.contextmanager
def _no_solver_print():
    """Send what the process writes to its standard output (file descriptor
    1) to the null device while the block runs: on some problems HiGHS
    prints a line of its own debugging ("HighsMipSolverData::
    transformNewIntegerFeasibleSolution tmpSolver.run();") straight to it,
    past Python and whatever ``disp`` says. Python's own ``sys.stdout`` is
    flushed first, so nothing written before is lost."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (AttributeError, OSError, ValueError):  # no descriptor 1 to guard
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _value_per_connected(sim, y, value, value_per_connected, value_source, level):
    """(estimate, per-replicate values or None, source, note or None).

    A value from the value link comes with its interval (at ``level``): each
    replicate draws its value from the normal distribution that interval
    implies (a fixed stream, so reproducible; centred, so the draws average
    the estimate). The mean-difference fallback is recomputed on each
    replicate's resample, its deviations rescaled as the gains' are for an
    m-out-of-n bootstrap.
    """
    n_boot = 0 if sim.refits is None else len(sim.refits)
    if value_per_connected is not None:
        if isinstance(value_per_connected, Sequence):
            est, low, high = (float(v) for v in value_per_connected)
            sd = (high - low) / (2 * _z(level)) if np.isfinite(high - low) else 0.0
            state = None if sim.refits is None else sim.refits.random_state
            seed = [0 if state is None else state]
            draws = np.random.default_rng(seed + [2]).standard_normal(n_boot)
            if n_boot > 1:
                draws = draws - draws.mean()
            return est, est + sd * draws, value_source or "parameter", None
        est = float(value_per_connected)
        return est, np.full(n_boot, est), value_source or "parameter", None
    if value is None or y is None:
        return float("nan"), None, None, None
    value = np.asarray(value, dtype=float)
    if sim.model.task_ != "binary":
        return (*_value_slope(sim, np.asarray(y, dtype=float), value), None)
    # a respondent without a value (or of weight 0) is in neither mean
    usable = np.isfinite(value) & (sim.weights > 0)
    connected = np.asarray(y) == sim.model.classes_[1]
    sizes = int((usable & connected).sum()), int((usable & ~connected).sum())
    if min(sizes) < MIN_TIER:
        return float("nan"), None, None, _few_valued(sizes)

    def diff(w):
        c = connected & usable & (w > 0)
        u = ~connected & usable & (w > 0)
        if not (c.any() and u.any()):
            return float("nan")
        return np.average(value[c], weights=w[c]) - np.average(value[u], weights=w[u])

    return (*_on_resamples(sim, diff), "mean_difference", None)


def _not_worth_more(vpc: float) -> str:
    """Why a value per connected customer of 0 or less prices nothing."""
    return (
        f"The value per connected customer is {vpc:,.4g}: connected customers "
        "are worth no more than the others here. A gap between customers as "
        "they are does not say that one more connected customer would be worth "
        "less (discounts, claims or tenure can sit in it), and priced by it the "
        "plan would buy the touchpoints that lower connection: delta_value and "
        "roi are left empty, and a plan funds by the gain in the outcome "
        "(delta_connected). Check the value link, or give value_per_connected "
        "to price the gains."
    )


def _few_valued(sizes: tuple[int, int]) -> str:
    """Why a mean gap in value over too few respondents prices nothing."""
    return (
        "No value per connected customer: the gap in mean value between "
        f"connected and unconnected respondents would rest on {sizes[0]} "
        f"connected and {sizes[1]} unconnected respondents with a value, and "
        f"each group needs at least {MIN_TIER} (as the value link does); "
        "delta_value and roi are left empty. Pass value_per_connected to price "
        "the gains."
    )


def _on_resamples(sim, statistic) -> tuple[float, np.ndarray | None]:
    """``statistic(weights)`` on every respondent, and on each replicate's
    resample (weights x times drawn; None without replicates), its
    deviations rescaled as the gains' are for an m-out-of-n bootstrap."""
    est = float(statistic(sim.weights))
    if sim.refits is None or not len(sim.refits):
        return est, None
    from .bootstrap import _rescaled

    counts = (sim.refits.counts(r) for r in range(len(sim.refits)))
    reps = np.array([statistic(sim.weights * c) for c in counts])
    return est, _rescaled(reps, sim.refits.scale)


def _value_slope(sim, score: np.ndarray, value: np.ndarray):
    """(estimate, per-replicate values or None, "value_slope") for a score.

    The score's gains are in its own points, so they are priced by the value
    of one point: the weighted least-squares slope of value on the score
    (for a 0/1 outcome the same slope is the mean difference above),
    recomputed on each replicate's resample like the mean difference.
    """
    usable = np.isfinite(score) & np.isfinite(value)

    def slope(w):
        w = np.where(usable, w, 0.0)
        if not w.sum() > 0:
            return float("nan")
        x, v = score[usable], value[usable]
        wu = w[usable]
        dx = x - np.average(x, weights=wu)
        spread = np.average(dx**2, weights=wu)
        if not spread > 0:
            return float("nan")
        dv = v - np.average(v, weights=wu)
        return float(np.average(dx * dv, weights=wu) / spread)

    return (*_on_resamples(sim, slope), "value_slope")


def plan_improvements(
    model: DriverModel,
    X: pd.DataFrame,
    y: ArrayLike | None = None,
    *,
    catalog: FacetCatalog | pd.DataFrame | None = None,
    budget: float | None = None,
    population: float | None = None,
    value_per_connected: float | Sequence[float] | None = None,
    value: ArrayLike | None = None,
    value_source: str | None = None,
    sample_weight: ArrayLike | None = None,
    points: float = 1.0,
    cross_fit: int = 5,
    n_boot: int = 20,
    level: float = 0.9,
    random_state: int | None = None,
    controls: Sequence[str] | None = None,
    bootstrap: ImportanceResult | None = None,
    n_jobs: int | None = None,
    gains: str = "model",
) -> PlanResult:
    """Simulate +``points`` on every facet, price it, and plan within a budget.

    Each facet is raised on its own (:class:`RaiseScore`); the change in the
    connected share becomes a change in value, ``delta_value =
    delta_connected x population x value per connected customer``, and
    ``roi = (delta_value - cost) / cost`` with the catalog's ``cost``. The
    plan is the set of facets whose one-at-a-time expected gains add up to
    the most within the budget, solved exactly as a 0/1 knapsack
    (``scipy.optimize.milp``): with money, the gains in value less their
    costs (``objective`` ``"net_value"``), so that no facet worth less than
    it costs is funded; else the gains in the connected share. It is then
    simulated as one :class:`Combined` scenario, in which the facets'
    effects can overlap or compound.
    The combined gain is not the sum of the single ones, so another set can
    have a slightly larger combined gain: on twelve 10-12 facet catalogs of
    :func:`~emomotiv.make_survey` the plan was the best set by combined gain
    on eight and within 2.3% of it on the others (docs, "The ROI scenario").

    Parameters
    ----------
    model : DriverModel
        A fitted driver model.
    X : DataFrame
        The survey (or its facet columns).
    y : array-like or None
        The connection outcome; needed for out-of-fold estimates
        (``cross_fit > 0``), intervals (``n_boot > 0``) and the
        mean-difference value fallback.
    catalog : FacetCatalog, DataFrame or None
        Labels, ``cost`` and scales of the facets.
    budget : float or None
        Money available; without it there is no plan, only the ROI table.
    population : float or None
        Customers the survey represents; without it values are NaN.
    value_per_connected : float, (estimate, low, high) or None
        Incremental value of a connected customer (for a score outcome, of
        one point of the score), alone or with its interval at ``level``
        (each replicate then draws its value from the normal distribution
        that interval implies). When None and ``value`` is given: for a 0/1
        outcome, the difference in weighted mean value between connected and
        unconnected respondents with a value (``value_source
        "mean_difference"``, an upper-end figure: it credits connection with
        every difference between the groups; each group needs at least 10
        respondents with a value, as the value link does, else values are
        NaN and ``summary["value_note"]`` says why); for a score, the
        weighted least-squares slope of value on the score
        (``"value_slope"``, the value of one point, upper end for the same
        reason). Otherwise values are NaN.
    value : array-like or None
        Per-respondent value, for the fallbacks above.
    value_source : str or None
        Where ``value_per_connected`` came from, for the summary.
    sample_weight : array-like or None
        Survey weights.
    points : float, default=1.0
        Size of the improvement simulated for each facet (> 0: a plan buys
        improvements); a fractional rise is read as :class:`RaiseScore`
        reads it (0.5 on whole-number ratings: half the raters one point up).
    cross_fit : int, default=5
        Without replicates (``n_boot=0`` and no ``bootstrap``): folds for
        out-of-fold predictions (needs ``y``); 0 uses the fitted ``model``
        as it is (see :func:`simulate_improvement`).
    n_boot : int, default=20
        Replicate models for the estimates and intervals (refits; 0 = none),
        when no ``bootstrap`` is given: the estimates are then bagged (the
        mean over replicates, out of bag) with percentile intervals.
    level : float, default=0.9
        Confidence level of the intervals.
    random_state : int or None
        Seed for the replicates.
    controls : sequence of str or None
        Model columns that are controls (the halo score, context): seen by
        every prediction, never raised, priced or funded; ``roi`` and the
        plan hold the facets only.
    bootstrap : ImportanceResult or None
        The result of :func:`~emomotiv.bootstrap_importance` on the same
        survey and model: its replicate models give every estimate and
        interval (``n_boot`` and ``cross_fit`` are then ignored), so the ROI,
        the plan and the ranking rest on the same bootstrap. One drawn from
        other ratings or weights, or fitted with other settings than
        ``model``, is refused.
    n_jobs : int or None, default=None
        Threads that refit and evaluate the replicates; None or -1 uses all
        cores. The result does not depend on it.
    gains : {"model", "debiased"}, default="model"
        ``"model"``: each gain is the model's own prediction of the change.
        ``"debiased"``: plus the one-step correction of what the model's
        trees left of each facet's effect (needs replicates and ``y``;
        :mod:`emomotiv._debias`, docs "Uncertainty"): on the generator's
        default surveys the true drivers' gains add up to 0.93-1.01 of
        their truth instead of 0.50-0.72, and their 90% intervals hold it
        0.93-0.97 of the time instead of 0.36-0.48, two to three and a half
        times as wide. A facet with too few raters for the correction, or
        whose raters all rate it alike, keeps the model's gain.

    Returns
    -------
    PlanResult
        ``roi`` (one row per facet, by priority: ``roi`` from the highest,
        a facet with a ``cost`` of 0 and a positive gain first, its ``roi``
        left empty; a facet without a cost after the priced gains, by its
        gain; every facet predicted to lower the outcome last, priced or
        not, the largest loss last; without costs or values, by
        ``delta_value`` then ``delta_connected``), ``plan`` and
        ``summary``. With a budget the summary holds the combined gain of the
        funded set with its interval, in the connected share
        (``combined_delta_connected_low``, ``_high``) and in money
        (``combined_delta_value_low``, ``_high``: each replicate's combined
        gain priced by that replicate's value), ``unpriced`` (touchpoints
        without a cost, which the plan cannot fund), ``cheapest_worth`` (the
        cost of the cheapest touchpoint worth funding, None when none is) and
        ``note`` (why nothing is funded, what is left out or left over, in
        words).

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> model = em.DriverModel(n_estimators=50, cv=0, random_state=0).fit(X, y)
    >>> result = em.plan_improvements(
    ...     model, X, y, catalog=s.catalog, budget=300_000, population=100_000,
    ...     value_per_connected=2_000, n_boot=0)
    >>> bool(result.summary["spent"] <= 300_000)
    True
    >>> list(result.roi.columns[:3])
    ['facet', 'label', 'delta_connected']
    """
    owner = "plan_improvements"
    n_boot, level = _check_common(n_boot, level, cross_fit, n_jobs, owner)
    check_aligned(X, "X", y=y, value=value, sample_weight=sample_weight)
    check_int(random_state, "random_state", owner, allow_none=True)
    budget = check_float(budget, "budget", owner, low=0, allow_none=True)
    population = _finite(
        check_float(
            population, "population", owner, low=0, inclusive=False, allow_none=True
        ),
        "population",
        owner,
        "> 0 or None",
    )
    points = _finite(
        check_float(points, "points", owner, low=0, inclusive=False),
        "points",
        owner,
        "> 0",
    )
    vpc = value_per_connected
    # a string is a Sequence too: "100" read as the triple ("1", "0", "0")
    triple = isinstance(vpc, Sequence) and not isinstance(vpc, str)
    numbers_only = [vpc] if not triple else list(vpc)
    if vpc is not None and not (
        len(numbers_only) == (3 if triple else 1)
        and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool)
            for v in numbers_only
        )
        # the estimate is finite; a bound may be NaN (no interval)
        and math.isfinite(numbers_only[0])
    ):
        raise ValueError(
            f"The 'value_per_connected' parameter of {owner} must be a finite "
            "float, an (estimate, low, high) triple of floats with a finite "
            f"estimate, or None. Got {vpc!r} instead."
        )
    if vpc is not None and not triple and vpc <= 0:
        raise ValueError(
            f"The 'value_per_connected' parameter of {owner} must be > 0 (what "
            f"one more connected customer is worth); got {vpc!r}: at 0 no "
            "touchpoint is worth its cost, below 0 the plan would buy the "
            "touchpoints that lower connection."
        )
    if triple and numbers_only[1] > numbers_only[2]:  # NaN bounds: no interval
        raise ValueError(
            f"The 'value_per_connected' parameter of {owner} must give its "
            f"interval low end first: (estimate, low, high); got {vpc!r}, whose "
            "low end is above its high end."
        )
    if catalog is not None and not isinstance(catalog, FacetCatalog):
        catalog = FacetCatalog.from_frame(catalog)
    controls = list(controls or [])
    facets = [
        str(f) for f in getattr(model, "feature_names_in_", []) if f not in controls
    ]
    scales = _scales(catalog, facets)
    sim = _Simulator(model, X, sample_weight, scales, owner, controls, n_jobs)
    scenarios = [RaiseScore(f, points) for f in facets]
    sim.check(scenarios)
    _prepare(sim, y, cross_fit, n_boot, level, random_state, bootstrap, gains)
    point, reps = sim.evaluate(scenarios)
    low, high = _interval(point, reps, level)

    vpc, vpc_reps, source, value_note = _value_per_connected(
        sim, y, value, value_per_connected, value_source, level
    )
    if np.isfinite(vpc) and vpc <= 0:  # priced by it, a loss of connection pays
        value_note = _not_worth_more(vpc)
        vpc, vpc_reps = float("nan"), None
    pop = np.nan if population is None else population
    delta_value = point * pop * vpc
    dv_low = dv_high = np.full(len(point), np.nan)
    priced = vpc_reps is not None and np.isfinite(pop) and np.isfinite(vpc_reps).all()
    if priced and len(reps) >= 2:
        dv_reps = reps * vpc_reps[:, None] * pop
        dv_low, dv_high = _interval(delta_value, dv_reps, level)
    table = catalog.table.reindex(facets) if catalog is not None else None
    labels = (
        facets
        if table is None
        else list(table["label"].fillna(table.index.to_series()))
    )
    cost = (
        np.full(len(facets), np.nan)
        if table is None
        else table["cost"].to_numpy(dtype=float)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = np.where(cost > 0, (delta_value - cost) / cost, np.nan)
    p_value, beyond, noise = noise_flags(point, reps, level=level)
    frame = pd.DataFrame(
        {
            "facet": facets,
            "label": labels,
            "delta_connected": point,
            "delta_connected_low": low,
            "delta_connected_high": high,
            "delta_value": delta_value,
            "delta_value_low": dv_low,
            "delta_value_high": dv_high,
            "p_value": p_value,
            "beyond_noise": beyond,
            "cost": cost,
            "roi": roi,
        }
    )
    # a free improvement has no ratio (roi stays empty): a free gain ranks
    # before every paid one; a touchpoint with no cost has no ratio either:
    # after the priced gains, by its gain; every touchpoint predicted to
    # lower the outcome comes last, by the size of its loss
    gain = np.where(np.isnan(delta_value), point, delta_value)
    with np.errstate(invalid="ignore"):
        free = np.where(cost == 0, np.sign(gain) * np.inf, np.nan)
    order = frame.assign(
        _loss=gain < 0,
        _unpriced=np.isnan(cost) & (gain >= 0),
        # the losses by their size, priced, free or not: the largest last
        _rank=np.where(gain < 0, gain, np.where(np.isnan(free), roi, free)),
    )
    ordered = order.sort_values(
        ["_loss", "_unpriced", "_rank", "delta_value", "delta_connected"],
        ascending=[True, True, False, False, False],
        na_position="last",
        kind="stable",
    ).index.to_numpy()
    frame["note"] = row_notes(sim, facets, point, reps, beyond)
    if budget is not None and np.isfinite(cost).any():  # unpriced among priced
        unpriced = dict.fromkeys(np.asarray(facets)[np.isnan(cost)], UNPRICED)
        frame = noted(frame, unpriced)
    frame, reps = frame.loc[ordered].reset_index(drop=True), reps[:, ordered]
    frame["priority"] = np.arange(1, len(frame) + 1)
    frame = frame[[c for c in frame.columns if c != "note"] + ["note"]]

    summary = {
        "budget": budget,
        "spent": None,
        "population": population,
        "value_per_connected": None if np.isnan(vpc) else vpc,
        "value_source": source,
        "points": points,
        "objective": None,
        "n_selected": None,
        "selected": None,
        "selected_within_noise": None,
        "combined_delta_connected": None,
        "combined_delta_connected_low": None,
        "combined_delta_connected_high": None,
        "sum_individual_delta_connected": None,
        "combined_delta_value": None,
        "combined_delta_value_low": None,
        "combined_delta_value_high": None,
        "selection_optimism": None,
        "sum_individual_delta_value": None,
        "roi": None,
        "unpriced": None,
        "cheapest_worth": None,
        "note": None,
        "n_boot": len(reps),
        "level": level,
        "interval": sim.interval if len(reps) >= 2 else None,
        "point": _point_note(sim),
        "gains": sim.gains,
        "uncorrected": sorted(sim.uncorrected),
        "noise": noise,
        "assumption": ASSUMPTION,
    }
    if source is not None and value_note is not None:  # a value not to price by
        summary["value_note"] = value_note
    elif source is None:
        summary["value_note"] = value_note or (
            "No value of the outcome to price the gains: give a value column "
            "(--value) or a value per connected customer (--value-per-connected, "
            "value_per_connected=); the ROI table's value and return (delta_value, "
            "roi) are left empty."
        )
    elif not np.isfinite(pop):
        summary["value_note"] = (
            "No population: delta_value and roi are left empty, and a plan "
            "funds by the gain in the outcome (delta_connected). Give the "
            "customers the survey represents (population=N, --population N) to "
            "turn gains into money."
        )
    elif len(reps) >= 2 and not priced:
        why = (
            "a resample whose respondents with a value have no spread in the score"
            if source == "value_slope"
            else "a resample without connected or without unconnected "
            "respondents with a value"
        )
        summary["value_note"] = (
            "delta_value has no interval: the value per connected customer could "
            f"not be computed on every bootstrap resample ({why})."
        )
    plan = None
    if budget is not None:
        price = vpc_reps * pop if priced else None
        plan, facts = _plan(sim, frame, reps, budget, (pop, vpc, price), points, level)
        summary.update(facts)
    return PlanResult(frame, plan, summary)


def _finite(value: float | None, name: str, owner: str, rule: str) -> float | None:
    """``value`` when finite (or None); else the parameter's error."""
    if value is None or math.isfinite(value):
        return value
    raise ValueError(
        f"The '{name}' parameter of {owner} must be a finite float {rule}. "
        f"Got {value!r} instead."
    )


def _plan(sim, frame, reps, budget, money, points, level):
    """Choose facets under the budget, then simulate them together.

    ``reps`` holds each replicate's gain of each facet (the rows of
    ``frame``). ``money`` is (population, value per connected customer,
    each replicate's price of one unit of ``delta_connected`` or None): the
    combined gain is priced on each replicate as the facets' are, so its
    interval is that of the plan's gain, not a sum of the facets' intervals.
    The combined gain, its interval and its value are those of the set
    chosen less the optimism of choosing it (:func:`_optimism`).
    """
    pop, vpc, price = money
    by_value = bool(np.isfinite(frame["delta_value"]).any())
    cost = frame["cost"].to_numpy(dtype=float)
    if by_value:  # money on both sides: what a touchpoint returns over its cost
        gain_col = "net_value"
        gain = frame["delta_value"].to_numpy(dtype=float) - cost
    else:
        gain_col = "delta_connected"
        gain = frame[gain_col].to_numpy(dtype=float)
    ok = np.isfinite(gain) & np.isfinite(cost)
    chosen = np.zeros(len(frame), dtype=bool)
    chosen[ok] = _knapsack(gain[ok], cost[ok], budget)
    optimism = _optimism(frame, reps, ok, budget, by_value, (pop * vpc, price))
    plan = frame.loc[
        ok,
        [
            "facet",
            "label",
            "cost",
            "delta_connected",
            "delta_value",
            "beyond_noise",
            "roi",
            "priority",
        ],
    ].assign(selected=chosen[ok])
    plan = plan.sort_values(
        ["selected", "priority"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    plan["cumulative_cost"] = np.where(
        plan["selected"], plan["cost"].where(plan["selected"], 0).cumsum(), np.nan
    )
    selected = list(frame.loc[chosen, "facet"])
    spent = math.fsum(cost[chosen])
    combined, low, high = 0.0, np.nan, np.nan  # nothing funded: no interval
    value_low = value_high = np.nan
    if selected:
        scenario = Combined(tuple(RaiseScore(f, points) for f in selected))
        point, reps = sim.evaluate([scenario])
        point, reps = point - optimism, reps - optimism
        lo, hi = _interval(point, reps, level)
        combined, low, high = float(point[0]), float(lo[0]), float(hi[0])
        if price is not None and len(reps) >= 2:
            lo, hi = _interval(point * pop * vpc, reps * price[:, None], level)
            value_low, value_high = float(lo[0]), float(hi[0])
    value = combined * pop * vpc
    facts = {
        "spent": spent,
        "objective": gain_col,
        "n_selected": len(selected),
        "selected": selected,
        "selected_within_noise": list(
            frame.loc[
                chosen & ~frame["beyond_noise"].fillna(True).to_numpy(bool), "facet"
            ]
        ),
        "combined_delta_connected": combined,
        "combined_delta_connected_low": None if np.isnan(low) else low,
        "combined_delta_connected_high": None if np.isnan(high) else high,
        "sum_individual_delta_connected": float(
            frame.loc[chosen, "delta_connected"].sum()
        ),
        "combined_delta_value": None if np.isnan(value) else float(value),
        "combined_delta_value_low": None if np.isnan(value_low) else value_low,
        "combined_delta_value_high": None if np.isnan(value_high) else value_high,
        "selection_optimism": float(optimism) if selected and len(reps) >= 2 else None,
        "sum_individual_delta_value": (
            float(frame.loc[chosen, "delta_value"].sum()) if by_value else None
        ),
        "roi": (
            float((value - spent) / spent) if spent > 0 and np.isfinite(value) else None
        ),
        "unpriced": list(frame.loc[~np.isfinite(cost), "facet"]) or None,
        # the cost of the cheapest touchpoint worth funding (None: none is)
        "cheapest_worth": float(cost[ok & (gain > 0)].min())
        if (ok & (gain > 0)).any()
        else None,
        "note": _plan_note(
            _names(frame),
            gain,
            cost,
            chosen,
            budget,
            by_value,
            clear=frame["beyond_noise"].to_numpy(dtype=object),
        ),
    }
    return plan, facts


def _optimism(frame, reps, ok, budget, by_value: bool, money) -> float:
    """How much a set chosen for its estimated gains overstates its gain, in
    ``delta_connected`` (0 without replicates): Efron's bootstrap estimate
    of optimism. Each replicate chooses its own set under the budget, by its
    own gains (where the plan is chosen by value, ``by_value``, priced by
    ``money``: one unit of ``delta_connected``'s price, and each replicate's
    own or None), and the mean excess of that set's gain on the replicate
    over its gain on the estimate is what choosing on the
    estimate adds to the truth. Chosen by the largest of noisy gains, the
    funded set's gain is otherwise biased up: on surveys where no
    touchpoint moves anything, the plan's interval lay above 0 on three of
    four. The facets' gains are added; the plan's own gain is simulated
    together (interactions included), and shifted by this amount (never
    below 0: a mean below it is the replicates' noise).
    """
    if len(reps) < 2 or not ok.any():
        return 0.0
    point = frame["delta_connected"].to_numpy(dtype=float)
    cost = frame["cost"].to_numpy(dtype=float)
    unit_value, price = money
    excess = []
    for b, gains in enumerate(reps):
        take = ok & np.isfinite(gains)
        rate = unit_value if price is None else price[b]
        gain = gains * rate - cost if by_value else gains
        chosen = np.zeros(len(frame), dtype=bool)
        chosen[take] = _knapsack(gain[take], cost[take], budget)
        excess.append(gains[chosen].sum() - point[chosen].sum())
    # choosing the largest cannot understate on average: a mean below 0 is
    # the replicates' noise, and adds nothing
    return max(float(np.mean(excess)), 0.0)


def _short_note(facets: np.ndarray, short: np.ndarray, clear) -> str:
    """The touchpoints whose value through connection is positive but below
    their cost, those whose gain is beyond noise apart from the rest."""
    flags = pd.Series(
        [None] * len(facets) if clear is None else list(clear), dtype="boolean"
    )
    sure = short & flags.fillna(False).to_numpy(dtype=bool)
    unsure = short & ~sure
    known = bool(flags[unsure].notna().any())  # a bootstrap said "within noise"

    def touchpoints(n: int) -> str:
        return f"{n} touchpoint{'s' if n != 1 else ''}"

    def cost(n: int) -> str:
        return "they cost" if n != 1 else "it costs"

    parts = []
    if sure.any():
        n = int(sure.sum())
        parts.append(
            f"{touchpoints(n)} would add value through connection (beyond noise) "
            f"but less than {cost(n)}: {preview(facets[sure])}"
        )
    if unsure.any():
        n = int(unsure.sum())
        what = " (a gain within noise)" if known else ""
        more = "more " if sure.any() else ""
        # "with a positive gain": those that would lose money are not counted
        parts.append(
            f"{n} {more}touchpoint{'s' if n != 1 else ''} with a positive gain "
            "would add less value through connection"
            f"{what} than {cost(n)}: {preview(facets[unsure])}"
        )
    them = "them" if int(short.sum()) != 1 else "it"
    return "; ".join(parts) + f"; the plan does not fund {them}."


def _amount(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:g}"


def _names(frame: pd.DataFrame) -> np.ndarray:
    """Each facet's label where it has one, else its id: how the plan's note
    names touchpoints."""
    from .readers import shown_labels

    facets = frame["facet"].astype(str)
    if "label" not in frame:
        return facets.to_numpy(dtype=object)
    return shown_labels(facets, frame["label"]).to_numpy(dtype=object)


def _plan_note(
    facets, gain, cost, chosen, budget, net=False, *, clear=None
) -> str | None:
    """Why the plan funds nothing, or what it leaves out, in words (or None).
    ``facets`` names the touchpoints (labels, or ids). ``net``: ``gain`` is
    the expected value through connection less the cost, and a touchpoint
    whose value does not cover its cost is not worth funding. ``clear``:
    whether each touchpoint's gain is beyond noise (None: not known).

    The value is that through connection (the gain in the connected share
    priced at the value of one more connected customer): a touchpoint that
    moves value directly (``value_drivers``) is not priced for that.
    """
    facets = np.asarray(facets, dtype=object)
    priced = np.isfinite(cost)
    worth = (
        "an expected value through connection above its cost"
        if net
        else "a positive expected gain"
    )
    notes = []
    if (~priced).any():
        n = int((~priced).sum())
        notes.append(
            f"{n} of {len(cost)} touchpoints {'has' if n == 1 else 'have'} no cost "
            f"in the catalog, so the plan cannot fund {'it' if n == 1 else 'them'}: "
            f"{preview(facets[~priced])}."
        )
    useful = priced & (gain > 0)
    short = priced & ~useful & (gain + cost > 0) if net else np.zeros_like(priced)
    if short.any():
        notes.append(_short_note(facets, short, clear))
    if not priced.any():
        notes.append("Nothing is funded: give the catalog a cost column.")
    elif not useful.any():
        notes.append(f"Nothing is funded: no touchpoint with a cost has {worth}.")
    elif not chosen.any():
        cheapest = np.flatnonzero(useful)[np.argmin(cost[useful])]
        notes.append(
            f"Nothing is funded: the budget ({_amount(budget)}) is below the cost "
            f"of every touchpoint with {worth} (the cheapest, "
            f"'{facets[cheapest]}', costs {_amount(cost[cheapest])})."
        )
    elif chosen[useful].all() and budget > math.fsum(cost[chosen]):
        left = budget - math.fsum(cost[chosen])
        notes.append(
            f"Every touchpoint with a cost and {worth} is funded; {_amount(left)} "
            "of the budget is left."
        )
    return " ".join(notes) or None
