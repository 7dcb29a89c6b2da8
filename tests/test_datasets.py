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


def test_true_uplift_matches_a_monte_carlo_check():
    """Re-derive the uplift of the strongest driver by brute force."""
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
        400, 14, random_state=5, halo_effect=0.0, scale_usage=False, stage_factor=0
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
