"""Referrals followed to a first purchase and relationship scores, on DuckDB and
PostgreSQL: hand-built cases, test against holdout, and the commands."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from carecycle.errors import InputError
from carecycle.services.referrals import list_referrals
from carecycle.services.relationships import compare_groups, read_relationships
from carecycle.store.db import Store
from tests.intelligence.test_store_clv import cli_env
from tests.intelligence.test_store_health import event, touch
from tests.loyalty.commands import loyalty_command
from tests.loyalty.test_award import answers, paid, referral
from tests.services.planning_world import load

D = date(2026, 6, 30)


def world(store: Store) -> None:
    """Customers A–F; A answers and refers the most. G was referred by A and bought."""
    orders = [paid(f"o{a}", a, None, "2026-01-05", 100) for a in "ABCDEF"]
    orders += [paid("g1", "G", None, "2026-04-01", 100), paid("h1", "H", None, "2025-12-01", 50)]
    load(
        store,
        accounts=[{"account_id": a, "name": f"Company {a}"} for a in "ABCDEFGH"],
        orders=[o for o, _ in orders],
        order_lines=[line for _, line in orders],
        touches=[
            touch(uid, a, "2026-01-01")
            for uid, a in (("T1", "A"), ("T2", "A"), ("T3", "B"), ("T4", "D"))
        ],
        touch_events=[
            event("T1", "responded", "2026-02-01"),
            event("T1", "clicked", "2026-02-02"),  # same touch: counts once
            event("T2", "completed", "2026-03-01"),
            event("T3", "responded", "2025-01-01"),  # before the window
            event("T4", "sent", "2026-03-01"),  # not an answer
        ],
        survey_responses=answers("nps", "A", "a1", "S1", 2, "2026-05-01")
        + answers("nps", "B", "b1", "S2", 1, "2026-05-02"),
        referrals=[
            referral("R1", "A", None, "G", "2026-03-01"),  # G bought on 1 April: led
            referral("R2", "A", None, "A", "2026-03-05"),  # internal
            referral("R3", "B", None, "H", "2026-03-01"),  # H bought before: not led
            referral("R4", "B", None, None, "2026-03-01"),  # not a customer yet
            referral("R5", "C", None, "A", "2026-03-01", "rejected"),
        ],
    )
    load(store, holdout_assignments=[
        {"program_id": "p", "account_id": a, "arm": arm, "assigned_on": date(2026, 1, 1),
         "share": 0.5, "salt": "s"}
        for a, arm in zip("ABCDEF", ["test", "test", "test", "holdout", "holdout", "holdout"],
                          strict=True)
    ])  # fmt: skip


def test_referrals_are_followed_to_the_first_purchase(store: Store) -> None:
    world(store)
    found = {r.referral_id: r for r in list_referrals(store, as_of=D)}
    assert sorted(found) == ["R1", "R2", "R3", "R4"]  # R5 was rejected
    assert (found["R1"].bought_on, found["R1"].internal) == (date(2026, 4, 1), False)
    assert (found["R2"].bought_on, found["R2"].internal) == (None, True)
    assert found["R3"].bought_on is None  # H bought before it was referred
    assert found["R4"].referred_account is None
    before = {r.referral_id: r.bought_on for r in list_referrals(store, as_of=date(2026, 3, 20))}
    assert before["R1"] is None  # G had not bought yet
    assert [r.referral_id for r in list_referrals(store, as_of=D, account_id="B")] == ["R3", "R4"]


def test_relationship_scores_count_each_customers_exchanges_and_referrals(store: Store) -> None:
    world(store)
    found = read_relationships(store, as_of=D, days=365)
    assert found.accounts == list("ABCDEFGH")
    scores = {
        d: dict(zip(found.accounts, v.tolist(), strict=True)) for d, v in found.scores.items()
    }
    # A: two touches answered and one survey; B: one survey (its touch answer is too old).
    assert (scores["communication"]["A"], scores["communication"]["B"]) == (3, 1)
    assert scores["communication"]["C"] == 0
    assert scores["internal"] == {a: float(a == "A") for a in found.accounts}
    assert scores["external"] == {a: float(a == "A") for a in found.accounts}
    short = read_relationships(store, as_of=D, days=60)  # from 2 May: B's survey only
    assert short.scores["communication"].tolist()[:2] == [0, 1]


def test_test_and_holdout_are_compared_on_each_score(store: Store) -> None:
    world(store)
    found = read_relationships(store, as_of=D, days=365)
    compared = compare_groups(store, found, "p")
    c = compared["communication"]
    assert (c.test.n, c.control.n) == (3, 3)
    assert c.test.mean == pytest.approx(np.mean([3, 1, 0]))
    assert c.control.mean == 0
    assert c.difference.estimate == pytest.approx(4 / 3)
    with pytest.raises(InputError, match="no account is assigned to program 'q'"):
        compare_groups(store, found, "q")


def test_the_commands_list_referrals_and_relationships(store_url: str, tmp_path: Path) -> None:
    env = cli_env(store_url, world)

    run = loyalty_command(env, tmp_path)

    listed = json.loads(run("referrals", "--as-of", "2026-06-30", "--json"))
    assert {r["referral_id"]: r["bought_on"] for r in listed}["R1"] == "2026-04-01"
    assert "1 of which led to a first purchase (33%)" in run("referrals", "--as-of", "2026-06-30")
    shown = json.loads(run("relationships", "--as-of", "2026-06-30", "--program", "p", "--json"))
    assert shown["summary"]["external"]["accounts"] == 1
    assert shown["comparison"]["communication"]["test"]["n"] == 3
