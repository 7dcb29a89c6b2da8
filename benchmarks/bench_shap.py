"""Time TreeSHAP of a bootstrap replicate: emomotiv's tables against XGBoost's
``pred_contribs`` and ``shap.TreeExplainer``.

Run: ``nice -n 10 python benchmarks/bench_shap.py [--n 5000] [--facets 100]
[--rows 1300] [--repeats 5]``.

It fits the default ``DriverModel`` (300 trees of depth 3) on
``make_survey(n, facets)`` and explains ``--rows`` respondents (a replicate
explains the ~1,260 of its 2,000 evaluation respondents it drew) on one
thread, three ways: the model's trees read into tables of split patterns
(``emomotiv._trees``, reading the trees included), XGBoost's own
``pred_contribs`` and ``shap.TreeExplainer`` (path-dependent, its default
for a model without background data). It prints the best of ``--repeats``
seconds of each, the ratios, and the largest difference from
``pred_contribs``. Nothing is asserted.

Measured with the defaults on a 2-core machine (load 1.6): emomotiv 0.060 s
(the trees' JSON read included), ``pred_contribs`` 0.234 s (3.9x),
``TreeExplainer`` 0.267 s (4.4x); largest difference from ``pred_contribs``
3.2e-7 (XGBoost sums in float32).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import emomotiv as em
from emomotiv._trees import shap_values


def best(function, repeats: int) -> tuple[float, np.ndarray]:
    """The fastest of ``repeats`` calls (wall seconds) and its result."""
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = function()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5_000)
    parser.add_argument("--facets", type=int, default=100)
    parser.add_argument("--rows", type=int, default=1_300)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    import shap
    import xgboost as xgb
    from threadpoolctl import threadpool_limits

    s = em.make_survey(n_respondents=args.n, n_facets=args.facets, random_state=0)
    X = s.survey[s.catalog["facet"]]
    model = em.DriverModel(cv=0, n_jobs=1, random_state=0)
    model.fit(X, s.survey["connected"])
    booster = model.estimator_.get_booster()
    booster.set_param({"nthread": 1})
    rows = X.to_numpy(dtype=np.float32)[: args.rows]
    print(f"cores: {os.cpu_count()}  load: {os.getloadavg()[0]:.1f}")
    print(f"survey: {args.n} x {args.facets}; {len(rows)} rows explained, 1 thread")

    def theirs():
        matrix = xgb.DMatrix(rows, missing=np.nan, nthread=1)
        return booster.predict(matrix, pred_contribs=True)[:, :-1]

    def explainer():
        return shap.TreeExplainer(booster).shap_values(rows)

    with threadpool_limits(limits=1):
        ours_s, ours = best(lambda: shap_values(booster, rows), args.repeats)
        xgb_s, reference = best(theirs, args.repeats)
        tree_s, _ = best(explainer, args.repeats)
    lines = [
        ("emomotiv tables (trees read included)", ours_s),
        ("xgboost pred_contribs", xgb_s),
        ("shap.TreeExplainer", tree_s),
    ]
    for name, seconds in lines:
        print(f"{name:<40} {seconds:8.3f} s  {seconds / ours_s:5.1f}x")
    gap = np.abs(ours - reference).max()
    print(f"largest difference from pred_contribs    {gap:.2g}")


if __name__ == "__main__":
    main()
