"""Use cases: import outcome files (all or nothing), and read one touch's history."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from carecycle.channels.kit import ChannelKit
from carecycle.channels.outcomes import OutcomeFileError, OutcomeRow, read_outcomes
from carecycle.errors import InputError
from carecycle.services.outcomes import Outcome, apply_outcome
from carecycle.store import schema
from carecycle.store.db import Store


@dataclass(frozen=True)
class ImportReport:
    """What an outcome import recorded."""

    files: tuple[str, ...]
    rows: int
    recorded: int
    already: int
    by_type: dict[str, int]


def import_outcomes(store: Store, kit: ChannelKit, paths: Sequence[Path]) -> ImportReport:
    """Record every outcome of the files, or none when any row cannot be used."""
    rows, problems = _read_all(paths)
    if problems:
        raise OutcomeFileError(problems)
    recorded = Counter[str]()
    already = 0
    # Raising inside the transaction rolls back every row already applied.
    with store.begin() as conn:
        uids = _touch_uids(conn, rows)
        for row in rows:
            try:
                done = apply_outcome(conn, _outcome(row, uids), retry=kit.call_retry)
            except InputError as exc:
                problems.append(f"{row.source}:{row.line}: {exc}")
                continue
            if done.new:
                recorded[row.type] += 1
            else:
                already += 1
        if problems:
            raise OutcomeFileError(problems)
    return ImportReport(
        files=tuple(str(p) for p in paths),
        rows=len(rows),
        recorded=sum(recorded.values()),
        already=already,
        by_type=dict(recorded),
    )


def _read_all(paths: Sequence[Path]) -> tuple[list[OutcomeRow], list[str]]:
    rows: list[OutcomeRow] = []
    problems: list[str] = []
    for path in paths:
        if not path.is_file():
            problems.append(f"{path}: no such file")
            continue
        try:
            rows.extend(read_outcomes(path))
        except OutcomeFileError as exc:
            problems.extend(exc.problems)
    return rows, problems


def _touch_uids(conn: sa.Connection, rows: Sequence[OutcomeRow]) -> dict[str, str]:
    """Return touch ids by Message-ID for the rows that name one."""
    wanted = sorted({r.message_id for r in rows if r.message_id and not r.touch_uid})
    d = schema.dispatches
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 1000):
        part = wanted[start : start + 1000]
        query = sa.select(d.c.message_id, d.c.touch_uid).where(d.c.message_id.in_(part))
        found.update({str(m): str(u) for m, u in conn.execute(query).all()})
    return found


def _outcome(row: OutcomeRow, uids: dict[str, str]) -> Outcome:
    uid = row.touch_uid or uids.get(row.message_id or "")
    if uid is None:
        raise InputError(f"message_id: no email was sent with Message-ID {row.message_id}")
    return Outcome(
        touch_uid=uid,
        type=row.type,
        occurred_at=row.occurred_at,
        source="import",
        detail=row.detail,
        amount=row.amount,
        currency=row.currency,
        product_id=row.product_id,
        severity=row.severity,
        call_back_at=row.call_back_at,
        answers=row.answers,
    )


@dataclass(frozen=True)
class TouchHistory:
    """A touch, its dispatch, and its events in order."""

    touch: dict[str, Any]
    dispatch: dict[str, Any] | None
    events: list[dict[str, Any]]


def touch_history(store: Store, touch: str) -> TouchHistory:
    """Return the touch named by its id or its email Message-ID, with its events."""
    t, d, e = schema.touches, schema.dispatches, schema.touch_events
    with store.begin() as conn:
        uid = touch
        if touch.startswith("<") or "@" in touch:
            wanted = touch if touch.startswith("<") else f"<{touch}>"
            found = conn.execute(sa.select(d.c.touch_uid).where(d.c.message_id == wanted)).scalar()
            uid = str(found) if found else touch
        row = conn.execute(sa.select(t).where(t.c.touch_uid == uid)).mappings().first()
        if row is None:
            raise InputError(f"no touch {touch!r}")
        dispatch = conn.execute(sa.select(d).where(d.c.touch_uid == uid)).mappings().first()
        events = conn.execute(
            sa.select(e).where(e.c.touch_uid == uid).order_by(e.c.occurred_at, e.c.status)
        ).mappings()
        return TouchHistory(
            touch=dict(row),
            dispatch=dict(dispatch) if dispatch else None,
            events=[dict(ev) for ev in events],
        )
