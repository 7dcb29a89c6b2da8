import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emomotiv as em
from emomotiv._validation import ValidationError
from emomotiv.controls import HALO, SPREAD
from emomotiv.pipeline import CONTROL_COLUMNS
from emomotiv.simulate import _knapsack


def _rated(seed: int, n: int = 800, p: int = 20, missing: float = 0.3):
    """Ratings = warmth + noise, with structural missingness; returns (X, h)."""
    rng = np.random.default_rng(seed)
    h = rng.standard_normal(n)
    latent = 7 + 1.5 * (0.6 * h[:, None] + 0.8 * rng.standard_normal((n, p)))
    x = np.clip(np.rint(latent), 1, 10)
    x[rng.random((n, p)) < missing] = np.nan
    return pd.DataFrame(x, columns=[f"f{j}" for j in range(p)]), h


@pytest.mark.parametrize("method", ["mean", "factor", "profile", "components"])
def test_halo_score_recovers_the_warmth_that_generated_the_ratings(method):
    X, h = _rated(0)
    score = em.halo_score(X, method=method)[HALO]
    assert score.notna().all()
    assert np.corrcoef(score, h)[0, 1] > 0.85


@pytest.mark.parametrize("chunk", [97, 65_536])  # 9 chunks (the last short), one
def test_the_halo_score_is_the_weighted_mean_of_standardised_ratings(
    monkeypatch, chunk
):
    """Summed over chunks of respondents (memory at 1M rows), the score is the
    one-pass formula: each rating standardised over its facet's raters
    (weighted), averaged over the facets the respondent rated."""
    from emomotiv import _stats

    X, _ = _rated(3, n=800, p=8)
    w = np.random.default_rng(3).uniform(0.5, 2, len(X))
    seen = X.notna() * w[:, None]
    mean = (X * w[:, None]).sum() / seen.sum()
    sd = np.sqrt(((X - mean) ** 2 * w[:, None]).sum() / seen.sum())
    expected = ((X - mean) / sd).mean(axis=1)
    monkeypatch.setattr(_stats, "CHUNK_ROWS", chunk)
    score = em.halo_score(X, sample_weight=w)[HALO]
    np.testing.assert_allclose(score, expected, rtol=0, atol=1e-12)


def test_halo_none_has_no_column_and_profile_adds_the_spread():
    X, _ = _rated(1, n=50, p=6)
    assert em.halo_score(X, method="none").shape == (50, 0)
    assert list(em.halo_score(X, method="profile").columns) == [HALO, SPREAD]


def test_components_give_one_score_per_eight_facets_over_the_rated_ones():
    """The first column is the warmth (it agrees with the mean); each row's
    scores are the probabilistic-PCA posterior mean over the facets it rated,
    so a respondent who rated little is pulled toward 0 on every component;
    one who rated nothing has no score."""
    from emomotiv.controls import _leading_loadings, _standardise

    X, _ = _rated(4, n=400, p=24)
    X.iloc[5] = [5.0, 7.0] + [np.nan] * 22  # rated two: fewer than components
    X.iloc[6] = np.nan
    scores = em.halo_score(X, method="components")
    assert list(scores.columns) == [HALO, "__halo_2__", "__halo_3__"]
    assert scores.drop(index=6).notna().all().all() and scores.loc[6].isna().all()
    mean = em.halo_score(X)[HALO].drop(index=6)
    assert np.corrcoef(scores[HALO].drop(index=6), mean)[0, 1] > 0.95
    loading, noise = _leading_loadings(X, np.ones(len(X)), 3)
    assert 0 < noise < 1
    z = _standardise(X.to_numpy(), X.mean().to_numpy(), X.std(ddof=0).to_numpy())
    for i in (5, 10):
        rated = loading[~np.isnan(z[i])]
        gram = rated.T @ rated + noise * np.eye(3)
        expected = np.linalg.solve(gram, rated.T @ z[i, ~np.isnan(z[i])])
        np.testing.assert_allclose(scores.iloc[i], expected, atol=1e-10)
    assert np.abs(scores.iloc[5]).max() < np.abs(scores.drop(index=6)).max().min()


def test_components_track_warmth_that_scale_use_hides_from_the_mean():
    """Under scale use a respondent's mean rating mixes warmth with their
    shift of the scale; the components' scores together say more about the
    generator's true warmth than the mean does (linear R²)."""
    s = em.make_survey(
        4000,
        100,
        random_state=1,
        halo_effect="moderate",
        scale_usage=True,
        stage_factor=0.3,
    )
    X, warmth = s.survey[s.catalog["facet"]], s.respondents["halo"].to_numpy()

    def r2(scores):
        design = np.column_stack([np.ones(len(X)), scores.to_numpy()])
        fit = np.linalg.lstsq(design, warmth, rcond=None)[0]
        return 1 - np.var(warmth - design @ fit) / np.var(warmth)

    mean = r2(em.halo_score(X))
    components = r2(em.halo_score(X, method="components"))
    assert components > mean + 0.03


def test_a_respondent_with_no_ratings_has_no_halo_score():
    X, _ = _rated(2, n=60, p=5)
    X.iloc[3] = np.nan
    score = em.halo_score(X)[HALO]
    assert np.isnan(score.iloc[3]) and score.drop(index=3).notna().all()


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 1000),
    shift=st.floats(-3, 3),
    scale=st.floats(0.2, 5),
    method=st.sampled_from(["mean", "factor", "profile", "components"]),
)
def test_rescaling_a_facet_leaves_the_halo_score_unchanged(seed, shift, scale, method):
    X, _ = _rated(seed, n=120, p=6)
    moved = X.assign(f0=X["f0"] * scale + shift)
    pd.testing.assert_frame_equal(
        em.halo_score(X, method=method), em.halo_score(moved, method=method)
    )


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 1000), order_seed=st.integers(0, 1000))
def test_facet_order_does_not_change_the_halo_score(seed, order_seed):
    X, _ = _rated(seed, n=100, p=7)
    order = np.random.default_rng(order_seed).permutation(X.columns)
    for method in ("mean", "factor", "profile", "components"):
        pd.testing.assert_frame_equal(
            em.halo_score(X, method=method),
            em.halo_score(X[order], method=method),
            atol=1e-10,
        )


def test_encode_controls_numbers_as_they_are_categories_one_hot_missing_kept():
    data = pd.DataFrame(
        {
            "purpose": ["leisure", "business", None, "leisure"],
            "tenure": [1.0, np.nan, 3.0, 4.0],
            "frequent": [True, False, True, True],
        }
    )
    out = em.encode_controls(data, ["purpose", "tenure", "frequent"])
    assert list(out.columns) == [
        "purpose=business",
        "purpose=leisure",
        "tenure",
        "frequent=False",
        "frequent=True",
    ]
    assert out.loc[0, "purpose=leisure"] == 1 and out.loc[0, "purpose=business"] == 0
    assert out.loc[2, ["purpose=business", "purpose=leisure"]].isna().all()
    np.testing.assert_array_equal(out["tenure"], data["tenure"])
    assert out.attrs["kinds"] == {
        "purpose": "categorical",
        "tenure": "numeric",
        "frequent": "categorical",
    }


def test_encode_controls_names_every_unknown_column():
    data = pd.DataFrame({"purpose": ["a"], "age": [30]})
    with pytest.raises(ValidationError) as err:
        em.encode_controls(data, ["purpse", "region"])
    assert len(err.value.problems) == 2 and "purpose" in str(err.value)


def test_many_levels_share_one_other_column():
    data = pd.DataFrame({"region": [f"r{k % 40}" for k in range(200)]})
    out = em.encode_controls(data, ["region"])
    assert out.shape[1] == 31 and "region=(other)" in out.columns
    assert (out.sum(axis=1) == 1).all()


def test_design_matrix_puts_facets_first_and_groups_the_levels(small):
    facets = list(small.catalog["facet"])
    d = em.design_matrix(
        small.survey[facets], data=small.survey, controls=["customer_type"]
    )
    assert list(d.matrix.columns[: len(facets)]) == facets
    assert d.facets == facets
    assert d.kinds == {HALO: "halo", "customer_type": "context"}
    assert set(d.groups.values()) == {HALO, "customer_type"}
    assert all(d.groups[c] == "customer_type" for c in d.columns[1:])


def test_a_control_that_is_a_facet_is_refused(small):
    facets = list(small.catalog["facet"])
    with pytest.raises(ValidationError, match="also a facet"):
        em.design_matrix(small.survey[facets], controls=[facets[0]])


def test_design_matrix_lists_every_control_problem_at_once(small):
    """An unknown column (with the near name), a facet, a name given twice
    and a column with no value: one error naming all four."""
    facets = list(small.catalog["facet"])
    data = small.survey.assign(blank=" ", empty=np.nan)
    with pytest.raises(ValidationError) as err:
        em.design_matrix(
            small.survey[facets],
            data=data,
            controls=["customer_typ", facets[0], "blank", "blank", "empty"],
        )
    text = str(err.value)
    assert len(err.value.problems) == 5, text
    assert "Did you mean 'customer_type'" in text and "also a facet" in text
    assert "named more than once" in text
    assert "'blank' has no value" in text and "'empty' has no value" in text


def test_data_rows_are_matched_to_the_ratings_by_label(small):
    """The survey in another row order, or holding more rows than the
    ratings, gives each respondent their own context; rows that cannot be
    matched are refused."""
    facets = list(small.catalog["facet"])
    X = small.survey[facets].iloc[::3]
    shuffled = small.survey.sample(frac=1.0, random_state=0)
    d = em.design_matrix(X, data=shuffled, controls=["customer_type"], halo="none")
    expected = em.encode_controls(small.survey.loc[X.index], ["customer_type"])
    pd.testing.assert_frame_equal(d.matrix[expected.columns], expected)
    with pytest.raises(ValidationError, match="rows"):
        em.design_matrix(X, data=small.survey.head(10), controls=["customer_type"])


def test_a_blank_category_is_a_missing_value():
    data = pd.DataFrame({"region": ["north ", " ", "", "north", None]})
    out = em.encode_controls(data, ["region"])
    assert list(out.columns) == ["region=north"]
    assert out["region=north"].isna().tolist() == [False, True, True, False, True]


def test_the_levels_kept_do_not_depend_on_the_row_order():
    data = pd.DataFrame({"region": [f"r{k:02d}" for k in range(40)] * 5})
    forward = em.encode_controls(data, ["region"])
    backward = em.encode_controls(data.iloc[::-1], ["region"])
    assert list(forward.columns) == list(backward.columns)
    assert "region=r29" in forward.columns and "region=r30" not in forward.columns


@pytest.fixture(scope="module")
def suspect(small):
    """The small survey with a control of each suspect kind and one facet
    rated from best to worst, and the warnings of its design."""
    facets = list(small.catalog["facet"])
    rng = np.random.default_rng(0)
    data = small.survey.assign(
        copy=small.survey[facets[2]] * 2 + 1,
        leak=small.survey["connected"] + 0.1 * rng.standard_normal(len(small.survey)),
        tenure=rng.integers(1, 20, len(small.survey)).astype(float),
    )
    data.loc[data.index[:25], "tenure"] = 999
    data[facets[4]] = 11 - data[facets[4]]
    with pytest.warns(UserWarning) as caught:
        design = em.design_matrix(
            data[facets],
            data=data,
            controls=["customer_type", "copy", "leak", "tenure"],
            y=data["connected"],
            sample_weight=data["weight"],
        )
    assert [str(w.message) for w in caught] == design.info["warnings"]
    return facets, design.info["warnings"]


def test_a_control_that_copies_a_facet_is_warned(suspect):
    facets, notes = suspect
    found = [n for n in notes if "'copy' nearly copies" in n]
    assert len(found) == 1 and f"'{facets[2]}'" in found[0] and "+1.00" in found[0]


def test_a_rating_given_as_a_text_control_is_checked_for_copying(small):
    """A rating exported as text ("7", blank when unrated) passed as a control
    took the facet's gain with no word; as numbers it was warned of."""
    facets = list(small.catalog["facet"])
    rated = small.survey[facets[2]]
    text = rated.map(lambda v: "" if pd.isna(v) else f"{v:g}")
    data = small.survey.assign(app_score=text, region=np.where(rated > 5, "n", "s"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        em.design_matrix(
            data[facets], data=data, controls=["app_score", "region"], halo="none"
        )
    said = [str(w.message) for w in caught if "nearly copies" in str(w.message)]
    assert len(said) == 1
    assert said[0].startswith(
        f"The control 'app_score' nearly copies the facet '{facets[2]}'"
    )


def test_a_control_that_nearly_is_the_outcome_is_warned(suspect):
    _, notes = suspect
    found = [n for n in notes if "alone accounts for" in n]
    assert len(found) == 1 and "'leak'" in found[0], notes


def test_a_no_answer_code_in_a_numeric_control_is_warned(suspect):
    _, notes = suspect
    found = [n for n in notes if "'tenure' has 25 respondents at 999" in n]
    assert len(found) == 1 and "at most 19" in found[0], notes


def test_a_facet_rated_best_to_worst_is_warned(suspect):
    facets, notes = suspect
    found = [n for n in notes if "against the respondent's other ratings" in n]
    assert len(found) == 1 and f"'{facets[4]}'" in found[0], notes
    assert not any(f"'{f}'" in found[0] for f in facets if f != facets[4])
    assert len(notes) == 4  # customer_type is context: no warning of its own


def test_a_clean_survey_gives_no_design_warning(small):
    facets = list(small.catalog["facet"])
    design = em.design_matrix(
        small.survey[facets],
        data=small.survey,
        controls=["customer_type"],
        y=small.survey["connected"],
        sample_weight=small.survey["weight"],
    )
    assert design.info["warnings"] == []


@pytest.fixture(scope="module")
def with_controls(small):
    facets = list(small.catalog["facet"])
    d = em.design_matrix(
        small.survey[facets], data=small.survey, controls=["customer_type"]
    )
    y = small.survey["connected"]
    model = em.DriverModel(n_estimators=60, cv=0, random_state=0).fit(d.matrix, y)
    return d, model, y


def test_controls_are_scored_apart_and_facets_share_one(with_controls):
    d, model, _ = with_controls
    result = em.shap_importance(model, d.matrix, controls=d.groups)
    assert list(result.table.index) == d.facets
    assert result.table["importance"].sum() == pytest.approx(1)
    ctrl = result.controls
    assert list(ctrl.index) == [HALO, "customer_type"]
    raw = result.table["raw_importance"].sum() + ctrl["raw_importance"].sum()
    assert ctrl["importance"].to_numpy() == pytest.approx(
        ctrl["raw_importance"].to_numpy() / raw
    )
    assert ctrl.loc["customer_type", "direction"] == 0  # a category has no order
    # the explanation keeps every model column, so rows still add up
    margin = model.estimator_.predict(d.matrix.to_numpy(), output_margin=True)
    exp = result.explanation
    np.testing.assert_allclose(
        exp.values.sum(axis=1) + exp.base_values, margin, atol=1e-4
    )


def test_a_categorical_control_says_which_levels_it_raises_and_lowers():
    """Direction 0 for every category left 'are business travellers more
    connected, touchpoints held fixed?' to hand work on the explanation."""
    rng = np.random.default_rng(0)
    n = 1500
    purpose = rng.choice(["business", "leisure", "visiting"], n, p=[0.3, 0.5, 0.2])
    X = pd.DataFrame({f"f{j}": rng.integers(1, 11, n).astype(float) for j in range(4)})
    lift = pd.Series(purpose).map({"business": 1.5, "leisure": 0.0, "visiting": -1.0})
    y = (rng.random(n) < 1 / (1 + np.exp(-(lift - 1 + 0.2 * (X["f0"] - 5))))).astype(
        int
    )
    d = em.design_matrix(
        X, data=X.assign(purpose=purpose), controls=["purpose"], halo="none"
    )
    model = em.DriverModel(n_estimators=60, cv=0, random_state=0).fit(d.matrix, y)
    table = em.shap_importance(model, d.matrix, controls=d.groups).controls
    assert table.loc["purpose", ["level_high", "level_low"]].tolist() == [
        "business",
        "visiting",
    ]
    assert table.loc["purpose", "direction"] == 0


def test_bootstrap_gives_controls_an_interval(with_controls):
    d, model, y = with_controls
    result = em.bootstrap_importance(
        model,
        d.matrix,
        y,
        n_boot=4,
        n_jobs=1,
        progress=False,
        random_state=0,
        controls=d.groups,
    )
    assert list(result.replicates.columns) == d.facets
    np.testing.assert_allclose(result.replicates.sum(axis=1), 1)
    ctrl = result.controls
    assert (ctrl["importance_low"] <= ctrl["importance_high"]).all()


def test_no_scenario_moves_a_control(with_controls):
    d, model, y = with_controls
    with pytest.raises(ValidationError, match="is a control"):
        em.simulate_improvement(
            model, d.matrix, HALO, y=y, cross_fit=0, n_boot=0, controls=d.columns
        )
    plan = em.plan_improvements(
        model, d.matrix, y, cross_fit=0, n_boot=0, controls=d.columns
    )
    assert list(plan.roi["facet"].sort_values()) == sorted(d.facets)


def test_analyze_writes_controls_and_the_halo_summary(small):
    result = em.analyze(
        small.survey,
        small.catalog,
        n_boot=3,
        n_jobs=1,
        progress=False,
        methods=False,
        controls=["customer_type"],
        budget=300_000,
        population=100_000,
        **small.roles,
    )
    controls = result.tables["controls"]
    assert tuple(controls.columns) == CONTROL_COLUMNS
    assert set(controls["control"]) == {HALO, "customer_type"}
    assert dict(zip(controls["control"], controls["kind"], strict=True)) == {
        HALO: "halo",
        "customer_type": "context",
    }
    halo = result.summary["halo"]
    assert halo["method"] == "mean" and halo["controls"] == ["customer_type"]
    assert halo["strength"] == pytest.approx(
        controls.set_index("control").loc[HALO, "importance"]
    )
    names = set(controls["control"]) | {c for c in result.model.feature_names_in_}
    facets = set(small.catalog["facet"])
    for table in ("drivers", "roi", "plan"):
        assert set(result.tables[table]["facet"]) <= facets, table
    assert names - facets  # the model did see the controls
    assert result.drivers["importance"].sum() == pytest.approx(1)


def test_analyze_halo_none_has_an_empty_controls_table(small):
    result = em.analyze(
        small.survey,
        small.catalog,
        n_boot=0,
        progress=False,
        methods=False,
        halo="none",
        **small.roles,
    )
    assert result.tables["controls"].empty
    assert result.summary["halo"]["strength"] is None
    assert list(result.model.feature_names_in_) == list(small.catalog["facet"])


@pytest.mark.filterwarnings("ignore:The ranking is unstable")
def test_analyze_components_hold_several_columns_as_one_warmth(small):
    """halo="components": the model sees one column per component, the
    controls table and the summary count them as one general warmth, and the
    report says how it was estimated."""
    from emomotiv.controls import _n_components

    result = em.analyze(
        small.survey,
        small.catalog,
        n_boot=2,
        n_jobs=1,
        progress=False,
        methods=False,
        halo="components",
        **small.roles,
    )
    k = _n_components(len(small.catalog))
    seen = [c for c in result.model.feature_names_in_ if c.startswith("__halo")]
    assert seen == [HALO] + [f"__halo_{j}__" for j in range(2, k + 1)]
    controls = result.tables["controls"]
    assert list(controls["control"]) == [HALO]
    assert result.summary["halo"]["method"] == "components"
    assert result.summary["halo"]["strength"] == pytest.approx(
        controls["importance"].iloc[0]
    )
    assert set(result.drivers["facet"]) == set(small.catalog["facet"])
    assert "principal components" in em.Report(result).html()


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"halo": "pca"}, "'halo' parameter"),
        ({"controls": "customer_type"}, "'controls' parameter"),
    ],
)
def test_bad_halo_and_controls_options(small, options, match):
    with pytest.raises(ValueError, match=match):
        em.analyze(small.survey, small.catalog, **small.roles, **options)


def test_the_outcome_cannot_be_a_control(small):
    with pytest.raises(ValidationError, match="connection column"):
        em.analyze(
            small.survey,
            small.catalog,
            n_boot=0,
            progress=False,
            controls=["connected"],
            **small.roles,
        )


# -- acceptance against the generator's truth -----------------------------------
# The acceptance survey is 6,000 x 100 with a moderate halo and scale
# use, averaged over 5 seeds (benchmarks/bench_halo.py carries that grid).
# Pinned here on one seed at 2,000 x 100 so the test stays quick; the point
# estimates (ranking, roi, plan) do not depend on the bootstrap, the model's
# cross-validated score or the classical methods, which are switched off.

BUDGET = 1_500_000
ACCEPTANCE = dict(halo_effect="moderate", scale_usage=True, stage_factor=0.3)


def _acceptance_scores(s, result) -> dict:
    truth = s.truth
    drivers = truth["is_driver"]
    uplift = truth["true_uplift"]
    order = result.drivers["facet"]
    roi = result.tables["roi"].set_index("facet")["delta_connected"]
    roi = roi.reindex(truth.index)
    cost = s.catalog.set_index("facet")["cost"].reindex(truth.index)
    plan = result.tables["plan"]
    chosen = list(plan.loc[plan["selected"], "facet"])
    best = _knapsack(uplift.to_numpy(), cost.to_numpy(), BUDGET)
    return {
        "p@10": order.head(10).map(drivers).mean(),
        "r@15": order.head(15).map(drivers).sum() / min(15, drivers.sum()),
        "pearson": float(np.corrcoef(roi, uplift)[0, 1]),
        "drivers/truth": roi[drivers].sum() / uplift[drivers].sum(),
        "others/truth": roi[~drivers].sum() / uplift[drivers].sum(),
        "plan/best": uplift.loc[chosen].sum() / uplift[best].sum(),
        "spend_none": cost.loc[[f for f in chosen if not drivers[f]]].sum()
        / cost.loc[chosen].sum(),
    }


def _fast_analyze(s, **options):
    """One model, no bootstrap, no classical methods, no segment models: the
    ranking, the gains and the plan these tests read are the same without
    them (the segments' models are fitted apart)."""
    roles = {k: v for k, v in s.roles.items() if k != "controls"}
    roles["segment"] = None
    return em.analyze(
        s.survey,
        s.catalog,
        model=em.DriverModel(cv=0),
        n_boot=0,
        methods=False,
        progress=False,
        population=100_000,
        budget=BUDGET,
        **roles | options,
    )


@pytest.fixture(scope="module")
def acceptance():
    s = em.make_survey(2000, 100, random_state=0, **ACCEPTANCE)
    return {
        "default": _acceptance_scores(s, _fast_analyze(s)),
        "none": _acceptance_scores(s, _fast_analyze(s, halo="none")),
    }


# Measured on this seed (2,000 x 100, seed 0) with the default halo design;
# targets that are not met are strict xfails carrying the measured number.
TARGETS = [
    ("p@10", ">=", 0.95, "measured 0.50"),
    ("r@15", ">=", 0.90, "measured 0.40"),
    ("pearson", ">=", 0.92, "measured 0.46"),
    ("drivers/truth", ">=", 0.85, "measured 0.34"),
    ("drivers/truth", "<=", 1.15, None),
    ("others/truth", "<=", 0.20, "measured 0.25 (0.43 without the halo score)"),
    ("plan/best", ">=", 0.90, "measured 0.51"),
    ("spend_none", "<=", 0.15, "measured 0.54"),
]


@pytest.mark.parametrize(
    ("metric", "op", "target"),
    [
        pytest.param(
            m, op, t, marks=[] if why is None else pytest.mark.xfail(reason=why)
        )
        for m, op, t, why in TARGETS
    ],
)
def test_acceptance_target(acceptance, metric, op, target):
    value = acceptance["default"][metric]
    assert value >= target if op == ">=" else value <= target


def test_the_halo_score_stops_gains_leaking_to_facets_with_no_effect(acceptance):
    assert acceptance["default"]["others/truth"] < acceptance["none"]["others/truth"]


def test_components_rank_and_plan_better_than_the_mean_under_scale_use():
    """The issue's acceptance survey at its own size (6,000 x 100, one seed):
    the principal-component scores hold more of each respondent's warmth
    than the mean, so the gains follow the truth more closely and the plan
    buys more of the best true gain, while the drivers' gains shrink (more
    of each touchpoint's own effect is held fixed). The grid of 5 seeds is in
    docs/concepts/halo.md."""
    s = em.make_survey(6000, 100, random_state=4, **ACCEPTANCE)
    mean = _acceptance_scores(s, _fast_analyze(s))
    components = _acceptance_scores(s, _fast_analyze(s, halo="components"))
    assert components["pearson"] > mean["pearson"] + 0.05
    assert components["plan/best"] > mean["plan/best"]
    assert components["drivers/truth"] < mean["drivers/truth"]


@pytest.fixture(scope="module")
def context_survey():
    return em.make_survey(2000, 40, random_state=0, context_effect=1.0)


def test_context_passed_as_a_control_keeps_its_facets_honest(context_survey):
    """The context moves connection and three facets' ratings (two of them
    with no effect): given as a control, each of those facets' simulated gain
    is within 0.02 of its true uplift and no facet without effect ranks
    among the first as many as there are true drivers (a top-ten bar is
    noise with 34 facets without effect: one lands there 12% of the
    time)."""
    s = context_survey
    result = _fast_analyze(s, controls=["purpose"])
    roi = result.tables["roi"].set_index("facet")["delta_connected"]
    rank = result.drivers.set_index("facet")["rank"]
    hit = s.truth.index[s.truth["context_shift"] != 0]
    errors = (roi[hit] - s.truth.loc[hit, "true_uplift"]).abs()
    assert (errors <= 0.02).all(), errors
    drivers = s.truth["is_driver"]
    n_drivers = int(drivers.sum())  # no facet without effect among as many
    assert all(rank[f] > n_drivers for f in hit if not drivers[f]), rank[hit]
    controls = result.tables["controls"].set_index("control")
    assert controls.loc["purpose", "kind"] == "context"
    assert controls.loc["purpose", "importance"] > 0


def test_partialling_out_the_control_removes_a_confounded_facet():
    """A facet that goes with the outcome only through a control carries
    relative weight on raw correlations and none given the control."""
    rng = np.random.default_rng(0)
    n = 3000
    c = rng.standard_normal(n)
    X = pd.DataFrame(
        {
            "confounded": c + rng.standard_normal(n),
            "driver": rng.standard_normal(n),
        }
    )
    X.loc[rng.random(n) < 0.3, "confounded"] = np.nan  # not experienced
    y = c + X["driver"] + rng.standard_normal(n)
    raw = em.relative_weights(X, y).table["importance"]
    rest, y_rest = em.partial_out(X, pd.DataFrame({"c": c}), y)
    given = em.relative_weights(rest, y_rest).table["importance"]
    assert raw["confounded"] > 0.2
    assert given["confounded"] < 0.01
    assert rest["confounded"].isna().equals(X["confounded"].isna())


def test_analyze_warns_of_a_control_that_nearly_is_the_outcome(small):
    """A near-copy of the outcome as a control took 91% of the importance
    without a word; value as a control took 40% (it follows from connection)."""
    survey = small.survey.assign(
        leak=small.survey["connected"]
        + 0.1 * np.random.default_rng(0).standard_normal(len(small.survey))
    )
    roles = {k: v for k, v in small.roles.items() if k != "controls"}
    options = dict(n_boot=0, methods=False, progress=False)
    with pytest.warns(UserWarning, match="'leak' alone accounts"):
        result = em.analyze(
            survey, small.catalog, controls=["leak"], **options, **roles
        )
    assert sum("'leak' alone" in n for n in result.summary["warnings"]) == 1
    with pytest.raises(ValidationError, match="follows from connection"):
        em.analyze(small.survey, small.catalog, controls=["value"], **roles)


def test_a_reset_subset_of_a_larger_survey_is_refused_not_matched_by_number():
    """X numbered 0..m-1 after reset_index inside a survey numbered 0..n-1:
    row i of X is not the survey's row i, and its context must not be
    taken from it."""
    survey = pd.DataFrame(
        {
            "a": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "b": [2.0, 3, 4, 5, 6, 7, 8, 9, 10, 1],
            "region": ["x"] * 5 + ["y"] * 5,
        }
    )
    subset = survey[survey["region"] == "y"]
    with pytest.raises(ValidationError, match="both numbered 0, 1, 2"):
        em.design_matrix(
            subset[["a", "b"]].reset_index(drop=True),
            data=survey,
            controls=["region"],
            halo="none",
        )
    kept = em.design_matrix(
        subset[["a", "b"]], data=survey, controls=["region"], halo="none"
    )
    assert kept.matrix["region=y"].eq(1).all()  # each row's own region
    # two waves joined without ignore_index: X's labels are all there, twice
    waves = pd.concat([survey, survey])
    with pytest.raises(ValidationError, match=r"10 of data's row labels stand for"):
        em.design_matrix(
            subset[["a", "b"]], data=waves, controls=["region"], halo="none"
        )


def test_the_leak_check_reads_ties_alike_in_any_row_order():
    """Equal values share a band: reordering the survey cannot flip the
    warning of a control that nearly is the outcome."""
    rng = np.random.default_rng(0)
    n = 600
    age = rng.integers(20, 30, n).astype(float)  # many ties
    y = (age > 24).astype(float)
    X = pd.DataFrame({f"f{j}": rng.integers(1, 11, n).astype(float) for j in range(3)})
    data = X.assign(age=age)
    order = rng.permutation(n)

    def said(frame, outcome):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            em.design_matrix(
                frame[X.columns], data=frame, controls=["age"], halo="none", y=outcome
            )
        return sorted(
            str(w.message) for w in caught if "alone accounts" in str(w.message)
        )

    ours = said(data, y)
    theirs = said(data.iloc[order].reset_index(drop=True), y[order])
    assert ours == theirs and len(ours) == 1


def test_a_control_explaining_more_than_context_does_is_warned_of():
    """A yes/no column agreeing with the outcome for 90% of respondents
    explains about half of it: held fixed it took a quarter of all importance
    with no word. Context explaining a tenth passes quietly."""
    rng = np.random.default_rng(1)
    n = 2000
    y = rng.random(n) < 0.3
    flipped = rng.random(n) < 0.1
    X = pd.DataFrame({f"f{j}": rng.integers(1, 11, n).astype(float) for j in range(3)})
    purpose = np.where(rng.random(n) < np.where(y, 0.6, 0.25), "business", "leisure")
    data = X.assign(loyal=(y ^ flipped).astype(float), purpose=purpose)

    def said(control):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            em.design_matrix(
                X, data=data, controls=[control], halo="none", y=y.astype(float)
            )
        return [str(w.message) for w in caught if "alone accounts" in str(w.message)]

    (loyal,) = said("loyal")
    assert "'loyal' alone accounts for 57% of the outcome's variation" in loyal
    assert "more than customer context usually does" in loyal
    assert said("purpose") == []


def test_a_control_named_like_the_halo_score_is_refused():
    """A text control named __halo__ was merged with the halo score: the
    warmth row left controls.csv and summary["halo"] lost the control."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    survey = s.survey.rename(columns={"customer_type": "__halo__"})
    survey["__spread__"] = 1.0
    with pytest.raises(ValidationError) as caught:
        em.analyze(
            survey,
            s.catalog,
            connection="connected",
            controls=["__halo__", "__spread__"],
            n_boot=0,
            progress=False,
        )
    message = str(caught.value)
    assert "'__halo__' has a name the analysis gives its halo score" in message
    assert "'__spread__' has a name" in message


def test_an_outcome_of_another_length_is_named():
    X = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 2, 1]})
    with pytest.raises(ValidationError, match="y has 2 entries but X 3 rows"):
        em.design_matrix(X, halo="none", y=[0, 1])


def test_the_halo_partialled_out_leaves_the_classical_methods_an_artefact():
    """As partial_out says: the facets' residuals given the halo score are
    collinear, and with missing ratings the classical methods on them split
    an R² of 1 and warn; given a context control they do not."""
    s = em.make_survey(n_respondents=1500, n_facets=10, random_state=0)
    X, y = s.survey[s.catalog["facet"]], s.survey["connected"].to_numpy(float)
    assert X.isna().any().any()
    rest, y_rest = em.partial_out(X, em.halo_score(X), y)
    with pytest.warns(UserWarning, match="linear R² of 1.00, an artefact"):
        assert em.shapley_regression(rest, y_rest).total > 0.99
    context = em.encode_controls(s.survey, ["customer_type"])
    rest, y_rest = em.partial_out(X, context, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert em.shapley_regression(rest, y_rest).total < 0.5


def test_the_factor_score_reads_only_facets_that_load_on_warmth():
    """A facet scored best to worst loads below 0, clipped to 0: it carries
    no warmth in the factor score, so a respondent who rated only it has
    none (NaN), as the docstring says, while the mean reads the rating."""
    rng = np.random.default_rng(0)
    warmth = rng.normal(size=(400, 1))
    X = pd.DataFrame(warmth + rng.normal(size=(400, 5)), columns=list("abcde"))
    X["reversed"] = -warmth[:, 0] + rng.normal(size=400)
    X.iloc[0, :5] = np.nan
    assert np.isnan(em.halo_score(X, method="factor")[HALO].iloc[0])
    assert np.isfinite(em.halo_score(X, method="mean")[HALO].iloc[0])


def test_a_halo_score_of_a_handful_of_respondents_is_warned_of():
    """Scoring a few new respondents alone: each facet is standardised over
    them, so one respondent had no halo score and two always +-0.27."""
    s = em.make_survey(n_respondents=40, n_facets=6, random_state=0)
    X = s.survey[s.catalog["facet"]]
    with pytest.warns(UserWarning, match="here 2: so few make it arbitrary"):
        em.halo_score(X.head(2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        em.halo_score(X)


def _explanation(values, data, names):
    import shap

    return shap.Explanation(
        values=np.asarray(values, dtype=float),
        data=np.asarray(data, dtype=float),
        feature_names=names,
    )


def test_the_usage_share_is_the_gap_between_raters_and_others_over_mean_abs_shap():
    """By hand, weights 2, 1, 1, 1: 'club' raters' mean SHAP (2 x 0.6 - 0.2) / 3
    = 1/3, the others' -0.2; between = (3 x 1/3 + 2 x 0.2) / 5 = 0.28 over
    mean |SHAP| (2 x 0.6 + 3 x 0.2) / 5 = 0.36: 7/9. A facet everyone rated
    whose SHAP averages 0 has none; one the model never used, NaN; the halo
    score is not a facet."""
    from emomotiv.controls import usage_shares

    nan = np.nan
    e = _explanation(
        [[0.6, 0.3, 0, 0.1], [-0.2, -0.3, 0, 0.1], [-0.2, -0.3, 0, 0], [-0.2, 0, 0, 0]],
        [[8, 7, 5, 1], [9, 2, 5, 0], [nan, 7, 6, 0], [nan, 5, 6, 0]],
        ["club", "app", "idle", HALO],
    )
    shares = usage_shares(e, [2, 1, 1, 1])
    assert list(shares.index) == ["club", "app", "idle"]
    assert shares["club"] == pytest.approx(7 / 9)
    assert shares["app"] == pytest.approx(0.0)
    assert np.isnan(shares["idle"])
    # unweighted: (0.6 - 0.2) / 2 = 0.2 and -0.2, over (0.6 + 3 x 0.2) / 4
    assert usage_shares(e, facets=["club"]).to_dict() == {"club": pytest.approx(2 / 3)}
    with pytest.raises(ValueError, match="no column for 'lounge'"):
        usage_shares(e, facets=["lounge"])


def _used_by_the_connected(seed=0, n=1200, p=12, keep=(0.8, 0.2)):
    """A make_survey survey whose first no-effect facet is rated by
    ``keep[0]`` of the connected and ``keep[1]`` of the others."""
    s = em.make_survey(n_respondents=n, n_facets=p, random_state=seed)
    facet = next(f for f in s.catalog["facet"] if not s.truth.loc[f, "is_driver"])
    y = s.survey["connected"].to_numpy()
    used = np.random.default_rng(seed).random(n) < np.where(y == 1, *keep)
    return s, s.survey.assign(**{facet: s.survey[facet].where(used)}), facet


def test_a_no_effect_facet_rated_mostly_by_the_connected_is_named_usage_led():
    """The trial's defect: a touchpoint with no effect, rated by 80% of the
    connected and 20% of the others, topped the ranking (the model read
    its missing ratings as 'not connected'). Its importance is nearly all
    the gap between its raters and the others: it is named with the
    connected share among each (weighted); the true drivers are not."""
    from emomotiv.controls import usage_led_facets

    s, survey, facet = _used_by_the_connected()
    facets = list(s.catalog["facet"])
    y, w = survey["connected"].to_numpy(), survey["weight"].to_numpy()
    design = em.design_matrix(survey[facets], halo="mean", sample_weight=w)
    model = em.DriverModel(n_estimators=60, cv=0, random_state=0)
    model.fit(design.matrix, y, sample_weight=w)
    result = em.shap_importance(
        model, design.matrix, sample_weight=w, controls=design.columns
    )
    assert result.table["importance"].idxmax() == facet  # the defect
    (found,) = usage_led_facets(result.explanation, y, w)
    assert found["facet"] == facet and found["usage_share"] >= 0.95
    rated = survey[facet].notna().to_numpy()
    assert found["connected_raters"] == pytest.approx(
        np.average(y[rated], weights=w[rated])
    )
    assert found["connected_others"] == pytest.approx(
        np.average(y[~rated], weights=w[~rated])
    )
    assert found["reach"] == pytest.approx(np.average(rated, weights=w))
    drivers = list(s.truth.index[s.truth["is_driver"]])
    assert usage_led_facets(result.explanation, y, w, facets=drivers) == []


def test_the_usage_warning_names_the_facets_the_outcome_and_the_way_to_read_them():
    from emomotiv.controls import usage_warning

    assert usage_warning([]) is None
    two = [
        {
            "facet": "club",
            "usage_share": 0.97,
            "connected_raters": 0.61,
            "connected_others": 0.08,
            "reach": 0.3,
        },
        {
            "facet": "app",
            "usage_share": 0.55,
            "connected_raters": 7.25,
            "connected_others": 6.5,
            "reach": 0.5,
        },
    ]
    said = usage_warning(two[:1], outcome="emotionally connected")
    assert said.startswith(
        "A touchpoint's rank rests mostly on who rated it, not on how: 'club' "
        "(97% of its importance; emotionally connected 61% among its raters vs "
        "8% among the others)."
    )
    assert "one-point gain (roi.csv, the report's ROI table) reads what its" in said
    # named by its label where it has one (a trial met 'help_centre' in a
    # report that everywhere else says "Help centre articles")
    named = usage_warning(two[:1], labels={"club": "Members' club", "x": "X"})
    assert "not on how: 'Members' club' (97% of its importance" in named
    assert "ExtendReach" in said
    score = usage_warning(two[1:], outcome="satisfaction", binary=False)
    assert "mean satisfaction 7.25 among its raters vs 6.5 among" in score
    both = usage_warning(two)
    assert both.startswith("The ranks of 2 touchpoints rest mostly on who rated them")
    said = "who uses them (customers who differ in the outcome whatever they do)"
    assert said + ", not what they do." in both
    assert "credits each touchpoint with who uses it" in both
