"""Why an account is or is not in a stage, and what happens to each touch of a program.

The same compiled conditions the planner uses are evaluated for one account, one
column per test, and the verdicts are read off those values: planned (or whatever the
store says happened), not due yet (and when), missed, or not eligible (which test failed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from carecycle.engine.audience import compile_compare
from carecycle.engine.facts import attach_facts
from carecycle.engine.plan import program_conditions, program_cycles, program_needs
from carecycle.engine.triggers import cycle_key, moment_on
from carecycle.programs.conditions import (
    All,
    AnyOf,
    Compare,
    Condition,
    HasContact,
    Not,
    Received,
    describe,
    leaves,
)
from carecycle.programs.model import Program, Stage, Touch

Tables = Mapping[str, Any]
Leaf = Compare | Received | HasContact


@dataclass(frozen=True)
class TouchVerdict:
    """What happens to one touch of one cycle, and why."""

    touch_id: str
    stage_id: str
    cycle: str
    verdict: str
    detail: str
    due_on: date | None


@dataclass(frozen=True)
class CycleExplanation:
    """One agreement of the account: its stage today and every touch's verdict."""

    agreement_id: str
    licence_program: str
    start_on: date
    end_on: date
    stage: str | None
    stage_detail: str
    touches: list[TouchVerdict]


@dataclass(frozen=True)
class Explanation:
    """Everything the program decides, or would decide, about one account on one day."""

    account_id: str
    program_id: str
    as_of: date
    arm: str | None
    cycles: list[CycleExplanation]


def leaf_name(index: int) -> str:
    """Return the column that carries the value of leaf number `index`."""
    return f"leaf__{index}"


def program_leaves(program: Program) -> list[Leaf]:
    """Return every distinct test of the program, in a fixed order."""
    conditions = program_conditions(program)
    return list(dict.fromkeys(leaf for cond in conditions for leaf in leaves(cond)))


def account_frame(tables: Tables, program: Program, account_id: str, as_of: date) -> Any:
    """Return one row per agreement of the account, with anchors and every test's value."""
    cycles = program_cycles(tables, program, as_of)
    cycles = cycles.filter(cycles.account_id == account_id)
    needs = program_needs(program)
    rows = attach_facts(cycles, tables, needs, as_of=as_of, program_id=program.id)
    values = {}
    for i, leaf in enumerate(program_leaves(program)):
        if isinstance(leaf, Compare):
            values[leaf_name(i)] = compile_compare(leaf, rows)
        else:
            values[leaf_name(i)] = rows[needs.column(leaf)]
    keep = ["agreement_id", "program", "start_on", "end_on"]
    if "first_purchase" in rows.columns:
        keep.append("first_purchase")
    return rows.select(*keep, **values).order_by("start_on")


def holds(condition: Condition, values: Mapping[Leaf, bool]) -> bool:
    """Return whether a condition holds given each leaf's value."""
    if isinstance(condition, All):
        return all(holds(p, values) for p in condition.parts)
    if isinstance(condition, AnyOf):
        return any(holds(p, values) for p in condition.parts)
    if isinstance(condition, Not):
        return not holds(condition.part, values)
    return bool(values[condition])


def failures(condition: Condition, values: Mapping[Leaf, bool]) -> list[str]:
    """Return, readably, the parts of a condition that make it fail (empty when it holds)."""
    if holds(condition, values):
        return []
    if isinstance(condition, All):
        return [f for p in condition.parts for f in failures(p, values)]
    return [f"not met: {describe(condition)}"]


def explain_cycles(
    program: Program,
    rows: list[dict[str, Any]],
    known: Mapping[tuple[str, str], dict[str, Any]],
    *,
    as_of: date,
    arm: str | None,
) -> list[CycleExplanation]:
    """Return the explanation of every cycle from its fetched row and the stored touches."""
    ordered = program_leaves(program)
    result = []
    for row in rows:
        values = {leaf: bool(row[leaf_name(i)]) for i, leaf in enumerate(ordered)}
        anchors = {"start": row["start_on"], "end": row["end_on"]}
        anchors["first_purchase"] = row.get("first_purchase")
        stage, detail = _stage_of(program, values, anchors, as_of)
        verdicts = [
            _verdict(program, stage_, touch, row, values, anchors, known, as_of=as_of, arm=arm)
            for stage_ in program.stages
            for touch in stage_.touches
        ]
        result.append(
            CycleExplanation(
                row["agreement_id"],
                row["program"],
                row["start_on"],
                row["end_on"],
                stage,
                detail,
                verdicts,
            )
        )
    return result


def _window(stage: Stage, anchors: Mapping[str, date | None]) -> tuple[date | None, date | None]:
    return moment_on(stage.window.start, dict(anchors)), moment_on(stage.window.end, dict(anchors))


def _stage_of(
    program: Program, values: Mapping[Leaf, bool], anchors: Mapping[str, date | None], as_of: date
) -> tuple[str | None, str]:
    if not holds(program.audience, values):
        return None, "outside the program: " + "; ".join(failures(program.audience, values))
    notes = []
    for stage in program.stages:
        start, end = _window(stage, anchors)
        if start is None or end is None or not start <= as_of <= end:
            continue
        if holds(stage.audience, values):
            return stage.id, f"in {stage.name} ({start} to {end})"
        notes.append(f"{stage.name} window but " + "; ".join(failures(stage.audience, values)))
    return None, "; ".join(notes) or "no stage window covers this day"


def _verdict(
    program: Program,
    stage: Stage,
    touch: Touch,
    row: Mapping[str, Any],
    values: Mapping[Leaf, bool],
    anchors: Mapping[str, date | None],
    known: Mapping[tuple[str, str], dict[str, Any]],
    *,
    as_of: date,
    arm: str | None,
) -> TouchVerdict:
    cycle = cycle_key(row["agreement_id"], row["end_on"], touch.trigger.at.anchor)
    due = moment_on(touch.trigger.at, dict(anchors))

    def verdict(kind: str, detail: str) -> TouchVerdict:
        return TouchVerdict(touch.id, stage.id, cycle, kind, detail, due)

    stored = known.get((touch.id, cycle))
    if stored is not None:
        when = stored["planned_on"]
        return verdict(stored["status"], stored["reason"] or f"on {when}")
    start, end = _window(stage, anchors)
    if due is None or start is None or end is None:
        return verdict("not due", f"its anchor {touch.trigger.at.anchor} is unknown")
    timing = _timing(program, touch, due, end, as_of)
    if timing is not None:
        return verdict(*timing)
    if not start <= as_of <= end:
        return verdict("not due", f"outside the {stage.name} window ({start} to {end})")
    checks = [program.audience, stage.audience, touch.eligibility]
    if touch.trigger.when is not None:
        checks.append(touch.trigger.when)
    failed = [f for cond in checks for f in failures(cond, values)]
    if failed:
        return verdict("not eligible", "; ".join(failed))
    if arm == "holdout":
        return verdict("held_out", "due now; the account is in the holdout group")
    return verdict("due", "due now: the next plan run decides it")


def _timing(
    program: Program, touch: Touch, due: date, window_end: date, as_of: date
) -> tuple[str, str] | None:
    if due > as_of:
        return "not due", f"due on {due}"
    last = (
        window_end
        if touch.trigger.when is not None
        else due + timedelta(days=program.grace_of(touch))
    )
    if last < as_of:
        return "missed", f"was due on {due}; it could go out until {last} and was not planned"
    return None
