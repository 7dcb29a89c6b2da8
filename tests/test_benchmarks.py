"""The benchmarks still run against the library: each one imports (it names
private helpers of the library that a refactor may move) and, where it has
options, parses its command line; those that read the library's tables by
column name run end to end at a tiny setting (a renamed column breaks them
only when they run). No figure is checked here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).parents[1] / "benchmarks").glob("bench_*.py"))


def test_there_are_benchmarks():
    assert len(BENCHMARKS) >= 10


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.stem)
def test_a_benchmark_imports_and_knows_its_options(path, monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.main)
    if "argparse" not in path.read_text():
        return  # no options: main() would run the benchmark
    monkeypatch.setattr("sys.argv", [path.name, "--help"])
    with pytest.raises(SystemExit) as stop:
        module.main()
    assert stop.value.code == 0
    assert "usage:" in capsys.readouterr().out


# benchmark -> the tiniest command line that runs it end to end, and a word
# its last table prints
TINY = {
    "bench_analyze": ("--n 300 --facets 8 --n-boot 2", "analyze with defaults"),
    "bench_calibration": (
        "--seeds 1 --sizes 400 --facets 8 --n-boot 3 --stability-sizes 300",
        "stability",
    ),
    "bench_halo": (
        "--sizes 400 --seeds 0 --halo none --scale off --facets 10 --designs mean",
        "plan/best",
    ),
    "bench_segments": ("--seeds 1 --n 600 --facets 8 --n-boot 2", "precision@5"),
    "bench_tracking": ("--n 400 --facets 8 --seed-list 1 --n-boot 2", "doubled"),
    "bench_value_drivers": (
        "--seeds 1 --n 300 --facets 8 --n-boot 2 --objectives squared --halo none",
        "share_mae",
    ),
}


# a tiny survey fits poorly and ranks unstably: the library says so
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", sorted(TINY))
def test_a_benchmark_runs_at_a_tiny_setting(name, monkeypatch, capsys):
    path = next(p for p in BENCHMARKS if p.stem == name)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    line, word = TINY[name]
    monkeypatch.setattr("sys.argv", [path.name, *line.split()])
    module.main()
    assert word in capsys.readouterr().out


def test_the_wide_table_prints_the_orders_each_width_draws(capsys):
    # at least 10 blocks of p orders: 2,000 up to 200 facets, more beyond
    path = next(p for p in BENCHMARKS if p.stem == "bench_shapley")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.wide_table([12])
    out = capsys.readouterr().out
    assert "2,004" in out.splitlines()[-1]  # 167 blocks of 12 orders
