import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import emomotiv as em
from emomotiv._stats import weighted_corr_matrix

QUICK = {"n_estimators": 30, "max_depth": 2, "cv": 3, "random_state": 0}


def _fit(X, y, **kw):
    return em.DriverModel(**QUICK).fit(X, y, **kw)


@pytest.fixture(scope="module")
def textbook():
    """A textbook net suppressor: x2 correlates with y (+) but its beta is (-).

    y = z1 + noise, x1 = z1 + z2, x2 = z2 + 0.2 z1: regressing y on x1, x2
    gives y = 1.25 x1 - 1.25 x2, while corr(x2, y) > 0.
    """
    rng = np.random.default_rng(0)
    n = 3000
    z1, z2, z3 = rng.standard_normal((3, n))
    X = pd.DataFrame({"x1": z1 + z2, "x2": z2 + 0.2 * z1, "x3": z3})
    y = z1 + 0.5 * rng.standard_normal(n)
    return X, y


def test_textbook_suppressor_is_flagged(textbook):
    X, y = textbook
    diag = em.diagnose_drivers(_fit(X, y), X, y)
    t = diag.table
    assert diag.suppressors == ["x2"]
    assert t.loc["x2", "r"] > 0 and t.loc["x2", "std_beta"] < 0
    # standardized betas: b * sd(x) / sd(y), with b = +-1.25
    sd_y = y.std()
    assert t.loc["x1", "std_beta"] == pytest.approx(1.25 * X["x1"].std() / sd_y, 0.05)
    assert t.loc["x2", "std_beta"] == pytest.approx(-1.25 * X["x2"].std() / sd_y, 0.05)


def test_vif_and_condition_number_match_statsmodels(textbook):
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    X, y = textbook
    diag = em.diagnose_drivers(_fit(X, y), X, y)
    design = np.column_stack([np.ones(len(X)), X.to_numpy()])
    expected = [variance_inflation_factor(design, j) for j in (1, 2, 3)]
    np.testing.assert_allclose(diag.table["vif"], expected, rtol=1e-9)
    z = (X - X.mean()) / X.std(ddof=0)
    assert diag.condition_number == pytest.approx(np.linalg.cond(z.to_numpy()))
    # the population values: corr(x1, x2) = 1.2 / sqrt(2 * 1.04)
    rho = 1.2 / np.sqrt(2 * 1.04)
    assert diag.table.loc["x1", "vif"] == pytest.approx(1 / (1 - rho**2), rel=0.1)


def test_halo_is_stronger_on_a_survey_than_on_independent_ratings():
    s = em.make_survey(n_respondents=1500, n_facets=20, random_state=1)
    X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    rng = np.random.default_rng(0)
    shuffled = X.apply(lambda col: col.sample(frac=1, random_state=rng).to_numpy())
    halo = em.diagnose_drivers(_fit(X, y), X, y).halo_share
    none = em.diagnose_drivers(_fit(shuffled, y), shuffled, y).halo_share
    assert halo > 0.25 and halo > 3 * none
    assert none < 2.5 / 20  # independent ratings: about 1 / p, plus noise


def test_weak_fit_is_flagged():
    s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    X = s.survey[s.catalog["facet"]]
    noise = np.random.default_rng(1).integers(0, 2, len(X))
    diag = em.diagnose_drivers(_fit(X, noise), X, noise)
    assert diag.weak_fit and "not reliable" in diag.warnings[0]
    summary = diag.to_summary()
    assert summary["weak_fit"] is True and summary["cv"]["roc_auc"] < 0.6


def test_a_fit_that_could_not_be_scored_is_a_weak_fit():
    """Two connected respondents of 300 in three folds: a fold holds none,
    its AUC is undefined and so is the mean; NaN is below no threshold, yet
    nothing judged the fit."""
    s = em.make_survey(n_respondents=300, n_facets=8, random_state=0)
    X = s.survey[s.catalog["facet"]]
    y = np.zeros(len(X), dtype=int)
    y[:2] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's, on the empty fold
        model = _fit(X, y)
    assert np.isnan(model.fit_summary()["roc_auc"])
    diag = em.diagnose_drivers(model, X, y)
    assert diag.weak_fit and diag.to_summary()["weak_fit"] is True
    assert "AUC could not be computed in 1 of 3 folds" in diag.warnings[0]


def test_an_r2_that_could_not_be_scored_names_its_own_cause():
    """scikit-learn's R² of a fold whose outcome is constant is 0 (a weak
    fit, flagged as such); only a fold of one respondent has none."""

    class Scored:  # a score model's fit, as a saved one reads back
        cv_scores_ = {"r2": np.array([0.2, np.nan, 0.1])}

        def fit_summary(self):
            return {"r2": float(np.mean(self.cv_scores_["r2"]))}

    (message,) = em.fit_warnings(Scored())
    assert "R² could not be computed in 1 of 3 folds" in message
    assert "fewer than two held-out respondents" in message
    assert "class" not in message and "rarer" not in message


def test_a_single_respondent_is_named_with_the_numbers(textbook):
    X, y = textbook
    model = _fit(X, y)
    with pytest.raises(ValueError, match="3 facets over 1 respondent: each"):
        em.diagnose_drivers(model, X.iloc[:1], y[:1])
    weights = np.r_[1.0, np.zeros(len(X) - 1)]
    with pytest.raises(ValueError, match=r"3,000 respondents \(1 with a weight"):
        em.diagnose_drivers(model, X, y, sample_weight=weights)


def test_a_model_that_made_no_split_is_a_weak_fit_whatever_its_folds():
    """Without cross-validation nothing judged the fit, yet a model with no
    split gives every facet 1/p by construction: that is said, not shown as
    a ranking."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    flat = em.DriverModel(n_estimators=20, min_child_weight=1e6, cv=0)
    flat.fit(X, y)
    with pytest.warns(UserWarning, match="made no split on any facet"):
        importance = em.shap_importance(flat, X)
    assert (importance.table["importance"] == 1 / 6).all()
    diag = em.diagnose_drivers(flat, X, y, importance=importance)
    assert diag.weak_fit and "no split on any facet" in diag.warnings[0]
    assert "(1/6)" in diag.warnings[0]
    model = _fit(X, y)
    fitted = em.diagnose_drivers(model, X, y, importance=em.shap_importance(model, X))
    assert not [w for w in fitted.warnings if "no split" in w]


@pytest.mark.parametrize(
    ("fit", "shown"),
    [
        ({"roc_auc": 0.5996}, "AUC is 0.5996 (below 0.6)"),
        ({"roc_auc": 0.5512}, "AUC is 0.55 (below 0.6)"),
        ({"r2": 0.0496}, "R² is 0.0496 (below 0.05)"),
    ],
)
def test_a_weak_fit_never_reads_as_on_the_line(fit, shown):
    class Fitted:
        def fit_summary(self):
            return fit

    (warning,) = em.fit_warnings(Fitted())
    assert shown in warning


def test_summary_and_frame(textbook):
    X, y = textbook
    diag = em.diagnose_drivers(_fit(X, y), X, y)
    summary = diag.to_summary(top=2)
    assert list(summary["vif_top"]) == list(
        diag.table["vif"].sort_values(ascending=False).index[:2]
    )
    assert summary["vif_max"] == pytest.approx(diag.table["vif"].max())
    assert summary["suppressors"] == ["x2"]
    frame = diag.to_frame()
    assert list(frame["facet"]) == ["x1", "x2", "x3"]
    assert "suppressor" in repr(diag).replace("suppressors", "suppressor")
    # the ratings' first component, named as such: "halo share 30%" beside
    # general warmth's 13% of the importance read as two measures of one thing
    shown = f"ratings' first component {diag.halo_share:.0%} of their variance"
    assert shown in repr(diag) and "halo share" not in repr(diag)


def test_documented_columns_exist_and_a_short_y_is_named(textbook):
    X, y = textbook
    model = _fit(X, y)
    diag = em.diagnose_drivers(model, X, y, importance=em.shap_importance(model, X))
    entry = em.Diagnostics.__doc__.split("table : DataFrame")[1]
    documented = re.findall(r"``(\w+)``", entry.split("condition_number :")[0])
    assert documented and set(documented) <= set(diag.to_frame().columns)
    with pytest.raises(ValueError, match=r"one entry per respondent \(3000\)"):
        em.diagnose_drivers(model, X, y[:-3])


def test_missing_ratings_enter_pairwise():
    """Each pair uses the respondents who rated both, as pandas.corr does."""
    s = em.make_survey(n_respondents=800, n_facets=12, random_state=0)
    X = s.survey[s.catalog["facet"]]
    assert X.isna().any().any()
    corr = weighted_corr_matrix(X.to_numpy(), np.ones(len(X)))
    np.testing.assert_allclose(corr, X.corr().to_numpy(), atol=1e-12)


def test_sums_over_chunks_of_rows_equal_one_pass(monkeypatch):
    """A large survey is summed in chunks of rows (memory); same matrix."""
    from emomotiv import _stats

    s = em.make_survey(n_respondents=800, n_facets=12, random_state=1)
    values = s.survey[s.catalog["facet"]].to_numpy()
    w = s.survey["weight"].to_numpy()
    whole = weighted_corr_matrix(values, w)
    pairs = _stats.pair_counts(values)
    monkeypatch.setattr(_stats, "CHUNK_ROWS", 97)  # 9 chunks, the last short
    # summation order differs between chunkings: equal to round-off
    np.testing.assert_allclose(weighted_corr_matrix(values, w), whole, atol=1e-12)
    np.testing.assert_array_equal(_stats.pair_counts(values), pairs)
    seen = (~np.isnan(values)).astype(float)
    np.testing.assert_array_equal(pairs, seen.T @ seen)


@settings(max_examples=300, deadline=None)
@example(  # a pair where one facet is constant over the shared rows
    values=np.array(
        [[np.nan, 2, 3], [np.nan, 1, 3], [np.nan, 1, np.nan], [np.nan, np.nan, 1]]
        + [[np.nan, 1, 3]] * 2
        + [[np.nan] * 3] * 6
    ),
    counts=np.full(12, 3),
)
@given(
    values=arrays(
        float,
        (12, 3),
        elements=st.one_of(st.integers(1, 10).map(float), st.just(np.nan)),
    ),
    counts=arrays(int, 12, elements=st.integers(1, 3)),
)
def test_integer_weights_equal_repeated_rows(values, counts):
    """Property: weight k is the same as the respondent appearing k times."""
    weighted = weighted_corr_matrix(values, counts.astype(float))
    repeated = weighted_corr_matrix(
        np.repeat(values, counts, axis=0), np.ones(counts.sum())
    )
    np.testing.assert_allclose(weighted, repeated, atol=1e-9, equal_nan=True)
    ok = np.isfinite(weighted)
    assert (np.abs(weighted[ok]) <= 1).all()
    np.testing.assert_allclose(weighted, weighted.T, equal_nan=True)


def test_facet_order_only_permutes(textbook):
    X, y = textbook
    a = em.diagnose_drivers(_fit(X, y), X, y)
    Xp = X[["x3", "x1", "x2"]]
    b = em.diagnose_drivers(_fit(Xp, y), Xp, y)
    cols = ["vif", "r", "std_beta", "suppressor"]
    pd.testing.assert_frame_equal(a.table[cols], b.table.loc[a.table.index, cols])
    assert a.condition_number == pytest.approx(b.condition_number)
    assert a.halo_share == pytest.approx(b.halo_share)


def test_exactly_collinear_facets_are_reported_not_crashed():
    rng = np.random.default_rng(2)
    a, b = rng.integers(1, 11, (2, 500)).astype(float)
    X = pd.DataFrame({"a": a, "b": b, "a_plus_b": a + b})
    y = a + rng.standard_normal(500)
    diag = em.diagnose_drivers(_fit(X, y), X, y)
    assert np.isinf(diag.condition_number) and np.isinf(diag.table["vif"]).all()
    summary = diag.to_summary()
    assert summary["condition_number"] is None and summary["vif_max"] is None
    json.dumps(summary, allow_nan=False)


def test_pairwise_correlations_that_are_no_correlation_matrix_are_named():
    """Pairs seen on disjoint respondents contradict each other: no VIF or
    suppressor can be computed, and the diagnostics say so rather than
    reporting none."""
    rng = np.random.default_rng(0)
    z = rng.normal(size=900)
    X = pd.DataFrame({"a": z, "b": z + 0.1 * rng.normal(size=900), "c": -z})
    X.loc[:299, "c"] = np.nan  # a-b seen on rows 0..299: +1
    X.loc[300:599, "a"] = np.nan
    X.loc[600:, "b"] = np.nan
    X.loc[300:599, "c"] = z[300:600]  # b and c agree on rows 300..599
    y = (z + rng.normal(size=900) > 0).astype(int)
    diag = em.diagnose_drivers(_fit(X, y), X, y)
    assert np.isinf(diag.table["vif"]).all() and not diag.suppressors
    assert any("do not form a valid correlation matrix" in w for w in diag.warnings)
    assert not diag.weak_fit or "AUC" in diag.warnings[0]


def test_collinear_facets_that_fit_the_outcome_exactly_warn_nothing():
    """Exactly collinear facets whose linear fit is perfect (R² 1: a dominant
    weight, or the outcome a sum of facets): no standardized beta has a
    sign, and no RuntimeWarning (0 x infinite standard error) leaks."""
    rng = np.random.default_rng(2)
    a, b = rng.integers(1, 11, (2, 200)).astype(float)
    X = pd.DataFrame({"a": a, "b": b, "a_plus_b": a + b})
    y = a + b
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        diag = em.diagnose_drivers(_fit(X, y), X, y)
    assert np.isinf(diag.table["vif"]).all() and not diag.suppressors


def test_a_facet_that_cannot_be_correlated_is_left_out_not_its_partners():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.integers(1, 11, (400, 4)).astype(float), columns=list("abcd"))
    X["rare"] = np.nan
    X.loc[:2, "rare"] = [3.0, 7.0, 9.0]  # rated by three respondents,
    X.loc[:1, ["c", "d"]] = np.nan  # only one of whom rated c and d
    X["flat"] = np.where(rng.random(400) < 0.5, 8.0, np.nan)  # 8 wherever rated
    y = X["a"] + rng.standard_normal(400)
    diag = em.diagnose_drivers(_fit(X, y), X, y)
    assert sorted(diag.info["left_out"]) == ["flat", "rare"]  # not c or d
    assert diag.table.loc[["rare", "flat"], "vif"].isna().all()
    assert diag.table.loc[list("abcd"), "vif"].between(1, 1.2).all()
    assert np.isfinite(diag.condition_number)
    assert any("'rare'" in w and "'flat'" in w for w in diag.warnings)
    assert not diag.weak_fit
    json.dumps(diag.to_summary(), allow_nan=False)


def test_a_facet_exported_twice_is_named():
    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.integers(1, 11, (300, 3)).astype(float), columns=list("abc"))
    X["b_again"] = X["b"]
    y = X["a"] + rng.standard_normal(300)
    diag = em.diagnose_drivers(_fit(X, y), X, y)
    (twins,) = [w for w in diag.warnings if "move exactly together" in w]
    assert "'b' and 'b_again'" in twins and "'a'" not in twins
    assert not any("nearly move together" in w for w in diag.warnings)
    X["b_again"] = X["b"] + rng.standard_normal(300)  # related, not the same
    diag = em.diagnose_drivers(_fit(X, y), X, y)
    assert not any("move exactly together" in w for w in diag.warnings)
    assert not any("nearly move together" in w for w in diag.warnings)


def test_a_facet_asked_twice_with_a_few_answers_apart_is_named():
    """A copy with 5% of its cells a point apart (r 0.99) ranked 2nd and was
    funded while the original, the top true driver, fell to 11th: no word."""
    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.integers(1, 11, (300, 3)).astype(float), columns=list("abc"))
    moved = rng.random(300) < 0.05
    X["b_again"] = np.clip(X["b"] + np.where(moved, 1.0, 0.0), 1, 10)
    y = X["a"] + rng.standard_normal(300)
    diag = em.diagnose_drivers(_fit(X, y), X, y)
    (near,) = [w for w in diag.warnings if "nearly move together" in w]
    assert "'b' and 'b_again' (+0.99" in near and "'a'" not in near
    assert not any("move exactly together" in w for w in diag.warnings)
    # two routed items, rated together by 4 who gave both the same rating:
    # no question asked twice, over so few
    X["b_again"] = np.nan
    X.loc[:3, "b_again"] = X.loc[:3, "b"]
    X.loc[4:150, "b_again"] = rng.integers(1, 11, 147).astype(float)
    X.loc[4:150, "b"] = np.nan
    diag = em.diagnose_drivers(_fit(X, y), X, y)
    assert not any("together" in w for w in diag.warnings), diag.warnings


def test_fit_warnings_names_a_model_that_is_not_one(small):
    """The survey given for the model said only "'DataFrame' object has no
    attribute 'fit_summary'"."""
    with pytest.raises(TypeError, match="fit_warnings needs model as an emomotiv"):
        em.fit_warnings(small.survey)


def test_numbers_match_weighted_statsmodels_fits():
    """VIF from weighted regressions of each facet on the others, standardized
    betas from the weighted fit, condition number and halo share from the
    weighted standardized ratings."""
    import statsmodels.api as sm

    rng = np.random.default_rng(5)
    n = 600
    Z = rng.normal(size=(n, 4)) + rng.normal(size=(n, 1))
    X = pd.DataFrame(Z, columns=["a", "b", "c", "d"])
    y = Z @ np.array([1.0, 0.5, -0.3, 0.0]) + 2 * rng.normal(size=n)
    w = rng.uniform(0.2, 4, n)
    diag = em.diagnose_drivers(_fit(X, y, sample_weight=w), X, y, sample_weight=w)
    others = {c: sm.add_constant(X.drop(columns=c)) for c in X}
    vif = [1 / (1 - sm.WLS(X[c], others[c], weights=w).fit().rsquared) for c in X]
    np.testing.assert_allclose(diag.table["vif"], vif, rtol=1e-10)

    def sd(v):
        return np.sqrt(np.cov(v, aweights=w))

    fit = sm.WLS(y, sm.add_constant(X), weights=w).fit()
    std_beta = fit.params[X.columns] * X.apply(sd) / sd(y)
    np.testing.assert_allclose(diag.table["std_beta"], std_beta, rtol=1e-10)
    centred = X - np.average(X, axis=0, weights=w)
    scaled = centred / np.sqrt(np.average(centred**2, axis=0, weights=w))
    rows = scaled.to_numpy() * np.sqrt(w)[:, None]
    assert diag.condition_number == pytest.approx(np.linalg.cond(rows), rel=1e-10)
    top = np.linalg.eigvalsh(rows.T @ rows / w.sum())[-1]
    assert diag.halo_share == pytest.approx(top / 4, rel=1e-10)
    assert diag.info["n_effective"] == pytest.approx(w.sum() ** 2 / (w**2).sum())


def test_a_correlation_from_few_raters_has_their_standard_error():
    """x2 is a true suppressor, but rated by 100 of 3,000 its correlation
    with y (0.06) is within 2 standard errors of 0 for 100 ratings: no clear
    sign, no suppressor. Its standard error was that of 3,000 ratings."""
    rng = np.random.default_rng(0)
    n = 3000
    z1, z2, z3 = rng.standard_normal((3, n))
    X = pd.DataFrame({"x1": z1 + z2, "x2": z2 + 0.1 * z1, "x3": z3})
    y = z1 + 0.5 * rng.standard_normal(n)
    model = _fit(X, y)
    assert em.diagnose_drivers(model, X, y).suppressors == ["x2"]
    few = X.copy()
    few.loc[100:, "x2"] = np.nan
    diag = em.diagnose_drivers(model, few, y)
    r = diag.table.loc["x2", "r"]
    assert 0 < r * np.sqrt(98) < 2 < r * np.sqrt(2998)  # the case in question
    assert diag.table.loc["x2", "std_beta"] < 0
    assert diag.suppressors == []
    # respondents of weight 0 do not count as raters either
    w = np.r_[np.ones(100), np.zeros(n - 100)]
    weighted = em.diagnose_drivers(model, X, y, sample_weight=w)
    alone = em.diagnose_drivers(model, X.iloc[:100], y[:100])
    pd.testing.assert_frame_equal(weighted.table, alone.table, atol=1e-12)


def test_bad_controls_infinite_ratings_and_a_foreign_importance_are_named():
    rng = np.random.default_rng(6)
    X = pd.DataFrame(rng.integers(1, 11, (200, 3)).astype(float), columns=list("abc"))
    y = X["a"] + rng.standard_normal(200)
    model = _fit(X, y)
    with pytest.raises(TypeError, match=r"got the string 'a': pass \['a'\]"):
        em.diagnose_drivers(model, X, y, controls="a")
    bad = X.copy()
    bad.iloc[[1, 4, 7], 1] = np.inf
    other = em.correlation_importance(X[["a"]], y)
    with pytest.raises(em.ValidationError, match="3 problems") as err:
        em.diagnose_drivers(model, bad, y, controls=["cc"], importance=other)
    text = str(err.value)
    assert "controls names 'cc'" in text and "Did you mean 'c'?" in text
    assert "infinite ratings: 'b' (3 rows)" in text
    assert "does not rank 2 of the model's facets ('b', 'c')" in text


def test_exact_collinearity_is_named_and_spares_the_other_facets():
    """A reverse-coded copy (11 - a) or a total (a + b) made every VIF
    infinite, the unrelated facets' too, and no warning said why."""
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    rng = np.random.default_rng(2)
    a, b, c = rng.integers(1, 11, (3, 500)).astype(float)
    y = a + c + rng.standard_normal(500)
    plain = pd.DataFrame({"a": a, "b": b, "c": c})
    assert em.diagnose_drivers(_fit(plain, y), plain, y).warnings == ()
    design = np.column_stack([np.ones(500), plain.to_numpy()])
    for extra, involved, wording in (
        ({"a_rev": 11 - a}, ["a", "a_rev"], "'a' and 'a_rev'"),
        ({"a_plus_b": a + b}, ["a", "b", "a_plus_b"], "3 facets are exactly"),
    ):
        X = plain.assign(**extra)
        diag = em.diagnose_drivers(_fit(X, y), X, y)
        others = [f for f in X if f not in involved]
        assert np.isinf(diag.table.loc[involved, "vif"]).all()
        expected = [
            variance_inflation_factor(design, 1 + "abc".index(f)) for f in others
        ]
        np.testing.assert_allclose(diag.table.loc[others, "vif"], expected, rtol=1e-9)
        assert [w for w in diag.warnings if wording in w]
        assert np.isinf(diag.condition_number)
