import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import emomotiv as em

FAST = {"n_estimators": 40, "max_depth": 2}


@pytest.fixture(scope="module")
def data():
    s = em.make_survey(n_respondents=800, n_facets=15, random_state=3)
    X = s.survey[s.catalog["facet"]]
    return s, X, s.survey["connected"], s.survey["weight"]


def _boot(data, **options):
    s, X, y, w = data
    settings = {
        "sample_weight": w,
        "n_boot": 30,
        "max_samples": 500,
        "n_jobs": 1,
        "progress": False,
        "random_state": 7,
    }
    model = em.DriverModel(**FAST, random_state=0)
    return em.bootstrap_importance(model, X, y, **(settings | options))


@pytest.fixture(scope="module")
def boot(data):
    return _boot(data)


def test_same_seed_identical_regardless_of_n_jobs(data, boot):
    again = _boot(data, n_jobs=2)
    pd.testing.assert_frame_equal(boot.replicates, again.replicates)
    pd.testing.assert_frame_equal(boot.table, again.table)
    other = _boot(data, random_state=8)
    assert not np.allclose(other.replicates.to_numpy(), boot.replicates.to_numpy())


def test_intervals_bracket_the_point_estimate(boot):
    t = boot.table
    assert (t["importance_low"] <= t["importance_high"]).all()
    assert (t["rank_low"] <= t["rank_high"]).all()
    inside = (t["importance_low"] <= t["importance"]) & (
        t["importance"] <= t["importance_high"]
    )
    # a 90% percentile interval; the full-data point sits inside for nearly all
    assert inside.mean() >= 0.9, t.loc[~inside, ["importance_low", "importance"]]
    top = t["importance"].idxmax()
    assert t.loc[top, "rank_low"] == 1


def test_replicates_and_p_top(boot, data):
    s, X, *_ = data
    reps = boot.replicates
    assert reps.shape == (30, 15)
    assert list(reps.columns) == list(X.columns)
    np.testing.assert_allclose(reps.sum(axis=1), 1.0)
    p = boot.table["p_top"]
    assert p.between(0, 1).all()
    # 15 facets: k is a fifth of them, 3 (not 10 of 15, nearly everyone)
    assert boot.info["top_k"] == 3
    assert p.sum() == pytest.approx(3)
    # p_top is exactly the share of replicates with the facet in the top k
    ranks = reps.rank(axis=1, ascending=False, method="first")
    pd.testing.assert_series_equal(
        (ranks <= 3).mean(), p, check_names=False, check_index_type=False
    )
    assert boot.info["n_boot"] == 30 and boot.info["sample_size"] == 500


def test_true_drivers_are_likely_top_ten(data, boot):
    s, *_ = data
    truth = s.truth.loc[boot.table.index]
    p = boot.table["p_top"]
    assert p[truth["is_driver"]].mean() > p[~truth["is_driver"]].mean()


def test_n_boot_zero_gives_no_intervals(data):
    s, X, y, w = data
    model = em.DriverModel(**FAST, random_state=0)
    result = em.bootstrap_importance(model, X, y, n_boot=0, progress=False)
    assert result.replicates is None
    cols = ["importance_low", "importance_high", "rank_low", "rank_high", "p_top"]
    assert result.table[cols].isna().all().all()
    point = em.shap_importance(model.set_params(cv=0).fit(X, y), X)
    pd.testing.assert_series_equal(
        result.table["importance"], point.table["importance"]
    )


def _two_groups(n_a=300, n_b=900, seed=0):
    """Group A: connection follows facet f1; group B: it follows f2."""
    rng = np.random.default_rng(seed)
    n = n_a + n_b
    X = pd.DataFrame(rng.integers(1, 11, size=(n, 4)).astype(float))
    X.columns = ["f1", "f2", "f3", "f4"]
    group_a = np.arange(n) < n_a
    driver = np.where(group_a, X["f1"], X["f2"])
    y = (driver + rng.normal(0, 1.5, n) > 5.5).astype(int)
    return X, y, group_a


def test_survey_weights_are_respected():
    """Weighting the small group up must make its driver the top facet."""
    X, y, group_a = _two_groups()
    model = em.DriverModel(n_estimators=40, max_depth=2, random_state=0)
    options = {"n_boot": 20, "n_jobs": 1, "progress": False, "random_state": 0}
    plain = em.bootstrap_importance(model, X, y, **options)
    weights = np.where(group_a, 9.0, 1.0)  # A now has 2,700 of 3,600 weight
    weighted = em.bootstrap_importance(model, X, y, sample_weight=weights, **options)
    assert (plain.replicates["f2"] > plain.replicates["f1"]).all()
    assert (weighted.replicates["f1"] > weighted.replicates["f2"]).all()
    assert weighted.table.loc["f1", "importance_low"] > 0.5


@pytest.mark.parametrize("scale", [1 / 3600, 1000.0])
def test_the_scale_of_the_weights_changes_nothing(scale):
    """Weights that sum to 1 (or to a population) give the same drivers: the
    model's regularisation is in units of summed weight, so weights enter at
    mean 1 (summing to 1, they would once stop every split)."""
    X, y, group_a = _two_groups()
    model = em.DriverModel(n_estimators=40, max_depth=2, random_state=0)
    options = {"n_boot": 5, "n_jobs": 1, "progress": False, "random_state": 0}
    weights = np.where(group_a, 9.0, 1.0)
    base = em.bootstrap_importance(model, X, y, sample_weight=weights, **options)
    scaled = em.bootstrap_importance(
        model, X, y, sample_weight=weights * scale, **options
    )
    assert base.table.loc["f1", "importance"] > 0.5
    np.testing.assert_allclose(
        scaled.table["importance"], base.table["importance"], atol=1e-12
    )


def test_ties_hold_every_rank_they_share():
    """Facets the model never splits on tie at 0 in every replicate: column
    order must not put them in the top k (a facet nobody rated came first)."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        rng.integers(1, 11, size=(1500, 10)).astype(float),
        columns=[f"f{j}" for j in range(10)],
    )
    X.insert(0, "nobody_rated", np.nan)
    y = (rng.random(1500) < 1 / (1 + np.exp(-0.6 * (X["f9"] - 5.5)))).astype(int)
    model = em.DriverModel(
        n_estimators=30, max_depth=1, subsample=1.0, colsample_bytree=1.0, cv=0
    )
    result = em.bootstrap_importance(
        model, X, y, n_boot=10, n_jobs=1, progress=False, random_state=0
    )
    t = result.table
    zero = t.index[(result.replicates == 0).all()]
    assert "nobody_rated" in zero and len(zero) >= 8 and "f9" not in zero
    k = result.info["top_k"]  # 3 of 11
    assert t.loc["f9", "p_top"] == 1 and t["p_top"].sum() == pytest.approx(k)
    # the places left in the top k are shared among the tie, whatever its order
    shared = t.loc[zero, "p_top"]
    assert shared.max() < 0.5 and shared.max() - shared.min() < 1e-12
    assert (t.loc[zero, "rank_high"] == len(t)).all()
    assert result.info["stability"]["low"]  # beyond f9, the top 3 is a coin toss


def test_the_estimate_is_the_bagged_mean_and_the_fit_explains(data):
    s, X, y, w = data
    fitted = em.DriverModel(**FAST, cv=0, random_state=0).fit(X, y, sample_weight=w)
    result = em.bootstrap_importance(
        fitted, X, y, sample_weight=w, n_boot=3, n_jobs=1, progress=False
    )
    pd.testing.assert_series_equal(
        result.table["importance"],
        result.replicates.mean(),
        check_names=False,
        check_index_type=False,
    )
    assert result.info["estimator"] == "bagged"
    # the explanation (for shap.plots) is the fitted model's own
    point = em.shap_importance(fitted, X, sample_weight=w)
    np.testing.assert_array_equal(result.explanation.values, point.explanation.values)
    assert len(result.refits) == 3 and result.refits.n_respondents == len(X)


@settings(max_examples=6, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.sampled_from([150, 400]),
    binary=st.booleans(),
    n_boot=st.integers(2, 6),
    level=st.sampled_from([0.5, 0.8, 0.9, 0.95]),
    boot_size=st.sampled_from([None, 120]),
)
def test_every_estimate_lies_inside_its_interval(
    seed, n, binary, n_boot, level, boot_size
):
    """Property: facets' and stages' estimates sit inside their own intervals
    (with replicates rescaled under boot_size too)."""
    s = em.make_survey(n_respondents=n, n_facets=8, random_state=seed)
    X = s.survey[s.catalog["facet"]]
    y = s.survey["connected"] if binary else s.survey["value"]
    model = em.DriverModel(n_estimators=15, max_depth=2, random_state=seed)
    result = em.bootstrap_importance(
        model,
        X,
        y,
        n_boot=n_boot,
        level=level,
        n_jobs=1,
        progress=False,
        random_state=seed,
        stages=s.catalog.set_index("facet")["stage"],
        boot_size=boot_size,
    )
    t = result.table
    assert (t["importance_low"] <= t["importance"]).all()
    assert (t["importance"] <= t["importance_high"]).all()
    rank = result.to_frame().set_index("facet")["rank"].loc[t.index]
    assert (t["rank_low"] <= rank).all() and (rank <= t["rank_high"]).all()
    stages = em.stage_importance(result, s.catalog.set_index("facet")["stage"])
    assert (stages["importance_low"] <= stages["importance"]).all()
    assert (stages["importance"] <= stages["importance_high"]).all()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "n_boot",
            -3,
            "The 'n_boot' parameter of bootstrap_importance must be an "
            "int >= 0. Got -3 instead.",
        ),
        ("level", 1.5, "'level' parameter of bootstrap_importance must be a float"),
        ("max_samples", 0, "'max_samples' parameter"),
        ("n_jobs", 0, "'n_jobs' parameter"),
        ("boot_size", 1, "'boot_size' parameter"),
        (
            "boot_size",
            99,
            "'boot_size' parameter of bootstrap_importance must be an int >= 100",
        ),
        ("progress", "yes", "'progress' parameter"),
        ("random_state", -1, "'random_state' parameter"),
    ],
)
def test_bad_parameters(data, option, value, message):
    s, X, y, w = data
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        em.bootstrap_importance(em.DriverModel(), X, y, **{option: value})


def test_a_boot_size_of_every_respondent_is_the_classical_bootstrap(data, boot):
    again = _boot(data, boot_size=len(data[1]) + 5)
    pd.testing.assert_frame_equal(boot.table, again.table)
    assert boot.info["boot_size"] == len(data[1])
    assert boot.refits.scale == 1


def test_an_m_out_of_n_bootstrap_gives_intervals_for_the_whole_survey():
    """Replicates of 1,000 of 4,000 respondents vary twice as much as full-size
    ones; rescaled by sqrt(m/n) they give intervals about as wide as the
    classical bootstrap's (unscaled, twice as wide)."""
    s = em.make_survey(n_respondents=4000, n_facets=10, random_state=5)
    X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    model = em.DriverModel(**FAST, random_state=0)
    options = {"n_boot": 40, "n_jobs": 1, "progress": False, "random_state": 1}
    full = em.bootstrap_importance(model, X, y, **options)
    part = em.bootstrap_importance(model, X, y, boot_size=1000, **options)
    assert part.refits.scale == pytest.approx(0.5)
    assert "1000 of 4000" in part.info["resampling"]
    assert int(part.refits.counts(0).sum()) == 1000

    def width(result):
        t = result.table
        return (t["importance_high"] - t["importance_low"]).sum()

    # the 40-replicate widths carry ~15% noise each: a band around 1, where
    # leaving the rescaling out would give about 2
    assert 0.65 < width(part) / width(full) < 1.5
    t = part.table
    assert (
        (t["importance_low"] <= t["importance"])
        & (t["importance"] <= t["importance_high"])
    ).all()
    shares = part.replicates.to_numpy()
    np.testing.assert_allclose(shares.sum(axis=1), 1, rtol=1e-9)  # still shares
    assert (shares >= 0).all()
    top = full.table["importance"].nlargest(3).index
    assert set(part.table["importance"].nlargest(3).index) == set(top)


def test_an_m_out_of_n_replicate_refits_on_its_own_rows_only():
    """A replicate draws its rows from its seed where it runs, each weighted
    by the times it was drawn: the draws of Refits.counts."""
    from emomotiv.bootstrap import _counts, _drawn

    rng = np.random.default_rng(0)
    values = rng.normal(size=(5000, 4)).astype(np.float32)
    target, weights = rng.integers(0, 2, 5000), rng.uniform(0.5, 2, 5000)
    seeds = np.random.SeedSequence(7).spawn(3)
    evaluated = np.arange(0, 5000, 5)
    tasks = list(_drawn(values, target, weights, seeds, 400, evaluated))
    for seed, (rows, y, w, eval_drawn) in zip(seeds, tasks, strict=True):
        counts = _counts(seed, 5000, 400)
        drawn = np.flatnonzero(counts)
        assert len(rows) == len(drawn) <= 400
        np.testing.assert_array_equal(rows, values[drawn])
        np.testing.assert_array_equal(y, target[drawn])
        np.testing.assert_allclose(w / weights[drawn], counts[drawn])
        assert (w / weights[drawn]).sum() == 400
        # and how often it drew each evaluation respondent, for the mean |SHAP|
        np.testing.assert_array_equal(eval_drawn, counts[evaluated])


def test_the_mean_abs_shap_of_a_replicate_is_over_its_own_resample():
    """Evaluation respondents count as often as the replicate drew them; a
    replicate that drew none of them falls back to their survey weights."""
    import xgboost as xgb

    from emomotiv._trees import Trees, shap_values
    from emomotiv.bootstrap import _explained

    rng = np.random.default_rng(1)
    values = rng.normal(size=(200, 3)).astype(np.float32)
    y = (values[:, 0] + rng.normal(size=200) > 0).astype(int)
    booster = xgb.train(
        {"objective": "binary:logistic", "max_depth": 2, "nthread": 1},
        xgb.DMatrix(values, label=y),
        20,
    )
    evaluate = values[:50]
    phi = np.abs(shap_values(booster, evaluate))
    weights, drawn = rng.uniform(0.5, 2, 50), rng.integers(0, 3, 50).astype(float)
    combine = np.eye(3)
    trees = Trees.from_booster(booster)
    got = _explained(booster, evaluate, weights, drawn, combine, trees)
    # the same to the last bit as explaining every respondent
    np.testing.assert_array_equal(got, np.average(phi, axis=0, weights=weights * drawn))
    none = _explained(booster, evaluate, weights, np.zeros(50), combine, trees)
    np.testing.assert_allclose(none, np.average(phi, axis=0, weights=weights))


def test_a_replicate_is_fitted_on_the_rows_it_drew(monkeypatch):
    """Each refit trains on its resample's distinct rows (weighted by the
    times drawn), not on every respondent with the rest at weight 0, and
    with the bins of the whole survey, not of its own rows."""
    import xgboost as xgb

    from emomotiv.bootstrap import _counts, _fit_chunk

    trained = []
    train = xgb.train

    def spy(params, matrix, rounds, **kwargs):
        cuts = np.concatenate(matrix.get_quantile_cut())
        trained.append((matrix.num_row(), float(matrix.get_weight().sum()), cuts))
        return train(params, matrix, rounds, **kwargs)

    monkeypatch.setattr(xgb, "train", spy)
    rng = np.random.default_rng(3)
    values = rng.normal(size=(150, 4)).astype(np.float32)
    target = (values[:, 0] > 0).astype(int)
    weights = rng.uniform(0.5, 1.5, 150)
    whole = xgb.QuantileDMatrix(values, label=target, weight=weights)
    seeds = np.random.SeedSequence(0).spawn(2)
    params = {"objective": "binary:logistic", "nthread": 1}
    _fit_chunk(params, 3, values, target, weights, np.arange(20), None, seeds)
    for seed, (rows, total, cuts) in zip(seeds, trained, strict=True):
        counts = _counts(seed, 150)
        assert rows == np.count_nonzero(counts) < 150
        assert total == pytest.approx((weights * counts).sum())
        np.testing.assert_array_equal(cuts, np.concatenate(whole.get_quantile_cut()))


def test_a_replicate_explains_only_the_respondents_it_drew(monkeypatch):
    """TreeSHAP, most of a replicate's cost, skips the evaluation respondents
    that would enter the mean |SHAP| at weight 0."""
    import xgboost as xgb

    from emomotiv import _trees
    from emomotiv.bootstrap import _explained

    rng = np.random.default_rng(2)
    values = rng.normal(size=(100, 3)).astype(np.float32)
    y = (values[:, 0] > 0).astype(int)
    booster = xgb.train(
        {"objective": "binary:logistic", "nthread": 1},
        xgb.DMatrix(values, label=y),
        5,
    )
    explained = []
    explain = _trees.explain

    def spy(booster, trees, rows):
        explained.append(len(rows))
        return explain(booster, trees, rows)

    monkeypatch.setattr(_trees, "explain", spy)
    drawn = np.zeros(100)
    drawn[[3, 10, 57]] = [1, 2, 1]
    trees = _trees.Trees.from_booster(booster)
    _explained(booster, values, np.ones(100), drawn, np.eye(3), trees)
    assert explained == [3]


def test_stage_importance_reads_the_stages_grouped_shap(data):
    """A stage's share is its grouped SHAP, bagged over the replicates the
    facets' come from; its interval their percentiles."""
    s, *_ = data
    stages = s.catalog.set_index("facet")["stage"]
    boot = _boot(data, n_boot=10, stages=stages)
    table = em.stage_importance(boot, stages)
    assert list(table.columns) == [
        "stage",
        "importance",
        "importance_low",
        "importance_high",
        "n_facets",
        "rank",
    ]
    assert list(table["stage"]) == list(dict.fromkeys(stages))
    assert table["importance"].sum() == pytest.approx(1)
    assert table["n_facets"].sum() == 15
    assert sorted(table["rank"]) == list(range(1, len(table) + 1))
    reps = boot.info["stage_shap"]["replicates"]
    assert reps.shape == (10, len(table))
    first = table["stage"].iloc[0]
    np.testing.assert_allclose(table["importance"], reps.mean().loc[table["stage"]])
    ends = np.quantile(reps[first], [0.05, 0.95], method="weibull")
    assert table.loc[0, ["importance_low", "importance_high"]].tolist() == (
        pytest.approx(ends.tolist())
    )
    # not the sum of the facets' shares: that grows with a stage's facets
    members = stages.index[stages == first]
    assert table["importance"].iloc[0] != pytest.approx(
        boot.table.loc[members, "importance"].sum(), abs=1e-3
    )
    with pytest.raises(ValueError, match="stages lacks"):
        em.stage_importance(boot, stages.iloc[:3])


def test_a_stage_of_one_facet_is_that_facets_share(data):
    """With every facet a stage of its own, grouped SHAP is the facets' SHAP:
    the same shares in every replicate, rescaled alike under boot_size."""
    s, *_ = data
    alone = pd.Series(s.catalog["facet"].to_numpy(), index=s.catalog["facet"])
    boot = _boot(data, n_boot=4, boot_size=300, stages=alone)
    reps = boot.info["stage_shap"]["replicates"]
    np.testing.assert_allclose(reps.to_numpy(), boot.replicates.to_numpy())
    table = em.stage_importance(boot, alone).set_index("stage")
    np.testing.assert_allclose(
        table["importance"], boot.table["importance"].loc[table.index]
    )


def test_the_full_data_stage_share_is_grouped_shap_by_hand(small):
    """n_boot=0: each stage's weighted mean |sum of its facets' SHAP| over
    respondents, as a share over the stages."""
    X = small.survey[small.catalog["facet"]]
    w = small.survey["weight"].to_numpy()
    stages = small.catalog.set_index("facet")["stage"]
    model = em.DriverModel(**FAST, cv=0, random_state=0).fit(
        X, small.survey["connected"], sample_weight=w
    )
    result = em.bootstrap_importance(
        model,
        X,
        small.survey["connected"],
        sample_weight=w,
        n_boot=0,
        progress=False,
        stages=stages,
    )
    phi = pd.DataFrame(result.explanation.values, columns=X.columns)
    grouped = phi.T.groupby(stages.loc[phi.columns], sort=False).sum().T
    raw = grouped.abs().mul(w, axis=0).sum() / w.sum()
    table = em.stage_importance(result, stages).set_index("stage")
    np.testing.assert_allclose(table["importance"], (raw / raw.sum()).loc[table.index])
    assert table["importance_low"].isna().all()


def test_a_stage_of_one_large_driver_outranks_a_stage_of_many_with_no_effect():
    """Summed facet shares ranked a stage of the largest true driver alone
    below a stage of eleven facets with no effect (each holding a share)."""
    s = em.make_survey(n_respondents=1500, n_facets=15, random_state=0)
    X = s.survey[s.catalog["facet"]]
    truth = s.truth["true_uplift"]
    stages = pd.Series("Rest", index=X.columns, dtype=object)
    stages[truth.index[truth == 0]] = "No effect"
    stages[truth.idxmax()] = "Solo"
    model = em.DriverModel(n_estimators=60, max_depth=3, random_state=0)
    result = em.bootstrap_importance(
        model, X, s.survey["connected"], n_boot=0, progress=False, stages=stages
    )
    table = em.stage_importance(result, stages).set_index("stage")["importance"]
    assert table["Solo"] > table["No effect"]


def test_stage_shares_summed_without_stage_shap_are_warned_about(data, boot):
    """A SHAP result without stage SHAP falls back on summed shares, which
    grow with a stage's facets: said so, with the way out."""
    s, *_ = data
    stages = s.catalog.set_index("facet")["stage"]
    with pytest.warns(UserWarning, match=r"grows with the number of facets.*stages="):
        table = em.stage_importance(boot, stages)
    first = table["stage"].iloc[0]
    sums = boot.replicates[stages.index[stages == first]].sum(axis=1)
    ends = np.quantile(sums, [0.05, 0.95], method="weibull")
    assert table.loc[0, ["importance_low", "importance_high"]].tolist() == (
        pytest.approx(ends.tolist())
    )


def test_a_facet_with_no_stage_is_named(small):
    """A NaN stage raised a bare KeyError '[nan] not in index'."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    model = em.DriverModel(n_estimators=10, cv=0, random_state=0).fit(X, y)
    result = em.shap_importance(model, X)
    stages = small.catalog.set_index("facet")["stage"].copy()
    stages.iloc[[2, 5]] = [np.nan, "  "]
    bare = f"no stage to 2 of 12 facets: \\['{stages.index[2]}', '{stages.index[5]}'\\]"
    with pytest.raises(ValueError, match=bare):
        em.stage_importance(result, stages)
    with pytest.raises(ValueError, match=bare):
        em.bootstrap_importance(model, X, y, n_boot=0, progress=False, stages=stages)


@settings(max_examples=50, deadline=None)
@given(
    raw=arrays(float, (12, 7), elements=st.floats(0.01, 1.0)),
    groups=arrays(int, 7, elements=st.integers(0, 2)),
    seed=st.integers(0, 1000),
)
def test_stage_view_properties(raw, groups, seed):
    """Stage shares add up; intervals order; facet order only permutes."""
    facets = [f"f{j}" for j in range(7)]
    shares = raw / raw.sum(axis=1, keepdims=True)
    replicates = pd.DataFrame(shares[1:], columns=facets)
    table = pd.DataFrame({"importance": shares[0]}, index=pd.Index(facets))
    # shares of R² (relative weights): a stage's is the sum of its facets'
    result = em.ImportanceResult("relative_weights", table, replicates=replicates)
    stages = pd.Series([f"s{g}" for g in groups], index=facets)
    view = em.stage_importance(result, stages, level=0.8)
    assert view["importance"].sum() == pytest.approx(1)
    assert (view["importance_low"] <= view["importance_high"] + 1e-12).all()
    assert view["n_facets"].sum() == 7
    order = np.random.default_rng(seed).permutation(7)
    shuffled = em.ImportanceResult(
        "relative_weights",
        table.iloc[order],
        replicates=replicates.iloc[:, order],
    )
    again = em.stage_importance(shuffled, stages.iloc[order], level=0.8)
    again = again.set_index("stage").loc[view["stage"]].reset_index()
    pd.testing.assert_frame_equal(
        view.drop(columns="rank"), again.drop(columns="rank"), check_exact=False
    )


@pytest.mark.parametrize("gains", ["model", "debiased"])
def test_a_dask_cluster_gives_the_local_tables(small, gains):
    distributed = pytest.importorskip(
        "dask.distributed",
        reason="dask is not installed: pip install 'emomotiv[dask]'",
    )
    options = dict(
        gains=gains,
        n_boot=4,
        methods=False,
        progress=False,
        random_state=0,
        population=1e5,
        budget=2e5,
        model=em.DriverModel(n_estimators=30, max_depth=2, cv=0),
        **small.roles,
    )
    local = em.analyze(small.survey, small.catalog, **options)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = em.analyze(small.survey, small.catalog, client=client, **options)
    for name in ("drivers", "stages", "roi", "plan"):
        pd.testing.assert_frame_equal(local.tables[name], remote.tables[name])
    assert "client" not in remote.summary["settings"]


def _stability(n: int) -> dict:
    s = em.make_survey(n_respondents=n, n_facets=30, random_state=0)
    X = s.survey[s.catalog["facet"]]
    result = em.bootstrap_importance(
        em.DriverModel(random_state=0),
        X,
        s.survey["connected"],
        sample_weight=s.survey["weight"],
        n_boot=10,
        n_jobs=1,
        progress=False,
        random_state=0,
    )
    return result.info["stability"]


def test_a_small_survey_with_a_cut_outcome_warns_and_a_large_one_does_not():
    """Calibrated on the generator (benchmarks/bench_calibration.py)."""
    small = _stability(300)
    assert small["low"] and small["top_k_overlap"] < small["threshold"]
    assert "more respondents" in small["warning"]
    assert "score" in small["warning"] and "stage" in small["warning"]
    large = _stability(2000)
    assert not large["low"] and large["warning"] is None


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(0, 1),
    threshold=st.sampled_from([0.5, 0.6, 0.65, 0.7, 0.75]),
)
def test_an_overlap_never_reads_as_the_threshold_from_the_other_side(value, threshold):
    """0.597 against 0.6 reads 59.7%, not "60% (below 60%)"."""
    from emomotiv._stats import format_against

    assume(abs(value - threshold) > 1e-5)
    shown = float(format_against(value, threshold, percent=True).rstrip("%"))
    assert (shown < 100 * threshold - 1e-9) == (value < threshold)
    assert abs(shown - 100 * value) <= 0.5


def test_the_stability_warning_names_an_overlap_just_below_the_threshold(
    monkeypatch,
):
    from emomotiv import bootstrap

    monkeypatch.setattr(bootstrap, "_overlap", lambda top, k: 0.5968)
    info = bootstrap._stability(np.ones((3, 4)), 2, list("abcd"))
    assert info["low"]
    assert "share only 59.7% of their top 2" in info["warning"]


def test_an_unstable_ranking_names_the_facets_that_still_stand_out():
    """One facet in the top 2 of every replicate, the second place a tie."""
    from emomotiv import bootstrap

    top = np.zeros((6, 5))
    top[:, 0] = 1
    top[np.arange(6), 1 + np.arange(6) % 4] = 1
    info = bootstrap._stability(top, 2, ["seat", "food", "wifi", "staff", "web"])
    assert info["low"]
    said = "; seat is in the top 2 of at least 90% of them; the rest of the top 2"
    assert (
        said + " is largely noise. Where fewer than 2 touchpoints" in (info["warning"])
    )
    # with one driver and k = 2, more respondents cannot settle the second place
    assert (
        "no number of respondents settles: read seat as the finding."
        in (info["warning"])
    )
    assert "Where more do, likely remedies: more respondents" in info["warning"]
    # what a model that barely predicts the outcome settles on is no finding
    weak = bootstrap._stability_warning(0.5, 2, ["seat"], weak=True)
    assert "seat is in the top 2 of at least 90% of them, but the model" in weak
    assert "so that is no finding. Likely remedies: more" in weak
    assert "as the finding" not in weak
    top[:, 0] = 0
    top[np.arange(6), (2 + np.arange(6)) % 5] = 1
    info = bootstrap._stability(top, 2, ["seat", "food", "wifi", "staff", "web"])
    assert "; the order of the top touchpoints is largely noise." in info["warning"]
    assert "seat is" not in info["warning"]


def test_what_a_model_of_noise_settles_on_is_not_called_the_finding():
    """A 0/1 outcome of pure noise, one facet rated on ten points among
    two-point ones: every replicate's trees split on it most (it has the
    most places to split), so it settled in the top 3, and the warning said
    "read tp0 as the finding" beside the warning that the model barely
    predicts the outcome."""
    rng = np.random.default_rng(3)
    facets = [f"tp{i}" for i in range(12)]
    survey = pd.DataFrame(rng.integers(1, 3, size=(600, 12)), columns=facets)
    survey["tp0"] = rng.integers(1, 11, size=600)
    survey["conn"] = rng.integers(0, 2, size=600)
    with pytest.warns(UserWarning, match="The ranking is unstable"):
        result = em.analyze(
            survey,
            facets=facets,
            connection="conn",
            n_boot=10,
            methods=False,
            progress=False,
            random_state=0,
        )
    assert result.summary["diagnostics"]["weak_fit"]
    stability = result.summary["uncertainty"]["stability"]
    assert stability["settled"] == ["tp0"]
    assert (
        "tp0 is in the top 3 of at least 90% of them, but the model barely"
        in (stability["warning"])
    )
    assert "as the finding" not in " ".join(result.summary["warnings"])


def test_analyze_names_the_facets_that_stand_out_by_their_labels():
    s = em.make_survey(n_respondents=1200, n_facets=10, random_state=4)
    with pytest.warns(UserWarning, match="The ranking is unstable") as caught:
        result = em.analyze(
            s.survey,
            s.catalog,
            connection="connected",
            n_boot=20,
            methods=False,
            progress=False,
        )
    stability = result.summary["uncertainty"]["stability"]
    assert stability["settled"] == ["investing_videos"]  # ids, for programs
    said = "; Online investing videos is in the top 2 of at least 90% of them"
    assert said in stability["warning"]
    assert any(said in str(w.message) for w in caught)


def test_top_k_overlap_is_one_for_identical_and_chance_for_shuffled_ranks():
    from emomotiv.bootstrap import top_k_overlap

    same = np.tile(np.arange(1, 21), (5, 1))
    assert top_k_overlap(same, 4) == 1.0
    rng = np.random.default_rng(0)
    shuffled = np.vstack([rng.permutation(20) + 1 for _ in range(400)])
    assert top_k_overlap(shuffled, 4) == pytest.approx(4 / 20, abs=0.02)


def test_stages_given_by_position_say_how_to_index_them(small):
    """A list of stages, or the catalog's stage column by position, said
    only 'stages lacks 6 facets'."""
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    model = em.DriverModel(n_estimators=10, cv=0, random_state=0).fit(X, y)
    result = em.shap_importance(model, X)
    with pytest.raises(TypeError, match="mapping of facet -> stage.*got builtins.list"):
        em.stage_importance(result, list(small.catalog["stage"]))
    with pytest.raises(ValueError, match=r"not indexed by facet: pass catalog.set_"):
        em.stage_importance(result, small.catalog["stage"])


def test_the_warning_of_a_score_outcome_does_not_advise_a_score():
    """A score already is what the remedy for a cut outcome asks for."""
    from emomotiv import bootstrap

    top = np.array([[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]])
    cut = bootstrap._stability(top, 2, list("abcd"))
    score = bootstrap._stability(top, 2, list("abcd"), binary=False)
    assert cut["low"] and score["low"]
    assert "score" in cut["warning"]
    assert "score" not in score["warning"] and "more respondents" in score["warning"]


@pytest.mark.parametrize(("n_stages", "offered"), [(None, True), (1, False), (2, True)])
def test_the_stage_view_is_a_remedy_only_with_two_stages(n_stages, offered):
    """A catalog of no stages (one stage, "All") was told to read stages.csv."""
    from emomotiv import bootstrap

    top = np.array([[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]])
    info = bootstrap._stability(top, 2, list("abcd"), n_stages=n_stages)
    assert ("journey stage" in info["warning"]) == offered
    assert info["warning"].endswith("fewer facets.") != offered


class _Done:
    """A finished Dask future."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class _InlineClient:
    """The part of dask.distributed.Client the bootstrap uses, run in place:
    three workers, so the replicates are chunked unlike a one-thread run."""

    def __init__(self):
        self.submitted = 0

    def nthreads(self):
        return {"a": 1, "b": 1, "c": 1}

    def scatter(self, data, broadcast=False):
        return list(data)

    def submit(self, function, *args, pure=True):
        self.submitted += 1
        return _Done(function(*args))


@pytest.mark.parametrize("boot_size", [None, 300])
def test_a_cluster_client_gives_the_local_tables_on_both_resamplings(data, boot_size):
    """The classical and the m-out-of-n bootstrap give on a client the tables
    of one local thread (with real Dask: test_a_dask_cluster_gives_the_local_tables)."""
    options = {"n_boot": 6, "boot_size": boot_size}
    local = _boot(data, **options)
    client = _InlineClient()
    remote = _boot(data, client=client, **options)
    assert client.submitted > 0
    pd.testing.assert_frame_equal(local.table, remote.table)
    pd.testing.assert_frame_equal(local.replicates, remote.replicates)


@pytest.mark.parametrize("client", ["tcp://scheduler:8786", object()])
def test_a_client_that_is_not_a_dask_client_is_refused_with_the_way_out(data, client):
    s, X, y, w = data
    with pytest.raises(ValueError, match="must be a dask.distributed.Client") as err:
        em.bootstrap_importance(
            em.DriverModel(**FAST), X, y, n_boot=0, progress=False, client=client
        )
    if isinstance(client, str):
        assert "Client('tcp://scheduler:8786')" in str(err.value)


def test_one_replicate_says_it_has_no_spread(data):
    """One replicate gives intervals of width 0 and p_top of 0 or 1: a
    warning says so, and no facet reads as settled by it."""
    with pytest.warns(UserWarning, match=r"n_boot=1\) has no spread"):
        one = _boot(data, n_boot=1)
    t = one.table
    assert (t["importance_low"] == t["importance_high"]).all()
    assert one.info["stability"]["settled"] == []
    assert one.info["stability"]["top_k_overlap"] is None


@pytest.mark.parametrize("n_boot, level", [(10, 0.9), (19, 0.9), (20, 0.95)])
def test_too_few_replicates_for_the_level_are_warned_of(data, n_boot, level):
    """Type-6 quantiles read the interval's ends between replicates only
    from 19 of them at 90% (39 at 95%): fewer give their range, which holds
    (B - 1) / (B + 1) of their distribution (10: 82%), not the level."""
    from emomotiv._stats import interval_floor

    short = n_boot < interval_floor(level)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _boot(data, n_boot=n_boot, level=level)
    said = [
        str(w.message) for w in caught if "bootstrap replicates, each" in str(w.message)
    ]
    assert len(said) == short
    if short:
        held = f"{(n_boot - 1) / (n_boot + 1):.0%}"
        assert held in said[0] and f"n_boot >= {interval_floor(level)}" in said[0]
        # the interval is the replicates' range (held out to the estimate)
        reps = result.replicates
        t = result.table.loc[reps.columns]
        assert (t["importance_low"] <= reps.min() + 1e-12).all()
        assert (t["importance_high"] >= reps.max() - 1e-12).all()


@pytest.mark.filterwarnings("ignore:The model made no split on any facet")
def test_replicates_whose_model_splits_on_nothing_are_named(data):
    """Thirty respondents leave a model with min_child_weight=5 no split:
    every facet then gets 1/p, a tie that must not read as a ranking."""
    flat = r"In 3 of 3 bootstrap replicates .*: 30 respondents are too few"
    with pytest.warns(UserWarning, match=flat):
        result = _first_rows(data, 30, n_boot=3)
    np.testing.assert_allclose(result.table["importance"], 1 / 15)


def _first_rows(data, n: int, n_boot: int):
    """The bootstrap of the first ``n`` respondents, unweighted."""
    s, X, y, w = data
    return em.bootstrap_importance(
        em.DriverModel(**FAST, random_state=0),
        X.iloc[:n],
        y.iloc[:n],
        n_boot=n_boot,
        n_jobs=1,
        progress=False,
        random_state=0,
    )


def test_replicates_whose_model_splits_on_nothing_rank_nothing(data):
    """Sixty respondents: 4 of 10 refits split on nothing. Those rows of
    the replicates are missing and the shares, intervals and ranks rest on
    the other 6 (read as 1/p each, they pulled every share toward 1/p and
    gave facets no model used a share and a chance of the top k)."""
    s = data[0]
    flat = r"In 4 of 10 bootstrap replicates .* rest on the other 6"
    with pytest.warns(UserWarning, match=flat):
        result = _first_rows(data, 60, n_boot=10)
    reps = result.replicates
    missing = reps.isna().all(axis=1)
    assert missing.sum() == 4 == result.info["no_split"]
    assert reps[~missing].notna().all(axis=None)
    t = result.table
    np.testing.assert_allclose(t["importance"], reps[~missing].mean(), atol=1e-12)
    never = (reps[~missing] == 0).all()
    assert never.any()
    assert (t.loc[never[never].index, ["importance", "p_top"]] == 0).all(axis=None)
    stages = em.stage_importance(result, s.catalog.set_index("facet")["stage"])
    assert (stages["importance_low"] <= stages["importance"]).all()
    assert stages["importance_low"].gt(0).any()  # no stage read 0 by a missing row


def test_a_ranking_that_rests_on_a_few_of_many_replicates_is_unstable():
    """27 of 30 refits split on nothing: the other 3 agreed, and the
    ranking read as settled (p_top 1, rank interval [1, 1], stable). The
    stability counts a replicate that ranks nothing as one with no top k,
    and total is over the same replicates as the shares."""
    rng = np.random.default_rng(1)
    X = pd.DataFrame(
        rng.integers(1, 6, size=(60, 4)).astype(float), columns=list("abcd")
    )
    y = (X["a"] + rng.normal(0, 1, 60) > 4.2).astype(int).to_numpy()
    model = em.DriverModel(n_estimators=20, min_child_weight=6.0, cv=0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.bootstrap_importance(
            model.fit(X, y), X, y, n_boot=30, n_jobs=1, progress=False, random_state=0
        )
    assert result.info["no_split"] == 27
    assert result.info["stability"]["low"] and not result.info["stability"]["settled"]
    assert result.table["raw_importance"].sum() == pytest.approx(result.total)
    # three replicates rank it: no settled top, however they agree
    assert result.table.loc["a", "p_top"] == 1


def test_the_replicates_are_spread_over_every_thread_of_the_cluster():
    """Chunks are sized by every worker's threads, not by the workers that
    scheduler_info() lists (five at most in distributed 2025.5 to 2026.6)."""
    from emomotiv import bootstrap

    class Truncated(_InlineClient):
        def scheduler_info(self):
            return {"workers": {f"w{i}": {} for i in range(5)}}

        def nthreads(self):
            return {f"w{i}": 2 for i in range(12)}

    assert bootstrap._n_workers(None, Truncated()) == 24
    chunks = bootstrap._chunks(list(range(96)), bootstrap._n_workers(None, Truncated()))
    assert len(chunks) == 96  # one replicate a task: four tasks a thread


def test_replicates_that_split_on_the_controls_alone_are_named():
    """Facets that never vary beside a control that holds the outcome: the
    model splits on the control alone, and the warning says so (not that
    respondents are too few)."""
    rng = np.random.default_rng(0)
    y = pd.Series(rng.integers(0, 2, 400))
    X = pd.DataFrame(
        {"a": 5.0, "b": 7.0, "halo": y + rng.normal(0, 0.3, 400)}, index=y.index
    )
    with pytest.warns(UserWarning, match="2 split on the controls alone") as got:
        em.bootstrap_importance(
            em.DriverModel(**FAST, random_state=0),
            X,
            y,
            n_boot=2,
            n_jobs=1,
            progress=False,
            random_state=0,
            controls=["halo"],
        )
    assert not any("too few" in str(w.message) for w in got)


def test_no_progress_bar_in_a_log_file_from_python(monkeypatch):
    """analyze(progress=True), the default, drew its bar into a scheduled
    job's log file (carriage returns, cursor-up codes), where the command
    line draws none: a bar is drawn on a terminal or in a notebook only."""
    import io
    import sys

    from emomotiv.bootstrap import progress_bar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for stream, drawn in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr(sys, "stderr", stream)
        for _ in progress_bar(iterable=range(3), desc="bootstrap"):
            pass
        assert ("bootstrap" in stream.getvalue()) is drawn
    monkeypatch.setitem(sys.modules, "ipykernel", sys)  # a notebook's kernel
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    assert not progress_bar(total=3, file=stream).disable
