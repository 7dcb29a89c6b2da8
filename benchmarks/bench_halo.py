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
  truth); ``spend_none``: share of the plan's spend on facets with no effect;
- ``--gains model debiased`` runs each design with the model's own gains
  and with the one-step correction (``analyze(gains=...)``; needs
  ``--n-boot``);
- with ``--n-boot``: ``clear``, the facets whose 90% interval of
  ``delta_connected`` excludes zero, and ``clear_none`` those of them with
  no effect; ``beyond`` and ``beyond_none`` the same for ``beyond_noise``
  (the Benjamini-Hochberg correction over the facets).

``--context`` adds the context check: ``make_survey(context_effect=1.0)``,
whose ``purpose`` column moves connection and lowers the ratings of three
facets (two with no effect), analysed without and with
``controls=["purpose"]``; it prints those facets' simulated gain, true
uplift and rank.

``--linear`` adds a logistic regression on the same inputs (ratings, a
flag per facet left unrated, the mean halo score), its +1 gains simulated
the same way and scored with the same measures, and the held-out log-loss
of both models: is the attenuation of the drivers' gains the trees'?

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
  re-run, in six runs of 6-18 analyses (``--halo`` and ``--scale`` one or
  two at a time, ``--designs none mean`` then ``factor profile``) on a
  later version: the ranking and gain columns moved by 0.01 at most, the
  plan's columns (``plan/best``, ``spend_none``) by up to 0.06; the docs
  page's first table holds the re-run;
- ``--sizes 6000 --halo moderate --scale on --designs none mean`` (seeds
  0-4, the acceptance cell): mean design p@10 0.70, r@15 0.56, pearson
  0.70, drivers/truth 0.52, others/truth -0.09, plan/best 0.79,
  spend_none 0.32 (none: 0.70, 0.57, 0.69, 0.58, 0.11, 0.79, 0.33;
  re-run on a later version, 12-30 s per analysis);
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
- ``--sizes 6000 --halo none moderate --scale on --designs mean --n-boot
  30 --seeds 0 1 2 --gains model debiased`` (23-85 s per analysis, a
  2-core machine running other work): the one-step correction, in the
  docs page's "Model settings tried";
- ``--sizes 2000 6000 --designs mean components`` (seeds 0-4, 5-25 s per
  analysis): the 12 principal-component scores against the mean score, in
  the docs page's table; on the acceptance cell p@10 0.76, r@15 0.65,
  pearson 0.79, drivers/truth 0.46, others/truth -0.03, plan/best 0.85,
  spend_none 0.27; with ``--n-boot 100`` (analyze's default bootstrap,
  140 s per analysis) 0.80, 0.65, 0.78, 0.44, 0.01, 0.90, 0.20;
- ``--settings default steps200 steps100`` on ``--sizes 6000 --halo
  moderate --scale on`` and ``--sizes 2000 6000 --halo none --scale off``
  (``--designs mean``, seeds 0-4, a quiet machine, 4-6 s per analysis):
  fewer, larger steps, in the docs page's "Model settings tried";
- ``--settings default long600 rate.1 depth2 lambda0`` on ``--sizes 6000
  --halo moderate --scale on`` and ``--sizes 2000 --halo none --scale off``
  (``--designs mean``, seeds 0-4): more learning lifts the drivers' gains
  (0.52 to 0.61 of the truth) but reads the no-effect facets below zero
  (-0.20) and fits worse; in the docs page's "Model settings tried";
- ``--sizes 3000 4000 --designs mean components`` (seeds 0-4): where the
  components start to help, in the same section;
- ``--sizes 6000 --designs mean --linear`` on ``--halo none --scale off``
  and ``--halo moderate --scale on`` (seeds 0-4, a quiet machine, 20 s per
  survey for the regression): the logistic regression p@10 1.00 and 0.62,
  r@15 0.84 and 0.59, pearson 0.91 and 0.65, drivers/truth 0.97 and 0.70,
  others/truth -0.01 and -0.57; held-out log-loss 0.370 and 0.409 against
  XGBoost's 0.348 and 0.402 (the docs page's table).
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np
import pandas as pd

import emomotiv as em
from emomotiv.simulate import _knapsack

BUDGET = 1_500_000
SCALE_MAX = 10
POPULATION = 100_000
SETTINGS = {
    "default": {},
    "monotone": "monotone",
    "colsample1": {"colsample_bytree": 1.0},
    "colsample.5": {"colsample_bytree": 0.5},
    "slow": {"learning_rate": 0.025, "n_estimators": 600},
    "steps150": {"learning_rate": 0.1, "n_estimators": 150},
    "steps100": {"learning_rate": 0.15, "n_estimators": 100},
    "steps200": {"learning_rate": 0.075, "n_estimators": 200},
    "long600": {"n_estimators": 600},
    "rate.1": {"learning_rate": 0.1},
    "depth2": {"max_depth": 2, "n_estimators": 600},
    "lambda0": {"reg_lambda": 0.0, "min_child_weight": 1.0},
}
METRICS = ["p@10", "r@15", "pearson", "drivers/truth", "others/truth"]
PLAN = ["plan/best", "spend_none"]
NOISE = ["clear", "clear_none", "beyond", "beyond_none"]


def _model(setting: str, facets) -> em.DriverModel:
    params = SETTINGS[setting]
    if params == "monotone":
        params = {"monotone_constraints": dict.fromkeys(facets, 1)}
    return em.DriverModel(cv=0, n_jobs=1, **params)


ORACLES = {
    "oracle_halo": ["halo"],
    "oracle": ["halo", "scale_shift", "scale_stretch"],
}


def _run(s, design: str, setting: str, controls=None, n_boot: int = 0, gains="model"):
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
        gains=gains,
        methods=False,
        progress=False,
        n_jobs=1,
        population=POPULATION,
        budget=BUDGET,
        random_state=0,
        **{k: v for k, v in s.roles.items() if k not in ("controls", "segment")},
    )


def gain_scores(order: pd.Series, gain: pd.Series, truth: pd.DataFrame) -> dict:
    """METRICS of a ranking (facets, best first) and simulated gains."""
    drivers = truth["is_driver"]
    gain = gain.reindex(truth.index)
    uplift = truth["true_uplift"]
    total = uplift[drivers].sum()
    return {
        "p@10": order.head(10).map(drivers).mean(),
        "r@15": order.head(15).map(drivers).sum() / min(15, drivers.sum()),
        "pearson": float(np.corrcoef(gain, uplift)[0, 1]),
        "drivers/truth": gain[drivers].sum() / total,
        "others/truth": gain[~drivers].sum() / total,
    }


def scores(result, truth: pd.DataFrame, cost: pd.Series) -> dict:
    drivers = truth["is_driver"]
    table = result.tables["roi"].set_index("facet")
    roi = table["delta_connected"]
    uplift = truth["true_uplift"]
    clear = (table["delta_connected_low"] > 0) | (table["delta_connected_high"] < 0)
    beyond = table["beyond_noise"].astype("boolean").fillna(False).astype(bool)
    none = ~drivers.reindex(table.index)
    plan = result.tables["plan"]
    chosen = list(plan.loc[plan["selected"], "facet"])
    best = _knapsack(uplift.to_numpy(), cost.loc[truth.index].to_numpy(), BUDGET)
    spent = cost.loc[chosen].sum()
    return gain_scores(result.drivers["facet"], roi, truth) | {
        "plan/best": uplift.loc[chosen].sum() / uplift[best].sum(),
        "spend_none": cost.loc[[f for f in chosen if not drivers[f]]].sum() / spent
        if spent
        else np.nan,
        "halo_strength": result.summary["halo"]["strength"],
        "clear": int(clear.sum()),
        "clear_none": int((clear & none).sum()),
        "beyond": int(beyond.sum()),
        "beyond_none": int((beyond & none).sum()),
    }


def _surveys(args):
    """Each cell of the grid (its keys) with the survey drawn for it."""
    cells = itertools.product(args.sizes, args.halo, args.scale, args.seeds)
    for n, halo, scale, seed in cells:
        s = em.make_survey(
            n,
            args.facets,
            random_state=seed,
            halo_effect=halo,
            scale_usage=scale == "on",
            stage_factor=args.stage_factor,
        )
        yield {"n": n, "halo": halo, "scale": scale, "seed": seed}, s


def grid(args) -> pd.DataFrame:
    rows = []
    for cell, s in _surveys(args):
        cost = s.catalog.set_index("facet")["cost"]
        runs = itertools.product(args.designs, args.settings, args.gains)
        for design, setting, gains in runs:
            start = time.perf_counter()
            result = _run(s, design, setting, n_boot=args.n_boot, gains=gains)
            row = cell | {"design": design, "setting": setting, "gains": gains}
            row |= scores(result, s.truth, cost)
            row["secs"] = time.perf_counter() - start
            rows.append(row)
        frame = pd.DataFrame([r for r in rows if r.items() >= cell.items()])
        print("\n" + " ".join(f"{k}={v}" for k, v in cell.items()))
        print(
            frame.set_index(["design", "setting", "gains"])[
                METRICS + PLAN + NOISE + ["halo_strength", "secs"]
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


def _linear_design(X: pd.DataFrame, halo: pd.DataFrame) -> pd.DataFrame:
    """Ratings (unrated at the facet's mean), unrated flags and the halo score."""
    flags = X.isna().astype(float).add_suffix("__unrated")
    flags = flags.loc[:, flags.std() > 0]
    return pd.concat([X.fillna(X.mean()), flags, halo], axis=1)


def _linear_scores(s, seed: int) -> dict:
    """:func:`linear_check` on one survey."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss

    X = s.survey[s.catalog["facet"]]
    y = s.survey[s.roles["connection"]].to_numpy()
    w = s.survey[s.roles["weight"]].to_numpy()
    score = em.halo_score(X, sample_weight=w)
    design = _linear_design(X, score)
    tree_X = pd.concat([X, score], axis=1)
    held = np.random.default_rng(seed).random(len(X)) < 0.25
    tree = em.DriverModel(cv=0, n_jobs=1, random_state=0)
    tree.fit(tree_X[~held], y[~held], sample_weight=w[~held])
    linear = LogisticRegression(max_iter=3000)
    linear.fit(design[~held], y[~held], sample_weight=w[~held])
    held_out = {
        "xgboost": tree.predict_proba(tree_X[held])[:, 1],
        "logistic": linear.predict_proba(design[held])[:, 1],
    }
    losses = {
        f"log-loss {k}": log_loss(y[held], p, sample_weight=w[held])
        for k, p in held_out.items()
    }
    linear.fit(design, y, sample_weight=w)
    base = linear.predict_proba(design)[:, 1]
    gain = {}
    for f in X.columns:
        raised, rated = design.copy(), X[f].notna()
        raised.loc[rated, f] = np.minimum(X.loc[rated, f] + 1, SCALE_MAX)
        gain[f] = np.average(linear.predict_proba(raised)[:, 1] - base, weights=w)
    gain = pd.Series(gain)
    order = pd.Series(gain.sort_values(ascending=False).index)
    return gain_scores(order, gain, s.truth) | losses


def linear_check(args) -> None:
    """A logistic regression on the same inputs as the model, scored alike.

    The design holds each facet's rating (unrated at its mean), a flag per
    facet some respondents left unrated and the mean halo score; the gain of
    +1 point (capped at the scale's top) is the change in the mean predicted
    probability, the halo score held fixed, as in ``analyze``. It prints the
    METRICS of the regression and the log-loss of both models on a quarter
    of the respondents held out (each fitted on the other three quarters).
    """
    rows = [cell | _linear_scores(s, cell["seed"]) for cell, s in _surveys(args)]
    mean = pd.DataFrame(rows).groupby(["n", "halo", "scale"], sort=False).mean()
    print(f"\nLogistic regression with the mean halo score, seeds {args.seeds}:")
    print(mean.drop(columns="seed").round(3).to_string())


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
        "--linear",
        action="store_true",
        help="also score a logistic regression on the same inputs",
    )
    parser.add_argument(
        "--n-boot",
        type=int,
        default=0,
        help="bootstrap replicates (default 0; analyze's own default is 100)",
    )
    parser.add_argument(
        "--gains",
        nargs="+",
        default=["model"],
        help="analyze's gains: model, debiased (needs --n-boot above 0)",
    )
    parser.add_argument("--csv", help="also write every row to this CSV file")
    args = parser.parse_args()
    frame = grid(args)
    if args.csv:
        frame.to_csv(args.csv, index=False)
    keys = ["n", "halo", "scale", "design", "setting", "gains"]
    print(f"\nMean over seeds {args.seeds}:")
    mean = frame.groupby(keys, sort=False)[METRICS + PLAN + ["halo_strength"]].mean()
    print(mean.round(3).to_string())
    if args.context:
        context_check(args)
    if args.linear:
        linear_check(args)


if __name__ == "__main__":
    main()
