"""Segment drivers: rankings within segments, the test of difference, small segments."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

import emomotiv as em
from emomotiv.results import ImportanceResult
from emomotiv.segments import COLUMNS, _heterogeneity

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
    for other in ("Advised", "Retirement"):
        truth = s.truth_by_segment[other]
        assert not truth.loc["brand_reputation", "is_driver"]
        # ranked below every true driver of that segment
        n_drivers = int(truth["is_driver"].sum())
        assert table.loc[(other, "brand_reputation"), "rank"] > n_drivers
    assert bool(table.loc[("Advised", "brand_reputation"), "differs"])
    assert "brand_reputation" in result.summary()["differing"]
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
    # one ranked segment: no test of difference, and the reason
    assert result.table["p_differ"].isna().all()
    assert "fewer than two segments" in result.info["note"]


def test_empty_segment_cells_are_an_error(small):
    X = small.survey[list(small.catalog["facet"])]
    seg = small.survey["customer_type"].where(small.survey.index > 5)
    with pytest.raises(em.ValidationError, match="6 empty cells"):
        em.segment_drivers(em.DriverModel(**FAST), X, small.survey["connected"], seg)


def _fake(shares, variance, n_boot=400, seed=0):
    rng = np.random.default_rng(seed)
    facets = [f"f{i}" for i in range(len(shares))]
    reps = rng.normal(shares, np.sqrt(variance), (n_boot, len(shares)))
    reps = (reps - reps.mean(axis=0)) / reps.std(axis=0, ddof=1) * np.sqrt(variance)
    reps = reps + np.asarray(shares)
    table = pd.DataFrame(
        # the bagged share is lifted toward the no-effect floor; the test reads
        # the full-data share
        {
            "importance": np.full(len(shares), 1 / len(shares)),
            "full_data_importance": shares,
        },
        index=pd.Index(facets, name="facet"),
    )
    return ImportanceResult(
        "shap", table, 1.0, None, {}, pd.DataFrame(reps, columns=facets)
    )


def test_heterogeneity_is_cochrans_q():
    a = _fake([0.5, 0.2], [0.01, 0.0004])
    b = _fake([0.3, 0.2], [0.01, 0.0004], seed=1)
    p = _heterogeneity({"a": a, "b": b}, ["f0", "f1"])
    # Q on the full-data shares: 100 (0.5 - 0.4)^2 + 100 (0.3 - 0.4)^2 = 2 on
    # 1 df; equal shares: Q = 0
    assert p["f0"] == pytest.approx(chi2.sf(2.0, 1), rel=1e-6)
    assert p["f1"] == pytest.approx(1.0)


def test_analyze_writes_segment_drivers_and_the_report_shows_them():
    s = em.make_survey(1500, 8, random_state=2)
    result = em.analyze(
        s.survey,
        s.catalog,
        **s.roles,
        model=em.DriverModel(**FAST),
        n_boot=4,
        methods=False,
        progress=False,
        min_segment_size=350,
    )
    table = result.tables["segment_drivers"]
    assert set(table["segment"]) == set(s.survey["customer_type"])
    summary = result.summary["segments"]
    assert summary["min_size"] == 350
    assert summary["segments"]["Retirement"]["ranked"] is False
    html = em.Report(result).html()
    assert "What drives “connected” in each segment" in html
    assert "Segment <strong>Retirement</strong>" in html
    assert "below the minimum of 350" in html
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
