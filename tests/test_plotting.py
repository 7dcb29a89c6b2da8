import io
import re
import warnings

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from contract import contract_result
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

import emomotiv as em
from emomotiv import plotting
from emomotiv.plotting import (
    plot_changes,
    plot_drivers,
    plot_methods,
    plot_motivator_heatmap,
    plot_plan,
    plot_quadrant,
    plot_roi,
    plot_segment_drivers,
    plot_stages,
    plot_value_drivers,
)


@pytest.fixture(scope="module")
def tables(small, small_result):
    return contract_result(small_result, small.catalog).tables


def new_ax():
    return Figure().subplots()


def bar_widths(ax):
    return [p.get_width() for p in ax.patches]


def bar_heights(ax):
    return [p.get_height() for p in ax.patches]


def hex_of(patch):
    return mcolors.to_hex(patch.get_facecolor())


@pytest.mark.parametrize(
    ("func", "table"),
    [
        (plot_drivers, "drivers"),
        (plot_quadrant, "drivers"),
        (plot_stages, "stages"),
        (plot_motivator_heatmap, "motivators"),
        (plot_roi, "roi"),
        (plot_plan, "plan"),
        (plot_changes, "changes"),
        (plot_methods, "methods"),
        (plot_segment_drivers, "segment_drivers"),
        (plot_value_drivers, "value_drivers"),
    ],
)
def test_every_plot_draws_on_the_given_axes_or_a_new_one(func, table, tables):
    import matplotlib.pyplot as plt

    ax = new_ax()
    assert func(tables[table], ax=ax) is ax
    own = func(tables[table])
    assert own.figure is not ax.figure
    plt.close(own.figure)
    assert plotting.__all__.count(func.__name__) == 1


def test_plot_drivers_bars_intervals_and_direction(tables):
    drivers = tables["drivers"]
    ax = plot_drivers(drivers, top=5, ax=new_ax())
    top = drivers.sort_values("importance", ascending=False).head(5).iloc[::-1]
    np.testing.assert_allclose(bar_widths(ax), top["importance"])
    # error bars: one line collection with one segment per bar
    segments = ax.collections[0].get_segments()
    np.testing.assert_allclose([s[:, 0].min() for s in segments], top["importance_low"])
    np.testing.assert_allclose(
        [s[:, 0].max() for s in segments], top["importance_high"]
    )
    colours = [hex_of(p) for p in ax.patches]
    expected = [
        plotting.NEGATIVE if d < 0 else plotting.POSITIVE for d in top["direction"]
    ]
    assert colours == expected


def test_plot_drivers_marks_a_lowering_facet_by_more_than_colour():
    """The red and the blue bar are 1.3:1 apart in lightness (one grey when
    printed in black and white): a facet that lowers the outcome is also
    marked ▼ after its name, as in the report's table."""
    frame = pd.DataFrame(
        {"facet": ["a", "b"], "importance": [0.6, 0.4], "direction": [1, -1]}
    )
    ax = plot_drivers(frame, ax=new_ax())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b ▼", "a"]


def test_plot_quadrant_positions_lines_and_labels(tables):
    drivers = tables["drivers"]
    ax = plot_quadrant(
        drivers, thresholds={"stated": 0.1, "derived": 0.05}, ax=new_ax()
    )
    points = np.vstack([c.get_offsets() for c in ax.collections])
    stated = drivers["stated_importance"]
    expected = np.column_stack([stated, stated + drivers["gap"]])
    key = np.lexsort(points.T)
    np.testing.assert_allclose(points[key], expected[np.lexsort(expected.T)])
    lines = {(tuple(line.get_xdata()), tuple(line.get_ydata())) for line in ax.lines}
    assert ((0.1, 0.1), (0, 1)) in lines
    assert ((0, 1), (0.05, 0.05)) in lines
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Hidden driver" in legend
    hidden = drivers.loc[drivers["quadrant"] == "hidden_driver", "label"]
    texts = {t.get_text() for t in ax.texts}
    assert set(hidden) & texts


def test_plot_quadrant_marks_a_facet_whose_rise_lowers_the_outcome():
    """A hidden driver whose higher ratings lower the outcome was drawn and
    named as any other hidden driver: it is a ▼, with ▼ after its name."""
    frame = pd.DataFrame(
        {
            "facet": ["a", "b", "c", "d"],
            "importance": [0.5, 0.3, 0.15, 0.05],
            "stated_importance": [9, 2, 8, 3],
            "quadrant": [
                "core_driver",
                "hidden_driver",
                "hidden_driver",
                "low_priority",
            ],
            "direction": [1, -1, 1, 1],
        }
    )
    ax = plot_quadrant(frame, ax=new_ax())
    texts = {t.get_text() for t in ax.texts}
    assert {"a", "b ▼", "c", "d"} <= texts
    # a circle's path has 26 vertices, a triangle's 4
    shapes = {
        tuple(p): len(c.get_paths()[0].vertices)
        for c in ax.collections
        for p in c.get_offsets()
    }
    assert sorted(shapes.values()) == [4, 26, 26, 26]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend.count("Hidden driver") == 1
    assert legend[-1] == "A rise lowers the outcome"


def test_plot_quadrant_without_gap_normalises_stated_importance():
    frame = pd.DataFrame(
        {"facet": list("abcd"), "importance": [0.4, 0.3, 0.2, 0.1]}
    ).assign(stated_importance=[1.0, 1.0, 4.0, 4.0])
    ax = plot_quadrant(frame, ax=new_ax())
    xs = sorted(ax.collections[0].get_offsets()[:, 0])
    np.testing.assert_allclose(xs, [0.1, 0.1, 0.4, 0.4])


def test_plot_quadrant_with_no_quadrant_assigned_still_plots_the_facets():
    """Stated importance equal for every facet: no quadrant is assigned (all
    None); the facets are still drawn, with no legend of nothing (matplotlib's
    "No artists with labels found" warning)."""
    frame = pd.DataFrame({"facet": list("abc"), "importance": [0.5, 0.3, 0.2]}).assign(
        stated_importance=3.0, quadrant=None
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = plot_quadrant(frame, ax=new_ax())
    assert len(ax.collections[0].get_offsets()) == 3


def test_plot_stages_keeps_journey_order(tables):
    stages = tables["stages"]
    ax = plot_stages(stages, ax=new_ax())
    np.testing.assert_allclose(bar_heights(ax), stages["importance"])
    ticks = [t.get_text().split("\n")[0] for t in ax.get_xticklabels()]
    assert ticks == list(stages["stage"])


def test_plot_stages_counts_touchpoints_as_the_report_does():
    """The stage chart's names said "(17 facets)" above a table whose column
    is "Touchpoints": one word for one thing."""
    stages = pd.DataFrame(
        {"stage": ["Join", "Use"], "importance": [0.6, 0.4], "n_facets": [1, 17]}
    )
    ax = plot_stages(stages, ax=new_ax())
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["Join\n(1 touchpoint)", "Use\n(17 touchpoints)"]


def test_plot_stages_of_a_long_journey_names_every_stage_legibly():
    """40 stages: one bar per row, journey order top down, no name on another."""
    import matplotlib.pyplot as plt

    stages = pd.DataFrame(
        {
            "stage": [f"Stage {k:02d} of the customer journey" for k in range(40)],
            "importance": np.full(40, 1 / 40),
            "n_facets": np.arange(40) % 10 + 1,
        }
    )
    ax = plot_stages(stages)  # on a figure of its own size
    renderer = FigureCanvasAgg(ax.figure).get_renderer()
    ax.figure.draw(renderer)
    labels = [*ax.get_xticklabels(), *ax.get_yticklabels()]
    named = [t for t in labels if t.get_text().startswith("Stage")]
    assert [t.get_text().split(" of")[0] for t in named] == [
        f"Stage {k:02d}" for k in range(40)
    ]
    boxes = [t.get_window_extent(renderer) for t in named]
    assert not any(a.overlaps(b) for a, b in zip(boxes, boxes[1:], strict=False))
    assert boxes[0].y0 > boxes[-1].y0  # the journey's first stage on top
    assert tuple(ax.figure.get_size_inches()) == plotting.stage_chart_size(stages)
    plt.close(ax.figure)


def test_motivator_heatmap_values_and_diverging_scale(tables):
    motivators = tables["motivators"]
    ax = plot_motivator_heatmap(motivators, ax=new_ax())
    values = motivators.drop(columns=["facet", "label"]).to_numpy(float)
    np.testing.assert_allclose(ax.images[0].get_array(), values)
    assert ax.images[0].norm.vcenter == 0
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert "confidence future" in ticks


def test_plot_roi_scatter_with_costs_bars_without(tables):
    roi = tables["roi"]
    ax = plot_roi(roi, ax=new_ax())
    offsets = ax.collections[-1].get_offsets()
    np.testing.assert_allclose(offsets[:, 0], roi["cost"])
    np.testing.assert_allclose(offsets[:, 1], roi["delta_value"])
    ax = plot_roi(roi.drop(columns=["cost"]), top=4, ax=new_ax())
    np.testing.assert_allclose(
        bar_widths(ax), roi.sort_values("priority")["delta_connected"].head(4)[::-1]
    )


def _crowded_roi() -> pd.DataFrame:
    """Touchpoints of close cost and value: the second by priority sat
    where the first's label is, and was left unlabelled."""
    return pd.DataFrame(
        {
            "facet": ["welcome", "videos", "reviews", "events", "fees"],
            "label": ["Welcome note", "Investing videos", "Reviews", "Events", "Fees"],
            "delta_connected": [0.02, 0.019, 0.0185, 0.01, 0.002],
            "delta_value": [13.1e6, 12.9e6, 12.8e6, 15.2e6, 1e6],
            "cost": [60e3, 70e3, 65e3, 100e3, 200e3],
            "priority": [1, 2, 3, 4, 5],
        }
    )


def test_a_named_point_is_labelled_however_crowded_the_chart():
    roi = _crowded_roi()
    texts = {t.get_text(): t for t in plot_roi(roi, ax=new_ax()).texts}
    assert "Welcome note" in texts and "Investing videos" not in texts
    assert "Reviews" not in texts  # legible
    ax = plot_roi(roi, named=["videos", "welcome"], ax=new_ax())
    texts = {t.get_text(): t for t in ax.texts}
    assert {"Welcome note", "Investing videos", "Events", "Fees"} <= set(texts)
    assert "Reviews" not in texts  # the others still give way
    # moved beside its point, not on the other label
    offsets = {k: tuple(texts[k].xyann) for k in ("Welcome note", "Investing videos")}
    assert offsets["Welcome note"] != offsets["Investing videos"]
    drivers = roi.rename(columns={"delta_value": "importance"}).assign(
        importance=[0.30, 0.295, 0.05, 0.2, 0.155],
        stated_importance=[5.0, 5.1, 9, 2, 7],
    )
    texts = {t.get_text() for t in plot_quadrant(drivers, ax=new_ax()).texts}
    assert "Investing videos" not in texts
    ax = plot_quadrant(drivers, named=["videos"], ax=new_ax())
    assert "Investing videos" in {t.get_text() for t in ax.texts}


def test_plot_plan_colours_the_selected(tables):
    plan = tables["plan"]
    ax = plot_plan(plan, ax=new_ax())
    colours = [hex_of(p) for p in ax.patches][::-1]
    expected = [plotting.POSITIVE if s else plotting.MUTED for s in plan["selected"]]
    assert colours == expected
    assert any(t.get_text().startswith("cost ") for t in ax.texts)


def test_plot_plan_reads_a_missing_selection_as_not_funded():
    plan = pd.DataFrame(
        {
            "facet": ["a", "b", "c"],
            "delta_connected": [0.03, 0.02, 0.01],
            "priority": [1, 2, 3],
            "selected": [True, None, np.nan],
        }
    )
    ax = plot_plan(plan, top=1)
    assert len(ax.patches) == 1  # 'b' and 'c' are not funded: not shown
    colours = {p.get_facecolor() for p in plot_plan(plan).patches}
    assert len(colours) == 2  # one funded bar in colour, two muted


def test_plot_plan_top_shows_the_first_candidates_and_every_funded_one():
    n = 250  # a plan of every touchpoint: all of it would be a 76-inch chart
    plan = pd.DataFrame(
        {
            "facet": [f"f{i:03d}" for i in range(n)],
            "priority": range(1, n + 1),
            "delta_connected": np.linspace(0.02, 0.0, n),
            "cost": 100.0,
            "selected": [i < 3 or i == 40 for i in range(n)],  # 40 fitted the rest
        }
    ).sample(frac=1, random_state=0)  # in no order: the priority decides
    ax = plot_plan(plan, top=10, ax=new_ax())
    shown = [t.get_text() for t in ax.get_yticklabels()][::-1]
    assert shown == [f"f{i:03d}" for i in range(10)] + ["f040"]
    assert len(plot_plan(plan, ax=new_ax()).patches) == n
    with pytest.raises(ValueError, match="top"):
        plot_plan(plan, top=0)


def test_plot_changes_sorts_by_size_and_flags(tables):
    changes = tables["changes"]
    ax = plot_changes(changes, top=5, ax=new_ax())
    widths = bar_widths(ax)[::-1]
    expected = changes.reindex(changes["change"].abs().sort_values().index[::-1])
    np.testing.assert_allclose(widths, expected["change"].head(5))
    colours = [hex_of(p) for p in ax.patches][::-1]
    assert colours[0] == plotting.POSITIVE  # the flagged rise
    assert set(colours[1:]) == {plotting.MUTED}
    with pytest.raises(ValueError, match="change column"):
        plot_changes(changes.drop(columns=["change"]))


def tick_gaps(ax, axis) -> list[float]:
    """Pixels between neighbouring tick labels of ``axis`` (across or up)."""
    ax.figure.canvas.draw()
    lo, hi = sorted(getattr(ax, f"get_{axis}lim")())
    labels = getattr(ax, f"get_{axis}ticklabels")()
    locs = getattr(ax, f"get_{axis}ticks")()
    boxes = sorted(
        (
            t.get_window_extent()
            for t, at in zip(labels, locs, strict=True)
            if lo <= at <= hi and t.get_text()
        ),
        key=lambda b: b.x0 if axis == "x" else b.y0,
    )
    if axis == "x":
        return [b.x0 - a.x1 for a, b in zip(boxes, boxes[1:], strict=False)]
    return [b.y0 - a.y1 for a, b in zip(boxes, boxes[1:], strict=False)]


def test_amounts_in_millions_on_a_chart_keep_their_ticks_apart():
    # value for a population of 100,000 customers: millions per touchpoint
    plan = pd.DataFrame(
        {
            # names as long as a chart shows them leave the bars 60% of it
            "facet": [f"Help choosing the right account, step {i}" for i in range(9)],
            "delta_connected": np.linspace(0.03, 0.0, 9),
            "delta_value": [2.01, 6.12, 3.41, 0.4, 2.72, 1.53, 1.53, 0.27, -0.02],
            "cost": np.linspace(1_000, 50_000, 9),
            "selected": [True] * 4 + [False] * 5,
        }
    )
    plan["delta_value"] *= 1e6
    fig = Figure(figsize=(7.5, 3.7), layout="constrained")  # as in the report
    FigureCanvasAgg(fig)
    ax = plot_plan(plan, ax=fig.subplots())
    assert min(tick_gaps(ax, "x")) >= 8  # "1,000,0002,000,000" touched
    texts = [t.get_text() for t in ax.get_xticklabels()]
    assert "2 m" in texts
    fig = Figure(figsize=(7.5, 4.6), layout="constrained")
    FigureCanvasAgg(fig)
    ax = plot_roi(plan.assign(delta_value=plan["delta_value"] * 1e3), ax=fig.subplots())
    assert min(tick_gaps(ax, "x")) >= 8
    assert min(tick_gaps(ax, "y")) >= 2
    assert "10k" in [t.get_text() for t in ax.get_xticklabels()]
    assert "4 bn" in [t.get_text() for t in ax.get_yticklabels()]


@pytest.mark.parametrize(
    ("ticks", "texts"),
    [
        ([0, 0.5e6, 1e6, 1.25e6], ["0", "0.50 m", "1.00 m", "1.25 m"]),  # not 1.2 m
        ([-2e6, 0, 2e6, 4e6], ["\u22122 m", "0", "2 m", "4 m"]),
        ([0, 25_000, 50_000], ["0", "25k", "50k"]),
        ([0, 2_500, 5_000, 7_500], ["0", "2,500", "5,000", "7,500"]),
        ([0, 0.5, 1.0], ["0", "0.5", "1.0"]),
        # a locator's zero a rounding error away from 0 (0.1 + 0.2 - 0.3)
        ([-2e5, -1e5, 2.9e-11, 1e5], ["\u2212200k", "\u2212100k", "0", "100k"]),
        ([-0.2, -0.1, 5.55e-17, 0.1], ["\u22120.2", "\u22120.1", "0", "0.1"]),
    ],
)
def test_amount_ticks_are_written_exactly_in_one_unit(ticks, texts):
    ax = plot_plan(
        pd.DataFrame({"facet": ["a"], "delta_connected": [0.01], "delta_value": [1.0]}),
        ax=new_ax(),
    )
    assert ax.xaxis.get_major_formatter().format_ticks(ticks) == texts


def test_amounts_on_a_chart_name_their_currency():
    roi = pd.DataFrame(
        {
            "facet": ["a", "b"],
            "delta_connected": [0.02, 0.01],
            "delta_value": [5_000.0, 800.0],
            "cost": [1_000.0, 3_000.0],
            "selected": [True, False],
        }
    )
    ax = plot_roi(roi, ax=new_ax(), currency="€")
    assert ax.get_xlabel() == "Cost of the improvement (€)"
    assert ax.get_ylabel() == "Value added by a one-point improvement (€)"
    ax = plot_plan(roi, ax=new_ax(), currency="EUR")
    assert ax.get_xlabel() == "Value added (EUR) (selected in colour)"
    assert {t.get_text() for t in ax.texts} == {"cost EUR 1,000", "cost EUR 3,000"}
    ax = plot_plan(roi, ax=new_ax(), currency="$")  # text, not mathtext
    assert ax.get_xlabel() == r"Value added (\$) (selected in colour)"
    assert plot_roi(roi, ax=new_ax()).get_xlabel() == "Cost of the improvement"
    with pytest.raises(ValueError, match="'currency' parameter of plot_plan"):
        plot_plan(roi, currency="12 EUR")


def test_plot_changes_leaves_out_a_facet_asked_in_one_wave_only():
    # compare() lists a dropped or added touchpoint without a change
    changes = pd.DataFrame(
        {
            "facet": ["kept", "dropped", "added", "also_kept"],
            "change": [0.03, np.nan, np.nan, -0.01],
            "flagged": [True, False, False, False],
            "status": ["both", "dropped", "added", "both"],
        }
    )
    ax = plot_changes(changes, ax=new_ax())
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == ["also_kept", "kept"]
    assert len(ax.patches) == 2


def test_plot_methods_one_series_per_method(tables):
    ax = plot_methods(tables["methods"], ax=new_ax())
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "SHAP (model)",
        "Relative weights",
        "Shapley regression",
        "Standardised beta",
        "Squared correlation",
    ]


def test_result_objects_plot_the_table_the_plot_draws(small, small_result):
    from dataclasses import replace

    from emomotiv.results import PlanResult

    result = contract_result(small_result, small.catalog)
    stages = result.tables["stages"]
    # an analysis gives its stages table, not the drivers (one bar per facet)
    ax = plot_stages(result, ax=new_ax())
    np.testing.assert_allclose(bar_heights(ax), stages["importance"])
    # a plan result gives its plan, with the selected facets in colour
    plan = result.tables["plan"]
    with_plan = PlanResult(roi=result.tables["roi"], plan=plan)
    for source in (with_plan, result):
        ax = plot_plan(source, ax=new_ax())
        colours = [hex_of(p) for p in ax.patches][::-1]
        assert colours == [
            plotting.POSITIVE if s else plotting.MUTED for s in plan["selected"]
        ]
    with pytest.raises(ValueError, match="'plan' table, which this PlanResult"):
        plot_plan(replace(with_plan, plan=None))
    tables = {k: v for k, v in result.tables.items() if k != "plan"}
    with pytest.raises(ValueError, match="'plan' table, which this analysis"):
        plot_plan(replace(result, tables=tables))
    ax = plot_roi(with_plan, ax=new_ax())
    assert len(ax.collections[-1].get_offsets()) == len(result.tables["roi"])
    ax = plot_methods(result, ax=new_ax())
    assert len(ax.get_legend().get_texts()) == 5
    # a result that does not hold the table is refused, never drawn as if it did
    for plot in (plot_motivator_heatmap, plot_stages):
        with pytest.raises(TypeError, match="table: pass that DataFrame"):
            plot(result.importance)
    with pytest.raises(TypeError, match="got NoneType"):
        plot_changes(None)


def test_top_must_be_a_positive_int(tables):
    with pytest.raises(ValueError, match="'top' parameter of plot_drivers must be"):
        plot_drivers(tables["drivers"], top=0)


def test_missing_columns_are_named():
    with pytest.raises(
        ValueError, match=r"plot_stages needs the column\(s\) \['stage'\]"
    ):
        plot_stages(pd.DataFrame({"importance": [1.0]}))


def test_dollar_labels_are_literal_text():
    frame = pd.DataFrame(
        {"facet": ["a", "b"], "label": ["$5 fee", "a $ b $"], "importance": [0.6, 0.4]}
    )
    ax = plot_drivers(frame, ax=new_ax())
    ax.figure.savefig(io.BytesIO(), format="svg")  # mathtext raises on a lone '$'
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [r"a \$ b \$", r"\$5 fee"]


def test_long_names_are_shortened_so_the_chart_keeps_its_room():
    """Names of 150 characters: each is cut to 40 with an ellipsis (the tables
    give it whole), so every name stays in the figure and the bars keep most
    of its width (uncut, they pushed the bars into a sliver)."""
    long = [f"Touchpoint {k} " + "with a name that goes on " * 5 for k in range(3)]
    frame = pd.DataFrame(
        {"facet": list("abc"), "label": long, "importance": [0.5, 0.3, 0.2]}
    )
    stages = pd.DataFrame({"stage": long, "importance": [0.5, 0.3, 0.2]})
    for plot, table in ((plot_drivers, frame), (plot_stages, stages)):
        fig = Figure(figsize=(7.5, 2.0), layout="constrained")
        ax = plot(table, ax=fig.subplots())
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        names = [t.get_text() for t in ax.get_yticklabels()]
        assert all(len(n) <= 40 and n.endswith("…") for n in names)
        assert ax.get_window_extent(renderer).width > 0.5 * fig.bbox.width


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\u2028"])
def test_a_name_with_a_line_break_is_one_line_on_every_chart(newline):
    # a label typed with Alt+Enter in a spreadsheet cell (CR LF in a CSV file
    # saved on Windows), each break one space
    frame = pd.DataFrame(
        {
            "facet": ["a", "b"],
            "label": [f"Welcome note{newline}at opening", "App"],
            "importance": [0.6, 0.4],
            "stated_importance": [2, 8],
            "delta_connected": [0.02, 0.01],
        }
    )
    for plot in (plot_drivers, plot_roi, plot_plan):
        ax = plot(frame, ax=new_ax())
        assert "Welcome note at opening" in [t.get_text() for t in ax.get_yticklabels()]
    stages = pd.DataFrame(
        {"stage": [f"Open{newline}account", "Use"], "importance": [0.6, 0.4]}
    )
    names = [t.get_text() for t in plot_stages(stages, ax=new_ax()).get_xticklabels()]
    assert names == ["Open account", "Use"]


def contrast(a, b) -> float:
    """WCAG 2 contrast ratio of two matplotlib colours."""

    def luminance(colour) -> float:
        lin = [
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in mcolors.to_rgb(colour)
        ]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("values", [np.linspace(-1, 1, 41), np.linspace(0, 1, 41)])
def test_heatmap_numbers_read_at_wcag_aa_contrast_on_their_cells(values):
    """Each cell's number reads at 4.5:1 or more on the cell's colour (dark
    grey on mid reds, or white on mid blues, fell as low as 3.2:1)."""
    frame = pd.DataFrame(
        {"facet": [f"f{k}" for k in range(41)], "motivator__a": values}
    )
    ax = plot_motivator_heatmap(frame, top=41, ax=new_ax())
    image = ax.images[0]
    cells = [t for t in ax.texts if t.get_text()]
    assert len(cells) == 41
    for text in cells:
        cell = image.to_rgba(float(text.get_text().replace("\u2212", "-")))
        assert contrast(text.get_color(), cell) >= 4.5, text.get_text()


def test_heatmap_writes_no_negative_zero():
    frame = pd.DataFrame({"facet": ["a", "b"], "motivator__a": [-0.001, 0.2]})
    ax = plot_motivator_heatmap(frame, ax=new_ax())
    assert [t.get_text() for t in ax.texts] == ["0.00", "0.20"]


def test_interval_whiskers_stand_out_on_their_bars_and_the_page(tables):
    """A whisker runs over its bar to the interval's low end: it reads at 3:1
    or more on every bar colour and on white (grey on the blue bars was 1.3:1,
    the low end lost in the bar)."""
    axes = [
        plot_drivers(tables["drivers"].assign(direction=-1).head(2), ax=new_ax()),
        plot_drivers(tables["drivers"], ax=new_ax()),
        plot_stages(tables["stages"], ax=new_ax()),
        plot_changes(tables["changes"], ax=new_ax()),
    ]
    for ax in axes:
        bars = {hex_of(p) for p in ax.patches} | {"#ffffff"}
        for whisker in ax.collections[0].get_colors():
            assert all(contrast(whisker, bar) >= 3 for bar in bars), bars


def test_quadrant_corner_names_read_at_wcag_aa_contrast(tables):
    ax = plot_quadrant(tables["drivers"], ax=new_ax())
    corners = [
        t for t in ax.texts if t.get_text() in ("Hidden drivers", "Table stakes")
    ]
    assert len(corners) == 2
    assert all(contrast(t.get_color(), "white") >= 4.5 for t in corners)


def test_plotting_is_an_attribute_of_the_package():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, emomotiv as em; "
        "print('matplotlib' in sys.modules, callable(em.plotting.plot_drivers))"
    )
    root = Path(__file__).parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True
    )
    assert out.stdout.split() == ["False", "True"], out.stderr
    import emomotiv

    with pytest.raises(AttributeError, match="no attribute 'plot_drivers'"):
        emomotiv.plot_drivers  # noqa: B018


def _on_white(colour) -> str:
    """``colour`` as it shows on the white page (its alpha blended in)."""
    r, g, b, a = mcolors.to_rgba(colour)
    return mcolors.to_hex([a * c + (1 - a) for c in (r, g, b)])


def data_marks(ax) -> list[str]:
    """The colours of the marks that carry data: bars, points and markers,
    and the dashed reference lines, as they show on white."""
    marks = [_on_white(p.get_facecolor()) for p in ax.patches]
    for collection in ax.collections:
        if isinstance(collection, PathCollection):  # scatter points and markers
            marks += [_on_white(c) for c in collection.get_facecolors()]
    marks += [
        _on_white(line.get_color()) for line in ax.lines if line.get_linestyle() == "--"
    ]
    return marks


def test_every_data_mark_reads_at_3_to_1_on_the_page(tables):
    """WCAG 1.4.11 (non-text contrast): a bar, a point or a reference line
    reads at 3:1 or more on white (the grey of the bars within noise was
    1.8:1, the table stakes' amber 1.9:1, the other stages' blue 2.8:1)."""
    drivers = tables["drivers"]
    quadrants = ["core_driver", "hidden_driver", "table_stakes", "low_priority"]
    drivers = drivers.assign(quadrant=[quadrants[i % 4] for i in range(len(drivers))])
    changes = tables["changes"].assign(flagged=[True, False] * 6)
    axes = [
        plot_drivers(drivers.assign(direction=[1, -1] * 6), ax=new_ax()),
        plot_quadrant(drivers, ax=new_ax()),
        plot_quadrant(drivers.drop(columns="quadrant"), ax=new_ax()),
        plot_stages(tables["stages"], ax=new_ax()),
        plot_roi(tables["roi"], ax=new_ax()),
        plot_roi(tables["roi"].drop(columns="cost"), ax=new_ax()),
        plot_plan(tables["plan"], ax=new_ax()),
        plot_changes(changes, ax=new_ax()),
        plot_methods(tables["methods"], ax=new_ax()),
    ]
    for ax in axes:
        marks = data_marks(ax)
        assert marks
        for colour in set(marks):
            assert contrast(colour, "white") >= 3, (colour, ax.get_xlabel())


def test_negative_numbers_on_a_chart_carry_a_true_minus(tables):
    """Tick labels and cell numbers write a fall with U+2212, as
    matplotlib's own ticks do, never a hyphen."""
    changes = tables["changes"].assign(change=np.linspace(-0.04, 0.03, 12))
    roi = tables["roi"].assign(delta_value=np.linspace(-3e5, 2e5, 12))
    frame = pd.DataFrame({"facet": ["a", "b"], "motivator__a": [-0.4, 0.2]})
    axes = [
        plot_changes(changes, ax=new_ax()),
        plot_roi(roi, ax=new_ax()),
        plot_roi(
            roi.drop(columns="cost").assign(delta_connected=np.linspace(-2, 3, 12)),
            ax=new_ax(),
            score="nps",
        ),
        plot_plan(tables["plan"].assign(delta_value=-1e4), ax=new_ax()),
        plot_motivator_heatmap(frame, ax=new_ax()),
    ]
    for ax in axes:
        ax.figure.canvas.draw()
        texts = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        texts += [t.get_text() for t in ax.texts]
        assert any("\u2212" in s for s in texts), texts
        assert not any(re.search(r"-[0-9]", s) for s in texts), texts


def test_plot_roi_draws_a_simulation_result_a_bar_per_scenario():
    from emomotiv.results import SimulationResult

    table = pd.DataFrame(
        {
            "scenario": ["videos +1", "app bottom to 8", "welcome +1"],
            "kind": ["raise", "bottom", "raise"],
            "facets": ["videos", "app", "welcome"],
            "delta_connected": [0.02, 0.01, 0.03],
            "delta_connected_low": [0.01, 0.0, 0.02],
            "delta_connected_high": [0.03, 0.02, 0.04],
        }
    )
    ax = plot_roi(SimulationResult(table), ax=new_ax())
    # in the order given, the first on top; named by the scenario
    assert bar_widths(ax) == pytest.approx([0.03, 0.01, 0.02])
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == ["welcome +1", "app bottom to 8", "videos +1"]
    assert len(plot_roi(SimulationResult(table), top=2, ax=new_ax()).patches) == 2


def test_plot_quadrant_draws_what_compare_importance_returned():
    """The stated-versus-derived comparison, drawn as it is: its shares at
    its own quadrant lines."""
    s = em.make_survey(400, 6, random_state=0, stated_form="ratings")
    X = s.survey[s.catalog["facet"]]
    model = em.DriverModel(n_estimators=20, cv=0).fit(X, s.survey["connected"])
    derived = em.shap_importance(model, X)
    stated = em.stated_importance(s.survey, s.catalog)
    comparison = em.compare_importance(derived, stated, n_boot=5, random_state=0)
    ax = plot_quadrant(comparison, ax=new_ax())
    table = comparison.to_frame()
    points = np.vstack([c.get_offsets() for c in ax.collections])
    expected = table[["stated_importance", "derived_share"]].to_numpy(float)
    np.testing.assert_allclose(
        points[np.lexsort(points.T)], expected[np.lexsort(expected.T)]
    )
    lines = {(tuple(line.get_xdata()), tuple(line.get_ydata())) for line in ax.lines}
    x, y = comparison.thresholds["stated"], comparison.thresholds["derived"]
    assert ((x, x), (0, 1)) in lines
    assert ((0, 1), (y, y)) in lines


def test_plot_quadrant_with_stated_importance_for_some_facets_only():
    """Stated importance for two facets of three: the quadrants compare the
    derived share re-expressed over those two (stated + gap); drawn as
    importance - gap, a hidden driver fell below zero, off the chart."""
    frame = pd.DataFrame(
        {
            "facet": ["a", "b", "c"],
            "importance": [0.3, 0.1, 0.6],
            "stated_importance": [0.25, 0.75, None],
            "gap": [0.5, -0.5, None],
            "quadrant": ["hidden_driver", "table_stakes", None],
        }
    )
    ax = plot_quadrant(frame, ax=new_ax())
    points = np.vstack([c.get_offsets() for c in ax.collections])
    assert sorted(map(tuple, points.round(2))) == [(0.25, 0.75), (0.75, 0.25)]


def test_plot_value_drivers_bars_the_total_and_the_part_through_connection(tables):
    """The CFO's question, drawn: each touchpoint's change in mean value,
    largest first, with the part through connection inside it."""
    vd = tables["value_drivers"]
    ax = plot_value_drivers(vd, top=4, ax=new_ax())
    size = vd["delta_mean_value"].abs().sort_values(ascending=False)
    shown = vd.loc[size.index[:4]].iloc[::-1]
    widths = bar_widths(ax)
    np.testing.assert_allclose(widths[:4], shown["delta_mean_value"])
    np.testing.assert_allclose(
        widths[4:], shown["delta_mean_value_via_connection"].fillna(0)
    )
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == list(shown["label"])
    assert ax.get_legend() is not None
    without = vd.drop(columns="delta_mean_value_via_connection")
    assert len(plot_value_drivers(without, top=4, ax=new_ax()).patches) == 4


def test_plot_segment_drivers_puts_the_differing_touchpoints_first(tables):
    sd = tables["segment_drivers"]
    ax = plot_segment_drivers(sd, ax=new_ax())
    ranked = sd.loc[sd["ranked"].eq(True)]
    grid = ax.images[0].get_array()
    assert grid.shape == (ranked["facet"].nunique(), ranked["segment"].nunique())
    names = [t.get_text() for t in ax.get_yticklabels()]
    differ = ranked.loc[ranked["differs"].eq(True), "facet"].unique()
    marked = [n for n in names if n.endswith(" ◆")]
    assert len(marked) == len(differ) and names[: len(marked)] == marked
    with pytest.raises(ValueError, match="no ranked segment"):
        plot_segment_drivers(sd.assign(ranked=False))
