"""Segment drivers: the driver ranking within each customer segment.

What connects a self-directed investor is not what connects a retiree with
an adviser. :func:`segment_drivers` ranks the facets within each value of a
segment column (``segment=``, ``--segment COL``) and says which facets'
effects differ between segments.

- **One model per segment.** Each segment with at least ``min_size``
  respondents gets its own driver model, fitted and bootstrapped as the
  whole survey is (:func:`emomotiv.bootstrap_importance`): importance shares
  with percentile intervals, a rank and the probability of a top-k place. In
  ``analyze`` the segment models see the whole-survey model's halo score and
  context controls and hold them fixed (``controls=``): on surveys in which
  warmth moves connection, segment models on the facets alone handed it to
  every well-rated facet (the facets that move nothing took up 0.76 of each
  segment's true total gain, 0.12 with the halo score), at the price of a
  less sensitive test of difference (recall 0.53 against 0.67). A pooled
  model with segment indicators was the alternative;
  ``benchmarks/bench_segments.py`` sets the two side by side on the
  generator with segment-specific drivers
  (``make_survey(segment_effects=...)``). On it (6,000 respondents, 30
  facets, 3 segments, 5 seeds, 100 replicates) both found each segment's
  drivers about equally (precision@5 0.93 per segment, 0.91 pooled), but
  the pooled model pulled the segments toward their average: tested on the
  same one-point gains from its one bootstrap, it flagged none of the
  facets that truly differ, against 0.80 here, so each segment is fitted on
  its own.
- **Too small to rank.** A segment below ``min_size`` respondents is
  reported (its size, and the reason) but not ranked: a driver model needs
  hundreds of respondents for tens of facets, and a ranking on fewer is
  mostly noise. So is a segment whose weights are all zero, or whose outcome
  takes one value. A ranked segment whose survey weights make it worth fewer
  than ``min_size`` respondents (Kish's effective size) is ranked with a
  ``note`` that says so. A warning of a segment's fit names the segment;
  one about the run (``n_boot=1``, or the same text in every ranked
  segment's fit) is said once.
- **Does a facet's effect differ across segments?** Each ranked segment's
  replicate models also simulate a one-point rise of every facet, out of
  bag, as the whole survey's ROI does (``delta_connected``: the change in
  the segment's connected share, bagged, with its percentile interval).
  The segments are disjoint samples, so their replicates are independent:
  Cochran's heterogeneity statistic ``Q = sum_k (g_k - g_w)^2 / v_k`` (``g_k``
  a segment's gain, ``v_k`` the variance of its replicates, ``g_w`` the
  inverse-variance weighted mean) is read as Welch's (1951) test of equal
  means with unequal variances (``p_differ``): ``Q / (K - 1)``, corrected,
  on F with the degrees of freedom of the ``v_k`` (each segment's
  replicates less one); for two segments, Welch's t. On chi-square with
  K - 1 degrees of freedom, which takes the ``v_k`` as known, a few
  replicates agreeing by chance made differences (random 60/40 splits of
  one survey, 12 seeds, 3 replicates: 19% of raw p below 0.05, against 5%
  on F).
  Holm's step-down adjusts over the facets (``p_differ_adj``), and
  ``differs`` is ``p_differ_adj < alpha``. A segment in which nobody rated
  a facet (a touchpoint it does not use), fewer than ``MIN_RATERS`` (3)
  rated it, or every rater gave the same rating, cannot estimate its
  effect: its gain there is 0 with no spread because there is nobody to
  raise or no second rating seen, not because the facet does nothing (read
  as an effect of 0, it flagged the whole survey's top driver blanked in
  one segment of three in 3 runs of 3, and a facet rated 7 by every rater
  of one segment, the same in every segment, at adjusted p 0.0007). So
  does a facet the segment's models split on in fewer than half of its
  bootstrap replicates (``MIN_SPLIT_SHARE``): too few of its raters differ
  from the rest for a tree's leaf (94% of one segment rating it 8, or a few
  dozen raters), so its gain reads about 0 with no spread (0.000005 in [0,
  0.000005] where the truth was 0.071, flagged as differing at adjusted p
  5e-5); on the bundled sample no facet of any segment went unsplit in more
  than one replicate in ten. That
  cell's row is left empty, with the reason in ``note``, the segment's
  ranks run over the facets it can estimate, and the cell is left out of
  the facet's test; with fewer than two segments left, ``p_differ`` is
  empty.
  The test reads the gains, not the importance shares: a share is relative
  to the segment's other facets and depends on how many respondents its
  model saw (the more, the more a regularised model concentrates importance
  on the drivers), so larger segments' shares of the same effect read
  higher, and correcting for that cost power. On the generator with
  segment-specific drivers (6,000 respondents, 30 facets, 3 segments, 5
  seeds, 100 replicates) the gains found 0.80 of the truly differing facets
  with no false flag, against 0.67 for the shares compared at one size; on
  random 70/30 splits of one survey, in which no segment differs, neither
  flagged a facet in 6 runs (``benchmarks/bench_segments.py``). It needs no
  fit beyond each segment's bootstrap, only its predictions (on the bundled
  sample the segment step takes about 47 s of a 100 s run on 2 cores).
- **Is a segment's ranking stable?** Each ranked segment's replicates give
  the same top-k overlap as the whole survey's (``info["segments"][name]
  ["stability"]``, see :func:`emomotiv.bootstrap_importance`), with ``low``
  below the same threshold: a segment is a smaller survey, and at a few
  hundred respondents its top touchpoints are often noise even where the
  whole survey's are not.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._debias import check_gains
from ._stats import (
    FEW_REPLICATES,
    adjust_p,
    facet_profile,
    format_against,
    kish_size,
    model_matrix,
)
from ._validation import (
    EmomotivWarning,
    ValidationError,
    check_aligned,
    check_float,
    check_int,
    check_weights,
    listed,
)
from .importance import _as_groups
from .model import DriverModel, check_model, check_outcome
from .schema import FacetCatalog, ways_text, written_ways

__all__ = ["SegmentDrivers", "segment_drivers"]

MIN_SEGMENT_SIZE = 300
# raters a facet needs within a segment for its effect there, as each facet
# needs for the classical methods' correlations (emomotiv.classical)
MIN_RATERS = 3
# a facet its segment's models split on in fewer than this share of the
# bootstrap replicates cannot be estimated there
MIN_SPLIT_SHARE = 0.5
FOLDS = 5  # the folds of a segment's out-of-fold gains, per outcome class
GAIN_COLUMNS = ("delta_connected", "delta_connected_low", "delta_connected_high")
COLUMNS = (
    "facet",
    "label",
    "segment",
    "n",
    "segment_share",
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
    *GAIN_COLUMNS,
    "p_value",
    "beyond_noise",
    "reach",
    "mean_score",
)


@dataclass(frozen=True, repr=False, eq=False)
class SegmentDrivers:
    """The driver ranking within each segment (:func:`segment_drivers`).

    Attributes
    ----------
    table : DataFrame
        Long format, one row per facet and segment (``segment_drivers.csv``):
        ``facet, label, segment, n, segment_share`` (the segment's weighted
        share of the survey's respondents), ``importance, importance_low,
        importance_high, rank, p_top, ranked, note, p_differ, p_differ_adj,
        differs, full_data_importance`` (the share of the segment's model
        fitted on all its respondents), ``delta_connected,
        delta_connected_low, delta_connected_high`` (the simulated change in
        the segment's connected share for a one-point rise, which the test
        of difference compares), ``p_value, beyond_noise`` (whether that
        change differs from zero, corrected over the segment's facets as
        :func:`emomotiv.simulate.noise_flags` does), ``reach, mean_score``
        (the weighted share of the segment's respondents who rated the facet,
        and their weighted mean rating: a touchpoint fewer use in a segment
        moves less of its connected share). A segment too small to
        rank has its rows
        with empty importance, ``ranked`` False and the reason in ``note``;
        a ranked segment whose survey weights leave fewer than ``min_size``
        respondents in effect (Kish's size) says so in ``note``. A facet
        the segment cannot estimate (nobody rated it there, fewer than
        ``MIN_RATERS`` did, or every rater gave one rating) has its row
        empty but for ``ranked`` and the reason in ``note``; the segment's
        ranks run over the other facets.
    results : dict of str -> ImportanceResult
        Each ranked segment's bootstrap result.
    info : dict
        ``min_size``, ``alpha``, ``test``, ``n_ranked``, ``segments`` (per
        segment: its size ``n``, its weighted ``share`` of the survey,
        whether ``ranked``, the ``note`` (why not,
        or the caution on a ranked segment's weights),
        and the ranking's ``stability``: ``top_k_overlap``, ``threshold``,
        ``low``, ``settled`` and ``top_k``, or None without replicates),
        ``note``, ``unassigned`` (the
        respondents in no segment) and ``left_out`` (a sentence on them, or
        None).

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


def _smallest_class(y: np.ndarray) -> int:
    """Respondents in the smaller class of a 0/1 outcome (all, for a score)."""
    counts = np.unique(y, return_counts=True)[1]
    return int(counts.min()) if len(counts) == 2 else len(y)


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
    if len(labels) != n:
        raise ValidationError(
            [f"segments has {len(labels)} entries but X has {n} rows."],
            subject="segments",
        )
    out = labels.map(_segment_name).to_numpy(dtype=object)
    # an empty cell, or one of spaces only, is in no segment
    out[labels.isna().to_numpy() | (out == "")] = None
    if n and all(name is None for name in out):
        raise ValidationError(
            [
                f"segments is empty for every one of the {n:,} respondents, so "
                "there is no segment to rank. Check that the segment column is "
                "the one meant and holds its values (a cell that is empty or "
                "holds spaces only is in no segment)."
            ],
            subject="segments",
        )
    several = written_ways([name for name in out if name is not None])
    if several:  # "North", "NORTH", "north": one segment, three models
        raise ValidationError(
            [
                "segments writes one segment in more than one way (case aside): "
                f"{ways_text(several)}. Each would be a segment of its own; write "
                "each segment one way (survey[col].replace() of the other ways by "
                "the one to keep)."
            ],
            subject="segments",
        )
    return out


def _stability(result) -> dict[str, Any] | None:
    """A ranked segment's top-k overlap, whether it is low, and the facets
    that stand out even so (None: not ranked, or no replicates)."""
    stability = None if result is None else result.info.get("stability")
    if not stability or stability.get("top_k_overlap") is None:
        return None
    keys = ("top_k_overlap", "threshold", "low", "settled")
    return {key: stability[key] for key in keys} | {"top_k": result.info["top_k"]}


def _segment_name(value: object) -> str:
    """A segment's name: a code read as a float (a numeric column with empty
    cells holds 1.0, 2.0) without its '.0', text without the spaces around
    it, in one Unicode form (NFC: an 'É' typed as 'E' and an accent, as
    some exports write it, is the same 'É')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # 'Advised ' typed with a space is 'Advised'
    return unicodedata.normalize("NFC", str(value)).strip()


def _p_column(table: pd.DataFrame) -> str | None:
    """The bootstrap's top-k probability column, whatever its k."""
    named = [c for c in table.columns if str(c).startswith("p_top")]
    return named[0] if named else None


def _heterogeneity(
    gains: Mapping[str, Any], facets: list[str], rated: np.ndarray | None = None
) -> pd.Series:
    """Welch's test of equal gains per facet from independent bootstrap
    replicates (Cochran's Q read on F rather than chi-square).

    ``gains`` maps each ranked segment to its one-point raises
    (:class:`~emomotiv.SimulationResult`, one row per facet in ``facets``
    order): the bagged gains and the variance of their replicates. Each
    variance is estimated from its segment's replicates (their number less
    one degrees of freedom), so ``Q / (K - 1)`` is referred to Welch's
    (1951) F rather than ``Q`` to chi-square with K - 1 degrees of freedom;
    for two segments, Welch's t with Welch-Satterthwaite degrees of freedom.
    ``rated`` (facets x segments, in ``gains`` order) says where a facet's
    effect can be estimated: a segment in which nobody rated it, or every
    rater gave the same rating, has a gain of 0 with no spread because there
    is nobody to raise or no other rating seen, not because the facet does
    nothing there, so it is left out of that facet's test (NaN where fewer
    than two segments are left).
    """
    from scipy.stats import f

    reps = [g.replicates for g in gains.values()]
    if len(gains) < 2 or any(r is None or len(r) < 2 for r in reps):
        return pd.Series(np.nan, index=facets)
    gain = np.column_stack([g.table["delta_connected"] for g in gains.values()])
    use = np.ones(gain.shape, dtype=bool) if rated is None else np.asarray(rated)
    var = np.column_stack([r.var(axis=0, ddof=1) for r in reps])
    var = np.maximum(var, 1e-12)
    df = np.column_stack([np.isfinite(np.asarray(r, float)).sum(axis=0) for r in reps])
    df = np.maximum(df - 1.0, 1.0)
    k = use.sum(axis=1)
    w = np.where(use, 1 / var, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):  # k < 2: no test
        share = w / w.sum(axis=1, keepdims=True)
        pooled = (share * gain).sum(axis=1)
        q = (w * (gain - pooled[:, None]) ** 2).sum(axis=1)
        spread = np.where(use, (1 - share) ** 2 / df, 0.0).sum(axis=1)
        stat = q / (k - 1) / (1 + 2 * (k - 2) / (k**2 - 1) * spread)
        p = f.sf(stat, k - 1, (k**2 - 1) / (3 * spread))
    return pd.Series(np.where(k >= 2, p, np.nan), index=facets)


def _not_estimable(X: pd.DataFrame, raters: np.ndarray, facets) -> pd.Series:
    """Why each facet's effect cannot be estimated within a segment, by
    facet (None: it can).

    ``raters`` marks the segment's respondents with a weight above 0. A
    facet nobody of them rated, or rated by fewer than :data:`MIN_RATERS`,
    or given one rating by all who rated it, leaves its model nothing to
    learn a one-point rise from: its gain there is 0 with no spread, as the
    model never saw another rating.
    """
    part = X.loc[raters, list(facets)]
    count = part.notna().sum().to_numpy()
    distinct = part.nunique().to_numpy()
    top = part.max().to_numpy()
    notes = []
    for n, k, value in zip(count, distinct, top, strict=True):
        if n == 0:
            notes.append("not rated in this segment")
        elif k == 1:
            who = "its one rater" if n == 1 else f"every one of its {n} raters"
            notes.append(f"{who} in this segment gave {value:g}: no effect to estimate")
        elif n < MIN_RATERS:
            notes.append(
                f"rated by {n} respondents in this segment, fewer than the "
                f"{MIN_RATERS} an effect needs"
            )
        else:
            notes.append(None)
    return pd.Series(notes, index=list(facets), dtype=object)


def _rarely_split(result, cells: pd.Series) -> pd.Series:
    """``cells`` (:func:`_not_estimable`'s reasons, by facet) with the
    facets the segment's bootstrap cannot estimate either: its models split
    on them in fewer than :data:`MIN_SPLIT_SHARE` of the replicates (a facet
    never split on has an importance of exactly 0 there), so their gain is
    about 0 with no spread.
    """
    notes = cells.copy()
    reps = None if result is None else result.replicates
    if reps is None or len(reps) < 2:
        return notes
    # over the replicates that split on some facet (the others rank nothing)
    reps = reps[list(cells.index)].dropna(how="all")
    used = (reps.to_numpy() > 0).sum(axis=0)
    for facet, k in zip(cells.index, used, strict=True):
        if notes[facet] is None and k < MIN_SPLIT_SHARE * len(reps):
            notes[facet] = (
                f"the segment's models split on it in {k} of the {len(reps)} "
                "resamples that split on any facet: too few of its raters "
                "differ from the rest for an effect to be estimated"
            )
    return notes


def _segment_rows(facets, segment, n, result, gain, note, cells) -> pd.DataFrame:
    """A segment's rows of the long table; ``cells`` (by facet) says why a
    facet cannot be estimated there, and its row is left empty with that
    note."""
    from .simulate import UNCORRECTED, noise_flags

    rows = pd.DataFrame({"facet": facets, "segment": segment, "n": n})
    if result is None:
        return rows.assign(ranked=False, note=note, estimable=None)
    out = cells.reindex(facets).notna().to_numpy()
    for name in GAIN_COLUMNS:
        rows[name] = gain.table[name].where(~out).to_numpy()
    reps = np.empty((0, len(facets))) if gain.replicates is None else gain.replicates
    reps = np.asarray(reps, dtype=float)
    # beyond noise among the facets the segment can estimate
    p_value = np.full(len(facets), np.nan)
    beyond = pd.array([pd.NA] * len(facets), dtype="boolean")
    if (~out).any():
        p_value[~out], beyond[~out], _ = noise_flags(
            rows["delta_connected"][~out],
            reps[:, ~out],
            level=gain.info.get("level", 0.9),  # the interval shown beside
        )
    rows["p_value"], rows["beyond_noise"] = p_value, beyond
    frame = result.to_frame().set_index("facet").reindex(facets)
    if out.any():
        frame.loc[out] = np.nan
    rows["importance"] = frame["importance"].to_numpy()
    rows["importance_low"] = frame["importance_low"].to_numpy()
    rows["importance_high"] = frame["importance_high"].to_numpy()
    rows["full_data_importance"] = frame["full_data_importance"].to_numpy()
    rank = frame["rank"]
    rows["rank"] = (rank.rank(method="min") if out.any() else rank).to_numpy()
    p_col = _p_column(frame)
    rows["p_top"] = frame[p_col].to_numpy() if p_col else np.nan
    # a gain the correction left the model's own, among debiased ones: shown,
    # said, and left out of the test of difference
    kept = np.isin(facets, gain.info.get("uncorrected", [])) & ~out
    rows["estimable"] = ~out & ~kept
    cells = cells[facets].where(~kept, UNCORRECTED)
    notes = ["; ".join(filter(None, [cell, note])) or None for cell in cells]
    return rows.assign(ranked=True, note=notes)


def _not_ranked(n: int, y, w, min_size: int, n_facets: int) -> str | None:
    """Why a segment is not ranked (None: it is)."""
    if n < min_size:
        return (
            f"not ranked: {n} respondent{'' if n == 1 else 's'}, below the "
            f"minimum of {min_size} "
            f"for a driver model of {n_facets} facets"
        )
    if not w.sum() > 0:
        return (
            f"not ranked: every one of its {n} respondents has weight 0, so "
            "none of them counts"
        )
    if len(np.unique(y)) < 2:
        return "not ranked: the outcome takes one value in this segment"
    if _smallest_class(y) < FOLDS:
        return (
            f"not ranked: {_smallest_class(y)} respondents in one "
            f"outcome class of this segment, fewer than the {FOLDS} a model "
            "of it needs (its ranking and gains would be noise)"
        )
    return None


def _learned_nothing(result) -> str | None:
    """Why a fitted segment is not ranked after all (None: it is): its models
    split on no facet in at least :data:`MIN_SPLIT_SHARE` of the resamples
    (or, without a bootstrap, when fitted on all its respondents), so every
    facet's share is the same and its ranks would follow column order."""
    reps = result.replicates
    n_boot = 0 if reps is None else len(reps)
    if n_boot:
        flat = int(result.info.get("no_split", 0))
        where = f"in {flat} of {n_boot} resamples"
    else:
        flat = int(not result.table["raw_importance"].sum() > 0)
        where = "fitted on all its respondents"
    if flat < MIN_SPLIT_SHARE * max(n_boot, 1):
        return None
    rest = (
        f"its ranking would rest on the {n_boot - flat} that split, fewer than half"
        if 0 < flat < n_boot
        else "every facet would get the same share, ranked by column order"
    )
    return (
        f"not ranked: its models made no split on any facet {where} (too few "
        "respondents, or too few in one outcome class, for the model's "
        f"settings): {rest}"
    )


def _few_in_effect(w: np.ndarray, min_size: int) -> str | None:
    """A ranked segment's caution when its weights leave fewer than
    ``min_size`` respondents in effect (Kish's size), else None."""
    size = kish_size(w[w > 0])
    if size >= min_size:
        return None
    return (
        f"ranked, but its weights make its {len(w)} respondents worth "
        f"{size:.0f} (Kish's effective size), below the minimum of {min_size}: "
        "a few heavily weighted respondents set its ranking and gains"
    )


@contextmanager
def _recorded(caught: dict[str, list], name: str):
    """Record the warnings raised while segment ``name`` is fitted, in
    ``caught[name]``; :func:`_say_warnings` says them once the loop ends."""
    with warnings.catch_warnings(record=True) as found:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            caught[name] = list(found)


def _say_warnings(caught: Mapping[str, list], complete: bool) -> None:
    """Say the warnings of the segments' fits, each once.

    A warning of the same text in the fit of every ranked segment (at least
    two, and all of them fitted: ``complete``) speaks of the run, such as
    ``n_boot=1``, not of a segment: it is said once, as about every ranked
    segment; a setting's own warning is said once whatever the number of
    segments. Any other UserWarning names its segment (a warning about "294
    respondents" says nothing of which segment). Other categories (a
    library's deprecation) are said once, as they were raised.
    """
    from .bootstrap import ONE_REPLICATE

    keys = {
        name: {(w.category, str(w.message)) for w in found}
        for name, found in caught.items()
    }
    shared = set.intersection(*keys.values()) if complete and keys else set()
    said = set()
    for name, found in caught.items():
        for item in found:
            key = (item.category, str(item.message))
            user = issubclass(item.category, UserWarning)
            setting = key[1] == ONE_REPLICATE or re.match(FEW_REPLICATES, key[1])
            everywhere = key in shared and (len(caught) > 1 or setting)
            where = None if everywhere or not user else name
            if (where, key) in said:
                continue
            said.add((where, key))
            if not user:  # as it was raised
                warnings.warn_explicit(
                    item.message, item.category, item.filename, item.lineno
                )
            elif where is not None:
                warnings.warn(f"Segment {name!r}: {key[1]}", key[0], stacklevel=3)
            elif setting:  # a setting of the whole run
                warnings.warn(key[1], key[0], stacklevel=3)
            else:
                warnings.warn(
                    f"In every ranked segment ({len(caught)}): {key[1]}",
                    key[0],
                    stacklevel=3,
                )


def _fit_segment(model, X, y, w, rows, fit: Mapping[str, Any]):
    """One segment's fitted bootstrap and its one-point gains, out of bag."""
    from sklearn.base import clone

    from .bootstrap import bootstrap_importance
    from .simulate import RaiseScore, simulate_improvement

    # the segment's ratings as the model reads them (float32: memory)
    part = pd.DataFrame(model_matrix(X, rows), columns=X.columns, index=X.index[rows])
    fitted = clone(model).set_params(cv=0)
    fitted.fit(part, y[rows], sample_weight=w[rows])
    groups = fit["groups"]
    result = bootstrap_importance(
        fitted,
        part,
        y[rows],
        sample_weight=w[rows],
        n_boot=fit["n_boot"],
        level=fit["level"],
        n_jobs=fit["n_jobs"],
        progress=fit["progress"],
        # one seed for every segment, not one by its place among the
        # labels: renaming a segment must not redraw the others'
        random_state=fit["random_state"],
        controls=groups or None,
        boot_size=fit["boot_size"],
        client=fit["client"],
    )
    gain = simulate_improvement(
        fitted,
        part,
        [RaiseScore(f, 1) for f in fit["facets"]],
        y=y[rows],
        sample_weight=w[rows],
        catalog=fit["catalog"],
        level=fit["level"],
        n_boot=0,
        cross_fit=FOLDS,
        random_state=fit["random_state"],
        controls=list(groups) or None,
        bootstrap=result if fit["n_boot"] > 0 else None,
        n_jobs=fit["n_jobs"],
        gains=fit["gains"],
    )
    return result, gain


def segment_drivers(
    model: DriverModel,
    X: pd.DataFrame,
    y: ArrayLike,
    segments: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    labels: Mapping[str, str] | None = None,
    min_size: int = MIN_SEGMENT_SIZE,
    alpha: float = 0.05,
    n_boot: int = 100,
    level: float = 0.9,
    n_jobs: int | None = None,
    progress: bool = True,
    random_state: int | None = None,
    boot_size: int | None = None,
    controls: Sequence[str] | Mapping[str, str] | None = None,
    catalog: FacetCatalog | pd.DataFrame | None = None,
    client: Any = None,
    gains: str = "model",
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
        Each respondent's segment; a respondent with none (NaN or None) is
        left out of every segment model (``info["unassigned"]``).
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
        model sees them, no scenario moves them, and only the facets are
        ranked (``info["controls"]`` names them). ``analyze`` gives the
        segment models the whole survey's controls (measured in
        ``benchmarks/bench_segments.py``).
    catalog : FacetCatalog, DataFrame or None
        Supplies each facet's scale for the one-point rise (a rating at the
        top of its scale stays there); the default scale is 1-10.
    client : dask.distributed.Client or None, default=None
        Run each segment's bootstrap replicates on this Dask cluster, as
        :func:`emomotiv.bootstrap_importance` does; the result is the local
        run's. The one-point rises are simulated on local threads (``n_jobs``).
    gains : {"model", "debiased"}, default="model"
        Each segment's one-point gains: its models' own, or with the
        one-step correction (see :func:`emomotiv.plan_improvements`; needs
        ``n_boot`` > 0).

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
    >>> list(result.to_frame().columns[:6])
    ['facet', 'label', 'segment', 'n', 'segment_share', 'importance']
    """
    owner = "segment_drivers"
    check_model(model, owner)
    check_aligned(X, "X", y=y, segments=segments, sample_weight=sample_weight)
    check_int(min_size, "min_size", owner, min_value=2)
    check_int(n_boot, "n_boot", owner, min_value=0)
    check_float(alpha, "alpha", owner, low=0, high=1, inclusive=False)
    from .bootstrap import _check_client

    _check_client(client, owner)
    groups = _as_groups(controls, [str(c) for c in X.columns])
    facets = [str(c) for c in X.columns if str(c) not in groups]
    seg = _check_segments(segments, len(X), min_size)
    w = check_weights(sample_weight, len(X))
    y = check_outcome(model, y, len(X), owner)
    check_gains(gains, owner, replicates=n_boot > 0)
    fit = {
        "gains": gains,
        "n_boot": n_boot,
        "level": level,
        "n_jobs": n_jobs,
        "progress": progress,
        "random_state": random_state,
        "boot_size": boot_size,
        "client": client,
        "groups": groups,
        "facets": facets,
        "catalog": catalog,
    }
    results: dict[str, Any] = {}
    simulated: dict[str, Any] = {}
    estimable: dict[str, np.ndarray] = {}  # by ranked segment, facets in order
    parts, sizes = [], {}
    # "2" before "10", as sort_waves orders numbered labels
    from .tracking import _natural_key

    names = sorted(
        {name for name in seg if name is not None},
        key=lambda name: (_natural_key(name), name),
    )
    caught: dict[str, list] = {}  # each ranked segment's warnings
    complete = False
    try:
        for name in names:
            rows = seg == name
            n = int(rows.sum())
            result, gain, cells = None, None, None
            note = _not_ranked(n, y[rows], w[rows], min_size, len(facets))
            if note is None:
                with _recorded(caught, name):
                    result, gain = _fit_segment(model, X, y, w, rows, fit)
                note = _learned_nothing(result)
                if note is not None:
                    result, gain = None, None
                    caught.pop(name, None)  # the note says it
            if result is not None:
                results[name], simulated[name] = result, gain
                note = _few_in_effect(w[rows], min_size)
                cells = _not_estimable(X, rows & (w > 0), facets)
                cells = _rarely_split(result, cells)
                # a gain left the model's own among debiased ones is not
                # compared with them (see _segment_rows)
                kept = cells.index.isin(gain.info.get("uncorrected", []))
                estimable[name] = (cells.isna() & ~kept).to_numpy()
            share = float(w[rows].sum() / w.sum())  # of the survey, weighted
            sizes[name] = {
                "n": n,
                "share": share,
                "ranked": result is not None,
                "note": note,
                "stability": _stability(result),
            }
            profile = facet_profile(X.loc[rows, facets], w[rows])
            part = _segment_rows(facets, name, n, result, gain, note, cells)
            part = part.assign(segment_share=share)
            parts.append(part.assign(**profile.reset_index(drop=True)))
        complete = True
    finally:  # said also when a segment's fit raises
        _say_warnings(caught, complete)
    table = pd.concat(parts, ignore_index=True)
    use = None
    if simulated:
        use = np.column_stack([estimable[name] for name in simulated])
    p = _heterogeneity(simulated, facets, use)
    p_adj = pd.Series(adjust_p(p.to_numpy(), "holm"), index=p.index)
    # a cell left out of its facet's test, or a segment not ranked, has no
    # share in its result
    tested = table["estimable"].ne(False) & table["ranked"].astype(bool)
    table["p_differ"] = table["facet"].map(p).where(tested)
    table["p_differ_adj"] = table["facet"].map(p_adj).where(tested)
    differs = (table["p_differ_adj"] < alpha).astype("boolean")
    differs[table["p_differ_adj"].isna()] = pd.NA
    table["differs"] = differs
    table.insert(1, "label", [dict(labels or {}).get(f, f) for f in table["facet"]])
    table = table.reindex(columns=list(COLUMNS))
    # one type whatever was ranked (a column no segment filled is all empty):
    # a flag that may be unknown, a sentence that may be none
    table["beyond_noise"] = table["beyond_noise"].astype("boolean")
    table["note"] = table["note"].astype(object).where(table["note"].notna(), None)
    place = {name: i for i, name in enumerate(names)}  # the segments' order
    table = table.sort_values(
        ["segment", "rank"],
        key=lambda c: c.map(place) if c.name == "segment" else c,
        kind="stable",
        ignore_index=True,
    )
    note = None
    if len(sizes) == 1:
        note = (
            f"no test of difference: the segment column holds one value "
            f"({next(iter(sizes))!r}), so there are no segments to compare"
        )
    elif len(results) < 2:
        note = "no test of difference: fewer than two segments could be ranked"
    elif n_boot < 2:
        note = "no test of difference: it needs bootstrap replicates (n_boot >= 2)"
    unassigned = int(sum(name is None for name in seg))
    info = {
        "min_size": min_size,
        "alpha": alpha,
        "test": (
            "Cochran's Q on the segments' simulated gains from a one-point rise "
            "(bagged, out of bag) with their bootstrap variances, read as "
            "Welch's test (F with the replicates' degrees of freedom; two "
            "segments: Welch's t), Holm-adjusted over the facets"
        ),
        "gains": gains,
        "n_ranked": len(results),
        "segments": sizes,
        "note": note,
        "controls": list(dict.fromkeys(groups.values())),
        "unassigned": unassigned,
        "left_out": (
            f"{unassigned} respondent{' is' if unassigned == 1 else 's are'} in "
            "no segment (the segment cell is empty): left out of the segment "
            "models, kept in every other result"
            if unassigned
            else None
        ),
    }
    few = few_segments_warning({"min_size": min_size, "segments": sizes})
    if few:
        warnings.warn(few, EmomotivWarning, stacklevel=2)
    return SegmentDrivers(table, results, info)


#: The start of :func:`few_segments_warning`'s text (a regular expression).
FEW_SEGMENTS = r"(Only 1|None) of the [\d,]+ segments"


def few_segments_warning(segments: Mapping[str, Any]) -> str | None:
    """The warning when at most one of two or more segments is ranked, or
    None, from ``summary["segments"]`` (:meth:`SegmentDrivers.to_summary`):
    :func:`segment_drivers` warns it, the run's warnings hold it, and the
    report gives it in the segment section. A segment is ranked where the
    summary says so (``ranked``), else where it has the respondents a segment
    needs (``min_size``); one with them left unranked for another reason (an
    outcome of one value) is named with its note.

    Examples
    --------
    >>> info = {"min_size": 300, "segments": {
    ...     "North": {"n": 520}, "East": {"n": 180}, "West": {"n": 40}}}
    >>> print(few_segments_warning(info))  # doctest: +NORMALIZE_WHITESPACE
    Only 1 of the 3 segments has the 300 respondents a segment needs to be
    ranked ('North', 520): 'East' (180), 'West' (40) are listed, not ranked,
    and no test of difference between segments was possible. To rank smaller
    segments, with noisier rankings, lower the minimum (min_segment_size=180 in
    Python, --min-segment-size 180 on the command line), or group small
    segments together.
    """
    parts = {
        str(name): part
        for name, part in (segments.get("segments") or {}).items()
        if isinstance(part.get("n"), int | np.integer)
    }
    least = segments.get("min_size")
    if len(parts) < 2 or not isinstance(least, int):
        return None
    sizes = {name: int(part["n"]) for name, part in parts.items()}
    ranked = [
        name for name, part in parts.items() if part.get("ranked", sizes[name] >= least)
    ]
    if len(ranked) > 1:
        return None
    small = sorted(
        (n, name) for name, n in sizes.items() if n < least and name not in ranked
    )[::-1]
    other = [  # large enough, and not ranked even so
        name for name, n in sizes.items() if n >= least and name not in ranked
    ]
    total = len(sizes)
    if other:  # said with its reason, as the segment's note gives it
        found = (
            f"Only 1 of the {total} segments is ranked ('{ranked[0]}', "
            f"{sizes[ranked[0]]:,})"
            if ranked
            else f"None of the {total} segments is ranked"
        )
        found += ": " + "; ".join(
            f"'{name}' ({sizes[name]:,}) is {parts[name].get('note') or 'not ranked'}"
            for name in other
        )
        if not small:
            return f"{found}; no test of difference between segments was possible."
    elif ranked:
        found = (
            f"Only 1 of the {total} segments has the {least:,} respondents a "
            f"segment needs to be ranked ('{ranked[0]}', {sizes[ranked[0]]:,})"
        )
    else:
        found = (
            f"None of the {total} segments has the {least:,} respondents a "
            "segment needs to be ranked"
        )
    one = len(small) == 1
    named = listed([f"'{name}' ({n:,})" for n, name in small])
    if other:
        named = (
            f"; {named} {'has' if one else 'have'} fewer than the {least:,} "
            f"respondents a segment needs: {'it is' if one else 'they are'}"
        )
    else:
        named = f": {named} {'is' if one else 'are'}"
    need = 2 - len(ranked)  # lowered to the size that ranks a second segment
    if len(small) < need:  # the others held back for their reason: no minimum helps
        return (
            f"{found}{named} listed, not ranked, and no test of difference between "
            "segments was possible, whatever the minimum: fewer than two segments "
            "can be ranked."
        )
    lower = max(small[need - 1][0], 2)
    if 2 * lower < least:  # a trial's 40 were still not ranked at a minimum of 40
        return (
            f"{found}{named} listed, not ranked, and no test of difference between "
            "segments was possible. Group small segments together to rank them: "
            f"a minimum as low as {lower:,} (min_segment_size={lower} in Python, "
            f"--min-segment-size {lower} on the command line) would rank "
            f"{lower:,} respondents, a ranking mostly of noise, whose models may "
            "make no split at all."
        )
    return (
        f"{found}{named} listed, not ranked, and no test of difference between "
        "segments was possible. To rank smaller segments, with noisier rankings, "
        "lower the minimum "
        f"(min_segment_size={lower} in Python, --min-segment-size {lower} on the "
        "command line), or group small segments together."
    )


def unstable_segments_warning(segments: Mapping[str, Any]) -> str | None:
    """The warning of the ranked segments whose ranking is unstable (their
    replicates share less than the threshold of their top k), or None, from
    ``summary["segments"]`` (:meth:`SegmentDrivers.to_summary`): the run's
    warnings hold it, and the report gives it in the segment section."""
    ranked = {
        name: part["stability"]
        for name, part in (segments.get("segments") or {}).items()
        if part.get("ranked") and part.get("stability")
    }
    low = {name: s for name, s in ranked.items() if s.get("low")}
    if not low:
        return None
    first = next(iter(low.values()))
    shares = [
        f"{name} {format_against(s['top_k_overlap'], s['threshold'], percent=True)} "
        f"of its top {s['top_k']}"
        for name, s in low.items()
    ]
    more = f" (+{len(shares) - 5} more)" if len(shares) > 5 else ""
    one = len(low) == 1
    return (
        f"The ranking of {len(low)} of {len(ranked)} ranked segments is unstable "
        f"(two bootstrap replicates share less than {first['threshold']:.0%} of "
        f"the segment's top k): {', '.join(shares[:5])}{more}. "
        f"{'Its' if one else 'Their'} order is largely noise; more respondents "
        "per segment, or fewer segments, steady "
        f"{'it' if one else 'them'}."
    )
