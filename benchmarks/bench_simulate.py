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
on the first seed. Nothing is asserted; the test suite asserts the figures on
seed 0.
"""

import sys
import time

import numpy as np

import emomotiv as em


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


def main(seeds: list[int]) -> None:
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


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [0, 1, 2, 3, 4])
