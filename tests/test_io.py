import datetime
import errno
import hashlib
import importlib.util
import json
import os
import re
import warnings
from dataclasses import replace
from pathlib import Path

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
    X = em.design_matrix(
        small.survey[small.catalog["facet"]],
        halo=small_result.summary["halo"]["method"],
        sample_weight=small.survey["weight"],
    ).matrix
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
    with pytest.raises(IsADirectoryError, match="is a folder, not a file"):
        em.read_table(tmp_path)
    (tmp_path / "c.json").write_text("x")
    with pytest.raises(ValueError, match=r"\.parquet, \.sav, \.dta or \.xlsx"):
        em.read_table(tmp_path / "c.json")


def test_header_names_are_read_without_the_spaces_around_them(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(" Qualité du conseil,Poids ,app\n7,1.5,3\n", encoding="utf-8")
    frame = em.read_table(path)
    assert list(frame.columns) == ["Qualité du conseil", "Poids", "app"]
    catalog = em.FacetCatalog.from_facets([" Qualité du conseil", "app"])
    assert set(catalog.facets) <= set(frame.columns)  # the catalog's ids match
    path.write_text("Réactivité,Réactivité ,app\n7,1,3\n", encoding="utf-8")
    with pytest.raises(em.ValidationError) as err:
        em.read_table(path)
    assert "'Réactivité' (columns 1, 2: 'Réactivité', 'Réactivité ')" in str(err.value)


def test_trailing_separators_of_a_spreadsheet_are_dropped(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("id,app,connected,,\nR1,7,1,,\nR2,3,0,,\n", encoding="utf-8")
    expected = pd.DataFrame({"id": ["R1", "R2"], "app": [7, 3], "connected": [1, 0]})
    pd.testing.assert_frame_equal(em.read_table(path), expected)
    path.write_text("id,app,connected\nR1,7,1,,\nR2,3,0\n", encoding="utf-8")
    pd.testing.assert_frame_equal(em.read_table(path), expected)  # not shifted
    path.write_text("id,app,connected\nR1,7,1,,\nR2,3,0,9\n", encoding="utf-8")
    with pytest.raises(em.ValidationError, match=r"1 row of .* \(3, the header"):
        em.read_table(path)
    path.write_text(",id,,app\n0,R1,x,7\n1,R2,,3\n", encoding="utf-8")
    with pytest.raises(em.ValidationError, match="Columns 1, 3 .* have no name"):
        em.read_table(path)
    path.write_text(",id,app\n0,R1,7\n1,R2,3\n", encoding="utf-8")  # an index
    assert list(em.read_table(path).columns) == ["", "id", "app"]


def test_a_later_row_longer_than_the_header_is_named_with_every_other(tmp_path):
    path = tmp_path / "s.csv"
    rows = ["R1,7,1", "R2,3,0,,", "R3,4,1,1,003.71", "R4,5,0", "R5,6,1,9"]
    path.write_text("id,app,connected\n" + "\n".join(rows) + "\n")
    with pytest.raises(em.ValidationError) as err:
        em.read_table(path)  # not pandas' "Expected 3 fields in line 4, saw 5"
    assert err.value.problems[0].startswith(
        f"2 rows of '{path}' (4, 6, the header being row 1) hold values past "
        "the header's 3 columns. A value holding a comma without quotes"
    )
    # empty fields past the header in a later row only: trailing separators
    path.write_text("id,app,connected\nR1,7,1\nR2,3,0,,\n")
    expected = pd.DataFrame({"id": ["R1", "R2"], "app": [7, 3], "connected": [1, 0]})
    pd.testing.assert_frame_equal(em.read_table(path), expected)


def test_a_quote_that_never_closes_is_named_by_its_row(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text('id,app,connected\nR1,7,1\nR2,"3,0\nR3,4,1\n')
    with pytest.raises(
        em.ValidationError,
        match=r"row 3 \(the header being row 1\) "
        "opens a quote. A quote",
    ):
        em.read_table(path)


def test_a_semicolon_file_whose_names_hold_commas_is_read_by_its_semicolons(
    tmp_path,
):
    path = tmp_path / "s.csv"
    path.write_text("id;Mobile app, overall;weight\nR1;7;1,5\nR2;;0,5\n")
    with pytest.warns(UserWarning, match="commas lie within column names"):
        frame = em.read_table(path, decimal=",")
    expected = {
        "id": ["R1", "R2"],
        "Mobile app, overall": [7.0, None],
        "weight": [1.5, 0.5],
    }
    pd.testing.assert_frame_equal(frame, pd.DataFrame(expected))


def test_a_spreadsheet_s_blank_rows_are_no_respondents(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("id,app,connected\nR1,7,1\n,,\nR2,,0\n,,\n,,\n", encoding="utf-8")
    expected = {"id": ["R1", "R2"], "app": [7.0, None], "connected": [1.0, 0.0]}
    pd.testing.assert_frame_equal(em.read_table(path), pd.DataFrame(expected))


def test_a_saved_table_reads_back_every_float_exactly(tmp_path):
    from emomotiv.io import read_saved_table, write_csv

    # (pandas 2.1.4's default reader gave 43% of such floats back a unit off)
    scale = 10.0 ** np.arange(-10, 10).repeat(100)
    x = np.random.default_rng(0).normal(size=2000) * scale
    write_csv(pd.DataFrame({"x": x}), tmp_path / "t.csv")
    assert (read_saved_table(tmp_path / "t.csv")["x"].to_numpy() == x).all()


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
    """A plain decimal number exactly as written: no whitespace, no inf/nan
    (``float()`` would accept ``"\t5"`` and ``"-inf"``, which spreadsheets
    do not read as numbers)."""
    return re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text) is not None


def test_negative_numbers_in_numeric_columns_are_untouched():
    from emomotiv.io import neutralise_formulas

    frame = pd.DataFrame({"gap": [-0.25, 0.5], "name": ["-0.25", "=x"], "n": [-3, 4]})
    out = neutralise_formulas(frame)
    assert out["gap"].tolist() == [-0.25, 0.5]
    assert out["n"].tolist() == [-3, 4]
    assert out["name"].tolist() == ["-0.25", "'=x"]


def test_tab_and_cr_prefixed_numbers_and_infinities_are_neutralised(tmp_path):
    """Exact strings: a neutraliser that let "\t5" or "-inf" through (they
    parse with ``float``) breaks this test."""
    from emomotiv.io import neutralise_formulas, write_csv

    cells = ["\t5", "\r5", "\t-1", "-inf", "+inf", "-Infinity", "-nan", "=1"]
    plain = ["-5", "+5", "-1e5", ".5", "-.5", "5", "1.25E-3"]
    escaped = ["'" + c for c in cells]
    frame = pd.DataFrame({"label": cells + plain})
    assert neutralise_formulas(frame)["label"].tolist() == escaped + plain
    write_csv(frame, tmp_path / "t.csv")
    raw = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False)
    assert raw["label"].tolist() == escaped + plain


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
        assert not cell.startswith(TRIGGERS) or _is_number(cell)
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


def _with_tables(result, **tables):
    """``result`` with its tables replaced (cheap runs with known files)."""
    return replace(result, tables=tables)


def test_force_replaces_the_earlier_run_whole(small_result, tmp_path):
    from emomotiv.io import check_manifest

    out = tmp_path / "run"
    drivers = small_result.drivers
    plan = pd.DataFrame({"facet": ["a"], "cost": [1.0]})
    em.save_analysis(_with_tables(small_result, drivers=drivers, plan=plan), out)
    assert (out / "plan.csv").is_file()
    (out / "notes.txt").write_text("mine")
    with pytest.warns(UserWarning, match=r"changed since it did\), left alone: 'notes"):
        em.save_analysis(_with_tables(small_result, drivers=drivers), out, force=True)
    names = {p.name for p in out.iterdir()}
    assert "plan.csv" not in names  # the earlier run's file this run did not write
    assert (out / "notes.txt").read_text() == "mine"  # not emomotiv's: left alone
    assert set(check_manifest(out)) == names - {"notes.txt", "manifest.json"}
    assert "plan" not in em.load_analysis(out).tables
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_force_never_writes_over_or_deletes_what_is_not_the_earlier_run(
    small_result, tmp_path
):
    out = tmp_path / "run"
    drivers = small_result.drivers
    plan = pd.DataFrame({"facet": ["a"], "cost": [1.0]})
    em.save_analysis(_with_tables(small_result, drivers=drivers, plan=plan), out)
    bare = _with_tables(small_result, drivers=drivers)
    # a file of the earlier run edited since is the user's: kept, and named
    with open(out / "plan.csv", "a") as f:
        f.write("# my note\n")
    with pytest.warns(UserWarning, match="plan.csv"):
        em.save_analysis(bare, out, force=True)
    assert (out / "plan.csv").read_text().endswith("# my note\n")
    # a manifest entry outside the folder deletes nothing there
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"]["../victim.txt"] = hashlib.sha256(b"precious").hexdigest()
    manifest["files"][str(victim)] = manifest["files"]["../victim.txt"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.warns(UserWarning):
        em.save_analysis(bare, out, force=True)
    assert victim.read_text() == "precious"
    # the user's own file under a name the run writes stops the save
    (out / "report.html").write_text("<p>my board report</p>")
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(FileExistsError, match="'report.html'"):
        em.save_analysis(bare, out, force=True)
    assert (out / "report.html").read_text() == "<p>my board report</p>"
    assert sorted(p.name for p in out.iterdir()) == before


def test_a_file_the_run_would_write_over_is_named_before_any_work(
    small_result, tmp_path
):
    """The checks before the fit name the user's own file under a name every
    run writes, rather than the save after the fit."""
    from emomotiv.io import output_problems

    out = em.save_analysis(small_result, tmp_path / "run")
    assert output_problems(out, force=True, kind="analysis") == []
    (out / "report.html").write_text("<p>my board report</p>")
    (out / "notes.txt").write_text("mine")
    (problem,) = output_problems(out, force=True, kind="analysis")
    assert "holds 'report.html', which this run would write over" in problem
    assert "notes.txt" not in problem


def test_manifest_lists_every_file_with_its_checksum(small_result, tmp_path):
    import hashlib
    import json

    out = em.save_analysis(small_result, tmp_path / "run")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["emomotiv"] == em.__version__
    files = {p.name for p in out.iterdir()} - {"manifest.json"}
    assert set(manifest["files"]) == files
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


def test_load_analysis_refuses_a_folder_that_does_not_match(small_result, tmp_path):
    out = em.save_analysis(small_result, tmp_path / "run")
    stale = out / "drivers.csv"
    stale.write_text(stale.read_text().replace("0.", "1.", 1))
    with pytest.raises(em.ValidationError, match="'drivers.csv' does not match"):
        em.load_analysis(out)
    (out / "stages.csv").unlink()
    with pytest.raises(em.ValidationError, match="'stages.csv' is listed"):
        em.load_analysis(out)
    (out / "manifest.json").unlink()
    with pytest.raises(em.ValidationError, match="no manifest.json"):
        em.load_analysis(out)
    with pytest.raises(FileNotFoundError, match="No such folder: '.*elsewhere'"):
        em.load_analysis(tmp_path / "elsewhere")
    with pytest.raises(NotADirectoryError, match="is a file, not an output folder"):
        em.load_analysis(out / "drivers.csv")


def test_a_save_killed_midway_is_refused_then_cleaned(
    small_result, tmp_path, monkeypatch
):
    import emomotiv.io

    out = em.save_analysis(small_result, tmp_path / "run")
    moves = []
    real = os.replace

    def dies_on_third(src, dst):
        moves.append(dst)
        if len(moves) == 3:  # the manifest marking the folder, two files
            raise KeyboardInterrupt  # killed between two files
        return real(src, dst)

    monkeypatch.setattr(emomotiv.io.os, "replace", dies_on_third)
    with pytest.raises(KeyboardInterrupt):
        em.save_analysis(small_result, out, force=True)
    monkeypatch.undo()
    with pytest.raises(em.ValidationError, match="interrupted save"):
        em.load_analysis(out)  # half old, half new: never loaded
    from emomotiv.io import output_problems

    (problem,) = output_problems(out)  # a rerun without force says what it holds
    assert "not empty. It holds an interrupted save" in problem and "--force" in problem
    stage = tmp_path / ".run.emomotiv-stage-left-by-a-kill"
    stage.mkdir()
    (stage / "drivers.csv").write_text("x")
    em.save_analysis(small_result, out, force=True)
    em.load_analysis(out)
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_a_save_into_a_disk_of_its_own_stages_within_it(
    small_result, tmp_path, monkeypatch
):
    """An output folder that is the top of a disk (a container's volume
    mounted at /out, a link to another disk) takes no rename from beside
    it ("Invalid cross-device link", after the whole analysis): the save
    stages within it, leaves no staging folder, and lists none of it."""
    import emomotiv.io

    out = tmp_path / "out"
    out.mkdir()
    real_stat = Path.stat
    mount = out.resolve()

    class _OtherDisk:
        def __init__(self, st):
            self._st = st

        def __getattr__(self, name):
            return self._st.st_dev + 1 if name == "st_dev" else getattr(self._st, name)

    def stat(self, *args, **kwargs):
        st = real_stat(self, *args, **kwargs)
        return _OtherDisk(st) if self == mount else st

    real_replace, moves = os.replace, []

    def replace(src, dst):  # a rename across disks fails, as the kernel's does
        moves.append(Path(src))
        if (mount in Path(dst).parents) != (mount in Path(src).parents):
            raise OSError(errno.EXDEV, "Invalid cross-device link", str(src))
        return real_replace(src, dst)

    monkeypatch.setattr(Path, "stat", stat)
    monkeypatch.setattr(emomotiv.io.os, "replace", replace)
    em.save_analysis(small_result, out)
    monkeypatch.undo()
    assert all(mount in src.parents for src in moves)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert not [p for p in out.iterdir() if "emomotiv-stage" in p.name]
    assert (
        em.load_analysis(out)
        .importance.to_frame()
        .equals(small_result.importance.to_frame())
    )


def test_a_name_with_glob_characters_cleans_only_its_own_stages(small_result, tmp_path):
    """Staging folders left by a killed save are found by the folder's name
    as written: 'q*' is no pattern that removes another run's stage."""
    live = tmp_path / ".q1.emomotiv-stage-live"
    live.mkdir()
    em.save_analysis(small_result, tmp_path / "q*")
    assert live.is_dir()


def test_a_locked_folder_fails_clearly_and_a_stale_lock_is_taken_over(
    small_result, tmp_path
):
    import subprocess
    import sys

    from emomotiv.io import output_problems

    out = tmp_path / "run"
    lock = tmp_path / ".run.emomotiv-lock"
    lock.write_text("1 1")  # process 1 is alive: another run holds the folder
    with pytest.raises(FileExistsError, match=r"Another emomotiv run \(process 1\)"):
        em.save_analysis(small_result, out)
    assert any("process 1" in p for p in output_problems(out))
    assert not out.exists()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    lock.write_text(f"{dead.stdout.strip()} 1")  # its run died
    em.save_analysis(small_result, out)
    assert not lock.exists()
    em.load_analysis(out)


def test_a_lock_whose_process_id_another_program_took_since_is_taken_over(
    small_result, tmp_path
):
    """A run killed outright leaves its lock; after a reboot, or in a
    container, another program may have its process id: the lock named a
    live process and every later run was refused, waiting for nothing.
    The lock records when its process started; the message names the lock."""
    import subprocess
    import sys

    from emomotiv.io import _started

    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        started = _started(other.pid)
        if started == "-":
            pytest.skip("no /proc: a process's start is not known here")
        out = tmp_path / "run"
        lock = tmp_path / ".run.emomotiv-lock"
        lock.write_text(f"{other.pid} 1 0123456789abcdef {int(started) - 1}")
        em.save_analysis(small_result, out)  # another program's id: stale
        assert not lock.exists()
        lock.write_text(f"{other.pid} 1 0123456789abcdef {started}")  # a live run
        with pytest.raises(FileExistsError) as err:
            em.save_analysis(small_result, tmp_path / "run", force=True)
        assert f"delete the lock '{lock}'" in str(err.value)
    finally:
        other.kill()
        other.wait()


def test_concurrent_saves_into_one_folder_leave_one_whole_run(small_result, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    out = tmp_path / "run"
    first = small_result.drivers.assign(importance=0.25)
    second = small_result.drivers.assign(importance=0.75)
    runs = [_with_tables(small_result, drivers=d, stages=d) for d in (first, second)]

    def save(result):
        try:
            em.save_analysis(result, out, force=True)
            return "saved"
        except FileExistsError as err:
            assert "Another emomotiv run" in str(err)
            return "refused"

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(save, runs))
    assert "saved" in outcomes
    loaded = em.load_analysis(out)  # the manifest matches: one whole run
    (value,) = set(loaded.tables["drivers"]["importance"])
    assert set(loaded.tables["stages"]["importance"]) == {value}


def test_force_is_refused_on_root_home_and_the_input_folder(tmp_path, monkeypatch):
    from emomotiv.io import output_problems

    (tmp_path / "survey.csv").write_text("a\n1\n")
    (problem,) = output_problems(tmp_path, force=True, inputs=[tmp_path / "survey.csv"])
    assert "holds the input" in problem
    monkeypatch.setenv("HOME", str(tmp_path))
    assert "home folder" in output_problems(tmp_path, force=True)[0]
    assert "filesystem root" in output_problems("/", force=True)[0]
    (tmp_path / "file").write_text("x")
    assert "is a file" in output_problems(tmp_path / "file" / "out")[0]


def test_a_folder_force_cannot_replace_is_refused_without_offering_force(
    tmp_path, monkeypatch
):
    """--out the folder of the survey: without --force the message offered
    "or pass --force", which was then refused as the folder holds the
    input; it now says so at once, and offers --force only where it helps."""
    from emomotiv.io import output_problems

    (tmp_path / "survey.csv").write_text("a\n1\n")
    (problem,) = output_problems(tmp_path, inputs=[tmp_path / "survey.csv"])
    assert "--force cannot replace this one, as it holds the input" in problem
    assert str(tmp_path / "survey.csv") in problem and "pass --force" not in problem
    monkeypatch.setenv("HOME", str(tmp_path))
    (problem,) = output_problems(tmp_path)
    assert problem.endswith("cannot replace this one, as it is the home folder.")
    (problem,) = output_problems(tmp_path.parent)
    assert "pass --force" in problem  # a folder --force may replace


@pytest.mark.parametrize("earlier", ["none", "died"])
def test_the_output_lock_admits_one_run_at_a_time(tmp_path, earlier):
    import subprocess
    import sys
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from emomotiv.io import output_lock

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    inside, overlaps, entered = [], [], set()

    def enter(folder, start):
        run = object()
        start.wait()
        try:
            with output_lock(folder):
                inside.append(run)
                entered.add(folder)
                time.sleep(0.0005)
                if len(inside) > 1:
                    overlaps.append(tuple(inside))
                inside.remove(run)
        except FileExistsError:
            pass

    # Four runs start at once into one folder, free or left locked by a run
    # that died; two hundred folders. Threads switch as often as they can.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for batch in range(200):
            folder = tmp_path / f"run{batch}"
            if earlier == "died":
                (tmp_path / f".run{batch}.emomotiv-lock").write_text(f"{dead} 1")
            start = threading.Barrier(4)
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(enter, [folder] * 4, [start] * 4))
    finally:
        sys.setswitchinterval(interval)
    assert overlaps == []
    assert len(entered) == 200  # one run took each folder
    assert list(tmp_path.iterdir()) == []  # no lock left behind


def test_a_saved_comparison_loads_back_and_is_not_an_analysis(small_result, tmp_path):
    from emomotiv.io import save_comparison
    from emomotiv.results import WaveComparison

    changes = pd.DataFrame(
        {"facet": ["a", "b"], "label": ["=a", "B"], "change": [-0.02, 0.01]}
    )
    summary = {"n_flagged": 0, "waves": {"before": "Q1", "after": "Q2"}}
    out = save_comparison(WaveComparison(changes, summary), tmp_path / "cmp")
    loaded = em.load_comparison(out)
    pd.testing.assert_frame_equal(loaded.changes, changes)
    assert loaded.summary == summary
    with pytest.raises(em.ValidationError, match="holds a wave comparison"):
        em.load_analysis(out)
    run = em.save_analysis(small_result, tmp_path / "run")
    with pytest.raises(em.ValidationError, match="load it with load_analysis"):
        em.load_comparison(run)
    (out / "changes.csv").write_text("facet\nz\n")
    with pytest.raises(em.ValidationError, match="changed after the run"):
        em.load_comparison(out)


def test_summary_json_names_its_schema_and_a_newer_one_is_warned_about(
    small_result, tmp_path
):
    from emomotiv.io import save_comparison, update_manifest
    from emomotiv.results import SUMMARY_SCHEMA, WaveComparison

    run = em.save_analysis(small_result, tmp_path / "run")
    changes = pd.DataFrame({"facet": ["a"], "change": [0.01]})
    out = save_comparison(WaveComparison(changes, {"n_flagged": 0}), tmp_path / "cmp")
    for folder in (run, out):
        summary = json.loads((folder / "summary.json").read_text())
        assert summary["schema_version"] == SUMMARY_SCHEMA
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the version it reads: no warning
            loaded = em.load_analysis(run) if folder == run else em.load_comparison(out)
        assert loaded.summary  # read as written
        newer = summary | {"schema_version": SUMMARY_SCHEMA + 1}
        (folder / "summary.json").write_text(json.dumps(newer))
        update_manifest(folder, ["summary.json"])
        with pytest.warns(UserWarning, match=r"newer emomotiv.*version 2.*version 1"):
            em.load_analysis(run) if folder == run else em.load_comparison(out)
    older = {k: v for k, v in newer.items() if k != "schema_version"}
    (out / "summary.json").write_text(json.dumps(older))  # before versioning
    update_manifest(out, ["summary.json"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert em.load_comparison(out).summary == {"n_flagged": 0}


def test_a_folder_that_takes_no_lock_is_named_not_the_lock(tmp_path, monkeypatch):
    """On a read-only mount (where the permission bits still allow writing)
    the error names the folder and the reason, not the internal lock file."""
    import errno

    import emomotiv.io as io_module
    from emomotiv.io import output_lock

    def read_only(path):
        raise OSError(errno.EROFS, "Read-only file system", str(path) + ".123.456")

    monkeypatch.setattr(io_module, "_claim", read_only)
    with pytest.raises(OSError) as err, output_lock(tmp_path / "out"):
        pass
    assert err.value.errno == errno.EROFS
    assert err.value.filename == str(tmp_path)
    assert "lock" not in str(err.value)


def test_the_bootstrap_replicates_are_saved_and_loaded_back(small_result, tmp_path):
    """A saved analysis keeps each facet's share in each replicate, so a
    comparison of two folders reads the same standard errors, intervals and
    p-values as the comparison of the results in memory."""
    out = em.save_analysis(small_result, tmp_path / "run")
    loaded = em.load_analysis(out)
    reps = small_result.importance.replicates
    assert "replicates" not in loaded.tables
    pd.testing.assert_frame_equal(
        loaded.importance.replicates, reps.reset_index(drop=True), check_names=False
    )
    in_memory = em.compare(small_result, small_result, labels=("Q1", "Q2"))
    from_disk = em.compare(loaded, loaded, labels=("Q1", "Q2"))
    pd.testing.assert_frame_equal(from_disk.changes, in_memory.changes)
    assert from_disk.summary["uncertainty"] == in_memory.summary["uncertainty"]


def test_a_saved_comparison_loads_back_with_its_types(small_result, tmp_path):
    """Ranks of a facet in one wave only stay nullable integers, flags stay
    flags, through save_comparison and load_comparison."""
    other = em.compare(small_result, small_result, labels=("Q1", "Q2"))
    changes = other.changes.copy()
    changes.loc[0, ["rank_before", "rank_change"]] = pd.NA
    saved = em.save_comparison(replace(other, changes=changes), tmp_path / "cmp")
    loaded = em.load_comparison(saved)
    pd.testing.assert_frame_equal(loaded.changes, changes)


def test_a_saved_comparison_loads_its_stage_changes_back_with_their_types(
    small_result, tmp_path
):
    """A stage of one wave only has no count of facets in the other: the
    counts stay nullable integers, the flags flags, the stages text."""
    with pytest.warns(UserWarning, match="same shares"):
        other = em.compare(small_result, small_result, labels=("Q1", "Q2"))
    stages = other.stages.copy()
    stages.loc[0, ["importance_before", "change", "se_change"]] = np.nan
    stages.loc[0, ["n_facets_before", "status"]] = [pd.NA, "added"]
    stages.loc[1, "stage"] = "1"  # a stage numbered, not named
    saved = em.save_comparison(replace(other, stages=stages), tmp_path / "cmp")
    assert (saved / "stage_changes.csv").is_file()
    loaded = em.load_comparison(saved)
    pd.testing.assert_frame_equal(loaded.stages, stages)
    assert str(loaded.stages["n_facets_before"].dtype) == "Int64"


def test_an_analysis_whose_segments_are_too_small_loads_back_as_it_was(
    small_result, tmp_path
):
    """No segment of the small survey is ranked: its segment table's empty
    flags and notes load back with the types the analysis gave them."""
    assert not small_result.tables["segment_drivers"]["ranked"].any()
    loaded = em.load_analysis(em.save_analysis(small_result, tmp_path / "run"))
    assert list(loaded.tables) == list(small_result.tables)
    for name, table in small_result.tables.items():
        pd.testing.assert_frame_equal(loaded.tables[name], table, obj=name)


def test_names_that_read_as_numbers_or_missing_load_back_as_text(tmp_path):
    """Segments coded 1 and 2, and a facet named NA: the saved tables load
    back with the text the analysis gave them, and the folder's report renders
    (a segment read back as the number 1 was a KeyError '1' in the report)."""
    rng = np.random.default_rng(0)
    n = 200
    halo = rng.normal(size=n)
    survey = pd.DataFrame(
        {
            f: np.clip(np.round(6 + 1.5 * halo + rng.normal(0, 1.5, n)), 1, 10)
            for f in "ab"
        }
    ).rename(columns={"a": "NA"})
    survey["connected"] = (halo + rng.normal(0, 0.7, n) > 0).astype(int)
    survey["segment"] = rng.integers(1, 3, n)
    result = em.analyze(
        survey,
        facets=["NA", "b"],
        connection="connected",
        segment="segment",
        min_segment_size=30,
        model=em.DriverModel(n_estimators=20, cv=0),
        n_boot=2,
        methods=False,
        progress=False,
    )
    folder = em.save_analysis(result, tmp_path / "run")
    loaded = em.load_analysis(folder)
    segments = result.tables["segment_drivers"]
    pd.testing.assert_frame_equal(loaded.tables["segment_drivers"], segments)
    assert loaded.drivers["facet"].tolist() == result.drivers["facet"].tolist()
    assert "NA" in em.Report.from_folder(folder).html()


def test_an_analysis_without_stated_importance_loads_back_as_it_was(small, tmp_path):
    """No stated importance: the drivers' empty stated_rank has the type it
    has when filled (Int64), in memory as after load_analysis."""
    stated = [c for c in small.survey if c.startswith("stated__")]
    result = em.analyze(
        small.survey.drop(columns=stated),
        small.catalog.drop(columns="stated_importance"),
        connection="connected",
        model=em.DriverModel(n_estimators=20, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    loaded = em.load_analysis(em.save_analysis(result, tmp_path / "run"))
    for name, table in result.tables.items():
        pd.testing.assert_frame_equal(loaded.tables[name], table, obj=name)


def test_saving_what_the_writer_does_not_save_is_named(tmp_path):
    """An ImportanceResult given to save_analysis said only "'ImportanceResult'
    object has no attribute 'tables'"; nothing is written."""
    X = pd.DataFrame({"a": [1.0, 5, 9, 3] * 5, "b": [2.0, 2, 7, 9] * 5})
    result = em.correlation_importance(X, X["a"] + X["b"] ** 2)
    with pytest.raises(TypeError, match="saves the AnalysisResult of emomotiv.anal"):
        em.save_analysis(result, tmp_path / "out")
    with pytest.raises(TypeError, match="saves the WaveComparison of emomotiv.compare"):
        em.save_comparison(result, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_value_drivers_saved_under_the_earlier_names_read_with_the_current(tmp_path):
    """Every reader of a saved folder (load_analysis, Report.from_folder and
    so `emomotiv report`) gets value_drivers.csv's current column names."""
    from emomotiv.io import read_saved_table
    from emomotiv.value_drivers import RENAMED

    old = {name: [1.0] for name in RENAMED} | {"facet": ["app"]}
    pd.DataFrame(old).to_csv(tmp_path / "value_drivers.csv", index=False)
    pd.DataFrame(old).to_csv(tmp_path / "other.csv", index=False)
    assert set(RENAMED.values()) <= set(
        read_saved_table(tmp_path / "value_drivers.csv")
    )
    assert set(RENAMED) <= set(read_saved_table(tmp_path / "other.csv"))


def test_windows_text_read_as_latin_1_is_read_as_cp1252_and_said(tmp_path):
    """latin-1 reads the bytes 0x80-0x9F of a file Excel saved on Windows
    (cp1252's „ “ ’ €) as invisible control characters: the labels of every
    output carried them, and a catalog's name matched no column. The file
    is read as cp1252, with a notice; a true latin-1 file is read as asked."""
    path = tmp_path / "survey.csv"
    path.write_bytes("Chat „Hilfe“;Vidéos d’investissement\n7;5\n".encode("cp1252"))
    with pytest.warns(UserWarning, match="read as cp1252, not latin-1") as caught:
        frame = em.read_table(path, encoding="latin-1")
    assert list(frame.columns) == ["Chat „Hilfe“", "Vidéos d’investissement"]
    assert "--encoding cp1252" in str(caught[0].message)
    path.write_bytes("Qualité;Accès\n7;5\n".encode("latin-1"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", "'.*' has 1 ';'")  # the delimiter notice
        assert list(em.read_table(path, encoding="latin-1").columns) == [
            "Qualité",
            "Accès",
        ]
    with pytest.raises(em.ValidationError, match="--encoding cp1252"):
        em.read_table(path)  # the first code page named is Windows's


def test_a_workbook_or_parquet_file_named_csv_says_what_it_is(tmp_path):
    frame = pd.DataFrame({"id": ["R1", "R2"], "app": [7, 3]})
    workbook = tmp_path / "survey.xlsx"
    frame.to_excel(workbook, index=False)
    renamed = workbook.rename(tmp_path / "survey.csv")
    with pytest.raises(em.ValidationError) as err:
        em.read_table(renamed)  # not "not valid utf-8 text: try latin-1"
    assert err.value.problems == [
        f"'{renamed}' is an Excel workbook (or another zip archive), not CSV "
        "text: rename it to 'survey.xlsx', which emomotiv reads as it is, or "
        "save it as CSV."
    ]
    renamed.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    with pytest.raises(em.ValidationError, match=r"Excel 97-2003 workbook \(.xls\)"):
        em.read_table(renamed)
    if importlib.util.find_spec("pyarrow"):
        frame.to_parquet(renamed)
        with pytest.raises(em.ValidationError, match="is a Parquet file, not CSV"):
            em.read_table(renamed)
    if importlib.util.find_spec("pyreadstat"):
        import pyreadstat

        pyreadstat.write_sav(frame, renamed)
        with pytest.raises(em.ValidationError, match="is an SPSS data file, not CSV"):
            em.read_table(renamed)
    # text whose first column is named as a format's signature is text
    renamed.write_text("PAR1,$FL2,connected\n1,2,1\n")
    assert list(em.read_table(renamed).columns) == ["PAR1", "$FL2", "connected"]
    renamed.write_text("$FL2,connected\n1,1\n")
    assert em.read_table(renamed)["$FL2"].tolist() == [1]


def test_a_quoted_header_name_with_line_breaks_is_one_column(tmp_path):
    path = tmp_path / "s.csv"  # a spreadsheet cell with Alt+Enter in it
    path.write_text('id,"Mobile\napp","Fees,\r\n total",connected\nR1,7,3,1\nR2,3,,0\n')
    expected = {
        "id": ["R1", "R2"],
        "Mobile app": [7, 3],
        "Fees, total": [3.0, None],
        "connected": [1, 0],
    }
    pd.testing.assert_frame_equal(em.read_table(path), pd.DataFrame(expected))


def test_a_quote_within_a_header_name_opens_no_value(tmp_path):
    path = tmp_path / "s.csv"  # an inch sign: one quote, inside a name
    path.write_text('id;Screen 6";fees\nR1;7,5;3\nR2;6;4\n')
    with pytest.warns(UserWarning, match="has 2 ';' \\(semicolon\\) separators") as w:
        frame = em.read_table(path, decimal=",")
    # what was done, not an instruction
    assert "it was read with ';' (semicolon) as the delimiter" in str(w[0].message)
    expected = {"id": ["R1", "R2"], 'Screen 6"': [7.5, 6.0], "fees": [3, 4]}
    pd.testing.assert_frame_equal(frame, pd.DataFrame(expected))


def test_one_legacy_encoding_reads_a_utf8_catalog_and_a_utf8_bom_file(tmp_path):
    survey, catalog = tmp_path / "survey.csv", tmp_path / "facets.csv"
    survey.write_bytes("Qualité,connected\n7,1\n".encode("cp1252"))
    catalog.write_text("facet,stage\nQualité,Découvrir\n", encoding="utf-8")
    assert list(em.read_table(survey, encoding="cp1252").columns)[0] == "Qualité"
    with pytest.warns(UserWarning, match="read as UTF-8, not cp1252"):
        read = em.read_table(catalog, encoding="cp1252")  # not 'QualitÃ©'
    assert read.iloc[0].tolist() == ["Qualité", "Découvrir"]
    catalog.write_bytes(b"\xef\xbb\xbffacet,stage\napp,Use\n")  # Excel's CSV UTF-8
    assert list(em.read_table(catalog, encoding="latin-1").columns) == [
        "facet",
        "stage",
    ]  # not 'ï»¿facet'


def test_decimal_commas_are_numbers_beside_text_in_their_column(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("id;value;segment\nR1;1018,79;a\nR2;n/a;b\nR3;-2,5;1,5x\n")
    with pytest.warns(UserWarning, match="semicolon"):
        frame = em.read_table(path, decimal=",")
    # pandas reads a column's decimal commas only where every cell is a number
    assert frame["value"].tolist() == [1018.79, "n/a", -2.5]
    assert frame["segment"].tolist() == ["a", "b", "1,5x"]


def test_quoted_decimal_commas_in_a_comma_file_read_as_numbers_when_asked(tmp_path):
    path = tmp_path / "s.csv"  # a spreadsheet in a European locale, saved as CSV
    path.write_text('id,app,value\nR1,7,"1018,79"\nR2,"7,5","12,5"\nR3,5,9\n')
    frame = em.read_table(path, decimal=",")  # as the error's way out says
    assert frame["value"].tolist() == [1018.79, 12.5, 9.0]
    assert frame["app"].tolist() == [7.0, 7.5, 5.0]
    assert em.read_table(path)["value"].tolist() == ["1018,79", "12,5", "9"]
    # a multiple-choice question's codes are no decimal numbers
    path.write_text('id,app,chosen\nR1,"7,5","1,3"\nR2,6,"2,4,5"\nR3,5,3\n')
    frame = em.read_table(path, decimal=",")
    assert frame["chosen"].tolist() == ["1,3", "2,4,5", "3"]
    assert frame["app"].tolist() == [7.5, 6.0, 5.0]


def test_a_file_read_with_decimal_commas_says_so_for_validation(tmp_path):
    """Its "1.234" stays text, which validation must not read as 1.234:
    the table carries the decimal mark it was read with."""
    path = tmp_path / "s.csv"
    path.write_text("id;value\nR1;1.234\nR2;987,50\nR3;2.500,50\n")
    with pytest.warns(UserWarning, match="semicolon"):
        frame = em.read_table(path, decimal=",")
    assert frame["value"].tolist() == ["1.234", 987.5, "2.500,50"]
    assert frame.attrs["emomotiv"]["decimal"] == ","
    with pytest.warns(UserWarning, match="semicolon"):
        assert "decimal" not in em.read_table(path).attrs.get("emomotiv", {})


def test_quoted_commas_between_thousands_are_not_read_as_decimal_commas(tmp_path):
    """A comma file's quoted "90,000" (an English Excel's thousands) is
    ninety thousand as often as 90: left as text, for validation to name."""
    path = tmp_path / "facets.csv"
    path.write_text('facet,cost,weight\na,"90,000","1,500"\nb,"5,500","0,75"\n')
    frame = em.read_table(path, decimal=",")
    assert frame["cost"].tolist() == ["90,000", "5,500"]
    assert frame["weight"].tolist() == [1.5, 0.75]  # "0,75": a decimal comma


def test_text_columns_read_as_written(tmp_path):
    path = tmp_path / "s.csv"  # months as an office writes them
    rows = ["R1,09.2026,7", "R2,10.2020,5", "R3,,6", "R4, 2 ,1", "R5,  ,2"]
    path.write_text("\n".join(["id,wave,app", *rows]) + "\n")
    frame = em.read_table(path, text=["wave", "not_there"])
    assert frame["wave"].tolist()[:2] == ["09.2026", "10.2020"]
    assert frame["wave"].iloc[3] == "2"  # as the number 2 would read
    assert frame["wave"].iloc[[2, 4]].isna().all()  # empty cells are missing
    assert frame["app"].tolist() == [7, 5, 6, 1, 2]
    assert em.read_table(path, text="wave")["wave"].iloc[0] == "09.2026"  # one name
    path.write_text("id,wave\nR1,09.2026\nR2,10.2020\n")
    assert em.read_table(path)["wave"].tolist() == [9.2026, 10.202]  # as numbers
    path.write_text("id;wave;value\nR1;09,2026;1,5\nR2;11,2025;2\n")
    with pytest.warns(UserWarning, match="semicolon"):
        frame = em.read_table(path, decimal=",", text=["wave"])
    assert frame["wave"].tolist() == ["09,2026", "11,2025"]
    assert frame["value"].tolist() == [1.5, 2.0]


def test_the_wave_column_of_a_survey_file_is_read_as_text(tmp_path):
    from emomotiv.pipeline import _checked_inputs

    data = em.make_survey(n_respondents=200, n_facets=6, random_state=0)
    survey = data.survey.copy()
    survey["wave"] = ["09.2026"] * 100 + ["11.2025"] * 100
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)
    study = em.Study(connection="connected", wave="wave")
    read, _, _ = _checked_inputs(path, data.catalog, study)
    # not the numbers 9.2026 and 11.2025, of which 11.2025 is the larger
    assert em.sort_waves(read["wave"].unique()) == ["11.2025", "09.2026"]


def test_a_workbook_shows_shares_as_percents_and_money_in_whole_units(tmp_path):
    """Every cell was General: shares read 0.4253195247321656 beside the
    report's 42.5%, to be converted by hand. The values stay exact."""
    openpyxl = pytest.importorskip("openpyxl")
    tables = {
        "roi": pd.DataFrame(
            {
                "facet": ["app"],
                "importance": [0.4253195247321656],
                "reach": [0.8],
                "cost": [50_000.0],
                "delta_value": [1_234_567.8],
                "rank": [1],
            }
        )
    }
    path = em.write_workbook(tables, tmp_path / "t.xlsx")
    row = {c.column_letter: c for c in openpyxl.load_workbook(path)["roi"][2]}
    assert [row[x].number_format for x in "BCDEF"] == [
        "0.0%",
        "0.0%",
        "#,##0",
        "#,##0",
        "General",
    ]
    assert row["B"].value == 0.4253195247321656


def test_a_workbook_formats_amounts_per_customer_returns_and_method_shares(tmp_path):
    """The value drivers' changes in mean value (72.9321...), the tiers' mean
    values, the net return (218.15020375716645) and the classical methods'
    shares (0.0630...) were General, against the data contract."""
    openpyxl = pytest.importorskip("openpyxl")
    tables = {
        "value_drivers": pd.DataFrame(
            {
                "delta_mean_value": [72.9321],
                "delta_mean_value_low": [60.28],
                "delta_mean_value_via_connection": [41.5],
                "share_via_connection": [0.57],
            }
        ),
        "roi": pd.DataFrame({"roi": [218.15020375716645], "priority": [1]}),
        "tiers": pd.DataFrame({"mean_value": [2829.4], "mean_value_high": [3053.2]}),
        "methods": pd.DataFrame(
            {"shap": [0.063], "relative_weights": [0.05], "std_beta": [0.21]}
        ),
    }
    book = openpyxl.load_workbook(em.write_workbook(tables, tmp_path / "t.xlsx"))
    formats = {
        name: [c.number_format for c in book[name][2]] for name in book.sheetnames
    }
    assert formats["value_drivers"] == ["#,##0.0"] * 3 + ["0.0%"]
    assert formats["roi"] == ['0.0"×"', "General"]
    assert formats["tiers"] == ["#,##0.0"] * 2
    assert formats["methods"] == ["0.0%"] * 3  # std_beta's share too
    assert book["roi"]["A2"].value == pytest.approx(218.15020375716645, rel=1e-14)


def test_a_workbook_gives_changes_in_a_share_in_points_as_the_report(tmp_path):
    """A comparison's change of -0.043 read "-4.3%" (a relative fall, where
    the report says "-4.3 pts"), a gain of 0.0204 read 0.0204 (the report:
    "+2.04 pts"), and the tiers' rates sat unformatted beside a share in %."""
    openpyxl = pytest.importorskip("openpyxl")
    tables = {
        "changes": pd.DataFrame(
            {
                "importance_before": [0.1218],
                "change": [-0.043],
                "change_low": [-0.07],
                "se_change": [0.012],
                "rank_change": [-3],
            }
        ),
        "roi": pd.DataFrame({"delta_connected": [0.0204], "delta_value": [5e5]}),
        "tiers": pd.DataFrame(
            {"share": [0.636], "attrition_rate": [0.192], "promoter_rate": [0.038]}
        ),
    }
    binary = {"model": {"task": "binary"}}
    path = em.write_workbook(tables, tmp_path / "t.xlsx", summary=binary)
    book = openpyxl.load_workbook(path)
    changes = [c for c in book["changes"][2]]
    assert [c.number_format for c in changes] == [
        "0.0%",
        '+0.0" pts";-0.0" pts";0.0" pts"',
        '+0.0" pts";-0.0" pts";0.0" pts"',
        '0.0" pts"',
        "General",
    ]
    assert [c.value for c in changes] == pytest.approx([0.1218, -4.3, -7, 1.2, -3])
    gain = book["roi"]["A2"]
    assert gain.number_format == '+0.00" pts";-0.00" pts";0.00" pts"'
    assert gain.value == pytest.approx(2.04)
    assert {c.number_format for c in book["tiers"][2]} == {"0.0%"}
    assert book["tiers"]["B2"].value == 0.192
    # a score outcome's gain is in its own units: as it is
    score = {"model": {"task": "regression"}}
    path = em.write_workbook(tables, tmp_path / "s.xlsx", summary=score)
    gain = openpyxl.load_workbook(path)["roi"]["A2"]
    assert (gain.value, gain.number_format) == (0.0204, "General")


def test_write_workbook_keeps_the_tables_and_runs_no_formula(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    tables = {
        "drivers": pd.DataFrame(
            {
                "facet": ["=HYPERLINK(1)", "app"],
                "importance": [0.25, np.nan],
                "differs": pd.array([True, None], dtype="boolean"),
                "rank": pd.array([1, None], dtype="Int64"),
            }
        ),
        "roi": pd.DataFrame({"facet": ["app"], "gain": [np.float32(-0.5)]}),
    }
    path = em.write_workbook(tables, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(path)["drivers"]
    assert sheet["A2"].value == "=HYPERLINK(1)" and sheet["A2"].data_type == "s"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D3"
    assert [c.value for c in sheet[3]] == ["app", None, None, None]
    back = pd.read_excel(path, sheet_name=None)
    assert list(back) == ["drivers", "roi"]
    assert back["drivers"]["importance"].iloc[0] == 0.25
    assert back["roi"]["gain"].tolist() == [-0.5]
    with pytest.raises(ValueError) as err:
        em.write_workbook({"a/b": tables["roi"], "x" * 32: tables["roi"]}, path)
    assert "'a/b'" in str(err.value) and "'" + "x" * 32 + "'" in str(err.value)
    with pytest.raises(ValueError, match="at least one table"):
        em.write_workbook({}, path)
    with pytest.raises(ValueError, match="'roi' and 'ROI' are one name"):
        em.write_workbook({"roi": tables["roi"], "ROI": tables["roi"]}, path)
    for name in ("a\x01b", "'quoted'", "History"):
        with pytest.raises(ValueError, match="is not one Excel can take"):
            em.write_workbook({name: tables["roi"]}, path)
    wide = pd.DataFrame(np.zeros((1, 16_385)))
    with pytest.raises(ValueError, match="16,385 columns: a sheet holds at most"):
        em.write_workbook({"wide": wide}, path)
    assert pd.read_excel(path, sheet_name=None).keys() == back.keys()  # kept
    # what a cell cannot hold as it is: a control character, an infinity
    odd = pd.DataFrame({"label": ["Brand\x0breputation"], "vif": [np.inf]})
    odd_book = em.write_workbook({"odd": odd}, path, force=True)
    sheet = openpyxl.load_workbook(odd_book)["odd"]
    assert [c.value for c in sheet[2]] == ["Brand reputation", "inf"]
    # what a cell has no type for: a zoned time, a complex number, a period
    zoned = pd.Timestamp("2026-09-01 10:00", tz="Europe/Berlin")
    other = pd.DataFrame(
        {
            "t": [zoned],
            "z": [1 + 2j],
            "p": [pd.Period("2026Q3")],
            "d": [zoned.tz_localize(None)],
        }
    )
    other_book = em.write_workbook({"o": other}, path, force=True)
    sheet = openpyxl.load_workbook(other_book)["o"]
    assert [c.value for c in sheet[2]][:3] == [
        "2026-09-01T10:00:00+02:00",
        "(1+2j)",
        "2026Q3",
    ]
    assert sheet["D2"].is_date
    # no time of writing inside: the same tables give the same bytes
    import zipfile

    with zipfile.ZipFile(path) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    props = openpyxl.load_workbook(path).properties
    assert props.created == props.modified == datetime.datetime(1980, 1, 1)
    # the path must say what it is; an analysis stands for its tables
    with pytest.raises(ValueError, match="ending with .xlsx; got '.*t.csv'"):
        em.write_workbook(tables, tmp_path / "t.csv")
    assert not (tmp_path / "t.csv").exists()
    with pytest.raises(TypeError, match="such as result.tables"):
        em.write_workbook([tables["roi"]], path)


def test_write_workbook_replaces_a_file_only_with_force(tmp_path):
    """A workbook a user had at the path (annotated in Excel) was written over
    without a word; it is refused unless force=True, which replaces it."""
    pytest.importorskip("openpyxl")
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"annotated in Excel")
    tables = {"roi": pd.DataFrame({"facet": ["app"], "roi": [1.5]})}
    with pytest.raises(FileExistsError, match="'.*t.xlsx' exists. Pass force=True"):
        em.write_workbook(tables, path)
    assert path.read_bytes() == b"annotated in Excel"
    assert em.write_workbook(tables, path, force=True) == path
    assert pd.read_excel(path, sheet_name=None)["roi"]["roi"].tolist() == [1.5]
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]  # nothing beside it


def test_excel_s_delimiter_line_above_the_header_is_named(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("sep=;\nid;app\nR1;7\nR2;5\n")
    with pytest.raises(em.ValidationError) as err:
        em.read_table(path)  # not "3 rows hold values past the header's 1 column"
    assert err.value.problems == [
        f"'{path}' starts with the line 'sep=;', a hint for Excel, above its "
        "header: delete that line (the delimiter is read from the header)."
    ]


def test_a_loaded_analysis_has_its_plan_and_wave_comparison(tmp_path):
    w = em.make_waves(n_respondents=300, n_facets=6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.analyze(
            w.survey,
            w.catalog,
            **w.roles,
            n_boot=3,
            budget=1e6,
            progress=False,
            model=em.DriverModel(n_estimators=15, cv=0),
        )
    loaded = em.load_analysis(em.save_analysis(result, tmp_path / "run"))
    pd.testing.assert_frame_equal(loaded.plan.to_frame(), result.plan.to_frame())
    pd.testing.assert_frame_equal(loaded.plan.plan, result.plan.plan)
    assert loaded.plan.selected == result.plan.selected
    assert dict(loaded.plan.summary) == dict(result.plan.summary)
    changes = loaded.tracking.to_frame()
    pd.testing.assert_frame_equal(changes, result.tracking.to_frame())
    assert repr(loaded.tracking) == repr(result.tracking)
    replicates = result.importance.replicates.reset_index(drop=True)
    pd.testing.assert_frame_equal(loaded.importance.replicates, replicates)
    # an analysis and a comparison are written as their tables
    pytest.importorskip("openpyxl")
    book = pd.read_excel(em.write_workbook(loaded, tmp_path / "a.xlsx"), None)
    assert list(book) == [*loaded.tables, "about"]
    book = pd.read_excel(em.write_workbook(loaded.tracking, tmp_path / "c.xlsx"), None)
    assert list(book) == ["changes", "stage_changes", "about"]
    assert len(book["changes"]) == len(changes)
    assert len(book["stage_changes"]) == len(loaded.tracking.stages)


def test_the_semicolon_notice_names_the_decimal_mark_only_beside_decimal_commas(
    tmp_path,
):
    """A catalog of names and stages saved by a German Excel has semicolons
    but no numbers: the notice does not ask for --decimal there."""
    catalog, survey = tmp_path / "facetten.csv", tmp_path / "umfrage.csv"
    catalog.write_text("facet;label;stage\nkonto;Kontoeröffnung;Eröffnung\n")
    survey.write_text("id;konto;gewicht\nR1;7;0,75\nR2;5;1,25\n")
    with pytest.warns(UserWarning) as notes:
        em.read_table(catalog)
        em.read_table(survey)
    texts = [str(n.message) for n in notes]
    assert "semicolon" in texts[0] and "decimal" not in texts[0]
    assert "semicolon" in texts[1] and "--decimal ," in texts[1]


@pytest.mark.parametrize("where", ["table", "model"])
def test_a_full_disk_is_named_in_words_and_leaves_nothing(
    small_result, tmp_path, monkeypatch, where
):
    """A disk that fills up midway (a CSV's write, or XGBoost's own writer,
    which says only "FileStream.Write incomplete") stops the save with
    ENOSPC, the folder, the bytes written and free, and the way out; no
    staging folder or lock is left beside the folder."""
    import errno

    import xgboost

    import emomotiv.io as io_module

    if where == "table":
        real = io_module.write_csv

        def full(frame, path):
            if path.name == "roi.csv":
                raise OSError(errno.ENOSPC, "No space left on device")
            real(frame, path)

        monkeypatch.setattr(io_module, "write_csv", full)
    else:

        def full(self, fname):
            raise xgboost.core.XGBoostError(
                "local_filesys.cc:37: Check failed: std::fwrite(ptr, 1, size, "
                "fp_) == size: FileStream.Write incomplete\nStack trace: ..."
            )

        monkeypatch.setattr(type(small_result.model.estimator_), "save_model", full)
    with pytest.raises(OSError) as err:
        em.save_analysis(small_result, tmp_path / "out")
    message = str(err.value)
    assert err.value.errno == errno.ENOSPC
    assert f"The disk holding '{tmp_path / 'out'}' is full" in message
    assert re.search(r"had written [\d,]+ bytes when a write failed", message)
    assert re.search(r"[\d,]+ bytes are free", message)
    assert "choose another output folder" in message
    assert "Stack trace" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_save_abandoned_at_once_leaves_the_folder_as_it_was(
    small_result, tmp_path, monkeypatch
):
    """A process stopped at once (SIGTERM, then ``os._exit``) removes its
    staging folder and output lock first: beside the output folder nothing is
    left, and the earlier run in it is untouched and loads."""
    import emomotiv.io as io_module

    out = tmp_path / "out"
    em.save_analysis(small_result, out)
    before = sorted(p.name for p in tmp_path.iterdir())
    real = io_module.write_csv
    seen = {}

    def stopped(frame, path):
        real(frame, path)
        seen["midway"] = sorted(p.name for p in tmp_path.iterdir())
        io_module.abandon_saves()
        seen["after"] = sorted(p.name for p in tmp_path.iterdir())
        raise SystemExit(143)  # as os._exit would, without running on

    monkeypatch.setattr(io_module, "write_csv", stopped)
    with pytest.raises(SystemExit):
        em.save_analysis(small_result, out, force=True)
    assert len(seen["midway"]) == 3  # the lock and the staging folder
    assert seen["after"] == before == ["out"]
    em.load_analysis(out)


def test_a_lock_left_by_a_killed_run_with_this_run_s_process_id_is_taken_over(
    small_result, tmp_path
):
    """In a container every run is process 1: a run killed outright (out of
    memory, ``docker kill``) leaves a lock naming the process id the next
    run has. That lock is stale, not this run's nor another live run's."""
    from emomotiv.io import _lock_owner

    out = tmp_path / "run"
    lock = tmp_path / ".run.emomotiv-lock"
    pid, thread = _lock_owner().split()[:2]
    lock.write_text(f"{pid} {int(thread) + 1} 0123456789abcdef")
    em.save_analysis(small_result, out)
    assert not lock.exists()
    em.load_analysis(out)


def test_a_disk_full_as_the_folder_is_marked_incomplete_leaves_the_earlier_run(
    small_result, tmp_path, monkeypatch
):
    """The disk fills up as a save marks the output folder incomplete (its
    last write before the move): the earlier run's manifest is left whole,
    as the message says, and that run still loads; it used to be cut short
    in place, the earlier run no longer loadable."""
    import errno

    import emomotiv.io as io_module

    out = tmp_path / "out"
    em.save_analysis(small_result, out)
    real = io_module.dump_json

    def full(obj, path):
        if isinstance(obj, dict) and "incoming" in obj:
            path.write_text('{"emomotiv": ', encoding="utf-8")  # cut short
            raise OSError(errno.ENOSPC, "No space left on device")
        real(obj, path)

    monkeypatch.setattr(io_module, "dump_json", full)
    with pytest.raises(OSError, match="Nothing was saved and the folder is as it"):
        em.save_analysis(small_result, out, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    em.load_analysis(out)


def test_a_file_cut_off_mid_row_or_ending_in_nul_bytes_is_refused(tmp_path):
    """An export stopped mid-row (its last value 1898.86 read as 18, the
    cells after it as unanswered) and a copy still in progress (NUL bytes
    at its end) were read as whole files, in silence."""
    whole = "id,app,value\nR1,7,120.5\nR2,5,1898.86\n"
    path = tmp_path / "survey.csv"
    path.write_text(whole[:-1])  # no line break after a whole row: fine
    assert em.read_table(path)["value"].tolist() == [120.5, 1898.86]
    path.write_text("id,app,value\nR1,7,120.5\nR2,5")  # cut before the value
    with pytest.raises(em.ValidationError) as err:
        em.read_table(path)
    (problem,) = err.value.problems
    assert "has 2 of the header's 3 fields and no line break after it" in problem
    assert "ends 'R2,5'" in problem
    path.write_bytes(whole.encode() + b"\x00" * 64)
    with pytest.raises(em.ValidationError, match="ends in NUL bytes"):
        em.read_table(path)


def test_a_model_saves_to_a_folder_named_in_another_locale_s_bytes(tmp_path):
    """Under a latin-1 locale a folder 'résultats' is the bytes r\\xe9sultats,
    which Python holds as a surrogate: XGBoost, opening its paths as UTF-8,
    failed at the very end of a run ("surrogates not allowed")."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    X, y = s.survey[list(s.catalog["facet"])], s.survey["connected"]
    model = em.DriverModel(n_estimators=10, cv=0, random_state=0).fit(X, y)
    folder = tmp_path / "r\udce9sultats"
    folder.mkdir()
    em.io.save_model(model, folder)
    again = em.load_model(folder)
    assert (again.predict_proba(X) == model.predict_proba(X)).all()


def test_a_line_of_text_under_a_csv_files_data_is_no_respondent(tmp_path):
    path = tmp_path / "s.csv"
    rows = [f"{4410000 + i};{i % 2};{1 + i % 10}" for i in range(4)]
    lines = ["RespID;connected;app", *rows, ";;", "Quelle: FieldCo, Basis: alle"]
    path.write_text("\n".join(lines) + "\n")
    with pytest.warns(UserWarning) as caught:
        frame = em.read_table(path)
    assert frame["RespID"].tolist() == [4410000 + i for i in range(4)]  # numbers
    assert (
        "Left out 1 line of text under the data of "
        f"'{path}', one cell filled (a note, not a respondent): "
        "'Quelle: FieldCo, Basis: alle'."
    ) in [str(w.message) for w in caught]


def test_a_parquet_files_rows_of_no_value_are_no_respondents(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "s.parquet"
    frame = pd.DataFrame({"id": [1, None, 2], "app": [7, None, 5]})
    frame.to_parquet(path)
    assert em.read_table(path)["app"].tolist() == [7, 5]


def test_load_model_of_a_file_or_no_folder_says_what_it_takes(tmp_path):
    """A results file given for the folder failed with NotADirectoryError on
    '.../drivers.csv/model_meta.json'."""
    table = tmp_path / "drivers.csv"
    table.write_text("facet\na\n")
    for path, what in ((table, "is a file"), (tmp_path / "none", "is not there")):
        with pytest.raises(FileNotFoundError, match="takes the folder") as err:
            em.load_model(path)
        assert what in str(err.value)


def test_a_workbook_of_an_analysis_says_what_its_tables_are_of(small_result, tmp_path):
    """A workbook forwarded alone named no outcome, wave, currency or
    population: its last sheet, about, does."""
    pytest.importorskip("openpyxl")
    path = em.write_workbook(small_result, tmp_path / "tables.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == [*small_result.tables, "about"]
    about = dict(sheets["about"].itertuples(index=False))
    assert about["respondents"] == small_result.summary["data"]["n_respondents"]
    assert about["emomotiv"] == em.__version__
    # a table of the user's named about is theirs
    tables = {"about": pd.DataFrame({"x": [1]})}
    book = em.write_workbook(tables, path, force=True)
    assert list(pd.read_excel(book, sheet_name=None)) == ["about"]


def test_a_derived_file_changed_or_removed_does_not_block_reading(
    small_result, tmp_path
):
    """report.html, tables.xlsx and figures are rendered from the tables:
    a workbook saved again in Excel or a deleted report leaves the run
    readable (emomotiv report writes them again)."""
    from emomotiv.io import check_manifest, update_manifest

    out = em.save_analysis(small_result, tmp_path / "run")
    (out / "figures").mkdir()
    (out / "figures" / "drivers.svg").write_text("<svg/>")
    (out / "tables.xlsx").write_bytes(b"the run's workbook")
    update_manifest(out, ["tables.xlsx", "figures/drivers.svg"])
    (out / "tables.xlsx").write_bytes(b"saved again in Excel")
    (out / "report.html").unlink()
    (out / "figures" / "drivers.svg").unlink()
    loaded = em.load_analysis(out)
    assert loaded.drivers["facet"].equals(small_result.drivers["facet"])
    listed = check_manifest(out)
    assert "report.html" in listed
    # the report written again: refreshed; the files gone: no longer listed
    (out / "report.html").write_text("<p>again</p>")
    files = update_manifest(out, ["report.html"])["files"]
    assert "figures/drivers.svg" not in files and "report.html" in files
    assert files["tables.xlsx"] == listed["tables.xlsx"]  # still the run's
    gone = out / "stages.csv"  # a table gone stays listed: still refused
    kept = gone.read_bytes()
    gone.unlink()
    assert "stages.csv" in update_manifest(out, ["report.html"])["files"]
    with pytest.raises(em.ValidationError, match="'stages.csv' is listed"):
        em.load_analysis(out)
    gone.write_bytes(kept)
    stale = out / "drivers.csv"  # a table is what the analysis is read from
    stale.write_text(stale.read_text().replace("0.", "1.", 1))
    with pytest.raises(em.ValidationError, match="'drivers.csv' does not match"):
        em.load_analysis(out)


def test_the_about_sheet_gives_the_plans_total_simulated_together():
    """The plan's headline (the funded set simulated together) was in no
    sheet: a reader who totalled the plan sheet got 105.6 m against the
    report's 120.5 m. The about sheet gives both totals and why they differ."""
    from emomotiv.io import about_sheet

    plan = {
        "budget": 1e6,
        "n_selected": 7,
        "spent": 910_000.0,
        "combined_delta_connected": 0.106,
        "combined_delta_connected_low": 0.095,
        "combined_delta_connected_high": 0.116,
        "sum_individual_delta_connected": 0.093,
        "combined_delta_value": 120.5e6,
        "combined_delta_value_low": 102.8e6,
        "combined_delta_value_high": 137.3e6,
        "sum_individual_delta_value": 105.6e6,
    }
    about = dict(about_sheet({"data": {}, "plan": plan}).itertuples(index=False))
    assert about["plan: value through connection, funded set together"] == 120.5e6
    assert about["plan: value together, interval low"] == 102.8e6
    assert about["plan: value, sum of the plan sheet's selected rows"] == 105.6e6
    assert about["plan: gain, funded set together"] == 0.106
    assert about["plan: spent"] == 910_000.0
    assert "together" in about["plan: why the two totals differ"]
    # a 0/1 outcome's gains in points, as the plan sheet's and the report's
    binary = {"data": {}, "plan": plan, "model": {"task": "binary"}}
    about = dict(about_sheet(binary).itertuples(index=False))
    assert about["plan: gain, funded set together (points)"] == pytest.approx(10.6)
    assert about["plan: gain together, interval low (points)"] == pytest.approx(9.5)
    assert about["plan: value, sum of the plan sheet's selected rows"] == 105.6e6
    # nothing funded: no totals
    none = about_sheet({"data": {}, "plan": plan | {"n_selected": 0}})
    assert not none["setting"].str.startswith("plan:").any()


def test_a_score_s_about_sheet_gives_the_value_per_point():
    """A score's plan is priced by the value of one point of it: the about
    sheet called that number "value per connected customer"."""
    from emomotiv.io import about_sheet

    summary = {"model": {"task": "regression"}, "plan": {"value_per_connected": 246.2}}
    summary["data"] = {"outcome_label": "emotional connection (0-10)"}
    about = dict(about_sheet(summary).itertuples(index=False))
    assert about["value per point of emotional connection (0-10)"] == 246.2
    assert "value per connected customer" not in about
    binary = summary | {"model": {"task": "binary"}}
    about = dict(about_sheet(binary).itertuples(index=False))
    assert about["value per connected customer"] == 246.2


def test_an_about_sheet_names_an_outcome_that_is_not_connection_by_its_label():
    """A 0/1 outcome labelled Promoter: the report and the console speak of
    value through “Promoter”; the about sheet said "value per connected
    customer" and "value through connection"."""
    from emomotiv.io import about_sheet

    plan = {"value_per_connected": 1864.1, "n_selected": 3}
    plan["combined_delta_value"] = 2.7e6
    summary = {"model": {"task": "binary"}, "plan": plan}
    summary["data"] = {"outcome_label": "Promoter"}
    about = dict(about_sheet(summary).itertuples(index=False))
    assert about["value per customer who is “Promoter”"] == 1864.1
    assert about["plan: value through “Promoter”, funded set together"] == 2.7e6
    assert not [k for k in about if "connect" in k]


def test_a_comparison_s_about_sheet_says_the_waves_were_not_run_alike():
    """A workbook of a comparison of two analyses run by different code (or
    settings) looked like one consistent run: the console and the report said
    "not run alike", the about sheet did not."""
    from emomotiv.io import about_sheet

    tracking = {
        "waves": {"before": "2026Q2", "after": "2026Q3"},
        "differences": [
            {"setting": "emomotiv source", "before": "3aee9b", "after": "b7a9a2"}
        ],
        "notes": ["The labels name the later wave first."],
    }
    about = about_sheet({"tracking": tracking})
    alike = about.loc[about["setting"] == "not run alike", "value"].tolist()
    assert alike == ["Emomotiv source: 3aee9b in 2026Q2, b7a9a2 in 2026Q3."]
    assert "The labels name the later wave first." in about["value"].tolist()
    plain = about_sheet({"tracking": tracking | {"differences": [], "notes": []}})
    assert not plain["setting"].isin(["not run alike", "note"]).any()


def test_an_analysis_s_summary_is_read_only_so_what_is_saved_is_what_it_found(
    small_result, tmp_path
):
    """A notebook's edit of the summary (a budget tried by hand) was written
    to summary.json and the manifest, the saved run claiming a budget it
    never ran with; the tables were already read-only copies."""
    before = json.dumps(small_result.summary, sort_keys=True, default=str)
    small_result.summary["plan"]["budget"] = 80_000  # a copy: no effect
    dict(small_result.summary)["data"]["n_respondents"] = 1
    with pytest.raises(TypeError, match="summary is read-only"):
        small_result.summary["data"] = {}
    with pytest.raises(TypeError, match="summary is read-only"):
        small_result.summary.update(data={})
    assert json.dumps(small_result.summary, sort_keys=True, default=str) == before
    out = em.save_analysis(small_result, tmp_path / "run")
    saved = json.loads((out / "summary.json").read_text())
    summary = small_result.summary
    assert saved["data"]["n_respondents"] == summary["data"]["n_respondents"]
    assert saved["plan"].get("budget") == summary["plan"].get("budget") != 80_000
    mine = small_result.summary.copy()  # a plain dict, free to edit
    mine["plan"]["budget"] = 80_000
    assert type(mine) is dict and small_result.summary["plan"].get("budget") != 80_000


def test_a_file_every_analysis_writes_left_out_of_the_manifest_is_named(
    small_result, tmp_path
):
    """A manifest that does not list drivers.csv (the file there) is refused
    like a file listed but missing, naming the file and the way out, not
    read as a folder without the table (a KeyError)."""
    import json

    out = em.save_analysis(small_result, tmp_path / "run")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"].pop("drivers.csv")
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(
        em.ValidationError,
        match=r"'drivers.csv' is in the folder but not listed in manifest.json.*"
        r"run the analysis again",
    ):
        em.load_analysis(out)
    # an analysis of waves (changes.csv beside its model) that lost its
    # drivers.csv is still an analysis, not a comparison
    (out / "changes.csv").write_text("facet\n")
    (out / "drivers.csv").unlink()
    with pytest.raises(em.ValidationError, match="saved analysis 'run'") as err:
        em.load_analysis(out)
    assert "'drivers.csv', which every analysis writes, is neither in" in str(err.value)
    assert "comparison" not in str(err.value)
