"""Use case: referrals followed to the referred company's first purchase.

A referral made by a day and not rejected is either an internal recommendation — its
referred account is the referrer's own, a colleague brought in — or a referral of another
company, which led to a purchase when that company's first booked order came on or after
the referral. Accounts and contacts merged as duplicates count as their survivors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis

from carecycle.engine.facts import owned_by_survivor
from carecycle.store.db import Store

Tables = dict[str, Any]


def referrals_made(tables: Tables, as_of: date) -> Any:
    """Return the referrals made by the day and not rejected: the referrer's account
    (`referrer`) and contact, and the referred account (`account_id`, when known), each
    its survivor; with the company named, the status and whether it is internal."""
    r = tables["referrals"]
    made = r.filter(r.referred_on <= as_of, r.status != "rejected")
    made = made.select(
        "referral_id", "referred_on", "referred_company", "status",
        account_id=made.referrer_account_id, contact_id=made.referrer_contact_id,
        referred=made.referred_account_id,
    )  # fmt: skip
    made = owned_by_survivor(owned_by_survivor(made, tables), tables, "contact_id")
    made = owned_by_survivor(made.rename(referrer="account_id").rename(account_id="referred"),
                             tables)  # fmt: skip
    return made.mutate(internal=(made.account_id == made.referrer).fill_null(False))


def followed(tables: Tables, as_of: date) -> Any:
    """Return `referrals_made` with the referred company's first booked purchase by the
    day (`bought_on`, when it came on or after the referral) and whether it `led` to one
    (never for an internal recommendation)."""
    made = referrals_made(tables, as_of)
    orders = tables["orders"]
    booked = owned_by_survivor(
        orders.filter(orders.status == "booked", orders.ordered_on <= as_of), tables
    )
    first = booked.group_by("account_id").aggregate(first_on=booked.ordered_on.min())
    joined = made.left_join(first, made.account_id == first.account_id)
    led = ~joined.internal & joined.first_on.notnull() & (joined.first_on >= joined.referred_on)
    led = led.fill_null(False)
    return joined.select(
        *made.columns, led=led,
        bought_on=ibis.ifelse(led, joined.first_on, ibis.null().cast("date")),
    )  # fmt: skip


@dataclass(frozen=True)
class Referral:
    """A referral as followed on a day."""

    referral_id: str
    referrer: str
    contact_id: str | None
    referred_company: str
    referred_account: str | None
    referred_on: date
    status: str
    internal: bool
    bought_on: date | None


def list_referrals(store: Store, *, as_of: date, account_id: str | None = None) -> list[Referral]:
    """Return the referrals made by the day, followed to a first purchase, newest first
    (one referrer's, when `account_id` is given)."""
    found = followed(store.tables(), as_of)
    if account_id is not None:
        found = found.filter(found.referrer == account_id)
    rows = found.order_by([ibis.desc("referred_on"), "referral_id"]).to_pyarrow().to_pylist()
    return [Referral(r["referral_id"], r["referrer"], r["contact_id"], r["referred_company"],
                     r["account_id"], r["referred_on"], r["status"], bool(r["internal"]),
                     r["bought_on"]) for r in rows]  # fmt: skip
