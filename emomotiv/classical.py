"""Classical relative importance: relative weights, Shapley regression, baselines.

These methods decompose the R² of a linear regression of the outcome on the
facets. They need only the (weighted) correlation matrix of the facets and the
outcome, so every function here first builds that matrix and then works on it:

- :func:`relative_weights` -- Johnson's (2000) relative weights: the outcome
  is regressed on the orthogonal counterparts of the facets, and each
  counterpart's R² share is mapped back to the facets.
- :func:`shapley_regression` -- the Shapley value of R² (LMG, Lindeman,
  Merenda and Gold 1980; "Shapley value regression", "dominance analysis'
  general dominance"). Exact from the R² of every subset of facets up to
  about 20 facets, sampled over permutations with a Monte-Carlo standard error
  beyond, and optionally grouped by journey stage (the Owen value: exact
  Shapley over stages, then the facets within each stage).
- :func:`beta_importance` -- squared standardized betas, a naive baseline.
- :func:`correlation_importance` -- squared correlations with the outcome,
  the other naive baseline (each facet on its own).

Each returns an :class:`~emomotiv.results.ImportanceResult` whose ``table``
has ``importance`` (share of the total), ``raw_importance`` (R² units),
``direction`` (+1 / -1), the facet's correlation ``r`` with the outcome, its
multivariate ``std_beta``, a ``suppressor`` flag (the two disagree in sign),
``reach`` and ``mean_score``.

Structural missingness
----------------------
A facet rating is missing when the respondent did not experience that
touchpoint. Listwise deletion would keep almost nobody (few respondents use
every touchpoint) and imputing a rating would invent experiences, so by
default (``missing="pairwise"``) each correlation is computed, with the survey
weights, over the respondents who rated *both* facets (or the facet and the
outcome): it describes how the facets move together among those who
experienced them, whatever their reach. A matrix of pairwise correlations need
not be positive semi-definite; when it is not, it is replaced by the nearest
correlation matrix (Higham 2002, alternating projections), which keeps R²
within [0, 1] and the decompositions well defined; ``info["psd_projection"]``
says how far it moved. The nearest matrix is singular, so the outcome is then
(nearly) a linear combination of the facets and R² close to 1: many facets
rated by few respondents each (200 facets on 2,000 respondents of whom a
quarter skip each facet) get there. Each method then warns, naming the facets
rated by fewest respondents (:func:`emomotiv.analyze` then reads its
methods with ``missing="mean"`` and says so once, in
``summary["agreement"]["warning"]``). A few facets rated by far fewer
respondents than the others (fewer than a quarter of the median facet's
raters, such as 32 of 2,000, among 30 facets) break the matrix too, with
correlations from their few raters; before any projection those facets
alone, fewest rated first, are read with their weighted mean (as below)
until the matrix is valid, the others keep their pairwise correlations, and
each method warns, naming them (``info["mean_read"]``; :func:`emomotiv.analyze`
says it once, in ``summary["agreement"]["warning"]``). The R package
``rwa`` also uses pairwise-complete correlations by default (its recent
versions refuse a pairwise matrix that is not positive semi-definite, and use
only complete cases when weighted). With ``missing="mean"`` a
missing rating is replaced by the facet's weighted mean among those who rated
it: non-users then add no covariance, so a facet's correlations shrink with
its reach and importance reflects how many customers the touchpoint touches
(closer to SHAP, for which *not* having experienced a touchpoint is itself
informative). On complete data both choices give the ordinary weighted
correlation matrix, so the results match the published references exactly.

Survey weights enter the correlations (weighted means, variances and
covariances); the decompositions are functions of the correlation matrix only,
so they are invariant to rescaling the weights or any facet. A respondent of
weight 0 counts for nothing: each facet must be rated by at least three
respondents of weight above 0 and vary among them, and there must be more
than ``p + 1`` of them for ``p`` facets (with fewer, any outcome is fitted
exactly). Ratings must be finite; the outcome must be complete. An outcome
of two values other than 0/1 (text such as "yes"/"no") is read as
:class:`~emomotiv.DriverModel` reads it: 1 for the later value in sort
order, with the same warning naming it (none for a yes beside a no).

A facet that is another (or a sum of others) up to round-off, such as a copy
stored as float32, leaves the facets' correlation matrix a direction of
variance below ``1e-10`` of the largest. That direction is set to exactly
zero before any method runs, so that every method decomposes the same R²
(that of the facets without the copy) and the copy and its original share
their part.

References
----------
Johnson, J. W. (2000). A heuristic method for estimating the relative weight
of predictor variables in multiple regression. Multivariate Behavioral
Research, 35(1), 1-19.

Lindeman, R. H., Merenda, P. F., and Gold, R. Z. (1980). Introduction to
Bivariate and Multivariate Analysis. Scott, Foresman.

Owen, G. (1977). Values of games with a priori unions. In Essays in
Mathematical Economics and Game Theory, 76-88. Springer.

Higham, N. J. (2002). Computing the nearest correlation matrix -- a problem
from finance. IMA Journal of Numerical Analysis, 22(3), 329-343.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from math import comb

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._stats import (
    facet_profile,
    infinite_ratings,
    pair_counts,
    row_chunk,
    row_chunks,
    weighted_corr_matrix,
)
from ._validation import (
    EmomotivWarning,
    ValidationError,
    as_numbers,
    check_choice,
    check_frame,
    check_int,
    check_weights,
    column_list,
    index_problems,
    preview,
)
from .results import ImportanceResult
from .schema import weights_break_correlations

__all__ = [
    "beta_importance",
    "compare_methods",
    "correlation_importance",
    "method_agreement",
    "relative_weights",
    "shapley_regression",
]

MISSING = ("pairwise", "mean")
EXACT_AUTO_MAX = 20  # method="auto" enumerates all subsets up to this many facets
EXACT_MAX = 24  # 2**24 subsets: about 0.5 GB of working memory
EXACT_STAGES_MAX = 12  # stage values exact (2**g regressions) up to this many
MIN_BLOCKS = 10  # sampled: the standard error rests on this many block means at least
_PIVOT_TOL = 1e-12  # partial variance below which a facet adds nothing


# --------------------------------------------------------------------------
# the correlation matrix


def _facet_problems(values: pd.DataFrame, counted: np.ndarray) -> list[str]:
    """Facets with infinite ratings, rated by fewer than 3 respondents, or
    without variation, over the ``counted`` respondents (weight above 0)."""
    names = list(values.columns)
    count, infinite = np.zeros(len(names)), np.zeros(len(names))
    high = np.full(len(names), -np.inf)
    low = np.full(len(names), np.inf)
    for rows in row_chunks(len(values)):  # never the whole survey at once
        chunk = row_chunk(values, rows)
        infinite += np.isinf(chunk).sum(axis=0)
        seen = np.isfinite(chunk) & counted[rows, None]
        count += seen.sum(axis=0)
        high = np.maximum(high, np.where(seen, chunk, -np.inf).max(axis=0))
        low = np.minimum(low, np.where(seen, chunk, np.inf).min(axis=0))
    problems = [infinite_ratings(names, infinite)] if infinite.any() else []
    weighted = "" if counted.all() else " with a weight above 0"
    empty = [c for c, n in zip(names, count, strict=True) if n < 3]
    if empty:
        problems.append(
            f"Facets rated by fewer than 3 respondents{weighted}: {preview(empty)}. "
            "They have no correlations to decompose: leave them out of X."
        )
    spread = high - low
    flat = [
        c for c, d, n in zip(names, spread, count, strict=True) if n >= 3 and not d > 0
    ]
    if flat:
        problems.append(
            f"Facets without variation{weighted}: {preview(flat)}. One rating "
            "for everyone explains nothing: leave them out of X."
        )
    return problems


def _outcome_problems(y, yv: np.ndarray, text: str, n: int) -> list[str]:
    """What is wrong with the outcome: a column name, text, length, gaps."""
    if isinstance(y, str):
        return [
            f"y must hold one value per respondent, such as survey['{y}']; got "
            f"the string '{y}'."
        ]
    if text:
        return [
            f"y holds text in {text}, not two answers: code it as numbers (a "
            "score), or a yes/no outcome as 0/1."
        ]
    if yv.shape[0] != n:
        return [f"y has {yv.shape[0]} values but X has {n} respondents."]
    bad = int((~np.isfinite(yv)).sum())
    if bad:
        return [
            f"y has {bad} missing or infinite value{'s' if bad > 1 else ''}; drop "
            "those respondents first."
        ]
    return []


def _check_inputs(X, y, sample_weight, owner: str):
    """Facet matrix, outcome and weights as floats, or one error listing all.

    Respondents of weight 0 count for nothing: a facet must be rated by
    three respondents of weight above 0, and vary among them.
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            f"{owner} needs X as a DataFrame of facet columns; facets are "
            "addressed by name, never by position."
        )
    problems = []
    if X.shape[1] == 0:
        problems.append("X has no facet columns.")
    if X.shape[0] == 0:
        problems.append("X has no respondents (no rows).")
    read = False
    if X.columns.duplicated().any():
        dup = list(X.columns[X.columns.duplicated()])
        problems.append(f"Facet names must be unique; repeated: {preview(dup)}.")
    else:
        from .model import _numeric_columns  # sklearn: imported when used

        try:  # numbers held as text or categories, read as DriverModel does
            X, read = _numeric_columns(X, owner), True
        except ValidationError as err:  # text or dates, named with the way out
            problems += err.problems
    numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    bad = [c for c in X.columns if c not in numeric]
    if bad and read:
        dtypes = ", ".join(sorted({str(X[c].dtype) for c in bad}))
        problems.append(
            f"Facets must be numeric ratings; not numeric: {preview(bad)} "
            f"(dtype {dtypes}). Give them as numbers, e.g. X.astype(float)."
        )
    problems += index_problems(X, "X", y=y, sample_weight=sample_weight)
    yv, text = as_numbers(np.array([]) if y is None else y)
    yv = yv.ravel()
    classes = _two_answers(y) if text and not isinstance(y, str) else None
    if classes is not None:  # read as DriverModel reads it: the later is 1
        answers = pd.Series(np.ravel(np.asarray(y, dtype=object)))
        yv = np.where(answers.isna(), np.nan, (answers == classes[1]) * 1.0)
        text = ""
    problems += _outcome_problems(y, yv, text, len(X))
    weights = None
    try:
        weights = check_weights(sample_weight, len(X))
    except ValueError as err:  # weights that sum to zero too
        problems.append(str(err))
    counted = np.ones(len(X), bool) if weights is None else weights > 0
    values = X[numeric]
    if len(values) and numeric:
        problems += _facet_problems(values, counted)
    if yv.shape[0] == len(X) and np.isfinite(yv).all() and counted.any():
        if not np.ptp(yv[counted]) > 0:
            problems.append("y has no variation: there is nothing to explain.")
    n_counted, p = int(counted.sum()), X.shape[1]
    if 0 < n_counted <= p + 1:
        problems.append(
            f"X has {p} facets and {n_counted} respondents"
            f"{'' if counted.all() else ' with a weight above 0'}: a linear fit "
            "of p facets on p + 1 respondents or fewer explains any outcome "
            "exactly (R² = 1), so there is nothing to decompose. Use fewer "
            "facets (one journey stage at a time) or more respondents."
        )
    if problems:
        raise ValidationError(problems, subject=f"input to {owner}")
    if classes is not None:
        from .model import _warn_of_explained_class

        _warn_of_explained_class(classes, stacklevel=5)
    return values, yv, weights


def _two_answers(y) -> np.ndarray | None:
    """The two values, in sort order, of an outcome of exactly two besides
    its missing ones (text such as "yes"/"no"); else None."""
    values = pd.Series(np.ravel(np.asarray(y, dtype=object))).dropna()
    try:
        classes = np.unique(values.to_numpy())
    except TypeError:  # text beside numbers: no order to read
        return None
    return classes if len(classes) == 2 else None


def _weighted_corr(
    values: pd.DataFrame | np.ndarray,
    weights: np.ndarray,
    missing: str,
    complete: bool,
):
    """Weighted correlation matrix of the columns; pairwise-complete on NaN
    (summed over chunks of rows) unless ``complete`` (no NaN).

    Returns the matrix and the number of column pairs never observed together
    (their correlation is set to 0).
    """
    if missing == "mean" or complete:
        values = np.asarray(values, dtype=float)
        seen = ~np.isnan(values)
        filled = values
        if not seen.all():
            w = weights[:, None] * seen
            means = np.nansum(values * w, axis=0) / w.sum(axis=0)
            filled = np.where(seen, values, means)
        centred = filled - np.average(filled, axis=0, weights=weights)
        cov = (centred * weights[:, None]).T @ centred
        sd = np.sqrt(np.diag(cov))
        return cov / np.outer(sd, sd), 0
    joint = pair_counts(values, weights)
    corr = weighted_corr_matrix(values, weights)
    ok = (joint >= 3) & np.isfinite(corr)
    corr = np.where(ok, corr, 0.0)
    np.fill_diagonal(corr, 1.0)
    return corr, int((~ok).sum() // 2)


def _nearest_correlation(C: np.ndarray, *, max_iter: int = 200, tol: float = 1e-10):
    """Nearest correlation matrix (Higham 2002) when ``C`` is not PSD.

    Returns the matrix and the Frobenius distance moved (0 when ``C`` was
    already positive semi-definite).
    """
    if np.linalg.eigvalsh(C)[0] >= -1e-12:
        return C, 0.0
    Y = C.copy()
    dS = np.zeros_like(C)
    for _ in range(max_iter):
        R = Y - dS
        vals, vecs = np.linalg.eigh(R)
        X = (vecs * np.clip(vals, 0, None)) @ vecs.T
        dS = X - R
        Y_new = X.copy()
        np.fill_diagonal(Y_new, 1.0)
        done = np.linalg.norm(Y_new - Y) <= tol * np.linalg.norm(Y)
        Y = Y_new
        if done:
            break
    vals, vecs = np.linalg.eigh((Y + Y.T) / 2)
    Y = (vecs * np.clip(vals, 0, None)) @ vecs.T
    d = np.sqrt(np.diag(Y))
    Y = Y / np.outer(d, d)
    return Y, float(np.linalg.norm(Y - C))


def _without_null_directions(corr: np.ndarray) -> np.ndarray:
    """``corr`` with the facets' directions of (numerically) no variance made
    exactly null, so that every method sees the same rank.

    A facet that is another up to round-off (a copy stored as float32, the
    sum of two others plus noise of 1e-6) leaves the facet block an
    eigenvalue below ``1e-10`` of the largest. The pseudo-inverse behind
    relative weights, the betas and the model's R² ignores it, while a subset
    regression would fit the round-off: LMG then decomposed a larger R² than
    the others. Zeroing those eigenvalues (and the outcome's correlation
    along them) gives one R² to all, that of the facets without the copy.
    """
    vals, vecs = np.linalg.eigh(corr[:-1, :-1])
    null = vals <= max(vals[-1], 1.0) * 1e-10
    if not null.any():
        return corr
    kept = vecs[:, ~null]
    block = (kept * vals[~null]) @ kept.T
    rxy = kept @ (kept.T @ corr[:-1, -1])
    sd = np.sqrt(np.diag(block))
    out = corr.copy()
    out[:-1, :-1] = block / np.outer(sd, sd)
    out[:-1, -1] = out[-1, :-1] = rxy / sd
    return out


def _correlations(X, y, sample_weight, owner: str, missing: str, *, fit=True):
    """Facet names, the (p+1) x (p+1) correlation matrix (outcome last), info;
    a warning when the method reads the joint fit (``fit``) and the nearest
    correlation matrix leaves its R² an artefact."""
    check_choice(missing, "missing", owner, MISSING)
    values, yv, weights = _check_inputs(X, y, sample_weight, owner)
    # the ratings and the outcome side by side, without copying the ratings
    # (a survey whose columns were converted one by one is in many blocks,
    # and pandas warns about adding a column to it: harmless here)
    table = values.set_axis(range(values.shape[1]), axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
        table[values.shape[1]] = yv
    n_missing = int(values.isna().to_numpy().sum())  # y is checked complete
    corr, n_unseen = _weighted_corr(table, weights, missing, n_missing == 0)
    names = [str(c) for c in X.columns]
    filled: list[int] = []
    if missing == "pairwise" and n_missing and not _is_psd(corr):
        rated = _rated(table, weights, len(names))
        corr, filled = _mean_read_fewest(table, weights, corr, rated)
    mean_read = [names[j] for j in filled]
    corr, moved = _nearest_correlation(corr)
    corr = _without_null_directions(corr)
    info = {
        "units": "R² (share of outcome variance)",
        "n_respondents": len(X),
        "missing": (
            "none"
            if n_missing == 0
            else "pairwise-complete weighted correlations"
            if missing == "pairwise"
            else "missing ratings replaced by the facet's weighted mean"
        ),
        "mean_read": mean_read,
        "psd_projection": moved,
        "pairs_never_seen_together": n_unseen,
    }
    if mean_read:
        info["missing"] += (
            f"; facets rated by few respondents ({preview(mean_read)}) read "
            "with the facet's weighted mean rating in place of a missing one"
        )
        _warn_mean_read(names, rated, filled, owner)
    profile = facet_profile(values.astype(float), weights)
    if moved > 0 and fit:
        _warn_artefact(table, weights, names, moved, _signs(corr)[2], owner)
    return names, corr, profile, info


FEW_RATED = 0.25  # rated by under this share of the median facet's raters: few


def _is_psd(C: np.ndarray) -> bool:
    return bool(np.linalg.eigvalsh(C)[0] >= -1e-12)


def _rated(table, weights: np.ndarray, p: int) -> np.ndarray:
    """Respondents of weight above 0 who rated each of the first ``p``
    columns of ``table``."""
    rated = np.zeros(p)
    for rows in row_chunks(len(table)):
        chunk = row_chunk(table, rows)[:, :p]
        rated += (np.isfinite(chunk) & (weights[rows, None] > 0)).sum(axis=0)
    return rated


def _mean_read_fewest(table, weights: np.ndarray, corr: np.ndarray, rated):
    """The pairwise matrix with the facets rated by fewest read with their
    weighted mean, one at a time, until the matrix is a valid correlation
    matrix; the other facets keep their pairwise correlations.

    A facet rated by few respondents has pairwise correlations from those
    few only: noisy (with a quarter of the raters, twice the standard error),
    and often at odds with the rest of the matrix, which is then not positive
    semi-definite. Read with its mean, a missing rating adds no covariance,
    so the facet's correlations shrink with its reach and agree with the
    others'. Only facets rated by fewer than :data:`FEW_RATED` times the
    median facet's raters are read so; when that does not give a valid
    matrix the pairwise one is returned unchanged, with no facet read (the
    matrix is then not broken by a few sparse facets but by many facets on
    few respondents, or a routed survey: the caller projects it to the
    nearest correlation matrix).

    Returns the matrix and the indices of the facets read with their mean.
    """
    order = np.argsort(rated, kind="stable")
    order = order[rated[order] < FEW_RATED * np.median(rated)]
    means = np.zeros(len(rated))
    for j in order:
        col = np.asarray(table[j], dtype=float)
        seen = ~np.isnan(col)
        means[j] = np.average(col[seen], weights=weights[seen])
    out = corr.copy()
    filled: list[int] = []
    for j in order:
        filled.append(int(j))
        out[j, :] = out[:, j] = _filled_corr(table, weights, filled, j, means)
        if _is_psd(out):
            return out, filled
    return corr, []


def _filled_corr(table, weights, filled: list[int], j: int, means) -> np.ndarray:
    """Weighted correlations of column ``j`` of ``table``, its missing values
    replaced by ``means[j]``, with every column, each over the rows where that
    column is rated (every row for a column in ``filled``)."""
    m = table.shape[1]
    total, sx, sy, sxx, syy, sxy = (np.zeros(m) for _ in range(6))
    for rows in row_chunks(len(table)):
        chunk = row_chunk(table, rows).astype(float)
        for k in filled:
            chunk[:, k] = np.where(np.isnan(chunk[:, k]), means[k], chunk[:, k])
        x = chunk[:, j][:, None]
        seen = ~np.isnan(chunk)
        w = weights[rows, None] * seen
        y = np.where(seen, chunk, 0.0)
        total += w.sum(axis=0)
        sx += (w * x).sum(axis=0)
        sy += (w * y).sum(axis=0)
        sxx += (w * x * x).sum(axis=0)
        syy += (w * y * y).sum(axis=0)
        sxy += (w * x * y).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mx, my = sx / total, sy / total
        cov = sxy / total - mx * my
        vx = np.clip(sxx / total - mx**2, 0, None)
        vy = np.clip(syy / total - my**2, 0, None)
        out = cov / np.sqrt(vx * vy)
    out = np.where(np.isfinite(out), np.clip(out, -1.0, 1.0), 0.0)
    out[j] = 1.0
    return out


def _warn_mean_read(names, rated, filled: list[int], owner: str):
    """Say which facets were read with their mean, and why."""
    shown = ", ".join(f"'{names[j]}' ({int(rated[j]):,})" for j in filled[:5])
    more = f" (+{len(filled) - 5} more)" if len(filled) > 5 else ""
    warnings.warn(
        f"The missing ratings of the facets rated by fewest respondents, "
        f"{shown}{more}, are read as the facet's weighted mean rating (its "
        f"share in {owner} then shrinks with its reach): their pairwise "
        "correlations, each over their few raters, do not form a valid "
        "correlation matrix with the other facets'. The other facets keep "
        "their pairwise correlations. To leave those facets out, drop them "
        "from X.",
        EmomotivWarning,
        stacklevel=4,
    )


ARTEFACT_R2 = 0.99  # R² this high from the nearest correlation matrix: its artefact


def _warn_artefact(table, weights, names, moved: float, r2: float, owner: str):
    """Warn when the nearest correlation matrix fits the outcome (nearly)
    exactly: its singular direction holds the outcome, so R² is about 1
    whatever the data say, and every method splits that artefact. The
    cause named: the survey weights when the ``table`` (facets, outcome
    last) unweighted gives a valid matrix, else the facets rated by fewest."""
    if r2 < ARTEFACT_R2:
        return
    weighted = weights_break_correlations(table, weights)
    if weighted:
        cause = f"Here {weighted}, or pass missing='mean'."
    else:
        rated = _rated(table, weights, len(names))
        fewest = np.argsort(rated, kind="stable")[:3]
        shown = ", ".join(f"'{names[j]}' ({int(rated[j]):,})" for j in fewest)
        cause = (
            f"Facets rated by fewest respondents: {shown}. Leave those out, "
            "analyse fewer facets at a time (one journey stage), or pass "
            "missing='mean'."
        )
    warnings.warn(
        f"{owner} reads a linear R² of {r2:.2f}, an artefact: the {len(names)} "
        "facets' pairwise correlations (each pair over the respondents who "
        "rated both) do not form a valid correlation matrix, and the nearest "
        f"one (moved by {moved:.2g}) is singular, so the facets seem to "
        "predict the outcome exactly; the shares are not meaningful. " + cause,
        EmomotivWarning,
        stacklevel=4,
    )


def _pinv_solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``A^+ b`` for a symmetric PSD ``A`` (collinear facets share the fit)."""
    vals, vecs = np.linalg.eigh(A)
    keep = vals > max(vals[-1], 1.0) * 1e-10
    return vecs[:, keep] @ ((vecs[:, keep].T @ b) / vals[keep])


def _signs(corr: np.ndarray):
    """Correlations with the outcome, standardized betas and R² of all facets."""
    Rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    beta = _pinv_solve(Rxx, rxy)
    return rxy, beta, float(np.clip(beta @ rxy, 0.0, 1.0))


def _result(
    method: str,
    names: list[str],
    raw: np.ndarray,
    direction: np.ndarray,
    corr: np.ndarray,
    profile: pd.DataFrame,
    info: dict,
    extra: Mapping[str, np.ndarray] | None = None,
    *,
    share_of_variance: bool = False,
) -> ImportanceResult:
    rxy, beta, r2 = _signs(corr)
    raw = np.asarray(raw, dtype=float)
    total = float(raw.sum())
    if share_of_variance:  # an R²: round-off must not report it outside [0, 1]
        total = float(np.clip(total, 0.0, 1.0))
    share = (
        np.clip(raw, 0, None) / np.clip(raw, 0, None).sum()
        if (np.clip(raw, 0, None).sum() > 0)
        else np.full(len(raw), 1 / len(raw))
    )
    columns = {
        "importance": share,
        "raw_importance": raw,
        "direction": np.where(np.asarray(direction) < 0, -1, 1).astype(int),
    }
    columns |= dict(extra or {})
    columns |= {
        "r": rxy,
        "std_beta": beta,
        "suppressor": (np.sign(rxy) * np.sign(beta) < 0)
        & (np.abs(beta) > 1e-12)
        & (np.abs(rxy) > 1e-12),
    }
    table = pd.DataFrame(columns, index=pd.Index(names, name="facet"))
    table = table.join(profile.set_axis(table.index))
    return ImportanceResult(method, table, total, None, {**info, "r2": r2})


# --------------------------------------------------------------------------
# relative weights and the baselines


def relative_weights(
    X: pd.DataFrame,
    y: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    missing: str = "pairwise",
) -> ImportanceResult:
    """Johnson's (2000) relative weights: R² split over correlated facets.

    The facets are replaced by their closest orthogonal counterparts
    ``Z = X R^{-1/2}``; the outcome is regressed on ``Z`` (coefficients
    ``b``) and each ``Z_k`` is regressed on the facets (loadings
    ``Λ = R^{1/2}``). A facet's raw weight is ``sum_k Λ[j, k]² b[k]²``; the
    raw weights sum to the model's R². Reproduces the R package ``rwa``.

    Parameters
    ----------
    X : DataFrame
        Facet ratings, one column per facet; NaN where the respondent did not
        experience the touchpoint.
    y : array-like of shape (n_respondents,)
        The outcome (a connection score, or 0/1 for a linear probability
        model). Two other values (text such as "yes"/"no") are read as 0/1,
        1 for the later in sort order, as :class:`~emomotiv.DriverModel`
        reads them; more than two answers in text are refused.
    sample_weight : array-like of shape (n_respondents,), default=None
        Survey weights; they enter every mean, variance and correlation.
    missing : {"pairwise", "mean"}, default="pairwise"
        How a missing rating (touchpoint not experienced) enters: pairwise-
        complete weighted correlations projected to the nearest correlation
        matrix when needed, or the facet's weighted mean imputed (importance
        then shrinks with reach). See the module notes.

    Returns
    -------
    ImportanceResult
        ``method="relative_weights"``; ``table`` columns ``importance`` (raw
        weight / R²), ``raw_importance`` (raw weight, R² units),
        ``direction`` (the sign of the facet's orthogonal counterpart's
        coefficient ``b``, as ``rwa`` reports it), ``r`` (correlation),
        ``std_beta``, ``suppressor``, ``reach``, ``mean_score``;
        ``total`` is the R².

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> rw = em.relative_weights(X, y, sample_weight=s.survey["weight"])
    >>> bool(abs(rw.total - rw.info["r2"]) < 1e-9)
    True
    >>> round(float(rw.table["importance"].sum()), 6)
    1.0
    """
    owner = "relative_weights"
    names, corr, profile, info = _correlations(X, y, sample_weight, owner, missing)
    Rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    vals, vecs = np.linalg.eigh(Rxx)
    vals = np.clip(vals, 0, None)
    lam = (vecs * np.sqrt(vals)) @ vecs.T  # R^{1/2}
    keep = vals > max(vals[-1], 1.0) * 1e-10
    inv_half = (vecs[:, keep] / np.sqrt(vals[keep])) @ vecs[:, keep].T
    b = inv_half @ rxy
    raw = (lam**2) @ (b**2)
    info["direction"] = "sign of the orthogonal counterpart's coefficient (rwa)"
    return _result(owner, names, raw, b, corr, profile, info, share_of_variance=True)


def beta_importance(
    X: pd.DataFrame,
    y: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    missing: str = "pairwise",
) -> ImportanceResult:
    """Squared standardized regression coefficients: a naive baseline.

    ``raw_importance`` is ``beta²`` (relaimpo's ``betasq``). With correlated
    facets (halo) the betas are unstable and their squares do not sum to R²;
    compare with :func:`shapley_regression` and :func:`relative_weights`.

    Parameters
    ----------
    X, y, sample_weight, missing
        As in :func:`relative_weights`.

    Returns
    -------
    ImportanceResult
        ``method="std_beta"``; ``direction`` is the sign of the beta.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> b = em.beta_importance(X, y)
    >>> bool((b.table["raw_importance"] == b.table["std_beta"] ** 2).all())
    True
    """
    names, corr, profile, info = _correlations(
        X, y, sample_weight, "beta_importance", missing
    )
    _, beta, _ = _signs(corr)
    info["direction"] = "sign of the standardized beta"
    return _result("std_beta", names, beta**2, beta, corr, profile, info)


def correlation_importance(
    X: pd.DataFrame,
    y: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    missing: str = "pairwise",
) -> ImportanceResult:
    """Squared correlation of each facet with the outcome: a naive baseline.

    ``raw_importance`` is ``r²`` (relaimpo's ``first``): what each facet
    explains on its own, ignoring the others (halo inflates every facet).

    Parameters
    ----------
    X, y, sample_weight, missing
        As in :func:`relative_weights`.

    Returns
    -------
    ImportanceResult
        ``method="squared_correlation"``; ``direction`` is the sign of the
        correlation ``r``.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> c = em.correlation_importance(X, y)
    >>> bool((c.table["direction"] == c.table["r"].gt(0) * 2 - 1).all())
    True
    """
    names, corr, profile, info = _correlations(
        X, y, sample_weight, "correlation_importance", missing, fit=False
    )
    rxy = corr[:-1, -1]
    info["direction"] = "sign of the correlation"
    return _result("squared_correlation", names, rxy**2, rxy, corr, profile, info)


# --------------------------------------------------------------------------
# Shapley regression: exact


def subset_r2(corr: np.ndarray) -> np.ndarray:
    """R² of every subset of facets, indexed by bitmask (bit j = facet j).

    ``corr`` is the (p+1) x (p+1) correlation matrix with the outcome last.
    Subsets are built by conditioning on one facet at a time (a Schur
    complement, i.e. one step of Gaussian elimination), doubling the batch of
    partial covariance matrices at each step while each shrinks by one row:
    about ``12 * 2**p`` floating-point updates in all, vectorised. A facet
    whose partial variance is (numerically) zero, e.g. a duplicate, adds
    nothing to the subsets it joins.
    """
    p = corr.shape[0] - 1
    batch = corr[None].copy()
    for _ in range(p):
        pivot = batch[:, 0, 0]
        col = batch[:, 1:, 0]
        rest = batch[:, 1:, 1:]
        ok = pivot > _PIVOT_TOL
        scale = np.where(ok, 1.0 / np.where(ok, pivot, 1.0), 0.0)
        joined = rest - (col * scale[:, None])[:, :, None] * col[:, None, :]
        batch = np.concatenate([rest, joined])
    return np.clip(1.0 - batch[:, 0, 0], 0.0, 1.0)


def _popcount(n_bits: int) -> np.ndarray:
    masks = np.arange(1 << n_bits)
    count = np.zeros(1 << n_bits, dtype=np.int64)
    for j in range(n_bits):
        count += (masks >> j) & 1
    return count


def _shapley_exact(v: np.ndarray, p: int) -> np.ndarray:
    """Shapley values of the game ``v`` (indexed by bitmask) over p players."""
    size = _popcount(p)
    weight = np.array([1.0 / (p * comb(p - 1, s)) for s in range(p)])
    phi = np.empty(p)
    for j in range(p):
        shaped = v.reshape(-1, 2, 1 << j)
        gain = shaped[:, 1, :] - shaped[:, 0, :]
        phi[j] = (weight[size.reshape(-1, 2, 1 << j)[:, 0, :]] * gain).sum()
    return phi


def _owen_exact(v: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Owen value of ``v`` with a priori unions ``groups`` (lists of bits)."""
    p = sum(len(g) for g in groups)
    g_count = len(groups)
    phi = np.zeros(p)
    group_mask = [int(sum(1 << int(b) for b in g)) for g in groups]
    for k, members in enumerate(groups):
        others = [group_mask[i] for i in range(g_count) if i != k]
        n_k = len(members)
        for t in range(1 << len(others)):
            chosen = [others[i] for i in range(len(others)) if t >> i & 1]
            base = sum(chosen)
            w_t = 1.0 / (g_count * comb(g_count - 1, len(chosen)))
            for pos, j in enumerate(members):
                rest = [int(b) for i, b in enumerate(members) if i != pos]
                subs = np.zeros(1 << len(rest), dtype=np.int64)
                sizes = np.zeros(1 << len(rest), dtype=np.int64)
                for i, b in enumerate(rest):
                    half = 1 << i
                    subs[half : 2 * half] = subs[:half] + (1 << b)
                    sizes[half : 2 * half] = sizes[:half] + 1
                w_s = np.array([1.0 / (n_k * comb(n_k - 1, s)) for s in sizes])
                gain = v[base + subs + (1 << int(j))] - v[base + subs]
                phi[j] += w_t * float((w_s * gain).sum())
    return phi


# --------------------------------------------------------------------------
# Shapley regression: sampled


def _gains_along(corr: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """R² gained by each facet when facets enter in each order (rows).

    For an order ``π`` the Cholesky factor of the correlation matrix with the
    facets permuted by ``π`` and the outcome last has, in its last row, the
    semi-partial correlations of the outcome with each entering facet; their
    squares are the successive R² gains. Returned by facet (not position).
    """
    p = corr.shape[0] - 1
    full = np.concatenate([orders, np.full((len(orders), 1), p)], axis=1)
    mats = corr[full[:, :, None], full[:, None, :]]
    last = np.linalg.cholesky(mats)[:, -1, :-1]
    gains = np.empty_like(last)
    np.put_along_axis(gains, orders, last**2, axis=1)
    return gains


def _ridged(corr: np.ndarray) -> np.ndarray:
    """Nudge a singular matrix to positive definite for Cholesky: its
    smallest eigenvalue to 1e-10, which moves an R² by about as much (the
    facets' null directions are exactly null, see
    :func:`_without_null_directions`, so none carries a gain)."""
    smallest = np.linalg.eigvalsh(corr)[0]
    if smallest > 1e-10:
        return corr
    out = corr.copy()
    out[np.diag_indices_from(out)] += 1e-10 - smallest
    d = np.sqrt(np.diag(out))
    return out / np.outer(d, d)


def _block_orders(rng, groups: list[np.ndarray]) -> np.ndarray:
    """One stratified block of orders: every facet in every position once.

    A random order (stages in random order, facets in random order within a
    stage) and its rotations: with one group, the p cyclic shifts of a random
    permutation; with stages, the stage order and each stage's facet order
    rotated together. Each order is uniform on its own (unbiased); the block
    balances positions, the main source of variance in a facet's gain.
    """
    stage_order = rng.permutation(len(groups))
    inner = [rng.permutation(g) for g in groups]
    n_rot = max(len(g) for g in groups)
    rows = []
    for s in range(n_rot):
        rot = np.roll(stage_order, s % len(groups)) if len(groups) > 1 else stage_order
        rows.append(np.concatenate([np.roll(inner[k], -s) for k in rot]))
    return np.array(rows)


def _shapley_sampled(corr, groups, n_permutations: int, rng, chunk: int = 256):
    """Mean gains over stratified blocks of orders, and their standard error.

    The orders' permuted matrices are factored at most ``chunk`` at a time,
    fewer for wide matrices (about 32 MB of them): a block holds as many
    orders as the largest stage has facets, so one block of 400 facets
    would otherwise stack 400 matrices of 401 x 401 (0.5 GB, twice over).
    """
    corr = _ridged(corr)
    chunk = max(1, min(chunk, 4_000_000 // corr.size))
    block = max(len(g) for g in groups)
    n_blocks = max(MIN_BLOCKS, -(-n_permutations // block))
    block_means = []
    pending: list[np.ndarray] = []
    for _ in range(n_blocks):
        pending.append(_block_orders(rng, groups))
        if sum(len(b) for b in pending) >= chunk:
            block_means += _flush(corr, pending, chunk)
            pending = []
    if pending:
        block_means += _flush(corr, pending, chunk)
    means = np.array(block_means)
    phi = means.mean(axis=0)
    se = means.std(axis=0, ddof=1) / np.sqrt(len(means))
    return phi, se, n_blocks * block


def _flush(corr, blocks, chunk: int):
    orders = np.concatenate(blocks)
    gains = np.concatenate(
        [
            _gains_along(corr, orders[start : start + chunk])
            for start in range(0, len(orders), chunk)
        ]
    )
    out, start = [], 0
    for b in blocks:
        out.append(gains[start : start + len(b)].mean(axis=0))
        start += len(b)
    return out


def _stage_values(corr: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Exact Shapley value of each stage in the game of stage unions."""
    g = len(groups)
    v = np.zeros(1 << g)
    rxy = corr[:-1, -1]
    for mask in range(1, 1 << g):
        idx = np.concatenate([groups[k] for k in range(g) if mask >> k & 1])
        b = _pinv_solve(corr[np.ix_(idx, idx)], rxy[idx])
        v[mask] = float(b @ rxy[idx])
    return _shapley_exact(v, g)


def _group_indices(groups, names: list[str], owner: str) -> tuple[list, list]:
    if isinstance(groups, pd.Series):
        groups = groups.to_dict()
    if not isinstance(groups, Mapping):
        raise TypeError(
            f"The 'groups' parameter of {owner} must be a mapping (or Series) "
            f"from facet name to stage. Got {type(groups).__name__} instead."
        )
    missing = [n for n in names if n not in groups or pd.isna(groups[n])]
    if missing:
        raise ValueError(
            f"The 'groups' parameter of {owner} must map every facet to a stage; "
            f"no stage for {preview(missing)}."
        )
    labels = list(dict.fromkeys(str(groups[n]) for n in names))
    idx = [
        np.array([i for i, n in enumerate(names) if str(groups[n]) == lab])
        for lab in labels
    ]
    return labels, idx


def shapley_regression(
    X: pd.DataFrame,
    y: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    method: str = "auto",
    n_permutations: int = 2000,
    groups: Mapping[str, str] | pd.Series | None = None,
    missing: str = "pairwise",
    random_state: int | None = None,
) -> ImportanceResult:
    """Shapley value regression (LMG): each facet's average gain in R².

    A facet's raw importance is its R² gain averaged over every order in
    which the facets can enter the regression (the Shapley value of the R²
    game; relaimpo's ``lmg``). The values sum to the model's R².

    - ``method="exact"`` enumerates the R² of all ``2**p`` subsets from the
      correlation matrix (fast to ``p = 20``, at most ``p = 24``).
    - ``method="sampled"`` averages over random orders, in stratified blocks
      (a random order and its rotations, so each facet takes each position
      equally often), and reports the Monte-Carlo standard error of each
      facet's value from the spread between blocks. The estimates still sum
      exactly to R².
    - ``method="auto"`` is exact up to 20 facets, sampled beyond.

    With ``groups`` (facet -> journey stage) the facets are valued by stage
    first: each stage gets its exact Shapley value in the game whose players
    are whole stages, and the facets of a stage share it by their Owen value
    (gains averaged over orders that keep each stage together). With
    ``method="exact"`` both levels are exact (from all ``2**p`` subsets); when
    sampled, the facets' Owen values are estimated from stage-respecting
    orders and rescaled so each stage's facets sum to its exact value (stage
    values are exact up to 12 stages, ``2**g`` regressions; beyond, they are
    left as sampled). This is how ~100 facets in a handful of stages get a
    stage-level decomposition with no Monte-Carlo error.

    Parameters
    ----------
    X : DataFrame
        Facet ratings; NaN where the touchpoint was not experienced.
    y : array-like of shape (n_respondents,)
        The outcome.
    sample_weight : array-like of shape (n_respondents,), default=None
        Survey weights, used in every correlation.
    method : {"auto", "exact", "sampled"}, default="auto"
        How the Shapley values are computed (see above).
    n_permutations : int, default=2000
        Orders sampled when sampling, rounded up to whole stratified blocks
        of ``p`` orders (the largest stage's size with ``groups``), and to
        at least 10 blocks: the standard error is the spread of the block
        means, and from fewer it is itself too uncertain to read (from 2
        blocks, ``estimate ± 1.645 SE`` held the exact value 61% of the
        time instead of 90%, and a repeated block gave an error of 0).
    groups : mapping or Series of facet -> stage, default=None
        Value facets within journey stages (Owen value).
    missing : {"pairwise", "mean"}, default="pairwise"
        How a missing rating enters; see :func:`relative_weights`.
    random_state : int or None, default=None
        Seed for the sampled orders; the same seed gives the same values.

    Returns
    -------
    ImportanceResult
        ``method="shapley_regression"``; ``table`` columns ``importance``,
        ``raw_importance`` (R² units, summing to ``total`` = R²),
        ``std_error`` (Monte-Carlo error of ``raw_importance``; 0 when
        exact), ``direction`` (sign of the standardized beta),
        ``r`` (correlation), ``std_beta``, ``suppressor``, ``stage`` (with
        ``groups``), ``reach``, ``mean_score``. ``info`` has the method used,
        the orders sampled, the largest standard error and, with groups, the
        stage values.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> lmg = em.shapley_regression(X, y, sample_weight=s.survey["weight"])
    >>> lmg.info["method"], bool(abs(lmg.total - lmg.info["r2"]) < 1e-9)
    ('exact', True)
    >>> mc = em.shapley_regression(X, y, method="sampled", random_state=0)
    >>> bool(mc.table["std_error"].max() < 0.01)
    True
    """
    owner = "shapley_regression"
    check_choice(method, "method", owner, ("auto", "exact", "sampled"))
    n_permutations = check_int(n_permutations, "n_permutations", owner, min_value=2)
    rs = check_int(random_state, "random_state", owner, min_value=0, allow_none=True)
    names, corr, profile, info = _correlations(X, y, sample_weight, owner, missing)
    p = len(names)
    if method == "exact" and p > EXACT_MAX:
        raise ValueError(
            f"The 'method' parameter of {owner} can be 'exact' only up to "
            f"{EXACT_MAX} facets (2**p subsets); X has {p}. Use 'sampled' or "
            "'auto', or group the facets by stage with groups=."
        )
    use = (
        method if method != "auto" else ("exact" if p <= EXACT_AUTO_MAX else "sampled")
    )
    labels, idx = (
        ([None], [np.arange(p)])
        if groups is None
        else _group_indices(groups, names, owner)
    )
    se = np.zeros(p)
    n_orders = None
    if use == "exact":
        v = subset_r2(corr)
        raw = _shapley_exact(v, p) if groups is None else _owen_exact(v, idx)
    else:
        rng = np.random.default_rng(rs)
        raw, se, n_orders = _shapley_sampled(corr, idx, n_permutations, rng)
    extra: dict[str, np.ndarray] = {"std_error": se}
    if groups is not None:
        exact_stages = len(idx) <= EXACT_STAGES_MAX
        stage_value = _stage_values(corr, idx) if exact_stages else None
        if use == "sampled" and stage_value is not None:
            for k, members in enumerate(idx):
                got = raw[members].sum()
                if got > 0:
                    raw[members] *= stage_value[k] / got
                    se[members] *= stage_value[k] / got
        stage_of = np.empty(p, dtype=object)
        for lab, members in zip(labels, idx, strict=True):
            stage_of[members] = lab
        extra["stage"] = stage_of
        info["stage_values"] = (
            None
            if stage_value is None
            else {lab: float(val) for lab, val in zip(labels, stage_value, strict=True)}
        )
    _, beta, _ = _signs(corr)
    info |= {
        "method": use if groups is None else f"{use} (by stage, Owen value)",
        "n_permutations": n_orders,
        "max_std_error": float(se.max()),
        "direction": "sign of the standardized beta",
    }
    return _result(
        owner, names, raw, beta, corr, profile, info, extra, share_of_variance=True
    )


# --------------------------------------------------------------------------
# comparing methods


def compare_methods(
    results: Mapping[str, ImportanceResult],
    *,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One table of importance shares and ranks, a column pair per method.

    Parameters
    ----------
    results : mapping of str -> ImportanceResult
        Method name -> result, e.g. ``{"shap": ..., "relative_weights": ...}``;
        all over the same facets.
    labels : mapping of facet -> label, default=None
        Facet labels for the ``label`` column (the facet name when absent).

    Returns
    -------
    DataFrame
        ``facet``, ``label``, one share column per method (each sums to 1),
        ``rank_<method>`` (1 = most important) per method and, when a result
        carries a Monte-Carlo ``std_error``, ``<method>_se`` in share units.
        Sorted by the first method's rank.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> table = em.compare_methods({"relative_weights": em.relative_weights(X, y),
    ...     "squared_correlation": em.correlation_importance(X, y)})
    >>> list(table.columns[2:])  # doctest: +NORMALIZE_WHITESPACE
    ['relative_weights', 'squared_correlation', 'rank_relative_weights',
     'rank_squared_correlation']
    """
    if not isinstance(results, Mapping):
        raise TypeError(
            "compare_methods needs a mapping of method name -> ImportanceResult, "
            'such as {"shap": ..., "relative_weights": ...}; got '
            f"{type(results).__name__}."
        )
    names = list(results)
    if not names:
        raise ValueError("compare_methods needs at least one result.")
    foreign = [m for m in names if not isinstance(results[m], ImportanceResult)]
    if foreign:
        raise TypeError(
            "compare_methods needs an ImportanceResult per method (from "
            "shap_importance, relative_weights, ...); got "
            + ", ".join(f"{type(results[m]).__name__} for {m!r}" for m in foreign)
            + "."
        )
    facets = list(results[names[0]].table.index)
    differ = [m for m in names if set(results[m].table.index) != set(facets)]
    if differ:
        raise ValueError(
            f"compare_methods compares results over the same facets; {differ} "
            f"rank other facets than {names[0]!r}."
        )
    share = pd.DataFrame(
        {m: results[m].table["importance"].reindex(facets) for m in names}
    )
    ranks = share.rank(ascending=False, method="first").astype(int)
    labels = dict(labels or {})
    out = pd.DataFrame({"facet": facets, "label": [labels.get(f, f) for f in facets]})
    for m in names:
        out[m] = share[m].to_numpy()
    for m in names:
        out[f"rank_{m}"] = ranks[m].to_numpy()
    for m in names:
        table, total = results[m].table, results[m].total
        if "std_error" in table and total:
            out[f"{m}_se"] = (table["std_error"].reindex(facets) / total).to_numpy()
    return out.sort_values(f"rank_{names[0]}", kind="stable").reset_index(drop=True)


def method_agreement(
    table: pd.DataFrame,
    methods: list[str] | None = None,
    *,
    top: int = 20,
    n_disagreements: int = 5,
) -> dict:
    """Spearman rank correlations between methods and where they disagree most.

    Parameters
    ----------
    table : DataFrame
        From :func:`compare_methods`.
    methods : list of str, default=None
        The methods to compare (every share column when None).
    top : int, default=20
        Disagreements are looked for among facets in some method's top
        ``top`` (the tail of a ranking is noise for every method).
    n_disagreements : int, default=5
        How many facets to list.

    Returns
    -------
    dict
        ``{"spearman": {method: {method: rho}}, "disagreements": [{"facet",
        "label", "ranks": {method: rank}, "spread"}...]}``, largest rank
        spread (max - min rank) first.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"facet": list("abc"), "label": list("ABC"),
    ...                   "x": [.5, .3, .2], "y": [.2, .3, .5],
    ...                   "rank_x": [1, 2, 3], "rank_y": [3, 2, 1]})
    >>> method_agreement(t, ["x", "y"])["spearman"]["x"]["y"]
    -1.0
    """
    check_frame(table, "table (compare_methods' output)", "method_agreement")
    check_int(top, "top", "method_agreement", min_value=1)
    check_int(n_disagreements, "n_disagreements", "method_agreement", min_value=0)
    if methods is None:
        methods = [c[5:] for c in table.columns if c.startswith("rank_")]
    methods = column_list(methods, "methods", "method_agreement")
    known = [c[5:] for c in table.columns if c.startswith("rank_") and c[5:] in table]
    unknown = [m for m in methods if m not in known]
    if unknown:
        raise ValueError(
            f"The 'methods' parameter of method_agreement names {preview(unknown)}, "
            f"which the table does not rank; it ranks {preview(known, 8)}."
        )
    rho = table[methods].corr(method="spearman")
    spearman = {
        a: {b: round(float(rho.loc[a, b]), 6) for b in methods} for a in methods
    }
    ranks = table[[f"rank_{m}" for m in methods]].to_numpy()
    spread = ranks.max(axis=1) - ranks.min(axis=1)
    candidates = np.flatnonzero((ranks <= top).any(axis=1) & (spread > 0))
    order = candidates[np.argsort(-spread[candidates], kind="stable")]
    disagreements = [
        {
            "facet": str(table["facet"].iloc[i]),
            "label": str(table["label"].iloc[i]),
            "ranks": {m: int(r) for m, r in zip(methods, ranks[i], strict=True)},
            "spread": int(spread[i]),
        }
        for i in order[:n_disagreements]
    ]
    return {"spearman": spearman, "disagreements": disagreements}
