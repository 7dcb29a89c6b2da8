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
# drivers. Open it in Jupyter with jupytext, or run it as a script.

# %% tags=["parameters"]
import os

# The test suite sets EMOMOTIV_NOTEBOOK_SMALL=1 to run every notebook quickly.
SMALL = os.environ.get("EMOMOTIV_NOTEBOOK_SMALL") == "1"
N_RESPONDENTS = 1000 if SMALL else None  # None: the whole sample

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
# |SHAP|. `sample.roles` names the role columns: connection, value, weight, ...

# %%
result = em.analyze(survey, sample.catalog, random_state=0, **sample.roles)
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
# Put both on the same scale -- each facet's share of its total -- and look
# at the facets derived importance ranks high but customers rate low.
#
# The cell below computes the two shares by hand to show the idea;
# `result.drivers` already holds the full comparison, with intervals and
# quadrants, in its `stated_importance, gap, quadrant` columns
# (`em.compare_importance`).

# %%
stated = sample.catalog.set_index("facet")["stated_importance"]
compare = result.drivers.set_index("facet")[["label", "importance"]].join(
    (stated / stated.sum()).rename("stated_share")
)
compare["gap"] = compare["importance"] - compare["stated_share"]
compare.sort_values("gap", ascending=False).head(8)

# %% [markdown]
# ## What improving a touchpoint is worth
#
# `result.tables["roi"]` holds the ROI scenario (every respondent who rated
# a facet rates it one point higher) and, with a budget, `result.tables["plan"]`
# the budget-constrained plan (`em.plan_improvements`). The synthetic truth
# records the exact uplift of that scenario for each facet:

# %%
sample.truth.sort_values("true_uplift", ascending=False)[
    ["kind", "hidden_driver", "true_uplift"]
].head(8)

# %% [markdown]
# ## Report and files
#
# `Report` renders inline in Jupyter; `save_analysis` writes plain files (CSV,
# JSON, XGBoost JSON, the HTML report) and `load_analysis` reads them back,
# with no pickles.

# %%
report = em.Report(result)
out = em.save_analysis(result, "quickstart-results", force=True)
loaded = em.load_analysis(out)
sorted(p.name for p in out.iterdir())

# %%
assert loaded.drivers["facet"].tolist() == result.drivers["facet"].tolist()
loaded
