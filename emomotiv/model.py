"""The driver model: facets -> connection (or value), cross-validated.

:class:`DriverModel` wraps XGBoost behind scikit-learn's estimator contract.
Gradient-boosted trees suit survey facets: they handle the structural
missingness of touchpoints a respondent did not use natively (no imputation),
and they capture threshold ("delight at the top"), penalty ("hurts at the
bottom") and interaction effects that a linear model misses.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._validation import (
    EmomotivWarning,
    ValidationError,
    as_numbers,
    check_aligned,
    check_choice,
    check_float,
    check_int,
    check_n_jobs,
    check_weights,
    did_you_mean,
    preview,
    unit_weights,
)
from .controls import design_hint

__all__ = ["DriverModel", "load_model_files"]

TASKS = ("auto", "binary", "regression")


def _is_binary(model) -> bool:
    """``predict_proba`` exists for a binary outcome only: after fit, when the
    fitted task is binary; before fit, unless the task is a regression."""
    if hasattr(model, "task_"):
        return model.task_ == "binary"
    return model.task != "regression"


def _numeric_columns(X: pd.DataFrame, owner: str) -> pd.DataFrame:
    """``X`` with its columns of numbers written as text (or as categories)
    read as numbers; a column named twice, or holding dates or text that is
    not a number, is refused by name (every one at once)."""
    problems = [
        f"Column '{name}' appears {n} times; give each column its own name."
        for name, n in X.columns.value_counts().items()
        if n > 1
    ]
    if problems:
        raise ValidationError(problems, subject=f"X given to {owner}")
    converted = {}
    for name in X.columns:
        col = X[name]
        if pd.api.types.is_datetime64_any_dtype(col) or isinstance(
            col.dtype, pd.PeriodDtype
        ):
            problems.append(
                f"Column '{name}' holds dates, not ratings: leave it out of X."
            )
        elif (
            pd.api.types.is_object_dtype(col)
            or pd.api.types.is_string_dtype(col)
            or isinstance(col.dtype, pd.CategoricalDtype)  # Int64 ones hold <NA>
        ):
            values = pd.to_numeric(col, errors="coerce")
            text = values.isna() & col.notna()
            if text.any():
                bad = preview(sorted(set(col[text]), key=str))
                problems.append(
                    f"Column '{name}' holds text that is not a number in "
                    f"{int(text.sum())} rows: {bad}. Recode it as numbers (NaN "
                    "where not experienced); emomotiv.analyze reads answer "
                    "texts given rating_labels and not_experienced."
                )
            converted[name] = values.astype(float)
    if problems:
        raise ValidationError(problems, subject=f"X given to {owner}")
    if not converted:
        return X
    X = X.copy()
    for name, values in converted.items():  # by item: names need not be str
        X[name] = values
    return X


class Splitter(Protocol):
    """What ``cv`` takes besides a number of folds: a scikit-learn
    cross-validation splitter (``KFold(5)``, ``GroupKFold``), anything with
    its ``split``."""

    def split(self, X, y=None, groups=None): ...


def numeric_target(y: ArrayLike, owner: str) -> np.ndarray:
    """A numeric outcome as float (pandas' missing values as NaN); text is
    refused with its values and the way to code it."""
    values, text = as_numbers(y)
    if text:
        raise ValueError(
            f"{owner} needs a numeric y for a regression; y holds text in "
            f"{text}. Code it as numbers, or a yes/no outcome as 0/1."
        )
    return values


class DriverModel(BaseEstimator):
    """Gradient-boosted model of connection from experience facets.

    A classifier for a 0/1 outcome (``binary``), a regressor for a numeric
    score (``regression``); ``task="auto"`` decides from ``y``. Missing facet
    ratings are left missing and handled by XGBoost's learned default
    directions. With ``cv > 1``, :meth:`fit` first scores the model by
    ``cv``-fold cross-validation (AUC and log-loss, or R²), so every ranking
    can be reported with the fit it rests on.

    Parameters
    ----------
    task : {"auto", "binary", "regression"}, default="auto"
        Kind of outcome.
    n_estimators : int, default=300
        Boosting rounds.
    learning_rate : float, default=0.05
        Shrinkage per round.
    max_depth : int, default=3
        Tree depth; 3 allows two-way interactions and thresholds while
        staying stable on a few thousand respondents.
    min_child_weight : float, default=5.0
        Minimum (weighted) respondents' hessian per leaf.
    subsample : float, default=0.8
        Share of respondents drawn for each tree.
    colsample_bytree : float, default=0.8
        Share of facets drawn for each tree.
    reg_lambda : float, default=1.0
        L2 penalty on leaf weights.
    monotone_constraints : mapping of str -> int or None, default=None
        Columns, by name, whose effect may only rise (+1) or only fall (-1)
        with their value; other columns are free. ``{facet: 1}`` says that a
        better rating of the facet never lowers connection.
    cv : int, cross-validation splitter or list, default=5
        Folds for ``cv_scores_`` (shuffled, stratified for a binary
        outcome); 0 or 1 skips cross-validation. Any scikit-learn splitter
        or a list of (train, test) index pairs also works (not a generator:
        one fit would use it up).
    n_jobs : int or None, default=None
        Threads for XGBoost; None uses all cores.
    random_state : int or None, default=None
        Seed for subsampling and folds. With None the folds are drawn afresh
        on each fit and the trees' row and column subsampling takes
        XGBoost's own default seed (0), as XGBoost's estimators do: two fits
        on the same data give the same model.

    Attributes
    ----------
    task_ : str
        ``"binary"`` or ``"regression"``.
    estimator_ : xgboost.XGBClassifier or xgboost.XGBRegressor
        The model fitted on all data.
    classes_ : ndarray
        The two classes (binary only).
    feature_names_in_ : ndarray of str
        Facet names seen in ``fit``.
    n_features_in_ : int
        Number of facets.
    cv_scores_ : dict of str -> ndarray
        Per-fold scores: ``roc_auc`` and ``log_loss`` (binary) or ``r2``
        (regression); empty when ``cv < 2``.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> model = em.DriverModel(n_estimators=50, cv=3, random_state=0).fit(X, y)
    >>> model.task_
    'binary'
    >>> sorted(model.cv_scores_)
    ['log_loss', 'roc_auc']
    """

    def __init__(
        self,
        *,
        task: str = "auto",
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        max_depth: int = 3,
        min_child_weight: float = 5.0,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        monotone_constraints: Mapping[str, int] | None = None,
        cv: int | Splitter | Sequence[tuple[ArrayLike, ArrayLike]] = 5,
        n_jobs: int | None = None,
        random_state: int | None = None,
    ) -> None:
        self.task = task
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.min_child_weight = min_child_weight
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.monotone_constraints = monotone_constraints
        self.cv = cv
        self.n_jobs = n_jobs
        self.random_state = random_state

    # -- parameters -------------------------------------------------------
    def _check_params(self) -> None:
        owner = type(self).__name__
        check_choice(self.task, "task", owner, TASKS)
        check_int(self.n_estimators, "n_estimators", owner, min_value=1)
        check_float(self.learning_rate, "learning_rate", owner, low=0, inclusive=False)
        check_int(self.max_depth, "max_depth", owner, min_value=1)
        check_float(self.min_child_weight, "min_child_weight", owner, low=0)
        for name in ("subsample", "colsample_bytree"):
            # a share of 0 draws nothing: XGBoost then fits a constant
            if check_float(getattr(self, name), name, owner, low=0, high=1) == 0:
                raise ValueError(
                    f"The '{name}' parameter of {owner} must be a float in the "
                    f"range (0, 1]. Got {getattr(self, name)!r} instead."
                )
        check_float(self.reg_lambda, "reg_lambda", owner, low=0)
        if isinstance(self.cv, numbers.Integral):
            check_int(self.cv, "cv", owner, min_value=0)
        elif isinstance(self.cv, str | numbers.Number) or not (
            hasattr(self.cv, "split") or hasattr(self.cv, "__iter__")
        ):
            raise ValueError(
                f"The 'cv' parameter of {owner} must be an int >= 0, a "
                "scikit-learn splitter or a list of (train, test) index pairs. "
                f"Got {self.cv!r} instead."
            )
        elif not hasattr(self.cv, "split") and iter(self.cv) is self.cv:
            # a generator: the first fit would use it up, and clone (every
            # refit, analyze) cannot copy it
            raise ValueError(
                f"The 'cv' parameter of {owner} must be an int >= 0, a "
                "scikit-learn splitter or a list of (train, test) index pairs. "
                f"Got a one-shot iterator ({type(self.cv).__name__}), which "
                "the first fit would use up and which cannot be cloned: pass "
                "cv=list(...) of its (train, test) pairs."
            )
        check_n_jobs(self.n_jobs, owner)
        check_int(
            self.random_state, "random_state", owner, min_value=0, allow_none=True
        )
        constraints = self.monotone_constraints
        if constraints is not None and not (
            isinstance(constraints, Mapping)
            and all(v in (-1, 0, 1) for v in constraints.values())
        ):
            raise ValueError(
                f"The 'monotone_constraints' parameter of {owner} must be a "
                "mapping of column name -> -1, 0 or 1, or None. Got "
                f"{constraints!r} instead."
            )

    def _check_constraints(self) -> None:
        """Every constrained column must be one seen in fit, by name."""
        if not self.monotone_constraints:
            return
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            raise ValueError(
                "monotone_constraints names columns, so X must be a DataFrame "
                "with named columns."
            )
        known = [str(n) for n in names]
        unknown = [str(c) for c in self.monotone_constraints if str(c) not in known]
        if unknown:
            hints = "".join(did_you_mean(c, known) for c in unknown[:5])
            raise ValueError(
                f"monotone_constraints names {len(unknown)} columns that X does "
                f"not have: {unknown[:5]}.{hints}"
            )

    def _constraints(self) -> str | None:
        """XGBoost's positional constraint string for the fitted columns."""
        names = getattr(self, "feature_names_in_", None)
        if not self.monotone_constraints or names is None:
            return None
        signs = [int(self.monotone_constraints.get(str(n), 0)) for n in names]
        return "(" + ",".join(map(str, signs)) + ")" if any(signs) else None

    def _make_estimator(self, task: str):
        import xgboost as xgb

        params = dict(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            max_depth=self.max_depth,
            min_child_weight=self.min_child_weight,
            subsample=self.subsample,
            colsample_bytree=self.colsample_bytree,
            reg_lambda=self.reg_lambda,
            tree_method="hist",
            monotone_constraints=self._constraints(),
            n_jobs=self.n_jobs,
            random_state=0 if self.random_state is None else self.random_state,
        )
        if task == "binary":
            return xgb.XGBClassifier(objective="binary:logistic", **params)
        return xgb.XGBRegressor(objective="reg:squarederror", **params)

    # -- data -------------------------------------------------------------
    def _check_X(self, X, *, reset: bool) -> np.ndarray:
        """Validate facet ratings; NaN allowed. Facets are matched by name
        before their values are read: a frame with other columns than a
        fitted model's is refused, naming those it lacks and those it does
        not know, before any of them is read as ratings."""
        fitted = getattr(self, "feature_names_in_", None)
        if not reset and fitted is not None and isinstance(X, pd.DataFrame):
            X = X[self._fitted_columns(X, fitted)]
        if isinstance(X, pd.DataFrame):
            X = _numeric_columns(X, type(self).__name__)
        # XGBoost reads float32: the same model at half the memory of float64
        return validate_data(
            self, X, reset=reset, dtype=np.float32, ensure_all_finite="allow-nan"
        )

    @staticmethod
    def _fitted_columns(X: pd.DataFrame, fitted: np.ndarray) -> list:
        """The fitted columns of ``X`` in fit's order; every missing or
        unexpected column named, with how to build an analysis's own."""
        names = [str(c) for c in X.columns]
        given, seen = set(names), set(fitted)
        missing = [str(n) for n in fitted if n not in given]
        extra = [n for n in names if n not in seen]
        if missing or extra:
            problems = []
            if missing:
                hints = "".join(did_you_mean(n, extra) for n in missing[:3])
                problems.append(
                    f"{len(missing)} of the {len(fitted)} missing: "
                    f"{preview(missing)}.{hints}"
                )
            if extra:
                problems.append(f"{len(extra)} unexpected: {preview(extra)}.")
            raise ValueError(
                "The facets differ from those seen in fit: "
                + " ".join(problems)
                + " Pass X with the columns the model was fitted on "
                "(in any order)." + design_hint(missing, controls=False)
            )
        return list(fitted)

    def _task(self, y: np.ndarray) -> str:
        if self.task != "auto":
            return self.task
        kind = type_of_target(y)
        if kind == "binary":
            return "binary"
        if kind in ("continuous", "multiclass"):
            _refuse_answer_codes(y)
            return "regression"
        raise ValueError(
            f"Unknown label type: cannot model an outcome of type {kind!r}; "
            "the connection outcome must be 0/1 or a numeric score."
        )

    # -- fit / predict ----------------------------------------------------
    def fit(
        self, X: pd.DataFrame, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> DriverModel:
        """Cross-validate (when ``cv > 1``), then fit on all respondents.

        Parameters
        ----------
        X : DataFrame of shape (n_respondents, n_facets)
            Facet ratings; NaN = touchpoint not experienced.
        y : array-like of shape (n_respondents,)
            Connection outcome (0/1) or numeric score. Of two other values
            (1/2, text), the model explains the later in sort order,
            ``classes_[1]``, with a warning that names it; under
            ``task="auto"`` a 0/1 (or 1/2) outcome with a code such as 9
            for no answer is refused, not read as a score.
        sample_weight : array-like of shape (n_respondents,), default=None
            Survey weights; they enter fitting and the cross-validated scores,
            rescaled to mean 1 over the respondents of weight > 0 (the model
            does not depend on their scale; a weight of 0 leaves a
            respondent out, though it still takes its row subsample draws
            and its place in a fold).

        Returns
        -------
        self : DriverModel
        """
        self._check_params()
        check_aligned(X, "X", y=y, sample_weight=sample_weight)
        values = self._check_X(X, reset=True)
        self._check_constraints()
        y = _one_per_respondent(y, len(values), type(self).__name__, warn=True)
        weights = check_weights(sample_weight, len(values))
        if weights.sum() <= 0:
            raise ValueError("sample_weight sums to zero: no respondent has weight.")
        weights = unit_weights(weights)
        task = self._task(y)
        if task == "binary":
            self.classes_, target = np.unique(y, return_inverse=True)
            if len(self.classes_) != 2:
                kind = type_of_target(y)
                if kind == "continuous":
                    raise ValueError(
                        "Unknown label type: a binary task needs a 0/1 outcome; "
                        f"got a continuous one ({len(self.classes_)} values)."
                    )
                if len(self.classes_) < 2:
                    raise ValueError(
                        "A binary task needs two classes; the outcome has only 1 "
                        f"class ({self.classes_.tolist()[0]!r}): every respondent "
                        "gave the same answer."
                    )
                raise ValueError(
                    "Only binary classification is supported: a binary task needs "
                    f"two classes; got {len(self.classes_)}."
                )
            _warn_of_explained_class(self.classes_)
        else:
            target = numeric_target(y, type(self).__name__)
            # a refit as a regression leaves no classes of an earlier fit
            self.__dict__.pop("classes_", None)
        self.task_ = task
        self.cv_scores_ = self._cross_validate(values, target, weights)
        self.estimator_ = self._make_estimator(task).fit(
            values, target, sample_weight=weights
        )
        return self

    def _cross_validate(self, X, y, w) -> dict[str, np.ndarray]:
        from sklearn.metrics import log_loss, r2_score, roc_auc_score
        from sklearn.model_selection import KFold, StratifiedKFold, check_cv

        binary = self.task_ == "binary"
        if isinstance(self.cv, numbers.Integral):
            if self.cv < 2:
                return {}
            kind = StratifiedKFold if binary else KFold
            folds = kind(self.cv, shuffle=True, random_state=self.random_state)
        else:
            folds = check_cv(self.cv, y, classifier=binary)
        scores: dict[str, list[float]] = {}
        for train, test in folds.split(X, y):
            est = self._make_estimator(self.task_)
            est.fit(X[train], y[train], sample_weight=w[train])
            if self.task_ == "binary":
                prob = est.predict_proba(X[test])[:, 1]
                scores.setdefault("roc_auc", []).append(
                    roc_auc_score(y[test], prob, sample_weight=w[test])
                )
                scores.setdefault("log_loss", []).append(
                    log_loss(y[test], prob, sample_weight=w[test], labels=[0, 1])
                )
            else:
                pred = est.predict(X[test])
                scores.setdefault("r2", []).append(
                    r2_score(y[test], pred, sample_weight=w[test])
                )
        return {k: np.asarray(v) for k, v in scores.items()}

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted class (binary) or score (regression)."""
        check_is_fitted(self, "estimator_")
        values = self._check_X(X, reset=False)
        if self.task_ == "binary":
            return self.classes_[self.estimator_.predict(values).astype(int)]
        return self.estimator_.predict(values)

    @available_if(_is_binary)
    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities (binary only), columns in ``classes_`` order."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(self._check_X(X, reset=False))

    def predict_outcome(self, X: ArrayLike) -> np.ndarray:
        """Expected outcome per respondent: P(connected) or the predicted score.

        This is what scenario simulations average: the connected share is the
        (weighted) mean of ``predict_outcome``.
        """
        check_is_fitted(self, "estimator_")
        values = self._check_X(X, reset=False)
        if self.task_ == "binary":
            return self.estimator_.predict_proba(values)[:, 1]
        return self.estimator_.predict(values)

    def score(
        self, X: pd.DataFrame, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> float:
        """ROC AUC (binary) or R² (regression) on ``(X, y)``."""
        from sklearn.metrics import r2_score, roc_auc_score

        check_aligned(X, "X", y=y, sample_weight=sample_weight)
        out = self.predict_outcome(X)
        owner = type(self).__name__
        y = check_outcome(self, y, len(out), f"{owner}.score")
        if sample_weight is not None:
            sample_weight = check_weights(sample_weight, len(out))
        if self.task_ == "binary":
            target = (y == self.classes_[1]).astype(int)
            return float(roc_auc_score(target, out, sample_weight=sample_weight))
        target = numeric_target(y, owner)
        return float(r2_score(target, out, sample_weight=sample_weight))

    def fit_summary(self) -> dict[str, float]:
        """Mean and standard deviation of each cross-validated score."""
        check_is_fitted(self, "estimator_")
        out: dict[str, float] = {}
        for name, values in self.cv_scores_.items():
            out[name] = float(np.mean(values))
            out[f"{name}_std"] = float(np.std(values))
        return out

    def __sklearn_tags__(self):
        """scikit-learn's view of the model: NaN allowed; a classifier when
        the task is binary (declared, or found by ``fit`` under ``"auto"``), a
        regressor for a score, so that its scorers (``"roc_auc"``,
        ``"neg_log_loss"``, ``"r2"``) and stratified folds apply."""
        from sklearn.utils import ClassifierTags, RegressorTags

        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        task = getattr(self, "task_", self.task)
        if task == "binary":
            tags.estimator_type = "classifier"
            tags.classifier_tags = ClassifierTags(multi_class=False)
        elif task == "regression":
            tags.estimator_type = "regressor"
            tags.regressor_tags = RegressorTags()
        return tags


def check_model(model: object, owner: str, kind: type | None = None) -> None:
    """Refuse anything but a :class:`DriverModel` (or ``kind``) instance as
    ``model``: the class itself, an XGBoost model, or X given first."""
    kind = DriverModel if kind is None else kind
    if isinstance(model, kind):
        return
    if isinstance(model, type):
        got = f"the class {model.__name__} itself, without the parentheses"
    else:
        got = f"{type(model).__module__}.{type(model).__qualname__}"
    order = (
        f" The model comes first: {owner}(model, X, ...)."
        if isinstance(model, pd.DataFrame)
        else ""
    )
    raise TypeError(
        f"{owner} needs model as an emomotiv {kind.__name__}, such as "
        f"{kind.__name__}(); got {got}.{order}"
    )


def _one_per_respondent(y: ArrayLike, n: int, owner: str, *, warn: bool = False):
    """``y`` as one entry for each of ``n`` respondents, none missing; a
    single column is read as it (with scikit-learn's warning when ``warn``)."""
    target = np.asarray(y)
    if target.ndim == 2 and target.shape[1] == 1:
        target = column_or_1d(target, warn=warn)
    if target.shape != (n,):
        raise ValueError(
            f"{owner} needs y with one entry per respondent ({n}); got shape "
            f"{target.shape}."
        )
    missing = int(pd.isna(target).sum())
    if missing:
        raise ValueError(
            f"y has {missing} missing value{'s' if missing > 1 else ''}; drop "
            "those respondents first."
        )
    return target


def explained_class(classes: np.ndarray) -> str | None:
    """Which class a binary model of ``classes`` explains, in words, when it
    is not 1 of 0/1 (or True of False/True); else None.

    Examples
    --------
    >>> explained_class(np.array([1, 2]))
    'P(y == 2), the later of 1 and 2 in sort order'
    >>> explained_class(np.array([0, 1])) is None
    True
    """
    low, high = np.asarray(classes).tolist()
    if [low, high] == [0, 1] and not isinstance(low, str):
        return None
    return f"P(y == {high!r}), the later of {low!r} and {high!r} in sort order"


def _warn_of_explained_class(classes: np.ndarray, stacklevel: int = 3) -> None:
    """Warn when a binary y is not 0/1: the model explains the later of its
    two values in sort order (1/2 coded 1 = yes: not being connected), and
    every direction, prediction and gain reads for that value. A text yes
    beside a text no (Yes/No) is what it seems, and says nothing; a later
    label that is a no ("not connected") is warned of most plainly."""
    from .readers import NO_ANSWERS, YES_ANSWERS, _fold

    explains = explained_class(classes)
    if explains is None:
        return
    low, high = np.asarray(classes).tolist()
    text = isinstance(high, str) and isinstance(low, str)
    if text and _fold(high) in YES_ANSWERS and _fold(low) in NO_ANSWERS:
        return
    if isinstance(high, str) and _fold(high) in NO_ANSWERS:
        said = (
            f"y holds text, and the model explains its later label in sort "
            f"order, {high!r} (against {low!r}): every direction and gain then "
            "reads for that answer. Code the outcome 1 for connected and 0 "
            "otherwise to explain connection"
        )
    else:
        codes = "" if text else f" (as when {low!r} means yes)"
        said = (
            f"y is coded {low!r} and {high!r}, not 0/1: the model explains "
            f"{explains}; every direction, prediction and gain reads for "
            f"y == {high!r}. To explain {low!r} instead{codes}, recode y"
        )
    message = (
        f"{said}: (y == {low!r}).astype(int); emomotiv.analyze takes "
        f"connected_values=[{low!r}]."
    )
    warnings.warn(message, EmomotivWarning, stacklevel=stacklevel)


def _refuse_answer_codes(y: np.ndarray) -> None:
    """Refuse, as a score, a yes/no outcome that holds a code for no answer:
    0/1 (or 1/2) beside a value such as 9 or -1 (see
    :func:`emomotiv.schema._answer_codes`), which a regression would model
    as the top of a scale."""
    from .schema import _answer_codes

    values, text = as_numbers(y)
    if text:
        return  # a regression refuses text, by its values
    levels = sorted(set(values.tolist()))
    codes = _answer_codes(levels)
    if not codes or np.all(np.diff(levels) == 1):
        return  # -1, 0, 1 (detractor, passive, promoter) is a scale
    n_codes = int(np.isin(values, codes).sum())
    shown = ", ".join(f"{v:g}" for v in levels)
    raise ValueError(
        f"y has the values {shown}: {', '.join(f'{v:g}' for v in codes)}, in "
        f"{n_codes} row{'' if n_codes == 1 else 's'}, "
        f"{'looks like a code' if len(codes) == 1 else 'look like codes'} for no "
        "answer ('don't know', 'refused'), neither yes nor no, and "
        "task='auto' would model y as a score. Drop those respondents (or "
        "recode the code) to explain the yes/no outcome, or pass "
        "task='regression' to model a score on purpose."
    )


def check_outcome(model: DriverModel, y: ArrayLike, n: int, owner: str) -> np.ndarray:
    """The outcome of ``n`` respondents for a model: one entry each, none
    missing and, once the model is fitted binary, only the classes it was
    fitted on (any other label would read as 0)."""
    target = _one_per_respondent(y, n, owner)
    if getattr(model, "task_", None) == "binary":
        known = model.classes_.tolist()
        unknown = sorted(set(pd.unique(target).tolist()) - set(known), key=str)
        if unknown:
            raise ValueError(
                f"y holds {preview(unknown)}, which the model was not fitted on "
                f"(its classes: {preview(known)}); pass the outcome the model "
                "was fitted with."
            )
    return target


def load_model_files(model_json: str, meta: dict) -> DriverModel:
    """Rebuild a fitted :class:`DriverModel` from XGBoost JSON and metadata.

    Used by :func:`emomotiv.io.load_model`; no pickles are involved.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> import emomotiv as em
    >>> from emomotiv.io import save_model
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    >>> model = em.DriverModel(n_estimators=50, cv=0, random_state=0).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_model(model, tmp)
    ...     meta = json.loads((Path(tmp) / "model_meta.json").read_text())
    ...     again = load_model_files(str(Path(tmp) / "model.json"), meta)
    >>> bool((again.predict_proba(X) == model.predict_proba(X)).all())
    True
    """
    model = DriverModel(**meta["params"])
    model.task_ = meta["task"]
    estimator = model._make_estimator(model.task_)
    # XGBoost opens a path as UTF-8: a folder named in another locale's
    # bytes ("résultats" under a latin-1 locale) is read here instead
    estimator.load_model(bytearray(Path(model_json).read_bytes()))
    model.estimator_ = estimator
    model.feature_names_in_ = np.asarray(meta["feature_names"], dtype=object)
    model.n_features_in_ = len(meta["feature_names"])
    model.cv_scores_ = {k: np.asarray(v) for k, v in meta["cv_scores"].items()}
    if model.task_ == "binary":
        model.classes_ = np.asarray(meta["classes"])
    return model
