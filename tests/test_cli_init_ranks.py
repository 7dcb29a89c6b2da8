"""``emomotiv init`` on stated importance asked as a ranking."""

from __future__ import annotations

import tomllib

import numpy as np

import emomotiv as em
from emomotiv.cli import main


def _init(survey, tmp_path) -> str:
    path, study = tmp_path / "survey.csv", tmp_path / "study.toml"
    survey.to_csv(path, index=False)
    assert main(["init", str(path), "--out", str(study), "--force"]) == 0
    return study.read_text(encoding="utf-8")


def test_init_reads_a_top_3_ranking_of_stated_importance_as_ranks(tmp_path, capsys):
    """A "rank your top 3" question (1, 2, 3 or empty in each stated__
    column) was left read as ratings, which reverses it: validate then
    warned that every respondent's values are a ranking."""
    s = em.make_survey(200, 6, stated_form="ranks", random_state=0)
    survey = s.survey.copy()
    stated = [c for c in survey.columns if c.startswith("stated__")]
    survey[stated] = survey[stated].where(survey[stated] <= 3)
    text = _init(survey, tmp_path)
    assert tomllib.loads(text)["options"]["stated_form"] == "ranks"
    assert "# The stated importance columns hold ranks (1 = most" in text
    capsys.readouterr()
    assert main(["validate", "--study", str(tmp_path / "study.toml")]) == 0
    assert "ranking" not in capsys.readouterr().err


def test_init_leaves_ratings_and_ticks_of_stated_importance_as_ratings(tmp_path):
    s = em.make_survey(200, 6, stated_form="ratings", random_state=0)
    survey = s.survey.copy()
    assert "stated_form" not in tomllib.loads(_init(survey, tmp_path))["options"]
    stated = [c for c in survey.columns if c.startswith("stated__")]
    ticks = (survey[stated] >= 4).astype(float)  # "select all that apply"
    survey[stated] = ticks.where(ticks == 1)
    assert np.nanmax(survey[stated].to_numpy()) == 1
    assert "stated_form" not in tomllib.loads(_init(survey, tmp_path))["options"]
