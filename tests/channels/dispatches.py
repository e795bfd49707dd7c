"""Hand-built dispatches for the channel tests: one English contact unless a test says otherwise.

Every builder takes field overrides. A test that depends on a value (a name, a missing
email, an end date) passes it, so the value is written where it is asserted.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from carecycle.channels.base import Addressee, Agreement, Dispatch
from carecycle.programs.loader import builtin_programs

AS_OF = date(2026, 1, 5)
ADDRESSEE = Addressee(
    account_id="A-1",
    account_name="Northwind Traders Ltd",
    contact_id="C-1",
    contact_name="Jane Smith",
    role="IT Manager",
    email="jane.smith@northwind.example",
    phone="+44 20 7946 0000",
    language="en",
    address="12 High Street",
    city="London",
    postcode="EC2A 4NE",
    region=None,
    country="GB",
    segment="smb",
    partner_id="P-1",
    partner_name="Fabrikam Partners",
)
AGREEMENT = Agreement(
    agreement_id="AG-1001",
    program="ea",
    sa=True,
    start_on=date(2024, 1, 1),
    end_on=date(2027, 1, 1),
    value=Decimal("10000.00"),
    currency="CNY",
)
ADDRESSEE_FIELDS = frozenset(field.name for field in fields(Addressee))


def addressee(**overrides: Any) -> Addressee:
    """Return the default English contact with the given fields changed."""
    return replace(ADDRESSEE, **overrides)


def agreement(**overrides: Any) -> Agreement:
    """Return the default Enterprise Agreement with the given fields changed."""
    return replace(AGREEMENT, **overrides)


def dispatch(
    *,
    content: str = "welcome/free-support-briefing",
    channel: str = "edm",
    language: str | None = None,
    agreement: Agreement | None = AGREEMENT,
    addressee: Addressee = ADDRESSEE,
    as_of: date = AS_OF,
    **overrides: Any,
) -> Dispatch:
    """Return a touch claimed for `channel`, due and planned on `as_of`.

    `language` and overrides named after an addressee field change the addressee; the
    other overrides change the dispatch itself (touch_uid, priority, planned_on, ...).
    """
    changes = {name: overrides.pop(name) for name in ADDRESSEE_FIELDS & overrides.keys()}
    if language is not None:
        changes["language"] = language
    touch = Dispatch(
        touch_uid="T-1",
        program_id="smb-customer-care",
        touch_id="touch",
        touch_name="Touch",
        stage_id="stage",
        channel=channel,
        content=content,
        priority=50,
        due_on=as_of,
        planned_on=as_of,
        as_of=as_of,
        addressee=replace(addressee, **changes),
        agreement=agreement,
    )
    return replace(touch, **overrides)


def contents_for(channel: str) -> list[str]:
    """Return every content a built-in touch may send on `channel`, sorted."""
    return sorted(
        {
            touch.content
            for found in builtin_programs()
            for stage in found.program.stages
            for touch in stage.touches
            if channel in touch.channels
        }
    )
