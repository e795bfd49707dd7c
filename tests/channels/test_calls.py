"""The call item an agent works from, and call retries."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from carecycle.channels.calls import RetryRule, call_item, item_as_dict, next_attempt, with_agent
from carecycle.channels.scripts import load_script
from tests.channels.dispatches import addressee, agreement, dispatch

AS_OF = date(2025, 3, 3)
HARBOUR = addressee(
    account_name="Harbour Logistics",
    contact_name="Alice Chen",
    phone="+86 21 5555 0101",
    partner_name="Bright Partners",
)
# A claimed tsr_call touch to HARBOUR about an agreement ending 90 days after AS_OF.
tsr_call = partial(
    dispatch,
    channel="tsr_call",
    as_of=AS_OF,
    addressee=HARBOUR,
    agreement=agreement(end_on=AS_OF + timedelta(days=90), value=Decimal("12500.00")),
)


def test_chinese_contact_gets_the_chinese_script() -> None:
    item = call_item(
        tsr_call(content="scripts/core-io-profiling-9q", language="zh"),
        team="telesales",
        attempts=0,
        next_attempt_at=None,
        agent="王芳",
    )
    script = load_script("scripts/core-io-profiling-9q")
    assert item.title == script.title.zh
    assert item.opening.startswith("您好，请问是Harbour Logistics的Alice Chen吗？")
    assert "王芳" in item.opening
    assert item.questions[0].text == script.questions[0].text.zh
    assert item.talking_points[0] == script.talking_points[0].zh
    assert item.contact.language == "zh"


def test_call_item_summarises_account_agreement_and_contact() -> None:
    item = call_item(
        tsr_call(content="renew/how-to-renew-budget-partner-plan"),
        team="telesales",
        attempts=1,
        next_attempt_at=datetime(2025, 3, 4, 9, 0),
    )
    assert item.account.partner_name == "Bright Partners"
    assert item.agreement is not None
    assert item.agreement.days_to_end == 90
    assert item.contact.phone == "+86 21 5555 0101"
    assert "opportunity" in item.outcomes
    assert "{agent}" in item.opening
    assert "{agent}" not in with_agent(item, "Sam").opening


def test_unnamed_contact_is_asked_for_as_the_person_in_charge() -> None:
    item = call_item(
        tsr_call(content="scripts/bundle-offer", contact_name=None),
        team="telesales",
        attempts=0,
        next_attempt_at=None,
        agent="Sam",
    )
    assert "may I speak with the person in charge at Harbour Logistics?" in item.opening


def test_item_as_dict_is_json_serialisable() -> None:
    item = call_item(
        tsr_call(content="scripts/welcome-satisfaction-survey"),
        team="telesales",
        attempts=2,
        next_attempt_at=datetime(2025, 3, 4, 9, 30),
    )
    data = json.loads(json.dumps(item_as_dict(item)))
    assert data["next_attempt_at"] == "2025-03-04T09:30:00"
    assert data["agreement"]["end_on"] == "2025-06-01"
    assert data["agreement"]["value"] == "12500.00"
    assert data["questions"][0]["options"][0]["value"] == "1"


def test_unanswered_call_is_retried_until_attempts_run_out() -> None:
    rule = RetryRule(max_attempts=3, retry_after_hours=24)
    at = datetime(2025, 3, 3, 10, 0)
    assert next_attempt(rule, 1, at) == datetime(2025, 3, 4, 10, 0)
    assert next_attempt(rule, 2, at) == datetime(2025, 3, 4, 10, 0)
    assert next_attempt(rule, 3, at) is None
    assert next_attempt(replace(rule, retry_after_hours=2), 1, at) == datetime(2025, 3, 3, 12, 0)
