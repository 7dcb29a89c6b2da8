"""Command line: thin argument parsing over :mod:`emomotiv.pipeline`.

Exit codes: 0 success, 2 bad input or a refused output folder (the message
says what to change), 1 anything unexpected.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from . import __version__

EXAMPLES = """\
examples:
  emomotiv sample data
  emomotiv validate data/survey.csv --catalog data/facets.csv --connection connected
  emomotiv analyze data/survey.csv --catalog data/facets.csv \\
      --connection connected --value value --weight weight --out results
  emomotiv compare results-2026Q2 results-2026Q3 --out changes
  emomotiv analyze data/survey.csv --catalog data/facets.csv \\
      --connection connected --value value --weight weight \\
      --population 250000 --budget 500000 --out results
"""


def _add_roles(parser: argparse.ArgumentParser) -> None:
    roles = parser.add_argument_group("column roles")
    roles.add_argument(
        "--catalog",
        required=True,
        metavar="FACETS",
        help="facet catalog CSV: one row per facet (facet, label, stage, ...)",
    )
    roles.add_argument(
        "--connection",
        required=True,
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
        default="auto",
        help="what --connection holds: auto accepts 0/1 only and names any "
        "other values it finds; 'score' declares a numeric score (default auto)",
    )
    reading.add_argument(
        "--not-experienced",
        type=_codes,
        metavar="CODES",
        help='comma-separated codes that mean "did not experience this '
        'touchpoint" in rating columns, e.g. "n/a,99,0"; other text in a '
        "rating column is an error",
    )
    reading.add_argument(
        "--encoding",
        default="utf-8",
        metavar="NAME",
        help="text encoding of CSV files (default utf-8; files saved by Excel "
        "on Windows are often latin-1 or cp1252)",
    )


def _codes(text: str) -> list[str]:
    """``--not-experienced``: a comma-separated list of codes."""
    codes = [c.strip() for c in text.split(",") if c.strip()]
    if not codes:
        raise argparse.ArgumentTypeError(
            f'expected comma-separated codes such as "n/a,99", got {text!r}'
        )
    return codes


def _add_segment_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("segments and wording")
    group.add_argument(
        "--min-segment-size",
        type=int,
        default=300,
        metavar="N",
        help="respondents a --segment value needs for its own driver ranking; "
        "smaller segments are reported, not ranked (default 300)",
    )
    group.add_argument(
        "--outcome-label",
        metavar="TEXT",
        help="how the report and console speak of the outcome, e.g. "
        "'emotionally connected' (default: the --connection column's name)",
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
        default="ratings",
        help="what stated importance is: ratings on any scale, ranks "
        "(1 = most important) or MaxDiff utilities (default ratings)",
    )
    group.add_argument(
        "--stated-source",
        choices=("auto", "respondents", "catalog"),
        default="auto",
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
        default=1.0,
        metavar="X",
        help="a facet is stated important when its stated share exceeds X "
        "times the mean share (default 1: above average)",
    )
    group.add_argument(
        "--connected-rule",
        type=_rule,
        default="auto",
        metavar="RULE",
        help="who is fully connected: 'outcome' (the 0/1 connection column), "
        "or a number T: connection score from the motivators >= T (0-100); "
        "auto: outcome when it is 0/1, else 70",
    )
    group.add_argument(
        "--satisfied-threshold",
        type=float,
        metavar="X",
        help="satisfaction at or above X counts as highly satisfied "
        "(default: top two boxes, e.g. 9-10)",
    )
    group.add_argument(
        "--churn",
        metavar="COL",
        help="attrition column (0/1): logit on connection; needs --value",
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
        default=9.0,
        metavar="X",
        help="recommendation at or above X is a promoter (default 9)",
    )


def _add_controls(parser: argparse.ArgumentParser) -> None:
    from .controls import HALO_METHODS

    group = parser.add_argument_group("halo and context controls")
    group.add_argument(
        "--halo",
        choices=HALO_METHODS,
        default="mean",
        metavar="MODE",
        help="how each respondent's general warmth is estimated from their own "
        "ratings and held as a control: "
        f"{', '.join(HALO_METHODS)} (default mean; none leaves it out)",
    )
    group.add_argument(
        "--control",
        nargs="+",
        metavar="COL",
        help="customer context columns (purpose, product, class, tenure, region, "
        "age; numeric or categorical) the model sees but no scenario moves; "
        "scored in controls.csv, never ranked",
    )


def _study(args: argparse.Namespace):
    """The :class:`~emomotiv.Study` that ``analyze``'s flags describe."""
    from .study import Study

    return Study(
        survey=args.survey,
        catalog=args.catalog,
        **_roles(args),
        churn=args.churn,
        advocacy=args.advocacy,
        random_state=args.seed,
        n_boot=args.n_boot,
        progress=not args.quiet,
        methods=not args.no_methods,
        stated_form=args.stated_form,
        stated_source=args.stated_source,
        stated_scale=None if args.stated_scale is None else tuple(args.stated_scale),
        derived_threshold=args.derived_threshold,
        stated_threshold=args.stated_threshold,
        connected_rule=args.connected_rule,
        satisfied_threshold=args.satisfied_threshold,
        promoter_threshold=args.promoter_threshold,
        population=args.population,
        budget=args.budget,
        value_per_connected=args.value_per_connected,
        halo=args.halo,
        controls=args.control,
        min_segment_size=args.min_segment_size,
        outcome_label=args.outcome_label,
        **_reading(args),
    )


def _reading(args: argparse.Namespace) -> dict:
    return {
        "connection_kind": args.connection_kind,
        "not_experienced": args.not_experienced,
        "encoding": args.encoding,
    }


def build_parser() -> argparse.ArgumentParser:
    """The ``emomotiv`` argument parser.

    The documentation's command-line reference is generated from it.

    Examples
    --------
    >>> args = build_parser().parse_args(
    ...     ["analyze", "survey.csv", "--catalog", "facets.csv",
    ...      "--connection", "connected", "--out", "results"]
    ... )
    >>> args.command, args.connection, args.seed
    ('analyze', 'connected', 0)
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
    validate.add_argument("survey", metavar="SURVEY", help="survey CSV or Parquet file")
    _add_roles(validate)

    analyze = sub.add_parser(
        "analyze",
        help="run the driver analysis and write tables and a report",
        description="Fit the driver model, rank facets by derived importance and "
        "write drivers.csv, summary.json, report.html and the model to --out.",
    )
    analyze.add_argument("survey", metavar="SURVEY", help="survey CSV or Parquet file")
    _add_roles(analyze)
    options = analyze.add_argument_group("analysis")
    options.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="random seed; the same seed gives the same results (default 0)",
    )
    options.add_argument(
        "--n-boot",
        type=int,
        default=100,
        metavar="N",
        help="bootstrap resamples for importance intervals, rank intervals and "
        "p_top, ROI and plan intervals; 0 turns the bootstrap off (default 100)",
    )
    options.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar while the bootstrap runs",
    )
    options.add_argument(
        "--no-methods",
        action="store_true",
        help="skip the classical methods (relative weights, Shapley regression, "
        "betas, correlations) and their agreement with SHAP",
    )
    _add_controls(analyze)
    _add_stated_value_options(analyze)
    _add_segment_options(analyze)
    plan = analyze.add_argument_group("return on improvement")
    plan.add_argument(
        "--population",
        type=float,
        metavar="N",
        help="customers the survey represents; turns each facet's simulated gain "
        "in the connected share into value and ROI (roi.csv)",
    )
    plan.add_argument(
        "--budget",
        type=float,
        metavar="X",
        help="money for improvements; writes plan.csv, the facets with the "
        "largest expected value gain that fit the budget",
    )
    plan.add_argument(
        "--value-per-connected",
        type=float,
        metavar="X",
        help="incremental value of a connected customer (default: from the value "
        "link, else the mean value gap between connected and unconnected "
        "respondents in --value)",
    )
    options.add_argument("--out", required=True, metavar="DIR", help="output folder")
    options.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty output folder: the files of an earlier "
        "emomotiv run there are replaced as a whole, other files are left "
        "alone and named; refused on /, the home folder and a folder holding "
        "the inputs",
    )
    _add_compare(sub)
    return parser


def _add_compare(sub) -> None:
    compare = sub.add_parser(
        "compare",
        help="compare two saved analyses: what moved since the last wave",
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
        "--force",
        action="store_true",
        help="write into a non-empty output folder: the files of an earlier "
        "emomotiv run there are replaced as a whole, other files are left alone",
    )


# Terminal safety: text from the data (labels, column names, values) is
# printed without control characters, so an escape sequence in a label cannot
# drive the terminal, and long text is cut; the files keep the full text.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LABEL_WIDTH = 40
LINE_WIDTH = 400


def _safe(text: object, width: int = LINE_WIDTH) -> str:
    """``text`` fit for a terminal: no control characters, lines cut at
    ``width`` characters with an ellipsis.

    Examples
    --------
    >>> _safe("\x1b[31mred\x1b[0m and\x07 bell")
    'red and bell'
    >>> _safe("x" * 50, width=10)
    'xxxxxxxxx…'
    """
    text = _CONTROL.sub("", _ESCAPE.sub("", str(text)).replace("\t", " "))
    return "\n".join(
        line if len(line) <= width else line[: width - 1] + "…"
        for line in text.split("\n")
    )


def _label(text: object) -> str:
    """A label for a table row on the terminal: one line, cut to fit."""
    return _safe(str(text).replace("\n", " ").replace("\r", " "), LABEL_WIDTH)


def _print_tracking(tracking: dict, changes) -> None:
    waves = tracking["waves"]
    print(
        f"From {waves['before']} to {waves['after']}: "
        f"{tracking['n_flagged']} of {tracking['n_facets']} facets moved beyond "
        "noise."
    )
    for row in changes[changes["flagged"]].head(10).itertuples():
        print(
            f"  {_label(row.label):<40} {row.importance_before:6.1%} -> "
            f"{row.importance_after:6.1%}  (rank {row.rank_before} -> "
            f"{row.rank_after})"
        )
    for name, kpi in tracking["kpis"].items():
        print(f"  {_safe(name)}: {kpi['before']:.4g} -> {kpi['after']:.4g}")


def _compare(args: argparse.Namespace) -> int:
    from .io import check_output_dir, output_lock, save_comparison
    from .tracking import compare

    check_output_dir(args.out, force=args.force, inputs=[args.before, args.after])
    with output_lock(args.out):
        comparison = compare(
            args.before, args.after, alpha=args.alpha, correction=args.correction
        )
        out = save_comparison(comparison, args.out, force=args.force)
    _print_tracking(comparison.summary, comparison.changes)
    _print_written(out)
    return 0


def _print_written(out: Path) -> None:
    """The files of this run, as its manifest lists them."""
    from .io import check_manifest

    names = sorted([*check_manifest(out), "manifest.json"])
    print(_safe(f"Wrote {', '.join(names)} to {out}/", width=2000))


def _roles(args: argparse.Namespace) -> dict[str, str | None]:
    return {
        "connection": args.connection,
        "value": args.value,
        "satisfaction": args.satisfaction,
        "weight": args.weight,
        "segment": args.segment,
        "wave": args.wave,
        "id": args.id,
    }


def _sample(args: argparse.Namespace) -> int:
    from .datasets import load_sample

    out = Path(args.dir)
    targets = [out / "survey.csv", out / "facets.csv"]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not args.force:
        raise FileExistsError(
            f"{', '.join(existing)} already exist; pass --force to replace them."
        )
    sample = load_sample()
    out.mkdir(parents=True, exist_ok=True)
    sample.survey.to_csv(targets[0], index=False)
    sample.catalog.to_csv(targets[1], index=False)
    print(
        f"Wrote {targets[0]} ({len(sample.survey)} respondents) and {targets[1]} "
        f"({len(sample.catalog)} facets)."
    )
    print(
        f"Next: emomotiv analyze {targets[0]} --catalog {targets[1]} "
        "--connection connected --value value --weight weight --out results"
    )
    return 0


def _validate(args: argparse.Namespace) -> int:
    from .pipeline import _checked_inputs
    from .schema import SurveySchema
    from .study import Study

    study = Study(
        survey=args.survey, catalog=args.catalog, **_roles(args), **_reading(args)
    )
    survey, catalog, _ = _checked_inputs(args.survey, args.catalog, study)
    schema = SurveySchema.infer(survey, catalog, **_roles(args))
    roles = ", ".join(
        f"{k}={v}"
        for k, v in schema.roles().items()
        if k not in ("motivators", "stated")
    )
    waves = ""
    if args.wave is not None and survey[args.wave].nunique() > 1:
        waves = f" in {survey[args.wave].nunique()} waves"
    print(
        _safe(
            f"OK: {len(survey)} respondents{waves}, {len(schema.facets)} facets "
            f"in {len(catalog.stages)} stages; {roles}."
        )
    )
    return 0


def _analyze(args: argparse.Namespace) -> int:
    from .io import output_lock, output_problems, save_analysis
    from .pipeline import _checked_inputs, analyze
    from .report import outcome_label

    # every check before the first fit, in one pass: options, folder, data
    study = _study(args)
    problems = output_problems(
        args.out, force=args.force, inputs=[args.survey, args.catalog]
    )
    survey, catalog, _ = _checked_inputs(args.survey, args.catalog, study, problems)
    with output_lock(args.out):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            result = analyze(survey, catalog, study=study)
        out = save_analysis(result, args.out, force=args.force)
    data = result.summary["data"]
    print(f"Analysed {data['n_respondents']} respondents x {data['n_facets']} facets.")
    for note in result.summary["warnings"]:
        print(f"warning: {_safe(note)}", file=sys.stderr)
    print(f"Top drivers of {outcome_label(result.summary)}:")
    top_k = result.summary["uncertainty"].get("top_k")
    for row in result.drivers.head(10).itertuples():
        line = f"  {row.rank:>2}. {_label(row.label):<40} {row.importance:6.1%}"
        if row.importance_low == row.importance_low:  # not NaN: bootstrapped
            line += (
                f"  [{row.importance_low:.1%}, {row.importance_high:.1%}]"
                f"  p(top {top_k}) {row.p_top:.0%}"
            )
        print(line)
    stability = result.summary["uncertainty"].get("stability") or {}
    if stability.get("top_k_overlap") is not None:
        print(
            f"Ranking stability: resamples share {stability['top_k_overlap']:.0%} "
            f"of their top {top_k} (threshold {stability['threshold']:.0%})"
            + (" - LOW" if stability["low"] else "")
        )
    _print_controls(result.tables.get("controls"))
    if result.tracking is not None:
        _print_tracking(result.summary["tracking"], result.tables["changes"])
    _print_stated_value(result.summary)
    _print_plan(result.summary.get("plan") or {})
    _print_written(out)
    return 0


def _print_controls(controls) -> None:
    if controls is None or not len(controls):
        return
    print("Not explained by the touchpoints (share of all importance):")
    for row in controls.itertuples():
        print(f"  {row.label:<44} {row.importance:6.1%}")


def _print_stated_value(summary: dict) -> None:
    from .report import _money

    stated, value = summary.get("stated") or {}, summary.get("value") or {}
    if stated.get("rank_correlation") is not None:
        counts = ", ".join(f"{n} {q}" for q, n in stated["counts"].items())
        print(
            f"Stated vs derived: rank correlation {stated['rank_correlation']:.2f}; "
            f"{counts}."
        )
    if value.get("multiplier") is not None:
        print(
            f"Fully connected customers are worth {value['multiplier']:.2f}x the "
            f"highly satisfied ({value['multiplier_low']:.2f}-"
            f"{value['multiplier_high']:.2f}); one more connected customer adds "
            f"{_money(value['value_per_connected'])}."
        )


def _print_plan(plan: dict) -> None:
    from .report import _money

    if plan.get("budget") is None or plan.get("selected") is None:
        return
    print(
        f"Plan within {plan['budget']:,.0f}: fund {plan['n_selected']} facets for "
        f"{plan['spent']:,.0f}; connected share "
        f"{plan['combined_delta_connected']:+.1%} together "
        f"(sum of single gains {plan['sum_individual_delta_connected']:+.1%})."
    )
    if plan.get("combined_delta_value") is not None:
        print(
            f"  expected value gain {plan['combined_delta_value']:,.0f} "
            f"(value per connected customer {_money(plan['value_per_connected'])}, "
            f"{plan['value_source']})."
        )


COMMANDS = {
    "sample": _sample,
    "validate": _validate,
    "analyze": _analyze,
    "compare": _compare,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     main(["sample", tmp])  # doctest: +ELLIPSIS
    Wrote ...survey.csv (5000 respondents) and ...facets.csv (100 facets).
    Next: emomotiv analyze ...
    0
    """
    from ._validation import ValidationError

    args = build_parser().parse_args(argv)
    with warnings.catch_warnings(record=True) as notices:
        warnings.simplefilter("always", UserWarning)
        try:
            code = COMMANDS[args.command](args)
        except (ValidationError, FileExistsError, FileNotFoundError, ValueError) as err:
            _print_notices(notices)
            print(_safe(f"emomotiv {args.command}: error: {err}"), file=sys.stderr)
            return 2
    _print_notices(notices)
    return code


def _print_notices(notices) -> None:
    """What the run noticed on the way (a delimiter, files left alone)."""
    for notice in notices:
        if issubclass(notice.category, UserWarning):
            print(_safe(f"notice: {notice.message}"), file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
