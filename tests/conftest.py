"""Shared fixtures: small surveys for speed, the 5,000 x 100 truth for recovery."""

import os

# Under pytest-xdist every worker is a process of its own: one OpenMP thread
# each (XGBoost's default is every core), so that two workers on two cores do
# not run four threads. Set before XGBoost is first imported.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import matplotlib
import pytest
from hypothesis import settings

import emomotiv as em

matplotlib.use("Agg")

# The same examples on every run, so that CI is green or red for the code and
# not for the draw; `pytest --hypothesis-profile=explore` draws new ones.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")


@pytest.fixture(scope="session")
def by_halo():
    """``analyze`` of a survey with the halo score and without it (no
    bootstrap, no classical methods), keyed by the halo design."""

    def run(s, roles) -> dict:
        return {
            halo: em.analyze(
                s.survey,
                s.catalog,
                **roles,
                halo=halo,
                n_boot=0,
                methods=False,
                progress=False,
                random_state=0,
            )
            for halo in ("mean", "none")
        }

    return run


@pytest.fixture(scope="session")
def small():
    """600 respondents x 12 facets: fast, still has drivers and missingness."""
    return em.make_survey(n_respondents=600, n_facets=12, random_state=0)


@pytest.fixture(scope="session")
def full():
    """The default-size synthetic survey with ground truth (seed 0)."""
    return em.make_survey(n_respondents=5000, random_state=0)


@pytest.fixture(scope="session")
def full_result(full):
    """The pipeline fitted once on the full survey, shared by several tests.

    A modest bootstrap (10 resamples) keeps the suite fast while every
    interval column is filled.
    """
    return em.analyze(
        full.survey,
        full.catalog,
        random_state=0,
        n_boot=10,
        progress=False,
        **full.roles,
    )


@pytest.fixture(scope="session")
def small_result(small):
    return em.analyze(
        small.survey,
        small.catalog,
        random_state=0,
        n_boot=10,
        progress=False,
        **small.roles,
    )


@pytest.fixture
def pools(monkeypatch):
    """The ``n_jobs`` of every joblib pool the library opens while it runs."""
    import joblib

    asked = []
    parallel = joblib.Parallel

    def spy(*args, **kwargs):
        asked.append(kwargs.get("n_jobs"))
        return parallel(*args, **kwargs)

    monkeypatch.setattr(joblib, "Parallel", spy)
    return asked
