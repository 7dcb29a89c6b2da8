import hashlib
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
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
    # the settings that have a default say it
    for flag in ("--connected-rule", "--population", "--budget", "--n-boot"):
        action = next(a for a in sub._actions if flag in a.option_strings)
        assert "default" in action.help, flag


def test_validate_help_promises_no_output_it_does_not_write():
    """validate writes nothing: its --control help says what it checks, not
    the controls.csv that analyze writes."""
    choices = build_parser()._subparsers._group_actions[0].choices
    validate = " ".join(choices["validate"].format_help().split())
    analyze = " ".join(choices["analyze"].format_help().split())
    assert "controls.csv" not in validate and "checked as analyze" in validate
    assert "controls.csv" in analyze


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
    assert "facets.csv already exist; pass --force" in capsys.readouterr().err
    assert (sample_dir / "survey.csv").stat().st_mtime_ns == before


def test_sample_names_one_file_in_the_singular(tmp_path, capsys):
    (tmp_path / "facets.csv").write_text("facet\nmine\n", encoding="utf-8")
    assert main(["sample", str(tmp_path)]) == 2
    assert "facets.csv already exists; pass --force to replace it." in (
        capsys.readouterr().err
    )
    assert (tmp_path / "facets.csv").read_text(encoding="utf-8") == "facet\nmine\n"
    assert not (tmp_path / "survey.csv").exists()


def test_a_file_given_for_a_folder_or_a_folder_for_a_file_is_named(tmp_path, capsys):
    """No bare 'File exists' or 'Is a directory', and no --force that cannot
    help: the message says which is which."""
    (tmp_path / "survey.csv").write_text("a,connected\n1,0\n2,1\n")
    assert main(["sample", str(tmp_path / "survey.csv"), "--force"]) == 2
    assert "is a file; name a folder to write into" in capsys.readouterr().err
    (tmp_path / "q3").mkdir()
    for force in ([], ["--force"]):
        args = ["init", str(tmp_path / "survey.csv"), "--out", str(tmp_path / "q3")]
        assert main(args + force) == 2
        assert "is a folder; --out names the file to write" in capsys.readouterr().err
    assert list((tmp_path / "q3").iterdir()) == []


def test_validate_ok_and_bad(sample_dir, tmp_path, capsys):
    args = ["--catalog", str(sample_dir / "facets.csv"), "--connection", "connected"]
    assert main(["validate", str(sample_dir / "survey.csv"), *args]) == 0
    assert "OK: 5,000 respondents, 100 facets" in capsys.readouterr().out
    bad = pd.read_csv(sample_dir / "survey.csv")
    bad.loc[0, "welcome_note"] = 42
    bad.loc[1, "weight"] = 0
    bad.to_csv(tmp_path / "bad.csv", index=False)
    code = main(["validate", str(tmp_path / "bad.csv"), *args, "--weight", "weight"])
    err = capsys.readouterr().err
    assert code == 2
    assert "2 problems" in err and "welcome_note" in err and "weights" in err


def test_validate_reads_the_id_column_as_text(tmp_path, capsys):
    """Ids "1" and "0001" are two respondents: the id column is read as
    text, so its leading zeros count."""
    rng = np.random.default_rng(0)
    ids = ["00000", "1", "0001"] + [f"{i:05d}" for i in range(3, 60)]
    survey = pd.DataFrame(
        {
            "id": ids,
            "connected": np.tile([0, 1], 30),
            "a": rng.integers(1, 11, 60),
            "b": rng.integers(1, 11, 60),
        }
    )
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)
    argv = ["validate", str(path), "--facets", "a", "b"]
    assert main([*argv, "--connection", "connected", "--id", "id"]) == 0
    assert capsys.readouterr().out.startswith("OK: 60 respondents")


def test_validate_notes_rows_copied_whole(tmp_path, capsys):
    """Rows that repeat another in every column, an id-like column too (no
    id role given): a file uploaded twice, which validation notes."""
    rng = np.random.default_rng(0)
    survey = pd.DataFrame(
        {
            "RespID": range(4410000, 4410060),
            "connected": np.tile([0, 1], 30),
            "a": rng.integers(1, 11, 60),
            "b": rng.integers(1, 11, 60),
        }
    )
    path = tmp_path / "survey.csv"
    pd.concat([survey, survey.head(5)]).to_csv(path, index=False)
    argv = ["validate", str(path), "--facets", "a", "b", "--connection", "connected"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "5 rows repeat another in every column, 'RespID' too" in out
    survey.to_csv(path, index=False)
    assert main(argv) == 0
    assert "repeat another" not in capsys.readouterr().out


def test_validate_warns_of_a_facet_scored_best_to_worst_as_analyze_does(
    tmp_path, capsys
):
    """A reverse-coded facet was warned of by analyze, after the fit, and
    passed validate in silence."""
    s = em.make_survey(n_respondents=400, n_facets=8, random_state=0)
    facet = s.catalog["facet"].iloc[0]
    survey = s.survey.assign(**{facet: 11 - s.survey[facet]})
    survey.to_csv(tmp_path / "survey.csv", index=False)
    s.catalog.to_csv(tmp_path / "facets.csv", index=False)
    argv = ["validate", str(tmp_path / "survey.csv"), "--catalog"]
    argv += [str(tmp_path / "facets.csv"), "--connection", "connected"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert f"The facet '{facet}' (" in err and "goes against the respondent" in err
    # with no halo score too, as analyze warns then (the model reads it reversed)
    (tmp_path / "study.toml").write_text('[options]\nhalo = "none"\n')
    assert main([*argv, "--study", str(tmp_path / "study.toml")]) == 0
    err = capsys.readouterr().err
    assert "goes against the respondent" in err and "The halo score" not in err
    s.survey.to_csv(tmp_path / "survey.csv", index=False)  # scored as the others
    assert main(argv) == 0
    assert "goes against" not in capsys.readouterr().err


def _stated_study(folder: Path, option: str) -> Path:
    """A study file of a survey with per-respondent stated ratings (1-5) and
    a catalog without stated importance, with one more ``option``."""
    s = em.make_survey(
        n_respondents=300, n_facets=6, random_state=0, stated_form="ratings"
    )
    s.survey.to_csv(folder / "survey.csv", index=False)
    s.catalog.drop(columns="stated_importance").to_csv(
        folder / "facets.csv", index=False
    )
    study = folder / "study.toml"
    study.write_text(
        '[inputs]\nsurvey = "survey.csv"\ncatalog = "facets.csv"\n'
        f'[roles]\nconnection = "connected"\n[options]\n{option}\n'
    )
    return study


def test_validate_reads_stated_importance_as_analyze_will(tmp_path, capsys):
    """Stated ratings off the study's stated scale passed validate and were
    refused by analyze; ranks read as ratings were warned of by analyze only."""
    study = _stated_study(tmp_path, "stated_scale = [1, 3]")
    assert main(["validate", "--study", str(study)]) == 2
    err = capsys.readouterr().err
    assert "Stated ratings off the 1-3 scale in the survey" in err


def test_validate_checks_controls_as_analyze_does(small_dir, tmp_path, capsys):
    args = [
        str(small_dir / "survey.csv"),
        "--catalog",
        str(small_dir / "facets.csv"),
        "--connection",
        "connected",
        "--weight",
        "weight",
    ]
    assert main(["validate", *args, "--control", "customer_type"]) == 0
    assert "controls: customer_type" in capsys.readouterr().out
    # every role it checked is named, the churn and advocacy columns too
    study = tmp_path / "churn.toml"
    study.write_text(
        '[roles]\nvalue = "value"\nchurn = "churned"\nadvocacy = "recommend"\n'
    )
    assert main(["validate", *args, "--study", str(study)]) == 0
    out = capsys.readouterr().out
    assert "weight=weight, churn=churned, advocacy=recommend." in out
    # and from the flags analyze takes for them
    link = ["--value", "value", "--churn", "churned", "--advocacy", "recommend"]
    assert main(["validate", *args, *link, "--promoter-threshold", "9"]) == 0
    assert "weight=weight, churn=churned, advocacy=recommend." in (
        capsys.readouterr().out
    )
    assert main(["validate", *args, "--churn", "churned"]) == 2  # needs --value
    assert "--value" in capsys.readouterr().err
    bad = ["--control", "custmer_type", "mobile_app", "weight"]
    assert main(["validate", *args, *bad]) == 2
    err = capsys.readouterr().err
    assert "3 problems" in err
    assert "'custmer_type' is not in the survey. Did you mean 'customer_type'?" in err
    assert "'mobile_app' is also a facet" in err
    assert "'weight' is the survey's weight column" in err
    out = str(small_dir / "never")
    assert main(["analyze", *args, *bad, "--n-boot", "0", "--out", out]) == 2
    assert capsys.readouterr().err.replace("analyze", "validate") == err


def test_validate_reads_scales_without_the_declared_codes(small_dir, tmp_path, capsys):
    """A 1-5 survey with 99 and 9 for "don't know", declared: the scales read
    are 1-5, not 1-99 or 1-10, and no warning asks for catalog scales."""
    survey = pd.read_csv(small_dir / "survey.csv")
    catalog = pd.read_csv(small_dir / "facets.csv")
    facets = list(catalog["facet"])
    survey[facets] = (survey[facets] / 2).round().clip(1, 5)
    survey.loc[: len(survey) // 4, facets[:4]] = 99
    survey.loc[: len(survey) // 4, facets[4:]] = 9
    survey.to_csv(tmp_path / "s.csv", index=False)
    catalog.drop(columns=["scale_min", "scale_max"]).to_csv(
        tmp_path / "f.csv", index=False
    )
    args = ["validate", str(tmp_path / "s.csv"), "--catalog", str(tmp_path / "f.csv")]
    args += ["--connection", "connected", "--not-experienced", "99,9"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "(1-5 for 'brand_reputation', 'advertising', 'account_opening' (+5" in out
    assert err == ""


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
        "--cv",
        "0",
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
    assert "What moves value most per one-point rise, in mean value per" in captured.out
    assert "refit" not in captured.err  # --quiet: no progress bar
    summary = json.loads((out / "summary.json").read_text())
    assert summary["data"]["weighted"] is True
    assert summary["uncertainty"]["n_boot"] == 4
    # four replicates' 90% intervals are their range: said, once, everywhere
    few = [w for w in summary["warnings"] if w.startswith("With 4 bootstrap")]
    assert len(few) == 1 and "holds on average 60%" in few[0]
    assert captured.err.count("With 4 bootstrap replicates") == 1
    assert "stages.csv" in {p.name for p in out.iterdir()}
    drivers = pd.read_csv(out / "drivers.csv")
    assert drivers["importance_low"].notna().all()
    stamp = (out / "drivers.csv").stat().st_mtime_ns
    assert main(args) == 2
    assert "not empty" in capsys.readouterr().err
    assert (out / "drivers.csv").stat().st_mtime_ns == stamp
    # without --quiet, stderr that is not a terminal gets no bar either; the
    # study recorded holds no progress setting, nor its copy (a comment)
    assert main([a for a in args if a != "--quiet"] + ["--force"]) == 0
    assert "refit" not in capsys.readouterr().err
    summary = json.loads((out / "summary.json").read_text())
    assert "progress" not in summary["study"]["options"]
    assert "# progress =\n" in (out / "study.toml").read_text()


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
            "--n-boot",
            "5",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    printed = captured.out
    assert "Stated vs derived" in printed and "highly satisfied" in printed
    # (with 5 replicates, a ranking said to be unstable in the same line)
    assert 'Top drivers of "emotionally connected"' in printed
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
    # without a multiplier the value per connected customer was not printed
    none = dict.fromkeys(("multiplier", "multiplier_low", "multiplier_high"))
    _print_stated_value({"value": value | none | {"note": "no multiplier: why"}})
    assert capsys.readouterr().out.startswith(
        "One more connected customer adds 0.28 (no multiplier: why).\n"
    )


def test_console_calls_the_value_per_connected_customer_an_upper_bound(capsys):
    """The gap in value between connected customers and the rest was printed
    as the estimate; docs/concepts/value-link.md calls it an upper bound."""
    from emomotiv.cli import _print_plan, _print_stated_value

    value = {"multiplier": None, "value_per_connected": 2808.4, "note": "why"}
    _print_stated_value({"value": value})
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        "  (a gap between customers as they are, nothing else held fixed (such as "
        "tenure, wealth or product mix): an upper bound on what making one more "
        "customer connected is worth)"
    )
    # controls enter the driver model, not the gap: it says they are not fixed
    _print_stated_value({"value": value, "halo": {"controls": ["tenure", "purpose"]}})
    assert (
        "(neither the controls (tenure, purpose) nor other differences such as "
        "wealth or product mix)" in capsys.readouterr().out
    )
    plan = {"budget": 5e5, "selected": ["seat"], "n_selected": 1, "spent": 4e5}
    plan |= {"combined_delta_connected": 0.08, "sum_individual_delta_connected": 0.07}
    plan |= {"combined_delta_value": 2.2e7, "value_per_connected": 2808.4}
    _print_plan(plan | {"value_source": "value_link"})
    assert (
        "(value per connected customer 2,808, from the value link: an upper bound, "
        "nothing else held fixed)."
    ) in capsys.readouterr().out
    _print_plan(plan | {"value_source": "parameter"})  # given: no gap
    assert "upper bound" not in capsys.readouterr().out


def test_console_says_a_score_s_plan_is_not_priced_by_the_tiers_gap(capsys):
    """A score's value per connected customer is the motivator tiers' gap;
    its plan is priced by the value of one point of the score."""
    from emomotiv.cli import _print_stated_value

    summary = {"model": {"task": "regression"}, "data": {"outcome_label": "NPS"}}
    summary |= {"plan": {"value_per_connected": 246.2}}
    value = {"multiplier": None, "value_per_connected": 144.0, "note": "why"}
    _print_stated_value(summary | {"value": value})
    assert capsys.readouterr().out.splitlines()[2] == (
        "  (it does not price the plan: the plan prices a change in mean NPS at "
        "the value of one point of it, 246)"
    )
    _print_stated_value(summary | {"value": value, "model": {"task": "binary"}})
    assert "price the plan" not in capsys.readouterr().out


def test_console_names_a_0_1_outcome_by_its_label(capsys):
    """ "One more connected customer", "the connected share" for an outcome
    labelled "Very satisfied overall"."""
    from emomotiv.cli import _print_noise, _print_plan, _print_stated_value, _words

    summary = {"data": {"outcome_label": "Very satisfied overall"}}
    summary |= {"model": {"task": "binary"}}
    value = {"multiplier": 3.08, "multiplier_low": 2.79, "multiplier_high": 3.39}
    _print_stated_value(summary | {"value": value | {"value_per_connected": 2808.4}})
    out = capsys.readouterr().out
    assert out.startswith(
        'Customers who are "Very satisfied overall" are worth 3.08x the highly '
        'satisfied (2.79-3.39); one more customer who is "Very satisfied overall" '
        "adds 2,808.\n"
    )
    assert 'making one more customer "Very satisfied overall" is worth' in out
    words = _words(summary)
    _print_noise({"noise": {"alpha": 0.1, "n_raise": 6, "n_lower": 0}}, None, words)
    assert '6 raise the "Very satisfied overall" share' in capsys.readouterr().out
    plan = {"budget": 1.5e6, "selected": ["spa"], "n_selected": 1, "spent": 1.5e6}
    plan |= {"combined_delta_connected": 0.136, "sum_individual_delta_connected": 0.12}
    plan |= {"combined_delta_value": 4.57e8, "value_per_connected": 2808.4}
    _print_plan(plan | {"value_source": "value_link"}, currency="€", words=words)
    out = capsys.readouterr().out
    assert '; "Very satisfied overall" share +13.6 points together' in out
    assert '(value per customer who is "Very satisfied overall" €2,808,' in out
    assert "connected" not in out.replace("Very satisfied", "")
    # the plan's note, built by plan_improvements, which names any outcome
    # connection, said "would add less value through connection"
    note = (
        "2 touchpoints with a positive gain would add less value through "
        "connection (a gain within noise) than they cost: 'Chat', 'Tools'; the "
        "plan does not fund them."
    )
    _print_plan(plan | {"value_source": "value_link", "note": note}, words=words)
    last = capsys.readouterr().out.splitlines()[-1]
    assert 'less value through "Very satisfied overall" (a gain' in last


def test_console_says_the_budget_left_in_its_currency(capsys):
    """ "1,495,640 of the budget is left": the only amount without its €."""
    from emomotiv.cli import _print_plan

    note = (
        "Every touchpoint with a cost and a positive expected gain is funded; "
        "1,495,640 of the budget is left."
    )
    plan = {"budget": 1.5e6, "selected": ["spa"], "n_selected": 1, "spent": 4360.0}
    plan |= {"combined_delta_connected": 0.196, "sum_individual_delta_connected": 0.16}
    _print_plan(plan | {"note": note}, currency="€")
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.endswith("funded; €1,495,640 of the budget is left.")
    _print_plan(plan | {"note": note})  # no currency: the amount as it was
    assert capsys.readouterr().out.splitlines()[-1] == f"  {note}"


def test_console_controls_print_their_labels_terminal_safe(capsys):
    from emomotiv.cli import _print_controls

    controls = pd.DataFrame(
        {"label": ["\x1b[31mregion\x1b[0m", "x" * 80], "importance": [0.028, 0.01]}
    )
    _print_controls(controls)
    out = capsys.readouterr().out.splitlines()
    assert out[1].split() == ["region", "2.8%"]
    assert "\x1b" not in "".join(out) and "x" * 41 not in out[2]
    # a categorical control names the levels it raises and lowers most
    _print_controls(controls.assign(level_high=["North", None], level_low="South"))
    out = capsys.readouterr().out.splitlines()
    assert out[1].endswith("2.8%  highest with North, lowest with South")
    assert out[2].endswith("1.0%")


def test_an_amount_written_with_units_or_separators_says_the_number_to_give(capsys):
    """'--budget 500k' gave argparse's 'invalid float value', and a quoted
    number in a study file no way out."""
    with pytest.raises(SystemExit):
        main(["analyze", "x.csv", "--connection", "c", "--budget", "500k"])
    assert "'500k' is not a plain number" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["analyze", "x.csv", "--connection", "c", "--population", "250,000"])
    assert "as 250000" in capsys.readouterr().err
    (problem,) = em.Study(budget="500000").problems()
    assert problem.endswith("Give it as a number, without quotes: 500000.")


def test_a_long_note_is_printed_whole(tmp_path, capsys):
    """The mixed-scales note was cut in its middle on the console, losing
    exactly the numbers it is about."""
    rng = np.random.default_rng(0)
    names = [f"touchpoint_with_a_long_descriptive_name_{j}" for j in range(12)]
    survey = pd.DataFrame(
        {n: rng.integers(1, 6 if j < 6 else 11, 300) for j, n in enumerate(names)}
    ).assign(connected=rng.integers(0, 2, 300))
    survey.to_csv(tmp_path / "survey.csv", index=False)
    argv = ["validate", str(tmp_path / "survey.csv"), "--connection", "connected"]
    assert main([*argv, "--facets", *names]) == 0
    (note,) = [x for x in capsys.readouterr().out.splitlines() if "scales (" in x]
    assert len(note) > 400 and "…" not in note
    assert "is a step of 1/4 of a 1-5 scale and 1/9 of a 1-10 scale" in note


def test_console_names_the_quadrants_in_words(capsys):
    from emomotiv.cli import _print_stated_value

    counts = {"core_driver": 2, "hidden_driver": 1, "table_stakes": 7}
    _print_stated_value({"stated": {"rank_correlation": -0.21, "counts": counts}})
    assert capsys.readouterr().out == (
        "Stated vs derived: Spearman rank correlation -0.21; 2 core drivers, 1 "
        "hidden driver, 7 table stakes.\n"
    )


def test_console_gives_the_rank_correlation_its_interval_and_unsure_labels(capsys):
    """Which correlation, over how many touchpoints, how certain; and the
    labels that hold in fewer resamples than the level, by name."""
    from emomotiv.cli import _print_stated_value

    stated = {
        "rank_correlation": -0.29,
        "rank_correlation_low": -0.41,
        "rank_correlation_high": -0.01,
        "n_compared": 20,
        "counts": {"hidden_driver": 2, "low_priority": 18},
    }
    drivers = pd.DataFrame(
        {
            "label": ["Investing videos", "Insights", "Fees"],
            "quadrant": ["hidden_driver", "hidden_driver", "low_priority"],
            "p_quadrant": [1.0, 0.6, np.nan],
        }
    )
    summary = {"stated": stated, "uncertainty": {"level": 0.9}}
    _print_stated_value(summary, drivers)
    assert capsys.readouterr().out == (
        "Stated vs derived: Spearman rank correlation -0.29 (90% interval -0.41 "
        "to -0.01) over 20 touchpoints; 2 hidden drivers, 18 low priority.\n"
        "  In their quadrant in fewer than 90% of resamples: Insights (hidden "
        "driver, 60%) (p_quadrant in drivers.csv).\n"
    )


def test_console_names_a_hidden_driver_that_lowers_the_outcome(capsys):
    """A hidden driver whose one-point rise is predicted to lower the
    outcome (beyond noise) was counted among the hidden drivers with no
    word; one whose SHAP leans negative within noise is no such case (the
    report's rule for its marks)."""
    from emomotiv.cli import _print_stated_value

    stated = {"rank_correlation": 0.1, "counts": {"hidden_driver": 2}}
    drivers = pd.DataFrame(
        {
            "facet": ["web", "fees"],
            "label": ["Website", "Fees"],
            "quadrant": ["hidden_driver", "hidden_driver"],
            "direction": [-1, -1],
        }
    )
    roi = pd.DataFrame(
        {
            "facet": ["web", "fees"],
            "delta_connected": [-0.02, -0.004],
            "beyond_noise": [True, False],
        }
    )
    _print_stated_value({"stated": stated}, drivers, roi)
    out = capsys.readouterr().out
    said = "A one-point rise is predicted to lower the outcome: Website (hidden driver)"
    assert said in out and "Fees (hidden" not in out
    assert "how customers use the rating scale rather than harm" in out
    # without gains to read (no bootstrap), the sign of SHAP says nothing
    _print_stated_value({"stated": stated}, drivers, roi.drop(columns="beyond_noise"))
    assert "predicted to lower" not in capsys.readouterr().out


def test_console_names_the_segments_their_top_driver_and_what_differs(capsys):
    from emomotiv.cli import _print_segments

    def row(segment, n, facet, rank, differs, ranked=True):
        return dict(
            segment=segment,
            n=n,
            facet=facet,
            label=facet.title(),
            rank=rank,
            ranked=ranked,
            differs=differs,
        )

    table = pd.DataFrame(
        [
            row("new", 1200, "app", 1, True),
            row("new", 1200, "fees", 2, False),
            row("loyal", 900, "app", 2, True),
            row("loyal", 900, "fees", 1, False),
            row("tiny", 40, "app", None, None, ranked=False),
            row("tiny", 40, "fees", None, None, ranked=False),
        ]
    )
    info = {
        "min_size": 300,
        "alpha": 0.05,
        "note": None,
        "segments": {
            "new": {"n": 1200, "ranked": True},
            "loyal": {"n": 900, "ranked": True},
            "tiny": {"n": 40, "ranked": False},
        },
    }
    summary = {"segments": info, "data": {"roles": {"segment": "tenure"}}}
    _print_segments(summary, table)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Segments by tenure: 2 ranked; not ranked, below 300: tiny 40; "
        "1 touchpoint differs across them (Holm 5%): App."
    )
    assert out[1].split() == ["new", "1,200", "top:", "App"]
    assert out[2].split() == ["loyal", "900", "top:", "Fees"]

    sizes = {k: {**v, "ranked": False} for k, v in info["segments"].items()}
    none = {**summary, "segments": {**info, "segments": sizes, "min_size": 2000}}
    _print_segments(none, table.assign(ranked=False))
    assert capsys.readouterr().out == (
        "Segments by tenure: none ranked, every segment is below the minimum of "
        "2,000 respondents (new 1,200, loyal 900, tiny 40).\n"
    )
    # a segment large enough but with one outcome value says so, not "below"
    sizes["new"]["ranked"] = True
    flat = {**summary, "segments": {**info, "segments": sizes}}
    _print_segments(flat, table.assign(ranked=table["segment"].eq("new")))
    assert capsys.readouterr().out.splitlines()[0] == (
        "Segments by tenure: 1 ranked; not ranked, below 300: tiny 40; "
        "loyal 900 not ranked: one outcome value; "
        "1 touchpoint differs across them (Holm 5%): App."
    )
    # each with its own reason; a ranked segment's caution under its line
    sizes["loyal"]["note"] = "not ranked: 3 respondents in one outcome class"
    sizes["new"]["note"] = "ranked, but its weights make it worth 5"
    _print_segments(flat, table.assign(ranked=table["segment"].eq("new")))
    out = capsys.readouterr().out.splitlines()
    assert "; loyal 900 not ranked: 3 respondents in one outcome class;" in out[0]
    assert out[2] == "    ranked, but its weights make it worth 5."
    many = {f"s{k}": {"n": 10, "ranked": False} for k in range(1200)}
    _print_segments({**summary, "segments": {**info, "segments": many}}, table)
    line = capsys.readouterr().out
    assert "s9 10 (+1,190 more)" in line and len(line) < 300
    _print_segments({"data": {}}, None)  # no segment column: nothing said
    assert capsys.readouterr().out == ""
    left_out = "3 respondents are in no segment (the segment cell is empty)"
    _print_segments({**summary, "segments": {**info, "left_out": left_out}}, table)
    assert capsys.readouterr().out.splitlines()[-1] == f"  {left_out}."


def test_console_lists_what_moves_value_with_the_share_through_connection(capsys):
    from emomotiv.cli import _print_value_drivers

    table = pd.DataFrame(
        {
            "label": ["Small", "Fees", "App"],
            "delta_mean_value": [1.0, -40.0, 75.3],
            "delta_mean_value_low": [-2.0, -60.0, 61.9],
            "delta_mean_value_high": [4.0, -20.0, 86.9],
            "share_via_connection": [0.5, 0.1, 0.81],
        }
    )
    summary = {"value_drivers": {"objective": "tweedie", "fit": {"r2": 0.126}}}
    _print_value_drivers(summary, table)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "What moves value most per one-point rise, in mean value per customer "
        "(Tweedie, cross-validated R² 0.13):"
    )
    assert out[1].split() == [
        "App",
        "+75.3",
        "[61.9,",
        "86.9]",
        "81%",
        "through",
        "connection",
    ]
    assert out[2].split()[:2] == ["Fees", "-40.0"]
    # an interval that straddles zero gives no share through connection; one
    # precision down the column, the largest amount's
    assert out[3].split() == ["Small", "+1.0", "[-2.0,", "4.0]"]
    # with the flags of the correction over the touchpoints, they decide
    _print_value_drivers(summary, table.assign(beyond_noise=[False, False, True]))
    out = capsys.readouterr().out.splitlines()
    assert out[1].endswith("81% through connection")
    assert out[2].endswith("within noise") and "through" not in out[2]
    # Fees' interval excludes zero: "within noise" beside it says why (it
    # stood there unexplained)
    assert out[4] == (
        "  (within noise: not clear of zero once the 3 touchpoints are read "
        "together, Benjamini-Hochberg at 10% false discoveries; an interval that "
        "excludes zero reads one touchpoint alone)"
    )
    assert len(out) == 5  # every share within 0-100%: no note on the shares
    # a share above 100% is explained in a line of its own, as in the report
    _print_value_drivers(summary, table.assign(share_via_connection=[0.5, 0.1, 1.43]))
    out = capsys.readouterr().out.splitlines()
    assert out[1].endswith("143% through connection")
    assert out[-1].startswith(
        "  (a share above 100% or below 0%: the part through connection and the "
        "rest have opposite signs, not both beyond noise: the two models do not"
    )
    # one whose part through connection lies outside the interval of the
    # change in all moves value two ways (a fee that pleases and costs)
    fee = table.copy()
    last = fee.index[-1]
    fee.loc[last, ["delta_mean_value", "share_via_connection"]] = [-135.0, -0.29]
    fee.loc[last, ["delta_mean_value_low", "delta_mean_value_high"]] = [-174, -103]
    fee.loc[last, "delta_mean_value_via_connection"] = 40.0
    fee["facet"] = ["small", "fees", "app"]
    _print_value_drivers(summary, fee, {"app"})
    out = capsys.readouterr().out
    assert "-29% through connection, two ways" in out
    assert "  (two ways: a share past 100% or below 0% whose part through" in out
    # not where its gain in the outcome, the part through connection, is noise
    _print_value_drivers(summary, fee, {"fees"})
    assert "two ways" not in capsys.readouterr().out
    # a rise that rounds to 0 at the column's precision reads "0", not "+0"
    _print_value_drivers(summary, table.assign(delta_mean_value=[0.004, -40.0, 75.3]))
    assert capsys.readouterr().out.splitlines()[3].split()[:2] == ["Small", "0.0"]
    # a share that rounds to 0 reads "0%", not "-0%", and is within 0-100%
    _print_value_drivers(
        summary, table.assign(share_via_connection=[0.5, -0.003, 0.81])
    )
    out = capsys.readouterr().out.splitlines()
    assert out[2].endswith("  0% through connection") and len(out) == 4


def test_console_lists_say_how_many_rows_they_leave_out_and_where(capsys):
    from emomotiv.cli import _print_drivers, _print_tracking, _print_value_drivers

    n = 14
    drivers = pd.DataFrame(
        {
            "label": [f"T{i}" for i in range(n)],
            "rank": range(1, n + 1),
            "importance": np.linspace(0.14, 0.04, n),
            "importance_low": np.nan,
            "importance_high": np.nan,
        }
    )
    summary = {"data": {"roles": {"connection": "connected"}}, "uncertainty": {}}
    _print_drivers(summary, drivers)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 12 and out[-1] == "  (4 more in drivers.csv)"
    _print_drivers(summary, drivers.head(10))
    assert "more" not in capsys.readouterr().out
    values = drivers.assign(delta_mean_value=np.linspace(50, -10, n))
    _print_value_drivers({"value_drivers": {}}, values)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 7 and out[-1] == "  (9 more in value_drivers.csv)"
    # after the note on the shares shown, which reads on the rows above it
    _print_value_drivers({"value_drivers": {}}, values.assign(share_via_connection=2))
    out = capsys.readouterr().out.splitlines()
    assert out[-2].startswith("  (a share above 100%")
    assert out[-1].startswith("  (9 more")
    changes = drivers.assign(
        flagged=True,
        importance_before=0.05,
        importance_after=0.06,
        rank_before=1,
        rank_after=2,
    )
    tracking = {"waves": {"before": "Q1", "after": "Q2"}, "kpis": {}}
    tracking |= {"n_flagged": n, "n_facets": n}
    _print_tracking(tracking, changes)
    assert "  (4 more flagged in changes.csv)" in capsys.readouterr().out


def test_console_heading_hedges_an_unstable_ranking(capsys):
    """ "Top drivers of ..." read as a finding when the ranking was flagged
    unstable; it says so then, with each touchpoint's ranks over the resamples."""
    from emomotiv.cli import _print_drivers

    drivers = pd.DataFrame(
        {
            "label": ["Chat", "Fees"],
            "rank": [1, 2],
            "importance": [0.3, 0.2],
            "importance_low": [0.1, 0.1],
            "importance_high": [0.4, 0.3],
            "p_top": [0.6, 0.5],
            "rank_low": [1.0, 1.0],
            "rank_high": [7.0, 9.0],
        }
    )
    summary = {"data": {"outcome_label": "a promoter"}, "uncertainty": {"top_k": 2}}
    summary["uncertainty"]["stability"] = {"low": True}
    _print_drivers(summary, drivers)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith('Top drivers of "a promoter", in a ranking too unstable')
    assert out[1].endswith("ranks 1-7") and out[2].endswith("ranks 1-9")
    summary["uncertainty"]["stability"] = {"low": False}
    _print_drivers(summary, drivers)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == 'Top drivers of "a promoter":' and "ranks" not in out[1]
    # a model that barely predicts the outcome: no touchpoint is a finding, as
    # the report says
    _print_drivers(summary | {"diagnostics": {"weak_fit": True}}, drivers)
    assert capsys.readouterr().out.startswith(
        'Top drivers of "a promoter", in the ranking of a model too weak to read '
        "as a finding"
    )


def test_console_speaks_of_other_measures_only_where_there_are(capsys):
    from emomotiv.cli import _print_tracking

    changes = pd.DataFrame({"flagged": [False]})
    share = {"before": 0.305, "after": 0.244, "beyond_noise": True}
    tracking = {"waves": {"before": "Q1", "after": "Q2"}, "n_flagged": 0}
    tracking |= {"n_facets": 14, "kpis": {"connected_share": share}}
    _print_tracking(tracking, changes)
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [
        "Headline measures:",
        "  Connected share: 30.5% -> 24.4% (beyond noise)",
    ]
    tracking["kpis"] |= {"value_multiplier": {"before": 2.0, "after": 2.1}}
    _print_tracking(tracking, changes)
    assert "(only the connected share is tested" in capsys.readouterr().out
    # analyze --wave on three waves compares the latest two: it says so
    _print_tracking(tracking | {"waves_in_survey": ["Q0", "Q1", "Q2"]}, changes)
    assert "  (also in the survey, not compared: Q0;" in capsys.readouterr().out


def test_console_names_the_stages_that_moved_and_those_regrouped(capsys):
    """One line of the stages beyond noise, with their change and interval
    where the stage table is given (analyze --wave's caller gives the
    summary alone: the stages by name), and a line per regrouped stage."""
    from emomotiv.cli import _print_tracking

    changes = pd.DataFrame({"flagged": [False]})
    tracking = {"waves": {"before": "Q1", "after": "Q2"}, "n_flagged": 0}
    tracking |= {"n_facets": 14, "kpis": {}, "alpha": 0.1}
    tracking["stages"] = {
        "n_compared": 5,
        "n_flagged": 2,
        "flagged": {"up": ["Invest"], "down": ["Get help"]},
        "regrouped": ["Get help"],
    }
    stages = pd.DataFrame(
        {
            "stage": ["Get help", "Invest", "Grow"],
            "change": [-0.052, 0.031, 0.004],
            "change_low": [-0.09, 0.012, -0.01],
            "change_high": [-0.014, 0.05, 0.018],
            "se_change": [0.01, 0.01, 0.01],
        }
    )
    _print_tracking(tracking, changes, stages=stages)
    out = capsys.readouterr().out.splitlines()
    assert (
        "Journey stages moved beyond noise (2 of 5): Get help -5.2 pts (90% "
        "interval -9.0 pts to -1.4 pts); Invest +3.1 pts (90% interval +1.2 pts "
        "to +5.0 pts)." in out
    )
    assert (
        "  Stage 'Get help': its touchpoints differ between the waves, so its "
        "share compares different things." in out
    )
    _print_tracking(tracking, changes)
    out = capsys.readouterr().out
    assert "beyond noise (2 of 5): Invest (up); Get help (down)." in out
    tracking["stages"] |= {"n_flagged": 0, "flagged": {"up": [], "down": []}}
    _print_tracking(tracking, changes, stages=stages)
    assert "No journey stage moved beyond noise (5 stages compared)." in (
        capsys.readouterr().out
    )
    _print_tracking(tracking, changes, stages=stages.assign(se_change=np.nan))
    assert "5 journey stages compared without intervals" in capsys.readouterr().out
    del tracking["stages"]
    _print_tracking(tracking, changes)
    assert "stage" not in capsys.readouterr().out.lower()


def test_console_names_the_compared_outcome_by_its_label(capsys):
    from emomotiv.cli import _print_tracking

    changes = pd.DataFrame({"flagged": [False]})
    share = {"before": 0.237, "after": 0.247, "beyond_noise": False}
    value = {"before": 1878.4, "after": 1889.4}
    tracking = {"waves": {"before": "Q2", "after": "Q3"}, "n_flagged": 0}
    tracking |= {"n_facets": 40, "outcome_label": "Very satisfied overall"}
    tracking |= {"kpis": {"connected_share": share, "value_per_connected": value}}
    _print_tracking(tracking, changes)
    out = capsys.readouterr().out
    assert '(only the "Very satisfied overall" share is tested' in out
    assert '  "Very satisfied overall" share: 23.7% -> 24.7% (within noise)' in out
    assert '  Value per customer who is "Very satisfied overall": 1,878 -> 1,889' in out


def test_the_console_prints_a_tiny_share_as_the_report_does():
    from emomotiv.cli import _kpi

    assert _kpi("connected_share", 0.0003) == "<0.1%"
    assert _kpi("connected_share", 0.25) == "25.0%"


def test_console_gives_each_wave_s_amounts_in_its_own_currency(capsys):
    """A wave in GBP and the next in EUR: the earlier value read "EUR 2,698"."""
    from emomotiv.cli import _print_tracking

    changes = pd.DataFrame({"flagged": [False]})
    value = {"value_per_connected": {"before": 2697.8, "after": 2719.0}}
    tracking = {"waves": {"before": "Q1", "after": "Q2"}, "n_flagged": 0}
    tracking |= {"n_facets": 14, "kpis": value, "currency": "EUR"}
    tracking["differences"] = [{"setting": "currency", "before": "GBP", "after": "EUR"}]
    _print_tracking(tracking, changes)
    out = capsys.readouterr().out
    assert "Currency: GBP in Q1, EUR in Q2" in out
    assert "  Value per connected customer: GBP 2,698 -> EUR 2,719" in out
    # a wave run without a currency keeps its amounts bare, as the line on
    # the currencies says and the report shows them
    tracking["differences"] = [{"setting": "currency", "before": None, "after": "EUR"}]
    _print_tracking(tracking, changes)
    assert "customer: 2,698 -> EUR 2,719" in capsys.readouterr().out
    del tracking["differences"]
    _print_tracking(tracking, changes)
    assert "customer: EUR 2,698 -> EUR 2,719" in capsys.readouterr().out
    # both waves at one precision, as the compare report gives them
    tracking["kpis"] = {"value_per_connected": {"before": 12_400.0, "after": 9_800.0}}
    _print_tracking(tracking, changes)
    assert "customer: EUR 12.4k -> EUR 9.8k" in capsys.readouterr().out
    # each wave's own interval, where its analysis holds one
    intervals = {"before_low": 2300.4, "before_high": 3101.0}
    intervals |= {"after_low": 2404.9, "after_high": 3005.2}
    value["value_per_connected"] |= intervals
    tracking["kpis"] = value
    tracking["differences"] = [{"setting": "currency", "before": "GBP", "after": "EUR"}]
    _print_tracking(tracking, changes)
    assert (
        "  Value per connected customer: GBP 2,698 [GBP 2,300, GBP 3,101] -> "
        "EUR 2,719 [EUR 2,405, EUR 3,005]"
    ) in capsys.readouterr().out


def test_console_plan_of_a_score_outcome_is_in_its_units(capsys):
    from emomotiv.cli import _print_plan

    plan = {
        "budget": 5000.0,
        "selected": ["seat"],
        "n_selected": 1,
        "spent": 4000.0,
        "combined_delta_connected": 0.466,
        "sum_individual_delta_connected": 0.5,
        "combined_delta_value": 93200.0,
        "value_per_connected": 400.0,
        "value_source": "value_slope",
    }
    _print_plan(plan, "Overall NPS")
    out = capsys.readouterr().out
    assert "fund 1 touchpoint for 4,000" in out
    assert "mean Overall NPS +0.47 together (sum of single gains +0.50)" in out
    assert (
        "expected value through connection 93.2k (value per point of Overall NPS 400, "
        in out
    )
    # the slope across customers as they are: an upper bound, as the gap is
    assert (
        "from the slope of value on the outcome: an upper bound, nothing else "
        "held fixed)." in out
    )
    _print_plan(plan | {"n_selected": 2, "selected": ["seat", "meal"]})
    out = capsys.readouterr().out
    assert "connected share +46.6 points together" in out
    assert "fund 2 touchpoints" in out and "value per connected customer 400" in out
    note = "Nothing is funded: the budget (5) is below the cost of every touchpoint."
    interval = {"combined_delta_value_low": 60000.0, "combined_delta_value_high": 1.2e5}
    _print_plan(plan | interval | {"note": note})
    out = capsys.readouterr().out
    assert "expected value through connection 93.2k [60.0k, 120.0k] (value per" in out
    assert out.splitlines()[-1] == f"  {note}"


def test_console_plan_amounts_read_as_the_report_gives_them(capsys):
    """A gain of 54.0 m read "54 m [43.8 m, 67.8 m]", as if known to fewer
    digits than its own interval, and the budget had no currency."""
    from emomotiv.cli import _print_plan

    plan = {
        "budget": 5e5,
        "selected": ["seat"],
        "n_selected": 1,
        "spent": 4.7e5,
        "combined_delta_connected": 0.08,
        "sum_individual_delta_connected": 0.075,
        "combined_delta_value": 53_990_501.0,
        "combined_delta_value_low": 43_762_379.0,
        "combined_delta_value_high": 67_796_009.0,
        "value_per_connected": 2697.8,
        "value_source": "value_link",
    }
    _print_plan(plan, currency="GBP")
    out = capsys.readouterr().out
    assert (
        "expected value through connection GBP 54.0 m [GBP 43.8 m, GBP 67.8 m] (" in out
    )
    # the budget and the spend are amounts of the same currency
    assert "Plan within GBP 500,000: fund 1 touchpoint for GBP 470,000;" in out
    _print_plan(plan | {"n_selected": 0, "selected": []}, currency="€")
    said = capsys.readouterr().out
    assert said.startswith("Plan within €500,000: nothing funded: no touchpoint")
    assert "value per connected customer GBP 2,698," in out


def test_console_plan_without_costs_asks_for_them_not_a_larger_budget(capsys):
    from emomotiv.cli import _print_plan

    plan = {"budget": 100000.0, "selected": [], "n_selected": 0, "spent": 0.0}
    _print_plan(plan, priced=False)
    out = capsys.readouterr().out
    assert out == (
        "Plan within 100,000: none made, no improvement has a cost; add a cost "
        "column to the catalog.\n"
    )
    _print_plan(plan | {"cheapest_worth": 250000.0})
    fits = "no touchpoint worth funding fits the budget (the cheapest costs 250,000)"
    assert fits in capsys.readouterr().out
    _print_plan(plan | {"cheapest_worth": None, "objective": "net_value"})
    assert (
        "no touchpoint's improvement returns more value through connection than "
        "it costs" in capsys.readouterr().out
    )


def test_console_noise_counts_agree_with_their_verbs(capsys):
    from emomotiv.cli import _print_noise

    _print_noise({"noise": {"alpha": 0.1, "n_raise": 4, "n_lower": 1}}, "NPS")
    assert capsys.readouterr().out.endswith("4 raise mean NPS, 1 lowers it.\n")
    _print_noise({"noise": {"alpha": 0.1, "n_raise": 1, "n_lower": 0}})
    assert "1 raises the connected share, 0 lower it." in capsys.readouterr().out


def test_outcome_label_option_and_default():
    base = ["analyze", "s.csv", "--catalog", "f.csv", "--connection", "is_promoter"]
    args = build_parser().parse_args([*base, "--out", "o"])
    assert _study(args).outcome_label is None
    args = build_parser().parse_args(
        [*base, "--outcome-label", "a promoter", "--out", "o"]
    )
    assert _study(args).outcome_label == "a promoter"
    assert _study(args).min_segment_size == 300


def test_printed_text_has_no_control_characters_and_long_text_is_cut(tmp_path, capsys):
    from emomotiv.cli import LABEL_WIDTH, MESSAGE_WIDTH, _label

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
    # an error is the library's sentence, whole up to MESSAGE_WIDTH a line
    assert max(len(line) for line in err.splitlines()) == MESSAGE_WIDTH
    assert (
        _label("\x1b[1mWelcome\nnote" + "!" * 100)
        == "Welcome note" + "!" * (LABEL_WIDTH - 13) + "…"
    )
    # a long message keeps its start and the command it ends with
    from emomotiv.cli import _safe

    long = "Facet 'q1' has text: " + "'x', " * 200 + '--not-experienced "n/a"'
    cut = _safe(long)
    assert len(cut) == 400 and "…" in cut
    assert cut.startswith("Facet 'q1'") and cut.endswith('--not-experienced "n/a"')


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


def test_a_file_with_decimal_commas_reads_with_decimal(tmp_path, capsys):
    """A European export: semicolons between the columns, decimal commas in
    the values and weights, cp1252 text; read as written with --decimal and
    --encoding, and init writes both into the study file."""
    s = em.make_survey(n_respondents=200, n_facets=6, random_state=0)
    survey = s.survey.assign(customer_type=s.survey["customer_type"] + " é")
    path = tmp_path / "s.csv"
    survey.to_csv(path, index=False, sep=";", decimal=",", encoding="cp1252")
    s.catalog.to_csv(tmp_path / "f.csv", index=False)
    with pytest.warns(UserWarning, match="semicolon"):
        read = em.read_table(path, encoding="cp1252", decimal=",")
    pd.testing.assert_series_equal(read["value"], survey["value"])
    pd.testing.assert_series_equal(read["weight"], survey["weight"])
    argv = ["validate", str(path), "--catalog", str(tmp_path / "f.csv")]
    argv += ["--connection", "connected", "--value", "value", "--weight", "weight"]
    argv += ["--encoding", "cp1252"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "The value column 'value' is not numeric" in err
    assert "--decimal ," in err
    assert main([*argv, "--decimal", ","]) == 0
    assert "OK: 200 respondents" in capsys.readouterr().out
    study = tmp_path / "study.toml"
    init = ["init", str(path), "--out", str(study), "--encoding", "cp1252"]
    assert main([*init, "--decimal", ","]) == 0
    options = tomllib.loads(study.read_text(encoding="utf-8"))["options"]
    assert options["encoding"] == "cp1252" and options["decimal"] == ","
    assert em.Study.from_toml(study).decimal == ","


def test_latin1_file_reads_with_encoding(tmp_path, capsys):
    s = em.make_survey(n_respondents=200, n_facets=6, random_state=0)
    catalog = s.catalog.assign(label=s.catalog["label"] + " à Genève")
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
    capsys.readouterr()
    assert main([*args, "--encoding", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert "1 problem" in err and err.count("nonsense") == 1, err


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory):
    """A small survey and its catalog on disk (fast to analyse)."""
    folder = tmp_path_factory.mktemp("small")
    s = em.make_survey(n_respondents=400, n_facets=8, random_state=3)
    s.survey.to_csv(folder / "survey.csv", index=False)
    s.catalog.to_csv(folder / "facets.csv", index=False)
    return folder


def test_init_leaves_out_the_columns_a_survey_platform_adds(tmp_path, capsys):
    """A Qualtrics export: start date, duration, progress, location are not
    touchpoints (their import ids say so); an embedded-data field and the
    questions are kept, the response id is the id."""
    platform = {
        "StartDate": "startDate",
        "Progress": "progress",
        "Duration (in seconds)": "duration",
        "Finished": "finished",
        "LocationLatitude": "locationLatitude",
    }
    ids = {**platform, "ResponseId": "_recordId", "tenure": "tenure"}
    ids |= {"Q1_1": "QID1_1", "Q1_2": "QID1_2", "Q2": "QID2"}
    rows = [
        ["2026-10-01", 100, 312, 1, 51.5, "R_1", "new", 7, 9, 1],
        ["2026-10-02", 100, 208, 1, 48.1, "R_2", "loyal", 4, "", 0],
    ]
    cell = '"{{""ImportId"":""{}""}}"'.format
    lines = [",".join(ids), ",".join(cell(v) for v in ids.values())]
    lines += [",".join(map(str, r)) for r in rows]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    added = em.read_table(path).attrs["emomotiv"]["platform"]
    assert added == [*platform, "ResponseId"]
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    text = study.read_text(encoding="utf-8")
    assert tomllib.loads(text)["roles"]["id"] == "ResponseId"
    left_out = text.split("platform adds")[1].split("likely facets")[0]
    assert all(c in left_out for c in platform)
    facets = text.split("likely facets")[1].split("facets = []")[0]
    assert all(c in facets for c in ("Q1_1", "Q1_2"))
    assert not any(c in facets for c in platform)
    flags = text.split("off a rating scale")[1].split("platform adds")[0]
    assert "Q2" in flags and "Q2" not in facets  # 0/1: not a rating
    assert "tenure" in text.split("could be the segment")[1].split("segment =")[0]


def test_init_lists_every_number_in_no_role_and_says_when_no_outcome_is_found(
    tmp_path, capsys
):
    rng = np.random.default_rng(0)
    survey = pd.DataFrame(
        {
            "app": rng.integers(1, 11, 40),
            "fees": rng.integers(1, 11, 40),
            "value": rng.uniform(0, 900, 40).round(2),  # guessed as the value
            "coef": rng.uniform(0.5, 2, 40).round(3),
            "emo_conn": np.tile([0, 1], 20),
        }
    )
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    text = study.read_text(encoding="utf-8")
    assert tomllib.loads(text)["roles"]["value"] == "value"
    unassigned = text.split("in no role (")[1].split("facets")[0]
    assert "coef" in unassigned and "emo_conn" in unassigned
    out = capsys.readouterr().out
    assert "no connection column was recognised" in out
    assert "connection = " in out and "check the guessed roles" not in out
    # the next commands: check the file against the data, then run it
    assert out.splitlines()[-2:] == [
        f"  emomotiv validate --study {study}    # checks it against the data",
        f"  emomotiv analyze --study {study} --out results",
    ]


def test_init_declares_the_non_answers_beside_numeric_ratings(tmp_path, capsys):
    """Ratings as numbers with "Don't know" among them are read as text:
    init still takes them for facets and writes their non-answers as
    not_experienced (validate passes with it); a non-answer in an amount
    column is not declared, and text beside numbers stays text."""
    rng = np.random.default_rng(0)
    survey = pd.DataFrame(
        {
            "connected": np.tile([0, 1], 20),
            "app": rng.integers(1, 11, 40).astype(object),
            "fees": rng.integers(1, 11, 40).astype(object),
            "spend": rng.uniform(50, 900, 40).round(2).astype(object),
            "city": ["1", "Bern"] * 20,
        }
    )
    survey.loc[:4, "app"] = "Don't know"
    survey.loc[5:6, "fees"] = "k. A."
    survey.loc[0, "spend"] = "Refused"
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    text = tomllib.loads(study.read_text(encoding="utf-8"))
    assert text["options"]["not_experienced"] == ["Don't know", "k. A."]
    assert text["roles"]["facets"] == ["app", "fees"]
    capsys.readouterr()
    assert main(["validate", "--study", str(study), "--unset", "value"]) == 0
    assert capsys.readouterr().out.startswith("OK: 40 respondents, 2 facets")


def test_init_reads_an_outcome_of_more_than_two_numbers_as_a_score(tmp_path, capsys):
    """A 1-5 "how connected do you feel" column recognised as the outcome is
    written as a score (connection_kind), so the study validates as written;
    a 0/1 outcome is not."""
    rng = np.random.default_rng(0)
    survey = pd.DataFrame(
        {
            "How connected do you feel to ShopCo? (1-5)": rng.integers(1, 6, 60),
            "app": rng.integers(1, 11, 60),
            "fees": rng.integers(1, 11, 60),
        }
    )
    path, study = tmp_path / "survey.csv", tmp_path / "study.toml"
    survey.to_csv(path, index=False)
    assert main(["init", str(path), "--out", str(study)]) == 0
    text = tomllib.loads(study.read_text(encoding="utf-8"))
    assert text["roles"]["connection"] == survey.columns[0]
    assert text["options"]["connection_kind"] == "score"
    assert text["options"]["outcome_label"] == "emotional connection"
    capsys.readouterr()
    assert main(["validate", "--study", str(study)]) == 0
    assert capsys.readouterr().out.startswith("OK: 60 respondents, 2 facets")
    binary = survey.assign(**{survey.columns[0]: np.tile([0, 1], 30)})
    binary.to_csv(path, index=False)
    assert main(["init", str(path), "--out", str(study), "--force"]) == 0
    options = tomllib.loads(study.read_text(encoding="utf-8"))["options"]
    assert "connection_kind" not in options
    # nor is a yes/no in two numbers with a few codes (9 for "don't know"):
    # validate names them
    for yes_no in (np.tile([0, 1], 30), np.tile([1, 2], 30)):
        coded = survey.assign(**{survey.columns[0]: yes_no})
        coded.iloc[:4, 0] = 9
        coded.to_csv(path, index=False)
        assert main(["init", str(path), "--out", str(study), "--force"]) == 0
        options = tomllib.loads(study.read_text(encoding="utf-8"))["options"]
        assert "connection_kind" not in options


def test_init_reads_a_file_with_a_date_column(tmp_path, capsys):
    """A Parquet file (or workbook) keeps an interview date as a date: init
    leaves it out of every role rather than failing on it."""
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(0)
    survey = pd.DataFrame(
        {
            "id": range(40),
            "interview_date": pd.date_range("2026-10-01", periods=40, freq="D"),
            "connected": np.tile([0, 1], 20),
            "app": rng.integers(1, 11, 40),
            "fees": rng.integers(1, 11, 40),
        }
    )
    path = tmp_path / "survey.parquet"
    survey.to_parquet(path)
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    text = tomllib.loads(study.read_text(encoding="utf-8"))
    assert text["roles"]["facets"] == ["app", "fees"]
    assert text["roles"]["connection"] == "connected"


def test_init_sets_the_decimal_comma_of_a_semicolon_file(tmp_path, capsys):
    """A semicolon file with values written 1234,5: init named the decimal
    mark, left it unset, and offered the value column as free text rather
    than as the value; validate then refused the study it wrote."""
    rng = np.random.default_rng(0)
    survey = pd.DataFrame(
        {
            "id": range(60),
            "connected": np.tile([0, 1], 30),
            "app": rng.integers(1, 6, 60),
            "fees": rng.integers(1, 6, 60),
            "revenue": [f"{v:.2f}".replace(".", ",") for v in rng.gamma(2, 300, 60)],
        }
    )
    path = tmp_path / "survey.csv"
    survey.to_csv(path, sep=";", index=False)
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    out, err = capsys.readouterr()
    assert 'decimal commas (7,5): the study file reads them so (decimal = ",")' in out
    assert "read as numbers only with decimal" not in err  # it is
    text = tomllib.loads(study.read_text(encoding="utf-8"))
    assert text["options"]["decimal"] == ","
    assert text["roles"]["value"] == "revenue"
    assert main(["validate", "--study", str(study)]) == 0
    # a file with decimal points keeps the default, and says nothing of it
    survey.assign(revenue=survey["revenue"].str.replace(",", ".")).to_csv(
        path, sep=";", index=False
    )
    assert main(["init", str(path), "--out", str(study), "--force"]) == 0
    assert "decimal commas" not in capsys.readouterr().out
    assert "decimal" not in tomllib.loads(study.read_text(encoding="utf-8"))["options"]
    # nor one whose weights have decimal points, beside a multiple choice's
    # "1,3" (a list of codes, not a number)
    picked = survey.assign(
        revenue=survey["revenue"].str.replace(",", "."),
        weight=rng.uniform(0.5, 2, 60).round(3),
        picked=np.where(np.arange(60) % 3, "1,3", "2"),
    )
    picked.to_csv(path, sep=";", index=False)
    assert main(["init", str(path), "--out", str(study), "--force"]) == 0
    assert "decimal commas" not in capsys.readouterr().out
    assert "decimal" not in tomllib.loads(study.read_text(encoding="utf-8"))["options"]


def test_init_guesses_roles_from_an_spss_file_s_variable_labels(tmp_path, capsys):
    """Columns named by codes (q20) whose variable labels say what they are
    ("Do you feel emotionally connected to the bank?"): init proposed no
    outcome, as it does from a platform export's question texts."""
    pyreadstat = pytest.importorskip("pyreadstat")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        rng.integers(1, 6, size=(150, 4)) * 1.0, columns=["q1", "q2", "q3", "q4"]
    )
    frame["q20"] = rng.integers(0, 2, size=150) * 1.0
    frame["q21"] = rng.integers(1, 11, size=150) * 1.0
    labels = ["Welcome call", "Mobile app", "Fees", "Branch staff"]
    labels += [
        "Do you feel emotionally connected to the bank?",
        "Overall, how satisfied are you with the bank?",
    ]
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(frame, str(path), column_labels=labels)
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    roles = tomllib.loads(study.read_text(encoding="utf-8"))["roles"]
    assert roles["connection"] == "q20" and roles["satisfaction"] == "q21"
    assert roles["facets"] == ["q1", "q2", "q3", "q4"]


def test_init_says_which_sheet_of_a_workbook_it_read(tmp_path, capsys):
    """A workbook of a cover sheet and the data: init's guesses come from the
    first sheet, and it says so and how to choose another, as validate does."""
    pytest.importorskip("openpyxl")
    path = tmp_path / "survey.xlsx"
    data = pd.DataFrame({"connected": [0, 1] * 10, "app": range(1, 21)})
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"Tracker Q3 2026": ["Fieldwork by FieldCo"]}).to_excel(
            book, sheet_name="Cover", index=False
        )
        data.to_excel(book, sheet_name="Data", index=False)
    assert main(["init", str(path), "--out", str(tmp_path / "study.toml")]) == 0
    out = capsys.readouterr().out
    assert "Read sheet 'Cover' of the 2 in 'survey.xlsx'" in out
    assert "(--sheet NAME)" in out


def test_init_lists_facets_by_scale_and_validate_notes_the_scales(tmp_path, capsys):
    """A block of 1-7 items beside 1-10 touchpoints (motivator items, often):
    init keeps them among the facets but lists them by scale, and validate
    says what a point is on each scale."""
    rng = np.random.default_rng(0)
    survey = pd.DataFrame({"connected": np.tile([0, 1], 30)})
    for name in ("app", "fees", "branch"):
        survey[name] = rng.integers(1, 11, 60)
    for name in ("proud", "secure"):
        survey[name] = rng.integers(1, 8, 60)
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    written = study.read_text(encoding="utf-8")
    assert tomllib.loads(written)["roles"]["facets"] == [
        "app",
        "fees",
        "branch",
        "proud",
        "secure",
    ]
    assert (
        "#   1-10 (3):\n#     app, fees, branch\n#   1-7 (2):\n#     proud" in written
    )
    assert "list them under 'motivators'" in written
    capsys.readouterr()
    assert main(["validate", "--study", str(study)]) == 0
    out = capsys.readouterr().out
    assert "rated on 2 scales (1-10; 1-7)" in out and "1/6 of a 1-7 scale" in out


def test_init_reads_a_qualtrics_export_whose_import_id_row_was_deleted(
    tmp_path, capsys
):
    """Without the import-id row Qualtrics' fields were offered as segments,
    the NPS and overall-satisfaction questions became touchpoints (NPS then
    the top driver) and an amount shown as "£1,234.50" was free text."""
    rng = np.random.default_rng(0)
    n = 80
    survey = pd.DataFrame(
        {
            "StartDate": pd.date_range("2026-07-01", periods=n, freq="h").astype(str),
            "EndDate": pd.date_range("2026-07-01", periods=n, freq="h").astype(str),
            "Status": "IP Address",
            "Progress": 100,
            "Duration (in seconds)": rng.integers(100, 900, n),
            "Finished": "True",
            "ResponseId": [f"R_{i:04d}" for i in range(n)],
            "How satisfied were you with: Opening an account": rng.integers(1, 6, n),
            "How satisfied were you with: The mobile app": rng.integers(1, 6, n),
            "Q30 - How likely are you to recommend Acme to a friend?": rng.integers(
                0, 11, n
            ),
            "Q31 - Overall, how satisfied are you with Acme?": rng.integers(1, 11, n),
            "Connected": np.tile([0, 1], n // 2),
            "Annual revenue (£)": [f"£{v:,.2f}" for v in rng.uniform(500, 5000, n)],
        }
    )
    path = tmp_path / "export.csv"
    survey.to_csv(path, index=False)
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    text = study.read_text(encoding="utf-8")
    roles = tomllib.loads(text)["roles"]
    assert roles["advocacy"].startswith("Q30") and roles["satisfaction"].startswith(
        "Q31"
    )
    assert roles["value"] == "Annual revenue (£)" and roles["id"] == "ResponseId"
    assert [f.split(": ")[1] for f in roles["facets"]] == [
        "Opening an account",
        "The mobile app",
    ]
    platform = text.split("platform adds")[1].split("\n# ")[1]
    assert "StartDate, EndDate, Status, Progress, Duration (in seconds)" in platform
    assert "could be the segment" not in text
    capsys.readouterr()
    assert main(["validate", "--study", str(study)]) == 2  # the amounts: as numbers
    assert "'Annual revenue (£)' is not numeric" in capsys.readouterr().err


def test_init_refuses_a_missing_catalog_and_writes_far_paths_whole(
    small_dir, tmp_path, capsys
):
    """A --catalog that does not exist is refused, no file written, rather
    than written into the study file for validate to find; inputs that
    share no folder with the study file but the root are written absolute,
    not as a climb to the root; near ones stay relative."""
    survey = str(small_dir / "survey.csv")
    out = tmp_path / "study.toml"
    argv = ["init", survey, "--catalog", str(small_dir / "facetz.csv")]
    assert main([*argv, "--out", str(out)]) == 2
    assert f"No such catalog: '{small_dir / 'facetz.csv'}'" in capsys.readouterr().err
    assert not out.exists()
    assert main(["init", survey, "--out", str(out)]) == 0
    inputs = tomllib.loads(out.read_text())["inputs"]
    assert inputs["survey"] == os.path.relpath(survey, tmp_path).replace(os.sep, "/")
    assert inputs["catalog"].endswith("facets.csv")
    from emomotiv.cli import _path_from

    far = Path(tmp_path.anchor) / "cli_elsewhere"
    assert _path_from(survey, far) == (small_dir / "survey.csv").resolve().as_posix()


def test_init_and_catalog_never_write_over_what_they_read(tmp_path, capsys):
    s = em.make_survey(n_respondents=50, n_facets=8, random_state=0)
    survey, catalog = tmp_path / "survey.csv", tmp_path / "facets.csv"
    s.survey.to_csv(survey, index=False)
    s.catalog.to_csv(catalog, index=False)
    kept = survey.read_bytes(), catalog.read_bytes()
    runs = [
        ["catalog", str(survey), "--facets", "*", "--out", str(survey)],
        ["init", str(survey), "--out", str(survey)],
        ["init", str(survey), "--catalog", str(catalog), "--out", str(catalog)],
    ]
    for args in runs:
        assert main([*args, "--force"]) == 2
        assert "this command reads" in capsys.readouterr().err
    assert (survey.read_bytes(), catalog.read_bytes()) == kept


def test_an_unusable_output_path_is_an_error_not_a_traceback(tmp_path, capsys):
    s = em.make_survey(n_respondents=50, n_facets=8, random_state=0)
    survey = tmp_path / "survey.csv"
    s.survey.to_csv(survey, index=False)
    folder = tmp_path / "folder"
    folder.mkdir()
    a_folder = "' is a folder; --out names the file to write ('"
    runs = [
        (["sample", str(survey / "sub")], "error: Not a directory: '"),
        (["init", str(survey), "--out", str(folder), "--force"], a_folder),
        (
            ["catalog", str(survey), "--facets", "*", "--out", str(folder)]
            + ["--force"],
            a_folder,
        ),
    ]
    for args, reason in runs:
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"emomotiv {args[0]}: error: ") and reason in err
        assert "Errno" not in err


def test_init_edit_analyze_study_and_rerun_from_the_copy(
    small_dir, tmp_path, capsys, monkeypatch
):
    study = tmp_path / "q3" / "study.toml"
    assert main(["init", str(small_dir / "survey.csv"), "--out", str(study)]) == 0
    assert main(["init", str(small_dir / "survey.csv"), "--out", str(study)]) == 2
    text = study.read_text()
    assert 'connection = "connected"' in text and "facets.csv" in text
    # The user's edits: a tiny bootstrap, no classical methods.
    text = text.replace("# n_boot = 100", "n_boot = 3")
    text = text.replace("# methods = true", "methods = false")
    study.write_text(text.replace("# simulation_boot = 10", "simulation_boot = 0"))
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["analyze", "--study", str(study), "--quiet", "--out", str(first)]) == 0
    copy = first / "study.toml"
    assert copy.is_file()
    summary = json.loads((first / "summary.json").read_text())
    assert summary["study"]["file"] == "study.toml"
    assert summary["study"]["options"]["n_boot"] == 3
    assert summary["study"]["roles"]["weight"] == "weight"
    assert summary["uncertainty"]["n_boot"] == 3
    assert "methods.csv" not in {p.name for p in first.iterdir()}
    # The copy alone repeats the run, from another working folder, with
    # other workers and the bar: every file the same, byte for byte.
    monkeypatch.chdir(small_dir)
    args = ["analyze", "--study", str(copy), "--n-jobs", "1", "--out", str(second)]
    assert main(args) == 0
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in second.iterdir())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_flags_override_the_study_file(small_dir, tmp_path):
    study = tmp_path / "study.toml"
    study.write_text(
        f'[inputs]\nsurvey = "{(small_dir / "survey.csv").as_posix()}"\n'
        f'catalog = "{(small_dir / "facets.csv").as_posix()}"\n'
        '[roles]\nconnection = "connected"\nweight = "weight"\n'
        "[options]\nn_boot = 50\nmethods = false\nprogress = false\n"
    )
    args = build_parser().parse_args(
        ["analyze", "--study", str(study), "--n-boot", "0", "--seed", "4", "--out", "x"]
    )
    from emomotiv.cli import _study

    got = _study(args)
    assert (got.n_boot, got.random_state, got.methods) == (0, 4, False)
    assert got.weight == "weight" and got.survey.endswith("survey.csv")
    # Flags not given keep the file's values, even where they equal a default.
    args = build_parser().parse_args(["analyze", "--study", str(study), "--out", "x"])
    assert _study(args).n_boot == 50


def test_analyze_options_default_to_none_so_a_study_file_can_set_them():
    sub = build_parser()._subparsers._group_actions[0].choices["analyze"]
    keep = {"help", "out", "force", "figures", "excel"}  # where and how to write
    defaults = {a.dest: a.default for a in sub._actions if a.dest not in keep}
    assert {k: v for k, v in defaults.items() if v is not None} == {}


def test_analyze_without_survey_or_connection_says_what_to_give(tmp_path, capsys):
    assert main(["analyze", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "SURVEY" in err and "--connection" in err
    assert not (tmp_path / "x").exists()


@pytest.fixture
def old_analysis(tmp_path):
    """A folder in the 0.1 layout (see tests/data/README.md), copied."""
    import shutil
    from pathlib import Path

    source = Path(__file__).parent / "data" / "analysis-0.1"
    return Path(shutil.copytree(source, tmp_path / "analysis-0.1"))


def test_report_re_renders_a_previous_release_folder_without_refitting(
    old_analysis, capsys
):
    before = {p.name: p.read_bytes() for p in old_analysis.iterdir()}
    assert "report.html" not in before
    code = main(
        ["report", str(old_analysis), "--title", "Q3 drivers", "--outcome-label", "x"]
    )
    assert code == 0, capsys.readouterr().err
    html = (old_analysis / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "Q3 drivers" in html
    assert "Welcome" in html or "Brand" in html  # the facets' labels, from drivers.csv
    after = {p.name: p.read_bytes() for p in old_analysis.iterdir()}
    assert after.pop("report.html")
    assert after == before  # tables, summary and model untouched
    assert not list(old_analysis.glob(".*"))


def test_report_says_why_a_folder_cannot_be_rendered(old_analysis, tmp_path, capsys):
    assert main(["report", str(tmp_path / "nothing")]) == 2
    assert "No such folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["report", str(tmp_path / "empty")]) == 2
    assert "not a saved analysis" in capsys.readouterr().err
    (old_analysis / "drivers.csv").unlink()
    assert main(["report", str(old_analysis)]) == 2
    err = capsys.readouterr().err
    assert "Cannot re-render" in err and "written by emomotiv 0.1.0" in err
    assert "drivers" in err


def test_report_pdf_with_and_without_a_browser(old_analysis, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    code = main(["report", str(old_analysis), "--pdf"])
    assert code == 2 and (old_analysis / "report.html").is_file()
    assert not (old_analysis / "report.pdf").exists()
    # A stand-in browser: records its arguments, writes the PDF it is asked for.
    fake = bin_dir / "chromium"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import sys, pathlib\n"
        "args = sys.argv[1:]\n"
        f"pathlib.Path({str(tmp_path / 'args.txt')!r}).write_text('\\n'.join(args))\n"
        "out = next(a for a in args if a.startswith('--print-to-pdf='))\n"
        "pathlib.Path(out.split('=', 1)[1]).write_bytes(b'%PDF-1.4')\n"
    )
    fake.chmod(0o755)
    assert main(["report", str(old_analysis), "--pdf"]) == 0
    assert (old_analysis / "report.pdf").read_bytes().startswith(b"%PDF")
    args = (tmp_path / "args.txt").read_text().splitlines()
    assert "--headless" in args and args[-1].startswith("file://")


def test_report_figures_writes_each_chart_for_slides(
    small, small_result, tmp_path, capsys
):
    """``--figures``: one PNG and one SVG per chart of the report, listed in
    the manifest (the folder still loads); a comparison's chart too."""
    out = em.save_analysis(small_result, tmp_path / "run")
    assert main(["report", str(out), "--figures"]) == 0
    figures = out / "figures"
    names = sorted(p.name for p in figures.iterdir())
    assert "drivers.png" in names and "drivers.svg" in names and "roi.png" in names
    stems = {name.rsplit(".", 1)[0] for name in names}  # each chart in both formats
    assert {"drivers", "quadrant", "stages", "roi"} <= stems
    assert sorted(names) == sorted(
        f"{stem}.{ext}" for stem in stems for ext in ("png", "svg")
    )
    assert (figures / "drivers.png").read_bytes().startswith(b"\x89PNG")
    assert "<svg" in (figures / "drivers.svg").read_text()
    assert f"Wrote {len(names)} figures" in capsys.readouterr().out
    listed = json.loads((out / "manifest.json").read_text())["files"]
    assert {f"figures/{n}" for n in names} <= set(listed)
    assert em.load_analysis(out).tables.keys() == small_result.tables.keys()
    # in the run itself
    small.survey.to_csv(tmp_path / "survey.csv", index=False)
    small.catalog.to_csv(tmp_path / "facets.csv", index=False)
    args = ["analyze", str(tmp_path / "survey.csv"), "--catalog"]
    args += [str(tmp_path / "facets.csv"), "--connection", "connected"]
    args += ["--n-boot", "2", "--no-methods", "--figures"]
    assert main([*args, "--out", str(tmp_path / "run2")]) == 0
    assert (tmp_path / "run2" / "figures" / "drivers.png").is_file()
    lines = capsys.readouterr().out.splitlines()
    written = next(line for line in lines if line.startswith("Wrote "))
    assert " figures/ to " in written and "drivers.png" not in written
    assert em.load_analysis(tmp_path / "run2").tables["drivers"] is not None
    comparison = em.save_comparison(
        em.compare(small_result, small_result), tmp_path / "cmp"
    )
    assert main(["report", str(comparison), "--figures"]) == 0
    assert (comparison / "figures" / "changes.png").is_file()
    # the outcome's label for a comparison: it was accepted and changed nothing
    label = ["--outcome-label", "Very satisfied overall"]
    assert main(["report", str(comparison), *label]) == 0
    html = (comparison / "report.html").read_text()
    assert "The “Very satisfied overall” share went from" in html
    assert "connected share" not in html.casefold()
    with pytest.raises(ValueError, match="formats matplotlib writes"):
        em.Report(small_result).save_figures(tmp_path / "y", formats=["pptx"])
    # one format as a string; a PDF is the same file on every run
    pdfs = [
        em.Report(small_result).save_figures(tmp_path / d, formats="pdf") for d in "ab"
    ]
    assert [p.suffix for p in pdfs[0]] == [".pdf"] * len(pdfs[0])
    assert pdfs[0][0].read_bytes() == pdfs[1][0].read_bytes()


def test_figures_and_pdf_never_write_over_a_file_the_run_did_not_write(
    small_dir, small_result, tmp_path, capsys
):
    """The user's own figures/drivers.png or report.pdf in a run's folder stop
    'report --figures/--pdf' and 'analyze --force --figures' (before the
    fit), untouched; the run's own figures are replaced as before."""
    out = em.save_analysis(small_result, tmp_path / "run")
    (out / "figures").mkdir()
    (out / "figures" / "drivers.png").write_bytes(b"my slide")
    (out / "report.pdf").write_bytes(b"my annotated pdf")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert main(["report", str(out), "--figures"]) == 2
    assert "holds 'figures/drivers.png', which this run would write over" in (
        capsys.readouterr().err
    )
    assert main(["report", str(out), "--pdf"]) == 2
    assert "holds 'report.pdf'" in capsys.readouterr().err
    args = ["analyze", str(small_dir / "survey.csv"), "--catalog"]
    args += [str(small_dir / "facets.csv"), "--connection", "connected", "--quiet"]
    args += ["--n-boot", "0", "--no-methods", "--figures", "--force", "--out", str(out)]
    assert main(args) == 2
    assert "'figures/drivers.png'" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    (out / "figures" / "drivers.png").unlink()
    assert main(["report", str(out), "--figures"]) == 0
    assert main(["report", str(out), "--figures"]) == 0  # its own: replaced


def test_excel_writes_the_run_s_tables_as_one_workbook(
    small_dir, small_result, tmp_path, capsys, monkeypatch
):
    """``--excel``: tables.xlsx holds every table of the run but the
    replicates, a sheet each in the tables' order, equal to the CSV files,
    listed in the manifest (the folder still loads); analyze and compare
    write it in the run; a user's own tables.xlsx stops 'analyze --force --excel' before
    the fit; without openpyxl the flag is refused with the extra to install."""
    from emomotiv.io import read_saved_table

    out = em.save_analysis(small_result, tmp_path / "run")
    assert main(["report", str(out), "--excel"]) == 0
    assert f"Wrote {out / 'tables.xlsx'}." in capsys.readouterr().out
    sheets = pd.read_excel(out / "tables.xlsx", sheet_name=None)
    assert list(sheets) == [*small_result.tables, "about"]
    about = dict(sheets["about"].itertuples(index=False))
    assert about["respondents"] == small_result.summary["data"]["n_respondents"]
    # the run's warnings, a row each: a workbook forwarded alone says them
    said = sheets["about"].loc[sheets["about"]["setting"] == "warning", "value"]
    assert said.tolist() == small_result.summary["warnings"] and len(said)
    assert about["outcome column"] == "connected"
    drivers = read_saved_table(out / "drivers.csv")
    assert sheets["drivers"]["facet"].tolist() == drivers["facet"].tolist()
    np.testing.assert_allclose(sheets["drivers"]["importance"], drivers["importance"])
    assert "tables.xlsx" in json.loads((out / "manifest.json").read_text())["files"]
    assert em.load_analysis(out).tables.keys() == small_result.tables.keys()
    # a folder without a manifest: the tables a run writes, not the user's
    old = em.save_analysis(small_result, tmp_path / "old")
    (old / "manifest.json").unlink()
    (old / "survey.csv").write_text("id,phone\nR1,555-0101\n")
    assert main(["report", str(old), "--excel"]) == 0
    assert list(pd.read_excel(old / "tables.xlsx", sheet_name=None)) == list(sheets)
    # a comparison's table
    again = em.save_analysis(small_result, tmp_path / "again")
    assert main(["compare", str(out), str(again), "--out", str(tmp_path / "cmp")]
                + ["--excel"]) == 0  # fmt: skip
    workbook = pd.read_excel(tmp_path / "cmp" / "tables.xlsx", sheet_name=None)
    assert list(workbook) == ["changes", "stage_changes", "about"]
    assert "waves compared" in set(workbook["about"]["setting"])
    assert len(workbook["stage_changes"]) == len(small_result.tables["stages"])
    assert len(workbook["changes"]) == len(small_result.drivers)
    args = ["analyze", str(small_dir / "survey.csv"), "--catalog"]
    args += [str(small_dir / "facets.csv"), "--connection", "connected", "--quiet"]
    args += ["--n-boot", "2", "--no-methods", "--excel", "--out"]
    assert main([*args, str(tmp_path / "run2")]) == 0
    sheets = pd.read_excel(tmp_path / "run2" / "tables.xlsx", sheet_name=None)
    assert "replicates" not in sheets and sheets["drivers"].shape[0] == 8
    assert "tables.xlsx" in capsys.readouterr().out  # among the files written
    (tmp_path / "run2" / "tables.xlsx").write_bytes(b"my workbook")
    assert main([*args, str(tmp_path / "run2"), "--force"]) == 2
    assert "holds 'tables.xlsx', which this run" in capsys.readouterr().err
    assert (tmp_path / "run2" / "tables.xlsx").read_bytes() == b"my workbook"

    # a workbook that cannot be written comes after the analysis is
    def refused(tables, path, **options):
        raise ValueError("The sheet name 'x' is not one Excel can take.")

    monkeypatch.setattr(em.io, "write_workbook", refused)
    assert main([*args, str(tmp_path / "run4")]) == 2
    err = capsys.readouterr().err
    assert f"the analysis was written to {tmp_path / 'run4'}/, its workbook" in err
    assert "--excel" in err and (tmp_path / "run4" / "drivers.csv").is_file()
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "openpyxl" else real(name, *a),
    )
    assert main(["report", str(out), "--excel"]) == 2
    assert 'pip install "emomotiv[excel]"' in capsys.readouterr().err
    assert main([*args, str(tmp_path / "run3")]) == 2
    assert 'pip install "emomotiv[excel]"' in capsys.readouterr().err
    assert not (tmp_path / "run3").exists()


def test_report_refuses_part_of_a_run_and_names_its_own_flags(
    small_result, tmp_path, capsys
):
    """A folder without a manifest that lacks the model (a copy cut short)
    is refused, not rendered as a finished run; a whole one written before
    manifests still renders; a bad --currency is named as the flag; the
    help says what --title and --currency default to."""
    out = em.save_analysis(small_result, tmp_path / "run")
    (out / "manifest.json").unlink()
    assert main(["report", str(out), "--currency", "12$"]) == 2
    err = capsys.readouterr().err
    assert "error: --currency must be a currency sign" in err
    assert "parameter of" not in err
    assert main(["report", str(out)]) == 0
    part = tmp_path / "part"
    part.mkdir()
    for name in ("drivers.csv", "summary.json"):
        (part / name).write_bytes((out / name).read_bytes())
    assert main(["report", str(part)]) == 2
    err = capsys.readouterr().err
    assert f"the report of '{part}', written by emomotiv {em.__version__}" in err
    assert "it is not a whole analysis, it has no manifest.json" in err
    assert "'model.json', 'model_meta.json'" in err
    assert not (part / "report.html").exists()
    choices = build_parser()._subparsers._group_actions[0].choices
    text = " ".join(choices["report"].format_help().split())
    assert "default: 'Emotional connection drivers' for an analysis" in text
    assert "or 'Drivers of “LABEL”' for an outcome labelled other" in text
    assert "the report, of an analysis or a comparison" in text
    assert "default: the currency the run was analysed with" in text


def test_a_stop_while_the_figures_are_drawn_leaves_no_half_set(
    small_dir, small_result, tmp_path, monkeypatch, capsys
):
    """Ctrl-C after the first chart is drawn: no chart lands in figures/
    (which the manifest would not list, and a later --figures would refuse
    to write over), no staging folder is left, the analysis written before
    the stop is said with the command that draws them (and writes the
    workbook, where --excel asked for one), and that command then works."""
    drawn = em.Report.save_figures

    def stopped(self, folder, **kwargs):
        (Path(folder) / "drivers.png").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(em.Report, "save_figures", stopped)
    out = em.save_analysis(small_result, tmp_path / "run")
    held = sorted(p.name for p in out.iterdir())
    assert main(["report", str(out), "--figures"]) == 130
    assert sorted(p.name for p in out.iterdir() if p.name != "figures") == held
    assert not any((out / "figures").glob("*"))
    args = ["analyze", str(small_dir / "survey.csv"), "--catalog"]
    args += [str(small_dir / "facets.csv"), "--connection", "connected", "--quiet"]
    args += ["--n-boot", "0", "--no-methods", "--figures", "--out", str(out)]
    assert main([*args, "--force"]) == 130
    err = capsys.readouterr().err
    assert f"the analysis was written to {out}/, its figures were not" in err
    assert err.splitlines()[-2].endswith(f"emomotiv report {out} --figures")
    assert not any((out / "figures").glob("*"))
    # the workbook asked for as well is named too: it is not written either
    assert main([*args, "--excel", "--force"]) == 130
    err = capsys.readouterr().err
    assert "its figures and workbook were not; write them with" in err
    assert f"emomotiv report {out} --figures --excel" in err
    assert not (out / "tables.xlsx").exists()
    assert not list(out.glob(".figures-*"))

    # a full disk as they are drawn: a failure, said with what was written
    def full(self, folder, **kwargs):
        raise OSError(28, "No space left on device", str(Path(folder) / "a.png"))

    monkeypatch.setattr(em.Report, "save_figures", full)
    assert main([*args, "--excel", "--force"]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err
    assert f"(the analysis was written to {out}/, its figures and workbook" in err
    monkeypatch.setattr(em.Report, "save_figures", drawn)
    assert main(["report", str(out), "--figures"]) == 0
    assert (out / "figures" / "drivers.png").read_bytes().startswith(b"\x89PNG")


def test_a_terminal_that_cannot_show_a_character_does_not_fail_the_run(monkeypatch):
    """On an ASCII console "R²" is written escaped: the run that wrote its
    files exits 0, not 2 ("bad input") from an encoding error."""
    import io

    import emomotiv.cli as cli

    ascii_out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", ascii_out)
    monkeypatch.setitem(cli.COMMANDS, "sample", lambda args: print("R² 0.31") or 0)
    assert main(["sample", "anywhere"]) == 0
    ascii_out.flush()
    assert ascii_out.buffer.getvalue() == b"R\\xb2 0.31\n"
    assert ascii_out.errors == "strict"  # the stream is given back as it was


def test_a_library_s_value_error_exits_as_unexpected_not_as_bad_input(
    monkeypatch, capsys
):
    """Exit 2 says "bad input, the message says what to change"; a ValueError
    raised inside a library, which no check of emomotiv's foresaw, is not
    that: it leaves with its traceback (exit 1), as any unexpected error."""
    import emomotiv.cli as cli

    def command(args):
        return np.ones(3).reshape(2)  # numpy's ValueError, not a check's

    monkeypatch.setitem(cli.COMMANDS, "sample", command)
    with pytest.raises(ValueError, match="cannot reshape"):
        main(["sample", "anywhere"])
    assert "error:" not in capsys.readouterr().err

    def checked(args):
        from emomotiv._validation import check_int

        check_int(-1, "n_boot", "analyze", min_value=0)

    monkeypatch.setitem(cli.COMMANDS, "sample", checked)
    assert main(["sample", "anywhere"]) == 2  # emomotiv's own check: bad input
    assert "'n_boot' parameter of analyze" in capsys.readouterr().err


def test_an_interrupted_run_says_so_and_releases_its_output_folder(
    monkeypatch, tmp_path, capsys
):
    """Ctrl-C stops a run with 130, one line on stderr and no traceback; the
    output folder's lock is released. (SIGTERM exits the process: see
    test_sigterm_stops_a_run_even_inside_a_library_that_catches_exception.)"""
    import signal

    import emomotiv.cli as cli
    from emomotiv.io import _lock_path, output_lock

    out = tmp_path / "results"

    def command(args):
        with output_lock(out):
            raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "sample", command)
    before = signal.getsignal(signal.SIGTERM)
    assert main(["sample", "anywhere"]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "emomotiv sample: stopped (interrupted)."
    assert not _lock_path(out).exists()
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_study_file_whose_inputs_moved_says_how_to_go_on(tmp_path, capsys):
    """The study file's survey moved since it was written: the error names
    it and the two ways on (correct the file, or give it on the command
    line), and the survey given on the command line is read instead."""
    folder = tmp_path / "s"
    assert main(["sample", str(folder)]) == 0
    study = folder / "study.toml"
    assert main(["init", str(folder / "survey.csv"), "--out", str(study)]) == 0
    (folder / "survey.csv").rename(folder / "moved.csv")
    capsys.readouterr()
    args = ["analyze", "--study", str(study), "--n-boot", "0", "--quiet"]
    assert main([*args, "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "names the survey" in err and "which does not exist" in err
    # the way out runs as given: with the --out it was run with
    way_out = f"emomotiv analyze SURVEY --study {study} --out {tmp_path / 'r'}."
    assert way_out in " ".join(err.split()), err
    assert "--catalog FILE" not in err  # the catalog is where it was
    model = ["--no-methods", "--cv", "0", "--out", str(tmp_path / "r")]
    assert main([args[0], str(folder / "moved.csv"), *args[1:], *model]) == 0


def test_a_reader_that_leaves_early_ends_the_run_quietly(tmp_path):
    """``emomotiv sample DIR | head`` with the reader gone before the first
    line: the files are written, exit 141, and no error or traceback on
    stderr (it printed 'error: [Errno 32] Broken pipe' and exited 2)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "emomotiv", "sample", str(tmp_path / "s")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader leaves while the command starts up
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert err == ""
    assert (tmp_path / "s" / "survey.csv").exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_console_that_cannot_be_written_does_not_fail_a_saved_run(
    small_dir, tmp_path
):
    """stdout sent to a log file on a full disk (/dev/full): the analysis is
    written whole, so the run exits 0, as with stdout closed, and stderr says
    that only the console's lines were lost (it exited 2 with "[Errno 28] No
    space left on device", which reads as "nothing is saved")."""
    out = tmp_path / "results"
    args = [sys.executable, "-m", "emomotiv", "analyze", str(small_dir / "survey.csv")]
    args += ["--catalog", str(small_dir / "facets.csv"), "--connection", "connected"]
    args += ["--n-boot", "0", "--cv", "0", "--no-methods", "--out", str(out)]
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            args, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300
        )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[-1] == (
        "emomotiv analyze: warning: its output to the console could not be "
        "written (No space left on device), so those lines are lost; only that "
        f"output failed: the analysis was written to {out}/."
    )
    assert "error:" not in proc.stderr and "Exception ignored" not in proc.stderr
    em.load_analysis(out)


def test_no_progress_bar_where_stderr_is_not_a_terminal(monkeypatch):
    """A log file or a pipe gets no bar (carriage returns and cursor codes);
    a terminal keeps the study's setting, and so does the study recorded."""
    from emomotiv import Study
    from emomotiv.cli import _shown_progress

    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    study = Study(progress=True)
    monkeypatch.setattr(sys, "stderr", Stream(False))
    assert _shown_progress(study).progress is False
    monkeypatch.setattr(sys, "stderr", Stream(True))
    assert _shown_progress(study).progress is True
    assert _shown_progress(Study(progress=False)).progress is False


def test_compare_names_every_problem_at_once(tmp_path, capsys):
    """Two inputs that are not analyses and a non-empty output folder: one
    message names all three (it stopped at the folder)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    argv = ["compare", str(tmp_path / "q1"), str(tmp_path / "q2"), "--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "The comparison has 3 problems" in err
    assert "q1' is not a folder" in err and "q2' is not a folder" in err
    assert "'" + str(out) + "' is not empty" in err


def _quick_analysis(n_boot: int):
    """A small analysis of a synthetic survey (8 facets), fast to fit."""
    s = em.make_survey(n_respondents=400, n_facets=8, random_state=0)
    return em.analyze(
        s.survey,
        s.catalog,
        connection="connected",
        model=em.DriverModel(n_estimators=30, cv=0),
        n_boot=n_boot,
        progress=False,
    )


@pytest.mark.filterwarnings("ignore:The ranking is unstable")
def test_force_never_replaces_a_run_of_the_other_kind(tmp_path, capsys):
    """--force replaces an earlier run of the same kind; a comparison written
    over a quarter's analysis (or the reverse) is refused, and the analysis
    is left whole."""
    result = _quick_analysis(n_boot=3)
    q1, q2, both = tmp_path / "q1", tmp_path / "q2", tmp_path / "changes"
    em.save_analysis(result, q1)
    em.save_analysis(result, q2)
    em.save_comparison(em.compare(result, result), both)
    held = sorted(p.name for p in q1.iterdir())
    assert main(["compare", str(q2), str(both), "--out", str(q1), "--force"]) == 2
    err = capsys.readouterr().err
    assert "it holds an emomotiv analysis, which a comparison" in err
    assert sorted(p.name for p in q1.iterdir()) == held
    with pytest.raises(
        FileExistsError, match="holds an emomotiv comparison, which an analysis"
    ):
        em.save_analysis(result, both, force=True)
    argv = ["compare", str(q1), str(q2), "--out", str(both), "--force"]
    for alike in (["Q2", "Q2 "], ["", "Q3"]):  # the waves cannot be told apart
        assert main([*argv, "--labels", *alike]) == 2
        err = capsys.readouterr().err
        assert "they must be two different, non-blank names" in err
    assert main([*argv, "--labels", "Spring", "Summer"]) == 0
    assert "From Spring to Summer" in capsys.readouterr().out
    saved = json.loads((both / "summary.json").read_text())["tracking"]["waves"]
    assert saved == {"before": "Spring", "after": "Summer"}


def test_every_refusal_of_one_output_folder_is_in_one_message(tmp_path, capsys):
    """Two reasons --force cannot write a comparison over a quarter's
    analysis that is also its input: one message that names the folder and
    lists both, not two bare lines."""
    result = _quick_analysis(n_boot=0)
    q1, q2 = tmp_path / "q1", tmp_path / "q2"
    em.save_analysis(result, q1)
    em.save_analysis(result, q2)
    held = sorted(p.name for p in q1.iterdir())
    assert main(["compare", str(q1), str(q2), "--out", str(q1), "--force"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"emomotiv compare: error: The output folder '{q1}' has 2 problems:\n  - "
    ), err
    assert f"  - Refusing --force on '{q1}': it holds the input" in err
    assert f"  - Refusing --force on '{q1}': it holds an emomotiv analysis" in err
    assert sorted(p.name for p in q1.iterdir()) == held


def test_a_non_empty_output_folder_is_named_as_the_problem_not_the_input(
    small_dir, tmp_path, capsys
):
    """Good inputs and a non-empty --out: the message is about the folder,
    with no "The input has 1 problem" preamble; with a bad input as well,
    both are named in one message that does not call the folder an input."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    args = [
        "analyze",
        str(small_dir / "survey.csv"),
        "--catalog",
        str(small_dir / "facets.csv"),
        "--connection",
        "connected",
        "--n-boot",
        "0",
        "--out",
        str(out),
    ]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"emomotiv analyze: error: The output folder '{out}' is not empty."
    ), err
    assert "problem" not in err and "input" not in err
    bad = [a if a != "connected" else "conected" for a in args]
    assert main(bad) == 2
    err = capsys.readouterr().err
    assert "The analysis has 2 problems" in err, err
    assert "Did you mean 'connected'" in err and f"'{out}' is not empty" in err
    assert (out / "notes.txt").read_text() == "mine"


def test_an_error_naming_long_paths_is_printed_whole(tmp_path, capsys):
    """Paths of 150 characters each: the error keeps what is wrong and the
    way out (it was cut to 400 characters in its middle, which took out
    'which does not exist')."""
    folder = tmp_path / ("a_rather_long_folder_name_for_a_shared_drive_" * 3)
    assert main(["sample", str(folder)]) == 0
    study = folder / "study.toml"
    assert main(["init", str(folder / "survey.csv"), "--out", str(study)]) == 0
    (folder / "survey.csv").rename(folder / "moved.csv")
    capsys.readouterr()
    out = tmp_path / "r"
    assert main(["analyze", "--study", str(study), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err) > 400 and "…" not in err
    assert str(folder / "survey.csv") in err and "which does not exist" in err


def _small_study(small_dir, path, options="n_boot = 50\nmethods = false\n"):
    """A study file naming the small survey, with ``options``."""
    path.write_text(
        f'[inputs]\nsurvey = "{(small_dir / "survey.csv").as_posix()}"\n'
        f'catalog = "{(small_dir / "facets.csv").as_posix()}"\n'
        '[roles]\nconnection = "connected"\nweight = "weight"\n'
        f"[options]\n{options}",
        encoding="utf-8",
    )
    return path


def test_a_study_file_names_every_problem_of_the_settings_at_once(
    small_dir, tmp_path, capsys
):
    """Unknown keys, keys written as flags, and values out of range: one
    message, not one round per kind; nothing is written."""
    study = _small_study(
        small_dir,
        tmp_path / "study.toml",
        'seed = 4\nn-boot = 3\nlevel = 90\nhalo = "meen"\nbudjet = 10\n',
    )
    out = tmp_path / "out"
    assert main(["analyze", "--study", str(study), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"The study file '{study}' has 5 problems:" in err
    assert "the flag --seed is written 'random_state = N'" in err
    assert "the flag --n-boot is written 'n_boot'" in err
    assert "Did you mean 'budget'?" in err
    assert f"  - '{study}' [options] level must be a float in the range (0, 1)" in err
    assert f"  - '{study}' [options] halo must be one of" in err
    assert not out.exists()
    assert main(["validate", "--study", str(study)]) == 2
    assert "has 5 problems" in capsys.readouterr().err


def test_a_bad_setting_is_named_where_it_was_written(small_dir, tmp_path, capsys):
    """A bad value in any table of a study file is named by the file, its
    table and key, as is a role naming no column; one given as a flag, by
    the flag; never as a parameter of a Python function (validate's own
    settings included)."""
    study = tmp_path / "study.toml"
    study.write_text(
        f'[inputs]\nsurvey = "{(small_dir / "survey.csv").as_posix()}"\n'
        f'catalog = "{(small_dir / "facets.csv").as_posix()}"\n'
        '[roles]\nconnection = "connected"\nweight = 3\nsegment = "customer_typ"\n'
        '[options]\nn_boot = "ten"\nlevel = 2\nsheet = -1\n',
        encoding="utf-8",
    )
    assert main(["validate", "--study", str(study), "--encoding", "utf-9"]) == 2
    err = capsys.readouterr().err
    assert f"  - '{study}' [roles] weight must be a string naming a survey" in err
    assert f"  - '{study}' [options] n_boot must be an int >= 0. Got 'ten'" in err
    assert f"  - '{study}' [options] level must be a float in the range (0, 1)" in err
    assert f"  - '{study}' [options] sheet must be a sheet's name" in err
    assert "  - --encoding must name a text encoding" in err
    assert "parameter of" not in err and "' role must" not in err
    study.write_text(study.read_text().replace("weight = 3\n", ""))
    argv = ["analyze", "--study", str(study), "--level", "1.5", "--cv", "1"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "  - --level must be a float in the range (0, 1). Got 1.5 instead." in err
    assert "  - --cv must be 0 (no cross-validation) or an int >= 2" in err
    assert "[options] level" not in err and "parameter of" not in err
    assert (
        "The segment column 'customer_typ' is not in the survey. "
        "Did you mean 'customer_type'? "
        f"(set in '{study}' [roles] segment)"
    ) in err


def test_a_study_files_typo_is_named_with_the_datas_problems(
    small_dir, tmp_path, capsys
):
    """A mistyped key, a value out of range and a role naming no column:
    one message, not one round for the key and another for the column;
    a file whose only problems are its own is the subject."""
    study = _small_study(small_dir, tmp_path / "study.toml", "nboot = 5\n")
    assert main(["validate", "--study", str(study)]) == 2
    err = capsys.readouterr().err
    assert f"The study file '{study}' has 1 problem:" in err
    assert f"  - '{study}': Unknown key 'nboot' in [options]." in err
    study.write_text(study.read_text().replace('"weight"', '"wieght"') + "level = 2\n")
    assert main(["analyze", "--study", str(study), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "The input has 3 problems:" in err
    assert f"  - '{study}': Unknown key 'nboot' in [options]." in err
    assert f"  - '{study}' [options] level must be a float" in err
    assert "  - The weight column 'wieght' is not in the survey." in err
    assert not (tmp_path / "o").exists()


def test_a_flag_that_changes_the_study_file_is_named(small_dir, tmp_path, capsys):
    study = _small_study(small_dir, tmp_path / "study.toml")
    survey = str(small_dir / "survey.csv")
    argv = ["analyze", survey, "--study", str(study), "--n-boot", "0"]
    got = _study(build_parser().parse_args([*argv, "--no-methods", "--out", "x"]))
    assert got.n_boot == 0
    err = capsys.readouterr().err
    # the survey given is the file's; methods = false already
    assert err == (
        f"notice: the command line's flags override the study file '{study}': "
        "n_boot = 50 -> 0.\n"
    )
    _study(build_parser().parse_args(["analyze", "--study", str(study), "--out", "x"]))
    assert capsys.readouterr().err == ""


def test_notices_show_the_study_files_paths_from_the_current_folder(
    small_dir, tmp_path, monkeypatch, capsys
):
    """The file's survey.csv (relative to the file) and the flag's
    q2/survey.csv (relative to here) are shown alike, from the current
    folder, not as the absolute paths the file's are read into; a missing
    input is named as the file writes it."""
    for quarter in ("q1", "q2"):
        (tmp_path / quarter).mkdir()
        for name in ("survey.csv", "facets.csv"):
            (tmp_path / quarter / name).write_bytes((small_dir / name).read_bytes())
    study = tmp_path / "q1" / "study.toml"
    study.write_text(
        '[inputs]\nsurvey = "survey.csv"\ncatalog = "facets.csv"\n'
        '[roles]\nconnection = "connected"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    argv = ["analyze", "q2/survey.csv", "--study", "q1/study.toml", "--out", "x"]
    _study(build_parser().parse_args(argv))
    assert capsys.readouterr().err == (
        "notice: the command line's flags override the study file "
        '\'q1/study.toml\': survey = "q1/survey.csv" -> "q2/survey.csv".\n'
    )
    assert main(["validate", "--study", "q1/study.toml", "--unset", "catalog"]) == 2
    err = capsys.readouterr().err
    assert (
        "notice: --unset leaves out settings of the study file 'q1/study.toml': "
        'catalog = "q1/facets.csv" -> (none).\n'
    ) in err
    assert str(tmp_path) not in err
    study.write_text(study.read_text().replace('"survey.csv"', '"surveyy.csv"'))
    assert main(["validate", "--study", "q1/study.toml"]) == 2
    err = capsys.readouterr().err
    assert "names the survey 'surveyy.csv', which does not exist" in err
    assert "'q1/surveyy.csv'" in err and str(tmp_path) not in err
    # the data's messages too: the file's folder, not its absolute path
    study.write_text(study.read_text().replace('"surveyy.csv"', '"."'))
    assert main(["validate", "--study", "q1/study.toml"]) == 2
    err = capsys.readouterr().err
    assert "Cannot read the survey: 'q1' is a folder" in err, err
    assert "(set in 'q1/study.toml' [inputs] survey)" in err


def test_a_missing_input_written_as_a_whole_path_is_named_so(
    tmp_path, monkeypatch, capsys
):
    """A survey the study file names by its whole path, in a folder that
    shares only the root with the file's, is named as written, not as a
    climb of '../' to the root."""
    gone = Path(tmp_path.anchor, "emomotiv-no-such-folder", "survey.csv")
    (tmp_path / "q1").mkdir()
    (tmp_path / "q1" / "study.toml").write_text(
        f'[inputs]\nsurvey = "{gone.as_posix()}"\n'
        '[roles]\nconnection = "c"\nfacets = ["app"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--study", "q1/study.toml"]) == 2
    err = capsys.readouterr().err
    assert f"names the survey '{gone.as_posix()}', which does not exist" in err
    assert "../" not in err


def test_a_study_file_runs_from_a_current_folder_since_deleted(
    small_dir, tmp_path, monkeypatch, capsys
):
    """The notices and messages name paths from the current folder; where
    it was deleted (a scheduler's scratch folder), paths are named whole,
    not refused with a bare "No such file or directory"."""
    study = _small_study(small_dir, tmp_path / "study.toml")
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert main(["validate", "--study", str(study)]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.startswith("OK: 400 respondents")


def test_unset_takes_study_file_settings_back_to_their_defaults(
    small_dir, tmp_path, capsys
):
    """--unset leaves out what a study file sets, as in the file or as the
    flag is spelt, repeated or not; each change is named."""
    study = _small_study(
        small_dir,
        tmp_path / "study.toml",
        "n_boot = 50\nmethods = false\nbudget = 9.0\n",
    )
    argv = ["analyze", "--study", str(study), "--out", "x", "--unset", "budget"]
    got = _study(
        build_parser().parse_args([*argv, "n-boot", "--unset", "methods", "seed"])
    )
    assert (got.budget, got.n_boot, got.methods, got.weight) == (
        None,
        100,
        True,
        "weight",
    )
    err = capsys.readouterr().err
    assert (
        f"--unset leaves out settings of the study file '{study}': budget = 9.0 "
        "-> (none); n_boot = 50 -> 100; methods = false -> true." in err
    )
    assert "does not set random_state: --unset changes nothing there" in err
    # a setting the file holds at its default changes nothing either
    study.write_text(study.read_text().replace("n_boot = 50", "n_boot = 100"))
    _study(build_parser().parse_args([*argv, "n_boot"]))
    err = capsys.readouterr().err
    assert "n_boot = 100 -> 100" not in err
    assert (
        "does not set n_boot other than to the default: --unset changes nothing" in err
    )
    # the weight role too: a weighted study run unweighted
    got = _study(build_parser().parse_args([*argv[:-1], "weight", "--out", "x"]))
    assert got.weight is None and got.budget == 9.0


def test_unset_names_every_bad_key_and_needs_a_study_file(small_dir, tmp_path, capsys):
    study = _small_study(small_dir, tmp_path / "study.toml")
    argv = ["analyze", "--study", str(study), "--out", str(tmp_path / "out")]
    assert main([*argv, "--unset", "budgt", "n_boot", "--n-boot", "3"]) == 2
    err = capsys.readouterr().err
    assert "The --unset option has 2 problems:" in err
    assert "--unset budgt: no such setting. Did you mean 'budget'?" in err
    assert "--unset n_boot and --n-boot both set n_boot: give one of them." in err
    # the survey is given as SURVEY, there is no --survey flag
    assert (
        main(
            [
                *argv[:1],
                str(small_dir / "survey.csv"),
                *argv[1:],
                "--unset",
                "survey",
                "catalog",
                "--catalog",
                str(small_dir / "facets.csv"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "--unset survey and SURVEY both set survey: give one of them." in err
    assert "--unset catalog and --catalog both set catalog" in err
    argv = ["analyze", str(small_dir / "survey.csv"), "--connection", "connected"]
    assert main([*argv, "--unset", "budget", "--out", str(tmp_path / "out")]) == 2
    assert "no --study is given" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_every_study_field_but_the_objects_has_a_flag():
    """The command line sets what a study file sets: --level, --facets and
    --motivators too."""
    from emomotiv.cli import _flag_options

    argv = ["analyze", "s.csv", "--connection", "c", "--out", "x"]
    argv += ["--level", "0.95", "--facets", "a", "b", "--motivators", "m1", "m2"]
    study = _study(build_parser().parse_args(argv))
    assert (study.level, study.facets, study.motivators) == (
        0.95,
        ["a", "b"],
        ["m1", "m2"],
    )
    names = set(_flag_options(build_parser().parse_args(argv)))
    objects = {"model", "client"}
    analyze = build_parser()._subparsers._group_actions[0].choices["analyze"]
    dests = {a.dest for a in analyze._actions}
    flags = {"random_state": "seed", "controls": "control", "progress": "quiet"}
    flags["methods"] = "no_methods"
    for name in names - objects:
        assert flags.get(name, name) in dests, name


def test_validate_checks_the_study_file_analyze_would_run(small_dir, tmp_path, capsys):
    study = _small_study(small_dir, tmp_path / "study.toml")
    assert main(["validate", "--study", str(study)]) == 0
    assert "connection=connected, weight=weight" in capsys.readouterr().out
    # a flag on top, as analyze takes it
    assert main(["validate", "--study", str(study), "--weight", "wieght"]) == 2
    assert "Did you mean 'weight'?" in capsys.readouterr().err
    assert main(["validate", str(small_dir / "survey.csv")]) == 2
    err = capsys.readouterr().err
    assert "validate needs --connection" in err and "--catalog FACETS" in err


def test_help_lists_the_exit_codes_the_commands_return():
    import emomotiv.cli as cli

    text = " ".join(build_parser().format_help().split())
    for code in ("0 success", "2 bad input", "1 anything unexpected"):
        assert code in text
    for code in ("130", "143", "141"):
        assert code in text and code in cli.__doc__


def test_analyze_says_how_to_repeat_the_run(small_dir, tmp_path, capsys):
    study = _small_study(small_dir, tmp_path / "study.toml", "n_boot = 2\n")
    out = tmp_path / "q3 results"
    argv = ["analyze", "--study", str(study), "--n-boot", "0", "--no-methods"]
    assert main([*argv, "--cv", "0", "--quiet", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == (
        f"Repeat this run with: emomotiv analyze --study '{out}/study.toml' --out DIR"
    )
    saved = em.Study.from_toml(out / "study.toml")
    assert (saved.n_boot, saved.methods, saved.cv) == (0, False, 0)
    assert saved.progress is True  # not recorded: the default, not --quiet
    assert "# progress =" in (out / "study.toml").read_text(encoding="utf-8")


def test_facets_and_a_catalog_together_are_refused_not_one_dropped(small_dir, capsys):
    """With a catalog, the facets are its rows: --facets beside it would be
    dropped without a word."""
    survey, catalog = str(small_dir / "survey.csv"), str(small_dir / "facets.csv")
    argv = ["validate", survey, "--connection", "connected", "--catalog", catalog]
    assert main([*argv, "--facets", "f01", "f02"]) == 2
    err = capsys.readouterr().err
    assert "from a list of columns (2 given), not both" in err
    assert "--unset" not in err  # no study file: nothing to leave out
    assert main(argv) == 0


def test_a_misspelt_column_in_facets_is_not_called_a_catalog_facet(small_dir, capsys):
    """--facets with a misspelt column, and no catalog, was told of a
    missing "catalog facet"; it is the list's."""
    survey = str(small_dir / "survey.csv")
    argv = ["validate", survey, "--connection", "connected", "--facets"]
    assert main([*argv, "brand_reputation", "advertisng", "zzz", "mobile_app"]) == 2
    err = capsys.readouterr().err
    assert "catalog" not in err
    assert (
        "2 facets are not survey columns: 'advertisng', 'zzz'. 'advertisng': "
        "Did you mean 'advertising'?" in err
    )
    assert main([*argv, "brand_reputation", "zzz"]) == 2
    assert (
        "1 facet is not a survey column: 'zzz'. If the survey did not ask it, "
        "leave it out of the facets list (facets=[...], --facets)."
    ) in capsys.readouterr().err


def test_facets_beside_a_study_files_catalog_name_unset_as_a_way_out(
    small_dir, tmp_path, capsys
):
    """The flag --facets beside the catalog a study file names: the way out
    that keeps the file is --unset catalog, and it works."""
    study = _small_study(small_dir, tmp_path / "study.toml", "")
    argv = ["validate", "--study", str(study), "--facets", "brand_reputation"]
    assert main([*argv, "advertising"]) == 2
    err = capsys.readouterr().err
    assert "or leave out the study file's catalog with --unset catalog." in err
    assert main([*argv, "advertising", "--unset", "catalog"]) == 0


def test_currency_is_recorded_printed_and_reset_at_re_render(
    small_dir, tmp_path, capsys
):
    """--currency goes into the study (summary, study.toml), the terminal's
    and the report's amounts; 'emomotiv report --currency' re-renders with
    another; a currency with digits is refused before anything is written."""
    out = tmp_path / "out"
    argv = ["analyze", str(small_dir / "survey.csv"), "--catalog"]
    argv += [str(small_dir / "facets.csv"), "--connection", "connected"]
    argv += ["--value", "value", "--n-boot", "0", "--no-methods", "--quiet"]
    argv += ["--population", "1e5", "--budget", "2e5", "--out"]
    assert main([*argv, str(tmp_path / "bad"), "--currency", "12$"]) == 2
    assert "  - --currency must be a currency sign" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()
    assert main([*argv, str(out), "--currency", "€"]) == 0
    printed = capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["study"]["options"]["currency"] == "€"
    assert 'currency = "€"' in (out / "study.toml").read_text(encoding="utf-8")
    assert (
        "expected value through connection €" in printed
        and "(value per connected customer €" in printed
    )
    assert "are in €: the report converts none" in (out / "report.html").read_text(
        encoding="utf-8"
    )
    assert main(["report", str(out), "--currency", "CHF"]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "are in CHF" in html and "CHF " in html and "€" not in html


def test_the_catalog_draft_opens_in_excel_with_its_labels(tmp_path):
    """The draft is filled in in Excel, which reads a CSV without a
    byte-order mark in the system's code page ('Ãœberweisung'); emomotiv
    reads it back as written."""
    survey = tmp_path / "umfrage.csv"
    pd.DataFrame(
        {"Überweisung": [1, 5, 4], "Gebühren": [2, 3, 5], "verbunden": [0, 1, 1]}
    ).to_csv(survey, index=False)
    out = tmp_path / "facetten.csv"
    argv = ["catalog", str(survey), "--facets", "Ü*,Geb*", "--out", str(out)]
    assert main(argv) == 0
    assert out.read_bytes().startswith("\ufefffacet".encode())
    assert em.read_table(out)["facet"].tolist() == ["Überweisung", "Gebühren"]


def test_a_catalog_draft_of_one_facet_says_one_facet(tmp_path, capsys):
    """ "Wrote facets.csv: 1 facets."""
    survey = tmp_path / "s.csv"
    pd.DataFrame({"app": [1, 5, 4], "connected": [0, 1, 1]}).to_csv(survey, index=False)
    out = tmp_path / "f.csv"
    assert main(["catalog", str(survey), "--facets", "app", "--out", str(out)]) == 0
    assert f"Wrote {out}: 1 facet. Fill in" in capsys.readouterr().out


def test_the_catalog_draft_suggests_a_scale_s_labels_as_the_survey_writes_them(
    tmp_path, capsys
):
    """'Sehr gut' in the file was suggested as the scale table's 'sehr gut'."""
    survey = tmp_path / "umfrage.csv"
    pd.DataFrame(
        {"App": ["Sehr gut", "Gut", "Schlecht"], "Filiale": ["Gut", "Mittelmäßig", ""]}
    ).to_csv(survey, index=False)
    out = tmp_path / "facetten.csv"
    assert main(["catalog", str(survey), "--facets", "*", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert '--rating-labels "sehr schlecht,Schlecht,Mittelmäßig,Gut,Sehr gut"' in err


def test_sigterm_stops_a_run_even_inside_a_library_that_catches_exception(tmp_path):
    """SIGTERM (a scheduler's stop) ends the run with 143 and one line, the
    output lock and staging folder removed, even where the signal lands in
    library code that catches ``Exception`` (a lazy import of shap or
    matplotlib): there it used to be swallowed and the run went on to 0."""
    import signal
    import subprocess
    import sys

    out = tmp_path / "results"
    code = f"""
import sys, time
import emomotiv.cli as cli
from emomotiv.io import output_lock

def command(args):
    with output_lock({str(out)!r}):
        print("locked", flush=True)
        try:
            time.sleep(30)
        except Exception:  # as a library's own handler does
            pass
    return 0

cli.COMMANDS["sample"] = command
sys.exit(cli.main(["sample", "anywhere"]))
"""
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "locked"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143
    assert err.strip() == "emomotiv sample: stopped (SIGTERM)."
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _stopped_by_sigterm(code: str, marker: str = "ready"):
    """Run ``code`` in a fresh Python, send it SIGTERM once it prints
    ``marker`` on stderr; its exit code, stdout and stderr."""
    import signal

    # stdout buffered, as a pipe or a log file has it
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr.readline().strip() == marker
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def test_sigterm_while_figures_are_drawn_leaves_no_staging_in_the_output(tmp_path):
    """``analyze --figures`` stopped by SIGTERM while drawing: the figures'
    staging folder inside the output folder is removed, as after Ctrl-C; it
    used to stay there, half its charts the next save's 'files emomotiv did
    not write'."""
    out = tmp_path / "results"
    out.mkdir()
    code = f"""
import sys, time
from pathlib import Path
import emomotiv.cli as cli

class Drawing:
    def save_figures(self, folder):
        (Path(folder) / "driver_ranking.png").write_bytes(b"png")
        print("ready", file=sys.stderr, flush=True)
        time.sleep(30)

cli.COMMANDS["sample"] = lambda args: cli._save_figures(Drawing(), Path({str(out)!r}))
sys.exit(cli.main(["sample", "anywhere"]))
"""
    code_, _, err = _stopped_by_sigterm(code)
    assert code_ == 143, err
    assert list(out.iterdir()) == []


def test_sigterm_after_the_analysis_is_saved_says_what_is_left_to_write(tmp_path):
    """SIGTERM (a scheduler's stop) while ``analyze --figures --excel``
    draws, the analysis already written: the message says so, as Ctrl-C's
    does, with the command that writes the figures and workbook (it said
    only "stopped (SIGTERM)", as a stop before anything was saved does)."""
    out = tmp_path / "results"
    out.mkdir()
    code = f"""
import sys, time
from pathlib import Path
import emomotiv.cli as cli
import emomotiv.report

def drawing(report, folder):
    print("ready", file=sys.stderr, flush=True)
    time.sleep(30)

emomotiv.report.Report = lambda result: None
cli._save_figures = drawing
cli.COMMANDS["sample"] = lambda args: cli._figures_of(
    None, Path({str(out)!r}), excel=True
)
sys.exit(cli.main(["sample", "anywhere"]))
"""
    code_, _, err = _stopped_by_sigterm(code)
    assert code_ == 143, err
    assert err.splitlines() == [
        f"emomotiv analyze: the analysis was written to {out}/, its figures and "
        f"workbook were not; write them with: emomotiv report {out} --figures "
        "--excel",
        "emomotiv sample: stopped (SIGTERM).",
    ]


def test_sigterm_while_a_run_moves_into_place_finishes_the_move(small_result, tmp_path):
    """SIGTERM while a save moves its files into the output folder: the move
    ends first, then the run stops with 143, so the folder holds one whole
    run that loads (it used to be left half replaced, refused as
    incomplete), and no lock or staging folder is left."""
    out = tmp_path / "results"
    em.save_analysis(small_result, out)
    code = f"""
import os, signal, sys
import emomotiv as em
import emomotiv.cli as cli
import emomotiv.io as io

real = os.replace
moved = []

def replace(src, dst):
    real(src, dst)
    moved.append(dst)
    if len(moved) == 1:
        os.kill(os.getpid(), signal.SIGTERM)

result = em.load_analysis({str(out)!r})
io.os.replace = replace  # the module's os is the process's: the move's only

def command(args):
    em.save_analysis(result, {str(out)!r}, force=True)
    return 0

cli.COMMANDS["sample"] = command
signal.signal(signal.SIGTERM, signal.SIG_DFL)
sys.exit(cli.main(["sample", "anywhere"]))
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 143, proc.stderr
    assert proc.stderr.strip().endswith("emomotiv sample: stopped (SIGTERM).")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]
    em.load_analysis(out)


def test_sigterm_keeps_the_lines_printed_before_it(tmp_path):
    """The lines a run printed before SIGTERM reach a log file or a pipe
    (block-buffered there): the exit flushes them first."""
    code = """
import sys, time
import emomotiv.cli as cli

def command(args):
    print("Wrote results/drivers.csv.")  # no flush: a pipe buffers it
    print("ready", file=sys.stderr, flush=True)
    time.sleep(30)
    return 0

cli.COMMANDS["sample"] = command
sys.exit(cli.main(["sample", "anywhere"]))
"""
    code_, out, err = _stopped_by_sigterm(code)
    assert code_ == 143, err
    assert out == "Wrote results/drivers.csv.\n"


def test_main_called_by_a_program_with_its_own_sigterm_handler_keeps_it():
    """A program that handles SIGTERM itself and runs ``main`` keeps its
    handling: main does not exit its process for it."""
    code = """
import os, signal, sys
import emomotiv.cli as cli

got = []
signal.signal(signal.SIGTERM, lambda signum, frame: got.append(signum))

def command(args):
    os.kill(os.getpid(), signal.SIGTERM)
    return 0

cli.COMMANDS["sample"] = command
code = cli.main(["sample", "anywhere"])
print(code, got == [signal.SIGTERM])
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["0", "True"]


def test_compare_console_names_the_outcome_as_the_later_wave_does(
    small_result, tmp_path, capsys
):
    """ "Connected share: 23.7% -> 24.7%" for two waves whose outcome is
    labelled "Very satisfied overall"."""
    from dataclasses import replace

    data = dict(small_result.summary["data"], outcome_label="Very satisfied overall")
    labelled = replace(small_result, summary={**small_result.summary, "data": data})
    before = em.save_analysis(small_result, tmp_path / "q2")
    after = em.save_analysis(labelled, tmp_path / "q3")
    assert main(["compare", str(before), str(after), "--out", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    assert '  "Very satisfied overall" share: ' in out
    assert "Connected share" not in out


def test_validate_skips_stated_importance_where_analyze_does(tmp_path, capsys):
    """stated_source = "catalog" with no catalog values: analyze skips the
    comparison, and validate refused the study ("No stated importance")."""
    study = _stated_study(tmp_path, 'stated_source = "catalog"')
    assert main(["validate", "--study", str(study)]) == 0, capsys.readouterr().err


def test_report_rewrites_a_changed_workbook_and_a_deleted_report(
    small_result, tmp_path
):
    """Its job is to write them: neither blocks it, and the manifest then
    matches the folder again; a workbook or report changed since (annotated
    in Excel or by hand) is replaced only with --force, as nothing a user
    wrote is lost unasked."""
    pytest.importorskip("openpyxl")
    out = em.save_analysis(small_result, tmp_path / "run")
    assert main(["report", str(out), "--excel"]) == 0
    (out / "tables.xlsx").write_bytes(b"saved again in Excel")
    (out / "report.html").unlink()
    assert main(["report", str(out), "--excel"]) == 2
    assert (out / "tables.xlsx").read_bytes() == b"saved again in Excel"
    assert main(["report", str(out)]) == 0  # the report alone: the workbook kept
    assert main(["report", str(out), "--excel", "--force"]) == 0
    assert (out / "tables.xlsx").read_bytes()[:2] == b"PK"  # a workbook again
    files = json.loads((out / "manifest.json").read_text())["files"]
    for name, digest in files.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    (out / "figures").mkdir()  # not the run's: still refused
    (out / "figures" / "mine.png").write_bytes(b"mine")
    assert main(["report", str(out), "--figures"]) == 2
    assert (out / "figures" / "mine.png").read_bytes() == b"mine"
    # a report annotated by hand (notes for the board) was replaced unasked
    notes = (out / "report.html").read_text().replace("<body>", "<body><p>Mine</p>")
    (out / "report.html").write_text(notes)
    assert main(["report", str(out)]) == 2
    assert (out / "report.html").read_text() == notes
    assert main(["report", str(out), "--force"]) == 0
    assert "<p>Mine</p>" not in (out / "report.html").read_text()


def test_a_rerun_of_a_survey_changed_since_is_refused(tmp_path, capsys):
    """A survey delivered again under the same name (40 rows fewer, 30
    outcomes flipped) reran from the folder's study.toml with no notice:
    summary.json now records each input's SHA-256, and a rerun on another
    file says so and how to go on; validate of that study file says the
    same (it said OK, and the run it was to check was then refused)."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    s.survey.to_csv(tmp_path / "survey.csv", index=False)
    s.catalog.to_csv(tmp_path / "facets.csv", index=False)
    quick = ["--n-boot", "0", "--no-methods", "--cv", "0", "--quiet"]
    args = ["analyze", str(tmp_path / "survey.csv"), "--catalog"]
    args += [str(tmp_path / "facets.csv"), "--connection", "connected", *quick]
    assert main([*args, "--out", str(tmp_path / "r1")]) == 0
    inputs = json.loads((tmp_path / "r1" / "summary.json").read_text())["inputs"]
    data = (tmp_path / "survey.csv").read_bytes()
    assert inputs["survey"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert inputs["survey"]["bytes"] == len(data)
    rerun = ["analyze", "--study", str(tmp_path / "r1" / "study.toml"), *quick]
    assert main([*rerun, "--out", str(tmp_path / "r2")]) == 0
    s.survey.iloc[40:].to_csv(tmp_path / "survey.csv", index=False)
    capsys.readouterr()
    assert main([*rerun, "--out", str(tmp_path / "r3")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "changed since the run in" in err and "SHA-256" in err
    assert not (tmp_path / "r3").exists()
    # validate checks what analyze would run: the same refusal, not "OK"
    study = str(tmp_path / "r1" / "study.toml")
    assert main(["validate", "--study", study]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "to check it as it is now: emomotiv validate" in said
    said = said.replace("emomotiv validate", "emomotiv analyze")
    assert said.replace("to check it", "to analyse it") == err.replace(
        f" --out {tmp_path / 'r3'}", ""
    )
    # and checks the file as it is now where it is given on the command line
    assert main(["validate", str(tmp_path / "survey.csv"), "--study", study]) == 0
    # given on the command line, it is analysed as it is now
    assert (
        main(
            [
                *rerun[:1],
                str(tmp_path / "survey.csv"),
                *rerun[1:],
                "--out",
                str(tmp_path / "r3"),
            ]
        )
        == 0
    )


# a funded plan valued through connection, for the console's plan line
VALUED_PLAN = {
    "budget": 5e5,
    "selected": ["seat"],
    "n_selected": 1,
    "spent": 4e5,
    "combined_delta_connected": 0.08,
    "sum_individual_delta_connected": 0.075,
    "combined_delta_value": 5.4e7,
    "value_per_connected": 2697.8,
    "value_source": "value_link",
}


def test_console_plan_names_value_through_connection_and_the_direct_movers(capsys):
    """The plan's value counts only value through connection, yet read as
    "expected value gain"; the top direct mover of value (beyond noise) read as
    not worth its cost. The value is named, and those movers are pointed to."""
    from emomotiv.cli import _print_plan

    plan = dict(VALUED_PLAN)
    drivers = pd.DataFrame(
        {
            "facet": ["fees", "app", "seat", "noise"],
            "label": ["Trading fees", "Mobile app", "Seat", "Noise"],
            "delta_mean_value": [459.0, 60.0, -37.0, 80.0],
            "beyond_noise": [True, True, True, False],
            # the app and the seat move value mostly through connection
            "share_via_connection": [0.0, 0.9, 0.88, 0.0],
        }
    )
    _print_plan(plan, currency="€", value_drivers=drivers)
    out = capsys.readouterr().out
    assert "expected value through connection €54.0 m" in out
    assert out.splitlines()[-1] == (
        "  Not in the plan's value: 1 touchpoint moves value mostly by other "
        "paths than connection, beyond noise (per customer, value_drivers.csv): "
        "Trading fees +€459."
    )


def test_console_direct_movers_carry_the_weak_value_model_caveat(capsys):
    """The value model was warned "not reliable" (R² 0.03), yet its direct
    mover of value was named under the plan as a finding beyond noise; the
    line now carries the caveat."""
    from emomotiv.cli import _print_plan
    from emomotiv.report import value_fit_caveat

    plan = dict(VALUED_PLAN)
    drivers = pd.DataFrame(
        {
            "facet": ["paperwork"],
            "label": ["Amount of paperwork"],
            "delta_mean_value": [-44.4],
            "beyond_noise": [True],
            "share_via_connection": [0.0],
        }
    )
    caveat = value_fit_caveat({"value_drivers": {"fit": {"r2": 0.026}}})
    _print_plan(plan, value_drivers=drivers, value_caveat=caveat)
    line = capsys.readouterr().out.splitlines()[-1]
    assert "Amount of paperwork -44.4." in line
    assert line.endswith(
        "The value model barely predicts value (cross-validated R² 0.03, "
        "below 0.05), so this is not reliable."
    )
    assert value_fit_caveat({"value_drivers": {"fit": {"r2": 0.3}}}) == ""


def test_console_value_per_connected_customer_carries_its_interval(capsys):
    """ "one more promoter adds 511" was printed alone, its interval -474 to
    1,495 in summary.json: the interval is printed, and a 0 inside it said."""
    from emomotiv.cli import _print_stated_value

    value = {"multiplier": 1.02, "multiplier_low": 0.61, "multiplier_high": 1.7}
    value |= {"value_per_connected": 511.3}
    unclear = {"value_per_connected_low": -474.2, "value_per_connected_high": 1495.5}
    _print_stated_value({"value": value | unclear})
    assert "adds 511 (-474 to 1,496: not clear of zero)." in capsys.readouterr().out
    clear = {"value_per_connected_low": 120.0, "value_per_connected_high": 900.0}
    _print_stated_value({"value": value | clear})
    assert "adds 511 (120 to 900)." in capsys.readouterr().out
    # an end the interval's unit would print as zero keeps its own ("0.0 m"
    # hid a loss of 48.6k), here and in the plan's value
    value["value_per_connected"] = 890_383.5
    wide = {"value_per_connected_low": -48_634.8, "value_per_connected_high": 2.5e6}
    _print_stated_value({"value": value | wide})
    assert "adds 0.9 m (-48.6k to 2.5 m: not clear of zero)." in (
        capsys.readouterr().out
    )
    from emomotiv.cli import _print_plan

    plan = {"budget": 1e5, "selected": ["spa"], "n_selected": 1, "spent": 1e5}
    plan |= {"combined_delta_connected": 0.01, "value_per_connected": 2808.4}
    plan |= {"sum_individual_delta_connected": 0.01}
    plan |= {"combined_delta_value": 890_383.5, "value_source": "value_link"}
    plan |= {"combined_delta_value_low": -48_634.8, "combined_delta_value_high": 2.5e6}
    _print_plan(plan)
    assert "0.9 m [-48.6k, 2.5 m]" in capsys.readouterr().out


def test_console_says_how_many_respondents_the_value_models_left_out(capsys):
    """Blank value cells left 321 of 2,500 respondents out of the value models
    with no word on the console, where the segment column's are counted."""
    from emomotiv.cli import _print_stated_value

    left = "321 respondents without a value were left out of the value models"
    value = {"multiplier": 1.9, "multiplier_low": 1.7, "multiplier_high": 2.2}
    value |= {"value_per_connected": 2738.0, "left_out": left}
    _print_stated_value({"value": value})
    assert f"  {left}.\n" in capsys.readouterr().out


def test_analyze_says_how_a_yes_no_outcome_was_coded(tmp_path, capsys):
    """validate printed the coding of a yes/no outcome and the README says
    the console does; analyze did not."""
    s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
    survey = s.survey.assign(
        connected=np.where(s.survey["connected"] == 1, "Ja", "Nein")
    )
    survey.to_csv(tmp_path / "survey.csv", index=False)
    s.catalog.to_csv(tmp_path / "facets.csv", index=False)
    args = ["analyze", str(tmp_path / "survey.csv"), "--catalog"]
    args += [str(tmp_path / "facets.csv"), "--connection", "connected"]
    args += ["--connected-values", "Ja", "--n-boot", "0", "--no-methods", "--quiet"]
    assert main([*args, "--out", str(tmp_path / "r")]) == 0
    yes = int((s.survey["connected"] == 1).sum())
    coded = f"Connection coded from the answers: 1 for 'Ja' ({yes}), 0 for 'Nein'"
    assert coded in capsys.readouterr().out


def _routed_survey(code, n=80, seed=0):
    """Routed ratings: most respondents skip 'number_porting' and 'roaming',
    their cells written as ``code``."""
    rng = np.random.default_rng(seed)
    survey = pd.DataFrame(
        {
            "resp_id": range(n),
            "connected": np.tile([0, 1], n // 2),
            "app": rng.integers(1, 11, n),
            "number_porting": rng.integers(1, 11, n),
            "roaming": rng.integers(1, 11, n),
        }
    )
    survey.loc[: n * 3 // 4, ["number_porting", "roaming"]] = code
    return survey


def test_init_proposes_a_routing_code_and_keeps_its_columns_as_facets(tmp_path, capsys):
    """99 in most cells of two rating columns: init wrote no not_experienced,
    and filed 'number_porting' (its name says "number", its values pass 10)
    among the numbers in no role, while the catalog names it: "the catalog
    names 2 of them" for 3."""
    path = tmp_path / "survey.csv"
    _routed_survey(99).to_csv(path, index=False)
    pd.DataFrame({"facet": ["app", "number_porting", "roaming"]}).to_csv(
        tmp_path / "facets.csv", index=False
    )
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    text = study.read_text(encoding="utf-8")
    assert tomllib.loads(text)["options"]["not_experienced"] == ["99"]
    assert "the catalog names 3 of them" in text and "in no role" not in text
    capsys.readouterr()
    assert main(["validate", "--study", str(study)]) == 0
    out = capsys.readouterr().out
    assert "Read 99 as not experienced: 122 cells in 2 facets: " in out


def test_init_proposes_0_when_it_fills_rating_columns(tmp_path):
    path = tmp_path / "survey.csv"
    _routed_survey(0).to_csv(path, index=False)
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    text = tomllib.loads(study.read_text(encoding="utf-8"))
    assert text["options"]["not_experienced"] == ["0"]


def test_validate_refuses_0_codes_naming_both_ways_out(tmp_path, capsys):
    path = tmp_path / "survey.csv"
    _routed_survey(0).to_csv(path, index=False)
    pd.DataFrame({"facet": ["app", "number_porting", "roaming"]}).to_csv(
        tmp_path / "facets.csv", index=False
    )
    args = ["validate", str(path), "--catalog", str(tmp_path / "facets.csv")]
    args += ["--connection", "connected", "--id", "resp_id"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "'number_porting' (61 of 80, 76%), 'roaming' (61 of 80, 76%)" in err
    assert '--not-experienced "0"' in err and "scale_min 0" in err
    assert main([*args, "--not-experienced", "0"]) == 0
    out = capsys.readouterr().out
    assert "Read 0 as not experienced: 122 cells in 2 facets: " in out


def test_a_rating_column_with_export_codes_is_a_rating_whatever_its_name():
    """99 or -1 beside 1-10 ratings: codes, so 'number_porting' is a rating
    column; a tenure with a 12 among 0-10 keeps its name's reading."""
    from emomotiv.cli import _rating_like

    ratings = list(range(1, 11)) * 5
    assert _rating_like(pd.Series(ratings + [99] * 60, name="number_porting"))
    assert _rating_like(pd.Series(ratings + [-1] * 9, name="number_change"))
    assert not _rating_like(pd.Series([*range(11)] * 5 + [12], name="tenure_years"))


def test_means_of_items_are_ratings_and_weights_are_not():
    """A facet that is the mean of three 1-10 items (7.33, 9.67) was filed
    among the numbers in no role and left out of the facets: the top driver
    dropped with no word. Decimals on steps of a third (or a half, a
    quarter, ...) within 0-10 are ratings; a weight's decimals are not."""
    from emomotiv.cli import _rating_like

    rng = np.random.default_rng(0)
    items = rng.integers(1, 11, (200, 3))
    means = pd.Series(items.mean(axis=1).round(2), name="mobile_app")
    assert (means != means.round()).any() and _rating_like(means)
    assert _rating_like(pd.Series(items[:, :2].mean(axis=1), name="halves"))
    weights = pd.Series(rng.uniform(0.3, 3, 200).round(2), name="w_final")
    assert not _rating_like(weights)
    assert not _rating_like(pd.Series(rng.uniform(0.5, 2, 40).round(3)))
    assert not _rating_like(pd.Series([0.0, 1.0] * 20))


def test_init_files_means_of_items_among_the_facets(tmp_path):
    rng = np.random.default_rng(0)
    survey = pd.DataFrame(
        {
            "connected": np.tile([0, 1], 50),
            "app": rng.integers(1, 11, 100),
            "index": (rng.integers(3, 31, 100) / 3).round(2),
            "wt": rng.uniform(0.4, 2.5, 100).round(3),
        }
    )
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    text = tomllib.loads(study.read_text(encoding="utf-8"))
    assert text["roles"]["facets"] == ["app", "index"]


def test_init_leaves_a_0_that_is_a_rating_elsewhere_to_the_catalog(tmp_path):
    """0 for "not applicable" in two columns and a rating of a 0-10 column:
    init wrote not_experienced = ["0"] for the whole file, which empties the
    0-10 column's ratings of 0. Now the comments name the columns of each
    kind, for the catalog's not_experienced column."""
    survey = _routed_survey(0)
    survey.loc[:3, "app"] = 0  # a few 0s: ratings on 0-10
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    raw = study.read_text(encoding="utf-8")
    assert "not_experienced" not in tomllib.loads(raw)["options"]
    comments = raw.split("looks like a code")[1].split("# not_experienced")[0]
    assert "catalog's not_experienced column" in comments
    used, rated = comments.split("and a rating in:")
    assert "number_porting, roaming" in used and "app" in rated


def test_validate_names_the_waves_analyze_takes_and_warns_of_their_order(
    tmp_path, capsys
):
    """validate said "OK ... in 2 waves" where analyze --wave warns that
    labels of plain text were ordered as text: a pipeline gating its run on
    validate learnt nothing of which wave would be analysed."""
    s = em.make_waves(300, 6, random_state=2)
    survey = s.survey.replace({"wave": {"2026Q2": "north", "2026Q3": "east"}})
    survey.to_csv(tmp_path / "s.csv", index=False)
    s.catalog.to_csv(tmp_path / "f.csv", index=False)
    args = ["validate", str(tmp_path / "s.csv"), "--catalog", str(tmp_path / "f.csv")]
    assert main([*args, "--connection", "connected", "--wave", "wave"]) == 0
    out, err = capsys.readouterr()
    said = "in 2 waves (the latest, 'north', is analysed and compared with 'east')"
    assert said in out
    assert "warning: The wave labels hold no date, number or word of order" in err
    # words of order: the order they name, no warning
    survey = s.survey.replace({"wave": {"2026Q2": "pre", "2026Q3": "post"}})
    survey.to_csv(tmp_path / "s.csv", index=False)
    assert main([*args, "--connection", "connected", "--wave", "wave"]) == 0
    out, err = capsys.readouterr()
    assert "(the latest, 'post', is analysed and compared with 'pre')" in out
    assert "wave labels" not in err


@pytest.mark.filterwarnings("ignore:The ranking is unstable")
def test_compare_names_a_table_its_manifest_leaves_out(tmp_path, capsys):
    """An analysis whose manifest.json does not list drivers.csv (the file
    there) is bad input: exit 2 and a message naming the file and what to
    do, not a traceback."""
    import json

    result = _quick_analysis(n_boot=3)
    q1, q2 = em.save_analysis(result, tmp_path / "q1"), tmp_path / "q2"
    em.save_analysis(result, q2)
    manifest = json.loads((q2 / "manifest.json").read_text())
    manifest["files"].pop("drivers.csv")
    (q2 / "manifest.json").write_text(json.dumps(manifest))
    argv = ["compare", str(q1), str(q2), "--out", str(tmp_path / "changes")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "'drivers.csv' is in the folder but not listed in manifest.json" in err
    assert "run the analysis again" in err and "Traceback" not in err
