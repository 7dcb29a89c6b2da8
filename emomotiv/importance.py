"""Derived importance: how much each facet moves the modelled outcome.

Every function here takes data first, options keyword-only, and returns an
:class:`~emomotiv.results.ImportanceResult` whose ``to_frame()`` gives one
row per facet.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.utils.validation import check_is_fitted

from ._stats import facet_profile, weighted_corr_columns
from ._trees import shap_values
from ._validation import EmomotivWarning, check_aligned, check_weights, preview
from .controls import design_hint
from .model import DriverModel, check_model, explained_class
from .results import ImportanceResult

__all__ = ["shap_importance"]


def _facet_frame(model, X) -> pd.DataFrame:
    """The facet columns the model was fitted on, in its order, as floats."""
    names = list(getattr(model, "feature_names_in_", []))
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            "X must be a DataFrame with the facet columns the model was fitted "
            "on; facets are addressed by name, never by position."
        )
    if not names:
        raise TypeError(
            "The model was fitted without facet names (on an array, or on a "
            "DataFrame whose column names are not all text, such as 0, 1, 2): "
            "fit it on a DataFrame of facet columns named by facet; facets are "
            "addressed by name, never by position."
        )
    missing = [n for n in names if n not in X.columns]
    if missing:
        others = [str(c) for c in X.columns if c not in names]
        near = [
            f"'{match[0]}' for '{n}'"
            for n in missing[:5]
            if (match := difflib.get_close_matches(n, others, n=1))
        ]
        hint = f" Misspelt or renamed in X: {', '.join(near)}?" if near else ""
        raise ValueError(
            f"X lacks {len(missing)} facets the model uses: {missing[:5]}.{hint}"
            + design_hint(missing)
        )
    twice = sorted({str(c) for c in X.columns[X.columns.duplicated()]} & set(names))
    if twice:
        raise ValueError(
            f"X has {len(twice)} facet columns more than once: {preview(twice)}. "
            "Keep one column per facet."
        )
    if not len(X):
        raise ValueError("X has no respondents: pass at least one row to explain.")
    frame = X[names]
    text = [
        c
        for c in names
        if not pd.api.types.is_numeric_dtype(frame[c])
        and (pd.to_numeric(frame[c], errors="coerce").isna() & frame[c].notna()).any()
    ]
    if text:
        raise ValueError(
            f"X has text in {len(text)} facet columns: {preview(text)}. Ratings "
            "must be numbers, and empty (NaN) where the touchpoint was not "
            "experienced: recode codes such as 'n/a' first."
        )
    return frame.astype(float)


def _as_groups(controls, names: list[str]) -> dict[str, str]:
    """``controls`` as {model column: control}; every column must be the
    model's, and the halo score's columns (``__halo__``: an analysis's design
    matrix) must be among them, or they would be ranked as a touchpoint."""
    if controls is None:
        groups = {}
    elif isinstance(controls, Mapping):
        groups = {str(k): str(v) for k, v in controls.items()}
    elif isinstance(controls, str):
        groups = {controls: controls}
    else:
        groups = {str(c): str(c) for c in controls}
    # the columns an analysis's design adds are named like __halo__
    added = [n for n in names if n.startswith("__") and n.endswith("__")]
    halo = [n for n in added if n not in groups]
    if halo:
        raise ValueError(
            f"The model's columns {preview(halo)} are those an analysis adds "
            "to control for (the halo score), not touchpoints, and controls "
            "does not name them: they would be ranked as the top touchpoint. Pass "
            "controls=design.columns with design.matrix (design = "
            "emomotiv.design_matrix(...))."
        )
    unknown = [c for c in groups if c not in names]
    if unknown:
        raise ValueError(
            f"controls names {len(unknown)} columns the model was not fitted "
            f"on: {unknown[:5]}."
        )
    if len(groups) >= len(names):
        raise ValueError("controls leave no facet to rank: every column is a control.")
    clash = sorted({g for g in groups.values() if g in names and g not in groups})
    if clash:
        raise ValueError(
            f"controls gives {len(clash)} controls the name of a facet: "
            f"{preview(clash)}; their SHAP would be added to the facet's. Name "
            "each control apart from every facet."
        )
    return groups


class _Grouping:
    """How model columns combine into facets and controls.

    ``combine`` is a 0/1 matrix (model columns x outputs): facets map to
    themselves, a control's columns (the levels of a categorical one, the
    halo score's columns) add into one output, so its SHAP is that of the
    variable (SHAP is additive). Outputs are the facets, then the controls.
    """

    def __init__(self, names: list[str], groups: Mapping[str, str]) -> None:
        self.facets = [n for n in names if n not in groups]
        self.controls = list(dict.fromkeys(groups[n] for n in names if n in groups))
        outputs = self.facets + self.controls
        self.combine = np.zeros((len(names), len(outputs)))
        for j, name in enumerate(names):
            self.combine[j, outputs.index(groups.get(name, name))] = 1.0

    def split(self, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Facet shares (over facets) and control shares (over all outputs).

        ``raw`` holds mean |SHAP| per output on its last axis.
        """
        raw = np.asarray(raw, dtype=float)
        p = len(self.facets)
        facet_raw, control_raw = raw[..., :p], raw[..., p:]
        facet_total = facet_raw.sum(axis=-1, keepdims=True)
        total = facet_total + control_raw.sum(axis=-1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            facet_share = np.where(facet_total > 0, facet_raw / facet_total, 1 / p)
            control_share = np.where(total > 0, control_raw / total, 0.0)
        return facet_share, control_share


def _control_table(
    phi: np.ndarray,
    values: np.ndarray,
    names: list[str],
    grouping: _Grouping,
    raw: np.ndarray,
    share: np.ndarray,
    weights: np.ndarray,
) -> pd.DataFrame:
    """Per control: share, raw mean |SHAP| of its summed columns, direction,
    and for a categorical control the levels it raises and lowers most.

    Direction: +1 when higher values raise the outcome, -1 when they lower
    it, 0 for a control of several columns (a categorical one: its levels
    have no order; the halo's level and spread) or one the model never used.
    ``level_high`` and ``level_low``: of a categorical control's levels
    (its columns ``control=level``), the one whose customers its summed SHAP
    raises most on average (weighted), and the one it raises least.
    """
    p = len(grouping.facets)
    direction, high, low = [], [], []
    for k, control in enumerate(grouping.controls):
        cols = np.flatnonzero(grouping.combine[:, p + k])
        levels = {
            j: names[j][len(control) + 1 :]
            for j in cols
            if names[j].startswith(f"{control}=")
        }
        if len(cols) == 1 and raw[k] > 0:
            corr = weighted_corr_columns(values[:, cols], phi[:, cols], weights)[0]
            direction.append(-1 if np.nan_to_num(corr) < 0 else 1)
        else:
            direction.append(0)
        means = {}
        summed = phi[:, cols].sum(axis=1)
        for j, level in levels.items():
            member = (values[:, j] == 1) & (weights > 0)
            if member.any():
                means[level] = float(
                    np.average(summed[member], weights=weights[member])
                )
        ordered = len(levels) == len(cols) and len(means) > 1 and raw[k] > 0
        high.append(max(means, key=means.get) if ordered else None)
        low.append(min(means, key=means.get) if ordered else None)
    return pd.DataFrame(
        {
            "importance": share,
            "raw_importance": raw,
            "direction": direction,
            "level_high": high,
            "level_low": low,
        },
        index=pd.Index(grouping.controls, name="control"),
    )


def _shap_scale(model) -> float:
    """What a model's SHAP values are multiplied by to read in its outcome's
    unit: a value model (:class:`~emomotiv.ValueModel`) is fitted on value
    over its mean (``value_scale_``), so on squared error its SHAP values
    are in that ratio; on a log link they are unit-free (only the base moves,
    by ``log(value_scale_)``)."""
    if getattr(model, "objective", "squared") != "squared":
        return 1.0
    return float(getattr(model, "value_scale_", 1.0))


def _import_shap():
    """The ``shap`` module, imported without the PendingDeprecationWarnings
    its colour maps raise on import under matplotlib 3.10 and later, which
    stop a run with ``python -W error``; every other warning stays."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            "The set_(bad|over|under) function",
            PendingDeprecationWarning,
        )
        import shap
    return shap


def shap_importance(
    model: DriverModel,
    X: pd.DataFrame,
    *,
    sample_weight: ArrayLike | None = None,
    controls: Sequence[str] | Mapping[str, str] | None = None,
) -> ImportanceResult:
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
    controls : sequence of str, mapping of str -> str, or None
        Model columns that are controls, not facets (the halo score,
        context; see :func:`emomotiv.design_matrix`), or a mapping of each
        such column to the control it belongs to (the levels of a
        categorical control). They are scored in ``controls``, never ranked
        in ``table``.

    Returns
    -------
    ImportanceResult
        ``table`` columns: ``importance``, ``raw_importance`` (mean |SHAP|),
        ``direction`` (+1 when higher ratings raise the outcome, -1 when they
        lower it, 0 for a facet the model never used), ``reach`` and
        ``mean_score``; the shares sum to 1 over the facets. ``controls``
        (with ``controls=``): one row per control with ``importance``, its
        share of the total over facets *and* controls, ``raw_importance``
        and ``direction``. ``explanation`` is the ``shap.Explanation`` of
        every model column.

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
    check_model(model, "shap_importance")
    check_is_fitted(model, "estimator_")
    check_aligned(X, "X", sample_weight=sample_weight)
    import xgboost as xgb

    shap = _import_shap()

    frame = _facet_frame(model, X)
    names = [str(c) for c in frame.columns]
    grouping = _Grouping(names, _as_groups(controls, names))
    weights = check_weights(sample_weight, len(frame))
    values = frame.to_numpy()
    booster = model.estimator_.get_booster()
    # XGBoost reads the ratings as it would explain them (refusing inf); the
    # bias column is the trees' expected value, the same for every row
    matrix = xgb.DMatrix(values, missing=np.nan)
    phi = shap_values(booster, values)
    bias = np.nan
    if len(values):
        bias = booster.predict(matrix.slice([0]), pred_contribs=True)[0, -1]
    base = np.full(len(values), float(bias))
    phi, base = phi * _shap_scale(model), base * _shap_scale(model)
    log_link = hasattr(model, "value_scale_") and model.objective != "squared"
    if log_link:  # log(value / scale) = log value - log scale
        base = base + np.log(model.value_scale_)

    raw = np.average(np.abs(phi @ grouping.combine), axis=0, weights=weights)
    p = len(grouping.facets)
    if not raw[:p].sum() > 0:
        warnings.warn(
            "The model made no split on any facet (every SHAP value of every "
            f"facet is 0): each of the {p} facets gets the same share 1/{p} by "
            "construction, which ranks nothing. Check the outcome, or give more "
            "respondents or a model that splits on fewer (a smaller "
            "min_child_weight).",
            EmomotivWarning,
            stacklevel=2,
        )
    share, control_share = grouping.split(raw)
    total = float(raw[:p].sum())
    keep = [names.index(f) for f in grouping.facets]
    corr = weighted_corr_columns(values[:, keep], phi[:, keep], weights)
    direction = np.where(raw[:p] > 0, np.where(np.nan_to_num(corr) < 0, -1, 1), 0)

    table = pd.DataFrame(
        {"importance": share, "raw_importance": raw[:p], "direction": direction},
        index=pd.Index(grouping.facets, name="facet"),
    ).join(facet_profile(frame[grouping.facets], weights))
    control_table = None
    if grouping.controls:
        control_table = _control_table(
            phi, values, names, grouping, raw[p:], control_share, weights
        )
    explanation = shap.Explanation(
        values=phi,
        base_values=base,
        data=values,
        feature_names=list(frame.columns),
    )
    units = "log-odds" if model.task_ == "binary" else "outcome units"
    units = "log value" if log_link else units
    info = {
        "units": units,
        "n_respondents": len(frame),
        "missing": "not experienced is a value: its SHAP is the effect of not "
        "having used the touchpoint",
    }
    if grouping.controls:
        info["control_share"] = float(control_share.sum())
    explains = explained_class(model.classes_) if model.task_ == "binary" else None
    if explains is not None:  # of 1/2 or text: which answer the shares explain
        info["explains"] = explains
    return ImportanceResult(
        "shap", table, total, explanation, info, controls=control_table
    )
