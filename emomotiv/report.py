"""The HTML report: results -> context dict -> Jinja2 template -> one file.

Building a :class:`Report` is cheap; rendering is explicit (:meth:`Report.html`,
:meth:`Report.write_html`, or the notebook's ``_repr_html_``). The page is
self-contained: styles inline, charts as inline SVG, no external assets, so it
opens offline and prints to PDF. Autoescape is on, so labels from user data
are text, never markup; chart text is escaped by matplotlib's SVG writer.

Every section renders from the tables and summary keys of the integration
contract (DESIGN.md) when they are present, and says in plain words what to
pass when they are not.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from ._validation import check_int
from .results import AnalysisResult

__all__ = ["Report"]

SECTIONS = {
    "summary": "Executive summary",
    "drivers": "What drives emotional connection",
    "quadrant": "What customers say versus what drives them",
    "stages": "The customer journey",
    "motivators": "Emotional motivators and segments",
    "roi": "What improving each touchpoint is worth",
    "changes": "Change since the last wave",
    "model-fit": "Model fit, diagnostics and method agreement",
    "data": "Data",
    "method": "Method and caveats",
}

MISSING = {
    "intervals": (
        "Intervals were not computed: run the analysis with bootstrap resamples "
        "(n_boot > 0, --n-boot N) to see how sure each rank is."
    ),
    "stated": (
        "No stated importance was provided: pass a catalog with "
        "stated_importance or a survey with stated__<facet> columns."
    ),
    "stages": (
        "No journey-stage view was provided: it needs the stages table, computed "
        "when the catalog gives each facet a stage."
    ),
    "motivators": (
        "No motivator ratings were provided: add motivator__<name> columns "
        "(agreement with each emotional motivator) to the survey."
    ),
    "segments": "No customer segments were provided.",
    "value": (
        "No customer value was provided: pass a value column (--value COL) to "
        "link connection to what customers are worth."
    ),
    "roi": (
        "No improvement scenarios were provided: run the simulation (a population "
        "size, --population N) to see what a one-point improvement of each "
        "touchpoint is worth; add a cost column to the catalog to rank by return."
    ),
    "plan": (
        "No plan was made: pass a budget (--budget X) and the cost of each "
        "improvement (the catalog's cost column)."
    ),
    "changes": (
        "No earlier wave was provided: run analyze --wave COL on a survey with "
        "several waves, or emomotiv compare DIR_BEFORE DIR_AFTER."
    ),
    "diagnostics": (
        "No diagnostics were provided (condition number, VIF, halo): they come "
        "with the bootstrap step of the analysis."
    ),
    "agreement": (
        "No method comparison was provided: the classical methods (relative "
        "weights, Shapley regression, betas, correlations) were not run."
    ),
}

DEFAULT_ASSUMPTION = (
    "A scenario raises a touchpoint's rating by one point for every customer "
    "who rated it (capped at the top of the scale) and leaves everything else "
    "about each customer as it is; the model's prediction is read as the effect "
    "of the change."
)
PLAN_EXTRA_ROWS = 5

QUADRANTS = {
    "core_driver": "Core driver",
    "hidden_driver": "Hidden driver",
    "table_stakes": "Table stakes",
    "low_priority": "Low priority",
}


def _svg(draw: Callable, size: tuple[float, float], key: str) -> str:
    """Render ``draw(ax)`` on a pyplot-free figure; return inline SVG markup.

    Text stays text (selectable, printable, escaped by matplotlib), the output
    is deterministic (no date, fixed hash salt), and every ``id`` is prefixed
    with ``key`` so several charts can share one page.
    """
    import matplotlib
    from matplotlib.figure import Figure

    rc = {"svg.fonttype": "none", "svg.hashsalt": "emomotiv", "font.size": 9}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=size, layout="constrained")
        draw(fig.subplots())
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{key}-\1"', text)
    text = re.sub(
        r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r"<svg \1", text, count=1
    )
    return text


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    frame = tables.get(name)
    if frame is None or not isinstance(frame, pd.DataFrame) or frame.empty:
        return None
    return frame


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Rows as dicts with missing values as None (the template prints n/a)."""
    if frame is None:
        return []
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


def _has(frame: pd.DataFrame | None, *columns: str) -> bool:
    return (
        frame is not None
        and all(c in frame.columns for c in columns)
        and bool(frame[list(columns)].notna().any().all())
    )


def _label(row: Mapping[str, Any]) -> str:
    label = row.get("label")
    return str(row["facet"]) if label is None or label == "" else str(label)


def _number(value) -> float | None:
    if value is None or isinstance(value, str | bool):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def _pct(value, digits: int = 1) -> str:
    value = _number(value)
    return "n/a" if value is None else f"{100 * value:.{digits}f}%"


def _num(value, digits: int = 2) -> str:
    value = _number(value)
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _money(value) -> str:
    value = _number(value)
    if value is None:
        return "n/a"
    for size, unit, suffix in ((1e9, 1e9, " bn"), (1e6, 1e6, " m"), (1e4, 1e3, "k")):
        if abs(value) >= size:
            return f"{value / unit:,.1f}".removesuffix(".0") + suffix
    return f"{value:,.0f}"


def _points(value, digits: int = 1) -> str:
    """A change in a share, in percentage points with a sign."""
    value = _number(value)
    return "n/a" if value is None else f"{100 * value:+.{digits}f} pts"


def _times(value, digits: int = 1) -> str:
    value = _number(value)
    return "n/a" if value is None else f"{value:,.{digits}f}×"


def _label_list(labels: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' (plain text; the template escapes it)."""
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _as_parts(result) -> tuple[Mapping[str, pd.DataFrame], Mapping[str, Any]]:
    if isinstance(result, AnalysisResult):
        return result.tables, result.summary
    if isinstance(result, Mapping) and "tables" in result and "summary" in result:
        return result["tables"], result["summary"]
    raise TypeError(
        "Report needs an AnalysisResult or a mapping with 'tables' and 'summary'; "
        f"got {type(result).__name__}."
    )


class Report:
    """A self-contained HTML report of an :class:`~emomotiv.AnalysisResult`.

    Parameters
    ----------
    result : AnalysisResult or mapping
        What :func:`emomotiv.analyze` returned (or :func:`load_analysis`
        reloaded), or a mapping with ``tables`` and ``summary``.
    title : str, default="Emotional connection drivers"
        Page title.
    top : int, default=20
        Facets shown in the driver chart and table.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=600, n_facets=12, random_state=0)
    >>> result = em.analyze(s.survey, s.catalog, connection="connected")
    >>> html = em.Report(result).html()
    >>> html.startswith("<!DOCTYPE html>")
    True
    """

    def __init__(
        self,
        result: AnalysisResult | Mapping[str, Any],
        *,
        title: str = "Emotional connection drivers",
        top: int = 20,
    ) -> None:
        self.result = result
        self.title = title
        self.top = top

    # -- sections ---------------------------------------------------------

    def _drivers(self, drivers: pd.DataFrame) -> dict[str, Any]:
        from .plotting import plot_drivers

        n_top = min(self.top, len(drivers))
        chart = _svg(
            lambda ax: plot_drivers(drivers, top=n_top, ax=ax),
            (7.5, 0.26 * n_top + 1.0),
            "drivers",
        )
        return {
            "chart": chart,
            "rows": _records(drivers.head(n_top)),
            "n_shown": n_top,
            "n_total": len(drivers),
            "intervals": _has(drivers, "importance_low", "importance_high"),
            "rank_intervals": _has(drivers, "rank_low", "rank_high"),
            "p_top10": _has(drivers, "p_top10"),
            "stated": _has(drivers, "stated_rank"),
            "quadrant": _has(drivers, "quadrant"),
        }

    def _quadrant(self, drivers: pd.DataFrame, summary) -> dict[str, Any] | None:
        from .plotting import plot_quadrant

        if not _has(drivers, "stated_importance"):
            return None
        stated = dict(summary.get("stated") or {})
        thresholds = stated.get("thresholds")
        if not isinstance(thresholds, Mapping) or not {"stated", "derived"} <= set(
            thresholds
        ):
            thresholds = None
        chart = _svg(
            lambda ax: plot_quadrant(drivers, thresholds=thresholds, ax=ax),
            (7.5, 5.2),
            "quadrant",
        )
        groups = []
        if "quadrant" in drivers:
            for key, name in QUADRANTS.items():
                part = drivers.loc[drivers["quadrant"] == key]
                groups.append(
                    {
                        "key": key,
                        "name": name,
                        "count": len(part),
                        "labels": [_label(r) for r in _records(part.head(6))],
                    }
                )
        return {"chart": chart, "groups": groups, "stated": stated}

    def _stages(self, tables) -> dict[str, Any] | None:
        from .plotting import plot_stages

        stages = _table(tables, "stages")
        if not _has(stages, "stage", "importance"):
            return None
        chart = _svg(
            lambda ax: plot_stages(stages, ax=ax),
            (7.5, 3.0),
            "stages",
        )
        top = stages.sort_values("importance", ascending=False).iloc[0]
        return {
            "chart": chart,
            "rows": _records(stages),
            "intervals": _has(stages, "importance_low", "importance_high"),
            "top": str(top["stage"]),
            "top_share": top["importance"],
        }

    def _motivators(self, tables, summary) -> dict[str, Any]:
        from .plotting import motivator_columns, plot_motivator_heatmap

        motivators = _table(tables, "motivators")
        out: dict[str, Any] = {"chart": None, "n_motivators": 0}
        if motivators is not None and motivator_columns(motivators):
            drivers = _table(tables, "drivers")
            if drivers is not None and "facet" in motivators:
                order = {f: i for i, f in enumerate(drivers["facet"])}
                motivators = motivators.sort_values(
                    "facet", key=lambda s: s.map(order).fillna(len(order))
                )
            shown = min(len(motivators), self.top)
            columns = motivator_columns(motivators)
            out["chart"] = _svg(
                lambda ax: plot_motivator_heatmap(motivators, top=shown, ax=ax),
                (min(1.6 + 0.62 * len(columns), 7.5), 0.26 * shown + 1.8),
                "motivators",
            )
            out["n_motivators"] = len(columns)
            out["n_shown"] = shown
        segments = _table(tables, "segments")
        out["segments"] = _records(segments)
        columns = [] if segments is None else list(segments.columns)
        out["segment_columns"] = [
            c
            for c in columns
            if c != "segment" and not str(c).endswith(("_low", "_high"))
        ]
        out["measures"] = dict(summary.get("measures") or {})
        return out

    def _roi(self, tables, summary) -> dict[str, Any]:
        from .plotting import plot_plan, plot_roi

        roi = _table(tables, "roi")
        plan = _table(tables, "plan")
        out: dict[str, Any] = {"roi": None, "plan": None}
        if _has(roi, "facet", "delta_connected"):
            out["roi"] = {
                "chart": _svg(
                    lambda ax: plot_roi(roi, top=12, ax=ax), (7.5, 4.6), "roi"
                ),
                "rows": _records(roi.head(12)),
                "value": _has(roi, "delta_value"),
                "cost": _has(roi, "cost"),
                "intervals": _has(roi, "delta_connected_low", "delta_connected_high"),
            }
        if _has(plan, "facet", "delta_connected"):
            if "selected" in plan:
                chosen = plan["selected"].fillna(False).astype(bool)
                rest = plan.loc[~chosen].head(PLAN_EXTRA_ROWS)
                plan = pd.concat([plan.loc[chosen], rest])
            out["plan"] = {
                "chart": _svg(
                    lambda ax: plot_plan(plan, ax=ax),
                    (7.5, 0.3 * len(plan) + 1.0),
                    "plan",
                ),
                "rows": _records(plan),
                "value": _has(plan, "delta_value"),
                "summary": dict(summary.get("plan") or {}),
            }
        return out

    def _changes(self, tables, summary) -> dict[str, Any] | None:
        from .plotting import change_column, flag_column, plot_changes

        changes = _table(tables, "changes")
        tracking = dict(summary.get("tracking") or {})
        column = change_column(changes) if changes is not None else None
        if column is None and not tracking:
            return None
        out: dict[str, Any] = {"tracking": tracking, "chart": None, "rows": []}
        if column is not None:
            flag = flag_column(changes)
            out["chart"] = _svg(
                lambda ax: plot_changes(changes, top=self.top, ax=ax),
                (7.5, 0.26 * min(self.top, len(changes)) + 1.0),
                "changes",
            )
            flagged = changes.loc[changes[flag].astype(bool)] if flag else changes
            flagged = flagged.reindex(
                flagged[column].abs().sort_values(ascending=False).index
            )
            out["rows"] = _records(flagged.head(self.top))
            out["column"] = column
            out["flag"] = flag
            out["n_flagged"] = int(changes[flag].astype(bool).sum()) if flag else None
            out["intervals"] = _has(changes, f"{column}_low", f"{column}_high")
            out["ranks"] = _has(changes, "rank_before", "rank_after")
        kpis = tracking.get("kpis")
        out["kpis"] = [
            {
                "name": str(k).replace(".", " · ").replace("_", " ").capitalize(),
                "share": any(w in str(k) for w in ("share", "rate")),
                **dict(v),
            }
            for k, v in (kpis.items() if isinstance(kpis, Mapping) else [])
            if isinstance(v, Mapping)
        ]
        out["connected_kpi"] = (
            dict(kpis["connected_share"])
            if isinstance(kpis, Mapping)
            and isinstance(kpis.get("connected_share"), Mapping)
            else None
        )
        out["top_moves"] = {
            k: v
            for k, v in tracking.items()
            if k.startswith("top") and isinstance(v, Mapping)
        }
        return out

    def _agreement(self, tables, summary) -> dict[str, Any]:
        from .plotting import METHOD_NAMES, method_columns, plot_methods

        methods = _table(tables, "methods")
        agreement = dict(summary.get("agreement") or {})
        out: dict[str, Any] = {"chart": None, "names": METHOD_NAMES}
        if methods is not None and method_columns(methods):
            out["chart"] = _svg(
                lambda ax: plot_methods(methods, top=15, ax=ax),
                (7.5, 0.26 * min(15, len(methods)) + 1.4),
                "methods",
            )
        spearman = agreement.get("spearman")
        if isinstance(spearman, Mapping) and spearman:
            names = list(spearman)
            out["spearman_names"] = names
            out["spearman"] = [[dict(spearman[a]).get(b) for b in names] for a in names]
        disagreements = agreement.get("disagreements") or []
        out["disagreements"] = [
            {
                "label": _label(d) if "facet" in d else str(d.get("label", "")),
                "ranks": dict(d.get("ranks") or {}),
            }
            for d in disagreements
            if isinstance(d, Mapping)
        ]
        out["disagreement_methods"] = list(
            dict.fromkeys(m for d in out["disagreements"] for m in d["ranks"])
        )
        out["available"] = bool(
            out["chart"] or out.get("spearman") or out["disagreements"]
        )
        return out

    def _executive(self, drivers, summary, sections) -> dict[str, Any]:
        top = [_label(r) for r in _records(drivers.head(3))]
        hidden: list[str] = []
        if "quadrant" in drivers:
            part = drivers.loc[drivers["quadrant"] == "hidden_driver"]
            hidden = [_label(r) for r in _records(part.head(3))]
        plan = sections["roi"]["plan"]
        chosen: list[str] = []
        if plan is not None:
            rows = plan["rows"]
            chosen = [_label(r) for r in rows if r.get("selected") in (None, True, 1)]
        tracking = sections["changes"]
        moved = []
        if tracking and tracking["rows"] and tracking.get("flag"):
            moved = [
                {"label": _label(r), "up": (_number(r[tracking["column"]]) or 0) > 0}
                for r in tracking["rows"][:4]
            ]
        return {
            "top": top,
            "top_text": _label_list(top),
            "hidden": hidden,
            "hidden_text": _label_list(hidden),
            "chosen_text": _label_list(chosen[:5])
            + (f" and {len(chosen) - 5} more" if len(chosen) > 5 else ""),
            "n_chosen": len(chosen),
            "moved": moved,
        }

    @staticmethod
    def _waves(summary) -> dict[str, Any]:
        tracking = summary.get("tracking")
        if not isinstance(tracking, Mapping):
            return {"before": None, "after": None}
        waves = tracking.get("waves")
        waves = waves if isinstance(waves, Mapping) else tracking
        return {"before": waves.get("before"), "after": waves.get("after")}

    def context(self) -> dict[str, Any]:
        """The values the template renders: plain Python (charts as SVG text)."""
        from markupsafe import Markup

        check_int(self.top, "top", "Report", min_value=1)
        tables, summary = _as_parts(self.result)
        drivers = tables["drivers"]
        data = dict(summary.get("data") or {})
        model = dict(summary.get("model") or {})
        value = summary.get("value")
        value = dict(value) if isinstance(value, Mapping) else {}
        stated = summary.get("stated")
        stated = dict(stated) if isinstance(stated, Mapping) else {}
        sections: dict[str, Any] = {
            "drivers": self._drivers(drivers),
            "quadrant": self._quadrant(drivers, summary),
            "stages": self._stages(tables),
            "motivators": self._motivators(tables, summary),
            "roi": self._roi(tables, summary),
            "changes": self._changes(tables, summary),
            "agreement": self._agreement(tables, summary),
        }
        for part in sections.values():
            for holder in [part, *(part.values() if part else [])]:
                if isinstance(holder, dict) and isinstance(holder.get("chart"), str):
                    holder["chart"] = Markup(holder["chart"])
        plan_summary = dict(summary.get("plan") or {})
        return {
            "title": self.title,
            "section_titles": SECTIONS,
            "missing": MISSING,
            "quadrant_names": QUADRANTS,
            "summary": summary,
            "data": data,
            "fit": dict(model.get("fit") or {}),
            "task": model.get("task"),
            "value": value if _number(value.get("multiplier")) is not None else None,
            "value_skipped": value.get("skipped"),
            "stated_skipped": stated.get("skipped"),
            "waves": self._waves(summary),
            "plan_summary": plan_summary,
            "assumption": plan_summary.get("assumption") or DEFAULT_ASSUMPTION,
            "uncertainty": dict(summary.get("uncertainty") or {}),
            "diagnostics": dict(summary.get("diagnostics") or {}),
            "executive": self._executive(drivers, summary, sections),
            "facet_labels": {r["facet"]: _label(r) for r in _records(drivers)},
            "warnings": list(summary.get("warnings") or []),
            "versions": dict(summary.get("versions") or {}),
            "settings": dict(summary.get("settings") or {}),
            **sections,
        }

    # -- rendering --------------------------------------------------------

    def html(self) -> str:
        """Render the report as one HTML string."""
        from jinja2 import ChainableUndefined, Environment, PackageLoader

        env = Environment(
            loader=PackageLoader("emomotiv", "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=ChainableUndefined,
        )
        env.filters.update(
            pct=_pct,
            num=_num,
            money=_money,
            points=_points,
            times=_times,
            label=_label,
            number=_number,
        )
        return env.get_template("report.html.j2").render(**self.context())

    def write_html(self, path: str | PathLike) -> Path:
        """Write the report to ``path`` and return the path."""
        path = Path(path)
        path.write_text(self.html(), encoding="utf-8")
        return path

    @classmethod
    def from_folder(cls, folder: str | PathLike, **options: Any) -> Report:
        """The report of a saved analysis folder, from its tables and summary.

        Nothing is refitted and the model is not loaded, so a folder renders
        as long as its tables and ``summary.json`` do (``emomotiv report``).

        Raises
        ------
        FileNotFoundError
            When ``folder`` has no ``summary.json``.

        Examples
        --------
        >>> import tempfile
        >>> import emomotiv as em
        >>> s = em.make_survey(n_respondents=300, n_facets=6, random_state=0)
        >>> result = em.analyze(s.survey, s.catalog, connection="connected",
        ...                     model=em.DriverModel(n_estimators=20, cv=2),
        ...                     n_boot=0, progress=False)
        >>> out = em.save_analysis(result, tempfile.mkdtemp() + "/run")
        >>> "Q3" in em.Report.from_folder(out, title="Q3").html()
        True
        """
        import json

        import pandas as pd

        from .io import restore_formulas

        folder = Path(folder)
        if not (folder / "summary.json").is_file():
            raise FileNotFoundError(
                f"'{folder}' is not a saved analysis: it has no summary.json."
            )
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        tables = {
            p.stem: restore_formulas(pd.read_csv(p))
            for p in sorted(folder.glob("*.csv"))
        }
        return cls({"tables": tables, "summary": summary}, **options)

    def write_pdf(self, path: str | PathLike, *, browser: str | None = None) -> Path:
        """Print the report to PDF with a headless Chromium or Chrome.

        Parameters
        ----------
        path : path
            The PDF to write.
        browser : str or None
            The browser's executable; by default the first of
            :data:`BROWSERS` found on the ``PATH``.

        Raises
        ------
        FileNotFoundError
            When no browser is found (the message says which were looked for).
        RuntimeError
            When the browser fails or writes no PDF.

        Examples
        --------
        >>> import emomotiv as em
        >>> report = em.Report({"tables": {}, "summary": {}})
        >>> report.write_pdf("report.pdf", browser="no-such-browser")
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        FileNotFoundError: No browser to print the PDF with: 'no-such-browser' ...
        """
        import os
        import shutil
        import subprocess
        import tempfile

        names = BROWSERS if browser is None else (browser,)
        found = next((shutil.which(n) for n in names if shutil.which(n)), None)
        if found is None:
            looked = ", ".join(f"'{n}'" for n in names)
            raise FileNotFoundError(
                f"No browser to print the PDF with: {looked} "
                f"{'is' if len(names) == 1 else 'are'} not on the PATH. Install "
                "Chromium or Google Chrome, or open report.html in a browser "
                "and print it to PDF from there."
            )
        path = Path(path).resolve()
        with tempfile.TemporaryDirectory() as tmp:
            page = self.write_html(Path(tmp) / "report.html")
            command = [
                found,
                "--headless",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--print-to-pdf={path}",
                page.as_uri(),
            ]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                command.insert(1, "--no-sandbox")  # Chromium refuses root otherwise
            proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or not path.is_file():
            raise RuntimeError(
                f"{found} did not print the PDF (exit {proc.returncode}): "
                f"{proc.stderr.strip()[-500:]}"
            )
        return path

    def _repr_html_(self) -> str:
        return self.html()


#: Browsers :meth:`Report.write_pdf` looks for, in order.
BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
