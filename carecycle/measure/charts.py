"""Small inline SVG charts for the program report: grouped bars and forest plots.

Each chart is a complete `<svg>` element built from plain numbers, with every piece of
text escaped, so the page that holds it needs no script, font or file from elsewhere.
A chart always draws something: without data it says so in words.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup, escape

Tone = Literal["up", "down", "flat", "none"]
TONES: dict[Tone, str] = {"up": "#1a7f37", "down": "#c62828", "flat": "#8a8f98", "none": "#8a8f98"}
INK = "#1f2933"
MUTED = "#6b7280"
RULE = "#d5d9de"
WIDTH = 680
LABEL_WIDTH = 180
LABEL_CHARS = 26
BAR = 12
ROW_GAP = 12
FOREST_ROW = 26
SUMMARY_WIDTH = 215


@dataclass(frozen=True)
class Series:
    """One set of bars: a name for the legend, a fill colour and one value per label."""

    name: str
    colour: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class ForestRow:
    """One estimate and its interval (bounds absent when not computable)."""

    label: str
    estimate: float | None
    low: float | None
    high: float | None
    tone: Tone


def plain(value: float) -> str:
    """Return a number with thousands separators and no needless decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _text(x: float, y: float, content: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(content)}</text>'


def _label(x: float, y: float, content: str, *, limit: int = LABEL_CHARS) -> str:
    """Return a right-aligned label, cut to `limit` characters with the whole as tooltip."""
    if len(content) <= limit:
        return _text(x, y, content, text_anchor="end", fill=INK)
    short = content[: limit - 1] + "…"
    inner = _text(x, y, short, text_anchor="end", fill=INK)
    return f"<g><title>{escape(content)}</title>{inner}</g>"


def _svg(title: str, height: float, body: Sequence[str]) -> Markup:
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
        f'height="{height:.0f}" role="img" aria-label="{escape(title)}" '
        f'font-family="inherit" font-size="12">'
    )
    return Markup(f"{head}<title>{escape(title)}</title>{''.join(body)}</svg>")


def _empty(title: str, message: str) -> Markup:
    return _svg(title, 40, [_text(WIDTH / 2, 24, message, text_anchor="middle", fill=MUTED)])


def _scale(low: float, high: float, left: float, right: float) -> Callable[[float], float]:
    span = (high - low) or 1.0
    return lambda v: left + (v - low) / span * (right - left)


def _legend(series: Sequence[Series]) -> list[str]:
    parts, x = [], float(LABEL_WIDTH)
    for item in series:
        swatch = f'<rect x="{x:.1f}" y="6" width="10" height="10" fill="{escape(item.colour)}"/>'
        parts.append(swatch)
        parts.append(_text(x + 14, 15, item.name, fill=INK))
        x += 24 + 7 * len(item.name)
    return parts


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    fmt: Callable[[float], str] = plain,
) -> Markup:
    """Return horizontal grouped bars, one group per label, negatives left of zero."""
    if not labels or not series:
        return _empty(title, "No data for this period")
    values = [v for item in series for v in item.values]
    low, high = min([0.0, *values]), max([0.0, *values])
    x = _scale(low, high, LABEL_WIDTH + (80 if low < 0 else 10), WIDTH - 80)
    group = len(series) * BAR + ROW_GAP
    body = _legend(series)
    body.append(_line(x(0.0), 26, x(0.0), 26 + group * len(labels), f'stroke="{MUTED}"'))
    for row, label in enumerate(labels):
        top = 30 + row * group
        body.append(_label(LABEL_WIDTH, top + len(series) * BAR / 2 + 4, label))
        for index, item in enumerate(series):
            body.append(_bar(x, item, item.values[row], top + index * BAR, fmt))
    return _svg(title, 34 + group * len(labels), body)


def _line(x1: float, y1: float, x2: float, y2: float, style: str) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style}/>'


def _bar(
    x: Callable[[float], float], item: Series, value: float, top: float, fmt: Callable[[float], str]
) -> str:
    start, end = sorted((x(0.0), x(value)))
    shape = (
        f'<rect x="{start:.1f}" y="{top:.1f}" width="{max(end - start, 0.5):.1f}" '
        f'height="{BAR - 2}" fill="{escape(item.colour)}"><title>{escape(item.name)}: '
        f"{escape(fmt(value))}</title></rect>"
    )
    anchor = (end + 4, "start") if value >= 0 else (start - 4, "end")
    note = _text(
        anchor[0], top + BAR - 3, fmt(value), text_anchor=anchor[1], fill=MUTED, font_size="10"
    )
    return shape + note


def nice_ticks(low: float, high: float, *, count: int = 5) -> list[float]:
    """Return about `count` round ticks (steps of 1, 2 or 5 × 10ⁿ) within low..high."""
    span = high - low
    if span <= 0 or not math.isfinite(span):
        return [low]
    magnitude = 10.0 ** math.floor(math.log10(span / count))
    step = min((m * magnitude for m in (1, 2, 5, 10)), key=lambda s: abs(span / s - count))
    first = math.ceil(low / step)
    last = math.floor(high / step)
    return [round(i * step, 12) + 0.0 for i in range(first, last + 1)]


def _forest_domain(rows: Sequence[ForestRow]) -> tuple[float, float, list[float]]:
    """Return the padded range to draw and round ticks in it (only zero without data)."""
    points = [v for r in rows for v in (r.estimate, r.low, r.high) if v is not None]
    low, high = min([0.0, *points]), max([0.0, *points])
    pad = (high - low) * 0.08 or 1.0
    ticks = nice_ticks(low - pad, high + pad, count=4) if points else [0.0]
    return low - pad, high + pad, ticks


def forest_plot(
    title: str,
    rows: Sequence[ForestRow],
    *,
    fmt: Callable[[float], str],
    axis: Callable[[float], str] | None = None,
) -> Markup:
    """Return each estimate as a point on its interval, against a dashed zero line."""
    if not rows:
        return _empty(title, "No comparisons for this measure")
    low, high, ticks = _forest_domain(rows)
    x = _scale(low, high, LABEL_WIDTH + 10, WIDTH - SUMMARY_WIDTH - 20)
    bottom = 10 + FOREST_ROW * len(rows)
    body = _axis(x, ticks, bottom, axis or fmt)
    for index, row in enumerate(rows):
        body.extend(_forest_row(x, row, 10 + index * FOREST_ROW + FOREST_ROW / 2, fmt))
    return _svg(title, bottom + 22, body)


def _axis(
    x: Callable[[float], float], ticks: Sequence[float], bottom: float, fmt: Callable[[float], str]
) -> list[str]:
    parts = []
    for tick in ticks:
        style = f'stroke="{MUTED}" stroke-dasharray="4 3"' if tick == 0 else f'stroke="{RULE}"'
        pos = x(tick)
        parts.append(_line(pos, 6, pos, bottom, style))
        parts.append(
            _text(pos, bottom + 15, fmt(tick), text_anchor="middle", fill=MUTED, font_size="10")
        )
    return parts


def _forest_row(
    x: Callable[[float], float], row: ForestRow, y: float, fmt: Callable[[float], str]
) -> list[str]:
    colour = TONES[row.tone]
    parts = [_label(LABEL_WIDTH, y + 4, row.label)]
    if row.estimate is None:
        return [*parts, _text(x(0.0) + 6, y + 4, "no estimate", fill=MUTED)]
    if row.low is not None and row.high is not None:
        a, b, style = x(row.low), x(row.high), f'stroke="{colour}" stroke-width="2"'
        parts += [_line(a, y, b, y, style), _line(a, y - 5, a, y + 5, style)]
        parts.append(_line(b, y - 5, b, y + 5, style))
        summary = f"{fmt(row.estimate)} ({fmt(row.low)} to {fmt(row.high)})"
    else:
        summary = f"{fmt(row.estimate)} (no interval)"
    tip = f"<title>{escape(row.label)}: {escape(summary)}</title>"
    dot = f'<circle cx="{x(row.estimate):.1f}" cy="{y:.1f}" r="5" fill="{colour}">{tip}</circle>'
    note = _text(WIDTH - SUMMARY_WIDTH, y + 4, summary, fill=colour, font_size="11")
    return [*parts, dot, note]
