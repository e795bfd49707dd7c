"""The outbox: due touches screened, loaded and claimed for a channel; crashes reconciled.

A touch leaves only through a dispatch row, claimed in a committed transaction before
anything is handed to a channel. Its state says how far it got, so a sender that starts
after a crash knows, per touch, whether to send again or to record what already went.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from carecycle.channels.base import Addressee, Agreement, Dispatch, language_of
from carecycle.errors import InputError
from carecycle.ingest.quality import CHANNEL_CONSENT
from carecycle.programs.loader import parse_program
from carecycle.services.events import insert_events, record_events, short
from carecycle.store import schema
from carecycle.store.db import Store

MANIFEST = "manifest.json"


@contextmanager
def exclusive_sender(store: Store, channel: str) -> Iterator[None]:
    """Hold the one sender slot of a channel (PostgreSQL); DuckDB has one process anyway."""
    if store.is_duckdb:
        yield
        return
    key = sa.func.hashtext(f"carecycle.send:{channel}")
    # Autocommit: a session idle in an open transaction could be ended by the server's
    # idle timeout, and the lock with it, while the sender still runs.
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar():
            raise InputError(f"another sender is already sending {channel}; try again later")
        try:
            yield
        finally:
            conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))


def _due(channel: str, as_of: date, now: datetime) -> Any:
    t, d = schema.touches, schema.dispatches
    retry_due = sa.and_(
        d.c.state == "retry", sa.or_(d.c.next_attempt_at.is_(None), d.c.next_attempt_at <= now)
    )
    waiting = sa.exists().where(d.c.touch_uid == t.c.touch_uid, sa.not_(retry_due))
    return sa.and_(
        t.c.status == "planned", t.c.channel == channel, t.c.planned_on <= as_of, ~waiting
    )


def waiting(conn: sa.Connection, channel: str, now: datetime) -> int:
    """Return how many of the channel's touches wait for a later retry."""
    d = schema.dispatches
    later = sa.and_(d.c.channel == channel, d.c.state == "retry", d.c.next_attempt_at > now)
    return int(conn.execute(sa.select(sa.func.count()).where(later)).scalar() or 0)


def screen_due(conn: sa.Connection, channel: str, as_of: date, now: datetime) -> dict[str, int]:
    """Expire due touches past their grace and suppress those whose contact closed the door."""
    t = schema.touches
    due = _due(channel, as_of, now)
    expired = sa.select(t.c.touch_uid).where(due, t.c.expires_on < as_of)
    reason = closed_reason(channel)
    suppressed = (
        sa.select(t.c.touch_uid, reason.label("reason"))
        .select_from(t.outerjoin(schema.contacts, schema.contacts.c.contact_id == t.c.contact_id))
        .where(due, t.c.expires_on >= as_of, reason.is_not(None))
    )
    grace = "not sent before its grace ended"
    return {
        "expired": _settle(conn, expired.add_columns(sa.literal(grace)), "expired", now),
        "suppressed": _settle(conn, suppressed, "suppressed", now),
    }


def closed_reason(channel: str) -> Any:
    """Return, over touches joined to contacts, why the channel is closed (None: open)."""
    t, c, s = schema.touches, schema.contacts, schema.suppressions
    blocked = (
        sa.select(s.c.reason)
        .where(s.c.contact_id == t.c.contact_id, s.c.channel.in_([channel, "any"]))
        .limit(1)
        .scalar_subquery()
    )
    whens: list[tuple[Any, Any]] = [
        (c.c.do_not_contact.is_(True), sa.literal("contact asked not to be contacted")),
        (blocked.is_not(None), sa.literal("contact closed the channel since planned: ") + blocked),
    ]
    if channel in CHANNEL_CONSENT:
        whens.insert(0, (t.c.contact_id.is_(None), sa.literal("no contact to address")))
        consent = sa.func.coalesce(c.c[CHANNEL_CONSENT[channel]], False)
        whens.append((consent.is_(False), sa.literal(f"consent for {channel} withdrawn")))
    return sa.case(*whens, else_=sa.null())


def _settle(conn: sa.Connection, rows: sa.Select[Any], status: str, now: datetime) -> int:
    found = conn.execute(rows).all()
    if found:
        t = schema.touches
        conn.execute(
            t.update()
            .where(t.c.touch_uid == sa.bindparam("uid"))
            .values(status=status, reason=sa.bindparam("why"), updated_on=now.date()),
            [{"uid": uid, "why": short(reason)} for uid, reason in found],
        )
    insert_events(conn, [(uid, status, reason) for uid, reason in found], now, source="sender")
    return len(found)


def load_due(
    conn: sa.Connection, channel: str, as_of: date, now: datetime, *, limit: int | None = None
) -> list[Dispatch]:
    """Return the channel's due touches with what rendering needs, most urgent first."""
    t = schema.touches
    where = sa.and_(_due(channel, as_of, now), t.c.expires_on >= as_of)
    return load_dispatches(conn, where, as_of, limit=limit)


def load_dispatches(
    conn: sa.Connection, where: Any, as_of: date, *, limit: int | None = None
) -> list[Dispatch]:
    """Return the touches matching `where` with their account, contact and agreement."""
    t, a, c, g, p = (
        schema.touches,
        schema.accounts,
        schema.contacts,
        schema.agreements,
        schema.partners,
    )
    partner_id = sa.func.coalesce(g.c.partner_id, a.c.partner_id)
    query = (
        sa.select(
            t,
            a.c.name.label("account_name"),
            a.c.address,
            a.c.city,
            a.c.postcode,
            a.c.region,
            a.c.country,
            a.c.segment,
            a.c.language.label("account_language"),
            c.c.name.label("contact_name"),
            c.c.role,
            c.c.email,
            c.c.phone,
            c.c.language.label("contact_language"),
            g.c.program,
            g.c.sa,
            g.c.start_on,
            g.c.end_on,
            g.c.value,
            g.c.currency,
            partner_id.label("partner_id"),
            p.c.name.label("partner_name"),
        )
        .select_from(
            t.join(a, a.c.account_id == t.c.account_id)
            .outerjoin(c, c.c.contact_id == t.c.contact_id)
            .outerjoin(g, g.c.agreement_id == t.c.agreement_id)
            .outerjoin(p, p.c.partner_id == partner_id)
        )
        .where(where)
        .order_by(t.c.priority.desc(), t.c.planned_on, t.c.touch_uid)
        .limit(limit)
    )
    rows = conn.execute(query).mappings().all()
    names = touch_names(conn, {(r["program_id"], r["program_revision"]) for r in rows})
    return [_dispatch(r, names, as_of) for r in rows]


def touch_names(conn: sa.Connection, revisions: set[tuple[str, int]]) -> dict[tuple[str, str], str]:
    """Return each touch's name from the program revisions the touches were planned under."""
    r = schema.program_revisions
    names: dict[tuple[str, str], str] = {}
    for program_id, revision in revisions:
        text = conn.execute(
            sa.select(r.c.definition).where(r.c.program_id == program_id, r.c.revision == revision)
        ).scalar()
        if text is not None:
            names.update(_names_in(text))
    return names


# A revision's text never changes, and parsing it costs tens of milliseconds: the call
# queue asks for names on every request.
@lru_cache(maxsize=64)
def _names_in(text: str) -> tuple[tuple[tuple[str, str], str], ...]:
    program = parse_program(text, "stored program revision").program
    return tuple(
        ((program.id, touch.id), touch.name) for stage in program.stages for touch in stage.touches
    )


def _dispatch(row: Any, names: dict[tuple[str, str], str], as_of: date) -> Dispatch:
    agreement = None
    if row["agreement_id"] is not None and row["start_on"] is not None:
        agreement = Agreement(**{f.name: row[f.name] for f in fields(Agreement)})
    return Dispatch(
        touch_uid=row["touch_uid"],
        program_id=row["program_id"],
        touch_id=row["touch_id"],
        touch_name=names.get((row["program_id"], row["touch_id"]), row["touch_id"]),
        stage_id=row["stage_id"],
        channel=row["channel"],
        content=row["content"],
        priority=row["priority"],
        due_on=row["due_on"],
        planned_on=row["planned_on"],
        as_of=as_of,
        addressee=_addressee(row),
        agreement=agreement,
    )


def _addressee(row: Any) -> Addressee:
    # The query labels its columns with the field names; only the language is chosen.
    given = {f.name: row[f.name] for f in fields(Addressee) if f.name != "language"}
    return Addressee(
        **given, language=language_of(row["contact_language"], row["account_language"])
    )


@dataclass(frozen=True)
class Claim:
    """One touch claimed for a channel: where it goes and under which id."""

    touch_uid: str
    recipient: str | None
    message_id: str | None = None
    team: str | None = None


def claim(
    conn: sa.Connection,
    claims: Sequence[Claim],
    *,
    channel: str,
    batch_id: str,
    now: datetime,
    state: str = "claimed",
    detail: str | None = None,
) -> set[str]:
    """Claim the touches still planned and still open to the channel; return their ids.

    Checked again here, inside the claiming transaction: the planner may have cancelled a
    touch, or its contact unsubscribed, since the due touches were loaded.
    """
    d = schema.dispatches
    open_now = claimable(conn, [c.touch_uid for c in claims], channel)
    claims = [c for c in claims if c.touch_uid in open_now]
    if not claims:
        return open_now
    uids = [c.touch_uid for c in claims]
    retried = dict(
        conn.execute(sa.select(d.c.touch_uid, d.c.attempts).where(d.c.touch_uid.in_(uids))).all()
    )
    conn.execute(d.delete().where(d.c.touch_uid.in_(list(retried))))
    rows = [
        {
            "touch_uid": c.touch_uid,
            "channel": channel,
            "batch_id": batch_id,
            "message_id": c.message_id,
            "recipient": c.recipient,
            "team": c.team,
            "state": state,
            "attempts": retried.get(c.touch_uid, 0) + 1,
            "next_attempt_at": now if state == "queued" else None,
            "claimed_at": now,
            "updated_at": now,
            "detail": detail,
        }
        for c in claims
    ]
    conn.execute(d.insert(), rows)
    return open_now


def claimable(conn: sa.Connection, uids: Sequence[str], channel: str) -> set[str]:
    """Return the touches among `uids` that are planned and whose contact is still open."""
    t, c = schema.touches, schema.contacts
    query = (
        sa.select(t.c.touch_uid)
        .select_from(t.outerjoin(c, c.c.contact_id == t.c.contact_id))
        .where(
            t.c.touch_uid.in_(list(uids)),
            t.c.status == "planned",
            closed_reason(channel).is_(None),
        )
    )
    return set(conn.execute(query).scalars())


def set_state(
    conn: sa.Connection, uids: Sequence[str], state: str, now: datetime, **values: Any
) -> None:
    """Move dispatches to `state`."""
    d = schema.dispatches
    if "detail" in values:
        values["detail"] = short(values["detail"])
    conn.execute(
        d.update()
        .where(d.c.touch_uid.in_(list(uids)))
        .values(state=state, updated_at=now, **values)
    )


def mark_touches(
    conn: sa.Connection,
    uids: Sequence[str],
    status: str,
    now: datetime,
    *,
    detail: str | None,
    source: str = "sender",
) -> None:
    """Set the touches' status and record one event each."""
    if not uids:
        return
    t = schema.touches
    detail = short(detail)
    # A click or bounce can arrive before the send is recorded; it is never overwritten.
    conn.execute(
        t.update()
        .where(t.c.touch_uid.in_(list(uids)), t.c.status == "planned")
        .values(status=status, reason=detail, updated_on=now.date())
    )
    rows = sa.select(t.c.touch_uid, sa.literal(status), sa.literal(detail, sa.String)).where(
        t.c.touch_uid.in_(list(uids))
    )
    record_events(conn, rows, now, source=source)


def write_manifest(directory: Path, *, batch_id: str, channel: str, uids: Sequence[str]) -> None:
    """Write the batch's manifest: present means every file of the batch is complete."""
    body = {"batch_id": batch_id, "channel": channel, "touches": list(uids)}
    (directory / MANIFEST).write_text(json.dumps(body, indent=1), encoding="utf-8")


def reconcile(store: Store, channel: str, now: datetime) -> dict[str, int]:
    """Settle what a stopped sender left: re-send what never left, record what did."""
    d = schema.dispatches
    with store.begin() as conn:
        rows = conn.execute(
            sa.select(d.c.touch_uid, d.c.state, d.c.detail).where(
                d.c.channel == channel, d.c.state.in_(["claimed", "transmitting"])
            )
        ).all()
        published = _published({r.detail for r in rows if r.state == "claimed" and r.detail})
        done = [
            r.touch_uid
            for r in rows
            if r.state == "transmitting" or r.touch_uid in published.get(r.detail, ())
        ]
        sent = set(done)
        again = [r.touch_uid for r in rows if r.touch_uid not in sent]
        if done:
            note = "went out before the sender stopped; not sent again"
            set_state(conn, done, "sent", now, detail=note)
            mark_touches(conn, done, "sent", now, detail=note)
        release(conn, again, now)
    return {"recorded": len(done), "released": len(again)}


def release(conn: sa.Connection, uids: Sequence[str], now: datetime) -> None:
    """Put back claims that never left, due again at once and without using an attempt."""
    d = schema.dispatches
    conn.execute(
        d.update()
        .where(d.c.touch_uid.in_(list(uids)), d.c.state == "claimed")
        .values(state="retry", next_attempt_at=None, attempts=d.c.attempts - 1, updated_at=now)
    )


def _published(folders: set[str]) -> dict[str, set[str]]:
    """Return, per batch folder that was published, the touches its manifest lists."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        try:
            manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
            found[folder] = set(manifest["touches"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found
