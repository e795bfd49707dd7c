"""Use case: the report of one program over a period — KPIs, funnel, channels and lifts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from carecycle.errors import InputError
from carecycle.measure.experiments import Return, program_return, sample_ratio
from carecycle.measure.kpis import KPIS, evaluate_kpis
from carecycle.measure.lifts import (
    MISSED,
    REACHED,
    compare_measure,
    cycle_units,
    program_renewals,
    program_units,
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
    note("accounts and arms")
    units = program_units(tables, program.id, start=start, end=end).to_pyarrow()
    renewals = program_renewals(tables, program.id, start=start, end=end).to_pyarrow()
    note("stages and touches")
    window = options.attribution_days
    stages = _cycles(tables, program.id, "stage", start, end, window)
    touches = _cycles(tables, program.id, "touch", start, end, window)
    note("channels")
    channels = _channels(tables, program.id, start, end, options.costs or {})
    note("key performance indicators")
    kpis = _kpis(tables, program.id, start, end)
    note("lifts")
    lifts = _program_lifts(program, units, renewals, options.confidence)
    lifts += _cycle_lifts(program, "stage", stages, options.confidence)
    lifts += _cycle_lifts(program, "touch", touches, options.confidence)
    test = int(pc.sum(pc.equal(units["arm"], "test")).as_py() or 0)
    arms = sample_ratio(test, units.num_rows - test, test_share=1 - program.holdout.share)
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


def _cycles(
    tables: Mapping[str, Any], program_id: str, level: Any, start: date, end: date, window: int
) -> pa.Table:
    expr = cycle_units(tables, program_id, level=level, start=start, end=end, window_days=window)
    return expr.to_pyarrow()


def _program_lifts(
    program: Program, units: pa.Table, renewals: pa.Table, confidence: float
) -> list[Lift]:
    found = []
    for measure in PROGRAM_MEASURES:
        table = renewals if measure == "renewal_rate" else units
        found.append(
            compare_measure(
                table, measure, level="program", scope=program.id, name=program.name,
                confidence=confidence,
            )
        )  # fmt: skip
    return found


def _cycle_lifts(program: Program, level: Level, units: pa.Table, confidence: float) -> list[Lift]:
    names = (
        {s.id: s.name for s in program.stages}
        if level == "stage"
        else {t.id: t.name for t in program.touches}
    )
    found = []
    for scope, name in names.items():
        mine = units.filter(pc.equal(units["scope"], scope))
        if mine.num_rows == 0:
            continue
        for measure in CYCLE_MEASURES:
            if measure == "renewal_rate" and mine["renewed"].null_count == mine.num_rows:
                continue
            found.append(
                compare_measure(
                    mine, measure, level=level, scope=scope, name=name, confidence=confidence
                )
            )
    return found


def _funnel(program: Program, stages: pa.Table) -> tuple[FunnelStage, ...]:
    found = []
    for stage in program.stages:
        mine = stages.filter(pc.equal(stages["scope"], stage.id))
        test = mine.filter(pc.equal(mine["arm"], "test"))
        found.append(
            FunnelStage(
                stage.id,
                stage.name,
                test.num_rows,
                mine.num_rows - test.num_rows,
                int(pc.sum(test["touched"]).as_py() or 0),
                int(pc.sum(test["responded"]).as_py() or 0),
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
    tables: Mapping[str, Any], program_id: str, start: date, end: date
) -> tuple[KpiValue, ...]:
    found = evaluate_kpis(tables, start=start, end=end, program_id=program_id)
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
