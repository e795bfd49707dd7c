"""Collision rules and the choice of contact and channel, on a small program of their own."""

from __future__ import annotations

from datetime import date, timedelta

from carecycle.programs.loader import parse_program
from carecycle.services.planning import plan_program
from carecycle.store.db import Store
from tests.services.planning_world import account, agreement, contact, load, touches

START = date(2025, 3, 3)  # a Monday
PROGRAM = """
id: rules
name: Rules
version: 1
holdout: {share: 0.0, salt: rules}
policy:
  caps:
    - {channel: any, per: account, max: 1, days: 1}
stages:
  - id: only
    name: Only
    window: {from: start, to: end}
    touches:
      - id: important
        name: Important
        channel: edm
        content: x/important
        trigger: start+1d
        priority: 90
      - id: optional
        name: Optional, dropped when it collides
        channel: edm
        content: x/optional
        trigger: start+1d
        priority: 10
        on_collision: drop
      - id: either
        name: Email or call
        channel: [edm, tsr_call]
        content: x/either
        trigger: start+2d
"""


def build(store: Store) -> None:
    end = START + timedelta(days=365)
    load(
        store,
        accounts=[account("R1"), account("R2"), account("R3")],
        contacts=[
            contact("X1", "R1"),
            contact("X2", "R1", preferred_channel="tsr_call"),
            contact("Y1", "R2"),
            contact("Z1", "R3"),
        ],
        agreements=[
            agreement(f"G{n}", f"R{n}", "open_license", START, end, sa=False) for n in (1, 2, 3)
        ],
        touches=[
            {
                "touch_uid": "earlier-call-of-r2",
                "program_id": "another",
                "touch_id": "call",
                "account_id": "R2",
                "cycle": "G2",
                "agreement_id": "G2",
                "program_revision": 1,
                "stage_id": "s",
                "contact_id": "Y1",
                "channel": "tsr_call",
                "content": "c",
                "priority": 50,
                "due_on": START - timedelta(days=30),
                "planned_on": START - timedelta(days=30),
                "expires_on": START - timedelta(days=16),
                "status": "reached",
                "created_on": START - timedelta(days=30),
                "updated_on": START - timedelta(days=30),
            }
        ],
    )


def test_a_colliding_touch_is_dropped_or_deferred_by_its_rule(store: Store) -> None:
    build(store)
    found = parse_program(PROGRAM, "rules.yaml")
    plan_program(store, found, START + timedelta(days=1))
    r1 = {str(t["touch_id"]): t for t in touches(store, account_id="R1")}
    assert r1["important"]["status"] == "planned"
    assert r1["optional"]["status"] == "dropped"
    assert "at most 1 touches per account in 1 days" in str(r1["optional"]["reason"])
    deferring = parse_program(PROGRAM.replace("on_collision: drop", ""), "rules.yaml")
    with store.begin() as conn:
        conn.exec_driver_sql("delete from touches where program_id = 'rules'")
    plan_program(store, deferring, START + timedelta(days=1))
    waiting = touches(store, account_id="R1", touch_id="optional")[0]
    assert waiting["status"] == "deferred"
    assert waiting["planned_on"] == START + timedelta(days=2)


def test_stated_preference_then_past_responses_pick_the_contact_and_channel(
    store: Store,
) -> None:
    build(store)
    found = parse_program(PROGRAM, "rules.yaml")
    plan_program(store, found, START + timedelta(days=2))
    picked = {
        str(t["account_id"]): (t["contact_id"], t["channel"])
        for t in touches(store, touch_id="either")
    }
    assert picked == {
        "R1": ("X2", "tsr_call"),  # X2 asked to be called
        "R2": ("Y1", "tsr_call"),  # R2 answered a call before
        "R3": ("Z1", "edm"),  # nothing known: the touch's first channel
    }
