"""A program report as a page a manager can read offline.

The numbers and verdicts come from `measure.report` unchanged; this module only lays
them out. The page is self-contained: inline styles, charts drawn as inline SVG.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from carecycle.measure.charts import ForestRow, Series, Tone, bar_chart, forest_plot, plain
from carecycle.measure.experiments import Interval, Return
from carecycle.measure.report import (
    MEASURES,
    ChannelActivity,
    FunnelStage,
    KpiValue,
    Lift,
    ProgramReport,
    Unit,
    amount,
    bounds_text,
    verdict,
)

DASH = "—"
KPI_LEVELS = ("program", "stage", "operational")
FUNNEL_COLOURS = ("#2f6db5", "#9fb8d8", "#e0a43a", "#1a7f37")
CHANNEL_COLOURS = ("#b8c2cc", "#2f6db5", "#5c9bd6", "#1a7f37", "#c62828")


@dataclass(frozen=True)
class Cell:
    """A figure as shown in a table: the main text and a quieter line under it."""

    main: str
    sub: str = ""


@dataclass(frozen=True)
class LiftRow:
    """One line of the lift table, formatted."""

    level: str
    name: str
    scope: str
    measure: str
    test: Cell
    control: Cell
    difference: Cell
    relative: Cell
    p_value: str
    adjusted: Cell
    before_after: Cell
    tone: Tone
    note: str


@dataclass(frozen=True)
class KpiRow:
    """One line of a KPI table: the KPI's label on its first line only."""

    label: str
    group: str
    value: str


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("carecycle.measure", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: ProgramReport, *, generated_at: datetime) -> str:
    """Return the report as one self-contained HTML page that needs no network."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        confidence=f"{report.confidence:.0%}",
        generated_at=generated_at,
        generated_text=f"{generated_at:%Y-%m-%d %H:%M} {generated_at.tzname() or ''}".strip(),
        verdicts=_toned_verdicts(report),
        arms=_arms_cells(report),
        returns=_return_cells(report.returns, report.confidence),
        kpi_tables=[(level, _kpi_rows(report.kpis, level)) for level in _kpi_levels(report)],
        funnel_chart=_funnel_chart(report.funnel),
        channels=report.channels,
        channel_charts=_channel_charts(report.channels),
        lifts=[_lift_row(lift) for lift in report.lifts],
        forests=_forest_plots(report.lifts, report.confidence),
        day=day_text,
        plain=plain,
        money=money_text,
        share=share_text,
    )


def day_text(day: date) -> str:
    """Return a date as '1 Mar 2025', which no reader can take for another day."""
    return f"{day.day} {day:%b %Y}"


def money_text(value: float) -> str:
    """Return an amount with thousands separators and cents."""
    return f"{value:,.2f}"


def share_text(part: float, whole: float) -> str:
    """Return part ÷ whole as a percentage, '—' when the whole is zero."""
    return f"{part / whole:.1%}" if whole else DASH


def _tone(interval: Interval) -> Tone:
    if interval.covers_zero is None:
        return "none"
    if interval.covers_zero or interval.estimate is None:
        return "flat"
    return "up" if interval.estimate > 0 else "down"


def _toned_verdicts(report: ProgramReport) -> list[tuple[str, Tone]]:
    """Return the report's own verdicts, in its order, each with the tone of its lift."""
    tones = {verdict(lift, report.confidence): _tone(lift.difference) for lift in report.lifts}
    return [(sentence, tones.get(sentence, "flat")) for sentence in report.verdicts()]


def p_text(p: float | None) -> str:
    """Return a p-value as a manager reads it: three decimals, or '< 0.001'."""
    if p is None:
        return DASH
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def kpi_text(value: float | None, unit: str) -> str:
    """Return a KPI value in its unit: rates as %, money with cents, '—' when missing."""
    if value is None or not math.isfinite(value):
        return DASH
    if unit == "rate":
        return f"{value:.1%}"
    if unit == "money":
        return money_text(value)
    if unit == "score":
        return f"{value:,.1f}"
    return plain(value)


def _kpi_levels(report: ProgramReport) -> list[str]:
    others = sorted({k.level for k in report.kpis} - set(KPI_LEVELS))
    return [*KPI_LEVELS, *others]


def _kpi_rows(kpis: Iterable[KpiValue], level: str) -> list[KpiRow]:
    """Return one level's KPIs, each one's whole first and then its groups."""
    chosen = [k for k in kpis if k.level == level]
    order = list(dict.fromkeys(k.kpi for k in chosen))
    chosen.sort(key=lambda k: (order.index(k.kpi), k.group is not None))
    rows, seen = [], set()
    for k in chosen:
        label = "" if k.kpi in seen else k.label
        seen.add(k.kpi)
        rows.append(KpiRow(label, k.group or "", kpi_text(k.value, k.unit)))
    return rows


def _level_text(value: float, unit: Unit) -> str:
    return f"{value:.1%}" if unit == "pp" else amount(value, unit)


def _difference_cell(interval: Interval | None, unit: Unit) -> Cell:
    if interval is None:
        return Cell(DASH)
    if interval.estimate is None:
        return Cell(DASH, "no interval")
    return Cell(
        amount(interval.estimate, unit, signed=True), bounds_text(interval, unit) or "no interval"
    )


def _relative_cell(interval: Interval) -> Cell:
    if interval.estimate is None:
        return Cell(DASH, "no interval")
    if interval.low is None or interval.high is None:
        return Cell(f"{interval.estimate:+,.1%}", "no interval")
    return Cell(f"{interval.estimate:+,.1%}", f"{interval.low:,.1%} to {interval.high:,.1%}")


def _lift_row(lift: Lift) -> LiftRow:
    unit = lift.unit
    return LiftRow(
        level=lift.level,
        name=lift.name,
        scope=lift.scope,
        measure=MEASURES[lift.measure].label,
        test=Cell(_level_text(lift.test.value, unit), f"n = {lift.test.n:,}"),
        control=Cell(_level_text(lift.control.value, unit), f"n = {lift.control.n:,}"),
        difference=_difference_cell(lift.difference, unit),
        relative=_relative_cell(lift.relative),
        p_value=p_text(lift.p_value),
        adjusted=_difference_cell(lift.adjusted, unit),
        before_after=_difference_cell(lift.before_after, unit),
        tone=_tone(lift.difference),
        note=lift.note or "",
    )


def _arms_cells(report: ProgramReport) -> dict[str, str]:
    arms = report.arms
    total = arms.test + arms.control
    p = p_text(arms.p_value)
    return {
        "test": f"{arms.test:,}",
        "control": f"{arms.control:,}",
        "share": f"{arms.test / total:.1%}" if total else DASH,
        "expected": f"{arms.expected_test_share:.1%}",
        "p_value": p,
        "p_phrase": f"p {p}" if p.startswith("<") else f"p = {p}",
    }


def _return_cells(returns: Return | None, confidence: float) -> dict[str, Cell] | None:
    if returns is None:
        return None
    return {
        "incremental": _with_ci(_difference_cell(returns.incremental, "money"), confidence),
        "roi": _with_ci(_relative_cell(returns.roi), confidence),
        "cost": Cell(money_text(returns.cost)),
    }


def _with_ci(cell: Cell, confidence: float) -> Cell:
    if cell.sub in ("", "no interval"):
        return Cell(cell.main, cell.sub or "no interval")
    return Cell(cell.main, f"{confidence:.0%} CI {cell.sub}")


def _funnel_chart(funnel: tuple[FunnelStage, ...]) -> Markup:
    series = [
        Series("test units", FUNNEL_COLOURS[0], tuple(s.test for s in funnel)),
        Series("control units", FUNNEL_COLOURS[1], tuple(s.control for s in funnel)),
        Series("touched", FUNNEL_COLOURS[2], tuple(s.touched for s in funnel)),
        Series("responded", FUNNEL_COLOURS[3], tuple(s.responded for s in funnel)),
    ]
    return bar_chart("Units, touches and responses by stage", [s.name for s in funnel], series)


def _channel_charts(channels: tuple[ChannelActivity, ...]) -> tuple[Markup, Markup]:
    names = [c.channel for c in channels]
    fields = ("planned", "sent", "delivered", "responded", "failed")
    series = [
        Series(field, colour, tuple(getattr(c, field) for c in channels))
        for field, colour in zip(fields, CHANNEL_COLOURS, strict=True)
    ]
    cost = Series("cost", "#6b7280", tuple(c.cost for c in channels))
    return (
        bar_chart("Touches by channel and outcome", names, series),
        bar_chart("Cost by channel", names, [cost], fmt=money_text),
    )


def _estimate_format(unit: Unit) -> Callable[[float], str]:
    if unit == "pp":
        return lambda v: f"{v * 100:+,.1f}"
    return lambda v: amount(v, unit, signed=True)


def _tick_format(unit: Unit) -> Callable[[float], str]:
    scale = 100 if unit == "pp" else 1
    return lambda v: f"{round(v * scale, 9):+,.10g}" if v else "0"


def _forest_plots(lifts: tuple[Lift, ...], confidence: float) -> list[tuple[str, Markup]]:
    """Return one forest plot per measure, in the order the measures first appear."""
    plots = []
    for key in dict.fromkeys(lift.measure for lift in lifts):
        measure = MEASURES[key]
        rows = [_forest_row(lift) for lift in lifts if lift.measure == key]
        points = " in percentage points" if measure.unit == "pp" else ""
        title = f"Difference in {measure.label}{points}, test minus control, {confidence:.0%} CI"
        unit = measure.unit
        plot = forest_plot(title, rows, fmt=_estimate_format(unit), axis=_tick_format(unit))
        plots.append((title, plot))
    return plots


def _forest_row(lift: Lift) -> ForestRow:
    d = lift.difference
    label = f"{lift.level.capitalize()}: {lift.name}"
    return ForestRow(label, d.estimate, d.low, d.high, _tone(d))
