"""Tiers: the review's moves on hand cases, and reviews over the store on DuckDB and
PostgreSQL (qualifying points, recognition events, idempotence, the commands)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from carecycle.errors import InputError
from carecycle.loyalty.rules import builtin_rule_sets, parse_rules
from carecycle.loyalty.tiers import DOWN, ENTERED, UP, review
from carecycle.services import points
from carecycle.services.tiers import account_tier, review_tiers
from carecycle.store import schema
from carecycle.store.db import Store
from tests.intelligence.test_store_clv import cli_env
from tests.loyalty.commands import loyalty_command
from tests.services.planning_world import load

# Tiers of their own, apart from the built-in plan's: thresholds in round hundreds.
RULES_TEXT = """
id: tiered
name: Tiered
rules: [{id: r, kind: registration, points: 1}]
tiers:
  window: 12mo
  grace: 3mo
  steps: 1
  levels:
    - {id: member, name: Member, threshold: 0}
    - {id: silver, name: Silver, threshold: 50, privileges: [Priority support queue]}
    - {id: gold, name: Gold, threshold: 150,
       privileges: [Priority support queue, A named customer care contact]}
    - {id: platinum, name: Platinum, threshold: 400}
"""
TIERS = parse_rules(RULES_TEXT, "tiered.yaml").tiers
assert TIERS is not None
NAT = np.datetime64("NaT", "D")
NOON = datetime(2026, 12, 1, 12)  # reviews run on this day
MEMBER, SILVER, GOLD, PLATINUM = range(4)


def d(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def test_the_plans_tiers_are_reached_by_engaged_customers() -> None:
    plan = builtin_rule_sets()[0].tiers
    assert plan is not None
    assert [t.threshold for t in plan.levels] == [0, 20, 35, 60]


def test_a_review_moves_up_at_once_and_down_after_the_grace_period() -> None:
    assert TIERS is not None
    cases = [  # qualifying points, current tier, below since → tier, below since, event
        (160, -1, NAT, GOLD, NAT, ENTERED),
        (0, -1, NAT, MEMBER, NAT, ENTERED),
        (60, MEMBER, NAT, SILVER, NAT, UP),
        (400, SILVER, NAT, PLATINUM, NAT, UP),
        (100, GOLD, NAT, GOLD, d("2026-04-01"), ""),  # just fell short: the wait starts
        (100, GOLD, d("2026-02-15"), GOLD, d("2026-02-15"), ""),  # 3 months end 15 May
        (100, GOLD, d("2026-01-01"), SILVER, NAT, DOWN),  # 3 months ended 1 April: one down
        (10, PLATINUM, d("2025-06-01"), GOLD, d("2026-04-01"), DOWN),  # one step; wait again
        (200, GOLD, d("2026-02-15"), GOLD, NAT, ""),  # back above: the wait is over
        (50, SILVER, NAT, SILVER, NAT, ""),  # on the threshold
    ]
    done = review(TIERS, date(2026, 4, 1), np.array([c[0] for c in cases]),
                  np.array([c[1] for c in cases]),
                  np.array([c[2] for c in cases], dtype="datetime64[D]"))  # fmt: skip
    got = list(zip(done.tier.tolist(), done.below_since.tolist(), done.event.tolist(), strict=True))
    want = [(c[3], c[4].item(), c[5]) for c in cases]
    assert got == want


def test_two_steps_down_at_a_time_when_the_rules_allow() -> None:
    text = """
id: t
name: T
rules: [{id: r, kind: registration, points: 1}]
tiers:
  grace: 30d
  steps: 2
  levels: [{id: a, name: A, threshold: 0}, {id: b, name: B, threshold: 10},
           {id: c, name: C, threshold: 20}, {id: e, name: E, threshold: 30}]
"""
    tiers = parse_rules(text, "t.yaml").tiers
    assert tiers is not None
    done = review(tiers, date(2026, 3, 2), np.array([0, 15]), np.array([3, 3]),
                  np.array([d("2026-01-31"), d("2026-01-31")]))  # fmt: skip
    assert done.tier.tolist() == [1, 1]
    assert [x is None for x in done.below_since.tolist()] == [False, True]


def test_bad_tiers_are_refused() -> None:
    text = "id: t\nname: T\nrules: [{id: r, kind: registration, points: 1}]\ntiers:\n"
    with pytest.raises(InputError, match="its threshold is 0"):
        parse_rules(text + "  levels: [{id: a, name: A, threshold: 5}]\n", "t.yaml")
    with pytest.raises(InputError, match="each threshold above the one before"):
        parse_rules(text + "  levels: [{id: a, name: A, threshold: 0},"
                    " {id: b, name: B, threshold: 0}]\n", "t.yaml")  # fmt: skip


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00")


def earn(store: Store, account: str, n: int, key: str, day: str) -> None:
    points.earn(store, account_id=account, points=n, rule="test", source_key=key,
                occurred_at=at(day), expires_at=None)  # fmt: skip


def world(store: Store) -> None:
    load(store, accounts=[{"account_id": a, "name": f"Company {a}"} for a in "ABCD"]
         + [{"account_id": "M", "name": "Dup", "merged_into": "A"}])  # fmt: skip
    earn(store, "A", 160, "a1", "2026-01-10")  # gold
    earn(store, "B", 30, "b0", "2024-12-01")  # outside the 12 months
    earn(store, "B", 40, "b1", "2026-01-10")  # member: 40
    earn(store, "C", 60, "c1", "2026-01-10")  # silver…
    points.redeem(store, account_id="C", points=50, source_key="c-r", occurred_at=at("2026-02-01"),
                  reason="mug")  # …spending keeps it  # fmt: skip


def test_a_review_sets_tiers_from_the_points_earned_lately(store: Store) -> None:
    world(store)
    first = review_tiers(store, TIERS, now=NOON, as_of=date(2026, 3, 1))
    assert first.counts == {"member": 2, "silver": 1, "gold": 1, "platinum": 0}
    assert first.moves() == {"entered": 2}  # A and C; B and D start in the first tier
    again = review_tiers(store, TIERS, now=NOON, as_of=date(2026, 3, 1))
    assert (again.events, again.counts) == ((), first.counts)
    earn(store, "B", 20, "b2", "2026-03-05")  # 60: silver, a recognition
    points.reverse(store, earned_key="a1", occurred_at=at("2026-03-06"), reason="refund")
    later = review_tiers(store, TIERS, now=NOON, as_of=date(2026, 3, 10))
    assert [(e.account_id, e.kind, e.from_tier, e.to_tier, e.points) for e in later.events] == [
        ("B", "upgrade", "member", "silver", 60)
    ]
    a = account_tier(store, TIERS, "A")
    assert (a.tier and a.tier.id, a.points, a.below_since) == ("gold", 0, date(2026, 3, 10))
    down = review_tiers(store, TIERS, now=NOON, as_of=date(2026, 6, 10))
    assert [(e.account_id, e.kind, e.to_tier) for e in down.events] == [
        ("A", "downgrade", "silver")
    ]
    b = account_tier(store, TIERS, "B")
    assert (b.tier and b.tier.id, b.next_tier and b.next_tier.id, b.points_to_next) == (
        "silver",
        "gold",
        90,
    )
    assert [e.kind for e in b.history] == ["upgrade"]
    with pytest.raises(InputError, match="last reviewed on 2026-06-10"):
        review_tiers(store, TIERS, now=NOON, as_of=date(2026, 6, 1))
    with pytest.raises(InputError, match="no account 'Z'"):
        account_tier(store, TIERS, "Z")


def test_merged_points_count_and_old_points_taken_back_do_not(store: Store) -> None:
    world(store)
    earn(store, "D", 200, "d-old", "2025-01-10")  # outside the window by March 2026
    earn(store, "D", 160, "d1", "2026-01-10")  # gold
    points.reverse(store, earned_key="d-old", occurred_at=at("2026-02-01"), reason="refund")
    a = schema.accounts
    with store.begin() as conn:  # B turns out a duplicate of C: 40 + 60 = 100, silver
        conn.execute(a.update().where(a.c.account_id == "B").values(merged_into="C"))
    review_tiers(store, TIERS, now=NOON, as_of=date(2026, 3, 1))
    d, c = account_tier(store, TIERS, "D"), account_tier(store, TIERS, "C")
    assert (d.tier and d.tier.id, d.points) == ("gold", 160)
    assert (c.tier and c.tier.id, c.points) == ("silver", 100)


def test_an_account_whose_tier_left_the_rules_is_regraded(store: Store) -> None:
    world(store)
    review_tiers(store, TIERS, now=NOON, as_of=date(2026, 3, 1))
    t = schema.loyalty_tiers
    with store.begin() as conn:
        conn.execute(t.update().where(t.c.account_id == "A").values(tier="diamond"))
    moved = review_tiers(store, TIERS, now=NOON, as_of=date(2026, 3, 2))
    assert [(e.account_id, e.kind, e.from_tier, e.to_tier) for e in moved.events] == [
        ("A", "regraded", "diamond", "gold")
    ]
    with pytest.raises(InputError, match="after today"):
        review_tiers(store, TIERS, now=NOON, as_of=date(2026, 12, 2))


def test_a_dry_run_writes_nothing(store: Store) -> None:
    world(store)
    dry = review_tiers(store, TIERS, now=NOON, as_of=date(2026, 3, 1), dry_run=True)
    assert dry.moves() == {"entered": 2}
    assert account_tier(store, TIERS, "A").tier is None


def test_the_commands_review_and_show_tiers(store_url: str, tmp_path: Path) -> None:
    env = cli_env(store_url, world)
    rules = tmp_path / "tiered.yaml"
    rules.write_text(RULES_TEXT, encoding="utf-8")

    run = loyalty_command(env, tmp_path)

    shown = json.loads(run("tiers", "--as-of", "2026-03-01", "--rules", str(rules), "--json"))
    assert shown["counts"]["gold"] == 1
    assert shown["moves"] == {"entered": 2}
    a = json.loads(run("tier", "A", "--rules", str(rules), "--json"))
    assert (a["tier"]["id"], a["next_tier"]["id"], a["points_to_next"]) == ("gold", "platinum", 240)
    assert "A named customer care contact" in run("tier", "A", "--rules", str(rules))
