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
# # Quarterly tracking
#
# Each quarter a new wave of the survey comes in, and the question is "what
# moved, and is it real?". Here two waves are drawn by `make_survey` with
# different seeds -- two samples of customers of the same brand -- analysed
# with the same settings and set side by side.

# %% tags=["parameters"]
import os

# The test suite sets EMOMOTIV_NOTEBOOK_SMALL=1 to run every notebook quickly.
SMALL = os.environ.get("EMOMOTIV_NOTEBOOK_SMALL") == "1"
N_RESPONDENTS = 1200 if SMALL else 5000
N_FACETS = 30 if SMALL else 100
N_BOOT = 10 if SMALL else 100  # bootstrap resamples behind every interval
WAVES = {"2026Q2": 11, "2026Q3": 12}  # wave label -> seed

# %%
import pandas as pd

import emomotiv as em

surveys = {
    wave: em.make_survey(
        n_respondents=N_RESPONDENTS, n_facets=N_FACETS, wave=wave, random_state=seed
    )
    for wave, seed in WAVES.items()
}
surveys

# %% [markdown]
# ## Analyse each wave the same way
#
# Same catalog columns, same roles, same seed: only the respondents differ.

# %%
results = {
    wave: em.analyze(
        s.survey, s.catalog, random_state=0, n_boot=N_BOOT, progress=False, **s.roles
    )
    for wave, s in surveys.items()
}
pd.DataFrame(
    {
        wave: {
            "respondents": r.summary["data"]["n_respondents"],
            "connected share": r.summary["data"]["connected_share"],
            "cv AUC": r.model.fit_summary()["roc_auc"],
        }
        for wave, r in results.items()
    }
)

# %% [markdown]
# ## Side by side

# %%
before, after = list(WAVES)
side = pd.concat(
    {
        w: r.drivers.set_index("facet")[["importance", "rank"]]
        for w, r in results.items()
    },
    axis=1,
)
side[("change", "importance")] = (
    side[(after, "importance")] - side[(before, "importance")]
)
side[("change", "rank")] = (
    side[(before, "rank")] - side[(after, "rank")]
)  # + = moved up
side = side.join(
    surveys[after].catalog.set_index("facet")["label"].rename(("", "label"))
)
side.sort_values((after, "rank")).head(15)

# %%
top_before = set(results[before].importance.top(10))
top_after = set(results[after].importance.top(10))
print(f"{len(top_before & top_after)} of the top ten are the same in both waves")
print("new in the top ten:", sorted(top_after - top_before))
print("left the top ten:", sorted(top_before - top_after))

# %% [markdown]
# Some movement is expected even when nothing changed: each wave is a sample.
# A change is only news when it is larger than the noise of both waves, which
# takes an interval for the difference.

# %% [markdown]
# ## What moved beyond noise
#
# `em.compare` takes two results (or two saved folders): per facet the change
# in importance with an interval for the difference from both waves'
# bootstraps, a flag when it is beyond noise (corrected for the number of
# facets), rank movements and KPI trends. It compares the shares set side by
# side above, each wave's reported share (`importance`, the mean over its
# bootstrap refits, as its report shows it), with the spread of its
# replicates. Bagging lifts a facet with no effect to a small floor, so the
# fall of a driver that stops mattering reads about a quarter smaller than
# its full-data share (`full_data_importance`) would show; the full-data
# share, though, flags facets that did not move far more often. Both waves
# here come from the same generator, so few or no flags are the right
# answer.

# %%
comparison = em.compare(results[before], results[after])
print(
    comparison.summary["n_flagged"],
    "of",
    comparison.summary["n_facets"],
    "facets flagged",
)
comparison.changes.head(10)

# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(5, 5), layout="constrained")
ax.scatter(side[(before, "importance")], side[(after, "importance")], s=16)
lim = float(side[[(before, "importance"), (after, "importance")]].max().max()) * 1.05
ax.plot([0, lim], [0, lim], color="#999999", linewidth=0.8)
ax.set_xlabel(f"importance {before}")
ax.set_ylabel(f"importance {after}")
ax.set_title("Facet importance, wave against wave")
