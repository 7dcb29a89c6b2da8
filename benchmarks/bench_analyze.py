"""Time ``emomotiv.analyze`` on the bundled 5,000 x 100 sample.

Run: ``python benchmarks/bench_analyze.py``. Prints wall time per stage and in
total; the target on a 2-core machine is under a minute. Nothing is asserted.
"""

import os
import time

import numpy as np

import emomotiv as em


def main(repeats: int = 2) -> None:
    sample = em.load_sample()
    X = sample.survey[sample.catalog["facet"]]
    y, w = sample.survey["connected"], sample.survey["weight"]
    print(f"cores: {os.cpu_count()}  survey: {X.shape[0]} x {X.shape[1]}")

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        em.analyze(sample.survey, sample.catalog, random_state=0, **sample.roles)
        times.append(time.perf_counter() - start)
    print(
        f"analyze (5-fold CV + fit + TreeSHAP): best {min(times):.2f} s, "
        f"median {np.median(times):.2f} s over {repeats} runs"
    )

    start = time.perf_counter()
    model = em.DriverModel(cv=0, random_state=0).fit(X, y, sample_weight=w)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    em.shap_importance(model, X, sample_weight=w)
    explain = time.perf_counter() - start
    print(
        f"  one XGBoost fit: {fit:.2f} s   TreeSHAP on all respondents: {explain:.2f} s"
    )


if __name__ == "__main__":
    main()
