"""Time Shapley value regression (LMG) against the tools analysts use today.

Run: ``python benchmarks/bench_shapley.py [--timeout 120] [--wide 300 400]``.
Prints, side by
side, the time of exact Shapley regression at p = 10, 15, 20 for
``emomotiv.shapley_regression(method="exact")``, the ``dominance-analysis``
package (``Dominance(...).incremental_rsquare()``, general dominance = LMG)
and pingouin's ``linear_regression(relimp=True)``, with each peer's time as a
multiple of ours (``x ours``; a peer's import and a warm-up call are not
timed) and the largest absolute difference from our values as a check; then
the time and Monte-Carlo standard error of the sampled Shapley regression at
p = 100 on the 5,000 x 100 synthetic survey. Nothing is asserted.

Wide surveys, sampled (``--wide``: the default ``n_permutations=2000``,
``make_survey`` 2,000 x p, weights, one thread with ``OMP_NUM_THREADS=1
OPENBLAS_NUM_THREADS=1``, CPU seconds best of two, peak of ``tracemalloc``),
2,000 orders "before" factoring each block of p orders at once, and "chunked"
at most ~32 MB of matrices at a time (the values are the same); "now" with
at least 10 blocks of p orders, which beyond 200 facets is more than 2,000
orders (3,000 at 300, 4,000 at 400), measured on another, slower quiet
2-core machine (where the default 2,000 orders on 5,000 x 100 take
0.27 s); on that machine, loaded, the extra blocks took the time at 300
from 3.67 s to 4.57 s and at 400 from 5.23 s to 10.05 s. (These surveys'
pairwise correlations make the linear R² an artefact of 1, which
``shapley_regression`` warns of; the table times the computation, and the
warning is not printed.)

=======  ===============  ===============  ================
p        before           chunked          now (slower box)
=======  ===============  ===============  ================
300      1.80 s, 420 MiB  1.45 s, 65 MiB   3.51 s, 65 MiB
400      4.00 s, 990 MiB  2.66 s, 65 MiB   9.48 s, 65 MiB
=======  ===============  ===============  ================

The peers are benchmark-only, not emomotiv dependencies::

    pip install dominance-analysis pingouin

A peer that is not installed is skipped with a note. Each peer runs in a child
process with a time limit (``--timeout`` seconds, default 120); a run that
does not finish is reported as "> limit".

numpy 2 shims for dominance-analysis 1.1.9 (applied only in the child process
that runs it): its plotting imports pull in an old bokeh that uses the alias
``np.bool8`` (removed in numpy 2; we set ``np.bool8 = np.bool_`` and the other
removed aliases ``np.float_``, ``np.complex_``), and at import time it calls
``bokeh.io.output_notebook()`` and ``plotly.offline.init_notebook_mode()``,
which fail outside a notebook on current IPython; we replace those two with
no-ops before importing it. Its computation is untouched.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing as mp
import os
import time
import warnings

import numpy as np
import pandas as pd

import emomotiv as em


def make_data(p: int, n: int = 1000, seed: int = 0):
    """Correlated ratings (a shared halo factor) and an outcome."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + 0.8 * rng.normal(size=(n, 1))
    y = X @ rng.uniform(-0.2, 1, p) + rng.normal(size=n) * 2
    return pd.DataFrame(X, columns=[f"f{j:02d}" for j in range(p)]), y


def _dominance_shims() -> None:
    for alias, target in (
        ("bool8", np.bool_),
        ("float_", np.float64),
        ("complex_", np.complex128),
    ):
        if not hasattr(np, alias):
            setattr(np, alias, target)
    import bokeh.io
    import plotly.offline

    bokeh.io.output_notebook = lambda *a, **k: None
    plotly.offline.init_notebook_mode = lambda *a, **k: None


def run_dominance(X: pd.DataFrame, y: np.ndarray) -> np.ndarray:
    _dominance_shims()
    from dominance_analysis import Dominance

    data = X.assign(target=y)
    with contextlib.redirect_stdout(io.StringIO()):
        with contextlib.redirect_stderr(io.StringIO()):
            dom = Dominance(data=data, target="target", objective=1, top_k=X.shape[1])
            general = dom.incremental_rsquare()
    return np.array([general[c] for c in X.columns])


def run_pingouin(X: pd.DataFrame, y: np.ndarray) -> np.ndarray:
    import pingouin as pg

    table = pg.linear_regression(X, y, relimp=True)
    return table.set_index("names").loc[list(X.columns), "relimp"].to_numpy()


def run_emomotiv(X: pd.DataFrame, y: np.ndarray) -> np.ndarray:
    res = em.shapley_regression(X, y, method="exact")
    return res.table["raw_importance"].to_numpy()


PEERS = {
    "dominance-analysis": ("dominance_analysis", run_dominance),
    "pingouin": ("pingouin", run_pingouin),
}


def _prepare(fn) -> None:
    """Import the peer that ``fn`` runs (with its shims), before the clock."""
    import importlib

    for module, peer in PEERS.values():
        if peer is fn:
            if fn is run_dominance:
                _dominance_shims()
            importlib.import_module(module)


def _child(fn, p, queue):
    X, y = make_data(p)
    # the peer's import and first call (warm-up) are not part of its time,
    # as our best of three leaves out ours
    _prepare(fn)
    fn(*make_data(3, n=100, seed=1))
    start, cpu = time.perf_counter(), time.process_time()
    values = fn(X, y)
    queue.put((time.perf_counter() - start, time.process_time() - cpu, values))


def timed(fn, p: int, timeout: float):
    """(wall s, CPU s, values), or Nones when it ran past ``timeout``."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, p, queue))
    proc.start()
    try:
        return queue.get(timeout=timeout)
    except Exception:
        return None, None, None
    finally:
        proc.join(1)
        if proc.is_alive():
            proc.terminate()
            proc.join()
        queue.close()
        queue.join_thread()


def installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _fmt(wall: float, cpu: float) -> str:
    return f"{wall:.3f}s ({cpu:.3f}s)"


def exact_table(timeout: float) -> None:
    print(f"Exact Shapley regression (LMG), n = 1000, limit {timeout:.0f} s per run")
    print(
        "times: wall seconds (CPU seconds of the process); x ours: a peer's wall "
        "time over emomotiv's"
    )
    header = f"{'p':>3}  {'emomotiv':>18}"
    available = {}
    for name, (module, fn) in PEERS.items():
        if installed(module):
            available[name] = fn
            header += f"  {name:>20}  {'x ours':>7}  {'max |diff|':>10}"
        else:
            print(f"  note: {name} is not installed; skipped (pip install {name})")
    print(header)
    for p in (10, 15, 20):
        X, y = make_data(p)
        best, best_cpu = np.inf, np.inf
        for _ in range(3):
            start, cpu = time.perf_counter(), time.process_time()
            ours = run_emomotiv(X, y)
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        line = f"{p:>3}  {_fmt(best, best_cpu):>18}"
        for fn in available.values():
            secs, cpu, values = timed(fn, p, timeout)
            if secs is None:
                slower = f"> {timeout / best:.0f}"
                limit = f"> {timeout:.0f} s"
                line += f"  {limit:>20}  {slower:>7}  {'':>10}"
            else:
                diff = float(np.abs(values - ours).max())
                line += f"  {_fmt(secs, cpu):>20}  {secs / best:>7.1f}  {diff:>10.1e}"
        print(line, flush=True)


def sampled_table() -> None:
    s = em.make_survey(n_respondents=5000, random_state=0)
    X, y, w = s.survey[s.catalog["facet"]], s.survey["connected"], s.survey["weight"]
    stage = dict(zip(s.catalog["facet"], s.catalog["stage"], strict=True))
    print()
    print(f"Sampled Shapley regression, synthetic survey {X.shape[0]} x {X.shape[1]}")
    print(
        f"{'variant':>24}  {'orders':>7}  {'wall (CPU) s':>18}  {'max SE':>8}  "
        f"{'mean SE':>8}  {'R²':>6}"
    )
    for label, kwargs in (
        ("sampled", {"n_permutations": 500}),
        ("sampled", {"n_permutations": 2000}),
        ("sampled", {"n_permutations": 5000}),
        ("by stage (Owen)", {"n_permutations": 2000, "groups": stage}),
    ):
        start, cpu = time.perf_counter(), time.process_time()
        res = em.shapley_regression(
            X, y, sample_weight=w, method="sampled", random_state=0, **kwargs
        )
        secs, cpu = time.perf_counter() - start, time.process_time() - cpu
        se = res.table["std_error"]
        print(
            f"{label:>24}  {res.info['n_permutations']:>7}  {_fmt(secs, cpu):>18}  "
            f"{se.max():>8.5f}  {se.mean():>8.5f}  {res.total:>6.3f}"
        )


def wide_table(widths: list[int]) -> None:
    """Sampled Shapley regression on wide surveys: CPU time and peak memory."""
    import tracemalloc

    print()
    print(
        "Wide surveys, sampled (the default n_permutations), make_survey "
        "2,000 x p with weights: orders drawn, CPU seconds best of two, peak "
        "of tracemalloc"
    )
    print(f"{'p':>5}  {'orders':>7}  {'CPU s':>8}  {'peak MiB':>9}")
    for p in widths:
        s = em.make_survey(n_respondents=2000, n_facets=p, random_state=0)
        X, y = s.survey[s.catalog["facet"]], s.survey["connected"]

        def run(X=X, y=y, w=s.survey["weight"]):
            with warnings.catch_warnings():  # the wide survey's R² artefact
                warnings.simplefilter("ignore", UserWarning)
                return em.shapley_regression(
                    X, y, sample_weight=w, method="sampled", random_state=0
                )

        best = np.inf
        for _ in range(2):
            cpu = time.process_time()
            orders = run().info["n_permutations"]
            best = min(best, time.process_time() - cpu)
        tracemalloc.start()  # a run of its own: tracing slows the one it traces
        run()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{p:>5}  {orders:>7,}  {best:>8.2f}  {peak / 2**20:>9.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument(
        "--wide",
        type=int,
        nargs="*",
        default=[],
        metavar="P",
        help="also time the sampled regression on 2,000 x P surveys (e.g. 300 400)",
    )
    args = parser.parse_args()
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"cores: {os.cpu_count()}  BLAS threads: {threads}")
    exact_table(args.timeout)
    sampled_table()
    if args.wide:
        wide_table(args.wide)


if __name__ == "__main__":
    main()
