"""Use case: record what happened to a touch once a channel had it.

An outcome is an event of the touch (recorded once: the same outcome at the same moment
is recognised when it comes back, so imports can be re-run). It may raise the touch's
status, close a channel for the contact (unsubscribe, hard bounce, returned letter, wrong
number: the next plan and the next send respect it), move a call in its queue, or create
the opportunity, complaint or profiling answers it reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from carecycle.channels.calls import RetryRule, next_attempt
from carecycle.channels.scripts import load_script, validate_answers
from carecycle.errors import InputError
from carecycle.services.events import insert_events, short
from carecycle.store import schema
from carecycle.store.schema import OUTCOME_TYPES, SEVERITIES

# A touch's status only moves forward: a late "delivered" never hides a click.
STATUS_RANK = {
    "sent": 1, "delivered": 2, "not_reached": 2, "bounced": 3, "failed": 3,
    "opened": 4, "reached": 4, "clicked": 5, "responded": 6, "unsubscribed": 6, "completed": 7,
}  # fmt: skip
TOUCH_STATUS = {
    "delivered": "delivered", "bounced": "bounced", "returned": "bounced", "failed": "failed",
    "wrong_number": "failed", "opened": "opened", "clicked": "clicked",
    "unsubscribed": "unsubscribed", "reached": "reached", "opportunity": "reached",
    "complaint": "reached", "profiling": "completed", "responded": "responded",
    "completed": "completed",
}  # fmt: skip
# Outcomes that close a channel for the contact; None means the touch's own channel.
CLOSES = {"unsubscribed": None, "bounced": "edm", "returned": "dm", "wrong_number": "tsr_call"}
CALL_ONLY = ("call_back", "wrong_number")
REOPENS_CALL = ("not_reached", "call_back")
ENDS_CALL = (
    "reached", "wrong_number", "unsubscribed", "opportunity", "complaint", "profiling", "completed",
)  # fmt: skip
HANDED_OVER = tuple(STATUS_RANK)


@dataclass(frozen=True)
class Outcome:
    """One thing that happened to a touch, as reported by a channel, a person or a file."""

    touch_uid: str
    type: str
    occurred_at: datetime
    source: str
    detail: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    product_id: str | None = None
    severity: str | None = None
    call_back_at: datetime | None = None
    answers: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Recorded:
    """What recording an outcome changed."""

    touch_uid: str
    type: str
    new: bool
    status: str
    effects: tuple[str, ...] = ()


def check_outcome(outcome: Outcome) -> None:
    """Raise InputError when the outcome lacks what its type needs."""
    kind = outcome.type
    if kind not in OUTCOME_TYPES:
        raise InputError(f"unknown outcome {kind!r}: use one of {', '.join(OUTCOME_TYPES)}")
    if kind == "opportunity" and outcome.amount is None:
        raise InputError("an opportunity needs an amount")
    if kind == "complaint" and not (outcome.detail or "").strip():
        raise InputError("a complaint needs its text (detail)")
    if kind == "call_back" and outcome.call_back_at is None:
        raise InputError("a call back needs the time to call back (call_back_at)")
    if outcome.severity is not None and outcome.severity not in SEVERITIES:
        raise InputError(f"severity must be one of {', '.join(SEVERITIES)}")
    _check_opportunity(outcome)


# What the store's columns hold: NUMERIC(18, 2) and 64-character ids.
LARGEST_AMOUNT = Decimal("9999999999999999.99")
ID_LENGTH = 64


def _check_opportunity(outcome: Outcome) -> None:
    amount = outcome.amount
    if amount is not None and (not amount.is_finite() or not 0 < amount <= LARGEST_AMOUNT):
        raise InputError(f"amount must be above 0 and at most {LARGEST_AMOUNT:,}")
    if outcome.product_id is not None and len(outcome.product_id) > ID_LENGTH:
        raise InputError(f"product_id is longer than {ID_LENGTH} characters")
    if outcome.currency is not None and len(outcome.currency) != 3:
        raise InputError("currency must be a three-letter code such as CNY")


def load_touch(conn: sa.Connection, touch_uid: str) -> Any:
    """Return the touch row with its dispatch, or raise InputError."""
    t, d = schema.touches, schema.dispatches
    row = conn.execute(
        sa.select(t, d.c.state.label("dispatch_state"), d.c.attempts)
        .select_from(t.outerjoin(d, d.c.touch_uid == t.c.touch_uid))
        .where(t.c.touch_uid == touch_uid)
    ).first()
    if row is None:
        raise InputError(f"no touch {touch_uid!r}")
    return row


def apply_outcome(conn: sa.Connection, outcome: Outcome, *, retry: RetryRule) -> Recorded:
    """Record one outcome inside the caller's transaction."""
    check_outcome(outcome)
    touch = load_touch(conn, outcome.touch_uid)
    _check_fits(touch, outcome)
    if outcome.type == "profiling":
        outcome = replace(outcome, answers=checked_answers(touch.content, outcome.answers))
    event = (outcome.touch_uid, outcome.type, outcome.detail)
    key = _event_key(outcome)
    if not insert_events(conn, [event], outcome.occurred_at, source=outcome.source, key=key):
        return Recorded(outcome.touch_uid, outcome.type, new=False, status=touch.status)
    status = _raise_status(conn, touch, TOUCH_STATUS.get(outcome.type), outcome)
    effects = [*_close_channel(conn, touch, outcome), *_create_records(conn, touch, outcome)]
    if touch.channel == "tsr_call":
        status, moved = _move_call(conn, touch, outcome, retry, status)
        effects.extend(moved)
    return Recorded(
        outcome.touch_uid, outcome.type, new=True, status=status, effects=tuple(effects)
    )


def _event_key(outcome: Outcome) -> str:
    """Return what tells this outcome from another of its type at the same moment."""
    if outcome.type == "opportunity":
        return f"{outcome.amount}|{outcome.product_id}|{outcome.currency}"
    if outcome.type == "complaint":
        return outcome.detail or ""
    if outcome.type == "profiling":
        return "|".join(f"{q}={a}" for q, a in sorted(outcome.answers.items()))
    return ""


def _check_fits(touch: Any, outcome: Outcome) -> None:
    # An email is out once the server had it, before the sender records it as sent.
    out = touch.dispatch_state in ("transmitting", "sent", "queued", "closed")
    if not out and touch.status not in HANDED_OVER:
        raise InputError(
            f"touch {touch.touch_uid} was never handed to a channel (status {touch.status})"
        )
    if outcome.type in CALL_ONLY and touch.channel != "tsr_call":
        raise InputError(
            f"{outcome.type} applies to calls; touch {touch.touch_uid} is {touch.channel}"
        )
    if outcome.type in REOPENS_CALL and touch.dispatch_state == "closed":
        raise InputError(f"the call {touch.touch_uid} is closed: its outcome is already final")


def _raise_status(conn: sa.Connection, touch: Any, status: str | None, outcome: Outcome) -> str:
    current = str(touch.status)
    if status is None or STATUS_RANK.get(status, 0) <= STATUS_RANK.get(current, 0):
        return current
    t = schema.touches
    conn.execute(
        t.update()
        .where(t.c.touch_uid == touch.touch_uid)
        .values(status=status, reason=short(outcome.detail), updated_on=outcome.occurred_at.date())
    )
    return status


def _close_channel(conn: sa.Connection, touch: Any, outcome: Outcome) -> list[str]:
    if outcome.type not in CLOSES or touch.contact_id is None:
        return []
    channel = CLOSES[outcome.type] or touch.channel
    if channel in ("pam", "partner"):
        channel = "any"
    conn.execute(
        pg_insert(schema.suppressions)
        .values(
            contact_id=touch.contact_id,
            channel=channel,
            reason=outcome.type,
            touch_uid=touch.touch_uid,
            occurred_at=outcome.occurred_at,
        )
        .on_conflict_do_nothing()
    )
    return [f"contact {touch.contact_id} closed {channel}"]


def _key(*parts: object) -> str:
    return hashlib.md5("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def _create_records(conn: sa.Connection, touch: Any, outcome: Outcome) -> list[str]:
    if outcome.type == "opportunity":
        return [_opportunity(conn, touch, outcome)]
    if outcome.type == "complaint":
        return [_complaint(conn, touch, outcome)]
    if outcome.type == "profiling":
        return [_answers(conn, touch, outcome)]
    return []


def _opportunity(conn: sa.Connection, touch: Any, outcome: Outcome) -> str:
    opportunity_id = f"opp-{_key(touch.touch_uid, outcome.occurred_at, _event_key(outcome))}"
    conn.execute(
        schema.opportunities.insert().values(
            opportunity_id=opportunity_id,
            account_id=touch.account_id,
            product_id=outcome.product_id,
            amount=outcome.amount,
            currency=outcome.currency,
            stage="open",
            source=f"{touch.program_id}/{touch.touch_id}"[:64],
            created_on=outcome.occurred_at.date(),
            touch_uid=touch.touch_uid,
        )
    )
    return f"opportunity {opportunity_id}"


def _complaint(conn: sa.Connection, touch: Any, outcome: Outcome) -> str:
    case_id = f"cmp-{_key(touch.touch_uid, outcome.occurred_at, _event_key(outcome))}"
    text = (outcome.detail or "").strip()
    conn.execute(
        schema.support_cases.insert().values(
            case_id=case_id,
            account_id=touch.account_id,
            contact_id=touch.contact_id,
            kind="complaint",
            severity=outcome.severity or "medium",
            subject=text.splitlines()[0][:300],
            description=text,
            opened_at=outcome.occurred_at,
            touch_uid=touch.touch_uid,
        )
    )
    return f"complaint {case_id}"


def checked_answers(content: str, answers: Mapping[str, object]) -> dict[str, str]:
    """Return the answers as the touch's script accepts them (any answers without a script)."""
    try:
        checked = validate_answers(load_script(content), answers)
    except FileNotFoundError:
        checked = {str(k): str(v) for k, v in answers.items()}
    if not checked:
        raise InputError("profiling answers are empty")
    return checked


def _answers(conn: sa.Connection, touch: Any, outcome: Outcome) -> str:
    answers = outcome.answers
    rows = [
        {
            "response_id": _key(touch.content, touch.touch_uid, question, outcome.occurred_at),
            "survey_id": touch.content,
            "touch_uid": touch.touch_uid,
            "account_id": touch.account_id,
            "contact_id": touch.contact_id,
            "question_id": question,
            "answer": answer,
            "answered_at": outcome.occurred_at,
        }
        for question, answer in answers.items()
    ]
    conn.execute(schema.survey_responses.insert(), rows)
    return f"{len(rows)} profiling answer{'' if len(rows) == 1 else 's'}"


def _move_call(
    conn: sa.Connection, touch: Any, outcome: Outcome, retry: RetryRule, status: str
) -> tuple[str, list[str]]:
    d = schema.dispatches
    mine = d.update().where(d.c.touch_uid == touch.touch_uid)
    at = outcome.occurred_at
    if outcome.type in ENDS_CALL:
        if touch.dispatch_state == "closed":
            return status, []
        conn.execute(mine.values(state="closed", next_attempt_at=None, updated_at=at))
        return status, ["call closed"]
    if outcome.type == "call_back":
        when = outcome.call_back_at
        conn.execute(mine.values(state="queued", next_attempt_at=when, updated_at=at))
        return status, [f"call back at {when:%Y-%m-%d %H:%M}" if when else "call back"]
    if outcome.type != "not_reached":
        return status, []
    again = next_attempt(retry, int(touch.attempts or 1), at)
    if again is None:
        conn.execute(mine.values(state="closed", next_attempt_at=None, updated_at=at))
        final = _raise_status(conn, touch, "not_reached", outcome)
        return final, [f"not reached after {retry.max_attempts} attempts"]
    conn.execute(
        mine.values(state="queued", next_attempt_at=again, attempts=d.c.attempts + 1, updated_at=at)
    )
    return status, [f"retry at {again:%Y-%m-%d %H:%M}"]
