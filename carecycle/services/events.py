"""A touch's events: every status it takes and every outcome, once per moment; and the
touch's milestones, the first event of each kind, kept on the touch as events are written."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from carecycle.store import schema
from carecycle.store.schema import MILESTONES

# What a status reason and an event's detail hold (both String(300) in the store).
DETAIL_LENGTH = 300


def short(text: str | None) -> str | None:
    """Return the text cut to what a reason or an event detail holds."""
    return text[:DETAIL_LENGTH] if text else text


def record_events(
    conn: sa.Connection, rows: sa.Select[Any], moment: datetime, *, source: str
) -> None:
    """Insert one event per (touch_uid, status, detail) row, once per status and moment."""
    found = rows.subquery()
    uid, status, detail = (found.c[i] for i in range(3))
    stamp = moment.isoformat(sep=" ")
    event_id = sa.func.md5(uid + ":" + status + ":" + stamp)
    insert = pg_insert(schema.touch_events).from_select(
        ["event_id", "touch_uid", "status", "occurred_at", "detail", "source"],
        sa.select(
            event_id, uid, status, sa.literal(moment, sa.DateTime), detail, sa.literal(source)
        ),
    )
    conn.execute(insert.on_conflict_do_nothing())
    moments = sa.select(
        uid.label("touch_uid"), status.label("status"), sa.literal(moment, sa.DateTime).label("at")
    )
    stamp_touches(conn, moments.subquery())


def stamp_touches(conn: sa.Connection, events: sa.FromClause) -> None:
    """Keep each touch's milestones (`schema.MILESTONES`) the first of its events, given
    new events as rows of (touch_uid, status, at)."""
    statuses = sorted({s for kinds in MILESTONES.values() for s in kinds})
    firsts = (
        sa.select(
            events.c.touch_uid,
            *(
                sa.func.min(sa.case((events.c.status.in_(kinds), events.c.at))).label(name)
                for name, kinds in MILESTONES.items()
            ),
        )
        .where(events.c.status.in_(statuses))
        .group_by(events.c.touch_uid)
        .subquery()
    )
    t = schema.touches
    conn.execute(
        t.update()
        .where(t.c.touch_uid == firsts.c.touch_uid)
        .values({name: _earliest(t.c[name], firsts.c[name]) for name in MILESTONES})
    )


def _stamp_listed(conn: sa.Connection, events: Sequence[tuple[str, str]], moment: datetime) -> None:
    """Stamp the milestones of (touch_uid, status) events at one moment, through the touches'
    key rather than a join."""
    t = schema.touches
    at = sa.literal(moment, sa.DateTime)
    for name, kinds in MILESTONES.items():
        uids = sorted({uid for uid, status in events if status in kinds})
        if uids:
            conn.execute(
                t.update().where(t.c.touch_uid.in_(uids)).values({name: _earliest(t.c[name], at)})
            )


def _earliest(kept: Any, found: Any) -> Any:
    """Return the earlier of a kept milestone and a found moment, either of them null."""
    earlier = sa.and_(found.is_not(None), sa.or_(kept.is_(None), found < kept))
    return sa.case((earlier, found), else_=kept)


def event_id(touch_uid: str, status: str, moment: datetime, key: str = "") -> str:
    """Return the id of a touch's event: one per touch, status, moment and key.

    The key tells apart two events of one type at one moment (two opportunities).
    """
    text = f"{touch_uid}:{status}:{moment.isoformat(sep=' ')}" + (f":{key}" if key else "")
    return hashlib.md5(text.encode()).hexdigest()


def insert_events(
    conn: sa.Connection,
    events: Sequence[tuple[str, str, str | None]],
    moment: datetime,
    *,
    source: str,
    key: str = "",
) -> int:
    """Insert (touch_uid, status, detail) events not recorded yet; return how many were new."""
    if not events:
        return 0
    e = schema.touch_events
    rows = [
        {
            "event_id": event_id(uid, status, moment, key),
            "touch_uid": uid,
            "status": status,
            "occurred_at": moment,
            "detail": short(detail),
            "source": source,
        }
        for uid, status, detail in events
    ]
    known = set(
        conn.execute(
            sa.select(e.c.event_id).where(e.c.event_id.in_([r["event_id"] for r in rows]))
        ).scalars()
    )
    fresh = [
        (row, (uid, status))
        for (uid, status, _), row in zip(events, rows, strict=True)
        if row["event_id"] not in known
    ]
    if fresh:
        conn.execute(e.insert(), [row for row, _ in fresh])
        _stamp_listed(conn, [event for _, event in fresh], moment)
    return len(fresh)
