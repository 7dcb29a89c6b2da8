"""Connection score, Cronbach's alpha, tiers and the motivator matrix."""

import numpy as np
import pandas as pd
import pytest

import emomotiv as em


def test_cronbach_alpha_matches_spearman_brown():
    """Parallel items with correlation r: alpha = k r / (1 + (k - 1) r)."""
    rng = np.random.default_rng(0)
    k, r, n = 6, 0.4, 200_000
    common = rng.standard_normal((n, 1))
    items = np.sqrt(r) * common + np.sqrt(1 - r) * rng.standard_normal((n, k))
    alpha = em.cronbach_alpha(pd.DataFrame(items))
    assert alpha == pytest.approx(k * r / (1 + (k - 1) * r), abs=0.005)


def test_cronbach_alpha_small_cases_and_weights():
    items = pd.DataFrame(
        {"a": [1, 2, 3, 4, 5], "b": [2, 1, 4, 3, 5], "c": [1, 3, 2, 5, 4]}
    )
    # By hand: item variances 2.5 each; sums 4, 6, 9, 12, 14 have variance 17.
    assert em.cronbach_alpha(items) == pytest.approx(1.5 * (1 - 7.5 / 17))
    # Integer weights are the same as repeating respondents.
    w = np.array([1, 2, 1, 3, 1])
    repeated = items.loc[items.index.repeat(w)]
    assert em.cronbach_alpha(items, sample_weight=w) == pytest.approx(
        em.cronbach_alpha(repeated), rel=0.02
    )
    assert np.isnan(em.cronbach_alpha(items[["a"]]))


def test_connection_score_is_0_to_100():
    items = pd.DataFrame(
        {"motivator__a": [1, 7, 4, 2], "motivator__b": [1, 7, np.nan, 4]}
    )
    score = em.connection_score(items)
    np.testing.assert_allclose(score, [0, 100, 50, 100 / 3])
    with pytest.raises(em.ValidationError, match="No motivator columns"):
        em.connection_score(pd.DataFrame({"x": [1, 2]}))
    with pytest.raises(em.ValidationError, match="not numeric"):
        em.connection_score(items.assign(motivator__a=["a", 1, 2, 3]))


def test_tiers_and_the_top_two_box_default():
    seg = em.connection_tiers([1, 0, 0, 0], [2, 5, 4, 3])  # a 1-5 scale
    assert seg.tolist() == [
        "fully_connected",
        "highly_satisfied",
        "highly_satisfied",
        "unconnected",
    ]
    seg = em.connection_tiers([0, 0], [9, 8], satisfied_threshold=8)
    assert seg.tolist() == ["highly_satisfied", "highly_satisfied"]
    assert em.connection_tiers([1, 0]).tolist() == ["fully_connected", "unconnected"]


def test_connected_rule(small):
    survey = small.survey
    facets = list(small.catalog["facet"])
    by_outcome = em.connection_measures(
        survey, facets=facets, connection="connected", satisfaction="satisfaction"
    )
    assert by_outcome.connected_rule == "connection outcome = 1"
    assert (by_outcome.connected.to_numpy() == survey["connected"].to_numpy()).all()
    by_score = em.connection_measures(
        survey, facets=facets, connection="connected", connected_rule=60
    )
    motivators = (
        "the motivator connection score (the mean of the motivator items, 0-100)"
    )
    assert by_score.connected_rule == f"{motivators} >= 60"
    assert (by_score.connected == (by_score.score >= 60)).all()
    # A numeric outcome: 'auto' falls back to the score threshold (70).
    numeric = survey.assign(connected=survey["connected"] + 0.5)
    auto = em.connection_measures(numeric, facets=facets, connection="connected")
    assert auto.connected_rule == f"{motivators} >= 70"
    with pytest.raises(ValueError, match="not 0/1"):
        em.connection_measures(
            numeric, facets=facets, connection="connected", connected_rule="outcome"
        )
    with pytest.raises(ValueError, match="'connected_rule' parameter"):
        em.connection_measures(survey, facets=facets, connected_rule=130)
    # Connected customers score higher on the motivators (the generator's truth).
    t = by_outcome.tier_table.set_index("tier")
    assert (
        t.loc["fully_connected", "mean_connection_score"]
        > t.loc["unconnected", "mean_connection_score"]
    )
    assert t["share"].sum() == pytest.approx(1)
    assert by_outcome.cronbach_alpha > 0.8


def test_motivator_matrix_points_at_the_true_drivers():
    s = em.make_survey(n_respondents=2000, n_facets=20, random_state=2)
    facets = list(s.catalog["facet"])
    m = em.motivator_drivers(
        s.survey[facets],
        s.survey.filter(like="motivator__"),
        sample_weight=s.survey["weight"],
    )
    assert list(m.columns[:2]) == ["stand_out", "confident_future"]
    strength = m.abs().mean(axis=1)
    drivers = s.truth["is_driver"]
    assert strength[drivers].mean() > 2 * strength[~drivers].mean()
    # Column order only permutes the result.
    flipped = em.motivator_drivers(
        s.survey[facets[::-1]],
        s.survey.filter(like="motivator__"),
        sample_weight=s.survey["weight"],
    )
    pd.testing.assert_frame_equal(flipped.loc[facets], m, atol=1e-10)


def test_the_motivators_order_changes_no_bit_of_the_matrix():
    """Each motivator is fitted on its own, so reordering them only reorders
    the columns, to the last bit (an analysis is the same whatever the
    survey's column order; a joint solve differed by 1e-16 on some CPUs)."""
    s = em.make_survey(n_respondents=400, n_facets=8, random_state=3)
    X = s.survey[s.catalog["facet"]]
    items = s.survey.filter(like="motivator__")
    w = np.random.default_rng(0).integers(1, 4, len(X))
    m = em.motivator_drivers(X, items, sample_weight=w)
    flipped = em.motivator_drivers(X, items[items.columns[::-1]], sample_weight=w)
    pd.testing.assert_frame_equal(flipped[m.columns], m, check_exact=True)


def test_motivators_in_another_order_than_the_ratings_are_refused():
    """Motivators sorted apart from the ratings (same labels, another order)
    were paired by position, each respondent's ratings with another's
    motivators, without a word: the matrix moved by up to 0.26."""
    s = em.make_survey(n_respondents=400, n_facets=8, random_state=3)
    X = s.survey[s.catalog["facet"]]
    items = s.survey.filter(like="motivator__")
    with pytest.raises(em.ValidationError, match="motivators' index does not"):
        em.motivator_drivers(X, items.iloc[::-1])
    # the way out the message gives: the same rows in the ratings' order
    same = em.motivator_drivers(X, items.iloc[::-1].loc[X.index])
    pd.testing.assert_frame_equal(same, em.motivator_drivers(X, items))


def test_the_motivator_matrix_summed_over_chunks_is_weighted_least_squares(
    monkeypatch,
):
    """The normal equations over chunks of respondents (memory at 1M rows)
    give the weighted least-squares fit on the whole standardised data."""
    from emomotiv import _stats

    s = em.make_survey(n_respondents=900, n_facets=8, random_state=4)
    X = s.survey[s.catalog["facet"]]
    M = s.survey.filter(like="motivator__")
    w = s.survey["weight"].to_numpy()

    def standardise(frame):
        v = frame.to_numpy(dtype=float)
        seen = ~np.isnan(v) * w[:, None]
        mean = np.nansum(v * seen, axis=0) / seen.sum(axis=0)
        sd = np.sqrt(np.nansum((v - mean) ** 2 * seen, axis=0) / seen.sum(axis=0))
        return np.nan_to_num((v - mean) / sd)

    root = np.sqrt(w)[:, None]
    expected = np.linalg.lstsq(standardise(X) * root, standardise(M) * root)[0]
    monkeypatch.setattr(_stats, "CHUNK_ROWS", 97)  # 10 chunks, the last short
    m = em.motivator_drivers(X, M, sample_weight=w)
    np.testing.assert_allclose(m.to_numpy(), expected, rtol=0, atol=1e-10)


def test_a_tier_without_its_input_is_left_out_and_explained(small):
    """No satisfaction column: no 'highly_satisfied' row of 0, but a note."""
    facets = list(small.catalog["facet"])
    m = em.connection_measures(small.survey, facets=facets, connection="connected")
    assert list(m.tier_table["tier"]) == ["unconnected", "fully_connected"]
    assert m.tier_table["share"].sum() == pytest.approx(1)
    assert "no satisfaction column" in m.info["note"]
    assert "left out" in m.info["note"]


def test_notebook_mistakes_get_errors_that_name_them(small):
    survey = small.survey
    facets = list(small.catalog["facet"])
    items = survey.filter(like="motivator__")
    with pytest.raises(TypeError, match="cronbach_alpha needs items as a pandas"):
        em.cronbach_alpha(items.to_numpy())
    with pytest.raises(TypeError, match="stated_importance needs survey as a pandas"):
        em.stated_importance(survey.to_numpy(), small.catalog)
    with pytest.raises(ValueError, match="one entry per respondent"):
        em.connection_tiers(survey["connected"], survey["satisfaction"][:-3])
    with pytest.raises(ValueError, match="motivators has 597 respondents but X"):
        em.motivator_drivers(survey[facets], items.iloc[:-3])
    typo = items.columns[0][:-1] + "x"
    with pytest.raises(em.ValidationError, match=f"Did you mean '{items.columns[0]}'"):
        em.connection_score(survey, [typo])
    with pytest.raises(em.ValidationError, match="2 problems") as err:
        em.connection_measures(
            survey, facets=[*facets, "mobile_ap"], connection="conected"
        )
    assert "Did you mean 'connected'?" in str(err.value)


def test_one_column_name_alone_is_refused_with_the_list_to_pass():
    """A single name where a list of columns goes was read letter by letter
    ("The facet column 'b' is not in the survey", one line per letter)."""
    s = em.make_survey(n_respondents=200, n_facets=6, random_state=0)
    facet = s.catalog["facet"][0]
    with pytest.raises(
        TypeError, match=rf"got the string '{facet}': pass \['{facet}'\]"
    ):
        em.connection_measures(s.survey, facets=facet, connection="connected")
    with pytest.raises(TypeError, match="'motivators' parameter of connection_score"):
        em.connection_score(s.survey, "motivator__stand_out")
    with pytest.raises(TypeError, match="'controls' parameter of design_matrix"):
        em.design_matrix(s.survey[s.catalog["facet"]], data=s.survey, controls="tenure")
    with pytest.raises(TypeError, match="'columns' parameter of encode_controls"):
        em.encode_controls(s.survey, "customer_type")


def test_connection_tiers_names_text():
    """Text flags or ratings said numpy's 'could not convert string to float'."""
    with pytest.raises(ValueError, match="connected as 0/1 flags; .* 'no', 'yes'"):
        em.connection_tiers(["yes", "no"])
    with pytest.raises(ValueError, match="satisfaction as ratings; .* 'high', 'low'"):
        em.connection_tiers([1, 0], ["high", "low"])


def test_a_motivator_some_skipped_is_fitted_on_those_who_answered(monkeypatch):
    """Respondents who skipped a motivator say nothing of it: read as its
    mean, 40% of skips shrank every weight by 40%. Its regression runs over
    those who answered (the facets still standardised over everyone)."""
    from emomotiv import _stats

    rng = np.random.default_rng(0)
    n = 3000
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    X.loc[rng.random(n) < 0.2, "b"] = np.nan  # a facet not experienced
    item = 0.6 * X["a"] + 0.3 * X["b"].fillna(0) + 0.7 * rng.normal(size=n)
    answered = rng.random(n) > 0.4
    M = pd.DataFrame({"whole": item, "skipped": item.where(answered)})
    w = rng.integers(1, 4, n).astype(float)
    monkeypatch.setattr(_stats, "CHUNK_ROWS", 701)  # chunks, the last short
    m = em.motivator_drivers(X, M, sample_weight=w)
    np.testing.assert_allclose(m["skipped"], m["whole"], atol=0.05)

    def standardise(values, weights):
        seen = ~np.isnan(values)
        mean = np.average(values[seen], weights=weights[seen])
        sd = np.sqrt(np.average((values[seen] - mean) ** 2, weights=weights[seen]))
        return np.nan_to_num((values - mean) / sd)

    xs = np.column_stack([standardise(X[c].to_numpy(), w) for c in X])
    ms = standardise(M["skipped"].to_numpy(), w)
    root = np.sqrt(w[answered])[:, None]
    expected = np.linalg.lstsq(xs[answered] * root, ms[answered] * root[:, 0])[0]
    np.testing.assert_allclose(m["skipped"], expected, rtol=0, atol=1e-10)


@pytest.mark.parametrize(
    "ratings, threshold",
    [
        ([3, 8, 9, 7, 9], 9.0),  # 1-10, nobody gave 10: 9-10 still
        ([0, 6, 8, 9], 9.0),  # 0-10
        ([2, 5, 6, 3], 6.0),  # 1-7, nobody gave 7
        ([1, 2, 3, 3], 4.0),  # 1-5, nobody gave 4 or 5
    ],
)
def test_the_top_two_boxes_are_the_scales_not_the_highest_rating_given(
    ratings, threshold
):
    """Highly satisfied = the top two boxes of the scale: a wave in which
    nobody gave the top rating keeps the threshold (8 was read as a top box
    on 1-10 when the best answer given was 9)."""
    tiers = em.connection_tiers([0] * len(ratings), ratings)
    expected = [
        "highly_satisfied" if r >= threshold else "unconnected" for r in ratings
    ]
    assert tiers.tolist() == expected
    survey = pd.DataFrame(
        {"f": range(len(ratings)), "c": [0] * len(ratings), "sat": ratings}
    )
    m = em.connection_measures(survey, facets=["f"], connection="c", satisfaction="sat")
    assert m.info["satisfied_threshold"] == threshold
    assert m.tiers.tolist() == expected


def test_a_satisfaction_code_off_the_scale_is_refused_not_highly_satisfied():
    """A 99 for "don't know" among 1-10 ratings sits above the top two
    boxes: counted as highly satisfied, it raised that tier. Refused by
    name, unless the threshold is given."""
    ratings = [3, 8, 9, 7, 10, 6, 99]
    off = r"satisfaction ratings hold 1 value off the 1-10 scale: 99"
    with pytest.raises(em.ValidationError, match=off):
        em.connection_tiers([0] * len(ratings), ratings)
    survey = pd.DataFrame({"f": range(7), "c": [0] * 7, "sat": ratings})
    with pytest.raises(em.ValidationError, match="off the 1-10 scale"):
        em.connection_measures(survey, facets=["f"], connection="c", satisfaction="sat")
    tiers = em.connection_tiers([0] * 7, ratings, satisfied_threshold=9)
    assert tiers.tolist().count("highly_satisfied") == 3


def test_an_unknown_or_worded_outcome_is_refused_not_counted_unconnected(small):
    """An empty outcome cell, or an outcome in words, read as 0 made those
    respondents unconnected (every one of them for 'Yes'/'No'); text in a
    satisfaction, value or extra column is named too, all at once."""
    facets = list(small.catalog["facet"])
    roles = dict(facets=facets, connection="connected", satisfaction="satisfaction")
    survey = small.survey.copy()
    survey.loc[survey.index[:7], "connected"] = np.nan
    with pytest.raises(em.ValidationError, match="empty for 7 of"):
        em.connection_measures(survey, **roles)
    words = small.survey.assign(
        connected=np.where(small.survey["connected"] == 1, "Yes", "No"),
        satisfaction=small.survey["satisfaction"].astype(object),
    )
    words.loc[words.index[0], "satisfaction"] = "n/a"
    with pytest.raises(em.ValidationError) as caught:
        em.connection_measures(words, **roles)
    message = str(caught.value)
    assert "connection column 'connected' is not numeric" in message
    assert "'No'" in message and "'Yes'" in message
    assert "satisfaction column 'satisfaction' is not numeric" in message
    assert "'n/a'" in message
    # numbers written as text, and pandas' nullable numbers, still read
    as_text = small.survey.assign(
        connected=small.survey["connected"].astype(str),
        satisfaction=small.survey["satisfaction"].astype("Int64"),
    )
    pd.testing.assert_frame_equal(
        em.connection_measures(as_text, **roles).tier_table,
        em.connection_measures(small.survey, **roles).tier_table,
    )


def test_the_connection_score_reads_the_items_scale_and_refuses_answers_off_it():
    """0 and 100 are the scale's ends whatever was answered (nobody gave 1
    on a 1-7 scale: the score was read from 2, 0-100 on 2-7); an answer off
    the scale is named (a 9 on 1-7 scored 133, a 99 code squeezed every
    score towards 0)."""
    items = pd.DataFrame({"motivator__a": [2, 7, 4], "motivator__b": [3, 6, 5]})
    np.testing.assert_allclose(
        em.connection_score(items), np.array([1.5, 5.5, 3.5]) / 6 * 100
    )
    with pytest.raises(em.ValidationError, match=r"answers hold 1 value off the 1-7"):
        em.connection_score(items.assign(motivator__a=[2, 9, 4]), scale=(1, 7))
    codes = items.assign(motivator__b=[3, 99, 99])
    with pytest.raises(em.ValidationError, match=r"answers hold 2 values .*: 99"):
        em.connection_score(codes)
    with pytest.raises(ValueError, match="lowest < highest"):
        em.connection_score(items, scale=(7, 1))


def test_connection_tiers_refuses_flags_other_than_0_and_1():
    """An unknown (NaN) or other-coded flag was read as not connected."""
    with pytest.raises(ValueError, match=r"2 of 4 are not 0 or 1: '2', 'NaN'"):
        em.connection_tiers([1, 0, np.nan, 2], [9, 9, 9, 9])
    assert em.connection_tiers([True, False]).tolist() == [
        "fully_connected",
        "unconnected",
    ]


def test_a_score_rule_gives_no_tier_to_those_who_answered_no_motivator():
    """Under a score threshold, a respondent with no motivator answer has no
    score: not unconnected (nor highly satisfied), but no tier, named in the
    note, the shares being of the others."""
    rng = np.random.default_rng(0)
    n = 400
    survey = pd.DataFrame(
        {
            "app": rng.integers(1, 11, n).astype(float),
            "fees": rng.integers(1, 11, n).astype(float),
            "satisfaction": np.r_[np.full(100, 10.0), rng.integers(1, 11, n - 100)],
            "motivator__secure": rng.integers(1, 8, n).astype(float),
            "motivator__belong": rng.integers(1, 8, n).astype(float),
        }
    )
    motivators = ["motivator__secure", "motivator__belong"]
    survey.loc[:99, motivators] = np.nan  # a module the first 100 never saw
    m = em.connection_measures(
        survey, facets=["app", "fees"], satisfaction="satisfaction", connected_rule=50
    )
    assert m.tiers.iloc[:100].isna().all() and m.tiers.iloc[100:].notna().all()
    assert m.connected.iloc[:100].isna().all()
    assert set(m.connected.iloc[100:]) <= {0.0, 1.0}
    table = m.tier_table
    assert table["n"].sum() == 300
    assert table["share"].sum() == pytest.approx(1.0)
    assert "100 of 400 respondents answered no motivator item" in m.info["note"]
    # every respondent with a score keeps the tier the rule gives
    score = m.score.iloc[100:]
    connected = (m.tiers.iloc[100:] == "fully_connected").to_numpy()
    assert (connected == (score >= 50).to_numpy()).all()


def test_satisfaction_as_percentages_or_shares_has_its_top_two_boxes():
    """Saved as 10-100 the threshold was 99 (74 highly satisfied of 205);
    saved as 0.1-1, 9 (nobody): the top two of the points given."""
    from emomotiv.measures import _top_two_boxes

    tens = np.arange(1, 11) * 10.0
    assert _top_two_boxes(tens) == 90
    assert _top_two_boxes(tens / 100) == pytest.approx(0.9)
    # the common scales keep their top two boxes, whatever was given (a
    # half point, a mean of items: not a step of the scale)
    assert _top_two_boxes([1, 3, 5]) == 4 and _top_two_boxes([2, 6, 7]) == 6
    assert _top_two_boxes([1, 2, 3, 4, 4.5, 5]) == 4
    assert _top_two_boxes([0, 5, 9.5, 10]) == 9
    assert _top_two_boxes(np.arange(1, 21) * 0.05) == 0.95  # no rounding error
    tiers = em.connection_tiers([0, 0, 1, 0], tens[[9, 8, 7, 2]] / 100)
    assert tiers.tolist()[:2] == ["highly_satisfied", "highly_satisfied"]


def test_weights_in_another_order_are_refused_not_paired_by_position(small):
    """A weight Series sorted (same labels, other order) was read by position:
    each respondent took another's weight, and the tier shares, their mean
    value and alpha moved with no error."""
    survey = small.survey
    facets = list(small.catalog["facet"])
    items = survey.filter(like="motivator__")
    w = survey["weight"].sort_values()
    fix = r"pass sample_weight.loc\[survey.index\]"
    with pytest.raises(em.ValidationError, match=fix):
        em.connection_measures(
            survey, facets=facets, connection="connected", sample_weight=w
        )
    with pytest.raises(em.ValidationError, match=r"sample_weight.loc\[items.index\]"):
        em.cronbach_alpha(items, sample_weight=w)
    with pytest.raises(em.ValidationError, match=r"sample_weight.loc\[X.index\]"):
        em.motivator_drivers(survey[facets], items, sample_weight=w)
    # the same weights in the survey's order, or as plain values, are taken
    aligned = em.cronbach_alpha(items, sample_weight=w.loc[items.index])
    assert aligned == em.cronbach_alpha(items, sample_weight=survey["weight"])
    values = survey["weight"].to_numpy()
    assert aligned == em.cronbach_alpha(items, sample_weight=values)
