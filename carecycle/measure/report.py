"""What a program report holds: KPIs at three levels, the funnel, channels and the lifts.

The report is plain frozen data, assembled by the measurement service and rendered to
HTML, JSON or CSV by `measure.render`. Verdicts are written here, from the numbers, so
every format says the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from carecycle.measure.experiments import Interval, Return, SampleRatio

Level = Literal["program", "stage", "touch"]
Unit = Literal["pp", "money", "count", "ratio"]


@dataclass(frozen=True)
class Measure:
    """A per-unit outcome compared between test and control."""

    key: str
    label: str
    unit: Unit
    kind: Literal["mean", "proportion", "ratio"]


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure("renewal_rate", "renewal rate", "pp", "proportion"),
        Measure("revenue", "revenue per account", "money", "mean"),
        Measure("purchase_frequency", "purchases per account", "count", "mean"),
        Measure("transaction_size", "transaction size", "money", "ratio"),
        Measure("cross_purchase", "products bought per account", "count", "mean"),
        Measure("influenced_revenue", "influenced revenue per account", "money", "mean"),
    )
}


@dataclass(frozen=True)
class Side:
    """One arm of a comparison: its units and the measure's value over them."""

    n: int
    value: float


@dataclass(frozen=True)
class Lift:
    """Test against control on one measure, for the program, a stage or a touch."""

    level: Level
    scope: str
    name: str
    measure: str
    test: Side
    control: Side
    difference: Interval
    relative: Interval
    p_value: float | None
    note: str | None = None
    adjusted: Interval | None = None
    before_after: Interval | None = None

    @property
    def unit(self) -> Unit:
        """Return the unit the difference is expressed in."""
        return MEASURES[self.measure].unit

    @property
    def significant(self) -> bool:
        """Return True when the interval of the difference excludes zero."""
        return self.difference.covers_zero is False


@dataclass(frozen=True)
class KpiValue:
    """One KPI's value over the report's period, for one group (None: the whole)."""

    kpi: str
    label: str
    level: str
    unit: str
    group: str | None
    value: float | None


@dataclass(frozen=True)
class FunnelStage:
    """How many cycles reached a stage, and what its touches did in the test arm."""

    stage_id: str
    name: str
    test: int
    control: int
    touched: int
    responded: int


@dataclass(frozen=True)
class ChannelActivity:
    """One channel's touches over the period, by what happened to them, and their cost."""

    channel: str
    planned: int
    sent: int
    delivered: int
    responded: int
    failed: int
    cost: float


@dataclass(frozen=True)
class ProgramReport:
    """Everything `carecycle report` shows for one program over one period."""

    program_id: str
    program_name: str
    start: date
    end: date
    confidence: float
    attribution_days: int
    arms: SampleRatio
    kpis: tuple[KpiValue, ...]
    funnel: tuple[FunnelStage, ...]
    channels: tuple[ChannelActivity, ...]
    lifts: tuple[Lift, ...]
    returns: Return | None

    def verdicts(self) -> list[str]:
        """Return one plain sentence per lift that can be stated, the clear ones first."""
        clear = [verdict(lift, self.confidence) for lift in self.lifts if lift.significant]
        unclear = [
            verdict(lift, self.confidence)
            for lift in self.lifts
            if not lift.significant and lift.level != "touch"
        ]
        return clear + unclear


def amount(value: float, unit: Unit, *, signed: bool = False) -> str:
    """Return a value as the report writes it: points for rates, two decimals otherwise."""
    scaled = value * 100 if unit == "pp" else value
    text = f"{scaled:+,.1f}" if signed else f"{scaled:,.1f}"
    if unit == "pp":
        return f"{text} pp"
    if unit in ("money", "ratio"):
        return f"{scaled:+,.2f}" if signed else f"{scaled:,.2f}"
    return f"{scaled:+,.3f}" if signed else f"{scaled:,.3f}"


def bounds_text(interval: Interval, unit: Unit) -> str | None:
    """Return 'low to high' in the unit (points without their ' pp'), None without bounds."""
    if interval.low is None or interval.high is None:
        return None
    low, high = (amount(v, unit).removesuffix(" pp") for v in (interval.low, interval.high))
    return f"{low} to {high}"


def interval_text(interval: Interval, unit: Unit, confidence: float) -> str:
    """Return '95% CI low to high', or why there is none."""
    bounds = bounds_text(interval, unit)
    return "no interval" if bounds is None else f"{confidence:.0%} CI {bounds}"


def _subject(lift: Lift) -> str:
    if lift.level == "program":
        return f"The {lift.name} program"
    if lift.level == "stage":
        return f"{lift.name} stage"
    return f"Touch {lift.name!r}"


def verdict(lift: Lift, confidence: float) -> str:
    """Return the plain-language sentence for one lift."""
    label = MEASURES[lift.measure].label
    estimate = lift.difference.estimate
    if estimate is None:
        return f"{_subject(lift)}: {label} cannot be compared ({lift.note or 'no data'})."
    size = amount(abs(estimate), lift.unit)
    ci = interval_text(lift.difference, lift.unit, confidence)
    if lift.significant:
        verb = "raised" if estimate > 0 else "lowered"
        return f"{_subject(lift)} {verb} the {label} by {size}, {ci}."
    shown = amount(estimate, lift.unit, signed=True)
    return f"{_subject(lift)}: no clear effect on the {label} ({shown}, {ci})."
