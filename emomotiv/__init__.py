"""emomotiv: which experience touchpoints build emotional connection, and what
improving each one is worth."""

from ._validation import ValidationError
from .bootstrap import bootstrap_importance, stage_importance
from .datasets import SyntheticSurvey, load_sample, make_survey, make_waves
from .diagnostics import diagnose_drivers, fit_warnings
from .importance import shap_importance
from .io import (
    load_analysis,
    load_model,
    read_table,
    save_analysis,
    save_comparison,
)
from .model import DriverModel
from .pipeline import analyze
from .report import Report
from .results import AnalysisResult, Diagnostics, ImportanceResult, WaveComparison
from .schema import FacetCatalog, SurveySchema, validate_survey
from .tracking import compare, sort_waves

__version__ = "0.1.0"

__all__ = [
    "AnalysisResult",
    "Diagnostics",
    "DriverModel",
    "FacetCatalog",
    "ImportanceResult",
    "Report",
    "SurveySchema",
    "SyntheticSurvey",
    "ValidationError",
    "WaveComparison",
    "analyze",
    "bootstrap_importance",
    "compare",
    "diagnose_drivers",
    "fit_warnings",
    "load_analysis",
    "load_model",
    "load_sample",
    "make_survey",
    "make_waves",
    "read_table",
    "save_analysis",
    "save_comparison",
    "shap_importance",
    "sort_waves",
    "stage_importance",
    "validate_survey",
]
