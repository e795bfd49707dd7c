"""Use case: the customer portal — what one contact sees of their company's loyalty.

A contact opens the portal with a signed token of their own (carecycle/channels/links.py,
`portal_token`): their company's points and their own, its tier and privileges, the last
entries of its ledger, the rewards on offer, and its redemptions; and they can ask for a
reward, paid from the company's points.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from carecycle.loyalty.tiers import Tiers
from carecycle.services import points, rewards
from carecycle.services.links import LinkError, read_link
from carecycle.services.tiers import account_tier
from carecycle.store import schema
from carecycle.store.db import Store

STATEMENT_LINES = 20


def portal_contact(store: Store, secret: bytes, token: str) -> tuple[str, str]:
    """Return the (contact, account) a portal token opens, or raise InputError."""
    claim = read_link(secret, token, "portal")
    c = schema.contacts
    with store.begin() as conn:
        row = conn.execute(
            sa.select(c.c.account_id, c.c.merged_into).where(c.c.contact_id == claim.contact_id)
        ).first()
        if row is None:
            raise LinkError("this portal link is no longer valid: the contact is not known")
        survivor = row.merged_into or claim.contact_id
        account = conn.execute(
            sa.select(c.c.account_id).where(c.c.contact_id == survivor)
        ).scalar_one()
        a = schema.accounts
        merged = conn.execute(
            sa.select(a.c.merged_into).where(a.c.account_id == account)
        ).scalar()  # fmt: skip
    return str(survivor), str(merged or account)


def portal_view(
    store: Store, secret: bytes, token: str, *, tiers: Tiers | None, now: datetime
) -> dict[str, Any]:
    """Return what the contact's portal shows."""
    contact, account = portal_contact(store, secret, token)
    found_tier = account_tier(store, tiers, account) if tiers is not None else None
    statement = points.statement(store, account)[-STATEMENT_LINES:]
    return {
        "account_id": account,
        "contact_id": contact,
        "at": now,
        "balance": points.balance(store, account, now),
        "contact_balance": points.balance(store, account, now, contact),
        "tier": found_tier.as_dict() if found_tier is not None else None,
        "statement": [
            {k: e[k] for k in ("occurred_at", "kind", "points", "rule", "reason", "expires_at")}
            for e in reversed(statement)
        ],
        "rewards": rewards.offered(store, on=now.date()),
        "redemptions": rewards.redemptions(store, account_id=account),
    }  # fmt: skip


def portal_request(
    store: Store, secret: bytes, token: str, *, reward_id: str, key: str, quantity: int,
    now: datetime,
) -> rewards.Redemption:  # fmt: skip
    """Ask for a reward from the portal, paid from the company's points."""
    _, account = portal_contact(store, secret, token)
    return rewards.request(store, account_id=account, reward_id=reward_id, key=key, now=now,
                           quantity=quantity)  # fmt: skip
