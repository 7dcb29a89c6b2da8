"""Survey files as SPSS, Stata, Excel and survey platforms write them give
the same drivers as the equivalent tidy CSV."""

from __future__ import annotations

import datetime
import json
import re
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, range_indexes

import emomotiv as em
from emomotiv.cli import main
from emomotiv.readers import draft_catalog, read_spss, select_columns

pyreadstat = pytest.importorskip("pyreadstat", reason="the spss extra is needed")

NOT_APPLICABLE, REFUSED = 0.0, 99.0
ROLES = {"connection": "connected", "value": "value", "weight": "weight"}


@pytest.fixture(scope="module")
def tidy(tmp_path_factory):
    """The tidy CSV and its full catalog, and the drivers they give."""
    folder = tmp_path_factory.mktemp("tidy")
    s = em.make_survey(n_respondents=400, n_facets=8, random_state=3)
    survey = s.survey.drop(columns=["respondent_id", "wave", "customer_type"])
    survey.to_csv(folder / "survey.csv", index=False)
    s.catalog.to_csv(folder / "facets.csv", index=False)
    return folder, survey, s.catalog


def _drivers(survey, catalog) -> pd.DataFrame:
    result = em.analyze(
        survey,
        catalog,
        **ROLES,
        model=em.DriverModel(n_estimators=40, cv=2),
        n_boot=3,
        methods=False,
        progress=False,
    )
    return result.drivers


@pytest.fixture(scope="module")
def tidy_drivers(tidy):
    folder, _, _ = tidy
    return _drivers(folder / "survey.csv", folder / "facets.csv")


def _bare_catalog(catalog: pd.DataFrame) -> pd.DataFrame:
    """What a user writes when the file holds labels and scales: ids, stages."""
    return catalog[["facet", "stage", "stated_importance", "cost"]]


def _coded(survey, facets, seed=0):
    """Empty ratings coded as survey software does: 0 = not applicable, 99 =
    refused (both declared missing in the file)."""
    rng = np.random.default_rng(seed)
    coded = survey.copy()
    for facet in facets:
        empty = coded[facet].isna()
        codes = rng.choice([NOT_APPLICABLE, REFUSED], size=int(empty.sum()))
        coded.loc[empty, facet] = codes
    return coded


def _value_labels(facets):
    scale = {1.0: "Very poor", 10.0: "Excellent"}
    return {
        f: {NOT_APPLICABLE: "Not applicable", **scale, REFUSED: "Refused"}
        for f in facets
    }


def _write_sav(survey, catalog, path, missing) -> None:
    """The survey as SPSS writes it: codes, labels, declared missing codes."""
    facets = list(catalog["facet"])
    pyreadstat.write_sav(
        _coded(survey, facets),
        str(path),
        column_labels=dict(zip(catalog["facet"], catalog["label"], strict=True)),
        variable_value_labels=_value_labels(facets),
        missing_ranges={f: list(missing) for f in facets},
    )


def test_spss_with_value_labels_and_missing_codes_gives_the_same_drivers(
    tidy, tidy_drivers, tmp_path
):
    _, survey, catalog = tidy
    facets = list(catalog["facet"])
    assert (_coded(survey, facets)[facets] == REFUSED).any().any()
    path = tmp_path / "survey.sav"
    _write_sav(survey, catalog, path, [NOT_APPLICABLE, REFUSED])
    read = em.read_table(path)
    pd.testing.assert_frame_equal(
        read[facets], survey[facets], check_dtype=False, check_like=True
    )
    assert read.attrs["emomotiv"]["scales"][facets[0]] == (1.0, 10.0)
    bare = tmp_path / "facets.csv"
    _bare_catalog(catalog).to_csv(bare, index=False)
    got = _drivers(path, bare)
    pd.testing.assert_frame_equal(got, tidy_drivers, check_dtype=False)


def test_a_segment_s_codes_read_as_their_value_labels(tidy, tmp_path):
    """A .sav file's market codes 1, 2, 3 labelled "UK / IE", "Côte d'Ivoire"
    and "01" were ranked as segments 1, 2 and 3, their names nowhere."""
    from emomotiv.readers import read_survey

    _, survey, catalog = tidy
    path = tmp_path / "survey.sav"
    names = {1.0: "UK / IE", 2.0: "Côte d'Ivoire", 3.0: "01", 99.0: "Refused"}
    markets = np.resize([1.0, 2.0, 3.0, 4.0, np.nan, 99.0], len(survey))
    pyreadstat.write_sav(
        survey.assign(market=markets),
        str(path),
        variable_value_labels={"market": names, "connected": {1.0: "Yes"}},
        missing_ranges={"market": [99.0]},
    )
    read = read_survey(path, nominal="market")
    shown = ["UK / IE", "Côte d'Ivoire", "01", "4", None, None]
    assert read["market"].iloc[:6].replace({np.nan: None}).tolist() == shown
    assert read["connected"].equals(survey["connected"].astype(float))
    assert read_survey(path)["market"].iloc[0] == 1.0  # codes, unless nominal
    result = em.analyze(
        str(path), catalog, connection="connected", segment="market",
        min_segment_size=60, model=em.DriverModel(n_estimators=10, cv=0, n_jobs=1),
        n_boot=0, methods=False, progress=False,
    )  # fmt: skip
    assert set(result.tables["segment_drivers"]["segment"]) == set(shown[:4])


def test_unlabelled_segment_codes_keep_every_digit(tmp_path):
    """Codes without a value label were named with 6 digits: 1234567 and
    1234568 both became the segment '1.23457e+06'; and code 3, unlabelled,
    merged with code 2 labelled "3"."""
    path = tmp_path / "segments.sav"
    codes = [1.0, 1234567.0, 1234568.0, 2.5, 2.0, 3.0, np.nan]
    pyreadstat.write_sav(
        pd.DataFrame({"seg": codes, "q": range(len(codes))}),
        str(path),
        variable_value_labels={"seg": {1.0: "UK", 2.0: "3"}},
    )
    with pytest.warns(UserWarning, match="named 'code 3'"):
        read = read_spss(path, nominal="seg")["seg"]
    shown = ["UK", "1234567", "1234568", "2.5", "3", "code 3", None]
    assert read.replace({np.nan: None}).tolist() == shown


def test_not_experienced_codes_become_empty_where_the_file_labels_them(tmp_path):
    path = tmp_path / "survey.sav"
    frame = pd.DataFrame({"q1": [1.0, 0.0, 5.0, 99.0], "connected": [0.0, 1, 0, 1]})
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={"q1": {0: "n/a", 1: "Poor", 5: "Great", 99: "DK"}},
        missing_ranges={"q1": [99]},
    )
    kept = read_spss(path)
    assert kept["q1"].tolist()[:3] == [1.0, 0.0, 5.0] and np.isnan(kept["q1"][3])
    # 0 is labelled "n/a": a non-answer, never a point of the scale (left as
    # a number, validation names it as off the scale until it is declared)
    assert kept.attrs["emomotiv"]["scales"]["q1"] == (1.0, 5.0)
    blanked = read_spss(path, not_experienced=[0])
    assert blanked["q1"].isna().tolist() == [False, True, False, True]
    assert blanked.attrs["emomotiv"]["scales"]["q1"] == (1.0, 5.0)
    # The outcome's 0 is never a code: its column labels no such value.
    assert blanked["connected"].tolist() == [0.0, 1, 0, 1]


SAV_FACETS = ["q1", "q2", "q3", "q4"]


def _rated_sav(path, **written) -> em.AnalysisResult:
    """The analysis of a .sav file of 240 respondents: 1-5 ratings ``q1`` to
    ``q4`` (9 = "Don't know", declared missing, in 20 cells of q1 and q3),
    a 0/1 ``conn``, written with ``written`` (variable labels)."""
    rng = np.random.default_rng(2)
    ratings = rng.integers(1, 6, size=(240, 4)).astype(float)
    ratings[::20, 0] = ratings[1::30, 2] = 9.0
    frame = pd.DataFrame(ratings, columns=SAV_FACETS)
    frame["conn"] = (ratings[:, 1:].sum(axis=1) + rng.normal(size=240) > 9) * 1.0
    scale = {1.0: "Very poor", 3.0: "Fair", 5.0: "Excellent", 9.0: "Don't know"}
    pyreadstat.write_sav(
        frame, str(path), variable_value_labels=dict.fromkeys(SAV_FACETS, scale),
        missing_ranges=dict.fromkeys(SAV_FACETS, [9.0]), **written,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return em.analyze(
            str(path), connection="conn", facets=SAV_FACETS,
            model=em.DriverModel(n_estimators=10, cv=0, n_jobs=1),
            n_boot=0, methods=False, progress=False,
        )  # fmt: skip


def test_declared_missing_codes_in_the_facets_are_counted_apart(tmp_path):
    """SPSS user-missing codes (9 = "Don't know") emptied facet cells without
    a word. They are counted now, per code and label, in the facets only (not
    income's 99), and not as not experienced: the partial completes, every
    facet -99 = "Not answered", are still warned about."""
    rng = np.random.default_rng(6)
    frame = pd.DataFrame(rng.integers(1, 6, (120, 4)) * 1.0, columns=SAV_FACETS)
    frame["conn"] = (frame["q1"] + rng.normal(size=120) > 3) * 1.0
    frame.loc[:9, SAV_FACETS] = -99.0
    frame.loc[20:27, "q2"] = frame.loc[30:31, "q4"] = 9.0
    frame.loc[31, "conn"] = np.nan  # left out: its 9 is not counted
    frame["income"] = np.where(np.arange(120) % 7, 2.0, 99.0)
    scale = {-99: "Not answered", 1: "Poor", 5: "Great", 9: "Don't know"}
    labels = dict.fromkeys(SAV_FACETS, scale) | {"income": {99: "Refused"}}
    declared = dict.fromkeys(SAV_FACETS, [-99, 9]) | {"income": [99]}
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(
        frame, str(path), variable_value_labels=labels, missing_ranges=declared
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.analyze(
            str(path), connection="conn", facets=SAV_FACETS, n_boot=0,
            model=em.DriverModel(n_estimators=10, cv=0, n_jobs=1), methods=False,
            progress=False,
        )  # fmt: skip
    data = result.summary["data"]
    said = (
        "Read the file's declared missing values -99 (Not answered: 40 cells) and "
        "9 (Don't know: 9 cells) as empty: 49 cells in 4 facets: 'q1' (10), "
        "'q2' (18), 'q3' (10), 'q4' (11)."
    )
    assert said in data["scales"] and data["not_experienced"] is None
    assert any("10 respondents answered the outcome but left every facet" in w
               for w in result.summary["warnings"])  # fmt: skip
    # a column the analysis does not use, dropped or filled, changes nothing
    from emomotiv.readers import declared_missing_note, read_stata

    read = read_spss(path)
    for edited in (read.drop(columns="income"), read.fillna({"income": 0})):
        assert declared_missing_note(edited, SAV_FACETS)[0].endswith("'q4' (12).")
    # Stata's .a-.z, read as empty, are counted alike
    stata = tmp_path / "survey.dta"
    q1 = frame["q1"].astype(object).where(frame["q1"] > 0, "a")
    pyreadstat.write_dta(
        frame.assign(q1=q1)[["q1", "conn"]], str(stata),
        missing_user_values={"q1": ["a"]},
        variable_value_labels={"q1": {1: "Poor", 5: "Great", "a": "Not answered"}},
    )  # fmt: skip
    assert declared_missing_note(read_stata(stata), ["q1"]) == [
        "Read the file's declared missing value .a (Not answered) as empty: "
        "10 cells in 1 facet: 'q1' (10)."
    ]


def test_variable_labels_are_cut_of_their_shared_question(tmp_path):
    """Facets took their variable labels whole ("How would you rate:
    Welcome call"), where column names are cut to their own words. The
    outcome's variable label is quoted in the warning that asks for a short
    name, not taken as the name (a label such as "S5. Emotionally connected
    (1=Yes, 0=No)" would title the report)."""
    from emomotiv.readers import draft_catalog, read_spss

    touchpoints = ["Account opening", "Welcome call", "Mobile app", "Fees"]
    labels = {
        f"q{i + 1}": f"How would you rate: {t}" for i, t in enumerate(touchpoints)
    }
    labels["conn"] = "Feel connected to the bank"
    path = tmp_path / "survey.sav"
    result = _rated_sav(path, column_labels=labels)
    assert sorted(result.drivers["label"]) == sorted(touchpoints)
    assert result.summary["data"]["outcome_label"] == "conn"
    said = "a code, for the question 'Feel connected to the bank'"
    assert any(said in w for w in result.summary["warnings"])
    # a column whose name says what it is needs no short name: no warning
    frame = pd.DataFrame({"q1": [1.0, 5, 3, 4] * 60, "connected": [0.0, 1] * 120})
    named_sav = tmp_path / "named.sav"
    pyreadstat.write_sav(
        frame, str(named_sav), column_labels={"connected": "Feel connected to the bank"}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        named = em.analyze(
            str(named_sav), connection="connected", facets=["q1"], n_boot=0,
            model=em.DriverModel(n_estimators=10, cv=0), methods=False,
            progress=False,
        )  # fmt: skip
    assert not any("names the outcome" in w for w in named.summary["warnings"])
    drafted = draft_catalog(read_spss(path), SAV_FACETS)
    assert drafted["label"].tolist() == touchpoints


def test_value_labels_numbered_from_the_best_down_are_warned(tmp_path, capsys):
    from emomotiv.cli import main
    from emomotiv.readers import label_order_warnings

    best_first = {1: "Excellent", 2: "Very good", 3: "Good", 4: "Fair", 5: "Poor"}
    worst_first = {k: best_first[6 - k] for k in best_first}
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "q1": rng.integers(1, 6, 60).astype(float),
            "q2": rng.integers(1, 6, 60).astype(float),
            "connected": np.tile([0.0, 1.0], 30),
        }
    )
    path = tmp_path / "survey.sav"
    labels = {"q1": best_first, "q2": worst_first}
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels)
    (warning,) = label_order_warnings(read_spss(path))
    assert "in 1 column: 'q1' ('q1': 1 = Excellent ... 5 = Poor)" in warning
    pd.DataFrame({"facet": ["q1", "q2"]}).to_csv(tmp_path / "f.csv", index=False)
    args = ["validate", str(path), "--catalog", str(tmp_path / "f.csv")]
    assert main([*args, "--connection", "connected"]) == 0
    assert "best to worst in 1 column" in capsys.readouterr().err
    labels = {"q1": worst_first, "q2": worst_first}
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels)
    assert label_order_warnings(read_spss(path)) == []


def test_german_school_grades_coded_from_one_are_warned(tmp_path):
    """German grades run 1 = "sehr gut" to 6 = "ungenügend": a higher code is
    a worse rating."""
    from emomotiv.readers import label_order_warnings

    grades = ["sehr gut", "gut", "befriedigend", "ausreichend", "mangelhaft"]
    frame = pd.DataFrame({"note": np.tile(np.arange(1.0, 6.0), 6)})
    path = tmp_path / "noten.sav"
    labels = {"note": dict(enumerate(grades, start=1))}
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels)
    (warning,) = label_order_warnings(read_spss(path))
    assert "'note': 1 = sehr gut ... 5 = mangelhaft" in warning


def test_stata_gives_the_same_drivers(tidy, tidy_drivers, tmp_path):
    folder, survey, catalog = tidy
    path = tmp_path / "survey.dta"
    pyreadstat.write_dta(
        survey,
        str(path),
        column_labels=dict(zip(catalog["facet"], catalog["label"], strict=True)),
    )
    got = _drivers(path, folder / "facets.csv")
    pd.testing.assert_frame_equal(got, tidy_drivers, check_dtype=False)


def test_stata_extended_missing_values_are_empty_cells(tmp_path, capsys):
    """Stata's .a-.z came in as their letters ("a"), and validation refused
    the rating column as text; a Stata user expects them empty, as "." is."""
    from emomotiv.readers import read_stata

    rng = np.random.default_rng(4)
    q1 = rng.integers(1, 6, 120).astype(float).astype(object)
    q1[::10], q1[5::20] = "a", "b"
    frame = pd.DataFrame({"q1": q1, "q2": rng.integers(1, 6, 120) * 1.0})
    frame["connected"] = np.tile([0.0, 1.0], 60)
    path = tmp_path / "survey.dta"
    pyreadstat.write_dta(
        frame, str(path), missing_user_values={"q1": ["a", "b"]},
        variable_value_labels={"q1": {1: "Poor", 5: "Excellent", "a": "Don't know"}},
    )  # fmt: skip
    read = read_stata(path)
    assert read["q1"].dtype == float and int(read["q1"].isna().sum()) == 18
    assert read["q1"].dropna().tolist() == [v for v in q1 if not isinstance(v, str)]
    assert read.attrs["emomotiv"]["scales"]["q1"] == (1.0, 5.0)
    pd.DataFrame({"facet": ["q1", "q2"]}).to_csv(tmp_path / "f.csv", index=False)
    args = ["validate", str(path), "--catalog", str(tmp_path / "f.csv")]
    assert main([*args, "--connection", "connected"]) == 0, capsys.readouterr().err


def test_a_date_variable_beside_stata_missing_values_is_read(tmp_path):
    """A date variable comes in as date objects: it was cast to numbers with
    the letters' columns, and every SPSS or Stata file holding one failed."""
    from emomotiv.readers import read_spss, read_stata

    frame = pd.DataFrame(
        {"q1": [1.0, 5.0, 3.0], "interview": [datetime.date(2026, 1, 5), None, None]}
    )
    for name, write, read in (
        ("s.sav", pyreadstat.write_sav, read_spss),
        ("s.dta", pyreadstat.write_dta, read_stata),
    ):
        write(frame, str(tmp_path / name))
        got = read(tmp_path / name)
        assert got["q1"].tolist() == [1.0, 5.0, 3.0]
        assert got["interview"].iloc[0] == datetime.date(2026, 1, 5)


def test_a_declared_missing_code_labelled_in_one_column_is_named_once(tmp_path):
    """.a labelled "Don't know" in q1 and unlabelled in q2 read as two codes:
    ".a (Don't know: 2 cells), .b (Refused: 1 cell) and .a (1 cell)"."""
    from emomotiv.readers import declared_missing_note, read_stata

    q1 = np.array([1.0, "a", 5.0, "a", "b", 3.0], dtype=object)
    q2 = np.array([2.0, 4.0, "a", 1.0, 2.0, 3.0], dtype=object)
    path = tmp_path / "s.dta"
    pyreadstat.write_dta(
        pd.DataFrame({"q1": q1, "q2": q2}), str(path),
        missing_user_values={"q1": ["a", "b"], "q2": ["a"]},
        variable_value_labels={"q1": {1: "Poor", 5: "Good", "a": "Don't know",
                                      "b": "Refused"}},
    )  # fmt: skip
    (note,) = declared_missing_note(read_stata(path), ["q1", "q2"])
    assert ".a (Don't know: 3 cells) and .b (Refused: 1 cell) as empty" in note
    assert note.count(".a") == 1


def _platform_rows(survey, catalog):
    labels = dict(zip(catalog["facet"], catalog["label"], strict=True))
    text = [
        f"How would you rate each of these? - {labels[c]}" if c in labels else c
        for c in survey.columns
    ]
    ids = [json.dumps({"ImportId": f"QID{i}"}) for i in range(len(survey.columns))]
    return text, ids


def test_three_header_row_export_gives_the_same_drivers(tidy, tidy_drivers, tmp_path):
    _, survey, catalog = tidy
    text, ids = _platform_rows(survey, catalog)
    path = tmp_path / "export.csv"
    header = pd.DataFrame([text, ids], columns=survey.columns)
    pd.concat([header, survey.astype(object)]).to_csv(path, index=False)
    assert em.read_table(path).attrs["emomotiv"]["labels"]["brand_reputation"] == (
        "Brand reputation"
    )
    bare = tmp_path / "facets.csv"
    _bare_catalog(catalog).assign(
        scale_min=catalog["scale_min"], scale_max=catalog["scale_max"]
    ).to_csv(bare, index=False)
    got = _drivers(path, bare)
    pd.testing.assert_frame_equal(got, tidy_drivers, check_dtype=False)


def test_excel_gives_the_same_drivers(tidy, tidy_drivers, tmp_path):
    pytest.importorskip("openpyxl", reason="the excel extra is needed")
    folder, survey, _ = tidy
    path = tmp_path / "survey.xlsx"
    survey.to_excel(path, index=False)
    got = _drivers(path, folder / "facets.csv")
    pd.testing.assert_frame_equal(got, tidy_drivers, check_dtype=False)


def test_a_workbook_of_several_sheets_says_which_it_read(tidy, tmp_path, capsys):
    pytest.importorskip("openpyxl", reason="the excel extra is needed")
    from emomotiv.cli import main

    folder, survey, _ = tidy
    path = tmp_path / "survey.xlsx"
    with pd.ExcelWriter(path) as book:
        about = pd.DataFrame({"About": ["Export 2026-Q3"]})
        about.to_excel(book, sheet_name="Info", index=False)
        survey.to_excel(book, sheet_name="Data", index=False)
    first = em.read_table(path)
    assert list(first.columns) == ["About"]
    note = first.attrs["emomotiv"]["sheet"]
    assert "Read sheet 'Info' of the 2 in 'survey.xlsx' ('Info', 'Data')" in note
    data = em.read_table(path, sheet="Data")
    assert data.shape == survey.shape
    assert em.read_table(path, sheet=1).shape == survey.shape
    with pytest.raises(em.ValidationError, match="no sheet 'Nope'; its sheets: 'Info'"):
        em.read_table(path, sheet="Nope")
    args = ["validate", str(path), "--catalog", str(folder / "facets.csv")]
    args += ["--connection", "connected"]
    assert main(args) == 2  # the first sheet: its problems, and which it is
    err = capsys.readouterr().err
    assert "Read sheet 'Info'" in err
    # which sheet was read is said under the problems, not counted as one
    assert "  - Read sheet" not in err
    with pytest.raises(em.ValidationError) as caught:
        em.analyze(path, folder / "facets.csv", connection="connected")
    assert not any("Read sheet" in p for p in caught.value.problems)
    assert caught.value.context.startswith("Read sheet 'Info' of the 2")
    analysis = ["analyze", *args[1:], "--out", str(tmp_path / "out")]
    assert main(analysis) == 2  # analyze says which sheet it read too
    assert "Read sheet 'Info' of the 2" in capsys.readouterr().err
    assert main([*args, "--sheet", "Data"]) == 0
    assert "Read sheet 'Data' of the 2" in capsys.readouterr().out
    assert any("'sheet' parameter" in p for p in em.Study(sheet=-1).problems())


def test_a_catalog_on_a_sheet_of_the_survey_workbook_is_read(tidy, tmp_path, capsys):
    """One workbook of Data and Catalog sheets: the command line could not
    name the catalog's sheet, and the error pointed to --sheet, which moved
    the survey instead."""
    pytest.importorskip("openpyxl", reason="the excel extra is needed")
    from emomotiv.cli import main

    folder, survey, _ = tidy
    catalog = pd.read_csv(folder / "facets.csv")
    path = tmp_path / "acme.xlsx"
    with pd.ExcelWriter(path) as book:
        survey.to_excel(book, sheet_name="Data", index=False)
        catalog.to_excel(book, sheet_name="Catalog", index=False)
    args = ["validate", str(path), "--catalog", str(path), "--connection", "connected"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Catalog: Read sheet 'Data' of the 2 in 'acme.xlsx'" in err
    assert "  - Catalog: Read sheet" not in err  # said, not counted
    assert "catalog_sheet=... (--catalog-sheet NAME)" in err
    assert main([*args, "--catalog-sheet", "Catalog"]) == 0
    assert "OK:" in capsys.readouterr().out
    assert any(
        "'catalog_sheet' parameter" in p for p in em.Study(catalog_sheet=-1).problems()
    )


def test_rows_hidden_in_excel_are_read_and_said(tmp_path):
    """Test answers hidden in Excel rather than deleted were read as
    respondents without a word."""
    openpyxl = pytest.importorskip("openpyxl", reason="the excel extra is needed")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["id", "app", "connected"])
    for i in range(12):
        sheet.append([f"r{i}", i % 10 + 1, i % 2])
    sheet.append([])
    sheet.append(["Source: FieldCo"])
    for row in (3, 4, 9, 15, 16, 30):  # and a blank row, the footer, past it
        sheet.row_dimensions[row].hidden = True
    path = tmp_path / "survey.xlsx"
    book.save(path)
    frame = em.read_table(path)
    assert len(frame) == 12  # read, as they are in the file
    note = frame.attrs["emomotiv"]["sheet"]
    assert "3 rows of sheet 'Data' are hidden in Excel (rows 3, 4, 9) and" in note
    sheet.row_dimensions[3].hidden = sheet.row_dimensions[9].hidden = False
    book.save(path)
    assert "(row 4) and read" in em.read_table(path).attrs["emomotiv"]["sheet"]
    sheet.row_dimensions[4].hidden = False
    book.save(path)
    assert "hidden" not in em.read_table(path).attrs["emomotiv"]["sheet"]


def test_a_title_above_a_sheets_header_is_skipped_and_said(tidy, tmp_path):
    openpyxl = pytest.importorskip("openpyxl", reason="the excel extra is needed")
    _, survey, _ = tidy
    path = tmp_path / "survey.xlsx"
    survey.to_excel(path, sheet_name="Data", index=False, startrow=2)
    book = openpyxl.load_workbook(path)
    book["Data"]["A1"] = "Customer survey Q3 2026 - export"
    book.save(path)
    read = em.read_table(path)
    pd.testing.assert_frame_equal(read, survey, check_dtype=False)
    note = read.attrs["emomotiv"]["sheet"]
    assert "Skipped 2 rows above the header of sheet 'Data'" in note
    assert "'Customer survey Q3 2026 - export'" in note


def test_a_tidy_csv_is_not_mistaken_for_an_export(tidy):
    folder, survey, _ = tidy
    assert em.read_table(folder / "survey.csv").shape == survey.shape
    assert not em.read_table(folder / "survey.csv").attrs


def test_catalog_command_drafts_labels_and_scales(tidy, tmp_path, capsys):
    _, survey, catalog = tidy
    facets = list(catalog["facet"])
    path = tmp_path / "survey.sav"
    _write_sav(survey, catalog, path, [REFUSED])
    out = tmp_path / "facets.csv"
    spec = f"{facets[0]},{facets[1][:4]}*"
    code = main(
        [
            "catalog",
            str(path),
            "--facets",
            spec,
            "--not-experienced",
            "0",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    drafted = pd.read_csv(out)
    want = select_columns(survey.columns, spec)
    assert drafted["facet"].tolist() == want
    labels = catalog.set_index("facet")["label"]
    assert drafted["label"].tolist() == labels[want].tolist()
    assert (drafted["scale_min"] == 1).all() and (drafted["scale_max"] == 10).all()
    assert (
        main(
            [
                "catalog",
                str(path),
                "--facets",
                "nothing_*",
                "--out",
                str(tmp_path / "x.csv"),
            ]
        )
        == 2
    )
    assert "No column matches 'nothing_*'" in capsys.readouterr().err


def test_draft_catalog_without_labels_uses_ids_and_the_scale_analysis_reads():
    survey = pd.DataFrame(
        {"q1": [2, 4, 0, 7], "q2": [1, 3, 5, np.nan], "q3": [2, 9, 5, 99]}
    )
    table = draft_catalog(survey, ["q1", "q2", "q3"], not_experienced=[0])
    assert table["label"].tolist() == ["q1", "q2", "q3"]
    scales = table[["scale_min", "scale_max"]].values.tolist()
    assert scales == [[1, 7], [1, 5], [1, 10]]


def test_a_drafted_scale_that_analysis_would_warn_about_is_warned_about():
    """The drafted catalog declares the scale, so analysis no longer warns:
    a 6 past 1-5 answers (a platform's "not applicable") is warned about
    when the catalog is drafted; declared not experienced, it is not."""
    survey = pd.DataFrame({"q1": [1, 2, 3, 4, 5] * 6 + [6] * 3})
    with pytest.warns(UserWarning, match='ratings of 6.*--not-experienced "6"'):
        table = draft_catalog(survey, ["q1"])
    assert table[["scale_min", "scale_max"]].values.tolist() == [[1, 7]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = draft_catalog(survey, ["q1"], not_experienced=[6])
    assert table[["scale_min", "scale_max"]].values.tolist() == [[1, 5]]


def test_a_drafted_scale_fits_next_wave_and_a_narrow_one_is_widened(tmp_path, capsys):
    """A 1-10 question answered 2-9 is drafted 1-10, written as integers (not
    2.0,9.0, which next wave's 1s and 10s would break); under a 2-9 catalog
    the hint is to widen it, never to declare 10 "not experienced", which
    would drop every top rating."""
    wave1, wave2 = tmp_path / "wave1.csv", tmp_path / "wave2.csv"
    pd.DataFrame({"q1": [2, 5, 9, 3] * 10, "connected": [0, 1] * 20}).to_csv(
        wave1, index=False
    )
    out = tmp_path / "facets.csv"
    assert main(["catalog", str(wave1), "--facets", "q1", "--out", str(out)]) == 0
    assert out.read_text().splitlines()[1] == "q1,q1,,1,10"
    ratings = list(range(1, 11)) * 4
    ratings[0] = 99
    pd.DataFrame({"q1": ratings, "connected": [0, 1] * 20}).to_csv(wave2, index=False)
    out.write_text("facet,scale_min,scale_max\nq1,2,9\n")
    argv = ["validate", str(wave2), "--catalog", str(out), "--connection", "connected"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert '--not-experienced "99".' in err
    assert "1 and 10 are just past the scale: fix them, or widen the scale in " in err
    assert "(scale_min 1, scale_max 10)" in err


def test_catalog_takes_not_experienced_codes_as_analyze_does(tmp_path):
    """``catalog --not-experienced "0,99"`` (the comma-separated form analyze
    and validate take) declares both codes, as ``0 99`` does: the drafted
    scale is that of the ratings, 1-5, not 0-10 from the codes read as
    ratings."""
    path = tmp_path / "survey.csv"
    pd.DataFrame({"q1": [1, 3, 5, 0, 99, 2] * 5}).to_csv(path, index=False)
    rows = []
    for codes in (["0,99"], ["0", "99"]):
        out = tmp_path / "facets.csv"
        argv = ["catalog", str(path), "--facets", "q1", "--out", str(out), "--force"]
        assert main([*argv, "--not-experienced", *codes]) == 0
        rows.append(out.read_text().splitlines()[1])
    assert rows == ["q1,q1,,1,5", "q1,q1,,1,5"]


def test_analyze_passes_the_study_not_experienced_codes_to_the_reader(
    tidy, tidy_drivers, tmp_path
):
    """0 = "not applicable" is labelled but not declared missing in the file:
    the study's not-experienced codes make it empty and keep it off the scale."""
    import dataclasses

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class WithCodes(em.Study):
        not_experienced: tuple | None = None

    _, survey, catalog = tidy
    path = tmp_path / "survey.sav"
    _write_sav(survey, catalog, path, [REFUSED])
    bare = tmp_path / "facets.csv"
    _bare_catalog(catalog).to_csv(bare, index=False)
    study = WithCodes(not_experienced=(NOT_APPLICABLE,), methods=False, **ROLES)
    result = em.analyze(
        path,
        bare,
        study=study,
        model=em.DriverModel(n_estimators=40, cv=2),
        n_boot=3,
        progress=False,
    )
    pd.testing.assert_frame_equal(result.drivers, tidy_drivers, check_dtype=False)


def test_excel_with_platform_header_rows(tidy, tmp_path):
    pytest.importorskip("openpyxl", reason="the excel extra is needed")
    _, survey, catalog = tidy
    text, ids = _platform_rows(survey, catalog)
    path = tmp_path / "export.xlsx"
    header = pd.DataFrame([text, ids], columns=survey.columns)
    pd.concat([header, survey.astype(object)]).to_excel(path, index=False)
    read = em.read_table(path)
    assert read.attrs["emomotiv"]["labels"]["brand_reputation"] == "Brand reputation"
    pd.testing.assert_frame_equal(read, survey, check_dtype=False)


@pytest.mark.parametrize(
    ("header", "labels"),
    [
        # question text (over two lines) then import ids
        (
            '"Rate this\nplease - Welcome note","Rate - Videos"\n'
            '"{""ImportId"":""QID1""}","{""ImportId"":""QID2"",""x"":1}"\n',
            {"q1": "Welcome note", "q2": "Videos"},
        ),
        # import ids then question text
        (
            '"{""ImportId"":""QID1""}","{""ImportId"":""QID2""}"\n'
            '"Welcome note","Videos"\n',
            {"q1": "Welcome note", "q2": "Videos"},
        ),
        # import ids only
        ('"{""ImportId"":""QID1""}","{""ImportId"":""QID2""}"\n', {}),
    ],
)
def test_platform_header_layouts(tmp_path, header, labels):
    path = tmp_path / "export.csv"
    path.write_text("q1,q2\n" + header + "5,7\n3,\n", encoding="utf-8")
    read = em.read_table(path)
    assert read["q1"].tolist() == [5, 3]
    assert read["q2"].isna().tolist() == [False, True]
    assert read.attrs["emomotiv"]["labels"] == labels


@settings(max_examples=40, deadline=None)
@given(
    frame=data_frames(
        columns=[
            column("id", elements=st.text(max_size=8)),
            column("q1", elements=st.one_of(st.none(), st.integers(1, 10))),
            column("note", elements=st.text(max_size=12)),
        ],
        index=range_indexes(min_size=1, max_size=8),
    )
)
def test_a_tidy_csv_reads_as_pandas_reads_it(tmp_path_factory, frame):
    """Text cells of any content short of import ids do not make a
    one-header CSV look like an export: read_table gives what pandas gives
    with emomotiv's reading of cells: only an empty cell is missing ("NA",
    "null", "n/a" stay text, for the not-experienced check to see),
    true/false stay text, and a row of empty cells only is dropped, as a
    blank line is."""
    path = tmp_path_factory.mktemp("tidy") / "survey.csv"
    frame.to_csv(path, index=False)
    options = {"keep_default_na": False, "na_values": [""]}
    expected = pd.read_csv(path, **options).dropna(how="all").reset_index(drop=True)
    flags = [c for c in expected if pd.api.types.is_bool_dtype(expected[c])]
    if flags:
        expected[flags] = pd.read_csv(path, usecols=flags, dtype=str, **options)
    pd.testing.assert_frame_equal(em.read_table(path), expected)


def test_text_that_pandas_reads_as_missing_stays_text(tmp_path):
    """The case the property test above found: "None" and "null" in a text
    column, which pandas' defaults turn into an all-missing float column."""
    path = tmp_path / "survey.csv"
    path.write_text("id,q1,note\n,,None\n,,null\n", encoding="utf-8")
    read = em.read_table(path)
    assert read["note"].tolist() == ["None", "null"]
    assert pd.read_csv(path)["note"].isna().all()


PLATFORM = (
    'Q1,Q2,conn\n"Rate - Welcome note","Rate - Vidéos","Connected"\n'
    '"{""ImportId"":""QID1_1""}","{""ImportId"":""QID1_2""}",'
    '"{""ImportId"":""QID3""}"\n5,N/A,true\n3,,false\n'
)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1"])
def test_a_platform_export_reads_as_any_csv(tmp_path, encoding):
    """Text such as N/A and true/false stay text (for validation to refuse or
    a code to declare), in the encoding asked for; a column named twice is
    an error, not a renamed copy."""
    path = tmp_path / "export.csv"
    path.write_text(PLATFORM, encoding=encoding)
    asked = "latin-1" if encoding == "latin-1" else "utf-8"
    read = em.read_table(path, encoding=asked)
    assert read["Q2"].tolist()[0] == "N/A" and read["conn"].tolist() == [
        "true",
        "false",
    ]
    assert read.attrs["emomotiv"]["labels"]["Q2"] == "Vidéos"
    path.write_text(PLATFORM.replace("Q2,", "Q1,", 1), encoding=encoding)
    with pytest.raises(em.ValidationError, match="Duplicate column names"):
        em.read_table(path, encoding=asked)


def test_a_workbook_reads_as_any_csv(tmp_path):
    pytest.importorskip("openpyxl", reason="the excel extra is needed")
    path = tmp_path / "survey.xlsx"
    pd.DataFrame({"q1": [1, "N/A", 3], "flag": [True, False, True]}).to_excel(
        path, index=False
    )
    read = em.read_table(path)
    assert read["q1"].tolist() == [1, "N/A", 3]
    assert read["flag"].tolist() == ["TRUE", "FALSE", "TRUE"]  # as shown
    pd.DataFrame([[1, 2], [3, 4]], columns=["q1", "q1"]).to_excel(path, index=False)
    with pytest.raises(em.ValidationError, match="Duplicate column names in sheet"):
        em.read_table(path)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_checkbox_outcome_of_true_and_false_is_read_as_one_and_zero(
    tmp_path, capsys, suffix
):
    """A workbook's TRUE/FALSE cells (a checkbox export), and a CSV's TRUE and
    FALSE, were refused as the outcome, but for a column with an empty cell,
    read as 1/0 without a word: both are 1/0 now, with a note."""
    if suffix == ".xlsx":
        pytest.importorskip("openpyxl", reason="the excel extra is needed")
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"q1": rng.integers(1, 6, 80), "q2": rng.integers(1, 6, 80)})
    frame["connected"] = frame["q1"] + rng.normal(size=80) > 3
    path = tmp_path / f"survey{suffix}"
    if suffix == ".csv":
        frame["connected"] = frame["connected"].map({True: "TRUE", False: "FALSE"})
        frame.to_csv(path, index=False)
    else:
        frame.to_excel(path, index=False)
    pd.DataFrame({"facet": ["q1", "q2"]}).to_csv(tmp_path / "f.csv", index=False)
    args = ["validate", str(path), "--catalog", str(tmp_path / "f.csv")]
    assert main([*args, "--connection", "connected"]) == 0, capsys.readouterr().err
    n = int((frame["connected"].astype(str).str.upper() == "TRUE").sum())
    said = f"Connection coded from the answers: 1 for 'TRUE' ({n}), 0 for"
    assert said in capsys.readouterr().out
    # a box nobody ticked: one class, said so, not "say which answers mean
    # connected, e.g. connected_values=['FALSE']"
    if suffix == ".csv":
        frame.assign(connected="FALSE").to_csv(path, index=False)
        assert main([*args, "--connection", "connected"]) == 2
        err = capsys.readouterr().err
        assert "has one class only" in err and "connected_values" not in err


def test_value_labels_that_name_a_non_answer_are_not_on_the_scale(tidy, tmp_path):
    """0 = "Not applicable" and 99 = "Refused", not declared missing in the
    file: the scale read from the labels is 1-10, so validation names the
    codes (with the hint to declare them) instead of taking them as ratings."""
    from emomotiv.readers import read_spss

    _, survey, catalog = tidy
    path = tmp_path / "survey.sav"
    _write_sav(survey, catalog, path, [])
    read = read_spss(path)
    facets = list(catalog["facet"])
    scales = read.attrs["emomotiv"]["scales"]
    assert all(scales[f] == (1.0, 10.0) for f in facets)
    with pytest.raises(em.ValidationError, match='--not-experienced "0'):
        em.analyze(read, _bare_catalog(catalog), **ROLES, n_boot=0, progress=False)


def test_columns_named_by_their_question_get_the_touchpoint_as_label():
    from emomotiv.readers import complete_catalog, short_labels

    s = em.make_survey(n_respondents=300, n_facets=6, random_state=1)
    labels = dict(zip(s.catalog["facet"], s.catalog["label"], strict=True))
    named = {f: f"How would you rate: {label}?" for f, label in labels.items()}
    survey = s.survey.rename(columns=named)
    result = em.analyze(
        survey,
        connection="connected",
        facets=list(named.values()),
        model=em.DriverModel(n_estimators=20, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    shown = dict(zip(result.drivers["facet"], result.drivers["label"], strict=True))
    assert shown == {named[f]: label for f, label in labels.items()}
    # a label the catalog gives wins; names that share no question keep theirs
    catalog = pd.DataFrame({"facet": list(named.values()), "label": ["A"] + [None] * 5})
    completed = complete_catalog(catalog, survey)
    assert completed["label"].iloc[0] == "A"
    assert completed["label"].iloc[1] == labels[s.catalog["facet"].iloc[1]]
    assert short_labels(["Q5_1", "Q5_2"]) == {} and short_labels(["app"]) == {}
    drafted = em.readers.draft_catalog(survey, list(named.values()))
    assert list(drafted["label"]) == list(labels.values())
    # a hyphen inside the touchpoints' own words does not end a question
    assert short_labels(["E-mail updates", "E-statements"]) == {}
    assert short_labels(["Rate - E-mail", "Rate - E-statements"]) == {
        "Rate - E-mail": "E-mail",
        "Rate - E-statements": "E-statements",
    }
    # two questions, as a Qualtrics export mixes them: each family is cut,
    # a question asked of one column alone kept whole
    mixed = [
        "How satisfied were you with: Opening an account",
        "How satisfied were you with: The mobile app",
        "Q6 - How would you rate the advertising?",
        "Q8 - How would you rate the online reviews?",
    ]
    assert short_labels(mixed) == {
        mixed[0]: "Opening an account",
        mixed[1]: "The mobile app",
    }
    # labels that would clash across families: none cut
    assert short_labels(["A: App", "A: Web", "B: App", "B: Web"]) == {}


def test_a_workbook_cell_whose_formula_failed_is_read_as_its_text_not_empty(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "app", "value", "connected"])
    sheet.append(["R1", 7, 120.5, 1])
    sheet.append(["R2", "=1/0", "=NA()", 0])
    sheet.append(["R3", 5, 80, 1])
    path = tmp_path / "survey.xlsx"
    book.save(path)
    # what Excel saves for the failed formulas: their errors as cached values
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, formula, error in (("B3", "1/0", "#DIV/0!"), ("C3", "NA()", "#N/A")):
        xml = re.sub(
            rf'<c r="{ref}"[^>]*>.*?</c>',
            f'<c r="{ref}" t="e"><f>{formula}</f><v>{error}</v></c>',
            xml,
        )
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    # pandas reads them as empty cells; they are read as a CSV export shows them
    frame = em.read_table(path)
    assert frame["app"].tolist() == [7, "#DIV/0!", 5]
    assert frame["value"].tolist() == [120.5, "#N/A", 80]
    with pytest.raises(em.ValidationError) as err:
        em.validate_survey(
            frame,
            em.SurveySchema(facets=("app",), connection="connected", value="value"),
            em.FacetCatalog.from_facets(["app"]),
        )
    assert any(
        "Facet 'app' has non-numeric ratings in 1 cell: '#DIV/0!'. '#DIV/0!' is "
        "what a spreadsheet shows where a formula failed" in p
        for p in err.value.problems
    )


def test_a_failed_formula_in_a_column_no_role_uses_keeps_the_rest_readable(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Quarterly survey"])  # a title row above the header
    sheet.append(["id", "app", "connected", "lookup"])
    for i in range(40):
        sheet.append([f"R{i}", 1 + i % 10, i % 2, "#N/A" if i == 7 else i])
    path = tmp_path / "survey.xlsx"
    book.save(path)  # "#N/A" is saved as an error cell, as Excel saves it
    frame = em.read_table(path)
    assert frame.loc[7, "lookup"] == "#N/A"
    assert frame["lookup"].drop(7).tolist() == [i for i in range(40) if i != 7]
    checked = em.validate_survey(
        frame,
        em.SurveySchema(facets=("app",), connection="connected", id="id"),
        em.FacetCatalog.from_facets(["app"]),
    )
    assert checked["app"].tolist() == [1.0 + i % 10 for i in range(40)]


@pytest.mark.parametrize(
    "written",
    [
        # cells without their optional address, as some writers save them
        lambda xml: re.sub(r'(<c) r="[A-Z]+[0-9]+"', r"\1", xml),
        # attributes in single quotes, as XML allows
        lambda xml: xml.replace('t="e"', "t='e'"),
    ],
    ids=["no-cell-address", "single-quotes"],
)
def test_a_failed_formula_is_read_however_the_sheet_xml_is_written(tmp_path, written):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["id", "app"])
    book.active.append(["R1", 7])
    book.active.append(["R2", "#DIV/0!"])  # saved as an error cell
    book.active.append(["R3", 5])
    path = tmp_path / "survey.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    assert 't="e"' in xml
    parts["xl/worksheets/sheet1.xml"] = written(xml).encode()
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    assert em.read_table(path)["app"].tolist() == [7, "#DIV/0!", 5]


def test_workbook_column_names_are_read_as_a_csv_file_s(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["id ", "Mobile\napp", "fees"])
    book.active.append(["R1", 7, 3])
    path = tmp_path / "survey.xlsx"
    book.save(path)
    assert list(em.read_table(path).columns) == ["id", "Mobile app", "fees"]
    book.active["A1"] = " fees"  # the same name as column C's, but for a space
    book.save(path)
    with pytest.raises(
        em.ValidationError, match=r"around a name do not count\): 'fees'"
    ):
        em.read_table(path)


def test_stated_columns_named_by_a_shared_question_match_the_facets_labels():
    """A plain CSV has no question texts: "Wichtigkeit: Mobile App" is the
    stated importance of the facet labelled "Mobile App"."""
    from emomotiv.readers import stated_facets

    survey = pd.DataFrame(
        columns=["app", "ueberw", "Wichtigkeit: Mobile App", "Wichtigkeit: Überweisung"]
    )
    facets = {"app": "Mobile App", "ueberw": "Überweisung"}
    mapping, problems = stated_facets(survey, ["Wichtigkeit: *"], facets)
    assert problems == []
    assert mapping == {
        "Wichtigkeit: Mobile App": "app",
        "Wichtigkeit: Überweisung": "ueberw",
    }


def _workbook(tmp_path, rows, name="survey.xlsx"):
    """A workbook of one sheet holding ``rows`` as written (text stays text)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / name)
    return tmp_path / name


def test_decimal_commas_a_workbook_holds_as_text_read_with_decimal(tmp_path):
    """Excel keeps "0,52" typed or pasted in a German file as text: --decimal ,
    reads it (and a number beside it) as a CSV file's; without the flag the
    way out names Excel."""
    rows = [["id", "app", "connected", "w"]]
    rows += [[f"R{i}", 1 + i % 10, i % 2, "0,52" if i % 3 else 1.5] for i in range(40)]
    path = _workbook(tmp_path, rows)
    frame = em.read_table(path, decimal=",")
    assert frame["w"].tolist()[:3] == [1.5, 0.52, 0.52]
    schema = em.SurveySchema(facets=("app",), connection="connected", weight="w")
    catalog = em.FacetCatalog.from_facets(["app"])
    assert em.validate_survey(frame, schema, catalog)["w"].iloc[1] == 0.52
    with pytest.raises(em.ValidationError) as err:
        em.validate_survey(em.read_table(path), schema, catalog)
    (problem,) = err.value.problems
    assert problem.endswith(
        "(--decimal ,), or save it with decimal points (in an Excel workbook, "
        "format the column as Number)."
    )


def test_blank_rows_and_a_footer_of_a_workbook_are_no_respondents(tmp_path):
    """A blank row between two batches, rows a table style formats down the
    sheet and a "Source:" line under the data: the rows are dropped, as a
    CSV file's rows of separators are, and the footer is named."""
    openpyxl = pytest.importorskip("openpyxl")
    rows = [["id", "connected", "app"]]
    rows += [[1000 + i, i % 2, 1 + i % 10] for i in range(20)]
    rows.insert(11, [None, None, None])  # between two batches
    path = _workbook(tmp_path, [*rows, [None] * 3, ["Source: FieldCo"]])
    book = openpyxl.load_workbook(path)
    for row in range(23, 26):  # formatted, never filled
        book.active.cell(row=row, column=2).fill = openpyxl.styles.PatternFill(
            "solid", fgColor="FFFF00"
        )
    book.active.move_range("A24:C24", rows=3)  # the footer under them
    book.save(path)
    frame = em.read_table(path)
    assert frame["id"].tolist() == [1000 + i for i in range(20)]
    assert frame["connected"].notna().all()
    assert frame.attrs["emomotiv"]["sheet"] == (
        "Left out 1 line of text under the data of sheet 'Sheet', one cell "
        "filled (a note, not a respondent): 'Source: FieldCo'."
    )
    # a last respondent with only an id is one, without an answer
    rows = [[f"R{r[0]}", *r[1:]] if r[0] else r for r in rows[1:]]
    path = _workbook(tmp_path, [["id", "connected", "app"], *rows, ["R99"]], "r.xlsx")
    frame = em.read_table(path)
    assert frame["id"].iloc[-1] == "R99" and len(frame) == 21
    assert "sheet" not in frame.attrs.get("emomotiv", {})


def test_a_workbooks_text_columns_read_as_text(tmp_path):
    """An id typed as text "0001" keeps its zeros, one typed as the number 2
    reads "2"; a wave of months stays text and a date stays a date."""
    path = _workbook(
        tmp_path,
        [
            [" id ", "app", "wave", "date"],
            ["0001", 7, "09.2026", datetime.datetime(2026, 9, 1)],
            [2, 5, "10.2026", datetime.datetime(2026, 10, 1)],
            ["1", 6, " ", None],
        ],
    )
    frame = em.read_table(path, text=["id", "wave", "date"])
    assert frame["id"].tolist() == ["0001", "2", "1"]
    assert frame["wave"].tolist()[:2] == ["09.2026", "10.2026"]
    assert frame["wave"].isna().iloc[2]
    assert frame["date"].iloc[0] == pd.Timestamp("2026-09-01")
    assert em.read_table(path)["id"].tolist() == [1, 2, 1]  # as numbers


def test_stated_columns_match_facet_ids_written_with_underscores(tmp_path):
    """An importance grid named by its question ("How important ... - Mobile
    app") beside rating columns named by ids (mobile_app): init listed the
    grid as more touchpoints, matching neither its question nor the ids."""
    from emomotiv.cli import main

    rng = np.random.default_rng(0)
    ask = "How important is each of the following to you? - "
    survey = pd.DataFrame(
        {
            "connected": np.tile([0, 1], 30),
            "mobile_app": rng.integers(1, 11, 60),
            "phone_support": rng.integers(1, 11, 60),
            f"{ask}Mobile app": rng.integers(1, 6, 60),
            f"{ask}Phone support": rng.integers(1, 6, 60),
        }
    )
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)
    assert main(["init", str(path), "--out", str(tmp_path / "study.toml")]) == 0
    study = em.Study.from_toml(tmp_path / "study.toml")
    assert study.facets == ["mobile_app", "phone_support"]
    assert study.stated == [f"{ask}Mobile app", f"{ask}Phone support"]


def test_a_true_false_outcome_codes_by_its_answers():
    """A second _is_number read True as the number 1: 'true' matched no
    answer and every respondent was coded 0."""
    from emomotiv.readers import code_outcome, label_scales

    coded, _ = code_outcome(pd.Series([True, False, True]), ["true"])
    assert coded.tolist() == [1.0, 0.0, 1.0]
    with pytest.raises(ValueError, match="must be finite"):
        label_scales({"Poor": "1"})


def test_a_workbook_footer_leaves_the_text_columns_as_text(tmp_path):
    """A 'Source' line under the data read the id column again as numbers,
    undoing text=['id']: '0001' became 1."""
    pytest.importorskip("openpyxl")
    path = tmp_path / "s.xlsx"
    frame = pd.DataFrame({"id": ["0001", "0002", "Source: FieldCo"]})
    frame["app"] = [7, 5, None]
    frame.to_excel(path, index=False)
    read = em.read_table(path, text=["id"])
    assert read["id"].tolist() == ["0001", "0002"]


def _sav_with_emptied_facets(tmp_path):
    """A survey, its .sav as read (30 respondents with every facet empty, 60
    with every facet 99 "Not used") and what the every-facet-empty warning
    says of a frame (its count)."""
    from emomotiv.pipeline import unrated_warnings

    s = em.make_survey(n_respondents=200, n_facets=6, random_state=0)
    facets = list(s.catalog["facet"])
    survey = s.survey[[*facets, "connected"]].astype(float)
    survey.insert(0, "id", np.arange(1000.0, 1200.0))
    survey.loc[survey.index[:30], facets] = np.nan
    survey.loc[survey.index[30:90], facets] = 99.0
    path = tmp_path / "survey.sav"
    labels = {f: {99.0: "Not used"} for f in facets}
    pyreadstat.write_sav(survey, str(path), variable_value_labels=labels)
    read = read_spss(path, not_experienced=[99])

    def said(frame):
        return [w.split(" respondents")[0] for w in unrated_warnings(frame, facets)]

    return s, read, said


def test_the_emptied_cells_of_a_sav_file_follow_its_rows(tmp_path):
    """30 respondents left every facet empty and 60 marked every facet 99
    "Not used"; a .sav so read, then sorted (and its index reset) before the
    analysis, was said to hold 90 with every facet empty: the reader's
    record of the codes it emptied was matched to the rows by position."""
    s, read, said = _sav_with_emptied_facets(tmp_path)
    facets = list(s.catalog["facet"])

    ordered = read.sort_values(facets[0])
    assert said(read) == said(ordered) == ["30"]
    assert said(ordered.reset_index(drop=True)) == ["30"]  # found by the id
    even = read[read["id"] % 2 == 0]
    assert said(even) == said(even.reset_index(drop=True)) == ["15"]
    # neither labels nor an id to find the rows by: nothing rather than 90
    assert said(ordered.drop(columns="id").reset_index(drop=True)) == []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        em.analyze(
            ordered, s.catalog, connection="connected", not_experienced=[99],
            model=em.DriverModel(n_estimators=10, cv=0, n_jobs=1),
            n_boot=0, methods=False, progress=False,
        )  # fmt: skip
    empty = [str(w.message) for w in caught if "every facet empty" in str(w.message)]
    assert len(empty) == 1 and empty[0].startswith("30 respondents answered")


def test_the_emptied_cells_of_a_sav_file_outlive_a_change_of_type(tmp_path):
    """The same rows given convert_dtypes(), their ratings cast to float32 or
    their id to integers lost the reader's record, and with it the warning on
    the 30 respondents who left every facet empty."""
    s, read, said = _sav_with_emptied_facets(tmp_path)
    facets = list(s.catalog["facet"])
    small, whole, text = read.copy(), read.copy(), read.copy()
    small[facets] = small[facets].astype("float32")
    whole["id"] = whole["id"].astype("int64")
    whole = whole.sort_values("id", ascending=False)
    text["id"] = text["id"].astype(str)
    assert said(read.convert_dtypes()) == said(small) == ["30"]
    assert said(whole) == said(whole.reset_index(drop=True)) == ["30"]
    assert said(text.iloc[::-1].reset_index(drop=True)) == ["30"]


def test_a_sav_file_read_with_its_codes_emptied_combines_as_any_frame(tmp_path):
    """pandas compares the attrs of the frames it combines; the reader's
    record of the emptied cells held bare arrays, so astype of a dict, a
    concat of columns and a merge raised "The truth value of an array ... is
    ambiguous" on a .sav read with not_experienced codes."""
    s, read, said = _sav_with_emptied_facets(tmp_path)
    facets = list(s.catalog["facet"])
    cast = read.astype({facets[0]: "float32"})
    joined = pd.concat([read[["id"]], read[facets + ["connected"]]], axis=1)
    merged = read[["id"]].merge(read.drop(columns=facets[:2]), on="id")
    assert said(cast) == said(joined) == ["30"]
    assert merged.shape == (200, len(facets))
    copied = read.copy(deep=True)  # the record is shared, not copied a row at a time
    meta = copied.attrs["emomotiv"]["not_experienced_cells"]
    assert meta == read.attrs["emomotiv"]["not_experienced_cells"]
