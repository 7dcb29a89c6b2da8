"""Bootstrap uncertainty for derived importance: intervals, ranks, top-k odds.

A driver ranking is a decision about where money goes, so each facet's share
comes with a percentile interval, a rank interval and ``p_top``, the share
of resamples in which the facet is among the ``k`` most important. ``k``
scales with the survey (:func:`top_k`): a fifth of the facets, at most ten,
so that "top k" stays a distinction on a short questionnaire (with 14
touchpoints, top 3 rather than 10 of 14).

How it works (:func:`bootstrap_importance`):

- **Resampling respondents, weights carried.** Each replicate draws ``n``
  respondents with replacement (the classical nonparametric bootstrap, as
  relaimpo's ``boot.relimp`` does). A respondent drawn ``k`` times enters the
  refit once with weight ``k x survey weight``: the same gradient and hessian
  sums as ``k`` duplicated rows (not bit for bit: XGBoost's row subsampling
  and weighted quantile bins treat a weight differently from copies), at the
  cost of the ~63% distinct respondents only, so a replicate fits faster
  than the full data.
- **Refit, then explain a fixed subsample.** The unfitted model is cloned
  with ``cv=0`` and one XGBoost thread, refitted on the resample, and its
  mean |SHAP| shares are taken on one fixed evaluation subsample of at most
  ``max_samples`` respondents (with their survey weights), the same for
  every replicate. TreeSHAP on every row of every resample is what
  dominates a naive bootstrap; 2,000 respondents rank the top facets as all
  respondents do (see ``benchmarks/bench_bootstrap.py``), so the
  subsample costs nothing in the ranking and saves most of the time.
- **Reproducible and parallel.** Every replicate gets its own seed from
  ``numpy.random.SeedSequence(random_state)``, and every fit runs on one
  thread, so the output is identical for any ``n_jobs``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.base import clone

from ._validation import check_float, check_int, check_weights
from .importance import _facet_frame, shap_importance
from .results import ImportanceResult

__all__ = ["bootstrap_importance", "stage_importance", "top_k"]

INTERVAL_COLUMNS = ("importance_low", "importance_high", "rank_low", "rank_high")
TOP = 10
TOP_SHARE = 0.2


def top_k(n_facets: int) -> int:
    """The ``k`` of ``p_top``: a fifth of the facets (rounded up), at most ten.

    Examples
    --------
    >>> top_k(100), top_k(14), top_k(3)
    (10, 3, 1)
    """
    return max(1, min(TOP, math.ceil(TOP_SHARE * n_facets - 1e-9)))


def _check_bool(value: object, name: str, owner: str) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise ValueError(
        f"The '{name}' parameter of {owner} must be an instance of 'bool'. "
        f"Got {value!r} instead."
    )


def _is_fitted(model) -> bool:
    return hasattr(model, "estimator_")


def _replicate(
    model,
    values: np.ndarray,
    target: np.ndarray,
    weights: np.ndarray,
    eval_values: np.ndarray,
    eval_weights: np.ndarray,
    seed: np.random.SeedSequence,
) -> np.ndarray:
    """One bootstrap replicate: resample, refit on one thread, mean |SHAP| shares."""
    import xgboost as xgb

    rng = np.random.default_rng(seed)
    n = len(values)
    counts = np.bincount(rng.integers(0, n, n), minlength=n)
    keep = counts > 0
    fit_seed = int(rng.integers(0, 2**31 - 1))
    refit = clone(model).set_params(random_state=fit_seed)
    refit.fit(values[keep], target[keep], sample_weight=weights[keep] * counts[keep])
    booster = refit.estimator_.get_booster()
    booster.set_param({"nthread": 1})
    matrix = xgb.DMatrix(eval_values, missing=np.nan, nthread=1)
    phi = booster.predict(matrix, pred_contribs=True)[:, :-1]
    raw = np.average(np.abs(phi.astype(float)), axis=0, weights=eval_weights)
    total = raw.sum()
    return raw / total if total > 0 else np.full(len(raw), 1 / len(raw))


def _ranks(shares: np.ndarray) -> np.ndarray:
    """1-based rank of each column within each row, largest share first."""
    order = np.argsort(-shares, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(shares.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, shares.shape[1] + 1)
    return ranks


def bootstrap_importance(
    model,
    X: pd.DataFrame,
    y,
    *,
    sample_weight=None,
    n_boot: int = 100,
    level: float = 0.9,
    max_samples: int | None = 2000,
    n_jobs: int | None = None,
    progress: bool = True,
    random_state: int | None = None,
) -> ImportanceResult:
    """SHAP importance with bootstrap intervals, rank intervals and ``p_top``.

    The point estimate is :func:`~emomotiv.shap_importance` of the model
    fitted on all respondents (on every respondent). Each of ``n_boot``
    replicates resamples respondents with replacement, carrying their survey
    weights, refits an unfitted clone of ``model`` with ``cv=0``, and takes
    mean |SHAP| shares on a fixed evaluation subsample of at most
    ``max_samples`` respondents.

    Parameters
    ----------
    model : DriverModel
        The driver model. An unfitted one is first fitted on all respondents
        (with ``cv=0``); a fitted one is used as is for the point estimate,
        and its settings (not its fit) are cloned for the replicates.
    X : DataFrame of shape (n_respondents, n_facets)
        Facet ratings, columns named by facet; NaN = not experienced.
    y : array-like of shape (n_respondents,)
        Connection outcome.
    sample_weight : array-like of shape (n_respondents,), default=None
        Survey weights: they enter every refit (multiplied by how often the
        respondent was drawn) and every mean |SHAP|.
    n_boot : int, default=100
        Bootstrap replicates; 0 turns the bootstrap off (no intervals: the
        interval columns are NaN and ``replicates`` is None).
    level : float, default=0.9
        Coverage of the percentile intervals, in (0, 1).
    max_samples : int or None, default=2000
        Respondents explained per replicate (a fixed random subsample drawn
        once); None explains every respondent, the slow peers' way.
    n_jobs : int or None, default=None
        Parallel workers (joblib processes, one XGBoost thread each); None
        or -1 uses all cores. The result does not depend on it.
    progress : bool, default=True
        Show a tqdm progress bar (on stderr).
    random_state : int or None, default=None
        Seed of the resamples, the subsample and the refits; the same seed
        gives identical output.

    Returns
    -------
    ImportanceResult
        The SHAP result with extra ``table`` columns ``importance_low``,
        ``importance_high`` (percentile interval of the share), ``rank_low``,
        ``rank_high`` (best and worst plausible rank, 1 = top) and
        ``p_top`` (share of replicates with the facet in the top
        ``info["top_k"]``, see :func:`top_k`); ``replicates`` holds the
        shares, one row per replicate.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> model = em.DriverModel(n_estimators=30, random_state=0)
    >>> result = em.bootstrap_importance(model, X, y, n_boot=5, n_jobs=1,
    ...                                  progress=False, random_state=0)
    >>> result.replicates.shape
    (5, 12)
    >>> bool((result.table["importance_low"] <= result.table["importance_high"]).all())
    True
    """
    owner = "bootstrap_importance"
    check_int(n_boot, "n_boot", owner, min_value=0)
    check_float(level, "level", owner, low=0, high=1, inclusive=False)
    check_int(max_samples, "max_samples", owner, min_value=1, allow_none=True)
    check_int(n_jobs, "n_jobs", owner, allow_none=True)
    if n_jobs == 0:
        raise ValueError(
            f"The 'n_jobs' parameter of {owner} must be an int other than 0 or "
            "None. Got 0 instead."
        )
    _check_bool(progress, "progress", owner)
    check_int(random_state, "random_state", owner, min_value=0, allow_none=True)

    if _is_fitted(model):
        fitted = model
    else:
        if not isinstance(X, pd.DataFrame):
            _facet_frame(model, X)  # raises the by-name TypeError
        fitted = clone(model).set_params(cv=0).fit(X, y, sample_weight=sample_weight)
    frame = _facet_frame(fitted, X)
    weights = check_weights(sample_weight, len(frame))
    point = shap_importance(fitted, frame, sample_weight=weights)
    table = point.table.copy()
    facets = list(frame.columns)
    k = top_k(len(facets))
    sample_size = len(frame) if max_samples is None else min(max_samples, len(frame))
    info = dict(point.info) | {
        "n_boot": n_boot,
        "level": level,
        "sample_size": sample_size,
        "resampling": "respondents with replacement; survey weight x times drawn",
        "interval": "percentile",
        "top_k": k,
        "random_state": random_state,
    }
    if n_boot == 0:
        for name in (*INTERVAL_COLUMNS, "p_top"):
            table[name] = np.nan
        return ImportanceResult("shap", table, point.total, point.explanation, info)

    seeds = np.random.SeedSequence(random_state).spawn(n_boot + 1)
    values = frame.to_numpy()
    target = np.asarray(y)
    if fitted.task_ == "binary":
        target = (target == fitted.classes_[1]).astype(int)
    rows = np.arange(len(frame))
    if sample_size < len(frame):
        pick = np.random.default_rng(seeds[0]).choice(rows, sample_size, replace=False)
        rows = np.sort(pick)
    template = clone(fitted).set_params(cv=0, n_jobs=1, task=fitted.task_)
    shares = _run(
        template,
        values,
        target,
        weights,
        values[rows],
        weights[rows],
        seeds[1:],
        n_jobs=-1 if n_jobs is None else n_jobs,
        progress=progress,
    )
    replicates = pd.DataFrame(
        shares, columns=pd.Index(facets, name="facet"), index=range(n_boot)
    )
    replicates.index.name = "replicate"
    alpha = 1 - level
    ranks = _ranks(shares)
    low, high = np.quantile(shares, [alpha / 2, 1 - alpha / 2], axis=0)
    table["importance_low"] = low
    table["importance_high"] = high
    table["rank_low"] = np.quantile(ranks, alpha / 2, axis=0, method="lower")
    table["rank_high"] = np.quantile(ranks, 1 - alpha / 2, axis=0, method="higher")
    table["p_top"] = (ranks <= k).mean(axis=0)
    return ImportanceResult(
        "shap", table, point.total, point.explanation, info, replicates
    )


def _run(
    template,
    values,
    target,
    weights,
    eval_values,
    eval_weights,
    seeds,
    *,
    n_jobs: int,
    progress: bool,
) -> np.ndarray:
    """Run the replicates with joblib, in seed order, behind a tqdm bar."""
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    jobs = (
        delayed(_replicate)(
            template, values, target, weights, eval_values, eval_weights, seed
        )
        for seed in seeds
    )
    parallel = Parallel(n_jobs=n_jobs, return_as="generator")
    bar = tqdm(
        parallel(jobs),
        total=len(seeds),
        desc="bootstrap",
        unit="refit",
        disable=not progress,
    )
    return np.vstack(list(bar))


def stage_importance(
    result: ImportanceResult,
    stages: Mapping[str, str] | pd.Series,
    *,
    level: float | None = None,
) -> pd.DataFrame:
    """Each journey stage's share of importance, with a bootstrap interval.

    A stage's share is the sum of its facets' shares; its interval comes
    from the same sums in every bootstrap replicate (so it accounts for the
    facets moving together), and its rank from the point estimate.

    Parameters
    ----------
    result : ImportanceResult
        Facet importance, with ``replicates`` for intervals.
    stages : mapping or Series of facet -> stage
        Journey stage of each facet, in journey order (first appearance).
    level : float or None, default=None
        Interval coverage; None takes ``result.info["level"]`` (else 0.9).

    Returns
    -------
    DataFrame
        One row per stage in journey order: ``stage, importance,
        importance_low, importance_high, n_facets, rank`` (intervals NaN
        without replicates).

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> model = em.DriverModel(n_estimators=30, random_state=0)
    >>> result = em.bootstrap_importance(model, X, y, n_boot=5, n_jobs=1,
    ...                                  progress=False, random_state=0)
    >>> stages = em.stage_importance(result, s.catalog.set_index("facet")["stage"])
    >>> round(float(stages["importance"].sum()), 6)
    1.0
    """
    stages = pd.Series(stages, dtype=object)
    if level is None:
        level = result.info.get("level", 0.9)
    check_float(level, "level", "stage_importance", low=0, high=1, inclusive=False)
    missing = [f for f in result.table.index if f not in stages.index]
    if missing:
        raise ValueError(
            f"stages lacks {len(missing)} facets of the result: {missing[:5]}."
        )
    member = stages.loc[result.table.index]
    order = list(dict.fromkeys(member))
    shares = result.table["importance"].groupby(member, sort=False).sum()
    frame = pd.DataFrame(
        {
            "stage": order,
            "importance": shares.loc[order].to_numpy(),
            "importance_low": np.nan,
            "importance_high": np.nan,
            "n_facets": member.value_counts().loc[order].to_numpy(),
        }
    )
    if result.replicates is not None:
        sums = result.replicates.T.groupby(member.loc[result.replicates.columns]).sum()
        alpha = 1 - level
        low, high = np.quantile(
            sums.loc[order].to_numpy(), [alpha / 2, 1 - alpha / 2], axis=1
        )
        frame["importance_low"] = low
        frame["importance_high"] = high
    frame["rank"] = (
        frame["importance"].rank(ascending=False, method="first").astype(int)
    )
    return frame
