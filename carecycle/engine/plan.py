"""The day's plan of a program: one set-based pass from agreements to decided touches.

Steps, each an Ibis expression over the whole base: the touches due today per cycle
(new ones, and deferred ones whose turn came), the audiences and eligibility they must
pass, the holdout arm, the contact and channel, the caps, quiet days and capacity. The
result has one row per touch decided today; the service writes it in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

import ibis
import pyarrow as pa

from carecycle.engine.arbitration import apply_capacity, apply_caps, apply_quiet_days, pick_contacts
from carecycle.engine.audience import FactNeeds, compile_condition
from carecycle.engine.facts import (
    attach_facts,
    first_purchases,
    live_agreements,
    without_right,
)
from carecycle.engine.triggers import (
    ANCHOR_COLUMNS,
    anchor_bounds,
    cycle_expr,
    moment_expr,
    shift_days,
)
from carecycle.programs.conditions import Condition, leaves
from carecycle.programs.model import Program, Stage, Touch

Tables = Mapping[str, Any]
DECISION_COLUMNS = (
    "program_id", "touch_id", "account_id", "cycle", "agreement_id", "stage_id",
    "contact_id", "channel", "content", "priority", "kpi", "due_on", "planned_on",
    "expires_on", "status", "reason", "touch_uid", "arm",
)  # fmt: skip


def keep(expr: Any) -> Any:
    """Return the expression itself: the default way `decide` settles its steps."""
    return expr


CYCLE_COLUMNS = (
    "account_id", "agreement_id", "start_on", "end_on", "program", "sa", "value",
    "partner_id", "renewed_from",
)  # fmt: skip


def program_conditions(program: Program) -> list[Condition]:
    """Return every condition of the program: audiences, eligibility and state triggers."""
    conditions = [program.audience, *(s.audience for s in program.stages)]
    conditions += [t.eligibility for t in program.touches]
    conditions += [t.trigger.when for t in program.touches if t.trigger.when is not None]
    return conditions


def program_needs(program: Program) -> FactNeeds:
    """Return every fact and test the program's conditions refer to."""
    return FactNeeds.of(leaf for cond in program_conditions(program) for leaf in leaves(cond))


def uses_anchor(program: Program, anchor: str) -> bool:
    """Return True when a trigger or window of the program hangs on `anchor`."""
    moments = [t.trigger.at for t in program.touches]
    moments += [m for s in program.stages for m in (s.window.start, s.window.end)]
    return any(m.anchor == anchor for m in moments)


def program_cycles(tables: Tables, program: Program, as_of: date) -> Any:
    """Return the live agreements the program may work on, with their anchors."""
    cycles = live_agreements(tables, as_of)
    if uses_anchor(program, "first_purchase"):
        cycles = without_right(cycles.left_join(first_purchases(tables, as_of), "account_id"))
    return cycles


def in_window(cycles: Any, stage: Stage, as_of: date) -> Any:
    """Return 'as_of lies in the stage's window' for each cycle."""
    start, end = moment_expr(cycles, stage.window.start), moment_expr(cycles, stage.window.end)
    return (start <= as_of) & (end >= as_of)


def _due_branch(cycles: Any, program: Program, stage: Stage, touch: Touch, as_of: date) -> Any:
    at = touch.trigger.at
    anchor = cycles[ANCHOR_COLUMNS[at.anchor]]
    if touch.trigger.when is None:
        grace = program.grace_of(touch)
        low, high = anchor_bounds(at, as_of - timedelta(days=grace), as_of)
        near = cycles.filter(anchor.between(low, high))
        due = moment_expr(near, at)
        expires = shift_days(due, grace)
    else:
        _, high = anchor_bounds(at, as_of, as_of)
        near = cycles.filter(anchor <= high)
        due = moment_expr(near, at)
        expires = moment_expr(near, stage.window.end)
    near = near.mutate(due_on=due, expires_on=expires)
    near = near.filter(
        near.due_on <= as_of, near.expires_on >= as_of, in_window(near, stage, as_of)
    )
    return near.mutate(
        touch_id=ibis.literal(touch.id),
        stage_id=ibis.literal(stage.id),
        cycle=cycle_expr(near, at.anchor),
    )


def due_touches(tables: Tables, program: Program, as_of: date) -> Any:
    """Return (cycle, touch) pairs due today that are new or deferred to today."""
    cycles = program_cycles(tables, program, as_of)
    branches = [
        _due_branch(cycles, program, stage, touch, as_of)
        for stage in program.stages
        for touch in stage.touches
    ]
    due = ibis.union(*branches) if len(branches) > 1 else branches[0]
    touches = tables["touches"].filter(lambda t: t.program_id == program.id)
    known = touches.select(
        "touch_id",
        "account_id",
        "cycle",
        known_uid="touch_uid",
        known_status="status",
        known_planned_on="planned_on",
    )
    due = without_right(due.left_join(known, ["touch_id", "account_id", "cycle"]))
    fresh = due.known_status.isnull()
    retry = (due.known_status == "deferred") & (due.known_planned_on <= as_of)
    return due.filter(fresh | retry)


def eligible(
    due: Any, tables: Tables, program: Program, as_of: date, *, settle: Callable[[Any], Any] = keep
) -> Any:
    """Return due touches whose program audience, stage audience and eligibility all hold."""
    needs = program_needs(program)
    # Facts belong to the agreement, not to each of its due touches: compute them once.
    agreements = due.select(*CYCLE_COLUMNS).distinct()
    facts = settle(attach_facts(agreements, tables, needs, as_of=as_of, program_id=program.id))
    extra = [c for c in facts.columns if c not in CYCLE_COLUMNS]
    keys = ["account_id", "agreement_id"]
    rows = without_right(due.join(facts.select(*keys, *extra), keys))
    checks = [compile_condition(program.audience, rows, needs)]
    checks.append(
        _per(
            rows.stage_id,
            {s.id: compile_condition(s.audience, rows, needs) for s in program.stages},
        )
    )
    checks.append(
        _per(
            rows.touch_id,
            {t.id: compile_condition(t.eligibility, rows, needs) for t in program.touches},
        )
    )
    states = {
        t.id: compile_condition(t.trigger.when, rows, needs)
        for t in program.touches
        if t.trigger.when
    }
    if states:
        checks.append(_per(rows.touch_id, states))
    return rows.filter(*checks)


def _per(column: Any, tests: dict[str, Any]) -> Any:
    return ibis.cases(*((column == key, test) for key, test in tests.items()), else_=True)


def touch_params(program: Program) -> Any:
    """Return one row per (touch, channel) with the touch's settings."""
    rows = [
        {
            "touch_id": touch.id,
            "channel": channel,
            "channel_rank": rank,
            "content": touch.content,
            "priority": touch.priority,
            "kpi": touch.kpi,
            "on_collision": touch.on_collision,
        }
        for touch in program.touches
        for rank, channel in enumerate(touch.channels)
    ]
    schema = pa.schema([
        ("touch_id", pa.string()), ("channel", pa.string()), ("channel_rank", pa.int64()),
        ("content", pa.string()), ("priority", pa.int64()), ("kpi", pa.string()),
        ("on_collision", pa.string()),
    ])  # fmt: skip
    return ibis.memtable(pa.Table.from_pylist(rows, schema=schema))


def candidates(
    tables: Tables, program: Program, as_of: date, *, settle: Callable[[Any], Any] = keep
) -> Any:
    """Return the touches due today whose audiences and eligibility hold.

    `settle` is applied to each step's result; the service uses it to materialise the
    day's candidates (a small set) so later steps read them instead of recomputing.
    """
    rows = settle(due_touches(tables, program, as_of))
    rows = settle(eligible(rows, tables, program, as_of, settle=settle))
    if uses_anchor(program, "first_purchase"):
        first = ibis.row_number().over(
            group_by=[rows.touch_id, rows.account_id, rows.cycle], order_by=rows.agreement_id
        )
        rows = rows.mutate(dup=first).filter(lambda t: t.dup == 0).drop("dup")
    return rows


def unassigned_accounts(rows: Any, assignments: Any, program: Program) -> Any:
    """Return the accounts among today's candidates that have no holdout arm yet."""
    logged = assignments.filter(assignments.program_id == program.id)
    return rows.select("account_id").distinct().anti_join(logged, "account_id")


def arbitrate(
    rows: Any,
    tables: Tables,
    program: Program,
    as_of: date,
    *,
    assignments: Any,
    settle: Callable[[Any], Any] = keep,
) -> Any:
    """Return today's decisions for the candidates: one row per touch, status and reason."""
    rows = rows.mutate(key=rows.touch_id + "|" + rows.account_id + "|" + rows.cycle)
    params = touch_params(program)
    first_channel = params.filter(params.channel_rank == 0).drop("channel_rank")
    rows = rows.join(first_channel.rename(first_channel="channel"), "touch_id")
    mine = assignments.filter(assignments.program_id == program.id).select("account_id", "arm")
    rows = rows.left_join(mine, "account_id").drop("account_id_right")
    channels = params.select("touch_id", "channel", "channel_rank")
    rows = settle(pick_contacts(rows, tables, program, channels))
    rows = settle(_reachability(rows, program))
    rows = apply_caps(rows, tables, program, as_of, settle=settle)
    rows = settle(apply_quiet_days(rows, program, as_of))
    rows = settle(apply_capacity(rows, tables, program, as_of))
    return _decisions(rows, program, as_of)


def _reachability(rows: Any, program: Program) -> Any:
    held = rows.arm == "holdout"
    unreachable = ~held & rows.picked_channel.isnull()
    return rows.mutate(
        status=ibis.cases(
            (held, "held_out"), (unreachable, "suppressed"), else_=ibis.null("string")
        ),
        reason=ibis.cases(
            (held, "account is in the holdout group"),
            (unreachable, _unreachable_reason(rows, program)),
            else_=ibis.null("string"),
        ),
    )


def _unreachable_reason(rows: Any, program: Program) -> Any:
    texts = {
        t.id: "no contact reachable on "
        + "/".join(t.channels)
        + " (address, consent or do-not-contact)"
        for t in program.touches
    }
    return ibis.cases(
        *((rows.touch_id == k, v) for k, v in texts.items()), else_="no reachable contact"
    )


def _decisions(rows: Any, program: Program, as_of: date) -> Any:
    status = rows.status.fill_null("planned")
    deferred = status == "deferred"
    return rows.select(
        program_id=ibis.literal(program.id),
        touch_id=rows.touch_id,
        account_id=rows.account_id,
        cycle=rows.cycle,
        agreement_id=rows.agreement_id,
        stage_id=rows.stage_id,
        contact_id=rows.picked_contact,
        channel=ibis.coalesce(rows.picked_channel, rows.first_channel),
        content=rows.content,
        priority=rows.priority,
        kpi=rows.kpi,
        due_on=rows.due_on.cast("date"),
        planned_on=ibis.ifelse(
            deferred, ibis.literal(as_of + timedelta(days=1)), ibis.literal(as_of)
        ),
        expires_on=rows.expires_on.cast("date"),
        status=status,
        reason=rows.reason,
        touch_uid=rows.known_uid,
        arm=rows.arm,
    )
