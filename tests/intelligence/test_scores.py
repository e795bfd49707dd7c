"""Dated scores in the store, and a program audience that asks about them."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from carecycle.programs.loader import parse_program
from carecycle.services.planning import plan_program
from carecycle.services.scores import _deciles, score_base
from carecycle.store import schema
from carecycle.store.db import Store
from tests.intelligence.test_store_clv import line, order
from tests.intelligence.test_value import POLICY, world
from tests.services.planning_world import account, agreement, contact, load, touches

START = date(2026, 3, 2)
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
    done = score_base(store, as_of=date(2026, 3, 1), days=365, policy=POLICY)
    assert done.written == {"tier": 4, "rfm": 4}
    assert "at least 2 customers with repeat purchases" in done.skipped["clv"]
    found = scores(store)
    assert found[("A1", "tier")] == (1.0, "A")
    assert found[("A3", "tier")] == (2.0, "B")
    assert found[("A2", "rfm")] == (224.0, "224")
    assert found[("A4", "rfm")] == (0.0, "000")
    # Scoring the day again replaces its scores rather than adding to them.
    score_base(store, as_of=date(2026, 3, 1), days=365, policy=POLICY)
    assert len(scores(store)) == 8


def test_deciles_put_the_highest_tenth_first_and_ties_together() -> None:
    import numpy as np

    values = np.arange(20, 0, -1, dtype=float)
    assert _deciles(values) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10]
    assert _deciles(np.array([5.0, 5.0, 1.0])) == [1, 1, 7]


def test_a_program_audience_on_a_score_reaches_only_its_band(store: Store) -> None:
    end = START + timedelta(days=365)
    spend = {"R1": 900, "R2": 90, "R3": 10}
    load(
        store,
        accounts=[account(a) for a in spend],
        contacts=[contact(f"C{a}", a) for a in spend],
        agreements=[agreement(f"G{a}", a, "open_license", START, end, sa=False) for a in spend],
        orders=[order(f"O{a}", a, "2026-01-15") for a in spend],
        order_lines=[line(f"O{a}", 0, amount) for a, amount in spend.items()],
    )
    # Revenue 900, 90, 10: R1 brings the first 80 % (tier A), R2 reaches 99 % (B), R3 is C.
    score_base(store, as_of=START, days=365, policy=POLICY)
    plan_program(store, parse_program(PROGRAM, "best.yaml"), START + timedelta(days=1))
    planned = touches(store, program_id="best")
    assert [(t["account_id"], t["touch_id"]) for t in planned] == [("R1", "thanks")]
    # The same program for everyone reaches all three.
    everyone = PROGRAM.replace("id: best", "id: all").replace("  score.tier.band: A", "  {}")
    plan_program(store, parse_program(everyone, "all.yaml"), START + timedelta(days=1))
    assert sorted(t["account_id"] for t in touches(store, program_id="all")) == ["R1", "R2", "R3"]
