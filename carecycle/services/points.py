"""Use case: the points ledger in the store — earn, redeem, expire, reverse, adjust.

Every change is a new entry (`points_entries`), never an update: the ledger is its own
audit trail, each entry with its moment, kind, rule or reason, actor and the moment it
was recorded. An entry's `source_key` names what it is for, once: writing it again
changes nothing and returns the entry already there. Negative entries record the lots
they consumed (`points_allocations`), soonest-expiring first (carecycle/loyalty/ledger.py).

Writes that take points hold the account: on PostgreSQL an advisory lock per account for
the transaction, so two redemptions at once are taken one after the other and never
overspend; DuckDB, one process per store, takes them one at a time under a lock too.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from carecycle.errors import InputError
from carecycle.loyalty.ledger import (
    ADJUST,
    EARN,
    EXPIRE,
    FOREVER,
    REDEEM,
    REVERSE,
    Allocation,
    Entry,
    Lot,
    allocate,
    balance_at,
    expiring,
    lots_at,
)
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.times import utc_now

_DUCKDB_WRITES = threading.Lock()
ENGINE = "rules"  # the actor of points the earning rules award


@dataclass(frozen=True)
class Posted:
    """An entry written (or found already written for its source key)."""

    entry_id: str
    account_id: str
    points: int
    kind: str
    source_key: str
    occurred_at: datetime
    new: bool


def entry_id(source_key: str) -> str:
    """Return the id of the entry for a source key."""
    return hashlib.md5(f"points:{source_key}".encode()).hexdigest()


def earn(
    store: Store,
    *,
    account_id: str,
    points: int,
    rule: str,
    source_key: str,
    occurred_at: datetime,
    expires_at: datetime | None,
    contact_id: str | None = None,
) -> Posted:
    """Add earned points, once per source key."""
    if points <= 0:
        raise InputError(f"points earned must be above 0, not {points}")
    _check_expiry(occurred_at, expires_at)
    with _held(store, account_id) as conn:
        return _post(conn, account_id, contact_id, points, EARN, source_key, occurred_at,
                     expires_at=expires_at, rule=rule, actor=ENGINE)  # fmt: skip


def redeem(
    store: Store,
    *,
    account_id: str,
    points: int,
    source_key: str,
    occurred_at: datetime,
    reason: str,
    contact_id: str | None = None,
) -> Posted:
    """Take points for a redemption (from one contact's lots when `contact_id` is given),
    soonest-expiring first; raise NotEnoughPointsError when the balance is short."""
    if points <= 0:
        raise InputError(f"points redeemed must be above 0, not {points}")
    with _held(store, account_id) as conn:
        return _take(conn, account_id, contact_id, points, REDEEM, source_key, occurred_at,
                     reason=reason, actor=None)  # fmt: skip


def adjust(
    store: Store,
    *,
    account_id: str,
    points: int,
    reason: str,
    actor: str,
    source_key: str,
    occurred_at: datetime,
    expires_at: datetime | None = None,
    contact_id: str | None = None,
) -> Posted:
    """Add (points > 0) or deduct (points < 0) points by hand, with a reason and who."""
    if not reason.strip() or not actor.strip():
        raise InputError("an adjustment needs a reason and the person making it (--actor)")
    if points == 0:
        raise InputError("an adjustment of 0 points changes nothing")
    with _held(store, account_id) as conn:
        if points > 0:
            _check_expiry(occurred_at, expires_at)
            return _post(conn, account_id, contact_id, points, ADJUST, source_key, occurred_at,
                         expires_at=expires_at, reason=reason, actor=actor)  # fmt: skip
        return _take(conn, account_id, contact_id, -points, ADJUST, source_key, occurred_at,
                     reason=reason, actor=actor)  # fmt: skip


def reverse(store: Store, *, earned_key: str, occurred_at: datetime, reason: str) -> Posted | None:
    """Take back what remains of the points earned under `earned_key` (its purchase was
    refunded or cancelled); points already redeemed stay redeemed. Return None when
    nothing remains to take."""
    e = schema.points_entries
    with store.begin() as conn:
        row = conn.execute(
            sa.select(e.c.account_id).where(e.c.source_key == earned_key, e.c.points > 0)
        ).first()
    if row is None:
        raise InputError(f"no points were earned under {earned_key!r}")
    with _held(store, row.account_id) as conn:
        key = f"reverse:{earned_key}"
        found = _existing(conn, key)
        if found is not None:
            return found
        _expire(conn, row.account_id, occurred_at)
        lot = next(
            (lot for lot in _lots(conn, row.account_id, occurred_at)
             if lot.entry_id == entry_id(earned_key)),
            None,
        )  # fmt: skip
        if lot is None or lot.remaining <= 0 or not lot.live_at(occurred_at):
            return None
        return _post(conn, row.account_id, lot.contact_id, -lot.remaining, REVERSE, key,
                     occurred_at, reason=reason, actor=None,
                     allocations=[(lot.entry_id, lot.remaining)])  # fmt: skip


def expire(store: Store, *, account_id: str, moment: datetime) -> int:
    """Write the expiry of the account's lots expired by `moment`; return the points."""
    with _held(store, account_id) as conn:
        return _expire(conn, account_id, moment)


def expire_all(store: Store, *, moment: datetime) -> dict[str, int]:
    """Write the expiry of every account's lots expired by `moment`; return the points
    expired per account."""
    e = schema.points_entries
    with store.begin() as conn:
        accounts = conn.execute(
            sa.select(e.c.account_id).where(e.c.points > 0, e.c.expires_at <= moment)
            .distinct().order_by(e.c.account_id)
        ).scalars().all()  # fmt: skip
    found = {account: expire(store, account_id=account, moment=moment) for account in accounts}
    return {account: n for account, n in found.items() if n}


def balance(store: Store, account_id: str, moment: datetime, contact_id: str | None = None) -> int:
    """Return the account's (or one contact's) balance at `moment`."""
    with store.begin() as conn:
        entries, allocations = _ledger(conn, account_id)
    return balance_at(entries, allocations, moment, contact_id)


def statement(store: Store, account_id: str) -> list[dict[str, Any]]:
    """Return every entry of the account, oldest first: the audit trail."""
    e = schema.points_entries
    with store.begin() as conn:
        rows = conn.execute(
            sa.select(e).where(e.c.account_id == account_id).order_by(e.c.occurred_at,
                                                                      e.c.recorded_at)
        ).mappings().all()  # fmt: skip
    return [dict(row) for row in rows]


class _Held:
    """A transaction holding one account's ledger."""

    def __init__(self, store: Store, account_id: str) -> None:
        self.store, self.account_id = store, account_id
        self._context: Any = None
        self._locked = False

    def __enter__(self) -> sa.Connection:
        if self.store.is_duckdb:
            _DUCKDB_WRITES.acquire()
            self._locked = True
        self._context = self.store.begin()
        conn: sa.Connection = self._context.__enter__()
        if not self.store.is_duckdb:
            key = sa.func.hashtext(f"carecycle.points:{self.account_id}")
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
        return conn

    def __exit__(self, *exc: object) -> None:
        try:
            self._context.__exit__(*exc)
        finally:
            if self._locked:
                _DUCKDB_WRITES.release()


def _held(store: Store, account_id: str) -> _Held:
    return _Held(store, account_id)


def _check_expiry(occurred_at: datetime, expires_at: datetime | None) -> None:
    if expires_at is not None and expires_at <= occurred_at:
        raise InputError(f"points cannot expire ({expires_at}) before they are earned")


def _existing(conn: sa.Connection, source_key: str) -> Posted | None:
    e = schema.points_entries
    row = conn.execute(sa.select(e).where(e.c.source_key == source_key)).first()
    if row is None:
        return None
    return Posted(row.entry_id, row.account_id, row.points, row.kind, row.source_key,
                  row.occurred_at, new=False)  # fmt: skip


def _post(
    conn: sa.Connection,
    account_id: str,
    contact_id: str | None,
    points: int,
    kind: str,
    source_key: str,
    occurred_at: datetime,
    *,
    expires_at: datetime | None = None,
    rule: str | None = None,
    reason: str | None = None,
    actor: str | None = None,
    allocations: list[tuple[str, int]] | None = None,
) -> Posted:
    found = _existing(conn, source_key)
    if found is not None:
        return found
    made = entry_id(source_key)
    conn.execute(
        schema.points_entries.insert().values(
            entry_id=made, account_id=account_id, contact_id=contact_id, points=points,
            kind=kind, rule=rule, source_key=source_key, occurred_at=occurred_at,
            expires_at=expires_at, reason=reason, actor=actor, recorded_at=utc_now(),
        )
    )  # fmt: skip
    if allocations:
        conn.execute(
            schema.points_allocations.insert(),
            [{"entry_id": made, "lot_id": lot, "points": n} for lot, n in allocations],
        )
    return Posted(made, account_id, points, kind, source_key, occurred_at, new=True)


def _take(
    conn: sa.Connection,
    account_id: str,
    contact_id: str | None,
    points: int,
    kind: str,
    source_key: str,
    occurred_at: datetime,
    *,
    reason: str,
    actor: str | None,
) -> Posted:
    found = _existing(conn, source_key)
    if found is not None:
        return found
    _expire(conn, account_id, occurred_at)
    taken = allocate(_lots(conn, account_id, occurred_at), points, occurred_at, contact_id)
    return _post(conn, account_id, contact_id, -points, kind, source_key, occurred_at,
                 reason=reason, actor=actor, allocations=taken)  # fmt: skip


def _expire(conn: sa.Connection, account_id: str, moment: datetime) -> int:
    """Write an expiry for each of the account's lots expired by `moment` with points
    left, at the moment it expired."""
    total = 0
    for lot in expiring(_lots(conn, account_id, moment), moment):
        assert lot.expires_at is not None
        # What remained when it expired: later entries could not take an expired lot.
        _post(conn, account_id, lot.contact_id, -lot.remaining, EXPIRE,
              f"expire:{lot.entry_id}", lot.expires_at, reason="expired", actor=None,
              allocations=[(lot.entry_id, lot.remaining)])  # fmt: skip
        total += lot.remaining
    return total


def _lots(conn: sa.Connection, account_id: str, moment: datetime) -> list[Lot]:
    """Return the account's lots that occurred by `moment`, less everything ever taken
    from them: an entry dated earlier than one already written cannot take what a later
    one took."""
    entries, allocations = _ledger(conn, account_id)
    occurred = [x for x in entries if x.points < 0 or x.occurred_at <= moment]
    return lots_at(occurred, allocations, FOREVER)


def _ledger(conn: sa.Connection, account_id: str) -> tuple[list[Entry], list[Allocation]]:
    e, a = schema.points_entries, schema.points_allocations
    rows = conn.execute(
        sa.select(e.c.entry_id, e.c.account_id, e.c.contact_id, e.c.points, e.c.kind,
                  e.c.occurred_at, e.c.expires_at).where(e.c.account_id == account_id)
    ).all()  # fmt: skip
    entries = [Entry(*row) for row in rows]
    ids = [x.entry_id for x in entries]
    used = conn.execute(sa.select(a).where(a.c.lot_id.in_(ids))).all() if ids else []
    return entries, [Allocation(r.entry_id, r.lot_id, r.points) for r in used]
