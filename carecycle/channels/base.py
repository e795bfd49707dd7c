"""What every channel adapter shares: the touch it is handed and who it goes to.

Rendering is pure (a dispatch in, a message, letter, call item or list row out) and
separate from sending, which is I/O. Channels never decide who is contacted: the planner
did, and the send service hands them only touches it has claimed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

LANGUAGES = ("en", "zh")
FALLBACK_LANGUAGE = "en"


def language_of(*preferences: str | None) -> str:
    """Return the first supported language among the preferences, else English."""
    for preference in preferences:
        code = (preference or "").strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return FALLBACK_LANGUAGE


class NotRenderableError(ValueError):
    """A dispatch a channel cannot render: no usable address, or no template for it."""


@dataclass(frozen=True)
class Addressee:
    """The account and contact a touch is addressed to, with what the channels print."""

    account_id: str
    account_name: str
    contact_id: str | None
    contact_name: str | None
    role: str | None
    email: str | None
    phone: str | None
    language: str
    address: str | None
    city: str | None
    postcode: str | None
    region: str | None
    country: str | None
    segment: str | None
    partner_id: str | None
    partner_name: str | None


@dataclass(frozen=True)
class Agreement:
    """The agreement a touch is about, when it has one."""

    agreement_id: str
    program: str
    sa: bool
    start_on: date
    end_on: date
    value: Decimal | None
    currency: str | None


@dataclass(frozen=True)
class Dispatch:
    """One planned touch, claimed for a channel, with everything needed to render it."""

    touch_uid: str
    program_id: str
    touch_id: str
    touch_name: str
    stage_id: str
    channel: str
    content: str
    priority: int
    due_on: date
    planned_on: date
    as_of: date
    addressee: Addressee
    agreement: Agreement | None

    @property
    def language(self) -> str:
        """Return the language the touch is rendered in."""
        return self.addressee.language
