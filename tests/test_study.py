"""Study: one settings object; study files (TOML) read and written exactly."""

from __future__ import annotations

import dataclasses
import tomllib

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emomotiv as em
from emomotiv.cli import _study, build_parser
from emomotiv.study import Study, draft_study, read_study_file

names = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=12,
)
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=60, deadline=None)
@given(
    connection=names,
    weight=st.none() | names,
    motivators=st.none() | st.lists(names, max_size=3),
    n_boot=st.integers(0, 10_000),
    level=st.floats(0.01, 0.99),
    stated_scale=st.none() | st.tuples(finite, finite),
    connected_rule=st.sampled_from(["auto", "outcome"]) | finite,
    budget=st.none() | finite,
    methods=st.booleans(),
)
def test_toml_round_trip_is_exact(tmp_path_factory, **fields):
    study = Study(**fields)
    path = tmp_path_factory.mktemp("s") / "study.toml"
    path.write_text(study.to_toml(header="a header\nof two lines"), encoding="utf-8")
    back = Study.from_toml(path)
    if back.motivators is not None:
        back = back.replace(motivators=list(back.motivators))
    want = study.replace(
        motivators=None if study.motivators is None else list(study.motivators)
    )
    assert back == want


def test_to_toml_takes_no_path_by_mistake():
    """to_toml("study.toml") returned a text starting '# study.toml' and
    wrote no file, in silence: the header is given by keyword only."""
    with pytest.raises(TypeError):
        Study(connection="connected").to_toml("study.toml")


def test_every_compared_field_is_in_a_table_and_the_model_is_not():
    tables = Study().to_dict()
    keys = [k for table in tables.values() for k in table]
    fields = [f.name for f in dataclasses.fields(Study) if f.compare]
    assert sorted(keys) == sorted(fields)
    assert "model" not in keys


def test_relative_inputs_are_taken_from_the_file_folder(tmp_path):
    (tmp_path / "q3").mkdir()
    path = tmp_path / "q3" / "study.toml"
    path.write_text('[inputs]\nsurvey = "survey.csv"\ncatalog = "../facets.csv"\n')
    study = Study.from_toml(path)
    assert study.survey == str((tmp_path / "q3" / "survey.csv").resolve())
    assert study.catalog == str((tmp_path / "facets.csv").resolve())


def test_unknown_keys_are_all_refused_with_near_matches(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text(
        "[roles]\nconection = 'connected'\nn_boot = 5\n"
        "[options]\nnboot = 5\n[output]\ndir = 'x'\n"
    )
    with pytest.raises(em.ValidationError) as err:
        Study.from_toml(path)
    problems = err.value.problems
    assert len(problems) == 4
    assert "Did you mean 'connection'" in problems[0]
    assert "'n_boot' belongs in [options]" in problems[1]
    assert "Did you mean 'n_boot'" in problems[2]
    assert "[output]" in problems[3]


def test_a_misspelt_table_is_named_and_its_settings_read_as_the_table_meant(
    tmp_path,
):
    """[option] dropped every option: the non-answers left undeclared gave
    a dozen problems of the data, and a misspelt key inside went unnamed."""
    path = tmp_path / "study.toml"
    path.write_text("[option]\nnot_experienced = ['N/A']\nn_boots = 5\n")
    study, problems, _ = read_study_file(path)
    assert problems[0] == (
        "Unknown table [option]; a study has [inputs], [roles] and [options]: "
        "did you mean [options]? Its settings were read as those of [options]."
    )
    assert "Unknown key 'n_boots' in [options]" in problems[1]
    assert study.not_experienced == ["N/A"] and len(problems) == 2


def test_bad_toml_and_a_missing_file(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text("[roles\nconnection = 1\n")
    with pytest.raises(em.ValidationError, match="Not valid TOML"):
        Study.from_toml(path)
    with pytest.raises(FileNotFoundError, match="nothere.toml"):
        Study.from_toml(tmp_path / "nothere.toml")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        Study.from_toml(tmp_path)


def test_a_study_file_with_a_byte_order_mark_or_in_latin_1_is_named(tmp_path):
    """Notepad's "UTF-8 with BOM" reads as UTF-8, one with UTF-16's mark as
    UTF-16; a file saved as latin-1
    is one clear problem of the study file (the line, the way out), not a
    bare codec error."""
    path = tmp_path / "study.toml"
    text = '[roles]\nconnection = "connected"\n[options]\noutcome_label = "lié"\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert Study.from_toml(path).outcome_label == "lié"
    # UTF-16 with its mark, as Windows PowerShell's `>` and Notepad's "Unicode" save
    path.write_bytes(text.encode("utf-16"))
    assert Study.from_toml(path).outcome_label == "lié"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(em.ValidationError) as err:
        Study.from_toml(path)
    assert str(err.value).startswith(f"The study file '{path}' has 1 problem:")
    assert "byte 0xe9 on line 4 is not UTF-8" in str(err.value)
    assert "Save it as UTF-8." in str(err.value)


def test_a_new_field_works_in_a_file_without_changes_here(tmp_path):
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Extended(Study):
        halo: str = "auto"

    path = tmp_path / "study.toml"
    path.write_text("[options]\nhalo = 'none'\n")
    assert Extended.from_toml(path).halo == "none"
    assert 'halo = "none"' in Extended(halo="none").to_toml()


def test_draft_study_guesses_roles_and_lists_facets(small):
    survey = small.survey
    text = draft_study(
        list(survey.columns),
        survey="survey.csv",
        numeric=list(survey.select_dtypes("number").columns),
    )
    tables = tomllib.loads(text)
    facets = tables["roles"].pop("facets")  # no catalog: the rating columns
    assert tables["roles"] == small.roles  # churn and advocacy too
    assert facets == list(small.catalog["facet"])
    assert tables["inputs"] == {"survey": "survey.csv"}
    assert "options" in tables and not tables["options"]  # all commented out
    Study.from_dict(tables)  # what it writes reads back
    # with a catalog, the catalog names the facets: they are only listed
    text = draft_study(
        list(survey.columns),
        survey="survey.csv",
        catalog="facets.csv",
        numeric=list(survey.select_dtypes("number").columns),
    )
    assert "facets" not in tomllib.loads(text)["roles"]
    listed = text.split("likely facets")[1].split("# facets =")[0]
    assert all(facet in listed for facet in small.catalog["facet"])


@pytest.mark.parametrize(
    "columns, roles",
    [
        (
            ["Kunden-Nr.", "Fühlen Sie sich Ihrer Bank emotional verbunden?",
             "Gewicht", "Gesamtzufriedenheit", "Welle", "gekündigt",
             "Weiterempfehlung", "Kundentyp", "Jahresumsatz", "Mobile App"],
            {"id": "Kunden-Nr.",
             "connection": "Fühlen Sie sich Ihrer Bank emotional verbunden?",
             "weight": "Gewicht", "satisfaction": "Gesamtzufriedenheit",
             "wave": "Welle", "churn": "gekündigt",
             "advocacy": "Weiterempfehlung", "segment": "Kundentyp",
             "value": "Jahresumsatz"},
        ),
        (
            ["Identifiant", "Vous sentez-vous attaché à la marque ?", "Poids",
             "Vague", "Résilié", "Recommandation", "Type client", "Application"],
            {"id": "Identifiant",
             "connection": "Vous sentez-vous attaché à la marque ?",
             "weight": "Poids", "wave": "Vague", "churn": "Résilié",
             "advocacy": "Recommandation", "segment": "Type client"},
        ),
        (
            ["Kunden-Nr.", "Beratung und Empfehlung", "Einfachheit der Kündigung",
             "App-Zufriedenheit", "Gesamtzufriedenheit", "Weiterempfehlung",
             "gekündigt", "verbunden"],
            {"connection": "verbunden", "satisfaction": "Gesamtzufriedenheit",
             "id": "Kunden-Nr.", "churn": "gekündigt",
             "advocacy": "Weiterempfehlung"},
        ),
        (
            ["respondent_id", "Explanations were vague", "connected", "wave",
             "Disponibilité de l'attaché commercial"],
            {"connection": "connected", "wave": "wave", "id": "respondent_id"},
        ),
        (["Explanations were vague", "Disponibilité de l'attaché commercial"], {}),
        (["ID", "Gesamt-Zufriedenheit", "Attaché(e) à la marque"],
         {"id": "ID", "satisfaction": "Gesamt-Zufriedenheit",
          "connection": "Attaché(e) à la marque"}),
        (["App satisfaction", "Overall satisfaction", "connected"],
         {"connection": "connected", "satisfaction": "Overall satisfaction"}),
        # French: connecté, satisfaction globale / générale
        (["Identifiant", "Poids", "Appli mobile", "Connecté à la marque",
          "Satisfaction globale"],
         {"connection": "Connecté à la marque", "satisfaction": "Satisfaction globale",
          "weight": "Poids", "id": "Identifiant"}),
        (["Satisfaction avec l'appli", "Satisfaction générale du client",
          "Se connecte à l'appli", "Objets connectés", "Se sent connectée à nous"],
         {"connection": "Se sent connectée à nous",
          "satisfaction": "Satisfaction générale du client"}),

        (["Allgemeine Zufriedenheit", "Je me sens attaché au magasin"],
         {"satisfaction": "Allgemeine Zufriedenheit",
          "connection": "Je me sens attaché au magasin"}),
        # the standard wordings of the NPS and overall satisfaction questions
        (["How satisfied were you with: Opening your account",
          "Q30 - How likely are you to recommend Acme to a friend or colleague?",
          "Q31 - Overall, how satisfied are you with Acme?"],
         {"satisfaction": "Q31 - Overall, how satisfied are you with Acme?",
          "advocacy": "Q30 - How likely are you to recommend Acme to a friend "
                      "or colleague?"}),
        (["Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?",
          "Wie zufrieden sind Sie insgesamt mit uns?", "Q7 NPS"],
         {"satisfaction": "Wie zufrieden sind Sie insgesamt mit uns?",
          "advocacy": "Q7 NPS"}),  # named as the role: before any wording
    ],
)  # fmt: skip
def test_roles_are_guessed_from_english_german_and_french_names(columns, roles):
    """A column named as the role outright, or ending with its name; the
    words that end touchpoints' names too ("Einfachheit der Kündigung",
    "Explanations were vague") only as the whole name."""
    from emomotiv.study import guess_roles

    assert guess_roles(columns) == roles


def test_a_question_of_a_feeling_is_the_outcome_before_one_of_a_line():
    """Variable labels read for the roles: q1 "Speed of your internet
    connection" was proposed as the outcome ahead of q20, "Do you feel
    emotionally connected to the brand?"."""
    from emomotiv.study import guess_roles

    questions = {
        "q1": "Speed of your internet connection",
        "q20": "Do you feel emotionally connected to the brand?",
    }
    assert guess_roles(["q1", "q20"], questions) == {"connection": "q20"}
    assert guess_roles(["q1"], questions) == {"connection": "q1"}  # the only one


def test_draft_study_with_a_catalog_does_not_ask_for_a_facets_list():
    """With a catalog, whose rows are the facets, the file does not tell
    the user to list them in 'facets' (which analyze refuses beside a
    catalog); the likely facets are still listed, to check the catalog."""
    text = draft_study(["connected", "q1", "q2"], survey="s.csv", catalog="f.csv")
    assert "without a catalog" not in text and "facets = [" not in text
    assert "the catalog names those ranked:\n#   q1, q2\n" in text
    assert "without a catalog" in draft_study(["connected", "q1"], survey="s.csv")
    # the catalog's facets known: those it names apart from those it leaves out
    text = draft_study(
        ["connected", "q1", "q2", "m1"], survey="s.csv", catalog="f.csv",
        ranked=["q1", "q2", "q9"],
    )  # fmt: skip
    assert "the catalog names 2 of them, which are ranked:\n#   q1, q2\n" in text
    assert "1 rating column the catalog does not name, left out" in text
    assert text.split("does not name")[1].split("\n")[1] == "#   m1"


def test_draft_study_reads_names_with_spaces_and_points_to_text_columns():
    columns = ["Resp. ID", "Overall NPS", "Market", "Comment", "Seat comfort", "Wi-Fi"]
    columns += ["Value for money", "ID check", "ltv_usd"]
    numeric = ["Overall NPS", "Seat comfort", "Wi-Fi", "Value for money", "ID check"]
    text = draft_study(columns, survey="s.csv", numeric=numeric + ["ltv_usd"])
    tables = tomllib.loads(text)
    assert tables["roles"] == {
        "id": "Resp. ID",
        "advocacy": "Overall NPS",
        "value": "ltv_usd",
        "facets": ["Seat comfort", "Wi-Fi", "Value for money", "ID check"],
    }
    roles = text.split("[roles]")[1].split("segment =")[0]
    assert "could be the segment" in roles and "#   Market, Comment" in roles
    # without the column types nothing is said about text columns
    assert "could be the segment" not in draft_study(columns, survey="s.csv")


def test_draft_study_lists_the_text_columns_beside_a_guessed_segment():
    """With the segment guessed by its name, the other text columns (an
    outcome answered Yes/No, ratings in words) are still listed: a column
    the file never mentions cannot be checked."""
    columns = ["id", "Segment", "Q40", "num0", "word0"]
    text = draft_study(columns, survey="s.csv", numeric=["id", "num0"])
    assert tomllib.loads(text)["roles"]["segment"] == "Segment"
    assert "# Text columns in no role" in text and "#   Q40, word0" in text


def test_roles_of_columns_named_by_codes_come_from_their_questions():
    """A platform's export names columns Q30, Q40 and gives the questions:
    the roles come from the questions' text; advocacy and churn, which the
    value link needs, stay comments when no value column is found."""
    from emomotiv.study import guess_roles

    columns = ["ResponseId", "Q5_1", "Q30", "Q31", "Q40"]
    questions = {
        "Q5_1": "How satisfied were you with: - Brand reputation",
        "Q30": "How likely are you to recommend Acme to a friend?",
        "Q31": "Overall, how satisfied are you with Acme?",
        "Q40": "I feel emotionally connected to Acme",
    }
    expected = {"connection": "Q40", "satisfaction": "Q31", "id": "ResponseId"}
    assert guess_roles(columns, questions) == expected | {"advocacy": "Q30"}
    assert guess_roles(columns) == {"id": "ResponseId"}
    numeric = columns[1:]
    text = draft_study(columns, numeric=numeric, questions=questions)
    assert tomllib.loads(text)["roles"] == expected | {"facets": ["Q5_1"]}
    assert '# advocacy = "Q30"  # needs the value' in text
    text = draft_study(columns + ["ltv"], numeric=numeric, questions=questions)
    assert tomllib.loads(text)["roles"]["advocacy"] == "Q30"


def test_draft_study_takes_the_one_amount_named_for_money_as_the_value():
    columns = ["Respondent ID", "Connected?", "Spend last year (£)", "Postcode"]
    amounts = ["Spend last year (£)", "Postcode"]
    text = draft_study(columns, numeric=amounts, not_ratings=amounts)
    assert tomllib.loads(text)["roles"]["value"] == "Spend last year (£)"
    # two such amounts: neither is guessed, both are listed
    columns += ["Sales (€)"]
    text = draft_study(columns, numeric=amounts, not_ratings=[*amounts, "Sales (€)"])
    assert "value" not in tomllib.loads(text)["roles"]
    listed = text.split("off a rating scale")[1].split("# value =")[0]
    assert "Spend last year (£), Postcode, Sales (€)" in listed
    # a column named by a code: its question speaks of money
    asked = {"Q12": "How much did you spend with us last year ($)?"}
    text = draft_study(["Q10", "Q12"], numeric=["Q12"], not_ratings=["Q12"])
    assert "value" not in tomllib.loads(text)["roles"]
    text = draft_study(
        ["Q10", "Q12"], numeric=["Q12"], not_ratings=["Q12"], questions=asked
    )
    assert tomllib.loads(text)["roles"]["value"] == "Q12"


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
    with pytest.raises(TypeError, match=r"'n_bot' \(did you mean 'n_boot'\?\)"):
        em.analyze(connection="connected", n_bot=3)


def test_a_study_built_directly_names_every_unknown_setting_and_its_near_match():
    """Study(...) and Study.replace(...) as analyze(...): every misspelt
    setting named, each with the one meant, not Python's bare TypeError."""
    with pytest.raises(TypeError) as err:
        Study(conection="connected", nboot=3, xyzzy=1)
    assert str(err.value) == (
        "Study() got unexpected keyword arguments 'conection' (did you mean "
        "'connection'?), 'nboot' (did you mean 'n_boot'?) and 'xyzzy'."
    )
    with pytest.raises(TypeError, match=r"Study\.replace\(\) .*'levl' \(did you mean"):
        Study().replace(levl=0.8)
    assert Study(connection="c", n_boot=3).replace(level=0.8).level == 0.8


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("n_boot", -1),
        ("level", 1.5),
        ("progress", "yes"),
        ("stated_form", "x"),
        ("derived_threshold", -1.0),
        ("stated_threshold", float("nan")),
        ("stated_scale", (10, 1)),
        ("connected_rule", "foo"),
        ("satisfied_threshold", "high"),
        ("promoter_threshold", None),
    ],
)
def test_check_refuses_out_of_range_options(option, value):
    with pytest.raises(ValueError, match=option):
        Study(**{option: value}).check()


def test_every_bad_option_is_named_at_once():
    problems = Study(
        connection="c",
        halo="meen",
        controls="region",
        min_segment_size=1,
        outcome_label="",
        n_jobs=0,
    ).problems()
    for name in ("halo", "controls", "min_segment_size", "outcome_label", "n_jobs"):
        assert any(f"'{name}' parameter" in p for p in problems), name


def test_an_address_for_a_client_is_a_problem_before_any_fit():
    """A scheduler's address is not a client: listed with the other
    problems, where analyze met it only after the model's fit."""
    problems = Study(connection="c", client="tcp://scheduler:8786").problems()
    assert any("'client' parameter" in p and "Client(" in p for p in problems)
    assert Study(connection="c", client=None).problems() == []


def test_a_population_without_a_value_is_refused_not_dropped():
    problems = Study(connection="connected", population=1e5).problems()
    assert any("'population' option (--population) needs" in p for p in problems)
    for worth in ({"value": "value"}, {"value_per_connected": 2_000.0}):
        assert Study(connection="connected", population=1e5, **worth).problems() == []


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
            "--n-jobs",
            "1",
        ]
    )
    study = _study(args)
    assert study.n_jobs == 1
    assert (study.survey, study.catalog, study.connection) == (
        "s.csv",
        "f.csv",
        "connected",
    )
    assert (study.n_boot, study.progress, study.budget) == (7, False, 100.0)


def test_repr_shows_only_the_settings_that_differ_from_the_defaults():
    study = em.Study(connection="connected", n_boot=20, model=em.DriverModel())
    assert repr(study) == "Study(connection='connected', n_boot=20)"
    assert repr(em.Study()) == "Study()"


def test_a_column_or_a_model_class_in_place_of_a_name_or_instance_is_named(small):
    weight = small.survey["weight"]
    study = em.Study(connection="connected", weight=weight, model=em.DriverModel)
    assert repr(study).startswith("Study(connection='connected', weight=0 ")
    problems = study.problems()
    assert problems == [
        "The 'weight' role must be a string naming a survey column; got a "
        "Series of shape (600,). Pass its name: weight='weight'.",
        "The 'model' parameter of analyze must be an emomotiv DriverModel, such "
        "as DriverModel(), or None. Got the class DriverModel: pass an instance, "
        "DriverModel().",
    ]
    assert em.Study(connection="c", model=em.DriverModel(cv=0)).problems() == []
    # an array has no name: it goes into the survey first
    (problem,) = em.Study(connection="c", weight=weight.to_numpy()).problems()
    assert problem.endswith(
        "Add it to the survey as a column (survey['weight'] = values, in the "
        "survey's row order) and pass its name: weight='weight'."
    )
    # another library's estimator: its settings go to a DriverModel
    from sklearn.linear_model import LogisticRegression

    for model in (LogisticRegression(), LogisticRegression):  # instance or class
        (problem,) = em.Study(connection="c", model=model).problems()
        assert "Got LogisticRegression: give its settings to DriverModel" in problem


def test_init_reads_ages_amounts_and_dates_in_a_survey_export(tmp_path):
    """Columns named as in most exports (underscores, words): an age and a
    tenure in years are not ratings, an amount whose name speaks of spend is
    the value, and a date column is no segment; the ratings stay facets."""
    import numpy as np
    import pandas as pd

    from emomotiv.cli import main

    rng = np.random.default_rng(1)
    n = 200
    survey = pd.DataFrame(
        {
            "ResponseId": [f"R_{i}" for i in range(n)],
            "StartDate": pd.date_range("2026-07-01", periods=n, freq="h").astype(str),
            "Age": rng.integers(18, 80, n),
            "Tenure_years": rng.integers(0, 20, n),
            "Region": rng.choice(["North", "South"], n),
            "connected": rng.integers(0, 2, n),
            "Annual_spend": rng.gamma(2, 500, n).round(2),
            "Q3_1 Website ease": rng.integers(1, 6, n),
            "Q3_2 App speed": rng.integers(1, 11, n),
            "brand_trust": rng.integers(5, 101, n),
            "Ease of finding the right number": rng.integers(1, 6, n),
            "Opening_days_convenience": rng.integers(1, 11, n),
        }
    )
    path = tmp_path / "export.csv"
    survey.to_csv(path, index=False)
    out = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    study = tomllib.loads(text)
    assert study["roles"]["value"] == "Annual_spend"
    facets = ["Q3_1 Website ease", "Q3_2 App speed", "brand_trust"]
    facets += ["Ease of finding the right number", "Opening_days_convenience"]
    assert study["roles"]["facets"] == facets
    segments = text.split("could be the segment")[1].split("segment =")[0]
    assert "Region" in segments and "StartDate" not in segments
    assert "StartDate" in text.split("too many answers to be a segment")[1]
    unassigned = text.split("in no role (")[1].split("facets")[0]
    assert "Age" in unassigned and "Tenure_years" in unassigned


def test_an_unknown_option_of_analyze_names_the_near_one():
    s = em.make_survey(n_respondents=200, n_facets=8, random_state=0)
    with pytest.raises(
        TypeError, match=r"analyze\(\) .*'n_bot' \(did you mean 'n_boot'\?\)"
    ):
        em.analyze(s.survey, s.catalog, connection="connected", n_bot=3)


def test_summary_study_reads_back_as_the_study_with_the_file_it_came_from():
    """``summary["study"]`` of a run from a study file holds the file's name
    beside the tables: it reads back as the settings, not as an unknown table."""
    study = Study(connection="connected", n_boot=7, stated_scale=(1, 5))
    record = {**study.to_dict(), "file": "study.toml"}
    assert Study.from_dict(record) == study


@pytest.mark.parametrize(
    ("key", "table", "said"),
    [
        ("n-boot", "options", "the flag --n-boot is written 'n_boot' in [options]"),
        ("seed", "options", "the flag --seed is written 'random_state = N'"),
        ("quiet", "options", "the flag --quiet is written 'progress = false'"),
        ("no-methods", "options", "is written 'methods = false'"),
        ("control", "roles", "the flag --control is written 'controls = [...]'"),
        ("out", "options", "give --out DIR on the command line"),
        ("min-segment-size", "roles", "'min_segment_size' in [options]"),
    ],
)
def test_a_key_written_as_a_flag_names_the_key_that_holds_it(
    tmp_path, key, table, said
):
    path = tmp_path / "study.toml"
    path.write_text(f"[{table}]\n{key} = 1\n", encoding="utf-8")
    with pytest.raises(em.ValidationError) as err:
        Study.from_toml(path)
    assert err.value.problems == [
        next(p for p in err.value.problems if said in p and f"'{key}'" in p)
    ]


def test_the_saved_study_file_leaves_out_what_the_record_does_not_hold(tmp_path):
    """``progress`` and ``n_jobs`` are not recorded: the output folder's
    study.toml writes them as comments, not as defaults that did not run."""
    from emomotiv.study import write_study_file

    record = Study(connection="connected", progress=False).to_dict()
    for name in ("n_jobs", "progress"):
        del record["options"][name]
    write_study_file(record, tmp_path / "study.toml")
    text = (tmp_path / "study.toml").read_text(encoding="utf-8")
    assert "# progress =\n" in text and "\nprogress =" not in text
    assert "progress" not in tomllib.loads(text)["options"]
    assert Study.from_toml(tmp_path / "study.toml").connection == "connected"


def test_a_saved_study_of_a_run_with_its_own_model_says_it_cannot_repeat_it(tmp_path):
    """A model is an object a study file cannot hold: the study.toml of such
    a run does not promise that 'analyze --study' repeats it."""
    from emomotiv.study import write_study_file

    record = {**Study(connection="c").to_dict(), "model": "DriverModel(max_depth=2)"}
    write_study_file(record, tmp_path / "study.toml")
    text = (tmp_path / "study.toml").read_text(encoding="utf-8")
    assert "Repeat it with: emomotiv analyze" not in text
    assert "a model of its own, DriverModel(max_depth=2)" in text
    assert "model=DriverModel(max_depth=2)" in text
    assert Study.from_toml(tmp_path / "study.toml") == Study(connection="c")
    assert Study.from_dict(record) == Study(connection="c")


def test_a_saved_study_without_a_survey_path_says_to_give_the_survey(tmp_path):
    """A run on a DataFrame records no survey path: the header told the user
    to repeat it with --study alone, which stops for want of a survey."""
    from emomotiv.study import write_study_file

    record = Study(connection="c").to_dict()
    write_study_file(record, tmp_path / "study.toml")
    text = (tmp_path / "study.toml").read_text(encoding="utf-8")
    said = "emomotiv analyze SURVEY [--catalog CATALOG] --study study.toml --out DIR"
    assert said in text and "Repeat it with:" not in text
    record = Study(connection="c", survey=str(tmp_path / "s.csv")).to_dict()
    write_study_file(record, tmp_path / "study.toml")
    text = (tmp_path / "study.toml").read_text(encoding="utf-8")
    assert "Repeat it with: emomotiv analyze --study study.toml --out DIR" in text


def test_a_saved_study_whose_catalog_was_a_dataframe_says_to_give_it(tmp_path):
    """A survey path and a catalog DataFrame: 'Repeat it with --study' ran
    without the catalog, on every rating column."""
    from emomotiv.pipeline import _recorded_study
    from emomotiv.study import write_study_file

    study = Study(connection="c")
    survey = str(tmp_path / "s.csv")
    record = _recorded_study(study, survey, pd.DataFrame({"facet": ["a"]}))
    assert record["catalog_given"] == "DataFrame"
    write_study_file(record, tmp_path / "study.toml")
    text = (tmp_path / "study.toml").read_text(encoding="utf-8")
    assert "Its catalog was given in Python (a DataFrame)" in text
    assert "emomotiv analyze --study study.toml --catalog CATALOG --out DIR" in text
    assert "Repeat it with:" not in text
    assert Study.from_dict(record) == Study(connection="c", survey=survey)
    assert "catalog_given" not in _recorded_study(study, survey, None)
    record["model"] = "DriverModel(max_depth=2)"  # with a model of its own too
    write_study_file(record, tmp_path / "study.toml")
    text = (tmp_path / "study.toml").read_text(encoding="utf-8")
    assert 'from_toml("study.toml"), catalog=CATALOG, model=DriverModel(' in text


def test_a_model_with_cv_as_a_generator_is_named_before_it_is_cloned(small):
    """analyze(model=DriverModel(cv=<generator>)) broke in clone with
    'cannot pickle generator'; the model's settings are checked first."""
    from sklearn.model_selection import KFold

    folds = KFold(3).split(small.survey)
    with pytest.raises(ValueError, match=r"'cv' parameter .* cv=list\(\.\.\.\)"):
        em.analyze(
            small.survey,
            small.catalog,
            model=em.DriverModel(cv=folds),
            n_boot=0,
            progress=False,
            **small.roles,
        )


def test_init_reads_a_qualtrics_export_by_its_questions_and_its_na_code(tmp_path):
    """A Qualtrics export: columns named by codes, the questions in the row
    under them. The amount whose question speaks of spend is the value, the
    column asked as "Weight" the weight; the 11 that numbers the 1-10
    matrix's "N/A" answer is declared for every column, however many chose
    it, never called a rating in the columns where it is most common."""
    import json

    import numpy as np

    from emomotiv.cli import main

    rng = np.random.default_rng(2)
    n = 60
    ratings = {f"Q5_{i}": rng.integers(1, 11, n) for i in range(1, 4)}
    ratings["Q5_1"][:3] = 11  # 5% non-users
    ratings["Q5_2"][:40] = 11  # two thirds, the others rating 3 to 10
    ratings["Q5_2"][40:] = np.tile(np.arange(3, 11), 3)[:20]
    ratings["Q5_3"][:18] = 11
    survey = pd.DataFrame(
        {
            "ResponseId": [f"R_{i}" for i in range(n)],
            **ratings,
            "Q10": rng.choice(["Yes", "No"], n),
            "Q12": rng.gamma(2, 500, n).round(2),
            "Q14": rng.uniform(0.5, 2, n).round(3),
        }
    )
    questions = {
        "ResponseId": "Response ID",
        **{c: f"How satisfied are you with each? - Item {c}" for c in ratings},
        "Q10": "Do you feel emotionally connected to the brand?",
        "Q12": "How much did you spend with us last year ($)?",
        "Q14": "Weight",
    }
    header = pd.DataFrame([questions, {c: json.dumps({"ImportId": c}) for c in survey}])
    path = tmp_path / "export.csv"
    pd.concat([header, survey.astype(str)]).to_csv(path, index=False)
    out = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    study = tomllib.loads(text)
    assert study["roles"]["value"] == "Q12" and study["roles"]["weight"] == "Q14"
    assert study["roles"]["facets"] == ["Q5_1", "Q5_2", "Q5_3"]
    assert study["options"]["not_experienced"] == ["11"]
    assert "is a\n# rating" not in text and "rating in" not in text


def test_a_study_file_s_paths_read_a_tilde_as_the_home_folder(tmp_path, monkeypatch):
    """survey = "~/survey.csv" was read as the folder '~' beside the study
    file, and the error named that path without saying why."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "jobs").mkdir()
    path = tmp_path / "jobs" / "study.toml"
    path.write_text('[inputs]\nsurvey = "~/q3/survey.csv"\ncatalog = "facets.csv"\n')
    study = Study.from_toml(path)
    assert study.survey == str(tmp_path / "home" / "q3" / "survey.csv")
    assert study.catalog == str(tmp_path / "jobs" / "facets.csv")
