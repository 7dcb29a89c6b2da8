"""emomotiv: which experience touchpoints build emotional connection, and what
improving each one is worth."""

from ._validation import ValidationError
from .datasets import SyntheticSurvey, load_sample, make_survey, make_waves
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
from .results import AnalysisResult, ImportanceResult, WaveComparison
from .schema import FacetCatalog, SurveySchema, validate_survey
from .tracking import compare, sort_waves

__version__ = "0.1.0"

__all__ = [
    "AnalysisResult",
    "DriverModel",
    "FacetCatalog",
    "ImportanceResult",
    "Report",
    "SurveySchema",
    "SyntheticSurvey",
    "ValidationError",
    "WaveComparison",
    "analyze",
    "compare",
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
    "validate_survey",
]
