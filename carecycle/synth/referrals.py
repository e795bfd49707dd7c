"""Referrals: customers naming other companies, some of which go on to buy.

A purchased referral points at an account that exists and whose first purchase came after
the referral; the referrer was already a customer by then. Engaged accounts refer more.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.store.schema import REFERRAL_STATUSES
from carecycle.synth.accounts import HISTORY_DAYS, Accounts
from carecycle.synth.addresses import draw_cities
from carecycle.synth.cities import CITIES
from carecycle.synth.columns import dates, ids, pick, table, with_nulls
from carecycle.synth.contacts import Contacts
from carecycle.synth.names import INDUSTRIES, draw_company_parts, format_company_names
from carecycle.synth.sampling import Ints, chance, weighted

REFERRAL_SHARE = 0.025
PURCHASED_SHARE = 0.3
LEAD_DAYS = (5, 90)
TENURE_DAYS = 30
ATTEMPTS = 6
PENDING, QUALIFIED, PURCHASED, REJECTED = (
    REFERRAL_STATUSES.index(s) for s in ("pending", "qualified", "purchased", "rejected")
)


def build_referrals_table(
    rng: np.random.Generator, accounts: Accounts, contacts: Contacts, today: int
) -> pa.Table:
    """Return referrals, a share of which led to an existing account's first purchase."""
    count = round(accounts.count * REFERRAL_SHARE)
    bought = _referred_accounts(rng, accounts, round(count * PURCHASED_SHARE))
    bought_on = accounts.first_purchase[bought] - rng.integers(*LEAD_DAYS, len(bought))
    others = count - len(bought)
    other_on = -np.floor(rng.random(others) * HISTORY_DAYS * 0.75).astype(np.int64)
    referred_on = np.concatenate([bought_on, other_on])
    referrer = _referrers(rng, accounts, referred_on)
    known = referrer >= 0
    referred = np.concatenate([bought, np.full(others, -1)])[known]
    referrer, referred_on = referrer[known], referred_on[known]
    order = np.lexsort((referrer, referred_on))
    referrer, referred, referred_on = referrer[order], referred[order], referred_on[order]
    return _table(rng, accounts, contacts, referrer, referred, referred_on, today)


def _referred_accounts(rng: np.random.Generator, accounts: Accounts, count: int) -> Ints:
    """Return distinct original accounts that came in late enough to have been referred."""
    late = np.flatnonzero(
        (accounts.first_purchase > -HISTORY_DAYS * 0.75) & (accounts.duplicate_of < 0)
    )
    return np.sort(rng.permutation(late)[: min(count, len(late))])


def _referrers(rng: np.random.Generator, accounts: Accounts, referred_on: Ints) -> Ints:
    """Return a referrer per referral (-1 if none found) who was a customer well before it."""
    chosen = np.full(len(referred_on), -1, dtype=np.int64)
    weight = np.exp(0.8 * accounts.engagement)
    for _ in range(ATTEMPTS):
        todo = np.flatnonzero(chosen < 0)
        candidate = weighted(rng, weight, len(todo))
        fits = accounts.first_purchase[candidate] <= referred_on[todo] - TENURE_DAYS
        chosen[todo[fits]] = candidate[fits]
    return chosen


def _table(
    rng: np.random.Generator,
    accounts: Accounts,
    contacts: Contacts,
    referrer: Ints,
    referred: Ints,
    referred_on: Ints,
    today: int,
) -> pa.Table:
    size = len(referrer)
    bought = referred >= 0
    age = -referred_on
    stage = weighted(rng, (0.3, 0.25, 0.0, 0.45), size)
    stage = np.where(age < 45, np.where(chance(rng, 0.7, size), PENDING, QUALIFIED), stage)
    status = np.where(bought, PURCHASED, stage)
    contact = contacts.ids.take(contacts.one_of(rng, referrer))
    named = accounts.names.take(np.maximum(referred, 0))
    return table(
        "referrals",
        {
            "referral_id": ids("R", size),
            "referrer_account_id": accounts.ids.take(referrer),
            "referrer_contact_id": with_nulls(contact, chance(rng, 0.15, size)),
            "referred_company": pc.if_else(bought, named, _new_companies(rng, size)),
            "referred_account_id": with_nulls(accounts.ids.take(np.maximum(referred, 0)), ~bought),
            "referred_on": dates(today + referred_on),
            "status": pick(REFERRAL_STATUSES, status),
        },
    )


def _new_companies(rng: np.random.Generator, size: int) -> pa.Array:
    """Return names of companies that are not (yet) customers."""
    city = draw_cities(rng, size)
    industry = weighted(rng, [i[1] for i in INDUSTRIES], size)
    chinese = np.array([c.country == "CN" for c in CITIES])[city] & chance(rng, 0.9, size)
    return format_company_names(draw_company_parts(rng, city, industry, chinese))
