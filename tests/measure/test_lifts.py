"""Test against control over the store: units, arms, windows and renewals, counted by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from carecycle.measure.lifts import (
    Group,
    arm_moments,
    compare_measure,
    cycle_renewals,
    cycle_units,
    groups_by_arm,
    program_renewals,
    program_units,
    stage_renewals,
)
from carecycle.store.db import Store
from tests.services.planning_world import load

START, END = date(2025, 1, 1), date(2025, 1, 31)


def _assign(account: str, arm: str, on: date) -> dict[str, Any]:
    return {
        "program_id": "P1", "account_id": account, "arm": arm, "assigned_on": on,
        "share": 0.5, "salt": "s",
    }  # fmt: skip


def _order(order_id: str, account: str, on: date, status: str = "booked") -> dict[str, Any]:
    return {"order_id": order_id, "account_id": account, "ordered_on": on, "status": status}


def _line(order_id: str, k: int, product: str, amount: float) -> dict[str, Any]:
    return {
        "order_line_id": f"{order_id}-{k}", "order_id": order_id, "product_id": product,
        "quantity": 1, "amount": amount,
    }  # fmt: skip


def _products(*ids: str) -> list[dict[str, Any]]:
    # Order lines name catalogue products, as the importer makes sure.
    return [{"product_id": p, "name": p, "family": "f", "kind": "licence"} for p in ids]


def _agreement(agreement_id: str, account: str, end: date, **values: Any) -> dict[str, Any]:
    return {
        "agreement_id": agreement_id, "account_id": account, "program": "ea", "sa": True,
        "start_on": date(2022, 1, 1), "end_on": end, "renewed_from": None,
        "cancelled_on": None,
    } | values  # fmt: skip


def _touch(
    uid: str, touch: str, account: str, cycle: str, due: date, status: str
) -> dict[str, Any]:
    return {
        "touch_uid": uid, "program_id": "P1", "touch_id": touch, "account_id": account,
        "cycle": cycle, "agreement_id": cycle, "program_revision": 1, "stage_id": "s1",
        "channel": "edm", "content": "c", "priority": 1, "due_on": due, "planned_on": due,
        "expires_on": due, "status": status, "created_on": due, "updated_on": due,
    }  # fmt: skip


@pytest.fixture
def world(store: Store) -> Store:
    load(
        store,
        holdout_assignments=[
            _assign("A1", "test", date(2024, 11, 1)),
            _assign("A2", "test", date(2025, 1, 20)),
            _assign("A3", "holdout", date(2024, 11, 1)),
            _assign("A4", "holdout", date(2025, 2, 3)),
        ],
        orders=[
            _order("O0", "A1", date(2024, 12, 20)),
            _order("O1", "A1", date(2025, 1, 10)),
            _order("O2", "A1", date(2025, 2, 1)),
            _order("O3", "A1", date(2025, 1, 11), status="cancelled"),
            _order("O4", "A3", date(2025, 1, 15)),
            _order("O5", "A2", date(2025, 1, 10)),
        ],
        products=_products("X", "Y", "Z"),
        order_lines=[
            _line("O0", 1, "X", 30.0),
            _line("O1", 1, "X", 100.0),
            _line("O1", 2, "Y", 50.0),
            _line("O2", 1, "X", 200.0),
            _line("O3", 1, "X", 999.0),
            _line("O4", 1, "Z", 80.0),
            _line("O5", 1, "X", 70.0),
        ],
        agreements=[
            _agreement("AG1", "A1", date(2025, 1, 20)),
            _agreement("AG1b", "A1", date(2028, 1, 20), renewed_from="AG1"),
            _agreement("AG3", "A3", date(2025, 1, 25)),
            _agreement("AG9", "A3", date(2025, 3, 1)),
            _agreement("AGc", "A1", date(2025, 1, 5), cancelled_on=date(2024, 12, 1)),
        ],
        touches=[
            _touch("u1", "t1", "A1", "AG1", date(2025, 1, 5), "clicked"),
            _touch("u2", "t2", "A1", "AG1", date(2025, 1, 8), "sent"),
            _touch("u3", "t1", "A3", "AG3", date(2025, 1, 6), "held_out"),
        ],
    )
    return store


def _rows(expr: Any, key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in expr.to_pyarrow().to_pylist()}


def test_program_units_count_booked_orders_from_the_day_an_account_joined(world: Store) -> None:
    units = _rows(program_units(world.tables(), "P1", start=START, end=END), "account_id")
    assert set(units) == {"A1", "A2", "A3"}
    a1, a2, a3 = units["A1"], units["A2"], units["A3"]
    assert (a1["arm"], a1["revenue"], a1["orders"], a1["products"]) == ("test", 150.0, 1, 2)
    assert (a1["revenue_pre"], a1["orders_pre"]) == (30.0, 1)
    assert (a2["revenue"], a2["orders"]) == (0.0, 0)
    assert (a3["arm"], a3["revenue"], a3["orders"]) == ("holdout", 80.0, 1)


def test_distinct_products_span_several_words_of_product_bits(store: Store) -> None:
    # 130 products need three words of 62 bits; A1 buys the first and the last of each word
    # (six products) over two orders inside the period, and one of them again.
    ids = [f"P{k:03}" for k in range(130)]
    bought = ["P000", "P061", "P062", "P123", "P124", "P129"]
    load(
        store,
        holdout_assignments=[_assign("A1", "test", date(2024, 11, 1))],
        products=_products(*ids),
        orders=[
            _order("O1", "A1", date(2025, 1, 3)),
            _order("O2", "A1", date(2025, 1, 4)),
            _order("O9", "A1", date(2024, 12, 9)),
        ],
        order_lines=[
            *(_line("O1", k, product, 1.0) for k, product in enumerate(bought[:4])),
            *(_line("O2", k, product, 1.0) for k, product in enumerate(bought[3:])),
            *(_line("O9", k, product, 1.0) for k, product in enumerate(ids)),
        ],
    )
    units = _rows(program_units(store.tables(), "P1", start=START, end=END), "account_id")
    assert (units["A1"]["products"], units["A1"]["orders"], units["A1"]["revenue"]) == (6, 2, 7.0)
    assert units["A1"]["products_pre"] == 130


def test_a_line_of_a_product_outside_the_catalogue_counts_in_revenue_not_products(
    store: Store,
) -> None:
    load(
        store,
        holdout_assignments=[_assign("A1", "test", date(2024, 11, 1))],
        products=_products("X"),
        orders=[_order("O1", "A1", date(2025, 1, 3)), _order("O2", "A1", date(2025, 1, 4))],
        order_lines=[_line("O1", 1, "X", 5.0), _line("O2", 1, "gone", 7.0)],
    )
    units = _rows(program_units(store.tables(), "P1", start=START, end=END), "account_id")
    assert (units["A1"]["revenue"], units["A1"]["orders"], units["A1"]["products"]) == (12.0, 2, 1)


def test_a_stage_unit_claims_purchases_within_the_attribution_window(world: Store) -> None:
    tables = world.tables()
    units = cycle_units(tables, "P1", level="stage", start=START, end=END, window_days=7)
    rows = _rows(units, "account_id")
    a1, a3 = rows["A1"], rows["A3"]
    assert (a1["arm"], a1["revenue"], a1["touched"], a1["responded"]) == ("test", 150.0, 1, 1)
    assert (a3["arm"], a3["revenue"]) == ("holdout", 0.0)
    wider = _rows(
        cycle_units(tables, "P1", level="stage", start=START, end=END, window_days=10),
        "account_id",
    )
    assert wider["A3"]["revenue"] == 80.0


def test_touch_units_are_one_per_touch_and_cycle(world: Store) -> None:
    units = cycle_units(world.tables(), "P1", level="touch", start=START, end=END, window_days=0)
    found = sorted((r["scope"], r["account_id"]) for r in units.to_pyarrow().to_pylist())
    assert found == [("t1", "A1"), ("t1", "A3"), ("t2", "A1")]


def test_stage_units_gathered_from_touch_units_are_those_read_from_the_touches(
    world: Store,
) -> None:
    tables, period = world.tables(), {"start": START, "end": END}
    touches = cycle_renewals(tables, "P1", level="touch", **period)
    gathered = stage_renewals(tables, touches, **period).to_pyarrow().to_pylist()
    read = cycle_renewals(tables, "P1", level="stage", **period).to_pyarrow().to_pylist()
    # A1's two touches make one stage unit, known by its first touch; A3's is held out.
    assert sorted((r["account_id"], r["unit"], r["arm"], r["touched"]) for r in read) == [
        ("A1", "u1", "test", 1),
        ("A3", "u3", "holdout", 0),
    ]
    assert sorted(map(sorted, (r.items() for r in gathered))) == sorted(
        map(sorted, (r.items() for r in read))
    )


def test_renewal_counts_live_agreements_that_ended_in_the_period(world: Store) -> None:
    rows = _rows(program_renewals(world.tables(), "P1", start=START, end=END), "agreement_id")
    assert {k: (r["arm"], r["renewed"]) for k, r in rows.items()} == {
        "AG1": ("test", 1),
        "AG3": ("holdout", 0),
    }


def _arms(units: Any, **moments: Any) -> dict[str, Group]:
    return groups_by_arm(arm_moments(units, **moments).to_pyarrow())[()]


def test_renewal_is_counted_alike_for_the_program_and_its_touches(store: Store) -> None:
    # K1 was cancelled before its end: it never reached it. K2's successor was cancelled by
    # its own start: no renewal. K3 was cancelled only after its end and renewed.
    load(
        store,
        holdout_assignments=[_assign("A1", "test", date(2024, 11, 1))],
        agreements=[
            _agreement("K1", "A1", date(2025, 1, 20), cancelled_on=date(2025, 1, 10)),
            _agreement("K2", "A1", date(2025, 1, 25)),
            _agreement(
                "K2b", "A1", date(2026, 1, 25), renewed_from="K2",
                start_on=date(2025, 1, 26), cancelled_on=date(2025, 1, 26),
            ),
            _agreement("K3", "A1", date(2025, 1, 26), cancelled_on=date(2025, 2, 15)),
            _agreement(
                "K3b", "A1", date(2026, 1, 26), renewed_from="K3", start_on=date(2025, 1, 27)
            ),
        ],
        touches=[
            _touch(f"u{k}", "t1", "A1", cycle, date(2025, 1, 2), "sent")
            for k, cycle in enumerate(("K1", "K2", "K3"))
        ],
    )  # fmt: skip
    program = _rows(program_renewals(store.tables(), "P1", start=START, end=END), "agreement_id")
    assert {k: r["renewed"] for k, r in program.items()} == {"K2": 0, "K3": 1}
    touches = cycle_units(store.tables(), "P1", level="touch", start=START, end=END, window_days=7)
    assert {r["cycle"]: r["renewed"] for r in touches.to_pyarrow().to_pylist()} == {
        "K1": None,
        "K2": 0,
        "K3": 1,
    }


def test_a_lift_compares_the_arms_of_the_units(world: Store) -> None:
    renewals = _arms(
        program_renewals(world.tables(), "P1", start=START, end=END), counts=["renewed"]
    )
    lift = compare_measure(
        renewals, "renewal_rate", level="program", scope="P1", name="P", confidence=0.95
    )
    assert (lift.test.n, lift.test.value, lift.control.n, lift.control.value) == (1, 1.0, 1, 0.0)
    assert lift.difference.estimate == 1.0
    units = _arms(
        program_units(world.tables(), "P1", start=START, end=END),
        means=["revenue", "orders", "revenue_pre"],
        pairs=[("revenue", "orders"), ("revenue", "revenue_pre")],
    )
    revenue = compare_measure(
        units, "revenue", level="program", scope="P1", name="P", confidence=0.95
    )
    assert revenue.test.value == pytest.approx(75.0)
    assert revenue.difference.estimate == pytest.approx(75.0 - 80.0)
    size = compare_measure(
        units, "transaction_size", level="program", scope="P1", name="P", confidence=0.95
    )
    assert (size.test.value, size.control.value) == (150.0, 80.0)
