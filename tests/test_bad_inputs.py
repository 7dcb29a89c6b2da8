"""Bad input and misuse: each case fails before any work, with one clear line.

Every case is a command line (exit code 2) or an API call (``ValidationError``)
with a substring the message must hold; the tree around the inputs and the
output folder is byte-for-byte the same afterwards. The cases follow the
issue that listed what used to pass silently or fail late.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import emomotiv as em
from emomotiv.cli import main

N = 60


def _survey(n: int = N, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "a": rng.integers(1, 11, n),
            "b": rng.integers(1, 11, n),
            "c": rng.integers(1, 11, n),
            "connected": np.tile([0, 1], n // 2),
            "value": rng.uniform(0, 100, n).round(2),
            "weight": rng.uniform(0.5, 2, n).round(3),
            "recommend": rng.integers(0, 11, n),
            "churned": np.tile([0, 0, 1], n // 3),
        }
    )


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def _tree(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` with a hash of its bytes."""
    out = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_file():
            out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[key] = "dir"
    return out


def _csv_text(text: str, encoding: str = "utf-8") -> callable:
    def make(folder: Path) -> None:
        (folder / "survey.csv").write_bytes(text.encode(encoding))

    return make


def _edit(**cells) -> callable:
    """Write the survey with some columns replaced."""

    def make(folder: Path) -> None:
        frame = _survey()
        for col, values in cells.items():
            frame[col] = values
        _write(frame, folder / "survey.csv")

    return make


def _raw_header(line: str) -> callable:
    def make(folder: Path) -> None:
        frame = _survey()
        body = frame.to_csv(index=False).split("\n", 1)[1]
        (folder / "survey.csv").write_text(line + "\n" + body)

    return make


def _semicolons_and_decimal_commas(folder: Path) -> None:
    frame = _survey().astype({"a": float})
    frame.loc[:, "a"] = 7.5
    frame.to_csv(folder / "survey.csv", index=False, sep=";", decimal=",")


def _thousands_points(folder: Path) -> None:
    """Whole amounts as a German Excel saves them ("#.##0"), with decimal
    commas beside them: "1.234" is no 1.234."""
    frame = _survey()
    frame["value"] = ["1.234", "2.500,50", "987,50"] * (N // 3)
    frame.to_csv(folder / "survey.csv", index=False, sep=";", decimal=",")


def _thousands_commas(folder: Path) -> None:
    """Costs as an English Excel saves them ("#,##0"): "90,000" is ninety
    thousand, not 90 with decimal commas."""
    costs = ['"90,000"', '"100,000"', '"5,500"']
    lines = ["facet,cost"] + [f"{f},{c}" for f, c in zip("abc", costs, strict=True)]
    (folder / "facets.csv").write_text("\n".join(lines) + "\n")


def _spaced_thousands(folder: Path) -> None:
    """Amounts as a French Excel saves them: a space between the thousands
    and a decimal comma ("1 200,50"), in a ';' file."""
    frame = _survey()
    frame["value"] = ["1 200,50", "739,38", "0,00"] * (N // 3)
    frame.to_csv(folder / "survey.csv", index=False, sep=";")


def _latin1(folder: Path) -> None:
    frame = _survey()
    frame["segment"] = np.where(frame.index % 2, "Genève", "Zürich")
    (folder / "survey.csv").write_bytes(frame.to_csv(index=False).encode("latin-1"))


def _waves(folder: Path) -> None:
    first, second = _survey(seed=1), _survey(seed=2)
    first["a"] = 5  # constant in the first wave only
    second["b"] = 3  # constant in the second wave only
    first["wave"], second["wave"] = "2026Q1", "2026Q2"
    _write(pd.concat([first, second], ignore_index=True), folder / "survey.csv")


def _parent_is_a_file(folder: Path) -> None:
    (folder / "blocker").write_text("a file, not a folder")


def _previous_run(folder: Path) -> None:
    (folder / "out").mkdir()
    (folder / "out" / "drivers.csv").write_text("facet,importance\n")


ROLES = ["--catalog", "facets.csv", "--connection", "connected"]
ANALYZE = ["analyze", "survey.csv", *ROLES, "--n-boot", "0", "--quiet"]
OUT = ["--out", "out"]

# (id, setup of the folder, command line, substrings of the message)
CLI_CASES = [
    (
        "a refused run leaves the previous run as it was",
        _previous_run,
        [*ANALYZE, *OUT, "--force", "--population", "0"],
        ["population", "> 0"],
    ),
    (
        "duplicate column names in the CSV header",
        _raw_header("a,b,c,connected,value,weight,recommend,a"),
        ["validate", "survey.csv", *ROLES],
        ["Duplicate column", "'a'", "survey.csv"],
    ),
    (
        "duplicate column names, analyze",
        _raw_header("a,b,c,connected,value,weight,recommend,a"),
        [*ANALYZE, *OUT],
        ["Duplicate column", "'a'"],
    ),
    ("population 0", None, [*ANALYZE, *OUT, "--population", "0"], ["population"]),
    (
        "negative population",
        None,
        [*ANALYZE, *OUT, "--population", "-5"],
        ["population", "> 0"],
    ),
    ("NaN population", None, [*ANALYZE, *OUT, "--population", "nan"], ["population"]),
    ("negative budget", None, [*ANALYZE, *OUT, "--budget", "-1"], ["budget", ">= 0"]),
    ("NaN budget", None, [*ANALYZE, *OUT, "--budget", "nan"], ["budget", "finite"]),
    ("infinite budget", None, [*ANALYZE, *OUT, "--budget", "inf"], ["budget"]),
    (
        "0/1/2 outcome is not silently a score",
        _edit(connected=np.tile([0, 1, 2], N // 3)),
        [*ANALYZE, *OUT],
        ["0, 1, 2", "--connection-kind score"],
    ),
    (
        "0/1/2 outcome, validate says the same",
        _edit(connected=np.tile([0, 1, 2], N // 3)),
        ["validate", "survey.csv", *ROLES],
        ["0, 1, 2", "--connection-kind score"],
    ),
    (
        "declared binary with three values",
        _edit(connected=np.tile([0, 1, 2], N // 3)),
        [*ANALYZE, *OUT, "--connection-kind", "binary"],
        ["not 0/1", "0, 1, 2"],
    ),
    (
        "yes/no outcome: the answer to name, no false count",
        _edit(connected=np.tile(["yes", "no"], N // 2)),
        ["validate", "survey.csv", *ROLES],
        ["'no', 'yes'", '--connected-values "yes"', f"{N} cells"],
    ),
    (
        "true/false outcome beside 0/1 numbers: the 1 to name too",
        _edit(connected=np.tile(["true", "false", 1, 0], N // 4)),
        [*ANALYZE, *OUT],
        ["'false', 'true'", '--connected-values "true,1"'],
    ),
    (
        "text weights are counted by cell",
        _edit(weight=["heavy"] * 3 + [1.0] * (N - 3)),
        ["validate", "survey.csv", *ROLES, "--weight", "weight"],
        ["3 cells", "'heavy'"],
    ),
    (
        "n/a in a rating is text unless declared",
        _edit(a=["n/a", "n/a", "5 stars"] + list(range(1, 11)) * 5 + [5] * 7),
        ["validate", "survey.csv", *ROLES],
        ["'5 stars', 'n/a'", "in 3 cells", "--not-experienced"],
    ),
    (
        "declared codes still refuse other text",
        _edit(a=["n/a", "n/a", "5 stars"] + list(range(1, 11)) * 5 + [5] * 7),
        ["validate", "survey.csv", *ROLES, "--not-experienced", "n/a"],
        ["'5 stars'", "1 cell"],
    ),
    (
        "output parent is a file",
        _parent_is_a_file,
        [*ANALYZE, "--out", "blocker/out"],
        ["blocker", "is a file"],
    ),
    (
        "output folder that cannot be written",
        "unwritable",
        [*ANALYZE, "--out", "locked/out"],
        ["cannot be written", "locked"],
    ),
    (
        "parquet without its engine names the extra",
        "parquet",
        [*ANALYZE[:1], "survey.parquet", *ANALYZE[2:], *OUT],
        ["pyarrow", "emomotiv[parquet]", "survey.parquet"],
    ),
    (
        "--force on the filesystem root",
        None,
        [*ANALYZE, "--out", "/", "--force", "--value", "no_such_column"],
        ["Refusing", "'/'"],
    ),
    (
        "--force on the home folder",
        "home",
        [*ANALYZE, "--out", "home", "--force", "--value", "no_such_column"],
        ["Refusing", "home folder"],
    ),
    (
        "--force on the folder holding the inputs",
        None,
        [*ANALYZE, "--out", ".", "--force"],
        ["Refusing", "survey.csv"],
    ),
    (
        "latin-1 file names the file and the way out",
        _latin1,
        ["validate", "survey.csv", *ROLES],
        ["survey.csv", "utf-8", "--encoding latin-1"],
    ),
    (
        "empty file is named",
        _csv_text(""),
        [*ANALYZE, *OUT],
        ["survey.csv", "empty"],
    ),
    (
        "semicolons with decimal commas: the delimiter is named",
        _semicolons_and_decimal_commas,
        ["validate", "survey.csv", *ROLES],
        ["';'", "'7,5'", "decimal commas"],
    ),
    (
        "decimal commas: a point between thousands is named, every cell",
        _thousands_points,
        ["validate", "survey.csv", *ROLES, "--value", "value", "--decimal", ","],
        ["'1.234', '2.500,50'", "40 cells", "a point between their thousands"],
    ),
    (
        "commas between thousands are not called decimal commas",
        _thousands_commas,
        ["validate", "survey.csv", *ROLES],
        ["'90,000'", "commas between their thousands", "would be 100."],
    ),
    (
        "commas between thousands are not read as decimal commas when asked",
        _thousands_commas,
        ["validate", "survey.csv", *ROLES, "--decimal", ","],
        ["'90,000'", "commas between their thousands"],
    ),
    (
        "a space between thousands with decimal commas names --decimal , too",
        _spaced_thousands,
        ["validate", "survey.csv", *ROLES, "--value", "value"],
        ["separate their thousands", "decimal mark is a comma", "--decimal ,"],
    ),
    (
        "negative values are refused with the way out",
        _edit(value=np.r_[-5.0, -1.0, np.full(N - 2, 10.0)]),
        ["validate", "survey.csv", *ROLES, "--value", "value"],
        ["2 negative values", "Set those cells to 0", "clear them"],
    ),
    (
        "missing catalog file is named",
        "no-catalog",
        [*ANALYZE, *OUT],
        ["facets.csv"],
    ),
    (
        "--churn without --value is refused with the fix",
        None,
        [*ANALYZE, *OUT, "--churn", "churned"],
        ["--churn", "--value"],
    ),
    (
        "--advocacy without --value is refused with the fix",
        None,
        [*ANALYZE, *OUT, "--advocacy", "recommend"],
        ["--advocacy", "--value"],
    ),
    (
        "analyze lists every wave's problems",
        _waves,
        [*ANALYZE, *OUT, "--wave", "wave"],
        ["2026Q1", "'a' is constant", "2026Q2", "'b' is constant"],
    ),
    (
        "validate lists every wave's problems",
        _waves,
        ["validate", "survey.csv", *ROLES, "--wave", "wave"],
        ["2026Q1", "'a' is constant", "2026Q2", "'b' is constant"],
    ),
    (
        "every problem in one pass: options, folder and data",
        _edit(connected=np.tile([0, 1, 2], N // 3)),
        [*ANALYZE, *OUT, "--budget", "-1", "--churn", "churned"],
        ["budget", "--churn", "0, 1, 2"],
    ),
]


@pytest.mark.parametrize(
    ("setup", "argv", "expected"),
    [case[1:] for case in CLI_CASES],
    ids=[case[0] for case in CLI_CASES],
)
def test_bad_command_line_fails_early_and_changes_nothing(
    setup, argv, expected, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    _write(_survey(), tmp_path / "survey.csv")
    _write(pd.DataFrame({"facet": ["a", "b", "c"]}), tmp_path / "facets.csv")
    if setup == "home":
        (tmp_path / "home").mkdir()
        (tmp_path / "home" / "notes.txt").write_text("mine")
    elif setup == "parquet":
        import emomotiv.io

        _survey().to_parquet(tmp_path / "survey.parquet")
        monkeypatch.setattr(emomotiv.io, "_parquet_engine", lambda: None)
    elif setup == "unwritable":  # root ignores permissions: ask os.access
        import emomotiv.io

        (tmp_path / "locked").mkdir()
        real = os.access
        monkeypatch.setattr(
            emomotiv.io.os,
            "access",
            lambda path, mode: Path(path).name != "locked" and real(path, mode),
        )
    elif setup == "no-catalog":
        (tmp_path / "facets.csv").unlink()
    elif setup is not None:
        setup(tmp_path)
    before = _tree(tmp_path)
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    for text in expected:
        assert text in err, f"{text!r} not in:\n{err}"
    assert _tree(tmp_path) == before


def _api_survey():
    return _survey()


CATALOG = pd.DataFrame({"facet": ["a", "b", "c"]})

# (id, keyword arguments of analyze, substrings of the message)
API_CASES = [
    (
        "numpy array as survey",
        {"survey": np.zeros((3, 3)), "catalog": CATALOG, "connection": "connected"},
        ["survey", "pandas DataFrame", "numpy.ndarray"],
    ),
    (
        "None as survey",
        {"survey": None, "catalog": CATALOG, "connection": "connected"},
        ["survey", "pandas DataFrame"],
    ),
    (
        "a list as catalog",
        {"survey": _api_survey(), "catalog": [1, 2], "connection": "connected"},
        ["catalog", "list"],
    ),
    (
        "a list as a role",
        {"survey": _api_survey(), "catalog": CATALOG, "connection": ["connected"]},
        ["connection", "string", "['connected']"],
    ),
    (
        "a number as a role",
        {
            "survey": _api_survey(),
            "catalog": CATALOG,
            "connection": "connected",
            "weight": 3,
        },
        ["weight", "string"],
    ),
    (
        "population 0",
        {
            "survey": _api_survey(),
            "catalog": CATALOG,
            "connection": "connected",
            "population": 0,
        },
        ["population", "> 0"],
    ),
    (
        "churn without value",
        {
            "survey": _api_survey(),
            "catalog": CATALOG,
            "connection": "connected",
            "churn": "churned",
        },
        ["churn", "value="],
    ),
    (
        "duplicate columns in a DataFrame",
        {
            "survey": _api_survey().rename(columns={"b": "a"}),
            "catalog": CATALOG,
            "connection": "connected",
        },
        ["Duplicate column", "'a'"],
    ),
    (
        "a duplicated wave column",
        {
            "survey": pd.concat(
                [
                    _api_survey().assign(wave="2026Q1"),
                    pd.Series("x", range(N), name="wave"),
                ],
                axis=1,
            ),
            "catalog": CATALOG,
            "connection": "connected",
            "wave": "wave",
        },
        ["Duplicate column", "'wave'"],
    ),
    (
        "a constant value",
        {
            "survey": _api_survey().assign(value=0.0),
            "catalog": CATALOG,
            "connection": "connected",
            "value": "value",
        },
        ["'value' is constant: every value is 0"],
    ),
    (
        "no value for the connected",
        {
            "survey": _api_survey().assign(
                value=lambda d: d["value"].where(d["connected"] == 0)
            ),
            "catalog": CATALOG,
            "connection": "connected",
            "value": "value",
            "methods": False,
        },
        ["Only 0 of the 30 fully connected respondents have a value"],
    ),
    (
        "an id as segment and as control",
        {
            "survey": _api_survey().assign(
                rid=[f"R{i:03d}" for i in range(N)], w=lambda d: d["weight"]
            ),
            "catalog": CATALOG,
            "connection": "connected",
            "segment": "w",
            "controls": ["rid"],
        },
        [
            "The segment column 'w' has 60 different values among 60",
            "The control column 'rid' has 60 different values",
        ],
    ),
    (
        "unknown connection kind",
        {
            "survey": _api_survey(),
            "catalog": CATALOG,
            "connection": "connected",
            "connection_kind": "ordinal",
        },
        ["connection_kind", "'score'"],
    ),
]


@pytest.mark.parametrize(
    "kwargs, expected",
    [case[1:] for case in API_CASES],
    ids=[case[0] for case in API_CASES],
)
def test_bad_api_call_raises_one_validation_error(kwargs, expected):
    with pytest.raises(em.ValidationError) as info:
        em.analyze(**kwargs, n_boot=0, progress=False)
    message = str(info.value)
    for text in expected:
        assert text in message, f"{text!r} not in:\n{message}"


@pytest.mark.parametrize("library", ["polars", "pyarrow"])
def test_dataframes_of_other_libraries_are_converted(library):
    module = pytest.importorskip(library)
    survey = _survey(n=120)
    other = (
        module.from_pandas(survey)
        if library == "polars"
        else (module.Table.from_pandas(survey))
    )
    result = em.analyze(
        other,
        CATALOG,
        connection="connected",
        model=em.DriverModel(n_estimators=10, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    assert result.summary["data"]["n_respondents"] == len(survey)


def test_a_declared_score_is_a_regression():
    survey = _survey(n=120).assign(connected=lambda d: d["a"] * 3.0 + d["b"])
    result = em.analyze(
        survey,
        CATALOG,
        connection="connected",
        connection_kind="score",
        model=em.DriverModel(n_estimators=10, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    assert result.summary["model"]["task"] == "regression"


def test_a_model_whose_seed_or_task_disagrees_with_the_analysis_is_refused():
    """The analysis seeds the model and sets its task from the outcome: a
    model that sets either otherwise was silently changed; now refused."""
    survey = _survey(n=120)
    kw = dict(connection="connected", n_boot=0, methods=False, progress=False)
    with pytest.raises(em.ValidationError) as caught:
        em.analyze(
            survey,
            CATALOG,
            model=em.DriverModel(task="regression", random_state=7, cv=0),
            **kw,
        )
    message = str(caught.value)
    assert "random_state=7 is not the analysis's random_state=0" in message
    assert "pass random_state=7 to analyze" in message
    assert "task='regression'" in message
    assert "connection_kind='score'" in message
    # a seed and task that agree are kept
    model = em.DriverModel(task="binary", random_state=3, n_estimators=10, cv=0)
    result = em.analyze(survey, CATALOG, model=model, random_state=3, **kw)
    assert result.model.random_state == 3


def _warned(survey, catalog, **kw) -> list[str]:
    kw = {"n_boot": 0, **kw}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.analyze(
            survey,
            catalog,
            connection="connected",
            methods=False,
            progress=False,
            **kw,
        )
    return result.summary["warnings"]


def test_an_outcome_left_among_the_facets_is_named():
    """'Overall satisfaction' or 'likelihood to recommend' left in the
    touchpoint grid took most of the importance and was funded first, with no
    word naming it; checked against the generator, whose satisfaction and
    recommend columns have no effect on connection."""
    s = em.make_survey(n_respondents=1200, n_facets=8, random_state=0)
    rng = np.random.default_rng(0)
    survey = s.survey.copy()
    agree = rng.random(len(survey)) < 0.99
    connected = survey["connected"].astype(bool)
    survey["q7"] = np.where(agree == connected, 9.0, 2.0)  # a disguised copy
    facets = list(s.catalog["facet"])
    catalog = pd.DataFrame({"facet": [*facets, "q7"]})
    notes = " ".join(_warned(survey, catalog))
    assert "The facet 'q7' alone accounts for" in notes
    assert "drop it from the facets" in notes
    assert "The model's cross-validated AUC is 0.9" in notes
    named = pd.DataFrame(
        {"facet": [*facets, "recommend"], "label": [*facets, "Likelihood to recommend"]}
    )
    survey["recommend"] = s.survey["recommend"]
    notes = " ".join(_warned(survey, named, cv=0))
    assert "'recommend' (Likelihood to recommend; " in notes
    assert "named as the recommendation or overall satisfaction question" in notes
    assert "alone accounts" not in notes  # a weaker tie: named, not by its share
    # the survey's touchpoints alone: no such word
    clean = " ".join(_warned(s.survey, s.catalog, cv=0))
    assert "outcome in disguise" not in clean and "named as the" not in clean
    # a grid whose every item is worded as a satisfaction question is no outcome
    grid = s.catalog.assign(
        label=[f"Overall, how satisfied were you with the {f}?" for f in facets]
    )
    assert "named as the" not in " ".join(_warned(s.survey, grid, cv=0))


def test_a_facet_holding_most_of_the_importance_is_warned_of():
    """One facet holding a quarter of the importance and three times the
    next one's reads as the outcome restated, whatever its name."""
    s = em.make_survey(n_respondents=1200, n_facets=8, random_state=0)
    rng = np.random.default_rng(1)
    survey = s.survey.copy()
    agree = rng.random(len(survey)) < 0.8
    connected = survey["connected"].astype(bool)
    survey["q7"] = np.where(agree == connected, 8.0, 4.0) + rng.integers(
        0, 2, len(survey)
    )
    catalog = pd.DataFrame({"facet": [*s.catalog["facet"], "q7"]})
    notes = " ".join(_warned(survey, catalog, cv=0))
    assert "alone accounts" not in notes
    assert re.search(
        r"The facet 'q7' \(\d+% of the importance\) holds \d+ times", notes
    )


def test_a_facet_too_few_rated_for_any_split_reads_unknown_not_zero():
    """The survey's strongest driver rated by 18 read 0 [0, 0] in drivers.csv
    and roi.csv, a certainty of no effect, with no word."""
    s = em.make_survey(n_respondents=1500, n_facets=8, random_state=0)
    survey = s.survey.copy()
    top = s.truth["true_uplift"].idxmax()
    survey.loc[20:, top] = np.nan
    notes = " ".join(_warned(survey, s.catalog, cv=0, n_boot=3))
    assert f"No model split on '{top}' (18), rated by fewer than 100" in notes
    assert "Read them as unknown" in notes
    assert "No model split" not in " ".join(_warned(s.survey, s.catalog, cv=0))


def test_a_reversed_scale_is_warned_of_without_the_halo_score():
    s = em.make_survey(n_respondents=800, n_facets=8, random_state=0)
    survey = s.survey.copy()
    survey["mobile_app"] = 11 - survey["mobile_app"]
    notes = " ".join(_warned(survey, s.catalog, halo="none", cv=0))
    assert "'mobile_app' (-0." in notes and "best to worst? The model reads" in notes


def test_the_reversed_scale_warning_reverses_on_the_facet_s_own_scale():
    """The hint said "11 minus it on a 1-10 scale" of a facet rated 1-5; it
    gives the sum of each common scale (the ratings given may not span the
    facet's scale, so they cannot tell its ends)."""
    s = em.make_survey(n_respondents=800, n_facets=8, random_state=0)
    survey = s.survey.copy()
    survey["mobile_app"] = 6 - np.ceil(survey["mobile_app"] / 2)  # 1-5, reversed
    notes = " ".join(_warned(survey, s.catalog, cv=0))
    assert "'mobile_app' (-0." in notes
    assert "6 minus it on a 1-5 scale" in notes


# ------------------------------------------------------------------- fuzzing
# Whatever the bytes of a file or the cells of a table, reading and
# validating either gives a survey fit for the model or one ValidationError;
# never another exception, never a silently mis-read survey.

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FUZZ_CATALOG = em.FacetCatalog.from_facets(["a", "b"])
FUZZ_SCHEMA = em.SurveySchema(facets=("a", "b"), connection="y", weight="w")
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "1",
            "5",
            "10",
            "0",
            "99",
            "n/a",
            "NA",
            "yes",
            "true",
            "1.5",
            "7,5",
            "-inf",
            "nan",
            " 3 ",
            '"',
            "a,b",
            "\r",
            "é",
        ]
    ),
    st.integers(-5, 15).map(str),
    st.text(max_size=4),
)
NAMES = st.sampled_from(["a", "b", "y", "w", "x", "", "a.1", "A"])


def _fuzz_check(frame):
    try:
        out = em.validate_survey(frame, FUZZ_SCHEMA, FUZZ_CATALOG)
    except em.ValidationError as err:
        assert err.problems and all(isinstance(p, str) for p in err.problems)
        return
    ratings = out[["a", "b"]].to_numpy(dtype=float)
    seen = ratings[~np.isnan(ratings)]
    assert ((seen >= 1) & (seen <= 10)).all()
    assert set(out["y"].unique()) == {0.0, 1.0}
    assert np.isfinite(out["w"]).all() and (out["w"] > 0).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(NAMES, min_size=1, max_size=5),
    rows=st.lists(st.lists(CELLS, max_size=6), max_size=40),
    sep=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "latin-1"]),
    junk=st.binary(max_size=8),
)
def test_fuzz_csv_bytes_read_and_validate(header, rows, sep, encoding, junk):
    import tempfile
    import warnings

    text = "\n".join(sep.join(r) for r in [header, *rows])
    data = text.encode(encoding, errors="replace") + junk
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey.csv"
        path.write_bytes(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # delimiter notice
                frame = em.read_table(path)
        except em.ValidationError as err:
            assert "survey.csv" in str(err)
            return
        _fuzz_check(frame)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(st.one_of(NAMES, st.integers(0, 2)), min_size=1, max_size=5),
    n=st.integers(0, 40),
    data=st.data(),
)
def test_fuzz_dataframes_validate(names, n, data):
    values = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 12),
        st.floats(allow_nan=True, allow_infinity=True),
        CELLS,
    )
    columns = [data.draw(st.lists(values, min_size=n, max_size=n)) for _ in names]
    frame = pd.DataFrame(dict(enumerate(columns)))
    frame.columns = names
    _fuzz_check(frame)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(
        st.tuples(
            st.integers(0, 39),
            st.sampled_from(["a", "b", "y", "w"]),
            st.one_of(
                st.none(),
                st.booleans(),
                CELLS,
                st.floats(allow_nan=True, allow_infinity=True),
            ),
        ),
        max_size=3,
    ),
    kind=st.sampled_from(["auto", "binary", "score"]),
)
def test_fuzz_a_few_bad_cells_in_a_valid_survey(cells, kind):
    """Near-valid tables reach both outcomes: a checked survey or the error."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "a": rng.integers(1, 11, 40),
            "b": rng.integers(1, 11, 40),
            "y": np.tile([0, 1], 20),
            "w": rng.uniform(0.5, 2, 40),
        }
    ).astype(object)
    for row, col, value in cells:
        frame.loc[row, col] = value
    try:
        out = em.validate_survey(frame, FUZZ_SCHEMA, FUZZ_CATALOG, connection_kind=kind)
    except em.ValidationError:
        return
    ratings = out[["a", "b"]].to_numpy(dtype=float)
    seen = ratings[~np.isnan(ratings)]
    assert ((seen >= 1) & (seen <= 10)).all()
    assert out["y"].notna().all() and np.isfinite(out["y"]).all()
    if kind != "score":
        assert set(out["y"].unique()) == {0.0, 1.0}
    assert np.isfinite(out["w"]).all() and (out["w"] > 0).all()


def test_a_pattern_or_a_column_twice_in_the_facets_list_is_named_as_the_list(
    tmp_path, capsys
):
    """--facets "Q5_*" was called a catalog facet missing from the survey,
    with one column it matches as the near name, and a column given twice a
    duplicate catalog id: both are now said of the list, the pattern with
    every column it matches."""
    s = em.make_survey(n_respondents=200, n_facets=6, random_state=0)
    s.survey.to_csv(tmp_path / "survey.csv", index=False)
    argv = ["validate", str(tmp_path / "survey.csv"), "--connection", "connected"]
    assert main([*argv, "--facets", "p*", "fees", "mobile_app", "mobile_app"]) == 2
    err = capsys.readouterr().err
    assert "'p*'" not in err.split("\n", 2)[2]  # not a missing facet as well
    assert "Did you mean" not in err and "Duplicate facet ids" not in err
    assert (
        "The facets list (facets=[...], --facets) takes column names, not "
        "patterns, and 'p*' is one: it matches 2 columns ('phone_support', "
        "'portfolio_review')." in err
    )
    assert "names 'mobile_app' more than once" in err
    assert "facet is not a survey column: 'fees'." in err  # still named
    # brackets are part of names (Q5[SQ001]): a typo of one is no pattern
    s.survey.rename(columns={"fees": "Q5[SQ001]"}).assign(Q51=1).to_csv(
        tmp_path / "survey.csv", index=False
    )
    assert main([*argv, "--facets", "Q5[SQ01]", "mobile_app"]) == 2
    err = capsys.readouterr().err
    assert "not a survey column: 'Q5[SQ01]'" in err
    assert "not patterns" not in err


def test_a_column_in_two_roles_or_a_role_and_a_facet_is_named():
    """The outcome given as the value column too, and a facet given as the
    segment: both named at once, before anything is fitted. A score outcome
    may also be the satisfaction column."""
    s = em.make_survey(n_respondents=200, n_facets=6, random_state=0)
    facet = s.catalog["facet"].iloc[0]
    with pytest.raises(em.ValidationError) as info:
        em.analyze(
            s.survey,
            s.catalog,
            connection="connected",
            value="connected",
            segment=facet,
            progress=False,
        )
    problems = info.value.problems
    assert len(problems) == 2
    assert (
        "'connected' is given as both the connection and the value column"
        in (problems[0])
    )
    assert f"The segment column '{facet}' is also a facet" in problems[1]
    with pytest.raises(em.ValidationError) as info:
        em.analyze(
            s.survey,
            s.catalog,
            connection="connected",
            value="value",
            churn="connected",
            advocacy="value",
            progress=False,
        )
    assert info.value.problems == [
        "The churn column 'connected' is also the connection column: each role "
        "needs a column of its own.",
        "The advocacy column 'value' is also the value column: each role needs a "
        "column of its own.",
    ]
    survey = s.survey.assign(score=lambda d: d["satisfaction"] * 10.0)
    result = em.analyze(
        survey,
        s.catalog,
        connection="score",
        connection_kind="score",
        satisfaction="score",
        model=em.DriverModel(n_estimators=20, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    assert result.summary["data"]["roles"]["satisfaction"] == "score"


@pytest.fixture(scope="module")
def fitted():
    s = _survey()
    X = s[["a", "b", "c"]].astype(float)
    model = em.DriverModel(n_estimators=5, cv=0, random_state=0)
    return model.fit(X, s["connected"]), X, s["connected"]


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda m, X, y: em.shap_importance(X, m), "got pandas.DataFrame. The model"),
        (lambda m, X, y: em.bootstrap_importance(em.DriverModel, X, y), "the class"),
        (lambda m, X, y: em.diagnose_drivers(m.estimator_, X, y), "xgboost"),
        (lambda m, X, y: em.simulate_improvement(X, m, "a"), "comes first"),
        (lambda m, X, y: em.plan_improvements(X, m, y), "comes first"),
        (lambda m, X, y: em.segment_drivers(X, m, y, y), "comes first"),
        (lambda m, X, y: em.value_drivers(X, y, model=m), "ValueModel, such as"),
    ],
)
def test_a_model_that_is_not_one_is_named(fitted, call, expected):
    """The model given as X (arguments swapped), as a class, as the XGBoost
    model inside, or the wrong kind: one line naming what came, not a
    DataFrame's repr from scikit-learn's check_is_fitted or an
    AttributeError deep inside."""
    with pytest.raises(TypeError, match=r"needs model as an emomotiv") as err:
        call(*fitted)
    assert expected in str(err.value) and len(str(err.value)) < 200


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda m, X, y: em.bootstrap_importance(
                m, X, y[:-1], n_boot=2, progress=False
            ),
            "bootstrap_importance needs y with one entry per respondent (60)",
        ),
        (
            lambda m, X, y: em.bootstrap_importance(
                m, X, y.where(y.index > 0), n_boot=2, progress=False
            ),
            "y has 1 missing value;",
        ),
        (
            lambda m, X, y: em.diagnose_drivers(m, X, np.where(y == 1, "yes", "no")),
            "y holds 'no', 'yes', which the model was not fitted on",
        ),
        (
            lambda m, X, y: em.segment_drivers(m, X, y[:-1], y, n_boot=0),
            "segment_drivers needs y with one entry per respondent",
        ),
        (
            lambda m, X, y: em.segment_drivers(
                m, X, y, y, sample_weight=np.ones(5), n_boot=0
            ),
            "sample_weight must have one entry per respondent (60)",
        ),
    ],
)
def test_an_outcome_that_does_not_fit_the_model_is_named(fitted, call, expected):
    """y of another length (an IndexError deep in the replicates), with a
    missing value, or of labels the model was not fitted on (silently read
    as 0: a constant outcome, NaN correlations) is refused by name."""
    with pytest.raises(ValueError) as err:
        call(*fitted)
    assert expected in str(err.value)


@pytest.mark.parametrize(
    "vpc", ["100", (100, 150), (100, "50", 150), True, float("nan")]
)
def test_value_per_connected_that_is_no_number_nor_triple(fitted, vpc):
    """'100' was read as the triple ('1', '0', '0'): each connected customer
    silently worth 1 with an interval of 0 to 0; NaN alone gave a plan of
    NaN values."""
    model, X, y = fitted
    with pytest.raises(ValueError, match="'value_per_connected' parameter .* triple"):
        em.plan_improvements(model, X, y, value_per_connected=vpc, n_boot=0)


def test_a_catalog_that_is_no_table_names_from_facets(fitted):
    model, X, y = fitted
    with pytest.raises(TypeError, match=r"got builtins.list. .*from_facets\(ids\)"):
        em.plan_improvements(model, X, y, catalog=["a", "b", "c"], n_boot=0)


def test_scenarios_as_any_collection_of_facet_names(fitted):
    """Facet names as a Series, an Index or an array (catalog['facet'],
    X.columns[:2]) were refused, their repr filling the message; a mapping
    stays refused (its values, points, would be lost)."""
    model, X, _ = fitted
    for names in (pd.Series(["a", "b"]), X.columns[:2], np.array(["a", "b"])):
        result = em.simulate_improvement(model, X, names, cross_fit=0, n_boot=0)
        assert result.to_frame()["scenario"].tolist() == ["a +1", "b +1"]
    with pytest.raises(ValueError, match=r"Got \{'a': 2\} instead"):
        em.simulate_improvement(model, X, {"a": 2}, cross_fit=0, n_boot=0)


def test_scenarios_as_a_table_or_a_set_are_refused_by_kind(fitted):
    """A table was read by its column names ('Unknown facet 'label'', ...),
    a set in an order that changes from run to run, and the table's rows
    with it."""
    model, X, _ = fitted
    catalog = pd.DataFrame({"facet": ["a", "b"], "label": ["A", "B"]})
    with pytest.raises(ValueError, match=r"got a table.*catalog\['facet'\]"):
        em.simulate_improvement(model, X, catalog, cross_fit=0, n_boot=0)
    with pytest.raises(ValueError, match=r"got a set.*sorted\(names\)"):
        em.simulate_improvement(model, X, {"a", "b"}, cross_fit=0, n_boot=0)
    # a mapping's keys keep their order: read as names
    keys = {"a": 1, "b": 2}.keys()
    result = em.simulate_improvement(model, X, keys, cross_fit=0, n_boot=0)
    assert result.to_frame()["scenario"].tolist() == ["a +1", "b +1"]


def _reversed(series: pd.Series) -> pd.Series:
    """The same respondents in the other order: what sort_values gives."""
    return series.iloc[::-1]


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda m, X, y: em.DriverModel(cv=0).fit(X, _reversed(y)), "y"),
        (
            lambda m, X, y: em.DriverModel(n_estimators=5, cv=0).fit(
                X, y, sample_weight=_reversed(X["a"])
            ),
            "sample_weight",
        ),
        (lambda m, X, y: em.bootstrap_importance(m, X, _reversed(y), n_boot=2), "y"),
        (
            lambda m, X, y: em.shap_importance(m, X, sample_weight=_reversed(X["a"])),
            "sample_weight",
        ),
        (lambda m, X, y: em.segment_drivers(m, X, y, _reversed(y)), "segments"),
        (lambda m, X, y: em.value_drivers(X, _reversed(X["a"]), n_boot=0), "value"),
        (lambda m, X, y: em.simulate_improvement(m, X, "a", y=_reversed(y)), "y"),
        (lambda m, X, y: em.plan_improvements(m, X, _reversed(y), n_boot=0), "y"),
        (lambda m, X, y: em.connection_tiers(y, _reversed(X["a"])), "satisfaction"),
        (
            lambda m, X, y: em.value_of_connection(
                _reversed(X["a"]), em.connection_tiers(y)
            ),
            "value",
        ),
        (lambda m, X, y: em.diagnose_drivers(m, X, _reversed(y)), "y"),
        (
            lambda m, X, y: em.halo_score(X, sample_weight=_reversed(X["a"])),
            "sample_weight",
        ),
        (lambda m, X, y: em.design_matrix(X, y=_reversed(y)), "y"),
        (
            lambda m, X, y: em.motivator_drivers(X, _reversed(X[["a"]])),
            "motivators",
        ),
        (lambda m, X, y: em.partial_out(X, em.halo_score(X), _reversed(y)), "y"),
        (
            lambda m, X, y: em.stated_importance(
                X.add_prefix("stated__"), sample_weight=_reversed(X["a"]), n_boot=0
            ),
            "sample_weight",
        ),
    ],
)  # fmt: skip
def test_a_series_in_another_order_than_x_is_refused_not_read_by_position(
    fitted, call, name
):
    """Every array is read by position: a Series sorted, or taken from another
    frame, paired each respondent with another's answer (the model's AUC fell
    from 0.68 to 0.51, the value multiplier from 2.1 to 0.95, in silence)."""
    with pytest.raises(em.ValidationError) as err:
        call(*fitted)
    whose = name + ("'" if name.endswith("s") else "'s")  # segments' index
    assert f"{whose} index does not match" in str(err.value)
    assert f"{name}.loc[" in str(err.value)


@pytest.mark.parametrize("vpc", [-1000.0, 0])
def test_a_value_per_connected_customer_of_zero_or_less_is_refused(fitted, vpc):
    """-1000 gave a plan that bought the touchpoints lowering connection,
    each with a positive ROI; 0 a plan of ROI -1 everywhere, in silence."""
    model, X, y = fitted
    with pytest.raises(ValueError, match="'value_per_connected' .* must be > 0"):
        em.plan_improvements(model, X, y, value_per_connected=vpc, n_boot=0)
    with pytest.raises(ValueError, match="'value_per_connected' .* > 0"):
        em.analyze(_survey(), connection="connected", value_per_connected=vpc)
    # an estimate of the value link may be 0 or less: the plan prices
    # nothing by it (a loss of connection would pay) and funds by the gain
    plan = em.plan_improvements(
        model,
        X,
        y,
        value_per_connected=(vpc, vpc - 1, vpc + 1),
        population=1e5,
        budget=1e9,
        n_boot=0,
    )
    assert "connected customers are worth no more" in plan.summary["value_note"]
    assert plan.roi["delta_value"].isna().all() and plan.roi["roi"].isna().all()
    assert plan.summary["objective"] == "delta_connected"
    assert (
        plan.roi.set_index("facet").loc[plan.summary["selected"], "delta_connected"] > 0
    ).all()


def test_a_connected_value_that_no_answer_matches_is_named():
    """--connected-values "6,8" for a 1-7 question coded the top box (7) as
    not connected, and validation said OK."""
    survey = _survey().assign(connected=np.tile([1, 3, 5, 6, 7], N // 5))
    with pytest.raises(em.ValidationError) as err:
        em.analyze(
            survey, facets=["a", "b", "c"], connection="connected",
            connected_values=[6, 8],
        )  # fmt: skip
    problem = err.value.problems[0]
    assert problem.startswith("The connected value 8 of the connection column")
    assert "its answers are '1', '3', '5', '6', '7'" in problem
    assert len(err.value.problems) == 1  # coded all the same: no knock-on


def test_declared_codes_are_counted_in_the_summary_and_the_report():
    """Codes declared not experienced were emptied without a trace: the
    summary, the console notes and the report said nothing of them."""
    survey = _survey(n=120)
    survey.loc[:59, "b"] = 0  # routed: half the respondents skip it
    survey.loc[:9, "c"] = 99
    result = em.analyze(
        survey,
        CATALOG,
        connection="connected",
        not_experienced=["0", "99"],
        model=em.DriverModel(n_estimators=10, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    data = result.summary["data"]
    assert data["not_experienced"] == {
        "codes": ["0", "99"],
        "cells": 70,
        "facets": 2,
        "by_code": {"0": 60, "99": 10},
        "by_facet": {"b": 60, "c": 10},
    }
    note = "Read 0 and 99 as not experienced: 70 cells in 2 facets: 'b' (60), 'c' (10)."
    assert note in data["scales"]
    assert note.replace("'", "&#39;") in em.Report(result).html()
