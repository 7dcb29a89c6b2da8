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
# facet ratings (and each respondent's halo score, see below) to the 0/1
# "emotionally connected" outcome (survey weights included), cross-validates
# it, and ranks the facets by their share of mean |SHAP|, with bootstrap
# intervals (`importance_low`, `importance_high`) and `p_top`, the share of
# resamples in which the facet is in the top *k* (a fifth of the facets, at
# most ten: `result.summary["uncertainty"]["top_k"]`). `sample.roles` names
# the role columns: connection, value, weight, ... With the number of
# customers the survey stands for and a budget, it also values each
# improvement and plans the spending.

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

# %% [markdown]
# ## Halo and context controls
#
# Ratings correlate because some customers are warm towards the brand as a
# whole, and that warmth is also part of feeling connected. Left out, it would
# be credited to whichever touchpoints carry it best. So `analyze` gives the
# model each respondent's general warmth, estimated from their own ratings
# (`halo="mean"`, the default; `"factor"`, `"profile"` and `"components"`
# are other estimates, `"none"` leaves it out), and any customer context you
# name with `controls=[...]` (purpose of purchase, product, tenure, region).
# Controls are seen by every prediction, moved by no scenario and never
# ranked: the `controls` table reports each one's share of the importance of
# touchpoints and controls together, while the shares in `drivers` are taken
# over the touchpoints only.

# %%
result.tables["controls"]

# %%
from emomotiv.plotting import plot_drivers

ax = plot_drivers(result, top=15)

# %% [markdown]
# The per-respondent attributions are a `shap.Explanation`, so every
# `shap.plots` function works on them. It holds every column the model saw:
# the touchpoints, then the halo score `__halo__` (and any controls), so the
# beeswarm shows warmth beside the touchpoints.

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
# Benjamini-Hochberg correction, 10% false discoveries), so a 90% interval
# that excludes zero is not yet beyond noise: with a hundred touchpoints,
# about five that move nothing would show one. The synthetic truth records
# the exact uplift of the same scenario, to check the simulation against. On
# this sample every true driver's simulated gain runs below its true uplift
# (about half of it on 1,000 respondents, two thirds on the 5,000): the model
# shrinks effects towards zero, and the intervals cover sampling noise, not
# that bias. Read the gains as conservative; their order is the firmer part.

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

# %% [markdown]
# The plan funds the touchpoints in order of priority (`roi`) until the budget
# is spent. `selected_within_noise` in the plan's summary names the funded
# touchpoints whose own gain is not beyond noise, and the combined gain of the
# funded set comes with its interval.

# %%
from emomotiv.plotting import plot_plan

plan = result.tables["plan"]
funded = plan[plan["selected"]]
facts = result.summary["plan"]
print(
    f"{len(funded)} touchpoints funded, {facts['spent']:,.0f} of {facts['budget']:,.0f}"
)
print("funded, gain within noise:", facts["selected_within_noise"])
print(
    f"combined gain in the connected share: {facts['combined_delta_connected']:.3f} "
    f"({facts['combined_delta_connected_low']:.3f} to "
    f"{facts['combined_delta_connected_high']:.3f})"
)
funded[["label", "cost", "delta_connected", "beyond_noise", "roi", "cumulative_cost"]]

# %%
ax = plot_plan(plan, top=20)  # the first 20 candidates, and every one funded

# %% [markdown]
# ## Segments and value
#
# `segment_drivers` ranks the touchpoints within each segment (`customer_type`
# here) where the segment has enough respondents for a model of its own, and
# says why not where it has too few (`note`); `differs` flags a touchpoint
# whose importance differs between segments beyond noise.

# %%
seg = result.tables["segment_drivers"]
ranked = seg[seg["ranked"]].sort_values(["segment", "rank"])
print(seg.loc[~seg["ranked"], ["segment", "note"]].drop_duplicates().to_string())
ranked.groupby("segment").head(3)[["segment", "label", "importance", "rank", "p_top"]]

# %% [markdown]
# Connection is worth something only if connected customers are worth more.
# `tiers` sets the unconnected, the highly satisfied and the fully connected
# side by side; `summary["value"]["multiplier"]` is the value of a fully
# connected customer over a highly satisfied one, with its interval.
# `value_drivers` ranks the touchpoints by what they do to value, and the part
# of that which flows through connection. A warning says so when the ratings
# barely predict value: read `value_drivers` then as a list of candidates,
# not a ranking.

# %%
value = result.summary["value"]
print(
    f"value multiplier: {value['multiplier']:.2f} "
    f"({value['multiplier_low']:.2f} to {value['multiplier_high']:.2f})"
)
result.tables["tiers"][["tier", "share", "mean_value", "mean_satisfaction"]]

# %%
result.tables["value_drivers"].head(8)[
    [
        "label",
        "delta_mean_value",
        "delta_mean_value_low",
        "delta_mean_value_high",
        "beyond_noise",
        "delta_mean_value_via_connection",
    ]
]

# %% [markdown]
# ## Report and files
#
# `Report` renders inline in Jupyter; `save_analysis` writes plain files (CSV,
# JSON, XGBoost JSON, the HTML report) and `load_analysis` reads them back,
# with no pickles. The report opens with the warnings and the headline
# numbers (connected share, value multiplier, the plan's value, how stable
# the ranking is, the cross-validated AUC): read those before the ranking.
# Then come the drivers with their intervals, stated against derived, the
# journey stages, the motivators, the plan, and the model's fit, the data and
# the method in detail. Every number in it is in `result.tables` or
# `result.summary` too.

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
