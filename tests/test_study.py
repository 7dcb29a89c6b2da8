"""Study: one settings object built by keyword arguments, the CLI and files."""

import dataclasses

import pytest

import emomotiv as em
from emomotiv.cli import _study, build_parser
from emomotiv.study import Study


def test_keyword_arguments_and_study_give_the_same_analysis():
    s = em.make_survey(n_respondents=400, n_facets=8, random_state=3)
    options = dict(n_boot=3, progress=False, methods=False)
    by_keywords = em.analyze(s.survey, s.catalog, **s.roles, **options)
    study = Study(**s.roles, **options)
    by_study = em.analyze(s.survey, s.catalog, study=study)
    assert by_keywords.drivers.equals(by_study.drivers)
    assert by_keywords.tables["roi"].equals(by_study.tables["roi"])


def test_keywords_override_the_study():
    study = Study(connection="connected", n_boot=50)
    assert Study.from_options(study, {"n_boot": 0}).n_boot == 0
    assert study.n_boot == 50  # frozen: the original is unchanged
    with pytest.raises(dataclasses.FrozenInstanceError):
        study.n_boot = 1


def test_unknown_option_names_the_near_match():
    with pytest.raises(TypeError, match="n_bot.*Did you mean 'n_boot'"):
        em.analyze(connection="connected", n_bot=3)


@pytest.mark.parametrize(
    ("option", "value"),
    [("n_boot", -1), ("level", 1.5), ("progress", "yes"), ("stated_form", "x")],
)
def test_check_refuses_out_of_range_options(option, value):
    with pytest.raises(ValueError, match=option):
        Study(**{option: value}).check()


def test_to_dict_is_json_ready_and_leaves_the_model_out():
    study = Study(connection="c", stated_scale=(1, 5), model=em.DriverModel())
    record = study.to_dict()
    assert record["options"]["stated_scale"] == [1, 5]
    assert "model" not in record["options"]
    assert record["roles"]["connection"] == "c"


def test_cli_flags_build_the_study():
    args = build_parser().parse_args(
        [
            "analyze",
            "s.csv",
            "--catalog",
            "f.csv",
            "--connection",
            "connected",
            "--out",
            "o",
            "--n-boot",
            "7",
            "--quiet",
            "--budget",
            "100",
        ]
    )
    study = _study(args)
    assert (study.survey, study.catalog, study.connection) == (
        "s.csv",
        "f.csv",
        "connected",
    )
    assert (study.n_boot, study.progress, study.budget) == (7, False, 100.0)
