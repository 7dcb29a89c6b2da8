from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import emomotiv as em


def test_save_and_load_round_trip_without_pickles(small, small_result, tmp_path):
    out = em.save_analysis(small_result, tmp_path / "run")
    names = {p.name for p in out.iterdir()}
    assert not any(n.endswith((".pkl", ".pickle", ".joblib")) for n in names)
    loaded = em.load_analysis(out)
    X = small.survey[small.catalog["facet"]]
    np.testing.assert_allclose(
        loaded.model.predict_outcome(X),
        small_result.model.predict_outcome(X),
        rtol=1e-6,
    )
    pd.testing.assert_frame_equal(
        loaded.drivers, small_result.drivers, check_dtype=False
    )
    assert loaded.summary["data"] == small_result.summary["data"]
    assert loaded.importance.top(3) == small_result.importance.top(3)


def test_save_refuses_non_empty_folder_and_keeps_user_files(small_result, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="force"):
        em.save_analysis(small_result, out)
    em.save_analysis(small_result, out, force=True)
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "drivers.csv").is_file()
    assert not list(tmp_path.glob(".emomotiv-*"))


def test_read_table_csv_parquet_and_errors(small, tmp_path):
    small.catalog.to_parquet(tmp_path / "c.parquet")
    small.catalog.to_csv(tmp_path / "c.csv", index=False)
    pd.testing.assert_frame_equal(em.read_table(tmp_path / "c.parquet"), small.catalog)
    assert len(em.read_table(tmp_path / "c.csv")) == len(small.catalog)
    with pytest.raises(FileNotFoundError):
        em.read_table(tmp_path / "missing.csv")
    (tmp_path / "c.txt").write_text("x")
    with pytest.raises(ValueError, match=r"\.csv, \.parquet, \.sav, \.dta or \.xlsx"):
        em.read_table(tmp_path / "c.txt")


TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def test_saved_csv_cells_cannot_run_as_formulas(small_result, tmp_path):
    drivers = small_result.drivers.copy()
    attacks = [
        '=HYPERLINK("http://x","y")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "'=already quoted",
    ]
    drivers.loc[: len(attacks) - 1, "label"] = attacks
    drivers.loc[len(attacks), "label"] = "-5"  # a number written as text: left alone
    result = replace(small_result, tables={"drivers": drivers})
    out = em.save_analysis(result, tmp_path / "run")
    raw = pd.read_csv(out / "drivers.csv", dtype=str, keep_default_na=False)
    for cell in raw.to_numpy().ravel():
        assert not cell.startswith(TRIGGERS) or _is_number(cell), cell
    assert '\'=HYPERLINK("http://x","y")' in set(raw["label"])
    assert "''=already quoted" in set(raw["label"])
    assert "-5" in set(raw["label"])
    numeric = pd.read_csv(out / "drivers.csv")
    assert pd.api.types.is_numeric_dtype(numeric["importance"])
    # loading undoes the neutralisation exactly
    loaded = em.load_analysis(out)
    pd.testing.assert_frame_equal(loaded.drivers, result.drivers, check_dtype=False)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_negative_numbers_in_numeric_columns_are_untouched():
    from emomotiv.io import neutralise_formulas

    frame = pd.DataFrame({"gap": [-0.25, 0.5], "name": ["-0.25", "=x"], "n": [-3, 4]})
    out = neutralise_formulas(frame)
    assert out["gap"].tolist() == [-0.25, 0.5]
    assert out["n"].tolist() == [-3, 4]
    assert out["name"].tolist() == ["-0.25", "'=x"]


def test_column_names_are_neutralised_too():
    from emomotiv.io import neutralise_formulas, restore_formulas

    frame = pd.DataFrame({"facet": ["a"], "=cmd": [0.1]})
    out = neutralise_formulas(frame)
    assert list(out.columns) == ["facet", "'=cmd"]
    assert list(restore_formulas(out).columns) == ["facet", "=cmd"]


@given(st.lists(st.text(max_size=12), min_size=1, max_size=8))
def test_neutralise_round_trips_and_leaves_no_live_formula(texts):
    from emomotiv.io import neutralise_formulas, restore_formulas

    frame = pd.DataFrame({"label": texts})
    safe = neutralise_formulas(frame)
    for cell in safe["label"]:
        assert not cell.startswith(TRIGGERS) or _is_number(cell.strip())
    assert restore_formulas(safe)["label"].tolist() == texts


def test_saved_comparison_is_neutralised_too(tmp_path):
    from emomotiv.io import save_comparison
    from emomotiv.results import WaveComparison

    changes = pd.DataFrame(
        {
            "facet": ["a", "b"],
            "label": ["=cmd|' /C calc'!A0", "ok"],
            "change": [-0.02, 0.01],
        }
    )
    out = save_comparison(WaveComparison(changes, {"n_flagged": 0}), tmp_path / "cmp")
    raw = pd.read_csv(out / "changes.csv", dtype=str)
    assert raw["label"].tolist() == ["'=cmd|' /C calc'!A0", "ok"]
    assert pd.read_csv(out / "changes.csv")["change"].tolist() == [-0.02, 0.01]
