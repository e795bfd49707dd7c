"""The call-down JSON API on both stores: the queue, and outcomes an agent posts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from carecycle.bootstrap import Runtime
from carecycle.config import load_settings
from carecycle.services.sending import send_due
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.web.app import create_app
from tests.services.channel_world import DAY, planned_world

NOW = datetime(2026, 3, 3, 9, 0)


@pytest.fixture
def api(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """Return a client of the web app over a store whose calls are queued."""
    planned_world(store)
    settings = load_settings(outbox_dir=tmp_path / "out", call_teams={"north": ["North"]})
    runtime = Runtime(settings=settings, store=store)
    send_due(store, runtime.channels(), "tsr_call", DAY, now=NOW)
    with TestClient(create_app(runtime, clock=lambda: NOW)) as client:
        yield client


def rows(store: Store, table: sa.Table) -> list[dict[str, Any]]:
    with store.begin() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(table))]


def test_the_queue_lists_each_teams_calls_with_script_and_account(api: TestClient) -> None:
    north = api.get("/api/calls/queue", params={"team": "north"}).json()
    (call,) = north["calls"]
    assert call["team"] == "north"
    assert call["account"]["name"] == "Alpha Ltd"
    assert len(call["questions"]) == 9
    assert "opportunity" in call["outcomes"]
    assert len(api.get("/api/calls/queue").json()["calls"]) == 2


def test_a_posted_call_outcome_updates_the_touch_and_creates_opportunity_and_complaint(
    api: TestClient, store: Store
) -> None:
    (call,) = api.get("/api/calls/queue", params={"team": "north"}).json()["calls"]
    body = {
        "result": "reached",
        "occurred_at": "2026-03-03T10:15:00+08:00",
        "agent": "li.wei",
        "opportunity": {"amount": "5400.00", "product_id": "WIN-PRO", "currency": "CNY"},
        "complaint": {"text": "Invoice was wrong twice.", "severity": "high"},
    }
    answer = api.post(f"/api/calls/{call['touch_uid']}/outcome", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "reached"
    assert [r["type"] for r in answer.json()["recorded"]] == ["reached", "opportunity", "complaint"]
    (opportunity,) = rows(store, schema.opportunities)
    assert (opportunity["product_id"], str(opportunity["amount"])) == ("WIN-PRO", "5400.00")
    (case,) = rows(store, schema.support_cases)
    assert (case["kind"], case["severity"], case["touch_uid"]) == (
        "complaint",
        "high",
        call["touch_uid"],
    )
    t = schema.touches
    with store.begin() as conn:
        status = conn.execute(sa.select(t.c.status).where(t.c.touch_uid == call["touch_uid"]))
        assert status.scalar() == "reached"
    events = [e for e in rows(store, schema.touch_events) if e["touch_uid"] == call["touch_uid"]]
    reached = next(e for e in events if e["status"] == "reached")
    assert reached["occurred_at"] == datetime(2026, 3, 3, 2, 15)
    assert reached["source"] == "agent:li.wei"
    assert api.get("/api/calls/queue", params={"team": "north"}).json()["calls"] == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"result": "maybe"}, 422, "result"),
        ({"result": "call_back"}, 400, "call back needs the time"),
        ({"result": "not_reached", "complaint": {"text": "x"}}, 400, "need the result 'reached'"),
        ({"result": "reached", "answers": {"pcs": "a lot"}}, 400, "pcs"),
        ({"result": "reached", "opportunity": {"amount": "-1"}}, 422, "amount"),
    ],
)
def test_a_bad_call_outcome_is_a_4xx_with_a_message_and_changes_nothing(
    api: TestClient, store: Store, body: dict[str, Any], status: int, message: str
) -> None:
    (call,) = api.get("/api/calls/queue", params={"team": "north"}).json()["calls"]
    before = rows(store, schema.touch_events)
    answer = api.post(f"/api/calls/{call['touch_uid']}/outcome", json=body)
    assert answer.status_code == status
    assert message in answer.json()["error"]
    assert rows(store, schema.touch_events) == before


def test_an_outcome_for_an_unknown_touch_is_a_404(api: TestClient) -> None:
    answer = api.post("/api/calls/nope/outcome", json={"result": "reached"})
    assert answer.status_code == 404
    assert answer.json() == {"error": "no touch 'nope'"}
