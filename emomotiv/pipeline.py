"""``analyze()``: the whole study in one call; the CLI and notebooks use it.

survey + catalog -> schema and validation -> DriverModel.fit -> derived
importance -> tables and summary.
"""

from __future__ import annotations

import platform
import warnings
from collections.abc import Sequence
from os import PathLike

import numpy as np
import pandas as pd

from ._stats import weighted_share
from ._validation import check_int
from .importance import shap_importance
from .model import DriverModel
from .results import AnalysisResult
from .schema import FacetCatalog, SurveySchema, validate_survey
from .simulate import plan_improvements

__all__ = ["analyze"]

WEAK_AUC = 0.6
WEAK_R2 = 0.05


def _as_catalog(catalog, facets: Sequence[str] | None) -> FacetCatalog:
    if isinstance(catalog, FacetCatalog):
        return catalog
    if catalog is None:
        if facets is None:
            raise ValueError(
                "analyze needs the facets: pass a catalog (table or file) or a "
                "list of facet columns as facets=[...]."
            )
        return FacetCatalog.from_facets(facets)
    if isinstance(catalog, str | PathLike):
        from .io import read_table

        catalog = read_table(catalog)
    return FacetCatalog.from_frame(catalog)


def _fit_warnings(model: DriverModel) -> list[str]:
    fit = model.fit_summary()
    if "roc_auc" in fit and fit["roc_auc"] < WEAK_AUC:
        return [
            f"The model's cross-validated AUC is {fit['roc_auc']:.2f} (below "
            f"{WEAK_AUC}): the facets barely predict connection, so the driver "
            "ranking is not reliable. Check the outcome column and the facets."
        ]
    if "r2" in fit and fit["r2"] < WEAK_R2:
        return [
            f"The model's cross-validated R² is {fit['r2']:.2f} (below {WEAK_R2}): "
            "the facets barely predict the outcome, so the driver ranking is not "
            "reliable. Check the outcome column and the facets."
        ]
    return []


def _versions() -> dict[str, str]:
    import shap
    import sklearn
    import xgboost

    from . import __version__

    return {
        "emomotiv": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
        "xgboost": xgboost.__version__,
        "shap": shap.__version__,
    }


def _plan_step(
    estimator: DriverModel,
    data: pd.DataFrame,
    schema: SurveySchema,
    cat: FacetCatalog,
    summary: dict,
    *,
    population: float | None,
    budget: float | None,
    value_per_connected: float | None,
    n_boot: int,
    random_state: int,
):
    """ROI of +1 on each facet and the budget plan (tables roi, plan)."""
    vpc, source = value_per_connected, None
    link = summary.get("value") or {}
    if vpc is None and link.get("value_per_connected") is not None:
        vpc = (
            link["value_per_connected"],
            link.get("value_per_connected_low", np.nan),
            link.get("value_per_connected_high", np.nan),
        )
        source = "value_link"
    w = data[schema.weight].to_numpy() if schema.weight else None
    result = plan_improvements(
        estimator,
        data[list(schema.facets)],
        data[schema.connection].to_numpy(),
        catalog=cat,
        budget=budget,
        population=population,
        value_per_connected=vpc,
        value=data[schema.value].to_numpy() if schema.value else None,
        value_source=source,
        sample_weight=w,
        n_boot=n_boot,
        random_state=random_state,
    )
    tables = {"roi": result.roi}
    if result.plan is not None:
        tables["plan"] = result.plan
    return result, tables


def analyze(
    survey: pd.DataFrame | str | PathLike,
    catalog: pd.DataFrame | FacetCatalog | str | PathLike | None = None,
    *,
    connection: str,
    value: str | None = None,
    satisfaction: str | None = None,
    weight: str | None = None,
    segment: str | None = None,
    wave: str | None = None,
    id: str | None = None,
    motivators: Sequence[str] | None = None,
    facets: Sequence[str] | None = None,
    model: DriverModel | None = None,
    population: float | None = None,
    budget: float | None = None,
    value_per_connected: float | None = None,
    simulation_boot: int = 10,
    random_state: int = 0,
) -> AnalysisResult:
    """Run the driver analysis on one survey wave.

    Parameters
    ----------
    survey : DataFrame or path
        One row per respondent (CSV or Parquet when a path).
    catalog : DataFrame, FacetCatalog, path or None
        The facet catalog; without one, pass ``facets``.
    connection : str
        The emotional-connection outcome column (0/1 or a numeric score).
    value, satisfaction, weight, segment, wave, id : str or None
        Optional role columns (see the data contract). ``weight`` enters the
        model fit, importance and every share.
    motivators : sequence of str or None
        Motivator columns; by default every ``motivator__*`` column.
    facets : sequence of str or None
        Facet columns, when no catalog is given.
    model : DriverModel or None
        An unfitted model to use instead of the default ``DriverModel``.
    population : float or None
        Customers the survey represents; turns changes in the connected share
        into value (``roi`` table). Without it values and ROI are empty.
    budget : float or None
        Money for improvements; with it, the ``plan`` table funds the facets
        with the largest expected value gain within the budget.
    value_per_connected : float or None
        Incremental value of a connected customer. By default it comes from
        the value link (``summary["value"]``) when there is one, else from the
        difference in weighted mean ``value`` between connected and
        unconnected respondents.
    simulation_boot : int, default=10
        Replicate models refitted for the intervals of the simulated gains
        (0 = no intervals, fastest).
    random_state : int, default=0
        Seed for the model and its folds; the same seed gives the same result.

    Returns
    -------
    AnalysisResult
        ``tables["drivers"]``, ``tables["roi"]`` (and ``tables["plan"]``
        with a budget), ``summary``, ``importance``, ``model`` and ``plan``.

    Raises
    ------
    ValidationError
        Listing every problem in the survey or catalog.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=800, n_facets=15, random_state=1)
    >>> result = em.analyze(s.survey, s.catalog, connection="connected",
    ...                     weight="weight", random_state=0)
    >>> list(result.drivers.columns[:5])
    ['facet', 'label', 'stage', 'importance', 'rank']
    """
    check_int(random_state, "random_state", "analyze", min_value=0)
    check_int(simulation_boot, "simulation_boot", "analyze", min_value=0)
    if isinstance(survey, str | PathLike):
        from .io import read_table

        survey = read_table(survey)
    cat = _as_catalog(catalog, facets)
    schema = SurveySchema.infer(
        survey,
        cat,
        connection=connection,
        value=value,
        satisfaction=satisfaction,
        weight=weight,
        segment=segment,
        wave=wave,
        id=id,
        motivators=motivators,
    )
    data = validate_survey(survey, schema, cat)

    X = data[list(schema.facets)]
    y = data[schema.connection].to_numpy()
    w = data[schema.weight].to_numpy() if schema.weight else np.ones(len(data))
    estimator = DriverModel(random_state=random_state) if model is None else model
    if model is not None:
        estimator.set_params(random_state=random_state)
    estimator.fit(X, y, sample_weight=w)
    importance = shap_importance(estimator, X, sample_weight=w)

    drivers = (
        importance.to_frame()
        .merge(cat.to_frame()[["facet", "label", "stage"]], on="facet", how="left")
        .loc[
            :,
            [
                "facet",
                "label",
                "stage",
                "importance",
                "rank",
                "direction",
                "raw_importance",
                "reach",
                "mean_score",
            ],
        ]
    )

    notes = _fit_warnings(estimator)
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    binary = estimator.task_ == "binary"
    outcome = weighted_share(y == estimator.classes_[1], w) if binary else None
    summary = {
        "data": {
            "n_respondents": len(data),
            "n_facets": len(schema.facets),
            "n_stages": len(cat.stages),
            "roles": schema.roles() | {"facets": len(schema.facets)},
            "weighted": schema.weight is not None,
            "connected_share": None if outcome is None else float(outcome),
            "mean_outcome": float(np.average(y, weights=w)),
            "mean_reach": float(importance.table["reach"].mean()),
        },
        "model": {
            "task": estimator.task_,
            "cv_folds": estimator.cv,
            "fit": estimator.fit_summary(),
            "params": estimator.get_params(),
        },
        "importance": {
            "method": "shap",
            "units": importance.info["units"],
            "top10": importance.top(10),
        },
        "settings": {"random_state": random_state},
        "versions": _versions(),
        "warnings": notes,
    }
    plan, plan_tables = _plan_step(
        estimator,
        data,
        schema,
        cat,
        summary,
        population=population,
        budget=budget,
        value_per_connected=value_per_connected,
        n_boot=simulation_boot,
        random_state=random_state,
    )
    summary["plan"] = plan.summary
    summary["settings"] |= {"population": population, "budget": budget}
    return AnalysisResult(
        {"drivers": drivers, **plan_tables}, summary, importance, estimator, plan
    )
