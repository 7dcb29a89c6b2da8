"""``Study``: every setting of one analysis, in one object.

:func:`emomotiv.analyze` keyword arguments, the command line's flags and a
study file all build a :class:`Study`; the pipeline's steps read their
settings from it. A ``Study`` holds settings only: building one does no
work, :meth:`Study.check` validates the options (every problem at once), and
:meth:`Study.to_dict` gives the JSON-ready record that ``summary.json`` keeps.

A study file is TOML with the three tables of :meth:`Study.to_dict`:
``[inputs]`` (``survey`` and ``catalog`` paths, relative to the file),
``[roles]`` (column roles) and ``[options]`` (everything else). Every field of
``Study`` can be set there, by its name, but the objects (``model``,
``client``); a key that is not a field is refused with the near matches, or,
where it is written as a command-line flag (``seed``, ``n-boot``), with the
key that holds it. TOML has no null: a field left out keeps its default.
"""

from __future__ import annotations

import codecs
import dataclasses
import difflib
import functools
import json
import math
import numbers
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

from ._debias import check_gains
from ._validation import (
    ValidationError,
    check_choice,
    check_currency,
    check_float,
    check_int,
    check_n_jobs,
    did_you_mean,
    number_hint,
)
from .bootstrap import MIN_BOOT_SIZE, _check_client
from .controls import HALO_METHODS
from .readers import DECIMALS, RatingLabels, rating_numbers, text_encoding
from .schema import CONNECTION_KINDS
from .stated import FORMS as STATED_FORMS
from .stated import SOURCES as STATED_SOURCES

__all__ = ["Study", "draft_study"]


@dataclass(frozen=True, kw_only=True)
class Study:
    """The settings of one driver analysis: inputs, column roles and options.

    Every field has the meaning of the :func:`emomotiv.analyze` keyword
    argument of the same name; ``analyze(survey, catalog, **options)`` is
    ``analyze(survey, catalog, study=Study(**options))``. A study file holds
    the same fields (:meth:`from_toml`, :meth:`to_toml`).

    Parameters
    ----------
    survey, catalog : str or None
        Paths of the survey and the facet catalog, when the study names them
        (a study file does); ``analyze``'s own arguments take precedence.
    connection : str or None
        The emotional-connection outcome column (0/1 or a numeric score).
    value, satisfaction, weight, segment, wave, id : str or None
        Optional role columns (see the data contract).
    motivators, facets : sequence of str or None
        Motivator columns (default: every ``motivator__*`` column); facet
        columns when there is no catalog.
    stated : sequence of str or None
        Stated-importance columns not named ``stated__<facet>`` (names or
        shell patterns): each is read as the stated importance of the facet
        whose label or name equals the column's label (its SPSS variable
        label, question text or matrix statement) or name.
    churn, advocacy : str or None
        Attrition (0/1) and advocacy (0-10, or a 0/1 promoter flag) columns.
    model : DriverModel or None
        An unfitted model to use instead of the default ``DriverModel``; its
        own ``random_state`` and ``task``, where set, must agree with
        ``random_state`` and ``connection_kind``.
    random_state : int, default=0
        Seed for the model, its folds and every resample.
    n_boot, level, n_jobs, progress
        Bootstrap replicates (0 = none), interval coverage, parallel workers
        (None = all cores) and the progress bar.
    boot_size : int or None
        Respondents each bootstrap replicate draws (None = as many as the
        survey has). Fewer make an m-out-of-n bootstrap whose intervals are
        rescaled to the whole survey (see
        :func:`emomotiv.bootstrap_importance`): the setting for surveys of
        hundreds of thousands of respondents.
    cv : int or None
        Cross-validation folds of the reported fit of the driver and value
        models (0 = none); None keeps the model's own (5 for the default).
    stated_form, stated_source, stated_scale, derived_threshold, stated_threshold
        Stated importance and the quadrant thresholds
        (see :func:`emomotiv.compare_importance`).
    connected_rule, satisfied_threshold, promoter_threshold
        Who is fully connected, highly satisfied, a promoter.
    methods : bool, default=True
        Also run the classical methods and their agreement with SHAP.
    population, budget, value_per_connected
        Return on improvement and the budget plan (see
        :func:`emomotiv.plan_improvements`): ``population`` finite and > 0,
        ``budget`` finite and >= 0; their intervals come from the same
        ``n_boot`` replicates as the ranking's.
    currency : str or None
        The currency of the value column, costs and budget ("€", "$",
        "EUR"), printed before each amount in the report and on the terminal;
        None prints amounts as numbers. It names a unit and converts nothing.
    gains : {"model", "debiased"}, default="model"
        Every simulated gain (``roi.csv``, the plan, the segments' and the
        value drivers'): the models' own, or with the one-step correction
        of what their trees left of each facet's effect (see
        :func:`emomotiv.plan_improvements`; needs ``n_boot`` > 0).
    client : dask.distributed.Client or None
        Run the bootstrap replicates on this Dask cluster (same results as
        the local run for the same seed); not part of the saved settings.
    halo : {"mean", "factor", "profile", "components", "none"}, default="mean"
        How each respondent's general warmth is estimated from their own
        ratings and held as a control (see :func:`emomotiv.halo_score`);
        ``"none"`` leaves it out.
    controls : sequence of str or None
        Context columns (purpose, product, class, tenure, region, age;
        numeric or categorical, missing allowed) that the model sees but no
        scenario moves; scored in ``controls.csv``, never ranked.
    min_segment_size : int, default=300
        Respondents a segment (``segment``) needs for its own driver ranking;
        a smaller segment is reported, with the reason, but not ranked (see
        :func:`emomotiv.segment_drivers`).
    outcome_label : str or None
        How the report and the console speak of the outcome ("emotionally
        connected", "a promoter"); by default the outcome column's name.
    connection_kind : {"auto", "binary", "score"}, default="auto"
        What the connection outcome is: ``"auto"`` accepts 0/1 only and
        refuses other values, naming them; ``"score"`` declares a numeric
        score (a regression); ``"binary"`` insists on 0/1.
    connected_values : sequence of str or float, or None
        For a yes/no outcome: the answers of the connection column that mean
        emotionally connected (``["Yes"]``, or ``[1]`` where 1 = yes and
        2 = no). Those are read as 1, every other answer as 0; empty cells
        stay empty (see :func:`emomotiv.readers.code_outcome`).
    not_experienced : sequence of str or float, or None
        Codes in rating columns that mean "did not experience this
        touchpoint" (e.g. ``["n/a", 99, 0]``), and non-answers in the
        satisfaction column ("Don't know"); they become empty cells, other
        text is an error.
    rating_labels : sequence of str, mapping of str to float, a list of these, or None
        Ratings written as answer texts: the scale's labels, lowest first
        (``["Very poor", "Poor", "Fair", "Good", "Excellent"]`` reads as 1-5),
        or each label's number (``{"0 - Not at all likely": 0, "10 -
        Extremely likely": 10}``), or a list of such scales where columns
        use different words. Matched in the rating columns (facets,
        motivators, satisfaction, stated importance) without regard to case;
        a catalog without scale columns takes the range of the scale (see
        :func:`emomotiv.readers.apply_rating_labels`).
    encoding : str, default="utf-8"
        Text encoding of CSV inputs (e.g. ``"latin-1"``, ``"cp1252"``).
    decimal : {".", ","}, default="."
        The decimal mark of CSV inputs: ``","`` for files written with
        decimal commas (``7,5``) and semicolons or tabs between the columns
        (a file with commas between its columns has decimal points); in an
        Excel workbook, the numbers it holds as text (``"0,52"``).
    sheet : int or str, default=0
        The sheet of an Excel survey: its name or its position (0, the
        first).
    catalog_sheet : int or str, default=0
        The sheet of an Excel catalog, as ``sheet`` (a catalog kept on a sheet
        of the survey's own workbook: ``catalog_sheet="Catalog"``).

    Examples
    --------
    >>> from emomotiv import Study
    >>> study = Study(connection="connected", weight="weight", n_boot=20)
    >>> study.replace(n_boot=0).n_boot
    0
    >>> study.to_dict()["roles"]["weight"]
    'weight'
    """

    # inputs
    survey: str | None = None
    catalog: str | None = None
    # column roles
    connection: str | None = None
    value: str | None = None
    satisfaction: str | None = None
    weight: str | None = None
    segment: str | None = None
    wave: str | None = None
    id: str | None = None
    motivators: Sequence[str] | None = None
    facets: Sequence[str] | None = None
    stated: Sequence[str] | None = None
    churn: str | None = None
    advocacy: str | None = None
    # model and uncertainty
    model: Any = field(default=None, compare=False, repr=False)
    random_state: int = 0
    n_boot: int = 100
    level: float = 0.9
    n_jobs: int | None = None
    progress: bool = True
    boot_size: int | None = None
    cv: int | None = None
    # stated importance, connection and value
    stated_form: str = "ratings"
    stated_source: str = "auto"
    stated_scale: tuple[float, float] | None = None
    derived_threshold: float | None = None
    stated_threshold: float = 1.0
    connected_rule: str | float = "auto"
    satisfied_threshold: float | None = None
    promoter_threshold: float = 9.0
    methods: bool = True
    # return on improvement
    population: float | None = None
    budget: float | None = None
    value_per_connected: float | None = None
    currency: str | None = None
    gains: str = "model"
    # halo and context controls
    halo: str = "mean"
    controls: Sequence[str] | None = None
    # where the work runs
    client: Any = field(default=None, compare=False, repr=False)
    # segment drivers, value drivers and report wording
    min_segment_size: int = 300
    outcome_label: str | None = None
    # reading the inputs: outcome kind, not-experienced codes, rating labels,
    # encoding, decimal mark
    connection_kind: str = "auto"
    connected_values: Sequence[str | float] | None = None
    not_experienced: Sequence[str | float] | None = None
    rating_labels: RatingLabels | None = None
    encoding: str = "utf-8"
    decimal: str = "."
    sheet: int | str = 0
    catalog_sheet: int | str = 0

    ROLES = (
        "connection",
        "value",
        "satisfaction",
        "weight",
        "segment",
        "wave",
        "id",
        "motivators",
        "facets",
        "stated",
        "churn",
        "advocacy",
    )

    def __repr__(self) -> str:
        """The settings that differ from the defaults, as scikit-learn prints."""
        changed = [
            f"{f.name}={getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)
            if f.repr and not _is_default(getattr(self, f.name), f.default)
        ]
        return f"Study({', '.join(changed)})"

    @classmethod
    def from_options(
        cls, study: Study | None = None, options: Mapping[str, Any] | None = None
    ) -> Study:
        """``study`` (or the defaults) with ``options`` on top.

        Unknown option names raise ``TypeError`` naming the near matches, as
        Python does for an unknown keyword argument.

        Examples
        --------
        >>> Study.from_options(None, {"connection": "connected"}).connection
        'connected'
        """
        base = cls() if study is None else study
        options = dict(options or {})
        _refuse_unknown(cls, options, "analyze()")
        return dataclasses.replace(base, **options) if options else base

    def replace(self, **changes: Any) -> Study:
        """A copy with ``changes`` applied (see :meth:`from_options`)."""
        _refuse_unknown(type(self), changes, "Study.replace()")
        return Study.from_options(self, changes)

    @classmethod
    def from_dict(cls, tables: Mapping[str, Any], *, source: str = "study") -> Study:
        """A study from the ``[inputs]``/``[roles]``/``[options]`` tables.

        The inverse of :meth:`to_dict`, and so of ``summary["study"]`` (whose
        ``file`` entry, the name of the study file a run was read from, and
        ``model`` entry, a model of one's own, set nothing). Every unknown table or
        key, and every key in the wrong table, is listed in one
        :class:`~emomotiv.ValidationError` with the near matches; a key
        written as the command line's flag (``seed``, ``n-boot``) is named
        with the key that holds it.

        Examples
        --------
        >>> Study.from_dict({"roles": {"connection": "connected"},
        ...                  "options": {"n_boot": 5}}).n_boot
        5
        """
        values, problems = _read_tables(cls, tables)
        if problems:
            raise ValidationError(problems, subject=source)
        return cls(**values)

    @classmethod
    def from_toml(cls, path: str | PathLike) -> Study:
        """Read a study file (TOML); relative input paths are taken from its
        folder, and ``~`` is the user's home folder, as in a shell.

        Raises
        ------
        FileNotFoundError
            When the file does not exist.
        ValidationError
            When it is not TOML, or lists keys that are not settings.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "study.toml").write_text(
        ...     '[inputs]\\nsurvey = "survey.csv"\\n'
        ...     '[roles]\\nconnection = "connected"\\n'
        ...     '[options]\\nn_boot = 20\\n'
        ... )
        >>> study = Study.from_toml(folder / "study.toml")
        >>> study.connection, study.n_boot, Path(study.survey).name
        ('connected', 20, 'survey.csv')
        """
        study, problems, _ = read_study_file(path, cls)
        if problems:
            raise ValidationError(problems, subject=f"study file '{path}'")
        return study

    def to_toml(self, *, header: str | None = None) -> str:
        """The study as a study file's text: what :meth:`from_toml` reads back
        (write it with ``Path("study.toml").write_text(study.to_toml())``).

        Settings left at None are written as comments (TOML has no null).

        Parameters
        ----------
        header : str or None
            Text written first, as comment lines (by keyword: a path given
            here by mistake would be a comment, and no file written).

        Examples
        --------
        >>> text = Study(connection="connected", n_boot=20).to_toml()
        >>> print(text.split("[options]")[0])  # doctest: +ELLIPSIS
        [inputs]
        # survey =
        # catalog =
        <BLANKLINE>
        [roles]
        connection = "connected"
        ...
        """
        lines = [f"# {line}".rstrip() for line in (header or "").splitlines()]
        if lines:
            lines.append("")
        for table, entries in self.to_dict().items():
            lines.append(f"[{table}]")
            for key, value in entries.items():
                if value is None:
                    lines.append(f"# {key} =")
                else:
                    lines.append(f"{key} = {_toml_value(value)}")
            lines.append("")
        return "\n".join(lines)

    def check(self, owner: str = "analyze") -> None:
        """Raise one error listing every option outside its documented range.

        Examples
        --------
        >>> Study(n_boot=-1, budget=-5).check()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        emomotiv._validation.ValidationError: The study has 2 problems:
          - The 'n_boot' parameter of analyze must be an int >= 0. Got -1 instead.
          - The 'budget' parameter of analyze must be a finite float >= 0 or None. ...
        """
        problems = self.problems(owner)
        if problems:
            raise ValidationError(problems, subject="study")

    def problems(self, owner: str = "analyze") -> list[str]:
        """Every problem with the options, one sentence each (see :meth:`check`).

        Roles must be strings naming columns; options that need another
        option (``churn`` and ``advocacy`` need ``value``) say so with the fix.

        Examples
        --------
        >>> Study(connection="connected", churn="churned").problems()
        ... # doctest: +ELLIPSIS
        ["The 'churn' option (--churn) needs a value column ...]
        """
        problems = [p for p in (_role_problem(self, n) for n in self.ROLES) if p]
        checks = [
            lambda: check_int(self.random_state, "random_state", owner, min_value=0),
            lambda: check_int(self.n_boot, "n_boot", owner, min_value=0),
            lambda: check_float(
                self.level, "level", owner, low=0, high=1, inclusive=False
            ),
            lambda: check_n_jobs(self.n_jobs, owner),
            lambda: _check_client(self.client, owner),
            lambda: check_int(
                self.boot_size,
                "boot_size",
                owner,
                min_value=MIN_BOOT_SIZE,
                allow_none=True,
            ),
            lambda: _check_cv(self.cv, owner),
            lambda: check_choice(self.stated_form, "stated_form", owner, STATED_FORMS),
            lambda: check_choice(
                self.stated_source, "stated_source", owner, STATED_SOURCES
            ),
            lambda: check_choice(
                self.connection_kind, "connection_kind", owner, CONNECTION_KINDS
            ),
            lambda: check_choice(self.halo, "halo", owner, HALO_METHODS),
            # n_boot of the wrong type is its own check's problem
            lambda: check_gains(
                self.gains,
                owner,
                replicates=not (type(self.n_boot) is int and self.n_boot == 0),
            ),
            lambda: self._check_controls(owner),
            lambda: check_int(
                self.min_segment_size, "min_segment_size", owner, min_value=2
            ),
            lambda: _check_wording(self, owner),
            lambda: _check_model(self, owner),
            lambda: check_float(
                self.derived_threshold,
                "derived_threshold",
                owner,
                low=0.0,
                inclusive=False,
                allow_none=True,
            ),
            lambda: check_float(
                self.stated_threshold,
                "stated_threshold",
                owner,
                low=0.0,
                inclusive=False,
            ),
            lambda: _check_stated_scale(self.stated_scale, owner),
            lambda: _check_rule(self.connected_rule, owner),
            lambda: check_float(
                self.satisfied_threshold, "satisfied_threshold", owner, allow_none=True
            ),
            lambda: check_float(self.promoter_threshold, "promoter_threshold", owner),
            lambda: check_currency(self.currency, owner),
        ]
        for check in checks:
            try:
                check()
            except ValueError as err:
                problems.append(str(err))
        for name in ("progress", "methods"):
            if not isinstance(getattr(self, name), bool):
                problems.append(
                    f"The '{name}' parameter of {owner} must be an instance of "
                    f"'bool'. Got {getattr(self, name)!r} instead."
                )
        problems += _plan_problems(self, owner)
        for name, flag in (("churn", "--churn"), ("advocacy", "--advocacy")):
            if getattr(self, name) is not None and self.value is None:
                problems.append(
                    f"The '{name}' option ({flag}) needs a value column (value=..., "
                    f"--value COL): it is linked to connection inside the value "
                    f"models. Pass the value column, or drop {name}."
                )
        if self.population is not None and (
            self.value is None and self.value_per_connected is None
        ):
            problems.append(
                "The 'population' option (--population) needs what a connected "
                "customer is worth, to turn gains into value: a value column "
                "(value=..., --value COL) or value_per_connected=... "
                "(--value-per-connected). Pass one, or drop population."
            )
        problems += _reading_problems(self, owner)
        return problems

    def _check_controls(self, owner: str) -> None:
        """``controls`` a list of column names."""
        controls = self.controls
        ok = controls is None or (
            isinstance(controls, Sequence)
            and not isinstance(controls, str)
            and all(isinstance(c, str) for c in controls)
        )
        if not ok:
            raise ValueError(
                f"The 'controls' parameter of {owner} must be a list of column "
                f"names or None. Got {controls!r} instead."
            )

    def roles(self) -> dict[str, Any]:
        """The column roles, by name (the ``SurveySchema.infer`` arguments)."""
        return {name: getattr(self, name) for name in self.ROLES}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings: inputs, roles and options (the model left out).

        Examples
        --------
        >>> sorted(Study().to_dict())
        ['inputs', 'options', 'roles']
        """
        tables: dict[str, dict[str, Any]] = {t: {} for t in _TABLES}
        for name, table in _tables(type(self)).items():
            tables[table][name] = getattr(self, name)
        return _plain(tables)


_TABLES = ("inputs", "roles", "options")

# The command line's flags whose study-file key is not their name, and its
# flags that set no setting: a study file that uses them is told what to write.
_FLAG_KEYS = {
    "seed": "random_state = N",
    "quiet": "progress = false",
    "no_methods": "methods = false",
    "control": "controls = [...]",
}
_COMMAND_LINE_ONLY = {
    "out": "--out DIR",
    "force": "--force",
    "figures": "--figures",
    "study": "--study FILE",
    "unset": "--unset KEY",
}
# Keyword arguments of analyze that are objects, not settings: only Python
# passes them, and the command line runs without them.
_OBJECT_KEYS = {
    "model": (
        "model=em.DriverModel(...)",
        "the command line fits the default model (its folds with --cv)",
    ),
    "client": (
        "client=Client(address)",
        "the command line runs the bootstrap on local threads",
    ),
}


def _read_tables(
    cls: type[Study], tables: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The settings that ``tables`` holds, and every problem with its tables
    and keys (see :meth:`Study.from_dict`)."""
    table_of = _tables(cls)
    problems, values = [], {}
    for table, entries in tables.items():
        if table in ("file", "model", "catalog_given") and isinstance(entries, str):
            continue  # summary["study"]: where the settings came from
        near = difflib.get_close_matches(str(table).lower(), _TABLES, n=1)
        if table not in _TABLES and near and isinstance(entries, Mapping):
            # [option]: its settings read as those of [options], so that the
            # problems after this one are not those of settings left out
            problems.append(
                f"Unknown table [{table}]; a study has [inputs], [roles] and "
                f"[options]: did you mean [{near[0]}]? Its settings were read "
                f"as those of [{near[0]}]."
            )
            table = near[0]
        elif table not in _TABLES:
            problems.append(
                f"Unknown table [{table}]; a study has [inputs], [roles] and "
                f"[options].{did_you_mean(table, _TABLES)}"
            )
            continue
        if not isinstance(entries, Mapping):
            problems.append(f"[{table}] must be a table, got {entries!r}.")
            continue
        for key, value in entries.items():
            home = table_of.get(key)
            if home is None:
                problems.append(_unknown_key(key, table, table_of))
            elif home != table:
                problems.append(f"'{key}' belongs in [{home}], not in [{table}].")
            else:
                values[key] = _from_plain(cls, key, value)
    return values, problems


def _unknown_key(key: str, table: str, table_of: Mapping[str, str]) -> str:
    """A key that is no setting: the key meant where it is the command line's
    flag (``n-boot``, ``seed``), what to do where it is an object only Python
    passes (``client``), else the near match.

    Examples
    --------
    >>> print(_unknown_key("seed", "options", _tables(Study)))  # doctest: +ELLIPSIS
    Unknown key 'seed' in [options]: the flag --seed is written 'random_state = N' ...
    """
    name = key.strip().lstrip("-").replace("-", "_")
    flag = "--" + name.replace("_", "-")
    if name in table_of:
        return (
            f"Unknown key '{key}' in [{table}]: the flag {flag} is written "
            f"'{name}' in [{table_of[name]}]."
        )
    if name in _FLAG_KEYS:
        return (
            f"Unknown key '{key}' in [{table}]: the flag {flag} is written "
            f"'{_FLAG_KEYS[name]}' in [options]."
        )
    if name in _COMMAND_LINE_ONLY:
        return (
            f"Unknown key '{key}' in [{table}]: a study file holds the settings "
            f"of an analysis, not where it is written; give "
            f"{_COMMAND_LINE_ONLY[name]} on the command line."
        )
    if name in _OBJECT_KEYS:
        argument, cli = _OBJECT_KEYS[name]
        return (
            f"Unknown key '{key}' in [{table}]: '{name}' is an object, not a "
            f"setting: pass {argument} to emomotiv.analyze in Python (with "
            f"study= for this file's settings). {cli[0].upper()}{cli[1:]}."
        )
    return f"Unknown key '{key}' in [{table}]." + did_you_mean(key, table_of)


def read_study_file(
    path: str | PathLike, cls: type[Study] | None = None
) -> tuple[Study, list[str], set[str]]:
    """A study file's settings as far as they can be read, every problem
    with its tables and keys, and the names of the settings it sets.

    :meth:`Study.from_toml` raises on the problems; the command line lists
    them with the other problems of the settings. Relative input paths are
    taken from the file's folder.
    """
    cls = Study if cls is None else cls
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"The study file '{path}' is a folder.")
    if not path.is_file():
        raise FileNotFoundError(f"No such study file: '{path}'.")
    raw = path.read_bytes()
    # a byte-order mark is not TOML: the file is read in the encoding it
    # names (Notepad's "UTF-8 with BOM", UTF-16 as Windows PowerShell's
    # `>` writes) and skipped
    encoding = text_encoding(path)
    try:
        text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ValidationError(
            [
                f"Not UTF-8 text: byte 0x{raw[err.start]:02x} on line {line} is "
                "not UTF-8, the encoding of a TOML file (the file was likely "
                "saved as latin-1 or cp1252). Save it as UTF-8."
            ],
            subject=f"study file '{path}'",
        ) from None
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ValidationError(
            [f"Not valid TOML: {err}."], subject=f"study file '{path}'"
        ) from None
    values, problems = _read_tables(cls, tables)
    for name in ("survey", "catalog"):  # "~/survey.csv": the user's home, as a shell
        if isinstance(values.get(name), str):
            given = Path(values[name]).expanduser()
            values[name] = str((path.parent / given).resolve())
    return cls(**values), problems, set(values)


def write_study_file(record: Mapping[str, Any], path: str | PathLike) -> None:
    """Write ``summary["study"]`` as the ``study.toml`` of an output folder.

    The file holds the settings the analysis ran with (a study file with the
    command line's flags on top), input paths absolute, so that
    ``emomotiv analyze --study study.toml`` repeats the run from anywhere.
    """
    from . import __version__

    record = dict(record)
    source = record.pop("file", None)
    model = record.pop("model", None)
    catalog_given = record.pop("catalog_given", None)
    origin = f", from {source} and the command line" if source else ""
    header = f"The settings of this analysis (emomotiv {__version__}){origin}.\n"
    inputs = record.get("inputs") or {}
    if model is None and inputs.get("survey") is None:  # a DataFrame in Python
        catalog = " [--catalog CATALOG]" if inputs.get("catalog") is None else ""
        header += (
            "It ran on data given in Python, which this file does not name: give\n"
            f"it to repeat the run: emomotiv analyze SURVEY{catalog} --study "
            "study.toml --out DIR"
        )
    elif model is None and catalog_given:
        header += (
            f"Its catalog was given in Python (a {catalog_given}), which this file "
            "does not name: give it to repeat the run:\nemomotiv analyze --study "
            "study.toml --catalog CATALOG --out DIR"
        )
    elif model is None:
        header += "Repeat it with: emomotiv analyze --study study.toml --out DIR"
    else:  # an object the file cannot hold: say so, and how to repeat it
        catalog = ", catalog=CATALOG" if catalog_given else ""
        header += (
            f"It fitted a model of its own, {model}, which a study file cannot\n"
            "hold: 'emomotiv analyze --study study.toml' fits the default "
            "DriverModel.\nRepeat it in Python: em.analyze(study=em.Study."
            f'from_toml("study.toml"){catalog}, model={model})'
        )
    study = Study.from_dict(record)
    # what the record leaves out (how the machine ran it: n_jobs, progress)
    # is written as a comment, not as the default, which was not what ran
    unrecorded = {
        name: None
        for name, table in _tables(Study).items()
        if name not in record.get(table, {})
    }
    text = dataclasses.replace(study, **unrecorded).to_toml(header=header)
    Path(path).write_text(text, encoding="utf-8")


def _tables(cls: type[Study]) -> dict[str, str]:
    """Each settable field's table in a study file, in field order.

    Fields declared with ``compare=False`` (objects such as a model) are not
    settings a file can hold.
    """
    return {
        f.name: "inputs"
        if f.name in ("survey", "catalog")
        else "roles"
        if f.name in cls.ROLES
        else "options"
        for f in dataclasses.fields(cls)
        if f.compare
    }


def _from_plain(cls: type[Study], name: str, value: Any) -> Any:
    """A TOML array as a tuple where the field is annotated as one."""
    kind = str(next(f.type for f in dataclasses.fields(cls) if f.name == name))
    if isinstance(value, list) and kind.startswith("tuple"):
        return tuple(value)
    return value


def _toml_value(value: Any) -> str:
    """One TOML value: strings and numbers as JSON writes them, lists inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        pairs = (f"{_toml_value(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + ", ".join(pairs) + " }"
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, str | int | float):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    raise TypeError(f"Cannot write {value!r} to a study file.")


def _check_stated_scale(scale: object, owner: str) -> None:
    ok = scale is None or (
        isinstance(scale, Sequence)
        and not isinstance(scale, str)
        and len(scale) == 2
        and all(isinstance(v, numbers.Real) and math.isfinite(v) for v in scale)
        and scale[0] < scale[1]
    )
    if not ok:
        raise ValueError(
            f"The 'stated_scale' parameter of {owner} (--stated-scale LOW HIGH) "
            "must be a (lowest, highest) pair with lowest < highest, or None. "
            f"Got {scale!r} instead."
        )


def _check_rule(rule: object, owner: str) -> None:
    number = isinstance(rule, numbers.Real) and not isinstance(rule, bool)
    if rule in ("auto", "outcome") or (number and 0 <= rule <= 100):
        return
    raise ValueError(
        f"The 'connected_rule' parameter of {owner} (--connected-rule) must be "
        "'auto', 'outcome' or a connection-score threshold in [0, 100]. "
        f"Got {rule!r} instead."
    )


def _check_wording(study: Study, owner: str) -> None:
    label = study.outcome_label
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise ValueError(
            f"The 'outcome_label' parameter of {owner} must be a non-empty str or "
            f"None. Got {label!r} instead."
        )


def _refuse_unknown(cls: type, options: Mapping[str, Any], owner: str) -> None:
    """Raise ``TypeError`` naming every option of ``options`` that is no
    field of ``cls``, each with its near match, as Python names an unknown
    keyword argument.

    Examples
    --------
    >>> _refuse_unknown(Study, {"conection": "c", "nboot": 5}, "Study()")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    TypeError: Study() got ... 'conection' (did you mean 'connection'?) and ...
    """
    known = [f.name for f in dataclasses.fields(cls)]
    unknown = [name for name in options if name not in known]
    if not unknown:
        return
    named = []
    for name in unknown:
        near = difflib.get_close_matches(str(name), known, n=1)
        named.append(f"'{name}'" + (f" (did you mean '{near[0]}'?)" if near else ""))
    many = len(named) > 1
    raise TypeError(
        f"{owner} got unexpected keyword argument{'s' if many else ''} "
        + (", ".join(named[:-1]) + " and " + named[-1] if many else named[0])
        + "."
    )


def _checked_init(init):
    """``Study.__init__`` that names an unknown setting's near match."""

    @functools.wraps(init)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _refuse_unknown(type(self), kwargs, f"{type(self).__name__}()")
        init(self, *args, **kwargs)

    return __init__


Study.__init__ = _checked_init(Study.__init__)


def _is_default(value: object, default: object) -> bool:
    """Whether a setting holds its default; a column or an array given in
    place of a setting (which ``problems`` names) is never a default."""
    try:
        return bool(value == default)
    except (TypeError, ValueError):  # an elementwise comparison
        return False


def _check_model(study: Study, owner: str) -> None:
    """A :class:`~emomotiv.DriverModel` instance (unfitted or not), or None
    for the default: the analysis refits it, explains it and simulates on
    it through what only a DriverModel holds. Its seed and task are the
    analysis's (``random_state``, ``connection_kind``): a model that sets
    them otherwise is refused, not silently changed."""
    from .model import DriverModel

    model = study.model
    if isinstance(model, DriverModel):
        model._check_params()  # before any clone: cv=<generator> is named
        _check_model_settings(model, study, owner)
    if model is None or isinstance(model, DriverModel):
        return
    kind = model.__name__ if isinstance(model, type) else type(model).__name__
    given = (
        f"the class {kind}: pass an instance, {kind}()"
        if isinstance(model, type) and issubclass(model, DriverModel)
        else f"{kind}: give its settings to DriverModel(...) instead (n_estimators, "
        "max_depth, learning_rate, ...)"
    )
    raise ValueError(
        f"The 'model' parameter of {owner} must be an emomotiv DriverModel, such "
        f"as DriverModel(), or None. Got {given}."
    )


def model_task(connection_kind: str) -> str:
    """The driver model's task for an outcome read as ``connection_kind``: a
    declared score is a regression, a yes/no (or one read as such) binary."""
    return "regression" if connection_kind == "score" else "binary"


def _check_model_settings(model, study: Study, owner: str) -> None:
    """The model's own seed and task, where set, agree with the analysis."""
    problems = []
    seed = model.random_state
    if seed is not None and seed != study.random_state:
        problems.append(
            f"its random_state={seed!r} is not the analysis's random_state="
            f"{study.random_state!r}, which seeds the model, its folds and every "
            f"resample: pass random_state={seed!r} to {owner} (or leave the "
            "model's unset)"
        )
    wanted = model_task(study.connection_kind)
    if model.task not in ("auto", wanted):
        kind = "score" if model.task == "regression" else "binary"
        problems.append(
            f"its task={model.task!r} is set by the analysis from connection_kind "
            f"({study.connection_kind!r}): leave the model's task unset and pass "
            f"connection_kind={kind!r} to read the outcome that way"
        )
    if problems:
        raise ValueError(f"The model given to {owner}: {'; '.join(problems)}.")


def _role_problem(study: Study, name: str) -> str | None:
    """A role must be a column name (or, for the lists, a list of them)."""
    value = getattr(study, name)
    lists = ("motivators", "facets", "stated")
    if value is None or (isinstance(value, str) and name not in lists):
        return None
    if name in lists:
        ok = not isinstance(value, str | bytes) and isinstance(value, Sequence)
        if ok and all(isinstance(v, str) for v in value):
            return None
        return (
            f"The '{name}' role must be a list of strings naming survey columns; "
            f"got {value!r} ({type(value).__name__})."
        )
    if hasattr(value, "shape"):  # the column itself, not its name
        column = getattr(value, "name", None)
        hint = (
            f" Pass its name: {name}={column!r}."
            if column is not None
            else f" Add it to the survey as a column (survey['{name}'] = values, "
            f"in the survey's row order) and pass its name: {name}='{name}'."
        )
        return (
            f"The '{name}' role must be a string naming a survey column; got "
            f"a {type(value).__name__} of shape {value.shape}.{hint}"
        )
    return (
        f"The '{name}' role must be a string naming a survey column; "
        f"got {value!r} ({type(value).__name__})."
    )


def _plan_problems(study: Study, owner: str) -> list[str]:
    """``population`` finite > 0, ``budget`` finite >= 0, a finite value."""
    rules = (
        ("population", "> 0", lambda v: v > 0),
        ("budget", ">= 0", lambda v: v >= 0),
        ("value_per_connected", "> 0", lambda v: v > 0),
    )
    problems = []
    for name, rule, ok in rules:
        value = getattr(study, name)
        if value is None:
            continue
        number = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if number and math.isfinite(value) and ok(value):
            continue
        problems.append(
            f"The '{name}' parameter of {owner} must be a finite float"
            f"{' ' + rule if rule else ''} or None. Got {value!r} instead."
            + number_hint(value)
        )
    return problems


def _reading_problems(study: Study, owner: str) -> list[str]:
    """``not_experienced`` is a list of codes, ``rating_labels`` a scale's
    labels, ``encoding`` a known codec, ``decimal`` a decimal mark."""
    problems = []
    codes = study.not_experienced
    if codes is not None:
        ok = not isinstance(codes, str | bytes) and isinstance(codes, Sequence)
        if not ok or not all(
            isinstance(c, str | numbers.Real) and not isinstance(c, bool) for c in codes
        ):
            problems.append(
                f"The 'not_experienced' parameter of {owner} must be a list of "
                f"codes (text or numbers), e.g. ['n/a', 99]. Got {codes!r} instead."
            )
    problems += _connected_value_problems(study, owner)
    problems += _rating_label_problems(study.rating_labels, owner)
    if study.decimal not in DECIMALS:
        problems.append(
            f"The 'decimal' parameter of {owner} (--decimal) must be one of "
            f"{DECIMALS}: the decimal mark of the CSV files. Got "
            f"{study.decimal!r} instead."
        )
    for name, flag in (("sheet", "--sheet"), ("catalog_sheet", "--catalog-sheet")):
        sheet = getattr(study, name)
        if isinstance(sheet, bool) or not (
            isinstance(sheet, str)
            and sheet.strip()
            or isinstance(sheet, numbers.Integral)
            and sheet >= 0
        ):
            problems.append(
                f"The '{name}' parameter of {owner} ({flag}) must be a sheet's "
                f"name or its position (0 is the first). Got {sheet!r} instead."
            )
    if not known_encoding(study.encoding):
        problems.append(
            f"The 'encoding' parameter of {owner} must name a text encoding, "
            f"e.g. 'utf-8', 'latin-1' or 'cp1252'. Got {study.encoding!r} instead."
        )
    return problems


def _connected_value_problems(study: Study, owner: str) -> list[str]:
    """``connected_values``: answers (text or numbers), for a 0/1 outcome."""
    values = study.connected_values
    if values is None:
        return []
    ok = not isinstance(values, str | bytes) and isinstance(values, Sequence)
    if (
        not ok
        or not values
        or not all(
            isinstance(v, str | numbers.Real) and not isinstance(v, bool)
            for v in values
        )
    ):
        return [
            f"The 'connected_values' parameter of {owner} must be a list of the "
            "answers that mean connected (text or numbers), e.g. ['Yes'] or [1]. "
            f"Got {values!r} instead."
        ]
    if study.connection_kind == "score":
        return [
            f"The 'connected_values' parameter of {owner} makes the outcome 0/1, "
            "so it cannot be declared a score (connection_kind='score'): drop "
            "one of the two."
        ]
    return []


def _rating_label_problems(labels: object, owner: str) -> list[str]:
    """``rating_labels``: scales of distinct texts, or text -> number."""
    if labels is None:
        return []
    try:
        rating_numbers(labels)
    except (TypeError, ValueError) as err:
        reason = str(err)
    else:
        return []
    return [
        f"The 'rating_labels' parameter of {owner} must be the scale's labels "
        "(two or more distinct texts), lowest first, e.g. ['Poor', 'Fair', "
        "'Good'], a mapping of label to number, e.g. {'Not at all likely': 0, "
        "'Extremely likely': 10}, or a list of such scales. Got "
        f"{labels!r} instead: {reason}."
    ]


def known_encoding(encoding: object) -> bool:
    """Whether ``encoding`` names a text codec Python knows."""
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        return False
    return True


def _plain(value: Any) -> Any:
    """Tuples and other sequences as lists, recursively (JSON and TOML)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# Column names that suggest a role, by role, for ``draft_study``: a column
# whose lower-cased name equals one of them, or ends with one joined by "_",
# gets the role; so does one that starts with one joined by "_" ("ltv_usd").
# In a name written as words ("Overall NPS", "Resp. ID") a space, "-" or "."
# counts as "_", and only the end counts: "Value for money" and "ID check"
# are touchpoints.
_ROLE_NAMES = {
    "connection": (
        "connected",
        "connection",
        "emotionally_connected",
        "verbunden",
        "verbundenheit",
        "attachement",
    ),
    "value": (
        "value",
        "ltv",
        "clv",
        "revenue",
        "lifetime_value",
        "umsatz",
        "jahresumsatz",
        "kundenwert",
        "valeur",
        "chiffre_d_affaires",
    ),
    "satisfaction": (
        "satisfaction",
        "satisfied",
        "csat",
        "osat",
        "overall_satisfaction",
        "satisfaction_overall",
        "zufriedenheit",
        "gesamtzufriedenheit",
        "gesamt_zufriedenheit",
        "allgemeine_zufriedenheit",
        "zufriedenheit_gesamt",
        "zufriedenheit_insgesamt",
        "kundenzufriedenheit",
        "satisfaction_globale",
        "satisfaction_générale",
        "satisfaction_generale",
    ),
    "weight": (
        "weight",
        "weights",
        "wt",
        "wgt",
        "gewicht",
        "gewichtung",
        "poids",
        "ponderation",
        "pondération",
    ),
    "segment": (
        "segment",
        "customer_type",
        "segment_name",
        "kundentyp",
        "kundensegment",
        "type_client",
    ),
    "wave": ("wave", "quarter", "period", "welle", "erhebungswelle", "vague"),
    "id": (
        "id",
        "respondent_id",
        "respid",
        "response_id",
        "responseid",
        "kunden_nr",
        "kundennr",
        "kundennummer",
        "identifiant",
    ),
    "churn": (
        "churn",
        "churned",
        "attrition",
        "left",
        "gekündigt",
        "kündigung",
        "abwanderung",
        "résilié",
        "resilie",
    ),
    "advocacy": (
        "recommend",
        "nps",
        "advocacy",
        "likely_to_recommend",
        "weiterempfehlung",
        "empfehlung",
        "recommandation",
    ),
}


# Names that are a role only as the whole name: at the end of a longer one
# they are a touchpoint ("Explanations were vague", "Beratung und
# Empfehlung", "Einfachheit der Kündigung", "App-Zufriedenheit").
_WHOLE_NAMES = {"vague", "empfehlung", "kündigung", "zufriedenheit", "verbunden"}


# a currency after a name: "(EUR)", "(in Tsd. €)", " in USD"
_CURRENCY = r"(EUR|USD|GBP|CHF|PLN|CZK|HUF|SEK|NOK|DKK|JPY|CAD|AUD|[£$€¥])"
_UNIT = re.compile(
    rf"\s*(\(\s*(in\s+)?(Tsd\.?\s*)?{_CURRENCY}\s*\)|\s+in\s+{_CURRENCY})\s*$",
    re.IGNORECASE,
)


def _guess_role(column: str, names: Sequence[str], whole: bool = False) -> bool:
    """Whether ``column`` is named as one of ``names``: the whole name, or
    (unless ``whole``) one ending with it, or starting with it."""
    # "Kunden-Nr.": the full stop of an abbreviation is not part of the word;
    # a unit after the name ("Jahresumsatz (EUR)", "revenue in USD") neither
    name = _UNIT.sub("", column.strip()).rstrip(".:?").lower() or column.lower()
    low = re.sub(r"[\s.-]+", "_", name)
    if low in names:
        return True
    if whole:
        return False
    words = low != name
    return any(
        low.endswith("_" + n) or (not words and low.startswith(n + "_"))
        for n in names
        if n not in _WHOLE_NAMES
    )


# A column whose name holds one of these words is the likely outcome when no
# name matches the connection role outright ("Feel connected to the brand?").
# ("attaché(e) à la marque", "attachés aux valeurs", not "l'attaché
# commercial", an account manager)
_CONNECTION_WORD = re.compile(
    r"\b(connect(ed|ion)|verbunden(heit)?)\b"
    r"|\b(attach|connect)[ée](?:\(e\)|[·.-]e|e)?s?\s+(?:à|a|au|aux)\b",
    re.IGNORECASE,
)
# Of several such columns, the one that speaks of a feeling ("Do you feel
# emotionally connected ...?") before one of a line ("internet connection")
_CONNECTION_FEELING = re.compile(
    r"\b(emotional(ly)?|feel\w*|emotion\w*|verbunden|sens|sent\w*)\b.*"
    r"\b(connect\w*|verbunden\w*|attach\w*)"
    r"|\b(connect\w*|attach\w*)\b.*\b(brand|marque|marke)\b",
    re.IGNORECASE,
)
# The standard wordings of the recommendation (NPS) and overall satisfaction
# questions, anywhere in a name or a question's text ("Q30 - How likely are
# you to recommend Acme to a friend?", "Overall, how satisfied are you ...?"):
# the role's column when one column alone has them.
_ROLE_PHRASES = {
    "advocacy": re.compile(
        r"\b(likely|likelihood|wahrscheinlich\w*|probab\w*)\b.*"
        r"\b(recommend|weiterempfehlen|empfehlen|recommand\w*)|\bnps\b",
        re.IGNORECASE,
    ),
    "satisfaction": re.compile(
        r"\b(overall|insgesamt|alles in allem|globalement|dans l.ensemble)\b.*"
        r"\b(satisf\w*|zufrieden\w*)|\b(satisf\w*|zufrieden\w*)\b.*"
        r"\b(overall|insgesamt|globale?|g[ée]n[ée]rale?)\b",
        re.IGNORECASE,
    ),
}
# A number off any rating scale whose name or question holds one of these
# words is the likely value column when no name matches the value role
# outright ("How much did you spend with us last year (£)?").
_MONEY_WORD = re.compile(
    r"(\b(spend|spent|spending|revenue|invest(ed|ment)?|balance|assets|"
    r"purchases?|sales|premiums?|value|"
    # German and French: Umsatz, Ausgaben, Einlagen, Vermögen; dépenses, encours
    r"umsatz|ausgaben|einlagen|verm[öo]gen|d[ée]penses|encours)\b|[£$€])",
    re.IGNORECASE,
)


# A text column with more distinct answers than this is free text, a date or
# an id, not a segment (a ranking each) that ``emomotiv init`` offers.
MAX_SEGMENTS = 50


def guess_roles(
    columns: Sequence[str], questions: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Each role's likely column, from the column names (see ``_ROLE_NAMES``)
    and, where the name is a code ("Q40"), the question's text in
    ``questions`` (column -> text, as a survey platform's export gives it):
    a question that is the role's name ("Weight", "Customer type"), or
    speaks of it ("I feel emotionally connected to Acme").

    Examples
    --------
    >>> guess_roles(["Resp. ID", "Feel connected to the brand?", "q1", "wt"])
    {'connection': 'Feel connected to the brand?', 'weight': 'wt', 'id': 'Resp. ID'}
    >>> guess_roles(["Q30", "Q40"], {"Q30": "How likely are you to recommend us?",
    ...                              "Q40": "I feel emotionally connected to Acme"})
    {'connection': 'Q40', 'advocacy': 'Q30'}
    >>> guess_roles(["Q13", "Q14"], {"Q13": "Customer type", "Q14": "Weight"})
    {'weight': 'Q14', 'segment': 'Q13'}
    """
    questions = questions or {}

    def text(column: str) -> str:
        return f"{column} {questions.get(column) or ''}"

    roles: dict[str, str] = {}
    for role, names in _ROLE_NAMES.items():
        free = [c for c in columns if c not in roles.values()]
        # a column named as the role outright ("wave", "Gesamtzufriedenheit")
        # before one whose name ends with it ("App satisfaction")
        match = next(
            (c for c in free if _guess_role(c, names, whole=True)),
            next((c for c in free if _guess_role(c, names)), None),
        )
        if match is None:  # a code ("Q14") whose question is the name ("Weight")
            match = next(
                (
                    c
                    for c in free
                    if questions.get(c)
                    and _guess_role(str(questions[c]), names, whole=True)
                ),
                None,
            )
        if match is None and role == "connection":
            said = [c for c in free if _CONNECTION_WORD.search(text(c))]
            felt = [c for c in said if _CONNECTION_FEELING.search(text(c))]
            match = next(iter(felt or said), None)
        if match is None and role in _ROLE_PHRASES:
            said = [c for c in free if _ROLE_PHRASES[role].search(text(c))]
            match = said[0] if len(said) == 1 else None
        if match is not None:
            roles[role] = match
    return roles


def names_an_outcome(name: str, text: str | None = None) -> bool:
    """Whether a facet's id, or its label or question ``text``, is the
    recommendation (NPS) or overall satisfaction question: an outcome of the
    experience, not a touchpoint.

    Examples
    --------
    >>> names_an_outcome("Q12", "How likely are you to recommend Acme?")
    True
    >>> names_an_outcome("app_satisfaction", "Satisfaction with the app")
    False
    """
    roles = ("advocacy", "satisfaction")
    if any(_guess_role(str(name), _ROLE_NAMES[r], whole=True) for r in roles):
        return True
    said = f"{name} {text or ''}"
    return any(_ROLE_PHRASES[r].search(said) for r in roles)


# the longest column name that still reads as the outcome's name in a
# sentence of the report ("25% of customers are ...")
LONG_OUTCOME_NAME = 40


def reads_badly_as_outcome(column: object) -> bool:
    """Whether a connection column's name reads badly as the report's name
    of the outcome: a question, or longer than :data:`LONG_OUTCOME_NAME`.

    Examples
    --------
    >>> reads_badly_as_outcome("Do you feel connected to Acme?")
    True
    >>> reads_badly_as_outcome("connected")
    False
    """
    name = str(column).replace("_", " ")  # as the report shows it
    return name.rstrip().endswith("?") or len(name) > LONG_OUTCOME_NAME


def _check_cv(cv, owner: str) -> None:
    check_int(cv, "cv", owner, min_value=0, allow_none=True)
    if cv == 1:
        raise ValueError(
            f"The 'cv' parameter of {owner} must be 0 (no cross-validation) or an "
            "int >= 2. Got 1 instead."
        )


def draft_study(
    columns: Sequence[str],
    *,
    survey: str | None = None,
    catalog: str | None = None,
    numeric: Sequence[str] | None = None,
    labelled: Sequence[str] = (),
    left_out: Sequence[str] = (),
    options: Mapping[str, Any] | None = None,
    stated: Sequence[str] = (),
    empty: Sequence[str] = (),
    not_ratings: Sequence[str] = (),
    many_answers: Sequence[str] = (),
    ranked: Sequence[str] | None = None,
    scales: Mapping[str, tuple[float, float]] | None = None,
    questions: Mapping[str, str] | None = None,
    mixed_codes: Mapping[str, tuple[Sequence[str], Sequence[str]]] | None = None,
) -> str:
    """A commented starter study file for a survey with these ``columns``.

    Roles are guessed from the column names (``connected``, ``value``,
    ``weight``, ...); every guess and every option is written for the user to
    check and edit, options as comments holding their defaults. The columns
    left over (numeric ones when ``numeric`` is given) are the likely
    facets; without a catalog they are written as the ``facets`` (the
    ``labelled`` ones only, when there are any; all of them when the column
    types are known), else listed as a comment.

    Parameters
    ----------
    columns : sequence of str
        The survey's column names.
    survey, catalog : str or None
        Paths written to ``[inputs]`` (relative to the study file's folder).
    numeric : sequence of str or None
        The numeric columns, when known: only they can be facets.
    labelled : sequence of str
        Text columns whose answers are the labels of a rating scale: likely
        facets too, and the facets when there is no catalog.
    left_out : sequence of str
        Columns a survey platform adds to every response (start date,
        duration, location): neither facets nor segments, listed apart.
    options : mapping or None
        Options known already (how the file is written, the guessed
        ``rating_labels`` and ``not_experienced`` of the ``labelled``
        columns), written as settings; the others are written as comments
        holding their defaults.
    stated : sequence of str
        Columns of stated importance, matched to the facets by label: the
        ``stated`` role.
    empty : sequence of str
        Columns with no answers: left out, listed apart.
    not_ratings : sequence of str
        Numeric columns off any rating scale (amounts, counts): neither
        facets nor segments, listed as the likely value column; the one
        whose name or question speaks of money (spend, revenue, £) is the
        ``value`` when no name matches the role outright.
    many_answers : sequence of str
        Text columns with more than :data:`MAX_SEGMENTS` distinct answers
        (free text, dates, ids): neither facets nor segments, listed apart.
    ranked : sequence of str or None
        The facets the catalog names, when known: the likely facets are
        listed as those it ranks and those it leaves out (motivator items,
        or touchpoints missing from it).
    scales : mapping or None
        The rating scale of each numeric likely facet, when known: facets on
        more than one scale are listed by scale (a 1-7 block beside 1-10
        touchpoints is often motivator items).
    questions : mapping or None
        The question's text of columns named by a code (``"Q40"``), for
        :func:`guess_roles` and the value's money words.
    mixed_codes : mapping or None
        Codes for "not applicable" that are a rating in other columns (a 0
        common in 1-5 columns, and a rating on 0-10 ones): code -> (the
        columns where it is a code, those where it is a rating). Declared
        for the whole file they would empty ratings, so they are written as
        comments naming the columns, for the catalog's ``not_experienced``
        column.

    Returns
    -------
    str
        TOML text that :meth:`Study.from_toml` reads.

    Examples
    --------
    >>> text = draft_study(["respondent_id", "connected", "weight", "q1", "q2"],
    ...                    survey="survey.csv")
    >>> import tomllib
    >>> tomllib.loads(text)["roles"]
    {'connection': 'connected', 'weight': 'weight', 'id': 'respondent_id'}
    """
    roles = guess_roles(columns, questions)
    asked = questions or {}
    money = [
        c
        for c in not_ratings
        if _MONEY_WORD.search(f"{c} {asked.get(c) or ''}".replace("_", " "))
        and c not in left_out
    ]
    if "value" not in roles and len(money) == 1 and money[0] not in roles.values():
        roles = {**roles, "value": money[0]}
    from .schema import MOTIVATOR_PREFIX, STATED_PREFIX

    taken = set(roles.values())
    not_facets = {*taken, *left_out, *stated, *empty, *not_ratings, *many_answers}
    facets = [
        c
        for c in columns
        if c not in not_facets
        and not c.startswith((MOTIVATOR_PREFIX, STATED_PREFIX))
        and (numeric is None or c in numeric or c in labelled)
    ]
    defaults = Study()
    lines = [
        "# emomotiv study file: the settings of one analysis.",
        "# Run it with: emomotiv analyze --study study.toml --out results",
        "# Flags given on the command line override what is written here.",
        "# Paths are relative to this file's folder. Check every guess below.",
        "",
        "[inputs]",
        f"survey = {_toml_value(survey)}" if survey else "# survey =",
    ]
    if catalog:
        lines.append(f"catalog = {_toml_value(catalog)}")
    else:
        lines += [
            "# A facet catalog (facet, label, stage, ...) names the facets; draft",
            "# one with: emomotiv catalog SURVEY --facets PATTERN --out facets.csv",
            '# catalog = "facets.csv"',
        ]
    lines += ["", "[roles]", "# Guessed from the column names:"]
    # the text columns: known only when the numeric ones are
    numbers = columns if numeric is None else numeric
    not_text = {*taken, *labelled, *left_out, *numbers, *stated, *empty, *not_ratings}
    text = [c for c in columns if c not in not_text and c not in many_answers]
    amounts = [c for c in not_ratings if c not in taken and c not in left_out]
    for role in Study.ROLES:
        if role in ("churn", "advocacy") and role in roles and "value" not in roles:
            lines.append(f"# {role} = {_toml_value(roles[role])}  # needs the value")
        elif role in roles:
            lines.append(f"{role} = {_toml_value(roles[role])}")
        elif role == "segment" and text:
            lines.append("# Text columns that could be the segment (one ranking each):")
            lines += _listed(text)
            lines.append("# segment =")
        elif role not in ("motivators", "facets", "stated"):
            lines.append(f"# {role} =")
    rest = [c for c in text if "segment" in roles and c not in taken]
    if rest:  # the segment was guessed: the other text columns, not left unsaid
        lines.append(
            "# Text columns in no role (another segment, or an outcome or ratings "
            "in words?):"
        )
        lines += _listed(rest)
    if amounts:
        lines.append("# Numbers off a rating scale in no role (0/1, value, weight?):")
        lines += _listed(amounts)
    platform = [c for c in left_out if c not in taken]
    if platform:
        lines.append("# Columns the survey platform adds (not questions), left out:")
        lines += _listed(platform)
    many = [c for c in many_answers if c not in taken and c not in left_out]
    if many:
        lines.append("# Text with too many answers to be a segment (free text, dates):")
        lines += _listed(many)
    unanswered = [c for c in empty if c not in taken and c not in left_out]
    if unanswered:
        lines.append("# Columns with no answers, left out:")
        lines += _listed(unanswered)
    if stated:
        lines.append("# Importance ratings of the facets' statements (their labels):")
        lines += _toml_list("stated", stated)
    words = [c for c in facets if c in labelled] if not catalog else []
    if words:
        others = [c for c in facets if c not in words]
        lines.append(f"# {len(words)} columns hold a rating scale's words: the facets")
        lines += _toml_list("facets", words)
        if others:
            lines.append("# Numeric columns that could be facets too:")
            lines += _listed(others)
    elif facets and not catalog and numeric is not None:
        lines += [
            f"# {len(facets)} columns left are the likely facets (numbers on a "
            "rating scale):",
            "# the facets, as no catalog names them; drop any that is not a touchpoint",
        ]
        lines += _by_scale(facets, scales or {})
        lines += _toml_list("facets", facets)
    elif catalog and ranked is not None:  # 'facets' would clash with its rows
        named = [c for c in facets if c in set(ranked)]
        unnamed = [c for c in facets if c not in set(ranked)]
        lines.append(
            f"# {len(facets)} columns left are the likely facets (rating columns); "
            f"the catalog names {len(named)} of them, which are ranked:"
        )
        lines += _listed(named)
        if unnamed:
            one = len(unnamed) == 1
            lines.append(
                f"# {len(unnamed)} rating column{'' if one else 's'} the catalog "
                "does not name, left out: add touchpoints to the catalog, list "
                "motivator items under 'motivators':"
            )
            lines += _listed(unnamed)
    elif catalog:  # the catalog's rows are the facets: 'facets' would clash
        lines.append(
            f"# {len(facets)} columns left are the likely facets (rating columns); "
            "the catalog names those ranked:"
        )
        lines += _listed(facets)
    else:
        lines += [
            f"# {len(facets)} columns left are the likely facets (rating columns);",
            "# without a catalog, list the ones to rank in 'facets':",
        ]
        lines += _listed(facets)
        lines.append("# facets = []")
    lines += ["", "[options]", "# The defaults; uncomment to change:"]
    known = dict(options or {})
    guessed = known.get("rating_labels")
    how = (
        "each label's number:"
        if isinstance(guessed, Mapping)
        else "the scales guessed, each lowest first:"
        if guessed and not isinstance(guessed[0], str)
        else "the scale guessed, lowest first:"
    )
    notes = {
        "rating_labels": f"# {len(labelled) + len(stated)} columns hold ratings as "
        f"words; {how}",
        "not_experienced": "# Answers in the rating columns that are not ratings "
        "(codes for 'not applicable'; check them):",
        "connected_values": "# The outcome is a yes/no answer; the one that means "
        "connected:",
        "connection_kind": "# The outcome holds more than two numbers: read as a "
        "score (to read it as yes/no instead, give the answers that mean "
        "connected as connected_values):",
        "outcome_label": "# The report's name of the outcome (its column's name "
        "is a question or a code):",
        "stated_form": "# The stated importance columns hold ranks (1 = most "
        "important, empty = not ranked):",
    }
    for name, table in _tables(Study).items():
        if name == "not_experienced":
            lines += _mixed_code_lines(mixed_codes or {})
        if name in known:
            lines += [notes[name]] if name in notes else []
            lines.append(f"{name} = {_toml_value(_plain(known[name]))}")
        elif table == "options":
            value = _plain(getattr(defaults, name))
            shown = "" if value is None else " " + _toml_value(value)
            lines.append(f"# {name} ={shown}")
    return "\n".join(lines) + "\n"


def _mixed_code_lines(
    mixed: Mapping[str, tuple[Sequence[str], Sequence[str]]],
) -> list[str]:
    """Comment lines on the codes for "not applicable" that are a rating in
    other columns: which columns use each as a code, and where it goes.

    Examples
    --------
    >>> for line in _mixed_code_lines({"0": (["chat", "fees"], ["web"])}):
    ...     print(line)
    # 0 looks like a code for 'not applicable' in 2 rating columns but is a
    # rating in 1 other, so it is not declared here (it would empty those
    # ratings): write 0 in the catalog's not_experienced column of the columns
    # where it means not used (check them):
    #   chat, fees
    # and a rating in:
    #   web
    """
    lines = []
    for code, (used, rated) in mixed.items():
        lines += [
            f"# {code} looks like a code for 'not applicable' in {len(used)} "
            f"rating column{'s' if len(used) > 1 else ''} but is a",
            f"# rating in {len(rated)} other{'s' if len(rated) > 1 else ''}, so it "
            "is not declared here (it would empty those",
            f"# ratings): write {code} in the catalog's not_experienced column of "
            "the columns",
            "# where it means not used (check them):",
            *_listed(used),
            "# and a rating in:",
            *_listed(rated),
        ]
    return lines


def _by_scale(
    facets: Sequence[str], scales: Mapping[str, tuple[float, float]]
) -> list[str]:
    """Comment lines listing the facets by scale when they use more than one,
    the largest group first: the smaller groups are often not touchpoints.

    Examples
    --------
    >>> scales = {"a": (1, 10), "b": (1, 10), "m": (1, 7)}
    >>> for line in _by_scale(["a", "b", "m"], scales):
    ...     print(line)
    # They are rated on 2 scales; a block on its own scale may be motivator
    # items (how the brand makes customers feel: list them under 'motivators'):
    #   1-10 (2):
    #     a, b
    #   1-7 (1):
    #     m
    """
    groups: dict[tuple[float, float], list[str]] = {}
    for facet in facets:
        if facet in scales:
            groups.setdefault(tuple(scales[facet]), []).append(facet)
    if len(groups) < 2:
        return []
    lines = [
        f"# They are rated on {len(groups)} scales; a block on its own scale may be "
        "motivator",
        "# items (how the brand makes customers feel: list them under 'motivators'):",
    ]
    for (lo, hi), names in sorted(groups.items(), key=lambda item: -len(item[1])):
        lines.append(f"#   {lo:g}-{hi:g} ({len(names)}):")
        lines += [f"#     {line}" for line in _wrap(names, 74)]
    return lines


def _toml_list(name: str, values: Sequence[str]) -> list[str]:
    """A TOML array of strings, one per line (easy to edit)."""
    return [f"{name} = ["] + [f"    {_toml_value(v)}," for v in values] + ["]"]


def _listed(names: Sequence[str]) -> list[str]:
    """Column names as indented comment lines."""
    return [f"#   {line}" for line in _wrap(names)]


def _wrap(names: Sequence[str], width: int = 76) -> list[str]:
    lines, line = [], ""
    for name in names:
        piece = f"{name}, "
        if line and len(line) + len(piece) > width:
            lines.append(line.rstrip())
            line = ""
        line += piece
    if line:
        lines.append(line.rstrip().rstrip(","))
    return lines
