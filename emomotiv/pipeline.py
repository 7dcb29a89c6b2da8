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
from ._validation import check_float, check_int
from .bootstrap import bootstrap_importance, stage_importance
from .diagnostics import diagnose_drivers
from .model import DriverModel
from .results import AnalysisResult, ImportanceResult
from .schema import FacetCatalog, SurveySchema, validate_survey

__all__ = ["analyze"]


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


DRIVER_COLUMNS = (
    "facet",
    "label",
    "stage",
    "importance",
    "importance_low",
    "importance_high",
    "rank",
    "p_top10",
    "direction",
    "stated_importance",
    "stated_rank",
    "gap",
    "quadrant",
    "reach",
    "mean_score",
)


def _drivers_table(importance: ImportanceResult, cat: FacetCatalog) -> pd.DataFrame:
    """``drivers.csv``: the contract columns in DESIGN.md order, then extras."""
    frame = importance.to_frame().merge(
        cat.to_frame()[["facet", "label", "stage"]], on="facet", how="left"
    )
    first = [c for c in DRIVER_COLUMNS if c in frame.columns]
    return frame[first + [c for c in frame.columns if c not in first]]


def _check_uncertainty_options(n_boot, level, n_jobs, progress) -> None:
    """Fail on a bad bootstrap option before any model is fitted."""
    check_int(n_boot, "n_boot", "analyze", min_value=0)
    check_float(level, "level", "analyze", low=0, high=1, inclusive=False)
    check_int(n_jobs, "n_jobs", "analyze", allow_none=True)
    if not isinstance(progress, bool):
        raise ValueError(
            "The 'progress' parameter of analyze must be an instance of 'bool'. "
            f"Got {progress!r} instead."
        )


def _uncertainty_step(
    estimator: DriverModel,
    X: pd.DataFrame,
    y: np.ndarray,
    w: np.ndarray,
    cat: FacetCatalog,
    **options,
) -> tuple[ImportanceResult, pd.DataFrame, dict]:
    """Bootstrap importance, the stage view and ``summary["uncertainty"]``."""
    importance = bootstrap_importance(estimator, X, y, sample_weight=w, **options)
    stages = stage_importance(importance, cat.to_frame().set_index("facet")["stage"])
    info = importance.info
    summary = {
        "n_boot": info["n_boot"],
        "level": info["level"],
        "sample_size": info["sample_size"],
        "resampling": info["resampling"],
        "interval": info["interval"],
    }
    return importance, stages, summary


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
    n_boot: int = 100,
    level: float = 0.9,
    n_jobs: int | None = None,
    progress: bool = True,
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
    n_boot : int, default=100
        Bootstrap replicates for the importance intervals, rank intervals
        and ``p_top10`` (see :func:`~emomotiv.bootstrap_importance`); 0 turns
        the bootstrap off and leaves those columns empty.
    level : float, default=0.9
        Coverage of the bootstrap intervals.
    n_jobs : int or None, default=None
        Parallel bootstrap workers; None uses all cores. Results do not
        depend on it.
    progress : bool, default=True
        Show a progress bar during the bootstrap.
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
    ...                     weight="weight", n_boot=5, progress=False,
    ...                     random_state=0)
    >>> list(result.drivers.columns[:8])  # doctest: +NORMALIZE_WHITESPACE
    ['facet', 'label', 'stage', 'importance', 'importance_low',
     'importance_high', 'rank', 'p_top10']
    """
    options = dict(locals())  # every argument, for the per-wave runs
    check_int(random_state, "random_state", "analyze", min_value=0)
    _check_uncertainty_options(n_boot, level, n_jobs, progress)
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
    importance, stages, uncertainty = _uncertainty_step(
        estimator,
        X,
        y,
        w,
        cat,
        n_boot=n_boot,
        level=level,
        n_jobs=n_jobs,
        progress=progress,
        random_state=random_state,
    )
    drivers = _drivers_table(importance, cat)
    diagnostics = diagnose_drivers(
        estimator, X, y, sample_weight=w, importance=importance
    )

    notes = list(diagnostics.warnings)
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
        "uncertainty": uncertainty,
        "diagnostics": diagnostics.to_summary(),
        "settings": {"random_state": random_state},
        "versions": _versions(),
        "warnings": notes,
    }
    tables = {"drivers": drivers, "stages": stages}
    return AnalysisResult(
        tables, summary, importance, estimator, diagnostics=diagnostics
    )
