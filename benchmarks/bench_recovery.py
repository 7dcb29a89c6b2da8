"""How well does each importance method recover the true drivers?

Run: ``python benchmarks/bench_recovery.py [--seeds 0 1 2 3 4]``. For each
synthetic survey ``make_survey(random_state=seed)`` (5,000 respondents x 100
facets, known drivers) it runs :func:`emomotiv.analyze` once -- SHAP on the
gradient-boosted model, plus the classical methods of its ``methods`` table --
and prints, per method side by side:

- precision@10: share of the top ten facets that are true drivers;
- recall@15: share of the true drivers found in the top fifteen;
- Spearman: rank correlation of importance with ``true_uplift`` among the
  true drivers (does the method order the real drivers correctly?).

The default survey is the generator's easiest: warmth correlates the
ratings but does not move connection, everyone uses the scale alike, and
whether a touchpoint was used is drawn apart from everything. Real data hold
all three; ``--halo-effect 1 --scale-usage 1 --stage-factor 0.3
--context-effect 1 --selective-use 1`` draws them (see :func:`make_survey`),
and the gap between the two runs is what real data cost the methods.

Nothing is asserted.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

import emomotiv as em

METHODS = [
    "shap",
    "relative_weights",
    "shapley_regression",
    "squared_correlation",
    "std_beta",
]


CONFOUNDING = (
    "halo_effect",
    "scale_usage",
    "stage_factor",
    "context_effect",
    "selective_use",
)


def scores(table: pd.DataFrame, truth: pd.DataFrame, method: str) -> dict:
    drivers = set(truth.index[truth["is_driver"]])
    order = table.sort_values(f"rank_{method}")["facet"]
    share = table.set_index("facet")[method]
    true = truth.loc[sorted(drivers), "true_uplift"]
    rho = pd.Series(share.loc[true.index].to_numpy()).corr(
        pd.Series(true.to_numpy()), method="spearman"
    )
    return {
        "precision@10": order.head(10).isin(drivers).mean(),
        "recall@15": order.head(15).isin(drivers).sum() / len(drivers),
        "spearman": rho,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    for name in CONFOUNDING:
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, type=float, default=0.0, help=f"make_survey({name})")
    args = parser.parse_args()
    confounding = {name: getattr(args, name) for name in CONFOUNDING}
    print("make_survey options:", confounding)
    rows = []
    for seed in args.seeds:
        s = em.make_survey(random_state=seed, **confounding)
        start = time.perf_counter()
        result = em.analyze(
            s.survey, s.catalog, n_boot=0, progress=False, random_state=0, **s.roles
        )
        secs = time.perf_counter() - start
        table = result.tables["methods"]
        n_drivers = int(s.truth["is_driver"].sum())
        for m in METHODS:
            rows.append({"seed": seed, "method": m} | scores(table, s.truth, m))
        print(
            f"seed {seed}: {n_drivers} true drivers, analyze {secs:.1f} s", flush=True
        )
        frame = pd.DataFrame([r for r in rows if r["seed"] == seed])
        print(frame.set_index("method").drop(columns="seed").round(3).to_string())
    frame = pd.DataFrame(rows)
    print()
    print(f"Mean over seeds {args.seeds}:")
    mean = frame.groupby("method", sort=False)[
        ["precision@10", "recall@15", "spearman"]
    ]
    print(mean.mean().round(3).to_string())
    if len(args.seeds) > 1:
        print()
        print("Std over seeds:")
        print(mean.std().round(3).to_string())
    best = frame.groupby("method")["precision@10"].mean().idxmax()
    print(f"\nhighest mean precision@10: {best}; SHAP shown without bootstrap.")


if __name__ == "__main__":
    main()
