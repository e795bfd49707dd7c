"""The call-down JSON API: a team's queue, and what an agent records after a call."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from carecycle.channels.calls import item_as_dict
from carecycle.services.calls import CallReport, call_queue, record_call
from carecycle.times import as_stored
from carecycle.web.deps import AppState, serving

router = APIRouter(prefix="/api/calls", tags=["calls"])
State = Annotated[AppState, Depends(serving)]


class Opportunity(BaseModel):
    """A sales opportunity the call uncovered."""

    model_config = ConfigDict(extra="forbid")
    amount: Decimal = Field(gt=0)
    product_id: str | None = None
    currency: str | None = Field(None, min_length=3, max_length=3)


class Complaint(BaseModel):
    """A complaint the customer made on the call."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=5000)
    severity: Literal["low", "medium", "high", "critical"] = "medium"


class CallOutcome(BaseModel):
    """What an agent records after a call."""

    model_config = ConfigDict(extra="forbid")
    result: Literal["reached", "not_reached", "wrong_number", "call_back", "do_not_call"]
    occurred_at: datetime | None = None
    call_back_at: datetime | None = None
    note: str | None = Field(None, max_length=300)
    agent: str | None = Field(None, max_length=24)
    opportunity: Opportunity | None = None
    complaint: Complaint | None = None
    answers: dict[str, Any] = Field(default_factory=dict)


@router.get("/queue")
def queue(
    state: State, team: str | None = None, at: datetime | None = None, agent: str | None = None
) -> dict[str, Any]:
    """Return the calls due now (or at `at`), most urgent first."""
    runtime = state.runtime
    now = at or state.clock()
    items = call_queue(runtime.store, runtime.channels(), now=now, team=team, agent=agent)
    return {"at": now.isoformat(), "team": team, "calls": [item_as_dict(i) for i in items]}


@router.post("/{touch_uid}/outcome")
def outcome(touch_uid: str, body: CallOutcome, state: State) -> dict[str, Any]:
    """Record a call's result, with any opportunity, complaint and profiling answers."""
    runtime = state.runtime
    report = CallReport(
        touch_uid=touch_uid,
        result=body.result,
        occurred_at=as_stored(body.occurred_at) if body.occurred_at else state.clock(),
        call_back_at=as_stored(body.call_back_at) if body.call_back_at else None,
        note=body.note,
        agent=body.agent,
        opportunity=(
            body.opportunity.amount,
            body.opportunity.product_id,
            body.opportunity.currency,
        )
        if body.opportunity
        else None,
        complaint=(body.complaint.text, body.complaint.severity) if body.complaint else None,
        answers=body.answers,
    )
    recorded = record_call(runtime.store, runtime.channels(), report)
    return {
        "touch_uid": touch_uid,
        "status": recorded[-1].status if recorded else None,
        "recorded": [
            {"type": r.type, "new": r.new, "status": r.status, "effects": list(r.effects)}
            for r in recorded
        ],
    }
