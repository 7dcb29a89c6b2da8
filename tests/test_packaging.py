"""The wheel is whole: built from the tracked files alone (as from a fresh
clone), installed into a fresh virtual environment, it runs ``emomotiv
sample`` and ``emomotiv analyze`` -- package data, templates, the typing
marker and the console script included. The sdist holds every tracked file
its tests need. Every library the package imports is declared, and
``import emomotiv`` leaves the heavy ones for the functions that need them.

No download: the build runs without isolation (the running environment's
setuptools), the wheel installs with ``--no-deps``, and the new environment
sees the running one's packages through ``--system-site-packages`` and a
``.pth`` line (the running environment may itself be a virtual environment).
The two build tests are skipped, with the reason, when ``build`` is not
installed.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import site
import subprocess
import sys
import tarfile
import tomllib
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


needs_build = pytest.mark.skipif(_not_ready() is not None, reason=str(_not_ready()))


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
    for name in _tracked():
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def _tracked() -> list[str]:
    """The repository's tracked files, relative to its root."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: cannot tell the tracked files")
    return [f for f in listed.split("\0") if f]


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


@needs_build
def test_sdist_and_wheel_build_and_pass_twine_check(dist):
    wheel = next(dist.glob("emomotiv-*.whl"))
    assert next(dist.glob("emomotiv-*.tar.gz"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for part in (
        "emomotiv/data/sample/survey.csv",
        "emomotiv/data/sample/facets.csv",
        "emomotiv/templates/report.html.j2",
        "emomotiv/py.typed",
    ):
        assert part in names, f"{part} is not in the wheel"
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    sdist = tarfile.open(next(dist.glob("emomotiv-*.tar.gz")))
    held = {name.split("/", 1)[-1] for name in sdist.getnames()}
    # the sdist's tests read their data and helpers, the docs and notebooks,
    # and import the benchmarks
    for part in ("LICENSE", "docs/index.md", "notebooks/README.md", "mkdocs.yml"):
        assert part in held, f"{part} is not in the sdist"
    wanted = ("tests/", "docs/", "notebooks/", "benchmarks/", "emomotiv/")
    missing = [f for f in _tracked() if f.startswith(wanted) and f not in held]
    assert not missing, f"tracked files not in the sdist: {missing}"
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "emomotiv = emomotiv.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
    if importlib.util.find_spec("twine") is None:
        pytest.skip("twine is not installed")
    _run(sys.executable, "-m", "twine", "check", "--strict", *dist.iterdir(), cwd=dist)


@needs_build
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


# import name -> the distribution that provides it, where they differ
DISTRIBUTION = {"sklearn": "scikit-learn"}


def _names(requirements) -> set[str]:
    """Distribution names (normalised) a list of requirements provides; an
    extra in brackets, as ``dask[distributed]``, provides its name too."""
    names = set()
    for requirement in requirements:
        head = requirement.split(";")[0].split("<")[0].split(">")[0].split("=")[0]
        base, _, extras = head.partition("[")
        names.add(base.strip())
        names.update(e.strip() for e in extras.rstrip("] ").split(",") if e.strip())
    return {n.lower().replace("_", "-") for n in names}


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """Top-level packages imported by a module: (at import time, anywhere)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def top(node) -> set[str]:
        if isinstance(node, ast.Import):
            return {a.name.split(".")[0] for a in node.names}
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            return {node.module.split(".")[0]}
        return set()

    everywhere = {m for node in ast.walk(tree) for m in top(node)}
    at_import = {m for node in tree.body for m in top(node)}
    return at_import, everywhere


def test_every_library_the_package_imports_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    required = _names(project["dependencies"])
    extras = project["optional-dependencies"]
    optional = _names(r for name, reqs in extras.items() for r in reqs)
    own = {"emomotiv", *sys.stdlib_module_names}
    problems = []
    for path in sorted((ROOT / "emomotiv").rglob("*.py")):
        at_import, everywhere = _imports(path)
        for module in sorted(everywhere - own):
            name = DISTRIBUTION.get(module, module).lower().replace("_", "-")
            where = path.relative_to(ROOT)
            if module in at_import and name not in required:
                problems.append(f"{where} imports {module} on import: not a dependency")
            elif name not in required | optional:
                problems.append(f"{where} imports {module}: in no dependency or extra")
    assert not problems, "\n".join(problems)


def test_import_leaves_the_heavy_libraries_for_later(tmp_path):
    """``import emomotiv`` and the command's own module load no library
    (the command starts at once); every public name still resolves, once."""
    heavy = ["shap", "xgboost", "matplotlib", "statsmodels", "jinja2", "tqdm", "dask"]
    heavy += ["pandas", "numpy", "sklearn", "scipy"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT)
    code = (
        "import sys, emomotiv, emomotiv.cli; "
        f"print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = _run(sys.executable, "-c", code, cwd=tmp_path, env=env).stdout.split()
    assert not loaded, f"import emomotiv imports {loaded}"
    # a submodule as an attribute, as an eager package has them; and four
    # threads' first uses at once (each could see another's half-loaded module)
    code = (
        "import threading, emomotiv as em; "
        "names = ['analyze', 'Report', 'read_table', 'make_survey']; "
        "start = threading.Barrier(4); found = {}; "
        "run = lambda n: (start.wait(), found.__setitem__(n, getattr(em, n))); "
        "threads = [threading.Thread(target=run, args=(n,)) for n in names]; "
        "[t.start() for t in threads]; [t.join() for t in threads]; "
        "print(len(found), em.io.__name__, em.readers.__name__, 'io' in dir(em), "
        "'sys' in dir(em))"
    )
    out = _run(sys.executable, "-c", code, cwd=tmp_path, env=env)
    expected = ["4", "emomotiv.io", "emomotiv.readers", "True", "False"]
    assert out.stdout.split() == expected
    assert not out.stderr
    import emomotiv as em

    assert set(em.__all__) <= set(dir(em))
    for name in em.__all__:
        assert getattr(em, name).__name__ == name
    assert em.analyze is em.pipeline.analyze and "analyze" in vars(em)
    with pytest.raises(AttributeError, match="no attribute 'analyse'"):
        em.analyse  # noqa: B018


def test_a_ctrl_c_while_the_command_starts_stops_it_without_a_traceback(
    monkeypatch, capsys
):
    from emomotiv import cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert cli.main(["--version"]) == 130
    assert capsys.readouterr().err == "emomotiv: stopped (interrupted).\n"
