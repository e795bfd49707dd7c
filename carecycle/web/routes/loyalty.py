"""The loyalty JSON API: the customer portal (a contact's points, tier and rewards, and
their surveys) behind signed tokens, and the team's view of accounts and redemptions."""

from __future__ import annotations

import hmac
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel, ConfigDict, Field

from carecycle.cli.output import to_json
from carecycle.errors import CareCycleError
from carecycle.loyalty.rules import resolve_rules
from carecycle.loyalty.tiers import Tiers
from carecycle.services import points, rewards
from carecycle.services.portal import portal_request, portal_view
from carecycle.services.surveys import answer_survey, open_survey
from carecycle.services.tiers import account_tier
from carecycle.web.deps import AppState, serving

router = APIRouter(tags=["loyalty"])
State = Annotated[AppState, Depends(serving)]


class NotAllowedError(CareCycleError):
    """A request to the team's API without the right token."""


def team(state: State, authorization: Annotated[str | None, Header()] = None) -> AppState:
    """Return the state for a request of the team's API, which needs the `api_token`."""
    token = state.runtime.settings.api_token
    if token is None:
        raise NotAllowedError("the team's loyalty API is off: set CARECYCLE_API_TOKEN and "
                              "send it as `Authorization: Bearer TOKEN`")  # fmt: skip
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
        raise NotAllowedError("the team's loyalty API needs `Authorization: Bearer TOKEN`")
    return state


Team = Annotated[AppState, Depends(team)]


class Answers(BaseModel):
    """A contact's answers to a survey, by question id."""

    model_config = ConfigDict(extra="forbid")
    answers: dict[str, Any]


class RewardRequest(BaseModel):
    """A reward asked for: which, how many, and a key that makes asking twice count once."""

    model_config = ConfigDict(extra="forbid")
    reward_id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    key: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")
    quantity: int = Field(default=1, ge=1, le=rewards.MAX_QUANTITY)


class Move(BaseModel):
    """Who moves a redemption on, with an optional note."""

    model_config = ConfigDict(extra="forbid")
    actor: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")
    note: str | None = Field(default=None, max_length=300, pattern=r"^[^\x00]*$")


def _plain(value: Any) -> Any:
    """Return the value as JSON would carry it (dates as ISO text)."""
    return json.loads(to_json(value))


def _tiers(state: AppState) -> Tiers | None:
    return resolve_rules(state.runtime.settings.loyalty_rules).tiers


@router.get("/api/portal/{token}")
def portal(token: str, state: State) -> Any:
    """Return what the contact's portal shows: points, tier, statement, rewards."""
    runtime = state.runtime
    found = portal_view(runtime.store, runtime.channels().secret, token, tiers=_tiers(state),
                        now=state.clock())  # fmt: skip
    return _plain(found)


@router.post("/api/portal/{token}/redemptions")
def portal_redeem(token: str, body: RewardRequest, state: State) -> Any:
    """Ask for a reward, paid from the company's points."""
    runtime = state.runtime
    made = portal_request(runtime.store, runtime.channels().secret, token,
                          reward_id=body.reward_id, key=body.key, quantity=body.quantity,
                          now=state.clock())  # fmt: skip
    return _plain(made)


@router.get("/api/surveys/{token}")
def survey(token: str, state: State) -> Any:
    """Return the survey a link opens, in the contact's language."""
    runtime = state.runtime
    return _plain(open_survey(runtime.store, runtime.channels().secret, token).as_dict())


@router.post("/api/surveys/{token}")
def survey_answer(token: str, body: Answers, state: State) -> Any:
    """Record the contact's answers, once."""
    runtime = state.runtime
    done = answer_survey(runtime.store, runtime.channels().secret, token, body.answers,
                         now=state.clock())  # fmt: skip
    return _plain(done.as_dict())


@router.get("/api/loyalty/accounts/{account_id}")
def account(account_id: str, state: Team) -> Any:
    """Return an account's balance, tier and ledger."""
    store, now = state.runtime.store, state.clock()
    points.known_account(store, account_id)
    tiers = _tiers(state)
    found = account_tier(store, tiers, account_id) if tiers is not None else None
    return _plain({
        "account_id": account_id, "at": now, "balance": points.balance(store, account_id, now),
        "tier": found.as_dict() if found is not None else None,
        "statement": points.statement(store, account_id),
    })  # fmt: skip


@router.get("/api/loyalty/rewards")
def rewards_on_offer(state: Team, everything: bool = False) -> Any:
    """Return the rewards on offer today (every item with `everything`)."""
    return _plain(rewards.offered(state.runtime.store, everything=everything,
                                  on=state.clock().date()))  # fmt: skip


@router.get("/api/loyalty/redemptions")
def redemption_list(state: Team, account: str | None = None, status: str | None = None) -> Any:
    """Return redemptions, newest first."""
    return _plain(rewards.redemptions(state.runtime.store, account_id=account, status=status))


@router.post("/api/loyalty/redemptions/{redemption_id}/{move}")
def redemption_move(
    redemption_id: str, move: Literal["approve", "fulfil", "cancel"], body: Move, state: Team
) -> Any:
    """Approve, fulfil or cancel a redemption (a cancellation gives the points back)."""
    status = {"approve": "approved", "fulfil": "fulfilled", "cancel": "cancelled"}[move]
    done = rewards.move(state.runtime.store, redemption_id, status,  # type: ignore[arg-type]
                        actor=body.actor, now=state.clock(), note=body.note)  # fmt: skip
    return _plain(done)
