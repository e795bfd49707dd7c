"""The program report as a page, as JSON and as CSV: same numbers, readable, offline."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest

from carecycle.measure.charts import ForestRow, Series, bar_chart, forest_plot, nice_ticks
from carecycle.measure.experiments import Interval, Return, SampleRatio
from carecycle.measure.export import render_csv, render_json
from carecycle.measure.render import render_html
from carecycle.measure.report import (
    ChannelActivity,
    FunnelStage,
    KpiValue,
    Lift,
    ProgramReport,
    Side,
)

GENERATED = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}
SVG_SHAPES = {"rect", "line", "circle", "text", "path", "polyline"}
NO_INTERVAL = Interval(None, None, None)


def lift(level: str, scope: str, name: str, measure: str, **kw: object) -> Lift:
    """Return a lift with plausible arms; keywords override any field."""
    fields: dict[str, object] = {
        "test": Side(1200, 0.74),
        "control": Side(300, 0.68),
        "difference": Interval(0.061, 0.032, 0.090),
        "relative": Interval(0.0897, 0.045, 0.134),
        "p_value": 0.00004,
    }
    fields.update(kw)
    return Lift(level, scope, name, measure, **fields)  # type: ignore[arg-type]


def lifts() -> tuple[Lift, ...]:
    """Return one lift of each kind the page must tell apart."""
    return (
        lift("program", "smb-care", "SMB customer care", "revenue",
             test=Side(1500, 4210.0), control=Side(380, 3990.5),
             difference=Interval(219.5, 80.25, 358.75), relative=Interval(0.055, 0.02, 0.09),
             p_value=0.0021, adjusted=Interval(201.0, 95.0, 307.0),
             before_after=Interval(188.0, 40.0, 336.0)),
        lift("stage", "renew", "Renew", "renewal_rate",
             adjusted=Interval(0.058, 0.031, 0.085)),
        lift("stage", "use", "Use", "purchase_frequency",
             test=Side(900, 1.12), control=Side(240, 1.31),
             difference=Interval(-0.19, -0.31, -0.07), relative=Interval(-0.145, -0.23, -0.06),
             p_value=0.0019),
        lift("stage", "deploy", "Deploy", "cross_purchase",
             test=Side(950, 0.41), control=Side(250, 0.39),
             difference=Interval(0.02, -0.03, 0.07), relative=Interval(0.051, -0.07, 0.18),
             p_value=0.43),
        lift("stage", "welcome", "Welcome", "transaction_size",
             test=Side(20, 0.0), control=Side(4, 0.0), difference=NO_INTERVAL,
             relative=NO_INTERVAL, p_value=None, note="a group has a zero denominator"),
        lift("touch", "renew_minus_180", "-180 days: why renew", "influenced_revenue",
             test=Side(300, 75.0), control=Side(70, 63.0),
             difference=Interval(12.0, None, None), relative=Interval(0.19, None, None),
             p_value=None, note="too few units for an interval"),
    )  # fmt: skip


def kpis() -> tuple[KpiValue, ...]:
    """Return KPIs of the three levels, a missing value and a KPI split by region."""
    return (
        KpiValue("annuity_recapture_rate", "Annuity recapture", "program", "rate", None, 0.712),
        KpiValue("renewal_revenue", "Renewal revenue", "program", "money", None, 1234567.5),
        KpiValue("free_support_registration_rate", "Free support registration", "stage", "rate",
                 "North", 0.52),
        KpiValue("free_support_registration_rate", "Free support registration", "stage", "rate",
                 None, 0.47),
        KpiValue("free_support_registration_rate", "Free support registration", "stage", "rate",
                 "South", 0.41),
        KpiValue("sa_activation_rate", "SA activation rate", "stage", "rate", None, None),
        KpiValue("complaints_captured", "Complaints captured", "operational", "count", None, 37),
        KpiValue("csat", "Customer satisfaction", "operational", "score", None, 4.3),
    )  # fmt: skip


def make_report(
    *, name: str = "SMB customer care", mismatch: bool = False, returns: bool = True
) -> ProgramReport:
    """Return a realistic quarter's report for a four-stage program on three channels."""
    arms = SampleRatio(1500, 380 if not mismatch else 520, 0.8, 0.0000002 if mismatch else 0.41,
                       mismatch)  # fmt: skip
    money = Return(Interval(329250.0, 120375.0, 538125.0), 41800.0,
                   Interval(6.8768, 1.8798, 11.8738))  # fmt: skip
    return ProgramReport(
        program_id="smb-care",
        program_name=name,
        start=date(2025, 1, 1),
        end=date(2025, 3, 31),
        confidence=0.95,
        attribution_days=90,
        arms=arms,
        kpis=kpis(),
        funnel=(
            FunnelStage("welcome", "Welcome", 1500, 380, 1450, 610),
            FunnelStage("deploy", "Deploy", 1320, 335, 1200, 480),
            FunnelStage("use", "Use", 1100, 280, 990, 350),
            FunnelStage("renew", "Renew", 820, 205, 800, 540),
        ),
        channels=(
            ChannelActivity("edm", 4200, 4100, 3950, 620, 150, 410.0),
            ChannelActivity("dm", 900, 880, 860, 95, 20, 11440.0),
            ChannelActivity("tsr_call", 2100, 2000, 1430, 880, 570, 29950.0),
        ),
        lifts=lifts(),
        returns=money if returns else None,
    )


class Page(HTMLParser):
    """Walks a page: checks tags close in order and collects text, rows and SVGs."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.svgs: list[list[str]] = []
        self.rows: list[tuple[str, list[str]]] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if "svg" in self.stack:
            self.svgs[-1].append(tag)
        if tag == "svg":
            self.svgs.append([])
        if tag == "tr":
            self.rows.append((dict(attrs).get("class") or "", []))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if "svg" in self.stack:
            self.svgs[-1].append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.rows and "tr" in self.stack:
            self.rows[-1][1].append(data)

    def plain_text(self) -> str:
        """Return the page's text with runs of white space as single spaces."""
        return " ".join(" ".join(self.text).split())

    def row_with(self, *words: str) -> str:
        """Return the class of the one table row whose text holds all the words."""
        found = [cls for cls, text in self.rows if all(w in " ".join(text) for w in words)]
        assert len(found) == 1, (words, found)
        return found[0]


@pytest.fixture
def page() -> Page:
    return Page(render_html(make_report(), generated_at=GENERATED))


def test_report_page_states_every_verdict_in_plain_words(page: Page) -> None:
    verdicts = make_report().verdicts()
    text = page.plain_text()
    assert "Renew stage raised the renewal rate by 6.1 pp, 95% CI 3.2 to 9.0." in verdicts
    assert len(verdicts) == 5
    for sentence in verdicts:
        assert sentence in text


def test_verdicts_come_before_any_table_or_chart() -> None:
    source = render_html(make_report(), generated_at=GENERATED)
    first_verdict = source.index("Renew stage raised the renewal rate")
    assert first_verdict < source.index("<table")
    assert first_verdict < source.index("<svg")


def test_report_page_loads_nothing_from_the_network() -> None:
    source = render_html(make_report(), generated_at=GENERATED).lower()
    for reference in ("http://", "https://", "<script", "<link", "<img", "@import", "url("):
        assert reference not in source


def test_report_page_is_well_formed(page: Page) -> None:
    assert page.errors == []
    assert page.stack == []


def test_every_chart_on_the_page_draws_something(page: Page) -> None:
    # funnel, channel touches, channel cost, and one forest plot per measure (6 measures)
    assert len(page.svgs) == 3 + 6
    for children in page.svgs:
        assert "title" in children
        assert SVG_SHAPES & set(children)


def test_header_shows_program_period_confidence_window_and_generated_time(page: Page) -> None:
    text = page.plain_text()
    assert "SMB customer care" in text
    assert "smb-care" in text
    assert "1 Jan 2025 to 31 Mar 2025" in text
    assert "Confidence 95%" in text
    assert "Attribution window 90 days" in text
    assert "2025-04-01 09:30 UTC" in text


def test_sample_ratio_warning_appears_only_on_mismatch() -> None:
    fine = Page(render_html(make_report(mismatch=False), generated_at=GENERATED)).plain_text()
    off = Page(render_html(make_report(mismatch=True), generated_at=GENERATED)).plain_text()
    assert "sample-ratio mismatch" not in fine.lower()
    assert "fit the intended split (p = 0.410)" in fine
    assert "Warning: sample-ratio mismatch (p < 0.001)" in off


def test_arms_panel_shows_units_shares_and_the_check(page: Page) -> None:
    text = page.plain_text()
    assert "1,500 380 79.8% 80.0% 0.410" in text


def test_program_return_shows_revenue_and_roi_with_intervals_only_when_known(page: Page) -> None:
    text = page.plain_text()
    assert "Incremental revenue +329,250.00 95% CI 120,375.00 to 538,125.00" in text
    assert "Return on investment +687.7% 95% CI 188.0% to 1,187.4%" in text
    assert "Cost of touches 41,800.00" in text
    without = render_html(make_report(returns=False), generated_at=GENERATED)
    assert "Program return" not in without


def test_kpis_sit_in_three_tables_by_level_with_groups_under_the_whole(page: Page) -> None:
    text = page.plain_text()
    for level in ("Program", "Stage", "Operational"):
        assert f"{level} KPIs" in text
    assert "Renewal revenue All 1,234,567.50" in text
    assert "Free support registration All 47.0% North 52.0% South 41.0%" in text
    assert "SA activation rate All —" in text
    assert "Complaints captured All 37" in text
    assert "Customer satisfaction All 4.3" in text
    assert page.row_with("North", "52.0%") == "grouped"


def test_funnel_and_channels_show_counts_with_thousands_separators(page: Page) -> None:
    text = page.plain_text()
    assert "Welcome welcome 1,500 380 1,450 610 42.1%" in text
    assert "tsr_call 2,100 2,000 1,430 880 570 71.5% 61.5% 29,950.00" in text


def test_significant_lifts_are_marked_up_or_down_and_the_rest_greyed(page: Page) -> None:
    assert page.row_with("Renew", "renewal rate") == "tone-up"
    assert page.row_with("Use", "purchases per account") == "tone-down"
    assert page.row_with("Deploy", "products bought per account") == "tone-flat"
    assert page.row_with("Welcome", "transaction size") == "tone-none"


def test_lift_table_shows_levels_intervals_cuped_and_did(page: Page) -> None:
    text = page.plain_text()
    assert "74.0% n = 1,200 68.0% n = 300 ▲ +6.1 pp 3.2 to 9.0 +9.0% 4.5% to 13.4% < 0.001" in text
    assert "+219.50 80.25 to 358.75" in text
    assert "+201.00 95.00 to 307.00 +188.00 40.00 to 336.00" in text


def test_a_lift_without_an_interval_says_so_and_gives_the_reason(page: Page) -> None:
    text = page.plain_text()
    assert "— no interval a group has a zero denominator" in text
    assert "+12.00 no interval too few units for an interval" in text


def test_program_name_with_markup_is_escaped_everywhere() -> None:
    hostile = "<script>alert('x')</script> & Co"
    report = make_report(name=hostile)
    report = replace(report, funnel=(FunnelStage("s", hostile, 5, 1, 4, 2),))
    source = render_html(report, generated_at=GENERATED)
    assert "<script" not in source
    assert "&lt;script&gt;" in source
    assert hostile in Page(source).plain_text()
    assert json.loads(render_json(report))["program_name"] == hostile
    funnel = next(r for r in csv_rows(report) if r["section"] == "funnel")
    assert funnel["name"] == hostile


def test_an_empty_report_still_renders_every_section() -> None:
    report = replace(make_report(returns=False), kpis=(), funnel=(), channels=(), lifts=())
    page = Page(render_html(report, generated_at=GENERATED))
    text = page.plain_text()
    assert page.errors == []
    assert "No comparison between test and control can be stated" in text
    assert "No program KPIs for this period." in text
    assert "No data for this period" in text
    assert all(SVG_SHAPES & set(children) for children in page.svgs)


def test_json_round_trips_with_the_exact_numbers() -> None:
    report = make_report()
    data = json.loads(render_json(report))
    assert (data["start"], data["end"]) == ("2025-01-01", "2025-03-31")
    assert data["verdicts"] == report.verdicts()
    assert data["arms"] == {"test": 1500, "control": 380, "expected_test_share": 0.8,
                            "p_value": 0.41, "mismatch": False}  # fmt: skip
    renew = data["lifts"][1]
    assert renew["difference"] == {"estimate": 0.061, "low": 0.032, "high": 0.09}
    assert renew["test"] == {"n": 1200, "value": 0.74}
    assert (renew["unit"], renew["significant"]) == ("pp", True)
    assert renew["before_after"] is None
    assert data["lifts"][4]["difference"] == {"estimate": None, "low": None, "high": None}
    assert data["kpis"][5]["value"] is None
    assert data["returns"]["roi"]["high"] == 11.8738
    assert data["channels"][2]["cost"] == 29950.0


def test_json_is_stable_and_null_without_returns() -> None:
    report = make_report(returns=False)
    assert render_json(report) == render_json(report)
    assert json.loads(render_json(report))["returns"] is None


def csv_rows(report: ProgramReport) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render_csv(report))))


def test_csv_has_one_row_per_lift_kpi_channel_stage_plus_arms_and_return() -> None:
    sections = [row["section"] for row in csv_rows(make_report())]
    assert sections.count("lift") == 6
    assert sections.count("kpi") == 8
    assert sections.count("channel") == 3
    assert sections.count("funnel") == 4
    assert sections.count("arms") == 1
    assert sections.count("return") == 1
    assert "return" not in [row["section"] for row in csv_rows(make_report(returns=False))]


def test_csv_numbers_equal_the_inputs_without_formatting() -> None:
    report = make_report()
    rows = csv_rows(report)
    for row, source in zip([r for r in rows if r["section"] == "lift"], report.lifts, strict=True):
        assert row["measure"] == source.measure
        assert int(row["test_n"]) == source.test.n
        assert float(row["control_value"]) == source.control.value
        assert row["difference_low"] == ("" if source.difference.low is None
                                         else repr(source.difference.low))  # fmt: skip
    kpi = next(r for r in rows if r["kpi"] == "renewal_revenue")
    assert kpi["value"] == "1234567.5"
    assert next(r for r in rows if r["kpi"] == "sa_activation_rate")["value"] == ""
    channel = next(r for r in rows if r["channel"] == "tsr_call")
    assert (channel["sent"], channel["failed"], channel["cost"]) == ("2000", "570", "29950.0")
    stage = next(r for r in rows if r["section"] == "funnel" and r["scope"] == "renew")
    assert (stage["test_n"], stage["control_n"], stage["responded"]) == ("820", "205", "540")


def test_csv_rows_carry_the_program_and_iso_period_for_filtering() -> None:
    for row in csv_rows(make_report(mismatch=True)):
        assert (row["program_id"], row["start"], row["end"]) == (
            "smb-care",
            "2025-01-01",
            "2025-03-31",
        )
    arms = next(r for r in csv_rows(make_report(mismatch=True)) if r["section"] == "arms")
    assert (arms["mismatch"], arms["control_n"]) == ("true", "520")


def test_bar_chart_draws_negative_values_left_of_zero() -> None:
    svg = bar_chart("change", ["up", "down"], [Series("delta", "#000", (10.0, -5.0))])
    bars = [part for part in svg.split("<rect")[1:] if "delta:" in part]
    up_x = float(bars[0].split('x="')[1].split('"')[0])
    down_x = float(bars[1].split('x="')[1].split('"')[0])
    assert down_x < up_x
    assert "-5" in svg


def test_chart_labels_are_cut_short_with_the_whole_label_as_tooltip() -> None:
    label = "Quarterly business review with the finance director"
    svg = bar_chart("long", [label], [Series("n", "#000", (3.0,))])
    assert f"<title>{label}</title>" in svg
    assert "Quarterly business review…" in svg


def test_chart_text_is_escaped() -> None:
    svg = forest_plot("<b>&", [ForestRow("</svg><script>", 1.0, 0.5, 1.5, "up")], fmt=str)
    assert "<script>" not in svg
    assert "</svg><" not in svg.removesuffix("</svg>")
    assert "&lt;b&gt;&amp;" in svg


def test_forest_plot_without_intervals_still_draws_each_estimate() -> None:
    rows = [ForestRow("a", 2.0, None, None, "none"), ForestRow("b", None, None, None, "none")]
    svg = forest_plot("no bounds", rows, fmt=str)
    assert svg.count("<circle") == 1
    assert "no interval" in svg
    assert "no estimate" in svg
    assert "No comparisons" in forest_plot("nothing", [], fmt=str)


def test_axis_ticks_are_round_and_include_zero() -> None:
    assert nice_ticks(-3.2, 9.7) == [-2.0, 0.0, 2.0, 4.0, 6.0, 8.0]
    assert nice_ticks(1.0, 1.0) == [1.0]


def test_csv_text_never_starts_a_spreadsheet_formula() -> None:
    report = replace(make_report(), funnel=(FunnelStage("s", "=HYPERLINK(1)", 5, 1, 4, 2),))
    rows = csv_rows(report)
    assert next(r for r in rows if r["section"] == "funnel")["name"] == "'=HYPERLINK(1)"
    touch = next(r for r in rows if r["level"] == "touch")
    assert touch["name"] == "'-180 days: why renew"
    assert float(touch["difference"]) == 12.0
