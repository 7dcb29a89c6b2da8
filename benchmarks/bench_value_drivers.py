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
customer, the value model on the facets alone as in ``analyze`` (``--halo
none``; ``--halo mean`` adds the halo score as a control). ``--halo-effect``
draws surveys in which warmth moves connection. Printed, per objective and
halo design (means over seeds):

- spearman: rank correlation between the simulated and the true change in
  mean value over all facets (target >= 0.9);
- ceiling: the most that rank correlation can be for an estimate with any
  noise at all. The facets that move nothing have a true change of exactly
  0 (tied), so they share one rank in the truth while any estimate orders
  them somehow: with every facet that moves value in its true order and the
  rest in random order, the correlation is this ceiling (about 0.8 with 30
  facets and nine that move value);
- spearman_drivers: the rank correlation over the facets that move value;
- within_0.15: share of the true drivers (a connection or direct value
  effect) whose estimated share through connection is within 0.15 of the
  true share (target: all);
- share_mae: mean absolute error of that share over the true drivers.

Run: ``nice -n 10 python benchmarks/bench_value_drivers.py [--seeds 5]
[--n 6000] [--facets 30] [--n-boot 10]``.

Measured on a quiet 2-core machine (5 seeds, 6,000 respondents, 30
facets, ``n_boot`` 10), with the value model on the one bootstrap (bagged,
out-of-bag changes, every facet's raise in one batch per replicate):

=========  ========  =======  ================  ===========  =========
objective  spearman  ceiling  spearman_drivers  within_0.15  share_mae
=========  ========  =======  ================  ===========  =========
tweedie    0.75      0.81     0.78              0.53         0.31
gamma      0.75      0.81     0.81              0.56         0.30
squared    0.75      0.81     0.78              0.51         14.4
=========  ========  =======  ================  ===========  =========

(An earlier release, 3 seeds: Tweedie 0.72 / - / - / 0.52 / 0.36; the
median of in-sample replicate changes before it, 0.71 / 0.37 / 0.57.)

Targets *not met*: Spearman 0.75 (target 0.9) and about half of the true
drivers' through-connection shares within 0.15 (target all). The Spearman
target is above the ceiling: 21 of the 30 facets move value not at all, and
a Spearman over all facets cannot pass about 0.81 for any estimate with
noise; over the nine facets that do move value it is 0.78. The share misses
are the facets with small totals (``order_execution``, a true change of
3-11 against 34-180 for the others), where the ratio of two models'
estimates is unstable; the squared-error objective's share error blows up
on such a small total. A value model that holds connection fixed (the part
other than through connection simulated on it, the part through connection
from the connection model, the total their sum; 4 seeds, full-data fits)
put 0.69 of the shares within 0.15 (0.56 this design) with a rank
correlation over the drivers of 0.86, but its mean share error was 0.94,
from a few facets whose two parts nearly cancel; it is not the default.
Tweedie stays the default for the shape of the data (skewed, zeros
allowed); Gamma did as well here and needs values > 0.

The halo score as a control in the value model, as in the connection model
and in ``analyze`` (``--objectives tweedie --halo mean none``, 30
replicates, seeds 0-4; ``others`` is the summed change of the facets that
move value not at all over the true total of those that do, ``false_clear``
the share of them whose 90% interval excludes zero, ``found`` the share of
the movers clear of zero on their true side):

===================  =====  ========  ===========  ======  ===========  =====  ======
survey               halo   spearman  sp_drivers   within  false_clear  found  others
===================  =====  ========  ===========  ======  ===========  =====  ======
warmth moves         none   0.72      0.82         0.47    0.35         0.89   0.50
connection           mean   0.73      0.84         0.40    0.19         0.76   -0.08
(``--halo-effect
moderate``)
warmth does not      none   0.75      0.81         0.53    0.24         0.91   0.17
move connection      mean   0.75      0.82         0.42    0.18         0.80   -0.14
===================  =====  ========  ===========  ======  ===========  =====  ======

Without the halo score the value model credits warmth's part of value to the
touchpoints that move nothing (half of the true total where warmth moves
connection, a third of them clear of zero); with it, fewer real movers are
clear of zero and fewer shares within 0.15. ``false_beyond`` and
``found_beyond`` (the same with ``beyond_noise``, the Benjamini-Hochberg
correction over the facets; halo mean, the same runs): 0.04 and 0.58 where
warmth moves connection, 0.05 and 0.73 where it does not. ``analyze`` holds warmth fixed
(the docs' "The value of connection" page). The table above the halo rows
was measured with the value model on the facets alone (``--halo none``).
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

import emomotiv as em


def ceiling(true: pd.Series, seed: int, draws: int = 200) -> float:
    """The Spearman an estimate gets with every facet that moves value in its
    true order and the facets that move nothing (tied at 0) in random order:
    the most any estimate with sampling noise can reach."""
    rng = np.random.default_rng(seed)
    ties = rng.normal(0, 1e-9, (draws, len(true)))
    return float(np.mean([spearmanr(true + t, true)[0] for t in ties]))


def clear_effects(est: pd.DataFrame, true: pd.Series) -> dict:
    """How often an interval clear of zero is right: among the facets that
    move value not at all, the share whose interval of ``delta_mean_value``
    excludes zero (false_clear); among those that do, the share whose
    interval excludes zero on the true side (found); and the summed change
    of the facets that move nothing over the true total of those that do
    (others); false_beyond and found_beyond the same for ``beyond_noise``
    (the Benjamini-Hochberg correction over the facets)."""
    low, high = est["delta_mean_value_low"], est["delta_mean_value_high"]
    clear = (low > 0) | (high < 0)
    idle = true == 0
    right = ((low > 0) & (true > 0)) | ((high < 0) & (true < 0))
    beyond = est["beyond_noise"].astype("boolean").fillna(False).astype(bool)
    sign = np.sign(est["delta_mean_value"]) == np.sign(true)
    return {
        "false_clear": float(clear[idle].mean()),
        "found": float(right[~idle].mean()),
        "others": float(est["delta_mean_value"][idle].sum() / true[~idle].abs().sum()),
        "false_beyond": float(beyond[idle].mean()),
        "found_beyond": float((beyond & sign)[~idle].mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--n", type=int, default=6000)
    parser.add_argument("--facets", type=int, default=30)
    parser.add_argument("--n-boot", type=int, default=10)
    parser.add_argument("--objectives", default="tweedie,gamma,squared")
    parser.add_argument("--halo-effect", default="none")
    parser.add_argument(
        "--halo",
        nargs="+",
        default=["mean"],
        help="the value model's halo score: mean (as analyze) and/or none",
    )
    args = parser.parse_args()
    rows = []
    for seed in range(args.seeds):
        plain = em.make_survey(
            args.n, args.facets, random_state=seed, halo_effect=args.halo_effect
        )
        t = plain.truth
        rng = np.random.default_rng(seed)
        idle = rng.choice(
            t.index[~t["is_driver"] & ~t["table_stakes"]], 2, replace=False
        )
        mixed = t.index[t["is_driver"] & (t["kind"] == "linear")][0]
        effects = {idle[0]: 0.08, idle[1]: 0.05, mixed: 0.05}
        s = em.make_survey(
            args.n,
            args.facets,
            random_state=seed,
            value_effects=effects,
            halo_effect=args.halo_effect,
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
        cells = [(o, h) for o in args.objectives.split(",") for h in args.halo]
        for objective, halo in cells:
            design = em.design_matrix(X, halo=halo, sample_weight=s.survey["weight"])
            vd = em.value_drivers(
                design.matrix,
                s.survey["value"],
                model=em.ValueModel(objective=objective, random_state=seed),
                sample_weight=s.survey["weight"],
                delta_connected=roi,
                value_per_connected=vpc,
                n_boot=args.n_boot,
                random_state=seed,
                controls=design.groups or None,
            ).table.set_index("facet")
            est = vd.reindex(truth.index)
            # the ratio for every driver, also where the table leaves it
            # empty (a total within noise): the method's accuracy, not the rule's
            share = est["delta_mean_value_via_connection"] / est["delta_mean_value"]
            err = (
                share.loc[drivers] - truth.loc[drivers, "true_share_via_connection"]
            ).abs()
            true = truth["true_delta_value"]
            row = {
                "objective": objective,
                "halo": halo,
                "seed": seed,
                "spearman": spearmanr(est["delta_mean_value"], true)[0],
                "ceiling": ceiling(true, seed),
                "spearman_drivers": spearmanr(
                    est.loc[drivers, "delta_mean_value"], true[drivers]
                )[0],
                "within_0.15": float((err <= 0.15).mean()),
                "share_mae": float(err.mean()),
                **clear_effects(est, true),
                "vpc": vpc,
            }
            rows.append(row)
            print(row, flush=True)
            print(
                pd.DataFrame(
                    {
                        "true_delta": truth.loc[drivers, "true_delta_value"],
                        "est_delta": est.loc[drivers, "delta_mean_value"],
                        "true_share": truth.loc[drivers, "true_share_via_connection"],
                        "est_share": share.loc[drivers],
                    }
                ).round(3),
                flush=True,
            )
    frame = pd.DataFrame(rows)
    columns = ["spearman", "ceiling", "spearman_drivers", "within_0.15", "share_mae"]
    columns += ["false_clear", "found", "others", "false_beyond", "found_beyond"]
    print(frame.groupby(["objective", "halo"])[columns].mean().round(3).to_string())


if __name__ == "__main__":
    main()
