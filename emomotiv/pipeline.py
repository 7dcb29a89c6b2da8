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


def _wave_label(data: pd.DataFrame, wave: str | None) -> str | None:
    """The survey's wave label, when it has a wave column with one label."""
    labels = data[wave].dropna().unique() if wave else []
    return str(labels[0]) if len(labels) == 1 else None


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
        model fit, importance and every share. When the ``wave`` column holds
        several waves, the latest (see :func:`emomotiv.sort_waves`) is
        analysed and compared with the previous one: the result then has
        ``tables["changes"]``, ``summary["tracking"]`` and ``tracking``.
    motivators : sequence of str or None
        Motivator columns; by default every ``motivator__*`` column.
    facets : sequence of str or None
        Facet columns, when no catalog is given.
    model : DriverModel or None
        An unfitted model to use instead of the default ``DriverModel``.
    random_state : int, default=0
        Seed for the model and its folds; the same seed gives the same result.

    Returns
    -------
    AnalysisResult
        ``tables["drivers"]``, ``summary``, ``importance`` and ``model``.

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
    options = dict(locals())  # every argument, for the per-wave runs
    check_int(random_state, "random_state", "analyze", min_value=0)
    if isinstance(survey, str | PathLike):
        from .io import read_table

        survey = read_table(survey)
    if wave is not None and wave in survey.columns and survey[wave].nunique() > 1:
        from .tracking import analyze_latest_wave

        return analyze_latest_wave(survey, options, analyze=analyze)
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
            "wave": _wave_label(data, schema.wave),
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
    return AnalysisResult({"drivers": drivers}, summary, importance, estimator)
