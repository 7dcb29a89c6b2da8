"""emomotiv: which experience touchpoints build emotional connection, and what
improving each one is worth."""

from ._validation import ValidationError
from .classical import (
    beta_importance,
    compare_methods,
    correlation_importance,
    method_agreement,
    relative_weights,
    shapley_regression,
)
from .datasets import SyntheticSurvey, load_sample, make_survey
from .importance import shap_importance
from .io import load_analysis, load_model, read_table, save_analysis
from .model import DriverModel
from .pipeline import analyze
from .report import Report
from .results import AnalysisResult, ImportanceResult
from .schema import FacetCatalog, SurveySchema, validate_survey

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
    "analyze",
    "beta_importance",
    "compare_methods",
    "correlation_importance",
    "load_analysis",
    "load_model",
    "load_sample",
    "make_survey",
    "method_agreement",
    "read_table",
    "relative_weights",
    "save_analysis",
    "shap_importance",
    "shapley_regression",
    "validate_survey",
]
