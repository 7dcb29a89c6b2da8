"""The one-step correction of a boosted model's simulated gains.

A boosted model's one-point gain is biased towards zero: its trees shrink
every effect, and part of a driver's effect goes to the correlated facets
and to the halo score, which no scenario moves. On the generator's default
surveys (100 facets) the true drivers' simulated gains add up to 0.50-0.72
of their truth, and a 90% interval around such a gain holds the truth
0.36-0.48 of the time; with the correction, 0.93-1.01 and 0.93-0.97
(``docs/concepts/uncertainty.md``, "Debiased gains").

The correction (Chernozhukov et al. 2018, "Double/debiased machine learning
for treatment and structural parameters", Econometrics Journal; the
partially linear model's orthogonal score) adds what the model left of each
facet's effect in its residuals. For facet ``j``:

- ``r_j``: the part of the facet's rating the other facets and the context
  controls do not predict (a weighted least-squares fit on its raters,
  every other column's missing ratings filled with its mean and flagged by
  an indicator); the halo score is left out, being the mean of the ratings
  ``r_j`` is read from;
- ``e``: the outcome less its out-of-bag prediction (the mean over the
  bootstrap replicates each respondent was not drawn into, so each
  respondent's prediction comes from models that did not see them);
- ``beta_j = sum(w r_j e) / sum(w r_j²)``: the slope of the residual on the
  facet's own variation, in outcome units per rating point;
- a scenario's correction: ``beta_j`` times the weighted mean change it
  makes to the facet's ratings (rows it moves from unrated to rated add
  none), summed over the facets it moves.

Each bootstrap replicate reads ``beta_j`` with its own draw counts as
weights, so the correction's sampling variability is in the replicates and
in every interval. The correction is linear: it restores the part of an
effect the model missed that runs along the rating, not a threshold the
trees missed altogether.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy.linalg import lstsq

from ._stats import _weighted_sums
from ._validation import check_choice

__all__ = [
    "GAINS",
    "check_gains",
    "facet_residuals",
    "out_of_bag_residuals",
    "replicate_slopes",
]

#: The gains a simulation can report: the model's own, or corrected.
GAINS = ("model", "debiased")

#: A facet's own variation (its residual's weighted sum of squares) must be
#: at least this share of its ratings' spread to be read: below it, the
#: residual is rounding noise (a rating every rater gives alike, or one the
#: other columns fix), and a slope on it would be noise over noise.
MIN_OWN_VARIATION = 1e-6

#: The respondents a facet's own variation must rest on, counted as Kish
#: counts an effective size (``sum(w r²)² / sum((w r²)²)``): a facet that
#: five of 1,400 raters rate differently from the rest, or a near copy of
#: another facet but for three raters, has a residual of a few respondents
#: (3 to 6 where measured; an ordinary facet's, hundreds), and a slope on
#: it is theirs alone.
MIN_OWN_RESPONDENTS = 30


def check_gains(gains: object, owner: str, *, replicates: bool) -> None:
    """``gains`` one of :data:`GAINS`; ``"debiased"`` only with replicates."""
    check_choice(gains, "gains", owner, GAINS)
    if gains == "debiased" and not replicates:
        raise ValueError(
            f"gains='debiased' in {owner} reads each respondent's out-of-bag "
            "residual from the bootstrap replicates: use n_boot > 0."
        )


def _filled(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, list]:
    """A constant, the columns with their missing values at the weighted
    mean, and an indicator for each column with a missing value; with, for
    each column, the positions in it of its value and its indicator."""
    seen = ~np.isnan(values)
    counts, sums = _weighted_sums(values, weights)
    mean = np.where(counts > 0, sums / np.where(counts > 0, counts, 1.0), 0.0)
    gaps = np.flatnonzero(~seen.all(axis=0))
    design = np.column_stack(
        [np.ones(len(values)), np.where(seen, values, mean), ~seen[:, gaps]]
    )
    width = values.shape[1]
    where = [[1 + k] for k in range(width)]
    for g, k in enumerate(gaps):
        where[k].append(1 + width + g)
    return design, where


def _solve(gram: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Least-squares coefficients from the normal equations. A column
    constant at 0 among a facet's raters (another facet's missing-indicator)
    gets a coefficient of 0; a duplicated one leaves the gram singular: a
    ridge of 1e-10 of each column's own diagonal entry (so that no column's
    units matter, as a standardised fit would) holds it at about 0 and
    changes no residual; where even that fails, the minimum-norm solution."""
    coef = np.zeros(len(gram))
    diagonal = np.diag(gram)
    live = np.flatnonzero(diagonal > 0)
    system = gram[np.ix_(live, live)] + np.diag(1e-10 * diagonal[live])
    try:
        coef[live] = np.linalg.solve(system, rhs[live])
    except np.linalg.LinAlgError:
        coef[live] = lstsq(system, rhs[live], lapack_driver="gelsy")[0]
    return coef


def facet_residuals(
    values: np.ndarray,
    weights: np.ndarray,
    facets: Sequence[int],
    controls: Sequence[int] = (),
) -> np.ndarray:
    """Each facet's rating less its weighted linear prediction from the rest.

    Parameters
    ----------
    values : ndarray of shape (n_respondents, n_columns)
        The model's columns; NaN = not rated.
    weights : ndarray of shape (n_respondents,)
        Survey weights.
    facets : sequence of int
        The columns to residualise (the facets scenarios move).
    controls : sequence of int
        Further columns to predict them from (context controls; not the
        halo score).

    Returns
    -------
    ndarray of shape (n_respondents, n_columns)
        ``r_j`` in each facet's column over its raters; 0 elsewhere (unrated,
        and every column that is not a facet). A facet with fewer raters
        (of weight above 0) than twice the columns it is predicted from
        (the fit would leave too little of its variation to read), whose
        raters all rate it alike, whose residual is below
        :data:`MIN_OWN_VARIATION` of its spread (the other columns fix it)
        or rests on fewer than :data:`MIN_OWN_RESPONDENTS` respondents gets
        0 throughout: its gain stays the model's own.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=500)
    >>> values = np.column_stack([a + rng.normal(size=500), a])
    >>> r = facet_residuals(values, np.ones(500), [0, 1])
    >>> abs(float(np.corrcoef(r[:, 0], values[:, 1])[0, 1])) < 1e-8
    True
    """
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    used = list(facets) + list(controls)
    design, where = _filled(values[:, used], weights)
    weighted = design * weights[:, None]
    every = design.T @ weighted  # each facet's raters' gram: this less the rest's
    residuals = np.zeros_like(values)
    for k, j in enumerate(facets):
        rated = ~np.isnan(values[:, j])
        if not rated.any():
            continue
        keep = np.setdiff1d(np.arange(design.shape[1]), where[k])
        unrated = ~rated
        gram = every - design[unrated].T @ weighted[unrated]
        x = np.where(rated, values[:, j], 0.0)
        # too few raters (of weight) to leave a residual
        if (rated & (weights > 0)).sum() < 2 * len(keep):
            continue
        coef = np.zeros(design.shape[1])
        coef[keep] = _solve(gram[np.ix_(keep, keep)], (weighted.T @ x)[keep])
        residual = (x - design @ coef)[rated]
        w, own = weights[rated], values[rated, j]
        spread = np.sum(w * (own - np.average(own, weights=w)) ** 2)
        alike = spread <= 1e-12 * np.sum(w * own**2)  # up to rounding
        leverage = w * residual**2
        if (
            alike  # a rating alike for all
            or leverage.sum() <= MIN_OWN_VARIATION * spread  # one the others fix
            # or whose own variation rests on a handful of respondents
            or leverage.sum() ** 2 < MIN_OWN_RESPONDENTS * np.sum(leverage**2)
        ):
            continue
        residuals[rated, j] = residual
    return residuals


def out_of_bag_residuals(
    predict: Callable[[int, np.ndarray], np.ndarray],
    y: np.ndarray,
    counts: Callable[[int], np.ndarray],
    n_boot: int,
    n_jobs: int | None = 1,
) -> np.ndarray:
    """The outcome less its out-of-bag prediction; NaN where never out of bag.

    Parameters
    ----------
    predict : callable
        ``predict(r, rows)``: replicate ``r``'s prediction of the respondents
        ``rows`` in the outcome's units.
    y : ndarray of shape (n_respondents,)
        The outcome.
    counts : callable
        ``counts(r)``: times each respondent was drawn into replicate ``r``
        (drawn again when asked: a replicate's counts at a time, not every
        replicate's at once, which on a large survey is hundreds of MB).
    n_boot : int
        Replicates.
    n_jobs : int or None, default=1
        Threads that predict the replicates; the sums are taken in the
        replicates' order, so the result does not depend on it.
    """
    from joblib import Parallel, delayed

    def one(r: int) -> tuple[np.ndarray, np.ndarray]:
        out = np.flatnonzero(counts(r) == 0)
        return out, predict(r, out)

    total = np.zeros(len(y))
    times = np.zeros(len(y))
    parallel = Parallel(n_jobs=n_jobs, backend="threading", return_as="generator")
    for out, predicted in parallel(delayed(one)(r) for r in range(n_boot)):
        total[out] += predicted
        times[out] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(times > 0, y - total / np.where(times > 0, times, 1), np.nan)


def replicate_slopes(
    residuals: np.ndarray,
    errors: np.ndarray,
    weights: np.ndarray,
    counts: Callable[[int], np.ndarray],
    n_boot: int,
) -> np.ndarray:
    """``beta_j`` of each replicate, its draw counts (``counts(r)``) times the
    weights as the weights of the fit.

    Returns an array of shape (n_boot, n_columns): 0 for a column without
    residual variation in the replicate (not a facet, or rated by none it
    drew). A respondent never out of bag (``errors`` NaN) counts in none.
    """
    known = ~np.isnan(errors)
    r = np.where(known[:, None], residuals, 0.0)
    weighted_errors = np.where(known, errors, 0.0) * weights
    squares = r * r
    slopes = np.zeros((n_boot, residuals.shape[1]))
    for b in range(n_boot):
        drawn = counts(b)
        top = (drawn * weighted_errors) @ r
        bottom = (drawn * weights) @ squares
        with np.errstate(invalid="ignore", divide="ignore"):
            slopes[b] = np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), 0)
    return slopes
