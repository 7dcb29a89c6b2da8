import numpy as np
import pandas as pd
import pytest

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
    with pytest.raises(ValueError, match="csv or .parquet"):
        em.read_table(tmp_path / "c.txt")
