"""The points ledger in the store, on DuckDB and PostgreSQL: hand cases, properties over
any sequence of earn, redeem, adjust, reverse and expire, and redemptions at once."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carecycle.errors import InputError
from carecycle.loyalty.ledger import NotEnoughPointsError
from carecycle.services import points
from carecycle.store import schema
from carecycle.store.db import Store
from tests.intelligence.test_store_clv import cli_env
from tests.services.planning_world import load

T0 = datetime(2026, 1, 1, 9)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def accounts(store: Store, *ids: str) -> None:
    load(store, accounts=[{"account_id": a, "name": f"Company {a}"} for a in ids])


def earn(store: Store, account: str, n: int, key: str, at: float, expires: float | None,
         contact: str | None = None) -> points.Posted:  # fmt: skip
    return points.earn(store, account_id=account, points=n, rule="test", source_key=key,
                       occurred_at=day(at), expires_at=None if expires is None else day(expires),
                       contact_id=contact)  # fmt: skip


def lot(key: str) -> str:
    return points.entry_id(points.stored_key("earn", "", key))


def test_redemption_takes_the_soonest_expiring_points_first(store: Store) -> None:
    accounts(store, "A")
    earn(store, "A", 10, "a", 0, 30)
    earn(store, "A", 10, "b", 1, 10)
    earn(store, "A", 10, "c", 2, None)
    taken = points.redeem(store, account_id="A", points=15, source_key="r1",
                          occurred_at=day(5), reason="mug")  # fmt: skip
    assert (taken.points, taken.kind, taken.new) == (-15, "redeem", True)
    a = schema.points_allocations
    with store.begin() as conn:
        used = {r.lot_id: r.points for r in conn.execute(sa.select(a))}
    # b expires first (day 10): all of it; then a (day 30): 5; c never expires.
    assert used == {lot("b"): 10, lot("a"): 5}
    assert points.balance(store, "A", day(5)) == 15
    # On day 31 what remained of a (5) has expired, though no expiry was written yet.
    assert points.balance(store, "A", day(31)) == 10
    assert points.balance(store, "A", day(4)) == 30  # before the redemption
    assert points.expire(store, account_id="A", moment=day(40)) == 5
    assert points.expire(store, account_id="A", moment=day(40)) == 0
    kinds = [(r["kind"], r["points"]) for r in points.statement(store, "A")]
    assert kinds == [("earn", 10), ("earn", 10), ("earn", 10), ("redeem", -15), ("expire", -5)]
    # Asking twice for one redemption (its source key) takes the points once.
    again = points.redeem(store, account_id="A", points=15, source_key="r1",
                          occurred_at=day(6), reason="mug")  # fmt: skip
    assert again.new is False
    assert points.balance(store, "A", day(41)) == 10


def test_a_short_balance_is_refused_and_changes_nothing(store: Store) -> None:
    accounts(store, "B", "B2", "M")
    load(store, accounts=[{"account_id": "M9", "name": "Merged", "merged_into": "M"}])
    earn(store, "B", 10, "b1", 0, 20)
    with pytest.raises(NotEnoughPointsError, match="11 points asked for, 10 held"):
        points.redeem(store, account_id="B", points=11, source_key="r", occurred_at=day(1),
                      reason="x")  # fmt: skip
    # Expired points cannot be spent.
    with pytest.raises(NotEnoughPointsError, match="5 points asked for, 0 held"):
        points.redeem(store, account_id="B", points=5, source_key="r2", occurred_at=day(21),
                      reason="x")  # fmt: skip
    assert points.balance(store, "B", day(1)) == 10
    # The refused redemption wrote nothing, not even the expiry it found.
    assert [r["kind"] for r in points.statement(store, "B")] == ["earn"]
    # A source already rewarded on one account is not another's; unknown and merged
    # accounts get no points.
    with pytest.raises(InputError, match="'b1' already names a earn of account B"):
        earn(store, "B2", 10, "b1", 0, None)
    with pytest.raises(InputError, match="no account 'Z' in the store"):
        earn(store, "Z", 10, "z1", 0, None)
    with pytest.raises(InputError, match="M9 was merged into M"):
        earn(store, "M9", 10, "m1", 0, None)
    with pytest.raises(InputError, match="the reason is too long"):
        points.redeem(store, account_id="B", points=1, source_key="r3", occurred_at=day(1),
                      reason="x" * 301)  # fmt: skip


def test_reversal_takes_back_what_remains_of_the_earned_points(store: Store) -> None:
    accounts(store, "C")
    earn(store, "C", 10, "order-1", 0, None)
    earn(store, "C", 4, "order-2", 1, None)
    points.redeem(store, account_id="C", points=7, source_key="r", occurred_at=day(2),
                  reason="x")  # fmt: skip
    # order-1's lot gave 7 (oldest first, neither expires); 3 remain to take back.
    back = points.reverse(store, earned_key="order-1", occurred_at=day(3), reason="refunded")
    assert back is not None
    assert back.points == -3
    assert points.balance(store, "C", day(3)) == 4
    assert (
        points.reverse(store, earned_key="order-1", occurred_at=day(4), reason="again").new is False
    )  # type: ignore[union-attr]
    with pytest.raises(InputError, match="no points were earned under 'nothing'"):
        points.reverse(store, earned_key="nothing", occurred_at=day(4), reason="x")


def test_adjustments_need_a_reason_and_an_actor_and_balances_split_by_contact(
    store: Store,
) -> None:
    accounts(store, "D")
    earn(store, "D", 10, "d1", 0, None, contact="P1")
    earn(store, "D", 6, "d2", 0, None, contact="P2")
    points.adjust(store, account_id="D", points=5, reason="goodwill", actor="ana",
                  source_key="adj1", occurred_at=day(1), contact_id="P2")  # fmt: skip
    assert points.balance(store, "D", day(1)) == 21
    assert points.balance(store, "D", day(1), contact_id="P2") == 11
    # A person redeems from their own points only.
    with pytest.raises(NotEnoughPointsError):
        points.redeem(store, account_id="D", points=12, source_key="r", occurred_at=day(2),
                      reason="x", contact_id="P2")  # fmt: skip
    points.adjust(store, account_id="D", points=-8, reason="duplicate award", actor="ana",
                  source_key="adj2", occurred_at=day(2))  # fmt: skip
    assert points.balance(store, "D", day(2)) == 13
    row = points.statement(store, "D")[-1]
    assert (row["kind"], row["reason"], row["actor"]) == ("adjust", "duplicate award", "ana")
    with pytest.raises(InputError, match="needs a reason and the person"):
        points.adjust(store, account_id="D", points=1, reason=" ", actor="ana",
                      source_key="adj3", occurred_at=day(3))  # fmt: skip


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(1, 50), st.none() | st.integers(1, 40)),
        st.tuples(st.just("redeem"), st.integers(1, 80), st.none()),
        st.tuples(st.just("adjust"), st.integers(-30, 30).filter(bool), st.none()),
        st.tuples(st.just("reverse"), st.integers(0, 20), st.none()),
        st.tuples(st.just("expire"), st.just(0), st.none()),
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS, steps=st.lists(st.integers(0, 9), min_size=25, max_size=25))
def test_no_sequence_makes_a_balance_negative_or_loses_a_point(
    module_store: Store, operations: list[tuple[str, int, int | None]], steps: list[int]
) -> None:
    store = module_store
    account = uuid.uuid4().hex  # each example keeps a ledger of its own
    accounts(store, account)
    # The reference: each lot's points left, expiry and order, spent soonest-expiring
    # first — a plain model, independent of the ledger's code.
    model: dict[str, list[float]] = {}  # key → [left, expires (inf: never), order]
    earned: list[str] = []
    moment = 0.0

    def held(at: float) -> int:
        return int(sum(left for left, expires, _ in model.values() if expires > at))

    def take(n: int, at: float) -> None:
        live = sorted((v[1], v[2], k) for k, v in model.items() if v[1] > at and v[0] > 0)
        for _, _, k in live:
            give = min(model[k][0], n)
            model[k][0] -= give
            n -= give

    for k, (op, n, expiry) in enumerate(operations):
        moment += steps[k] + 0.01
        before = points.balance(store, account, day(moment))
        assert before == held(moment) >= 0
        if op == "earn":
            key = f"{account}:e{k}"
            expires = None if expiry is None else moment + expiry
            earn(store, account, n, key, moment, expires)
            # Awarding the same source again changes nothing.
            earn(store, account, n, key, moment, expires)
            model[key] = [n, math.inf if expires is None else expires, k]
            earned.append(key)
        elif op == "redeem" or (op == "adjust" and n < 0):
            wanted = n if op == "redeem" else -n
            try:
                if op == "redeem":
                    points.redeem(store, account_id=account, points=wanted,
                                  source_key=f"r{k}", occurred_at=day(moment),
                                  reason="property")  # fmt: skip
                else:
                    points.adjust(store, account_id=account, points=n, reason="property",
                                  actor="test", source_key=f"a{k}",
                                  occurred_at=day(moment))  # fmt: skip
            except NotEnoughPointsError:
                assert wanted > before
            else:
                assert wanted <= before
                take(wanted, moment)
        elif op == "adjust":
            points.adjust(store, account_id=account, points=n, reason="property", actor="test",
                          source_key=f"a{k}", occurred_at=day(moment))  # fmt: skip
            model[f"a{k}"] = [n, math.inf, k]
        elif op == "reverse" and earned:
            key = earned[n % len(earned)]
            points.reverse(store, earned_key=key, occurred_at=day(moment), reason="refund")
            if model[key][1] > moment:
                model[key][0] = 0
        elif op == "expire":
            points.expire(store, account_id=account, moment=day(moment))
        assert points.balance(store, account, day(moment)) == held(moment) >= 0
    end = day(moment + 100)
    points.expire(store, account_id=account, moment=end)
    e, a = schema.points_entries, schema.points_allocations
    with store.begin() as conn:
        entries = conn.execute(sa.select(e).where(e.c.account_id == account)).all()
        used = conn.execute(sa.select(a.c.lot_id, sa.func.sum(a.c.points)).where(
            a.c.lot_id.in_([x.entry_id for x in entries] or [""])).group_by(a.c.lot_id)
        ).all()  # fmt: skip
    taken = dict(used)
    lots = [x for x in entries if x.points > 0]
    # No lot gives more than it holds; every point added is in the balance or taken.
    assert all(taken.get(x.entry_id, 0) <= x.points for x in lots)
    balance = points.balance(store, account, end)
    unexpired = sum(x.points - taken.get(x.entry_id, 0) for x in lots
                    if x.expires_at is None or x.expires_at > end)  # fmt: skip
    assert balance == unexpired >= 0
    assert sum(x.points for x in lots) == balance - sum(x.points for x in entries if x.points < 0)


def test_redemptions_at_once_never_overspend(store: Store) -> None:
    accounts(store, "E")
    earn(store, "E", 50, "e1", 0, None)
    outcomes: list[str] = []
    barrier = threading.Barrier(10)

    def redeem(k: int) -> None:
        barrier.wait()
        try:
            points.redeem(store, account_id="E", points=10, source_key=f"par{k}",
                          occurred_at=day(1), reason="parallel")  # fmt: skip
            outcomes.append("ok")
        except NotEnoughPointsError:
            outcomes.append("short")

    threads = [threading.Thread(target=redeem, args=(k,)) for k in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] * 5 + ["short"] * 5
    assert points.balance(store, "E", day(2)) == 0
    a = schema.points_allocations
    with store.begin() as conn:
        assert conn.execute(sa.select(sa.func.sum(a.c.points))).scalar() == 50


def test_the_commands_show_redeem_adjust_and_expire(store_url: str, tmp_path: Path) -> None:
    def fill(store: Store) -> None:
        accounts(store, "F")
        earn(store, "F", 30, "f1", 0, 10)
        earn(store, "F", 20, "f2", 1, None, contact="P1")

    env = cli_env(store_url, fill)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "carecycle", "loyalty", *args],
                              capture_output=True, text=True, env=env, cwd=tmp_path)  # fmt: skip

    shown = run("balance", "F", "--as-of", "2026-01-05", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["balance"] == 50
    # Today the first lot (expired on 2026-01-11) is gone: 20 remain, all P1's.
    assert json.loads(run("balance", "F", "--json").stdout)["balance"] == 20
    assert json.loads(run("balance", "F", "--contact", "P1", "--json").stdout)["balance"] == 20
    taken = run("redeem", "F", "--points", "15", "--key", "gift-1", "--reason", "mug")
    assert taken.returncode == 0, taken.stderr
    assert taken.stdout.strip() == "F: redeemed 15 points; 5 left"
    again = run("redeem", "F", "--points", "15", "--key", "gift-1")
    assert again.stdout.strip() == "F: already redeemed under that key: 15 points; 5 left"
    short = run("redeem", "F", "--points", "6", "--key", "gift-2")
    assert short.returncode == 1
    assert short.stderr.startswith("error: 6 points asked for, 5 held at ")
    assert "Traceback" not in short.stderr
    added = run("adjust", "F", "--points", "7", "--reason", "goodwill", "--actor", "ana")
    assert added.stdout.strip() == "F: adjusted by +7 points; 12 now"
    trail = json.loads(run("statement", "F", "--json").stdout)
    assert [(r["kind"], r["points"]) for r in trail] == [
        ("earn", 30), ("earn", 20), ("expire", -30), ("redeem", -15), ("adjust", 7),
    ]  # fmt: skip
    assert trail[-1]["actor"] == "ana"
    assert json.loads(run("expire", "--json").stdout)["expired"] == {}
