"""Diagnostics: can these facets be ranked at all, and where to be careful.

A ranking is only as good as the model behind it and the data beneath it.
:func:`diagnose_drivers` reports, next to every ranking:

- the model's **cross-validated fit**, and a clear warning when it is too
  weak to rank drivers (AUC below 0.6, R² below 0.05) or cannot be computed
  (a fold whose held-out respondents are all of one class has no AUC);
- **collinearity**: the variance inflation factor (VIF) of each facet and the
  condition number of the standardized ratings; facets in an exact linear
  dependence (a copy, a reverse-coded copy, a total of other facets) get an
  infinite VIF and are named in a warning, while the other facets keep
  theirs;
- **halo strength**: the share of rating variance on the first principal
  component of the facet correlations (general brand warmth lifting every
  rating together);
- **suppressor facets**: the sign of the facet's multivariate effect (its
  standardized beta, controlling for every other facet) is opposite to the
  sign of its plain correlation with the outcome, both clear of zero by
  ``min_t`` standard errors computed from the respondents who rated the
  facet (a facet rated by 40 has the standard errors of 40 ratings).

Missing ratings (touchpoints a respondent did not use) enter through
**pairwise-complete weighted correlations**: the correlation of two facets
uses the respondents who rated both, the correlation of a facet with the
outcome those who rated the facet, each with their survey weights. VIF,
condition number, halo share and betas are then computed from that
correlation matrix, the way relaimpo and SPSS treat pairwise deletion. A
facet whose correlations are undefined (rated by a handful of respondents,
or constant wherever it was rated together with another facet) is left out
of those numbers (its row is empty) and named in the warnings; its partners
stay. Pairwise correlations need not form a valid correlation matrix (a facet
rated by a few, or 200 facets on 2,000 respondents who skip a quarter of
them): VIFs and the condition number are then infinite, no suppressor is
flagged, and a warning says why.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.utils.validation import check_is_fitted

from ._stats import (
    format_against,
    infinite_ratings,
    kish_size,
    row_chunk,
    row_chunks,
    weighted_corr_columns,
    weighted_corr_matrix,
)
from ._validation import (
    ValidationError,
    check_aligned,
    check_float,
    check_weights,
    column_list,
    did_you_mean,
    preview,
)
from .importance import _facet_frame
from .model import DriverModel, check_model, check_outcome
from .results import Diagnostics, ImportanceResult
from .schema import weights_break_correlations

__all__ = ["diagnose_drivers", "fit_warnings"]

WEAK_AUC = 0.6
WEAK_R2 = 0.05
# facets this correlated (short of 1) read as one question asked twice
NEAR_TWIN_CORR = 0.95
# respondents who rated both facets, at least, for a pair to be called twins
MIN_SHARED = 50


def fit_warnings(model: DriverModel) -> list[str]:
    """Warnings when the cross-validated fit is too weak to rank drivers, or
    undefined (a fold of held-out respondents all of one class has no AUC).

    Parameters
    ----------
    model : DriverModel
        Fitted, with cross-validated scores (``cv > 1``); without them
        there is nothing to judge and no warning.

    Returns
    -------
    list of str
        Empty when the fit is adequate.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> model = em.DriverModel(n_estimators=50, cv=3, random_state=0).fit(X, y)
    >>> em.fit_warnings(model)
    []
    """
    if not callable(getattr(model, "fit_summary", None)):  # what it reads
        check_model(model, "fit_warnings")
    fit = model.fit_summary()
    unscored = _unscored_folds(model, fit)
    if unscored:
        return [unscored]
    if "roc_auc" in fit and fit["roc_auc"] < WEAK_AUC:
        return [
            "The model's cross-validated AUC is "
            f"{format_against(fit['roc_auc'], WEAK_AUC, digits=2)} (below "
            f"{WEAK_AUC}): the facets barely predict connection, so the driver "
            "ranking is not reliable. Check the outcome column and the facets."
        ]
    if "r2" in fit and fit["r2"] < WEAK_R2:
        return [
            "The model's cross-validated R² is "
            f"{format_against(fit['r2'], WEAK_R2, digits=2)} (below {WEAK_R2}): "
            "the facets barely predict the outcome, so the driver ranking is not "
            "reliable. Check the outcome column and the facets."
        ]
    return []


# why a fold has no score, and the way out, by score
_UNSCORED = {
    "roc_auc": (
        "AUC",
        "held-out respondents all of one class: the outcome's rarer class has "
        "too few respondents for the folds",
        "Survey more respondents of the rarer outcome, or use fewer folds (cv).",
    ),
    "r2": (
        "R²",
        "a fold of fewer than two held-out respondents",
        "Analyse more respondents, or use fewer folds (cv).",
    ),
}


def _unscored_folds(model: DriverModel, fit: dict) -> str | None:
    """A warning when the cross-validated AUC or R² is undefined (NaN): a
    fold whose held-out respondents are all of one class has no AUC (one of
    fewer than two respondents no R²), and the mean over folds is then no fit
    at all, which no threshold would flag."""
    for key, (name, cause, way_out) in _UNSCORED.items():
        if key in fit and not np.isfinite(fit[key]):
            folds = np.asarray(getattr(model, "cv_scores_", {}).get(key, []))
            missing = int((~np.isfinite(folds)).sum())
            which = f" in {missing} of {len(folds)} folds" if len(folds) else ""
            return (
                f"The model's cross-validated {name} could not be computed"
                f"{which} ({cause}), so the fit cannot be judged and the driver "
                f"ranking is not reliable. {way_out}"
            )
    return None


def _sign(values: np.ndarray, se: np.ndarray, min_t: float) -> np.ndarray:
    """Sign of each value, 0 where it is within ``min_t`` standard errors of 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        clear = np.abs(values) >= min_t * se
    return np.where(clear, np.sign(values), 0).astype(int)


def _uncorrelated(corr: np.ndarray) -> np.ndarray:
    """Facets to leave out so that every pair left has a correlation.

    A facet rated by a handful of respondents, or constant wherever it was
    rated together with another, leaves its correlations undefined, and with
    them every partner's row. The facet with the most undefined entries goes
    first, until none is left: its partners stay.
    """
    undefined = ~np.isfinite(corr)
    alive = np.ones(len(corr), dtype=bool)
    out = []
    while True:
        counts = (undefined & alive[:, None] & alive[None, :]).sum(axis=0)
        if not counts.any():
            return np.array(out, dtype=int)
        worst = int(np.argmax(counts))
        out.append(worst)
        alive[worst] = False


def _shared_raters(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Respondents of weight above 0 who rated both facets, per pair."""
    seen = ~np.isnan(values) & (weights > 0)[:, None]
    shared = np.zeros((values.shape[1], values.shape[1]))
    for rows in row_chunks(len(values)):
        part = seen[rows].astype(float)
        shared += part.T @ part
    return shared


def _twins(corr: np.ndarray, names, shared) -> tuple[str | None, set]:
    """A warning naming facets whose ratings correlate exactly (the same
    question twice, exported under two names, or reverse-coded) over at
    least ``MIN_SHARED`` respondents who rated both, or None; and the facets
    it names."""
    enough = shared >= MIN_SHARED
    i, j = np.nonzero(np.triu((np.abs(corr) >= 1 - 1e-9) & enough, k=1))
    if not len(i):
        return None, set()
    pairs = [f"'{names[a]}' and '{names[b]}'" for a, b in zip(i, j, strict=True)]
    shown = _listed(pairs)
    return (
        "Facets whose ratings move exactly together (correlation 1 or -1): "
        f"{shown}. The same question asked twice, exported under two names, "
        "or a reverse-coded copy? Their importance is split between them, and "
        "their collinearity diagnostics cannot be computed: keep one of each."
    ), {names[k] for k in (*i, *j)}


def _listed(pairs: list[str], n: int = 5) -> str:
    """The first ``n`` pairs of facets, ``;``-separated, and how many more."""
    return "; ".join(pairs[:n]) + (
        f" (+{len(pairs) - n} more)" if len(pairs) > n else ""
    )


def _near_twins(corr: np.ndarray, names, exact: set, shared) -> str | None:
    """A warning naming pairs of facets whose ratings nearly move together,
    or against each other (``|r| >= NEAR_TWIN_CORR``, short of the exact
    twins of :func:`_twins`, over at least ``MIN_SHARED`` respondents who
    rated both), or None: a question asked twice whose answers differ in a
    few cells splits one effect between two facets, and a plan may fund the
    copy."""
    size = np.abs(corr)
    near = (size >= NEAR_TWIN_CORR) & (size < 1 - 1e-9) & (shared >= MIN_SHARED)
    i, j = np.nonzero(np.triu(near, k=1))
    pairs = [
        f"'{names[a]}' and '{names[b]}' ({corr[a, b]:+.3f})"
        for a, b in zip(i, j, strict=True)
        if not {names[a], names[b]} <= exact
    ]
    if not pairs:
        return None
    shown = _listed(pairs)
    return (
        f"Facets whose ratings nearly move together or against each other "
        f"(correlation of {NEAR_TWIN_CORR} or more either way, over at least "
        f"{MIN_SHARED} respondents who rated both): {shown}. The same question "
        "asked twice with a few answers apart, or a reverse-coded copy? One "
        "effect is then split between them, and a plan may fund the copy while "
        "the other holds the effect: keep one of each."
    )


def _collinear(corr: np.ndarray) -> np.ndarray:
    """Facets with a part in an exact linear dependence: a loading on an
    eigenvector of (numerically) zero eigenvalue."""
    vals, vecs = np.linalg.eigh(corr)
    null = vals <= 1e-12 * max(vals[-1], 1.0)
    return (np.abs(vecs[:, null]) > 1e-6).any(axis=1)


def _collinear_vif(corr: np.ndarray, involved: np.ndarray) -> np.ndarray:
    """Variance inflation factors when some facets are exactly collinear
    (``involved``, see :func:`_collinear`): infinite for those, ``1 / (1 -
    R²)`` from the others for the rest (a facet outside the dependence keeps
    its finite VIF)."""
    vif = np.full(len(corr), np.inf)
    for j in np.flatnonzero(~involved):
        rest = np.delete(np.arange(len(corr)), j)
        r = corr[rest, j]
        inverse = np.linalg.pinv(corr[np.ix_(rest, rest)], rcond=1e-10, hermitian=True)
        vif[j] = 1 / max(1 - float(r @ inverse @ r), 1e-300)
    return vif


def _collinear_note(names, involved: np.ndarray, named: set) -> str | None:
    """A warning naming exactly collinear facets (``involved``) that no twin
    warning names."""
    involved = [str(n) for n, k in zip(names, involved, strict=True) if k]
    if not involved or set(involved) <= named:
        return None
    return (
        f"{len(involved)} facets are exactly collinear, one a linear "
        f"combination of the others (a total or an average of other facets?): "
        f"{preview(involved, 6)}. Their variance inflation factors and the "
        "condition number are infinite and their standardized betas have no "
        "sign: leave the combination out, or keep one facet of each set."
    )


def _facet_values(
    model: DriverModel,
    X: pd.DataFrame,
    controls: Sequence[str] | None,
    importance: ImportanceResult | None,
) -> pd.DataFrame:
    """The model's facets without the controls, or one error listing every
    problem: unknown controls, infinite ratings, facets the importance
    result does not rank."""
    frame = _facet_frame(model, X)
    controls = column_list(controls or [], "controls", "diagnose_drivers")
    problems = [
        f"controls names '{c}', which is not among the model's columns "
        f"({preview(frame.columns)}).{did_you_mean(c, frame.columns)}"
        for c in controls
        if c not in frame.columns
    ]
    frame = frame.drop(columns=[c for c in controls if c in frame.columns])
    infinite = np.zeros(frame.shape[1], dtype=int)
    for rows in row_chunks(len(frame)):  # never the whole survey at once
        infinite += np.isinf(row_chunk(frame, rows)).sum(axis=0)
    if infinite.any():
        problems.append(infinite_ratings(frame.columns, infinite))
    if importance is not None:
        unranked = [f for f in frame.columns if f not in importance.table.index]
        if unranked:
            problems.append(
                f"importance does not rank {len(unranked)} of the model's facets "
                f"({preview(unranked)}): pass the result computed for this "
                "model, such as shap_importance(model, X)."
            )
    if problems:
        raise ValidationError(problems, subject="input to diagnose_drivers")
    return frame


def _sign_errors(values, weights, vif, r2: float):
    """Standard errors of each facet's correlation and standardized beta.

    Each uses Kish's effective size of the respondents who rated the facet
    (weight above 0): a facet rated by 40 of 3,000 has its correlation from
    40 ratings, and a standard error to match.
    """
    scaled = weights / weights.max()
    total, squares = np.zeros(values.shape[1]), np.zeros(values.shape[1])
    for rows in row_chunks(len(values)):  # two p-vectors, not an n x p copy
        seen = ~np.isnan(values[rows])
        total += scaled[rows] @ seen
        squares += (scaled[rows] ** 2) @ seen
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.nan_to_num(total**2 / squares)
    dof = np.maximum(n_eff - values.shape[1] - 1, 1.0)
    # a facet in an exact collinearity: its beta has no sign, even where R²
    # is 1 (0 x inf)
    finite = np.isfinite(vif)
    se_beta = np.full(len(vif), np.inf)
    se_beta[finite] = np.sqrt((1 - r2) / dof[finite] * vif[finite])
    se_r = 1 / np.sqrt(np.maximum(n_eff - 2, 1.0))
    return se_r, se_beta


def diagnose_drivers(
    model: DriverModel,
    X: pd.DataFrame,
    y: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    importance: ImportanceResult | None = None,
    min_t: float = 2.0,
    controls: Sequence[str] | None = None,
) -> Diagnostics:
    """Fit, collinearity, halo and suppressor diagnostics for a driver study.

    Parameters
    ----------
    model : DriverModel
        Fitted driver model; its cross-validated scores are the fit reported.
    X : DataFrame of shape (n_respondents, n_facets)
        Facet ratings (the model's facets, by name); NaN = not experienced.
    y : array-like of shape (n_respondents,)
        Connection outcome (0/1 or numeric).
    sample_weight : array-like of shape (n_respondents,), default=None
        Survey weights for every correlation.
    importance : ImportanceResult or None, default=None
        When given, its ``direction`` (the SHAP direction) is added to the
        table as ``shap_direction``, to compare with the linear view.
    min_t : float, default=2.0
        A correlation or standardized beta within ``min_t`` standard errors
        of zero has no sign; a suppressor needs both signs, opposite, so
        that sampling noise around zero is not reported as suppression.
        Standard errors use Kish's effective sample size of the weights of
        the respondents who rated the facet.
    controls : sequence of str or None, default=None
        Model columns that are controls (the halo score, context), left out
        of the facet diagnostics; each must be a column the model uses.

    Returns
    -------
    Diagnostics
        Per-facet ``vif``, ``r`` (correlation), ``std_beta``, ``suppressor``
        (``to_frame()``), and ``condition_number``, ``halo_share``, ``fit``,
        ``weak_fit``, ``warnings``; ``to_summary()`` gives the JSON-ready
        ``summary["diagnostics"]``.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> model = em.DriverModel(n_estimators=50, cv=3, random_state=0).fit(X, y)
    >>> diag = em.diagnose_drivers(model, X, y)
    >>> diag.weak_fit, diag.halo_share > 1 / 12
    (False, True)
    >>> list(diag.to_frame().columns[:4])
    ['facet', 'vif', 'r', 'std_beta']
    """
    check_model(model, "diagnose_drivers")
    check_is_fitted(model, "estimator_")
    check_float(min_t, "min_t", "diagnose_drivers", low=0)
    check_aligned(X, "X", y=y, sample_weight=sample_weight)
    frame = _facet_values(model, X, controls, importance)
    weights = check_weights(sample_weight, len(frame))
    values = frame.to_numpy()
    target = check_outcome(model, y, len(frame), "diagnose_drivers")
    if getattr(model, "task_", None) == "binary":
        target = (target == model.classes_[1]).astype(float)
    target = target.astype(float)

    corr = weighted_corr_matrix(values, weights)
    left_out = _uncorrelated(corr)
    keep = np.setdiff1d(np.arange(len(corr)), left_out)
    if not len(keep):
        counted = int((weights > 0).sum())
        raise ValueError(
            f"Cannot correlate any two of the {len(corr)} facets over "
            f"{len(frame):,} respondent{'s' if len(frame) != 1 else ''}"
            f"{f' ({counted:,} with a weight above 0)' if counted < len(frame) else ''}"
            ": each facet is constant, or no two are rated together by at least "
            "two respondents. Diagnose a group of at least a few dozen "
            "respondents, or leave out the facets rated by fewest."
        )
    names = frame.columns[keep]
    corr, values = corr[np.ix_(keep, keep)], values[:, keep]
    r_y = weighted_corr_columns(
        values, np.repeat(target[:, None], values.shape[1], axis=1), weights
    )
    eig = np.linalg.eigvalsh(corr)
    smallest, largest = float(eig[0]), float(eig[-1])
    positive = smallest > 1e-12 * max(largest, 1.0)
    valid = smallest >= -1e-8 * max(largest, 1.0)  # a correlation matrix
    # exactly collinear facets (in a valid matrix): VIF and warning name them
    involved = _collinear(corr) if valid and not positive else None
    if positive:
        inverse = np.linalg.inv(corr)
        vif = np.diag(inverse).copy()
        beta = inverse @ np.nan_to_num(r_y)
        condition = float(np.sqrt(largest / smallest))
    else:  # exactly collinear facets, or a pairwise matrix that is not PSD
        vif = (
            np.full(len(corr), np.inf)
            if involved is None
            else _collinear_vif(corr, involved)
        )
        beta = np.linalg.pinv(corr, rcond=1e-10, hermitian=True) @ np.nan_to_num(r_y)
        condition = float("inf")
    n_eff = kish_size(weights)
    r2 = float(np.clip(beta @ np.nan_to_num(r_y), 0, 1))
    se_r, se_beta = _sign_errors(values, weights, vif, r2)
    flips = _sign(r_y, se_r, min_t) * _sign(beta, se_beta, min_t) < 0

    table = pd.DataFrame(
        {"vif": vif, "r": r_y, "std_beta": beta, "suppressor": flips},
        index=pd.Index(names, name="facet"),
    ).reindex(pd.Index(frame.columns, name="facet"))
    table["suppressor"] = table["suppressor"].fillna(False).astype(bool)
    if importance is not None:
        table["shap_direction"] = importance.table["direction"].reindex(table.index)
    notes = fit_warnings(model)
    if importance is not None and not importance.table["raw_importance"].sum() > 0:
        notes = [
            "The model made no split on any facet: it predicts the outcome "
            "alike whatever the ratings, so every facet's share is equal by "
            f"construction (1/{len(importance.table)}), not a finding. Check the "
            "outcome column, or survey more respondents.",
            *notes,
        ]
    shared = _shared_raters(values, weights)
    twins, named = _twins(corr, names, shared)
    collinear = None if involved is None else _collinear_note(names, involved, named)
    invalid = None
    if not valid:
        weighted = weights_break_correlations(values, weights)
        cause = (
            f"{weighted[0].upper()}{weighted[1:]}, then rerun."
            if weighted
            else "Facets rated by few respondents, or many facets on few "
            "respondents, cause it: leave out the facets rated by fewest "
            "respondents, or diagnose fewer facets at a time."
        )
        invalid = (
            f"The {len(names)} facets' pairwise correlations (each pair over the "
            "respondents who rated both) do not form a valid correlation matrix "
            f"(smallest eigenvalue {smallest:.2g}): no variance inflation factor, "
            "condition number or suppressor can be computed, so none is reported. "
            + cause
        )
    dropped = [str(f) for f in frame.columns[left_out]]
    unread = (
        f"{len(dropped)} facet{'s' if len(dropped) > 1 else ''} left out of the "
        f"diagnostics (rated by too few respondents, or without variation where "
        f"rated together with another facet): {preview(dropped)}. Their "
        "rankings rest on too few ratings to check: read them with care, or "
        "leave them out of the analysis."
        if dropped
        else None
    )
    near = _near_twins(corr, names, named, shared)
    return Diagnostics(
        table=table,
        condition_number=condition,
        halo_share=largest / float(eig.sum()),
        fit=model.fit_summary(),
        weak_fit=bool(notes),
        warnings=tuple(
            notes + [w for w in (unread, twins, near, collinear, invalid) if w]
        ),
        info={
            "missing": "pairwise-complete weighted correlations: each pair of "
            "facets uses the respondents who rated both",
            "condition_number": "sqrt(largest / smallest eigenvalue) of the "
            "facet correlation matrix",
            "suppressor": "sign of the standardized beta opposite to the sign "
            f"of the correlation with the outcome (both beyond {min_t} standard "
            "errors of zero)",
            "n_effective": float(n_eff),
            "weak_fit": f"cross-validated AUC < {WEAK_AUC} or R² < {WEAK_R2}, "
            "or either undefined in a fold",
            "left_out": dropped,
        },
    )
