"""Value drivers: recovery of each touchpoint's effect on value, and of the part
that flows through connection, with the value model's objective compared.

The generator (``make_survey(value_effects=...)``) makes value depend on
connection (connected customers are worth ``value_multiplier`` times the
highly satisfied) and, per seed, on three facets directly: two facets with no
effect on connection (+0.08 and +0.05 log value per rating point) and one
true connection driver (+0.05), so that one facet moves value both ways.
``value_truth`` holds the exact expected change in mean value for +1 point
and the part through connection.

Per seed: ``em.analyze`` (connection model, ROI simulation, value link) with
``n_boot`` replicates, then :func:`emomotiv.value_drivers` with each
objective on the analysis's ``delta_connected`` and value per connected
customer. Printed, per objective (means over seeds):

- spearman: rank correlation between the simulated and the true change in
  mean value over all facets (target >= 0.9);
- within_0.15: share of the true drivers (a connection or direct value
  effect) whose estimated share through connection is within 0.15 of the
  true share (target: all);
- share_mae: mean absolute error of that share over the true drivers.

Run: ``nice -n 10 python benchmarks/bench_value_drivers.py [--seeds 5]
[--n 6000] [--facets 30] [--n-boot 10]``.

Measured on a quiet 2-core machine (3 seeds, 6,000 respondents, 30 facets,
``n_boot`` 10), with the value model on the one bootstrap (bagged,
out-of-bag changes, every facet's raise in one batch per replicate):

=========  ========  ===========  =========
objective  spearman  within_0.15  share_mae
=========  ========  ===========  =========
tweedie    0.72      0.52         0.36
gamma      0.73      0.63         0.32
squared    0.72      0.41         23.9
=========  ========  ===========  =========

On the same grid the earlier estimator (the median of in-sample replicate
changes, each facet predicted in turn) gave Tweedie 0.71 / 0.37 / 0.57: the
bagged out-of-bag change is closer on all three and several times faster.
(An earlier reduced grid, 2 seeds x 3,000 x 15 facets, gave Spearman 0.85:
fewer facets, fewer ties among the no-effect ones.)

Targets *not met*: Spearman 0.72 (target 0.9) and about half of the true
drivers' through-connection shares within 0.15 (target all). The misses are
the facets with a direct effect and small totals, where the ratio of two
models' estimates is unstable; the squared-error objective's share error
blows up on such a small total. Tweedie stays the default for the shape of
the data (skewed, zeros allowed); Gamma did a little better here and needs
values > 0.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

import emomotiv as em


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--n", type=int, default=6000)
    parser.add_argument("--facets", type=int, default=30)
    parser.add_argument("--n-boot", type=int, default=10)
    parser.add_argument("--objectives", default="tweedie,gamma,squared")
    args = parser.parse_args()
    rows = []
    for seed in range(args.seeds):
        plain = em.make_survey(args.n, args.facets, random_state=seed)
        t = plain.truth
        rng = np.random.default_rng(seed)
        idle = rng.choice(
            t.index[~t["is_driver"] & ~t["table_stakes"]], 2, replace=False
        )
        mixed = t.index[t["is_driver"] & (t["kind"] == "linear")][0]
        effects = {idle[0]: 0.08, idle[1]: 0.05, mixed: 0.05}
        s = em.make_survey(
            args.n, args.facets, random_state=seed, value_effects=effects
        )
        roles = {k: v for k, v in s.roles.items() if k != "segment"}
        result = em.analyze(
            s.survey,
            s.catalog,
            **roles,
            n_boot=args.n_boot,
            methods=False,
            progress=False,
            random_state=seed,
        )
        roi = result.tables["roi"].set_index("facet")["delta_connected"]
        vpc = result.summary["plan"]["value_per_connected"]
        truth = s.value_truth
        drivers = t.index[t["is_driver"]].union(pd.Index(list(effects)))
        X = s.survey[list(s.catalog["facet"])]
        for objective in args.objectives.split(","):
            vd = em.value_drivers(
                X,
                s.survey["value"],
                model=em.ValueModel(objective=objective, random_state=seed),
                sample_weight=s.survey["weight"],
                delta_connected=roi,
                value_per_connected=vpc,
                n_boot=args.n_boot,
                random_state=seed,
            ).table.set_index("facet")
            est = vd.reindex(truth.index)
            err = (
                est.loc[drivers, "share_via_connection"]
                - truth.loc[drivers, "true_share_via_connection"]
            ).abs()
            row = {
                "objective": objective,
                "seed": seed,
                "spearman": spearmanr(est["delta_value"], truth["true_delta_value"])[0],
                "within_0.15": float((err <= 0.15).mean()),
                "share_mae": float(err.mean()),
                "vpc": vpc,
            }
            rows.append(row)
            print(row, flush=True)
            print(
                pd.DataFrame(
                    {
                        "true_delta": truth.loc[drivers, "true_delta_value"],
                        "est_delta": est.loc[drivers, "delta_value"],
                        "true_share": truth.loc[drivers, "true_share_via_connection"],
                        "est_share": est.loc[drivers, "share_via_connection"],
                    }
                ).round(3),
                flush=True,
            )
    frame = pd.DataFrame(rows)
    print(frame.groupby("objective")[["spearman", "within_0.15", "share_mae"]].mean())


if __name__ == "__main__":
    main()
