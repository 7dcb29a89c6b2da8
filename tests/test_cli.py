import json
import subprocess
import sys

import pandas as pd
import pytest

import emomotiv as em
from emomotiv.cli import _study, build_parser, main


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


def test_analyze_stated_and_value_options(tmp_path, capsys):
    s = em.make_survey(
        n_respondents=600, n_facets=12, random_state=0, stated_form="maxdiff"
    )
    s.survey.to_csv(tmp_path / "survey.csv", index=False)
    s.catalog.to_csv(tmp_path / "facets.csv", index=False)
    out = tmp_path / "results"
    code = main(
        [
            "analyze",
            str(tmp_path / "survey.csv"),
            "--catalog",
            str(tmp_path / "facets.csv"),
            "--connection",
            "connected",
            "--value",
            "value",
            "--satisfaction",
            "satisfaction",
            "--weight",
            "weight",
            "--stated-form",
            "maxdiff",
            "--churn",
            "churned",
            "--advocacy",
            "recommend",
            "--derived-threshold",
            "1.5",
            "--outcome-label",
            "emotionally connected",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    printed = captured.out
    assert "Stated vs derived" in printed and "highly satisfied" in printed
    assert "Top drivers of emotionally connected:" in printed
    assert "layout not applied" not in captured.err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["stated"]["form"] == "maxdiff"
    assert summary["stated"]["thresholds"]["derived_factor"] == pytest.approx(1.5)
    assert summary["value"]["attrition"] is not None
    assert summary["data"]["outcome_label"] == "emotionally connected"
    assert {"tiers.csv", "motivators.csv"} <= {p.name for p in out.iterdir()}
    base = ["analyze", "s.csv", "--catalog", "f.csv", "--connection", "c"]
    args = build_parser().parse_args([*base, "--connected-rule", "60", "--out", "o"])
    assert args.connected_rule == 60.0
    with pytest.raises(SystemExit):
        build_parser().parse_args([*base, "--connected-rule", "high", "--out", "o"])


def test_console_amounts_have_the_precision_they_need(capsys):
    from emomotiv.cli import _print_stated_value

    value = {
        "multiplier": 2.1,
        "multiplier_low": 1.8,
        "multiplier_high": 2.4,
        "value_per_connected": 0.28,
    }
    _print_stated_value({"value": value})
    assert "one more connected customer adds 0.28." in capsys.readouterr().out
    _print_stated_value({"value": value | {"value_per_connected": 1520.4}})
    assert "adds 1,520." in capsys.readouterr().out


def test_outcome_label_option_and_default():
    base = ["analyze", "s.csv", "--catalog", "f.csv", "--connection", "is_promoter"]
    args = build_parser().parse_args([*base, "--out", "o"])
    assert _study(args).outcome_label is None
    args = build_parser().parse_args(
        [*base, "--outcome-label", "a promoter", "--out", "o"]
    )
    assert _study(args).outcome_label == "a promoter"
    assert args.min_segment_size == 300


def test_printed_text_has_no_control_characters_and_long_text_is_cut(tmp_path, capsys):
    from emomotiv.cli import LABEL_WIDTH, _label

    survey = pd.DataFrame({"a": [1, 2], "connected": [0, 1]})
    survey.to_csv(tmp_path / "s.csv", index=False)
    pd.DataFrame({"facet": ["a"]}).to_csv(tmp_path / "f.csv", index=False)
    evil = "\x1b]0;pwned\x07\x1b[31mred\r\x08" + "x" * 100_000
    code = main(
        [
            "validate",
            str(tmp_path / "s.csv"),
            "--catalog",
            str(tmp_path / "f.csv"),
            "--connection",
            evil,
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert not any(ch in err for ch in "\x1b\x07\r\x08")
    assert "red" in err
    assert max(len(line) for line in err.splitlines()) <= 400
    assert (
        _label("\x1b[1mWelcome\nnote" + "!" * 100)
        == "Welcome note" + "!" * (LABEL_WIDTH - 13) + "…"
    )


def test_a_semicolon_file_is_read_with_a_notice(tmp_path, capsys):
    s = em.make_survey(n_respondents=200, n_facets=6, random_state=0)
    s.survey.to_csv(tmp_path / "s.csv", index=False, sep=";")
    s.catalog.to_csv(tmp_path / "f.csv", index=False)
    code = main(
        [
            "validate",
            str(tmp_path / "s.csv"),
            "--catalog",
            str(tmp_path / "f.csv"),
            "--connection",
            "connected",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "OK: 200 respondents" in captured.out
    assert "notice:" in captured.err and "';' (semicolon)" in captured.err


def test_latin1_file_reads_with_encoding(tmp_path, capsys):
    s = em.make_survey(n_respondents=200, n_facets=6, random_state=0)
    catalog = s.catalog.assign(label="Café à Genève")
    s.survey.to_csv(tmp_path / "s.csv", index=False)
    (tmp_path / "f.csv").write_bytes(catalog.to_csv(index=False).encode("latin-1"))
    args = [
        "validate",
        str(tmp_path / "s.csv"),
        "--catalog",
        str(tmp_path / "f.csv"),
        "--connection",
        "connected",
    ]
    assert main(args) == 2
    assert "f.csv" in capsys.readouterr().err
    assert main([*args, "--encoding", "latin-1"]) == 0
