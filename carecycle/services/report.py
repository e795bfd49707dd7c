"""Use case: the report of one program over a period — KPIs, funnel, channels and lifts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import uuid4

import numpy as np
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
    report_lines,
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
# The columns the lifts and the funnel read: fetching no more keeps the transfer small.
OUTCOME_COLUMNS = ("revenue", "orders", "products")
PROGRAM_COLUMNS = ("arm", *OUTCOME_COLUMNS, *(f"{c}_pre" for c in OUTCOME_COLUMNS))
CYCLE_COLUMNS = ("scope", "arm", "touched", "responded", "renewed", *OUTCOME_COLUMNS)
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
    units, renewals, stage_units, touch_units = _units(store, program.id, start, end, window, note)
    stages = _by_scope(stage_units, [s.id for s in program.stages])
    touches = _by_scope(touch_units, [t.id for t in program.touches])
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


def _units(
    store: Store,
    program_id: str,
    start: date,
    end: date,
    window: int,
    note: Progress,
) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """Return the program's units, its renewals, and its stage and touch units."""
    tables = store.tables()
    note("accounts and arms")
    # Every kind of unit claims purchases from the same lines: join them to orders once.
    with _once(store, report_lines(tables, start=start, end=end)) as lines:
        units = program_units(tables, program_id, start=start, end=end, lines=lines)
        renewals = program_renewals(tables, program_id, start=start, end=end)
        found = [units.select(*PROGRAM_COLUMNS).to_pyarrow(), renewals.to_pyarrow()]
        note("stages and touches")
        for level in ("stage", "touch"):
            cycles = cycle_units(
                tables, program_id, level=level, start=start, end=end, window_days=window,
                lines=lines,
            )  # fmt: skip
            found.append(cycles.select(*CYCLE_COLUMNS).to_pyarrow())
    return found[0], found[1], found[2], found[3]


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


def _by_scope(units: pa.Table, scopes: list[str]) -> dict[str, pa.Table]:
    """Return the units of each of the scopes, in their order, comparing scope names once."""
    encoded = pc.dictionary_encode(units["scope"]).combine_chunks()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    rest = units.drop_columns(["scope"]).combine_chunks()
    known = {str(scope): code for code, scope in enumerate(encoded.dictionary.to_pylist())}
    return {
        scope: rest.take(np.flatnonzero(codes == known[scope])) if scope in known else rest[:0]
        for scope in scopes
    }


def _cycle_lifts(
    program: Program, level: Level, units: dict[str, pa.Table], confidence: float
) -> list[Lift]:
    names = (
        {s.id: s.name for s in program.stages}
        if level == "stage"
        else {t.id: t.name for t in program.touches}
    )
    found = []
    for scope, name in names.items():
        mine = units[scope]
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


def _funnel(program: Program, stages: dict[str, pa.Table]) -> tuple[FunnelStage, ...]:
    found = []
    for stage in program.stages:
        mine = stages[stage.id]
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
