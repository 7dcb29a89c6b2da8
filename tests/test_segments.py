"""Segment drivers: rankings within segments, the test of difference, small segments."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

import emomotiv as em
from emomotiv._stats import few_replicates
from emomotiv.bootstrap import ONE_REPLICATE
from emomotiv.results import SimulationResult
from emomotiv.segments import COLUMNS, GAIN_COLUMNS, _heterogeneity

FAST = {"n_estimators": 60, "cv": 0}


@pytest.fixture(scope="module")
def segmented():
    """A strong driver in one segment only, switched off in the others."""
    effects = {
        "Self-directed": {"brand_reputation": 0.6},
        "Advised": {"brand_reputation": 0.0},
        "Retirement": {"brand_reputation": 0.0},
    }
    s = em.make_survey(2000, 10, random_state=3, segment_effects=effects)
    X = s.survey[list(s.catalog["facet"])]
    result = em.segment_drivers(
        em.DriverModel(**FAST, random_state=0),
        X,
        s.survey["connected"],
        s.survey["customer_type"],
        labels=dict(zip(s.catalog["facet"], s.catalog["label"], strict=True)),
        min_size=300,
        n_boot=8,
        progress=False,
        random_state=0,
    )
    return s, result


def test_long_table_has_the_contract_columns(segmented):
    s, result = segmented
    table = result.to_frame()
    assert list(table.columns) == list(COLUMNS)
    assert len(table) == 10 * 3
    ranked = table.loc[table["ranked"]]
    # every facet is rated, with more than one rating, in every segment
    assert ranked["note"].isna().all()
    assert ranked[["importance", "rank", "delta_connected"]].notna().all().all()
    for _, part in ranked.groupby("segment"):
        assert part["importance"].sum() == pytest.approx(1)
        assert sorted(part["rank"]) == list(range(1, 11))
        assert part["p_top"].between(0, 1).all()
    assert (table["p_differ_adj"] >= table["p_differ"] - 1e-12).all()
    sizes = s.survey["customer_type"].value_counts()
    n = table.groupby("segment")["n"].first()
    assert n.to_dict() == sizes.to_dict()


def test_a_segment_specific_driver_is_found_and_flagged(segmented):
    s, result = segmented
    table = result.table.set_index(["segment", "facet"])
    assert table.loc[("Self-directed", "brand_reputation"), "rank"] <= 2
    # its gain is beyond noise where it drives, and only there
    beyond = table["beyond_noise"]
    assert beyond[("Self-directed", "brand_reputation")]
    assert not beyond[("Advised", "brand_reputation")]
    assert not beyond[("Retirement", "brand_reputation")]
    assert (table.loc[beyond.fillna(False).astype(bool), "p_value"] < 0.1).all()
    for other in ("Advised", "Retirement"):
        truth = s.truth_by_segment[other]
        assert not truth.loc["brand_reputation", "is_driver"]
        # ranked below every true driver of that segment
        n_drivers = int(truth["is_driver"].sum())
        assert table.loc[(other, "brand_reputation"), "rank"] > n_drivers
    assert bool(table.loc[("Advised", "brand_reputation"), "differs"])
    assert "brand_reputation" in result.to_summary()["differing"]
    # the truth agrees: it is the only facet whose effect differs
    truth = s.truth_by_segment["Advised"]
    assert truth.index[truth["differs"]].tolist() == ["brand_reputation"]


def test_a_small_segment_is_reported_not_ranked(small):
    X = small.survey[list(small.catalog["facet"])]
    result = em.segment_drivers(
        em.DriverModel(**FAST),
        X,
        small.survey["connected"],
        small.survey["customer_type"],
        min_size=250,
        n_boot=3,
        progress=False,
        random_state=0,
    )
    info = result.info["segments"]
    small_ones = [k for k, v in info.items() if v["n"] < 250]
    assert small_ones and all(not info[k]["ranked"] for k in small_ones)
    rows = result.table.loc[result.table["segment"].isin(small_ones)]
    assert rows["importance"].isna().all() and not rows["ranked"].any()
    assert rows["note"].str.contains("below the minimum of 250").all()
    one = small.survey["customer_type"].astype(object).copy()
    one.iloc[0] = "Solo"
    solo = _fast(small, one).info["segments"]["Solo"]
    assert solo["note"].startswith("not ranked: 1 respondent, below")
    # one ranked segment: no test of difference, and the reason
    assert result.table["p_differ"].isna().all()
    assert "fewer than two segments" in result.info["note"]
    # a column of one value has no segments to compare, and says so
    every = pd.Series("Retail", index=small.survey.index)
    note = _fast(small, every).info["note"]
    assert note.endswith(
        "the segment column holds one value ('Retail'), so there "
        "are no segments to compare"
    )


def test_each_segment_row_gives_the_segments_own_reach_and_mean_score(small):
    """A touchpoint fewer use in one segment moves less of its share at the
    same effect per user: each row says how many there rated it (weighted),
    ranked segment or not."""
    facets = list(small.catalog["facet"])
    survey = small.survey.copy()
    used_by_few = survey["customer_type"].eq("Advised") & (survey.index % 4 > 0)
    survey.loc[used_by_few, "mobile_app"] = np.nan
    w = survey["weight"].to_numpy()
    result = em.segment_drivers(
        em.DriverModel(**FAST),
        survey[facets],
        survey["connected"],
        survey["customer_type"],
        sample_weight=w,
        min_size=250,
        n_boot=2,
        progress=False,
        random_state=0,
    )
    table = result.table.set_index(["segment", "facet"])
    for name, part in survey.groupby("customer_type", observed=True):
        rated = part["mobile_app"].notna()
        weight = part["weight"]
        reach = weight[rated].sum() / weight.sum()
        mean = np.average(part.loc[rated, "mobile_app"], weights=weight[rated])
        row = table.loc[(name, "mobile_app")]
        assert row["reach"] == pytest.approx(reach)
        assert row["mean_score"] == pytest.approx(mean)
    assert table.loc[("Advised", "mobile_app"), "reach"] < 0.35
    assert table["reach"].notna().all()  # the small, unranked segment too


def test_a_segment_not_ranked_carries_no_test_result(small):
    """The test of difference compares the ranked segments: a segment below
    the minimum has no p-value and no flag, not the test's "does not differ"."""
    one = small.survey["customer_type"].astype(object).copy()
    one.iloc[:5] = "Few"
    table = _fast(small, one, n_boot=3).table
    few = table["segment"] == "Few"
    assert table.loc[~few, "p_differ"].notna().any()
    assert table.loc[few, ["p_differ", "p_differ_adj", "differs"]].isna().all().all()


def test_a_facet_its_segment_models_rarely_split_on_is_not_estimable():
    """In one segment 97% of the raters give the facet an 8: its models can
    hardly split on it, so its gain there would read 0 with no spread and be
    flagged as differing. It is left empty with the reason, out of the test,
    like a facet every rater gave one rating."""
    rng = np.random.default_rng(42)
    n, p = 900, 4
    seg = np.repeat(["North", "South", "West"], n // 3)
    R = np.clip(np.round(6.5 + rng.normal(scale=2.0, size=(n, p))), 1, 10)
    west = seg == "West"
    R[west, 0] = rng.choice([7, 8, 9], size=west.sum(), p=[0.015, 0.97, 0.015])
    logit = -1.0 + (R - 6.5) @ np.array([0.4, 0.3, 0.0, 0.0])
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    X = pd.DataFrame(R, columns=["a", "b", "c", "d"])
    result = em.segment_drivers(
        em.DriverModel(**FAST),
        X,
        pd.Series(y),
        pd.Series(seg),
        min_size=100,
        n_boot=10,
        progress=False,
        random_state=0,
    )
    table = result.table.set_index(["segment", "facet"])
    cell = table.loc[("West", "a")]
    assert np.isnan(cell["importance"]) and np.isnan(cell["delta_connected"])
    assert "split on it in" in cell["note"] and np.isnan(cell["p_differ"])
    assert table.loc[("North", "a"), "p_differ"] >= 0  # tested, between the others
    assert table.loc[("West", "b"), "importance"] > 0


def _fast(small, segments, X=None, n_boot=0):
    """Segment drivers of the small survey (without a bootstrap)."""
    X = small.survey[list(small.catalog["facet"])] if X is None else X
    return em.segment_drivers(
        em.DriverModel(**FAST),
        X,
        small.survey["connected"],
        segments,
        min_size=100,
        n_boot=n_boot,
        progress=False,
        random_state=0,
    )


def test_a_segment_with_a_handful_in_one_outcome_class_is_not_ranked(small):
    """Three respondents, one of them connected, above a minimum size of 2:
    too few for the out-of-fold gains' folds, so the segment is reported, not
    ranked (it was a raw scikit-learn error on the folds)."""
    y = small.survey["connected"]
    rows = list(y.index[y == 1][:1]) + list(y.index[y == 0][:2])
    segments = pd.Series("rest", index=y.index).where(~y.index.isin(rows), "tiny")
    X = small.survey[list(small.catalog["facet"])]
    result = em.segment_drivers(
        em.DriverModel(**FAST), X, y, segments, min_size=2, n_boot=0, progress=False
    )
    assert not result.info["segments"]["tiny"]["ranked"]
    assert result.info["segments"]["rest"]["ranked"]
    assert (
        "1 respondents in one outcome class" in result.info["segments"]["tiny"]["note"]
    )


def test_respondents_with_an_empty_segment_cell_are_in_no_segment(small):
    seg = small.survey["customer_type"].where(small.survey.index > 5)
    result = _fast(small, seg)
    sizes = {name: info["n"] for name, info in result.info["segments"].items()}
    assert sizes == seg.value_counts().to_dict()  # no "nan" segment
    assert sum(sizes.values()) == len(seg) - 6
    assert result.info["unassigned"] == 6
    assert result.info["left_out"].startswith("6 respondents are in no segment")
    assert set(result.table["segment"]) == set(sizes)


def test_numeric_segment_codes_keep_their_names_with_empty_cells(small):
    """A coded column with empty cells is read as floats: segment 1, not 1.0."""
    codes = pd.factorize(small.survey["customer_type"], sort=True)[0] + 1
    seg = pd.Series(codes, dtype=float).where(small.survey.index > 5)
    result = _fast(small, seg)
    expected = {str(c) for c in np.unique(codes[6:])}
    assert set(result.info["segments"]) == expected
    assert set(result.table["segment"]) == expected
    halves = _fast(small, np.where(small.survey.index % 2, 1.5, 2.0))
    assert set(halves.table["segment"]) == {"1.5", "2"}


def test_labels_typed_with_spaces_are_one_segment_and_blanks_are_none(small):
    """'Advised ' is 'Advised'; a cell of spaces only is empty (it was a
    segment of its own, named by nothing)."""
    typed = small.survey["customer_type"].astype(object).copy()
    typed.iloc[::3] = typed.iloc[::3] + " "
    typed.iloc[:4] = "  "
    result = _fast(small, typed)
    expected = small.survey["customer_type"].iloc[4:].value_counts().to_dict()
    assert {k: v["n"] for k, v in result.info["segments"].items()} == expected
    assert result.info["unassigned"] == 4


def test_a_label_in_two_unicode_forms_is_one_segment(small):
    """'Épargne' written as 'E' plus a combining accent (as macOS exports
    do) looks the same but was a second segment."""
    from emomotiv.segments import _check_segments

    composed, decomposed = "\u00c9pargne", "E\u0301pargne"
    labels = _check_segments([composed, decomposed, "\u6771\u4eac"], 3, 2)
    assert labels.tolist() == [composed, composed, "\u6771\u4eac"]


def test_a_segment_column_empty_in_every_row_is_refused(small):
    X = small.survey[list(small.catalog["facet"])]
    with pytest.raises(em.ValidationError, match="empty for every one of the 600"):
        em.segment_drivers(
            em.DriverModel(**FAST),
            X,
            small.survey["connected"],
            pd.Series(np.nan, index=X.index),
            n_boot=0,
            progress=False,
        )


def _weighted(small, weights, n_boot=0):
    """Segment drivers of the small survey by customer type, with weights."""
    return em.segment_drivers(
        em.DriverModel(**FAST),
        small.survey[list(small.catalog["facet"])],
        small.survey["connected"],
        small.survey["customer_type"],
        sample_weight=weights,
        min_size=100,
        n_boot=n_boot,
        progress=False,
        random_state=0,
    )


def test_a_segment_whose_weights_are_all_zero_is_not_ranked(small):
    """It was an error on weights summing to zero that named no segment."""
    seg = small.survey["customer_type"]
    result = _weighted(small, small.survey["weight"].where(seg != "Retirement", 0.0))
    info = result.info["segments"]
    assert not info["Retirement"]["ranked"]
    assert "has weight 0" in info["Retirement"]["note"]
    assert info["Advised"]["ranked"] and info["Self-directed"]["ranked"]


def test_a_segment_held_by_a_few_weights_says_so_and_warnings_name_it(small):
    """Five respondents holding most of a segment's weight make it a segment
    of about twenty: its note says so. Held by five, its models split on
    nothing in most resamples and it is not ranked. A bootstrap's warning
    about one segment names it."""
    weights = small.survey["weight"].copy()
    advised = np.flatnonzero(small.survey["customer_type"] == "Advised")[:5]
    weights[advised] = 50.0
    with pytest.warns(UserWarning, match="^Segment 'Retirement': In 1 of 6 "):
        result = _weighted(small, weights, n_boot=6)
    info = result.info["segments"]
    assert info["Advised"]["ranked"]
    assert "worth 20 (Kish's effective size)" in info["Advised"]["note"]
    assert info["Self-directed"]["note"] is None
    weights[advised] = 5000.0
    held = _weighted(small, weights, n_boot=3).info["segments"]["Advised"]
    assert not held["ranked"]
    assert "made no split on any facet in 2 of 3 resamples" in held["note"]


def test_a_warning_about_the_run_is_said_once_not_per_segment(small):
    """n_boot=1 was warned once per ranked segment, each named as if it
    were about that segment; a segment not ranked for its models' lack of
    a split says so in its note, not in a warning as well."""
    weights = small.survey["weight"].copy()
    weights[np.flatnonzero(small.survey["customer_type"] == "Advised")[:5]] = 5000.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _weighted(small, weights, n_boot=1)
    assert result.info["n_ranked"] == 2
    said = [str(w.message) for w in caught]
    assert [m for m in said if "n_boot=1" in m] == [ONE_REPLICATE]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _weighted(small, small.survey["weight"], n_boot=3)
    few = [str(w.message) for w in caught if "bootstrap replicates" in str(w.message)]
    assert few == [few_replicates(3, 0.9)]  # once, not "in every ranked segment"
    assert not [m for m in said if "too few" in m]
    assert "made no split" in result.info["segments"]["Advised"]["note"]


def test_the_same_warning_in_every_segment_is_said_once():
    from emomotiv.segments import _say_warnings

    def caught(*messages):
        return [warnings.WarningMessage(m, UserWarning, "x.py", 1) for m in messages]

    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        _say_warnings({"a": caught("same", "a only"), "b": caught("same")}, True)
        _say_warnings({"a": caught("one")}, True)  # one segment: its own
        _say_warnings({"a": caught("same"), "b": caught("same")}, False)
    assert [str(w.message) for w in said] == [
        "In every ranked segment (2): same",
        "Segment 'a': a only",
        "Segment 'a': one",
        "Segment 'a': same",  # a fit raised: not every segment was fitted
        "Segment 'b': same",
    ]


def test_a_column_name_for_segments_is_named(small):
    X = small.survey[list(small.catalog["facet"])]
    with pytest.raises(em.ValidationError, match=r"such as survey\['customer_type'\]"):
        em.segment_drivers(
            em.DriverModel(**FAST), X, small.survey["connected"], "customer_type"
        )


def _fake(gains, variance, n_boot=400, seed=0):
    """A segment's one-point gains with replicates of exactly that variance."""
    rng = np.random.default_rng(seed)
    reps = rng.normal(gains, np.sqrt(variance), (n_boot, len(gains)))
    reps = (reps - reps.mean(axis=0)) / reps.std(axis=0, ddof=1) * np.sqrt(variance)
    table = pd.DataFrame({"delta_connected": gains})
    return SimulationResult(table, {}, pd.DataFrame(reps + np.asarray(gains)))


def test_heterogeneity_is_welchs_test_on_the_gains():
    from scipy.stats import ttest_ind_from_stats
    from statsmodels.stats.oneway import anova_generic

    # Two segments: Welch's t on the gains, with the replicates' variances
    # estimated from 5 and 8 replicates (Cochran's Q on chi-square, which
    # takes the variances as known, read p = 0.021 here, against 0.050).
    a = _fake([0.05, 0.02], [0.0002, 0.0001], n_boot=5)
    b = _fake([0.01, 0.02], [0.0001, 0.0001], n_boot=8, seed=1)
    p = _heterogeneity({"a": a, "b": b}, ["f0", "f1"])
    welch = ttest_ind_from_stats(
        0.05, np.sqrt(0.0002 * 5), 5, 0.01, np.sqrt(0.0001 * 8), 8, equal_var=False
    )
    assert p["f0"] == pytest.approx(welch.pvalue, rel=1e-6)
    assert p["f0"] > 0.05 > 0.03 > chi2.sf(0.04**2 / 0.0003, 1)
    assert p["f1"] == pytest.approx(1.0)  # equal gains
    # Three segments: Welch's (1951) heterogeneous-variance ANOVA.
    c = _fake([0.03, 0.02], [0.0003, 0.0001], n_boot=4, seed=2)
    p = _heterogeneity({"a": a, "b": b, "c": c}, ["f0", "f1"])
    n = np.array([5, 8, 4])
    v = np.array([0.0002, 0.0001, 0.0003])
    ref = anova_generic(np.array([0.05, 0.01, 0.03]), v * n, n, use_var="unequal")
    assert p["f0"] == pytest.approx(ref.pvalue, rel=1e-6)
    # with many replicates, the chi-square reading of Cochran's Q
    a, b = _fake([0.05], [0.0002], n_boot=20000), _fake([0.01], [0.0001], 20000, 1)
    p = _heterogeneity({"a": a, "b": b}, ["f0"])
    assert p["f0"] == pytest.approx(chi2.sf(0.04**2 / 0.0003, 1), rel=0.01)


def test_a_segment_where_nobody_rated_a_facet_is_left_out_of_its_test(small):
    """A touchpoint one segment never uses has a gain of 0 there, with no
    spread: there is nobody to raise. Read as an effect of exactly 0, it
    made the facet 'differ' (the whole survey's top driver, blanked in one
    segment of three, was flagged in 3 runs of 3)."""
    a = _fake([0.05, 0.02], [0.0002, 0.0001], n_boot=5)
    b = _fake([0.01, 0.02], [0.0001, 0.0001], n_boot=8, seed=1)
    c = _fake([0.0, 0.03], [1e-12, 0.0001], n_boot=4, seed=2)
    rated = np.array([[True, True, False], [True, True, True]])
    p = _heterogeneity({"a": a, "b": b, "c": c}, ["f0", "f1"], rated)
    assert p["f0"] == _heterogeneity({"a": a, "b": b}, ["f0", "f1"])["f0"]
    assert p["f1"] == _heterogeneity({"a": a, "b": b, "c": c}, ["f0", "f1"])["f1"]
    # Two ranked segments, the facet blanked in one: nothing to test. Its
    # cell was importance 0 [0, 0], ranked last, gain 0 [0, 0], no note.
    two = small.survey["customer_type"].where(lambda t: t != "Retirement")
    X = small.survey[list(small.catalog["facet"])].copy()
    X.loc[two == "Advised", "brand_reputation"] = np.nan
    table = _fast(small, two, X, n_boot=3).table.set_index(["segment", "facet"])
    cell = table.loc[("Advised", "brand_reputation")]
    empty = ["importance", "importance_low", "importance_high", "rank", "p_top"]
    assert cell[empty + list(GAIN_COLUMNS) + ["p_value"]].isna().all()
    assert cell["note"] == "not rated in this segment" and cell["ranked"]
    advised = table.xs("Advised", level="segment").drop("brand_reputation")
    assert sorted(advised["rank"]) == list(range(1, len(X.columns)))
    assert advised["note"].isna().all()
    blanked = table.xs("brand_reputation", level="facet")
    assert blanked["p_differ"].isna().all() and blanked["differs"].isna().all()
    assert table["p_differ"].notna().sum() == 2 * (len(X.columns) - 1)


def test_a_facet_every_rater_of_a_segment_gave_one_rating_is_not_estimated(capsys):
    """Every Advised rater of a facet gave 7: its model never saw another
    rating, so a one-point rise does nothing there (gain 0 [0, 0]). Read as
    an effect of 0, it made a facet whose effect is the same in every
    segment differ (p_differ_adj 0.0007 at 2,000 x 12, 20 replicates)."""
    from emomotiv.cli import _print_segments

    s = em.make_survey(1500, 8, random_state=0)
    facet = s.catalog["facet"].iloc[0]
    survey = s.survey.copy()
    flat = (survey["customer_type"] == "Advised") & survey[facet].notna()
    survey.loc[flat, facet] = 7
    result = em.analyze(
        survey,
        s.catalog,
        connection="connected",
        segment="customer_type",
        model=em.DriverModel(**FAST),
        min_segment_size=200,
        n_boot=8,
        methods=False,
        progress=False,
        random_state=0,
    )
    table = result.tables["segment_drivers"].set_index(["segment", "facet"])
    cell = table.loc[("Advised", facet)]
    assert cell[["importance", "rank", *GAIN_COLUMNS, "p_differ"]].isna().all()
    assert pd.isna(cell["differs"])
    n_raters = int(flat.sum())
    assert cell["note"] == (
        f"every one of its {n_raters} raters in this segment gave 7: "
        "no effect to estimate"
    )
    assert sorted(table.xs("Advised", level="segment")["rank"].dropna()) == list(
        range(1, 8)
    )
    # tested on the other two segments only, where its effect is the same
    others = table.xs(facet, level="facet").drop("Advised")
    assert others["p_differ"].notna().all() and not others["differs"].any()
    assert facet not in result.summary["segments"]["differing"]
    html = " ".join(em.Report(result).html().split())
    assert f"in Advised (every one of its {n_raters} raters" in html
    _print_segments(result.summary, result.tables["segment_drivers"])
    assert "no touchpoint differs" in capsys.readouterr().out


def test_a_facet_rated_by_fewer_than_three_in_a_segment_is_not_estimated():
    from emomotiv.segments import _not_estimable

    X = pd.DataFrame(
        {
            "none": [np.nan] * 4,
            "one": [5.0, np.nan, np.nan, np.nan],
            "same": [7.0, 7.0, 7.0, np.nan],
            "two": [3.0, 8.0, np.nan, np.nan],
            "three": [3.0, 8.0, 8.0, np.nan],
        }
    )
    notes = _not_estimable(X, np.ones(4, dtype=bool), list(X.columns))
    assert notes.to_dict() == {
        "none": "not rated in this segment",
        "one": "its one rater in this segment gave 5: no effect to estimate",
        "same": "every one of its 3 raters in this segment gave 7: no effect "
        "to estimate",
        "two": "rated by 2 respondents in this segment, fewer than the 3 an "
        "effect needs",
        "three": None,
    }
    # a respondent of weight 0 is no rater
    assert _not_estimable(X, np.array([True, True, False, True]), ["three"])[
        "three"
    ].startswith("rated by 2")


def test_each_segment_gets_its_one_point_gains_with_intervals(segmented):
    s, result = segmented
    table = result.to_frame().set_index(["segment", "facet"])
    assert table[["delta_connected", "delta_connected_low"]].notna().all().all()
    inside = (table["delta_connected_low"] <= table["delta_connected"]) & (
        table["delta_connected"] <= table["delta_connected_high"]
    )
    assert inside.all()
    # the driver of one segment only: a clear gain there, none elsewhere
    assert table.loc[("Self-directed", "brand_reputation"), "delta_connected_low"] > 0
    # (0.038 there; elsewhere 0.003, and 0.0098 or 0.0102 by the libraries'
    # versions: noise, as facets that drive nothing reach 0.017 here)
    for other in ("Advised", "Retirement"):
        gain = table.loc[(other, "brand_reputation"), "delta_connected"]
        assert abs(gain) < 0.02
        truth = s.truth_by_segment[other].loc["brand_reputation", "true_uplift"]
        assert truth == 0


def test_one_replicate_gives_no_test_and_says_why(small):
    X = small.survey[list(small.catalog["facet"])]
    result = em.segment_drivers(
        em.DriverModel(**FAST),
        X,
        small.survey["connected"],
        small.survey["customer_type"],
        min_size=150,
        n_boot=1,
        progress=False,
        random_state=0,
    )
    assert result.info["n_ranked"] >= 2
    assert result.table["p_differ"].isna().all()
    assert result.table["delta_connected"].notna().any()
    assert "n_boot >= 2" in result.info["note"]


def test_analyze_writes_segment_drivers_and_the_report_shows_them():
    s = em.make_survey(1500, 8, random_state=2)

    def run(survey, n_boot):
        return em.analyze(
            survey,
            s.catalog,
            **s.roles,
            model=em.DriverModel(**FAST),
            n_boot=n_boot,
            methods=False,
            progress=False,
            min_segment_size=350,
        )

    result = run(s.survey, 4)
    table = result.tables["segment_drivers"]
    assert set(table["segment"]) == set(s.survey["customer_type"])
    assert isinstance(result.segments, em.SegmentDrivers)
    pd.testing.assert_frame_equal(result.segments.to_frame(), table)
    summary = result.summary["segments"]
    assert summary["min_size"] == 350
    assert summary["segments"]["Retirement"]["ranked"] is False
    html = em.Report(result).html()
    assert "What drives “connected” in each segment" in html
    assert "holding each customer's general warmth fixed" in " ".join(html.split())
    assert "Segment <strong>Retirement</strong>" in html
    assert "below the minimum of 350" in html
    assert summary["unassigned"] == 0 and summary["left_out"] is None
    # an empty segment cell stops nothing: the respondent is in no segment
    survey = s.survey.copy()
    survey.loc[:9, "customer_type"] = np.nan
    gaps = run(survey, 0)
    assert gaps.summary["data"]["n_respondents"] == 1500
    assert gaps.summary["segments"]["unassigned"] == 10
    assert "10 respondents are in no segment" in em.Report(gaps).html()
    without = em.analyze(
        s.survey,
        s.catalog,
        connection="connected",
        model=em.DriverModel(**FAST),
        n_boot=0,
        methods=False,
        progress=False,
    )
    assert "segment_drivers" not in without.tables
    assert "no segment column" in without.summary["segments"]["skipped"]
    assert "No segment column was given" in em.Report(without).html()


def test_controls_are_seen_by_each_segment_model_and_never_ranked():
    s = em.make_survey(1200, 8, random_state=4, halo_effect="moderate")
    facets = list(s.catalog["facet"])
    design = em.design_matrix(s.survey[facets], sample_weight=s.survey["weight"])
    result = em.segment_drivers(
        em.DriverModel(**FAST, random_state=0),
        design.matrix,
        s.survey["connected"],
        s.survey["customer_type"],
        sample_weight=s.survey["weight"],
        min_size=250,
        n_boot=3,
        progress=False,
        random_state=0,
        controls=design.groups,
    )
    table = result.to_frame()
    assert set(table["facet"]) == set(facets)
    for name, boot in result.results.items():
        assert list(boot.controls.index) == list(design.controls)
        ranked = table[(table["segment"] == name)]
        assert ranked["importance"].sum() == pytest.approx(1)


def test_analyze_holds_warmth_fixed_in_each_segment_model(by_halo):
    """Where warmth lifts connection, segment models on the facets alone hand
    it to every well-rated facet: the facets that move nothing took up 0.76
    of each segment's true total gain (benchmarks/bench_segments.py), with
    the whole survey's halo score 0.12."""
    s = em.make_survey(3000, 20, random_state=0, halo_effect="moderate")
    roles = {
        k: v for k, v in s.roles.items() if k not in ("value", "churn", "advocacy")
    }
    drivers = s.truth["is_driver"]
    taken = {}
    for halo, result in by_halo(s, roles).items():
        info = result.summary["segments"]
        assert info["controls"] == ([] if halo == "none" else ["__halo__"])
        ratios = []
        for _, part in result.tables["segment_drivers"].groupby("segment"):
            gain = part.set_index("facet")["delta_connected"].reindex(drivers.index)
            ratios.append(gain[~drivers].sum() / gain[drivers].sum())
        taken[halo] = np.mean(ratios)
    assert taken["mean"] < 0.3 < 0.5 < taken["none"]
    html = " ".join(em.Report(result).html().split())
    assert "holding each customer's general warmth fixed" not in html  # halo none


def test_a_segment_too_small_for_a_stable_ranking_says_so(capsys):
    """A segment is a smaller survey: at 400 respondents its top of 30 facets
    is largely noise, at 2,000 it is not (the whole survey's threshold)."""
    from emomotiv.cli import _print_segments

    s = em.make_survey(n_respondents=2400, n_facets=30, random_state=0)
    survey = s.survey.assign(size=np.where(np.arange(2400) < 2000, "large", "small"))
    result = em.analyze(
        survey,
        s.catalog,
        connection="connected",
        segment="size",
        model=em.DriverModel(**FAST),
        n_boot=10,
        methods=False,
        progress=False,
        random_state=0,
    )
    sizes = result.summary["segments"]["segments"]
    small, large = sizes["small"]["stability"], sizes["large"]["stability"]
    assert small["low"] and small["top_k_overlap"] < small["threshold"]
    assert not large["low"] and large["top_k_overlap"] >= large["threshold"]
    assert small["top_k"] == large["top_k"] == 6
    for name, segment in result.segments.results.items():
        overlap = segment.info["stability"]["top_k_overlap"]
        assert sizes[name]["stability"]["top_k_overlap"] == overlap
    _print_segments(result.summary, result.tables["segment_drivers"])
    lines = capsys.readouterr().out.splitlines()
    (flagged,) = [line for line in lines if "(unstable" in line]
    assert flagged.split()[0] == "small"
    # said once, as a warning naming it (in summary["warnings"] and on stderr)
    assert not any(line.strip().startswith("Unstable ranking") for line in lines)
    said = [w for w in result.summary["warnings"] if "ranked segments is unstable" in w]
    assert len(said) == 1 and "small " in said[0]
    html = " ".join(em.Report(result).html().split())
    assert "The ranking of small is unstable" in html
    assert html.count("unstable ranking</span>") == 1
    # said in the segment section, not atop the report's summary as well
    assert "ranked segments is unstable" not in html
    # without replicates there is no stability to read
    bare = em.segment_drivers(
        em.DriverModel(**FAST, random_state=0),
        s.survey[list(s.catalog["facet"])],
        s.survey["connected"],
        survey["size"],
        n_boot=0,
        progress=False,
    )
    assert bare.info["segments"]["small"]["stability"] is None


def test_only_one_segment_large_enough_to_rank_is_warned_of_once():
    """With the default minimum of 300, one segment of four is ranked: the
    notebook user who asked for segments is told, with the sizes, the
    minimum and how to lower it; the report says it in its segment section."""
    s = em.make_survey(n_respondents=600, n_facets=6, random_state=0)
    region = np.repeat(["North", "East", "South", "West"], [350, 120, 80, 50])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = em.analyze(
            s.survey.assign(region=region), s.catalog, connection="connected",
            segment="region", model=em.DriverModel(**FAST), n_boot=2,
            methods=False, progress=False,
        )  # fmt: skip
    said = [str(w.message) for w in caught if "segments has the" in str(w.message)]
    assert len(said) == 1 and result.summary["warnings"].count(said[0]) == 1
    assert said[0].startswith(
        "Only 1 of the 4 segments has the 300 respondents a segment needs to be "
        "ranked ('North', 350): 'East' (120), 'South' (80), 'West' (50) are listed"
    )
    assert "min_segment_size=120 in Python, --min-segment-size 120" in said[0]
    html = " ".join(em.Report(result).html().split())
    assert "segments has the" not in html  # said in the segment section
    assert "Segment <strong>East</strong> (120 respondents) is not ranked" in html
    from emomotiv.segments import few_segments_warning

    info = result.summary["segments"]
    assert few_segments_warning(info) == said[0]
    sizes = {name: {"n": part["n"]} for name, part in info["segments"].items()}
    assert few_segments_warning({"min_size": 120, "segments": sizes}) is None
    assert few_segments_warning({"min_size": 400, "segments": sizes}).startswith(
        "None of the 4 segments has the 400 respondents"
    )
    # a segment at least half the minimum is offered a lower one to rank it
    near = {name: {"n": n} for name, n in (("North", 350), ("East", 200))}
    assert few_segments_warning({"min_size": 300, "segments": near}).endswith(
        "To rank smaller segments, with noisier rankings, lower the minimum "
        "(min_segment_size=200 in Python, --min-segment-size 200 on the command "
        "line), or group small segments together."
    )


def test_segment_drivers_alone_warns_when_fewer_than_two_segments_are_ranked():
    """The notebook user calling segment_drivers is told as analyze's user
    is; a segment with respondents enough but an outcome of one value is
    named with its reason, not counted as one ranked, nor advised a lower
    minimum it does not need."""
    s = em.make_survey(n_respondents=900, n_facets=6, random_state=0)
    X, y = s.survey[list(s.catalog["facet"])], s.survey["connected"].to_numpy().copy()
    region = np.repeat(["North", "South", "East"], [450, 350, 100])
    y[450:800] = 0  # nobody in the South is connected
    with pytest.warns(UserWarning, match="segments is ranked") as caught:
        result = em.segment_drivers(
            em.DriverModel(**FAST, random_state=0), X, y, region,
            n_boot=2, progress=False, random_state=0,
        )  # fmt: skip
    said = [str(w.message) for w in caught if "segments is ranked" in str(w.message)]
    assert said == [
        "Only 1 of the 3 segments is ranked ('North', 450): 'South' (350) is not "
        "ranked: the outcome takes one value in this segment; 'East' (100) has "
        "fewer than the 300 respondents a segment needs: it is listed, not ranked, "
        "and no test of difference between segments was possible. Group small "
        "segments together to rank them: a minimum as low as 100 "
        "(min_segment_size=100 in Python, --min-segment-size 100 on the command "
        "line) would rank 100 respondents, a ranking mostly of noise, whose models "
        "may make no split at all."
    ]
    assert not result.info["segments"]["South"]["ranked"]
    # no minimum ranks two where the rest are held back for their own reason
    from emomotiv.segments import few_segments_warning

    info = {"min_size": 300, "segments": {"South": result.info["segments"]["South"]}}
    info["segments"]["East"] = {"n": 100, "ranked": False}
    assert few_segments_warning(info).endswith(
        "no test of difference between segments was possible, whatever the "
        "minimum: fewer than two segments can be ranked."
    )
    # two segments ranked: nothing to warn of
    with warnings.catch_warnings(record=True) as quiet:
        warnings.simplefilter("always")
        em.segment_drivers(
            em.DriverModel(**FAST, random_state=0), X, y, region,
            min_size=100, n_boot=2, progress=False, random_state=0,
        )  # fmt: skip
    assert not [w for w in quiet if "segments" in str(w.message)[:40]]


def test_a_segment_whose_models_split_on_nothing_is_not_ranked():
    """Seventy respondents with a handful connected: min_child_weight=5
    leaves every refit of the segment without a split. Its shares would all
    be 1/p, ranked by column order, and its gains 0 with no spread, which
    the test of difference read as differing from every other segment."""
    s = em.make_survey(900, 6, random_state=3, connected_share=0.15)
    X = s.survey[list(s.catalog["facet"])]
    y = s.survey["connected"].copy()
    segment = pd.Series(np.where(np.arange(900) < 830, "North", "South"))
    south = np.flatnonzero(segment == "South")
    y.iloc[south] = 0
    y.iloc[south[:6]] = 1  # six connected: too few to split on
    result = em.segment_drivers(
        em.DriverModel(n_estimators=30, max_depth=2, cv=0, random_state=0),
        X,
        y,
        segment,
        min_size=50,
        n_boot=4,
        progress=False,
        random_state=0,
    )
    table = result.to_frame().set_index("segment")
    south = table.loc["South"]
    assert not south["ranked"].any()
    assert south["importance"].isna().all() and south["p_differ"].isna().all()
    assert south["note"].str.contains(r"made no split on any facet in 4 of 4").all()
    assert table.loc["North", "ranked"].all()
    assert table["differs"].isna().all()  # one segment ranked: nothing to test


def test_segments_written_in_other_cases_are_refused_and_numbers_sort_as_numbers():
    """'North', 'NORTH' and 'north' were three segments (90 customers out of
    North's model); segment codes 1, 2, 10 sorted as text (1, 10, 2)."""
    from emomotiv.segments import _check_segments

    labels = ["North"] * 5 + ["NORTH"] * 2 + ["north"] + ["South"] * 3
    with pytest.raises(em.ValidationError, match=r"'North' \(5\), 'NORTH' \(2\)"):
        _check_segments(labels, len(labels), 1)
    spaced = ["North", "North ", " North"] + ["South"] * 3  # one group already
    assert set(_check_segments(spaced, len(spaced), 1)) == {"North", "South"}
    s = em.make_survey(300, 6, random_state=0)
    survey = s.survey.assign(region=["North"] * 100 + ["NORTH"] * 20 + ["South"] * 180)
    with pytest.raises(em.ValidationError, match="'region' writes one group"):
        em.analyze(survey, s.catalog, connection="connected", segment="region")
    s = em.make_survey(600, 6, random_state=0)
    codes = np.tile([1, 2, 10], 200)
    result = em.segment_drivers(
        em.DriverModel(**FAST, random_state=0),
        s.survey[list(s.catalog["facet"])],
        s.survey["connected"],
        codes,
        min_size=100,
        n_boot=0,
        progress=False,
    )
    order = list(dict.fromkeys(result.to_frame()["segment"]))
    assert order == ["1", "2", "10"]
