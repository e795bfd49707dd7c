"""The rewards catalogue on DuckDB and PostgreSQL: loading items, redemptions requested,
approved, fulfilled or cancelled with the points given back, stock and limits, and
requests at once that never oversell."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from carecycle.errors import InputError
from carecycle.loyalty.ledger import NotEnoughPointsError
from carecycle.services import points, rewards
from carecycle.store import schema
from carecycle.store.db import Store
from tests.intelligence.test_store_clv import cli_env
from tests.loyalty.test_points import accounts, day, earn

CATALOGUE = """
rewards:
  - {id: mug, name: Mug, points: 10}
  - {id: book, name: Book, points: 30, per_account: 2}
  - {id: pass, name: Conference pass, points: 20, stock: 3}
  - {id: old, name: Old offer, points: 5, valid_until: 2025-12-31}
  - {id: gone, name: Withdrawn, points: 5, active: false}
"""


def catalogue(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    rewards.load_catalogue(store, rewards.read_catalogue(str(path)), now=day(0))


def ask(store: Store, account: str, reward: str, key: str, quantity: int = 1,
        at: float = 1, contact: str | None = None) -> rewards.Redemption:  # fmt: skip
    return rewards.request(store, account_id=account, reward_id=reward, key=key, now=day(at),
                           quantity=quantity, contact_id=contact)  # fmt: skip


def test_a_catalogue_loads_and_lists_what_is_on_offer(store: Store, tmp_path: Path) -> None:
    catalogue(store, tmp_path)
    listed = rewards.offered(store, on=date(2026, 1, 2))
    assert [r.reward_id for r in listed] == ["mug", "pass", "book"]
    assert next(r for r in listed if r.reward_id == "pass").left == 3
    assert len(rewards.offered(store, everything=True)) == 5
    again = rewards.load_catalogue(store, rewards.read_catalogue(str(tmp_path / "catalogue.yaml")),
                                   now=day(1))  # fmt: skip
    assert again == {"added": 0, "updated": 5}
    sample = rewards.load_catalogue(store, rewards.read_catalogue("sample"), now=day(1))
    assert sample["added"] == 5


def test_a_bad_catalogue_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("rewards:\n  - {id: mug, name: Mug, points: 10}\n  - {id: cap, name: Cap}\n")
    with pytest.raises(InputError, match=r"bad.yaml:3: rewards.1.points: Field required"):
        rewards.read_catalogue(str(path))


def test_a_redemption_moves_from_requested_to_fulfilled(store: Store, tmp_path: Path) -> None:
    catalogue(store, tmp_path)
    accounts(store, "A")
    earn(store, "A", 100, "a1", 0, None)
    made = ask(store, "A", "book", "r1", quantity=2)
    assert (made.status, made.points, made.new) == ("requested", 60, True)
    assert points.balance(store, "A", day(2)) == 40
    assert ask(store, "A", "book", "r1", quantity=2).new is False  # asked twice: once
    assert points.balance(store, "A", day(2)) == 40
    approved = rewards.move(store, made.redemption_id, "approved", actor="Li", now=day(2))
    done = rewards.move(store, made.redemption_id, "fulfilled", actor="Wang", now=day(3),
                        note="sent by post")  # fmt: skip
    assert (approved.status, done.status, done.actor, done.note) == (
        "approved",
        "fulfilled",
        "Wang",
        "sent by post",
    )
    assert done.approved_at == day(2)
    with pytest.raises(InputError, match="is fulfilled: it cannot be cancelled"):
        rewards.move(store, made.redemption_id, "cancelled", actor="Li", now=day(4))
    with pytest.raises(InputError, match="key 'r1' already names a redemption of 2 × book"):
        ask(store, "A", "mug", "r1")


def test_stock_limits_validity_and_points_are_checked_and_a_refusal_writes_nothing(
    store: Store, tmp_path: Path
) -> None:
    catalogue(store, tmp_path)
    accounts(store, "A", "B")
    earn(store, "A", 100, "a1", 0, None)
    earn(store, "B", 100, "b1", 0, None)
    ask(store, "A", "pass", "p1", quantity=2)
    with pytest.raises(InputError, match="pass: 1 left, 2 asked for"):
        ask(store, "B", "pass", "p2", quantity=2)
    ask(store, "A", "book", "b1")
    with pytest.raises(InputError, match="at most 2 per account; A has 1"):
        ask(store, "A", "book", "b2", quantity=2)
    with pytest.raises(InputError, match="can be asked for until 2025-12-31, not on 2026-01-02"):
        ask(store, "A", "old", "o1")
    with pytest.raises(InputError, match="gone is withdrawn"):
        ask(store, "A", "gone", "g1")
    with pytest.raises(InputError, match="no reward 'hat'"):
        ask(store, "A", "hat", "h1")
    with pytest.raises(NotEnoughPointsError):
        ask(store, "B", "mug", "m1", quantity=11)
    rr, e = schema.reward_redemptions, schema.points_entries
    with store.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(rr)).scalar() == 2
        assert conn.execute(
            sa.select(sa.func.count()).select_from(e).where(e.c.account_id == "B")
        ).scalar() == 1  # fmt: skip
    assert points.balance(store, "A", day(2)) == 100 - 40 - 30


def test_a_cancellation_gives_the_points_back_as_they_were(store: Store, tmp_path: Path) -> None:
    catalogue(store, tmp_path)
    accounts(store, "A")
    earn(store, "A", 15, "soon", 0, 5)  # expires on day 5
    earn(store, "A", 20, "later", 0, 100, contact="P1")
    made = ask(store, "A", "pass", "p1", at=1)  # 20 points: 15 from "soon", 5 from "later"
    assert points.balance(store, "A", day(2)) == 15
    back = rewards.move(store, made.redemption_id, "cancelled", actor="Li", now=day(2))
    assert (back.status, back.returned) == ("cancelled", 20)
    assert points.balance(store, "A", day(3)) == 35
    assert points.balance(store, "A", day(6)) == 20  # the 15 given back expire as before
    assert points.balance(store, "A", day(6), "P1") == 20
    assert rewards.offered(store, on=date(2026, 1, 3))[1].left == 3  # the unit is back
    again = rewards.move(store, made.redemption_id, "cancelled", actor="Li", now=day(3))
    assert (again.new, points.balance(store, "A", day(3))) == (False, 35)
    # Cancelled after its first lot expired: only what would still be live comes back.
    late = ask(store, "A", "pass", "p2", at=3)
    gone = rewards.move(store, late.redemption_id, "cancelled", actor="Li", now=day(6))
    assert gone.returned == 5
    assert points.balance(store, "A", day(7)) == 20


def test_requests_at_once_never_oversell_the_stock(store: Store, tmp_path: Path) -> None:
    catalogue(store, tmp_path)
    names = [f"S{k}" for k in range(8)]
    accounts(store, *names)
    for name in names:
        earn(store, name, 50, f"{name}-1", 0, None)
    outcomes: list[str] = []
    barrier = threading.Barrier(len(names))

    def request(name: str) -> None:
        barrier.wait()
        try:
            ask(store, name, "pass", "k")
            outcomes.append("ok")
        except InputError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=request, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] * 3 + ["reward pass: 0 left, 1 asked for"] * 5
    assert sum(points.balance(store, n, day(2)) for n in names) == 8 * 50 - 3 * 20


def test_the_commands_run_the_catalogue(store_url: str, tmp_path: Path) -> None:
    def fill(store: Store) -> None:
        accounts(store, "F")
        earn(store, "F", 100, "f1", 0, None)

    env = cli_env(store_url, fill)

    def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "carecycle", "loyalty", "rewards", *args],
                              capture_output=True, text=True, env=env, cwd=tmp_path)  # fmt: skip
        assert (done.returncode == 0) == ok, done.stderr
        return done

    assert "5 rewards added" in run("load", "sample").stdout
    listed = json.loads(run("list", "--json").stdout)
    assert {r["reward_id"] for r in listed} >= {"tech-book", "training-voucher"}
    made = json.loads(run("request", "F", "tech-book", "--key", "k1", "--json").stdout)
    assert (made["redemption"]["points"], made["balance"]) == (30, 70)
    rid = made["redemption"]["redemption_id"]
    assert "approved" in run("approve", rid, "--actor", "Li").stdout
    assert "fulfilled" in run("fulfil", rid, "--actor", "Li", "--note", "posted").stdout
    refused = run("cancel", rid, "--actor", "Li", ok=False)
    assert "is fulfilled: it cannot be cancelled" in refused.stderr
    assert "Traceback" not in refused.stderr
    shown = json.loads(run("redemptions", "--account", "F", "--json").stdout)
    assert [(r["status"], r["note"]) for r in shown] == [("fulfilled", "posted")]
    too_many = run("request", "F", "renewal-discount", "--key", "k2", ok=False)
    assert "150 points asked for, 70 held" in too_many.stderr


def test_points_of_a_refunded_purchase_never_come_back(store: Store, tmp_path: Path) -> None:
    catalogue(store, tmp_path)
    accounts(store, "A", "B", "S")
    for name in ("A", "B"):
        earn(store, name, 20, f"purchase-{name}", 0, None)
    # A: refunded, then the redemption cancelled; B: cancelled, then refunded.
    first = ask(store, "A", "pass", "a", at=1)
    points.reverse(store, earned_key="purchase-A", occurred_at=day(2), reason="refund")
    assert (
        rewards.move(store, first.redemption_id, "cancelled", actor="Li", now=day(3)).returned == 0
    )
    second = ask(store, "B", "pass", "b", at=1)
    rewards.move(store, second.redemption_id, "cancelled", actor="Li", now=day(2))
    taken = points.reverse(store, earned_key="purchase-B", occurred_at=day(3), reason="refund")
    assert taken is not None
    assert taken.points == -20
    assert points.balance(store, "A", day(4)) == points.balance(store, "B", day(4)) == 0


def test_a_merged_accounts_redemption_can_be_cancelled(store: Store, tmp_path: Path) -> None:
    catalogue(store, tmp_path)
    accounts(store, "A", "S")
    earn(store, "A", 20, "a1", 0, None)
    made = ask(store, "A", "mug", "m")
    with store.begin() as conn:
        a = schema.accounts
        conn.execute(a.update().where(a.c.account_id == "A").values(merged_into="S"))
    back = rewards.move(store, made.redemption_id, "cancelled", actor="Li", now=day(2))
    assert back.returned == 10
