"""The points ledger's arithmetic: lots, their expiry, and first-to-expire consumption.

The ledger is append-only. A positive entry (points earned, or added by hand) is a lot:
it counts towards the balance from the moment it occurred until the moment it expires
(never, without an expiry). A negative entry — a redemption, an expiry, a reversal, a
deduction by hand — consumes lots, recorded as allocations: a redemption takes the
soonest-expiring points first, so points are not lost to expiry that could have been
spent. The balance as of a moment is what remains of the lots not yet expired then, so
it never goes below zero, and every point earned is, at any moment, either in the
balance, consumed by a negative entry, or expired.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from carecycle.errors import InputError

EARN, REDEEM, EXPIRE, REVERSE, ADJUST = "earn", "redeem", "expire", "reverse", "adjust"
RETURN = "return"  # points of a cancelled redemption given back
KINDS = (EARN, REDEEM, EXPIRE, REVERSE, ADJUST, RETURN)
FOREVER = datetime.max


class NotEnoughPointsError(InputError):
    """A redemption or deduction asks for more points than the balance holds."""


@dataclass(frozen=True)
class Entry:
    """One ledger entry."""

    entry_id: str
    account_id: str
    contact_id: str | None
    points: int
    kind: str
    occurred_at: datetime
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Allocation:
    """Points of a lot (`lot_id`) consumed by a negative entry (`entry_id`)."""

    entry_id: str
    lot_id: str
    points: int


@dataclass(frozen=True)
class Lot:
    """A positive entry and what remains of it at a moment."""

    entry_id: str
    contact_id: str | None
    occurred_at: datetime
    expires_at: datetime | None
    points: int
    remaining: int

    def live_at(self, moment: datetime) -> bool:
        """Return True when the lot has occurred and not expired at `moment`."""
        return self.occurred_at <= moment and (self.expires_at or FOREVER) > moment


def lots_at(
    entries: Iterable[Entry], allocations: Iterable[Allocation], moment: datetime
) -> list[Lot]:
    """Return every lot that occurred by `moment`, with what remains of it after the
    negative entries that occurred by then, soonest-expiring first."""
    listed = list(entries)
    when = {e.entry_id: e.occurred_at for e in listed}
    used: dict[str, int] = {}
    for a in allocations:
        if when.get(a.entry_id, FOREVER) <= moment:
            used[a.lot_id] = used.get(a.lot_id, 0) + a.points
    lots = [
        Lot(e.entry_id, e.contact_id, e.occurred_at, e.expires_at, e.points,
            e.points - used.get(e.entry_id, 0))
        for e in listed
        if e.points > 0 and e.occurred_at <= moment
    ]  # fmt: skip
    # Soonest-expiring first; among equal expiry, the account's own points (no contact)
    # before a person's, then the oldest.
    return sorted(lots, key=lambda lot: (lot.expires_at or FOREVER, lot.contact_id is not None,
                                         lot.occurred_at, lot.entry_id))  # fmt: skip


def balance_at(
    entries: Iterable[Entry],
    allocations: Iterable[Allocation],
    moment: datetime,
    contact_id: str | None = None,
) -> int:
    """Return the points that remain at `moment` in lots not expired by then (of one
    contact's lots when `contact_id` is given)."""
    return sum(
        lot.remaining
        for lot in lots_at(entries, allocations, moment)
        if lot.live_at(moment) and (contact_id is None or lot.contact_id == contact_id)
    )


def allocate(
    lots: Sequence[Lot], points: int, moment: datetime, contact_id: str | None = None
) -> list[tuple[str, int]]:
    """Return which lots give `points`, soonest-expiring first (of one contact's lots when
    `contact_id` is given), or raise NotEnoughPointsError."""
    if points <= 0:
        raise InputError(f"points to take must be above 0, not {points}")
    taken: list[tuple[str, int]] = []
    wanted = points
    for lot in lots:
        if wanted == 0:
            break
        if lot.remaining <= 0 or not lot.live_at(moment):
            continue
        if contact_id is not None and lot.contact_id != contact_id:
            continue
        take = min(lot.remaining, wanted)
        taken.append((lot.entry_id, take))
        wanted -= take
    if wanted:
        held = points - wanted
        raise NotEnoughPointsError(
            f"{points:,} points asked for, {held:,} held at {moment:%Y-%m-%d %H:%M}"
        )
    return taken


def expiring(lots: Sequence[Lot], moment: datetime) -> list[Lot]:
    """Return the lots that have expired by `moment` with points left in them."""
    return [
        lot
        for lot in lots
        if lot.remaining > 0 and lot.expires_at is not None and lot.expires_at <= moment
    ]
