"""Segment drivers: the driver ranking within each customer segment.

What connects a self-directed investor is not what connects a retiree with
an adviser. :func:`segment_drivers` ranks the facets within each value of a
segment column (``segment=``, ``--segment COL``) and says which facets'
importance differs between segments.

- **One model per segment.** Each segment with at least ``min_size``
  respondents gets its own driver model, fitted and bootstrapped as the
  whole survey is (:func:`emomotiv.bootstrap_importance`): importance shares
  with percentile intervals, a rank and the probability of a top-k place. In
  ``analyze`` the segment models see the facets alone, without the
  whole-survey model's halo score and context controls (``controls=`` adds
  them): on surveys in which warmth moves connection the halo score found
  each segment's drivers no better. A pooled model with segment indicators
  was the alternative; ``benchmarks/bench_segments.py`` sets the two side by
  side on the generator with segment-specific drivers
  (``make_survey(segment_effects=...)``). On it (6,000 respondents, 30
  facets, 3 segments) both found each segment's drivers about equally
  (precision@5 0.92 per segment, 5 seeds and 100 replicates, against 0.93
  pooled, one seed and 10), but the pooled model, whose trees split on a
  segment indicator only where the data reward it, mixed the segments: it
  flagged a third of the facets that truly differ (recall 0.33, against
  0.80) and more that do not (2 per run, against 0.6), so each segment is
  fitted on its own.
- **Too small to rank.** A segment below ``min_size`` respondents is
  reported (its size, and the reason) but not ranked: a driver model needs
  hundreds of respondents for tens of facets, and a ranking on fewer is
  mostly noise.
- **Does a facet's importance differ across segments?** The segments are
  disjoint samples, so their bootstrap replicates are independent. A share
  depends on how many respondents the model was fitted on as well as on the
  effects: the more respondents, the more a regularised model concentrates
  importance on the drivers. Segments of unequal size are therefore compared
  at one size, ``m``, the smallest ranked segment's: each segment's *matched
  share* ``s_k`` is the mean full-data share of ``J_k = ceil(n_k / m)``
  models fitted on random subsets of ``m`` of its respondents that together
  hold every respondent (the smallest segment keeps its own full-data fit).
  Its variance ``var_k`` is the segment's bootstrap variance ``v_k`` times
  ``n_k * sum_i c_i**2 / (J_k * m)**2`` (``c_i`` the subsets holding
  respondent ``i``; ``n_k / m`` for disjoint subsets), the first-order
  variance of a mean of such fits.
  Cochran's heterogeneity statistic ``Q = sum_k (s_k - s_w)^2 / var_k``
  (``s_w`` the inverse-variance weighted mean) is referred to a chi-square
  with K - 1 degrees of freedom (``p_differ``); Holm's step-down adjusts
  over the facets (``p_differ_adj``), and ``differs`` is
  ``p_differ_adj < alpha``. Compared at their own sizes instead, random 70/30
  splits of one survey (no segment differs; 6,000 respondents, 30 facets) were
  flagged in 2 runs of 10 after Holm, at one size in none of 6; on the
  generator with segment-specific drivers the matched test found 0.67 of the
  differing facets with no false flag, the own-size one 0.80 with 0.6 false
  flags per run (``benchmarks/bench_segments.py``). Shares are within-segment
  shares: a facet whose effect is the same everywhere can still lose share in
  a segment where another facet matters much more. The test reads full-data
  shares, not the reported bagged ones: bagging lifts a facet with no effect
  to a small floor, so a driver that is off in one segment differed less
  between bagged shares.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ._stats import model_matrix
from ._validation import ValidationError, check_float, check_int
from .importance import _as_groups

__all__ = ["SegmentDrivers", "segment_drivers"]

MIN_SEGMENT_SIZE = 300
MATCH_STREAM = 17  # the random subsets of the matched shares
COLUMNS = (
    "facet",
    "label",
    "segment",
    "n",
    "importance",
    "importance_low",
    "importance_high",
    "rank",
    "p_top",
    "ranked",
    "note",
    "p_differ",
    "p_differ_adj",
    "differs",
    "full_data_importance",
    "matched_importance",
)


@dataclass(frozen=True, repr=False)
class SegmentDrivers:
    """The driver ranking within each segment (:func:`segment_drivers`).

    Attributes
    ----------
    table : DataFrame
        Long format, one row per facet and segment (``segment_drivers.csv``):
        ``facet, label, segment, n, importance, importance_low,
        importance_high, rank, p_top, ranked, note, p_differ, p_differ_adj,
        differs, full_data_importance, matched_importance``
        (``full_data_importance``: the share of the segment's model fitted on
        all its respondents; ``matched_importance``: the mean share of models
        fitted on subsets of the smallest ranked segment's size, which the
        test of difference compares). A segment too small to rank has its
        rows with empty importance, ``ranked`` False and the reason in
        ``note``.
    results : dict of str -> ImportanceResult
        Each ranked segment's bootstrap result.
    info : dict
        ``min_size``, ``alpha``, ``test``, ``test_size`` (the size ``m`` the
        shares are compared at), ``n_ranked``, ``segments`` (size and whether
        ranked, per segment) and ``note``.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=900, n_facets=8, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> result = em.segment_drivers(
    ...     em.DriverModel(n_estimators=30, cv=0), X, y, s.survey["customer_type"],
    ...     min_size=250, n_boot=4, progress=False, random_state=0)
    >>> sorted(result.results)
    ['Advised', 'Self-directed']
    >>> result.info["segments"]["Retirement"]["ranked"]
    False
    """

    table: pd.DataFrame
    results: Mapping[str, Any] = field(default_factory=dict)
    info: Mapping[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The long table (``segment_drivers.csv``)."""
        return self.table.copy()

    def wide(self, column: str = "importance") -> pd.DataFrame:
        """Facets by segment: one column per segment, most-differing first."""
        frame = self.table.pivot(index="facet", columns="segment", values=column)
        order = (
            self.table.groupby("facet")["p_differ"]
            .first()
            .sort_values(na_position="last")
        )
        return frame.reindex(order.index)

    def to_summary(self) -> dict[str, Any]:
        """JSON-ready ``summary["segments"]``."""
        differs = self.table.loc[self.table["differs"].fillna(False).astype(bool)]
        return {
            **{k: v for k, v in self.info.items() if k != "segments"},
            "segments": dict(self.info.get("segments", {})),
            "differing": list(dict.fromkeys(differs["facet"])),
        }

    def __repr__(self) -> str:
        n = len(self.info.get("segments", {}))
        return f"SegmentDrivers({n} segments, {len(self.results)} ranked)"


def _check_segments(segments, n: int, min_size: int) -> np.ndarray:
    if isinstance(segments, str):
        raise ValidationError(
            [
                "segments must hold one label per respondent, such as "
                f"survey[{segments!r}]; got the string {segments!r}."
            ],
            subject="segments",
        )
    labels = pd.Series(np.asarray(segments, dtype=object))
    problems = []
    if len(labels) != n:
        problems.append(f"segments has {len(labels)} entries but X has {n} rows.")
    if labels.isna().any():
        problems.append(
            f"The segment column has {int(labels.isna().sum())} empty cells; "
            "give every respondent a segment (e.g. 'unknown')."
        )
    if problems:
        raise ValidationError(problems, subject="segments")
    return labels.astype(str).to_numpy()


def _p_column(table: pd.DataFrame) -> str | None:
    """The bootstrap's top-k probability column, whatever its k."""
    named = [c for c in table.columns if str(c).startswith("p_top")]
    return named[0] if named else None


def _heterogeneity(
    results: Mapping[str, Any],
    facets: list[str],
    matched: Mapping[str, tuple[np.ndarray, float]] | None = None,
) -> pd.Series:
    """Cochran's Q p-value per facet from independent bootstrap replicates.

    ``matched`` maps each segment to its matched shares and the factor that
    turns its bootstrap variance into theirs (:func:`_matched`); without it,
    the full-data shares with the bootstrap variances.
    """
    from scipy.stats import chi2

    if len(results) < 2 or any(r.replicates is None for r in results.values()):
        return pd.Series(np.nan, index=facets)
    if matched is None:
        matched = {
            name: (r.table["full_data_importance"].reindex(facets).to_numpy(), 1.0)
            for name, r in results.items()
        }
    share = np.column_stack([matched[name][0] for name in results])
    var = np.column_stack(
        [
            r.replicates[facets].var(axis=0, ddof=1).to_numpy() * matched[name][1]
            for name, r in results.items()
        ]
    )
    var = np.maximum(var, 1e-12)
    w = 1 / var
    pooled = (w * share).sum(axis=1) / w.sum(axis=1)
    q = (w * (share - pooled[:, None]) ** 2).sum(axis=1)
    p = chi2.sf(q, df=share.shape[1] - 1)
    return pd.Series(p, index=facets)


def _subset_share(fit, model, part, y, w, facets, pick) -> np.ndarray:
    """The full-data share of ``model`` fitted on the rows ``pick`` alone."""
    from sklearn.base import clone

    one = fit(clone(model), part.iloc[pick], y[pick], sample_weight=w[pick], n_boot=0)
    return one.table["full_data_importance"].reindex(facets).to_numpy()


def _subsets(y: np.ndarray, m: int, seed) -> list[np.ndarray]:
    """``ceil(n / m)`` random subsets of ``m`` rows that together hold every row.

    The rows are shuffled with each outcome value spread evenly through the
    order, which is then cut into consecutive blocks of ``m``, wrapping
    around: the last block reuses the first rows, so a row is in one subset
    or, at the wrap, in two.
    """
    n = len(y)
    rng = np.random.default_rng(None if seed is None else [seed, MATCH_STREAM])
    _, group, counts = np.unique(y, return_inverse=True, return_counts=True)
    rank = np.empty(n)
    for g in range(len(counts)):  # a random place within the outcome value
        rows = np.flatnonzero(group == g)
        rank[rows] = rng.permutation(len(rows))
    order = np.argsort((rank + rng.random(n)) / counts[group], kind="stable")
    parts = -(-n // m)
    return [np.sort(order[np.arange(i * m, (i + 1) * m) % n]) for i in range(parts)]


def _matched(fit_share, result, facets, y, m: int, seed) -> tuple[np.ndarray, float]:
    """A segment's share at ``m`` respondents, and its variance factor.

    The mean full-data share of models fitted on subsets of ``m``
    respondents that together hold every respondent (:func:`_subsets`;
    ``fit_share(rows)`` fits one). Its variance, to first order (a share as
    a mean of the respondents' contributions), is the segment's bootstrap
    variance times ``n * sum_i c_i**2 / (J * m)**2``, with ``c_i`` the number
    of the ``J`` subsets that hold respondent ``i``. A segment of ``m``
    respondents keeps its full-data share.
    """
    share = result.table["full_data_importance"].reindex(facets).to_numpy()
    n = len(y)
    if n <= m:
        return share, 1.0
    subsets = _subsets(y, m, seed)
    fits = [fit_share(rows) for rows in subsets]
    times = np.bincount(np.concatenate(subsets), minlength=n)
    return np.mean(fits, axis=0), n * float(np.sum(times**2)) / (len(fits) * m) ** 2


def _holm(p: pd.Series) -> pd.Series:
    from statsmodels.stats.multitest import multipletests

    out = pd.Series(np.nan, index=p.index)
    ok = p.notna()
    if ok.any():
        out[ok] = multipletests(p[ok].to_numpy(), method="holm")[1]
    return out


def _segment_rows(facets, segment, n, result, note) -> pd.DataFrame:
    rows = pd.DataFrame({"facet": facets, "segment": segment, "n": n})
    if result is None:
        return rows.assign(ranked=False, note=note)
    frame = result.to_frame().set_index("facet").reindex(facets)
    rows["importance"] = frame["importance"].to_numpy()
    rows["importance_low"] = frame["importance_low"].to_numpy()
    rows["importance_high"] = frame["importance_high"].to_numpy()
    rows["full_data_importance"] = frame["full_data_importance"].to_numpy()
    rows["rank"] = frame["rank"].to_numpy()
    p_col = _p_column(frame)
    rows["p_top"] = frame[p_col].to_numpy() if p_col else np.nan
    return rows.assign(ranked=True, note=note)


def segment_drivers(
    model,
    X: pd.DataFrame,
    y,
    segments,
    *,
    sample_weight=None,
    labels: Mapping[str, str] | None = None,
    min_size: int = MIN_SEGMENT_SIZE,
    alpha: float = 0.05,
    n_boot: int = 100,
    level: float = 0.9,
    n_jobs: int | None = None,
    progress: bool = True,
    random_state: int | None = None,
    boot_size: int | None = None,
    controls=None,
) -> SegmentDrivers:
    """Rank the facets within each segment and test where segments differ.

    Parameters
    ----------
    model : DriverModel
        An unfitted driver model; each segment gets a fitted clone.
    X : DataFrame of shape (n_respondents, n_columns)
        Facet ratings, columns named by facet; NaN = not experienced. With
        ``controls``, also the control columns (as
        :func:`emomotiv.design_matrix` gives them).
    y : array-like of shape (n_respondents,)
        Connection outcome.
    segments : array-like of shape (n_respondents,)
        Each respondent's segment (no empty cells).
    sample_weight : array-like or None
        Survey weights; they enter each segment's fit and importance.
    labels : mapping of facet -> label, optional
        Facet labels for the ``label`` column.
    min_size : int, default=300
        Respondents a segment needs to be ranked; smaller ones are reported,
        with the reason, but not ranked.
    alpha : float, default=0.05
        Level of the Holm-adjusted test of difference (``differs``).
    n_boot, level, n_jobs, progress, random_state, boot_size
        As in :func:`emomotiv.bootstrap_importance`, per segment.
    controls : sequence of str, mapping of str -> str, or None
        Columns of ``X`` that are controls (the halo score, customer
        context; see :func:`emomotiv.bootstrap_importance`): each segment's
        model sees them, and only the facets are ranked. ``analyze`` fits
        the segment models on the facets alone: with the halo score as a
        control they found each segment's drivers no better (measured in
        ``benchmarks/bench_segments.py``).

    Returns
    -------
    SegmentDrivers

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=900, n_facets=8, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> result = em.segment_drivers(
    ...     em.DriverModel(n_estimators=30, cv=0), X, y, s.survey["customer_type"],
    ...     min_size=250, n_boot=4, progress=False, random_state=0)
    >>> list(result.to_frame().columns[:5])
    ['facet', 'label', 'segment', 'n', 'importance']
    """
    from sklearn.base import clone

    from .bootstrap import bootstrap_importance

    owner = "segment_drivers"
    check_int(min_size, "min_size", owner, min_value=2)
    check_float(alpha, "alpha", owner, low=0, high=1, inclusive=False)
    groups = _as_groups(controls, [str(c) for c in X.columns])
    facets = [str(c) for c in X.columns if str(c) not in groups]
    seg = _check_segments(segments, len(X), min_size)
    w = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, float)
    y = np.asarray(y)
    results: dict[str, Any] = {}
    matched: dict[str, tuple[np.ndarray, float]] = {}
    parts, sizes = [], {}
    names = sorted(set(seg))
    counts = {name: int((seg == name).sum()) for name in names}
    rankable = [
        name
        for name in names
        if counts[name] >= min_size and len(np.unique(y[seg == name])) > 1
    ]
    m = min((counts[name] for name in rankable), default=0)
    for k, name in enumerate(names):
        rows = seg == name
        n = counts[name]
        result, note = None, None
        if n < min_size:
            note = (
                f"not ranked: {n} respondents, below the minimum of {min_size} "
                f"for a driver model of {len(facets)} facets"
            )
        elif name not in rankable:
            note = "not ranked: the outcome takes one value in this segment"
        else:
            seed = None if random_state is None else random_state + k
            # the segment's ratings as the model reads them (float32: memory)
            part = pd.DataFrame(
                model_matrix(X, rows), columns=X.columns, index=X.index[rows]
            )
            fit = partial(
                bootstrap_importance,
                level=level,
                n_jobs=n_jobs,
                progress=progress,
                random_state=seed,
                controls=groups or None,
            )
            result = fit(
                clone(model),
                part,
                y[rows],
                sample_weight=w[rows],
                n_boot=n_boot,
                boot_size=boot_size,
            )
            results[name] = result
            if len(rankable) > 1 and n_boot > 1:  # the test's shares, at size m
                fit_share = partial(
                    _subset_share, fit, model, part, y[rows], w[rows], facets
                )
                matched[name] = _matched(fit_share, result, facets, y[rows], m, seed)
        sizes[name] = {"n": n, "ranked": result is not None, "note": note}
        parts.append(_segment_rows(facets, name, n, result, note))
    table = pd.concat(parts, ignore_index=True)
    p = _heterogeneity(results, facets, matched or None)
    p_adj = _holm(p)
    share = {name: dict(zip(facets, v[0], strict=True)) for name, v in matched.items()}
    table["matched_importance"] = [
        share.get(g, {}).get(f, np.nan)
        for g, f in zip(table["segment"], table["facet"], strict=True)
    ]
    table["p_differ"] = table["facet"].map(p)
    table["p_differ_adj"] = table["facet"].map(p_adj)
    differs = (table["p_differ_adj"] < alpha).astype("boolean")
    differs[table["p_differ_adj"].isna()] = pd.NA
    table["differs"] = differs
    table.insert(1, "label", [dict(labels or {}).get(f, f) for f in table["facet"]])
    table = table.reindex(columns=list(COLUMNS))
    table = table.sort_values(["segment", "rank"], kind="stable", ignore_index=True)
    note = None
    if len(results) < 2:
        note = "no test of difference: fewer than two segments are large enough to rank"
    elif n_boot < 2:
        note = "no test of difference: it needs bootstrap replicates (n_boot >= 2)"
    info = {
        "min_size": min_size,
        "alpha": alpha,
        "test": (
            "Cochran's Q on the within-segment full-data importance shares at "
            "the smallest ranked segment's size (the mean over subsets of that "
            "many respondents that hold every respondent) with bootstrap "
            "variances (chi-square, K-1 df), Holm-adjusted over the facets"
        ),
        "test_size": m if len(results) > 1 else None,
        "n_ranked": len(results),
        "segments": sizes,
        "note": note,
    }
    return SegmentDrivers(table, results, info)
