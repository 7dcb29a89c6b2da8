"""Command line: thin argument parsing over :mod:`emomotiv.pipeline`.

Exit codes: 0 success, 2 bad input or a refused output folder (the message
says what to change), 1 anything unexpected.
"""

from __future__ import annotations

import argparse
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
        help="emotional-connection outcome column: 0/1 or a numeric score",
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
        description="Check a survey and list every problem at once; writes nothing.",
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
    options.add_argument("--out", required=True, metavar="DIR", help="output folder")
    options.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty output folder (same-named files are replaced)",
    )
    return parser


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
    from .io import read_table
    from .schema import FacetCatalog, SurveySchema, validate_survey

    survey = read_table(args.survey)
    catalog = FacetCatalog.from_frame(read_table(args.catalog))
    schema = SurveySchema.infer(survey, catalog, **_roles(args))
    validate_survey(survey, schema, catalog)
    roles = ", ".join(
        f"{k}={v}"
        for k, v in schema.roles().items()
        if k not in ("motivators", "stated")
    )
    print(
        f"OK: {len(survey)} respondents, {len(schema.facets)} facets "
        f"in {len(catalog.stages)} stages; {roles}."
    )
    return 0


def _analyze(args: argparse.Namespace) -> int:
    from .io import check_output_dir, save_analysis
    from .pipeline import analyze

    check_output_dir(args.out, force=args.force)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = analyze(
            args.survey, args.catalog, random_state=args.seed, **_roles(args)
        )
    out = save_analysis(result, args.out, force=args.force)
    data = result.summary["data"]
    print(f"Analysed {data['n_respondents']} respondents x {data['n_facets']} facets.")
    for note in result.summary["warnings"]:
        print(f"warning: {note}", file=sys.stderr)
    print("Top drivers of emotional connection:")
    for row in result.drivers.head(10).itertuples():
        print(f"  {row.rank:>2}. {row.label:<40} {row.importance:6.1%}")
    print(f"Wrote {', '.join(sorted(p.name for p in out.iterdir()))} to {out}/")
    return 0


COMMANDS = {"sample": _sample, "validate": _validate, "analyze": _analyze}


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
    try:
        return COMMANDS[args.command](args)
    except (ValidationError, FileExistsError, FileNotFoundError, ValueError) as err:
        print(f"emomotiv {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
