"""Use case: the points ledger in the store — earn, redeem, expire, reverse, adjust.

Every change is a new entry (`points_entries`), never an update: the ledger is its own
audit trail, each entry with its moment, kind, rule or reason, actor and the moment it
was recorded. An entry's key names what it is for, once: writing it again changes
nothing and returns the entry already there; a key that already names something else is
refused. Negative entries record the lots they consumed (`points_allocations`),
soonest-expiring first (carecycle/loyalty/ledger.py).

Writes hold the account: on PostgreSQL an advisory lock per account for the transaction,
so two redemptions at once are taken one after the other and never overspend; DuckDB,
one process per store and one connection shared by its threads, takes every ledger
transaction under one lock of the process.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from carecycle.errors import InputError, NotFoundError
from carecycle.loyalty.ledger import (
    ADJUST,
    EARN,
    EXPIRE,
    FOREVER,
    REDEEM,
    RETURN,
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

_DUCKDB = threading.Lock()
_RUNS: dict[str, threading.Lock] = {}
ENGINE = "rules"  # the actor of points the earning rules award
MAX_KEY = 200  # the stored key's column
MAX_POINTS = 1_000_000_000
TEXT_LIMITS = {"reason": 300, "actor": 100, "rule": 64}


@dataclass(frozen=True)
class Posted:
    """An entry written (or found already written under its key)."""

    entry_id: str
    account_id: str
    points: int
    kind: str
    source_key: str
    occurred_at: datetime
    new: bool


@dataclass(frozen=True)
class _Draft:
    """An entry about to be written: whose, how many points, what kind, under which key."""

    account_id: str
    contact_id: str | None
    points: int
    kind: str
    key: str
    occurred_at: datetime


def entry_id(stored: str) -> str:
    """Return the id of the entry written under a stored key."""
    return hashlib.md5(f"points:{stored}".encode()).hexdigest()


def stored_key(kind: str, account_id: str, key: str) -> str:
    """Return the key an entry is stored under: earned points by their source, the
    business's own (a purchase, an answer: once, whatever the account); redemptions and
    adjustments by the account and the key their requester gave."""
    if not key.strip():
        raise InputError("a points entry needs a key naming what it is for")
    found = f"{EARN}:{key}" if kind == EARN else f"{kind}:{account_id}:{key}"
    if len(found) > MAX_KEY:
        raise InputError(f"the key {key[:40]!r}… is too long: at most {MAX_KEY} characters")
    return found


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
    _check_points(points, positive=True)
    _check_text(rule=rule)
    _check_expiry(occurred_at, expires_at)
    draft = _Draft(account_id, contact_id, points, EARN, stored_key(EARN, account_id, source_key),
                   occurred_at)  # fmt: skip
    with _holding(store, account_id) as conn:
        return _post(conn, draft, expires_at=expires_at, rule=rule, actor=ENGINE)


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
    soonest-expiring first; raise NotEnoughPointsError when the points held — less what
    any later entry took — fall short."""
    with _holding(store, account_id) as conn:
        return take(conn, account_id=account_id, points=points, source_key=source_key,
                    occurred_at=occurred_at, reason=reason, contact_id=contact_id)  # fmt: skip


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
    _check_points(points, positive=False)
    _check_text(reason=reason, actor=actor)
    key = stored_key(ADJUST, account_id, source_key)
    draft = _Draft(account_id, contact_id, points, ADJUST, key, occurred_at)
    with _holding(store, account_id) as conn:
        if points > 0:
            _check_expiry(occurred_at, expires_at)
            return _post(conn, draft, expires_at=expires_at, reason=reason, actor=actor)
        return _take(conn, draft, reason=reason, actor=actor)


def reverse(store: Store, *, earned_key: str, occurred_at: datetime, reason: str) -> Posted:
    """Take back what remains of the points earned under `earned_key` (its purchase was
    refunded or cancelled) — with what a cancelled redemption gave back of them; points
    already redeemed stay redeemed. Reversing again returns the entry already written."""
    _check_text(reason=reason)
    lot_id = entry_id(stored_key(EARN, "", earned_key))
    e = schema.points_entries
    with _holding(store, None) as conn:
        row = conn.execute(sa.select(e.c.account_id).where(e.c.entry_id == lot_id)).first()
    if row is None:
        raise InputError(f"no points were earned under {earned_key!r}")
    draft = _Draft(row.account_id, None, 0, REVERSE, f"{REVERSE}:{lot_id}", occurred_at)
    with _holding(store, row.account_id) as conn:
        found = _existing(conn, draft)
        if found is not None:
            return found
        _expire(conn, row.account_id, occurred_at)
        lots = _lots(conn, row.account_id, occurred_at)
        taken = _reversal(conn, row.account_id, lot_id, lots, occurred_at)
        # Written even when nothing remains to take (0 points): the refund stays on record,
        # so a redemption cancelled later does not give its points back.
        contact = next((x.contact_id for x in lots if x.entry_id == lot_id), None)
        # Taking back is allowed from an account merged since: its points stay its own.
        return _post(conn, replace(draft, contact_id=contact, points=-sum(n for _, n in taken)),
                     reason=reason, actor=None, allocations=taken,
                     check_account=False)  # fmt: skip


def _reversal(
    conn: sa.Connection, account_id: str, lot_id: str, lots: list[Lot], moment: datetime
) -> list[tuple[str, int]]:
    """Return what a reversal of an earned lot takes at `moment`: what remains of the lot
    and of the lots cancelled redemptions gave back of it, those not expired."""
    e = schema.points_entries
    returned = set(conn.execute(
        sa.select(e.c.entry_id).where(e.c.kind == RETURN, e.c.account_id == account_id,
                                      e.c.source_key.like(f"%:{lot_id}"))
    ).scalars())  # fmt: skip
    return [
        (x.entry_id, x.remaining)
        for x in lots
        if (x.entry_id == lot_id or x.entry_id in returned)
        and x.remaining > 0
        and x.live_at(moment)
    ]


def take(
    conn: sa.Connection,
    *,
    account_id: str,
    points: int,
    source_key: str,
    occurred_at: datetime,
    reason: str,
    contact_id: str | None = None,
) -> Posted:
    """Take points for a redemption inside a transaction that holds the account
    (`holding`), so a use case can write its own records with it."""
    _check_points(points, positive=True)
    _check_text(reason=reason)
    key = stored_key(REDEEM, account_id, source_key)
    return _take(conn, _Draft(account_id, contact_id, -points, REDEEM, key, occurred_at),
                 reason=reason, actor=None)  # fmt: skip


def give_back(
    conn: sa.Connection, entry: str, *, occurred_at: datetime, reason: str, actor: str
) -> int:
    """Give back the points a redemption entry took, inside a transaction holding its
    account: each lot it took from is restored as a new lot with that lot's expiry and
    person; points whose lot has expired by `occurred_at` stay taken (they would have
    expired). Return the points given back; giving back twice gives once."""
    e, a = schema.points_entries, schema.points_allocations
    taker = conn.execute(sa.select(e.c.account_id).where(e.c.entry_id == entry)).first()
    if taker is None:
        raise InputError(f"no ledger entry {entry!r}")
    lots = conn.execute(
        sa.select(a.c.lot_id, a.c.points, e.c.contact_id, e.c.expires_at)
        .join(e, e.c.entry_id == a.c.lot_id)
        .where(a.c.entry_id == entry)
        .order_by(a.c.lot_id)
    ).all()
    reversed_ = set(conn.execute(
        sa.select(e.c.source_key).where(e.c.kind == REVERSE, e.c.account_id == taker.account_id)
    ).scalars())  # fmt: skip
    given = 0
    for lot in lots:
        if lot.expires_at is not None and lot.expires_at <= occurred_at:
            continue
        if f"{REVERSE}:{lot.lot_id}" in reversed_:
            continue  # its purchase was refunded: those points do not come back
        draft = _Draft(taker.account_id, lot.contact_id, lot.points, RETURN,
                       f"{RETURN}:{entry}:{lot.lot_id}", occurred_at)  # fmt: skip
        _post(conn, draft, expires_at=lot.expires_at, reason=reason, actor=actor,
              check_account=False)  # fmt: skip
        given += lot.points
    return given


def holding(store: Store, account_id: str) -> contextlib.AbstractContextManager[sa.Connection]:
    """Return a transaction holding the account's ledger (see `_holding`)."""
    return _holding(store, account_id)


def expire(store: Store, *, account_id: str, moment: datetime) -> int:
    """Write the expiry of the account's lots expired by `moment`; return the points."""
    with _holding(store, account_id) as conn:
        return _expire(conn, account_id, moment)


def expire_all(store: Store, *, moment: datetime) -> dict[str, int]:
    """Write the expiry of every account's lots expired by `moment` with points left;
    return the points expired per account."""
    e, a = schema.points_entries, schema.points_allocations
    used = (
        sa.select(a.c.lot_id, sa.func.sum(a.c.points).label("used")).group_by(a.c.lot_id).subquery()
    )
    left = e.c.points - sa.func.coalesce(used.c.used, 0)
    with _holding(store, None) as conn:
        accounts = conn.execute(
            sa.select(e.c.account_id)
            .select_from(e.outerjoin(used, used.c.lot_id == e.c.entry_id))
            .where(e.c.points > 0, e.c.expires_at <= moment, left > 0)
            .distinct()
            .order_by(e.c.account_id)
        ).scalars().all()  # fmt: skip
    found = {account: expire(store, account_id=account, moment=moment) for account in accounts}
    return {account: n for account, n in found.items() if n}


def balance(store: Store, account_id: str, moment: datetime, contact_id: str | None = None) -> int:
    """Return the account's (or one contact's) balance at `moment`."""
    with _holding(store, None) as conn:
        entries, allocations = _ledger(conn, account_id)
    return balance_at(entries, allocations, moment, contact_id)


def known_account(store: Store, account_id: str) -> None:
    """Raise NotFoundError unless the account is in the store (merged or not)."""
    accounts = schema.accounts
    with store.begin() as conn:
        found = conn.execute(
            sa.select(accounts.c.account_id).where(accounts.c.account_id == account_id)
        ).first()
    if found is None:
        raise NotFoundError(f"no account {account_id!r} in the store")


def statement(store: Store, account_id: str) -> list[dict[str, Any]]:
    """Return every entry of the account, oldest first: the audit trail."""
    e = schema.points_entries
    with _holding(store, None) as conn:
        rows = conn.execute(
            sa.select(e).where(e.c.account_id == account_id).order_by(e.c.occurred_at,
                                                                      e.c.recorded_at)
        ).mappings().all()  # fmt: skip
    return [dict(row) for row in rows]


def earned_entries(store: Store, rules: list[str]) -> pa.Table:
    """Return the points earned under the rules: rule, stored key, account, moment, points."""
    e = schema.points_entries
    query = sa.select(e.c.rule, e.c.source_key, e.c.account_id, e.c.occurred_at, e.c.points).where(
        e.c.kind == EARN, e.c.rule.in_(rules)
    )
    with _holding(store, None) as conn:
        rows = conn.execute(query).all()
    names = ("rule", "source_key", "account_id", "occurred_at", "points")
    types = (pa.string(), pa.string(), pa.string(), pa.timestamp("us"), pa.int64())
    return pa.table(
        {
            n: pa.array([r[i] for r in rows], t)
            for i, (n, t) in enumerate(zip(names, types, strict=True))
        }
    )


def earned_rows(due: list[dict[str, Any]], *, rule: str, reason: str) -> pa.Table:
    """Return the entries earning rules award, as rows of `points_entries` (each `due` row
    has its key, account, contact, moment, points and expiry)."""
    stored = [stored_key(EARN, "", r["key"]) for r in due]
    return pa.table({
        "entry_id": pa.array([entry_id(k) for k in stored], pa.string()),
        "account_id": pa.array([r["account_id"] for r in due], pa.string()),
        "contact_id": pa.array([r["contact_id"] for r in due], pa.string()),
        "points": pa.array([r["points"] for r in due], pa.int64()),
        "kind": pa.array([EARN] * len(due), pa.string()),
        "rule": pa.array([rule] * len(due), pa.string()),
        "source_key": pa.array(stored, pa.string()),
        "occurred_at": pa.array([r["occurred_at"] for r in due], pa.timestamp("us")),
        "expires_at": pa.array([r["expires_at"] for r in due], pa.timestamp("us")),
        "reason": pa.array([reason[: TEXT_LIMITS["reason"]]] * len(due), pa.string()),
        "actor": pa.array([ENGINE] * len(due), pa.string()),
    })  # fmt: skip


def write_earned(store: Store, rows: pa.Table) -> int:
    """Write earned entries in one transaction, each once (a key already written is left
    as it is); return the entries written."""
    if not rows.num_rows:
        return 0
    e = schema.points_entries
    rows = rows.append_column("recorded_at", pa.array([utc_now()] * rows.num_rows,
                                                      pa.timestamp("us")))  # fmt: skip
    with _holding(store, None) as conn:
        written = store.insert_arrow(conn, e, rows, new_by="entry_id")
    return int(written)


@contextmanager
def exclusive(store: Store, name: str) -> Iterator[None]:
    """Hold one of the ledger's run locks (`award`, `tiers`): one such run at a time, from
    its first read to its last write. On PostgreSQL a session advisory lock on a
    connection of its own; on DuckDB (one process per store) a lock of the process."""
    if store.is_duckdb:
        with _RUNS.setdefault(name, threading.Lock()):
            yield
        return
    key = sa.func.hashtext(f"carecycle.points:{name}")
    with store.engine.connect() as conn:
        conn.execute(sa.select(sa.func.pg_advisory_lock(key)))
        conn.commit()
        try:
            yield
        finally:
            conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))
            conn.commit()


def reversible(store: Store, *, earned_key: str, moment: datetime) -> int:
    """Return the points a reversal of what was earned under `earned_key` would take at
    `moment` (0 when already reversed)."""
    lot_id = entry_id(stored_key(EARN, "", earned_key))
    e = schema.points_entries
    with _holding(store, None) as conn:
        row = conn.execute(sa.select(e.c.account_id).where(e.c.entry_id == lot_id)).first()
        if row is None:
            return 0
        done = conn.execute(
            sa.select(e.c.entry_id).where(e.c.entry_id == entry_id(f"{REVERSE}:{lot_id}"))
        ).first()
        if done is not None:
            return 0
        lots = _lots(conn, row.account_id, moment)
        return sum(n for _, n in _reversal(conn, row.account_id, lot_id, lots, moment))


@contextmanager
def _holding(store: Store, account_id: str | None) -> Iterator[sa.Connection]:
    """Yield a transaction; with an account, one holding that account's ledger.

    DuckDB has one process per store and one connection its threads share: every ledger
    transaction there takes the process's lock. On PostgreSQL an account's writes take an
    advisory lock for the transaction (under read committed, the store's default), so
    each sees what the one before it wrote.
    """
    with contextlib.ExitStack() as stack:
        if store.is_duckdb:
            stack.enter_context(_DUCKDB)
        conn = stack.enter_context(store.begin())
        if account_id is not None and not store.is_duckdb:
            key = sa.func.hashtext(f"carecycle.points:{account_id}")
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
        yield conn


def _check_points(points: int, *, positive: bool) -> None:
    if positive and points <= 0:
        raise InputError(f"points must be above 0, not {points}")
    if abs(points) > MAX_POINTS:
        raise InputError(f"points must be at most {MAX_POINTS:,} at a time, not {points:,}")


def _check_text(**given: str) -> None:
    for name, text in given.items():
        if len(text) > TEXT_LIMITS[name]:
            raise InputError(f"the {name} is too long: at most {TEXT_LIMITS[name]} characters")


def _check_expiry(occurred_at: datetime, expires_at: datetime | None) -> None:
    if expires_at is not None and expires_at <= occurred_at:
        raise InputError(f"points cannot expire ({expires_at}) before they are earned")


def _existing(conn: sa.Connection, draft: _Draft) -> Posted | None:
    """Return the entry already written under the draft's key, or raise when that key
    names something else."""
    e = schema.points_entries
    row = conn.execute(sa.select(e).where(e.c.entry_id == entry_id(draft.key))).first()
    if row is None:
        return None
    if (row.account_id, row.kind) != (draft.account_id, draft.kind):
        raise InputError(
            f"{draft.key.split(':', 1)[1]!r} already names a {row.kind} of account "
            f"{row.account_id}: give this {draft.kind} a key of its own"
        )
    return Posted(row.entry_id, row.account_id, row.points, row.kind, row.source_key,
                  row.occurred_at, new=False)  # fmt: skip


def _post(
    conn: sa.Connection,
    draft: _Draft,
    *,
    expires_at: datetime | None = None,
    rule: str | None = None,
    reason: str | None = None,
    actor: str | None = None,
    allocations: list[tuple[str, int]] | None = None,
    check_account: bool = True,
) -> Posted:
    found = _existing(conn, draft)
    if found is not None:
        return found
    if check_account:
        _check_account(conn, draft.account_id)
    made = entry_id(draft.key)
    conn.execute(
        schema.points_entries.insert().values(
            entry_id=made, account_id=draft.account_id, contact_id=draft.contact_id,
            points=draft.points, kind=draft.kind, rule=rule, source_key=draft.key,
            occurred_at=draft.occurred_at, expires_at=expires_at, reason=reason, actor=actor,
            recorded_at=utc_now(),
        )
    )  # fmt: skip
    if allocations:
        conn.execute(
            schema.points_allocations.insert(),
            [{"entry_id": made, "lot_id": lot, "points": n} for lot, n in allocations],
        )
    return Posted(made, draft.account_id, draft.points, draft.kind, draft.key,
                  draft.occurred_at, new=True)  # fmt: skip


def _check_account(conn: sa.Connection, account_id: str) -> None:
    accounts = schema.accounts
    row = conn.execute(
        sa.select(accounts.c.merged_into).where(accounts.c.account_id == account_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no account {account_id!r} in the store")
    if row.merged_into is not None:
        raise InputError(f"account {account_id} was merged into {row.merged_into}: use that")


def _take(conn: sa.Connection, draft: _Draft, *, reason: str, actor: str | None) -> Posted:
    found = _existing(conn, draft)
    if found is not None:
        return found
    _expire(conn, draft.account_id, draft.occurred_at)
    lots = _lots(conn, draft.account_id, draft.occurred_at)
    taken = allocate(lots, -draft.points, draft.occurred_at, draft.contact_id)
    return _post(conn, draft, reason=reason, actor=actor, allocations=taken)


def _expire(conn: sa.Connection, account_id: str, moment: datetime) -> int:
    """Write an expiry for each of the account's lots expired by `moment` with points
    left, at the moment it expired."""
    total = 0
    for lot in expiring(_lots(conn, account_id, moment), moment):
        assert lot.expires_at is not None
        # What remained when it expired: later entries could not take an expired lot.
        draft = _Draft(account_id, lot.contact_id, -lot.remaining, EXPIRE,
                       f"{EXPIRE}:{lot.entry_id}", lot.expires_at)  # fmt: skip
        _post(conn, draft, reason="expired", actor=None,
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
