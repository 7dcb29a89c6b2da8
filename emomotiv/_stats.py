"""Weighted statistics shared by the analysis modules (private).

Survey weights enter every share and mean in emomotiv; these helpers keep the
arithmetic in one place. Missing values (touchpoints not experienced) are
skipped per column, never imputed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def weighted_share(mask: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted share of True per column of a boolean matrix (or a vector)."""
    mask = np.asarray(mask, dtype=float)
    return np.average(mask, axis=0, weights=weights)


def facet_profile(X: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Per facet: ``reach`` (weighted share who rated it) and ``mean_score``.

    ``mean_score`` is the weighted mean rating among those who rated it.
    """
    values = X.to_numpy(dtype=float)
    seen = ~np.isnan(values)
    w = weights[:, None] * seen
    total = w.sum(axis=0)
    mean = np.where(
        total > 0, np.nansum(values * w, axis=0) / np.where(total > 0, total, 1), np.nan
    )
    return pd.DataFrame(
        {"reach": weighted_share(seen, weights), "mean_score": mean},
        index=pd.Index(X.columns, name="facet"),
    )


def weighted_corr_columns(
    a: np.ndarray, b: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Weighted Pearson correlation of ``a[:, j]`` with ``b[:, j]`` per column.

    Rows where either value is missing are skipped; a column without
    variation gives NaN.
    """
    out = np.full(a.shape[1], np.nan)
    for j in range(a.shape[1]):
        ok = ~(np.isnan(a[:, j]) | np.isnan(b[:, j]))
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
