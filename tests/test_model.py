import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

import emomotiv as em


def _expected_failures(estimator):
    return {
        "check_sample_weight_equivalence_on_dense_data": (
            "XGBoost draws rows (subsample) and bins features by weighted "
            "quantiles, so a weight of 2 is not the same as a duplicated row."
        ),
    }


@parametrize_with_checks(
    [
        em.DriverModel(n_estimators=5, cv=0, random_state=0),
        em.DriverModel(task="binary", n_estimators=50, cv=0, random_state=0),
    ],
    expected_failed_checks=_expected_failures,
)
@pytest.mark.filterwarnings("ignore:y is coded:UserWarning")  # labels 1/2 on purpose
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_binary_outcome_gives_a_classifier_with_cv_scores(small):
    X = small.survey[small.catalog["facet"]]
    model = em.DriverModel(n_estimators=60, cv=3, random_state=0)
    model.fit(X, small.survey["connected"], sample_weight=small.survey["weight"])
    assert model.task_ == "binary"
    assert model.cv_scores_["roc_auc"].shape == (3,)
    assert 0.6 < model.cv_scores_["roc_auc"].mean() <= 1
    p = model.predict_outcome(X)
    assert ((p > 0) & (p < 1)).all()
    assert set(model.predict(X)) <= {0, 1}
    assert list(model.feature_names_in_) == list(X.columns)


def test_numeric_outcome_gives_a_regressor(small):
    X = small.survey[small.catalog["facet"]]
    score = small.survey.filter(like="motivator__").mean(axis=1)
    model = em.DriverModel(n_estimators=60, cv=3, random_state=0).fit(X, score)
    assert model.task_ == "regression" and set(model.cv_scores_) == {"r2"}
    with pytest.raises(AttributeError):
        model.predict_proba(X)


def test_same_seed_same_model_and_weights_matter(small):
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    a = em.DriverModel(n_estimators=40, cv=3, random_state=1).fit(X, y)
    b = em.DriverModel(n_estimators=40, cv=3, random_state=1).fit(X, y)
    np.testing.assert_array_equal(a.predict_outcome(X), b.predict_outcome(X))
    np.testing.assert_array_equal(a.cv_scores_["roc_auc"], b.cv_scores_["roc_auc"])
    w = np.where(small.survey["connected"] == 1, 5.0, 1.0)
    c = em.DriverModel(n_estimators=40, cv=0, random_state=1).fit(X, y, sample_weight=w)
    assert c.predict_outcome(X).mean() > a.predict_outcome(X).mean()


def test_columns_are_matched_by_name(small):
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    model = em.DriverModel(n_estimators=20, cv=0, random_state=0).fit(X, y)
    shuffled = X[list(reversed(X.columns))]
    np.testing.assert_allclose(
        model.predict_outcome(shuffled), model.predict_outcome(X)
    )
    with pytest.raises(ValueError, match="differ from those seen in fit"):
        model.predict_outcome(X.rename(columns={X.columns[0]: "other"}))


def test_bad_parameters_name_the_parameter(small):
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    with pytest.raises(ValueError, match="'max_depth' parameter of DriverModel"):
        em.DriverModel(max_depth=0).fit(X, y)


def test_notebook_mistakes_are_named_before_xgboost_sees_them(small):
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    fast = {"n_estimators": 5, "cv": 0}
    facet = X.columns[1]
    typo = {facet[:-1]: 1}
    with pytest.raises(ValueError, match=f"Did you mean '{facet}'"):
        em.DriverModel(monotone_constraints=typo, **fast).fit(X, y)
    with pytest.raises(ValueError, match="X must be a DataFrame"):
        em.DriverModel(monotone_constraints={facet: 1}, **fast).fit(X.to_numpy(), y)
    with pytest.raises(ValueError, match="'random_state' parameter of DriverModel"):
        em.DriverModel(random_state="seed", **fast).fit(X, y)
    with pytest.raises(ValueError, match="y has 3 missing values"):
        em.DriverModel(**fast).fit(X, y.where(y.index > 2))


def test_scikit_learn_sees_a_classifier_or_a_regressor(small):
    """A binary model is a classifier to scikit-learn once fitted (or when
    declared), so its probability scorers work; ValueModel is a regressor."""
    from sklearn.base import is_classifier, is_regressor
    from sklearn.model_selection import cross_val_score

    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    model = em.DriverModel(n_estimators=30, cv=0, random_state=0)
    assert not is_classifier(model)  # "auto": known only once fitted
    assert is_classifier(em.DriverModel(task="binary"))
    assert is_classifier(model.fit(X, y)) and not is_regressor(model)
    assert is_regressor(em.ValueModel()) and is_regressor(
        em.DriverModel(task="regression")
    )
    auc = cross_val_score(
        em.DriverModel(n_estimators=30, cv=0, task="binary"),
        X,
        y,
        cv=3,
        scoring="roc_auc",
    )
    assert np.isfinite(auc).all() and (auc > 0.6).all()


def test_text_and_date_columns_are_named(small):
    """A column of answer texts or dates, or one named twice, is refused by
    name (not numpy's 'could not convert string to float'); numbers written
    as text, with pandas' missing value, are read as numbers."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    first, second = X.columns[:2]
    fast = dict(n_estimators=10, cv=0, random_state=0)
    bad = X.assign(
        **{first: np.where(X[first] > 5, "high", "low"), second: pd.Timestamp("2026")}
    )
    with pytest.raises(em.ValidationError) as err:
        em.DriverModel(**fast).fit(bad, y)
    assert err.value.problems[0].startswith(f"Column '{first}' holds text")
    assert "'high', 'low'" in err.value.problems[0]
    assert err.value.problems[1].startswith(f"Column '{second}' holds dates")
    with pytest.raises(em.ValidationError, match=f"'{first}' appears 2 times"):
        em.DriverModel(**fast).fit(pd.concat([X, X[[first]]], axis=1), y)
    text = X.assign(**{first: X[first].astype("string")})
    assert text[first].isna().any()
    model = em.DriverModel(**fast).fit(X, y)
    np.testing.assert_array_equal(
        em.DriverModel(**fast).fit(text, y).predict_outcome(text),
        model.predict_outcome(X),
    )
    # columns named by position (not str): read as well
    unnamed = text.set_axis(range(text.shape[1]), axis=1)
    assert em.DriverModel(**fast).fit(unnamed, y).n_features_in_ == X.shape[1]


def test_text_outcome_of_a_regression_is_named(small):
    """y of answer texts for a regression (declared, or three answers under
    "auto") is refused with its values, not numpy's 'could not convert'."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    fast = dict(n_estimators=10, cv=0, random_state=0)
    answers = np.where(y == 1, "yes", "no").astype(object)
    with pytest.raises(ValueError, match="numeric y for a regression.*'no', 'yes'"):
        em.DriverModel(task="regression", **fast).fit(X, answers)
    answers[:3] = "maybe"
    with pytest.raises(ValueError, match="'maybe', 'no', 'yes'"):
        em.DriverModel(**fast).fit(X, answers)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"subsample": 0}, r"'subsample' parameter of DriverModel .* \(0, 1\]"),
        ({"colsample_bytree": 0.0}, r"'colsample_bytree' parameter .* \(0, 1\]"),
        ({"cv": "5"}, "'cv' parameter of DriverModel must be an int >= 0, a"),
        ({"cv": 2.5}, "'cv' parameter of DriverModel .* Got 2.5"),
        ({"n_jobs": 0}, "'n_jobs' parameter of DriverModel must be an int other"),
    ],
)
def test_settings_xgboost_would_take_are_refused_by_name(small, params, message):
    """A share of 0 (XGBoost fits a constant on it), a cv that is no
    number of folds nor splitter, n_jobs=0: refused with the parameter."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    with pytest.raises(ValueError, match=message):
        em.DriverModel(n_estimators=5, **params).fit(X, y)


def test_value_model_errors_name_the_value_model():
    with pytest.raises(ValueError, match="'max_depth' parameter of ValueModel"):
        em.ValueModel(max_depth=0).fit(np.ones((20, 1)), np.ones(20))


def test_score_names_an_outcome_that_does_not_fit_the_model(small):
    """score() read 'yes'/'no' against classes 0/1 as all 0 (AUC nan) and a
    missing y as 'not connected'; now each is refused by name."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    model = em.DriverModel(n_estimators=10, cv=0, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="y holds 'no', 'yes', which the model"):
        model.score(X, np.where(y == 1, "yes", "no"))
    with pytest.raises(ValueError, match="y has 1 missing value;"):
        model.score(X, y.where(y.index > 0))
    assert 0.5 < model.score(X, y) <= 1


@pytest.mark.parametrize(("answer", "shown"), [(0, "(0)"), ("no", "('no')")])
def test_an_outcome_of_one_class_names_it_as_written(small, answer, shown):
    """The class was shown as numpy writes it, 'only 1 class (np.int64(0))'."""
    X = small.survey[small.catalog["facet"]]
    y = np.full(len(X), answer, dtype=object if isinstance(answer, str) else int)
    with pytest.raises(ValueError, match=rf"only 1 class \{shown[:-1]}\):"):
        em.DriverModel(n_estimators=5, cv=0, task="binary").fit(X, y)


def test_a_refit_as_a_regression_keeps_no_classes_of_the_binary_fit(small):
    """A model refitted on a score has no ``classes_`` left from an earlier
    binary fit: scikit-learn reads ``classes_`` as the mark of a classifier."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    model = em.DriverModel(n_estimators=5, cv=0, random_state=0).fit(X, y)
    assert hasattr(model, "classes_")
    model.fit(X, np.linspace(0, 10, len(X)))
    assert model.task_ == "regression"
    assert not hasattr(model, "classes_")
    assert model.fit(X, y).classes_.tolist() == [0, 1]


def test_columns_that_differ_from_fit_are_counted_and_near_matches_named(small):
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    model = em.DriverModel(n_estimators=5, cv=0, random_state=0).fit(X, y)
    first, second = X.columns[:2]
    other = X.rename(columns={first: first + "_q3"}).drop(columns=second)
    with pytest.raises(ValueError) as caught:
        model.predict_outcome(other.assign(extra=1))
    message = str(caught.value)
    assert f"2 of the {X.shape[1]} missing: '{first}', '{second}'" in message
    assert f"Did you mean '{first}_q3'?" in message
    assert f"2 unexpected: '{first}_q3', 'extra'" in message


def test_a_text_outcome_whose_later_label_is_a_no_is_warned_of():
    """y of "connected" / "not connected": the model explains the later label
    in sort order, not being connected, and every direction flipped in
    silence. "Yes" / "No" explains the yes, and says nothing."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    X = s.survey[s.catalog["facet"]]
    words = s.survey["connected"].map({1: "connected", 0: "not connected"})
    with pytest.warns(UserWarning, match="later label in sort order, 'not connected'"):
        em.DriverModel(n_estimators=10, cv=0).fit(X, words)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        em.DriverModel(n_estimators=10, cv=0).fit(
            X, s.survey["connected"].map({1: "Yes", 0: "No"})
        )


@pytest.mark.parametrize(
    ("coding", "explained"),
    [
        ({1: 1, 0: 2}, r"P\(y == 2\), the later of 1 and 2 in sort order"),
        ({1: "Connected", 0: "Disconnected"}, r"P\(y == 'Disconnected'\)"),
        ({1: "Agree", 0: "Disagree"}, r"P\(y == 'Disagree'\)"),
    ],
)
def test_a_binary_outcome_not_0_1_names_the_class_it_explains(coding, explained):
    """1 = yes / 2 = no, or text whose no sorts last: the model explained
    the no and every direction flipped, with no warning outside a word
    list. Any binary y but 0/1 or False/True now names the class explained
    and the way out; 0/1 and booleans say nothing."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    fast = dict(n_estimators=5, cv=0, random_state=0)
    with pytest.warns(UserWarning, match=explained) as caught:
        model = em.DriverModel(**fast).fit(X, y.map(coding))
    assert "connected_values=" in str(caught[0].message)
    assert model.classes_.tolist() == sorted(coding.values())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        em.DriverModel(**fast).fit(X, y.astype(bool))
        em.DriverModel(**fast).fit(X, y.astype(float))


def test_the_class_explained_is_said_in_words():
    assert em.model.explained_class(np.array([0, 1])) is None
    assert em.model.explained_class(np.array([False, True])) is None
    assert em.model.explained_class(np.array(["No", "Yes"])) == (
        "P(y == 'Yes'), the later of 'No' and 'Yes' in sort order"
    )


def test_a_0_1_outcome_with_a_no_answer_code_is_not_read_as_a_score(small):
    """y of 0/1 with 9 for "don't know" was modelled as a score under
    task="auto", in silence; now refused with its values and ways out. A
    real score, or a declared regression, is fitted as before."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    fast = dict(n_estimators=5, cv=0, random_state=0)
    coded = y.where(y.index % 20 > 0, 9)
    with pytest.raises(ValueError, match=r"values 0, 1, 9: 9, in 30 rows, looks"):
        em.DriverModel(**fast).fit(X, coded)
    with pytest.raises(ValueError, match="task='regression' to model a score"):
        em.DriverModel(**fast).fit(X, coded.replace({0: 2}))  # 1/2 and 9
    assert em.DriverModel(task="regression", **fast).fit(X, coded).task_ == (
        "regression"
    )
    scale = (X.iloc[:, 0].fillna(3) > 3).astype(int) + y  # 0, 1, 2
    assert em.DriverModel(**fast).fit(X, scale).task_ == "regression"
    # detractor, passive, promoter (-1, 0, 1) is a score, not 0/1 and a code
    nps = (X.iloc[:, 0].fillna(5) > 7).astype(int) - (X.iloc[:, 1].fillna(5) < 4)
    assert sorted(nps.unique()) == [-1, 0, 1]
    assert em.DriverModel(**fast).fit(X, nps).task_ == "regression"


def test_score_refuses_a_misaligned_outcome_or_weight_as_fit_does(small):
    """score() paired a sorted y (or weights) with X by position and gave
    the AUC of a wrong pairing; it now refuses it as fit does."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    model = em.DriverModel(n_estimators=10, cv=0, random_state=0).fit(X, y)
    with pytest.raises(em.ValidationError, match=r"pass y.loc\[X.index\]"):
        model.score(X, y.sort_values())
    w = small.survey["weight"]
    with pytest.raises(em.ValidationError, match=r"pass sample_weight.loc\[X.index"):
        model.score(X, y, sample_weight=w.sort_values())
    assert model.score(X, y, sample_weight=w) == model.score(
        X, y.to_numpy(), sample_weight=w.to_numpy()
    )


def test_predicting_without_the_design_columns_names_design_matrix(small):
    """A model fitted on an analysis's design (halo score, one-hot control)
    asked to predict on the facets said only that '__halo__' and
    'purpose=...' are missing; it now says how to build them."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    data = small.survey.assign(purpose=np.where(y.index % 2, "save", "trade"))
    design = em.design_matrix(X, data=data, controls=["purpose"])
    model = em.DriverModel(n_estimators=5, cv=0, random_state=0)
    model.fit(design.matrix, y)
    with pytest.raises(ValueError, match="missing: '__halo__', 'purpose=") as err:
        model.predict_proba(X)
    assert "pass design.matrix where design = em.design_matrix(" in str(err.value)
    np.testing.assert_array_equal(
        model.predict_proba(design.matrix[design.matrix.columns[::-1]]),
        model.predict_proba(design.matrix),
    )


def test_categorical_facets_with_a_missing_rating_are_read_as_numbers(small):
    """Int64 categories with <NA> (after convert_dtypes) crashed inside
    numpy; they are read as numbers, as shap_importance reads them."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    assert X.isna().any().any()
    fast = dict(n_estimators=10, cv=0, random_state=0)
    categories = X.round().astype("Int64").astype("category")
    model = em.DriverModel(**fast).fit(categories, y)
    np.testing.assert_array_equal(
        model.predict_outcome(categories),
        em.DriverModel(**fast).fit(X.round(), y).predict_outcome(X.round()),
    )
    words = X.assign(**{X.columns[0]: pd.Categorical(["low", "high"] * 300)})
    with pytest.raises(em.ValidationError, match=f"'{X.columns[0]}' holds text"):
        em.DriverModel(**fast).fit(words, y)


def test_cv_as_a_generator_is_refused_and_a_list_of_folds_kept(small):
    """cv=<generator> was used up by the first fit (a refit had no scores)
    and broke clone with a pickling TypeError; it is refused by name, and a
    list of the same folds serves every fit and clone."""
    from sklearn.base import clone
    from sklearn.model_selection import KFold

    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    folds = KFold(3, shuffle=True, random_state=0)
    with pytest.raises(ValueError, match=r"'cv' parameter .* cv=list\(\.\.\.\)"):
        em.DriverModel(n_estimators=5, cv=folds.split(X)).fit(X, y)
    model = em.DriverModel(n_estimators=5, cv=list(folds.split(X)), random_state=0)
    first = model.fit(X, y).cv_scores_["roc_auc"]
    np.testing.assert_array_equal(model.fit(X, y).cv_scores_["roc_auc"], first)
    assert clone(model).fit(X, y).cv_scores_["roc_auc"].shape == (3,)


def test_a_fitted_model_names_unexpected_columns_before_reading_them(small):
    """predict on the whole survey told the user to recode respondent ids
    and segment names as ratings; columns are now compared first, and only
    the model's own are read as ratings."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    model = em.DriverModel(n_estimators=5, cv=0, random_state=0).fit(X, y)
    wide = X.assign(respondent_id=[f"R{i:04d}" for i in range(len(X))])
    with pytest.raises(ValueError, match="1 unexpected: 'respondent_id'") as err:
        model.predict_proba(wide)
    assert "Recode" not in str(err.value)
    text = X.assign(**{X.columns[0]: "high"})
    with pytest.raises(em.ValidationError, match=f"'{X.columns[0]}' holds text"):
        model.predict_proba(text)
