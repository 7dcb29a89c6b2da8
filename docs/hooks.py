"""MkDocs hook: write the command-line reference from the argparse parser.

``docs/cli.md`` holds the marker ``<!-- cli-reference -->``; at build time it
is replaced by the ``--help`` text of ``emomotiv`` and of every subcommand,
taken from :func:`emomotiv.cli.build_parser`, so the page cannot drift from
the code. It also sets the notebooks' size for their execution at build time
(:func:`on_config`). Not part of the site (``exclude_docs`` in ``mkdocs.yml``).
"""

from __future__ import annotations

import argparse
import os
import re

MARKER = "<!-- cli-reference -->"
# numpydoc docstrings use Sphinx roles (:func:`name`); MkDocs renders them as
# ":func:<code>name</code>". Keep the code, drop the role and a leading "~".
SPHINX_ROLE = re.compile(r":(?:func|class|meth|mod|attr|obj|data|exc):<code>~?")
WIDTH = "88"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _help(parser: argparse.ArgumentParser) -> str:
    # argparse wraps to the terminal width; fix it so every build is the same.
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        return parser.format_help()
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def cli_reference() -> str:
    """Markdown for every command: its ``--help`` text and an option table."""
    from emomotiv.cli import build_parser

    parser = build_parser()
    parts = ["## `emomotiv`", "", "```text", _help(parser).rstrip(), "```", ""]
    for name, sub in _subcommands(parser).items():
        parts += [f"## `emomotiv {name}`", "", "```text", _help(sub).rstrip(), "```"]
        rows = []
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            name_ = ", ".join(f"`{o}`" for o in action.option_strings) or (
                f"`{action.metavar or action.dest}`"
            )
            positional = not action.option_strings and action.nargs not in ("?", "*")
            required = "yes" if action.required or positional else ""
            default = action.default
            shown = (
                "" if default in (None, False, argparse.SUPPRESS) else f"`{default}`"
            )
            text = (action.help or "").replace("|", "\\|")
            rows.append(f"| {name_} | {required} | {shown} | {text} |")
        if rows:
            parts += [
                "",
                "| option | required | default | meaning |",
                "|---|---|---|---|",
                *rows,
            ]
        parts.append("")
    return "\n".join(parts)


def on_config(config):
    """Run the executed notebooks on the small setting unless told otherwise.

    mkdocs-jupyter executes ``docs/notebooks/*.py`` in a kernel that inherits
    this environment; their parameter cell reads ``EMOMOTIV_NOTEBOOK_SMALL``
    (``0`` publishes them run on the full data). ``EMOMOTIV_DOCS_EXECUTE=0``
    renders them without running them: the test suite's build, whose
    notebooks ``tests/test_notebooks.py`` runs and checks on its own.
    """
    os.environ.setdefault("EMOMOTIV_NOTEBOOK_SMALL", "1")
    if os.environ.get("EMOMOTIV_DOCS_EXECUTE") == "0":
        config.plugins["mkdocs-jupyter"].config["execute"] = False
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER in markdown:
        return markdown.replace(MARKER, cli_reference())
    return markdown


def on_page_content(html: str, page, config, files) -> str:
    return SPHINX_ROLE.sub("<code>", html)
