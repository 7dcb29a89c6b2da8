"""Derived importance: how much each facet moves the modelled outcome.

Every function here takes data first, options keyword-only, and returns an
:class:`~emomotiv.results.ImportanceResult` whose ``to_frame()`` gives one
row per facet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._stats import facet_profile, weighted_corr_columns
from ._validation import check_weights
from .results import ImportanceResult

__all__ = ["shap_importance"]


def _facet_frame(model, X) -> pd.DataFrame:
    """The facet columns the model was fitted on, in its order, as floats."""
    names = list(getattr(model, "feature_names_in_", []))
    if not isinstance(X, pd.DataFrame) or not names:
        raise TypeError(
            "X must be a DataFrame with the facet columns the model was fitted "
            "on; facets are addressed by name, never by position."
        )
    missing = [n for n in names if n not in X.columns]
    if missing:
        raise ValueError(
            f"X lacks {len(missing)} facets the model uses: {missing[:5]}."
        )
    return X[names].astype(float)


def shap_importance(model, X: pd.DataFrame, *, sample_weight=None) -> ImportanceResult:
    """Derived importance from TreeSHAP on a fitted :class:`DriverModel`.

    A facet's importance is its (weighted) mean absolute SHAP value as a share
    of the sum over facets. SHAP values are in the model's raw output units:
    log-odds for a binary outcome, outcome units for a numeric one. They are
    computed with XGBoost's built-in TreeSHAP (exact, path-dependent: the
    same values as ``shap.TreeExplainer``) and returned as a
    ``shap.Explanation``.

    A respondent who did not experience a touchpoint still has a SHAP value
    for it: the effect of *not* having experienced it, relative to the
    average respondent. That is part of what the facet explains.

    Parameters
    ----------
    model : DriverModel
        Fitted model.
    X : DataFrame
        The respondents to explain, with the model's facet columns.
    sample_weight : array-like of shape (n_respondents,), default=None
        Survey weights for the mean |SHAP|, direction, reach and mean score.

    Returns
    -------
    ImportanceResult
        ``table`` columns: ``importance``, ``raw_importance`` (mean |SHAP|),
        ``direction`` (+1 when higher ratings raise the outcome, -1 when they
        lower it, 0 for a facet the model never used), ``reach`` and
        ``mean_score``; ``explanation`` is the ``shap.Explanation``.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> model = em.DriverModel(n_estimators=50, cv=0, random_state=0).fit(X, y)
    >>> result = em.shap_importance(model, X)
    >>> round(float(result.table["importance"].sum()), 6)
    1.0
    >>> list(result.to_frame().columns[:3])
    ['facet', 'importance', 'rank']
    """
    check_is_fitted(model, "estimator_")
    import shap
    import xgboost as xgb

    frame = _facet_frame(model, X)
    weights = check_weights(sample_weight, len(frame))
    values = frame.to_numpy()
    booster = model.estimator_.get_booster()
    contribs = booster.predict(xgb.DMatrix(values, missing=np.nan), pred_contribs=True)
    phi, base = contribs[:, :-1].astype(float), contribs[:, -1].astype(float)

    raw = np.average(np.abs(phi), axis=0, weights=weights)
    total = float(raw.sum())
    share = raw / total if total > 0 else np.full(len(raw), 1 / len(raw))
    corr = weighted_corr_columns(values, phi, weights)
    direction = np.where(raw > 0, np.where(np.nan_to_num(corr) < 0, -1, 1), 0)

    table = pd.DataFrame(
        {"importance": share, "raw_importance": raw, "direction": direction},
        index=pd.Index(frame.columns, name="facet"),
    ).join(facet_profile(frame, weights))
    explanation = shap.Explanation(
        values=phi,
        base_values=base,
        data=values,
        feature_names=list(frame.columns),
    )
    units = "log-odds" if model.task_ == "binary" else "outcome units"
    info = {
        "units": units,
        "n_respondents": len(frame),
        "missing": "not experienced is a value: its SHAP is the effect of not "
        "having used the touchpoint",
    }
    return ImportanceResult("shap", table, total, explanation, info)
