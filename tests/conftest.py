"""Shared fixtures: small surveys for speed, the 5,000 x 100 truth for recovery."""

import matplotlib
import pytest

import emomotiv as em

matplotlib.use("Agg")


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

    A modest bootstrap (20 resamples) keeps the suite fast while every
    interval column is filled.
    """
    return em.analyze(
        full.survey,
        full.catalog,
        random_state=0,
        n_boot=20,
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
