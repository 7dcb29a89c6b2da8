"""Ratings exported as answer texts ("Poor" ... "Excellent") read as numbers."""

from __future__ import annotations

import html
import re
import tomllib
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emomotiv as em
from emomotiv.cli import build_parser, main
from emomotiv.readers import (
    RATING_SCALES,
    _fold,
    apply_rating_labels,
    code_outcome,
    guess_rating_labels,
    rating_labels_note,
)

WORDS = ["Very poor", "Poor", "Fair", "Good", "Excellent"]
ROLES = {"connection": "connected", "weight": "weight"}


@pytest.fixture(scope="module")
def surveys():
    """A 1-5 survey as numbers (catalog with its scale) and as answer texts
    ("Don't know" where a touchpoint was not used; catalog without scales)."""
    s = em.make_survey(n_respondents=400, n_facets=6, random_state=4)
    facets = list(s.catalog["facet"])
    numbers = s.survey[[*facets, "connected", "weight"]].copy()
    numbers[facets] = np.ceil(numbers[facets] / 2)
    words = numbers.copy()
    for f in facets:
        words[f] = numbers[f].map(dict(enumerate(WORDS, start=1))).fillna("Don't know")
    scaled = s.catalog.assign(scale_min=1, scale_max=5)
    bare = s.catalog.drop(columns=["scale_min", "scale_max"])
    return numbers, scaled, words, bare


def _analysis(survey, catalog, **options) -> em.AnalysisResult:
    """A small analysis (a ranking of six facets from 400 respondents: the
    warning that it is unstable is expected and beside the point here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return em.analyze(
            survey,
            catalog,
            **ROLES,
            model=em.DriverModel(n_estimators=40, cv=2),
            n_boot=3,
            methods=False,
            progress=False,
            **options,
        )


def test_answer_texts_give_the_same_analysis_as_their_numbers(surveys):
    numbers, scaled, words, bare = surveys
    want = _analysis(numbers, scaled)
    got = _analysis(
        words,
        bare,
        rating_labels=[w.upper() for w in WORDS],  # case does not matter
        not_experienced=["Don't know"],
    )
    pd.testing.assert_frame_equal(got.drivers, want.drivers)
    pd.testing.assert_frame_equal(got.tables["roi"], want.tables["roi"])
    assert got.summary["data"]["scales"][0] == rating_labels_note(
        [w.upper() for w in WORDS]
    )
    assert got.summary["study"]["options"]["rating_labels"] == [
        w.upper() for w in WORDS
    ]
    page = em.Report(got).html()
    assert "How the answers were read" in page
    assert "EXCELLENT = 5" in page
    assert "How the answers were read" not in em.Report(want).html()


def test_without_rating_labels_the_error_gives_the_scale_and_the_non_answers(
    surveys,
):
    _, _, words, bare = surveys
    with pytest.raises(em.ValidationError) as err:
        _analysis(words, bare)
    facets = list(bare["facet"])
    # one problem names every facet written in the same words (not one copy
    # of it each), and none is said to be empty
    (problem,) = err.value.problems
    assert problem.startswith(f"{len(facets)} facets have non-numeric ratings")
    assert all(f"'{f}' (" in problem for f in facets)
    assert '--rating-labels "Very poor,Poor,Fair,Good,Excellent"' in problem
    assert '--not-experienced "Don\'t know"' in problem
    # a facet whose words are not a known scale's is a problem of its own
    first = words[facets[0]].replace("Poor", "Bad")
    with pytest.raises(em.ValidationError) as err:
        _analysis(words.assign(**{facets[0]: first}), bare)
    one, several = err.value.problems
    assert one.startswith(f"Facet '{facets[0]}' has non-numeric ratings")
    assert several.startswith(f"{len(facets) - 1} facets have non-numeric")


def test_a_mapping_gives_labelled_ends_of_a_numeric_scale_their_numbers():
    survey = pd.DataFrame(
        {"q1": ["0 - Not at all likely", "5", "10 - Extremely likely", None]}
    )
    labels = {"0 - not at all likely": 0, "10 - extremely likely": 10}
    out = apply_rating_labels(survey, ["q1"], labels)
    assert pd.to_numeric(out["q1"]).tolist()[:3] == [0.0, 5.0, 10.0]
    assert out.attrs["emomotiv"]["scales"] == {"q1": (0.0, 10.0)}
    assert "emomotiv" not in survey.attrs  # the caller's frame is untouched
    assert survey["q1"].iloc[0] == "0 - Not at all likely"


def test_numeric_columns_and_other_text_are_left_alone():
    survey = pd.DataFrame({"a": [1.0, 2.0], "b": ["Good", "so-so"], "c": ["x", "y"]})
    out = apply_rating_labels(survey, ["a", "b", "c", "absent"], WORDS)
    assert out["a"] is survey["a"] or out["a"].equals(survey["a"])
    assert out["b"].tolist() == [4.0, "so-so"]
    assert out["c"].tolist() == ["x", "y"]
    assert out.attrs["emomotiv"]["scales"] == {"b": (1.0, 5.0)}


@settings(max_examples=40, deadline=None)
@given(
    scale=st.sampled_from(RATING_SCALES),
    picks=st.lists(st.integers(0, 4), min_size=1, max_size=30),
    upper=st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_each_label_reads_as_its_place_on_the_scale(scale, picks, upper):
    """Any answers of a known scale, in any case and with stray spaces, read
    as their place on it (1 = lowest); the guess from them names a scale
    that gives the same numbers wherever they are not ambiguous."""
    texts = [
        f" {scale[i].upper() if up else scale[i].lower()}  "
        for i, up in zip(picks, upper, strict=False)
    ]
    out = apply_rating_labels(pd.DataFrame({"q": texts}), ["q"], list(scale))
    assert out["q"].tolist() == [float(i + 1) for i in picks]
    guess = guess_rating_labels(texts)
    if len(set(picks)) < 2:
        assert guess is None
    else:
        assert guess is not None
        folded = [g.casefold() for g in guess]
        assert {scale[i].casefold() for i in picks} <= set(folded)


WORDS_NEITHER = ["Very dissatisfied", "Dissatisfied", "Neither", "Satisfied"]
WORDS_NEITHER += ["Very satisfied"]


def test_guess_rating_labels():
    assert guess_rating_labels(["good", "EXCELLENT", "Don't know", "N/A"]) in (
        [*WORDS],
        ["Poor", "Fair", "Good", "Very good", "Excellent"],
        ["Very poor", "Poor", "Average", "Good", "Excellent"],
        ["Terrible", "Poor", "Average", "Good", "Excellent"],
    )
    # the scale the answers cover most wins
    assert guess_rating_labels(["Poor", "Fair", "Good", "Very good"]) == [
        "Poor",
        "Fair",
        "Good",
        "Very good",
        "Excellent",
    ]
    assert guess_rating_labels(["Yes", "No"]) is None
    assert guess_rating_labels(["Good", "Don't know"]) is None
    # a midpoint written short, as many questionnaires write it
    answers = ["Very satisfied", "Neither", "Dissatisfied", "Satisfied"]
    assert guess_rating_labels(answers) == ["Very dissatisfied", *WORDS_NEITHER[1:]]


@pytest.mark.parametrize(
    "answers, lowest",
    [
        # German school grades, as exported in words, with "don't know" codes
        (["gut", "Sehr gut", "mangelhaft", "weiß nicht", "k. A."], "mangelhaft"),
        (["ungenügend", "gut", "sehr gut"], "ungenügend"),
        (
            ["stimme eher zu", "teils/teils", "Keine Angabe"],
            "stimme überhaupt nicht zu",
        ),
        # French agreement with the apostrophe Excel and Word type (U+2019)
        (
            ["Tout à fait d\u2019accord", "Pas d\u2019accord", "NSP"],
            "pas du tout d'accord",
        ),
        (["très satisfait", "neutre", "Ne sait pas"], "très insatisfait"),
        (
            ["Très satisfait", "Moyennement satisfait", "Peu satisfait", "NSP"],
            "pas du tout satisfait",
        ),
        # "sans avis" (no opinion) beside that scale: a non-answer
        (
            ["Très satisfait", "Peu satisfait", "Satisfait", "Sans avis"],
            "pas du tout satisfait",
        ),
    ],
)
def test_german_and_french_scales_and_non_answers_are_recognised(answers, lowest):
    guess = guess_rating_labels(answers)
    assert guess is not None and guess[0] == lowest
    labelled = [a for a in answers if _fold(a) in {_fold(g) for g in guess}]
    out = apply_rating_labels(pd.DataFrame({"q": labelled}), ["q"], guess)
    assert out["q"].notna().all()


@pytest.mark.parametrize(
    "bad",
    [
        ["Poor"],
        ["Poor", " poor"],
        "Poor,Good",
        {"Poor": "one", "Good": 2},
        [1, 2],
        [["Poor", "Good"], ["Good", "Poor"]],  # 'Good' would be 2 and 1
    ],
)
def test_bad_rating_labels_are_refused_with_the_forms_allowed(bad):
    with pytest.raises(em.ValidationError, match="'rating_labels' parameter"):
        em.Study(rating_labels=bad).check()


def test_a_decimal_mark_other_than_point_or_comma_is_refused():
    with pytest.raises(em.ValidationError, match="'decimal' parameter"):
        em.Study(decimal=";").check()


@pytest.mark.parametrize(
    "labels", [WORDS, {"0 - Not at all likely": 0, "10 - Extremely likely": 10}]
)
def test_rating_labels_round_trip_through_the_study_file(labels, tmp_path):
    study = em.Study(connection="connected", rating_labels=labels)
    path = tmp_path / "study.toml"
    path.write_text(study.to_toml(), encoding="utf-8")
    assert tomllib.loads(path.read_text())["options"]["rating_labels"] == labels
    assert em.Study.from_toml(path).rating_labels == labels


def test_the_command_line_reads_labels_in_order_or_with_numbers():
    from emomotiv.cli import _reading

    parse = build_parser().parse_args
    base = ["validate", "s.csv", "--catalog", "f.csv", "--connection", "c"]
    flag = "--rating-labels"
    one = parse([*base, flag, "Poor, Fair ,Good"])
    assert _reading(one)["rating_labels"] == ["Poor", "Fair", "Good"]
    numbered = parse([*base, flag, "Not at all likely=0,Extremely likely=10"])
    want = {"Not at all likely": 0.0, "Extremely likely": 10.0}
    assert _reading(numbered)["rating_labels"] == want
    two = parse([*base, flag, "Poor,Good", flag, "Unimportant,Important"])
    assert _reading(two)["rating_labels"] == [
        ["Poor", "Good"],
        ["Unimportant", "Important"],
    ]
    for bad in ("Poor", "Poor=1,Good"):
        with pytest.raises(SystemExit):
            parse([*base, flag, bad])


def test_init_finds_the_rating_columns_their_scale_and_the_non_answers(
    surveys, tmp_path, capsys
):
    _, _, words, bare = surveys
    path = tmp_path / "survey.csv"
    words.assign(region=np.where(np.arange(len(words)) % 2, "North", "South")).to_csv(
        path, index=False
    )
    assert main(["init", str(path), "--out", str(tmp_path / "study.toml")]) == 0
    text = (tmp_path / "study.toml").read_text(encoding="utf-8")
    options = tomllib.loads(text)["options"]
    assert options["rating_labels"] == WORDS
    assert options["not_experienced"] == ["Don't know"]
    # no catalog: the word-rated columns are written as the facets
    assert tomllib.loads(text)["roles"]["facets"] == list(bare["facet"])
    segments = text.split("could be the segment")[1].split("# segment =")[0]
    assert "region" in segments and bare["facet"].iloc[0] not in segments


def test_catalog_command_reads_the_scale_from_the_labels_or_says_what_is_missing(
    surveys, tmp_path, capsys
):
    _, _, words, bare = surveys
    path = tmp_path / "survey.csv"
    words.to_csv(path, index=False)
    facets = ",".join(bare["facet"])
    out = tmp_path / "facets.csv"
    assert main(["catalog", str(path), "--facets", facets, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{len(bare)} facets hold text" in err
    assert '--rating-labels "Very poor,Poor,Fair,Good,Excellent"' in err
    assert pd.read_csv(out)["scale_min"].isna().all()
    args = ["--rating-labels", ",".join(WORDS), "--force"]
    args += ["--not-experienced", "Don't know", "0"]  # text and numbers, as analyze
    assert (
        main(["catalog", str(path), "--facets", facets, "--out", str(out), *args]) == 0
    )
    assert "hold text" not in capsys.readouterr().err
    drafted = pd.read_csv(out)
    assert (drafted["scale_min"] == 1).all() and (drafted["scale_max"] == 5).all()


def test_labels_that_start_with_their_number_are_named_with_their_numbers(
    surveys, tmp_path
):
    """A 0-10 likelihood scale whose ends alone carry words, as platforms
    export it: the error gives each label its number, init writes them, and
    the analysis is that of the numbers."""
    numbers, scaled, _, bare = surveys
    ends = {1.0: "1 - Not at all likely", 5.0: "5 - Extremely likely"}
    texts = numbers.copy()
    for f in bare["facet"]:
        texts[f] = [ends.get(v, "" if v != v else f"{v:g}") for v in numbers[f]]
        texts[f] = texts[f].replace("", None)
    with pytest.raises(em.ValidationError) as err:
        _analysis(texts, bare)
    pairs = "1 - Not at all likely=1,5 - Extremely likely=5"
    assert all("give each its number" in p for p in err.value.problems)
    assert any(f'--rating-labels "{pairs}"' in p for p in err.value.problems)
    path = tmp_path / "survey.csv"
    texts.to_csv(path, index=False)
    assert main(["init", str(path), "--out", str(tmp_path / "study.toml")]) == 0
    study = em.Study.from_toml(tmp_path / "study.toml")
    assert study.rating_labels == dict(zip(ends.values(), ends, strict=True))
    got = _analysis(texts, bare, rating_labels=study.rating_labels)
    pd.testing.assert_frame_equal(got.drivers, _analysis(numbers, scaled).drivers)


@pytest.fixture(scope="module")
def yes_no(surveys):
    """The 1-5 survey with its outcome as a platform writes it: Yes/No, or
    1 = yes and 2 = no."""
    numbers, scaled, _, _ = surveys
    words = numbers.assign(connected=numbers["connected"].map({1: "Yes", 0: "No"}))
    codes = numbers.assign(connected=numbers["connected"].map({1: 1, 0: 2}))
    return numbers, scaled, words, codes


def test_a_yes_no_outcome_reads_as_one_and_zero_once_its_yes_is_named(yes_no):
    numbers, scaled, words, codes = yes_no
    want = _analysis(numbers, scaled).drivers
    got = _analysis(words, scaled, connected_values=["yes"])
    pd.testing.assert_frame_equal(got.drivers, want)
    note = got.summary["data"]["scales"][-1]
    assert note.startswith("Connection coded from the answers: 1 for 'Yes' (")
    assert note in html.unescape(em.Report(got).html())
    coded = _analysis(codes, scaled, connected_values=[1]).drivers
    pd.testing.assert_frame_equal(coded, want)


def test_without_connected_values_the_error_names_the_answer_that_means_yes(yes_no):
    _, scaled, words, codes = yes_no
    with pytest.raises(em.ValidationError, match='--connected-values "Yes"'):
        _analysis(words, scaled)
    with pytest.raises(em.ValidationError, match='--connected-values "1"'):
        _analysis(codes, scaled)
    with pytest.raises(em.ValidationError, match="cannot be declared a score"):
        _analysis(codes, scaled, connected_values=[1], connection_kind="score")


def test_connected_values_do_not_code_non_answers_or_another_yes_as_no(yes_no):
    """Answers connected_values would code 0 that do not say no are refused,
    as the numbers 9 beside 1 and 2 are without the option: "Don't know",
    "Refused", 9 beside 1 = yes and 2 = no, and "Y" beside "Yes"."""
    _, scaled, words, codes = yes_no
    odd = words.copy()
    odd.loc[odd.index[:3], "connected"] = "Don't know"
    odd.loc[odd.index[3:5], "connected"] = "Refused"
    odd.loc[odd.index[5:9], "connected"] = "Y"
    with pytest.raises(em.ValidationError) as err:
        _analysis(odd, scaled, connected_values=["Yes"])
    problems = " ".join(err.value.problems)
    assert "look like no answer, \"Don't know\" (3), 'Refused' (2)" in problems
    assert "read as yes, 'Y' (4)" in problems
    assert '--connected-values "Yes,Y"' in problems
    nine = codes.copy()
    nine.loc[nine.index[:6], "connected"] = 9
    with pytest.raises(em.ValidationError, match=r"look like no answer, '9' \(6\)"):
        _analysis(nine, scaled, connected_values=[1])


def test_the_command_line_codes_the_outcome_once(yes_no, tmp_path, capsys):
    """The CLI checks the survey, then analyses the checked copy: the coded
    outcome is not coded again (a 1 read against 'Yes' would be 0), and the
    latest of two waves is analysed the same way."""
    numbers, scaled, words, _ = yes_no
    two = pd.concat([words.assign(wave="2026Q2"), words.assign(wave="2026Q3")])
    two.to_csv(tmp_path / "survey.csv", index=False)
    scaled.to_csv(tmp_path / "facets.csv", index=False)
    argv = ["analyze", str(tmp_path / "survey.csv"), "--catalog"]
    argv += [str(tmp_path / "facets.csv"), "--connection", "connected"]
    argv += ["--weight", "weight", "--connected-values", "Yes", "--n-boot", "3"]
    truth = np.average(numbers["connected"], weights=numbers["weight"])
    for wave in ([], ["--wave", "wave"]):
        out = tmp_path / f"out{len(wave)}"
        assert main([*argv, *wave, "--out", str(out)]) == 0, capsys.readouterr().err
        share = em.load_analysis(out).summary["data"]["connected_share"]
        assert share == pytest.approx(truth)


def test_a_platform_export_runs_from_init_without_edits(surveys, tmp_path, capsys):
    """Ratings as words, "Don't know", a yes/no outcome named as a question:
    init guesses the outcome, its yes, the scale and the non-answer, and the
    study file it writes runs as it is."""
    numbers, _, words, bare = surveys
    question = "Do you feel connected to the brand?"
    export = words.assign(connected=numbers["connected"].map({1: "Yes", 0: "No"}))
    export = export.rename(columns={"connected": question})
    export.to_csv(tmp_path / "survey.csv", index=False)
    bare.to_csv(tmp_path / "facets.csv", index=False)
    study = tmp_path / "study.toml"
    assert main(["init", str(tmp_path / "survey.csv"), "--out", str(study)]) == 0
    written = tomllib.loads(study.read_text(encoding="utf-8"))
    assert written["roles"]["connection"] == question
    assert written["options"]["connected_values"] == ["Yes"]
    out = tmp_path / "results"
    argv = ["analyze", "--study", str(study), "--n-boot", "3", "--out", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    share = em.load_analysis(out).summary["data"]["connected_share"]
    assert written["roles"]["weight"] == "weight"
    truth = np.average(numbers["connected"], weights=words["weight"])
    assert share == pytest.approx(truth)


@settings(max_examples=60, deadline=None)
@given(
    answers=st.lists(
        st.sampled_from(["Yes", "yes ", "NO", "No", "Don't know", None, 1, 2.0, "1"]),
        min_size=1,
        max_size=40,
    ),
    connected=st.sampled_from([["Yes"], ["1"], [1], ["yes", "Don't know"]]),
)
def test_code_outcome_is_one_exactly_for_the_named_answers(answers, connected):
    column = pd.Series(answers, dtype=object)
    coded, note = code_outcome(column, connected)
    named = {str(c).strip().casefold().removesuffix(".0") for c in connected}
    for answer, value in zip(answers, coded, strict=True):
        if answer is None:
            assert np.isnan(value)
        else:
            key = str(answer).strip().casefold().removesuffix(".0")
            assert value == float(key in named)
    counts = [int(n.replace(",", "")) for n in re.findall(r"\(([\d,]+)\)", note)]
    assert sum(counts) == sum(a is not None for a in answers)


def test_satisfaction_in_words_gives_the_same_tiers_as_its_numbers(surveys):
    """The labels of two scales in one mapping: touchpoints in quality words,
    satisfaction in satisfaction words (its top two boxes are the highly
    satisfied)."""
    numbers, scaled, words, _ = surveys
    feeling = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied"]
    feeling.append("Very satisfied")
    level = np.arange(len(numbers)) % 5 + 1.0
    labels = {w: i + 1 for scale in (WORDS, feeling) for i, w in enumerate(scale)}
    as_numbers = numbers.assign(satisfaction=level)
    as_words = words.assign(satisfaction=[feeling[int(v) - 1] for v in level])
    want = _analysis(as_numbers, scaled, satisfaction="satisfaction")
    got = _analysis(
        as_words,
        scaled,
        satisfaction="satisfaction",
        rating_labels=labels,
        not_experienced=["Don't know"],
    )
    pd.testing.assert_frame_equal(got.tables["tiers"], want.tables["tiers"])
    assert got.summary["measures"] == want.summary["measures"]


IMPORTANCE = [
    "Not at all important",
    "Slightly important",
    "Moderately important",
    "Very important",
    "Extremely important",
]


def test_two_scales_for_touchpoints_and_stated_importance(surveys, tmp_path):
    """Touchpoints rated in quality words, stated importance in importance
    words: init finds both scales, and the analysis with them is that of the
    numbers, stated importance included."""
    numbers, scaled, words, _ = surveys
    stated = {
        f"stated__{f}": (np.arange(len(numbers)) + i) % 5 + 1.0
        for i, f in enumerate(scaled["facet"])
    }
    as_numbers = numbers.assign(**stated)
    as_words = words.assign(
        **{c: [IMPORTANCE[int(v) - 1] for v in col] for c, col in stated.items()}
    )
    path = tmp_path / "survey.csv"
    as_words.to_csv(path, index=False)
    assert main(["init", str(path), "--out", str(tmp_path / "study.toml")]) == 0
    labels = em.Study.from_toml(tmp_path / "study.toml").rating_labels
    assert labels == [WORDS, IMPORTANCE]
    catalog = scaled.drop(columns="stated_importance")
    options = {"stated_source": "respondents", "not_experienced": ["Don't know"]}
    want = _analysis(as_numbers, catalog, **options)
    got = _analysis(as_words, catalog, rating_labels=labels, **options)
    pd.testing.assert_frame_equal(got.drivers, want.drivers)
    assert "Not at all important = 1" in got.summary["data"]["scales"][0]


def test_non_answers_in_the_satisfaction_column_can_be_declared(surveys):
    """ "Don't know" (text) and 99 (a code) in the satisfaction column: named
    with the flag to give, then read as empty cells once declared."""
    numbers, scaled, _, _ = surveys
    level = np.arange(len(numbers)) % 10 + 1.0
    empty = np.arange(len(numbers)) % 7 == 0
    coded = np.where(np.arange(len(numbers)) % 2, "Don't know", "99")
    want = _analysis(
        numbers.assign(satisfaction=np.where(empty, np.nan, level)),
        scaled,
        satisfaction="satisfaction",
    )
    answers = numbers.assign(
        satisfaction=np.where(empty, coded, level.astype(int).astype(str))
    )
    with pytest.raises(em.ValidationError) as err:
        _analysis(answers, scaled, satisfaction="satisfaction")
    assert '--not-experienced "Don\'t know"' in str(err.value)
    got = _analysis(
        answers,
        scaled,
        satisfaction="satisfaction",
        not_experienced=["Don't know", 99],
    )
    pd.testing.assert_frame_equal(got.tables["tiers"], want.tables["tiers"])
