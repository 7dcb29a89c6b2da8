"""What the survey weights leave, said where it matters: a whole survey whose
few heavy weights leave a small effective size (Kish) is warned of as a
segment is; a pairwise correlation matrix that the weights (not the facets)
break names the weights; each segment's weighted share of the survey; the
weights' sum set beside the population; bad weights named by respondent."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import emomotiv as em
from emomotiv.cli import main
from emomotiv.pipeline import _population_hint, _population_warning
from emomotiv.schema import (
    FacetCatalog,
    SurveySchema,
    heaviest_share,
    validate_survey,
    weight_warnings,
    weights_break_correlations,
)


def heavy(n: int, k: int = 8, weight: float = 150.0, seed: int = 5) -> np.ndarray:
    """Weights of 1 but for ``k`` respondents at ``weight``: a raking run's
    classic failure (8 of 2,500 at 150 leave Kish's size 75)."""
    w = np.ones(n)
    w[np.random.default_rng(seed).choice(n, k, replace=False)] = weight
    return w


def raked(n: int, seed: int = 1) -> np.ndarray:
    """Ordinary raking weights, 0.2 to 5: a design effect near 1.4."""
    rng = np.random.default_rng(seed)
    return np.exp(rng.normal(0, 0.6, n)).clip(0.2, 5)


def quick(survey, catalog, **options) -> em.AnalysisResult:
    """A quick weighted analysis (a small model, nothing resampled)."""
    options = dict(connection="connected", n_boot=0, progress=False) | options
    return em.analyze(
        survey, catalog, model=em.DriverModel(n_estimators=20, cv=0), **options
    )


def quiet(survey, catalog, **options) -> em.AnalysisResult:
    """:func:`quick`, its warnings not said."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return quick(survey, catalog, **options)


@pytest.fixture(scope="module")
def broken():
    """1,000 respondents, 20 facets, 8 at weight 150: the weighted pairwise
    correlations are no correlation matrix, the unweighted ones are."""
    s = em.make_survey(1000, 20, stated_form="ratings", random_state=7)
    X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    return X, y, heavy(len(X))


# -- 1. the whole survey's effective size -----------------------------------------


def test_a_survey_held_by_a_few_heavy_weights_is_warned_of_as_a_segment_is():
    (warning,) = weight_warnings(heavy(2500), 25)
    assert "2,500 respondents worth 75 in effect" in warning
    assert "design effect 33.5" in warning
    assert "below the 300 respondents a segment needs by default" in warning
    assert "carry 33% of the weight" in warning and "trim them" in warning
    # ordinary raking weights, and a small survey mildly weighted: no warning
    assert weight_warnings(raked(2500), 25) == []
    assert weight_warnings(raked(250), 6) == []


def test_the_heaviest_share_is_that_of_the_heaviest_one_percent():
    k, share = heaviest_share(heavy(2500))
    assert k == 25
    assert share == pytest.approx((8 * 150 + 17) / (8 * 150 + 2492))
    assert heaviest_share(np.ones(10)) == (1, pytest.approx(0.1))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A survey of 600 with mild weights and with 4 respondents at 20."""
    folder = tmp_path_factory.mktemp("weights")
    s = em.make_survey(600, 8, random_state=2)
    survey = s.survey.assign(mild=raked(600), heavy=heavy(600, k=4, weight=20))
    survey.to_csv(folder / "survey.csv", index=False)
    s.catalog.to_csv(folder / "facets.csv", index=False)
    return folder, s, survey


def _validate(folder, weight, capsys):
    args = ["validate", str(folder / "survey.csv"), "--catalog"]
    args += [str(folder / "facets.csv"), "--connection", "connected"]
    assert main([*args, "--weight", weight]) == 0
    return capsys.readouterr()


def test_validate_prints_what_the_weights_leave_and_warns_as_analyze(files, capsys):
    folder, _, _ = files
    said = _validate(folder, "heavy", capsys)
    assert "Weights: 600 respondents worth 208 in effect" in said.out
    assert "carry 12% of the weight" in said.out
    assert "below the 300 respondents a segment needs by default" in said.err
    said = _validate(folder, "mild", capsys)
    assert "Weights: 600 respondents worth" in said.out
    assert "a segment needs by default" not in said.err


def test_analyze_warns_of_a_survey_held_by_a_few_weights(files):
    _, s, survey = files
    with pytest.warns(
        UserWarning, match="below the 300 respondents a segment needs by default"
    ):
        result = quick(survey, s.catalog, weight="heavy", methods=False)
    assert any("worth 208 in effect" in w for w in result.summary["warnings"])
    assert "worth 208 in effect" in em.Report(result).html()


# -- 2. a correlation matrix the weights break ----------------------------------------


def test_the_weights_are_named_when_they_break_the_correlation_matrix(broken):
    X, y, w = broken
    cause = weights_break_correlations(X, w)
    assert "survey weights cause it" in cause
    assert "heaviest 10 respondents carry" in cause and "trim them" in cause
    assert weights_break_correlations(X, np.ones(len(X))) is None


def test_diagnostics_blame_the_weights_not_the_facets(broken):
    X, y, w = broken
    model = em.DriverModel(n_estimators=20, cv=0, random_state=0).fit(
        X, y, sample_weight=w
    )
    diag = em.diagnose_drivers(model, X, y, sample_weight=w)
    (invalid,) = [m for m in diag.warnings if "valid correlation matrix" in m]
    assert "the survey weights cause it" in invalid
    assert "Facets rated by few respondents" not in invalid


def test_the_classical_artefact_blames_the_weights_not_the_facets(broken):
    X, y, w = broken
    with pytest.warns(UserWarning, match="an artefact") as caught:
        em.relative_weights(X, y, sample_weight=w)
    (said,) = [str(c.message) for c in caught if "an artefact" in str(c.message)]
    assert "the survey weights cause it" in said
    assert "Facets rated by fewest" not in said


def test_the_agreement_warning_blames_the_weights_not_the_touchpoints():
    s = em.make_survey(1000, 20, stated_form="ratings", random_state=7)
    survey = s.survey.assign(weight=heavy(1000))
    result = quiet(survey, s.catalog, weight="weight")
    said = result.summary["agreement"]["warning"]
    assert "the survey weights cause it" in said
    assert "rated by fewest respondents" not in said


# -- 3. each segment's weighted share of the survey ----------------------------------


def test_each_segment_has_its_weighted_share_of_the_survey():
    s = em.make_survey(n_respondents=900, n_facets=8, random_state=0)
    X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    segments, w = s.survey["customer_type"], raked(900)
    result = em.segment_drivers(
        em.DriverModel(n_estimators=30, cv=0),
        X,
        y,
        segments,
        sample_weight=w,
        min_size=250,
        n_boot=2,
        progress=False,
        random_state=0,
    )
    expected = pd.Series(w).groupby(segments.to_numpy()).sum() / w.sum()
    for name, size in result.info["segments"].items():
        assert size["share"] == pytest.approx(expected[name])
        shares = result.table.loc[result.table["segment"] == name, "segment_share"]
        assert np.allclose(shares, expected[name])
    columns = list(result.table.columns)
    assert columns[columns.index("n") + 1] == "segment_share"


def test_the_report_and_console_show_each_segments_weighted_share(files, capsys):
    _, s, survey = files
    options = dict(segment="customer_type", min_segment_size=150, methods=False)
    result = quiet(survey, s.catalog, weight="mild", **options)
    sizes = result.summary["segments"]["segments"]
    ranked = [name for name, size in sizes.items() if size["ranked"]]
    share = sizes[ranked[0]]["share"]
    assert f"{share:.0%} weighted" in em.Report(result).html()
    from emomotiv.cli import _print_segments

    _print_segments(result.summary, result.tables["segment_drivers"])
    assert f"({share:.0%} weighted)" in capsys.readouterr().out


# -- 4. weights that sum to the population ---------------------------------------


def test_weights_summing_to_the_population_are_pointed_at():
    w = raked(2500)
    w = w / w.sum() * 250_000
    hint = _population_hint(w)
    assert "sum to 250,000 for 2,500 respondents" in hint
    assert "--population 250000" in hint
    assert _population_hint(raked(2500)) == ""  # weights near 1: no hint
    warning = _population_warning(w, 2500)
    assert "100 times the population given (2,500)" in warning
    assert "--population 250000" in warning
    assert _population_warning(w, 250_000) is None
    assert _population_warning(raked(2500), 2500) is None  # not population weights


def test_analyze_names_the_weights_sum_as_the_population(files):
    _, s, survey = files
    survey = survey.assign(pop=survey["mild"] / survey["mild"].sum() * 60_000)
    options = dict(weight="pop", value="value", methods=False, budget=10_000)
    with pytest.warns(UserWarning, match="pass --population 60000"):
        quick(survey, s.catalog, **options)
    with pytest.warns(UserWarning, match="100 times the population given"):
        quick(survey, s.catalog, population=600, **options)


# -- 5. bad weights named by respondent ---------------------------------------


def _weight_problems(survey, catalog, **roles):
    catalog = FacetCatalog.from_frame(catalog)
    schema = SurveySchema.infer(survey, catalog, connection="connected", **roles)
    with pytest.raises(em.ValidationError) as err:
        validate_survey(survey, schema, catalog)
    return [p for p in err.value.problems if "weight column" in p]


def test_text_and_infinite_weights_name_the_respondents_and_the_way_out(files):
    _, s, survey = files
    weights = survey["mild"].astype(object)
    weights.iloc[[5, 9]] = "n/a"
    weights.iloc[2] = np.inf
    survey = survey.assign(w=weights, rid=[f"R{i:04d}" for i in range(len(survey))])
    text, infinite = _weight_problems(survey, s.catalog, weight="w", id="rid")
    assert "text in 2 cells: 'n/a', at rid 'R0005', 'R0009'" in text
    assert "give those respondents a weight, or drop their rows" in text
    assert "1 infinite value, at rid 'R0002'" in infinite
    assert "drop their rows" in infinite
    text, _ = _weight_problems(survey, s.catalog, weight="w")
    assert "at respondents 6, 10 by position from 1" in text


# -- 6. the report's method note on weights ---------------------------------------


def test_the_method_note_says_how_the_bootstrap_treats_the_weights(files):
    _, s, survey = files
    html = em.Report(quiet(survey, s.catalog, weight="mild", methods=False)).html()
    assert "draws respondents, each as likely as any other" in html
    assert "knows no strata or clusters" in html
    unweighted = em.Report(quiet(survey, s.catalog, methods=False)).html()
    assert "knows no strata or clusters" not in unweighted
