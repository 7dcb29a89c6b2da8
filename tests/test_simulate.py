import itertools
import json
import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import emomotiv as em
from emomotiv.cli import main
from emomotiv.simulate import FEW_RATERS_SPLIT, _knapsack, facet_caveats, noted

ROI_COLUMNS = [
    "facet",
    "label",
    "delta_connected",
    "delta_connected_low",
    "delta_connected_high",
    "delta_value",
    "delta_value_low",
    "delta_value_high",
    "p_value",
    "beyond_noise",
    "cost",
    "roi",
    "priority",
    "note",
]


@pytest.fixture(scope="module")
def fitted(small):
    """A quick model on the small survey (600 x 12)."""
    facets = list(small.catalog["facet"])
    X, y = small.survey[facets], small.survey["connected"]
    w = small.survey["weight"].to_numpy()
    model = em.DriverModel(n_estimators=60, cv=0, random_state=0)
    return model.fit(X, y, sample_weight=w), X, y, w, small


# -- acceptance against the generator's truth ----------------------------------


@pytest.mark.xfail(
    reason="measured with the halo score as a control and the bagged, "
    "out-of-bag gains: r >= 0.85 holds, the drivers' summed gain is 0.65 of "
    "the truth (see docs/concepts/uncertainty.md, 'Are the intervals "
    "honest?'); the debiased gains meet it (the test below)",
    strict=False,
)
def test_simulated_uplift_recovers_the_true_uplift(full, full_result):
    """Acceptance: r >= 0.85, drivers' sum within 25%, nulls' sum below 50%."""
    roi = full_result.tables["roi"].set_index("facet")
    truth = full.truth
    pred = roi.loc[truth.index, "delta_connected"]
    r = np.corrcoef(pred, truth["true_uplift"])[0, 1]
    total = truth["true_uplift"].sum()
    drivers = truth["is_driver"]
    ratio = pred[drivers].sum() / truth.loc[drivers, "true_uplift"].sum()
    null_share = pred[~drivers].sum() / total
    assert r >= 0.85, r
    assert 0.75 <= ratio <= 1.25, ratio
    assert null_share < 0.5, null_share


def test_debiased_gains_recover_the_true_uplift(full_result, full):
    """The acceptance above, met by the debiased gains on the same bootstrap:
    measured r 0.88, the drivers' sum 0.95 of the truth, the nulls' -0.42 of
    the total (slightly negative each: the correction takes off what the
    model gives the halo score along a raised rating)."""
    facets = list(full.catalog["facet"])
    w = full.survey["weight"].to_numpy()
    design = em.design_matrix(full.survey[facets], sample_weight=w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.plan_improvements(
            full_result.model,
            design.matrix,
            full.survey["connected"].to_numpy(),
            catalog=full.catalog,
            sample_weight=w,
            bootstrap=full_result.importance,
            controls=design.columns,
            gains="debiased",
        )
    truth = full.truth
    pred = result.roi.set_index("facet").loc[truth.index, "delta_connected"]
    drivers = truth["is_driver"]
    r = np.corrcoef(pred, truth["true_uplift"])[0, 1]
    ratio = pred[drivers].sum() / truth.loc[drivers, "true_uplift"].sum()
    null_share = pred[~drivers].sum() / truth["true_uplift"].sum()
    assert r >= 0.85, r
    assert 0.75 <= ratio <= 1.25, ratio
    assert -0.5 < null_share < 0.5, null_share


def test_roi_table_contract_and_intervals(full_result, full):
    roi = full_result.tables["roi"]
    assert list(roi.columns) == ROI_COLUMNS
    assert set(roi["facet"]) == set(full.catalog["facet"])
    assert list(roi["priority"]) == list(range(1, 101))
    assert (roi["delta_connected_low"] <= roi["delta_connected"]).all()
    assert (roi["delta_connected"] <= roi["delta_connected_high"]).all()
    cost = full.catalog.set_index("facet")["cost"]
    assert np.array_equal(roi["cost"].to_numpy(), cost[roi["facet"]].to_numpy())
    plan = full_result.summary["plan"]
    assert plan["assumption"] == em.simulate.ASSUMPTION
    # The value link prices a connected customer; without a
    # population there is no money in it, and no plan without a budget.
    assert plan["value_source"] == "value_link"
    assert plan["value_per_connected"] == pytest.approx(
        full_result.summary["value"]["value_per_connected"]
    )
    assert roi["delta_value"].isna().all() and "plan" not in full_result.tables


def test_beyond_noise_flags_few_touchpoints_that_move_nothing(full_result, full):
    roi = full_result.tables["roi"].set_index("facet")
    driver = full.truth["is_driver"].reindex(roi.index)
    flagged = roi["beyond_noise"].fillna(False)
    clear = (roi["delta_connected_low"] > 0) | (roi["delta_connected_high"] < 0)
    # Measured (seed 0, 20 replicates): 28 intervals exclude zero, 15 of them
    # of touchpoints that move nothing; 9 flags beyond noise, none false.
    assert (clear & ~driver).sum() >= 5
    assert flagged.sum() >= 5 and (flagged & ~driver).sum() <= 1
    assert (roi.loc[flagged, "p_value"] < em.simulate.NOISE_ALPHA).all()
    noise = full_result.summary["plan"]["noise"]
    assert noise["n_raise"] + noise["n_lower"] == flagged.sum()
    assert noise["correction"] == "fdr_bh" and "100 touchpoints" in noise["rule"]


def test_without_replicates_nothing_is_flagged(small):
    X = small.survey[small.catalog["facet"]]
    model = em.DriverModel(n_estimators=30, cv=0, random_state=0)
    model.fit(X, small.survey["connected"])
    plan = em.plan_improvements(model, X, small.survey["connected"], n_boot=0)
    assert plan.roi["p_value"].isna().all() and plan.roi["beyond_noise"].isna().all()
    assert plan.summary["noise"]["n_raise"] is None


def test_value_per_connected_fallback_is_the_weighted_mean_gap(small):
    s, w = small.survey, small.survey["weight"]
    X = s[small.catalog["facet"]]
    model = em.DriverModel(n_estimators=40, cv=0, random_state=0)
    model.fit(X, s["connected"], sample_weight=w)
    plan = em.plan_improvements(
        model,
        X,
        s["connected"],
        catalog=small.catalog,
        value=s["value"],
        sample_weight=w,
        cross_fit=0,
        n_boot=0,
        random_state=0,
    )
    c = s["connected"] == 1
    gap = np.average(s.loc[c, "value"], weights=w[c]) - np.average(
        s.loc[~c, "value"], weights=w[~c]
    )
    assert plan.summary["value_source"] == "mean_difference"
    assert plan.summary["value_per_connected"] == pytest.approx(gap)


def test_a_score_outcome_is_priced_by_the_value_of_one_point(small):
    # a score's gains are in its own points: the fallback is the weighted
    # least-squares slope of value on the score, not a gap between groups
    s, w = small.survey, small.survey["weight"]
    X = s[small.catalog["facet"]]
    model = em.DriverModel(n_estimators=40, cv=0, random_state=0)
    model.fit(X, s["satisfaction"], sample_weight=w)
    plan = em.plan_improvements(
        model,
        X,
        s["satisfaction"],
        catalog=small.catalog,
        population=1000,
        value=s["value"],
        sample_weight=w,
        cross_fit=0,
        n_boot=0,
    )
    slope = np.polyfit(s["satisfaction"], s["value"], 1, w=np.sqrt(w))[0]
    assert plan.summary["value_source"] == "value_slope"
    assert plan.summary["value_per_connected"] == pytest.approx(slope)
    roi = plan.roi
    assert np.allclose(roi["delta_value"], roi["delta_connected"] * 1000 * slope)


def test_for_a_0_1_outcome_the_slope_is_the_mean_gap(small):
    from emomotiv.simulate import _Simulator, _value_slope

    s, w = small.survey, small.survey["weight"].to_numpy()
    X = s[small.catalog["facet"]]
    model = em.DriverModel(n_estimators=20, cv=0, random_state=0).fit(X, s["connected"])
    sim = _Simulator(model, X, w, {}, "test", [])
    c = (s["connected"] == 1).to_numpy()
    value = s["value"].to_numpy()
    slope, reps, source = _value_slope(sim, c.astype(float), value)
    gap = np.average(value[c], weights=w[c]) - np.average(value[~c], weights=w[~c])
    assert source == "value_slope" and reps is None
    assert slope == pytest.approx(gap)


# -- scenarios -----------------------------------------------------------------


def test_baseline_is_the_weighted_mean_prediction(fitted):
    model, X, y, w, _ = fitted
    sim = em.simulate_improvement(
        model, X, "mobile_app", sample_weight=w, cross_fit=0, n_boot=0
    )
    expected = np.average(model.predict_outcome(X), weights=w)
    assert sim.table["baseline"].iloc[0] == pytest.approx(expected)
    assert sim.assumption.startswith("Each scenario moves only the facets")
    assert sim.table["delta_connected_low"].isna().all()


@settings(max_examples=25, deadline=None)
@given(
    facet=st.sampled_from(range(12)),
    kind=st.sampled_from(["raise", "lift", "reach", "combined"]),
)
def test_a_zero_change_scenario_changes_nothing(fitted, facet, kind):
    model, X, y, w, s = fitted
    f = s.catalog["facet"].iloc[facet]
    scenario = {
        "raise": em.RaiseScore(f, 0),
        "lift": em.LiftBottomBox(f, to=1),
        "reach": em.ExtendReach(f, share=0),
        "combined": em.Combined((em.RaiseScore(f, 0), em.ExtendReach(f, 0))),
    }[kind]
    sim = em.simulate_improvement(
        model, X, scenario, sample_weight=w, cross_fit=0, n_boot=0
    )
    assert sim.table["delta_connected"].iloc[0] == 0.0


@settings(max_examples=100, deadline=None)
@given(
    shape=st.tuples(st.integers(0, 12), st.integers(1, 8)),
    seed=st.integers(0, 2**16),
    shift=st.floats(-3, 3),
)
def test_a_flag_beyond_noise_is_a_p_value_below_the_rate(shape, seed, shift):
    from emomotiv.simulate import noise_flags

    n_boot, n = shape
    rng = np.random.default_rng(seed)
    reps = rng.normal(shift * rng.random(n), 1.0, size=(n_boot, n))
    point = reps.mean(axis=0) if n_boot else rng.normal(size=n)
    p, flags, facts = noise_flags(point, reps)
    flagged = flags.fillna(False).to_numpy(bool)
    # the correction only ever raises a p-value: every flag has a raw p < rate
    assert (p[flagged] < facts["alpha"]).all()
    assert flags.isna().all() == (n_boot < 2)
    if n_boot >= 2:
        assert facts["n_raise"] + facts["n_lower"] == flagged.sum()
        assert (point[flagged] != 0).all()


def test_a_few_close_replicates_do_not_make_a_gain_beyond_noise():
    from scipy.stats import norm

    from emomotiv.simulate import noise_flags

    # two replicates that happen to agree: a tiny sd, not a certain gain
    reps = np.array([[0.0280, 0.010, 0.001], [0.0282, 0.012, -0.001]])
    p, flags, _ = noise_flags(reps.mean(axis=0), reps)
    z = reps.mean(axis=0)[0] / reps[:, 0].std(ddof=1)
    assert 2 * norm.sf(z) < 1e-100  # the normal reading
    assert p[0] > 0.002  # Student's t with one degree of freedom: 2 / (pi z)
    # with a hundred replicates, close to the normal reading
    rng = np.random.default_rng(0)
    many = rng.normal([2.5, 0.0, 0.0], 1.0, size=(100, 3))
    p, _, _ = noise_flags(many.mean(axis=0), many)
    z = many.mean(axis=0)[0] / many[:, 0].std(ddof=1)
    assert p[0] == pytest.approx(2 * norm.sf(z), rel=0.2)


@settings(max_examples=50, deadline=None)
@given(
    ratings=st.lists(st.one_of(st.none(), st.integers(1, 10)), min_size=1, max_size=30),
    points=st.floats(-20, 20, allow_nan=False),
    high=st.integers(5, 10),
)
def test_uplift_is_never_applied_past_the_scale(ratings, points, high):
    col = np.array([np.nan if r is None else min(r, high) for r in ratings], float)
    out = em.RaiseScore("f", points)._apply(col, 1.0, float(high), 5.0)
    seen = ~np.isnan(col)
    assert np.array_equal(np.isnan(out), ~seen)
    assert (out[seen] <= high).all() and (out[seen] >= 1).all()
    if points >= 0:
        assert (out[seen] >= col[seen]).all()
        assert np.allclose(out[seen], np.minimum(col[seen] + points, high))


def test_a_huge_raise_equals_lifting_everyone_to_the_maximum(fitted):
    model, X, y, w, _ = fitted
    sim = em.simulate_improvement(
        model,
        X,
        [em.RaiseScore("mobile_app", 50), em.LiftBottomBox("mobile_app", to=10)],
        sample_weight=w,
        cross_fit=0,
        n_boot=0,
    )
    big, lifted = sim.table["delta_connected"]
    assert big == pytest.approx(lifted)


def test_partial_reach_is_the_expected_share_of_full_reach(fitted):
    model, X, y, w, _ = fitted
    f = "phone_support"
    assert X[f].isna().any()
    sim = em.simulate_improvement(
        model,
        X,
        [em.ExtendReach(f, 1.0), em.ExtendReach(f, 0.3)],
        sample_weight=w,
        cross_fit=0,
        n_boot=0,
    )
    full, part = sim.table["delta_connected"]
    assert full != 0
    assert part == pytest.approx(0.3 * full)
    typical = sim.info["typical"][f]
    assert typical == float(typical) and 1 <= typical <= 10


def test_a_fractional_rise_mixes_the_whole_rises_either_side(fitted):
    model, X, y, w, _ = fitted
    f = "mobile_app"
    scenarios = [em.RaiseScore(f, p) for p in (0.5, 1, 1.5, 2, 0.25, -0.5, -1)]
    scenarios += [em.LiftBottomBox(f, to=t) for t in (7, 7.5, 8)]
    sim = em.simulate_improvement(
        model, X, scenarios, sample_weight=w, cross_fit=0, n_boot=0
    )
    half, one, one_half, two, quarter, down_half, down, *lift = sim.table[
        "delta_connected"
    ]
    assert one > 0 and two > 0
    assert half == pytest.approx(one / 2) and quarter == pytest.approx(one / 4)
    assert one_half == pytest.approx((one + two) / 2)
    assert down_half == pytest.approx(down / 2) and down != 0
    assert lift[1] == pytest.approx((lift[0] + lift[2]) / 2) and lift[2] > lift[0]
    # each rater's prediction mixed between the two whole rises, both capped
    before = model.predict_outcome(X)
    up = [
        model.predict_outcome(X.assign(**{f: np.minimum(X[f] + k, 10)})) for k in (1, 2)
    ]
    mixed = (up[0] + up[1]) / 2
    assert one_half == pytest.approx(np.average(mixed - before, weights=w))
    # the replicates and intervals of +0.5 are those of +1, halved
    boot = em.simulate_improvement(
        model,
        X,
        [em.RaiseScore(f, 0.5), em.RaiseScore(f, 1)],
        y=y,
        sample_weight=w,
        n_boot=4,
        random_state=0,
    )
    np.testing.assert_allclose(
        boot.replicates.iloc[:, 0], boot.replicates.iloc[:, 1] / 2
    )
    t = boot.table
    np.testing.assert_allclose(
        t.loc[0, ["delta_connected_low", "delta_connected_high"]].to_numpy(float),
        t.loc[1, ["delta_connected_low", "delta_connected_high"]].to_numpy(float) / 2,
    )


def test_a_half_point_is_about_half_the_true_gain_of_a_point(small):
    facets = list(small.catalog["facet"])
    X, y = small.survey[facets], small.survey["connected"]
    model = em.DriverModel(n_estimators=60, cv=0, random_state=0).fit(X, y)
    truth = small.truth
    f = truth.index[truth["kind"] == "linear"][
        truth["true_uplift"][truth["kind"] == "linear"].argmax()
    ]
    sim = em.simulate_improvement(
        model,
        X,
        [em.RaiseScore(f, 0.5)],
        y=y,
        catalog=small.catalog,
        n_boot=0,
        cross_fit=3,
        random_state=0,
    )
    half = sim.table["delta_connected"].iloc[0]
    # linear on the logit: +0.5 is worth about half of +1's true gain
    true_half = truth.loc[f, "true_uplift"] / 2
    assert 0.4 * true_half < half < 1.6 * true_half


def test_a_fractional_plan_and_combination_read_half_the_raters_one_point_up(fitted):
    model, X, y, w, s = fitted
    kw = dict(catalog=s.catalog, sample_weight=w, cross_fit=0, n_boot=0)
    half = em.plan_improvements(model, X, y, points=0.5, **kw).to_frame()
    one = em.plan_improvements(model, X, y, points=1.0, **kw).to_frame()
    half, one = half.set_index("facet"), one.set_index("facet")
    assert (one["delta_connected"] != 0).any()
    np.testing.assert_allclose(
        half["delta_connected"], one.loc[half.index, "delta_connected"] / 2
    )
    # together, the same half of the raters takes the whole point on both
    a, b = "mobile_app", "investing_videos"
    sim = em.simulate_improvement(
        model,
        X,
        [
            em.Combined((em.RaiseScore(a, 0.5), em.RaiseScore(b, 0.5))),
            em.Combined((em.RaiseScore(a), em.RaiseScore(b))),
        ],
        sample_weight=w,
        cross_fit=0,
        n_boot=0,
    )
    both_half, both_one = sim.table["delta_connected"]
    assert both_half == pytest.approx(both_one / 2)


def test_fractional_rises_of_one_facet_in_a_combination_add_up(fitted):
    """+0.5 and +0.5 on one facet is +1 (it read as half the raters at +2),
    +0.5 and +1.5 is +2 (it read as half at +1 and half at +3); two
    fractions that do not add up to one change are refused, named."""
    model, X, y, w, s = fitted
    a, b = "mobile_app", "investing_videos"
    raise_ = em.RaiseScore
    sim = em.simulate_improvement(
        model,
        X,
        [
            raise_(a),
            em.Combined((raise_(a, 0.5), raise_(b), raise_(a, 0.5))),
            raise_(a, 2),
            em.Combined((raise_(a, 0.5), raise_(a, 1.5))),
            em.Combined((raise_(a), raise_(b))),
        ],
        sample_weight=w,
        cross_fit=0,
        n_boot=0,
    )
    one, halves, two, sums, both = sim.table["delta_connected"]
    assert one != two
    assert sums == pytest.approx(two) and halves == pytest.approx(both)
    with pytest.raises(em.ValidationError, match=r"'mobile_app' by 2 fractional"):
        em.simulate_improvement(
            model,
            X,
            em.Combined((raise_(a, 0.5), raise_(a, -0.5))),
            cross_fit=0,
            n_boot=0,
        )


def test_a_fractional_rise_on_ratings_that_are_not_whole_is_applied_as_given(fitted):
    model, X, y, w, _ = fitted
    f = "mobile_app"
    halved = X.assign(**{f: X[f] / 2})  # a 1-10 scale as 0.5-5, in steps of 0.5
    refit = em.DriverModel(n_estimators=60, cv=0, random_state=0).fit(halved, y)
    kw = dict(sample_weight=w, cross_fit=0, n_boot=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one step of theirs: read as it is
        step = em.simulate_improvement(refit, halved, em.RaiseScore(f, 0.5), **kw)
    manual = halved.assign(**{f: np.minimum(halved[f] + 0.5, 10)})
    gain = refit.predict_outcome(manual) - refit.predict_outcome(halved)
    assert step.table["delta_connected"].iloc[0] == pytest.approx(
        np.average(gain, weights=w)
    )
    with pytest.warns(UserWarning, match="'mobile_app' has ratings that are not whole"):
        em.simulate_improvement(refit, halved, em.RaiseScore(f, 0.3), **kw)


def test_combined_one_scenario_equals_it_and_overlap_is_counted_once(fitted):
    model, X, y, w, _ = fitted
    a, b = em.RaiseScore("mobile_app"), em.RaiseScore("investing_videos")
    sim = em.simulate_improvement(
        model,
        X,
        [a, b, em.Combined((a,)), em.Combined((a, b))],
        sample_weight=w,
        cross_fit=0,
        n_boot=0,
    )
    d = sim.table["delta_connected"].to_numpy()
    assert d[2] == pytest.approx(d[0])
    # The combined change is evaluated jointly, not summed.
    manual = X.copy()
    for f in ("mobile_app", "investing_videos"):
        manual[f] = np.minimum(manual[f] + 1, 10)
    joint = np.average(model.predict_outcome(manual), weights=w) - np.average(
        model.predict_outcome(X), weights=w
    )
    assert d[3] == pytest.approx(joint)


def test_intervals_are_reproducible_and_cover_the_estimate(fitted):
    model, X, y, w, _ = fitted
    kw = dict(y=y, sample_weight=w, n_boot=4, random_state=3)
    one = em.simulate_improvement(model, X, ["mobile_app", "investing_videos"], **kw)
    two = em.simulate_improvement(model, X, ["mobile_app", "investing_videos"], **kw)
    pd.testing.assert_frame_equal(one.table, two.table)
    t = one.table
    assert (t["delta_connected_low"] < t["delta_connected"]).all()
    assert (t["delta_connected"] < t["delta_connected_high"]).all()
    assert one.replicates.shape == (4, 2)
    assert one.info["point"].startswith("bagged out of bag")
    # the estimate is the mean of the replicates it is reported with
    np.testing.assert_allclose(t["delta_connected"], one.replicates.mean())


def test_scenarios_reuse_the_importance_bootstrap(fitted):
    """One bootstrap: the ranking's refits give the same gains as fresh ones."""
    model, X, y, w, s = fitted
    boot = em.bootstrap_importance(
        model,
        X,
        y,
        sample_weight=w,
        n_boot=4,
        n_jobs=1,
        progress=False,
        random_state=3,
    )
    scenarios = ["mobile_app", em.ExtendReach("investing_videos", share=0.5)]
    reused = em.simulate_improvement(
        model, X, scenarios, sample_weight=w, bootstrap=boot
    )
    fresh = em.simulate_improvement(
        model, X, scenarios, y=y, sample_weight=w, n_boot=4, random_state=3
    )
    pd.testing.assert_frame_equal(reused.table, fresh.table)
    # each says where its intervals come from
    assert "of the importance bootstrap" in reused.info["interval"]
    assert "importance" not in fresh.info["interval"]
    assert fresh.info["interval"].startswith("percentile bootstrap: the model")
    plan = em.plan_improvements(
        model,
        X,
        y,
        catalog=s.catalog,
        sample_weight=w,
        population=1e5,
        value_per_connected=2_000,
        bootstrap=boot,
    )
    roi = plan.roi.set_index("facet")
    assert plan.summary["n_boot"] == 4
    assert roi.loc["mobile_app", "delta_connected"] == pytest.approx(
        reused.table["delta_connected"].iloc[0]
    )
    for col in ("delta_connected", "delta_value"):
        assert (roi[f"{col}_low"] <= roi[col]).all()
        assert (roi[col] <= roi[f"{col}_high"]).all()


def test_a_bootstrap_of_another_survey_or_model_is_refused(fitted):
    """Replicates drawn from other ratings or weights of as many respondents,
    or refitting a model of another outcome or settings, would evaluate the
    scenarios on another survey's models: refused, naming what differs."""
    model, X, y, w, s = fitted
    kw = dict(n_boot=2, n_jobs=1, progress=False, random_state=3)
    boot = em.bootstrap_importance(model, X, y, sample_weight=w, **kw)
    shuffled = X.sample(frac=1.0, random_state=1).set_axis(X.index)
    with pytest.raises(ValueError, match=r"its ratings differ.*Pass the X"):
        em.simulate_improvement(
            model, shuffled, ["mobile_app"], sample_weight=w, bootstrap=boot
        )
    with pytest.raises(ValueError, match="its weights differ"):
        em.simulate_improvement(model, X, ["mobile_app"], bootstrap=boot)
    other = em.DriverModel(n_estimators=30, max_depth=2, cv=0, random_state=0)
    other.fit(X, y, sample_weight=w)
    with pytest.raises(ValueError, match=r"other settings .*n_estimators.*max_depth"):
        em.plan_improvements(
            other, X, y, catalog=s.catalog, sample_weight=w, bootstrap=boot
        )
    # the same ratings, weights and settings, another outcome: other trees
    flipped = em.DriverModel(**model.get_params()).fit(X, 1 - y, sample_weight=w)
    with pytest.raises(ValueError, match="another fitted model than the one given"):
        em.simulate_improvement(
            flipped, X, ["mobile_app"], sample_weight=w, bootstrap=boot
        )
    # weights scaled by a constant are the same survey
    same = em.simulate_improvement(
        model, X, ["mobile_app"], sample_weight=w * 3, bootstrap=boot
    )
    assert same.info["interval"].startswith("percentile bootstrap: the replicate")


def test_n_jobs_sets_the_threads_and_not_the_result(fitted, pools):
    """n_jobs=1 keeps the refits and the scenarios' replicates on one thread
    (for a user who runs analyses side by side); the tables are those of
    every core."""
    model, X, y, w, s = fitted
    kw = dict(y=y, sample_weight=w, n_boot=4, random_state=3)
    every = em.simulate_improvement(model, X, ["mobile_app"], **kw)
    pools.clear()
    one = em.simulate_improvement(model, X, ["mobile_app"], n_jobs=1, **kw)
    plan = em.plan_improvements(model, X, catalog=s.catalog, n_jobs=1, **kw)
    pd.testing.assert_frame_equal(one.table, every.table)
    assert pools and set(pools) == {1}
    assert plan.summary["n_boot"] == 4
    with pytest.raises(ValueError, match="'n_jobs' parameter of plan_improvements"):
        em.plan_improvements(model, X, catalog=s.catalog, n_jobs=0, **kw)


def test_bad_scenarios_and_parameters_are_named(fitted):
    model, X, y, w, _ = fitted
    with pytest.raises(em.ValidationError) as err:
        em.simulate_improvement(
            model,
            X,
            ["mobil_app", em.LiftBottomBox("mobile_app", to=11)],
            cross_fit=0,
            n_boot=0,
        )
    text = str(err.value)
    assert "2 problems" in text and "Did you mean 'mobile_app'" in text
    assert "[1, 10]" in text
    with pytest.raises(ValueError, match="'points' parameter of plan_improvements"):
        em.plan_improvements(model, X, points=0, cross_fit=0, n_boot=0)
    with pytest.raises(em.ValidationError, match="combines no change"):
        em.simulate_improvement(model, X, em.Combined(()), cross_fit=0, n_boot=0)
    with pytest.raises(ValueError, match="'n_boot' parameter of simulate_improvement"):
        em.simulate_improvement(model, X, "mobile_app", n_boot=-1)
    with pytest.raises(ValueError, match="needs the outcome y"):
        em.simulate_improvement(model, X, "mobile_app", cross_fit=0, n_boot=2)
    with pytest.raises(ValueError, match="needs the outcome y"):
        em.simulate_improvement(model, X, "mobile_app", n_boot=0)
    with pytest.raises(ValueError, match="'cross_fit' parameter"):
        em.simulate_improvement(model, X, "mobile_app", y=y, cross_fit=1)


def test_an_infinite_plan_input_or_a_facet_far_from_any_is_named(fitted):
    """An infinite population or value per connected customer made every
    delta_value and roi infinite; infinite points gave one error per facet;
    True passed as one point; an unknown facet with no near match was named
    alone, with no list to choose from."""
    model, X, y, w, _ = fitted
    options = {"cross_fit": 0, "n_boot": 0}
    for name, value in [
        ("population", np.inf),
        ("value_per_connected", np.inf),
        ("value_per_connected", (np.nan, 1.0, 2.0)),
        ("points", np.inf),
    ]:
        with pytest.raises(ValueError, match=f"'{name}' parameter .* finite") as err:
            em.plan_improvements(model, X, **{name: value}, **options)
        assert str(err.value).count("\n") == 0  # one message, not one per facet
    with pytest.raises(em.ValidationError) as err:
        em.simulate_improvement(
            model, X, [em.RaiseScore("mobile_app", True), "xyz"], **options
        )
    text = str(err.value)
    assert "needs points as a finite number; got True" in text
    assert "Unknown facet 'xyz'. The model's facets: " in text
    assert f"'{X.columns[0]}'" in text


def test_a_population_of_0_or_an_interval_backwards_is_refused(fitted):
    """population=0 priced every gain at 0 and the note said no touchpoint
    had a positive gain; (estimate, high, low) made a negative spread."""
    model, X, y, w, _ = fitted
    options = {"cross_fit": 0, "n_boot": 0}
    with pytest.raises(ValueError, match="'population' parameter .* > 0"):
        em.plan_improvements(model, X, population=0, **options)
    with pytest.raises(ValueError, match="low end first"):
        em.plan_improvements(
            model, X, value_per_connected=(2_500, 3_000, 2_000), **options
        )


def test_a_catalog_without_every_facet_the_model_uses_is_named(fitted):
    model, X, y, _, small = fitted
    partial = small.catalog.iloc[2:]
    missing = list(small.catalog["facet"][:2])
    for run in (em.simulate_improvement, em.plan_improvements):
        scenario = () if run is em.plan_improvements else (missing[0],)
        with pytest.raises(em.ValidationError, match="lacks 2 facets") as err:
            run(model, X, *scenario, catalog=partial, cross_fit=0, n_boot=0)
        assert all(f"'{f}'" in str(err.value) for f in missing)


# -- the plan ------------------------------------------------------------------


def _brute_force(gain, cost, budget):
    best = 0.0
    for pick in itertools.product([0, 1], repeat=len(gain)):
        pick = np.array(pick, bool)
        if math.fsum(cost[pick]) <= budget:
            best = max(best, gain[pick & (gain > 0)].sum())
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gain=st.lists(st.floats(-1e6, 1e7, allow_nan=False), min_size=1, max_size=8),
    data=st.data(),
)
def test_the_plan_never_exceeds_the_budget_and_is_optimal(gain, data):
    gain = np.array(gain)
    cost = np.array(
        data.draw(
            st.lists(
                st.sampled_from(
                    [0.0, 1e4, 2e4, 5e4, 7e4, 1.3e5, 3e5, 0.1, 0.2, 2.0, 1e-9]
                ),
                min_size=len(gain),
                max_size=len(gain),
            )
        )
    )
    budget = data.draw(st.sampled_from([0.0, 1e4, 5e4, 1.2e5, 2e5, 1e6, 2.5, 1.0]))
    chosen = _knapsack(gain, cost, budget)
    assert math.fsum(cost[chosen]) <= budget
    assert (gain[chosen] > 0).all()
    # Optimal up to the MILP solver's tolerance (gains are scaled by the largest).
    best = _brute_force(gain, cost, budget)
    assert gain[chosen].sum() >= best - 1e-6 * max(gain.max(), 0) - 1e-12


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from([250_000.0, 1e6, 3e8]),
    data=st.data(),
)
def test_a_plan_is_the_best_when_costs_are_a_millionth_apart(base, data):
    """Quotes of 250,000.xx with a budget at a sum of them: the solver took a
    set a hair over, then returned a worse one as optimal (54 of 300 plans
    below the best, the worst at 58% of it)."""
    n = data.draw(st.integers(3, 8))
    extra = data.draw(st.lists(st.integers(0, 99), min_size=n, max_size=n))
    cost = base + np.array(extra) / 100
    ratio = data.draw(st.lists(st.floats(0.05, 2.0), min_size=n, max_size=n))
    gain = np.array(ratio) * cost
    some = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=4))
    budget = math.fsum(cost[sorted(set(some))]) + data.draw(
        st.sampled_from([0.0, 0.01, 1.0])
    )
    chosen = _knapsack(gain, cost, budget)
    assert math.fsum(cost[chosen]) <= budget
    best = _brute_force(gain, cost, budget)
    assert gain[chosen].sum() >= best * (1 - 1e-12)


@pytest.mark.parametrize(
    ("gain", "cost", "budget", "best"),
    [
        # 0.1 + 0.2 + 0.2 + 2.0 is 2.5 on paper, one ulp above it in floats
        ([1.0, 2.0, 1.0, 1.0], [0.1, 2.0, 0.2, 0.2], 2.5, [True] * 4),
        # the solver took both (1e-9 over, within its tolerance), then the
        # worst-ratio one was dropped: the larger gain went unfunded
        ([1.0, 2.0], [1e-9, 1.0], 1.0, [False, True]),
    ],
)
def test_a_plan_at_the_edge_of_the_budget_is_still_the_best(gain, cost, budget, best):
    chosen = _knapsack(np.array(gain), np.array(cost), budget)
    assert chosen.tolist() == best


def test_a_value_per_connected_given_with_its_interval_is_a_parameter(fitted):
    """Typed by hand as (estimate, low, high), it was labelled 'from the value
    link', and the console called it a gap between customers."""
    model, X, y, w, s = fitted
    kw = dict(catalog=s.catalog, sample_weight=w, population=1e4, n_boot=2)
    plan = em.plan_improvements(
        model, X, y, value_per_connected=(2500.0, 2000.0, 3000.0), **kw
    )
    assert plan.summary["value_source"] == "parameter"


def test_plan_improvements_combines_the_chosen_facets(fitted):
    model, X, y, w, s = fitted
    result = em.plan_improvements(
        model,
        X,
        y,
        catalog=s.catalog,
        budget=300_000,
        population=100_000,
        value_per_connected=2_000,
        sample_weight=w,
        n_boot=3,
        random_state=0,
    )
    roi, plan, summary = result.roi, result.plan, result.summary
    assert list(roi.columns) == ROI_COLUMNS
    assert roi["delta_value"].to_numpy() == pytest.approx(
        roi["delta_connected"].to_numpy() * 100_000 * 2_000
    )
    assert roi["roi"].to_numpy() == pytest.approx(
        ((roi["delta_value"] - roi["cost"]) / roi["cost"]).to_numpy()
    )
    assert roi["roi"].is_monotonic_decreasing
    chosen = plan.loc[plan["selected"]]
    assert summary["spent"] == chosen["cost"].sum() <= 300_000
    assert summary["selected"] == result.selected == list(chosen["facet"])
    assert summary["value_source"] == "parameter"
    sim = em.simulate_improvement(
        model,
        X,
        em.Combined(tuple(em.RaiseScore(f) for f in result.selected)),
        y=y,
        sample_weight=w,
        n_boot=3,
        random_state=0,
    )
    assert summary["selection_optimism"] > 0  # chosen for their high estimates
    assert summary["combined_delta_connected"] == pytest.approx(
        sim.table["delta_connected"].iloc[0] - summary["selection_optimism"]
    )
    assert summary["sum_individual_delta_connected"] == pytest.approx(
        chosen["delta_connected"].sum()
    )
    assert summary["combined_delta_value"] == pytest.approx(
        summary["combined_delta_connected"] * 100_000 * 2_000
    )


def test_a_value_with_its_interval_prices_the_gain_and_widens_its_interval(fitted):
    """The estimate is the gain times population times value; the value's
    interval enters the replicates only, and widens the gain's."""
    model, X, y, w, s = fitted
    boot = em.bootstrap_importance(
        model,
        X,
        y,
        sample_weight=w,
        n_boot=8,
        n_jobs=1,
        progress=False,
        random_state=0,
    )
    options = {"catalog": s.catalog, "sample_weight": w, "bootstrap": boot}
    exact = em.plan_improvements(
        model, X, y, population=1e5, value_per_connected=3_000, **options
    ).roi
    vague = em.plan_improvements(
        model,
        X,
        y,
        population=1e5,
        value_per_connected=(3_000, 2_000, 4_000),
        **options,
    ).roi
    np.testing.assert_allclose(vague["delta_value"], exact["delta_value"])
    np.testing.assert_allclose(
        vague["delta_value"], vague["delta_connected"] * 1e5 * 3_000
    )
    assert (vague["delta_value_low"] <= vague["delta_value"]).all()
    assert (vague["delta_value"] <= vague["delta_value_high"]).all()
    width = lambda t: t["delta_value_high"] - t["delta_value_low"]  # noqa: E731
    big = exact["delta_connected"].abs() > 0.005
    assert (width(vague)[big] / width(exact)[big]).median() > 1


def test_an_m_out_of_n_bootstrap_rescales_the_mean_value_gap(small):
    """The value per connected customer from the mean gap, recomputed on each
    resample of m respondents, spreads like a full-size resample's."""
    from emomotiv.simulate import _prepare, _Simulator, _value_per_connected

    facets = list(small.catalog["facet"])
    X, y, w = small.survey[facets], small.survey["connected"], small.survey["weight"]
    model = em.DriverModel(n_estimators=20, cv=0, random_state=0)
    model.fit(X, y, sample_weight=w)
    spread = {}
    for size in (None, 100):
        boot = em.bootstrap_importance(
            model,
            X,
            y,
            sample_weight=w,
            n_boot=40,
            boot_size=size,
            n_jobs=1,
            progress=False,
            random_state=0,
        )
        sim = _Simulator(model, X, w, {}, "test", [])
        _prepare(sim, y, 0, 0, 0.9, 0, boot)
        est, reps, source, _ = _value_per_connected(
            sim, y.to_numpy(), small.survey["value"].to_numpy(), None, None, 0.9
        )
        assert source == "mean_difference" and len(reps) == 40
        spread[size] = reps.std()
    # unscaled, m = 100 of 600 would spread sqrt(6) = 2.4 times as wide
    assert 0.6 < spread[100] / spread[None] < 1.6


def test_the_plan_says_why_it_funds_nothing_or_what_it_leaves_out(fitted):
    """A budget below every cost, or touchpoints without a cost, gave an
    empty plan (or a shorter plan.csv) and no word on why."""
    model, X, y, w, s = fitted
    catalog = s.catalog.copy()
    catalog.loc[catalog.index[:2], "cost"] = np.nan
    unpriced = list(catalog["facet"][:2])
    options = {"catalog": catalog, "population": 1e5, "value_per_connected": 2_000}
    options |= {"sample_weight": w, "cross_fit": 0, "n_boot": 0}
    small = em.plan_improvements(model, X, y, budget=1.0, **options).summary
    assert small["selected"] == [] and small["unpriced"] == unpriced
    assert "2 of 12 touchpoints have no cost" in small["note"]
    assert "the budget (1) is below the cost of every touchpoint" in small["note"]
    cheapest = catalog.dropna(subset=["cost"])["cost"].min()
    assert f"costs {cheapest:,.0f})" in small["note"]
    huge = em.plan_improvements(model, X, y, budget=1e12, **options).summary
    left = 1e12 - huge["spent"]
    assert f"funded; {left:,.0f} of the budget is left" in huge["note"]
    nothing = em.plan_improvements(
        model,
        X,
        y,
        budget=1e6,
        **(options | {"catalog": s.catalog.drop(columns="cost")}),
    ).summary
    assert nothing["note"].endswith(
        "Nothing is funded: give the catalog a cost column."
    )


def test_with_money_the_plan_funds_only_what_returns_more_than_it_costs(fitted):
    """The plan maximised the touchpoints' gross value: with a small
    population it spent 35m to earn 0.9m. With money on both sides it
    maximises the value net of cost, funds no touchpoint whose expected
    value is below its cost, and names those it leaves out for that."""
    model, X, y, w, s = fitted
    options = {"catalog": s.catalog, "value_per_connected": 2_000, "budget": 1e12}
    options |= {"sample_weight": w, "cross_fit": 0, "n_boot": 0}
    result = em.plan_improvements(model, X, y, population=2_000, **options)
    roi, summary = result.roi.set_index("facet"), result.summary
    assert summary["objective"] == "net_value"
    funded = roi.loc[result.selected]
    assert (funded["delta_value"] > funded["cost"]).all()
    losing = roi.index[(roi["delta_value"] > 0) & (roi["delta_value"] < roi["cost"])]
    assert len(losing) and not set(losing) & set(result.selected)
    # the value is that through connection; the touchpoints named by label
    assert (
        f"{len(losing)} touchpoints with a positive gain would add less value "
        "through connection than they cost" in summary["note"]
    )
    first = roi.loc[losing[0], "label"]
    assert repr(first) in summary["note"] and repr(losing[0]) not in summary["note"]
    # the funded set is the one whose value net of cost is the most
    net = (roi["delta_value"] - roi["cost"]).clip(lower=0)
    assert net.loc[result.selected].sum() == pytest.approx(net.sum())


def test_the_plans_money_has_the_interval_of_its_combined_gain(fitted):
    """The plan's combined gain in money had no interval: its gain in the
    connected share had one, read off the replicates of the combined scenario."""
    model, X, y, w, s = fitted
    options = {"catalog": s.catalog, "budget": 400_000, "population": 1e5}
    options |= {"sample_weight": w, "n_boot": 4, "random_state": 0}
    fixed = em.plan_improvements(model, X, y, value_per_connected=2_000, **options)
    plan = fixed.summary
    assert plan["n_selected"] >= 2
    for end in ("low", "high"):
        assert plan[f"combined_delta_value_{end}"] == pytest.approx(
            plan[f"combined_delta_connected_{end}"] * 1e5 * 2_000
        )
    vague = em.plan_improvements(
        model, X, y, value_per_connected=(2_000, 1_000, 3_000), **options
    ).summary
    assert vague["combined_delta_value"] == pytest.approx(plan["combined_delta_value"])
    assert vague["combined_delta_value_low"] < plan["combined_delta_value_low"]
    assert vague["combined_delta_value_low"] <= vague["combined_delta_value"]
    assert vague["combined_delta_value"] <= vague["combined_delta_value_high"]


def test_a_mean_value_gap_reads_the_respondents_with_a_value_and_enough_of_them(
    fitted,
):
    """A value cell left empty made the gap NaN and every delta_value empty,
    without a word; a gap over 3 unconnected respondents priced the plan."""
    model, X, y, w, s = fitted
    value = s.survey["value"].to_numpy().copy()
    value[:50] = np.nan
    options = {"catalog": s.catalog, "population": 1e5, "sample_weight": w}
    options |= {"cross_fit": 0, "n_boot": 0}
    plan = em.plan_improvements(model, X, y, value=value, **options)
    c, has = y.to_numpy() == 1, ~np.isnan(value)
    gap = np.average(value[c & has], weights=w[c & has]) - np.average(
        value[~c & has], weights=w[~c & has]
    )
    assert plan.summary["value_per_connected"] == pytest.approx(gap)
    assert plan.roi["delta_value"].notna().all()
    value[np.flatnonzero(~c & has)[3:]] = np.nan  # 3 unconnected with a value
    plan = em.plan_improvements(model, X, y, value=value, **options)
    assert plan.summary["value_per_connected"] is None
    assert plan.roi["delta_value"].isna().all()
    assert "3 unconnected respondents with a value" in plan.summary["value_note"]
    assert "at least 10" in plan.summary["value_note"]


def test_without_value_information_money_columns_are_empty(fitted):
    model, X, y, w, s = fitted
    result = em.plan_improvements(
        model, X, y, catalog=s.catalog, budget=200_000, population=1e5, n_boot=0
    )
    assert result.summary["value_source"] is None
    # what to give, in the words of both the command line and Python
    note = result.summary["value_note"]
    assert "give a value column (--value) or a value per connected" in note
    assert "(--value-per-connected, value_per_connected=)" in note
    assert result.roi["delta_value"].isna().all()
    # The plan then maximises the gain in the connected share.
    assert result.summary["objective"] == "delta_connected"
    assert result.summary["spent"] <= 200_000


# -- end to end ----------------------------------------------------------------


def test_cli_writes_roi_and_plan_in_the_same_run(tmp_path, capsys):
    assert main(["sample", str(tmp_path / "data")]) == 0
    out = tmp_path / "results"
    code = main(
        [
            "analyze",
            str(tmp_path / "data" / "survey.csv"),
            "--catalog",
            str(tmp_path / "data" / "facets.csv"),
            "--connection",
            "connected",
            "--value",
            "value",
            "--weight",
            "weight",
            "--population",
            "250000",
            "--budget",
            "500000",
            "--n-boot",
            "10",
            "--cv",
            "0",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Plan within 500,000" in printed
    assert re.search(r"connected share [+-]\d+\.\d points together", printed)
    assert re.search(
        r"One-point gains beyond noise \(Benjamini-Hochberg, 10% false\): \d+ raise "
        r"the connected share, \d+ lower it\.",
        printed,
    )
    assert {"drivers.csv", "roi.csv", "plan.csv"} <= {p.name for p in out.iterdir()}
    roi = pd.read_csv(out / "roi.csv")
    plan = pd.read_csv(out / "plan.csv")
    summary = json.loads((out / "summary.json").read_text())["plan"]
    assert list(roi.columns) == ROI_COLUMNS and len(roi) == 100
    assert plan.loc[plan["selected"], "cost"].sum() == summary["spent"] <= 500_000
    assert summary["population"] == 250_000 and summary["budget"] == 500_000
    assert roi["delta_value"].notna().all()


@pytest.mark.parametrize("chunk", [2, 65_536])
def test_the_model_matrix_is_float32_unless_a_value_would_change(monkeypatch, chunk):
    """Ratings as the model reads them (float32: half the memory at 1M rows);
    float64 only when float32 would change a value in the exact columns."""
    from emomotiv import _stats
    from emomotiv._stats import model_matrix

    monkeypatch.setattr(_stats, "CHUNK_ROWS", chunk)
    ratings = pd.DataFrame({"a": [1.0, 7.0, np.nan, 4.0], "b": [0.5, 10, 3, 2]})
    whole = model_matrix(ratings)
    assert whole.dtype == np.float32
    np.testing.assert_array_equal(whole, ratings.to_numpy())
    rows = np.array([True, False, True, True])
    np.testing.assert_array_equal(model_matrix(ratings, rows), ratings[rows])
    np.testing.assert_array_equal(model_matrix(ratings, [3, 0]), ratings.iloc[[3, 0]])
    averaged = ratings.assign(b=[0.5, 7.3, 3.0, 2.0])  # 7.3 is not a float32
    exact = model_matrix(averaged)
    assert exact.dtype == np.float64
    np.testing.assert_array_equal(exact, averaged.to_numpy())
    # a column no scenario moves (a halo score) may be read as float32
    assert model_matrix(averaged, exact=[0]).dtype == np.float32


def test_a_free_improvement_ranks_by_the_sign_of_its_gain(fitted):
    """A facet whose improvement costs nothing has no ratio to rank by (its
    roi is left empty), but a free gain beats any paid one: it takes the
    first priority when it raises the outcome, not the last place that an
    empty roi would give it; when it lowers it, it ranks among the losses,
    last of all, by the size of its loss."""
    model, X, y, w, s = fitted
    options = dict(
        population=100_000, value_per_connected=2_000, sample_weight=w, n_boot=0
    )
    options |= dict(cross_fit=0)
    roi = em.plan_improvements(model, X, y, catalog=s.catalog, **options).roi
    up = roi.loc[roi["delta_value"] > 0, "facet"].iloc[-1]  # the last raise
    down = roi.loc[roi["delta_value"] < 0, "facet"].iloc[0]  # the first fall
    catalog = s.catalog.copy()
    catalog.loc[catalog["facet"].isin([up, down]), "cost"] = 0.0
    result = em.plan_improvements(
        model, X, y, catalog=catalog, budget=100_000, **options
    )
    free = result.roi.set_index("facet")
    assert free.loc[up, "priority"] == 1 and np.isnan(free.loc[up, "roi"])
    losses = result.roi[result.roi["delta_value"] < 0]
    assert down in set(losses["facet"])
    assert (
        losses["priority"].min()
        > result.roi.loc[result.roi["delta_value"] >= 0, "priority"].max()
    )
    assert losses["delta_value"].is_monotonic_decreasing  # the largest loss last
    assert up in result.selected and down not in result.selected
    # without money no touchpoint has a return: the free gain still ranks first
    moneyless = em.plan_improvements(
        model,
        X,
        y,
        catalog=catalog,
        budget=100,
        sample_weight=w,
        n_boot=0,
        cross_fit=0,
    ).roi
    assert moneyless["delta_value"].isna().all()
    assert moneyless["facet"].iloc[0] == up
    moneyless = moneyless.set_index("facet")
    gains = moneyless["delta_connected"] >= 0
    assert moneyless.loc[down, "priority"] > moneyless.loc[gains, "priority"].max()


def test_a_touchpoint_without_a_cost_ranks_before_the_losses(fitted):
    """With no cost there is no ratio: a touchpoint with the largest gain and
    no quote was ranked below those predicted to lower the outcome. It comes
    after the priced gains and before every loss."""
    model, X, y, w, s = fitted
    options = dict(
        population=100_000, value_per_connected=2_000, sample_weight=w, n_boot=0
    )
    roi = em.plan_improvements(
        model, X, y, catalog=s.catalog, cross_fit=0, **options
    ).roi
    assert (roi["delta_value"] < 0).any()
    top = roi.sort_values("delta_value")["facet"].iloc[-1]  # the largest gain
    catalog = s.catalog.copy()
    catalog.loc[catalog["facet"] == top, "cost"] = np.nan
    ranked = em.plan_improvements(
        model, X, y, catalog=catalog, cross_fit=0, **options
    ).roi
    gains = ranked["delta_value"] >= 0
    assert list(ranked.loc[gains, "facet"])[-1] == top
    assert (ranked.loc[~gains, "priority"] > ranked.loc[gains, "priority"].max()).all()
    priced = ranked[ranked["facet"] != top]
    assert priced["facet"].tolist() == roi[roi["facet"] != top]["facet"].tolist()


def test_the_scenarios_of_a_wide_survey_hold_only_the_columns_they_move():
    """Each changed row of a +1 on one facet differs from its respondent in
    that facet alone: stacking whole rows for every scenario held facets x
    rows x facets numbers (96 MB here, gigabytes at 300 facets)."""
    import tracemalloc

    s = em.make_survey(n_respondents=600, n_facets=200, random_state=0)
    facets = list(s.catalog["facet"])
    X, y = s.survey[facets], s.survey["connected"]
    model = em.DriverModel(n_estimators=20, cv=0, random_state=0).fit(X, y)
    tracemalloc.start()
    try:
        roi = em.plan_improvements(
            model, X, y, catalog=s.catalog, n_boot=0, cross_fit=0
        ).roi
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30e6
    assert roi["delta_connected"].abs().sum() > 0


def test_the_plan_note_tells_a_gain_beyond_noise_from_one_within_it():
    """The note said touchpoints "would add value but less than they cost" on
    a point estimate that was noise: those beyond noise are now said apart."""
    from emomotiv.simulate import _plan_note

    names = np.array(["Trading fees", "Chat support", "Mobile app"], dtype=object)
    gain = np.array([-5.0, -2.0, 40.0])  # value through connection less cost
    cost = np.array([10.0, 10.0, 10.0])
    chosen = np.array([False, False, True])
    note = _plan_note(
        names, gain, cost, chosen, 10.0, True, clear=np.array([False, True, True])
    )
    assert note.startswith(
        "1 touchpoint would add value through connection (beyond noise) but less "
        "than it costs: 'Chat support'; 1 more touchpoint with a positive gain "
        "would add less value through connection (a gain within noise) than it "
        "costs: 'Trading fees'; "
        "the plan does not fund them."
    )
    # one left out is "it", and the note counts only those with a positive
    # gain: a trial read "1 touchpoint would add less value than it costs"
    # beside 15 with a negative return in roi.csv
    losing = np.array([-15.0, -2.0, 40.0])  # 'Trading fees' loses money
    one = _plan_note(names, losing, cost, chosen, 10.0, True, clear=None)
    assert one.startswith(
        "1 touchpoint with a positive gain would add less value through "
        "connection than it costs: 'Chat support'; the plan does not fund it."
    )


def test_the_plan_note_speaks_of_one_unpriced_touchpoint_in_the_singular():
    """ "1 of 30 touchpoints have no cost ... cannot fund them"."""
    from emomotiv.simulate import _plan_note

    names = np.array(["Goal-setting tool", "Mobile app"], dtype=object)
    gain, cost = np.array([3.0, 40.0]), np.array([np.nan, 10.0])
    note = _plan_note(names, gain, cost, np.array([False, True]), 10.0, True)
    assert note.startswith(
        "1 of 2 touchpoints has no cost in the catalog, so the plan cannot fund "
        "it: 'Goal-setting tool'."
    )


def test_a_touchpoint_without_a_cost_among_priced_ones_says_so_in_its_row():
    """A clear gain with no cost in the catalog ranked after touchpoints that
    lose money, with an empty note: its row says why the plan passes it by.
    Without any cost, or without a budget (no plan), no row says it."""
    s = em.make_survey(n_respondents=400, n_facets=6, random_state=0)
    model = em.DriverModel(n_estimators=30, cv=0, random_state=0)
    facets = list(s.catalog["facet"])
    model.fit(s.survey[facets], s.survey["connected"])
    catalog = s.catalog.assign(cost=[10.0, np.nan, 10.0, 10.0, 10.0, 10.0])
    X, y = s.survey[facets], s.survey["connected"]
    plan = em.plan_improvements(model, X, y, catalog=catalog, budget=20.0, n_boot=0)
    notes = plan.roi.set_index("facet")["note"]
    assert notes[facets[1]] == "no cost in the catalog: the plan cannot fund it"
    assert not notes.drop(facets[1]).fillna("").str.contains("no cost").any()
    for bare in (  # no cost at all, or no budget (no plan): nothing said
        em.plan_improvements(model, X, y, catalog=s.catalog.drop(columns="cost")),
        em.plan_improvements(model, X, y, catalog=catalog),
    ):
        assert not bare.roi["note"].fillna("").str.contains("no cost").any()


def test_the_solver_prints_nothing_of_its_own(capfd):
    """On some knapsacks HiGHS wrote a debugging line
    ("HighsMipSolverData::transformNewIntegerFeasibleSolution ...") straight to
    the terminal, into the console's results."""
    rng = np.random.default_rng(0)
    for i in range(103):  # the 103rd of these knapsacks made it print
        n = rng.integers(3, 40)
        gain, cost = rng.gamma(1, 1, n), rng.uniform(0.01, 0.6, n)
        if i % 2:
            cost = np.round(cost * 4) / 4 + rng.uniform(0, 1e-6, n)
    print("before", flush=True)
    chosen = _knapsack(gain, cost, 1.0)
    print("after")
    assert math.fsum(cost[chosen]) <= 1.0
    assert capfd.readouterr().out == "before\nafter\n"


@pytest.mark.parametrize("seed", [2, 4])
def test_a_plan_on_a_survey_where_nothing_works_is_not_clear_of_zero(seed, capsys):
    """No touchpoint moves connection: the plan still funds the largest of
    noisy gains, and read on the data that chose them their gain ran high
    (+1.9 and +2.9 points, each interval above zero, three to five times the
    spend). Less the bootstrap's optimism, the interval holds zero."""
    base = em.make_survey(300, 40, connected_share=0.2, random_state=seed)
    s = em.make_survey(
        300,
        40,
        connected_share=0.2,
        random_state=seed,
        effects=dict.fromkeys(base.catalog.facet, 0.0),
    )
    assert not s.truth["true_uplift"].any()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a weak fit, an unstable ranking
        result = em.analyze(
            s.survey,
            s.catalog,
            connection="connected",
            weight="weight",
            n_boot=20,
            random_state=0,
            methods=False,
            population=20_000,
            budget=300_000,
            value_per_connected=3_000,
            progress=False,
        )
    plan = result.summary["plan"]
    assert plan["selected"]
    assert plan["selection_optimism"] > 0.01
    low, high = (plan[f"combined_delta_connected_{end}"] for end in ("low", "high"))
    assert low < 0 < high
    assert plan["combined_delta_value_low"] < 0
    html = em.Report(result).html()
    if em.report.plan_without_basis(result.summary):  # a weak fit too
        assert "No plan is recommended." in html
    else:
        assert "The plan's own gain is within noise" in html
    from emomotiv.cli import _print_plan

    _print_plan(plan)
    assert "The plan's own gain is within noise" in capsys.readouterr().out
    _print_plan(plan | {"combined_delta_connected": -0.002})  # net of its optimism
    assert "it is not expected to add anything" in capsys.readouterr().out


def test_beyond_noise_never_contradicts_the_interval_shown_beside_it():
    """Skewed replicates gave a change of -38 a p-value of 0.001 (beyond
    noise) while its 90% interval ran from -43 to +1.8, through zero."""
    from emomotiv.simulate import _interval, noise_flags

    skewed = np.r_[np.full(17, -40.0), -42, -44, 3.0] + np.linspace(-1, 1, 20)
    clear = np.linspace(-60, -30, 20)
    reps = np.column_stack([skewed, clear])
    point = reps.mean(axis=0)
    low, high = _interval(point, reps, 0.9)
    p, flags, facts = noise_flags(point, reps, level=0.9)
    assert p[0] < 0.01 and low[0] < 0 < high[0]
    assert flags.tolist() == [False, True] and facts["n_lower"] == 1
    assert "interval excludes zero" in facts["rule"]


def test_a_facet_ranked_by_who_rated_it_has_its_caveat():
    """analyze's usage-led facets (controls.usage_led_facets) join the row
    caveats of roi.csv and value_drivers.csv, after the others of the row."""
    usage_led = [{"facet": "club", "usage_share": 0.99}]
    caveats = facet_caveats([], ["club"], usage_led)
    assert caveats == {
        "club": "reads as the outcome, not a touchpoint; "
        "rank rests mostly on who rated it, not on how"
    }
    assert facet_caveats([], []) == {}


def test_the_roi_table_notes_the_caveats_of_each_row(small):
    """roi.csv showed no sign of the rows the run's warnings spoke of (a
    touchpoint rated by few, a gain within noise): its note column names
    them, None (an empty cell) where none, and analyze's own caveats (routed within one
    segment, read as the outcome) join them."""
    facets = list(small.catalog["facet"])
    X, y = small.survey[facets].copy(), small.survey["connected"]
    sparse = facets[-1]
    X.loc[X[sparse].dropna().index[20:], sparse] = np.nan
    model = em.DriverModel(n_estimators=40, cv=0, random_state=0).fit(X, y)
    roi = em.plan_improvements(model, X, y, n_boot=5, random_state=0).roi
    assert list(roi.columns) == ROI_COLUMNS
    note = roi.set_index("facet")["note"]
    assert note[sparse].startswith("rated by 20 respondents")
    within = roi["beyond_noise"].eq(False).fillna(False).to_numpy(bool)
    said = note.fillna("").str.contains("gain within noise")
    assert said.to_numpy().tolist() == list(within)
    rated = X.notna().sum() >= FEW_RATERS_SPLIT
    clear = roi["beyond_noise"].eq(True).fillna(False) & roi["facet"].map(rated)
    assert roi.loc[clear, "note"].isna().all() and clear.any()
    routed = [{"facet": sparse, "column": "market", "level": "DE"}]
    more = noted(roi, facet_caveats(routed, [facets[0]])).set_index("facet")["note"]
    assert more[sparse] == note[sparse] + "; rated (nearly) only where market = DE"
    assert more[facets[0]].endswith("reads as the outcome, not a touchpoint")
    assert not more[facets[0]].startswith(";")
