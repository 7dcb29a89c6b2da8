"""Time the bootstrap against the peers' way, and check the evaluation subsample.

Run: ``python benchmarks/bench_bootstrap.py`` (``--quick`` skips the
100,000-respondent part). Prints, side by side:

1. ``analyze`` on the bundled 5,000 x 100 sample with ``n_boot=100``: emomotiv
   (refit per resample, TreeSHAP on a fixed 2,000-respondent subsample) and
   the peers' way (refit, then TreeSHAP on every row of every resample);
2. the same at 100,000 respondents (``make_survey(100_000)``) with a usable
   setting, and per-replicate costs extrapolated to ``n_boot=100``;
3. how well mean |SHAP| on 2,000 sampled respondents ranks the top 20 facets
   compared with all respondents.

Wall times depend on what else runs on the machine, so the load average is
printed next to them, and CPU seconds per replicate (measured on one thread,
which is what each bootstrap worker uses) give the quiet-machine estimate:
``n_boot x cpu_per_replicate / cores``. Nothing is asserted.

Measured 2026-12-03 on a quiet 2-core machine (``--quick``):

- 5,000 x 100, n_boot=100: analyze 128.7 s wall (249 CPU s). Bootstrap
  alone: emomotiv 20.4 s (39 CPU s), peers' way 34.0 s (65 CPU s); per
  replicate 0.41 vs 0.72 CPU s (one fit 0.39 s on every respondent; a
  replicate is fitted on the rows it drew and explains those of the 2,000
  it drew, so TreeSHAP is 47% of the peers' cost). p_top and the interval
  widths of the top ten agree with the peers' (mean width 0.0205 against
  0.0203).
- Mean |SHAP| of the full-data fit on 2,000 sampled respondents vs all
  5,000 (20 draws): top-20 overlap 99.8% (worst 19 of 20), Spearman within
  the top 20 0.998, the same top-ten order in 70% of draws.

Measured 2026-11-23 on the shared 2-core machine (load 15-25), the
100,000-respondent part: analyze with n_boot=10 311.6 CPU s (~156 s quiet;
mostly the 5-fold CV and TreeSHAP on all rows for the point estimate); per
replicate 3.35 vs 23.36 CPU s (TreeSHAP 80% of the peers' cost), so the
bootstrap part at n_boot=100 is ~168 s vs ~1,168 s on 2 cores; top-20
overlap 100%, Spearman 0.998.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

import emomotiv as em


def _descendants_cpu() -> float:
    """CPU seconds of this process, its live descendants and reaped children."""
    import resource

    tick = os.sysconf("SC_CLK_TCK")
    parents, total = {os.getpid()}, 0.0
    stats = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats.append(
                (int(entry), int(fields[1]), int(fields[11]) + int(fields[12]))
            )
    grew = True
    while grew:
        grew = False
        for pid, ppid, _ in stats:
            if ppid in parents and pid not in parents:
                parents.add(pid)
                grew = True
    total = sum(t for pid, _, t in stats if pid in parents) / tick
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return total + child.ru_utime + child.ru_stime


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


def _timed(label: str, fn):
    """Wall and CPU seconds; CPU / cores is the quiet-machine wall estimate."""
    start, cpu, load = time.perf_counter(), _descendants_cpu(), _load()
    out = fn()
    wall = time.perf_counter() - start
    cpu = _descendants_cpu() - cpu
    cores = os.cpu_count()
    print(
        f"  {label:<50} {wall:7.1f} s wall, {cpu:7.1f} CPU s "
        f"(~{cpu / cores:.0f} s on a quiet {cores}-core machine; {load})",
        flush=True,
    )
    return out, cpu / cores


def _cpu_per_replicate(model, X, y, w, max_samples, repeats=3, seed=0):
    """CPU seconds of one replicate (resample, refit, TreeSHAP) on one thread,
    run by the library's own refit loop."""
    from emomotiv._validation import unit_weights
    from emomotiv.bootstrap import _fit_chunk, _train_params

    values = X.to_numpy(dtype=np.float32)
    target = (np.asarray(y) == model.classes_[1]).astype(int)
    rows = np.arange(len(X))
    if max_samples is not None and max_samples < len(X):
        rows = np.sort(np.random.default_rng(seed).choice(rows, max_samples, False))
    params, rounds = _train_params(model, model.task_)
    seeds = np.random.SeedSequence(seed).spawn(repeats)
    combine = np.eye(values.shape[1])
    start = time.process_time()
    _fit_chunk(params, rounds, values, target, unit_weights(w), rows, combine, seeds)
    return (time.process_time() - start) / repeats


def _top_agreement(full, X, w, *, n_sub=2000, top=20, draws=20, seed=0):
    """Top-``top`` overlap and rank correlation: subsample vs every respondent,
    both the mean |SHAP| of the full-data fit (``full.explanation``; the
    reported importance is the bagged one, which is another quantity)."""
    from scipy.stats import spearmanr

    names = list(full.explanation.feature_names)
    phi = np.abs(full.explanation.values[:, [names.index(f) for f in X.columns]])
    every = pd.Series(np.average(phi, axis=0, weights=w), X.columns)
    every = every.sort_values(ascending=False)
    ranking = every.index[:top]
    rng = np.random.default_rng(seed)
    overlap, rho, same = [], [], 0
    for _ in range(draws):
        rows = rng.choice(len(X), min(n_sub, len(X)), replace=False)
        sub = pd.Series(np.average(phi[rows], axis=0, weights=w[rows]), X.columns)
        sub_top = sub.sort_values(ascending=False).index[:top]
        overlap.append(len(set(sub_top) & set(ranking)) / top)
        rho.append(spearmanr(every[ranking], sub[ranking])[0])
        same += list(sub_top[:10]) == list(ranking[:10])
    return np.mean(overlap), np.min(overlap), np.mean(rho), same / draws


def bench(survey, catalog, roles, *, n_boot, label, peers=True, repeats=3):
    X = survey[catalog["facet"]]
    y, w = survey[roles["connection"]], survey[roles["weight"]].to_numpy()
    n = len(X)
    print(f"\n== {label}: {n} respondents x {X.shape[1]} facets, n_boot={n_boot}")
    common = dict(random_state=0, progress=False, **roles)
    ours, quiet_ours = _timed(
        "analyze (emomotiv: TreeSHAP on 2,000 per resample)",
        lambda: em.analyze(survey, catalog, n_boot=n_boot, **common),
    )
    # the driver model on the facets alone (analyze's also sees the halo
    # score): the bootstraps below compare ways of explaining, not controls
    model = em.DriverModel(**ours.model.get_params()).set_params(cv=0, n_jobs=1)
    start = time.process_time()
    model.fit(X, y, sample_weight=w)
    cpu_fit = time.process_time() - start
    cpu_ours = _cpu_per_replicate(model, X, y, w, 2000, repeats)
    cpu_peer = _cpu_per_replicate(model, X, y, w, None, repeats)
    if peers:

        def boot(max_samples):
            return em.bootstrap_importance(
                model,
                X,
                y,
                sample_weight=w,
                n_boot=n_boot,
                max_samples=max_samples,
                progress=False,
                random_state=0,
            )

        peer, quiet_peer = _timed(
            "bootstrap, peers' way (TreeSHAP on every row)", lambda: boot(None)
        )
        boot_ours, quiet_boot = _timed(
            "bootstrap, emomotiv (2,000 per resample)", lambda: boot(2000)
        )
        a = boot_ours.table.sort_values("importance", ascending=False).head(10)
        b = peer.table.loc[a.index]
        print(
            "  top-10 p_top, emomotiv vs peers:   "
            + " ".join(f"{x:.2f}" for x in a["p_top"])
            + "\n                                       "
            + " ".join(f"{x:.2f}" for x in b["p_top"])
        )
        print(
            "  interval width (top 10), mean: emomotiv "
            f"{(a['importance_high'] - a['importance_low']).mean():.4f}, peers "
            f"{(b['importance_high'] - b['importance_low']).mean():.4f}"
        )
    cores = os.cpu_count()
    print(
        f"  CPU s per replicate (1 thread): fit {cpu_fit:.2f}; emomotiv "
        f"{cpu_ours:.2f}; peers {cpu_peer:.2f} (TreeSHAP = "
        f"{1 - cpu_fit / cpu_peer:.0%} of the peers' cost)"
    )
    for k in sorted({n_boot, 100}):
        print(
            f"  quiet-machine estimate, bootstrap part, n_boot={k} on {cores} "
            f"cores: emomotiv {k * cpu_ours / cores:.0f} s, peers "
            f"{k * cpu_peer / cores:.0f} s"
        )
    overlap, worst, rho, same = _top_agreement(ours.importance, X, w)
    print(
        f"  2,000 sampled vs all {n} respondents, mean |SHAP| top 20 "
        f"(20 draws): overlap {overlap:.1%} (worst {worst:.0%}), Spearman "
        f"within the top 20 {rho:.3f}, identical top-10 order in {same:.0%}"
    )
    if peers:
        print(
            f"  => analyze, quiet estimate: emomotiv ~{quiet_ours:.0f} s; peers' "
            f"way ~{quiet_ours - quiet_boot + quiet_peer:.0f} s (analyze with the "
            "peers' bootstrap swapped in)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip 100,000")
    parser.add_argument(
        "--large-only", action="store_true", help="only the 100,000 part"
    )
    parser.add_argument(
        "--n-boot", type=int, default=100, metavar="N", help="sample resamples"
    )
    parser.add_argument(
        "--n-boot-large", type=int, default=10, metavar="N", help="100k resamples"
    )
    args = parser.parse_args()
    print(f"emomotiv {em.__version__}; {_load()}")
    if not args.large_only:
        sample = em.load_sample()
        bench(
            sample.survey,
            sample.catalog,
            sample.roles,
            n_boot=args.n_boot,
            label="sample",
        )
    if not args.quick:
        start = time.perf_counter()
        big = em.make_survey(100_000, random_state=0)
        print(f"\nmake_survey(100_000): {time.perf_counter() - start:.1f} s")
        bench(
            big.survey,
            big.catalog,
            big.roles,
            n_boot=args.n_boot_large,
            label="large",
            peers=False,
            repeats=1,
        )


if __name__ == "__main__":
    main()
