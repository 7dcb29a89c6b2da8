import os
import re
import shutil
import subprocess
from dataclasses import replace
from html import unescape as html_unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from contract import contract_result
from markupsafe import escape

import emomotiv as em
import emomotiv.report
from emomotiv.report import MISSING, SECTIONS, _label, _money

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(autouse=True)
def charts_as_placeholders(request, monkeypatch):
    """Most tests here read the report's words and tables, and laying out
    and writing its charts as SVG is most of a render: they get each chart
    drawn on a figure (so a chart that fails on their data still fails them)
    but not laid out or written, an empty SVG in its place that keeps its
    name for a screen reader. Tests marked ``charts`` get the charts in full,
    as do module-wide fixtures (set up before this one)."""
    if request.node.get_closest_marker("charts") is None:
        from matplotlib.figure import Figure

        def placeholder(draw, size, key, alt):
            draw(Figure(figsize=size).subplots())
            return f'<svg role="img" aria-label="{escape(alt)}" id="{key}"></svg>'

        monkeypatch.setattr(emomotiv.report, "_svg", placeholder)


@pytest.fixture(scope="module")
def contract(small, small_result):
    """The small analysis with every contract table and summary key."""
    return contract_result(small_result, small.catalog)


@pytest.fixture(scope="module")
def contract_html(contract):
    return em.Report(contract).html()


def sections(html: str) -> dict[str, str]:
    """Each section's HTML by id."""
    parts = re.split(r'<section id="([^"]+)">', html)
    return {
        parts[i]: parts[i + 1].split("</section>")[0] for i in range(1, len(parts), 2)
    }


def value_drivers_part(html: str) -> str:
    """The value drivers' block of the report, its tables' scroll boxes read
    through."""
    flat = html.replace('<div class="scroll" tabindex="0">', "")
    flat = flat.replace("</table></div>", "</table>")
    return flat.split('id="value-drivers"')[1].split("</div>")[0]


def test_report_is_self_contained_with_sections(small_result):
    html = em.Report(small_result).html()
    assert list(sections(html)) == list(SECTIONS)
    assert "<svg" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "@import" not in html and "url(http" not in html
    assert "<script" not in html.lower()
    assert "not causation" in html
    # the code that made it, beyond the version string
    source = small_result.summary["versions"]["emomotiv_source"]
    assert f"(source {source})" in html


def test_a_report_of_one_wave_names_it(small_result):
    """A quarterly report from a survey of one wave said which only when it
    held a comparison: every quarter's report looked the same."""
    wave = small_result.summary["data"]["wave"]
    assert wave
    html = em.Report(small_result).html()
    assert f"emotional connection · {wave}</p>" in html
    summary = {**small_result.summary, "data": {**small_result.summary["data"]}}
    del summary["data"]["wave"]  # no wave column: nothing named
    bare = em.Report(replace(small_result, summary=summary)).html()
    assert "emotional connection</p>" in bare


def test_the_drivers_chart_says_its_log_odds_are_not_the_chance(contract_html):
    """The chart's lead called a share of mean |SHAP| in log-odds a move of
    "the predicted chance" of being connected, which it is not."""
    lead = " ".join(sections(contract_html)["drivers"].split("</p>")[0].split())
    assert "move the predicted chance" not in lead
    assert (
        "how much its ratings move the prediction of who is connected (mean "
        "absolute SHAP value, in log-odds, where effects add: a share of it is not a "
        "share of the chance of being connected)." in html_unescape(lead)
    )


def test_the_stated_rank_correlation_is_shown_with_its_interval(contract):
    """The console gave the correlation of stated and derived importance
    with its interval; the report gave the estimate alone."""
    stated = dict(contract.summary["stated"], source="catalog")
    stated |= {"rank_correlation": -0.067, "rank_correlation_low": -0.156}
    stated["rank_correlation_high"] = 0.059
    uncertainty = dict(contract.summary["uncertainty"], level=0.9)
    summary = dict(contract.summary, stated=stated, uncertainty=uncertainty)
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    assert (
        "<strong>−0.07</strong> (90% interval −0.16 to 0.06; stated importance "
        "from catalog)." in sections(html)["quadrant"]
    )


def test_a_survey_of_one_wave_says_so_where_its_changes_would_be(small_result):
    """A survey of one wave analysed with its wave column was told that no
    earlier wave was given, and to give the wave column it had given."""
    data = small_result.summary["data"]
    column, wave = data["roles"]["wave"], data["wave"]
    assert column and wave
    part = sections(em.Report(small_result).html())["changes"]
    assert f"The wave column “{column}” holds one wave, {wave}: there" in part
    assert "No earlier wave was provided" not in part
    roles = {**data["roles"], "wave": None}  # no wave column: how to give one
    summary = {**small_result.summary, "data": {**data, "roles": roles}}
    bare = em.Report(replace(small_result, summary=summary)).html()
    assert str(escape(MISSING["changes"])) in sections(bare)["changes"]


def test_every_chart_is_an_image_named_for_a_screen_reader(contract_html, comparison):
    """Each inline SVG is one image with a text alternative that says what it
    shows and where its numbers are (unnamed, a screen reader read out its
    tick labels one by one)."""
    for html in (contract_html, em.ComparisonReport(comparison).html()):
        charts = re.findall(r"<svg [^>]*>", html)
        assert charts
        for tag in charts:
            alt = re.search(r'role="img" aria-label="([^"]{40,})"', tag)
            assert alt and re.search(r"table|\.csv", alt.group(1)), tag
    assert len(re.findall(r"<svg ", contract_html)) == 8


def test_full_contract_renders_every_section(contract, contract_html):
    html = contract_html
    parts = sections(html)
    assert list(parts) == list(SECTIONS)
    assert "Not provided" not in html
    drivers = contract.tables["drivers"]
    hidden = drivers.loc[drivers["quadrant"] == "hidden_driver", "label"]
    exec_summary = parts["summary"]
    # plain-words summary: connected share, multiplier, top and hidden drivers, plan
    assert f"{100 * contract.summary['data']['connected_share']:.0f}%" in exec_summary
    assert "2.2×" in exec_summary
    assert drivers["label"].iloc[0] in exec_summary
    assert hidden.iloc[0] in exec_summary
    plan = contract.tables["plan"]
    assert plan.loc[plan["selected"], "label"].iloc[0] in exec_summary
    assert "Expected: +" in exec_summary
    # each section draws its chart from its own table
    for key in ("drivers", "quadrant", "stages", "motivators", "roi", "changes"):
        assert "<svg" in parts[key], key
    assert parts["model-fit"].count("<svg") == 1  # the method comparison
    assert "90% bootstrap intervals" in parts["drivers"]
    assert "P(top 10)" in parts["drivers"]
    # the ranking's stability is in the headline
    assert "ranking stability" in exec_summary and "82%" in exec_summary
    raising = contract.summary["plan"]["noise"]["n_raise"]
    assert (
        f"beyond sampling noise for <strong>{raising}</strong> of the 12 touchpoints."
        in " ".join(exec_summary.split())
    )
    assert "Rank correlation between what customers say" in parts["quadrant"]
    for stage in contract.tables["stages"]["stage"]:
        assert stage in parts["stages"]
    assert "Cronbach" in parts["motivators"]
    assert "highly satisfied" in parts["motivators"]
    assert "odds ratio 0.49" in parts["roi"]
    assert "Rate by tier: fully connected 8.0%" in parts["roi"]
    assert "Recommended plan" in parts["roi"]
    assert ", from the value link: an upper bound on" in parts["roi"]
    # the plan shows the chosen facets and the next best few, not every facet
    plan_part = parts["roi"].split("Recommended plan")[1]
    shown = plan_part.count('<tr><th scope="row">')
    assert shown == min(5, len(contract.tables["plan"]) - 4)
    # every gain says whether it is beyond noise, and the plan names its
    # touchpoints whose gain is not
    assert '<th scope="col" class="c">Beyond noise</th>' in parts["roi"]
    assert "Benjamini-Hochberg correction over the 12" in parts["roi"]
    assert "of its touchpoints (" in plan_part and "within noise" in plan_part
    assert "the combined figure simulates them together" in parts["roi"]
    flagged = contract.tables["changes"].query("flagged")["label"]
    assert flagged.iloc[0] in parts["changes"]
    assert (
        "1</strong> touchpoint changed importance beyond sampling noise"
        in (parts["changes"])
    )
    assert "Attrition · odds ratio" in parts["changes"]
    assert "+2.0 pts since 2026Q2 (within noise)" in exec_summary
    assert "Holm" in parts["changes"]
    assert "in each segment" in parts["drivers"] and "◆" in parts["drivers"]
    # the facet that differs shows its one-point gain in every segment
    seg = contract.tables["segment_drivers"]
    top = seg.loc[seg["differs"].fillna(False).astype(bool)].iloc[0]
    row = parts["drivers"].split(str(top["label"]) + " <span")[1].split("</tr>")[0]
    assert row.count(" pts</span>") == 2
    gain = seg.loc[(seg["facet"] == top["facet"]) & (seg["segment"] == "Advised")]
    assert f"+{100 * gain['delta_connected'].iloc[0]:.1f} pts" in row
    assert "Segment <strong>Retirement</strong>" in parts["drivers"]
    assert "how much of it flows through connection" in parts["roi"]
    assert "Share through connection" in parts["roi"]
    assert "Condition number" in parts["model-fit"]
    assert "Relative weights" in parts["model-fit"]
    assert contract.summary["plan"]["assumption"] in parts["method"]
    # the value link's outcome columns are named with the other roles
    assert "<dt>Column used as churn</dt>" in parts["data"]
    # SVG ids are unique across the charts of one page
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def _skeleton(result):
    """Only what the walking skeleton produced: drivers and the core summary."""
    keep = ["facet", "label", "stage", "importance", "rank", "direction"]
    keep += ["raw_importance", "reach", "mean_score"]
    core = ("data", "model", "importance", "settings", "versions", "warnings")
    return em.AnalysisResult(
        {"drivers": result.drivers[keep]},
        {k: result.summary[k] for k in core},
        result.importance,
        result.model,
    )


def test_skeleton_result_says_what_is_not_provided(small_result):
    parts = sections(em.Report(_skeleton(small_result)).html())
    expected = {
        "drivers": ["intervals", "segments"],
        "quadrant": ["stated"],
        "stages": ["stages"],
        "motivators": ["motivators", "tiers"],
        "roi": ["value", "value_drivers", "roi", "plan"],
        "model-fit": ["diagnostics", "agreement"],
    }
    for section, keys in expected.items():
        for key in keys:
            assert str(escape(MISSING[key])) in parts[section], (section, key)
    assert "holds one wave" in parts["changes"]  # the survey's wave column
    assert (
        "stated_importance or a survey with stated__&lt;facet&gt;" in parts["quadrant"]
    )
    assert "Not provided" not in parts["summary"]
    assert "Hidden drivers.</strong> Not assessed" in parts["summary"]


def test_partial_and_odd_inputs_do_not_fail(contract):
    tables = dict(contract.tables)
    tables["changes"] = pd.DataFrame({"facet": ["x"], "something": [1]})
    del tables["plan"]
    summary = dict(contract.summary)
    summary["tracking"] = {"kpis": "not a mapping"}
    summary["agreement"] = {"spearman": {}, "disagreements": [{"facet": "x"}]}
    summary["value"] = {"multiplier": None, "skipped": "skipped: no value column"}
    roles = {k: v for k, v in summary["data"]["roles"].items() if k != "value"}
    summary["data"] = dict(summary["data"], roles=roles)
    summary["diagnostics"] = {"vif_top": None}
    html = em.Report({"tables": tables, "summary": summary}).html()
    parts = sections(html)
    assert str(escape(MISSING["plan"])) in parts["roi"]
    assert str(escape(MISSING["value"])) in parts["roi"]
    assert "The analysis noted: skipped: no value column." in parts["roi"]
    assert list(parts) == list(SECTIONS)


def test_value_per_connected_customer_is_shown_without_a_multiplier(contract):
    """The note says why there is no multiplier, not "not estimated: no
    multiplier: ..." (said twice)."""
    summary = dict(contract.summary)
    note = "no multiplier: no satisfaction column (--satisfaction) to find"
    value = dict(summary["value"], multiplier=None, note=note)
    summary["value"] = value
    roi = sections(em.Report({"tables": contract.tables, "summary": summary}).html())
    roi = roi["roi"].split("One-point")[0]
    assert str(escape(MISSING["value"])) not in roi
    assert "Value per connected customer" in roi
    assert "not estimated: no satisfaction column (--satisfaction) to find" in roi
    assert "no multiplier" not in roi


def test_a_labelled_outcome_s_plan_note_and_warnings_use_its_label(contract):
    """A satisfaction flag as the outcome: the plan's note and the value
    model's warning, built by functions that name any outcome connection,
    said "less value through connection" and "split through connection"."""
    summary = dict(contract.summary)
    summary["data"] = dict(summary["data"], outcome_label="Top-box satisfied")
    note = (
        "2 touchpoints with a positive gain would add less value through "
        "connection (a gain within noise) than they cost: 'Chat', 'Tools'; the "
        "plan does not fund them."
    )
    summary["plan"] = dict(summary["plan"], note=note)
    warning = (
        "The value model's cross-validated R² is -0.01 (below 0.05): the ratings "
        "barely predict value, so the value drivers and their split through "
        "connection are not reliable."
    )
    summary["warnings"] = [warning]
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    text = html_unescape(" ".join(html.split()))
    assert "would add less value through “Top-box satisfied” (a gain" in text
    assert "their split through “Top-box satisfied” are not reliable" in text
    assert "through connection" not in text


def test_an_interval_end_just_below_zero_keeps_its_minus(contract):
    """An end of -0.016 read "0.0 to 32.2", and one of -0.000019 points
    "0.00 pts to +0.18 pts": an interval holding zero read as clear of it."""
    tables = dict(contract.tables)
    roi = tables["roi"].copy()
    first = roi["delta_connected"].abs().idxmax()
    roi.loc[first, ["delta_connected_low", "delta_connected_high"]] = [-1.9e-5, 0.0018]
    tables["roi"] = roi
    vd = tables["value_drivers"].copy()
    first = vd["delta_mean_value"].abs().idxmax()
    vd.loc[first, ["delta_mean_value", "delta_mean_value_low"]] = [16.9, -0.016]
    vd.loc[first, "delta_mean_value_high"] = 32.2
    tables["value_drivers"] = vd
    html = em.Report({"tables": tables, "summary": contract.summary}).html()
    assert "−0.00 pts to +0.18 pts" in sections(html)["roi"]
    # an amount's end is printed in its own unit rather than as a zero
    assert "−0.016 to 32.2" in value_drivers_part(html)


def test_the_methods_disagreements_say_they_are_among_the_top_ranks(contract):
    """The methods' largest gaps are looked for among the touchpoints some
    method ranks in its top 20: a wider gap further down (methods.csv) is
    not listed, and the sentence says why."""
    import inspect

    from emomotiv.classical import method_agreement
    from emomotiv.report import AGREEMENT_TOP

    top = inspect.signature(method_agreement).parameters["top"].default
    assert AGREEMENT_TOP == top
    summary = dict(contract.summary)
    ranks = {"shap": 3, "relative_weights": 40}
    summary["agreement"] = {
        "spearman": {},
        "disagreements": [{"facet": "x", "label": "X", "ranks": ranks, "spread": 37}],
    }
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    assert (
        "most differently, among those some method ranks in its top 20 (largest "
        "gap between their ranks first"
    ) in " ".join(html.split())


def test_a_value_column_not_linked_is_not_said_to_be_missing(contract):
    """A score outcome without motivators has a value column but no rule for
    who is connected: the report says why the link is missing, not that no
    value column was given."""
    summary = dict(contract.summary)
    assert summary["data"]["roles"]["value"]
    reason = (
        "skipped: no rule for who is fully connected (the outcome is not 0/1 "
        "and there are no motivators)"
    )
    summary["value"] = {"multiplier": None, "skipped": reason}
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    roi = sections(html)["roi"].split("One-point")[0]
    assert str(escape(MISSING["value"])) not in roi
    assert "No customer value was provided" not in roi
    assert str(escape(MISSING["value_link"])) in roi


def test_a_segment_left_unranked_is_sized_once(contract):
    """Every unranked segment's sentence gives its size in brackets, where a
    segment below the minimum gave only its share (its note said the size);
    the note does not repeat it ("Retirement (120 respondents) is not ranked:
    120 respondents, ..."), and one respondent is not "1 respondents"."""
    part = " ".join(sections(em.Report(contract).html())["drivers"].split())
    assert (
        "Segment <strong>Retirement</strong> (120 respondents) is not ranked: "
        "below the minimum of 300."
    ) in part
    summary = dict(contract.summary)
    sizes = dict(summary["segments"]["segments"])
    one = "not ranked: 1 respondent, below the minimum of 300"
    summary["segments"] = dict(
        summary["segments"],
        segments=dict(sizes, Retirement=dict(sizes["Retirement"], n=1, note=one)),
    )
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    part = " ".join(sections(html)["drivers"].split())
    assert (
        "Segment <strong>Retirement</strong> (1 respondent) is not ranked: below "
        "the minimum of 300."
    ) in part
    note = "not ranked: the outcome takes one value in this segment"
    sizes["Retirement"] = dict(sizes["Retirement"], note=note)
    summary["segments"] = dict(summary["segments"], segments=sizes)
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    part = " ".join(sections(html)["drivers"].split())
    assert f"Segment <strong>Retirement</strong> (120 respondents) is {note}." in part


def test_a_ranked_segment_held_by_a_few_weights_says_so(contract):
    summary = dict(contract.summary)
    sizes = dict(summary["segments"]["segments"])
    ranked = next(name for name, s in sizes.items() if s.get("ranked"))
    note = "ranked, but its weights make its 469 respondents worth 5"
    sizes[ranked] = dict(sizes[ranked], note=note)
    summary["segments"] = dict(summary["segments"], segments=sizes)
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    part = " ".join(sections(html)["drivers"].split())
    assert f"Segment <strong>{ranked}</strong> is {note}." in part


def test_segments_where_none_differs_say_so(contract):
    tables = dict(contract.tables)
    seg = tables["segment_drivers"].copy()
    seg["differs"] = seg["differs"].astype("boolean") & False
    seg["p_differ_adj"] = 1.0
    tables["segment_drivers"] = seg
    html = em.Report({"tables": tables, "summary": contract.summary}).html()
    text = sections(html)["drivers"]
    assert "no touchpoint differs across segments beyond sampling noise" in text
    assert "◆" not in text and "<strong>0</strong>" not in text


def test_segments_where_none_differs_keep_each_segments_top_drivers(contract):
    """With nothing differing, the heat table ordered its rows by the
    unadjusted p (noise) and cut them at ``top``: every segment's first driver
    could fall out. Each segment's top k stays, the rest by largest share,
    and the count of those left out adds up."""
    tables = dict(contract.tables)
    seg = tables["segment_drivers"].copy()
    seg["differs"] = seg["differs"].astype("boolean") & False
    seg["p_differ_adj"] = 1.0
    ranked = seg.loc[seg["ranked"].astype(bool)]
    firsts = set(ranked.loc[ranked["rank"] == 1, "facet"])
    # the segments' first drivers have the largest unadjusted p
    seg["p_differ"] = np.where(seg["facet"].isin(firsts), 0.99, 0.01)
    tables["segment_drivers"] = seg
    summary = {**contract.summary, "uncertainty": {"top_k": 2}}
    html = em.Report({"tables": tables, "summary": summary}, top=3).html()
    part = html.split('id="segments"')[1].split("</table>")[0]
    rows = [r.split("<")[0].strip() for r in part.split('class="name">')[1:]]
    leading = ranked.loc[ranked["rank"] <= 2]
    want = leading.groupby("label")["importance"].max().sort_values(ascending=False)
    assert rows[: len(want)] == [str(escape(x)) for x in want.index]
    largest = ranked.groupby("label")["importance"].max()
    assert largest[rows[len(want) :]].is_monotonic_decreasing
    n_facets = ranked["facet"].nunique()
    left = n_facets - len(rows)
    assert f"{left} more touchpoints, none differing" in html
    assert "each segment's top 2 touchpoints" in html_unescape(html)


@pytest.mark.parametrize("which", ["skeleton", "contract"])
def test_markup_is_balanced(which, small_result, contract_html):
    from html.parser import HTMLParser

    html = em.Report(small_result).html() if which == "skeleton" else contract_html
    void = {"meta", "br", "img", "hr", "input", "link", "path", "use", "rect"}
    stack: list[str] = []

    class Checker(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in void:
                stack.append(tag)

        def handle_startendtag(self, tag, attrs):
            pass

        def handle_endtag(self, tag):
            if tag in void:
                return
            assert stack and stack[-1] == tag, (tag, stack[-5:])
            stack.pop()

    Checker().feed(html)
    assert stack == []


@pytest.mark.charts
def test_rendering_is_deterministic(contract, contract_html):
    assert em.Report(contract).html() == contract_html


@pytest.mark.parametrize(
    ("tables", "said"),
    [
        ({}, "there is no 'drivers' table (the tables are [])"),
        ({"roi": pd.DataFrame({"facet": ["a"]})}, "the tables are ['roi']"),
        (
            {"drivers": pd.DataFrame({"facet": [], "importance": []})},
            "the drivers table has no rows",
        ),
        (
            {"drivers": pd.DataFrame({"facet": ["a"]})},
            "the drivers table has no column(s) ['importance']",
        ),
    ],
)
def test_a_report_without_drivers_says_so(tables, said):
    # was a bare KeyError, or an error about a 'top' of 0 never passed
    with pytest.raises(ValueError, match="built on the drivers table") as error:
        em.Report({"tables": tables, "summary": {}}).html()
    assert said in str(error.value)


def test_report_rejects_other_objects_and_bad_top(small_result):
    with pytest.raises(TypeError, match="AnalysisResult or a mapping"):
        em.Report(pd.DataFrame()).html()
    with pytest.raises(ValueError, match="'top' parameter of Report must be an int"):
        em.Report(small_result, top=-1).html()
    # a wave comparison is pointed to its own report
    with pytest.warns(UserWarning, match="the same shares"):
        comparison = em.compare(small_result, small_result, labels=("Q1", "Q2"))
    said = r"WaveComparison: a wave comparison's report is em\.ComparisonReport\("
    with pytest.raises(TypeError, match=said):
        em.Report(comparison)


def test_user_labels_are_escaped(small):
    catalog = small.catalog.copy()
    catalog.loc[0, "label"] = "<script>alert(1)</script>"
    result = em.analyze(
        small.survey, catalog, connection="connected", n_boot=5, progress=False
    )
    html = em.Report(result).html()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def hostile(result):
    """``result`` with markup in a facet id, labels, stage names and more."""
    evil = "<script>alert(1)</script>"
    tables = {k: v.copy() for k, v in result.tables.items()}
    first, second = tables["drivers"]["facet"].iloc[:2]
    for name, table in tables.items():
        if "facet" in table:
            table["facet"] = table["facet"].replace(
                {first: "<script>", second: "<svg/onload=alert(2)>"}
            )
            if "label" in table:  # no label: the facet id is shown instead
                table.loc[table["facet"] == "<svg/onload=alert(2)>", "label"] = None
        if "label" in table:
            table.loc[table.index[0], "label"] = evil
        if "stage" in table:
            table["stage"] = table["stage"].replace(table["stage"].iloc[0], "<b>st</b>")
        if name == "motivators":
            tables[name] = table.rename(columns={table.columns[2]: "<img src=x>"})
        if name == "tiers":
            table.loc[0, "tier"] = "<i>seg</i>"
    summary = dict(result.summary)
    waves = {"before": "<u>Q2</u>", "after": "Q3"}
    summary["tracking"] = dict(summary["tracking"], waves=waves)
    summary["diagnostics"] = dict(summary["diagnostics"], suppressors=["<script>"])
    return replace(result, tables=tables, summary=summary)


@pytest.mark.charts
def test_markup_in_user_data_is_text_everywhere(contract):
    html = em.Report(hostile(contract)).html()
    for tag in ("<script", "<b>st", "<img", "<i>seg", "<u>", "<svg/onload"):
        assert tag not in html, tag
    assert "&lt;svg/onload=alert(2)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;st&lt;/b&gt;" in html
    assert "&lt;img src=x&gt;" in html  # the motivator name, in the heatmap SVG
    assert "&lt;i&gt;seg&lt;/i&gt;" in html
    assert "&lt;u&gt;Q2&lt;/u&gt;" in html


def test_the_motivator_heatmap_says_what_its_numbers_are(contract_html):
    # a reader sees 0.24 in a cell: a correlation? a share? (motivators.csv
    # holds each touchpoint's standardised weight in a regression)
    part = sections(contract_html)["motivators"]
    assert "<svg" in part
    assert "standardised regression weight" in part


@pytest.mark.charts
def test_the_charts_of_amounts_name_the_reports_currency(contract):
    part = sections(em.Report(contract, currency="€").html())["roi"]
    charts = re.findall(r"<svg.*?</svg>", part, flags=re.S)
    assert len(charts) == 2  # the return on each improvement, and the plan
    assert all("(€)" in chart for chart in charts)
    assert "cost €" in charts[1]


def test_a_report_in_a_notebook_keeps_its_styles_to_itself(small_result):
    # a notebook puts an output's <style> on its own page: the report's rules
    # for body, h2, table and caption would restyle every cell around it
    report = em.Report(small_result, title='Q3 "drivers" <b>')
    shown = report._repr_html_()
    assert "<style" not in shown
    frame = re.fullmatch(
        r'<div [^>]*><p>[^<]*</p><iframe srcdoc="([^"]*)" title="([^"]*)" [^>]*>'
        r"</iframe></div>",
        shown,
    )
    assert frame is not None
    page = html_unescape(frame[1])
    assert page.replace('<base href="about:srcdoc">\n', "", 1) == report.html()
    assert html_unescape(frame[2]) == 'Q3 "drivers" <b>'


def test_a_report_in_a_notebook_links_within_itself(small_result):
    # a frame written from text (srcdoc) resolves '#drivers' against the
    # notebook's address unless its page names its own: a contents link then
    # loaded the notebook into the frame
    shown = em.Report(small_result)._repr_html_()
    page = html_unescape(re.search(r'srcdoc="([^"]*)"', shown)[1])
    head = page.split("</head>")[0]
    assert re.search(r'<head>\s*<base href="about:srcdoc">', head)
    links = re.findall(r'href="([^"]*)"', page.split("</head>")[1])
    assert "#drivers" in links
    # each one a place on the page, or an image held in the link itself
    assert all(link.startswith(("#", "data:")) for link in links)
    # VS Code measures vh against the whole notebook (thousands of pixels)
    style = re.match(r'<div style="([^"]*)">', shown)[1]
    assert "px" in re.search(r"\bheight: ([^;]+)", style)[1]
    # where a frame is not shown (a notebook not trusted), a line says why
    assert "write_html" in re.search(r"<p>([^<]*)</p><iframe", shown)[1]


def test_a_report_titled_by_a_number_shows_in_a_notebook(contract):
    # the page prints any title; the frame's title attribute did not
    shown = em.Report(contract, title=2026)._repr_html_()
    assert 'title="2026"' in shown


@pytest.mark.charts
def test_dollar_signs_in_labels_are_not_mathtext(contract):
    tables = dict(contract.tables)
    drivers = tables["drivers"].copy()
    drivers.loc[drivers.index[0], "label"] = "Fees of $5 and $10"
    tables["drivers"] = drivers
    html = em.Report(replace(contract, tables=tables)).html()
    # the drivers chart's own text, where matplotlib would read mathtext
    chart = sections(html)["drivers"].split("<svg ")[1].split("</svg>")[0]
    assert ">Fees of $5 and $10" in chart


def test_write_html_and_save_analysis_write_the_report(contract, tmp_path):
    path = em.Report(contract).write_html(tmp_path / "r.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_write_html_replaces_a_file_only_with_force(contract, tmp_path):
    """A page a user had at the path (notes for the board added by hand) was
    written over without a word; it is refused unless force=True."""
    path = tmp_path / "r.html"
    path.write_text("edited by hand", encoding="utf-8")
    with pytest.raises(FileExistsError, match="'.*r.html' exists. Pass force=True"):
        em.Report(contract).write_html(path)
    assert path.read_text(encoding="utf-8") == "edited by hand"
    em.Report(contract).write_html(path, force=True)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_figures_and_pdf_replace_files_only_with_force(small_result, tmp_path):
    """save_figures and write_pdf wrote over a slide or a PDF the user had
    there without a word; they are refused unless force=True, before any
    figure is drawn."""
    report = em.Report(small_result)
    (tmp_path / "drivers.png").write_bytes(b"my slide")
    with pytest.raises(FileExistsError, match="holds 'drivers.png', which"):
        report.save_figures(tmp_path, formats=["png", "svg"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drivers.png"]
    files = report.save_figures(tmp_path, formats=["png"], force=True)
    assert (tmp_path / "drivers.png").read_bytes().startswith(b"\x89PNG")
    assert {f.name for f in files} == {p.name for p in tmp_path.iterdir()}
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"my annotated pdf")
    with pytest.raises(FileExistsError, match="'.*report.pdf' exists. Pass force"):
        report.write_pdf(pdf, browser="no-such-browser")
    assert pdf.read_bytes() == b"my annotated pdf"
    with pytest.raises(FileNotFoundError, match="No browser"):  # force: on to print
        report.write_pdf(pdf, browser="no-such-browser", force=True)


def test_a_report_rendered_from_the_saved_folder_is_the_report_saved(
    small_result, tmp_path
):
    # the summary's ordered mappings (VIF largest first, SHAP before the
    # classical methods, the fit metrics) keep their order through summary.json
    out = em.save_analysis(small_result, tmp_path / "run")
    saved = (out / "report.html").read_text(encoding="utf-8")
    assert em.Report.from_folder(out).html() == saved


# -- the browser check ------------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def find_chromium() -> str | None:
    """``$EMOMOTIV_CHROMIUM``, else chromium or Chrome on the PATH."""
    names = [os.environ.get("EMOMOTIV_CHROMIUM", ""), "chromium", "chromium-browser"]
    names += ["google-chrome", "google-chrome-stable"]
    return next((shutil.which(n) for n in names if n and shutil.which(n)), None)


def chromium(browser: str, page: Path, profile: Path, *args: str):
    """Run headless Chromium on ``page``; return (stdout, console messages)."""
    run = subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--log-level=0",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    console = re.findall(r":CONSOLE[:(]\d+\)?\] (.*)", run.stderr)
    return run.stdout, console


@pytest.fixture(scope="module")
def browser():
    found = find_chromium()
    if found is None:
        pytest.skip(
            "Chromium is not installed, so the report is not checked in a browser: "
            "install it (Debian: apt-get install chromium) or set EMOMOTIV_CHROMIUM "
            "to a Chrome/Chromium binary. .ci/run installs it."
        )
    return found


def test_console_check_catches_page_errors(browser, tmp_path):
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><body><script>console.error('boom'); nope();"
        "</script></body></html>"
    )
    _, console = chromium(browser, page, tmp_path / "profile", "--dump-dom")
    assert any("boom" in m for m in console)
    assert any("ReferenceError" in m for m in console)


def check_in_browser(browser, result, name: str, tmp_path: Path):
    """Render ``result`` to artifacts/NAME.html, load it in Chromium, check the
    DOM and console, and keep a full-page screenshot and a printed PDF."""
    ARTIFACTS.mkdir(exist_ok=True)
    report = em.Report(result)
    page = report.write_html(ARTIFACTS / f"{name}.html", force=True)
    dom, console = chromium(browser, page, tmp_path / "dom", "--dump-dom")
    assert console == []  # the report has no scripts: any console message is a fault
    titles = report.context()["section_titles"]  # the outcome's label in one
    assert titles.keys() == SECTIONS.keys()
    for key, title in titles.items():
        assert f'id="{key}"' in dom
        assert title in dom
    shot = ARTIFACTS / f"{name}.png"
    shot.unlink(missing_ok=True)
    chromium(
        browser,
        page,
        tmp_path / "shot",
        "--window-size=1280,12000",
        f"--screenshot={shot}",
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.unlink(missing_ok=True)
    chromium(
        browser,
        page,
        tmp_path / "pdf",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
    )
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    return dom, shot, pdf, pages


@pytest.mark.charts
def test_sample_report_in_headless_chromium(browser, full_result, tmp_path, capsys):
    dom, shot, pdf, pages = check_in_browser(browser, full_result, "report", tmp_path)
    assert dom.count("<svg") >= 1
    assert pages >= 3
    with capsys.disabled():
        print(f"\nsample report screenshot: {shot}\nprinted ({pages} pages): {pdf}")


@pytest.mark.charts
def test_full_contract_report_in_headless_chromium(browser, contract, tmp_path, capsys):
    dom, shot, pdf, pages = check_in_browser(
        browser, contract, "report-contract", tmp_path
    )
    assert dom.count("<svg") == 8  # one chart per table of the contract but tiers
    assert "Not provided" not in dom
    assert pages >= 5
    with capsys.disabled():
        print(f"\nfull report screenshot: {shot}\nprinted ({pages} pages): {pdf}")


# logs every table, chart or figure that reaches past the right edge of
# the element holding it (a long header that will not wrap, a wide chart); a
# table in a box that scrolls it is that box
OVERFLOW_PROBE = """<script>addEventListener("load", () => {
  for (let el of document.querySelectorAll("table, figure, svg, img")) {
    const up = el.parentElement;
    if (up.classList.contains("scroll") && getComputedStyle(up).overflowX == "auto") {
      el = up;
    }
    const own = el.getBoundingClientRect();
    const room = el.parentElement.getBoundingClientRect();
    if (own.right > room.right + 1) {
      const where = el.closest("[id]");
      console.log("overflow: " + el.tagName + " in #" + (where ? where.id : "?"));
    }
  }
});</script>"""


def print_rules(html: str) -> str:
    """The report's ``@media print`` rules, as plain rules (braces matched)."""
    start = html.index("{", html.index("@media print")) + 1
    depth, end = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(html[end], 0)
        end += 1
    return html[start : end - 1]


@pytest.mark.charts
@pytest.mark.parametrize(
    ("name", "width", "printed"),
    [
        ("contract", 1280, False),
        ("full_result", 1280, False),  # the sample's, with the value drivers
        # A4 at 96 dpi less Chromium's default margins, with the print rules
        ("full_result", 718, True),
        # a phone: a wide table scrolls in its own box, the page does not
        ("full_result", 500, False),
    ],
)
def test_no_table_or_chart_reaches_past_the_page(
    browser, name, width, printed, request, tmp_path
):
    html = em.Report(request.getfixturevalue(name)).html()
    assert overflowing(browser, html, width, printed, tmp_path) == []


def overflowing(browser, html: str, width: int, printed: bool, tmp_path) -> list:
    """What :data:`OVERFLOW_PROBE` logs for ``html`` in a window ``width`` wide
    (with the print rules applied when ``printed``)."""
    extra = f"<style>{print_rules(html)}</style>" if printed else ""
    html = html.replace("</body>", extra + OVERFLOW_PROBE + "</body>")
    page = tmp_path / "probe.html"
    page.write_text(html, encoding="utf-8")
    _, console = chromium(
        browser, page, tmp_path / "probe", f"--window-size={width},4000", "--dump-dom"
    )
    return [m for m in console if "overflow" in m]


# logs every box whose text runs past its right edge (a word too long for
# the line) and a page wider than the window
WIDE_TEXT_PROBE = """<script>addEventListener("load", () => {
  for (const el of document.querySelectorAll("p, li, dd, th, td, .group, .scroll")) {
    if (el.scrollWidth > el.clientWidth + 1) {
      const where = el.closest("[id]");
      console.log("wide: " + el.tagName + " in #" + (where ? where.id : "?"));
    }
  }
  if (document.documentElement.scrollWidth > innerWidth + 1) console.log("wide: page");
});</script>"""


@pytest.mark.charts
def test_a_long_name_without_spaces_breaks_inside_the_page(browser, contract, tmp_path):
    # a facet id shown for want of a label: one "word" of 130 characters
    long_id = "satisfaction_with_completing_the_online_account_opening_form_" * 2
    first = contract.tables["drivers"]["facet"].iloc[0]
    tables = {}
    for name, table in contract.tables.items():
        table = table.copy()
        if "facet" in table:
            if "label" in table:
                table.loc[table["facet"] == first, "label"] = None
            table["facet"] = table["facet"].replace({first: long_id})
        tables[name] = table
    html = em.Report(replace(contract, tables=tables)).html()
    assert long_id in html
    page = tmp_path / "long.html"
    page.write_text(html.replace("</body>", WIDE_TEXT_PROBE + "</body>"), "utf-8")
    _, console = chromium(
        browser, page, tmp_path / "probe", "--window-size=1280,4000", "--dump-dom"
    )
    assert [m for m in console if "wide" in m] == []


@pytest.mark.parametrize(
    ("func", "value", "text"),
    [
        ("_money", 60_000, "60k"),
        # rounded, an amount keeps its decimal: "2.0 m" beside "13.1 m"
        ("_money", 1_981_234, "2.0 m"),
        ("_money", 59_960, "60.0k"),
        ("_money", 2_000_000, "2 m"),
        ("_money", 5_400_000, "5.4 m"),
        ("_money", -25_000, "-25k"),
        ("_money", 999, "999"),
        ("_money", 0.28, "0.28"),
        ("_money", 12.345, "12.3"),
        # rounded up past a power of ten: the size as printed decides
        ("_money", 99.96, "100"),
        ("_money", 999_999, "1.0 m"),
        ("_money", 0, "0"),
        ("_points", 0.0213, "+2.1 pts"),
        ("_points", -0.004, "-0.4 pts"),
        ("_pct", 0.25, "25.0%"),
        ("_times", 2.2, "2.2×"),
        ("_times", -0.028, "0.0×"),  # a net return that rounds to zero: no "-0.0×"
        ("_num", -0.004, "0.00"),
        ("_pct", -0.00001, "0.0%"),
        ("_p_value", 2e-5, "<0.001"),  # not "0.000": a p-value is never zero
        ("_p_value", 0.0123, "0.012"),
        ("_p_value", 1.0, "1.000"),
        ("_num", float("nan"), "n/a"),
        ("_pct", None, "n/a"),
        ("_money", "text", "n/a"),
    ],
)
def test_number_formats(func, value, text):
    from emomotiv import report

    assert getattr(report, func)(value) == text


@pytest.mark.parametrize(
    ("values", "texts"),
    [
        ((12.5, 0.793, 41.04), ("12.5", "0.8", "41.0")),  # mixed magnitudes
        ((0.0312, 0.0123, 0.0456), ("0.0312", "0.0123", "0.0456")),  # small
        ((-3.2, -7.94, 0.41), ("-3.20", "-7.94", "0.41")),  # negatives
        ((2.0, -0.004, 41.0), ("2.0", "0.0", "41.0")),  # no "-0.0"
        ((800, -420, 12_400), ("0.8k", "-0.4k", "12.4k")),  # in the unit of the largest
        ((950.0, None, float("nan")), ("950", "n/a", "n/a")),
    ],
)
def test_amounts_shown_together_share_one_precision(values, texts):
    from emomotiv.report import _magnitude, _money

    scale = _magnitude(*values)
    assert tuple(_money(v, scale) for v in values) == texts


def test_value_drivers_print_an_estimate_and_its_interval_alike(contract):
    table = contract.tables["value_drivers"].head(3).copy()
    table["delta_mean_value"] = [12.5, -3.2, 0.0312]
    table["delta_mean_value_low"] = [0.793, -7.94, 0.0123]
    table["delta_mean_value_high"] = [41.04, 0.41, 0.0456]
    table["delta_mean_value_via_connection"] = [8.0, -1.5, 0.02]
    html = em.Report(
        replace(contract, tables={**contract.tables, "value_drivers": table})
    ).html()
    part = html.split('id="value-drivers"')[1].split("</table>")[0]
    for estimate, interval, via in (
        ("+12.5", "0.8 to 41.0", "8.0"),
        ("−3.20", "−7.94 to 0.41", "−1.50"),
        ("+0.0312", "0.0123 to 0.0456", "0.0200"),
    ):
        assert f">{estimate}</td>" in part and f">{interval}</td>" in part
        assert f">{via}</td>" in part


def test_a_share_through_connection_beyond_100_percent_is_explained(contract):
    def value_part(share):
        table = contract.tables["value_drivers"].head(2).copy()
        table["delta_mean_value"] = [40.0, -0.5]
        table["delta_mean_value_low"] = [20.0, -9.0]  # the second is unclear: not shown
        table["delta_mean_value_high"] = [60.0, 8.0]
        table["share_via_connection"] = [share, -3.0]
        table["delta_mean_value_via_connection"] = table["delta_mean_value"] * [
            share,
            -3.0,
        ]
        html = em.Report(
            replace(contract, tables={**contract.tables, "value_drivers": table})
        ).html()
        return value_drivers_part(html)

    assert ">143%</td>" in value_part(1.43)
    assert "A share above 100% (or below 0%)" in value_part(1.43)
    # 143% of 40 (20 to 60) is 57, inside the interval: the models disagree
    said = " ".join(value_part(1.43).split())
    assert "means the part through connection and the rest have opposite" in said
    assert "The two parts are not both beyond noise: the two models" in said
    assert "two ways" not in said
    # opposite paths are a finding where the part through connection lies
    # outside the interval of the change in all (a trial's fee-like
    # touchpoint: +40 through connection of -135, -174 to -103; -29% against
    # a true -28%), read as the models disagreeing before
    table = contract.tables["value_drivers"].head(2).copy()
    table["delta_mean_value"] = [-135.0, 40.0]
    table["delta_mean_value_low"] = [-174.0, 20.0]
    table["delta_mean_value_high"] = [-103.0, 60.0]
    table["share_via_connection"] = [-0.29, 1.43]
    table["delta_mean_value_via_connection"] = [40.0, 57.2]
    roi = contract.tables["roi"].copy()
    roi["beyond_noise"] = roi["facet"] == table["facet"].iloc[0]
    tables = {**contract.tables, "value_drivers": table, "roi": roi}
    html = em.Report(replace(contract, tables=tables)).html()
    said = " ".join(html_unescape(value_drivers_part(html)).split())
    label = table["label"].iloc[0]
    assert f"{label} moves value two ways: its part through connection lies" in said
    assert "For the other, whose two parts are not both beyond noise" in said
    # not where its gain in the outcome is noise: -1.6 of +49 is no path
    roi["beyond_noise"] = False
    tables = {**tables, "roi": roi}
    html = em.Report(replace(contract, tables=tables)).html()
    assert "two ways" not in value_drivers_part(html)
    # without a bootstrap no interval tells: no two ways offered
    table = contract.tables["value_drivers"].head(1).copy()
    table[["delta_mean_value", "share_via_connection"]] = [40.0, 1.43]
    table[["delta_mean_value_low", "delta_mean_value_high"]] = np.nan
    table["beyond_noise"] = pd.NA
    tables = {**contract.tables, "value_drivers": table}
    html = em.Report(replace(contract, tables=tables)).html()
    said = " ".join(value_drivers_part(html).split())
    assert "not both beyond noise: the two models do not quite agree" in said
    assert "two ways" not in said
    assert "A share above 100%" not in value_part(0.8)  # the -300% is unclear


def test_value_drivers_show_every_clear_fall_and_count_the_uncertain_left_out(
    contract,
):
    # 12 clear rises, 3 clear falls, 30 uncertain falls: the ROI table's rule,
    # the largest changes (by size) first
    delta = np.r_[np.linspace(60, 20, 12), [-30.0, -25.0, -20.0], -np.ones(30)]
    n = len(delta)
    table = pd.DataFrame(
        {
            "facet": [f"f{i}" for i in range(n)],
            "label": [f"Touchpoint {i}" for i in range(n)],
            "importance": 1 / n,
            "importance_low": 0.5 / n,
            "importance_high": 1.5 / n,
            "delta_mean_value": delta,
            "delta_mean_value_low": np.r_[delta[:15] - 5, -np.full(30, 9.0)],
            "delta_mean_value_high": np.r_[delta[:15] + 5, np.full(30, 7.0)],
            "delta_mean_value_via_connection": delta / 2,
            "share_via_connection": 0.5,
        }
    )
    html = em.Report(
        replace(contract, tables={**contract.tables, "value_drivers": table})
    ).html()
    part = value_drivers_part(html)
    # the twelve largest changes (ten rises, two falls), every clear fall,
    # the clear rises, then uncertain ones up to 30 rows
    for i in (0, 8, 9, 10, 11, 12, 13, 14):
        assert f">Touchpoint {i}<" in part
    assert part.count('<th scope="row" class="name">') == 30
    # the rows in order of size, a rise or a fall, with the sign
    rows = re.findall(r'class="name">Touchpoint (\d+)<', part)
    sizes = np.abs(delta[[int(i) for i in rows]])
    assert list(sizes) == sorted(sizes, reverse=True)
    assert "+€60" in part or "+60" in part
    note = " ".join(part.split("</table>")[1].split())
    # the rows are the 30 largest changes: said as one group, not as 12 + 2 +
    # 1 + 15 chosen apart
    assert (
        "30 of 45 touchpoints shown: the 30 largest changes in value by size (a "
        "rise or a fall), in that order. All 3 touchpoints" in note
    )
    assert "All 3 touchpoints predicted to lower value (interval below zero)" in note
    assert (
        "15 more are left out (15 with an interval that includes zero, 0 that" in note
    )
    # With the flags of a correction for reading 45 touchpoints at once, the
    # flags decide, not the intervals: two rises and one fall within noise.
    flags = np.r_[np.ones(10), [0, 0, 1, 1, 0], np.zeros(30)].astype(bool)
    table["beyond_noise"] = flags
    html = em.Report(
        replace(contract, tables={**contract.tables, "value_drivers": table})
    ).html()
    part = value_drivers_part(html)
    note = " ".join(part.split("</table>")[1].split())
    # the rows shown are the 30 largest: one group, not 12 and 18 chosen apart
    assert (
        "30 of 45 touchpoints shown: the 30 largest changes in value by size (a "
        "rise or a fall, beyond noise or not), in that order. Both touchpoints "
        "predicted to lower value (beyond noise)" in note
    )
    assert "15 more are left out (15 within noise, 0 that" in note
    assert "total change is beyond noise" in note
    # a change within noise whose interval excludes zero (Touchpoints 10, 14) is
    # explained: the flags read the touchpoints together, the interval alone
    assert (
        "Beyond noise reads the 45 touchpoints together (the Benjamini-Hochberg "
        "correction): an interval that merely excludes zero is not enough." in note
    )
    # the first twelve are the largest, not the ones beyond noise: the table
    # says which are, and why a share is not given
    assert "by size (a rise or a fall, beyond noise or not), in that order" in note
    assert '<th scope="col" class="c">Beyond noise</th>' in part
    row = part.split(">Touchpoint 10<")[1].split("</tr>")[0]
    assert '<td class="c">no</td>' in row
    assert '<span class="note">within noise</span>' in row and "unclear" not in row
    row = part.split(">Touchpoint 0<")[1].split("</tr>")[0]
    assert '<td class="c">yes</td>' in row and "50%" in row


def test_a_change_shown_as_zero_is_not_marked_as_a_fall(contract):
    table = contract.tables["value_drivers"].head(2).copy()
    table["delta_mean_value"] = [-3.2, -0.004]
    table["delta_mean_value_low"] = [-7.9, -10.5]
    table["delta_mean_value_high"] = [-0.4, 8.4]
    table["delta_mean_value_via_connection"] = [-1.5, 2.7]
    html = em.Report(
        replace(contract, tables={**contract.tables, "value_drivers": table})
    ).html()
    part = html.split('id="value-drivers"')[1].split("</table>")[0]
    assert '<td class="n neg">−3.20</td>' in part
    assert re.search(r'<td class="n">0\.0+</td>', part)  # not red: it reads 0


def test_a_fall_is_red_in_the_tables_only_where_it_is_beyond_noise(contract):
    """The report defines red as a fall beyond noise, yet its one-point and
    value tables printed every negative number red, those the row itself
    calls within noise too."""
    roi = contract.tables["roi"].copy()
    roi.loc[0, ["delta_connected", "beyond_noise"]] = (-0.0123, False)
    roi.loc[1, ["delta_connected", "beyond_noise"]] = (-0.0234, True)
    values = contract.tables["value_drivers"].copy()
    values["beyond_noise"] = [False, True] + [False] * (len(values) - 2)
    values.iloc[:2, values.columns.get_loc("delta_mean_value")] = [-31.5, -42.5]
    tables = {**contract.tables, "roi": roi, "value_drivers": values}
    html = em.Report(replace(contract, tables=tables)).html()
    part = sections(html)["roi"]
    assert '<td class="n">−1.23 pts</td>' in part  # within noise: plain
    assert '<td class="n neg">−2.34 pts</td>' in part
    drivers = value_drivers_part(html)
    assert '<td class="n">−31.5</td>' in drivers
    assert '<td class="n neg">−42.5</td>' in drivers


def _with_roi(contract, delta, low, high):
    """The contract result with a made-up ROI table of these effects."""
    n = len(delta)
    roi = pd.DataFrame(
        {
            "facet": [f"f{i}" for i in range(n)],
            "label": [f"Touchpoint {i}" for i in range(n)],
            "delta_connected": delta,
            "delta_connected_low": low,
            "delta_connected_high": high,
            "priority": range(1, n + 1),
        }
    )
    return {"tables": dict(contract.tables, roi=roi), "summary": contract.summary}


def test_roi_shows_every_negative_effect_and_says_what_is_left_out(contract):
    n = 40
    delta = [0.031 - 0.0005 * i for i in range(n)]
    delta[35], delta[38] = -0.046, -0.026  # late in priority, negative
    low = [d - abs(d) / 2 for d in delta]
    high = [d + abs(d) / 2 for d in delta]
    for i in (20, 21, 22):  # uncertain: the interval includes zero
        low[i] = -0.01
    roi = sections(em.Report(_with_roi(contract, delta, low, high)).html())["roi"]
    for i in (35, 38, 0, 11, 19, 23, 30):
        assert f"Touchpoint {i}<" in roi, i
    assert "−4.60 pts" in roi and "−2.60 pts" in roi
    # 12 top + 2 negative + 16 clear rises shown, before any uncertain one;
    # 10 left out, counted, and named where
    named = html_unescape(roi)
    assert re.search(
        r"30 of 40 touchpoints shown: the first 12 by priority, 16 more predicted "
        r"to raise “[^”]+” \(interval above zero\), and 2 more predicted to "
        r"lower “[^”]+” \(interval below zero\)\. Both touchpoints predicted",
        named,
    )
    assert re.search(
        r"10 more are left out \(3 with an interval that includes zero, 7 that "
        r"raise “[^”]+” \(interval above zero\)\)",
        named,
    )
    assert "roi.csv" in roi
    for i in (20, 31):
        assert f"Touchpoint {i}<" not in roi


def test_a_tiny_negative_effect_is_uncertain_not_harmful(contract):
    """Sixty facets whose estimate is a hair below zero, with intervals across
    it, are uncertain: they fill the table up to its size, are not all
    listed as lowering the outcome, and no "-0.00" is printed."""
    delta = [0.03 - 0.001 * i for i in range(12)] + [-0.00004] * 60
    low = [d - 0.01 for d in delta]
    high = [d + 0.01 for d in delta]
    delta[12], low[12], high[12] = -0.03, -0.04, -0.02  # clearly harmful
    roi = sections(em.Report(_with_roi(contract, delta, low, high)).html())["roi"]
    assert "30 of 72 touchpoints shown" in roi
    assert "30 of 72 touchpoints shown: the first 30 by priority. The one" in roi
    assert "The one touchpoint predicted to lower" in roi
    assert "42 more are left out (42 with an interval that includes zero" in roi
    assert "-0.00" not in roi and "−0.00" not in roi and "0.00 pts" in roi


def test_rows_that_are_the_first_by_priority_are_said_to_be(contract):
    """The 30 rows shown were the first 30 by priority, said as "the first
    12 by priority, and 18 more within noise", as if chosen apart."""
    delta = [0.03 - 0.0005 * i for i in range(40)]
    low = [d - 0.001 if i < 12 else -0.01 for i, d in enumerate(delta)]
    high = [d + 0.001 for d in delta]
    roi = sections(em.Report(_with_roi(contract, delta, low, high)).html())["roi"]
    rows = re.findall(r'<th scope="row">Touchpoint (\d+)<', roi)
    assert rows == [str(i) for i in range(30)]
    note = html_unescape(" ".join(roi.split()))
    assert "30 of 40 touchpoints shown: the first 30 by priority. No touchpoint" in note
    assert "more with an interval that includes zero" not in note


def test_roi_says_so_when_nothing_is_left_out(contract):
    delta = [0.02, 0.01, -0.01]
    html = em.Report(_with_roi(contract, delta, delta, delta)).html()
    assert "3 of 3 touchpoints shown" in sections(html)["roi"]
    assert "None is left out" in html


def test_the_outcome_is_named_by_its_label(contract):
    summary = dict(contract.summary)
    summary["data"] = dict(summary["data"], outcome_label="a promoter")
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    assert "of customers are a promoter" in html
    assert "What drives “a promoter”" in html
    # quoted where it stands as a noun: an adjective label reads as well
    unstable = (summary["uncertainty"].get("stability") or {}).get("low")
    said = "that lead on “a promoter”" if unstable else "that move “a promoter” most"
    assert said in html
    assert "emotionally connected</span>" not in html
    # without a label, the outcome column's name
    summary["data"] = {
        k: v for k, v in summary["data"].items() if k != "outcome_label"
    } | {"roles": {"connection": "is_satisfied"}}
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    assert "What drives “is satisfied”" in html


def _labelled(contract, label, **data):
    summary = dict(contract.summary)
    summary["data"] = dict(summary["data"], outcome_label=label, **data)
    return {"tables": contract.tables, "summary": summary}


def test_a_label_names_the_outcome_in_every_sentence_and_header(contract):
    """A satisfaction outcome labelled "Very satisfied overall" was still
    "connected customers", "Connected", "not what builds connection" and
    "Emotional connection drivers" outside a few headings."""
    html = em.Report(_labelled(contract, "Very satisfied overall")).html()
    text = " ".join(html.split())
    for old in (
        "Emotional connection drivers",
        "emotional connection</p>",
        "connected customers",
        'class="n">Connected</th>',
        "Value per connected customer",
        "what builds connection",
        "goes with more connection",
        "Column used as connection",
        "flows through connection",
    ):
        assert old not in text, old
    q = "“Very satisfied overall”"
    for new in (
        f"<title>Drivers of {q}</title>",
        f"Customer experience · {q} ·",
        f"pts</strong> to the {q} share",  # the plan
        f'class="n">{q} share</th>',
        f"each additional customer who is {q} adds about",
        f"<dt>Value per customer who is {q}</dt>",
        f"not what drives {q}",
        "<dt>Column used as the outcome</dt>",
        f"how much of it flows through {q}",
        f"A customer who is {q} is worth",
    ):
        assert new in text, new
    # the halo's direction (a control the model saw, here with a sign)
    controls = pd.DataFrame(
        {"facet": ["halo"], "label": ["General warmth"], "kind": ["halo"]}
        | {"importance": [0.1], "direction": [1.0]}
    )
    result = _labelled(contract, "Very satisfied overall")
    result["tables"] = dict(result["tables"], controls=controls)
    assert f"higher goes with higher {q}" in em.Report(result).html()
    # warmth as several scores (components, profile) has no single direction
    # to name: said so, where the cell read only "—"
    several = dict(controls, direction=[0.0])
    result["tables"] = dict(result["tables"], controls=pd.DataFrame(several))
    result["summary"] = dict(result["summary"], halo={"method": "components"})
    assert "no single direction: warmth is several scores" in em.Report(result).html()
    # a noun reads as well, and a title given stays
    html = em.Report(_labelled(contract, "a promoter"), title="Q3").html()
    assert "<title>Q3</title>" in html and "Drivers of" not in html
    assert "each additional customer who is “a promoter” adds" in " ".join(html.split())


def test_a_connection_label_keeps_the_words_of_connection(contract):
    """The sample's label ("emotionally connected", or the column connected)
    reads as it always has."""
    for label in ("emotionally connected", "connected"):
        html = " ".join(em.Report(_labelled(contract, label)).html().split())
        assert "<title>Emotional connection drivers</title>" in html
        assert "Customer experience · emotional connection ·" in html
        assert "each additional connected customer adds about" in html
        assert "<dt>Value per connected customer</dt>" in html
        assert "not what builds connection" in html


def test_the_tiers_say_what_connected_means_for_another_outcome(contract):
    rule = "connection outcome = 1"
    measures = dict(contract.summary["measures"], connected_rule=rule)
    result = _labelled(contract, "Very satisfied overall")
    result["summary"] |= {
        "measures": measures,
        "study": {"options": {"connected_values": ["5"]}},
    }
    result["summary"]["data"]["roles"] = {"connection": "overall_satisfaction"}
    part = " ".join(sections(em.Report(result).html())["motivators"].split())
    assert (
        "Here “connected” means “Very satisfied overall” (overall_satisfaction = 5):"
        " the tiers below keep the names of emotional connection, and “fully "
        "connected” is every customer who is “Very satisfied overall”."
    ) in part
    result = _labelled(contract, "emotionally connected")
    result["summary"] |= {"measures": measures}
    result["summary"]["data"]["roles"] = {"connection": "connected"}
    part = " ".join(sections(em.Report(result).html())["motivators"].split())
    assert "A customer counts as emotionally connected when connected = 1." in part


def test_the_value_per_connected_customer_is_called_an_upper_bound(contract):
    """docs/concepts/value-link.md calls the gap an upper bound; the report gave
    it, and the plan's money resting on it, as the estimate."""
    parts = sections(em.Report(contract).html())
    bound = "an upper bound on what making one more customer connected is worth"
    summary = " ".join(parts["summary"].split())
    caveat = r'in value \(interval [^)]+\), <span class="caveat">a gap between'
    assert re.search(caveat, summary)
    assert bound in summary
    assert "This money rests on the value of one more connected customer" in summary
    roi = " ".join(parts["roi"].split())
    assert roi.count(bound) == 2  # the value of connection, and the plan's note
    # a value per connected customer given as a parameter is no gap
    plan = dict(contract.summary["plan"], value_source="parameter")
    given = {"tables": contract.tables, "summary": {**contract.summary, "plan": plan}}
    roi = " ".join(sections(em.Report(given).html())["roi"].split())
    assert roi.count(bound) == 1 and "as given (value_per_connected)." in roi


def test_the_plan_section_names_the_touchpoints_left_out(contract):
    """Touchpoints with no cost, or that cost more than they return, were
    named on the console and in summary.json only: a director reading the
    report did not learn the largest gain was never considered."""
    note = (
        "3 of 25 touchpoints have no cost in the catalog, so the plan cannot "
        "fund them: 'Online investing videos', 'Help centre', 'Website'."
    )
    plan = dict(contract.summary["plan"], note=note)
    given = {"tables": contract.tables, "summary": {**contract.summary, "plan": plan}}
    roi = " ".join(sections(em.Report(given).html())["roi"].split())
    assert "3 of 25 touchpoints have no cost in the catalog" in roi


def test_a_funded_touchpoint_warned_of_as_the_outcome_is_named_by_the_plan(contract):
    """A leaked overall item was funded first and the headline gave its 550x
    return with no word tying it to the warning; a within-noise pick hid
    behind 'and 1 more'."""
    plan = contract.tables["plan"]
    chosen = list(plan.loc[plan["selected"].astype(bool), "facet"])
    importance = dict(contract.summary["importance"], outcome_like=[chosen[0]])
    summary = {**contract.summary, "importance": importance}
    parts = sections(em.Report({"tables": contract.tables, "summary": summary}).html())
    label = contract.tables["drivers"].set_index("facet").loc[chosen[0], "label"]
    said = f"{label} is warned of above as possibly the outcome restated"
    assert said in " ".join(parts["summary"].split())
    assert "warned of as possibly the outcome restated" in " ".join(
        parts["roi"].split()
    )
    plan_summary = dict(contract.summary["plan"], selected_within_noise=[chosen[-1]])
    summary = {**contract.summary, "plan": plan_summary}
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    plain = " ".join(sections(html)["summary"].split())
    assert "possibly the outcome restated" not in plain
    last = contract.tables["drivers"].set_index("facet").loc[chosen[-1], "label"]
    assert f"(1 of them, {last}, with a gain within noise)" in plain


def test_a_plan_whose_every_touchpoint_is_within_noise_is_said_to_need_a_test(
    contract,
):
    """A plan none of whose funded touchpoints has a gain beyond noise read as
    an unqualified "Recommended plan" with its value and return in a tile:
    the tile, the summary and the plan say to test it before acting."""
    plan = contract.tables["plan"]
    chosen = list(plan.loc[plan["selected"], "facet"])
    plan_summary = dict(contract.summary["plan"], selected_within_noise=chosen)
    summary = {**contract.summary, "plan": plan_summary}
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    parts = {k: " ".join(v.split()) for k, v in sections(html).items()}
    tile = parts["summary"].split("expected value of the plan")[1].split("</div>")[0]
    caution = "Every touchpoint it funds has a gain within noise: test before"
    assert caution in tile
    bullet = parts["summary"].split("Recommended plan.")[1].split("</li>")[0]
    assert (
        "But none of their one-point gains is beyond sampling noise: test before "
        "acting on them." in bullet
    )
    assert "with a gain within noise)" not in bullet
    assert (
        "but every touchpoint it funds has a gain within noise: test before acting"
        in parts["roi"]
    )
    assert "the least certain part of it" not in parts["roi"]
    # one of them beyond noise: the plan stands, its uncertain part named
    plain = " ".join(sections(em.Report(contract).html())["summary"].split())
    assert "test before acting on it" not in plain.split("Recommended plan.")[0]
    assert "test before acting on them" not in plain.split("Recommended plan.")[1]


def test_the_compare_report_names_the_outcome_by_its_label(comparison):
    from emomotiv.results import WaveComparison

    html = em.ComparisonReport(comparison, outcome_label="a promoter").html()
    lead = sections(html)["summary"]
    assert "The “a promoter” share went from <strong>25.0%</strong>" in lead
    kpis = sections(html)["kpis"]
    assert '<th scope="row">“a promoter” share</th>' in kpis
    assert "“a promoter” share's change is tested" in kpis
    assert "connected share" not in html.casefold()
    # the comparison's own label, as compare records it
    summary = {**comparison.summary, "outcome_label": "Very satisfied overall"}
    html = em.ComparisonReport(WaveComparison(comparison.changes, summary)).html()
    assert "The “Very satisfied overall” share went from" in html


def test_the_change_section_s_top_moves_are_the_reports_top_and_its_words_true(
    contract,
):
    """An analysis of waves said "Top 10" of the comparison beside its own
    top 8 (p(top 8)), and sent the reader to "the table above" for flags
    that the headline measures' table above does not hold."""
    changes = contract.tables["changes"].copy()
    changes["rank_before"] = changes["rank_after"]
    eighth = changes.index[changes["rank_after"] == 8][0]
    ninth = changes.index[changes["rank_after"] == 9][0]
    changes.loc[[eighth, ninth], "rank_before"] = [9, 8]
    summary = dict(contract.summary)
    summary["uncertainty"] = dict(summary["uncertainty"], top_k=8)
    tables = {**contract.tables, "changes": changes}
    html = em.Report({"tables": tables, "summary": summary}).html()
    moves = " ".join(sections(html)["changes"].split())
    came, went = changes.loc[eighth, "label"], changes.loc[ninth, "label"]
    assert f"Top 8: entered {came}; left {went}." in moves
    assert "Top 10" not in moves and "P(top 8)" in sections(html)["drivers"]
    assert "the table above flags" not in moves
    assert "news only where the touchpoint's change is beyond noise, as the table" in (
        moves
    )
    # nothing flagged: no table of changes to send the reader to
    tables["changes"] = changes.assign(flagged=False)
    html = em.Report({"tables": tables, "summary": summary}).html()
    moves = " ".join(sections(html)["changes"].split())
    assert "change is beyond noise, and none is here." in moves
    assert "table of changes" not in moves


def test_the_change_section_says_its_ranks_are_the_full_data_fits(contract):
    note = "ranks and top-10 moves here are those of each wave's full-data fit"
    assert note not in sections(em.Report(contract).html())["changes"]
    tracking = dict(contract.summary["tracking"], estimate="full-data fit")
    summary = dict(contract.summary, tracking=tracking)
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    assert note in sections(html)["changes"]


def test_the_change_section_says_how_far_a_share_had_to_move(contract):
    note = "share had to move by about 4.2 points to be flagged"
    assert note not in sections(em.Report(contract).html())["changes"]
    tracking = dict(contract.summary["tracking"], detectable_change=0.0421)
    summary = dict(contract.summary, tracking=tracking)
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    assert note in sections(html)["changes"]


def test_the_plan_names_its_gross_multiple_and_its_net_return(contract, contract_html):
    roi = contract.summary["plan"]["roi"]
    text = " ".join(sections(contract_html)["roi"].split())
    assert f"({roi + 1:,.1f}× the spend, a net return of {roi:,.1f}×" in text


def test_the_money_of_the_plan_and_of_each_touchpoint_carries_its_interval(
    contract,
):
    """The console gave the plan's value with its interval ("55.7 m [48.0 m,
    65.2 m]") and roi.csv each touchpoint's; the report gave the interval of
    the points only, not of the money a budget is asked for."""
    plan = dict(contract.summary["plan"])
    value = plan["combined_delta_value"]
    plan |= {"combined_delta_value_low": 0.8 * value}
    plan |= {"combined_delta_value_high": 1.3 * value}
    summary = dict(contract.summary, plan=plan)
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    parts = {k: " ".join(v.split()) for k, v in sections(html).items()}
    between = f"{0.8 * value / 1e6:.1f} m to {1.3 * value / 1e6:.1f} m"
    tile = parts["summary"].split("expected value of the plan")[1]
    assert f"interval {between};" in tile.split("</div>")[0]
    # and the net return's range, from the same bounds: (value - cost) / cost
    if plan.get("roi") is not None and plan.get("spent"):
        low, high = ((f * value - plan["spent"]) / plan["spent"] for f in (0.8, 1.3))
        returns = f"net return {plan['roi']:.1f}× ({low:.1f}× to {high:.1f}×)"
        assert returns in tile.split("</div>")[0]
    assert f"{value / 1e6:.1f} m</strong> ({between}) through" in parts["summary"]
    assert f"{value / 1e6:.1f} m</strong> ({between}) through" in parts["roi"]
    first = contract.tables["roi"].iloc[0]
    row = parts["roi"].split(f'<th scope="row">{first["label"]}</th>')[1]
    low, high = first["delta_value_low"] / 1e6, first["delta_value_high"] / 1e6
    assert (
        f'<span class="note">({low:.1f} m to {high:.1f} m)</span>'
        in row.split("</tr>")[0]
    )


def test_a_touchpoints_value_and_net_return_carry_their_interval_alike(contract):
    """The ROI table printed "846.3k (−0.2 m to 2.5 m)": the estimate in
    thousands beside an interval in millions; its net return had no range
    where the plan's has one."""
    roi = contract.tables["roi"].copy()
    roi.loc[0, ["delta_value", "delta_value_low", "delta_value_high"]] = [
        846_300.0,
        -200_000.0,
        2_500_000.0,
    ]
    roi.loc[0, ["cost", "roi"]] = [100_000.0, 7.463]
    html = em.Report(replace(contract, tables={**contract.tables, "roi": roi})).html()
    row = html.split(f'<th scope="row">{roi.loc[0, "label"]}</th>')[1]
    assert '0.8 m<br><span class="note">(−0.2 m to 2.5 m)</span>' in row
    # its net return carries the range of the same bounds: (value - cost) / cost
    net = row.split("</tr>")[0].split('<td class="n">')[-1]
    assert net.startswith('7.5×<br><span class="note">(−3.0× to 24.0×)</span>'), net
    # an estimate far below its interval's size keeps its own unit: "0.0 m"
    # would hide a loss of 30k and its sign
    roi.loc[0, ["delta_value", "delta_value_low", "delta_value_high"]] = [
        -30_000.0,
        -2_500_000.0,
        200_000.0,
    ]
    html = em.Report(replace(contract, tables={**contract.tables, "roi": roi})).html()
    row = html.split(f'<th scope="row">{roi.loc[0, "label"]}</th>')[1]
    assert '−30k<br><span class="note">(−2.5 m to 0.2 m)</span>' in row
    # and so does an end of the interval: "(−0.0 m to 2.5 m)" and "(0.0 m to
    # 3.9 m)" hid a loss of 48.6k and a gain of 39.2k
    for low, said in ((-48_634.8, "(−48.6k to 2.5 m)"), (39_225.0, "(39.2k to 2.5 m)")):
        roi.loc[0, ["delta_value", "delta_value_low", "delta_value_high"]] = [
            890_383.5,
            low,
            2_524_070.2,
        ]
        html = em.Report(replace(contract, tables={**contract.tables, "roi": roi}))
        row = html.html().split(f'<th scope="row">{roi.loc[0, "label"]}</th>')[1]
        assert f'0.9 m<br><span class="note">{said}</span>' in row


@pytest.mark.charts
def test_the_charts_label_the_funded_touchpoints_and_the_named_drivers(contract):
    """A funded touchpoint beside a better one, and the second driver beside
    the first, were left unlabelled by the charts' rule against crowding."""
    roi = contract.tables["roi"].copy()
    roi.loc[[0, 1], ["cost", "delta_value"]] = [[60e3, 13.1e6], [70e3, 12.9e6]]
    roi.loc[2:, "delta_value"] = np.linspace(15.2e6, 0.5e6, len(roi) - 2)
    plan = contract.tables["plan"].copy()
    plan["selected"] = plan["facet"].isin(roi["facet"].iloc[:2])
    drivers = contract.tables["drivers"].copy()
    first, second = drivers.index[:2]
    drivers.loc[[first, second], "importance"] = drivers.loc[first, "importance"]
    drivers.loc[second, "stated_importance"] = drivers.loc[first, "stated_importance"]
    tables = {**contract.tables, "roi": roi, "plan": plan, "drivers": drivers}
    html = em.Report({"tables": tables, "summary": contract.summary}).html()
    parts = sections(html)
    chart = parts["roi"].split("<svg ")[1].split("</svg>")[0]
    for label in roi["label"].iloc[:2]:
        assert f">{escape(label)}<" in chart, label
    chart = parts["quadrant"].split("<svg ")[1].split("</svg>")[0]
    for label in drivers.loc[[first, second], "label"]:
        assert f">{escape(label)}<" in chart, label


def test_a_score_outcome_says_whose_connection_the_value_link_counts(contract):
    summary = dict(contract.summary)
    summary["model"] = dict(summary["model"], task="regression")
    summary["data"] = dict(summary["data"], outcome_label="Overall NPS")
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    why = " ".join(sections(html)["summary"].split("Why it matters")[1].split())
    assert why.startswith(
        ".</strong> An emotionally connected customer (by the motivator connection "
        "score, not “Overall NPS”) is worth"
    )


@pytest.mark.charts
def test_a_score_outcome_changes_in_its_own_units_not_points_of_a_share(contract):
    """A 0-10 score's gain of 0.466 is +0.466 on its mean, not "+46.60 pts"."""
    delta = [0.466, 0.108, -0.0092]
    low, high = [0.368, 0.047, -0.081], [0.566, 0.168, 0.061]
    result = _with_roi(contract, delta, low, high)
    summary = dict(result["summary"])
    summary["model"] = dict(summary["model"], task="regression")
    summary["data"] = dict(summary["data"], outcome_label="Overall NPS")
    parts = sections(em.Report({**result, "summary": summary}).html())
    roi = parts["roi"].split("Recommended plan")[0]
    assert "pts" not in roi and "connected share" not in roi
    assert '<th scope="col" class="n">Change</th>' in roi
    assert "+0.466" in roi and "+0.368 to +0.566" in roi and "−0.009" in roi
    assert "Change in mean Overall NPS" in roi  # the chart's axis
    plan = parts["roi"].split("Recommended plan")[1]
    assert "change mean “Overall NPS” by" in plan and "connected customers" not in plan
    assert "on mean “Overall NPS”" in parts["summary"]
    assert "Value per point of “Overall NPS”:" in plan
    # a slope of value across customers as they are: an upper bound
    summary["plan"] = dict(summary.get("plan") or {}, value_source="value_slope")
    summary["plan"].setdefault("value_per_connected", 400.0)
    plan = sections(em.Report({**result, "summary": summary}).html())["roi"]
    assert "the slope of value on “Overall NPS” across customers as they are" in (
        " ".join(plan.split())
    )
    # a 0/1 outcome keeps points of its share
    binary = sections(em.Report(result).html())["roi"]
    assert "+46.60 pts" in binary
    assert '<th scope="col" class="n">Connected</th>' in binary
    assert "Value per connected customer:" in binary


def test_a_given_value_per_connected_is_told_apart_from_the_value_link_s(contract):
    """With a value column and --value-per-connected 1000, the summary said a
    connected customer adds 2,829 and, three lines on, priced the plan at
    1,000 with no word of it; the plan box too."""
    summary = dict(contract.summary)
    assert summary["value"]["value_per_connected"] is not None
    link = summary["value"]["value_per_connected"]
    summary["plan"] = dict(
        summary["plan"], value_source="parameter", value_per_connected=1000.0
    )
    parts = sections(em.Report({"tables": contract.tables, "summary": summary}).html())
    plan = " ".join(parts["summary"].split("Recommended plan")[1].split())
    from emomotiv.report import _money

    said = "(at 1,000 per connected customer, as given, not the value link's "
    said += f"{_money(link)})"
    assert said in plan
    box = " ".join(parts["roi"].split())
    assert "1,000, as given (value_per_connected), in place of the value link's" in box
    # priced by the value link itself: nothing to tell apart
    html = em.Report(contract).html()
    assert "as given, not the" not in html


def test_a_score_outcome_says_its_plan_is_priced_per_point(contract, contract_html):
    """A score's plan prices the change in its mean at the value of one
    point: the plan's note spoke of the connected share priced at the value
    of one more connected customer, beside the motivator tiers' gap; and the
    value was value "through connection", which the score is not: it is
    value through the score, by its label."""
    summary = dict(contract.summary)
    summary["model"] = dict(summary["model"], task="regression")
    summary["data"] = dict(summary["data"], outcome_label="Overall NPS")
    summary["plan"] = dict(
        summary["plan"], value_source="value_slope", value_per_connected=246.0
    )
    parts = sections(em.Report({"tables": contract.tables, "summary": summary}).html())
    roi = " ".join(parts["roi"].split())
    assert (
        "is value through “Overall NPS”: the change in mean “Overall NPS” priced at "
        "the value of one point of it (246)."
    ) in roi
    assert "priced at the value of one more connected customer" not in roi
    # the value per connected customer is the tiers' gap: not the plan's price
    value = roi.split("Value per connected customer")[1].split("</dd>")[0]
    assert (
        "It does not price the plan: the plan and the ROI table price a change in "
        "mean “Overall NPS” at the value of one point of it, 246 (below)."
    ) in value
    plan = " ".join(parts["summary"].split("Recommended plan")[1].split())
    assert "through “Overall NPS” (at 246 per point of “Overall NPS”" in plan
    assert "through connection" not in " ".join(parts["roi"].split())
    # a 0/1 outcome keeps the connected customer's words
    binary = " ".join(sections(contract_html)["roi"].split())
    assert "the gain in the connected share priced at the value of one more" in binary
    assert "It does not price the plan" not in binary


def test_one_stage_and_no_connection_rule_read_as_plain_sentences(contract):
    summary = dict(contract.summary)
    summary["data"] = dict(summary["data"], n_stages=1)
    rule = "none: the outcome is not 0/1 and there are no motivators"
    summary["measures"] = dict(summary.get("measures") or {}, connected_rule=rule)
    tables = dict(contract.tables, stages=contract.tables["stages"].head(1))
    html = em.Report({"tables": tables, "summary": summary}).html()
    assert re.search(r"touchpoints in\s+1 journey stage\b(?!s)", html)
    parts = sections(html)
    assert (
        "No rule says who is emotionally connected: the outcome is not 0/1"
        in parts["motivators"]
    )
    # one stage holds every touchpoint: no chart of a single 100% bar
    stages = parts["stages"]
    assert "Not provided" in stages and "every touchpoint is in one stage" in stages
    assert "<svg" not in stages


def test_the_method_says_what_the_classical_methods_hold_fixed(small_result):
    """They run on partial correlations given context controls, never given
    the halo score (a linear function of the ratings themselves)."""
    method = sections(em.Report(small_result).html())["method"]
    assert "they do not hold the halo score fixed" in method
    assert "partial correlations" not in method
    controls = small_result.tables["controls"]
    purpose = controls.iloc[[0]].assign(control="purpose", label="Purpose")
    purpose["kind"] = "context"
    tables = {**small_result.tables, "controls": pd.concat([controls, purpose])}
    html = em.Report({"tables": tables, "summary": small_result.summary}).html()
    assert "(on partial correlations given the context controls)" in html


def test_what_the_touchpoints_do_not_explain_names_only_what_was_held_fixed(
    small_result,
):
    """With halo='none' the section said the gains were for customers of the
    same warmth; with one control it spoke of them as several."""
    controls = small_result.tables["controls"]
    purpose = controls.iloc[[0]].assign(control="purpose", label="Purpose")
    purpose["kind"] = "context"

    def part(table):
        tables = {**small_result.tables, "controls": table}
        html = em.Report({"tables": tables, "summary": small_result.summary}).html()
        return " ".join(html.split('id="controls"')[1].split("</table>")[0].split())

    alone = part(
        purpose.assign(direction=0, level_high="business", level_low="leisure")
    )
    assert "highest with “business”, lowest with “leisure”" in alone
    assert "for customers of the same context." in alone
    assert "General warmth toward the brand was not held fixed" in alone
    assert "It carries" in alone and "Together" not in alone
    both = part(pd.concat([controls, purpose]))
    assert "for customers of the same warmth and context." in both
    assert "Together they carry" in both and "not held fixed" not in both
    # where warmth alone moves connection its share is about a quarter: no bound
    assert "upper bound" not in both
    assert "neither a measure nor a bound of it" in both
    assert "warmth's part" not in alone  # no warmth score, nothing to read


def test_the_method_says_what_the_intervals_do_not_cover(small_result):
    """Sampling, not the model's bias: the real drivers' gains are mostly
    conservative (measured in docs/concepts/uncertainty.md), but scale use
    can make touchpoints that move nothing read as gains and a plan promise
    more than it delivers (docs/concepts/halo.md): the method says both."""
    method = " ".join(sections(em.Report(small_result).html())["method"].split())
    assert "not the model's own bias" in method
    assert "their gains are mostly conservative" in method
    assert "can promise more than it delivers" in method
    # the halo score's share is not warmth's alone
    assert "part of it the touchpoints' own effect" in method


def test_share_through_connection_only_where_the_total_is_clear_of_zero(contract):
    table = contract.tables["value_drivers"].copy()
    table["delta_mean_value"] = [30.0, 2.0] + [40.0] * (len(table) - 2)
    table["delta_mean_value_low"] = table["delta_mean_value"] - 10
    table["delta_mean_value_high"] = table["delta_mean_value"] + 10
    html = em.Report(
        replace(contract, tables={**contract.tables, "value_drivers": table})
    ).html()
    part = html.split('id="value-drivers"')[1].split("</table>")[0]
    # 2 within [-8, 12]: no share is shown, and the cell says why
    assert part.count("not clear of zero") == 1 and "unclear" not in part


def test_the_plan_is_worth_its_value_over_its_cost(contract, contract_html):
    plan = contract.summary["plan"]
    multiple = plan["combined_delta_value"] / plan["spent"]
    assert plan["roi"] == pytest.approx(multiple - 1)  # roi is net of the cost
    assert f"{multiple:,.1f}× its cost" in contract_html
    assert "Net return" in contract_html


def test_metrics_named_for_what_they_are(contract_html):
    assert "model accuracy" not in contract_html
    assert "cross-validated AUC" in contract_html
    fit = sections(contract_html)["model-fit"]
    assert "AUC (area under the ROC curve)" in fit


def test_no_cost_wording_without_costs(contract):
    tables = dict(contract.tables)
    tables.pop("plan", None)
    tables["roi"] = tables["roi"].drop(columns=["cost", "roi"])
    summary = dict(contract.summary, plan={})
    html = em.Report({"tables": tables, "summary": summary}).html()
    summary_part = sections(html)["summary"]
    assert "Largest gains" in summary_part
    assert "value for effort" not in html and "for the money" not in html


def test_no_plan_asks_only_for_what_it_lacks(contract):
    """Costs without a budget ask for a budget; a budget without costs for
    costs; neither, for both."""
    tables = dict(contract.tables)
    tables.pop("plan", None)
    no_cost = dict(tables, roi=tables["roi"].drop(columns=["cost", "roi"]))
    cases = [
        (tables, {}, "plan_budget"),
        (no_cost, {"budget": 300_000.0}, "plan_cost"),
        (no_cost, {}, "plan"),
    ]
    for frames, plan, key in cases:
        summary = dict(contract.summary, plan=plan)
        html = em.Report({"tables": frames, "summary": summary}).html()
        roi = sections(html)["roi"]
        assert str(escape(MISSING[key])) in roi, key
        others = {"plan", "plan_budget", "plan_cost"} - {key}
        assert not any(str(escape(MISSING[k])) in roi for k in others), key


def test_a_small_survey_where_no_gain_is_clear_reads_right(contract):
    """No gain beyond noise: "for none of the 12", not "for 0 of the 12", and
    the largest gains say they are within noise; a chart of every touchpoint
    says "All 12", not "The 12 most important of 12"."""
    tables = dict(contract.tables)
    tables.pop("plan", None)
    tables["roi"] = tables["roi"].drop(columns=["cost", "roi"])
    noise = dict(contract.summary["plan"]["noise"], n_raise=0, n_lower=0)
    summary = dict(contract.summary, plan={"noise": noise})
    html = em.Report({"tables": tables, "summary": summary}).html()
    lead = " ".join(sections(html)["summary"].split())
    assert "beyond sampling noise for none of the 12 touchpoints." in lead
    gains = lead.split("Largest gains.")[1].split("</li>")[0]
    assert "None of these gains is beyond sampling noise." in gains
    assert "All 12 touchpoints, the most important first." in html
    assert "most important of 12" not in html
    assert "10 motivators; all 12 touchpoints" in html
    html = em.Report(contract, top=5).html()
    assert "The 5 most important of 12 touchpoints." in html
    assert "10 motivators; the 5 most important of 12 touchpoints" in html
    assert "None of these gains" not in html


def test_the_largest_gains_name_only_gains_above_zero(contract):
    """Ratings on every other point of their scale gave every one-point gain
    as exactly 0, and the summary named the first three rows of the ROI
    table (catalog order) as the largest gains. It names only touchpoints a
    rise raises, and says so when there is none."""
    tables = dict(contract.tables)
    tables.pop("plan", None)
    roi = tables["roi"].drop(columns=["cost", "roi"])
    cols = [c for c in roi if c.startswith(("delta_connected", "delta_value"))]
    summary = dict(contract.summary, plan={})
    flat = roi.assign(**{c: 0.0 for c in cols})
    html = em.Report({"tables": dict(tables, roi=flat), "summary": summary}).html()
    lead = " ".join(sections(html)["summary"].split())
    gains = lead.split("Largest gains.")[1].split("</li>")[0]
    assert "No one-point improvement raises" in gains
    assert not any(label in gains for label in roi["label"])
    # one gain above zero, listed last: it alone is named
    rising = flat.copy()
    rising.loc[rising.index[-1], "delta_connected"] = 0.01
    html = em.Report({"tables": dict(tables, roi=rising), "summary": summary}).html()
    lead = " ".join(sections(html)["summary"].split())
    gains = lead.split("Largest gains.")[1].split("</li>")[0]
    named = [label for label in roi["label"] if label in gains]
    assert named == [roi["label"].iloc[-1]]


def test_the_plan_table_says_how_many_touchpoints_it_leaves_out(contract):
    plan = contract.tables["plan"]
    chosen = int(plan["selected"].sum())
    shown = chosen + min(5, len(plan) - chosen)
    assert shown < len(plan), "the contract's plan has rows to leave out"
    part = sections(em.Report(contract).html())["roi"].split("Recommended plan")[1]
    assert (
        f"{shown} of {len(plan)} touchpoints shown: the {chosen} in the plan and "
        f"the next {shown - chosen} by priority; every touchpoint is in "
        "<code>plan.csv</code>."
    ) in " ".join(part.split())


def test_a_plan_of_one_touchpoint_reads_in_the_singular(contract):
    plan = contract.tables["plan"].copy()
    first = plan.index[plan["selected"]][0]
    plan["selected"] = plan.index == first
    summary = dict(contract.summary)
    summary["plan"] = dict(
        summary["plan"], n_selected=1, selected=[plan.at[first, "facet"]]
    )
    tables = dict(contract.tables, plan=plan)
    html = em.Report({"tables": tables, "summary": summary}).html()
    callout = " ".join(sections(html)["roi"].split("Recommended plan")[1].split())
    assert "It is expected to add" in callout and "Together they" not in callout
    assert "one at a time" not in callout
    full = " ".join(sections(em.Report(contract).html())["roi"].split())
    assert "Together they are expected to add" in full and "one at a time" in full


def test_a_budget_without_costs_shows_no_plan_figure(contract):
    """A budget with no priced improvement funds nothing: no "+0.0 pts from
    the plan" card, and the summary asks for the costs, not for a budget."""
    tables = dict(contract.tables)
    tables["plan"] = tables["plan"].iloc[:0]
    tables["roi"] = tables["roi"].drop(columns=["cost", "roi"])
    plan = {"budget": 100_000.0, "n_selected": 0, "selected": [], "spent": 0.0}
    plan |= {"combined_delta_connected": 0.0, "noise": {"n_raise": 2, "n_lower": 0}}
    summary = dict(contract.summary, plan=plan)
    html = em.Report({"tables": tables, "summary": summary}).html()
    lead = " ".join(sections(html)["summary"].split())
    assert "from the plan" not in lead and "0.0 pts" not in lead
    assert "Add each improvement's cost to the catalog to get a plan." in lead
    assert str(escape(MISSING["plan_cost"])) in sections(html)["roi"]


def test_the_summary_says_which_of_its_largest_gains_are_within_noise(contract):
    tables = dict(contract.tables)
    tables.pop("plan", None)
    roi = tables["roi"].copy()
    roi["beyond_noise"] = [True, False] + [False] * (len(roi) - 2)
    tables["roi"] = roi
    summary = dict(contract.summary, plan={"noise": {"n_raise": 1, "n_lower": 0}})
    lead = sections(em.Report({"tables": tables, "summary": summary}).html())
    lead = " ".join(lead["summary"].split())
    second, third = roi["label"].iloc[1], roi["label"].iloc[2]
    assert f"Of these, {second} and {third} are within sampling noise." in lead


def test_costs_without_a_population_make_no_return_claim_or_empty_chart(contract):
    tables = dict(contract.tables)
    tables.pop("plan", None)
    tables["roi"] = tables["roi"].assign(delta_value=np.nan, roi=np.nan)
    summary = dict(contract.summary, plan={})
    parts = sections(em.Report({"tables": tables, "summary": summary}).html())
    assert "Best return for the money" not in parts["summary"]
    assert "Largest gains" in parts["summary"]
    assert "--population N" in parts["summary"]
    assert "Net return" not in parts["roi"] and "break-even" not in parts["roi"]


def test_a_hidden_driver_that_lowers_the_outcome_is_no_easy_win(contract):
    """A hidden driver whose one-point rise lowers the outcome (beyond
    noise) is no easy win; one whose SHAP merely leans negative, its gain
    within noise, still is (the driver table marks by the same rule)."""
    drivers = contract.tables["drivers"].copy()
    hidden = drivers.index[drivers["quadrant"] == "hidden_driver"]
    assert len(hidden), "the contract has hidden drivers"
    first = drivers.loc[hidden[0], "label"]
    drivers.loc[hidden[0], "direction"] = -1
    roi = contract.tables["roi"].copy()
    row = roi["facet"] == drivers.loc[hidden[0], "facet"]

    def easy_wins(roi):
        tables = dict(contract.tables, drivers=drivers, roi=roi)
        html = em.Report({"tables": tables, "summary": contract.summary}).html()
        return sections(html)["summary"].split("Hidden drivers")[1].split("</li>")[0]

    roi.loc[row, ["delta_connected", "beyond_noise"]] = [-0.02, True]
    assert str(escape(first)) not in easy_wins(roi)
    roi.loc[row, "beyond_noise"] = False
    assert str(escape(first)) in easy_wins(roi)


def test_a_driver_whose_rise_lowers_the_outcome_is_marked_in_the_quadrants(contract):
    """A hidden driver whose one-point rise lowers the outcome beyond noise
    was a plain hidden driver in the quadrant section (read: invest here),
    while the driver table marked it ▼; it is marked there too, and said
    to be no driver to raise. Its gain within noise, it is not."""
    drivers = contract.tables["drivers"].copy()
    hidden = drivers.index[drivers["quadrant"] == "hidden_driver"]
    drivers["direction"] = 1
    first = drivers.loc[hidden[0], "label"]
    roi = contract.tables["roi"].copy()
    row = roi["facet"] == drivers.loc[hidden[0], "facet"]

    def quadrants(roi):
        tables = dict(contract.tables, drivers=drivers, roi=roi)
        html = em.Report({"tables": tables, "summary": contract.summary}).html()
        return html_unescape(" ".join(sections(html)["quadrant"].split()))

    roi.loc[row, ["delta_connected", "beyond_noise"]] = [-0.02, True]
    part = quadrants(roi)
    card = part.split("Hidden driver</span>")[1].split("</div>")[0]
    assert f'{first} <span class="neg"' in card and "▼" in card
    assert (
        f"▼ A one-point rise of {first} is predicted to lower “connected” (its "
        "simulated gain is below zero beyond noise): it is important to it, among "
        "the core and hidden drivers above, but not a driver to raise." in part
    )
    roi.loc[row, "beyond_noise"] = False
    assert "▼" not in quadrants(roi)


def test_a_hidden_driver_unsure_of_its_quadrant_says_so(contract):
    drivers = contract.tables["drivers"].copy()
    hidden = drivers.index[drivers["quadrant"] == "hidden_driver"]
    drivers.loc[hidden[0], "p_quadrant"] = 0.6
    drivers.loc[hidden[0], "direction"] = 1
    uncertainty = dict(contract.summary.get("uncertainty") or {}, level=0.9)
    summary = dict(contract.summary, uncertainty=uncertainty)
    tables = dict(contract.tables, drivers=drivers)
    html = em.Report({"tables": tables, "summary": summary}).html()
    easy = sections(html)["summary"].split("Hidden drivers")[1].split("</li>")[0]
    assert "(a hidden driver in 60% of resamples)" in easy


def test_hidden_drivers_are_easy_wins_only_where_the_evidence_holds(contract):
    """The summary called hidden drivers "the easiest wins to miss" as fact
    in a run whose ranking was flagged unstable and none of whose one-point
    gains was beyond noise; it hedges then, and keeps the words otherwise."""
    drivers = contract.tables["drivers"].copy()
    hidden = drivers.index[drivers["quadrant"] == "hidden_driver"]
    drivers.loc[hidden, "direction"] = 1
    facets = set(drivers.loc[hidden, "facet"])
    roi = contract.tables["roi"].copy()

    def bullet(beyond, low):
        uncertainty = dict(contract.summary.get("uncertainty") or {})
        uncertainty["stability"] = dict(uncertainty.get("stability") or {}, low=low)
        summary = dict(contract.summary, uncertainty=uncertainty)
        tables = dict(
            contract.tables,
            drivers=drivers,
            roi=roi.assign(beyond_noise=roi["facet"].isin(facets) & beyond),
        )
        html = em.Report({"tables": tables, "summary": summary}).html()
        text = sections(html)["summary"].split("Hidden drivers")[1]
        return " ".join(text.split("</li>")[0].split())

    assert "These are the easiest wins to miss." in bullet(True, False)
    weak = bullet(False, False)
    assert "easiest wins" not in weak
    assert "beyond sampling noise: test before acting" in weak
    unstable = bullet(True, True)
    assert "easiest wins" not in unstable
    assert "the ranking is unstable: test before acting" in unstable


def test_an_unstable_ranking_s_leaders_are_not_said_as_a_finding(contract):
    """The summary's first sentence named the top three as the touchpoints
    that move the outcome most, with no hedge, in a run whose ranking was
    flagged unstable (rank intervals 1 to 73); it says so now, with each
    one's rank interval, and keeps its words for a stable ranking."""
    drivers = contract.tables["drivers"]

    def first(low):
        uncertainty = dict(contract.summary["uncertainty"])
        uncertainty["stability"] = dict(uncertainty["stability"], low=low)
        summary = dict(contract.summary, uncertainty=uncertainty)
        html = em.Report({"tables": contract.tables, "summary": summary}).html()
        text = sections(html)["summary"].split('class="findings"')[1]
        return " ".join(text.split("</li>")[0].split())

    top = drivers.iloc[0]
    ranks = f"{top['label']} (ranks {top['rank_low']:.0f} to {top['rank_high']:.0f})"
    unstable = first(True)
    assert "The touchpoints that lead on “connected”, in a ranking too unstable" in (
        unstable
    )
    assert "move “connected” most" not in unstable and ranks in unstable
    stable = first(False)
    assert "move “connected” most" in stable
    assert "unstable" not in stable and ranks not in stable


def test_weighted_tiers_name_their_count_and_share(small_result):
    """The tiers table gave n unweighted beside weighted shares under plain
    "n" and "share"; with weights its headings say which is which, and the
    weighted n that goes with the share is shown."""
    part = sections(em.Report(small_result).html())["motivators"]
    table = part.split("<h3>Connection tiers</h3>")[1].split("</table>")[0]
    head = table.split("</thead>")[0]
    for heading in ("weighted n", "weighted share"):
        assert f'class="n">{heading}</th>' in head
    tiers = small_result.tables["tiers"].iloc[0]
    first = table.split("</thead>")[1].split("</tr>")[0]
    assert f'<td class="n">{tiers["weighted_n"]:,.0f}</td>' in first
    n = small_result.tables["tiers"]["n"].sum()
    assert f"the weights scaled to the {n:,} respondents with a tier" in table


@pytest.mark.charts
def test_no_layout_warning_reaches_the_user(contract):
    import warnings

    tables = dict(contract.tables)
    tables["drivers"] = tables["drivers"].assign(label="a very long label " * 30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        em.Report({"tables": tables, "summary": contract.summary}).html()


@pytest.fixture(scope="module")
def comparison():
    """A made-up comparison of 30 facets: two moved beyond noise."""
    from emomotiv.results import WaveComparison

    n = 30
    before = np.linspace(0.08, 0.01, n)
    change = np.r_[0.03, -0.02, np.linspace(0.004, -0.004, n - 2)]
    changes = pd.DataFrame(
        {
            "facet": [f"f{i}" for i in range(n)],
            "label": [f"Touchpoint {i}" for i in range(n)],
            "importance_before": before,
            "importance_after": before + change,
            "change": change,
            "change_low": change - 0.01,
            "change_high": change + 0.01,
            "rank_before": range(1, n + 1),
            "rank_after": range(1, n + 1),
            "rank_change": 0,
            "flagged": [True, True] + [False] * (n - 2),
            "p_adjusted": [0.001, 0.02] + [1.0] * (n - 2),
        }
    )
    kpi = {"before": 0.25, "after": 0.27, "change": 0.02, "change_low": -0.01}
    summary = {
        "waves": {"before": "2026Q2", "after": "2026Q3"},
        "n_flagged": 2,
        "rule": "Flagged when beyond noise after Holm's correction.",
        "kpis": {"connected_share": kpi | {"change_high": 0.05, "beyond_noise": False}},
        "stages": None,  # no stage table
    }
    return WaveComparison(changes, summary)


def test_compare_report_shows_what_moved_with_intervals_and_flags(comparison):
    html = em.ComparisonReport(comparison).html()
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html.lower()
    parts = sections(html)
    assert list(parts) == ["summary", "changes", "kpis"]
    changes = comparison.changes
    flagged = changes.loc[changes["flagged"].astype(bool)]
    assert f"<strong>{len(flagged)}</strong> touchpoint" in parts["summary"]
    for _, row in flagged.iterrows():
        assert escape(row["label"]) in parts["changes"]
    assert "p (Holm)" in parts["changes"] and " to " in parts["changes"]
    assert "<svg" in parts["summary"]
    assert "Touchpoint 0</strong> rose" in parts["summary"]
    assert "Touchpoint 1</strong> fell" in parts["summary"]
    assert "20 of 30 touchpoints shown" in parts["changes"]
    assert "+3.0 pts" in parts["changes"]
    assert "+2.0 pts to +4.0 pts" in parts["changes"]
    waves = comparison.summary["waves"]
    assert f"From {waves['before']} to {waves['after']}" in html
    # the p-value's column is named by the correction the flags used
    for correction, name in (("fdr_bh", "Benjamini-Hochberg"), ("none", "unadjusted")):
        other = type(comparison)(
            comparison.changes, comparison.summary | {"correction": correction}
        )
        table = sections(em.ComparisonReport(other).html())["changes"]
        assert f"p ({name})" in table and "p (Holm)" not in table


def test_compare_report_colours_only_the_changes_beyond_noise(comparison):
    """A fall within noise (flagged no) was red in the comparison's table, as
    a flagged one: red means a fall beyond noise throughout the report."""
    table = sections(em.ComparisonReport(comparison).html())["changes"]
    rows = re.findall(r"<tr[^>]*>.*?</tr>", table, re.S)
    coloured = [r for r in rows if 'class="n pos"' in r or 'class="n neg"' in r]
    flagged = [r for r in rows if '<td class="c">yes</td>' in r]
    assert coloured and coloured == flagged
    falls = [r for r in rows if "−" in r and '<td class="c">no</td>' in r]
    assert falls and not [r for r in falls if 'class="n neg"' in r]


def _stage_changes() -> pd.DataFrame:
    """A stage-changes table: one stage flagged, one regrouped, one new."""
    return pd.DataFrame(
        {
            "stage": ["Invest", "Discover", "Grow"],
            "importance_before": [0.30, 0.40, np.nan],
            "importance_after": [0.42, 0.38, 0.2],
            "change": [0.12, -0.02, np.nan],
            "change_low": [0.05, -0.09, np.nan],
            "change_high": [0.19, 0.05, np.nan],
            "flagged": [True, False, False],
            "n_facets_before": pd.array([3, 4, pd.NA], dtype="Int64"),
            "n_facets_after": pd.array([3, 5, 2], dtype="Int64"),
            "regrouped": [False, True, False],
            "status": ["both", "both", "added"],
            "se_change": [0.03, 0.03, np.nan],
            "p_value": [0.001, 0.5, np.nan],
            "p_adjusted": [0.002, 0.5, np.nan],
        }
    )


def test_compare_report_shows_the_stages_changes(comparison, contract):
    """A small table of the journey stages after the touchpoints', in the
    compare report and in an analysis's changes section alike: each stage's
    shares, change and interval, those beyond noise marked, a regrouped
    stage named as such."""
    stages = _stage_changes()
    summary = comparison.summary | {"alpha": 0.05, "correction": "holm"}
    with_stages = replace(comparison, summary=summary, stages=stages)
    compare_parts = sections(em.ComparisonReport(with_stages).html())
    compare_part = compare_parts["changes"]
    # the headline names the stages that moved, and says shares are relative
    lead = " ".join(compare_parts["summary"].split())
    moved = "1 journey stage moved beyond noise: <strong>Invest</strong> +12.0 pts"
    assert moved in lead
    assert "Shares of importance sum to 100% in each wave" in lead
    tables = dict(contract.tables) | {
        "changes": comparison.changes,
        "stage_changes": stages,
    }
    report = {"tables": tables, "summary": contract.summary | {"tracking": summary}}
    analysis_part = sections(em.Report(report).html())["changes"]
    for part in (compare_part, analysis_part):
        table = part.split("Change by journey stage")[1]
        rows = table.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")
        assert 'class="selected"' in rows[0] and "Invest" in rows[0]
        assert "+12.0 pts" in rows[0] and "+5.0 pts to +19.0 pts" in rows[0]
        assert ">yes<" in rows[0] and ">no<" in rows[1]
        assert 'Discover <span class="note">(regrouped)</span>' in rows[1]
        assert 'Grow <span class="note">(new)</span>' in rows[2]
        assert "not compared" in rows[2]
        assert "95% interval" in table
        assert "Regrouped: Discover. Its touchpoints differ between the waves" in table
        assert "with Holm&#39;s correction over the 2 stages compared" in table
        assert "a stage's share falls when another's rises" in table
    # without a stage table (none to compare), nothing of stages
    plain = sections(em.ComparisonReport(comparison).html())["changes"]
    assert "journey stage" not in plain
    # a comparison saved before stages were compared says so
    old = {k: v for k, v in comparison.summary.items() if k != "stages"}
    part = sections(em.ComparisonReport(replace(comparison, summary=old)).html())
    assert "did not compare journey stages: run emomotiv compare again" in " ".join(
        part["changes"].split()
    )


def test_compare_report_prints_an_amount_and_its_interval_alike(comparison):
    from emomotiv.results import WaveComparison

    kpi = {"before": 1210.4, "after": 1305.9, "change": 12.5}
    kpi |= {"change_low": 0.793, "change_high": 41.04, "beyond_noise": True}
    summary = {**comparison.summary, "kpis": {"value_per_connected": kpi}}
    html = em.ComparisonReport(WaveComparison(comparison.changes, summary)).html()
    row = sections(html)["kpis"].split("<tbody>")[1]
    cells = [">1,210<", ">1,306<", ">+12.5<", ">+0.8 to +41.0<"]
    assert all(cell in row for cell in cells), row
    assert '<th scope="row">Value per connected customer</th>' in row


def test_the_analysis_report_prints_an_amount_change_and_its_interval_alike(
    contract,
):
    """As the compare report: "+12.5 (+0.8 to +41.0)", not "12.5 (0.793 to 41)"."""
    kpi = {"before": 1210.4, "after": 1305.9, "change": 12.5}
    kpi |= {"change_low": 0.793, "change_high": 41.04}
    tracking = dict(contract.summary["tracking"], kpis={"value_per_connected": kpi})
    summary = dict(contract.summary, tracking=tracking)
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    row = sections(html)["changes"].split("Headline measures")[1]
    cells = [">1,210<", ">1,306<", ">+12.5<", ">+0.8 to +41.0<"]
    assert all(cell in row for cell in cells), row


def test_the_change_table_says_how_many_flagged_touchpoints_it_leaves_out(contract):
    tables = dict(contract.tables)
    tables["changes"] = tables["changes"].assign(flagged=True)
    n = len(tables["changes"])
    report = em.Report({"tables": tables, "summary": contract.summary}, top=5)
    part = " ".join(sections(report.html())["changes"].split())
    assert (
        f"5 of the {n} touchpoints that changed beyond noise shown, the largest "
        "changes first; every touchpoint is in <code>changes.csv</code>."
    ) in part
    part = sections(em.Report(contract).html())["changes"]
    assert "changed beyond noise shown" not in part


def test_a_headline_measure_not_tested_says_so_as_in_the_compare_report(contract):
    """A blank "Beyond noise" cell reads as missing data; the compare report
    says "not tested", and so does the analysis report."""
    part = sections(em.Report(contract).html())["changes"]
    rows = part.split("Headline measures")[1].split("</tbody>")[0].split("<tr>")
    multiplier = next(r for r in rows if "Value multiplier" in r)
    assert '<td class="c">not tested</td>' in multiplier
    share = next(r for r in rows if "Connected share" in r)
    assert '<td class="c">no</td>' in share


def test_a_change_in_an_amount_or_a_number_carries_its_sign(comparison, contract):
    """A rise reads "+14.1" as a share's reads "+0.9 pts", in both reports."""
    from emomotiv.results import WaveComparison

    kpis = {
        "value_per_connected": {"before": 2990.3, "after": 3004.3, "change": 14.06},
        "value_multiplier": {"before": 2.3, "after": 2.1, "change": -0.2},
    }
    kpis["value_multiplier"] |= {"change_low": -0.45, "change_high": 0.05}
    summary = {**comparison.summary, "kpis": kpis}
    html = em.ComparisonReport(WaveComparison(comparison.changes, summary)).html()
    row = sections(html)["kpis"].split("<tbody>")[1]
    assert ">+14.1<" in row and ">−0.20<" in row and ">−0.45 to +0.05<" in row
    tracking = dict(contract.summary["tracking"], kpis=kpis)
    summary = dict(contract.summary, tracking=tracking)
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    row = sections(html)["changes"].split("Headline measures")[1]
    assert ">+14.1<" in row and ">−0.20<" in row and ">−0.45 to +0.05<" in row


def test_reports_say_when_no_touchpoint_moved(comparison, contract):
    from emomotiv.results import WaveComparison

    changes = comparison.changes.assign(flagged=False)
    summary = {**comparison.summary, "n_flagged": 0}
    html = em.ComparisonReport(WaveComparison(changes, summary)).html()
    lead = sections(html)["summary"]
    assert "No touchpoint changed importance beyond sampling noise." in lead
    assert "<strong>0</strong>" not in lead
    tables = dict(contract.tables)
    tables["changes"] = tables["changes"].assign(flagged=False)
    html = em.Report({"tables": tables, "summary": contract.summary}).html()
    part = sections(html)["changes"]
    assert "No touchpoint changed importance beyond sampling noise" in part
    assert "<strong>0</strong>" not in part and "(in colour below)" not in part


def test_compare_report_leads_with_the_connected_share_and_its_noise(comparison):
    """What moved names the headline share's move beside the touchpoints',
    beyond noise or not, as the analysis report's summary card does."""
    from emomotiv.results import WaveComparison

    lead = sections(em.ComparisonReport(comparison).html())["summary"]
    assert (
        "The connected share went from <strong>25.0%</strong> in 2026Q2 to "
        "<strong>27.0%</strong> in 2026Q3 (+2.0 pts, within sampling noise)."
    ) in lead
    share = {"before": 0.305, "after": 0.244, "change": -0.061, "beyond_noise": True}
    summary = {**comparison.summary, "kpis": {"connected_share": share}}
    html = em.ComparisonReport(WaveComparison(comparison.changes, summary)).html()
    assert "(−6.1 pts, beyond sampling noise)" in sections(html)["summary"]


def test_compare_report_speaks_of_other_measures_only_where_there_are(comparison):
    from emomotiv.results import WaveComparison

    html = em.ComparisonReport(comparison).html()
    assert list(comparison.summary["kpis"]) == ["connected_share"]
    note = sections(html)["kpis"].split('<p class="note">')[1]
    assert "other measures" not in note
    assert "The connected share's change is tested against sampling noise" in note
    kpis = dict(comparison.summary["kpis"], value_multiplier={"before": 2.0})
    summary = {**comparison.summary, "kpis": kpis}
    html = em.ComparisonReport(WaveComparison(comparison.changes, summary)).html()
    assert "the other measures' changes are not tested" in sections(html)["kpis"]


def test_compare_report_escapes_user_text(comparison):
    from emomotiv.results import WaveComparison

    changes = comparison.changes.copy()
    changes.loc[changes.index[0], "label"] = "<script>alert(1)</script>"
    html = em.ComparisonReport(WaveComparison(changes, comparison.summary)).html()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_save_comparison_writes_the_report(comparison, tmp_path):
    out = em.save_comparison(comparison, tmp_path / "cmp")
    written = (out / "report.html").read_text()
    assert written.startswith("<!DOCTYPE html>")
    # `emomotiv report` re-renders a comparison folder as a comparison
    from emomotiv.cli import main

    assert main(["report", str(out), "--title", "Since Q2"]) == 0
    again = (out / "report.html").read_text()
    assert "Since Q2" in again
    waves = comparison.summary["waves"]  # the default names the two waves
    title = f"What moved from {waves['before']} to {waves['after']}"
    assert again.replace("Since Q2", title) == written


@pytest.mark.charts
def test_compare_report_in_headless_chromium(browser, comparison, tmp_path):
    from emomotiv.results import WaveComparison

    ARTIFACTS.mkdir(exist_ok=True)
    page = em.ComparisonReport(comparison).write_html(
        ARTIFACTS / "compare.html", force=True
    )
    dom, console = chromium(browser, page, tmp_path / "dom", "--dump-dom")
    assert console == []
    for key in ("summary", "changes", "kpis"):
        assert f'id="{key}"' in dom
    assert "What moved" in dom and "<svg" in dom
    # labels as long as real ones, in a table of nine columns
    long = comparison.changes.assign(
        label=[f"Guidance on the first trade, step {i}" for i in range(30)]
    )
    html = em.ComparisonReport(WaveComparison(long, comparison.summary)).html()
    for width, printed in ((1280, False), (718, True)):  # on screen, on A4
        assert overflowing(browser, html, width, printed, tmp_path) == []


def test_header_counts_read_with_thousands_separators(contract):
    summary = {**contract.summary, "data": {**contract.summary["data"]}}
    summary["data"]["n_respondents"] = 12345
    header = em.Report(replace(contract, summary=summary)).html().split("</header>")[0]
    assert "12,345 respondents" in header
    assert f"{contract.summary['data']['n_facets']} touchpoints" in header


def test_the_stability_card_reads_as_a_sentence(small_result):
    summary = sections(em.Report(small_result).html())["summary"]
    k = small_result.summary["uncertainty"]["top_k"]
    assert f"ranking stability: how much of their top {k} two resamples share" in (
        summary
    )


def _row(part: str, label: str) -> str:
    """The table row of a touchpoint in a section's HTML."""
    return part.split(f'<th scope="row" class="name">{label}')[1].split("</tr>")[0]


def test_reports_rendered_one_after_another_keep_their_own_currency(contract):
    """The templates are compiled once per process: what differs between
    reports (the currency) is read from each render, never kept from one."""
    euro = em.Report(contract, currency="€").html()
    plain = em.Report(contract).html()
    assert "€" in euro and "€" not in plain
    assert em.Report(contract, currency="€").html() == euro


def test_a_predicted_fall_under_the_warmth_control_is_said_to_need_confirming(
    small_result,
):
    """On data in which warmth moves nothing, holding the warmth score fixed
    read touchpoints with no effect as lowering the outcome beyond noise
    (two on one of four simulated surveys; a trial user's own surveys, more):
    the report said ▼ "lowers" with no word of the control."""
    said = "With general warmth held fixed, a touchpoint with no effect of its own"
    roi = small_result.tables["roi"].copy()  # one touchpoint predicted to lower it
    gain = ["delta_connected", "delta_connected_low", "delta_connected_high"]
    roi.loc[roi.index[0], [*gain, "beyond_noise"]] = (-0.02, -0.03, -0.01, True)
    tables = {**small_result.tables, "roi": roi}
    html = em.Report({"tables": tables, "summary": small_result.summary}).html()
    part = " ".join(sections(html)["drivers"].split())
    assert "halo" in set(small_result.tables["controls"]["kind"])
    assert said in part and "confirm a predicted fall before acting on it" in part
    # no warmth control, no such caveat
    tables["controls"] = tables["controls"][tables["controls"]["kind"] != "halo"]
    html = em.Report({"tables": tables, "summary": small_result.summary}).html()
    assert said not in " ".join(sections(html)["drivers"].split())


def test_a_touchpoint_is_marked_as_lowering_only_when_its_gain_is_clearly_negative(
    contract,
):
    """The sign of SHAP alone is noise for a facet that moves nothing; with the
    ROI intervals the mark follows the one-point gain."""
    tables = dict(contract.tables)
    drivers = tables["drivers"].copy()
    roi = tables["roi"].drop(columns=["p_value", "beyond_noise"])  # saved before
    first, second = drivers["facet"].iloc[:2]
    drivers["direction"] = 1
    drivers.loc[drivers["facet"] == first, "direction"] = -1  # gain unclear
    roi["delta_connected_low"], roi["delta_connected_high"] = -0.01, 0.01
    gain = ["delta_connected", "delta_connected_low", "delta_connected_high"]
    roi.loc[roi["facet"] == second, gain] = (-0.015, -0.02, -0.01)
    tables |= {"drivers": drivers, "roi": roi}
    html = em.Report({"tables": tables, "summary": contract.summary}).html()
    part = sections(html)["drivers"]
    label = drivers.set_index("facet")["label"]
    rows = {f: _row(part, label[f]) for f in (first, second)}
    assert "▼" not in rows[first] and "▼" in rows[second]
    assert "the interval of its simulated gain lies below zero" in part
    assert "ties. Red bars, ▼ after the name, are touchpoints whose" in " ".join(
        part.split()
    )
    # with the flags of the correction for reading every touchpoint at once,
    # an interval below zero is not enough: the gain must be beyond noise
    third = drivers["facet"].iloc[2]
    roi.loc[roi["facet"] == third, "delta_connected"] = -0.03
    roi["beyond_noise"] = roi["facet"] == third
    tables["roi"] = roi
    html = em.Report({"tables": tables, "summary": contract.summary}).html()
    part = sections(html)["drivers"]
    rows = {f: _row(part, label[f]) for f in (first, second, third)}
    assert "▼" in rows[third] and "▼" not in rows[second] + rows[first]
    assert "its simulated gain is below zero beyond noise" in part
    roi = roi.drop(columns="beyond_noise")
    # without intervals, the SHAP direction as before
    roi[["delta_connected_low", "delta_connected_high"]] = np.nan
    tables["roi"] = roi
    html = em.Report({"tables": tables, "summary": contract.summary}).html()
    part = sections(html)["drivers"]
    rows = {f: _row(part, label[f]) for f in (first, second)}
    assert "▼" in rows[first] and "▼" not in rows[second]
    assert "where higher ratings go with <em>lower</em>" in part
    # no bar drawn red, no word of red bars (every report explained them)
    tables["drivers"] = drivers.assign(direction=1)
    html = em.Report({"tables": tables, "summary": contract.summary}).html()
    assert "Red bars" not in sections(html)["drivers"]


def test_compare_report_names_settings_touchpoints_and_the_share_compared(
    comparison,
):
    from emomotiv.results import WaveComparison

    dropped = comparison.changes.iloc[[0]].assign(
        facet="old_chat", label="Chat", status="dropped", change=np.nan
    )
    added = dropped.assign(facet="live_chat", status="added")
    changes = pd.concat(
        [comparison.changes.assign(status="both"), dropped, added], ignore_index=True
    )
    summary = {
        **comparison.summary,
        "n_facets": 30,
        "added": ["live_chat"],
        "dropped": ["old_chat"],
        "rescaled": True,
        "estimate": "full-data fit",
        "differences": [
            {"setting": "outcome column", "before": "connected", "after": "churned"},
            {"setting": "weighted", "before": True, "after": False},
        ],
        "kpis": {
            **comparison.summary["kpis"],
            "attrition.odds_ratio": {"before": 0.4, "after": 0.8, "change": 0.4},
        },
    }
    html = em.ComparisonReport(WaveComparison(changes, summary)).html()
    header = html.split("</header>")[0]
    assert "30 touchpoints compared" in header
    assert "The two waves measure different outcomes" in header
    assert "compare different questions" in header
    assert "Weighted: yes in 2026Q2, no in 2026Q3" in header
    parts = sections(html)
    assert "Asked in 2026Q3 only: Chat." in parts["summary"]
    assert "No longer asked in 2026Q3 (asked in 2026Q2): Chat." in parts["summary"]
    assert "&#39;Chat&#39; may be one touchpoint renamed" in parts["summary"]
    assert "full-data fit" in parts["summary"]
    assert "rescaled to sum to 100% over the 30 touchpoints" in parts["summary"]
    assert "Rank before" in parts["changes"] and "Rank after" in parts["changes"]
    assert "Rank now" not in html and "live_chat" not in parts["changes"]
    odds = parts["kpis"].split("Attrition · odds ratio")[1].split("</tr>")[0]
    assert "not tested" in odds
    # without rescaling or the full-data fit, nothing is said of either
    plain = {**summary, "rescaled": False, "estimate": "reported share"}
    html = em.ComparisonReport(WaveComparison(changes, plain)).html()
    assert "rescaled" not in html and "full-data" not in html


def test_a_survey_of_three_touchpoints_or_fewer_has_no_top_three_share():
    """With one to three touchpoints "the top three" carry all of their
    importance by definition: the summary does not speak of a top three."""
    s = em.make_survey(n_respondents=120, n_facets=4, n_stages=1, random_state=0)
    result = em.analyze(
        s.survey,
        s.catalog.head(2),
        connection="connected",
        model=em.DriverModel(n_estimators=20, cv=0),
        n_boot=0,
        methods=False,
        progress=False,
    )
    text = " ".join(sections(em.Report(result).html())["summary"].split())
    assert "most are" in text and "top three" not in text


def test_the_top_three_share_is_a_share_of_the_touchpoints_importance(
    contract, contract_html
):
    """drivers.csv shares sum to 1 over the touchpoints alone; with general
    warmth holding part of the model's importance (controls.csv), the top
    three's sum is a share of the touchpoints' importance, not of "the
    model's explanation" (of which it is less)."""
    assert contract.summary["halo"]["control_share"] > 0
    text = " ".join(sections(contract_html)["summary"].split())
    top3 = contract.drivers["importance"].head(3).sum()
    assert (
        f"together the top three carry {100 * top3:.0f}% of the touchpoints' "
        "importance" in text
    ), text
    assert "model's explanation" not in text
    drivers = " ".join(sections(contract_html)["drivers"].split())
    assert "a touchpoint's share of the touchpoints' derived importance" in drivers


def test_the_multiplier_card_names_whom_it_compares_with(contract_html):
    """The value multiplier is fully connected over highly satisfied
    customers: its card says so, not "value of a connected customer" alone
    (2x of whom?)."""
    cards = sections(contract_html)["summary"].split('class="findings"')[0]
    assert "value of a connected customer over a highly satisfied one" in " ".join(
        cards.split()
    )


def test_an_adjusted_p_value_below_a_thousandth_is_not_shown_as_zero(
    contract, comparison
):
    from emomotiv.results import WaveComparison

    seg = contract.tables["segment_drivers"].copy()
    seg["p_differ_adj"] = np.where(seg["facet"] == seg["facet"].iloc[0], 2e-5, 0.5)
    tables = {**contract.tables, "segment_drivers": seg}
    html = em.Report({"tables": tables, "summary": contract.summary}).html()
    assert ">&lt;0.001<" in html and ">0.000<" not in html
    changes = comparison.changes.assign(p_adjusted=[3e-6, 0.02] + [1.0] * 28)
    html = em.ComparisonReport(WaveComparison(changes, comparison.summary)).html()
    assert ">&lt;0.001<" in html and ">0.000<" not in html


def test_the_compare_report_names_the_level_of_the_change_interval(comparison):
    """The change's interval is read at 1 - alpha (95%), not at the waves'
    90%: the table says which."""
    from emomotiv.results import WaveComparison

    summary = comparison.summary | {"alpha": 0.05}
    html = em.ComparisonReport(WaveComparison(comparison.changes, summary)).html()
    assert '<th scope="col" class="n">95% interval</th>' in sections(html)["changes"]


def test_the_analysis_report_names_the_level_of_the_change_interval(contract):
    """The same in the analysis report's change section (analyze --wave)."""
    tracking = dict(contract.summary["tracking"], alpha=0.05)
    summary = dict(contract.summary, tracking=tracking)
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    assert '<th scope="col" class="n">95% interval</th>' in sections(html)["changes"]


def test_a_plan_that_costs_nothing_says_so_rather_than_n_a(contract):
    """A budget below every priced improvement funds only the free ones: the
    plan spends 0 and has no return ratio (summary roi None). The report says
    it costs nothing, not "n/a its cost of 0" or "a net return of n/a"; a
    free touchpoint's return in the ROI table reads "free"."""
    summary = dict(contract.summary)
    summary["plan"] = dict(summary["plan"], spent=0.0, roi=None)
    roi = contract.tables["roi"].copy()
    roi.loc[0, ["cost", "roi"]] = [0.0, np.nan]
    tables = {**contract.tables, "roi": roi}
    html = em.Report({"tables": tables, "summary": summary}).html()
    text = " ".join(html.split())
    assert "n/a its cost" not in text and "n/a the spend" not in text
    assert "net return of n/a" not in text
    assert text.count("at no cost") >= 2, text
    table = sections(html)["roi"].split("Net return")[1]
    row = table.split("<tbody>")[1].split("</tr>")[0]
    assert ">free<" in row and "n/a" not in row


def _priced_plan_run(small, tmp_path, population: str, budget: str):
    """``emomotiv analyze`` of the small survey with a value, a population and
    a budget; the console's output, the plan's summary and the report text."""
    from emomotiv.cli import main

    small.survey.to_csv(tmp_path / "survey.csv", index=False)
    small.catalog.to_csv(tmp_path / "facets.csv", index=False)
    args = ["analyze", str(tmp_path / "survey.csv"), "--catalog"]
    args += [str(tmp_path / "facets.csv"), "--connection", "connected"]
    args += ["--value", "value", "--population", population, "--budget", budget]
    args += ["--n-boot", "3", "--out", str(tmp_path / "out")]
    assert main(args) == 0
    plan = em.load_analysis(tmp_path / "out").summary["plan"]
    text = " ".join((tmp_path / "out" / "report.html").read_text().split())
    return plan, text


def test_a_budget_nothing_fits_is_said_so_not_as_a_plan(small, tmp_path, capsys):
    """Every improvement costs more than the budget: no plan is proposed, the
    report and the console say nothing fits and what the cheapest costs, with
    no empty "Improve  for 0" sentence, plan figure or interval of zeros."""
    plan, text = _priced_plan_run(small, tmp_path, "100000", "1")
    out = capsys.readouterr().out
    assert plan["n_selected"] == 0 and plan["combined_delta_connected_low"] is None
    cheapest = plan["cheapest_worth"]
    assert cheapest >= small.catalog["cost"].min()
    fits = "no touchpoint worth funding fits the budget (the cheapest costs"
    assert f"Plan within 1: nothing funded: {fits} {cheapest:,.0f})" in out
    fits = "No touchpoint worth funding fits the budget of 1: the cheapest costs"
    assert text.count(f"{fits} {em.report._money(cheapest)}") == 2
    assert "Improve <strong></strong>" not in text
    assert "expected value of the plan" not in text


def test_a_plan_with_nothing_worth_its_cost_does_not_ask_for_more_budget(
    small, tmp_path, capsys
):
    """A budget every cost fits, on a customer base so small that no
    touchpoint returns its cost: the console and the report say nothing is
    worth funding, not that nothing fits the budget (raising it cannot help)."""
    plan, text = _priced_plan_run(small, tmp_path, "10", "1e9")
    out = capsys.readouterr().out
    assert plan["n_selected"] == 0 and plan["cheapest_worth"] is None
    assert (
        "nothing funded: no touchpoint's improvement returns more value through "
        "connection than it costs" in out
    )
    assert "fits the budget" not in out
    said = (
        "no touchpoint's improvement is expected to return more value through "
        "connection than it costs"
    )
    assert text.count(said) == 2
    assert "fits the budget" not in text and "Raise the budget" not in text


def test_a_plan_without_an_interval_shows_none_rather_than_n_a(contract):
    """Without a bootstrap (n_boot=0) the plan's combined gain has no
    interval: the summary and the plan say the gain alone, not "(n/a)"."""
    plan = dict(contract.summary["plan"])
    plan |= {"combined_delta_connected_low": None}
    plan |= {"combined_delta_connected_high": None}
    summary = dict(contract.summary, plan=plan)
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    for part in ("summary", "roi"):
        assert "(n/a)" not in " ".join(sections(html)[part].split())


def test_without_a_bootstrap_a_share_beyond_100_percent_is_explained_too(contract):
    """With n_boot=0 there is no noise test, so every share through
    connection is shown (value_drivers.py): one above 100% gets the same
    explanation as with a bootstrap, and the note says the shares cannot be
    told from noise."""
    table = contract.tables["value_drivers"].head(2).copy()
    table["delta_mean_value"] = [40.0, 10.0]
    table[["delta_mean_value_low", "delta_mean_value_high", "p_value"]] = np.nan
    table["beyond_noise"] = pd.array([pd.NA, pd.NA], dtype="boolean")
    table["share_via_connection"] = [2.81, 0.5]
    table["delta_mean_value_via_connection"] = table["delta_mean_value"] * [2.81, 0.5]
    html = em.Report(
        replace(contract, tables={**contract.tables, "value_drivers": table})
    ).html()
    part = " ".join(value_drivers_part(html).split())
    assert ">281%</td>" in part
    assert "A share above 100% (or below 0%)" in part
    assert "without a bootstrap" in part


def _contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""

    def luminance(colour: str) -> float:
        rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_colours_meet_wcag_aa_contrast(full_result):
    """Every text colour of the stylesheet reads at 4.5:1 or more on the
    backgrounds it is set on (axe-core found the negatives' red at 4.35 and
    grey notes on the segments' shaded cells at 2.5); a note in a shaded
    cell takes the text's colour."""
    html = em.Report(full_result).html()
    colours = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", html))
    for text in ("ink", "muted", "red", "accent"):
        for ground in ("#ffffff", colours["accent-soft"]):
            assert _contrast(colours[text], ground) >= 4.5, (text, ground)
    alphas = [float(a) for a in re.findall(r"rgba\(31, 111, 139, ([0-9.]+)\)", html)]
    darkest = "#" + "".join(
        f"{round(255 - max(alphas) * (255 - c)):02x}" for c in (31, 111, 139)
    )
    assert _contrast(colours["ink"], darkest) >= 4.5
    assert "td.heat .note { color: inherit; }" in html and 'class="n heat"' in html
    # a wide table scrolls in a box of its own, and stays a table to a reader
    assert html.count('<div class="scroll" tabindex="0"><table') == html.count("<table")
    assert not re.search(r"\btable\s*\{[^}]*display", html)


def _text_of(html: str) -> str:
    """The page's words: no styles, charts, tags or attributes."""
    html = re.sub(r"<(style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_every_table_is_named_and_its_headers_scoped(contract_html, comparison):
    """A screen reader names each table by its caption and reads each cell
    with its column's and its row's header."""
    for html in (contract_html, em.ComparisonReport(comparison).html()):
        tables = re.findall(r"<table\b.*?</table>", html, flags=re.S)
        assert tables
        for table in tables:
            assert re.search(r"<table[^>]*>\s*<caption>[^<]{15,}</caption>", table)
            head = table.split("</thead>")[0]
            assert len(re.findall(r"<th[ >]", head)) == head.count('<th scope="col"')
            rows = re.findall(r"<tr\b.*?</tr>", table.split("<tbody>")[1], re.S)
            for row in rows:
                if "colspan" not in row:
                    assert row.count('<th scope="row"') == 1, row


def test_negative_numbers_carry_a_true_minus_and_intervals_read_alike(
    contract, contract_html, comparison
):
    """A fall prints U+2212 (a hyphen reads as a dash, to the eye and to a
    screen reader), and every interval reads "low to high": an en dash
    between two signed numbers read "−7.9 – −2.1"."""
    compare_html = em.ComparisonReport(comparison).html()
    for html in (contract_html, compare_html):
        text = _text_of(html)
        assert "\u2212" in text
        assert not re.search(r"(?<![\w.,])-\d", text), re.findall(
            r".{30}(?<![\w.,])-\d.{10}", text
        )
        assert not re.search(r"\d[%×]? ?[–—] ?[\u2212+]?\d", text), re.findall(
            r".{20}\d[%×]? ?[–—] ?[\u2212+]?\d.{10}", text
        )
    text = _text_of(contract_html)
    # a rank interval, a share's and a multiple's, all alike
    assert re.search(r"\(\d+ to \d+\)", text)
    assert re.search(r"\d\.\d% to \d+\.\d%", text)
    assert re.search(r"interval \d\.\d× to \d\.\d×", text)


def test_notes_keep_the_capitals_of_the_names_they_carry(contract):
    """A note from the analysis is put in sentence case without lowering the
    rest of it (Jinja's capitalize printed "segment vip" and "auc")."""
    summary = dict(contract.summary)
    summary["segments"] = dict(summary.get("segments") or {})
    summary["segments"]["note"] = "segments VIP and Retail NW were merged"
    summary["measures"] = dict(summary["measures"], note="tiers use the AUC rule")
    text = _text_of(em.Report({"tables": contract.tables, "summary": summary}).html())
    assert "Segments VIP and Retail NW were merged." in text
    assert "Tiers use the AUC rule." in text


def test_a_bidi_override_in_a_name_does_not_turn_the_page_around(contract):
    """An override left open in a segment's or a touchpoint's name (U+202E)
    printed the rest of its paragraph backwards; names keep their letters,
    right-to-left names their own direction."""
    rlo = "\u202e"
    drivers = contract.tables["drivers"].copy()
    drivers.loc[drivers.index[0], "label"] = f"Welcome{rlo} note"
    drivers.loc[drivers.index[1], "label"] = "خدمة العملاء"
    summary = dict(contract.summary)
    summary["segments"] = {
        "note": f"segment VIP{rlo} is small",
        "segments": {f"Tiny{rlo}": {"n": 30, "ranked": False, "note": "too small"}},
    }
    html = em.Report(
        {"tables": {**contract.tables, "drivers": drivers}, "summary": summary}
    ).html()
    assert rlo not in html
    assert "Welcome note" in html and "خدمة العملاء" in html
    assert "Segment VIP is small." in _text_of(html)
    assert "unicode-bidi: isolate" in html


@pytest.mark.charts
def test_a_label_whose_glyph_the_chart_font_lacks_warns_no_one(contract):
    """The page's charts keep their text as text, drawn by the browser in a
    font that has it: matplotlib's warning of a missing glyph is noise."""
    import warnings

    drivers = contract.tables["drivers"].copy()
    drivers.loc[drivers.index[0], "label"] = "Launch \U0001f680"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tables = {**contract.tables, "drivers": drivers}
        html = em.Report({"tables": tables, "summary": contract.summary}).html()
    assert "Launch \U0001f680" in html


# logs each table box that may break across pages, and each paragraph that
# introduces a table yet may be left at the foot of a page without it
BREAK_PROBE = """<script>addEventListener("load", () => {
  for (const box of document.querySelectorAll(".scroll")) {
    if (getComputedStyle(box).breakInside != "avoid") {
      console.log("breaks: table in #" + box.closest("[id]").id);
    }
    const before = box.previousElementSibling;
    const alone = before && getComputedStyle(before).breakAfter != "avoid";
    if (alone && before.tagName == "P") {
      console.log("breaks: before the table in #" + box.closest("[id]").id);
    }
  }
});</script>"""


def test_a_printed_table_keeps_to_one_page_with_its_introduction(
    browser, contract_html, tmp_path
):
    """In print a table is kept whole where it fits (its header row was left
    alone at the foot of a page) and the paragraph that introduces it stays
    with it (the rule named a table, which sits in a scroll box)."""
    html = contract_html.replace(
        "</body>", f"<style>{print_rules(contract_html)}</style>{BREAK_PROBE}</body>"
    )
    page = tmp_path / "probe.html"
    page.write_text(html, encoding="utf-8")
    _, console = chromium(browser, page, tmp_path / "p", "--dump-dom")
    assert [m for m in console if "breaks" in m] == []


def test_two_analyses_of_one_wave_are_told_apart(comparison):
    """Compared analyses with one wave name ("2026Q3" twice) had two columns
    of one name, and read "from 2026Q3 to 2026Q3"."""
    from emomotiv.results import WaveComparison

    summary = {**comparison.summary, "waves": {"before": "2026Q3", "after": "2026Q3"}}
    html = em.ComparisonReport(WaveComparison(comparison.changes, summary)).html()
    text = _text_of(html)
    assert "From 2026Q3 (before) to 2026Q3 (after)" in text
    assert '<th scope="col" class="n">2026Q3 (before)</th>' in html


def test_a_headline_change_without_an_interval_says_so(comparison):
    """A blank interval cell read as lost data."""
    html = em.ComparisonReport(comparison).html()
    kpis = sections(html)["kpis"]
    assert re.search(r'<td class="n"></td>', kpis) is None
    summary = {**comparison.summary}
    summary["kpis"] = {
        **summary["kpis"],
        "value_multiplier": {"before": 2.1, "after": 2.3, "change": 0.2},
    }
    from emomotiv.results import WaveComparison

    html = em.ComparisonReport(WaveComparison(comparison.changes, summary)).html()
    row = sections(html)["kpis"].split("Value multiplier")[1].split("</tr>")[0]
    assert '<span class="note">not computed</span>' in row


def test_collinearity_not_computed_is_not_read_as_none(contract):
    """Where the diagnostics could not compute a condition number or a VIF,
    "Suppressor touchpoints: none" claimed a finding that was never made."""
    summary = dict(contract.summary, warnings=["The correlations were not valid."])
    summary["diagnostics"] = {
        "condition_number": None,
        "vif_max": None,
        "suppressors": [],
        "halo_share": 0.4,
    }
    part = sections(em.Report({"tables": contract.tables, "summary": summary}).html())
    text = _text_of(part["model-fit"])
    assert "Suppressor touchpoints" not in text
    assert "Collinearity and suppressors not computed (the warning at the top" in text
    # exactly collinear facets: the others' VIFs and the suppressor test ran
    summary["diagnostics"] = dict(summary["diagnostics"], n_vif_finite=14)
    part = sections(em.Report({"tables": contract.tables, "summary": summary}).html())
    text = _text_of(part["model-fit"])
    assert "not computed" not in text
    assert "infinite: some touchpoints are exactly collinear" in text
    assert "Suppressor touchpoints none" in text


def test_the_data_section_names_the_units_of_every_amount(contract, small_result):
    """ "10.8 m", "430k": the page names no currency, so it says whose units
    its amounts are in, and what k and m stand for."""
    data = _text_of(sections(em.Report(contract).html())["data"])
    value = contract.summary["data"]["roles"]["value"]
    assert (
        f"Value is in the units of the column “{value}”; costs and the budget" in data
    )
    assert "“k” is thousands, “m” millions" in data
    # a budget without costs: no word of costs (a trial read "costs and the
    # budget in those the catalog and the budget were given in" of a catalog
    # without costs)
    roi = contract.tables["roi"].drop(columns=["cost", "roi"])
    tables = {**contract.tables, "roi": roi}
    for currency, said in (
        (None, f"“{value}”; the budget in those it was given in"),
        ("€", f"Value (the column “{value}”) and the budget are in €"),
    ):
        report = em.Report(
            {"tables": tables, "summary": contract.summary}, currency=currency
        )
        data = _text_of(sections(report.html())["data"])
        assert said in data and "costs" not in data.split("Amounts")[1]
    tables = {k: v for k, v in contract.tables.items() if k not in ("roi", "plan")}
    summary = dict(contract.summary, plan={})
    roles = {k: v for k, v in summary["data"]["roles"].items() if k != "value"}
    summary["data"] = dict(summary["data"], roles=roles)
    data = _text_of(
        sections(em.Report({"tables": tables, "summary": summary}).html())["data"]
    )
    assert "Amounts" not in data


def test_a_currency_goes_before_every_amount_after_its_sign(contract, comparison):
    """Report(currency="€") and a study's currency: "€10.8 m", "−€3.1k",
    "+€12.5"; the data section names it; the numbers are the same."""
    from emomotiv.results import WaveComparison

    plain = em.Report(contract).html()
    html = em.Report(contract, currency="€").html()
    total = contract.summary["plan"]["combined_delta_value"]
    assert f">€{_money(total)}<" in html and f">{_money(total)}<" in plain
    data = _text_of(sections(html)["data"])
    value = contract.summary["data"]["roles"]["value"]
    assert f"Value (the column “{value}”), costs and the budget are in €" in data
    # the study's currency, when none is given; a code a space apart
    study = {"options": {"currency": "EUR"}}
    summary = dict(contract.summary, study=study)
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    assert f">EUR {_money(total)}<" in html
    # a fall: the sign, then the currency
    kpis = {"value_per_connected": {"before": 3100.0, "after": 2990.3}}
    kpis["value_per_connected"] |= {"change": -109.7, "beyond_noise": True}
    changes = WaveComparison(comparison.changes, {**comparison.summary, "kpis": kpis})
    row = sections(em.ComparisonReport(changes, currency="$").html())["kpis"]
    assert ">$3,100<" in row and ">\u2212$110<" in row
    # an end of the change's interval its unit would print as zero keeps its own
    kpis["value_per_connected"] |= {"change": 890_383.5, "change_low": -48_634.8}
    kpis["value_per_connected"]["change_high"] = 2_524_070.2
    changes = WaveComparison(comparison.changes, {**comparison.summary, "kpis": kpis})
    row = sections(em.ComparisonReport(changes, currency="$").html())["kpis"]
    assert "\u2212$48.6k to +$2.5 m" in row
    with pytest.raises(ValueError, match="'currency' parameter of Report"):
        em.Report(contract, currency="12 EUR").html()


def test_the_tiers_mean_value_is_an_amount_in_the_currency(contract):
    """The tier table's mean value is an amount like every other: with a
    currency, "€2,200", its interval at the same precision."""
    tiers = contract.tables["tiers"].copy()
    tiers["mean_value_low"] = tiers["mean_value"] * 0.8
    tiers["mean_value_high"] = tiers["mean_value"] * 1.25
    result = replace(contract, tables={**contract.tables, "tiers": tiers})
    html = em.Report(result, currency="€").html()
    table = html.split("Connection tiers: their size")[1].split("</table>")[0]
    row = table.split("fully connected</th>")[1].split("</tr>")[0]
    value, low, high = tiers.set_index("tier").loc[
        "fully_connected", ["mean_value", "mean_value_low", "mean_value_high"]
    ]
    shown = [_money(v, high) for v in (value, low, high)]
    assert f">€{shown[0]}<" in row and f"(€{shown[1]} to €{shown[2]})" in row


@pytest.mark.parametrize(
    ("currency", "shown"),
    [("R$", "-R$950"), ("US$", "-US$950"), ("kr.", "-kr. 950"), ("Fr.", "-Fr. 950")],
)
def test_a_currency_touches_the_digits_only_after_a_currency_sign(currency, shown):
    """'R$950' and 'US$950', but 'kr. 950', not 'kr.950': an abbreviation
    ending in a dot sits a space apart, as a code does."""
    assert _money(-950, currency=currency) == shown


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda r: em.Report("results/2026Q3"), "got str"),
        (lambda r: em.Report(None), "got NoneType"),
        (lambda r: em.Report(r.importance), "got ImportanceResult"),
        (lambda r: em.Report(r, top=0), "'top' parameter of Report"),
        (lambda r: em.Report(r, currency=5), "currency"),
        (lambda r: em.ComparisonReport(r), "ComparisonReport needs the WaveComparison"),
    ],
)
def test_a_report_of_the_wrong_thing_fails_when_made_not_when_rendered(
    small_result, make, match
):
    with pytest.raises((TypeError, ValueError), match=match):
        make(small_result)


def test_save_figures_takes_a_format_in_any_case_once(small_result, tmp_path):
    """matplotlib writes "PNG" as PNG: the check says so too, and a format
    named twice is written once."""
    files = em.Report(small_result).save_figures(tmp_path, formats=["PNG", "png"])
    assert files and len(files) == len(set(files))
    assert {f.suffix for f in files} == {".png"}
    assert all(f.read_bytes().startswith(b"\x89PNG") for f in files)


def test_compared_waves_in_two_currencies_keep_each_its_own(comparison):
    """£ then €: the earlier wave's amounts read in pounds, the later's in
    euros, and their change in neither (it has no unit); one currency for
    both when they agree, or when the report is given one."""
    from emomotiv.results import WaveComparison

    kpi = {"before": 2698.0, "after": 2719.0, "change": 21.0, "beyond_noise": True}
    differences = [{"setting": "currency", "before": "£", "after": "€"}]
    summary = {**comparison.summary, "kpis": {"value_per_connected": kpi}}
    two = WaveComparison(
        comparison.changes, summary | {"currency": "€", "differences": differences}
    )
    row = sections(em.ComparisonReport(two).html())["kpis"].split("<tbody>")[1]
    assert ">£2,698<" in row and ">€2,719<" in row and ">+21.0<" in row, row
    one = WaveComparison(comparison.changes, summary | {"currency": "€"})
    row = sections(em.ComparisonReport(one).html())["kpis"].split("<tbody>")[1]
    assert ">€2,698<" in row and ">€2,719<" in row and ">+€21.0<" in row, row
    row = sections(em.ComparisonReport(two, currency="$").html())["kpis"]
    assert ">$2,698<" in row and ">+$21.0<" in row


def test_gross_and_net_multiples_of_the_plan_are_named(contract):
    """ "132.4× its cost" (value over cost) and a table's "387.9×" (net return)
    were printed a page apart with the same sign: each now says what it is."""
    html = html_unescape(em.Report(contract).html())
    roi = contract.summary["plan"]["roi"]
    gross = f"{roi + 1:,.1f}×"
    assert f"value {gross} its cost of" in html
    assert f"net return {roi:,.1f}×" in html
    assert f"{gross} the spend (a net return of {roi:,.1f}×)" in html
    assert 'Net return<br><span class="note">(value − cost) ÷ cost' in html


def test_the_plan_names_its_value_as_through_connection(contract):
    """The plan's value counts value through connection only, yet read as
    "expected value of the plan"; a touchpoint that moves value directly,
    beyond noise, is named under the plan."""
    table = contract.tables["value_drivers"].copy()
    table["beyond_noise"] = False
    table["share_via_connection"] = 0.9
    table.loc[table.index[0], ["beyond_noise", "share_via_connection"]] = [True, 0.0]
    table.loc[table.index[0], "delta_mean_value"] = 459.0
    tables = {**contract.tables, "value_drivers": table}
    html = html_unescape(em.Report(replace(contract, tables=tables)).html())
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "expected value of the plan through connection" in text
    assert "Value added through connection" in text
    label = str(table["label"].iloc[0])
    assert (
        "The value model finds 1 touchpoint that moves value mostly that way, "
        f"beyond noise: {label} (+459 per customer); see value_drivers.csv" in text
    )


def test_no_plan_is_recommended_on_a_chance_level_fit_with_no_gain_beyond_noise():
    """An outcome the ratings cannot predict (pure noise, AUC about 0.5, no
    gain beyond noise): the summary led with the plan's money ("3.5x its
    cost") and a recommended plan. Now no plan tile and no recommendation;
    the plan section shows what the budget would buy, marked as noise."""
    rng = np.random.default_rng(12)
    facets = [f"tp{i}" for i in range(20)]
    survey = pd.DataFrame(
        np.clip(np.round(3.5 + rng.normal(size=(320, 20))), 1, 5), columns=facets
    )
    survey["conn"] = 0
    survey.loc[rng.choice(320, 14, replace=False), "conn"] = 1
    catalog = pd.DataFrame({"facet": facets, "cost": 10_000.0})
    with pytest.warns(UserWarning):  # the weak fit, among others
        result = em.analyze(
            survey,
            catalog,
            connection="conn",
            model=em.DriverModel(n_estimators=50, cv=3),
            n_boot=5,
            methods=False,
            progress=False,
            value_per_connected=1000,
            population=10_000,
            budget=50_000,
        )
    assert result.summary["diagnostics"]["weak_fit"]
    assert result.summary["plan"]["noise"]["n_raise"] == 0
    assert result.summary["plan"]["selected"]  # the budget buys something
    html = em.Report(result).html()
    section = re.search(r'<section id="summary">.*?</section>', html, flags=re.S)
    summary = _text_of(section.group(0))
    assert "No plan is recommended." in summary
    assert "expected value of the plan" not in summary
    assert "Recommended plan" not in summary
    text = _text_of(html)
    assert "What the budget would buy (not a recommendation)" in text
    assert "this choice follows the noise in the estimates" in text
    assert "What the budget would buy, by noise: the touchpoints it funds" in text
    # nor what it would add: chosen by noise, a gain and its worth (a trial's
    # "$12.2 m, 24.3x the spend", its interval clear of zero) read as evidence
    buys = text.split("What the budget would buy (not a recommendation)")[1]
    buys = buys.split("What the budget would buy, by noise")[0]
    assert "would add together is not given: chosen by noise" in buys
    assert "the table below gives each one's estimate, for reference only" in buys
    assert "expected to add" not in buys and "worth" not in buys
    assert "The recommended plan" not in text
    assert em.report.plan_without_basis(result.summary)
    # nor is a touchpoint a finding: not the leaders, not what a weak model
    # settles on (a trial read "read Research tools as the finding" at AUC 0.48)
    assert "in the ranking of a model too weak to read as a finding" in summary
    assert "the ranking is not reliable, and no touchpoint in it is a finding" in text
    assert "indicative" not in text
    warnings = " ".join(result.summary["warnings"])
    assert "as the finding" not in warnings


def test_a_weak_fit_s_hidden_drivers_are_not_said_to_drive(contract):
    """Stated importance beside a model too weak to rank: the summary said a
    hidden driver "drives the outcome more than most touchpoints"."""
    diagnostics = dict(contract.summary["diagnostics"], weak_fit=False)
    strong = {**contract.summary, "diagnostics": diagnostics}
    text = _text_of(em.Report({"tables": contract.tables, "summary": strong}).html())
    assert "more than most touchpoints" in text  # the contract has a hidden driver
    weak = {**strong, "diagnostics": dict(diagnostics, weak_fit=True)}
    text = _text_of(em.Report({"tables": contract.tables, "summary": weak}).html())
    assert "more than most touchpoints" not in text
    assert "above most touchpoints: a model too weak to read as a finding" in text


def test_the_plans_direct_movers_carry_a_weak_value_models_caveat(contract):
    """A value model warned "not reliable" at the top had its direct mover
    of value cited unqualified under the plan; the sentence now carries the
    caveat, and only when the value model fits weakly."""
    table = contract.tables["value_drivers"].copy()
    table["beyond_noise"] = False
    table.loc[table.index[0], ["beyond_noise", "share_via_connection"]] = [True, 0.0]
    tables = {**contract.tables, "value_drivers": table}

    def plan_note(r2):
        info = dict(contract.summary["value_drivers"], fit={"r2": r2})
        summary = {**contract.summary, "value_drivers": info}
        html = em.Report({"tables": tables, "summary": summary}).html()
        part = html_unescape(sections(html)["roi"])
        note = part.split("The value model finds")[1].split("</p>")[0]
        return " ".join(re.sub(r"<[^>]+>", " ", note).split())

    caveat = "The value model barely predicts value (cross-validated R² 0.03"
    assert caveat in plan_note(0.03)
    assert "barely predicts" not in plan_note(0.4)


def test_the_value_drivers_table_carries_a_weak_value_models_caveat(contract):
    """A value model warned "not reliable" at the top had its table of value
    drivers led by its R² alone: the caveat is said beside the table, and
    only when the value model fits weakly."""

    def lead(r2):
        info = dict(contract.summary["value_drivers"], fit={"r2": r2})
        summary = {**contract.summary, "value_drivers": info}
        html = em.Report({"tables": contract.tables, "summary": summary}).html()
        return html_unescape(value_drivers_part(html).split("</p>")[0])

    assert (
        '<span class="caveat">The value model barely predicts value '
        "(cross-validated R² −0.05, below 0.05), so this is not reliable.</span>"
        in lead(-0.05)
    )
    assert "barely predicts" not in lead(0.4)


def test_the_value_per_connected_customer_carries_its_interval(contract):
    """The executive summary's "each additional customer adds about 511" had
    no interval (-474 to 1,495): it has one, and a 0 inside it is said."""
    value = dict(contract.summary["value"])
    value |= {"value_per_connected": 511.3, "value_per_connected_low": -474.2}
    value["value_per_connected_high"] = 1495.5
    summary = {**contract.summary, "value": value}
    html = html_unescape(em.Report(replace(contract, summary=summary)).html())
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "adds about 511 in value (interval −474 to 1,496: not clear of zero)" in text
    value["value_per_connected_low"] = 120.0
    html = html_unescape(em.Report(replace(contract, summary=summary)).html())
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "adds about 511 in value (interval 120 to 1,496)," in text


def test_the_data_section_shows_the_effective_sample_and_the_smaller_class(contract):
    """A weighted B2B survey of 180 accounts, worth 77 and with 25 promoters,
    read "Respondents 180, survey-weighted": the two numbers the ranking rests
    on are shown, and respondents left out of the value models are counted."""
    summary = dict(contract.summary)
    summary["data"] = dict(summary["data"], weighted=True, effective_n=76.8)
    summary["data"]["n_respondents"] = 180
    left = "321 respondents without a value were left out of the value models"
    summary["value"] = dict(summary["value"], left_out=left)
    tiers = contract.tables["tiers"].assign(n=[25, 30, 125])
    tables = {**contract.tables, "tiers": tiers}
    html = em.Report(replace(contract, summary=summary, tables=tables)).html()
    html = html_unescape(html)
    data = " ".join(re.sub(r"<[^>]+>", " ", sections(html)["data"]).split())
    assert "Effective sample 77 of 180 (Kish)" in data
    assert "Smaller outcome class 25 respondents who are connected (of 180)" in data
    assert f"Left out of the value models {left}" in data
    roi = " ".join(re.sub(r"<[^>]+>", " ", sections(html)["roi"]).split())
    assert f"{left}: the value of connection, the value drivers" in roi


def test_the_stage_section_says_how_stages_are_measured_and_when_close(contract):
    """It said "Importance summed over the touchpoints of each journey stage"
    and named the largest stage even where another's interval overlapped."""
    stages = pd.DataFrame(
        {
            "stage": ["Open", "Use", "Leave"],
            "importance": [0.5, 0.3, 0.2],
            "importance_low": [0.35, 0.25, 0.1],
            "importance_high": [0.6, 0.4, 0.3],
            "n_facets": [1, 3, 5],
            "rank": [1, 2, 3],
        }
    )
    tables = dict(contract.tables, stages=stages)
    html = em.Report({"tables": tables, "summary": contract.summary}).html()
    text = " ".join(html_unescape(sections(html)["stages"]).split())
    assert "summed over" not in text
    assert "touchpoints explained together" in text
    assert "overlaps that of Use: the order of the two is not settled" in text
    # every stage that overlaps is named, not only the second (a trial read
    # "overlaps that of Discover" where all five other stages did)
    for high, said in (
        (
            [0.6, 0.4, 0.36],
            "overlaps that of every other stage: no stage clearly leads",
        ),
        ([0.6, 0.4, 0.36, 0.2], "overlaps those of Use and Leave: which leads is not"),
    ):
        four = pd.concat([stages, stages.iloc[[2]].assign(stage="Stay")])
        wide = four.iloc[: len(high)].assign(importance_high=high)
        tables = dict(contract.tables, stages=wide)
        html = em.Report({"tables": tables, "summary": contract.summary}).html()
        assert said in " ".join(html_unescape(sections(html)["stages"]).split())
    apart = stages.assign(importance_low=[0.45, 0.25, 0.1])
    tables = dict(contract.tables, stages=apart)
    html = em.Report({"tables": tables, "summary": contract.summary}).html()
    text = " ".join(html_unescape(sections(html)["stages"]).split())
    assert "Open</strong> carries the most: 50% of the total." in text
    assert "not settled" not in text


def test_the_one_point_table_gives_each_touchpoint_s_reach(contract):
    """A touchpoint 12% of customers use read +0.82 pts beside network
    coverage's +2.68 with no word that the gain is over every customer; the
    table now shows each touchpoint's reach and says whose share moves."""
    drivers = contract.tables["drivers"].set_index("facet")
    roi = sections(em.Report(contract).html())["roi"].split("Recommended plan")[0]
    flat = " ".join(html_unescape(roi).split())
    assert '<th scope="col" class="n">Reach</th>' in roi
    assert (
        "Each gain is the change in the connected share of the whole customer base"
        in flat
    )
    assert "about the gain divided by its reach" in flat
    first = contract.tables["roi"].sort_values("priority")["facet"].iloc[0]
    label = escape(drivers.loc[first, "label"])
    row = roi.split(f'<th scope="row">{label}</th>')[1].split("</tr>")[0]
    assert f">{drivers.loc[first, 'reach']:.0%}<" in row
    # without drivers.csv's reach: no column, no sentence about it
    tables = dict(contract.tables, drivers=drivers.drop(columns="reach").reset_index())
    bare = sections(em.Report({"tables": tables, "summary": contract.summary}).html())
    assert '<th scope="col" class="n">Reach</th>' not in bare["roi"]
    assert "divided by its reach" not in bare["roi"]


def test_the_method_agreement_says_how_a_routed_survey_was_read(contract):
    """The method-agreement section showed ranks of an artefact R² of 1.00 as
    agreement evidence; it now says how the classical methods read the
    missing ratings, and why."""
    said = (
        "The classical methods read each touchpoint's missing ratings as its "
        "weighted mean rating among its raters (missing='mean'), not pairwise."
    )
    summary = dict(contract.summary)
    summary["agreement"] = dict(summary["agreement"], warning=said)
    part = sections(em.Report({"tables": contract.tables, "summary": summary}).html())
    assert f'<p class="warning">{escape(said)}</p>' in part["model-fit"]
    assert "missing=" not in sections(em.Report(contract).html())["model-fit"]


def test_the_method_agreement_warning_is_said_once_in_its_section(contract):
    """The classical methods' warning sat above the headline and again in
    the method-agreement section; it is said in that section only (where
    the section has nothing to show, it stays at the top)."""
    said = "The classical methods read each touchpoint's missing ratings as means."
    summary = dict(contract.summary)
    summary["agreement"] = dict(summary["agreement"], warning=said)
    summary["warnings"] = [*(summary.get("warnings") or []), said]
    html = em.Report({"tables": contract.tables, "summary": summary}).html()
    assert html.count(str(escape(said))) == 1
    assert str(escape(said)) in sections(html)["model-fit"]
    summary["agreement"] = {"warning": said}
    tables = {k: v for k, v in contract.tables.items() if k != "methods"}
    html = em.Report({"tables": tables, "summary": summary}).html()
    assert html.count(str(escape(said))) == 1
    assert str(escape(said)) not in sections(html)["model-fit"]


def test_warnings_in_the_report_name_a_touchpoint_by_its_label(contract):
    """A warning named 'account_opening' by its column id, which a leader
    matched to the table's "Speed of account opening"; the report reads
    it as its label with the id (summary.json keeps the id)."""
    drivers = contract.tables["drivers"]
    facet, label = drivers["facet"].iloc[0], drivers["label"].iloc[0]
    assert facet != label
    said = f"Ratings apart: '{facet}' (2, 4). Try RaiseScore('{facet}', 2)."
    summary = dict(contract.summary, warnings=[said])
    html = html_unescape(
        em.Report({"tables": contract.tables, "summary": summary}).html()
    )
    top = html.split('<p class="warning">')[1].split("</p>")[0]
    assert f"apart: {label} ('{facet}') (2, 4)." in top
    assert f"RaiseScore('{facet}', 2)" in top
    assert summary["warnings"] == [said]


def test_an_untested_touchpoint_is_named_not_counted_as_read(contract):
    """A touchpoint whose gain is exactly 0 is left out of the test of
    noise: the ROI footer counted it in one sentence (30) and not in the
    other (29), and its cell read "no" where roi.csv is blank. One count
    now, the touchpoint named, and "not tested" in its cell."""
    roi = contract.tables["roi"].copy()
    roi["beyond_noise"] = roi["beyond_noise"].astype(object)
    last = roi.index[0]
    roi.loc[last, ["delta_connected", "p_value", "beyond_noise"]] = [0.0, None, None]
    label = roi.loc[last, "label"]
    plan = dict(contract.summary["plan"])
    plan["noise"] = dict(plan.get("noise") or {}, rule="beyond noise: read together")
    summary = dict(contract.summary, plan=plan)
    tables = dict(contract.tables, roi=roi)
    html = em.Report({"tables": tables, "summary": summary}).html()
    part = html_unescape(sections(html)["roi"])
    row = part.split(f'<th scope="row">{label}</th>')[1].split("</tr>")[0]
    assert '<td class="c">not tested</td>' in row
    note = " ".join(re.sub(r"<[^>]+>", " ", part).split())
    n = len(roi) - 1
    assert f"not enough when {n} touchpoints are read at once. {label} is not" in note


def test_an_empty_segment_cell_of_a_row_not_shown_is_said_not_shown(contract):
    """The segment note described an "n/a" cell of a touchpoint whose row the
    heat table does not show; a leader searched the table for it. Such a
    cell is said to be not shown; a shown row's keeps the n/a note."""
    seg = contract.tables["segment_drivers"].copy()
    ranked = seg.loc[seg["ranked"].astype(bool)]
    segment = ranked["segment"].iloc[0]
    by_share = ranked.groupby("facet")["importance"].max().sort_values()
    last, first = by_share.index[0], by_share.index[-1]

    def notes(facet):
        cell = (seg["facet"] == facet) & (seg["segment"] == segment)
        empty = seg.assign(note=seg["note"].astype(object))
        empty.loc[cell, ["importance", "rank"]] = np.nan
        empty.loc[cell, "note"] = "not rated in this segment"
        tables = {**contract.tables, "segment_drivers": empty}
        summary = {**contract.summary, "uncertainty": {"top_k": 1}}
        html = em.Report({"tables": tables, "summary": summary}, top=3).html()
        part = html_unescape(html.split('id="segments"')[1].split("</div>\n</div>")[0])
        label = str(seg.loc[seg["facet"] == facet, "label"].iloc[0])
        return " ".join(part.split()), f"{label} in {segment} (not rated"

    text, cell = notes(last)
    assert "Not shown in the table, and left out of the test of difference" in text
    assert cell in text and "A cell reading n/a" not in text
    text, cell = notes(first)
    assert "A cell reading n/a" in text and cell in text
    assert "Not shown in the table" not in text


def test_a_run_without_controls_says_so_once_in_plain_words(small):
    """With --halo none the section read "No halo score (halo='none'):
    importance and simulated gains may carry general warmth toward the
    brand. Importance and simulated gains may then carry general warmth
    toward the brand.", the same sentence twice, the second in code."""
    result = em.analyze(
        small.survey,
        small.catalog,
        halo="none",
        n_boot=0,
        methods=False,
        progress=False,
        random_state=0,
        **small.roles,
    )
    html = em.Report(result).html()
    part = " ".join(html_unescape(html.split('id="controls"')[1]).split())
    assert part.count("may carry general warmth toward the brand") == 1
    assert "may then carry" not in part and "halo='none'" not in part
    assert "No score of general warmth (halo none): importance" in part
    # a summary without the note says it in the report's own words, spaced
    summary = {**result.summary, "halo": {**result.summary["halo"], "note": None}}
    html = em.Report({"tables": result.tables, "summary": summary}).html()
    part = " ".join(html_unescape(html.split('id="controls"')[1]).split())
    assert "(halo none, no control). Importance and simulated gains may then" in part


def test_a_leader_whose_rank_may_fall_below_third_is_named_with_its_ranks(contract):
    """ "The touchpoints that move connected most are A, B and C" named a
    third whose rank interval ran from 3 to 11, a tie with eight others."""
    drivers = contract.tables["drivers"].copy()
    drivers[["rank_low", "rank_high"]] = [[1, 2], [1, 3], [3, 11]] + [[4, 30]] * (
        len(drivers) - 3
    )
    summary = {**contract.summary, "diagnostics": {}, "uncertainty": {"level": 0.9}}
    tables = {**contract.tables, "drivers": drivers}
    text = html_unescape(
        _text_of(em.Report({"tables": tables, "summary": summary}).html())
    )
    a, b, c = (_label(r) for r in drivers.head(3).to_dict("records"))
    assert f"most are {a}, {b} and {c} (ranks 3 to 11) ; together" in text
    assert (
        "The ranks in brackets are the 90% interval of a touchpoint's rank over "
        "the resamples: it may rank below third, so its place in the top three is "
        "not settled."
    ) in text
    drivers["rank_high"] = [2, 3, 3] + [30] * (len(drivers) - 3)
    tables = {**contract.tables, "drivers": drivers}
    text = _text_of(em.Report({"tables": tables, "summary": summary}).html())
    assert f"most are {a}, {b} and {c} ; together" in text
    assert "The ranks in brackets" not in text


def test_the_driver_table_says_what_its_columns_hold(contract):
    """ "P(top 6)" and "1 (1 to 2)" were explained nowhere in the report."""
    part = _text_of(sections(em.Report(contract).html())["drivers"])
    k = contract.summary["uncertainty"]["top_k"]
    assert "In brackets beside a rank, its 90% interval over the resamples." in part
    assert (
        f"P(top {k}): the share of resamples in which the touchpoint ranks in the "
        f"top {k}."
    ) in part
    assert "Reach: the share of respondents who rated the touchpoint" in part


def test_the_tiers_say_who_is_in_each(small_result):
    """The headline "2.1x value of a connected customer over a highly
    satisfied one" and the tier table rest on "highly satisfied" and a
    connection score that the report defined nowhere."""
    measures = small_result.summary["measures"]
    part = _text_of(sections(em.Report(small_result).html())["motivators"])
    bar = f"{measures['satisfied_threshold']:g}"
    assert f"Highly satisfied: a satisfaction rating of {bar} or more, and not" in part
    assert f"the mean of the {measures['n_motivators']} emotional motivator items" in (
        part
    )
    summary = {**small_result.summary, "measures": {**measures}}
    summary["measures"]["satisfied_threshold"] = None
    html = em.Report({"tables": small_result.tables, "summary": summary}).html()
    assert "Highly satisfied:" not in _text_of(sections(html)["motivators"])


def test_a_funded_touchpoint_that_lowers_value_is_named_at_both_plans(contract):
    """The executive summary named it; the plan section still said "worth
    2.9 m ... 19.2x the spend" with no word of it."""
    table = contract.tables["plan"]
    funded = list(table.loc[table["selected"], "facet"])

    def text(lowers):
        plan = {**contract.summary["plan"], "lowers_value": lowers}
        summary = {**contract.summary, "plan": plan}
        html = em.Report({"tables": contract.tables, "summary": summary}).html()
        return {
            k: " ".join(html_unescape(v).split()) for k, v in sections(html).items()
        }

    label = table.set_index("facet").loc[funded[0], "label"]
    parts = text(funded[:1])
    assert (
        f"{label}, which it funds, lowers value in all, beyond noise"
        in (parts["summary"])
    )
    said = f"{label} lowers value in all, beyond noise, by the value model"
    assert said in parts["roi"] and "overstates what the plan adds" in parts["roi"]
    assert " lower value in all, beyond noise" in text(funded[:2])["roi"]
    assert "lowers value in all" not in " ".join(text([]).values())
