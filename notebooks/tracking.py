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
# moved, and is it real?". Here two waves of one study are drawn by
# `make_waves`: the same touchpoints with the same true effects, new
# respondents in each wave (with the halo, scale use and context of real
# data), analysed with the same settings and set side by side. Nothing
# changed between them but the sample, so every movement below is noise;
# `make_waves(effects={"2026Q3": {"mobile_app": 0.0}})` would switch a driver
# off in the second wave, to see what a real change looks like.

# %% tags=["parameters"]
import os

# The test suite sets EMOMOTIV_NOTEBOOK_SMALL=1 to run every notebook quickly.
SMALL = os.environ.get("EMOMOTIV_NOTEBOOK_SMALL") == "1"
N_RESPONDENTS = 1200 if SMALL else 5000
N_FACETS = 30 if SMALL else 100
N_BOOT = 10 if SMALL else 100  # bootstrap resamples behind every interval
WAVES = ["2026Q2", "2026Q3"]
SEED = 11  # the study's seed: its touchpoints, effects and catalog

# %%
import pandas as pd

import emomotiv as em

study = em.make_waves(
    N_RESPONDENTS,
    N_FACETS,
    waves=WAVES,
    halo_effect="moderate",
    scale_usage=True,
    context_effect=1.0,
    random_state=SEED,
)
surveys = {wave: part for wave, part in study.survey.groupby("wave")}
{wave: part.shape for wave, part in surveys.items()}

# %% [markdown]
# ## Analyse each wave the same way
#
# Same catalog, same roles (the `purpose` context among the controls), same
# seed: only the respondents differ. Given the stacked survey with
# `wave="wave"`, `analyze` does this in one call: it analyses the latest wave
# and compares it with the one before (`tables["changes"]`).

# %%
results = {
    wave: em.analyze(
        survey,
        study.catalog,
        random_state=0,
        n_boot=N_BOOT,
        progress=False,
        **study.roles,
    )
    for wave, survey in surveys.items()
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
side = side.join(study.catalog.set_index("facet")["label"].rename(("", "label")))
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
# here come from the same study, with the same true effects, so few or no
# flags are the right answer.

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
