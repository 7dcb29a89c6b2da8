"""Survey platforms' exports read as the tidy survey they hold: SurveyMonkey
(questions on the first row, each column's matrix statement or option on
the second) and Google Forms (grid columns "Question [Statement]"); stated
importance asked as a second matrix is matched to the facets by label."""

from __future__ import annotations

import csv
import json
import tomllib
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emomotiv as em
from emomotiv._validation import ValidationError
from emomotiv.cli import main
from emomotiv.readers import RATING_SCALES, response_names, select_columns

RATE = "How would you rate each of the following?"
IMPORTANT = "How important is each of the following to you?"
CONNECTED = "Do you feel emotionally connected to the brand?"
SPEND = "How much did you spend with us last year?"
QUALITY, IMPORTANCE = (
    next(list(scale) for scale in RATING_SCALES if scale[0] == lowest)
    for lowest in ("Very poor", "Not at all important")
)
FIELDS = ["Respondent ID", "Collector ID", "Start Date", "IP Address", "Custom Data 1"]


@pytest.fixture(scope="module")
def tidy():
    s = em.make_survey(n_respondents=400, n_facets=6, random_state=3)
    stated = em.make_survey(
        n_respondents=400, n_facets=6, random_state=3, stated_form="ratings"
    )
    survey = s.survey.join(stated.survey.filter(like="stated__"))
    return survey, s.catalog


def _export(survey, catalog, path, *, words=False) -> None:
    """``survey`` written as SurveyMonkey exports it: ratings as numbers or,
    with ``words``, as the labels of a five-point scale ("N/A" where a
    touchpoint was not used)."""
    n, labels = len(survey), list(catalog["label"])
    first, second = list(FIELDS), [""] * len(FIELDS)
    columns = [
        survey["respondent_id"],
        pd.Series(["431234567"] * n),
        pd.Series(["10/01/2026 10:02:11 AM"] * n),
        pd.Series([f"81.2.69.{i % 250}" for i in range(n)]),
        pd.Series([""] * n),
    ]

    def question(text, answers, cells):
        first.extend([text] + [""] * (len(answers) - 1))
        second.extend(answers)
        columns.extend(cells)

    question("Which best describes you?", ["Response"], [survey["customer_type"]])
    ratings = [survey[f] for f in catalog["facet"]]
    if words:
        ratings = [
            r.map(lambda v: "N/A" if np.isnan(v) else QUALITY[int(v + 1) // 2 - 1])
            for r in ratings
        ]
    question(RATE, labels, ratings)
    stated = [survey[f"stated__{f}"] for f in catalog["facet"]]
    if words:
        stated = [r.map(lambda v: IMPORTANCE[int(v) - 1]) for r in stated]
    question(IMPORTANT, labels, stated)
    yes = survey["connected"].map({1: "Yes", 0: "No"})
    question(CONNECTED, ["Response"], [yes])
    question(SPEND, ["Open-Ended Response"], [survey["value"]])
    body = pd.concat([c.reset_index(drop=True) for c in columns], axis=1)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerows([first, second])
        writer.writerows(body.astype(object).where(body.notna(), "").to_numpy())


def _analysis(survey, catalog, **roles) -> pd.DataFrame:
    result = em.analyze(
        survey,
        catalog,
        **roles,
        model=em.DriverModel(n_estimators=40, cv=2),
        n_boot=3,
        progress=False,
        random_state=0,
    )
    return result.drivers.sort_values("label").reset_index(drop=True)


def _export_catalog(catalog) -> pd.DataFrame:
    """The catalog of the export's columns: the rating matrix's statements."""
    return catalog.assign(facet=catalog["label"] + " (Q2)")


def test_an_export_gives_the_drivers_of_the_tidy_survey(tidy, tmp_path):
    survey, catalog = tidy
    path = tmp_path / "export.csv"
    _export(survey, catalog, path)
    read = em.read_table(path)
    meta = read.attrs["emomotiv"]
    assert meta["platform"] == ["Collector ID", "Start Date", "IP Address"]
    assert meta["labels"]["Mobile app (Q2)"] == "Mobile app"
    assert meta["labels"]["Mobile app (Q3)"] == "Mobile app"
    assert read["Mobile app (Q2)"].equals(survey["mobile_app"])

    expected = _analysis(survey, catalog, connection="connected", value="value")
    got = _analysis(
        path,
        _export_catalog(catalog),
        connection=CONNECTED,
        connected_values=["Yes"],
        value=SPEND,
        stated=["* (Q3)"],
    )
    for column in ("label", "importance", "rank", "stated_importance", "quadrant"):
        pd.testing.assert_series_equal(got[column], expected[column])


def test_a_workbook_export_reads_as_the_csv_export(tidy, tmp_path):
    pytest.importorskip("openpyxl", reason="the excel extra is needed")
    survey, catalog = tidy
    _export(survey.head(50), catalog, tmp_path / "export.csv", words=True)
    rows = pd.read_csv(
        tmp_path / "export.csv", header=None, dtype=str, keep_default_na=False
    )
    rows.to_excel(tmp_path / "export.xlsx", header=False, index=False)
    csv_read = em.read_table(tmp_path / "export.csv")
    xlsx_read = em.read_table(tmp_path / "export.xlsx")
    assert list(xlsx_read.columns) == list(csv_read.columns)
    assert xlsx_read.attrs["emomotiv"] == csv_read.attrs["emomotiv"]
    pd.testing.assert_frame_equal(
        xlsx_read.filter(like="(Q"), csv_read.filter(like="(Q")
    )


def test_init_then_analyze_with_no_edits(tidy, tmp_path, capsys):
    survey, catalog = tidy
    path = tmp_path / "export.csv"
    _export(survey, catalog, path, words=True)
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    text = study.read_text(encoding="utf-8")
    tables = tomllib.loads(text)
    roles, options = tables["roles"], tables["options"]
    assert roles["connection"] == CONNECTED and roles["id"] == "Respondent ID"
    assert roles["facets"] == [f"{label} (Q2)" for label in catalog["label"]]
    assert roles["stated"] == [f"{label} (Q3)" for label in catalog["label"]]
    assert options["connected_values"] == ["Yes"]
    assert options["not_experienced"] == ["N/A"]
    assert options["rating_labels"] == [QUALITY, IMPORTANCE]
    assert options["outcome_label"] == "emotionally connected"  # not the question
    platform = text.split("platform adds")[1].split("no answers")[0]
    assert all(f in platform for f in FIELDS[1:4])
    assert "Custom Data 1" in text.split("no answers")[1].split("stated =")[0]
    assert roles["value"] == SPEND  # the one amount whose name speaks of money

    out = tmp_path / "results"
    # the study file as init wrote it; a few replicates (a flag) for speed
    run = ["analyze", "--study", str(study), "--out", str(out), "--n-boot", "10"]
    assert main(run) == 0
    drivers = pd.read_csv(out / "drivers.csv")
    assert sorted(drivers["label"]) == sorted(catalog["label"])
    assert drivers["stated_importance"].notna().all()
    notes = json.loads((out / "summary.json").read_text())["data"]["scales"]
    assert any(
        "Stated importance read from 6 columns" in n
        and "'Brand reputation (Q3)' for 'Brand reputation (Q2)'" in n
        for n in notes
    ), notes
    assert "names the outcome by its column" not in capsys.readouterr().err
    assert "What drives “emotionally connected”" in (out / "report.html").read_text()


def test_init_then_analyze_numeric_ratings_with_no_edits(tidy, tmp_path):
    survey, catalog = tidy
    path = tmp_path / "export.csv"
    _export(survey, catalog, path)  # ratings as numbers
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    roles = tomllib.loads(study.read_text(encoding="utf-8"))["roles"]
    assert roles["facets"] == [f"{label} (Q2)" for label in catalog["label"]]
    out = tmp_path / "results"
    args = ["analyze", "--study", str(study), "--n-boot", "5", "--out", str(out)]
    assert main(args) == 0
    drivers = pd.read_csv(out / "drivers.csv")
    assert sorted(drivers["label"]) == sorted(catalog["label"])


def test_init_finds_a_numeric_importance_matrix_by_its_question(tidy, tmp_path):
    survey, catalog = tidy
    path = tmp_path / "export.csv"
    _export(survey, catalog, path)  # ratings and importance as numbers
    assert em.read_table(path).attrs["emomotiv"]["questions"]["Mobile app (Q3)"] == (
        IMPORTANT
    )
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    text = study.read_text(encoding="utf-8")
    assert tomllib.loads(text)["roles"]["stated"] == [
        f"{label} (Q3)" for label in catalog["label"]
    ]
    listed = text.split("likely facets")[1].split("# facets =")[0]
    assert "Mobile app (Q2)" in listed and "(Q3)" not in listed


def test_init_finds_a_qualtrics_importance_matrix(tmp_path):
    texts = ["Connected?"] + [f"{q} - {s}" for q in (RATE, IMPORTANT) for s in "AB"]
    lines = ["Q1,Q2_1,Q2_2,Q3_1,Q3_2", ",".join(f'"{t}"' for t in texts)]
    lines.append(",".join(f'"{{""ImportId"":""QID{i}""}}"' for i in range(5)))
    lines += ["1,4,5,2,3", "0,3,2,5,4", "1,5,4,3,3"]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    questions = em.read_table(path).attrs["emomotiv"]["questions"]
    assert questions["Q3_2"] == f"{IMPORTANT} - B"
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--out", str(study)]) == 0
    assert tomllib.loads(study.read_text())["roles"]["stated"] == ["Q3_1", "Q3_2"]


def test_init_finds_a_german_importance_matrix_and_a_value_with_its_currency(
    tmp_path,
):
    """'Wichtigkeit: Mobile App' asks for importance as 'Importance: ...'
    does, and 'Jahresumsatz (EUR)' is the annual revenue with its unit:
    init filed the first among columns to add as touchpoints and left the
    second in no role (no value link, a plan priced by nothing)."""
    lines = [
        "Kunden-Nr.;verbunden;Mobile App;Filiale;Wichtigkeit: Mobile App;"
        "Wichtigkeit: Filiale;Jahresumsatz (EUR)",
        "1;1;5;4;2;5;1200,50",
        "2;0;2;3;4;4;830,00",
        "3;1;4;5;3;5;2410,75",
        "4;0;3;2;5;2;0,00",
        "5;1;5;3;1;4;990,10",
        "6;0;1;2;4;3;455,00",
    ]
    path = tmp_path / "umfrage.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    study = tmp_path / "study.toml"
    assert main(["init", str(path), "--decimal", ",", "--out", str(study)]) == 0
    roles = tomllib.loads(study.read_text(encoding="utf-8"))["roles"]
    assert roles["stated"] == ["Wichtigkeit: Mobile App", "Wichtigkeit: Filiale"]
    assert roles["value"] == "Jahresumsatz (EUR)"


def test_stated_columns_that_match_no_facet_are_named(tidy, tmp_path):
    survey, catalog = tidy
    path = tmp_path / "export.csv"
    _export(survey, catalog, path)
    roles = {"connection": CONNECTED, "connected_values": ["Yes"]}
    with pytest.raises(ValidationError) as err:
        em.analyze(
            path,
            _export_catalog(catalog).iloc[1:],  # the first statement is no facet
            stated=[
                "* (Q3)",
                "Which best describes you?",
                "no such column",
                "Mobile app (Q2)",
            ],
            **roles,
        )
    problems = "\n".join(err.value.problems)
    assert "'Mobile app (Q2)' is a facet" in problems
    assert "'Brand reputation (Q3)' (label 'Brand reputation') matches no" in problems
    assert "'Which best describes you?'" in problems
    assert "No column matches 'no such column'" in problems

    twice = em.read_table(path).assign(**{"Mobile app": 3})
    twice.attrs = em.read_table(path).attrs
    with pytest.raises(ValidationError, match="both match the facet 'Mobile app"):
        em.analyze(
            twice,
            _export_catalog(catalog),
            stated=["Mobile app (Q3)", "Mobile app"],
            **roles,
        )


def test_response_names():
    assert response_names(
        ["Respondent ID", "", RATE, "", "Q?", "Spend?", "Use:", ""],
        ["", "", "App", "Web", "Response", "Open-Ended Response", "ISA", "Web"],
    ) == [
        "Respondent ID",
        "column 2",
        "App",
        "Web (Q1)",
        "Q?",
        "Spend?",
        "ISA",
        "Web (Q4)",
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "Rate:", "Rate:", "Which?", " "]),
            st.sampled_from(["", "Response", "App", "Web", "Open-Ended Response"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_response_names_are_unique_and_one_per_column(cells):
    questions, answers = zip(*cells, strict=True)
    names = response_names(questions, answers)
    assert len(names) == len(cells)
    assert len(set(names)) == len(names)
    assert all(name.strip() == name and name for name in names)


def test_a_tidy_file_with_a_respondent_id_is_not_an_export(tmp_path):
    path = tmp_path / "survey.csv"
    pd.DataFrame(
        {"Respondent ID": [1, 2], "Collector ID": [7, 7], "App": ["Good", "Poor"]}
    ).to_csv(path, index=False)
    assert not em.readers.is_platform_export(path)
    assert em.read_table(path)["App"].tolist() == ["Good", "Poor"]
    # nor when the first respondent has no id: the rest of the row is data
    path.write_text("Respondent ID,App,Spend\n,Good,120\n7,Poor,80\n")
    assert not em.readers.is_platform_export(path)


def test_a_second_header_row_of_question_texts_is_read_as_such(tmp_path):
    """A fieldwork agency's layout: codes as names, then a row of question
    texts over the data. The texts are the questions (and the labels), not
    a respondent; a file whose first respondent answered in words only is
    still data."""
    path = tmp_path / "survey.csv"
    path.write_text(
        "RespID,Q5_1,Q40,Weight\n"
        "Respondent,How satisfied are you with: Brand reputation,"
        "Do you feel emotionally connected to TelcoX?,Design weight\n"
        "1,7,Yes,0.8\n2,Satisfied,No,1.2\n"
    )
    frame = em.read_table(path)
    assert frame["RespID"].tolist() == [1, 2]
    assert frame["Weight"].tolist() == [0.8, 1.2]
    meta = frame.attrs["emomotiv"]
    assert meta["questions"]["Q40"] == "Do you feel emotionally connected to TelcoX?"
    assert meta["labels"]["Q5_1"] == "How satisfied are you with: Brand reputation"
    path.write_text("Name,App\nAnna,Good\nBen,Poor\n")
    assert em.read_table(path)["Name"].tolist() == ["Anna", "Ben"]


def _forms_sheet(survey, catalog) -> pd.DataFrame:
    """``survey`` as a Google Forms responses sheet: grid questions rated in
    words (empty where a touchpoint was not used), then rated for importance."""
    sheet = pd.DataFrame(
        {
            "Timestamp": "2026/10/01 10:02:11 AM GMT+1",
            "Email Address": [f"c{i}@example.com" for i in range(len(survey))],
            "Which best describes you?": survey["customer_type"],
        }
    )
    for facet, label in zip(catalog["facet"], catalog["label"], strict=True):
        sheet[f"{RATE} [{label}]"] = survey[facet].map(
            lambda v: None if np.isnan(v) else QUALITY[int(v + 1) // 2 - 1]
        )
    for facet, label in zip(catalog["facet"], catalog["label"], strict=True):
        sheet[f"{IMPORTANT} [{label}]"] = survey[f"stated__{facet}"].map(
            lambda v: IMPORTANCE[int(v) - 1]
        )
    sheet[CONNECTED] = survey["connected"].map({1: "Yes", 0: "No"})
    sheet[SPEND] = survey["value"]
    return sheet


def test_a_google_forms_sheet_reads_with_its_statements_as_labels(tidy, tmp_path):
    survey, catalog = tidy
    sheet = _forms_sheet(survey.head(40), catalog)
    sheet.to_csv(tmp_path / "forms.csv", index=False)
    read = em.read_table(tmp_path / "forms.csv")
    meta = read.attrs["emomotiv"]
    assert meta["platform"] == ["Timestamp", "Email Address"]
    assert meta["labels"][f"{RATE} [Mobile app]"] == "Mobile app"
    assert meta["labels"][f"{IMPORTANT} [Mobile app]"] == "Mobile app"
    assert len(meta["labels"]) == 2 * len(catalog)  # the grid columns only
    pd.testing.assert_frame_equal(read, sheet, check_dtype=False)
    pytest.importorskip("openpyxl", reason="the excel extra is needed")
    sheet.to_excel(tmp_path / "forms.xlsx", index=False)
    assert em.read_table(tmp_path / "forms.xlsx").attrs["emomotiv"] == meta
    # a "Timestamp" column alone does not make a sheet a platform's
    sheet[["Timestamp", CONNECTED]].to_csv(tmp_path / "plain.csv", index=False)
    assert not em.readers.is_platform_export(tmp_path / "plain.csv")


def test_init_then_analyze_a_google_forms_sheet_with_no_edits(tidy, tmp_path):
    survey, catalog = tidy
    _forms_sheet(survey, catalog).to_csv(tmp_path / "forms.csv", index=False)
    study = tmp_path / "study.toml"
    assert main(["init", str(tmp_path / "forms.csv"), "--out", str(study)]) == 0
    roles = tomllib.loads(study.read_text(encoding="utf-8"))["roles"]
    assert roles["facets"] == [f"{RATE} [{label}]" for label in catalog["label"]]
    assert roles["stated"] == [f"{IMPORTANT} [{label}]" for label in catalog["label"]]
    out = tmp_path / "results"
    args = ["analyze", "--study", str(study), "--out", str(out), "--n-boot", "5"]
    assert main(args) == 0
    drivers = pd.read_csv(out / "drivers.csv")
    assert sorted(drivers["label"]) == sorted(catalog["label"])
    assert drivers["stated_importance"].notna().all()


def test_a_column_name_selects_itself_brackets_and_all():
    columns = ["Rate [App]", "Rate [Web]", "q1"]
    assert select_columns(columns, ["Rate [App]"]) == ["Rate [App]"]
    assert select_columns(columns, ["Rate*", "q?"]) == columns


def test_a_semicolon_export_reads_as_the_comma_export(tidy, tmp_path):
    survey, catalog = tidy
    _export(survey.head(30), catalog, tmp_path / "export.csv", words=True)
    with open(tmp_path / "export.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with open(tmp_path / "semi.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    with pytest.warns(UserWarning, match="semicolon"):
        semi = em.read_table(tmp_path / "semi.csv")
    comma = em.read_table(tmp_path / "export.csv")
    pd.testing.assert_frame_equal(semi, comma)
    assert semi.attrs == comma.attrs


def test_a_utf16_tab_separated_export_reads_as_the_csv_export(tidy, tmp_path):
    """Qualtrics' TSV export and Excel's "Unicode text" are UTF-16 with a
    byte-order mark: read as such whatever encoding was passed."""
    survey, catalog = tidy
    _export(survey.head(40), catalog, tmp_path / "export.csv", words=True)
    with open(tmp_path / "export.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    comma = em.read_table(tmp_path / "export.csv")
    for name in ("export.tsv", "export.txt"):
        with open(tmp_path / name, "w", newline="", encoding="utf-16") as handle:
            csv.writer(handle, delimiter="\t").writerows(rows)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a tab-separated file says so
            tabbed = em.read_table(tmp_path / name, encoding="latin-1")
        pd.testing.assert_frame_equal(tabbed, comma)
        assert tabbed.attrs == comma.attrs
    plain = tmp_path / "plain.csv"
    survey.head(5).to_csv(plain, index=False, encoding="utf-16")
    assert em.read_table(plain)["respondent_id"].tolist() == list(
        survey["respondent_id"].head(5)
    )
    (tmp_path / "export.json").write_text("{}")
    with pytest.raises(ValueError, match=r"expected a \.csv, \.tsv, \.txt"):
        em.read_table(tmp_path / "export.json")
