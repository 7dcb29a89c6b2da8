"""Emotional-connection measures: score, reliability, tiers, motivator drivers.

- :func:`connection_score`: the mean of the motivator items, rescaled to
  0-100 (0 = the scale's lowest answer on every item, 100 = its highest); a
  respondent who skipped items is scored on the items answered.
- :func:`cronbach_alpha`: reliability of the items as one scale (weighted
  covariances, respondents who answered every item).
- :func:`connection_tiers`: ``fully_connected`` (connected, whatever their
  satisfaction), ``highly_satisfied`` (not connected, satisfaction in the top
  two boxes of its scale, e.g. 9-10 on 1-10 or 4-5 on 1-5) and
  ``unconnected`` (the rest).
- Who is *fully connected* (``connected_rule``): ``"outcome"`` uses the
  study's connection outcome when it is 0/1 (the default, ``"auto"``, does
  so); a number ``t`` in [0, 100] means connection score ``>= t`` (``"auto"``
  uses :data:`SCORE_THRESHOLD` = 70 when the outcome is a numeric score).
- :func:`motivator_drivers`: which touchpoints drive which motivators, as
  the standardised weighted least-squares weight of each facet in a
  regression of each motivator on all facets (missing ratings set to the
  facet's mean; respondents who skipped the motivator left out of its
  regression). Holding the other facets fixed removes most of the halo that
  makes every rating correlate with every motivator.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._stats import column_moments, row_chunk, row_chunks
from ._validation import (
    ValidationError,
    as_numbers,
    check_aligned,
    check_float,
    check_frame,
    check_weights,
    column_list,
    did_you_mean,
    many,
    preview,
)
from .results import ConnectionMeasures
from .schema import COMMON_SCALES, MOTIVATOR_PREFIX, infer_scale

__all__ = [
    "connection_measures",
    "connection_score",
    "cronbach_alpha",
    "connection_tiers",
    "motivator_drivers",
]

SCORE_THRESHOLD = 70.0
TIERS = ("unconnected", "highly_satisfied", "fully_connected")
#: the rule of a 0/1 outcome: its 1s are the fully connected
OUTCOME_RULE = "connection outcome = 1"


def _numeric_frame(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    out = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    bad = [c for c in frame.columns if (out[c].isna() & frame[c].notna()).any()]
    if bad:
        raise ValidationError(
            [f"The {what} columns {preview(bad)} are not numeric."], subject="survey"
        )
    return out


def _check_columns(survey: pd.DataFrame, roles: dict[str, Sequence[str]]) -> None:
    """One error naming every role column the survey lacks, with near matches."""
    columns = [str(c) for c in survey.columns]
    problems = [
        f"The {role} column '{c}' is not in the survey.{did_you_mean(c, columns)}"
        for role, names in roles.items()
        for c in names
        if c not in survey.columns
    ]
    if problems:
        raise ValidationError(problems, subject="survey")


def cronbach_alpha(
    items: pd.DataFrame, *, sample_weight: ArrayLike | None = None
) -> float:
    """Cronbach's alpha of a set of items (weighted, complete respondents).

    ``alpha = k / (k - 1) * (1 - sum(item variances) / variance(sum))``.

    Parameters
    ----------
    items : DataFrame
        One column per item, one row per respondent.
    sample_weight : array-like or None
        Survey weights.

    Returns
    -------
    float
        NaN with fewer than two items or two complete respondents (of weight
        above 0), or when the items' sum does not vary.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 4]})
    >>> cronbach_alpha(items)
    1.0
    """
    check_frame(items, "items", "cronbach_alpha")
    check_aligned(items, "items", sample_weight=sample_weight)
    x = _numeric_frame(items, "item").to_numpy()
    w = check_weights(sample_weight, len(x))
    ok = ~np.isnan(x).any(axis=1) & (w > 0)
    k = x.shape[1]
    if k < 2 or ok.sum() < 2:
        return float("nan")
    cov = np.cov(x[ok], rowvar=False, aweights=w[ok])
    total = cov.sum()
    if total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1 - np.trace(cov) / total))


def connection_score(
    survey: pd.DataFrame,
    motivators: Sequence[str] | None = None,
    *,
    scale: tuple[float, float] | None = None,
) -> pd.Series:
    """Connection score per respondent, 0-100, from the motivator items.

    Parameters
    ----------
    survey : DataFrame
        Respondents.
    motivators : sequence of str or None
        The item columns; by default every ``motivator__*`` column.
    scale : (float, float) or None
        The items' answer scale (lowest, highest); by default the rating
        scale that holds every answer, read by
        :func:`~emomotiv.schema.infer_scale` (1-5, 1-7, 1-10 or 0-10, else
        the answers' own range), so that a survey in which nobody gave the
        lowest or highest answer is scored on the same scale. An answer off
        the scale (a code such as 99 for "don't know") is refused: blank it.

    Returns
    -------
    Series
        ``connection_score``; NaN for a respondent who answered no item.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"motivator__a": [1, 7, 4], "motivator__b": [1, 7, None]})
    >>> connection_score(items, scale=(1, 7)).tolist()
    [0.0, 100.0, 50.0]
    """
    check_frame(survey, "survey", "connection_score")
    if motivators is None:
        motivators = [c for c in survey.columns if str(c).startswith(MOTIVATOR_PREFIX)]
    motivators = column_list(motivators, "motivators", "connection_score")
    if not motivators:
        raise ValidationError(
            [f"No motivator columns (named '{MOTIVATOR_PREFIX}*') were found."],
            subject="survey",
        )
    _check_columns(survey, {"motivator": motivators})
    x = _numeric_frame(survey[motivators], "motivator")
    answers = x.to_numpy().ravel()
    answers = answers[~np.isnan(answers)]
    if scale is None:
        if len(answers) and answers.min() == answers.max():
            raise ValidationError(
                ["The motivator items do not vary: every answer is the same."],
                subject="survey",
            )
        scale = infer_scale(answers)
    lo, hi = _check_scale(scale, answers)
    mean = x.mean(axis=1, skipna=True)
    return ((mean - lo) / (hi - lo) * 100).rename("connection_score")


def _check_scale(scale, answers: np.ndarray) -> tuple[float, float]:
    """``scale`` as (lowest, highest), with every answer on it."""
    try:
        lo, hi = (float(v) for v in scale)
    except (TypeError, ValueError):
        lo = hi = np.nan
    if not hi > lo:
        raise ValueError(
            "The 'scale' parameter of connection_score must be (lowest, "
            f"highest) with lowest < highest, such as (1, 7). Got {scale!r} "
            "instead."
        )
    _refuse_off_scale(answers, lo, hi, "motivator answer", "the items' scale")
    return lo, hi


def _refuse_off_scale(values: np.ndarray, lo, hi, what: str, way_out: str) -> None:
    """Refuse, by value, the ``values`` off the ``lo``-``hi`` scale: codes
    such as 99 for "don't know", which would be read as answers."""
    off = values[(values < lo) | (values > hi)]
    if len(off):
        found = [int(v) if v.is_integer() else v for v in sorted(set(off.tolist()))]
        raise ValidationError(
            [
                f"The {what}s hold {many(len(off), 'value')} off the "
                f"{lo:g}-{hi:g} scale: {preview(found)}. Codes such as 99 for "
                f"'don't know' are no answer: blank them (NaN); or give {way_out}."
            ],
            subject="survey",
        )


def _connected(
    rule, outcome: np.ndarray | None, score: pd.Series | None
) -> tuple[np.ndarray | None, str]:
    """Apply the 'fully connected' rule; return the 0/1 flags and the rule text."""
    binary = outcome is not None and set(np.unique(outcome[~np.isnan(outcome)])) <= {
        0.0,
        1.0,
    }
    if rule == "auto":
        if binary:
            rule = "outcome"
        elif score is not None:
            rule = SCORE_THRESHOLD
        else:
            return None, "none: the outcome is not 0/1 and there are no motivators"
    if rule == "outcome":
        if not binary:
            raise ValueError(
                "The 'connected_rule' parameter of connection_measures is "
                "'outcome', but the connection outcome is not 0/1; pass a score "
                "threshold in [0, 100] instead."
            )
        empty = int(np.isnan(outcome).sum())
        if empty:  # read as 0, they would count as unconnected
            raise ValidationError(
                [
                    f"The connection outcome is empty for {empty:,} of "
                    f"{len(outcome):,} respondents: their tier is unknown. Drop "
                    "those respondents, or fill the outcome."
                ],
                subject="survey",
            )
        return (outcome == 1).astype(int), OUTCOME_RULE
    ok = isinstance(rule, numbers.Real) and not isinstance(rule, bool)
    if not ok or not 0 <= rule <= 100:
        raise ValueError(
            "The 'connected_rule' parameter of connection_measures must be "
            "'auto', 'outcome' or a connection-score threshold in [0, 100]. "
            f"Got {rule!r} instead."
        )
    if score is None:
        raise ValueError(
            "A connection-score threshold needs motivator items; none were given."
        )
    # named for what it is: the outcome may be another score
    named = "the motivator connection score (the mean of the motivator items, 0-100)"
    values = score.to_numpy(dtype=float)
    # no motivator answered, no score: whether they are connected is unknown
    flags = np.where(np.isnan(values), np.nan, values >= rule)
    return flags, f"{named} >= {rule:g}"


def _numbers(values: ArrayLike, name: str, kind: str) -> np.ndarray:
    """``values`` as float; text is refused by name."""
    numbers, text = as_numbers(values)
    if text:
        raise ValueError(
            f"connection_tiers needs {name} as {kind}; it holds text in {text}. "
            "Code it as numbers first."
        )
    return numbers


def _top_two_boxes(satisfaction: np.ndarray) -> float:
    """The lower of the top two boxes of the satisfaction scale (its top
    minus 1): the scale's, not the highest rating given, so that a wave or
    segment in which nobody gave the top rating keeps the same threshold.
    A code off the scale (99 for "don't know") is refused: at or above the
    threshold, it would count as highly satisfied."""
    lo, hi = infer_scale(satisfaction)
    sat = np.ravel(np.asarray(satisfaction, dtype=float))
    _refuse_off_scale(sat, lo, hi, "satisfaction rating", "satisfied_threshold")
    points = np.unique(sat[np.isfinite(sat)])
    shares = len(points) >= 2 and points.max() <= 1 and not np.all(points % 1 == 0)
    if len(points) < 2 or ((lo, hi) in COMMON_SCALES and not shares):
        return float(hi) - 1
    # percentages (10-100 by tens) or shares (0.1-1): the top two of the
    # points, one step apart (hi - 1 was 99 of 100, and 9 above every share)
    top = float(points.max()) if shares else float(hi)
    return float(np.round(top - np.min(np.diff(points)), 9))


def connection_tiers(
    connected: ArrayLike,
    satisfaction: ArrayLike | None = None,
    *,
    satisfied_threshold: float | None = None,
) -> pd.Series:
    """Label respondents ``unconnected``, ``highly_satisfied`` or ``fully_connected``.

    Parameters
    ----------
    connected : array-like of 0/1
        Fully connected flags.
    satisfaction : array-like or None
        Satisfaction ratings; without them nobody is ``highly_satisfied``.
    satisfied_threshold : float or None
        Satisfaction at or above which a respondent is highly satisfied; by
        default the top two boxes of the satisfaction scale, read from the
        ratings by :func:`~emomotiv.schema.infer_scale` (9 on 1-10 or 0-10,
        6 on 1-7, 4 on 1-5), whether or not anyone gave the top rating; on
        another scale (percentages, shares of 1), the top two of the points
        given (90 on 10-100 by tens, 0.9 on 0.1-1); a code off that scale (99
        for "don't know") is then refused.

    Returns
    -------
    Series
        Categorical tier per respondent.

    Examples
    --------
    >>> connection_tiers([1, 0, 0], [5, 10, 6]).tolist()
    ['fully_connected', 'highly_satisfied', 'unconnected']
    """
    check_aligned(connected, "connected", satisfaction=satisfaction)
    flags = np.ravel(_numbers(connected, "connected", "0/1 flags"))
    other = flags[~np.isin(flags, (0.0, 1.0))]
    if len(other):  # read as 0, they would count as not connected
        shown = preview(sorted({"NaN" if np.isnan(v) else f"{v:g}" for v in other}))
        raise ValueError(
            f"connection_tiers needs connected as 0/1 flags; {len(other)} of "
            f"{len(flags)} are not 0 or 1: {shown}. Drop the respondents whose "
            "connection is unknown, and code the rest 0/1."
        )
    conn = flags == 1
    high = np.zeros(len(conn), dtype=bool)
    if satisfaction is not None:
        sat = _numbers(satisfaction, "satisfaction", "ratings")
        if sat.shape != conn.shape:
            raise ValueError(
                f"satisfaction has shape {sat.shape} but connected {conn.shape}: "
                "they need one entry per respondent each."
            )
        if satisfied_threshold is None:
            satisfied_threshold = _top_two_boxes(sat)
        with np.errstate(invalid="ignore"):
            high = sat >= satisfied_threshold
    labels = np.where(conn, TIERS[2], np.where(high, TIERS[1], TIERS[0]))
    return pd.Series(pd.Categorical(labels, categories=TIERS), name="tier")


def motivator_drivers(
    X: pd.DataFrame, motivators: pd.DataFrame, *, sample_weight: ArrayLike | None = None
) -> pd.DataFrame:
    """Facet x motivator matrix: which touchpoints drive which motivators.

    Each motivator is regressed on all facets at once by weighted least
    squares on standardised variables (a missing rating is set to the facet's
    mean, i.e. 0 after standardising), over the respondents who answered that
    motivator (one who skipped it says nothing of it: read as the mean, they
    would shrink every weight by their share); the entry is the facet's
    standardised weight. The normal equations are summed over chunks of
    respondents, so a large survey is never copied whole.

    Parameters
    ----------
    X : DataFrame
        Facet ratings (columns = facets).
    motivators : DataFrame
        Motivator items (columns = motivators).
    sample_weight : array-like or None
        Survey weights.

    Returns
    -------
    DataFrame
        Indexed by facet, one column per motivator.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=400, n_facets=8, random_state=0)
    >>> m = motivator_drivers(s.survey[s.catalog["facet"]],
    ...                       s.survey.filter(like="motivator__"))
    >>> m.shape
    (8, 10)
    """
    check_frame(X, "X", "motivator_drivers")
    check_frame(motivators, "motivators", "motivator_drivers")
    if len(motivators) != len(X):
        raise ValueError(
            f"motivators has {len(motivators)} respondents but X has {len(X)}: "
            "they need one row per respondent each."
        )
    check_aligned(X, "X", motivators=motivators, sample_weight=sample_weight)
    w = check_weights(sample_weight, len(X))
    x_moments = column_moments(X, w)[1:]
    m_moments = column_moments(motivators, w)[1:]

    def standardise(values: np.ndarray, mean, var) -> np.ndarray:
        sd = np.where(var > 0, np.sqrt(var), 1)
        return np.where(np.isnan(values), 0.0, (values - mean) / sd)

    # the normal equations, summed over chunks of respondents (memory); a
    # motivator some respondents skipped has its own, over those who answered
    p, k = X.shape[1], motivators.shape[1]
    skipped = np.flatnonzero(motivators.isna().any(axis=0).to_numpy())
    xtx = np.zeros((p, p))
    own = {j: np.zeros((p, p)) for j in skipped}
    xtm = np.zeros((p, k))
    for rows in row_chunks(len(X)):
        xs = standardise(row_chunk(X, rows), *x_moments)
        wx = xs * w[rows, None]
        xtx += wx.T @ xs
        items = row_chunk(motivators, rows)
        ms = standardise(items, *m_moments)
        for j in range(k):  # one at a time: the motivators' order
            xtm[:, j] += wx.T @ ms[:, j]  # then changes no bit of the result
        for j in skipped:
            answered = ~np.isnan(items[:, j])
            own[j] += wx[answered].T @ xs[answered]
    beta = np.zeros_like(xtm)
    for j in range(k):
        beta[:, j] = np.linalg.lstsq(own.get(j, xtx), xtm[:, j], rcond=None)[0]
    names = [str(c).removeprefix(MOTIVATOR_PREFIX) for c in motivators.columns]
    return pd.DataFrame(beta, index=pd.Index(X.columns, name="facet"), columns=names)


def _wmean(values, w: np.ndarray, mask: np.ndarray) -> float:
    v = np.asarray(values, dtype=float)
    ok = mask & ~np.isnan(v)
    return float(np.average(v[ok], weights=w[ok])) if w[ok].sum() > 0 else np.nan


def connection_measures(
    survey: pd.DataFrame,
    *,
    facets: Sequence[str],
    connection: str | None = None,
    motivators: Sequence[str] | None = None,
    satisfaction: str | None = None,
    value: str | None = None,
    extra: Sequence[str] = (),
    sample_weight: ArrayLike | None = None,
    connected_rule: str | float = "auto",
    satisfied_threshold: float | None = None,
    motivator_scale: tuple[float, float] | None = None,
) -> ConnectionMeasures:
    """Connection score, reliability, tiers and the motivator matrix at once.

    Parameters
    ----------
    survey : DataFrame
        Respondents.
    facets : sequence of str
        Facet columns (for the facet x motivator matrix).
    connection : str or None
        The connection outcome column.
    motivators : sequence of str or None
        Motivator item columns; by default every ``motivator__*`` column
        (none: no score, alpha or matrix).
    satisfaction, value : str or None
        Satisfaction and value columns.
    extra : sequence of str
        Further numeric columns whose weighted mean is reported per tier
        (e.g. churn).
    sample_weight : array-like or None
        Survey weights for every share and mean.
    connected_rule : "auto", "outcome" or float, default="auto"
        Who is fully connected (see the module documentation).
    satisfied_threshold : float or None
        Satisfaction at or above which a respondent is highly satisfied; by
        default the top two boxes of its scale (see :func:`connection_tiers`).
    motivator_scale : (float, float) or None
        The motivator answer scale.

    Returns
    -------
    ConnectionMeasures

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=500, n_facets=10, random_state=0)
    >>> m = connection_measures(s.survey, facets=s.catalog["facet"],
    ...                         connection="connected", satisfaction="satisfaction")
    >>> m.connected_rule
    'connection outcome = 1'
    >>> list(m.tier_table["tier"])
    ['unconnected', 'highly_satisfied', 'fully_connected']
    """
    check_frame(survey, "survey", "connection_measures")
    single = {"connection": connection, "satisfaction": satisfaction, "value": value}
    roles = {role: [c] for role, c in single.items() if c is not None}
    facets = column_list(facets, "facets", "connection_measures")
    extra = column_list(extra, "extra", "connection_measures")
    if motivators is not None:
        motivators = column_list(motivators, "motivators", "connection_measures")
    _check_columns(survey, {"facet": facets, **roles, "extra": extra})
    check_aligned(survey, "survey", sample_weight=sample_weight)
    w = check_weights(sample_weight, len(survey))
    if satisfied_threshold is not None:
        satisfied_threshold = check_float(
            satisfied_threshold, "satisfied_threshold", "connection_measures"
        )
    if motivators is None:
        motivators = [c for c in survey.columns if str(c).startswith(MOTIVATOR_PREFIX)]
    motivators = list(motivators)
    score = alpha = matrix = None
    if motivators:
        score = connection_score(survey, motivators, scale=motivator_scale)
        alpha = cronbach_alpha(survey[motivators], sample_weight=w)
        matrix = motivator_drivers(
            survey[list(facets)], survey[motivators], sample_weight=w
        )
    numeric = _role_numbers(survey, {**roles, "extra": extra})
    outcome = None if connection is None else numeric[connection]
    flags, rule_text = _connected(connected_rule, outcome, score)
    sat = None if satisfaction is None else numeric[satisfaction]
    info: dict = {"score_threshold_default": SCORE_THRESHOLD}
    if sat is not None:
        info["satisfied_threshold"] = (
            _top_two_boxes(sat) if satisfied_threshold is None else satisfied_threshold
        )
    if flags is None:
        tiers = pd.Series(pd.Categorical([None] * len(survey), categories=TIERS))
        table = pd.DataFrame(columns=["tier", "n", "share"])
        info["note"] = "tiers skipped: no rule for who is fully connected"
        return ConnectionMeasures(
            score, alpha, None, rule_text, tiers, table, matrix, info
        )
    # a respondent whose connection is unknown (no score) has no tier
    flags = np.asarray(flags, dtype=float)
    known = ~np.isnan(flags)
    labels = np.full(len(survey), None, dtype=object)
    labels[known] = connection_tiers(
        flags[known].astype(int),
        None if sat is None else sat[known],
        satisfied_threshold=info.get("satisfied_threshold"),
    ).to_numpy(dtype=object)
    tiers = pd.Series(
        pd.Categorical(labels, categories=TIERS), index=survey.index, name="tier"
    )
    shown = TIERS if sat is not None else (TIERS[0], TIERS[2])
    rows = [
        _tier_row(tier, tiers.to_numpy() == tier, w, numeric, value, sat, score, extra)
        for tier in shown
    ]
    table = pd.DataFrame(rows)
    table["share"] = table["share"] / w[known].sum()
    notes = []
    if not known.all():
        n = int((~known).sum())
        notes.append(
            f"{n:,} of {len(survey):,} respondents answered no motivator item: "
            "with no connection score, whether they are connected is unknown, "
            "so they have no tier and the shares are of the others"
        )
    if sat is None:
        notes.append(
            "highly satisfied tier left out: no satisfaction column (--satisfaction), "
            "so customers who are not connected are all counted unconnected"
        )
    if notes:
        info["note"] = "; ".join(notes)
    connected = pd.Series(
        flags if not known.all() else flags.astype(int),
        index=survey.index,
        name="fully_connected",
    )
    return ConnectionMeasures(
        score, alpha, connected, rule_text, tiers, table, matrix, info
    )


def _role_numbers(
    survey: pd.DataFrame, roles: dict[str, Sequence[str]]
) -> dict[str, np.ndarray]:
    """The role columns as float (empty cells NaN), by name; text that is
    not a number is refused, every column at once (read as missing, a yes/no
    outcome in words would make everyone unconnected)."""
    out, problems = {}, []
    for role, names in roles.items():
        for name in names:
            out[name], text = as_numbers(survey[name])
            if text:
                problems.append(
                    f"The {role} column '{name}' is not numeric: text in {text}. "
                    "Code it as numbers (a yes/no outcome as 0/1), empty where "
                    "there is no answer."
                )
    if problems:
        raise ValidationError(problems, subject="survey")
    return out


def _tier_row(tier, mask, w, numeric, value, sat, score, extra) -> dict:
    """One row of the tier table: size, weighted share and weighted means."""
    row = {"tier": tier, "n": int(mask.sum()), "share": float(w[mask].sum())}
    if value is not None:
        row["mean_value"] = _wmean(numeric[value], w, mask)
    if sat is not None:
        row["mean_satisfaction"] = _wmean(sat, w, mask)
    if score is not None:
        row["mean_connection_score"] = _wmean(score, w, mask)
    for col in extra:
        row[f"mean_{col}"] = _wmean(numeric[col], w, mask)
    return row
