"""emomotiv: which experience touchpoints build emotional connection, and what
improving each one is worth."""

from ._validation import ValidationError
from .bootstrap import bootstrap_importance, stage_importance
from .datasets import SyntheticSurvey, load_sample, make_survey
from .diagnostics import diagnose_drivers, fit_warnings
from .importance import shap_importance
from .io import load_analysis, load_model, read_table, save_analysis
from .model import DriverModel
from .pipeline import analyze
from .report import Report
from .results import AnalysisResult, Diagnostics, ImportanceResult
from .schema import FacetCatalog, SurveySchema, validate_survey

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
    "analyze",
    "bootstrap_importance",
    "diagnose_drivers",
    "fit_warnings",
    "load_analysis",
    "load_model",
    "load_sample",
    "make_survey",
    "read_table",
    "save_analysis",
    "shap_importance",
    "stage_importance",
    "validate_survey",
]
