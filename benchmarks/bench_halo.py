"""Halo and scale use: which design keeps importance and gains on the drivers?

Run: ``python benchmarks/bench_halo.py`` (the full grid) or a reduced one,
e.g. ``python benchmarks/bench_halo.py --sizes 2000 --seeds 0 1 --halo
moderate --scale on``. For each cell of the grid -- ``halo_effect`` none /
moderate / strong x ``scale_usage`` off / on x respondents x seeds, on
``make_survey(n, 100 facets, stage_factor=0.3)`` -- it runs
:func:`emomotiv.analyze` once per halo design (``--designs``) and model
setting (``--settings``) and prints, per design:

- ``p@10``: share of the top ten facets of ``drivers.csv`` that are true
  drivers; ``r@15``: true drivers in the top fifteen, over min(15, drivers);
- ``pearson``: correlation of ``roi.csv`` ``delta_connected`` with
  ``true_uplift`` over all facets;
- ``drivers/truth``: sum of ``delta_connected`` over the true drivers over
  their true total; ``others/truth``: the same sum over the facets with no
  effect, over the drivers' true total (the leak);
- ``plan/best``: true gain (sum of ``true_uplift``) of the facets the plan
  funds over the best true gain the same budget buys (exact knapsack on the
  truth); ``spend_none``: share of the plan's spend on facets with no effect.

``--context`` adds the context check: ``make_survey(context_effect=1.0)``,
whose ``purpose`` column moves connection and lowers the ratings of three
facets (two with no effect), analysed without and with
``controls=["purpose"]``; it prints those facets' simulated gain, true
uplift and rank.

What is run is what ``analyze`` does by default except the bootstrap
(``--n-boot``, default 0: the full-data fit's estimates and cross-fitted
gains; with replicates, analyze reports their bagged mean and out-of-bag
gains), and what cannot change these numbers: the model's cross-validated
score (``cv=0``: the model fitted on all respondents is the same), the
classical methods and the segment drivers. Nothing is asserted.

Measured on a 2-core machine shared with four other jobs (load 8-22),
``nice -n 10``, 100 facets, budget 1.5M; the tables are in
docs/concepts/halo.md. What was run (the full grid was too heavy there):

- ``--sizes 2000 --seeds 0 1 2`` (halo none/moderate/strong x scale
  off/on x designs none/mean/factor/profile): 72 analyses, 8-30 s each;
- ``--sizes 6000 --halo moderate --scale on --designs none mean`` (seeds
  0-4, the acceptance cell): mean design p@10 0.70, r@15 0.56, pearson
  0.70, drivers/truth 0.52, others/truth -0.09, plan/best 0.78,
  spend_none 0.31 (none: 0.70, 0.57, 0.69, 0.58, 0.12, 0.79, 0.33);
  15-105 s per analysis;
- the same cell with analyze's default bootstrap, ``--designs mean
  --n-boot 100`` (a quiet machine, 125 s per analysis): p@10 0.74, r@15
  0.55, pearson 0.70, drivers/truth 0.51, others/truth -0.05, plan/best
  0.79, spend_none 0.32: the bagged, out-of-bag gains are no closer to the
  truth than the full-data fit's;
- ``--sizes 2000 --halo moderate --scale off on --designs mean --settings
  default monotone colsample1 slow --seeds 0 1 2``;
- ``--designs mean --settings default colsample.5 --seeds 0 1 2 3 4`` on
  ``--sizes 6000 --halo moderate --scale on`` and on ``--sizes 2000 --halo
  none --scale off`` (a quiet machine): no better, see the docs page;
- ``--sizes 2000 --halo none --scale off --stage-factor 0 --designs none
  mean --seeds 0 1 2 3 4 --context`` (the surveys of earlier releases, and
  the context check);
- ``--sizes 6000 --halo moderate --scale on --designs mean oracle_halo
  oracle`` (seeds 0-4, a quiet machine): the generator's true warmth as a
  control, p@10 0.86, r@15 0.72, pearson 0.89, drivers/truth 0.42,
  others/truth -0.32, plan/best 0.97, spend_none 0.06; true warmth and
  scale use, 0.96, 0.75, 0.92, 0.50, -0.07, 0.96, 0.06: the ceiling of a
  design that estimates them from the ratings;
- ``--sizes 2000 6000 --designs mean components`` (seeds 0-4, 5-25 s per
  analysis): the 12 principal-component scores against the mean score, in
  the docs page's table; on the acceptance cell p@10 0.76, r@15 0.65,
  pearson 0.79, drivers/truth 0.46, others/truth -0.03, plan/best 0.85,
  spend_none 0.27; with ``--n-boot 100`` (analyze's default bootstrap,
  140 s per analysis) 0.80, 0.65, 0.78, 0.44, 0.01, 0.90, 0.20.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import emomotiv as em
from emomotiv.simulate import _knapsack

BUDGET = 1_500_000
POPULATION = 100_000
SETTINGS = {
    "default": {},
    "monotone": "monotone",
    "colsample1": {"colsample_bytree": 1.0},
    "colsample.5": {"colsample_bytree": 0.5},
    "slow": {"learning_rate": 0.025, "n_estimators": 600},
}
METRICS = ["p@10", "r@15", "pearson", "drivers/truth", "others/truth"]
PLAN = ["plan/best", "spend_none"]


def _model(setting: str, facets) -> em.DriverModel:
    params = SETTINGS[setting]
    if params == "monotone":
        params = {"monotone_constraints": dict.fromkeys(facets, 1)}
    return em.DriverModel(cv=0, n_jobs=1, **params)


ORACLES = {
    "oracle_halo": ["halo"],
    "oracle": ["halo", "scale_shift", "scale_stretch"],
}


def _run(s, design: str, setting: str, controls=None, n_boot: int = 0):
    survey, halo = s.survey, design
    if design in ORACLES:  # the true latent columns as controls, no score
        known = s.respondents[ORACLES[design]].add_prefix("true_")
        survey = pd.concat([survey, known], axis=1)
        controls, halo = [*(controls or []), *known.columns], "none"
    return em.analyze(
        survey,
        s.catalog,
        model=_model(setting, s.catalog["facet"]),
        halo=halo,
        controls=controls,
        n_boot=n_boot,
        methods=False,
        progress=False,
        n_jobs=1,
        population=POPULATION,
        budget=BUDGET,
        random_state=0,
        **{k: v for k, v in s.roles.items() if k not in ("controls", "segment")},
    )


def scores(result, truth: pd.DataFrame, cost: pd.Series) -> dict:
    drivers = truth["is_driver"]
    order = result.drivers["facet"]
    roi = result.tables["roi"].set_index("facet")["delta_connected"]
    roi = roi.reindex(truth.index)
    uplift = truth["true_uplift"]
    total = uplift[drivers].sum()
    plan = result.tables["plan"]
    chosen = list(plan.loc[plan["selected"], "facet"])
    best = _knapsack(uplift.to_numpy(), cost.loc[truth.index].to_numpy(), BUDGET)
    spent = cost.loc[chosen].sum()
    return {
        "p@10": order.head(10).map(drivers).mean(),
        "r@15": order.head(15).map(drivers).sum() / min(15, drivers.sum()),
        "pearson": float(np.corrcoef(roi, uplift)[0, 1]),
        "drivers/truth": roi[drivers].sum() / total,
        "others/truth": roi[~drivers].sum() / total,
        "plan/best": uplift.loc[chosen].sum() / uplift[best].sum(),
        "spend_none": cost.loc[[f for f in chosen if not drivers[f]]].sum() / spent
        if spent
        else np.nan,
        "halo_strength": result.summary["halo"]["strength"],
    }


def grid(args) -> pd.DataFrame:
    rows = []
    for n in args.sizes:
        for halo in args.halo:
            for scale in args.scale:
                for seed in args.seeds:
                    s = em.make_survey(
                        n,
                        args.facets,
                        random_state=seed,
                        halo_effect=halo,
                        scale_usage=scale == "on",
                        stage_factor=args.stage_factor,
                    )
                    cost = s.catalog.set_index("facet")["cost"]
                    cell = {"n": n, "halo": halo, "scale": scale, "seed": seed}
                    for design in args.designs:
                        for setting in args.settings:
                            start = time.perf_counter()
                            result = _run(s, design, setting, n_boot=args.n_boot)
                            row = cell | {"design": design, "setting": setting}
                            row |= scores(result, s.truth, cost)
                            row["secs"] = time.perf_counter() - start
                            rows.append(row)
                    frame = pd.DataFrame([r for r in rows if r.items() >= cell.items()])
                    print(f"\nn={n} halo={halo} scale={scale} seed={seed}")
                    print(
                        frame.set_index(["design", "setting"])[
                            METRICS + PLAN + ["halo_strength", "secs"]
                        ]
                        .round(3)
                        .to_string(),
                        flush=True,
                    )
    return pd.DataFrame(rows)


def context_check(args) -> None:
    print("\nContext: purpose moves connection and three facets' ratings")
    for seed in args.seeds:
        s = em.make_survey(
            args.sizes[-1],
            args.facets,
            random_state=seed,
            halo_effect="moderate",
            scale_usage=True,
            stage_factor=args.stage_factor,
            context_effect=1.0,
        )
        hit = s.truth.index[s.truth["context_shift"] != 0]
        for controls in (None, ["purpose"]):
            result = _run(s, args.designs[-1], args.settings[0], controls)
            roi = result.tables["roi"].set_index("facet")["delta_connected"]
            rank = result.drivers.set_index("facet")["rank"]
            for f in hit:
                true = s.truth.loc[f, "true_uplift"]
                print(
                    f"seed {seed} controls={controls}: {f:<28} driver="
                    f"{bool(s.truth.loc[f, 'is_driver'])!s:<5} gain "
                    f"{roi[f]:+.4f} true {true:+.4f} |diff| {abs(roi[f] - true):.4f}"
                    f" rank {rank[f]}",
                    flush=True,
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 6000])
    parser.add_argument("--halo", nargs="+", default=["none", "moderate", "strong"])
    parser.add_argument("--scale", nargs="+", default=["off", "on"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument(
        "--designs",
        nargs="+",
        default=["none", "mean", "factor", "profile"],
        help="halo designs of analyze, or oracle_halo / oracle: the generator's "
        "true warmth (and scale use) given as controls, the ceiling a design "
        "that estimates them could reach",
    )
    parser.add_argument("--settings", nargs="+", default=["default"])
    parser.add_argument("--facets", type=int, default=100)
    parser.add_argument("--stage-factor", type=float, default=0.3)
    parser.add_argument("--context", action="store_true")
    parser.add_argument(
        "--n-boot",
        type=int,
        default=0,
        help="bootstrap replicates (default 0; analyze's own default is 100)",
    )
    parser.add_argument("--csv", help="also write every row to this CSV file")
    args = parser.parse_args()
    frame = grid(args)
    if args.csv:
        frame.to_csv(args.csv, index=False)
    keys = ["n", "halo", "scale", "design", "setting"]
    print(f"\nMean over seeds {args.seeds}:")
    mean = frame.groupby(keys, sort=False)[METRICS + PLAN + ["halo_strength"]].mean()
    print(mean.round(3).to_string())
    if args.context:
        context_check(args)


if __name__ == "__main__":
    main()
