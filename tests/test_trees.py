import json

import numpy as np
import pytest
import xgboost as xgb
from hypothesis import given, settings
from hypothesis import strategies as st

import emomotiv as em
from emomotiv import _trees
from emomotiv._trees import Trees

OBJECTIVES = ["binary:logistic", "reg:squarederror", "reg:tweedie", "reg:gamma"]


def _booster(seed: int, objective: str, depth: int, missing: float, prune=0.0):
    rng = np.random.default_rng(seed)
    n, p = 160, 5
    X = rng.integers(1, 11, size=(n, p)).astype(np.float32)
    X[rng.random((n, p)) < missing] = np.nan
    signal = np.nan_to_num(X[:, 0], nan=5.0) + np.nan_to_num(X[:, 2], nan=5.0)
    if objective == "binary:logistic":
        y = (signal + rng.normal(0, 2, n) > 11).astype(float)
    else:
        y = np.exp(signal / 10) + rng.random(n)
    params = {"objective": objective, "max_depth": depth, "gamma": prune, "seed": seed}
    return xgb.train(params, xgb.DMatrix(X, label=y, missing=np.nan), 20), X, rng


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    objective=st.sampled_from(OBJECTIVES),
    depth=st.integers(1, 5),
    missing=st.sampled_from([0.0, 0.3]),
    prune=st.sampled_from([0.0, 0.5, 5.0]),  # pruned splits, or stumps only
    columns=st.lists(st.integers(0, 4), min_size=1, max_size=2, unique=True),
)
def test_a_change_through_the_trees_is_the_boosters_prediction(
    seed, objective, depth, missing, prune, columns
):
    booster, X, rng = _booster(seed, objective, depth, missing, prune)
    trees = Trees.from_booster(booster)
    before = trees.leaves(X)
    leaf_ids = booster.predict(xgb.DMatrix(X, missing=np.nan), pred_leaf=True)
    # XGBoost's own leaves, read through the arrays, are the same leaves
    np.testing.assert_array_equal(trees.values_at(leaf_ids), before)
    after = X.copy()
    for j in columns:  # a step up, a step down, a missing rating rated, or unrated
        kind = rng.integers(4)
        after[:, j] = [X[:, j] + 1, X[:, j] - 2, np.nan_to_num(X[:, j], nan=7), np.nan][
            kind
        ]
    margin = booster.inplace_predict(X, predict_type="margin").astype(float)
    rows = np.arange(len(X))
    changed = margin + trees.change(X, rows, columns, after[:, columns], before)
    direct = booster.inplace_predict(after, predict_type="margin")
    np.testing.assert_allclose(changed, direct, atol=1e-5)
    expected = booster.inplace_predict(after)
    np.testing.assert_allclose(trees.inverse_link(changed), expected, rtol=1e-5)


def test_only_plain_numeric_trees_with_a_known_link_are_read():
    booster, X, _ = _booster(0, "reg:squarederror", 3, 0.0)
    assert Trees.from_booster(booster) is not None
    y = X[:, 0].astype(float)
    other = xgb.train({"objective": "reg:absoluteerror"}, xgb.DMatrix(X, label=y), 3)
    assert Trees.from_booster(other) is None  # its inverse link is not known


def test_trees_too_deep_to_hold_whole_are_left_to_xgboost(monkeypatch):
    """Each tree is read as a complete binary tree of the booster's depth:
    past MAX_DEPTH that would not fit in memory, so XGBoost predicts."""
    booster, *_ = _booster(0, "reg:squarederror", 3, 0.0)
    assert Trees.from_booster(booster).depth == 3
    monkeypatch.setattr(_trees, "MAX_DEPTH", 2)
    assert Trees.from_booster(booster) is None


@pytest.mark.filterwarnings("ignore::UserWarning")  # xgboost's own notices
@pytest.mark.parametrize(
    "params",
    [
        {"booster": "dart", "rate_drop": 0.3},
        {"rate_drop": 0.3},  # dropout on the tree booster (xgboost 3.4 and later)
        {"num_parallel_tree": 3, "subsample": 0.8},
    ],
)
def test_trees_that_are_read_predict_as_the_booster_does(params):
    """Whatever the booster, the trees are read only where their leaves add
    up to its prediction: dropout weighs each tree, and xgboost 3.4 keeps
    those weights beside plain trees."""
    rng = np.random.default_rng(0)
    X = rng.random((300, 3)).astype(np.float32)
    y = X[:, 0] + rng.random(300)
    booster = xgb.train({**params, "seed": 0}, xgb.DMatrix(X, label=y), 20)
    trees = Trees.from_booster(booster)
    if trees is None:  # dropout: weighted trees are left to XGBoost
        assert "rate_drop" in params
        return
    after = X.copy()
    after[:, 0] += 0.2
    margin = booster.inplace_predict(X, predict_type="margin").astype(float)
    rows = np.arange(len(X))
    changed = margin + trees.change(X, rows, [0], after[:, [0]], trees.leaves(X))
    direct = booster.inplace_predict(after, predict_type="margin")
    np.testing.assert_allclose(changed, direct, atol=1e-5)


@pytest.mark.parametrize(
    "kind, estimate",
    [
        ("connection", "bootstrap"),
        ("value", "bootstrap"),
        ("connection", "folds"),
        ("value", "in sample"),
    ],
)
def test_scenario_gains_are_the_same_with_or_without_reading_the_trees(
    kind, estimate, monkeypatch
):
    s = em.make_survey(n_respondents=500, n_facets=8, random_state=3)
    facets = list(s.catalog["facet"])
    X = s.survey[facets]
    if kind == "value":
        y = s.survey["value"]
        model = em.ValueModel(n_estimators=60, cv=0, random_state=0).fit(X, y)
    else:
        y = s.survey["connected"]
        model = em.DriverModel(n_estimators=60, cv=0, random_state=0).fit(X, y)

    def bootstrap():
        if estimate != "bootstrap":
            return None
        return em.bootstrap_importance(
            model, X, y, n_boot=4, n_jobs=1, progress=False, random_state=0
        )

    folds = 3 if estimate == "folds" else 0
    scenarios = [em.RaiseScore(f) for f in facets] + [
        em.ExtendReach(facets[1], 0.4),
        em.LiftBottomBox(facets[2], 6),
        em.Combined((em.RaiseScore(facets[0], 2), em.ExtendReach(facets[3], 1.0))),
    ]

    def gains():
        sim = em.simulate_improvement(
            model,
            X,
            scenarios,
            y=y,
            catalog=s.catalog,
            bootstrap=bootstrap(),  # its replicates' trees read as it runs
            n_boot=0,
            cross_fit=folds,
            random_state=0,
            n_jobs=1,
        )
        return sim.table.select_dtypes("number").to_numpy()

    read = gains()
    monkeypatch.setattr(_trees.Trees, "from_booster", classmethod(lambda cls, b: None))
    predicted = gains()
    scale = np.nanmax(np.abs(predicted))
    np.testing.assert_allclose(read, predicted, rtol=0, atol=1e-6 * scale)
    assert not np.allclose(read[:, 0], 0)  # the scenarios did move something


def test_a_booster_that_keeps_column_names_is_read_as_it_predicts():
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=5)
    facets = list(s.catalog["facet"])
    X = s.survey[facets]
    model = em.DriverModel(n_estimators=20, cv=0, random_state=0)
    model.fit(X, s.survey["connected"])
    # a booster saved with its columns' names (another tool's JSON, say)
    model.estimator_.get_booster().feature_names = facets
    sim = em.simulate_improvement(model, X, facets, cross_fit=0, n_boot=0)
    assert np.isfinite(sim.table["delta_connected"]).all()


@pytest.mark.parametrize("objective", sorted(_trees.INVERSE_LINKS))
@pytest.mark.parametrize("n_rows", [1, 40])
def test_scenario_margins_from_the_leaves_and_one_rows_intercept(objective, n_rows):
    """_tree_changes reads a row's margin as its leaves' sum plus the
    intercept off the first row: right for every objective read, with a
    base_score given, unbalanced trees (leaves above the last level), rows
    all missing, and a single row."""
    from emomotiv.simulate import _Stack, _tree_changes

    rng = np.random.default_rng(1)
    X = rng.integers(1, 11, size=(200, 4)).astype(np.float32)
    X[rng.random(X.shape) < 0.3] = np.nan
    X[:5] = np.nan
    signal = np.nan_to_num(X[:, 0], nan=5) + np.nan_to_num(X[:, 1], nan=5)
    logistic = "logistic" in objective
    y = (signal > 10).astype(float) if logistic else np.exp(signal / 10)
    params = {
        "objective": objective,
        "grow_policy": "lossguide",
        "max_depth": 6,  # MAX_DEPTH: deeper trees are left to XGBoost
        "max_leaves": 12,
        "base_score": 0.3 if logistic else 2.0,
        "seed": 0,
    }
    booster = xgb.train(params, xgb.DMatrix(X, label=y, missing=np.nan), 15)
    trees = Trees.from_booster(booster)
    assert trees is not None and trees.depth > 3  # deeper on some sides
    values = X[:n_rows]
    moved = np.where(rng.random(n_rows) < 0.3, np.nan, 10).astype(np.float32)
    stack = _Stack(
        moved=[moved[:, None]],
        source=np.arange(n_rows),
        factor=np.ones(n_rows),
        which=np.zeros(n_rows, dtype=int),
        bounds=np.array([0, n_rows]),
        columns=[np.array([0])],
    )
    base, change = _tree_changes(booster, trees, values, np.ones(n_rows, bool), stack)
    after = values.copy()
    after[:, 0] = moved
    np.testing.assert_allclose(base, booster.inplace_predict(values), rtol=1e-5)
    expected = booster.inplace_predict(after)
    np.testing.assert_allclose(base + change, expected, rtol=1e-5, atol=1e-7)


def test_a_moved_value_in_float64_descends_as_xgboost_reads_it():
    """XGBoost reads a value as float32: one just below a split's threshold
    in float64 but equal to it in float32 goes right. Compared in float64,
    it went left."""
    booster, X, _ = _booster(0, "reg:squarederror", 3, 0.0)
    trees = Trees.from_booster(booster)
    model = json.loads(booster.save_raw("json"))["learner"]["gradient_booster"]
    tree = next(t for t in model["model"]["trees"] if t["left_children"][0] >= 0)
    column, cut = tree["split_indices"][0], np.float32(tree["split_conditions"][0])
    just_below = np.nextafter(np.float64(cut), -np.inf)  # float32: the cut itself
    assert just_below < cut and np.float32(just_below) == cut
    before = trees.leaves(X)
    rows = np.arange(len(X))
    moved = np.full((len(X), 1), just_below)  # float64
    margin = booster.inplace_predict(X, predict_type="margin").astype(float)
    changed = margin + trees.change(X, rows, [column], moved, before)
    after = X.copy()
    after[:, column] = just_below
    direct = booster.inplace_predict(after, predict_type="margin")
    np.testing.assert_allclose(changed, direct, atol=1e-5)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    objective=st.sampled_from(OBJECTIVES),
    depth=st.integers(1, 3),  # SHAP_DEPTH: deeper trees are left to XGBoost
    missing=st.sampled_from([0.0, 0.3]),
    prune=st.sampled_from([0.0, 0.5, 5.0]),  # shallower leaves, or stumps only
    weighted=st.booleans(),
)
def test_shap_through_the_trees_is_xgboosts_treeshap(
    seed, objective, depth, missing, prune, weighted
):
    """Path-dependent TreeSHAP from the tables equals pred_contribs for any
    tree: a feature split twice on a path, shallower leaves, missing ratings
    sent to either side, weighted cover."""
    booster, X, rng = _booster(seed, objective, depth, missing, prune)
    if weighted:  # the cover is a weighted hessian
        matrix = xgb.DMatrix(
            X, label=booster.predict(xgb.DMatrix(X)), weight=rng.random(len(X)) * 3
        )
        params = {"objective": objective, "max_depth": depth, "gamma": prune}
        booster = xgb.train({**params, "seed": seed}, matrix, 20)
    trees = Trees.from_booster(booster)
    phi = trees.contributions(X)
    theirs = booster.predict(xgb.DMatrix(X, missing=np.nan), pred_contribs=True)
    assert phi.shape == (len(X), X.shape[1])
    scale = max(1.0, np.abs(theirs).max())
    np.testing.assert_allclose(phi, theirs[:, :-1], rtol=0, atol=1e-5 * scale)


def test_shap_of_trees_deeper_than_the_tables_is_left_to_xgboost():
    booster, X, _ = _booster(0, "reg:squarederror", 4, 0.0)
    trees = Trees.from_booster(booster)
    assert trees.depth == 4 and trees.contributions(X) is None


def test_shap_in_batches_of_rows_is_the_same(monkeypatch):
    booster, X, _ = _booster(3, "binary:logistic", 3, 0.3)
    whole = Trees.from_booster(booster).contributions(X)
    monkeypatch.setattr(_trees, "SHAP_CELLS", 7 * 20 * 15)  # 15 rows at once
    batched = Trees.from_booster(booster).contributions(X)
    np.testing.assert_array_equal(batched, whole)  # each row's sums alone


def test_the_scenarios_use_the_trees_the_bootstrap_read(monkeypatch):
    """Each replicate's trees are read once, when it is explained, and the
    scenarios evaluated on it use them again."""
    s = em.make_survey(n_respondents=400, n_facets=6, random_state=1)
    facets = list(s.catalog["facet"])
    X, y = s.survey[facets], s.survey["connected"]
    model = em.DriverModel(n_estimators=30, cv=0, random_state=0).fit(X, y)
    boot = em.bootstrap_importance(
        model, X, y, n_boot=3, n_jobs=1, progress=False, random_state=0
    )
    assert len(boot.refits.trees) == 3
    assert all(isinstance(t, Trees) for t in boot.refits.trees)
    read = []
    from_booster = Trees.from_booster.__func__

    def counted(cls, booster):
        read.append(booster)
        return from_booster(cls, booster)

    monkeypatch.setattr(Trees, "from_booster", classmethod(counted))
    sim = em.simulate_improvement(
        model, X, facets, y=y, bootstrap=boot, n_boot=0, cross_fit=0, n_jobs=1
    )
    assert not read and np.isfinite(sim.table["delta_connected"]).all()


def test_shap_through_the_trees_does_not_depend_on_blas_threads():
    """The parts are summed in a fixed order: a matrix product's sums change
    in the last bits with the number of BLAS threads (a Dask worker has one,
    a local run every core), and a result must be the same either way."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    X = rng.integers(1, 11, size=(2000, 40)).astype(np.float32)
    X[rng.random(X.shape) < 0.2] = np.nan
    signal = np.nan_to_num(X[:, :5], nan=5).sum(1) + rng.normal(0, 3, 2000)
    y = (signal > 27).astype(int)
    params = {"objective": "binary:logistic", "max_depth": 3, "nthread": 1}
    booster = xgb.train(params, xgb.DMatrix(X, label=y), 300)
    trees = Trees.from_booster(booster)
    with threadpool_limits(limits=1):
        one = trees.contributions(X)
    with threadpool_limits(limits=None):
        every = trees.contributions(X)
    np.testing.assert_array_equal(one, every)
