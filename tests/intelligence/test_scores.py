"""Dated scores in the store, and a program audience that asks about them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from carecycle.intelligence.health import HealthPolicy
from carecycle.programs.loader import parse_program
from carecycle.services.planning import plan_program
from carecycle.services.scores import _deciles, score_base
from carecycle.store import schema
from carecycle.store.db import Store
from tests.intelligence.test_store_clv import line, order
from tests.intelligence.test_value import POLICY, world
from tests.services.planning_world import account, agreement, contact, load, touches

START = date(2026, 3, 2)
HEALTH = HealthPolicy()
PROGRAM = """
id: best
name: Best customers
version: 1
holdout: {share: 0.0, salt: best}
audience:
  score.tier.band: A
stages:
  - id: only
    name: Only
    window: {from: start, to: end}
    touches:
      - id: thanks
        name: Thank you
        channel: edm
        content: x/thanks
        trigger: start+1d
"""


def scores(store: Store) -> dict[tuple[str, str], tuple[float, str | None]]:
    table = schema.account_scores
    with store.begin() as conn:
        found = conn.execute(sa.select(table)).mappings().all()
    return {(r["account_id"], r["score"]): (r["value"], r["band"]) for r in found}


def test_scoring_a_day_writes_tiers_and_rfm_and_says_what_it_skipped(store: Store) -> None:
    world(store)
    done = score_base(store, as_of=date(2026, 3, 1), days=365, policy=POLICY, health=HEALTH)
    # Nothing but orders: health knows that no case was opened and that A2 cancelled an
    # order (its renewal component), too little to score.
    assert done.written == {"tier": 4, "rfm": 4, "health": 0, "health_usage": 0,
                            "health_usage_trend": 0, "health_support": 4, "health_survey": 0,
                            "health_engagement": 0, "health_renewal": 1, "ladder": 4,
                            "relationship_communication": 4, "relationship_internal": 4,
                            "relationship_external": 4}  # fmt: skip
    assert "at least 2 customers with repeat purchases" in done.skipped["clv"]
    found = scores(store)
    assert found[("A1", "tier")] == (1.0, "A")
    assert found[("A3", "tier")] == (2.0, "B")
    assert found[("A2", "rfm")] == (224.0, "224")
    assert found[("A4", "rfm")] == (0.0, "000")
    # A1's touch was sent but never answered: aware, the ladder's first rung.
    assert found[("A1", "ladder")] == (1.0, "aware")
    # Scoring the day again replaces its scores rather than adding to them.
    score_base(store, as_of=date(2026, 3, 1), days=365, policy=POLICY, health=HEALTH)
    assert len(scores(store)) == 17 + 3 * 4


def test_deciles_put_the_highest_tenth_first_and_ties_together() -> None:
    import numpy as np

    values = np.arange(20, 0, -1, dtype=float)
    assert _deciles(values) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10]
    assert _deciles(np.array([5.0, 5.0, 1.0])) == [1, 1, 7]


def customers(store: Store, ids: list[str], **more: list[dict[str, object]]) -> None:
    """Load accounts with a contact and an agreement from START each, and `more` rows."""
    end = START + timedelta(days=365)
    load(
        store,
        accounts=[account(a) for a in ids],
        contacts=[contact(f"C{a}", a) for a in ids],
        agreements=[agreement(f"G{a}", a, "open_license", START, end, sa=False) for a in ids],
        **more,
    )


def test_a_program_audience_on_a_score_reaches_only_its_band(store: Store) -> None:
    spend = {"R1": 900, "R2": 90, "R3": 10}
    customers(
        store,
        list(spend),
        orders=[order(f"O{a}", a, "2026-01-15") for a in spend],
        order_lines=[line(f"O{a}", 0, amount) for a, amount in spend.items()],
    )
    # Revenue 900, 90, 10: R1 brings the first 80 % (tier A), R2 reaches 99 % (B), R3 is C.
    score_base(store, as_of=START, days=365, policy=POLICY, health=HEALTH)
    plan_program(store, parse_program(PROGRAM, "best.yaml"), START + timedelta(days=1))
    planned = touches(store, program_id="best")
    assert [(t["account_id"], t["touch_id"]) for t in planned] == [("R1", "thanks")]
    # The same program for everyone reaches all three.
    everyone = PROGRAM.replace("id: best", "id: all").replace("  score.tier.band: A", "  {}")
    plan_program(store, parse_program(everyone, "all.yaml"), START + timedelta(days=1))
    assert sorted(t["account_id"] for t in touches(store, program_id="all")) == ["R1", "R2", "R3"]


def test_an_audience_on_health_reaches_the_red_accounts(store: Store) -> None:
    in_use = {"R1": 8, "R2": 6, "R3": 0}
    customers(
        store,
        list(in_use),
        usage_snapshots=[
            {
                "account_id": a,
                "product_id": "X",
                "measured_on": START,
                "seats": 10,
                "active_users": active,
            }
            for a, active in in_use.items()
        ],
        support_cases=[
            {
                "case_id": f"K{k}",
                "account_id": "R3",
                "kind": "complaint",
                "severity": "high",
                "opened_at": datetime(2026, 2, k + 1, 9),
                "resolved_at": datetime(2026, 2, 9),
            }
            for k in range(2)
        ],
    )
    # Usage 100, 75, 0 (of 80 % in use); support 100, 100, 50 (two complaints): health
    # (0.30·u + 0.15·s) / 0.45 = 100, 83, 17 — R3 alone is red.
    score_base(store, as_of=START, days=365, policy=POLICY, health=HEALTH)
    found = scores(store)
    assert found[("R3", "health")] == (pytest.approx(50 / 3), "red")
    assert found[("R3", "health_usage")] == (0.0, "red")
    assert found[("R2", "health")][1] == "green"
    red = PROGRAM.replace("id: best", "id: rescue").replace("score.tier.band: A",
                                                           "score.health.band: red")  # fmt: skip
    plan_program(store, parse_program(red, "rescue.yaml"), START + timedelta(days=1))
    assert [t["account_id"] for t in touches(store, program_id="rescue")] == ["R3"]
