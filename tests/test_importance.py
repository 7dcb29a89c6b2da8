import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emomotiv as em


@pytest.fixture(scope="module")
def fitted(small):
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    model = em.DriverModel(n_estimators=80, cv=0, random_state=0).fit(X, y)
    return model, X


def test_shares_sum_to_one_and_frame_is_ranked(fitted):
    model, X = fitted
    result = em.shap_importance(model, X)
    frame = result.to_frame()
    assert frame["importance"].sum() == pytest.approx(1)
    assert (frame["importance"] >= 0).all()
    assert frame["importance"].is_monotonic_decreasing
    assert list(frame["rank"]) == list(range(1, len(frame) + 1))
    assert {"facet", "direction", "raw_importance", "reach", "mean_score"} <= set(frame)
    assert set(frame["direction"]) <= {-1, 0, 1}


def test_shap_rows_sum_to_prediction_minus_base(fitted):
    model, X = fitted
    exp = em.shap_importance(model, X).explanation
    margin = model.estimator_.predict(X.to_numpy(), output_margin=True)
    np.testing.assert_allclose(
        exp.values.sum(axis=1) + exp.base_values, margin, atol=1e-4
    )


def test_matches_shap_tree_explainer(fitted):
    import shap

    model, X = fitted
    ours = em.shap_importance(model, X).explanation.values
    theirs = shap.TreeExplainer(model.estimator_).shap_values(X.to_numpy())
    np.testing.assert_allclose(ours, theirs, atol=1e-4)


def test_direction_follows_the_effect():
    rng = np.random.default_rng(0)
    n = 2000
    X = pd.DataFrame(
        rng.integers(1, 11, (n, 3)).astype(float), columns=["up", "down", "x"]
    )
    logit = 0.6 * (X["up"] - 5.5) - 0.6 * (X["down"] - 5.5)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    model = em.DriverModel(n_estimators=80, cv=0, random_state=0).fit(X, y)
    table = em.shap_importance(model, X).table
    assert table.loc["up", "direction"] == 1 and table.loc["down", "direction"] == -1
    assert table.loc["x", "importance"] < table.loc["up", "importance"]


def test_weights_enter_reach_and_mean_score(fitted):
    model, X = fitted
    facet = X.columns[X.isna().any()].tolist()[0]
    w = np.where(X[facet].isna(), 10.0, 1.0)
    plain = em.shap_importance(model, X).table.loc[facet, "reach"]
    weighted = em.shap_importance(model, X, sample_weight=w).table.loc[facet, "reach"]
    assert weighted < plain
    assert plain == pytest.approx(X[facet].notna().mean())


def test_requires_named_facets(fitted):
    model, X = fitted
    with pytest.raises(TypeError, match="by name"):
        em.shap_importance(model, X.to_numpy())
    on_array = em.DriverModel(n_estimators=5, cv=0).fit(X.to_numpy(), [0, 1] * 300)
    with pytest.raises(TypeError, match="fitted without facet names"):
        em.shap_importance(on_array, X)
    numbered = X.set_axis(range(X.shape[1]), axis=1)  # names, but not text
    on_numbers = em.DriverModel(n_estimators=5, cv=0).fit(numbered, [0, 1] * 300)
    with pytest.raises(TypeError, match="column names are not all text"):
        em.shap_importance(on_numbers, numbered)


def test_a_misspelt_or_text_facet_is_named(fitted):
    model, X = fitted
    facet = X.columns[2]
    with pytest.raises(ValueError, match=f"'{facet[:-1]}' for '{facet}'"):
        em.shap_importance(model, X.rename(columns={facet: facet[:-1]}))
    with pytest.raises(ValueError, match=f"X has text in 1 facet columns: '{facet}'"):
        em.shap_importance(model, X.assign(**{facet: "n/a"}))
    as_text = X.astype(object).where(X.notna(), None).astype(str).replace("None", None)
    pd.testing.assert_frame_equal(  # numbers written as text still read
        em.shap_importance(model, as_text).table, em.shap_importance(model, X).table
    )


@settings(max_examples=5, deadline=None)
@given(st.permutations(list(range(12))))
def test_column_order_only_permutes_results(fitted, order):
    model, X = fitted
    base = em.shap_importance(model, X).table
    permuted = em.shap_importance(model, X.iloc[:, order]).table
    pd.testing.assert_frame_equal(base, permuted)


def test_a_model_with_the_halo_control_says_how_to_build_its_columns():
    """analyze's model is fitted on the design matrix (facets + halo score):
    given the facets alone, the error says how to build the matrix."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    X = s.survey[s.catalog["facet"]]
    design = em.design_matrix(X)
    model = em.DriverModel(n_estimators=10, cv=0, random_state=0)
    model.fit(design.matrix, s.survey["connected"])
    with pytest.raises(ValueError, match=r"halo score .* em.design_matrix\(X"):
        em.shap_importance(model, X)
    with pytest.raises(em.ValidationError, match="controls=design.columns"):
        em.simulate_improvement(model, X, "mobile_app", cross_fit=0, n_boot=0)
    em.shap_importance(model, design.matrix, controls=design.columns)


def test_a_model_with_a_context_control_says_how_to_build_its_columns():
    """A design with a one-hot control and no halo score: X lacking
    'purpose=...' was refused with no word of design_matrix."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    X = s.survey[s.catalog["facet"]]
    data = s.survey.assign(purpose=np.where(s.survey.index % 2, "save", "trade"))
    design = em.design_matrix(X, data=data, halo="none", controls=["purpose"])
    model = em.DriverModel(n_estimators=10, cv=0, random_state=0)
    model.fit(design.matrix, s.survey["connected"])
    with pytest.raises(ValueError, match=r"'purpose=save'.* em.design_matrix\(X"):
        em.shap_importance(model, X)


def test_an_importance_of_a_1_2_outcome_warns_which_class_it_explains(small):
    """y coded 1 = yes, 2 = no: every direction read for not being
    connected, in silence. The fit that the importance rests on (here the
    one bootstrap_importance makes) names the class explained."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    model = em.DriverModel(n_estimators=10, cv=0, random_state=0)
    with pytest.warns(UserWarning, match=r"explains P\(y == 2\)"):
        em.bootstrap_importance(
            model, X, 2 - y, n_boot=0, progress=False, random_state=0
        )


def test_a_facet_twice_in_X_or_no_respondent_is_named(fitted):
    model, X = fitted
    twice = pd.concat([X, X.iloc[:, [1]]], axis=1)
    with pytest.raises(ValueError, match=f"more than once: '{X.columns[1]}'"):
        em.shap_importance(model, twice)
    with pytest.raises(ValueError, match="no respondents"):
        em.shap_importance(model, X.iloc[:0])


def test_a_control_named_as_a_facet_is_refused_not_added_to_it(small):
    """A control given a facet's name had its SHAP added to the facet's
    share, and the control row read 0."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    region = np.random.default_rng(0).integers(0, 2, len(X))
    Xc = X.assign(region_a=region, region_b=1 - region)
    model = em.DriverModel(n_estimators=20, cv=0, random_state=0).fit(Xc, y)
    facet = X.columns[0]
    with pytest.raises(ValueError, match=f"the name of a facet: '{facet}'"):
        em.shap_importance(model, Xc, controls={"region_a": facet, "region_b": facet})
    ok = em.shap_importance(model, Xc, controls={"region_a": "r", "region_b": "r"})
    assert list(ok.controls.index) == ["r"] and list(ok.table.index) == list(X.columns)


def test_a_model_with_no_split_on_a_facet_says_its_equal_shares_rank_nothing(small):
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    flat = em.DriverModel(n_estimators=5, min_child_weight=1e6, cv=0).fit(X, y)
    with pytest.warns(UserWarning, match="no split on any facet"):
        result = em.shap_importance(flat, X)
    np.testing.assert_allclose(result.table["importance"], 1 / X.shape[1])


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_shap_adds_up_to_the_prediction_in_its_units_with_weights(small, task):
    """Base value + a respondent's SHAP values = the model's output for them
    (log-odds of P(connected), or the predicted score), missing ratings
    included; the weighted mean |SHAP| is the raw importance."""
    from scipy.special import logit

    X = small.survey[small.catalog["facet"]]
    assert X.isna().any().any()  # touchpoints not experienced
    y = small.survey["connected"]
    if task == "regression":
        y = small.survey.filter(like="motivator__").mean(axis=1)
    w = small.survey["weight"].to_numpy()
    model = em.DriverModel(n_estimators=40, cv=0, random_state=0).fit(X, y, w)
    result = em.shap_importance(model, X, sample_weight=w)
    exp = result.explanation
    out = model.predict_outcome(X).astype(float)
    expected = logit(out) if task == "binary" else out
    np.testing.assert_allclose(
        exp.base_values + exp.values.sum(axis=1), expected, atol=1e-4
    )
    raw = np.average(np.abs(exp.values), axis=0, weights=w)
    np.testing.assert_allclose(result.table["raw_importance"], raw, rtol=1e-12)
    np.testing.assert_allclose(result.table["importance"], raw / raw.sum(), rtol=1e-12)


def test_shap_importance_runs_where_every_warning_is_an_error():
    """A pipeline under ``python -W error``: shap's import-time colour-map
    PendingDeprecationWarnings (matplotlib 3.10 and later) do not stop it."""
    import subprocess
    import sys

    code = (
        "import emomotiv as em\n"
        "s = em.make_survey(n_respondents=200, n_facets=6, random_state=0)\n"
        "X, y = s.survey[s.catalog['facet']], s.survey['connected']\n"
        "m = em.DriverModel(n_estimators=10, cv=0).fit(X, y)\n"
        "print(len(em.shap_importance(m, X).top(5)))\n"
    )
    flags = [
        "-W",
        "error::PendingDeprecationWarning",
        "-W",
        "error::DeprecationWarning",
    ]
    run = subprocess.run(
        [sys.executable, *flags, "-c", code], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "5"


def test_the_halo_score_left_out_of_controls_is_refused():
    """Forgetting controls= ranked the halo score '__halo__' as the top
    touchpoint (share 0.39-0.47), with no word."""
    s = em.make_survey(n_respondents=400, n_facets=6, random_state=0)
    X = s.survey[s.catalog["facet"]]
    design = em.design_matrix(X, data=s.survey)
    y = s.survey["connected"]
    model = em.DriverModel(n_estimators=20, cv=0).fit(design.matrix, y)
    with pytest.raises(ValueError, match="'__halo__'.* not touchpoints"):
        em.shap_importance(model, design.matrix)
    with pytest.raises(ValueError, match="controls=design.columns"):
        em.bootstrap_importance(model, design.matrix, y, n_boot=2, progress=False)
    ranked = em.shap_importance(model, design.matrix, controls=design.columns)
    assert "__halo__" not in ranked.table.index
    # every column a design adds (the halo's spread of a profile), not only one
    profile = em.design_matrix(X, data=s.survey, halo="profile")
    added = [c for c in profile.matrix.columns if c.startswith("__")]
    model = em.DriverModel(n_estimators=20, cv=0).fit(profile.matrix, y)
    if len(added) > 1:
        with pytest.raises(ValueError, match="not touchpoints"):
            em.shap_importance(model, profile.matrix, controls=added[:1])


def test_the_class_a_1_2_outcome_explains_is_in_info(small):
    """A model of y coded 1/2 ranks the drivers of y == 2: info says so;
    a 0/1 outcome (every analysis) adds no key."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    fast = dict(n_estimators=5, cv=0, random_state=0)
    with pytest.warns(UserWarning, match="explains"):
        coded = em.DriverModel(**fast).fit(X, 2 - y)
    assert em.shap_importance(coded, X).info["explains"].startswith("P(y == 2)")
    assert (
        "explains" not in em.shap_importance(em.DriverModel(**fast).fit(X, y), X).info
    )


def test_shap_importance_refuses_infinite_ratings_in_any_row():
    s = em.make_survey(n_respondents=300, n_facets=8, random_state=0)
    X = s.survey[s.catalog["facet"]].astype(float)
    model = em.DriverModel(n_estimators=20, cv=0, random_state=0)
    model.fit(X, s.survey["connected"])
    X.iloc[7, 1] = np.inf
    with pytest.raises(ValueError, match="inf"):
        em.shap_importance(model, X)
