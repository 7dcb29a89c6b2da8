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
  refit with weight ``k x survey weight``: the same gradient and hessian sums
  as ``k`` duplicated rows.
- **One quantised matrix, one model seed.** The respondents are quantised
  once (an XGBoost ``QuantileDMatrix``); a replicate only changes the
  weights. Every replicate uses the model's own seed, so row and column
  subsampling draw the same rows and columns in every refit: the spread
  between replicates is sampling, not the model's own randomness (with a
  new seed per refit, that randomness dominated the interval and kept it
  from shrinking with the data).
- **One bootstrap for every number.** The refits are kept
  (:class:`Refits`); given ``stages``, each replicate also explains each
  journey stage as one group of facets (the Shapley value of a group is the
  sum of its members': a stage's importance is the mean |sum of its facets'
  SHAP|, which, unlike a sum of facet shares, does not grow with the number
  of facets), read by :func:`stage_importance`; and
  :func:`emomotiv.plan_improvements` and :func:`emomotiv.simulate_improvement`
  evaluate every scenario on the same models, so the ranking, the stages,
  the ROI and the plan rest on the same replicates.
- **Estimate and interval from the same replicates.** The reported share is
  the bagged estimate (the mean over replicates) and the interval the
  percentile interval of the same replicates, so the estimate lies inside
  its interval (the full-data fit, measured against refits that each see
  ~63% distinct respondents, sat at the edge or outside). Should a skewed
  replicate distribution ever put the mean outside, the interval is
  widened to include it and ``info["widened"]`` counts the cases.
- **A replicate that learns nothing ranks nothing.** A refit that split on
  no facet (too few respondents for the model's settings) has no shares: its
  row of ``replicates`` is missing and the estimate, intervals and ranks
  rest on the other replicates; ``info["no_split"]`` counts them and a
  warning says so. The stability counts it as a replicate with no top ``k``
  of its own, so a ranking that rests on a few of many replicates does not
  read as stable. (Read as every facet's equal share, such replicates
  pulled every share toward ``1/p`` and gave facets no model ever used a
  share and a chance of the top ``k``.)
- **Explain a fixed subsample.** Mean |SHAP| is taken on one fixed
  evaluation subsample of at most ``max_samples`` respondents, the same for
  every replicate (TreeSHAP on every row of every resample is what
  dominates a naive bootstrap), each weighted by their survey weight times
  the times the replicate drew them: the average is resampled with the fit,
  so the interval holds the noise of averaging over a sample of respondents
  as well as that of the fit. (With the subsample fixed and unweighted, two
  segments with the same drivers differed by more than their intervals
  allowed, and the test of difference flagged them.)
- **Stability.** ``info["stability"]`` holds the expected overlap of the top
  ``k`` between two replicates (1 = the same top ``k`` every time), with a
  plain warning when it is below :data:`STABILITY_THRESHOLD`.
- **Reproducible and parallel.** Every replicate gets its own seed from
  ``numpy.random.SeedSequence(random_state)`` and every fit runs on one
  thread, so the output is identical for any ``n_jobs`` and on a Dask
  cluster (``client=``).
"""

from __future__ import annotations

import hashlib
import math
import sys
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.base import clone

from ._stats import QUANTILES, few_replicates, format_against
from ._trees import Trees
from ._validation import (
    EmomotivWarning,
    check_aligned,
    check_float,
    check_int,
    check_n_jobs,
    check_weights,
    unit_weights,
)
from .importance import (
    _as_groups,
    _facet_frame,
    _Grouping,
    _shap_scale,
    shap_importance,
)
from .model import DriverModel, check_model, check_outcome
from .results import ImportanceResult

__all__ = [
    "Refits",
    "bootstrap_importance",
    "percentile_interval",
    "stage_importance",
    "top_k",
    "top_k_overlap",
]

MIN_BOOT_SIZE = 100  # fewer respondents leave a replicate's model no split to make
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


DASK_METHODS = ("scatter", "submit", "nthreads")
WORKER_WAIT = 60  # seconds a cluster with no worker is given to start one


def _check_client(client: object, owner: str) -> None:
    """A running Dask client, or None: anything else fails here, with the
    way out, rather than deep inside the run."""
    if client is None:
        return
    if all(callable(getattr(client, m, None)) for m in DASK_METHODS):
        status = getattr(client, "status", "running")
        if status == "running":
            return
        raise ValueError(
            f"The 'client' parameter of {owner} is a Dask client that is not "
            f"connected (status {status!r}): it was closed, or its cluster was "
            "shut down. Connect again, client = dask.distributed.Client(address), "
            "and pass the new client, or client=None to run on local threads."
        )
    how = (
        f"connect first, client = dask.distributed.Client({client!r}), and "
        "pass the client"
        if isinstance(client, str)
        else "pass dask.distributed.Client(...) connected to the cluster"
    )
    raise ValueError(
        f"The 'client' parameter of {owner} must be a dask.distributed.Client "
        f"or None. Got {client!r} instead: {how}, or None to run on local "
        "threads (Dask comes with pip install 'emomotiv[dask]')."
    )


def _is_fitted(model) -> bool:
    return hasattr(model, "estimator_")


@dataclass(frozen=True, repr=False, eq=False)
class Refits:
    """The bootstrap's replicate models and the respondents each one saw.

    Kept by :func:`bootstrap_importance` (``result.refits``) so that the
    stage view, the what-if scenarios, the ROI table and the plan evaluate
    the same replicates the ranking comes from.

    Attributes
    ----------
    boosters : tuple of xgboost.Booster
        One refitted model per replicate (one thread each).
    seeds : tuple of numpy.random.SeedSequence
        The seed of each replicate's resample (:meth:`counts`).
    rows : ndarray of int
        The fixed evaluation subsample (positions of respondents).
    eval_counts : ndarray of shape (n_boot, len(rows))
        How often each evaluation respondent was drawn in each replicate;
        0 means the respondent is out of bag for that replicate.
    n_respondents : int
        Respondents the resamples were drawn from.
    random_state : int or None
        The seed the replicates were spawned from.
    size : int or None
        Respondents drawn per replicate (None: ``n_respondents``, the
        classical bootstrap; fewer: an m-out-of-n bootstrap, see
        :attr:`scale`).
    digest : dict
        SHA-256 of the ``ratings`` (as the models read them, float32), of
        the ``weights`` the replicates were fitted on and of the fitted
        ``model`` they refit (its trees: another outcome gives other trees);
        a step handed these replicates checks it is given the same survey
        and model.
    settings : dict
        The XGBoost parameters and ``rounds`` every replicate was trained
        with (the fitted model's own).
    trees : tuple or None
        Each replicate's trees as arrays (``emomotiv._trees.Trees``; None
        where they cannot be read so), read once when the replicate is
        explained, for its scenarios to use again.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=400, n_facets=8, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> model = em.DriverModel(n_estimators=20, random_state=0)
    >>> result = em.bootstrap_importance(model, X, y, n_boot=3, n_jobs=1,
    ...                                  progress=False, random_state=0)
    >>> result.refits
    Refits(3 replicates of 400 respondents, 400 evaluated)
    >>> int(result.refits.counts(0).sum())
    400
    """

    boosters: tuple
    seeds: tuple
    rows: np.ndarray
    eval_counts: np.ndarray
    n_respondents: int
    random_state: int | None = None
    size: int | None = None
    digest: dict | None = None
    settings: dict | None = None
    trees: tuple | None = None

    def __len__(self) -> int:
        return len(self.boosters)

    @property
    def scale(self) -> float:
        """``sqrt(size / n_respondents)``: 1 for the classical bootstrap.

        An m-out-of-n replicate varies ``sqrt(n / m)`` times as much as a
        full-size one would (for an estimate that settles like
        ``1 / sqrt(n)``); deviations of the replicates from their mean are
        multiplied by this factor before any interval is read.
        """
        if self.size is None:
            return 1.0
        return math.sqrt(self.size / self.n_respondents)

    def counts(self, replicate: int) -> np.ndarray:
        """Times each respondent was drawn in ``replicate`` (all respondents)."""
        return _counts(self.seeds[replicate], self.n_respondents, self.size)

    def __repr__(self) -> str:
        return (
            f"Refits({len(self)} replicates of {self.n_respondents} respondents, "
            f"{len(self.rows)} evaluated)"
        )


def _digest(ratings: np.ndarray, weights: np.ndarray, fitted) -> dict[str, str]:
    """SHA-256 of the ratings (float32, as the models read them), of the
    weights (mean 1, float32: weights scaled by a constant are the same) and
    of the fitted model's trees, to tell the survey and the model (and so
    the outcome) a bootstrap was drawn from."""

    def sha(array, dtype):
        data = np.ascontiguousarray(array, dtype=dtype)
        return hashlib.sha256(data.tobytes()).hexdigest()

    trees = fitted.estimator_.get_booster().save_raw(raw_format="ubj")
    return {
        "ratings": sha(ratings, np.float32),
        "weights": sha(weights, np.float32),
        "model": hashlib.sha256(bytes(trees)).hexdigest(),
    }


def _counts(
    seed: np.random.SeedSequence, n: int, size: int | None = None
) -> np.ndarray:
    """Times each of ``n`` respondents is drawn in one resample of ``size``."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, n if size is None else size)
    return np.bincount(draws, minlength=n).astype(np.float64)


def _rescaled(replicates: np.ndarray, scale: float) -> np.ndarray:
    """Replicates pulled toward their mean by ``scale`` (m-out-of-n bootstrap).

    ``mean + scale * (replicate - mean)`` per column (NaN-aware); with
    ``scale = sqrt(m / n)`` the spread of replicates refitted on ``m`` of
    ``n`` respondents becomes that of full-size replicates. Shares stay
    shares: each rescaled row is a convex combination of the row and the mean.

    Examples
    --------
    >>> import numpy as np
    >>> _rescaled(np.array([[0.0], [2.0]]), 0.5).ravel().tolist()
    [0.5, 1.5]
    """
    replicates = np.asarray(replicates, dtype=float)
    if scale == 1 or len(replicates) == 0:
        return replicates
    center = np.nanmean(replicates, axis=0)
    return center + scale * (replicates - center)


def _train_params(template, task: str) -> tuple[dict, int]:
    """XGBoost ``train`` parameters and rounds of the model's estimator."""
    estimator = template._make_estimator(task)
    params = estimator.get_xgb_params()
    params["nthread"] = 1
    params.pop("n_jobs", None)
    return params, int(estimator.n_estimators)


def _explained(
    booster, evaluate, eval_weights, drawn, combine, trees
) -> np.ndarray | None:
    """Mean |SHAP| of a refit per output of ``combine`` (None: not explained).

    The evaluation respondents are weighted by their survey weight times the
    times the replicate drew them (``drawn``), so that the average, like the
    fit, is over the replicate's own resample; should the replicate have
    drawn none of them, by their survey weight. ``combine`` (model columns x
    outputs) adds the SHAP of a control's columns into one output.

    Only the respondents with a weight are explained: TreeSHAP is most of a
    replicate's cost, and about a third of the evaluation respondents (those
    the replicate did not draw) enter the average at weight 0. They hold 0 in
    place, so the sums, and the result, are the same to the last bit.
    ``evaluate`` holds the evaluation respondents' rows (float32), explained
    by :func:`~emomotiv._trees.explain` from ``trees``, the booster's trees
    as read (None where they could not be).
    """
    if combine is None:
        return None
    from ._trees import explain

    weights = eval_weights * drawn
    if not weights.sum() > 0:
        weights = eval_weights
    rows = np.flatnonzero(weights)
    grouped = np.zeros((len(weights), combine.shape[1]))
    grouped[rows] = explain(booster, trees, evaluate[rows]) @ combine
    return np.average(np.abs(grouped), axis=0, weights=weights)


def _fit_chunk(
    params: dict,
    rounds: int,
    values: np.ndarray,
    target: np.ndarray,
    weights: np.ndarray,
    eval_rows: np.ndarray,
    combine: np.ndarray | None,
    seeds: list,
) -> list[tuple[np.ndarray | None, object, Trees | None]]:
    """Refit a chunk of replicates, each on the rows it drew (weighted by the
    times drawn), binned with the cuts of one quantised matrix of every
    respondent; (mean |SHAP|, booster) each.

    The shared cuts make every replicate's bins those of the whole survey;
    fitting on the drawn rows alone spares the trees the third of the rows a
    replicate leaves out (at weight 0 they would still be binned and
    scanned), about a quarter of a refit's time. Each replicate comes with
    its booster and its trees as arrays.
    """
    import xgboost as xgb

    # only the bins: weighted quantiles of every respondent
    reference = xgb.QuantileDMatrix(values, weight=weights, missing=np.nan, nthread=1)
    evaluate = np.asarray(values[eval_rows], dtype=np.float32)
    eval_weights = weights[eval_rows]
    out = []
    for seed in seeds:
        counts = _counts(seed, len(values))
        drawn = np.flatnonzero(counts)
        matrix = xgb.QuantileDMatrix(
            values[drawn],
            label=target[drawn],
            weight=weights[drawn] * counts[drawn],
            missing=np.nan,
            nthread=1,
            ref=reference,
        )
        booster = xgb.train(params, matrix, rounds)
        trees = Trees.from_booster(booster)
        mean_abs = _explained(
            booster, evaluate, eval_weights, counts[eval_rows], combine, trees
        )
        out.append((mean_abs, booster, trees))
    return out


def _fit_drawn(
    params: dict,
    rounds: int,
    values: np.ndarray,
    target: np.ndarray,
    weights: np.ndarray,
    eval_rows: np.ndarray,
    combine: np.ndarray | None,
    size: int,
    seed,
) -> list[tuple[np.ndarray | None, object, Trees | None]]:
    """Refit one m-out-of-n replicate on the rows it drew (weights x times
    drawn), quantised from those rows alone; [(mean |SHAP|, booster, trees)].

    The rows are drawn here, from the survey and the replicate's seed: a
    Dask task carries only the seed, so a task lost with its worker is run
    again on another.
    """
    import xgboost as xgb

    [drawn] = _drawn(values, target, weights, [seed], size, eval_rows)
    rows, y, w, eval_drawn = drawn
    matrix = xgb.QuantileDMatrix(rows, label=y, weight=w, missing=np.nan, nthread=1)
    booster = xgb.train(params, matrix, rounds)
    trees = Trees.from_booster(booster)
    evaluate = np.asarray(values[eval_rows], dtype=np.float32)
    mean_abs = _explained(
        booster, evaluate, weights[eval_rows], eval_drawn, combine, trees
    )
    return [(mean_abs, booster, trees)]


def _drawn(values, target, weights, seeds, size, eval_rows):
    """Each m-out-of-n replicate's own rows (and how often it drew each
    evaluation respondent)."""
    for seed in seeds:
        counts = _counts(seed, len(values), size)
        drawn = np.flatnonzero(counts)
        rows = (values[drawn], target[drawn], weights[drawn] * counts[drawn])
        yield *rows, counts[eval_rows]


def _fit_refits(
    fitted,
    values: np.ndarray,
    y,
    weights: np.ndarray,
    *,
    n_boot: int,
    sample_size: int,
    random_state: int | None,
    n_jobs: int | None = None,
    progress: bool = False,
    client=None,
    combine: np.ndarray | None = None,
    size: int | None = None,
) -> tuple[np.ndarray | None, Refits]:
    """Refit ``n_boot`` replicates of a fitted model's settings; keep them.

    Returns the replicates' mean |SHAP| per output of ``combine`` (None: no
    explanation) and the :class:`Refits`. The evaluation subsample and the
    resamples depend on ``random_state`` (and ``size``) only; ``size`` below
    the number of respondents draws that many per replicate (m out of n).
    """
    seeds = np.random.SeedSequence(random_state).spawn(n_boot + 1)
    target = np.asarray(y)
    if fitted.task_ == "binary":
        target = (target == fitted.classes_[1]).astype(int)
    else:  # a value model is fitted on value over its mean (ValueModel.fit)
        target = target / getattr(fitted, "value_scale_", 1.0)
    rows = np.arange(len(values))
    if sample_size < len(values):
        pick = np.random.default_rng(seeds[0]).choice(rows, sample_size, replace=False)
        rows = np.sort(pick)
    # the fitted model's own settings, seed and (per-column) constraints
    params, rounds = _train_params(fitted, fitted.task_)
    if size is not None and size >= len(values):
        size = None
    # a task holds only seeds: each draws its rows where it runs
    shared = (params, rounds, values, target, weights, rows, combine)
    if size is None:  # chunks of replicates, binned as one quantised matrix
        function = _fit_chunk
        tasks = ((chunk,) for chunk in _chunks(seeds[1:], _n_workers(n_jobs, client)))
    else:  # each replicate with its own rows
        function = _fit_drawn
        tasks = ((size, seed) for seed in seeds[1:])
    raw, boosters, trees = _run(
        function,
        shared,
        tasks,
        n_boot,
        n_jobs=-1 if n_jobs is None else n_jobs,
        progress=progress,
        client=client,
    )
    eval_counts = np.vstack(
        [_counts(seed, len(values), size)[rows] for seed in seeds[1:]]
    )
    refits = Refits(
        tuple(boosters),
        tuple(seeds[1:]),
        rows,
        eval_counts,
        len(values),
        random_state,
        size,
        _digest(values, weights, fitted),
        {"params": params, "rounds": rounds},
        tuple(trees),
    )
    return raw, refits


def _ranks(shares: np.ndarray) -> np.ndarray:
    """1-based rank of each column within each row, largest share first
    (ties in column order: the ordinal rank a table shows)."""
    order = np.argsort(-shares, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(shares.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, shares.shape[1] + 1)
    return ranks


def _tied_ranks(shares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The best and worst rank each column shares with its ties, per row.

    Facets with equal shares (most often exactly 0: never split on) hold
    every rank of their tie, so column order decides nothing.

    Examples
    --------
    >>> best, worst = _tied_ranks(np.array([[0.5, 0.0, 0.5, 0.0]]))
    >>> best.tolist(), worst.tolist()
    ([[1, 3, 1, 3]], [[2, 4, 2, 4]])
    """
    from scipy.stats import rankdata

    best = rankdata(-shares, method="min", axis=1).astype(int)
    worst = rankdata(-shares, method="max", axis=1).astype(int)
    return best, worst


def _top_membership(best: np.ndarray, worst: np.ndarray, k: int) -> np.ndarray:
    """Each column's share of a place in its row's top ``k``: 1 above the
    cut, 0 below, and a tie across the cut shares the places left equally
    (each row sums to ``k``)."""
    places = np.clip(np.minimum(worst, k) - best + 1, 0, None)
    return places / (worst - best + 1)


def percentile_interval(
    replicates: np.ndarray, estimate: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray, int]:
    """Percentile interval of ``replicates`` (rows), widened to hold ``estimate``.

    Returns ``(low, high, n_widened)``; ``n_widened`` counts the columns whose
    estimate fell outside the plain percentile interval (a bagged mean does
    so only for a very skewed replicate distribution).

    Examples
    --------
    >>> import numpy as np
    >>> reps = np.array([[1.0], [2.0], [3.0], [10.0]])
    >>> low, high, widened = percentile_interval(reps, reps.mean(axis=0), 0.5)
    >>> float(low[0]) <= 4.0 <= float(high[0]), widened
    (True, 0)
    """
    alpha = 1 - level
    # the k-th of B sorted replicates has k / (B + 1) of the distribution
    # below it on average (Hyndman and Fan's type 6): the interval between
    # the quantiles so read holds ``level`` of it, with 20 replicates as with
    # 1,000 (the default, linear type 7, narrows the interval of a few: of
    # 20 replicates it held 0.81)
    low, high = np.quantile(
        replicates, [alpha / 2, 1 - alpha / 2], axis=0, method=QUANTILES
    )
    estimate = np.asarray(estimate, dtype=float)
    ok = np.isfinite(estimate)
    outside = ok & ((estimate < low) | (estimate > high))
    low = np.where(ok, np.fmin(low, estimate), low)
    high = np.where(ok, np.fmax(high, estimate), high)
    return low, high, int(outside.sum())


ONE_REPLICATE = (
    "One bootstrap replicate (n_boot=1) has no spread: every importance "
    "interval has width 0, every rank interval is one rank and p_top is 0 or "
    "1, which reads as certainty. Use n_boot >= 2 for intervals (the default "
    "100 for a report), or n_boot=0 for the full-data fit without intervals."
)
STABILITY_THRESHOLD = 0.6
# a facet in the top k of this share of the replicates stands out even in an
# unstable ranking (on the generator, 0.975-0.995 of such facets are truly top k)
SETTLED = 0.9
STABILITY_REMEDIES = (
    "more respondents; the outcome as a score rather than cut into 0/1 where "
    "the survey has it; fewer facets"
)
# an outcome that is a score already: no advice to make it one
SCORE_REMEDIES = "more respondents; fewer facets"
# offered where the catalog has two stages or more (or the stages are unknown)
STAGE_REMEDY = ", or importance by journey stage (stages.csv)"


def top_k_overlap(ranks: np.ndarray, k: int) -> float:
    """Expected share of the top ``k`` that two replicates have in common.

    ``ranks`` is (n_boot, n_facets) with 1 = top. 1.0 means every replicate
    has the same top ``k``; for a ranking that is pure noise the overlap is
    about ``k / n_facets``.

    Examples
    --------
    >>> import numpy as np
    >>> top_k_overlap(np.array([[1, 2, 3], [1, 2, 3]]), 1)
    1.0
    >>> top_k_overlap(np.array([[1, 2], [2, 1]]), 1)
    0.0
    """
    return _overlap((np.asarray(ranks) <= k).astype(float), k)


def _overlap(top: np.ndarray, k: int) -> float:
    """:func:`top_k_overlap` of a (n_boot, n_facets) top-k membership."""
    n_boot = len(top)
    if n_boot < 2:
        return float("nan")
    gram = top @ top.T
    pairs = gram.sum() - np.trace(gram)
    return float(pairs / (n_boot * (n_boot - 1) * k))


def _stability(
    top: np.ndarray,
    k: int,
    facets: Sequence[str],
    binary: bool = True,
    n_stages: int | None = None,
) -> dict:
    """``summary["uncertainty"]["stability"]``: top-k overlap and its warning,
    from each replicate's top-k membership (see :func:`_top_membership`).

    The warning names the facets that are in the top ``k`` of at least
    ``SETTLED`` of the replicates, if any: those stand out even where the
    rest of the top ``k`` does not. ``binary``: the outcome is 0/1 (a score
    is then a remedy); ``n_stages``: the journey stages (None: not known),
    the stage view a remedy only with two or more.
    """
    overlap = _overlap(top, k)
    low = bool(np.isfinite(overlap) and overlap < STABILITY_THRESHOLD)
    p_top = top.mean(axis=0) if len(top) else np.zeros(len(facets))
    order = np.argsort(-p_top, kind="stable")
    # one replicate is in its own top k every time: that settles nothing
    settled = [str(facets[j]) for j in order if p_top[j] >= SETTLED and len(top) > 1]
    return {
        "top_k_overlap": None if not np.isfinite(overlap) else overlap,
        "threshold": STABILITY_THRESHOLD,
        "low": low,
        "settled": settled,
        "warning": _stability_warning(overlap, k, settled, binary, n_stages)
        if low
        else None,
    }


def _stability_warning(
    overlap: float,
    k: int,
    settled: Sequence[str],
    binary: bool = True,
    n_stages: int | None = None,
    weak: bool = False,
) -> str:
    """The warning of an unstable ranking; ``settled`` names the facets in
    the top ``k`` of at least ``SETTLED`` of the replicates (ids or labels),
    ``binary`` whether the outcome is 0/1 (a score is then a remedy),
    ``n_stages`` the journey stages (None: not known; the stage view is a
    remedy unless there are fewer than two), ``weak`` whether the model
    barely predicts the outcome (its settled facets are then no finding:
    a model that learns noise settles on its noise too)."""
    share = format_against(overlap, STABILITY_THRESHOLD, percent=True)
    remedies = (
        f"{STABILITY_REMEDIES if binary else SCORE_REMEDIES}"
        f"{STAGE_REMEDY if n_stages is None or n_stages >= 2 else ''}"
    )
    head = (
        f"The ranking is unstable: two bootstrap replicates share only "
        f"{share} of their top {k} touchpoints (below "
        f"{STABILITY_THRESHOLD:.0%}); "
    )
    if not settled:
        return (
            head + "the order of the top touchpoints is largely noise. Likely "
            f"remedies: {remedies}."
        )
    names = settled[-1]
    if len(settled) > 1:
        names = f"{', '.join(settled[:-1])} and {names}"
    if weak:
        return head + (
            f"{names} {'is' if len(settled) == 1 else 'are'} in the top {k} of at "
            f"least {SETTLED:.0%} of them, but the model barely predicts the "
            "outcome (see the model's fit), so that is no finding. "
            f"Likely remedies: {remedies}."
        )
    return head + (
        f"{names} {'is' if len(settled) == 1 else 'are'} in the top {k} of at "
        f"least {SETTLED:.0%} of them; the rest of the top {k} is largely noise. "
        f"Where fewer than {k} touchpoints move the outcome at all, the rest are "
        "places among touchpoints that move nothing, which no number of "
        f"respondents settles: read {names} as the finding. Where more do, "
        f"likely remedies: {remedies}."
    )


def bootstrap_importance(
    model: DriverModel,
    X: pd.DataFrame,
    y: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    n_boot: int = 100,
    level: float = 0.9,
    max_samples: int | None = 2000,
    n_jobs: int | None = None,
    progress: bool = True,
    random_state: int | None = None,
    client: Any = None,
    controls: Sequence[str] | Mapping[str, str] | None = None,
    boot_size: int | None = None,
    stages: Mapping[str, str] | pd.Series | None = None,
) -> ImportanceResult:
    """SHAP importance with bootstrap intervals, rank intervals and ``p_top``.

    Each of ``n_boot`` replicates resamples respondents with replacement,
    carrying their survey weights, refits the model's settings (``cv=0``,
    the model's own seed, one thread) and takes mean |SHAP| shares on a
    fixed evaluation subsample of at most ``max_samples`` respondents. The
    reported ``importance`` is the bagged estimate (the mean share over
    replicates) and the interval the percentile interval of the same
    replicates; with ``n_boot=0`` it is :func:`~emomotiv.shap_importance` of
    the model fitted on all respondents.

    Parameters
    ----------
    model : DriverModel
        The driver model. An unfitted one is first fitted on all respondents
        (with ``cv=0``); a fitted one is used as is for the full-data
        explanation (``explanation``, ``direction``), and its settings (not
        its fit) are refitted in the replicates.
    X : DataFrame of shape (n_respondents, n_facets)
        Facet ratings, columns named by facet; NaN = not experienced.
    y : array-like of shape (n_respondents,)
        Connection outcome.
    sample_weight : array-like of shape (n_respondents,), default=None
        Survey weights: they enter every refit (rescaled to mean 1, then
        multiplied by how often the respondent was drawn) and every mean
        |SHAP|.
    n_boot : int, default=100
        Bootstrap replicates; 0 turns the bootstrap off (no intervals: the
        interval columns are NaN and ``replicates`` is None); 1 has no spread
        (intervals of width 0, with a warning).
    level : float, default=0.9
        Coverage of the percentile intervals, in (0, 1).
    max_samples : int or None, default=2000
        Respondents explained per replicate (a fixed random subsample drawn
        once; the scenarios of :func:`~emomotiv.plan_improvements` are
        evaluated on the same subsample); None explains every respondent.
    n_jobs : int or None, default=None
        Parallel workers (threads, one XGBoost thread each); None
        or -1 uses all cores. The result does not depend on it.
    progress : bool, default=True
        Show a tqdm progress bar (on stderr, where it is a terminal or a
        notebook's: none in a log file or a pipe).
    random_state : int or None, default=None
        Seed of the resamples and the subsample; the same seed gives
        identical output.
    client : dask.distributed.Client or None, default=None
        Run the replicates on this Dask cluster instead of local threads;
        the result is identical to the local run with the same seed. An
        address is not a client: connect one first
        (``dask.distributed.Client("tcp://scheduler:8786")``).
    controls : sequence of str, mapping of str -> str, or None
        Model columns that are controls (see :func:`emomotiv.shap_importance`):
        refitted and scored in every replicate, never ranked; their bagged
        shares and intervals go to the result's ``controls`` table.
    boot_size : int or None, default=None
        Respondents drawn per replicate. None draws as many as there are
        (the classical bootstrap). Fewer make an m-out-of-n bootstrap for
        large surveys: each refit costs ``boot_size`` rows, and every
        replicate's deviation from the bagged mean is multiplied by
        ``sqrt(boot_size / n)`` before intervals, ranks and ``p_top`` are
        read, so the intervals speak for all ``n`` respondents. At least
        :data:`MIN_BOOT_SIZE` (100): a model fitted on fewer has too little
        to split on, and its shares say nothing.
    stages : mapping or Series of facet -> stage, or None, default=None
        Journey stage of each facet. Each replicate (and the full-data fit)
        then also explains each stage as one group: the Shapley value of a
        group of facets is the sum of theirs, so a stage's importance is the
        mean over respondents of |sum of its facets' SHAP values|, as a
        share over the stages. The result carries them in
        ``info["stage_shap"]`` for :func:`stage_importance`.

    Returns
    -------
    ImportanceResult
        The SHAP result with extra ``table`` columns ``importance_low``,
        ``importance_high`` (percentile interval of the share), ``rank_low``,
        ``rank_high`` (best and worst plausible rank, 1 = top; a facet tied
        with others holds every rank of the tie) and ``p_top`` (share of
        replicates with the facet in the top ``info["top_k"]``, see
        :func:`top_k`; a tie across the cut shares the places left) and
        ``full_data_importance``
        (the share of the model fitted on all respondents; :func:`emomotiv.compare`
        measures changes between the bagged ``importance``); ``replicates`` holds the
        shares, one row per replicate (missing for a replicate that split on
        no facet, counted by ``info["no_split"]``), and ``refits`` the
        replicate models (:class:`Refits`). ``info["stability"]`` holds the
        top-k overlap. With ``stages``, ``info["stage_shap"]`` holds the
        stage of each facet (``"stages"``), the stages' shares
        (``"importance"``, estimated like the facets') and their
        ``"replicates"`` (rescaled like the facets'; None with ``n_boot=0``).

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
    >>> t = result.table
    >>> bool(((t["importance_low"] <= t["importance"])
    ...       & (t["importance"] <= t["importance_high"])).all())
    True
    """
    owner = "bootstrap_importance"
    check_model(model, owner)
    check_aligned(X, "X", y=y, sample_weight=sample_weight)
    check_int(n_boot, "n_boot", owner, min_value=0)
    check_float(level, "level", owner, low=0, high=1, inclusive=False)
    check_int(max_samples, "max_samples", owner, min_value=1, allow_none=True)
    check_int(boot_size, "boot_size", owner, min_value=MIN_BOOT_SIZE, allow_none=True)
    check_n_jobs(n_jobs, owner)
    _check_bool(progress, "progress", owner)
    check_int(random_state, "random_state", owner, min_value=0, allow_none=True)
    _check_client(client, owner)

    if _is_fitted(model):
        fitted = model
    else:
        if not isinstance(X, pd.DataFrame):
            _facet_frame(model, X)  # raises the by-name TypeError
        fitted = clone(model).set_params(cv=0).fit(X, y, sample_weight=sample_weight)
    frame = _facet_frame(fitted, X)
    y = check_outcome(fitted, y, len(frame), owner)
    weights = unit_weights(check_weights(sample_weight, len(frame)))
    names = [str(c) for c in frame.columns]
    grouping = _Grouping(names, _as_groups(controls, names))
    member = None if stages is None else _stage_members(stages, grouping.facets, owner)
    point, explained = _explain(
        fitted, frame, weights, controls, grouping, random_state
    )
    table = point.table.copy()
    table["full_data_importance"] = table["importance"]  # before any bagging
    control_table = None if point.controls is None else point.controls.copy()
    facets = list(table.index)
    k = top_k(len(facets))
    sample_size = len(frame) if max_samples is None else min(max_samples, len(frame))
    size = None if boot_size is None or boot_size >= len(frame) else boot_size
    resampling = "respondents with replacement; survey weight x times drawn"
    if size is not None:
        resampling = (
            f"{size} of {len(frame)} respondents with replacement per replicate "
            "(m out of n); survey weight x times drawn; deviations from the "
            f"bagged mean scaled by sqrt({size}/{len(frame)})"
        )
    info = dict(point.info) | {
        "n_boot": n_boot,
        "level": level,
        "sample_size": sample_size,
        "boot_size": size if size is not None else len(frame),
        "resampling": resampling,
        "estimator": "bagged" if n_boot else "full data",
        "interval": "percentile",
        "quantiles": QUANTILES,
        "model_seed": "fixed: the model's own seed in every replicate",
        "top_k": k,
        "random_state": random_state,
    }
    if member is not None:  # the full-data fit's stage shares
        stage_matrix = _stage_matrix(names, member)
        phi = np.asarray(point.explanation.values, dtype=float) @ stage_matrix
        info["stage_shap"] = _stage_shap(
            member, np.average(np.abs(phi), axis=0, weights=weights[explained])[None]
        )
    if n_boot == 0:
        for name in (*INTERVAL_COLUMNS, "p_top"):
            table[name] = np.nan
        info["stability"] = _stability(np.empty((0, len(facets))), k, facets)
        if control_table is not None:
            control_table["importance_low"] = np.nan
            control_table["importance_high"] = np.nan
        return ImportanceResult(
            "shap", table, point.total, point.explanation, info, controls=control_table
        )

    if n_boot == 1:
        warnings.warn(ONE_REPLICATE, EmomotivWarning, stacklevel=2)
    elif few := few_replicates(n_boot, level):
        warnings.warn(few, EmomotivWarning, stacklevel=2)
    raw, refits = _fit_refits(
        fitted,
        # XGBoost reads float32: the same models at half the memory
        frame.to_numpy(dtype=np.float32),
        y,
        weights,
        n_boot=n_boot,
        sample_size=sample_size,
        random_state=random_state,
        n_jobs=n_jobs,
        progress=progress,
        client=client,
        combine=grouping.combine
        if member is None
        else np.hstack([grouping.combine, stage_matrix]),
        size=size,
    )
    if member is not None:  # the stages' own outputs, after facets and controls
        raw, stage_raw = np.hsplit(raw, [grouping.combine.shape[1]])
    raw = raw * _shap_scale(fitted)  # in the outcome's unit, as the point's
    flat = raw[:, : len(table)].sum(axis=1) <= 0
    info["no_split_warning"] = None
    if flat.any():
        bare = int((raw[flat].sum(axis=1) <= 0).sum())  # no split at all
        message = _flat_warning(int(flat.sum()), bare, n_boot, len(frame), fitted)
        info["no_split_warning"] = message
        warnings.warn(message, EmomotivWarning, stacklevel=2)
    shares, control_shares = grouping.split(raw)
    # a replicate that split on no facet has no shares (1/p would rank the
    # facets by column order and pull every share toward 1/p): a missing row
    # of ``replicates``, left out of the estimate, intervals and ranks
    ranked = ~flat if not flat.all() else np.ones(n_boot, dtype=bool)
    shares[~ranked] = np.nan
    shares = _rescaled(shares, refits.scale)
    control_shares = _rescaled(control_shares, refits.scale)
    p = len(facets)
    if control_table is not None:  # over the same replicates as the facets
        estimate = control_shares[ranked].mean(axis=0)
        low, high, _ = percentile_interval(control_shares[ranked], estimate, level)
        control_table["importance"] = estimate
        control_table["raw_importance"] = raw[ranked, p:].mean(axis=0)
        control_table["importance_low"] = low
        control_table["importance_high"] = high
    replicates = pd.DataFrame(
        shares, columns=pd.Index(facets, name="facet"), index=range(n_boot)
    )
    replicates.index.name = "replicate"
    shares = shares[ranked]
    estimate = shares.mean(axis=0)
    low, high, widened = percentile_interval(shares, estimate, level)
    table["importance"] = estimate
    table["raw_importance"] = raw[ranked, :p].mean(axis=0)
    table["importance_low"] = low
    table["importance_high"] = high
    best, worst = _tied_ranks(shares)
    alpha = 1 - level
    rank = _ranks(estimate[None, :])[0]
    table["rank_low"] = np.minimum(
        np.quantile(best, alpha / 2, axis=0, method="lower"), rank
    )
    table["rank_high"] = np.maximum(
        np.quantile(worst, 1 - alpha / 2, axis=0, method="higher"), rank
    )
    top = _top_membership(best, worst, k)
    table["p_top"] = top.mean(axis=0)
    info["widened"] = widened
    info["no_split"] = int(flat.sum())
    # the stability is the procedure's: a replicate that ranks nothing has no
    # top k of its own (each facet k/p of a place), so a ranking that rests
    # on a few of many replicates does not read as stable
    every = np.full((n_boot, p), k / p)
    every[ranked] = top
    info["stability"] = _stability(
        every,
        k,
        facets,
        fitted.task_ == "binary",
        None if member is None else member.nunique(),
    )
    if member is not None:
        stage_raw[~ranked] = np.nan
        info["stage_shap"] = _stage_shap(member, stage_raw, refits.scale)
    return ImportanceResult(
        "shap",
        table,
        float(raw[ranked, :p].sum(axis=1).mean()),
        point.explanation,
        info,
        replicates,
        controls=control_table,
        refits=refits,
    )


# the start of :func:`_flat_warning`'s message, as a regular expression
NO_SPLIT = r"In \d+ of \d+ bootstrap replicates the refitted model made no split"


def _flat_warning(flat: int, bare: int, n_boot: int, n: int, model) -> str:
    """The warning of ``flat`` replicates whose model split on no facet,
    ``bare`` of them on nothing at all (the others on controls alone)."""
    weight = getattr(model, "min_child_weight", None)
    setting = "" if weight is None else f" (min_child_weight={weight:g})"
    causes, ways = [], []
    if bare:
        causes.append(
            f"{n} respondents are too few for the model's settings{setting}"
            + ("" if bare == flat else f" ({bare} of them split on nothing)")
        )
        ways.append(
            "give more respondents, or a model that splits on fewer (a smaller "
            "min_child_weight)"
        )
    if bare < flat:
        causes.append(
            f"{flat - bare} split on the controls alone, the facets adding "
            "nothing beyond them"
        )
        ways.append(
            "check that no control holds the outcome itself and that the "
            "facets' ratings vary"
        )
    return (
        f"In {flat} of {n_boot} bootstrap replicates the refitted model made "
        f"no split on any facet: {'; '.join(causes)}. "
        + (
            "Every replicate gives every facet the same share, so the shares, "
            "intervals and ranks say nothing."
            if flat == n_boot
            else "Those replicates rank nothing and are left out of the shares, "
            f"intervals and ranks, which rest on the other {n_boot - flat}."
        )
        + f" Way out: {'; '.join(ways)}."
    )


EXPLAIN_LIMIT = 50_000


def _explain(fitted, frame, weights, controls, grouping, random_state):
    """The full-data fit's SHAP (direction, ``explanation``), capped in size,
    and the positions of the respondents it explains.

    Up to :data:`EXPLAIN_LIMIT` respondents every one is explained; beyond,
    a fixed random subsample of that many (TreeSHAP's output alone is 400 MB
    per million respondents x 100 facets), with reach and mean score still
    taken on every respondent.
    """
    if len(frame) <= EXPLAIN_LIMIT:
        point = shap_importance(fitted, frame, sample_weight=weights, controls=controls)
        return point, np.arange(len(frame))
    from ._stats import facet_profile

    rng = np.random.default_rng(np.random.SeedSequence([random_state or 0, 3]))
    rows = np.sort(rng.choice(len(frame), EXPLAIN_LIMIT, replace=False))
    point = shap_importance(
        fitted, frame.iloc[rows], sample_weight=weights[rows], controls=controls
    )
    profile = facet_profile(frame[grouping.facets], weights)
    point.table[profile.columns] = profile.loc[point.table.index]
    point.info["explained"] = f"a fixed random subsample of {EXPLAIN_LIMIT}"
    point.info["explained_rows"] = rows  # the explanation's rows of ``frame``
    point.info["n_respondents"] = len(frame)
    return point, rows


def _chunks(seeds: list, n_workers: int) -> list[list]:
    """Consecutive chunks of seeds: a few per worker, so the bar moves."""
    size = max(1, math.ceil(len(seeds) / max(1, 4 * n_workers)))
    return [seeds[i : i + size] for i in range(0, len(seeds), size)]


def _n_workers(n_jobs: int | None, client=None) -> int:
    """Threads the replicates can run on: ``n_jobs`` (None or -1: every
    core), or every thread of the Dask cluster."""
    from joblib import cpu_count

    if client is not None:
        return _cluster_threads(client)
    return cpu_count() if n_jobs is None or n_jobs < 0 else n_jobs


def _ready() -> bool:
    return True


def _cluster_threads(client) -> int:
    """Every thread of every worker of the cluster. A cluster with none (an
    adaptive one scaled down to zero) is asked for one by a small task, and
    given :data:`WORKER_WAIT` seconds to start it."""
    # every thread of every worker: scheduler_info()["workers"] holds only
    # five workers in distributed 2025.5 to 2026.6, nthreads() all of them
    threads = sum(client.nthreads().values())
    if threads:
        return threads
    probe = client.submit(_ready, pure=False)  # pending work scales it up
    try:
        probe.result(timeout=WORKER_WAIT)
    except TimeoutError:
        raise TimeoutError(
            f"The Dask cluster has no worker, and none started within "
            f"{WORKER_WAIT} s of asking for one. Start workers before the "
            "analysis: cluster.scale(n), cluster.adapt(minimum=1, ...), or wait "
            "for them with client.wait_for_workers(n); or pass client=None to "
            "run on local threads."
        ) from None
    return max(1, sum(client.nthreads().values()))


def progress_bar(**options: Any):
    """A tqdm bar (on stderr) with ``options``: a widget in Jupyter where
    ipywidgets is installed, a line of text elsewhere, without tqdm's
    warning on import that asks a notebook without ipywidgets to install it
    (the text bar works there). Where stderr is neither a terminal nor a
    notebook's (a log file or a pipe: a scheduled job), there is no bar: it
    would write carriage returns and cursor codes into the log."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "IProgress not found")
        from tqdm.auto import tqdm
    if not _drawn_on(sys.stderr):
        options["disable"] = True
    return tqdm(**options)


def _drawn_on(stream: Any) -> bool:
    """Whether a progress bar on ``stream`` reaches a person: a terminal, or
    a Jupyter kernel's output (whose stderr is no terminal)."""
    if "ipykernel" in sys.modules:
        return True
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no stream, or one closed
        return False


def _run(
    function,
    shared: tuple,
    tasks,
    total: int,
    *,
    n_jobs: int,
    progress: bool,
    client=None,
) -> tuple[np.ndarray, list]:
    """``function(*shared, *task)`` for each task, in order, behind a tqdm bar
    over ``total`` replicates: on Dask (``shared`` broadcast once) or on
    local threads.

    Each call returns a list of (mean |SHAP| or None, booster, its trees as
    arrays or None); the three come back as lists. XGBoost
    releases the GIL while it trains and explains, so threads run the refits
    in parallel on the data in place: no worker process holds a copy.
    """
    from joblib import Parallel, delayed

    bar = progress_bar(
        total=total, desc="bootstrap", unit="refit", disable=not progress
    )
    if client is not None:
        results = _on_cluster(client, function, shared, tasks, bar)
    else:
        results = []
        parallel = Parallel(n_jobs=n_jobs, return_as="generator", prefer="threads")
        for part in parallel(delayed(function)(*shared, *task) for task in tasks):
            results.append(part)
            bar.update(len(part))
    bar.close()
    refits = [refit for part in results for refit in part]
    explained = [raw for raw, *_ in refits if raw is not None]
    raw = np.vstack(explained) if explained else None
    return raw, [booster for _, booster, _ in refits], [t for *_, t in refits]


# what Dask raises when the cluster goes away: a cancelled future, a closed
# connection (OSError), a worker the scheduler no longer knows (KeyError)
CLUSTER_ERRORS = (CancelledError, OSError, KeyError)


def _on_cluster(client, function, shared: tuple, tasks, bar) -> list:
    """``function(*shared, *task)`` for each task on Dask, in order.

    ``shared`` (the survey) is broadcast to every worker once; a task
    carries its own small arguments (seeds) in the graph, so Dask can run a
    task again on another worker when its worker is lost. A task's own error
    is raised as a local run raises it; an error of the cluster (a closed
    client, a cluster shut down) is raised with what happened and the way
    out, the original chained.
    """
    _cluster_threads(client)  # a cluster scaled down to zero starts a worker
    results, waiting = [], None
    try:
        scattered = client.scatter(list(shared), broadcast=True)
        futures = [
            client.submit(function, *scattered, *task, pure=False) for task in tasks
        ]
        for waiting in futures:
            results.append(waiting.result())
            bar.update(len(results[-1]))
    except Exception as error:
        status = getattr(client, "status", "running")
        if (waiting is not None and waiting.status == "error") or (
            status == "running" and not isinstance(error, CLUSTER_ERRORS)
        ):
            raise  # the task itself failed, or Dask refused the task
        said = f"{type(error).__name__}: {str(error).rstrip('.')}"
        raise RuntimeError(
            f"The Dask cluster went away while the bootstrap ran (the client is "
            f"{status!r}; Dask said {said}). Check that the cluster is up, "
            "connect again, and run the analysis again: the same random_state "
            "gives the same result. client=None runs it on local threads."
        ) from error
    return results


def _stage_members(stages, facets: Sequence[str], owner: str) -> pd.Series:
    """The stage of each of ``facets`` (a Series in their order), checked:
    a mapping indexed by facet, holding every facet, none without a stage."""
    if not isinstance(stages, Mapping | pd.Series):
        kind = type(stages)
        raise TypeError(
            f"{owner} needs stages as a mapping of facet -> stage, such "
            "as catalog.set_index('facet')['stage']; got "
            f"{kind.__module__}.{kind.__qualname__}."
        )
    stages = pd.Series(stages, dtype=object)
    missing = [f for f in facets if f not in stages.index]
    if missing:
        hint = (
            " stages is not indexed by facet: pass catalog.set_index('facet')['stage']."
            if len(missing) == len(facets)
            else ""
        )
        raise ValueError(
            f"stages lacks {len(missing)} facets of the "
            f"{'result' if owner == 'stage_importance' else 'model'}: "
            f"{missing[:5]}.{hint}"
        )
    member = stages.loc[list(facets)]
    empty = [str(f) for f, v in member.items() if pd.isna(v) or not str(v).strip()]
    if empty:
        raise ValueError(
            f"stages gives no stage to {len(empty)} of {len(member)} facets: "
            f"{empty[:5]}. Give every facet a stage, or pass only the staged "
            "facets' result."
        )
    return member


def _stage_matrix(names: Sequence[str], member: pd.Series) -> np.ndarray:
    """0/1 matrix (model columns x stages, in journey order): a stage's
    output adds its facets' SHAP columns (controls belong to none)."""
    order = list(dict.fromkeys(member))
    matrix = np.zeros((len(names), len(order)))
    for j, name in enumerate(names):
        if name in member.index:
            matrix[j, order.index(member[name])] = 1.0
    return matrix


def _stage_shap(member: pd.Series, raw: np.ndarray, scale: float | None = None):
    """``info["stage_shap"]``: the stages' shares from their mean |grouped
    SHAP| ``raw`` (one row: the full-data fit; one row per replicate when
    ``scale`` is given, rescaled by it, a missing row left out)."""
    order = list(dict.fromkeys(member))
    total = raw.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total > 0, raw / total, 1 / len(order))
    shares[np.isnan(total[:, 0])] = np.nan
    replicates = None
    if scale is not None:
        shares = _rescaled(shares, scale)
        replicates = pd.DataFrame(shares, columns=pd.Index(order, name="stage"))
        replicates.index.name = "replicate"
    finite = ~np.isnan(shares).any(axis=1)
    return {
        "stages": member.copy(),
        "importance": pd.Series(shares[finite].mean(axis=0), index=order),
        "replicates": replicates,
    }


SUMMED_SHAP = (
    "stage_importance sums the facets' SHAP shares, as the result carries no "
    "stage SHAP for these stages: such a sum grows with the number of facets in "
    "a stage (every facet holds a share, even one with no effect). Pass the "
    "same stages to bootstrap_importance(..., stages=) to rank the stages by "
    "their grouped SHAP."
)


def stage_importance(
    result: ImportanceResult,
    stages: Mapping[str, str] | pd.Series,
    *,
    level: float | None = None,
) -> pd.DataFrame:
    """Each journey stage's share of importance, with a bootstrap interval.

    For a result of :func:`bootstrap_importance` given these ``stages``, a
    stage's importance is its grouped SHAP: the Shapley value of a group of
    facets is the sum of its members' (Shapley values are additive), so the
    stage's is the weighted mean over respondents of |sum of its facets'
    SHAP values|, as a share over the stages, estimated like the facets'
    (the bagged mean of the replicates, or the full-data fit with
    ``n_boot=0``). Its percentile interval comes from the same replicates,
    and its rank from the estimate. Unlike a sum of facet shares it does not
    grow with the number of facets in a stage: a facet with no effect adds
    little to its stage's SHAP, while it holds a share of its own.

    For any other result (relative weights or Shapley regression, whose
    shares are parts of R², or a SHAP result without stage SHAP) a stage's
    share is the sum of its facets' shares, its interval that of the
    replicates' sums; for a SHAP result that is warned about.

    Parameters
    ----------
    result : ImportanceResult
        Facet importance, with ``replicates`` for intervals; from
        ``bootstrap_importance(..., stages=)`` for grouped SHAP.
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
    >>> stage = s.catalog.set_index("facet")["stage"]
    >>> model = em.DriverModel(n_estimators=30, random_state=0)
    >>> result = em.bootstrap_importance(model, X, y, n_boot=5, n_jobs=1,
    ...                                  progress=False, random_state=0,
    ...                                  stages=stage)
    >>> stages = em.stage_importance(result, stage)
    >>> round(float(stages["importance"].sum()), 6)
    1.0
    """
    member = _stage_members(stages, list(result.table.index), "stage_importance")
    if level is None:
        level = result.info.get("level", 0.9)
    check_float(level, "level", "stage_importance", low=0, high=1, inclusive=False)
    order = list(dict.fromkeys(member))
    carried = result.info.get("stage_shap")
    if carried is not None and carried["stages"].sort_index().equals(
        member.sort_index()
    ):
        shares = carried["importance"]
        sums = carried["replicates"]
    else:
        if result.method == "shap":
            warnings.warn(SUMMED_SHAP, EmomotivWarning, stacklevel=2)
        shares = result.table["importance"].groupby(member, sort=False).sum()
        sums = None
        if result.replicates is not None:
            reps = result.replicates
            sums = reps.T.groupby(member.loc[reps.columns], sort=False).sum().T
            sums[reps.isna().all(axis=1)] = np.nan  # replicates with no split
    frame = pd.DataFrame(
        {
            "stage": order,
            "importance": shares.loc[order].to_numpy(),
            "importance_low": np.nan,
            "importance_high": np.nan,
            "n_facets": member.value_counts().loc[order].to_numpy(),
        }
    )
    if sums is not None:
        sums = sums.dropna(how="all")
        low, high, _ = percentile_interval(
            sums[order].to_numpy(), frame["importance"].to_numpy(), level
        )
        frame["importance_low"] = low
        frame["importance_high"] = high
    frame["rank"] = (
        frame["importance"].rank(ascending=False, method="first").astype(int)
    )
    return frame
