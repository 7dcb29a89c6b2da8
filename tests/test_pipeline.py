import html
import importlib.util
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import emomotiv as em


def test_recovers_the_true_drivers(full, full_result):
    """Acceptance: at least 8 of the top 10 facets are true drivers."""
    top10 = full_result.drivers["facet"].head(10)
    hits = full.truth.loc[top10, "is_driver"].sum()
    assert hits >= 8, f"only {hits} of the top 10 are true drivers: {list(top10)}"


def test_drivers_table_contract(full_result, full):
    d = full_result.drivers
    # The documented order (DESIGN.md) for the columns present, extras after.
    from emomotiv.pipeline import DRIVER_COLUMNS

    present = [c for c in DRIVER_COLUMNS if c in d.columns]
    assert list(d.columns[: len(present)]) == present
    assert {"facet", "importance", "rank", "direction", "reach"} <= set(present)
    assert "raw_importance" in d.columns
    assert d["importance"].sum() == pytest.approx(1)
    assert list(d["rank"]) == list(range(1, 101))
    assert set(d["facet"]) == set(full.catalog["facet"])
    labels = full.catalog.set_index("facet")["label"]
    assert (d.set_index("facet")["label"] == labels[d["facet"]]).all()


def test_summary_reports_fit_shares_and_versions(full_result, full):
    s = full_result.summary
    assert s["data"]["n_respondents"] == 5000 and s["data"]["n_facets"] == 100
    w = full.survey["weight"]
    expected = np.average(full.survey["connected"], weights=w)
    assert s["data"]["connected_share"] == pytest.approx(expected)
    assert s["model"]["fit"]["roc_auc"] > 0.8
    # a segment's ranking of 100 facets may be noise, and 10 replicates'
    # 90% intervals are their range; nothing else is said
    few = "With 10 bootstrap replicates, each 90% interval is their range"
    assert sum(w.startswith(few) for w in s["warnings"]) == 1
    said = [w for w in s["warnings"] if not w.startswith(few)]
    assert all("ranked segments is unstable" in w for w in said)
    assert {"emomotiv", "xgboost", "shap"} <= set(s["versions"])


def test_same_seed_same_result(small, pools):
    """Any n_jobs gives the same tables; n_jobs=1 runs every pool of the
    analysis (refits, scenarios, segments, value) on one thread."""
    options = {"random_state": 3, "n_boot": 8, "progress": False}
    a = em.analyze(small.survey, small.catalog, n_jobs=1, **options, **small.roles)
    assert pools and set(pools) == {1}
    b = em.analyze(small.survey, small.catalog, n_jobs=2, **options, **small.roles)
    for name in ("drivers", "stages", "roi", "segment_drivers", "value_drivers"):
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_same_result_on_any_number_of_blas_threads():
    """The classical methods and the motivators (inverses and eigenvectors of
    100 facets' correlations) differed in their last digits between one and
    two BLAS threads; now every number is the same."""
    from threadpoolctl import threadpool_limits

    s = em.make_survey(n_respondents=1000, n_facets=100, random_state=0)
    fast = em.DriverModel(n_estimators=20, cv=0)
    runs = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            runs.append(
                em.analyze(
                    s.survey,
                    s.catalog,
                    connection="connected",
                    model=fast,
                    n_boot=0,
                    progress=False,
                )
            )
    one, two = runs
    for name in ("methods", "motivators"):
        pd.testing.assert_frame_equal(
            one.tables[name], two.tables[name], check_exact=True
        )
    for key in ("diagnostics", "agreement"):
        assert one.summary[key] == two.summary[key], key


def test_two_analyses_with_one_model_leave_each_other_alone(small):
    model = em.DriverModel(n_estimators=30, cv=2, n_jobs=1)
    options = dict(connection="connected", n_boot=0, progress=False, methods=False)
    first = em.analyze(small.survey, small.catalog, model=model, cv=3, **options)
    saved = first.model.estimator_.get_booster().save_raw()
    second = em.analyze(
        small.survey, small.catalog, model=model, random_state=5, **options
    )
    assert model.get_params()["cv"] == 2 and model.random_state is None
    assert not hasattr(model, "estimator_")
    assert second.summary["model"]["cv_folds"] == 2
    assert first.model is not second.model
    assert first.model.estimator_.get_booster().save_raw() == saved

    # the run records the model it was given: a study file cannot hold it
    assert first.summary["study"]["model"] == repr(model)


def test_a_run_without_a_model_of_its_own_records_none(small_result):
    assert "model" not in small_result.summary["study"]


def test_facets_beside_a_catalog_are_refused(small):
    """The facets come from the catalog or from facets=[...]: given both, the
    list was silently dropped."""
    with pytest.raises(em.ValidationError, match="not both \\(2 given\\)"):
        em.analyze(
            small.survey,
            small.catalog,
            facets=list(small.catalog["facet"][:2]),
            connection="connected",
            n_boot=0,
        )


def test_weak_fit_warns(small):
    rng = np.random.default_rng(0)
    noise = small.survey.assign(connected=rng.integers(0, 2, len(small.survey)))
    with pytest.warns(UserWarning, match="not reliable"):
        result = em.analyze(noise, small.catalog, connection="connected", n_boot=0)
    assert result.summary["warnings"]
    assert result.summary["diagnostics"]["weak_fit"] is True
    assert result.diagnostics.weak_fit


def test_facets_without_catalog(small):
    facets = list(small.catalog["facet"])
    result = em.analyze(small.survey, facets=facets, connection="connected", n_boot=0)
    assert set(result.drivers["facet"]) == set(facets)
    with pytest.raises(ValueError, match="needs the facets"):
        em.analyze(small.survey, connection="connected")


def test_bad_input_raises_before_fitting(small):
    bad = small.survey.assign(weight=-1.0)
    with pytest.raises(em.ValidationError, match="weights"):
        em.analyze(bad, small.catalog, connection="connected", weight="weight")


def test_intervals_stages_and_summaries(full_result, full):
    d = full_result.drivers
    assert (d["importance_low"] <= d["importance_high"]).all()
    assert (d["rank_low"] <= d["rank"]).mean() > 0.9
    assert d["p_top"].sum() == pytest.approx(10)
    assert full_result.summary["uncertainty"]["top_k"] == 10
    # the true drivers should be near-certain members of the top ten
    top = d.head(5)
    assert (top["p_top"] >= 0.5).all()
    stages = full_result.tables["stages"]
    assert list(stages["stage"]) == list(dict.fromkeys(full.catalog["stage"]))
    assert stages["importance"].sum() == pytest.approx(1)
    assert stages["n_facets"].sum() == 100
    s = full_result.summary
    assert s["uncertainty"]["n_boot"] == 10 and s["uncertainty"]["level"] == 0.9
    assert s["uncertainty"]["sample_size"] == 2000
    diag = s["diagnostics"]
    assert {"condition_number", "vif_max", "vif_top", "halo_share"} <= set(diag)
    assert {"suppressors", "weak_fit", "cv"} <= set(diag)
    assert diag["weak_fit"] is False and diag["cv"]["roc_auc"] > 0.8
    assert 0.2 < diag["halo_share"] < 0.6
    assert full_result.importance.replicates.shape == (10, 100)


def test_one_level_for_every_interval(small):
    """``level`` sets the drivers', the value link's and the plan's intervals
    alike (the plan reads the value link's interval at that level)."""
    result = em.analyze(
        small.survey,
        small.catalog,
        n_boot=5,
        level=0.8,
        population=1e5,
        random_state=0,
        progress=False,
        **small.roles | {"churn": None, "advocacy": None},
    )
    s = result.summary
    assert s["uncertainty"]["level"] == s["value"]["level"] == 0.8
    assert s["plan"]["level"] == 0.8
    assert s["value"]["attrition"] is s["value"]["advocacy"] is None  # left out
    assert not {"churn", "advocacy"} & set(s["data"]["roles"])


def test_n_boot_zero_leaves_interval_columns_empty(small):
    result = em.analyze(
        small.survey, small.catalog, n_boot=0, random_state=0, **small.roles
    )
    d = result.drivers
    assert d[["importance_low", "importance_high", "p_top"]].isna().all().all()
    assert result.tables["stages"]["importance_low"].isna().all()
    assert result.summary["uncertainty"]["n_boot"] == 0


def test_bad_bootstrap_option_fails_before_fitting(small):
    with pytest.raises(ValueError, match="'n_boot' parameter of analyze"):
        em.analyze(small.survey, small.catalog, n_boot=-1, **small.roles)
    with pytest.raises(ValueError, match="'level' parameter of analyze"):
        em.analyze(small.survey, small.catalog, level=90, **small.roles)


def test_stated_measures_and_value_fill_the_contract(small_result, small):
    d = small_result.drivers
    design = ["facet", "label", "stage", "importance", "rank", "direction"]
    design += ["stated_importance", "stated_rank", "gap", "quadrant"]
    assert [c for c in d.columns if c in design] == design
    assert d["stated_importance"].sum() == pytest.approx(1)
    assert d["gap"].to_numpy() == pytest.approx(
        (d["importance"] - d["stated_importance"]).to_numpy()
    )
    assert set(d["quadrant"]) <= {
        "core_driver",
        "hidden_driver",
        "table_stakes",
        "low_priority",
    }
    assert d["p_quadrant"].between(0, 1).all()
    s = small_result.summary
    # p_quadrant rests on the ranking's ten replicates, and says so
    assert s["stated"]["n_boot"] == 10
    assert (d["p_quadrant"] * 10).round(6).mod(1).eq(0).all()
    assert {"source", "rank_correlation", "thresholds", "counts"} <= set(s["stated"])
    assert s["measures"]["connected_rule"] == "connection outcome = 1"
    assert sum(s["measures"]["tiers"].values()) == pytest.approx(1)
    for key in ("multiplier", "value_per_connected", "value_per_connected_low"):
        assert s["value"][key] > 0
    # small.roles names the churn and advocacy columns
    assert s["value"]["attrition"]["odds_ratio"] > 0
    roles = s["data"]["roles"]
    assert (roles["churn"], roles["advocacy"]) == (
        small.roles["churn"],
        small.roles["advocacy"],
    )
    assert {"attrition_rate", "promoter_rate"} <= set(small_result.tables["tiers"])
    assert list(small_result.tables["tiers"]["tier"]) == [
        "unconnected",
        "highly_satisfied",
        "fully_connected",
    ]
    motivators = small_result.tables["motivators"]
    assert list(motivators.columns[:3]) == ["facet", "label", "stand_out"]
    assert len(motivators) == len(small.catalog)
    import json

    json.dumps(s, allow_nan=False, default=str)  # JSON-ready: no NaN


def test_steps_are_skipped_when_their_inputs_are_absent(small):
    survey = small.survey.drop(columns=small.survey.filter(like="motivator__").columns)
    catalog = small.catalog.drop(columns="stated_importance")
    result = em.analyze(
        survey,
        catalog,
        connection="connected",
        weight="weight",
        n_boot=5,
        progress=False,
        random_state=0,
    )
    s = result.summary
    assert "no stated importance" in s["stated"]["skipped"]
    assert result.drivers["quadrant"].isna().all()
    assert s["value"]["multiplier"] is None and "no value" in s["value"]["skipped"]
    assert s["measures"]["cronbach_alpha"] is None
    assert "motivators" not in result.tables
    assert result.stated is None and result.value is None


def test_per_respondent_ranks_churn_and_advocacy():
    s = em.make_survey(
        n_respondents=700, n_facets=12, random_state=5, stated_form="ranks"
    )
    result = em.analyze(
        s.survey,
        s.catalog,
        stated_form="ranks",
        n_boot=5,
        progress=False,
        random_state=0,
        **s.roles,
    )
    summary = result.summary
    assert summary["stated"]["source"] == "respondents"
    assert summary["stated"]["form"] == "ranks"
    assert result.drivers["stated_low"].notna().all()
    assert summary["value"]["attrition"]["odds_ratio"] > 0
    assert "recommendation >= 9" in summary["value"]["advocacy"]["definition"]
    assert "attrition_rate" in result.tables["tiers"]
    with pytest.raises(em.ValidationError, match="churn column 'churn'"):
        em.analyze(s.survey, s.catalog, **s.roles | {"churn": "churn"})


def test_a_churn_column_answered_yes_or_no_is_coded_as_its_0_1_twin(small):
    """ "ja"/"nein" in the churn column give the value link of 1/0 and a note;
    a third answer is refused by validation, naming it."""
    churn = small.roles["churn"]
    fast = dict(n_boot=0, methods=False, progress=False, random_state=0)
    fast["model"] = em.DriverModel(n_estimators=20, cv=0)
    coded = em.analyze(small.survey, small.catalog, **small.roles, **fast)
    words = small.survey.assign(
        **{churn: small.survey[churn].map({0: "nein", 1: " Ja"}).astype(object)}
    )
    result = em.analyze(words, small.catalog, **small.roles, **fast)
    attrition = result.summary["value"]["attrition"]
    assert attrition == coded.summary["value"]["attrition"]
    n_left = int(small.survey[churn].sum())
    assert any(
        f"Churn ('{churn}') coded from the answers: 1 for 'Ja' ({n_left})" in n
        for n in result.summary["data"]["scales"]
    )
    words.loc[0, churn] = "vielleicht"
    with pytest.raises(em.ValidationError, match="'vielleicht'"):
        em.analyze(words, small.catalog, **small.roles, **fast)


def test_respondents_who_left_the_outcome_empty_are_left_out_and_counted(
    small, tmp_path, capsys
):
    from emomotiv.cli import main

    survey = small.survey.copy()
    survey.loc[:19, "connected"] = np.nan
    result = em.analyze(
        survey,
        small.catalog,
        connection="connected",
        model=em.DriverModel(n_estimators=20, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    data = result.summary["data"]
    assert data["n_respondents"] == len(survey) - 20 and data["unanswered"] == 20
    assert any(
        "20 respondents have no answer in the outcome" in n for n in data["scales"]
    )
    # the command line says so under the count
    path, catalog = tmp_path / "survey.csv", tmp_path / "facets.csv"
    survey.to_csv(path, index=False)
    small.catalog.to_csv(catalog, index=False)
    args = ["analyze", str(path), "--catalog", str(catalog), "--connection"]
    args += ["connected", "--n-boot", "0", "--no-methods", "--out", str(tmp_path / "o")]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Analysed {len(survey) - 20:,} respondents x 12 facets."
    # said once, under the count (not a second time in other words)
    assert lines[1] == (
        "  20 respondents have no answer in the outcome column 'connected': left "
        "out of the analysis."
    )
    assert sum("outcome" in line and "20" in line for line in lines) == 1
    # by wave, each wave's own count
    waves = em.make_waves(300, 8, random_state=2)
    survey = waves.survey.copy()
    survey.loc[[0, 1, 599], "connected"] = np.nan  # two in 2026Q2, one in 2026Q3
    latest = em.analyze(
        survey,
        waves.catalog,
        connection="connected",
        wave="wave",
        model=em.DriverModel(n_estimators=20, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    assert latest.summary["data"]["unanswered"] == 1
    assert latest.summary["data"]["n_respondents"] == 299
    # empty everywhere: nothing to analyse, and validation says so
    with pytest.raises(em.ValidationError, match="'connected'"):
        em.analyze(
            survey.assign(connected=np.nan), small.catalog, connection="connected"
        )


def test_answers_coded_in_words_are_counted_in_the_wave_analysed():
    """With waves, the notes on a yes/no outcome and a churn column coded
    from words count the answers of the wave analysed, as every other count
    of the run does, not those of every wave in the file."""
    waves = em.make_waves(300, 8, random_state=2)
    survey = waves.survey.assign(
        connected=lambda d: d["connected"].map({1: "Yes", 0: "No"}),
        churned=lambda d: d["churned"].map({1: "Yes", 0: "No"}),
    )
    latest = survey["wave"] == "2026Q3"
    result = em.analyze(
        survey,
        waves.catalog,
        **waves.roles | {"advocacy": None, "connected_values": ["Yes"]},
        model=em.DriverModel(n_estimators=20, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    notes = result.summary["data"]["scales"]
    yes = int((survey.loc[latest, "connected"] == "Yes").sum())
    no = int(latest.sum()) - yes
    assert f"1 for 'Yes' ({yes}), 0 for 'No' ({no})." in " ".join(notes)
    left = int((survey.loc[latest, "churned"] == "Yes").sum())
    assert f"Churn ('churned') coded from the answers: 1 for 'Yes' ({left})" in (
        " ".join(notes)
    )
    assert left < (survey["churned"] == "Yes").sum()  # both waves count more


def test_no_tiers_table_without_a_rule_for_who_is_connected(small, tmp_path):
    """A score outcome without motivator items: no one can be called fully
    connected, so there is no tiers table (and no empty tiers.csv); the
    summary says why."""
    survey = small.survey.drop(
        columns=[c for c in small.survey if c.startswith("motivator__")]
    ).assign(score=lambda d: d["connected"] * 50 + d["satisfaction"] * 3)

    def run(survey, n_boot=0, **roles):
        return em.analyze(
            survey,
            small.catalog,
            connection="score",
            connection_kind="score",
            value="value",
            model=em.DriverModel(n_estimators=30, cv=0),
            n_boot=n_boot,
            progress=False,
            **roles,
        )

    result = run(survey, n_boot=2, satisfaction="satisfaction")
    assert "tiers" not in result.tables
    measures = result.summary["measures"]
    assert (
        measures["tiers"] == {}
        and "no rule for who is fully connected" in (measures["note"])
    )
    assert result.summary["value"]["skipped"] == (  # not "skipped: none: the ..."
        "skipped: no rule for who is fully connected (the outcome is not 0/1 "
        "and there are no motivators)"
    )
    out = em.save_analysis(result, tmp_path / "run")
    assert not (out / "tiers.csv").exists() and (out / "drivers.csv").exists()
    # churn and advocacy, which only that link reads, are said to go unread
    # and are not listed among the columns used
    with pytest.warns(UserWarning, match="went unread") as caught:
        result = run(survey, churn="churned", advocacy="recommend")
    (said,) = [str(w.message) for w in caught if "went unread" in str(w.message)]
    assert said.startswith(
        "The churn column 'churned' and the advocacy column 'recommend' went unread"
    )
    assert "(the outcome is not 0/1 and there are no motivators)" in said
    assert said in result.summary["warnings"]
    roles = result.summary["data"]["roles"]
    assert "churn" not in roles and "advocacy" not in roles
    assert roles["value"] == "value"
    # a churn column in words is not said to be coded either
    words = survey.assign(churned=survey["churned"].map({1: "Yes", 0: "No"}))
    with pytest.warns(UserWarning, match="went unread"):
        result = run(words, churn="churned")
    assert not any("Churn" in note for note in result.summary["data"]["scales"])


def test_weighted_tiers_give_the_weighted_n_that_goes_with_their_share(small_result):
    """With survey weights tiers.csv gave n unweighted (3,192) beside the
    weighted share (63.6%, where the rows make 63.8%): weighted_n now
    goes with the share; without weights n and share agree, and there is
    no weighted_n."""
    tiers = small_result.tables["tiers"]
    assert list(tiers.columns[:4]) == ["tier", "n", "weighted_n", "share"]
    assert tiers["weighted_n"].sum() == pytest.approx(tiers["n"].sum())
    expected = tiers["share"] * tiers["n"].sum()
    assert np.allclose(tiers["weighted_n"], expected)
    assert not np.allclose(tiers["weighted_n"], tiers["n"])
    s = em.make_survey(n_respondents=250, n_facets=6, random_state=3)
    plain = em.analyze(s.survey, s.catalog, **_quick_options()).tables["tiers"]
    assert "weighted_n" not in plain
    assert np.allclose(plain["share"], plain["n"] / plain["n"].sum())


def test_the_summary_gives_the_weights_effective_sample_size(small, small_result):
    w = small.survey["weight"]
    data = small_result.summary["data"]
    assert data["effective_n"] == pytest.approx(w.sum() ** 2 / (w**2).sum())
    assert data["effective_n"] < data["n_respondents"]


@pytest.mark.parametrize("scale", [1e-170, 1e170])
def test_the_effective_sample_size_does_not_depend_on_the_weights_scale(scale):
    """Weights on any scale give the same analysis: Kish's size of weights
    whose squares leave the float range neither overflows nor underflows into
    NaN (it did, with a RuntimeWarning, in the summary and the diagnostics)."""
    s = em.make_survey(n_respondents=150, n_facets=6, random_state=3)
    survey = s.survey.filter(regex="^(?!motivator__)")  # alpha: np.cov's own
    survey = survey.assign(weight=s.survey["weight"] * scale)
    w = s.survey["weight"].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = em.analyze(
            survey,
            s.catalog,
            connection="connected",
            weight="weight",
            model=em.DriverModel(n_estimators=20, cv=0),
            n_boot=0,
            methods=False,
            progress=False,
        )
    size = result.summary["data"]["effective_n"]
    assert size == pytest.approx(w.sum() ** 2 / (w**2).sum())
    assert result.diagnostics.info["n_effective"] == pytest.approx(size)


def _quick_options() -> dict:
    """analyze's options for a quick run: a small model, nothing resampled."""
    return dict(
        connection="connected",
        model=em.DriverModel(n_estimators=20, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )


def test_weights_that_leave_a_handful_of_effective_respondents_are_warned_of():
    """One respondent with nearly all the weight: the minimum size counts
    rows (250 here), yet that respondent decides every number; analyze says
    so, naming the effective sample and the heaviest respondent's share."""
    s = em.make_survey(n_respondents=250, n_facets=6, random_state=3)
    survey = s.survey.assign(weight=s.survey["weight"].where(s.survey.index > 0, 1e9))
    options = _quick_options()
    with pytest.warns(UserWarning, match="effective sample of 1.0 respondents"):
        em.analyze(survey, s.catalog, weight="weight", **options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        em.analyze(s.survey, s.catalog, weight="weight", **options)
    assert not [w for w in caught if "effective sample" in str(w.message)]


def test_a_value_held_by_one_customer_is_warned_of():
    """A 999999999 code among values of a few hundred made connected
    customers worth millions less than the others, silently; analyze names
    the share one customer holds and what to check."""
    s = em.make_survey(n_respondents=250, n_facets=6, random_state=3)
    coded = s.survey["value"].where(s.survey.index > 0, 999_999_999)
    options = _quick_options()
    with pytest.warns(UserWarning, match="hold the value: 1.0 in effect"):
        em.analyze(s.survey.assign(value=coded), s.catalog, value="value", **options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        em.analyze(s.survey, s.catalog, value="value", **options)
    assert not [w for w in caught if "hold the value" in str(w.message)]


def test_money_asked_for_that_cannot_be_priced_is_a_warning():
    """A population with a value gap resting on 3 unconnected customers:
    ROI is left empty, and the run's warnings (console, report) say why,
    not only summary["plan"]; without a population nothing was asked."""
    s = em.make_survey(n_respondents=250, n_facets=6, random_state=3)
    survey = s.survey.copy()
    unconnected = survey.index[survey["connected"] == 0]
    survey.loc[unconnected[3:], "value"] = np.nan
    options = _quick_options() | {"value": "value"}
    with pytest.warns(UserWarning, match="3 unconnected respondents with a value"):
        result = em.analyze(survey, s.catalog, population=1e5, **options)
    note = result.summary["plan"]["value_note"]
    assert note in result.summary["warnings"]
    assert result.tables["roi"]["delta_value"].isna().all()
    result = em.analyze(survey, s.catalog, **options)
    assert result.summary["plan"]["value_note"] not in result.summary["warnings"]


def test_a_budget_and_a_value_without_a_population_say_why_there_is_no_money():
    """A value column, costs and a budget but no population: every money
    figure was dropped without a word."""
    s = em.make_survey(n_respondents=250, n_facets=6, random_state=3)
    options = _quick_options() | {"value": "value"}
    with pytest.warns(UserWarning, match="No population: delta_value and roi"):
        result = em.analyze(s.survey, s.catalog, budget=1e6, **options)
    assert "--population N" in result.summary["plan"]["value_note"]
    assert result.summary["plan"]["value_note"] in result.summary["warnings"]


def test_mean_connection_score_is_the_weighted_mean_of_those_with_a_score():
    """Respondents who answered no motivator have no score: they are left out
    of the mean, not counted at the unweighted mean of the others."""
    s = em.make_survey(n_respondents=250, n_facets=6, random_state=3)
    survey = s.survey.copy()
    motivators = list(survey.filter(like="motivator__").columns)
    survey.loc[survey.index[:60], motivators] = np.nan
    survey["weight"] = np.where(survey.index % 2 == 0, 5.0, 0.5)
    result = em.analyze(survey, s.catalog, weight="weight", **_quick_options())
    score = result.measures.score
    has = score.notna()
    expected = np.average(score[has], weights=survey.loc[has, "weight"])
    got = result.summary["measures"]["mean_connection_score"]
    assert got == pytest.approx(expected, rel=1e-12)
    assert has.sum() == 190


def test_a_model_that_made_no_split_is_warned_of_once():
    """The diagnostics' warning, not that and shap_importance's as well."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    options = _quick_options()
    options["model"] = em.DriverModel(n_estimators=20, min_child_weight=1e6, cv=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = em.analyze(s.survey, s.catalog, **options)
    said = [w for w in caught if "made no split on any facet" in str(w.message)]
    assert len(said) == 1
    assert str(said[0].message) in result.summary["warnings"]


def test_replicates_that_split_on_nothing_are_counted_and_warned_of_once():
    """3 of 6 refits split on nothing: summary["uncertainty"] counts them
    and the warning is said once, and kept with the run's warnings."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    options = _quick_options() | {"n_boot": 6}
    options["model"] = em.DriverModel(n_estimators=20, min_child_weight=22, cv=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = em.analyze(s.survey, s.catalog, **options)
    said = [str(w.message) for w in caught if "made no split" in str(w.message)]
    assert len(said) == 1 and said[0].startswith("In 3 of 6 bootstrap replicates")
    assert said[0] in result.summary["warnings"]
    assert result.summary["uncertainty"]["no_split"] == 3


def test_connected_customers_worth_less_price_nothing_and_say_so():
    """Connected customers worth less than the rest (an insurer's tenure
    discounts): priced by that gap the plan bought the touchpoints that
    lower connection, reported as a gain in value, with no warning on the
    command line. The plan now funds by the gain in connection and says why."""
    s = em.make_survey(n_respondents=500, n_facets=6, random_state=3)
    survey = s.survey.assign(
        value=np.where(s.survey["connected"] == 1, 0.3, 1.0) * s.survey["value"]
    )
    options = _quick_options() | {"value": "value", "population": 1e5}
    with pytest.warns(UserWarning, match="connected customers are worth no more"):
        result = em.analyze(survey, s.catalog, budget=1e9, **options)
    assert result.summary["value"]["value_per_connected"] < 0
    plan = result.summary["plan"]
    assert (
        plan["objective"] == "delta_connected" and plan["value_per_connected"] is None
    )
    assert any("worth no more" in w for w in result.summary["warnings"])
    roi = result.tables["roi"].set_index("facet")
    assert roi["delta_value"].isna().all()
    assert (roi.loc[plan["selected"], "delta_connected"] > 0).all()


def test_a_labelled_outcome_s_summary_names_it_in_the_plan_note_and_warnings():
    """A satisfaction flag named "Top-box satisfied": the report and the
    console relabelled the plan's note and the value model's warning, but
    summary.json (and Python's warnings) still said value "through connection"."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=3)
    noise = np.random.default_rng(0).gamma(2.0, 500.0, len(s.survey))
    survey = s.survey.assign(top_box=(s.survey["satisfaction"] >= 8).astype(int))
    options = _quick_options() | {"connection": "top_box", "value": "value"}
    options["model"] = em.DriverModel(n_estimators=20, cv=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = em.analyze(
            survey.assign(value=noise),
            s.catalog,
            outcome_label="Top-box satisfied",
            population=1e3,
            budget=1e6,
            **options,
        )
    summary = result.summary
    assert "less value through “Top-box satisfied” than" in summary["plan"]["note"]
    weak = [w for w in summary["warnings"] if "barely predict value" in w]
    assert len(weak) == 1 and "split through “Top-box satisfied” are" in weak[0]
    assert summary["value_drivers"]["warning"] == weak[0]
    said = [str(w.message) for w in caught]
    assert weak[0] in said
    texts = [summary["plan"]["note"], *summary["warnings"], *said]
    assert not [t for t in texts if "through connection" in t]


def test_unstable_segment_rankings_are_among_the_run_s_warnings():
    """Only the console said a segment's ranking was noise: a pipeline that
    reads summary["warnings"] or stderr missed it."""
    s = em.make_survey(n_respondents=600, n_facets=8, random_state=3)
    options = _quick_options() | {"n_boot": 4, "segment": "customer_type"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.analyze(s.survey, s.catalog, min_segment_size=100, **options)
    parts = result.summary["segments"]["segments"]
    low = sorted(n for n, p in parts.items() if (p["stability"] or {}).get("low"))
    assert low  # four replicates of ~200 respondents: noise
    said = [w for w in result.summary["warnings"] if "ranked segments is unstable" in w]
    assert len(said) == 1
    assert all(f"{name} " in said[0] for name in low)


@pytest.mark.parametrize(
    "n_boot, message", [(1, "n_boot=1"), (3, "With 3 bootstrap replicates")]
)
def test_too_few_bootstrap_replicates_are_warned_of_once(n_boot, message):
    """n_boot=1, or too few replicates for the intervals' level, is a
    setting of the run: the segments' and the value drivers' bootstraps do
    not say it again."""
    s = em.make_survey(n_respondents=400, n_facets=6, random_state=3)
    options = _quick_options() | {"n_boot": n_boot, "value": "value"}
    options["segment"] = "customer_type"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = em.analyze(s.survey, s.catalog, min_segment_size=50, **options)
    said = [w for w in caught if message in str(w.message)]
    assert len(said) == 1
    assert "segment_drivers" in result.tables and "value_drivers" in result.tables


@pytest.mark.parametrize("study", [{"connection": "connected"}, "study.toml"])
def test_a_study_that_is_not_a_study_is_refused_with_the_way_to_make_one(small, study):
    with pytest.raises(TypeError, match=r"takes a Study; got .*Study\.from_toml"):
        em.analyze(small.survey, small.catalog, study=study)


def test_no_progress_bar_warning_in_a_notebook_without_ipywidgets(monkeypatch):
    """In Jupyter without ipywidgets, importing ``tqdm.auto`` warns that
    IProgress is missing; the text bar works there, so a run says nothing."""
    import sys
    import types

    pytest.importorskip("tqdm")
    if importlib.util.find_spec("ipywidgets"):
        pytest.skip("with ipywidgets installed, tqdm has nothing to warn of")

    class ZMQInteractiveShell:  # the class name tqdm reads a notebook by
        pass

    ipython = types.ModuleType("IPython")
    ipython.get_ipython = ZMQInteractiveShell
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "ipykernel.zmqshell", types.ModuleType("zmq"))
    for name in ("tqdm.auto", "tqdm.autonotebook"):  # imported afresh, as in a kernel
        monkeypatch.delitem(sys.modules, name, raising=False)
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        em.analyze(s.survey, s.catalog, **_quick_options())
    assert "tqdm.autonotebook" in sys.modules  # the notebook's path was taken
    assert not [w for w in caught if "IProgress" in str(w.message)]


@pytest.mark.parametrize(
    ("column", "label", "warned"),
    [
        ("Fühlen Sie sich Ihrer Bank emotional verbunden?", None, True),
        ("emotional_connection_to_the_brand_top_two_box_2026", None, True),
        ("Fühlen Sie sich Ihrer Bank emotional verbunden?", "verbunden", False),
        ("connected", None, False),
    ],
)
def test_an_outcome_named_by_its_question_asks_for_a_short_label(column, label, warned):
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    survey = s.survey.rename(columns={"connected": column})
    options = _quick_options() | {"connection": column, "outcome_label": label}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = em.analyze(survey, s.catalog, **options)
    said = [str(w.message) for w in caught if "reads badly there" in str(w.message)]
    assert len(said) == warned
    if warned:
        assert said[0].startswith(
            f"The report names the outcome by its column, '{column}'"
        )
        assert "--outcome-label" in said[0] and said[0] in result.summary["warnings"]


def test_an_outcome_named_by_a_code_of_a_known_question_asks_for_a_label():
    """A Qualtrics export names columns Q40 and gives the question in its
    second row: the report's "24% of customers are Q40" was not warned of."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    survey = s.survey.rename(columns={"connected": "Q40"})
    question = "I feel emotionally connected to Acme"
    survey.attrs["emomotiv"] = {"questions": {"Q40": question}}
    options = _quick_options() | {"connection": "Q40"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        em.analyze(survey, s.catalog, **options)
    said = [
        str(w.message) for w in caught if "a code, for the question" in str(w.message)
    ]
    assert len(said) == 1 and f"'{question}'" in said[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        em.analyze(survey, s.catalog, **options, outcome_label="emotionally connected")
    assert not [w for w in caught if "names the outcome" in str(w.message)]


def test_the_outcome_coded_from_the_satisfaction_column_keeps_its_answers_for_the_tiers(
    small,
):
    """The satisfaction question's top box as the outcome and the same column
    as satisfaction: the tiers read its answers (as from a copy of the
    column), not the 1/0 the outcome is coded to."""
    fast = dict(n_boot=0, methods=False, progress=False, random_state=0)
    fast["model"] = em.DriverModel(n_estimators=20, cv=0)
    roles = {k: v for k, v in small.roles.items() if k != "satisfaction"}
    roles["connection"] = "answer"
    survey = small.survey.assign(
        answer=small.survey["connected"]
        .map({1: 5, 0: 4})
        .where(small.survey["satisfaction"] > 3, 2)
    )
    survey["copy"] = survey["answer"]
    result = {
        name: em.analyze(
            survey,
            small.catalog,
            **roles,
            satisfaction=name,
            connected_values=[5],
            **fast,
        )
        for name in ("answer", "copy")
    }
    same, copied = (result[n].summary["measures"] for n in ("answer", "copy"))
    assert copied["tiers"]["highly_satisfied"] > 0
    assert same["tiers"] == copied["tiers"]
    assert same["satisfied_threshold"] == copied["satisfied_threshold"] == 4
    # a code for no answer in it is refused, not coded not connected
    survey.loc[survey.index[:3], "answer"] = 99
    with pytest.raises(em.ValidationError, match="look like no answer, '99' \\(3\\)"):
        em.analyze(
            survey, small.catalog, **roles, satisfaction="answer",
            connected_values=[5], **fast,
        )  # fmt: skip


def test_a_dataframe_given_beside_a_study_records_no_path(small, tmp_path):
    """The study's files are not what was analysed: a folder that named them
    would repeat the run on other data."""
    small.survey.to_csv(tmp_path / "all.csv", index=False)
    small.catalog.to_csv(tmp_path / "facets.csv", index=False)
    study = em.Study(
        survey=tmp_path / "all.csv", catalog=tmp_path / "facets.csv",
        connection="connected", n_boot=0, methods=False, progress=False,
    )  # fmt: skip
    part = small.survey.iloc[:400]
    inputs = em.analyze(part, study=study).summary["study"]["inputs"]
    assert inputs["survey"] is None
    assert inputs["catalog"] == str((tmp_path / "facets.csv").resolve())
    inputs = em.analyze(part, small.catalog, study=study).summary["study"]["inputs"]
    assert inputs["survey"] is None and inputs["catalog"] is None
    inputs = em.analyze(study=study).summary["study"]["inputs"]
    assert inputs["survey"] == str((tmp_path / "all.csv").resolve())


def test_a_1_beside_a_yes_word_is_refused_as_coded_not_connected(small):
    fast = dict(n_boot=0, methods=False, progress=False)
    roles = {k: small.roles[k] for k in ("connection", "weight")}
    survey = small.survey.astype({"connected": object})
    words = survey.index[:200]
    survey.loc[words, "connected"] = survey.loc[words, "connected"].map(
        {1: "Ja", 0: "Nein"}
    )
    n_ones = int((survey["connected"] == 1).sum())
    with pytest.raises(em.ValidationError) as err:
        em.analyze(survey, small.catalog, **roles, connected_values=["Ja"], **fast)
    said = " ".join(err.value.problems)
    assert f"read as yes, '1' ({n_ones})" in said
    assert '--connected-values "Ja,1"' in said
    result = em.analyze(
        survey, small.catalog, **roles, connected_values=["Ja", 1], **fast
    )
    assert result.summary["data"]["connected_share"] == pytest.approx(
        np.average(small.survey["connected"], weights=small.survey["weight"])
    )


def test_outcome_cells_of_spaces_are_empty_and_a_dash_is_no_answer(small):
    """20 outcome cells holding a space (cleared in Excel) were coded not
    connected (share 0.248 for 0.2514, none counted unanswered), and '-'
    too: a cell of spaces is empty, a dash is refused as no answer."""
    from emomotiv.readers import code_outcome

    coded, note = code_outcome(pd.Series(["Yes", " ", "No", "", None]), ["Yes"])
    assert coded.isna().tolist() == [False, True, False, True, True]
    assert "0 for 'No' (1)." in note
    survey = small.survey.assign(
        connected=small.survey["connected"].map({1: "Yes", 0: "No"}).astype(object)
    )
    survey.loc[survey.index[:20], "connected"] = " "
    fast = dict(n_boot=0, methods=False, progress=False, connection="connected")
    result = em.analyze(survey, small.catalog, connected_values=["Yes"], **fast)
    assert result.summary["data"]["unanswered"] == 20
    survey.loc[survey.index[:20], "connected"] = "-"
    with pytest.raises(em.ValidationError, match="look like no answer, '-' \\(20\\)"):
        em.analyze(survey, small.catalog, connected_values=["Yes"], **fast)


def test_a_category_outcome_is_coded_as_the_same_answers_in_text(small, tmp_path):
    """A category column of Yes/No was refused: its unused category 'Yes'
    (the one coded 1) was counted as an answer 'Yes' (0) that would code 0."""
    from emomotiv.cli import main
    from emomotiv.pipeline import _doubtful_noes
    from emomotiv.readers import code_outcome

    answers = pd.Series(["Yes", "No", "No", None], dtype="category")
    assert not _doubtful_noes(answers, ["Yes"], "c")
    note = code_outcome(answers.cat.add_categories("Maybe"), ["Yes"])[1]
    assert note == "Connection coded from the answers: 1 for 'Yes' (1), 0 for 'No' (2)."
    words = small.survey["connected"].map({1: "Yes", 0: "No"})
    fast = dict(n_boot=0, methods=False, progress=False, connection="connected")
    fast["model"] = em.DriverModel(n_estimators=10, cv=0, n_jobs=1)
    shares = [
        em.analyze(
            small.survey.assign(connected=words.astype(dtype)),
            small.catalog,
            connected_values=["Yes"],
            **fast,
        ).summary["data"]["connected_share"]
        for dtype in (object, "category")
    ]
    assert shares[0] == shares[1] == small.survey["connected"].mean()
    pytest.importorskip("pyarrow")
    path, catalog = tmp_path / "survey.parquet", tmp_path / "facets.csv"
    small.survey.assign(connected=words.astype("category")).to_parquet(path)
    small.catalog.to_csv(catalog, index=False)
    args = ["validate", str(path), "--catalog", str(catalog)]
    assert main([*args, "--connection", "connected", "--connected-values", "Yes"]) == 0


def test_a_segment_column_of_digit_codes_is_read_as_text(small, tmp_path):
    """Market codes 01, 02, 010 and 10 in a CSV file were read as numbers:
    01 became 1, and 010 and 10 were ranked as one segment of both."""
    path, catalog = tmp_path / "survey.csv", tmp_path / "facets.csv"
    codes = np.array(["01", "02", "010", "10"])
    small.survey.assign(market=codes[np.arange(len(small.survey)) % 4]).to_csv(
        path, index=False
    )
    small.catalog.to_csv(catalog, index=False)
    result = em.analyze(
        str(path), str(catalog), connection="connected", segment="market",
        min_segment_size=100, model=em.DriverModel(n_estimators=10, cv=0, n_jobs=1),
        n_boot=0, methods=False, progress=False,
    )  # fmt: skip
    table = result.tables["segment_drivers"]
    assert table.groupby("segment")["n"].first().to_dict() == dict.fromkeys(codes, 150)
    # a code a float column wrote (3.0, beside an empty cell) is the code 3
    from emomotiv.pipeline import _whole_segment_codes

    written = pd.DataFrame({"market": ["3.0", None, "010", "1.10", "03.0"]})
    got = _whole_segment_codes(written, "market")["market"].tolist()
    assert got[0] == "3" and got[2:] == ["010", "1.10", "03.0"]


def test_validate_warns_of_stated_importance_the_same_for_every_facet(
    small, tmp_path, capsys
):
    """Stated importance of 'select all that apply', 1 or empty, was OK to
    validate, while analyze warned that it is the same for every facet."""
    from emomotiv.cli import main

    rng = np.random.default_rng(0)
    chosen = {
        f"stated__{f}": np.where(rng.random(len(small.survey)) < 0.3, 1.0, np.nan)
        for f in small.catalog["facet"]
    }
    path, catalog = tmp_path / "survey.csv", tmp_path / "facets.csv"
    small.survey.assign(**chosen).to_csv(path, index=False)
    small.catalog.to_csv(catalog, index=False)
    args = ["validate", str(path), "--catalog", str(catalog)]
    assert main([*args, "--connection", "connected"]) == 0
    said = capsys.readouterr().err
    assert "Stated importance is the same for every facet" in said
    assert "code the facets not chosen 0, not empty" in said


def test_respondents_who_left_every_facet_empty_are_counted(small, tmp_path, capsys):
    """30 respondents with the outcome but every facet empty (partial
    completes) were analysed without a word from validate or analyze."""
    from emomotiv.cli import main

    survey = small.survey.copy()
    survey.loc[survey.index[:30], list(small.catalog["facet"])] = np.nan
    said = "30 respondents answered the outcome but left every facet empty (5% of 600)"
    with pytest.warns(UserWarning, match=re.escape(said)):
        result = em.analyze(
            survey, small.catalog, connection="connected",
            model=em.DriverModel(n_estimators=10, cv=0, n_jobs=1),
            n_boot=0, methods=False, progress=False,
        )  # fmt: skip
    assert result.summary["data"]["n_respondents"] == 600  # kept
    assert any(w.startswith(said) for w in result.summary["warnings"])
    path, catalog = tmp_path / "survey.csv", tmp_path / "facets.csv"
    survey.to_csv(path, index=False)
    small.catalog.to_csv(catalog, index=False)
    args = ["validate", str(path), "--catalog", str(catalog)]
    assert main([*args, "--connection", "connected"]) == 0
    assert said in capsys.readouterr().err


def test_a_sav_file_s_not_experienced_codes_are_answers(small, tmp_path):
    """60 respondents who marked every facet 99 "Not used" in a .sav file
    were counted with the 30 who left every facet empty: the reader had
    already emptied their codes."""
    pyreadstat = pytest.importorskip("pyreadstat")
    facets = list(small.catalog["facet"])
    survey = small.survey[[*facets, "connected"]].astype(float)
    survey.loc[survey.index[:30], facets] = np.nan
    survey.loc[survey.index[30:90], facets] = 99.0
    survey.loc[survey.index[90:100], "connected"] = np.nan  # left out, first
    path = tmp_path / "survey.sav"
    labels = {f: {99.0: "Not used"} for f in facets}
    pyreadstat.write_sav(survey, str(path), variable_value_labels=labels)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        em.analyze(
            str(path), small.catalog, connection="connected", not_experienced=[99],
            model=em.DriverModel(n_estimators=10, cv=0, n_jobs=1),
            n_boot=0, methods=False, progress=False,
        )  # fmt: skip
    said = [str(w.message) for w in caught if "every facet empty" in str(w.message)]
    assert len(said) == 1 and said[0].startswith("30 respondents answered")


def test_a_totals_row_or_a_header_row_among_yes_no_answers_is_refused():
    """A 'Total / average' row (0.25, or '25%') and a second header row of
    questions under the data were coded not connected, as respondents."""
    from emomotiv.pipeline import _doubtful_noes

    for odd in ("0.25", "25%", "Do you feel connected to Acme?"):
        said = _doubtful_noes(pd.Series(["Yes", "No", "No", odd]), ["Yes"], "Q20")
        assert len(said) == 1 and f"'{odd}' (1)" in said[0]
        assert "a row of totals" in said[0]
    # a part of the file coded 0/1: its 0 is an answer
    assert not _doubtful_noes(pd.Series(["Ja", "Nein", "0"]), ["Ja"], "c")


def test_a_1_on_a_scale_beside_a_yes_word_is_not_read_as_yes():
    """A 1 is yes beside a yes word only where a part of the file is coded
    0/1, as the column's own check reads it; among 1, 2 and 3 it is a code
    of a scale."""
    from emomotiv.pipeline import _doubtful_noes

    coded = pd.Series(["Ja", "Nein", "1", "0"])
    assert any("read as yes, '1'" in p for p in _doubtful_noes(coded, ["Ja"], "c"))
    scale = pd.Series(["Ja", "Nein", "1", "2", "3"])
    assert not any("read as yes" in p for p in _doubtful_noes(scale, ["Ja"], "c"))


def test_a_segment_on_a_narrower_scale_is_warned_of_by_name(small):
    survey = small.survey.copy()
    name = survey["customer_type"].value_counts().index[0]
    rows = survey["customer_type"] == name
    facets = list(small.catalog["facet"])
    survey.loc[rows, facets] = np.ceil(survey.loc[rows, facets] / 2)
    roles = {k: small.roles[k] for k in ("connection", "weight", "segment")}
    with pytest.warns(UserWarning, match=f"no rating of '{name}'"):
        result = em.analyze(
            survey, small.catalog, **roles, n_boot=0, methods=False, progress=False
        )
    assert any(f"no rating of '{name}'" in w for w in result.summary["warnings"])


def test_costs_typed_in_another_unit_are_warned_of():
    """'80.000' read as 80, or costs per customer: ROIs of 2,000x and a plan
    spending 2,180 of 500,000, with no word."""
    from emomotiv.pipeline import _cost_warnings

    roi = pd.DataFrame(
        {
            "facet": ["a", "b", "c", "d"],
            "cost": [40_000.0, 270.0, 90_000.0, np.nan],
            "delta_value": [60_000.0, 500_000.0, 80_000.0, 1e6],
        }
    )
    (gap,) = _cost_warnings(roi)
    assert gap.startswith("The cost of 'b' (270) is less than 1/100 of the")
    thousands = roi.assign(cost=roi["cost"] / 1000)
    notes = _cost_warnings(thousands)
    assert any("worth a median 1,500 times their cost" in n for n in notes)
    assert _cost_warnings(roi.assign(cost=[40_000.0, 60_000.0, 90_000.0, 5e4])) == []


def _with_segment_only_facet(s, segment: str, level: str):
    """The survey with a no-effect touchpoint that only ``level`` of
    ``segment`` can use (a lounge for Premium customers), rated at random by
    two thirds of them, and the catalog naming it."""
    rng = np.random.default_rng(0)
    eligible = s.survey[segment].eq(level) & (rng.random(len(s.survey)) < 2 / 3)
    ratings = rng.integers(1, 11, len(s.survey)).astype(float)
    catalog = pd.concat(
        [s.catalog, pd.DataFrame({"facet": ["lounge"], "stage": ["Use"]})],
        ignore_index=True,
    )
    return s.survey.assign(lounge=np.where(eligible, ratings, np.nan)), catalog


def test_a_touchpoint_rated_within_one_segment_is_warned_of_with_the_way_out():
    """A touchpoint only one segment rates was credited with that segment's
    difference in connection (a no-effect lounge ranked 11th of 30, and
    opening it to everyone read +3 points), silently; analyze names it, the
    segment, reading it within its segment and --control. With the segment a
    control it still says to read it within its segment (the control took
    only part of the tier's difference: a no-effect lounge stayed 3rd of 29
    on one survey); on a survey whose touchpoints every segment rates,
    nothing."""
    s = em.make_survey(n_respondents=800, n_facets=8, random_state=5)
    survey, catalog = _with_segment_only_facet(s, "customer_type", "Retirement")
    options = _quick_options() | {"segment": "customer_type", "weight": "weight"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.analyze(survey, catalog, **options)
    (said,) = [w for w in result.summary["warnings"] if "within one segment" in w]
    assert "'lounge' (100%) by customer_type = Retirement" in said
    assert "--control customer_type" in said and "ExtendReach" in said
    assert "Read it within its segment (segment_drivers.csv)" in said
    routed = result.summary["importance"]["routed"]
    assert [(r["facet"], r["level"], r["share"], r["controlled"]) for r in routed] == [
        ("lounge", "Retirement", 1.0, False)
    ]
    assert routed[0]["level_share"] < 0.6
    method = " ".join(em.Report(result).html().split())
    assert "A touchpoint rated only within one segment (lounge) also carries" in method
    assert "give the segment as a control (--control)" in method
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        held = em.analyze(survey, catalog, **options, controls=["customer_type"])
    (said,) = [w for w in held.summary["warnings"] if "within one segment" in w]
    assert "'customer_type' is a control, which takes part" in said
    assert "Read it within its segment" in said and "--control" not in said
    assert [r["controlled"] for r in held.summary["importance"]["routed"]] == [True]
    # within a segment the segment is constant: its models are those without it
    pd.testing.assert_frame_equal(
        held.tables["segment_drivers"], result.tables["segment_drivers"]
    )
    method = " ".join(em.Report(held).html().split())
    assert "read them within their segment (segment_drivers.csv)" in method
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quiet = em.analyze(s.survey, s.catalog, **options)
    assert quiet.summary["importance"]["routed"] == []
    assert not [w for w in quiet.summary["warnings"] if "one segment" in w]


def test_a_touchpoint_ranked_by_who_rated_it_is_warned_of_and_noted():
    """A no-effect touchpoint rated by 80% of the connected and 20% of the
    others topped the ranking in silence (the trial: 30% of the importance,
    rank interval [1, 1]) while its one-point gain was 0. analyze names it
    in summary["importance"]["usage_led"], warns (its rank rests on who
    rated it; the connected share among its raters and the others; the
    one-point gain to read), notes its roi.csv row and the report's missing
    ratings, in place of the warning of an overall judgement to drop (it
    held 4 times the next facet's share); on the same survey without the
    masking, nothing."""
    s = em.make_survey(n_respondents=1200, n_facets=12, random_state=0)
    club = next(f for f in s.catalog["facet"] if not s.truth.loc[f, "is_driver"])
    y = s.survey["connected"].to_numpy()
    used = np.random.default_rng(0).random(len(y)) < np.where(y == 1, 0.8, 0.2)
    survey = s.survey.assign(**{club: s.survey[club].where(used)})
    options = _quick_options() | {"weight": "weight"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.analyze(survey, s.catalog, **options)
    (found,) = result.summary["importance"]["usage_led"]
    assert found["facet"] == club and found["usage_share"] >= 0.95
    w, rated = survey["weight"].to_numpy(), survey[club].notna().to_numpy()
    assert found["connected_raters"] == pytest.approx(
        np.average(y[rated], weights=w[rated])
    )
    # no overall judgement to drop: the share it holds is who rated it
    assert not [x for x in result.summary["warnings"] if "times the next" in x]
    assert result.summary["importance"]["outcome_like"] == []
    (said,) = [x for x in result.summary["warnings"] if "who rated it" in x]
    raters, others = found["connected_raters"], found["connected_others"]
    name = s.catalog.set_index("facet").loc[club, "label"]  # by its label
    assert f"'{name}' ({found['usage_share']:.0%} of its importance; connected " in said
    assert f"{raters:.0%} among its raters vs {others:.0%} among the others" in said
    assert "one-point gain (roi.csv, the report's ROI table) reads what its" in said
    note = result.tables["roi"].set_index("facet")["note"]
    assert "rank rests mostly on who rated it, not on how" in note[club]
    assert note.drop(club).fillna("").str.contains("who rated").sum() == 0
    method = " ".join(em.Report(result).html().split())
    assert "ranks for who rated it rather than for how" in method
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quiet = em.analyze(s.survey, s.catalog, **options)
    assert quiet.summary["importance"]["usage_led"] == []
    assert not [x for x in quiet.summary["warnings"] if "who rated" in x]
    assert "ranks for who rated it" not in em.Report(quiet).html()


def test_usage_led_facets_are_measured_on_the_respondents_explained(monkeypatch):
    """Beyond EXPLAIN_LIMIT respondents the full model explains a random
    subsample: the usage measure pairs each explained respondent with their
    own outcome and weight (the subsample's rows), not the first rows, and
    so does stated importance's comparison."""
    import emomotiv.bootstrap as bootstrap

    monkeypatch.setattr(bootstrap, "EXPLAIN_LIMIT", 700)
    s = em.make_survey(n_respondents=1200, n_facets=12, random_state=0)
    club = next(f for f in s.catalog["facet"] if not s.truth.loc[f, "is_driver"])
    y = s.survey["connected"].to_numpy()
    used = np.random.default_rng(0).random(len(y)) < np.where(y == 1, 0.8, 0.2)
    survey = s.survey.assign(**{club: s.survey[club].where(used)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # with stated importance: its comparison without replicates resamples
        # the explained respondents with their own weights (it failed with
        # "sample_weight must have one entry per respondent")
        result = em.analyze(survey, s.catalog, **_quick_options(), weight="weight")
    rows = result.importance.info["explained_rows"]
    assert len(rows) == 700 == len(result.importance.explanation.values)
    (found,) = result.summary["importance"]["usage_led"]
    w = survey["weight"].to_numpy()[rows]
    rated = survey[club].notna().to_numpy()[rows]
    assert found["connected_raters"] == pytest.approx(
        np.average(y[rows][rated], weights=w[rated])
    )
    assert found["reach"] == pytest.approx(np.average(rated, weights=w))
    assert result.summary["stated"]["rank_correlation_low"] is not None


def test_the_roi_and_value_drivers_objects_carry_the_tables_notes():
    """A touchpoint rated only within one segment was noted so in
    tables["roi"] and tables["value_drivers"] alone: result.plan.roi and
    result.value_drivers.table kept the notes without it."""
    s = em.make_survey(n_respondents=600, n_facets=6, random_state=0)
    survey, catalog = _with_segment_only_facet(s, "customer_type", "Retirement")
    options = _quick_options() | {"segment": "customer_type", "value": "value"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.analyze(survey, catalog, **options)
    pd.testing.assert_frame_equal(result.plan.to_frame(), result.tables["roi"])
    pd.testing.assert_frame_equal(
        result.value_drivers.to_frame(), result.tables["value_drivers"]
    )
    for table in (result.plan.roi, result.value_drivers.table):
        note = table.set_index("facet")["note"]["lounge"]
        assert "rated (nearly) only where customer_type = Retirement" in note


def test_a_routed_survey_s_classical_methods_read_missing_ratings_as_the_mean():
    """Touchpoints rated by a fifth of the respondents each: the pairwise
    correlations gave the classical methods a linear R² of 1.00, an
    artefact, and the warning's way out was a Python call analyze could not
    make; the methods now read each missing rating as the facet's mean, and
    say so."""
    s = em.make_survey(n_respondents=800, n_facets=12, random_state=0)
    facets = list(s.catalog["facet"])
    rng = np.random.default_rng(0)
    routed = s.survey[facets].mask(rng.random((800, 12)) > 0.2)
    survey = s.survey.assign(**{f: routed[f] for f in facets})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.analyze(survey, s.catalog, **_quick_options() | {"methods": True})
    agreement = result.summary["agreement"]
    assert agreement["linear_r2"] < 0.5
    assert (
        agreement["missing"] == "missing ratings replaced by the facet's weighted mean"
    )
    said = agreement["warning"]
    assert said in result.summary["warnings"]
    assert "missing='mean'" in said and "linear R² of 1.00, an artefact" in said
    assert f"the linear R² is {agreement['linear_r2']:.2f}" in said
    assert "em.relative_weights" not in said


def test_a_facet_rated_by_few_read_with_its_mean_is_said_among_the_warnings():
    """One touchpoint rated by 12 of 600 breaks the pairwise correlations;
    the classical methods read it with its mean, which was said only by a
    Python warning from relative weights (the command line does not show
    it) and in agreement["missing"]. It is said now once, with the run's
    other warnings, for all four classical methods."""
    s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    facet = s.catalog["facet"].iloc[0]
    label = s.catalog["label"].iloc[0]
    keep = np.random.default_rng(0).choice(600, 15, replace=False)
    survey = s.survey.copy()
    survey.loc[~survey.index.isin(keep), facet] = np.nan
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = em.analyze(survey, s.catalog, **_quick_options() | {"methods": True})
    agreement = result.summary["agreement"]
    said = agreement["warning"]
    assert said in result.summary["warnings"]
    assert f"{label} ({survey[facet].notna().sum()} of 600)" in said
    for method in ["relative weights", "Shapley regression", "betas", "correlations"]:
        assert method in said
    told = [str(w.message) for w in caught]
    assert told.count(said) == 1
    assert not [m for m in told if m.startswith("The missing ratings of the facets")]
    page = " ".join(html.unescape(em.Report(result).html()).split())
    assert said in page


def test_a_value_missing_for_many_respondents_is_warned_of_by_segment():
    """Half the respondents (one whole segment) without a value showed only
    as a note in the value block: a pipeline reading summary["warnings"]
    never learnt that the value results speak for the other segments."""
    s = em.make_survey(n_respondents=600, n_facets=8, random_state=0)
    survey = s.survey.copy()
    survey.loc[survey["customer_type"] == "Self-directed", "value"] = np.nan
    result = em.analyze(
        survey, s.catalog, connection="connected", value="value",
        segment="customer_type", min_segment_size=100, n_boot=0, methods=False,
        model=em.DriverModel(n_estimators=20, cv=0), progress=False,
    )  # fmt: skip
    said = [w for w in result.summary["warnings"] if "have no value" in w]
    assert said == [
        "306 of 600 respondents (51%) have no value, among them most of segment "
        "'Self-directed' (100% without): the value link, the ROI's money and the "
        "value drivers rest on the other 294, and speak for them only."
    ]
    # the ROI priced by a value given for it rests on no value column
    from emomotiv.schema import missing_value_warnings

    (given,) = missing_value_warnings(np.r_[np.nan, np.nan, 5.0], priced=False)
    assert "the value link and the value drivers rest on the other 1," in given
    # a few without a value: the value block's note says it, no warning
    survey = s.survey.copy()
    survey.loc[:20, "value"] = np.nan
    result = em.analyze(
        survey, s.catalog, connection="connected", value="value", n_boot=0,
        methods=False, model=em.DriverModel(n_estimators=20, cv=0), progress=False,
    )  # fmt: skip
    assert not [w for w in result.summary["warnings"] if "have no value" in w]
