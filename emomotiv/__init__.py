"""emomotiv: which experience touchpoints build emotional connection, and what
improving each one is worth."""

from ._validation import ValidationError
from .datasets import SyntheticSurvey, load_sample, make_survey
from .importance import shap_importance
from .io import load_analysis, load_model, read_table, save_analysis
from .model import DriverModel
from .pipeline import analyze
from .report import Report
from .results import (
    AnalysisResult,
    ImportanceResult,
    PlanResult,
    SimulationResult,
)
from .schema import FacetCatalog, SurveySchema, validate_survey
from .simulate import (
    Combined,
    ExtendReach,
    LiftBottomBox,
    RaiseScore,
    plan_improvements,
    simulate_improvement,
)

__version__ = "0.1.0"

__all__ = [
    "AnalysisResult",
    "Combined",
    "DriverModel",
    "ExtendReach",
    "FacetCatalog",
    "ImportanceResult",
    "LiftBottomBox",
    "PlanResult",
    "RaiseScore",
    "Report",
    "SimulationResult",
    "SurveySchema",
    "SyntheticSurvey",
    "ValidationError",
    "analyze",
    "load_analysis",
    "load_model",
    "load_sample",
    "make_survey",
    "plan_improvements",
    "read_table",
    "save_analysis",
    "shap_importance",
    "simulate_improvement",
    "validate_survey",
]
