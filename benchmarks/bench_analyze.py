"""Time ``emomotiv.analyze`` with default settings against one fit + TreeSHAP.

Run: ``nice -n 10 python benchmarks/bench_analyze.py [--n 10000] [--facets 100]
[--n-jobs 1]``.

On a synthetic survey (``make_survey``) it times ``analyze`` with its
defaults (100 bootstrap replicates, the classical methods, stated importance,
the value link, ROI and a budget plan) and, in the same run, one XGBoost fit
of the default ``DriverModel`` plus TreeSHAP on every respondent: the *unit*.
It prints wall seconds and CPU seconds, each also in units. With
``--n-jobs 1`` (the default here) all the work runs in this process, so its
CPU time is the whole cost of the analysis whatever else the machine runs;
on a quiet machine with ``n`` cores the wall time of the default
(``n_jobs=None``, the replicates spread over the cores) is close to the CPU
time divided by ``n``. Nothing is asserted.

Measured (10,000 x 100, seed 0). A full run did not complete in the session
that wrote this version: the shared 2-core machine ran at a load average of
17-24 and each analyze got a few CPU seconds a minute. What was measured, at a
quiet moment (load 0.8) on the same machine, are the parts:

=======================================================  ==========
one default fit, 2 threads (wall)                         0.85 s
TreeSHAP on all 10,000 respondents (wall)                 0.79 s
**unit** (fit + TreeSHAP)                                 1.64 s
one replicate refit, 1 thread, shared quantised matrix    0.37 s
  (the same refit on a fresh matrix of distinct rows)    (0.29 s)
TreeSHAP on the 2,000 evaluation respondents, 1 thread    0.28 s
prediction, 1 thread                                      256,000 rows/s
=======================================================  ==========

From these, the 100 replicates cost about 65 CPU seconds (refit + SHAP) and
the batched scenarios about 21 (100 facets x ~540 changed out-of-bag rows x
100 replicates), i.e. about 43 s wall on 2 cores, 26 units, before the
cross-validation, the main fit, the classical methods and stated importance:
the target of 25 units and 30 s is **not** met by this estimate (0.1: 68 s,
63 units, as measured for the issue).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import emomotiv as em


def unit(survey, catalog, roles) -> tuple[float, float]:
    """Wall and CPU seconds of one default DriverModel fit + TreeSHAP."""
    X = survey[catalog["facet"]]
    start, cpu = time.perf_counter(), time.process_time()
    model = em.DriverModel(cv=0, random_state=0).fit(
        X, survey[roles["connection"]], sample_weight=survey[roles["weight"]]
    )
    em.shap_importance(model, X, sample_weight=survey[roles["weight"]])
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--facets", type=int, default=100)
    parser.add_argument("--n-boot", type=int, default=100)
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=1,
        help="1 keeps all the work in this process, so its CPU time is the "
        "whole cost, whatever the load (default 1)",
    )
    args = parser.parse_args()
    s = em.make_survey(n_respondents=args.n, n_facets=args.facets, random_state=0)
    print(f"cores: {os.cpu_count()}  load: {os.getloadavg()[0]:.1f}  ")
    print(f"survey: {args.n} x {args.facets}  emomotiv from {em.__file__}")
    one = unit(s.survey, s.catalog, s.roles)
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        em.analyze(
            s.survey,
            s.catalog,
            population=100_000,
            budget=500_000,
            n_boot=args.n_boot,
            n_jobs=args.n_jobs,
            progress=False,
            random_state=0,
            **s.roles,
        )
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    after = unit(s.survey, s.catalog, s.roles)
    one = (min(one[0], after[0]), min(one[1], after[1]))
    print(
        f"unit (one fit + TreeSHAP, best of 2): {one[0]:.2f} s wall, {one[1]:.2f} s CPU"
    )
    print(
        f"analyze with defaults (n_jobs={args.n_jobs}): {wall:.1f} s wall "
        f"= {wall / one[0]:.1f} units; {cpu:.1f} s CPU = {cpu / one[1]:.1f} CPU units"
    )


if __name__ == "__main__":
    main()
