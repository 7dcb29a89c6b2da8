"""Stated importance in every input form, and the stated-vs-derived comparison."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emomotiv as em
from emomotiv.results import ImportanceResult
from emomotiv.stated import QUADRANTS

FACETS = ["fees", "app", "note", "news"]


def _catalog(values):
    return pd.DataFrame({"facet": FACETS[: len(values)], "stated_importance": values})


def _derived(shares, replicates=None):
    table = pd.DataFrame(
        {"importance": shares}, index=pd.Index(FACETS[: len(shares)], name="facet")
    )
    return ImportanceResult("shap", table, replicates=replicates)


def test_catalog_ratings_become_shares_above_the_scale_floor():
    s = em.stated_importance(catalog=_catalog([5, 4, 1, 2]), scale=(1, 5))
    assert s.source == "catalog" and s.form == "ratings"
    np.testing.assert_allclose(s.table["stated_importance"], [4 / 8, 3 / 8, 0, 1 / 8])
    assert s.table["stated_low"].isna().all()  # no respondents, no interval
    # Without a scale the values are taken as ratio-scale importance.
    s0 = em.stated_importance(catalog=_catalog([5, 4, 1, 2]))
    np.testing.assert_allclose(s0.table["stated_importance"], [5, 4, 1, 2] / np.sum(12))


def test_respondent_ratings_weighted_mean_above_floor():
    survey = pd.DataFrame(
        {"stated__fees": [5, 1], "stated__app": [3, 3], "stated__note": [1, np.nan]}
    )
    s = em.stated_importance(
        survey, _catalog([1, 1, 1]), scale=(1, 5), sample_weight=[3, 1], n_boot=0
    )
    # fees: mean (3*5 + 1*1)/4 = 4 -> 3 above the floor; app 2; note 0
    np.testing.assert_allclose(s.table["stated_importance"], [3 / 5, 2 / 5, 0])
    assert list(s.table["n"]) == [2, 2, 1]
    # Without a scale, the lowest rating given (1) is the floor.
    s2 = em.stated_importance(survey, sample_weight=[3, 1], n_boot=0)
    np.testing.assert_allclose(s2.table["stated_importance"], [3 / 5, 2 / 5, 0])


def test_the_floor_is_the_lowest_rating_of_the_respondents_who_count():
    """Without a scale the floor is the lowest rating given by a respondent of
    weight above 0: the one rating of 1, by a respondent of weight 0, moves
    no share (the shares are those of the survey without that row)."""
    survey = pd.DataFrame({"stated__fees": [5, 3, 1], "stated__app": [3, 2, 1]})
    w = [1.0, 1.0, 0.0]
    zeroed = em.stated_importance(survey, sample_weight=w, n_boot=0).table
    kept = em.stated_importance(survey.head(2), sample_weight=w[:2], n_boot=0).table
    cols = ["stated_importance", "raw"]
    pd.testing.assert_frame_equal(zeroed[cols], kept[cols])
    # floor 2: fees 4 - 2, app 2.5 - 2
    np.testing.assert_allclose(zeroed["stated_importance"], [2 / 2.5, 0.5 / 2.5])


def test_ranks_with_ties_share_the_points_of_their_positions():
    survey = pd.DataFrame(
        {
            "stated__fees": [1, 1, 2],
            "stated__app": [2, 1, 9],  # tie with fees; 9: only the order counts
            "stated__note": [3, 3, np.nan],  # unranked by the third respondent
        }
    )
    s = em.stated_importance(survey, _catalog([1, 1, 1]), form="ranks", n_boot=0)
    # respondent 1: 3,2,1 points of 6; respondent 2: ties at 1 -> mid-rank 1.5,
    # 2.5 points each of 6, note 1; respondent 3: 2 before 9 -> 2 and 1 points of 3.
    expected = np.array(
        [[3 / 6, 2 / 6, 1 / 6], [2.5 / 6, 2.5 / 6, 1 / 6], [2 / 3, 1 / 3, 0]]
    ).mean(axis=0)
    np.testing.assert_allclose(s.table["stated_importance"], expected)
    assert s.table["stated_importance"].sum() == pytest.approx(1)


def test_catalog_ratings_read_as_ranks_warn():
    # 1-5 mean ratings (higher = more important) read as ranks would come out
    # reversed: the reader is told, and how to fix it.
    with pytest.warns(UserWarning, match="do not look like ranks") as caught:
        s = em.stated_importance(catalog=_catalog([4.7, 3.2, 1.9, 2.4]), form="ranks")
    text = str(caught[0].message)
    assert "not whole numbers" in text and "form='ratings'" in text
    assert caught[0].filename == __file__  # points at the caller
    assert s.table["stated_importance"].idxmin() == "fees"
    # Whole numbers that cannot be ranks of four facets warn too.
    with pytest.warns(UserWarning, match=r"the smallest is 2.*exceeds the 4 facets"):
        em.stated_importance(catalog=_catalog([5, 4, 2, 3]), form="ranks")
    # Ranks 1..n, with ties as competition ranks or mid-ranks, do not.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for ranks in ([1, 2, 2, 4], [1, 2.5, 2.5, 4], [2, 1, 3, 4]):
            em.stated_importance(catalog=_catalog(ranks), form="ranks")


def test_ranks_read_as_ratings_warn():
    # Ranks (1 = most important) read as ratings come out reversed: per
    # respondent (full or top-3 rankings) and in the catalog, the reader is
    # told, and how to fix it.
    ranks = pd.DataFrame(
        {"stated__fees": [1, 2, 1], "stated__app": [2, 1, 3], "stated__note": [3, 3, 2]}
    )
    top = ranks.assign(stated__news=[4, 3, 4]).where(lambda d: d <= 3)
    for survey in (ranks, top):
        with pytest.warns(UserWarning, match="ranking 1..k") as caught:
            em.stated_importance(survey, n_boot=0)
        assert "form='ranks'" in str(caught[0].message)
        assert caught[0].filename == __file__
    with pytest.warns(UserWarning, match="ranking 1..k"):
        em.stated_importance(catalog=_catalog([2, 1, 4, 3]))
    # Ratings, 0/1 selections and ratings that happen to be 1..k for some
    # respondents only do not warn.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for values in ([[5, 4, 2], [1, 2, 3]], [[1, 0, 1], [0, 1, 1]], [[1, 1, 1]]):
            survey = pd.DataFrame(values, columns=list(ranks.columns))
            em.stated_importance(survey, n_boot=0)
        em.stated_importance(catalog=_catalog([4.5, 1, 3, 2]))
        em.stated_importance(ranks, form="ranks", n_boot=0)


def test_respondent_ratings_read_as_ranks_warn():
    ratings = pd.DataFrame(
        {
            "stated__fees": [5, 4, 5, 3],
            "stated__app": [4, 4, 2, 3],
            "stated__note": [1, 2, 1, 2],
            "stated__news": [2, 1, 3, None],
        }
    )
    with pytest.warns(UserWarning, match="fewer than half") as caught:
        s = em.stated_importance(ratings, form="ranks", n_boot=0)
    assert "form='ratings'" in str(caught[0].message)
    assert caught[0].filename == __file__
    assert s.table["stated_importance"].idxmin() == "fees"  # reversed, as warned
    # Rankings, with ties, a top 3 or a facet left unranked, do not warn.
    ranks = pd.DataFrame(
        {
            "stated__fees": [1, 2, 1, 1],
            "stated__app": [2, 2, 3, 3],
            "stated__note": [3, 1, 2, None],
            "stated__news": [4, None, None, 2],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        em.stated_importance(ranks, form="ranks", n_boot=0)


def test_analyze_records_catalog_ratings_read_as_ranks():
    """The warning reaches summary.json's warnings (and so the report and the
    console), not only Python's warnings."""
    s = em.make_survey(n_respondents=400, n_facets=8, random_state=0)
    result = em.analyze(
        s.survey,
        s.catalog,
        connection="connected",
        stated_form="ranks",
        model=em.DriverModel(n_estimators=30, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    assert any("do not look like ranks" in w for w in result.summary["warnings"])


def test_analyze_gives_stated_intervals_at_the_study_level():
    """stated_low/high and the rank correlation's interval have the coverage
    of every other interval of the analysis (``level``), not a fixed 95%."""
    s = em.make_survey(400, 8, random_state=0, stated_form="ratings")
    result = em.analyze(
        s.survey,
        s.catalog,
        connection="connected",
        level=0.5,
        model=em.DriverModel(n_estimators=30, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    assert result.stated.stated.info["level"] == 0.5
    wide = em.compare_importance(
        result.importance, result.stated.stated, level=0.95, random_state=0
    ).info
    narrow = result.summary["stated"]
    assert (
        narrow["rank_correlation_high"] - narrow["rank_correlation_low"]
        < wide["rank_correlation_high"] - wide["rank_correlation_low"]
    )


def test_catalog_ranks_with_ties():
    s = em.stated_importance(catalog=_catalog([1, 2, 2, 4]), form="ranks")
    # mid-ranks 1, 2.5, 2.5, 4 -> points 4, 2.5, 2.5, 1 of 10
    np.testing.assert_allclose(s.table["stated_importance"], [0.4, 0.25, 0.25, 0.1])
    ranks = em.compare_importance(_derived([0.1, 0.2, 0.3, 0.4]), s).table
    assert list(ranks["stated_rank"]) == [1, 2, 2, 4]


def test_maxdiff_utilities_become_probability_shares():
    s = em.stated_importance(
        catalog=_catalog([0, np.log(2), np.log(3)]), form="maxdiff"
    )
    np.testing.assert_allclose(s.table["stated_importance"], [1 / 6, 2 / 6, 3 / 6])
    survey = pd.DataFrame({"stated__fees": [0.0, np.log(3)], "stated__app": [0.0, 0.0]})
    s = em.stated_importance(survey, form="maxdiff", n_boot=0)
    np.testing.assert_allclose(s.table["stated_importance"], [(0.5 + 0.75) / 2, 0.375])


def test_maxdiff_respondent_without_utilities_is_left_out():
    # One respondent gave no MaxDiff utilities: the shares are the other's,
    # summing to 1, not pulled toward 1/p by an empty row read as uniform.
    survey = pd.DataFrame(
        {"stated__fees": [np.log(3), np.nan], "stated__app": [0.0, np.nan]}
    )
    s = em.stated_importance(survey, form="maxdiff", n_boot=0)
    np.testing.assert_allclose(s.table["stated_importance"], [0.75, 0.25])


def test_all_equal_stated_importance_is_uninformative():
    s = em.stated_importance(catalog=_catalog([3, 3, 3, 3]))
    assert not s.informative and "same stated importance" in s.info["note"]
    np.testing.assert_allclose(s.table["stated_importance"], 0.25)
    with pytest.warns(UserWarning, match="same for every facet"):
        comp = em.compare_importance(_derived([0.1, 0.2, 0.3, 0.4]), s)
    assert comp.table["quadrant"].isna().all()
    assert np.isnan(comp.rank_correlation)
    # Ratings all at the scale floor say nothing either.
    floor = pd.DataFrame({"stated__fees": [1, 1], "stated__app": [1, 1]})
    assert not em.stated_importance(floor, scale=(1, 5), n_boot=0).informative
    # "Select the most important" marked 1 and left empty otherwise: one value
    # throughout, and the warning says how to code it.
    chosen = pd.DataFrame(
        {
            "stated__fees": [1, 1, 1],
            "stated__app": [1, None, None],
            "stated__note": [None, 1, None],
        }
    )
    s = em.stated_importance(chosen, n_boot=0)
    assert not s.informative and "code the facets not chosen 0" in s.info["note"]
    with pytest.warns(UserWarning, match="Every stated rating is 1: .* not chosen 0"):
        em.compare_importance(_derived([0.1, 0.2, 0.7]), s)


def test_inconsistent_input_lists_every_problem():
    survey = pd.DataFrame(
        {
            "stated__fees": [1, "high"],
            "stated__ghost": [2, 1],  # a facet the catalog does not have
            "stated__app": [0, 2],  # rank 0
            "stated__note": [np.nan, np.nan],
        }
    )
    with pytest.raises(em.ValidationError) as err:
        em.stated_importance(survey, _catalog([1, 1, 1]), form="ranks")
    text = str(err.value)
    assert "4 problems" in text
    assert "'high'" in text and "stated__ghost" in text
    assert "below 1" in text and "stated__note' is empty" in text


def test_other_bad_input():
    with pytest.raises(em.ValidationError, match="No stated importance"):
        em.stated_importance(catalog=pd.DataFrame({"facet": FACETS}))
    with pytest.raises(em.ValidationError, match="no 'stated__<facet>'"):
        em.stated_importance(pd.DataFrame({"x": [1]}), source="respondents")
    off = pd.DataFrame({"stated__fees": [6, 1], "stated__app": [2, 3]})
    # Off the scale: what the ratings run over, and the way out.
    with pytest.raises(em.ValidationError, match=r"off the 1-5 scale.*from 1 to 6"):
        em.stated_importance(off, scale=(1, 5))
    with pytest.raises(em.ValidationError, match="--stated-scale LO HI"):
        em.stated_importance(off, scale=(1, 5))
    with pytest.raises(em.ValidationError, match="negative.*form='maxdiff'"):
        em.stated_importance(catalog=_catalog([-1, 2]))
    with pytest.raises(ValueError, match="'form' parameter of stated_importance"):
        em.stated_importance(catalog=_catalog([1, 2]), form="likert")
    with pytest.raises(ValueError, match="'scale' parameter"):
        em.stated_importance(catalog=_catalog([1, 2]), scale=(5, 1))
    s = em.stated_importance(catalog=_catalog([1, 2]))
    bigger = pd.DataFrame({"importance": [1.0]}, index=pd.Index(["fees"]))
    with pytest.raises(em.ValidationError, match="no derived importance"):
        em.compare_importance(ImportanceResult("shap", bigger), s)
    with pytest.raises(ValueError, match="'derived_threshold' parameter"):
        em.compare_importance(_derived([0.5, 0.5]), s, derived_threshold=0)
    table = _derived([0.5, 0.5]).table  # a table, not its result
    with pytest.raises(TypeError, match="'derived' must be an ImportanceResult"):
        em.compare_importance(table, s)
    with pytest.raises(TypeError, match="'stated' must be a StatedImportance"):
        em.compare_importance(_derived([0.5, 0.5]), s.table)


def test_weights_and_columns_are_checked_together():
    survey = pd.DataFrame(
        {"stated__fees": [5, 4, 3], "stated__app": [2, "x", 2], "stated__note": [5] * 3}
    )
    with pytest.raises(em.ValidationError) as err:
        em.stated_importance(survey, scale=(1, 3), sample_weight=[1, -1, 1])
    text = str(err.value)
    assert "3 problems" in text
    assert "'x'" in text and "off the 1-3 scale" in text and "negative in 1 row" in text
    # A column answered only by respondents of weight 0 is as empty: it said
    # nothing, where it counted as "no importance" (share 0).
    survey = pd.DataFrame(
        {"stated__fees": [5, 4, 3], "stated__app": [2, 1, 2], "stated__note": [5] * 3}
    ).assign(stated__note=[5, np.nan, np.nan])
    for form in ("ratings", "maxdiff"):
        with pytest.raises(em.ValidationError, match="only by respondents of weight 0"):
            em.stated_importance(survey, form=form, sample_weight=[0, 1, 1])


def test_a_resample_without_a_facet_rated_gives_it_no_share():
    """A facet rated by one respondent in three: about 30% of resamples hold
    no rating of it. They are left out of the intervals; a share of 0 there
    set the interval's low end at 0 ("no importance at all")."""
    survey = pd.DataFrame(
        {
            "stated__fees": [5, 4, 3],
            "stated__app": [2, 1, 2],
            "stated__note": [5, None, None],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's 0/0 of an empty resample
        s = em.stated_importance(survey, scale=(1, 5), n_boot=100, random_state=0)
        for form in ("ranks", "maxdiff"):
            em.stated_importance(
                survey.iloc[:, :2],
                form=form,
                n_boot=100,
                sample_weight=[0, 1, 1],
                random_state=0,
            )
    assert s.table.loc["note", "stated_low"] > 0.3
    assert "left out of the intervals" in s.info["note"]
    # their rows stay, empty: row i is the respondents' draw i
    drew = em.stated.resample_counts(3, 100, 0)[:, 0] > 0
    assert len(s.replicates) == 100
    np.testing.assert_array_equal(s.replicates.notna().all(axis=1), drew)
    assert s.replicates[~drew].isna().all(axis=None)


def test_a_facet_stated_by_a_few_respondents_is_left_out():
    """Two of 180 respondents stated 'goal' (both 5): it ranked first among
    the stated facets, with an interval as narrow as that of facets stated
    by everybody, and took a quadrant, with no word."""
    rng = np.random.default_rng(0)
    survey = pd.DataFrame(
        {f"stated__{f}": rng.integers(1, 6, 180).astype(float) for f in FACETS[:3]}
    )
    survey["stated__goal"] = np.nan
    survey.loc[:1, "stated__goal"] = 5.0
    survey.loc[2:8, "stated__app"] = np.nan  # 173 raters: kept
    with pytest.warns(
        UserWarning, match=r"1 facet rests on fewer than 10 .*'goal' \(2\)"
    ):
        s = em.stated_importance(survey, scale=(1, 5), n_boot=20, random_state=0)
    assert "goal" not in s.table.index and s.info["few_raters"] == {"goal": 2}
    assert s.table["stated_importance"].sum() == pytest.approx(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept = em.stated_importance(survey, scale=(1, 5), n_boot=0, min_raters=2)
    assert kept.table.loc["goal", "n"] == 2


def _rare_facet_survey():
    """Ten respondents; only the first rated 'note', and only its SHAP
    value of 'note' is not 0 (a large one)."""
    rng = np.random.default_rng(0)
    survey = pd.DataFrame(
        {
            "stated__fees": rng.integers(1, 4, 10),
            "stated__app": rng.integers(1, 4, 10),
            "stated__note": [5.0] + [None] * 9,
        }
    )
    phi = np.column_stack([rng.uniform(0.1, 1, (10, 2)), np.r_[50.0, np.zeros(9)]])
    return survey, phi


def test_stated_replicate_i_is_the_respondents_draw_i():
    """Resamples without an answer for a rare facet were dropped, which
    renumbered the rest: row i then held the shares of another draw."""
    survey, _ = _rare_facet_survey()
    rare = {"scale": (1, 5), "min_raters": 1}  # its one rater is the point
    s = em.stated_importance(survey, n_boot=30, random_state=0, **rare)
    counts = em.stated.resample_counts(10, 30, 0)
    assert len(s.replicates) == 30
    for i, row in s.replicates.iterrows():
        if counts[i, 0] == 0:  # drew no answer for 'note': no shares
            assert row.isna().all()
            continue
        drawn = em.stated_importance(survey, n_boot=0, sample_weight=counts[i], **rare)
        np.testing.assert_allclose(row, drawn.table["stated_importance"])


def test_compare_pairs_the_same_draws_of_respondents():
    """A resample holds 'note' derived high exactly when it drew the one
    respondent who rated it, so paired with the stated resample of the same
    draw 'note' stays a core driver in every pair. Paired with renumbered
    stated resamples, 'note' fell to low in the derived resamples of other
    draws (p_quadrant 0.74 instead of 1)."""
    from shap import Explanation

    survey, phi = _rare_facet_survey()
    s = em.stated_importance(
        survey, scale=(1, 5), n_boot=50, random_state=1, min_raters=1
    )
    facets = ["fees", "app", "note"]
    derived = ImportanceResult(
        "shap",
        pd.DataFrame(
            {"importance": phi.mean(axis=0)}, index=pd.Index(facets, name="facet")
        ),
        explanation=Explanation(values=phi, feature_names=facets),
    )
    comp = em.compare_importance(derived, s, n_boot=50, random_state=1)
    assert comp.table.loc["note", "quadrant"] == "core_driver"
    assert comp.table.loc["note", "p_quadrant"] == 1
    drew = int((em.stated.resample_counts(10, 50, 1)[:, 0] > 0).sum())
    assert comp.info["n_replicates"] == drew < 50
    assert f"{50 - drew} of 50 resamples left out" in comp.info["note"]


def test_a_shap_resample_of_weight_0_respondents_is_left_out():
    """It read as equal shares for every facet (after numpy's 0/0 warning)."""
    from shap import Explanation

    phi = np.array([[3.0, 1.0, 0.2], [0, 0, 9], [0, 0, 9], [0, 0, 9]])
    facets = FACETS[:3]
    derived = ImportanceResult(
        "shap",
        pd.DataFrame({"importance": [0.7, 0.25, 0.05]}, index=facets),
        explanation=Explanation(values=phi, feature_names=facets),
    )
    s = em.stated_importance(catalog=_catalog([5, 3, 1]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        comp = em.compare_importance(
            derived, s, sample_weight=[1, 0, 0, 0], n_boot=40, random_state=0
        )
    drew = int((em.stated.resample_counts(4, 40, 0)[:, 0] > 0).sum())
    assert comp.info["n_replicates"] == drew < 40
    np.testing.assert_allclose(comp.table["p_quadrant"], 1)


def test_points_shared_out_with_facets_left_empty_warn():
    """Constant sum with the facets given no points left empty: a facet that
    a quarter gave 60 points outranked one everybody gave 20 to 40, with no
    word (0.39 against 0.23 of the share; coded 0, 0.15 against 0.35)."""
    points = pd.DataFrame(
        [[60, 20, 20, 0]] + [[0, 40, 30, 30]] * 3,
        columns=[f"stated__{f}" for f in FACETS],
    )
    points = pd.concat([points] * 5, ignore_index=True)
    with pytest.warns(UserWarning, match=r"sum to 100: points shared out.*Code"):
        left = em.stated_importance(points.replace(0, np.nan), n_boot=0, min_raters=1)
    assert left.table["stated_importance"].idxmax() == "fees"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # coded 0: nothing to say
        coded = em.stated_importance(points, scale=(0, 100), n_boot=0)
        # ratings whose rows differ in total say nothing either
        em.stated_importance(
            points.replace(0, np.nan) + np.arange(20)[:, None], min_raters=1
        )
    np.testing.assert_allclose(
        coded.table["stated_importance"], [0.15, 0.35, 0.275, 0.225]
    )


def test_rescaled_maxdiff_scores_warn():
    """Zero-centred diffs (span 100) read as logit utilities gave each
    respondent's top facet nearly all of their share."""
    rng = np.random.default_rng(0)
    u = pd.DataFrame(
        rng.normal([1.0, 0.5, 0.0, -0.5], 1.0, (50, 4)),
        columns=[f"stated__{f}" for f in FACETS],
    )
    centred = u.sub(u.mean(axis=1), axis=0)
    diffs = centred.div(centred.max(axis=1) - centred.min(axis=1), axis=0) * 100
    with pytest.warns(UserWarning, match=r"span 100 within a respondent.*rescaled"):
        em.stated_importance(diffs, form="maxdiff", n_boot=0)
    with pytest.warns(UserWarning, match=r"in the catalog span 150, where"):
        em.stated_importance(catalog=_catalog([100, 0, -50, 20]), form="maxdiff")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # logit utilities: nothing to say
        em.stated_importance(u, form="maxdiff", n_boot=0)
        em.stated_importance(catalog=_catalog([1.2, 0, -0.5, 2]), form="maxdiff")


def test_catalog_values_left_unused_by_the_columns_warn():
    survey = pd.DataFrame({"stated__fees": [5, 4], "stated__app": [2, 1]})
    catalog = _catalog([5, 4, 2, 4])
    with pytest.warns(UserWarning, match=r"of 2 facets \('note', 'news'\) is not used"):
        s = em.stated_importance(survey, catalog, n_boot=0)
    assert list(s.table.index) == ["fees", "app"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every facet has its column: nothing lost
        em.stated_importance(survey, _catalog([5, 4]), n_boot=0)
        em.stated_importance(survey, _catalog([5, 4, np.nan]), n_boot=0)


def test_compare_lists_every_problem():
    s = em.stated_importance(catalog=_catalog([5, 4, 1, 2]))
    derived = _derived([0.5, np.nan, 0.6, -0.1])
    with pytest.raises(em.ValidationError) as err:
        em.compare_importance(derived, s, derived_threshold=-1, stated_threshold=0)
    text = str(err.value)
    assert "3 problems" in text
    assert "'derived_threshold' parameter" in text and "'stated_threshold'" in text
    # a missing importance read as no spread made every share 1/4
    assert "missing, negative or infinite for 'app', 'news'" in text
    with pytest.raises(em.ValidationError, match=r"10 x 1/4 = 2.5.*below 4"):
        em.compare_importance(_derived([0.4, 0.3, 0.2, 0.1]), s, derived_threshold=10)


def test_one_facet_and_no_derived_spread_say_so_in_emomotivs_words():
    s = em.stated_importance(catalog=_catalog([5, np.nan]))
    with pytest.warns(UserWarning, match=r"Only one facet \('fees'\)"):
        comp = em.compare_importance(_derived([0.7, 0.3]), s)
    assert comp.table["quadrant"].isna().all()
    # Derived shares all equal: no correlation, and no scipy warning.
    s = em.stated_importance(catalog=_catalog([5, 4, 1, 2]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        comp = em.compare_importance(_derived([0.25] * 4), s)
    assert np.isnan(comp.rank_correlation)
    assert (
        comp.table["quadrant"].tolist() == ["table_stakes"] * 2 + ["low_priority"] * 2
    )


def test_a_share_at_the_threshold_is_not_high_whatever_the_rounding():
    # 3 of 1-5 is the mean of these seven ratings: stated share 1/7 exactly,
    # though its computed value lands a rounding error above 1/7.
    facets = [f"f{i}" for i in range(7)]
    catalog = pd.DataFrame(
        {"facet": facets, "stated_importance": [3, 4, 3, 2, 3, 3, 3]}
    )
    derived = ImportanceResult(
        "shap",
        pd.DataFrame(
            {"importance": [0.1] + [0.15] * 6}, index=pd.Index(facets, name="facet")
        ),
    )
    table = em.compare_importance(derived, em.stated_importance(catalog=catalog)).table
    expected = ["low_priority"] * 7
    expected[1] = "table_stakes"
    assert table["quadrant"].tolist() == expected


def test_stated_for_some_facets_only_compares_those():
    catalog = _catalog([5, 1, np.nan, np.nan])
    s = em.stated_importance(catalog=catalog)
    assert s.info["missing_facets"] == ["note", "news"]
    comp = em.compare_importance(_derived([0.1, 0.3, 0.2, 0.4]), s)
    assert list(comp.table.index) == ["fees", "app"]
    np.testing.assert_allclose(comp.table["derived_share"], [0.25, 0.75])
    np.testing.assert_allclose(comp.table["gap"], [0.25 - 5 / 6, 0.75 - 1 / 6])
    assert comp.info["not_compared"] == ["note", "news"]


def test_p_quadrant_counts_replicates_in_the_assigned_quadrant():
    # 'app' is just above the derived bar (1.5 x 1/4 = 0.375) in the point
    # estimate and in half of the replicates.
    reps = pd.DataFrame(
        [[0.02, 0.40, 0.50, 0.08], [0.02, 0.30, 0.60, 0.08]] * 50, columns=FACETS
    )
    s = em.stated_importance(catalog=_catalog([5, 4, 1, 2]))
    comp = em.compare_importance(
        _derived([0.02, 0.40, 0.50, 0.08], reps), s, derived_threshold=1.5
    )
    assert list(comp.table["quadrant"]) == [
        "table_stakes",
        "core_driver",
        "hidden_driver",
        "low_priority",
    ]
    np.testing.assert_allclose(comp.table["p_quadrant"], [1, 0.5, 1, 1])
    assert "bootstrap replicates" in comp.info["p_quadrant_source"]
    assert comp.rank_correlation == pytest.approx(-0.8)  # 1 - 6 * 18 / (4 * 15)
    # Without replicates or an explanation there is nothing to resample.
    bare = em.compare_importance(
        _derived([0.02, 0.40, 0.50, 0.08]), s, derived_threshold=1.5
    )
    assert bare.table["p_quadrant"].isna().all() and "NaN" in bare.info["note"]
    assert set(bare.counts) == set(QUADRANTS)


def test_a_derived_replicate_with_a_missing_share_is_left_out():
    """Its row read as equal shares, every facet low: 'app' and 'note' held
    their quadrant in 3 of 4 replicates instead of 3 of 3."""
    reps = pd.DataFrame(
        [[0.02, 0.40, 0.50, 0.08]] * 3 + [[np.nan, 0.4, 0.5, 0.1]], columns=FACETS
    )
    s = em.stated_importance(catalog=_catalog([5, 4, 1, 2]))
    comp = em.compare_importance(_derived([0.02, 0.40, 0.50, 0.08], reps), s)
    np.testing.assert_allclose(comp.table["p_quadrant"], 1)
    assert comp.info["n_replicates"] == 3


matrices = st.integers(2, 6).flatmap(
    lambda p: st.lists(
        st.lists(
            st.one_of(st.none(), st.integers(1, 7)), min_size=p, max_size=p
        ).filter(lambda row: any(v is not None for v in row)),
        min_size=2,
        max_size=15,
    )
)


# random values may look like the other form (ranks as ratings, or the reverse)
@pytest.mark.filterwarnings("ignore:The stated importance in the survey is read")
@settings(max_examples=40, deadline=None)
@given(rows=matrices, form=st.sampled_from(["ratings", "ranks", "maxdiff"]))
def test_shares_sum_to_one_and_follow_the_facets(rows, form):
    p = len(rows[0])
    names = [f"stated__f{j}" for j in range(p)]
    survey = pd.DataFrame(rows, columns=names, dtype=float)
    survey = survey.loc[:, survey.notna().any()]
    if survey.shape[1] == 0:
        return
    s = em.stated_importance(survey, form=form, scale=(1, 7), n_boot=0)
    shares = s.table["stated_importance"]
    assert shares.sum() == pytest.approx(1) and (shares >= 0).all()
    flipped = em.stated_importance(
        survey[survey.columns[::-1]], form=form, scale=(1, 7), n_boot=0
    )
    pd.testing.assert_series_equal(
        flipped.table["stated_importance"].sort_index(), shares.sort_index()
    )


@pytest.mark.parametrize("form", ["ratings", "ranks", "maxdiff"])
def test_generated_stated_importance_agrees_with_the_catalog(form):
    s = em.make_survey(n_respondents=600, n_facets=20, random_state=4, stated_form=form)
    st_ = em.stated_importance(
        s.survey,
        s.catalog,
        form=form,
        sample_weight=s.survey["weight"],
        n_boot=50,
        random_state=0,
    )
    shares = st_.table["stated_importance"]
    t = s.truth
    assert shares[t["hidden_driver"]].max() < shares[t["table_stakes"]].min()
    catalog = s.catalog.set_index("facet")["stated_importance"]
    assert shares.corr(catalog, method="spearman") > 0.9
    inside = (st_.table["stated_low"] <= shares) & (shares <= st_.table["stated_high"])
    assert inside.all()
    # Same seed, same draws; the rest of the survey is untouched.
    plain = em.make_survey(n_respondents=600, n_facets=20, random_state=4)
    pd.testing.assert_frame_equal(plain.survey, s.survey[plain.survey.columns])
    again = em.make_survey(
        n_respondents=600, n_facets=20, random_state=4, stated_form=form
    )
    pd.testing.assert_frame_equal(again.survey, s.survey)


def test_generator_rejects_an_unknown_form():
    with pytest.raises(ValueError, match="'stated_form' parameter of make_survey"):
        em.make_survey(n_respondents=50, n_facets=6, stated_form="likert")


def test_acceptance_hidden_drivers_and_table_stakes(full, full_result):
    """>= 80% of true hidden drivers and table stakes land in the right half."""
    truth = full.truth[["hidden_driver", "table_stakes"]]
    d = full_result.drivers.set_index("facet").join(truth)
    hidden = d.loc[d["hidden_driver"], "quadrant"]
    stakes = d.loc[d["table_stakes"], "quadrant"]
    assert hidden.isin(["hidden_driver", "core_driver"]).mean() >= 0.8, hidden
    assert stakes.isin(["table_stakes", "low_priority"]).mean() >= 0.8, stakes
    summary = full_result.summary["stated"]
    assert summary["source"] == "catalog"
    assert sum(summary["counts"].values()) == 100
    assert summary["rank_correlation"] < 0.3  # stated disagrees on purpose


def test_a_derived_ranking_with_no_spread_passes_on_no_numpy_or_scipy_warning():
    """A model that learned nothing gives every facet the same share: the
    rank correlation with stated importance is undefined, and neither scipy's
    "input array is constant" nor numpy's "All-NaN slice" reaches the user or
    summary["warnings"] as one of emomotiv's notes."""
    rng = np.random.default_rng(0)
    n = 60
    survey = pd.DataFrame({f: rng.integers(1, 11, n).astype(float) for f in "abc"})
    survey["connected"] = np.tile([0, 1], n // 2)
    for f in "abc":
        survey[f"stated__{f}"] = rng.integers(1, 6, n)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = em.analyze(
            survey,
            facets=list("abc"),
            connection="connected",
            model=em.DriverModel(n_estimators=5, min_child_weight=1e6, cv=0),
            n_boot=0,
            methods=False,
            progress=False,
        )
    raw = ("constant", "NaN slice")
    assert not [w for w in caught if any(r in str(w.message) for r in raw)]
    assert not [m for m in result.summary["warnings"] if any(r in m for r in raw)]
    assert result.summary["stated"]["rank_correlation"] is None


def test_a_stated_column_s_problem_names_it_as_the_survey_does():
    """Stated columns matched by label are renamed stated__<facet> for the
    analysis; validation still names them by the user's column."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    survey = s.survey.drop(columns=[c for c in s.survey if c.startswith("stated__")])
    labels = s.catalog["label"].tolist()
    survey[f"Wichtigkeit: {labels[0]}"] = ["sehr"] * 10 + [5] * 290
    survey[f"Wichtigkeit: {labels[1]}"] = 4
    with pytest.raises(em.ValidationError) as err:
        em.analyze(
            survey, s.catalog, connection="connected", stated=["Wichtigkeit*"],
            n_boot=0, progress=False,
        )  # fmt: skip
    (problem,) = err.value.problems
    assert problem.startswith(
        f"Stated-importance column 'Wichtigkeit: {labels[0]}' is not numeric"
    )
    assert "stated__" not in problem
    survey[f"Wichtigkeit: {labels[0]}"] = np.nan  # refused by the stated step
    with pytest.raises(em.ValidationError) as err:
        em.analyze(
            survey, s.catalog, connection="connected", stated=["Wichtigkeit*"],
            n_boot=0, model=em.DriverModel(n_estimators=20, cv=0), progress=False,
        )  # fmt: skip
    assert f"'Wichtigkeit: {labels[0]}' is empty" in str(err.value)
    assert "stated__" not in str(err.value)


@settings(max_examples=40, deadline=None)
@given(
    reps=st.lists(
        st.lists(st.floats(0.01, 1.0), min_size=4, max_size=4), min_size=2, max_size=12
    )
)
def test_the_rank_correlation_lies_inside_its_interval(reps):
    """The reported correlation is the mean of the resamples' (bagged, as
    importance is), so it lies inside the interval they give, whatever the
    resamples; the correlation of the bagged shares need not."""
    reps = pd.DataFrame(reps, columns=FACETS)
    reps = reps.div(reps.sum(axis=1), axis=0)
    derived = _derived(reps.mean().to_numpy(), reps)
    s = em.stated_importance(catalog=_catalog([5, 4, 1, 2]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        comp = em.compare_importance(derived, s, level=0.5)
    info = comp.info
    if np.isfinite(comp.rank_correlation):
        low, high = info["rank_correlation_low"], info["rank_correlation_high"]
        assert low - 1e-12 <= comp.rank_correlation <= high + 1e-12


def test_the_rank_correlation_is_the_mean_of_the_resamples():
    """Two resamples whose correlations with stated importance are 0.2 and
    0.4, while their mean shares rank almost as stated (0.95): 0.3."""
    reps = pd.DataFrame(
        [[0.40, 0.10, 0.30, 0.20], [0.20, 0.40, 0.10, 0.30]], columns=FACETS
    )
    derived = _derived(reps.mean().to_numpy(), reps)
    s = em.stated_importance(catalog=_catalog([5, 4, 1, 2]))
    comp = em.compare_importance(derived, s)
    assert comp.rank_correlation == pytest.approx(0.3)
    assert (
        comp.info["rank_correlation_low"] <= 0.3 <= comp.info["rank_correlation_high"]
    )


def test_probability_scale_maxdiff_scores_are_warned_of_however_narrow():
    """Scores summing to 100 over 20 items span less than 20 within a
    respondent, so they passed as utilities, and exp() of them gave one
    facet 88% of the stated share."""
    rng = np.random.default_rng(0)
    scores = rng.dirichlet(np.full(20, 3.0), size=50) * 100
    names = [f"f{i}" for i in range(20)]
    survey = pd.DataFrame(scores, columns=[f"stated__{f}" for f in names])
    catalog = pd.DataFrame({"facet": names})
    with pytest.warns(UserWarning, match="sum to 100 for every respondent"):
        em.stated_importance(survey, catalog, form="maxdiff", n_boot=0)
    with warnings.catch_warnings():  # logit utilities: nothing to say
        warnings.simplefilter("error")
        em.stated_importance(np.log(survey / 5), catalog, form="maxdiff", n_boot=0)


def test_maxdiff_utilities_read_as_ratings_are_refused():
    """Per-respondent utilities (negative, fractional) read as ratings took
    the lowest utility, -4.96, as the floor, and four facets changed quadrant
    in silence; the catalog's were refused already."""
    rng = np.random.default_rng(1)
    names = ["fees", "app", "note", "news"]
    survey = pd.DataFrame(
        rng.normal(0, 1.5, (40, 4)), columns=[f"stated__{f}" for f in names]
    )
    catalog = pd.DataFrame({"facet": names})
    with pytest.raises(em.ValidationError, match="MaxDiff utilities take"):
        em.stated_importance(survey, catalog, n_boot=0)
    em.stated_importance(survey, catalog, form="maxdiff", n_boot=0)
    # a bipolar scale's whole numbers are ratings
    em.stated_importance(survey.round().clip(-2, 2), catalog, n_boot=0)


def test_top_three_ranks_read_as_ratings_get_one_warning_not_two():
    """Besides "pass form='ranks'", top-3 ranks read as ratings were told to
    code the facets given no points 0, which would fix the reversed reading."""
    rng = np.random.default_rng(0)
    ranks = np.full((30, 6), np.nan)
    for row in ranks:
        row[rng.choice(6, 3, replace=False)] = [1, 2, 3]
    names = [f"f{i}" for i in range(6)]
    survey = pd.DataFrame(ranks, columns=[f"stated__{f}" for f in names])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        em.stated_importance(survey, pd.DataFrame({"facet": names}), n_boot=0)
    said = [str(w.message) for w in caught]
    assert len(said) == 1 and "pass form='ranks'" in said[0]


def test_a_stated_column_named_by_its_facet_s_label_is_named_with_the_id():
    """'stated__Mobile app' was refused as "not in the catalog", with no
    word of mobile_app."""
    s = em.make_survey(
        n_respondents=300, n_facets=6, random_state=0, stated_form="ratings"
    )
    survey = s.survey.rename(columns={"stated__mobile_app": "stated__Mobile app"})
    catalog = s.catalog.drop(columns="stated_importance")
    with pytest.raises(em.ValidationError) as err:
        em.analyze(survey, catalog, connection="connected", n_boot=0, progress=False)
    assert "'stated__Mobile app' is 'mobile_app's label: name it" in str(err.value)


def test_a_subsample_explained_compares_with_either_weights(monkeypatch):
    """Beyond EXPLAIN_LIMIT respondents the full model explains a subsample:
    compare_importance takes the weights of every respondent (as analyze
    passes them; it failed with 'sample_weight must have one entry per
    respondent') or of those explained (as its docstring said), alike."""
    import emomotiv.bootstrap as bootstrap

    monkeypatch.setattr(bootstrap, "EXPLAIN_LIMIT", 300)
    s = em.make_survey(n_respondents=1200, n_facets=12, random_state=0)
    facets, w = list(s.catalog["facet"]), s.survey["weight"].to_numpy()
    model = em.DriverModel(n_estimators=20, cv=0, random_state=0)
    imp = em.bootstrap_importance(
        model,
        s.survey[facets],
        s.survey["connected"],
        sample_weight=w,
        n_boot=0,
        progress=False,
    )
    rows = imp.info["explained_rows"]
    stated = em.stated_importance(s.survey, s.catalog, sample_weight=w, n_boot=0)
    every, explained = (
        em.compare_importance(imp, stated, sample_weight=x, n_boot=50, random_state=0)
        for x in (w, w[rows])
    )
    assert every.info["n_replicates"] == 50
    pd.testing.assert_frame_equal(every.to_frame(), explained.to_frame())
