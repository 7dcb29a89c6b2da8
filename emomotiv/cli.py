"""Command line: thin argument parsing over :mod:`emomotiv.pipeline`.

Exit codes: 0 success, 2 bad input, a refused output folder or a path that
cannot be read or written (the message says what to change), 1 anything
unexpected, 130 stopped by Ctrl-C and 143 by SIGTERM (the output folder left
as it was; a stop while ``analyze --figures`` or ``--excel`` writes says
that the analysis was written, and how to write what was not), 141
when the reader of its output left early (``| head``; what the command
writes to files is written first). A stdout that cannot be written (a log
file on a full disk) does not fail a command that did its work: 0, with a
warning on stderr that only the console's lines were lost.
"""

from __future__ import annotations

import argparse
import csv
import functools
import os
import re
import shlex
import sys
import warnings
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__

if TYPE_CHECKING:
    import pandas as pd

EXAMPLES = """\
examples:
  emomotiv sample data
  emomotiv validate data/survey.csv --catalog data/facets.csv --connection connected
  emomotiv analyze data/survey.csv --catalog data/facets.csv \\
      --connection connected --value value --satisfaction satisfaction \\
      --weight weight --out results
  emomotiv compare results-2026Q2 results-2026Q3 --out changes
  emomotiv analyze data/survey.csv --catalog data/facets.csv \\
      --connection connected --value value --satisfaction satisfaction \\
      --weight weight --population 250000 --budget 500000 --out results

exit codes:
  0    success (also where stdout could not be written: stderr says so)
  2    bad input, a refused output folder, or a path that cannot be read or
       written (the message says what to change)
  1    anything unexpected
  130  stopped by Ctrl-C, 143 by SIGTERM (the output folder left as it was;
       a stop while analyze --figures or --excel writes says that the
       analysis was written, and how to write what was not)
  141  the reader of the output left early (| head)
"""


def _add_study(parser: argparse.ArgumentParser) -> None:
    """``SURVEY`` and ``--study FILE``: the inputs and settings of a study."""
    parser.add_argument(
        "survey",
        metavar="SURVEY",
        nargs="?",
        help="survey file (CSV, Parquet, SPSS, Stata or Excel); optional with "
        "--study when the study file names it",
    )
    parser.add_argument(
        "--study",
        metavar="FILE",
        help="study file (TOML; see 'emomotiv init'): inputs, roles and options, "
        "each under its flag's name with _ for - (--n-boot is n_boot; --seed is "
        "random_state, --control controls, --quiet progress = false, "
        "--no-methods methods = false); flags given on the command line "
        "override it, and each one that changes its value is named",
    )
    parser.add_argument(
        "--unset",
        nargs="+",
        action="extend",
        metavar="KEY",
        help="settings of the study file to leave out, so that they take their "
        "defaults, e.g. --unset budget methods segment (each written as in the "
        "file or as its flag: n_boot or n-boot, random_state or seed)",
    )


def _add_roles(parser: argparse.ArgumentParser) -> None:
    roles = parser.add_argument_group("column roles")
    roles.add_argument(
        "--catalog",
        metavar="FACETS",
        help="facet catalog CSV: one row per facet (facet, label, stage, ...)",
    )
    roles.add_argument(
        "--connection",
        metavar="COL",
        help="emotional-connection outcome column: 0/1, or a numeric score "
        "declared with --connection-kind score",
    )
    roles.add_argument("--value", metavar="COL", help="customer value column (>= 0)")
    roles.add_argument("--satisfaction", metavar="COL", help="satisfaction column")
    roles.add_argument(
        "--weight",
        metavar="COL",
        help="survey weight column (> 0); enters fitting, importance and shares",
    )
    roles.add_argument("--segment", metavar="COL", help="customer segment column")
    roles.add_argument("--wave", metavar="COL", help="survey wave column, e.g. 2026Q3")
    roles.add_argument("--id", metavar="COL", help="respondent id column (unique)")
    reading = parser.add_argument_group("reading the survey")
    reading.add_argument(
        "--connection-kind",
        choices=("auto", "binary", "score"),
        help="what --connection holds: auto accepts 0/1 only and names any "
        "other values it finds; 'score' declares a numeric score (default auto)",
    )
    reading.add_argument(
        "--stated",
        nargs="+",
        metavar="COL",
        help="stated-importance columns not named stated__<facet> (names or "
        "patterns): each is the stated importance of the facet with the same "
        "label (question text, matrix statement) or name",
    )
    reading.add_argument(
        "--connected-values",
        type=_codes,
        metavar="ANSWERS",
        help="for a yes/no --connection: the comma-separated answers that mean "
        'connected, e.g. "Yes" (or "1" where 1 = yes, 2 = no); read as 1, '
        "every other answer as 0; an answer with a comma in double quotes, "
        """e.g. '"Yes, definitely",Sure'""",
    )
    reading.add_argument(
        "--not-experienced",
        type=_codes,
        metavar="CODES",
        help='comma-separated codes that mean "did not experience this '
        'touchpoint" in rating columns, e.g. "n/a,99,0"; other text in a '
        "rating column is an error. The cells so emptied are counted in the "
        "console, summary.json (data.not_experienced) and the report. Where "
        "the catalog gives no scale, 0s that are over a third of a facet's "
        "answers (or a fifth, and more common than any rating) are refused "
        "until 0 is declared here or the catalog gives the scale (scale_min 0 "
        "and scale_max 10). A code on a scale the catalog gives is refused: "
        "declare a code that is a rating in some facets in the catalog's "
        "not_experienced column of the others",
    )
    reading.add_argument(
        "--rating-labels",
        type=_rating_labels,
        action="append",
        metavar="LABELS",
        help="ratings written as answer texts: the scale's labels, lowest first "
        'and comma-separated, e.g. "Very poor,Poor,Fair,Good,Excellent" (read '
        'as 1-5), or each with its number, e.g. "Not at all likely=0,Extremely '
        'likely=10"; repeat the flag for each scale the survey uses',
    )
    _add_file_format(reading)
    reading.add_argument(
        "--catalog-sheet",
        type=_sheet,
        metavar="NAME",
        help="the sheet of an Excel catalog, as --sheet (a catalog on a sheet of "
        "the survey's workbook: --catalog survey.xlsx --catalog-sheet Catalog)",
    )


def _file_format(args: argparse.Namespace) -> dict[str, str]:
    """The ``--encoding``, ``--decimal`` and ``--sheet`` given (the defaults
    otherwise)."""
    given = {"encoding": args.encoding, "decimal": args.decimal, "sheet": args.sheet}
    return {k: v for k, v in given.items() if v is not None}


def _add_file_format(group) -> None:
    """``--encoding``, ``--decimal`` and ``--sheet``: how a file is written."""
    group.add_argument(
        "--encoding",
        metavar="NAME",
        help="text encoding of CSV files (default utf-8; files saved by Excel "
        "on Windows are often cp1252)",
    )
    group.add_argument(
        "--decimal",
        choices=(".", ","),
        metavar="MARK",
        help="decimal mark of CSV files separated by semicolons or tabs, and of "
        "numbers a workbook holds as text: '.' (default) or ',' for numbers "
        "written 7,5",
    )
    group.add_argument(
        "--sheet",
        type=_sheet,
        metavar="NAME",
        help="the sheet of an Excel survey: its name, or its position (0 is the "
        "first, the default)",
    )


def _amount(text: str) -> float:
    """``--budget``, ``--population``, ``--value-per-connected``: a plain
    number; "500k" or "500,000" is refused with the number to give."""
    try:
        return float(text)
    except ValueError:
        plain = text.strip().replace(",", "").replace("_", "").replace(" ", "")
        scale = {"k": 1e3, "m": 1e6}.get(plain[-1:].lower(), 1.0)
        try:
            meant = f"as {float(plain[:-1] if scale != 1.0 else plain) * scale:.0f}"
        except ValueError:
            meant = "e.g. 500000"
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a plain number: give it without units, letters or "
            f"thousands separators, {meant}"
        ) from None


def _sheet(text: str) -> int | str:
    """``--sheet``: a position when it is a whole number, else a name."""
    return int(text) if text.strip().isdigit() else text


def _codes(text: str) -> list[str]:
    """``--not-experienced``, ``--connected-values``: a comma-separated list
    of codes, read as a CSV line: an answer that holds a comma goes in
    double quotes.

    Examples
    --------
    >>> _codes('"Yes, definitely",Sure'), _codes("n/a, 99")
    (['Yes, definitely', 'Sure'], ['n/a', '99'])
    """
    row = next(csv.reader([text], skipinitialspace=True), [])
    codes = [c.strip() for c in row if c.strip()]
    if not codes:
        raise argparse.ArgumentTypeError(
            f'expected comma-separated codes such as "n/a,99", got {text!r}'
        )
    return codes


def _code(text: str) -> float | str:
    """A not-experienced code of ``catalog``: a number, or text ("Don't know")."""
    return float(text) if _is_float(text) else text


def _catalog_codes(text: str) -> list[float | str]:
    """One word of ``catalog --not-experienced``: a code, or comma-separated
    codes as ``analyze`` takes them ("0,99").

    Examples
    --------
    >>> _catalog_codes("0,99"), _catalog_codes("Don't know")
    ([0.0, 99.0], ["Don't know"])
    """
    return [_code(c) for c in _codes(text)]


def _rating_labels(text: str) -> list[str] | dict[str, float]:
    """``--rating-labels``: labels lowest first, or ``label=number`` pairs."""
    items = [c.strip() for c in text.split(",") if c.strip()]
    pairs = [item.rpartition("=") for item in items]
    numbered = [bool(sep) and _is_float(number) for _, sep, number in pairs]
    if len(items) >= 2 and all(numbered):
        return {label.strip(): float(number) for label, _, number in pairs}
    if len(items) >= 2 and not any(numbered):
        return items
    raise argparse.ArgumentTypeError(
        "expected two or more comma-separated labels, lowest first, such as "
        '"Poor,Fair,Good", or each with its number, such as "Poor=1,Good=3"; '
        f"got {text!r}"
    )


def _one_or_several(scales: list | None):
    """Repeated ``--rating-labels``: one scale as it is, several as a list."""
    if not scales:
        return None
    return scales[0] if len(scales) == 1 else scales


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _add_column_lists(parser: argparse.ArgumentParser) -> None:
    """``--facets`` and ``--motivators``: columns named one by one."""
    group = parser.add_argument_group("column lists")
    group.add_argument(
        "--facets",
        nargs="+",
        metavar="COL",
        help="the facet (touchpoint) columns, in place of a --catalog: each "
        "column's name is its label, all in one stage; names, not patterns "
        "(emomotiv catalog --facets 'q5_*' drafts a catalog from patterns)",
    )
    group.add_argument(
        "--motivators",
        nargs="+",
        metavar="COL",
        help="the emotional-motivator columns of the connection score "
        "(default: every motivator__* column)",
    )


def _add_segment_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("segments and wording")
    group.add_argument(
        "--min-segment-size",
        type=int,
        metavar="N",
        help="respondents a --segment value needs for its own driver ranking; "
        "smaller segments are reported, not ranked (default 300)",
    )
    group.add_argument(
        "--outcome-label",
        metavar="TEXT",
        help="how the report and console name the outcome, e.g. "
        "'emotional connection' or 'connected' (default: the --connection "
        "column's name)",
    )


def _rule(text: str) -> str | float:
    """``--connected-rule``: 'auto', 'outcome' or a score threshold."""
    if text in ("auto", "outcome"):
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected 'auto', 'outcome' or a number in [0, 100], got {text!r}"
        ) from None


def _add_stated_value_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("stated importance, connection and value")
    group.add_argument(
        "--stated-form",
        choices=("ratings", "ranks", "maxdiff"),
        help="what stated importance is: ratings on any scale, ranks "
        "(1 = most important) or MaxDiff utilities (default ratings)",
    )
    group.add_argument(
        "--stated-source",
        choices=("auto", "respondents", "catalog"),
        help="per-respondent stated__<facet> columns or the catalog's "
        "stated_importance; auto prefers the columns (default auto)",
    )
    group.add_argument(
        "--stated-scale",
        nargs=2,
        type=float,
        metavar=("LO", "HI"),
        help="stated-rating scale; LO counts as no importance "
        "(default: the lowest rating given, 0 for the catalog)",
    )
    group.add_argument(
        "--derived-threshold",
        type=float,
        metavar="X",
        help="a facet is a derived driver when its importance share exceeds "
        "X times the mean share 1/p (default 1.25)",
    )
    group.add_argument(
        "--stated-threshold",
        type=float,
        metavar="X",
        help="a facet is stated important when its stated share exceeds X "
        "times the mean share (default 1: above average)",
    )
    group.add_argument(
        "--connected-rule",
        type=_rule,
        metavar="RULE",
        help="who is fully connected: 'outcome' (the 0/1 connection column), "
        "or a number T: connection score from the motivators >= T (0-100); "
        "auto (the default): outcome when it is 0/1, else 70",
    )
    group.add_argument(
        "--satisfied-threshold",
        type=float,
        metavar="X",
        help="satisfaction at or above X counts as highly satisfied "
        "(default: top two boxes, e.g. 9-10)",
    )
    _add_value_link_columns(group)


def _add_value_link_columns(group) -> None:
    """The value link's churn and advocacy columns: ``analyze`` reads them,
    ``validate`` checks them as it does."""
    group.add_argument(
        "--churn",
        metavar="COL",
        help="attrition column (0/1 or yes/no): logit on connection; needs --value",
    )
    group.add_argument(
        "--advocacy",
        metavar="COL",
        help="recommendation column (0-10, promoter >= --promoter-threshold) "
        "or a 0/1 promoter flag: logit on connection; needs --value",
    )
    group.add_argument(
        "--promoter-threshold",
        type=float,
        metavar="X",
        help="recommendation at or above X is a promoter (default 9)",
    )


def _add_controls(parser: argparse.ArgumentParser, *, halo: bool = True) -> None:
    from .controls import HALO_METHODS

    if not halo:  # validate: the columns only
        group = parser.add_argument_group("context controls")
    else:
        group = parser.add_argument_group("halo and context controls")
        group.add_argument(
            "--halo",
            choices=HALO_METHODS,
            metavar="MODE",
            help="how each respondent's general warmth is estimated from their "
            "own ratings and held as a control: "
            f"{', '.join(HALO_METHODS)} (default mean; none leaves it out)",
        )
    what = (
        "customer context columns (purpose, product, class, tenure, region, "
        "age; numeric or categorical) the model sees but no scenario moves"
    )
    group.add_argument(
        "--control",
        nargs="+",
        metavar="COL",
        help=f"{what}; scored in controls.csv, never ranked"
        if halo
        else f"{what}: checked as analyze would check them",
    )


# Study fields set by a flag of another name; every other field's flag is
# its name with - for _ (``n_boot``: ``--n-boot``).
_FLAG_OF = {"random_state": "seed", "controls": "control"}
_NEGATED = {"progress": "quiet", "methods": "no_methods"}


def _flag_options(args: argparse.Namespace) -> dict:
    """The flags of ``analyze`` or ``validate`` as :class:`~emomotiv.Study`
    fields; None = not given.

    Every option defaults to None in the parser, so that a flag left out
    keeps the study file's setting (or the ``Study`` default); a command
    without a flag (``validate`` has no ``--n-boot``) leaves its field alone.
    """
    from .study import Study

    given = {}
    for name in Study.__dataclass_fields__:
        if name in _NEGATED:
            flag = getattr(args, _NEGATED[name], None)
            given[name] = None if flag is None else not flag
        else:
            given[name] = getattr(args, _FLAG_OF.get(name, name), None)
    if given["stated_scale"] is not None:
        given["stated_scale"] = tuple(given["stated_scale"])
    given["rating_labels"] = _one_or_several(given["rating_labels"])
    return given


def _study(args: argparse.Namespace):
    """The :class:`~emomotiv.Study` of ``analyze``: the study file, flags on top.

    A study file with keys that are no settings is refused with every other
    problem of the settings at once; a flag that changes a setting the file
    sets is named on stderr (the flag wins).
    """
    from ._validation import ValidationError
    from .study import Study, read_study_file

    if args.study is None:
        study, problems, in_file = Study(), [], set()
    else:
        study, problems, in_file = read_study_file(args.study)
        # the file's inputs from the current folder, as every message names them
        paths = {
            name: _from_here(getattr(study, name))
            for name in ("survey", "catalog")
            if isinstance(getattr(study, name), str)
        }
        study = study.replace(**paths)
    given = {k: v for k, v in _flag_options(args).items() if v is not None}
    unset = _unset(args, given)
    # where each setting was written, for the messages about it (see main)
    args.places = _places(args.study, in_file - set(unset), given)
    _say_overrides(args.study, study, given, in_file)
    _say_unset(args.study, study, unset, in_file)
    study = study.replace(**unset, **given)
    missing = [
        hint
        for value, hint in (
            (study.survey, "SURVEY (or survey in the study file's [inputs])"),
            (study.connection, "--connection (or connection in [roles])"),
            (
                study.catalog or study.facets,
                "--catalog FACETS (or catalog in [inputs], or facets in [roles])",
            ),
        )
        if value is None
    ]
    command = args.command
    both = []
    if study.catalog is not None and study.facets is not None:  # one is dropped
        both.append(
            f"{command} takes the facets from a catalog "
            f"('{_from_here(study.catalog)}') or "
            f"from a list of columns ({len(study.facets)} given), not both: the "
            "facets are the catalog's rows. Drop --facets (facets in [roles]) "
            "or --catalog (catalog in [inputs])"
            + "".join(
                f", or leave out the study file's {name} with --unset {name}"
                for name, other in (("catalog", "facets"), ("facets", "catalog"))
                if name in in_file and name not in given and other in given
            )
            + "."
        )
    if problems and (missing or both):  # with every problem of the settings
        needs = [f"{command} needs {hint}." for hint in missing]
        raise ValidationError(
            _placed(problems + study.problems(command), args.places) + needs + both,
            subject=f"study file '{args.study}'",
        )
    if missing:
        raise ValueError(f"{command} needs {' and '.join(missing)}.")
    if both:
        raise ValueError(both[0])
    # the file's own problems (unknown keys and tables) are named with the
    # problems of the settings and the data, in one message (see _checked)
    args.study_problems = [f"'{args.study}': {p}" for p in problems]
    # the study file's inputs, moved or renamed since it was written
    gone = {
        name: path
        for name, path in (("survey", study.survey), ("catalog", study.catalog))
        if name not in given
        and isinstance(path, str | os.PathLike)
        and not Path(path).exists()
    }
    if gone:
        flags = " ".join(
            flag
            for name, flag in (("survey", "SURVEY"), ("catalog", "--catalog FILE"))
            if name in gone
        )
        out = f" --out {shlex.quote(args.out)}" if getattr(args, "out", None) else ""
        # each path as the file writes it, and where it was looked for
        folder = Path(args.study).resolve().parent
        written = {name: _path_from(path, folder) for name, path in gone.items()}
        named = " and ".join(f"the {name} '{w}'" for name, w in written.items())
        # where it was looked for: the study file's path as given, then the
        # input as the file writes it (a whole path as it is)
        looked = ", ".join(
            f"'{os.path.normpath(Path(args.study).parent / w)}'"
            for w in written.values()
        )
        raise ValueError(
            f"The study file '{args.study}' names {named}, "
            f"which {'does' if len(gone) == 1 else 'do'} not exist ([inputs] "
            f"paths are taken from the study file's folder: {looked}). Correct "
            f"[inputs] in the study file, or give {'it' if len(gone) == 1 else 'them'} "
            "on the command line: "
            f"emomotiv {args.command} {flags} --study {args.study}{out}."
        )
    # a rerun, or validate checking what that rerun would run
    changed = (
        {} if args.study is None else _changed_inputs(Path(args.study), study, given)
    )
    if changed:
        out = f" --out {shlex.quote(args.out)}" if getattr(args, "out", None) else ""
        flags = " ".join(
            shlex.quote(path) if name == "survey" else f"--catalog {shlex.quote(path)}"
            for name, path in changed.items()
        )
        named = " and ".join(f"the {name} '{path}'" for name, path in changed.items())
        raise ValueError(
            f"{named[0].upper()}{named[1:]} changed since the run in "
            f"'{Path(args.study).parent}' read {'it' if len(changed) == 1 else 'them'} "
            "(its SHA-256 differs from the one summary.json records), so the "
            "study file cannot repeat that run. Put back the file the run read, "
            f"or give it on the command line to {_verb(args.command)} it as it "
            f"is now: emomotiv {args.command} {flags} --study {args.study}{out}."
        )
    return study


def _verb(command: str) -> str:
    """What ``command`` does to a survey: validate checks it, analyze
    analyses it."""
    return "check" if command == "validate" else "analyse"


def _changed_inputs(study_file: Path, study, given) -> dict[str, str]:
    """The study's input files (not given on the command line) that differ
    from what the run beside ``study_file`` read: its ``summary.json``
    records each file's path and SHA-256. Empty where there is no such
    summary (a study file of one's own) or it names other files."""
    import json

    from .io import file_fingerprints

    try:
        recorded = json.loads((study_file.parent / "summary.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    inputs = recorded.get("inputs") if isinstance(recorded, dict) else None
    changed = {}
    for name in ("survey", "catalog"):
        then = (inputs or {}).get(name)
        path = getattr(study, name)
        if name in given or not isinstance(then, dict) or path is None:
            continue
        now = file_fingerprints(file=path)["file"]
        same_file = now is not None and now["path"] == then.get("path")
        if same_file and now["sha256"] != then.get("sha256"):
            changed[name] = str(path)
    return changed


def _places(file, in_file: set[str], given: dict) -> dict[str, str]:
    """Where each setting was written: its flag, or the study ``file``'s
    table and key ("'study.toml' [options] n_boot"); the flags win."""
    from .study import Study, _tables

    tables = _tables(Study)
    places = {name: f"'{file}' [{tables[name]}] {name}" for name in in_file}
    for name in given:
        places[name] = _flag(name)
    return places


def _flag(name: str) -> str:
    """The command line's name of the setting ``name``: its flag, or SURVEY
    for the positional argument (there is no --survey flag)."""
    if name == "survey":
        return "SURVEY"
    return "--" + _NEGATED.get(name, _FLAG_OF.get(name, name)).replace("_", "-")


# A problem about one setting, as the library words it for Python ("The
# 'n_boot' parameter of analyze must be ...", "The 'weight' role must be
# ...", "The 'churn' option (--churn) needs ..."), and one about the column
# a role names ("The weight column 'wieght' is not in the survey.") or an
# input ("Cannot read the survey: ...", "The survey must be ...").
_SETTING_PROBLEM = re.compile(
    r"^(?P<lead>\s*(?:- )?)The '(?P<name>\w+)' (?:parameter of \S+|role|option)"
    r"(?: \(--[^)]*\))?",
    re.MULTILINE,
)
_COLUMN_PROBLEM = re.compile(
    r"^(?P<line>\s*(?:- )?(?:The (?P<name>\w+) column '"
    r"|(?:Cannot read the |The )(?P<input>survey|catalog)\b(?::| must be)).*)$",
    re.MULTILINE,
)


def _placed(problems, places: dict[str, str]):
    """``problems`` (a message, or a list of them) with each setting named
    where the user wrote it (see :func:`_places`): the study file's table
    and key, or the flag, rather than a parameter of a Python function.

    Examples
    --------
    >>> _placed(["The 'n_boot' parameter of analyze must be an int >= 0. "
    ...          "Got 'ten' instead."], {"n_boot": "'study.toml' [options] n_boot"})
    ["'study.toml' [options] n_boot must be an int >= 0. Got 'ten' instead."]
    >>> print(_placed("The weight column 'wieght' is not in the survey.",
    ...               {"weight": "'s.toml' [roles] weight"}))
    The weight column 'wieght' is not in the survey. (set in 's.toml' [roles] weight)
    """
    if not isinstance(problems, str):
        return [_placed(p, places) for p in problems]

    def setting(match: re.Match) -> str:
        place = places.get(match["name"])
        return match[0] if place is None else match["lead"] + place

    def column(match: re.Match) -> str:
        place = places.get(match["name"] or match["input"])
        if place is None or not place.startswith("'"):  # a flag names itself
            return match[0]
        return f"{match['line']} (set in {place})"

    return _COLUMN_PROBLEM.sub(column, _SETTING_PROBLEM.sub(setting, problems))


def _checked(args: argparse.Namespace, study):
    """The survey and catalog of ``study``, checked with the study file's
    own problems (see :func:`_study`): one error naming them all, about
    the study file where every problem is one of its settings; and the
    survey as validated (None for several waves, each checked apart)."""
    from ._validation import ValidationError
    from .pipeline import _checked_inputs

    try:
        checked = _checked_inputs(
            study.survey, study.catalog, study, args.study_problems
        )
    except ValidationError as err:
        ours = [_placed(p, args.places) for p in err.problems]
        mine = f"'{args.study}'"
        if args.study is not None and all(p.startswith(mine) for p in ours):
            raise ValidationError(ours, subject=f"study file {mine}") from None
        raise
    return checked


def _unset(args: argparse.Namespace, given: dict) -> dict:
    """The settings ``--unset`` names, each with its default.

    A key is written as in a study file (``n_boot``) or as its flag
    (``n-boot``, ``seed``, ``quiet``); every key that is no setting, or that
    a flag also sets, is named at once.
    """
    import dataclasses

    from ._validation import ValidationError, did_you_mean
    from .study import Study, _tables

    if not args.unset:
        return {}
    if args.study is None:
        raise ValueError(
            "--unset leaves out settings of a study file, and no --study is "
            "given: leave out --unset, or add --study FILE."
        )
    keys = _tables(Study)
    aliases = {_FLAG_OF.get(k, k): k for k in keys} | {
        flag: name for name, flag in _NEGATED.items()
    }
    defaults = {f.name: f.default for f in dataclasses.fields(Study)}
    unset, problems = {}, []
    for key in args.unset:
        name = key.strip().lstrip("-").replace("-", "_")
        name = aliases.get(name, name)
        if name not in keys:
            problems.append(
                f"--unset {key}: no such setting." + did_you_mean(name, aliases)
            )
        elif name in given:
            flag = _flag(name)
            problems.append(
                f"--unset {key} and {flag} both set {name}: give one of them."
            )
        else:
            unset[name] = defaults[name]
    if problems:
        raise ValidationError(problems, subject="--unset option")
    return unset


def _say_unset(file, study, unset: dict, in_file: set[str]) -> None:
    """Name on stderr each setting ``--unset`` takes back to its default,
    and each it names that the study ``file`` does not set, or sets to its
    default."""
    from .study import _is_default

    kept = {
        name
        for name, default in unset.items()
        if name in in_file and _is_default(getattr(study, name), default)
    }
    changed = [
        f"{name} = {_as_setting(study, name)} -> "
        + ("(none)" if default is None else _as_toml(default))
        for name, default in unset.items()
        if name in in_file and name not in kept
    ]
    idle = [name for name in unset if name not in in_file or name in kept]
    lines = []
    if changed:
        lines.append(
            f"notice: --unset leaves out settings of the study file '{file}': "
            f"{'; '.join(changed)}."
        )
    if idle:
        lines.append(
            f"notice: the study file '{file}' does not set "
            f"{', '.join(idle)}{' other than to the default' if kept else ''}: "
            "--unset changes nothing there."
        )
    for line in lines:
        print(_safe(line, MESSAGE_WIDTH), file=sys.stderr)


def _say_overrides(file, study, given: dict, in_file: set[str]) -> None:
    """Name on stderr each setting of the study ``file`` that a flag changes."""

    def same(name: str) -> bool:
        before, after = getattr(study, name), given[name]
        if name in ("survey", "catalog"):  # the file's paths are absolute
            return Path(before).resolve() == Path(after).resolve()
        return before == after

    changed = [
        f"{name} = {_as_setting(study, name)} -> {_as_toml(given[name])}"
        for name in sorted(in_file & set(given))
        if not same(name)
    ]
    if changed:
        print(
            _safe(
                f"notice: the command line's flags override the study file "
                f"'{file}': {'; '.join(changed)}.",
                MESSAGE_WIDTH,
            ),
            file=sys.stderr,
        )


def _as_setting(study, name: str) -> str:
    """A setting of the study file as a notice shows it: its input paths
    (absolute once read) from the current folder, as the paths given on the
    command line are, so that the two compare."""
    value = getattr(study, name)
    if name in ("survey", "catalog") and isinstance(value, str):
        value = _from_here(value)
    return _as_toml(value)


def _from_here(path: str | os.PathLike) -> str:
    """``path`` relative to the current folder, where it lies under it or
    near it ('../q1/survey.csv'); else as it is.

    Examples
    --------
    >>> _from_here(Path.cwd() / "q1" / "survey.csv") == str(Path("q1", "survey.csv"))
    True
    """
    try:
        relative = os.path.relpath(path)
    except (ValueError, OSError):  # another drive; no current folder
        return str(path)
    up = Path(relative).parts[:3].count("..")
    return relative if up < 3 else str(path)


def _as_toml(value) -> str:
    """A setting as a study file writes it (``true``, ``[1, 5]``)."""
    from .study import _plain, _toml_value

    try:
        return _toml_value(_plain(value))
    except TypeError:
        return repr(value)


def _reading(args: argparse.Namespace) -> dict:
    """The flags given on how to read the survey (see :func:`_flag_options`)."""
    reading = (
        "connection_kind",
        "connected_values",
        "not_experienced",
        "rating_labels",
        "stated",
        "encoding",
        "decimal",
        "sheet",
        "catalog_sheet",
    )
    given = _flag_options(args)
    return {k: given[k] for k in reading if given[k] is not None}


def build_parser() -> argparse.ArgumentParser:
    """The ``emomotiv`` argument parser.

    The documentation's command-line reference is generated from it.

    Examples
    --------
    >>> args = build_parser().parse_args(
    ...     ["analyze", "survey.csv", "--catalog", "facets.csv",
    ...      "--connection", "connected", "--out", "results"]
    ... )
    >>> args.command, args.connection, args.study
    ('analyze', 'connected', None)
    """
    parser = argparse.ArgumentParser(
        prog="emomotiv",
        description=(
            "Find which customer-experience touchpoints drive emotional "
            "connection, and what improving each one is worth."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"emomotiv {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sample = sub.add_parser(
        "sample",
        help="write the bundled sample survey and facet catalog",
        description="Write DIR/survey.csv and DIR/facets.csv: the bundled sample "
        "(5,000 respondents x 100 facets, synthetic, with known drivers).",
    )
    sample.add_argument("dir", metavar="DIR", help="folder to write into (created)")
    sample.add_argument(
        "--force",
        action="store_true",
        help="replace survey.csv and facets.csv if present",
    )

    validate = sub.add_parser(
        "validate",
        help="check a survey against its catalog and roles",
        description="Check a survey and list every problem at once, in every "
        "wave: the same data checks analyze runs before fitting. Writes nothing.",
    )
    _add_study(validate)
    _add_roles(validate)
    _add_column_lists(validate)
    _add_controls(validate, halo=False)
    _add_value_link_columns(validate.add_argument_group("value link"))

    analyze = sub.add_parser(
        "analyze",
        help="run the driver analysis and write tables and a report",
        description="Fit the driver model, rank facets by derived importance and "
        "write drivers.csv, summary.json, report.html and the model to --out.",
    )
    _add_study(analyze)
    _add_roles(analyze)
    _add_column_lists(analyze)
    options = analyze.add_argument_group("analysis")
    options.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help="random seed; the same seed gives the same results (default 0)",
    )
    options.add_argument(
        "--n-boot",
        type=int,
        metavar="N",
        help="bootstrap resamples for importance intervals, rank intervals and "
        "p_top, ROI and plan intervals; 0 turns the bootstrap off (default 100)",
    )
    options.add_argument(
        "--level",
        type=float,
        metavar="X",
        help="coverage of every bootstrap interval (importance, rank, ROI, plan, "
        "value), between 0 and 1, e.g. 0.95 (default 0.9)",
    )
    options.add_argument(
        "--boot-size",
        type=int,
        metavar="N",
        help="respondents each bootstrap resample draws (default: all); fewer "
        "make an m-out-of-n bootstrap with intervals rescaled to the whole "
        "survey, for surveys of hundreds of thousands of respondents",
    )
    options.add_argument(
        "--n-jobs",
        type=int,
        metavar="N",
        help="threads for the bootstrap's refits and scenarios; the results do "
        "not depend on it (default: every core)",
    )
    options.add_argument(
        "--cv",
        type=int,
        metavar="K",
        help="cross-validation folds of the reported model fit (driver and value "
        "models); 0 = none (default 5)",
    )
    options.add_argument(
        "--quiet",
        action="store_true",
        default=None,
        help="no progress bar while the bootstrap runs (there is none when "
        "stderr is not a terminal: a log file, a pipe, a scheduled job)",
    )
    options.add_argument(
        "--no-methods",
        action="store_true",
        default=None,
        help="skip the classical methods (relative weights, Shapley regression, "
        "betas, correlations) and their agreement with SHAP",
    )
    _add_controls(analyze)
    _add_stated_value_options(analyze)
    _add_segment_options(analyze)
    plan = analyze.add_argument_group("return on improvement")
    plan.add_argument(
        "--population",
        type=_amount,
        metavar="N",
        help="customers the survey represents; turns each facet's simulated gain "
        "in the connected share into value and ROI (roi.csv; default: none, "
        "gains as shares only)",
    )
    plan.add_argument(
        "--budget",
        type=_amount,
        metavar="X",
        help="money for improvements; writes plan.csv: the priced facets, "
        "'selected' marking those whose one-at-a-time expected gains (in value "
        "less cost with --population, else in the connected share) add up to "
        "the most within the budget, then simulated together (default: none, "
        "no plan)",
    )
    plan.add_argument(
        "--value-per-connected",
        type=_amount,
        metavar="X",
        help="incremental value of a connected customer, or of one point of a "
        "score outcome (default: from the value link, else the mean value gap "
        "between connected and unconnected respondents in --value; for a score, "
        "the slope of --value on it)",
    )
    plan.add_argument(
        "--gains",
        choices=("model", "debiased"),
        metavar="MODE",
        help="every simulated gain (roi.csv, the plan, segment_drivers.csv, "
        "value_drivers.csv): model (the default), the models' own; debiased, "
        "plus the one-step correction of what their trees left of each "
        "facet's effect (nearer the true effect on synthetic surveys, with "
        "intervals two to three and a half times wider; needs --n-boot above 0)",
    )
    _add_currency(plan)
    options.add_argument("--out", required=True, metavar="DIR", help="output folder")
    options.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty output folder: the files of an earlier "
        "emomotiv run there are replaced as a whole, other files are left "
        "alone and named; refused on /, the home folder, a folder holding "
        "the inputs and one holding a comparison",
    )
    options.add_argument(
        "--figures",
        action="store_true",
        help="also write each chart of the report as DIR/figures/NAME.png and "
        "NAME.svg, for slides (as 'emomotiv report DIR --figures')",
    )
    _add_excel(options)
    _add_compare(sub)
    _add_init(sub)
    _add_catalog(sub)
    _add_report(sub)
    return parser


def _add_currency(group, default: str = " (default: amounts as numbers)") -> None:
    group.add_argument(
        "--currency",
        metavar="SIGN",
        help="the currency of the value column, costs and budget, printed before "
        "each amount: '€' gives €1.2 m, 'EUR' EUR 1.2 m; it converts nothing" + default,
    )


def _add_excel(group) -> None:
    group.add_argument(
        "--excel",
        action="store_true",
        help="also write the tables as one Excel workbook, DIR/tables.xlsx, a "
        'sheet each (needs openpyxl: pip install "emomotiv[excel]")',
    )


def _add_report(sub) -> None:
    report = sub.add_parser(
        "report",
        help="re-render report.html of a saved analysis or comparison, no refit",
        description="Write DIR/report.html again from the tables and summary in "
        "DIR (after an upgrade, or with another title or outcome label); "
        "nothing is refitted.",
    )
    report.add_argument(
        "dir", metavar="DIR", help="folder written by 'analyze' or 'compare'"
    )
    report.add_argument(
        "--title",
        metavar="TEXT",
        help="the report's title, for this re-render only (default: "
        "'Emotional connection drivers' for an analysis, or 'Drivers of "
        "\u201cLABEL\u201d' for an outcome labelled other than connection; "
        "'What moved from BEFORE to AFTER', naming its waves, for a comparison)",
    )
    report.add_argument(
        "--outcome-label",
        metavar="TEXT",
        help="what the outcome is called in the report, of an analysis or a "
        "comparison (e.g. 'a promoter'; default: the run's --outcome-label, "
        "else the outcome column's name)",
    )
    report.add_argument(
        "--pdf",
        action="store_true",
        help="also print DIR/report.pdf with a headless Chromium or Chrome "
        "(when one is installed)",
    )
    report.add_argument(
        "--figures",
        action="store_true",
        help="also write each chart as DIR/figures/NAME.png and NAME.svg (for "
        "slides): drivers, roi, plan, stages, ...",
    )
    _add_excel(report)
    report.add_argument(
        "--force",
        action="store_true",
        help="write the report, the workbook, the PDF or the figures again "
        "though changed since the run wrote them (a report annotated by hand, "
        "a workbook in Excel): those edits are then replaced",
    )
    _add_currency(
        report,
        "; for this re-render only (default: the currency the run was analysed "
        "with, else amounts as numbers)",
    )


def _report(args: argparse.Namespace) -> int:
    from ._validation import preview
    from .io import (
        MANIFEST_FILE,
        WORKBOOK_FILE,
        check_manifest,
        foreign_files,
        held,
        update_manifest,
    )
    from .report import Report

    folder = Path(args.dir)
    args.places = {"currency": "--currency", "title": "--title"}
    manifest = (folder / MANIFEST_FILE).is_file()
    listed = {}
    if manifest:  # a run's files as written (its derived ones aside), or a refusal
        listed = check_manifest(folder)
    else:  # written before manifests: whole, or a part of a run
        _refuse_a_part(folder)
    asked = {"report.pdf": args.pdf, "figures": args.figures, WORKBOOK_FILE: args.excel}
    # a derived file the run wrote is this command's to write again; changed
    # since (a workbook annotated in Excel), only with --force; a file of the
    # user's never
    names = [name for name, on in asked.items() if on]
    problems = _not_the_runs(folder, names, rewritable=listed)
    if problems:
        raise FileExistsError(problems[0])
    # the report too, where the manifest can tell it was edited (notes for
    # the board added by hand)
    mine = ["report.html"] if manifest else []
    edited = [] if args.force else foreign_files(folder, mine + names)
    if edited:
        raise FileExistsError(
            f"'{folder}' holds {preview(edited, 5)}, which the run wrote and "
            "which changed since (edits made by hand or in Excel?): pass "
            "--force to write them again, replacing those edits, or move them "
            "away first."
        )
    cannot = _excel_problems() if args.excel else []
    if cannot:
        raise ValueError(cannot[0])
    options = {
        k: v
        for k, v in (
            ("title", args.title),
            ("currency", args.currency),
            ("outcome_label", args.outcome_label),
        )
        if v is not None
    }
    report = Report.from_folder(folder, **options)
    try:
        html = report.html()
    except (KeyError, ValueError, FileNotFoundError, TypeError) as err:
        written = _written_by(folder)
        raise ValueError(
            f"Cannot re-render the report of '{folder}', written by emomotiv "
            f"{written} (this is {__version__}): {type(err).__name__}: {err}. "
            "Run the analysis again with this version."
        ) from None
    target = folder / "report.html"
    staged = folder / ".report.html.tmp"
    with held(staged):
        staged.write_text(html, encoding="utf-8")
        staged.replace(target)
    print(f"Wrote {target}.")
    rewritten = ["report.html"]
    if args.pdf:
        # the run's own PDF, which the checks above let be written again
        pdf = report.write_pdf(folder / "report.pdf", force=True)
        rewritten.append("report.pdf")
        print(f"Wrote {pdf}.")
    if args.figures:
        figures = _save_figures(report, folder)
        rewritten += figures
        print(f"Wrote {len(figures)} figures to {folder / 'figures'}.")
    if args.excel:
        rewritten.append(_workbook_of(folder))
        print(f"Wrote {folder / rewritten[-1]}.")
    if manifest:
        update_manifest(folder, rewritten)
    return 0


def _refuse_a_part(folder: Path) -> None:
    """Refuse an output folder without a manifest that lacks files every
    analysis writes (a copy cut short, files deleted): its report would
    look like a finished run's. A comparison's folder is left to
    :meth:`emomotiv.Report.from_folder`."""
    from ._validation import preview
    from .tracking import ANALYSIS_FILES

    if not folder.is_dir() or (folder / "changes.csv").is_file():
        return
    if not (folder / "summary.json").is_file():
        return  # from_folder says what it is not
    missing = [name for name in ANALYSIS_FILES if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"Cannot re-render the report of '{folder}', written by emomotiv "
            f"{_written_by(folder)}: it is not a whole analysis, it has no "
            f"manifest.json and lacks {preview(missing)}, which every analysis "
            "writes (a copy cut short, or files deleted). Copy the whole "
            "folder again, or run the analysis again."
        )


def _not_the_runs(
    folder: Path, names: list[str], rewritable: Collection[str] = ()
) -> list[str]:
    """A problem naming the files at ``names`` (files or folders of
    ``folder``) that a command would write over but that the run there did
    not write or that changed since, or none. The derived files among
    ``rewritable`` (those the run's manifest lists) may have changed."""
    from ._validation import preview
    from .io import foreign_files, is_derived

    theirs = [
        name
        for name in foreign_files(folder, names)
        if not (name in rewritable and is_derived(name))
    ]
    if not theirs:
        return []
    return [
        f"'{folder}' holds {preview(theirs, 5)}, which this run would write "
        "over, and which the emomotiv run there did not write or which "
        "changed since. Move or delete them, or copy the folder elsewhere."
    ]


def _save_figures(report, folder: Path) -> list[str]:
    """Write ``report``'s charts into ``folder/figures``; their paths
    relative to ``folder``, for the manifest.

    The charts are drawn into a staging folder of their own and moved in
    once all are drawn: a run stopped while drawing (Ctrl-C) leaves no
    half set in ``figures``, which the manifest would not list and a later
    ``--figures`` would refuse to write over.
    """
    import shutil
    import tempfile

    from .io import _moving, held

    staging = Path(tempfile.mkdtemp(prefix=".figures-", dir=folder))
    try:
        with held(staging):
            drawn = report.save_figures(staging)
            target = folder / "figures"
            target.mkdir(exist_ok=True)
            with _moving(target):
                for path in drawn:
                    path.replace(target / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [f"figures/{path.name}" for path in drawn]


def _excel_problems() -> list[str]:
    """Why ``--excel`` cannot be done, said before any work: openpyxl missing."""
    import importlib.util

    from .readers import missing_package

    if importlib.util.find_spec("openpyxl") is not None:
        return []
    need = missing_package("openpyxl", "excel", "Excel workbooks", "Writing")
    return [f"--excel: {need} Or leave --excel out: the tables are in the CSV files."]


def _workbook_of(folder: Path) -> str:
    """Write the tables of the run in ``folder`` (its CSV files, as
    :func:`emomotiv.load_analysis` reads them) as one workbook, a sheet each;
    the workbook's name, for the manifest. The replicates are left out: they
    are the bootstrap's raw material, not a table to read."""
    import json

    from .io import (
        REPLICATES_FILE,
        TABLE_ORDER,
        WORKBOOK_FILE,
        _in_table_order,
        _read_manifest,
        about_sheet,
        read_saved_table,
        write_workbook,
    )

    # without a manifest (a run of 0.1), the tables a run writes: never a
    # file of the user's beside them (the survey itself, perhaps)
    listed = list(_read_manifest(folder))
    names = listed or [f"{name}.csv" for name in TABLE_ORDER]
    csvs = [
        Path(name).stem
        for name in names
        if name.endswith(".csv")
        and "/" not in name
        and name != REPLICATES_FILE
        and (folder / name).is_file()
    ]
    tables = {
        name: read_saved_table(folder / f"{name}.csv") for name in _in_table_order(csvs)
    }
    try:  # what the tables are of, as the workbook's last sheet
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        summary = None
    if isinstance(summary, dict) and "about" not in tables:
        tables["about"] = about_sheet(summary)
    if not isinstance(summary, dict):
        summary = None
    # the run's own workbook, which the caller has checked may be written again
    write_workbook(tables, folder / WORKBOOK_FILE, summary=summary, force=True)
    return WORKBOOK_FILE


def _written_by(folder: Path) -> str:
    """The emomotiv version that wrote a saved analysis, if it says."""
    import json

    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        return str(summary["versions"]["emomotiv"])
    except (OSError, ValueError, KeyError, TypeError):
        return "an unknown version"


def _add_catalog(sub) -> None:
    catalog = sub.add_parser(
        "catalog",
        help="draft a facet catalog from a labelled survey file",
        description="Write a facet catalog (facet, label, stage, scale_min, "
        "scale_max) for the rating columns of SURVEY: labels from the variable "
        "labels or question texts, the scale from the value labels (else the "
        "one analyze reads from the answers: the smallest of 1-5, 1-7, 1-10 and "
        "0-10 that holds them). Fill in the stages, then pass it as --catalog.",
    )
    catalog.add_argument("survey", metavar="SURVEY", help="survey file")
    catalog.add_argument(
        "--facets",
        required=True,
        metavar="PATTERN",
        help="the rating columns: names or shell patterns, comma-separated "
        "(e.g. 'q5_*,q7_*')",
    )
    catalog.add_argument(
        "--not-experienced",
        nargs="+",
        type=_catalog_codes,
        metavar="CODE",
        help="codes meaning 'did not experience' (e.g. 0 99, \"0,99\" as "
        'analyze takes them, or "Don\'t know"): not part of the scale; in SPSS '
        "and Stata files they become empty cells",
    )
    catalog.add_argument(
        "--rating-labels",
        type=_rating_labels,
        action="append",
        metavar="LABELS",
        help="ratings written as answer texts: the scale's labels, lowest first "
        'and comma-separated (e.g. "Poor,Fair,Good,Very good,Excellent"); the '
        "scale is their range",
    )
    catalog.add_argument(
        "--out",
        default="facets.csv",
        metavar="FILE",
        help="catalog file to write (default facets.csv)",
    )
    catalog.add_argument(
        "--force", action="store_true", help="replace FILE if it exists"
    )
    _add_file_format(catalog)


def _new_file(path: str, *, force: bool, inputs: dict[str, str | None]) -> Path:
    """``path``, refused when it exists (unless ``force``) and always when it
    is one of the files the command reads (``inputs``: what -> path)."""
    out = Path(path)
    for what, source in inputs.items():
        if source and out.exists() and Path(source).exists() and out.samefile(source):
            raise FileExistsError(
                f"'{out}' is the {what} this command reads; write to another file."
            )
    if out.is_dir():
        raise FileExistsError(
            f"'{out}' is a folder; --out names the file to write ('{out / 'NAME'}')."
        )
    if out.exists() and not force:
        raise FileExistsError(f"'{out}' already exists; pass --force to replace it.")
    return out


def _catalog(args: argparse.Namespace) -> int:
    from ._validation import preview
    from .readers import (
        apply_rating_labels,
        draft_catalog,
        guess_rating_labels,
        read_survey,
        select_columns,
    )
    from .schema import scale_as_written

    out = _new_file(args.out, force=args.force, inputs={"survey": args.survey})
    codes = [c for word in args.not_experienced or () for c in word] or None
    survey = read_survey(args.survey, not_experienced=codes, **_file_format(args))
    facets = select_columns(survey.columns, args.facets)
    if args.rating_labels:
        labels = _one_or_several(args.rating_labels)
        survey = apply_rating_labels(survey, facets, labels)
    table = draft_catalog(survey, facets, not_experienced=codes)
    out.parent.mkdir(parents=True, exist_ok=True)
    # with a byte-order mark, as Excel saves "CSV UTF-8": the draft is filled
    # in there, and Excel reads a file without one in the system's code page
    table.to_csv(out, index=False, encoding="utf-8-sig")
    facets = f"{len(table)} facet{'' if len(table) == 1 else 's'}"
    print(f"Wrote {out}: {facets}. Fill in 'stage' (journey order),")
    print("check the labels and scales, then pass it as --catalog.")
    unscaled = table.loc[table["scale_min"].isna(), "facet"]
    texts = {f: _texts_in(survey[f]) for f in unscaled}
    texts = {f: t for f, t in texts.items() if t}
    if texts:
        answers = sorted({t for found in texts.values() for t in found})
        scale = scale_as_written(guess_rating_labels(answers) or [], answers)
        hint = (
            f'; if they are a scale\'s labels, add --rating-labels "{",".join(scale)}"'
            if scale and not args.rating_labels
            else ""
        )
        print(
            _safe(
                f"warning: {len(texts)} facets hold text, not ratings, and have "
                f"no scale: {preview(list(texts))} ({preview(answers)}){hint}."
            ),
            file=sys.stderr,
        )
    return 0


def _texts_in(column) -> list[str]:
    """The answers of a rating column that are text, not numbers."""
    import pandas as pd

    values = column.dropna()
    text = values[pd.to_numeric(values, errors="coerce").isna()]
    return sorted({str(v).strip() for v in text} - {""})  # spaces: an empty cell


def _add_init(sub) -> None:
    init = sub.add_parser(
        "init",
        help="write a commented starter study file from a survey's columns",
        description="Write a study file (TOML) for SURVEY: roles guessed from the "
        "column names, the remaining columns listed as likely facets, every "
        "option at its default. Edit it, then run "
        "'emomotiv analyze --study FILE --out DIR'.",
    )
    init.add_argument("survey", metavar="SURVEY", help="survey file")
    init.add_argument(
        "--catalog",
        metavar="FACETS",
        help="facet catalog to name in the file (default: facets.csv beside "
        "SURVEY when there is one)",
    )
    init.add_argument(
        "--out",
        default="study.toml",
        metavar="FILE",
        help="study file to write (default study.toml)",
    )
    init.add_argument("--force", action="store_true", help="replace FILE if it exists")
    _add_file_format(init)


def _init(args: argparse.Namespace) -> int:
    import pandas as pd

    from .io import DECIMAL_COMMA_HINT, read_table
    from .readers import platform_columns, yes_answer
    from .schema import infer_scales
    from .study import MAX_SEGMENTS, draft_study, guess_roles, reads_badly_as_outcome

    inputs = {"survey": args.survey, "catalog": args.catalog}
    out = _new_file(args.out, force=args.force, inputs=inputs)
    if args.catalog is not None and not Path(args.catalog).is_file():
        raise FileNotFoundError(
            f"No such catalog: '{args.catalog}'. Give the facet catalog's path "
            "with --catalog, or leave it out (facets.csv beside the survey is "
            "taken when there is one)."
        )
    given = _file_format(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        survey = read_table(args.survey, **given)
    # a file with semicolons or tabs between its columns whose first row has
    # a decimal comma (the reader's notice), and a column of such numbers
    hinted = any(DECIMAL_COMMA_HINT in str(said.message) for said in caught)
    commas = "decimal" not in given and hinted and _decimal_commas(survey)
    if commas:  # the file's numbers are written 7,5: read, and set, as such
        given["decimal"] = ","
        survey = read_table(args.survey, **given)
    else:
        for said in caught:
            warnings.warn(said.message, said.category, stacklevel=1)
    catalog = args.catalog
    if catalog is None and (Path(args.survey).parent / "facets.csv").is_file():
        catalog = str(Path(args.survey).parent / "facets.csv")
    here = out.resolve().parent

    def relative(path: str | None) -> str | None:
        return None if path is None else _path_from(path, here)

    empty = [str(c) for c in survey.columns if survey[c].isna().all()]
    # numbers read as text for a "Don't know" among them: numbers, and the
    # non-answers of ratings declared not experienced, as validation would ask
    mixed = _numbers_with_non_answers(survey.drop(columns=empty))
    if mixed:
        survey = survey.copy()
        for column, words in mixed.items():
            answered = ~survey[column].astype(str).str.strip().isin(words)
            survey[column] = pd.to_numeric(survey[column].where(answered))
    numeric = [
        str(c) for c in survey.select_dtypes("number").columns if str(c) not in empty
    ]
    not_ratings = [c for c in numeric if not _rating_like(survey[c])]
    # amounts saved as shown ("£1,234.50"): the likely value, which
    # validation then asks to be saved as numbers
    not_ratings += [
        str(c)
        for c in survey.columns
        if str(c) not in numeric + empty and _amounts_as_text(survey[c])
    ]
    labelled, labels, skipped = _labelled_columns(survey.drop(columns=numeric + empty))
    rated = [c for c in mixed if c not in not_ratings]
    skipped = sorted({*skipped, *(word for c in rated for word in mixed[c])})
    many = [  # free text, dates, ids: too many answers to be segments
        str(c)
        for c in survey.columns
        if str(c) not in numeric + empty + labelled + not_ratings
        and survey[c].nunique() > MAX_SEGMENTS
    ]
    # a platform's question texts, else an SPSS or Stata file's variable labels
    read = survey.attrs.get("emomotiv", {})
    questions = (read.get("labels") or {}) | (read.get("questions") or {})
    roles = guess_roles([str(c) for c in survey.columns], questions)
    outcome = roles.get("connection")
    yes = yes_answer(survey[outcome].dropna().unique()) if outcome else None
    # numbers beyond two answers (a 1-5 "how connected"): a score, as analyze
    # reads it; a yes/no in two numbers (0/1, 1/2) with a few codes (9 for
    # "don't know") stays for validate to name, most answers being the two
    answers = pd.to_numeric(survey[outcome], errors="coerce") if outcome else None
    score = bool(
        outcome in numeric
        and yes is None
        and answers.nunique() > 2
        and answers.value_counts(normalize=True).iloc[:2].sum() < 0.8
    )
    ratings = [c for c in numeric if c not in not_ratings] + labelled
    # an id, or a 0/1 outcome, holds a 0 that is no rating
    codes, mixed_codes = _rating_codes(
        survey, [c for c in ratings if c not in roles.values()]
    )
    skipped += [c for c in codes if c not in skipped]
    stated = _stated_columns(survey, ratings)
    ranked = _stated_ranks(survey, stated)
    text = draft_study(
        [str(c) for c in survey.columns],
        survey=relative(args.survey),
        catalog=relative(catalog),
        numeric=numeric,
        labelled=[c for c in labelled if c not in stated],
        left_out=survey.attrs.get("emomotiv", {}).get("platform")
        or platform_columns(survey.columns),
        stated=stated,
        empty=empty,
        not_ratings=not_ratings,
        many_answers=many,
        ranked=_catalog_facets(catalog, given),
        scales=infer_scales({c: survey[c].dropna() for c in numeric}),
        questions=questions,
        mixed_codes=mixed_codes,
        options=given
        | ({"rating_labels": labels} if labels else {})
        | ({"not_experienced": skipped} if skipped else {})
        | ({"connected_values": [yes]} if yes else {})
        | ({"connection_kind": "score"} if score else {})
        | ({"stated_form": "ranks"} if ranked else {})
        | (
            # not "Q40" or a question; a score is a degree, not a yes
            {
                "outcome_label": "emotional connection"
                if score
                else "emotionally connected"
            }
            if outcome
            and (
                reads_badly_as_outcome(outcome)
                or outcome not in guess_roles([outcome]).values()
            )
            else {}
        ),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    read = survey.attrs.get("emomotiv", {}).get("sheet")
    if read:  # which sheet of a workbook the guesses come from
        print(_safe(read))
    if commas:
        print(
            "Numbers in the survey are written with decimal commas (7,5): the "
            'study file reads them so (decimal = ",").'
        )
    if outcome is None:
        print(
            f"Wrote {out}: no connection column was recognised by its name; set "
            "'connection = \"COLUMN\"' in its [roles] (the 0/1 or score column "
            "of emotional connection), check the other roles, then run"
        )
    else:
        print(f"Wrote {out}: check the guessed roles, then run")
    study = shlex.quote(str(out))
    print(f"  emomotiv validate --study {study}    # checks it against the data")
    print(f"  emomotiv analyze --study {study} --out results")
    return 0


def _decimal_commas(survey) -> bool:
    """Whether a text column of ``survey`` holds only numbers, some written
    with a decimal comma (``7,5``) and none with three digits after it (a
    thousands separator as often), and no column was read as numbers with a
    decimal point (``1.048``): a file read with decimal points whose numbers
    are written with commas, not one that writes points (where ``1,3`` is a
    multiple-choice answer's list of codes).

    Examples
    --------
    >>> import pandas as pd
    >>> _decimal_commas(pd.DataFrame({"value": ["7,5", "12", None], "q1": [1, 2, 3]}))
    True
    >>> _decimal_commas(pd.DataFrame({"name": ["7,5", "Paris"]}))
    False
    >>> _decimal_commas(pd.DataFrame({"picked": ["1,3", "2"], "wt": [1.048, 0.9]}))
    False
    """
    numbers = survey.select_dtypes("number")
    if (numbers.fillna(0) % 1 != 0).any().any():  # read with decimal points
        return False
    number = r"\s*[+-]?\d+(,\d+)?\s*"
    grouped = r"\s*[+-]?\d+,\d{3}\s*"
    for column in survey.select_dtypes(exclude="number").columns:
        cells = survey[column].dropna().astype(str)
        cells = cells[cells.str.strip() != ""]
        if (
            len(cells)
            and cells.str.fullmatch(number).all()
            and cells.str.contains(",").any()
            and not cells.str.fullmatch(grouped).any()
        ):
            return True
    return False


def _path_from(path: str | os.PathLike, folder: Path) -> str:
    """``path`` as a study file in ``folder`` names it: relative to the
    folder, or absolute where the two share no folder but the root (or lie
    on two drives), rather than a climb to the root.

    Examples
    --------
    >>> _path_from("/data/q3/survey.csv", Path("/data/studies"))
    '../q3/survey.csv'
    >>> _path_from("/data/q3/survey.csv", Path("/tmp"))
    '/data/q3/survey.csv'
    """
    target = Path(path).resolve()
    try:
        shared = Path(os.path.commonpath([target, folder]))
    except ValueError:  # two drives
        return target.as_posix()
    if shared == Path(shared.anchor):
        return target.as_posix()
    return Path(os.path.relpath(target, folder)).as_posix()


# A number whose name speaks of one of these is customer context, not a
# rating ("Age", "Tenure_years", "Number of products").
_NOT_RATING_WORD = re.compile(
    r"\b(age|tenure|years?|months?|weeks?|days?|count|number|income|children)\b",
    re.IGNORECASE,
)


def _amounts_as_text(column) -> bool:
    """Whether a text column holds amounts as a spreadsheet shows them, with
    a currency sign or their thousands separated ("£1,234.50", "1.234,56 €"),
    in nine of ten answers or more."""
    from .schema import CURRENCY, GROUPED

    values = column.dropna()
    values = values[values.map(lambda v: isinstance(v, str))]
    if values.empty or len(values) < 0.9 * column.notna().sum():
        return False  # no text at all: dates, booleans, numbers
    values = values.astype(str).str.strip()
    shown = values.map(lambda v: bool(CURRENCY.search(v) or GROUPED.match(v)))
    return bool(shown.mean() >= 0.9)


def _rating_codes(
    survey: pd.DataFrame, ratings: list[str]
) -> tuple[list[str], dict[str, tuple[list[str], list[str]]]]:
    """The numbers that look like codes for "not applicable" in the numeric
    rating columns, as validation reads them (see
    :func:`~emomotiv.schema.infer_scale`): values off the scale read, such
    as 99 or -1, and a 0 that is too common to be a rating (see
    :func:`~emomotiv.schema._zero_counts`), as text: the study file's
    ``not_experienced``, for the codes that are a rating in no column. The
    others (a 0 common in 1-5 columns, and a rating of 0-10 ones), apart:
    code -> (the columns where it is a code, those where it is a rating),
    for the catalog's ``not_experienced`` column: declared for the whole
    file, they would empty ratings."""
    import pandas as pd

    from .schema import _zero_counts, infer_scales

    found: dict[float, list[str]] = {}
    rated: dict[str, pd.Series] = {}
    for column in ratings:
        values = survey[column].dropna()
        if pd.api.types.is_numeric_dtype(values) and not values.empty:
            rated[column] = values
    for column, (lo, hi) in infer_scales(rated).items():
        values = rated[column]
        off = values[(values < lo) | (values > hi)].unique().tolist()
        if (lo, hi) == (0.0, 10.0) and _zero_counts(values)[2]:
            off.append(0.0)
        for code in off:
            found.setdefault(float(code), []).append(column)
    codes, mixed = [], {}
    for code, columns in found.items():
        also = [c for c, v in rated.items() if c not in columns and (v == code).any()]
        if also:
            mixed[f"{code:g}"] = (columns, also)
        else:
            codes.append(f"{code:g}")
    return codes, mixed


def _rating_like(column) -> bool:
    """Whether a numeric column could hold ratings: whole numbers up to 10
    (or means of items within 0-10, see :func:`_means_of_items`), or up to
    100 from 10 or below (a 0-100 scale) unless named as an age, a duration
    or a count; not only 0 and 1 (not an amount, an age, a tenure
    in years, a large count or a 0/1 flag). Ratings beside the codes
    exports write for "not applicable" (99, 98, 999, -1, read off the
    scale by :func:`~emomotiv.schema.infer_scale`) are ratings, whatever
    the name."""
    from .schema import COMMON_SCALES, SCORE_CODES, _past_common, infer_scale

    values = column.dropna()
    whole = bool((values == values.round()).all())
    flag = set(values.unique()) <= {0, 1}
    if values.between(0, 10).all():  # a common scale, whatever its name says
        return (whole or _means_of_items(values)) and not flag
    scale = infer_scale(values) if len(values) else None
    off = values[~values.between(*scale)] if scale else values
    codes = (off.isin(list(SCORE_CODES)) | (off < 0)).all()
    common = scale in COMMON_SCALES or _past_common(scale)  # or 1-11, -1 to 10
    if common and codes:  # ratings, and codes such as 99 or -1
        return whole and not flag
    named = _NOT_RATING_WORD.search(str(column.name).replace("_", " "))
    wide = values.min() <= 10 and values.between(0, 100).all()
    return whole and bool(wide) and not named


def _means_of_items(values) -> bool:
    """Whether numbers with decimals are ratings: means of 2 to 10 items
    (7.33, 9.67 for 3; 7.5 for 2 or 4), each on a step of a half, a third,
    ... a tenth as written to two decimals, with a median of 2 or more (a
    weight's is about 1, a share's below 1).

    Examples
    --------
    >>> import pandas as pd
    >>> _means_of_items(pd.Series([7.33, 9.67, 4.0, 1.33]))
    True
    >>> _means_of_items(pd.Series([0.85, 1.12, 1.4, 0.97]))  # weights
    False
    """
    if values.empty or values.median() < 2:
        return False
    for items in range(2, 11):
        steps = values * items
        if ((steps - steps.round()).abs() <= 0.005 * items + 1e-9).all():
            return True
    return False


# A question that asks how important something is ("How important is each
# of the following to you?").
# (German "Wichtigkeit", "sehr wichtig"; French "importance"; Spanish and
# Italian "importancia", "importanza")
_IMPORTANCE = re.compile(
    r"\b(importan(t|ce|cia|te|za)|wichtig(keit)?)\b", re.IGNORECASE
)


def _stated_columns(survey: pd.DataFrame, ratings: list[str]) -> list[str]:
    """The rating columns that ask for importance, whose labels are those of
    other rating columns: a platform's importance matrix beside its rating
    matrix (the ``stated`` role). A column asks for importance when its
    question says so or its answers are an importance scale's words."""
    import pandas as pd

    from .readers import guess_rating_labels, stated_facets

    questions = survey.attrs.get("emomotiv", {}).get("questions", {})

    def importance(column: str) -> bool:
        # the question as the export gives it, else as the column is named
        if _IMPORTANCE.search(questions.get(column) or str(column)):
            return True
        if pd.api.types.is_numeric_dtype(survey[column]):
            return False
        scale = guess_rating_labels(survey[column].dropna().unique()) or []
        return any(_IMPORTANCE.search(label) for label in scale)

    asked = [c for c in ratings if importance(c)]
    if not asked:
        return []
    facets = {c: None for c in ratings if c not in asked}
    return list(stated_facets(survey, asked, facets)[0])


def _stated_ranks(survey: pd.DataFrame, stated: Sequence[str]) -> bool:
    """Whether the stated importance columns (``stated__<facet>`` and those
    of ``stated``) hold ranks, as a "rank your top 3" question writes them:
    whole numbers from 1 to at most the number of columns, none used twice
    by a respondent, the facets not ranked left empty, and someone ranking
    three or more. Read as ratings, ranks come out reversed (1 = most
    important).

    Examples
    --------
    >>> import pandas as pd
    >>> top = pd.DataFrame({"stated__a": [1, None, 2], "stated__b": [2, 1, None],
    ...                     "stated__c": [3, 2, 1], "stated__d": [None, 3, 3]})
    >>> _stated_ranks(top, []), _stated_ranks(top.replace(3, 2), [])
    (True, False)
    """
    import numpy as np
    import pandas as pd

    from .schema import STATED_PREFIX

    columns = [c for c in survey.columns if str(c).startswith(STATED_PREFIX)]
    columns += [c for c in stated if c in survey.columns and c not in columns]
    cells = survey[columns]
    if len(columns) < 3 or not all(map(pd.api.types.is_numeric_dtype, cells.dtypes)):
        return False
    values = cells.to_numpy(dtype=float, na_value=np.nan)
    seen = ~np.isnan(values)
    ranks = values[seen]
    return bool(
        (seen.sum(axis=1) >= 3).any()
        and (ranks >= 1).all()
        and (ranks <= len(columns)).all()
        and (ranks == np.round(ranks)).all()
        and (cells.nunique(axis=1) == seen.sum(axis=1)).all()
    )


def _catalog_facets(catalog: str | None, given: dict) -> list[str] | None:
    """The facets a catalog names, or None where it cannot be read (analyze
    and validate then name its problems)."""
    from ._validation import ValidationError
    from .io import read_table

    if catalog is None:
        return None
    try:
        table = read_table(catalog, **given)
    except (ValidationError, OSError, ValueError, UnicodeError):
        return None
    if "facet" not in table.columns:
        return None
    return [str(f) for f in table["facet"].dropna()]


def _numbers_with_non_answers(survey: pd.DataFrame) -> dict[str, list[str]]:
    """The text columns that hold numbers beside non-answers only ("7",
    "Don't know", "k. A."), read as text for those: each one's non-answers.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"app": ["7", "Don't know"], "city": ["a", "1"]})
    >>> _numbers_with_non_answers(survey)
    {'app': ["Don't know"]}
    """
    from .readers import NON_ANSWER, _is_numeric_text

    found = {}
    for column in survey.select_dtypes(exclude="number").columns:
        answers = survey[column].dropna().unique()
        words = {str(a).strip() for a in answers if not _is_numeric_text(a)}
        if words and len(words) < len(answers) and all(map(NON_ANSWER.search, words)):
            found[str(column)] = sorted(words)
    return found


def _labelled_columns(text: pd.DataFrame) -> tuple[list[str], Any, list[str]]:
    """The text columns that hold ratings as words, how to read them and the
    non-answers ("Don't know") in them.

    Words of common scales (see :func:`emomotiv.readers.guess_rating_labels`)
    give the labels of each scale found, lowest first, the scale most
    columns use first; else answers that start with their number ("1 - Very
    poor", see :func:`emomotiv.readers.numbered_labels`) give each label's
    number.
    """
    from .readers import NON_ANSWER, guess_rating_labels, numbered_labels

    answers = {str(c): text[c].dropna().unique() for c in text}
    guesses = {c: guess_rating_labels(a) for c, a in answers.items()}
    scales = [tuple(g) for g in guesses.values() if g]
    if scales:
        columns = [c for c, g in guesses.items() if g]
        kinds = sorted(set(scales), key=lambda k: (-scales.count(k), scales.index(k)))
        labels: Any = list(kinds[0]) if len(kinds) == 1 else [list(k) for k in kinds]
    else:
        numbered = {c: numbered_labels(a) for c, a in answers.items()}
        columns = [c for c, n in numbered.items() if n]
        labels = {k: v for c in columns for k, v in numbered[c].items()}
    skipped = {
        str(a).strip()
        for c in columns
        for a in answers[c]
        if isinstance(a, str) and NON_ANSWER.search(a)
    }
    return columns, labels or None, sorted(skipped)


def _add_compare(sub) -> None:
    compare = sub.add_parser(
        "compare",
        help="compare two saved analyses: what moved between two waves",
        description="Compare two folders written by `emomotiv analyze`: per facet "
        "the change in importance with an interval, a flag when it is beyond "
        "noise (corrected for the number of facets), rank movements and KPI "
        "trends. Writes changes.csv, summary.json and report.html to --out.",
    )
    compare.add_argument("before", metavar="DIR_BEFORE", help="earlier analysis")
    compare.add_argument("after", metavar="DIR_AFTER", help="later analysis")
    compare.add_argument("--out", required=True, metavar="DIR", help="output folder")
    compare.add_argument(
        "--alpha",
        type=float,
        default=0.05,
        metavar="A",
        help="error rate of the flags; intervals at level 1 - A (default 0.05)",
    )
    compare.add_argument(
        "--correction",
        choices=["holm", "fdr_bh", "none"],
        default="holm",
        help="multiple-comparison correction over the facets (default holm: "
        "at most A chance of any false flag; fdr_bh: at most a share A of "
        "the flags false)",
    )
    compare.add_argument(
        "--labels",
        nargs=2,
        metavar=("BEFORE", "AFTER"),
        help="names of the two waves in the report and summary (default: each "
        "analysis's wave label, else its folder's name, or its path where the "
        "two names are alike)",
    )
    compare.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty output folder: the files of an earlier "
        "comparison there are replaced as a whole, other files are left alone; "
        "refused on a folder holding an analysis",
    )
    _add_excel(compare)


# Terminal safety: text from the data (labels, column names, values) is
# printed without control characters, so an escape sequence in a label cannot
# drive the terminal, and long text is cut; the files keep the full text.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LABEL_WIDTH = 40
LINE_WIDTH = 400
# the library's own errors, warnings and notices: sentences that name paths
# and the way out, cut only where a line would flood the terminal
MESSAGE_WIDTH = 4000


def _safe(text: object, width: int = LINE_WIDTH) -> str:
    """``text`` fit for a terminal: no control characters, lines cut to
    ``width`` characters in their middle, so that a message keeps its start
    and the command it ends with.

    Examples
    --------
    >>> _safe("\x1b[31mred\x1b[0m and\x07 bell")
    'red and bell'
    >>> _safe("abcdefghijklmnopqrstuvwxyz", width=10)
    'abcd…vwxyz'
    """
    text = _clean(text)
    head = (width - 1) // 2
    return "\n".join(
        line if len(line) <= width else line[:head] + "…" + line[head + 1 - width :]
        for line in text.split("\n")
    )


def _clean(text: object) -> str:
    """``text`` without escape sequences or control characters (tabs as spaces)."""
    return _CONTROL.sub("", _ESCAPE.sub("", str(text)).replace("\t", " "))


def _label(text: object) -> str:
    """A label for a table row on the terminal: one line, its end cut to fit."""
    line = _clean(str(text).replace("\n", " ").replace("\r", " "))
    return line if len(line) <= LABEL_WIDTH else line[: LABEL_WIDTH - 1] + "…"


def _print_tracking(
    tracking: dict, changes, words: dict | None = None, stages=None
) -> None:
    """What moved between two waves; the outcome named by ``words``
    (:func:`_words`), else by the comparison's label; the journey stages'
    changes from ``stages`` (the stage-changes table), else by name from
    ``tracking["stages"]``."""
    from ._wording import outcome_words
    from .report import (
        _magnitude,
        _pct,
        kpi_name,
        setting_notes,
        touchpoint_notes,
        wave_currencies,
    )

    if words is None:
        words = outcome_words(_console_label(tracking.get("outcome_label")), '""')
    waves = tracking["waves"]
    notes = setting_notes(tracking)
    if notes:
        print("The two analyses were not run alike:")
        for line in notes:
            print(f"  {_safe(line)}")
    if tracking.get("uncertainty") == "none":
        print(
            f"From {waves['before']} to {waves['after']}: {tracking['n_facets']} "
            "facets compared without intervals (neither analysis has bootstrap "
            "replicates that vary), so no move can be told from noise: run "
            "both with --n-boot 100."
        )
    else:
        print(
            f"From {waves['before']} to {waves['after']}: "
            f"{tracking['n_flagged']} of {tracking['n_facets']} facets moved "
            "beyond noise."
        )
    compared = {str(waves["before"]), str(waves["after"])}
    others = [w for w in tracking.get("waves_in_survey") or [] if w not in compared]
    if others:  # analyze --wave reads the latest two of the survey's waves
        print(
            f"  (also in the survey, not compared: {', '.join(map(str, others))}; "
            "analyse each wave apart and compare any two saved analyses)"
        )
    detectable = tracking.get("detectable_change")
    if detectable:
        print(
            f"  (a share had to move by about {100 * detectable:.1f} points to be "
            "flagged, the median over the facets: a smaller change goes unflagged)"
        )
    flagged = changes[changes["flagged"]]
    for row in flagged.head(10).itertuples():
        print(
            f"  {_label(row.label):<40} {_pct(row.importance_before):>6} -> "
            f"{_pct(row.importance_after):>6}  (rank {row.rank_before} -> "
            f"{row.rank_after})"
        )
    if len(flagged) > 10:
        print(f"  ({len(flagged) - 10:,} more flagged in changes.csv)")
    for line in touchpoint_notes(tracking, changes):
        print(_safe(line))
    for line in _stage_lines(tracking, stages):
        print(_safe(line))
    sizes = tracking.get("sample_size") or {}
    if sizes.get("before") and sizes.get("after"):
        print(f"Respondents: {sizes['before']:,} -> {sizes['after']:,}")
    kpis = tracking["kpis"]
    if kpis:
        tested = any("beyond_noise" in kpi for kpi in kpis.values())
        if tested and len(kpis) == 1:
            print("Headline measures:")
        else:
            print(
                "Headline measures"
                + (
                    f" (only {words['share']} is tested against noise):"
                    if tested
                    else " (not tested against noise):"
                )
            )
    noise = {True: " (beyond noise)", False: " (within noise)"}
    # each wave's amounts in its own currency where the two runs set two
    currency = wave_currencies(tracking)
    for name, kpi in kpis.items():
        # both waves' amounts at one precision: "12.4k -> 9.8k", not "-> 9,800"
        scale = _magnitude(kpi["before"], kpi["after"])
        before, after = (
            _kpi(name, kpi[side], currency[side], scale)
            + _kpi_interval(name, kpi, side, currency[side], scale)
            for side in ("before", "after")
        )
        name_of = kpi_name(name, words, tracking.get("score_label"))
        why = (
            " (the score's range differs: no change given)"
            if kpi.get("scales_differ")
            else " (the currencies differ: no change given)"
            if kpi.get("currencies_differ")
            else ""
        )
        print(
            f"  {_safe(name_of)}: {before} -> {after}"
            f"{noise.get(kpi.get('beyond_noise'), '')}{why}"
        )


def _stage_lines(tracking: Mapping[str, Any], stages=None) -> list[str]:
    """The console's lines on the journey stages of a comparison: those that
    moved beyond noise with their change and interval (by name alone
    without the ``stages`` table), or that none did; then one line for each
    stage whose touchpoints differ between the waves."""
    from .report import _points

    brief = tracking.get("stages")
    if not isinstance(brief, Mapping):
        return []
    rows = {}
    if stages is not None:
        rows = {str(r["stage"]): r for r in stages.to_dict("records")}
    up = [str(s) for s in brief["flagged"]["up"]]
    moved = [*up, *(str(s) for s in brief["flagged"]["down"])]
    moved = sorted(moved, key=list(rows).index) if set(moved) <= set(rows) else moved
    level = f"{1 - tracking.get('alpha', 0.05):.0%}"
    n = brief["n_compared"]
    parts = []
    for name in moved:
        row = rows.get(name)
        if row is None:
            parts.append(f"{_label(name)} ({'up' if name in up else 'down'})")
            continue
        low, high = _points(row["change_low"]), _points(row["change_high"])
        change = _points(row["change"])
        parts.append(f"{_label(name)} {change} ({level} interval {low} to {high})")
    no_errors = (
        stages["se_change"].isna().all()
        if stages is not None and "se_change" in stages
        else tracking.get("uncertainty") == "none"
    )
    if parts:
        lines = [
            f"Journey stages moved beyond noise ({len(parts)} of {n}): "
            + "; ".join(parts)
            + "."
        ]
    elif no_errors:
        lines = [
            f"{n} journey stages compared without intervals: none can be "
            "told from noise."
        ]
    else:
        lines = [f"No journey stage moved beyond noise ({n} stages compared)."]
    lines += [
        f"  Stage '{_label(name)}': its touchpoints differ between the waves, so "
        "its share compares different things."
        for name in brief.get("regrouped") or []
    ]
    return lines


def _kpi_interval(
    name: str,
    kpi: Mapping[str, Any],
    side: str,
    currency: str | None = None,
    scale: float | None = None,
) -> str:
    """A wave's own interval of a headline measure, as " [low, high]", where
    its analysis holds one (the value per connected customer); else ""."""
    low, high = kpi.get(f"{side}_low"), kpi.get(f"{side}_high")
    if low is None or high is None:
        return ""
    return f" [{_kpi(name, low, currency, scale)}, {_kpi(name, high, currency, scale)}]"


def _kpi(
    name: str, value: float, currency: str | None = None, scale: float | None = None
) -> str:
    """A headline measure as the report prints it: shares in %, values as
    money (at the precision of ``scale``, the larger of the two waves'),
    other numbers to two decimals."""
    from .report import _money, _pct, kpi_kind

    kind = kpi_kind(name)
    if kind == "share":
        return _pct(value)
    if kind == "money":
        return _money(value, scale, currency=currency)
    return f"{value:,.2f}"


def _console_label(label: object) -> str | None:
    """An outcome's label fit for a terminal (:func:`_safe`), or None."""
    return None if label is None else _safe(label, LABEL_WIDTH)


def _words(summary: dict) -> dict[str, str]:
    """How the console names the outcome (:func:`emomotiv._wording.outcome_words`,
    straight quotes); a score outcome's connected customers are the
    motivators', in the words of connection, and the value through the
    score is named by its label."""
    from ._wording import outcome_words
    from .report import outcome_label, score_outcome

    label = _console_label(outcome_label(summary))
    return outcome_words(label, '""', score=score_outcome(summary))


def _compare(args: argparse.Namespace) -> int:
    from .io import WORKBOOK_FILE, output_lock, output_problems, save_comparison
    from .report import DIFFERENT_OUTCOMES
    from .tracking import _folder_problems, compare

    # every check before the work, in one message: the two inputs and the folder
    problems = _folder_problems(Path(args.before), "before")
    problems += _folder_problems(Path(args.after), "after")
    labels = [label.strip() for label in args.labels or ()]
    if labels and (not all(labels) or labels[0] == labels[1]):
        problems.append(
            f"--labels names the two waves in the report and the summary, so "
            f"they must be two different, non-blank names; got {args.labels[0]!r} "
            f"and {args.labels[1]!r}. Give e.g. --labels 2026Q2 2026Q3."
        )
    folder = output_problems(
        args.out,
        force=args.force,
        inputs=[args.before, args.after],
        kind="comparison",
    )
    if args.force and args.excel:
        folder += _not_the_runs(Path(args.out), [WORKBOOK_FILE])
    if args.excel:
        folder += _excel_problems()
    _refuse(problems, folder, "comparison", "comparison", out=args.out)
    with output_lock(args.out), warnings.catch_warnings():
        # said below, first of the settings that differ
        warnings.filterwarnings("ignore", DIFFERENT_OUTCOMES, UserWarning)
        comparison = compare(
            args.before,
            args.after,
            alpha=args.alpha,
            correction=args.correction,
            labels=args.labels,
        )
        out = save_comparison(comparison, args.out, force=args.force)
        if args.excel:
            _workbook_after_run(out, "comparison")
    # the outcome by its label
    _print_tracking(comparison.summary, comparison.changes, stages=comparison.stages)
    _print_written(out)
    return 0


def _refuse(
    inputs: list[str],
    folder: list[str],
    run: str,
    subject: str = "input",
    *,
    out: str | os.PathLike,
    context: str | None = None,
) -> None:
    """Raise one error naming every problem with the ``inputs`` (their
    ``subject``, found where ``context`` says) and the output folder ``out``
    (its problems ``folder``), or return when there is none.

    One problem with the folder alone is said as it is, without calling it
    a problem of the input; several are listed as the folder's; with
    problems of the inputs too, the message is about the ``run``.
    """
    from ._validation import ValidationError

    if inputs:
        subject = run if folder else subject
        raise ValidationError([*inputs, *folder], subject=subject, context=context)
    if len(folder) > 1:
        raise ValidationError(folder, subject=f"output folder '{out}'")
    if folder:
        raise ValueError(folder[0])


def _print_written(out: Path) -> None:
    """The files of this run, as its manifest lists them."""
    from .io import check_manifest

    names = sorted([*check_manifest(out), "manifest.json"])
    figures = [n for n in names if n.startswith("figures/")]
    names = [n for n in names if n not in figures]
    if figures:  # one entry for the charts, not a line of them
        names.append(f"{len(figures)} figures/")
    print(_safe(f"Wrote {', '.join(names)} to {out}/", width=2000))


def _sample(args: argparse.Namespace) -> int:
    from .datasets import load_sample

    out = Path(args.dir)
    targets = [out / "survey.csv", out / "facets.csv"]
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"'{out}' is a file; name a folder to write into.")
    existing = [str(p) for p in targets if p.exists()]
    if existing and not args.force:
        one = len(existing) == 1
        raise FileExistsError(
            f"{' and '.join(existing)} already exist{'s' if one else ''}; pass "
            f"--force to replace {'it' if one else 'them'}."
        )
    sample = load_sample()
    out.mkdir(parents=True, exist_ok=True)
    sample.survey.to_csv(targets[0], index=False)
    sample.catalog.to_csv(targets[1], index=False)
    print(
        f"Wrote {targets[0]} ({len(sample.survey):,} respondents) and {targets[1]} "
        f"({len(sample.catalog)} facets)."
    )
    print(
        f"Next: emomotiv analyze {targets[0]} --catalog {targets[1]} "
        "--connection connected --value value --satisfaction satisfaction "
        "--weight weight --out results"
    )
    return 0


def _validate(args: argparse.Namespace) -> int:
    from ._validation import check_weights
    from .controls import MIN_FACETS, _reversed_warnings
    from .pipeline import _reading_notes, _schema_roles, check_stated, unrated_warnings
    from .readers import label_order_warnings
    from .schema import SurveySchema, weight_line, weight_warnings

    study = _study(args)
    survey, catalog, data = _checked(args, study)
    if data is not None:  # stated importance, read as analyze will read it
        check_stated(data, catalog, study)
    schema = SurveySchema.infer(survey, catalog, **_schema_roles(study))
    roles = ", ".join(
        f"{k}={v}"
        for k, v in schema.roles().items()
        if k not in ("motivators", "stated")
    )
    # the outcomes the value tiers read, checked above as the other roles are
    for name in ("churn", "advocacy"):
        if getattr(study, name) is not None:
            roles += f", {name}={getattr(study, name)}"
    if study.controls:
        roles += f"; controls: {', '.join(study.controls)}"
    waves, order = "", None
    if study.wave is not None and survey[study.wave].nunique() > 1:
        from .tracking import order_note, sort_waves

        labels = sort_waves(survey[study.wave].unique())
        waves = (
            f" in {len(labels)} waves (the latest, '{labels[-1]}', is analysed "
            f"and compared with '{labels[-2]}')"
        )
        order = order_note(labels)  # as analyze --wave warns of it
    print(
        _safe(
            f"OK: {len(survey):,} respondents{waves}, {len(schema.facets)} facets "
            f"in {len(catalog.stages)} stage{'' if len(catalog.stages) == 1 else 's'}; "
            f"{roles}."
        )
    )
    by = {"segment": study.segment, "wave": study.wave}
    _, notes, warned = catalog.with_scales_from(survey, study.not_experienced, by=by)
    if data is not None and study.weight:  # what the weights leave, as analyze warns
        weights = data[study.weight].to_numpy(float)
        notes.append(weight_line(weights))
        warned += weight_warnings(weights, len(schema.facets))
    for note in _reading_notes(survey, study) + notes:
        print(_safe(note, MESSAGE_WIDTH))  # whole: a note's numbers are its point
    # as analyze warns of them, with a halo score (3 facets or more) or not
    if data is not None:
        weights = data[study.weight].to_numpy(float) if study.weight else None
        facets = data[list(schema.facets)].astype(float)
        halo = study.halo != "none" and len(schema.facets) >= MIN_FACETS
        warned += _reversed_warnings(
            facets, check_weights(weights, len(data)), halo=halo
        )
        warned += unrated_warnings(survey, schema.facets)
    warned += [order] if order else []
    for note in warned + label_order_warnings(survey):
        print(f"warning: {_safe(note, MESSAGE_WIDTH)}", file=sys.stderr)
    return 0


def _analyze(args: argparse.Namespace) -> int:
    import dataclasses

    from ._stats import format_against
    from ._validation import ValidationError
    from ._wording import in_outcome_words
    from .io import (
        WORKBOOK_FILE,
        file_fingerprints,
        output_lock,
        output_problems,
        save_analysis,
    )
    from .pipeline import _recorded_study, analyze
    from .report import (
        clear_gains,
        plan_without_basis,
        score_outcome,
        study_currency,
        value_fit_caveat,
    )

    # every check before the first fit, in one pass: options, folder, data
    study = _study(args)
    folder = output_problems(
        args.out,
        force=args.force,
        inputs=[study.survey, study.catalog, args.study],
        kind="analysis",
    )
    if args.force and (args.figures or args.excel):
        asked = {"figures": args.figures, WORKBOOK_FILE: args.excel}
        folder += _not_the_runs(Path(args.out), [n for n, on in asked.items() if on])
    if args.excel:
        folder += _excel_problems()
    # the checked copy is not kept: analyze checks its own (memory at 1M rows)
    try:
        survey, catalog, _ = _checked(args, study)
    except ValidationError as err:
        _refuse(
            err.problems,
            folder,
            "analysis",
            err.subject,
            out=args.out,
            context=getattr(err, "context", None),
        )
    _refuse([], folder, "analysis", out=args.out)
    with output_lock(args.out):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            result = analyze(survey, catalog, study=_shown_progress(study))
        # read here from the study's files (a DataFrame given to analyze
        # records no path): those files are what ran
        recorded = _recorded_study(study, study.survey, study.catalog)
        if args.study is not None:
            recorded["file"] = Path(args.study).name
        inputs = file_fingerprints(survey=study.survey, catalog=study.catalog)
        summary = result.summary | {"study": recorded, "inputs": inputs}
        result = dataclasses.replace(result, summary=summary)
        out = save_analysis(result, args.out, force=args.force)
        if args.figures:
            _figures_of(result, out, excel=args.excel)
        if args.excel:
            _workbook_after_run(out)
    data = result.summary["data"]
    n, p = data["n_respondents"], data["n_facets"]
    print(f"Analysed {n:,} respondents x {p} facets.")
    # how answers were read, as validate says (who left the outcome empty too)
    for note in data.get("scales") or []:
        print(f"  {_safe(note, MESSAGE_WIDTH)}")
    words = _words(result.summary)
    for note in result.summary["warnings"]:
        note = in_outcome_words(note, words)
        print(f"warning: {_safe(note, MESSAGE_WIDTH)}", file=sys.stderr)
    _print_drivers(result.summary, result.drivers)
    top_k = result.summary["uncertainty"].get("top_k")
    stability = result.summary["uncertainty"].get("stability") or {}
    if stability.get("top_k_overlap") is not None:
        share = format_against(
            stability["top_k_overlap"], stability["threshold"], percent=True
        )
        print(
            f"Ranking stability: resamples share {share} "
            f"of their top {top_k} (threshold {stability['threshold']:.0%})"
            + (" - LOW" if stability["low"] else "")
        )
    _print_controls(result.tables.get("controls"))
    if result.tracking is not None:
        _print_tracking(
            result.summary["tracking"],
            result.tables["changes"],
            _words(result.summary),
            stages=result.tables.get("stage_changes"),
        )
    _print_stated_value(result.summary, result.drivers, result.tables.get("roi"))
    plan, score = result.summary.get("plan") or {}, score_outcome(result.summary)
    _print_noise(plan, score, _words(result.summary))
    _print_plan(
        plan,
        score,
        priced=bool(len(result.tables.get("plan", ()))),
        currency=study_currency(result.summary),
        words=_words(result.summary),
        value_drivers=result.tables.get("value_drivers"),
        value_caveat=value_fit_caveat(result.summary),
    )
    if plan.get("n_selected") and plan_without_basis(result.summary):
        print(
            "  Not a recommendation: the model predicts the outcome too weakly "
            "and no gain is beyond noise, so this choice follows the noise."
        )
    _print_segments(result.summary, result.tables.get("segment_drivers"))
    _print_value_drivers(
        result.summary,
        result.tables.get("value_drivers"),
        clear_gains(result.tables.get("roi")),
    )
    _print_written(out)
    if (out / "study.toml").is_file():
        print(
            _safe(
                "Repeat this run with: emomotiv analyze --study "
                f"{shlex.quote(str(out / 'study.toml'))} --out DIR",
                width=2000,
            )
        )
    return 0


def _figures_of(result, out: Path, *, excel: bool = False) -> None:
    """``analyze --figures``: the charts of the analysis saved in ``out``,
    drawn before its workbook where ``excel``.

    A stop or a failure (a full disk) while they are drawn comes after the
    analysis is written: that is said, with the command that writes what is
    missing (the workbook too, where it was asked for).
    """
    from .io import update_manifest
    from .report import Report

    missing = ["figures", "workbook"] if excel else ["figures"]
    later = _unwritten(out, "analysis", missing)
    try:
        with _said_at_a_stop(f"emomotiv analyze: {later}"):
            update_manifest(out, _save_figures(Report(result), out))
    except OSError as err:  # a full disk: the analysis is saved all the same
        raise OSError(f"{_message(err)} ({later})") from None


def _workbook_after_run(out: Path, run: str = "analysis") -> None:
    """``analyze --excel`` (``compare --excel``): the tables of the analysis
    (comparison) saved in ``out`` as one workbook. A stop or a failure while
    it is written comes after the run is written: that is said, with the
    command that writes it."""
    from .io import update_manifest

    later = _unwritten(out, run, ["workbook"])
    command = "analyze" if run == "analysis" else "compare"
    try:
        with _said_at_a_stop(f"emomotiv {command}: {later}"):
            update_manifest(out, [_workbook_of(out)])
    except (OSError, ValueError) as err:
        kind = OSError if isinstance(err, OSError) else ValueError
        raise kind(f"{_message(err)} ({later})") from None


def _unwritten(out: Path, run: str, missing: list[str]) -> str:
    """What a run stopped or failed after its save left unwritten (its
    ``"figures"``, its ``"workbook"``), and the command that writes it.

    Examples
    --------
    >>> for part in _unwritten(Path("q3"), "analysis", ["figures", "workbook"]).split(
    ...     "; "
    ... ):
    ...     print(part)
    the analysis was written to q3/, its figures and workbook were not
    write them with: emomotiv report q3 --figures --excel
    """
    flags = {"figures": "--figures", "workbook": "--excel"}
    one = missing == ["workbook"]
    return (
        f"the {run} was written to {out}/, its {' and '.join(missing)} "
        f"{'was' if one else 'were'} not; write {'it' if one else 'them'} with: "
        f"emomotiv report {shlex.quote(str(out))} "
        + " ".join(flags[part] for part in missing)
    )


# What a stop now would leave unwritten, said as the run stops (see
# _said_at_a_stop): by the block after Ctrl-C, by _on_sigterm after SIGTERM.
_AT_A_STOP: list[str] = []


@contextmanager
def _said_at_a_stop(line: str) -> Iterator[None]:
    """Say ``line`` on stderr where Ctrl-C or SIGTERM stops the block."""
    _AT_A_STOP.append(line)
    try:
        yield
    except KeyboardInterrupt:
        print(line, file=sys.stderr)
        raise
    finally:
        _AT_A_STOP.remove(line)


def _print_drivers(summary: dict, drivers, shown: int = 10) -> None:
    """The first ``shown`` touchpoints of the ranking, then how many more
    drivers.csv holds; a ranking flagged unstable is said to be one in its
    heading, and each touchpoint's rank interval is shown."""
    from .report import _pct, outcome_label

    stability = summary["uncertainty"].get("stability") or {}
    unstable = bool(stability.get("low"))
    weak = bool((summary.get("diagnostics") or {}).get("weak_fit"))
    print(
        f'Top drivers of "{_safe(outcome_label(summary))}"'
        + (
            ", in the ranking of a model too weak to read as a finding (see the "
            "model's fit)"
            if weak
            else ", in a ranking too unstable to read as a finding (the order is "
            "largely noise; each one's ranks over the resamples at the end)"
            if unstable
            else ""
        )
        + ":"
    )
    top_k = summary["uncertainty"].get("top_k")
    for row in drivers.head(shown).itertuples():
        line = f"  {row.rank:>2}. {_label(row.label):<40} {_pct(row.importance):>6}"
        if row.importance_low == row.importance_low:  # not NaN: bootstrapped
            line += (
                f"  [{_pct(row.importance_low)}, {_pct(row.importance_high)}]"
                f"  p(top {top_k}) {_pct(row.p_top, 0)}"
            )
        low, high = getattr(row, "rank_low", None), getattr(row, "rank_high", None)
        if unstable and low == low and high == high and None not in (low, high):
            line += f"  ranks {low:.0f}-{high:.0f}"
        print(line)
    if len(drivers) > shown:
        print(f"  ({len(drivers) - shown:,} more in drivers.csv)")


def _print_controls(controls) -> None:
    if controls is None or not len(controls):
        return
    from .report import _pct

    print("Not explained by the touchpoints (share of all importance):")
    for row in controls.itertuples():
        high, low = getattr(row, "level_high", None), getattr(row, "level_low", None)
        levels = ""
        if isinstance(high, str) and isinstance(low, str):
            levels = f"  highest with {_safe(high)}, lowest with {_safe(low)}"
        print(f"  {_label(row.label):<44} {_pct(row.importance):>6}{levels}")


def _print_stated_value(
    summary: dict, drivers: pd.DataFrame | None = None, roi: pd.DataFrame | None = None
) -> None:
    """The stated-vs-derived line (Spearman correlation with its interval,
    the quadrant counts, the labels that hold in fewer resamples than the
    level, the drivers that lower the outcome by the report's rule: their
    one-point gain in ``roi`` clearly below zero) and the value of connection."""
    from .report import (
        QUADRANTS,
        _money,
        _number,
        _shown_direction,
        context_controls,
        score_outcome,
        study_currency,
        upper_bound_note,
    )

    stated, value = summary.get("stated") or {}, summary.get("value") or {}
    currency = study_currency(summary)
    words = _words(summary)
    level = _number((summary.get("uncertainty") or {}).get("level"))
    if stated.get("rank_correlation") is not None:
        counts = ", ".join(
            f"{n} {_quadrant_name(QUADRANTS.get(q, q), n)}"
            for q, n in stated["counts"].items()
        )
        low = _number(stated.get("rank_correlation_low"))
        high = _number(stated.get("rank_correlation_high"))
        between = "" if low is None or high is None else f"{low:.2f} to {high:.2f}"
        if between:
            between = f" ({level:.0%} interval {between})" if level else f" ({between})"
        over = (
            f" over {stated['n_compared']} touchpoints"
            if "n_compared" in stated
            else ""
        )
        print(
            "Stated vs derived: Spearman rank correlation "
            f"{stated['rank_correlation']:.2f}{between}{over}; {counts}."
        )
        if level and drivers is not None and "p_quadrant" in drivers:
            unsure = drivers.loc[drivers["p_quadrant"] < level]
            if len(unsure):
                names = ", ".join(
                    f"{_label(r.label)} "
                    f"({_quadrant_name(QUADRANTS.get(r.quadrant, r.quadrant), 1)}, "
                    f"{r.p_quadrant:.0%})"
                    for r in unsure.head(3).itertuples()
                )
                more = f" and {len(unsure) - 3} more" if len(unsure) > 3 else ""
                print(
                    f"  In their quadrant in fewer than {level:.0%} of resamples: "
                    f"{names}{more} (p_quadrant in drivers.csv)."
                )
        shown, by_gain = (
            _shown_direction(drivers, roi) if drivers is not None else (None, None)
        )
        # by the gains' rule only: the sign of SHAP alone is noise for a
        # touchpoint that moves nothing
        if by_gain is not None and {"quadrant", "direction"} <= set(shown):
            lowers = shown.loc[
                shown["quadrant"].isin(["core_driver", "hidden_driver"])
                & (shown["direction"] < 0)
            ]
            if len(lowers):  # important, but a rise is no win
                names = ", ".join(
                    f"{_label(r.label)} "
                    f"({_quadrant_name(QUADRANTS.get(r.quadrant, r.quadrant), 1)})"
                    for r in lowers.itertuples()
                )
                print(
                    f"  A one-point rise is predicted to lower the outcome: {names} "
                    "(roi.csv): important to it, but not a driver to raise. A "
                    "predicted fall can also be how customers use the rating "
                    "scale rather than harm: confirm it before acting on it."
                )
    if value.get("multiplier") is not None:
        print(
            f"{words['customers_are']} worth {value['multiplier']:.2f}x the "
            f"highly satisfied ({value['multiplier_low']:.2f}-"
            f"{value['multiplier_high']:.2f}); one more {words['customer']} adds "
            f"{_value_per_connected(value, currency)}."
        )
    elif value.get("value_per_connected") is not None:  # the note says why
        note = f" ({value['note']})" if value.get("note") else ""
        print(
            f"One more {words['customer']} adds "
            f"{_value_per_connected(value, currency)}{note}."
        )
    if value.get("value_per_connected") is not None:
        print(f"  ({upper_bound_note(words, context_controls(summary))})")
        # a score's plan is priced by the value of one point, not by this gap
        score, plan = score_outcome(summary), summary.get("plan") or {}
        if score is not None and plan.get("value_per_connected") is not None:
            per = _money(plan["value_per_connected"], currency=currency)
            print(
                "  (it does not price the plan: the plan prices a change in mean "
                f"{_safe(score)} at the value of one point of it, {per})"
            )
    if value.get("left_out"):  # blank value cells: said, as a segment's are
        print(f"  {_safe(value['left_out'])}.")


def _value_per_connected(value: dict, currency: str | None) -> str:
    """The value of one more connected customer with its interval, and "not
    clear of zero" where that interval holds 0: "511 (-474 to 1,495: not
    clear of zero)"."""
    from .report import _end_scale, _magnitude, _money, _number

    point = value["value_per_connected"]
    low = _number(value.get("value_per_connected_low"))
    high = _number(value.get("value_per_connected_high"))
    if low is None or high is None:
        return _money(point, currency=currency)
    scale = _magnitude(point, low, high)
    unclear = ": not clear of zero" if low <= 0 <= high else ""
    return (
        f"{_money(point, scale, currency)} "
        f"({_money(low, _end_scale(low, scale), currency)} to "
        f"{_money(high, _end_scale(high, scale), currency)}{unclear})"
    )


def _quadrant_name(name: str, n: int) -> str:
    """'1 hidden driver', '2 hidden drivers', '7 table stakes': a quadrant's
    name in words for a count of ``n``."""
    name = name.lower().replace("_", " ")
    return name + "s" if n != 1 and name.endswith("driver") else name


def _print_noise(
    plan: dict, score: str | None = None, words: dict | None = None
) -> None:
    """How many one-point gains are beyond noise, either way; the outcome's
    share named by ``words`` (:func:`_words`)."""
    noise = plan.get("noise") or {}
    if noise.get("n_raise") is None:
        return
    share = (words or {}).get("share", "the connected share")
    what = share if score is None else f"mean {_safe(score)}"
    up, down = noise["n_raise"], noise["n_lower"]
    print(
        f"One-point gains beyond noise (Benjamini-Hochberg, {noise['alpha']:.0%} "
        f"false): {up} raise{'s' if up == 1 else ''} {what}, {down} "
        f"lower{'s' if down == 1 else ''} it."
    )


def _print_plan(
    plan: dict,
    score: str | None = None,
    *,
    priced: bool = True,
    currency: str | None = None,
    words: dict | None = None,
    value_drivers: pd.DataFrame | None = None,
    value_caveat: str = "",
) -> None:
    """The plan's line; ``score`` names a score outcome, whose changes are in
    its own units rather than points of the connected share; ``priced`` is
    False when no improvement has a cost (the plan table is empty); ``words``
    name the outcome (:func:`_words`). The plan's value is value through
    connection: with the ``value_drivers`` table, the touchpoints that move
    value mostly by other paths, beyond noise, are named after it, with
    ``value_caveat`` where the value model fits weakly."""
    from ._wording import in_outcome_words, outcome_words
    from .report import (
        GAP_SOURCES,
        VALUE_SOURCES,
        _change,
        _end_scale,
        _in_currency,
        _magnitude,
        _money,
    )

    words = words or outcome_words(None)

    if plan.get("budget") is None or plan.get("selected") is None:
        return
    # the budget and the spend in the currency of the costs, to the unit
    budget = _in_currency(f"{plan['budget']:,.0f}", currency)
    if not priced:
        print(
            f"Plan within {budget}: none made, no improvement has a "
            "cost; add a cost column to the catalog."
        )
        return
    if not plan["n_selected"]:
        cheapest = plan.get("cheapest_worth")
        if "cheapest_worth" not in plan:  # a summary of an earlier version
            why = "no touchpoint's improvement fits the budget"
        elif cheapest is None:  # nothing worth funding, whatever the budget
            worth = (
                f"returns more value through {words['through']} than it costs"
                if plan.get("objective") == "net_value"
                else "has a positive expected gain"
            )
            why = f"no touchpoint's improvement {worth}"
        else:
            why = (
                "no touchpoint worth funding fits the budget (the cheapest "
                f"costs {_in_currency(f'{cheapest:,.0f}', currency)})"
            )
        print(
            f"Plan within {budget}: nothing funded: {why}; roi.csv gives each "
            "one's cost and return."
        )
        return
    together, single = (
        plan["combined_delta_connected"],
        plan["sum_individual_delta_connected"],
    )
    optimism = plan.get("selection_optimism")
    if score is None:
        share = words["share"].removeprefix("the ")
        gain = (
            f"{share} {100 * together:+z.1f} points together "
            f"(sum of single gains {100 * single:+z.1f} points"
            + (
                ""
                if not optimism
                else f"; {100 * optimism:z.1f} points taken off for choosing them "
                "for their estimated gains"
            )
            + ")"
        )
    else:
        gain = (
            f"mean {_safe(score)} {_change(together)} together "
            f"(sum of single gains {_change(single)}"
            + (
                ""
                if not optimism
                else f"; {_change(optimism).lstrip('+')} taken off for choosing "
                "them for their estimated gains"
            )
            + ")"
        )
    n = plan["n_selected"]
    spent = _in_currency(f"{plan['spent']:,.0f}", currency)
    print(
        f"Plan within {budget}: fund {n} touchpoint{'' if n == 1 else 's'} "
        f"for {spent}; {gain}."
    )
    within = plan.get("selected_within_noise") or []
    if within:
        print(
            f"  {len(within)} of the {n} with a gain within noise: the plan's least "
            "certain part (roi.csv, beyond_noise)."
        )
    low = plan.get("combined_delta_connected_low")
    if together is not None and together <= 0:
        print(
            "  Net of the optimism of choosing it, the plan's expected gain is "
            "not above zero: it is not expected to add anything."
        )
    elif low is not None and low <= 0:
        print("  The plan's own gain is within noise: its interval reaches zero.")
    if plan.get("combined_delta_value") is not None:
        unit = words["customer"] if score is None else f"point of {_safe(score)}"
        low = plan.get("combined_delta_value_low")
        high = plan.get("combined_delta_value_high")
        money = functools.partial(_money, currency=currency)
        # the gain and its interval at one precision: "54.0 m [43.8 m, 67.8 m]"
        scale = _magnitude(plan["combined_delta_value"], low, high)
        gain = functools.partial(money, scale=scale)
        # an end that unit prints as zero, in its own ("-48.6k", not "0.0 m")
        span = (
            ""
            if low is None
            else f" [{money(low, _end_scale(low, scale))}, "
            f"{money(high, _end_scale(high, scale))}]"
        )
        bound = (
            ": an upper bound, nothing else held fixed"
            if plan["value_source"] in (*GAP_SOURCES, "value_slope")
            else ""
        )
        print(
            f"  expected value through {words['through']} "
            f"{gain(plan['combined_delta_value'])}{span} "
            f"(value per {unit} {money(plan['value_per_connected'])}, "
            f"{VALUE_SOURCES.get(plan['value_source'], plan['value_source'])}"
            f"{bound})."
        )
    if plan.get("note"):
        note = in_outcome_words(plan["note"], words)
        print(f"  {_safe(_left_in_currency(note, currency))}")
    if plan.get("combined_delta_value") is not None:
        _print_direct_movers(value_drivers, words, currency, value_caveat)


def _print_direct_movers(
    table: pd.DataFrame | None, words: dict, currency: str | None, caveat: str = ""
) -> None:
    """The touchpoints that move value mostly by other paths than connection,
    beyond noise (:func:`emomotiv.report.direct_value_movers`): value the
    plan does not price; with the ``caveat`` of a weak value model
    (:func:`emomotiv.report.value_fit_caveat`)."""
    from .report import _money, _signed, direct_value_movers

    movers = direct_value_movers(table)
    if not len(movers):
        return
    named = ", ".join(
        f"{_label(r.label)} {_signed(_money(r.delta_mean_value, currency=currency))}"
        for r in movers.head(3).itertuples()
    )
    more = f" and {len(movers) - 3} more" if len(movers) > 3 else ""
    n = len(movers)
    some = "1 touchpoint moves" if n == 1 else f"{n} touchpoints move"
    print(
        f"  Not in the plan's value: {some} value mostly by other paths "
        f"than {words['through']}, beyond noise (per customer, "
        f"value_drivers.csv): {named}{more}." + (f" {caveat}" if caveat else "")
    )


def _left_in_currency(note: str, currency: str | None) -> str:
    """The plan's note with the budget left in the ``currency`` of the
    costs, as every other amount the console prints.

    Examples
    --------
    >>> _left_in_currency("All funded; 1,495,640 of the budget is left.", "€")
    'All funded; €1,495,640 of the budget is left.'
    """
    from .report import _in_currency

    return re.sub(
        r"(?<![\w.,])(\d[\d,]*(?:\.\d+)?) of the budget is left",
        lambda m: f"{_in_currency(m[1], currency)} of the budget is left",
        note,
    )


def _sized(sizes: dict, shown: int = 10) -> str:
    """'A 120, B 95' for the first ``shown`` segments, then how many more."""
    names = list(sizes)
    text = ", ".join(f"{_safe(n)} {sizes[n]['n']:,}" for n in names[:shown])
    return text + (f" (+{len(names) - shown:,} more)" if len(names) > shown else "")


def _print_segments(summary: dict, table) -> None:
    """Which segments were ranked, their top driver (flagged where the
    segment's ranking is unstable), and what differs."""
    from ._stats import format_against

    info = summary.get("segments") or {}
    sizes = info.get("segments") or {}
    if not sizes or table is None:
        return
    column = (summary.get("data") or {}).get("roles", {}).get("segment", "segment")
    ranked = [name for name, s in sizes.items() if s.get("ranked")]
    small = {n: s for n, s in sizes.items() if s["n"] < info["min_size"]}
    flat = {n: s for n, s in sizes.items() if not s.get("ranked") and n not in small}
    left_out = f"  {_safe(info['left_out'])}." if info.get("left_out") else None
    if not ranked and not flat:
        print(
            f"Segments by {_safe(column)}: none ranked, every segment is below the "
            f"minimum of {info['min_size']:,} respondents ({_sized(small)})."
        )
        if left_out:
            print(left_out)
        return
    differing = table.loc[table["differs"].eq(True)]
    labels = list(dict.fromkeys(differing["label"].astype(str)))
    if labels:
        shown = ", ".join(_label(x) for x in labels[:5])
        more = f" and {len(labels) - 5} more" if len(labels) > 5 else ""
        verb = "touchpoint differs" if len(labels) == 1 else "touchpoints differ"
        differ = (
            f"{len(labels)} {verb} across them "
            f"(Holm {info['alpha']:.0%}): {shown}{more}"
        )
    elif info.get("note"):
        differ = _safe(info["note"])
    else:
        differ = f"no touchpoint differs across them (Holm {info['alpha']:.0%})"
    skipped = (
        f"; not ranked, below {info['min_size']:,}: {_sized(small)}" if small else ""
    )
    for name, s in list(flat.items())[:5]:  # each with its own reason
        reason = str(s.get("note") or "one outcome value").removeprefix("not ranked: ")
        skipped += f"; {_safe(name)} {s['n']:,} not ranked: {_safe(reason)}"
    if len(flat) > 5:
        skipped += f" (+{len(flat) - 5:,} more not ranked)"
    print(f"Segments by {_safe(column)}: {len(ranked)} ranked{skipped}; {differ}.")
    top = table.loc[table["ranked"].astype(bool) & (table["rank"] == 1)]
    for row in top.itertuples():
        stability = sizes.get(row.segment, {}).get("stability") or {}
        flag = ""
        if stability.get("low"):
            share = format_against(
                stability["top_k_overlap"], stability["threshold"], percent=True
            )
            flag = (
                f"  (unstable: resamples share {share} of its top {stability['top_k']})"
            )
        share = sizes.get(row.segment, {}).get("share")
        weighted = (summary.get("data") or {}).get("weighted") and share is not None
        size = f"{row.n:>7,}" + (f" ({share:.0%} weighted)" if weighted else "")
        print(f"  {_label(row.segment):<30} {size}  top: {_label(row.label)}{flag}")
        caution = sizes.get(row.segment, {}).get("note")
        if caution:  # a ranked segment held by a few weights
            print(f"    {_safe(caution)}.")
    if left_out:
        print(left_out)


def _print_value_drivers(
    summary: dict, table, gains: Collection[str] = frozenset()
) -> None:
    """The touchpoints that move value most per one-point rise; ``gains``:
    those whose one-point gain in the outcome is clear of zero
    (:func:`emomotiv.report.clear_gains`), whose part through connection may
    be a path of its own."""
    from .report import (
        _clear,
        _magnitude,
        _money,
        _signed,
        moves_two_ways,
        study_currency,
    )
    from .value_drivers import by_size_of_change

    through = _words(summary)["through"]
    info = summary.get("value_drivers") or {}
    currency = study_currency(summary)
    if table is None or not len(table) or "delta_mean_value" not in table:
        return
    r2 = (info.get("fit") or {}).get("r2")
    fit = f", cross-validated R² {r2:z.2f}" if r2 is not None else ""
    objective = str(info.get("objective") or "tweedie").capitalize()
    print(
        "What moves value most per one-point rise, in mean value per customer "
        f"({objective}{fit}):"
    )
    rows = by_size_of_change(table)
    clear, by = _clear(rows, "delta_mean_value")
    flags = [True] * len(rows) if clear is None else list(clear)
    shown = rows.head(5)
    # one precision down the column: "+87.0" above "+53.7", not "+87"
    bounds = [
        c for c in ("delta_mean_value_low", "delta_mean_value_high") if c in shown
    ]
    scale = _magnitude(*shown[["delta_mean_value", *bounds]].to_numpy().ravel())
    beyond = within = two_ways = False
    for row, ok in zip(shown.itertuples(), flags, strict=False):
        low = getattr(row, "delta_mean_value_low", float("nan"))
        high = getattr(row, "delta_mean_value_high", float("nan"))
        line = (
            f"  {_label(row.label):<40} "
            f"{_signed(_money(row.delta_mean_value, scale, currency))}"
        )
        if low == low:  # not NaN: bootstrapped
            line += (
                f"  [{_money(low, scale, currency)}, {_money(high, scale, currency)}]"
            )
        share = getattr(row, "share_via_connection", float("nan"))
        if share == share and ok:  # as the report: only where clear of zero
            share = round(share, 2) + 0.0  # as printed: -0.3% is "0%", not "-0%"
            line += f"  {share:.0%} through {through}"
            if getattr(row, "facet", None) in gains and moves_two_ways(row._asdict()):
                line += ", two ways"
                two_ways = True
            else:
                beyond |= not 0 <= share <= 1
        elif by == "noise" and not ok:
            line += "  within noise"
            within = True
        print(line)
    if within:  # the interval reads one touchpoint alone, the flag all at once
        alpha = (info.get("noise") or {}).get("alpha", 0.1)
        tested = int(rows["beyond_noise"].notna().sum())
        print(
            f"  (within noise: not clear of zero once the {tested} touchpoints are "
            f"read together, Benjamini-Hochberg at {alpha:.0%} false discoveries; "
            "an interval that excludes zero reads one touchpoint alone)"
        )
    if two_ways:
        print(
            f"  (two ways: a share past 100% or below 0% whose part through "
            f"{through}, its gain in roi.csv beyond noise, lies outside the "
            "interval of the change in all, so the "
            "rest, by other paths and of the other sign, is beyond that noise "
            "too, as a fee that pleases and costs)"
        )
    if beyond:
        print(
            f"  ({'other shares' if two_ways else 'a share'} above 100% or below "
            f"0%: the part through {through} and the rest have opposite signs, "
            "not both beyond noise: the two models do not quite agree; read it "
            f"as {through} carrying most, or none, of the effect)"
        )
    if len(rows) > len(shown):
        print(f"  ({len(rows) - len(shown):,} more in value_drivers.csv)")


COMMANDS = {
    "sample": _sample,
    "validate": _validate,
    "analyze": _analyze,
    "compare": _compare,
    "init": _init,
    "catalog": _catalog,
    "report": _report,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    A SIGTERM during the run ends the process with exit code 143, as its
    default action would, once the output lock and the unfinished files are
    removed (``os._exit``: the caller's ``finally`` blocks and ``atexit``
    functions do not run). A program that handles or ignores SIGTERM itself
    keeps its own handling while ``main`` runs.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     main(["sample", tmp])  # doctest: +ELLIPSIS
    Wrote ...survey.csv (5,000 respondents) and ...facets.csv (100 facets).
    Next: emomotiv analyze ...
    0
    """
    try:  # the libraries load here: a Ctrl-C now stops as one later does
        from ._validation import ValidationError

        args = build_parser().parse_args(argv)
    except KeyboardInterrupt:
        print("emomotiv: stopped (interrupted).", file=sys.stderr)
        return 130
    with (
        warnings.catch_warnings(record=True) as notices,
        _console() as console,
        _on_sigterm(args.command),
    ):
        warnings.simplefilter("always", UserWarning)
        try:
            code = COMMANDS[args.command](args)
            if console is not None:  # the lines a pipe or a file still buffers
                console.flush()
        except BrokenPipeError:  # the reader of stdout left (| head): no error
            _quiet_stdout()
            return 141
        except (ValidationError, OSError, ValueError) as err:
            _print_notices(notices)
            if _unexpected(err):  # a library's, that no check of ours foresaw
                raise
            message = _placed(_message(err), getattr(args, "places", {}))
            print(
                _safe(f"emomotiv {args.command}: error: {message}", MESSAGE_WIDTH),
                file=sys.stderr,
            )
            return 2
        except KeyboardInterrupt:  # SIGTERM exits in its handler (_on_sigterm)
            print(f"emomotiv {args.command}: stopped (interrupted).", file=sys.stderr)
            return 130
        _print_notices(notices)
        if console is not None and console.error is not None:
            print(_safe(_lost_output(args, console.error), 2000), file=sys.stderr)
    return code


def _lost_output(args: argparse.Namespace, err: OSError) -> str:
    """The stdout of a command that did its work could not be written (a
    log file on a full disk): said so, with what was written all the same."""
    run = {"analyze": "analysis", "compare": "comparison"}.get(args.command)
    done = "the command did its work"
    if run is not None:
        done = f"the {run} was written to {Path(args.out)}/"
    return (
        f"emomotiv {args.command}: warning: its output to the console could not "
        f"be written ({err.strerror or err}), so those lines are lost; only that "
        f"output failed: {done}."
    )


def _unexpected(err: BaseException) -> bool:
    """Whether ``err`` is a ``ValueError`` raised inside a library rather than
    by emomotiv's checks: not bad input the message explains but a case they
    miss, which exits 1 with its traceback, as any unexpected error does."""
    from ._validation import ValidationError

    if isinstance(err, ValidationError | OSError) or not isinstance(err, ValueError):
        return False
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    package = Path(__file__).resolve().parent
    return package not in Path(tb.tb_frame.f_code.co_filename).resolve().parents


def _quiet_stdout() -> None:
    """Point stdout at the null device: its reader is gone (or its disk is
    full), and the lines still buffered would raise again when Python
    flushes them on exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # not a real stream
        pass
    finally:
        os.close(devnull)


def _shown_progress(study):
    """The study to run: its progress bar off where stderr is not a terminal
    (a log file, a pipe, a scheduled job), where a bar is only carriage
    returns and cursor codes. The study recorded holds no progress setting
    (see :func:`emomotiv.pipeline._recorded_study`)."""
    from .bootstrap import _drawn_on

    if study.progress and not _drawn_on(sys.stderr):
        return study.replace(progress=False)
    return study


@contextmanager
def _on_sigterm(command: str):
    """SIGTERM stops the run at once with exit code 143: the output lock and
    the unfinished files are removed, the output folder left as it was (a
    run moving its files into place finishes that move first), and what a
    run saved before the stop left unwritten is said, as after Ctrl-C.

    It exits rather than raising: an exception raised wherever the signal
    lands can be caught by a library's own ``except Exception`` (the run then
    goes on and ends with 0, or fails on a half-imported module with 2) or
    land inside XGBoost's callback, where it is ignored and the process
    aborts. Only where SIGTERM would end the process anyway (its default
    action): a program calling :func:`main` that handles or ignores SIGTERM
    itself keeps its handler.
    """
    import signal

    def leave():
        from .io import abandon_saves

        try:
            abandon_saves()
            for stream in (sys.stdout, sys.stderr):
                try:  # the lines printed so far, not lost in a buffer
                    stream.flush()
                except Exception:  # a write the signal cut into
                    pass
            said = [*_AT_A_STOP, f"emomotiv {command}: stopped (SIGTERM)."]
            text = "".join(f"{line}\n" for line in said)
            os.write(2, text.encode(errors="surrogateescape"))  # paths as given
        finally:
            os._exit(143)

    def stop(signum, frame):
        from .io import after_moves

        after_moves(leave)

    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield  # the calling program's own handling, or SIGTERM ignored
        return
    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Console:
    """stdout while a command runs: a write that fails (a log file on a full
    disk) is kept in ``error``, not raised, so that the command goes on and
    writes its files; the lines after it are dropped. A reader that left
    (``| head``) still raises :class:`BrokenPipeError` (see :func:`main`)."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.error: OSError | None = None

    def write(self, text: str) -> int:
        self._unless_failed(self.stream.write, text)
        return len(text)

    def flush(self) -> None:
        self._unless_failed(self.stream.flush)

    def _unless_failed(self, call, *args) -> None:
        if self.error is not None:
            return
        try:
            call(*args)
        except BrokenPipeError:
            raise
        except OSError as err:
            self.error = err

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


@contextmanager
def _console():
    """stdout for the command (a :class:`_Console`; None where stdout is
    closed): whatever the terminal's encoding, a character it cannot show
    ("R²" on an ASCII console) is written escaped, and a write that fails is
    kept for :func:`main` to say, never an error after the run's files are
    written."""
    stream = sys.stdout
    if stream is None:  # closed (>&-): print writes nothing
        yield None
        return
    errors = getattr(stream, "errors", None)
    try:
        stream.reconfigure(errors="backslashreplace")
    except (AttributeError, ValueError):
        errors = None
    console = _Console(stream)
    sys.stdout = console
    try:
        yield console
    finally:
        sys.stdout = stream
        if console.error is not None:  # what it still holds would fail at exit
            _quiet_stdout()
        if errors is not None:
            stream.reconfigure(errors=errors)


def _message(err: Exception) -> str:
    """What went wrong, in one line: a file system error as its reason and
    path ("Permission denied: 'out/facets.csv'"), without the errno.

    Examples
    --------
    >>> _message(NotADirectoryError(20, "Not a directory", "facets.csv/sub"))
    "Not a directory: 'facets.csv/sub'"
    >>> _message(ValueError("bad value"))
    'bad value'
    """
    if isinstance(err, OSError) and err.strerror and err.filename is not None:
        return f"{err.strerror}: '{err.filename}'"
    return str(err)


def _print_notices(notices) -> None:
    """What the run noticed on the way (a delimiter, files left alone)."""
    for notice in notices:
        if issubclass(notice.category, UserWarning):
            print(_safe(f"notice: {notice.message}", MESSAGE_WIDTH), file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
