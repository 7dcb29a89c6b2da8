import json
import subprocess
import sys

import pandas as pd
import pytest

from emomotiv.cli import build_parser, main


def test_python_m_help_lists_commands():
    out = subprocess.run(
        [sys.executable, "-m", "emomotiv", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0
    for command in ("sample", "validate", "analyze"):
        assert command in out.stdout


def test_analyze_help_explains_every_option():
    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices["analyze"]
    text = sub.format_help()
    for action in sub._actions:
        for flag in action.option_strings:
            assert flag in text
        assert action.help, f"{action.dest} has no help"


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    assert main(["sample", str(folder)]) == 0
    return folder


def test_sample_writes_survey_and_catalog_and_refuses_to_overwrite(sample_dir, capsys):
    assert (sample_dir / "survey.csv").is_file() and (
        sample_dir / "facets.csv"
    ).is_file()
    before = (sample_dir / "survey.csv").stat().st_mtime_ns
    assert main(["sample", str(sample_dir)]) == 2
    assert "--force" in capsys.readouterr().err
    assert (sample_dir / "survey.csv").stat().st_mtime_ns == before


def test_validate_ok_and_bad(sample_dir, tmp_path, capsys):
    args = ["--catalog", str(sample_dir / "facets.csv"), "--connection", "connected"]
    assert main(["validate", str(sample_dir / "survey.csv"), *args]) == 0
    assert "OK: 5000 respondents, 100 facets" in capsys.readouterr().out
    bad = pd.read_csv(sample_dir / "survey.csv")
    bad.loc[0, "welcome_note"] = 42
    bad.loc[1, "weight"] = 0
    bad.to_csv(tmp_path / "bad.csv", index=False)
    code = main(["validate", str(tmp_path / "bad.csv"), *args, "--weight", "weight"])
    err = capsys.readouterr().err
    assert code == 2
    assert "2 problems" in err and "welcome_note" in err and "weights" in err


def test_analyze_writes_outputs_and_refuses_a_non_empty_folder(
    sample_dir, tmp_path, capsys
):
    out = tmp_path / "results"
    args = [
        "analyze",
        str(sample_dir / "survey.csv"),
        "--catalog",
        str(sample_dir / "facets.csv"),
        "--connection",
        "connected",
        "--weight",
        "weight",
        "--value",
        "value",
        "--n-boot",
        "4",
        "--quiet",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    assert {
        "drivers.csv",
        "summary.json",
        "report.html",
        "model.json",
        "model_meta.json",
    } <= {p.name for p in out.iterdir()}
    captured = capsys.readouterr()
    assert "Top drivers" in captured.out
    assert "bootstrap" not in captured.err  # --quiet: no progress bar
    summary = json.loads((out / "summary.json").read_text())
    assert summary["data"]["weighted"] is True
    assert summary["uncertainty"]["n_boot"] == 4
    assert "stages.csv" in {p.name for p in out.iterdir()}
    drivers = pd.read_csv(out / "drivers.csv")
    assert drivers["importance_low"].notna().all()
    stamp = (out / "drivers.csv").stat().st_mtime_ns
    assert main(args) == 2
    assert "not empty" in capsys.readouterr().err
    assert (out / "drivers.csv").stat().st_mtime_ns == stamp
    assert main([*args, "--force"]) == 0


def test_bad_input_writes_no_output(sample_dir, tmp_path, capsys):
    out = tmp_path / "nothing"
    code = main(
        [
            "analyze",
            str(sample_dir / "survey.csv"),
            "--catalog",
            str(sample_dir / "facets.csv"),
            "--connection",
            "conected",
            "--out",
            str(out),
        ]
    )
    assert code == 2
    assert "Did you mean 'connected'" in capsys.readouterr().err
    assert not out.exists()
