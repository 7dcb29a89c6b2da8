"""Segment drivers: one model per segment against one pooled model.

The generator (``make_survey(segment_effects=...)``) gives each of three
customer types drivers of its own: per seed, two facets without an effect
become strong drivers (0.30 per rating point, linear) in one segment each,
and the strongest true driver is switched off in a third. Everything else
(halo-correlated ratings, missingness, thresholds, penalties, the
interaction) is the standard generator.

Four designs rank the facets within each segment, each with ``n_boot``
bootstrap refits:

- ``per_segment``: :func:`emomotiv.segment_drivers`, one driver model per
  segment on the facets (independent bootstraps; Cochran's Q on each
  segment's simulated one-point gains, bagged out of bag, with the
  variances of their replicates);
- ``per_segment_halo``: the same with the halo score as a control in every
  segment's model, what ``analyze`` runs (``--halo-effect`` draws surveys
  in which warmth moves connection, ``--scale-usage`` adds scale use);
  ``per_segment_halo_debiased`` tests the debiased gains
  (``gains="debiased"``) instead of the models' own (``--designs
  per_segment_halo,per_segment_halo_debiased --n-boot 30``, seeds 0-4,
  with and without ``--null 0.7``, a 2-core machine running other work:
  recall 0.27 against 0.73, no false flag either way; in
  docs/how-to/segments.md);
- ``pooled``: one driver model on all respondents with segment indicators as
  extra columns; a segment's importance is the mean |SHAP| of each facet over
  that segment's respondents, as shares. The same bootstrap replicates give
  every segment (paired): the test of difference is a Wald test of the
  K - 1 contrasts with their bootstrap covariance;
- ``pooled_gains``: the same pooled model, one bootstrap that evaluates
  every respondent, and the test on what ``per_segment`` tests: each
  segment's one-point gains, out of bag, from the same replicates (paired),
  with a Wald test of the K - 1 contrasts and their bootstrap covariance.
  The pooled model would spare a bootstrap per segment.

Printed per design (means over seeds):

- precision@5: share of each segment's estimated top five that are true
  drivers in that segment, averaged over segments (target >= 0.9);
- top5 overlap: share of the segment's true top five (by exact uplift)
  found in its estimated top five;
- recall: share of the truly differing facets (effect not the same in every
  segment) flagged at Holm 0.05 (target >= 0.8);
- false flags: facets flagged whose effect is the same in every segment,
  per run (target <= 1);
- runs_flagged: share of runs with at least one false flag;
- raw_p05: share of the facets whose effect is the same everywhere with a
  raw (unadjusted) p below 0.05: about 0.05 for a calibrated test.

Run: ``nice -n 10 python benchmarks/bench_segments.py [--seeds 5] [--n 6000]
[--facets 30] [--n-boot 30] [--null 0.7]``. With ``--null SHARES`` the
segments are drawn at random in those proportions on a survey whose drivers
are the same for everyone, so every flag is false: the calibration of the
test. ``per_segment`` also prints ``per_segment (shares, own sizes)``:
Cochran's Q on each segment's full-data importance shares, from the same
fits.

Measured on a quiet 2-core machine, 6,000 respondents, 30 facets, 3
segments (2,936, 1,852 and 1,212 respondents), 3 truly differing facets per
seed, seeds 0-4 (``--designs per_segment``):

===============================================  ======  ====  ======  ===========
per_segment: test of difference on ...           n_boot  p@5   recall  false flags
===============================================  ======  ====  ======  ===========
bagged shares                                    30      0.93  0.67    0.0 / run
full-data shares                                 30      0.93  0.80    0.8 / run
full-data shares, survey weights as given        100     0.92  0.80    0.6 / run
full-data shares, own sizes                      100     0.93  0.80    0.6 / run
full-data shares at one size (an earlier         100     0.93  0.67    0.0 / run
release)
**one-point gains** (library)                    100     0.93  0.80    0.0 / run
===============================================  ======  ====  ======  ===========

Calibration, ``--null 0.7`` (random 70/30 segments, no facet differs,
``n_boot`` 100): the shares compared at their own sizes flagged a facet
after Holm in 2 runs of 10 (seeds 0-9; a family-wise error of 0.2 at a
nominal 0.05), 24% of raw p below 0.05: a share depends on the respondents
its model saw, and the larger segment's model concentrates more importance
on the drivers, which the test read as a difference. Refitting every
segment on subsets of the smallest one's size (an earlier release) removed
that (0 of 6 runs) but found only two thirds of the differing facets
(per seed 0.67, 0.33, 1, 0.67, 0.67). The one-point gains (library): 0 of 6
runs flagged (seeds 0-5), raw p below 0.05 for 13 of 180 facet tests
(0.07, nominal 0.05), and on the segment grid recall 0.80 (per seed 1,
0.33, 1, 0.67, 1) with no false flag. A gain is in the outcome's units, not
relative to the segment's other facets, and it needs no fit beyond each
segment's bootstrap. Estimating each larger segment's variance at the
smallest size from m-out-of-n replicates (instead of scaling its bootstrap
variance) was tried for the shares and changed nothing: the two standard
errors agreed within 10% (seed 1), and the model's own randomness (12 model
seeds on one segment) was a fifth of the bootstrap spread.

The library reads Cochran's Q as Welch's test (F with the replicates'
degrees of freedom) where these tables read it on chi-square with K - 1
degrees of freedom. At 100 replicates the two barely differ: for three
segments of equal precision the Q a flag needs is 6.10 against 5.99 at a
raw 0.05, and 13.26 against 12.79 at Holm's first step over 30 facets
(0.05 / 30). At fewer replicates the price shows: at 30
(``per_segment_halo``, ``--halo-effect moderate --n-boot 30``, seeds 0-4)
the Welch reading found 8 of the 15 differing facets against 10 on
chi-square (recall 0.53 against 0.67; per seed 0.67, 0.33, 0.67, 0.33,
0.67), with the same precision@5 (0.87), top5 overlap (0.73) and others
(0.13), and no false flag either way; at 20 it found 4 of 9 against 5 of 9
(3,000 x 15, seeds 0-2, the same one false flag); at 3 it removed the
chi-square reading's false flags (0.75 per run on random 60/40 splits of
2,000 x 15, 12 seeds). The chi-square reading's extra finds come from
taking noisy variances as known: its raw p fell below 0.05 for 6.7% of
the facets that differ nowhere at 20 replicates, Welch's for 5.6%.

(The last three rows with each segment's weights rescaled to mean 1 in its models,
as the library does since a model's regularisation is in units of summed
weight: on the generator the three segments' weights average 0.77, 1.35
and 1.06.)

(per seed: precision@5 1.00, 0.93, 0.93, 0.93, 0.87.) Targets:
precision@5 >= 0.9, recall >= 0.8 and false flags <= 1 per run are met, on
the mean over five seeds (recall 0.33 on seed 1). The bagged share lifts
a facet with no effect to a small floor, which narrows the very
differences the test looks for: between bagged shares a third of the truly
differing facets were missed. Weighting each
replicate's evaluation respondents by the times it drew them changed none
of these numbers.

The halo score as a control in every segment's model (``--designs
per_segment,per_segment_halo --halo-effect moderate --n-boot 30``: surveys
in which warmth moves connection, seeds 0-4): precision@5 0.87, recall
0.60, 0.2 false flags per run, against 0.88, 0.73 and 0.4 without it (an
earlier release). Measured again with ``others`` (each segment's summed
one-point gain of the facets that move nothing over its drivers' true
total, averaged over the segments): precision@5 0.87 both, top5 overlap
0.73 against 0.76, recall 0.53 against 0.67, no false flag either way, and
others **0.12 against 0.76**: without the halo score the segment models
hand warmth to every well-rated facet, so ``analyze`` gives them the whole
survey's controls (``per_segment_halo``); ``per_segment`` is the facets
alone.

What ``analyze`` runs, at its default 100 replicates, on the generator's
default surveys (``--designs per_segment_halo --n-boot 100``, warmth not
in connection, 6,000 x 30, seeds 0-4; 13 minutes on a 2-core machine
shared with other jobs): precision@5 0.95 (per seed 1, 0.93, 0.93, 0.93,
0.93), top5 overlap 0.77, recall 0.80 (per seed 1, 0.33, 1, 0.67, 1), no
false flag, 3.7% of the raw p of the facets that differ nowhere below 0.05,
others -0.08. The targets (precision@5 >= 0.9, recall >= 0.8, at most one
false flag per run) are met there. Where warmth moves connection
(``--halo-effect moderate``, the same otherwise; 10 minutes): precision@5
0.88 (per seed 1, 0.87, 0.93, 0.80, 0.80), top5 overlap 0.75, recall 0.60
(per seed 1, 0.33, 0.67, 0.33, 0.67), no false flag, 1.5% of the raw p
below 0.05, others 0.13: precision and recall are *not* met there.

Since every segment is bootstrapped with the analysis's seed (before, a
seed by the label's place among the sorted labels, so that renaming a
segment redrew the others): ``per_segment_halo``, ``--halo-effect moderate
--n-boot 30``, seeds 0-4: precision@5 0.87, top5 overlap 0.73, recall 0.67
(per seed 0.67, 0.67, 0.67, 0.33, 1), no false flag, others 0.13;
``per_segment`` (library row above, ``--n-boot 100``): precision@5 0.95,
recall 0.93 (per seed 1, 1, 1, 0.67, 1), no false flag. The same design
with another draw of resamples: recall moves by one or two of the fifteen
differing facets between draws.

pooled (seed 0 only, ``n_boot`` 10, an earlier release, on 2 cores shared
with other jobs): precision@5 0.93, recall 0.33, 2 false flags: the
bootstrap of the pooled model, with SHAP on all respondents per replicate,
is several times slower.

pooled_gains (``--designs pooled_gains --n-boot 100``, seeds 0-4, about 70 s
per seed): precision@5 0.91, recall **0.00** on every seed, no false flag,
and no raw p below 0.05 among the facets that do not differ. The pooled
model pulls the segments toward their average: ``investing_videos``, truly
worth +0.034, +0.001 and +0.034 per point in the three segments, gets
+0.024, +0.018 and +0.026 (seed 0, 20 replicates). One model per segment finds 0.80 of
the differing facets at the same precision, so ``analyze`` keeps it, at
the cost of a bootstrap per segment.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from scipy.stats import chi2
from sklearn.base import clone

import emomotiv as em
from emomotiv._stats import adjust_p
from emomotiv.simulate import RaiseScore, _scales, _Simulator


def _holm(p: pd.Series) -> pd.Series:
    """Holm-adjusted p-values, as the library's test of difference."""
    return pd.Series(adjust_p(p.to_numpy(dtype=float), "holm"), index=p.index)


def effects_for(truth: pd.DataFrame, rng: np.random.Generator) -> dict:
    """Two new strong drivers (one segment each), one driver off in a third."""
    idle = truth.index[~truth["is_driver"] & ~truth["table_stakes"]]
    new = rng.choice(idle, size=2, replace=False)
    strongest = truth["true_uplift"].idxmax()
    return {
        "Self-directed": {new[0]: 0.30},
        "Advised": {new[1]: 0.30},
        "Retirement": {strongest: 0.0},
    }


def pooled(X, y, seg, w, n_boot, seed):
    """Per-segment shares from one model with segment indicators."""
    dummies = pd.get_dummies(pd.Series(seg), prefix="__segment", dtype=float)
    design = pd.concat([X.reset_index(drop=True), dummies], axis=1)
    names = sorted(set(seg))
    facets = list(X.columns)
    base = em.DriverModel(cv=0, random_state=seed)

    def shares(model, frame):
        values = em.shap_importance(model, frame).explanation.values[:, : len(facets)]
        out = {}
        for s in names:
            m = np.abs(values[seg == s]).mean(axis=0)
            out[s] = m / m.sum()
        return out

    point = shares(clone(base).fit(design, y, sample_weight=w), design)
    rng = np.random.default_rng(seed)
    reps = []
    for _ in range(n_boot):
        rows = rng.integers(0, len(y), len(y))
        model = clone(base).fit(design.iloc[rows], y[rows], sample_weight=w[rows])
        reps.append(shares(model, design))
    # Wald test of the K - 1 contrasts s_k - s_0, bootstrap covariance (paired)
    p = []
    for j in range(len(facets)):
        d = np.array([point[s][j] - point[names[0]][j] for s in names[1:]])
        draws = np.array([[r[s][j] - r[names[0]][j] for s in names[1:]] for r in reps])
        cov = np.cov(draws, rowvar=False) + 1e-12 * np.eye(len(d))
        p.append(chi2.sf(float(d @ np.linalg.solve(cov, d)), df=len(d)))
    p_adj = _holm(pd.Series(p, index=facets))
    est = {s: pd.Series(point[s], index=facets) for s in names}
    return est, p_adj


def pooled_gains(X, y, seg, w, catalog, n_boot, seed):
    """One model with segment indicators and one bootstrap (every respondent
    evaluated); each segment's one-point gains from the same replicates,
    out of bag (paired), and a Wald test of the K - 1 contrasts with their
    bootstrap covariance, Holm over facets."""
    names = sorted(set(seg))
    dummies = pd.get_dummies(pd.Series(seg), prefix="seg", dtype=float)
    design = pd.concat([X.reset_index(drop=True), dummies], axis=1)
    facets = list(X.columns)
    p = len(facets)
    controls = {c: "segment" for c in dummies.columns}
    model = em.DriverModel(cv=0, random_state=seed).fit(design, y, sample_weight=w)
    boot = em.bootstrap_importance(
        model,
        design,
        y,
        sample_weight=w,
        n_boot=n_boot,
        max_samples=None,
        controls=controls,
        random_state=seed,
        progress=False,
    )
    phi = em.shap_importance(model, design).explanation.values[:, :p]
    est = {}
    for s in names:
        m = np.abs(phi[seg == s]).mean(axis=0)
        est[s] = pd.Series(m / m.sum(), index=facets)
    scales = _scales(em.FacetCatalog.from_frame(catalog), facets)
    sim = _Simulator(model, design, w, scales, "pooled_gains", list(dummies.columns))
    sim.use_refits(boot)
    refits = sim.refits
    values = sim.values[refits.rows]
    weights = sim.weights[refits.rows]
    segr = seg[refits.rows]
    scen = [RaiseScore(f, 1) for f in facets]
    v32 = values.astype(np.float32)
    stack = sim._stack(values, scen)
    new = np.vstack([stack.rows(v32, s) for s in range(p)])
    source, factor, which = stack.source, stack.factor, stack.which
    gains = np.zeros((n_boot, len(names), p))
    for r in range(n_boot):
        b = refits.boosters[r]
        oob = weights * (refits.eval_counts[r] == 0)
        base = b.inplace_predict(v32)
        pick = oob[source] > 0
        after = b.inplace_predict(new[pick])
        src = source[pick]
        g = oob[src] * factor[pick] * (after - base[src])
        for k, s in enumerate(names):
            ins = segr[src] == s
            gains[r, k] = (
                np.bincount(which[pick][ins], weights=g[ins], minlength=p)
                / oob[segr == s].sum()
            )
    pvals = []
    for j in range(p):
        d = gains[:, 1:, j] - gains[:, :1, j]
        mean = d.mean(axis=0)
        cov = np.atleast_2d(np.cov(d, rowvar=False)) + 1e-14 * np.eye(d.shape[1])
        pvals.append(chi2.sf(float(mean @ np.linalg.solve(cov, mean)), df=d.shape[1]))
    raw = pd.Series(pvals, index=facets)
    return est, _holm(raw), raw


def share_test(results, facets) -> pd.Series:
    """Cochran's Q on the segments' full-data shares at their own sizes."""
    share = np.column_stack(
        [r.table["full_data_importance"].reindex(facets) for r in results.values()]
    )
    var = np.column_stack(
        [r.replicates[facets].var(axis=0, ddof=1) for r in results.values()]
    )
    w = 1 / np.maximum(var, 1e-12)
    pooled = (w * share).sum(axis=1) / w.sum(axis=1)
    q = (w * (share - pooled[:, None]) ** 2).sum(axis=1)
    return pd.Series(chi2.sf(q, df=share.shape[1] - 1), index=facets)


def per_segment(X, y, seg, w, n_boot, seed, halo=False, gains="model"):
    """Shares and Holm p per facet; also the test on shares at own sizes."""
    controls = None
    if halo:  # what analyze does: the halo score as a control in every model
        design = em.design_matrix(X, sample_weight=w)
        X, controls = design.matrix, design.groups
    result = em.segment_drivers(
        em.DriverModel(random_state=seed),
        X,
        y,
        seg,
        sample_weight=w,
        min_size=100,
        n_boot=n_boot,
        progress=False,
        random_state=seed,
        controls=controls,
        gains=gains,
    )
    table = result.table
    est = {
        s: part.set_index("facet")["importance"] for s, part in table.groupby("segment")
    }
    p_adj = table.groupby("facet")["p_differ_adj"].first()
    facets = list(p_adj.index)
    raw = table.groupby("facet")["p_differ"].first()
    gains = {
        s: part.set_index("facet")["delta_connected"]
        for s, part in table.groupby("segment")
    }
    return est, p_adj, _holm(share_test(result.results, facets)), raw, gains


def leak(gains, truth_by_segment) -> float:
    """The summed one-point gain of each segment's facets that move nothing,
    over its drivers' true total, averaged over the segments."""
    out = []
    for s, truth in truth_by_segment.items():
        g = gains[s].reindex(truth.index)
        drivers = truth["is_driver"]
        out.append(g[~drivers].sum() / truth.loc[drivers, "true_uplift"].sum())
    return float(np.mean(out))


def score(est, p_adj, truth_by_segment, raw=None) -> dict:
    prec, overlap = [], []
    for s, truth in truth_by_segment.items():
        top = est[s].sort_values(ascending=False).head(5).index
        prec.append(truth.loc[top, "is_driver"].mean())
        true_top = truth["true_uplift"].abs().sort_values(ascending=False).head(5)
        overlap.append(len(set(top) & set(true_top.index)) / 5)
    differs = next(iter(truth_by_segment.values()))["differs"]
    flagged = p_adj.reindex(differs.index) < 0.05
    return {
        "precision@5": float(np.mean(prec)),
        "top5_overlap": float(np.mean(overlap)),
        "recall": float(flagged[differs].mean()),
        "false_flags": int(flagged[~differs].sum()),
        "raw_p05": np.nan
        if raw is None
        else float((raw.reindex(differs.index)[~differs] < 0.05).mean()),
    }


def null_split(shares: str, n: int, seed: int) -> np.ndarray:
    """Random segments in the given proportions, independent of everything."""
    p = np.array([float(x) for x in shares.split(",")])
    if len(p) == 1:
        p = np.array([p[0], 1 - p[0]])
    names = np.array([f"S{k + 1}" for k in range(len(p))])
    return names[np.random.default_rng([seed, 99]).choice(len(p), n, p=p / p.sum())]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--n", type=int, default=6000)
    parser.add_argument("--facets", type=int, default=30)
    parser.add_argument("--n-boot", type=int, default=20)
    parser.add_argument("--designs", default="per_segment,pooled")
    parser.add_argument("--halo-effect", default="none")
    parser.add_argument("--scale-usage", action="store_true")
    parser.add_argument(
        "--null",
        metavar="SHARES",
        help="random segments in these proportions (e.g. 0.7 or 0.5,0.3,0.2) "
        "on a survey whose drivers are the same in every segment",
    )
    args = parser.parse_args()
    confounding = {"halo_effect": args.halo_effect, "scale_usage": args.scale_usage}
    rows = []
    for seed in range(args.seeds):
        plain = em.make_survey(args.n, args.facets, random_state=seed, **confounding)
        if args.null:
            s = plain
            seg = null_split(args.null, args.n, seed)
            truth = {k: s.truth.assign(differs=False) for k in sorted(set(seg))}
        else:
            effects = effects_for(plain.truth, np.random.default_rng(seed))
            s = em.make_survey(
                args.n,
                args.facets,
                random_state=seed,
                segment_effects=effects,
                **confounding,
            )
            seg = s.survey["customer_type"].to_numpy()
            truth = s.truth_by_segment
        X = s.survey[list(s.catalog["facet"])]
        y = s.survey["connected"].to_numpy()
        w = s.survey["weight"].to_numpy()
        for design in args.designs.split(","):
            if design == "pooled":
                results = {design: pooled(X, y, seg, w, args.n_boot, seed)}
            elif design == "pooled_gains":
                est, p_adj, raw = pooled_gains(
                    X, y, seg, w, s.catalog, args.n_boot, seed
                )
                results = {design: (est, p_adj, raw)}
            else:
                halo = design.startswith("per_segment_halo")
                debiased = design.endswith("_debiased")
                est, p_adj, own, raw, gains = per_segment(
                    X,
                    y,
                    seg,
                    w,
                    args.n_boot,
                    seed,
                    halo,
                    "debiased" if debiased else "model",
                )
                results = {
                    design: (est, p_adj, raw),
                    f"{design} (shares, own sizes)": (est, own, None),
                }
            for name, (est, p_adj, *raw) in results.items():
                raw = raw[0] if raw else None
                row = {"design": name, "seed": seed} | score(est, p_adj, truth, raw)
                if name.startswith("per_segment") and "shares" not in name:
                    row["others"] = leak(gains, truth)
                rows.append(row)
                print(row, flush=True)
    frame = pd.DataFrame(rows)
    frame["runs_flagged"] = frame["false_flags"] > 0
    print(
        frame.groupby("design")[
            [
                "precision@5",
                "top5_overlap",
                "recall",
                "false_flags",
                "runs_flagged",
                "raw_p05",
                *(["others"] if "others" in frame else []),
            ]
        ]
        .mean()
        .round(3)
        .to_string()
    )


if __name__ == "__main__":
    main()
