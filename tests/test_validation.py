import numpy as np
import pandas as pd
import pytest

from emomotiv._validation import (
    ValidationError,
    check_choice,
    check_float,
    check_int,
    check_weights,
    did_you_mean,
)


def test_validation_error_lists_every_problem():
    err = ValidationError(["a is bad.", "b is bad."], subject="survey")
    assert err.problems == ["a is bad.", "b is bad."]
    assert str(err).splitlines() == [
        "The survey has 2 problems:",
        "  - a is bad.",
        "  - b is bad.",
    ]
    assert isinstance(err, ValueError)


def test_a_validation_error_pickles_whole():
    """As joblib and Dask send an error from a worker: its problems, not its
    message read letter by letter."""
    import pickle

    err = pickle.loads(pickle.dumps(ValidationError(["a is bad."], subject="survey")))
    assert err.problems == ["a is bad."] and err.subject == "survey"
    assert str(err) == "The survey has 1 problem:\n  - a is bad."


def test_parameter_errors_use_sklearn_wording():
    with pytest.raises(ValueError) as info:
        check_int(-3, "n_boot", "shap_importance", min_value=0)
    assert str(info.value) == (
        "The 'n_boot' parameter of shap_importance must be an int >= 0. Got -3 instead."
    )
    with pytest.raises(ValueError, match="must be a float in the range"):
        check_float(1.5, "subsample", "DriverModel", low=0, high=1)
    with pytest.raises(ValueError, match="must be one of 'a', 'b'"):
        check_choice("c", "task", "DriverModel", ["a", "b"])
    assert check_int(3, "n", "f") == 3
    with pytest.raises(ValueError):
        check_int(True, "n", "f")


def test_did_you_mean_suggests_the_closest_name():
    assert (
        did_you_mean("conected", ["connected", "value"]) == " Did you mean 'connected'?"
    )
    assert did_you_mean("zzz", ["connected"]) == ""


def test_bad_weights_are_counted_and_text_named():
    """Survey weights name what is wrong and how many rows: text (not
    numpy's 'could not convert'), missing (pandas' <NA> too), negative."""
    with pytest.raises(ValueError, match="holds text in 2 rows: 'a', 'b'"):
        check_weights(["a", 1.0, "b"], 3)
    with pytest.raises(ValueError, match="missing in 2 rows, negative in 1 row"):
        check_weights(pd.array([1.0, None, -2.0, None], dtype="Float64"), 4)
    with pytest.raises(ValueError, match="missing in 1 row"):
        check_weights(np.array([1.0, pd.NA], dtype=object), 2)
    assert check_weights(pd.Series([1, 2], dtype="Int64"), 2).tolist() == [1.0, 2.0]


def test_a_weight_column_name_says_to_pass_its_values():
    """sample_weight="weight" (a name, as analyze takes it) was read as one
    row of text: 'holds text in 1 rows: 'weight''."""
    with pytest.raises(ValueError, match=r"string 'weight'.* survey\['weight'\]"):
        check_weights("weight", 3)


def test_emomotiv_s_warnings_are_told_apart_from_other_libraries():
    """A pipeline could filter emomotiv's warnings only by their text: each
    is an EmomotivWarning, a UserWarning (filters on it still take it)."""
    import warnings

    import emomotiv as em

    s = em.make_survey(n_respondents=200, n_facets=6, random_state=0)
    survey = s.survey.copy()
    survey.loc[:60, "value"] = float("nan")  # a warning of the data too
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        em.analyze(
            survey, s.catalog, connection="connected", value="value", n_boot=3,
            model=em.DriverModel(n_estimators=10, cv=0), progress=False,
        )  # fmt: skip
    said = {str(w.message)[:20]: w.category for w in caught}
    assert len(said) >= 3  # the settings', the data's, the result's
    assert set(said.values()) == {em.EmomotivWarning}, said
    assert issubclass(em.EmomotivWarning, UserWarning)
    # every warnings.warn of the library names its category (a default
    # UserWarning slipped in would escape a pipeline's filter)
    import ast
    from pathlib import Path

    for path in Path(em.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = getattr(node, "func", None)
            if getattr(called, "attr", None) == "warn" and node.args:
                given = [
                    *node.args[1:2],
                    *(k.value for k in node.keywords if k.arg == "category"),
                ]
                assert given, f"{path.name}:{node.lineno} warns with no category"
                assert ast.unparse(given[0]) != "UserWarning", (
                    f"{path.name}:{node.lineno}"
                )
