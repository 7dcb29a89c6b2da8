"""The HTML report: results -> context dict -> Jinja2 template -> one file.

Building a :class:`Report` is cheap; rendering is explicit (:meth:`Report.html`,
:meth:`Report.write_html`, or the notebook's ``_repr_html_``). The page is
self-contained: styles inline, charts as inline SVG, no external assets, so it
opens offline and prints to PDF. Autoescape is on, so labels from user data
are text, never markup.
"""

from __future__ import annotations

import io
from os import PathLike
from pathlib import Path
from typing import Any

from .results import AnalysisResult

__all__ = ["Report"]


def _svg(draw, size) -> str:
    """Render ``draw(ax)`` on a pyplot-free figure and return the SVG markup."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    draw(fig.subplots())
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


class Report:
    """A self-contained HTML report of an :class:`~emomotiv.AnalysisResult`.

    Parameters
    ----------
    result : AnalysisResult
        What :func:`emomotiv.analyze` returned.
    title : str, default="Emotional connection drivers"
        Page title.
    top : int, default=20
        Facets shown in the driver chart.

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
        result: AnalysisResult,
        *,
        title: str = "Emotional connection drivers",
        top: int = 20,
    ) -> None:
        self.result = result
        self.title = title
        self.top = top

    def context(self) -> dict[str, Any]:
        """The values the template renders: plain Python, JSON-ready."""
        from markupsafe import Markup

        from .plotting import plot_drivers

        result = self.result
        summary = result.summary
        drivers = result.drivers
        n_top = min(self.top, len(drivers))
        chart = _svg(
            lambda ax: plot_drivers(drivers, top=n_top, ax=ax),
            (7.5, 0.28 * n_top + 1.2),
        )
        top = drivers.head(5)
        return {
            "title": self.title,
            "summary": summary,
            "fit": summary["model"]["fit"],
            "task": summary["model"]["task"],
            "data": summary["data"],
            "top_labels": list(top["label"]),
            "drivers": drivers.to_dict("records"),
            "driver_chart": Markup(chart),
            "warnings": summary.get("warnings", []),
        }

    def html(self) -> str:
        """Render the report as one HTML string."""
        from jinja2 import Environment, PackageLoader, select_autoescape

        env = Environment(
            loader=PackageLoader("emomotiv", "templates"),
            autoescape=select_autoescape(["html", "j2"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["pct"] = lambda v, d=1: "n/a" if v is None else f"{100 * v:.{d}f}%"
        env.filters["num"] = lambda v, d=2: "n/a" if v is None else f"{v:,.{d}f}"
        return env.get_template("report.html.j2").render(**self.context())

    def write_html(self, path: str | PathLike) -> Path:
        """Write the report to ``path`` and return the path."""
        path = Path(path)
        path.write_text(self.html(), encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        return self.html()
