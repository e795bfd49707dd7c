"""The call item an agent works from, and call retries."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from carecycle.channels.base import Addressee, Agreement, Dispatch
from carecycle.channels.calls import RetryRule, call_item, item_as_dict, next_attempt, with_agent
from carecycle.channels.scripts import load_script


def addressee(*, language: str = "en", contact_name: str | None = "Alice Chen") -> Addressee:
    """Return a contact at a small company, speaking `language`."""
    return Addressee(
        account_id="A-1",
        account_name="Harbour Logistics",
        contact_id="C-1",
        contact_name=contact_name,
        role="IT Manager",
        email="alice@harbour.example",
        phone="+86 21 5555 0101",
        language=language,
        address="1 Quay Road",
        city="Shanghai",
        postcode="200000",
        region="East",
        country="CN",
        segment="smb",
        partner_id="P-1",
        partner_name="Bright Partners",
    )


def dispatch(
    content: str, *, language: str = "en", contact_name: str | None = "Alice Chen"
) -> Dispatch:
    """Return a claimed tsr_call touch about a licence agreement ending in 90 days."""
    as_of = date(2025, 3, 3)
    return Dispatch(
        touch_uid="T-1",
        program_id="smb-customer-care",
        touch_id="core_io_profiling",
        touch_name="Core IO profiling call (9 questions)",
        stage_id="deploy",
        channel="tsr_call",
        content=content,
        priority=85,
        due_on=as_of,
        planned_on=as_of,
        as_of=as_of,
        addressee=addressee(language=language, contact_name=contact_name),
        agreement=Agreement(
            agreement_id="AG-1",
            program="open_value",
            sa=True,
            start_on=date(2022, 6, 1),
            end_on=as_of + timedelta(days=90),
            value=Decimal("12500.00"),
            currency="CNY",
        ),
    )


def test_chinese_contact_gets_the_chinese_script() -> None:
    item = call_item(
        dispatch("scripts/core-io-profiling-9q", language="zh"),
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
        dispatch("renew/how-to-renew-budget-partner-plan"),
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
        dispatch("scripts/bundle-offer", contact_name=None),
        team="telesales",
        attempts=0,
        next_attempt_at=None,
        agent="Sam",
    )
    assert "may I speak with the person in charge at Harbour Logistics?" in item.opening


def test_item_as_dict_is_json_serialisable() -> None:
    item = call_item(
        dispatch("scripts/welcome-satisfaction-survey"),
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
