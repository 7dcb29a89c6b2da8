"""Stated importance, and how it compares with derived importance.

Customers are asked what matters to them; the driver model shows what moves
their connection. The two only compare honestly on one scale, so every form
of stated importance is turned into **shares** that sum to 1 over the facets,
exactly like derived importance:

ratings (any scale)
    Importance above the scale floor: a facet's share is its (weighted) mean
    rating minus the floor, over the sum of that over facets. The floor is
    the lowest rating of the scale ("not important at all" counts as no
    importance): ``scale=(lo, hi)`` when given, else the lowest rating any
    respondent of weight above 0 gave; for an aggregate in the catalog it is 0 unless
    ``scale`` is given. A facet's mean uses only the respondents who rated
    it. Values that are a ranking 1..k for every respondent (or in the
    catalog) give a warning, since ranks read as ratings come out in
    reverse order; so do values that sum to one total for every respondent
    with some cells empty (points shared out, the facets given none left
    empty rather than 0, which raises the share of facets few chose).
ranks (1 = most important)
    Borda count. Each respondent's values are re-ranked among the facets
    they ranked (only the order matters; ranks may skip numbers); a facet at
    rank ``r`` of ``k`` ranked gets ``k + 1 - r`` points, tied facets share
    the points of the positions they occupy (mid-ranks), unranked facets get
    0. Each respondent's points are divided by their total, so every
    respondent has the same say whatever ``k``, and facet shares are the
    weighted mean of respondent shares. Ranks must be >= 1; leave unranked
    facets empty. Catalog values read as ranks that do not look like ranks
    1..n (not whole numbers or mid-ranks, no facet at 1, or above the number
    of facets: 1-5 ratings, say), and per-respondent values that are a
    ranking 1..k for fewer than half the respondents, give a warning, since
    ratings read as ranks come out in reverse order.
maxdiff (utilities, e.g. hierarchical-Bayes logit utilities)
    Probability shares: ``exp(u_f) / sum_g exp(u_g)``, the logit probability
    that the facet is picked as most important from all of them, computed per
    respondent and averaged (weighted) over the respondents who gave
    utilities, or on the aggregate utilities of the catalog. Utilities that
    span more than 20 within a respondent (the median) give a warning: they
    look rescaled (zero-centred diffs span 100), and their exp() gives each
    respondent's top facet nearly all of the share.

Per-respondent data (``stated__<facet>`` columns) get bootstrap intervals
(respondents resampled with their survey weights). A resample that drew no
answer for some facet has no shares: its row of the replicates stays, empty,
so that row ``i`` is always the respondents' draw ``i``, and it is left out
of the intervals and of the comparison. When every facet has the
same stated share, stated importance carries no information: the shares are
``1/p``, the comparison warns and assigns no quadrant.

The comparison (:func:`compare_importance`) puts each facet in a quadrant.
Thresholds are multiples of the mean share ``1/p`` (``p`` facets compared),
so they mean the same for 12 facets or 100. A facet is *stated high* when its
stated share exceeds ``stated_threshold / p`` (default 1: above-average
stated importance, a split that does not depend on the floor chosen for
ratings), and *derived high* when its derived share exceeds
``derived_threshold / p`` (default :data:`DERIVED_THRESHOLD` = 1.25: a
quarter above the mean share). Derived importance gets the higher bar because
attributions from a flexible model spread some importance over every facet,
non-drivers included (facets without any effect reach up to about twice the
mean share on the synthetic surveys), while stated shares are compressed near
``1/p``. ``benchmarks/bench_stated.py`` shows how the labels recover the
generator's hidden drivers and table stakes across seeds and thresholds.
The quadrants:

====================  =============  ============
quadrant              derived high   stated high
====================  =============  ============
``core_driver``       yes            yes
``hidden_driver``     yes            no
``table_stakes``      no             yes
``low_priority``      no             no
====================  =============  ============
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._stats import QUANTILES, few_replicates
from ._validation import (
    EmomotivWarning,
    ValidationError,
    check_choice,
    check_float,
    check_frame,
    check_int,
    check_weights,
    index_problems,
    preview,
)
from .results import ImportanceResult, StatedComparison, StatedImportance
from .schema import STATED_PREFIX, FacetCatalog

__all__ = ["compare_importance", "stated_importance"]

FORMS = ("ratings", "ranks", "maxdiff")
SOURCES = ("auto", "respondents", "catalog")
QUADRANTS = ("core_driver", "hidden_driver", "table_stakes", "low_priority")
EQUAL_TOL = 1e-9
# a facet stated by fewer respondents (of weight above 0) is left out: most
# resamples of a few hundred draw few or none of them, and those that draw
# some agree with the point share by construction (2 raters: an interval as
# narrow as that of facets stated by a hundred)
MIN_STATED = 10
DERIVED_THRESHOLD = 1.25


def resample_counts(n: int, n_boot: int, random_state) -> np.ndarray:
    """Bootstrap counts: how often each of ``n`` respondents is drawn, per row.

    The same ``random_state`` and ``n`` give the same draws, so two steps that
    resample the same respondents with the same seed form a joint bootstrap.
    """
    rng = np.random.default_rng(random_state)
    return rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)


def _interval(replicates: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    tail = (1 - level) / 2
    # as :func:`emomotiv.bootstrap.percentile_interval` reads them
    low, high = np.nanquantile(replicates, [tail, 1 - tail], axis=0, method=QUANTILES)
    return low, high


def _normalise_rows(a: np.ndarray) -> np.ndarray:
    """Rows divided by their sums (a zero row becomes uniform)."""
    total = a.sum(axis=1, keepdims=True)
    uniform = np.full_like(a, 1.0 / a.shape[1])
    return np.where(total > 0, a / np.where(total > 0, total, 1), uniform)


def _softmax_rows(u: np.ndarray) -> np.ndarray:
    """Row-wise exp-probability shares over the non-missing entries; a row
    with none is all 0 (the respondent gave no utilities, and is not in the
    average)."""
    seen = ~np.isnan(u)
    top = np.nanmax(np.where(seen, u, -np.inf), axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    e = np.where(seen, np.exp(np.where(seen, u, 0.0) - top), 0.0)
    return np.where(seen.any(axis=1, keepdims=True), _normalise_rows(e), 0.0)


def _borda_rows(r: np.ndarray) -> np.ndarray:
    """Row-wise Borda shares from ranks (1 = best), mid-ranks for ties."""
    from scipy.stats import rankdata

    mid = rankdata(r, axis=1, method="average", nan_policy="omit")
    k = (~np.isnan(r)).sum(axis=1, keepdims=True)
    points = np.where(np.isnan(mid), 0.0, k + 1 - np.nan_to_num(mid))
    total = k * (k + 1) / 2
    return np.where(total > 0, points / np.where(total > 0, total, 1), 0.0)


def _catalog_values(catalog) -> pd.Series:
    if catalog is None:
        return pd.Series(dtype=float)
    if not isinstance(catalog, FacetCatalog):
        catalog = FacetCatalog.from_frame(pd.DataFrame(catalog))
    return catalog.table["stated_importance"].astype(float)


def _respondent_matrix(
    survey: pd.DataFrame, catalog_facets: Sequence[str] | None
) -> tuple[pd.DataFrame, list[str]]:
    """The ``stated__<facet>`` columns as floats (facet names as columns)."""
    cols = [str(c) for c in survey.columns if str(c).startswith(STATED_PREFIX)]
    problems = []
    frame = {}
    for col in cols:
        values = pd.to_numeric(survey[col], errors="coerce")
        bad = survey[col][values.isna() & survey[col].notna()]
        if len(bad):
            problems.append(
                f"Stated-importance column '{col}' is not numeric: "
                f"{preview(list(dict.fromkeys(bad.tolist())))}."
            )
        if survey[col].notna().sum() == 0:
            problems.append(f"Stated-importance column '{col}' is empty.")
        frame[col[len(STATED_PREFIX) :]] = values.astype(float)
    if catalog_facets is not None:
        unknown = [f for f in frame if f not in set(catalog_facets)]
        if unknown:
            problems.append(
                "Stated-importance columns name facets that are not in the "
                f"catalog: {preview([STATED_PREFIX + f for f in unknown], 5)}. "
                "Add them to the catalog or drop the columns."
            )
    return pd.DataFrame(frame, index=survey.index), problems


def stated_importance(
    survey: pd.DataFrame | None = None,
    catalog: pd.DataFrame | FacetCatalog | None = None,
    *,
    form: str = "ratings",
    source: str = "auto",
    scale: tuple[float, float] | None = None,
    sample_weight: ArrayLike | None = None,
    n_boot: int = 200,
    level: float = 0.9,
    random_state: int | None = None,
    min_raters: int = MIN_STATED,
) -> StatedImportance:
    """Stated importance per facet as shares that sum to 1.

    See the module documentation for how ratings, ranks and MaxDiff utilities
    become shares, and how ties and all-equal input are handled.

    Parameters
    ----------
    survey : DataFrame or None
        Respondents, with per-respondent stated importance in
        ``stated__<facet>`` columns (empty = not asked or not answered).
    catalog : DataFrame, FacetCatalog or None
        The facet catalog; its ``stated_importance`` column is the aggregate
        form, and its facets are the ones a ``stated__`` column may name.
    form : {"ratings", "ranks", "maxdiff"}, default="ratings"
        What the numbers are: importance ratings on any scale, ranks
        (1 = most important), or MaxDiff utilities.
    source : {"auto", "respondents", "catalog"}, default="auto"
        ``"auto"`` uses the ``stated__`` columns when the survey has any,
        else the catalog.
    scale : (float, float) or None
        The rating scale ``(lowest, highest)``; its lowest value counts as no
        importance, and ratings off it are errors. Ratings only.
    sample_weight : array-like of shape (n_respondents,) or None
        Survey weights for every mean and share.
    n_boot : int, default=200
        Bootstrap resamples of respondents for the intervals (0: none).
    level : float, default=0.9
        Confidence level of the intervals.
    random_state : int or None
        Seed for the bootstrap.
    min_raters : int, default=10
        A ``stated__`` column answered by fewer respondents (of weight above
        0) is left out, with a warning, while two facets or more are left:
        the resamples of a few hundred respondents then draw few or none of
        its raters, and those that draw some agree by construction, so its
        interval reads as sure (2 raters: as narrow as that of a facet
        stated by a hundred). ``info["few_raters"]`` names them.

    Returns
    -------
    StatedImportance
        ``table`` with ``stated_importance`` (share), ``stated_low``,
        ``stated_high``, ``raw`` and ``n`` per facet.

    Raises
    ------
    ValidationError
        Listing every problem: no stated importance anywhere, non-numeric or
        empty ``stated__`` columns, columns for facets not in the catalog,
        ranks below 1, ratings off ``scale`` or negative catalog values,
        non-finite utilities.

    Warns
    -----
    EmomotivWarning
        When ``form="ranks"`` reads catalog values that do not look like
        ranks 1..n, or per-respondent values that are a ranking 1..k for
        fewer than half the respondents (ratings read as ranks reverse the
        order), or
        ``form="ratings"`` reads values that are a ranking 1..k for every
        respondent, or in the catalog (ranks read as ratings reverse it too),
        or sum to one total for every respondent with some cells empty
        (points shared out, facets given none left empty); when
        ``form="maxdiff"`` reads utilities that look rescaled (spanning more
        than 20 within a respondent); and when the catalog's
        ``stated_importance`` of some facets goes unused because the
        ``stated__`` columns are read and lack them.

    Examples
    --------
    >>> import pandas as pd
    >>> catalog = pd.DataFrame({"facet": ["fees", "app", "note"],
    ...                         "stated_importance": [5, 4, 2]})
    >>> s = stated_importance(catalog=catalog, scale=(1, 5))
    >>> s.table["stated_importance"].round(3).tolist()
    [0.5, 0.375, 0.125]
    >>> ranks = pd.DataFrame({"stated__fees": [1, 1], "stated__app": [2, 1],
    ...                       "stated__note": [3, None]})
    >>> s = stated_importance(ranks, catalog, form="ranks", n_boot=0)
    >>> s.table["stated_importance"].round(3).tolist()
    [0.5, 0.417, 0.083]
    """
    owner = "stated_importance"
    check_choice(form, "form", owner, FORMS)
    check_choice(source, "source", owner, SOURCES)
    n_boot = check_int(n_boot, "n_boot", owner, min_value=0)
    level = check_float(level, "level", owner, low=0.0, high=1.0, inclusive=False)
    min_raters = check_int(min_raters, "min_raters", owner, min_value=1)
    if scale is not None:
        ok = (
            isinstance(scale, Sequence)
            and len(scale) == 2
            and all(isinstance(v, numbers.Real) for v in scale)
            and scale[0] < scale[1]
        )
        if not ok:
            raise ValueError(
                f"The 'scale' parameter of {owner} must be a (lowest, highest) "
                f"pair with lowest < highest, or None. Got {scale!r} instead."
            )
    if survey is not None:
        check_frame(survey, "survey", owner)
    cat_values = _catalog_values(catalog)
    has_columns = survey is not None and any(
        str(c).startswith(STATED_PREFIX) for c in survey.columns
    )
    if source == "auto":
        source = "respondents" if has_columns else "catalog"
    if source == "respondents" and not has_columns:
        raise ValidationError(
            [
                f"No per-respondent stated importance: the survey has no "
                f"'{STATED_PREFIX}<facet>' columns."
            ],
            subject="stated importance",
        )
    if source == "catalog" and cat_values.notna().sum() == 0:
        raise ValidationError(
            [
                "No stated importance: the catalog has no 'stated_importance' "
                f"values and the survey no '{STATED_PREFIX}<facet>' columns."
            ],
            subject="stated importance",
        )
    if source == "catalog":
        return _from_catalog(cat_values, form, scale)
    facets = list(cat_values.index) if catalog is not None else None
    result = _from_respondents(
        survey,
        facets,
        form,
        scale,
        sample_weight,
        (n_boot, level, random_state),
        min_raters,
    )
    few = set(result.info.get("few_raters", {}))  # left out, and said so
    unused = [
        f
        for f in cat_values.dropna().index
        if f not in result.table.index and f not in few
    ]
    if unused:
        warnings.warn(
            f"The catalog's 'stated_importance' of {len(unused)} facets "
            f"({preview(unused, 5)}) is not used: stated importance comes from "
            f"the survey's '{STATED_PREFIX}<facet>' columns, which only "
            f"{len(result.table)} facets have, and the two are not on one "
            "scale. Those facets are left out of the comparison; pass "
            "source='catalog' (--stated-source catalog) to use the catalog's "
            "values for every facet.",
            EmomotivWarning,
            stacklevel=2,
        )
    return result


def _check_values(values: np.ndarray, names, form, scale, what) -> list[str]:
    problems = []
    finite = np.isfinite(values) | np.isnan(values)
    if not finite.all():
        bad = [names[j] for j in np.flatnonzero(~finite.all(axis=0))]
        problems.append(f"Infinite stated importance for {preview(bad)}.")
    with np.errstate(invalid="ignore"):
        if form == "ranks":
            low = np.nan_to_num(values, nan=1.0) < 1
            if low.any():
                bad = [names[j] for j in np.flatnonzero(low.any(axis=0))]
                problems.append(
                    f"Ranks below 1 in {what} for {preview(bad)}; 1 is the most "
                    "important, and unranked facets are left empty."
                )
        seen = values[np.isfinite(values)]
        # negative and mostly fractional: utilities, not a bipolar scale's -2
        utilities = (
            bool(len(seen))
            and (seen < 0).any()
            and (np.mean(seen != np.round(seen)) > 0.5)
        )
        if form == "ratings" and (
            scale is not None or what == "the catalog" or utilities
        ):
            lo, hi = scale if scale is not None else (0.0, np.inf)
            v = np.nan_to_num(values, nan=lo)
            off = (v < lo) | (v > hi)
            if off.any():
                bad = [names[j] for j in np.flatnonzero(off.any(axis=0))]
                given = f"{np.nanmin(values):g} to {np.nanmax(values):g}"
                if scale:
                    problems.append(
                        f"Stated ratings off the {lo:g}-{hi:g} scale in {what} "
                        f"for {preview(bad)} (they run from {given}): give the "
                        "scale the question used (scale=(lowest, highest), "
                        "--stated-scale LO HI)."
                    )
                else:
                    problems.append(
                        f"Stated ratings negative in {what} for {preview(bad)}: "
                        "ratings count from 0 or above; MaxDiff utilities take "
                        "form='maxdiff'."
                    )
    return problems


def _finish(
    share: np.ndarray,
    facets: Sequence[str],
    raw: np.ndarray,
    n: np.ndarray | None,
    replicates: np.ndarray | None,
    level: float,
    source: str,
    form: str,
    info: dict,
) -> StatedImportance:
    informative = bool(np.ptp(share) > EQUAL_TOL)
    if not informative:
        share = np.full(len(share), 1.0 / len(share))
    low = high = np.full(len(share), np.nan)
    reps = None
    if replicates is not None and len(replicates):
        whole = np.isfinite(replicates).all(axis=1)  # a resample without shares
        if whole.any():
            low, high = _interval(replicates[whole], level)
        reps = pd.DataFrame(replicates, columns=list(facets))
        reps.index.name = "replicate"
    table = pd.DataFrame(
        {
            "stated_importance": share,
            "stated_low": low,
            "stated_high": high,
            "raw": raw,
            "n": np.full(len(share), np.nan) if n is None else n,
        },
        index=pd.Index(list(facets), name="facet"),
    )
    info = info | {"informative": informative, "level": level}
    if not informative:
        info["note"] = " ".join(
            [
                "Every facet has the same stated importance: it says nothing "
                "about which facets matter, so the shares are all equal.",
                *([info["hint"]] if info.get("hint") else []),
                *([info["note"]] if info.get("note") else []),
            ]
        )
    return StatedImportance(table, source, form, reps, info)


def _warn_unlike_ranks(values: np.ndarray) -> None:
    """Warn when catalog values read as ranks do not look like ranks 1..n.

    Ranks are whole numbers (or mid-ranks ending in .5 for ties), the most
    important facet is 1 and none is above the number of facets. Ratings
    (1-5 means, say) read as ranks reverse the order without any error.
    """
    n = len(values)
    found = []
    if not np.allclose(values * 2, np.round(values * 2)):
        found.append("some are not whole numbers")
    if values.min() != 1:
        found.append(f"the smallest is {values.min():g}, not 1")
    if values.max() > n:
        found.append(f"the largest ({values.max():g}) exceeds the {n} facets")
    if found:
        warnings.warn(
            "The catalog's 'stated_importance' values are read as ranks "
            "(form='ranks': 1 = most important), but they do not look like "
            f"ranks 1..{n}: {'; '.join(found)}. If they are ratings (higher = "
            "more important), pass form='ratings', or the ranking would come "
            "out reversed; for per-respondent ranks, add 'stated__<facet>' "
            "columns to the survey.",
            EmomotivWarning,
            stacklevel=4,
        )


def _rankings(rows: np.ndarray) -> np.ndarray:
    """Per row, whether its non-missing values are ranks 1..k: each whole
    number 1 to k used once, ties as mid-ranks or competition ranks."""
    from scipy.stats import rankdata

    seen = ~np.isnan(rows)
    ok = np.zeros(len(rows), dtype=bool)
    for method in ("average", "min"):
        ranks = rankdata(rows, axis=1, method=method, nan_policy="omit")
        ok |= ((ranks == rows) | ~seen).all(axis=1)
    return ok


def _warn_like_ranks(values: np.ndarray, what: str) -> bool:
    """Warn when values read as ratings look like ranks 1..k in every row.

    Ranks (1 = most important) read as ratings (higher = more important) come
    out in reverse order without any error. Rows with one value, or with all
    values equal, say nothing; at least one row must rank three or more facets.
    Returns whether it warned.
    """
    seen = ~np.isnan(values)
    k = seen.sum(axis=1)
    spread = np.where(seen, values, -np.inf).max(axis=1) > np.where(
        seen, values, np.inf
    ).min(axis=1)
    rows = values[spread]
    if not (spread & (k >= 3)).any() or not _rankings(rows).all():
        return False
    whose = "every respondent's values are" if what == "the survey" else "they are"
    warnings.warn(
        f"The stated importance in {what} is read as ratings (form='ratings': "
        f"higher = more important), but {whose} a ranking 1..k (each whole "
        "number from 1 to the number of facets ranked used once). If 1 is the "
        "most important, pass form='ranks' (--stated-form ranks), or the "
        "ranking comes out reversed; if they are ratings, ignore this warning.",
        EmomotivWarning,
        stacklevel=4,
    )
    return True


def _warn_unlike_respondent_ranks(values: np.ndarray) -> None:
    """Warn when per-respondent values read as ranks are a ranking 1..k for
    fewer than half the respondents who ranked three or more facets: ratings
    (higher = more important) read as ranks come out in reverse order."""
    rows = values[(~np.isnan(values)).sum(axis=1) >= 3]
    if not len(rows) or _rankings(rows).mean() >= 0.5:
        return
    warnings.warn(
        "The stated importance in the survey is read as ranks (form='ranks': "
        "1 = most important), but fewer than half the respondents' values are "
        "a ranking 1..k (each whole number from 1 to the number of facets "
        "ranked used once). If they are ratings (higher = more important), "
        "pass form='ratings', or the ranking comes out reversed; if they are "
        "ranks, ignore this warning.",
        EmomotivWarning,
        stacklevel=4,
    )


def _without_few_raters(matrix: pd.DataFrame, r, seen, w, min_raters: int):
    """The stated columns less those answered by fewer than ``min_raters``
    respondents of weight above 0, with a warning naming
    them (kept when fewer than two facets would be left to compare), and
    the facets left out with their counts."""
    count = (w > 0).astype(float) @ seen
    few = (count > 0) & (count < min_raters)
    if not few.any() or (~few).sum() < 2:
        return matrix, r, seen, {}
    pairs = zip(matrix.columns[few], count[few], strict=True)
    left = {str(f): int(n) for f, n in pairs}
    named = [f"'{f}' ({n})" for f, n in left.items()]
    more = f" (+{len(named) - 5} more)" if len(named) > 5 else ""
    warnings.warn(
        f"Stated importance of {int(few.sum())} facet"
        f"{'' if few.sum() == 1 else 's'} rests on fewer than {min_raters} "
        f"respondents each: {', '.join(named[:5])}{more}. They are left out "
        "of the stated shares and of the comparison with derived importance: "
        "so few answers cannot tell their importance from chance, and their "
        "intervals would read as sure.",
        EmomotivWarning,
        stacklevel=3,
    )
    keep = ~few
    return matrix.loc[:, keep], r[:, keep], seen[:, keep], left


def _warn_points_left_empty(values: np.ndarray) -> None:
    """Warn when ratings look like points shared out (every respondent's
    values sum to the same total) with some facets left empty.

    An empty facet is left out of that facet's mean, where a facet given no
    points should count as 0: a facet that a few respondents gave many
    points then outranks one that everybody gave some.
    """
    seen = ~np.isnan(values)
    rows = seen.sum(axis=1) >= 2
    # all values equal (1 = picked, empty otherwise): the hint says it
    if rows.sum() < 5 or seen[rows].all() or np.nanmin(values) == np.nanmax(values):
        return
    sums = np.nansum(values[rows], axis=1)
    total = sums[0]
    if not total > 0 or not np.allclose(sums, total, rtol=1e-6, atol=0):
        return
    warnings.warn(
        "The stated importance in the survey is read as ratings, and every "
        f"respondent's values sum to {total:g}: points shared out (constant "
        "sum, or k facets picked as 1)? A facet left empty is left out of its "
        "mean, not counted as 0 points, which raises the share of facets few "
        "respondents gave points to. Code the facets given no points 0 "
        f"(scale=(0, {total:g}), --stated-scale 0 {total:g}); if the empty cells "
        "are facets not asked, ignore this warning.",
        EmomotivWarning,
        stacklevel=4,
    )


RESCALED_RANGE = 20.0  # logit utilities within a respondent span a few units


def _warn_rescaled_utilities(values: np.ndarray, what: str) -> None:
    """Warn when MaxDiff utilities span more than :data:`RESCALED_RANGE`
    within a respondent (median): rescaled scores, not logit utilities.

    Zero-centred diffs span 100, and probability-scale scores sum to 100;
    exp() of either gives nearly every respondent's whole share to their top
    facet (on utilities that span 2.4, shares 0.42/0.28/0.17/0.13 became
    0.58/0.26/0.09/0.07).
    """
    seen = ~np.isnan(values)
    rows = seen.sum(axis=1) >= 2
    if not rows.any():
        return
    span = np.nanmax(values[rows], axis=1) - np.nanmin(values[rows], axis=1)
    spread = float(np.median(span))
    # probability-scale scores: none negative, each row summing to 100 (or 1)
    sums = np.nansum(values[rows], axis=1)
    shares = bool((np.nanmin(values[rows], axis=1) >= 0).all()) and any(
        np.allclose(sums, total, rtol=0.02) for total in (100.0, 1.0)
    )
    if spread <= RESCALED_RANGE and not shares:
        return
    whose = "within a respondent (median)" if what == "the survey" else ""
    said = (
        f"sum to {float(np.median(sums)):.3g}"
        + (" for every respondent" if what == "the survey" else "")
        if shares
        else f"span {spread:.3g} {whose}".rstrip()
    )
    warnings.warn(
        f"The MaxDiff utilities in {what} {said}"
        + ", where logit utilities span a few units: they look rescaled "
        "(zero-centred diffs span 100, probability-scale scores sum to 100), "
        "and exp() of them gives nearly all of the share to the top facet. "
        "Pass the raw (logit) utilities with form='maxdiff', or "
        "probability-scale scores, which are shares already, with "
        "form='ratings' and scale=(0, 100).",
        EmomotivWarning,
        stacklevel=4,
    )


def _from_catalog(values: pd.Series, form: str, scale) -> StatedImportance:
    present = values.dropna()
    missing = [f for f in values.index if f not in present.index]
    v = present.to_numpy(dtype=float)[None, :]
    problems = _check_values(v, list(present.index), form, scale, "the catalog")
    if problems:
        raise ValidationError(problems, subject="stated importance")
    if form == "ranks":
        _warn_unlike_ranks(v[0])
    if form == "maxdiff":
        _warn_rescaled_utilities(v, "the catalog")
    if form == "ratings":
        _warn_like_ranks(v, "the catalog")
        floor = scale[0] if scale is not None else 0.0
        share = _normalise_rows(v - floor)[0]
        how = f"catalog value minus the scale floor ({floor:g}), as a share"
    elif form == "ranks":
        share = _borda_rows(v)[0]
        how = "Borda points of the catalog ranks (mid-ranks for ties), as a share"
    else:
        share = _softmax_rows(v)[0]
        how = "exp-utility probability shares of the catalog utilities"
    info = {"method": how, "missing_facets": missing}
    return _finish(share, present.index, v[0], None, None, 1.0, "catalog", form, info)


def _from_respondents(
    survey, facets, form, scale, sample_weight, boot, min_raters
) -> StatedImportance:
    """Stated importance from the ``stated__`` columns; ``boot`` is
    ``(n_boot, level, random_state)``."""
    n_boot, level, random_state = boot
    matrix, problems = _respondent_matrix(survey, facets)
    names = list(matrix.columns)
    r = matrix.to_numpy(dtype=float)
    problems += _check_values(r, names, form, scale, "the survey")
    seen = ~np.isnan(r)
    problems += index_problems(survey, "survey", sample_weight=sample_weight)
    try:
        w = check_weights(sample_weight, len(r))
    except ValueError as err:
        problems.append(str(err))
    else:
        weighted = (w @ seen) > 0
        unweighted = [
            STATED_PREFIX + f
            for f, has, ok in zip(names, seen.any(axis=0), weighted, strict=True)
            if has and not ok
        ]
        if unweighted:
            problems.append(
                "Stated-importance columns answered only by respondents of "
                f"weight 0: {preview(unweighted, 5)}. A weight of 0 leaves a "
                "respondent out, so nobody stated their importance; drop the "
                "columns or give those respondents a weight."
            )
    if problems:
        raise ValidationError(problems, subject="stated importance")
    matrix, r, seen, few = _without_few_raters(matrix, r, seen, w, min_raters)
    names = list(matrix.columns)
    if form == "ratings":
        # ranks read as ratings are no points shared out: one warning, not two
        if not _warn_like_ranks(r, "the survey"):
            _warn_points_left_empty(r)
    if form == "ranks":
        _warn_unlike_respondent_ranks(r)
    if form == "maxdiff":
        _warn_rescaled_utilities(r, "the survey")
    n_answered = seen.sum(axis=0).astype(float)
    missing = [f for f in (facets or []) if f not in names and f not in few]

    if form == "ratings":
        # the lowest rating of the respondents who count (weight above 0)
        floor = float(scale[0]) if scale is not None else float(np.nanmin(r[w > 0]))
        above = np.where(seen, r - floor, 0.0)

        def shares(weights: np.ndarray) -> np.ndarray:
            den = np.atleast_2d(weights @ seen)
            mean = np.atleast_2d(weights @ above) / np.where(den > 0, den, 1)
            # a resample without any rating of a facet has no share for it
            return np.where(
                (den > 0).all(axis=1, keepdims=True), _normalise_rows(mean), np.nan
            )

        den = w @ seen
        raw = (w @ np.where(seen, r, 0.0)) / np.where(den > 0, den, 1)
        how = f"weighted mean rating minus the scale floor ({floor:g}), as a share" + (
            "" if scale is not None else "; the floor is the lowest rating given"
        )
    else:
        per = _borda_rows(r) if form == "ranks" else _softmax_rows(r)
        answered = seen.any(axis=1).astype(float)

        def shares(weights: np.ndarray) -> np.ndarray:
            den = (np.atleast_2d(weights) @ answered)[:, None]
            total = np.atleast_2d(weights @ per)
            # a resample of respondents who all answered nothing has no shares
            return np.where(den > 0, total / np.where(den > 0, den, 1), np.nan)

        if form == "ranks":
            from scipy.stats import rankdata

            given = rankdata(r, axis=1, method="average", nan_policy="omit")
            den = w @ seen
            raw = (w @ np.nan_to_num(given)) / np.where(den > 0, den, 1)
            how = (
                "Borda count per respondent (k + 1 - rank points, mid-ranks for "
                "ties, 0 when unranked), each respondent's points as shares, "
                "weighted mean over respondents"
            )
        else:
            den = w @ seen
            raw = (w @ np.nan_to_num(r)) / np.where(den > 0, den, 1)
            how = (
                "exp-utility probability shares per respondent, weighted mean "
                "over respondents"
            )
    share = shares(w)[0]
    replicates = None
    info = {
        "method": how,
        "missing_facets": missing,
        "few_raters": few,
        "n_respondents": int(seen.any(axis=1).sum()),
        "n_boot": n_boot,
    }
    if n_boot:
        if few := few_replicates(n_boot, level):
            warnings.warn(few, EmomotivWarning, stacklevel=3)
        counts = resample_counts(len(r), n_boot, random_state)
        # row i is the respondents' draw i, a resample without shares kept
        # (NaN) so that the numbering stays that of the draws
        replicates = shares(counts * w)
        empty = ~np.isfinite(replicates).all(axis=1)
        if empty.any():
            replicates[empty] = np.nan
            info["note"] = (
                f"{int(empty.sum())} of {n_boot} resamples drew no answer (of "
                "weight > 0) for some facet: they have no shares (their rows of "
                "the replicates are empty) and are left out of the intervals "
                "and of the comparison."
            )
    if form == "ratings" and np.nanmin(r) == np.nanmax(r):
        info["hint"] = (
            f"Every stated rating is {np.nanmin(r):g}: if the columns mark the "
            "facets chosen as most important, code the facets not chosen 0, "
            "not empty."
        )
    return _finish(
        share, names, raw, n_answered, replicates, level, "respondents", form, info
    )


def _comparison_inputs(
    derived: ImportanceResult,
    stated: StatedImportance,
    n_boot,
    level,
    derived_threshold,
    stated_threshold,
) -> tuple[int, float, dict[str, float], list[str]]:
    """The checked settings of :func:`compare_importance` and the facets it
    compares; one ValidationError listing every problem."""
    owner = "compare_importance"
    problems: list[str] = []

    def take(check, value, name, **rule):
        try:
            return check(value, name, owner, **rule)
        except ValueError as err:
            problems.append(str(err))
            return None

    n_boot = take(check_int, n_boot, "n_boot", min_value=0)
    level = take(check_float, level, "level", low=0.0, high=1.0, inclusive=False)
    factors = {
        name: take(check_float, value, name, low=0.0, inclusive=False)
        for name, value in (
            ("derived_threshold", derived_threshold),
            ("stated_threshold", stated_threshold),
        )
    }
    known = set(derived.table.index)
    extra = [f for f in stated.table.index if f not in known]
    if extra:
        problems.append(
            "Stated importance names facets that have no derived importance: "
            f"{preview(extra, 5)}."
        )
    facets = [f for f in derived.table.index if f in set(stated.table.index)]
    values = derived.table.loc[facets, "importance"].to_numpy(dtype=float)
    bad = [f for f, v in zip(facets, values, strict=True) if not v >= 0 or v == np.inf]
    if bad:
        problems.append(
            f"Derived importance is missing, negative or infinite for {preview(bad)}; "
            "derived importance is a share >= 0 per facet (as every "
            "*_importance function gives it)."
        )
    m = len(facets)
    for name, factor in factors.items():
        if factor is not None and m > 1 and factor >= m:
            problems.append(
                f"'{name}' = {factor:g} puts the bar at {factor:g} x 1/{m} = "
                f"{factor / m:.3g} of the total, which no facet can exceed (the "
                f"shares of the {m} facets compared sum to 1): give a factor "
                f"below {m}."
            )
    if problems:
        raise ValidationError(problems, subject="stated importance")
    return n_boot, level, factors, facets


def _quadrants(
    derived: np.ndarray, stated: np.ndarray, t_derived: float, t_stated: float
) -> np.ndarray:
    """Quadrant index (position in QUADRANTS) per entry; arrays broadcast.

    A share at the threshold is not high, rounding aside: shares within
    EQUAL_TOL of it count as equal to it.
    """
    d_high = derived > t_derived + EQUAL_TOL
    s_high = stated > t_stated + EQUAL_TOL
    return np.where(d_high, np.where(s_high, 0, 1), np.where(s_high, 2, 3)).astype(int)


def _row_spearman(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman correlation of matching rows of two matrices."""
    from scipy.stats import rankdata

    ra = rankdata(a, axis=1)
    rb = rankdata(b, axis=1)
    ra = ra - ra.mean(axis=1, keepdims=True)
    rb = rb - rb.mean(axis=1, keepdims=True)
    den = np.sqrt((ra**2).sum(axis=1) * (rb**2).sum(axis=1))
    return np.where(den > 0, (ra * rb).sum(axis=1) / np.where(den > 0, den, 1), np.nan)


def _derived_replicates(
    derived: ImportanceResult, facets, sample_weight, n_boot, random_state
) -> tuple[np.ndarray | None, str | None]:
    """Derived importance per resample, one row each: the bootstrap's, else
    SHAP resampled. A row with a missing share stays, as missing (NaN): row
    ``i`` is resample ``i``, and :func:`_pairs` leaves it out."""
    if derived.replicates is not None and len(derived.replicates):
        reps = derived.replicates[list(facets)].to_numpy(dtype=float)
        if np.isfinite(reps).all(axis=1).any():
            return reps, "bootstrap replicates of derived importance"
    explanation = derived.explanation
    names = list(getattr(explanation, "feature_names", None) or [])
    if explanation is None or not n_boot or not set(facets) <= set(names):
        return None, None
    phi = np.abs(np.asarray(explanation.values, dtype=float))
    phi = phi[:, [names.index(f) for f in facets]]
    rows = derived.info.get("explained_rows")  # a large survey's subsample
    if sample_weight is not None and rows is not None:
        given = np.asarray(sample_weight)
        if len(given) != len(phi) and len(given) > np.max(rows, initial=-1):
            sample_weight = given[rows]  # every respondent's: the explained ones'
    w = check_weights(sample_weight, len(phi))
    counts = resample_counts(len(phi), n_boot, random_state) * w
    total = counts.sum(axis=1, keepdims=True)  # 0: drew only weights of 0
    raw = np.where(total > 0, counts @ phi / np.where(total > 0, total, 1), np.nan)
    return raw, (
        "respondents resampled with the fitted model held fixed (mean |SHAP| "
        "per resample): sampling uncertainty of the attributions, not of the "
        "model fit"
    )


def _pairs(
    reps_d: np.ndarray, stated: StatedImportance, facets, s: np.ndarray
) -> tuple[np.ndarray, np.ndarray, bool, int]:
    """Derived resample ``i`` with stated resample ``i`` (the stated ones
    cycled when fewer; the point shares ``s`` when there are none), each as
    shares of the compared facets, and a pair left out whole when either
    side is missing: leaving out one side's resample alone would pair the
    ones after it with other draws of respondents.

    Returns the paired derived and stated shares, whether stated importance
    was held fixed, and the number of pairs left out.
    """
    held = stated.replicates is None or not len(stated.replicates)
    if held:
        reps_s = np.broadcast_to(s, reps_d.shape)
    else:
        reps_s = stated.replicates[list(facets)].to_numpy(dtype=float)
        reps_s = reps_s[np.arange(len(reps_d)) % len(reps_s)]
    paired = np.isfinite(reps_d).all(axis=1) & np.isfinite(reps_s).all(axis=1)
    pair_d = _normalise_rows(reps_d[paired])
    pair_s = reps_s[paired] if held else _normalise_rows(reps_s[paired])
    return pair_d, pair_s, held, int((~paired).sum())


def uninformative_warning(stated: StatedImportance) -> str:
    """The warning for stated importance the same for every facet (with
    the reader's hint on how it was coded, where it has one)."""
    hint = stated.info.get("hint")
    return (
        "Stated importance is the same for every facet, so it cannot be "
        "compared with derived importance: no quadrants are assigned."
        + (f" {hint}" if hint else "")
    )


def compare_importance(
    derived: ImportanceResult,
    stated: StatedImportance,
    *,
    derived_threshold: float = DERIVED_THRESHOLD,
    stated_threshold: float = 1.0,
    sample_weight: ArrayLike | None = None,
    n_boot: int = 200,
    level: float = 0.9,
    random_state: int | None = None,
) -> StatedComparison:
    """Set stated against derived importance: gaps, quadrants, their certainty.

    Both importances are compared as shares of the facets that have both
    (derived shares are re-expressed over those facets when stated importance
    covers only some of them). ``gap`` is the derived share minus the stated
    share: positive for facets that matter more than customers say.

    ``p_quadrant`` is the share of bootstrap resamples in which a facet lands
    in its assigned quadrant. Derived resamples come from
    ``derived.replicates`` when the importance was bootstrapped; otherwise
    respondents' SHAP values are resampled with the fitted model held fixed
    (cheaper, and narrower: it ignores refitting), and without an
    explanation ``p_quadrant`` is NaN. Stated resamples come from
    ``stated.replicates`` (per-respondent data), else stated importance is
    held fixed. Derived resample ``i`` is read with stated resample ``i``
    (the stated ones cycled when fewer). With the same ``random_state`` and
    survey, the stated and the SHAP resamples draw the same respondents; the
    replicates of :func:`~emomotiv.bootstrap_importance` draw theirs from
    their own seeds, so there the two are paired as independent resamples:
    ``p_quadrant`` and the correlation's interval then treat the sampling
    errors of the derived and the stated shares as independent. A resample
    without shares on either side (a stated resample that drew no answer for
    a facet is an empty row of ``stated.replicates``) leaves its pair out
    whole, so the other pairs keep their draws (``info["n_replicates"]``
    counts the pairs used, ``info["note"]`` those left out).

    Parameters
    ----------
    derived : ImportanceResult
        Derived importance (shares in ``table["importance"]``).
    stated : StatedImportance
        From :func:`stated_importance`.
    derived_threshold : float, default=DERIVED_THRESHOLD
        A facet is *derived high* when its derived share exceeds
        ``derived_threshold`` times the mean share ``1/p``.
    stated_threshold : float, default=1.0
        A facet is *stated high* when its stated share exceeds
        ``stated_threshold`` times the mean share (1: above average).
    sample_weight : array-like or None
        Survey weights (for resampling SHAP): of the respondents explained,
        or of every respondent where ``derived`` explained a subsample of
        them (``derived.info["explained_rows"]``, a survey over 50,000).
    n_boot : int, default=200
        Resamples when ``derived`` has no replicates (0: no ``p_quadrant``).
    level : float, default=0.9
        Confidence level of the rank-correlation interval.
    random_state : int or None
        Seed for the resampling.

    Returns
    -------
    StatedComparison
        ``table`` indexed by facet with ``derived_share, stated_importance,
        stated_low, stated_high, stated_rank, gap, quadrant, p_quadrant``;
        ``rank_correlation``,
        ``thresholds`` and ``info``.

    Raises
    ------
    ValidationError
        Listing every problem: settings out of range, a threshold factor of
        at least the number of facets compared (no share could pass it),
        stated importance for facets the derived importance lacks, derived
        importance missing, negative or infinite for a compared facet.
    TypeError
        When ``derived`` or ``stated`` is not the result type named above.

    Warns
    -----
    EmomotivWarning
        When stated importance covers one facet only, or is the same for
        every facet: no quadrant is assigned.

    Examples
    --------
    >>> import pandas as pd
    >>> from emomotiv.results import ImportanceResult
    >>> facets = pd.Index(["fees", "app", "note", "news"], name="facet")
    >>> derived = ImportanceResult(
    ...     "shap", pd.DataFrame({"importance": [0.02, 0.4, 0.5, 0.08]}, index=facets))
    >>> catalog = pd.DataFrame({"facet": facets, "stated_importance": [5, 4, 1, 2]})
    >>> comp = compare_importance(derived, stated_importance(catalog=catalog))
    >>> comp.table["quadrant"].tolist()
    ['table_stakes', 'core_driver', 'hidden_driver', 'low_priority']
    """
    owner = "compare_importance"
    problems = []
    if not isinstance(derived, ImportanceResult):
        problems.append(
            "'derived' must be an ImportanceResult (from shap_importance, "
            "bootstrap_importance or AnalysisResult.importance); got "
            f"{type(derived).__name__}."
        )
    if not isinstance(stated, StatedImportance):
        problems.append(
            "'stated' must be a StatedImportance (from stated_importance); got "
            f"{type(stated).__name__}."
        )
    if problems:
        raise TypeError(f"{owner}: " + " ".join(problems))
    n_boot, level, factors, facets = _comparison_inputs(
        derived, stated, n_boot, level, derived_threshold, stated_threshold
    )
    known = list(derived.table.index)
    m = len(facets)
    t_d = factors["derived_threshold"] / m
    t_s = factors["stated_threshold"] / m
    d = derived.table.loc[facets, "importance"].to_numpy(dtype=float)
    d = _normalise_rows(d[None, :])[0]
    s = stated.table.loc[facets, "stated_importance"].to_numpy(dtype=float)
    s = s / s.sum()
    stated_rank = (
        pd.Series(s, index=facets).rank(method="min", ascending=False).astype(int)
    )
    gap = d - s
    info: dict = {
        "n_compared": m,
        "not_compared": [f for f in known if f not in set(facets)],
        "share_basis": "derived shares re-expressed over the compared facets"
        if m < len(known)
        else "derived shares of all facets",
        "n_replicates": 0,
    }
    thresholds = {
        "derived": t_d,
        "stated": t_s,
        "derived_factor": t_d * m,
        "stated_factor": t_s * m,
        "rule": f"high = share above factor x the mean share (1/{m})",
    }
    quad = np.full(m, None, dtype=object)
    p_quad = np.full(m, np.nan)
    rho = rho_low = rho_high = np.nan
    if m == 1:
        warnings.warn(
            f"Only one facet ({preview(facets)}) has stated importance, so "
            "there is nothing to compare it with: no quadrants are assigned.",
            EmomotivWarning,
            stacklevel=2,
        )
        info["note"] = "stated importance for one facet only: no quadrants"
        info["p_quadrant_source"] = None
    elif not stated.informative:
        warnings.warn(uninformative_warning(stated), EmomotivWarning, stacklevel=2)
        info["note"] = "stated importance is uninformative (all equal): no quadrants"
        info["p_quadrant_source"] = None
    else:
        q = _quadrants(d, s, t_d, t_s)
        quad = np.asarray(QUADRANTS, dtype=object)[q]
        # NaN, without scipy's warning, when the derived shares are all equal
        rho = float(_row_spearman(d[None, :], s[None, :])[0])
        reps_d, source = _derived_replicates(
            derived, facets, sample_weight, n_boot, random_state
        )
        info["p_quadrant_source"] = source
        if reps_d is not None:
            reps_d, reps_s, held, dropped = _pairs(reps_d, stated, facets, s)
            info["p_quadrant_source"] = source + (
                "; stated importance held fixed"
                if held
                else "; stated bootstrap replicates"
            )
            info["n_replicates"] = len(reps_d)
            if dropped:
                info["note"] = (
                    f"{dropped} of {dropped + len(reps_d)} resamples left out of "
                    "p_quadrant and the correlation's interval: the derived or "
                    "the stated shares are missing in them."
                )
            if len(reps_d):
                p_quad = (_quadrants(reps_d, reps_s, t_d, t_s) == q).mean(axis=0)
                rhos = _row_spearman(reps_d, reps_s)
                rhos = rhos[np.isfinite(rhos)]
                if len(rhos):
                    from .bootstrap import percentile_interval

                    # the bagged estimate, as importance's: the mean over the
                    # replicates their interval comes from (the correlation of
                    # the bagged shares, smoother than any one replicate's,
                    # lay at the edge of that interval or outside it)
                    rho = float(rhos.mean())
                    low, high, _ = percentile_interval(rhos[:, None], [rho], level)
                    rho_low, rho_high = float(low[0]), float(high[0])
        else:
            info["note"] = (
                "p_quadrant is NaN: the derived importance has neither bootstrap "
                "replicates nor a SHAP explanation to resample (or n_boot=0)."
            )
    info["rank_correlation_low"] = rho_low
    info["rank_correlation_high"] = rho_high
    table = pd.DataFrame(
        {
            "derived_share": d,
            "stated_importance": s,
            "stated_low": stated.table.loc[facets, "stated_low"].to_numpy(),
            "stated_high": stated.table.loc[facets, "stated_high"].to_numpy(),
            "stated_rank": stated_rank.to_numpy(),
            "gap": gap,
            "quadrant": quad,
            "p_quadrant": p_quad,
        },
        index=pd.Index(facets, name="facet"),
    )
    return StatedComparison(table, stated, rho, thresholds, info)
