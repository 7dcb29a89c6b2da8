"""The one-step correction of the simulated gains (gains="debiased")."""

import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emomotiv as em
from emomotiv._debias import facet_residuals, out_of_bag_residuals, replicate_slopes
from emomotiv.cli import main

# -- the pieces ----------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(30, 200),
    p=st.integers(2, 5),
    missing=st.floats(0.0, 0.4),
)
def test_a_residual_is_orthogonal_to_every_other_column_over_the_raters(
    seed, n, p, missing
):
    """r_j is the weighted least-squares residual: over the facet's raters it
    is orthogonal to a constant and to each other column as filled in (mean
    where missing) and to each other column's missing-indicator."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(n, p)) + rng.normal(size=(n, 1))
    values[rng.random((n, p)) < missing] = np.nan
    weights = rng.uniform(0.5, 2.0, n)
    r = facet_residuals(values, weights, list(range(p)))
    for j in range(p):
        rated = ~np.isnan(values[:, j])
        assert np.all(r[~rated, j] == 0)
        w = weights[rated]
        assert abs(np.sum(w * r[rated, j])) < 1e-7 * n
        for k in range(p):
            if k == j:
                continue
            other = values[rated, k]
            seen = ~np.isnan(other)
            mean = np.average(
                values[~np.isnan(values[:, k]), k],
                weights=weights[~np.isnan(values[:, k])],
            )
            filled = np.where(seen, other, mean)
            assert abs(np.sum(w * r[rated, j] * filled)) < 1e-6 * n
            assert abs(np.sum(w * r[rated, j] * ~seen)) < 1e-6 * n


def test_a_column_that_is_not_a_facet_has_no_residual():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(100, 3))
    r = facet_residuals(values, np.ones(100), [0, 1], controls=[2])
    assert np.all(r[:, 2] == 0)
    # the control is a predictor: the facets' residuals are orthogonal to it
    assert abs(float(r[:, 0] @ values[:, 2])) < 1e-8


def test_the_slope_recovers_a_linear_effect_the_model_left_out():
    """Residuals that hold 0.3 per unit of r: each replicate reads about 0.3,
    and a column without variation reads 0."""
    rng = np.random.default_rng(1)
    n = 4000
    r = np.column_stack([rng.normal(size=n), np.zeros(n)])
    errors = 0.3 * r[:, 0] + rng.normal(scale=0.5, size=n)
    counts = rng.poisson(1.0, size=(5, n))
    slopes = replicate_slopes(r, errors, np.ones(n), counts.__getitem__, 5)
    assert slopes.shape == (5, 2)
    np.testing.assert_allclose(slopes[:, 0], 0.3, atol=0.04)
    assert np.all(slopes[:, 1] == 0)


def test_the_out_of_bag_residual_averages_the_replicates_that_left_a_row_out():
    y = np.array([1.0, 0.0, 1.0, 0.0])
    counts = np.array([[0, 1, 0, 1], [0, 0, 1, 1]])

    def predict(r, rows):
        return np.full(len(rows), 0.2 if r == 0 else 0.6)

    e = out_of_bag_residuals(predict, y, counts.__getitem__, 2, n_jobs=2)
    np.testing.assert_allclose(e[:3], [1 - 0.4, 0 - 0.6, 1 - 0.2])
    assert np.isnan(e[3])  # drawn into every replicate: no out-of-bag prediction


# -- against the generator's truth ---------------------------------------------


@pytest.fixture(scope="module")
def survey_and_boot():
    s = em.make_survey(n_respondents=2000, n_facets=30, random_state=0)
    w = s.survey["weight"].to_numpy()
    design = em.design_matrix(s.survey[s.catalog["facet"]], sample_weight=w)
    y = s.survey["connected"].to_numpy()
    model = em.DriverModel(cv=0, random_state=0).fit(design.matrix, y, sample_weight=w)
    boot = em.bootstrap_importance(
        model,
        design.matrix,
        y,
        sample_weight=w,
        n_boot=20,
        progress=False,
        random_state=0,
        controls=design.groups,
    )
    return s, design, y, w, model, boot


def _roi(survey_and_boot, **options):
    s, design, y, w, model, boot = survey_and_boot
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.plan_improvements(
            model,
            design.matrix,
            y,
            catalog=s.catalog,
            sample_weight=w,
            bootstrap=boot,
            controls=design.columns,
            **options,
        )
    return result, result.roi.set_index("facet").loc[s.truth.index]


def test_debiased_gains_come_nearer_the_true_drivers_total(survey_and_boot):
    """Measured on this survey: the model's gains add up to 0.76 of the true
    drivers' total, the debiased ones to 0.94; the 90% intervals hold the
    truth of 0.57 and of all of the 30 facets' true drivers."""
    s = survey_and_boot[0]
    truth, drivers = s.truth["true_uplift"], s.truth["is_driver"]
    ratios, covered = {}, {}
    for gains in ("model", "debiased"):
        _, roi = _roi(survey_and_boot, gains=gains)
        ratios[gains] = roi["delta_connected"][drivers].sum() / truth[drivers].sum()
        inside = (roi["delta_connected_low"] <= truth) & (
            truth <= roi["delta_connected_high"]
        )
        covered[gains] = inside[drivers].mean()
    assert ratios["model"] < 0.85
    assert 0.85 <= ratios["debiased"] <= 1.15
    assert covered["debiased"] >= 0.85 > covered["model"]


def test_debiased_estimates_lie_inside_their_intervals(survey_and_boot):
    result, roi = _roi(survey_and_boot, gains="debiased")
    assert (roi["delta_connected_low"] <= roi["delta_connected"]).all()
    assert (roi["delta_connected"] <= roi["delta_connected_high"]).all()
    assert result.summary["gains"] == "debiased"
    assert "one-step correction" in result.summary["point"]


def test_the_model_gains_are_the_default(survey_and_boot):
    default, roi = _roi(survey_and_boot)
    assert default.summary["gains"] == "model"
    _, model = _roi(survey_and_boot, gains="model")
    np.testing.assert_array_equal(roi["delta_connected"], model["delta_connected"])


def test_a_scenario_that_rates_what_was_unrated_gets_no_correction(survey_and_boot):
    """ExtendReach gives a rating where there was none: no change along the
    rating, so the debiased gain is the model's."""
    s, design, y, w, model, boot = survey_and_boot
    facet = s.truth.index[s.survey[s.truth.index].isna().mean().argmax()]
    sims = [
        em.simulate_improvement(
            model,
            design.matrix,
            em.ExtendReach(facet),
            y=y,
            sample_weight=w,
            bootstrap=boot,
            controls=design.columns,
            gains=gains,
        ).table["delta_connected"]
        for gains in ("model", "debiased")
    ]
    np.testing.assert_allclose(sims[0], sims[1], rtol=0, atol=1e-15)


def test_debiased_needs_replicates_and_the_outcome(small):
    X, y = small.survey[small.catalog["facet"]], small.survey["connected"]
    model = em.DriverModel(n_estimators=20, cv=0, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="n_boot > 0"):
        em.simulate_improvement(model, X, X.columns[0], y=y, n_boot=0, gains="debiased")
    with pytest.raises(ValueError, match="pass y"):
        em.simulate_improvement(model, X, X.columns[0], n_boot=3, gains="debiased")
    with pytest.raises(ValueError, match="'gains'.*debiased"):
        em.plan_improvements(model, X, y, n_boot=0, gains="unbiased")


def test_debiased_value_gains_add_up_to_the_true_change_in_value():
    """Two touchpoints move value directly: the debiased changes in mean
    value add up to the truth over every facet (measured 1.01; the model's
    own 0.97), in the value's units, not the value model's scaled ones."""
    s = em.make_survey(
        n_respondents=3000,
        n_facets=20,
        random_state=0,
        value_effects={"advertising": 0.3, "paperwork": 0.2},
    )
    X = s.survey[s.catalog["facet"]]
    vd = em.value_drivers(
        X,
        s.survey["value"],
        sample_weight=s.survey["weight"],
        n_boot=20,
        random_state=0,
        gains="debiased",
    )
    assert vd.info["gains"] == "debiased"
    truth = s.value_truth["true_delta_value"]
    change = vd.table.set_index("facet").loc[truth.index, "delta_mean_value"]
    assert 0.9 <= change.sum() / truth.sum() <= 1.1
    with pytest.raises(ValueError, match="n_boot > 0"):
        em.value_drivers(X, s.survey["value"], n_boot=0, gains="debiased")


def test_segments_read_the_gains_asked_for(small):
    X = small.survey[small.catalog["facet"]]
    options = {
        "min_size": 150,
        "progress": False,
        "n_boot": 4,
        "random_state": 0,
    }
    model = em.DriverModel(n_estimators=30, cv=0)
    tables = {
        gains: em.segment_drivers(
            model,
            X,
            small.survey["connected"],
            small.survey["customer_type"],
            gains=gains,
            **options,
        )
        for gains in ("model", "debiased")
    }
    assert tables["debiased"].info["gains"] == "debiased"
    assert tables["model"].info["gains"] == "model"
    gains = [
        t.table.set_index(["segment", "facet"])["delta_connected"]
        for t in tables.values()
    ]
    # the same replicates (the same seed): only the correction differs
    assert (gains[0] != gains[1]).mean() > 0.5


def test_the_command_line_takes_gains_and_refuses_it_without_replicates(
    tmp_path, capsys
):
    s = em.make_survey(n_respondents=400, n_facets=8, random_state=0)
    s.survey.to_csv(tmp_path / "survey.csv", index=False)
    s.catalog.to_csv(tmp_path / "facets.csv", index=False)
    base = [
        "analyze",
        str(tmp_path / "survey.csv"),
        "--catalog",
        str(tmp_path / "facets.csv"),
        "--connection",
        "connected",
        "--gains",
        "debiased",
    ]
    assert main([*base, "--n-boot", "0", "--out", str(tmp_path / "none")]) != 0
    assert "n_boot > 0" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()
    out = tmp_path / "out"
    assert main([*base, "--n-boot", "4", "--quiet", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["plan"]["gains"] == "debiased"
    assert summary["study"]["options"]["gains"] == "debiased"
    report = (out / "report.html").read_text()
    assert "one-step correction" in report
    assert "not the model's own bias" not in report


def test_debiased_gains_do_not_depend_on_the_threads(survey_and_boot):
    _, one = _roi(survey_and_boot, gains="debiased", n_jobs=1)
    _, two = _roi(survey_and_boot, gains="debiased", n_jobs=2)
    columns = ["delta_connected", "delta_connected_low", "delta_connected_high"]
    np.testing.assert_array_equal(one[columns], two[columns])


def test_a_facet_too_few_rate_or_all_rate_alike_has_no_residual():
    """Its residual would be rounding noise, and a slope on it noise over
    noise (gains of thousands of percentage points): none is read."""
    rng = np.random.default_rng(0)
    values = rng.normal(size=(300, 6)) + rng.normal(size=(300, 1))
    values[10:, 0] = np.nan  # 10 raters: fewer than twice the 6 columns
    values[:, 1] = 5.0  # every rater alike
    r = facet_residuals(values, np.ones(300), list(range(6)))
    assert np.all(r[:, :2] == 0)
    assert np.all(np.abs(r[:, 2:]).sum(axis=0) > 1)


def test_those_facets_keep_the_model_gain(survey_and_boot):
    s, design, y, w, model, boot = survey_and_boot
    few, alike = s.truth.index[:2]
    matrix = design.matrix.copy()
    matrix.loc[matrix.index[15:], few] = np.nan
    matrix[alike] = matrix[alike].where(matrix[alike].isna(), 5.0)
    model = em.DriverModel(cv=0, random_state=0).fit(matrix, y, sample_weight=w)
    gains = {}
    for kind in ("model", "debiased"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gains[kind] = em.simulate_improvement(
                model,
                matrix,
                [few, alike],
                y=y,
                sample_weight=w,
                n_boot=5,
                random_state=0,
                controls=design.columns,
                gains=kind,
            ).table["delta_connected"]
    np.testing.assert_array_equal(gains["debiased"], gains["model"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = em.plan_improvements(
            model,
            matrix,
            y,
            sample_weight=w,
            n_boot=5,
            random_state=0,
            controls=design.columns,
            gains="debiased",
        )
    roi = plan.roi.set_index("facet")
    assert roi.loc[[few, alike], "note"].str.contains("not debiased", na=False).all()
    assert plan.summary["uncorrected"] == sorted([few, alike])
    others = roi["note"].drop([few, alike])
    assert not others.str.contains("not debiased", na=False).any()


def test_a_binary_outcome_coded_otherwise_gets_the_same_gains(small):
    X = small.survey[small.catalog["facet"]]
    y = small.survey["connected"].to_numpy()
    tables = []
    for coded in (y, np.where(y == 1, "yes", "no")):
        model = em.DriverModel(n_estimators=30, cv=0, random_state=0).fit(X, coded)
        tables.append(
            em.simulate_improvement(
                model,
                X,
                list(X.columns[:3]),
                y=coded,
                n_boot=4,
                random_state=0,
                gains="debiased",
            ).table["delta_connected"]
        )
    np.testing.assert_allclose(tables[0], tables[1], rtol=0, atol=1e-12)


def test_a_study_with_n_boot_of_the_wrong_type_is_told_so():
    problems = em.Study(connection="connected", n_boot="ten").problems()
    assert any("n_boot" in p for p in problems), problems
    assert not any("gains" in p for p in problems), problems
    problems = em.Study(connection="connected", n_boot=0, gains="debiased").problems()
    assert any("gains='debiased'" in p and "n_boot > 0" in p for p in problems)


def test_a_facet_whose_own_variation_rests_on_a_handful_has_no_residual():
    """Five of 1,400 raters rate it differently, or it copies another facet
    but for three raters: a slope on such a residual is theirs alone."""
    rng = np.random.default_rng(0)
    n = 1400
    values = rng.normal(size=(n, 5)) + rng.normal(size=(n, 1))
    values[:, 0] = 5.0
    values[:5, 0] = 6.0
    values[:, 1] = values[:, 2]
    values[:3, 1] += 1.0
    r = facet_residuals(values, np.ones(n), list(range(5)))
    # the copied facet is as near a copy of its copy: neither is read
    assert np.all(r[:, :3] == 0)
    assert np.all(np.abs(r[:, 3:]).sum(axis=0) > 1)


def test_the_residuals_do_not_depend_on_a_control_s_units():
    rng = np.random.default_rng(1)
    n = 600
    values = rng.normal(size=(n, 4)) + rng.normal(size=(n, 1))
    values[:, 3] = 1000 * values[:, 3] + 50_000  # a balance, in thousands
    facets = values[:, :3]  # a view: missing ratings, not a missing balance
    facets[rng.random((n, 3)) < 0.2] = np.nan
    weights = rng.uniform(0.5, 2.0, n)
    cents = values.copy()
    cents[:, 3] *= 100_000
    apart = [facet_residuals(v, weights, [0, 1, 2], [3]) for v in (values, cents)]
    np.testing.assert_allclose(apart[0], apart[1], rtol=0, atol=1e-8)


def test_raters_of_weight_zero_do_not_count_toward_enough_raters():
    rng = np.random.default_rng(2)
    n = 400
    values = rng.normal(size=(n, 4)) + rng.normal(size=(n, 1))
    values[10:, 0] = np.nan  # 10 raters: too few for 3 other columns x 2 + 1
    weights = np.ones(n)
    assert np.all(facet_residuals(values, weights, [0, 1, 2, 3])[:, 0] == 0)
    padded = np.vstack([values, np.tile(values[:10], (5, 1))])
    weights = np.concatenate([weights, np.zeros(50)])  # 50 more, of weight 0
    assert np.all(facet_residuals(padded, weights, [0, 1, 2, 3])[:, 0] == 0)


def test_segment_drivers_names_an_n_boot_of_the_wrong_type_before_any_fit(small):
    X = small.survey[small.catalog["facet"]]
    with pytest.raises(ValueError, match="'n_boot' parameter of segment_drivers"):
        em.segment_drivers(
            em.DriverModel(),
            X,
            small.survey["connected"],
            small.survey["customer_type"],
            n_boot="ten",
            gains="debiased",
        )


def test_a_segment_gain_left_the_model_s_own_is_said_and_not_tested(small):
    """Two facets that copy each other but for three raters: the correction
    reads neither; their segment rows say so, and the test of difference,
    which compares debiased gains, leaves them out."""
    X = small.survey[small.catalog["facet"]].copy()
    a, b = X.columns[:2]
    X[a] = X[b]
    X.loc[X.index[:3], a] = X.loc[X.index[:3], b].fillna(5) - 1
    result = em.segment_drivers(
        em.DriverModel(n_estimators=30, cv=0),
        X,
        small.survey["connected"],
        small.survey["customer_type"],
        min_size=150,
        progress=False,
        n_boot=4,
        random_state=0,
        gains="debiased",
    )
    table = result.table[result.table["ranked"]].set_index("facet")
    copies = table.loc[[a, b]]
    assert copies["note"].str.contains("not debiased", na=False).all()
    assert copies["p_differ"].isna().all()
    assert copies["delta_connected"].notna().all()
    others = table.drop([a, b])
    assert not others["note"].str.contains("not debiased", na=False).any()
    assert others["p_differ"].notna().any()
