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
    assert s["warnings"] == []
    assert {"emomotiv", "xgboost", "shap"} <= set(s["versions"])


def test_same_seed_same_result(small):
    a = em.analyze(small.survey, small.catalog, random_state=3, **small.roles)
    b = em.analyze(small.survey, small.catalog, random_state=3, **small.roles)
    pd.testing.assert_frame_equal(a.drivers, b.drivers)


def test_weak_fit_warns(small):
    rng = np.random.default_rng(0)
    noise = small.survey.assign(connected=rng.integers(0, 2, len(small.survey)))
    with pytest.warns(UserWarning, match="not reliable"):
        result = em.analyze(noise, small.catalog, connection="connected")
    assert result.summary["warnings"]


def test_facets_without_catalog(small):
    facets = list(small.catalog["facet"])
    result = em.analyze(small.survey, facets=facets, connection="connected")
    assert set(result.drivers["facet"]) == set(facets)
    with pytest.raises(ValueError, match="needs the facets"):
        em.analyze(small.survey, connection="connected")


def test_bad_input_raises_before_fitting(small):
    bad = small.survey.assign(weight=-1.0)
    with pytest.raises(em.ValidationError, match="weights"):
        em.analyze(bad, small.catalog, connection="connected", weight="weight")


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
    assert {"source", "rank_correlation", "thresholds", "counts"} <= set(s["stated"])
    assert s["measures"]["connected_rule"] == "connection outcome = 1"
    assert sum(s["measures"]["segments"].values()) == pytest.approx(1)
    for key in ("multiplier", "value_per_connected", "value_per_connected_low"):
        assert s["value"][key] > 0
    assert s["value"]["attrition"] is None  # no churn column given
    assert list(small_result.tables["segments"]["segment"]) == [
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
        survey, catalog, connection="connected", weight="weight", random_state=0
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
        churn="churned",
        advocacy="recommend",
        random_state=0,
        **s.roles,
    )
    summary = result.summary
    assert summary["stated"]["source"] == "respondents"
    assert summary["stated"]["form"] == "ranks"
    assert result.drivers["stated_low"].notna().all()
    assert summary["value"]["attrition"]["odds_ratio"] > 0
    assert "recommendation >= 9" in summary["value"]["advocacy"]["definition"]
    assert "attrition_rate" in result.tables["segments"]
    with pytest.raises(em.ValidationError, match="churn column 'churn'"):
        em.analyze(s.survey, s.catalog, churn="churn", **s.roles)
