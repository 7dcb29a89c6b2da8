"""The documentation site builds in strict mode and matches the code.

A broken reference (a ``::: emomotiv.x`` that does not resolve, a link to a
missing page or anchor, a page left out of the nav) is a warning, and strict
mode turns every warning into a failure. The notebooks are executed by the
build (mkdocs-jupyter) and published with their outputs; a cell error fails
it. Skipped, with the reason, when the ``docs`` extra (mkdocs, mkdocstrings,
mkdocs-jupyter) is not installed.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import os
import pkgutil
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import emomotiv
from emomotiv.cli import build_parser, main

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"

needs_mkdocs = pytest.mark.skipif(
    not all(
        importlib.util.find_spec(m)
        for m in ("mkdocs", "mkdocstrings", "material", "mkdocs_jupyter")
    ),
    reason="mkdocs, mkdocstrings, mkdocs-material or mkdocs-jupyter is not "
    "installed; install "
    'the docs extra (pip install -e ".[docs]") to build the documentation',
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once, strictly; return the site folder."""
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(out),
        ],
        cwd=ROOT,
        env=_docs_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{log[-5000:]}"
    warnings = [line for line in log.splitlines() if line.startswith("WARNING")]
    assert not warnings, "\n".join(warnings)
    return out


def _docs_env() -> dict[str, str]:
    """The build's environment: this checkout's emomotiv, and the notebooks
    rendered without running them (tests/test_notebooks.py runs each, checks
    its plots and the claims of its text); a kernel would inherit small
    data, one XGBoost thread and matplotlib's inline backend."""
    env = os.environ | {
        "NO_MKDOCS_2_WARNING": "1",
        "EMOMOTIV_DOCS_EXECUTE": "0",
        "EMOMOTIV_NOTEBOOK_SMALL": "1",
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("MPLBACKEND", None)
    return env


def _text(html_file: Path) -> str:
    import html

    raw = html_file.read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def _public_modules() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.iter_modules(emomotiv.__path__)
        if not m.name.startswith("_")
    )


@needs_mkdocs
def test_docs_build_strict_without_warnings(site):
    for page in ("index.html", "getting-started/index.html", "cli/index.html"):
        assert (site / page).is_file()
    # The hook turns numpydoc's Sphinx roles into plain code in the API pages.
    api = _text(site / "api" / "pipeline" / "index.html")
    assert "emomotiv.pipeline" in api and "analyze" in api
    assert ":func:" not in _text(site / "api" / "datasets" / "index.html")


@needs_mkdocs
@pytest.mark.parametrize("name", ["quickstart", "method", "tracking"])
def test_notebooks_are_published(site, name):
    page = site / "notebooks" / name / "index.html"
    assert page.is_file(), f"the {name} notebook is not on the site"
    assert "import emomotiv as em" in _text(page)
    assert "Traceback" not in _text(page)


def test_the_site_executes_the_notebooks_and_fails_on_a_cell_error():
    """The published build runs each notebook (its plots are checked where
    tests/test_notebooks.py runs it); only the suite's build skips that."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    plugin = config.split("- mkdocs-jupyter:")[1].split("\n  - ")[0]
    assert "execute: true" in plugin and "allow_errors: false" in plugin
    hooks = (ROOT / "docs" / "hooks.py").read_text(encoding="utf-8")
    assert 'get("EMOMOTIV_DOCS_EXECUTE") == "0"' in hooks


@needs_mkdocs
def test_cli_reference_lists_every_command_and_option(site):
    text = _text(site / "cli" / "index.html")
    parser = build_parser()
    subparsers = next(
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    )
    for name, sub in subparsers.choices.items():
        assert f"emomotiv {name}" in text
        for action in sub._actions:
            for option in action.option_strings:
                assert option in text, f"{option} of 'emomotiv {name}' is missing"
            if action.help and action.help != argparse.SUPPRESS:
                # argparse may wrap long help; compare the first words.
                assert " ".join(action.help.split()[:4]) in " ".join(text.split())


@needs_mkdocs
def test_every_public_module_has_an_api_page(site):
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    missing = []
    for name in _public_modules():
        page = DOCS / "api" / f"{name}.md"
        if not page.is_file() or f"::: emomotiv.{name}" not in page.read_text():
            missing.append(f"docs/api/{name}.md with '::: emomotiv.{name}'")
        elif re.search(rf"^\s+- emomotiv\.{name}: api/{name}\.md", nav, re.M) is None:
            missing.append(f"the nav line '- emomotiv.{name}: api/{name}.md'")
    assert not missing, "Add to the docs: " + "; ".join(missing)
    for name in _public_modules():
        assert (site / "api" / name / "index.html").is_file()


def test_every_public_function_and_class_has_a_runnable_example():
    lacking = []
    for name in _public_modules():
        module = importlib.import_module(f"emomotiv.{name}")
        names = getattr(module, "__all__", None)
        if names is None:
            names = [
                n
                for n, obj in vars(module).items()
                if not n.startswith("_")
                and (inspect.isfunction(obj) or inspect.isclass(obj))
                and obj.__module__ == module.__name__
            ]
        for attr in names:
            obj = getattr(module, attr)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and ">>>" not in (
                obj.__doc__ or ""
            ):
                lacking.append(f"emomotiv.{name}.{attr}")
    assert not lacking, f"Docstrings without an example: {lacking}"


def test_every_name_in_all_exists():
    """``from emomotiv import *`` (and from each module) imports every name."""
    broken = [
        f"{module.__name__}.{attr}"
        for module in [emomotiv]
        + [importlib.import_module(f"emomotiv.{n}") for n in _public_modules()]
        for attr in getattr(module, "__all__", [])
        if not hasattr(module, attr)
    ]
    assert not broken, f"Names in __all__ that do not exist: {broken}"
    namespace: dict = {}
    exec("from emomotiv import *", namespace)
    assert set(emomotiv.__all__) <= set(namespace)


def _documented_parameters(doc: str) -> list[str]:
    """The names a numpydoc ``Parameters`` section documents."""
    lines = inspect.cleandoc(doc).splitlines()
    names, inside = [], False
    for i, line in enumerate(lines):
        underline = i + 1 < len(lines) and set(lines[i + 1].strip()) == {"-"}
        if underline and line.strip():
            inside = line.strip() == "Parameters"
        elif inside and line and not line.startswith(" ") and set(line) != {"-"}:
            head = line.split(" : ")[0]
            names += [n.strip().lstrip("*") for n in head.split(",") if n.strip()]
    return names


def test_public_signatures_are_documented_and_annotated():
    """Every exported function, estimator and input class (a scenario, the
    catalog) documents each parameter of its signature (and nothing else),
    and every function says what it returns, in its hint and its
    ``Returns`` section."""
    from emomotiv import plotting

    objects = [getattr(emomotiv, n) for n in emomotiv.__all__]
    objects += [getattr(plotting, n) for n in plotting.__all__]
    problems = []
    for obj in objects:
        if inspect.isclass(obj) and issubclass(obj, Warning):
            continue  # a category of warning: no parameters of its own
        doc = inspect.cleandoc(obj.__doc__ or "")
        if inspect.isclass(obj) and "\nParameters\n---" not in doc:
            if "\nAttributes\n---" in doc:
                continue  # result containers document their attributes
        parameters = list(inspect.signature(obj).parameters)
        documented = _documented_parameters(doc)
        if parameters and sorted(documented) != sorted(parameters):
            problems.append(f"{obj.__name__}: {parameters} vs {documented}")
        if not inspect.isfunction(obj):
            continue
        if inspect.signature(obj).return_annotation is inspect.Signature.empty:
            problems.append(f"{obj.__name__}: no return annotation")
        if "\nReturns\n---" not in doc:
            problems.append(f"{obj.__name__}: no Returns section")
    assert not problems, problems


def test_public_signatures_are_typed():
    """Every parameter of an exported function, and of an exported class's
    ``__init__`` and public methods, has a type hint. Methods inherited from
    scikit-learn (``get_params``, ``set_params``) are its to annotate."""
    untyped = []
    for name in emomotiv.__all__:
        obj = getattr(emomotiv, name)
        if inspect.isfunction(obj):
            targets = [obj]
        elif inspect.isclass(obj):
            targets = [
                getattr(obj, m)
                for m in dir(obj)
                if not m.startswith("_") and inspect.isfunction(getattr(obj, m, None))
            ] + [obj.__init__]
        else:
            continue
        for func in targets:
            if not (getattr(func, "__module__", None) or "").startswith("emomotiv"):
                continue
            untyped += [
                f"{name}: {func.__qualname__}({p.name})"
                for p in inspect.signature(func).parameters.values()
                if p.name not in ("self", "cls")
                and p.annotation is inspect.Parameter.empty
            ]
    assert not untyped, f"Parameters without a type hint: {untyped}"


def test_public_type_hints_resolve_at_run_time():
    """``typing.get_type_hints`` (what typeguard, pydantic and sphinx call)
    reads every exported function's, class's and method's hints, the
    plots' too, without the optional extras (dask) installed: none names a
    type imported for type checking only."""
    import typing

    from emomotiv import plotting

    failed = []
    objects = [getattr(emomotiv, n) for n in emomotiv.__all__]
    for obj in objects + [getattr(plotting, n) for n in plotting.__all__]:
        targets = [obj] if inspect.isfunction(obj) else []
        if inspect.isclass(obj):
            targets = [obj, obj.__init__] + [
                f for m, f in vars(obj).items() if inspect.isfunction(f) and m[0] != "_"
            ]
        for func in targets:
            try:
                typing.get_type_hints(func)
            except NameError as err:
                failed.append(f"{func.__qualname__}: {err}")
    assert not failed, failed


def _validate_example(survey: str, connection: str) -> int:
    """``emomotiv validate`` on a file of docs/examples, as the page shows it."""
    return main(
        [
            "validate",
            str(EXAMPLES / survey),
            "--catalog",
            str(EXAMPLES / "facets.csv"),
            "--connection",
            connection,
            "--weight",
            "weight",
            "--id",
            "respondent_id",
        ]
    )


def test_worked_csv_example_is_valid(capsys):
    assert _validate_example("survey.csv", "connected") == 0
    out = capsys.readouterr().out.strip()
    page = (DOCS / "data-contract.md").read_text(encoding="utf-8")
    assert out in page, f"data-contract.md should show the output:\n{out}"


def test_broken_example_output_matches_the_page(capsys):
    assert _validate_example("broken_survey.csv", "conected") == 2
    err = capsys.readouterr().err.strip()
    page = (DOCS / "data-contract.md").read_text(encoding="utf-8")
    block = page.split("<!-- broken-survey-output")[1].split("```text\n")[1]
    assert block.split("\n```")[0].strip() == err


def test_readme_links_to_the_docs_and_the_notebooks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/" in readme and "mkdocs" in readme
    for name in ("quickstart", "method", "tracking"):
        assert f"notebooks/{name}.py" in readme


GUIDES = [
    page
    for folder in ("how-to", "concepts")
    for page in sorted((DOCS / folder).glob("*.md"))
    if "```python" in page.read_text(encoding="utf-8")
]
# The examples run with a handful of replicates however many they ask for
# (100 by default): they show how to call, not what 100 replicates give.
FEW = """\
import emomotiv as em

_analyze, _boot, _segments = em.analyze, em.bootstrap_importance, em.segment_drivers


def few(function):  # a handful of replicates however many the example asks
    def run(*args, **kwargs):
        kwargs["n_boot"] = min(kwargs.get("n_boot", 4), 4)
        kwargs.setdefault("progress", False)
        return function(*args, **kwargs)
    return run


em.analyze, em.bootstrap_importance = few(_analyze), few(_boot)
em.segment_drivers = few(_segments)
"""

PRELUDE = (
    FEW
    + """\
s = em.make_survey(n_respondents=800, n_facets=15, random_state=0)
survey, catalog = s.survey, s.catalog
facets = list(catalog["facet"])
X, y = survey[facets], survey["connected"]
new_survey = survey
survey.to_csv("survey.csv", index=False)
survey.to_parquet("survey.parquet")
catalog.to_csv("facets.csv", index=False)
"""
)


def _python_blocks(page: Path) -> list[str]:
    blocks = re.findall(r"^( *)```python\n(.*?)^\1```", page.read_text(), re.M | re.S)
    return [re.sub(rf"^{indent}", "", code, flags=re.M) for indent, code in blocks]


@pytest.mark.parametrize("page", GUIDES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_python_examples_in_the_guides_run(page, tmp_path):
    """Each page's Python blocks run in order, on a small synthetic survey
    bound to the names the guides use (``survey``, ``catalog``, ``X``, ...),
    with a few replicates (``FEW``)."""
    _runs(page, PRELUDE + "\n".join(_python_blocks(page)), tmp_path)


def _runs(page: Path, script: str, folder: Path) -> None:
    """``script`` runs to the end in ``folder`` (a page's blocks, in order)."""
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=folder,
        env=os.environ | {"MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"{page.name}:\n{proc.stderr[-3000:]}"


README_PRELUDE = (
    FEW
    + """\
_load = em.load_sample


def load_sample(*args, **kwargs):  # the bundled sample, cut to 1,000 respondents
    sample = _load(*args, **kwargs)
    survey = sample.survey.sample(1000, random_state=0).reset_index(drop=True)
    object.__setattr__(sample, "survey", survey)
    return sample


em.load_sample = load_sample
"""
)


def test_python_examples_in_the_readme_run(tmp_path):
    """The README's Python blocks run in order, as a reader pastes them, on
    the bundled sample cut to 1,000 respondents and a few replicates."""
    readme = ROOT / "README.md"
    _runs(readme, README_PRELUDE + "\n".join(_python_blocks(readme)), tmp_path)


FUTURE_WORK = re.compile(
    r"coming (with|soon|in)|will be (linked|added|available)|lands? with"
    r"|when it lands|marked (place|cell)|\bissue \d+|\bTODO\b|\bFIXME\b"
    r"|in a (future|later) (release|version)|not (yet )?implemented"
    r"|\b(both|is|are|still) planned\b",
    re.IGNORECASE,
)


def _prose_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
    for pattern in ("*.md", "*.py", "*.ipynb"):
        files += sorted((ROOT / "notebooks").glob(pattern))
    return files


def test_docs_speak_of_what_ships():
    """No page, README or notebook promises a future feature or names a work item."""
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in _prose_files()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FUTURE_WORK.search(line)
    ]
    assert not found, "Docs mention future work:\n" + "\n".join(found)


def test_the_future_work_check_catches_what_it_should():
    for text in (
        '!!! note "Coming with the measures module (issue 4)"',
        "Its API page will be linked here.",
        "*Marked place:* when it lands, replace this cell",
        "TODO: document",
        "Two ways out, both planned:",
    ):
        assert FUTURE_WORK.search(text), text
    assert not FUTURE_WORK.search("A ranking is not yet an investment decision.")
    assert not FUTURE_WORK.search("the budget plan funds them; a planned change")


def _doc_entry(obj, section: str, name: str | None = None) -> str:
    """The text of one numpydoc entry: ``name`` under ``section``, or the whole
    section when ``name`` is None (a ``Returns`` section)."""
    lines = inspect.cleandoc(obj.__doc__ or "").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == section) + 2
    body = []
    for line in lines[start:]:
        if line.strip() and set(line.strip()) == {"-"}:
            body.pop()  # the next section's title
            break
        body.append(line)
    if name is None:
        return "\n".join(body)
    entry, inside = [], False
    for line in body:
        if line and not line.startswith(" "):
            inside = line.split(" : ")[0].strip() == name
        if inside:
            entry.append(line)
    assert entry, f"{obj.__name__} documents no '{name}' under {section}"
    return "\n".join(entry)


def _literal_names(text: str) -> tuple[set[str], set[str]]:
    """Names in ``double backticks``: all of them, and those of comma lists."""
    literals = re.findall(r"``([^`]+)``", " ".join(text.split()))
    names, listed = set(), set()
    for literal in literals:
        parts = [p.strip() for p in literal.split(",")]
        if all(re.fullmatch(r"\w+", p) for p in parts):
            names.update(parts)
            if len(parts) > 1:
                listed.update(parts)
    return names, listed


@pytest.fixture(scope="module")
def small_analysis():
    """One small analysis with every optional step: value, segments, stated
    importance, the classical methods, ROI and a plan."""
    import warnings

    s = emomotiv.make_survey(
        n_respondents=800, n_facets=10, random_state=0, stated_form="ratings"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = emomotiv.analyze(
            s.survey,
            s.catalog,
            **s.roles,
            model=emomotiv.DriverModel(n_estimators=20, cv=2),
            n_boot=2,
            progress=False,
            population=1e5,
            budget=1e6,
            min_segment_size=150,
        )
    return s, r


@pytest.fixture(scope="module")
def documented_tables(small_analysis):
    """(owner, section, entry, the table it describes) from one small analysis."""
    s, r = small_analysis
    X, y = s.survey[s.catalog["facet"]], s.survey["connected"]
    stages = dict(zip(s.catalog["facet"], s.catalog["stage"], strict=True))
    model = emomotiv.DriverModel(n_estimators=20, cv=0).fit(X, y)
    em = emomotiv
    return [
        (em.SegmentDrivers, "Attributes", "table", r.segments.table),
        (em.ValueDrivers, "Attributes", "table", r.value_drivers.table),
        (em.PlanResult, "Attributes", "roi", r.plan.roi),
        (em.WaveComparison, "Attributes", "changes", em.compare(r, r).changes),
        (em.StatedComparison, "Attributes", "table", r.stated.table),
        (em.StatedImportance, "Attributes", "table", r.stated.stated.table),
        (em.Diagnostics, "Attributes", "table", r.diagnostics.table),
        (em.compare_importance, "Returns", None, r.stated.table),
        (em.stated_importance, "Returns", None, r.stated.stated.table),
        (em.stage_importance, "Returns", None, r.tables["stages"]),
        (em.shap_importance, "Returns", None, em.shap_importance(model, X).table),
        (em.relative_weights, "Returns", None, em.relative_weights(X, y).table),
        (
            em.shapley_regression,
            "Returns",
            None,
            em.shapley_regression(X, y, groups=stages, random_state=0).table,
        ),
        (em.diagnose_drivers, "Returns", None, em.diagnose_drivers(model, X, y).table),
    ]


def test_docstrings_name_the_columns_the_tables_have(documented_tables):
    """A docstring that lists a table's columns names every column the table
    has, and lists (``a, b, c``) none that it lacks."""
    problems = []
    for owner, section, name, table in documented_tables:
        where = f"{owner.__name__} {section}" + (f" {name}" if name else "")
        names, listed = _literal_names(_doc_entry(owner, section, name))
        columns = set(map(str, table.columns)) | {str(table.index.name)}
        missing = [c for c in map(str, table.columns) if c not in names]
        unknown = sorted(listed - columns)
        if missing:
            problems.append(f"{where} does not name the columns {missing}")
        if unknown:
            problems.append(f"{where} lists columns the table lacks: {unknown}")
    assert not problems, "\n".join(problems)


REPO_FILE = re.compile(
    r"\b(?:benchmarks|notebooks|docs|emomotiv)/[\w./-]+\.(?:py|md|csv)\b"
    r"|\b[A-Z][A-Z_]+\.md\b"
)


def test_files_the_docs_name_exist():
    """The README, the pages and the docstrings name only files the
    repository has (a benchmark, a notebook, a page, DESIGN.md)."""
    texts = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
    texts += sorted((ROOT / "emomotiv").glob("*.py"))
    missing = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in texts
        for name in sorted(set(REPO_FILE.findall(path.read_text(encoding="utf-8"))))
        if not (ROOT / name).exists()
    ]
    assert not missing, "Files named but not in the repository:\n" + "\n".join(missing)


def _doc_pages(readme: bool = True) -> list[Path]:
    """The pages a user reads: the README (unless told not to) and docs/."""
    return ([ROOT / "README.md"] if readme else []) + sorted(DOCS.rglob("*.md"))


SHELL_BLOCK = re.compile(r"```(?:bash|sh|shell|console)\n(.*?)```", re.S)
INLINE_COMMAND = re.compile(r"`(emomotiv [^`]+)`")


def _shell_commands(text: str) -> list[list[str]]:
    """The arguments of every ``emomotiv`` command in the shell blocks of a
    page (continued lines joined, ``&&``, ``;`` and ``|`` split, comments
    dropped), and of every inline one written whole (the command and two
    arguments or more, no ellipsis)."""
    commands = []
    for block in SHELL_BLOCK.findall(text):
        for line in re.sub(r"\\\n", " ", block).splitlines():
            lex = shlex.shlex(line, posix=True, punctuation_chars=True)
            lex.whitespace_split, lex.commenters = True, "#"
            tokens, command = list(lex), []
            for token in [*tokens, ";"]:
                if token in ("&&", ";", "|", "||", "&"):
                    if command[:1] == ["emomotiv"]:
                        commands.append(command[1:])
                    command = []
                else:
                    command.append(token)
    prose = " ".join(re.sub(r"```.*?```", "", text, flags=re.S).split())
    for inline in INLINE_COMMAND.findall(prose):
        args = shlex.split(inline)[1:]
        if len(args) > 2 and not any(a in ("...", "…") for a in args):
            commands.append(args)
    return commands


def test_every_command_the_docs_show_runs_as_written():
    """Each ``emomotiv`` command of a page's shell blocks, and each one
    written whole in its text, parses: its options exist, their values are
    among the choices and no required one (``--out``) is left out."""
    import contextlib
    import io

    failed, n = [], 0
    for path in _doc_pages():
        for args in _shell_commands(path.read_text(encoding="utf-8")):
            n += 1
            err = io.StringIO()
            try:
                with contextlib.redirect_stderr(err), contextlib.redirect_stdout(err):
                    build_parser().parse_args(args)
            except SystemExit as exit_:
                if exit_.code:
                    message = err.getvalue().strip().splitlines()[-1]
                    failed.append(
                        f"{path.relative_to(ROOT)}: {shlex.join(args)}: {message}"
                    )
    assert n >= 20, f"only {n} commands found: is the pattern still right?"
    assert not failed, "Commands in the docs that do not run:\n" + "\n".join(failed)


def test_the_command_check_reads_blocks_and_whole_inline_commands():
    text = (
        "```bash\nemomotiv sample s && emomotiv analyze s/survey.csv \\\n"
        "    --catalog s/facets.csv  # a comment\n```\n"
        "Run `emomotiv analyze --study s/study.toml --out r`; "
        "`emomotiv analyze --study` and `emomotiv catalog --facets ...` are parts."
    )
    assert _shell_commands(text) == [
        ["sample", "s"],
        ["analyze", "s/survey.csv", "--catalog", "s/facets.csv"],
        ["analyze", "--study", "s/study.toml", "--out", "r"],
    ]


# Flags of other tools the pages name (mkdocs build --strict, jupytext --to).
OTHER_FLAGS = {"--strict", "--to"}


def test_every_flag_the_docs_name_exists():
    """A ``--flag`` in the README or a page is an option of an ``emomotiv``
    command, or of a benchmark script (of the one the same code names,
    where it names one): a renamed or removed option leaves no page behind."""
    parser = build_parser()
    subparsers = next(
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    )
    options = {"--help", "--version"} | {
        o
        for sub in subparsers.choices.values()
        for a in sub._actions
        for o in a.option_strings
    }
    benches = {
        p.name: set(re.findall(r"[\"'](--[a-z][a-z0-9-]*)[\"']", p.read_text()))
        for p in (ROOT / "benchmarks").glob("bench_*.py")
    }
    any_bench = set().union(*benches.values())
    flag = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
    unknown = []
    for path in _doc_pages():
        text = " ".join(path.read_text(encoding="utf-8").split())
        for span in re.findall(r"`([^`]+)`", text):
            bench = re.search(r"(bench_\w+\.py)", span)
            for name in flag.findall(span):
                known = benches.get(bench.group(1), set()) if bench else set()
                if not bench:
                    known = options | any_bench | OTHER_FLAGS
                if name not in known:
                    unknown.append(f"{path.relative_to(ROOT)}: {name} in `{span}`")
        for name in flag.findall(re.sub(r"`[^`]+`", " ", text)):
            if name not in options | any_bench | OTHER_FLAGS:
                unknown.append(f"{path.relative_to(ROOT)}: {name}")
    assert not unknown, "Options the docs name that do not exist:\n" + "\n".join(
        unknown
    )


def test_every_name_the_docs_call_exists():
    """``em.name`` and ``emomotiv.module.name`` in the README, the pages and
    the notebooks name something the package has."""
    missing = []
    for path in _prose_files():
        text = path.read_text(encoding="utf-8")
        for name in sorted(set(re.findall(r"\bem\.([A-Za-z_]\w*)", text))):
            if not hasattr(emomotiv, name):
                missing.append(f"{path.relative_to(ROOT)}: em.{name}")
        for module, name in sorted(
            set(re.findall(r"\bemomotiv\.([a-z_]+)\.([A-Za-z_]\w*)", text))
        ):
            if module in _public_modules() and not hasattr(
                importlib.import_module(f"emomotiv.{module}"), name
            ):
                missing.append(f"{path.relative_to(ROOT)}: emomotiv.{module}.{name}")
    assert not missing, "Names the docs use that do not exist:\n" + "\n".join(missing)


def test_summary_keys_the_docs_read_are_on_the_summary_page():
    """``summary["block"]["key"]`` in a page or notebook, for a block of
    ``summary.json``, is a key docs/summary-json.md lists."""
    page = _page_keys((DOCS / "summary-json.md").read_text(encoding="utf-8"))
    blocks = {key for key in page if "." not in key}
    unknown = []
    for path in _prose_files():
        text = path.read_text(encoding="utf-8")
        for keys in re.findall(r"summary((?:\[\"\w+\"\])+)", text):
            parts = re.findall(r"\"(\w+)\"", keys)
            key = ".".join(parts[:2])
            if parts[0] in blocks - {"versions"} and key not in page:
                unknown.append(f"{path.relative_to(ROOT)}: summary{keys}")
    assert not unknown, "Keys not on docs/summary-json.md:\n" + "\n".join(unknown)


def test_readme_layout_lists_every_public_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Project layout")[1].split("\n## ")[0]
    listed = set(re.findall(r"^\| `(\w+)`", layout, re.M))
    assert not set(_public_modules()) - listed, (
        f"README's Project layout leaves out {sorted(set(_public_modules()) - listed)}"
    )


def test_readme_names_every_file_an_analysis_writes(small_analysis, tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("`results/` then holds:")[1].split("\n\n")[1]
    named = set(re.findall(r"`([\w.]+\.(?:csv|json|html|toml))`", table))
    out = emomotiv.save_analysis(small_analysis[1], tmp_path / "results")
    # analyze(wave=...) on a survey of several waves also writes changes.csv
    written = {p.name for p in out.iterdir()} | {"changes.csv"}
    assert not written - named, f"README's results table leaves out {written - named}"


def test_data_contract_names_every_column_of_every_file(small_analysis, tmp_path):
    """The data contract's column-by-column table names each column of each
    CSV file an analysis writes (and of the comparison's changes.csv)."""
    page = (DOCS / "data-contract.md").read_text(encoding="utf-8")
    table = page.split("### The files, column by column")[1].split("\n## ")[0]
    rows = dict(re.findall(r"^\| `([\w.]+\.csv)` \|(.*)$", table, re.M))
    rows["segment_drivers.csv"] = (DOCS / "how-to" / "segments.md").read_text()
    s, r = small_analysis
    out = emomotiv.save_analysis(r, tmp_path / "results")
    columns = {p.name: list(pd.read_csv(p, nrows=0).columns) for p in out.glob("*.csv")}
    columns["changes.csv"] = list(emomotiv.compare(r, r).changes.columns)
    columns["replicates.csv"] = []  # one column per facet
    columns["motivators.csv"] = ["facet", "label"]  # then one per motivator
    missing = {
        name: [c for c in cols if f"`{c}`" not in rows.get(name, "")]
        for name, cols in columns.items()
    }
    missing = {name: cols for name, cols in missing.items() if cols}
    assert not missing, f"docs/data-contract.md does not name the columns {missing}"


def _summary_keys(summary: dict) -> set[str]:
    """``block`` and ``block.key`` for every key of ``summary``."""
    keys = set()
    for block, value in summary.items():
        keys.add(block)
        if isinstance(value, dict) and block not in ("versions",):
            keys |= {f"{block}.{key}" for key in value}
    return keys


def _page_keys(page: str) -> dict[str, str]:
    """Key -> its table row, for every key the summary.json page lists."""
    rows = re.findall(r"^\| `([a-z_0-9.]+)` \|(.*)$", page, flags=re.MULTILINE)
    return dict(rows)


@pytest.fixture(scope="module")
def summaries(small_result):
    """Summaries of three runs that differ in which blocks hold what: every
    step, every step skipped (no roles but the outcome, methods off), and a
    survey of two waves with a value but no satisfaction column."""
    fast = emomotiv.DriverModel(n_estimators=30, cv=2)
    s = emomotiv.make_survey(n_respondents=400, n_facets=8, random_state=1)
    bare = emomotiv.analyze(
        s.survey.drop(columns=["wave"]),
        s.catalog.drop(columns=["stated_importance"]),
        connection="connected",
        model=fast,
        n_boot=3,
        methods=False,
        progress=False,
    )
    w = emomotiv.make_waves(n_respondents=400, n_facets=8, random_state=0)
    waves = emomotiv.analyze(
        w.survey,
        w.catalog,
        connection="connected",
        wave="wave",
        value="value",  # without a satisfaction column: no multiplier
        model=fast,
        n_boot=3,
        methods=False,
        progress=False,
    )
    return {
        "every step": small_result.summary,
        "bare": bare.summary,
        "waves": waves.summary,
    }


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_summary_json_page_lists_every_key(summaries):
    page = _page_keys((ROOT / "docs" / "summary-json.md").read_text())
    for name, summary in summaries.items():
        missing = _summary_keys(summary) - set(page)
        assert not missing, f"{name}: keys not on docs/summary-json.md: {missing}"
    everything = _summary_keys(summaries["every step"]) | _summary_keys(
        summaries["waves"]
    )
    always = {k for k, row in page.items() if "*only when*" not in row}
    assert not always - everything, "documented keys no run writes"
    assert summaries["bare"]["agreement"]["skipped"].startswith("skipped")
    assert all(s["schema_version"] == 1 for s in summaries.values())


def _unseeded_calls(code: str) -> list[str]:
    """The calls ``em.NAME(...)`` in ``code`` of a function or class whose
    ``random_state`` defaults to None, made without ``random_state``; a
    model handed to another call of the library (``analyze(model=
    em.DriverModel())``) takes that call's seed."""
    import ast
    import inspect

    import emomotiv as em

    def of_em(node) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "em"
        )

    calls = [node for node in ast.walk(ast.parse(code)) if of_em(node)]
    handed = {
        id(arg)
        for call in calls
        for arg in [*call.args, *(k.value for k in call.keywords)]
    }
    found = []
    for node in calls:
        if id(node) in handed:
            continue
        target = getattr(em, node.func.attr, None)
        try:
            params = inspect.signature(target).parameters
        except (TypeError, ValueError):
            continue
        seed = params.get("random_state")
        given = {k.arg for k in node.keywords}
        if seed is not None and seed.default is None and "random_state" not in given:
            found.append(f"em.{node.func.attr} (line {node.lineno})")
    return found


@pytest.mark.parametrize("page", [ROOT / "README.md", *GUIDES], ids=lambda p: p.stem)
def test_examples_pass_a_seed_where_the_default_draws_afresh(page):
    """The README's stated_importance and segment_drivers examples, unseeded
    (random_state=None, as scikit-learn's), gave other intervals and shares
    on every run of the same notebook, beside a seeded analyze."""
    code = "\n".join(_python_blocks(page))
    assert _unseeded_calls(code) == []
