"""The one-step correction of a boosted model's simulated gains.

A boosted model's one-point gain is biased towards zero: its trees shrink
every effect, and part of a driver's effect goes to the correlated facets
and to the halo score, which no scenario moves. On the generator the true
drivers' simulated gains add up to about 0.6 of their truth, and a 90%
interval around such a gain holds the truth a third of the time
(``docs/concepts/uncertainty.md``).

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

import warnings
from collections.abc import Sequence

import numpy as np
from scipy.linalg import LinAlgError, LinAlgWarning, lstsq, solve

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
    sums = np.where(seen, values, 0.0).T @ weights
    counts = seen.T.astype(float) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
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
    constant among a facet's raters (another facet's missing-indicator) or
    a duplicated one leaves the gram singular: a ridge of 1e-10 of its mean
    diagonal holds such a column's coefficient at about 0 and changes no
    residual; where even that fails, the minimum-norm solution."""
    ridge = 1e-10 * max(float(np.trace(gram)) / len(gram), 1e-300)
    try:
        with warnings.catch_warnings():  # nearly singular is expected here
            warnings.simplefilter("ignore", LinAlgWarning)
            return solve(gram + ridge * np.eye(len(gram)), rhs, assume_a="pos")
    except LinAlgError:
        return lstsq(gram, rhs, lapack_driver="gelsy", check_finite=False)[0]


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
        and every column that is not a facet).

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
        coef = np.zeros(design.shape[1])
        coef[keep] = _solve(gram[np.ix_(keep, keep)], (weighted.T @ x)[keep])
        residuals[rated, j] = (x - design @ coef)[rated]
    return residuals


def out_of_bag_residuals(
    predict, values: np.ndarray, y: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """The outcome less its out-of-bag prediction; NaN where never out of bag.

    Parameters
    ----------
    predict : callable
        ``predict(r, rows)``: replicate ``r``'s prediction of ``values[rows]``
        in the outcome's units.
    values, y : ndarray
        The model's columns and the outcome of every respondent.
    counts : ndarray of shape (n_boot, n_respondents)
        Times each respondent was drawn into each replicate.
    """
    total = np.zeros(len(values))
    times = np.zeros(len(values))
    for r, drawn in enumerate(counts):
        out = np.flatnonzero(drawn == 0)
        total[out] += predict(r, out)
        times[out] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(times > 0, y - total / np.where(times > 0, times, 1), np.nan)


def replicate_slopes(
    residuals: np.ndarray, errors: np.ndarray, weights: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """``beta_j`` of each replicate, its draw counts times the weights.

    Returns an array of shape (n_boot, n_columns): 0 for a column without
    residual variation in the replicate (not a facet, or rated by none it
    drew).
    """
    known = ~np.isnan(errors)
    e = np.where(known, errors, 0.0)
    r = np.where(known[:, None], residuals, 0.0)
    drawn = counts * weights
    top = (drawn * e) @ r
    bottom = drawn @ (r * r)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), 0.0)
