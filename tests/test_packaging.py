"""The wheel is whole: built from the tracked files alone (as from a fresh
clone), installed into a fresh virtual environment, it runs ``emomotiv
sample`` and ``emomotiv analyze`` -- package data, templates and the
console script included.

No download: the build runs without isolation (the running environment's
setuptools), the wheel installs with ``--no-deps``, and the new environment
sees the running one's packages through ``--system-site-packages`` and a
``.pth`` line (the running environment may itself be a virtual environment).
Skipped, with the reason, when ``build`` is not installed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import site
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).parents[1]


def _not_ready() -> str | None:
    """Why the wheel cannot be built here without a download, or None."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        missing = [m for m in ("build", "wheel") if importlib.util.find_spec(m) is None]
        old = int(version("setuptools").split(".")[0]) < 77
    except PackageNotFoundError:
        missing, old = ["setuptools"], False
    if missing or old:
        return (
            "building the wheel offline needs build, wheel and setuptools>=77 "
            'in this environment: pip install build wheel "setuptools>=77"'
        )
    return None


pytestmark = pytest.mark.skipif(_not_ready() is not None, reason=str(_not_ready()))


def _run(*command, cwd, env=None):
    proc = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, (
        f"{' '.join(map(str, command))} failed:\n{proc.stdout[-3000:]}\n"
        f"{proc.stderr[-3000:]}"
    )
    return proc


def _clone(target: Path) -> Path:
    """The repository's tracked files (what a fresh clone holds)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode()
        files = [f for f in listed.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: cannot tell the tracked files")
    for name in files:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    clone = _clone(tmp_path_factory.mktemp("clone"))
    out = tmp_path_factory.mktemp("dist")
    _run(
        sys.executable,
        "-m",
        "build",
        "--no-isolation",
        "--sdist",
        "--wheel",
        "--outdir",
        out,
        cwd=clone,
    )
    return out


def test_sdist_and_wheel_build_and_pass_twine_check(dist):
    wheel = next(dist.glob("emomotiv-*.whl"))
    assert next(dist.glob("emomotiv-*.tar.gz"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for part in (
        "emomotiv/data/sample/survey.csv",
        "emomotiv/data/sample/facets.csv",
        "emomotiv/templates/report.html.j2",
    ):
        assert part in names, f"{part} is not in the wheel"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    sdist = tarfile.open(next(dist.glob("emomotiv-*.tar.gz")))
    held = {name.split("/", 1)[-1] for name in sdist.getnames()}
    # the sdist's tests read the docs and notebooks and import the benchmarks
    for part in ("LICENSE", "docs/index.md", "notebooks/README.md", "mkdocs.yml"):
        assert part in held, f"{part} is not in the sdist"
    assert any(n.startswith("benchmarks/bench_") for n in held)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "emomotiv = emomotiv.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
    if importlib.util.find_spec("twine") is None:
        pytest.skip("twine is not installed")
    _run(sys.executable, "-m", "twine", "check", "--strict", *dist.iterdir(), cwd=dist)


def test_wheel_in_a_fresh_venv_runs_sample_and_analyze(dist, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    purelib = _run(
        python,
        "-c",
        "import sysconfig; print(sysconfig.get_path('purelib'))",
        cwd=tmp_path,
    ).stdout.strip()
    # The running environment's packages (numpy, xgboost, ...), as plain path
    # lines: their .pth files (an editable emomotiv among them) are not run.
    (Path(purelib) / "_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    wheel = next(dist.glob("emomotiv-*.whl"))
    # --ignore-installed: where the running environment has emomotiv of the
    # same version installed (pip install .), pip would take it for the wheel
    # and install nothing; this installs the wheel and uninstalls nothing
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        "--ignore-installed",
        "--quiet",
        wheel,
        cwd=tmp_path,
    )
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env |= {"OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    where = _run(
        python, "-c", "import emomotiv; print(emomotiv.__file__)", cwd=work, env=env
    ).stdout
    assert str(env_dir) in where, f"emomotiv imported from {where}, not the wheel"
    script = bin_dir / "emomotiv"
    _run(script, "sample", "data", cwd=work, env=env)
    # Tiny settings: a slice of the bundled sample.
    survey = pd.read_csv(work / "data" / "survey.csv").head(500)
    catalog = pd.read_csv(work / "data" / "facets.csv").head(12)
    keep = [
        c
        for c in survey.columns
        if c in set(catalog["facet"]) or c in ("connected", "value", "weight")
    ]
    survey[keep].to_csv(work / "small.csv", index=False)
    catalog.to_csv(work / "facets.csv", index=False)
    _run(
        script,
        "analyze",
        "small.csv",
        "--catalog",
        "facets.csv",
        "--connection",
        "connected",
        "--weight",
        "weight",
        "--n-boot",
        "0",
        "--no-methods",
        "--quiet",
        "--out",
        "results",
        cwd=work,
        env=env,
    )
    html = (work / "results" / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert (work / "results" / "drivers.csv").is_file()
    assert (work / "results" / "study.toml").is_file()
