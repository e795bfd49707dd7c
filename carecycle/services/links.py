"""Use case: a customer follows a signed link — a click, an open or an unsubscribe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from carecycle.channels.calls import RetryRule
from carecycle.channels.links import BadLinkError, LinkClaim, verify_token
from carecycle.errors import InputError
from carecycle.services.outcomes import Outcome, Recorded, apply_outcome
from carecycle.store import schema
from carecycle.store.db import Store

RECORDED_AS = {"click": "clicked", "open": "opened", "unsubscribe": "unsubscribed"}


class LinkError(InputError):
    """A link that is not valid: tampered with, truncated, or for a touch we do not know."""


@dataclass(frozen=True)
class Followed:
    """What following a link recorded, and where a click leads."""

    claim: LinkClaim
    recorded: Recorded
    email: str | None


def read_link(secret: bytes, token: str, kind: str) -> LinkClaim:
    """Return the verified claim of a token of the expected kind, or raise LinkError."""
    try:
        claim = verify_token(secret, token)
    except BadLinkError as exc:
        raise LinkError(f"this link is not valid: {exc}") from None
    if claim.kind != kind:
        raise LinkError(f"this link is not valid: it is a {claim.kind} link")
    return claim


def follow_link(store: Store, secret: bytes, token: str, kind: str, *, now: datetime) -> Followed:
    """Verify the link and record its outcome (once per moment)."""
    claim = read_link(secret, token, kind)
    outcome = Outcome(
        touch_uid=claim.touch_uid,
        type=RECORDED_AS[kind],
        occurred_at=now,
        source="link",
        detail=claim.url,
    )
    with store.begin() as conn:
        recorded = apply_outcome(conn, outcome, retry=RetryRule())
        email = _email(conn, claim.contact_id)
    return Followed(claim, recorded, email)


def link_contact(
    store: Store, secret: bytes, token: str, kind: str
) -> tuple[LinkClaim, str | None]:
    """Return a verified claim and its contact's email, recording nothing."""
    claim = read_link(secret, token, kind)
    with store.begin() as conn:
        return claim, _email(conn, claim.contact_id)


def _email(conn: sa.Connection, contact_id: str | None) -> str | None:
    if contact_id is None:
        return None
    c = schema.contacts
    found = conn.execute(sa.select(c.c.email).where(c.c.contact_id == contact_id)).scalar()
    return str(found) if found else None
