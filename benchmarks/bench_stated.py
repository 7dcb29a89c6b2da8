"""Stated vs derived importance and the value of connection, across seeds.

Run: ``python benchmarks/bench_stated.py [N_SEEDS] [N_RESPONDENTS] [N_FACETS]``
(default 5 seeds of 5,000 x 100). For each seed it runs one ``analyze`` with its
defaults (its bootstrap gives the ``p_quadrant`` below), compares the result
with each form of stated importance, and prints, against the generator's truth:

- the share of true hidden drivers labelled ``hidden_driver`` or
  ``core_driver`` and of true table stakes labelled ``table_stakes`` or
  ``low_priority`` (the acceptance bar is 80% each), for the catalog's stated
  importance and for per-respondent ratings, ranks and MaxDiff utilities,
  and for several derived thresholds;
- the rank correlation of stated and derived importance;
- how often a facet's quadrant is the true one, by its ``p_quadrant``: the
  true quadrant crosses the generator's drivers (derived high) with the
  catalog's stated importance above its mean (stated high). MaxDiff
  probability shares are convex in the utilities, so fewer facets pass
  their mean share than pass the catalog's mean: facets just above the
  catalog's mean count as wrong there by this definition;
- the value multiplier (truth 2.2) with its 95% interval, whether the
  interval covers the truth, and the value per connected customer;
- the time the stated, measures and value steps take.

Nothing is asserted.
"""

import sys
import time

import numpy as np
import pandas as pd

import emomotiv as em
from emomotiv.stated import DERIVED_THRESHOLD

FACTORS = (1.0, 1.25, 1.5, 2.0)
FORMS = ("ratings", "ranks", "maxdiff")


def recovery(comparison, truth) -> tuple[float, float]:
    q = comparison.table["quadrant"]
    hidden = q[truth["hidden_driver"]].isin(["hidden_driver", "core_driver"]).mean()
    stakes = q[truth["table_stakes"]].isin(["table_stakes", "low_priority"]).mean()
    return float(hidden), float(stakes)


def true_quadrant(comparison, truth, catalog) -> pd.Series:
    """Derived high: a true driver; stated high: the catalog's value above
    its mean over the compared facets."""
    facets = comparison.table.index
    said = catalog.set_index("facet").loc[facets, "stated_importance"]
    high = said > said.mean()
    driver = truth.loc[facets, "is_driver"]
    names = np.where(
        driver,
        np.where(high, "core_driver", "hidden_driver"),
        np.where(high, "table_stakes", "low_priority"),
    )
    return pd.Series(names, index=facets)


def calibration(comparison, truth, catalog, seed: int, source: str) -> pd.DataFrame:
    table = comparison.table[["quadrant", "p_quadrant"]].dropna()
    right = table["quadrant"] == true_quadrant(comparison, truth, catalog)
    return table.assign(right=right[table.index], seed=seed, source=source)


def one_seed(seed: int, n: int, p: int) -> tuple[list[dict], list[pd.DataFrame]]:
    base = em.make_survey(n_respondents=n, n_facets=p, random_state=seed)
    w = base.survey["weight"].to_numpy()
    start = time.perf_counter()
    result = em.analyze(
        base.survey, base.catalog, random_state=0, progress=False, **base.roles
    )
    fit_s = time.perf_counter() - start
    rows, calibrated = [], []
    start = time.perf_counter()
    stated = em.stated_importance(catalog=base.catalog)
    for factor in FACTORS:
        comp = em.compare_importance(
            result.importance,
            stated,
            derived_threshold=factor,
            sample_weight=w,
            random_state=0,
        )
        hidden, stakes = recovery(comp, base.truth)
        if factor == DERIVED_THRESHOLD:
            calibrated.append(
                calibration(comp, base.truth, base.catalog, seed, "catalog")
            )
        rows.append(
            {
                "seed": seed,
                "source": "catalog",
                "factor": factor,
                "hidden_ok": hidden,
                "stakes_ok": stakes,
                "rho": comp.rank_correlation,
            }
        )
    stated_s = time.perf_counter() - start
    for form in FORMS:
        s = em.make_survey(
            n_respondents=n, n_facets=p, random_state=seed, stated_form=form
        )
        per = em.stated_importance(
            s.survey, s.catalog, form=form, sample_weight=w, random_state=0
        )
        comp = em.compare_importance(
            result.importance, per, sample_weight=w, random_state=0
        )
        hidden, stakes = recovery(comp, s.truth)
        calibrated.append(
            calibration(comp, s.truth, s.catalog, seed, f"respondents:{form}")
        )
        rows.append(
            {
                "seed": seed,
                "source": f"respondents:{form}",
                "factor": comp.thresholds["derived_factor"],
                "hidden_ok": hidden,
                "stakes_ok": stakes,
                "rho": comp.rank_correlation,
            }
        )
    start = time.perf_counter()
    survey = base.survey
    measures = em.connection_measures(
        survey,
        facets=list(base.catalog["facet"]),
        connection="connected",
        satisfaction="satisfaction",
        value="value",
        sample_weight=w,
    )
    measures_s = time.perf_counter() - start
    start = time.perf_counter()
    link = em.value_of_connection(
        survey["value"],
        measures.tiers,
        sample_weight=w,
        churned=survey["churned"],
        advocacy=survey["recommend"],
    )
    value_s = time.perf_counter() - start
    v = link.summary
    covered = v["multiplier_low"] <= base.value_multiplier <= v["multiplier_high"]
    print(
        f"seed {seed}: fit {fit_s:.1f} s; stated+compare x{len(FACTORS)} "
        f"{stated_s:.2f} s; measures {measures_s:.2f} s; value {value_s:.2f} s; "
        f"alpha {measures.cronbach_alpha:.3f}; multiplier {v['multiplier']:.3f} "
        f"[{v['multiplier_low']:.3f}, {v['multiplier_high']:.3f}] "
        f"covers {base.value_multiplier}: {covered}; value per connected "
        f"{v['value_per_connected']:.0f} [{v['value_per_connected_low']:.0f}, "
        f"{v['value_per_connected_high']:.0f}]",
        flush=True,
    )
    for row in rows:
        row["covered"] = covered
    return rows, calibrated


def main(n_seeds: int = 5, n: int = 5000, p: int = 100) -> None:
    rows, calibrated = [], []
    for seed in range(n_seeds):
        more, facets = one_seed(seed, n, p)
        rows += more
        calibrated += facets
    frame = pd.DataFrame(rows)
    pd.set_option("display.width", 120)
    print("\nshare of true hidden drivers / table stakes labelled correctly:")
    table = frame.pivot_table(
        index=["source", "factor"],
        values=["hidden_ok", "stakes_ok", "rho"],
        aggfunc=["mean", "min"],
    )
    print(table.round(3).to_string())
    default = frame[(frame["source"] == "catalog") & (frame["factor"] == 1.25)]
    passed = ((default["hidden_ok"] >= 0.8) & (default["stakes_ok"] >= 0.8)).mean()
    print(f"\ncatalog, default threshold: both >= 80% in {passed:.0%} of seeds")
    facets = pd.concat(calibrated)
    facets["p_bin"] = pd.cut(facets["p_quadrant"], [0, 0.6, 0.8, 0.95, 1.0])
    print("\nquadrant right, by p_quadrant (default thresholds):")
    by_bin = facets.groupby(["source", "p_bin"], observed=True).agg(
        facets=("right", "size"),
        mean_p=("p_quadrant", "mean"),
        right=("right", "mean"),
    )
    print(by_bin.round(3).to_string())
    covered = frame.drop_duplicates("seed")["covered"]
    print(f"multiplier interval covers the truth in {np.mean(covered):.0%} of seeds")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*args)
