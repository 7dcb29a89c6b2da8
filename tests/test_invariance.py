"""Invariance tests: the same question asked in equivalent ways gets the same answer.

Each test names what must agree. "Identical" means equal up to floating-point
rounding (relative 1e-9) for numbers and exactly equal for every rank, flag,
label and selection. What does not agree by design (the boosted model and the
bootstrap under frequency weights against duplicated rows, the catalog's row
order, what a point is on another scale) is written down in
docs/data-contract.md, docs/concepts/uncertainty.md and docs/concepts/roi.md,
with the numbers measured; the tests here check the parts that must hold.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emomotiv as em
from emomotiv.controls import partial_out
from emomotiv.value_drivers import ValueModel, value_drivers

RTOL = 1e-9

# small surveys fit weak models: their warnings are not what is tested here
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

#: A small, quick analysis: every table, a bootstrap of three replicates.
QUICK = dict(
    connection="connected",
    value="value",
    satisfaction="satisfaction",
    segment="customer_type",
    min_segment_size=80,
    population=100_000,
    budget=100_000,
    n_boot=3,
    n_jobs=1,
    progress=False,
    random_state=0,
)


def quick_model() -> em.DriverModel:
    return em.DriverModel(n_estimators=40, cv=2)


def quick(survey, catalog, **options) -> em.AnalysisResult:
    return em.analyze(survey, catalog, **{**QUICK, "model": quick_model(), **options})


def assert_tables_equal(a, b, *, rtol: float = 0.0, check_like=()) -> None:
    """Every table of two results holds the same rows, columns and values
    (the columns in any order for the tables named in ``check_like``)."""
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(
            a.tables[name],
            b.tables[name],
            check_exact=rtol == 0.0,
            rtol=max(rtol, 1e-15),
            check_like=name in check_like,
            obj=f"tables[{name!r}]",
        )


def as_read(table: pd.DataFrame) -> pd.DataFrame:
    """A table's values as objects, every missing cell NaN (None, NaN, <NA>
    alike): what a CSV file can say."""
    return table.astype(object).where(table.notna(), np.nan)


@pytest.fixture(scope="module")
def survey():
    """400 respondents x 8 facets, integer survey weights 1-3."""
    s = em.make_survey(n_respondents=400, n_facets=8, random_state=3)
    data = s.survey.copy()
    data["weight"] = np.random.default_rng(0).integers(1, 4, len(data))
    return data, s.catalog


@pytest.fixture(scope="module")
def duplicated(survey):
    """Each respondent repeated ``weight`` times, without the weight."""
    data, _ = survey
    out = data.loc[data.index.repeat(data["weight"])].reset_index(drop=True)
    return out.drop(columns="weight").assign(respondent_id=np.arange(len(out)))


@pytest.fixture(scope="module")
def base(survey):
    data, catalog = survey
    return quick(data, catalog, weight="weight")


# -- 1. frequency weights against duplicated rows ------------------------------


@pytest.mark.parametrize(
    "method",
    [
        "relative_weights",
        "shapley_regression",
        "beta_importance",
        "correlation_importance",
    ],
)
def test_classical_methods_read_weights_as_repeated_respondents(
    survey, duplicated, method
):
    data, catalog = survey
    facets = list(catalog["facet"])
    fn = getattr(em, method)
    weighted = fn(data[facets], data["connected"], sample_weight=data["weight"])
    repeated = fn(duplicated[facets], duplicated["connected"])
    scaled = fn(data[facets], data["connected"], sample_weight=10 * data["weight"])
    for other in (repeated, scaled):
        pd.testing.assert_frame_equal(weighted.to_frame(), other.to_frame(), rtol=RTOL)


@pytest.mark.parametrize("method", ["mean", "factor", "profile", "components"])
def test_halo_score_reads_weights_as_repeated_respondents(survey, duplicated, method):
    data, catalog = survey
    facets = list(catalog["facet"])
    weighted = em.halo_score(data[facets], method=method, sample_weight=data["weight"])
    repeated = em.halo_score(duplicated[facets], method=method)
    expanded = np.repeat(weighted.to_numpy(), data["weight"], axis=0)
    np.testing.assert_allclose(expanded, repeated.to_numpy(), rtol=RTOL, atol=1e-12)


@pytest.mark.parametrize("form", ["ratings", "ranks", "maxdiff"])
def test_stated_importance_reads_weights_as_repeated_respondents(form):
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=1, stated_form=form)
    data = s.survey.assign(weight=np.random.default_rng(0).integers(1, 4, 300))
    repeated = data.loc[data.index.repeat(data["weight"])].reset_index(drop=True)
    a = em.stated_importance(data, s.catalog, form=form, sample_weight=data["weight"])
    b = em.stated_importance(repeated, s.catalog, form=form, n_boot=0)
    np.testing.assert_allclose(
        a.to_frame()["stated_importance"], b.to_frame()["stated_importance"], rtol=RTOL
    )


def test_value_link_point_estimates_read_weights_as_repeated_respondents(
    survey, duplicated
):
    """The multiplier and the value per connected customer agree; their
    intervals do not (robust errors from n respondents, not sum(w))."""
    data, _ = survey

    def link(frame, weight=None):
        tiers = em.connection_tiers(frame["connected"], frame["satisfaction"])
        return em.value_of_connection(
            frame["value"],
            tiers,
            sample_weight=weight,
            churned=frame["churned"],
            advocacy=frame["recommend"],
        ).summary

    weighted = link(data, data["weight"])
    repeated = link(duplicated)
    scaled = link(data, 10 * data["weight"])
    for key in ("multiplier", "value_per_connected"):
        assert weighted[key] == pytest.approx(repeated[key], rel=RTOL)
    for key in ("multiplier", "multiplier_low", "multiplier_high"):
        assert weighted[key] == pytest.approx(scaled[key], rel=RTOL)
    for part in ("attrition", "advocacy"):
        assert weighted[part]["odds_ratio"] == pytest.approx(
            repeated[part]["odds_ratio"], rel=RTOL
        )


def test_partial_out_reads_weights_as_repeated_respondents(survey, duplicated):
    data, catalog = survey
    facets = list(catalog["facet"])
    context = pd.get_dummies(data["customer_type"], dtype=float)
    context_rep = pd.get_dummies(duplicated["customer_type"], dtype=float)
    X, y = partial_out(
        data[facets], context, data["connected"], sample_weight=data["weight"]
    )
    Xd, yd = partial_out(duplicated[facets], context_rep, duplicated["connected"])
    np.testing.assert_allclose(
        np.repeat(X.to_numpy(), data["weight"], axis=0), Xd.to_numpy(), atol=1e-12
    )
    np.testing.assert_allclose(np.repeat(y, data["weight"]), yd, atol=1e-12)


def test_shap_shares_of_one_model_read_weights_as_repeated_respondents(
    survey, duplicated
):
    data, catalog = survey
    facets = list(catalog["facet"])
    model = (
        quick_model()
        .set_params(cv=0)
        .fit(data[facets], data["connected"], sample_weight=data["weight"])
    )
    weighted = em.shap_importance(model, data[facets], sample_weight=data["weight"])
    repeated = em.shap_importance(model, duplicated[facets])
    pd.testing.assert_frame_equal(weighted.to_frame(), repeated.to_frame(), rtol=1e-6)


def test_analysis_reads_weights_as_repeated_respondents_where_it_must(
    survey, duplicated, base
):
    """Every number that is a weighted share, mean or correlation agrees with
    the duplicated survey's; the boosted model, the bootstrap and the counts
    of respondents do not, by design (docs/data-contract.md, "Survey weights")."""
    _, catalog = survey
    rep = quick(duplicated, catalog, segment=None, budget=None)
    by_facet = {"on": "facet", "suffixes": ("", "_rep")}
    drivers = base.tables["drivers"].merge(rep.tables["drivers"], **by_facet)
    for column in ("reach", "mean_score", "stated_importance"):
        np.testing.assert_allclose(drivers[column], drivers[f"{column}_rep"], rtol=RTOL)
    methods = base.tables["methods"].merge(rep.tables["methods"], **by_facet)
    for column in ("relative_weights", "shapley_regression", "std_beta"):
        np.testing.assert_allclose(methods[column], methods[f"{column}_rep"], rtol=RTOL)
    tiers = base.tables["tiers"].merge(
        rep.tables["tiers"], on="tier", suffixes=("", "_rep")
    )
    for column in ("share", "mean_value", "mean_satisfaction", "mean_connection_score"):
        np.testing.assert_allclose(tiers[column], tiers[f"{column}_rep"], rtol=RTOL)
    assert (tiers["n"] < tiers["n_rep"]).all()  # respondents, not weight units
    pd.testing.assert_frame_equal(
        base.tables["motivators"], rep.tables["motivators"], rtol=RTOL
    )
    for section, key in [
        ("data", "connected_share"),
        ("data", "mean_outcome"),
        ("value", "multiplier"),
        ("value", "value_per_connected"),
        ("measures", "cronbach_alpha"),
    ]:
        assert base.summary[section][key] == pytest.approx(
            rep.summary[section][key], rel=RTOL
        )


def test_weights_scaled_by_a_constant_change_nothing(survey, base):
    data, catalog = survey
    scaled = quick(data.assign(weight=10.0 * data["weight"]), catalog, weight="weight")
    assert_tables_equal(base, scaled, rtol=RTOL)
    for section in ("model", "value", "plan", "uncertainty", "agreement"):
        assert _close(base.summary[section], scaled.summary[section]), section


def _close(a, b) -> bool:
    """Two summary parts equal, numbers up to rounding."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=RTOL, nan_ok=True)
    return a == b


# -- 2. a facet on another scale -----------------------------------------------


def halved(data: pd.DataFrame, catalog: pd.DataFrame, facet: str):
    """``facet``'s ratings halved (1-10 read as 0.5-5) and its catalog scale too."""
    cat = catalog.astype({"scale_min": float, "scale_max": float})
    cat.loc[cat["facet"] == facet, ["scale_min", "scale_max"]] = [0.5, 5.0]
    return data.assign(**{facet: data[facet] / 2}), cat


def test_a_facet_on_another_scale_keeps_every_share(survey, base):
    """Trees split on order, the halo score standardises, correlations are
    scale-free: shares, ranks and intervals do not move."""
    data, catalog = survey
    facet = base.tables["drivers"]["facet"].iloc[0]
    other = quick(*halved(data, catalog, facet), weight="weight")
    for name in ("controls", "stages", "methods", "tiers", "motivators"):
        pd.testing.assert_frame_equal(
            base.tables[name], other.tables[name], rtol=RTOL, obj=name
        )
    ours, theirs = base.tables["drivers"], other.tables["drivers"]
    pd.testing.assert_frame_equal(
        ours.drop(columns="mean_score"), theirs.drop(columns="mean_score"), rtol=RTOL
    )
    assert theirs["mean_score"].iloc[0] == pytest.approx(ours["mean_score"].iloc[0] / 2)


def test_one_point_is_one_unit_of_the_facets_own_scale(survey):
    """+1 on a 0.5-5 scale is +2 on the 1-10 scale it was halved from."""
    data, catalog = survey
    facets = list(catalog["facet"])
    facet = facets[0]
    data2, catalog2 = halved(data, catalog, facet)
    y, w = data["connected"], data["weight"]
    model = quick_model().set_params(cv=0).fit(data[facets], y, sample_weight=w)
    model2 = quick_model().set_params(cv=0).fit(data2[facets], y, sample_weight=w)

    def gain(m, X, cat, points):
        return (
            em.simulate_improvement(
                m,
                X,
                em.RaiseScore(facet, points),
                sample_weight=w,
                catalog=cat,
                cross_fit=0,
                n_boot=0,
            )
            .to_frame()["delta_connected"]
            .iloc[0]
        )

    two_points = gain(model, data[facets], catalog, 2)
    assert gain(model2, data2[facets], catalog2, 1) == pytest.approx(
        two_points, rel=1e-6
    )
    assert two_points != pytest.approx(gain(model, data[facets], catalog, 1))


@pytest.fixture(scope="module")
def linear_case():
    s = em.make_survey(n_respondents=200, n_facets=6, random_state=4)
    X = s.survey[list(s.catalog["facet"])]
    return X, s.survey["connected"], s.survey["weight"]


@settings(max_examples=25, deadline=None)
@given(
    order=st.permutations(range(6)),
    scale=st.floats(0.1, 100),
    factors=st.lists(st.floats(0.2, 5), min_size=6, max_size=6),
)
def test_linear_methods_do_not_see_order_units_or_weight_scale(
    linear_case, order, scale, factors
):
    """Columns permuted, each facet on another scale (a x + b, a > 0), weights
    times a constant: the linear methods give the same shares, permuted."""
    X, y, w = linear_case
    moved = (X * np.array(factors) + 1.0).iloc[:, list(order)]
    for fn in (em.relative_weights, em.shapley_regression, em.beta_importance):
        ours = fn(X, y, sample_weight=w).to_frame().set_index("facet")
        theirs = fn(moved, y, sample_weight=scale * w).to_frame().set_index("facet")
        theirs = theirs.loc[ours.index].drop(columns="mean_score")  # in its units
        pd.testing.assert_frame_equal(
            ours.drop(columns="mean_score"), theirs, rtol=1e-7
        )


def test_value_in_another_currency_unit_keeps_the_value_drivers(survey):
    data, catalog = survey
    X = data[list(catalog["facet"])]

    def drivers(value):
        return value_drivers(
            X,
            value,
            sample_weight=data["weight"],
            n_boot=3,
            model=ValueModel(n_estimators=40, cv=0, random_state=0),
            scale_max=10.0,
            random_state=0,
        ).to_frame()

    ours, cents = drivers(data["value"]), drivers(data["value"] * 100)
    for column in ("importance", "importance_low", "importance_high"):
        np.testing.assert_allclose(ours[column], cents[column], rtol=1e-5)
    for column in ("delta_mean_value", "delta_mean_value_low", "delta_mean_value_high"):
        np.testing.assert_allclose(100 * ours[column], cents[column], rtol=1e-4)


# -- 3. how the outcome is coded -----------------------------------------------


@pytest.mark.parametrize(
    "coding",
    ["bool", "float", "yes/no", "1/2", "nullable"],
)
def test_the_outcome_coded_another_way_gives_the_same_tables(survey, base, coding):
    data, catalog = survey
    connected = data["connected"]
    options = {}
    if coding == "bool":
        data = data.assign(connected=connected.astype(bool))
    elif coding == "float":
        data = data.assign(connected=connected.astype(float))
    elif coding == "yes/no":
        data = data.assign(connected=np.where(connected == 1, "Yes", "No"))
        options["connected_values"] = ["Yes"]
    elif coding == "1/2":  # 1 = yes, 2 = no
        data = data.assign(connected=2 - connected)
        options["connected_values"] = [1]
    else:
        data = data.assign(connected=connected.astype("Int64"))
    other = quick(data, catalog, weight="weight", **options)
    assert_tables_equal(base, other)
    assert (
        other.summary["data"]["connected_share"]
        == base.summary["data"]["connected_share"]
    )


# -- 4. names and order --------------------------------------------------------


def test_survey_column_order_and_extra_columns_change_nothing(survey, base):
    """The model's columns follow the catalog, not the survey; only the
    motivator table's columns follow the survey's order of the motivators."""
    data, catalog = survey
    shuffled = data[data.columns[::-1]].assign(unused=np.arange(len(data)), note="x")
    other = quick(shuffled, catalog, weight="weight")
    assert_tables_equal(base, other, check_like=("motivators",))


def test_a_renamed_facet_changes_only_its_name(survey, base):
    data, catalog = survey
    old = catalog["facet"].iloc[2]
    new = "zz_" + old  # sorts elsewhere: the catalog's order is what counts
    renamed = quick(
        data.rename(columns={old: new}),
        catalog.assign(facet=catalog["facet"].replace({old: new})),
        weight="weight",
    )
    back = {
        name: table.assign(facet=table["facet"].replace({new: old}))
        if "facet" in table
        else table
        for name, table in renamed.tables.items()
    }
    assert_tables_equal(base, replace(renamed, tables=back))


def test_renamed_segments_change_only_their_names(survey, base):
    data, catalog = survey
    names = {"Advised": "c_advised", "Retirement": "b_retirement"}
    names |= {"Self-directed": "a_self_directed"}
    other = quick(
        data.assign(customer_type=data["customer_type"].map(names)),
        catalog,
        weight="weight",
    )
    back = {v: k for k, v in names.items()}
    ours = base.tables["segment_drivers"]
    theirs = other.tables["segment_drivers"].assign(
        segment=lambda t: t["segment"].map(back)
    )
    key = ["segment", "facet"]
    pd.testing.assert_frame_equal(
        ours.sort_values(key).reset_index(drop=True),
        theirs.sort_values(key).reset_index(drop=True),
        rtol=RTOL,
    )


def test_catalog_order_leaves_the_linear_methods_and_shares_of_data_alone(survey, base):
    """The catalog's row order is the model's column order, so the boosted
    model's column subsampling draws other columns (docs/concepts/uncertainty.md:
    shares move by a tenth of an interval); what reads no model is identical."""
    data, catalog = survey
    other = quick(data, catalog.iloc[::-1].reset_index(drop=True), weight="weight")
    for name, columns in {
        "methods": ["relative_weights", "shapley_regression", "std_beta"],
        "drivers": ["reach", "mean_score", "stated_importance"],
    }.items():
        ours = base.tables[name].set_index("facet")[columns]
        theirs = other.tables[name].set_index("facet").loc[ours.index, columns]
        pd.testing.assert_frame_equal(ours, theirs, rtol=RTOL)
    assert list(other.tables["stages"]["stage"]) == list(
        catalog["stage"].unique()[::-1]
    )


# -- 5. seeds and threads ------------------------------------------------------


def test_the_same_seed_twice_gives_the_same_analysis(survey, base):
    data, catalog = survey
    again = quick(data, catalog, weight="weight")
    assert_tables_equal(base, again)
    assert _close(base.summary, again.summary)


def test_threads_do_not_change_the_analysis(survey, base):
    data, catalog = survey
    threaded = quick(data, catalog, weight="weight", n_jobs=2)
    assert_tables_equal(base, threaded)
    ours = {k: v for k, v in base.summary.items() if k != "study"}
    theirs = {k: v for k, v in threaded.summary.items() if k != "study"}
    assert _close(ours, theirs)


# -- 6. the command line, and a saved analysis ---------------------------------


@pytest.fixture(scope="module")
def on_disk(survey, tmp_path_factory):
    data, catalog = survey
    folder = tmp_path_factory.mktemp("invariance")
    data.to_csv(folder / "survey.csv", index=False)
    catalog.to_csv(folder / "facets.csv", index=False)
    return folder


def test_the_command_line_gives_the_python_result(on_disk):
    from emomotiv.cli import main

    args = [
        "analyze",
        str(on_disk / "survey.csv"),
        "--catalog",
        str(on_disk / "facets.csv"),
    ]
    args += ["--connection", "connected", "--value", "value"]
    args += ["--satisfaction", "satisfaction", "--segment", "customer_type"]
    args += ["--weight", "weight", "--min-segment-size", "80", "--population", "100000"]
    args += ["--budget", "100000", "--n-boot", "3", "--n-jobs", "1", "--seed", "0"]
    args += ["--cv", "2", "--quiet", "--out", str(on_disk / "cli")]
    assert main(args) == 0
    cli = em.load_analysis(on_disk / "cli")
    api = em.analyze(
        on_disk / "survey.csv",
        on_disk / "facets.csv",
        weight="weight",
        **{**QUICK, "cv": 2},
    )
    saved = em.load_analysis(em.save_analysis(api, on_disk / "api"))
    assert sorted(cli.tables) == sorted(saved.tables)
    for name in cli.tables:
        pd.testing.assert_frame_equal(cli.tables[name], saved.tables[name], obj=name)
    ours = {k: v for k, v in cli.summary.items() if k != "study"}
    theirs = {k: v for k, v in saved.summary.items() if k != "study"}
    assert _close(ours, theirs)


def test_a_saved_analysis_loads_back_as_it_was(base, tmp_path):
    loaded = em.load_analysis(em.save_analysis(base, tmp_path / "out"))
    assert list(loaded.tables) == list(base.tables)
    for name, table in base.tables.items():
        pd.testing.assert_frame_equal(table, loaded.tables[name], obj=name)


def test_a_saved_analysis_loads_back_with_the_same_values(base, tmp_path):
    """Values, column order and index survive the round trip, read as a CSV
    can say them."""
    loaded = em.load_analysis(em.save_analysis(base, tmp_path / "out"))
    assert sorted(loaded.tables) == sorted(base.tables)
    for name, table in base.tables.items():
        pd.testing.assert_frame_equal(
            as_read(table), as_read(loaded.tables[name]), obj=name
        )
    assert _close(base.summary, loaded.summary)
