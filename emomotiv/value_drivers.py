"""Value drivers: which touchpoints move customer value, and how much of it
flows through emotional connection.

The driver model explains connection; the value link says what a connected
customer is worth. Neither says which touchpoints move value *other than*
through connection (fees, product range), nor how much of a touchpoint's
value effect travels through connection. This module fits a second driver
model, of value itself, and sets its simulated effects beside the ones that
pass through connection.

- **The value model** (:class:`ValueModel`): gradient-boosted trees on the
  same facet ratings with a Tweedie objective by default (log link; value is
  skewed and may hold zeros, which a Gamma objective cannot take). The
  objective is a setting (``"tweedie"``, ``"gamma"``, ``"squared"``);
  ``benchmarks/bench_value_drivers.py`` compares them on the generator's
  direct value effects (Tweedie is the default for the shape of the data,
  skewed with zeros allowed).
- **Importance**: each facet's share of the value model's mean |SHAP| (on the
  log scale of the link), with a bootstrap interval.
- **Change in mean value** (``delta_mean_value``, per customer, in the
  value's unit): every respondent who rated the facet rates it ``points``
  higher (capped at the scale maximum), everything else stays; the change in
  the weighted mean predicted value, with a bootstrap interval. It is not
  the ROI table's ``delta_value``, the change in *total* value over the
  population (``delta_connected x population x value per connected
  customer``); value_drivers.csv named this column ``delta_value`` before,
  and :data:`RENAMED` maps the old names to the new.
- **Through connection** (``delta_mean_value_via_connection``, per customer):
  the facet's gain in the connected share (the ROI simulation's
  ``delta_connected``) times the value per connected customer (the value
  link); ``share_via_connection`` is its ratio to ``delta_mean_value``.
  The rest travels by paths other than connection. The two parts come from
  different models, so a ratio to a total that is small or noisy means
  nothing (it can read 12,000%): the share is given only for facets whose
  total change is beyond noise (``beyond_noise``: its p-value against zero
  stays below 10% after the Benjamini-Hochberg correction over the facets
  and its interval excludes zero, :func:`emomotiv.simulate.noise_flags`),
  and for every facet without a bootstrap (``n_boot=0``).
- The part through connection is priced in the value's own unit, as the
  change it is a part of: ``value_per_connected`` must be the value column's
  gap (``analyze`` passes the value link's figure, not a
  ``value_per_connected`` given on a basis of its own).

The value model is bootstrapped as the connection model is
(:func:`emomotiv.bootstrap_importance`: respondents resampled with their
survey weights, the survey's bins, the model's own seed): its shares are
the bagged mean over the ``n_boot`` replicates, and each ``delta_mean_value`` the
bagged out-of-bag change (each replicate predicts the evaluation respondents
it was not fitted on, every facet's raised rows in one batch, as
:func:`emomotiv.plan_improvements` does); intervals are the percentile
intervals of the same replicates, so every estimate lies inside its own.
"""

from __future__ import annotations

import difflib
import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._debias import check_gains
from ._stats import format_against
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
    preview,
    too_large,
)
from .diagnostics import WEAK_R2
from .importance import _as_groups
from .model import DriverModel, Splitter, check_model, numeric_target

__all__ = ["ValueDrivers", "ValueModel", "value_drivers"]

OBJECTIVES = {
    "tweedie": "reg:tweedie",
    "gamma": "reg:gamma",
    "squared": "reg:squarederror",
}
COLUMNS = (
    "facet",
    "label",
    "importance",
    "importance_low",
    "importance_high",
    "delta_mean_value",
    "delta_mean_value_low",
    "delta_mean_value_high",
    "p_value",
    "beyond_noise",
    "delta_mean_value_via_connection",
    "share_via_connection",
    "note",
)
RENAMED = {
    "delta_value": "delta_mean_value",
    "delta_value_low": "delta_mean_value_low",
    "delta_value_high": "delta_mean_value_high",
    "delta_value_via_connection": "delta_mean_value_via_connection",
}
"""Old names of value_drivers.csv's columns -> their names now. The change
per customer was called ``delta_value``, the name the ROI table gives the
change in total value over the population; a table saved under the old
names reads as now with ``table.rename(columns=RENAMED)``."""


class ValueModel(DriverModel):
    """A :class:`~emomotiv.DriverModel` of customer value (a regression).

    Parameters
    ----------
    objective : {"tweedie", "gamma", "squared"}, default="tweedie"
        XGBoost objective: Tweedie (log link; zeros allowed), Gamma (log
        link; values > 0) or squared error on the raw value.
    n_estimators, learning_rate, max_depth, min_child_weight, subsample, \
colsample_bytree, reg_lambda, cv, n_jobs, random_state
        As in :class:`~emomotiv.DriverModel`.

    Attributes
    ----------
    value_scale_ : float
        The mean absolute value fitted on. The trees are fitted on value over
        it, so that their regularisation does not depend on the currency
        unit (cents and dollars fit the same trees); :meth:`predict` and
        :meth:`predict_outcome` multiply it back, and
        :func:`~emomotiv.shap_importance` reads SHAP in the value's terms.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=500, n_facets=8, random_state=0)
    >>> X = s.survey[s.catalog["facet"]]
    >>> model = em.ValueModel(n_estimators=30, cv=0).fit(X, s.survey["value"])
    >>> bool(model.predict(X).min() > 0)
    True
    """

    def __init__(
        self,
        *,
        objective: str = "tweedie",
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        max_depth: int = 3,
        min_child_weight: float = 5.0,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        cv: int | Splitter | Sequence[tuple[ArrayLike, ArrayLike]] = 5,
        n_jobs: int | None = None,
        random_state: int | None = None,
    ) -> None:
        super().__init__(
            task="regression",
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            max_depth=max_depth,
            min_child_weight=min_child_weight,
            subsample=subsample,
            colsample_bytree=colsample_bytree,
            reg_lambda=reg_lambda,
            cv=cv,
            n_jobs=n_jobs,
            random_state=random_state,
        )
        self.objective = objective

    def _check_params(self) -> None:
        self.task = "regression"
        super()._check_params()
        check_choice(self.objective, "objective", "ValueModel", tuple(OBJECTIVES))

    def _make_estimator(self, task: str):
        est = super()._make_estimator("regression")
        return est.set_params(objective=OBJECTIVES[self.objective])

    def fit(
        self, X: pd.DataFrame, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> ValueModel:
        """Fit on facet ratings ``X`` and value ``y`` (>= 0; > 0 for Gamma)."""
        values = np.asarray(y)
        if np.iscomplexobj(values):
            raise ValueError("Complex data not supported: value must be real.")
        values = numeric_target(values, "ValueModel")
        bad = {"gamma": values <= 0, "tweedie": values < 0}.get(self.objective)
        if bad is not None and bad.any():
            need = "> 0" if self.objective == "gamma" else ">= 0"
            other = "'tweedie' (zeros allowed) or " if self.objective == "gamma" else ""
            raise ValueError(
                f"A {self.objective} value model needs values {need}; "
                f"{int(bad.sum())} are not. Drop those respondents, or fit "
                f"ValueModel(objective=...) with {other}'squared' (any value)."
            )
        # fitted on value over its mean: the trees' regularisation
        # (reg_lambda, min_child_weight) is in units of the loss's hessian,
        # which grows with the currency unit, so cents and dollars would
        # otherwise fit different trees
        finite = np.abs(values[np.isfinite(values)])
        scale = float(finite.mean()) if len(finite) else 1.0
        scale = scale if scale > 0 else 1.0
        super().fit(X, values / scale, sample_weight=sample_weight)
        self.value_scale_ = scale
        return self

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted value, in the unit of the value fitted on."""
        return super().predict(X) * self.value_scale_

    def predict_outcome(self, X: ArrayLike) -> np.ndarray:
        """Predicted value, as :meth:`predict` (what :meth:`score` reads)."""
        return super().predict_outcome(X) * self.value_scale_


@dataclass(frozen=True, repr=False, eq=False)
class ValueDrivers:
    """Touchpoints to value, and the part through connection (:func:`value_drivers`).

    Attributes
    ----------
    table : DataFrame
        One row per facet (``value_drivers.csv``): ``facet, label,
        importance, importance_low, importance_high, delta_mean_value,
        delta_mean_value_low, delta_mean_value_high, p_value, beyond_noise,
        delta_mean_value_via_connection, share_via_connection, note``,
        sorted by ``delta_mean_value``; the changes are per customer, in the
        value's unit (the ROI table's ``delta_value`` is a total over the
        population); ``beyond_noise`` as in
        :func:`emomotiv.simulate.noise_flags`; ``note`` names the row's
        caveats as the ROI table's does, None where none.
    model : ValueModel
        The value model fitted on every respondent with a value.
    info : dict
        ``objective``, ``points``, ``n_boot``, ``level``, ``n``
        (respondents with a value), ``fit`` (the value model's
        cross-validated R²), ``value_per_connected``, ``estimate`` (how the
        estimates were made), ``note`` and ``warning`` (a plain warning when
        the cross-validated R² is below
        :data:`~emomotiv.diagnostics.WEAK_R2`: the ratings barely predict
        value; else None), ``controls`` and ``noise`` (the rule of
        ``beyond_noise`` and its counts).

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=8, random_state=0)
    >>> vd = em.value_drivers(s.survey[s.catalog["facet"]], s.survey["value"],
    ...                       model=em.ValueModel(n_estimators=30, cv=0), n_boot=0)
    >>> vd.to_summary()["objective"], len(vd.to_frame())
    ('tweedie', 8)
    """

    table: pd.DataFrame
    model: Any = None
    info: Mapping[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The ``value_drivers`` table."""
        return self.table.copy()

    def to_summary(self) -> dict[str, Any]:
        """JSON-ready ``summary["value_drivers"]``."""
        top = by_size_of_change(self.table)
        return {**self.info, "top": list(top["facet"].head(5))}

    def __repr__(self) -> str:
        objective = self.info.get("objective")
        return f"ValueDrivers({len(self.table)} facets, objective={objective!r})"


def by_size_of_change(table: pd.DataFrame) -> pd.DataFrame:
    """The value drivers' rows by the size of their change in mean value, a
    rise or a fall, largest first (ties in table order): the order of
    ``summary["value_drivers"]["top"]``, the console and the report.

    Examples
    --------
    >>> t = pd.DataFrame({"facet": ["a", "b", "c"], "delta_mean_value": [1, -3, 1]})
    >>> list(by_size_of_change(t)["facet"])
    ['b', 'a', 'c']
    """
    size = table["delta_mean_value"].astype(float).abs()
    return table.loc[size.sort_values(ascending=False, kind="stable").index]


def value_drivers(
    X: pd.DataFrame,
    value: ArrayLike,
    *,
    model: ValueModel | None = None,
    sample_weight: ArrayLike | None = None,
    scale_max: Mapping[str, float] | float = 10.0,
    labels: Mapping[str, str] | None = None,
    delta_connected: Mapping[str, float] | pd.Series | None = None,
    value_per_connected: float | None = None,
    points: float = 1.0,
    n_boot: int = 30,
    level: float = 0.9,
    max_samples: int | None = 2000,
    n_jobs: int | None = None,
    random_state: int | None = None,
    boot_size: int | None = None,
    controls: Sequence[str] | Mapping[str, str] | None = None,
    client: Any = None,
    gains: str = "model",
) -> ValueDrivers:
    """Which facets move value, by how much, and how much through connection.

    Parameters
    ----------
    X : DataFrame of shape (n_respondents, n_columns)
        Facet ratings, columns named by facet; NaN = not experienced. With
        ``controls``, also the control columns (as
        :func:`emomotiv.design_matrix` gives them).
    value : array-like of shape (n_respondents,)
        Customer value (>= 0). Respondents without one are left out.
    model : ValueModel or None
        An unfitted value model (default ``ValueModel()``).
    sample_weight : array-like or None
        Survey weights: they enter every fit and every mean.
    scale_max : mapping of facet -> float, or float, default=10
        Top of each facet's scale: a raised rating is capped there.
    labels : mapping of facet -> label, optional
    delta_connected : mapping of facet -> float, optional
        Each facet's simulated change in the connected share for the same
        ``points`` rise (the ``roi`` table's ``delta_connected``).
    value_per_connected : float or None
        Value of one more connected customer in the unit of ``value``
        (``summary["value"]``: the value link's gap, not a figure on another
        basis such as a lifetime value for an annual ``value``). With
        ``delta_connected`` it gives the part through connection.
    points : float, default=1
        The rise in rating simulated; a fractional rise is read as
        :class:`~emomotiv.RaiseScore` reads it (0.5 on whole-number ratings:
        half the raters one point up).
    n_boot : int, default=30
        Bootstrap refits of the value model (0 = no intervals).
    level : float, default=0.9
        Interval coverage.
    max_samples : int or None, default=2000
        Respondents the replicates evaluate on (a fixed subsample).
    n_jobs : int or None, default=None
        Parallel workers for the replicates (None = all cores); the result
        does not depend on it.
    random_state : int or None
        Seed for the model and the resamples.
    boot_size : int or None, default=None
        Respondents per replicate (None: all; fewer: an m-out-of-n bootstrap
        for large surveys, as in :func:`emomotiv.bootstrap_importance`).
    controls : sequence of str, mapping of str -> str, or None
        Columns of ``X`` that are controls (the halo score, customer
        context): the value model sees them, no scenario moves them, and
        only the facets are ranked and simulated (``info["controls"]``
        names them). ``analyze`` gives the value model the driver model's
        controls: without the halo score the facets that move nothing took
        up warmth's part of value (measured in
        ``benchmarks/bench_value_drivers.py``).
    client : dask.distributed.Client or None, default=None
        Run the bootstrap replicates on this Dask cluster, as
        :func:`emomotiv.bootstrap_importance` does; the result is the local
        run's. The rises are simulated on local threads (``n_jobs``).
    gains : {"model", "debiased"}, default="model"
        The simulated change in mean value: the value model's own, or with
        the one-step correction of what its trees left of each facet's
        effect (see :func:`emomotiv.plan_improvements`; needs ``n_boot`` >
        0). Give it the gains ``delta_connected`` came with, so that both
        parts of the decomposition are read the same way.

    Returns
    -------
    ValueDrivers

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=8, random_state=0)
    >>> X = s.survey[s.catalog["facet"]]
    >>> vd = em.value_drivers(X, s.survey["value"], n_boot=3, random_state=0,
    ...                       model=em.ValueModel(n_estimators=30, cv=0))
    >>> list(vd.to_frame().columns[:4])
    ['facet', 'label', 'importance', 'importance_low']
    """
    from sklearn.base import clone

    from .bootstrap import _check_client, bootstrap_importance
    from .simulate import RaiseScore, _interval, _Simulator, noise_flags, row_notes

    owner = "value_drivers"
    if model is not None:
        check_model(model, owner, ValueModel)
    check_aligned(X, "X", value=value, sample_weight=sample_weight)
    check_int(n_boot, "n_boot", owner, min_value=0)
    check_n_jobs(n_jobs, owner)
    check_float(level, "level", owner, low=0, high=1, inclusive=False)
    check_float(points, "points", owner, low=0, inclusive=False)
    _check_client(client, owner)
    check_gains(gains, owner, replicates=n_boot > 0)
    y, text = as_numbers(value)
    y = y.ravel()
    problems = []
    if text:
        problems.append(
            f"value holds text in {text}; code it as numbers, empty (NaN) "
            "where a respondent has none."
        )
    if len(y) != len(X):
        problems.append(f"value has {len(y)} entries but X has {len(X)} rows.")
    elif not (text or np.isfinite(y).any()):
        problems.append("value is empty for every respondent.")
    if np.isinf(y).any():
        problems.append(
            f"value is infinite for {int(np.isinf(y).sum())} respondents; fix those "
            "cells, or leave them empty (NaN) where a respondent has none."
        )
    if huge := too_large(y):
        problems.append(f"value has {huge}.")
    observed = y[np.isfinite(y)]
    if len(observed) and (observed == observed[0]).all():
        problems.append(
            f"value is {observed[0]:g} for every respondent: there is nothing for "
            "the value model to explain."
        )
    if problems:
        raise ValidationError(problems, subject="value")
    w = check_weights(sample_weight, len(X))
    keep = ~np.isnan(y)
    if not keep.all():  # no copy of the ratings when every respondent has one
        X, y, w = X.loc[keep].reset_index(drop=True), y[keep], w[keep]
    groups = _as_groups(controls, [str(c) for c in X.columns])
    facets = [str(c) for c in X.columns if str(c) not in groups]
    tops = _scale_tops(scale_max, facets)
    _check_through(delta_connected, value_per_connected, facets)
    _check_tops(X, tops)
    template = ValueModel(random_state=random_state) if model is None else model
    fitted = clone(template).fit(X, y, sample_weight=w)
    boot = bootstrap_importance(
        fitted,
        X,
        y,
        sample_weight=w,
        n_boot=n_boot,
        level=level,
        max_samples=max_samples,
        n_jobs=n_jobs,
        progress=False,
        random_state=random_state,
        boot_size=boot_size,
        controls=groups or None,
        client=client,
    )
    shares = boot.table.reindex(facets)
    sim = _Simulator(
        fitted,
        X,
        w,
        {f: (-np.inf, tops[f]) for f in facets},
        owner="value_drivers",
        controls=list(groups),
        n_jobs=n_jobs,
    )
    if n_boot:
        sim.use_refits(boot)
    if gains == "debiased":
        sim.debias(y)
    deltas, reps = sim.evaluate([RaiseScore(f, points) for f in facets])
    delta_low, delta_high = _interval(deltas, reps, level)
    p_value, beyond, noise = noise_flags(deltas, reps, level=level)
    table = pd.DataFrame(
        {
            "facet": facets,
            "label": [dict(labels or {}).get(f, f) for f in facets],
            "importance": shares["importance"].to_numpy(),
            "importance_low": shares["importance_low"].to_numpy(),
            "importance_high": shares["importance_high"].to_numpy(),
            "delta_mean_value": deltas,
            "delta_mean_value_low": delta_low,
            "delta_mean_value_high": delta_high,
            "p_value": p_value,
            "beyond_noise": beyond,
            "note": row_notes(sim, facets, deltas, reps, beyond),
        }
    )
    note = None
    if delta_connected is not None and value_per_connected is not None:
        gain = pd.Series(dict(delta_connected)).reindex(facets).to_numpy(float)
        via = gain * float(value_per_connected)
        table["delta_mean_value_via_connection"] = via
        # a share of a total within noise is no share: left empty there
        shown = beyond.fillna(True).to_numpy(bool) & (np.abs(deltas) > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            table["share_via_connection"] = np.where(shown, via / deltas, np.nan)
    else:
        table["delta_mean_value_via_connection"] = np.nan
        table["share_via_connection"] = np.nan
        note = (
            "no decomposition: it needs each facet's gain in the connected share "
            "and the value per connected customer"
        )
    table = table.reindex(columns=list(COLUMNS))
    table = table.sort_values("delta_mean_value", ascending=False, ignore_index=True)
    fit = fitted.fit_summary()
    info = {
        "objective": fitted.objective,
        "points": points,
        "n_boot": n_boot,
        "level": level,
        "n": int(keep.sum()),
        "fit": fit,
        "value_per_connected": value_per_connected,
        "estimate": (
            "bagged: the mean over the bootstrap replicates (changes out of bag)"
            if n_boot
            else "the model fitted on every respondent, in sample"
        ),
        "gains": gains,
        "note": note,
        "warning": _fit_warning(fit),
        "controls": list(dict.fromkeys(groups.values())),
        "noise": noise,
    }
    return ValueDrivers(table, fitted, info)


def _scale_tops(scale_max, facets: list[str]) -> dict[str, float]:
    """Each facet's scale maximum (a mapping may hold more facets than X);
    every facet without a number named at once."""
    if not isinstance(scale_max, Mapping):
        top = check_float(scale_max, "scale_max", "value_drivers")
        return dict.fromkeys(facets, top)
    tops = {str(k): v for k, v in scale_max.items()}
    problems = []
    missing = [f for f in facets if f not in tops]
    if missing:
        spare = [k for k in tops if k not in facets]
        near = [
            f" Is scale_max's '{match[0]}' meant for '{f}'?"
            for f in missing
            if (match := difflib.get_close_matches(f, spare, n=1))
        ]
        problems.append(
            f"scale_max gives no scale maximum for {len(missing)} facets of X: "
            f"{preview(missing)}.{''.join(near[:3])} Give one for every facet, "
            "or one number for all."
        )
    bad = [f for f in facets if f in tops and not _real(tops[f])]
    if bad:
        problems.append(f"scale_max is not a number for {preview(bad)}.")
    if problems:
        raise ValidationError(problems, subject="scale_max")
    return {f: float(tops[f]) for f in facets}


def _check_through(delta_connected, value_per_connected, facets: list[str]) -> None:
    """Refuse facets of ``delta_connected`` that X does not hold (a typo left
    the part through connection empty); warn when it comes without the value
    per connected customer that prices it."""
    if delta_connected is None:
        return
    unknown = [str(f) for f in dict(delta_connected) if str(f) not in facets]
    if unknown:
        hints = "".join(
            f" '{f}': did you mean '{match[0]}'?"
            for f in unknown[:3]
            if (match := difflib.get_close_matches(f, facets, n=1))
        )
        raise ValidationError(
            [
                f"delta_connected names {len(unknown)} facets X does not hold: "
                f"{preview(unknown)}.{hints} Name the facets as X's columns do."
            ],
            subject="delta_connected",
        )
    if value_per_connected is None:
        warnings.warn(
            "delta_connected is given without value_per_connected, which prices "
            "it: the part of each change through connection is left empty.",
            EmomotivWarning,
            stacklevel=3,
        )


def _check_tops(X: pd.DataFrame, tops: Mapping[str, float]) -> None:
    """Refuse ratings above their facet's scale maximum: a one-point rise is
    capped there, so a maximum below the ratings moves almost nobody."""
    highest = {f: X[f].max() for f in tops if pd.api.types.is_numeric_dtype(X[f])}
    above = {f: float(v) for f, v in highest.items() if v > tops[f]}
    if above:
        shown = [f"'{f}' up to {v:g} (scale_max {tops[f]:g})" for f, v in above.items()]
        raise ValidationError(
            [
                f"{len(above)} facets have ratings above their scale maximum: "
                f"{preview(shown)}. Give each facet's scale maximum (scale_max)."
            ],
            subject="scale_max",
        )


def _real(value) -> bool:
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    return real and value == value


def _fit_warning(fit: Mapping[str, float]) -> str | None:
    """A plain warning when the value model barely predicts value (its
    cross-validated R² below :data:`~emomotiv.diagnostics.WEAK_R2`)."""
    r2 = fit.get("r2")
    if r2 is None or not r2 < WEAK_R2:
        return None
    return (
        "The value model's cross-validated R² is "
        f"{format_against(r2, WEAK_R2, digits=2)} (below {WEAK_R2}): the "
        "ratings barely predict value, so the value drivers and their split "
        "through connection are not reliable."
    )
