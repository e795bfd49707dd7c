"""Use case: review every account's tier as of a day, and show one account's.

A review reads each live account's qualifying points from the ledger (carecycle/loyalty/
tiers.py says which), moves it up or down, and writes its tier (`loyalty_tiers`) and
each move as a tier event (`tier_events`): upgrades are the recognition a program can
act on. Reviews go forward in time; reviewing the same day again changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import sqlalchemy as sa

from carecycle.engine.facts import survivor_map
from carecycle.errors import InputError, NotFoundError
from carecycle.loyalty.ledger import ADJUST, EARN, REVERSE
from carecycle.loyalty.tiers import ENTERED, REGRADED, Tier, Tiers, review
from carecycle.services import points
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.times import add_months

QUALIFYING = (EARN, ADJUST)  # spending points never costs a tier; taking back does


@dataclass(frozen=True)
class TierEvent:
    """An account's move between tiers."""

    account_id: str
    occurred_on: date
    kind: str
    from_tier: str | None
    to_tier: str
    points: int


@dataclass(frozen=True)
class TierReview:
    """A review: accounts per tier after it, and the moves it made."""

    as_of: date
    counts: dict[str, int]
    events: tuple[TierEvent, ...]
    dry_run: bool

    def moves(self) -> dict[str, int]:
        """Return how many accounts entered, went up and went down."""
        found: dict[str, int] = {}
        for e in self.events:
            found[e.kind] = found.get(e.kind, 0) + 1
        return found


@dataclass(frozen=True)
class AccountTier:
    """One account's tier as last reviewed, what it gives and what the next one takes."""

    account_id: str
    tier: Tier | None
    points: int
    reviewed_on: date | None
    below_since: date | None
    next_tier: Tier | None
    history: tuple[TierEvent, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return the account's tier as JSON carries it."""
        return {
            "account_id": self.account_id, "points": self.points,
            "reviewed_on": self.reviewed_on, "below_since": self.below_since,
            "points_to_next": self.points_to_next,
            "tier": self.tier.model_dump() if self.tier else None,
            "next_tier": self.next_tier.model_dump() if self.next_tier else None,
            "history": self.history,
        }  # fmt: skip

    @property
    def points_to_next(self) -> int | None:
        """Return the qualifying points the next tier still needs (None at the top)."""
        return None if self.next_tier is None else max(0, self.next_tier.threshold - self.points)


def window_start(tiers: Tiers, as_of: date) -> datetime:
    """Return the first moment whose points qualify on `as_of` (the window ends with it)."""
    after = as_of + timedelta(days=1)
    start = add_months(after, -tiers.window.months) - timedelta(days=tiers.window.days)
    return datetime.combine(start, time())


def review_tiers(
    store: Store, tiers: Tiers, *, as_of: date, now: datetime, dry_run: bool = False
) -> TierReview:
    """Review every live account's tier as of the end of `as_of` and write the result
    (not on a dry run). Points of accounts merged into an account count as its own. A
    review holds the ledger's tiers lock, so two at once are taken one after the other."""
    if as_of > now.date():
        raise InputError(f"cannot review tiers for {as_of}: it is after today ({now.date()})")
    with points.exclusive(store, "tiers"):
        return _review(store, tiers, as_of, dry_run)


def _review(store: Store, tiers: Tiers, as_of: date, dry_run: bool) -> TierReview:
    t, a = schema.loyalty_tiers, schema.accounts
    survivors = survivor_map(store.tables())
    with store.begin() as conn:
        last = conn.execute(sa.select(sa.func.max(t.c.reviewed_on))).scalar()
        if last is not None and as_of < last:
            raise InputError(f"tiers were last reviewed on {last}: review that day or a later one")
        ids: list[str] = list(conn.execute(
            sa.select(a.c.account_id).where(a.c.merged_into.is_(None)).order_by(a.c.account_id)
        ).scalars())  # fmt: skip
        earned = _qualifying(conn, tiers, as_of, survivors)
        held = {r.account_id: r for r in conn.execute(sa.select(t))}
    qualifying = np.array([earned.get(i, 0) for i in ids], dtype=np.int64)
    current = np.array([tiers.index(held[i].tier) if i in held else -1 for i in ids],
                       dtype=np.int64)  # fmt: skip
    below = np.array([_day(held[i].below_since) if i in held else None for i in ids],
                     dtype="datetime64[D]")  # fmt: skip
    done = review(tiers, as_of, qualifying, current, below)
    names = [x.id for x in tiers.levels]
    events = []
    for k in np.flatnonzero(done.event != "").tolist():
        kind, before = str(done.event[k]), names[current[k]] if current[k] >= 0 else None
        if kind == ENTERED and ids[k] in held:
            # Its tier is no longer in the rules: placed where its points reach.
            kind, before = REGRADED, held[ids[k]].tier
        elif kind == ENTERED and done.tier[k] == 0:
            continue  # everyone starts in the first tier: no event to recognise
        events.append(TierEvent(ids[k], as_of, kind, before, names[done.tier[k]],
                                int(qualifying[k])))  # fmt: skip
    if not dry_run:
        _write(store, ids, done.tier, done.below_since, qualifying, names, held, as_of,
               tuple(events))  # fmt: skip
    counts = {name: int((done.tier == k).sum()) for k, name in enumerate(names)}
    return TierReview(as_of, counts, tuple(events), dry_run)


def account_tier(store: Store, tiers: Tiers, account_id: str) -> AccountTier:
    """Return an account's tier as last reviewed, with its history, newest first."""
    t, e = schema.loyalty_tiers, schema.tier_events
    with store.begin() as conn:
        row = conn.execute(sa.select(t).where(t.c.account_id == account_id)).first()
        history = conn.execute(
            sa.select(e).where(e.c.account_id == account_id).order_by(e.c.occurred_on.desc())
        ).all()
        known = conn.execute(
            sa.select(schema.accounts.c.account_id).where(
                schema.accounts.c.account_id == account_id)
        ).first()  # fmt: skip
    if known is None:
        raise NotFoundError(f"no account {account_id!r} in the store")
    place = tiers.index(row.tier) if row is not None else -1
    tier = tiers.levels[place] if place >= 0 else None
    upper = tiers.levels[place + 1] if 0 <= place < len(tiers.levels) - 1 else None
    if row is None:
        upper = tiers.levels[1] if len(tiers.levels) > 1 else None
    return AccountTier(
        account_id, tier, row.points if row is not None else 0,
        row.reviewed_on if row is not None else None,
        row.below_since if row is not None else None, upper,
        tuple(TierEvent(h.account_id, h.occurred_on, h.kind, h.from_tier, h.to_tier, h.points)
              for h in history),
    )  # fmt: skip


def _qualifying(
    conn: sa.Connection, tiers: Tiers, as_of: date, survivors: dict[str, str]
) -> dict[str, int]:
    """Return each account's qualifying points: earned and adjusted in the window, less
    what was taken back by the day of the points earned in the window (points earned
    before it and taken back now do not count twice)."""
    e, a = schema.points_entries, schema.points_allocations
    start = window_start(tiers, as_of)
    after = datetime.combine(as_of + timedelta(days=1), time())
    added = conn.execute(
        sa.select(e.c.account_id, sa.func.sum(e.c.points))
        .where(e.c.kind.in_(QUALIFYING), e.c.occurred_at >= start, e.c.occurred_at < after)
        .group_by(e.c.account_id)
    ).all()  # fmt: skip
    lot = e.alias("lot")
    taken = conn.execute(
        sa.select(e.c.account_id, sa.func.sum(a.c.points))
        .select_from(e.join(a, a.c.entry_id == e.c.entry_id)
                     .join(lot, lot.c.entry_id == a.c.lot_id))
        .where(e.c.kind == REVERSE, e.c.occurred_at < after, lot.c.kind.in_(QUALIFYING),
               lot.c.occurred_at >= start, lot.c.occurred_at < after)
        .group_by(e.c.account_id)
    ).all()  # fmt: skip
    found: dict[str, int] = {}
    for account, n in added:
        owner = survivors.get(account, account)
        found[owner] = found.get(owner, 0) + int(n)
    for account, n in taken:
        owner = survivors.get(account, account)
        found[owner] = found.get(owner, 0) - int(n)
    return {account: max(0, n) for account, n in found.items()}


def _day(value: date | None) -> Any:
    return np.datetime64(value, "D") if value is not None else np.datetime64("NaT", "D")


def _gone(held: dict[str, Any], account: str) -> str | None:
    """Return the stored tier of an account whose tier the rules no longer have."""
    return held[account].tier if account in held else None


def _write(
    store: Store,
    ids: list[str],
    tier: np.ndarray,
    below: np.ndarray,
    qualifying: np.ndarray,
    names: list[str],
    held: dict[str, Any],
    as_of: date,
    events: tuple[TierEvent, ...],
) -> None:
    moved = {e.account_id for e in events}
    rows = pa.table({
        "account_id": pa.array(ids, pa.string()),
        "tier": pa.array([names[k] for k in tier], pa.string()),
        "since": pa.array([as_of if i in moved or i not in held else held[i].since
                           for i in ids], pa.date32()),
        "below_since": pa.array([None if np.isnat(b) else b.item() for b in below], pa.date32()),
        "points": pa.array(qualifying, pa.int64()),
        "reviewed_on": pa.array([as_of] * len(ids), pa.date32()),
    })  # fmt: skip
    happened = pa.table({
        "event_id": pa.array([_event_id(x) for x in events], pa.string()),
        "account_id": pa.array([x.account_id for x in events], pa.string()),
        "occurred_on": pa.array([x.occurred_on for x in events], pa.date32()),
        "kind": pa.array([x.kind for x in events], pa.string()),
        "from_tier": pa.array([x.from_tier for x in events], pa.string()),
        "to_tier": pa.array([x.to_tier for x in events], pa.string()),
        "points": pa.array([x.points for x in events], pa.int64()),
    })  # fmt: skip
    with store.begin() as conn:
        conn.execute(schema.loyalty_tiers.delete())
        store.insert_arrow(conn, schema.loyalty_tiers, rows)
        store.insert_arrow(conn, schema.tier_events, happened, new_by="event_id")


def _event_id(event: TierEvent) -> str:
    key = f"{event.account_id}|{event.occurred_on}|{event.kind}|{event.to_tier}"
    return hashlib.md5(key.encode()).hexdigest()
