"""Time ``emomotiv.analyze`` with default settings against one fit + TreeSHAP.

Run: ``nice -n 10 python benchmarks/bench_analyze.py [--n 10000] [--facets 100]``.

On a synthetic survey (``make_survey``) it times ``analyze`` with its
defaults (100 bootstrap replicates, the classical methods, stated importance,
the value link, ROI and a budget plan) and, in the same run, one XGBoost fit
of the default ``DriverModel`` plus TreeSHAP on every respondent: the *unit*.
The machine is shared, so the ratio (analyze in units) is the figure to
compare; wall seconds are printed beside it. Nothing is asserted.

Measured (2 cores shared with other jobs, load average 4-8, ``nice -n 10``;
10,000 x 100, seed 0):

===========================  ==========  ======  =======
version                      analyze s   unit s  units
===========================  ==========  ======  =======
0.1 (separate ROI refits)    see below
one bootstrap (this code)    see below
===========================  ==========  ======  =======

The figures are filled in by the lead's run of this script; see the
``BASELINE`` constant for the 0.1 figure measured in the same session.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import emomotiv as em

# 0.1 on the same machine and data (separate 15 refits for ROI, unbatched
# scenarios, a new model seed per replicate), measured in the same session.
BASELINE = {"analyze_s": None, "unit_s": None}


def unit(survey, catalog, roles) -> float:
    """Seconds for one default DriverModel fit + TreeSHAP on all respondents."""
    X = survey[catalog["facet"]]
    start = time.perf_counter()
    model = em.DriverModel(cv=0, random_state=0).fit(
        X, survey[roles["connection"]], sample_weight=survey[roles["weight"]]
    )
    em.shap_importance(model, X, sample_weight=survey[roles["weight"]])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--facets", type=int, default=100)
    parser.add_argument("--n-boot", type=int, default=100)
    args = parser.parse_args()
    s = em.make_survey(n_respondents=args.n, n_facets=args.facets, random_state=0)
    print(f"cores: {os.cpu_count()}  load: {os.getloadavg()[0]:.1f}  ")
    print(f"survey: {args.n} x {args.facets}  emomotiv from {em.__file__}")
    one = unit(s.survey, s.catalog, s.roles)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        em.analyze(
            s.survey,
            s.catalog,
            population=100_000,
            budget=500_000,
            n_boot=args.n_boot,
            progress=False,
            random_state=0,
            **s.roles,
        )
    wall = time.perf_counter() - start
    after = unit(s.survey, s.catalog, s.roles)
    one = min(one, after)
    print(f"unit (one fit + TreeSHAP, best of 2): {one:.2f} s")
    print(f"analyze with defaults: {wall:.1f} s = {wall / one:.1f} units")
    if BASELINE["analyze_s"]:
        base, base_unit = BASELINE["analyze_s"], BASELINE["unit_s"]
        print(f"0.1 in the same session:  {base:.1f} s = {base / base_unit:.1f} units")


if __name__ == "__main__":
    main()
