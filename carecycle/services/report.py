"""Use case: the report of one program over a period — KPIs, funnel, channels and lifts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from uuid import uuid4

from carecycle.errors import InputError
from carecycle.measure.experiments import Return, program_return, sample_ratio
from carecycle.measure.kpis import KPIS, evaluate_kpis
from carecycle.measure.lifts import (
    MISSED,
    NO_UNITS,
    REACHED,
    Group,
    arm_moments,
    compare_measure,
    cycle_renewals,
    cycle_units,
    groups_by_arm,
    program_renewals,
    program_units,
    report_orders,
    stage_renewals,
)
from carecycle.measure.report import (
    ChannelActivity,
    FunnelStage,
    KpiValue,
    Level,
    Lift,
    ProgramReport,
)
from carecycle.programs.loader import ProgramFile
from carecycle.programs.model import Program
from carecycle.store.db import Store
from carecycle.store.schema import CHANNEL_STATUSES, RESPONSES

PROGRAM_MEASURES = (
    "revenue", "purchase_frequency", "transaction_size", "cross_purchase", "renewal_rate",
)  # fmt: skip
CYCLE_MEASURES = ("influenced_revenue", "purchase_frequency", "cross_purchase", "renewal_rate")
# What the lifts and the funnel read of the units, per arm: means, variances, covariances
# (CUPED and before/after pair each outcome with its pre-period; a ratio pairs revenue with
# orders) and counts.
OUTCOME_COLUMNS = ("revenue", "orders", "products")
PROGRAM_MOMENTS: dict[str, Any] = {
    "means": (*OUTCOME_COLUMNS, *(f"{c}_pre" for c in OUTCOME_COLUMNS)),
    "pairs": (*((c, f"{c}_pre") for c in OUTCOME_COLUMNS), ("revenue", "orders")),
}
CYCLE_MOMENTS: dict[str, Any] = {
    "by": ("scope",),
    "means": OUTCOME_COLUMNS,
    "counts": ("touched", "responded", "renewed"),
}
Arms = dict[str, Group]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ReportOptions:
    """How a report measures: confidence, attribution window and channel costs."""

    confidence: float = 0.95
    attribution_days: int = 90
    costs: Mapping[str, float] | None = None


def build_report(
    store: Store,
    found: ProgramFile,
    *,
    start: date,
    end: date,
    options: ReportOptions,
    say: Progress | None = None,
) -> ProgramReport:
    """Return the program's report over [start, end]."""
    _check(start, end, options)
    note = say or (lambda _step: None)
    program, tables = found.program, store.tables()
    window = options.attribution_days
    note("accounts and arms")
    # Units and revenue claim purchases from the same orders: gather them once.
    claimable = report_orders(tables, start=start, end=end)
    with _once(store, claimable) as orders:
        units, renewals, stages, touches = _moments(
            store, tables, program.id, start, end, window, orders, note
        )
        note("channels")
        channels = _channels(tables, program.id, start, end, options.costs or {})
        note("key performance indicators")
        kpis = _kpis(tables, program.id, start, end, orders)
    note("lifts")
    lifts = _program_lifts(program, units, renewals, options.confidence)
    lifts += _cycle_lifts(program, "stage", stages, options.confidence)
    lifts += _cycle_lifts(program, "touch", touches, options.confidence)
    test = units.get("test", NO_UNITS).n
    control = units.get("holdout", NO_UNITS).n
    arms = sample_ratio(test, control, test_share=1 - program.holdout.share)
    return ProgramReport(
        program.id, program.name, start, end, options.confidence, window, arms, kpis,
        _funnel(program, stages), channels, tuple(lifts),
        _returns(lifts, test, sum(c.cost for c in channels)),
    )  # fmt: skip


def _check(start: date, end: date, options: ReportOptions) -> None:
    if end < start:
        raise InputError(f"--to {end} is before --from {start}")
    if not 0 < options.confidence < 1:
        raise InputError("--confidence must be between 0 and 1, e.g. 0.95")
    if options.attribution_days < 0:
        raise InputError("the attribution window must be 0 days or more")


@contextmanager
def _once(store: Store, expr: Any) -> Iterator[Any]:
    """Yield `expr` computed once into a temporary table, which is dropped afterwards."""
    con = store.ibis()
    name = f"report_{uuid4().hex}"
    table = con.create_table(name, expr, temp=True)
    try:
        yield table
    finally:
        # Ibis's own drop_table renders an empty DROP with the sqlglot the store pins.
        with con._safe_raw_sql(f'DROP TABLE IF EXISTS "{name}"'):
            pass


def _moments(
    store: Store,
    tables: Mapping[str, Any],
    program_id: str,
    start: date,
    end: date,
    window: int,
    orders: Any,
    note: Progress,
) -> tuple[Arms, Arms, dict[str, Arms], dict[str, Arms]]:
    """Return the arms' moments of the program's units and renewals, and of each stage's
    and each touch's units, claiming purchases from `orders` (`report_orders`)."""
    period = {"start": start, "end": end}
    units = program_units(tables, program_id, **period, orders=orders)
    renewals = program_renewals(tables, program_id, **period)
    program = arm_moments(units, **PROGRAM_MOMENTS).to_pyarrow()
    renewed = arm_moments(renewals, counts=("renewed",)).to_pyarrow()
    note("stages and touches")
    # The units are read twice (claiming, then joining their outcomes): compute them once.
    # A stage's units gather its touches', kept first.
    due = cycle_renewals(tables, program_id, level="touch", **period)
    cycles = []
    with (
        _once(store, due) as touch_units,
        _once(store, stage_renewals(tables, touch_units, **period)) as stage_units,
    ):
        kept: dict[Literal["stage", "touch"], Any] = {"stage": stage_units, "touch": touch_units}
        for level, units_due in kept.items():
            found = cycle_units(
                tables, program_id, level=level, **period, window_days=window, orders=orders,
                due=units_due,
            )  # fmt: skip
            cycles.append(arm_moments(found, **CYCLE_MOMENTS).to_pyarrow())
    stages, touches = (
        {scope: arms for (scope,), arms in groups_by_arm(table, ["scope"]).items()}
        for table in cycles
    )
    return groups_by_arm(program).get((), {}), groups_by_arm(renewed).get((), {}), stages, touches


def _program_lifts(program: Program, units: Arms, renewals: Arms, confidence: float) -> list[Lift]:
    found = []
    for measure in PROGRAM_MEASURES:
        arms = renewals if measure == "renewal_rate" else units
        found.append(
            compare_measure(
                arms, measure, level="program", scope=program.id, name=program.name,
                confidence=confidence,
            )
        )  # fmt: skip
    return found


def _cycle_lifts(
    program: Program, level: Level, units: dict[str, Arms], confidence: float
) -> list[Lift]:
    names = (
        {s.id: s.name for s in program.stages}
        if level == "stage"
        else {t.id: t.name for t in program.touches}
    )
    found = []
    for scope, name in names.items():
        arms = units.get(scope)
        if not arms:
            continue
        for measure in CYCLE_MEASURES:
            if measure == "renewal_rate" and not any(g.count("renewed")[1] for g in arms.values()):
                continue
            found.append(
                compare_measure(
                    arms, measure, level=level, scope=scope, name=name, confidence=confidence
                )
            )
    return found


def _funnel(program: Program, stages: dict[str, Arms]) -> tuple[FunnelStage, ...]:
    found = []
    for stage in program.stages:
        arms = stages.get(stage.id, {})
        test, control = arms.get("test", NO_UNITS), arms.get("holdout", NO_UNITS)
        found.append(
            FunnelStage(
                stage.id,
                stage.name,
                test.n,
                control.n,
                test.count("touched")[0],
                test.count("responded")[0],
            )
        )
    return tuple(found)


def _channels(
    tables: Mapping[str, Any], program_id: str, start: date, end: date, costs: Mapping[str, float]
) -> tuple[ChannelActivity, ...]:
    touches = tables["touches"]
    mine = touches.filter(
        touches.program_id == program_id,
        touches.planned_on >= start,
        touches.planned_on <= end,
        touches.status != "held_out",
        touches.channel.notnull(),
    )
    counts = mine.group_by("channel", "status").aggregate(n=mine.count()).to_pyarrow()
    tally: dict[str, dict[str, int]] = {}
    for row in counts.to_pylist():
        tally.setdefault(row["channel"], {})[row["status"]] = int(row["n"])
    return tuple(_activity(channel, tally[channel], costs) for channel in sorted(tally))


def _activity(
    channel: str, statuses: dict[str, int], costs: Mapping[str, float]
) -> ChannelActivity:
    def count(names: tuple[str, ...]) -> int:
        return sum(statuses.get(n, 0) for n in names)

    sent = count(CHANNEL_STATUSES)
    return ChannelActivity(
        channel=channel,
        planned=sent + statuses.get("planned", 0),
        sent=sent,
        delivered=count(REACHED),
        responded=count(RESPONSES),
        failed=count(MISSED),
        cost=round(sent * float(costs.get(channel, 0.0)), 2),
    )


def _kpis(
    tables: Mapping[str, Any], program_id: str, start: date, end: date, orders: Any
) -> tuple[KpiValue, ...]:
    found = evaluate_kpis(tables, start=start, end=end, program_id=program_id, orders=orders)
    return tuple(
        KpiValue(
            kpi=row["kpi"],
            label=KPIS[row["kpi"]].label,
            level=KPIS[row["kpi"]].level,
            unit=KPIS[row["kpi"]].unit,
            group=row["group"],
            value=row["value"],
        )
        for row in found.to_pylist()
    )


def _returns(lifts: list[Lift], treated: int, cost: float) -> Return | None:
    revenue = next((x for x in lifts if x.level == "program" and x.measure == "revenue"), None)
    if revenue is None or revenue.difference.estimate is None:
        return None
    return program_return(revenue.difference, treated=treated, cost=cost)
