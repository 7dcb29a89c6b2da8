"""Why a value link has no multiplier, in the note of its summary."""

import warnings

import numpy as np
import pandas as pd

import emomotiv as em
from emomotiv.value import NO_SATISFIED


def test_the_note_names_how_many_highly_satisfied_there_are():
    """The note offered two causes, "too few highly satisfied respondents
    (or no satisfaction column)", where the tiers tell which."""
    value = np.r_[np.full(20, 100.0), np.full(20, 250.0), np.full(3, 150.0)]
    seg = ["unconnected"] * 20 + ["fully_connected"] * 20
    link = em.value_of_connection(value[:40], pd.Series(seg))
    assert link.summary["note"] == NO_SATISFIED
    link = em.value_of_connection(value, pd.Series(seg + ["highly_satisfied"] * 3))
    assert link.summary["note"].startswith(
        "no multiplier: only 3 highly satisfied respondents, fewer than the 10 a "
        "tier needs, to compare connected customers with;"
    )


def test_an_analysis_without_a_satisfaction_column_says_so():
    s = em.make_survey(n_respondents=400, n_facets=6, random_state=0)
    survey = s.survey.drop(columns="satisfaction")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.analyze(
            survey,
            s.catalog,
            connection="connected",
            value="value",
            n_boot=0,
            progress=False,
            model=em.DriverModel(n_estimators=15, cv=0),
        )
    assert result.summary["value"]["note"] == (
        "no multiplier: no satisfaction column (--satisfaction) to find the "
        "highly satisfied customers to compare connected customers with"
    )


def test_a_satisfied_threshold_above_every_rating_is_named_as_the_reason():
    """A 0-10 threshold on a 1-5 satisfaction question leaves nobody highly
    satisfied: the note and a warning say so and how to set it, where the note
    said only that there were none."""
    s = em.make_survey(n_respondents=400, n_facets=6, random_state=0)
    top = s.survey["satisfaction"].max()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = em.analyze(
            s.survey,
            s.catalog,
            connection="connected",
            value="value",
            satisfaction="satisfaction",
            satisfied_threshold=top + 1,
            n_boot=0,
            progress=False,
            model=em.DriverModel(n_estimators=15, cv=0),
        )
    reason = (
        f"no respondent is highly satisfied: the satisfied threshold is {top + 1:g} "
        f"and the highest satisfaction rating is {top:g}"
    )
    assert result.summary["value"]["note"].startswith(f"no multiplier: {reason}")
    said = [w for w in result.summary["warnings"] if w.startswith("No respondent is")]
    assert len(said) == 1 and "--satisfied-threshold" in said[0]
    assert any(str(w.message) == said[0] for w in caught)
    assert result.summary["measures"]["tiers"].get("highly_satisfied", 0) == 0
    assert f"on a 1-{top:g} scale; set the threshold" in said[0]


def test_a_threshold_on_the_scale_that_nobody_reached_is_not_blamed_on_it():
    """10 on a 0-10 question where nobody gave a 10: the threshold is on the
    question's scale, and the warning does not say to set it there."""
    s = em.make_survey(n_respondents=400, n_facets=6, random_state=0)
    survey = s.survey.assign(satisfaction=s.survey["satisfaction"].clip(0, 9))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = em.analyze(
            survey, s.catalog, connection="connected", value="value",
            satisfaction="satisfaction", satisfied_threshold=10, n_boot=0,
            progress=False, model=em.DriverModel(n_estimators=15, cv=0),
        )  # fmt: skip
    warned = result.summary["warnings"]
    (said,) = [w for w in warned if w.startswith("No respondent is")]
    assert "threshold is 10 and the highest satisfaction rating is 9" in said
    assert "own scale" not in said
