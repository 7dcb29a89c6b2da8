"""Time and peak memory of ``emomotiv analyze`` on large surveys (10k, 100k, 1M).

Run: ``nice -n 10 python benchmarks/bench_large.py --n 1000000 [--facets 100]``.

The survey is drawn with ``make_survey`` and written as Parquet (and its
catalog as CSV) to a scratch folder, once per size; then the command line
runs on it in a child process, as a user would run it:

    emomotiv analyze survey.parquet --catalog facets.csv --connection connected
        --value value --satisfaction satisfaction --weight weight
        --segment customer_type --id respondent_id --population 1000000
        --budget 1000000 --n-boot 10 --boot-size 100000 --cv 2 --out ...

with the setting for large surveys of the how-to "Large surveys": the model
fitted on every respondent; 10 bootstrap replicates of 100,000 respondents
each (an m-out-of-n bootstrap, intervals rescaled to the whole survey), each
explained on a fixed subsample of 2,000; two cross-validation folds; the
full-data explanation on at most 50,000. Below 100,000 respondents the
replicates draw every respondent (the classical bootstrap). Wall time is the
child's, from start to exit (reading the file, validation, every model, the
report); peak memory the largest total, sampled every 0.2 s, of the child and
any process it starts: summed RSS (a shared page counted in every process)
and summed PSS (counted once), read with ``psutil`` (benchmark-only:
``pip install psutil``). The bootstrap's refits run on threads, so the
command is one process. Nothing is asserted.

Measured on the 2-core, 24 GiB machine, quiet (load < 1.5 before each run),
100 facets, seed 0, the setting above, with segments (3) and value:

===========  ========  ===========  ===========
respondents  analyze   peak RSS     peak PSS
===========  ========  ===========  ===========
10,000       28 s      0.70 GiB     0.66 GiB
100,000      114 s     1.37 GiB     1.34 GiB
1,000,000    375 s     3.22 GiB     3.18 GiB
===========  ========  ===========  ===========

A later run of the same command (the how-to "Large surveys" gives it)
took 27 s / 0.7 GiB, 101 s / 1.7 GiB and 390 s / 3.3 GiB, and a run at
100,000 on a loaded machine peaked at 1.52 GiB: the peak varies by about
a fifth between runs (freed memory the allocator keeps;
``MALLOC_ARENA_MAX=2`` took that run to 1.32 GiB with identical outputs),
the time by more.

Both targets hold at 1,000,000 x 100: within 10 minutes and 4 GB (3.22 GiB
is 3.46 GB). The stages took (from the progress bar): the fit with two folds
1 min 9 s, the bootstrap 27 s, diagnostics/stated/value 16 s, the scenarios
12 s, segment drivers 1 min 47 s, value drivers 1 min 47 s, the classical
methods 28 s; reading, checking and writing the rest (9 s).

How the memory came down from 12.3 GiB (summed RSS; 448 s):

- the classical methods' sums, the halo score and the facet x motivator
  matrix run over chunks of 65,536 rows;
- the checked survey shares the ratings with the survey read (pandas'
  copy-on-write; 3 GiB -> 1.3 GiB after the checks), and the CLI keeps no
  second checked copy;
- the model, the bootstrap and the simulator hold float32, which XGBoost
  reads anyway (identical models and outputs);
- an m-out-of-n replicate gets the rows it drew, and the refits run on
  threads: no worker process holds the survey (7.1 -> 3.8 GiB with
  processes, 3.2 GiB with threads);
- the value link's statsmodels results drop their respondent-length arrays.

What remains is the survey itself (0.9 GiB at 1,000,000 x 100 in float64),
the model's float32 matrix, and each step's working set.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import emomotiv as em


class PeakMemory:
    """Largest memory of a process and its children, sampled in a thread.

    ``peak`` sums the resident set (RSS) of every process, which counts a
    page shared by several processes (the libraries, memory-mapped data) in
    each of them; ``peak_pss`` sums the proportional set size (Linux), which
    counts it once, split among its sharers: the memory the run really takes.
    """

    def __init__(self, pid: int, every: float = 0.2) -> None:
        import psutil

        self.process = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> tuple[int, int]:
        try:
            processes = [self.process, *self.process.children(recursive=True)]
        except Exception:  # the process just exited
            return 0, 0
        rss = pss = 0
        for process in processes:
            try:
                info = process.memory_full_info()
            except Exception:  # a worker that just exited
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        return rss, pss

    def _run(self) -> None:
        while not self._stop.is_set():
            rss, pss = self._sample()
            self.peak = max(self.peak, rss)
            self.peak_pss = max(self.peak_pss, pss)
            time.sleep(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def survey_files(n: int, facets: int, folder: Path) -> tuple[Path, Path, float]:
    """The survey (Parquet) and catalog (CSV) of this size, drawn once."""
    survey = folder / f"survey_{n}x{facets}.parquet"
    catalog = folder / f"facets_{facets}.csv"
    drawn = 0.0
    if not survey.exists():
        start = time.perf_counter()
        s = em.make_survey(n_respondents=n, n_facets=facets, random_state=0)
        drawn = time.perf_counter() - start
        s.survey.to_parquet(survey)
        s.catalog.to_csv(catalog, index=False)
    return survey, catalog, drawn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--facets", type=int, default=100)
    parser.add_argument("--n-boot", type=int, default=10)
    parser.add_argument("--boot-size", type=int, default=100_000)
    parser.add_argument("--cv", type=int, default=2)
    parser.add_argument(
        "--scratch", default=os.path.join(tempfile.gettempdir(), "emomotiv-large")
    )
    args = parser.parse_args()
    if importlib.util.find_spec("psutil") is None:
        parser.error(
            "measuring peak memory needs psutil, which is not installed (a "
            "benchmark-only package, not an emomotiv dependency): pip install psutil"
        )
    folder = Path(args.scratch)
    folder.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        survey, catalog, drawn = survey_files(args.n, args.facets, folder)
    out = folder / f"out_{args.n}x{args.facets}"
    command = [
        sys.executable, "-m", "emomotiv", "analyze", str(survey),
        "--catalog", str(catalog), "--connection", "connected", "--value", "value",
        "--satisfaction", "satisfaction", "--weight", "weight",
        "--segment", "customer_type", "--id", "respondent_id",
        "--population", "1000000", "--budget", "1000000",
        "--n-boot", str(args.n_boot), "--boot-size", str(args.boot_size),
        "--cv", str(args.cv), "--out", str(out), "--force",
    ]  # fmt: skip
    print(f"cores: {os.cpu_count()}  load: {os.getloadavg()[0]:.1f}")
    print(f"survey: {args.n} x {args.facets} (drawn in {drawn:.0f} s)", flush=True)
    start = time.perf_counter()
    child = subprocess.Popen(command)
    with PeakMemory(child.pid) as memory:
        code = child.wait()
    wall = time.perf_counter() - start
    print(
        f"analyze (n_boot={args.n_boot}, boot_size={args.boot_size}, cv={args.cv}): "
        f"exit {code}, {wall:.0f} s wall, peak memory of the command and its "
        f"workers {memory.peak / 2**30:.2f} GiB summed RSS, "
        f"{memory.peak_pss / 2**30:.2f} GiB summed PSS"
    )


if __name__ == "__main__":
    main()
