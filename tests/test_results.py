"""Result objects as a notebook user holds them, and the folder they reload.

The contract of :mod:`emomotiv.results` (a fresh ``to_frame()``, a one-line
``repr``, identity equality), and the round trip ``save_analysis`` ->
``load_analysis`` of every table and summary key, on a small survey whose
facet and segment names are the awkward ones: numbers as text, quotes,
commas, accents, a spreadsheet formula.
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import emomotiv as em
from emomotiv.io import jsonable
from emomotiv.results import (
    AnalysisResult,
    ConnectionMeasures,
    Diagnostics,
    ImportanceResult,
    PlanResult,
    SimulationResult,
    StatedComparison,
    StatedImportance,
    ValueLink,
    WaveComparison,
)

# awkward facet ids: numbers as text, a leading zero, quotes and a comma,
# accents, pandas' default missing marker, a spreadsheet formula
ODD_FACETS = ["1", "007", 'a,b "c"', "café_ü", "NA", "=cmd"]
ODD_LABELS = ["Ünïcode ✓", "007", 'Quote "q", comma', "  spaced  ", "NA", "-2"]
ODD_SEGMENTS = {"Advised": "1", "Self-directed": "007", "Retirement": 'Rét, "x"'}


@pytest.fixture(scope="module")
def analysis():
    """Two waves of a small survey with every optional step, under odd names."""
    s = em.make_waves(n_respondents=300, n_facets=6, stated_form="ratings")
    ids = dict(zip(s.catalog["facet"], ODD_FACETS, strict=True))
    catalog = s.catalog.assign(facet=s.catalog["facet"].map(ids), label=ODD_LABELS)
    survey = s.survey.rename(
        columns=ids | {f"stated__{k}": f"stated__{v}" for k, v in ids.items()}
    )
    survey["customer_type"] = survey["customer_type"].map(ODD_SEGMENTS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.analyze(
            survey,
            catalog,
            **s.roles,
            model=em.DriverModel(n_estimators=15, cv=2),
            n_boot=3,
            budget=1e6,
            min_segment_size=150,
            progress=False,
        )
    return result


@pytest.fixture(scope="module")
def saved(analysis, tmp_path_factory):
    return em.save_analysis(analysis, tmp_path_factory.mktemp("saved") / "run")


@pytest.fixture(scope="module")
def loaded(saved):
    return em.load_analysis(saved)


def _results(result: AnalysisResult) -> dict[str, object]:
    """Every result object an analysis holds."""
    names = ("importance", "tracking", "diagnostics", "stated", "measures")
    names += ("value", "plan", "segments", "value_drivers")
    found = {name: getattr(result, name) for name in names}
    found["stated.stated"] = result.stated.stated
    found["analysis"] = result
    return found


# -- the contract of every result object ------------------------------------


def test_the_analysis_holds_every_result_object(analysis):
    missing = [name for name, obj in _results(analysis).items() if obj is None]
    assert not missing


def test_to_frame_is_fresh_and_has_a_plain_index(analysis):
    for name, obj in _results(analysis).items():
        frame = obj.to_frame()
        assert isinstance(frame.index, pd.RangeIndex), name
        assert list(frame.index) == list(range(len(frame))), name
        before = frame.copy()
        numbers = frame.select_dtypes("number").columns
        frame.loc[frame.index[0], numbers[0]] = -999.0
        frame["added"] = 1
        again = obj.to_frame()
        assert again is not frame, name
        pd.testing.assert_frame_equal(again, before, obj=name)


def test_repr_is_one_line_naming_the_class(analysis):
    for name, obj in _results(analysis).items():
        text = repr(obj)
        assert "\n" not in text, name
        assert text.startswith(f"{type(obj).__name__}("), name


def test_interval_columns_come_in_pairs(analysis):
    tables = [obj.to_frame() for obj in _results(analysis).values()]
    tables += list(analysis.tables.values())
    for frame in tables:
        columns = set(map(str, frame.columns))
        lows = {c[: -len("_low")] for c in columns if c.endswith("_low")}
        highs = {c[: -len("_high")] for c in columns if c.endswith("_high")}
        assert lows == highs, sorted(columns)


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {"importance": [0.25, 0.75], "raw_importance": [1.0, 3.0], "direction": 1},
        index=pd.Index(["fees", "welcome_note"], name="facet"),
    )


def _minimal_results() -> list[object]:
    """One of each result class of emomotiv.results, from plain tables."""
    table = _table()
    tiers = pd.DataFrame({"tier": ["unconnected"], "n": [1], "share": [1.0]})
    stated = StatedImportance(table.rename(columns={"importance": "s"}), "c", "r")
    return [
        ImportanceResult("shap", table),
        WaveComparison(
            pd.DataFrame({"facet": ["fees"], "flagged": [False]}),
            {"waves": {"before": "a", "after": "b"}, "n_flagged": 0},
        ),
        Diagnostics(table.assign(vif=1.0, suppressor=False), 1.0, 0.5),
        SimulationResult(pd.DataFrame({"scenario": ["x"], "delta_connected": [0.1]})),
        PlanResult(pd.DataFrame({"facet": ["fees"]}), None),
        AnalysisResult(
            {"drivers": table.reset_index()},
            {"data": {"n_respondents": 10, "n_facets": 2}},
            ImportanceResult("shap", table),
            None,
        ),
        stated,
        StatedComparison(table.assign(quadrant="core_driver"), stated, 0.5, {}),
        ConnectionMeasures(None, None, None, "rule", pd.Series(dtype=str), tiers),
        ValueLink({"multiplier": 2.0}, tiers),
    ]


@pytest.mark.parametrize("result", _minimal_results(), ids=lambda r: type(r).__name__)
def test_results_compare_and_hash_by_identity(result):
    """``==`` of two results holding equal tables answers (False) rather
    than raising pandas' "truth value of a DataFrame is ambiguous", and a
    result can be a dict key or a set member."""
    from dataclasses import replace

    twin = replace(result)
    assert result == result
    assert (result == twin) is False
    assert result != twin
    assert {result: 1, twin: 2}[result] == 1
    assert len({result, twin, result}) == 2


def test_top_and_summary_order_ties_as_the_drivers_table():
    """Tied shares (facets the model never used, all at 0) are listed in
    the same order by ``top()``, ``importance`` and ``to_frame()``; the
    summary's ``top10`` is ``top(10)`` and drivers.csv is ``to_frame()``."""
    rng = np.random.default_rng(0)
    shares = rng.integers(0, 4, 300).astype(float)
    table = pd.DataFrame(
        {"importance": shares / shares.sum(), "raw_importance": shares},
        index=pd.Index([f"f{i:03d}" for i in range(300)], name="facet"),
    ).assign(direction=1)
    result = ImportanceResult("shap", table)
    order = list(result.to_frame()["facet"])
    assert result.top(300) == order
    assert list(result.importance.index) == order
    assert result.top(3) == order[:3]


def test_to_frame_names_the_facet_column_of_an_unnamed_index():
    table = _table().rename_axis(None)
    importance = ImportanceResult("relative_weights", table)
    assert list(importance.to_frame().columns[:3]) == ["facet", "importance", "rank"]
    diagnostics = Diagnostics(table.assign(vif=1.0, suppressor=False), 1.0, 0.5)
    assert diagnostics.to_frame().columns[0] == "facet"
    stated = StatedImportance(table.assign(stated_importance=[0.5, 0.5]), "c", "r")
    assert stated.to_frame().columns[0] == "facet"
    comparison = StatedComparison(table.assign(gap=[0.1, -0.1]), stated, 0.5, {})
    assert comparison.to_frame().columns[0] == "facet"


def test_to_frame_ranks_a_table_that_already_has_a_rank():
    """A ranked table (a drivers table set back on its facets) ranks anew
    instead of failing with "cannot insert rank, already exists"."""
    table = _table().assign(rank=[1, 2])  # a stale rank, the wrong way round
    frame = ImportanceResult("shap", table).to_frame()
    assert list(frame["facet"]) == ["welcome_note", "fees"]
    assert list(frame["rank"]) == [1, 2]
    assert list(frame.columns).count("rank") == 1


def test_a_notebook_edit_of_a_table_changes_neither_the_result_nor_its_files(
    analysis, tmp_path
):
    """``drivers`` was the live table and ``tables`` a plain dict: showing
    percents (``d["importance"] *= 100``) rewrote the result, and
    save_analysis wrote shares of 14.5 beside a summary of 0.145."""
    from dataclasses import replace

    own = {name: table.copy() for name, table in analysis.tables.items()}
    result = replace(analysis, tables=own)
    before = result.drivers.copy()
    d = result.drivers
    d["importance"] *= 100
    roi = result.tables["roi"]
    roi["facet"] = "edited"
    pd.testing.assert_frame_equal(result.drivers, before)
    pd.testing.assert_frame_equal(result.tables["roi"], analysis.tables["roi"])
    # an edit of the tables themselves says why, and the way to a new result
    for edit in (
        lambda t: t.__setitem__("mine", d),
        lambda t: t.update(mine=d),
        lambda t: t.__delitem__("roi"),
    ):
        with pytest.raises(TypeError, match=r"read-only.*dataclasses.replace"):
            edit(result.tables)
    mine = replace(result, tables=result.tables | {"mine": d})
    assert list(mine.tables)[-1] == "mine" and "mine" not in result.tables
    saved = pd.read_csv(em.save_analysis(result, tmp_path / "run") / "drivers.csv")
    np.testing.assert_allclose(saved["importance"], before["importance"])
    assert repr(result.tables).startswith("tables({'drivers': 6 rows x ")


# -- save and load ------------------------------------------------------------


def test_every_table_comes_back_equal(analysis, loaded):
    assert list(loaded.tables) == list(analysis.tables)
    for name, table in analysis.tables.items():
        pd.testing.assert_frame_equal(
            loaded.tables[name], table, check_exact=True, obj=name
        )


def test_odd_names_come_back_as_text(analysis, loaded):
    drivers = loaded.tables["drivers"]
    assert sorted(drivers["facet"]) == sorted(ODD_FACETS)
    # the catalog strips the spaces around a label
    assert sorted(drivers["label"]) == sorted(x.strip() for x in ODD_LABELS)
    segments = set(loaded.tables["segment_drivers"]["segment"])
    assert segments == set(ODD_SEGMENTS.values())
    assert set(loaded.tables["changes"]["facet"]) == set(ODD_FACETS)


def test_flags_and_ranks_keep_their_types(loaded):
    roi, changes = loaded.tables["roi"], loaded.tables["changes"]
    assert roi["beyond_noise"].dtype == "boolean"
    assert loaded.tables["plan"]["selected"].dtype == bool
    assert changes["flagged"].dtype == bool
    assert changes["rank_change"].dtype == "Int64"
    assert loaded.tables["drivers"]["stated_rank"].dtype == "Int64"
    assert loaded.tables["segment_drivers"]["differs"].dtype == "boolean"


def test_every_summary_key_comes_back_equal(analysis, loaded):
    # the summary in memory is already strict JSON: plain types, no NaN
    assert jsonable(analysis.summary) == analysis.summary
    json.dumps(analysis.summary, allow_nan=False)
    assert loaded.summary == analysis.summary
    assert list(loaded.summary) == list(analysis.summary)


def test_the_reloaded_ranking_is_the_ranking(analysis, loaded):
    columns = ["facet", "importance", "rank", "importance_low", "importance_high"]
    pd.testing.assert_frame_equal(
        loaded.importance.to_frame()[columns], analysis.importance.to_frame()[columns]
    )
    assert loaded.importance.top(3) == analysis.importance.top(3)
    replicates = analysis.importance.replicates.reset_index(drop=True)
    pd.testing.assert_frame_equal(loaded.importance.replicates, replicates)
    assert repr(loaded) == repr(analysis)


def test_the_reloaded_importance_is_the_importance_but_its_explanation(
    analysis, loaded
):
    """A reloaded importance had the drivers table's stated columns, no
    controls and one note, so the documented comparison of results
    (``a.to_frame().equals(b.to_frame())``) was False."""
    assert loaded.importance.to_frame().equals(analysis.importance.to_frame())
    controls = analysis.importance.controls.drop(columns="raw_importance")
    pd.testing.assert_frame_equal(
        loaded.importance.controls, controls, check_dtype=False
    )
    info = analysis.importance.info
    for key in ("units", "n_boot", "level", "sample_size", "interval", "top_k"):
        assert loaded.importance.info[key] == info[key], key
    assert loaded.importance.total == pytest.approx(analysis.importance.total)
    assert loaded.importance.explanation is None
    assert "stated_importance" in loaded.drivers  # the table keeps them


def test_saving_over_a_run_without_force_changes_nothing(analysis, saved):
    """tests/test_io.py checks a folder of the user's own files; a folder
    holding an earlier run is refused the same way, byte for byte intact."""
    before = {p.name: p.read_bytes() for p in saved.iterdir()}
    with pytest.raises(FileExistsError, match="not empty.*force=True"):
        em.save_analysis(analysis, saved)
    assert {p.name: p.read_bytes() for p in saved.iterdir()} == before


def test_loading_refuses_a_folder_with_a_table_missing_or_changed(saved, tmp_path):
    """Every problem at once, not the first one found."""
    folder = Path(shutil.copytree(saved, tmp_path / "run"))
    (folder / "roi.csv").unlink()
    drivers = folder / "drivers.csv"
    drivers.write_text(drivers.read_text().replace("1", "2"))
    with pytest.raises(em.ValidationError) as caught:
        em.load_analysis(folder)
    problems = " ".join(caught.value.problems)
    assert "'roi.csv' is listed in manifest.json but missing" in problems
    assert "'drivers.csv' does not match manifest.json" in problems


# -- no pickles ---------------------------------------------------------------

PICKLE = re.compile(
    r"\bimport (c?pickle|dill|cloudpickle|shelve|marshal)\b|\b(pickle|dill|"
    r"cloudpickle|shelve|marshal)\.loads?\(|read_pickle|allow_pickle\s*=\s*True"
    r"|joblib\.load\b|from joblib import [^\n]*\bload\b"
)


def test_nothing_a_user_loads_back_is_a_pickle(saved):
    """No module of emomotiv unpickles, and a saved run is text files only."""
    source = Path(em.__file__).parent
    found = [
        f"{path.name}: {m.group(0)}"
        for path in source.rglob("*.py")
        for m in PICKLE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found
    suffixes = {p.suffix for p in saved.rglob("*") if p.is_file()}
    assert suffixes <= {".csv", ".json", ".html", ".toml"}
    for path in saved.rglob("*"):
        if path.is_file():
            assert not path.read_bytes().startswith(b"\x80"), path.name
            path.read_text(encoding="utf-8")  # text, not binary


def _minimal_containers():
    """The other frozen holders of tables a user meets."""
    from emomotiv.bootstrap import Refits
    from emomotiv.controls import Design
    from emomotiv.datasets import SyntheticSurvey
    from emomotiv.segments import SegmentDrivers
    from emomotiv.value_drivers import ValueDrivers

    table = pd.DataFrame({"facet": ["a", "b"], "x": [1.0, 2.0]})
    return [
        SegmentDrivers(table),
        ValueDrivers(table),
        Design(table, ["x"]),
        Refits((), (), np.zeros((0, 2), int), np.zeros((0, 2)), 2),
        SyntheticSurvey(table, table, table, 2.0),
    ]


@pytest.mark.parametrize(
    "result", _minimal_containers(), ids=lambda r: type(r).__name__
)
def test_other_table_holders_compare_and_hash_by_identity(result):
    test_results_compare_and_hash_by_identity(result)


@pytest.mark.parametrize("n", [-1, 2.5, "3", True])
def test_top_refuses_a_count_that_is_not_a_whole_number_of_facets(analysis, n):
    with pytest.raises(ValueError, match="'n' parameter of top"):
        analysis.importance.top(n)
    assert analysis.importance.top(0) == []
