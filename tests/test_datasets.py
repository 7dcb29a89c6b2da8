"""The synthetic generator: valid surveys, reproducible, with honest truth."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emomotiv as em
from emomotiv.datasets import SAMPLE_SEED


def test_default_survey_matches_the_contract(full):
    survey, catalog, truth = full.survey, full.catalog, full.truth
    assert survey.shape[0] == 5000 and len(catalog) == 100
    assert catalog["stage"].nunique() == 6
    ratings = survey[catalog["facet"]]
    observed = pd.Series(ratings.to_numpy().ravel()).dropna()
    assert observed.between(1, 10).all() and (observed == observed.round()).all()
    assert observed.mean() > 6.5  # skewed to the top
    assert 0.05 < ratings.isna().mean().mean() < 0.5  # structural missingness
    corr = ratings.corr().to_numpy()[np.triu_indices(100, 1)]
    assert np.nanmean(corr) > 0.15  # halo
    assert 0.20 <= survey["connected"].mean() <= 0.30
    assert set(survey["wave"]) == {"2026Q3"}
    assert (survey["weight"] > 0).all()
    assert survey.filter(like="motivator__").shape[1] == 10
    assert set(truth["kind"]) == {"linear", "threshold", "penalty", "none"}
    assert (truth["interacts_with"] != "").sum() == 2


def test_truth_is_consistent(full):
    t = full.truth
    assert (t.loc[~t["is_driver"], "true_uplift"] == 0).all()
    assert (t.loc[t["is_driver"], "true_uplift"] > 0).all()
    assert not (t["hidden_driver"] & ~t["is_driver"]).any()
    assert not (t["table_stakes"] & t["is_driver"]).any()
    stated = full.catalog.set_index("facet")["stated_importance"]
    # Stated importance disagrees with the truth on purpose.
    assert stated[t["hidden_driver"]].max() < stated[t["table_stakes"]].min()
    assert {"welcome_note", "investing_videos"} <= set(t.index[t["hidden_driver"]])
    assert "help_transferring_funds" in set(t.index[t["table_stakes"]])


def test_true_uplift_is_never_negative():
    """Monotone effects: no facet's uplift is negative (the exact
    re-derivation is in ``test_true_uplift_is_the_documented_counterfactual``)."""
    s = em.make_survey(n_respondents=3000, n_facets=30, random_state=3)
    top = s.truth["true_uplift"].idxmax()
    assert s.truth.loc[top, "true_uplift"] > 0.01
    # Raising a facet by a point can never lower the expected connected share
    # for the monotone effects the generator uses, and is capped at 10.
    assert (s.truth["true_uplift"] >= 0).all()


def test_value_multiplier_is_near_the_truth(full):
    s = full.survey
    connected = s.loc[s["connected"] == 1, "value"].mean()
    satisfied = s.loc[(s["connected"] == 0) & (s["satisfaction"] >= 9), "value"].mean()
    assert connected / satisfied == pytest.approx(full.value_multiplier, rel=0.1)


def test_same_seed_same_survey():
    a = em.make_survey(n_respondents=200, n_facets=10, random_state=5)
    b = em.make_survey(n_respondents=200, n_facets=10, random_state=5)
    c = em.make_survey(n_respondents=200, n_facets=10, random_state=6)
    pd.testing.assert_frame_equal(a.survey, b.survey)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    assert not a.survey.equals(c.survey)


def test_bundled_sample_is_the_documented_seed():
    sample = em.load_sample()
    fresh = em.make_survey(random_state=SAMPLE_SEED)
    pd.testing.assert_frame_equal(sample.survey, fresh.survey, check_dtype=False)
    pd.testing.assert_frame_equal(sample.catalog, fresh.catalog, check_dtype=False)
    np.testing.assert_allclose(
        sample.truth["true_uplift"], fresh.truth["true_uplift"], atol=1e-12
    )
    assert sample.roles == fresh.roles


def test_parameters_are_checked():
    with pytest.raises(ValueError, match="'n_facets' parameter of make_survey"):
        em.make_survey(n_facets=2)
    with pytest.raises(ValueError, match="'n_stages' parameter"):
        em.make_survey(n_facets=5, n_stages=6)
    # a small survey meets the default of 6 stages: the error says what to pass
    with pytest.raises(ValueError, match="pass n_stages=5 or fewer"):
        em.make_survey(n_respondents=100, n_facets=5)


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(80, 300),
    p=st.integers(4, 30),
    stages=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_any_generated_survey_validates(n, p, stages, seed):
    s = em.make_survey(
        n_respondents=n, n_facets=p, n_stages=min(stages, p), random_state=seed
    )
    catalog = em.FacetCatalog.from_frame(s.catalog)
    roles = {k: v for k, v in s.roles.items() if k not in ("churn", "advocacy")}
    schema = em.SurveySchema.infer(s.survey, catalog, **roles)
    if n >= max(30, 2 * (p + 1)) and s.survey["connected"].value_counts().min() >= 10:
        ratings = s.survey[catalog.facets]
        if (ratings.nunique() > 1).all():
            em.validate_survey(s.survey, schema, catalog)
    assert s.truth["is_driver"].sum() >= 2
    assert len(set(s.catalog["facet"])) == p


# -- confounding: halo in connection, scale use, stage factors, context -------

CONFOUNDED = dict(
    halo_effect="moderate", scale_usage=True, stage_factor=0.3, context_effect=1.0
)


def test_confounding_off_is_the_survey_of_before():
    plain = em.make_survey(400, 14, random_state=5)
    off = em.make_survey(
        400,
        14,
        random_state=5,
        halo_effect=0.0,
        scale_usage=False,
        stage_factor=0,
        selective_use=0.0,
    )
    pd.testing.assert_frame_equal(plain.survey, off.survey)
    pd.testing.assert_frame_equal(plain.truth, off.truth)


def test_confounding_moves_no_truth_of_a_facet_without_effect():
    s = em.make_survey(2000, 30, random_state=1, **CONFOUNDED)
    truth = s.truth
    assert (truth.loc[~truth["is_driver"], "true_uplift"] == 0).all()
    assert (truth.loc[truth["is_driver"], "true_uplift"] > 0).all()
    assert s.roles["controls"] == ["purpose"]
    assert (truth["context_shift"] != 0).sum() == 3


def test_true_uplift_holds_warmth_fixed():
    """Warmth in connection is no part of a facet's uplift: removing a
    driver's effect removes all of its uplift, ratings unchanged."""
    s = em.make_survey(1500, 20, random_state=2, halo_effect="strong")
    driver = s.drivers[0]
    off = em.make_survey(
        1500, 20, random_state=2, halo_effect="strong", effects={driver: 0.0}
    )
    assert off.truth.loc[driver, "true_uplift"] == 0
    facets = list(s.catalog["facet"])
    pd.testing.assert_frame_equal(s.survey[facets], off.survey[facets])


def test_halo_effect_makes_warm_raters_more_connected():
    """With warmth in connection, a facet with no effect correlates with
    connection more than it does without."""

    def corr(halo_effect):
        s = em.make_survey(4000, 30, random_state=4, halo_effect=halo_effect)
        none = s.truth.index[~s.truth["is_driver"]]
        r = s.survey[none].corrwith(s.survey["connected"])
        return float(r.mean())

    assert corr("strong") > corr(0.0) + 0.05


def test_scale_usage_adds_respondent_level_variance():
    def between_share(scale_usage):
        s = em.make_survey(3000, 30, random_state=6, scale_usage=scale_usage)
        X = s.survey[s.catalog["facet"]]
        z = (X - X.mean()) / X.std()
        return float(z.mean(axis=1).var() / z.stack().var())

    assert between_share(True) > between_share(False) + 0.03


def test_scale_usage_changes_only_the_ratings_written_down():
    """Same seed, scale use on and off: the same respondents, connection and
    truth, so the difference between the two analyses is what scale use costs."""
    kw = dict(random_state=3, halo_effect="moderate", stage_factor=0.3)
    on = em.make_survey(800, 20, scale_usage=True, **kw)
    off = em.make_survey(800, 20, scale_usage=False, **kw)
    facets = list(on.catalog["facet"])
    pd.testing.assert_series_equal(on.survey["connected"], off.survey["connected"])
    pd.testing.assert_frame_equal(on.truth, off.truth)
    assert on.survey[facets].isna().equals(off.survey[facets].isna())
    changed = on.survey[facets].fillna(0) != off.survey[facets].fillna(0)
    assert changed.to_numpy().mean() > 0.2


def test_respondents_hold_each_respondents_warmth_and_scale_use():
    """The latent truth per respondent: what the halo score estimates. Without
    scale use the mean rating tracks warmth closely; scale use shifts the
    mean as warmth does, so the same score tracks warmth less well."""
    kw = dict(random_state=3, stage_factor=0.3)
    off = em.make_survey(3000, 40, scale_usage=False, **kw)
    on = em.make_survey(3000, 40, scale_usage=True, **kw)
    assert off.respondents["respondent_id"].equals(off.survey["respondent_id"])
    assert list(off.respondents.columns) == [
        "respondent_id",
        "halo",
        "scale_shift",
        "scale_stretch",
    ]
    assert (off.respondents["scale_shift"] == 0).all()
    assert (off.respondents["scale_stretch"] == 1).all()
    np.testing.assert_array_equal(off.respondents["halo"], on.respondents["halo"])
    assert 0.4 < on.respondents["scale_shift"].std() < 0.6
    assert (on.respondents["scale_stretch"] > 0).all()

    def tracks(s):
        score = em.halo_score(s.survey[s.catalog["facet"]])["__halo__"]
        return float(np.corrcoef(score, s.respondents["halo"])[0, 1])

    assert tracks(off) > 0.9
    assert tracks(on) < tracks(off) - 0.1


def test_waves_keep_each_waves_respondents():
    s = em.make_waves(200, 12, random_state=3, scale_usage=True)
    assert s.respondents["respondent_id"].equals(s.survey["respondent_id"])
    assert s.respondents["scale_shift"].std() > 0


def test_stage_factor_correlates_ratings_within_a_stage():
    def within_minus_between(stage_factor):
        s = em.make_survey(3000, 24, random_state=7, stage_factor=stage_factor)
        corr = s.survey[s.catalog["facet"]].corr()
        stage = s.catalog.set_index("facet")["stage"]
        same = stage.to_numpy()[:, None] == stage.to_numpy()[None, :]
        off = ~np.eye(len(stage), dtype=bool)
        values = corr.to_numpy()
        return values[same & off].mean() - values[~same].mean()

    assert within_minus_between(0.4) > within_minus_between(0.0) + 0.05


def test_context_moves_its_facets_and_connection():
    s = em.make_survey(4000, 30, random_state=8, context_effect=1.0)
    traders = s.survey["purpose"] == "active trading"
    hit = s.truth.index[s.truth["context_shift"] != 0]
    gap = s.survey.loc[~traders, hit].mean() - s.survey.loc[traders, hit].mean()
    assert (gap > 0.8).all()
    assert (
        s.survey.loc[traders, "connected"].mean()
        > s.survey.loc[~traders, "connected"].mean()
    )


def test_waves_share_the_confounding_of_the_study():
    s = em.make_waves(300, 14, random_state=3, context_effect=1.0)
    assert s.survey["purpose"].notna().all()
    a, b = (s.survey[s.survey["wave"] == w] for w in ("2026Q2", "2026Q3"))
    assert (
        not a["purpose"]
        .reset_index(drop=True)
        .equals(b["purpose"].reset_index(drop=True))
    )
    assert list(s.truth_by_wave["2026Q2"]["context_shift"]) == list(
        s.truth_by_wave["2026Q3"]["context_shift"]
    )


def test_segment_effects_give_exact_truth_per_segment():
    plain = em.make_survey(800, 12, random_state=5)
    same = em.make_survey(800, 12, random_state=5, segment_effects={})
    pd.testing.assert_frame_equal(plain.survey, same.survey)
    facet = plain.truth.index[~plain.truth["is_driver"]][0]
    s = em.make_survey(
        800, 12, random_state=5, segment_effects={"Advised": {facet: 0.5}}
    )
    assert set(s.truth_by_segment) == {"Self-directed", "Advised", "Retirement"}
    advised = s.truth_by_segment["Advised"]
    assert advised.loc[facet, "is_driver"] and advised.loc[facet, "true_uplift"] > 0
    assert s.truth_by_segment["Retirement"].loc[facet, "true_uplift"] == 0
    assert advised.index[advised["differs"]].tolist() == [facet]
    # ratings are those of the same seed; only the outcome responds differently
    facets = list(s.catalog["facet"])
    pd.testing.assert_frame_equal(s.survey[facets], plain.survey[facets])
    with pytest.raises(ValueError, match="Unknown customer types"):
        em.make_survey(100, 6, random_state=0, segment_effects={"VIP": {}})


def test_make_waves_names_an_unknown_option_as_its_own():
    with pytest.raises(
        TypeError,
        match=r"make_waves: Unknown option 'n_waves'\. "
        r"Did you mean 'waves'\?",
    ) as err:
        em.make_waves(n_waves=2, n_respondents=100, n_facets=6)
    assert "halo_effect" in str(err.value)  # the options it passes on, listed
    with pytest.raises(TypeError, match="Unknown option 'sample_seed'"):
        em.make_waves(100, 6, sample_seed=1)  # make_waves draws each wave's own


# -- exactness: the truth re-derived from the documented model ----------------


def _logit_of(s, *, halo_effect=0.0, context_effect=0.0):
    """The connection logit of every respondent, rebuilt from the survey, the
    truth and the respondents as the module docstring states the model (the
    ratings as given are the common-scale ratings when there is no scale
    use), with ``alpha`` solved for the expected connected share; and the
    same logit with each facet one point higher for those who rated it."""
    from scipy.optimize import brentq
    from scipy.special import expit

    from emomotiv.datasets import INTERACTION

    facets = list(s.catalog["facet"])
    r = s.survey[facets].to_numpy(dtype=float)
    w = s.survey["weight"].to_numpy(dtype=float)
    means = np.nanmean(r, axis=0)
    seg = s.survey["customer_type"].to_numpy()
    tables = s.truth_by_segment or {t: s.truth for t in set(seg)}

    pair = list(s.truth.index[s.truth["interacts_with"] != ""])

    def g(x):
        out = np.zeros(len(x))
        for t, table in tables.items():
            rows = seg == t
            for j, f in enumerate(facets):
                kind, b = table.loc[f, "kind"], table.loc[f, "effect"]
                v = x[rows, j]
                if kind == "linear":
                    out[rows] += b * np.nan_to_num(v - means[j])
                elif kind == "threshold":
                    out[rows] += b * (v >= 9)
                elif kind == "penalty":
                    out[rows] -= b * (v <= 4)
            # the pair interacts where both partners are drivers of the segment
            if pair and (table.loc[pair, "kind"] != "none").all():
                i, k = (facets.index(f) for f in pair)
                out[rows] += INTERACTION * np.nan_to_num(
                    (x[rows, i] - means[i]) * (x[rows, k] - means[k])
                )
        return out

    rest = halo_effect * s.respondents["halo"].to_numpy()
    if "purpose" in s.survey:
        rest = rest + context_effect * (s.survey["purpose"] == "active trading")
    eta0 = g(r) + np.asarray(rest, dtype=float)
    share = 0.25
    alpha = brentq(lambda a: np.average(expit(a + eta0), weights=w) - share, -30, 30)
    raised = []
    for j in range(len(facets)):
        x1 = r.copy()
        x1[:, j] = np.minimum(x1[:, j] + 1, 10)
        raised.append(alpha + g(x1) + np.asarray(rest, dtype=float))
    return alpha + eta0, raised, w


EXACT_CASES = {
    "plain": {},
    "halo": dict(halo_effect="moderate"),
    "context": dict(context_effect=1.0, halo_effect=0.5),
    "stage": dict(stage_factor=0.3),
    "selective use": dict(selective_use=1.0, halo_effect="moderate"),
    "segments": dict(
        segment_effects={"Advised": {"brand_reputation": 0.4, "mobile_app": 0.0}}
    ),
    # a segment without one partner of the interaction (investing_videos x
    # goal_setting on this survey) has no interaction either
    "segment without a partner": dict(
        segment_effects={"Advised": {"investing_videos": 0.0}}
    ),
}


@pytest.mark.parametrize("case", list(EXACT_CASES))
def test_true_uplift_is_the_documented_counterfactual(case):
    """``true_uplift`` is the change in the expected connected share when every
    rater rates the facet a point higher (capped at 10), all else fixed: the
    logit rebuilt independently from the survey gives the same numbers, and
    it is the logit that drew ``connected`` (logistic slope 1, intercept 0)."""
    from scipy.special import expit
    from sklearn.linear_model import LogisticRegression

    kw = EXACT_CASES[case]
    s = em.make_survey(6000, 24, random_state=11, **kw)
    halo = em.datasets.HALO_EFFECTS.get(kw.get("halo_effect"), kw.get("halo_effect"))
    eta, raised, w = _logit_of(
        s, halo_effect=halo or 0.0, context_effect=kw.get("context_effect", 0.0)
    )
    base = np.average(expit(eta), weights=w)
    uplift = [np.average(expit(e), weights=w) - base for e in raised]
    # the weight column is rounded to 4 decimals: agreement to ~1e-8
    np.testing.assert_allclose(s.truth["true_uplift"], uplift, rtol=0, atol=1e-7)
    for t, table in s.truth_by_segment.items():
        rows = (s.survey["customer_type"] == t).to_numpy()
        b = np.average(expit(eta[rows]), weights=w[rows])
        mine = [np.average(expit(e[rows]), weights=w[rows]) - b for e in raised]
        np.testing.assert_allclose(table["true_uplift"], mine, rtol=0, atol=1e-7)
        # a facet without effect in the segment moves no one's connection there
        assert (table.loc[~table["is_driver"], "true_uplift"] == 0).all(), t
    fit = LogisticRegression(C=1e6).fit(eta[:, None], s.survey["connected"])
    assert fit.coef_[0, 0] == pytest.approx(1.0, abs=0.12)
    assert fit.intercept_[0] == pytest.approx(0.0, abs=0.12)


def test_true_uplift_under_scale_use_is_that_of_the_common_scale():
    """With scale use the truth is the one of the common-scale ratings: the
    same as the survey without scale use, which the test above re-derives."""
    kw = dict(random_state=11, halo_effect="moderate", context_effect=1.0)
    on = em.make_survey(2000, 24, scale_usage=True, **kw)
    off = em.make_survey(2000, 24, **kw)
    pd.testing.assert_frame_equal(on.truth, off.truth)
    pd.testing.assert_series_equal(on.survey["connected"], off.survey["connected"])


def test_value_truth_is_the_documented_counterfactual():
    """``true_delta_value``: the expected change in mean value for +1 point,
    satisfaction held, rebuilt from the documented value model; and the value
    written down follows that model (mean of value over its expectation 1)."""
    from scipy.special import expit

    facets_moved = {"brand_reputation": 0.15, "mobile_app": -0.1}
    s = em.make_survey(
        6000, 24, random_state=12, halo_effect=1.0, value_effects=facets_moved
    )
    eta, raised, w = _logit_of(s, halo_effect=1.0)
    facets = list(s.catalog["facet"])
    r = s.survey[facets].to_numpy(dtype=float)
    means = np.nanmean(r, axis=0)
    c = np.array([facets_moved.get(f, 0.0) for f in facets])
    direct = np.exp(np.nan_to_num(r - means) @ c)
    m_conn = 1.3 * s.value_multiplier
    m_not = np.where(s.survey["satisfaction"] >= 9, 1.3, 1.0)

    def mean_value(e, d):
        p = expit(e)
        return np.average(1500 * d * (p * m_conn + (1 - p) * m_not), weights=w)

    expected = []
    for j, e in enumerate(raised):
        step = np.nan_to_num(np.minimum(r[:, j] + 1, 10) - r[:, j])
        expected.append(mean_value(e, direct * np.exp(c[j] * step)))
    expected = np.array(expected) - mean_value(eta, direct)
    np.testing.assert_allclose(
        s.value_truth["true_delta_value"], expected, rtol=1e-5, atol=1e-6
    )
    m = np.where(s.survey["connected"] == 1, m_conn, m_not)
    ratio = s.survey["value"] / (1500 * direct * m)
    assert ratio.mean() == pytest.approx(1.0, abs=0.03)


def test_each_switch_draws_from_its_own_stream():
    """Switching one confounder on or off leaves the others' draws alone:
    scale use with context keeps who trades actively, and so connection; a
    stage factor keeps everyone's scale use."""
    kw = dict(random_state=4, context_effect=1.0)
    on = em.make_survey(500, 14, scale_usage=True, **kw)
    off = em.make_survey(500, 14, **kw)
    pd.testing.assert_series_equal(on.survey["purpose"], off.survey["purpose"])
    pd.testing.assert_series_equal(on.survey["connected"], off.survey["connected"])
    staged = em.make_survey(500, 14, scale_usage=True, stage_factor=0.3, **kw)
    pd.testing.assert_frame_equal(staged.respondents, on.respondents)


def test_an_override_of_effects_moves_no_rating_with_context():
    """``effects`` changes only how connection responds, with context too: the
    facets the context lowers are the study's, whatever the override."""
    kw = dict(random_state=0, context_effect=1.0)
    plain = em.make_survey(300, 14, **kw)
    driver = plain.drivers[-1]
    off = em.make_survey(300, 14, effects={driver: 0.0}, **kw)
    facets = list(plain.catalog["facet"])
    pd.testing.assert_frame_equal(plain.survey[facets], off.survey[facets])
    pd.testing.assert_series_equal(
        plain.truth["context_shift"], off.truth["context_shift"]
    )


def test_waves_without_a_seed_share_one_study():
    s = em.make_waves(100, 12, random_state=None)
    a, b = s.truth_by_wave.values()
    pd.testing.assert_frame_equal(
        a.drop(columns=["reach", "true_uplift"]),
        b.drop(columns=["reach", "true_uplift"]),
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(random_state=-1), "'random_state' parameter of make_survey"),
        (dict(random_state=1.5), "'random_state' parameter of make_survey"),
        (dict(value_multiplier=np.inf), "'value_multiplier' parameter"),
        (dict(halo_effect=np.inf), "'halo_effect' parameter"),
        (dict(context_effect=np.inf), "'context_effect' parameter"),
        (dict(scale_usage="yes"), "'scale_usage' parameter"),
        (dict(effects={"mobile_app": np.inf}), r"'effects\['mobile_app'\]'"),
        (
            dict(value_effects={"mobile_app": np.nan, "nope": 0.1}),
            r"\['nope'\] are not facets.*'value_effects\['mobile_app'\]'",
        ),
        (dict(wave=3.0), "'wave' parameter of make_survey must be a non-empty str"),
        (dict(wave=" "), "'wave' parameter of make_survey must be a non-empty str"),
        # every problem of segment_effects at once, each named as its own
        (
            dict(segment_effects={"VIP": {}, "Advised": 0.5}),
            r"Unknown customer types.*\['VIP'\].*"
            r"'segment_effects\['Advised'\]' parameter of make_survey must be a "
            "mapping",
        ),
        (
            dict(segment_effects={"Advised": {"nope": 1.0, "mobile_app": -1}}),
            r"'nope' in segment_effects\['Advised'\] is not a facet.*"
            r"'segment_effects\['Advised'\]\['mobile_app'\]' parameter",
        ),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        em.make_survey(100, 12, **{"random_state": 0, **kwargs})
    if "random_state" in kwargs:
        with pytest.raises(ValueError, match="'random_state' parameter of make_w"):
            em.make_waves(100, 12, random_state=kwargs["random_state"])


def test_selective_use_makes_non_use_go_with_the_respondent():
    """By default who uses a touchpoint is drawn apart from everything; with
    ``selective_use`` non-use clusters, the warm use more, those who needed
    help are the less warm, and with warmth in connection the users of a
    touchpoint are the more connected. Ratings of the users are unchanged."""

    def traits(s):
        facets = list(s.catalog["facet"])
        used = s.survey[facets].notna()
        together = used.astype(float).corr().to_numpy()[np.triu_indices(len(facets), 1)]
        help_ = s.catalog.loc[s.catalog["stage"] == "Get help", "facet"]
        halo = s.respondents["halo"]
        return (
            float(np.nanmean(together)),
            float(np.corrcoef(used.sum(axis=1), halo)[0, 1]),
            float(np.corrcoef(used[help_].sum(axis=1), halo)[0, 1]),
            float(np.corrcoef(used.sum(axis=1), s.survey["connected"])[0, 1]),
        )

    kw = dict(random_state=9, halo_effect="moderate")
    plain = em.make_survey(3000, 30, **kw)
    picky = em.make_survey(3000, 30, selective_use=1.0, **kw)
    assert max(abs(v) for v in traits(plain)) < 0.06
    together, warm, help_, connected = traits(picky)
    assert together > 0.05 and warm > 0.2 and help_ < -0.1 and connected > 0.1
    facets = list(plain.catalog["facet"])
    both = plain.survey[facets].notna() & picky.survey[facets].notna()
    pd.testing.assert_frame_equal(
        plain.survey[facets][both], picky.survey[facets][both]
    )


def test_waves_are_new_respondents_of_one_study():
    """Same seed, same frames; each wave draws its own respondents (ratings,
    stated importance, scale use, context) from the study's catalog."""
    kw = dict(random_state=3, stated_form="ratings", scale_usage=True)
    s = em.make_waves(150, 12, context_effect=1.0, **kw)
    again = em.make_waves(150, 12, context_effect=1.0, **kw)
    pd.testing.assert_frame_equal(s.survey, again.survey)
    pd.testing.assert_frame_equal(s.respondents, again.respondents)
    facets = list(s.catalog["facet"])
    stated = [f"stated__{f}" for f in facets]
    a, b = (
        s.survey[s.survey["wave"] == w].reset_index(drop=True)
        for w in ("2026Q2", "2026Q3")
    )
    for columns in (facets, stated, ["purpose", "connected", "satisfaction"]):
        assert not a[columns].equals(b[columns]), columns
    kw |= dict(sample_seed=1, wave="2026Q3", context_effect=1.0)
    one = em.make_survey(150, 12, **kw)
    pd.testing.assert_frame_equal(one.catalog, s.catalog)
    pd.testing.assert_frame_equal(
        one.survey.drop(columns="respondent_id"), b.drop(columns="respondent_id")
    )


def test_a_sample_seed_shares_the_study_and_none_shares_only_the_effects():
    """With a ``sample_seed``, surveys of one ``random_state`` share their
    catalog (costs, stated importance) whatever their seed and size; without
    one, only the facets' effects are the study's, and the catalog moves
    with ``n_respondents``."""
    kinds = ["kind", "effect", "is_driver", "hidden_driver", "table_stakes"]
    seeded = [
        em.make_survey(n, 12, random_state=1, sample_seed=k)
        for n, k in ((200, 2), (200, 3), (500, 2))
    ]
    for other in seeded[1:]:
        pd.testing.assert_frame_equal(other.catalog, seeded[0].catalog)
        pd.testing.assert_frame_equal(other.truth[kinds], seeded[0].truth[kinds])
    alone = [em.make_survey(n, 12, random_state=1) for n in (200, 500)]
    for survey in alone:
        pd.testing.assert_frame_equal(survey.truth[kinds], seeded[0].truth[kinds])
        assert not survey.catalog["cost"].equals(seeded[0].catalog["cost"])
    assert not alone[0].catalog["cost"].equals(alone[1].catalog["cost"])
    assert (
        not alone[0]
        .catalog["stated_importance"]
        .equals(alone[1].catalog["stated_importance"])
    )


def test_waves_keep_the_latest_waves_segment_and_value_truth():
    """``make_waves`` passes ``segment_effects`` and ``value_effects`` on and
    returns their truth, the latest wave's as ``truth`` is."""
    kw = dict(
        random_state=2,
        segment_effects={"Advised": {"mobile_app": 0.0}},
        value_effects={"mobile_app": 0.1},
    )
    s = em.make_waves(200, 12, **kw)
    last = em.make_survey(200, 12, wave="2026Q3", sample_seed=1, **kw)
    assert set(s.truth_by_segment) == set(last.truth_by_segment) != set()
    for name, table in last.truth_by_segment.items():
        pd.testing.assert_frame_equal(s.truth_by_segment[name], table)
    pd.testing.assert_frame_equal(s.value_truth, last.value_truth)
    pd.testing.assert_frame_equal(s.truth, last.truth)


def test_a_wave_number_is_written_as_make_waves_writes_it():
    one = em.make_survey(n_respondents=50, n_facets=6, wave=3, random_state=0)
    assert set(one.survey["wave"]) == {"3"}
    # a number drawn from numpy (for wave in np.arange(1, 4)) too
    two = em.make_survey(n_respondents=50, n_facets=6, wave=np.int64(2), random_state=0)
    assert set(two.survey["wave"]) == {"2"}
    both = em.make_waves(50, 6, waves=(2, 3), random_state=0)
    assert sorted(set(both.survey["wave"])) == ["2", "3"]
