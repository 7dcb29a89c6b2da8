# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # emomotiv quickstart
#
# Which customer-experience touchpoints build emotional connection? This
# notebook runs the whole analysis on the bundled sample: a synthetic survey of
# 5,000 respondents rating 100 touchpoints of a brokerage, with known true
# drivers. Open it in Jupyter with jupytext, or run it as a script; the
# documentation site shows it executed.

# %% tags=["parameters"]
import os

# The test suite sets EMOMOTIV_NOTEBOOK_SMALL=1 to run every notebook quickly.
SMALL = os.environ.get("EMOMOTIV_NOTEBOOK_SMALL") == "1"
N_RESPONDENTS = 1000 if SMALL else None  # None: the whole sample
N_BOOT = 10 if SMALL else 100  # bootstrap resamples behind every interval

# %%
import emomotiv as em

sample = em.load_sample()
survey = sample.survey
if N_RESPONDENTS is not None:
    survey = survey.sample(N_RESPONDENTS, random_state=0)
print(sample)
sample.catalog.head()

# %% [markdown]
# ## Drivers
#
# `analyze` validates the survey, fits a gradient-boosted model from the 100
# facet ratings to the 0/1 "emotionally connected" outcome (survey weights
# included), cross-validates it, and ranks the facets by their share of mean
# |SHAP|, with bootstrap intervals. `sample.roles` names the role columns:
# connection, value, weight, ... With the number of customers the survey
# stands for and a budget, it also values each improvement and plans the
# spending.

# %%
result = em.analyze(
    survey,
    sample.catalog,
    random_state=0,
    n_boot=N_BOOT,
    progress=False,
    population=250_000,
    budget=500_000,
    **sample.roles,
)
result.drivers.head(10)

# %% [markdown]
# A ranking is only as good as the model behind it: read the cross-validated
# fit first (AUC 0.5 = no better than chance).

# %%
result.model.fit_summary()

# %%
from emomotiv.plotting import plot_drivers

ax = plot_drivers(result, top=15)

# %% [markdown]
# The per-respondent attributions are a `shap.Explanation`, so every
# `shap.plots` function works on them.

# %%
import shap

shap.plots.beeswarm(result.importance.explanation, max_display=12, show=False)

# %% [markdown]
# ## Stated versus derived
#
# The catalog has what customers *say* matters (`stated_importance`, 1-5).
# `analyze` puts both on the same scale -- each facet's share of its total --
# and sorts the facets into quadrants: a *hidden driver* moves connection
# though customers rate it low; *table stakes* are rated high but move little.

# %%
columns = ["label", "importance", "stated_importance", "gap", "quadrant"]
result.drivers.sort_values("gap", ascending=False)[columns].head(8)

# %%
from emomotiv.plotting import plot_quadrant

ax = plot_quadrant(result)

# %% [markdown]
# ## What improving a touchpoint is worth
#
# The scenario: every respondent who rated a facet rates it one point
# higher, the rest of the respondent unchanged. `roi` holds the simulated
# change in the connected share (`delta_connected`, with its interval), its
# value and the return on the catalog's cost. `beyond_noise` says whether the
# gain differs from zero once every touchpoint is read at once (a
# Benjamini-Hochberg correction, 10% false discoveries). The synthetic truth
# records the exact uplift of the same scenario, to check the simulation
# against.

# %%
roi = result.tables["roi"].set_index("facet")
roi = roi.join(sample.truth["true_uplift"])
roi[
    [
        "delta_connected",
        "delta_connected_low",
        "delta_connected_high",
        "beyond_noise",
        "true_uplift",
        "roi",
    ]
].head(8)

# %%
from emomotiv.plotting import plot_plan

plan = result.tables["plan"]
ax = plot_plan(plan)

# %% [markdown]
# ## Report and files
#
# `Report` renders inline in Jupyter; `save_analysis` writes plain files (CSV,
# JSON, XGBoost JSON, the HTML report) and `load_analysis` reads them back,
# with no pickles.

# %%
import tempfile
from pathlib import Path

report = em.Report(result)
out = em.save_analysis(result, Path(tempfile.mkdtemp()) / "quickstart-results")
loaded = em.load_analysis(out)
sorted(p.name for p in out.iterdir())

# %%
assert loaded.drivers["facet"].tolist() == result.drivers["facet"].tolist()
loaded
