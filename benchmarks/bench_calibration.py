"""Are the intervals honest? Coverage, width against n, p_top reliability.

Run: ``nice -n 10 python benchmarks/bench_calibration.py [--seeds 20]
[--sizes 1000 4000 16000] [--facets 100] [--n-boot 100] [--halo mean]
[--gains model]``.

On surveys drawn by ``make_survey`` (the generator's default settings), for
each seed and size it runs the one bootstrap (:func:`bootstrap_importance`)
and evaluates +1 on every facet on the same replicates
(:func:`plan_improvements` with ``bootstrap=``), then prints:

- coverage of the 90% interval of ``delta_connected`` over the generator's
  exact ``true_uplift``, for true drivers and non-drivers apart;
- the share of estimates inside their own interval (facets' importance,
  stages, ``delta_connected``): 100% by construction;
- the median interval width for true drivers at each size, and the ratio of
  widths between consecutive sizes (1/sqrt(4) = 0.5 if width falls like
  1/sqrt(n));
- a reliability table for ``p_top``: among facets with ``p_top`` in a bin,
  the share truly in the top k (by ``true_uplift``);
- the ranking's stability (top-k overlap between replicates) at each size,
  with a 0/1 outcome (see ``--stability-sizes``).

The model sees what ``analyze`` gives it by default: the facets and the halo
score as a control (``design_matrix``); ``--halo none`` gives it the facets
alone, which shows how much of the gains' bias is the halo score's.
``--gains debiased`` adds the one-step correction to every gain
(:func:`plan_improvements`' ``gains``).

What was run and measured is recorded in ``docs/concepts/uncertainty.md``.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

import emomotiv as em
from emomotiv.bootstrap import top_k


def one_run(
    n: int, facets: int, seed: int, n_boot: int, halo: str = "mean", gains="model"
) -> tuple[pd.DataFrame, dict]:
    s = em.make_survey(n_respondents=n, n_facets=facets, random_state=seed)
    y, w = s.survey["connected"], s.survey["weight"].to_numpy()
    # the design analyze uses: facets plus the halo score as a control
    design = em.design_matrix(s.survey[s.catalog["facet"]], sample_weight=w, halo=halo)
    X = design.matrix
    model = em.DriverModel(cv=0, random_state=seed).fit(X, y, sample_weight=w)
    stage = s.catalog.set_index("facet")["stage"]  # grouped SHAP, as analyze
    boot = em.bootstrap_importance(
        model,
        X,
        y,
        sample_weight=w,
        n_boot=n_boot,
        progress=False,
        random_state=seed,
        controls=design.groups,
        stages=stage,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        roi = em.plan_improvements(
            model,
            X,
            y,
            catalog=s.catalog,
            sample_weight=w,
            bootstrap=boot,
            controls=design.columns,
            gains=gains,
        ).roi.set_index("facet")
    stages = em.stage_importance(boot, stage)
    t = boot.table.join(
        roi[["delta_connected", "delta_connected_low", "delta_connected_high"]]
    ).join(s.truth.drop(columns="reach"))
    k = top_k(facets)
    true_top = s.truth["true_uplift"].rank(ascending=False, method="first") <= k
    t["true_top"] = true_top.loc[t.index]
    t["n"], t["seed"] = n, seed
    inside = {
        "importance": bool(
            (
                (t["importance_low"] <= t["importance"])
                & (t["importance"] <= t["importance_high"])
            ).all()
        ),
        "stages": bool(
            (
                (stages["importance_low"] <= stages["importance"])
                & (stages["importance"] <= stages["importance_high"])
            ).all()
        ),
        "delta_connected": bool(
            (
                (t["delta_connected_low"] <= t["delta_connected"])
                & (t["delta_connected"] <= t["delta_connected_high"])
            ).all()
        ),
        "overlap": boot.info["stability"]["top_k_overlap"],
    }
    return t, inside


def stability(sizes, facets, seeds, n_boot) -> None:
    print("\nstability (top-k overlap between replicates), 0/1 outcome:")
    for n in sizes:
        values = []
        for seed in range(seeds):
            s = em.make_survey(n_respondents=n, n_facets=facets, random_state=seed)
            X = s.survey[s.catalog["facet"]]
            boot = em.bootstrap_importance(
                em.DriverModel(random_state=seed),
                X,
                s.survey["connected"],
                sample_weight=s.survey["weight"],
                n_boot=n_boot,
                progress=False,
                random_state=seed,
            )
            values.append(boot.info["stability"]["top_k_overlap"])
        print(
            f"  n={n:>6}: mean {np.mean(values):.2f}  min {np.min(values):.2f}  "
            f"max {np.max(values):.2f}  ({seeds} seeds)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000])
    parser.add_argument("--facets", type=int, default=100)
    parser.add_argument("--n-boot", type=int, default=100)
    parser.add_argument("--halo", default="mean", help="the halo design (analyze's)")
    parser.add_argument(
        "--gains", default="model", help="the gains: the model's, or debiased"
    )
    parser.add_argument(
        "--stability-sizes", type=int, nargs="*", default=[300, 600, 1500, 3000, 6000]
    )
    args = parser.parse_args()
    start = time.perf_counter()
    rows, checks = [], []
    for n in args.sizes:
        for seed in range(args.seeds):
            t, inside = one_run(
                n, args.facets, seed, args.n_boot, args.halo, args.gains
            )
            rows.append(t)
            checks.append(inside | {"n": n})
    data = pd.concat(rows)
    print(
        f"{args.seeds} seeds x sizes {args.sizes}, {args.facets} facets, "
        f"n_boot={args.n_boot}, halo={args.halo}, gains={args.gains}, 90% intervals"
    )
    covered = (data["delta_connected_low"] <= data["true_uplift"]) & (
        data["true_uplift"] <= data["delta_connected_high"]
    )
    data["covered"] = covered
    data["width"] = data["delta_connected_high"] - data["delta_connected_low"]
    groups = data.groupby(["n", "is_driver"])
    table = groups.agg(coverage=("covered", "mean"), median_width=("width", "median"))
    # the summed gains over the summed true gain of the drivers (per survey)
    truth = data[data["is_driver"]].groupby("n")["true_uplift"].sum()
    table["gain_sum_over_truth"] = groups["delta_connected"].sum() / truth
    print("\ncoverage of delta_connected over true_uplift, and interval width:")
    print(table.round(3).to_string())
    widths = data[data["is_driver"]].groupby("n")["width"].median()
    ratios = widths / widths.shift(1)
    print("\nwidth ratio to the previous size (drivers):", ratios.round(2).to_dict())
    inside = pd.DataFrame(checks)
    print("\nshare of runs with every estimate inside its interval:")
    print(inside.drop(columns=["n", "overlap"]).mean().round(3).to_string())
    bins = pd.cut(data["p_top"], [0, 0.1, 0.5, 0.9, 1.0], include_lowest=True)
    rel = data.groupby(bins, observed=True).agg(
        facets=("true_top", "size"), truly_top=("true_top", "mean")
    )
    print("\np_top reliability (share truly in the top k by true_uplift):")
    print(rel.round(3).to_string())
    if args.stability_sizes:
        stability(args.stability_sizes, args.facets, args.seeds, args.n_boot)
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
