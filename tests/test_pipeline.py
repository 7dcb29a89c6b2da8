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
    assert list(d.columns[:8]) == [
        "facet",
        "label",
        "stage",
        "importance",
        "rank",
        "direction",
        "raw_importance",
        "reach",
    ]
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
