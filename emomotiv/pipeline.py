"""``analyze()``: the whole study in one call; the CLI and notebooks use it.

survey + catalog -> schema and validation -> DriverModel.fit -> derived
importance -> tables and summary.
"""

from __future__ import annotations

import contextlib
import platform
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._stats import kish_size, weighted_share
from ._validation import EmomotivWarning, ValidationError, did_you_mean, many, preview
from ._wording import in_outcome_words, outcome_words, speaks_of_connection
from .bootstrap import (
    NO_SPLIT,
    _stability_warning,
    bootstrap_importance,
    progress_bar,
    stage_importance,
)
from .classical import (
    beta_importance,
    compare_methods,
    correlation_importance,
    method_agreement,
    relative_weights,
    shapley_regression,
)
from .controls import (
    HALO,
    Design,
    design_matrix,
    partial_out,
    routed_facets,
    routing_warning,
    usage_led_facets,
    usage_warning,
)
from .controls import _control_problems as _design_problems
from .diagnostics import diagnose_drivers
from .io import file_fingerprints, jsonable
from .measures import OUTCOME_RULE
from .model import DriverModel
from .readers import (
    ATTRS,
    CATALOG_SHEET_CHOICE,
    DECIMALS,
    NON_ANSWER,
    SHEET_CHOICE,
    YES_ANSWERS,
    _answer,
    _is_numeric_text,
    _shown_answer,
    apply_rating_labels,
    code_outcome,
    complete_catalog,
    emptied_cells,
    keep_rows,
    label_order_warnings,
    rating_labels_note,
    shown_answers,
    stated_facets,
    true_answer,
    unmatched_answers,
    yes_answer,
)
from .results import SUMMARY_SCHEMA, AnalysisResult, ImportanceResult
from .schema import (
    CONNECTION_KINDS,
    MOTIVATOR_PREFIX,
    STATED_PREFIX,
    TOO_FEW,
    UNRATED,
    FacetCatalog,
    SurveySchema,
    _answer_codes,
    _score_codes,
    count_not_experienced,
    facet_list,
    grouping_problem,
    infer_scale,
    missing_value_warnings,
    validate_survey,
    value_warnings,
    weight_warnings,
    weights_break_correlations,
)
from .simulate import FEW_RATERS_SPLIT, facet_caveats, noted, plan_improvements
from .study import (
    Study,
    _connected_value_problems,
    _rating_label_problems,
    guess_roles,
    known_encoding,
    model_task,
    names_an_outcome,
    reads_badly_as_outcome,
)

__all__ = ["analyze"]

STATED_N_BOOT = 200
# a facet holding this share of the importance, and this many times the next
# facet's, reads as the outcome restated (docs/how-to/own-survey.md)
DOMINANT_SHARE = 0.25
DOMINANT_RATIO = 3.0
# a cross-validated fit this close to perfect is no survey's touchpoints
PERFECT_AUC = 0.98
PERFECT_R2 = 0.95
# a cost this many times below the others', or a return this many times the
# cost, reads as a cost typed in another unit (per customer, in thousands)
COST_GAP = 100
IMPLAUSIBLE_RETURN = 100
POPULATION_WEIGHTS = 10  # weights summing to this many times the rows: a population
# the satisfaction answers, kept beside the outcome when the one column is
# both and connected_values codes it 1/0
SATISFACTION_ANSWERS = "__emomotiv_satisfaction_answers__"
DRIVER_COLUMNS = (
    "facet",
    "label",
    "stage",
    "importance",
    "importance_low",
    "importance_high",
    "rank",
    "p_top",
    "direction",
    "stated_importance",
    "stated_rank",
    "gap",
    "quadrant",
    "reach",
    "mean_score",
)

CONTROL_COLUMNS = (
    "control",
    "label",
    "kind",
    "importance",
    "importance_low",
    "importance_high",
    "direction",
    "level_high",
    "level_low",
)


def _order_drivers(drivers: pd.DataFrame) -> pd.DataFrame:
    """Columns in the documented drivers.csv order, then any extras."""
    first = [c for c in DRIVER_COLUMNS if c in drivers.columns]
    return drivers[first + [c for c in drivers.columns if c not in first]]


def _has_stated(data: pd.DataFrame, cat: FacetCatalog, source: str) -> bool:
    """Whether the survey or the catalog holds the stated importance that
    ``source`` reads (else the comparison is skipped)."""
    has_columns = any(str(c).startswith(STATED_PREFIX) for c in data.columns)
    has_catalog = bool(cat.table["stated_importance"].notna().any())
    if source == "catalog":
        return has_catalog
    return has_columns or has_catalog


def check_stated(data: pd.DataFrame, cat: FacetCatalog, study: Study) -> None:
    """Read the survey's stated importance as analyze will (its problems
    raised, its warnings warned), for ``emomotiv validate``: without a
    ranking, nothing is compared."""
    if _has_stated(data, cat, study.stated_source):
        w = data[study.weight].to_numpy(float) if study.weight else None
        stated = _read_stated(data, cat, w, study, n_boot=0)
        if len(stated.table) > 1 and not stated.informative:  # as analyze warns
            from .stated import uninformative_warning

            warnings.warn(uninformative_warning(stated), EmomotivWarning, stacklevel=2)


def _read_stated(data: pd.DataFrame, cat: FacetCatalog, w, study: Study, n_boot: int):
    """The study's stated importance (:func:`~emomotiv.stated_importance`),
    its problems naming the columns by the survey's names."""
    from .stated import stated_importance

    try:
        return stated_importance(
            data,
            cat,
            form=study.stated_form,
            source=study.stated_source,
            scale=study.stated_scale,
            sample_weight=w,
            n_boot=n_boot,
            level=study.level,
            random_state=study.random_state,
        )
    except ValidationError as err:
        problems = _as_the_user_named(err.problems, data)
        raise ValidationError(problems, subject=err.subject) from None


def _stated_step(
    data: pd.DataFrame,
    cat: FacetCatalog,
    importance: ImportanceResult,
    w: np.ndarray,
    study: Study,
):
    """Stated vs derived importance; (comparison or None, summary, notes)."""
    from .stated import DERIVED_THRESHOLD, compare_importance

    source = study.stated_source
    derived_threshold = study.derived_threshold
    if derived_threshold is None:
        derived_threshold = DERIVED_THRESHOLD

    if not _has_stated(data, cat, source):
        reason = (
            "skipped: no stated importance (no 'stated_importance' in the "
            f"catalog and no '{STATED_PREFIX}<facet>' columns in the survey)"
        )
        empty = {"rank_correlation": None, "thresholds": None, "counts": {}}
        return None, {"source": None, "skipped": reason, **empty}, []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        stated = _read_stated(data, cat, w, study, n_boot=STATED_N_BOOT)
        comparison = compare_importance(
            importance,
            stated,
            derived_threshold=derived_threshold,
            stated_threshold=study.stated_threshold,
            sample_weight=w,
            n_boot=STATED_N_BOOT,
            level=study.level,
            random_state=study.random_state,
        )
    # emomotiv's own notes; numpy's and scipy's warnings on a ranking with no
    # spread (a constant input, an all-NaN slice) end as empty cells instead,
    # and another library's is not said as emomotiv's
    notes = [str(c.message) for c in caught if issubclass(c.category, EmomotivWarning)]
    notes = _as_the_user_named(notes, data)
    info = comparison.info
    summary = {
        "source": stated.source,
        "form": stated.form,
        "method": stated.info.get("method"),
        "informative": stated.informative,
        "rank_correlation": comparison.rank_correlation,
        "rank_correlation_low": info.get("rank_correlation_low"),
        "rank_correlation_high": info.get("rank_correlation_high"),
        "thresholds": dict(comparison.thresholds),
        "counts": comparison.counts,
        "n_compared": info["n_compared"],
        "not_compared": info["not_compared"],
        "p_quadrant_source": info.get("p_quadrant_source"),
        "n_boot": info["n_replicates"],
        "note": info.get("note"),
    }
    return comparison, summary, notes


def _add_stated_columns(drivers: pd.DataFrame, comparison) -> pd.DataFrame:
    cols = ["stated_importance", "stated_rank", "gap", "quadrant", "p_quadrant"]
    extra = ["stated_low", "stated_high"]
    if comparison is None:  # empty columns, of the types they have when filled
        empty = drivers.assign(**{c: np.nan for c in cols})
        return empty.astype({"stated_rank": "Int64"})
    table = comparison.table[cols + extra].reset_index()
    out = drivers.merge(table, on="facet", how="left")
    out["stated_rank"] = out["stated_rank"].astype("Int64")
    return out


def _one_blas_thread():
    """Numpy's linear algebra on one thread, for the steps whose numbers are
    factorisations of small matrices (inverses, eigenvectors of the facets'
    correlations; the stated shares of every resample): on another number
    of threads they add in another order, and their last digits (about
    1e-16) would follow the machine. The
    models and SHAP do not use it; the products over respondents it slows
    take under a second on one thread at a million respondents."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _mean_score(score: pd.Series | None, w: np.ndarray) -> float | None:
    """The weighted mean connection score of the respondents who have one
    (None without a score, or when no one with a score has weight)."""
    if score is None:
        return None
    has = score.notna().to_numpy()
    if not has.any() or w[has].sum() <= 0:
        return None
    return float(np.average(score.to_numpy()[has], weights=w[has]))


def _tiers_are_outcome(measures) -> bool:
    """Whether the fully connected are the 0/1 outcome's 1s (not those of a
    rule on the motivators' score, as for a score outcome)."""
    return measures.connected_rule == OUTCOME_RULE


def _named_outcome(note: str | None, label: str | None, measures) -> str | None:
    """A note of the tiers or the value link, where the fully connected are
    the 1s of an outcome whose label does not speak of connection (a
    satisfaction flag), named by it: "customers who are not “highly
    satisfied”", not "not connected"."""
    if note is None or speaks_of_connection(label) or not _tiers_are_outcome(measures):
        return note
    note = note.replace("who are not connected", f"who are not “{label}”")
    return note.replace("compare connected customers", f"compare “{label}” customers")


def _measures_step(
    data: pd.DataFrame,
    schema: SurveySchema,
    cat: FacetCatalog,
    w: np.ndarray,
    study: Study,
):
    """Connection score, tiers, motivator matrix; (measures, summary, tables)."""
    from .measures import connection_measures

    measures = connection_measures(
        data,
        facets=schema.facets,
        connection=schema.connection,
        motivators=schema.motivators,
        satisfaction=SATISFACTION_ANSWERS
        if SATISFACTION_ANSWERS in data
        else schema.satisfaction,
        value=schema.value,
        sample_weight=w,
        connected_rule=study.connected_rule,
        satisfied_threshold=study.satisfied_threshold,
    )
    tiers = measures.tier_table
    if schema.weight is not None and len(tiers):
        # the count that goes with the weighted share: the weights scaled to
        # the respondents with a tier, beside how many there are (n)
        tiers = tiers.copy()
        tiers.insert(2, "weighted_n", tiers["share"] * tiers["n"].sum())
    summary = {
        "cronbach_alpha": measures.cronbach_alpha,
        "n_motivators": len(schema.motivators),
        "connected_rule": measures.connected_rule,
        "satisfied_threshold": measures.info.get("satisfied_threshold"),
        "tiers": dict(zip(tiers["tier"], tiers["share"], strict=True)),
        "mean_connection_score": _mean_score(measures.score, w),
        "note": _named_outcome(measures.info.get("note"), study.outcome_label, measures)
        or (None if schema.motivators else "no motivator items: no score or matrix"),
    }
    tables = {"tiers": tiers} if len(tiers) else {}  # no rule: the note says why
    if measures.drivers is not None:
        labels = cat.table["label"]
        matrix = measures.drivers.reset_index()
        matrix.insert(1, "label", labels.reindex(matrix["facet"]).to_numpy())
        tables["motivators"] = matrix
    return measures, summary, tables


def _unlinked(study: Study, why: str) -> str | None:
    """The warning that the churn and advocacy columns went unread, the value
    link that reads them having no rule for who is fully connected (``why``),
    or None where neither was given."""
    given = [
        f"the {role} column '{column}'"
        for role, column in (("churn", study.churn), ("advocacy", study.advocacy))
        if column is not None
    ]
    if not given:
        return None
    return (
        f"{' and '.join(given).capitalize()} went unread: the value link that "
        "reads them compares the fully connected with the other customers, and "
        f"no rule says who is fully connected ({why}). Give the outcome as 0/1 "
        "(--connected-values) or the emotional motivator items, or leave "
        f"{'them' if len(given) > 1 else 'it'} out."
    )


def _value_step(
    data: pd.DataFrame,
    schema: SurveySchema,
    measures,
    w: np.ndarray,
    study: Study,
    above: str = "",
):
    """Value of connection; (ValueLink or None, summary). ``above`` says why
    nobody is highly satisfied where the satisfied threshold given is above
    every rating (:func:`_threshold_above`), the note's reason then."""
    from .value import MIN_TIER, NO_SATISFIED, value_of_connection

    churn, advocacy = study.churn, study.advocacy

    empty = {
        "multiplier": None,
        "multiplier_low": None,
        "multiplier_high": None,
        "value_per_connected": None,
        "value_per_connected_low": None,
        "value_per_connected_high": None,
        "model": None,
        "attrition": None,
        "advocacy": None,
        "warning": None,
    }
    if schema.value is None:
        return None, {**empty, "skipped": "skipped: no value column (--value)"}
    if measures.connected is None:  # the rule reads "none: <why>"
        why = measures.connected_rule.removeprefix("none: ")
        skipped = f"skipped: no rule for who is fully connected ({why})"
        return None, {**empty, "skipped": skipped, "warning": _unlinked(study, why)}
    keep = data[schema.value].notna().to_numpy()
    if churn is not None:
        keep = keep & data[churn].notna().to_numpy()
    connected = np.asarray(measures.tiers == "fully_connected")
    n_conn, n_kept = int(connected.sum()), int((connected & keep).sum())
    if n_conn >= MIN_TIER > n_kept:
        empty_cells = "value" if churn is None else "value or churn"
        raise ValidationError(
            [
                f"Only {n_kept} of the {n_conn:,} fully connected respondents "
                f"have a {empty_cells} (the cell is empty for the rest); at least "
                f"{MIN_TIER} are needed to value connection."
            ],
            subject="value data",
        )
    # only the columns used: a column of a row subset of the whole survey
    # would hold every rating in memory for as long as the link lives
    used = [c for c in dict.fromkeys([schema.value, churn, advocacy]) if c]
    rows = data.loc[keep, used]
    link = value_of_connection(
        rows[schema.value],
        measures.tiers[keep],
        sample_weight=w[keep],
        churned=None if churn is None else rows[churn],
        advocacy=None if advocacy is None else rows[advocacy],
        promoter_threshold=study.promoter_threshold,
        level=study.level,
    )
    out = {**empty, **link.summary}
    if schema.satisfaction is None and out.get("note") == NO_SATISFIED:
        out["note"] = (  # why there are none
            "no multiplier: no satisfaction column (--satisfaction) to find the "
            "highly satisfied customers to compare connected customers with"
        )
    if above and out.get("note") == NO_SATISFIED:
        out["note"] = f"no multiplier: {above}"
    elif out.get("note") == NO_SATISFIED and schema.satisfaction is not None:
        found = _all_satisfied_connected(data, schema, measures, study, keep)
        out["note"] = found or NO_SATISFIED
    out["note"] = _named_outcome(out.get("note"), study.outcome_label, measures)
    if not keep.all():
        out["left_out"] = (
            f"{int((~keep).sum())} respondents without a value"
            + ("" if churn is None else " or churn flag")
            + " were left out of the value models"
        )
    return link, out


def _all_satisfied_connected(
    data: pd.DataFrame, schema: SurveySchema, measures, study: Study, keep: np.ndarray
) -> str | None:
    """Why the value link has no highly satisfied customers to compare with
    where some are, each of them fully connected, among the respondents it
    reads (``keep``: those with a value): an outcome that is the
    satisfaction rating cut (its report said "no highly satisfied
    respondents" of 26% who were); None where none is."""
    threshold = measures.info.get("satisfied_threshold")
    if threshold is None:
        return None
    column = (
        SATISFACTION_ANSWERS if SATISFACTION_ANSWERS in data else schema.satisfaction
    )
    high = keep & (pd.to_numeric(data[column], errors="coerce") >= threshold).to_numpy()
    connected = np.asarray(measures.tiers == "fully_connected")
    n = int(high.sum())
    if not n or not connected[high].all():
        return None
    label = study.outcome_label or str(schema.connection).replace("_", " ")
    also = (
        f"also “{label}” (the outcome)"
        if _tiers_are_outcome(measures)
        else "also fully connected"
    )
    return (
        f"no multiplier: each of the {n:,} highly satisfied respondents with a "
        f"value (satisfaction {threshold:g} or more) is {also}, so none is left "
        "to compare with: is the outcome the satisfaction rating cut?"
    )


def _whole_segment_codes(frame: pd.DataFrame, column: Any) -> pd.DataFrame:
    """``frame`` with its segment column's whole numbers written as a float
    column writes them ("3.0") as the codes they are ("3"), as a segment
    read as a number is named; "010" and "1.10" stay as they are."""
    values = frame.get(column) if isinstance(column, str) else None
    if not isinstance(values, pd.Series) or pd.api.types.is_numeric_dtype(values):
        return frame

    def code(value: Any) -> Any:
        match = WHOLE_CODE.match(value) if isinstance(value, str) else None
        return match[1] if match else value

    frame[column] = values.map(code)
    return frame


# a whole number as a float column writes it: "3.0" (not "03.0")
WHOLE_CODE = re.compile(r"^\s*(0|-?[1-9]\d*)\.0+\s*$")


def _as_frame(obj: Any, what: str, study: Study, problems: list[str]):
    """A pandas DataFrame from a DataFrame, a path, or a dataframe of another
    library (``to_pandas`` or the ``__dataframe__`` interchange protocol);
    None, with a problem added, for anything else. A survey file's declared
    not-experienced codes become empty cells (see :mod:`emomotiv.readers`)."""
    if isinstance(obj, pd.DataFrame):
        if isinstance(obj.columns, pd.MultiIndex):
            # a header of several rows (read_excel(header=[0, 1])): no role
            # or facet name matches a tuple, and one line says why
            problems.append(
                f"The {what}'s columns have {obj.columns.nlevels} levels (a "
                f"header of {obj.columns.nlevels} rows), such as "
                f"{obj.columns[0]!r}; roles and facets name one level: "
                f"flatten them ({what}.columns = "
                f"{what}.columns.get_level_values(-1))."
            )
            return None
        unnamed = [c for c in obj.columns if not isinstance(c, str)]
        if unnamed and len(unnamed) == len(obj.columns):
            # a sheet read without its header row (header=None), or
            # pd.DataFrame(array): no role can name a column
            problems.append(
                f"The {what}'s columns are all named by numbers, not text: "
                f"{preview(unnamed)}. Read the file with its header row, or name "
                f"them ({what}.columns = [...])."
            )
            return None
        if unnamed:
            # a column named by a number among named ones (a catalog's facet 0,
            # a stray column): roles and facets name columns by text, so the
            # columns are read by their names as text
            names = [str(c) for c in obj.columns]
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                problems.append(
                    f"The {what} has columns whose names read alike as text "
                    f"(one a number, one text): {preview(twice)}. Rename one of "
                    "each."
                )
                return None
            return obj.set_axis(names, axis=1)
        return obj
    try:
        if isinstance(obj, str | PathLike):
            from .readers import read_survey

            if Path(obj).is_file() and not known_encoding(study.encoding):
                return None  # unreadable as text: Study.problems names why
            codes = study.not_experienced if what == "survey" else None
            frame = read_survey(
                obj,
                not_experienced=codes,
                encoding=study.encoding,
                decimal=study.decimal if study.decimal in DECIMALS else ".",
                sheet=study.sheet if what == "survey" else study.catalog_sheet,
                # "09.2026" is a month, not the number 9.2026, an id "0001"
                # is not the id "1", nor a segment "010" the segment "10"
                text=[
                    c
                    for c in (study.wave, study.id, study.segment)
                    if isinstance(c, str)
                ]
                if what == "survey"
                else (),
                # a segment's code is named by its value label in a .sav file
                nominal=[study.segment]
                if what == "survey" and isinstance(study.segment, str)
                else (),
            )
            return _whole_segment_codes(frame, study.segment)
        if hasattr(obj, "to_pandas"):
            frame = obj.to_pandas()
            if isinstance(frame, pd.DataFrame):
                return frame
        if hasattr(obj, "__dataframe__"):
            return pd.api.interchange.from_dataframe(obj)
    except ValidationError as err:
        problems.extend(err.problems)
        return None
    except (OSError, ValueError, TypeError, ImportError) as err:
        problems.append(f"Cannot read the {what}: {err}")
        return None
    kind = type(obj)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else (f"{kind.__module__.split('.')[0]}.{kind.__qualname__}")
    )
    problems.append(
        f"The {what} must be a pandas DataFrame or the path of a CSV, Parquet, "
        f"SPSS, Stata or Excel file; got {name}."
    )
    return None


def _catalog_input(
    catalog, study: Study, problems: list[str], survey: pd.DataFrame | None
):
    """The catalog as given: a FacetCatalog or a table read from its file
    (from ``study.facets`` when there is none, checked against the
    ``survey``'s columns); None, with a problem added, when it is missing or
    unreadable."""
    # a catalog built from these facets (the command line's) is no conflict
    built = isinstance(catalog, FacetCatalog) and catalog.facets == [
        str(f) for f in study.facets or ()
    ]
    if catalog is not None and study.facets is not None and not built:
        problems.append(
            "analyze takes the facets from a catalog or from facets=[...], not "
            f"both ({len(study.facets)} given): the facets are the catalog's "
            "rows. Drop one of the two."
        )
    if isinstance(catalog, FacetCatalog):
        return catalog
    if catalog is None:
        if study.facets is None:
            problems.append(
                "analyze needs the facets: pass a catalog (table or file) or a "
                "list of facet columns as facets=[...]."
            )
            return None
        facets = list(study.facets)
        if survey is not None and all(isinstance(f, str) for f in facets):
            facets, found = facet_list(facets, survey.columns)
            problems += found
        catalog = pd.DataFrame({"facet": facets})
    return _as_frame(catalog, "catalog", study, problems)


def _schema_roles(study: Study) -> dict[str, Any]:
    """The study's roles that ``SurveySchema.infer`` takes."""
    roles = study.roles()
    for name in ("facets", "stated", "churn", "advocacy"):
        del roles[name]
    return roles


def _with_stated_columns(
    survey: pd.DataFrame, catalog, study: Study, problems: list[str]
) -> pd.DataFrame:
    """The survey with its ``stated`` columns named ``stated__<facet>``, each
    matched to its facet by label (:func:`~emomotiv.readers.stated_facets`);
    what cannot be matched goes to ``problems``."""
    if not study.stated or isinstance(study.stated, str) or catalog is None:
        return survey  # none, or the role's or the catalog's own problem
    if survey.attrs.get(ATTRS, {}).get("stated"):
        return survey  # named already: the checked survey, or one wave of it
    if isinstance(catalog, FacetCatalog):
        catalog = catalog.to_frame()
    if "facet" not in catalog.columns:
        return survey
    labels = catalog["label"] if "label" in catalog.columns else None
    facets = {
        str(f): None if labels is None else labels.iloc[i]
        for i, f in enumerate(catalog["facet"])
    }
    mapping, found = stated_facets(survey, study.stated, facets)
    names = {c: STATED_PREFIX + f for c, f in mapping.items()}
    found += [
        f"The stated-importance column '{c}' would be named '{n}', which the "
        "survey has already."
        for c, n in names.items()
        if n in survey.columns
    ]
    problems += found
    if found:
        return survey
    out = survey.rename(columns=names)
    meta = out.attrs.get(ATTRS, {})
    out.attrs[ATTRS] = {
        **meta,
        "labels": {names.get(c, c): t for c, t in meta.get("labels", {}).items()},
        "stated": names,
    }
    return out


def _with_rating_labels(survey: pd.DataFrame, catalog, study: Study) -> pd.DataFrame:
    """The survey with the rating labels (``rating_labels``) of its rating
    columns as numbers: the facets, the motivators, satisfaction and stated
    importance."""
    labels = study.rating_labels
    if labels is None or catalog is None or _rating_label_problems(labels, ""):
        return survey  # none, or already reported as a problem
    if isinstance(catalog, FacetCatalog):
        facets = list(catalog.facets)
    elif "facet" in catalog.columns:
        facets = catalog["facet"].astype(str).tolist()
    else:
        return survey  # the catalog's own problem
    prefixes = (MOTIVATOR_PREFIX, STATED_PREFIX)
    others = [c for c in survey.columns if str(c).startswith(prefixes)]
    satisfaction = [study.satisfaction] if study.satisfaction else []
    return apply_rating_labels(survey, facets + others + satisfaction, labels)


def _with_coded_outcome(
    survey: pd.DataFrame, study: Study, problems: list[str]
) -> pd.DataFrame:
    """The survey with its yes/no outcome as 1/0 (``connected_values``, or a
    checkbox's TRUE/FALSE, 1 for TRUE); the note on how it was coded in
    ``attrs["emomotiv"]["outcome"]``. A value that no answer matches is
    added to ``problems``."""
    column = study.connection
    if not isinstance(column, str) or column not in survey.columns:
        return survey
    if survey.attrs.get(ATTRS, {}).get("outcome"):
        return survey  # coded already: the checked survey, or one wave of it
    if _connected_value_problems(study, ""):
        return survey  # reported as a problem
    values = survey[column]
    if isinstance(values, pd.DataFrame):
        return survey  # a column named twice: reported as a problem
    connected = study.connected_values
    if connected is None:
        true = true_answer(values.dropna().unique())
        if true is None:
            return survey
        connected = [true]
    # a checkbox nobody ticked has no TRUE to match: one class, named as such
    given = study.connected_values is not None
    unmatched = unmatched_answers(values, connected) if given else []
    if unmatched:
        answers = shown_answers(values)
        problems.append(
            f"The connected value{'s' if len(unmatched) > 1 else ''} "
            f"{preview(unmatched)} of the connection column '{column}' "
            f"match{'' if len(unmatched) > 1 else 'es'} no answer; its answers "
            f"are {preview(answers, 12)}. Give the answers that mean connected "
            "as the column writes them."
        )  # coded all the same: no knock-on problem of an outcome not 0/1
    problems += _doubtful_noes(values, connected, column)
    coded, note = code_outcome(values, connected)
    out = survey.copy(deep=False)
    out.attrs = {
        **survey.attrs,
        ATTRS: {
            **survey.attrs.get(ATTRS, {}),
            "outcome": note,
            **_notes_by_wave(
                "outcome",
                survey,
                study,
                lambda rows: code_outcome(rows[column], connected),
            ),
        },
    }
    out[column] = coded
    if study.satisfaction == column:  # the tiers read the answers, not 1/0
        answers = _satisfaction_answers(values, study.not_experienced)
        if answers is not None:
            out[SATISFACTION_ANSWERS] = answers
    return out


def _threshold_above(data: pd.DataFrame, schema: SurveySchema, study: Study) -> str:
    """Why no respondent is highly satisfied where the satisfied threshold
    given is above every satisfaction rating, else an empty string: above
    the question's scale too (a 0-10 threshold of 9 on a 1-5 question,
    :func:`~emomotiv.schema.infer_scale`), the threshold is to be set on
    it. The default threshold, the top two boxes of the question's own
    scale, is never above it."""
    threshold = study.satisfied_threshold
    if threshold is None or schema.satisfaction is None:
        return ""
    answers = SATISFACTION_ANSWERS in data  # the outcome's own answers
    column = SATISFACTION_ANSWERS if answers else schema.satisfaction
    ratings = pd.to_numeric(data[column], errors="coerce")
    top = ratings.max()
    if pd.isna(top) or threshold <= top:
        return ""
    lo, hi = infer_scale(ratings.dropna())
    why = (
        f"no respondent is highly satisfied: the satisfied threshold is "
        f"{threshold:g} and the highest satisfaction rating is {top:g}"
    )
    if threshold <= hi:  # on the question's scale: nobody gave so high a rating
        return why
    return (
        f"{why}, on a {lo:g}-{hi:g} scale; set the threshold on the satisfaction "
        "question's own scale (--satisfied-threshold; by default its top two "
        "boxes)"
    )


def _satisfaction_answers(values: pd.Series, codes) -> pd.Series | None:
    """The outcome's answers as the satisfaction ratings the tiers read:
    numbers, its declared not-experienced codes empty; None when some answer
    is no number (words without rating labels: the tiers then say why they
    have no highly satisfied customers)."""
    answers = pd.to_numeric(values, errors="coerce")
    if (answers.isna() & values.notna()).any():
        return None
    numbers = [float(c) for c in codes or () if _is_numeric_text(c)]
    return answers.mask(answers.isin(numbers))


def _doubtful_noes(values: pd.Series, connected, column: str) -> list[str]:
    """The problems of answers ``connected_values`` would code 0 (not
    connected) that do not say no: non-answers ("Don't know", "Refused", a
    code such as 9 beside the answers 1 and 2), refused without the option
    too, and another way of writing yes ("Y" beside "Yes", or 1 beside "Ja"
    where part of the file is coded 0/1).

    Examples
    --------
    >>> answers = pd.Series(["Yes", "No", "Don't know", "Y", "No"])
    >>> for problem in _doubtful_noes(answers, ["Yes"], "Q40"):
    ...     print(problem[:74])
    The connection column 'Q40' has answers that look like no answer, "Don't k
    The connection column 'Q40' has answers that read as yes, 'Y' (1), which c
    """
    wanted = {_answer(v) for v in connected}
    # the answers given: a category column's unused categories are none
    shown = values.dropna().astype(object).map(_shown_answer)
    counts = shown[~shown.map(_answer).isin(wanted)].value_counts(sort=False)
    numbers = sorted(float(a) for a in set(shown.map(_answer)) if _is_numeric_text(a))
    # 9 beside 1 and 2, or 99 far above a scale's answers (its top box)
    codes = {f"{v:g}" for v in [*_answer_codes(numbers), *_score_codes(numbers)]}
    none = [a for a in counts.index if NON_ANSWER.search(a) or _answer(a) in codes]
    yes_words = wanted & set(YES_ANSWERS)
    # beside a yes word, a 1 is yes too where a part of the file is coded 0/1
    # (its numbers are 0 and 1 only, as schema's check of the column reads it)
    coded = set(numbers) <= {0.0, 1.0}
    ones = [a for a in counts.index if coded and _is_numeric_text(a) and float(a) == 1]
    yes = [
        a
        for a in counts.index
        if yes_words and (_answer(a) in YES_ANSWERS or a in ones) and a not in none
    ]

    def listed(found: list[str]) -> str:
        return ", ".join(f"{a!r} ({counts[a]:,})" for a in found)

    problems = []
    if none:
        problems.append(
            f"The connection column '{column}' has answers that look like no "
            f"answer, {listed(none)}, which connected_values would code 0 (not "
            "connected): they are neither connected nor not. Empty those cells "
            "(the respondents are then left out of the analysis, and counted), "
            "or recode them to the answer they mean."
        )
    if yes:
        problems.append(
            f"The connection column '{column}' has answers that read as yes, "
            f"{listed(yes)}, which connected_values "
            f"({', '.join(repr(v) for v in connected)}) would code 0 (not "
            "connected). Add them to connected_values (--connected-values "
            f'"{",".join([*map(str, connected), *yes])}") if they mean '
            "connected."
        )

    # among answers in words: a number (a totals or averages row) or a
    # question (a second header row), read as respondents
    def no_answer_of_one(a: str) -> bool:
        if not yes_words or a in none or a in yes:
            return False
        number = _is_numeric_text(a) and not coded  # a 1 of 0/1 is yes
        share = re.fullmatch(r"\s*-?[\d.,]+\s*%\s*", a) is not None
        return number or share or a.rstrip().endswith("?")

    odd = [a for a in counts.index if no_answer_of_one(a)]
    if odd:
        problems.append(
            f"The connection column '{column}' has answers among its words that "
            f"are no answer of a respondent, {listed(odd)}, which "
            "connected_values would code 0 (not connected): a row of totals "
            "or averages, or a second header row of questions, read as a "
            "respondent? Delete those rows, or recode the cells to the answer "
            "they mean."
        )
    return problems


def _notes_by_wave(key: str, survey: pd.DataFrame, study: Study, code) -> dict:
    """``{key + "_by_wave": {wave: note}}``, the note ``code`` (rows -> (coded,
    note)) gives each wave's rows alone, where the study has a wave column:
    an analysis of one wave says what was coded in it, not in every wave
    (see :func:`emomotiv.tracking.analyze_latest_wave`); else ``{}``."""
    wave = study.wave
    if not isinstance(wave, str) or wave not in survey.columns:
        return {}
    labels = survey[wave].astype(str)
    return {
        f"{key}_by_wave": {
            label: code(survey.loc[labels == label])[1] for label in labels.unique()
        }
    }


def _with_coded_churn(survey: pd.DataFrame, study: Study) -> pd.DataFrame:
    """The survey with a churn column answered in words ("Yes"/"No",
    "ja"/"nein") as 1/0, 1 for the yes; the note on it in
    ``attrs["emomotiv"]["churn"]``. Anything else is left for validation."""
    column = study.churn
    if not isinstance(column, str) or column not in survey.columns:
        return survey
    values = survey[column]
    if isinstance(values, pd.DataFrame):
        return survey  # a column named twice: reported as a problem
    answers = values.dropna().unique()
    yes = yes_answer(answers)
    if yes is None or not all(isinstance(a, str) for a in answers):
        return survey
    what = f"Churn ('{column}')"
    coded, note = code_outcome(values, [yes], what=what)
    by_wave = _notes_by_wave(
        "churn",
        survey,
        study,
        lambda rows: code_outcome(rows[column], [yes], what=what),
    )
    out = survey.copy(deep=False)
    meta = {**survey.attrs.get(ATTRS, {}), "churn": note, **by_wave}
    out.attrs = {**survey.attrs, ATTRS: meta}
    out[column] = coded
    return out


def _with_wave_text(survey: pd.DataFrame, study: Study) -> pd.DataFrame:
    """The survey with a wave column of dates (a pandas datetime column) as
    the text of each date, ``2026-04-01`` where every time is midnight: the
    label the summary, the report and the comparison give each wave, where
    ``str`` of a date would read ``2026-04-01 00:00:00``."""
    column = study.wave
    if not isinstance(column, str) or column not in survey.columns:
        return survey
    values = survey[column]
    if isinstance(values, pd.DataFrame) or not pd.api.types.is_datetime64_any_dtype(
        values
    ):
        return survey  # a column named twice is reported as a problem
    days = values.dropna()
    whole = bool((days == days.dt.normalize()).all())
    text = values.dt.strftime("%Y-%m-%d" if whole else "%Y-%m-%d %H:%M:%S")
    out = survey.copy(deep=False)
    out[column] = text.astype(object).where(values.notna(), None)
    return out


def _with_answered(survey: pd.DataFrame, study: Study) -> pd.DataFrame:
    """The survey without the respondents who left the outcome empty (they
    can tell the model nothing); how many in ``attrs["emomotiv"]["unanswered"]``.
    An outcome empty for everyone is left for validation to name."""
    column = study.connection
    if not isinstance(column, str) or column not in survey.columns:
        return survey  # none, or a problem reported
    values = survey[column]
    if isinstance(values, pd.DataFrame):
        return survey  # a column named twice: reported as a problem
    empty = values.isna().to_numpy()
    if not empty.any() or empty.all():
        return survey
    out = survey.loc[~empty].reset_index(drop=True)
    meta = keep_rows(survey, ~empty)
    meta["unanswered"] = int(empty.sum())
    wave = study.wave
    if isinstance(wave, str) and wave in survey.columns:  # each wave its own
        counts = survey.loc[empty, wave].astype(str).value_counts()
        meta["unanswered_by_wave"] = {str(k): int(v) for k, v in counts.items()}
    out.attrs = {**survey.attrs, ATTRS: meta}
    return out


def _reading_notes(survey: pd.DataFrame, study: Study) -> list[str]:
    """How the survey's answers were read: its rating labels, its coded
    yes/no outcome (what ``data.scales`` and ``emomotiv validate`` say)."""
    notes = []
    if study.rating_labels is not None:
        notes.append(rating_labels_note(study.rating_labels))
    meta = survey.attrs.get(ATTRS, {})
    coded, stated = meta.get("outcome"), meta.get("stated")
    if stated:
        pairs = [f"'{c}' for '{n[len(STATED_PREFIX) :]}'" for c, n in stated.items()]
        more = f" (+{len(pairs) - 3} more)" if len(pairs) > 3 else ""
        notes.append(
            f"Stated importance read from {len(stated)} columns matched to their "
            f"facets by label: {'; '.join(pairs[:3])}{more}."
        )
    if meta.get("sheet"):
        notes.append(meta["sheet"])
    unanswered = meta.get("unanswered")
    if unanswered:
        notes.append(
            f"{unanswered:,} respondent{' has' if unanswered == 1 else 's have'} no "
            f"answer in the outcome column '{study.connection}': left out of the "
            "analysis."
        )
    if study.id is None:
        notes += _copies_note(survey)
    return notes + [note for note in (coded, meta.get("churn")) if note]


def unrated_warnings(survey: pd.DataFrame, facets: Sequence[str]) -> list[str]:
    """A warning for the respondents who answered the outcome but left every
    facet empty: partial completes who left the survey before its ratings,
    perhaps (a not-experienced code is an answer: one who marked every facet
    "not used" is not counted). They are kept in the analysis, which reads
    them as having experienced no touchpoint.

    Examples
    --------
    >>> survey = pd.DataFrame({"a": [1.0, None, None], "b": [99.0, " ", None]})
    >>> unrated_warnings(survey, ["a", "b"])[0][:52]
    '2 respondents answered the outcome but left every fa'
    """
    if not len(facets):
        return []
    cells = survey[list(facets)]
    blank = cells.isna() | cells.apply(lambda c: c.astype(str).str.strip().eq(""))
    emptied = emptied_cells(survey)  # a .sav's codes, read as answers
    if emptied is None:
        return []  # rows no longer matched to the codes read: not said
    for facet, coded in emptied.items():
        if facet in blank.columns:
            blank[facet] &= ~coded
    n = int(blank.all(axis=1).sum())
    if not n:
        return []
    return [
        f"{n:,} respondent{' answered' if n == 1 else 's answered'} the outcome "
        f"but left every facet empty ({n / len(survey):.0%} of {len(survey):,}): "
        "they are kept in the analysis, read as having experienced no "
        "touchpoint. If they left the survey before its ratings (partial "
        "completes), drop their rows from the file."
    ]


def _copies_note(survey: pd.DataFrame) -> list[str]:
    """A note on rows that repeat another row in every column, an id-like
    column too (one whose other values are all distinct): a file read or
    uploaded twice. Without such a column, two respondents may well answer
    alike, and nothing is said."""
    copies = survey.duplicated()
    if not copies.any():
        return []
    kept = survey[~copies]
    ids = [  # whole numbers or text, each row its own: an amount is no id
        str(c)
        for c in survey.columns
        if (
            pd.api.types.is_integer_dtype(kept[c])
            or pd.api.types.is_string_dtype(kept[c])
        )
        and kept[c].notna().all()
        and kept[c].is_unique
        and len(kept) > 1
    ]
    if not ids:
        return []
    n = int(copies.sum())
    return [
        f"{many(n, 'row')} repeat{'s' if n == 1 else ''} another in every column, "
        f"'{ids[0]}' too (a file read or uploaded twice?): drop the copies, or "
        f"name the id column (--id {ids[0]}, id='{ids[0]}') to have them refused."
    ]


def _as_catalog(
    catalog, survey: pd.DataFrame | None, problems: list[str]
) -> FacetCatalog | None:
    """The catalog of :func:`_catalog_input`; labels and scales it leaves
    empty come from the survey file (variable labels, value labels, rating
    labels; see :mod:`emomotiv.readers`)."""
    if catalog is None or isinstance(catalog, FacetCatalog):
        return catalog
    frame = catalog if survey is None else complete_catalog(catalog, survey)
    try:
        return FacetCatalog.from_frame(frame)
    except ValidationError as err:
        problems.extend(f"Catalog: {p}" for p in err.problems)
        return None


def _validate_all_waves(
    survey: pd.DataFrame, schema: SurveySchema, cat: FacetCatalog, study: Study
) -> tuple[pd.DataFrame | None, list[str]]:
    """Validate the survey, each wave apart when it holds several.

    Returns the validated survey (None for several waves: each is validated
    again when analysed) and every problem, those of the waves as
    :func:`~emomotiv.tracking.wave_problems` lists them.
    """
    # options already reported as problems are left at their defaults here
    kind, codes = study.connection_kind, study.not_experienced
    options = {
        "connection_kind": kind if kind in CONNECTION_KINDS else "auto",
        "not_experienced": codes if isinstance(codes, list | tuple) else None,
    }
    wave = schema.wave
    one = wave is None or wave not in survey.columns or not survey.columns.is_unique
    if one or survey[wave].nunique() < 2:
        try:
            return validate_survey(survey, schema, cat, **options), []
        except ValidationError as err:
            return None, err.problems
    from .tracking import (
        _ordered_waves,
        no_wave,
        same_wave_labels,
        same_wave_problem,
        wave_problems,
    )

    blank = no_wave(survey[wave])
    empty = int(blank.sum())
    problems = [f"The wave column '{wave}' is empty for {empty} respondents."]
    problems = problems[:1] if empty else []
    labels = list(survey.loc[~blank, wave].unique())
    same = same_wave_labels(labels)
    if same:
        counts = survey.loc[~blank, wave].value_counts(sort=False).to_dict()
        problems.append(same_wave_problem(same, wave, counts))
    found: dict[str, list[str]] = {}
    small = []  # waves neither analysed nor compared, too small: no problem
    ordered = _ordered_waves(labels)
    for label in ordered:
        part = survey[survey[wave] == label].reset_index(drop=True)
        try:
            validate_survey(part, schema, cat, **options)
            found[str(label)] = []
        except ValidationError as err:
            found[str(label)] = err.problems
        if label not in ordered[-2:]:  # a wave neither analysed nor compared
            kept = [p for p in found[str(label)] if not TOO_FEW.match(p)]
            if len(kept) < len(found[str(label)]):
                small.append(str(label))
            found[str(label)] = [p for p in kept if not UNRATED.match(p)]
    return None, problems + wave_problems(found, wave, small)


def _checked_inputs(
    survey: Any, catalog: Any, study: Study, problems: Sequence[str] = ()
) -> tuple[pd.DataFrame, FacetCatalog, pd.DataFrame | None]:
    """Every check before any work, in one pass: the options, the inputs'
    types and files, the columns and the data of every wave.

    Returns ``(survey, catalog, validated)``, where ``validated`` is None
    when the survey holds several waves. Raises one ``ValidationError``
    listing every problem, together with ``problems`` found by the caller
    (such as an output folder it cannot write).
    """
    problems = list(problems) + study.problems()
    if study.connection is None:
        problems.append(
            "analyze needs the connection outcome column: pass connection=... "
            "(--connection COL)."
        )
    if survey is None:
        problems.append(
            "analyze needs a survey: a pandas DataFrame or the path of a CSV or "
            "Parquet file; got None."
        )
        frame = None
    else:
        frame = _as_frame(survey, "survey", study, problems)
    given = _catalog_input(catalog, study, problems, frame)
    if frame is not None:
        frame = _with_wave_text(frame, study)
        frame = _with_stated_columns(frame, given, study, problems)
        frame = _with_rating_labels(frame, given, study)
        frame = _with_answered(_with_coded_outcome(frame, study, problems), study)
        frame = _with_coded_churn(frame, study)
    cat = _as_catalog(given, frame, problems)
    if cat is not None and catalog is None:  # built from facets=[...]
        cat = replace(cat, listed=True)
    data = None
    roles_ok = not any(" role must be " in p for p in problems)
    n_outside = len(problems)
    if frame is not None and cat is not None and roles_ok:
        roles = _schema_roles(study)
        roles["connection"] = roles["connection"] or ""
        codes = study.not_experienced  # as analyze reads the scales
        codes = codes if isinstance(codes, list | tuple) else None
        scaled = cat.with_scales_from(frame, codes)[0]
        schema = SurveySchema.infer(frame, scaled, **roles)
        data, found = _validate_all_waves(frame, schema, scaled, study)
        found = _as_the_user_named(found, frame)
        if study.connection is None:
            found = [p for p in found if "connection column ''" not in p]
        problems += found
        if not any("'controls' parameter" in p for p in problems):
            problems += _control_problems(frame, schema, study)
        named = {r: c for r, c in schema.roles().items() if isinstance(c, str)}
        for role in ("churn", "advocacy"):
            col = getattr(study, role)
            if col is not None and col not in frame.columns:
                problems.append(
                    f"The {role} column '{col}' is not in the survey."
                    f"{did_you_mean(col, [str(c) for c in frame.columns])}"
                )
            taken = [r for r, c in named.items() if c == col] + (
                ["a facet's"] if col in schema.facets else []
            )
            if col is not None and taken:
                problems.append(
                    f"The {role} column '{col}' is also the {' and '.join(taken)} "
                    "column: each role needs a column of its own."
                )
            if role == "churn" and col in frame.columns:
                problems += _churn_problems(frame[col], col)
            named[role] = col
    if problems:
        # which of a workbook's sheets these problems are in: said, not counted
        lines = [frame.attrs.get(ATTRS, {}).get("sheet") if frame is not None else None]
        if isinstance(given, pd.DataFrame) and cat is None:
            read = given.attrs.get(ATTRS, {}).get("sheet")
            if read:  # the sheet read as the catalog, and the option to choose
                lines.append(
                    f"Catalog: {read.replace(SHEET_CHOICE, CATALOG_SHEET_CHOICE)}"
                )
        subject = "input" if n_outside else "survey"
        context = "\n".join(line for line in lines if line) or None
        raise ValidationError(problems, subject=subject, context=context)
    return frame, cat, data


def _churn_problems(values: pd.Series, column: str) -> list[str]:
    """The churn column must hold 0 and 1 only (missing aside): refused
    here, before any fit, not by the value link after the bootstrap."""
    if not isinstance(values, pd.Series):  # a name the survey holds twice
        return []
    coded = pd.to_numeric(values, errors="coerce")
    bad = values[values.notna() & ~coded.isin([0, 1])].unique()
    if not len(bad):
        return []
    return [
        f"The churn column '{column}' must be 0/1 (1 = the customer left); it "
        f"holds {preview(bad)}: code it as 0 and 1."
    ]


def _as_the_user_named(problems: list[str], survey: pd.DataFrame) -> list[str]:
    """``problems`` naming each stated-importance column as the survey
    names it ("Wichtigkeit: Mobile App"), not as the analysis renamed it
    (``stated__app``, see :func:`_with_stated_columns`)."""
    names = survey.attrs.get(ATTRS, {}).get("stated") or {}
    for column, name in names.items():
        problems = [p.replace(f"'{name}'", f"'{column}'") for p in problems]
    return problems


def _control_problems(
    frame: pd.DataFrame, schema: SurveySchema, study: Study
) -> list[str]:
    """The context controls' problems: those :func:`design_matrix` refuses
    (a column that is not in the survey, is a facet, is named twice or has
    no value), a role column, or an id-like category."""
    controls = list(study.controls or [])
    named = list(dict.fromkeys(controls))
    roles = schema.roles()
    problems = _design_problems(frame, controls, schema.facets)
    problems += [
        f"The control column '{c}' is the survey's {role} column; a control "
        "is customer context, not the outcome, a weight or an id."
        for c in named
        for role in ("connection", "weight", "id")
        if roles.get(role) == c
    ]
    problems += [
        f"The control column '{c}' is the survey's {role} column, which "
        "follows from connection: held fixed, it takes from every touchpoint "
        "what the touchpoint does through it. A control is customer context "
        "known before the experience."
        for c in named
        for role in ("value", "satisfaction", "churn", "advocacy")
        if (getattr(study, role, None) or roles.get(role)) == c
    ]
    problems += [
        f"The control column '{c}' is a motivator column, which measures "
        "connection itself; a control is customer context."
        for c in named
        if c in roles.get("motivators", [])
    ]
    # a categorical control is groups of customers; a number is read as one
    problems += [
        problem
        for c in named
        if c in frame.columns and not pd.api.types.is_numeric_dtype(frame[c])
        if (problem := grouping_problem(frame[c], "control column"))
    ]
    return problems


def _drivers_table(importance: ImportanceResult, cat: FacetCatalog) -> pd.DataFrame:
    """``drivers.csv``: the columns of :data:`DRIVER_COLUMNS` in order, then extras."""
    frame = importance.to_frame().merge(
        cat.to_frame()[["facet", "label", "stage"]], on="facet", how="left"
    )
    return _order_drivers(frame)


def _design_step(
    data: pd.DataFrame, schema: SurveySchema, w: np.ndarray, y: np.ndarray, study: Study
) -> Design:
    """The model's design matrix: facets, the halo score and context controls
    (checked with the inputs, by :func:`_control_problems`). Its warnings (a
    control that copies a facet or nearly is the outcome, a facet rated best
    to worst) are in ``design.info["warnings"]``, warned with the others."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return design_matrix(
            data[list(schema.facets)],
            data=data,
            halo=study.halo,
            controls=list(study.controls or []),
            sample_weight=w,
            y=y,
        )


def _routed_step(
    data: pd.DataFrame, schema: SurveySchema, w: np.ndarray, study: Study
) -> list[dict[str, Any]]:
    """The facets rated (nearly) only within one segment
    (:func:`~emomotiv.controls.routed_facets`), each marked ``controlled``
    where the segment column is among the controls: the control takes part
    of what sets the segment apart, not always all."""
    segment = schema.segment
    if segment is None:
        return []
    controlled = segment in (study.controls or [])
    found = routed_facets(data[list(schema.facets)], data[segment], w)
    return [r | {"controlled": controlled} for r in found]


def _usage_step(
    importance: ImportanceResult, y: np.ndarray, w: np.ndarray, estimator: DriverModel
) -> list[dict[str, Any]]:
    """The facets whose importance comes mostly from who rated them
    (:func:`~emomotiv.controls.usage_led_facets`), among those with more than
    an even share of importance (a rank worth reading), measured on the
    respondents the full model's explanation covers."""
    explanation = importance.explanation
    if explanation is None:
        return []
    rows = importance.info.get("explained_rows")
    rows = np.arange(len(y)) if rows is None else np.asarray(rows)
    binary = getattr(estimator, "task_", None) == "binary"
    outcome = y == estimator.classes_[1] if binary else y
    shares = importance.table["importance"]
    facets = [str(f) for f in shares.index[shares > 1 / len(shares)]]
    return usage_led_facets(
        explanation,
        np.asarray(outcome, dtype=float)[rows],
        w[rows],
        facets=facets,
    )


def _controls_step(
    importance: ImportanceResult, design: Design
) -> tuple[pd.DataFrame, dict]:
    """``controls.csv`` and ``summary["halo"]``: what the touchpoints do not explain."""
    columns = list(CONTROL_COLUMNS)
    table = importance.controls
    if table is None:
        frame = pd.DataFrame(columns=columns)
    else:
        frame = table.reset_index()
        frame["label"] = frame["control"].map(design.labels)
        frame["kind"] = frame["control"].map(design.kinds)
        frame = (
            frame[columns]
            .sort_values("importance", ascending=False, kind="stable")
            .reset_index(drop=True)
        )
    strength = None
    if table is not None and HALO in table.index:
        strength = float(table.loc[HALO, "importance"])
    note = design.info.get("halo_note")
    if note is None and design.halo == "none":
        note = (
            "no score of general warmth (halo none): importance and simulated "
            "gains may carry general warmth toward the brand"
        )
    summary = {
        "method": design.halo,
        "strength": strength,
        "controls": [c for c in design.controls if c != HALO],
        "control_share": None if table is None else float(table["importance"].sum()),
        "note": note,
    }
    return frame, summary


def _fit_model(study: Study, X: pd.DataFrame, y: np.ndarray, w: np.ndarray):
    """The study's model (or the default ``DriverModel``), seeded and fitted.

    The study's model is cloned: the caller's object is left as given, so two
    analyses given one model neither change its settings nor refit each
    other's result.
    """
    from sklearn.base import clone

    task = model_task(study.connection_kind)
    if study.model is None:
        estimator = DriverModel(random_state=study.random_state, task=task)
    else:
        estimator = clone(study.model).set_params(random_state=study.random_state)
        if isinstance(estimator, DriverModel):
            estimator.set_params(task=task)
    if study.cv is not None and "cv" in estimator.get_params():
        estimator.set_params(cv=study.cv)
    return estimator.fit(X, y, sample_weight=w)


def _name_settled(
    importance: ImportanceResult, cat: FacetCatalog, binary: bool, weak: bool = False
) -> None:
    """Say an unstable ranking's warning with its settled facets by their
    labels; ``weak``: the model barely predicts the outcome, so they are no
    finding (see :func:`~emomotiv.bootstrap._stability_warning`)."""
    stability = importance.info["stability"]
    if not stability["warning"]:
        return
    labels = cat.to_frame().set_index("facet")["label"]
    stability["warning"] = _stability_warning(
        stability["top_k_overlap"],
        importance.info["top_k"],
        [str(labels.get(f, f)) for f in stability["settled"]],
        binary,
        len(cat.stages),
        weak=weak,
    )


def _uncertainty_step(
    estimator: DriverModel,
    design: Design,
    y: np.ndarray,
    w: np.ndarray,
    cat: FacetCatalog,
    study: Study,
) -> tuple[ImportanceResult, pd.DataFrame, dict]:
    """Bootstrap importance, the stage view and ``summary["uncertainty"]``."""
    catalog = cat.to_frame().set_index("facet")
    # the diagnostics say the first, the run's warnings the second and the
    # third (too few replicates: _replicate_notes)
    with (
        _said_elsewhere("The model made no split on any facet"),
        _said_elsewhere(NO_SPLIT, pattern=True),
        _said_once(),
    ):
        importance = bootstrap_importance(
            estimator,
            design.matrix,
            y,
            controls=design.groups,
            sample_weight=w,
            n_boot=study.n_boot,
            level=study.level,
            n_jobs=study.n_jobs,
            progress=study.progress,
            random_state=study.random_state,
            client=study.client,
            boot_size=study.boot_size,
            stages=catalog["stage"],
        )
    stages = stage_importance(importance, catalog["stage"])
    info = importance.info
    _name_settled(importance, cat, estimator.task_ == "binary")
    summary = {
        "n_boot": info["n_boot"],
        "level": info["level"],
        "sample_size": info["sample_size"],
        "boot_size": info.get("boot_size"),
        "resampling": info["resampling"],
        "interval": info["interval"],
        "quantiles": info["quantiles"],
        "estimator": info["estimator"],
        "model_seed": info.get("model_seed"),
        "widened": info.get("widened", 0),
        "no_split": info.get("no_split", 0),
        "top_k": info["top_k"],
        "stability": info["stability"],
    }
    return importance, stages, summary


def _steps(study: Study):
    """A bar over the analysis's stages (on stderr), naming the one running."""
    return progress_bar(
        total=7, desc="analyze", unit="stage", disable=not study.progress
    )


def _segments_step(
    estimator: DriverModel,
    data: pd.DataFrame,
    schema: SurveySchema,
    cat: FacetCatalog,
    study: Study,
    design: Design,
):
    """Drivers within each segment; (tables, ``summary["segments"]``, result).

    Each segment's model sees the whole survey's design (the facets, the
    halo score and the context controls) and holds the controls fixed; the
    segment column itself, given as a control too, is constant within a
    segment and left out of its models.
    """
    from .segments import segment_drivers

    if schema.segment is None:
        return {}, {"skipped": "skipped: no segment column (--segment)"}, None
    labels = dict(zip(cat.to_frame()["facet"], cat.to_frame()["label"], strict=True))
    w = data[schema.weight].to_numpy() if schema.weight else None
    # the segment as a control is constant within each segment: left out there
    own = [c for c, g in design.groups.items() if g == schema.segment]
    matrix = design.matrix.drop(columns=own)
    groups = {c: g for c, g in design.groups.items() if c not in own}
    from .segments import FEW_SEGMENTS

    # the run says the few segments once, in the outcome's words
    with _said_once(), _said_elsewhere(FEW_SEGMENTS, True):
        result = segment_drivers(
            estimator,
            matrix,
            data[schema.connection].to_numpy(),
            data[schema.segment],
            sample_weight=w,
            labels=labels,
            min_size=study.min_segment_size,
            n_boot=study.n_boot,
            level=study.level,
            n_jobs=study.n_jobs,
            progress=study.progress,
            random_state=study.random_state,
            boot_size=study.boot_size,
            controls=groups or None,
            catalog=cat,
            client=study.client,
            gains=study.gains,
        )
    summary = jsonable(result.to_summary())
    return {"segment_drivers": result.to_frame()}, summary, result


def _outcome_question(survey: pd.DataFrame, column: object) -> str | None:
    """The outcome's question the survey file gives: a platform export's
    question text, or an SPSS or Stata variable label where the column's
    name is a code ("conn", not "connected"). It is quoted in the
    warning that asks for a short name, not taken as the name itself (a
    label such as "S5. Emotionally connected (1=Yes, 0=No)" reads badly as
    the report's title)."""
    meta = survey.attrs.get(ATTRS, {})
    question = meta.get("questions", {}).get(column)
    if question or column in guess_roles([str(column)]).values():
        return question  # a name that says what it is ("connected") needs none
    return meta.get("labels", {}).get(column)


def _outcome_name_notes(
    column: object, label: str | None, question: str | None = None
) -> list[str]:
    """A warning where the report would name the outcome by a column named
    as its question ("Do you feel connected to your bank?") or at length,
    or by a code whose question the export gives ("Q40")."""
    name = str(column).replace("_", " ")  # as the report shows it
    coded = bool(question) and question.strip() != str(column).strip()
    if label or not (reads_badly_as_outcome(column) or coded):
        return []
    why = (
        f"a code, for the question '{question}'"
        if coded and not reads_badly_as_outcome(column)
        else "a question or a long name reads badly there"
    )
    return [
        f"The report names the outcome by its column, '{column}' (\"What "
        f'drives “{name}”"): {why}. '
        "Give it a short name with outcome_label='emotionally connected' "
        "(--outcome-label on the command line, outcome_label in a study file)."
    ]


def _warn(summary: dict[str, Any], note: str, words: Mapping[str, str]) -> str:
    """``note`` in the outcome's ``words`` (:func:`emomotiv._wording.in_outcome_words`),
    added to ``summary["warnings"]`` and warned; returns the note as said."""
    note = in_outcome_words(note, words)
    summary["warnings"].append(note)
    warnings.warn(note, EmomotivWarning, stacklevel=3)
    return note


def _funded_lowering_value(
    plan: pd.DataFrame | None, value_drivers: pd.DataFrame | None
) -> pd.DataFrame | None:
    """The value drivers' rows of the touchpoints the plan funds whose rise
    lowers value in all, beyond noise (``beyond_noise``, the value drivers'
    reading of every touchpoint at once, and ``delta_mean_value`` below
    zero): their value through connection is positive, but they lower value
    more by other paths, which the plan does not see. None where that cannot
    be told: no plan, no value drivers, or no bootstrap to tell noise."""
    if (
        plan is None
        or value_drivers is None
        or "selected" not in plan
        or "beyond_noise" not in value_drivers
        or value_drivers["beyond_noise"].isna().all()
    ):
        return None
    funded = value_drivers["facet"].isin(
        plan.loc[plan["selected"].fillna(False).astype(bool), "facet"]
    )
    clear = value_drivers["beyond_noise"].astype("boolean").fillna(False)
    lowers = funded & clear.astype(bool) & (value_drivers["delta_mean_value"] < 0)
    return value_drivers[lowers].reset_index(drop=True)


def _lowering_warning(rows: pd.DataFrame) -> str:
    """The warning of :func:`_funded_lowering_value`'s touchpoints, each by
    its label with its change in mean value per customer and interval."""

    def amount(x: float) -> str:
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"

    named = "; ".join(
        f"'{r.get('label') or r['facet']}' ({amount(r['delta_mean_value'])} per "
        f"customer, {amount(r['delta_mean_value_low'])} to "
        f"{amount(r['delta_mean_value_high'])})"
        for r in rows.to_dict("records")
    )
    one = len(rows) == 1
    return (
        f"The plan funds {'a touchpoint' if one else f'{len(rows)} touchpoints'} "
        f"whose one-point rise lowers value in all, beyond noise, by the value "
        f"model: {named}. "
        + (
            "Its value through connection is positive, but it lowers"
            if one
            else "Each has a positive value through connection, but lowers"
        )
        + " value more by other paths (such as a price or a fee), so the plan's "
        "value through connection overstates what funding "
        f"{'it' if one else 'them'} adds: check {'it' if one else 'them'} before "
        "funding."
    )


def _warned_caveats(summary: Mapping[str, Any]) -> dict[str, str]:
    """The facets the run warned of (rated only within one segment, read as
    the outcome, ranked by who rated them), with the caveat their rows'
    ``note`` adds (:func:`emomotiv.simulate.facet_caveats`)."""
    said = summary["importance"]
    return facet_caveats(
        said["routed"], said["outcome_like"], said.get("usage_led") or ()
    )


def _cost_warnings(roi: pd.DataFrame) -> list[str]:
    """Costs that read as typed in another unit: one far below the others
    (``COST_GAP`` times below their median: '80.000' read as 80), or a median
    return of ``IMPLAUSIBLE_RETURN`` times the cost (costs per customer, or in
    thousands, where the plan takes totals in the value's units)."""
    cost = roi.set_index("facet")["cost"]
    priced = cost[np.isfinite(cost) & (cost > 0)]
    notes = []
    if len(priced) >= 3:
        below = priced[priced * COST_GAP < priced.median()]
        if len(below):
            shown = ", ".join(f"'{f}' ({c:,.4g})" for f, c in below.head(5).items())
            notes.append(
                f"The cost of {shown} is less than 1/{COST_GAP} of the "
                f"touchpoints' median cost ({priced.median():,.0f}): typed in "
                "another unit ('80.000' read as 80, a cost per customer)? Costs "
                "are totals per programme, in the value's units."
            )
    value = roi.set_index("facet").get("delta_value")
    if value is not None and len(priced):
        ratio = (value.reindex(priced.index) / priced).dropna()
        if len(ratio) and ratio.median() >= IMPLAUSIBLE_RETURN:
            notes.append(
                f"The touchpoints' one-point gains are worth a median "
                f"{ratio.median():,.0f} times their cost: are the costs per "
                "customer, or in thousands? The plan takes each cost as the "
                "programme's total, in the units of the value and the budget."
            )
    return notes


def _unestimated_notes(importance: ImportanceResult, data: pd.DataFrame) -> list[str]:
    """A warning naming the facets rated by fewer than ``FEW_RATERS_SPLIT``
    that no model split on (a share of exactly 0, and so a gain of 0, in the
    full-data model and every replicate): too few raters for the model's
    leaves, which reads as certainty of no effect."""
    table = importance.table
    high = table["importance_high"] if "importance_high" in table else None
    never = table["importance"].eq(0) & (
        table["full_data_importance"].eq(0) if "full_data_importance" in table else True
    )
    if high is not None and high.notna().any():
        never &= high.fillna(0).eq(0)
    raters = data[list(table.index)].notna().sum()
    few = [f for f in table.index[never] if raters[f] < FEW_RATERS_SPLIT]
    if not few:
        return []
    shown = ", ".join(f"'{f}' ({raters[f]})" for f in few[:5])
    more = f" and {len(few) - 5} more" if len(few) > 5 else ""
    return [
        f"No model split on {shown}{more}, rated by fewer than "
        f"{FEW_RATERS_SPLIT} respondents: their importance and gain read 0 "
        "with no spread because too few rated them for the model's leaves, "
        "not because they move nothing. Read them as unknown, or survey more "
        "of their users."
    ]


def _outcome_like_notes(
    importance: ImportanceResult,
    cat: FacetCatalog,
    fit: Mapping[str, Any],
    usage_led: Sequence[str] = (),
) -> tuple[list[str], list[str]]:
    """Warnings of a facet that reads as the outcome rather than a
    touchpoint: one named as the recommendation or overall satisfaction
    question, one holding most of the importance, and a cross-validated fit
    no survey's touchpoints give; and the facets they name. Left among the
    facets, such an item takes every touchpoint's importance and a plan
    funds it first. A facet holding most of the importance through who rated
    it (``usage_led``, :func:`~emomotiv.controls.usage_led_facets`) is no
    overall judgement: its own warning says why it holds so much."""
    labels = cat.to_frame().set_index("facet")["label"]
    shares = importance.table["importance"].sort_values(ascending=False, kind="stable")

    def shown(facet) -> str:
        label = labels.get(facet)
        named = f"{label}; " if label and label != facet else ""
        return f"'{facet}' ({named}{shares[facet]:.0%} of the importance)"

    notes = []
    # an id that is the role's name outright ("nps", "overall_satisfaction"),
    # or the one facet whose label is worded as the question: a grid whose
    # every item reads "Overall, how satisfied were you with ...?" is no outcome
    named = [f for f in shares.index if names_an_outcome(f)]
    worded = [
        f for f in shares.index if f not in named and names_an_outcome(f, labels.get(f))
    ]
    named += worded if len(worded) == 1 else []
    if named:
        one = len(named) == 1
        notes.append(
            f"The facet{'' if one else 's'} {'; '.join(map(shown, named))} "
            f"{'is' if one else 'are'} named as the recommendation or overall "
            "satisfaction question: an outcome of the experience, not a "
            "touchpoint. Ranked among the touchpoints it takes their importance "
            "and a plan funds it first; drop it from the facets (or give it its "
            "role: satisfaction=, --satisfaction; or advocacy=, --advocacy, "
            "beside a value column)."
        )
    top = shares.index[0] if len(shares) else None
    if (
        len(shares) > 1
        and top not in named
        and top not in usage_led
        and shares.iloc[0] >= DOMINANT_SHARE
        and shares.iloc[0] >= DOMINANT_RATIO * shares.iloc[1]
    ):
        times = (
            f"{shares.iloc[0] / shares.iloc[1]:.0f} times the next facet's share"
            if shares.iloc[1] > 0
            else "all of it, every other facet's share 0"
        )
        named.append(top)
        notes.append(
            f"The facet {shown(top)} holds {times}: one touchpoint rarely drives "
            "the outcome alone. If it is an overall judgement (overall "
            "satisfaction, likelihood to recommend, an index of other facets), "
            "it restates the outcome: drop it from the facets. While it is in "
            "the model, every other facet's share, direction and quadrant, the "
            "halo's and the plan are read beside it; check it before acting on "
            "any of them."
        )
    auc, r2 = fit.get("roc_auc"), fit.get("r2")
    if (auc is not None and auc >= PERFECT_AUC) or (
        r2 is not None and r2 >= PERFECT_R2
    ):
        score = f"AUC is {auc:.3f}" if auc is not None else f"R² is {r2:.3f}"
        notes.append(
            f"The model's cross-validated {score}: no survey's touchpoints "
            "predict the outcome this well. A facet is likely the outcome in "
            f"disguise (the largest: {shown(top)}), or the outcome was made from "
            "the facets; check them before reading the ranking."
        )
        named += [top] if top not in named else []
    return notes, [str(f) for f in named]


@contextlib.contextmanager
def _said_elsewhere(message: str, pattern: bool = False):
    """A step quiet about the warning that starts with ``message`` (a regular
    expression when ``pattern``), which another step of the run says once."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message if pattern else re.escape(message), UserWarning
        )
        yield


def _value_link_notes(
    value_summary: dict, measures, y, estimator, given: bool = False
) -> list[str]:
    """The value link's warnings: a few records that decide a compared
    group's mean, and a rule for the fully connected that is not the 0/1
    outcome the plan's gains are in (unless a value per connected customer
    is ``given``: the link's gap then prices nothing)."""
    from .value import definition_warning

    notes = [value_summary["warning"]] if value_summary.get("warning") else []
    for key, what in (("attrition", "churn"), ("advocacy", "advocacy")):
        link = value_summary.get(key) or {}
        if link.get("note"):  # the flag cannot tell the tiers apart
            why = link["note"].removeprefix("no odds ratio: ")
            notes.append(f"The value link gives no {what} odds ratio: {why}.")
    rule = measures.connected_rule
    if given or value_summary.get("value_per_connected") is None:
        return notes
    if estimator.task_ != "binary":
        return notes
    if rule == "connection outcome = 1":
        return notes
    outcome = (y == estimator.classes_[1]).astype(float)
    found = definition_warning(outcome, measures.tiers, rule)
    return notes + ([found] if found else [])


def _replicate_notes(n_boot: int, level: float) -> list[str]:
    """The run's word on too few bootstrap replicates (one, or fewer than
    its level needs), in ``summary["warnings"]`` and the console: the
    bootstraps of the run are quiet about it (:func:`_said_once`)."""
    from ._stats import few_replicates
    from .bootstrap import ONE_REPLICATE

    if n_boot == 1:
        return [ONE_REPLICATE]
    few = few_replicates(n_boot, level)
    return [few] if few else []


@contextlib.contextmanager
def _said_once():
    """The steps after the whole survey's bootstrap, quiet about its settings
    (one replicate, or too few for the level): that bootstrap has said it,
    once."""
    from ._stats import FEW_REPLICATES
    from .bootstrap import ONE_REPLICATE

    with _said_elsewhere(ONE_REPLICATE), _said_elsewhere(FEW_REPLICATES, True):
        yield


def _value_drivers_step(
    data, schema, cat, plan, study: Study, cv: int, design, link: dict, binary: bool
):
    """Touchpoints to value and the part through connection; (tables,
    summary, result).

    The value model sees the driver model's design (the facets, the halo
    score and the context controls: warmth lifts value through connection
    as it lifts connection) and is cross-validated with its folds (``cv``).
    The part through connection is priced in the value column's own terms,
    as the change in mean value it is a part of: the plan's value per
    connected customer when it comes from the value column, the value link's
    when the plan's is given (``value_per_connected``, on a basis of its own:
    a lifetime value, a margin), else none.
    """
    from .value_drivers import ValueModel, value_drivers

    if schema.value is None:
        return {}, {"skipped": "skipped: no value column (--value)"}, None
    frame = cat.to_frame()
    plan_summary = (plan.summary or {}) if plan is not None else {}
    vpc = plan_summary.get("value_per_connected")
    if vpc is not None and plan_summary.get("value_source") == "parameter":
        vpc = link.get("value_per_connected") if binary else None
    # the part through connection needs both; without a value per connected
    # customer the ROI table's note says why
    roi = plan.roi.set_index("facet") if plan is not None and vpc is not None else None
    with _said_once():
        result = value_drivers(
            design.matrix,
            data[schema.value],
            sample_weight=data[schema.weight].to_numpy() if schema.weight else None,
            scale_max=dict(zip(frame["facet"], frame["scale_max"], strict=True)),
            labels=dict(zip(frame["facet"], frame["label"], strict=True)),
            delta_connected=None if roi is None else roi["delta_connected"],
            value_per_connected=vpc,
            model=ValueModel(cv=cv, random_state=study.random_state),
            n_boot=study.n_boot,
            level=study.level,
            n_jobs=study.n_jobs,
            random_state=study.random_state,
            boot_size=study.boot_size,
            controls=design.groups or None,
            client=study.client,
            gains=study.gains,
        )
    summary = jsonable(result.to_summary())
    if vpc is None and plan_summary.get("value_source") == "parameter":
        summary["note"] = (
            "no decomposition: the value per connected customer given prices the "
            "plan on a basis of its own, and the value link has none in the value "
            "column's units to split by"
            + ("" if binary else " (a score outcome's link prices no point of it)")
        )
    return {"value_drivers": result.to_frame()}, summary, result


def _roles(schema: SurveySchema, study: Study, linked: bool) -> dict[str, object]:
    """Role -> column for ``summary["data"]["roles"]``: the schema's roles,
    the value link's churn and advocacy columns where it read them
    (``linked``), and the number of facets."""
    links = {"churn": study.churn, "advocacy": study.advocacy} if linked else {}
    links = {role: column for role, column in links.items() if column is not None}
    return schema.roles() | links | {"facets": len(schema.facets)}


def _wave_label(data: pd.DataFrame, wave: str | None) -> str | None:
    """The survey's wave label, when it has a wave column with one label."""
    labels = data[wave].dropna().unique() if wave else []
    return str(labels[0]) if len(labels) == 1 else None


AGREEMENT_METHODS = ["shap", "relative_weights", "shapley_regression"]


def _classical_methods(X, y, w, random_state: int) -> tuple[dict, Any]:
    """The four classical methods on the same data, and the pairwise reading's
    relative weights when their correlations gave an artefact (else None).

    Missing ratings are read pairwise, or as the facet's weighted mean where
    the pairwise correlations had to be replaced by the nearest (singular)
    correlation matrix; the methods' own artefact warning is said once, by
    the caller, as are the facets rated by few that they read with their mean
    (``info["mean_read"]``)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"\w+ reads a linear R² of", UserWarning)
        warnings.filterwarnings("ignore", "The missing ratings of the facets rated")
        weights = relative_weights(X, y, sample_weight=w)
        artefact = weights if weights.info["psd_projection"] > 0 else None
        missing = "pairwise" if artefact is None else "mean"
        if artefact is not None:
            weights = relative_weights(X, y, sample_weight=w, missing=missing)
        return {
            "relative_weights": weights,
            "shapley_regression": shapley_regression(
                X, y, sample_weight=w, random_state=random_state, missing=missing
            ),
            "std_beta": beta_importance(X, y, sample_weight=w, missing=missing),
            "squared_correlation": correlation_importance(
                X, y, sample_weight=w, missing=missing
            ),
        }, artefact


def _methods_step(importance, X, y, w, cat, random_state: int, design: Design):
    """The "methods" table and summary["agreement"]: SHAP beside the classics.

    The classical methods decompose the R² of a linear (probability) model on
    pairwise-complete weighted correlations; Shapley regression is exact up to
    20 facets and sampled beyond, with its Monte-Carlo error stated. With
    context controls they get the same control as the model: they run on
    partial correlations given the controls. The halo score is not
    partialled out here: it is a linear function of the ratings themselves,
    so a linear model holding it fixed is left with collinear facets (R²
    near 1 and an arbitrary split of it).

    Where the pairwise correlations do not form a valid correlation matrix
    (a routed survey: many touchpoints, each rated by few), the nearest one
    is singular and its R² near 1 an artefact; the methods are then read
    with each missing rating replaced by the facet's weighted mean among its
    raters (``missing="mean"``, a valid matrix always), and
    ``summary["agreement"]["warning"]`` says so. It says too when a few
    touchpoints rated by far fewer than the others alone were read so, the
    others pairwise (``info["mean_read"]``).
    """
    given = [c for c in design.columns if design.groups.get(c) != HALO]
    rated = X.notna().sum().sort_values(kind="stable")
    if given:
        X, y = partial_out(X, design.matrix[given], y, sample_weight=w)
    classical, artefact = _classical_methods(X, y, w, random_state)
    labels = dict(zip(cat.to_frame()["facet"], cat.to_frame()["label"], strict=True))
    table = compare_methods({"shap": importance} | classical, labels=labels)
    agreement = method_agreement(table, AGREEMENT_METHODS)
    lmg = classical["shapley_regression"]
    agreement["linear_r2"] = lmg.total
    agreement["shapley_regression"] = {
        "method": lmg.info["method"],
        "n_permutations": lmg.info["n_permutations"],
        "max_std_error": lmg.info["max_std_error"],
        "units": "R²",
    }
    agreement["missing"] = lmg.info["missing"]
    agreement["given"] = [c for c in design.controls if c != HALO]
    if artefact is not None:
        # the nearest valid matrix is singular: the outcome is (nearly) a
        # linear combination of the facets there, whatever the data say
        outcome = pd.Series(np.asarray(y, dtype=float), index=X.index, name="")
        weighted = weights_break_correlations(pd.concat([X, outcome], axis=1), w)
        cause = (
            f" Here {weighted}."
            if weighted
            else " Touchpoints rated by few respondents cause it (fewest: "
            + ", ".join(f"{labels[f]}: {n}" for f, n in rated.head(3).items())
            + ")."
        )
        agreement["warning"] = (
            "The classical methods read each touchpoint's missing ratings as "
            "its weighted mean rating among its raters (missing='mean'), not "
            f"pairwise: the {len(table)} touchpoints' pairwise correlations "
            "(each pair over the respondents who rated both) do not form a "
            "valid correlation matrix, and the nearest one (moved by "
            f"{artefact.info['psd_projection']:.2g}) is singular, so it gave a "
            f"linear R² of {artefact.total:.2f}, an artefact that no ranking "
            f"can be read from. Read with the mean, the linear R² is {lmg.total:.2f}, "
            "and a touchpoint's classical share grows with its reach (its "
            "non-users add no covariance), as SHAP's does." + cause
        )
    elif lmg.info["mean_read"]:
        mean_read = lmg.info["mean_read"]
        agreement["warning"] = _mean_read_warning(mean_read, rated, len(X), labels)
    return table, agreement


def _mean_read_warning(
    mean_read: list[str], rated: pd.Series, n: int, labels: Mapping[str, str]
) -> str:
    """Which touchpoints rated by few (``rated``: raters per facet, of ``n``
    respondents) the classical methods read with their mean
    (``info["mean_read"]``), and what that does to their shares."""
    shown = ", ".join(
        f"{labels.get(f, f)} ({rated[f]:,} of {n:,})" for f in mean_read[:5]
    )
    more = f" (+{len(mean_read) - 5} more)" if len(mean_read) > 5 else ""
    return (
        "The classical methods (relative weights, Shapley regression, "
        "standardized betas and squared correlations) read the missing ratings "
        f"of the touchpoints rated by fewest respondents, {shown}{more}, as "
        "the touchpoint's weighted mean rating among its raters: their "
        "pairwise correlations, each over their few raters, do not form a "
        "valid correlation matrix with the other touchpoints'. Their classical "
        "share then shrinks with their reach (their non-users add no "
        "covariance); the other touchpoints keep their pairwise correlations."
    )


def _population_hint(w: np.ndarray) -> str:
    """The no-population note's pointer to the weights' sum, when the
    weights sum to :data:`POPULATION_WEIGHTS` times the respondents or more
    (weights scaled to the population), else ""."""
    total = float(w.sum())
    if total < POPULATION_WEIGHTS * len(w):
        return ""
    return (
        f" The survey weights sum to {total:,.0f} for {len(w):,} respondents: "
        "if that is the number of customers the survey represents, pass "
        f"--population {total:.0f} (population={total:.0f})."
    )


def _population_warning(w: np.ndarray, population: float | None) -> str | None:
    """A warning when weights that look like population weights (they sum
    to :data:`POPULATION_WEIGHTS` times the respondents or more) sum to a
    number :data:`POPULATION_WEIGHTS` times the population given or more,
    or as many times less; None otherwise."""
    total = float(w.sum())
    if population is None or total < POPULATION_WEIGHTS * len(w):
        return None
    ratio = total / population
    if 1 / POPULATION_WEIGHTS < ratio < POPULATION_WEIGHTS:
        return None
    return (
        f"The survey weights sum to {total:,.0f} for {len(w):,} respondents, "
        f"{ratio:,.3g} times the population given ({population:,.0f}): weights "
        "scaled to the customers the survey represents sum to its population. "
        f"If they do, pass --population {total:.0f} (population={total:.0f}): "
        "every delta_value, ROI and the plan scale with it. If "
        f"{population:,.0f} is right, the weights were scaled to another "
        "total, which changes nothing else."
    )


def _source_digest() -> str:
    """The first 12 hex digits of the SHA-256 of the package's own files
    (code, templates, bundled data), by path: two installs of one version
    string with other code (a development checkout, a patched copy) differ
    in it, so a moved number can be told from a change of code."""
    import hashlib

    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _versions() -> dict[str, str]:
    import sklearn
    import xgboost

    from . import __version__
    from .importance import _import_shap

    shap = _import_shap()

    return {
        "emomotiv": __version__,
        "emomotiv_source": _source_digest(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
        "xgboost": xgboost.__version__,
        "shap": shap.__version__,
    }


def _plan_step(
    estimator: DriverModel,
    importance: ImportanceResult,
    data: pd.DataFrame,
    design: Design,
    schema: SurveySchema,
    cat: FacetCatalog,
    summary: dict,
    study: Study,
):
    """ROI of +1 on each facet and the budget plan (tables roi, plan).

    The estimates and intervals come from the importance bootstrap's
    replicate models; without a bootstrap (``n_boot=0``), from cross-fitting.
    """
    vpc, source = study.value_per_connected, None
    link = summary.get("value") or {}
    # the link values a connected customer: it prices a 0/1 outcome's gains;
    # a score's gains are points, priced by the value of a point (the plan's)
    binary = estimator.task_ == "binary"
    if vpc is None and binary and link.get("value_per_connected") is not None:
        vpc = (
            link["value_per_connected"],
            link.get("value_per_connected_low", np.nan),
            link.get("value_per_connected_high", np.nan),
        )
        source = "value_link"
    w = data[schema.weight].to_numpy() if schema.weight else None
    result = plan_improvements(
        estimator,
        design.matrix,
        data[schema.connection].to_numpy(),
        catalog=cat,
        budget=study.budget,
        population=study.population,
        value_per_connected=vpc,
        value=data[schema.value].to_numpy() if schema.value else None,
        value_source=source,
        sample_weight=w,
        n_boot=0,
        level=study.level,
        random_state=study.random_state,
        bootstrap=importance if importance.refits is not None else None,
        controls=design.columns,
        n_jobs=study.n_jobs,
        gains=study.gains,
    )
    result = replace(result, roi=noted(result.roi, _warned_caveats(summary)))
    tables = {"roi": result.to_frame()}
    if result.plan is not None:
        tables["plan"] = result.plan
    return result, tables


def _recorded_study(study: Study, survey: Any, catalog: Any) -> dict[str, Any]:
    """``summary["study"]``: the settings, with the input paths when given.

    ``survey`` and ``catalog`` are the inputs analysed (the study's own where
    none was given). A path is recorded resolved; a DataFrame given in
    Python records no path, not the study's: the study's file is not what
    was analysed, and ``emomotiv analyze --study study.toml`` would run on it.

    ``n_jobs`` and ``progress`` say how this machine ran the study, not what
    it computed (the same numbers at any value): they are left out, so that
    the same study writes the same files on any machine.
    """
    paths = {
        name: str(Path(value).resolve()) if isinstance(value, str | PathLike) else None
        for name, value in {"survey": survey, "catalog": catalog}.items()
    }
    record = study.replace(**paths).to_dict()
    for name in ("n_jobs", "progress"):
        del record["options"][name]
    if study.model is not None:  # an object a study file cannot hold
        record["model"] = repr(study.model)
    if catalog is not None and paths["catalog"] is None:  # given in Python
        record["catalog_given"] = type(catalog).__name__
    return record


def analyze(
    survey: pd.DataFrame | str | PathLike | None = None,
    catalog: pd.DataFrame | FacetCatalog | str | PathLike | None = None,
    *,
    study: Study | None = None,
    **options: Any,
) -> AnalysisResult:
    """Run the driver analysis on one survey wave.

    Parameters
    ----------
    survey : DataFrame, path or None
        One row per respondent (when a path: CSV, Parquet, SPSS, Stata or
        Excel, see :func:`emomotiv.read_table`); by default the
        study's ``survey`` path.
    catalog : DataFrame, FacetCatalog, path or None
        The facet catalog; by default the study's ``catalog`` path. Without
        one, pass ``facets``.
    study : Study or None
        The settings; ``options`` are applied on top of it.
    **options
        Any field of :class:`~emomotiv.Study`, of which the most used are:

        connection : str
            The emotional-connection outcome column: 0/1, or a numeric score
            declared with ``connection_kind="score"``.
        connection_kind : {"auto", "binary", "score"}, default="auto"
            ``"auto"`` accepts a 0/1 outcome and refuses other values,
            naming them; ``"score"`` fits a regression on a numeric score.
        connected_values : sequence of str or float, or None
            For a yes/no outcome, the answers that mean connected
            (``["Yes"]``): read as 1, every other answer as 0.
        not_experienced : sequence of str or float, or None
            Codes in rating columns that mean "did not experience this
            touchpoint" (e.g. ``["n/a", 99]``); other text is an error.
        rating_labels : sequence of str, mapping, or None
            Ratings written as answer texts: the scale's labels, lowest
            first (read as 1, 2, ...), or each label's number.
        encoding : str, default="utf-8"
            Text encoding of CSV inputs given as paths.
        decimal : {".", ","}, default="."
            Their decimal mark.
        value, satisfaction, weight, segment, wave, id : str or None
            Optional role columns (see the data contract). ``weight`` enters
            the model fit, importance and every share. When the ``wave``
            column holds several waves, the latest (see
            :func:`emomotiv.sort_waves`) is analysed and compared with the
            previous one: the result then has ``tables["changes"]``,
            ``summary["tracking"]`` and ``tracking``.
        motivators : sequence of str or None
            Motivator columns; by default every ``motivator__*`` column.
        facets : sequence of str or None
            Facet columns, when no catalog is given.
        model : DriverModel or None
            An unfitted model to use instead of the default ``DriverModel``;
            a clone of it is fitted (``result.model``), the object given is
            left as it is. The analysis seeds it (``random_state``) and sets
            its task from the outcome (``connection_kind``): a model whose
            own ``random_state`` or ``task`` says otherwise is refused.
        n_boot : int, default=100
            Bootstrap replicates for the importance intervals, rank intervals
            and ``p_top`` (see :func:`~emomotiv.bootstrap_importance`); 0
            turns the bootstrap off and leaves those columns empty.
        level : float, default=0.9
            Coverage of the bootstrap intervals.
        n_jobs : int or None, default=None
            Threads for the bootstrap's refits and the scenarios it
            evaluates; None uses all cores. Results do not depend on it.
        progress : bool, default=True
            Show a progress bar during the bootstrap (on stderr, where it is
            a terminal or a notebook's: none in a log file or a pipe).
        churn, advocacy : str or None
            Attrition (0/1) and advocacy (0-10 recommendation, or a 0/1
            promoter flag) columns, each linked to connection with a logit.
        stated_form : {"ratings", "ranks", "maxdiff"}, default="ratings"
            What stated importance is (see :func:`emomotiv.stated_importance`).
        stated_source : {"auto", "respondents", "catalog"}, default="auto"
            Per-respondent ``stated__<facet>`` columns, or the catalog's
            ``stated_importance``; ``"auto"`` prefers the columns.
        stated_scale : (float, float) or None
            The stated-rating scale; its lowest value counts as no importance.
        derived_threshold, stated_threshold : float
            Quadrant thresholds in multiples of the mean share ``1/p``
            (see :func:`emomotiv.compare_importance`); ``None`` for the default.
        connected_rule : "auto", "outcome" or float, default="auto"
            Who is fully connected: the 0/1 outcome, or a connection score
            (from the motivators, 0-100) at or above the number given.
        satisfied_threshold : float or None
            Satisfaction at or above which a customer is highly satisfied
            (default: the top two boxes).
        promoter_threshold : float, default=9.0
            Recommendation at or above which a customer is a promoter.
        methods : bool, default=True
            Also rank the facets by relative weights, Shapley regression,
            standardized betas and correlations (``tables["methods"]``) and
            report how well they agree with SHAP (``summary["agreement"]``).
        population : float or None
            Customers the survey represents; turns changes in the connected
            share into value (``roi`` table). Without it values and ROI are
            empty.
        budget : float or None
            Money for improvements; with it, the ``plan`` table funds the
            facets with the largest expected value gain within the budget.
        value_per_connected : float or None
            Incremental value of a connected customer; with a score outcome
            (``connection_kind="score"``), of one point of the score. By
            default it comes from the value link (``summary["value"]``) when
            there is one, else from the difference in weighted mean ``value``
            between connected and unconnected respondents; for a score, from
            the weighted least-squares slope of ``value`` on the score.
        halo : {"mean", "factor", "profile", "components", "none"}, default="mean"
            Each respondent's general warmth, estimated from their own
            ratings (see :func:`~emomotiv.halo_score`), enters the model as
            a control: seen by every prediction, moved by no scenario, never
            ranked. ``tables["controls"]`` and ``summary["halo"]`` report its
            share of importance; ``"none"`` leaves it out. The value model
            holds the same controls fixed.
        controls : sequence of str or None
            Customer-context columns (numeric or categorical, missing
            allowed) that the model must see but that are not touchpoints;
            they join the halo score in ``tables["controls"]`` (the value
            model sees them too).
        random_state : int, default=0
            Seed for the model and its folds; the same seed gives the same
            result.

    Returns
    -------
    AnalysisResult
        ``tables["drivers"]``, ``tables["controls"]``, ``tables["roi"]`` (and
        ``tables["plan"]`` with a budget), ``summary``, ``importance``,
        ``model`` (fitted on the facets, then the control columns of
        :func:`~emomotiv.design_matrix`) and ``plan``.

    Raises
    ------
    ValidationError
        Before any model is fitted, listing every problem at once: options
        out of range (or needing another option), a survey or catalog that
        is neither a DataFrame nor a readable file, role arguments that are
        not column names, and every data problem of every wave.
    TypeError
        For an option that is not a field of :class:`~emomotiv.Study`, or a
        ``study`` that is not a :class:`~emomotiv.Study`.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=800, n_facets=15, random_state=1)
    >>> result = em.analyze(s.survey, s.catalog, connection="connected",
    ...                     weight="weight", n_boot=5, progress=False,
    ...                     random_state=0)
    >>> list(result.drivers.columns[:8])  # doctest: +NORMALIZE_WHITESPACE
    ['facet', 'label', 'stage', 'importance', 'importance_low',
     'importance_high', 'rank', 'p_top']
    """
    if study is not None and not isinstance(study, Study):
        raise TypeError(
            f"analyze(study=...) takes a Study; got {type(study).__name__}. Read a "
            "study file with Study.from_toml(path), or pass the settings as "
            "keyword arguments: analyze(survey, catalog, connection=...)."
        )
    study = Study.from_options(study, options)
    survey = study.survey if survey is None else survey
    catalog = study.catalog if catalog is None else catalog
    record = _recorded_study(study, survey, catalog)
    inputs = file_fingerprints(survey=survey, catalog=catalog)
    survey, cat, data = _checked_inputs(survey, catalog, study)
    if data is None:  # several waves, each checked: analyse the latest two
        from .tracking import analyze_latest_wave

        result = analyze_latest_wave(survey, cat, study, analyze=analyze)
        summary = result.summary | {"study": record, "inputs": inputs}
        return replace(result, summary=summary)
    cat, scale_notes, scale_warnings = cat.with_scales_from(
        survey, study.not_experienced, by={"segment": study.segment}
    )
    scale_notes = _reading_notes(survey, study) + scale_notes
    scale_warnings += label_order_warnings(survey)
    schema = SurveySchema.infer(survey, cat, **_schema_roles(study))
    scale_warnings += unrated_warnings(survey, schema.facets)

    y = data[schema.connection].to_numpy()
    w = data[schema.weight].to_numpy() if schema.weight else np.ones(len(data))
    scale_warnings += weight_warnings(w, len(schema.facets))
    if schema.value:
        value = data[schema.value].to_numpy(dtype=float, na_value=np.nan)
        scale_warnings += value_warnings(value, w)
        segments = data[schema.segment] if schema.segment else None
        priced = study.value_per_connected is None  # else the ROI's money is given
        scale_warnings += missing_value_warnings(value, segments, priced)
    steps = _steps(study)
    steps.set_postfix_str("fitting the model")
    design = _design_step(data, schema, w, y, study)
    estimator = _fit_model(study, design.matrix, y, w)
    steps.update()
    steps.set_postfix_str("bootstrap")
    importance, stages, uncertainty = _uncertainty_step(
        estimator, design, y, w, cat, study
    )
    drivers = _drivers_table(importance, cat)
    controls_table, halo_summary = _controls_step(importance, design)
    steps.update()
    steps.set_postfix_str("diagnostics, stated importance, value")
    with _one_blas_thread():
        diagnostics = diagnose_drivers(
            estimator,
            design.matrix,
            y,
            sample_weight=w,
            importance=importance,
            controls=design.columns,
        )
        comparison, stated_summary, stated_notes = _stated_step(
            data, cat, importance, w, study
        )
        measures, measures_summary, measure_tables = _measures_step(
            data, schema, cat, w, study
        )
    drivers = _order_drivers(_add_stated_columns(drivers, comparison))
    above = _threshold_above(data, schema, study)
    link, value_summary = _value_step(data, schema, measures, w, study, above)
    coded = survey.attrs.get(ATTRS, {}).get("churn")
    if link is None and coded:  # unread (a warning says so): not "read as"
        scale_notes = [note for note in scale_notes if note != coded]
    if link is not None:
        extra = link.table.drop(columns="mean_value")
        measure_tables["tiers"] = measure_tables["tiers"].merge(
            extra, on="tier", how="left"
        )

    if diagnostics.weak_fit:  # what a weak model settles on is its noise
        _name_settled(importance, cat, estimator.task_ == "binary", weak=True)
    stability = importance.info["stability"]["warning"]
    notes = [stability] if stability else []
    flat = importance.info.get("no_split_warning")
    said = any("made no split on any facet" in d for d in diagnostics.warnings)
    if flat and not said:  # (a model of every respondent that made none says it)
        notes.append(flat)
    notes += list(design.info["warnings"]) + list(diagnostics.warnings)
    notes += _replicate_notes(study.n_boot, study.level)
    routed = _routed_step(data, schema, w, study)
    notes += [routing_warning(routed)] if routed else []
    binary = estimator.task_ == "binary"
    label = study.outcome_label or str(schema.connection).replace("_", " ")
    usage_led = _usage_step(importance, y, w, estimator)
    if usage_led:
        labels = cat.to_frame().set_index("facet")["label"].dropna().to_dict()
        notes.append(
            usage_warning(usage_led, outcome=label, binary=binary, labels=labels)
        )
    outcome_notes, outcome_like = _outcome_like_notes(
        importance, cat, estimator.fit_summary(), [r["facet"] for r in usage_led]
    )
    notes += outcome_notes + _unestimated_notes(importance, data)
    outcome_like = list(
        dict.fromkeys(design.info.get("outcome_like", []) + outcome_like)
    )
    notes += (
        stated_notes
        + scale_warnings
        + _value_link_notes(
            value_summary, measures, y, estimator, study.value_per_connected is not None
        )
    )
    notes += [f"{above[0].upper()}{above[1:]}."] if above else []
    question = _outcome_question(survey, schema.connection)
    notes += _outcome_name_notes(schema.connection, study.outcome_label, question)
    words = outcome_words(label, score=not binary)
    notes = [in_outcome_words(note, words) for note in notes]
    for note in notes:
        warnings.warn(note, EmomotivWarning, stacklevel=2)
    outcome = weighted_share(y == estimator.classes_[1], w) if binary else None
    summary = {
        "schema_version": SUMMARY_SCHEMA,
        "data": {
            "n_respondents": len(data),
            "n_facets": len(schema.facets),
            "n_stages": len(cat.stages),
            "roles": _roles(schema, study, link is not None),
            "weighted": schema.weight is not None,
            "effective_n": kish_size(w),
            "connected_share": None if outcome is None else float(outcome),
            "wave": _wave_label(data, schema.wave),
            "mean_outcome": float(np.average(y, weights=w)),
            # a score's lowest and highest answers: compare lists a change
            "outcome_range": None if binary else [float(y.min()) + 0.0, float(y.max())],
            "outcome_label": label,
            "mean_reach": float(importance.table["reach"].mean()),
            "unanswered": int(survey.attrs.get(ATTRS, {}).get("unanswered", 0)),
            "scales": scale_notes,
            "not_experienced": count_not_experienced(
                survey, cat, study.not_experienced
            ),
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
            "outcome_like": outcome_like,
            "routed": routed,
            "usage_led": usage_led,
        },
        "uncertainty": uncertainty,
        "halo": halo_summary,
        "diagnostics": diagnostics.to_summary(),
        "stated": jsonable(stated_summary),
        "measures": jsonable(measures_summary),
        "value": jsonable(value_summary),
        "settings": {"random_state": study.random_state},
        "versions": _versions(),
        "warnings": notes,
    }
    steps.update()
    steps.set_postfix_str("scenarios, ROI and plan")
    plan, plan_tables = _plan_step(
        estimator, importance, data, design, schema, cat, summary, study
    )
    summary["plan"] = plan.summary
    plan.summary["note"] = in_outcome_words(plan.summary.get("note"), words)
    # money asked for (a population or a budget) that cannot be priced
    value_note = plan.summary.get("value_note")
    if schema.weight and value_note and value_note.startswith("No population"):
        value_note = plan.summary["value_note"] = value_note + _population_hint(w)
    if value_note and (study.population is not None or study.budget is not None):
        _warn(summary, value_note, words)
    unlike = _population_warning(w, study.population) if schema.weight else None
    for note in ([unlike] if unlike else []) + _cost_warnings(plan.roi):
        _warn(summary, note, words)
    steps.update()
    steps.set_postfix_str("segment drivers")
    segment_tables, summary["segments"], segments = _segments_step(
        estimator, data, schema, cat, study, design
    )
    from .segments import few_segments_warning, unstable_segments_warning

    for warning in (few_segments_warning, unstable_segments_warning):
        note = warning(summary["segments"])
        if note:
            _warn(summary, note, words)
    steps.update()
    steps.set_postfix_str("value drivers")
    value_tables, summary["value_drivers"], value_drivers = _value_drivers_step(
        data,
        schema,
        cat,
        plan,
        study,
        cv=getattr(estimator, "cv", 5),
        design=design,
        link=summary.get("value") or {},
        binary=binary,
    )
    if value_drivers is not None:
        value_drivers = replace(
            value_drivers, table=noted(value_drivers.table, _warned_caveats(summary))
        )
        value_tables["value_drivers"] = value_drivers.to_frame()
    value_warning = summary["value_drivers"].get("warning")
    if value_warning:
        summary["value_drivers"]["warning"] = _warn(summary, value_warning, words)
    lowering = _funded_lowering_value(
        plan_tables.get("plan"), value_tables.get("value_drivers")
    )
    if summary["plan"] is not None and "selected" in summary["plan"]:
        summary["plan"]["lowers_value"] = (
            None if lowering is None else list(lowering["facet"])
        )
    if lowering is not None and len(lowering):
        _warn(summary, _lowering_warning(lowering), words)
    summary["settings"] |= {"population": study.population, "budget": study.budget}
    tables = {
        "drivers": drivers,
        "controls": controls_table,
        "stages": stages,
        **measure_tables,
        **plan_tables,
    }
    tables |= segment_tables | value_tables
    steps.update()
    summary["agreement"] = {"skipped": "skipped: classical methods off (--no-methods)"}
    if study.methods:
        steps.set_postfix_str("classical methods")
        with _one_blas_thread():
            tables["methods"], summary["agreement"] = _methods_step(
                importance,
                data[list(schema.facets)],
                y,
                w,
                cat,
                study.random_state,
                design,
            )
        if summary["agreement"].get("warning"):
            summary["agreement"]["warning"] = _warn(
                summary, summary["agreement"]["warning"], words
            )
    steps.update()
    steps.close()
    summary["study"], summary["inputs"] = record, inputs
    return AnalysisResult(
        tables,
        summary,
        importance,
        estimator,
        diagnostics=diagnostics,
        stated=comparison,
        measures=measures,
        value=link,
        plan=plan,
        segments=segments,
        value_drivers=value_drivers,
    )
