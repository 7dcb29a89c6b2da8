"""The value of connection: multiplier, value per connected customer, logits."""

import warnings

import numpy as np
import pandas as pd
import pytest

import emomotiv as em


def _link(survey, **kw):
    seg = em.connection_tiers(survey["connected"], survey["satisfaction"])
    return em.value_of_connection(
        survey["value"], seg, sample_weight=survey["weight"], **kw
    ), seg


def test_multiplier_interval_covers_the_truth(full):
    """Acceptance: the interval covers the generator's multiplier (2.2)."""
    link, _ = _link(
        full.survey, churned=full.survey["churned"], advocacy=full.survey["recommend"]
    )
    s = link.summary
    assert s["multiplier_low"] <= full.value_multiplier <= s["multiplier_high"]
    assert s["multiplier_high"] - s["multiplier_low"] < 0.6
    # Connected customers leave less and recommend more (the generator's truth).
    assert s["attrition"]["odds_ratio"] < 1 and s["advocacy"]["odds_ratio"] > 1
    rates = s["attrition"]["rate"]
    assert rates["fully_connected"] == pytest.approx(0.07, abs=0.02)
    assert rates["unconnected"] == pytest.approx(0.20, abs=0.03)


def test_estimates_are_weighted_segment_means(small):
    survey = small.survey
    link, seg = _link(survey)
    w, v = survey["weight"].to_numpy(), survey["value"].to_numpy()
    mean = {s: np.average(v[seg == s], weights=w[seg == s]) for s in seg.cat.categories}
    s = link.summary
    assert s["multiplier"] == pytest.approx(
        mean["fully_connected"] / mean["highly_satisfied"], rel=1e-6
    )
    not_conn = seg != "fully_connected"
    expected = mean["fully_connected"] - np.average(v[not_conn], weights=w[not_conn])
    assert s["value_per_connected"] == pytest.approx(expected, rel=1e-6)
    assert s["value_per_connected_low"] < expected < s["value_per_connected_high"]
    assert list(link.table["tier"]) == [
        "unconnected",
        "highly_satisfied",
        "fully_connected",
    ]


def test_robust_interval_matches_the_sandwich_by_hand(small):
    """HC0 standard error of log(mean) for one segment, computed directly."""
    survey = small.survey
    link, seg = _link(survey)
    fit = link.models["value"]
    w, v = survey["weight"].to_numpy(), survey["value"].to_numpy()
    m = (seg == "unconnected").to_numpy()
    mu = np.average(v[m], weights=w[m])
    se = np.sqrt(np.sum(w[m] ** 2 * (v[m] - mu) ** 2)) / np.sum(w[m] * mu)
    assert fit.bse[0] == pytest.approx(se, rel=1e-6)
    # kept without the respondents' arrays (memory), its summary still reads
    assert fit.model.exog is None and fit.model.endog is None
    assert "No. Observations:" in str(fit.summary())
    assert np.isfinite(fit.llf) and np.isfinite(fit.deviance)


def test_zeros_use_poisson_and_bad_input_is_listed():
    seg = pd.Series(["unconnected"] * 20 + ["fully_connected"] * 20)
    value = np.r_[np.zeros(5), np.full(15, 100.0), np.full(20, 250.0)]
    link = em.value_of_connection(value, seg)
    assert "Poisson" in link.summary["model"]
    assert (
        link.summary["multiplier"] is None and "no multiplier" in link.summary["note"]
    )
    assert link.summary["value_per_connected"] == pytest.approx(250 - 75)
    with pytest.raises(em.ValidationError, match="Gamma"):
        em.value_of_connection(value, seg, family="gamma")
    bad = value.copy()
    bad[0], bad[1] = -1, np.nan
    with pytest.raises(em.ValidationError) as err:
        em.value_of_connection(bad, seg.replace({"unconnected": "lost"}))
    assert "3 problems" in str(err.value)
    with pytest.raises(em.ValidationError, match="churn column must be 0/1"):
        em.value_of_connection(value, seg, churned=np.full(40, 2))
    with pytest.raises(ValueError, match="'family' parameter"):
        em.value_of_connection(value, seg, family="ols")


def test_advocacy_accepts_a_promoter_flag(small):
    survey = small.survey
    flag = (survey["recommend"] >= 9).astype(int)
    a, _ = _link(survey, advocacy=flag)
    b, _ = _link(survey, advocacy=survey["recommend"])
    assert a.summary["advocacy"]["odds_ratio"] == pytest.approx(
        b.summary["advocacy"]["odds_ratio"]
    )
    assert "flag" in a.summary["advocacy"]["definition"]


def test_a_flag_that_cannot_tell_the_tiers_apart_gives_no_odds_ratio(small):
    """Advocacy asked on 1-5 with the 0-10 promoter threshold (nobody is a
    promoter), or a churn column where nobody left: a logit on a flag that is
    all 0 reported an odds ratio of 1.00 with an interval and rates of
    3e-12, and statsmodels' separation warning. Now no odds ratio, the
    observed rates, and a note saying why; so where one compared tier alone
    holds only 0s."""
    import warnings

    survey = small.survey
    five = np.ceil(survey["recommend"] / 2).clip(1, 5)  # asked on 1-5
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no statsmodels warning leaks
        link, _ = _link(survey, advocacy=five, churned=np.zeros(len(survey)))
    advocacy, attrition = link.summary["advocacy"], link.summary["attrition"]
    assert "odds_ratio" not in advocacy and "odds_ratio" not in attrition
    assert advocacy["note"] == (
        "no odds ratio: no respondent is a promoter (recommendation >= 9; the "
        "highest answer is 5: set the promoter threshold on the question's own "
        "scale, --promoter-threshold)"
    )
    assert attrition["note"] == "no odds ratio: no respondent churned"
    assert set(advocacy["rate"].values()) == {0.0}
    assert link.table["attrition_rate"].eq(0).all()
    # one compared tier with no churner: its odds are 0
    _, tiers = _link(survey)
    some = np.random.default_rng(0).random(len(survey)) < 0.3
    churned = (tiers != "highly_satisfied") & some
    link, _ = _link(survey, churned=churned.astype(int))
    assert link.summary["attrition"]["note"] == (
        "no odds ratio: the rate among the highly satisfied is 0%, so their odds are 0"
    )
    assert link.summary["attrition"]["rate"]["unconnected"] > 0
    # without a highly satisfied tier there is no ratio to give, and no
    # reason to blame the fully connected for it
    alone = np.where(tiers == "highly_satisfied", "unconnected", tiers)
    churned = (alone == "unconnected") & some
    link = em.value_of_connection(
        survey["value"], alone, sample_weight=survey["weight"], churned=churned
    )
    assert "note" not in link.summary["attrition"]
    assert "odds_ratio" not in link.summary["attrition"]
    # on the 0-10 question it is estimated as before
    link, _ = _link(survey, advocacy=survey["recommend"])
    assert "note" not in link.summary["advocacy"]
    assert link.summary["advocacy"]["odds_ratio"] > 1


def test_text_in_the_value_is_named_as_text():
    """Text in the value was reported as 'empty cells', which it is not."""
    tiers = np.array(["unconnected", "highly_satisfied", "fully_connected"] * 20)
    value = pd.Series(np.linspace(10, 100, 60), dtype=object)
    value[:2] = "n/a"
    with pytest.raises(em.ValidationError, match="holds text in 2 rows: 'n/a'"):
        em.value_of_connection(value, tiers)


@pytest.mark.parametrize("tier", ["highly_satisfied", "fully_connected"])
def test_no_multiplier_when_a_compared_tier_is_all_zeros(tier):
    """A tier whose values are all 0 gave a multiplier of 3.7e14 (or 3.7e-15)
    with a tight interval, from the fit's huge finite coefficient for log 0."""
    tiers = np.repeat(["unconnected", "highly_satisfied", "fully_connected"], 20)
    value = np.tile(np.linspace(100.0, 300.0, 20), 3)
    value[tiers == tier] = 0.0
    s = em.value_of_connection(value, tiers).summary
    assert s["multiplier"] is None and s["multiplier_low"] is None
    assert f"every {tier.replace('_', ' ')} respondent has a value of 0" in s["note"]
    others = value[tiers != "fully_connected"].mean()
    expected = value[tiers == "fully_connected"].mean() - others
    assert s["value_per_connected"] == pytest.approx(expected, abs=1e-6)


def test_an_infinite_or_all_zero_value_is_named():
    """Both failed inside statsmodels: 'The first guess on the deviance
    function returned a nan'."""
    tiers = np.repeat(["unconnected", "highly_satisfied", "fully_connected"], 20)
    value = np.linspace(100.0, 300.0, 60)
    value[0] = np.inf
    with pytest.raises(em.ValidationError, match="1 infinite values"):
        em.value_of_connection(value, tiers)
    with pytest.raises(em.ValidationError, match="Every value is 0"):
        em.value_of_connection(np.zeros(60), tiers)


def test_a_value_too_large_to_compute_with_is_named():
    """A value of 1e200 (another unit, a code) failed inside statsmodels:
    'The first guess on the deviance function returned a nan'."""
    tiers = np.repeat(["unconnected", "highly_satisfied", "fully_connected"], 20)
    value = np.linspace(100.0, 300.0, 60)
    value[[0, 30]] = 1e200
    with pytest.raises(em.ValidationError, match="2 numbers too large to compute"):
        em.value_of_connection(value, tiers)
    # smaller, still too far from the others for a fit: LinAlgError before
    value[[0, 30]] = 1e30
    with pytest.raises(em.ValidationError, match="to 1e\\+30 \\(median 2"):
        em.value_of_connection(value, tiers)


def test_no_value_per_connected_without_a_tier_to_compare_with():
    """With fewer than 10 respondents who are not connected, the value per
    connected customer was the connected customers' mean value itself
    (compared with 0), and it priced the ROI."""
    names = ["fully_connected", "unconnected", "highly_satisfied"]
    tiers = np.repeat(names, [30, 5, 4])
    value = np.r_[np.linspace(250.0, 350.0, 30), np.full(9, 100.0)]
    s = em.value_of_connection(value, tiers).summary
    assert s["value_per_connected"] is None and s["value_per_connected_high"] is None
    assert s["multiplier"] is None and "no value per connected customer" in s["note"]
    assert s["mean_value"] == {"fully_connected": pytest.approx(300.0)}


@pytest.mark.parametrize("tier", ["highly_satisfied", "fully_connected"])
def test_a_tier_valued_only_by_respondents_of_weight_0_is_all_zeros(tier):
    """The all-zero check read every respondent, weight 0 or not: one
    weight-0 respondent with a value hid a tier whose weighted values are all
    0, and the multiplier came out as 1e-15 or 1e14 with a tight interval."""
    tiers = np.repeat(["unconnected", "highly_satisfied", "fully_connected"], 20)
    value = np.tile(np.linspace(100.0, 300.0, 20), 3)
    value[tiers == tier] = 0.0
    weight = np.ones(60)
    first = np.flatnonzero(tiers == tier)[0]
    value[first], weight[first] = 500.0, 0.0  # out of every fit and mean
    s = em.value_of_connection(value, tiers, sample_weight=weight).summary
    assert s["multiplier"] is None and s["multiplier_low"] is None
    assert f"every {tier.replace('_', ' ')} respondent has a value of 0" in s["note"]


def test_a_churn_column_not_0_1_is_refused_before_any_fit():
    """'ja'/'nein'/'vielleicht' in the churn column: named by validation (so
    by `emomotiv validate`), not by the value link after the bootstrap (a
    yes and a no alone are coded 1/0)."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    survey = s.survey.assign(churned=np.where(s.survey["churned"] == 1, "ja", "nein"))
    survey.loc[0, "churned"] = "vielleicht"
    with pytest.raises(em.ValidationError) as err:
        em.analyze(
            survey, s.catalog, connection="connected", value="value",
            churn="churned", n_boot=0, progress=False,
        )  # fmt: skip
    assert err.value.subject == "survey"
    (problem,) = err.value.problems
    assert problem.startswith("The churn column 'churned' must be 0/1")
    assert "'vielleicht'" in problem and "'ja'" in problem


def test_a_small_tier_still_counts_as_not_connected():
    """A tier of 9 highly satisfied was left out of "every customer who is
    not connected": the value per connected customer read 949 where the
    connected mean minus the mean of every other customer is 667."""
    rng = np.random.default_rng(0)
    names = ["fully_connected", "highly_satisfied", "unconnected"]
    tiers = np.repeat(names, [50, 9, 121])
    value = np.r_[rng.gamma(2, 1000, 50), np.full(9, 5000.0), rng.gamma(2, 500, 121)]
    s = em.value_of_connection(value, tiers).summary
    gap = value[:50].mean() - value[50:].mean()
    assert s["value_per_connected"] == pytest.approx(gap)
    assert s["n"] == 180 and "9 highly satisfied" in s["note"]
    assert s["value_per_connected_low"] < gap < s["value_per_connected_high"]
    assert s["multiplier"] is None


def test_one_record_that_holds_a_tier_s_value_is_warned_about():
    """One value of 900,000 among the highly satisfied moved the multiplier
    from 2.3x to 1.1x with no warning; clean surveys stay quiet."""
    for n, seed in [(300, 1), (3000, 2)]:
        s = em.make_survey(n_respondents=n, n_facets=6, random_state=seed)
        tiers = em.connection_tiers(s.survey["connected"], s.survey["satisfaction"])
        w = s.survey["weight"]
        link = em.value_of_connection(s.survey["value"], tiers, sample_weight=w)
        assert link.summary["warning"] is None
    value = s.survey["value"].copy()
    value[np.flatnonzero(np.asarray(tiers) == "highly_satisfied")[0]] = 900_000
    link = em.value_of_connection(value, tiers, sample_weight=s.survey["weight"])
    assert "highly satisfied" in link.summary["warning"]
    assert "one record holds" in link.summary["warning"]


def test_the_multiplier_with_too_few_unconnected_is_still_the_ratio_of_means():
    """With fewer than 10 unconnected, the highly satisfied are the model's
    reference tier: the multiplier read their coefficient as a contrast and
    gave 0.02 for a ratio of means of 1.99. A 0 among those few decides
    nothing about the tiers' model (family='gamma' raised)."""
    rng = np.random.default_rng(0)
    tiers = np.array(
        ["fully_connected"] * 60 + ["highly_satisfied"] * 60 + ["unconnected"] * 5
    )
    value = np.r_[rng.gamma(4, 48, 60), rng.gamma(4, 25, 60), rng.gamma(4, 20, 5)]
    ratio = value[:60].mean() / value[60:120].mean()
    link = em.value_of_connection(value, tiers)
    assert link.summary["multiplier"] == pytest.approx(ratio)
    assert "reference highly satisfied" in link.summary["model"]
    value[-1] = 0.0
    for family in ("auto", "gamma"):
        link = em.value_of_connection(value, tiers, family=family)
        assert link.summary["multiplier"] == pytest.approx(ratio)
        assert link.summary["value_per_connected"] > 0


def test_an_outcome_that_is_satisfaction_cut_is_told_apart_from_no_satisfied():
    """A satisfaction flag as the outcome (satisfaction 9 or more), labelled
    "highly satisfied": with the satisfaction column the report said "no
    highly satisfied respondents to compare connected customers with" of a
    survey where a quarter were; without it, that customers "who are not
    connected" are counted unconnected."""
    s = em.make_survey(n_respondents=600, n_facets=8, random_state=1)
    survey = s.survey.assign(top2=(s.survey["satisfaction"] >= 9).astype(int))
    n = int(survey["top2"].sum())
    options = dict(
        connection="top2",
        outcome_label="highly satisfied",
        value="value",
        n_boot=0,
        methods=False,
        progress=False,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both = em.analyze(survey, s.catalog, satisfaction="satisfaction", **options)
        alone = em.analyze(survey, s.catalog, **options)
    assert both.summary["value"]["note"] == (
        f"no multiplier: each of the {n:,} highly satisfied respondents with a "
        "value (satisfaction 9 or more) is also “highly satisfied” (the outcome), "
        "so none is left to compare with: is the outcome the satisfaction rating "
        "cut?"
    )
    assert (
        "who are not “highly satisfied” are all counted unconnected"
        in (alone.summary["measures"]["note"])
    )
    assert "compare “highly satisfied” customers with" in alone.summary["value"]["note"]
    # a score outcome's fully connected are the motivators' (a review read
    # "customers who are not “likely to recommend”" for them)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        score = em.analyze(
            survey,
            s.catalog,
            **{**options, "connection": "recommend", "outcome_label": "promoter"},
            connection_kind="score",
            motivators=[c for c in survey if c.startswith("motivator__")],
        )
    assert "promoter" not in str(score.summary["value"]["note"])
    assert "promoter" not in str(score.summary["measures"]["note"])
