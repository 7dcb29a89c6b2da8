"""Check simulated uplift against the generator's truth, and time it.

Run: ``python benchmarks/bench_simulate.py [SEED ...]`` (default seeds 0-4).
For each 5,000 x 100 survey from ``make_survey(random_state=SEED)`` it fits
the default :class:`~emomotiv.DriverModel`, simulates +1 on every facet and
prints the three acceptance figures:

- ``r``: Pearson correlation of ``delta_connected`` with ``true_uplift``
  (target >= 0.85);
- ``drivers``: summed predicted uplift over the true drivers divided by their
  summed true uplift (target within 0.75-1.25);
- ``nulls``: summed predicted uplift over facets with no true effect divided
  by the true total (target < 0.5).

It then times one ``plan_improvements`` with the default 10 replicate models
on the first seed, and the scenarios of a 20-replicate bootstrap (as
``analyze`` evaluates them, one thread) two ways: each changed row through
only the trees that split on the facet the scenario moves (what the library
does, ``emomotiv._trees``), and each changed row predicted by XGBoost through
every tree (what it falls back to). Nothing is asserted; the test suite
asserts the figures on seed 0, and that the two ways agree.

Measured (5,000 x 100, seed 0, a busy 2-core machine, one thread): the
ROI's 100 scenarios and the plan on 20 replicates took 3.3 s reading the
trees against 8.0 s predicting every changed row (2.4x), the gains equal to
1e-8. A facet is split on in about 18 of a replicate's 300 trees. With each
tree read as a complete binary tree (a row descends by arithmetic on its
node's place) and the margins summed from the leaves XGBoost already
returned: 1.3 s against 4.0 s (3.2x; a 2-core machine at a load of 3),
the gains equal to 1.2e-9. Against the earlier reading of the trees, back
to back on a quiet machine (the ROI and the plan on 20 replicates, twice
each): 1.15-1.17 s against 1.43-1.46 s, a fifth less.
"""

import argparse
import time

import numpy as np

import emomotiv as em
from emomotiv import _trees


def figures(survey: em.SyntheticSurvey, delta) -> dict[str, float]:
    """The three acceptance figures for per-facet ``delta`` (a Series)."""
    truth = survey.truth
    pred = delta.reindex(truth.index)
    drivers = truth["is_driver"]
    return {
        "r": float(np.corrcoef(pred, truth["true_uplift"])[0, 1]),
        "drivers": float(pred[drivers].sum() / truth["true_uplift"][drivers].sum()),
        "nulls": float(pred[~drivers].sum() / truth["true_uplift"].sum()),
    }


def run(seeds: list[int]) -> None:
    print("seed      r  drivers  nulls   fit s  simulate s")
    rows = []
    for seed in seeds:
        s = em.make_survey(random_state=seed)
        facets = list(s.catalog["facet"])
        X, y, w = s.survey[facets], s.survey["connected"], s.survey["weight"]
        start = time.perf_counter()
        model = em.DriverModel(cv=0, random_state=0).fit(X, y, sample_weight=w)
        fit = time.perf_counter() - start
        start = time.perf_counter()
        result = em.plan_improvements(
            model, X, y, catalog=s.catalog, sample_weight=w, n_boot=0
        )
        simulate = time.perf_counter() - start
        f = figures(s, result.roi.set_index("facet")["delta_connected"])
        rows.append(f)
        print(
            f"{seed:>4} {f['r']:6.3f} {f['drivers']:8.3f} {f['nulls']:6.3f} "
            f"{fit:7.1f} {simulate:11.1f}"
        )
    mean = {k: np.mean([r[k] for r in rows]) for k in rows[0]}
    print(
        f"mean {mean['r']:6.3f} {mean['drivers']:8.3f} {mean['nulls']:6.3f}   "
        "(targets: r >= 0.85, drivers 0.75-1.25, nulls < 0.5)"
    )

    s = em.make_survey(random_state=seeds[0])
    facets = list(s.catalog["facet"])
    X, y, w = s.survey[facets], s.survey["connected"], s.survey["weight"]
    model = em.DriverModel(cv=0, random_state=0).fit(X, y, sample_weight=w)
    start = time.perf_counter()
    result = em.plan_improvements(
        model,
        X,
        y,
        catalog=s.catalog,
        sample_weight=w,
        value=s.survey["value"],
        population=250_000,
        budget=500_000,
        random_state=0,
    )
    took = time.perf_counter() - start
    plan = result.summary
    print(
        f"plan_improvements with {plan['n_boot']} replicate models: {took:.1f} s; "
        f"plan funds {plan['n_selected']} facets for {plan['spent']:,.0f}: "
        f"combined {plan['combined_delta_connected']:+.4f} "
        f"[{plan['combined_delta_connected_low']:+.4f}, "
        f"{plan['combined_delta_connected_high']:+.4f}] vs sum of singles "
        f"{plan['sum_individual_delta_connected']:+.4f}"
    )
    scenarios_two_ways(model, X, y, w, s.catalog)


def scenarios_two_ways(model, X, y, w, catalog) -> None:
    """Time the bootstrap's scenarios through the trees and through XGBoost."""
    boot = em.bootstrap_importance(
        model, X, y, sample_weight=w, n_boot=20, n_jobs=1, random_state=0
    )
    read = _trees.Trees.__dict__["from_booster"]  # the classmethod itself
    took, gains = {}, {}
    for way in ("trees", "xgboost"):
        # the fallback: a booster whose trees are not read is predicted whole
        _trees.Trees.from_booster = (
            read if way == "trees" else classmethod(lambda cls, booster: None)
        )
        start = time.perf_counter()
        result = em.plan_improvements(
            model,
            X,
            y,
            catalog=catalog,
            sample_weight=w,
            bootstrap=boot,
            budget=500_000,
            population=250_000,
            value_per_connected=1_000,
            n_jobs=1,
        )
        took[way] = time.perf_counter() - start
        gains[way] = result.roi["delta_connected"].to_numpy()
    _trees.Trees.from_booster = read
    print(
        f"the ROI and the plan on 20 replicates, one thread: {took['trees']:.1f} s "
        f"through the trees a facet reaches, {took['xgboost']:.1f} s through "
        f"every tree ({took['xgboost'] / took['trees']:.1f}x); largest "
        f"difference in a gain {np.abs(gains['trees'] - gains['xgboost']).max():.1e}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", type=int, nargs="*", default=[0, 1, 2, 3, 4])
    run(parser.parse_args().seeds)


if __name__ == "__main__":
    main()
