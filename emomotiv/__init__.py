"""emomotiv: which experience touchpoints build emotional connection, and what
improving each one is worth."""

import sys
import threading
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from ._validation import EmomotivWarning, ValidationError
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

# Each public name and the module that defines it: a module is imported on
# the first use of one of its names, so ``import emomotiv`` (and the
# ``emomotiv`` command's start, ``--help``, ``--version``) does not wait for
# pandas, XGBoost and SHAP, and a Ctrl-C at the start of a command stops it
# as one at any other moment does.
_WHERE = {
    "AnalysisResult": "results",
    "analyze": "pipeline",
    "beta_importance": "classical",
    "bootstrap_importance": "bootstrap",
    "Combined": "simulate",
    "compare": "tracking",
    "compare_importance": "stated",
    "compare_methods": "classical",
    "ComparisonReport": "report",
    "connection_measures": "measures",
    "connection_score": "measures",
    "connection_tiers": "measures",
    "ConnectionMeasures": "results",
    "correlation_importance": "classical",
    "cronbach_alpha": "measures",
    "Design": "controls",
    "design_matrix": "controls",
    "diagnose_drivers": "diagnostics",
    "Diagnostics": "results",
    "DriverModel": "model",
    "encode_controls": "controls",
    "ExtendReach": "simulate",
    "FacetCatalog": "schema",
    "fit_warnings": "diagnostics",
    "halo_score": "controls",
    "ImportanceResult": "results",
    "LiftBottomBox": "simulate",
    "load_analysis": "io",
    "load_comparison": "io",
    "load_model": "io",
    "load_sample": "datasets",
    "make_survey": "datasets",
    "make_waves": "datasets",
    "method_agreement": "classical",
    "motivator_drivers": "measures",
    "partial_out": "controls",
    "plan_improvements": "simulate",
    "PlanResult": "results",
    "RaiseScore": "simulate",
    "read_table": "io",
    "relative_weights": "classical",
    "Report": "report",
    "save_analysis": "io",
    "save_comparison": "io",
    "segment_drivers": "segments",
    "SegmentDrivers": "segments",
    "shap_importance": "importance",
    "shapley_regression": "classical",
    "simulate_improvement": "simulate",
    "SimulationResult": "results",
    "sort_waves": "tracking",
    "stage_importance": "bootstrap",
    "stated_importance": "stated",
    "StatedComparison": "results",
    "StatedImportance": "results",
    "Study": "study",
    "SurveySchema": "schema",
    "SyntheticSurvey": "datasets",
    "validate_survey": "schema",
    "ValidationError": "_validation",
    "EmomotivWarning": "_validation",
    "value_drivers": "value_drivers",
    "value_of_connection": "value",
    "ValueDrivers": "value_drivers",
    "ValueLink": "results",
    "ValueModel": "value_drivers",
    "WaveComparison": "results",
    "write_workbook": "io",
}

__version__ = "0.1.0"

__all__ = [
    "AnalysisResult",
    "Combined",
    "ComparisonReport",
    "ConnectionMeasures",
    "Diagnostics",
    "Design",
    "DriverModel",
    "EmomotivWarning",
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


# one first use at a time: two threads importing one module at once can
# each see the other's half-loaded module
_LOADING = threading.RLock()


def __getattr__(name: str):
    """A public name on first use (see ``_WHERE``), and a submodule
    (``em.io``, ``em.plotting``), so that ``import emomotiv`` imports
    neither pandas nor matplotlib."""
    import importlib
    import importlib.util

    with _LOADING:
        if name in _WHERE:
            value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
            globals()[name] = value  # once: later uses are plain lookups
            return value
        if (
            name.isidentifier()
            and not name.startswith("__")
            and importlib.util.find_spec(f"{__name__}.{name}") is not None
        ):
            return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    import pkgutil

    modules = (m.name for m in pkgutil.iter_modules(__path__))
    return sorted({*__all__, "__version__", *(m for m in modules if m[0] != "_")})


class _Package(types.ModuleType):
    """The package, whose public names stay what ``_WHERE`` says: Python
    sets a submodule as an attribute of its package when it loads it, and
    ``emomotiv.value_drivers`` is a module and the public function it
    defines; ``em.value_drivers`` is the function, however the module was
    first loaded."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _WHERE and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
