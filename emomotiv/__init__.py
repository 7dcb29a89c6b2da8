"""emomotiv: which experience touchpoints build emotional connection, and what
improving each one is worth."""

from ._validation import ValidationError
from .bootstrap import bootstrap_importance, stage_importance
from .classical import (
    beta_importance,
    compare_methods,
    correlation_importance,
    method_agreement,
    relative_weights,
    shapley_regression,
)
from .controls import (
    Design,
    design_matrix,
    encode_controls,
    halo_score,
    partial_out,
)
from .datasets import SyntheticSurvey, load_sample, make_survey, make_waves
from .diagnostics import diagnose_drivers, fit_warnings
from .importance import shap_importance
from .io import (
    load_analysis,
    load_comparison,
    load_model,
    read_table,
    save_analysis,
    save_comparison,
    write_workbook,
)
from .measures import (
    connection_measures,
    connection_score,
    connection_tiers,
    cronbach_alpha,
    motivator_drivers,
)
from .model import DriverModel
from .pipeline import analyze
from .report import ComparisonReport, Report
from .results import (
    AnalysisResult,
    ConnectionMeasures,
    Diagnostics,
    ImportanceResult,
    PlanResult,
    SimulationResult,
    StatedComparison,
    StatedImportance,
    ValueLink,
    WaveComparison,
)
from .schema import FacetCatalog, SurveySchema, validate_survey
from .segments import SegmentDrivers, segment_drivers
from .simulate import (
    Combined,
    ExtendReach,
    LiftBottomBox,
    RaiseScore,
    plan_improvements,
    simulate_improvement,
)
from .stated import compare_importance, stated_importance
from .study import Study
from .tracking import compare, sort_waves
from .value import value_of_connection
from .value_drivers import ValueDrivers, ValueModel, value_drivers

__version__ = "0.1.0"

__all__ = [
    "AnalysisResult",
    "Combined",
    "ComparisonReport",
    "ConnectionMeasures",
    "Diagnostics",
    "Design",
    "DriverModel",
    "ExtendReach",
    "FacetCatalog",
    "ImportanceResult",
    "LiftBottomBox",
    "PlanResult",
    "RaiseScore",
    "Report",
    "SegmentDrivers",
    "SimulationResult",
    "StatedComparison",
    "StatedImportance",
    "Study",
    "SurveySchema",
    "SyntheticSurvey",
    "ValidationError",
    "ValueDrivers",
    "ValueLink",
    "ValueModel",
    "WaveComparison",
    "analyze",
    "beta_importance",
    "bootstrap_importance",
    "compare",
    "compare_importance",
    "compare_methods",
    "connection_measures",
    "connection_score",
    "connection_tiers",
    "correlation_importance",
    "cronbach_alpha",
    "design_matrix",
    "diagnose_drivers",
    "encode_controls",
    "fit_warnings",
    "halo_score",
    "load_analysis",
    "load_comparison",
    "load_model",
    "load_sample",
    "make_survey",
    "make_waves",
    "method_agreement",
    "motivator_drivers",
    "partial_out",
    "plan_improvements",
    "read_table",
    "relative_weights",
    "save_analysis",
    "save_comparison",
    "segment_drivers",
    "shap_importance",
    "shapley_regression",
    "simulate_improvement",
    "sort_waves",
    "stage_importance",
    "stated_importance",
    "validate_survey",
    "value_drivers",
    "value_of_connection",
    "write_workbook",
]


def __getattr__(name: str):
    """``em.plotting`` on first use, so that ``import emomotiv`` does not
    import matplotlib."""
    if name == "plotting":
        import importlib

        return importlib.import_module(f"{__name__}.plotting")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
