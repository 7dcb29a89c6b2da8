"""Time and peak memory of ``analyze`` on large surveys (10k, 100k, 1M rows).

Run: ``nice -n 10 python benchmarks/bench_large.py --n 100000 [--facets 100]``.

The setting for large inputs (documented in the how-to "Large surveys"):
the model is fitted on every respondent; the bootstrap draws ``--n-boot``
replicates (10 here: at a million respondents one refit is a full-size fit)
and explains each on a fixed subsample of 2,000 respondents, scenarios are
evaluated on the same subsample, the full-data explanation on at most 50,000
respondents, and cross-validation uses ``--cv`` folds (2 here). Peak memory is
the largest resident set of this process and its worker processes together,
sampled every 0.2 s. Nothing is asserted.

Measured: nothing complete yet. In the session that wrote this script the
2-core machine ran at a load average of 17-24 (five people's jobs); a
100,000-respondent run (``--n 100000 --n-jobs 1``) took 91 s to draw the
survey and had not finished the first model fit after several minutes, so it
was stopped. The 1,000,000 x 100 target (10 minutes, 4 GB on 2 cores) is
unmeasured.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
import warnings

import emomotiv as em


class PeakMemory:
    """Largest RSS of this process and its children, sampled in a thread."""

    def __init__(self, every: float = 0.2) -> None:
        import psutil

        self.process = psutil.Process()
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        total = self.process.memory_info().rss
        for child in self.process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except Exception:  # a worker that just exited
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--facets", type=int, default=100)
    parser.add_argument("--n-boot", type=int, default=10)
    parser.add_argument("--cv", type=int, default=2)
    parser.add_argument("--n-jobs", type=int, default=None)
    args = parser.parse_args()
    start = time.perf_counter()
    s = em.make_survey(n_respondents=args.n, n_facets=args.facets, random_state=0)
    drawn = time.perf_counter() - start
    print(f"cores: {os.cpu_count()}  load: {os.getloadavg()[0]:.1f}")
    print(f"survey: {args.n} x {args.facets} (drawn in {drawn:.0f} s)")
    with PeakMemory() as memory, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start, cpu = time.perf_counter(), time.process_time()
        em.analyze(
            s.survey,
            s.catalog,
            n_boot=args.n_boot,
            n_jobs=args.n_jobs,
            model=em.DriverModel(cv=args.cv),
            population=1e6,
            budget=1e6,
            random_state=0,
            **s.roles,
        )
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"analyze (n_boot={args.n_boot}, cv={args.cv}, n_jobs={args.n_jobs}): "
        f"{wall:.0f} s wall, {cpu:.0f} s CPU in this process, peak memory "
        f"{memory.peak / 2**30:.2f} GiB (with the survey in memory)"
    )


if __name__ == "__main__":
    main()
