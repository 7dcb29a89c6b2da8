"""Weighted statistics shared by the analysis modules (private).

Survey weights enter every share and mean in emomotiv; these helpers keep the
arithmetic in one place. Missing values (touchpoints not experienced) are
skipped per column, never imputed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CHUNK_ROWS = 65_536
# how a bootstrap interval's ends are read from the sorted replicates:
# numpy's name for Hyndman and Fan's type 6, the k-th of B at k / (B + 1)
# (see :func:`emomotiv.bootstrap.percentile_interval`)
QUANTILES = "weibull"
# the start of :func:`few_replicates`'s message (a pattern: analyze says it once)
FEW_REPLICATES = r"With \d+ bootstrap replicates, each "


def interval_floor(level: float) -> int:
    """The fewest replicates whose percentile interval at ``level`` holds
    ``level`` of their distribution: below it, the quantiles at
    (1 - level) / 2 and (1 + level) / 2 fall before the first and after the
    last of the B sorted replicates (type 6 reads the k-th at k / (B + 1)),
    so the interval is their range.

    Examples
    --------
    >>> interval_floor(0.9), interval_floor(0.95), interval_floor(0.5)
    (19, 39, 3)
    """
    return int(np.ceil(2 / (1 - level) - 1 - 1e-9))


def few_replicates(n_boot: int, level: float) -> str | None:
    """The warning for intervals of fewer replicates than ``level`` needs
    (None when they are enough, or when there are none or one: no interval
    or :data:`emomotiv.bootstrap.ONE_REPLICATE`'s warning).

    Examples
    --------
    >>> print(few_replicates(10, 0.9))  # doctest: +ELLIPSIS
    With 10 bootstrap replicates, each 90% interval is their range, which ...
    >>> few_replicates(20, 0.9) is None
    True
    """
    floor = interval_floor(level)
    if not 2 <= n_boot < floor:
        return None
    held = (n_boot - 1) / (n_boot + 1)
    level = f"{level * 100:g}%"
    return (
        f"With {n_boot} bootstrap replicates, each {level} interval is their "
        f"range, which holds on average {held:.0%} of their distribution, not "
        f"{level}: the intervals, and each 'beyond noise' that rests on them, "
        f"read surer than they are. Use n_boot >= {floor} for {level} "
        "intervals" + (" (the default 100 for a report)." if floor <= 100 else ".")
    )


def row_chunks(n: int):
    """Row slices of at most :data:`CHUNK_ROWS`: the n x p temporaries of the
    sums below stay a chunk in size whatever the survey's."""
    for start in range(0, max(n, 1), CHUNK_ROWS):
        yield slice(start, start + CHUNK_ROWS)


def row_chunk(values: pd.DataFrame | np.ndarray, rows: slice) -> np.ndarray:
    """Rows of a frame or array as a float array: one chunk converted at a time."""
    if isinstance(values, pd.DataFrame):
        return values.iloc[rows].to_numpy(dtype=float)
    return np.asarray(values[rows], dtype=float)


def model_matrix(
    frame: pd.DataFrame, rows: np.ndarray | None = None, exact=None
) -> np.ndarray:
    """``frame`` (its ``rows``, default all) as the model reads it: float32,
    half the memory of float64, built a chunk at a time.

    float64 instead when float32 would change a value in the ``exact``
    columns (default all; ratings never change), so that what a scenario
    moves, or a statistic reads, is the survey's own value.
    """
    index = np.arange(len(frame)) if rows is None else np.asarray(rows)
    if index.dtype == bool:
        index = np.flatnonzero(index)
    at = list(range(frame.shape[1])) if exact is None else list(exact)
    out = np.empty((len(index), frame.shape[1]), dtype=np.float32)
    for part in row_chunks(len(index)):
        chunk = frame.iloc[index[part]].to_numpy(dtype=float)
        out[part] = chunk
        if not np.array_equal(out[part][:, at], chunk[:, at], equal_nan=True):
            return frame.iloc[index].to_numpy(dtype=float)
    return out


def _weighted_sums(
    values: pd.DataFrame | np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per column, over the rows that have it: total weight and weighted sum
    (one pass over chunks of rows)."""
    total, sums = np.zeros(values.shape[1]), np.zeros(values.shape[1])
    for rows in row_chunks(len(values)):
        chunk = row_chunk(values, rows)
        w = weights[rows, None] * ~np.isnan(chunk)
        total += w.sum(axis=0)
        sums += np.nansum(chunk * w, axis=0)
    return total, sums


def column_moments(
    values: pd.DataFrame | np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column, over the rows that have it: total weight, weighted mean
    and weighted (population) variance.

    Two passes over chunks of rows (the mean, then the squared deviations
    from it), so a survey is never copied whole.
    """
    weights = np.asarray(weights, dtype=float)
    total, sums = _weighted_sums(values, weights)
    mean = sums / np.where(total > 0, total, 1.0)
    squares = np.zeros(values.shape[1])
    for rows in row_chunks(len(values)):
        chunk = row_chunk(values, rows)
        w = weights[rows, None] * ~np.isnan(chunk)
        squares += np.nansum((chunk - mean) ** 2 * w, axis=0)
    return total, mean, squares / np.where(total > 0, total, 1.0)


def weighted_share(mask: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted share of True per column of a boolean matrix (or a vector)."""
    mask = np.asarray(mask, dtype=float)
    return np.average(mask, axis=0, weights=weights)


def kish_size(weights: np.ndarray) -> float:
    """Kish's effective sample size ``sum(w)**2 / sum(w**2)``.

    The weights are divided by their largest first, so that weights whose
    squares leave the float range (1e-170 or 1e170 each) give the same size
    as any other scale instead of NaN.
    """
    w = np.asarray(weights, dtype=float)
    w = w / w.max()
    return float(w.sum() ** 2 / (w**2).sum())


def facet_profile(X: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Per facet: ``reach`` (weighted share who rated it) and ``mean_score``.

    ``mean_score`` is the weighted mean rating among those who rated it.
    Summed over chunks of rows (see :func:`weighted_corr_matrix`).
    """
    weights = np.asarray(weights, dtype=float)
    reached, rated = _weighted_sums(X, weights)
    total = weights.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(reached > 0, rated / np.where(reached > 0, reached, 1), np.nan)
        reach = reached / total
    return pd.DataFrame(
        {"reach": reach, "mean_score": mean},
        index=pd.Index(X.columns, name="facet"),
    )


def weighted_corr_columns(
    a: np.ndarray, b: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Weighted Pearson correlation of ``a[:, j]`` with ``b[:, j]`` per column.

    Rows where either value is missing, or whose weight is 0, are skipped;
    fewer than three rows left, or a column without variation, give NaN.
    """
    out = np.full(a.shape[1], np.nan)
    for j in range(a.shape[1]):
        ok = ~(np.isnan(a[:, j]) | np.isnan(b[:, j])) & (weights > 0)
        if ok.sum() < 3:
            continue
        w = weights[ok]
        x, y = a[ok, j], b[ok, j]
        x = x - np.average(x, weights=w)
        y = y - np.average(y, weights=w)
        denom = np.sqrt(np.average(x * x, weights=w) * np.average(y * y, weights=w))
        if denom > 0:
            out[j] = np.average(x * y, weights=w) / denom
    return out


def pair_counts(
    values: pd.DataFrame | np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """Respondents who have both column ``j`` and column ``k`` (not NaN);
    with ``weights``, only those whose weight is above 0 (a respondent of
    weight 0 is not in the survey's sums, nor in a bootstrap replicate that
    did not draw them)."""
    if not isinstance(values, pd.DataFrame):
        values = np.asarray(values, dtype=float)
    counted = None if weights is None else np.asarray(weights, dtype=float) > 0
    pairs = np.zeros((values.shape[1], values.shape[1]))
    for rows in row_chunks(len(values)):
        seen = (~np.isnan(row_chunk(values, rows))).astype(float)
        if counted is not None:
            seen *= counted[rows, None]
        pairs += seen.T @ seen
    return pairs


def weighted_corr_matrix(
    values: pd.DataFrame | np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Weighted pairwise-complete Pearson correlation matrix of the columns.

    Entry ``(j, k)`` uses the respondents who have both ``j`` and ``k``
    (missing = not experienced), with their weights; means and variances are
    taken over that same set, as R's ``cor(use="pairwise.complete.obs")``
    does. A pair with no variation (or fewer than two shared rows of weight
    above 0) is NaN.
    The sums run over chunks of rows (a frame is converted a chunk at a
    time), so memory does not grow with the survey beyond the input itself.
    """
    if not isinstance(values, pd.DataFrame):
        values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    p = values.shape[1]
    # centre on the column means first, for numerical accuracy
    count = np.zeros(p)
    sums = np.zeros(p)
    for rows in row_chunks(len(values)):
        chunk = row_chunk(values, rows)
        count += (~np.isnan(chunk)).sum(axis=0)
        sums += np.nansum(chunk, axis=0)
    centre = np.where(count > 0, sums / np.maximum(count, 1), 0.0)
    total, sum_x, sum_xx, sum_xy, pairs = (np.zeros((p, p)) for _ in range(5))
    for rows in row_chunks(len(values)):
        chunk = row_chunk(values, rows)
        seen = ~np.isnan(chunk)
        x = np.where(seen, chunk - centre, 0.0)
        m = seen.astype(float)
        wm = m * weights[rows, None]
        wx = x * weights[rows, None]
        total += wm.T @ m  # weight of the rows where j and k are both seen
        sum_x += wx.T @ m  # (j, k): sum of x_j over rows where k is seen too
        sum_xx += (wx * x).T @ m
        sum_xy += wx.T @ x
        pairs += (m * (weights[rows, None] > 0)).T @ m
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_x = sum_x / total
        second = sum_xx / total
        cov = sum_xy / total - mean_x * mean_x.T
        var = second - mean_x**2
        # The one-pass variance leaves round-off where a column is constant
        # over a pair's rows; that pair has no variation, so no correlation.
        var = np.where(var <= 1e-10 * second, 0.0, var)
        corr = cov / np.sqrt(var * var.T)
        corr = (corr + corr.T) / 2  # symmetric in exact arithmetic; make it so
    corr[(pairs < 2) | ~np.isfinite(corr)] = np.nan
    np.fill_diagonal(corr, np.where(np.diag(var) > 0, 1.0, np.nan))
    return np.clip(corr, -1.0, 1.0)


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted median of the non-missing ``values`` (an observed value).

    The smallest value whose cumulative weight reaches half the total; NaN
    when nothing is observed.
    """
    values = np.asarray(values, dtype=float)
    ok = ~np.isnan(values)
    if not ok.any():
        return float("nan")
    order = np.argsort(values[ok], kind="stable")
    v, w = values[ok][order], np.asarray(weights, dtype=float)[ok][order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, 0.5 * cum[-1])])


def format_against(
    value: float, threshold: float, *, digits: int = 0, percent: bool = False
) -> str:
    """``value`` with ``digits`` decimals, or as many more (up to three) as it
    takes to read on the same side of ``threshold`` as it is, so that a
    message never says "0.60 (below 0.6)".

    Examples
    --------
    >>> format_against(0.5968, 0.6, percent=True)
    '59.7%'
    >>> format_against(0.6, 0.6, percent=True)
    '60%'
    >>> format_against(0.5996, 0.6, digits=2), format_against(0.823, 0.6, digits=2)
    ('0.5996', '0.82')
    >>> format_against(-0.0012, 0.05, digits=2)  # no negative zero
    '0.00'
    """
    scale = 100.0 if percent else 1.0
    below = value < threshold
    limit = round(threshold * scale, 9)
    for places in range(digits, digits + 4):
        shown = round(value * scale, places)
        if (shown < limit) == below:
            break
    return f"{shown:z.{places}f}" + ("%" if percent else "")


def adjust_p(p: np.ndarray, correction: str) -> np.ndarray:
    """p-values adjusted for being read together: ``"holm"``, ``"fdr_bh"``
    (Benjamini-Hochberg) or ``"none"``; NaN stays NaN and is not counted.

    Examples
    --------
    >>> adjust_p(np.array([0.01, 0.04, np.nan]), "holm").round(2).tolist()
    [0.02, 0.04, nan]
    """
    p = np.asarray(p, dtype=float)
    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    if not ok.any():
        return out
    if correction == "none":
        out[ok] = p[ok]
        return out
    from statsmodels.stats.multitest import multipletests

    out[ok] = multipletests(p[ok], method=correction)[1]
    return out


def replicate_p(point: np.ndarray, reps: np.ndarray) -> np.ndarray:
    """Two-sided p-value of each estimate against zero from its bootstrap
    replicates: ``point / sd`` (the replicates' standard deviation) read on
    Student's t with one degree of freedom fewer than the finite replicates,
    as the sd is itself estimated from them (with a hundred replicates, close
    to the normal distribution; with a few, far wider). NaN where fewer than
    two replicates are finite or they do not vary.

    Examples
    --------
    >>> reps = np.array([[1.0, -1.0], [3.0, 1.0], [2.0, 0.0]])
    >>> replicate_p(np.array([2.0, 0.0]), reps).round(3).tolist()
    [0.184, 1.0]
    """
    from scipy.stats import t

    point = np.asarray(point, dtype=float)
    reps = np.asarray(reps, dtype=float).reshape(-1, len(point))
    finite = np.isfinite(reps).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.nanstd(np.where(finite >= 2, reps, np.nan), axis=0, ddof=1)
        z = np.where((finite >= 2) & (sd > 0), point / sd, np.nan)
    df = np.maximum(finite - 1, 1)
    return np.where(np.isnan(z), np.nan, 2 * t.sf(np.abs(z), df))


def infinite_ratings(names, counts) -> str | None:
    """The problem of facets with infinite ratings (``counts`` per facet),
    or None when there is none.

    Examples
    --------
    >>> infinite_ratings(["a", "b"], [0, 2])[:42]
    "Facets with infinite ratings: 'b' (2 rows)"
    """
    found = [
        f"'{name}' ({int(k)} row{'s' if k > 1 else ''})"
        for name, k in zip(names, counts, strict=True)
        if k
    ]
    if not found:
        return None
    more = f" (+{len(found) - 3} more)" if len(found) > 3 else ""
    return (
        f"Facets with infinite ratings: {', '.join(found[:3])}{more}. A rating "
        "must be a finite number, or NaN where the touchpoint was not experienced."
    )
