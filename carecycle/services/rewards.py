"""Use case: the rewards catalogue — items exchanged for points — and their redemptions.

A catalogue file (YAML) lists the items: each with its point cost, the units ever
offered (stock), the days it can be asked for and how many one account may have. Loading
it adds and updates items; stock counts every unit asked for and not cancelled.

A redemption is requested → approved → fulfilled, or cancelled on the way. The points are
taken when it is requested, in the same transaction that checks the item, its stock and
the account's limit — holding the account's ledger and then the item — so two requests
at once never overspend the points or oversell the stock. Cancelling gives the points
back as new lots with the expiry they had (those expired since stay taken).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, model_validator

from carecycle.datafile import parse_model, read_text
from carecycle.errors import InputError, NotFoundError
from carecycle.services import points
from carecycle.store import schema
from carecycle.store.db import Store

REQUESTED, APPROVED, FULFILLED, CANCELLED = "requested", "approved", "fulfilled", "cancelled"
# The moves a redemption can make, from each status.
MOVES = {APPROVED: (REQUESTED,), FULFILLED: (APPROVED,), CANCELLED: (REQUESTED, APPROVED)}
MAX_QUANTITY = 1000
MAX_UNITS = 1_000_000


class Reward(BaseModel):
    """An item of the catalogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    points: int = Field(ge=1, le=points.MAX_POINTS)
    stock: int | None = Field(default=None, ge=0, le=MAX_UNITS, description="Units ever offered.")
    valid_from: date | None = None
    valid_until: date | None = None
    per_account: int | None = Field(default=None, ge=1, le=MAX_UNITS)
    active: bool = True

    @model_validator(mode="after")
    def _dates(self) -> Reward:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until comes before valid_from")
        return self


class Catalogue(BaseModel):
    """A catalogue file: its items."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rewards: tuple[Reward, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        ids = [r.id for r in self.rewards]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"reward ids must be unique; repeated: {', '.join(repeated)}")
        return self


@dataclass(frozen=True)
class Offered:
    """An item as the catalogue has it now, with the units left."""

    reward_id: str
    name: str
    description: str | None
    points: int
    stock: int | None
    left: int | None
    valid_from: date | None
    valid_until: date | None
    per_account: int | None
    active: bool


@dataclass(frozen=True)
class Redemption:
    """A redemption and where it stands."""

    redemption_id: str
    reward_id: str
    account_id: str
    contact_id: str | None
    quantity: int
    points: int
    status: str
    requested_at: datetime
    approved_at: datetime | None
    fulfilled_at: datetime | None
    cancelled_at: datetime | None
    returned: int | None
    actor: str | None
    note: str | None
    new: bool = False  # written by this call


def sample_catalogue() -> Path:
    """Return the sample catalogue shipped with the package."""
    return Path(str(resources.files("carecycle.loyalty") / "catalogue" / "sample.yaml"))


def read_catalogue(name: str) -> Catalogue:
    """Return the catalogue in a file (`sample`: the one shipped), or raise InputError."""
    path = sample_catalogue() if name == "sample" else Path(name)
    holds = "a catalogue file holds a mapping with a list of rewards"
    return parse_model(read_text(path, "catalogue"), str(path), Catalogue, holds, "catalogue")


def load_catalogue(store: Store, catalogue: Catalogue, *, now: datetime) -> dict[str, int]:
    """Add the catalogue's new items and update those already there; return how many of
    each. Items not in the file stay as they are (mark one `active: false` to withdraw it)."""
    r = schema.rewards
    added = updated = 0
    with store.begin() as conn:
        known = set(conn.execute(sa.select(r.c.reward_id)).scalars())
        for item in catalogue.rewards:
            values = {"name": item.name, "description": item.description,
                      "points": item.points, "stock": item.stock,
                      "valid_from": item.valid_from, "valid_until": item.valid_until,
                      "per_account": item.per_account, "active": item.active,
                      "updated_at": now}  # fmt: skip
            if item.id in known:
                conn.execute(r.update().where(r.c.reward_id == item.id).values(**values))
                updated += 1
            else:
                conn.execute(r.insert().values(reward_id=item.id, **values))
                added += 1
    return {"added": added, "updated": updated}


def offered(store: Store, *, everything: bool = False, on: date | None = None) -> list[Offered]:
    """Return the catalogue with the units left: the active items valid on `on` (every
    item when `everything`)."""
    r = schema.rewards
    with store.begin() as conn:
        rows = conn.execute(sa.select(r).order_by(r.c.points, r.c.reward_id)).all()
        held = _held(conn)
    found = [
        Offered(row.reward_id, row.name, row.description, row.points, row.stock,
                None if row.stock is None else max(0, row.stock - held.get(row.reward_id, 0)),
                row.valid_from, row.valid_until, row.per_account, row.active)
        for row in rows
    ]  # fmt: skip
    if everything:
        return found
    return [x for x in found if x.active and (on is None or _valid(x, on))]


def request(
    store: Store,
    *,
    account_id: str,
    reward_id: str,
    key: str,
    now: datetime,
    quantity: int = 1,
    contact_id: str | None = None,
) -> Redemption:
    """Ask for `quantity` units of an item for an account (paid from one contact's points
    when `contact_id` is given): the points are taken now. Asking again with the same key
    returns the redemption already made."""
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InputError(f"quantity must be 1 to {MAX_QUANTITY}, not {quantity}")
    redemption_id = _redemption_id(account_id, key)
    with points.holding(store, account_id) as conn:
        found = _get(conn, redemption_id)
        if found is not None:
            asked = (account_id, reward_id, quantity, contact_id)
            if (found.account_id, found.reward_id, found.quantity, found.contact_id) != asked:
                raise InputError(f"the key {key!r} already names a redemption of "
                                 f"{found.quantity} × {found.reward_id}: give this one a key "
                                 "of its own")  # fmt: skip
            return found
        _hold_reward(store, conn, reward_id)
        item = _reward(conn, reward_id)
        _check_offer(conn, item, account_id, quantity, now.date())
        cost = item.points * quantity
        taken = points.take(conn, account_id=account_id, points=cost,
                            source_key=f"reward:{redemption_id}", occurred_at=now,
                            reason=f"reward {reward_id} ×{quantity}",
                            contact_id=contact_id)  # fmt: skip
        conn.execute(
            schema.reward_redemptions.insert().values(
                redemption_id=redemption_id, reward_id=reward_id, account_id=account_id,
                contact_id=contact_id, quantity=quantity, points=cost, status=REQUESTED,
                entry_id=taken.entry_id, requested_at=now,
            )
        )  # fmt: skip
        made = _get(conn, redemption_id)
    assert made is not None
    return _with_new(made)


def move(
    store: Store,
    redemption_id: str,
    status: Literal["approved", "fulfilled", "cancelled"],
    *,
    actor: str,
    now: datetime,
    note: str | None = None,
) -> Redemption:
    """Approve, fulfil or cancel a redemption, saying who; a cancellation gives the points
    back. Moving it to where it already is changes nothing."""
    if not actor.strip():
        raise InputError("say who makes the change (--actor)")
    if len(actor) > 100 or (note is not None and len(note) > 300):
        raise InputError("the actor is at most 100 characters and the note at most 300")
    with store.begin() as conn:
        found = _get(conn, redemption_id)
    if found is None:
        raise NotFoundError(f"no redemption {redemption_id!r}")
    with points.holding(store, found.account_id) as conn:
        found = _get(conn, redemption_id)
        assert found is not None
        if found.status == status:
            return found
        if found.status not in MOVES[status]:
            raise InputError(f"redemption {redemption_id} is {found.status}: it cannot be "
                             f"{status} (only from {' or '.join(MOVES[status])})")  # fmt: skip
        values: dict[str, Any] = {"status": status, f"{status}_at": now, "actor": actor}
        if note is not None:
            values["note"] = note
        if status == CANCELLED:
            _hold_reward(store, conn, found.reward_id)
            entry = _entry_of(conn, redemption_id)
            values["returned"] = points.give_back(
                conn, entry, occurred_at=now, reason=f"reward {found.reward_id} cancelled",
                actor=actor,
            )  # fmt: skip
        rr = schema.reward_redemptions
        conn.execute(rr.update().where(rr.c.redemption_id == redemption_id).values(**values))
        moved = _get(conn, redemption_id)
    assert moved is not None
    return _with_new(moved)


def redemptions(
    store: Store, *, account_id: str | None = None, status: str | None = None
) -> list[Redemption]:
    """Return redemptions, newest first: of one account, in one status, or all."""
    rr = schema.reward_redemptions
    query = sa.select(rr).order_by(rr.c.requested_at.desc(), rr.c.redemption_id)
    if account_id is not None:
        query = query.where(rr.c.account_id == account_id)
    if status is not None:
        if status not in (REQUESTED, *MOVES):
            raise InputError(f"no status {status!r}: one of {REQUESTED}, {', '.join(MOVES)}")
        query = query.where(rr.c.status == status)
    with store.begin() as conn:
        return [_redemption(row) for row in conn.execute(query)]


def _redemption_id(account_id: str, key: str) -> str:
    if not key.strip() or len(key) > 100:
        raise InputError("a redemption needs a key of 1 to 100 characters: asking twice "
                         "with one key redeems once")  # fmt: skip
    return hashlib.md5(json.dumps(["reward", account_id, key]).encode()).hexdigest()


def _hold_reward(store: Store, conn: sa.Connection, reward_id: str) -> None:
    """Hold the item for the transaction (after the account, always in that order), so
    its stock is counted by one request at a time. DuckDB's process lock already holds
    every ledger transaction."""
    if not store.is_duckdb:
        key = sa.func.hashtext(f"carecycle.reward:{reward_id}")
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def _reward(conn: sa.Connection, reward_id: str) -> Any:
    r = schema.rewards
    row = conn.execute(sa.select(r).where(r.c.reward_id == reward_id)).first()
    if row is None:
        raise NotFoundError(f"no reward {reward_id!r} in the catalogue")
    return row


def _check_offer(conn: sa.Connection, item: Any, account_id: str, quantity: int, day: date) -> None:
    if not item.active:
        raise InputError(f"reward {item.reward_id} is withdrawn")
    if not _valid(item, day):
        raise InputError(f"reward {item.reward_id} can be asked for "
                         f"{_validity(item)}, not on {day}")  # fmt: skip
    if item.stock is not None:
        left = item.stock - _held(conn, item.reward_id).get(item.reward_id, 0)
        if quantity > left:
            raise InputError(f"reward {item.reward_id}: {max(left, 0)} left, "
                             f"{quantity} asked for")  # fmt: skip
    if item.per_account is not None:
        had = _held(conn, item.reward_id, account_id).get(item.reward_id, 0)
        if had + quantity > item.per_account:
            raise InputError(f"reward {item.reward_id}: at most {item.per_account} per "
                             f"account; {account_id} has {had}")  # fmt: skip


def _valid(item: Any, day: date) -> bool:
    return (item.valid_from is None or item.valid_from <= day) and (
        item.valid_until is None or day <= item.valid_until
    )


def _validity(item: Any) -> str:
    start = f"from {item.valid_from}" if item.valid_from else ""
    end = f"until {item.valid_until}" if item.valid_until else ""
    return " ".join(x for x in (start, end) if x)


def _held(conn: sa.Connection, reward_id: str | None = None,
          account_id: str | None = None) -> dict[str, int]:  # fmt: skip
    """Return the units asked for and not cancelled, per item."""
    rr = schema.reward_redemptions
    query = (
        sa.select(rr.c.reward_id, sa.func.sum(rr.c.quantity))
        .where(rr.c.status != CANCELLED)
        .group_by(rr.c.reward_id)
    )
    if reward_id is not None:
        query = query.where(rr.c.reward_id == reward_id)
    if account_id is not None:
        query = query.where(rr.c.account_id == account_id)
    return {reward: int(n) for reward, n in conn.execute(query)}


def _get(conn: sa.Connection, redemption_id: str) -> Redemption | None:
    rr = schema.reward_redemptions
    row = conn.execute(sa.select(rr).where(rr.c.redemption_id == redemption_id)).first()
    return None if row is None else _redemption(row)


def _entry_of(conn: sa.Connection, redemption_id: str) -> str:
    rr = schema.reward_redemptions
    entry: str = conn.execute(
        sa.select(rr.c.entry_id).where(rr.c.redemption_id == redemption_id)
    ).scalar_one()
    return entry


def _redemption(row: Any) -> Redemption:
    return Redemption(row.redemption_id, row.reward_id, row.account_id, row.contact_id,
                      row.quantity, row.points, row.status, row.requested_at, row.approved_at,
                      row.fulfilled_at, row.cancelled_at, row.returned, row.actor,
                      row.note)  # fmt: skip


def _with_new(found: Redemption) -> Redemption:
    return replace(found, new=True)
