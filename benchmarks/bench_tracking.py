"""Calibrate the tracking flag rule on synthetic waves with known truth.

Run: ``python benchmarks/bench_tracking.py [n_seeds] [n_boot]``. For each
seed, one study (``make_waves``, 4,000 respondents x 30 facets) is drawn as a
first wave and three second waves: unchanged, ``mobile_app`` removed, and
``mobile_app`` doubled. Each wave is bootstrapped (refits on resamples) and
compared with the first. Prints, per scenario and correction, how often the
changed driver was flagged (power) and how many unchanged facets were flagged
(false flags). Nothing is asserted; single-threaded XGBoost.
"""

import importlib.util
import sys
import time
from pathlib import Path

import emomotiv as em

CHANGED = "mobile_app"
SCENARIOS = {"unchanged": None, "removed": 0.0, "doubled": "x2"}
CORRECTIONS = ("holm", "fdr_bh", "none")


def _bootstrapper():
    """The tests' bootstrap helper (refits on resamples) for one wave."""
    path = Path(__file__).parents[1] / "tests" / "test_tracking.py"
    spec = importlib.util.spec_from_file_location("test_tracking", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._bootstrapped


def main(n_seeds: int = 3, n_boot: int = 30) -> None:
    boot = _bootstrapper()
    counts = {(s, c): [0, 0, 0] for s in SCENARIOS for c in CORRECTIONS}
    start = time.perf_counter()
    for seed in range(n_seeds):
        base = em.make_survey(30, 30, random_state=seed).truth.loc[CHANGED, "effect"]
        labels = ["w1", *SCENARIOS]
        effects = {
            name: {CHANGED: 2 * base if size == "x2" else size}
            for name, size in SCENARIOS.items()
            if size is not None
        }
        s = em.make_waves(4000, 30, waves=labels, effects=effects, random_state=seed)
        runs = {}
        for label in labels:
            part = s.survey[s.survey["wave"] == label].reset_index(drop=True)
            runs[label] = boot(part, s.catalog, n_boot=n_boot, random_state=seed)
        for name in SCENARIOS:
            for correction in CORRECTIONS:
                res = em.compare(runs["w1"], runs[name], correction=correction)
                flagged = set(res.flagged)
                tally = counts[(name, correction)]
                tally[0] += CHANGED in flagged
                tally[1] += len(flagged - {CHANGED})
                tally[2] += 1
                if flagged - {CHANGED}:
                    print(f"  seed {seed} {name} {correction}: also {flagged}")
        print(f"seed {seed} done ({time.perf_counter() - start:.0f} s)", flush=True)
    print(f"\n{n_seeds} seeds, {n_boot} bootstrap refits per wave, 29 other facets")
    header = ("scenario", "correction", "changed flagged", "false flags")
    print(f"{header[0]:<10} {header[1]:<10} {header[2]:>16} {header[3]:>12}")
    for (name, correction), (hit, false, runs_) in counts.items():
        hits = f"{hit}/{runs_}" if name != "unchanged" else "-"
        print(f"{name:<10} {correction:<10} {hits:>16} {false:>12}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
