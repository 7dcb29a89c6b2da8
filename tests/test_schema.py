"""Every class of bad input gives a clear error naming the problem."""

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import emomotiv as em
from emomotiv import FacetCatalog, SurveySchema, ValidationError, validate_survey


def _survey(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(n)],
            "app": rng.integers(1, 11, n).astype(float),
            "fees": rng.integers(1, 11, n).astype(float),
            "note": rng.integers(1, 11, n).astype(float),
            "connected": np.tile([0, 1], n // 2),
            "value": rng.uniform(0, 100, n),
            "w": rng.uniform(0.5, 2, n),
        }
    )


CATALOG = FacetCatalog.from_frame(pd.DataFrame({"facet": ["app", "fees", "note"]}))


def _schema(**kw):
    roles = {"connection": "connected", "value": "value", "weight": "w", "id": "id"}
    return SurveySchema(facets=("app", "fees", "note"), **(roles | kw))


def _problems(survey, schema=None, catalog=CATALOG):
    with pytest.raises(ValidationError) as info:
        validate_survey(survey, schema or _schema(), catalog)
    return info.value.problems


def test_a_clean_survey_passes_and_empty_cells_are_valid():
    s = _survey()
    s.loc[:20, "note"] = np.nan  # not experienced: structural missingness
    out = validate_survey(s, _schema(), CATALOG)
    assert out["note"].isna().sum() == 21
    assert out["app"].dtype == float


def test_cells_of_spaces_only_are_empty_not_text():
    """A CSV export's " " in a rating column is an empty cell, as "" is: the
    code it would need, --not-experienced " ", is refused by the parser."""
    s = _survey().astype({"note": object})
    s.loc[:3, "note"] = [" ", "  ", "\t", ""]
    s["sat"] = s["app"].astype(object)
    s.loc[:1, "sat"] = " "
    out = validate_survey(s, _schema(satisfaction="sat"), CATALOG)
    assert out["note"].isna().sum() == 4 and out["sat"].isna().sum() == 2
    s.loc[4, "note"] = " x "
    (problem,) = _problems(s)
    assert "non-numeric ratings in 1 cell: ' x '" in problem


def test_float_ratings_are_not_copied_and_the_input_is_never_changed():
    # a survey of 1,000,000 x 100 ratings must not be held twice in memory;
    # pandas' copy-on-write keeps the two frames independent
    survey = _survey().assign(fees=lambda d: d["fees"].astype(int))
    before = survey.copy()
    out = validate_survey(survey, _schema(), CATALOG)
    assert np.shares_memory(out["app"].to_numpy(), survey["app"].to_numpy())
    assert out["fees"].dtype == float  # an integer column is converted
    out.loc[0, "app"] = 9.0
    out.loc[1, "fees"] = 9.0
    pd.testing.assert_frame_equal(survey, before)


def test_missing_role_column_suggests_close_name():
    (problem,) = _problems(_survey(), _schema(connection="conected"))
    assert "'conected'" in problem and "Did you mean 'connected'?" in problem


def test_missing_facet_column():
    s = _survey().drop(columns="fees")
    (problem,) = _problems(s)
    assert problem.startswith("1 catalog facet is not a survey column: 'fees'.")
    # no near name: a touchpoint this questionnaire did not ask, perhaps
    assert problem.endswith("drop its row from this survey's catalog.")
    s = _survey().drop(columns=["fees", "app"])
    (problem,) = _problems(s)
    assert problem.endswith("drop their rows from this survey's catalog.")


def test_a_facet_missing_from_a_list_of_columns_is_not_called_a_catalog_s():
    """Facets given as a list of columns (facets=[...], --facets), with no
    catalog, were called catalog facets, and told to drop catalog rows."""
    listed = FacetCatalog(CATALOG.table, listed=True)
    (problem,) = _problems(_survey().drop(columns="fees"), catalog=listed)
    assert problem == (
        "1 facet is not a survey column: 'fees'. If the survey did not ask "
        "it, leave it out of the facets list (facets=[...], --facets)."
    )
    # a notebook's FacetCatalog.from_facets is such a list too
    listed = FacetCatalog.from_facets(CATALOG.facets)
    (problem,) = _problems(_survey().drop(columns="fees"), catalog=listed)
    assert problem.startswith("1 facet is not a survey column: 'fees'.")


def test_facets_named_as_one_with_a_comma_are_told_to_be_given_apart():
    """``--facets app,fees`` reads as one facet named 'app,fees'; it is not
    'fees' misspelt, as the near match would say."""
    joined = FacetCatalog.from_facets(["app,fees", "note"])
    schema = SurveySchema(
        facets=("app,fees", "note"), connection="connected", value="value", id="id"
    )
    (problem,) = _problems(_survey(), schema, joined)
    assert problem == (
        "1 facet is not a survey column: 'app,fees'. 'app,fees' names "
        "several survey columns at once: give each facet apart (--facets app "
        "fees on the command line, a list in Python)."
    )


def test_a_survey_column_with_spaces_around_its_name_is_named_as_such():
    """A catalog's facet ids are read stripped, a survey frame's column names
    as they are: the message says to strip the survey's names, never to
    write the spaced name in the catalog (which would be stripped again)."""
    s = _survey().rename(columns={"fees": " fees "})
    (problem,) = _problems(s)
    assert "' fees ' have spaces around their names" in problem
    assert "Did you mean" not in problem


def test_non_numeric_ratings_are_named_with_examples():
    s = _survey().astype({"app": object})
    s.loc[3, "app"] = "great"
    (problem,) = _problems(s)
    assert "'app'" in problem and "'great'" in problem and "non-numeric" in problem


def test_values_off_the_scale_use_the_catalog_scale():
    s = _survey()
    s.loc[0, "app"] = 11
    (problem,) = _problems(s)
    assert "'app'" in problem and "1-10" in problem and "11" in problem
    five = FacetCatalog.from_frame(
        pd.DataFrame({"facet": ["app", "fees", "note"], "scale_min": 1, "scale_max": 5})
    )
    # the facets off the scale by the same values share one line
    (problem,) = _problems(_survey(), catalog=five)
    assert "1-5 scale of 3 facets" in problem
    assert all(f"'{f}' (" in problem for f in ("app", "fees", "note"))


def test_empty_and_constant_facets():
    s = _survey()
    s["app"] = np.nan
    s["fees"] = 7.0
    problems = _problems(s)
    assert any("'app' is empty" in p for p in problems)
    assert any("'fees' is constant" in p for p in problems)


def test_a_handful_of_raters_in_a_wave_neither_analysed_nor_compared_passes(
    tmp_path, capsys
):
    """analyze reads the latest two waves: a facet rated by 9 in the oldest of
    three refused the whole run, and its way out dropped it from every wave."""
    from emomotiv.cli import main

    s = em.make_survey(n_respondents=900, n_facets=6, random_state=0)
    survey = s.survey.assign(wave=np.repeat(["2026Q1", "2026Q2", "2026Q3"], 300))
    facet = s.catalog["facet"].iloc[0]
    survey.loc[9:299, facet] = np.nan  # 9 raters in 2026Q1
    survey.to_csv(tmp_path / "survey.csv", index=False)
    s.catalog.to_csv(tmp_path / "facets.csv", index=False)
    argv = ["validate", str(tmp_path / "survey.csv"), "--catalog"]
    argv += [str(tmp_path / "facets.csv"), "--connection", "connected"]
    assert main([*argv, "--wave", "wave"]) == 0
    survey.loc[309:599, facet] = np.nan  # 9 in 2026Q2, which is compared
    survey.to_csv(tmp_path / "survey.csv", index=False)
    assert main([*argv, "--wave", "wave"]) == 2
    err = capsys.readouterr().err
    assert f"Wave '2026Q2': Facet '{facet}' is rated by " in err
    assert "Wave '2026Q1'" not in err


def test_a_small_wave_neither_analysed_nor_compared_passes(tmp_path, capsys):
    """A pilot of 20 before the two waves analysed refused the whole run for
    its size, in words that called the wave the survey."""
    from emomotiv.cli import main

    s = em.make_survey(n_respondents=620, n_facets=6, random_state=0)
    waves = np.repeat(["2026Q1", "2026Q2", "2026Q3"], [20, 300, 300])
    s.survey.assign(wave=waves).to_csv(tmp_path / "survey.csv", index=False)
    s.catalog.to_csv(tmp_path / "facets.csv", index=False)
    argv = ["validate", str(tmp_path / "survey.csv"), "--catalog"]
    argv += [str(tmp_path / "facets.csv"), "--connection", "connected"]
    assert main([*argv, "--wave", "wave"]) == 0
    waves = np.repeat(["2026Q1", "2026Q2", "2026Q3"], [300, 300, 20])
    s.survey.assign(wave=waves).to_csv(tmp_path / "survey.csv", index=False)
    assert main([*argv, "--wave", "wave"]) == 2  # the latest wave: analysed
    err = capsys.readouterr().err
    assert "Wave '2026Q3': 20 respondents for 6 facets are too few: " in err
    assert "The survey has 20" not in err
    # nor a pilot in which nobody is connected (one class: its size too)
    waves = np.repeat(["2026Q1", "2026Q2", "2026Q3"], [20, 300, 300])
    pilot = s.survey.assign(wave=waves)
    pilot.loc[:19, "connected"] = 0
    pilot.to_csv(tmp_path / "survey.csv", index=False)
    assert main([*argv, "--wave", "wave"]) == 0


def test_a_facet_unrated_in_a_wave_neither_analysed_nor_compared_passes(
    tmp_path, capsys
):
    """A touchpoint added to the questionnaire after the first wave is empty
    there (and one rated alike by a few is constant): that wave plays no part
    in the results, as the data contract says, yet it refused the run."""
    from emomotiv.cli import main

    s = em.make_survey(n_respondents=700, n_facets=6, random_state=0)
    survey = s.survey.assign(
        wave=np.repeat(["2026Q1", "2026Q2", "2026Q3"], [100, 300, 300])
    )
    new, same = s.catalog["facet"].iloc[0], s.catalog["facet"].iloc[1]
    survey.loc[:99, new] = np.nan
    survey.loc[:99, same] = 7.0
    survey.to_csv(tmp_path / "survey.csv", index=False)
    s.catalog.to_csv(tmp_path / "facets.csv", index=False)
    argv = ["validate", str(tmp_path / "survey.csv"), "--catalog"]
    argv += [str(tmp_path / "facets.csv"), "--connection", "connected"]
    assert main([*argv, "--wave", "wave"]) == 0, capsys.readouterr().err
    survey.loc[100:399, new] = np.nan  # empty in the wave compared: refused
    survey.to_csv(tmp_path / "survey.csv", index=False)
    assert main([*argv, "--wave", "wave"]) == 2
    err = capsys.readouterr().err
    assert f"Wave '2026Q2': Facet '{new}' is empty" in err
    assert "Wave '2026Q1'" not in err


def test_a_facet_rated_by_a_handful_is_refused():
    """Rated by 5 of 2,000, a facet read as importance and gain of exactly 0
    with an interval of no width, ROI -100%, in every resample."""
    s = _survey()
    s["note"] = np.nan
    s.loc[s.index[:5], "note"] = [2.0, 5.0, 7.0, 9.0, 10.0]
    (problem,) = _problems(s)
    assert problem.startswith("Facet 'note' is rated by 5 respondents, fewer than")
    assert "Drop it from the catalog" in problem
    s.loc[s.index[:10], "note"] = [2.0, 5.0, 7.0, 9.0, 10.0] * 2
    assert validate_survey(s, _schema(), CATALOG)["note"].notna().sum() == 10


def test_binary_outcome_with_one_class():
    s = _survey()
    s["connected"] = 1
    (problem,) = _problems(s)
    assert "one class" in problem


def test_numeric_outcome_without_variance():
    s = _survey()
    s["connected"] = 3.5
    with pytest.raises(ValidationError) as info:
        validate_survey(s, _schema(), CATALOG, connection_kind="score")
    (problem,) = info.value.problems
    assert "no variance" in problem
    (problem,) = _problems(s)  # undeclared: a score is not guessed
    assert "3.5, not 0/1" in problem and "--connection-kind score" in problem


def test_a_declared_score_passes_and_a_declared_binary_insists_on_0_1():
    s = _survey()
    s["connected"] = np.linspace(0, 100, len(s))
    validate_survey(s, _schema(), CATALOG, connection_kind="score")
    s["connected"] = np.tile([1, 2], len(s) // 2)
    with pytest.raises(ValidationError, match="declared binary"):
        validate_survey(s, _schema(), CATALOG, connection_kind="binary")


def test_a_declared_score_with_a_code_for_no_answer_is_refused():
    """99 in 1% of a 0-10 score passed: R² fell from 0.36 to -0.13 and the
    top driver to 4th, with no word of the 99s."""
    s = _survey()
    s["connected"] = np.tile(np.arange(11.0), len(s) // 11 + 1)[: len(s)]
    validate_survey(s, _schema(), CATALOG, connection_kind="score")
    s.loc[:2, "connected"] = 99
    with pytest.raises(ValidationError) as info:
        validate_survey(s, _schema(), CATALOG, connection_kind="score")
    (problem,) = info.value.problems
    assert "has the values 99, in 3 cells, far above its other values (0-10)" in problem
    s["connected"] = np.linspace(0, 99, len(s))  # a 0-100 score's 99 is a score
    validate_survey(s, _schema(), CATALOG, connection_kind="score")


def test_not_experienced_text_matches_without_regard_to_case():
    s = _survey().astype({"app": object})
    s.loc[:2, "app"] = ["N/A", "Don't KNOW", " don't know "]  # as labels match
    out = validate_survey(s, _schema(), CATALOG, not_experienced=["n/a", "Don't know"])
    assert out["app"].iloc[:3].isna().all() and out["app"].iloc[3:].notna().all()


def test_not_experienced_text_matches_either_apostrophe():
    """Excel writes "Don’t know" for "Don't know" as typed: the two are
    one code, whichever of them is declared."""
    s = _survey().astype({"app": object, "fees": object})
    s.loc[:1, "app"] = ["Don’t know", "Don't know"]
    s.loc[:1, "fees"] = ["Don’t know", "don’t  know"]
    for code in ("Don't know", "Don’t know"):
        out = validate_survey(s, _schema(), CATALOG, not_experienced=[code])
        assert out[["app", "fees"]].iloc[:2].isna().all().all()
        assert out["app"].iloc[2:].notna().all()


def test_not_experienced_codes_blank_the_cells_text_and_numbers():
    s = _survey().astype({"app": object})
    s.loc[:4, "app"] = ["n/a", " n/a ", 99, "99", 0]
    out = validate_survey(s, _schema(), CATALOG, not_experienced=["n/a", 99, "0"])
    assert out["app"].iloc[:5].isna().all()
    assert out["app"].iloc[5:].notna().all()
    catalog = FacetCatalog.from_frame(
        pd.DataFrame(
            {
                "facet": ["app", "fees", "note"],
                "not_experienced": ["n/a, 99, 0", None, None],
            }
        )
    )
    out = validate_survey(s, _schema(), catalog)
    assert out["app"].iloc[:5].isna().all()
    text, off = _problems(s)  # undeclared: text is named, codes are off the scale
    assert "non-numeric ratings in 2 cells: ' n/a ', 'n/a'" in text
    assert "3 ratings off its 1-10 scale: 0, 99" in off


def test_counts_in_messages_count_cells():
    s = _survey().astype({"connected": object, "w": object})
    s["connected"] = np.tile(["yes", "no"], len(s) // 2)
    s.loc[:2, "w"] = "heavy"
    problems = _problems(s)
    assert any(f"in {len(s)} cells: 'no', 'yes'" in p for p in problems)
    assert any("text in 3 cells: 'heavy'" in p for p in problems)
    assert not any("empty" in p for p in problems)


def test_a_negative_value_is_refused_with_the_reason():
    s = _survey()
    s.loc[:3, "value"] = -5.0
    (problem,) = _problems(s)
    assert "The value column 'value' has 4 negative values" in problem
    assert "a profit that can be negative does not fit them" in problem


@pytest.mark.parametrize("constant", [0.0, 100.0])
def test_a_constant_value_is_refused_before_any_fit(constant):
    s = _survey()
    s["value"] = constant
    (problem,) = _problems(s)
    assert f"'value' is constant: every value is {constant:g}" in problem


def test_a_score_as_outcome_is_hinted_at_its_top_box_not_its_bottom():
    s = _survey()
    s["connected"] = np.tile(np.arange(11), 6)[: len(s)]
    (problem,) = _problems(s)
    assert "--connection-kind score" in problem
    assert '--connected-values "9,10" (its top box, say).' in problem
    s["connected"] = np.tile([1, 2], len(s) // 2)  # 1 = yes, 2 = no
    (problem,) = _problems(s)
    assert problem.endswith('--connected-values "1".')


def test_a_no_answer_code_in_a_yes_no_outcome_is_never_hinted_as_connected():
    """0/1 with 9 for "don't know": the hint was to read 1 and 9 as connected
    (the top box of a scale); the 9s are no answer, to be emptied."""
    s = _survey()
    s["connected"] = np.tile([0, 1], len(s) // 2)
    s.loc[:2, "connected"] = 9
    (problem,) = _problems(s)
    assert "9, in 3 cells, look like codes for no answer" in problem
    assert "Empty those cells" in problem and "1,9" not in problem
    s["connected"] = np.tile([1, 2], len(s) // 2)  # 1 = yes, 2 = no
    s.loc[:2, "connected"] = 99
    (problem,) = _problems(s)
    assert "99, in 3 cells, look like codes" in problem
    assert problem.endswith('--connected-values "1".')


@pytest.mark.parametrize(
    "cells, hint",
    [
        (["1.003,71", "784,86"], "without thousands separators"),
        (["1 003,71"], "without thousands separators"),
        (["$1,003.71"], "carry a currency sign ('$')"),
        # as Excel in a German or French locale exports a currency cell
        (["1.009,99 €", "784,86 €"], "without thousands separators"),
        (["1\u00a0009,99 €"], "without thousands separators"),
        (["1.009,99 EUR", "CHF 80"], "carry currency signs ('CHF', 'EUR')"),
        (["1.009,99 EUR"], "without thousands separators"),
        (["784,86"], "decimal commas"),
        (["1\u00a0003,71"], "without thousands separators"),  # a no-break space
        (["(100)"], "as accounting shows negative numbers"),
        (["12%"], "written as percentages"),
        (["#VALUE!", "#DIV/0!"], "'#DIV/0!', '#VALUE!' are what a spreadsheet"),
    ],
)
def test_amounts_written_as_text_get_the_hint_that_fits(cells, hint):
    s = _survey().astype({"value": object})
    s.loc[: len(cells) - 1, "value"] = cells
    (problem,) = _problems(s)
    assert "The value column 'value' is not numeric" in problem and hint in problem


@pytest.mark.parametrize("role", ["value", "w"])
def test_commas_between_thousands_are_not_called_decimal_commas(role):
    """'90,000' is ninety thousand: --decimal , would read it as 90."""
    s = _survey().astype({role: object})
    s.loc[:2, role] = ["90,000", "100,000", "$1,250,000"]
    (problem,) = _problems(s)
    assert "They look like numbers with commas between their thousands" in problem
    assert "('100,000' for 100000), not decimal commas" in problem
    assert "'100,000' would be 100." in problem and "--decimal" not in problem
    s.loc[3, role] = "7,5"  # a decimal comma beside them: both readings
    assert "decimal commas: read the file with decimal=','" in _problems(s)[0]


def _read_with_decimal_commas(survey):
    survey.attrs = {"emomotiv": {"decimal": ","}}  # as read_table says so
    return survey


def test_a_point_between_thousands_is_no_decimal_point_beside_decimal_commas():
    """In a file read with decimal commas, "1.234" is 1234 or 1.234: refused,
    every cell of it named with the cells that hold a decimal comma too."""
    s = _survey().astype({"value": object})
    s.loc[:5, "value"] = ["1.234", "12.345", "2.500,50", "1.0", "0.523", "2.5"]
    out = validate_survey(s.drop(index=[0, 1, 2]), _schema(), CATALOG)
    assert out["value"].iloc[:3].tolist() == [1.0, 0.523, 2.5]  # no thousands
    (problem,) = _problems(_read_with_decimal_commas(s.copy()))
    assert problem.startswith(
        "The value column 'value' is not numeric: text in 3 cells: '1.234', "
        "'12.345', '2.500,50'. They have a point between their thousands: read "
        "with decimal commas (decimal=','), a point is no decimal mark"
    )
    assert "Save the column without thousands separators" in problem
    # read with decimal points, 1.234 is 1.234
    assert validate_survey(s.drop(index=[2]), _schema(), CATALOG)["value"][0] == 1.234


def test_a_catalog_read_with_decimal_commas_refuses_a_point_between_thousands():
    table = pd.DataFrame({"facet": ["app", "fees"], "cost": ["1.500", "980"]})
    assert FacetCatalog.from_frame(table).table["cost"].tolist() == [1.5, 980.0]
    table.attrs["emomotiv"] = {"decimal": ","}
    with pytest.raises(ValidationError) as err:
        FacetCatalog.from_frame(table)
    (problem,) = err.value.problems
    assert "not numeric for 'app': '1.500'. It has a point between its" in problem


@pytest.mark.parametrize(
    "cells, hint",
    [
        (["50%", "70%"], "written as percentages ('50%'): save them as plain"),
        (["#N/A", "#DIV/0!"], "what a spreadsheet shows where a formula failed"),
        (["Yes", "No", "TRUE"], "They are yes/no answers, not ratings on a scale"),
    ],
)
def test_ratings_that_are_no_codes_are_not_offered_as_codes(cells, hint):
    s = _survey().astype({"app": object})
    s.loc[: len(cells) - 1, "app"] = cells
    (problem,) = _problems(s)
    assert problem.startswith("Facet 'app' has non-numeric ratings") and hint in problem
    assert "--not-experienced" not in problem  # not "declare '50%' a code"


def test_a_word_that_spells_a_currency_code_is_not_called_a_currency():
    """A Norwegian or Danish scale in words ("godt nok", good enough) is
    named as text, not as amounts carrying a currency ('NOK')."""
    s = _survey().astype({"app": object})
    s.loc[:40, "app"] = ["Godt nok", "Meget godt"] * 20 + ["Godt nok"]
    (problem,) = _problems(s)
    assert problem.startswith("Facet 'app' has non-numeric ratings")
    assert "currency" not in problem and "'Godt nok', 'Meget godt'" in problem


def test_free_text_named_as_a_facet_is_not_offered_as_a_scale():
    """46 comments are no scale's labels: the message says the column is free
    text, without listing every comment as a label to give in order."""
    s = _survey().astype({"app": object})
    s.loc[:45, "app"] = [f"comment {i} about the app" for i in range(46)]
    (problem,) = _problems(s)
    assert "in 46 different texts" in problem and "free text" in problem
    assert "--rating-labels" not in problem and "comment 9 " not in problem


def test_ratings_mostly_in_words_are_never_offered_as_codes():
    """A scale in words that no known scale holds ("trifft gar nicht zu" ...):
    declared as "not experienced", as the hint once said, every rating would
    be dropped. The hint asks for the labels in order and names them all."""
    s = _survey().astype({"app": object})
    words = ["trifft gar nicht zu", "trifft eher nicht zu", "trifft eher zu"]
    s["app"] = [words[i % 3] for i in range(len(s))]
    s.loc[0, "app"] = "trifft voll zu"
    s.loc[1, "app"] = "weiß nicht"
    s.loc[2, "app"] = np.nan
    (problem,) = _problems(s)
    assert "They are 100% of its answers" in problem
    assert (
        "'trifft eher nicht zu', 'trifft eher zu', 'trifft gar nicht zu', " in problem
    )
    assert "'trifft voll zu'." in problem
    assert problem.endswith('--not-experienced "weiß nicht".')
    s["app"] = _survey()["app"].astype(object)
    s.loc[:5, "app"] = "k. A."  # a code among numbers: offered
    (problem,) = _problems(s)
    assert problem.endswith('--not-experienced "k. A.".')


def test_a_scale_in_words_is_suggested_as_the_survey_writes_it():
    """A German scale written "Sehr gut" in the file was suggested as
    --rating-labels "sehr schlecht,...,sehr gut", the scale table's spelling;
    it is suggested as written, and read as it was (without regard to case)."""
    from emomotiv.readers import apply_rating_labels

    s = _survey().astype({"app": object})
    words = ["Sehr schlecht", "Schlecht", "Mittelmäßig", "GUT", "Sehr gut"]
    s["app"] = [words[i % 4 + 1] for i in range(len(s))]  # "Sehr schlecht": none
    (problem,) = _problems(s)
    suggested = "sehr schlecht,Schlecht,Mittelmäßig,GUT,Sehr gut"
    assert problem.endswith(f'--rating-labels "{suggested}".')
    read = apply_rating_labels(s, ["app"], suggested.split(","))
    assert read["app"].tolist()[:4] == [2.0, 3.0, 4.0, 5.0]


def test_one_of_anything_is_counted_in_the_singular():
    s = _survey()
    s.loc[0, "app"] = 11.0
    s.loc[1, "w"] = np.inf
    problems = _problems(s)
    assert any("has 1 rating off its 1-10 scale: 11." in p for p in problems)
    assert any("has 1 infinite value, at id" in p for p in problems), problems


def test_duplicate_ids():
    s = _survey()
    s.loc[1, "id"] = s.loc[0, "id"]
    (problem,) = _problems(s)
    assert "duplicate ids" in problem and "'r0'" in problem
    assert "read as numbers" not in problem  # text ids keep their zeros
    assert problem.endswith("Give each respondent an id of their own.")
    # a row read twice, every column alike: the copies can go
    s = pd.concat([_survey(), _survey().head(2)], ignore_index=True)
    (problem,) = _problems(s)
    assert problem.endswith(
        "2 rows repeat another in every column (a file read or uploaded twice?): "
        "drop the copies."
    )


def test_duplicate_ids_read_as_numbers_say_leading_zeros_may_be_lost():
    """'0001' and '1' read as numbers are both 1: the message says so, and
    the ids read as text are two."""
    s = _survey()
    s["id"] = range(len(s))
    s.loc[1, "id"] = 0  # '00000' and '0' in the file
    (problem,) = _problems(s)
    assert problem == (
        "The id column 'id' has 1 duplicate ids: 0. The ids were read as numbers, "
        "which drops leading zeros ('0001' and '1' read alike): if the file "
        "writes them so, read the column as text (read_table(path, "
        "text=['id']), or pd.read_csv(path, dtype={'id': str}))."
    )


def test_stated_text_is_found_before_any_fit_and_empty_segments_are_no_problem(
    small,
):
    survey = small.survey.assign(stated__mobile_app="high")
    survey.loc[:99, "customer_type"] = None  # in no segment: not an error
    cat = FacetCatalog.from_frame(small.catalog)
    schema = SurveySchema.infer(
        survey, cat, connection="connected", segment="customer_type"
    )
    with pytest.raises(ValidationError) as err:
        validate_survey(survey, schema, cat)
    (problem,) = err.value.problems
    assert "'stated__mobile_app' is not numeric: text in 600 cells" in problem


def test_empty_ids_are_named_as_such_not_as_duplicates():
    s = _survey()
    s.loc[2:7, "id"] = np.nan
    (problem,) = _problems(s)
    assert "'id' is empty for 6 respondents" in problem


def test_non_positive_weights():
    s = _survey()
    s.loc[:2, "w"] = [0.0, -1.0, np.nan]
    (problem,) = _problems(s)
    for kind in ("zero in 1 cell", "negative in 1 cell", "empty in 1 cell", "> 0"):
        assert kind in problem


def test_negative_value():
    s = _survey()
    s.loc[0, "value"] = -5
    (problem,) = _problems(s)
    assert "negative" in problem


def test_too_few_respondents_for_the_facets():
    (problem,) = _problems(_survey(n=20))
    assert "20 respondents for 3 facets" in problem


def test_a_catalog_without_facets_is_a_problem_before_any_fit():
    schema = SurveySchema(facets=(), connection="connected")
    (problem,) = _problems(_survey(), schema, FacetCatalog.from_facets([]))
    assert "no facets to analyse" in problem
    with pytest.raises(ValidationError, match="no facets to analyse"):
        em.analyze(_survey(), pd.DataFrame({"facet": []}), connection="connected")


def test_every_problem_is_reported_at_once():
    s = _survey()
    s.loc[0, "app"] = 0
    s["fees"] = 4.0
    s.loc[1, "id"] = s.loc[0, "id"]
    s.loc[0, "w"] = -1
    problems = _problems(s, _schema(value="valeu"))
    assert len(problems) == 5


def test_catalog_errors_are_listed_together():
    frame = pd.DataFrame(
        {
            "facet": ["a", "a", "b"],
            "cost": [1, -2, "x"],
            "scale_min": [1, 5, 1],
            "scale_max": [10, 5, 10],
        }
    )
    with pytest.raises(ValidationError) as info:
        FacetCatalog.from_frame(frame)
    text = str(info.value)
    assert "Duplicate facet ids" in text
    assert "'cost' is not numeric" in text
    assert "scale_min is not below scale_max" in text


def test_an_infinite_cost_or_scale_in_the_catalog_is_refused():
    """'inf' reads as a number: a cost of inf would leave a touchpoint
    silently unfunded, a scale of inf break every one-point scenario."""
    frame = pd.DataFrame({"facet": ["a", "b", "c"], "cost": [1, np.inf, "inf"]})
    frame["scale_max"] = [5, 5, "-inf"]
    with pytest.raises(ValidationError) as info:
        FacetCatalog.from_frame(frame)
    text = str(info.value)
    assert "'cost' is infinite for 'b', 'c'" in text
    assert "'scale_max' is infinite for 'c'" in text


def test_catalog_without_facet_column_suggests():
    with pytest.raises(ValidationError, match="Did you mean 'facets'"):
        FacetCatalog.from_frame(pd.DataFrame({"facets": ["a"]}))


def test_catalog_defaults_and_order(small):
    cat = FacetCatalog.from_frame(small.catalog)
    assert cat.facets == list(small.catalog["facet"])
    assert cat.stages == list(dict.fromkeys(small.catalog["stage"]))
    bare = FacetCatalog.from_facets(["x", "y"])
    assert bare.table.loc["x", "label"] == "x" and bare.scale("y") == (1.0, 10.0)


def test_schema_infers_prefixed_roles(small):
    survey = small.survey.assign(stated__welcome_note=3)
    cat = FacetCatalog.from_frame(small.catalog)
    schema = SurveySchema.infer(survey, cat, connection="connected")
    assert len(schema.motivators) == 10
    assert schema.stated == {"welcome_note": "stated__welcome_note"}


def test_stated_columns_follow_the_catalog_not_the_survey(small):
    """Stated shares were summed in the survey's column order: shuffled
    columns changed drivers.csv in the 17th digit, which a byte-level audit
    reads as a change."""
    facets = list(small.catalog["facet"])
    survey = small.survey.assign(
        **{f"stated__{f}": 3 for f in reversed(facets[:4])}, stated__extra=1
    )
    cat = FacetCatalog.from_frame(small.catalog)
    schema = SurveySchema.infer(survey, cat, connection="connected")
    assert list(schema.stated) == facets[:4] + ["extra"]


def test_a_scale_missing_from_the_catalog_is_read_from_the_ratings():
    from emomotiv.schema import FacetCatalog, infer_scale

    survey = pd.DataFrame(
        {"a": [1, 2, 5, None], "b": [0, 3, 10, 7], "c": [2, 3, 4, 4], "d": [3, 9, 1, 2]}
    )
    catalog = pd.DataFrame(
        {"facet": ["a", "b", "c", "d"], "scale_min": [None] * 3 + [1]}
    )
    catalog["scale_max"] = [None, None, None, 10]
    cat, notes, warnings = FacetCatalog.from_frame(catalog).with_scales_from(survey)
    assert cat.scale("a") == (1, 5) and cat.scale("c") == (1, 5)
    assert cat.scale("b") == (0, 10)
    assert cat.scale("d") == (1, 10)  # declared: kept
    assert "3 facets" in notes[0]
    # one 0 in four answers: named, as every facet read 0-10 from its 0s
    (warning,) = warnings
    assert "'b' (1 rating of 0)" in warning
    assert infer_scale([1, 6]) == (1, 7) and infer_scale([]) == (1, 10)


def test_codes_among_ratings_are_not_read_as_a_scale(small):
    """A catalog without scales: 99 ('don't know') must not stretch the scale
    to 1-99 (it is named as off the 1-10 scale), a rare 0 is warned about,
    and a satisfaction code of 99 is refused (it would set the top box)."""
    from emomotiv.schema import FacetCatalog

    survey = small.survey.copy()
    survey.loc[:19, "mobile_app"] = 99
    survey.loc[:19, "phone_support"] = 0
    bare = FacetCatalog.from_facets(list(small.catalog["facet"]))
    cat, _, warnings = bare.with_scales_from(survey)
    assert cat.scale("mobile_app") == (1, 10)
    assert cat.scale("phone_support") == (0, 10)
    assert len(warnings) == 1 and "'phone_support' (20 ratings of 0)" in warnings[0]
    survey.loc[:14, "satisfaction"] = 99
    schema = SurveySchema.infer(
        survey, cat, connection="connected", satisfaction="satisfaction"
    )
    with pytest.raises(ValidationError) as err:
        validate_survey(survey, schema, cat)
    text = str(err.value)
    assert "'mobile_app' has 20 ratings off its 1-10 scale: 99" in text
    assert '--not-experienced "99"' in text
    assert "satisfaction column 'satisfaction' has 15 values off its 1-10" in text


def test_a_code_is_off_the_scale_whatever_its_share():
    """99 in 10% or 40% of a 1-5 facet's cells: both read on 1-5 and named,
    never 1-99 for the one and an error for the other; a genuine odd scale
    still reads as its own range, and 11 by 1-10 ratings is a code too."""
    from emomotiv.schema import infer_scale

    survey = _survey().assign(
        app=lambda d: np.ceil(d["app"] / 2), fees=lambda d: np.ceil(d["fees"] / 2)
    )
    survey.loc[:5, "app"] = 99  # 10%
    survey.loc[:23, "fees"] = 99  # 40%
    cat, _, warnings = CATALOG.with_scales_from(survey)
    assert cat.scale("app") == cat.scale("fees") == (1, 5) and warnings == []
    (problem,) = _problems(survey, catalog=cat)  # one line for the one code
    assert "99 is off the 1-5 scale of 2 facets, in 30 cells:" in problem
    assert "'app' (6), 'fees' (24)" in problem
    assert '--not-experienced "99"' in problem
    assert "give the facet's scale in the catalog" in problem  # 40%: may be ratings
    assert infer_scale([1, 40]) == (1, 40) and infer_scale(range(1, 41)) == (1, 40)
    assert infer_scale([2, 5, 9, 11, 11]) == (1, 10)  # 11: a code, not a rating
    assert infer_scale([1, 2, 5, -1, -1, 98, 99]) == (1, 5)
    assert infer_scale([0, 5, 10] + [-1] * 10) == (0, 10)  # -1: a spike
    assert infer_scale([0, 5, 10, -1, -1]) == (-1, 10)  # -1 used like 0


def test_a_not_applicable_code_after_a_1_10_matrix_is_named_in_every_column():
    """A platform numbers a 1-10 matrix's "N/A" answer 11 in every column:
    however many non-users chose it (5% or two thirds), each column reads
    1-10 and the 11s are named as the likely code with the flag to declare
    it, never as a rating of a 1-11 or 3-11 scale (non-users passing as the
    top ratings) nor with the advice to widen the scale."""
    survey = _survey()
    survey.loc[:2, "app"] = 11  # 5%
    survey.loc[:39, "fees"] = 11  # two thirds, the others rating 3 to 10
    survey.loc[40:, "fees"] = np.tile(np.arange(3.0, 11.0), 3)[:20]
    survey.loc[:17, "note"] = 11  # 30%
    cat, _, warnings = CATALOG.with_scales_from(survey)
    assert [cat.scale(f) for f in ("app", "fees", "note")] == [(1, 10)] * 3
    assert warnings == []
    (problem,) = _problems(survey, catalog=cat)
    assert "11 is off the 1-10 scale of 3 facets, in 61 cells:" in problem
    assert "'not applicable'" in problem and '--not-experienced "11"' in problem
    assert "widen" not in problem and "scale_max" not in problem
    cat, _, _ = CATALOG.with_scales_from(survey, not_experienced=[11])
    checked = validate_survey(survey, _schema(), cat, not_experienced=[11])
    assert checked[["app", "fees", "note"]].isna().sum().tolist() == [3, 40, 18]
    # a 6 past a 1-5 scale the catalog declares: the same code, not a rating
    five = FacetCatalog.from_frame(
        pd.DataFrame({"facet": ["app", "fees", "note"], "scale_min": 1, "scale_max": 5})
    )
    survey = _survey().assign(
        **{f: lambda d, f=f: np.ceil(d[f] / 2) for f in "app fees note".split()}
    )
    survey.loc[:4, "app"] = 6
    (problem,) = _problems(survey, catalog=five)
    assert "6, one past the top of the 1-5 scale" in problem
    assert '--not-experienced "6"' in problem and "widen" not in problem


def test_an_evenly_used_1_11_scale_is_read_as_one_with_a_warning():
    """A 0-10 question exported as 1-11, every point chosen alike: 11 is the
    top rating, not a code for 'not applicable' (a tenth of the ratings
    read as non-users), and a warning names both readings and their flags;
    0-12 and -1 to 10 alike. An 11 that spikes in another column of the
    file is the same code in this one."""
    from emomotiv.schema import infer_scale, infer_scales

    rng = np.random.default_rng(0)
    even = pd.DataFrame({f: rng.integers(1, 12, 300) for f in ("app", "fees")})
    catalog = FacetCatalog.from_facets(["app", "fees"])
    cat, _, warnings = catalog.with_scales_from(even)
    assert [cat.scale(f) for f in ("app", "fees")] == [(1, 11)] * 2
    (warning,) = warnings
    assert "A 1-11 scale was read for 2 facets" in warning
    assert '--not-experienced "11"' in warning and "scale_max 11" in warning
    assert infer_scale(rng.integers(0, 13, 300)) == (0, 12)
    assert infer_scale(rng.integers(-1, 11, 300)) == (-1, 10)
    # init lists such a column among the ratings
    from emomotiv.cli import _rating_like

    assert _rating_like(pd.Series(rng.integers(-1, 11, 300), name="app"))
    coded = even.assign(fees=lambda d: d["fees"].where(d.index >= 100, 11))
    assert infer_scales(dict(coded)) == {"app": (1, 10), "fees": (1, 10)}


def test_a_rating_written_as_minus_zero_reads_as_zero():
    """A computed export may write a 0 as -0 (a rounded -0.3): the scale is
    0-11, not "-0-11" in validation's messages and init's study file."""
    import math

    from emomotiv.schema import infer_scale

    ratings = [-0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] * 5 + [99] * 3
    lo, hi = infer_scale(ratings)
    assert (lo, hi) == (0, 11) and math.copysign(1, lo) == 1
    assert f"{lo:g}-{hi:g}" == "0-11"
    lo, _ = infer_scale([-0.0, 3, 7, 10])  # a common scale: 0-10
    assert math.copysign(1, lo) == 1


def test_a_dont_know_code_inside_a_larger_scale_is_read_as_a_code_past_a_gap():
    """1-5 answers with 9 for "don't know" (no 6, 7 or 8): the facet reads
    1-5 and validation names the 9s, rather than a 1-10 scale on which "don't
    know" passes as a high rating. Too few ratings to show a gap, ratings on
    too few of the smaller scale's points, or a value just past its top keep
    the larger scale."""
    from emomotiv.schema import infer_scale

    survey = _survey().assign(app=lambda d: np.ceil(d["app"] / 2))
    survey.loc[:7, "app"] = 9
    cat, _, _ = CATALOG.with_scales_from(survey)
    assert cat.scale("app") == (1, 5)
    problems = _problems(survey, catalog=cat)
    assert any(
        "'app' has 8 ratings off its 1-5 scale: 9" in p and '--not-experienced "9"' in p
        for p in problems
    )
    cat, _, _ = CATALOG.with_scales_from(survey, not_experienced=[9])
    checked = validate_survey(survey, _schema(), cat, not_experienced=[9])
    assert cat.scale("app") == (1, 5) and checked["app"].isna().sum() == 8
    five = [1, 2, 3, 4, 5] * 6
    assert infer_scale(five + [8, 9, 9]) == (1, 5)
    assert infer_scale([1, 1, 1] * 10 + [2, 9]) == (1, 10)  # two points: no spread
    assert infer_scale([2, 3, 5] * 10 + [9]) == (1, 10)  # 1 and 4 unused too
    assert infer_scale(five[:25] + [9]) == (1, 10)  # too few ratings for a gap
    assert infer_scale(five + [7, 9]) == (1, 10)  # 7: within the gap
    assert infer_scale(five + [9] * 40) == (1, 5)  # codes, however many
    assert infer_scale([1, 2, 3, 4, 5, 6, 7] * 5 + [10]) == (1, 7)
    assert infer_scale(list(range(1, 11)) * 4) == (1, 10)


def test_a_not_applicable_code_just_past_a_scale_is_warned_about():
    """1-5 answers with 6 for "not applicable" (a platform's code after the
    matrix's points) read as 1-7, as a rating might: warned about, naming the
    code to declare; a 1-7 scale whose 7 is used, or a declared 6, is not."""
    from emomotiv.schema import FacetCatalog

    five = [1, 2, 3, 4, 5] * 6
    survey = pd.DataFrame(
        {"app": five + [6] * 4, "fees": [1, 3, 5, 6, 7] * 6 + [2] * 4}
    )
    bare = FacetCatalog.from_facets(["app", "fees"])
    cat, _, warnings = bare.with_scales_from(survey)
    assert cat.scale("app") == cat.scale("fees") == (1, 7)
    assert len(warnings) == 1
    assert "1-7 scale was read only from ratings of 6" in warnings[0]
    assert "'app' (4)" in warnings[0] and "fees" not in warnings[0]
    assert '--not-experienced "6"' in warnings[0]
    cat, _, warnings = bare.with_scales_from(survey, not_experienced=[6])
    assert cat.scale("app") == (1, 5) and warnings == []


def test_facets_on_two_scales_are_noted_with_what_a_point_means():
    from emomotiv.schema import FacetCatalog

    survey = pd.DataFrame({"a": [1, 2, 5], "b": [2, 9, 4], "c": [1, 10, 7]})
    catalog = pd.DataFrame(
        {"facet": ["a", "b", "c"], "scale_min": 1, "scale_max": [5, 10, 10]}
    )
    _, notes, _ = FacetCatalog.from_frame(catalog).with_scales_from(survey)
    assert len(notes) == 1
    assert "2 scales (1-10 for 'b', 'c'; 1-5 for 'a')" in notes[0]
    assert "1/9 of a 1-10 scale and 1/4 of a 1-5 scale" in notes[0]
    # one scale: nothing to say
    same = catalog.assign(scale_max=10)
    assert FacetCatalog.from_frame(same).with_scales_from(survey)[1] == []
    # scales read from the ratings: their note names the facets, this one not
    bare = FacetCatalog.from_facets(["a", "b", "c"])
    _, notes, _ = bare.with_scales_from(survey)
    assert "1-5 for 'a'" in notes[0] and "2 scales (1-10; 1-5)" in notes[1]


def test_a_declared_scale_wider_than_every_rating_is_warned_about():
    from emomotiv.schema import FacetCatalog

    survey = pd.DataFrame({"a": [1, 2, 5], "b": [2, 3, 4]})
    catalog = pd.DataFrame({"facet": ["a", "b"], "scale_min": 1, "scale_max": 10})
    cat, notes, warnings = FacetCatalog.from_frame(catalog).with_scales_from(survey)
    assert cat.scale("a") == (1, 10) and notes == []
    assert len(warnings) == 1
    assert "1-10 scale for 2 facets" in warnings[0] and "above 5" in warnings[0]
    # ratings that reach the upper half: no warning
    _, _, warnings = FacetCatalog.from_frame(catalog).with_scales_from(
        survey.assign(a=[1, 2, 8])
    )
    assert warnings == []


def test_ratings_every_other_point_of_their_scale_are_warned_of():
    """A 1-5 question stored on 2-10 (2, 4, 6, 8, 10) or spread over 1-10
    (1, 3.25, 5.5, ...): a one-point rise lands between two ratings seen and
    every gain read exactly 0 [0, 0], with no word."""
    from emomotiv.schema import FacetCatalog

    base = np.tile([1.0, 2, 3, 4, 5], 20)
    survey = pd.DataFrame(
        {"doubled": base * 2, "spread": (base - 1) * 9 / 4 + 1, "plain": base}
    )
    catalog = pd.DataFrame(
        {
            "facet": ["doubled", "spread", "plain"],
            "scale_min": [2, 1, 1],
            "scale_max": [10, 10, 5],
        }
    )
    _, _, warnings = FacetCatalog.from_frame(catalog).with_scales_from(survey)
    coarse = [w for w in warnings if "more than one point apart" in w]
    assert len(coarse) == 1
    assert "'doubled' (2, 4, 6, 8, 10)" in coarse[0]
    assert "'spread' (1, 3.25, 5.5, 7.75, 10)" in coarse[0]
    assert "'plain'" not in coarse[0] and "RaiseScore('doubled', 2)" in coarse[0]
    # every point used somewhere: nothing to say
    survey.loc[0, "doubled"] = 3.0
    survey.loc[0, "spread"] = 2.0
    _, _, warnings = FacetCatalog.from_frame(catalog).with_scales_from(survey)
    assert not any("more than one point apart" in w for w in warnings)


def test_analyze_reads_scales_and_warns(small):
    survey = small.survey.copy()
    facets = list(small.catalog["facet"])
    survey[facets] = ((survey[facets] + 1) // 2).clip(1, 5)  # a 1-5 survey
    catalog = small.catalog.drop(columns=["scale_min", "scale_max"], errors="ignore")
    result = em.analyze(
        survey,
        catalog,
        connection="connected",
        n_boot=0,
        methods=False,
        model=em.DriverModel(n_estimators=30, cv=2),
        progress=False,
    )
    assert "read from the ratings (1-5" in result.summary["data"]["scales"][0]
    declared = catalog.assign(scale_min=1, scale_max=10)
    with pytest.warns(UserWarning, match="declares a 1-10 scale"):
        em.analyze(
            survey,
            declared,
            connection="connected",
            n_boot=0,
            methods=False,
            model=em.DriverModel(n_estimators=30, cv=2),
            progress=False,
        )


def test_a_catalog_frame_given_to_the_constructor_points_at_from_frame(small):
    with pytest.raises(TypeError, match=r"FacetCatalog.from_frame\(catalog\)"):
        FacetCatalog(small.catalog)
    assert FacetCatalog.from_frame(small.catalog).facets == list(small.catalog["facet"])


@pytest.mark.parametrize(
    "column, filled",
    [("label", ["a", "b"]), ("stage", None), ("touchpoint", ["a", "b"])],
)
def test_an_all_empty_label_or_stage_column_is_filled_as_text(column, filled):
    """A catalog column left empty reads as float: its cells still become the
    facet ids (labels) and "Unstaged" (stages), with no pandas warning about
    filling a float column with text."""
    frame = pd.DataFrame({"facet": ["a", "b"], column: [np.nan, np.nan]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cat = em.FacetCatalog.from_frame(frame)
    assert cat.table[column].tolist() == (filled or ["Unstaged", "Unstaged"])


def test_an_empty_touchpoint_cell_is_the_facets_own_touchpoint():
    frame = pd.DataFrame(
        {"facet": ["a", "b"], "label": ["App", "Web"], "touchpoint": ["Digital", ""]}
    )
    cat = em.FacetCatalog.from_frame(frame.replace("", np.nan))
    assert cat.table["touchpoint"].tolist() == ["Digital", "Web"]


def test_catalog_labels_are_read_without_spaces_around_them():
    """'App ' printed 'App , Fees' in the report's lists; a label of spaces
    only is no label (the facet id stands in)."""
    frame = pd.DataFrame(
        {"facet": ["a", "b", "c", "d"], "label": ["App ", "  ", None, " Fees"]}
    )
    labels = FacetCatalog.from_frame(frame).table["label"]
    assert labels.tolist() == ["App", "b", "c", "Fees"]


def test_a_survey_without_rows_is_one_problem_not_one_per_facet(tmp_path):
    facets = [f"f{i}" for i in range(40)]
    path = tmp_path / "survey.csv"
    path.write_text(",".join([*facets, "connected"]) + "\n")  # the header alone
    catalog = em.FacetCatalog.from_facets(facets)
    schema = em.SurveySchema(facets=tuple(facets), connection="connected")
    with pytest.raises(em.ValidationError) as err:
        em.validate_survey(em.read_table(path), schema, catalog)
    assert err.value.problems == [
        "The survey has no respondents: a header, but no rows under it. At "
        "least 82 respondents are needed for 40 facets: read the export that "
        "holds the answers."
    ]  # not 40 lines of "Facet 'f0' is empty" first


def test_a_catalog_number_written_as_text_is_shown_with_every_fitting_hint():
    table = pd.DataFrame(
        {
            "facet": ["app", "web", "fees"],
            "cost": ["(500)", "150.000,00", "€ 20.000"],
            "stated_importance": ["n/a", 3, 4],
        }
    )
    with pytest.raises(ValidationError) as err:
        FacetCatalog.from_frame(table)
    cost, stated = sorted(err.value.problems)
    assert cost.startswith(
        "Catalog column 'cost' is not numeric for 'app', 'web', 'fees': '(500)', "
        "'150.000,00', '€ 20.000'. Some are written in parentheses"
    )
    assert "a currency sign ('€')" in cost and "thousands" in cost
    assert stated == (
        "Catalog column 'stated_importance' is not numeric for 'app': 'n/a'. "
        "Give numbers, or leave it empty."
    )


def test_a_value_column_s_marks_for_no_value_get_the_way_out():
    s = _survey().astype({"value": object})
    s.loc[:3, "value"] = ["N/A", "-", " ", "nan"]
    (problem,) = _problems(s)
    assert problem == (
        "The value column 'value' is not numeric: text in 4 cells: ' ', '-', "
        "'N/A' (+1 more). If they mean the value is not known, clear those "
        "cells: a respondent with an empty value is left out of the value "
        "analysis, and counted."
    )


def test_a_rating_wrapped_in_no_break_spaces_is_a_rating():
    s = _survey().astype({"app": object, "value": object})
    s.loc[0, "app"], s.loc[1, "app"] = "\u00a07", "8\u202f"
    s.loc[0, "value"] = "\u00a0120.5\u00a0"
    s.loc[2, "app"] = "n/a"
    (problem,) = _problems(s)  # not '\xa07' offered as a code
    assert problem.startswith("Facet 'app' has non-numeric ratings in 1 cell: 'n/a'.")


def test_motivator_codes_off_their_shared_scale_are_named_and_can_be_declared():
    """A 99 "don't know" among 1-7 agreement ratings would stretch the
    connection score: named with the motivators' scale and the flag that
    declares it; declared, it is an empty cell; "Don't know" as text too."""
    rng = np.random.default_rng(1)
    s = _survey()
    motivators = ("motivator__secure", "motivator__belong")
    for col in motivators:
        s[col] = rng.integers(1, 8, len(s)).astype(float)
    s.loc[[3, 9], "motivator__belong"] = 99.0
    s["motivator__secure"] = s["motivator__secure"].astype(object)
    s.loc[5, "motivator__secure"] = "Don't know"
    schema = _schema(motivators=motivators)
    problems = _problems(s, schema)
    assert (
        "Motivator 'motivator__belong' has 2 answers off the motivators' 1-7 "
        "scale: 99.0. If they are codes (such as 'don't know'), declare them as "
        'not experienced: --not-experienced "99".'
    ) in problems
    assert any(
        p.startswith("Motivator 'motivator__secure' is not numeric")
        and "not experienced" in p
        for p in problems
    ), problems
    out = validate_survey(s, schema, CATALOG, not_experienced=[99, "Don't know"])
    assert out["motivator__belong"].isna().sum() == 2
    assert out["motivator__secure"].isna().sum() == 1


def test_stated_importance_in_numbered_words_gets_the_rating_labels_flag():
    s = _survey().astype({"app": float})
    labels = ["1 = überhaupt nicht wichtig", "2", "3", "4", "5 = sehr wichtig"]
    s["stated__app"] = [labels[i % 5] for i in range(len(s))]
    (problem,) = _problems(s, _schema(stated={"app": "stated__app"}))
    assert problem.startswith("Stated-importance column 'stated__app' is not numeric")
    assert (
        '--rating-labels "1 = überhaupt nicht wichtig=1,5 = sehr wichtig=5"' in problem
    )


def test_yes_words_beside_0_1_numbers_suggest_naming_the_1_too():
    """A pooled file, one market's outcome in words: naming only the word
    would code the other markets' 1 as not connected."""
    s = _survey().astype({"connected": object})
    s.loc[:9, "connected"] = ["Ja", "Nein"] * 5
    said = " ".join(_problems(s))
    assert '--connected-values "Ja,1"' in said
    assert "also holds numbers coded 0/1 in 50 cells" in said
    words = _survey().astype({"connected": object})
    words["connected"] = words["connected"].map({1: "Ja", 0: "Nein"})
    assert '--connected-values "Ja" (' in " ".join(_problems(words))


def test_one_segment_or_wave_on_a_narrower_scale_is_named():
    """One market asked 1-5 inside a file on 1-10: the whole survey reaches
    10, so only a check per group finds it."""
    s = _survey(n=120).assign(
        market=["UK", "US"] * 60, wave=["2026Q2"] * 60 + ["2026Q3"] * 60
    )
    us = s["market"] == "US"
    s.loc[us, ["app", "fees", "note"]] = np.ceil(s.loc[us, ["app", "fees", "note"]] / 2)
    by = {"segment": "market", "wave": "wave"}
    facets = pd.DataFrame({"facet": ["app", "fees", "note"], "scale_max": 10})
    declared = FacetCatalog.from_frame(facets.assign(scale_min=1))
    _, _, warned = declared.with_scales_from(s, by=by)
    assert len(warned) == 1
    assert "segment column 'market' no rating of 'US' (60 respondents)" in warned[0]
    assert "above 5" in warned[0] and "Recode its ratings" in warned[0]
    assert declared.with_scales_from(s)[2] == []  # the whole survey passes
    late = s["wave"] == "2026Q3"
    s.loc[late, ["app", "fees", "note"]] = s.loc[late, ["app", "fees", "note"]].clip(
        upper=5
    )
    warned = declared.with_scales_from(s, by=by)[2]
    assert any("wave column 'wave' no rating of '2026Q3'" in w for w in warned)
    assert any("emomotiv compare" in w for w in warned)


def test_facets_that_share_a_label_are_refused_by_name():
    """Two rows named 'Speed of response' in every table cannot be told apart."""
    frame = pd.DataFrame(
        {
            "facet": ["chat", "email", "app", "fees"],
            "label": ["Speed of response", "Speed of response ", None, "app"],
        }
    )
    with pytest.raises(ValidationError) as err:
        FacetCatalog.from_frame(frame)
    said = " ".join(err.value.problems)
    assert "'Speed of response' is given to 2 facets, 'chat' and 'email'" in said
    assert "'app' is given to 2 facets, 'app' and 'fees'" in said  # an id
    assert "'Speed of response (chat)'" in said
    kept = FacetCatalog.from_frame(frame.iloc[1:3]).table["label"]
    assert list(kept) == ["Speed of response", "app"]


def test_ids_unique_within_each_segment_are_told_to_take_its_prefix():
    """Two markets' files merged, each numbering its respondents from 1."""
    s = _survey().assign(market=["UK"] * 30 + ["US"] * 30)
    s["id"] = [f"R{i % 30:03d}" for i in range(60)]
    said = " ".join(_problems(s, _schema(segment="market")))
    assert "has 30 duplicate ids" in said
    assert "repeats across the segment column 'market' and is unique within it" in said
    assert "('UK-R000'" in said
    s.loc[31, "id"] = "R000"  # twice within US too: no such advice
    said = " ".join(_problems(s, _schema(segment="market")))
    assert "unique within" not in said and "an id of their own" in said


def test_labels_taken_from_the_file_that_repeat_are_told_apart_by_id():
    """One statement asked in two matrices: the file gives both one label,
    which the catalog would refuse; a label the catalog gives is kept."""
    from emomotiv.readers import complete_catalog

    survey = pd.DataFrame({"q2_1": [1, 5], "q3_1": [2, 4], "q4": [3, 3]})
    survey.attrs["emomotiv"] = {
        "labels": {"q2_1": "Mobile app", "q3_1": "Mobile app", "q4": "Fees"},
        "scales": {},
    }
    catalog = complete_catalog(pd.DataFrame({"facet": ["q2_1", "q3_1", "q4"]}), survey)
    assert list(catalog["label"]) == ["Mobile app (q2_1)", "Mobile app (q3_1)", "Fees"]
    FacetCatalog.from_frame(catalog)  # distinct: accepted
    mine = pd.DataFrame({"facet": ["q2_1", "q3_1"], "label": ["Fees", None]})
    mine = complete_catalog(mine, survey)
    assert list(mine["label"]) == ["Fees", "Mobile app"]
    survey.columns = ["Mobile app (Q2)", "Mobile app (Q3)", "q4"]
    survey.attrs["emomotiv"]["labels"] = dict.fromkeys(survey.columns[:2], "Mobile app")
    named = complete_catalog(pd.DataFrame({"facet": survey.columns[:2]}), survey)
    assert list(named["label"]) == ["Mobile app (Q2)", "Mobile app (Q3)"]


def test_a_stage_written_once_over_its_facets_is_refused():
    """Stage cells merged in Excel read as empty below their first row: 9 of
    15 facets became a stage 'Unstaged' that ranked first, with no word."""
    frame = pd.DataFrame(
        {"facet": list("abcdef"), "stage": ["Open", None, None, "Use", " ", None]}
    )
    with pytest.raises(em.ValidationError, match=r"stage is empty for 4 facets") as err:
        em.FacetCatalog.from_frame(frame)
    assert "unmerge the cells and fill them down" in str(err.value)
    filled = frame.assign(stage=frame["stage"].replace(" ", None).ffill())
    assert em.FacetCatalog.from_frame(filled).stages == ["Open", "Use"]


@pytest.mark.parametrize("first", [None, "   "])
def test_a_facet_with_no_stage_is_refused_in_the_first_row_too(first):
    """An empty (or spaces-only) first stage cell became a stage 'Unstaged'
    (or a stage named by its spaces) silently; lower down it is an error."""
    frame = pd.DataFrame({"facet": list("abc"), "stage": [first, "Open", "Use"]})
    with pytest.raises(
        em.ValidationError, match=r"stage is empty for 1 facet while the others.*'a'"
    ):
        em.FacetCatalog.from_frame(frame)


def test_stage_names_differing_in_case_are_refused_and_spaces_read_past():
    """'Get started', 'get started', 'Get started ', ' Get  started' and
    'INVEST' became five stages of their own, silently."""
    stages = ["Get started", "get started", "Get started ", " Get  started", "INVEST"]
    frame = pd.DataFrame({"facet": list("abcdef"), "stage": [*stages, "Invest"]})
    with pytest.raises(
        em.ValidationError, match="one stage in more than one way"
    ) as err:
        em.FacetCatalog.from_frame(frame)
    assert "'Get started' (3), 'get started' (1)" in str(err.value)
    assert "'INVEST' (1), 'Invest' (1)" in str(err.value)
    spaced = frame.assign(stage=[*stages[:1], *stages[2:4], "Invest", "Invest", "Grow"])
    assert em.FacetCatalog.from_frame(spaced).stages == [
        "Get started",
        "Invest",
        "Grow",
    ]


def test_numeric_stages_read_as_whole_numbers():
    """Whole-number stages in a column pandas read as float became '1.0', ..."""
    frame = pd.DataFrame({"facet": list("abc"), "stage": [1.0, 2.0, 2.0]})
    assert em.FacetCatalog.from_frame(frame).stages == ["1", "2"]


def test_interleaved_stages_are_noted_and_contiguous_ones_are_not():
    """A catalog sorted by facet id scatters each stage; journey order is
    then read from each stage's first appearance, and said so."""
    frame = pd.DataFrame(
        {"facet": list("abcd"), "stage": ["Open", "Use", "Open", "Use"]}
    )
    with pytest.warns(UserWarning, match=r"'Open \(2 runs\)'.*first appearance"):
        cat = em.FacetCatalog.from_frame(frame)
    assert cat.stages == ["Open", "Use"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        em.FacetCatalog.from_frame(frame.sort_values("stage", kind="stable"))


def _scaled(survey, codes=None):
    """The catalog without scales, its scales read from ``survey``, as
    analyze and validate read them; the refusal, if any."""
    cat, notes, warned = CATALOG.with_scales_from(survey, codes)
    try:
        validate_survey(survey, _schema(), cat, not_experienced=codes)
    except ValidationError as err:
        return cat, notes, warned, err.problems
    return cat, notes, warned, []


def test_zeros_that_fill_a_routed_column_are_refused_as_a_code():
    """0 for "not applicable" in 70% of a column, in a catalog with no scale:
    read as a 0-10 rating before, with no word (every non-user a very
    unhappy user). Now refused, every such facet named with its count and
    share, with both ways out; the few 0s of another facet are named too."""
    s = _survey()
    s.loc[:41, "app"] = 0  # 42 of 60
    s.loc[:29, "fees"] = 0  # 30 of 60
    s.loc[:1, "note"] = 0  # 2 of 60: a tail, as a real 0-10 scale's
    cat, _, _, problems = _scaled(s)
    assert cat.scale("app") == (0, 10)
    (problem,) = problems
    assert "'app' (42 of 60, 70%)" in problem and "'fees' (30 of 60, 50%)" in problem
    assert '--not-experienced "0"' in problem and "scale_min 0" in problem
    assert "'note' (2)" in problem  # the same declaration empties its 0s
    # declared, the facets read 1-10 and pass
    cat, _, warned, problems = _scaled(s, ["0"])
    assert problems == [] and cat.scale("app") == (1, 10) and warned == []


def test_a_declared_scale_with_zeros_is_the_users_word():
    s = _survey()
    s.loc[:41, "app"] = 0
    zero_ten = FacetCatalog.from_frame(
        pd.DataFrame({"facet": ["app", "fees", "note"], "scale_min": 0}).assign(
            scale_max=10
        )
    )
    validate_survey(s, _schema(), zero_ten)  # no refusal


def test_zeros_more_common_than_any_rating_are_a_code_below_a_third():
    """25% of 0s beside 1-10 ratings: more common than any of them, a
    routing code, refused; a real 0-10 scale's 0s (fewer than its peak
    rating) pass with the warning that names every facet read 0-10."""
    s = _survey(n=80)
    s.loc[:19, "app"] = 0  # 20 of 80, the ratings' peak far below
    s.loc[:5, "fees"] = 0  # 6 of 80
    s.loc[:11, "note"] = 0  # 12 of 80 (15%): warned no more before
    cat, _, warned, problems = _scaled(s)
    (problem,) = problems
    assert "'app' (20 of 80, 25%)" in problem
    fees, note = (int((s[f] == 0).sum()) for f in ("fees", "note"))
    (warning,) = warned
    assert warning.startswith("A 0-10 scale was read from ratings of 0 for 2 facets")
    assert f"'fees' ({fees} ratings of 0)" in warning
    assert f"'note' ({note} ratings of 0)" in warning


def test_answers_of_0_to_5_read_as_0_10_are_said():
    """A 1-5 survey with a few 0s for "not applicable" was read as 0-10 with
    no word that no answer passes 5."""
    s = _survey().assign(app=lambda d: np.ceil(d["app"] / 2))
    s.loc[:2, "app"] = 0
    cat, _, warned, problems = _scaled(s)
    assert cat.scale("app") == (0, 10) and problems == []
    (warning,) = [w for w in warned if "never pass 5" in w]
    assert "'app' (3 answers of 0)" in warning
    assert '--not-experienced "0"' in warning and "scale_max 5" in warning


def test_a_segment_that_answers_only_0_is_refused():
    """A premium-only touchpoint coded 0 for every other customer."""
    s = _survey(n=90)
    s["tier"] = np.repeat(["premium", "standard", "prepaid"], 30)
    s.loc[s["tier"] != "premium", "app"] = 0
    (problem,) = _scaled(s)[3]
    assert "'app' (60 of 90, 67%)" in problem


def test_a_scale_read_differently_in_two_waves_is_warned():
    """One wave coded "not applicable" 0, the other left it blank: each is
    read on its own ratings' scale, 0-10 and 1-10."""
    s = pd.concat([_survey(), _survey(seed=1)], ignore_index=True)
    s["wave"] = np.repeat(["Q2", "Q3"], 60)
    s.loc[:4, "app"] = 0  # a few 0s, in Q2 only
    _, _, warned = CATALOG.with_scales_from(s, by={"wave": "wave"})
    (warning,) = [w for w in warned if "differs between waves" in w]
    assert "'app' is read 0-10 in 'Q2', 1-10 in 'Q3'" in warning


def test_one_code_off_the_scale_of_many_facets_is_one_problem():
    """99 in every routed column: one line naming the code, the facets and
    the cells, not one per column; a code that fills most of a column is
    offered as a code only, never as ratings that need a scale."""
    s = _survey()
    for f in ("app", "fees", "note"):
        s.loc[:39, f] = 99  # 40 of 60
    (problem,) = _problems(s)
    assert problem.startswith("99 is off the 1-10 scale of 3 facets, in 120 cells:")
    assert "'app' (40), 'fees' (40), 'note' (40)" in problem
    assert '--not-experienced "99"' in problem
    assert "If they are ratings" not in problem


def test_declared_codes_are_counted_and_noted():
    from emomotiv.schema import count_not_experienced

    s = _survey().astype({"note": object})
    s.loc[:9, "app"] = 99
    s.loc[:4, "fees"] = 0
    s.loc[:2, "note"] = "n/a"
    record = count_not_experienced(s, CATALOG, ["99", "0", "N/A"])
    assert record == {
        "codes": ["99", "0", "N/A"],
        "cells": 18,
        "facets": 3,
        "by_code": {"99": 10, "0": 5, "N/A": 3},
        "by_facet": {"app": 10, "fees": 5, "note": 3},
    }
    assert count_not_experienced(s, CATALOG) is None
    _, notes, _ = CATALOG.with_scales_from(s, ["99", "0", "N/A"])
    assert notes[0] == (
        "Read 99, 0 and 'N/A' as not experienced: 18 cells in 3 facets: "
        "'app' (10), 'fees' (5), 'note' (3)."
    )


def test_codes_of_the_catalog_are_counted_as_numbers_are_written():
    """A catalog's not_experienced column of numbers is read as floats: its
    99 is counted with the flag's, and written 99, not 99.0."""
    from emomotiv.schema import count_not_experienced

    s = _survey()
    s.loc[:9, "app"] = 99
    s.loc[:4, "fees"] = 99
    table = pd.DataFrame({"facet": ["app", "fees", "note"], "not_experienced": 99.0})
    record = count_not_experienced(s, FacetCatalog.from_frame(table), ["99"])
    assert record["by_code"] == {"99": 15} and record["facets"] == 2


@pytest.mark.parametrize(
    ("yes", "no"),
    [
        ("Connected", "Disconnected"),
        ("Agree", "Disagree"),
        ("1 - Connected", "0 - Not connected"),
        ("Emotionally connected", "Not emotionally connected"),
    ],
)
def test_a_worded_outcome_outside_the_yes_no_words_names_connected_values(yes, no):
    """Only a "no" from the word list (yes/no, "not connected") gave the way
    out; "Connected"/"Disconnected" got "is not numeric" and nothing more."""
    s = _survey()
    s["connected"] = np.where(s["connected"] == 1, yes, no)
    (problem,) = _problems(s)
    assert f"text in 60 cells: '{min(yes, no)}', '{max(yes, no)}'." in problem
    assert f'connected_values=["{yes}"] or --connected-values "{yes}"' in problem


def test_many_texts_in_the_outcome_still_name_both_ways_out():
    s = _survey()
    s["connected"] = [f"answer {i}" for i in range(len(s))]
    (problem,) = _problems(s)
    assert "text in 60 cells: 'answer 0', 'answer 1', 'answer 10' (+57 more)" in problem
    assert "Code it as numbers" in problem and "connected_values=[...]" in problem


def test_a_header_of_two_rows_is_named_once_with_the_way_out():
    """Columns of two levels (read_excel(header=[0, 1])) gave one "not in the
    survey. Did you mean '('Q', ...)'" per role and facet."""
    s = _survey()
    s.columns = pd.MultiIndex.from_product([["Q"], s.columns])
    with pytest.raises(ValidationError) as info:
        em.analyze(s, CATALOG, connection="connected", value="value", weight="w")
    (problem,) = info.value.problems
    assert problem == (
        "The survey's columns have 2 levels (a header of 2 rows), such as "
        "('Q', 'id'); roles and facets name one level: flatten them "
        "(survey.columns = survey.columns.get_level_values(-1))."
    )


def test_columns_named_by_numbers_are_read_by_their_names_as_text():
    """A survey of pd.DataFrame(array) columns, with a catalog naming them 0,
    1, ..., failed inside pandas with a KeyError ("None of [Index(['0', '1',
    ...])] are in the [columns]"): the catalog's facets are read as text,
    and so are the columns. Only names that then read alike are refused."""
    s = em.make_survey(n_respondents=300, n_facets=12, random_state=0)
    facets = list(s.catalog["facet"])
    survey = s.survey.rename(columns={f: i for i, f in enumerate(facets)})
    survey[99] = 1.0  # a stray column no role uses: no matter
    catalog = pd.DataFrame({"facet": range(12)})
    result = em.analyze(
        survey, catalog, connection="connected", n_boot=0, methods=False
    )
    assert sorted(result.drivers["facet"], key=int) == [str(i) for i in range(12)]
    assert 0 in survey.columns and "0" not in survey.columns  # the caller's frame
    survey["0"] = 1.0
    with pytest.raises(ValidationError) as info:
        em.analyze(survey, catalog, connection="connected", n_boot=0)
    (problem,) = info.value.problems
    assert problem == (
        "The survey has columns whose names read alike as text (one a number, "
        "one text): '0'. Rename one of each."
    )
    # a sheet read without its header row: every column a number, no role
    # can name one (it read "'connected' is not in the survey" and told to
    # drop every facet from the catalog)
    headerless = pd.DataFrame(np.vstack([s.survey.columns, s.survey.to_numpy()]))
    with pytest.raises(ValidationError) as info:
        em.analyze(headerless, s.catalog, connection="connected", n_boot=0)
    (problem,) = info.value.problems
    assert problem.startswith("The survey's columns are all named by numbers, not")
    assert problem.endswith(
        "Read the file with its header row, or name them (survey.columns = [...])."
    )


def _mixed_catalog(not_experienced=None):
    """'app' declared 0-10 (0 a rating), 'fees' and 'note' 1-10."""
    table = pd.DataFrame(
        {
            "facet": ["app", "fees", "note"],
            "scale_min": [0, 1, 1],
            "scale_max": [10, 10, 10],
            "not_experienced": not_experienced,
        }
    )
    return FacetCatalog.from_frame(table)


def test_a_global_code_on_a_declared_scale_is_refused_naming_the_ratings():
    """--not-experienced "0" beside a catalog that gives 'app' a 0-10 scale
    emptied app's ratings of 0 with no word (the worst ratings of the worst
    touchpoint gone). Now refused, naming the facet, its cells and the
    catalog's not_experienced column; a code off every declared scale, or
    given per facet, passes as before."""
    s = _survey()
    s.loc[:5, "app"] = 0  # 6 ratings of 0 on 0-10
    s.loc[:19, "fees"] = 0  # 20 "not applicable" on 1-10
    with pytest.raises(ValidationError) as err:
        validate_survey(s, _schema(), _mixed_catalog(), not_experienced=["0"])
    (problem,) = err.value.problems
    assert "The not-experienced code 0" in problem
    assert "would empty 6 of their ratings" in problem
    assert "'app' (6, scale 0-10)" in problem and "'fees'" not in problem
    assert "catalog's not_experienced column" in problem
    # the way out: the code per facet, where it means not used
    out = validate_survey(s, _schema(), _mixed_catalog([None, "0", None]))
    assert out["app"].eq(0).sum() == 6 and out["fees"].isna().sum() == 20
    # a code off every declared scale is taken as before
    s.loc[:5, "app"] = 99
    catalog = _mixed_catalog([None, "0", None])
    out = validate_survey(s, _schema(), catalog, not_experienced=["99"])
    assert out["app"].isna().sum() == 6
    # a scale read from the ratings is no declaration: 0 is a code there
    validate_survey(s, _schema(), CATALOG, not_experienced=["0", "99"])


def test_a_catalog_that_gives_one_end_of_a_scale_is_refused():
    """scale_min 0 alone (as the docs said was enough) was dropped with no
    word and the scale read from the ratings; scale_max 5 alone over 1-7
    answers too. Now one error names every such facet and the end missing."""
    table = pd.DataFrame(
        {
            "facet": ["app", "fees", "note"],
            "scale_min": [0, None, 1],
            "scale_max": [None, 5, 10],
        }
    )
    with pytest.raises(ValidationError) as err:
        FacetCatalog.from_frame(table)
    (problem,) = err.value.problems
    assert "one end of the scale only for 2 facets" in problem
    assert "'app' (scale_min 0, no scale_max)" in problem
    assert "'fees' (scale_max 5, no scale_min)" in problem
    assert "scale_min 0 and scale_max 10" in problem
    only_min = pd.DataFrame({"facet": ["app"], "scale_min": [0]})
    with pytest.raises(ValidationError, match="'app' \\(scale_min 0, no scale_max"):
        FacetCatalog.from_frame(only_min)


def test_zero_refusal_names_the_catalog_column_for_a_mixed_file():
    s = _survey()
    s.loc[:41, "app"] = 0
    (problem,) = _scaled(s)[3]
    assert "catalog's not_experienced column" in problem
    assert "scale_min 0 and scale_max 10" in problem


def test_decimals_off_a_scale_are_never_offered_as_codes():
    """0.33 and 0.67 under a 1-10 scale (means of items mapped wrong) were
    offered as --not-experienced "0.33,0.67"; a fraction is never a code."""
    s = _survey()
    s.loc[:2, "app"] = 0.33
    s.loc[3:4, "app"] = 0.67
    declared = _mixed_catalog().table.assign(scale_min=1.0)
    (problem,) = _problems(s, catalog=FacetCatalog(declared))
    assert "--not-experienced" not in problem
    assert "0.33, 0.67 have decimals" in problem
    assert "scale_min 0 and scale_max 10" in problem


def test_a_code_off_the_scale_and_a_0_code_are_named_at_once():
    """A routed facet with 99 for "don't know" and 0 for its non-users was
    refused for the 99 alone; declaring 99 then met the 0s on the next run."""
    from emomotiv.schema import validate_survey

    rng = np.random.default_rng(0)
    lounge = rng.integers(1, 11, 300).astype(float)
    lounge[:150], lounge[150:170] = 0, 99
    survey = pd.DataFrame(
        {
            "lounge": lounge,
            "app": rng.integers(1, 11, 300).astype(float),
            "connected": rng.integers(0, 2, 300),
        }
    )
    catalog, _, _ = FacetCatalog.from_facets(["lounge", "app"]).with_scales_from(survey)
    schema = SurveySchema.infer(survey, catalog, connection="connected")
    with pytest.raises(em.ValidationError) as err:
        validate_survey(survey, schema, catalog)
    said = str(err.value)
    assert "99" in said and "'lounge' (150 of 280, 54%)" in said


def test_a_role_column_listed_as_a_facet_is_named_once_not_read_as_a_rating():
    """The outcome listed in the catalog too: refused as a role and a facet,
    and no more; read as a rating as well, its 0s drew the advice to declare
    0 as 'not experienced', wrong for an outcome."""
    s = _survey().assign(connected=np.tile([0, 0, 1], 20))
    catalog = FacetCatalog.from_facets(["app", "fees", "note", "connected"])
    schema = SurveySchema(facets=tuple(catalog.facets), connection="connected")
    cat, _, _ = catalog.with_scales_from(s)
    (problem,) = _problems(s, schema, cat)
    assert problem.startswith("The connection column 'connected' is also a facet")


def test_dates_and_time_spans_are_refused_as_ratings_and_as_numbers():
    """The interview date in a catalog drafted from every survey column was
    read as a count of time since 1970 and ranked among the touchpoints (so
    a time span, a Period, a date with a time zone); as the value, weight or
    satisfaction it passed as numbers too, and as the outcome it drew the
    advice to declare a score. Each is refused, named as what it holds."""
    days = pd.Series(
        pd.Timestamp("2026-01-01") + pd.to_timedelta(np.arange(60) % 30, "D")
    )
    s = _survey().assign(
        date=days,
        zoned=days.dt.tz_localize("UTC"),
        month=days.dt.to_period("M"),
        day=days.dt.date.astype(object),
        spent=days - days.min(),
        value=days,
        w=days.dt.date,
        sat=days - days.min(),
    )
    facets = ["app", "fees", "note", "date", "zoned", "month", "day", "spent"]
    schema = _schema(satisfaction="sat")
    problems = _problems(
        s, replace(schema, facets=tuple(facets)), FacetCatalog.from_facets(facets)
    )
    for facet in ("date", "zoned", "month", "day"):
        assert f"Facet '{facet}' holds dates, not ratings" in " ".join(problems)
    assert "Facet 'spent' holds time spans, not ratings" in " ".join(problems)
    assert "Drop it from the catalog (or the facets)" in problems[0]
    assert "The value column 'value' holds dates, not numbers" in problems[-3]
    assert "The satisfaction column 'sat' holds time spans" in problems[-2]
    assert "The weight column 'w' holds dates" in problems[-1]
    assert len(problems) == 8  # nothing else said of them (a scale, codes)
    (problem,) = _problems(_survey().assign(date=days), _schema(connection="date"))
    assert problem.startswith("The connection column 'date' holds dates, not numbers")
    assert "--connection COL" in problem
    catalog = pd.DataFrame({"facet": ["app", "fees", "note", "date"]})
    with pytest.raises(ValidationError, match="Facet 'date' holds dates, not ratings"):
        em.analyze(
            _survey().assign(date=days), catalog, connection="connected", n_boot=0
        )


@pytest.mark.parametrize("written", ["%Y-%m-%d", "%d/%m/%Y %H:%M", "%d.%m.%y"])
def test_dates_read_from_a_csv_file_are_named_as_dates_not_free_text(written):
    """A CSV file's interview date is text, not a pandas date: as a facet it
    was refused as free text (comments); it is named as dates, with the
    same advice to leave it out."""
    days = pd.Timestamp("2026-01-01") + pd.to_timedelta(np.arange(60) % 30, "D")
    s = _survey().assign(date=days.strftime(written))
    facets = ("app", "fees", "note", "date")
    (problem,) = _problems(
        s, replace(_schema(), facets=facets), FacetCatalog.from_facets(facets)
    )
    assert "They are 100% of its answers, and dates (or times), not ratings" in problem
    assert problem.endswith("Leave the column out of the facets.")
    assert "free text" not in problem


@pytest.mark.parametrize("scaled", [True, False], ids=["scale", "no scale"])
def test_an_infinite_rating_is_named_not_a_crash(scaled):
    """A file's inf (or 1e999, or Infinity) in a rating crashed validation
    with an OverflowError (exit 1 on the command line); an infinite
    satisfaction was also offered as a code to declare."""
    s = _survey()
    s.loc[3, "app"], s.loc[4, "fees"] = np.inf, -np.inf
    s["sat"] = 5.0
    s.loc[[0, 1], "sat"] = [np.inf, 4.0]
    catalog = CATALOG if scaled else FacetCatalog(CATALOG.table, ("app", "fees"))
    problems = _problems(s, _schema(satisfaction="sat"), catalog)
    assert problems[:2] == [
        f"Facet '{facet}' has 1 infinite value (a file's inf or 1e999), no rating "
        "on a scale: fix those cells, or clear them where the touchpoint was not "
        "rated."
        for facet in ("app", "fees")
    ]
    assert problems[2:] == ["The satisfaction column 'sat' has 1 infinite value."]


def test_numbers_too_large_to_compute_with_are_named_not_a_crash():
    """A value of 1e200 (another unit, a code) failed inside statsmodels
    ('The first guess on the deviance function returned a nan'). A weight's
    size does not matter: weights are scaled to a mean of 1."""
    s = _survey().assign(value=100.0, w=1.0)
    s.loc[[0, 1], "value"] = [1e200, -1e160]
    s["w"] = s["w"] * 1e170
    problems = _problems(s, _schema(value="value", weight="w"))
    assert any(
        p.startswith("The value column 'value' has 2 numbers too large to compute")
        for p in problems
    ), problems
    assert not any("weight" in p for p in problems), problems


def test_a_stray_true_or_false_among_ratings_is_named_not_read_as_1_or_0():
    """A DataFrame cell set to True among numbers was read as the rating 1
    (and False as a 0 off the scale, called a code to declare); as a value,
    as the amount 1. They are named as what they are."""
    s = _survey()
    s["app"] = s["app"].astype(object)
    s.loc[3, "app"], s.loc[5, "app"] = True, False
    s["value"] = s["value"].astype(object)
    s.loc[7, "value"] = True
    problems = _problems(s)
    assert problems[0] == (
        "Facet 'app' has non-numeric ratings in 2 cells: False, True. True and "
        "False are no ratings (pandas would read them as 1 and 0): fix those "
        "cells, or, if the column is a yes/no question, take it out of the "
        "facets (the catalog)."
    )
    assert (
        problems[1] == "The value column 'value' is not numeric: text in 1 cell: True."
    )


@pytest.mark.parametrize(
    "used",
    [
        pd.array([True, False, None] * 20, dtype="boolean"),
        np.tile([True, False, False], 20),
        pd.Series([True, False, None] * 20, dtype=object),
    ],
    ids=["boolean", "bool", "objects"],
)
def test_a_true_false_facet_is_refused_as_no_rating_not_as_0_codes(used):
    """A yes/no touchpoint (used the app) read as 0 and 1 on a 0-10 scale
    drew the refusal of its 0s as a 'not applicable' code, and the advice to
    declare them so (which would leave a facet of one answer). It is named
    as yes/no answers, with the ways out that keep it in the analysis; a
    True/False outcome is still read as 1 and 0."""
    s = _survey().assign(used_app=used)
    catalog = FacetCatalog.from_facets(["app", "fees", "note", "used_app"])
    schema = replace(_schema(), facets=tuple(catalog.facets))
    cat, _, _ = catalog.with_scales_from(s)
    (problem,) = _problems(s, schema, cat)
    assert problem.startswith(
        "Facet 'used_app' holds yes/no answers (True/False), not ratings on a scale"
    )
    assert "--control COL" in problem and "--segment COL" in problem
    assert "--not-experienced" not in problem
    s = _survey().assign(connected=pd.array([True, False] * 30, dtype="boolean"))
    checked = validate_survey(s, _schema(), CATALOG)
    assert checked["connected"].tolist() == [1.0, 0.0] * 30


def test_the_0_code_refusal_says_what_its_counts_are():
    """'(0s of the answers)' stood alone before the list it described."""
    s = _survey()
    s.loc[:41, "app"] = 0
    (problem,) = _scaled(s)[3]
    assert "does not give, with its 0s among its answers: 'app' (42 of 60, 70%)" in (
        problem
    )


def test_ratings_running_past_a_declared_scale_call_for_a_wider_scale():
    """0-10 ratings under a catalog's 1-5 (a rounded -0.3 among them) were
    named '-0, 6, 7 (+3 more)' and offered as six 'not experienced' codes,
    --not-experienced "-0,6,7". They read 0, and the hint is the scale in
    the catalog; a 6 for 'not applicable' after a 1-5 matrix, or codes far
    past it, keep the advice to declare them."""
    five = FacetCatalog.from_frame(
        pd.DataFrame({"facet": ["app", "fees", "note"], "scale_min": 1, "scale_max": 5})
    )
    s = _survey().assign(
        app=lambda d: d["app"] - 1,  # 0-9, and a few 10s
        fees=lambda d: np.ceil(d["fees"] / 2),
        note=lambda d: np.ceil(d["note"] / 2),
    )
    s.loc[s["app"] == 0, "app"] = -0.0
    s.loc[:3, "app"] = 10
    s.loc[:5, "fees"] = 6  # a code after the matrix's points
    s.loc[6:7, "fees"] = 99
    s.loc[:3, "note"] = [97, 98, 99, 999]  # four codes, far past the scale
    app, fees, note = _problems(s, catalog=five)
    assert app.startswith("Facet 'app' has ")
    assert "off its 1-5 scale: 0, 6, 7 (+3 more)." in app
    assert "the catalog's 1-5 scale is likely too narrow" in app
    assert "(scale_min 0 and scale_max 10)" in app
    assert "not-experienced" not in app and "-0" not in app
    assert '--not-experienced "6,99"' in fees and "too narrow" not in fees
    assert '--not-experienced "97,98,99"' in note and "too narrow" not in note
    # a run of codes widens the scale to no common one: codes still
    s = _survey().assign(
        app=lambda d: np.ceil(d["app"] / 2),
        fees=lambda d: np.ceil(d["fees"] / 2),
        note=lambda d: np.ceil(d["note"] / 2),
    )
    s.loc[:7, "app"] = [-1, -2, -3, -4] * 2  # Confirmit's negative codes
    s.loc[:7, "fees"] = [6, 7, 8, 9] * 2  # n/a, don't know, refused, missing
    app, fees = _problems(s, catalog=five)
    assert '--not-experienced "-4,-3,-2' in app and "too narrow" not in app
    assert '--not-experienced "6,7,8' in fees and "too narrow" not in fees
    assert "widen" not in fees  # 6 to 9 complete no common scale


def test_ratings_past_a_catalogs_scale_to_a_common_one_are_offered_it():
    """A catalog's 1-7 over ratings of 1-10 named 8, 9 and 10 as the code for
    'not applicable' to declare, which would drop the top three ratings of
    every facet, with no word of a 1-10 scale."""
    seven = FacetCatalog.from_frame(
        pd.DataFrame({"facet": ["app", "fees", "note"], "scale_min": 1, "scale_max": 7})
    )
    (problem,) = _problems(_survey(), catalog=seven)
    assert problem.startswith("8, 9, 10 are off the 1-7 scale of 3 facets")
    assert problem.endswith(
        "If 8, 9, 10 are ratings (they run on from the scale to a common 1-10 "
        "one), widen the scale in the catalog instead (scale_min 1 and "
        "scale_max 10)."
    )
    # one widening offered, the common scale's, not also 1-9 for the 9
    from emomotiv.schema import _off_scale_hint

    hint = _off_scale_hint([9.0, 10.0], 1, 8, declared=True)
    assert "(scale_min 1 and scale_max 10)" in hint and "scale_max 9" not in hint
    assert '--not-experienced "9,10"' in hint  # both, if they are codes
    # one value past the top stays the code a platform writes for 'n/a'
    s = _survey().assign(
        app=lambda d: np.ceil(d["app"] / 2),
        fees=lambda d: np.ceil(d["fees"] / 2),
        note=lambda d: np.ceil(d["note"] / 2),
    )
    s.loc[:3, "app"] = 8
    (problem,) = _problems(s, catalog=seven)
    assert "'not applicable' answer" in problem and "widen" not in problem


def test_a_group_written_two_ways_is_offered_a_fix_that_keeps_its_codes():
    """'UK' beside 'uk ' was offered survey[col].str.title(), which writes
    'Uk' (and 'De' for 'DE')."""
    from emomotiv.schema import grouping_problem

    said = grouping_problem(pd.Series(["UK", "uk "] * 30, name="market"), "segment")
    assert "writes one group in more than one way (case aside)" in said
    assert "title()" not in said and "upper()" not in said
    assert said.endswith(
        "(survey[col].replace() of the other ways by the one to keep)."
    )
