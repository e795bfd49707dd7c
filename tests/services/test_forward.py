"""Running the synthetic business forward: real planning, simulated channels and customers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from carecycle.errors import InputError
from carecycle.services.forward import ForwardResult, last_simulated_day, run_forward
from carecycle.services.imports import files_in, import_files
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.synth.behaviour import Behaviour, Effect
from carecycle.synth.files import write_world
from carecycle.synth.world import generate_world
from tests.services.planning_world import milestones_follow_events, smb

START = date(2025, 3, 3)  # a Monday: weekly planning never lands on a quiet day
DAYS = 28
BEHAVIOUR = Behaviour((Effect("renew", renewal=0.2), Effect("use", purchase=1.0)))


@pytest.fixture(scope="module")
def ran(
    module_store: Store, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Store, ForwardResult]:
    folder: Path = tmp_path_factory.mktemp("world")
    write_world(generate_world(accounts=400, seed=5, as_of=START - timedelta(1)), folder)
    import_files(module_store, files_in(folder), default_region="CN", now=datetime(2025, 3, 2))
    result = run_forward(
        module_store, [smb()], start=START, days=DAYS, behaviour=BEHAVIOUR, seed=1, plan_every=7
    )
    return module_store, result


def _scalar(store: Store, query: sa.Select[tuple[int]]) -> int:
    with store.begin() as conn:
        return int(conn.execute(query).scalar() or 0)


def test_planned_touches_are_sent_and_answered_on_the_simulated_channels(
    ran: tuple[Store, ForwardResult],
) -> None:
    store, result = ran
    t, e = schema.touches, schema.touch_events
    left = sa.select(sa.func.count()).where(
        t.c.status == "planned",
        t.c.planned_on <= START + timedelta(21),
        t.c.channel.in_(schema.SENDABLE_CHANNELS),
    )
    assert _scalar(store, left) == 0
    sent = sa.select(sa.func.count()).where(e.c.status == "sent", e.c.source == "simulator")
    assert _scalar(store, sent) == sum(result.sent.values()) > 0
    assert result.outcomes.get("delivered", 0) > 0
    assert result.planning_days == 4
    # Each touch's milestones follow the events the simulated channels wrote.
    assert milestones_follow_events(store) >= sum(result.sent.values())


def test_the_control_group_is_never_touched(ran: tuple[Store, ForwardResult]) -> None:
    store, _ = ran
    t, h = schema.touches, schema.holdout_assignments
    control = sa.select(h.c.account_id).where(h.c.arm == "holdout")
    touched = sa.select(sa.func.count()).where(
        t.c.account_id.in_(control), t.c.status != "held_out"
    )
    assert _scalar(store, sa.select(sa.func.count()).select_from(control.subquery())) > 0
    assert _scalar(store, touched) == 0


def test_every_agreement_that_ended_renewed_or_lapsed_once(
    ran: tuple[Store, ForwardResult],
) -> None:
    store, result = ran
    assert result.renewals + result.lapses == len(result.truth.renewals) > 0
    a = schema.agreements
    with store.begin() as conn:
        successors = conn.execute(
            sa.select(a.c.renewed_from, a.c.start_on).where(a.c.agreement_id.like("AGF%"))
        ).all()
        ends = dict(
            conn.execute(
                sa.select(a.c.agreement_id, a.c.end_on).where(
                    a.c.agreement_id.in_([s.renewed_from for s in successors])
                )
            ).all()
        )
    assert len(successors) == result.renewals
    assert all(s.start_on == ends[s.renewed_from] + timedelta(1) for s in successors)
    for agreement, (_, base, chance) in result.truth.renewals.items():
        assert 0 < base <= chance <= 0.99, agreement


def test_simulated_purchases_are_booked_orders_with_lines(ran: tuple[Store, ForwardResult]) -> None:
    store, result = ran
    o, ol = schema.orders, schema.order_lines
    orders = sa.select(sa.func.count()).where(o.c.order_id.like("OF%"), o.c.status == "booked")
    assert _scalar(store, orders) == result.orders > 0
    lines = sa.select(sa.func.count(sa.distinct(ol.c.order_id))).where(
        ol.c.order_id.like("OF%"), ol.c.amount > 0
    )
    assert _scalar(store, lines) == result.orders


def test_the_planted_effect_reaches_only_touched_accounts(ran: tuple[Store, ForwardResult]) -> None:
    store, result = ran
    h = schema.holdout_assignments
    with store.begin() as conn:
        control = set(conn.execute(sa.select(h.c.account_id).where(h.c.arm == "holdout")).scalars())
    extra = result.truth.extra_orders
    assert extra
    assert not control & {a for a, v in extra.items() if v > 0}


def test_running_days_already_run_is_refused(ran: tuple[Store, ForwardResult]) -> None:
    store, result = ran
    assert last_simulated_day(store) == result.end
    for first in (START, result.end):
        with pytest.raises(InputError, match=f"already run forward to {result.end}: continue"):
            run_forward(store, [smb()], start=first, days=7, behaviour=BEHAVIOUR, seed=1)


def test_planning_less_often_than_a_touch_grace_is_refused(
    ran: tuple[Store, ForwardResult],
) -> None:
    store, _ = ran
    with pytest.raises(InputError, match="grace"):
        run_forward(
            store, [smb()], start=START + timedelta(DAYS), days=7, behaviour=BEHAVIOUR, seed=1,
            plan_every=8,
        )  # fmt: skip
