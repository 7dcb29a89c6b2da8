"""emomotiv: which experience touchpoints build emotional connection, and what
improving each one is worth."""

from ._validation import ValidationError
from .datasets import SyntheticSurvey, load_sample, make_survey
from .importance import shap_importance
from .io import load_analysis, load_model, read_table, save_analysis
from .measures import (
    connection_measures,
    connection_score,
    cronbach_alpha,
    customer_segments,
    motivator_drivers,
)
from .model import DriverModel
from .pipeline import analyze
from .report import Report
from .results import (
    AnalysisResult,
    ConnectionMeasures,
    ImportanceResult,
    StatedComparison,
    StatedImportance,
    ValueLink,
)
from .schema import FacetCatalog, SurveySchema, validate_survey
from .stated import compare_importance, stated_importance
from .value import value_of_connection

__version__ = "0.1.0"

__all__ = [
    "AnalysisResult",
    "ConnectionMeasures",
    "DriverModel",
    "FacetCatalog",
    "ImportanceResult",
    "Report",
    "StatedComparison",
    "StatedImportance",
    "SurveySchema",
    "SyntheticSurvey",
    "ValidationError",
    "ValueLink",
    "analyze",
    "compare_importance",
    "connection_measures",
    "connection_score",
    "cronbach_alpha",
    "customer_segments",
    "load_analysis",
    "load_model",
    "load_sample",
    "make_survey",
    "motivator_drivers",
    "read_table",
    "save_analysis",
    "shap_importance",
    "stated_importance",
    "validate_survey",
    "value_of_connection",
]
