"""Use case: run the synthetic business forward, day by day, against the store.

Every planning day the real planner plans each program; the touches it plans go out on
simulated channels that answer as `synth.behaviour` says (sent, then delivered, opened,
clicked, reached, completed — or bounced and unreached), recorded as touch events like
any channel's. Every day customers buy and ending agreements renew or lapse, the touched
ones by the planted effect. Planning every N days (N no longer than the programs'
shortest grace) keeps the touches due in between: the planner catches up on them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import sqlalchemy as sa

from carecycle.errors import InputError
from carecycle.programs.loader import ProgramFile
from carecycle.services.events import event_id, stamp_touches
from carecycle.services.planning import plan_program
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.synth.behaviour import (
    Behaviour,
    Customers,
    Truth,
    draw_customers,
    draw_responses,
    reached,
    renewal_chance,
)
from carecycle.synth.sampling import stream

SOURCE = "simulator"
ORDER_PREFIX, AGREEMENT_PREFIX = "OF", "AGF"
RENEWAL_GROWTH = 1.03
LAST_DAY_SETTING = "simulator.last_day"


@dataclass(frozen=True)
class ForwardResult:
    """What running the business forward did, and the effect it planted."""

    start: date
    end: date
    planning_days: int
    sent: dict[str, int]
    outcomes: dict[str, int]
    orders: int
    renewals: int
    lapses: int
    truth: Truth = field(repr=False)


@dataclass
class _Exposures:
    """Which scopes reached each agreement, and until when each account buys more."""

    scopes: dict[str, set[str]] = field(default_factory=dict)
    until: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class _Pending:
    """Rows the simulated days made, written before the next planning day."""

    agreements: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _World:
    """The customers, the catalogue and the running tallies of one run."""

    customers: Customers
    index: dict[str, int]
    products: list[str]
    prices: np.ndarray
    behaviour: Behaviour
    truth: Truth = field(default_factory=Truth)
    exposures: _Exposures = field(default_factory=_Exposures)
    pending: _Pending = field(default_factory=_Pending)
    tally: dict[str, int] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    extra_orders: np.ndarray = field(default_factory=lambda: np.zeros(0))
    extra_revenue: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        self.extra_orders = np.zeros(len(self.customers.ids))
        self.extra_revenue = np.zeros(len(self.customers.ids))

    def settle_truth(self) -> Truth:
        """Return the truth with the purchases' expected extra added per account."""
        for i in np.flatnonzero(self.extra_orders):
            self.truth.add_extra(
                self.customers.ids[i], float(self.extra_orders[i]), float(self.extra_revenue[i])
            )
        return self.truth


def run_forward(
    store: Store,
    programs: list[ProgramFile],
    *,
    start: date,
    days: int,
    behaviour: Behaviour,
    seed: int,
    plan_every: int = 1,
    on_day: Callable[[date], None] | None = None,
) -> ForwardResult:
    """Run `days` days from `start`: plan, send, answer, buy and renew; return the truth."""
    _check(programs, days, plan_every)
    _check_not_run(store, start)
    world = _load_world(store, seed, behaviour, start)
    rngs = {name: stream(seed, f"forward {name}") for name in ("answers", "buy", "renew")}
    end = start + timedelta(days=days - 1)
    day, steps = start, 0
    while day <= end:
        if day > start:
            _flush(store, world.pending, ran_to=day - timedelta(days=1))
        for found in programs:
            plan_program(store, found, day)
        _deliver(store, world, day, rngs["answers"])
        last = min(end, day + timedelta(days=plan_every - 1))
        ending = _ending(store, day, last)
        for offset in range((last - day).days + 1):
            today = day + timedelta(days=offset)
            _renew(world, ending, today, rngs["renew"])
            _buy(world, today, rngs["buy"])
            if on_day is not None:
                on_day(today)
        day, steps = last + timedelta(days=1), steps + 1
    _flush(store, world.pending, ran_to=end)
    return ForwardResult(
        start, end, steps, world.sent, world.outcomes,
        world.tally.get("orders", 0), world.tally.get("renewals", 0),
        world.tally.get("lapses", 0), world.settle_truth(),
    )  # fmt: skip


def _check(programs: list[ProgramFile], days: int, plan_every: int) -> None:
    if days < 1:
        raise InputError("--days must be at least 1")
    if plan_every < 1:
        raise InputError("--plan-every must be at least 1 day")
    for found in programs:
        shortest = min(found.program.grace_of(t) for t in found.program.touches)
        if plan_every > shortest:
            raise InputError(
                f"--plan-every {plan_every}: program {found.program.id} has a touch with "
                f"{shortest} days of grace, so planning must come at least that often"
            )


def last_simulated_day(store: Store) -> date | None:
    """Return the last day this store's business was run forward, or None if never."""
    settings = schema.platform_settings
    with store.begin() as conn:
        last = conn.execute(
            sa.select(settings.c.value).where(settings.c.name == LAST_DAY_SETTING)
        ).scalar()
    return None if last is None else date.fromisoformat(str(last))


def _check_not_run(store: Store, start: date) -> None:
    """Refuse to run days this store has already run: their purchases would double."""
    last = last_simulated_day(store)
    if last is not None and last >= start:
        raise InputError(
            f"the store has already run forward to {last}: continue --from {last + timedelta(1)}"
        )


def _load_world(store: Store, seed: int, behaviour: Behaviour, start: date) -> _World:
    a, p = schema.accounts, schema.products
    with store.begin() as conn:
        rows = conn.execute(
            sa.select(a.c.account_id, a.c.size, a.c.country)
            .where(a.c.merged_into.is_(None))
            .order_by(a.c.account_id)
        ).all()
        catalogue = conn.execute(
            sa.select(p.c.product_id, p.c.list_price)
            .where(p.c.list_price.is_not(None))
            .order_by(p.c.product_id)
        ).all()
        history = {r.owner: r for r in conn.execute(_history(start))}
    if not rows or not catalogue:
        raise InputError("the store has no accounts or no priced products: import a world first")
    ids = [r.account_id for r in rows]
    watched = [history.get(i) for i in ids]
    customers = draw_customers(
        stream(seed, "forward customers"),
        ids,
        [r.size for r in rows],
        [r.country for r in rows],
        history=(
            np.array([0.0 if h is None else float(h.repeats) for h in watched]),
            np.array([0.0 if h is None else (start - h.first).days / 365.0 for h in watched]),
        ),
    )
    prices = np.array([float(c.list_price) for c in catalogue])
    return _World(
        customers, customers.index(), [c.product_id for c in catalogue], prices, behaviour
    )


def _history(start: date) -> sa.Select[Any]:
    """Return per owning account its booked repeat orders before `start` and days watched.

    Repeat orders are the ones that created no agreement; an account is watched from its
    first order to the day before `start`.
    """
    o, acc = schema.orders, schema.accounts
    owner = sa.func.coalesce(acc.c.merged_into, o.c.account_id)
    repeat = sa.case((o.c.agreement_id.is_(None), 1), else_=0)
    return (
        sa.select(
            owner.label("owner"),
            sa.func.sum(repeat).label("repeats"),
            sa.func.min(o.c.ordered_on).label("first"),
        )
        .select_from(o.join(acc, acc.c.account_id == o.c.account_id))
        .where(o.c.status == "booked", o.c.ordered_on < start)
        .group_by(owner)
    )


def _deliver(store: Store, world: _World, day: date, rng: np.random.Generator) -> None:
    """Send the day's planned touches on the simulated channels and record the answers."""
    t = schema.touches
    with store.begin() as conn:
        due = conn.execute(
            sa.select(
                t.c.touch_uid, t.c.channel, t.c.account_id, t.c.agreement_id,
                t.c.stage_id, t.c.touch_id,
            )
            .where(
                t.c.status == "planned",
                t.c.planned_on <= day,
                t.c.channel.in_(schema.SENDABLE_CHANNELS),
            )
            .order_by(t.c.touch_uid)
        ).all()  # fmt: skip
        if not due:
            return
        answers = draw_responses(rng, [r.channel for r in due])
        _write_answers(store, conn, due, answers, day)
    for row, outcomes in zip(due, answers, strict=True):
        world.sent[row.channel] = world.sent.get(row.channel, 0) + 1
        for status in outcomes:
            world.outcomes[status] = world.outcomes.get(status, 0) + 1
        if reached(outcomes):
            _expose(world, row, day)


def _write_answers(
    store: Store, conn: sa.Connection, due: Sequence[Any], answers: list[list[str]], day: date
) -> None:
    sent_at = datetime.combine(day, time(9))
    events: list[dict[str, Any]] = []
    finals: list[dict[str, Any]] = []
    for row, outcomes in zip(due, answers, strict=True):
        for step, status in enumerate(["sent", *outcomes]):
            moment = sent_at + timedelta(hours=step)
            events.append(_event(row.touch_uid, status, moment))
        finals.append({"touch_uid": row.touch_uid, "status": (["sent", *outcomes])[-1]})
    t, e = schema.touches, schema.touch_events
    staged = store.stage(conn, "forward_status", pa.Table.from_pylist(finals))
    conn.execute(
        t.update()
        .where(t.c.touch_uid == staged.c.touch_uid)
        .values(status=staged.c.status, updated_on=day)
    )
    store.unstage(conn, staged)
    _insert(store, conn, e, events)


def _event(uid: str, status: str, moment: datetime) -> dict[str, Any]:
    return {
        "event_id": event_id(uid, status, moment),
        "touch_uid": uid,
        "status": status,
        "occurred_at": moment,
        "source": SOURCE,
    }


def _expose(world: _World, row: Any, day: date) -> None:
    scopes = {row.stage_id, row.touch_id}
    if row.agreement_id is not None:
        world.exposures.scopes.setdefault(row.agreement_id, set()).update(scopes)
    i = world.index.get(row.account_id)
    if i is None:
        return
    until = day.toordinal() + world.behaviour.window_days
    for scope in scopes & world.behaviour.purchase_scopes().keys():
        column = world.exposures.until.setdefault(
            scope, np.zeros(len(world.customers.ids), dtype=np.int64)
        )
        column[i] = until


def _ending(store: Store, first: date, last: date) -> list[Any]:
    """Return the live agreements ending between first and last that nothing renewed."""
    a, acc, o, ol = schema.agreements, schema.accounts, schema.orders, schema.order_lines
    successor = sa.alias(a)
    product = (
        sa.select(sa.func.min(ol.c.product_id))
        .select_from(o.join(ol, o.c.order_id == ol.c.order_id))
        .where(o.c.agreement_id == a.c.agreement_id)
        .scalar_subquery()
    )
    query = (
        sa.select(
            a, sa.func.coalesce(acc.c.merged_into, a.c.account_id).label("owner"),
            acc.c.size, product.label("product_id"),
        )
        .select_from(a.join(acc, acc.c.account_id == a.c.account_id))
        .where(
            a.c.end_on.between(first, last),
            a.c.cancelled_on.is_(None),
            ~sa.exists().where(successor.c.renewed_from == a.c.agreement_id),
        )
        .order_by(a.c.end_on, a.c.agreement_id)
    )  # fmt: skip
    with store.begin() as conn:
        return list(conn.execute(query).all())


def _renew(world: _World, ending: list[Any], day: date, rng: np.random.Generator) -> None:
    today = [r for r in ending if r.end_on == day and r.owner in world.index]
    if not today:
        return
    rows = [world.index[r.owner] for r in today]
    base = renewal_chance(
        world.customers.propensity[rows],
        sa=np.array([bool(r.sa) for r in today]),
        large=np.array([r.size in ("medium", "large") for r in today]),
        open_license=np.array([r.program == "open_license" for r in today]),
    )
    draws = rng.random(len(today))
    for r, p0, u in zip(today, base, draws, strict=True):
        lift = world.behaviour.renewal_lift(world.exposures.scopes.get(r.agreement_id, set()))
        chance = float(np.clip(p0 + lift, 0.0, 0.99))
        value = _renewal_value(world, r)
        world.truth.add_renewal(r.agreement_id, r.owner, float(p0), chance)
        world.truth.add_extra(r.owner, chance - float(p0), (chance - float(p0)) * value)
        if u < chance:
            _write_renewal(world, r, day, value)
        else:
            world.tally["lapses"] = world.tally.get("lapses", 0) + 1


def _renewal_value(world: _World, row: Any) -> float:
    if row.value is not None and float(row.value) > 0:
        return round(float(row.value) * RENEWAL_GROWTH, 2)
    return float(world.prices.mean())


def _write_renewal(world: _World, row: Any, day: date, value: float) -> None:
    n = world.tally["renewals"] = world.tally.get("renewals", 0) + 1
    agreement_id = f"{AGREEMENT_PREFIX}{day:%Y%m%d}{n:06d}"
    term = row.end_on - row.start_on + timedelta(days=1)
    world.pending.agreements.append(
        {
            "agreement_id": agreement_id, "account_id": row.account_id,
            "program": row.program, "sa": bool(row.sa), "start_on": row.end_on + timedelta(1),
            "end_on": row.end_on + term, "value": value, "currency": row.currency,
            "renewed_from": row.agreement_id, "partner_id": row.partner_id,
        }
    )  # fmt: skip
    product = row.product_id or world.products[0]
    _order(world, row.owner, day, [(product, 1, value)], agreement_id=agreement_id)


def _order(
    world: _World,
    account: str,
    day: date,
    lines: list[tuple[str, int, float]],
    *,
    agreement_id: str | None = None,
) -> None:
    n = world.tally["orders"] = world.tally.get("orders", 0) + 1
    order_id = f"{ORDER_PREFIX}{day:%Y%m%d}{n:06d}"
    currency = world.customers.currency[world.index[account]]
    world.pending.orders.append(
        {
            "order_id": order_id, "account_id": account, "ordered_on": day,
            "agreement_id": agreement_id, "currency": currency, "status": "booked",
        }
    )  # fmt: skip
    for k, (product, quantity, amount) in enumerate(lines, 1):
        world.pending.lines.append(
            {
                "order_line_id": f"{order_id}-{k}", "order_id": order_id,
                "product_id": product, "quantity": quantity,
                "unit_price": round(amount / quantity, 2), "amount": round(amount, 2),
            }
        )  # fmt: skip


def _buy(world: _World, day: date, rng: np.random.Generator) -> None:
    """Draw the day's purchases: each account at its rate, raised while a touch works."""
    customers = world.customers
    base = customers.rate / 365.0
    lift = np.ones_like(base)
    for scope, effect in world.behaviour.purchase_scopes().items():
        until = world.exposures.until.get(scope)
        if until is not None:
            lift += effect * (until >= day.toordinal())
    chance = base * lift
    world.extra_orders += chance - base
    world.extra_revenue += (chance - base) * world.prices.mean() * customers.quantity
    buyers = np.flatnonzero(rng.random(len(base)) < chance)
    products = rng.integers(0, len(world.prices), len(buyers))
    quantities = 1 + rng.poisson(customers.quantity[buyers] - 1)
    for i, product, quantity in zip(buyers, products, quantities, strict=True):
        amount = float(world.prices[product]) * int(quantity)
        _order(world, customers.ids[i], day, [(world.products[product], int(quantity), amount)])


def _flush(store: Store, pending: _Pending, *, ran_to: date) -> None:
    """Write the pending rows and mark every day up to `ran_to` as run, in one transaction."""
    settings = schema.platform_settings
    with store.begin() as conn:
        _insert(store, conn, schema.agreements, pending.agreements)
        _insert(store, conn, schema.orders, pending.orders)
        _insert(store, conn, schema.order_lines, pending.lines)
        # A run never starts on or before the marked day (`_check_not_run`): it only moves on.
        conn.execute(settings.delete().where(settings.c.name == LAST_DAY_SETTING))
        conn.execute(settings.insert().values(name=LAST_DAY_SETTING, value=ran_to.isoformat()))
    pending.agreements.clear()
    pending.orders.clear()
    pending.lines.clear()


def _insert(store: Store, conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows through one staged Arrow table."""
    if not rows:
        return
    data = pa.Table.from_pylist(rows)
    data = data.select([n for n in data.column_names if data[n].null_count < data.num_rows])
    staged = store.stage(conn, f"forward_{table.name}", data)
    columns = list(data.column_names)
    conn.execute(table.insert().from_select(columns, sa.select(*(staged.c[c] for c in columns))))
    if table is schema.touch_events:
        at = staged.c.occurred_at.label("at")
        stamp_touches(conn, sa.select(staged.c.touch_uid, staged.c.status, at).subquery())
    store.unstage(conn, staged)
