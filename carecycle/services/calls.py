"""Use cases: a call team's queue for now, and what an agent records after a call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from carecycle.channels.calls import CallItem, call_item
from carecycle.channels.kit import ChannelKit
from carecycle.errors import InputError
from carecycle.services.outbox import closed_reason, load_dispatches
from carecycle.services.outcomes import Outcome, Recorded, apply_outcome, load_touch
from carecycle.store import schema
from carecycle.store.db import Store


def call_queue(
    store: Store,
    kit: ChannelKit,
    *,
    now: datetime,
    team: str | None = None,
    agent: str | None = None,
) -> list[CallItem]:
    """Return the calls due by `now`, most urgent first, for one team or all."""
    d, t = schema.dispatches, schema.touches
    due = sa.and_(d.c.channel == "tsr_call", d.c.state == "queued", d.c.next_attempt_at <= now)
    if team is not None:
        due = sa.and_(due, d.c.team == team)
    queued = sa.select(d.c.touch_uid).where(due)
    with store.begin() as conn:
        rows = conn.execute(
            sa.select(d.c.touch_uid, d.c.team, d.c.attempts, d.c.next_attempt_at).where(due)
        ).all()
        # A contact who said "do not call" since the call was queued is not called.
        still_open = closed_reason("tsr_call").is_(None)
        dispatches = load_dispatches(conn, t.c.touch_uid.in_(queued) & still_open, now.date())
    found = {r.touch_uid: r for r in rows}
    return [
        call_item(
            dispatch,
            team=found[dispatch.touch_uid].team or "",
            attempts=int(found[dispatch.touch_uid].attempts),
            next_attempt_at=found[dispatch.touch_uid].next_attempt_at,
            agent=agent,
        )
        for dispatch in dispatches
    ]


def record_outcome(store: Store, kit: ChannelKit, outcome: Outcome) -> Recorded:
    """Record one outcome of a touch in its own transaction."""
    with store.begin() as conn:
        return apply_outcome(conn, outcome, retry=kit.call_retry)


CALL_RESULTS = ("reached", "not_reached", "wrong_number", "call_back", "do_not_call")


@dataclass(frozen=True)
class CallReport:
    """What an agent reports after one call: the result and what the call produced."""

    touch_uid: str
    result: str
    occurred_at: datetime
    call_back_at: datetime | None = None
    note: str | None = None
    opportunity: tuple[Decimal, str | None, str | None] | None = None  # amount, product, currency
    complaint: tuple[str, str] | None = None  # text, severity
    answers: Mapping[str, object] = field(default_factory=dict)
    agent: str | None = None


def record_call(store: Store, kit: ChannelKit, report: CallReport) -> list[Recorded]:
    """Record a call's result and what it produced, all or nothing, in one transaction."""
    if report.result not in CALL_RESULTS:
        raise InputError(
            f"unknown call result {report.result!r}: use one of {', '.join(CALL_RESULTS)}"
        )
    produced = report.opportunity or report.complaint or report.answers
    if produced and report.result != "reached":
        raise InputError("an opportunity, complaint or profiling answers need the result 'reached'")
    with store.begin() as conn:
        touch = load_touch(conn, report.touch_uid)
        if touch.channel != "tsr_call":
            raise InputError(f"touch {report.touch_uid} is not a call ({touch.channel})")
        return [apply_outcome(conn, o, retry=kit.call_retry) for o in _outcomes(report)]


def _outcomes(report: CallReport) -> list[Outcome]:
    source = f"agent:{report.agent}" if report.agent else "agent"
    base = Outcome(report.touch_uid, "reached", report.occurred_at, source[:32], detail=report.note)
    kind = "unsubscribed" if report.result == "do_not_call" else report.result
    found = [replace(base, type=kind, call_back_at=report.call_back_at)]
    if report.opportunity is not None:
        amount, product, currency = report.opportunity
        found.append(
            replace(base, type="opportunity", amount=amount, product_id=product, currency=currency)
        )
    if report.complaint is not None:
        text, severity = report.complaint
        found.append(replace(base, type="complaint", detail=text, severity=severity))
    if report.answers:
        found.append(replace(base, type="profiling", answers=report.answers))
    return found
