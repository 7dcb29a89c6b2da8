"""Survey weights as a survey statistician reads them, through every output.

- **Scale**: weights ``w`` and ``c x w`` give the same analysis: every table,
  every number of ``summary.json``, every file written, and every Python
  function that takes ``sample_weight``.
- **Unit weights** (all 1) are no weights at all.
- **Frequency**: a respondent of integer weight ``k`` gives the point
  estimates of ``k`` copies of the row wherever the number is a weighted
  estimator, and so does the boosted model once its regularisation (which
  counts respondents, by design) is off; the bootstrap draws respondents,
  not weight units (docs/concepts/uncertainty.md).
- **Zero**: in the Python functions a respondent of weight 0 is left out, as
  if the row were absent; ``analyze`` refuses zero weights (the data
  contract), as it refuses negative, missing, infinite and text weights and
  weights that are all zero, each named.
- The weight column is never a facet, a control or a ranked row.

docs/how-to/survey-weights.md and docs/data-contract.md say the same.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emomotiv as em
from emomotiv.controls import partial_out
from emomotiv.io import save_analysis

RTOL = 1e-7

# small surveys fit weak models: their warnings are not what is tested here
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

#: Every part of the analysis on a small survey, with a bootstrap of two.
QUICK = dict(
    connection="connected",
    value="value",
    satisfaction="satisfaction",
    weight="weight",
    segment="customer_type",
    min_segment_size=80,
    churn="churned",
    advocacy="recommend",
    population=100_000,
    budget=100_000,
    n_boot=2,
    n_jobs=1,
    progress=False,
    random_state=0,
)


def quick(survey, catalog, **options) -> em.AnalysisResult:
    model = em.DriverModel(n_estimators=20, cv=2)
    return em.analyze(survey, catalog, **{**QUICK, "model": model, **options})


@pytest.fixture(scope="module")
def study():
    """600 respondents x 10 facets, stated ratings, float survey weights."""
    s = em.make_survey(
        n_respondents=600, n_facets=10, random_state=5, stated_form="ratings"
    )
    rng = np.random.default_rng(1)
    return s.survey.assign(weight=rng.uniform(0.3, 3.0, 600)), s.catalog


@pytest.fixture(scope="module")
def base(study):
    return quick(*study)


def differences(a, b, path: str = "summary") -> list[str]:
    """Where two summaries differ: numbers beyond rounding, anything else
    not equal."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys {sorted(set(a) ^ set(b))}"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items against {len(b)}"]
        pairs = enumerate(zip(a, b, strict=True))
        return [d for i, (x, y) in pairs for d in differences(x, y, f"{path}[{i}]")]
    if isinstance(a, float) and isinstance(b, float):
        same = a == pytest.approx(b, rel=RTOL, abs=1e-12, nan_ok=True)
        return [] if same else [f"{path}: {a!r} against {b!r}"]
    return [] if a == b else [f"{path}: {a!r} against {b!r}"]


def assert_same_analysis(a: em.AnalysisResult, b: em.AnalysisResult) -> None:
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(
            a.tables[name], b.tables[name], rtol=RTOL, atol=1e-12, obj=name
        )
    assert not differences(a.summary, b.summary)


# -- 1. the scale of the weights -----------------------------------------------


@pytest.fixture(scope="module")
def scaled(study):
    """The analysis with every weight times ``c``, run once per ``c``."""
    survey, catalog = study
    runs: dict[float, em.AnalysisResult] = {}

    def run(c: float) -> em.AnalysisResult:
        if c not in runs:
            runs[c] = quick(survey.assign(weight=c * survey["weight"]), catalog)
        return runs[c]

    return run


@pytest.mark.parametrize("c", [3.0, 0.01])
def test_analysis_does_not_see_the_scale_of_the_weights(base, scaled, c):
    """Drivers, classical methods, stated against derived, tiers, the value
    link, value drivers, ROI and plan, segments, diagnostics: all of it."""
    assert {"methods", "tiers", "plan", "segment_drivers", "value_drivers"} <= set(
        base.tables
    )
    assert_same_analysis(base, scaled(c))


def test_saved_files_do_not_see_the_scale_of_the_weights(
    base, scaled, tmp_path, monkeypatch
):
    """Every table file (replicates.csv too) and summary.json as written.
    The report is rendered from the same tables and summary: left out here,
    for time."""
    monkeypatch.setattr(em.io.Report, "write_html", lambda self, path: None)
    ours = save_analysis(base, tmp_path / "ours")
    theirs = save_analysis(scaled(0.01), tmp_path / "theirs")
    tables = sorted(p.name for p in ours.glob("*.csv"))
    assert tables == sorted(p.name for p in theirs.glob("*.csv"))
    assert {"drivers.csv", "plan.csv", "replicates.csv", "tiers.csv"} <= set(tables)
    for name in tables:
        pd.testing.assert_frame_equal(
            pd.read_csv(ours / name), pd.read_csv(theirs / name), rtol=RTOL, obj=name
        )
    a, b = (json.loads((d / "summary.json").read_text()) for d in (ours, theirs))
    assert not differences(a, b)


@pytest.fixture(scope="module")
def unweighted(study):
    return quick(*study, weight=None)


def test_unit_weights_are_no_weights(study, unweighted):
    """All weights 1: every table and number as without a weight column;
    the summary says only that a weight column was named."""
    survey, catalog = study
    ones = quick(survey.assign(weight=1.0), catalog)
    none = unweighted
    for name in ones.tables:
        table = ones.tables[name]
        if name == "tiers":  # a weighted run's tiers give the weighted n too
            np.testing.assert_allclose(table.pop("weighted_n"), table["n"])
        pd.testing.assert_frame_equal(table, none.tables[name], rtol=RTOL, obj=name)
    assert differences(ones.summary, none.summary) == [
        "summary.data.roles: keys ['weight']",
        "summary.data.weighted: True against False",
        "summary.study.roles.weight: 'weight' against None",
    ]


# -- 2. the Python functions that take sample_weight ---------------------------


#: The study's facets, set by the ``api`` fixture that every test using
#: them takes (the function tables below read it when called).
FACETS: list[str] = []


@pytest.fixture(scope="module")
def api(study):
    """The survey and a model fitted on it once, for the functions that
    explain or move a fitted model."""
    survey, catalog = study
    FACETS[:] = list(catalog["facet"])
    model = em.DriverModel(n_estimators=20, cv=0, random_state=0)
    model.fit(survey[FACETS], survey["connected"], sample_weight=survey["weight"])
    return survey, catalog, model


def motivators(survey) -> list[str]:
    return [c for c in survey.columns if c.startswith("motivator__")]


def _value_link(d, w):
    tiers = em.connection_tiers(d["connected"], d["satisfaction"])
    return em.value_of_connection(
        d["value"],
        tiers,
        sample_weight=w,
        churned=d["churned"],
        advocacy=d["recommend"],
    )


def _compare(d, w, catalog, model):
    derived = em.shap_importance(model, d[FACETS], sample_weight=w)
    stated = em.stated_importance(d, catalog, sample_weight=w, n_boot=0)
    return em.compare_importance(derived, stated, sample_weight=w, n_boot=0)


def scenarios() -> list:
    """One scenario of each kind: reach and the bottom box use the weighted
    median rating."""
    return [
        em.RaiseScore(FACETS[0]),
        em.LiftBottomBox(FACETS[1], to=6),
        em.ExtendReach(FACETS[2], 0.5),
        em.Combined((em.RaiseScore(FACETS[3]), em.ExtendReach(FACETS[4]))),
    ]


#: Estimators that are weighted sums: a respondent of weight 0 is as absent.
WEIGHTED = {
    "relative_weights": lambda d, w, c, m: em.relative_weights(
        d[FACETS], d["connected"], sample_weight=w
    ),
    "shapley_regression": lambda d, w, c, m: em.shapley_regression(
        d[FACETS], d["connected"], sample_weight=w, random_state=0
    ),
    "beta_importance": lambda d, w, c, m: em.beta_importance(
        d[FACETS], d["connected"], sample_weight=w
    ),
    "correlation_importance": lambda d, w, c, m: em.correlation_importance(
        d[FACETS], d["connected"], sample_weight=w
    ),
    "cronbach_alpha": lambda d, w, c, m: em.cronbach_alpha(
        d[motivators(d)], sample_weight=w
    ),
    "motivator_drivers": lambda d, w, c, m: em.motivator_drivers(
        d[FACETS], d[motivators(d)], sample_weight=w
    ),
    "connection_measures": lambda d, w, c, m: em.connection_measures(
        d,
        facets=FACETS,
        connection="connected",
        satisfaction="satisfaction",
        value="value",
        sample_weight=w,
    ),
    "value_of_connection": lambda d, w, c, m: _value_link(d, w),
    "stated_importance": lambda d, w, c, m: em.stated_importance(
        d, c, sample_weight=w, n_boot=0
    ),
    "compare_importance": lambda d, w, c, m: _compare(d, w, c, m),
    "shap_importance": lambda d, w, c, m: em.shap_importance(
        m, d[FACETS], sample_weight=w
    ),
    "diagnose_drivers": lambda d, w, c, m: em.diagnose_drivers(
        m, d[FACETS], d["connected"], sample_weight=w
    ),
    "simulate_improvement": lambda d, w, c, m: em.simulate_improvement(
        m, d[FACETS], scenarios(), sample_weight=w, catalog=c, cross_fit=0, n_boot=0
    ),
    "plan_improvements": lambda d, w, c, m: em.plan_improvements(
        m,
        d[FACETS],
        catalog=c,
        budget=100_000,
        population=100_000,
        value=d["value"],
        sample_weight=w,
        cross_fit=0,
        n_boot=0,
    ),
    # without its row subsample, the boosted model too (its weights are
    # rescaled to mean 1 over the respondents with a weight)
    "DriverModel": lambda d, w, c, m: (
        em.DriverModel(n_estimators=20, cv=0, subsample=1.0, random_state=0)
        .fit(d[FACETS], d["connected"], sample_weight=w)
        .predict_proba(pd.DataFrame({f: np.arange(1.0, 11.0) for f in FACETS}))
    ),
}

#: Functions that also draw respondents (folds, row subsamples, resamples):
#: the scale of the weights changes nothing, a zero weight still takes a
#: draw.
DRAWING = {
    "DriverModel with cross-validation": lambda d, w, c, m: (
        em.DriverModel(n_estimators=20, cv=3, random_state=0)
        .fit(d[FACETS], d["connected"], sample_weight=w)
        .cv_scores_
    ),
    "bootstrap_importance": lambda d, w, c, m: em.bootstrap_importance(
        em.DriverModel(n_estimators=20, cv=0, random_state=0),
        d[FACETS],
        d["connected"],
        sample_weight=w,
        n_boot=2,
        n_jobs=1,
        progress=False,
        random_state=0,
    ),
    "plan_improvements, resampled": lambda d, w, c, m: em.plan_improvements(
        m,
        d[FACETS],
        d["connected"],
        catalog=c,
        budget=100_000,
        population=100_000,
        value=d["value"],
        sample_weight=w,
        n_boot=2,
        random_state=0,
    ),
    "simulate_improvement, cross-fitted": lambda d, w, c, m: em.simulate_improvement(
        m,
        d[FACETS],
        FACETS[:3],
        y=d["connected"],
        sample_weight=w,
        catalog=c,
        cross_fit=2,
        n_boot=0,
        random_state=0,
    ),
    "segment_drivers": lambda d, w, c, m: em.segment_drivers(
        em.DriverModel(n_estimators=20, cv=0, random_state=0),
        d[FACETS],
        d["connected"],
        d["customer_type"],
        sample_weight=w,
        min_size=80,
        n_boot=0,
        n_jobs=1,
        progress=False,
        random_state=0,
    ),
    "value_drivers": lambda d, w, c, m: em.value_drivers(
        d[FACETS], d["value"], sample_weight=w, n_boot=0, random_state=0
    ),
}

#: Counts of the rows given, not estimates (docs/data-contract.md).
COUNTS = {"n", "n_respondents"}


def numbers(result) -> dict:
    """What a result estimates, as frames, arrays and numbers."""
    if isinstance(result, dict):
        return {k: numbers(v) for k, v in result.items() if k not in COUNTS}
    if isinstance(result, float | int | np.ndarray | pd.Series | pd.DataFrame):
        return {"value": result}
    out = {}
    if hasattr(result, "to_frame"):
        frame = result.to_frame()
        out["frame"] = frame.drop(columns=COUNTS & set(frame.columns))
    for name in ("summary", "condition_number", "halo_share", "cronbach_alpha"):
        if isinstance(getattr(result, name, None), dict | float):
            out[name] = numbers(getattr(result, name))
    return out


def assert_same(a, b, rtol: float = RTOL) -> None:
    assert a.keys() == b.keys()
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, dict):
            assert_same(x, y, rtol)
        elif isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, rtol=rtol, atol=1e-12, obj=key)
        elif isinstance(x, pd.Series):
            pd.testing.assert_series_equal(x, y, rtol=rtol, atol=1e-12, obj=key)
        elif isinstance(x, np.ndarray | float | int) and not isinstance(x, bool):
            np.testing.assert_allclose(x, y, rtol=rtol, atol=1e-12, err_msg=key)
        else:
            assert x == y, key


@pytest.mark.parametrize("name", list(WEIGHTED) + list(DRAWING))
def test_functions_do_not_see_the_scale_of_the_weights(api, name):
    survey, catalog, model = api
    fn = {**WEIGHTED, **DRAWING}[name]
    w = survey["weight"].to_numpy()
    ours = numbers(fn(survey, w, catalog, model))
    for c in (3.0, 0.01):
        assert_same(ours, numbers(fn(survey, c * w, catalog, model)), rtol=1e-6)


@pytest.mark.parametrize("name", list(WEIGHTED) + list(DRAWING))
def test_unit_weights_are_no_weights_in_every_function(api, name):
    survey, catalog, model = api
    fn = {**WEIGHTED, **DRAWING}[name]
    ones = fn(survey, np.ones(len(survey)), catalog, model)
    assert_same(numbers(ones), numbers(fn(survey, None, catalog, model)))


@pytest.mark.parametrize("name", list(WEIGHTED))
def test_a_respondent_of_weight_zero_is_left_out(api, name):
    """Every seventh respondent at weight 0 against those rows dropped."""
    survey, catalog, model = api
    fn = WEIGHTED[name]
    w = survey["weight"].to_numpy().copy()
    w[::7] = 0.0
    kept = survey.iloc[w > 0].reset_index(drop=True)
    zeroed = numbers(fn(survey, w, catalog, model))
    assert_same(zeroed, numbers(fn(kept, w[w > 0], catalog, model)), rtol=1e-6)


@settings(max_examples=20, deadline=None)
@given(c=st.floats(1e-4, 1e4), seed=st.integers(0, 2**16))
def test_linear_estimators_do_not_see_the_scale_of_any_weights(api, c, seed):
    survey, catalog, _ = api
    w = np.random.default_rng(seed).lognormal(0, 1, len(survey))
    X, y = survey[FACETS], survey["connected"]
    for fn in (em.relative_weights, em.beta_importance, em.correlation_importance):
        ours = fn(X, y, sample_weight=w).to_frame()
        pd.testing.assert_frame_equal(ours, fn(X, y, sample_weight=c * w).to_frame())


@settings(max_examples=10, deadline=None)
@given(exponent=st.sampled_from([-12, -8, -4, 4, 8, 12, 100]))
def test_the_value_link_does_not_see_weights_far_from_1(api, exponent):
    """Weights that sum to 1 over a large survey are tiny: the logit links'
    iterations must not stop on the deviance's scale."""
    survey, _, _ = api
    w = survey["weight"].to_numpy()
    ours = numbers(_value_link(survey, w))
    assert_same(ours, numbers(_value_link(survey, 10.0**exponent * w)), rtol=1e-7)


# -- 3. integer weights against repeated rows ----------------------------------


@pytest.fixture(scope="module")
def counted(study):
    """Integer weights 1-3, and the survey with each row repeated that often."""
    survey, _ = study
    k = np.random.default_rng(2).integers(1, 4, len(survey))
    repeated = survey.loc[survey.index.repeat(k)].reset_index(drop=True)
    return survey.assign(weight=k), repeated.drop(columns="weight")


@pytest.mark.parametrize("name", list(WEIGHTED))
def test_integer_weights_are_repeated_rows_for_weighted_estimators(api, counted, name):
    """The model fixed (SHAP, diagnostics, scenarios) or refitted without its
    regularisation and row subsample: the same numbers."""
    _, catalog, model = api
    weighted, repeated = counted
    fn = WEIGHTED[name]
    if name == "DriverModel":  # min_child_weight and reg_lambda count rows
        fn = lambda d, w, c, m: (  # noqa: E731
            em.DriverModel(
                n_estimators=20,
                cv=0,
                subsample=1.0,
                min_child_weight=0.0,
                reg_lambda=0.0,
                random_state=0,
            )
            .fit(d[FACETS], d["connected"], sample_weight=w)
            .predict_proba(pd.DataFrame({f: np.arange(1.0, 11.0) for f in FACETS}))
        )
    ours = numbers(fn(weighted, weighted["weight"].to_numpy(), catalog, model))
    theirs = numbers(fn(repeated, None, catalog, model))
    if name == "value_of_connection":  # robust intervals: from n respondents
        ours, theirs = without_intervals(ours), without_intervals(theirs)
    assert_same(ours, theirs, rtol=1e-5)


def without_intervals(parts: dict) -> dict:
    """``numbers`` without the ``*_low`` and ``*_high`` entries."""
    out = {}
    for key, part in parts.items():
        if key.endswith(("_low", "_high")):
            continue
        if isinstance(part, dict):
            part = without_intervals(part)
        elif isinstance(part, pd.DataFrame):
            part = part.loc[:, ~part.columns.str.endswith(("_low", "_high"))]
        out[key] = part
    return out


def test_the_regularised_model_reads_weights_relative_to_respondents(api, counted):
    """By design (docs/data-contract.md): the boosted model's weights are
    rescaled to mean 1, so min_child_weight and reg_lambda count respondents;
    the weighted fit then differs from the repeated rows' fit."""
    weighted, repeated = counted
    probe = pd.DataFrame({f: np.arange(1.0, 11.0) for f in FACETS})
    fit = em.DriverModel(n_estimators=20, cv=0, subsample=1.0, random_state=0)
    ours = fit.fit(weighted[FACETS], weighted["connected"], weighted["weight"])
    ours = ours.predict_proba(probe)
    theirs = fit.fit(repeated[FACETS], repeated["connected"]).predict_proba(probe)
    assert np.abs(ours - theirs).max() > 1e-3


def test_the_bootstrap_draws_respondents_not_weight_units(api, counted):
    """docs/concepts/uncertainty.md: each replicate draws n respondents, each
    carrying their weight; the repeated rows are drawn as sum(w) respondents."""
    weighted, repeated = counted
    model = em.DriverModel(n_estimators=10, cv=0, random_state=0)
    options = dict(n_boot=2, n_jobs=1, progress=False, random_state=0)
    ours = em.bootstrap_importance(
        model,
        weighted[FACETS],
        weighted["connected"],
        sample_weight=weighted["weight"],
        **options,
    )
    theirs = em.bootstrap_importance(
        model, repeated[FACETS], repeated["connected"], **options
    )
    assert ours.refits.counts(0).sum() == len(weighted)
    assert theirs.refits.counts(0).sum() == len(repeated) == weighted["weight"].sum()


# -- 4. weights that are refused -------------------------------------------------


def bad_weights(n: int) -> dict[str, tuple[np.ndarray, str]]:
    """Each kind of bad weight column, and the words its message must hold."""
    good = np.linspace(0.5, 2.0, n)
    return {
        "negative": (np.r_[-1.0, good[1:]], "negative in 1 row"),
        "missing": (np.r_[np.nan, good[1:]], "missing in 1 row"),
        "infinite": (np.r_[np.inf, good[1:]], "infinite in 1 row"),
        "all zero": (np.zeros(n), "sums to zero"),
        "text": (np.r_[["heavy"], good[1:].astype(str)].astype(object), "'heavy'"),
    }


@pytest.mark.parametrize(
    "kind", ["negative", "missing", "infinite", "all zero", "text"]
)
@pytest.mark.parametrize("name", list(WEIGHTED) + list(DRAWING))
def test_every_function_refuses_bad_weights_naming_them(api, name, kind):
    survey, catalog, model = api
    fn = {**WEIGHTED, **DRAWING}[name]
    weights, words = bad_weights(len(survey))[kind]
    with pytest.raises(ValueError, match="sample_weight") as err:
        fn(survey, weights, catalog, model)
    assert words in str(err.value)


@pytest.mark.parametrize(
    "kind, column, words",
    [
        ("zero", [0.0], "zero in 1 cell"),
        ("negative", [-2.0, -1.0], "negative in 2 cells"),
        ("empty", [np.nan], "empty in 1 cell"),
        ("infinite", [np.inf], "1 infinite value"),
        ("all zero", [0.0] * 600, "zero in 600 cells"),
        ("text", ["heavy"], "not numeric: text in 1 cell: 'heavy'"),
    ],
)
def test_analysis_refuses_bad_weights_naming_them(study, kind, column, words):
    """analyze takes weights > 0 only (docs/data-contract.md): a zero
    weight is refused there, not read as a row left out."""
    survey, catalog = study
    weights = survey["weight"].astype(object)
    weights.iloc[: len(column)] = column
    with pytest.raises(em.ValidationError) as err:
        em.analyze(survey.assign(weight=weights), catalog, **QUICK)
    (problem,) = [p for p in err.value.problems if "weight column" in p]
    assert words in problem
    assert "'weight'" in problem


# -- 5. the weight column is never ranked ---------------------------------------


def test_the_weight_column_is_never_a_facet_a_control_or_a_ranked_row(base):
    for name, table in base.tables.items():
        for column in ("facet", "control", "motivator"):
            if column in table.columns:
                assert "weight" not in set(table[column].astype(str)), name
    assert "weight" not in base.model.feature_names_in_


@pytest.mark.parametrize(
    "options",
    [
        dict(controls=["weight"]),
        dict(facets=None),
        dict(segment="weight"),
        dict(value="weight"),
    ],
)
def test_the_weight_column_is_refused_in_any_other_role(study, options):
    survey, catalog = study
    if "facets" in options:  # the catalog names the weight column
        row = catalog.iloc[[0]].assign(facet="weight", label="Weight")
        catalog = pd.concat([catalog, row], ignore_index=True)
        options = {}
    with pytest.raises(em.ValidationError, match="'weight'"):
        em.analyze(survey, catalog, **{**QUICK, **options})


@pytest.mark.parametrize("method", ["mean", "factor", "profile", "components"])
def test_the_halo_score_of_the_respondents_kept_is_as_without_the_others(api, method):
    """A score per respondent: those of weight 0 get one too, and the others'
    are those of the survey without them; scale changes nothing."""
    survey, _, _ = api
    X, w = survey[FACETS], survey["weight"].to_numpy().copy()
    w[::7] = 0.0
    zeroed = em.halo_score(X, method=method, sample_weight=w)
    kept = em.halo_score(X[w > 0], method=method, sample_weight=w[w > 0])
    scaled = em.halo_score(X, method=method, sample_weight=0.01 * w)
    pd.testing.assert_frame_equal(zeroed[w > 0], kept, rtol=1e-6, atol=1e-12)
    pd.testing.assert_frame_equal(zeroed, scaled, rtol=1e-6, atol=1e-12)
    with pytest.raises(ValueError, match="sums to zero"):
        em.halo_score(X, method=method, sample_weight=np.zeros(len(X)))


def test_partial_out_of_the_respondents_kept_is_as_without_the_others(api):
    survey, _, _ = api
    w = survey["weight"].to_numpy().copy()
    w[::7] = 0.0
    kept = w > 0
    context = pd.get_dummies(survey["customer_type"], dtype=float)
    X, y = partial_out(survey[FACETS], context, survey["connected"], sample_weight=w)
    Xk, yk = partial_out(
        survey[FACETS][kept],
        context[kept],
        survey["connected"][kept],
        sample_weight=w[kept],
    )
    pd.testing.assert_frame_equal(X[kept], Xk, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(y[kept], yk, rtol=1e-6, atol=1e-12)
    Xs, ys = partial_out(
        survey[FACETS], context, survey["connected"], sample_weight=1e-9 * w
    )
    pd.testing.assert_frame_equal(X, Xs, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(y, ys, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("name", ["weight", "weights", "Weights", "rim_weight", "wgt"])
def test_emomotiv_init_takes_a_weight_column_for_the_weight(name):
    """Integer weights 1-3 look like ratings: named as a weight, the column
    is the weight role, not a likely facet."""
    from emomotiv.study import draft_study, guess_roles

    assert guess_roles(["respondent_id", "connected", name, "q1"])["weight"] == name
    text = draft_study(
        ["connected", name, "q1", "q2"], survey="survey.csv", numeric=[name]
    )
    assert f'weight = "{name}"' in text
