"""Wave-over-wave tracking: real moves are flagged, noise is not."""

import html
import json
import math
import re
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

import emomotiv as em
from emomotiv.cli import _print_tracking, build_parser, main
from emomotiv.tracking import STAGE_COLUMNS, _percentile_width, add_comparison

CHANGED = "mobile_app"


def _bootstrapped(survey, catalog, *, n_boot, random_state=0):
    """An analysis whose importance carries bootstrap replicates (a light model)."""
    model = em.DriverModel(n_estimators=150, cv=0, n_jobs=1)
    return em.analyze(
        survey,
        catalog,
        connection="connected",
        weight="weight",
        wave="wave",
        model=model,
        n_boot=n_boot,
        progress=False,
        random_state=random_state,
    )


@pytest.fixture(scope="module")
def waves():
    """Two waves of one study; in the second one driver's effect triples.

    A change the comparison finds on most surveys of this size (4 of 5 seeds
    at 4,000 respondents; a driver removed altogether: 2 of 8, the docs of
    :mod:`emomotiv.tracking`)."""
    s = em.make_waves(4000, 30, random_state=4)
    tripled = 3 * s.truth_by_wave["2026Q2"].loc[CHANGED, "effect"]
    s = em.make_waves(4000, 30, effects={"2026Q3": {CHANGED: tripled}}, random_state=4)
    parts = {w: s.survey[s.survey["wave"] == w] for w in ("2026Q2", "2026Q3")}
    return s, {
        w: _bootstrapped(part.reset_index(drop=True), s.catalog, n_boot=30)
        for w, part in parts.items()
    }


def test_a_driver_that_grows_is_flagged_and_nothing_else(waves):
    s, runs = waves
    before = s.truth_by_wave["2026Q2"]
    after = s.truth_by_wave["2026Q3"]
    assert after.loc[CHANGED, "true_uplift"] > 2 * before.loc[CHANGED, "true_uplift"]
    result = em.compare(runs["2026Q2"], runs["2026Q3"])
    changes = result.changes.set_index("facet")
    assert result.flagged == [CHANGED]
    assert changes.loc[CHANGED, "change"] > 0
    assert changes.loc[CHANGED, "change_low"] > 0
    assert changes.loc[CHANGED, "rank_after"] < changes.loc[CHANGED, "rank_before"]
    # Every other facet kept its true effect: none moved beyond noise, and the
    # intervals of the unchanged drivers cover zero.
    others = before.index[before["is_driver"]].drop(CHANGED)
    assert not changes.loc[others, "flagged"].any()
    summary = result.summary
    assert summary["n_flagged"] == 1 and summary["flagged"]["up"] == [CHANGED]
    assert summary["waves"] == {"before": "2026Q2", "after": "2026Q3"}
    assert summary["uncertainty"] == "bootstrap replicates (30)"
    assert summary["estimate"] == "reported share"
    assert "Holm" in summary["rule"]


def test_the_reported_shares_are_compared(waves):
    """The shares compared are those each wave's report shows (the bagged
    mean), ranked as its drivers table ranks them; the full-data shares flag
    changes that did not happen (benchmarks/bench_tracking.py)."""
    _, runs = waves
    before, after = (runs[w].drivers.set_index("facet") for w in ("2026Q2", "2026Q3"))
    changes = em.compare(runs["2026Q2"], runs["2026Q3"]).changes.set_index("facet")
    bagged = after["importance"] - before["importance"]
    pd.testing.assert_series_equal(
        changes["change"].loc[bagged.index], bagged, check_names=False
    )
    pd.testing.assert_series_equal(
        changes["rank_after"].loc[after.index],
        after["rank"],
        check_names=False,
        check_dtype=False,
    )


def test_without_correction_more_facets_cross_the_line(waves):
    _, runs = waves
    holm = em.compare(runs["2026Q2"], runs["2026Q3"])
    raw = em.compare(runs["2026Q2"], runs["2026Q3"], correction="none")
    assert set(holm.flagged) <= set(raw.flagged)
    assert (raw.changes["p_adjusted"] == raw.changes["p_value"]).all()
    assert (holm.changes["p_adjusted"] >= holm.changes["p_value"]).all()


@pytest.fixture(scope="module")
def same_waves():
    """Three waves with the same drivers, each bootstrapped three times."""
    s = em.make_waves(500, 15, waves=("2025Q4", "2026Q1", "2026Q2"), random_state=3)
    return {
        w: _bootstrapped(part.reset_index(drop=True), s.catalog, n_boot=3)
        for w, part in s.survey.groupby("wave")
    }


def test_a_few_replicates_that_agree_do_not_flag_a_facet(same_waves):
    """Read on the normal distribution, the first pair flagged identity_check
    and first_trade_guidance (no effect in any wave) at adjusted p 1e-7."""
    for before, after in [("2025Q4", "2026Q1"), ("2025Q4", "2026Q2")]:
        result = em.compare(same_waves[before], same_waves[after])
        assert result.flagged == []
        assert "Student's t with" in result.summary["rule"]


def test_many_replicates_read_as_the_normal_distribution(small_result):
    """A hundred replicates a wave: t with ~200 degrees of freedom, p-values
    within a few percent of the normal reading, the same flags."""
    rng = np.random.default_rng(0)

    def with_replicates(result, shift):
        share = result.drivers.set_index("facet")["importance"] + shift
        share = share.clip(lower=0.001) / share.clip(lower=0.001).sum()
        draws = rng.normal(share, 0.01, size=(100, len(share))).clip(min=0)
        reps = pd.DataFrame(draws, columns=share.index)
        drivers = result.drivers.assign(importance=share.to_numpy())
        importance = replace(result.importance, replicates=reps)
        tables = dict(result.tables) | {"drivers": drivers}
        return replace(result, tables=tables, importance=importance)

    shift = np.linspace(-0.03, 0.03, len(small_result.drivers))
    result = em.compare(
        with_replicates(small_result, 0.0), with_replicates(small_result, shift)
    )
    changes = result.changes
    normal = 2 * norm.sf((changes["change"] / changes["se_change"]).abs())
    some = normal > 1e-3
    assert some.sum() >= 5
    np.testing.assert_allclose(changes["p_value"][some], normal[some], rtol=0.05)
    assert 150 < float(re.search(r"t with (\d+)", result.summary["rule"])[1]) < 200
    z = norm.ppf(0.975)
    width = changes["change_high"] - changes["change_low"]
    np.testing.assert_allclose(width, 2 * z * changes["se_change"], rtol=0.01)


def test_intervals_alone_give_a_normal_approximation(waves):
    """Without replicates, the interval columns give the standard errors: a
    percentile interval of n_boot replicates is, on average, the expected
    width of n_boot normal draws' (not 2 z for few of them)."""
    from emomotiv.tracking import _percentile_width

    _, runs = waves
    uncertainty = runs["2026Q2"].summary["uncertainty"]
    assert uncertainty["quantiles"] == "weibull"
    n_boot, level = uncertainty["n_boot"], uncertainty["level"]
    normal = 2 * norm.ppf(0.5 + level / 2)
    assert abs(_percentile_width(n_boot, level) / normal - 1) > 0.05

    def as_intervals(result, method):
        """``result`` with intervals alone, read by ``method`` (linear: as
        an analysis saved before ``uncertainty.quantiles``)."""
        z = _percentile_width(n_boot, level, method) / 2
        se = result.importance.replicates.std(ddof=1)
        drivers = result.drivers.assign(
            importance_low=lambda d: d["importance"] - z * se[d["facet"]].to_numpy(),
            importance_high=lambda d: d["importance"] + z * se[d["facet"]].to_numpy(),
        )
        importance = replace(result.importance, replicates=None)
        tables = dict(result.tables) | {"drivers": drivers}
        summary = dict(result.summary)
        if method == "linear":
            summary["uncertainty"] = {
                k: v for k, v in summary["uncertainty"].items() if k != "quantiles"
            }
        return replace(result, tables=tables, importance=importance, summary=summary)

    a = em.compare(runs["2026Q2"], runs["2026Q3"])
    for method in ("weibull", "linear"):
        b = em.compare(
            as_intervals(runs["2026Q2"], method), as_intervals(runs["2026Q3"], method)
        )
        np.testing.assert_allclose(
            b.changes.set_index("facet")["se_change"],
            a.changes.set_index("facet")["se_change"],
            rtol=1e-9,
        )
        assert b.flagged == a.flagged
        assert "intervals" in b.summary["uncertainty"]


def test_without_uncertainty_changes_are_shown_but_nothing_is_flagged(
    small_result, capsys
):
    drivers = small_result.drivers.drop(
        columns=["importance_low", "importance_high", "full_data_importance"]
    )
    bare = replace(
        small_result,
        tables={"drivers": drivers},
        importance=replace(small_result.importance, replicates=None),
    )
    other = replace(
        bare,
        tables={
            "drivers": drivers.assign(
                importance=lambda d: d["importance"][::-1].to_numpy()
            )
        },
    )
    result = em.compare(bare, other)
    assert result.summary["n_flagged"] == 0
    assert result.changes["change"].abs().max() > 0
    assert result.changes["change_low"].isna().all()
    assert result.summary["uncertainty"] == "none"
    assert "nothing is flagged" in result.summary["rule"]
    # not "0 of 12 facets moved": nothing was tested
    _print_tracking(dict(result.summary), result.changes)
    printed = capsys.readouterr().out
    assert "no move can be told from noise" in printed and " 0 of " not in printed
    assert "No touchpoint changed importance" not in em.ComparisonReport(result).html()


def test_a_wave_against_itself_changes_nothing(waves):
    _, runs = waves
    result = em.compare(runs["2026Q3"], runs["2026Q3"])
    changes = result.changes
    assert result.summary["n_flagged"] == 0 and not changes["flagged"].any()
    assert (changes["change"] == 0).all() and (changes["rank_change"] == 0).all()
    assert (changes["change_low"] < 0).all() and (changes["change_high"] > 0).all()
    assert (changes["p_value"] == 1).all()
    assert all(kpi["change"] == 0 for kpi in result.summary["kpis"].values())


def test_changes_table_follows_the_contract(waves):
    _, runs = waves
    changes = em.compare(runs["2026Q2"], runs["2026Q3"]).changes
    assert list(changes.columns[:11]) == [
        "facet",
        "label",
        "importance_before",
        "importance_after",
        "change",
        "change_low",
        "change_high",
        "rank_before",
        "rank_after",
        "rank_change",
        "flagged",
    ]
    assert changes["facet"].is_unique and len(changes) == 30
    np.testing.assert_allclose(changes["importance_before"].sum(), 1)
    np.testing.assert_allclose(
        changes["change"], changes["importance_after"] - changes["importance_before"]
    )
    assert (
        changes["rank_change"] == changes["rank_before"] - changes["rank_after"]
    ).all()
    # flagged first (however many), then by the size of the change
    flagged = changes["flagged"].to_numpy(dtype=bool)
    assert (np.diff(flagged.astype(int)) <= 0).all()
    rest = changes.loc[~changes["flagged"], "change"].abs()
    assert rest.is_monotonic_decreasing


def test_kpi_trends_when_present_in_both(waves):
    _, runs = waves
    before, after = runs["2026Q2"], runs["2026Q3"]
    value = {"multiplier": 2.0, "attrition": {"rate_connected": 0.07}}
    after_value = {"multiplier": 2.5, "attrition": {"rate_connected": 0.05}}
    b = replace(before, summary=dict(before.summary) | {"value": value})
    a = replace(after, summary=dict(after.summary) | {"value": after_value})
    kpis = em.compare(b, a).summary["kpis"]
    assert kpis["value_multiplier"] == {"before": 2.0, "after": 2.5, "change": 0.5}
    assert kpis["attrition.rate_connected"]["change"] == pytest.approx(-0.02)
    share = kpis["connected_share"]
    assert share["change"] == pytest.approx(share["after"] - share["before"])
    assert share["change_low"] < share["change"] < share["change_high"]
    # value only in one wave: no trend for it
    assert "value_multiplier" not in em.compare(b, after).summary["kpis"]


def test_facets_in_one_wave_only_are_added_or_dropped(small_result):
    drivers = small_result.drivers
    fewer = drivers[drivers["facet"] != drivers["facet"].iloc[-1]].copy()
    fewer["importance"] /= fewer["importance"].sum()
    cut = replace(small_result, tables={"drivers": fewer})
    result = em.compare(small_result, cut)
    dropped = drivers["facet"].iloc[-1]
    row = result.changes.set_index("facet").loc[dropped]
    assert row["status"] == "dropped" and pd.isna(row["change"])
    assert not row["flagged"] and pd.isna(row["rank_after"])
    assert result.summary["dropped"] == [dropped] and result.summary["rescaled"]
    assert result.changes["facet"].iloc[-1] == dropped  # listed last
    both = result.changes[result.changes["status"] == "both"]
    np.testing.assert_allclose(both["change"], 0, atol=1e-12)
    assert em.compare(cut, small_result).summary["added"] == [dropped]


def test_waves_without_common_facets_or_units_are_refused(small_result):
    renamed = small_result.drivers.assign(facet=lambda d: "other_" + d["facet"])
    other = replace(small_result, tables={"drivers": renamed})
    with pytest.raises(em.ValidationError, match="no facet in common"):
        em.compare(small_result, other)
    summary = dict(small_result.summary) | {"importance": {"units": "outcome units"}}
    with pytest.raises(em.ValidationError, match="cannot be compared"):
        em.compare(small_result, replace(small_result, summary=summary))


def test_a_0_1_outcome_against_a_score_is_refused_naming_the_top_box_remedy(
    small_result,
):
    """The units differ, so the rankings are not compared; the message says
    how to compare them: the score wave analysed again as its top box."""
    data = dict(small_result.summary.get("data") or {}, outcome_range=[1.0, 10.0])
    score = replace(
        small_result,
        summary=dict(small_result.summary)
        | {"importance": {"units": "outcome units"}, "data": data},
    )
    assert small_result.summary["importance"]["units"] == "log-odds"
    for before, after, which in (
        (small_result, score, "after"),
        (score, small_result, "before"),
    ):
        with pytest.raises(em.ValidationError) as err:
            em.compare(before, after)
        said = str(err.value)
        assert "cannot be compared" in said
        assert f"Analyse the {which} wave's score as its top box" in said
        assert "--connected-values 9,10" in said and "connected_values=[9, 10]" in said
        assert "without --connection-kind score" in said


def test_folders_that_are_not_analyses_are_named(tmp_path, small_result):
    (tmp_path / "empty").mkdir()
    with pytest.raises(em.ValidationError) as err:
        em.compare(tmp_path / "empty", tmp_path / "missing")
    text = str(err.value)
    assert "2 problems" in text and "lacks summary.json" in text
    assert "missing' is not a folder" in text
    with pytest.raises(em.ValidationError, match="got int"):
        em.compare(small_result, 3)


def test_every_problem_of_both_folders_is_named_with_its_way_out(
    tmp_path, small_result
):
    """A changed file of the before folder hid those of the after one."""
    before, after = tmp_path / "q2", tmp_path / "q3"
    em.save_analysis(small_result, before)
    em.save_analysis(small_result, after)
    (before / "drivers.csv").write_text("facet\n")
    summary = json.loads((after / "summary.json").read_text())
    summary["data"]["wave"] = "2026Q3"  # edited by hand
    (after / "summary.json").write_text(json.dumps(summary))
    with pytest.raises(em.ValidationError) as err:
        em.compare(before, after)
    assert err.value.problems[0].startswith("The before analysis")
    assert "'drivers.csv' does not match" in err.value.problems[0]
    assert err.value.problems[1].startswith("The after analysis")
    assert "'summary.json' does not match" in err.value.problems[1]
    assert all("run the analysis again" in p for p in err.value.problems)
    comparison = em.compare(small_result, _second_wave(small_result))
    em.save_comparison(comparison, tmp_path / "cmp")
    with pytest.raises(em.ValidationError) as err:
        em.compare(tmp_path / "cmp", tmp_path / "missing")
    assert "cmp' holds a wave comparison" in err.value.problems[0]
    assert "is not a folder: give the folder" in err.value.problems[1]
    with (tmp_path / "cmp" / "changes.csv").open("a") as changes:
        changes.write("edited,by,hand\n")
    with pytest.raises(em.ValidationError, match="saved comparison 'cmp'") as err:
        em.load_comparison(tmp_path / "cmp")
    assert "run the comparison again" in err.value.problems[0]


def _second_wave(result):
    """``result`` with its shares in the reverse order: another wave."""
    drivers = result.drivers.copy()
    drivers["importance"] = drivers["importance"].to_numpy()[::-1]
    return replace(result, tables=dict(result.tables) | {"drivers": drivers})


def test_waves_in_the_wrong_order_or_one_analysis_twice_are_noted(small_result):
    other = _second_wave(small_result)
    with pytest.warns(UserWarning, match="'2026Q3' is later than the after wave"):
        backwards = em.compare(small_result, other, labels=("2026Q3", "Q2 2026"))
    # kept for the report and summary.json handed on, not the console alone
    (note,) = backwards.summary["notes"]
    assert note.startswith("The before wave '2026Q3' is later")
    assert note in html.unescape(em.ComparisonReport(backwards).html())
    with pytest.warns(UserWarning, match="same shares for every touchpoint"):
        em.compare(small_result, small_result, labels=("2026Q2", "2026Q3"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for labels in [("2026Q2", "2026Q3"), ("wave 9", "wave 10"), ("old", "new")]:
            em.compare(small_result, other, labels=labels)
        em.compare(small_result, other, labels=("north", "south"))  # names
    # words of order given the other way round, as analyze --wave orders them
    with pytest.warns(UserWarning, match="before wave 'post' is later"):
        em.compare(small_result, other, labels=("post", "pre"))


def test_a_touchpoint_moved_to_another_stage_is_said(small_result):
    """A touchpoint re-staged between quarters was said nowhere, while two
    thirds of one stage's fall came from the move alone."""
    other = _second_wave(small_result)
    drivers = other.drivers.copy()
    first = drivers["facet"].iloc[0]
    drivers.loc[0, "stage"] = "A stage of its own"
    other = replace(other, tables=dict(other.tables) | {"drivers": drivers})
    comparison = em.compare(small_result, other, labels=("2026Q2", "2026Q3"))
    (moved,) = [
        d for d in comparison.summary["differences"] if d["setting"].startswith("stage")
    ]
    label = drivers["label"].iloc[0]
    assert moved["setting"] == f"stage of '{label}'" and first
    assert moved["after"] == "A stage of its own"
    page = " ".join(html.unescape(em.ComparisonReport(comparison).html()).split())
    assert f"Stage of '{label}': " in page and "hold the move" in page


def _relabelled(result, labels):
    """``result`` with the catalog labels of its first facets replaced."""
    drivers = result.drivers.copy()
    drivers.loc[: len(labels) - 1, "label"] = labels
    return replace(result, tables=dict(result.tables) | {"drivers": drivers})


def test_a_touchpoint_id_whose_label_changed_is_said(small_result, capsys):
    """Ids renumbered after a question was dropped (q05 "Ease of opening an
    account" in one wave, "Identity check" in the next) were compared as one
    touchpoint without a word, flags and "no longer asked" naming others."""
    other = _second_wave(small_result)
    facet, label = small_result.drivers[["facet", "label"]].iloc[0]
    reworded = _relabelled(other, ["  " + label.upper() + " ", "A new question"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one reworded question: listed, no notice
        comparison = em.compare(small_result, reworded, labels=("2026Q2", "2026Q3"))
    second = small_result.drivers["facet"].iloc[1]
    first_label = small_result.drivers["label"].iloc[1]
    changed = [d for d in comparison.summary["differences"] if "label" in d["setting"]]
    assert changed == [  # not the one changed in case and spacing alone
        {
            "setting": f"label of '{second}'",
            "before": first_label,
            "after": "A new question",
        }
    ]
    assert facet and comparison.summary["notes"] == []
    page = " ".join(html.unescape(em.ComparisonReport(comparison).html()).split())
    assert (
        f"Label of '{second}': {first_label} in 2026Q2, A new question in 2026Q3"
        in page
    )
    # most ids carry another question's label: the ids were likely renumbered
    shifted = list(small_result.drivers["label"].iloc[1:]) + ["Last"]
    renumbered = _relabelled(other, shifted)
    with pytest.warns(UserWarning, match="likely renumbered"):
        comparison = em.compare(small_result, renumbered, labels=("2026Q2", "2026Q3"))
    n = len(shifted)
    (note,) = comparison.summary["notes"]
    assert note.startswith(f"{n} of the {n} touchpoints compared carry another label")
    assert len(comparison.summary["differences"]) == n
    _print_tracking(comparison.summary, comparison.changes)
    assert f"Label of '{facet}': {label} in 2026Q2" in capsys.readouterr().out
    assert note in html.unescape(em.ComparisonReport(comparison).html())
    # a catalog without labels (each facet's label its id) beside one with
    # them: labels added, no question changed
    bare = _relabelled(other, list(small_result.drivers["facet"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        comparison = em.compare(bare, small_result, labels=("2026Q2", "2026Q3"))
    assert not [d for d in comparison.summary["differences"] if "label" in d["setting"]]


def test_labels_that_name_other_waves_than_the_analyses_record_are_noted(
    small_result,
):
    """Folders given in the wrong order read backwards under labels written
    oldest first without a word, and labels typed the wrong way round were
    blamed on the folders."""
    q1 = _with_summary(small_result, data__wave="2026Q1")
    q4 = _with_summary(_second_wave(small_result), data__wave="2026Q4")
    with pytest.warns(UserWarning) as caught:
        swapped = em.compare(q4, q1, labels=("2026Q1", "2026Q4"))
    said, order = swapped.summary["notes"]
    assert len(caught) == 2
    assert "name the waves the other way round" in said
    assert "labelled '2026Q1' but its analysis is of wave '2026Q4'" in said
    assert order.startswith("The before analysis is of wave '2026Q4', later")
    with pytest.warns(UserWarning):
        typed = em.compare(q1, q4, labels=("Q4 2026", "Q1 2026"))
    said, order = typed.summary["notes"]
    assert "labelled 'Q4 2026' but its analysis is of wave '2026Q1'" in said
    assert "the analyses are in order" in order and "DIR_BEFORE" not in order
    with pytest.warns(UserWarning, match="differ from the waves the analyses record"):
        em.compare(q1, q4, labels=("spring", "autumn"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the recorded waves, written another way
        em.compare(q1, q4, labels=("Q1 2026", "Q4 2026"))
        em.compare(q1, q4)


def test_a_label_contradicting_the_one_wave_recorded_is_noted(small_result):
    """Only the after analysis records its wave (2026Q3, analyze --wave) and
    --labels 2026Q3 2026Q4 call it 2026Q4: the report was headed "from
    2026Q3 to 2026Q4" without a word."""
    q2 = _with_summary(small_result, data__wave=None)
    q3 = _with_summary(_second_wave(small_result), data__wave="2026Q3")
    with pytest.warns(UserWarning, match="labelled '2026Q4' but its analysis") as w:
        comparison = em.compare(q2, q3, labels=("2026Q3", "2026Q4"))
    (said,) = [str(x.message) for x in w if "labelled" in str(x.message)]
    assert said in comparison.summary["notes"]
    assert "is of wave '2026Q3' (the before analysis records no wave)" in said
    assert "The before label, '2026Q3', names that wave too." in said
    # the before analysis alone records a wave other than its label
    with pytest.warns(UserWarning, match="The before wave is labelled 'Q1'"):
        em.compare(q3, q2, labels=("Q1", "Q2"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the recorded wave, written another way
        em.compare(q2, q3, labels=("2026Q2", "Q3 2026"))
        em.compare(q2, q3)  # no labels given: none to check


def test_a_score_on_another_range_is_listed_and_its_mean_s_change_not_given(
    small_result, capsys
):
    """A 0-10 score against a 1-7 one read as a fall of the mean 5.97 ->
    4.43, without a word."""
    assert small_result.summary["data"]["outcome_range"] is None  # a 0/1 outcome
    score = {"data__connected_share": None, "model__task": "regression"}
    before = _with_summary(
        small_result, data__outcome_range=[-0.0, 10], data__mean_outcome=5.97, **score
    )
    after = _with_summary(
        _second_wave(small_result),
        data__outcome_range=[1, 7],
        data__mean_outcome=4.43,
        **score,
    )
    with pytest.warns(UserWarning, match="ranges from 0 to 10 in 'Q1' and from 1 to 7"):
        comparison = em.compare(before, after, labels=("Q1", "Q2"))
    summary = comparison.summary
    assert {
        "setting": "range of the score",
        "before": "0 to 10",
        "after": "1 to 7",
    } in (summary["differences"])
    mean = summary["kpis"]["mean_outcome"]
    assert mean["change"] is None and mean["scales_differ"]
    _print_tracking(summary, comparison.changes)
    out = capsys.readouterr().out
    assert "Range of the score: 0 to 10 in Q1, 1 to 7 in Q2" in out
    assert "5.97 -> 4.43 (the score's range differs: no change given)" in out
    page = html.unescape(em.ComparisonReport(comparison).html())
    assert "not given: the score's range differs" in page
    # one range: no difference, the change given
    same = _with_summary(after, data__outcome_range=[0, 10])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept = em.compare(before, same, labels=("Q1", "Q2")).summary
    assert kept["differences"] == [] and kept["kpis"]["mean_outcome"]["change"] < 0


def test_the_report_is_headed_by_the_two_waves_compared(small_result):
    """A year-on-year comparison was headed "since the last wave"."""
    other = _second_wave(small_result)
    page = em.ComparisonReport(em.compare(small_result, other, labels=("Q1", "Q4")))
    assert "<h1>What moved from Q1 to Q4</h1>" in page.html()
    titled = em.ComparisonReport(em.compare(small_result, other), title="Mine")
    assert "<h1>Mine</h1>" in titled.html()


def test_a_comparison_names_the_outcome_by_the_later_wave_s_label(small_result):
    """The compare report and console name the connected share by the
    outcome's label, which the comparison records from the later wave."""
    other = _second_wave(small_result)
    data = dict(other.summary["data"], outcome_label="a promoter")
    other = replace(other, summary=dict(other.summary, data=data))
    labels = ("2026Q2", "2026Q3")
    comparison = em.compare(small_result, other, labels=labels)
    assert comparison.summary["outcome_label"] == "a promoter"
    html = em.ComparisonReport(comparison).html()
    assert "The “a promoter” share went from" in html


def test_a_comparison_of_a_score_names_its_mean_by_the_score_s_label():
    """A score outcome's comparison read "Mean outcome", and a label given
    to its report changed nothing: the score's label names its mean."""
    s = em.make_survey(n_respondents=400, n_facets=6, random_state=0)
    options = dict(
        connection="recommend",
        connection_kind="score",
        outcome_label="likelihood to recommend",
        n_boot=3,
        methods=False,
        progress=False,
        model=em.DriverModel(n_estimators=20, cv=0),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runs = [
            em.analyze(s.survey.iloc[part], s.catalog, **options)
            for part in (slice(0, 200), slice(200, 400))
        ]
        comparison = em.compare(*runs, labels=("Jan 26", "Feb 26"))
    assert comparison.summary["score_label"] == "likelihood to recommend"
    assert comparison.summary["outcome_label"] is None  # no share of it
    answers = s.survey["recommend"].iloc[:200]
    assert runs[0].summary["data"]["outcome_range"] == [answers.min(), answers.max()]
    html = " ".join(em.ComparisonReport(comparison).html().split())
    assert "Mean likelihood to recommend" in html
    html = em.ComparisonReport(comparison, outcome_label="LTR").html()
    assert "Mean LTR" in " ".join(html.split())


def test_waves_resampled_at_very_different_sizes_are_noted(small_result):
    """A smaller wave reads a driver's share smaller: compared with a wave
    resampled at four times its size, the analyst is told to compare at one
    size (boot_size); resampled at one size, nothing is said."""
    other = _second_wave(small_result)

    def resampled(result, size):
        info = dict(result.summary["uncertainty"], boot_size=size)
        return replace(result, summary=dict(result.summary, uncertainty=info))

    labels = ("2026Q2", "2026Q3")
    with pytest.warns(UserWarning, match="resampled at very different sizes") as said:
        em.compare(resampled(small_result, 1600), resampled(other, 400), labels=labels)
    message = next(str(w.message) for w in said if "sizes" in str(w.message))
    assert "(1,600 and 400 respondents)" in message
    assert "analyse '2026Q2' again with --boot-size 400 (boot_size=400" in message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        em.compare(resampled(small_result, 400), resampled(other, 400), labels=labels)


def test_folders_of_one_name_are_told_apart_by_their_paths(tmp_path, small_result):
    """Both waves were labelled 'results' (from 2026Q2/results, 2026Q3/results)."""
    data = dict(small_result.summary["data"], wave=None)
    summary = dict(small_result.summary, data=data)
    folders = [tmp_path / wave / "results" for wave in ("2026Q2", "2026Q3")]
    em.save_analysis(replace(small_result, summary=summary), folders[0])
    em.save_analysis(replace(_second_wave(small_result), summary=summary), folders[1])
    waves = em.compare(*folders).summary["waves"]
    assert waves == {"before": "2026Q2/results", "after": "2026Q3/results"}


def test_two_analyses_of_one_wave_label_are_told_apart_and_warned_of(
    tmp_path, small_result
):
    """The later survey's wave column was not updated: both analyses say
    2026Q3. The folders name them, and the analyst is told why."""
    data = dict(small_result.summary["data"], wave="2026Q3")
    summary = dict(small_result.summary, data=data)
    first, later = replace(small_result, summary=summary), _second_wave(small_result)
    later = replace(later, summary=summary)
    folders = [tmp_path / "q2", tmp_path / "q3"]
    em.save_analysis(first, folders[0])
    em.save_analysis(later, folders[1])
    with pytest.warns(UserWarning, match="Both analyses carry the wave label '2026Q3'"):
        waves = em.compare(*folders).summary["waves"]
    assert waves == {"before": "q2", "after": "q3"}
    with pytest.warns(UserWarning, match="--labels BEFORE AFTER") as said:
        waves = em.compare(first, later).summary["waves"]
    assert waves == {"before": "2026Q3", "after": "2026Q3"}  # nothing else to go by
    assert "labelled by their folders" not in str(said[0].message)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": 0}, "'alpha' parameter of compare"),
        ({"correction": "bonferonni"}, "'correction' parameter of compare"),
        ({"labels": "Q1"}, "'labels' parameter of compare"),
        # they name the two waves in the report: told apart, never blank
        ({"labels": ("2026Q3", "2026Q3")}, "two different, non-blank wave names"),
        ({"labels": ("", "2026Q3")}, "two different, non-blank wave names"),
        ({"labels": (None, "2026Q3")}, "two different, non-blank wave names"),
    ],
)
def test_bad_parameters(small_result, kwargs, match):
    with pytest.raises(ValueError, match=match):
        em.compare(small_result, small_result, **kwargs)


def test_compare_saved_folders_on_the_command_line(waves, tmp_path, capsys):
    _, runs = waves
    before, after = tmp_path / "q2", tmp_path / "q3"
    em.save_analysis(runs["2026Q2"], before)
    em.save_analysis(runs["2026Q3"], after)
    out = tmp_path / "changes"
    args = ["compare", str(before), str(after), "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "facets moved beyond noise" in printed
    assert re.search(
        r"Connected share: \d+\.\d% -> \d+\.\d% \((beyond|within) noise\)", printed
    )
    assert {p.name for p in out.iterdir()} == {
        "changes.csv",
        "stage_changes.csv",
        "summary.json",
        "report.html",
        "manifest.json",
    }
    assert (
        "stage_changes.csv" in json.loads((out / "manifest.json").read_text())["files"]
    )
    assert re.search(r"(No journey stage moved|Journey stages moved) beyond", printed)
    changes = pd.read_csv(out / "changes.csv")
    tracking = json.loads((out / "summary.json").read_text())["tracking"]
    assert tracking["waves"] == {"before": "2026Q2", "after": "2026Q3"}
    assert len(changes) == 30 and tracking["n_facets"] == 30
    # The saved replicates carry the noise, as in memory.
    assert tracking["uncertainty"] == "bootstrap replicates (30)"
    assert set(changes.loc[changes["flagged"], "facet"]) == {CHANGED}
    stamp = (out / "changes.csv").stat().st_mtime_ns
    assert main(args) == 2
    assert "not empty" in capsys.readouterr().err
    assert (out / "changes.csv").stat().st_mtime_ns == stamp
    assert main([*args, "--force"]) == 0
    assert (
        main(["compare", str(tmp_path), str(after), "--out", str(tmp_path / "x")]) == 2
    )
    assert "not an emomotiv analysis" in capsys.readouterr().err


def test_a_note_of_one_wave_of_several_names_its_wave():
    """analyze on a survey of several waves analyses each of the latest two
    apart: a note of one wave's data (here a scale read from the ratings)
    says which wave it is of, and points at the caller's line."""
    s = em.make_waves(200, 6, waves=("2026Q1", "2026Q2"), random_state=1)
    facet = s.catalog["facet"].iloc[0]
    survey = s.survey.assign(**{facet: s.survey[facet] * 10})
    catalog = s.catalog.drop(columns=["scale_min", "scale_max"])
    with pytest.warns(UserWarning) as caught:
        em.analyze(
            survey,
            catalog,
            connection="connected",
            wave="wave",
            model=em.DriverModel(n_estimators=20, cv=0),
            n_boot=0,
            methods=False,
            progress=False,
        )
    scales = [w for w in caught if "no common scale" in str(w.message)]
    assert [str(w.message)[:17] for w in scales] == [
        "Wave '2026Q1': Ra",
        "Wave '2026Q2': Ra",
    ]
    assert all(w.filename == __file__ for w in scales)


def test_analyze_by_wave_compares_the_latest_two(tmp_path):
    s = em.make_waves(800, 12, waves=("2026Q1", "2025Q4", "2026Q2"), random_state=1)
    model = em.DriverModel(n_estimators=100, cv=0, n_jobs=1)
    result = em.analyze(
        s.survey,
        s.catalog,
        connection="connected",
        wave="wave",
        model=model,
        n_boot=5,
        progress=False,
    )
    settings = {"random_state": 0, "task": "binary"}
    assert result.model.get_params() == model.get_params() | settings
    assert not hasattr(model, "estimator_")  # the caller's model is left unfitted
    assert result.summary["data"]["n_respondents"] == 800
    assert result.summary["data"]["wave"] == "2026Q2"
    tracking = result.summary["tracking"]
    assert tracking["waves"] == {"before": "2026Q1", "after": "2026Q2"}
    assert tracking["waves_in_survey"] == ["2025Q4", "2026Q1", "2026Q2"]
    assert result.tracking.summary is tracking or result.tracking.summary == tracking
    assert set(result.tables) >= {"drivers", "changes"}
    assert len(result.tables["changes"]) == 12
    em.save_analysis(result, tmp_path / "out")
    assert (tmp_path / "out" / "changes.csv").is_file()
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert saved["tracking"]["waves"]["after"] == "2026Q2"


def test_analyze_by_wave_says_the_waves_resampled_at_very_different_sizes(
    tmp_path, capsys
):
    """A partly fielded quarter (150 respondents against 600): the analyst
    who reads the console, summary.json and report.html is told once, in
    the change section, as the Python warning and the comparison say."""
    s = em.make_waves(600, 6, waves=("2026Q1", "2026Q2"), random_state=1)
    survey = s.survey[(s.survey["wave"] == "2026Q1") | (s.survey.index % 4 == 0)]
    with pytest.warns(UserWarning, match="resampled at very different sizes"):
        result = em.analyze(
            survey, s.catalog, connection="connected", wave="wave",
            model=em.DriverModel(n_estimators=20, cv=0), n_boot=2,
            methods=False, progress=False,
        )  # fmt: skip
    note = result.summary["tracking"]["notes"][0]
    assert "(600 and 150 respondents)" in note
    # the way out of a run of one survey's waves is that run, resampled so
    assert "analysed with --wave, run that analysis again with --boot-size 150" in note
    assert result.summary["warnings"].count(note) == 1
    page = em.Report(result).html()
    assert page.count("resampled at very different sizes") == 1
    assert page.index('<section id="changes">') < page.index("very different sizes")
    em.save_analysis(result, tmp_path / "out")
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert saved["warnings"].count(note) == 1
    survey.to_csv(tmp_path / "survey.csv", index=False)
    s.catalog.to_csv(tmp_path / "facets.csv", index=False)
    args = ["analyze", str(tmp_path / "survey.csv"), "--catalog"]
    args += [str(tmp_path / "facets.csv"), "--connection", "connected"]
    args += ["--wave", "wave", "--n-boot", "2", "--cv", "0", "--no-methods"]
    assert main([*args, "--out", str(tmp_path / "cli")]) == 0
    printed = capsys.readouterr()
    assert (printed.out + printed.err).count("resampled at very different sizes") == 1


def test_analyze_by_wave_refuses_empty_wave_labels():
    s = em.make_waves(300, 8, random_state=2)
    survey = s.survey.copy()
    survey.loc[:4, "wave"] = np.nan
    with pytest.raises(em.ValidationError, match="empty for 5 respondents"):
        em.analyze(survey, s.catalog, connection="connected", wave="wave", n_boot=0)
    # blank cells, as a spreadsheet may save them, are no wave either: not
    # the latest wave (text after the periods) compared with 2026Q3
    survey.loc[:149, "wave"] = " "
    with pytest.raises(em.ValidationError, match="empty for 150 respondents"):
        em.analyze(survey, s.catalog, connection="connected", wave="wave", n_boot=0)
    survey = s.survey.copy()  # a few blank: empty, not a wave ' ' of 5 respondents
    survey.loc[:4, "wave"] = " "
    with pytest.raises(em.ValidationError, match="empty for 5 respondents") as err:
        em.analyze(survey, s.catalog, connection="connected", wave="wave", n_boot=0)
    assert not [p for p in err.value.problems if "Wave ' '" in p]
    assert em.sort_waves(s.survey["wave"].unique()) == ["2026Q2", "2026Q3"]
    survey = s.survey.copy()
    survey.loc[survey["wave"] == "2026Q3", "connected"] = 1
    model = em.DriverModel(n_estimators=20, cv=0, n_jobs=1)
    # every wave is checked before any fit; the message names the wave
    with pytest.raises(em.ValidationError, match="Wave '2026Q3': The connection"):
        em.analyze(
            survey,
            s.catalog,
            connection="connected",
            wave="wave",
            model=model,
            n_boot=0,
        )


def test_add_comparison_keeps_the_analysis(small_result):
    comparison = em.compare(small_result, small_result)
    result = add_comparison(small_result, comparison)
    assert result.tracking is comparison and "changes" in result.tables
    assert "tracking" not in small_result.summary
    pd.testing.assert_frame_equal(result.drivers, small_result.drivers)


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["2026Q3", "2026Q2", "2025Q4"], ["2025Q4", "2026Q2", "2026Q3"]),
        (["2026-11", "2026-03", "2025-12"], ["2025-12", "2026-03", "2026-11"]),
        ([10, 2, 1], [1, 2, 10]),
        (["10", "9"], ["9", "10"]),
        (["Q2 2026", "Q1 2027", "q4-2026"], ["Q2 2026", "q4-2026", "Q1 2027"]),
        (["2026-Q2", "2025 Q3"], ["2025 Q3", "2026-Q2"]),
        (["Wave 10", "wave 2", "Wave 1"], ["Wave 1", "wave 2", "Wave 10"]),
        # as German and French offices write them
        (
            ["3. Quartal 2026", "4. Quartal 2025"],
            ["4. Quartal 2025", "3. Quartal 2026"],
        ),
        (["T3 2026", "T4 2025", "T1/2026"], ["T4 2025", "T1/2026", "T3 2026"]),
        (
            ["3e trimestre 2026", "4e trimestre 2025"],
            ["4e trimestre 2025", "3e trimestre 2026"],
        ),
        (["09.2026", "11.2025", "10/2026"], ["11.2025", "09.2026", "10/2026"]),
        (["Dezember 2026", "September 2026"], ["September 2026", "Dezember 2026"]),
        (
            ["décembre 2026", "juin 2026", "févr. 2027", "Sept. 2026"],
            ["juin 2026", "Sept. 2026", "décembre 2026", "févr. 2027"],
        ),  # fmt: skip
        (["01.12.2026", "15.09.2026"], ["15.09.2026", "01.12.2026"]),  # day first
        # days with slashes, day first or month first as one label tells
        (
            ["04/06/2026", "31/03/2026", "05/03/2026"],
            ["05/03/2026", "31/03/2026", "04/06/2026"],
        ),
        (
            ["06/04/2026", "03/31/2026", "03/05/2026"],
            ["03/05/2026", "03/31/2026", "06/04/2026"],
        ),
        (["04/06/2026", "05/03/2026"], ["05/03/2026", "04/06/2026"]),
        (
            ["1st quarter 2026", "4th quarter 2025", "2nd quarter 2026"],
            ["4th quarter 2025", "1st quarter 2026", "2nd quarter 2026"],
        ),
        # two digits of the year, as UK reports write them; ranges, halves
        (["Q1 27", "Q4 26", "Q3 '26"], ["Q3 '26", "Q4 26", "Q1 27"]),
        (
            ["Jan-Mar 2027", "Oct–Dec 2026", "Jul - Sep 2026"],
            ["Jul - Sep 2026", "Oct–Dec 2026", "Jan-Mar 2027"],
        ),
        (["H1 2027", "H2 2026", "2026 H1"], ["2026 H1", "H2 2026", "H1 2027"]),
        (
            ["Autumn 2026", "Spring 2027", "Fall 2025"],
            ["Fall 2025", "Autumn 2026", "Spring 2027"],
        ),
        # fiscal years, the quarter first or last; months with two digits
        (
            ["Q1 FY26", "Q3 FY26", "Q2 FY26", "Q1 FY27", "Q4 FY26"],
            ["Q1 FY26", "Q2 FY26", "Q3 FY26", "Q4 FY26", "Q1 FY27"],
        ),
        (["FY27 Q1", "FY26-Q4", "FY2026 Q3"], ["FY2026 Q3", "FY26-Q4", "FY27 Q1"]),
        (
            ["Jan 27", "Oct 26", "Dec 26", "Feb-27", "Nov '26"],
            ["Oct 26", "Nov '26", "Dec 26", "Jan 27", "Feb-27"],
        ),
        # months with two digits of the year, by number: 12/25 was read as a
        # day of the year 1, and the 2026 months sorted first
        (["1/26", "9/25", "12/25", "2/26"], ["9/25", "12/25", "1/26", "2/26"]),
        (["01.26", "12.25", "11.25"], ["11.25", "12.25", "01.26"]),
        # words every label starts with: sorted as text, May before March
        (
            ["NPS Mar 26", "NPS Jan 26", "NPS May 26", "NPS Apr 26"],
            ["NPS Jan 26", "NPS Mar 26", "NPS Apr 26", "NPS May 26"],
        ),
        (["o_Jun26", "o_May26"], ["o_May26", "o_Jun26"]),
        # not read as dates: the year first, then the text
        (["Winter 2027", "Summer 2026"], ["Summer 2026", "Winter 2027"]),
    ],
)
def test_sort_waves(labels, expected):
    assert em.sort_waves(labels) == expected


def _waves_relabelled(labels: dict, warned: str):
    """Two waves of make_waves given other labels, analysed quickly: the
    waves, their survey, the result and the warning that says ``warned``."""
    s = em.make_waves(300, 6, random_state=2)
    survey = s.survey.replace({"wave": labels})
    model = em.DriverModel(n_estimators=10, cv=0, n_jobs=1)
    with pytest.warns(UserWarning, match=warned) as caught:
        result = em.analyze(
            survey, s.catalog, connection="connected", wave="wave", model=model,
            n_boot=0, methods=False, progress=False,
        )  # fmt: skip
    said = next(str(w.message) for w in caught if warned in str(w.message))
    return s, survey, result, said


def test_waves_not_read_as_dates_are_warned_of_with_the_order_taken():
    from emomotiv.tracking import read_as_dates

    labels = {"2026Q2": "Winter 2026", "2026Q3": "Summer 2026"}
    s, survey, result, said = _waves_relabelled(labels, "not all read as dates")
    assert not read_as_dates(survey["wave"]) and read_as_dates(s.survey["wave"])
    assert (
        "('Summer 2026' < 'Winter 2026')" in said and "'Winter 2026' is taken" in said
    )
    assert "ordered by their year, then as text" in said  # as they were
    # kept in the summary, which the command line and the report read: the
    # console said nothing of the order it took
    assert result.summary["warnings"][0] == said


@pytest.mark.parametrize(
    "labels, latest, warned",
    [
        # words of order: taken in it, no warning
        ({"2026Q2": "pre", "2026Q3": "post"}, "post", None),
        ({"2026Q2": "Before launch", "2026Q3": "After launch"}, "After launch", None),
        ({"2026Q2": "Pre", "2026Q3": "Post 1"}, "Post 1", None),
        ({"2026Q2": "pre 2026", "2026Q3": "post 2026"}, "post 2026", None),
        ({"2026Q2": "Baseline", "2026Q3": "Follow-up"}, "Follow-up", None),
        # plain names: ordered as text, said
        ({"2026Q2": "north", "2026Q3": "east"}, "north", "no date, number or word"),
        # quarters without a year: as in one year, said
        ({"2026Q2": "Q4", "2026Q3": "Q1"}, "Q4", "periods without a year"),
    ],
)
def test_waves_with_no_date_are_taken_in_their_order_or_warned_of(
    labels, latest, warned
):
    """pre/post (before/after, old/new) were ordered as text: 'pre' analysed
    as the latest wave, every change read backwards, with no warning; plain
    names and quarters without a year were taken as text silently too."""
    s = em.make_waves(300, 6, random_state=2)
    survey = s.survey.replace({"wave": labels})
    model = em.DriverModel(n_estimators=10, cv=0, n_jobs=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = em.analyze(
            survey, s.catalog, connection="connected", wave="wave", model=model,
            n_boot=0, methods=False, progress=False,
        )  # fmt: skip
    assert result.summary["data"]["wave"] == latest
    said = [str(w.message) for w in caught if "wave labels" in str(w.message)]
    if warned is None:
        assert said == []
    else:
        assert len(said) == 1 and warned in said[0]
        assert f"'{latest}' is taken for the latest wave" in said[0]
        assert said[0] in result.summary["warnings"]


def test_waves_named_by_words_of_order_sort_by_them_and_compare_flags_them_reversed():
    """A pre wave and two post waves sorted as text put 'Pre' last (analysed
    as the latest); compare took 'post' given before 'pre' without a word."""
    from emomotiv.tracking import _backwards

    assert em.sort_waves(["Post 2", "Pre", "Post 1"]) == ["Pre", "Post 1", "Post 2"]
    later = ["pre", "post 6m", "post 12m"]
    assert em.sort_waves(["post 12m", "pre", "post 6m"]) == later
    assert em.sort_waves(["posttest", "pretest"]) == ["pretest", "posttest"]
    assert _backwards(["post", "pre"]) and not _backwards(["pre", "post"])
    assert not _backwards(["north", "south"])
    # the year first; names that merely start alike are no words of order
    halves = ["First half 2025", "Second half 2025", "First half 2026"]
    assert em.sort_waves(halves[::-1]) == halves
    assert not _backwards(halves[1:]) and not _backwards(["Previous", "Present"])
    assert em.sort_waves(["Old Town", "New York"]) == ["New York", "Old Town"]


def test_days_that_read_day_or_month_first_alike_are_warned_of():
    """05/03/2026 (5 March) and 04/06/2026 (4 June) were read month first,
    and the March wave was analysed as the latest, with no warning."""
    from emomotiv.tracking import day_order_untold

    assert day_order_untold(["05/03/2026", "04/06/2026"])
    assert not day_order_untold(["05/03/2026", "31/03/2026"])
    labels = {"2026Q2": "05/03/2026", "2026Q3": "04/06/2026"}
    _, _, result, said = _waves_relabelled(labels, "read day first")
    assert "('05/03/2026' < '04/06/2026')" in said
    assert "'04/06/2026' is taken" in said
    assert result.summary["warnings"][0] == said
    assert result.summary["data"]["wave"] == "04/06/2026"


def test_day_order_is_untold_only_where_it_changes_the_order():
    """Annual waves on one day (01/03/2025, 01/03/2026), days equal to their
    months or a year apart were warned of, though either reading gives the
    same order."""
    from emomotiv.tracking import day_order_untold

    assert not day_order_untold(["01/03/2025", "01/03/2026"])
    assert not day_order_untold(["01/01/2026", "02/02/2026"])
    assert not day_order_untold(["05/03/2025", "04/06/2026"])
    assert day_order_untold(["01/03/2025", "05/03/2026", "04/06/2026"])


def test_one_wave_is_told_by_the_order_the_waves_are_sorted_in():
    """05/03/2026 sorted as 5 March but was checked as 3 May: written also as
    2026-03-05 it made two waves, and beside 2026-05-03 (another wave) it
    was refused as the same one."""
    from emomotiv.tracking import same_wave_labels

    assert em.sort_waves(["05/03/2026", "2026-05-03"]) == ["05/03/2026", "2026-05-03"]
    with pytest.raises(ValueError, match="'05/03/2026' and '2026-03-05'"):
        em.sort_waves(["05/03/2026", "2026-03-05"])
    # month first where a number past 12 says so
    assert same_wave_labels(["03/31/2026", "2026-03-31", "04/06/2026"]) == [
        ["03/31/2026", "2026-03-31"]
    ]


def test_a_sample_size_in_a_wave_label_is_no_year():
    """'Q3 2026 (n=2000)' read 2000 as a year: Q1 2027 sorted first, and
    analyze --wave compared Q3 with Q4 2026, dropping the latest quarter."""
    labels = ["Q1 2027 (n=2,101)", "Q3 2026 (n=2000)", "Q4 2026 [N = 1980]"]
    assert em.sort_waves(labels) == [labels[1], labels[2], labels[0]]


@pytest.mark.parametrize("blank", ["", " ", "nan", "NaT"])
def test_a_label_that_names_no_period_sorts_as_text(blank):
    """pandas reads these as a missing period (NaT), not as an error."""
    ordered = em.sort_waves([blank, "2026Q3", "2026Q2"])
    assert sorted(ordered) == sorted([blank, "2026Q2", "2026Q3"])
    assert ordered.index("2026Q2") < ordered.index("2026Q3")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(2000, 2030), min_size=1, max_size=6, unique=True))
def test_quarters_sort_like_time(years):
    labels = [f"{y}Q{q}" for y in years for q in (4, 1, 3)]
    ordered = em.sort_waves(labels)
    keys = [(int(x[:4]), int(x[-1])) for x in ordered]
    assert keys == sorted(keys)


def test_effects_change_only_the_outcome():
    base = em.make_survey(n_respondents=300, n_facets=12, random_state=5)
    bigger = em.make_survey(
        n_respondents=300, n_facets=12, random_state=5, effects={CHANGED: 0.6}
    )
    facets = list(base.catalog["facet"])
    pd.testing.assert_frame_equal(base.survey[facets], bigger.survey[facets])
    pd.testing.assert_frame_equal(base.catalog, bigger.catalog)
    assert bigger.truth.loc[CHANGED, "effect"] == 0.6
    assert (
        bigger.truth.loc[CHANGED, "true_uplift"]
        > base.truth.loc[CHANGED, "true_uplift"]
    )
    others = base.truth.index.drop(CHANGED)
    pd.testing.assert_series_equal(
        base.truth.loc[others, "effect"], bigger.truth.loc[others, "effect"]
    )


def test_removing_a_driver_keeps_the_truth_consistent():
    s = em.make_survey(
        n_respondents=300,
        n_facets=30,
        random_state=5,
        effects={CHANGED: 0.0, "investing_videos": 0.0, "app_tour": 0.2},
    )
    t = s.truth
    assert not t.loc[[CHANGED, "investing_videos"], "is_driver"].any()
    assert (t.loc[[CHANGED, "investing_videos"], "true_uplift"] == 0).all()
    assert (t["interacts_with"] == "").all()  # the interacting partner is gone
    assert t.loc["app_tour", "kind"] == "linear" and t.loc["app_tour", "is_driver"]
    assert (t.loc[~t["is_driver"], "true_uplift"] == 0).all()
    assert not (t["hidden_driver"] & ~t["is_driver"]).any()
    assert not (t["table_stakes"] & t["is_driver"]).any()


def test_bad_effects_are_refused():
    with pytest.raises(ValueError, match="'mobile_ap' in effects is not a") as err:
        em.make_survey(100, 30, random_state=0, effects={"mobile_ap": 1.0, CHANGED: -1})
    assert "Did you mean 'mobile_app'" in str(err.value)
    assert "effects['mobile_app']" in str(err.value)


def test_waves_share_the_study_and_differ_in_respondents():
    s = em.make_waves(400, 12, waves=("A", "B"), random_state=3)
    a, b = (s.survey[s.survey["wave"] == w] for w in ("A", "B"))
    pd.testing.assert_frame_equal(
        s.truth_by_wave["A"][["kind", "effect"]],
        s.truth_by_wave["B"][["kind", "effect"]],
    )
    assert s.survey["respondent_id"].is_unique
    first = s.catalog["facet"].iloc[0]
    assert not np.array_equal(a[first].to_numpy(), b[first].to_numpy())
    means = a[list(s.catalog["facet"])].mean() - b[list(s.catalog["facet"])].mean()
    assert means.abs().max() < 0.5  # same rating distributions
    with pytest.raises(ValueError, match="distinct labels"):
        em.make_waves(100, 8, waves=("A", "A"))
    with pytest.raises(ValueError, match="not in waves"):
        em.make_waves(100, 8, effects={"C": {}})


@pytest.mark.parametrize("intervals", ["dropped", "empty"])
def test_one_wave_with_uncertainty_assumes_the_other_as_noisy(waves, intervals):
    """A wave without intervals (as saved with n_boot=0: the columns are
    there, empty) is assumed as noisy as the other."""
    _, runs = waves
    after = runs["2026Q3"]
    bounds = ["importance_low", "importance_high"]
    drivers = (
        after.drivers.drop(columns=bounds)
        if intervals == "dropped"
        else after.drivers.assign(importance_low=np.nan, importance_high=np.nan)
    )
    bare = replace(
        after,
        tables=dict(after.tables) | {"drivers": drivers},
        importance=replace(after.importance, replicates=None),
    )
    both = em.compare(runs["2026Q2"], after).changes.set_index("facet")
    one = em.compare(runs["2026Q2"], bare)
    se_before = runs["2026Q2"].importance.replicates.std(ddof=1)
    np.testing.assert_allclose(
        one.changes.set_index("facet")["se_change"],
        np.sqrt(2) * se_before[both.index],
    )
    assert "assumed as noisy" in one.summary["uncertainty"]
    assert "assumed as noisy" in one.summary["rule"]


def _fake(shares: pd.Series, replicates: pd.DataFrame | None, n: int):
    """A minimal analysis: drivers table, summary and replicates only."""
    drivers = pd.DataFrame(
        {"facet": shares.index, "label": shares.index, "importance": shares.values}
    ).sort_values("importance", ascending=False, kind="stable")
    drivers["rank"] = range(1, len(drivers) + 1)
    importance = em.ImportanceResult(
        "shap", drivers.set_index("facet"), replicates=replicates
    )
    summary = {
        "data": {"n_respondents": n, "connected_share": 0.25},
        "importance": {"units": "log-odds"},
    }
    return em.AnalysisResult({"drivers": drivers}, summary, importance, None)


def test_a_single_replicate_a_wave_flags_nothing():
    """One replicate gives intervals of width 0: no standard error, so no
    p-value of 0 for every facet that moved."""
    before = pd.Series([0.5, 0.3, 0.2], index=["a", "b", "c"])
    after = pd.Series([0.4, 0.3, 0.3], index=["a", "b", "c"])
    waves = []
    for shares in (before, after):
        result = _fake(shares, pd.DataFrame([shares]), 1000)
        drivers = result.drivers.assign(
            importance_low=result.drivers["importance"],
            importance_high=result.drivers["importance"],
        )
        result = replace(result, tables={"drivers": drivers})
        waves.append(_with_summary(result, uncertainty__n_boot=1))
    out = em.compare(*waves)
    assert out.summary["n_flagged"] == 0 and out.summary["uncertainty"] == "none"
    assert out.changes["p_value"].isna().all()
    assert "a single replicate" in out.summary["rule"]


@settings(max_examples=25, deadline=None)
@given(
    p=st.integers(2, 15),
    seed=st.integers(0, 2**16),
    correction=st.sampled_from(["holm", "fdr_bh", "none"]),
)
def test_compare_invariants(p, seed, correction):
    """Swapping the waves negates every change and keeps the flags; the order
    of the drivers rows does not matter; flags follow the adjusted p-values."""
    rng = np.random.default_rng(seed)
    facets = [f"f{k}" for k in range(p)]

    def wave():
        raw = rng.gamma(1.0, size=p)
        reps = pd.DataFrame(rng.gamma(20 * raw, size=(25, p)), columns=facets)
        reps = reps.div(reps.sum(axis=1), axis=0)
        return pd.Series(raw / raw.sum(), index=facets), reps

    a, b = _fake(*wave(), 1000), _fake(*wave(), 1200)
    ab = em.compare(a, b, correction=correction).changes.set_index("facet")
    ba = em.compare(b, a, correction=correction).changes.set_index("facet")
    ba = ba.loc[ab.index]
    np.testing.assert_allclose(ab["change"], -ba["change"], atol=1e-15)
    np.testing.assert_allclose(ab["p_adjusted"], ba["p_adjusted"])
    assert (ab["flagged"] == ba["flagged"]).all()
    assert (ab["rank_change"] == -ba["rank_change"]).all()
    assert (ab["change_low"] <= ab["change"]).all()
    assert (ab["change"] <= ab["change_high"]).all()
    assert (ab["flagged"] == (ab["p_adjusted"] < 0.05)).all()
    shuffled = a.drivers.sample(frac=1, random_state=seed)
    a2 = replace(a, tables={"drivers": shuffled})
    again = em.compare(a2, b, correction=correction).changes.set_index("facet")
    pd.testing.assert_frame_equal(again.loc[ab.index], ab)


def test_compare_help_explains_every_option():
    sub = build_parser()._subparsers._group_actions[0].choices["compare"]
    text = sub.format_help()
    for action in sub._actions:
        assert all(flag in text for flag in action.option_strings)
        assert action.help, f"{action.dest} has no help"


@pytest.mark.parametrize("method", ["weibull", "linear"])
@pytest.mark.parametrize("n_boot", [3, 5, 10, 30, 100])
def test_a_saved_interval_of_few_replicates_gives_an_unbiased_standard_error(
    n_boot, method
):
    """Read as intervals are read now (weibull) or were read before (linear,
    an analysis saved without ``uncertainty.quantiles``)."""
    from emomotiv.tracking import _percentile_width, _z

    rng = np.random.default_rng(n_boot)
    draws = rng.standard_normal((20_000, n_boot))
    low, high = np.quantile(draws, [0.05, 0.95], axis=1, method=method)
    se = (high - low) / _percentile_width(n_boot, 0.9, method)
    assert se.mean() == pytest.approx(1, abs=0.03)  # the draws' sd is 1
    if n_boot <= 10 and method == "linear":  # over 2 z: a sd a fifth too small
        assert ((high - low) / (2 * _z(0.9))).mean() < 0.8


def _with_summary(result, **changes):
    """``result`` with summary sections replaced, nested keys as dotted names."""
    summary = json.loads(json.dumps(result.summary, default=str))
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        part = summary
        for key in path:
            part = part.setdefault(key, {})
        part[last] = value
    return replace(result, summary=summary)


def test_settings_that_differ_between_the_waves_are_listed(small_result):
    assert em.compare(small_result, small_result).summary["differences"] == []
    after = _with_summary(
        small_result,
        data__roles__connection="churned",
        halo__method="none",
        uncertainty__n_boot=5,
        versions__xgboost="0.1",
        versions__emomotiv_source="0" * 12,
        study__options__not_experienced=["0"],
    )
    differences = em.compare(small_result, after).summary["differences"]
    by_name = {d["setting"]: (d["before"], d["after"]) for d in differences}
    versions = small_result.summary["versions"]
    assert by_name == {
        "outcome column": ("connected", "churned"),
        "halo design": (small_result.summary["halo"]["method"], "none"),
        "bootstrap replicates": (10, 5),
        "xgboost version": (versions["xgboost"], "0.1"),
        # the same version string, other code
        "emomotiv source": (versions["emomotiv_source"], "0" * 12),
        # a 0 read as a rating in one wave and as no answer in the other
        "not-experienced codes": (
            small_result.summary["study"]["options"]["not_experienced"],
            ["0"],
        ),
    }
    # a column named in one wave only is one (the value column: its measures
    # vanished from the comparison without a word)
    roles = {k: v for k, v in small_result.summary["data"]["roles"].items()}
    value = roles.pop("value")
    no_value = _with_summary(small_result, data__roles=roles)
    differences = em.compare(no_value, small_result).summary["differences"]
    assert {"setting": "value column", "before": None, "after": value} in differences
    # a setting one summary does not hold is not a difference
    summary = dict(after.summary)
    summary.pop("halo")
    lacking = em.compare(small_result, replace(after, summary=summary))
    assert "halo design" not in {d["setting"] for d in lacking.summary["differences"]}


def test_waves_of_different_outcome_columns_are_warned_of_once(
    small_result, tmp_path, capsys
):
    """In a notebook the differences stay in the summary unless looked for:
    the one that makes the waves measure different outcomes is warned of,
    in the words of the console and the report, and said once on the
    console."""
    from emomotiv.report import setting_notes

    after = _with_summary(
        small_result,
        data__roles__connection="churned",
        data__wave="2026Q4",
        halo__method="none",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        comparison = em.compare(small_result, after)
    said = [w for w in caught if "measure different outcomes" in str(w.message)]
    assert len(said) == 1 and said[0].filename == __file__
    assert str(said[0].message) == setting_notes(comparison.summary)[0]
    assert "('connected' in 2026Q3, 'churned' in 2026Q4)" in str(said[0].message)
    assert not [w for w in caught if "halo" in str(w.message)]  # listed, not warned
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        em.compare(small_result, _with_summary(small_result, halo__method="none"))
    assert not [w for w in caught if "different outcomes" in str(w.message)]
    em.save_analysis(small_result, tmp_path / "q3")
    em.save_analysis(after, tmp_path / "q4")
    args = ["compare", str(tmp_path / "q3"), str(tmp_path / "q4")]
    assert main([*args, "--out", str(tmp_path / "cmp")]) == 0
    printed = capsys.readouterr()
    assert (printed.out + printed.err).count("measure different outcomes") == 1


def test_waves_whose_amounts_are_in_two_currencies_say_so(small_result):
    """A wave's value in '€' and the next in '$' are not one trend: the
    currencies are listed with the other settings that differ, and the
    report says that nothing is converted."""
    from emomotiv.report import setting_notes

    euro = _with_summary(small_result, study__options__currency="€")
    dollar = _with_summary(small_result, study__options__currency="$")
    result = em.compare(euro, dollar)
    assert result.summary["differences"] == [
        {"setting": "currency", "before": "€", "after": "$"}
    ]
    assert result.summary["currency"] == "$"
    (note,) = setting_notes(result.summary)
    assert note.startswith("Currency: € in ") and "nothing is converted" in note
    assert em.compare(dollar, dollar).summary["differences"] == []


def test_amounts_in_two_currencies_get_no_change(small_result, capsys):
    """£2,697 against €2,685 read as a change of -12.2: a difference of
    pounds and euros is no number. Each wave's amount is kept, in its own
    currency; the change is not given, and the report and the console say
    why, as for a score on another range."""
    pound = _with_summary(
        small_result, value={"value_per_connected": 2697}, study__options__currency="£"
    )
    euro = _with_summary(
        small_result, value={"value_per_connected": 2685}, study__options__currency="€"
    )
    result = em.compare(pound, euro, labels=("2026Q2", "2026Q3"))
    kpi = result.summary["kpis"]["value_per_connected"]
    assert (kpi["before"], kpi["after"]) == (2697, 2685)
    assert kpi["change"] is None and kpi["currencies_differ"]
    assert result.summary["kpis"]["connected_share"]["change"] == 0  # not money
    _print_tracking(result.summary, result.changes)
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "2,697" in x]
    assert line.endswith("£2,697 -> €2,685 (the currencies differ: no change given)")
    page = " ".join(html.unescape(em.ComparisonReport(result).html()).split())
    assert "not given: the currencies differ" in page and "−12" not in page
    # one currency in both waves: the change is given
    same = em.compare(pound, _with_summary(euro, study__options__currency="£"))
    assert same.summary["kpis"]["value_per_connected"]["change"] == -12
    assert "currencies_differ" not in same.summary["kpis"]["value_per_connected"]


def test_a_wave_without_a_currency_keeps_its_amounts_bare(small_result, capsys):
    """A wave in '€' and the next run without a currency: the later wave's
    amounts carry no '€', on the console or in the report, nor does their
    change."""
    euro = _with_summary(
        small_result, value={"value_per_connected": 507}, study__options__currency="€"
    )
    bare = _with_summary(
        small_result, value={"value_per_connected": 592}, study__options__currency=None
    )
    result = em.compare(euro, bare, labels=("2026Q2", "2026Q3"))
    _print_tracking(result.summary, result.changes)
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "507" in x]
    assert line.endswith("€507 -> 592"), line
    page = " ".join(em.ComparisonReport(result).html().split())
    assert ">€507<" in page and ">592<" in page and ">+85.0<" in page


def test_ranks_and_top10_moves_are_among_the_facets_compared(small_result):
    drivers = small_result.drivers
    first = drivers.sort_values("importance", ascending=False)["facet"]
    top = first.iloc[0]
    cut = replace(small_result, tables={"drivers": drivers[drivers["facet"] != top]})
    result = em.compare(small_result, cut)
    rows = result.changes.set_index("facet")
    both = rows[rows["status"] == "both"]
    assert sorted(both["rank_before"]) == list(range(1, len(drivers)))
    assert (both["rank_before"] == both["rank_after"]).all()
    assert (both["rank_change"] == 0).all()
    assert pd.isna(rows.loc[top, ["rank_before", "rank_after"]]).all()
    assert result.summary["top10"] == {"entered": [], "left": []}


def test_rank_change_is_positive_for_a_facet_that_moved_up_and_says_so(
    small_result,
):
    """rank_change = rank_before - rank_after (5th to 2nd is +3): the sign
    was undocumented, in changes.csv's contract and in compare's docstring."""
    from pathlib import Path

    result = em.compare(small_result, _second_wave(small_result))
    rows = result.changes
    assert (rows["rank_change"] == rows["rank_before"] - rows["rank_after"]).all()
    up = rows.loc[rows["rank_change"].idxmax()]
    assert up["rank_change"] > 0 and up["rank_after"] < up["rank_before"]
    said = "`rank_change` (`rank_before` − `rank_after`: positive for a touchpoint"
    contract = Path(__file__).parents[1] / "docs" / "data-contract.md"
    assert said in contract.read_text(encoding="utf-8")
    doc = " ".join(em.compare.__doc__.split())
    assert "``rank_change`` is ``rank_before - rank_after``, positive" in doc


def test_each_rank_column_holds_one_ranking_of_the_facets_compared(small_result):
    """With a facet dropped and another added, neither takes a rank: the
    ranks of each wave are 1 to n over the facets of both, with no repeat."""
    drivers = small_result.drivers
    gone, new = drivers["facet"].iloc[-1], drivers["facet"].iloc[-2]
    before = replace(small_result, tables={"drivers": drivers[drivers["facet"] != new]})
    after = replace(small_result, tables={"drivers": drivers[drivers["facet"] != gone]})
    changes = em.compare(before, after).changes.set_index("facet")
    n = len(drivers) - 2
    for column in ("rank_before", "rank_after"):
        assert changes[column].dtype == "Int64"
        assert sorted(changes[column].dropna()) == list(range(1, n + 1))
        assert changes.loc[[gone, new], column].isna().all()


def test_kpi_trends_leave_out_sample_sizes_and_interval_bounds(small_result):
    def with_value(multiplier, odds_ratio, n):
        value = {
            "multiplier": multiplier,
            "multiplier_low": multiplier - 0.2,
            "multiplier_high": multiplier + 0.2,
            "attrition": {
                "n": n,
                "odds_ratio": odds_ratio,
                "odds_ratio_low": odds_ratio / 2,
                "odds_ratio_high": odds_ratio * 2,
                "rate": {"unconnected": 0.2},
            },
        }
        return _with_summary(small_result, value=value)

    kpis = em.compare(with_value(2.0, 0.4, 1500), with_value(2.5, 0.8, 1200))
    kpis = kpis.summary["kpis"]
    assert set(kpis) == {
        "connected_share",
        "value_multiplier",
        "attrition.odds_ratio",
        "attrition.rate.unconnected",
    }
    assert kpis["attrition.odds_ratio"] == pytest.approx(
        {
            "before": 0.4,
            "after": 0.8,
            "change": 0.4,
            "before_low": 0.2,
            "before_high": 0.8,
            "after_low": 0.4,
            "after_high": 1.6,
        }
    )
    assert kpis["value_multiplier"]["after_high"] == pytest.approx(2.7)
    assert "before_low" not in kpis["attrition.rate.unconnected"]
    # only the connected share is tested against noise
    assert [k for k, v in kpis.items() if "beyond_noise" in v] == ["connected_share"]


def test_a_touchpoint_asked_in_one_wave_only_points_to_compare():
    s = em.make_waves(300, 8, random_state=2)
    survey = s.survey.copy()
    facet = s.catalog["facet"].iloc[0]
    survey.loc[survey["wave"] == "2026Q3", facet] = np.nan
    with pytest.raises(em.ValidationError) as err:
        em.analyze(survey, s.catalog, connection="connected", wave="wave", n_boot=0)
    text = str(err.value)
    assert f"Wave '2026Q3': Facet '{facet}' is empty" in text
    assert "analyse each wave apart" in text and "emomotiv compare" in text


def test_compare_names_other_outcomes_and_touchpoints_on_the_command_line(
    small_result, tmp_path, capsys
):
    drivers = small_result.drivers
    old, gone = drivers["facet"].iloc[0], drivers["facet"].iloc[1]
    renamed = drivers[drivers["facet"] != gone].replace({"facet": {old: "new_name"}})
    after = _with_summary(
        small_result, data__roles__connection="churned", data__wave="2026Q4"
    )
    after = replace(after, tables={**after.tables, "drivers": renamed})
    em.save_analysis(small_result, tmp_path / "q1")
    em.save_analysis(after, tmp_path / "q2")
    out = tmp_path / "cmp"
    assert (
        main(
            ["compare", str(tmp_path / "q1"), str(tmp_path / "q2")]
            + ["--out", str(out)]
        )
        == 0
    )
    printed = capsys.readouterr().out
    labels = drivers.set_index("facet")["label"]
    assert "The two waves measure different outcomes ('connected' in 2026Q3" in printed
    assert "their shares and changes compare different questions" in printed
    assert f"only: {labels[old]}." in printed
    dropped = " and ".join(labels[f] for f in sorted([old, gone]))
    assert f"No longer asked in 2026Q4 (asked in 2026Q3): {dropped}." in printed
    hint = f"'{labels[old]}' may be one touchpoint renamed: {old} in 2026Q3"
    assert hint in printed
    n = len(drivers) - 2
    assert f"of {n} facets moved" in printed
    assert "Attrition · n:" not in printed
    html = (out / "report.html").read_text()
    assert f"{n} touchpoints compared" in html and "measure different outcomes" in html
    assert f"over the {n} touchpoints asked in both waves" in html
    # the saved comparison loads back, and is not taken for an analysis
    loaded = em.load_comparison(out)
    assert loaded.summary["differences"][0]["setting"] == "outcome column"
    ranks = dict.fromkeys(["rank_before", "rank_after", "rank_change"], "Int64")
    read = pd.read_csv(out / "changes.csv").astype(ranks)  # a facet in one wave
    pd.testing.assert_frame_equal(loaded.changes, read)
    with pytest.raises(em.ValidationError, match="holds a wave comparison"):
        em.load_analysis(out)


def test_the_smallest_change_that_could_be_flagged_is_reported(waves, capsys):
    """A facet whose change is below its own threshold (Holm's first step,
    alpha / m) is never flagged; the summary gives the median threshold, the
    console and the report say it in words; without uncertainty it is None."""
    from scipy.stats import t

    _, runs = waves
    result = em.compare(runs["2026Q2"], runs["2026Q3"])
    changes = result.changes.set_index("facet")
    n = result.summary["n_facets"]
    df = float(re.search(r"t with (\d+)", result.summary["rule"])[1])
    need = t.ppf(1 - 0.05 / (2 * n), df) * changes["se_change"]
    assert not changes.loc[changes["change"].abs() < 0.9 * need, "flagged"].any()
    detectable = result.summary["detectable_change"]
    assert 0 < detectable < changes.loc[CHANGED, "change"]
    assert abs(detectable - need.median()) < 0.1 * detectable
    none = em.compare(runs["2026Q2"], runs["2026Q3"], correction="none")
    assert none.summary["detectable_change"] < detectable
    html = em.ComparisonReport(result).html()
    assert f"move by about {100 * detectable:.1f} points to be flagged" in html
    bare = replace(
        runs["2026Q2"],
        tables={"drivers": runs["2026Q2"].drivers[["facet", "importance", "rank"]]},
        importance=replace(runs["2026Q2"].importance, replicates=None),
    )
    assert em.compare(bare, bare).summary["detectable_change"] is None
    from emomotiv.cli import _print_tracking

    _print_tracking(result.summary, result.changes)
    assert f"about {100 * detectable:.1f} points to be" in capsys.readouterr().out


def test_the_rule_names_the_level_of_the_change_interval():
    """The interval of a change uses the t quantile of the test (1 - alpha
    per facet, uncorrected): the rule says it is a 95% interval, not the
    waves' 90%."""
    rng = np.random.default_rng(0)
    facets = [f"f{k}" for k in range(5)]
    reps = [pd.DataFrame(rng.dirichlet(np.ones(5) * 20, 25), columns=facets)]
    reps.append(pd.DataFrame(rng.dirichlet(np.ones(5) * 20, 25), columns=facets))
    a, b = (_fake(r.mean(), r, 1000) for r in reps)
    for alpha, level in ((0.05, "95%"), (0.1, "90%")):
        rule = em.compare(a, b, alpha=alpha).summary["rule"]
        assert f"a {level} interval for each facet on its own" in rule, rule


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_comparison_of_saved_folders_equals_the_one_in_memory(tmp_path):
    s = em.make_waves(500, 8, random_state=1)
    results = {}
    for wave in ("2026Q2", "2026Q3"):
        part = s.survey[s.survey["wave"] == wave].reset_index(drop=True)
        results[wave] = em.analyze(
            part,
            s.catalog,
            connection="connected",
            n_boot=5,
            methods=False,
            n_jobs=1,
            progress=False,
            random_state=0,
        )
        em.save_analysis(results[wave], tmp_path / wave)
    memory = em.compare(results["2026Q2"], results["2026Q3"]).changes
    folders = em.compare(tmp_path / "2026Q2", tmp_path / "2026Q3").changes
    columns = ["change", "change_low", "change_high", "p_value", "p_adjusted"]
    pd.testing.assert_frame_equal(
        folders.set_index("facet")[columns],
        memory.set_index("facet").loc[folders["facet"], columns],
    )


def test_the_connected_share_change_is_read_on_the_weights_effective_sizes():
    """Weighted waves are as precise as their effective sample sizes: the
    interval of the connected share's change widens by sqrt(n / n_eff); a
    summary without ``effective_n`` (an older run) reads the respondents."""
    from emomotiv.tracking import _kpis

    def wave(share, weighted=False, effective=None):
        data = {"n_respondents": 1000, "connected_share": share, "weighted": weighted}
        return {"data": data | ({"effective_n": effective} if effective else {})}

    plain = _kpis(wave(0.20, effective=1000.0), wave(0.24))["connected_share"]
    weighted = _kpis(wave(0.20, True, 800.0), wave(0.24, True, 800.0))
    weighted = weighted["connected_share"]
    older = _kpis(wave(0.20, True), wave(0.24, True))["connected_share"]
    width = plain["change_high"] - plain["change_low"]
    wider = weighted["change_high"] - weighted["change_low"]
    assert wider / width == pytest.approx(math.sqrt(1000 / 800))
    assert older["change_low"] == plain["change_low"]
    assert plain["interval"] == "95% binomial, on the respondents"
    # at the level of the facets' intervals (--alpha 0.1: 90%)
    ninety = _kpis(wave(0.20, effective=1000.0), wave(0.24), 0.9)["connected_share"]
    assert ninety["interval"] == "90% binomial, on the respondents"
    narrower = ninety["change_high"] - ninety["change_low"]
    assert narrower / width == pytest.approx(norm.ppf(0.95) / norm.ppf(0.975))
    assert "effective sample sizes" in weighted["interval"]
    assert "survey weights widen it" in older["interval"]


def test_the_connected_share_interval_is_at_the_level_of_the_flags(small_result):
    """--alpha 0.1 gave the facets 90% intervals and the connected share 95%."""
    comparison = em.compare(small_result, _second_wave(small_result), alpha=0.1)
    share = comparison.summary["kpis"]["connected_share"]
    assert share["interval"].startswith("90% binomial")


def test_the_order_of_the_wave_blocks_in_the_file_changes_nothing():
    """Waves are put in order by their labels, and each wave keeps its own
    rows' order: a file with its waves in another order gives the same
    analysis and the same comparison."""
    s = em.make_waves(250, 6, waves=("2025Q4", "2026Q1", "2026Q2"), random_state=1)
    options = dict(
        connection="connected",
        wave="wave",
        model=em.DriverModel(n_estimators=20, cv=0, n_jobs=1),
        n_boot=2,
        methods=False,
        progress=False,
        random_state=0,
    )
    place = {"2026Q2": 0, "2025Q4": 1, "2026Q1": 2}
    shuffled = s.survey.sort_values(
        "wave", key=lambda w: w.map(place), kind="stable"
    ).reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        runs = [
            em.analyze(survey, s.catalog, **options) for survey in (s.survey, shuffled)
        ]
    pd.testing.assert_frame_equal(runs[0].drivers, runs[1].drivers)
    pd.testing.assert_frame_equal(runs[0].tables["changes"], runs[1].tables["changes"])
    assert runs[1].summary["tracking"]["waves"] == {
        "before": "2026Q1",
        "after": "2026Q2",
    }


def test_replicates_or_intervals_that_never_differ_flag_nothing():
    """Intervals all of width 0 (a wave whose summary does not say it had one
    replicate) or replicates all alike give no standard error: a change of
    0.01 must not read as certain (p = 0, flagged)."""
    before = pd.Series([0.5, 0.3, 0.2], index=["a", "b", "c"])
    after = pd.Series([0.49, 0.3, 0.21], index=["a", "b", "c"])

    def flat_intervals(shares):
        result = _fake(shares, None, 1000)
        drivers = result.drivers.assign(
            importance_low=result.drivers["importance"],
            importance_high=result.drivers["importance"],
        )
        return replace(result, tables={"drivers": drivers})

    def alike_replicates(shares):
        return _fake(shares, pd.DataFrame([shares, shares, shares]), 1000)

    for make in (flat_intervals, alike_replicates):
        out = em.compare(make(before), make(after))
        assert out.summary["n_flagged"] == 0, make.__name__
        assert out.summary["uncertainty"] == "none"
        assert out.changes["p_value"].isna().all()
        assert "never differ" in out.summary["rule"]


def test_the_repr_counts_the_facets_compared_and_names_the_others():
    """The facets of one wave only are not compared: the repr counts those
    of both waves, as the console and the report do, and names the rest."""
    before = _fake(pd.Series([0.5, 0.3, 0.2], index=["a", "b", "c"]), None, 900)
    after = _fake(pd.Series([0.6, 0.3, 0.1], index=["a", "b", "d"]), None, 900)
    comparison = em.compare(before, after, labels=("2026Q2", "2026Q3"))
    assert comparison.summary["n_facets"] == 2 and len(comparison.changes) == 4
    assert repr(comparison) == (
        "WaveComparison(2026Q2 -> 2026Q3, 2 facets compared (1 added, 1 dropped); "
        "0 flagged: none)"
    )
    same = em.compare(before, before, labels=("2026Q2", "2026Q2 again"))
    assert "3 facets compared;" in repr(same)


@pytest.mark.parametrize(
    "labels, same",
    [
        (["2026Q2", "2026Q3", "2026q3"], [["2026Q3", "2026q3"]]),
        (["2026Q2", "Q2 2026", "2026Q3"], [["2026Q2", "Q2 2026"]]),
        (["Q3/2026", "2026-Q3", "2026Q4"], [["Q3/2026", "2026-Q3"]]),
        (["Wave 2", "wave  2", "wave 3"], [["Wave 2", "wave  2"]]),
        (["2026Q3", "Q3 FY26"], []),  # a fiscal quarter is not the calendar one
        (["2026", "2026Q1"], []),  # a year and its first quarter
    ],
)
def test_one_wave_written_two_ways_is_found(labels, same):
    from emomotiv.tracking import same_wave_labels

    assert same_wave_labels(labels) == same


def test_sort_waves_refuses_one_wave_written_two_ways():
    with pytest.raises(ValueError, match="one wave in more than one way") as err:
        em.sort_waves(["2026Q2", "2026Q3", "Q2 2026", "Q3 2026"])
    said = str(err.value)
    assert "'2026Q2' and 'Q2 2026'" in said and "'2026Q3' and 'Q3 2026'" in said


def test_a_wave_column_with_one_wave_written_two_ways_is_a_problem():
    s = em.make_waves(300, 6, random_state=2)
    survey = s.survey.copy()
    late = survey.index[survey["wave"] == "2026Q3"]
    survey.loc[late[:100], "wave"] = "2026q3"
    with pytest.raises(em.ValidationError) as err:
        em.analyze(
            survey, s.catalog, connection="connected", wave="wave",
            n_boot=0, methods=False, progress=False,
        )  # fmt: skip
    said = " ".join(err.value.problems)
    assert "'2026Q3' (200 rows) and '2026q3' (100 rows)" in said
    assert "replace({'2026q3': '2026Q3'})" in said


# --- journey stages -------------------------------------------------------


@pytest.fixture(scope="module")
def stage_waves():
    """Two small waves of one study, each with six journey stages."""
    s = em.make_waves(600, 12, random_state=0)
    model = em.DriverModel(n_estimators=40, cv=2)
    return {
        wave: em.analyze(
            part.reset_index(drop=True),
            s.catalog,
            connection="connected",
            model=model,
            n_boot=5,
            methods=False,
            progress=False,
            random_state=0,
        )
        for wave, part in s.survey.groupby("wave")
    }


def _restaged(result, facet, stage):
    """``result`` with ``facet`` in another journey stage."""
    drivers = result.drivers.copy()
    drivers.loc[drivers["facet"] == facet, "stage"] = stage
    return replace(result, tables=dict(result.tables) | {"drivers": drivers})


def test_a_wave_against_itself_moves_no_stage(small_result):
    with pytest.warns(UserWarning, match="same shares"):
        same = em.compare(small_result, small_result, labels=("Q2", "Q3"))
    stages = same.stages
    assert len(stages) == len(small_result.tables["stages"]) > 1
    assert (stages["change"] == 0).all() and not stages["flagged"].any()
    assert (stages["status"] == "both").all() and not stages["regrouped"].any()
    assert list(stages.columns) == STAGE_COLUMNS
    assert same.summary["stages"] == {
        "n_compared": len(stages),
        "n_flagged": 0,
        "flagged": {"up": [], "down": []},
        "regrouped": [],
    }


def test_stage_changes_are_the_waves_stage_shares_and_their_intervals(stage_waves):
    """The change is the later wave's stage share less the earlier's; its
    standard error combines each wave's interval, read as the facets' are
    without replicates (``_percentile_width`` at the wave's n_boot)."""
    before, after = stage_waves["2026Q2"], stage_waves["2026Q3"]
    stages = em.compare(before, after).stages.set_index("stage")
    b, a = (r.tables["stages"].set_index("stage") for r in (before, after))
    pd.testing.assert_series_equal(
        stages["change"],
        (a["importance"] - b["importance"]).loc[stages.index],
        check_names=False,
    )
    assert (stages["change_low"] <= stages["change"]).all()
    assert (stages["change"] <= stages["change_high"]).all()
    n_boot, level = (before.summary["uncertainty"][k] for k in ("n_boot", "level"))
    assert (n_boot, level) == (5, after.summary["uncertainty"]["level"])
    width = _percentile_width(n_boot, level)
    se = [(t["importance_high"] - t["importance_low"]) / width for t in (b, a)]
    expected = np.sqrt(se[0] ** 2 + se[1] ** 2).loc[stages.index]
    np.testing.assert_allclose(stages["se_change"], expected)
    assert (stages["n_facets_before"] == b["n_facets"].loc[stages.index]).all()


def test_stages_are_flagged_after_holm_over_the_stages(stage_waves):
    from statsmodels.stats.multitest import multipletests

    before, after = stage_waves["2026Q2"], stage_waves["2026Q3"]
    holm = em.compare(before, after).stages
    np.testing.assert_allclose(
        holm["p_adjusted"], multipletests(holm["p_value"], method="holm")[1]
    )
    assert (holm["flagged"] == (holm["p_adjusted"] < 0.05)).all()
    loose = em.compare(before, after, alpha=0.5, correction="none")
    stages = loose.stages
    assert (stages["p_adjusted"] == stages["p_value"]).all()
    assert stages["flagged"].any()  # at 50% unadjusted, a stage is flagged
    # flagged first, then by the size of the change
    assert stages["flagged"].is_monotonic_decreasing
    for part in (stages[stages["flagged"]], stages[~stages["flagged"]]):
        assert part["change"].abs().is_monotonic_decreasing
    flagged = stages[stages["flagged"]]
    assert loose.summary["stages"]["flagged"] == {
        "up": list(flagged.loc[flagged["change"] > 0, "stage"]),
        "down": list(flagged.loc[flagged["change"] < 0, "stage"]),
    }
    assert loose.summary["stages"]["n_flagged"] == len(flagged)


def test_a_restaged_touchpoint_marks_both_its_stages_regrouped(stage_waves, capsys):
    before, after = stage_waves["2026Q2"], stage_waves["2026Q3"]
    drivers = after.drivers
    facet, old = drivers[["facet", "stage"]].iloc[0]
    new = next(s for s in drivers["stage"] if s != old)
    comparison = em.compare(before, _restaged(after, facet, new))
    stages = comparison.stages.set_index("stage")
    assert set(stages.index[stages["regrouped"]]) == {old, new}
    assert sorted(comparison.summary["stages"]["regrouped"]) == sorted([old, new])
    _print_tracking(comparison.summary, comparison.changes, stages=comparison.stages)
    out = capsys.readouterr().out
    for stage in (old, new):
        assert (
            f"  Stage '{stage}': its touchpoints differ between the waves, so its "
            "share compares different things." in out
        )
    page = html.unescape(em.ComparisonReport(comparison).html())
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert f"{old} (regrouped)" in text and f"{new} (regrouped)" in text
    assert "its share compares different things" not in text  # two: their shares
    assert "so their shares compare different things" in text


def test_the_console_names_the_stages_that_moved(stage_waves, capsys):
    before, after = stage_waves["2026Q2"], stage_waves["2026Q3"]
    held = em.compare(before, after)
    _print_tracking(held.summary, held.changes, stages=held.stages)
    n = held.summary["stages"]["n_compared"]
    assert held.summary["stages"]["n_flagged"] == 0  # small waves: nothing moved
    assert f"No journey stage moved beyond noise ({n} stages compared)." in (
        capsys.readouterr().out
    )
    loose = em.compare(before, after, alpha=0.5, correction="none")
    _print_tracking(loose.summary, loose.changes, stages=loose.stages)
    (line,) = [
        x for x in capsys.readouterr().out.splitlines() if x.startswith("Journey")
    ]
    top = loose.stages.iloc[0]
    low, high = (f"{100 * top[c]:+.1f} pts" for c in ("change_low", "change_high"))
    assert line.startswith("Journey stages moved beyond noise (")
    assert (
        f"{top['stage']} {100 * top['change']:+.1f} pts (50% interval {low} to {high})"
        in line
    )


def test_without_stages_in_a_wave_there_is_no_stage_table(stage_waves, tmp_path):
    before, after = stage_waves["2026Q2"], stage_waves["2026Q3"]
    bare = replace(
        after, tables={k: v for k, v in after.tables.items() if k != "stages"}
    )
    one = after.tables["stages"].head(1)
    single = replace(after, tables=dict(after.tables) | {"stages": one})
    # a revised catalog that renames every stage: none shared (this crashed)
    named = after.tables["stages"].assign(stage=lambda t: "Renamed " + t["stage"])
    renamed = replace(after, tables=dict(after.tables) | {"stages": named})
    for other in (bare, single, renamed):
        comparison = em.compare(before, other)
        assert comparison.stages is None and comparison.summary["stages"] is None
        assert not comparison.changes.empty
    out = em.save_comparison(comparison, tmp_path / "cmp")
    assert not (out / "stage_changes.csv").exists()
    assert em.load_comparison(out).stages is None


def test_stage_changes_are_saved_and_loaded_back(stage_waves, tmp_path):
    before, after = stage_waves["2026Q2"], stage_waves["2026Q3"]
    comparison = em.compare(before, _restaged(after, after.drivers["facet"][0], "Grow"))
    out = em.save_comparison(comparison, tmp_path / "cmp")
    assert (
        "stage_changes.csv" in json.loads((out / "manifest.json").read_text())["files"]
    )
    loaded = em.load_comparison(out)
    pd.testing.assert_frame_equal(loaded.stages, comparison.stages)
    assert loaded.summary["stages"] == comparison.summary["stages"]


def test_stage_changes_of_saved_folders_equal_those_in_memory(stage_waves, tmp_path):
    for wave, result in stage_waves.items():
        em.save_analysis(result, tmp_path / wave)
    memory = em.compare(stage_waves["2026Q2"], stage_waves["2026Q3"])
    folders = em.compare(tmp_path / "2026Q2", tmp_path / "2026Q3")
    pd.testing.assert_frame_equal(folders.stages, memory.stages)
    assert folders.summary["stages"] == memory.summary["stages"]


def test_analyze_by_wave_keeps_the_stage_changes(stage_waves, tmp_path):
    s = em.make_waves(400, 8, random_state=1)
    result = em.analyze(
        s.survey,
        s.catalog,
        connection="connected",
        wave="wave",
        model=em.DriverModel(n_estimators=30, cv=0),
        n_boot=5,
        methods=False,
        progress=False,
    )
    stages = result.tables["stage_changes"]
    pd.testing.assert_frame_equal(stages, result.tracking.stages)
    assert result.summary["tracking"]["stages"]["n_compared"] == len(stages)
    out = em.save_analysis(result, tmp_path / "out")
    loaded = em.load_analysis(out)
    pd.testing.assert_frame_equal(loaded.tables["stage_changes"], stages)
    pd.testing.assert_frame_equal(loaded.tracking.stages, stages)
    # a comparison without stages leaves none of an earlier one behind
    none = replace(result.tracking, stages=None)
    assert "stage_changes" not in add_comparison(result, none).tables


def test_a_wave_column_of_interview_days_is_one_problem_not_one_a_day():
    """A wave column holding each respondent's interview date (40 days)
    was refused with two lines a day (80 in all), each under its own wave:
    each kind of problem is said once, after a line naming the column as
    an interview date."""
    s = em.make_survey(n_respondents=800, n_facets=6, random_state=0)
    survey = s.survey.copy()
    days = pd.date_range("2026-03-01", periods=40).strftime("%Y-%m-%d")
    survey["wave"] = np.resize(days, len(survey))
    with pytest.raises(em.ValidationError) as err:
        em.analyze(survey, s.catalog, connection="connected", wave="wave", n_boot=0)
    problems = err.value.problems
    assert 2 <= len(problems) <= 5
    assert problems[0].startswith("The wave column 'wave' holds 40 different days")
    assert "an interview date" in problems[0]
    # the days before the last two are neither analysed nor compared: their
    # size is no problem (yet they count toward the date's line above); the
    # two analysed are named
    analysed = ("Wave '2026-04-08': ", "Wave '2026-04-09': ")
    assert all(p.startswith(analysed) for p in problems[1:])
    # a monthly tracker's waves written as the first of each month, its
    # early waves small: no interview date, and their size refuses nothing
    months = pd.date_range("2025-01-01", periods=14, freq="MS").strftime("%Y-%m-%d")
    monthly = np.repeat(months, [25] * 12 + [250, 250])
    result = em.analyze(
        s.survey.iloc[:800].assign(wave=monthly), s.catalog,
        connection="connected", wave="wave", n_boot=0, methods=False,
        model=em.DriverModel(n_estimators=10, cv=0), progress=False,
    )  # fmt: skip
    assert result.summary["data"]["wave"] == "2026-02-01"


def test_waves_missing_other_facets_name_each_facet():
    """Facets coded Q10 to Q15, Q10 and Q11 not asked in 2026Q1, Q12 and Q13
    not in 2026Q2: the four problems were taken, digits and all, for one
    kind said of "4 of the 2 waves", naming Q10 alone."""
    s = em.make_survey(n_respondents=400, n_facets=6, random_state=0)
    names = {f: f"Q{10 + i}" for i, f in enumerate(s.catalog["facet"])}
    survey = s.survey.rename(columns=names)
    catalog = s.catalog.assign(facet=s.catalog["facet"].map(names))
    survey["wave"] = np.where(np.arange(len(survey)) % 2, "2026Q2", "2026Q1")
    q1 = survey["wave"] == "2026Q1"
    survey.loc[q1, ["Q10", "Q11"]] = np.nan
    survey.loc[~q1, ["Q12", "Q13"]] = np.nan
    with pytest.raises(em.ValidationError) as err:
        em.analyze(survey, catalog, connection="connected", wave="wave", n_boot=0)
    said = [p.split(" is empty")[0] for p in err.value.problems if p[:5] == "Wave "]
    assert said == [
        "Wave '2026Q1': Facet 'Q10'",
        "Wave '2026Q1': Facet 'Q11'",
        "Wave '2026Q2': Facet 'Q12'",
        "Wave '2026Q2': Facet 'Q13'",
    ]


def test_a_problem_of_many_waves_counts_the_waves_once_a_facet():
    """Two facets empty in the same 4 of 5 waves were one line, of "8 of the
    5 waves", naming each wave twice."""
    from emomotiv.tracking import wave_problems

    found = {f"W{w}": [] for w in range(1, 6)}
    for wave in ["W2", "W3", "W4", "W5"]:
        found[wave] = [f"Facet 'Q{q}' is empty: nobody rated it." for q in (1, 2)]
        found[wave].append(f"Only {int(wave[1]) * 7} respondents.")
    lines = wave_problems(found, "wave")
    assert lines[:3] == [
        "4 of the 5 waves in 'wave' have this problem ('W2', 'W3', 'W4' (+1 more)); "
        f"in 'W2': {problem}"
        for problem in found["W2"]
    ]


def test_a_wave_column_of_dates_labels_each_wave_by_its_date():
    """A data scientist's wave column of pandas dates names each wave by its
    day (2026-04-01), not by str() of a timestamp (2026-04-01 00:00:00), in
    the summary, the comparison and the report; the waves keep their order."""
    s = em.make_waves(300, 6, waves=("2026Q1", "2026Q2"), random_state=1)
    days = {"2026Q1": "2026-01-01", "2026Q2": "2026-04-01"}
    survey = s.survey.assign(wave=pd.to_datetime(s.survey["wave"].map(days)))
    result = em.analyze(
        survey.iloc[::-1].reset_index(drop=True),
        s.catalog,
        connection="connected",
        wave="wave",
        model=em.DriverModel(n_estimators=20, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    assert result.summary["data"]["wave"] == "2026-04-01"
    assert result.tracking.summary["waves"] == {
        "before": "2026-01-01",
        "after": "2026-04-01",
    }
    assert "00:00:00" not in em.Report(result).html()


def test_the_rule_names_degrees_of_freedom_it_does_not_overstate():
    """The rule read "Student's t with 12 to 22 degrees of freedom" where
    the fewest used were Welch-Satterthwaite's 11.84."""
    from emomotiv.tracking import _reading

    assert "t with 11 to 22 degrees" in _reading(pd.Series([11.84, 21.97, 15.0]))
    assert "t with 19 degrees" in _reading(pd.Series([19.0, 19.0]))
    assert "t with 11.8 degrees" in _reading(pd.Series([11.84, 11.84]))
    assert "t with 11.9 degrees" in _reading(pd.Series([11.96]))  # not 12.0
